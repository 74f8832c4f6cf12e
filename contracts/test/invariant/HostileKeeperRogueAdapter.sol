// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ISwapAdapter} from "../../src/interfaces/ISwapAdapter.sol";

/// @notice A swap adapter the hostile keeper would love to use: it keeps whatever the vault sends it and pays nothing
/// back (it claims to have paid `minAmountOut`). It is NOT allow-listed, so the rebalancer must never let the vault
/// call it: `calls` counts how often it was reached and the invariant suite asserts it stays zero.
contract HostileKeeperRogueAdapter is ISwapAdapter {
    uint256 public calls;

    function swap(address, address, uint256, uint256 minAmountOut, bytes calldata) external returns (uint256) {
        ++calls;
        return minAmountOut;
    }
}
