// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {VaultFixture} from "../utils/VaultFixture.sol";

/// @notice Gas of every holder entry point at N = 1, 10, 25, 50, 100 invested components, written to
/// `snapshots/BallastVault.json`. Each test runs in isolate mode, so every measured call is its own transaction with
/// cold storage and accounts, as on a real chain. The vault is configured as in production (fees and a share lock on)
/// and fully invested, so every call prices every component.
contract VaultGasTest is VaultFixture {
    address internal alice = makeAddr("alice");
    address internal bob = makeAddr("bob");
    address internal carol = makeAddr("carol");
    address internal dave = makeAddr("dave");
    address internal erin = makeAddr("erin");

    function _setUpN(uint256 n) internal {
        _deployVault(n, 6);
        vm.startPrank(owner);
        vault.setFees(0.005e18, 10, 10);
        vault.setShareLockPeriod(1 hours);
        vm.stopPrank();
        _deposit(carol, 50_000e6);
        _deposit(dave, 50_000e6);
        _deposit(erin, 50_000e6);
        _investAtTargets();
        // Keep enough cash for the cash exits measured below.
        _deposit(makeAddr("liquidity"), 200_000e6);
        vm.warp(block.timestamp + 2 hours);
        _refreshFeeds();
        usdc.mint(alice, 10_000e6);
        usdc.mint(bob, 10_000e6);
        vm.prank(alice);
        usdc.approve(address(vault), type(uint256).max);
        vm.prank(bob);
        usdc.approve(address(vault), type(uint256).max);
    }

    function _measure(uint256 n) internal {
        _setUpN(n);
        string memory suffix = string.concat("_N", vm.toString(n));

        vm.prank(alice);
        vault.deposit(1000e6, alice);
        vm.snapshotGasLastCall("BallastVault", string.concat("deposit", suffix));

        uint256 shares = vault.previewDeposit(1000e6);
        vm.prank(bob);
        vault.mint(shares, bob);
        vm.snapshotGasLastCall("BallastVault", string.concat("mint", suffix));

        vm.prank(carol);
        vault.withdraw(1000e6, carol, carol);
        vm.snapshotGasLastCall("BallastVault", string.concat("withdraw", suffix));

        uint256 daveShares = vault.balanceOf(dave);
        vm.prank(dave);
        vault.redeem(daveShares / 2, dave, dave);
        vm.snapshotGasLastCall("BallastVault", string.concat("redeem", suffix));

        uint256 erinShares = vault.balanceOf(erin);
        vm.prank(erin);
        vault.redeemInKind(erinShares, erin, erin);
        vm.snapshotGasLastCall("BallastVault", string.concat("redeemInKind", suffix));

        // Sanity: the measured calls did what they say.
        assertGt(vault.balanceOf(alice), 0);
        assertEq(vault.balanceOf(bob), shares);
        assertEq(usdc.balanceOf(carol), 1000e6);
        assertEq(vault.balanceOf(erin), 0);
        for (uint256 i; i < n; ++i) {
            assertGt(tokens[i].balanceOf(erin), 0);
        }
    }

    /// forge-config: default.isolate = true
    function test_gas_N1() public {
        _measure(1);
    }

    /// forge-config: default.isolate = true
    function test_gas_N10() public {
        _measure(10);
    }

    /// forge-config: default.isolate = true
    function test_gas_N25() public {
        _measure(25);
    }

    /// forge-config: default.isolate = true
    function test_gas_N50() public {
        _measure(50);
    }

    /// forge-config: default.isolate = true
    function test_gas_N100() public {
        _measure(100);
    }
}
