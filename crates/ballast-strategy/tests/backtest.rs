//! The backtest end to end on a small generated history.

use ballast_strategy::{
    generate_history, index_series, run_backtest, run_comparison, write_report, BacktestConfig,
    ComparisonConfig, GeneratorConfig, History, PlanConfig, Regime, SignalConfig, StrategyConfig,
    UniverseConfig,
};

fn small_history(seed: u64) -> History {
    let cfg = GeneratorConfig {
        seed,
        days: 420,
        assets: 40,
        ..GeneratorConfig::default()
    };
    generate_history(&cfg).expect("generates")
}

fn small_config() -> ComparisonConfig {
    let mut cfg = ComparisonConfig::default();
    cfg.base.start = 60;
    cfg.base.strategy = StrategyConfig {
        universe: UniverseConfig {
            size: 15,
            buffer: 3,
            ..UniverseConfig::default()
        },
        signal: Some(SignalConfig {
            ma_days: 40,
            min_dwell_days: 7,
            ..SignalConfig::default()
        }),
        plan: PlanConfig {
            min_trade_value: 1_000_000_000,
            ..PlanConfig::default()
        },
        ..StrategyConfig::default()
    };
    cfg
}

#[test]
fn the_generator_is_seeded_and_realistic() {
    let a = small_history(7);
    assert_eq!(a, small_history(7));
    assert_ne!(a, small_history(8));
    // Fat tails: some daily move of the largest asset beyond four standard deviations.
    let btc: Vec<f64> = (0..a.len())
        .filter_map(|t| a.get(t, 0))
        .map(|o| o.price_usd)
        .collect();
    let r: Vec<f64> = btc.windows(2).map(|w| (w[1] / w[0]).ln()).collect();
    let mean = r.iter().sum::<f64>() / r.len() as f64;
    let sd = (r.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / r.len() as f64).sqrt();
    let kurtosis = r.iter().map(|x| ((x - mean) / sd).powi(4)).sum::<f64>() / r.len() as f64;
    assert!(kurtosis > 3.0, "excess kurtosis expected, got {kurtosis}");
    // Assets enter the data set part-way through.
    assert!((0..a.assets().len()).any(|i| a.get(0, i).is_none() && a.get(a.len() - 1, i).is_some()));
    // Flags exist for the universe rules to act on.
    assert!(a.assets().iter().any(|m| m.stablecoin));
    assert!(a.assets().iter().any(|m| m.derivative_of.is_some()));
}

#[test]
fn the_comparison_runs_is_deterministic_and_writes_its_report() {
    let history = small_history(3);
    let cfg = small_config();
    let c = run_comparison(&history, &cfg).expect("runs");
    assert_eq!(c, run_comparison(&history, &cfg).expect("runs again"));
    assert_eq!(c.runs.len(), 3);
    assert_eq!(c.days.len(), history.len() - cfg.base.start);
    for r in &c.runs {
        assert_eq!(r.nav.len(), c.days.len());
        assert!(
            r.nav.iter().all(|v| v.is_finite() && *v > 0.0),
            "{}",
            r.name
        );
        assert!(r.costs.total_usd() > 0.0 && r.metrics.max_drawdown >= 0.0);
    }
    // The plain top N never leaves risk-on; it rebalances weekly and pays for it.
    assert_eq!(c.runs[1].costs.switches, 0);
    assert!(c.runs[1].costs.trades > c.runs[0].costs.trades);
    // Risk-off days hold (almost) only cash: from one risk-off day to the next, NAV barely moves while the index
    // does. Components too illiquid to sell at once are sold down over the next rebalances (chunked at the impact
    // limit), so a small residual may move NAV for a few weeks: bounded per day, and small against the market.
    let regime = &c.runs[2];
    let index = index_series(&history, &cfg.base.strategy.universe, 50).expect("index");
    let (mut nav_moves, mut index_moves, mut pairs) = (0.0, 0.0, 0);
    for k in 1..regime.nav.len() {
        if regime.regime[k] == Regime::RiskOff && regime.regime[k - 1] == Regime::RiskOff {
            let change = (regime.nav[k] / regime.nav[k - 1] - 1.0).abs();
            assert!(change < 0.02, "risk-off NAV moved {change} on day {k}");
            let t = cfg.base.start + k;
            nav_moves += change;
            index_moves += (index.levels[t] / index.levels[t - 1] - 1.0).abs();
            pairs += 1;
        }
    }
    assert!(
        pairs > 20,
        "the regime run should spend weeks risk-off, got {pairs} days"
    );
    assert!(
        nav_moves < 0.1 * index_moves,
        "risk-off NAV moved {nav_moves} in all against the index's {index_moves}"
    );
    let dir = std::env::temp_dir().join(format!("ballast-strategy-report-{}", std::process::id()));
    let files = write_report(&c, &dir).expect("writes");
    assert_eq!(files.len(), 4);
    let svg = std::fs::read_to_string(dir.join("chart.svg")).expect("svg");
    assert_eq!(svg.matches("<polyline").count(), 2 * c.runs.len());
    assert!(c.runs.iter().all(|r| svg.contains(&r.name)));
    let nav = std::fs::read_to_string(dir.join("nav.csv")).expect("csv");
    assert_eq!(nav.lines().count(), c.days.len() + 1);
    std::fs::remove_dir_all(&dir).expect("cleanup");
}

#[test]
fn a_higher_gas_price_costs_more() {
    let history = small_history(5);
    let cfg = small_config();
    let index = index_series(&history, &cfg.base.strategy.universe, 50).expect("index");
    let cheap = run_backtest(&history, &index, &cfg.base).expect("runs");
    let mut dear: BacktestConfig = cfg.base.clone();
    dear.costs.gas_price_gwei *= 10.0;
    let dear = run_backtest(&history, &index, &dear).expect("runs");
    assert!(dear.costs.gas_usd > 9.0 * cheap.costs.gas_usd);
    assert!(dear.diy_cost_usd > cheap.diy_cost_usd);
}
