// SPDX-License-Identifier: MIT
pragma solidity ^0.8.26;

/// @title IPriceSource
/// @notice One interface for every price the vault uses. A source may serve many tokens (a "hub"), so the vault
/// pays for one contract per source, not one per component.
/// @dev Price scale (as in Morpho Blue's oracles): `price(token)` is the value of ONE BASE UNIT of `token` expressed
/// in BASE UNITS of the quote asset (the vault's stablecoin), multiplied by 1e36. The value of `amount` base units is
/// therefore `amount * price / 1e36`, whatever the decimals of the two tokens. A source MUST revert (with a custom
/// error naming the cause) rather than return a stale, zero or otherwise invalid price. It MUST NOT return a DEX spot
/// price: only a heartbeat-checked feed or a time-weighted average.
interface IPriceSource {
    /// @notice The price of one base unit of `token` in base units of the quote asset, scaled by 1e36.
    /// @dev Reverts if the price is stale, non-positive, incomplete or `token` is not configured.
    /// @param token The token to price.
    /// @return price The price, scaled by 1e36 (see the contract-level note).
    function price(address token) external view returns (uint256 price);

    /// @notice The quote asset every price is expressed in (the vault's stablecoin).
    function quoteAsset() external view returns (address);
}
