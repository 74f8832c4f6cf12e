//! The generator's parameters and their calibrated defaults.

use serde::{Deserialize, Serialize};

use crate::{Day, Error, Result};

/// One market phase's parameters.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Phase {
    /// The market factor's annual log drift during the phase (before the pull toward the trend).
    pub drift: f64,
    /// The market factor's annual volatility during the phase.
    pub vol: f64,
    /// Mean length of the phase in days (must exceed `min_days` by at least one).
    pub mean_days: f64,
    /// Shortest length of the phase in days; past it, the phase ends on any day with probability
    /// `1 / (mean_days − min_days)`.
    pub min_days: f64,
}

impl Phase {
    /// The daily probability that the phase ends once it has lasted `min_days`.
    pub fn exit_probability(&self) -> f64 {
        1.0 / (self.mean_days - self.min_days)
    }

    fn check(&self, name: &'static str) -> Result<()> {
        let ok = self.drift.is_finite()
            && self.vol.is_finite()
            && self.vol >= 0.0
            && self.min_days >= 0.0
            && self.mean_days - self.min_days >= 1.0;
        ok.then_some(()).ok_or_else(|| {
            Error::invalid(
                name,
                "needs finite drift, vol ≥ 0, min_days ≥ 0 and mean_days ≥ min_days + 1",
            )
        })
    }
}

/// The generator's parameters. See the [module documentation](crate::generate_history) for the model and the
/// README for the calibration targets.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GeneratorConfig {
    /// The seed: the same configuration always gives the same history.
    pub seed: u64,
    /// The first day.
    pub start: Day,
    /// Number of days (1,826 = five years by default).
    pub days: usize,
    /// Number of ordinary assets, `bitcoin` and `ethereum` included (150 by default).
    pub assets: usize,
    /// Number of stablecoins (4 by default).
    pub stablecoins: usize,
    /// Number of derivatives of the largest assets (4 by default).
    pub derivatives: usize,
    /// Initial market cap of the largest asset in USD (6e11 by default).
    pub top_market_cap_usd: f64,
    /// Power-law exponent of initial market caps by rank (1.6 by default: BTC starts near 45 % of the total).
    pub zipf_exponent: f64,
    /// Degrees of freedom of the Student-t shocks, scaled to unit variance (5 by default; must exceed 2; at 4 or
    /// less the fourth moment is infinite and rare shocks get implausibly large).
    pub tail_dof: f64,
    /// The bull phase (drift +1.4, vol 0.60, 400 days on average, at least 180).
    pub bull: Phase,
    /// The bear phase (drift −1.3, vol 0.75, 300 days on average, at least 150).
    pub bear: Phase,
    /// The sideways (accumulation) phase (drift +0.3, vol 0.45, 300 days on average, at least 90).
    pub sideways: Phase,
    /// Probability that a sideways phase gives way to a second bear leg rather than a bull (0.25 by default).
    pub relapse_probability: f64,
    /// The market factor's long-run annual log growth, the trend it is pulled toward (0.2 by default).
    pub trend_drift: f64,
    /// Strength of the pull of the market factor's log level toward the trend, per year (1.2 by default: a gap
    /// halves in about 7 months without the phases' drifts).
    pub reversion_per_year: f64,
    /// Yearly rate of market-wide crash days (0.3 by default).
    pub market_jumps_per_year: f64,
    /// Range of a market crash day's fall of the factor (8–25 % by default); each asset falls `β` times as much in
    /// log terms.
    pub market_jump_range: (f64, f64),
    /// Range of market betas, from the largest asset to the smallest (1.0–1.6 by default; BTC has exactly the
    /// lower end). This and the other by-rank ranges are interpolated on `ln(rank) / ln(assets)`.
    pub beta_range: (f64, f64),
    /// Standard deviation of each asset's beta around its rank's value (0.1 by default; not for BTC).
    pub beta_dispersion: f64,
    /// Range of idiosyncratic annual volatilities, from the largest asset to the smallest (0.15–1.0 by default).
    pub idio_vol_range: (f64, f64),
    /// Mean annual log drift offset α of the assets other than BTC, on top of the `−σ_i²/2` that makes each
    /// idiosyncratic part a martingale in price (−0.1 by default: altcoins bleed against BTC).
    pub alpha_mean: f64,
    /// Standard deviation of the assets' annual drift offsets α (0.25 by default).
    pub alpha_dispersion: f64,
    /// Share of assets that list part-way through (0.25 by default).
    pub late_listing_share: f64,
    /// Extra annual drift of late listings (0.3 by default).
    pub late_listing_alpha: f64,
    /// Yearly hazard of an asset starting to die, from the largest asset to the smallest (0.0–0.1 by default;
    /// never BTC or ETH).
    pub death_rate_range: (f64, f64),
    /// Annual log drift of a dying asset (−4 by default: −98 % a year, until it is delisted).
    pub death_drift: f64,
    /// Yearly probability of an idiosyncratic crash day per asset (0.03 by default).
    pub crashes_per_year: f64,
    /// Range of an idiosyncratic crash's fall (50–90 % by default).
    pub crash_range: (f64, f64),
    /// Market cap under which an asset leaves the data set (1e6 by default).
    pub delist_below_usd: f64,
    /// Share of ordinary assets without a token on the target chain (0.05 by default).
    pub no_token_share: f64,
    /// Range of daily volume as a share of market cap (0.01–0.12 by default).
    pub turnover_range: (f64, f64),
    /// Largest yearly supply inflation (0.08 by default).
    pub max_inflation: f64,
}

impl Default for GeneratorConfig {
    fn default() -> Self {
        Self {
            seed: 42,
            start: Day(19_358), // 2023-01-01
            days: 1_826,
            assets: 150,
            stablecoins: 4,
            derivatives: 4,
            top_market_cap_usd: 6.0e11,
            zipf_exponent: 1.6,
            tail_dof: 5.0,
            bull: Phase {
                drift: 1.4,
                vol: 0.6,
                mean_days: 400.0,
                min_days: 180.0,
            },
            bear: Phase {
                drift: -1.3,
                vol: 0.75,
                mean_days: 300.0,
                min_days: 150.0,
            },
            sideways: Phase {
                drift: 0.3,
                vol: 0.45,
                mean_days: 300.0,
                min_days: 90.0,
            },
            relapse_probability: 0.25,
            trend_drift: 0.2,
            reversion_per_year: 1.2,
            market_jumps_per_year: 0.3,
            market_jump_range: (0.08, 0.25),
            beta_range: (1.0, 1.6),
            beta_dispersion: 0.1,
            idio_vol_range: (0.15, 1.0),
            alpha_mean: -0.1,
            alpha_dispersion: 0.25,
            late_listing_share: 0.25,
            late_listing_alpha: 0.3,
            death_rate_range: (0.0, 0.1),
            death_drift: -4.0,
            crashes_per_year: 0.03,
            crash_range: (0.5, 0.9),
            delist_below_usd: 1.0e6,
            no_token_share: 0.05,
            turnover_range: (0.01, 0.12),
            max_inflation: 0.08,
        }
    }
}

impl GeneratorConfig {
    /// Checks the parameters the model cannot work without.
    pub fn validate(&self) -> Result<()> {
        if self.assets < 2 || self.days == 0 || self.tail_dof.is_nan() || self.tail_dof <= 2.0 {
            return Err(Error::invalid(
                "generator",
                "need at least 2 assets, 1 day and tail_dof > 2",
            ));
        }
        self.bull.check("bull phase")?;
        self.bear.check("bear phase")?;
        self.sideways.check("sideways phase")?;
        let unit = |x: f64| (0.0..=1.0).contains(&x);
        let fall = |(lo, hi): (f64, f64)| 0.0 <= lo && lo <= hi && hi < 1.0;
        let ordered = |(lo, hi): (f64, f64)| lo.is_finite() && hi.is_finite() && lo <= hi;
        let ok = unit(self.relapse_probability)
            && unit(self.late_listing_share)
            && unit(self.no_token_share)
            && fall(self.market_jump_range)
            && fall(self.crash_range)
            && ordered(self.turnover_range)
            && ordered(self.death_rate_range)
            && self.death_rate_range.0 >= 0.0
            && self.market_jumps_per_year >= 0.0
            && self.crashes_per_year >= 0.0
            && self.reversion_per_year >= 0.0;
        ok.then_some(()).ok_or_else(|| {
            Error::invalid(
                "generator",
                "probabilities and shares must be in [0, 1], falls in [0, 1), ranges ordered, rates ≥ 0",
            )
        })
    }
}
