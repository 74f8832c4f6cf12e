//! The market path's phases: their order, their minimum lengths, their long-run shares and what they do to
//! returns and correlations.

use super::market::{market_path, PhaseKind, Shocks};
use super::{generate, GeneratorConfig};
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

fn runs(phases: &[PhaseKind]) -> Vec<(PhaseKind, usize)> {
    let mut out: Vec<(PhaseKind, usize)> = Vec::new();
    for &p in phases {
        match out.last_mut() {
            Some((q, n)) if *q == p => *n += 1,
            _ => out.push((p, 1)),
        }
    }
    out
}

#[test]
fn phases_follow_the_cycle_last_their_minimum_and_share_time_as_documented() {
    let config = GeneratorConfig::default();
    let shocks = Shocks::new(config.tail_dof).expect("dof");
    let (mut days, mut drift) = ([0usize; 3], [0.0f64; 3]);
    let slot = |p: PhaseKind| match p {
        PhaseKind::Bull => 0,
        PhaseKind::Bear => 1,
        PhaseKind::Sideways => 2,
    };
    for seed in 0..40 {
        let path = market_path(&config, &mut ChaCha8Rng::seed_from_u64(seed), shocks);
        assert_eq!(path.returns.len(), config.days);
        let runs = runs(&path.phases);
        for w in runs.windows(2) {
            let allowed = match w[0].0 {
                PhaseKind::Bull => w[1].0 == PhaseKind::Bear,
                PhaseKind::Bear => w[1].0 == PhaseKind::Sideways,
                PhaseKind::Sideways => w[1].0 != PhaseKind::Sideways,
            };
            assert!(allowed, "seed {seed}: {:?} then {:?}", w[0].0, w[1].0);
        }
        // Whole phases (not the first, which starts part-way through, nor the last, cut by the end).
        for &(p, n) in runs.iter().skip(1).take(runs.len().saturating_sub(2)) {
            let min = match p {
                PhaseKind::Bull => config.bull.min_days,
                PhaseKind::Bear => config.bear.min_days,
                PhaseKind::Sideways => config.sideways.min_days,
            };
            assert!(n as f64 >= min, "seed {seed}: a {p:?} phase of {n} days");
        }
        for (&p, &r) in path.phases.iter().zip(&path.returns) {
            days[slot(p)] += 1;
            drift[slot(p)] += r;
        }
    }
    let total: usize = days.iter().sum();
    // Long-run shares ∝ visits × mean length: bull (1 − relapse) · 400, bear 300, sideways 300, a third each by
    // default.
    let p = config.relapse_probability;
    let weights = [
        (1.0 - p) * config.bull.mean_days,
        config.bear.mean_days,
        config.sideways.mean_days,
    ];
    let sum: f64 = weights.iter().sum();
    for k in 0..3 {
        let share = days[k] as f64 / total as f64;
        assert!(
            (share - weights[k] / sum).abs() < 0.08,
            "phase {k}: share {share} against {}",
            weights[k] / sum
        );
    }
    // Bulls rise, bears fall (annualised mean log return of the factor).
    let annual = |k: usize| drift[k] / days[k] as f64 * 365.0;
    assert!(annual(0) > 0.5, "bull {}", annual(0));
    assert!(annual(1) < -0.5, "bear {}", annual(1));
    assert!(annual(2).abs() < annual(0), "sideways {}", annual(2));
}

fn correlation(a: &[f64], b: &[f64]) -> f64 {
    let n = a.len() as f64;
    let (ma, mb) = (a.iter().sum::<f64>() / n, b.iter().sum::<f64>() / n);
    let (mut ab, mut aa, mut bb) = (0.0, 0.0, 0.0);
    for (x, y) in a.iter().zip(b) {
        ab += (x - ma) * (y - mb);
        aa += (x - ma) * (x - ma);
        bb += (y - mb) * (y - mb);
    }
    ab / (aa * bb).sqrt()
}

#[test]
fn altcoins_correlate_with_the_market_more_in_bear_phases() {
    let (mut calm, mut bear) = (Vec::new(), Vec::new());
    for seed in 1..=5 {
        let config = GeneratorConfig {
            seed,
            ..GeneratorConfig::default()
        };
        let (history, path) = generate(&config).expect("generates");
        for i in 2..40 {
            let Some(prices) = (0..history.len())
                .map(|t| history.get(t, i).map(|o| o.price_usd))
                .collect::<Option<Vec<f64>>>()
            else {
                continue;
            };
            let (mut calm_pairs, mut bear_pairs) = ((vec![], vec![]), (vec![], vec![]));
            for t in 1..prices.len() {
                let r = (prices[t] / prices[t - 1]).ln();
                let pairs = if path.phases[t] == PhaseKind::Bear {
                    &mut bear_pairs
                } else {
                    &mut calm_pairs
                };
                pairs.0.push(r);
                pairs.1.push(path.returns[t]);
            }
            if bear_pairs.0.len() > 60 && calm_pairs.0.len() > 60 {
                calm.push(correlation(&calm_pairs.0, &calm_pairs.1));
                bear.push(correlation(&bear_pairs.0, &bear_pairs.1));
            }
        }
    }
    let mean = |x: &[f64]| x.iter().sum::<f64>() / x.len() as f64;
    let (calm, bear) = (mean(&calm), mean(&bear));
    eprintln!("correlation with the market factor: {calm:.3} outside bears, {bear:.3} in bears");
    assert!((0.5..0.85).contains(&calm), "calm correlation {calm}");
    assert!(bear > calm + 0.03, "bear correlation {bear} against {calm}");
}
