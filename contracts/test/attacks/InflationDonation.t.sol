// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";

import {IBallastVault} from "../../src/interfaces/IBallastVault.sol";
import {AttackFixture} from "./AttackFixture.sol";

/// @notice ATTACK 1 — inflation / donation. Mallory sends stablecoin and components straight to the vault (no deposit)
/// to move the share price before a victim's deposit, or to steal it with the classic first-depositor trick. The vault
/// accounts balances internally, is seeded at deployment and uses virtual shares: donations move nothing, the victim
/// gets exactly the shares it would have got, and only the owner can skim the donation (Mallory loses it).
contract InflationDonationAttackTest is AttackFixture {
    uint256 internal constant VICTIM_DEPOSIT = 10_000e6;

    function setUp() public {
        _deployVault(3, 6);
        _deposit(bob, 100_000e6); // incumbent holder
        _investAtTargets();
    }

    function _donateEverything(uint256 cashAmount, uint256 componentUnits) internal {
        usdc.mint(mallory, cashAmount);
        vm.prank(mallory);
        usdc.transfer(address(vault), cashAmount);
        for (uint256 i; i < tokens.length; ++i) {
            uint256 amount = componentUnits * 10 ** tokens[i].decimals();
            tokens[i].mint(mallory, amount);
            vm.prank(mallory);
            tokens[i].transfer(address(vault), amount);
        }
    }

    function test_attack_donationFrontRun_victimSharesAndValueUnaffected() public {
        uint256 navBefore = vault.totalAssets();
        uint256 expectedShares = vault.previewDeposit(VICTIM_DEPOSIT);
        uint256 ppsBefore = vault.convertToAssets(1e18);

        // Mallory front-runs Alice: $1M of stablecoin and a pile of every component sent straight to the vault.
        _donateEverything(1_000_000e6, 1000);
        assertEq(vault.totalAssets(), navBefore, "donation moved NAV");
        assertEq(vault.convertToAssets(1e18), ppsBefore, "donation moved the share price");

        uint256 shares = _deposit(alice, VICTIM_DEPOSIT);
        assertEq(shares, expectedShares, "victim got different shares");
        // Alice's shares are worth what she paid (less at most a unit per priced component of rounding).
        assertApproxEqAbs(vault.previewRedeem(shares), VICTIM_DEPOSIT, 4);
        assertLe(vault.previewRedeem(shares), VICTIM_DEPOSIT, "victim gained (rounding against the vault)");

        // The donation is not paid out in kind either: Alice's in-kind exit is her pro-rata of the accounted balances.
        (uint256[] memory preview, uint256 previewCash) = lens.previewRedeemInKind(vault, shares);
        vm.prank(alice);
        (uint256[] memory amounts, uint256 cashOut) = vault.redeemInKind(shares, alice, alice);
        assertEq(cashOut, previewCash);
        for (uint256 i; i < tokens.length; ++i) {
            assertEq(amounts[i], preview[i]);
            assertLt(amounts[i], 1000 * 10 ** tokens[i].decimals() / 10, "victim paid out of the donation");
        }
    }

    function test_attack_classicFirstDepositor_onSeededVault() public {
        // A fresh vault: only the seed (1,000 USDC whose shares belong to 0xdEaD forever).
        delete tokens;
        delete feeds;
        _deployVault(0, 6);
        uint256 malloryStart = 1_000_000e6 + 1;
        usdc.mint(mallory, malloryStart);

        // 1. Mallory deposits one base unit, 2. donates $1M to inflate the share price, 3. waits for Alice.
        vm.startPrank(mallory);
        usdc.approve(address(vault), 1);
        uint256 malloryShares = vault.deposit(1, mallory);
        usdc.transfer(address(vault), 1_000_000e6);
        vm.stopPrank();
        assertGt(malloryShares, 0);

        uint256 aliceShares = _deposit(alice, VICTIM_DEPOSIT);
        // Without the donation counting, Alice's shares are ~1e12 per base unit, as for the seed.
        assertApproxEqRel(aliceShares, VICTIM_DEPOSIT * 1e12, 1e12, "victim's shares were diluted");

        // 4. Both leave. Alice gets her deposit back; Mallory only her one unit (at most): the $1M is lost to her.
        vm.prank(alice);
        uint256 aliceOut = vault.redeem(aliceShares, alice, alice);
        assertApproxEqAbs(aliceOut, VICTIM_DEPOSIT, 1);
        vm.prank(mallory);
        uint256 malloryOut = vault.redeem(malloryShares, mallory, mallory);
        assertLe(malloryOut, 1, "attacker got more than her one unit");
        assertLe(usdc.balanceOf(mallory), 1, "attacker recovered her donation");

        // The owner skims the donation to the treasury.
        vm.prank(owner);
        assertEq(vault.skim(address(usdc), treasury), 1_000_000e6);
        assertEq(usdc.balanceOf(treasury), 1_000_000e6);
        _assertSolventExact();
    }

    function test_attack_donation_skimRecoversExactlyTheExcess_ownerOnly() public {
        uint256 cashBefore = vault.cash();
        _donateEverything(50_000e6, 7);

        // Mallory cannot take the donation back, and neither can anyone but the owner.
        vm.prank(mallory);
        vm.expectRevert(abi.encodeWithSelector(Ownable.OwnableUnauthorizedAccount.selector, mallory));
        vault.skim(address(usdc), mallory);
        vm.prank(guardian);
        vm.expectRevert(abi.encodeWithSelector(Ownable.OwnableUnauthorizedAccount.selector, guardian));
        vault.skim(address(usdc), guardian);

        vm.startPrank(owner);
        vm.expectEmit(address(vault));
        emit IBallastVault.Skimmed(address(usdc), treasury, 50_000e6);
        assertEq(vault.skim(address(usdc), treasury), 50_000e6);
        for (uint256 i; i < tokens.length; ++i) {
            assertEq(vault.skim(address(tokens[i]), treasury), 7 * 10 ** tokens[i].decimals());
            assertEq(tokens[i].balanceOf(treasury), 7 * 10 ** tokens[i].decimals());
        }
        // Nothing accounted can be skimmed: a second skim finds no excess.
        vm.expectRevert(IBallastVault.ZeroAmount.selector);
        vault.skim(address(usdc), treasury);
        vm.expectRevert(IBallastVault.ZeroAddress.selector);
        vault.skim(address(usdc), address(0));
        vm.stopPrank();
        assertEq(vault.cash(), cashBefore);
        _assertSolventExact();
    }

    function test_fuzz_attack_donationNeverMovesPricesOrPreviews(uint256 cashAmount, uint256 units, uint256 assets)
        public
    {
        cashAmount = bound(cashAmount, 1, 1e30);
        units = bound(units, 1, 1e9);
        assets = bound(assets, 1e6, 1e12);
        uint256 nav = vault.totalAssets();
        uint256 dep = vault.previewDeposit(assets);
        uint256 mint = vault.previewMint(1e18);
        uint256 red = vault.previewRedeem(1e18);
        uint256 wit = vault.previewWithdraw(assets);
        _donateEverything(cashAmount, units);
        assertEq(vault.totalAssets(), nav);
        assertEq(vault.previewDeposit(assets), dep);
        assertEq(vault.previewMint(1e18), mint);
        assertEq(vault.previewRedeem(1e18), red);
        assertEq(vault.previewWithdraw(assets), wit);
    }

    /// @dev Every real balance equals the accounted one (no excess left after skims).
    function _assertSolventExact() internal view {
        assertEq(usdc.balanceOf(address(vault)), vault.cash());
        for (uint256 i; i < tokens.length; ++i) {
            assertEq(tokens[i].balanceOf(address(vault)), _accounted(i));
        }
    }
}
