//! Pure arithmetic over the measured samples: medians, ratios, relative differences.

/// The median of `xs` (the mean of the two middle values for an even count); `None` when empty or when a value is
/// not a number.
pub(crate) fn median(xs: &[f64]) -> Option<f64> {
    if xs.is_empty() || xs.iter().any(|x| x.is_nan()) {
        return None;
    }
    let mut v = xs.to_vec();
    v.sort_by(f64::total_cmp);
    let m = v.len() / 2;
    Some(if v.len() % 2 == 1 {
        v[m]
    } else {
        (v[m - 1] + v[m]) / 2.0
    })
}

/// `a / b`, or `None` when `b` is not positive.
pub(crate) fn ratio(a: f64, b: f64) -> Option<f64> {
    (b > 0.0).then(|| a / b)
}

/// `|a - b| / b` for gas figures, or `None` when `b` is zero.
pub(crate) fn rel_diff(a: u64, b: u64) -> Option<f64> {
    (b > 0).then(|| a.abs_diff(b) as f64 / b as f64)
}

/// The largest of `xs` (`None` when empty).
pub(crate) fn max(xs: impl IntoIterator<Item = f64>) -> Option<f64> {
    xs.into_iter().reduce(f64::max)
}

/// The smallest of `xs` (`None` when empty).
pub(crate) fn min(xs: impl IntoIterator<Item = f64>) -> Option<f64> {
    xs.into_iter().reduce(f64::min)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn median_odd_even_and_empty() {
        assert_eq!(median(&[3.0, 1.0, 2.0]), Some(2.0));
        assert_eq!(median(&[4.0, 1.0, 3.0, 2.0]), Some(2.5));
        assert_eq!(median(&[7.0]), Some(7.0));
        assert_eq!(median(&[]), None);
        assert_eq!(median(&[1.0, f64::NAN]), None);
    }

    #[test]
    fn ratio_and_rel_diff() {
        assert_eq!(ratio(6.0, 3.0), Some(2.0));
        assert_eq!(ratio(1.0, 0.0), None);
        assert_eq!(rel_diff(110, 100), Some(0.1));
        assert_eq!(rel_diff(90, 100), Some(0.1));
        assert_eq!(rel_diff(5, 0), None);
        assert_eq!(max([1.0, 3.0, 2.0]), Some(3.0));
        assert_eq!(min([1.0, 3.0, 2.0]), Some(1.0));
        assert_eq!(max(Vec::<f64>::new()), None);
    }
}

/// Seconds since midnight of an RFC 3339 UTC timestamp as tracing writes it (`2026-12-01T19:43:25.387515Z`).
pub(crate) fn seconds_of_day(ts: &str) -> Option<f64> {
    let time = ts.split_once('T')?.1.strip_suffix('Z')?;
    let mut parts = time.split(':');
    let h: f64 = parts.next()?.parse().ok()?;
    let m: f64 = parts.next()?.parse().ok()?;
    let s: f64 = parts.next()?.parse().ok()?;
    if parts.next().is_some() || !(0.0..24.0).contains(&h) || !(0.0..60.0).contains(&m) {
        return None;
    }
    Some(h * 3_600.0 + m * 60.0 + s)
}

/// Gaps between consecutive times of day, in ms (a gap across midnight counts from the day before).
pub(crate) fn gaps_ms(times: &[f64]) -> Vec<f64> {
    times
        .windows(2)
        .map(|w| {
            let d = w[1] - w[0];
            (if d < 0.0 { d + 86_400.0 } else { d }) * 1e3
        })
        .collect()
}

#[cfg(test)]
mod time_tests {
    use super::*;

    #[test]
    fn parses_tracing_timestamps() {
        let t = seconds_of_day("2026-12-01T19:43:25.5Z").expect("timestamp");
        assert!((t - (19.0 * 3600.0 + 43.0 * 60.0 + 25.5)).abs() < 1e-9);
        assert_eq!(seconds_of_day("2026-12-01 19:43:25Z"), None);
        assert_eq!(seconds_of_day("2026-12-01T19:43:25"), None);
        assert_eq!(seconds_of_day("2026-12-01T25:00:00Z"), None);
    }

    #[test]
    fn gaps_wrap_at_midnight() {
        let g = gaps_ms(&[86_399.5, 0.5, 1.0]);
        assert_eq!(g.len(), 2);
        assert!((g[0] - 1_000.0).abs() < 1e-6);
        assert!((g[1] - 500.0).abs() < 1e-6);
        assert!(gaps_ms(&[1.0]).is_empty());
    }
}
