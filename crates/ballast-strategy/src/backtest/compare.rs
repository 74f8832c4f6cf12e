//! The comparison the issue asks for: BTC only, the top N without and with the regime switch, and the
//! do-it-yourself cost of the same rebalances.

use serde::{Deserialize, Serialize};

use super::engine::{
    run_backtest, BacktestConfig, CostModel, CostTotals, RunResult, StrategyConfig,
};
use super::metrics::compute_metrics;
use crate::{index_series, Day, Error, History, Regime, Result};

/// The comparison's parameters.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ComparisonConfig {
    /// The strategy with the regime switch; the plain top N is the same without its signal.
    pub base: BacktestConfig,
    /// The asset held by the buy-and-hold benchmark (`bitcoin` by default).
    pub benchmark_id: String,
}

impl Default for ComparisonConfig {
    fn default() -> Self {
        let strategy = StrategyConfig::default();
        let warmup = strategy.signal.map_or(0, |s| s.ma_days);
        Self {
            base: BacktestConfig {
                name: "top-N + regime".to_owned(),
                capital_usd: 10_000_000.0,
                start: warmup,
                strategy,
                costs: CostModel::default(),
                holder_capital_usd: 10_000.0,
            },
            benchmark_id: "bitcoin".to_owned(),
        }
    }
}

/// The do-it-yourself comparison for one holder.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DiyComparison {
    /// The strategy whose rebalances are compared.
    pub strategy: String,
    /// The holder's capital in USD.
    pub holder_capital_usd: f64,
    /// What the holder would pay making the same trades alone, USD.
    pub diy_cost_usd: f64,
    /// The holder's share of the vault's costs, USD.
    pub vault_cost_per_holder_usd: f64,
}

/// The comparison's result.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Comparison {
    /// The traded days.
    pub days: Vec<Day>,
    /// BTC only, the top N weekly, the top N weekly with the regime switch.
    pub runs: Vec<RunResult>,
    /// The do-it-yourself comparison, for the strategy with the regime switch.
    pub diy: DiyComparison,
}

/// Runs the comparison on one history.
pub fn run_comparison(history: &History, config: &ComparisonConfig) -> Result<Comparison> {
    let base = &config.base;
    let breadth_days = base
        .strategy
        .signal
        .and_then(|s| s.breadth)
        .map_or(50, |b| b.ma_days);
    let index = index_series(history, &base.strategy.universe, breadth_days)?;
    let btc = buy_and_hold(history, config)?;
    let plain = BacktestConfig {
        name: format!("top-{} weekly", base.strategy.universe.size),
        strategy: StrategyConfig {
            signal: None,
            ..base.strategy.clone()
        },
        ..base.clone()
    };
    let plain = run_backtest(history, &index, &plain)?;
    let signal = base.strategy.signal.unwrap_or_default();
    let with_regime = BacktestConfig {
        name: format!("top-{} weekly + regime", base.strategy.universe.size),
        strategy: StrategyConfig {
            signal: Some(signal),
            ..base.strategy.clone()
        },
        ..base.clone()
    };
    let with_regime = run_backtest(history, &index, &with_regime)?;
    let diy = DiyComparison {
        strategy: with_regime.name.clone(),
        holder_capital_usd: base.holder_capital_usd,
        diy_cost_usd: with_regime.diy_cost_usd,
        vault_cost_per_holder_usd: with_regime.vault_cost_per_holder_usd,
    };
    Ok(Comparison {
        days: history.days()[base.start..].to_vec(),
        runs: vec![btc, plain, with_regime],
        diy,
    })
}

/// Buys the benchmark on the first traded day (one swap, its fee and gas) and holds it.
fn buy_and_hold(history: &History, config: &ComparisonConfig) -> Result<RunResult> {
    let base = &config.base;
    let i = history.asset_index(&config.benchmark_id).ok_or_else(|| {
        Error::invalid(
            "benchmark",
            format!("`{}` is not in the history", config.benchmark_id),
        )
    })?;
    let first = history
        .get(base.start, i)
        .ok_or_else(|| Error::invalid("benchmark", "not priced on the first traded day"))?
        .price_usd;
    let fee = base.costs.fee_pips as f64 / 1e6;
    let gas = base.costs.gas_usd(base.costs.diy_gas_per_swap);
    let invested = base.capital_usd * (1.0 - fee) - gas;
    let mut nav = Vec::with_capacity(history.len() - base.start);
    let mut last = first;
    for t in base.start..history.len() {
        last = history.get(t, i).map_or(last, |o| o.price_usd);
        nav.push(invested * last / first);
    }
    let costs = CostTotals {
        fees_usd: base.capital_usd * fee,
        gas_usd: gas,
        trades: 1,
        transactions: 1,
        rebalances: 1,
        ..CostTotals::default()
    };
    let share = base.holder_capital_usd / base.capital_usd;
    Ok(RunResult {
        name: format!("{} only", config.benchmark_id),
        metrics: compute_metrics(&nav, 0.0),
        regime: vec![Regime::RiskOn; nav.len()],
        nav,
        turnover: 0.0,
        diy_cost_usd: base.holder_capital_usd * fee + gas,
        vault_cost_per_holder_usd: costs.total_usd() * share,
        costs,
    })
}
