// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {VaultFixture} from "../utils/VaultFixture.sol";

/// @notice Regressions of defects found by the invariant and property suites, each fixed in the vault: every test here
/// failed on the vault before its fix. (Finding 1, withdraw(maxWithdraw) reverting under an exit fee, is covered by the
/// properties `test_fuzz_maxWithdraw_honoured` and the invariant handler's probe.)
contract FindingsRegressionTest is VaultFixture {
    address internal alice = makeAddr("alice");
    address internal mallory = makeAddr("mallory");

    function setUp() public {
        _deployVault(5, 6);
    }

    /// @notice FINDING 2 (availability): `VaultMath.MAX_PRICE = type(uint160).max` (~1.46e48) is far too small for an
    /// 18-decimal asset (DAI, USDS, ...): the 1e36-scaled price of one base unit of an 8-decimal token worth $60,000 is
    /// 6e50, of a 6-decimal token worth $1.50 it is 1.5e48. Such components cannot be listed, and a listed 6-decimal
    /// token worth $1.00 (1e48) becomes "invalid" after a 50% rise: NAV turns invalid and every cash entry and exit
    /// of the vault is closed until the price falls back. The comment's overflow argument does not need the cap:
    /// `_nav` uses `mulDiv(bal, p, 1e36)` (512-bit intermediate).
    /// Fixed (VaultMath): MAX_PRICE raised so that only the RESULT must fit, e.g. MAX_PRICE = 1e36 * 2**96 (with balances
    /// below 2^128 and at most 256 components, sum(bal * p / 1e36) < 2^232), or scale the cap by the asset decimals.
    function test_finding2_maxPriceBlocks18DecimalAsset_listing() public {
        delete tokens;
        delete feeds;
        _deployVault(0, 18);
        _addComponent(8, 60_000e8); // a WBTC-like component in a DAI-denominated vault: reverts InvalidPrice
    }

    function test_finding2_maxPriceBlocks18DecimalAsset_priceRiseFreezesCashPaths() public {
        delete tokens;
        delete feeds;
        _deployVault(0, 18);
        _addComponent(6, 1e8); // a $1.00 6-decimal token: price 1e48, just below the cap
        uint64[] memory w = new uint64[](1);
        w[0] = 0.5e18;
        vm.prank(owner);
        vault.setTargetWeights(w, 0.5e18);
        _deposit(alice, 10_000e18);
        _investAtTargets();
        _movePrice(0, 15_000); // +50%: a fresh, valid feed answer
        (, bool valid, address invalid) = vault.nav();
        assertTrue(valid, "a fresh +50% price makes the component invalid");
        assertEq(invalid, address(0));
        assertGt(vault.maxWithdraw(alice), 0, "cash exits closed by a fresh price");
    }

    /// @notice FINDING 3 (griefing, contradicts the IBallastVault SHARE LOCK note): anyone can re-lock ALL of a
    /// victim's still-locked shares for a full period with a 1-base-unit deposit made for the victim, because
    /// `_lockShares` merges the new shares into the existing lock and moves its `unlockAt` to now + period. Repeated
    /// just before each expiry (cost: one base unit and gas), the victim's deposit stays locked indefinitely, for every
    /// exit path including `redeemInKind`.
    /// Fixed (BallastVault._lockShares / _activeLock): keep a separate bucket for shares minted by
    /// third-party deposits (`msg.sender != receiver`): Lock {uint128 own; uint64 ownUnlockAt; uint128 gifted;
    /// uint64 giftedUnlockAt} — a deposit extends only its own bucket, so a gift can re-lock only gifted shares, while
    /// a deposit into an address one controls is still locked a full period.
    function test_finding3_dustDepositForVictimRelocksVictimsShares() public {
        vm.prank(owner);
        vault.setShareLockPeriod(1 days);
        uint256 shares = _deposit(alice, 10_000e6);
        vm.warp(block.timestamp + 1 days - 60);
        _refreshFeeds();
        usdc.mint(mallory, 1);
        vm.startPrank(mallory);
        usdc.approve(address(vault), 1);
        uint256 gifted = vault.deposit(1, alice); // one base unit "for" alice
        vm.stopPrank();
        vm.warp(block.timestamp + 120); // alice's own lock has expired
        vm.prank(alice);
        vault.redeemInKind(shares, alice, alice); // reverted SharesLocked before the fix
        assertEq(vault.balanceOf(alice), gifted, "only the gifted shares stay (locked)");
    }

    /// @notice FINDING 4 (low, EIP-4626 maxRedeem): `maxRedeem` returns share dust worth less than one asset unit, and
    /// `redeem(maxRedeem(owner))` then reverts with `ZeroAmount`. Fix: in `maxRedeem`, return 0 when
    /// `_redeemAssets(max, ...)` is 0 (done).
    function test_finding4_maxRedeemOfDustReverts() public {
        _deposit(alice, 10_000e6);
        vm.prank(alice);
        vault.transfer(mallory, 1); // 1 share = 1e-12 of a unit
        assertEq(vault.maxRedeem(mallory), 0, "dust worth nothing is not redeemable, so max is 0");
        vm.prank(mallory);
        vm.expectRevert(); // and redeeming it would indeed revert (zero assets)
        vault.redeem(1, mallory, mallory);
    }
}
