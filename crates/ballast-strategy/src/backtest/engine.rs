//! Running the strategy over a history.

use std::collections::{BTreeMap, HashMap};

use serde::{Deserialize, Serialize};

use super::metrics::{compute_metrics, Metrics};
use crate::math::{units_to_usd, usd_to_units, PIPS};
use crate::{
    apply_expected, compute_weights, evaluate_signal, plan_trades, scores_from_caps,
    select_universe, swap_output_value, Address, Error, History, IndexSeries, PlanConfig,
    PlanInput, Pool, Position, Price, Regime, RegimeState, Result, Side, SignalConfig,
    UniverseConfig, WeightScheme,
};

/// Decimals of the cash leg (a USD stablecoin worth one dollar).
pub const CASH_DECIMALS: u8 = 6;

/// The cash leg's token in simulations.
pub const CASH_TOKEN: Address = Address([0xCA; 20]);

/// What trading costs.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct CostModel {
    /// Gas price in gwei (20 by default).
    pub gas_price_gwei: f64,
    /// Price of the gas token in USD (3,000 by default).
    pub native_usd: f64,
    /// Pool fee tier of every component pool, in pips (3,000 = 0.30 % by default).
    pub fee_pips: u32,
    /// Pool depth (one side) as a multiple of the asset's 24-hour volume (0.05 by default).
    pub depth_per_volume: f64,
    /// Cap on pool depth in USD (2e8 by default).
    pub max_depth_usd: f64,
    /// Gas of one stand-alone swap transaction, for the do-it-yourself comparison (150,000 by default).
    pub diy_gas_per_swap: u64,
}

impl Default for CostModel {
    fn default() -> Self {
        Self {
            gas_price_gwei: 20.0,
            native_usd: 3_000.0,
            fee_pips: 3_000,
            depth_per_volume: 0.05,
            max_depth_usd: 2.0e8,
            diy_gas_per_swap: 150_000,
        }
    }
}

impl CostModel {
    /// The USD cost of `gas`.
    pub fn gas_usd(&self, gas: u64) -> f64 {
        gas as f64 * self.gas_price_gwei * 1e-9 * self.native_usd
    }
}

/// One strategy's parameters.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StrategyConfig {
    /// The universe rule.
    pub universe: UniverseConfig,
    /// The weighting scheme.
    pub scheme: WeightScheme,
    /// The cash leg's weight while risk-on (WAD; 1 % by default).
    pub cash_wad: u64,
    /// Days between scheduled rebalances (7 by default).
    pub rebalance_days: usize,
    /// The regime signal, or `None` to stay risk-on.
    pub signal: Option<SignalConfig>,
    /// The trade planner's parameters.
    pub plan: PlanConfig,
}

impl Default for StrategyConfig {
    fn default() -> Self {
        Self {
            universe: UniverseConfig::default(),
            scheme: WeightScheme::CappedMarketCap {
                cap_wad: 300_000_000_000_000_000,
            },
            cash_wad: 10_000_000_000_000_000,
            rebalance_days: 7,
            signal: Some(SignalConfig::default()),
            plan: PlanConfig {
                min_trade_value: 1_000_000_000,
                ..PlanConfig::default()
            },
        }
    }
}

/// A backtest's parameters.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BacktestConfig {
    /// A name for reports.
    pub name: String,
    /// Starting capital in USD, all in cash (10,000,000 by default).
    pub capital_usd: f64,
    /// Index of the first day traded (earlier days only warm the signal up).
    pub start: usize,
    /// The strategy.
    pub strategy: StrategyConfig,
    /// The cost model.
    pub costs: CostModel,
    /// One holder's capital in USD, for the do-it-yourself comparison (10,000 by default).
    pub holder_capital_usd: f64,
}

/// Totals of what a run paid.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct CostTotals {
    /// Pool fees in USD.
    pub fees_usd: f64,
    /// Price impact in USD.
    pub impact_usd: f64,
    /// Gas in USD.
    pub gas_usd: f64,
    /// Oracle value sold, summed over the run, in USD.
    pub sold_usd: f64,
    /// Trades made.
    pub trades: u64,
    /// Transactions sent.
    pub transactions: u64,
    /// Rebalances (plans executed).
    pub rebalances: u64,
    /// Regime switches.
    pub switches: u64,
    /// Holdings written off because their asset left the data set while held, in USD.
    pub written_off_usd: f64,
}

impl CostTotals {
    /// Fees, impact and gas.
    pub fn total_usd(&self) -> f64 {
        self.fees_usd + self.impact_usd + self.gas_usd
    }
}

/// One run's result.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RunResult {
    /// The strategy's name.
    pub name: String,
    /// NAV in USD on each traded day.
    pub nav: Vec<f64>,
    /// The regime on each traded day.
    pub regime: Vec<Regime>,
    /// Summary statistics.
    pub metrics: Metrics,
    /// Cost totals.
    pub costs: CostTotals,
    /// Annual one-way turnover: value sold per year over mean NAV.
    pub turnover: f64,
    /// What one holder would pay to make the same trades alone (fees, impact, one swap transaction each), USD.
    pub diy_cost_usd: f64,
    /// The holder's share of this run's costs, USD.
    pub vault_cost_per_holder_usd: f64,
}

/// Runs one strategy over `history[config.start..]`. `index` is [`index_series`](crate::index_series) of the
/// same history (shared between runs; needed only with a signal).
pub fn run_backtest(
    history: &History,
    index: &IndexSeries,
    config: &BacktestConfig,
) -> Result<RunResult> {
    let s = &config.strategy;
    if config.start >= history.len() || s.rebalance_days == 0 {
        return Err(Error::invalid(
            "backtest",
            "start must be inside the history and rebalance_days positive",
        ));
    }
    if index.levels.len() != history.len() {
        return Err(Error::invalid(
            "backtest",
            "index series and history differ in length",
        ));
    }
    let costs_model = config.costs;
    let share = config.holder_capital_usd / config.capital_usd;
    let mut cash = usd_to_units(config.capital_usd, CASH_DECIMALS)?;
    let mut holdings: BTreeMap<usize, u128> = BTreeMap::new();
    let column: HashMap<&str, usize> = history
        .assets()
        .iter()
        .enumerate()
        .map(|(i, a)| (a.id.as_str(), i))
        .collect();
    let mut incumbents: Vec<String> = Vec::new();
    let mut state = RegimeState {
        regime: Regime::RiskOn,
        since: history.days()[0],
    };
    let mut totals = CostTotals::default();
    let mut diy_cost_usd = 0.0;
    let mut nav_series = Vec::with_capacity(history.len() - config.start);
    let mut regimes = Vec::with_capacity(history.len() - config.start);
    for t in config.start..history.len() {
        let today = history.days()[t];
        let mut switched = false;
        if let Some(signal) = s.signal {
            let breadth = index.breadth[t];
            let signal = SignalConfig {
                breadth: signal.breadth.filter(|_| breadth.is_some()),
                ..signal
            };
            let reading = evaluate_signal(&signal, &index.levels[..=t], breadth, state, today)?;
            if reading.switched {
                state = RegimeState {
                    regime: reading.regime,
                    since: today,
                };
                switched = true;
                totals.switches += 1;
            }
        }
        // Holdings whose asset left the data set can no longer be priced or traded: written off.
        let gone: Vec<usize> = holdings
            .keys()
            .copied()
            .filter(|&i| history.get(t, i).is_none())
            .collect();
        for i in gone {
            totals.written_off_usd += last_value_usd(history, t, i, holdings[&i]);
            holdings.remove(&i);
        }
        if (t - config.start) % s.rebalance_days == 0 || switched {
            let snapshot = history.snapshot(t);
            let universe = select_universe(&snapshot.assets, &incumbents, &s.universe)?;
            incumbents = universe.ids();
            let scores = scores_from_caps(universe.members.iter().map(|m| m.market_cap_usd))?;
            let weights = compute_weights(&scores, s.scheme, s.cash_wad)?;
            let mut targets: BTreeMap<usize, u64> = BTreeMap::new();
            for (m, w) in universe.members.iter().zip(&weights.components) {
                let i = *column
                    .get(m.id.as_str())
                    .ok_or_else(|| Error::invalid("universe", m.id.clone()))?;
                targets.insert(i, *w);
            }
            let mut assets: Vec<usize> = targets.keys().chain(holdings.keys()).copied().collect();
            assets.sort_unstable();
            assets.dedup();
            let mut positions = Vec::with_capacity(assets.len());
            for &i in &assets {
                let meta = &history.assets()[i];
                let token = meta.token.ok_or_else(|| {
                    Error::invalid("universe", format!("{} has no token", meta.id))
                })?;
                let obs = history
                    .get(t, i)
                    .ok_or_else(|| Error::invalid("history", format!("{} unpriced", meta.id)))?;
                let depth_usd = (obs.volume_24h_usd * costs_model.depth_per_volume)
                    .min(costs_model.max_depth_usd);
                positions.push(Position {
                    token: token.address,
                    balance: holdings.get(&i).copied().unwrap_or(0),
                    price: Price::from_usd(obs.price_usd, token.decimals, CASH_DECIMALS)?,
                    target_wad: targets.get(&i).copied().unwrap_or(0),
                    pool: Pool {
                        depth: usd_to_units(depth_usd, CASH_DECIMALS)?,
                        fee_pips: costs_model.fee_pips,
                    },
                });
            }
            let input = PlanInput {
                cash: crate::CashLeg {
                    token: CASH_TOKEN,
                    balance: cash,
                    target_wad: weights.cash,
                },
                positions,
            };
            let plan = plan_trades(&input, state.regime, &s.plan)?;
            let after = apply_expected(&input, &plan)?;
            cash = after.cash.balance;
            for (&i, p) in assets.iter().zip(&after.positions) {
                if p.balance > 0 {
                    holdings.insert(i, p.balance);
                } else {
                    holdings.remove(&i);
                }
            }
            let gas_usd = costs_model.gas_usd(plan.gas);
            cash = cash.saturating_sub(usd_to_units(gas_usd, CASH_DECIMALS)?);
            let fees: u128 = plan
                .trades
                .iter()
                .map(|t| t.value_in * u128::from(costs_model.fee_pips) / PIPS)
                .sum();
            totals.fees_usd += units_to_usd(fees, CASH_DECIMALS);
            totals.impact_usd +=
                units_to_usd(plan.expected_cost.saturating_sub(fees), CASH_DECIMALS);
            totals.gas_usd += gas_usd;
            totals.sold_usd += units_to_usd(plan.sold_value, CASH_DECIMALS);
            totals.trades += plan.trades.len() as u64;
            totals.transactions += plan.batches.len() as u64;
            totals.rebalances += u64::from(!plan.trades.is_empty());
            diy_cost_usd += diy_cost(&plan, &input, share, &costs_model);
        }
        let mut nav = units_to_usd(cash, CASH_DECIMALS);
        for (&i, &balance) in &holdings {
            nav += last_value_usd(history, t, i, balance);
        }
        nav_series.push(nav);
        regimes.push(state.regime);
    }
    let years = (nav_series.len().max(2) - 1) as f64 / 365.0;
    let mean_nav = nav_series.iter().sum::<f64>() / nav_series.len() as f64;
    Ok(RunResult {
        name: config.name.clone(),
        metrics: compute_metrics(&nav_series, 0.0),
        turnover: if mean_nav > 0.0 {
            totals.sold_usd / years / mean_nav
        } else {
            0.0
        },
        vault_cost_per_holder_usd: totals.total_usd() * share,
        diy_cost_usd,
        costs: totals,
        nav: nav_series,
        regime: regimes,
    })
}

/// USD value of `balance` base units of asset `i` at its price on day `t` (or the last day it was priced).
fn last_value_usd(history: &History, t: usize, i: usize, balance: u128) -> f64 {
    let decimals = history.assets()[i].token.map_or(18, |k| k.decimals);
    let price = (0..=t)
        .rev()
        .find_map(|d| history.get(d, i))
        .map_or(0.0, |o| o.price_usd);
    balance as f64 / 10f64.powi(i32::from(decimals)) * price
}

/// What one holder with `share` of the vault pays to make the plan's moves alone: one swap per component move
/// (no chunking at that size), its fee and impact at the same pools, and a stand-alone swap transaction's gas.
fn diy_cost(plan: &crate::Plan, input: &PlanInput, share: f64, costs: &CostModel) -> f64 {
    let mut by_component: BTreeMap<(Address, bool), u128> = BTreeMap::new();
    for t in &plan.trades {
        *by_component
            .entry((t.component, t.side == Side::Sell))
            .or_insert(0) += t.value_in;
    }
    let pools: HashMap<Address, Pool> = input.positions.iter().map(|p| (p.token, p.pool)).collect();
    by_component
        .into_iter()
        .map(|((token, _), value)| {
            let value = (value as f64 * share) as u128;
            let out = pools
                .get(&token)
                .map_or(0, |&pool| swap_output_value(value, pool));
            units_to_usd(value.saturating_sub(out), CASH_DECIMALS)
                + costs.gas_usd(costs.diy_gas_per_swap)
        })
        .sum()
}
