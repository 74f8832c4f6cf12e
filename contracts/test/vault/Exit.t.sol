// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {IERC4626} from "@openzeppelin/contracts/interfaces/IERC4626.sol";

import {IBallastVault} from "../../src/interfaces/IBallastVault.sol";
import {VaultFixture} from "../utils/VaultFixture.sol";

/// @notice withdraw and redeem (cash exits), the share lock, and the management fee.
contract ExitTest is VaultFixture {
    address internal alice = makeAddr("alice");
    address internal bob = makeAddr("bob");
    uint256 internal aliceShares;

    function setUp() public {
        _deployVault(5, 6);
        aliceShares = _deposit(alice, 10_000e6);
        _investAtTargets();
        _deposit(makeAddr("cash-provider"), 50_000e6);
    }

    function test_withdraw_burnsPreviewShares() public {
        uint256 expected = vault.previewWithdraw(1000e6);
        vm.expectEmit(true, true, true, true, address(vault));
        emit IERC4626.Withdraw(alice, alice, alice, 1000e6, expected);
        vm.prank(alice);
        uint256 shares = vault.withdraw(1000e6, alice, alice);
        assertEq(shares, expected);
        assertEq(usdc.balanceOf(alice), 1000e6);
        assertEq(vault.balanceOf(alice), aliceShares - shares);
    }

    function test_withdraw_byApprovedSpender() public {
        vm.prank(alice);
        vault.approve(bob, type(uint256).max);
        vm.prank(bob);
        vault.withdraw(500e6, bob, alice);
        assertEq(usdc.balanceOf(bob), 500e6);
    }

    function test_withdraw_unapprovedSpenderReverts() public {
        vm.prank(bob);
        vm.expectRevert();
        vault.withdraw(500e6, bob, alice);
    }

    function test_withdraw_maxSharesBound() public {
        uint256 expected = vault.previewWithdraw(1000e6);
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(IBallastVault.SharesAboveMaximum.selector, expected, expected - 1));
        vault.withdraw(1000e6, alice, alice, expected - 1);
    }

    function test_withdraw_limitedByCash() public {
        // Invest everything: no cash left for cash exits; in kind still works.
        _investAtTargets();
        uint256 cashLeft = vault.cash();
        assertEq(vault.maxWithdraw(alice), Math.min(cashLeft, vault.previewRedeem(aliceShares)));
        vm.prank(alice);
        vm.expectRevert(
            abi.encodeWithSelector(IBallastVault.ExceededMaxWithdraw.selector, alice, cashLeft + 1, cashLeft)
        );
        vault.withdraw(cashLeft + 1, alice, alice);
    }

    function test_withdraw_exitFeeToRecipient() public {
        vm.prank(owner);
        vault.setFees(0, 0, 100);
        uint256 shares = vault.previewWithdraw(1000e6);
        vm.prank(alice);
        vault.withdraw(1000e6, alice, alice);
        uint256 feeShares = vault.balanceOf(feeRecipient);
        assertEq(feeShares, shares * 100 / 10_000, "1% of the shares taken");
        assertEq(usdc.balanceOf(alice), 1000e6);
    }

    function test_redeem_paysPreviewAssets() public {
        uint256 expected = vault.previewRedeem(aliceShares / 2);
        vm.prank(alice);
        uint256 assets = vault.redeem(aliceShares / 2, alice, alice);
        assertEq(assets, expected);
        assertEq(usdc.balanceOf(alice), assets);
        assertApproxEqRel(assets, 5000e6, 1e15, "half of the deposit back at unchanged prices");
        assertLe(assets, 5000e6, "never more");
    }

    function test_redeem_minAssetsBound() public {
        uint256 expected = vault.previewRedeem(aliceShares);
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(IBallastVault.AssetsBelowMinimum.selector, expected, expected + 1));
        vault.redeem(aliceShares, alice, alice, expected + 1);
    }

    function test_redeem_followsPriceMoves() public {
        uint256 before = vault.previewRedeem(aliceShares);
        for (uint256 i; i < tokens.length; ++i) {
            _movePrice(i, 15_000); // +50%
        }
        uint256 afterMove = vault.previewRedeem(aliceShares);
        assertGt(afterMove, before, "basket up, shares worth more");
    }

    function test_redeem_stalePriceRefused_inKindStillWorks() public {
        vm.warp(block.timestamp + HEARTBEAT + 1);
        assertEq(vault.maxRedeem(alice), 0);
        assertEq(vault.maxWithdraw(alice), 0);
        vm.startPrank(alice);
        vm.expectRevert(
            abi.encodeWithSelector(IBallastVault.InvalidPrice.selector, address(tokens[0]), address(oracle))
        );
        vault.redeem(aliceShares, alice, alice);
        (uint256[] memory amounts,) = vault.redeemInKind(aliceShares, alice, alice);
        vm.stopPrank();
        assertGt(amounts[0], 0);
    }

    function test_maxRedeem_isRedeemable() public {
        _investAtTargets();
        uint256 max = vault.maxRedeem(alice);
        assertGt(max, 0);
        assertLt(max, aliceShares, "bounded by cash");
        vm.prank(alice);
        vault.redeem(max, alice, alice);
    }

    function test_shareLock_blocksEveryExitPath() public {
        vm.prank(owner);
        vault.setShareLockPeriod(1 hours);
        uint256 bobShares = _deposit(bob, 1000e6);
        (uint256 locked, uint256 unlockAt) = vault.lockedShares(bob);
        assertEq(locked, bobShares);
        assertEq(unlockAt, block.timestamp + 1 hours);
        assertEq(vault.maxRedeem(bob), 0);
        assertEq(vault.maxWithdraw(bob), 0);

        bytes memory err =
            abi.encodeWithSelector(IBallastVault.SharesLocked.selector, bob, bobShares, 0, block.timestamp + 1 hours);
        vm.startPrank(bob);
        vm.expectRevert(err);
        vault.redeem(bobShares, bob, bob);
        vm.expectRevert(err);
        vault.redeemInKind(bobShares, bob, bob);
        vm.expectRevert(err);
        vault.transfer(alice, bobShares);
        vm.stopPrank();

        vm.warp(block.timestamp + 1 hours + 1);
        _refreshFeeds();
        vm.prank(bob);
        vault.redeem(bobShares, bob, bob);
        assertEq(vault.balanceOf(bob), 0);
    }

    function test_shareLock_depositForVictimDoesNotLockOlderShares() public {
        vm.prank(owner);
        vault.setShareLockPeriod(1 hours);
        // A griefer deposits a little for alice; alice's earlier shares stay free.
        usdc.mint(bob, 10e6);
        vm.startPrank(bob);
        usdc.approve(address(vault), 10e6);
        uint256 gifted = vault.deposit(10e6, alice);
        vm.stopPrank();
        assertEq(vault.balanceOf(alice), aliceShares + gifted);
        vm.prank(alice);
        vault.transfer(bob, aliceShares);
        assertEq(vault.balanceOf(bob), aliceShares);
    }

    function test_managementFee_streamsShares() public {
        vm.prank(owner);
        vault.setFees(0.02e18, 0, 0); // 2% a year
        uint256 supply = vault.totalSupply();
        vm.warp(block.timestamp + 365 days);
        uint256 pending = vault.pendingManagementFeeShares();
        // The recipient owns 2% of the supply after the mint.
        assertApproxEqRel(Math.mulDiv(pending, 1e18, supply + pending), 0.02e18, 1e12);
        vault.accrueManagementFee();
        assertEq(vault.balanceOf(feeRecipient), pending);
        assertEq(vault.pendingManagementFeeShares(), 0);
        assertEq(vault.feeConfig().lastAccrual, block.timestamp);
    }

    function test_managementFee_includedInPreviews() public {
        vm.prank(owner);
        vault.setFees(0.05e18, 0, 0);
        vm.warp(block.timestamp + 30 days);
        _refreshFeeds();
        uint256 preview = vault.previewRedeem(aliceShares);
        vm.prank(alice);
        uint256 assets = vault.redeem(aliceShares, alice, alice);
        assertEq(assets, preview, "preview already counts the fee accrued on redeem");
    }

    function test_fuzz_withdrawThenRedeem_neverProfit(uint256 assets, uint16 exitBps) public {
        assets = bound(assets, 1, 5000e6);
        exitBps = uint16(bound(exitBps, 0, 100));
        vm.prank(owner);
        vault.setFees(0, 0, exitBps);
        uint256 valueBefore = vault.previewRedeem(aliceShares);
        vm.prank(alice);
        vault.withdraw(assets, alice, alice);
        uint256 rest = vault.balanceOf(alice);
        uint256 restValue = rest == 0 ? 0 : vault.previewRedeem(rest);
        assertLe(assets + restValue, valueBefore + 1, "splitting an exit never pays more");
    }
}
