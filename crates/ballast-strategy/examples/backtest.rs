//! Generates a seeded five-year history of 150+ assets, runs the backtest comparison (BTC only, the top 100
//! weekly, the top 100 weekly with the regime switch, and the do-it-yourself cost) and writes JSON, CSV and an SVG
//! chart.
//!
//! ```text
//! cargo run --release -p ballast-strategy --example backtest -- [OUT_DIR] [SEED]
//! ```
//! `OUT_DIR` defaults to `target/backtest`, `SEED` to 42.

use std::time::Instant;

use ballast_strategy::{
    generate_history, run_comparison, write_report, ComparisonConfig, GeneratorConfig,
};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let dir = args.next().unwrap_or_else(|| "target/backtest".to_owned());
    let seed = args
        .next()
        .map(|s| s.parse::<u64>())
        .transpose()?
        .unwrap_or(42);
    let config = ComparisonConfig::default();
    // Five traded years after the signal's warm-up.
    let generator = GeneratorConfig {
        seed,
        days: 5 * 365 + 1 + config.base.start,
        ..GeneratorConfig::default()
    };

    let started = Instant::now();
    let history = generate_history(&generator)?;
    let generated = started.elapsed();
    let comparison = run_comparison(&history, &config)?;
    let ran = started.elapsed() - generated;
    let files = write_report(&comparison, &dir)?;

    println!(
        "history: {} assets x {} days (seed {seed}), traded {} to {}; generated in {:.0?}, backtests in {:.0?}",
        history.assets().len(),
        history.len(),
        comparison.days.first().map(ToString::to_string).unwrap_or_default(),
        comparison.days.last().map(ToString::to_string).unwrap_or_default(),
        generated,
        ran,
    );
    println!();
    println!(
        "{:<26} {:>14} {:>8} {:>7} {:>7} {:>7} {:>9} {:>12} {:>7} {:>6}",
        "strategy",
        "end NAV $",
        "CAGR",
        "vol",
        "maxDD",
        "Sharpe",
        "turnover",
        "costs $",
        "trades",
        "txs"
    );
    for r in &comparison.runs {
        let m = &r.metrics;
        println!(
            "{:<26} {:>14.0} {:>7.1}% {:>6.1}% {:>6.1}% {:>7.2} {:>8.2}x {:>12.0} {:>7} {:>6}",
            r.name,
            r.nav.last().copied().unwrap_or(0.0),
            m.cagr * 100.0,
            m.volatility * 100.0,
            m.max_drawdown * 100.0,
            m.sharpe,
            r.turnover,
            r.costs.total_usd(),
            r.costs.trades,
            r.costs.transactions,
        );
    }
    let diy = &comparison.diy;
    println!();
    println!(
        "one holder with ${:.0} following \"{}\": doing it alone costs ${:.0}; the vault costs them ${:.2} ({:.0}x less)",
        diy.holder_capital_usd,
        diy.strategy,
        diy.diy_cost_usd,
        diy.vault_cost_per_holder_usd,
        diy.diy_cost_usd / diy.vault_cost_per_holder_usd.max(f64::MIN_POSITIVE),
    );
    println!();
    for f in files {
        println!("wrote {}", f.display());
    }
    Ok(())
}
