//! The daily regime check: the strategy's signal on the index level series (recomputed from the market-data
//! history, [`crate::settings::RegimeSettings::history`]) against the on-chain regime and its dwell.

use ballast_strategy as strat;
use serde::Serialize;

use crate::{settings::RegimeSettings, Error, Result};

/// What the check concluded.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct RegimeDecision {
    /// The signal's reading (level, moving average, breadth, wanted regime, reason).
    pub reading: strat::SignalReading,
    /// `Some((risk_off, reason_code))` when a switch should be sent now.
    pub switch: Option<(bool, u32)>,
    /// When the chain's `minDwell` holds a wanted switch back: the time it may happen.
    pub dwell_until: Option<u64>,
}

/// Loads the history (with its optional overlay).
pub fn load_history(s: &RegimeSettings) -> Result<strat::History> {
    let mut h = strat::load_history_csv(&s.history).map_err(|e| Error::Market(e.to_string()))?;
    if let Some(m) = &s.metadata {
        let meta = strat::load_metadata_json(m).map_err(|e| Error::Market(e.to_string()))?;
        h.apply_metadata(&meta);
    }
    Ok(h)
}

/// The signal's configuration from `[regime]`.
pub fn signal_config(s: &RegimeSettings) -> strat::SignalConfig {
    strat::SignalConfig {
        ma_days: s.ma_days,
        band: s.band,
        breadth: s.breadth.then(strat::BreadthRule::default),
        min_dwell_days: s.min_dwell_days,
    }
}

/// Evaluates the signal on `history` for `now` against the chain's regime (`0` on, `1` off), its last switch and
/// `minDwell` (seconds).
pub fn decide(
    s: &RegimeSettings,
    history: &strat::History,
    chain_regime: u8,
    last_switch: u64,
    min_dwell: u64,
    now: u64,
) -> Result<RegimeDecision> {
    let config = signal_config(s);
    let universe = strat::UniverseConfig {
        require_token: false,
        ..strat::UniverseConfig::default()
    };
    let breadth_days = config.breadth.map_or(50, |b| b.ma_days);
    let series = strat::index_series(history, &universe, breadth_days)
        .map_err(|e| Error::Market(format!("index series: {e}")))?;
    let regime = if chain_regime == 1 {
        strat::Regime::RiskOff
    } else {
        strat::Regime::RiskOn
    };
    let state = strat::RegimeState {
        regime,
        since: strat::Day::from_unix(last_switch as i64),
    };
    let breadth = series.breadth.last().copied().flatten();
    let reading = strat::evaluate_signal(
        &config,
        &series.levels,
        breadth,
        state,
        strat::Day::from_unix(now as i64),
    )
    .map_err(|e| Error::Market(format!("signal: {e}")))?;
    let mut decision = RegimeDecision {
        reading,
        switch: None,
        dwell_until: None,
    };
    if reading.switched {
        let allowed = last_switch.saturating_add(min_dwell);
        if now < allowed && last_switch != 0 {
            decision.dwell_until = Some(allowed);
        } else {
            decision.switch = Some((
                reading.regime == strat::Regime::RiskOff,
                reading.reason.code(),
            ));
        }
    }
    Ok(decision)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A history of one asset whose price follows `prices`, one day apart from 2024-01-01.
    fn history(prices: &[f64]) -> std::path::PathBuf {
        let dir = std::env::temp_dir().join(format!(
            "ballast-regime-{}-{}",
            std::process::id(),
            prices.len()
        ));
        std::fs::create_dir_all(&dir).expect("dir");
        let path = dir.join("history.csv");
        let mut text = String::from("date,id,price,market_cap,volume\n");
        let start = strat::Day::from_ymd(2024, 1, 1).expect("day");
        for (i, p) in prices.iter().enumerate() {
            let d = start.plus(i as i32);
            text.push_str(&format!("{d},bitcoin,{p},{},{}\n", p * 1e6, 1e9));
        }
        std::fs::write(&path, text).expect("write");
        path
    }

    fn settings(path: std::path::PathBuf) -> RegimeSettings {
        RegimeSettings {
            history: path,
            metadata: None,
            ma_days: 10,
            band: 0.05,
            breadth: false,
            min_dwell_days: 1,
            hour_utc: 0,
        }
    }

    #[test]
    fn a_crash_switches_off_unless_the_chain_dwell_holds_it() {
        let mut prices = vec![100.0; 20];
        prices.extend([80.0, 70.0, 60.0]);
        let s = settings(history(&prices));
        let h = load_history(&s).expect("history");
        let now = strat::Day::from_ymd(2024, 3, 1).expect("day").to_unix() as u64;
        let d = decide(&s, &h, 0, 0, 86_400, now).expect("decide");
        assert_eq!(d.switch, Some((true, strat::Reason::TrendDown.code())));
        let d = decide(&s, &h, 0, now - 3_600, 86_400, now).expect("decide");
        assert_eq!(d.switch, None, "the strategy's own dwell (1 day) holds it");
        let s2 = RegimeSettings {
            min_dwell_days: 0,
            ..s.clone()
        };
        let d = decide(&s2, &h, 0, now - 3_600, 86_400, now).expect("decide");
        assert_eq!(d.switch, None);
        assert_eq!(
            d.dwell_until,
            Some(now - 3_600 + 86_400),
            "the chain's dwell"
        );
        let d = decide(&s, &h, 1, 0, 86_400, now).expect("decide");
        assert_eq!(d.switch, None, "already risk-off");
    }
}
