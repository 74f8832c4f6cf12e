// SPDX-License-Identifier: MIT
pragma solidity ^0.8.26;

/// @title ISwapAdapter
/// @notice A DEX adapter the vault trades through. The vault sends `amountIn` of `tokenIn` to the adapter, then calls
/// `swap`; the adapter MUST send every unit of `tokenOut` it obtains to `msg.sender` (the vault) and MUST send back any
/// `tokenIn` it did not use. The vault measures both balance changes itself and never trusts the return value alone.
interface ISwapAdapter {
    /// @notice Swaps `amountIn` of `tokenIn`, already held by the adapter, for at least `minAmountOut` of `tokenOut`,
    /// paid to `msg.sender`.
    /// @param tokenIn The token sold.
    /// @param tokenOut The token bought.
    /// @param amountIn The amount sold.
    /// @param minAmountOut The least acceptable amount bought (the vault derives it from oracle prices).
    /// @param route Adapter-specific route (for Uniswap V3: the packed path of tokens and fee tiers).
    /// @return amountOut The amount of `tokenOut` sent to `msg.sender`.
    function swap(address tokenIn, address tokenOut, uint256 amountIn, uint256 minAmountOut, bytes calldata route)
        external
        returns (uint256 amountOut);
}
