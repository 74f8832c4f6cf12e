// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";

import {IBallastVault} from "../../src/interfaces/IBallastVault.sol";
import {VaultFixture} from "../utils/VaultFixture.sol";

/// @notice redeemInKind: the holder's guarantee. Exact pro-rata, no oracle, no keeper, works while paused.
contract RedeemInKindTest is VaultFixture {
    address internal alice = makeAddr("alice");
    uint256 internal aliceShares;

    function setUp() public {
        _deployVault(8, 6);
        aliceShares = _deposit(alice, 25_000e6);
        _investAtTargets();
    }

    function test_redeemInKind_paysExactProRata() public {
        IBallastVault.ComponentView[] memory before = vault.components();
        uint256 cashBefore = vault.cash();
        uint256 supply = vault.totalSupply();
        uint256 virtualShares = 1e12; // 18 - 6 decimals offset
        (uint256[] memory preview, uint256 previewCash) = lens.previewRedeemInKind(vault, aliceShares);

        vm.prank(alice);
        (uint256[] memory amounts, uint256 cashOut) = vault.redeemInKind(aliceShares, alice, alice);

        assertEq(cashOut, previewCash);
        assertEq(cashOut, Math.mulDiv(cashBefore, aliceShares, supply + virtualShares));
        for (uint256 i; i < tokens.length; ++i) {
            assertEq(amounts[i], preview[i], "preview");
            assertEq(amounts[i], Math.mulDiv(before[i].balance, aliceShares, supply + virtualShares), "pro-rata");
            assertEq(tokens[i].balanceOf(alice), amounts[i], "paid");
            assertEq(vault.components()[i].balance, before[i].balance - amounts[i], "accounted");
        }
        assertEq(vault.balanceOf(alice), 0);
        assertEq(usdc.balanceOf(alice), cashOut);
    }

    function test_redeemInKind_worksWhilePausedAndWithoutOracle() public {
        vm.startPrank(guardian);
        vault.setDepositsPaused(true);
        vault.setRebalancingPaused(true);
        vm.stopPrank();
        // Every feed broken: stale and then removed altogether.
        vm.warp(block.timestamp + 30 days);
        vm.startPrank(owner);
        for (uint256 i; i < tokens.length; ++i) {
            oracle.removeFeed(address(tokens[i]));
        }
        vm.stopPrank();
        (, bool valid,) = vault.nav();
        assertFalse(valid);

        vm.prank(alice);
        (uint256[] memory amounts,) = vault.redeemInKind(aliceShares, alice, alice);
        for (uint256 i; i < tokens.length; ++i) {
            assertGt(amounts[i], 0);
        }
    }

    function test_redeemInKind_exitFeeInShares() public {
        vm.prank(owner);
        vault.setFees(0, 0, 100);
        vm.prank(alice);
        vault.redeemInKind(aliceShares, alice, alice);
        assertEq(vault.balanceOf(feeRecipient), Math.mulDiv(aliceShares, 100, 10_000, Math.Rounding.Ceil));
    }

    function test_redeemInKind_byApprovedSpender_toOtherReceiver() public {
        address bob = makeAddr("bob");
        vm.prank(alice);
        vault.approve(bob, aliceShares);
        vm.prank(bob);
        (uint256[] memory amounts,) = vault.redeemInKind(aliceShares, bob, alice);
        assertEq(tokens[0].balanceOf(bob), amounts[0]);
        assertEq(vault.allowance(alice, bob), 0);
    }

    function test_redeemInKind_zeroReverts() public {
        vm.prank(alice);
        vm.expectRevert(IBallastVault.ZeroAmount.selector);
        vault.redeemInKind(0, alice, alice);
    }

    function test_redeemInKind_noStealingFromOthers() public {
        address bob = makeAddr("bob");
        uint256 bobShares = _deposit(bob, 25_000e6);
        uint256 bobValue = vault.previewRedeem(bobShares);
        vm.prank(alice);
        vault.redeemInKind(aliceShares, alice, alice);
        assertGe(vault.previewRedeem(bobShares), bobValue, "the remaining holder is not diluted");
    }

    function test_fuzz_redeemInKind_sumNeverExceedsHoldings(uint256 a, uint256 b) public {
        address bob = makeAddr("bob");
        a = bound(a, 1e6, 1e12);
        b = bound(b, 1e6, 1e12);
        _deposit(bob, a);
        _investAtTargets();
        _deposit(makeAddr("carol"), b);
        uint256 bobShares = vault.balanceOf(bob);
        (uint256[] memory pa,) = lens.previewRedeemInKind(vault, aliceShares);
        (uint256[] memory pb,) = lens.previewRedeemInKind(vault, bobShares);
        for (uint256 i; i < tokens.length; ++i) {
            assertLe(pa[i] + pb[i], vault.components()[i].balance);
        }
        vm.prank(alice);
        vault.redeemInKind(aliceShares, alice, alice);
        vm.prank(bob);
        vault.redeemInKind(bobShares, bob, bob);
        for (uint256 i; i < tokens.length; ++i) {
            assertGe(tokens[i].balanceOf(address(vault)), vault.components()[i].balance, "vault still solvent");
        }
    }
}
