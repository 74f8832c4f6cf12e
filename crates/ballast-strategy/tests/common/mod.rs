//! Shared proptest strategies.

#![allow(dead_code, unreachable_pub)]

use ballast_strategy::{
    compute_weights, Address, CashLeg, PlanInput, Pool, Position, Price, WeightScheme, WAD,
};
use proptest::prelude::*;

/// A random vault: 1–24 components with mixed decimals and prices, random balances and targets (cash included),
/// pools `depth_factor` times the NAV deep.
pub fn vault(depth_factor: std::ops::Range<f64>) -> impl Strategy<Value = PlanInput> {
    (1usize..24)
        .prop_flat_map(move |n| {
            (
                prop::collection::vec(
                    (
                        prop::sample::select(vec![6u8, 8, 18]),
                        -2.0f64..5.0,              // log10 of the USD price
                        0.0f64..1.0,               // share of the holdings' value
                        0u128..1_000,              // target score
                        prop::bool::weighted(0.2), // empty holding
                    ),
                    n,
                ),
                1.0e4f64..1.0e8, // NAV in USD
                0.0f64..0.3,     // share of cash in the holdings
                prop::sample::select(vec![0u64, 10_000_000_000_000_000, 50_000_000_000_000_000]),
                depth_factor.clone(),
                prop::sample::select(vec![100u32, 500, 3000]),
            )
        })
        .prop_map(|(legs, nav_usd, cash_share, cash_wad, depth_factor, fee)| {
            let mut scores: Vec<u128> = legs.iter().map(|l| l.3).collect();
            if scores.iter().all(|&s| s == 0) {
                scores[0] = 1;
            }
            let weights =
                compute_weights(&scores, WeightScheme::MarketCap, cash_wad).expect("valid weights");
            let total_share: f64 = legs
                .iter()
                .filter(|l| !l.4)
                .map(|l| l.2)
                .sum::<f64>()
                .max(1e-9);
            let positions = legs
                .iter()
                .enumerate()
                .map(|(k, &(decimals, log_price, share, _, empty))| {
                    let usd = 10f64.powf(log_price);
                    let price = Price::from_usd(usd, decimals, 6).expect("price in range");
                    let value_usd = if empty {
                        0.0
                    } else {
                        nav_usd * (1.0 - cash_share) * share / total_share
                    };
                    let balance = (value_usd / usd * 10f64.powi(i32::from(decimals))) as u128;
                    Position {
                        token: Address::from_low_u64(1000 + k as u64),
                        balance,
                        price,
                        target_wad: weights.components[k],
                        pool: Pool {
                            depth: ((nav_usd * depth_factor) * 1e6) as u128,
                            fee_pips: fee,
                        },
                    }
                })
                .collect();
            let cash = CashLeg {
                token: Address::from_low_u64(1),
                balance: (nav_usd * cash_share * 1e6) as u128,
                target_wad: weights.cash,
            };
            debug_assert_eq!(weights.sum(), u128::from(WAD));
            PlanInput { cash, positions }
        })
}
