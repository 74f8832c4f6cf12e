//! A seeded generator of realistic multi-asset histories, for tests, benchmarks and the demo.
//!
//! The model (all parameters in [`GeneratorConfig`]):
//!
//! - **Market phases.** A two-state Markov chain alternates bull and bear phases; a phase ends on any day with
//!   probability `1 / mean_days`, so phase lengths are geometric with the configured mean.
//! - **Fat tails and correlation.** A common market factor `m_t = drift/365 + vol/√365 · z_t` drives every asset;
//!   asset `i` has the log-return `r_i,t = α_i/365 + β_i · m_t + σ_i/√365 · ε_i,t`. `z` and `ε` are Student-t with
//!   `tail_dof` degrees of freedom scaled to unit variance, so returns are fat-tailed and assets are correlated
//!   through the factor (higher β for smaller assets, as in the real market).
//! - **Crashes and churn.** Each asset suffers a one-day crash of 60–95 % with probability `crashes_per_year / 365`
//!   a day; an asset whose market cap falls under `delist_below_usd` leaves the data set for good. A share of the
//!   assets (`late_listing_share`) only lists part-way through, small but with a higher drift, so assets enter and
//!   leave the top N.
//! - **Sizes.** Initial market caps follow a power law, `top_market_cap_usd · k^(−zipf_exponent)` for rank `k`;
//!   supply inflates by up to `max_inflation` a year. Daily volume is market cap times a per-asset turnover (in
//!   `turnover_range`) times log-normal noise.
//! - **Categories.** `stablecoins` dollar-pegged coins (the first is `usd-coin`); derivatives tracking the largest
//!   assets (`wrapped-bitcoin` and `weth` for `bitcoin` and `ethereum`, which — like the real ones — have no token
//!   on the target chain, then `staked-ether` and wrapped versions of the next assets, up to `derivatives`);
//!   `no_token_share` of the other assets lack a token on the target chain.

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rand_distr::{Distribution, Normal, StudentT};
use serde::{Deserialize, Serialize};

use crate::{Address, AssetMeta, Day, Error, History, Observation, Result, TokenInfo};

/// One market phase's parameters.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Phase {
    /// The market factor's annual log drift.
    pub drift: f64,
    /// The market factor's annual volatility.
    pub vol: f64,
    /// Mean length of the phase in days.
    pub mean_days: f64,
}

/// The generator's parameters. See the module documentation for the model.
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
    /// Power-law exponent of initial market caps by rank (1.6 by default).
    pub zipf_exponent: f64,
    /// Degrees of freedom of the Student-t shocks (3.5 by default; lower is fatter-tailed, must exceed 2).
    pub tail_dof: f64,
    /// The bull phase (drift 0.7, vol 0.5, 420 days by default).
    pub bull: Phase,
    /// The bear phase (drift −1.1, vol 0.75, 240 days by default).
    pub bear: Phase,
    /// Range of market betas, from the largest asset to the smallest (0.8–1.5 by default).
    pub beta_range: (f64, f64),
    /// Range of idiosyncratic annual volatilities, from the largest asset to the smallest (0.2–1.0 by default).
    pub idio_vol_range: (f64, f64),
    /// Standard deviation of the assets' annual drift offsets α (0.3 by default).
    pub alpha_dispersion: f64,
    /// Share of assets that list part-way through (0.25 by default).
    pub late_listing_share: f64,
    /// Yearly probability of a crash per asset (0.05 by default).
    pub crashes_per_year: f64,
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
            tail_dof: 3.5,
            bull: Phase {
                drift: 0.6,
                vol: 0.5,
                mean_days: 420.0,
            },
            bear: Phase {
                drift: -1.1,
                vol: 0.75,
                mean_days: 240.0,
            },
            beta_range: (0.8, 1.5),
            idio_vol_range: (0.2, 1.0),
            alpha_dispersion: 0.3,
            late_listing_share: 0.25,
            crashes_per_year: 0.05,
            delist_below_usd: 1.0e6,
            no_token_share: 0.05,
            turnover_range: (0.01, 0.12),
            max_inflation: 0.08,
        }
    }
}

struct Spec {
    meta: AssetMeta,
    kind: Kind,
    beta: f64,
    idio_vol: f64,
    alpha: f64,
    listing_day: usize,
    price: f64,
    supply: f64,
    inflation: f64,
    turnover: f64,
}

enum Kind {
    Ordinary,
    Stable,
    Derivative { of: usize, share: f64 },
}

/// Generates a history. Columns: ordinary assets by initial rank, then derivatives, then stablecoins.
pub fn generate_history(config: &GeneratorConfig) -> Result<History> {
    if config.assets < 2 || config.days == 0 || config.tail_dof <= 2.0 {
        return Err(Error::invalid(
            "generator",
            "need at least 2 assets, 1 day and tail_dof > 2",
        ));
    }
    let mut rng = ChaCha8Rng::seed_from_u64(config.seed);
    let t_dist =
        StudentT::new(config.tail_dof).map_err(|e| Error::invalid("generator", e.to_string()))?;
    let t_scale = ((config.tail_dof - 2.0) / config.tail_dof).sqrt();
    let normal = Normal::new(0.0, 1.0).map_err(|e| Error::invalid("generator", e.to_string()))?;
    let mut specs = ordinary_specs(config, &mut rng, normal);
    specs.extend(derivative_specs(config, &specs, &mut rng));
    specs.extend(stable_specs(config, &mut rng));

    let mut rows = Vec::with_capacity(config.days);
    let mut bull = true;
    let mut alive = vec![true; specs.len()];
    let sqrt_year = 365f64.sqrt();
    for t in 0..config.days {
        let phase = if bull { config.bull } else { config.bear };
        if rng.gen::<f64>() < 1.0 / phase.mean_days {
            bull = !bull;
        }
        let market =
            phase.drift / 365.0 + phase.vol / sqrt_year * t_dist.sample(&mut rng) * t_scale;
        let mut row: Vec<Option<Observation>> = Vec::with_capacity(specs.len());
        for (i, spec) in specs.iter_mut().enumerate() {
            // Draw every asset's shocks every day, listed or not, so that one asset's life never shifts another's.
            let shock = t_dist.sample(&mut rng) * t_scale;
            let crash = rng.gen::<f64>() < config.crashes_per_year / 365.0;
            let crash_size: f64 = rng.gen_range(0.05..0.4);
            let noise = normal.sample(&mut rng);
            let obs = match spec.kind {
                Kind::Ordinary => {
                    if t > spec.listing_day {
                        let mut r = spec.alpha / 365.0
                            + spec.beta * market
                            + spec.idio_vol / sqrt_year * shock;
                        if crash {
                            r += crash_size.ln();
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
    History::new(days, specs.into_iter().map(|s| s.meta).collect(), rows)
}

fn token(rng: &mut ChaCha8Rng, decimals: u8) -> Option<TokenInfo> {
    let mut bytes = [0u8; 20];
    rng.fill(&mut bytes[..]);
    Some(TokenInfo {
        address: Address(bytes),
        decimals,
    })
}

fn ordinary_specs(
    config: &GeneratorConfig,
    rng: &mut ChaCha8Rng,
    normal: Normal<f64>,
) -> Vec<Spec> {
    let n = config.assets;
    (0..n)
        .map(|k| {
            let rank = k as f64 + 1.0;
            let position = k as f64 / (n - 1) as f64;
            let late = k >= 2 && rng.gen::<f64>() < config.late_listing_share;
            let (id, symbol) = match k {
                0 => ("bitcoin".to_owned(), "BTC".to_owned()),
                1 => ("ethereum".to_owned(), "ETH".to_owned()),
                _ => (format!("asset-{:03}", k + 1), format!("A{:03}", k + 1)),
            };
            let decimals = match rng.gen_range(0..20) {
                0 | 1 => 8,
                2 => 6,
                _ => 18,
            };
            let has_token = k >= 2 && rng.gen::<f64>() >= config.no_token_share;
            let initial_rank = if late {
                rng.gen_range(0.6..1.6) * n as f64
            } else {
                rank
            };
            let cap = config.top_market_cap_usd * initial_rank.powf(-config.zipf_exponent);
            let price = match k {
                0 => 30_000.0,
                1 => 2_000.0,
                _ => (rng.gen_range(0.05f64.ln()..500f64.ln())).exp(),
            };
            let lerp = |(lo, hi): (f64, f64)| lo + (hi - lo) * position;
            Spec {
                meta: AssetMeta {
                    id,
                    symbol,
                    stablecoin: false,
                    derivative_of: None,
                    token: if has_token {
                        token(rng, decimals)
                    } else {
                        None
                    },
                },
                kind: Kind::Ordinary,
                beta: lerp(config.beta_range) + 0.1 * normal.sample(rng),
                idio_vol: lerp(config.idio_vol_range),
                alpha: config.alpha_dispersion * normal.sample(rng) + if late { 0.3 } else { 0.0 },
                listing_day: if late {
                    rng.gen_range(0..config.days * 4 / 5 + 1)
                } else {
                    0
                },
                price,
                supply: cap / price,
                inflation: rng.gen_range(0.0..=config.max_inflation),
                turnover: rng.gen_range(config.turnover_range.0..=config.turnover_range.1),
            }
        })
        .collect()
}

fn derivative_specs(
    config: &GeneratorConfig,
    ordinary: &[Spec],
    rng: &mut ChaCha8Rng,
) -> Vec<Spec> {
    (0..config.derivatives)
        .map(|d| {
            let (of, id, symbol, decimals) = match d {
                0 => (0, "wrapped-bitcoin".to_owned(), "WBTC".to_owned(), 8),
                1 => (1, "weth".to_owned(), "WETH".to_owned(), 18),
                2 => (1, "staked-ether".to_owned(), "STETH".to_owned(), 18),
                _ => {
                    let of = (d - 1).min(ordinary.len() - 1);
                    (
                        of,
                        format!("wrapped-{}", ordinary[of].meta.id),
                        format!("W{}", ordinary[of].meta.symbol),
                        18,
                    )
                }
            };
            Spec {
                meta: AssetMeta {
                    id,
                    symbol,
                    stablecoin: false,
                    derivative_of: Some(ordinary[of].meta.id.clone()),
                    token: token(rng, decimals),
                },
                kind: Kind::Derivative {
                    of,
                    share: rng.gen_range(0.01..0.08),
                },
                beta: 0.0,
                idio_vol: 0.0,
                alpha: 0.0,
                listing_day: ordinary[of].listing_day,
                price: 0.0,
                supply: 0.0,
                inflation: 0.0,
                turnover: rng.gen_range(0.02..0.1),
            }
        })
        .collect()
}

fn stable_specs(config: &GeneratorConfig, rng: &mut ChaCha8Rng) -> Vec<Spec> {
    (0..config.stablecoins)
        .map(|s| {
            let (id, symbol) = match s {
                0 => ("usd-coin".to_owned(), "USDC".to_owned()),
                1 => ("tether".to_owned(), "USDT".to_owned()),
                _ => (format!("stable-{}", s + 1), format!("USD{}", s + 1)),
            };
            Spec {
                meta: AssetMeta {
                    id,
                    symbol,
                    stablecoin: true,
                    derivative_of: None,
                    token: token(rng, 6),
                },
                kind: Kind::Stable,
                beta: 0.0,
                idio_vol: 0.0,
                alpha: 0.0,
                listing_day: 0,
                price: 1.0,
                supply: 6.0e10 / (s as f64 + 1.0),
                inflation: rng.gen_range(0.0..0.3),
                turnover: rng.gen_range(0.05..0.3),
            }
        })
        .collect()
}
