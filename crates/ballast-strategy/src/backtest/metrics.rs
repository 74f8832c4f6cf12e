//! Performance statistics of a NAV series.

use serde::{Deserialize, Serialize};

/// Summary statistics of one strategy's NAV series.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Metrics {
    /// Final NAV over initial NAV, minus one.
    pub total_return: f64,
    /// Compound annual growth rate: `(end / start)^(365 / days) − 1`.
    pub cagr: f64,
    /// Annualised volatility of daily log returns: `stdev · √365`.
    pub volatility: f64,
    /// Largest peak-to-trough fall, as a positive fraction.
    pub max_drawdown: f64,
    /// `(mean daily log return · 365 − risk_free) / volatility` (0 when volatility is 0).
    pub sharpe: f64,
}

/// Computes [`Metrics`] for a daily NAV series (`risk_free` is an annual rate).
pub fn compute_metrics(nav: &[f64], risk_free: f64) -> Metrics {
    let (Some(&first), Some(&last)) = (nav.first(), nav.last()) else {
        return Metrics {
            total_return: 0.0,
            cagr: 0.0,
            volatility: 0.0,
            max_drawdown: 0.0,
            sharpe: 0.0,
        };
    };
    let days = (nav.len() - 1) as f64;
    let total_return = if first > 0.0 { last / first - 1.0 } else { 0.0 };
    let cagr = if days > 0.0 && first > 0.0 && last > 0.0 {
        (last / first).powf(365.0 / days) - 1.0
    } else {
        0.0
    };
    let returns: Vec<f64> = nav
        .windows(2)
        .filter(|w| w[0] > 0.0 && w[1] > 0.0)
        .map(|w| (w[1] / w[0]).ln())
        .collect();
    let n = returns.len() as f64;
    let (volatility, mean) = if returns.len() > 1 {
        let mean = returns.iter().sum::<f64>() / n;
        let var = returns.iter().map(|r| (r - mean).powi(2)).sum::<f64>() / (n - 1.0);
        (var.sqrt() * 365f64.sqrt(), mean)
    } else {
        (0.0, 0.0)
    };
    let sharpe = if volatility > 0.0 {
        (mean * 365.0 - risk_free) / volatility
    } else {
        0.0
    };
    let max_drawdown = drawdowns(nav).into_iter().fold(0.0f64, |m, d| m.max(-d));
    Metrics {
        total_return,
        cagr,
        volatility,
        max_drawdown,
        sharpe,
    }
}

/// The drawdown on each day: NAV over its running peak, minus one (zero or negative).
pub fn drawdowns(nav: &[f64]) -> Vec<f64> {
    let mut peak = f64::MIN_POSITIVE;
    nav.iter()
        .map(|&v| {
            peak = peak.max(v);
            v / peak - 1.0
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn doubling_in_a_year_with_a_dip() {
        let mut nav: Vec<f64> = (0..=365)
            .map(|d| 100.0 * 2f64.powf(d as f64 / 365.0))
            .collect();
        nav[100] = nav[99] * 0.5;
        let m = compute_metrics(&nav, 0.0);
        assert!((m.cagr - 1.0).abs() < 1e-9);
        assert!((m.max_drawdown - 0.5).abs() < 1e-9);
        assert!(m.volatility > 0.0 && m.sharpe > 0.0);
        let flat = compute_metrics(&[1.0, 1.0, 1.0], 0.0);
        assert_eq!((flat.cagr, flat.volatility, flat.sharpe), (0.0, 0.0, 0.0));
    }
}
