// SPDX-License-Identifier: MIT
pragma solidity ^0.8.26;

import {WeirdERC20} from "./WeirdERC20.sol";

/// @notice A token that behaves until switched, then burns every unit of gas a `transfer` is given (an endless loop):
/// models a hostile or broken component whose transfers cannot complete, to test that it cannot block in-kind exits.
contract GasBurnerToken is WeirdERC20 {
    bool public burning;

    constructor(uint8 decimals_) WeirdERC20("Gas Burner", "BURN", decimals_) {}

    function setBurning(bool on) external {
        burning = on;
    }

    function transfer(address to, uint256 amount) external returns (bool) {
        if (burning) {
            uint256 x;
            while (true) {
                x = uint256(keccak256(abi.encode(x)));
            }
        }
        _move(msg.sender, to, amount);
        return true;
    }

    function transferFrom(address from, address to, uint256 amount) external returns (bool) {
        _spend(from, amount);
        _move(from, to, amount);
        return true;
    }

    function approve(address spender, uint256 amount) external returns (bool) {
        _approve(spender, amount);
        return true;
    }
}
