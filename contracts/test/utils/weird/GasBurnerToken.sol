// SPDX-License-Identifier: MIT
pragma solidity ^0.8.26;

import {MockERC20} from "../MockERC20.sol";

/// @notice A token that behaves until switched, then burns every unit of gas a `transfer` is given (an endless loop):
/// models a hostile or broken component whose transfers cannot complete, to test that it cannot block in-kind exits.
contract GasBurnerToken is MockERC20 {
    bool public burning;

    constructor(uint8 decimals_) MockERC20("Gas Burner", "BURN", decimals_) {}

    function setBurning(bool on) external {
        burning = on;
    }

    function transfer(address to, uint256 amount) public override returns (bool) {
        if (burning) {
            uint256 x;
            while (true) {
                x = uint256(keccak256(abi.encode(x)));
            }
        }
        return super.transfer(to, amount);
    }
}
