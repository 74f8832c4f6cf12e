//! The plan's inputs, parameters and output.

use serde::{Deserialize, Serialize};

use crate::math::{mul_div, BPS, PIPS, WAD};
use crate::{Address, Error, Price, Regime, Result};

/// A component's swap pool, as the planner models it.
///
/// The pool is treated as constant-product with `depth` of value on each side: a trade of value `x` (after the
/// fee) returns `x * depth / (depth + x)` of value, an expected price impact of `x / (depth + x)`. For a
/// concentrated-liquidity pool, pass the virtual reserve of the active range.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Pool {
    /// The value of one side of the pool, in cash base units (0 = no pool: the component cannot be traded).
    pub depth: u128,
    /// The pool's fee in pips (1e6 = 100 %; Uniswap tiers are 100, 500, 3000, 10000).
    pub fee_pips: u32,
}

/// One component as the vault holds it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Position {
    /// The component's token.
    pub token: Address,
    /// The vault's balance, in token base units.
    pub balance: u128,
    /// The oracle price: cash base units per token base unit, times 1e36.
    pub price: Price,
    /// The target weight (WAD); zero for a component leaving the index.
    pub target_wad: u64,
    /// The pool the component trades in against cash.
    pub pool: Pool,
}

/// The cash leg (the vault's stablecoin asset).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct CashLeg {
    /// The stablecoin's address.
    pub token: Address,
    /// The vault's balance, in base units (available for trading: net of queued redemptions).
    pub balance: u128,
    /// The cash target weight (WAD).
    pub target_wad: u64,
}

/// Everything the planner needs to know about the vault.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanInput {
    /// The cash leg.
    pub cash: CashLeg,
    /// The components, held or targeted, in any order (each token once).
    pub positions: Vec<Position>,
}

/// The planner's parameters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanConfig {
    /// Widest no-trade band around a target, absolute WAD (at most the vault's `bandWad`; 0.5 % by default).
    pub band_wad: u64,
    /// When positive, a component's band is `min(band_wad, target * relative_band_bps / 10_000)`, so small
    /// weights get proportionally tight bands (2,000 = 20 % of the weight by default).
    pub relative_band_bps: u32,
    /// Trades worth less than this (cash base units) are not worth their gas and are not made.
    pub min_trade_value: u128,
    /// The largest expected price impact of one trade, in bps (50 by default).
    pub max_impact_bps: u32,
    /// The vault's `maxSlippageBps`: each trade's `min_out` is its oracle output less this (100 by default).
    pub max_slippage_bps: u32,
    /// Most transactions one component's move may be spread over in one plan (10 by default).
    pub max_chunks: u32,
    /// Gas of one trade inside `executeTrades` (180,000 by default).
    pub gas_per_trade: u64,
    /// Fixed gas of one `executeTrades` transaction (80,000 by default).
    pub gas_per_tx: u64,
    /// Most gas one transaction may use (3,000,000 by default).
    pub tx_gas_budget: u64,
}

impl Default for PlanConfig {
    fn default() -> Self {
        Self {
            band_wad: 5_000_000_000_000_000,
            relative_band_bps: 2_000,
            min_trade_value: 500_000_000,
            max_impact_bps: 50,
            max_slippage_bps: 100,
            max_chunks: 10,
            gas_per_trade: 180_000,
            gas_per_tx: 80_000,
            tx_gas_budget: 3_000_000,
        }
    }
}

impl PlanConfig {
    /// Checks the parameters.
    pub fn validate(&self) -> Result<()> {
        if self.band_wad > WAD {
            return Err(Error::invalid("band", "exceeds 100 %"));
        }
        if self.max_impact_bps == 0 || u128::from(self.max_impact_bps) >= BPS {
            return Err(Error::invalid("max impact", "must be in (0, 10000) bps"));
        }
        if u128::from(self.max_slippage_bps) >= BPS {
            return Err(Error::invalid("max slippage", "must be under 10000 bps"));
        }
        if self.max_chunks == 0 {
            return Err(Error::invalid("max chunks", "must be at least 1"));
        }
        if self.trades_per_tx() == 0 {
            return Err(Error::invalid(
                "gas budget",
                "too small for one trade per transaction",
            ));
        }
        Ok(())
    }

    /// How many trades fit in one transaction.
    pub fn trades_per_tx(&self) -> usize {
        let room = self.tx_gas_budget.saturating_sub(self.gas_per_tx);
        room.checked_div(self.gas_per_trade)
            .map_or(usize::MAX, |n| n as usize)
    }

    /// The no-trade band of a leg with target `target_wad` (WAD).
    pub fn band_for(&self, target_wad: u64) -> u64 {
        if self.relative_band_bps == 0 || target_wad == 0 {
            return self.band_wad;
        }
        let relative = mul_div(
            u128::from(target_wad),
            u128::from(self.relative_band_bps),
            BPS,
        )
        .unwrap_or(0);
        self.band_wad.min(relative as u64)
    }

    /// Checks that a pool's fee plus the impact limit stays under the slippage limit, so that no planned trade
    /// can be refused by the vault's `min_out`.
    pub(crate) fn check_pool(&self, token: Address, pool: Pool) -> Result<()> {
        let fee_and_impact =
            u128::from(pool.fee_pips) + u128::from(self.max_impact_bps) * (PIPS / BPS);
        if u128::from(pool.fee_pips) >= PIPS
            || fee_and_impact >= u128::from(self.max_slippage_bps) * (PIPS / BPS)
        {
            return Err(Error::invalid(
                "pool",
                format!(
                    "{token}: fee {} pips plus the impact limit reaches the slippage limit",
                    pool.fee_pips
                ),
            ));
        }
        Ok(())
    }
}

/// Which way a trade goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Side {
    /// Component → cash.
    Sell,
    /// Cash → component.
    Buy,
}

/// One swap, in execution order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Trade {
    /// Sell (component → cash) or buy (cash → component).
    pub side: Side,
    /// The component traded.
    pub component: Address,
    /// The token sold.
    pub token_in: Address,
    /// The token bought.
    pub token_out: Address,
    /// The amount sold, in `token_in` base units.
    pub amount_in: u128,
    /// The expected output after fee and price impact, in `token_out` base units.
    pub expected_out: u128,
    /// The output at the oracle price, in `token_out` base units.
    pub oracle_out: u128,
    /// The least output the vault will accept (`oracle_out` less `max_slippage_bps`).
    pub min_out: u128,
    /// The oracle value of the input, in cash base units.
    pub value_in: u128,
    /// The expected cost (fee plus impact), in cash base units.
    pub expected_cost: u128,
    /// This trade's index among its component's chunks (0-based).
    pub chunk: u32,
    /// How many chunks the component's move was split into.
    pub chunks: u32,
}

/// A group of consecutive trades sent in one `executeTrades` transaction.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Batch {
    /// The index of its first trade in [`Plan::trades`] (the vault's `firstIndex`).
    pub first: usize,
    /// How many trades it holds.
    pub len: usize,
    /// Its estimated gas.
    pub gas: u64,
}

/// What the plan does with a component.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum LegStatus {
    /// Inside its band: no trade.
    InBand,
    /// Overweight beyond its band: sold to target.
    Sell,
    /// Underweight beyond its band: bought to target.
    Buy,
    /// Target zero (leaving the index, or risk-off): the whole balance is sold.
    Exit,
    /// Inside its band, but sold to target to bring the cash leg inside its band.
    SellForCash,
    /// Inside its band, but bought to target to bring the cash leg inside its band.
    BuyForCash,
    /// Outside its band, but the move is smaller than the minimum trade.
    BelowMinTrade,
    /// Outside its band, but it has no pool.
    NoLiquidity,
    /// Moved toward target only as far as `max_chunks` trades at the impact limit allow.
    LiquidityLimited,
    /// Bought less than its deficit because the cash leg could not fund every buy.
    Scaled,
}

/// The plan's view of one component.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Leg {
    /// The component.
    pub token: Address,
    /// Its oracle value before the plan, in cash base units.
    pub value: u128,
    /// Its target value (target weight times NAV), in cash base units.
    pub target_value: u128,
    /// Its no-trade band, in cash base units.
    pub band_value: u128,
    /// Its expected oracle value after the plan.
    pub expected_value: u128,
    /// What the plan does with it.
    pub status: LegStatus,
}

/// The output of [`plan_trades`](crate::plan_trades).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Plan {
    /// The regime planned for.
    pub regime: Regime,
    /// The NAV at oracle prices, in cash base units; target values are weights times this.
    pub nav: u128,
    /// The trades in execution order: every sell, then every buy.
    pub trades: Vec<Trade>,
    /// The transactions: consecutive trades within the gas budget, no component twice in one.
    pub batches: Vec<Batch>,
    /// One entry per input position, in input order.
    pub legs: Vec<Leg>,
    /// Cash before the plan.
    pub cash_value: u128,
    /// Cash target value.
    pub cash_target: u128,
    /// Cash band, in cash base units.
    pub cash_band: u128,
    /// Expected cash after the plan.
    pub cash_expected: u128,
    /// Oracle value sold (one-way turnover), in cash base units.
    pub sold_value: u128,
    /// Oracle value of cash spent on buys, in cash base units.
    pub bought_value: u128,
    /// Expected fee and impact costs, in cash base units.
    pub expected_cost: u128,
    /// Estimated gas of all batches.
    pub gas: u64,
}
