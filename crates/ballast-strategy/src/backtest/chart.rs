//! A hand-written SVG chart: NAV curves (log scale) over a drawdown panel, with axes and a legend.

use std::fmt::Write;

use super::metrics::drawdowns;
use crate::Day;

const WIDTH: f64 = 1000.0;
const HEIGHT: f64 = 720.0;
const LEFT: f64 = 80.0;
const RIGHT: f64 = 30.0;
const NAV_TOP: f64 = 50.0;
const NAV_BOTTOM: f64 = 450.0;
const DD_TOP: f64 = 500.0;
const DD_BOTTOM: f64 = 670.0;
const LEGEND_WIDTH: f64 = 260.0;
const COLORS: [&str; 6] = [
    "#f7931a", "#1f77b4", "#2ca02c", "#d62728", "#9467bd", "#8c564b",
];

/// Renders NAV curves (each normalised to 1 at the start, log scale) and their drawdowns as an SVG document.
pub fn render_chart(title: &str, days: &[Day], series: &[(&str, &[f64])]) -> String {
    let mut svg = String::new();
    let _ = writeln!(
        svg,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" viewBox="0 0 {WIDTH} {HEIGHT}" font-family="sans-serif" font-size="12">"#
    );
    let _ = writeln!(svg, r#"<rect width="100%" height="100%" fill="white"/>"#);
    let _ = writeln!(
        svg,
        r#"<text x="{}" y="28" font-size="18" text-anchor="middle">{}</text>"#,
        WIDTH / 2.0,
        escape(title)
    );
    let n = days.len();
    let x_of = |k: usize| LEFT + (WIDTH - LEFT - RIGHT) * k as f64 / (n.max(2) - 1) as f64;
    let normalised: Vec<Vec<f64>> = series
        .iter()
        .map(|(_, nav)| {
            let first = nav.first().copied().filter(|v| *v > 0.0).unwrap_or(1.0);
            nav.iter().map(|v| (v / first).max(1e-6)).collect()
        })
        .collect();
    let (lo, hi) = normalised
        .iter()
        .flatten()
        .fold((1.0f64, 1.0f64), |(lo, hi), &v| (lo.min(v), hi.max(v)));
    let (log_lo, log_hi) = (
        lo.log2().floor(),
        hi.log2().ceil().max(lo.log2().floor() + 1.0),
    );
    let y_nav =
        |v: f64| NAV_BOTTOM - (NAV_BOTTOM - NAV_TOP) * (v.log2() - log_lo) / (log_hi - log_lo);
    let all_dd: Vec<Vec<f64>> = series.iter().map(|(_, nav)| drawdowns(nav)).collect();
    let worst = all_dd.iter().flatten().fold(0.0f64, |m, &d| m.min(d));
    let dd_floor = ((worst * 5.0).floor() / 5.0).min(-0.2);
    let y_dd = |d: f64| DD_TOP + (DD_BOTTOM - DD_TOP) * d / dd_floor;

    // Grid and y labels.
    let mut exp = log_lo;
    while exp <= log_hi {
        let y = y_nav(2f64.powf(exp));
        grid_line(&mut svg, y);
        let _ = writeln!(
            svg,
            r#"<text x="{}" y="{}" text-anchor="end">{}×</text>"#,
            LEFT - 6.0,
            y + 4.0,
            fmt_multiple(2f64.powf(exp))
        );
        exp += 1.0;
    }
    let mut d = 0.0;
    while d >= dd_floor - 1e-9 {
        let y = y_dd(d);
        grid_line(&mut svg, y);
        let _ = writeln!(
            svg,
            r#"<text x="{}" y="{}" text-anchor="end">{:.0}%</text>"#,
            LEFT - 6.0,
            y + 4.0,
            d * 100.0
        );
        d -= 0.2;
    }
    // X axis: a tick on the first day of each year (or of each quarter for short spans).
    for (k, day) in days.iter().enumerate() {
        let (y, m, dd) = day.ymd();
        let quarterly = n < 500 && dd == 1 && (m - 1) % 3 == 0;
        if (m == 1 && dd == 1) || quarterly {
            let x = x_of(k);
            for (top, bottom) in [(NAV_TOP, NAV_BOTTOM), (DD_TOP, DD_BOTTOM)] {
                let _ = writeln!(
                    svg,
                    r##"<line x1="{x:.1}" y1="{top}" x2="{x:.1}" y2="{bottom}" stroke="#e5e5e5"/>"##
                );
            }
            let label = if quarterly && m != 1 {
                format!("{y}-{m:02}")
            } else {
                y.to_string()
            };
            let _ = writeln!(
                svg,
                r#"<text x="{x:.1}" y="{}" text-anchor="middle">{label}</text>"#,
                DD_BOTTOM + 18.0
            );
        }
    }
    // Axes and panel titles.
    for (top, bottom) in [(NAV_TOP, NAV_BOTTOM), (DD_TOP, DD_BOTTOM)] {
        let _ = writeln!(
            svg,
            r##"<rect x="{LEFT}" y="{top}" width="{}" height="{}" fill="none" stroke="#333"/>"##,
            WIDTH - LEFT - RIGHT,
            bottom - top
        );
    }
    let _ = writeln!(
        svg,
        r#"<text x="18" y="{}" transform="rotate(-90 18 {})" text-anchor="middle">NAV (× start, log scale)</text>"#,
        (NAV_TOP + NAV_BOTTOM) / 2.0,
        (NAV_TOP + NAV_BOTTOM) / 2.0
    );
    let _ = writeln!(
        svg,
        r#"<text x="18" y="{}" transform="rotate(-90 18 {})" text-anchor="middle">Drawdown</text>"#,
        (DD_TOP + DD_BOTTOM) / 2.0,
        (DD_TOP + DD_BOTTOM) / 2.0
    );
    // Curves.
    for (s, (values, dd)) in normalised.iter().zip(&all_dd).enumerate() {
        let color = COLORS[s % COLORS.len()];
        polyline(
            &mut svg,
            color,
            values.iter().enumerate().map(|(k, &v)| (x_of(k), y_nav(v))),
        );
        polyline(
            &mut svg,
            color,
            dd.iter().enumerate().map(|(k, &d)| (x_of(k), y_dd(d))),
        );
    }
    // Legend, in the corner of the NAV panel that hides the fewest curve points.
    let legend_height = 20.0 * series.len() as f64 + 10.0;
    let corners = [
        (LEFT + 10.0, NAV_TOP + 10.0),
        (WIDTH - RIGHT - 10.0 - LEGEND_WIDTH, NAV_TOP + 10.0),
        (LEFT + 10.0, NAV_BOTTOM - 10.0 - legend_height),
        (
            WIDTH - RIGHT - 10.0 - LEGEND_WIDTH,
            NAV_BOTTOM - 10.0 - legend_height,
        ),
    ];
    let hidden = |&(lx, ly): &(f64, f64)| {
        normalised
            .iter()
            .flat_map(|values| values.iter().enumerate())
            .filter(|&(k, &v)| {
                let (x, y) = (x_of(k), y_nav(v));
                (lx..=lx + LEGEND_WIDTH).contains(&x) && (ly..=ly + legend_height).contains(&y)
            })
            .count()
    };
    let (lx, ly) = corners
        .iter()
        .copied()
        .min_by_key(hidden)
        .unwrap_or(corners[0]);
    let _ = writeln!(
        svg,
        r##"<rect x="{lx}" y="{ly}" width="{LEGEND_WIDTH}" height="{legend_height}" fill="white" fill-opacity="0.85" stroke="#999"/>"##,
    );
    for (s, ((name, _), values)) in series.iter().zip(&normalised).enumerate() {
        let y = ly + 18.0 + 20.0 * s as f64;
        let color = COLORS[s % COLORS.len()];
        let end = values.last().copied().unwrap_or(1.0);
        let _ = writeln!(
            svg,
            r#"<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="{color}" stroke-width="3"/>"#,
            lx + 10.0,
            y - 4.0,
            lx + 34.0,
            y - 4.0
        );
        let _ = writeln!(
            svg,
            r#"<text x="{}" y="{y}">{} ({:.2}×)</text>"#,
            lx + 42.0,
            escape(name),
            end
        );
    }
    svg.push_str("</svg>\n");
    svg
}

fn grid_line(svg: &mut String, y: f64) {
    let _ = writeln!(
        svg,
        r##"<line x1="{LEFT}" y1="{y:.1}" x2="{}" y2="{y:.1}" stroke="#e5e5e5"/>"##,
        WIDTH - RIGHT
    );
}

fn polyline(svg: &mut String, color: &str, points: impl Iterator<Item = (f64, f64)>) {
    let mut pts = String::new();
    for (x, y) in points {
        let _ = write!(pts, "{x:.1},{y:.1} ");
    }
    let _ = writeln!(
        svg,
        r#"<polyline fill="none" stroke="{color}" stroke-width="1.5" points="{}"/>"#,
        pts.trim_end()
    );
}

fn fmt_multiple(v: f64) -> String {
    if v >= 1.0 {
        format!("{v:.0}")
    } else {
        format!("{v:.3}").trim_end_matches('0').to_owned()
    }
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_legend_goes_to_the_emptiest_corner() {
        let days: Vec<Day> = (0..200).map(|d| Day(19_358 + d)).collect();
        let falling: Vec<f64> = (0..200)
            .map(|k| 16.0 * 0.5f64.powf(k as f64 / 50.0))
            .collect();
        let rising: Vec<f64> = falling.iter().rev().copied().collect();
        let legend_x = |svg: &str| {
            let rect = svg
                .lines()
                .find(|l| l.contains(r##"stroke="#999""##))
                .expect("legend box");
            rect.split('"')
                .nth(1)
                .expect("x")
                .parse::<f64>()
                .expect("number")
        };
        let right = WIDTH - RIGHT - 10.0 - LEGEND_WIDTH;
        // A curve from the top left to the bottom right leaves the top right free, and the other way round.
        assert_eq!(
            legend_x(&render_chart("t", &days, &[("a", &falling)])),
            right
        );
        assert_eq!(
            legend_x(&render_chart("t", &days, &[("a", &rising)])),
            LEFT + 10.0
        );
    }
}
