// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {BallastVault} from "../../src/BallastVault.sol";

/// @notice The vault plus test-only hooks that stand in for rebalancing trades (which move balances between the cash
/// leg and components). Used by the fixture to put a vault in an "invested" state; never deployed outside tests.
contract BallastVaultHarness is BallastVault {
    bool internal _harnessChangeDelayOff;

    constructor(InitParams memory p) BallastVault(p) {}

    /// @dev Switches the change delay off (or back on) for the vault and, through it, its rebalancer.
    function harnessSetChangeDelayOff(bool off) external {
        _harnessChangeDelayOff = off;
    }

    function _changeDelayActive() internal view override returns (bool) {
        return !_harnessChangeDelayOff && super._changeDelayActive();
    }

    /// @dev Sets the accounted balance of component `token` (below 2^128). The caller must make the real balance match.
    function harnessSetBalance(address token, uint256 amount) external {
        _book(token, amount);
    }

    /// @dev Sets the accounted cash. The caller must make the real balance match.
    function harnessSetCash(uint256 amount) external {
        _cash = amount;
    }
}
