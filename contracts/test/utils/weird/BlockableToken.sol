// SPDX-License-Identifier: MIT
pragma solidity ^0.8.26;

import {WeirdERC20} from "./WeirdERC20.sol";

/// @notice A USDC/USDT-style token with a blocklist: any transfer from or to a blocked address reverts.
contract BlockableToken is WeirdERC20 {
    error Blocked(address account);

    mapping(address account => bool) public blocked;

    constructor(uint8 decimals_) WeirdERC20("Blockable", "BLK", decimals_) {}

    function setBlocked(address account, bool isBlocked) external {
        blocked[account] = isBlocked;
    }

    function transfer(address to, uint256 amount) external returns (bool) {
        _check(msg.sender, to);
        _move(msg.sender, to, amount);
        return true;
    }

    function transferFrom(address from, address to, uint256 amount) external returns (bool) {
        _check(from, to);
        _spend(from, amount);
        _move(from, to, amount);
        return true;
    }

    function approve(address spender, uint256 amount) external returns (bool) {
        _approve(spender, amount);
        return true;
    }

    function _check(address from, address to) internal view {
        if (blocked[from]) revert Blocked(from);
        if (blocked[to]) revert Blocked(to);
    }
}
