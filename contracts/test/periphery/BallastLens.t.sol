// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IERC4626} from "@openzeppelin/contracts/interfaces/IERC4626.sol";
import {IERC20Metadata} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Metadata.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";

import {BallastLens} from "../../src/periphery/BallastLens.sol";
import {IBallastLens} from "../../src/interfaces/IBallastLens.sol";
import {IBallastVault} from "../../src/interfaces/IBallastVault.sol";
import {IBallastRebalancer} from "../../src/interfaces/IBallastRebalancer.sol";
import {IRedemptionQueue} from "../../src/interfaces/IRedemptionQueue.sol";
import {IPriceSource} from "../../src/interfaces/IPriceSource.sol";
import {IAggregatorV3} from "../../src/interfaces/IAggregatorV3.sol";
import {MockAggregator} from "../../src/oracles/MockAggregator.sol";
import {VaultMath} from "../../src/libraries/VaultMath.sol";
import {RebalanceFixture} from "../utils/RebalanceFixture.sol";
import {MockERC20} from "../utils/MockERC20.sol";
import {
    ArmablePriceSource,
    RevertingPriceSource,
    GasGuzzlingPriceSource,
    ReturnBombPriceSource,
    ShortReturnPriceSource,
    FixedAnswerPriceSource
} from "../utils/weird/MaliciousPriceSources.sol";

/// @notice A component whose `symbol()` misbehaves in one of several ways (everything else is a plain mock token).
contract WeirdSymbolToken is MockERC20 {
    enum Mode {
        Reverts,
        Bytes32,
        TooLong,
        MaxLength,
        HugeLengthWord,
        ValidThenBomb,
        BurnsGas,
        BadOffset,
        Truncated,
        NoData
    }

    Mode public immutable mode;

    constructor(Mode mode_) MockERC20("Weird", "WEIRD", 18) {
        mode = mode_;
    }

    function symbol() public view override returns (string memory s) {
        Mode m = mode;
        if (m == Mode.Reverts) revert("no symbol");
        if (m == Mode.TooLong) return _repeat("A", 65);
        if (m == Mode.MaxLength) return _repeat("B", 64);
        assembly ("memory-safe") {
            switch m
            case 1 {
                // Mode.Bytes32, as MKR answers: "MKR", zero-padded, then a non-zero byte after the first zero.
                mstore(0, or(shl(232, 0x4d4b52), 0x58))
                return(0, 0x20)
            }
            case 4 {
                // Mode.HugeLengthWord: a well-placed offset and a length of 2^255.
                mstore(0, 0x20)
                mstore(0x20, shl(255, 1))
                return(0, 0x40)
            }
            case 5 {
                // Mode.ValidThenBomb: "BOMB", then 48 KiB of zeros the lens must not copy.
                mstore(0, 0x20)
                mstore(0x20, 4)
                mstore(0x40, shl(224, 0x424f4d42))
                return(0, 49152)
            }
            case 6 {
                // Mode.BurnsGas: an endless loop.
                for {} 1 {} {}
            }
            case 7 {
                // Mode.BadOffset: the string at offset 0x40 instead of 0x20.
                mstore(0, 0x40)
                mstore(0x20, 0)
                mstore(0x40, 3)
                mstore(0x60, shl(232, 0x414243))
                return(0, 0x80)
            }
            case 8 {
                // Mode.Truncated: claims 10 bytes, returns 3.
                mstore(0, 0x20)
                mstore(0x20, 10)
                mstore(0x40, shl(232, 0x414243))
                return(0, 0x43)
            }
            default {
                // Mode.NoData
                return(0, 0)
            }
        }
    }

    function _repeat(bytes1 c, uint256 n) internal pure returns (string memory) {
        bytes memory b = new bytes(n);
        for (uint256 i; i < n; ++i) {
            b[i] = c;
        }
        return string(b);
    }
}

/// @notice A source whose batched `prices` stays honest but whose single `price` reverts once armed: the vault's NAV is
/// valid while the lens reports the component's price invalid (the documented discrepancy).
contract SinglePriceRevertsSource is ArmablePriceSource {
    constructor(IPriceSource inner_) ArmablePriceSource(inner_) {}

    function _misbehave(address) internal pure override returns (uint256) {
        revert("single price down");
    }

    function _misbehaveBatch(uint256[] calldata keys) internal view override returns (uint256[] memory) {
        return inner.prices(keys);
    }
}

/// @notice Not a BallastVault: share decimals below the asset's.
contract SixDecimalShareVault {
    address public immutable asset;

    constructor(address asset_) {
        asset = asset_;
    }

    function decimals() external pure returns (uint8) {
        return 6;
    }
}

/// @notice What the lens, its state-override use and its previews are checked against, and the busy index state that
/// the tests and the gas snapshots read.
abstract contract LensFixture is RebalanceFixture {
    address internal alice = makeAddr("alice");
    address internal bob = makeAddr("bob");
    address internal carol = makeAddr("carol");

    /// @dev A busy index with `n` components: fees on (and a pending management fee), invested, a rebalancer and a
    /// queue, epoch 1 open (a cash sweep) settling batch 1 (alice, bob), batch 2 waiting (carol), supply that has
    /// left since the opening (bob's in-kind exit, so the call base is below the opening NAV) and, with components, a
    /// lossy trade booked (epoch and window loss).
    function _busyIndex(uint256 n) internal {
        _deployVault(n, 6);
        _deployRebalancer();
        vm.prank(owner);
        vault.setFees(0.005e18, 10, 10);
        _deposit(alice, 60_000e6);
        _deposit(bob, 40_000e6);
        _deposit(carol, 20_000e6);
        if (n > 0) _investAtTargets();
        vm.warp(block.timestamp + 2 hours);
        _refreshFeeds();

        _request(alice, vault.balanceOf(alice) / 2);
        _request(bob, vault.balanceOf(bob) / 4);
        vm.prank(keeper);
        rebalancer.openCashSweep(1);
        _request(carol, vault.balanceOf(carol) / 2);
        uint256 bobShares = vault.balanceOf(bob) / 2;
        vm.prank(bob);
        vault.redeemInKind(bobShares, bob, bob);

        if (n > 0) {
            rateAdapter.setSlippageBps(40);
            IBallastRebalancer.Trade[] memory ts = _one(_t(address(tokens[0]), address(usdc), _halfExcess(0)));
            vm.prank(keeper);
            rebalancer.executeTrades(1, 0, ts);
        }
        vm.warp(block.timestamp + 10 minutes);
        _refreshFeeds();
    }

    /// @dev Half of what component `i` holds above its target in the open epoch (measured at the call base).
    function _halfExcess(uint256 i) internal view returns (uint256) {
        IBallastRebalancer.Epoch memory e = rebalancer.currentEpoch();
        uint256 base = Math.mulDiv(e.navAtOpen, Math.min(vault.totalSupply(), e.supplyAtOpen), e.supplyAtOpen);
        IBallastVault.ComponentView memory c = vault.components()[i];
        uint256 target = (base - e.reserved) * c.targetWeight / 1e18;
        uint256 p = oracle.price(c.token);
        uint256 value = c.balance * p / 1e36;
        assertGt(value, target, "component not overweight");
        return (value - target) / 2 * 1e36 / p;
    }

    function _request(address who, uint256 shares) internal {
        vm.startPrank(who);
        vault.approve(address(queue), shares);
        queue.requestRedeem(shares, who, who);
        vm.stopPrank();
    }

    /// @dev Installs `src` (honest until armed) on component `i`, then arms it.
    function _install(ArmablePriceSource src, uint256 i) internal {
        _ownerNow(address(vault), abi.encodeCall(vault.setPriceSource, (address(tokens[i]), src)));
        src.arm();
    }
}

/// @notice `BallastLens`: every field equals the view it mirrors (N = 0, 5, 100), invalid prices and hostile sources
/// and tokens are reported rather than reverting, the open epoch's batches and base, the state-override use, and the
/// in-kind preview equal to the vault's own.
contract BallastLensTest is LensFixture {
    /*//////////////////////////////////////////////////////////////
                        EVERY FIELD, MIRRORED
    //////////////////////////////////////////////////////////////*/

    function test_N0_noRebalancer_mirrorsEveryView() public {
        _deployVault(0, 6);
        _deposit(alice, 5000e6);
        IBallastLens.IndexState memory s = lens.indexState(vault);
        _assertMirrors(s);
        assertEq(s.components.length, 0);
        assertEq(s.vault.nav, vault.cash());
        assertEq(s.vault.cashWeight, 1e18);
        assertTrue(s.vault.navValid);
        assertEq(s.vault.rebalancer, address(0));
        _assertEmptyRebalancerAndQueue(s);
    }

    function test_N0_busy_mirrorsEveryView() public {
        _busyIndex(0);
        IBallastLens.IndexState memory s = lens.indexState(vault);
        _assertMirrors(s);
        _assertBusy(s);
    }

    function test_N5_busy_mirrorsEveryView() public {
        _busyIndex(5);
        IBallastLens.IndexState memory s = lens.indexState(vault);
        _assertMirrors(s);
        _assertBusy(s);
        assertGt(s.rebalancer.epoch.lossWad, 0, "the lossy trade is booked");
        assertGt(s.rebalancer.windowLossUsedWad, 0);
        assertEq(s.rebalancer.epoch.trades, 1);
    }

    function test_N100_busy_mirrorsEveryView() public {
        _busyIndex(100);
        IBallastLens.IndexState memory s = lens.indexState(vault);
        _assertMirrors(s);
        _assertBusy(s);
        assertEq(s.components.length, 100);
        assertEq(s.components[99].symbol, "T99");
    }

    /// @notice The state-override use: the runtime code alone, placed at an arbitrary address (as an `eth_call` state
    /// override does), answers exactly what a deployed lens answers.
    function test_runtimeCodeWorksAtAnyAddress() public {
        _busyIndex(5);
        address anywhere = address(uint160(uint256(keccak256("BallastLens"))));
        vm.etch(anywhere, type(BallastLens).runtimeCode);
        assertEq(abi.encode(IBallastLens(anywhere).indexState(vault)), abi.encode(lens.indexState(vault)));
        (uint256[] memory a, uint256 c) = IBallastLens(anywhere).previewRedeemInKind(vault, 1e18);
        (uint256[] memory b, uint256 d) = lens.previewRedeemInKind(vault, 1e18);
        assertEq(a, b);
        assertEq(c, d);
    }

    /// @notice The regime fields after a switch: the next switch is allowed `minDwell` after it.
    function test_regimeSwitch_nextSwitchAllowedAfterTheDwell() public {
        _deployVault(5, 6);
        _deployRebalancer();
        _deposit(alice, 50_000e6);
        _investAtTargets();
        assertEq(lens.indexState(vault).rebalancer.nextRegimeSwitchAllowed, 0, "never switched: allowed now");
        vm.warp(block.timestamp + 1 days);
        _refreshFeeds();
        vm.prank(keeper);
        rebalancer.switchRegime(1, IBallastRebalancer.Regime.RiskOff, 7, new uint64[](0), 0);
        IBallastLens.IndexState memory s = lens.indexState(vault);
        _assertMirrors(s);
        assertEq(uint8(s.rebalancer.regime), uint8(IBallastRebalancer.Regime.RiskOff));
        assertEq(s.rebalancer.lastRegimeSwitch, block.timestamp);
        assertEq(s.rebalancer.nextRegimeSwitchAllowed, block.timestamp + 3 days);
        assertEq(uint8(s.rebalancer.epoch.kind), uint8(IBallastRebalancer.EpochKind.RegimeSwitch));
        assertEq(s.rebalancer.callBase, s.rebalancer.epoch.navAtOpen, "no supply left: the opening NAV");
        assertEq(s.vault.cashTargetWeight, 1e18);
    }

    /// @notice A vault whose rebalancer is an account (no code): the rebalancer and queue parts are empty.
    function test_rebalancerWithoutCode_leavesItsPartEmpty() public {
        _deployVault(2, 6);
        address trader = makeAddr("trader");
        vm.prank(owner);
        vault.setRebalancer(trader);
        IBallastLens.IndexState memory s = lens.indexState(vault);
        assertEq(s.vault.rebalancer, trader);
        _assertEmptyRebalancerAndQueue(s);
    }

    /// @notice A rebalancer without a queue: the queue part is empty.
    function test_noQueue_leavesItsPartEmpty() public {
        _deployVault(2, 6);
        _deployRebalancer();
        _ownerNow(address(rebalancer), abi.encodeCall(rebalancer.setRedemptionQueue, (IRedemptionQueue(address(0)))));
        IBallastLens.IndexState memory s = lens.indexState(vault);
        _assertMirrors(s);
        assertEq(s.rebalancer.rebalancer, address(rebalancer));
        IBallastLens.QueueState memory none;
        assertEq(abi.encode(s.queue), abi.encode(none));
    }

    /*//////////////////////////////////////////////////////////////
                       OPEN EPOCH, QUEUED BATCHES
    //////////////////////////////////////////////////////////////*/

    /// @notice An open epoch with queued redemptions: the batch it settles, the next one, the cash each needs, and the
    /// call base shrunk by the supply that left since the opening.
    function test_openEpoch_showsBatchesAndBase() public {
        _busyIndex(5);
        IBallastLens.IndexState memory s = lens.indexState(vault);
        IBallastRebalancer.Epoch memory e = rebalancer.currentEpoch();
        assertTrue(s.rebalancer.epoch.open);
        assertEq(s.rebalancer.epoch.id, 1);
        assertGt(s.rebalancer.epoch.reserved, 0);
        assertGt(s.rebalancer.epoch.exitFeeBps, 0, "a committed batch records the fee at opening");
        assertEq(s.rebalancer.epoch.supplyAtOpen, e.supplyAtOpen);

        // The base: the opening NAV scaled down by the supply that left (bob's in-kind exit).
        uint256 supply = vault.totalSupply();
        assertLt(supply, e.supplyAtOpen);
        assertEq(s.rebalancer.callBase, Math.mulDiv(e.navAtOpen, supply, e.supplyAtOpen));
        assertLt(s.rebalancer.callBase, e.navAtOpen);

        assertEq(s.queue.queue, address(queue));
        assertEq(s.queue.current.epochId, 1);
        assertEq(s.queue.current.shares, queue.pendingShares(1));
        assertGt(s.queue.current.shares, 0);
        assertEq(s.queue.current.cashNeeded, vault.previewRedeem(queue.pendingShares(1)));
        assertTrue(s.queue.current.cashNeededValid);
        assertEq(s.queue.next.epochId, 2);
        assertEq(s.queue.next.shares, queue.pendingShares(2));
        assertGt(s.queue.next.shares, 0);
        assertEq(s.queue.next.cashNeeded, vault.previewRedeem(queue.pendingShares(2)));

        // After the close, no epoch is open: no current batch, the next is still batch 2.
        _raiseCash(s.queue.current.cashNeeded);
        vm.prank(keeper);
        rebalancer.closeEpoch(1);
        IBallastLens.IndexState memory after_ = lens.indexState(vault);
        _assertMirrors(after_);
        IBallastLens.BatchState memory none;
        assertEq(abi.encode(after_.queue.current), abi.encode(none));
        assertEq(after_.queue.next.epochId, 2);
        assertEq(after_.queue.next.shares, s.queue.next.shares);
        assertEq(after_.rebalancer.callBase, 0);
        assertFalse(after_.rebalancer.epoch.open);
    }

    /*//////////////////////////////////////////////////////////////
                     INVALID PRICES, HOSTILE SOURCES
    //////////////////////////////////////////////////////////////*/

    /// @notice A stale feed: the lens answers, with the NAV invalid, the share price and the batches' cash at 0 and
    /// flagged, and the stale component's price invalid.
    function test_staleFeed_returnsWithValidityFlags() public {
        _busyIndex(5);
        (, int256 answer,,,) = feeds[2].latestRoundData();
        feeds[2].setAnswerAt(answer, block.timestamp - 2 days);
        IBallastLens.IndexState memory s = lens.indexState(vault);
        _assertMirrors(s);
        assertFalse(s.vault.navValid);
        assertEq(s.vault.firstInvalidToken, address(tokens[2]));
        assertEq(s.vault.sharePrice, 0);
        assertGt(vault.convertToAssets(1e18), 0, "convertToAssets does not revert on an invalid NAV");
        _assertInvalidComponent(s, 2);
        assertGt(s.queue.current.shares, 0);
        assertEq(s.queue.current.cashNeeded, 0);
        assertFalse(s.queue.current.cashNeededValid);
        assertFalse(s.queue.next.cashNeededValid);
        assertTrue(s.rebalancer.epoch.open);
    }

    function test_hostileSource_reverting() public {
        _busyIndex(5);
        _install(new RevertingPriceSource(oracle), 1);
        _assertContained(1);
    }

    function test_hostileSource_gasGuzzling_burnsOnlyItsAllowance() public {
        _busyIndex(5);
        _install(new GasGuzzlingPriceSource(oracle), 3);
        uint256 used = _assertContained(3);
        // One batch in the vault's NAV and one single price, each at most VaultMath.PRICE_GAS.
        assertLt(used, 1_500_000);
    }

    function test_hostileSource_revertBomb() public {
        _busyIndex(5);
        _install(new ReturnBombPriceSource(oracle, 256 * 1024, true), 0);
        _assertContained(0);
    }

    function test_hostileSource_shortReturn() public {
        _busyIndex(5);
        _install(new ShortReturnPriceSource(oracle, 31), 4);
        _assertContained(4);
    }

    function test_hostileSource_emptyReturn() public {
        _busyIndex(5);
        _install(new ShortReturnPriceSource(oracle, 0), 2);
        _assertContained(2);
    }

    function test_hostileSource_zeroPrice() public {
        _busyIndex(5);
        _install(new FixedAnswerPriceSource(oracle, 0), 1);
        _assertContained(1);
    }

    function test_hostileSource_absurdPrice() public {
        _busyIndex(5);
        _install(new FixedAnswerPriceSource(oracle, type(uint256).max), 1);
        _assertContained(1);
    }

    /// @notice A return bomb whose first word is the honest price: accepted (one word read), and not copied. The
    /// component holds nothing, so only the lens's own `price` call reads the source (the vault's NAV skips it), and
    /// the bomb is measured against the same source answering one word.
    function test_hostileSource_returnBomb_readsOneWordOnly() public {
        _deployVault(1, 6);
        ReturnBombPriceSource control = new ReturnBombPriceSource(oracle, 32, false);
        ReturnBombPriceSource bomb = new ReturnBombPriceSource(oracle, 64 * 1024, false);
        vm.startPrank(owner);
        vault.setPriceSource(address(tokens[0]), bomb);
        vault.setPriceSource(address(tokens[0]), control);
        vm.stopPrank();
        control.arm();
        bomb.arm();
        uint256 controlGas = _lensGas();
        vm.prank(owner);
        vault.setPriceSource(address(tokens[0]), bomb);
        uint256 bombGas = _lensGas();

        IBallastLens.IndexState memory s = lens.indexState(vault);
        assertTrue(s.components[0].priceValid);
        assertEq(s.components[0].price, oracle.price(address(tokens[0])));
        // 64 KiB of memory cost the source ~14.3k gas; copying them would cost the lens at least as much again.
        assertLt(bombGas, controlGas + 20_000, "the lens copied the returned payload");
        assertGt(bombGas, controlGas + 10_000, "the bomb did not go off");
    }

    /// @notice A source whose single `price` fails while its batched `prices` works: the vault's NAV is valid, the lens
    /// flags that component's price (the documented difference), and the rest of the state is read as usual.
    function test_singlePriceFails_navStillValid() public {
        _busyIndex(5);
        _install(new SinglePriceRevertsSource(oracle), 2);
        IBallastLens.IndexState memory s = lens.indexState(vault);
        assertTrue(s.vault.navValid);
        assertEq(s.vault.sharePrice, vault.convertToAssets(1e18));
        _assertInvalidComponent(s, 2);
        assertTrue(s.queue.current.cashNeededValid);
        assertEq(s.queue.current.cashNeeded, vault.previewRedeem(queue.pendingShares(1)));
    }

    /// @notice `previewRedeem` failing with `InvalidPrice` after a valid `nav()` (a source answering differently to a
    /// second call) is caught and flagged; any other revert (a starved caller) is passed on.
    function test_previewRedeem_invalidPriceCaught_otherRevertsPassedOn() public {
        _busyIndex(5);
        bytes memory invalid =
            abi.encodeWithSelector(IBallastVault.InvalidPrice.selector, address(tokens[0]), address(oracle));
        vm.mockCallRevert(address(vault), abi.encodeWithSelector(IERC4626.previewRedeem.selector), invalid);
        IBallastLens.IndexState memory s = lens.indexState(vault);
        assertTrue(s.vault.navValid);
        assertGt(s.queue.current.shares, 0);
        assertFalse(s.queue.current.cashNeededValid);
        assertEq(s.queue.current.cashNeeded, 0);
        assertFalse(s.queue.next.cashNeededValid);

        bytes memory starved = abi.encodeWithSelector(VaultMath.InsufficientGasForPrice.selector, 1, 2);
        vm.mockCallRevert(address(vault), abi.encodeWithSelector(IERC4626.previewRedeem.selector), starved);
        vm.expectRevert(starved);
        lens.indexState(vault);
    }

    /*//////////////////////////////////////////////////////////////
                              SYMBOLS
    //////////////////////////////////////////////////////////////*/

    /// @notice Every misbehaving `symbol()` gives an empty symbol (or the readable part), never a revert.
    function test_weirdSymbols_neverRevert() public {
        _deployVault(0, 6);
        string[10] memory expected = [string(""), "MKR", "", _repeat("B", 64), "", "BOMB", "", "", "", ""];
        for (uint256 m; m < 10; ++m) {
            _listToken(new WeirdSymbolToken(WeirdSymbolToken.Mode(m)), 1e8);
        }
        _addComponent(6, 1e8); // and an ordinary one after them
        uint256 before = gasleft();
        IBallastLens.IndexState memory s = lens.indexState{gas: 5_000_000}(vault);
        uint256 used = before - gasleft();
        assertEq(s.components.length, 11);
        for (uint256 m; m < 10; ++m) {
            assertEq(s.components[m].symbol, expected[m], vm.toString(m));
            assertTrue(s.components[m].priceValid);
        }
        assertEq(s.components[10].symbol, "T10");
        // The gas burner takes SYMBOL_GAS; the rest are cheap (no copy of the 48 KiB answer).
        assertLt(used, 1_500_000);
    }

    /*//////////////////////////////////////////////////////////////
                         IN-KIND PREVIEW
    //////////////////////////////////////////////////////////////*/

    /// @notice The lens's in-kind preview, from the vault's public views only, is what `redeemInKind` then pays, over
    /// random states: components, asset decimals (hence virtual shares), supply, balances, cash, exit and management
    /// fees, elapsed time (a pending fee; prices stale, which in kind ignores), and shares.
    function test_fuzz_previewRedeemInKind_equalsRedemption(uint256 seed, uint256 shares) public {
        uint256 n = seed % 7;
        uint8 assetDecimals = uint8((seed >> 8) % 19);
        _deployVault(n, assetDecimals);
        uint256 unit = 10 ** assetDecimals;
        _deposit(alice, bound(uint256(keccak256(abi.encode(seed, "deposit"))), 1, 1e9 * unit));
        vm.prank(owner);
        vault.setFees(
            uint64(bound(uint256(keccak256(abi.encode(seed, "mgmt"))), 0, 0.05e18)),
            0,
            uint16(bound(uint256(keccak256(abi.encode(seed, "exit"))), 0, 100))
        );
        vm.warp(block.timestamp + bound(uint256(keccak256(abi.encode(seed, "time"))), 1 days, 20 * 365 days));
        for (uint256 i; i < n; ++i) {
            uint256 amount = _randomAmount(seed, i);
            vault.harnessSetBalance(address(tokens[i]), amount);
            deal(address(tokens[i]), address(vault), amount);
        }
        uint256 cash = _randomAmount(seed, 1000);
        vault.harnessSetCash(cash);
        deal(address(usdc), address(vault), cash);

        shares = bound(shares, 1, vault.balanceOf(alice));
        _assertPreviewIsPaid(alice, shares);
    }

    /// @notice In a busy index (a pending fee, an open epoch, queued batches) the preview of a holder's whole balance
    /// is what the redemption pays.
    function test_previewRedeemInKind_busyIndex_equalsRedemption() public {
        _busyIndex(5);
        _assertPreviewIsPaid(alice, vault.balanceOf(alice));
    }

    /// @dev Previews `shares` of `holder` through the lens, redeems them in kind to a fresh address and checks that
    /// both the returned amounts and the tokens received equal the preview.
    function _assertPreviewIsPaid(address holder, uint256 shares) internal {
        (uint256[] memory expected, uint256 expectedCash) = lens.previewRedeemInKind(vault, shares);
        address to = makeAddr("inKindReceiver");
        vm.prank(holder);
        (uint256[] memory amounts, uint256 cash_) = vault.redeemInKind(shares, to, holder);
        assertEq(amounts, expected, "returned amounts");
        assertEq(cash_, expectedCash, "returned cash");
        for (uint256 i; i < amounts.length; ++i) {
            assertEq(tokens[i].balanceOf(to) + vault.owed(to, address(tokens[i])), expected[i], "received");
        }
        assertEq(usdc.balanceOf(to) + vault.owed(to, address(usdc)), expectedCash, "cash received");
    }

    function test_previewRedeemInKind_revertsOnDecimalsBelowAsset() public {
        lens = new BallastLens();
        MockERC20 asset18 = new MockERC20("Dai", "DAI", 18);
        SixDecimalShareVault fake = new SixDecimalShareVault(address(asset18));
        vm.expectRevert(abi.encodeWithSelector(IBallastLens.DecimalsBelowAsset.selector, address(fake), 6, 18));
        lens.previewRedeemInKind(IBallastVault(address(fake)), 1e18);
    }

    /*//////////////////////////////////////////////////////////////
                               HELPERS
    //////////////////////////////////////////////////////////////*/

    /// @dev A random accounted amount below 2^128: zero, dust, ordinary, or huge.
    function _randomAmount(uint256 seed, uint256 i) internal pure returns (uint256) {
        uint256 r = uint256(keccak256(abi.encode(seed, "balance", i)));
        uint256 kind = r % 4;
        if (kind == 0) return 0;
        if (kind == 1) return r % 1000;
        if (kind == 2) return r % 1e30;
        return r % type(uint128).max;
    }

    function _repeat(bytes1 c, uint256 n) internal pure returns (string memory) {
        bytes memory b = new bytes(n);
        for (uint256 i; i < n; ++i) {
            b[i] = c;
        }
        return string(b);
    }

    /// @dev Lists an existing mock token priced at `usdPrice` (8 decimals) per whole token.
    function _listToken(MockERC20 token, int256 usdPrice) internal {
        MockAggregator feed = new MockAggregator(uint8(FEED_DECIMALS), "W/USD", usdPrice);
        tokens.push(token);
        feeds.push(feed);
        uint256 probe = vault.MIN_PROBE_AMOUNT();
        token.mint(owner, probe);
        vm.startPrank(owner);
        oracle.setFeed(address(token), IAggregatorV3(address(feed)), HEARTBEAT);
        token.approve(address(vault), probe);
        vault.listComponent(address(token), IPriceSource(address(oracle)), probe);
        vm.stopPrank();
    }

    /// @dev Gives the vault `needed` more cash than the queue's batch needs, as sells would (deposit from a whale).
    function _raiseCash(uint256 needed) internal {
        uint256 cash = vault.cash();
        if (cash < needed) _deposit(makeAddr("whale"), needed - cash + 1000e6);
    }

    function _lensGas() internal view returns (uint256 used) {
        uint256 before = gasleft();
        lens.indexState(vault);
        used = before - gasleft();
    }

    /// @dev Component `i`'s hostile source is contained: the lens answers (under a 10M gas cap), with that price and
    /// the NAV invalid and everything else intact. Returns the gas the call used.
    function _assertContained(uint256 i) internal view returns (uint256 used) {
        uint256 before = gasleft();
        (bool ok, bytes memory ret) =
            address(lens).staticcall{gas: 10_000_000}(abi.encodeCall(IBallastLens.indexState, (vault)));
        used = before - gasleft();
        assertTrue(ok, "the lens reverted on a hostile source");
        IBallastLens.IndexState memory s = abi.decode(ret, (IBallastLens.IndexState));
        assertFalse(s.vault.navValid);
        assertEq(s.vault.firstInvalidToken, address(tokens[i]));
        assertEq(s.vault.sharePrice, 0);
        _assertInvalidComponent(s, i);
        for (uint256 j; j < s.components.length; ++j) {
            if (j == i) continue;
            assertTrue(s.components[j].priceValid);
            assertEq(s.components[j].price, oracle.price(address(tokens[j])));
        }
        assertFalse(s.queue.current.cashNeededValid);
        assertFalse(s.queue.next.cashNeededValid);
        assertEq(abi.encode(s.rebalancer.epoch), abi.encode(rebalancer.currentEpoch()));
    }

    function _assertInvalidComponent(IBallastLens.IndexState memory s, uint256 i) internal pure {
        IBallastLens.ComponentState memory c = s.components[i];
        assertFalse(c.priceValid);
        assertEq(c.price, 0);
        assertEq(c.value, 0);
        assertEq(c.weight, 0);
        assertGt(c.balance, 0);
    }

    /// @dev What `_busyIndex` set up, as the lens shows it.
    function _assertBusy(IBallastLens.IndexState memory s) internal view {
        assertTrue(s.vault.navValid);
        assertGt(s.vault.pendingManagementFeeShares, 0);
        assertEq(s.vault.fees.exitFeeBps, 10);
        assertTrue(s.rebalancer.epoch.open);
        assertLt(s.rebalancer.callBase, s.rebalancer.epoch.navAtOpen);
        assertGt(s.queue.current.shares, 0);
        assertGt(s.queue.current.cashNeeded, 0);
        assertGt(s.queue.next.shares, 0);
        assertGt(s.queue.next.cashNeeded, 0);
        // Every component valued as the vault values it: the values and the cash add up to the NAV.
        uint256 sum = s.vault.cash;
        for (uint256 i; i < s.components.length; ++i) {
            assertTrue(s.components[i].priceValid);
            sum += s.components[i].value;
        }
        assertEq(sum, s.vault.nav, "values + cash == NAV");
        assertEq(s.vault.nav, vault.totalAssets());
    }

    function _assertEmptyRebalancerAndQueue(IBallastLens.IndexState memory s) internal pure {
        IBallastLens.RebalancerState memory noRebalancer;
        IBallastLens.QueueState memory noQueue;
        assertEq(abi.encode(s.rebalancer), abi.encode(noRebalancer));
        assertEq(abi.encode(s.queue), abi.encode(noQueue));
    }

    /// @dev Every field of `s` equals the direct view it mirrors, read now.
    function _assertMirrors(IBallastLens.IndexState memory s) internal view {
        assertEq(s.blockNumber, block.number);
        assertEq(s.timestamp, block.timestamp);
        _assertVault(s.vault);
        _assertComponents(s.components, s.vault.nav);
        _assertRebalancer(s.rebalancer);
        _assertQueue(s.queue, s.rebalancer);
    }

    function _assertVault(IBallastLens.VaultState memory v) internal view {
        assertEq(v.vault, address(vault));
        assertEq(v.asset, vault.asset());
        assertEq(v.asset, address(usdc));
        assertEq(v.decimals, vault.decimals());
        assertEq(v.assetDecimals, usdc.decimals());
        (uint256 navAssets, bool valid, address invalid) = vault.nav();
        assertEq(v.nav, navAssets);
        assertEq(v.navValid, valid);
        assertEq(v.firstInvalidToken, invalid);
        assertEq(v.totalSupply, vault.totalSupply());
        assertEq(v.pendingManagementFeeShares, vault.pendingManagementFeeShares());
        assertEq(v.sharePrice, valid ? vault.convertToAssets(1e18) : 0);
        if (valid) assertGt(v.sharePrice, 0);
        assertEq(v.cash, vault.cash());
        assertEq(v.cashTargetWeight, vault.cashTargetWeight());
        assertEq(v.cashWeight, navAssets == 0 ? 0 : Math.mulDiv(vault.cash(), 1e18, navAssets));
        assertEq(abi.encode(v.fees), abi.encode(vault.feeConfig()));
        (uint256 cap, uint256 minDeposit) = vault.depositLimits();
        assertEq(v.depositCap, cap);
        assertEq(v.minDeposit, minDeposit);
        assertEq(v.shareLockPeriod, vault.shareLockPeriod());
        assertEq(v.depositsPaused, vault.depositsPaused());
        assertEq(v.rebalancingPaused, vault.rebalancingPaused());
        assertEq(v.guardian, vault.guardian());
        assertEq(v.rebalancer, vault.rebalancer());
        assertEq(v.owner, vault.owner());
    }

    function _assertComponents(IBallastLens.ComponentState[] memory list, uint256 navAssets) internal view {
        IBallastVault.ComponentView[] memory views = vault.components();
        assertEq(list.length, views.length);
        assertEq(list.length, vault.componentCount());
        for (uint256 i; i < list.length; ++i) {
            IBallastLens.ComponentState memory c = list[i];
            IBallastVault.ComponentView memory v = views[i];
            assertEq(c.token, v.token);
            assertEq(c.symbol, IERC20Metadata(v.token).symbol());
            assertEq(c.decimals, v.decimals);
            assertEq(c.decimals, IERC20Metadata(v.token).decimals());
            assertEq(c.source, v.source);
            assertEq(c.balance, v.balance);
            assertEq(c.targetWeight, v.targetWeight);
            (uint256 balance, uint64 weight, address source) = vault.component(v.token);
            assertEq(c.balance, balance);
            assertEq(c.targetWeight, weight);
            assertEq(c.source, source);
            (bool ok, uint256 p) = _directPrice(v.source, v.token);
            assertEq(c.priceValid, ok);
            assertEq(c.price, p);
            uint256 value = ok ? Math.mulDiv(v.balance, p, 1e36) : 0;
            assertEq(c.value, value);
            assertEq(c.weight, navAssets == 0 ? 0 : Math.mulDiv(value, 1e18, navAssets));
        }
    }

    function _directPrice(address source, address token) internal view returns (bool ok, uint256 p) {
        try IPriceSource(source).price(token) returns (uint256 answer) {
            if (answer != 0 && answer <= VaultMath.MAX_PRICE) return (true, answer);
        } catch {}
        return (false, 0);
    }

    function _assertRebalancer(IBallastLens.RebalancerState memory r) internal view {
        if (vault.rebalancer() == address(0)) {
            IBallastLens.RebalancerState memory none;
            assertEq(abi.encode(r), abi.encode(none));
            return;
        }
        assertEq(r.rebalancer, address(rebalancer));
        assertEq(r.rebalancer, vault.rebalancer());
        assertEq(r.keeper, rebalancer.keeper());
        assertEq(r.keeper, keeper);
        IBallastRebalancer.Config memory c = rebalancer.config();
        assertEq(abi.encode(r.config), abi.encode(c));
        (IBallastRebalancer.Regime regime, uint256 lastSwitch) = rebalancer.regime();
        assertEq(uint8(r.regime), uint8(regime));
        assertEq(r.lastRegimeSwitch, lastSwitch);
        assertEq(r.nextRegimeSwitchAllowed, lastSwitch == 0 ? 0 : lastSwitch + c.minDwell);
        assertEq(r.nextRebalanceDue, rebalancer.nextRebalanceDue());
        IBallastRebalancer.Epoch memory e = rebalancer.currentEpoch();
        assertEq(abi.encode(r.epoch), abi.encode(e));
        (uint256 used, uint256 cap) = rebalancer.windowLoss();
        assertEq(r.windowLossUsedWad, used);
        assertEq(r.windowLossCapWad, cap);
        uint256 supply = vault.totalSupply();
        uint256 base;
        if (e.open) base = supply < e.supplyAtOpen ? Math.mulDiv(e.navAtOpen, supply, e.supplyAtOpen) : e.navAtOpen;
        assertEq(r.callBase, base);
    }

    function _assertQueue(IBallastLens.QueueState memory q, IBallastLens.RebalancerState memory r) internal view {
        if (r.rebalancer == address(0) || address(rebalancer.redemptionQueue()) == address(0)) {
            IBallastLens.QueueState memory none;
            assertEq(abi.encode(q), abi.encode(none));
            return;
        }
        assertEq(q.queue, address(rebalancer.redemptionQueue()));
        assertEq(q.queue, address(queue));
        IBallastRebalancer.Epoch memory e = rebalancer.currentEpoch();
        if (e.open) {
            _assertBatch(q.current, e.id);
        } else {
            IBallastLens.BatchState memory none;
            assertEq(abi.encode(q.current), abi.encode(none));
        }
        _assertBatch(q.next, e.id + 1);
    }

    function _assertBatch(IBallastLens.BatchState memory b, uint64 epochId) internal view {
        assertEq(b.epochId, epochId);
        uint256 shares = queue.pendingShares(epochId);
        assertEq(b.shares, shares);
        (, bool valid,) = vault.nav();
        if (shares == 0) {
            assertEq(b.cashNeeded, 0);
            assertTrue(b.cashNeededValid);
        } else if (valid) {
            assertEq(b.cashNeeded, vault.previewRedeem(shares));
            assertTrue(b.cashNeededValid);
        } else {
            assertEq(b.cashNeeded, 0);
            assertFalse(b.cashNeededValid);
        }
    }
}

/// @notice Gas of one `indexState` call at N = 25 and 100 components, written to `snapshots/BallastLens.json`: the busy
/// index (every part filled: an open epoch, both batches non-empty, so every `previewRedeem` runs), in isolate mode so
/// the call is its own transaction with cold storage and accounts (21,000 base cost included), as an `eth_call` is.
/// And the worst a hostile source can do at N = 100: every component on one gas-guzzling source.
contract BallastLensGasTest is LensFixture {
    /// @dev Most gas an `eth_call` gets by default (geth's `--rpc.gascap`); the lens must stay well inside it.
    uint256 internal constant ETH_CALL_GAS_CAP = 50_000_000;

    function _measure(uint256 n) internal {
        _busyIndex(n);
        IBallastLens.IndexState memory s = lens.indexState(vault);
        uint256 used = vm.snapshotGasLastCall("BallastLens", string.concat("index_N", vm.toString(n)));
        assertEq(s.components.length, n);
        assertTrue(s.vault.navValid);
        assertGt(s.queue.current.cashNeeded, 0);
        assertGt(s.queue.next.cashNeeded, 0);
        assertLt(used, ETH_CALL_GAS_CAP / 5);
    }

    /// forge-config: default.isolate = true
    function test_gas_index_N25() public {
        _measure(25);
    }

    /// forge-config: default.isolate = true
    function test_gas_index_N100() public {
        _measure(100);
    }

    /// @notice Every one of 100 components on one source that burns all the gas it is given: the vault's NAV burns its
    /// allowance per batch, the lens its allowance per component; the call still answers within the cap.
    /// forge-config: default.isolate = true
    function test_gas_index_N100_allSourcesGuzzling() public {
        _busyIndex(100);
        GasGuzzlingPriceSource src = new GasGuzzlingPriceSource(oracle);
        for (uint256 i; i < 100; ++i) {
            _ownerNow(address(vault), abi.encodeCall(vault.setPriceSource, (address(tokens[i]), src)));
        }
        src.arm();
        IBallastLens.IndexState memory s = lens.indexState{gas: ETH_CALL_GAS_CAP}(vault);
        uint256 used = vm.snapshotGasLastCall("BallastLens", "index_N100_allSourcesGuzzling");
        assertFalse(s.vault.navValid);
        for (uint256 i; i < 100; ++i) {
            assertFalse(s.components[i].priceValid);
        }
        assertFalse(s.queue.current.cashNeededValid);
        assertLt(used, ETH_CALL_GAS_CAP);
    }
}
