// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {BallastVault} from "../../src/BallastVault.sol";
import {IBallastVault} from "../../src/interfaces/IBallastVault.sol";
import {BlockableToken} from "../utils/weird/BlockableToken.sol";
import {AttackFixture} from "./AttackFixture.sol";

/// @notice ATTACK 7 — blocklisted receiver. A USDC-style component blocks Alice's address. If one failed transfer
/// reverted the whole `redeemInKind`, the issuer of one component (or whoever got Alice blocklisted) could lock her
/// entire position in the vault. Instead the failed amount is deferred to Alice (`InKindTransferDeferred`), the rest is
/// paid, and she claims it with `claimOwed` once unblocked. The owner cannot skim what is owed to her.
contract BlockedReceiverAttackTest is AttackFixture {
    BlockableToken internal blk;
    uint256 internal aliceShares;

    function setUp() public {
        _deployVault(2, 6);
        blk = new BlockableToken(6);
        _listWeird(address(blk), 1e8, 1e6);
        _setEqualWeights();
        aliceShares = _deposit(alice, 60_000e6);
        _deposit(bob, 60_000e6);
        _investAtTargets();
    }

    function test_attack_blockedReceiver_redeemInKindDefersAndClaimsLater() public {
        blk.setBlocked(alice, true);
        (uint256[] memory preview, uint256 previewCash) = lens.previewRedeemInKind(vault, aliceShares);
        uint256 accountedBefore = _accounted(2);

        vm.expectEmit(address(vault));
        emit IBallastVault.InKindTransferDeferred(address(blk), alice, preview[2]);
        vm.prank(alice);
        (uint256[] memory amounts, uint256 cashOut) = vault.redeemInKind(aliceShares, alice, alice);

        // Everything else was paid; the blocked token waits for her.
        assertEq(cashOut, previewCash);
        assertEq(usdc.balanceOf(alice), cashOut);
        assertEq(tokens[0].balanceOf(alice), amounts[0]);
        assertEq(tokens[1].balanceOf(alice), amounts[1]);
        assertEq(blk.balanceOf(alice), 0);
        assertEq(vault.owed(alice, address(blk)), preview[2]);
        assertEq(vault.balanceOf(alice), 0);
        assertEq(_accounted(2), accountedBefore - preview[2], "owed amount still in NAV");

        // The owner cannot skim it, and nobody else can claim it.
        vm.prank(owner);
        vm.expectRevert(IBallastVault.ZeroAmount.selector);
        vault.skim(address(blk), treasury);
        vm.prank(mallory);
        vm.expectRevert(abi.encodeWithSelector(IBallastVault.NothingOwed.selector, mallory, address(blk)));
        vault.claimOwed(address(blk), mallory);

        // While blocked, her claim reverts (and keeps the debt); once unblocked, it pays, once.
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(BlockableToken.Blocked.selector, alice));
        vault.claimOwed(address(blk), alice);
        assertEq(vault.owed(alice, address(blk)), preview[2]);

        blk.setBlocked(alice, false);
        vm.expectEmit(address(vault));
        emit IBallastVault.OwedClaimed(address(blk), alice, alice, preview[2]);
        vm.prank(alice);
        assertEq(vault.claimOwed(address(blk), alice), preview[2]);
        assertEq(blk.balanceOf(alice), preview[2]);
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(IBallastVault.NothingOwed.selector, alice, address(blk)));
        vault.claimOwed(address(blk), alice);
        assertEq(blk.balanceOf(address(vault)), _accounted(2));
    }

    function test_attack_blockedReceiver_doesNotHurtOtherHolders() public {
        blk.setBlocked(alice, true);
        uint256 ppsBefore = vault.convertToAssets(1e18);
        vm.prank(alice);
        vault.redeemInKind(aliceShares, alice, alice);
        assertApproxEqAbs(vault.convertToAssets(1e18), ppsBefore, 1, "bob's shares moved");
        // Bob, not blocked, leaves normally.
        uint256 bobShares = vault.balanceOf(bob);
        vm.prank(bob);
        (uint256[] memory amounts,) = vault.redeemInKind(bobShares, bob, bob);
        assertEq(blk.balanceOf(bob), amounts[2]);
        assertEq(blk.balanceOf(address(vault)), _accounted(2) + vault.owed(alice, address(blk)));
    }

    function test_attack_blockedAsset_cashLegDeferred() public {
        BlockableToken cashToken = new BlockableToken(6);
        BallastVault v = _deployVaultWithAsset(address(cashToken));
        cashToken.mint(alice, 10_000e6);
        vm.startPrank(alice);
        cashToken.approve(address(v), type(uint256).max);
        uint256 shares = v.deposit(10_000e6, alice);
        vm.stopPrank();
        cashToken.setBlocked(alice, true);

        // A cash redeem to her own address fails (the token refuses), but in kind the cash is deferred, not stuck.
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(BlockableToken.Blocked.selector, alice));
        v.redeem(shares, alice, alice);
        vm.prank(alice);
        (, uint256 cashOut) = v.redeemInKind(shares, alice, alice);
        assertEq(v.owed(alice, address(cashToken)), cashOut);
        vm.prank(owner);
        vm.expectRevert(IBallastVault.ZeroAmount.selector);
        v.skim(address(cashToken), treasury);
        cashToken.setBlocked(alice, false);
        vm.prank(alice);
        v.claimOwed(address(cashToken), alice);
        assertApproxEqAbs(cashToken.balanceOf(alice), 10_000e6, 1);
    }
}
