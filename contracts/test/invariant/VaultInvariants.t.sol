// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {StdInvariant} from "forge-std/StdInvariant.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";

import {BallastVault} from "../../src/BallastVault.sol";
import {VaultFixture} from "../utils/VaultFixture.sol";
import {VaultHandler} from "./VaultHandler.sol";

/// @notice Handler-based invariants of the vault (see `VaultHandler`): accounting, solvency, no value extraction, the
/// in-kind exit always open, views that never revert, and stale prices that close the cash paths and nothing else.
/// Run once per asset decimals (6 and 18) over a 5-component basket.
abstract contract VaultInvariantsBase is VaultFixture {
    uint256 internal constant N = 5;

    VaultHandler internal handler;
    address internal constant DEAD = address(0xdEaD);

    function _assetDecimals() internal pure virtual returns (uint8);

    /// @dev The fixture's basket of `N` components (6-decimal asset).
    function _deployBasket() internal virtual {
        _deployVault(N, _assetDecimals());
    }

    function setUp() public {
        _deployBasket();
        vm.prank(owner);
        vault.setShareLockPeriod(1 hours);
        handler = new VaultHandler(vault, usdc, tokens, feeds, address(this), owner, guardian, feeRecipient);

        bytes4[] memory selectors = new bytes4[](19);
        selectors[0] = VaultHandler.deposit.selector;
        selectors[1] = VaultHandler.deposit.selector; // entries twice as likely as world moves
        selectors[2] = VaultHandler.mint.selector;
        selectors[3] = VaultHandler.withdraw.selector;
        selectors[4] = VaultHandler.redeem.selector;
        selectors[5] = VaultHandler.redeemInKind.selector;
        selectors[6] = VaultHandler.transfer.selector;
        selectors[7] = VaultHandler.roundTrip.selector;
        selectors[8] = VaultHandler.movePrice.selector;
        selectors[9] = VaultHandler.warp.selector;
        selectors[10] = VaultHandler.makeStale.selector;
        selectors[11] = VaultHandler.refreshFeeds.selector;
        selectors[12] = VaultHandler.accrueManagementFee.selector;
        selectors[13] = VaultHandler.donate.selector;
        selectors[14] = VaultHandler.invest.selector;
        selectors[15] = VaultHandler.divest.selector;
        selectors[16] = VaultHandler.setFees.selector;
        selectors[17] = VaultHandler.setShareLockPeriod.selector;
        selectors[18] = VaultHandler.setDepositsPaused.selector;
        targetContract(address(handler));
        targetSelector(StdInvariant.FuzzSelector({addr: address(handler), selectors: selectors}));
    }

    /// @dev Every address that can hold shares: the actors, the fee recipient and the seed holder.
    function _holders() internal view returns (address[] memory h) {
        address[] memory a = handler.actors();
        h = new address[](a.length + 2);
        for (uint256 i; i < a.length; ++i) {
            h[i] = a[i];
        }
        h[a.length] = feeRecipient;
        h[a.length + 1] = DEAD;
    }

    /// @notice The share supply is exactly the sum of every holder's balance.
    function invariant_supplyIsSumOfBalances() public view {
        address[] memory h = _holders();
        uint256 sum;
        for (uint256 i; i < h.length; ++i) {
            sum += vault.balanceOf(h[i]);
        }
        assertEq(vault.totalSupply(), sum, "supply != sum of balances");
        assertEq(vault.balanceOf(DEAD), seedAssets * 10 ** (18 - _assetDecimals()), "seed shares moved");
    }

    /// @notice The accounted cash and component balances are exactly what the actions imply (donations ignored), and
    /// the vault really holds at least that much of every token.
    function invariant_accountingAndSolvency() public view {
        assertEq(vault.cash(), handler.ghostCash(), "cash != replayed cash");
        assertGe(usdc.balanceOf(address(vault)), vault.cash(), "asset balance below accounted cash");
        BallastVault.ComponentView[] memory cs = vault.components();
        uint256[] memory ghosts = handler.ghostBalances();
        for (uint256 i; i < N; ++i) {
            assertEq(cs[i].balance, ghosts[i], "component balance != replayed balance");
            assertGe(tokens[i].balanceOf(address(vault)), cs[i].balance, "token balance below accounted");
            assertEq(vault.owed(address(this), address(tokens[i])), 0);
        }
    }

    /// @notice totalAssets is the cash plus every component valued at its oracle price, rounded down per component,
    /// and the claims of all shares never exceed it.
    function invariant_totalAssetsIsNav() public view {
        (uint256 navAssets, bool valid,) = vault.nav();
        uint256 ta = vault.totalAssets();
        assertEq(ta, navAssets, "totalAssets != nav()");
        if (valid) {
            uint256 expected = vault.cash();
            BallastVault.ComponentView[] memory cs = vault.components();
            for (uint256 i; i < N; ++i) {
                expected += Math.mulDiv(cs[i].balance, handler.markPrice(i), 1e36);
            }
            assertEq(ta, expected, "totalAssets != cash + sum(balance * price)");
        }
        uint256 supply = vault.totalSupply() + vault.pendingManagementFeeShares();
        assertLe(vault.convertToAssets(supply), ta, "all shares claim more than totalAssets");
    }

    /// @notice totalAssets, convert*, max* and previewRedeemInKind never revert; with a price unavailable every max*
    /// is zero (cash paths closed), otherwise previews do not revert either.
    function invariant_viewsNeverRevert() public view {
        (, bool valid,) = vault.nav();
        vault.totalAssets();
        uint256 supply = vault.totalSupply();
        uint256[4] memory amounts = [uint256(0), 1, 10 ** _assetDecimals(), supply];
        for (uint256 k; k < amounts.length; ++k) {
            vault.convertToShares(amounts[k]);
            vault.convertToAssets(amounts[k]);
            lens.previewRedeemInKind(vault, amounts[k]);
            if (valid) {
                vault.previewDeposit(amounts[k]);
                vault.previewMint(amounts[k]);
                vault.previewWithdraw(amounts[k]);
                vault.previewRedeem(amounts[k]);
            }
        }
        address[] memory h = _holders();
        for (uint256 i; i < h.length; ++i) {
            uint256 md = vault.maxDeposit(h[i]);
            uint256 mm = vault.maxMint(h[i]);
            uint256 mw = vault.maxWithdraw(h[i]);
            uint256 mr = vault.maxRedeem(h[i]);
            if (!valid) {
                assertEq(md + mm + mw + mr, 0, "a max* is not zero while a price is unavailable");
            } else {
                assertLe(mr, handler.unlocked(h[i]), "maxRedeem above unlocked shares");
                assertLe(mw, vault.cash(), "maxWithdraw above cash");
            }
        }
        assertEq(bytes(handler.staleMaxNonZero()).length, 0, handler.staleMaxNonZero());
    }

    /// @notice While a price is unavailable deposit, mint, withdraw and redeem are refused.
    function invariant_staleFeedClosesCashPaths() public view {
        assertEq(bytes(handler.staleCashPathAccepted()).length, 0, handler.staleCashPathAccepted());
    }

    /// @notice Every entry and exit gives exactly its preview when nothing changes in between; nothing the limits
    /// allow reverted; locked shares never moved.
    function invariant_previewsExactAndLimitsHonoured() public view {
        assertEq(bytes(handler.previewMismatch()).length, 0, handler.previewMismatch());
        assertEq(bytes(handler.unexpectedRevert()).length, 0, handler.unexpectedRevert());
        assertEq(bytes(handler.lockBypassed()).length, 0, handler.lockBypassed());
        assertEq(handler.maxWithdrawReverted(), 0, "withdraw(maxWithdraw(owner)) reverted");
    }

    /// @notice No user action lowers the price per share (value + 1) / (supply + virtual shares) at fixed prices:
    /// whoever acts bears their own rounding, and nobody can take value from the other holders.
    function invariant_pricePerShareNeverFallsOnUserActions() public view {
        assertEq(bytes(handler.ppsDecreased()).length, 0, handler.ppsDecreased());
    }

    /// @notice No actor ends up with more than a price-neutral benchmark: holdings at mark prices plus everything taken
    /// out, minus everything put in, minus the actor's share of every price move, is at most what other holders'
    /// rounding left to everyone (plus 1e-36 units of floor per operation). Fees, investing and time only lower it.
    /// Deposit-then-exit round trips at unchanged prices never profit, in cash or in kind.
    function invariant_noActorGainsBeyondPriceMoves() public view {
        address[] memory a = handler.actors();
        int256 tolerance = int256(handler.roundingGift36() + 4 * handler.ops());
        for (uint256 i; i < a.length; ++i) {
            int256 gain = int256(handler.holdingValue36(vault.balanceOf(a[i]))) + int256(handler.valueOut36(a[i]))
                - int256(handler.valueIn36(a[i])) - handler.priceGain36(a[i]);
            assertLe(gain, tolerance, "an actor gained beyond price moves");
        }
        assertEq(bytes(handler.roundTripProfit()).length, 0, handler.roundTripProfit());
    }

    /// @notice In-kind redemption never fails: now, every actor can redeem all its unlocked shares in kind (even with a
    /// stale feed); and once the locks expire, every holder can leave in kind in turn (a bank run), the fee recipient
    /// and seed holder included, and the vault's real balances still cover its accounting afterwards.
    function invariant_inKindAlwaysOpen() public {
        assertEq(bytes(handler.inKindFailed()).length, 0, handler.inKindFailed());
        uint256 id = vm.snapshotState();
        address[] memory h = _holders();
        for (uint256 i; i < h.length - 2; ++i) {
            uint256 free = handler.unlocked(h[i]);
            if (free == 0) continue;
            vm.prank(h[i]);
            try vault.redeemInKind(free, h[i], h[i]) {}
            catch {
                assertTrue(false, "redeemInKind of unlocked shares reverted");
            }
        }
        vm.warp(block.timestamp + vault.MAX_SHARE_LOCK() + 1);
        for (uint256 round; round < 2; ++round) {
            // Twice: the exit fees of the first round land on the fee recipient.
            for (uint256 i; i < h.length; ++i) {
                uint256 bal = vault.balanceOf(h[i]);
                if (bal == 0) continue;
                vm.prank(h[i]);
                try vault.redeemInKind(bal, h[i], h[i]) {}
                catch {
                    assertTrue(false, "bank run: redeemInKind reverted");
                }
            }
        }
        assertGe(usdc.balanceOf(address(vault)), vault.cash(), "bank run: cash not covered");
        BallastVault.ComponentView[] memory cs = vault.components();
        for (uint256 i; i < N; ++i) {
            assertGe(tokens[i].balanceOf(address(vault)), cs[i].balance, "bank run: component not covered");
        }
        vm.revertToState(id);
    }

    /// @notice Tells how often each action ran (visible with -vv); asserts the suite exercised the stale paths.
    function afterInvariant() public view {
        assertGt(handler.ops(), 0);
    }
}

contract VaultInvariants6Test is VaultInvariantsBase {
    function _assetDecimals() internal pure override returns (uint8) {
        return 6;
    }
}

contract VaultInvariants18Test is VaultInvariantsBase {
    function _assetDecimals() internal pure override returns (uint8) {
        return 18;
    }
}
