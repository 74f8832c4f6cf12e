//! Fixed-point conventions shared with the vault, and exact 256-bit intermediate arithmetic.
//!
//! Weights are WAD (`1e18` = 100 %). Amounts and values are `u128` base units; `mul_div` and friends compute
//! `a * b / d` through a 256-bit product, so nothing realistic overflows silently: they return `None` (or an
//! [`Error::Overflow`]) when the *result* does not fit. Prices and the value math on them live in
//! [`Price`](crate::Price).

use crate::{Error, Result};

/// One in WAD fixed point: 100 % as a weight.
pub const WAD: u64 = 1_000_000_000_000_000_000;

/// The oracle price scale: a price is quote base units per token base unit times this.
pub const PRICE_SCALE: u128 = 1_000_000_000_000_000_000_000_000_000_000_000_000;

/// Basis points in one.
pub const BPS: u128 = 10_000;

/// Pips (fee units, as Uniswap fee tiers) in one.
pub const PIPS: u128 = 1_000_000;

const LOW64: u128 = u64::MAX as u128;

/// The full 256-bit product `a * b` as `(high, low)` 128-bit halves.
pub fn mul_wide(a: u128, b: u128) -> (u128, u128) {
    let (a1, a0) = (a >> 64, a & LOW64);
    let (b1, b0) = (b >> 64, b & LOW64);
    let p00 = a0 * b0;
    let p01 = a0 * b1;
    let p10 = a1 * b0;
    let p11 = a1 * b1;
    let mid = (p00 >> 64) + (p01 & LOW64) + (p10 & LOW64);
    let low = (p00 & LOW64) | (mid << 64);
    let high = p11 + (p01 >> 64) + (p10 >> 64) + (mid >> 64);
    (high, low)
}

/// Divides the 256-bit number `(high, low)` by `d`: `Some((quotient, remainder))`, or `None` when `d` is zero or the
/// quotient does not fit in 128 bits.
pub fn div_wide(high: u128, low: u128, d: u128) -> Option<(u128, u128)> {
    if d == 0 || high >= d {
        return None;
    }
    if high == 0 {
        return Some((low / d, low % d));
    }
    // Restoring binary long division; `high < d` guarantees a 128-bit quotient.
    let mut rem = high;
    let mut quot = 0u128;
    for i in (0..128).rev() {
        let carry = rem >> 127;
        rem = (rem << 1) | ((low >> i) & 1);
        if carry == 1 || rem >= d {
            rem = rem.wrapping_sub(d);
            quot |= 1 << i;
        }
    }
    Some((quot, rem))
}

/// `floor(a * b / d)` and the remainder of the division, exactly; `None` on division by zero or overflow.
pub fn mul_div_rem(a: u128, b: u128, d: u128) -> Option<(u128, u128)> {
    let (high, low) = mul_wide(a, b);
    div_wide(high, low, d)
}

/// `floor(a * b / d)` exactly; `None` on division by zero or when the result exceeds `u128`.
pub fn mul_div(a: u128, b: u128, d: u128) -> Option<u128> {
    mul_div_rem(a, b, d).map(|(q, _)| q)
}

/// `ceil(a * b / d)` exactly; `None` on division by zero or when the result exceeds `u128`.
pub fn mul_div_up(a: u128, b: u128, d: u128) -> Option<u128> {
    let (q, r) = mul_div_rem(a, b, d)?;
    if r == 0 {
        Some(q)
    } else {
        q.checked_add(1)
    }
}

/// Compares `a * b` with `c * d` exactly.
pub fn cmp_products(a: u128, b: u128, c: u128, d: u128) -> std::cmp::Ordering {
    mul_wide(a, b).cmp(&mul_wide(c, d))
}

/// Converts a USD amount into quote base units (`quote_decimals` decimals, one USD each), rounded down; negative
/// and non-finite amounts are refused.
pub fn usd_to_units(usd: f64, quote_decimals: u8) -> Result<u128> {
    if !usd.is_finite() || usd < 0.0 {
        return Err(Error::invalid(
            "USD amount",
            format!("{usd} is not a finite non-negative amount"),
        ));
    }
    let scaled = usd * 10f64.powi(i32::from(quote_decimals));
    if scaled >= 1.0e38 {
        return Err(Error::Overflow("USD amount in base units"));
    }
    Ok(scaled as u128)
}

/// Converts quote base units back into USD (for reports only).
pub fn units_to_usd(units: u128, quote_decimals: u8) -> f64 {
    units as f64 / 10f64.powi(i32::from(quote_decimals))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wide_product_matches_native_when_it_fits() {
        let pairs = [
            (0u128, 5u128),
            (u64::MAX as u128, u64::MAX as u128),
            (123_456_789, 987_654_321),
        ];
        for (a, b) in pairs {
            assert_eq!(mul_wide(a, b), (0, a * b));
        }
    }

    #[test]
    fn mul_div_is_exact_beyond_128_bits() {
        let a = u128::MAX / 3;
        assert_eq!(mul_div(a, 1u128 << 100, 1u128 << 100), Some(a));
        assert_eq!(mul_div(u128::MAX, u128::MAX, u128::MAX), Some(u128::MAX));
        assert_eq!(mul_div(u128::MAX, 2, 1), None);
        assert_eq!(mul_div(1, 1, 0), None);
        assert_eq!(mul_div_up(10, 10, 3), Some(34));
        assert_eq!(mul_div_up(10, 9, 3), Some(30));
    }
}
