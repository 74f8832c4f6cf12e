// SPDX-License-Identifier: MIT
pragma solidity ^0.8.26;

import {WeirdERC20} from "./WeirdERC20.sol";

/// @notice A token like USDT and BNB on mainnet: `transfer`, `transferFrom` and `approve` return NOTHING (a caller that
/// decodes a bool reverts). Failures revert. Works with SafeERC20.
contract MissingReturnToken is WeirdERC20 {
    constructor(uint8 decimals_) WeirdERC20("Missing Return", "MRT", decimals_) {}

    function transfer(address to, uint256 amount) external {
        _move(msg.sender, to, amount);
    }

    function transferFrom(address from, address to, uint256 amount) external {
        _spend(from, amount);
        _move(from, to, amount);
    }

    function approve(address spender, uint256 amount) external {
        _approve(spender, amount);
    }
}
