// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IBallastRebalancer} from "../../src/interfaces/IBallastRebalancer.sol";
import {IRedemptionQueue} from "../../src/interfaces/IRedemptionQueue.sol";
import {RebalanceFixture} from "../utils/RebalanceFixture.sol";

/// @notice Regime switching (dwell, guardian override) and queued redemptions settled by epochs.
contract RegimeAndQueueTest is RebalanceFixture {
    address internal alice = makeAddr("alice");
    address internal bob = makeAddr("bob");
    uint64 internal nextId = 1;

    function setUp() public {
        _deployVault(5, 6);
        _deployRebalancer();
        _deposit(alice, 60_000e6);
        _deposit(bob, 40_000e6);
        _investAtTargets();
    }

    function _sellAll(uint64 epochId) internal {
        for (uint256 i; i < 5; ++i) {
            uint256 bal = vault.components()[i].balance;
            if (bal == 0) continue;
            uint32 index = rebalancer.currentEpoch().trades;
            IBallastRebalancer.Trade[] memory ts = _one(_t(address(tokens[i]), address(usdc), bal));
            vm.prank(keeper);
            rebalancer.executeTrades(epochId, index, ts);
        }
    }

    function _buyAll(uint64 epochId) internal {
        for (uint256 i; i < 5; ++i) {
            uint256 amount = _buyAmount(i);
            if (amount == 0) continue;
            uint32 index = rebalancer.currentEpoch().trades;
            IBallastRebalancer.Trade[] memory ts = _one(_t(address(usdc), address(tokens[i]), amount));
            vm.prank(keeper);
            rebalancer.executeTrades(epochId, index, ts);
        }
    }

    function _riskOff() internal {
        vm.prank(keeper);
        rebalancer.switchRegime(nextId, IBallastRebalancer.Regime.RiskOff, 7, new uint64[](0), 0);
        _sellAll(nextId);
        vm.prank(keeper);
        rebalancer.closeEpoch(nextId);
        ++nextId;
    }

    function test_riskOff_endsAllCash() public {
        vm.expectEmit(true, true, true, true, address(rebalancer));
        emit IBallastRebalancer.RegimeSwitched(IBallastRebalancer.Regime.RiskOff, 7, keeper, false);
        _riskOff();
        uint256 nav = vault.totalAssets();
        assertGe(vault.cash() * 100, nav * 99, "at least 99% of NAV in cash");
        (IBallastRebalancer.Regime r,) = rebalancer.regime();
        assertEq(uint8(r), uint8(IBallastRebalancer.Regime.RiskOff));
        assertEq(vault.cashTargetWeight(), 1e18);
    }

    function test_riskOff_refusesBasketTargets_andDwellHolds() public {
        _riskOff();
        vm.warp(block.timestamp + 1 hours);
        (uint64[] memory w,) = _weights();
        vm.prank(keeper);
        vm.expectRevert(IBallastRebalancer.RiskOffTargets.selector);
        rebalancer.openEpoch(nextId, w, 0);

        uint64[] memory back = new uint64[](5);
        for (uint256 i; i < 5; ++i) {
            back[i] = 0.19e18;
        }
        uint256 allowedAt = rebalancer.currentEpoch().openedAt + 3 days;
        vm.prank(keeper);
        vm.expectRevert(abi.encodeWithSelector(IBallastRebalancer.DwellNotElapsed.selector, allowedAt));
        rebalancer.switchRegime(nextId, IBallastRebalancer.Regime.RiskOn, 8, back, 0.05e18);

        // After the dwell, the switch back rebuilds the basket.
        vm.warp(allowedAt);
        _refreshFeeds();
        vm.prank(keeper);
        rebalancer.switchRegime(nextId, IBallastRebalancer.Regime.RiskOn, 8, back, 0.05e18);
        _buyAll(nextId);
        vm.prank(keeper);
        rebalancer.closeEpoch(nextId);
        uint256 nav = vault.totalAssets();
        assertApproxEqAbs(vault.cash(), nav * 5 / 100, nav / 500, "back to 5% cash");
    }

    function test_switchToSameRegimeReverts() public {
        vm.prank(keeper);
        vm.expectRevert(
            abi.encodeWithSelector(IBallastRebalancer.AlreadyInRegime.selector, IBallastRebalancer.Regime.RiskOn)
        );
        rebalancer.switchRegime(1, IBallastRebalancer.Regime.RiskOn, 0, new uint64[](5), 1e18);
    }

    function test_guardianForcesRiskOff_ignoringDwell() public {
        _riskOff();
        vm.warp(block.timestamp + 3 days);
        _refreshFeeds();
        uint64[] memory back = new uint64[](5);
        for (uint256 i; i < 5; ++i) {
            back[i] = 0.19e18;
        }
        vm.prank(keeper);
        rebalancer.switchRegime(nextId, IBallastRebalancer.Regime.RiskOn, 8, back, 0.05e18);
        _buyAll(nextId);
        // Mid-epoch emergency: the guardian turns the open epoch's targets to cash at once.
        vm.prank(guardian);
        rebalancer.forceRiskOff(99);
        assertEq(vault.cashTargetWeight(), 1e18);
        _sellAll(nextId);
        vm.prank(keeper);
        rebalancer.closeEpoch(nextId);
        assertGe(vault.cash() * 100, vault.totalAssets() * 99);
    }

    function test_forceRiskOff_onlyGuardianOrOwner() public {
        vm.prank(keeper);
        vm.expectRevert(abi.encodeWithSelector(IBallastRebalancer.Unauthorized.selector, keeper));
        rebalancer.forceRiskOff(1);
    }

    function test_forceRiskOff_opensEpochWhenNoneOpen() public {
        vm.prank(guardian);
        rebalancer.forceRiskOff(5);
        IBallastRebalancer.Epoch memory e = rebalancer.currentEpoch();
        assertTrue(e.open);
        assertEq(uint8(e.kind), uint8(IBallastRebalancer.EpochKind.RegimeSwitch));
    }

    function test_queue_batchSettledAtOnePrice() public {
        uint256 aliceShares = vault.balanceOf(alice);
        uint256 bobShares = vault.balanceOf(bob);
        vm.startPrank(alice);
        vault.approve(address(queue), aliceShares);
        uint64 epochId = queue.requestRedeem(aliceShares, alice, alice);
        vm.stopPrank();
        vm.startPrank(bob);
        vault.approve(address(queue), bobShares / 2);
        queue.requestRedeem(bobShares / 2, bob, bob);
        vm.stopPrank();
        assertEq(epochId, 1);
        assertEq(queue.pendingShares(1), aliceShares + bobShares / 2);

        // The epoch reserves the batch's value and sells the slice of the basket it needs.
        vm.prank(keeper);
        rebalancer.openCashSweep(1);
        IBallastRebalancer.Epoch memory e = rebalancer.currentEpoch();
        assertApproxEqRel(e.reserved, vault.previewRedeem(aliceShares + bobShares / 2), 1e12);
        vm.prank(bob);
        vm.expectRevert(abi.encodeWithSelector(IRedemptionQueue.AlreadyInSettlement.selector, bob, 1));
        queue.cancelRequest();

        // Not enough cash yet: the close refuses.
        vm.prank(keeper);
        vm.expectPartialRevert(IBallastRebalancer.InsufficientCashForRedemptions.selector);
        rebalancer.closeEpoch(1);

        _sellToTargets(1);
        vm.prank(keeper);
        rebalancer.closeEpoch(1);

        IRedemptionQueue.Batch memory b = queue.batch(1);
        assertTrue(b.settled);
        (, uint256 aliceClaim) = queue.requestOf(alice);
        (, uint256 bobClaim) = queue.requestOf(bob);
        // Same price per share for both.
        assertApproxEqRel(aliceClaim * 1e18 / aliceShares, bobClaim * 1e18 / (bobShares / 2), 1e12);
        vm.prank(alice);
        queue.claim(alice);
        vm.prank(bob);
        queue.claim(bob);
        assertEq(usdc.balanceOf(alice), aliceClaim);
        assertEq(usdc.balanceOf(bob), bobClaim);
        assertLe(aliceClaim + bobClaim, b.assets);
        assertApproxEqRel(aliceClaim, 60_000e6, 0.001e18, "got the value back");
    }

    function test_queue_cancelBeforeEpochOpens() public {
        uint256 shares = vault.balanceOf(bob);
        vm.startPrank(bob);
        vault.approve(address(queue), shares);
        queue.requestRedeem(shares, bob, bob);
        assertEq(vault.balanceOf(bob), 0);
        queue.cancelRequest();
        vm.stopPrank();
        assertEq(vault.balanceOf(bob), shares);
        assertEq(queue.pendingShares(1), 0);
    }

    function test_queue_claimBeforeSettlementReverts() public {
        uint256 shares = vault.balanceOf(bob);
        vm.startPrank(bob);
        vault.approve(address(queue), shares);
        queue.requestRedeem(shares, bob, bob);
        vm.expectRevert(abi.encodeWithSelector(IRedemptionQueue.NotSettled.selector, bob, 1));
        queue.claim(bob);
        vm.stopPrank();
    }

    /// @dev Sells each component down to its target (targets net of the reserve) so cash covers the batch.
    function _sellToTargets(uint64 epochId) internal {
        IBallastRebalancer.Epoch memory e = rebalancer.currentEpoch();
        for (uint256 i; i < 5; ++i) {
            uint256 target = (uint256(e.navAtOpen) - e.reserved) * vault.components()[i].targetWeight / 1e18;
            uint256 value = vault.components()[i].balance * oracle.price(address(tokens[i])) / 1e36;
            if (value <= target) continue;
            uint256 amount = (value - target) * 1e36 / oracle.price(address(tokens[i]));
            uint32 index = rebalancer.currentEpoch().trades;
            IBallastRebalancer.Trade[] memory ts = _one(_t(address(tokens[i]), address(usdc), amount));
            vm.prank(keeper);
            rebalancer.executeTrades(epochId, index, ts);
        }
    }
}
