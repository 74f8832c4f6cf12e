//! The demo's market: a seeded history from `ballast-strategy`'s generator, its largest assets mapped onto the
//! deployed tokens (scaled so the first demo day matches the deployed feed prices), the regime signal evaluated
//! daily over it, target weights, and the off-chain benchmarks. Pure and deterministic.

use crate::error::{strategy, Error, Result};
use ballast_strategy::{
    compute_weights, evaluate_signal, generate_history, index_series, scores_from_caps, Day,
    GeneratorConfig, History, Reason, Regime, RegimeState, SignalConfig, SignalReading,
    TargetWeights, UniverseConfig, WeightScheme,
};
use serde::Serialize;

/// What to generate.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ScenarioConfig {
    /// The generator's seed.
    pub seed: u64,
    /// Weeks simulated.
    pub weeks: usize,
    /// Components (deployed tokens).
    pub components: usize,
    /// History days before the first demo day (the signal's moving average needs `ma_days` of them).
    pub warmup_days: usize,
    /// Largest weight of one component (WAD).
    pub cap_wad: u64,
    /// The cash leg's weight while risk-on (WAD; at least the rebalancer's cash buffer).
    pub cash_wad: u64,
}

impl Default for ScenarioConfig {
    fn default() -> Self {
        Self {
            seed: DEFAULT_SEED,
            weeks: 52,
            components: 25,
            warmup_days: 200,
            cap_wad: 200_000_000_000_000_000,
            cash_wad: 20_000_000_000_000_000,
        }
    }
}

/// The seed the demo uses by default: its year has a switch to risk-off and one back (found by [`find_seed`]).
pub const DEFAULT_SEED: u64 = 9;

/// A regime switch the signal calls for.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct SignalSwitch {
    /// Days since the first demo day.
    pub day: usize,
    /// The date.
    pub date: Day,
    /// The new regime.
    pub to: Regime,
    /// Why.
    pub reason: Reason,
    /// The index level over its moving average that day.
    pub ratio: Option<f64>,
}

/// The generated market of the demo.
#[derive(Debug, Clone)]
pub struct Scenario {
    /// The parameters.
    pub config: ScenarioConfig,
    /// The whole generated history (warm-up included).
    pub history: History,
    /// The history's columns of the components, in the vault's order (largest first).
    pub assets: Vec<usize>,
    /// The history's row of the first demo day.
    pub start: usize,
    /// The signal's reading for every demo day (`weeks * 7 + 1` of them).
    pub readings: Vec<SignalReading>,
    /// The switches the signal calls for during the demo.
    pub switches: Vec<SignalSwitch>,
}

impl Scenario {
    /// Generates the history and evaluates the signal.
    pub fn generate(config: ScenarioConfig) -> Result<Self> {
        let days = config.warmup_days + config.weeks * 7 + 1;
        let history = generate_history(&GeneratorConfig {
            seed: config.seed,
            days,
            ..GeneratorConfig::default()
        })
        .map_err(|e| strategy("generating the history", e))?;
        let start = config.warmup_days;
        let assets = pick_assets(&history, config.components, start, days - 1);
        if assets.len() < config.components {
            return Err(Error::Setup(format!(
                "seed {}: only {} assets priced through the demo year",
                config.seed,
                assets.len()
            )));
        }
        let signal = SignalConfig::default();
        let breadth_days = signal.breadth.map(|b| b.ma_days).unwrap_or(50);
        let universe = UniverseConfig {
            size: config.components,
            buffer: 5,
            min_volume_usd: 1_000_000.0,
            require_token: false,
        };
        let series = index_series(&history, &universe, breadth_days)
            .map_err(|e| strategy("index series", e))?;
        let mut state = RegimeState {
            regime: Regime::RiskOn,
            since: history.days()[start].plus(-365),
        };
        let mut readings = Vec::with_capacity(days - start);
        let mut switches = Vec::new();
        for t in start..days {
            let day = history.days()[t];
            let r = evaluate_signal(&signal, &series.levels[..=t], series.breadth[t], state, day)
                .map_err(|e| strategy(format!("signal on {day}"), e))?;
            if r.switched {
                state = RegimeState {
                    regime: r.regime,
                    since: day,
                };
                switches.push(SignalSwitch {
                    day: t - start,
                    date: day,
                    to: r.regime,
                    reason: r.reason,
                    ratio: r.ratio,
                });
            }
            readings.push(r);
        }
        Ok(Self {
            config,
            history,
            assets,
            start,
            readings,
            switches,
        })
    }

    /// Whether the year has a switch to risk-off after the first week and a switch back after it.
    pub fn has_round_trip(&self) -> bool {
        let off = self
            .switches
            .iter()
            .position(|s| s.to == Regime::RiskOff && s.day >= 7);
        off.is_some_and(|i| {
            self.switches[..i].is_empty()
                && self.switches[i + 1..]
                    .iter()
                    .any(|s| s.to == Regime::RiskOn && s.day < self.config.weeks * 7)
        })
    }

    /// The history's row of week `w`.
    pub fn row(&self, week: usize) -> usize {
        self.start + week * 7
    }

    /// The date of week `w`.
    pub fn date(&self, week: usize) -> Day {
        self.history.days()[self.row(week)]
    }

    /// Component `k`'s price in week `w` over its price on the first demo day.
    pub fn price_ratio(&self, k: usize, week: usize) -> f64 {
        let col = self.assets[k];
        let p = |t: usize| self.history.get(t, col).map(|o| o.price_usd).unwrap_or(0.0);
        let p0 = p(self.start);
        if p0 > 0.0 {
            p(self.row(week)) / p0
        } else {
            0.0
        }
    }

    /// The signal's regime and reason on week `w`'s day (after the dwell rule).
    pub fn regime_at(&self, week: usize) -> (Regime, Reason) {
        let r = &self.readings[week * 7];
        let reason = self
            .switches
            .iter()
            .rev()
            .find(|s| s.day <= week * 7)
            .map(|s| s.reason)
            .unwrap_or(r.reason);
        (r.regime, reason)
    }

    /// Capped market-cap target weights of week `w` (components in the vault's order, then cash).
    pub fn weights(&self, week: usize) -> Result<TargetWeights> {
        let t = self.row(week);
        let caps = self.assets.iter().map(|&c| {
            self.history
                .get(t, c)
                .map(|o| o.market_cap_usd)
                .unwrap_or(0.0)
        });
        let scores = scores_from_caps(caps).map_err(|e| strategy("scores", e))?;
        compute_weights(
            &scores,
            WeightScheme::CappedMarketCap {
                cap_wad: self.config.cap_wad,
            },
            self.config.cash_wad,
        )
        .map_err(|e| strategy("weights", e))
    }

    /// Benchmark (a): holding component 0 (the BTC-like token) only, per week, starting at 1.
    pub fn hold_first(&self) -> Vec<f64> {
        (0..=self.config.weeks)
            .map(|w| self.price_ratio(0, w))
            .collect()
    }

    /// Benchmark (b): the index without the regime switch (always risk-on), rebalanced weekly to the same targets,
    /// no costs, per week, starting at 1.
    pub fn index_always_on(&self) -> Result<Vec<f64>> {
        let mut out = vec![1.0];
        let mut value = 1.0;
        for w in 0..self.config.weeks {
            let tw = self.weights(w)?;
            let wad = 1e18;
            let mut growth = tw.cash as f64 / wad;
            for (k, &wk) in tw.components.iter().enumerate() {
                let (a, b) = (self.price_ratio(k, w), self.price_ratio(k, w + 1));
                if a > 0.0 {
                    growth += wk as f64 / wad * b / a;
                }
            }
            value *= growth;
            out.push(value);
        }
        Ok(out)
    }
}

/// The first `n` ordinary assets (no stablecoins, no derivatives) priced on every row from `from` to `to`, in the
/// history's column order (largest initial market cap first).
pub fn pick_assets(history: &History, n: usize, from: usize, to: usize) -> Vec<usize> {
    history
        .assets()
        .iter()
        .enumerate()
        .filter(|(_, m)| !m.stablecoin && m.derivative_of.is_none())
        .filter(|(i, _)| (from..=to).all(|t| history.get(t, *i).is_some()))
        .map(|(i, _)| i)
        .take(n)
        .collect()
}

/// A feed answer (8 decimals) moved by `ratio` from `base` (rounded, at least 1).
pub fn scaled_answer(base: i128, ratio: f64) -> i128 {
    ((base as f64 * ratio).round() as i128).max(1)
}

/// The first seed in `from..from + count` whose year has a round trip to risk-off and back.
pub fn find_seed(base: ScenarioConfig, from: u64, count: u64) -> Option<u64> {
    (from..from + count).find(|&seed| {
        Scenario::generate(ScenarioConfig { seed, ..base }).is_ok_and(|s| s.has_round_trip())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_scale_and_stay_positive() {
        assert_eq!(scaled_answer(6_500_000_000_000, 1.1), 7_150_000_000_000);
        assert_eq!(scaled_answer(2_000, 0.5), 1_000);
        assert_eq!(scaled_answer(2_000, 0.0), 1);
    }

    #[test]
    fn default_seed_has_a_round_trip_and_prices_start_at_one() {
        let s = Scenario::generate(ScenarioConfig::default()).expect("scenario");
        assert!(
            s.has_round_trip(),
            "seed {} switches: {:?}",
            s.config.seed,
            s.switches
        );
        assert_eq!(s.assets.len(), 25);
        for k in 0..25 {
            assert!((s.price_ratio(k, 0) - 1.0).abs() < 1e-12);
        }
        let w = s.weights(0).expect("weights");
        w.check().expect("weights sum to 1e18");
        assert!(w.components.iter().all(|&x| x <= s.config.cap_wad));
        let idx = s.index_always_on().expect("index");
        assert_eq!(idx.len(), 53);
        assert_eq!(idx[0], 1.0);
    }
}
