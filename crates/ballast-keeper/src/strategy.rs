//! The strategy planner: the keeper's [`Planner`] seam on top of [`ballast_strategy::plan_trades`]. Holdings and
//! prices come from the chain ([`VaultSnapshot`]: `components()` balances, each price source's `price(token)` in
//! the 1e36 scale), targets from the epoch, the regime and bounds (band, slippage) from the rebalancer, and the pool
//! of each token from `[pools]`, or read on chain ([`crate::pools`]) when `[uniswap]` is configured.

use std::collections::BTreeMap;

use alloy::primitives::{Address, U256};
use ballast_strategy as strat;
use tracing::warn;

use crate::{
    chain::{ComponentState, VaultSnapshot},
    planner::{Plan, PlanInput, PlannedTrade, Planner, TradeBatch},
    settings::{PlanSettings, PoolSpec},
    Error, Result,
};

/// Converts an alloy address to the strategy crate's.
pub fn to_strat(a: Address) -> strat::Address {
    strat::Address(a.0 .0)
}

/// Converts the strategy crate's address to alloy's.
pub fn from_strat(a: strat::Address) -> Address {
    Address::from(a.0)
}

/// `[pools]`, resolved per component: by address, then symbol (any case), then `default`.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct PoolBook(BTreeMap<String, PoolSpec>);

impl PoolBook {
    /// From the `[pools]` table.
    pub fn new(pools: BTreeMap<String, PoolSpec>) -> Self {
        Self(pools)
    }

    /// The spec of `c`, if any.
    pub fn get(&self, c: &ComponentState) -> Option<&PoolSpec> {
        self.0
            .iter()
            .find(|(k, _)| k.parse::<Address>().ok() == Some(c.token))
            .or_else(|| {
                self.0
                    .iter()
                    .find(|(k, _)| k.eq_ignore_ascii_case(&c.symbol))
            })
            .map(|(_, v)| v)
            .or_else(|| self.0.get("default"))
    }

    /// The spec of the component `token` in `s`.
    pub fn for_token(&self, s: &VaultSnapshot, token: Address) -> Option<&PoolSpec> {
        s.components
            .iter()
            .find(|c| c.token == token)
            .and_then(|c| self.get(c))
    }
}

/// Whole units to base units (`x · 10^decimals`, rounded down; saturating).
pub fn whole_to_base(x: f64, decimals: u8) -> u128 {
    let v = x * 10f64.powi(i32::from(decimals));
    if v.is_finite() && v > 0.0 {
        v.min(u128::MAX as f64) as u128
    } else {
        0
    }
}

/// The [`Planner`] backed by `ballast_strategy::plan_trades`.
#[derive(Clone, Debug)]
pub struct StrategyPlanner {
    pools: PoolBook,
    settings: PlanSettings,
    gas_limit: u64,
}

impl StrategyPlanner {
    /// A planner with `[pools]` and `[plan]`; `gas_limit` (`gas.limit`) caps the per-transaction gas budget.
    pub fn new(pools: PoolBook, settings: PlanSettings, gas_limit: u64) -> Self {
        Self {
            pools,
            settings,
            gas_limit,
        }
    }

    /// The strategy crate's input for `input` (positions in `components()` order) and its regime.
    pub fn strategy_input(
        &self,
        input: &PlanInput<'_>,
    ) -> Result<(strat::PlanInput, strat::Regime, strat::PlanConfig)> {
        let s = input.snapshot;
        input.targets.validate(s.components.len())?;
        let r = s.rebalancer.as_ref();
        let regime = match r.map(|r| r.regime) {
            Some(1) => strat::Regime::RiskOff,
            _ => strat::Regime::RiskOn,
        };
        // Cash already promised to queued redemptions (set aside at the epoch's opening) is not investable.
        let reserved = r
            .filter(|r| r.epoch.open)
            .map(|r| r.epoch.reserved)
            .unwrap_or_default();
        let mut positions = Vec::with_capacity(s.components.len());
        for (c, w) in s.components.iter().zip(&input.targets.weights) {
            let price = c
                .price
                .filter(|p| !p.is_zero())
                .ok_or_else(|| Error::StalePrice {
                    token: c.token,
                    symbol: c.symbol.clone(),
                })?;
            let pool = match self.pools.get(c) {
                Some(p) => strat::Pool {
                    // The depth read on chain at the snapshot's block when there is one, else `[pools]`.
                    depth: s
                        .pool_depths
                        .get(&c.token)
                        .copied()
                        .unwrap_or_else(|| whole_to_base(p.depth, s.asset_decimals)),
                    fee_pips: p.fee,
                },
                None => strat::Pool {
                    depth: 0,
                    fee_pips: 0,
                },
            };
            positions.push(strat::Position {
                token: to_strat(c.token),
                balance: c.balance.saturating_to(),
                price: strat::Price::from_be_bytes(price.to_be_bytes::<32>()),
                target_wad: *w,
                pool,
            });
        }
        let plan_input = strat::PlanInput {
            cash: strat::CashLeg {
                token: to_strat(s.asset),
                balance: s.cash.saturating_sub(reserved).saturating_to(),
                target_wad: input.targets.cash,
            },
            positions,
        };
        let p = &self.settings;
        let band_wad = if input.band_wad == 0 {
            strat::PlanConfig::default().band_wad
        } else {
            input.band_wad
        };
        let config = strat::PlanConfig {
            band_wad,
            relative_band_bps: p.relative_band_bps,
            min_trade_value: whole_to_base(p.min_trade_value, s.asset_decimals),
            max_impact_bps: p.max_impact_bps,
            max_slippage_bps: r.map_or(100, |r| u32::from(r.max_slippage_bps)),
            max_chunks: p.max_chunks,
            gas_per_trade: p.gas_per_trade,
            gas_per_tx: p.gas_per_tx,
            tx_gas_budget: p.tx_gas_budget.min(self.gas_limit),
        };
        Ok((plan_input, regime, config))
    }
}

impl Planner for StrategyPlanner {
    fn plan(&self, input: &PlanInput<'_>) -> Result<Plan> {
        let (plan_input, regime, config) = self.strategy_input(input)?;
        let p = strat::plan_trades(&plan_input, regime, &config)
            .map_err(|e| Error::Plan(format!("strategy: {e}")))?;
        for leg in &p.legs {
            if matches!(
                leg.status,
                strat::LegStatus::NoLiquidity | strat::LegStatus::LiquidityLimited
            ) {
                warn!(
                    token = %from_strat(leg.token),
                    status = ?leg.status,
                    "leg outside its band not fully traded: add or deepen its [pools] entry"
                );
            }
        }
        Ok(convert(&p))
    }
}

/// The keeper's plan from the strategy crate's.
pub fn convert(p: &strat::Plan) -> Plan {
    Plan {
        trades: p
            .trades
            .iter()
            .map(|t| PlannedTrade {
                token_in: from_strat(t.token_in),
                token_out: from_strat(t.token_out),
                amount_in: U256::from(t.amount_in),
                expected_out: U256::from(t.expected_out),
                min_out: U256::from(t.min_out),
                value_in: U256::from(t.value_in),
                cost: U256::from(t.expected_cost),
            })
            .collect(),
        batches: p
            .batches
            .iter()
            .map(|b| TradeBatch {
                first: b.first,
                len: b.len,
                gas: b.gas,
            })
            .collect(),
        expected_cost: U256::from(p.expected_cost),
        sold_value: U256::from(p.sold_value),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{
        chain::{EpochState, Fees, RebalancerState},
        planner::Targets,
    };

    const WAD: u64 = 1_000_000_000_000_000_000;

    fn component(n: u8, symbol: &str, balance: u64, price: U256, w: u64) -> ComponentState {
        ComponentState {
            token: Address::repeat_byte(n),
            symbol: symbol.into(),
            decimals: 18,
            source: Address::repeat_byte(0xee),
            balance: U256::from(balance),
            price: Some(price),
            value: U256::ZERO,
            target_weight: w,
        }
    }

    fn snapshot(components: Vec<ComponentState>, cash: u64) -> VaultSnapshot {
        VaultSnapshot {
            block: 1,
            timestamp: 1,
            vault: Address::repeat_byte(0xaa),
            asset: Address::repeat_byte(0x01),
            asset_symbol: "USDC".into(),
            asset_decimals: 6,
            share_decimals: 18,
            total_supply: U256::ZERO,
            nav: U256::ZERO,
            nav_valid: true,
            share_price: U256::ZERO,
            cash: U256::from(cash),
            cash_target_weight: WAD / 10,
            components,
            fees: Fees {
                recipient: Address::ZERO,
                management_fee_wad: 0,
                entry_fee_bps: 0,
                exit_fee_bps: 0,
                levy_bps: 0,
                last_accrual: 0,
                pending_management_fee_shares: U256::ZERO,
            },
            deposits_paused: false,
            rebalancing_paused: false,
            rebalancer: Some(RebalancerState {
                address: Address::repeat_byte(0xbb),
                epoch: EpochState {
                    id: 0,
                    kind: 0,
                    open: false,
                    opened_at: 0,
                    closed_at: 0,
                    trades: 0,
                    nav_at_open: U256::ZERO,
                    supply_at_open: U256::ZERO,
                    reserved: U256::ZERO,
                    turnover: U256::ZERO,
                    loss: U256::ZERO,
                },
                regime: 0,
                last_switch: 0,
                next_rebalance_due: 0,
                band_wad: WAD / 200,
                cash_buffer_wad: WAD / 50,
                max_slippage_bps: 100,
                max_turnover_bps: 30_000,
                min_dwell: 86_400,
                window_loss_wad: 0,
                window_loss_cap_wad: WAD / 100,
            }),
            pool_depths: BTreeMap::new(),
        }
    }

    fn pools() -> PoolBook {
        let mut m = BTreeMap::new();
        m.insert(
            "default".into(),
            PoolSpec {
                fee: 500,
                depth: 50_000_000.0,
                via: None,
                via_fee: None,
            },
        );
        m.insert(
            "bbb".into(),
            PoolSpec {
                fee: 3000,
                depth: 1_000.0,
                via: None,
                via_fee: None,
            },
        );
        PoolBook::new(m)
    }

    // 1 token (18 decimals) = 2,000 USDC: 2000e6 base units per 1e18 base units, times 1e36.
    fn price_2000() -> U256 {
        U256::from(2_000_000_000u64) * U256::from(10u64).pow(U256::from(18))
    }

    #[test]
    fn all_cash_vault_buys_every_component_in_batches_sells_first() {
        let s = snapshot(
            vec![
                component(0x10, "AAA", 0, price_2000(), WAD / 100 * 45),
                component(0x20, "CCC", 0, price_2000(), WAD / 100 * 45),
            ],
            1_000_000_000_000, // 1M USDC
        );
        let t = Targets::current(&s);
        let planner = StrategyPlanner::new(
            pools(),
            PlanSettings {
                tx_gas_budget: 300_000,
                ..PlanSettings::default()
            },
            5_000_000,
        );
        let plan = planner
            .plan(&PlanInput {
                snapshot: &s,
                targets: &t,
                investable: U256::ZERO,
                nav: U256::ZERO,
                band_wad: WAD / 200,
                params: &toml::Table::new(),
            })
            .expect("plan");
        // 450k USDC each through a 50M-deep pool at a 50 bps impact limit: two chunks each.
        assert_eq!(plan.trades.len(), 4);
        assert!(plan.trades.iter().all(|t| t.token_in == s.asset));
        assert_eq!(
            plan.batches.len(),
            4,
            "one trade per transaction at 300k gas"
        );
        assert!(plan
            .trades
            .iter()
            .all(|t| t.expected_out > U256::ZERO && t.min_out > U256::ZERO));
    }

    #[test]
    fn risk_off_sells_everything_and_a_stale_price_refuses() {
        let mut s = snapshot(
            vec![component(0x10, "AAA", 0, price_2000(), 9 * WAD / 10)],
            0,
        );
        s.components[0].balance = U256::from(10u64).pow(U256::from(20)); // 100 tokens = 200k USDC
        if let Some(r) = s.rebalancer.as_mut() {
            r.regime = 1;
        }
        let t = Targets {
            weights: vec![0],
            cash: WAD,
        };
        let planner = StrategyPlanner::new(pools(), PlanSettings::default(), 5_000_000);
        let params = toml::Table::new();
        fn input<'a>(
            s: &'a VaultSnapshot,
            t: &'a Targets,
            params: &'a toml::Table,
        ) -> PlanInput<'a> {
            PlanInput {
                snapshot: s,
                targets: t,
                investable: U256::ZERO,
                nav: U256::ZERO,
                band_wad: WAD / 200,
                params,
            }
        }
        let plan = planner.plan(&input(&s, &t, &params)).expect("plan");
        assert!(!plan.trades.is_empty());
        assert!(plan.trades.iter().all(|t| t.token_out == s.asset));
        let total: U256 = plan.trades.iter().map(|t| t.amount_in).sum();
        assert_eq!(total, s.components[0].balance, "exits entirely");

        s.components[0].price = None;
        let e = planner.plan(&input(&s, &t, &params)).expect_err("stale");
        assert!(e.to_string().contains("AAA"), "{e}");
    }

    #[test]
    fn pools_resolve_by_address_symbol_then_default() {
        let book = pools();
        let a = component(0x10, "AAA", 0, U256::ZERO, 0);
        let b = component(0x20, "BBB", 0, U256::ZERO, 0);
        assert_eq!(book.get(&a).map(|p| p.fee), Some(500));
        assert_eq!(book.get(&b).map(|p| p.fee), Some(3000));
        let mut m = BTreeMap::new();
        m.insert(
            Address::repeat_byte(0x10).to_string(),
            PoolSpec {
                fee: 100,
                depth: 1.0,
                via: None,
                via_fee: None,
            },
        );
        assert_eq!(PoolBook::new(m).get(&a).map(|p| p.fee), Some(100));
        assert_eq!(whole_to_base(1.5, 6), 1_500_000);
    }
}
