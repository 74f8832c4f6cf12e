//! Properties of the integer weights.

use ballast_strategy::math::mul_div;
use ballast_strategy::{compute_weights, WeightScheme, WAD};
use proptest::prelude::*;

fn scheme() -> impl Strategy<Value = WeightScheme> {
    prop_oneof![
        Just(WeightScheme::MarketCap),
        Just(WeightScheme::Equal),
        (WAD / 100..WAD / 2).prop_map(|cap_wad| WeightScheme::CappedMarketCap { cap_wad }),
    ]
}

fn scores() -> impl Strategy<Value = Vec<u128>> {
    prop::collection::vec(prop_oneof![0u128..10, 1u128..1_000_000_000_000_000], 1..200)
        .prop_filter("some positive score", |s| s.iter().any(|&x| x > 0))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn weights_sum_exactly_and_respect_the_cap(scores in scores(), scheme in scheme(), cash in 0u64..WAD / 2) {
        let w = compute_weights(&scores, scheme, cash).map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(w.components.len(), scores.len());
        prop_assert_eq!(w.sum(), u128::from(WAD));
        prop_assert!(w.cash >= cash);
        if let WeightScheme::CappedMarketCap { cap_wad } = scheme {
            prop_assert!(w.components.iter().all(|&x| x <= cap_wad));
            // Cash only absorbs more than asked when every component with a positive score sits at the cap.
            if w.cash > cash {
                prop_assert!(scores.iter().zip(&w.components).all(|(&s, &x)| s == 0 || x == cap_wad));
            }
        } else {
            prop_assert_eq!(w.cash, cash);
        }
    }

    #[test]
    fn larger_scores_never_get_smaller_weights(scores in scores(), scheme in scheme(), cash in 0u64..WAD / 2) {
        let w = compute_weights(&scores, scheme, cash).map_err(|e| TestCaseError::fail(e.to_string()))?;
        for i in 0..scores.len() {
            for j in 0..scores.len() {
                if scores[i] > scores[j] && scheme != WeightScheme::Equal {
                    prop_assert!(w.components[i] >= w.components[j]);
                }
            }
        }
    }

    #[test]
    fn market_cap_weights_are_the_exact_shares_floored_or_raised_by_one(scores in scores(), cash in 0u64..WAD) {
        let w = compute_weights(&scores, WeightScheme::MarketCap, cash).map_err(|e| TestCaseError::fail(e.to_string()))?;
        let total: u128 = scores.iter().sum();
        let budget = u128::from(WAD - cash);
        for (&s, &x) in scores.iter().zip(&w.components) {
            let floor = mul_div(budget, s, total).expect("fits");
            prop_assert!(u128::from(x) == floor || u128::from(x) == floor + 1);
        }
        // Equal weights differ by at most one unit, the extra units going to the first components.
        let e = compute_weights(&scores, WeightScheme::Equal, cash).map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert!(e.components.windows(2).all(|p| p[0] >= p[1] && p[0] - p[1] <= 1));
    }

    #[test]
    fn weights_are_deterministic(scores in scores(), scheme in scheme(), cash in 0u64..WAD / 2) {
        let a = compute_weights(&scores, scheme, cash).map_err(|e| TestCaseError::fail(e.to_string()))?;
        let b = compute_weights(&scores.clone(), scheme, cash).map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(a, b);
    }
}

#[test]
fn capped_weights_redistribute_iteratively() {
    // 60/25/10/5 with a 30 % cap: the first is capped, its excess lifts the second above the cap too, the rest
    // share 40 % in proportion 10:5.
    let w = compute_weights(
        &[60, 25, 10, 5],
        WeightScheme::CappedMarketCap {
            cap_wad: 3 * WAD / 10,
        },
        0,
    )
    .expect("feasible");
    let third = 4 * WAD / 10 * 2 / 3;
    assert_eq!(w.components[0], 3 * WAD / 10);
    assert_eq!(w.components[1], 3 * WAD / 10);
    assert!(w.components[2].abs_diff(third) <= 1);
    assert_eq!(w.sum(), u128::from(WAD));
    // Infeasible cap: all at the cap, the rest in cash.
    let w = compute_weights(
        &[1, 1],
        WeightScheme::CappedMarketCap { cap_wad: WAD / 10 },
        0,
    )
    .expect("capped");
    assert_eq!(w.components, vec![WAD / 10, WAD / 10]);
    assert_eq!(w.cash, 8 * WAD / 10);
}
