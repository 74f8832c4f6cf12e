//! The demo's report: NAV per share against the benchmarks, regime switches, gas per holder against
//! do-it-yourself, and the chart. Written to stdout, `report.json`, `report.md` and `chart.svg`.

use std::{fmt::Write as _, path::Path};

use crate::error::{Error, Result};
use ballast_strategy::{drawdowns, render_chart, Day};
use serde::Serialize;

/// Holder counts the gas table is computed for.
pub const HOLDERS: [u64; 3] = [100, 1_000, 10_000];

/// One simulated week.
#[derive(Debug, Clone, Serialize)]
pub struct WeekRow {
    /// Week number (0 is the first investment).
    pub week: usize,
    /// The simulated date.
    pub date: String,
    /// The vault's regime after the week's epoch.
    pub regime: String,
    /// What the keeper did (`rebalance`, `risk-off`, `risk-on`, `hold`).
    pub action: String,
    /// NAV per share over its value before the first investment.
    pub nav_per_share: f64,
    /// NAV in USDC.
    pub nav_usdc: f64,
    /// Trades executed.
    pub trades: usize,
    /// Gas of the keeper's transactions that week.
    pub keeper_gas: u64,
}

/// A regime switch made on chain.
#[derive(Debug, Clone, Serialize)]
pub struct SwitchRow {
    /// Week of the switch.
    pub week: usize,
    /// Simulated date of the switch.
    pub date: String,
    /// Date the signal called for it.
    pub signal_date: String,
    /// The new regime.
    pub to: String,
    /// The signal's reason.
    pub reason: String,
    /// `Reason::code()`, passed to `switchRegime`.
    pub reason_code: u32,
    /// The index level over its moving average on the signal's day.
    pub ratio: Option<f64>,
    /// The epoch the switch opened.
    pub epoch: u64,
}

/// Gas per holder per year at one holder count.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct GasRow {
    /// Holders sharing the vault.
    pub holders: u64,
    /// The keeper's gas for the year divided among the holders.
    pub vault_gas_per_holder: f64,
    /// The same trades done by each holder alone: one swap per traded component per epoch.
    pub diy_gas_per_holder: u64,
    /// DIY over vault.
    pub diy_over_vault: f64,
}

/// Total return and maximum drawdown of a series.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct SeriesSummary {
    /// Last over first, minus one.
    pub total_return: f64,
    /// Largest peak-to-trough fall (positive fraction).
    pub max_drawdown: f64,
}

impl SeriesSummary {
    /// Summarises `series`.
    pub fn of(series: &[f64]) -> Self {
        let total_return = match (series.first(), series.last()) {
            (Some(&a), Some(&b)) if a > 0.0 => b / a - 1.0,
            _ => 0.0,
        };
        let max_drawdown = -drawdowns(series).into_iter().fold(0.0, f64::min);
        Self {
            total_return,
            max_drawdown,
        }
    }
}

/// The demo's report.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    /// The generator's seed.
    pub seed: u64,
    /// Weeks simulated.
    pub weeks: usize,
    /// Components.
    pub components: usize,
    /// Every week.
    pub rows: Vec<WeekRow>,
    /// The vault's NAV per share, weekly, 1 before the first investment.
    pub vault: Vec<f64>,
    /// Holding token #0 (BTC-like) only.
    pub hold_first: Vec<f64>,
    /// The index without the regime switch (weekly rebalanced to the same targets, no costs).
    pub index_always_on: Vec<f64>,
    /// Summaries of the three, in that order.
    pub summaries: [SeriesSummary; 3],
    /// The regime switches made on chain.
    pub switches: Vec<SwitchRow>,
    /// The keeper's transactions and their total gas.
    pub keeper_txs: usize,
    /// Total keeper gas over the year.
    pub keeper_gas: u64,
    /// Trades executed over the year.
    pub trades: usize,
    /// Gas of one real do-it-yourself swap through the router on the same chain.
    pub diy_swap_gas: u64,
    /// Gas per holder per year.
    pub gas: Vec<GasRow>,
    /// What the users did (deposits, redemptions) with their gas.
    pub users: Vec<String>,
    /// Transactions sent in all (feeds, arbitrage, users, keeper).
    pub total_txs: usize,
    /// Wall-clock seconds of the run.
    pub runtime_secs: f64,
}

/// The gas table: the keeper's yearly gas shared by `holders`, against each holder doing the `trades` alone at
/// `diy_swap_gas` each.
pub fn gas_table(keeper_gas: u64, trades: usize, diy_swap_gas: u64) -> Vec<GasRow> {
    let diy = trades as u64 * diy_swap_gas;
    HOLDERS
        .iter()
        .map(|&holders| {
            let vault = keeper_gas as f64 / holders as f64;
            GasRow {
                holders,
                vault_gas_per_holder: vault,
                diy_gas_per_holder: diy,
                diy_over_vault: if vault > 0.0 { diy as f64 / vault } else { 0.0 },
            }
        })
        .collect()
}

fn pct(x: f64) -> String {
    format!("{:+.1}%", x * 100.0)
}

fn thousands(x: u64) -> String {
    let s = x.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

impl Report {
    /// The summary (also the head of `report.md`).
    pub fn summary(&self) -> String {
        let mut s = String::new();
        let names = [
            "Ballast vault (on chain, NAV/share)",
            "Hold token #0 (BTC-like)",
            "Index without regime switch",
        ];
        let _ = writeln!(
            s,
            "Ballast demo: {} weeks, {} components, seed {}",
            self.weeks, self.components, self.seed
        );
        let _ = writeln!(s);
        let _ = writeln!(s, "| Series | Return | Max drawdown |");
        let _ = writeln!(s, "|---|---:|---:|");
        for (name, sum) in names.iter().zip(self.summaries.iter()) {
            let _ = writeln!(
                s,
                "| {name} | {} | {} |",
                pct(sum.total_return),
                pct(-sum.max_drawdown)
            );
        }
        let _ = writeln!(s);
        let _ = writeln!(s, "Regime switches:");
        for sw in &self.switches {
            let _ = writeln!(
                s,
                "- week {} ({}): -> {} ({} = code {}, signal on {}, level/MA {}) epoch {}",
                sw.week,
                sw.date,
                sw.to,
                sw.reason,
                sw.reason_code,
                sw.signal_date,
                sw.ratio
                    .map(|r| format!("{r:.3}"))
                    .unwrap_or_else(|| "-".into()),
                sw.epoch
            );
        }
        let _ = writeln!(s);
        let _ = writeln!(
            s,
            "Keeper: {} transactions, {} gas, {} trades over the year; one DIY swap through the router: {} gas",
            self.keeper_txs,
            thousands(self.keeper_gas),
            self.trades,
            thousands(self.diy_swap_gas)
        );
        let _ = writeln!(s);
        let _ = writeln!(
            s,
            "| Holders | Vault gas / holder / year | DIY gas / holder / year | DIY / vault |"
        );
        let _ = writeln!(s, "|---:|---:|---:|---:|");
        for g in &self.gas {
            let _ = writeln!(
                s,
                "| {} | {} | {} | {:.0}x |",
                thousands(g.holders),
                thousands(g.vault_gas_per_holder.round() as u64),
                thousands(g.diy_gas_per_holder),
                g.diy_over_vault
            );
        }
        s
    }

    /// The full Markdown report.
    pub fn markdown(&self) -> String {
        let mut s = String::from("# ");
        s.push_str(&self.summary());
        let _ = writeln!(s, "\nUsers:\n");
        for u in &self.users {
            let _ = writeln!(s, "- {u}");
        }
        let _ = writeln!(
            s,
            "\n{} transactions in all (feeds, arbitrage, users, keeper), {:.0} s.\n",
            self.total_txs, self.runtime_secs
        );
        let _ = writeln!(s, "![NAV and drawdown](chart.svg)\n");
        let _ = writeln!(
            s,
            "| Week | Date | Regime | Action | NAV/share | NAV (USDC) | Trades | Keeper gas |"
        );
        let _ = writeln!(s, "|---:|---|---|---|---:|---:|---:|---:|");
        for r in &self.rows {
            let _ = writeln!(
                s,
                "| {} | {} | {} | {} | {:.4} | {:.0} | {} | {} |",
                r.week,
                r.date,
                r.regime,
                r.action,
                r.nav_per_share,
                r.nav_usdc,
                r.trades,
                thousands(r.keeper_gas)
            );
        }
        s
    }

    /// The chart: the three NAV curves (log scale) and their drawdowns below (the strategy crate's chart writer).
    pub fn chart(&self, days: &[Day]) -> String {
        let navs: [(&str, &[f64]); 3] = [
            ("Ballast vault (on chain)", &self.vault),
            ("Hold #0 (BTC-like)", &self.hold_first),
            ("Index, no regime switch", &self.index_always_on),
        ];
        render_chart("Ballast demo: NAV per share and drawdown", days, &navs)
    }

    /// Writes `report.json`, `report.md` and `chart.svg` into `dir`.
    pub fn write(&self, dir: &Path, days: &[Day]) -> Result<()> {
        std::fs::create_dir_all(dir).map_err(|source| Error::Io {
            path: dir.to_path_buf(),
            source,
        })?;
        let write = |name: &str, text: String| {
            let p = dir.join(name);
            std::fs::write(&p, text).map_err(|source| Error::Io {
                path: p.clone(),
                source,
            })
        };
        write(
            "report.json",
            serde_json::to_string_pretty(self).map_err(|source| Error::Json {
                path: dir.join("report.json"),
                source,
            })?,
        )?;
        write("report.md", self.markdown())?;
        write("chart.svg", self.chart(days))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gas_per_holder_shrinks_with_holders_and_diy_does_not() {
        let t = gas_table(10_000_000, 100, 120_000);
        assert_eq!(t.len(), 3);
        assert_eq!(t[0].vault_gas_per_holder, 100_000.0);
        assert_eq!(t[2].vault_gas_per_holder, 1_000.0);
        assert!(t.iter().all(|g| g.diy_gas_per_holder == 12_000_000));
        assert_eq!(t[1].diy_over_vault, 1_200.0);
    }

    #[test]
    fn summaries() {
        let s = SeriesSummary::of(&[1.0, 1.2, 0.9, 1.1]);
        assert!((s.total_return - 0.1).abs() < 1e-12);
        assert!((s.max_drawdown - 0.25).abs() < 1e-12);
        assert_eq!(thousands(1_234_567), "1,234,567");
        assert_eq!(thousands(12), "12");
    }

    #[test]
    fn chart_has_the_curves_and_drawdowns() {
        let days = [Day(0), Day(7), Day(14)];
        let r = Report {
            seed: 1,
            weeks: 2,
            components: 1,
            rows: vec![],
            vault: vec![1.0, 1.1, 1.0],
            hold_first: vec![1.0, 1.2, 0.8],
            index_always_on: vec![1.0, 1.1, 0.9],
            summaries: [SeriesSummary::of(&[1.0]); 3],
            switches: vec![],
            keeper_txs: 0,
            keeper_gas: 0,
            trades: 0,
            diy_swap_gas: 0,
            gas: vec![],
            users: vec![],
            total_txs: 0,
            runtime_secs: 0.0,
        };
        let svg = r.chart(&days);
        assert!(svg.starts_with("<svg") && svg.contains("Drawdown"));
        assert!(svg.contains("Ballast vault"));
    }
}
