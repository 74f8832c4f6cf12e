// SPDX-License-Identifier: MIT
pragma solidity ^0.8.26;

import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";

/// @title TickMath
/// @notice Uniswap V3 tick math for Solidity 0.8: the square-root price at a tick, and the value of an amount of one
/// pool token in the other at a price, in full precision.
/// @dev A tick `t` is the price `1.0001^t` of token0 in token1 (token1 base units per token0 base unit). Pools store
/// `sqrtPriceX96 = sqrt(1.0001^t) * 2^96`. `getSqrtRatioAtTick` follows the published Uniswap V3 algorithm (whitepaper
/// section 6.2.1, `TickMath.getSqrtRatioAtTick` of v3-core): multiply the Q128.128 factors `1/sqrt(1.0001)^(2^i)` of
/// the set bits of `|t|`, invert for positive ticks, and round up to Q64.96. The factor constants are the ones the
/// deployed pools use (each within one unit of `2^128 / sqrt(1.0001)^(2^i)`), so the result is bit-exact with the
/// pools (`contracts/test/oracles/UniswapV3TwapPriceSource.t.sol` checks this against the real pool bytecode).
library TickMath {
    /// @notice The lowest tick a pool can reach: `log_1.0001(2^-128)`.
    int24 internal constant MIN_TICK = -887_272;
    /// @notice The highest tick a pool can reach.
    int24 internal constant MAX_TICK = 887_272;
    /// @notice `getSqrtRatioAtTick(MIN_TICK)`.
    uint160 internal constant MIN_SQRT_RATIO = 4_295_128_739;
    /// @notice `getSqrtRatioAtTick(MAX_TICK)`.
    uint160 internal constant MAX_SQRT_RATIO = 1_461_446_703_485_210_103_287_273_052_203_988_822_378_723_970_342;

    /// @notice `tick` is outside [`MIN_TICK`, `MAX_TICK`].
    error TickOutOfRange(int24 tick);

    /// @notice sqrt(1.0001^tick) as a Q64.96, rounded up: the `sqrtPriceX96` of a pool sitting exactly at `tick`.
    /// @param tick The tick, in [`MIN_TICK`, `MAX_TICK`].
    /// @return sqrtPriceX96 sqrt(token1 per token0) × 2^96.
    function getSqrtRatioAtTick(int24 tick) internal pure returns (uint160 sqrtPriceX96) {
        if (tick < MIN_TICK || tick > MAX_TICK) revert TickOutOfRange(tick);
        uint256 absTick = tick < 0 ? uint256(-int256(tick)) : uint256(int256(tick));
        unchecked {
            // ratio = prod over set bits i of |tick| of 1/sqrt(1.0001)^(2^i), in Q128.128. Every factor is below
            // 2^128 and ratio stays at most 2^128, so no product overflows 256 bits.
            uint256 ratio = absTick & 0x1 != 0 ? 0xfffcb933bd6fad37aa2d162d1a594001 : 1 << 128;
            if (absTick & 0x2 != 0) ratio = (ratio * 0xfff97272373d413259a46990580e213a) >> 128;
            if (absTick & 0x4 != 0) ratio = (ratio * 0xfff2e50f5f656932ef12357cf3c7fdcc) >> 128;
            if (absTick & 0x8 != 0) ratio = (ratio * 0xffe5caca7e10e4e61c3624eaa0941cd0) >> 128;
            if (absTick & 0x10 != 0) ratio = (ratio * 0xffcb9843d60f6159c9db58835c926644) >> 128;
            if (absTick & 0x20 != 0) ratio = (ratio * 0xff973b41fa98c081472e6896dfb254c0) >> 128;
            if (absTick & 0x40 != 0) ratio = (ratio * 0xff2ea16466c96a3843ec78b326b52861) >> 128;
            if (absTick & 0x80 != 0) ratio = (ratio * 0xfe5dee046a99a2a811c461f1969c3053) >> 128;
            if (absTick & 0x100 != 0) ratio = (ratio * 0xfcbe86c7900a88aedcffc83b479aa3a4) >> 128;
            if (absTick & 0x200 != 0) ratio = (ratio * 0xf987a7253ac413176f2b074cf7815e54) >> 128;
            if (absTick & 0x400 != 0) ratio = (ratio * 0xf3392b0822b70005940c7a398e4b70f3) >> 128;
            if (absTick & 0x800 != 0) ratio = (ratio * 0xe7159475a2c29b7443b29c7fa6e889d9) >> 128;
            if (absTick & 0x1000 != 0) ratio = (ratio * 0xd097f3bdfd2022b8845ad8f792aa5825) >> 128;
            if (absTick & 0x2000 != 0) ratio = (ratio * 0xa9f746462d870fdf8a65dc1f90e061e5) >> 128;
            if (absTick & 0x4000 != 0) ratio = (ratio * 0x70d869a156d2a1b890bb3df62baf32f7) >> 128;
            if (absTick & 0x8000 != 0) ratio = (ratio * 0x31be135f97d08fd981231505542fcfa6) >> 128;
            if (absTick & 0x10000 != 0) ratio = (ratio * 0x9aa508b5b7a84e1c677de54f3e99bc9) >> 128;
            if (absTick & 0x20000 != 0) ratio = (ratio * 0x5d6af8dedb81196699c329225ee604) >> 128;
            if (absTick & 0x40000 != 0) ratio = (ratio * 0x2216e584f5fa1ea926041bedfe98) >> 128;
            if (absTick & 0x80000 != 0) ratio = (ratio * 0x48a170391f7dc42444e8fa2) >> 128;

            // The factors give sqrt(1.0001^-|tick|); a positive tick is its reciprocal.
            // Uniswap V3's arithmetic, bit-exact with the pools (tested against their bytecode): the `>> 128` of each
            // factor and this inversion must stay as they are.
            // slither-disable-next-line divide-before-multiply
            if (tick > 0) ratio = type(uint256).max / ratio;

            // Q128.128 -> Q64.96, rounding up so that getTickAtSqrtRatio(getSqrtRatioAtTick(t)) == t in the pool.
            sqrtPriceX96 = uint160((ratio >> 32) + (ratio % (1 << 32) == 0 ? 0 : 1));
        }
    }

    /// @notice The value of `baseAmount` base units of one pool token in base units of the other, at `sqrtPriceX96`,
    /// rounded down. With `baseAmount = 1e36` this is the 1e36-scaled price of one base unit.
    /// @dev Full precision: the squared price is formed exactly (or to within 2^-192 relative when
    /// `sqrtPriceX96 > 2^128`) and applied with a 512-bit `mulDiv`. Reverts if the result exceeds 256 bits.
    /// @param sqrtPriceX96 sqrt(token1 per token0) × 2^96.
    /// @param baseAmount The amount to value, in base units of the base token.
    /// @param baseIsToken0 Whether the base token is the pool's token0 (then the result is in token1).
    /// @return quoteAmount The value in base units of the other token.
    function quoteAtSqrtRatio(uint160 sqrtPriceX96, uint256 baseAmount, bool baseIsToken0)
        internal
        pure
        returns (uint256 quoteAmount)
    {
        if (sqrtPriceX96 <= type(uint128).max) {
            uint256 ratioX192 = uint256(sqrtPriceX96) * sqrtPriceX96;
            quoteAmount = baseIsToken0
                ? Math.mulDiv(ratioX192, baseAmount, 1 << 192)
                : Math.mulDiv(1 << 192, baseAmount, ratioX192);
        } else {
            uint256 ratioX128 = Math.mulDiv(sqrtPriceX96, sqrtPriceX96, 1 << 64);
            quoteAmount = baseIsToken0
                ? Math.mulDiv(ratioX128, baseAmount, 1 << 128)
                : Math.mulDiv(1 << 128, baseAmount, ratioX128);
        }
    }

    /// @notice The value of `baseAmount` of `baseToken` in `quoteToken` at `tick` of their pool (as Uniswap's
    /// `OracleLibrary.getQuoteAtTick`, for any amount whose result fits 256 bits).
    /// @param tick The tick (for a TWAP: the arithmetic-mean tick).
    /// @param baseAmount The amount of `baseToken` to value, in its base units.
    /// @param baseToken The token being valued.
    /// @param quoteToken The token the value is expressed in (the pool's other token).
    /// @return quoteAmount The value in base units of `quoteToken`, rounded down.
    function getQuoteAtTick(int24 tick, uint256 baseAmount, address baseToken, address quoteToken)
        internal
        pure
        returns (uint256 quoteAmount)
    {
        return quoteAtSqrtRatio(getSqrtRatioAtTick(tick), baseAmount, baseToken < quoteToken);
    }

    /// @notice The price of one base unit of the base token in base units of the other pool token at `tick`, scaled
    /// by 1e36 (the `IPriceSource` scale), rounded down.
    /// @param tick The tick.
    /// @param baseIsToken0 Whether the base token is the pool's token0.
    /// @return price36 Quote base units per base unit × 1e36.
    function getPrice36AtTick(int24 tick, bool baseIsToken0) internal pure returns (uint256 price36) {
        return quoteAtSqrtRatio(getSqrtRatioAtTick(tick), 1e36, baseIsToken0);
    }
}
