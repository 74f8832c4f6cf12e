// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";

import {BallastVault} from "../../src/BallastVault.sol";
import {IBallastVault} from "../../src/interfaces/IBallastVault.sol";
import {ReentrantToken} from "../utils/weird/ReentrantToken.sol";
import {AttackFixture} from "./AttackFixture.sol";

/// @notice Reads the vault in the middle of a token callback (read-only reentrancy).
contract VaultObserver {
    BallastVault internal immutable vault;
    uint256 public totalSupply;
    uint256 public cash;
    uint256[] internal _balances;

    constructor(BallastVault vault_) {
        vault = vault_;
    }

    /// @dev Reads the state every NAV is computed from, without pricing it: a token's transfer gets a fixed gas
    /// allowance in `redeemInKind` (`VaultMath.TRANSFER_GAS`), less than the price-call headroom a priced view needs.
    function observe() external {
        totalSupply = vault.totalSupply();
        cash = vault.cash();
        BallastVault.ComponentView[] memory cs = vault.components();
        delete _balances;
        for (uint256 i; i < cs.length; ++i) {
            _balances.push(cs[i].balance);
        }
    }

    function balances() external view returns (uint256[] memory) {
        return _balances;
    }
}

/// @notice ATTACK 4 — reentrant token. A component (or the asset) calls back during `transfer` / `transferFrom`, and
/// Mallory points the callback at the vault to re-enter `deposit`, `redeem` or `redeemInKind` while an exit is half
/// done. Every entry point is `nonReentrant`: the reentry fails with `ReentrancyGuardReentrantCall`. When the callback
/// swallows that failure the exit completes normally; when it bubbles it, the token's transfer fails and
/// `redeemInKind` defers that amount (claimable later) instead of reverting. Effects precede transfers, so even a view
/// read in the callback sees consistent numbers.
contract ReentrantTokenAttackTest is AttackFixture {
    ReentrantToken internal ret;
    uint256 internal malloryShares;

    function setUp() public {
        _deployVault(2, 6);
        ret = new ReentrantToken(18);
        _listWeird(address(ret), 2000e8, 1e18);
        _setEqualWeights();
        _deposit(bob, 300_000e6);
        _investAtTargets();
        malloryShares = _deposit(mallory, 100_000e6);
        usdc.mint(mallory, 1_000_000e6);
        vm.startPrank(mallory);
        usdc.approve(address(vault), type(uint256).max);
        vault.approve(address(ret), type(uint256).max); // so the callback (sent by the token) may spend her shares
        vm.stopPrank();
        assertEq(address(tokens[2]), address(ret));
    }

    function test_attack_reenterRedeemDuringRedeemInKind_isBlocked() public {
        uint256 half = malloryShares / 2;
        ret.arm(
            address(vault),
            abi.encodeWithSignature("redeem(uint256,address,address)", half, mallory, mallory),
            true,
            false,
            false
        );
        _redeemHalfInKindAndAssertReentryBlocked(half);
    }

    function test_attack_reenterDepositDuringRedeemInKind_isBlocked() public {
        ret.arm(
            address(vault), abi.encodeWithSignature("deposit(uint256,address)", 1000e6, mallory), true, false, false
        );
        _redeemHalfInKindAndAssertReentryBlocked(malloryShares / 2);
    }

    function test_attack_reenterRedeemInKindDuringRedeemInKind_isBlocked() public {
        uint256 half = malloryShares / 2;
        ret.arm(address(vault), abi.encodeCall(vault.redeemInKind, (half, mallory, mallory)), true, false, false);
        _redeemHalfInKindAndAssertReentryBlocked(half);
    }

    function test_attack_reenterClaimOwedDuringRedeemInKind_isBlocked() public {
        ret.arm(address(vault), abi.encodeCall(vault.claimOwed, (address(usdc), mallory)), true, false, false);
        _redeemHalfInKindAndAssertReentryBlocked(malloryShares / 2);
    }

    function test_attack_bubblingReentry_defersTheReentrantTokenOnly() public {
        uint256 half = malloryShares / 2;
        ret.arm(
            address(vault),
            abi.encodeWithSignature("redeem(uint256,address,address)", half, mallory, mallory),
            true,
            false,
            true
        );
        (uint256[] memory preview,) = lens.previewRedeemInKind(vault, half);

        vm.expectEmit(address(vault));
        emit IBallastVault.InKindTransferDeferred(address(ret), mallory, preview[2]);
        vm.prank(mallory);
        (uint256[] memory amounts,) = vault.redeemInKind(half, mallory, mallory);

        assertEq(ret.balanceOf(mallory), 0, "the reverted transfer moved tokens");
        assertEq(vault.owed(mallory, address(ret)), amounts[2]);
        assertEq(tokens[0].balanceOf(mallory), amounts[0], "other components not paid");
        assertEq(vault.balanceOf(mallory), malloryShares - half, "the reentrant redeem burned shares");
        // While the hook still fires (the reverted transfer rolled `fired` back), the claim re-enters and fails too.
        vm.prank(mallory);
        vm.expectRevert(ReentrancyGuardTransient.ReentrancyGuardReentrantCall.selector);
        vault.claimOwed(address(ret), mallory);
        // Later, with the hook disarmed, she claims it.
        ret.disarm();
        vm.prank(mallory);
        assertEq(vault.claimOwed(address(ret), mallory), amounts[2]);
        assertEq(ret.balanceOf(mallory), amounts[2]);
        _assertSolvent();
    }

    function test_attack_readOnlyReentrancy_viewsConsistentInCallback() public {
        VaultObserver obs = new VaultObserver(vault);
        ret.arm(address(obs), abi.encodeCall(obs.observe, ()), true, false, false);
        vm.prank(mallory);
        vault.redeemInKind(malloryShares, mallory, mallory);
        assertTrue(ret.lastSuccess());
        assertEq(obs.totalSupply(), vault.totalSupply(), "supply seen mid-exit differs");
        assertEq(obs.cash(), vault.cash(), "cash seen mid-exit differs");
        uint256[] memory seen = obs.balances();
        BallastVault.ComponentView[] memory cs = vault.components();
        assertEq(seen.length, cs.length);
        for (uint256 i; i < cs.length; ++i) {
            assertEq(seen[i], cs[i].balance, "a balance seen mid-exit differs");
        }
    }

    function test_attack_reenterDepositDuringListingProbe_isBlocked() public {
        ReentrantToken evil = new ReentrantToken(18);
        evil.arm(
            address(vault), abi.encodeWithSignature("deposit(uint256,address)", 1000e6, mallory), false, true, true
        );
        _configureFeed(address(evil), 1e8);
        evil.mint(owner, 1e18);
        vm.startPrank(owner);
        evil.approve(address(vault), 1e18);
        vm.expectRevert(ReentrancyGuardTransient.ReentrancyGuardReentrantCall.selector);
        vault.listComponent(address(evil), oracle, 1e18);
        vm.stopPrank();
    }

    /*//////////////////////////////////////////////////////////////
                     A REENTRANT TOKEN AS THE VAULT ASSET
    //////////////////////////////////////////////////////////////*/

    function test_attack_reentrantAsset_reenterDuringDeposit_isBlocked() public {
        ReentrantToken cashToken = new ReentrantToken(6);
        BallastVault v = _deployVaultWithAsset(address(cashToken));
        cashToken.mint(mallory, 20_000e6);
        vm.startPrank(mallory);
        cashToken.approve(address(v), type(uint256).max);
        uint256 shares = v.deposit(10_000e6, mallory);
        v.approve(address(cashToken), type(uint256).max);
        vm.stopPrank();

        // During the second deposit's transferFrom, re-enter redeem for the first deposit's shares.
        bytes memory reenter = abi.encodeWithSignature("redeem(uint256,address,address)", shares, mallory, mallory);
        cashToken.arm(address(v), reenter, false, true, true);
        vm.prank(mallory);
        vm.expectRevert(ReentrancyGuardTransient.ReentrancyGuardReentrantCall.selector);
        v.deposit(10_000e6, mallory);

        cashToken.arm(address(v), reenter, false, true, false);
        vm.prank(mallory);
        v.deposit(10_000e6, mallory);
        _assertBlocked(cashToken);
        assertEq(cashToken.balanceOf(mallory), 0, "the reentrant redeem paid out");
        assertEq(cashToken.balanceOf(address(v)), v.cash());
    }

    function test_attack_reentrantAsset_reenterDuringRedeemAndInKind_isBlocked() public {
        ReentrantToken cashToken = new ReentrantToken(6);
        BallastVault v = _deployVaultWithAsset(address(cashToken));
        cashToken.mint(mallory, 10_000e6);
        vm.startPrank(mallory);
        cashToken.approve(address(v), type(uint256).max);
        uint256 shares = v.deposit(10_000e6, mallory);
        vm.stopPrank();
        uint256 q = shares / 4;

        // Re-enter deposit during redeem's transfer out.
        cashToken.arm(address(v), abi.encodeWithSignature("deposit(uint256,address)", 1e6, mallory), true, false, false);
        vm.prank(mallory);
        uint256 out = v.redeem(q, mallory, mallory);
        _assertBlocked(cashToken);

        // Re-enter withdraw during redeemInKind's cash payout: swallowed, then bubbled (deferred).
        bytes memory reenter = abi.encodeWithSignature("withdraw(uint256,address,address)", 1e6, mallory, mallory);
        cashToken.arm(address(v), reenter, true, false, false);
        vm.prank(mallory);
        (, uint256 cashOut) = v.redeemInKind(q, mallory, mallory);
        _assertBlocked(cashToken);
        assertEq(cashToken.balanceOf(mallory), out + cashOut);

        cashToken.arm(address(v), reenter, true, false, true);
        vm.prank(mallory);
        (, uint256 deferred) = v.redeemInKind(q, mallory, mallory);
        assertEq(v.owed(mallory, address(cashToken)), deferred);
        assertEq(cashToken.balanceOf(mallory), out + cashOut);
        assertEq(v.balanceOf(mallory), shares - 3 * q);
        assertEq(cashToken.balanceOf(address(v)), v.cash() + deferred);
    }

    /// @dev Mallory redeems `shares` in kind; the armed callback fires during the reentrant token's payout and fails.
    function _redeemHalfInKindAndAssertReentryBlocked(uint256 shares) internal {
        uint256 usdcBefore = usdc.balanceOf(mallory);
        uint256 supplyBefore = vault.totalSupply();
        uint256 cashBefore = vault.cash();
        (uint256[] memory preview, uint256 previewCash) = lens.previewRedeemInKind(vault, shares);
        vm.prank(mallory);
        (uint256[] memory amounts, uint256 cashOut) = vault.redeemInKind(shares, mallory, mallory);
        _assertBlocked(ret);

        // Exactly one exit happened: the in-kind one.
        assertEq(cashOut, previewCash);
        for (uint256 i; i < 3; ++i) {
            assertEq(amounts[i], preview[i]);
            assertEq(tokens[i].balanceOf(mallory), amounts[i]);
        }
        assertEq(vault.balanceOf(mallory), malloryShares - shares);
        assertEq(vault.totalSupply(), supplyBefore - shares);
        assertEq(vault.cash(), cashBefore - cashOut);
        assertEq(usdc.balanceOf(mallory), usdcBefore + cashOut);
        assertEq(vault.owed(mallory, address(ret)), 0);
        _assertSolvent();
    }

    function _assertBlocked(ReentrantToken t) internal view {
        assertTrue(t.fired(), "the callback did not fire");
        assertFalse(t.lastSuccess(), "the reentry succeeded");
        assertEq(
            t.lastReturnData(), abi.encodeWithSelector(ReentrancyGuardTransient.ReentrancyGuardReentrantCall.selector)
        );
    }
}
