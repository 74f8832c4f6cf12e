// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";

import {ISwapAdapter} from "../interfaces/ISwapAdapter.sol";
import {ISwapRouter} from "../interfaces/IUniswapV3.sol";

/// @title UniswapV3Adapter
/// @notice Swaps through Uniswap V3's SwapRouter, single-hop or multi-hop. The recipient is always the caller (the
/// vault) and the route carries a deadline.
/// @dev `route` is `abi.encode(uint256 deadline, bytes path)`, where `path` is Uniswap's packed path
/// `tokenIn | fee | token | fee | ... | tokenOut` (20-byte addresses, 3-byte fees). The path must start at `tokenIn` and
/// end at `tokenOut`. The adapter keeps nothing: unused input goes back to the caller.
contract UniswapV3Adapter is ISwapAdapter {
    using SafeERC20 for IERC20;

    /// @notice The route is not a valid path from `tokenIn` to `tokenOut`.
    error InvalidPath(address tokenIn, address tokenOut);
    /// @notice The route's deadline `deadline` has passed.
    error DeadlinePassed(uint256 deadline);

    /// @notice The Uniswap V3 SwapRouter.
    ISwapRouter public immutable router;

    uint256 internal constant ADDR = 20;
    uint256 internal constant HOP = 23; // fee (3) + address (20)

    constructor(ISwapRouter router_) {
        router = router_;
    }

    /// @inheritdoc ISwapAdapter
    function swap(address tokenIn, address tokenOut, uint256 amountIn, uint256 minAmountOut, bytes calldata route)
        external
        returns (uint256 amountOut)
    {
        (uint256 deadline, bytes memory path) = abi.decode(route, (uint256, bytes));
        if (block.timestamp > deadline) revert DeadlinePassed(deadline);
        _checkPath(path, tokenIn, tokenOut);

        IERC20(tokenIn).forceApprove(address(router), amountIn);
        if (path.length == ADDR + HOP) {
            amountOut = router.exactInputSingle(
                ISwapRouter.ExactInputSingleParams({
                    tokenIn: tokenIn,
                    tokenOut: tokenOut,
                    fee: _fee(path, 0),
                    recipient: msg.sender,
                    deadline: deadline,
                    amountIn: amountIn,
                    amountOutMinimum: minAmountOut,
                    sqrtPriceLimitX96: 0
                })
            );
        } else {
            amountOut = router.exactInput(
                ISwapRouter.ExactInputParams({
                    path: path,
                    recipient: msg.sender,
                    deadline: deadline,
                    amountIn: amountIn,
                    amountOutMinimum: minAmountOut
                })
            );
        }
        IERC20(tokenIn).forceApprove(address(router), 0);
        uint256 left = IERC20(tokenIn).balanceOf(address(this));
        if (left != 0) IERC20(tokenIn).safeTransfer(msg.sender, left);
    }

    function _checkPath(bytes memory path, address tokenIn, address tokenOut) internal pure {
        uint256 len = path.length;
        if (len < ADDR + HOP || (len - ADDR) % HOP != 0) revert InvalidPath(tokenIn, tokenOut);
        if (_addr(path, 0) != tokenIn || _addr(path, len - ADDR) != tokenOut) revert InvalidPath(tokenIn, tokenOut);
    }

    function _addr(bytes memory path, uint256 offset) internal pure returns (address a) {
        assembly ("memory-safe") {
            a := shr(96, mload(add(add(path, 0x20), offset)))
        }
    }

    function _fee(bytes memory path, uint256 hop) internal pure returns (uint24 f) {
        uint256 offset = ADDR + hop * HOP;
        assembly ("memory-safe") {
            f := shr(232, mload(add(add(path, 0x20), offset)))
        }
    }
}
