//! Human formatting of token amounts: `12,345.67 USDC`, not base units.

use alloy::primitives::{utils::format_units, U256};

/// `v` base units of a `decimals`-decimal token, with thousands separators and at most `max_dp` decimals
/// (trailing zeros dropped, at least two decimals kept for `max_dp >= 2`): `12345670000` at 6 → `12,345.67`.
pub fn human(v: U256, decimals: u8, max_dp: usize) -> String {
    let s = format_units(v, decimals).unwrap_or_else(|_| v.to_string());
    let (int, frac) = s.split_once('.').unwrap_or((&s, ""));
    let mut grouped = String::with_capacity(int.len() + int.len() / 3);
    for (i, ch) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(ch);
    }
    let frac = if decimals == 0 { "" } else { frac };
    let mut frac: String = frac.chars().take(max_dp).collect();
    while frac.len() > 2.min(max_dp) && frac.ends_with('0') {
        frac.pop();
    }
    if frac.is_empty() {
        grouped
    } else {
        format!("{grouped}.{frac}")
    }
}

/// An amount of the vault's asset, two decimals: `12,345.67`.
pub fn money(v: U256, decimals: u8) -> String {
    human(v, decimals, 2)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn groups_thousands_and_trims() {
        assert_eq!(money(U256::from(12_345_670_000u64), 6), "12,345.67");
        assert_eq!(money(U256::from(1_000_000u64), 6), "1.00");
        assert_eq!(money(U256::from(999u64), 6), "0.00");
        assert_eq!(
            human(U256::from(123_456_789_000_000_000u64), 18, 8),
            "0.123456789".chars().take(10).collect::<String>()
        );
        assert_eq!(human(U256::from(1_234_567u64), 0, 4), "1,234,567");
        assert_eq!(human(U256::from(150_000_000u64), 8, 8), "1.50");
    }
}
