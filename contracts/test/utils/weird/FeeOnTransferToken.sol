// SPDX-License-Identifier: MIT
pragma solidity ^0.8.26;

import {WeirdERC20} from "./WeirdERC20.sol";

/// @notice A token that burns `feeBps` of every transfer (rounded down, as STA and PAXG-style tokens do), so the
/// receiver gets less than was sent. The fee can apply to `transfer`, to `transferFrom`, or to both.
contract FeeOnTransferToken is WeirdERC20 {
    uint256 public feeBps;
    bool public feeOnTransfer = true;
    bool public feeOnTransferFrom = true;

    constructor(uint8 decimals_, uint256 feeBps_) WeirdERC20("Fee On Transfer", "FOT", decimals_) {
        feeBps = feeBps_;
    }

    function setFee(uint256 feeBps_, bool onTransfer, bool onTransferFrom) external {
        feeBps = feeBps_;
        feeOnTransfer = onTransfer;
        feeOnTransferFrom = onTransferFrom;
    }

    function transfer(address to, uint256 amount) external returns (bool) {
        _moveWithFee(msg.sender, to, amount, feeOnTransfer);
        return true;
    }

    function transferFrom(address from, address to, uint256 amount) external returns (bool) {
        _spend(from, amount);
        _moveWithFee(from, to, amount, feeOnTransferFrom);
        return true;
    }

    function approve(address spender, uint256 amount) external returns (bool) {
        _approve(spender, amount);
        return true;
    }

    function _moveWithFee(address from, address to, uint256 amount, bool charge) internal {
        uint256 fee = charge ? amount * feeBps / 10_000 : 0;
        _move(from, to, amount);
        if (fee != 0) burn(to, fee);
    }
}
