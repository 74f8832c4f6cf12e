//! The `status` report: NAV, share price, holdings against targets, regime, last epoch, fees, next rebalance.
//! Amounts are decimal strings in base units (exact) with a human-formatted twin; weights are WAD integers.

use std::fmt::{self, Write as _};

use alloy::primitives::Address;
use serde::Serialize;

use crate::{
    chain::VaultSnapshot,
    config::Schedule,
    units::{human, money},
};

/// One holding (a component or the cash leg) against its target.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct Holding {
    /// Symbol.
    pub symbol: String,
    /// Token address.
    pub token: Address,
    /// Balance in base units.
    pub balance: String,
    /// Balance formatted with the token's decimals.
    pub balance_display: String,
    /// Value in asset base units (`null` without a price).
    pub value: Option<String>,
    /// Value in asset units (`12,345.67`), `null` without a price.
    pub value_display: Option<String>,
    /// Weight in NAV (WAD).
    pub weight_wad: u64,
    /// Target weight (WAD).
    pub target_wad: u64,
}

/// The epoch part of the report.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct EpochReport {
    /// Id.
    pub id: u64,
    /// `rebalance`, `cash-sweep` or `regime-switch`.
    pub kind: String,
    /// Open or closed.
    pub open: bool,
    /// Opened at (unix).
    pub opened_at: u64,
    /// Closed at (unix, 0 while open).
    pub closed_at: u64,
    /// Trades executed.
    pub trades: u32,
}

/// One basis point as a WAD fraction.
const BPS_WAD: u64 = 100_000_000_000_000;

/// The rebalancer part of the report.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct RebalancerReport {
    /// Address.
    pub address: Address,
    /// `risk-on` or `risk-off`.
    pub regime: String,
    /// Last regime switch (unix).
    pub last_switch: u64,
    /// The latest epoch.
    pub last_epoch: EpochReport,
    /// The contract's next scheduled rebalance (unix).
    pub next_rebalance_due: u64,
    /// Trading losses still counted in the rolling window, bps of NAV (rounded up).
    pub window_loss_bps: u64,
    /// The window's cap, bps of NAV.
    pub window_loss_cap_bps: u64,
}

/// Fees.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct FeeReport {
    /// Recipient.
    pub recipient: Address,
    /// Management fee, WAD per year.
    pub management_fee_wad: u64,
    /// Entry fee, bps.
    pub entry_fee_bps: u16,
    /// Exit fee, bps.
    pub exit_fee_bps: u16,
    /// Anti-dilution levy on cash entries and exits, bps (kept by the vault).
    pub levy_bps: u16,
    /// Management fee shares that would be minted now.
    pub pending_management_fee_shares: String,
}

/// The whole `status` report.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct StatusReport {
    /// Block read.
    pub block: u64,
    /// Its timestamp.
    pub timestamp: u64,
    /// Vault.
    pub vault: Address,
    /// Asset symbol.
    pub asset: String,
    /// NAV in asset base units.
    pub nav: String,
    /// NAV formatted.
    pub nav_display: String,
    /// Whether every price was valid.
    pub nav_valid: bool,
    /// Shares outstanding (base units).
    pub total_supply: String,
    /// Assets per whole share (base units).
    pub share_price: String,
    /// Share price formatted.
    pub share_price_display: String,
    /// Components, then the cash leg last.
    pub holdings: Vec<Holding>,
    /// Fees.
    pub fees: FeeReport,
    /// Deposits paused.
    pub deposits_paused: bool,
    /// Rebalancing paused.
    pub rebalancing_paused: bool,
    /// The rebalancer, if any.
    pub rebalancer: Option<RebalancerReport>,
    /// The keeper's own next slot from its configured schedule (unix).
    pub keeper_next_slot: u64,
}

fn pct(wad: u64) -> String {
    format!("{:.2}%", wad as f64 / 1e16)
}

impl StatusReport {
    /// Builds the report from a snapshot.
    pub fn new(s: &VaultSnapshot, schedule: &Schedule) -> Self {
        let mut holdings: Vec<Holding> = s
            .components
            .iter()
            .map(|c| Holding {
                symbol: c.symbol.clone(),
                token: c.token,
                balance: c.balance.to_string(),
                balance_display: human(c.balance, c.decimals, 8),
                value: c.price.map(|_| c.value.to_string()),
                value_display: c.price.map(|_| money(c.value, s.asset_decimals)),
                weight_wad: s.weight_of(c.value),
                target_wad: c.target_weight,
            })
            .collect();
        holdings.push(Holding {
            symbol: s.asset_symbol.clone(),
            token: s.asset,
            balance: s.cash.to_string(),
            balance_display: money(s.cash, s.asset_decimals),
            value: Some(s.cash.to_string()),
            value_display: Some(money(s.cash, s.asset_decimals)),
            weight_wad: s.weight_of(s.cash),
            target_wad: s.cash_target_weight,
        });
        let rebalancer = s.rebalancer.as_ref().map(|r| RebalancerReport {
            address: r.address,
            regime: if r.regime == 0 { "risk-on" } else { "risk-off" }.into(),
            last_switch: r.last_switch,
            last_epoch: EpochReport {
                id: r.epoch.id,
                kind: match r.epoch.kind {
                    0 => "rebalance",
                    1 => "cash-sweep",
                    _ => "regime-switch",
                }
                .into(),
                open: r.epoch.open,
                opened_at: r.epoch.opened_at,
                closed_at: r.epoch.closed_at,
                trades: r.epoch.trades,
            },
            next_rebalance_due: r.next_rebalance_due,
            window_loss_bps: r.window_loss_wad.div_ceil(BPS_WAD),
            window_loss_cap_bps: r.window_loss_cap_wad / BPS_WAD,
        });
        Self {
            block: s.block,
            timestamp: s.timestamp,
            vault: s.vault,
            asset: s.asset_symbol.clone(),
            nav: s.nav.to_string(),
            nav_display: money(s.nav, s.asset_decimals),
            nav_valid: s.nav_valid,
            total_supply: s.total_supply.to_string(),
            share_price: s.share_price.to_string(),
            share_price_display: human(s.share_price, s.asset_decimals, 6),
            holdings,
            fees: FeeReport {
                recipient: s.fees.recipient,
                management_fee_wad: s.fees.management_fee_wad,
                entry_fee_bps: s.fees.entry_fee_bps,
                exit_fee_bps: s.fees.exit_fee_bps,
                levy_bps: s.fees.levy_bps,
                pending_management_fee_shares: s.fees.pending_management_fee_shares.to_string(),
            },
            deposits_paused: s.deposits_paused,
            rebalancing_paused: s.rebalancing_paused,
            rebalancer,
            keeper_next_slot: schedule.next_after(s.timestamp),
        }
    }
}

impl fmt::Display for StatusReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut o = String::new();
        let _ = writeln!(
            o,
            "vault        {} (block {}, time {})",
            self.vault, self.block, self.timestamp
        );
        let valid = if self.nav_valid {
            ""
        } else {
            "  (INVALID: a price is unavailable)"
        };
        let _ = writeln!(o, "NAV          {} {}{valid}", self.nav_display, self.asset);
        let _ = writeln!(
            o,
            "share price  {} {}",
            self.share_price_display, self.asset
        );
        let _ = writeln!(
            o,
            "holdings     {:<8} {:>22} {:>22} {:>8} {:>8}",
            "token", "balance", "value", "weight", "target"
        );
        for h in &self.holdings {
            let value = h
                .value_display
                .as_ref()
                .map(|v| format!("{v} {}", self.asset))
                .unwrap_or_else(|| "NO PRICE (stale)".into());
            let _ = writeln!(
                o,
                "             {:<8} {:>22} {:>22} {:>8} {:>8}",
                h.symbol,
                h.balance_display,
                value,
                pct(h.weight_wad),
                pct(h.target_wad)
            );
        }
        let fe = &self.fees;
        let _ = writeln!(
            o,
            "fees         management {}/yr, entry {} bps, exit {} bps, levy {} bps, pending {} shares, to {}",
            pct(fe.management_fee_wad),
            fe.entry_fee_bps,
            fe.exit_fee_bps,
            fe.levy_bps,
            fe.pending_management_fee_shares,
            fe.recipient
        );
        let _ = writeln!(
            o,
            "paused       deposits {}, rebalancing {}",
            self.deposits_paused, self.rebalancing_paused
        );
        match &self.rebalancer {
            Some(r) => {
                let e = &r.last_epoch;
                let _ = writeln!(o, "regime       {} (since {})", r.regime, r.last_switch);
                let _ = writeln!(
                    o,
                    "last epoch   #{} {} {} ({} trades, opened {})",
                    e.id,
                    e.kind,
                    if e.open { "OPEN" } else { "closed" },
                    e.trades,
                    e.opened_at
                );
                let _ = writeln!(
                    o,
                    "next due     {} (contract schedule)",
                    r.next_rebalance_due
                );
                let _ = writeln!(
                    o,
                    "loss budget  {} of {} bps of NAV used (rolling window)",
                    r.window_loss_bps, r.window_loss_cap_bps
                );
            }
            None => {
                let _ = writeln!(o, "rebalancer   none");
            }
        }
        let _ = write!(
            o,
            "keeper slot  {} (configured schedule)",
            self.keeper_next_slot
        );
        f.write_str(&o)
    }
}
