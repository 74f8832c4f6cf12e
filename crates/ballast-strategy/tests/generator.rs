//! The generator's default parameters reproduce the stylised facts of crypto markets, checked statistically over
//! several seeds with tolerant bands (an uncalibrated generator, e.g. one with a generic drift and no bear phases,
//! fails them).

use ballast_strategy::{generate_history, GeneratorConfig, History};

const SEEDS: std::ops::RangeInclusive<u64> = 1..=10;

/// Statistics of one five-year history.
#[derive(Debug)]
struct Facts {
    btc_multiple: f64,
    btc_vol: f64,
    btc_drawdown: f64,
    btc_kurtosis: f64,
    alt_vol: f64,
    alt_beta: f64,
    alt_corr: f64,
    min_alt_corr: f64,
    alt_drawdown: f64,
    top50_replaced: f64,
    late_in_top100: usize,
    delisted: usize,
}

fn prices(h: &History, i: usize) -> Vec<f64> {
    (0..h.len())
        .filter_map(|t| h.get(t, i))
        .map(|o| o.price_usd)
        .collect()
}

fn log_returns(p: &[f64]) -> Vec<f64> {
    p.windows(2).map(|w| (w[1] / w[0]).ln()).collect()
}

fn mean(x: &[f64]) -> f64 {
    x.iter().sum::<f64>() / x.len() as f64
}

fn cov(a: &[f64], b: &[f64]) -> f64 {
    let (ma, mb) = (mean(a), mean(b));
    a.iter()
        .zip(b)
        .map(|(x, y)| (x - ma) * (y - mb))
        .sum::<f64>()
        / a.len() as f64
}

fn vol(r: &[f64]) -> f64 {
    (cov(r, r) * 365.0).sqrt()
}

fn kurtosis(r: &[f64]) -> f64 {
    let (m, v) = (mean(r), cov(r, r));
    r.iter().map(|x| (x - m).powi(4)).sum::<f64>() / r.len() as f64 / (v * v)
}

fn max_drawdown(p: &[f64]) -> f64 {
    let mut peak = 0.0f64;
    p.iter().fold(0.0f64, |dd, &x| {
        peak = peak.max(x);
        dd.max(1.0 - x / peak)
    })
}

fn median(mut x: Vec<f64>) -> f64 {
    x.sort_by(f64::total_cmp);
    x[x.len() / 2]
}

/// The ordinary assets (not stablecoins or derivatives) priced on day `t`, largest market cap first.
fn top(h: &History, t: usize, n: usize) -> Vec<usize> {
    let mut ranked: Vec<(usize, f64)> = (0..h.assets().len())
        .filter(|&i| !h.assets()[i].stablecoin && h.assets()[i].derivative_of.is_none())
        .filter_map(|i| h.get(t, i).map(|o| (i, o.market_cap_usd)))
        .collect();
    ranked.sort_by(|a, b| b.1.total_cmp(&a.1));
    ranked.into_iter().take(n).map(|(i, _)| i).collect()
}

fn facts(seed: u64) -> Facts {
    let h = generate_history(&GeneratorConfig {
        seed,
        ..GeneratorConfig::default()
    })
    .expect("generates");
    let last = h.len() - 1;
    let btc = prices(&h, 0);
    assert_eq!(btc.len(), h.len(), "BTC is priced every day");
    let rb = log_returns(&btc);
    // The large altcoins (initial ranks 3–40) that trade throughout.
    let (mut vols, mut betas, mut corrs, mut drawdowns) = (vec![], vec![], vec![], vec![]);
    for i in 2..40 {
        let p = prices(&h, i);
        if p.len() == h.len() {
            let r = log_returns(&p);
            vols.push(vol(&r));
            betas.push(cov(&r, &rb) / cov(&rb, &rb));
            corrs.push(cov(&r, &rb) / (cov(&r, &r) * cov(&rb, &rb)).sqrt());
            drawdowns.push(max_drawdown(&p));
        }
    }
    assert!(vols.len() >= 10, "seed {seed}: too few surviving altcoins");
    let (first50, last50) = (top(&h, 0, 50), top(&h, last, 50));
    let replaced = first50.iter().filter(|i| !last50.contains(i)).count();
    let n = h.assets().len();
    Facts {
        btc_multiple: btc[last] / btc[0],
        btc_vol: vol(&rb),
        btc_drawdown: max_drawdown(&btc),
        btc_kurtosis: kurtosis(&rb),
        alt_vol: median(vols),
        alt_beta: median(betas),
        alt_corr: median(corrs.clone()),
        min_alt_corr: corrs.iter().copied().fold(f64::INFINITY, f64::min),
        alt_drawdown: median(drawdowns),
        top50_replaced: replaced as f64 / 50.0,
        late_in_top100: top(&h, last, 100)
            .iter()
            .filter(|&&i| h.get(0, i).is_none())
            .count(),
        delisted: (0..n)
            .filter(|&i| h.get(last, i).is_none() && (0..h.len()).any(|t| h.get(t, i).is_some()))
            .count(),
    }
}

#[test]
fn five_year_histories_have_the_stylised_facts_of_crypto_markets() {
    let all: Vec<Facts> = SEEDS.map(facts).collect();
    for (seed, f) in SEEDS.zip(&all) {
        eprintln!("seed {seed}: {f:?}");
    }
    let count = |pred: &dyn Fn(&Facts) -> bool| all.iter().filter(|f| pred(f)).count();
    for (seed, f) in SEEDS.zip(&all) {
        // BTC: 55–75 % a year, fat-tailed.
        assert!(
            (0.45..0.9).contains(&f.btc_vol),
            "seed {seed}: BTC vol {}",
            f.btc_vol
        );
        assert!(
            f.btc_kurtosis > 4.0,
            "seed {seed}: BTC kurtosis {}",
            f.btc_kurtosis
        );
        // Altcoins: more volatile than BTC, beta above one, positively but not perfectly correlated.
        assert!(
            (0.75..1.6).contains(&f.alt_vol) && f.alt_vol > 1.25 * f.btc_vol,
            "seed {seed}: altcoin vol {} against BTC's {}",
            f.alt_vol,
            f.btc_vol
        );
        assert!(
            (1.1..2.0).contains(&f.alt_beta),
            "seed {seed}: beta {}",
            f.alt_beta
        );
        assert!(
            (0.5..0.9).contains(&f.alt_corr) && f.min_alt_corr > 0.2,
            "seed {seed}: correlation {} (least {})",
            f.alt_corr,
            f.min_alt_corr
        );
        // Bear phases hit altcoins harder than BTC.
        assert!(
            f.alt_drawdown > f.btc_drawdown && f.alt_drawdown > 0.75,
            "seed {seed}: altcoin drawdown {} against BTC's {}",
            f.alt_drawdown,
            f.btc_drawdown
        );
        // No runaway drift; the top of the market churns: assets die and new ones list and climb.
        assert!(
            (0.15..15.0).contains(&f.btc_multiple),
            "seed {seed}: BTC ends at {}x",
            f.btc_multiple
        );
        assert!(
            f.top50_replaced >= 0.1,
            "seed {seed}: {} of the top 50 replaced",
            f.top50_replaced
        );
        assert!(f.delisted >= 5, "seed {seed}: {} delisted", f.delisted);
        assert!(
            f.late_in_top100 >= 3,
            "seed {seed}: {} late listings in the top 100",
            f.late_in_top100
        );
    }
    // Over seeds: deep bear markets in most five-year windows, and a plausible spread of outcomes.
    assert!(
        count(&|f| f.btc_drawdown >= 0.5) >= 8,
        "BTC drawdowns under 50 % too often"
    );
    assert!(
        count(&|f| (0.3..8.0).contains(&f.btc_multiple)) >= 8,
        "BTC outcomes outside 0.3–8x too often"
    );
    let typical = median(all.iter().map(|f| f.btc_multiple).collect());
    assert!(
        (1.0..4.0).contains(&typical),
        "median BTC outcome {typical}x"
    );
}

#[test]
fn unusable_parameters_are_refused() {
    let base = GeneratorConfig {
        days: 10,
        ..GeneratorConfig::default()
    };
    assert!(generate_history(&base).is_ok());
    let mut bad = vec![
        GeneratorConfig {
            tail_dof: 2.0,
            ..base.clone()
        },
        GeneratorConfig {
            relapse_probability: 1.5,
            ..base.clone()
        },
        GeneratorConfig {
            crash_range: (0.5, 1.0),
            ..base.clone()
        },
    ];
    let mut short_bear = base.clone();
    short_bear.bear.mean_days = short_bear.bear.min_days;
    bad.push(short_bear);
    for config in &bad {
        assert!(generate_history(config).is_err(), "{config:?}");
    }
}
