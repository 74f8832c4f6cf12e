// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IBallastVault} from "../../src/interfaces/IBallastVault.sol";
import {IBallastRebalancer} from "../../src/interfaces/IBallastRebalancer.sol";
import {IRedemptionQueue} from "../../src/interfaces/IRedemptionQueue.sol";
import {RebalanceFixture} from "../utils/RebalanceFixture.sol";

/// @notice The findings of the adversarial review of `contracts/src` (issue 9), one test (or more) each, named after
/// the finding. Every test here failed on the contracts before its fix; each says how.
/// World: 5 components (equal 19% weights, 5% cash), an honest holder with 100k invested at targets, a 10-minute share
/// lock, trades through an adapter that fills 2.5% under the oracle, caps of 50 bps per call and 100 bps per epoch.
contract AdversarialReviewTest is RebalanceFixture {
    address internal alice = makeAddr("alice"); // the honest holder
    address internal bob = makeAddr("bob"); // a second honest holder (queued exits)
    address internal mallory = makeAddr("mallory"); // the keeper's accomplice
    address internal eve = makeAddr("eve"); // a griefer

    uint256 internal constant LOCK = 10 minutes;

    function setUp() public {
        _deployVault(5, 6);
        _deployRebalancer();
        IBallastRebalancer.Config memory c = _defaultConfig();
        c.maxSlippageBps = 300;
        vm.startPrank(owner);
        rebalancer.setConfig(c);
        vault.setShareLockPeriod(LOCK);
        vm.stopPrank();
        _deposit(alice, 100_000e6);
        _investAtTargets();
        rateAdapter.setSlippageBps(250);
        _wait(LOCK + 1);
    }

    /*//////////////////////////////////////////////////////////////
            FINDING 1: CAPS AGAINST A NAV THAT LEAVES IN THE SAME BLOCK
    //////////////////////////////////////////////////////////////*/

    /// @notice The accomplice puts 9x the honest NAV in cash, waits out the lock, the keeper opens an epoch (targets:
    /// everything into component 0), the accomplice leaves in the same block, and the keeper sells the other four
    /// components at 2.5% under the oracle. Before the fix the caps were fractions of the opening NAV (10x the value
    /// that stayed): the four sales in one call (1.9% of the honest NAV lost) passed. Now the call's base shrinks with
    /// the supply that left: the call is refused, one sale per call passes twice, and the third would take the
    /// epoch past 1% of the honest holder's value.
    function test_finding1_capsBindAgainstValueThatStays() public {
        uint64 id = _accompliceRoundTripAroundOpen();
        uint256 aliceBefore = vault.convertToAssets(vault.balanceOf(alice));

        IBallastRebalancer.Trade[] memory all = _sellAll(1, 4);
        vm.prank(keeper);
        vm.expectPartialRevert(IBallastRebalancer.CallLossExceeded.selector);
        rebalancer.executeTrades(id, 0, all);

        IBallastRebalancer.Trade[] memory first = _sellAll(1, 1);
        IBallastRebalancer.Trade[] memory second = _sellAll(2, 2);
        IBallastRebalancer.Trade[] memory third = _sellAll(3, 3);
        vm.startPrank(keeper);
        rebalancer.executeTrades(id, 0, first);
        rebalancer.executeTrades(id, 1, second);
        vm.expectPartialRevert(IBallastRebalancer.EpochLossExceeded.selector);
        rebalancer.executeTrades(id, 2, third);
        vm.stopPrank();

        uint256 aliceAfter = vault.convertToAssets(vault.balanceOf(alice));
        assertLe(aliceBefore - aliceAfter, aliceBefore / 100, "honest holder lost more than the 1% epoch cap");
        assertLe(rebalancer.currentEpoch().lossWad, 0.01e18);
    }

    /// @notice Money that comes back mid-epoch cannot refill the budget: after two lossy calls while the accomplice is
    /// away, it deposits its 9x again (the base returns to the opening NAV), and the keeper sells what is left. The
    /// epoch's budget counts each call's loss as a fraction of its own base, so the honest holder's loss over the
    /// epoch stays within the cap (before the fix, the cap was in asset units of the opening NAV: the first call alone
    /// took 1.9%).
    function test_finding1_returningCashCannotRefillTheEpochBudget() public {
        uint64 id = _accompliceRoundTripAroundOpen();
        uint256 aliceBefore = vault.convertToAssets(vault.balanceOf(alice));
        uint32 next = _sellUntilRefused(id, 0, 1);
        _deposit(mallory, 900_000e6);
        _sellUntilRefused(id, next, 1 + next);

        uint256 aliceAfter = vault.convertToAssets(vault.balanceOf(alice));
        assertLe(aliceBefore - aliceAfter, aliceBefore / 100 + 2, "honest holder lost more than the 1% epoch cap");
    }

    /// @dev The accomplice's 900k deposit, the lock waited out, then in one block: the keeper opens epoch 1 with
    /// every weight on component 0, and the accomplice redeems everything.
    function _accompliceRoundTripAroundOpen() internal returns (uint64 id) {
        uint256 shares = _deposit(mallory, 900_000e6);
        _wait(LOCK + 1);
        uint64[] memory w = new uint64[](5);
        w[0] = 0.95e18;
        id = 1;
        vm.prank(keeper);
        rebalancer.openEpoch(id, w, 0.05e18);
        vm.prank(mallory);
        vault.redeem(shares, mallory, mallory);
        assertApproxEqRel(vault.totalAssets(), 101_000e6, 0.01e18, "the accomplice left");
    }

    /// @dev Sells components `from..to` whole, in one call.
    function _sellAll(uint256 from, uint256 to) internal view returns (IBallastRebalancer.Trade[] memory ts) {
        ts = new IBallastRebalancer.Trade[](to - from + 1);
        for (uint256 i = from; i <= to; ++i) {
            ts[i - from] = _t(address(tokens[i]), address(usdc), vault.components()[i].balance);
        }
    }

    /// @dev Sells whole components from `first` on, one per call starting at trade index `index`, until a call is
    /// refused or none is left; returns the next trade index.
    function _sellUntilRefused(uint64 id, uint32 index, uint256 first) internal returns (uint32) {
        for (uint256 i = first; i < 5; ++i) {
            IBallastRebalancer.Trade[] memory sell = _sellAll(i, i);
            vm.prank(keeper);
            try rebalancer.executeTrades(id, index, sell) {
                ++index;
            } catch {
                break;
            }
        }
        return index;
    }

    /*//////////////////////////////////////////////////////////////
                FINDING 2: A DUST QUEUED REDEMPTION BRICKS CLOSE
    //////////////////////////////////////////////////////////////*/

    /// @notice A request of 1 wei of shares redeems to 0 assets. Before the fix `closeEpoch` compared the batch with
    /// `maxRedeem` (0 for dust) and reverted `InsufficientCashForRedemptions` forever, and nothing could cancel it.
    /// Now the batch settles as zero, the epoch closes, and the next one opens.
    function test_finding2_dustQueuedRedemptionDoesNotBlockClose() public {
        _deposit(eve, 10e6);
        _wait(LOCK + 1);
        _request(eve, 1);

        vm.startPrank(keeper);
        rebalancer.openCashSweep(1);
        rebalancer.closeEpoch(1);
        vm.stopPrank();

        IRedemptionQueue.Batch memory b = queue.batch(1);
        assertTrue(b.settled, "dust batch not settled");
        assertEq(b.assets, 0);
        vm.prank(eve);
        assertEq(queue.claim(eve), 0);

        _wait(1 hours);
        vm.prank(keeper);
        rebalancer.openCashSweep(2);
    }

    /// @notice Dust beside a real request changes nothing: the batch is paid in full at one price.
    function test_finding2_dustBesideARealRequestIsPaid() public {
        _deposit(eve, 10e6);
        uint256 bobShares = _deposit(bob, 5000e6);
        _wait(LOCK + 1);
        _request(eve, 1);
        _request(bob, bobShares);
        uint256 due = vault.previewRedeem(bobShares + 1);

        vm.startPrank(keeper);
        rebalancer.openCashSweep(1);
        rebalancer.closeEpoch(1);
        vm.stopPrank();
        assertEq(queue.batch(1).assets, due);
    }

    /*//////////////////////////////////////////////////////////////
            FINDING 3: CASH RAISED FOR THE QUEUE IS NOT SET ASIDE
    //////////////////////////////////////////////////////////////*/

    /// @notice Bob queues 50k; the epoch opens with 50k reserved (his deposit is still in cash); Alice then withdraws
    /// 50k instantly, taking the reserve. Before the fix targets stayed at the opening NAV, every component was at
    /// target, sells were refused (`NotOverweight`) and `closeEpoch` reverted: Bob could neither be paid nor cancel.
    /// Now the base shrinks with Alice's exit, the basket is overweight against it, sells raise the cash again and
    /// Bob is paid.
    function test_finding3_reserveTakenByInstantExitsIsRaisedAgain() public {
        uint256 bobShares = _deposit(bob, 50_000e6);
        _wait(LOCK + 1);
        _request(bob, bobShares);
        vm.prank(keeper);
        rebalancer.openCashSweep(1);
        assertApproxEqRel(rebalancer.currentEpoch().reserved, 50_000e6, 0.001e18);

        vm.prank(alice);
        vault.withdraw(50_000e6, alice, alice);
        assertLt(vault.cash(), 10_000e6, "the reserve is gone");

        rateAdapter.setSlippageBps(0);
        IBallastRebalancer.Trade[] memory sells = new IBallastRebalancer.Trade[](5);
        for (uint256 i; i < 5; ++i) {
            sells[i] = _t(address(tokens[i]), address(usdc), vault.components()[i].balance / 2);
        }
        vm.startPrank(keeper);
        rebalancer.executeTrades(1, 0, sells);
        rebalancer.closeEpoch(1);
        vm.stopPrank();
        vm.prank(bob);
        assertApproxEqRel(queue.claim(bob), 50_000e6, 0.001e18, "bob not paid");
    }

    /// @notice Found by the accomplice campaign at the deep profile: the turnover cap used to be an amount of the call's
    /// base, so when large exits shrank the base after the epoch had traded, the turnover already done used up the
    /// shrunken cap and the sells that the queued batch needed were refused (`TurnoverExceeded`): the epoch could not
    /// close. Now each call's turnover counts against its own base, and the reserve comes on top of the cap.
    function test_finding3_exitsAfterTradingDoNotBlockTheQueuesSells() public {
        IBallastRebalancer.Config memory c = rebalancer.config();
        c.maxTurnoverBps = 1000; // 10%
        vm.prank(owner);
        rebalancer.setConfig(c);
        rateAdapter.setSlippageBps(0);
        _deposit(mallory, 900_000e6);
        uint256 bobShares = _deposit(bob, 20_000e6);
        _wait(LOCK + 1);
        _request(bob, bobShares);

        // Epoch 1 (at the current targets) invests 5% of the (10x) NAV in component 0: half the turnover cap.
        vm.prank(keeper);
        rebalancer.openCashSweep(1);
        uint256 buy = uint256(rebalancer.currentEpoch().navAtOpen) * 5 / 100;
        IBallastRebalancer.Trade[] memory first = _one(_t(address(usdc), address(tokens[0]), buy));
        vm.prank(keeper);
        rebalancer.executeTrades(1, 0, first);

        // The accomplice and an honest holder leave: the base falls to a fraction of the opening NAV, and the cash
        // left is short of Bob's batch.
        uint256 malloryMax = vault.maxRedeem(mallory);
        vm.prank(mallory);
        vault.redeem(malloryMax, mallory, mallory);
        uint256 aliceMax = vault.maxWithdraw(alice);
        vm.prank(alice);
        vault.withdraw(aliceMax, alice, alice);
        uint256 due = vault.previewRedeem(bobShares);
        assertLt(vault.cash(), due, "no refill needed");

        // The sells that refill the batch's cash pass, and the epoch closes.
        IBallastRebalancer.Trade[] memory refill =
            _one(_t(address(tokens[0]), address(usdc), _amountOf(0, due - vault.cash() + 1e6)));
        vm.startPrank(keeper);
        rebalancer.executeTrades(1, 1, refill);
        rebalancer.closeEpoch(1);
        vm.stopPrank();
        assertEq(queue.batch(1).assets, due);
    }

    /// @dev Amount of component `i` worth `value` at the oracle.
    function _amountOf(uint256 i, uint256 value) internal view returns (uint256) {
        return value * 1e36 / oracle.price(address(tokens[i]));
    }

    /*//////////////////////////////////////////////////////////////
            FINDING 4: A HOLDER'S SHARES KEPT LOCKED BY OTHERS
    //////////////////////////////////////////////////////////////*/

    /// @notice Bob deposits through an intermediary (a router: `msg.sender != receiver`), so his shares are in the
    /// gifted bucket. Before the fix, Eve's 1-unit deposit for Bob just before the lock ran out re-locked the whole
    /// bucket for a full period, `redeemInKind` included, again and again. Now it is refused while Bob's gifted shares
    /// are locked, and after they unlock it locks only its own new shares.
    function test_finding4_othersCannotExtendAHoldersLock() public {
        address router = makeAddr("router");
        usdc.mint(router, 5000e6);
        vm.startPrank(router);
        usdc.approve(address(vault), 5000e6);
        uint256 bobShares = vault.deposit(5000e6, bob);
        vm.stopPrank();

        _wait(LOCK - 60);
        usdc.mint(eve, 2);
        vm.startPrank(eve);
        usdc.approve(address(vault), 2);
        vm.expectRevert(abi.encodeWithSelector(IBallastVault.GiftedSharesLocked.selector, bob, block.timestamp + 60));
        vault.deposit(1, bob);
        vm.stopPrank();

        _wait(61);
        vm.prank(eve);
        uint256 dust = vault.deposit(1, bob);
        (uint256 locked,) = vault.lockedShares(bob);
        assertEq(locked, dust, "more than the new shares locked");
        vm.prank(bob);
        vault.redeemInKind(bobShares, bob, bob);
        assertEq(vault.balanceOf(bob), dust);
    }

    /// @notice The holder itself still may: its own deposits lock its own bucket, and may follow a gift at once.
    function test_finding4_ownDepositsStillLockThemselves() public {
        address router = makeAddr("router");
        usdc.mint(router, 5000e6);
        vm.startPrank(router);
        usdc.approve(address(vault), 5000e6);
        vault.deposit(5000e6, bob);
        vm.stopPrank();
        uint256 own = _deposit(bob, 1000e6);
        (uint256 locked, uint256 until) = vault.lockedShares(bob);
        assertEq(locked, vault.balanceOf(bob));
        assertEq(until, block.timestamp + LOCK);
        assertGt(own, 0);
    }

    /*//////////////////////////////////////////////////////////////
                    FINDING 5: REGIME DWELL BYPASS
    //////////////////////////////////////////////////////////////*/

    /// @notice Before the fix a risk-on `openEpoch` accepted all-cash targets: a keeper went all-cash and back every
    /// `minEpochSpacing`, under a 3-day dwell, with no `RegimeSwitched` event. Now a risk-on epoch keeps at most half
    /// in cash; more is a regime switch.
    function test_finding5_riskOnEpochCannotGoAllCash() public {
        uint64 cap = rebalancer.MAX_RISK_ON_CASH_WAD();
        vm.prank(keeper);
        vm.expectRevert(abi.encodeWithSelector(IBallastRebalancer.CashAboveRiskOnCap.selector, uint64(1e18), cap));
        rebalancer.openEpoch(1, new uint64[](5), 1e18);

        uint64[] memory w = new uint64[](5);
        w[0] = 0.5e18;
        vm.prank(keeper);
        rebalancer.openEpoch(1, w, 0.5e18); // exactly at the cap
    }

    /*//////////////////////////////////////////////////////////////
        FINDING 7: A QUEUED BATCH PAYS AN EXIT FEE RAISED AFTER COMMIT
    //////////////////////////////////////////////////////////////*/

    /// @notice Bob's request is committed when the epoch opens (it can no longer be cancelled); the owner then raises
    /// the exit fee. Before the fix the batch was redeemed at the new fee. Now closing refuses, and once the fee is
    /// restored the batch is paid at the fee of the opening.
    function test_finding7_exitFeeRaisedAfterOpenDoesNotApplyToTheBatch() public {
        uint256 bobShares = _deposit(bob, 5000e6);
        _wait(LOCK + 1);
        _request(bob, bobShares);
        uint256 dueAtOpenFee = vault.previewRedeem(bobShares);
        vm.prank(keeper);
        rebalancer.openCashSweep(1);

        vm.prank(owner);
        vault.setFees(0, 0, 100);
        vm.prank(keeper);
        vm.expectRevert(abi.encodeWithSelector(IBallastRebalancer.ExitFeeRaised.selector, uint16(0), uint16(100)));
        rebalancer.closeEpoch(1);

        vm.prank(owner);
        vault.setFees(0, 0, 0);
        vm.prank(keeper);
        rebalancer.closeEpoch(1);
        assertEq(queue.batch(1).assets, dueAtOpenFee);
    }

    /// @notice A fee lowered after the opening applies (the batch pays less, never more).
    function test_finding7_exitFeeLoweredAfterOpenApplies() public {
        vm.prank(owner);
        vault.setFees(0, 0, 100);
        uint256 bobShares = _deposit(bob, 5000e6);
        _wait(LOCK + 1);
        _request(bob, bobShares);
        vm.prank(keeper);
        rebalancer.openCashSweep(1);
        assertEq(rebalancer.currentEpoch().exitFeeBps, 100);
        vm.prank(owner);
        vault.setFees(0, 0, 0);
        uint256 dueAtZeroFee = vault.previewRedeem(bobShares);
        vm.prank(keeper);
        rebalancer.closeEpoch(1);
        assertEq(queue.batch(1).assets, dueAtZeroFee);
    }

    /*//////////////////////////////////////////////////////////////
                                HELPERS
    //////////////////////////////////////////////////////////////*/

    function _request(address who, uint256 shares) internal {
        vm.startPrank(who);
        vault.approve(address(queue), shares);
        queue.requestRedeem(shares, who, who);
        vm.stopPrank();
    }

    function _wait(uint256 secs) internal {
        vm.warp(block.timestamp + secs);
        _refreshFeeds();
    }
}
