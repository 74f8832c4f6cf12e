// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";

import {BallastVault} from "../../src/BallastVault.sol";
import {IBallastVault} from "../../src/interfaces/IBallastVault.sol";
import {IPriceSource} from "../../src/interfaces/IPriceSource.sol";
import {ISwapAdapter} from "../../src/interfaces/ISwapAdapter.sol";
import {IAggregatorV3} from "../../src/interfaces/IAggregatorV3.sol";
import {ChainlinkPriceSource} from "../../src/oracles/ChainlinkPriceSource.sol";
import {MockAggregator} from "../../src/oracles/MockAggregator.sol";
import {VaultFixture} from "../utils/VaultFixture.sol";
import {MockERC20} from "../utils/MockERC20.sol";

/// @notice Roles of every administrative function: who may call it (owner, guardian, rebalancer), who may not (with
/// the exact error), its validation errors, its effect and its event.
contract AdminTest is VaultFixture {
    address internal mallory = makeAddr("mallory");
    address internal rebalancer = makeAddr("rebalancer");
    address internal treasury = makeAddr("treasury");

    function setUp() public {
        _deployVault(3, 6);
    }

    /*//////////////////////////////////////////////////////////////
                                  ROLES
    //////////////////////////////////////////////////////////////*/

    /// @dev Every owner-only function refuses the guardian, the keeper and a stranger.
    function test_ownerOnlyFunctions_refuseEveryoneElse() public {
        address[3] memory others = [guardian, keeper, mallory];
        uint64[] memory w = new uint64[](3);
        for (uint256 k; k < others.length; ++k) {
            address who = others[k];
            bytes memory err = abi.encodeWithSelector(Ownable.OwnableUnauthorizedAccount.selector, who);
            vm.startPrank(who);
            vm.expectRevert(err);
            vault.listComponent(address(1), oracle, 10_000);
            vm.expectRevert(err);
            vault.delistComponent(address(tokens[0]));
            vm.expectRevert(err);
            vault.setPriceSource(address(tokens[0]), oracle);
            vm.expectRevert(err);
            vault.setFees(0, 0, 0);
            vm.expectRevert(err);
            vault.setFeeRecipient(who);
            vm.expectRevert(err);
            vault.setDepositLimits(0, 0);
            vm.expectRevert(err);
            vault.setShareLockPeriod(1);
            vm.expectRevert(err);
            vault.setGuardian(who);
            vm.expectRevert(err);
            vault.setRebalancer(who);
            vm.expectRevert(err);
            vault.skim(address(usdc), who);
            vm.expectRevert(err);
            vault.transferOwnership(who);
            vm.expectRevert(abi.encodeWithSelector(IBallastVault.Unauthorized.selector, who));
            vault.setTargetWeights(w, 1e18);
            vm.stopPrank();
        }
    }

    function test_pauses_byGuardianOrOwnerOnly() public {
        address[2] memory allowed = [guardian, owner];
        for (uint256 k; k < allowed.length; ++k) {
            address who = allowed[k];
            vm.startPrank(who);
            vm.expectEmit(address(vault));
            emit IBallastVault.DepositsPausedSet(who, true);
            vault.setDepositsPaused(true);
            assertTrue(vault.depositsPaused());
            vm.expectEmit(address(vault));
            emit IBallastVault.DepositsPausedSet(who, false);
            vault.setDepositsPaused(false);
            assertFalse(vault.depositsPaused());
            vm.expectEmit(address(vault));
            emit IBallastVault.RebalancingPausedSet(who, true);
            vault.setRebalancingPaused(true);
            assertTrue(vault.rebalancingPaused());
            vault.setRebalancingPaused(false);
            vm.stopPrank();
        }
        address[3] memory refused = [keeper, mallory, rebalancer];
        vm.prank(owner);
        vault.setRebalancer(rebalancer);
        for (uint256 k; k < refused.length; ++k) {
            address who = refused[k];
            vm.startPrank(who);
            vm.expectRevert(abi.encodeWithSelector(IBallastVault.Unauthorized.selector, who));
            vault.setDepositsPaused(true);
            vm.expectRevert(abi.encodeWithSelector(IBallastVault.Unauthorized.selector, who));
            vault.setRebalancingPaused(true);
            vm.stopPrank();
        }
    }

    function test_depositsPaused_blocksEntriesNotExits() public {
        uint256 shares = _deposit(mallory, 1000e6);
        vm.prank(guardian);
        vault.setDepositsPaused(true);
        assertEq(vault.maxDeposit(mallory), 0);
        assertEq(vault.maxMint(mallory), 0);
        usdc.mint(mallory, 1000e6);
        vm.startPrank(mallory);
        usdc.approve(address(vault), 1000e6);
        vm.expectRevert(IBallastVault.DepositsPaused.selector);
        vault.deposit(1000e6, mallory);
        vm.expectRevert(IBallastVault.DepositsPaused.selector);
        vault.mint(1e18, mallory);
        vault.redeem(shares / 2, mallory, mallory);
        vault.redeemInKind(vault.balanceOf(mallory), mallory, mallory);
        vm.stopPrank();
    }

    function test_rebalancingPaused_blocksTrades() public {
        vm.startPrank(owner);
        vault.setRebalancer(rebalancer);
        vault.setRebalancingPaused(true);
        vm.stopPrank();
        vm.prank(rebalancer);
        vm.expectRevert(IBallastVault.RebalancingPaused.selector);
        vault.executeTrade(ISwapAdapter(address(1)), address(usdc), address(tokens[0]), 1, 0, "");
    }

    function test_setGuardian_newGuardianMayPause_oldMayNot() public {
        address newGuardian = makeAddr("newGuardian");
        vm.expectEmit(address(vault));
        emit IBallastVault.GuardianSet(newGuardian);
        vm.prank(owner);
        vault.setGuardian(newGuardian);
        assertEq(vault.guardian(), newGuardian);
        vm.prank(guardian);
        vm.expectRevert(abi.encodeWithSelector(IBallastVault.Unauthorized.selector, guardian));
        vault.setDepositsPaused(true);
        vm.prank(newGuardian);
        vault.setDepositsPaused(true);
    }

    function test_setRebalancer_emits() public {
        vm.startPrank(owner);
        vm.expectEmit(address(vault));
        emit IBallastVault.RebalancerSet(rebalancer);
        vault.setRebalancer(rebalancer);
        vm.stopPrank();
        assertEq(vault.rebalancer(), rebalancer);
        // The rebalancer may set targets; nobody else but the owner.
        uint64[] memory w = new uint64[](3);
        vm.prank(rebalancer);
        vault.setTargetWeights(w, 1e18);
        vm.prank(mallory);
        vm.expectRevert(abi.encodeWithSelector(IBallastVault.Unauthorized.selector, mallory));
        vault.setTargetWeights(w, 1e18);
    }

    function test_ownership_isTwoStep() public {
        vm.prank(owner);
        vault.transferOwnership(mallory);
        assertEq(vault.owner(), owner, "ownership moved before acceptance");
        vm.prank(guardian);
        vm.expectRevert(abi.encodeWithSelector(Ownable.OwnableUnauthorizedAccount.selector, guardian));
        vault.acceptOwnership();
        vm.prank(mallory);
        vault.acceptOwnership();
        assertEq(vault.owner(), mallory);
        vm.prank(owner);
        vm.expectRevert(abi.encodeWithSelector(Ownable.OwnableUnauthorizedAccount.selector, owner));
        vault.setShareLockPeriod(1);
    }

    /*//////////////////////////////////////////////////////////////
                                 LISTING
    //////////////////////////////////////////////////////////////*/

    function _newToken(uint8 dec) internal returns (MockERC20 t) {
        t = new MockERC20("New", "NEW", dec);
        MockAggregator feed = new MockAggregator(8, "NEW/USD", 2e8);
        vm.prank(owner);
        oracle.setFeed(address(t), IAggregatorV3(address(feed)), HEARTBEAT);
        t.mint(owner, 1e6);
        vm.prank(owner);
        t.approve(address(vault), type(uint256).max);
    }

    function test_listComponent_emitsAndAppends() public {
        MockERC20 t = _newToken(9);
        vm.expectEmit(address(vault));
        emit IBallastVault.ComponentListed(address(t), address(oracle), 9);
        vm.prank(owner);
        vault.listComponent(address(t), oracle, 1e6);
        assertEq(vault.componentCount(), 4);
        IBallastVault.ComponentView memory c = vault.components()[3];
        assertEq(c.token, address(t));
        assertEq(c.source, address(oracle));
        assertEq(c.decimals, 9);
        assertEq(c.targetWeight, 0);
        assertEq(c.balance, 0);
        assertEq(t.balanceOf(owner), 1e6, "probe not returned");
    }

    function test_listComponent_errors() public {
        MockERC20 t = _newToken(18);
        vm.startPrank(owner);
        vm.expectRevert(IBallastVault.ZeroAddress.selector);
        vault.listComponent(address(0), oracle, 10_000);
        vm.expectRevert(abi.encodeWithSelector(IBallastVault.InvalidToken.selector, address(usdc)));
        vault.listComponent(address(usdc), oracle, 10_000);
        vm.expectRevert(abi.encodeWithSelector(IBallastVault.InvalidToken.selector, mallory));
        vault.listComponent(mallory, oracle, 10_000); // no code
        vm.expectRevert(abi.encodeWithSelector(IBallastVault.AlreadyListed.selector, address(tokens[1])));
        vault.listComponent(address(tokens[1]), oracle, 10_000);
        vm.expectRevert(abi.encodeWithSelector(IBallastVault.ProbeTooSmall.selector, 0, 10_000));
        vault.listComponent(address(t), oracle, 0);
        vm.expectRevert(abi.encodeWithSelector(IBallastVault.ProbeTooSmall.selector, 9999, 10_000));
        vault.listComponent(address(t), oracle, 9999);
        vm.expectRevert(IBallastVault.ZeroAddress.selector);
        vault.listComponent(address(t), IPriceSource(address(0)), 10_000);
        vm.stopPrank();

        MockERC20 tooPrecise = new MockERC20("X", "X", 37);
        vm.prank(owner);
        vm.expectRevert(abi.encodeWithSelector(IBallastVault.InvalidToken.selector, address(tooPrecise)));
        vault.listComponent(address(tooPrecise), oracle, 10_000);

        MockERC20 unpriced = new MockERC20("U", "U", 18);
        vm.prank(owner);
        vm.expectRevert(abi.encodeWithSelector(IBallastVault.InvalidPrice.selector, address(unpriced), address(oracle)));
        vault.listComponent(address(unpriced), oracle, 10_000);

        ChainlinkPriceSource otherQuote = new ChainlinkPriceSource(owner, address(t), IAggregatorV3(address(0)), 0, 0);
        vm.prank(owner);
        vm.expectRevert(
            abi.encodeWithSelector(IBallastVault.QuoteAssetMismatch.selector, address(otherQuote), address(t))
        );
        vault.listComponent(address(t), otherQuote, 10_000);
    }

    function test_delistComponent_refusesNonEmpty() public {
        _deposit(mallory, 10_000e6);
        _investAtTargets();
        (uint256 bal, uint64 weight,) = vault.component(address(tokens[0]));
        assertGt(bal, 0);
        vm.prank(owner);
        vm.expectRevert(
            abi.encodeWithSelector(IBallastVault.ComponentNotEmpty.selector, address(tokens[0]), bal, weight)
        );
        vault.delistComponent(address(tokens[0]));

        // Zero balance but a target weight: still refused.
        MockERC20 t = _newToken(18);
        vm.startPrank(owner);
        vault.listComponent(address(t), oracle, 10_000);
        uint64[] memory w = new uint64[](4);
        w[3] = 0.1e18;
        vault.setTargetWeights(w, 0.9e18);
        vm.expectRevert(abi.encodeWithSelector(IBallastVault.ComponentNotEmpty.selector, address(t), 0, 0.1e18));
        vault.delistComponent(address(t));
        vm.expectRevert(abi.encodeWithSelector(IBallastVault.NotListed.selector, mallory));
        vault.delistComponent(mallory);
        vm.stopPrank();
    }

    function test_delistComponent_swapAndPop() public {
        address a = address(tokens[0]);
        address b = address(tokens[1]);
        address c = address(tokens[2]);
        uint64[] memory zero = new uint64[](3);
        vm.startPrank(owner);
        vault.setTargetWeights(zero, 1e18);
        vm.expectEmit(address(vault));
        emit IBallastVault.ComponentDelisted(a);
        vault.delistComponent(a);
        vm.stopPrank();

        // The last component moved into the freed slot: [c, b].
        IBallastVault.ComponentView[] memory cs = vault.components();
        assertEq(cs.length, 2);
        assertEq(cs[0].token, c);
        assertEq(cs[1].token, b);
        vm.expectRevert(abi.encodeWithSelector(IBallastVault.NotListed.selector, a));
        vault.component(a);
        // The moved component's index was updated: weights and lookups land on the right token.
        uint64[] memory w = new uint64[](2);
        w[0] = 0.3e18;
        w[1] = 0.2e18;
        vm.prank(owner);
        vault.setTargetWeights(w, 0.5e18);
        (, uint64 wc,) = vault.component(c);
        (, uint64 wb,) = vault.component(b);
        assertEq(wc, 0.3e18);
        assertEq(wb, 0.2e18);

        // Delisting the last one needs no swap; a delisted token can be listed again (at the end).
        w = new uint64[](2);
        vm.startPrank(owner);
        vault.setTargetWeights(w, 1e18);
        vault.delistComponent(b);
        tokens[0].mint(owner, 10_000);
        tokens[0].approve(address(vault), 10_000);
        vault.listComponent(a, oracle, 10_000);
        vm.stopPrank();
        cs = vault.components();
        assertEq(cs.length, 2);
        assertEq(cs[0].token, c);
        assertEq(cs[1].token, a);
    }

    /*//////////////////////////////////////////////////////////////
                               PRICE SOURCE
    //////////////////////////////////////////////////////////////*/

    function test_setPriceSource_checksAndEmits() public {
        ChainlinkPriceSource second = new ChainlinkPriceSource(owner, address(usdc), IAggregatorV3(address(0)), 0, 0);
        address token = address(tokens[1]);
        vm.startPrank(owner);
        vm.expectRevert(abi.encodeWithSelector(IBallastVault.NotListed.selector, mallory));
        vault.setPriceSource(mallory, second);
        vm.expectRevert(IBallastVault.ZeroAddress.selector);
        vault.setPriceSource(token, IPriceSource(address(0)));
        // The new source must price the token now.
        vm.expectRevert(abi.encodeWithSelector(IBallastVault.InvalidPrice.selector, token, address(second)));
        vault.setPriceSource(token, second);
        second.setFeed(token, IAggregatorV3(address(feeds[1])), HEARTBEAT);

        ChainlinkPriceSource wrongQuote =
            new ChainlinkPriceSource(owner, address(tokens[0]), IAggregatorV3(address(0)), 0, 0);
        vm.expectRevert(
            abi.encodeWithSelector(IBallastVault.QuoteAssetMismatch.selector, address(wrongQuote), address(tokens[0]))
        );
        vault.setPriceSource(token, wrongQuote);

        vm.expectEmit(address(vault));
        emit IBallastVault.PriceSourceSet(token, address(second));
        vault.setPriceSource(token, second);
        vm.stopPrank();
        (,, address source) = vault.component(token);
        assertEq(source, address(second));
        assertEq(vault.components()[0].source, address(oracle), "another component's source changed");
    }

    /*//////////////////////////////////////////////////////////////
                              TARGET WEIGHTS
    //////////////////////////////////////////////////////////////*/

    function test_setTargetWeights_errorsAndEvent() public {
        vm.startPrank(owner);
        vm.expectRevert(abi.encodeWithSelector(IBallastVault.WeightsLengthMismatch.selector, 3, 2));
        vault.setTargetWeights(new uint64[](2), 1e18);
        uint64[] memory w = new uint64[](3);
        w[0] = 0.2e18;
        w[1] = 0.3e18;
        w[2] = 0.4e18;
        vm.expectRevert(abi.encodeWithSelector(IBallastVault.WeightsSumMismatch.selector, 1e18 + 1));
        vault.setTargetWeights(w, 0.1e18 + 1);
        vm.expectRevert(abi.encodeWithSelector(IBallastVault.WeightsSumMismatch.selector, 1e18 - 1));
        vault.setTargetWeights(w, 0.1e18 - 1);
        vm.expectEmit(address(vault));
        emit IBallastVault.TargetWeightsSet(w, 0.1e18);
        vault.setTargetWeights(w, 0.1e18);
        vm.stopPrank();
        assertEq(vault.cashTargetWeight(), 0.1e18);
        for (uint256 i; i < 3; ++i) {
            assertEq(vault.components()[i].targetWeight, w[i]);
        }
    }

    /*//////////////////////////////////////////////////////////////
                                   FEES
    //////////////////////////////////////////////////////////////*/

    function test_setFees_capsAndEvent() public {
        vm.startPrank(owner);
        vm.expectRevert(abi.encodeWithSelector(IBallastVault.FeeAboveCap.selector, 0.05e18 + 1, 0.05e18));
        vault.setFees(0.05e18 + 1, 0, 0);
        vm.expectRevert(abi.encodeWithSelector(IBallastVault.FeeAboveCap.selector, 101, 100));
        vault.setFees(0, 101, 0);
        vm.expectRevert(abi.encodeWithSelector(IBallastVault.FeeAboveCap.selector, 101, 100));
        vault.setFees(0, 0, 101);
        vm.expectEmit(address(vault));
        emit IBallastVault.FeesSet(0.05e18, 100, 100);
        vault.setFees(0.05e18, 100, 100);
        vm.stopPrank();
        IBallastVault.FeeConfig memory f = vault.feeConfig();
        assertEq(f.managementFeeWad, 0.05e18);
        assertEq(f.entryFeeBps, 100);
        assertEq(f.exitFeeBps, 100);
        assertEq(f.recipient, feeRecipient);
    }

    function test_setFees_accruesAtTheOldRateFirst() public {
        vm.prank(owner);
        vault.setFees(0.02e18, 0, 0);
        vm.warp(block.timestamp + 365 days);
        uint256 supply = vault.totalSupply();
        uint256 expected = Math.mulDiv(supply, 0.02e18, 0.98e18);
        assertEq(vault.pendingManagementFeeShares(), expected);

        vm.expectEmit(address(vault));
        emit IBallastVault.ManagementFeeAccrued(feeRecipient, expected, 365 days);
        vm.prank(owner);
        vault.setFees(0, 0, 0);
        assertEq(vault.balanceOf(feeRecipient), expected, "not accrued at the old rate");
        assertEq(vault.feeConfig().lastAccrual, block.timestamp);

        vm.warp(block.timestamp + 365 days);
        assertEq(vault.pendingManagementFeeShares(), 0, "accrues at the new (zero) rate");
    }

    function test_setFeeRecipient_accruesToTheOldRecipientFirst() public {
        vm.prank(owner);
        vault.setFees(0.05e18, 0, 0);
        vm.warp(block.timestamp + 100 days);
        uint256 pending = vault.pendingManagementFeeShares();
        assertGt(pending, 0);

        vm.prank(owner);
        vm.expectRevert(IBallastVault.ZeroAddress.selector);
        vault.setFeeRecipient(address(0));
        vm.expectEmit(address(vault));
        emit IBallastVault.FeeRecipientSet(treasury);
        vm.prank(owner);
        vault.setFeeRecipient(treasury);
        assertEq(vault.balanceOf(feeRecipient), pending);
        assertEq(vault.balanceOf(treasury), 0);
        assertEq(vault.feeConfig().recipient, treasury);

        vm.warp(block.timestamp + 100 days);
        vm.prank(mallory); // anyone may accrue
        vault.accrueManagementFee();
        assertGt(vault.balanceOf(treasury), 0);
        assertEq(vault.balanceOf(feeRecipient), pending);
    }

    /*//////////////////////////////////////////////////////////////
                        LIMITS, LOCK, SKIM
    //////////////////////////////////////////////////////////////*/

    function test_setDepositLimits_emitsAndApplies() public {
        uint256 nav = vault.totalAssets();
        vm.expectEmit(address(vault));
        emit IBallastVault.DepositLimitsSet(nav + 5000e6, 100e6);
        vm.prank(owner);
        vault.setDepositLimits(nav + 5000e6, 100e6);
        (uint256 cap, uint256 minimum) = vault.depositLimits();
        assertEq(cap, nav + 5000e6);
        assertEq(minimum, 100e6);
        assertEq(vault.maxDeposit(mallory), 5000e6);

        usdc.mint(mallory, 10_000e6);
        vm.startPrank(mallory);
        usdc.approve(address(vault), type(uint256).max);
        vm.expectRevert(abi.encodeWithSelector(IBallastVault.DepositBelowMinimum.selector, 100e6 - 1, 100e6));
        vault.deposit(100e6 - 1, mallory);
        vm.expectRevert(abi.encodeWithSelector(IBallastVault.ExceededMaxDeposit.selector, mallory, 5000e6 + 1, 5000e6));
        vault.deposit(5000e6 + 1, mallory);
        vault.deposit(5000e6, mallory);
        vm.stopPrank();

        // Values above uint128 are clamped, and the event says so.
        vm.expectEmit(address(vault));
        emit IBallastVault.DepositLimitsSet(type(uint128).max, type(uint128).max);
        vm.prank(owner);
        vault.setDepositLimits(type(uint256).max, type(uint256).max);
    }

    function test_setShareLockPeriod_capAndEvent() public {
        vm.startPrank(owner);
        vm.expectRevert(abi.encodeWithSelector(IBallastVault.ShareLockAboveCap.selector, 1 days + 1, 1 days));
        vault.setShareLockPeriod(1 days + 1);
        vm.expectEmit(address(vault));
        emit IBallastVault.ShareLockPeriodSet(1 days);
        vault.setShareLockPeriod(1 days);
        vm.stopPrank();
        assertEq(vault.shareLockPeriod(), 1 days);
        uint256 shares = _deposit(mallory, 1000e6);
        (uint256 locked, uint256 until) = vault.lockedShares(mallory);
        assertEq(locked, shares);
        assertEq(until, block.timestamp + 1 days);
    }

    function test_skim_ownerOnly_excessOnly_emits() public {
        _deposit(mallory, 1000e6);
        usdc.mint(address(vault), 7e6);
        vm.expectEmit(address(vault));
        emit IBallastVault.Skimmed(address(usdc), treasury, 7e6);
        vm.prank(owner);
        assertEq(vault.skim(address(usdc), treasury), 7e6);
        assertEq(usdc.balanceOf(address(vault)), vault.cash());

        // An unlisted token held by the vault can be skimmed whole.
        MockERC20 stray = new MockERC20("S", "S", 18);
        stray.mint(address(vault), 3e18);
        vm.prank(owner);
        assertEq(vault.skim(address(stray), treasury), 3e18);
        vm.prank(owner);
        vm.expectRevert(IBallastVault.ZeroAmount.selector);
        vault.skim(address(stray), treasury);
    }
}
