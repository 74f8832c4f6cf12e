//! The result file (`target/bench/keeper-<N>.json`) and the Markdown tables rendered from it.

use serde::{Deserialize, Serialize};

use crate::{preflight::TxTiming, stats};

/// The machine, as the run saw it.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub(crate) struct Machine {
    /// `nproc`.
    pub(crate) nproc: usize,
    /// The CPU model (`lscpu`'s "Model name").
    pub(crate) cpu: String,
}

/// One world's run.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub(crate) struct BenchResult {
    /// Components in the vault.
    pub(crate) components: usize,
    /// The date of the run (UTC, `YYYY-MM-DD`).
    pub(crate) date: String,
    /// The machine.
    pub(crate) machine: Machine,
    /// The command that produced it.
    pub(crate) command: String,
    /// Repetitions of each pre-flight timing.
    pub(crate) reps: usize,
    /// USDC deposited before the first cycle.
    pub(crate) deposit_usdc: u64,
    /// The cycles, in order.
    pub(crate) cycles: Vec<CycleResult>,
}

/// One keeper cycle.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub(crate) struct CycleResult {
    /// `first investment` or `weekly rebalance`.
    pub(crate) name: String,
    /// The epoch.
    pub(crate) epoch: u64,
    /// Trades executed.
    pub(crate) trades: usize,
    /// Keeper transactions confirmed.
    pub(crate) txs: usize,
    /// Their gas (receipts).
    pub(crate) keeper_gas: u64,
    /// `ballast once` from spawn to exit, ms.
    pub(crate) once_wall_ms: f64,
    /// `ballast status` (the re-read) from spawn to exit, ms.
    pub(crate) reread_wall_ms: f64,
    /// The two together, ms.
    pub(crate) cycle_wall_ms: f64,
    /// Peak RSS of `ballast once` (`VmHWM`), KiB.
    pub(crate) peak_rss_kib: u64,
    /// `VmHWM` samples read during `ballast once`.
    pub(crate) rss_samples: u64,
    /// Peak RSS of `ballast status`, KiB.
    pub(crate) reread_peak_rss_kib: u64,
    /// Gaps between consecutive `sending` events of `ballast once` (its JSON log), ms: one transaction's share of
    /// the cycle (confirm the previous one, pre-flight and sign the next).
    pub(crate) send_gaps_ms: Vec<f64>,
    /// Their median, ms.
    pub(crate) send_gap_median_ms: f64,
    /// Per transaction: revm against `eth_estimateGas`.
    pub(crate) preflight: Vec<TxTiming>,
    /// Their summary.
    pub(crate) summary: Summary,
}

/// revm against `eth_estimateGas` over one cycle's transactions.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
pub(crate) struct Summary {
    /// Median over transactions of (median revm time / median estimate time).
    pub(crate) median_ratio: f64,
    /// Smallest per-transaction ratio.
    pub(crate) min_ratio: f64,
    /// Largest per-transaction ratio.
    pub(crate) max_ratio: f64,
    /// Median over transactions of the median revm time, ms.
    pub(crate) revm_ms_per_tx: f64,
    /// Median over transactions of the median estimate time, ms.
    pub(crate) estimate_ms_per_tx: f64,
    /// Sum of the per-transaction revm medians, ms.
    pub(crate) revm_total_ms: f64,
    /// Sum of the per-transaction estimate medians, ms.
    pub(crate) estimate_total_ms: f64,
    /// Largest |estimate − revm gas| / revm gas.
    pub(crate) max_rel_diff_estimate: f64,
    /// Largest |revm gas − receipt gas| / receipt gas (the cycle's own receipts).
    pub(crate) max_rel_diff_receipt: f64,
}

impl Summary {
    /// The summary of `txs`; `None` when there are none.
    pub(crate) fn of(txs: &[TxTiming]) -> Option<Self> {
        let ratios: Vec<f64> = txs.iter().map(|t| t.ratio).collect();
        let revm: Vec<f64> = txs.iter().map(|t| t.revm_median_ms).collect();
        let est: Vec<f64> = txs.iter().map(|t| t.estimate_median_ms).collect();
        Some(Self {
            median_ratio: stats::median(&ratios)?,
            min_ratio: stats::min(ratios.iter().copied())?,
            max_ratio: stats::max(ratios.iter().copied())?,
            revm_ms_per_tx: stats::median(&revm)?,
            estimate_ms_per_tx: stats::median(&est)?,
            revm_total_ms: revm.iter().sum(),
            estimate_total_ms: est.iter().sum(),
            max_rel_diff_estimate: stats::max(
                txs.iter()
                    .filter_map(|t| stats::rel_diff(t.gas_estimate, t.gas_revm)),
            )?,
            max_rel_diff_receipt: stats::max(
                txs.iter()
                    .filter_map(|t| stats::rel_diff(t.gas_revm, t.gas_receipt)),
            )?,
        })
    }
}

fn thousands(x: u64) -> String {
    let s = x.to_string();
    let mut out = String::with_capacity(s.len() + s.len() / 3);
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// The cycle table: one row per (N, cycle).
pub(crate) fn cycle_table(results: &[BenchResult]) -> String {
    let mut s = String::from(
        "| N | cycle | trades | keeper txs | keeper gas | `ballast once` wall | + re-read (`ballast status`) | whole cycle | per tx (median gap between sends) | peak RSS of `ballast once` |\n\
         | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n",
    );
    for r in results {
        for c in &r.cycles {
            s.push_str(&format!(
                "| {} | {} | {} | {} | {} | {:.2} s | {:.2} s | **{:.2} s** | {:.2} s | **{:.1} MiB** |\n",
                r.components,
                c.name,
                c.trades,
                c.txs,
                thousands(c.keeper_gas),
                c.once_wall_ms / 1e3,
                c.reread_wall_ms / 1e3,
                c.cycle_wall_ms / 1e3,
                c.send_gap_median_ms / 1e3,
                c.peak_rss_kib as f64 / 1024.0,
            ));
        }
    }
    s
}

/// The pre-flight table: revm against `eth_estimateGas`, one row per (N, cycle).
pub(crate) fn preflight_table(results: &[BenchResult]) -> String {
    let mut s = String::from(
        "| N | cycle | txs × reps | revm pre-flight per tx (median) | `eth_estimateGas` per tx (median) | revm / estimateGas: median of per-tx ratios [min, max] | whole cycle: Σ revm / Σ estimateGas | max \\|estimate − revm gas\\| / revm | max \\|revm − receipt gas\\| / receipt |\n\
         | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n",
    );
    for r in results {
        for c in &r.cycles {
            let m = &c.summary;
            let total = stats::ratio(m.revm_total_ms, m.estimate_total_ms).unwrap_or(f64::NAN);
            s.push_str(&format!(
                "| {} | {} | {} × {} | {:.1} ms | {:.1} ms | **{:.2}×** [{:.2}, {:.2}] | {:.2}× | {:.2}% | {:.3}% |\n",
                r.components,
                c.name,
                c.preflight.len(),
                r.reps,
                m.revm_ms_per_tx,
                m.estimate_ms_per_tx,
                m.median_ratio,
                m.min_ratio,
                m.max_ratio,
                total,
                m.max_rel_diff_estimate * 100.0,
                m.max_rel_diff_receipt * 100.0,
            ));
        }
    }
    s
}

/// The kind of a step label (`executeTrades(1, 9, 9 trades)` → `executeTrades`).
pub(crate) fn step_kind(step: &str) -> &str {
    step.split_once('(').map_or(step, |(k, _)| k)
}

/// revm against `eth_estimateGas` by kind of step, one row per (N, cycle, kind) in order of first appearance.
pub(crate) fn step_table(results: &[BenchResult]) -> String {
    let mut s = String::from(
        "| N | cycle | step | txs | revm (median) | `eth_estimateGas` (median) | revm / estimateGas (median) | estimate − revm gas, % of revm [min, max] |\n\
         | ---: | --- | --- | ---: | ---: | ---: | ---: | ---: |\n",
    );
    for r in results {
        for c in &r.cycles {
            let mut kinds: Vec<&str> = Vec::new();
            for t in &c.preflight {
                let k = step_kind(&t.step);
                if !kinds.contains(&k) {
                    kinds.push(k);
                }
            }
            for k in kinds {
                let ts: Vec<&TxTiming> = c
                    .preflight
                    .iter()
                    .filter(|t| step_kind(&t.step) == k)
                    .collect();
                let med = |f: fn(&TxTiming) -> f64| {
                    stats::median(&ts.iter().map(|t| f(t)).collect::<Vec<_>>()).unwrap_or(f64::NAN)
                };
                let diffs: Vec<f64> = ts
                    .iter()
                    .filter(|t| t.gas_revm > 0)
                    .map(|t| {
                        (t.gas_estimate as f64 - t.gas_revm as f64) / t.gas_revm as f64 * 100.0
                    })
                    .collect();
                s.push_str(&format!(
                    "| {} | {} | `{}` | {} | {:.1} ms | {:.1} ms | {:.2}× | {:.1} [{:.1}, {:.1}] |\n",
                    r.components,
                    c.name,
                    k,
                    ts.len(),
                    med(|t| t.revm_median_ms),
                    med(|t| t.estimate_median_ms),
                    med(|t| t.ratio),
                    stats::median(&diffs).unwrap_or(f64::NAN),
                    stats::min(diffs.iter().copied()).unwrap_or(f64::NAN),
                    stats::max(diffs.iter().copied()).unwrap_or(f64::NAN),
                ));
            }
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn timing(step: &str, revm: f64, est: f64, gas: (u64, u64, u64)) -> TxTiming {
        TxTiming {
            step: step.into(),
            gas_receipt: gas.0,
            gas_revm: gas.1,
            gas_estimate: gas.2,
            gas_replay: gas.0,
            revm_ms: vec![revm],
            estimate_ms: vec![est],
            revm_median_ms: revm,
            estimate_median_ms: est,
            ratio: revm / est,
        }
    }

    #[test]
    fn thousands_separators() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1_000), "1,000");
        assert_eq!(thousands(21_579_515), "21,579,515");
    }

    #[test]
    fn summary_and_tables() {
        let txs = vec![
            timing("openEpoch(1)", 30.0, 10.0, (100_000, 100_000, 110_000)),
            timing(
                "executeTrades(1, 0, 9 trades)",
                40.0,
                20.0,
                (2_000_000, 2_000_000, 2_050_000),
            ),
            timing("closeEpoch(1)", 10.0, 10.0, (500_000, 505_000, 520_000)),
        ];
        let m = Summary::of(&txs).expect("summary");
        assert_eq!(m.median_ratio, 2.0);
        assert_eq!(m.min_ratio, 1.0);
        assert_eq!(m.max_ratio, 3.0);
        assert_eq!(m.revm_ms_per_tx, 30.0);
        assert_eq!(m.estimate_total_ms, 40.0);
        assert!((m.max_rel_diff_estimate - 0.1).abs() < 1e-12);
        assert!((m.max_rel_diff_receipt - 0.01).abs() < 1e-12);
        assert!(Summary::of(&[]).is_none());

        let r = BenchResult {
            components: 25,
            date: "2026-12-01".into(),
            machine: Machine {
                nproc: 2,
                cpu: "AMD EPYC".into(),
            },
            command: "./script/bench-keeper.sh".into(),
            reps: 1,
            deposit_usdc: 1_000_000,
            cycles: vec![CycleResult {
                name: "first investment".into(),
                epoch: 1,
                trades: 25,
                txs: 5,
                keeper_gas: 5_608_568,
                once_wall_ms: 1_500.0,
                reread_wall_ms: 250.0,
                cycle_wall_ms: 1_750.0,
                peak_rss_kib: 20_480,
                rss_samples: 300,
                reread_peak_rss_kib: 10_240,
                send_gaps_ms: vec![1_000.0, 1_100.0],
                send_gap_median_ms: 1_050.0,
                preflight: txs,
                summary: m,
            }],
        };
        let c = cycle_table(std::slice::from_ref(&r));
        assert!(c.contains(
            "| 25 | first investment | 25 | 5 | 5,608,568 | 1.50 s | 0.25 s | **1.75 s** | 1.05 s | **20.0 MiB** |"
        ));
        let p = preflight_table(std::slice::from_ref(&r));
        assert!(p.contains("| 25 | first investment | 3 × 1 | 30.0 ms | 10.0 ms | **2.00×** [1.00, 3.00] | 2.00× | 10.00% | 1.000% |"));
        assert_eq!(p.lines().count(), 3);
        let k = step_table(&[r]);
        assert!(k.contains("| 25 | first investment | `executeTrades` | 1 | 40.0 ms | 20.0 ms | 2.00× | 2.5 [2.5, 2.5] |"));
        assert!(k.contains("| `openEpoch` | 1 | 30.0 ms | 10.0 ms | 3.00× | 10.0 [10.0, 10.0] |"));
        assert_eq!(k.lines().count(), 5);
        assert_eq!(step_kind("closeEpoch(3)"), "closeEpoch");
        assert_eq!(step_kind("unknown"), "unknown");
    }
}
