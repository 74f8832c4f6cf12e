// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IBallastVault} from "../../src/interfaces/IBallastVault.sol";
import {IBallastRebalancer} from "../../src/interfaces/IBallastRebalancer.sol";
import {IRedemptionQueue} from "../../src/interfaces/IRedemptionQueue.sol";
import {IChangeDelay} from "../../src/interfaces/IChangeDelay.sol";
import {IPriceSource} from "../../src/interfaces/IPriceSource.sol";
import {IAggregatorV3} from "../../src/interfaces/IAggregatorV3.sol";
import {BallastRebalancer} from "../../src/BallastRebalancer.sol";
import {ChainlinkPriceSource} from "../../src/oracles/ChainlinkPriceSource.sol";
import {MockAggregator} from "../../src/oracles/MockAggregator.sol";
import {MockERC20} from "../utils/MockERC20.sol";
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
        _buildRebalancer();
        IBallastRebalancer.Config memory c = _defaultConfig();
        c.maxSlippageBps = 300;
        vm.startPrank(owner);
        rebalancer.setConfig(c);
        vault.setShareLockPeriod(LOCK);
        vm.stopPrank();
        _wireRebalancer();
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
        _ownerNow(address(rebalancer), abi.encodeCall(rebalancer.setConfig, (c)));
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

    /// @notice The levy counts with the exit fee: raised after the batch was committed, it does not apply to it.
    function test_finding7_levyRaisedAfterOpenDoesNotApplyToTheBatch() public {
        uint256 bobShares = _deposit(bob, 5000e6);
        _wait(LOCK + 1);
        _request(bob, bobShares);
        uint256 dueAtOpen = vault.previewRedeem(bobShares);
        vm.prank(keeper);
        rebalancer.openCashSweep(1);

        vm.prank(owner);
        vault.setLevy(50);
        vm.prank(keeper);
        vm.expectRevert(abi.encodeWithSelector(IBallastRebalancer.ExitFeeRaised.selector, uint16(0), uint16(50)));
        rebalancer.closeEpoch(1);

        vm.prank(owner);
        vault.setLevy(0);
        vm.prank(keeper);
        rebalancer.closeEpoch(1);
        assertEq(queue.batch(1).assets, dueAtOpen);
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
        FINDING 6: LAGGING-ORACLE ENTRY THEN IN-KIND EXIT
    //////////////////////////////////////////////////////////////*/

    /// @notice The control: with no levy, entering at feeds 1.9% under the market and leaving in kind once they catch
    /// up (after the lock) takes value from the honest holder, as the review measured. This is today's behaviour
    /// for a source that admits no lag (bound 0, as the fixture's); it is what the levy rule prevents for every
    /// source that admits some.
    function test_finding6_withoutLevyALaggingRoundTripTakesFromHolders() public {
        (uint256 honestLoss, uint256 attackerGain) = _laggingRoundTrip(190, 400_000e6);
        assertGt(honestLoss, 0, "the round trip took nothing: the control is broken");
        assertGt(attackerGain, 0);
    }

    /// @notice With the levy at the source's deviation bound, the same round trip takes nothing from the honest
    /// holder (and costs the attacker), for any lag within the bound and any size. Before the fix there was no levy:
    /// the round trip took 0.9% of incumbents' NAV (the control above).
    function test_fuzz_finding6_levyCoversEveryLagWithinTheBound(uint256 lagBps, uint256 assets) public {
        uint16 bound = 190;
        _adoptSourceWithBound(bound);
        lagBps = _bound(lagBps, 0, bound);
        assets = _bound(assets, 1000e6, 10_000_000e6);
        (uint256 honestLoss, uint256 attackerGain) = _laggingRoundTrip(lagBps, assets);
        assertEq(honestLoss, 0, "the honest holder lost value");
        assertEq(attackerGain, 0, "the attacker gained");
    }

    /// @notice The rule is enforced on chain: a source admitting more lag than the levy cannot be registered (listing
    /// or `setPriceSource`), and the levy cannot be set below the bound of a registered source.
    function test_finding6_levyAtLeastEveryRegisteredSourcesBound() public {
        ChainlinkPriceSource lagging = _sourceWithBound(190);
        address token = vault.components()[0].token;
        // Levy 0 < 190: refused at registration.
        _ownerNowReverts(
            address(vault),
            abi.encodeCall(vault.setPriceSource, (token, IPriceSource(address(lagging)))),
            abi.encodeWithSelector(IBallastVault.LevyBelowDeviation.selector, address(lagging), 190, 0)
        );

        vm.prank(owner);
        vault.setLevy(190);
        _ownerNow(address(vault), abi.encodeCall(vault.setPriceSource, (token, IPriceSource(address(lagging)))));
        assertEq(vault.feeConfig().levyBps, 190);

        // Once registered, the levy cannot go under its bound, and its cap holds.
        vm.startPrank(owner);
        vm.expectRevert(abi.encodeWithSelector(IBallastVault.LevyBelowDeviation.selector, address(lagging), 190, 189));
        vault.setLevy(189);
        vm.expectRevert(abi.encodeWithSelector(IBallastVault.FeeAboveCap.selector, 301, 300));
        vault.setLevy(301);
        vm.expectEmit(address(vault));
        emit IBallastVault.LevySet(300);
        vault.setLevy(300);
        vm.stopPrank();
    }

    /// @notice The levy is kept by the vault, not paid to the fee recipient: a deposit and a cash exit at a levy of
    /// 100 bps (no fees) mint the recipient nothing and leave the levy in the share price.
    function test_finding6_levyStaysWithTheHolders() public {
        vm.prank(owner);
        vault.setLevy(100);
        address recipient = vault.feeConfig().recipient;
        uint256 recipientBefore = vault.balanceOf(recipient);
        uint256 ppsBefore = vault.convertToAssets(1e18);
        uint256 shares = _deposit(bob, 10_000e6);
        assertApproxEqRel(shares * ppsBefore / 1e18, 9900e6, 1e12, "bob's shares: the deposit less 1% at the old price");
        _wait(LOCK + 1);
        uint256 gross = vault.convertToAssets(shares);
        vm.prank(bob);
        uint256 paid = vault.redeem(shares, bob, bob);
        assertApproxEqRel(paid, gross * 99 / 100, 1e12, "the exit paid 1% of the shares' value");
        assertEq(vault.balanceOf(recipient), recipientBefore, "the levy went to the fee recipient");
        assertGt(vault.convertToAssets(1e18), ppsBefore, "the levy did not stay with the holders");
    }

    /// @dev Deploys a source whose feeds may lag `bound` bps, with the same feeds as the fixture's, and makes it the
    /// price source of every component (the levy first).
    function _adoptSourceWithBound(uint16 bound) internal {
        ChainlinkPriceSource lagging = _sourceWithBound(bound);
        vm.prank(owner);
        vault.setLevy(bound);
        for (uint256 i; i < tokens.length; ++i) {
            _ownerNow(
                address(vault),
                abi.encodeCall(vault.setPriceSource, (address(tokens[i]), IPriceSource(address(lagging))))
            );
        }
    }

    function _sourceWithBound(uint16 bound) internal returns (ChainlinkPriceSource src) {
        src = new ChainlinkPriceSource(owner, address(usdc), IAggregatorV3(address(0)), 0, bound);
        vm.startPrank(owner);
        for (uint256 i; i < tokens.length; ++i) {
            src.setFeed(address(tokens[i]), IAggregatorV3(address(feeds[i])), 1 days);
        }
        vm.stopPrank();
    }

    /// @dev The market is `lagBps` above every feed. Mallory deposits `assets` at the lagging feeds, waits out the
    /// lock, the feeds catch up, she leaves in kind. Returns what alice lost and what mallory gained, both at market
    /// prices, against the same path without mallory.
    function _laggingRoundTrip(uint256 lagBps, uint256 assets)
        internal
        returns (uint256 honestLoss, uint256 attackerGain)
    {
        uint256 aliceShares = vault.balanceOf(alice);
        uint256 snap = vm.snapshotState();
        _wait(LOCK + 1);
        _catchUp(lagBps);
        uint256 aliceAlone = vault.convertToAssets(aliceShares);
        vm.revertToState(snap);

        uint256 shares = _deposit(mallory, assets);
        _wait(LOCK + 1);
        _catchUp(lagBps);
        vm.prank(mallory);
        (uint256[] memory amounts, uint256 cashOut) = vault.redeemInKind(shares, mallory, mallory);
        uint256 out = cashOut;
        for (uint256 i; i < amounts.length; ++i) {
            out += amounts[i] * oracle.price(address(tokens[i])) / 1e36;
        }
        uint256 aliceAfter = vault.convertToAssets(aliceShares);
        honestLoss = aliceAlone > aliceAfter ? aliceAlone - aliceAfter : 0;
        attackerGain = out > assets ? out - assets : 0;
    }

    /// @dev The feeds catch up with a market `lagBps` above them.
    function _catchUp(uint256 lagBps) internal {
        for (uint256 i; i < tokens.length; ++i) {
            _movePrice(i, 10_000 + lagBps);
        }
    }

    /*//////////////////////////////////////////////////////////////
        FINDING 8: THE OWNER COULD DRAIN THROUGH AN IMMEDIATE SETREBALANCER
    //////////////////////////////////////////////////////////////*/

    /// @notice The drain: the owner swaps in a rebalancer of its own (whose keeper trades through any adapter at any
    /// minOut). Before the fix `setRebalancer` was immediate. Now it runs only as scheduled, two days after the
    /// schedule is public (calldata in the event), so alice leaves in kind first; the guardian may also cancel it.
    function test_finding8_setRebalancerRunsOnlyAsScheduled() public {
        address evil = makeAddr("evilRebalancer");
        bytes memory data = abi.encodeCall(vault.setRebalancer, (evil));
        bytes32 id = keccak256(data);

        vm.startPrank(owner);
        vm.expectRevert(abi.encodeWithSelector(IChangeDelay.ChangeNotScheduled.selector, id));
        vault.setRebalancer(evil);

        uint256 readyAt = block.timestamp + 2 days;
        vm.expectEmit(address(vault));
        emit IChangeDelay.ChangeScheduled(id, data, readyAt);
        assertEq(vault.scheduleChange(data), id);
        vm.expectRevert(abi.encodeWithSelector(IChangeDelay.ChangeNotReady.selector, id, readyAt));
        vault.setRebalancer(evil);
        // The schedule authorises exactly these arguments.
        address other = makeAddr("otherRebalancer");
        vm.expectRevert(
            abi.encodeWithSelector(
                IChangeDelay.ChangeNotScheduled.selector, keccak256(abi.encodeCall(vault.setRebalancer, (other)))
            )
        );
        vault.setRebalancer(other);
        vm.stopPrank();

        // Alice sees it and leaves in kind, needing no oracle and no keeper.
        uint256 aliceShares = vault.balanceOf(alice);
        vm.prank(alice);
        vault.redeemInKind(aliceShares, alice, alice);
        assertEq(vault.balanceOf(alice), 0);

        vm.warp(readyAt);
        vm.expectEmit(address(vault));
        emit IChangeDelay.ChangeExecuted(id);
        vm.prank(owner);
        vault.setRebalancer(evil);
        assertEq(vault.rebalancer(), evil);
        // Consumed: it cannot run twice.
        vm.prank(owner);
        vm.expectRevert(abi.encodeWithSelector(IChangeDelay.ChangeNotScheduled.selector, id));
        vault.setRebalancer(evil);
    }

    /// @notice The guardian cancels a scheduled change; a stranger cannot cancel or schedule; a change not run within
    /// the grace period expires.
    function test_finding8_guardianCancelsAndSchedulesExpire() public {
        address evil = makeAddr("evilRebalancer");
        bytes memory data = abi.encodeCall(vault.setRebalancer, (evil));
        bytes32 id = keccak256(data);
        vm.prank(owner);
        vault.scheduleChange(data);

        vm.prank(mallory);
        vm.expectRevert(abi.encodeWithSelector(IBallastVault.Unauthorized.selector, mallory));
        vault.cancelChange(id);
        vm.prank(mallory);
        vm.expectRevert();
        vault.scheduleChange(data);

        vm.expectEmit(address(vault));
        emit IChangeDelay.ChangeCancelled(id, guardian);
        vm.prank(guardian);
        vault.cancelChange(id);
        assertEq(vault.changeReadyAt(id), 0);
        vm.warp(block.timestamp + 2 days);
        vm.prank(owner);
        vm.expectRevert(abi.encodeWithSelector(IChangeDelay.ChangeNotScheduled.selector, id));
        vault.setRebalancer(evil);

        vm.prank(owner);
        vault.scheduleChange(data);
        uint256 expiredAt = block.timestamp + 2 days + 7 days;
        vm.warp(expiredAt + 1);
        vm.prank(owner);
        vm.expectRevert(abi.encodeWithSelector(IChangeDelay.ChangeExpired.selector, id, expiredAt));
        vault.setRebalancer(evil);
        assertEq(vault.rebalancer(), address(rebalancer));
    }

    /// @notice Every setter that decides who trades for the vault, through what and at which prices is delayed once
    /// the vault is wired: on the vault `setPriceSource`, `listComponent`, `setGuardian`; on the rebalancer
    /// `setConfig`, `setKeeper`, allowing an adapter and `setRedemptionQueue`. Revoking a keeper or an adapter stays
    /// immediate.
    function test_finding8_everyFundMovingSetterIsDelayed() public {
        address token = vault.components()[0].token;
        MockERC20 fresh = new MockERC20("Fresh", "FRESH", 18);
        bytes[] memory vaultCalls = new bytes[](3);
        vaultCalls[0] = abi.encodeCall(vault.setPriceSource, (token, IPriceSource(address(oracle))));
        vaultCalls[1] = abi.encodeCall(vault.listComponent, (address(fresh), IPriceSource(address(oracle)), 1e18));
        vaultCalls[2] = abi.encodeCall(vault.setGuardian, (mallory));
        bytes[] memory rebalancerCalls = new bytes[](4);
        rebalancerCalls[0] = abi.encodeCall(rebalancer.setConfig, (_defaultConfig()));
        rebalancerCalls[1] = abi.encodeCall(rebalancer.setKeeper, (mallory));
        rebalancerCalls[2] = abi.encodeCall(rebalancer.setAdapter, (mallory, true));
        rebalancerCalls[3] = abi.encodeCall(rebalancer.setRedemptionQueue, (queue));
        vm.startPrank(owner);
        for (uint256 i; i < vaultCalls.length; ++i) {
            _assertDelayed(address(vault), vaultCalls[i]);
        }
        for (uint256 i; i < rebalancerCalls.length; ++i) {
            _assertDelayed(address(rebalancer), rebalancerCalls[i]);
        }
        rebalancer.setAdapter(address(rateAdapter), false);
        assertFalse(rebalancer.isAdapter(address(rateAdapter)));
        rebalancer.setKeeper(address(0));
        assertEq(rebalancer.keeper(), address(0));
        vm.stopPrank();
    }

    /// @notice Scheduled, a delayed rebalancer change runs after the delay, and the rebalancer's cancel belongs to the
    /// vault's guardian.
    function test_finding8_rebalancerChangesRunAfterTheDelay() public {
        bytes memory data = abi.encodeCall(rebalancer.setKeeper, (mallory));
        vm.prank(owner);
        bytes32 id = rebalancer.scheduleChange(data);
        vm.warp(block.timestamp + 2 days);
        vm.prank(owner);
        rebalancer.setKeeper(mallory);
        assertEq(rebalancer.keeper(), mallory);

        vm.prank(owner);
        id = rebalancer.scheduleChange(abi.encodeCall(rebalancer.setKeeper, (keeper)));
        vm.prank(guardian);
        rebalancer.cancelChange(id);
        assertEq(rebalancer.changeReadyAt(id), 0);
    }

    /// @notice Before the first `setRebalancer` (the deploy tool's last wiring step) nothing is delayed, and a fresh
    /// rebalancer of a wired vault is delayed from the start (it cannot be reconfigured just before adoption).
    function test_finding8_delayStartsAtWiringAndCoversReplacements() public {
        assertTrue(vault.changeDelayActive());
        BallastRebalancer next = new BallastRebalancer(IBallastVault(address(vault)), owner, keeper, _defaultConfig());
        assertTrue(next.changeDelayActive());
        vm.prank(owner);
        vm.expectRevert(
            abi.encodeWithSelector(
                IChangeDelay.ChangeNotScheduled.selector, keccak256(abi.encodeCall(next.setKeeper, (mallory)))
            )
        );
        next.setKeeper(mallory);

        _deployVault(0, 6);
        assertFalse(vault.changeDelayActive(), "an unwired vault");
        vm.prank(owner);
        vault.setGuardian(mallory);
        assertEq(vault.guardian(), mallory);
    }

    function _assertDelayed(address target, bytes memory data) internal {
        (bool ok, bytes memory ret) = target.call(data);
        assertFalse(ok, "ran without a schedule");
        assertEq(ret, abi.encodeWithSelector(IChangeDelay.ChangeNotScheduled.selector, keccak256(data)));
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
