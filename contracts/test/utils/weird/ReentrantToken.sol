// SPDX-License-Identifier: MIT
pragma solidity ^0.8.26;

import {WeirdERC20} from "./WeirdERC20.sol";

/// @notice A token with a transfer hook (as ERC-777 and some ERC-20s with callbacks have): once armed, the next
/// `transfer` or `transferFrom` calls `target` with `data` BEFORE moving the balance, as the token's own contract
/// (an attacker that controls the token, or a hook to an attacker-chosen address). The hook fires once per arming.
/// With `bubble` the hook's failure reverts the transfer; without it the failure is recorded (`lastSuccess`,
/// `lastReturnData`) and the transfer goes on, so a test can read why the reentry failed.
contract ReentrantToken is WeirdERC20 {
    address public target;
    bytes public data;
    bool public onTransfer;
    bool public onTransferFrom;
    bool public bubble;

    bool public fired;
    bool public lastSuccess;
    bytes public lastReturnData;

    constructor(uint8 decimals_) WeirdERC20("Reentrant", "RET", decimals_) {}

    /// @notice Arms the hook: the next matching transfer calls `target_` with `data_`.
    function arm(address target_, bytes calldata data_, bool onTransfer_, bool onTransferFrom_, bool bubble_) external {
        target = target_;
        data = data_;
        onTransfer = onTransfer_;
        onTransferFrom = onTransferFrom_;
        bubble = bubble_;
        fired = false;
    }

    /// @notice Disarms the hook.
    function disarm() external {
        target = address(0);
    }

    function transfer(address to, uint256 amount) external returns (bool) {
        if (onTransfer) _hook();
        _move(msg.sender, to, amount);
        return true;
    }

    function transferFrom(address from, address to, uint256 amount) external returns (bool) {
        if (onTransferFrom) _hook();
        _spend(from, amount);
        _move(from, to, amount);
        return true;
    }

    function approve(address spender, uint256 amount) external returns (bool) {
        _approve(spender, amount);
        return true;
    }

    function _hook() internal {
        if (fired || target == address(0)) return;
        fired = true;
        (bool ok, bytes memory ret) = target.call(data);
        lastSuccess = ok;
        lastReturnData = ret;
        if (!ok && bubble) {
            assembly ("memory-safe") {
                revert(add(ret, 0x20), mload(ret))
            }
        }
    }
}
