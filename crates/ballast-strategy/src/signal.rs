//! The regime signal: trend of the index level against its moving average, with a hysteresis band, optional
//! breadth confirmation and a minimum dwell time.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::{Day, Error, Result};

/// The vault's regime (mirrors `IBallastRebalancer.Regime`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Regime {
    /// The basket at its target weights.
    RiskOn,
    /// Everything in the cash leg.
    RiskOff,
}

/// Breadth confirmation: the share of components whose price is at or above their own moving average.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct BreadthRule {
    /// Window of each component's moving average, in days (50 by default).
    pub ma_days: usize,
    /// Going risk-on needs breadth at or above this (0.5 by default).
    pub on_at_least: f64,
    /// Breadth at or below this forces risk-off (0.3 by default).
    pub off_at_most: f64,
}

impl Default for BreadthRule {
    fn default() -> Self {
        Self {
            ma_days: 50,
            on_at_least: 0.5,
            off_at_most: 0.3,
        }
    }
}

/// The signal's parameters.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct SignalConfig {
    /// Window of the index level's simple moving average, in days (140, about 20 weeks, by default).
    pub ma_days: usize,
    /// Half-width of the hysteresis band around the average, as a fraction (0.05 by default).
    pub band: f64,
    /// Optional breadth confirmation (on by default).
    pub breadth: Option<BreadthRule>,
    /// Least days between two switches (14 by default; the vault enforces its own `minDwell` too).
    pub min_dwell_days: i32,
}

impl Default for SignalConfig {
    fn default() -> Self {
        Self {
            ma_days: 140,
            band: 0.05,
            breadth: Some(BreadthRule::default()),
            min_dwell_days: 14,
        }
    }
}

impl SignalConfig {
    /// Checks the parameters.
    pub fn validate(&self) -> Result<()> {
        if self.ma_days < 2 {
            return Err(Error::invalid(
                "signal window",
                "ma_days must be at least 2",
            ));
        }
        if !(0.0..1.0).contains(&self.band) {
            return Err(Error::invalid(
                "signal band",
                format!("{} is not in [0, 1)", self.band),
            ));
        }
        if let Some(b) = self.breadth {
            if b.ma_days < 2
                || !(0.0..=1.0).contains(&b.off_at_most)
                || b.off_at_most >= b.on_at_least
            {
                return Err(Error::invalid(
                    "breadth rule",
                    "need ma_days >= 2 and 0 <= off_at_most < on_at_least",
                ));
            }
        }
        if self.min_dwell_days < 0 {
            return Err(Error::invalid("min dwell", "must not be negative"));
        }
        Ok(())
    }
}

/// The regime in force and since when (the vault's `regime()` returns the same pair).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegimeState {
    /// The current regime.
    pub regime: Regime,
    /// The day of the last switch.
    pub since: Day,
}

/// Why the signal wants what it wants.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Reason {
    /// Fewer than `ma_days` levels: no opinion, the regime is kept.
    WarmingUp,
    /// The level is above the average by more than the band (and breadth, if used, confirms).
    TrendUp,
    /// The level is below the average by more than the band.
    TrendDown,
    /// Breadth is at or below its risk-off threshold.
    BreadthWeak,
    /// The trend is up but breadth does not confirm it: the regime is kept.
    BreadthUnconfirmed,
    /// The level is inside the band: the regime is kept.
    InsideBand,
}

impl Reason {
    /// A stable numeric code (for the vault's `switchRegime(.., reason, ..)` and logs).
    pub fn code(self) -> u32 {
        match self {
            Self::WarmingUp => 0,
            Self::TrendUp => 1,
            Self::TrendDown => 2,
            Self::BreadthWeak => 3,
            Self::BreadthUnconfirmed => 4,
            Self::InsideBand => 5,
        }
    }
}

/// The signal's verdict for one day and the numbers behind it.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct SignalReading {
    /// The day evaluated.
    pub day: Day,
    /// The index level that day.
    pub level: f64,
    /// The moving average of the level (`None` while warming up).
    pub moving_average: Option<f64>,
    /// `level / moving_average`.
    pub ratio: Option<f64>,
    /// The breadth that day, when given.
    pub breadth: Option<f64>,
    /// What the numbers alone call for.
    pub wanted: Regime,
    /// Why.
    pub reason: Reason,
    /// The regime after the dwell rule.
    pub regime: Regime,
    /// Whether `regime` differs from the previous state's.
    pub switched: bool,
    /// Whether a wanted switch was held back by the minimum dwell time.
    pub held_by_dwell: bool,
}

impl fmt::Display for SignalReading {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} level {:.4}", self.day, self.level)?;
        if let (Some(ma), Some(ratio)) = (self.moving_average, self.ratio) {
            write!(f, " ma {ma:.4} ratio {ratio:.4}")?;
        }
        if let Some(b) = self.breadth {
            write!(f, " breadth {:.1}%", b * 100.0)?;
        }
        write!(f, " -> {:?} ({:?})", self.regime, self.reason)?;
        if self.switched {
            write!(f, " SWITCH")?;
        }
        if self.held_by_dwell {
            write!(f, " (held by dwell)")?;
        }
        Ok(())
    }
}

/// Evaluates the signal for `today`.
///
/// `levels` are the index levels up to and including today (oldest first; only the last `ma_days` are used);
/// `breadth` is today's breadth (required when the rule uses breadth, ignored otherwise). With
/// `MA = mean(last ma_days levels)` and `ratio = level / MA`:
///
/// - `ratio <= 1 - band` wants risk-off (`TrendDown`);
/// - otherwise breadth `<= off_at_most` wants risk-off (`BreadthWeak`);
/// - otherwise `ratio >= 1 + band` wants risk-on (`TrendUp`) if breadth `>= on_at_least`, else keeps the regime
///   (`BreadthUnconfirmed`);
/// - otherwise the regime is kept (`InsideBand`).
///
/// A wanted switch happens only when at least `min_dwell_days` have passed since `state.since`.
pub fn evaluate_signal(
    config: &SignalConfig,
    levels: &[f64],
    breadth: Option<f64>,
    state: RegimeState,
    today: Day,
) -> Result<SignalReading> {
    config.validate()?;
    let level = *levels
        .last()
        .ok_or_else(|| Error::invalid("index levels", "empty"))?;
    if levels.iter().any(|l| !l.is_finite() || *l <= 0.0) {
        return Err(Error::invalid(
            "index levels",
            "every level must be positive and finite",
        ));
    }
    let breadth = match config.breadth {
        Some(_) => {
            Some(breadth.ok_or_else(|| Error::invalid("breadth", "required by the breadth rule"))?)
        }
        None => None,
    };
    let mut reading = SignalReading {
        day: today,
        level,
        moving_average: None,
        ratio: None,
        breadth,
        wanted: state.regime,
        reason: Reason::WarmingUp,
        regime: state.regime,
        switched: false,
        held_by_dwell: false,
    };
    if levels.len() < config.ma_days {
        return Ok(reading);
    }
    let window = &levels[levels.len() - config.ma_days..];
    let ma = window.iter().sum::<f64>() / config.ma_days as f64;
    let ratio = level / ma;
    reading.moving_average = Some(ma);
    reading.ratio = Some(ratio);
    let weak = matches!((config.breadth, breadth), (Some(rule), Some(b)) if b <= rule.off_at_most);
    let confirmed = match (config.breadth, breadth) {
        (Some(rule), Some(b)) => b >= rule.on_at_least,
        _ => true,
    };
    (reading.wanted, reading.reason) = if ratio <= 1.0 - config.band {
        (Regime::RiskOff, Reason::TrendDown)
    } else if weak {
        (Regime::RiskOff, Reason::BreadthWeak)
    } else if ratio >= 1.0 + config.band {
        if confirmed {
            (Regime::RiskOn, Reason::TrendUp)
        } else {
            (state.regime, Reason::BreadthUnconfirmed)
        }
    } else {
        (state.regime, Reason::InsideBand)
    };
    if reading.wanted != state.regime {
        if today.since(state.since) >= config.min_dwell_days {
            reading.regime = reading.wanted;
            reading.switched = true;
        } else {
            reading.held_by_dwell = true;
        }
    }
    Ok(reading)
}
