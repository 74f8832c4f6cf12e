// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IBallastVault} from "../../src/interfaces/IBallastVault.sol";
import {SpotPool} from "../utils/weird/SpotPool.sol";
import {AttackFixture} from "./AttackFixture.sol";

/// @notice ATTACK 3 — manipulated price and oracle-lag arbitrage.
/// (a) Mallory moves the DEX spot price of a component with one huge swap and sandwiches a deposit/redeem around it:
///     NAV is valued by the heartbeat-checked feed, not the pool, so nothing moves and she earns nothing.
/// (b) Mallory sees the next feed update coming (the price already moved on the markets, the feed lags). She deposits
///     at the lagging price and wants out right after the update. The share lock refuses every exit path for the
///     lock period (withdraw, redeem, redeemInKind, share transfer, through an approved accomplice or a deposit made
///     for an accomplice). The same attack WITHOUT the lock is shown to be profitable, so the lock is what stops it.
/// (c) The lock cannot be turned against a victim: a deposit made for Alice never locks Alice's older shares.
contract ManipulatedPriceAttackTest is AttackFixture {
    uint256 internal constant LOCK = 1 hours;
    uint256 internal constant STAKE = 500_000e6;

    function setUp() public {
        _deployVault(3, 6);
        _deposit(bob, 1_000_000e6);
        _investAtTargets();
        usdc.mint(mallory, STAKE);
        vm.startPrank(mallory);
        usdc.approve(address(vault), type(uint256).max);
        vault.approve(accomplice, type(uint256).max);
        vm.stopPrank();
    }

    /*//////////////////////////////////////////////////////////////
                             (a) DEX SPOT MOVE
    //////////////////////////////////////////////////////////////*/

    function test_attack_dexSpotMove_doesNotMoveNav_sandwichEarnsNothing() public {
        // A pool for component 0 at the oracle price, deep enough to matter.
        SpotPool pool = new SpotPool(tokens[0], usdc);
        uint256 depthToken = _accounted(0);
        uint256 depthQuote = depthToken * oracle.price(address(tokens[0])) / 1e36;
        tokens[0].mint(address(this), depthToken);
        usdc.mint(address(this), depthQuote);
        tokens[0].approve(address(pool), depthToken);
        usdc.approve(address(pool), depthQuote);
        pool.addLiquidity(depthToken, depthQuote);

        uint256 nav = vault.totalAssets();
        uint256 pps = vault.convertToAssets(1e18);

        // Front-run: Mallory deposits, then pumps the pool 9x with a flash-loaned $2M.
        vm.prank(mallory);
        uint256 shares = vault.deposit(STAKE, mallory);
        uint256 flash = 2 * depthQuote;
        usdc.mint(mallory, flash);
        vm.startPrank(mallory);
        usdc.approve(address(pool), flash);
        uint256 bought = pool.buyToken(flash);
        vm.stopPrank();
        assertGt(pool.spotPrice(), 8 * oracle.price(address(tokens[0])), "spot not moved");

        // The vault does not see it.
        assertEq(vault.totalAssets(), nav + STAKE, "NAV followed the spot price");
        assertApproxEqAbs(vault.convertToAssets(1e18), pps, 1);

        // Back-run: redeem, unwind the pump, repay the flash loan.
        vm.startPrank(mallory);
        uint256 out = vault.redeem(shares, mallory, mallory);
        tokens[0].approve(address(pool), bought);
        pool.sellToken(bought);
        vm.stopPrank();
        assertLe(out, STAKE, "redeemed more than deposited");
        assertLe(usdc.balanceOf(mallory), STAKE + flash, "the sandwich was profitable");
    }

    /*//////////////////////////////////////////////////////////////
                          (b) ORACLE-LAG ARBITRAGE
    //////////////////////////////////////////////////////////////*/

    function test_attack_oracleLag_withoutLock_isProfitable() public {
        // Control experiment: no share lock. The attack works, which is why the lock exists.
        vm.prank(mallory);
        uint256 shares = vault.deposit(STAKE, mallory);
        _movePrice(0, 13_000); // the feed catches up: +30% on component 0
        vm.prank(mallory);
        vault.redeem(shares, mallory, mallory);
        assertGt(usdc.balanceOf(mallory), STAKE + 10_000e6, "lag arbitrage should pay without the lock");
    }

    function test_attack_oracleLag_everyExitRefusedWithinLock() public {
        _setLock(LOCK);
        uint256 t0 = block.timestamp;
        vm.prank(mallory);
        uint256 shares = vault.deposit(STAKE, mallory);
        (uint256 locked, uint256 unlockAt) = vault.lockedShares(mallory);
        assertEq(locked, shares);
        assertEq(unlockAt, t0 + LOCK);

        _movePrice(0, 13_000); // the awaited update lands
        vm.warp(t0 + LOCK - 1); // the last second of the lock
        _refreshFeeds();
        bytes memory err = abi.encodeWithSelector(IBallastVault.SharesLocked.selector, mallory, shares, 0, t0 + LOCK);

        assertEq(vault.maxRedeem(mallory), 0);
        assertEq(vault.maxWithdraw(mallory), 0);
        vm.startPrank(mallory);
        vm.expectRevert(err);
        vault.redeem(shares, mallory, mallory);
        vm.expectRevert(err);
        vault.redeem(shares, mallory, mallory, 0);
        uint256 assets = vault.previewRedeem(shares);
        vm.expectPartialRevert(IBallastVault.SharesLocked.selector); // the shares burned depend on rounding
        vault.withdraw(assets, mallory, mallory);
        vm.expectPartialRevert(IBallastVault.SharesLocked.selector);
        vault.withdraw(1e6, mallory, mallory, type(uint256).max);
        vm.expectRevert(err);
        vault.redeemInKind(shares, mallory, mallory);
        vm.expectRevert(err);
        vault.transfer(accomplice, shares);
        vm.expectRevert(abi.encodeWithSelector(IBallastVault.SharesLocked.selector, mallory, 1, 0, t0 + LOCK));
        vault.transfer(accomplice, 1);
        vm.stopPrank();
        vm.startPrank(accomplice);
        vm.expectRevert(err);
        vault.transferFrom(mallory, accomplice, shares);
        vm.expectRevert(err);
        vault.redeemInKind(shares, accomplice, mallory);
        vm.stopPrank();

        // After the lock, the exit works — Mallory carried the price risk for the whole period.
        vm.warp(t0 + LOCK);
        _refreshFeeds();
        (locked,) = vault.lockedShares(mallory);
        assertEq(locked, 0);
        vm.prank(mallory);
        vault.transfer(accomplice, shares);
        assertEq(vault.balanceOf(accomplice), shares);
    }

    function test_attack_oracleLag_withdrawAndRedeemRevertWithSharesLocked_whenCashIsAmple() public {
        // Cash is ample, so the lock itself (not the cash cap) must refuse the burn: Mallory holds older free shares
        // too, and asks for one share more than those.
        _setLock(LOCK);
        vm.prank(mallory);
        uint256 old = vault.deposit(100_000e6, mallory);
        vm.warp(block.timestamp + LOCK);
        _refreshFeeds();
        vm.prank(mallory);
        uint256 fresh = vault.deposit(100_000e6, mallory);
        uint256 until = block.timestamp + LOCK;
        _movePrice(0, 13_000);

        assertEq(vault.maxRedeem(mallory), old, "only the old shares are free");
        vm.startPrank(mallory);
        vm.expectRevert(abi.encodeWithSelector(IBallastVault.SharesLocked.selector, mallory, old + 1, old, until));
        vault.redeem(old + 1, mallory, mallory);
        uint256 assets = vault.previewRedeem(old + 1e12);
        vm.expectPartialRevert(IBallastVault.SharesLocked.selector); // the shares burned depend on rounding
        vault.withdraw(assets, mallory, mallory);
        vault.redeem(old, mallory, mallory); // the free part leaves
        vm.stopPrank();
        assertEq(vault.balanceOf(mallory), fresh);
    }

    function test_attack_oracleLag_depositForAccomplice_isLockedToo() public {
        _setLock(LOCK);
        vm.prank(mallory);
        uint256 shares = vault.deposit(STAKE, accomplice); // a "gift" to an address Mallory controls
        _movePrice(0, 13_000);
        (uint256 locked, uint256 until) = vault.lockedShares(accomplice);
        assertEq(locked, shares);
        vm.startPrank(accomplice);
        vm.expectRevert(abi.encodeWithSelector(IBallastVault.SharesLocked.selector, accomplice, shares, 0, until));
        vault.redeemInKind(shares, accomplice, accomplice);
        vm.expectRevert(abi.encodeWithSelector(IBallastVault.SharesLocked.selector, accomplice, shares, 0, until));
        vault.transfer(mallory, shares);
        vm.stopPrank();
    }

    function test_attack_oracleLag_mintPathIsLockedToo() public {
        _setLock(LOCK);
        vm.prank(mallory);
        vault.mint(100_000e18, mallory);
        (uint256 locked,) = vault.lockedShares(mallory);
        assertEq(locked, 100_000e18);
        assertEq(vault.maxRedeem(mallory), 0);
    }

    function test_fuzz_attack_oracleLag_lockedUntilExactlyUnlockAt(uint256 wait) public {
        _setLock(LOCK);
        wait = bound(wait, 0, 2 * LOCK);
        uint256 t0 = block.timestamp;
        vm.prank(mallory);
        uint256 shares = vault.deposit(STAKE, mallory);
        vm.warp(t0 + wait);
        vm.prank(mallory);
        if (wait < LOCK) {
            vm.expectRevert(abi.encodeWithSelector(IBallastVault.SharesLocked.selector, mallory, shares, 0, t0 + LOCK));
        }
        vault.redeemInKind(shares, mallory, mallory);
    }

    /*//////////////////////////////////////////////////////////////
                         (c) NO GRIEFING BY THE LOCK
    //////////////////////////////////////////////////////////////*/

    function test_attack_depositForVictim_neverLocksVictimsOlderShares() public {
        _setLock(LOCK);
        uint256 aliceShares = _deposit(alice, 50_000e6); // locked by her own deposit
        vm.warp(block.timestamp + LOCK - 10);
        _refreshFeeds();

        // Mallory "gifts" Alice dust just before her lock ends, and tries again and again: while her gift is locked,
        // a further gift is refused (it would extend the lock), so the gift stays the only locked shares.
        vm.prank(mallory);
        uint256 gifted = vault.deposit(1, alice);
        uint256 giftUnlock = block.timestamp + LOCK;
        for (uint256 k; k < 3; ++k) {
            vm.warp(block.timestamp + 20);
            _refreshFeeds();
            vm.prank(mallory);
            vm.expectRevert(abi.encodeWithSelector(IBallastVault.GiftedSharesLocked.selector, alice, giftUnlock));
            vault.deposit(1, alice);

            // Alice's own shares are free the moment her own lock ends; only the gift is locked.
            (uint256 locked,) = vault.lockedShares(alice);
            assertEq(locked, gifted, "gift locked the victim's own shares");
            assertEq(vault.balanceOf(alice) - locked, aliceShares);
        }

        // Every exit path is open to Alice for her own shares: a transfer, a cash redeem, an in-kind redeem.
        vm.startPrank(alice);
        vault.transfer(bob, aliceShares / 4);
        vault.redeem(aliceShares / 4, alice, alice);
        vault.redeemInKind(aliceShares - 2 * (aliceShares / 4), alice, alice);
        vm.stopPrank();
        assertEq(vault.balanceOf(alice), gifted);
    }

    function test_attack_depositForVictim_neverLocksVictimsUnlockedShares() public {
        _setLock(LOCK);
        uint256 aliceShares = _deposit(alice, 50_000e6);
        vm.warp(block.timestamp + 2 days);
        _refreshFeeds();
        vm.prank(mallory);
        vault.deposit(STAKE, alice); // a big gift, locked
        assertEq(vault.maxRedeem(alice), aliceShares);
        vm.prank(alice);
        vault.redeemInKind(aliceShares, alice, alice);
    }
}
