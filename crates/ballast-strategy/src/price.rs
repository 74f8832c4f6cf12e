//! Oracle prices in the vault's 1e36 scale, as 256-bit integers, and the value math on them.
//!
//! A price is quote (cash) base units per token base unit times 1e36, as Morpho's oracles report it. It needs
//! more than 128 bits for valuable tokens with few decimals (WBTC, 8 decimals, at 100,000 USDC is `1e39`), so it
//! is a 256-bit integer; amounts and values stay `u128`. Products take up to 384 bits and are computed exactly.

use std::cmp::Ordering;
use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::math::{mul_div, mul_wide, PRICE_SCALE};
use crate::{Error, Result};

/// An oracle price: quote base units per token base unit, times 1e36, as an unsigned 256-bit integer.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Price {
    hi: u128,
    lo: u128,
}

const HALF_SCALE: u64 = 1_000_000_000_000_000_000; // 1e18; PRICE_SCALE = HALF_SCALE^2

impl Price {
    /// Zero.
    pub const ZERO: Self = Self { hi: 0, lo: 0 };

    /// A price that fits in 128 bits.
    pub const fn from_u128(value: u128) -> Self {
        Self { hi: 0, lo: value }
    }

    /// From the 32 big-endian bytes of a `uint256` (as the chain returns it).
    pub fn from_be_bytes(bytes: [u8; 32]) -> Self {
        let mut hi = [0u8; 16];
        let mut lo = [0u8; 16];
        hi.copy_from_slice(&bytes[..16]);
        lo.copy_from_slice(&bytes[16..]);
        Self {
            hi: u128::from_be_bytes(hi),
            lo: u128::from_be_bytes(lo),
        }
    }

    /// The 32 big-endian bytes of the `uint256`.
    pub fn to_be_bytes(self) -> [u8; 32] {
        let mut out = [0u8; 32];
        out[..16].copy_from_slice(&self.hi.to_be_bytes());
        out[16..].copy_from_slice(&self.lo.to_be_bytes());
        out
    }

    /// Whether the price is zero.
    pub fn is_zero(self) -> bool {
        self.hi == 0 && self.lo == 0
    }

    /// Converts the USD price of one whole token, for a token with `decimals` decimals and a quote token with
    /// `quote_decimals` decimals worth one USD: `usd · 10^(quote_decimals − decimals) · 1e36` (f64 precision).
    pub fn from_usd(usd: f64, decimals: u8, quote_decimals: u8) -> Result<Self> {
        if !usd.is_finite() || usd <= 0.0 {
            return Err(Error::invalid(
                "price",
                format!("USD price {usd} is not positive"),
            ));
        }
        let scaled = usd * 10f64.powi(36 + i32::from(quote_decimals) - i32::from(decimals));
        if !(1.0..1.0e76).contains(&scaled) {
            return Err(Error::invalid(
                "price",
                format!("USD price {usd} is out of the 1e36 scale's range"),
            ));
        }
        let two128 = 2f64.powi(128);
        let hi = (scaled / two128).floor();
        let lo = scaled - hi * two128;
        Ok(Self {
            hi: hi as u128,
            lo: lo.max(0.0) as u128,
        })
    }

    /// The value in quote base units of `amount` token base units, rounded down: `amount · price / 1e36`.
    pub fn value_of(self, amount: u128) -> Result<u128> {
        if self.hi == 0 {
            return mul_div(amount, self.lo, PRICE_SCALE).ok_or(Error::Overflow("token value"));
        }
        // 384-bit product as six 64-bit limbs (little-endian), then two exact divisions by 1e18.
        let (p1, p0) = mul_wide(amount, self.lo);
        let (p3, p2) = mul_wide(amount, self.hi);
        let mut limbs = [0u64; 6];
        let mut overflow = 0u128;
        for (value, at) in [(p0, 0usize), (p1, 2), (p2, 2), (p3, 4)] {
            overflow |= add_at(&mut limbs, at, value);
        }
        if overflow != 0 {
            return Err(Error::Overflow("token value"));
        }
        div_limbs(&mut limbs, HALF_SCALE);
        div_limbs(&mut limbs, HALF_SCALE);
        if limbs[2..].iter().any(|&l| l != 0) {
            return Err(Error::Overflow("token value"));
        }
        Ok(u128::from(limbs[0]) | (u128::from(limbs[1]) << 64))
    }

    /// The token base units worth `value` quote base units, rounded down: `value · 1e36 / price`.
    pub fn amount_for_value(self, value: u128) -> Result<u128> {
        if self.is_zero() {
            return Err(Error::invalid("price", "zero price"));
        }
        if self.hi == 0 {
            return mul_div(value, PRICE_SCALE, self.lo).ok_or(Error::Overflow("token amount"));
        }
        // value · 1e36 < 2^248 and price >= 2^128, so the quotient fits in 128 bits: long division, one bit at a
        // time, of the 256-bit numerator by the 256-bit price.
        let (n_hi, n_lo) = mul_wide(value, PRICE_SCALE);
        if (n_hi, n_lo) < (self.hi, self.lo) {
            return Ok(0);
        }
        let mut rem = Self { hi: 0, lo: n_hi };
        let mut quot = 0u128;
        for i in (0..128).rev() {
            let carry = rem.hi >> 127;
            rem = Self {
                hi: (rem.hi << 1) | (rem.lo >> 127),
                lo: (rem.lo << 1) | ((n_lo >> i) & 1),
            };
            if carry == 1 || rem >= self {
                rem = rem.wrapping_sub(self);
                quot |= 1 << i;
            }
        }
        Ok(quot)
    }

    fn wrapping_sub(self, other: Self) -> Self {
        let (lo, borrow) = self.lo.overflowing_sub(other.lo);
        Self {
            hi: self
                .hi
                .wrapping_sub(other.hi)
                .wrapping_sub(u128::from(borrow)),
            lo,
        }
    }
}

/// Adds a 128-bit `value` at 64-bit limb `at`; returns the carry out of the top limb.
fn add_at(limbs: &mut [u64; 6], at: usize, value: u128) -> u128 {
    let mut acc = 0u128;
    let parts = [value as u64, (value >> 64) as u64];
    for (k, limb) in limbs.iter_mut().enumerate().skip(at) {
        let add = parts.get(k - at).copied().unwrap_or(0);
        let sum = u128::from(*limb) + u128::from(add) + acc;
        *limb = sum as u64;
        acc = sum >> 64;
        if k > at && acc == 0 {
            break;
        }
    }
    acc
}

/// Divides the little-endian limbs in place by `d`, rounding down; returns the remainder.
fn div_limbs(limbs: &mut [u64], d: u64) -> u64 {
    let mut rem = 0u128;
    for limb in limbs.iter_mut().rev() {
        let cur = (rem << 64) | u128::from(*limb);
        *limb = (cur / u128::from(d)) as u64;
        rem = cur % u128::from(d);
    }
    rem as u64
}

impl PartialOrd for Price {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Price {
    fn cmp(&self, other: &Self) -> Ordering {
        (self.hi, self.lo).cmp(&(other.hi, other.lo))
    }
}

impl From<u128> for Price {
    fn from(value: u128) -> Self {
        Self::from_u128(value)
    }
}

impl fmt::Display for Price {
    /// Decimal digits.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.hi == 0 {
            return write!(f, "{}", self.lo);
        }
        let mut limbs = [
            self.lo as u64,
            (self.lo >> 64) as u64,
            self.hi as u64,
            (self.hi >> 64) as u64,
        ];
        let mut chunks = Vec::new();
        while limbs.iter().any(|&l| l != 0) {
            chunks.push(div_limbs(&mut limbs, 10_000_000_000_000_000_000));
        }
        let mut text = String::new();
        for (k, chunk) in chunks.iter().rev().enumerate() {
            if k == 0 {
                text.push_str(&chunk.to_string());
            } else {
                text.push_str(&format!("{chunk:019}"));
            }
        }
        f.write_str(&text)
    }
}

impl fmt::Debug for Price {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl FromStr for Price {
    type Err = Error;

    /// Parses decimal digits (a `uint256`).
    fn from_str(s: &str) -> Result<Self> {
        let bad = || Error::invalid("price", format!("`{s}` is not a decimal uint256"));
        if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
            return Err(bad());
        }
        let mut value = Self::ZERO;
        for digit in s.bytes().map(|b| u128::from(b - b'0')) {
            // value = value * 10 + digit, checked.
            let (lo_hi, lo_lo) = mul_wide(value.lo, 10);
            let hi = value
                .hi
                .checked_mul(10)
                .and_then(|h| h.checked_add(lo_hi))
                .ok_or_else(bad)?;
            let (lo, carry) = lo_lo.overflowing_add(digit);
            value = Self {
                hi: hi.checked_add(u128::from(carry)).ok_or_else(bad)?,
                lo,
            };
        }
        Ok(value)
    }
}

impl Serialize for Price {
    fn serialize<S: Serializer>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Price {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> std::result::Result<Self, D::Error> {
        let s = String::deserialize(deserializer)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wbtc_at_100k_needs_more_than_128_bits_and_values_exactly() -> Result<()> {
        let price = Price::from_usd(100_000.0, 8, 6)?;
        assert!(price > Price::from_u128(u128::MAX));
        // 2 WBTC = 200,000 USDC.
        let value = price.value_of(2 * 10u128.pow(8))?;
        let expected = 200_000 * 10u128.pow(6);
        assert!(value.abs_diff(expected) <= expected / 10u128.pow(12));
        let amount = price.amount_for_value(value)?;
        assert!(amount.abs_diff(2 * 10u128.pow(8)) <= 1);
        Ok(())
    }

    #[test]
    fn decimal_round_trip() -> Result<()> {
        let text = "1000000000000000000000000000000000000000123";
        let price: Price = text.parse()?;
        assert_eq!(price.to_string(), text);
        assert_eq!(Price::from_be_bytes(price.to_be_bytes()), price);
        assert!("12a".parse::<Price>().is_err());
        Ok(())
    }

    #[test]
    fn wide_and_narrow_paths_agree_on_the_boundary() -> Result<()> {
        // Compare the wide path on a price just over 2^128 against the exact ratio computed from a narrow one.
        let narrow = Price::from_u128(u128::MAX / 2);
        let doubled = Price {
            hi: 0,
            lo: u128::MAX - 1,
        }; // = 2 * narrow
        let amount = 10u128.pow(20);
        assert_eq!(
            doubled.value_of(amount)?,
            mul_div(amount, u128::MAX - 1, PRICE_SCALE).unwrap_or(0)
        );
        let wide = Price { hi: 1, lo: 0 }; // 2^128
        let expected = mul_div(amount, 1u128 << 127, PRICE_SCALE).unwrap_or(0) * 2;
        assert!(wide.value_of(amount)?.abs_diff(expected) <= 1);
        assert!(narrow.value_of(amount)? > 0);
        Ok(())
    }
}
