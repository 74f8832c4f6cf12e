// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {StdInvariant} from "forge-std/StdInvariant.sol";
import {console2} from "forge-std/console2.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";

import {IBallastRebalancer} from "../../src/interfaces/IBallastRebalancer.sol";
import {IBallastVault} from "../../src/interfaces/IBallastVault.sol";
import {ISwapAdapter} from "../../src/interfaces/ISwapAdapter.sol";
import {MockERC20} from "../utils/MockERC20.sol";
import {UniswapRebalanceFixture} from "../utils/UniswapRebalanceFixture.sol";
import {HostileKeeperHandler} from "./HostileKeeperHandler.sol";
import {HostileKeeperRogueAdapter} from "./HostileKeeperRogueAdapter.sol";

/// @notice A HOSTILE KEEPER on REAL Uniswap V3 pools (see `HostileKeeperHandler`): whatever the keeper, the pool
/// manipulator, outsiders after the grace period and depositors do, every bound of `IBallastRebalancer` holds, measured
/// independently of the contract's own bookkeeping:
/// (1) per-call and per-epoch losses and the epoch's turnover stay within their caps (in bps of the NAV at opening),
///     and the contract's own `loss` agrees with the handler's measurement;
/// (2) nothing leaves the vault except through trades and holders' exits: real balances equal the replayed ledger
///     and cover the accounting, the basket stays the listed components, the unlisted token and the rogue adapter
///     are never touched;
/// (3) non-forced regime switches are at least `minDwell` after the previous switch;
/// (4) every depositor can always redeem its unlocked shares in kind;
/// (5) epoch ids strictly increase and no (epoch, index) trade is executed twice;
/// (6) every trade moved its component toward its target, from the right side, and not past the band;
/// and no refused call changed anything, no hostile call was accepted.
/// The basket is 5 components whose pools hold 2M of liquidity each, against a vault of about 200k, so trades have
/// real price impact; the caps are tightened so that they are reached.
/// Runs with the profile's runs and depth (default 64 x 64, about 30 s on two cores for the seven campaigns).
abstract contract HostileKeeperSetup is UniswapRebalanceFixture {
    using Math for uint256;

    uint256 internal constant N = 5;
    uint256 internal constant POOL_VALUE = 2_000_000e6;
    uint256 internal constant BPS = 10_000;

    HostileKeeperHandler internal handler;
    MockERC20 internal rogueToken;
    HostileKeeperRogueAdapter internal rogueAdapter;

    function setUp() public virtual {
        handler = new HostileKeeperHandler(_deployHostileWorld());
        bytes4[] memory selectors = new bytes4[](22);
        selectors[0] = HostileKeeperHandler.keeperTrades.selector;
        selectors[1] = HostileKeeperHandler.keeperTrades.selector;
        selectors[2] = HostileKeeperHandler.keeperTrades.selector;
        selectors[3] = HostileKeeperHandler.keeperTrades.selector;
        selectors[4] = HostileKeeperHandler.sandwich.selector;
        selectors[5] = HostileKeeperHandler.sandwich.selector;
        selectors[6] = HostileKeeperHandler.keeperOpenEpoch.selector;
        selectors[7] = HostileKeeperHandler.keeperOpenEpoch.selector;
        selectors[8] = HostileKeeperHandler.keeperCashSweep.selector;
        selectors[9] = HostileKeeperHandler.keeperSwitchRegime.selector;
        selectors[10] = HostileKeeperHandler.keeperClose.selector;
        selectors[11] = HostileKeeperHandler.outsiderAct.selector;
        selectors[12] = HostileKeeperHandler.guardianForceRiskOff.selector;
        selectors[13] = HostileKeeperHandler.manipulatePool.selector;
        selectors[14] = HostileKeeperHandler.arbitrage.selector;
        selectors[15] = HostileKeeperHandler.moveFeed.selector;
        selectors[16] = HostileKeeperHandler.deposit.selector;
        selectors[17] = HostileKeeperHandler.redeem.selector;
        selectors[18] = HostileKeeperHandler.redeemInKind.selector;
        selectors[19] = HostileKeeperHandler.warp.selector;
        selectors[20] = HostileKeeperHandler.makeStale.selector;
        selectors[21] = HostileKeeperHandler.refreshFeeds.selector;
        targetContract(address(handler));
        targetSelector(StdInvariant.FuzzSelector({addr: address(handler), selectors: selectors}));
    }

    /// @dev The world of the campaign (pools, tightened caps, three depositors invested at targets), as the handler's
    /// `World`. Shared with the accomplice suite (`AccompliceInvariants.t.sol`).
    function _deployHostileWorld() internal returns (HostileKeeperHandler.World memory) {
        _deployWorld(N, POOL_VALUE);
        // An unlisted token with a pool of its own, and a T1/T0 cross pool, for multi-hop routes.
        rogueToken = new MockERC20("Rogue", "RGE", 18);
        _v3CreatePool(address(rogueToken), address(usdc), 1e24, POOL_VALUE);
        uint256 p0 = oracle.price(address(tokens[0]));
        uint256 p1 = oracle.price(address(tokens[1]));
        _v3CreatePool(address(tokens[1]), address(tokens[0]), p1.mulDiv(1e36, p0), POOL_VALUE.mulDiv(1e36, p0));
        rogueAdapter = new HostileKeeperRogueAdapter();

        IBallastRebalancer.Config memory c = _defaultConfig();
        c.maxSlippageBps = 150;
        c.maxCallLossBps = 5;
        c.maxEpochLossBps = 15;
        c.maxTurnoverBps = 3000;
        c.bandWad = 0.005e18;
        _ownerNow(address(rebalancer), abi.encodeCall(rebalancer.setConfig, (c)));
        vm.prank(owner);
        vault.setShareLockPeriod(1 hours);

        address[] memory ds = new address[](3);
        ds[0] = makeAddr("alice");
        ds[1] = makeAddr("bob");
        ds[2] = makeAddr("carol");
        _deposit(ds[0], 100_000e6);
        _deposit(ds[1], 60_000e6);
        _deposit(ds[2], 40_000e6);
        _investAtTargets();

        return HostileKeeperHandler.World({
            vault: vault,
            rebalancer: rebalancer,
            usdc: usdc,
            tokens: tokens,
            feeds: feeds,
            rogueToken: rogueToken,
            adapter: ISwapAdapter(address(v3Adapter)),
            rogueAdapter: rogueAdapter,
            keeper: keeper,
            guardian: guardian,
            feedUpdater: address(this),
            depositors: ds,
            factory: v3Factory,
            router: v3Router,
            positions: v3Positions
        });
    }

    /*//////////////////////////////////////////////////////////////
                               INVARIANTS
    //////////////////////////////////////////////////////////////*/

    /// @notice (1) For every epoch, the handler's own measurement of its losses (oracle value in minus oracle value
    /// out, from the vault's balances and the feeds) stays within `maxEpochLossBps` of its opening NAV, its worst call
    /// within `maxCallLossBps`, its turnover within `maxTurnoverBps`; the contract's own counters agree and obey too.
    function checkLossAndTurnoverCaps() public view {
        _noFailure("callLoss");
        _noFailure("lossMismatch");
        IBallastRebalancer.Config memory c = rebalancer.config();
        uint64[] memory ids = handler.epochIds();
        for (uint256 k; k < ids.length; ++k) {
            HostileKeeperHandler.EpochGhost memory g = handler.epochGhost(ids[k]);
            string memory at = string.concat(" (epoch ", vm.toString(ids[k]), ")");
            assertLe(g.loss, g.nav.mulDiv(c.maxEpochLossBps, BPS), string.concat("epoch loss above its cap", at));
            assertLe(g.worstCallLoss, g.nav.mulDiv(c.maxCallLossBps, BPS), string.concat("call loss above cap", at));
            assertLe(g.turnover, g.nav.mulDiv(c.maxTurnoverBps, BPS), string.concat("turnover above its cap", at));
        }
        IBallastRebalancer.Epoch memory e = rebalancer.currentEpoch();
        if (e.id == 0) return;
        uint256 nav = e.navAtOpen;
        assertLe(e.loss, nav.mulDiv(c.maxEpochLossBps, BPS), "contract epoch loss above its cap");
        assertLe(e.turnover, nav.mulDiv(c.maxTurnoverBps, BPS), "contract turnover above its cap");
        HostileKeeperHandler.EpochGhost memory cur = handler.epochGhost(e.id);
        assertEq(cur.nav, nav, "epoch opened behind the handler's back");
        assertApproxEqAbs(e.loss, cur.loss, cur.trades, "contract loss != measured loss");
        assertApproxEqAbs(e.turnover, cur.turnover, cur.trades, "contract turnover != measured turnover");
    }

    /// @notice (2) Nothing leaves the vault except through trades and holders' exits: every tracked token's real
    /// balance equals the ledger replayed from deposits, exits and the trades' events, and covers the accounting;
    /// the basket is still exactly the listed components; the unlisted token and the rogue adapter are never touched;
    /// a refused call changes nothing.
    function checkNothingLeavesButTradesAndExits() public view {
        _noFailure("balances");
        _noFailure("refusedChanged");
        address[] memory t = handler.tracked();
        for (uint256 k; k < t.length; ++k) {
            uint256 real = MockERC20(t[k]).balanceOf(address(vault));
            uint256 acct;
            if (k == 0) acct = vault.cash();
            else if (k <= N) (acct,,) = vault.component(t[k]);
            string memory sym = MockERC20(t[k]).symbol();
            assertGe(real, acct, string.concat("real balance below accounting: ", sym));
            assertEq(real, handler.ghostReal(t[k]), string.concat("real balance != replayed ledger: ", sym));
            assertEq(acct, handler.ghostAccounted(t[k]), string.concat("accounting != replayed ledger: ", sym));
        }
        IBallastVault.ComponentView[] memory cs = vault.components();
        assertEq(cs.length, N, "basket changed");
        for (uint256 i; i < N; ++i) {
            assertEq(cs[i].token, address(tokens[i]), "component changed");
        }
        try vault.component(address(rogueToken)) {
            assertTrue(false, "the unlisted token became a component");
        } catch {}
        assertEq(rogueToken.balanceOf(address(vault)), 0, "the vault holds the unlisted token");
        assertEq(rogueAdapter.calls(), 0, "the rogue adapter was called");
    }

    /// @notice (3) Every non-forced regime switch came at least `minDwell` after the previous switch (forced or not);
    /// the contract's regime and last switch are the handler's.
    function checkDwell() public view {
        HostileKeeperHandler.Switch[] memory sw = handler.switches();
        uint256 dwell = rebalancer.config().minDwell;
        for (uint256 k = 1; k < sw.length; ++k) {
            if (!sw[k].forced) assertGe(sw[k].at - sw[k - 1].at, dwell, "regime switched before the dwell");
        }
        (IBallastRebalancer.Regime r, uint256 last) = rebalancer.regime();
        if (sw.length == 0) {
            assertEq(last, 0, "regime switched behind the handler's back");
        } else {
            assertEq(last, sw[sw.length - 1].at, "last switch != handler's");
            assertEq(uint256(r), uint256(sw[sw.length - 1].to), "regime != handler's");
        }
    }

    /// @notice (4) On a snapshot, every depositor with unlocked shares redeems all of them in kind, without revert,
    /// receiving exactly the preview.
    function checkHoldersCanRedeemInKind() public {
        uint256 snap = vm.snapshotState();
        address[] memory ds = handler.depositors();
        for (uint256 k; k < ds.length; ++k) {
            (uint256 locked,) = vault.lockedShares(ds[k]);
            uint256 bal = vault.balanceOf(ds[k]);
            if (bal <= locked) continue;
            (uint256[] memory preview, uint256 previewCash) = lens.previewRedeemInKind(vault, bal - locked);
            uint256 cashBefore = usdc.balanceOf(ds[k]);
            vm.prank(ds[k]);
            try vault.redeemInKind(bal - locked, ds[k], ds[k]) returns (uint256[] memory amounts, uint256 cashOut) {
                assertEq(cashOut, previewCash, "in-kind cash != preview");
                assertEq(usdc.balanceOf(ds[k]) - cashBefore, cashOut, "in-kind cash not received");
                for (uint256 i; i < N; ++i) {
                    assertEq(amounts[i], preview[i], "in-kind amount != preview");
                }
            } catch (bytes memory err) {
                vm.revertToState(snap);
                assertTrue(false, string.concat("redeemInKind reverted for a holder: ", vm.toString(err)));
            }
        }
        vm.revertToState(snap);
        _noFailure("inKind");
    }

    /// @notice (5) Epoch ids strictly increase (each opening is the previous id plus one) and no (epoch, index) trade
    /// is executed twice or out of sequence; the contract's trade counter is the handler's.
    function checkEpochIdsAndTradeIndices() public view {
        _noFailure("index");
        _noFailure("epochId");
        IBallastRebalancer.Epoch memory e = rebalancer.currentEpoch();
        assertEq(e.id, handler.ghostLastEpochId(), "epoch id != handler's");
        uint64[] memory ids = handler.epochIds();
        for (uint256 k = 1; k < ids.length; ++k) {
            assertGt(ids[k], ids[k - 1], "epoch ids not increasing");
        }
        if (e.id != 0) assertEq(e.trades, handler.epochGhost(e.id).trades, "trade counter != trades executed");
    }

    /// @notice (6) Every successful trade moved its component toward its target, from the right side, without
    /// crossing the band, and no buy took the cash leg below its band.
    function checkTradesMoveTowardTargets() public view {
        _noFailure("band");
    }

    /// @notice No hostile or ill-formed call was accepted (rogue adapter, pairs not through cash, unlisted tokens, bad
    /// routes, stale prices, wrong ids or indices, outsiders before the grace period, invalid targets, early switches)
    /// and every opening NAV is the handler's own valuation.
    function checkNoHostileCallAccepted() public view {
        _noFailure("accepted");
        _noFailure("navAtOpen");
    }

    function _noFailure(string memory category) internal view {
        bytes32 key = bytes32(bytes(category));
        assertEq(handler.failCount(key), 0, string.concat(category, ": ", handler.failMessage(key)));
    }
}

/// @notice The campaign: every check of `HostileKeeperSetup` as an invariant.
contract HostileKeeperInvariantsTest is HostileKeeperSetup {
    function invariant_lossAndTurnoverCapsHold() public view {
        checkLossAndTurnoverCaps();
    }

    function invariant_nothingLeavesButTradesAndExits() public view {
        checkNothingLeavesButTradesAndExits();
    }

    function invariant_dwellHolds() public view {
        checkDwell();
    }

    function invariant_holdersCanAlwaysRedeemInKind() public {
        checkHoldersCanRedeemInKind();
    }

    function invariant_epochIdsIncreaseAndTradesRunOnce() public view {
        checkEpochIdsAndTradeIndices();
    }

    function invariant_tradesMoveTowardTargets() public view {
        checkTradesMoveTowardTargets();
    }

    function invariant_noHostileCallAccepted() public view {
        checkNoHostileCallAccepted();
    }

    /// @dev What the campaign did (run with -vv to see it).
    function afterInvariant() public view {
        string[17] memory actions = [
            "keeperTrades",
            "sandwich",
            "openEpoch",
            "cashSweep",
            "switchRegime",
            "close",
            "closed",
            "outsiderAct",
            "forceRiskOff",
            "manipulatePool",
            "arbitrage",
            "moveFeed",
            "deposit",
            "redeem",
            "redeemInKind",
            "warp",
            "makeStale"
        ];
        for (uint256 k; k < actions.length; ++k) {
            console2.log(actions[k], handler.calls(bytes32(bytes(actions[k]))));
        }
        console2.log("successful executeTrades calls", handler.successfulCalls());
        console2.log("successful trades", handler.successfulTrades());
        console2.log("  of which sandwiched", handler.sandwichedTrades());
        console2.log("  of which multi-hop", handler.multiHopTrades());
        console2.log("  of which by outsiders", handler.outsiderTrades());
        console2.log("epochs", handler.epochIds().length);
        console2.log("regime switches", handler.switches().length);
        console2.log("total measured trading loss (asset units)", handler.totalLoss());
        bytes4[] memory sels = handler.revertSelectors();
        for (uint256 k; k < sels.length; ++k) {
            console2.log(vm.toString(abi.encodePacked(sels[k])), handler.revertCount(sels[k]));
        }
    }
}
