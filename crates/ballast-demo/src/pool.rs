//! Uniswap V3 price math for the arbitrageur: the `sqrtPriceX96` of a token/quote pool at an oracle price.

use alloy::primitives::{U256, U512};

/// `getSqrtRatioAtTick(MIN_TICK)`.
pub const MIN_SQRT_RATIO: U256 = U256::from_limbs([4_295_128_739, 0, 0, 0]);

/// `getSqrtRatioAtTick(MAX_TICK)` = 1461446703485210103287273052203988822378723970342.
pub fn max_sqrt_ratio() -> U256 {
    U256::from_limbs([0x5d95_1d52_6398_8d26, 0xefd1_fc6a_5064_8849, 0xfffd_8963, 0])
}

/// The `sqrtPriceX96` at which one base unit of `token` is worth `price36 / 1e36` base units of `quote` (rounded
/// down, clamped strictly inside the valid range so it works as a swap's price limit), for the pool of the two.
/// `token_is_token0` is `token < quote`.
pub fn sqrt_price_x96(price36: U256, token_is_token0: bool) -> U256 {
    let scale = U512::from(10u64).pow(U512::from(36u64));
    let q192 = U512::from(1u64) << 192;
    let p = U512::from(price36);
    let ratio = if token_is_token0 {
        // token1 (quote) per token0 = price36 / 1e36
        p * q192 / scale
    } else if p.is_zero() {
        U512::MAX
    } else {
        // token1 (token) per token0 (quote) = 1e36 / price36
        q192 * scale / p
    };
    let root = ratio.root(2);
    let min = MIN_SQRT_RATIO + U256::from(1u64);
    let max = max_sqrt_ratio() - U256::from(1u64);
    if root <= U512::from(MIN_SQRT_RATIO) {
        return min;
    }
    if root >= U512::from(max_sqrt_ratio()) {
        return max;
    }
    U256::from(root)
}

/// The 1e36 price of one base unit of `token` at `sqrt_x96` (the inverse of [`sqrt_price_x96`], rounded down).
pub fn price36_at(sqrt_x96: U256, token_is_token0: bool) -> U256 {
    let scale = U512::from(10u64).pow(U512::from(36u64));
    let sq = U512::from(sqrt_x96) * U512::from(sqrt_x96);
    let q192 = U512::from(1u64) << 192;
    let p = if token_is_token0 {
        sq * scale / q192
    } else if sq.is_zero() {
        U512::ZERO
    } else {
        q192 * scale / sq
    };
    U256::from(p)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn e(n: u64) -> U256 {
        U256::from(10u64).pow(U256::from(n))
    }

    #[test]
    fn max_ratio_matches_uniswap() {
        assert_eq!(
            max_sqrt_ratio().to_string(),
            "1461446703485210103287273052203988822378723970342"
        );
    }

    #[test]
    fn one_to_one_is_two_to_the_96() {
        assert_eq!(sqrt_price_x96(e(36), true), U256::from(1u64) << 96);
        assert_eq!(sqrt_price_x96(e(36), false), U256::from(1u64) << 96);
    }

    #[test]
    fn round_trips_within_rounding() {
        // WBTC (8 decimals) at 65,000 USDC: 650 USDC base units per satoshi.
        let wbtc = U256::from(650u64) * e(36);
        // SHIB-like (18 decimals) at 0.00002 USDC: 2e-17 USDC base units per base unit.
        let shib = U256::from(2u64) * e(19);
        for p in [wbtc, shib, e(30)] {
            for zero in [true, false] {
                let back = price36_at(sqrt_price_x96(p, zero), zero);
                let diff = back.abs_diff(p);
                assert!(
                    diff * U256::from(1_000_000u64) <= p,
                    "{p} -> {back} ({zero})"
                );
            }
        }
    }
}
