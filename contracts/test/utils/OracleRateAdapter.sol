// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";

import {ISwapAdapter} from "../../src/interfaces/ISwapAdapter.sol";
import {IPriceSource} from "../../src/interfaces/IPriceSource.sol";
import {MockERC20} from "./MockERC20.sol";

/// @notice TEST DOUBLE for the rebalancer's bound tests: fills every swap at exactly the oracle price minus
/// `slippageBps` (or plus, when negative), minting the output and burning the input, so a test can put a trade's output
/// one unit either side of a bound. Trades on real Uniswap V3 pools are tested with the real adapter elsewhere.
/// Misbehaviours to test the vault's own checks: `keepInput` (does not consume the input, keeps it), `shortPay`.
contract OracleRateAdapter is ISwapAdapter {
    IPriceSource public immutable oracle;
    address public immutable quote;
    int256 public slippageBps;
    uint256 public shortPay;

    constructor(IPriceSource oracle_) {
        oracle = oracle_;
        quote = oracle_.quoteAsset();
    }

    function setSlippageBps(int256 bps) external {
        slippageBps = bps;
    }

    function setShortPay(uint256 units) external {
        shortPay = units;
    }

    function swap(address tokenIn, address tokenOut, uint256 amountIn, uint256 minAmountOut, bytes calldata)
        external
        returns (uint256 amountOut)
    {
        uint256 value = tokenIn == quote ? amountIn : Math.mulDiv(amountIn, oracle.price(tokenIn), 1e36);
        uint256 fair = tokenOut == quote ? value : Math.mulDiv(value, 1e36, oracle.price(tokenOut));
        amountOut = uint256(int256(fair) * (10_000 - slippageBps) / 10_000);
        amountOut = amountOut > shortPay ? amountOut - shortPay : 0;
        minAmountOut; // the vault checks the bound itself, by its own balances
        MockERC20(tokenIn).burn(address(this), IERC20(tokenIn).balanceOf(address(this)));
        MockERC20(tokenOut).mint(msg.sender, amountOut);
    }
}
