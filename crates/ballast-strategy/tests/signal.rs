//! Behaviour of the regime signal.

use ballast_strategy::{
    evaluate_signal, BreadthRule, Day, Reason, Regime, RegimeState, SignalConfig,
};

fn config(breadth: Option<BreadthRule>) -> SignalConfig {
    SignalConfig {
        ma_days: 20,
        band: 0.05,
        breadth,
        min_dwell_days: 10,
    }
}

/// A flat series at 100 for 40 days, then `last` today.
fn series(last: f64) -> Vec<f64> {
    let mut levels = vec![100.0; 40];
    levels.push(last);
    levels
}

fn state(regime: Regime, since: i32) -> RegimeState {
    RegimeState {
        regime,
        since: Day(since),
    }
}

#[test]
fn the_band_gives_hysteresis() {
    let cfg = config(None);
    let today = Day(100);
    // MA of the last 20 with today's level x: (19 * 100 + x) / 20.
    for (last, from, expected, reason) in [
        (110.0, Regime::RiskOff, Regime::RiskOn, Reason::TrendUp),
        (103.0, Regime::RiskOff, Regime::RiskOff, Reason::InsideBand),
        (103.0, Regime::RiskOn, Regime::RiskOn, Reason::InsideBand),
        (97.0, Regime::RiskOn, Regime::RiskOn, Reason::InsideBand),
        (90.0, Regime::RiskOn, Regime::RiskOff, Reason::TrendDown),
    ] {
        let r = evaluate_signal(&cfg, &series(last), None, state(from, 0), today).expect("valid");
        let ma = (19.0 * 100.0 + last) / 20.0;
        assert!((r.moving_average.expect("warm") - ma).abs() < 1e-9);
        assert!((r.ratio.expect("warm") - last / ma).abs() < 1e-12);
        assert_eq!(
            (r.regime, r.reason),
            (expected, reason),
            "level {last} from {from:?}"
        );
        assert_eq!(r.switched, expected != from);
    }
}

#[test]
fn the_dwell_time_holds_a_switch_back() {
    let cfg = config(None);
    let r = evaluate_signal(
        &cfg,
        &series(80.0),
        None,
        state(Regime::RiskOn, 95),
        Day(100),
    )
    .expect("valid");
    assert_eq!(
        (r.wanted, r.regime, r.held_by_dwell, r.switched),
        (Regime::RiskOff, Regime::RiskOn, true, false)
    );
    let r = evaluate_signal(
        &cfg,
        &series(80.0),
        None,
        state(Regime::RiskOn, 90),
        Day(100),
    )
    .expect("valid");
    assert_eq!(
        (r.regime, r.held_by_dwell, r.switched),
        (Regime::RiskOff, false, true)
    );
}

#[test]
fn breadth_confirms_risk_on_and_can_force_risk_off() {
    let cfg = config(Some(BreadthRule {
        ma_days: 10,
        on_at_least: 0.6,
        off_at_most: 0.3,
    }));
    let off = state(Regime::RiskOff, 0);
    let on = state(Regime::RiskOn, 0);
    let r = evaluate_signal(&cfg, &series(110.0), Some(0.5), off, Day(100)).expect("valid");
    assert_eq!(
        (r.regime, r.reason),
        (Regime::RiskOff, Reason::BreadthUnconfirmed)
    );
    let r = evaluate_signal(&cfg, &series(110.0), Some(0.7), off, Day(100)).expect("valid");
    assert_eq!((r.regime, r.reason), (Regime::RiskOn, Reason::TrendUp));
    let r = evaluate_signal(&cfg, &series(100.0), Some(0.2), on, Day(100)).expect("valid");
    assert_eq!((r.regime, r.reason), (Regime::RiskOff, Reason::BreadthWeak));
    assert!(evaluate_signal(&cfg, &series(100.0), None, on, Day(100)).is_err());
}

#[test]
fn warming_up_keeps_the_regime_and_bad_levels_are_refused() {
    let cfg = config(None);
    let r = evaluate_signal(&cfg, &[100.0; 5], None, state(Regime::RiskOff, 0), Day(100))
        .expect("valid");
    assert_eq!(
        (r.regime, r.reason, r.moving_average),
        (Regime::RiskOff, Reason::WarmingUp, None)
    );
    assert!(evaluate_signal(&cfg, &[], None, state(Regime::RiskOn, 0), Day(1)).is_err());
    assert!(evaluate_signal(
        &cfg,
        &[1.0, f64::NAN],
        None,
        state(Regime::RiskOn, 0),
        Day(1)
    )
    .is_err());
    let text = evaluate_signal(
        &cfg,
        &series(120.0),
        None,
        state(Regime::RiskOff, 0),
        Day(100),
    )
    .expect("valid")
    .to_string();
    assert!(text.contains("SWITCH") && text.contains("RiskOn"), "{text}");
}
