// SPDX-License-Identifier: MIT
pragma solidity ^0.8.26;

import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";

/// @dev 100% in WAD.
uint256 constant WAD = 1e18;
/// @dev 100% in basis points.
uint256 constant BPS = 10_000;
/// @dev Scale of `IPriceSource.price`: quote base units per token base unit, times 1e36.
uint256 constant PRICE_SCALE = 1e36;

/// @title VaultMath
/// @notice Pure helpers of the vault: the oracle call that never reverts, and the management fee.
library VaultMath {
    using Math for uint256;

    /// @dev Largest price accepted: 2^112 quote base units per token base unit (times 1e36), absurdly far above any
    /// real price whatever the decimals (a satoshi priced in an 18-decimal stablecoin is about 1e51 on this scale).
    /// With balances below 2^128, `balance * price / 1e36` stays below 2^240, so valuing even 256 components can
    /// never overflow and `totalAssets()` never reverts.
    uint256 internal constant MAX_PRICE = 1e36 * 2 ** 112;
    /// @dev Largest fee fraction minted in one accrual (a vault left untouched for decades).
    uint256 internal constant MAX_FEE_FRACTION = WAD / 2;

    /// @dev Gas forwarded to one price source call: far above an honest source (a Chainlink proxy read costs about
    /// 15-30k, a Uniswap V3 TWAP about 30k), and a hard bound on what a misbehaving source can burn.
    uint256 internal constant PRICE_GAS = 100_000;
    /// @dev Most keys priced in one `IPriceSource.prices` call. A batch gets `PRICE_GAS` per key, all of which the
    /// caller must have left when it calls, so this bounds the headroom a caller needs above the gas it uses
    /// (16 * 100k = 1.6M) while spreading the cost of a call over up to 16 components.
    uint256 internal constant PRICE_BATCH = 16;
    /// @dev Bytes before the first key in a batch buffer: the selector and the array's offset and length words.
    uint256 internal constant BATCH_HEAD = 0x44;

    /// @dev Gas forwarded to one in-kind component transfer: far above a standard token's transfer (30-60k), and a hard
    /// bound on what a gas-burning token can take from an exit.
    uint256 internal constant TRANSFER_GAS = 200_000;

    /// @notice Not enough gas is left to give a price source its full allowance: the caller must send more gas.
    error InsufficientGasForPrice(uint256 left, uint256 needed);
    /// @notice Not enough gas is left to give a component transfer its full allowance: the caller must send more gas.
    error InsufficientGasForTransfer(uint256 left, uint256 needed);

    /// @notice Calls `source.price(token)` with `PRICE_GAS`, without reverting on anything the source does: `ok` is
    /// false when the call reverts or runs out of its allowance, returns fewer than 32 bytes, returns zero, or returns a
    /// price above `MAX_PRICE`. Only the first 32 bytes of the answer are copied (no return bomb). When the caller
    /// itself has too little gas to grant the allowance, it reverts instead, so that a failure always means the source
    /// failed and never that the caller starved it.
    function tryPrice(address source, address token) internal view returns (bool ok, uint256 p) {
        bytes4 selector = 0xaea91078; // IPriceSource.price(address)
        uint256 needed = PRICE_GAS + PRICE_GAS / 63 + 5000;
        if (gasleft() < needed) revert InsufficientGasForPrice(gasleft(), needed);
        assembly ("memory-safe") {
            let m := mload(0x40)
            mstore(m, selector)
            mstore(add(m, 0x04), token)
            ok := staticcall(PRICE_GAS, source, m, 0x24, m, 0x20)
            ok := and(ok, gt(returndatasize(), 0x1f))
            if ok { p := mload(m) }
        }
        ok = ok && p != 0 && p <= MAX_PRICE;
        if (!ok) p = 0;
    }

    /// @notice Calls `source.prices(keys)` with `PRICE_GAS` per key, without reverting on anything the source does,
    /// over a buffer that the caller laid out at `buf`: `cnt` keys, one word each, from `buf + BATCH_HEAD` (this
    /// function writes the selector and the array head before them). On success (`ok`), the answers replace the keys in
    /// place, one word each, unchecked (the caller checks each against zero and `MAX_PRICE`); `ok` is false when the call
    /// reverts, runs out of its allowance or returns less than one word per key. Only the `cnt` answer words are
    /// copied (no return bomb). Reverts with `InsufficientGasForPrice` when the caller has too little gas to grant
    /// the whole allowance, so that a failure always means the source failed and never that the caller starved it.
    function tryPrices(address source, uint256 buf, uint256 cnt) internal view returns (bool ok) {
        uint256 allowance = PRICE_GAS * cnt;
        uint256 needed = allowance + allowance / 63 + 5000;
        if (gasleft() < needed) revert InsufficientGasForPrice(gasleft(), needed);
        assembly ("memory-safe") {
            let size := shl(5, cnt)
            mstore(buf, shl(224, 0x29620778)) // IPriceSource.prices(uint256[])
            mstore(add(buf, 0x04), 0x20)
            mstore(add(buf, 0x24), cnt)
            ok := staticcall(allowance, source, buf, add(BATCH_HEAD, size), 0, 0)
            ok := and(ok, iszero(lt(returndatasize(), add(0x40, size))))
            if ok { returndatacopy(add(buf, BATCH_HEAD), 0x40, size) }
        }
    }

    /// @notice `token.transfer(to, amount)` with `TRANSFER_GAS`, without reverting on anything the token does: true
    /// when the call succeeds and returns nothing (with code at `token`) or a first word of 1, as `SafeERC20` accepts.
    /// Only the first 32 bytes of the answer are copied (no return bomb). Reverts with `InsufficientGasForTransfer` when
    /// the caller has too little gas to grant the allowance, so that a failure always means the token failed.
    function tryTransfer(address token, address to, uint256 amount) internal returns (bool ok) {
        uint256 needed = TRANSFER_GAS + TRANSFER_GAS / 63 + 5000;
        bytes4 err = InsufficientGasForTransfer.selector;
        assembly ("memory-safe") {
            let m := mload(0x40)
            if lt(gas(), needed) {
                mstore(m, err)
                mstore(add(m, 0x04), gas())
                mstore(add(m, 0x24), needed)
                revert(m, 0x44)
            }
            mstore(m, shl(224, 0xa9059cbb)) // IERC20.transfer(address,uint256)
            mstore(add(m, 0x04), to)
            mstore(add(m, 0x24), amount)
            ok := call(TRANSFER_GAS, token, 0, m, 0x44, m, 0x20)
            switch returndatasize()
            case 0 { ok := and(ok, gt(extcodesize(token), 0)) }
            default { ok := and(ok, and(gt(returndatasize(), 0x1f), eq(mload(m), 1))) }
        }
    }

    /// @notice `source.priceKey(token)` if the call succeeds with one word that fits in 48 bits; `ok` is false
    /// otherwise (the call reverts, e.g. the token is not configured, or answers too little or too large a key).
    function tryPriceKey(address source, address token) internal view returns (bool ok, uint256 key) {
        assembly ("memory-safe") {
            let m := mload(0x40)
            mstore(m, shl(224, 0xa866da91)) // IPriceSource.priceKey(address)
            mstore(add(m, 0x04), token)
            ok := staticcall(PRICE_GAS, source, m, 0x24, m, 0x20)
            ok := and(ok, gt(returndatasize(), 0x1f))
            key := mload(m)
            ok := and(ok, lt(key, shl(48, 1)))
        }
    }

    /// @notice `amount * price / 1e36`, rounded down: the value of `amount` base units at a 1e36-scaled price. Takes
    /// the cheap path when the product fits in 256 bits (always, for real balances and prices) and the 512-bit one
    /// otherwise.
    function value(uint256 amount, uint256 price) internal pure returns (uint256) {
        unchecked {
            uint256 prod = amount * price;
            if (price == 0 || prod / price == amount) return prod / PRICE_SCALE;
        }
        return amount.mulDiv(price, PRICE_SCALE);
    }

    /// @notice Shares to mint so that the fee recipient owns `feeFraction` (WAD) of the supply after the mint:
    /// `supply * f / (1 - f)`, rounded down. The fraction is capped at 50% per accrual.
    function managementFeeShares(uint256 supply, uint256 feeFraction) internal pure returns (uint256) {
        if (feeFraction == 0) return 0;
        if (feeFraction > MAX_FEE_FRACTION) feeFraction = MAX_FEE_FRACTION;
        return supply.mulDiv(feeFraction, WAD - feeFraction, Math.Rounding.Floor);
    }
}
