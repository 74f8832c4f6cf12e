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
///
/// Batched pricing: the vault values every held component on each entry and exit, so it prices all the components of
/// one source in one call, `prices(keys)`, by source-local keys (`priceKey(token)`, read once at listing) rather than
/// by token addresses, which keeps the token address out of the vault's valuation path.
interface IPriceSource {
    /// @notice The price of one base unit of `token` in base units of the quote asset, scaled by 1e36.
    /// @dev Reverts if the price is stale, non-positive, incomplete or `token` is not configured.
    /// @param token The token to price.
    /// @return price The price, scaled by 1e36 (see the contract-level note).
    function price(address token) external view returns (uint256 price);

    /// @notice The source-local key of `token`, for `prices`.
    /// @dev Keys are stable: once a token has a key it keeps it for the life of the source (through removals and new
    /// configurations), and no other token ever gets it, so a key stored by a caller always names the same token.
    /// Keys fit in 48 bits. Reverts if `token` has never been configured.
    /// @param token The token.
    /// @return key Its key.
    function priceKey(address token) external view returns (uint256 key);

    /// @notice The prices of the tokens whose keys are `keys`, in order, each as `price` would return it, except that
    /// a key whose price is unavailable (stale, non-positive, incomplete, not configured, unknown key, failing feed)
    /// gets 0 instead of making the call revert: one bad key never hides the others.
    /// @dev Gas: a caller grants `VaultMath.PRICE_GAS` (100,000) per key; an implementation must price every key
    /// within that, and must revert as a whole, rather than answer 0 for a key, when it is left with too little gas to
    /// price a key, so that 0 always means "this price is unavailable", never "the caller sent too little gas".
    /// @param keys The keys (see `priceKey`).
    /// @return prices One price per key, scaled by 1e36; 0 when unavailable.
    function prices(uint256[] calldata keys) external view returns (uint256[] memory prices);

    /// @notice The quote asset every price is expressed in (the vault's stablecoin).
    function quoteAsset() external view returns (address);

    /// @notice How far, in basis points, a valid price of this source may be from the market price at the moment it
    /// is read: the largest deviation threshold of its feeds (a Chainlink answer moves only when the market has moved
    /// that far from it), or the spot-to-average bound a TWAP source enforces. Fixed for the life of the source.
    /// @dev The vault keeps an anti-dilution levy on every oracle-priced entry and exit at least this large (see
    /// `IBallastVault.setLevy`), so that trading against a lagging price cannot take value from the holders.
    /// @return bps The bound, in basis points.
    function maxDeviationBps() external view returns (uint16 bps);
}
