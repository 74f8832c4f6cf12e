//! The pool model: expected output, the impact limit and gross-up, all in cash base units.

use crate::math::{mul_div, mul_div_up, BPS, PIPS};
use crate::Pool;

/// The expected output value of a trade of oracle value `value_in` (fee first, then constant-product impact),
/// rounded down. Zero when the pool has no depth.
pub fn swap_output_value(value_in: u128, pool: Pool) -> u128 {
    if pool.depth == 0 {
        return 0;
    }
    let after_fee = mul_div(value_in, PIPS - u128::from(pool.fee_pips), PIPS).unwrap_or(0);
    mul_div(after_fee, pool.depth, pool.depth.saturating_add(after_fee)).unwrap_or(0)
}

/// The largest input value whose expected price impact stays within `max_impact_bps`:
/// impact `x' / (depth + x') <= L` for the after-fee input `x'`, i.e. `x' <= depth * L / (1 - L)`.
pub fn max_input_value(pool: Pool, max_impact_bps: u32) -> u128 {
    let limit = u128::from(max_impact_bps).min(BPS - 1);
    let after_fee = mul_div(pool.depth, limit, BPS - limit).unwrap_or(u128::MAX);
    mul_div(
        after_fee,
        PIPS,
        PIPS - u128::from(pool.fee_pips).min(PIPS - 1),
    )
    .unwrap_or(u128::MAX)
}

/// The least input value whose expected output is at least `value_out`; `None` when the pool cannot deliver it
/// (`value_out >= depth`).
pub fn gross_input_for_output(value_out: u128, pool: Pool) -> Option<u128> {
    if value_out >= pool.depth {
        return None;
    }
    let after_fee = mul_div_up(value_out, pool.depth, pool.depth - value_out)?;
    let mut gross = mul_div_up(
        after_fee,
        PIPS,
        PIPS - u128::from(pool.fee_pips).min(PIPS - 1),
    )?;
    // Rounding can leave the output a unit short; step up until it is not (at most a couple of steps).
    while swap_output_value(gross, pool) < value_out {
        gross = gross.checked_add(1)?;
    }
    Some(gross)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn impact_limit_and_gross_up_are_consistent() {
        let pool = Pool {
            depth: 5_000_000_000_000,
            fee_pips: 3000,
        };
        let x = max_input_value(pool, 50);
        let after_fee = x * (PIPS - 3000) / PIPS;
        // Impact at the limit is at most 50 bps, one unit more exceeds it.
        assert!(after_fee * BPS <= 50 * (pool.depth + after_fee));
        let out = swap_output_value(x, pool);
        let gross = gross_input_for_output(out, pool);
        assert!(gross.is_some_and(|g| g <= x && swap_output_value(g, pool) >= out));
        assert_eq!(gross_input_for_output(pool.depth, pool), None);
        assert_eq!(
            swap_output_value(
                1_000,
                Pool {
                    depth: 0,
                    fee_pips: 0
                }
            ),
            0
        );
    }
}
