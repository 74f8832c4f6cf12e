// SPDX-License-Identifier: MIT
pragma solidity ^0.8.26;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";

/// @notice A constant-product pool (x * y = k, no fee) between a token and the stablecoin: the DEX spot price an
/// attacker can move with one large swap (or a flash loan). Nothing in the vault reads it.
contract SpotPool {
    IERC20 public immutable token;
    IERC20 public immutable quote;
    uint256 public reserveToken;
    uint256 public reserveQuote;

    constructor(IERC20 token_, IERC20 quote_) {
        token = token_;
        quote = quote_;
    }

    /// @notice Seeds the reserves from the caller.
    function addLiquidity(uint256 amountToken, uint256 amountQuote) external {
        token.transferFrom(msg.sender, address(this), amountToken);
        quote.transferFrom(msg.sender, address(this), amountQuote);
        reserveToken += amountToken;
        reserveQuote += amountQuote;
    }

    /// @notice Spot price: quote base units per token base unit, scaled by 1e36 (the `IPriceSource` scale).
    function spotPrice() external view returns (uint256) {
        return reserveQuote * 1e36 / reserveToken;
    }

    /// @notice Sells `amountIn` of the stablecoin for the token.
    function buyToken(uint256 amountIn) external returns (uint256 out) {
        out = reserveToken * amountIn / (reserveQuote + amountIn);
        quote.transferFrom(msg.sender, address(this), amountIn);
        token.transfer(msg.sender, out);
        reserveQuote += amountIn;
        reserveToken -= out;
    }

    /// @notice Sells `amountIn` of the token for the stablecoin.
    function sellToken(uint256 amountIn) external returns (uint256 out) {
        out = reserveQuote * amountIn / (reserveToken + amountIn);
        token.transferFrom(msg.sender, address(this), amountIn);
        quote.transfer(msg.sender, out);
        reserveToken += amountIn;
        reserveQuote -= out;
    }
}
