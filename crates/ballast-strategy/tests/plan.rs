//! Properties of the trade plan.

mod common;

use ballast_strategy::{
    apply_expected, plan_trades, LegStatus, Plan, PlanConfig, PlanInput, Regime, Side, WAD,
};
use proptest::prelude::*;

fn config(min_trade_value: u128) -> PlanConfig {
    PlanConfig {
        min_trade_value,
        ..PlanConfig::default()
    }
}

/// Statuses under which a leg may legitimately end outside its band.
fn excused(status: LegStatus) -> bool {
    matches!(
        status,
        LegStatus::BelowMinTrade
            | LegStatus::NoLiquidity
            | LegStatus::LiquidityLimited
            | LegStatus::Scaled
    )
}

fn check_lands_in_band(
    input: &PlanInput,
    plan: &Plan,
    min_trade: u128,
) -> Result<(), TestCaseError> {
    let after = apply_expected(input, plan).map_err(|e| TestCaseError::fail(e.to_string()))?;
    for (leg, p) in plan.legs.iter().zip(&after.positions) {
        let value = p
            .price
            .value_of(p.balance)
            .map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(value, leg.expected_value);
        let deviation = value.abs_diff(leg.target_value);
        if excused(leg.status) {
            if leg.status == LegStatus::BelowMinTrade {
                prop_assert!(leg.value.abs_diff(leg.target_value) < min_trade.max(1));
            }
            continue;
        }
        prop_assert!(
            deviation <= leg.band_value,
            "leg {:?} ends {} from target, band {}",
            leg.status,
            deviation,
            leg.band_value
        );
    }
    prop_assert_eq!(after.cash.balance, plan.cash_expected);
    let cash = after.cash.balance;
    let in_band = |over: bool| {
        plan.legs
            .iter()
            .filter(move |l| l.status == LegStatus::InBand && (l.value > l.target_value) == over)
    };
    if cash + plan.cash_band < plan.cash_target {
        // Cash short: only when no in-band overweight was big enough to sell, or buys were scaled.
        let scaled = plan.legs.iter().any(|l| l.status == LegStatus::Scaled);
        prop_assert!(
            scaled || in_band(true).all(|l| l.value - l.target_value < min_trade.max(1)),
            "cash short by {}",
            plan.cash_target - cash
        );
    }
    if cash > plan.cash_target + plan.cash_band {
        // Cash long: only when no in-band underweight was big enough to buy, or a move was limited or skipped.
        let limited = plan.legs.iter().any(|l| excused(l.status));
        prop_assert!(
            limited || in_band(false).all(|l| l.target_value - l.value < min_trade.max(1)),
            "cash long by {}",
            cash - plan.cash_target
        );
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn applying_the_plan_lands_every_weight_inside_its_band(input in common::vault(30.0..200.0)) {
        let plan = plan_trades(&input, Regime::RiskOn, &config(0)).map_err(|e| TestCaseError::fail(e.to_string()))?;
        check_lands_in_band(&input, &plan, 0)?;
        // Pools this deep (10 chunks at the 50 bps limit move 15% of NAV or more) never limit a move.
        prop_assert!(plan.legs.iter().all(|l| l.status != LegStatus::LiquidityLimited));
    }

    #[test]
    fn with_a_minimum_trade_only_small_moves_are_skipped(input in common::vault(2.0..50.0), min_usd in 1.0f64..5_000.0) {
        let min_trade = (min_usd * 1e6) as u128;
        let plan = plan_trades(&input, Regime::RiskOn, &config(min_trade)).map_err(|e| TestCaseError::fail(e.to_string()))?;
        check_lands_in_band(&input, &plan, min_trade)?;
        for t in &plan.trades {
            let leg = plan.legs.iter().find(|l| l.token == t.component).expect("leg of trade");
            let total: u128 = plan.trades.iter().filter(|u| u.component == t.component).map(|u| u.value_in).sum();
            prop_assert!(total >= min_trade || leg.status == LegStatus::Scaled);
        }
    }

    #[test]
    fn no_trade_moves_a_component_away_from_its_target(input in common::vault(0.01..20.0)) {
        let plan = plan_trades(&input, Regime::RiskOn, &config(0)).map_err(|e| TestCaseError::fail(e.to_string()))?;
        let mut balances: Vec<u128> = input.positions.iter().map(|p| p.balance).collect();
        for t in &plan.trades {
            let k = input.positions.iter().position(|p| p.token == t.component).expect("known component");
            let p = &input.positions[k];
            let target = plan.legs[k].target_value;
            let before = p.price.value_of(balances[k]).expect("value");
            balances[k] = match t.side {
                Side::Sell => balances[k] - t.amount_in,
                Side::Buy => balances[k] + t.expected_out,
            };
            let after = p.price.value_of(balances[k]).expect("value");
            prop_assert!(after.abs_diff(target) <= before.abs_diff(target), "trade moved {} away from target", t.component);
            match t.side {
                Side::Sell => prop_assert!(after >= target && before > target),
                Side::Buy => prop_assert!(after <= target + 2 * u128::from(t.chunks) && before < target),
            }
            prop_assert!(t.expected_out >= t.min_out);
        }
    }

    #[test]
    fn the_plan_is_identical_for_identical_input_in_any_order(input in common::vault(0.05..20.0), seed in any::<u64>()) {
        let cfg = config(100_000_000);
        let a = plan_trades(&input, Regime::RiskOn, &cfg).map_err(|e| TestCaseError::fail(e.to_string()))?;
        let b = plan_trades(&input.clone(), Regime::RiskOn, &cfg).map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(&a, &b);
        // Shuffling the positions changes nothing but the order of the legs.
        let mut shuffled = input.clone();
        let n = shuffled.positions.len();
        for k in (1..n).rev() {
            shuffled.positions.swap(k, (seed as usize ^ k.wrapping_mul(2_654_435_761)) % (k + 1));
        }
        let c = plan_trades(&shuffled, Regime::RiskOn, &cfg).map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(&a.trades, &c.trades);
        prop_assert_eq!(&a.batches, &c.batches);
    }

    #[test]
    fn sells_come_first_and_batches_respect_the_gas_budget(input in common::vault(0.01..5.0)) {
        let cfg = PlanConfig { tx_gas_budget: 1_000_000, max_chunks: 6, ..config(0) };
        let plan = plan_trades(&input, Regime::RiskOn, &cfg).map_err(|e| TestCaseError::fail(e.to_string()))?;
        let first_buy = plan.trades.iter().position(|t| t.side == Side::Buy).unwrap_or(plan.trades.len());
        prop_assert!(plan.trades[first_buy..].iter().all(|t| t.side == Side::Buy));
        let mut next = 0;
        for b in &plan.batches {
            prop_assert_eq!(b.first, next);
            prop_assert!(b.len > 0 && b.gas <= cfg.tx_gas_budget);
            let trades = &plan.trades[b.first..b.first + b.len];
            for (k, t) in trades.iter().enumerate() {
                prop_assert!(trades[..k].iter().all(|u| u.component != t.component));
            }
            next += b.len;
        }
        prop_assert_eq!(next, plan.trades.len());
        prop_assert_eq!(plan.gas, plan.batches.iter().map(|b| b.gas).sum::<u64>());
    }

    #[test]
    fn risk_off_sells_everything_worth_a_trade(input in common::vault(0.5..50.0)) {
        let plan = plan_trades(&input, Regime::RiskOff, &config(0)).map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(plan.cash_target, plan.nav);
        prop_assert!(plan.trades.iter().all(|t| t.side == Side::Sell));
        let after = apply_expected(&input, &plan).map_err(|e| TestCaseError::fail(e.to_string()))?;
        for ((p, leg), before) in after.positions.iter().zip(&plan.legs).zip(&input.positions) {
            match leg.status {
                LegStatus::Exit => prop_assert_eq!(p.balance, 0),
                LegStatus::LiquidityLimited => prop_assert!(p.balance < before.balance),
                // Dust worth less than one cash unit is not worth a trade.
                LegStatus::BelowMinTrade | LegStatus::InBand => prop_assert_eq!(leg.value, 0),
                other => prop_assert!(false, "unexpected status {:?} under risk-off", other),
            }
        }
    }
}

#[test]
fn weights_not_summing_to_wad_are_refused() {
    let mut input = PlanInput {
        cash: ballast_strategy::CashLeg {
            token: ballast_strategy::Address::from_low_u64(1),
            balance: 1_000_000,
            target_wad: WAD - 1,
        },
        positions: Vec::new(),
    };
    assert!(matches!(
        plan_trades(&input, Regime::RiskOn, &PlanConfig::default()),
        Err(ballast_strategy::Error::WeightSum { .. })
    ));
    input.cash.target_wad = WAD;
    let plan = plan_trades(&input, Regime::RiskOn, &PlanConfig::default()).expect("all-cash plan");
    assert!(plan.trades.is_empty());
}
