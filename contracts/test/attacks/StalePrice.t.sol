// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IBallastVault} from "../../src/interfaces/IBallastVault.sol";
import {AttackFixture} from "./AttackFixture.sol";

/// @notice ATTACK 2 — stale or broken price. A feed stops updating (or answers an incomplete round, zero, a negative
/// number, or its token is unconfigured): Mallory would like to enter or leave at the last good price while the real
/// one has moved. Every cash path (deposit, mint, withdraw, redeem) refuses with `InvalidPrice(token, source)` and
/// their `max*` say 0; `totalAssets` still answers (the broken component counts as zero); Alice can still leave in kind.
contract StalePriceAttackTest is AttackFixture {
    uint256 internal aliceShares;

    function setUp() public {
        _deployVault(3, 6);
        aliceShares = _deposit(alice, 100_000e6);
        _investAtTargets();
        usdc.mint(mallory, 1_000_000e6);
        vm.prank(mallory);
        usdc.approve(address(vault), type(uint256).max);
    }

    function test_attack_staleFeed_closesCashPaths() public {
        vm.warp(block.timestamp + HEARTBEAT + 1);
        feeds[0].setAnswer(_answer(0)); // tokens 0 and 2 fresh, token 1 stale
        feeds[2].setAnswer(_answer(2));
        _assertCashPathsClosed(1);
    }

    function test_attack_incompleteRound_closesCashPaths() public {
        (uint80 roundId,,,,) = feeds[2].latestRoundData();
        feeds[2].setAnsweredInRound(uint56(roundId - 1));
        _assertCashPathsClosed(2);
    }

    function test_attack_zeroAnswer_closesCashPaths() public {
        feeds[0].setAnswer(0);
        _assertCashPathsClosed(0);
    }

    function test_attack_negativeAnswer_closesCashPaths() public {
        feeds[1].setAnswer(-1);
        _assertCashPathsClosed(1);
    }

    function test_attack_futureTimestamp_closesCashPaths() public {
        feeds[0].setAnswerAt(_answer(0), block.timestamp + 1);
        _assertCashPathsClosed(0);
    }

    function test_attack_unconfiguredFeed_closesCashPaths() public {
        vm.prank(owner);
        oracle.removeFeed(address(tokens[2]));
        _assertCashPathsClosed(2);
    }

    function test_attack_staleFeed_recoveryReopensCashPaths() public {
        vm.warp(block.timestamp + HEARTBEAT + 1);
        assertEq(vault.maxDeposit(mallory), 0);
        _refreshFeeds();
        assertEq(vault.maxDeposit(mallory), type(uint256).max);
        vm.prank(mallory);
        assertGt(vault.deposit(1000e6, mallory), 0);
        assertGt(vault.maxRedeem(alice), 0);
        vm.prank(alice);
        assertGt(vault.withdraw(1000e6, alice, alice), 0);
    }

    /// @notice A broken feed of a component the vault holds none of is not read: the vault stays open.
    function test_staleFeedOfEmptyComponent_doesNotCloseTheVault() public {
        _addComponent(18, 5e8); // listed, zero balance
        vm.warp(block.timestamp + HEARTBEAT + 1);
        _refreshFeedsExceptLast();
        (, bool valid,) = vault.nav();
        assertTrue(valid);
        vm.prank(mallory);
        assertGt(vault.deposit(1000e6, mallory), 0);
    }

    /// @dev The story for component `i` whose price just broke.
    function _assertCashPathsClosed(uint256 i) internal {
        address token = address(tokens[i]);
        bytes memory err = abi.encodeWithSelector(IBallastVault.InvalidPrice.selector, token, address(oracle));

        // Views keep answering: NAV counts the broken component as zero and names it.
        (uint256 nav, bool valid, address invalid) = vault.nav();
        assertFalse(valid);
        assertEq(invalid, token);
        uint256 priced = vault.cash();
        for (uint256 j; j < tokens.length; ++j) {
            if (j != i) priced += _accounted(j) * oracle.price(address(tokens[j])) / 1e36;
        }
        assertApproxEqAbs(nav, priced, tokens.length, "the broken component must count as zero");
        assertEq(vault.totalAssets(), nav);
        assertGt(vault.convertToShares(1e6), 0);
        assertGt(vault.convertToAssets(1e18), 0);

        // Every max* is 0 ...
        assertEq(vault.maxDeposit(mallory), 0, "maxDeposit");
        assertEq(vault.maxMint(mallory), 0, "maxMint");
        assertEq(vault.maxWithdraw(alice), 0, "maxWithdraw");
        assertEq(vault.maxRedeem(alice), 0, "maxRedeem");

        // ... and every cash path (and its preview) names the token and the source.
        vm.startPrank(mallory);
        vm.expectRevert(err);
        vault.deposit(1000e6, mallory);
        vm.expectRevert(err);
        vault.deposit(1000e6, mallory, 0);
        vm.expectRevert(err);
        vault.mint(1e18, mallory);
        vm.expectRevert(err);
        vault.mint(1e18, mallory, type(uint256).max);
        vm.stopPrank();
        vm.startPrank(alice);
        vm.expectRevert(err);
        vault.withdraw(1000e6, alice, alice);
        vm.expectRevert(err);
        vault.withdraw(1000e6, alice, alice, type(uint256).max);
        vm.expectRevert(err);
        vault.redeem(1e18, alice, alice);
        vm.expectRevert(err);
        vault.redeem(1e18, alice, alice, 0);
        vm.stopPrank();
        vm.expectRevert(err);
        vault.previewDeposit(1000e6);
        vm.expectRevert(err);
        vault.previewRedeem(1e18);

        // Alice leaves in kind, without a price.
        uint256 supplyBefore = vault.totalSupply();
        vm.prank(alice);
        (uint256[] memory amounts, uint256 cashOut) = vault.redeemInKind(aliceShares, alice, alice);
        assertEq(vault.balanceOf(alice), 0);
        assertEq(vault.totalSupply(), supplyBefore - aliceShares);
        assertGt(cashOut, 0);
        for (uint256 j; j < tokens.length; ++j) {
            assertGt(amounts[j], 0);
            assertEq(tokens[j].balanceOf(alice), amounts[j]);
        }
        assertEq(usdc.balanceOf(mallory), 1_000_000e6, "the attacker moved money");
    }

    function _answer(uint256 i) internal view returns (int256 answer) {
        (, answer,,,) = feeds[i].latestRoundData();
    }

    function _refreshFeedsExceptLast() internal {
        for (uint256 i; i + 1 < feeds.length; ++i) {
            feeds[i].setAnswer(_answer(i));
        }
    }
}
