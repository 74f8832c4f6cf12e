//! Writing a comparison to disk: JSON, CSV and an SVG chart.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use super::chart::render_chart;
use super::compare::Comparison;
use super::metrics::drawdowns;
use crate::{Error, Result};

/// Writes `summary.json` (everything, series included), `summary.csv` (one row per strategy), `nav.csv` (NAV and
/// drawdown per strategy per day) and `chart.svg` into `dir` (created if missing); returns the paths written.
pub fn write_report(comparison: &Comparison, dir: impl AsRef<Path>) -> Result<Vec<PathBuf>> {
    let dir = dir.as_ref();
    std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    let json = serde_json::to_string_pretty(comparison).map_err(|source| Error::Encode {
        what: "summary",
        source,
    })?;
    let files = [
        ("summary.json", json),
        ("summary.csv", summary_csv(comparison)),
        ("nav.csv", nav_csv(comparison)),
        ("chart.svg", chart(comparison)),
    ];
    let mut written = Vec::with_capacity(files.len());
    for (name, text) in files {
        let path = dir.join(name);
        std::fs::write(&path, text).map_err(|e| Error::io(&path, e))?;
        written.push(path);
    }
    Ok(written)
}

/// One CSV row per strategy: returns, risk, turnover and costs.
pub fn summary_csv(comparison: &Comparison) -> String {
    let mut out = String::from(
        "strategy,end_nav_usd,total_return,cagr,volatility,max_drawdown,sharpe,turnover,fees_usd,impact_usd,gas_usd,total_costs_usd,trades,transactions,switches,diy_cost_per_holder_usd,vault_cost_per_holder_usd\n",
    );
    for r in &comparison.runs {
        let m = &r.metrics;
        let c = &r.costs;
        let _ = writeln!(
            out,
            "{},{:.2},{:.6},{:.6},{:.6},{:.6},{:.4},{:.4},{:.2},{:.2},{:.2},{:.2},{},{},{},{:.2},{:.2}",
            r.name,
            r.nav.last().copied().unwrap_or(0.0),
            m.total_return,
            m.cagr,
            m.volatility,
            m.max_drawdown,
            m.sharpe,
            r.turnover,
            c.fees_usd,
            c.impact_usd,
            c.gas_usd,
            c.total_usd(),
            c.trades,
            c.transactions,
            c.switches,
            r.diy_cost_usd,
            r.vault_cost_per_holder_usd
        );
    }
    out
}

/// One CSV row per day: the NAV of each strategy, then its drawdown.
pub fn nav_csv(comparison: &Comparison) -> String {
    let mut out = String::from("date");
    for r in &comparison.runs {
        let _ = write!(out, ",nav:{}", r.name);
    }
    for r in &comparison.runs {
        let _ = write!(out, ",drawdown:{}", r.name);
    }
    out.push('\n');
    let dds: Vec<Vec<f64>> = comparison.runs.iter().map(|r| drawdowns(&r.nav)).collect();
    for (k, day) in comparison.days.iter().enumerate() {
        let _ = write!(out, "{day}");
        for r in &comparison.runs {
            let _ = write!(out, ",{:.2}", r.nav.get(k).copied().unwrap_or(f64::NAN));
        }
        for dd in &dds {
            let _ = write!(out, ",{:.6}", dd.get(k).copied().unwrap_or(f64::NAN));
        }
        out.push('\n');
    }
    out
}

fn chart(comparison: &Comparison) -> String {
    let series: Vec<(&str, &[f64])> = comparison
        .runs
        .iter()
        .map(|r| (r.name.as_str(), r.nav.as_slice()))
        .collect();
    let title = match (comparison.days.first(), comparison.days.last()) {
        (Some(a), Some(b)) => format!("Ballast backtest, {a} to {b}: NAV and drawdown"),
        _ => "Ballast backtest".to_owned(),
    };
    render_chart(&title, &comparison.days, &series)
}
