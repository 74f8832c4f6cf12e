//! The market factor: a Markov chain of bull, bear and sideways phases, Student-t shocks, crash days and a slow
//! pull toward a long-run trend.

use rand::Rng;
use rand_chacha::ChaCha8Rng;
use rand_distr::{Distribution, StudentT};

use super::GeneratorConfig;

/// A market phase.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum PhaseKind {
    Bull,
    Bear,
    Sideways,
}

/// The market factor's daily log returns and the phase of each day.
#[derive(Debug, Clone)]
pub(crate) struct MarketPath {
    pub(crate) returns: Vec<f64>,
    /// Read by the tests, which check what the phases do.
    #[cfg_attr(not(test), allow(dead_code))]
    pub(crate) phases: Vec<PhaseKind>,
}

/// Unit-variance Student-t draws.
#[derive(Clone, Copy)]
pub(crate) struct Shocks {
    dist: StudentT<f64>,
    scale: f64,
}

impl Shocks {
    pub(crate) fn new(dof: f64) -> Option<Self> {
        Some(Self {
            dist: StudentT::new(dof).ok()?,
            scale: ((dof - 2.0) / dof).sqrt(),
        })
    }

    pub(crate) fn sample(&self, rng: &mut ChaCha8Rng) -> f64 {
        self.dist.sample(rng) * self.scale
    }
}

/// The share of time the chain spends in each phase in the long run: visits (bull → bear → sideways → bull, or
/// sideways → bear with the relapse probability) weighted by mean lengths.
fn stationary(config: &GeneratorConfig) -> [(PhaseKind, f64); 3] {
    let p = config.relapse_probability;
    [
        (PhaseKind::Bull, (1.0 - p) * config.bull.mean_days),
        (PhaseKind::Bear, config.bear.mean_days),
        (PhaseKind::Sideways, config.sideways.mean_days),
    ]
}

/// Generates the market path. The first phase is drawn from the long-run shares, part-way through.
pub(crate) fn market_path(
    config: &GeneratorConfig,
    rng: &mut ChaCha8Rng,
    shocks: Shocks,
) -> MarketPath {
    let shares = stationary(config);
    let total: f64 = shares.iter().map(|s| s.1).sum();
    let mut pick = rng.gen::<f64>() * total;
    let mut phase = PhaseKind::Sideways;
    for (kind, share) in shares {
        if pick < share {
            phase = kind;
            break;
        }
        pick -= share;
    }
    let params = |k: PhaseKind| match k {
        PhaseKind::Bull => config.bull,
        PhaseKind::Bear => config.bear,
        PhaseKind::Sideways => config.sideways,
    };
    let mut age = rng.gen::<f64>() * params(phase).mean_days;
    let sqrt_year = 365f64.sqrt();
    let (lo, hi) = config.market_jump_range;
    // The factor's log level above its trend.
    let mut gap = 0.0f64;
    let mut returns = Vec::with_capacity(config.days);
    let mut phases = Vec::with_capacity(config.days);
    for _ in 0..config.days {
        let p = params(phase);
        let z = shocks.sample(rng);
        let jump = rng.gen::<f64>() < config.market_jumps_per_year / 365.0;
        let fall: f64 = rng.gen_range(lo..=hi);
        let ends = age >= p.min_days && rng.gen::<f64>() < p.exit_probability();
        let relapse = rng.gen::<f64>() < config.relapse_probability;
        let mut m = (p.drift - config.reversion_per_year * gap) / 365.0 + p.vol / sqrt_year * z;
        if jump {
            m += (1.0 - fall).ln();
        }
        gap += m - config.trend_drift / 365.0;
        returns.push(m);
        phases.push(phase);
        age += 1.0;
        if ends {
            age = 0.0;
            phase = match phase {
                PhaseKind::Bull => PhaseKind::Bear,
                PhaseKind::Bear => PhaseKind::Sideways,
                PhaseKind::Sideways if relapse => PhaseKind::Bear,
                PhaseKind::Sideways => PhaseKind::Bull,
            };
        }
    }
    MarketPath { returns, phases }
}
