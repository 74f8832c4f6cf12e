//! The assets' static parameters: identity, category, beta, volatility, drift, listing and death days, size.

use rand::Rng;
use rand_chacha::ChaCha8Rng;
use rand_distr::{Distribution, Exp1, Normal};

use super::GeneratorConfig;
use crate::{Address, AssetMeta, TokenInfo};

pub(crate) struct Spec {
    pub(crate) meta: AssetMeta,
    pub(crate) kind: Kind,
    pub(crate) beta: f64,
    pub(crate) idio_vol: f64,
    pub(crate) alpha: f64,
    pub(crate) listing_day: usize,
    /// The day the asset starts to die (`usize::MAX` if it never does).
    pub(crate) death_day: usize,
    /// Whether idiosyncratic crash days hit it (not BTC or ETH).
    pub(crate) crash_prone: bool,
    pub(crate) price: f64,
    pub(crate) supply: f64,
    pub(crate) inflation: f64,
    pub(crate) turnover: f64,
}

pub(crate) enum Kind {
    Ordinary,
    Stable,
    Derivative { of: usize, share: f64 },
}

fn token(rng: &mut ChaCha8Rng, decimals: u8) -> Option<TokenInfo> {
    let mut bytes = [0u8; 20];
    rng.fill(&mut bytes[..]);
    Some(TokenInfo {
        address: Address(bytes),
        decimals,
    })
}

/// The ordinary assets by initial rank: `bitcoin`, `ethereum`, then `asset-003`…
pub(crate) fn ordinary_specs(
    config: &GeneratorConfig,
    rng: &mut ChaCha8Rng,
    normal: Normal<f64>,
) -> Vec<Spec> {
    let n = config.assets;
    (0..n)
        .map(|k| {
            let rank = k as f64 + 1.0;
            // Position on a log-rank scale: 0 for the largest asset, 1 for the smallest.
            let position = rank.ln() / (n as f64).ln();
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
            let idio_vol = lerp(config.idio_vol_range);
            let beta_noise = config.beta_dispersion * normal.sample(rng);
            let alpha_noise = config.alpha_dispersion * normal.sample(rng);
            let listing_day = if late {
                rng.gen_range(0..config.days * 4 / 5 + 1)
            } else {
                0
            };
            let years_to_death: f64 = Exp1.sample(rng);
            let hazard = lerp(config.death_rate_range);
            let death_day = if k >= 2 && hazard > 0.0 {
                let day = listing_day as f64 + years_to_death / hazard * 365.0;
                if day < config.days as f64 {
                    day as usize
                } else {
                    usize::MAX
                }
            } else {
                usize::MAX
            };
            let token = if has_token {
                token(rng, decimals)
            } else {
                None
            };
            // BTC is the market: beta exactly the lower end, no drift offset. The others' idiosyncratic parts are
            // martingales in price (−σ²/2), shifted by α.
            let (beta, alpha) = if k == 0 {
                (config.beta_range.0, -idio_vol * idio_vol / 2.0)
            } else {
                let late_alpha = if late { config.late_listing_alpha } else { 0.0 };
                (
                    lerp(config.beta_range) + beta_noise,
                    config.alpha_mean + alpha_noise + late_alpha - idio_vol * idio_vol / 2.0,
                )
            };
            Spec {
                meta: AssetMeta {
                    id,
                    symbol,
                    stablecoin: false,
                    derivative_of: None,
                    token,
                },
                kind: Kind::Ordinary,
                beta,
                idio_vol,
                alpha,
                listing_day,
                death_day,
                crash_prone: k >= 2,
                price,
                supply: cap / price,
                inflation: rng.gen_range(0.0..=config.max_inflation),
                turnover: rng.gen_range(config.turnover_range.0..=config.turnover_range.1),
            }
        })
        .collect()
}

/// Wrapped and staked derivatives of the largest assets.
pub(crate) fn derivative_specs(
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
                death_day: usize::MAX,
                crash_prone: false,
                price: 0.0,
                supply: 0.0,
                inflation: 0.0,
                turnover: rng.gen_range(0.02..0.1),
            }
        })
        .collect()
}

/// Dollar-pegged stablecoins, `usd-coin` first.
pub(crate) fn stable_specs(config: &GeneratorConfig, rng: &mut ChaCha8Rng) -> Vec<Spec> {
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
                death_day: usize::MAX,
                crash_prone: false,
                price: 1.0,
                supply: 6.0e10 / (s as f64 + 1.0),
                inflation: rng.gen_range(0.0..0.3),
                turnover: rng.gen_range(0.05..0.3),
            }
        })
        .collect()
}
