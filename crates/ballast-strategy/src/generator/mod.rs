//! A seeded generator of realistic multi-asset histories, for tests, benchmarks and the demo.
//!
//! The model (all parameters in [`GeneratorConfig`], calibration targets in the README):
//!
//! - **Market phases.** A Markov chain cycles bull → bear → sideways → bull, a sideways phase relapsing into a
//!   second bear leg with `relapse_probability`. A phase lasts at least its `min_days`, then ends on any day with
//!   probability `1 / (mean_days − min_days)`. The first phase is drawn from the chain's long-run shares, part-way
//!   through.
//! - **Market factor.** `m_t = (drift_s − κ · gap_{t−1}) / 365 + vol_s / √365 · z_t`, plus on rare crash days
//!   `ln(1 − fall)`, where `s` is the day's phase, `gap` is the factor's log level above its long-run trend
//!   (`trend_drift` a year) and `κ = reversion_per_year`. The pull keeps five-year outcomes in a plausible band
//!   while the phases make 60–80 % drawdowns.
//! - **Assets.** `r_i,t = α_i / 365 + β_i · m_t + σ_i / √365 · ε_i,t`; β and σ rise with rank (BTC: β = 1, the
//!   smallest σ), so altcoins are more volatile, have β > 1 and fall further in bears; their correlation with the
//!   factor rises in bear phases, where the factor's vol is higher. `α_i = alpha_mean + N(0, alpha_dispersion) −
//!   σ_i² / 2` (BTC: `−σ²/2` only), so volatility alone does not make an asset outperform.
//! - **Fat tails.** `z` and `ε` are Student-t with `tail_dof` degrees of freedom scaled to unit variance.
//! - **Churn.** A share of the assets (`late_listing_share`) lists part-way through, small but with a higher drift.
//!   Every asset but BTC and ETH starts dying at a rate rising with rank (`death_rate_range` a year), after which
//!   it drifts at `death_drift` toward zero; idiosyncratic crash days cut an asset by 50–90 %. An asset whose market
//!   cap falls under `delist_below_usd` leaves the data set for good.
//! - **Sizes.** Initial market caps follow a power law, `top_market_cap_usd · k^(−zipf_exponent)` for rank `k`;
//!   supply inflates by up to `max_inflation` a year. Daily volume is market cap times a per-asset turnover (in
//!   `turnover_range`) times log-normal noise.
//! - **Categories.** `stablecoins` dollar-pegged coins (the first is `usd-coin`); derivatives tracking the largest
//!   assets (`wrapped-bitcoin` and `weth` for `bitcoin` and `ethereum`, which — like the real ones — have no token
//!   on the target chain, then `staked-ether` and wrapped versions of the next assets, up to `derivatives`);
//!   `no_token_share` of the other assets lack a token on the target chain.
//!
//! Everything is drawn from one ChaCha8 stream seeded with `seed`, in a fixed order, so a configuration always
//! gives the same history on every machine.

mod assets;
mod config;
mod market;
#[cfg(test)]
mod tests;

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rand_distr::{Distribution, Normal};

use self::assets::{derivative_specs, ordinary_specs, stable_specs, Kind};
use self::market::{market_path, MarketPath, Shocks};
pub use config::{GeneratorConfig, Phase};

use crate::{Error, History, Observation, Result};

/// Generates a history. Columns: ordinary assets by initial rank, then derivatives, then stablecoins.
pub fn generate_history(config: &GeneratorConfig) -> Result<History> {
    generate(config).map(|(history, _)| history)
}

/// Generates a history and the market path behind it.
fn generate(config: &GeneratorConfig) -> Result<(History, MarketPath)> {
    config.validate()?;
    let mut rng = ChaCha8Rng::seed_from_u64(config.seed);
    let shocks = Shocks::new(config.tail_dof)
        .ok_or_else(|| Error::invalid("generator", "invalid tail_dof"))?;
    let normal = Normal::new(0.0, 1.0).map_err(|e| Error::invalid("generator", e.to_string()))?;
    let mut specs = ordinary_specs(config, &mut rng, normal);
    specs.extend(derivative_specs(config, &specs, &mut rng));
    specs.extend(stable_specs(config, &mut rng));
    let market = market_path(config, &mut rng, shocks);

    let mut rows = Vec::with_capacity(config.days);
    let mut alive = vec![true; specs.len()];
    let sqrt_year = 365f64.sqrt();
    let (crash_lo, crash_hi) = config.crash_range;
    for (t, &m) in market.returns.iter().enumerate() {
        let mut row: Vec<Option<Observation>> = Vec::with_capacity(specs.len());
        for (i, spec) in specs.iter_mut().enumerate() {
            // Draw every asset's shocks every day, listed or not, so that one asset's life never shifts another's.
            let shock = shocks.sample(&mut rng);
            let crash = rng.gen::<f64>() < config.crashes_per_year / 365.0;
            let fall: f64 = rng.gen_range(crash_lo..=crash_hi);
            let noise = normal.sample(&mut rng);
            let obs = match spec.kind {
                Kind::Ordinary => {
                    if t > spec.listing_day {
                        let mut r =
                            spec.alpha / 365.0 + spec.beta * m + spec.idio_vol / sqrt_year * shock;
                        if t >= spec.death_day {
                            r += config.death_drift / 365.0;
                        }
                        if crash && spec.crash_prone {
                            r += (1.0 - fall).ln();
                        }
                        spec.price *= r.exp();
                        spec.supply *= 1.0 + spec.inflation / 365.0;
                    }
                    Some((spec.price, spec.price * spec.supply))
                }
                Kind::Stable => {
                    spec.supply *= 1.0 + spec.inflation / 365.0 + 0.002 * noise / sqrt_year;
                    Some((1.0 + 0.001 * noise, spec.supply))
                }
                Kind::Derivative { of, share } => row[of].map(|o| {
                    let price = o.price_usd * (1.0 + 0.002 * noise);
                    (price, o.market_cap_usd * share)
                }),
            };
            let obs = obs
                .filter(|_| t >= spec.listing_day && alive[i])
                .map(|(price, cap)| Observation {
                    price_usd: price,
                    market_cap_usd: cap,
                    volume_24h_usd: cap * spec.turnover * (0.35 * noise - 0.06).exp(),
                });
            if obs.is_some_and(|o| o.market_cap_usd < config.delist_below_usd)
                && matches!(spec.kind, Kind::Ordinary)
            {
                alive[i] = false;
            }
            row.push(obs.filter(|_| alive[i]));
        }
        rows.push(row);
    }
    let days = (0..config.days)
        .map(|t| config.start.plus(t as i32))
        .collect();
    let history = History::new(days, specs.into_iter().map(|s| s.meta).collect(), rows)?;
    Ok((history, market))
}
