// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {VaultFixture} from "../utils/VaultFixture.sol";

contract SmokeTest is VaultFixture {
    function setUp() public {
        _deployVault(10, 6);
    }

    function test_depositInvestRedeem() public {
        address alice = makeAddr("alice");
        uint256 shares = _deposit(alice, 10_000e6);
        assertGt(shares, 0);
        uint256 navBefore = vault.totalAssets();
        _investAtTargets();
        assertApproxEqAbs(vault.totalAssets(), navBefore, 20);
        uint256 cashBefore = vault.cash();
        vm.prank(alice);
        (uint256[] memory amounts, uint256 cashOut) = vault.redeemInKind(shares, alice, alice);
        assertEq(amounts.length, 10);
        assertGt(cashOut, 0);
        assertLe(cashOut, cashBefore);
        for (uint256 i; i < 10; ++i) {
            assertEq(tokens[i].balanceOf(alice), amounts[i]);
            assertGt(amounts[i], 0);
        }
    }
}
