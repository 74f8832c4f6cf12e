//! Reads the vault (and its rebalancer) at one pinned block: [`VaultSnapshot`].

use alloy::{
    eips::BlockId,
    primitives::{Address, U256},
    providers::{DynProvider, Provider, ProviderBuilder},
};

use crate::{
    bindings::{IBallastRebalancer, IBallastVault, IERC20Metadata, IPriceSource},
    keys::RpcUrl,
    Error, Result,
};

/// Prices are quote base units per token base unit, scaled by 1e36.
pub const PRICE_SCALE: U256 =
    U256::from_limbs([0xb34b_9f10_0000_0000, 0x00c0_97ce_7bc9_0715, 0, 0]);
/// 1e18: weights are in WAD.
pub const WAD: u64 = 1_000_000_000_000_000_000;

/// A read-only provider on `url` (no fillers).
pub fn connect(url: &RpcUrl) -> DynProvider {
    connect_with_timeout(url, std::time::Duration::from_secs(30))
}

/// A read-only provider on `url` (no fillers) whose every request gives up after `timeout` (a node that accepts
/// connections but never answers must not hang the keeper).
pub fn connect_with_timeout(url: &RpcUrl, timeout: std::time::Duration) -> DynProvider {
    let client = alloy::transports::http::reqwest::Client::builder()
        .timeout(timeout)
        .connect_timeout(timeout)
        .build()
        .unwrap_or_default();
    ProviderBuilder::new()
        .disable_recommended_fillers()
        .connect_client(alloy::rpc::client::RpcClient::new_http_with_client(
            client,
            url.expose().clone(),
        ))
        .erased()
}

/// One listed component as read from the chain.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ComponentState {
    /// The token.
    pub token: Address,
    /// Its symbol (`?` if unreadable).
    pub symbol: String,
    /// Its decimals.
    pub decimals: u8,
    /// The price source.
    pub source: Address,
    /// Balance accounted by the vault.
    pub balance: U256,
    /// Price (quote base units per token base unit × 1e36), `None` if the source reverts.
    pub price: Option<U256>,
    /// Value in asset base units (zero without a price).
    pub value: U256,
    /// Target weight (WAD).
    pub target_weight: u64,
}

/// The rebalancer's latest epoch.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EpochState {
    /// Its id (0 before the first).
    pub id: u64,
    /// 0 rebalance, 1 cash sweep, 2 regime switch.
    pub kind: u8,
    /// Whether it is open.
    pub open: bool,
    /// When it opened.
    pub opened_at: u64,
    /// When it closed (0 while open).
    pub closed_at: u64,
    /// Trades executed so far (the next `firstIndex`).
    pub trades: u32,
    /// NAV at its opening.
    pub nav_at_open: U256,
    /// The vault's share supply at its opening.
    pub supply_at_open: U256,
    /// Value reserved for queued redemptions.
    pub reserved: U256,
    /// Oracle value sold so far.
    pub turnover: U256,
    /// Oracle value lost so far.
    pub loss: U256,
}

impl EpochState {
    /// The base the rebalancer measures a call's bounds, targets and band against when the vault's supply is
    /// `supply_now` (see [`epoch_base`]).
    pub fn base(&self, supply_now: U256) -> U256 {
        epoch_base(self.nav_at_open, self.supply_at_open, supply_now)
    }
}

/// `BallastRebalancer._base`: the opening NAV, scaled down (rounded down) by the share supply that has left since the
/// opening; never above the opening NAV.
pub fn epoch_base(nav_at_open: U256, supply_at_open: U256, supply_now: U256) -> U256 {
    if supply_now < supply_at_open {
        nav_at_open * supply_now / supply_at_open
    } else {
        nav_at_open
    }
}

/// The rebalancer's state.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RebalancerState {
    /// Its address.
    pub address: Address,
    /// The latest epoch.
    pub epoch: EpochState,
    /// 0 risk-on, 1 risk-off.
    pub regime: u8,
    /// When the regime last switched.
    pub last_switch: u64,
    /// When the next scheduled rebalance is due.
    pub next_rebalance_due: u64,
    /// No-trade band (WAD).
    pub band_wad: u64,
    /// Least cash weight of risk-on targets (WAD).
    pub cash_buffer_wad: u64,
    /// Largest slippage per trade, in bps.
    pub max_slippage_bps: u16,
    /// Largest turnover per epoch, in bps of NAV.
    pub max_turnover_bps: u32,
    /// Least seconds between two regime switches.
    pub min_dwell: u64,
    /// The rolling-window loss budget used now (fraction of NAV, WAD; drains over `epochInterval`).
    pub window_loss_wad: u64,
    /// Its cap (WAD): an `executeTrades` call whose loss would pass it reverts `WindowLossExceeded`.
    pub window_loss_cap_wad: u64,
}

/// Fees as configured on the vault.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fees {
    /// Receives every fee, as shares.
    pub recipient: Address,
    /// Annual management fee (WAD).
    pub management_fee_wad: u64,
    /// Entry fee, bps of assets.
    pub entry_fee_bps: u16,
    /// Exit fee, bps of shares.
    pub exit_fee_bps: u16,
    /// Anti-dilution levy on cash entries and exits, bps (kept by the vault).
    pub levy_bps: u16,
    /// Management fee accrued up to this time.
    pub last_accrual: u64,
    /// Shares the management fee would mint now.
    pub pending_management_fee_shares: U256,
}

/// Everything the keeper reads from the chain, at one block.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VaultSnapshot {
    /// The block read.
    pub block: u64,
    /// Its timestamp.
    pub timestamp: u64,
    /// The vault.
    pub vault: Address,
    /// The asset (the stablecoin).
    pub asset: Address,
    /// Its symbol.
    pub asset_symbol: String,
    /// Its decimals.
    pub asset_decimals: u8,
    /// The vault share's decimals.
    pub share_decimals: u8,
    /// Total shares.
    pub total_supply: U256,
    /// NAV (rounded down).
    pub nav: U256,
    /// Whether every price was valid.
    pub nav_valid: bool,
    /// Assets one whole share redeems for (`convertToAssets(10^decimals)`, fees excluded).
    pub share_price: U256,
    /// The cash leg.
    pub cash: U256,
    /// Cash target weight (WAD).
    pub cash_target_weight: u64,
    /// Components in index order.
    pub components: Vec<ComponentState>,
    /// Fee configuration.
    pub fees: Fees,
    /// Deposits paused.
    pub deposits_paused: bool,
    /// Rebalancing paused.
    pub rebalancing_paused: bool,
    /// The rebalancer, if one is set or configured.
    pub rebalancer: Option<RebalancerState>,
    /// Depth of each component's pool read on chain at `block` (asset base units; see [`crate::pools`]): empty
    /// unless `[uniswap]` is configured; the runner fills it just before it plans, and the planner prefers it over
    /// the `[pools]` depths.
    pub pool_depths: std::collections::BTreeMap<Address, u128>,
}

impl VaultSnapshot {
    /// Reads the vault at the latest block. `rebalancer` overrides the vault's `rebalancer()`.
    pub async fn read(
        provider: &DynProvider,
        vault: Address,
        rebalancer: Option<Address>,
    ) -> Result<Self> {
        let header = provider
            .get_block_by_number(alloy::eips::BlockNumberOrTag::Latest)
            .await
            .map_err(Error::rpc)?
            .ok_or_else(|| Error::State("no latest block".into()))?
            .header;
        let at = BlockId::number(header.number);
        let v = IBallastVault::new(vault, provider);
        let code = provider
            .get_code_at(vault)
            .block_id(at)
            .await
            .map_err(Error::rpc)?;
        if code.is_empty() {
            return Err(Error::State(format!(
                "no contract at vault address {vault}"
            )));
        }
        let call =
            |name: &str, e: alloy::contract::Error| Error::State(format!("vault.{name}(): {e}"));
        let asset = v
            .asset()
            .block(at)
            .call()
            .await
            .map_err(|e| call("asset", e))?;
        let share_decimals = v
            .decimals()
            .block(at)
            .call()
            .await
            .map_err(|e| call("decimals", e))?;
        let total_supply = v
            .totalSupply()
            .block(at)
            .call()
            .await
            .map_err(|e| call("totalSupply", e))?;
        let nav = v.nav().block(at).call().await.map_err(|e| call("nav", e))?;
        let one_share = U256::from(10u64).pow(U256::from(share_decimals));
        let share_price = v
            .convertToAssets(one_share)
            .block(at)
            .call()
            .await
            .map_err(|e| call("convertToAssets", e))?;
        let cash = v
            .cash()
            .block(at)
            .call()
            .await
            .map_err(|e| call("cash", e))?;
        let cash_target_weight = v
            .cashTargetWeight()
            .block(at)
            .call()
            .await
            .map_err(|e| call("cashTargetWeight", e))?;
        let fc = v
            .feeConfig()
            .block(at)
            .call()
            .await
            .map_err(|e| call("feeConfig", e))?;
        let pending = v
            .pendingManagementFeeShares()
            .block(at)
            .call()
            .await
            .map_err(|e| call("pendingManagementFeeShares", e))?;
        let deposits_paused = v
            .depositsPaused()
            .block(at)
            .call()
            .await
            .map_err(|e| call("depositsPaused", e))?;
        let rebalancing_paused = v
            .rebalancingPaused()
            .block(at)
            .call()
            .await
            .map_err(|e| call("rebalancingPaused", e))?;
        let views = v
            .components()
            .block(at)
            .call()
            .await
            .map_err(|e| call("components", e))?;

        let erc20 = IERC20Metadata::new(asset, provider);
        let asset_symbol = erc20
            .symbol()
            .block(at)
            .call()
            .await
            .unwrap_or_else(|_| "?".into());
        let asset_decimals = erc20
            .decimals()
            .block(at)
            .call()
            .await
            .map_err(|e| call("asset.decimals", e))?;

        let mut components = Vec::with_capacity(views.len());
        for c in views {
            let price = IPriceSource::new(c.source, provider)
                .price(c.token)
                .block(at)
                .call()
                .await
                .ok();
            let value = price
                .map(|p| mul_div(c.balance, p, PRICE_SCALE))
                .unwrap_or_default();
            let symbol = IERC20Metadata::new(c.token, provider)
                .symbol()
                .block(at)
                .call()
                .await
                .unwrap_or_else(|_| "?".into());
            components.push(ComponentState {
                token: c.token,
                symbol,
                decimals: c.decimals,
                source: c.source,
                balance: c.balance,
                price,
                value,
                target_weight: c.targetWeight,
            });
        }

        let rebalancer = match rebalancer {
            Some(r) => Some(r),
            None => {
                let r = v
                    .rebalancer()
                    .block(at)
                    .call()
                    .await
                    .map_err(|e| call("rebalancer", e))?;
                (!r.is_zero()).then_some(r)
            }
        };
        let rebalancer = match rebalancer {
            Some(r) => Some(read_rebalancer(provider, r, at).await?),
            None => None,
        };

        Ok(Self {
            block: header.number,
            timestamp: header.timestamp,
            vault,
            asset,
            asset_symbol,
            asset_decimals,
            share_decimals,
            total_supply,
            nav: nav.assets,
            nav_valid: nav.valid,
            share_price,
            cash,
            cash_target_weight,
            components,
            fees: Fees {
                recipient: fc.recipient,
                management_fee_wad: fc.managementFeeWad,
                entry_fee_bps: fc.entryFeeBps,
                exit_fee_bps: fc.exitFeeBps,
                levy_bps: fc.levyBps,
                last_accrual: fc.lastAccrual.to::<u64>(),
                pending_management_fee_shares: pending,
            },
            deposits_paused,
            rebalancing_paused,
            rebalancer,
            pool_depths: std::collections::BTreeMap::new(),
        })
    }

    /// The weight of `value` in the NAV, in WAD (0 when the NAV is 0).
    pub fn weight_of(&self, value: U256) -> u64 {
        if self.nav.is_zero() {
            return 0;
        }
        mul_div(value, U256::from(WAD), self.nav).saturating_to()
    }
}

/// Reads the rebalancer at block `at`.
pub async fn read_rebalancer(
    provider: &DynProvider,
    address: Address,
    at: BlockId,
) -> Result<RebalancerState> {
    let r = IBallastRebalancer::new(address, provider);
    let call =
        |name: &str, e: alloy::contract::Error| Error::State(format!("rebalancer.{name}(): {e}"));
    let e = r
        .currentEpoch()
        .block(at)
        .call()
        .await
        .map_err(|e| call("currentEpoch", e))?;
    let regime = r
        .regime()
        .block(at)
        .call()
        .await
        .map_err(|e| call("regime", e))?;
    let due = r
        .nextRebalanceDue()
        .block(at)
        .call()
        .await
        .map_err(|e| call("nextRebalanceDue", e))?;
    let c = r
        .config()
        .block(at)
        .call()
        .await
        .map_err(|e| call("config", e))?;
    let window = r
        .windowLoss()
        .block(at)
        .call()
        .await
        .map_err(|e| call("windowLoss", e))?;
    Ok(RebalancerState {
        address,
        epoch: EpochState {
            id: e.id,
            kind: e.kind,
            open: e.open,
            opened_at: e.openedAt.to::<u64>(),
            closed_at: e.closedAt.to::<u64>(),
            trades: e.trades,
            nav_at_open: U256::from(e.navAtOpen),
            supply_at_open: U256::from(e.supplyAtOpen),
            reserved: U256::from(e.reserved),
            turnover: U256::from(e.turnover),
            loss: U256::from(e.loss),
        },
        regime: regime._0,
        last_switch: regime.lastSwitch.saturating_to(),
        next_rebalance_due: due.saturating_to(),
        band_wad: c.bandWad,
        cash_buffer_wad: c.cashBufferWad,
        max_slippage_bps: c.maxSlippageBps,
        max_turnover_bps: c.maxTurnoverBps,
        min_dwell: u64::from(c.minDwell),
        window_loss_wad: window.usedWad.saturating_to(),
        window_loss_cap_wad: window.capWad.saturating_to(),
    })
}

/// `a * b / d`, rounded down, saturating on overflow (amounts here are far below 2^256 / 1e36).
pub fn mul_div(a: U256, b: U256, d: U256) -> U256 {
    if d.is_zero() {
        return U256::ZERO;
    }
    a.checked_mul(b).map(|p| p / d).unwrap_or(U256::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn price_scale_is_1e36() {
        assert_eq!(PRICE_SCALE, U256::from(10u64).pow(U256::from(36)));
        assert_eq!(
            mul_div(U256::from(10), U256::from(3), U256::from(4)),
            U256::from(7)
        );
        assert_eq!(
            mul_div(U256::from(1), U256::from(1), U256::ZERO),
            U256::ZERO
        );
    }

    #[test]
    fn epoch_base_shrinks_with_the_supply_that_left_and_never_grows() {
        let e = EpochState {
            id: 1,
            kind: 0,
            open: true,
            opened_at: 0,
            closed_at: 0,
            trades: 0,
            nav_at_open: U256::from(1_000_000u64),
            supply_at_open: U256::from(1_000u64),
            reserved: U256::ZERO,
            turnover: U256::ZERO,
            loss: U256::ZERO,
        };
        // A tenth of the supply stays: a tenth of the opening NAV (as the rebalancer's `_base`, rounded down).
        assert_eq!(e.base(U256::from(100u64)), U256::from(100_000u64));
        assert_eq!(e.base(U256::from(333u64)), U256::from(333_000u64));
        assert_eq!(e.base(U256::from(3u64)), U256::from(3_000u64));
        // Money that comes in never widens it past the opening NAV.
        assert_eq!(e.base(U256::from(5_000u64)), U256::from(1_000_000u64));
        assert_eq!(e.base(U256::from(1_000u64)), U256::from(1_000_000u64));
    }
}
