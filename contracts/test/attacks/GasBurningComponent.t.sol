// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IBallastVault} from "../../src/interfaces/IBallastVault.sol";
import {VaultMath} from "../../src/libraries/VaultMath.sol";
import {GasBurnerToken} from "../utils/weird/GasBurnerToken.sol";
import {AttackFixture} from "./AttackFixture.sol";

/// @notice FINDING 9 of the adversarial review (issue 9) — a gas-burning component. A listed token that, once switched,
/// loops in `transfer` until its gas runs out. Before the fix, `redeemInKind` paid each component with
/// `trySafeTransfer`, which forwards all the gas: the burner took 63/64 of it and the exit ran out of gas, for every
/// holder, until the owner delisted a component that could not be emptied. Now each component transfer gets
/// `VaultMath.TRANSFER_GAS`; the burner's share is deferred (claimable later) and the rest of the exit is paid.
contract GasBurningComponentAttackTest is AttackFixture {
    GasBurnerToken internal burner;
    uint256 internal aliceShares;

    function setUp() public {
        _deployVault(2, 6);
        burner = new GasBurnerToken(18);
        _listWeird(address(burner), 5e8, 1e18);
        _setEqualWeights();
        aliceShares = _deposit(alice, 60_000e6);
        _deposit(bob, 60_000e6);
        _investAtTargets();
        burner.setBurning(true);
    }

    function test_finding9_gasBurningComponentDoesNotBlockInKindExit() public {
        (uint256[] memory preview, uint256 previewCash) = lens.previewRedeemInKind(vault, aliceShares);
        vm.expectEmit(address(vault));
        emit IBallastVault.InKindTransferDeferred(address(burner), alice, preview[2]);
        vm.prank(alice);
        (uint256[] memory amounts, uint256 cashOut) = vault.redeemInKind{gas: 3_000_000}(aliceShares, alice, alice);

        assertEq(cashOut, previewCash);
        assertEq(usdc.balanceOf(alice), cashOut);
        assertEq(tokens[0].balanceOf(alice), amounts[0]);
        assertEq(tokens[1].balanceOf(alice), amounts[1]);
        assertEq(vault.owed(alice, address(burner)), preview[2], "the burner's share is not kept for alice");
        assertEq(vault.balanceOf(alice), 0);
    }

    /// @notice A caller cannot starve a transfer to make it look failed: with too little gas to grant the allowance,
    /// the exit reverts instead of deferring.
    function test_finding9_starvedTransferRevertsInsteadOfDeferring() public {
        burner.setBurning(false);
        vm.prank(alice);
        vm.expectPartialRevert(VaultMath.InsufficientGasForTransfer.selector);
        vault.redeemInKind{gas: 150_000}(aliceShares, alice, alice);
    }
}
