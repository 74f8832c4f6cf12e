// SPDX-License-Identifier: MIT
pragma solidity ^0.8.26;

import {WeirdERC20} from "./WeirdERC20.sol";

/// @notice A token that signals failure by returning `false` instead of reverting (as ZRX and some early tokens do): a
/// transfer the sender cannot afford, or a `transferFrom` beyond the allowance, moves nothing and returns `false`. A
/// caller that ignores the return value believes it was paid. With `setBroken(true)` every transfer returns `false`
/// and moves nothing (solmate's ReturnsFalseToken).
contract ReturnsFalseToken is WeirdERC20 {
    bool public broken;

    constructor(uint8 decimals_) WeirdERC20("Returns False", "RFT", decimals_) {}

    function setBroken(bool broken_) external {
        broken = broken_;
    }

    function transfer(address to, uint256 amount) external returns (bool) {
        if (broken || balanceOf[msg.sender] < amount) return false;
        _move(msg.sender, to, amount);
        return true;
    }

    function transferFrom(address from, address to, uint256 amount) external returns (bool) {
        if (broken || balanceOf[from] < amount || allowance[from][msg.sender] < amount) return false;
        _spend(from, amount);
        _move(from, to, amount);
        return true;
    }

    function approve(address spender, uint256 amount) external returns (bool) {
        _approve(spender, amount);
        return true;
    }
}
