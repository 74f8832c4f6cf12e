//! The `plan` command's report: a dry run that prints targets, every trade (tokens, amount, expected output, the
//! rebalancer's own `quoteMinOut`), the revm-simulated gas of each transaction (open, each `executeTrades` batch,
//! close, run in sequence on one fork), expected slippage and fees. Nothing is sent.

use std::fmt::{self, Write as _};

use alloy::{
    primitives::{Address, U256},
    sol_types::SolCall,
};
use serde::Serialize;

use crate::{
    bindings::IBallastRebalancer,
    chain::{mul_div, VaultSnapshot, WAD},
    planner::Targets,
    units::{human, money},
    Error, Result, Runner, SimTx,
};

/// One leg's target.
#[derive(Clone, Debug, Serialize)]
pub struct TargetRow {
    /// Symbol.
    pub symbol: String,
    /// Token.
    pub token: Address,
    /// Weight now (WAD of NAV).
    pub weight_wad: u64,
    /// Target weight (WAD).
    pub target_wad: u64,
}

/// One planned trade.
#[derive(Clone, Debug, Serialize)]
pub struct TradeRow {
    /// Index within the plan.
    pub index: usize,
    /// The transaction (batch) it is sent in.
    pub tx: usize,
    /// `sell` or `buy`.
    pub side: String,
    /// Sold token symbol.
    pub token_in: String,
    /// Bought token symbol.
    pub token_out: String,
    /// Amount sold, base units.
    pub amount_in: String,
    /// Amount sold, formatted.
    pub amount_in_display: String,
    /// Expected output (fee and impact), base units.
    pub expected_out: String,
    /// Expected output, formatted.
    pub expected_out_display: String,
    /// The rebalancer's bounded minimum output (`quoteMinOut`), base units (`null` if the quote reverted).
    pub min_out_onchain: Option<String>,
    /// The same, formatted.
    pub min_out_onchain_display: Option<String>,
    /// Oracle value sold, asset base units.
    pub value_in: String,
    /// Expected fee and impact, asset base units.
    pub cost: String,
    /// Expected slippage against the oracle (fee plus impact), bps.
    pub slippage_bps: f64,
    /// The pool's fee tier, pips (`null` without a `[pools]` entry).
    pub fee_pips: Option<u32>,
}

/// One simulated transaction.
#[derive(Clone, Debug, Serialize)]
pub struct TxRow {
    /// The step (`openEpoch(3)`, `executeTrades(3, 0, 4 trades)`, `closeEpoch(3)`).
    pub step: String,
    /// Whether the simulation succeeded.
    pub ok: bool,
    /// Gas used in the simulation.
    pub gas: u64,
    /// The decoded revert, if any.
    pub revert: Option<String>,
}

/// The whole report.
#[derive(Clone, Debug, Serialize)]
pub struct PlanReport {
    /// Block planned on.
    pub block: u64,
    /// The epoch that would be opened (or is open).
    pub epoch: u64,
    /// Whether that epoch is already open (the plan resumes it).
    pub resumes: bool,
    /// `risk-on` or `risk-off`.
    pub regime: String,
    /// Asset symbol.
    pub asset: String,
    /// NAV, asset base units.
    pub nav: String,
    /// NAV formatted.
    pub nav_display: String,
    /// Targets, components then cash.
    pub targets: Vec<TargetRow>,
    /// Trades in execution order (sells first).
    pub trades: Vec<TradeRow>,
    /// Simulated transactions in order.
    pub txs: Vec<TxRow>,
    /// Oracle value sold, formatted in asset units.
    pub turnover_display: String,
    /// Expected fees and impact, formatted in asset units.
    pub expected_cost_display: String,
    /// Total simulated gas.
    pub gas_total: u64,
}

fn symbol_of(s: &VaultSnapshot, t: Address) -> String {
    if t == s.asset {
        return s.asset_symbol.clone();
    }
    s.components
        .iter()
        .find(|c| c.token == t)
        .map(|c| c.symbol.clone())
        .unwrap_or_else(|| t.to_string())
}

fn decimals_of(s: &VaultSnapshot, t: Address) -> u8 {
    if t == s.asset {
        return s.asset_decimals;
    }
    s.components
        .iter()
        .find(|c| c.token == t)
        .map_or(18, |c| c.decimals)
}

impl Runner {
    /// The dry run behind `ballast plan`: targets (`None`: the vault's current ones) → plan → quotes → simulation.
    pub async fn plan_report(&self, targets: Option<Targets>) -> Result<PlanReport> {
        let mut snap = self.snapshot().await?;
        let r = snap
            .rebalancer
            .clone()
            .ok_or_else(|| Error::State("no rebalancer".into()))?;
        let resumes = r.epoch.open;
        let epoch = if resumes { r.epoch.id } else { r.epoch.id + 1 };
        let t = match (&targets, resumes) {
            (Some(t), false) => t.clone(),
            _ => Targets::current(&snap),
        };
        t.validate(snap.components.len())?;
        self.read_pool_depths(&mut snap).await?;
        let plan = self.plan(&snap, &t, snap.nav, r.band_wad)?;

        let mut steps: Vec<(String, Vec<u8>)> = Vec::new();
        if !resumes {
            steps.push((
                format!("openEpoch({epoch})"),
                IBallastRebalancer::openEpochCall {
                    expectedId: epoch,
                    weights: t.weights.clone(),
                    cashWeight: t.cash,
                }
                .abi_encode(),
            ));
        }
        let batches = plan.tx_batches();
        let mut trades = Vec::with_capacity(plan.trades.len());
        let rb = IBallastRebalancer::new(self.rebalancer, &self.provider);
        for (k, b) in batches.iter().enumerate() {
            let index = r.epoch.trades + b.first as u32;
            steps.push((
                format!("executeTrades({epoch}, {index}, {} trades)", b.len),
                self.execute_call(&snap, epoch, index, &plan, *b)?,
            ));
            for (i, p) in plan.trades[b.first..b.first + b.len].iter().enumerate() {
                let out_dec = decimals_of(&snap, p.token_out);
                let quote = rb
                    .quoteMinOut(p.token_in, p.token_out, p.amount_in)
                    .call()
                    .await
                    .ok()
                    .map(|q| q.minAmountOut);
                let component = if p.token_in == snap.asset {
                    p.token_out
                } else {
                    p.token_in
                };
                let slippage_bps = if p.value_in.is_zero() {
                    0.0
                } else {
                    f64::from(
                        mul_div(p.cost, U256::from(1_000_000u64), p.value_in)
                            .saturating_to::<u32>(),
                    ) / 100.0
                };
                trades.push(TradeRow {
                    index: b.first + i,
                    tx: k,
                    side: if p.token_in == snap.asset {
                        "buy"
                    } else {
                        "sell"
                    }
                    .into(),
                    token_in: symbol_of(&snap, p.token_in),
                    token_out: symbol_of(&snap, p.token_out),
                    amount_in: p.amount_in.to_string(),
                    amount_in_display: human(p.amount_in, decimals_of(&snap, p.token_in), 8),
                    expected_out: p.expected_out.to_string(),
                    expected_out_display: human(p.expected_out, out_dec, 8),
                    min_out_onchain: quote.map(|q| q.to_string()),
                    min_out_onchain_display: quote.map(|q| human(q, out_dec, 8)),
                    value_in: p.value_in.to_string(),
                    cost: p.cost.to_string(),
                    slippage_bps,
                    fee_pips: self.pools.for_token(&snap, component).map(|p| p.fee),
                });
            }
        }
        steps.push((
            format!("closeEpoch({epoch})"),
            IBallastRebalancer::closeEpochCall { epochId: epoch }.abi_encode(),
        ));
        let sims = steps
            .iter()
            .map(|(_, input)| SimTx {
                from: self.sender.address(),
                to: self.rebalancer,
                input: input.clone().into(),
                value: U256::ZERO,
                gas_limit: self.gas_limit,
            })
            .collect();
        let (_, outcomes) = self.simulator.simulate(sims).await?;
        let txs: Vec<TxRow> = steps
            .iter()
            .zip(outcomes)
            .map(|((step, _), o)| TxRow {
                step: step.clone(),
                ok: o.success,
                gas: o.gas_used,
                revert: o.revert,
            })
            .collect();
        let mut targets_rows: Vec<TargetRow> = snap
            .components
            .iter()
            .zip(&t.weights)
            .map(|(c, w)| TargetRow {
                symbol: c.symbol.clone(),
                token: c.token,
                weight_wad: snap.weight_of(c.value),
                target_wad: if r.regime == 1 { 0 } else { *w },
            })
            .collect();
        targets_rows.push(TargetRow {
            symbol: snap.asset_symbol.clone(),
            token: snap.asset,
            weight_wad: snap.weight_of(snap.cash),
            target_wad: if r.regime == 1 { WAD } else { t.cash },
        });
        Ok(PlanReport {
            block: snap.block,
            epoch,
            resumes,
            regime: if r.regime == 1 { "risk-off" } else { "risk-on" }.into(),
            asset: snap.asset_symbol.clone(),
            nav: snap.nav.to_string(),
            nav_display: money(snap.nav, snap.asset_decimals),
            targets: targets_rows,
            trades,
            gas_total: txs.iter().map(|t| t.gas).sum(),
            txs,
            turnover_display: money(plan.sold_value, snap.asset_decimals),
            expected_cost_display: money(plan.expected_cost, snap.asset_decimals),
        })
    }
}

fn pct(wad: u64) -> String {
    format!("{:.2}%", wad as f64 / 1e16)
}

impl fmt::Display for PlanReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut o = String::new();
        let _ = writeln!(
            o,
            "plan for epoch {}{} at block {} ({}), NAV {} {} — DRY RUN, nothing sent",
            self.epoch,
            if self.resumes {
                " (open: resuming)"
            } else {
                ""
            },
            self.block,
            self.regime,
            self.nav_display,
            self.asset
        );
        let _ = writeln!(o, "targets   {:<8} {:>8} {:>8}", "token", "now", "target");
        for t in &self.targets {
            let _ = writeln!(
                o,
                "          {:<8} {:>8} {:>8}",
                t.symbol,
                pct(t.weight_wad),
                pct(t.target_wad)
            );
        }
        if self.trades.is_empty() {
            let _ = writeln!(o, "trades    none (every leg inside its band)");
        } else {
            let _ = writeln!(
                o,
                "trades    {:>3} {:>2} {:<4} {:>22} {:>22} {:>22} {:>8} {:>6}",
                "#", "tx", "side", "amount in", "expected out", "min out (chain)", "slip", "fee"
            );
        }
        for t in &self.trades {
            let _ = writeln!(
                o,
                "          {:>3} {:>2} {:<4} {:>22} {:>22} {:>22} {:>7.1}b {:>6}",
                t.index,
                t.tx,
                t.side,
                format!("{} {}", t.amount_in_display, t.token_in),
                format!("{} {}", t.expected_out_display, t.token_out),
                t.min_out_onchain_display
                    .as_ref()
                    .map(|m| format!("{m} {}", t.token_out))
                    .unwrap_or_else(|| "quote reverted".into()),
                t.slippage_bps,
                t.fee_pips
                    .map(|p| format!("{:.2}%", f64::from(p) / 1e4))
                    .unwrap_or_else(|| "-".into()),
            );
        }
        for t in &self.txs {
            let _ = writeln!(
                o,
                "tx        {:<40} {:>9} gas  {}",
                t.step,
                t.gas,
                if t.ok {
                    "ok".to_string()
                } else {
                    format!("REVERTS: {}", t.revert.as_deref().unwrap_or("?"))
                }
            );
        }
        let _ = write!(
            o,
            "totals    turnover {} {}, expected fees+impact {} {}, gas {}",
            self.turnover_display,
            self.asset,
            self.expected_cost_display,
            self.asset,
            self.gas_total
        );
        f.write_str(&o)
    }
}
