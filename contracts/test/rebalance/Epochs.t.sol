// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IBallastRebalancer} from "../../src/interfaces/IBallastRebalancer.sol";
import {IBallastVault} from "../../src/interfaces/IBallastVault.sol";
import {RebalanceFixture} from "../utils/RebalanceFixture.sol";

/// @notice Epoch mechanics: ids, idempotent trade indices, racing keepers, resume, grace period, schedule.
contract EpochsTest is RebalanceFixture {
    address internal alice = makeAddr("alice");

    function setUp() public {
        _deployVault(5, 6);
        _deployRebalancer();
        _deposit(alice, 100_000e6);
    }

    function _open() internal {
        (uint64[] memory w, uint64 cw) = _weights();
        vm.prank(keeper);
        rebalancer.openEpoch(1, w, cw);
    }

    function _buyAll(uint64 epochId) internal {
        for (uint256 i; i < 5; ++i) {
            IBallastRebalancer.Trade[] memory ts = _one(_t(address(usdc), address(tokens[i]), _buyAmount(i)));
            uint32 index = rebalancer.currentEpoch().trades;
            vm.prank(keeper);
            rebalancer.executeTrades(epochId, index, ts);
        }
    }

    function test_openEpoch_snapshotsNavAndSetsTargets() public {
        uint64[] memory w = new uint64[](5);
        w[0] = 0.5e18;
        w[1] = 0.3e18;
        vm.expectEmit(true, false, true, true, address(rebalancer));
        emit IBallastRebalancer.EpochOpened(1, IBallastRebalancer.EpochKind.Rebalance, keeper, vault.totalAssets(), 0);
        vm.prank(keeper);
        rebalancer.openEpoch(1, w, 0.2e18);
        IBallastRebalancer.Epoch memory e = rebalancer.currentEpoch();
        assertEq(e.id, 1);
        assertTrue(e.open);
        assertEq(e.navAtOpen, vault.totalAssets());
        assertEq(vault.components()[0].targetWeight, 0.5e18);
        assertEq(vault.cashTargetWeight(), 0.2e18);
    }

    function test_openEpoch_wrongIdReverts() public {
        (uint64[] memory w, uint64 cw) = _weights();
        vm.prank(keeper);
        vm.expectRevert(abi.encodeWithSelector(IBallastRebalancer.EpochIdMismatch.selector, 2, 1));
        rebalancer.openEpoch(2, w, cw);
    }

    function test_openEpoch_onlyKeeper() public {
        (uint64[] memory w, uint64 cw) = _weights();
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(IBallastRebalancer.Unauthorized.selector, alice));
        rebalancer.openEpoch(1, w, cw);
    }

    function test_openEpoch_twiceReverts_racingKeeper() public {
        _open();
        (uint64[] memory w, uint64 cw) = _weights();
        // A second keeper (or a retried transaction) that saw id 1 as next: clean revert, nothing changed.
        vm.prank(keeper);
        vm.expectRevert(abi.encodeWithSelector(IBallastRebalancer.EpochAlreadyOpen.selector, 1));
        rebalancer.openEpoch(1, w, cw);
    }

    function test_openEpoch_cashBelowBufferReverts() public {
        uint64[] memory w = new uint64[](5);
        w[0] = 0.99e18;
        vm.prank(keeper);
        vm.expectRevert(abi.encodeWithSelector(IBallastRebalancer.CashBelowBuffer.selector, 0.01e18, 0.02e18));
        rebalancer.openEpoch(1, w, 0.01e18);
    }

    function test_openEpoch_weightsMustSumExactly() public {
        uint64[] memory w = new uint64[](5);
        w[0] = 0.5e18;
        vm.prank(keeper);
        vm.expectRevert(abi.encodeWithSelector(IBallastVault.WeightsSumMismatch.selector, 0.6e18));
        rebalancer.openEpoch(1, w, 0.1e18);
    }

    function test_openEpoch_staleFeedRefused() public {
        _investAtTargets();
        vm.warp(block.timestamp + HEARTBEAT + 1);
        (uint64[] memory w, uint64 cw) = _weights();
        vm.prank(keeper);
        vm.expectRevert(abi.encodeWithSelector(IBallastRebalancer.NavUnavailable.selector, address(tokens[0])));
        rebalancer.openEpoch(1, w, cw);
    }

    function test_executeTrades_indexMakesTradesIdempotent() public {
        _open();
        IBallastRebalancer.Trade[] memory ts = _one(_t(address(usdc), address(tokens[0]), 1000e6));
        vm.prank(keeper);
        rebalancer.executeTrades(1, 0, ts);
        uint256 balAfterFirst = vault.components()[0].balance;
        // The same call again (a retry, or a racing keeper): refused, nothing moves.
        vm.prank(keeper);
        vm.expectRevert(abi.encodeWithSelector(IBallastRebalancer.TradeIndexMismatch.selector, 1, 0));
        rebalancer.executeTrades(1, 0, ts);
        assertEq(vault.components()[0].balance, balAfterFirst);
        assertEq(rebalancer.currentEpoch().trades, 1);
        // Resuming from the chain's index works.
        vm.prank(keeper);
        rebalancer.executeTrades(1, 1, ts);
        assertEq(rebalancer.currentEpoch().trades, 2);
    }

    function test_executeTrades_wrongEpochReverts() public {
        _open();
        vm.prank(keeper);
        vm.expectRevert(abi.encodeWithSelector(IBallastRebalancer.EpochIdMismatch.selector, 2, 1));
        rebalancer.executeTrades(2, 0, _one(_t(address(usdc), address(tokens[0]), 1e6)));
    }

    function test_executeTrades_noEpochReverts() public {
        vm.prank(keeper);
        vm.expectRevert(IBallastRebalancer.NoOpenEpoch.selector);
        rebalancer.executeTrades(1, 0, _one(_t(address(usdc), address(tokens[0]), 1e6)));
    }

    function test_gracePeriod_anyoneMayFinishASilentKeepersEpoch() public {
        _open();
        IBallastRebalancer.Trade[] memory ts = _one(_t(address(usdc), address(tokens[1]), 1000e6));
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(IBallastRebalancer.Unauthorized.selector, alice));
        rebalancer.executeTrades(1, 0, ts);

        vm.warp(block.timestamp + 12 hours);
        _refreshFeeds();
        vm.prank(alice);
        rebalancer.executeTrades(1, 0, ts);
        vm.prank(alice);
        rebalancer.closeEpoch(1);
        assertFalse(rebalancer.currentEpoch().open);
    }

    function test_closeEpoch_recordsAndAllowsNext() public {
        _open();
        IBallastRebalancer.Trade[] memory ts = _one(_t(address(usdc), address(tokens[0]), _buyAmount(0)));
        vm.prank(keeper);
        rebalancer.executeTrades(1, 0, ts);
        vm.prank(keeper);
        rebalancer.closeEpoch(1);
        IBallastRebalancer.Epoch memory e = rebalancer.currentEpoch();
        assertFalse(e.open);
        assertEq(e.navAtClose, vault.totalAssets());
        vm.prank(keeper);
        vm.expectRevert(IBallastRebalancer.NoOpenEpoch.selector);
        rebalancer.closeEpoch(1);

        // The next epoch waits for the spacing.
        (uint64[] memory w, uint64 cw) = _weights();
        vm.prank(keeper);
        vm.expectRevert(abi.encodeWithSelector(IBallastRebalancer.EpochTooSoon.selector, block.timestamp + 1 hours));
        rebalancer.openEpoch(2, w, cw);
        vm.warp(block.timestamp + 1 hours);
        vm.prank(keeper);
        rebalancer.openCashSweep(2);
        assertEq(rebalancer.currentEpoch().id, 2);
    }

    function test_cashSweep_investsNewDepositsAtCurrentTargets() public {
        _open();
        _buyAll(1);
        vm.prank(keeper);
        rebalancer.closeEpoch(1);
        _deposit(makeAddr("bob"), 50_000e6);
        vm.warp(block.timestamp + 1 hours);
        vm.prank(keeper);
        rebalancer.openCashSweep(2);
        _buyAll(2);
        vm.prank(keeper);
        rebalancer.closeEpoch(2);
        uint256 nav = vault.totalAssets();
        assertApproxEqAbs(vault.cash(), nav * 5 / 100, nav / 1000, "cash back at its 5% target");
    }

    function test_nextRebalanceDue_followsSchedule() public {
        uint256 anchor = rebalancer.config().scheduleAnchor;
        assertEq(rebalancer.nextRebalanceDue(), anchor);
        _open();
        assertEq(rebalancer.nextRebalanceDue(), anchor + 7 days);
    }

    function test_pausedRebalancing_blocksTrades() public {
        _open();
        vm.prank(guardian);
        vault.setRebalancingPaused(true);
        vm.prank(keeper);
        vm.expectRevert(IBallastVault.RebalancingPaused.selector);
        rebalancer.executeTrades(1, 0, _one(_t(address(usdc), address(tokens[0]), 1e6)));
    }
}
