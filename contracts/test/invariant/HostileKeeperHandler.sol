// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Vm} from "forge-std/Vm.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";

import {BallastRebalancer} from "../../src/BallastRebalancer.sol";
import {IBallastRebalancer} from "../../src/interfaces/IBallastRebalancer.sol";
import {ISwapAdapter} from "../../src/interfaces/ISwapAdapter.sol";
import {
    IUniswapV3Factory,
    IUniswapV3Pool,
    ISwapRouter,
    INonfungiblePositionManager
} from "../../src/interfaces/IUniswapV3.sol";
import {MockAggregator} from "../../src/oracles/MockAggregator.sol";
import {BallastVaultHarness} from "../utils/BallastVaultHarness.sol";
import {MockERC20} from "../utils/MockERC20.sol";
import {UniswapV3World} from "../utils/UniswapV3World.sol";
import {HostileKeeperRogueAdapter} from "./HostileKeeperRogueAdapter.sol";

/// @notice Drives the vault and its rebalancer on REAL Uniswap V3 pools with a HOSTILE KEEPER (pranked as the real
/// keeper): random targets (valid or not), cash sweeps, regime switches (sometimes too early), and random trades (any
/// pair, any amount, routes that are valid single- or multi-hop, through an unlisted token's pool, mismatched, expired
/// or garbage, through the real or a rogue adapter, at stale ids and indices, sent by outsiders before or after the
/// grace period). A POOL MANIPULATOR moves pool prices (and sandwiches the keeper's trades) and feeds (bounded);
/// depositors enter and leave in cash and in kind; time passes and feeds go stale.
///
/// Every successful `executeTrades` is measured INDEPENDENTLY: the vault's real token balances before and after, the
/// vault's `Trade` events (what left and what arrived) and the feeds' own answers (scaled as `ChainlinkPriceSource`
/// does). From them the handler rebuilds every trade's loss, turnover, direction and band, and compares them with the
/// bounds of the configuration and with the contract's own bookkeeping. Whatever can only be seen at the moment of an
/// action is recorded as a failure (category, first message) that an invariant asserts is absent.
contract HostileKeeperHandler is UniswapV3World {
    using Math for uint256;

    uint256 internal constant WAD = 1e18;
    uint256 internal constant BPS = 10_000;
    uint256 internal constant ONE36 = 1e36;
    uint256 internal constant FEED_DECIMALS = 8;
    uint256 internal constant HEARTBEAT = 1 days;
    uint24 internal constant WRONG_FEE = 500;

    bytes32 internal constant VAULT_TRADE = keccak256("Trade(address,address,address,uint256,uint256)");
    bytes32 internal constant TRADE_EXECUTED =
        keccak256("TradeExecuted(uint64,uint32,address,address,uint256,uint256,uint256,uint256,int256)");

    /// @notice Everything the handler drives, deployed by the test.
    struct World {
        BallastVaultHarness vault;
        BallastRebalancer rebalancer;
        MockERC20 usdc;
        MockERC20[] tokens;
        MockAggregator[] feeds;
        MockERC20 rogueToken;
        ISwapAdapter adapter;
        HostileKeeperRogueAdapter rogueAdapter;
        address keeper;
        address guardian;
        address feedUpdater;
        address[] depositors;
        IUniswapV3Factory factory;
        ISwapRouter router;
        INonfungiblePositionManager positions;
    }

    /// @notice One epoch as measured by the handler.
    struct EpochGhost {
        uint256 nav;
        uint256 reserved;
        uint256 loss;
        uint256 turnover;
        uint256 trades;
        uint256 calls;
        uint256 worstCallLoss;
    }

    /// @notice One regime switch.
    struct Switch {
        uint256 at;
        bool forced;
        IBallastRebalancer.Regime to;
    }

    /// @dev The state around one call: real balances and accounting of [asset, components..., rogue token], mark prices
    /// and freshness of the components (index k + 1 is component k), the epoch, the config and the targets.
    struct Snap {
        uint256[] real;
        uint256[] acct;
        uint256[] price;
        bool[] fresh;
        IBallastRebalancer.Epoch e;
        IBallastRebalancer.Config cfg;
        uint64[] w;
        uint64 cashW;
        bool navValid;
        uint256 supply;
    }

    /// @dev One `executeTrades` call and what must make it fail.
    struct Plan {
        address caller;
        uint64 id;
        uint32 idx;
        IBallastRebalancer.Trade[] trades;
        bool mustFail;
        string why;
    }

    /// @dev The running measurement of one successful call.
    struct Run {
        uint256[] acct;
        uint256 investable;
        uint256 band;
        uint256 cashTarget;
        uint256 loss;
        uint256 turnover;
        uint256 n;
        uint256 executed;
    }

    BallastVaultHarness public immutable vault;
    BallastRebalancer public immutable rebalancer;
    MockERC20 public immutable usdc;
    MockERC20 public immutable rogueToken;
    ISwapAdapter public immutable adapter;
    HostileKeeperRogueAdapter public immutable rogueAdapter;
    address public immutable keeper;
    address public immutable guardian;
    address public immutable feedUpdater;

    MockERC20[] internal _tokens;
    MockAggregator[] internal _feeds;
    int256[] internal _initialAnswers;
    uint256[] internal _scale;
    address[] internal _all;
    address[] internal _depositors;
    address[] internal _outsiders;
    mapping(address token => uint256) internal _compPlusOne;

    /*//////////////////////////////////////////////////////////////
                                 GHOSTS
    //////////////////////////////////////////////////////////////*/

    /// @notice The vault's real balance and accounting of each tracked token, replayed from deposits, exits and the
    /// trades' own events only.
    mapping(address token => uint256) public ghostReal;
    mapping(address token => uint256) public ghostAccounted;

    mapping(uint64 id => EpochGhost) internal _epochs;
    uint64[] internal _epochIds;
    uint64 public ghostLastEpochId;
    mapping(bytes32 => bool) internal _executed;
    Switch[] internal _switches;

    /// @notice Failures by category, with the first message of each.
    mapping(bytes32 category => uint256) public failCount;
    mapping(bytes32 category => string) public failMessage;

    /// @notice What happened (for the report).
    mapping(bytes32 => uint256) public calls;
    mapping(bytes4 => uint256) public revertCount;
    bytes4[] internal _revertSelectors;
    uint256 public successfulCalls;
    uint256 public successfulTrades;
    uint256 public outsiderTrades;
    uint256 public sandwichedTrades;
    uint256 public multiHopTrades;
    uint256 public totalLoss;

    constructor(World memory w) {
        vault = w.vault;
        rebalancer = w.rebalancer;
        usdc = w.usdc;
        rogueToken = w.rogueToken;
        adapter = w.adapter;
        rogueAdapter = w.rogueAdapter;
        keeper = w.keeper;
        guardian = w.guardian;
        feedUpdater = w.feedUpdater;
        v3Factory = w.factory;
        v3Router = w.router;
        v3Positions = w.positions;
        _all.push(address(w.usdc));
        for (uint256 i; i < w.tokens.length; ++i) {
            _tokens.push(w.tokens[i]);
            _feeds.push(w.feeds[i]);
            (, int256 answer,,,) = w.feeds[i].latestRoundData();
            _initialAnswers.push(answer);
            _scale.push(10 ** (36 + uint256(w.usdc.decimals()) - FEED_DECIMALS - w.tokens[i].decimals()));
            _all.push(address(w.tokens[i]));
            _compPlusOne[address(w.tokens[i])] = i + 1;
        }
        _all.push(address(w.rogueToken));
        for (uint256 i; i < w.depositors.length; ++i) {
            _depositors.push(w.depositors[i]);
        }
        for (uint256 i; i < 3; ++i) {
            _outsiders.push(makeAddr(string.concat("outsider", vm.toString(i))));
        }
        for (uint256 k; k < _all.length; ++k) {
            ghostReal[_all[k]] = MockERC20(_all[k]).balanceOf(address(w.vault));
            ghostAccounted[_all[k]] = _accounted(k);
        }
        IBallastRebalancer.Epoch memory e = w.rebalancer.currentEpoch();
        ghostLastEpochId = e.id;
    }

    /*//////////////////////////////////////////////////////////////
                              THE KEEPER
    //////////////////////////////////////////////////////////////*/

    /// @notice The keeper (or, one time in eight, an outsider before the grace period) executes 0 to 3 random trades
    /// at a random (usually right) epoch id and first index.
    function keeperTrades(uint256 seed, uint8 n, uint8 idMode, uint8 idxMode, uint8 callerMode) external {
        _count("keeperTrades");
        // Two times in three, an idle keeper first opens an epoch (valid targets, or a cash sweep when risk-off).
        if (!rebalancer.currentEpoch().open && callerMode % 3 != 0) {
            _waitSpacing();
            if (_regimeNow() == IBallastRebalancer.Regime.RiskOff) _cashSweep(0);
            else _openEpoch(seed % 7, 0);
        }
        // 0 to 3 trades, mostly 1 or 2.
        Plan memory p = _plan(seed, (n % 7 + 1) / 2, idMode, idxMode);
        if (callerMode % 8 == 0) p.caller = _outsiders[callerMode % 3];
        _execute(p);
    }

    /// @notice The keeper opens a rebalance epoch with random targets (valid sums, sometimes invalid ones).
    function keeperOpenEpoch(uint256 seed, uint8 idMode, bool wait, bool closeFirst) external {
        _count("openEpoch");
        if (closeFirst) _tryClose(keeper, 0);
        if (wait) _waitSpacing();
        _openEpoch(seed, idMode);
    }

    function _openEpoch(uint256 seed, uint8 idMode) internal {
        (uint64[] memory w, uint64 cw, string memory bad) = _randomWeights(seed);
        Snap memory s = _snap();
        uint64 id = _id(idMode, s.e.id + 1);
        string memory why = _openRefusal(s, id);
        if (bytes(why).length == 0) why = bad;
        if (bytes(why).length == 0 && _regimeNow() == IBallastRebalancer.Regime.RiskOff) {
            why = "risk-off targets";
        }
        vm.prank(keeper);
        try rebalancer.openEpoch(id, w, cw) {
            _onOpened("openEpoch", why, s);
        } catch (bytes memory err) {
            _onRefused(err, s);
        }
    }

    /// @notice The keeper opens a cash sweep at the current targets.
    function keeperCashSweep(uint8 idMode, bool wait, bool closeFirst) external {
        _count("cashSweep");
        if (closeFirst) _tryClose(keeper, 0);
        if (wait) _waitSpacing();
        _cashSweep(idMode);
    }

    function _cashSweep(uint8 idMode) internal {
        Snap memory s = _snap();
        uint64 id = _id(idMode, s.e.id + 1);
        string memory why = _openRefusal(s, id);
        vm.prank(keeper);
        try rebalancer.openCashSweep(id) {
            _onOpened("openCashSweep", why, s);
        } catch (bytes memory err) {
            _onRefused(err, s);
        }
    }

    /// @notice The keeper switches the regime, usually after the dwell, sometimes too early or to the same regime.
    function keeperSwitchRegime(uint256 seed, uint8 idMode, bool early, bool closeFirst) external {
        _count("switchRegime");
        if (closeFirst) _tryClose(keeper, 0);
        (IBallastRebalancer.Regime regimeNow, uint256 last) = rebalancer.regime();
        uint256 dwell = rebalancer.config().minDwell;
        if (!early) {
            if (last != 0 && block.timestamp < last + dwell) _warpTo(last + dwell + seed % 1 hours);
            _waitSpacing();
        }
        IBallastRebalancer.Regime to = seed % 7 == 0
            ? regimeNow
            : (regimeNow == IBallastRebalancer.Regime.RiskOn
                    ? IBallastRebalancer.Regime.RiskOff
                    : IBallastRebalancer.Regime.RiskOn);
        string memory why;
        if (to == regimeNow) why = "already in regime";
        else if (last != 0 && block.timestamp < last + dwell) why = "dwell not elapsed";
        _switch(seed, idMode, to, why);
    }

    function _switch(uint256 seed, uint8 idMode, IBallastRebalancer.Regime to, string memory regimeWhy) internal {
        (uint64[] memory w, uint64 cw, string memory bad) = _randomWeights(seed >> 8);
        Snap memory s = _snap();
        uint64 id = _id(idMode, s.e.id + 1);
        string memory why = _openRefusal(s, id);
        if (bytes(why).length == 0) why = regimeWhy;
        if (bytes(why).length == 0 && to == IBallastRebalancer.Regime.RiskOn) why = bad;
        vm.prank(keeper);
        try rebalancer.switchRegime(id, to, uint32(seed), w, cw) {
            _switches.push(Switch({at: block.timestamp, forced: false, to: to}));
            _onOpened("switchRegime", why, s);
        } catch (bytes memory err) {
            _onRefused(err, s);
        }
    }

    /// @notice The keeper (or an outsider, before the grace period) closes the epoch, at a random id.
    function keeperClose(uint8 idMode, uint8 callerMode) external {
        _count("close");
        address caller = callerMode % 4 == 0 ? _outsiders[callerMode % 3] : keeper;
        _tryClose(caller, idMode);
    }

    /// @notice The keeper went silent: time passes beyond the grace period (usually), and an outsider trades or closes.
    function outsiderAct(uint256 seed, uint256 delay, bool close) external {
        _count("outsiderAct");
        IBallastRebalancer.Epoch memory e = rebalancer.currentEpoch();
        if (e.open && seed % 4 != 0) {
            uint256 at = uint256(e.openedAt) + rebalancer.config().keeperGracePeriod + delay % 12 hours;
            if (at > block.timestamp) _warpTo(at);
            if (seed % 8 != 1) _refresh();
        }
        address who = _outsiders[seed % 3];
        if (close) {
            _tryClose(who, uint8(seed >> 8));
            return;
        }
        Plan memory p = _plan(seed, 1 + (seed >> 16) % 3, uint8(seed >> 24), uint8(seed >> 32));
        p.caller = who;
        _execute(p);
    }

    /// @notice The guardian forces risk-off (ignores the dwell).
    function guardianForceRiskOff(uint32 reason) external {
        _count("forceRiskOff");
        Snap memory s = _snap();
        vm.prank(guardian);
        try rebalancer.forceRiskOff(reason) {
            _switches.push(Switch({at: block.timestamp, forced: true, to: IBallastRebalancer.Regime.RiskOff}));
            IBallastRebalancer.Epoch memory e = rebalancer.currentEpoch();
            if (e.id != s.e.id) _onOpened("forceRiskOff", "", s);
        } catch (bytes memory err) {
            _onRefused(err, s);
        }
    }

    /*//////////////////////////////////////////////////////////////
                            THE MANIPULATOR
    //////////////////////////////////////////////////////////////*/

    /// @notice Moves a pool's spot price to 0.5x..2x its oracle price with one big swap (component pools, the T0/T1
    /// cross pool, the unlisted token's pool).
    function manipulatePool(uint256 poolSeed, uint256 bps) external {
        _count("manipulatePool");
        bps = 5000 + bps % 15_001;
        (IUniswapV3Pool pool, address token, uint256 fair) = _poolAt(poolSeed % (_tokens.length + 2));
        _move(pool, token, fair.mulDiv(bps, BPS));
    }

    /// @notice Moves a pool back to its oracle price (an arbitrageur).
    function arbitrage(uint256 poolSeed) external {
        _count("arbitrage");
        (IUniswapV3Pool pool, address token, uint256 fair) = _poolAt(poolSeed % (_tokens.length + 2));
        _move(pool, token, fair);
    }

    /// @notice Moves feed `i` by -20%..+25% (within 1/4..4 times its initial answer), sometimes with its pools.
    function moveFeed(uint256 i, uint256 bps, bool everywhere) external {
        _count("moveFeed");
        i %= _feeds.length;
        bps = 8000 + bps % 4501;
        (, int256 answer,,,) = _feeds[i].latestRoundData();
        uint256 init = uint256(_initialAnswers[i]);
        uint256 next = Math.max(Math.min(uint256(answer).mulDiv(bps, BPS), init * 4), init / 4);
        vm.prank(feedUpdater);
        _feeds[i].setAnswer(int256(next));
        if (everywhere) {
            (IUniswapV3Pool pool, address token, uint256 fair) = _poolAt(i);
            _move(pool, token, fair);
            if (i < 2) {
                (pool, token, fair) = _poolAt(_tokens.length);
                _move(pool, token, fair);
            }
        }
    }

    /// @notice A sandwich: the manipulator pushes a component's pool against the vault, the keeper trades it toward
    /// its target (valid route, real adapter), and the manipulator sells back to the oracle price.
    function sandwich(uint256 seed, uint256 bps, uint8 n) external {
        _count("sandwich");
        IBallastRebalancer.Epoch memory e = rebalancer.currentEpoch();
        if (!e.open) return;
        uint256 i = seed % _tokens.length;
        Snap memory s = _snap();
        (bool buy, uint256 amount) = _towardTarget(s, i, 2000 + (seed >> 8) % 9000, _r(seed, 99));
        if (amount == 0) return;
        (IUniswapV3Pool pool, address token, uint256 fair) = _poolAt(i);
        bps = 10 + bps % 150;
        // Against the vault: dearer before it buys, cheaper before it sells.
        _move(pool, token, buy ? fair.mulDiv(BPS + bps, BPS) : fair.mulDiv(BPS - bps, BPS));
        Plan memory p = _plan(seed >> 16, 1 + n % 2, 0, 0);
        p.trades[0] = _trade(buy ? address(usdc) : token, buy ? token : address(usdc), amount, _single(buy, token));
        uint256 before = successfulTrades;
        _execute(p);
        sandwichedTrades += successfulTrades - before;
        _move(pool, token, fair);
    }

    /*//////////////////////////////////////////////////////////////
                              DEPOSITORS
    //////////////////////////////////////////////////////////////*/

    function deposit(uint256 actorSeed, uint256 assets) external {
        _count("deposit");
        address a = _depositors[actorSeed % _depositors.length];
        assets = 100e6 + assets % 100_000e6;
        usdc.mint(a, assets);
        vm.prank(a);
        usdc.approve(address(vault), assets);
        vm.prank(a);
        try vault.deposit(assets, a) {
            ghostReal[address(usdc)] += assets;
            ghostAccounted[address(usdc)] += assets;
        } catch (bytes memory err) {
            _countRevert(err);
            vm.prank(a);
            usdc.approve(address(vault), 0);
        }
    }

    function redeem(uint256 actorSeed, uint256 shares) external {
        _count("redeem");
        address a = _depositors[actorSeed % _depositors.length];
        uint256 max = vault.maxRedeem(a);
        if (max == 0) return;
        shares = 1 + shares % max;
        vm.prank(a);
        try vault.redeem(shares, a, a) returns (uint256 assets) {
            ghostReal[address(usdc)] -= assets;
            ghostAccounted[address(usdc)] -= assets;
        } catch (bytes memory err) {
            _countRevert(err);
        }
    }

    function redeemInKind(uint256 actorSeed, uint256 shares) external {
        _count("redeemInKind");
        address a = _depositors[actorSeed % _depositors.length];
        uint256 unlocked = _unlocked(a);
        if (unlocked == 0) return;
        shares = 1 + shares % unlocked;
        vm.prank(a);
        try vault.redeemInKind(shares, a, a) returns (uint256[] memory amounts, uint256 cashOut) {
            for (uint256 i; i < amounts.length; ++i) {
                ghostReal[address(_tokens[i])] -= amounts[i];
                ghostAccounted[address(_tokens[i])] -= amounts[i];
            }
            ghostReal[address(usdc)] -= cashOut;
            ghostAccounted[address(usdc)] -= cashOut;
        } catch (bytes memory err) {
            _fail("inKind", string.concat("redeemInKind reverted: ", vm.toString(err)));
        }
    }

    /*//////////////////////////////////////////////////////////////
                                 TIME
    //////////////////////////////////////////////////////////////*/

    /// @notice Time passes (1 s to 36 h); feeds usually re-posted, sometimes left to go stale.
    function warp(uint256 secs, uint256 refreshSeed) external {
        _count("warp");
        _warpTo(block.timestamp + 1 + secs % 36 hours);
        if (refreshSeed % 4 != 0) _refresh();
    }

    /// @notice Makes feed `i` stale.
    function makeStale(uint256 i) external {
        _count("makeStale");
        i %= _feeds.length;
        (, int256 answer,,,) = _feeds[i].latestRoundData();
        vm.prank(feedUpdater);
        _feeds[i].setAnswerAt(answer, block.timestamp - HEARTBEAT - 1);
    }

    function refreshFeeds() external {
        _count("refreshFeeds");
        _refresh();
    }

    /*//////////////////////////////////////////////////////////////
                        EXECUTION AND MEASUREMENT
    //////////////////////////////////////////////////////////////*/

    function _execute(Plan memory p) internal {
        Snap memory s = _snap();
        _precheck(p, s);
        vm.getRecordedLogs();
        vm.recordLogs();
        vm.prank(p.caller);
        try rebalancer.executeTrades(p.id, p.idx, p.trades) {
            Vm.Log[] memory logs = vm.getRecordedLogs();
            _verify(s, p, logs);
        } catch (bytes memory err) {
            vm.getRecordedLogs();
            _onRefused(err, s);
        }
    }

    /// @dev Marks the plan as one that must be refused, and why, from the chain's state before the call.
    function _precheck(Plan memory p, Snap memory s) internal view {
        if (!s.e.open) {
            _must(p, "no open epoch");
        } else if (p.id != s.e.id) {
            _must(p, "wrong epoch id");
        } else if (p.idx != s.e.trades) {
            _must(p, "wrong first index");
        } else if (p.caller != keeper && block.timestamp < uint256(s.e.openedAt) + s.cfg.keeperGracePeriod) {
            _must(p, "outsider before the grace period");
        }
        for (uint256 k; k < p.trades.length; ++k) {
            IBallastRebalancer.Trade memory t = p.trades[k];
            if (address(t.adapter) != address(adapter)) _must(p, "adapter not allow-listed");
            bool buy = t.tokenIn == address(usdc);
            if (buy == (t.tokenOut == address(usdc))) _must(p, "not through cash");
            uint256 c = _compPlusOne[buy ? t.tokenOut : t.tokenIn];
            if (c == 0) _must(p, "unlisted token");
            else if (!s.fresh[c]) _must(p, "stale price");
            if (t.amountIn == 0) _must(p, "zero amount");
            if (!_routeOk(t)) _must(p, "bad route");
        }
    }

    function _must(Plan memory p, string memory why) internal pure {
        if (!p.mustFail) (p.mustFail, p.why) = (true, why);
    }

    /// @dev Rebuilds the successful call from the vault's `Trade` events and checks everything against the snapshot.
    function _verify(Snap memory s, Plan memory p, Vm.Log[] memory logs) internal {
        ++successfulCalls;
        if (p.mustFail) _fail("accepted", string.concat("executeTrades accepted: ", p.why));
        if (p.caller != keeper && p.trades.length != 0) outsiderTrades += p.trades.length;
        Run memory r = _run(s);
        for (uint256 j; j < logs.length; ++j) {
            Vm.Log memory l = logs[j];
            if (l.emitter == address(vault) && l.topics[0] == VAULT_TRADE) {
                _measureTrade(s, r, l);
            } else if (l.emitter == address(rebalancer) && l.topics[0] == TRADE_EXECUTED) {
                _checkIndex(p, r, l);
            }
        }
        if (r.n != p.trades.length || r.executed != p.trades.length) {
            _fail("index", "trades executed != trades sent");
        }
        successfulTrades += r.n;
        totalLoss += r.loss;
        for (uint256 k; k < p.trades.length; ++k) {
            if (p.trades[k].route.length > 160) ++multiHopTrades;
        }
        _checkBalances(s, r);
        _checkLosses(s, p, r);
    }

    function _run(Snap memory s) internal pure returns (Run memory r) {
        r.acct = new uint256[](s.acct.length);
        for (uint256 k; k < s.acct.length; ++k) {
            r.acct[k] = s.acct[k];
        }
        uint256 nav = _base(s);
        r.investable = nav > s.e.reserved ? nav - s.e.reserved : 0;
        r.band = nav.mulDiv(s.cfg.bandWad, WAD);
        r.cashTarget = r.investable.mulDiv(s.cashW, WAD) + s.e.reserved;
    }

    /// @dev One trade from the vault's own event: its loss and turnover at the feeds' prices, its direction and band.
    function _measureTrade(Snap memory s, Run memory r, Vm.Log memory l) internal {
        address tIn = address(uint160(uint256(l.topics[2])));
        address tOut = address(uint160(uint256(l.topics[3])));
        (uint256 spent, uint256 out) = abi.decode(l.data, (uint256, uint256));
        ++r.n;
        bool buy = tIn == address(usdc);
        uint256 c = _compPlusOne[buy ? tOut : tIn];
        if (buy == (tOut == address(usdc)) || c == 0) {
            _fail("accepted", "a trade not between the asset and a listed component");
            return;
        }
        if (!s.fresh[c]) _fail("accepted", "a trade at a stale price");
        uint256 price = s.price[c];
        uint256 valueIn = buy ? spent : spent.mulDiv(price, ONE36);
        uint256 valueOut = buy ? out.mulDiv(price, ONE36) : out;
        r.loss += valueIn > valueOut ? valueIn - valueOut : 0;
        r.turnover += valueIn;
        _checkBand(s, r, buy, c, spent, out);
    }

    /// @dev The trade moved component `c` toward its target, from the right side, and not past its band; a buy left
    /// the cash leg within its band.
    function _checkBand(Snap memory s, Run memory r, bool buy, uint256 c, uint256 spent, uint256 out) internal {
        uint256 price = s.price[c];
        uint256 target = r.investable.mulDiv(s.w[c - 1], WAD);
        uint256 valueBefore = r.acct[c].mulDiv(price, ONE36);
        string memory sym = MockERC20(_all[c]).symbol();
        if (buy) {
            uint256 valueAfter = (r.acct[c] + out).mulDiv(price, ONE36);
            if (valueBefore >= target) _fail("band", string.concat("bought a component not underweight: ", sym));
            if (valueAfter > target + r.band) _fail("band", string.concat("bought past the band: ", sym));
            uint256 cashAfter = r.acct[0] > spent ? r.acct[0] - spent : 0;
            if (cashAfter + r.band < r.cashTarget) _fail("band", "a buy took cash below its band");
            r.acct[c] += out;
            r.acct[0] = _sub(r.acct[0], spent);
        } else {
            uint256 valueAfter = _sub(r.acct[c], spent).mulDiv(price, ONE36);
            if (valueBefore <= target) _fail("band", string.concat("sold a component not overweight: ", sym));
            if (valueAfter + r.band < target) _fail("band", string.concat("sold past the band: ", sym));
            r.acct[c] = _sub(r.acct[c], spent);
            r.acct[0] += out;
        }
    }

    /// @dev `a - b`, recording a failure instead of reverting the handler when the vault spent more than it held.
    function _sub(uint256 a, uint256 b) internal returns (uint256) {
        if (b > a) {
            _fail("balances", "a trade spent more than the accounted balance");
            return 0;
        }
        return a - b;
    }

    function _checkIndex(Plan memory p, Run memory r, Vm.Log memory l) internal {
        uint64 epochId = uint64(uint256(l.topics[1]));
        (uint32 index,,,,,) = abi.decode(l.data, (uint32, uint256, uint256, uint256, uint256, int256));
        if (epochId != p.id || index != p.idx + r.executed) _fail("index", "trade index out of sequence");
        bytes32 key = keccak256(abi.encode(epochId, index));
        if (_executed[key]) {
            _fail("index", string.concat("trade executed twice: ", vm.toString(epochId), "/", vm.toString(index)));
        }
        _executed[key] = true;
        ++r.executed;
    }

    /// @dev The vault's real balances moved exactly as the events say (nothing else moved, the unlisted token and
    /// multi-hop intermediates included), and its accounting follows.
    function _checkBalances(Snap memory s, Run memory r) internal {
        for (uint256 k; k < _all.length; ++k) {
            address token = _all[k];
            uint256 realNow = MockERC20(token).balanceOf(address(vault));
            if (realNow + s.acct[k] != s.real[k] + r.acct[k]) {
                _fail("balances", string.concat("real balance moved apart from the trades: ", vm.toString(token)));
            }
            if (_accounted(k) != r.acct[k]) {
                _fail("balances", string.concat("accounting != trades' events: ", vm.toString(token)));
            }
            ghostReal[token] = ghostReal[token] + r.acct[k] - s.acct[k];
            ghostAccounted[token] = ghostAccounted[token] + r.acct[k] - s.acct[k];
        }
    }

    /// @dev Per-call and per-epoch loss, turnover, and agreement with the contract's own bookkeeping.
    function _checkLosses(Snap memory s, Plan memory p, Run memory r) internal virtual {
        IBallastRebalancer.Epoch memory e = rebalancer.currentEpoch();
        uint256 nav = _base(s);
        uint256 contractCallLoss = uint256(e.loss) - s.e.loss;
        uint256 tolerance = r.n;
        if (_absDiff(contractCallLoss, r.loss) > tolerance) {
            _fail(
                "lossMismatch",
                string.concat(
                    "contract call loss ", vm.toString(contractCallLoss), " != measured ", vm.toString(r.loss)
                )
            );
        }
        if (_absDiff(uint256(e.turnover) - s.e.turnover, r.turnover) > tolerance) {
            _fail("lossMismatch", "contract turnover != measured");
        }
        if (e.trades != s.e.trades + p.trades.length) _fail("index", "epoch trade counter != trades executed");
        uint256 maxCall = nav.mulDiv(s.cfg.maxCallLossBps, BPS);
        if (r.loss > maxCall) {
            _fail("callLoss", string.concat("call loss ", vm.toString(r.loss), " > cap ", vm.toString(maxCall)));
        }
        // Independent of any per-trade view: the NAV at the feeds' prices, from the real balances, before and after.
        uint256 navBefore = _value(s.real, s);
        uint256 navAfter = _value(_realBalances(), s);
        if (navBefore > navAfter && navBefore - navAfter > r.loss + r.n + _tokens.length) {
            _fail("callLoss", "NAV fell by more than the measured trading loss");
        }
        EpochGhost storage g = _epochs[p.id];
        if (g.nav == 0) _recordEpoch(s.e);
        g.loss += r.loss;
        g.turnover += r.turnover;
        g.trades += r.n;
        ++g.calls;
        if (r.loss > g.worstCallLoss) g.worstCallLoss = r.loss;
    }

    /*//////////////////////////////////////////////////////////////
                            EPOCH BOOKKEEPING
    //////////////////////////////////////////////////////////////*/

    /// @dev Why opening epoch `id` now must be refused ("" if it may succeed).
    function _openRefusal(Snap memory s, uint64 id) internal view returns (string memory) {
        if (s.e.open) return "epoch already open";
        if (id != s.e.id + 1) return "wrong epoch id";
        if (s.e.openedAt != 0 && block.timestamp < uint256(s.e.openedAt) + s.cfg.minEpochSpacing) {
            return "epoch too soon";
        }
        if (!s.navValid) return "NAV unavailable";
        return "";
    }

    function _onOpened(string memory action, string memory why, Snap memory s) internal {
        if (bytes(why).length != 0) _fail("accepted", string.concat(action, " accepted: ", why));
        IBallastRebalancer.Epoch memory e = rebalancer.currentEpoch();
        if (e.id != ghostLastEpochId + 1 || e.id != s.e.id + 1) {
            _fail("epochId", string.concat(action, " opened a non-consecutive id ", vm.toString(e.id)));
        }
        if (!e.open || e.openedAt != block.timestamp) _fail("epochId", string.concat(action, ": not open now"));
        ghostLastEpochId = e.id;
        // The NAV at opening, priced by the handler from the accounting and the feeds.
        uint256 nav = _value(s.acct, s);
        if (nav != e.navAtOpen) {
            _fail(
                "navAtOpen",
                string.concat(action, ": navAtOpen ", vm.toString(e.navAtOpen), " != measured ", vm.toString(nav))
            );
        }
        _recordEpoch(e);
    }

    function _recordEpoch(IBallastRebalancer.Epoch memory e) internal virtual {
        EpochGhost storage g = _epochs[e.id];
        if (g.nav != 0) return;
        g.nav = e.navAtOpen;
        g.reserved = e.reserved;
        _epochIds.push(e.id);
    }

    /// @dev A refused call must have changed nothing.
    function _onRefused(bytes memory err, Snap memory s) internal {
        _countRevert(err);
        IBallastRebalancer.Epoch memory e = rebalancer.currentEpoch();
        if (e.id != s.e.id || e.trades != s.e.trades || e.loss != s.e.loss || e.open != s.e.open) {
            _fail("refusedChanged", "a refused call changed the epoch");
        }
        for (uint256 k; k < _all.length; ++k) {
            if (MockERC20(_all[k]).balanceOf(address(vault)) != s.real[k] || _accounted(k) != s.acct[k]) {
                _fail("refusedChanged", "a refused call moved tokens");
            }
        }
    }

    function _tryClose(address caller, uint8 idMode) internal virtual {
        Snap memory s = _snap();
        uint64 id = _id(idMode, s.e.id);
        string memory why;
        if (!s.e.open) {
            why = "no open epoch";
        } else if (id != s.e.id) {
            why = "wrong epoch id";
        } else if (caller != keeper && block.timestamp < uint256(s.e.openedAt) + s.cfg.keeperGracePeriod) {
            why = "outsider before the grace period";
        } else if (!s.navValid) {
            why = "NAV unavailable";
        }
        vm.prank(caller);
        try rebalancer.closeEpoch(id) {
            if (bytes(why).length != 0) _fail("accepted", string.concat("closeEpoch accepted: ", why));
            IBallastRebalancer.Epoch memory e = rebalancer.currentEpoch();
            if (e.open || e.id != s.e.id) _fail("epochId", "closeEpoch left the epoch open or changed its id");
            _count("closed");
        } catch (bytes memory err) {
            _onRefused(err, s);
        }
    }

    /*//////////////////////////////////////////////////////////////
                              PLANNING
    //////////////////////////////////////////////////////////////*/

    /// @dev `n` random trades at the epoch id and index chosen by the modes (right 7 times in 8).
    function _plan(uint256 seed, uint256 n, uint8 idMode, uint8 idxMode) internal view returns (Plan memory p) {
        Snap memory s = _snap();
        p.caller = keeper;
        p.id = _id(idMode, s.e.id);
        p.idx = s.e.trades;
        if (idxMode % 8 == 6 && p.idx > 0) --p.idx;
        if (idxMode % 8 == 7) ++p.idx;
        p.trades = new IBallastRebalancer.Trade[](n);
        for (uint256 k; k < n; ++k) {
            p.trades[k] = _randomTrade(uint256(keccak256(abi.encode(seed, k))), s);
        }
    }

    function _randomTrade(uint256 r, Snap memory s) internal view returns (IBallastRebalancer.Trade memory t) {
        uint256 i = _r(r, 1) % _tokens.length;
        address comp = address(_tokens[i]);
        uint256 pairMode = r % 24;
        if (pairMode < 19) {
            (bool buy, uint256 amount) = _towardTarget(s, i, 500 + _r(r, 2) % 12_500, _r(r, 11));
            if (pairMode >= 15) buy = _r(r, 3) % 2 == 0;
            (t.tokenIn, t.tokenOut) = buy ? (address(usdc), comp) : (comp, address(usdc));
            t.amountIn = amount;
        } else if (pairMode == 19) {
            (t.tokenIn, t.tokenOut) = (comp, address(_tokens[(i + 1) % _tokens.length]));
        } else if (pairMode == 20) {
            (t.tokenIn, t.tokenOut) = (address(usdc), address(usdc));
        } else if (pairMode == 21) {
            (t.tokenIn, t.tokenOut) = (address(usdc), address(rogueToken));
        } else if (pairMode == 22) {
            (t.tokenIn, t.tokenOut) = (address(rogueToken), address(usdc));
        } else {
            (t.tokenIn, t.tokenOut) = (comp, address(rogueToken));
        }
        t.amountIn = _amount(r, s, t);
        t.route = _randomRoute(r, t);
        t.adapter = _r(r, 5) % 16 == 0 ? ISwapAdapter(address(rogueAdapter)) : adapter;
    }

    /// @dev Tiny, the whole balance, more than the balance, a random fraction, or (6 times in 10) the planned amount.
    function _amount(uint256 r, Snap memory s, IBallastRebalancer.Trade memory t) internal view returns (uint256) {
        uint256 k = _allIndex(t.tokenIn);
        uint256 bal = k == type(uint256).max ? 0 : s.acct[k];
        uint256 mode = _r(r, 4) % 10;
        if (mode == 0) return 1 + _r(r, 6) % 1000;
        if (mode == 1) return bal;
        if (mode == 2) return bal + 1 + _r(r, 6) % 1e6;
        if (mode == 3) return bal.mulDiv(_r(r, 6) % BPS, BPS);
        return t.amountIn == 0 ? 1 + _r(r, 6) % 1000 : t.amountIn;
    }

    /// @dev Valid single-hop (8 in 14), valid multi-hop (2 in 14) through another listed token's or the unlisted token's pool,
    /// reversed path, expired deadline, garbage bytes, or a fee tier with no pool.
    function _randomRoute(uint256 r, IBallastRebalancer.Trade memory t) internal view returns (bytes memory) {
        uint256 mode = _r(r, 7) % 14;
        uint256 deadline = block.timestamp + 1 hours;
        if (mode < 8) return abi.encode(deadline, abi.encodePacked(t.tokenIn, V3_FEE, t.tokenOut));
        if (mode < 10) return abi.encode(deadline, _multiHop(r, t));
        if (mode == 10) return abi.encode(deadline, abi.encodePacked(t.tokenOut, V3_FEE, t.tokenIn));
        if (mode == 11) {
            return abi.encode(block.timestamp - 1 - _r(r, 8) % 1 days, abi.encodePacked(t.tokenIn, V3_FEE, t.tokenOut));
        }
        if (mode == 12) {
            bytes memory junk = new bytes(_r(r, 8) % 96);
            for (uint256 j; j < junk.length; ++j) {
                junk[j] = bytes1(uint8(_r(r, 9 + j)));
            }
            return junk;
        }
        return abi.encode(deadline, abi.encodePacked(t.tokenIn, WRONG_FEE, t.tokenOut));
    }

    /// @dev Through the T0/T1 cross pool when the component is T0 or T1, else asset -> X -> asset -> component (or the
    /// reverse), X another component or the unlisted token.
    function _multiHop(uint256 r, IBallastRebalancer.Trade memory t) internal view returns (bytes memory) {
        bool buy = t.tokenIn == address(usdc);
        address comp = buy ? t.tokenOut : t.tokenIn;
        uint256 c = _compPlusOne[comp];
        if (c == 0 || buy == (t.tokenOut == address(usdc))) {
            return abi.encodePacked(t.tokenIn, V3_FEE, t.tokenOut);
        }
        if (c <= 2) {
            address other = address(_tokens[2 - c]);
            return abi.encodePacked(t.tokenIn, V3_FEE, other, V3_FEE, t.tokenOut);
        }
        uint256 j = _r(r, 10) % (_tokens.length + 1);
        address via = j == _tokens.length ? address(rogueToken) : address(_tokens[j]);
        if (via == comp) via = address(rogueToken);
        return buy
            ? abi.encodePacked(t.tokenIn, V3_FEE, via, V3_FEE, t.tokenIn, V3_FEE, t.tokenOut)
            : abi.encodePacked(t.tokenIn, V3_FEE, t.tokenOut, V3_FEE, via, V3_FEE, t.tokenOut);
    }

    /// @dev Whether the route can succeed at all (valid encoding, live deadline, path from tokenIn to tokenOut through
    /// existing pools at the default fee).
    function _routeOk(IBallastRebalancer.Trade memory t) internal view returns (bool) {
        if (t.route.length < 128) return false;
        (uint256 deadline, bytes memory path) = abi.decode(t.route, (uint256, bytes));
        if (block.timestamp > deadline || path.length < 43 || (path.length - 20) % 23 != 0) return false;
        if (_pathAddr(path, 0) != t.tokenIn || _pathAddr(path, path.length - 20) != t.tokenOut) return false;
        for (uint256 off; off + 43 <= path.length; off += 23) {
            uint24 fee = _fee(path, off + 20);
            if (fee != V3_FEE) return false;
            if (v3Factory.getPool(_pathAddr(path, off), _pathAddr(path, off + 23), fee) == address(0)) return false;
        }
        return true;
    }

    function _trade(address tIn, address tOut, uint256 amount, bytes memory route)
        internal
        view
        returns (IBallastRebalancer.Trade memory)
    {
        return
            IBallastRebalancer.Trade({adapter: adapter, tokenIn: tIn, tokenOut: tOut, amountIn: amount, route: route});
    }

    function _single(bool buy, address token) internal view returns (bytes memory) {
        (address a, address b) = buy ? (address(usdc), token) : (token, address(usdc));
        return abi.encode(block.timestamp + 1 hours, abi.encodePacked(a, V3_FEE, b));
    }

    /// @dev The direction toward component `i`'s target and `scaleBps` / 10,000 of the gap (in the input token),
    /// in a chunk of at most 1,000 to 8,000 units of value (as a keeper splits trades to limit price impact; the
    /// bounds must hold whatever the size).
    function _towardTarget(Snap memory s, uint256 i, uint256 scaleBps, uint256 chunkSeed)
        internal
        view
        returns (bool buy, uint256 amount)
    {
        if (!s.e.open || s.price[i + 1] == 0) return (true, 0);
        uint256 base = _base(s);
        uint256 target = (base > s.e.reserved ? base - s.e.reserved : 0).mulDiv(s.w[i], WAD);
        uint256 value = s.acct[i + 1].mulDiv(s.price[i + 1], ONE36);
        uint256 chunk = (1000 + chunkSeed % 7000) * 10 ** usdc.decimals();
        buy = value <= target;
        uint256 gapValue = Math.min((buy ? target - value : value - target).mulDiv(scaleBps, BPS), chunk);
        amount = buy ? gapValue : gapValue.mulDiv(ONE36, s.price[i + 1]);
    }

    /// @dev Random targets: valid 7 times in 10, else a sum off by one, the wrong length, or cash below the buffer.
    function _randomWeights(uint256 seed) internal view returns (uint64[] memory w, uint64 cw, string memory bad) {
        uint256 n = _tokens.length;
        uint256 mode = seed % 10;
        uint256 buffer = rebalancer.config().cashBufferWad;
        uint256 cash = mode == 9 ? buffer - 1 : buffer + _r(seed, 1) % 0.3e18;
        uint256[] memory raw = new uint256[](n);
        uint256 rawSum;
        for (uint256 i; i < n; ++i) {
            raw[i] = _r(seed, 2 + i) % 4 == 0 ? 0 : 1 + _r(seed, 10 + i) % 1000;
            rawSum += raw[i];
        }
        w = new uint64[](mode == 8 ? n - 1 : n);
        uint256 left = WAD - cash;
        for (uint256 i; i < w.length; ++i) {
            uint256 each = rawSum == 0 ? 0 : (WAD - cash).mulDiv(raw[i], rawSum);
            if (i == w.length - 1) each = left;
            w[i] = uint64(each);
            left -= each;
        }
        cw = uint64(cash);
        if (mode == 7) {
            ++cw;
            bad = "weights do not sum to 1";
        } else if (mode == 8) {
            bad = "wrong number of weights";
        } else if (mode == 9) {
            bad = "cash below the buffer";
        }
    }

    /*//////////////////////////////////////////////////////////////
                                 VIEWS
    //////////////////////////////////////////////////////////////*/

    function _snap() internal view returns (Snap memory s) {
        uint256 n = _all.length;
        s.real = _realBalances();
        s.acct = new uint256[](n);
        s.price = new uint256[](n);
        s.fresh = new bool[](n);
        s.w = new uint64[](_tokens.length);
        s.navValid = true;
        for (uint256 k; k < n; ++k) {
            s.acct[k] = _accounted(k);
        }
        s.price[0] = ONE36;
        s.fresh[0] = true;
        for (uint256 i; i < _tokens.length; ++i) {
            (, int256 answer,, uint256 at,) = _feeds[i].latestRoundData();
            s.price[i + 1] = uint256(answer) * _scale[i];
            s.fresh[i + 1] = at != 0 && at <= block.timestamp && block.timestamp - at <= HEARTBEAT;
            if (!s.fresh[i + 1] && s.acct[i + 1] != 0) s.navValid = false;
            (, s.w[i],) = vault.component(address(_tokens[i]));
        }
        s.cashW = vault.cashTargetWeight();
        s.e = rebalancer.currentEpoch();
        s.cfg = rebalancer.config();
        s.supply = vault.totalSupply();
    }

    /// @dev The base every bound of a call is a fraction of, as the interface defines it: the opening NAV, scaled down
    /// by the share supply that has left since (rounded down), never up.
    function _base(Snap memory s) internal pure returns (uint256 base) {
        base = s.e.navAtOpen;
        if (s.supply < s.e.supplyAtOpen) base = base.mulDiv(s.supply, s.e.supplyAtOpen);
    }

    function _realBalances() internal view returns (uint256[] memory real) {
        real = new uint256[](_all.length);
        for (uint256 k; k < _all.length; ++k) {
            real[k] = MockERC20(_all[k]).balanceOf(address(vault));
        }
    }

    /// @dev Value of holdings `bal` (indexed as `_all`) at the snapshot's prices, each component rounded down as the
    /// vault does; the unlisted token counts as zero.
    function _value(uint256[] memory bal, Snap memory s) internal view returns (uint256 v) {
        v = bal[0];
        for (uint256 i; i < _tokens.length; ++i) {
            if (bal[i + 1] != 0) v += bal[i + 1].mulDiv(s.price[i + 1], ONE36);
        }
    }

    function _accounted(uint256 k) internal view returns (uint256) {
        if (k == 0) return vault.cash();
        if (k > _tokens.length) return 0;
        (uint256 bal,,) = vault.component(_all[k]);
        return bal;
    }

    function _allIndex(address token) internal view returns (uint256) {
        if (token == address(usdc)) return 0;
        uint256 c = _compPlusOne[token];
        return c == 0 ? type(uint256).max : c;
    }

    function _unlocked(address a) internal view returns (uint256) {
        (uint256 locked,) = vault.lockedShares(a);
        uint256 bal = vault.balanceOf(a);
        return bal > locked ? bal - locked : 0;
    }

    function _regimeNow() internal view returns (IBallastRebalancer.Regime r) {
        (r,) = rebalancer.regime();
    }

    /// @dev Pool `j`: component pools, then the T0/T1 cross pool (priced as T1 in T0), then the unlisted token's.
    function _poolAt(uint256 j) internal view returns (IUniswapV3Pool pool, address token, uint256 fair) {
        if (j < _tokens.length) {
            token = address(_tokens[j]);
            return (_v3Pool(token, address(usdc)), token, _mark(j));
        }
        if (j == _tokens.length) {
            token = address(_tokens[1]);
            return (_v3Pool(token, address(_tokens[0])), token, _mark(1).mulDiv(ONE36, _mark(0)));
        }
        token = address(rogueToken);
        return (_v3Pool(token, address(usdc)), token, 1e24);
    }

    function _mark(uint256 i) internal view returns (uint256) {
        (, int256 answer,,,) = _feeds[i].latestRoundData();
        return uint256(answer) * _scale[i];
    }

    /// @dev Epoch id by mode: right 6 times in 8, else one below or one above.
    function _id(uint8 mode, uint64 right) internal pure returns (uint64) {
        if (mode % 8 == 6 && right > 0) return right - 1;
        if (mode % 8 == 7) return right + 1;
        return right;
    }

    function _r(uint256 seed, uint256 salt) internal pure returns (uint256) {
        return uint256(keccak256(abi.encode(seed, salt)));
    }

    function _absDiff(uint256 a, uint256 b) internal pure returns (uint256) {
        return a > b ? a - b : b - a;
    }

    function _pathAddr(bytes memory path, uint256 offset) internal pure returns (address a) {
        assembly ("memory-safe") {
            a := shr(96, mload(add(add(path, 0x20), offset)))
        }
    }

    function _fee(bytes memory path, uint256 offset) internal pure returns (uint24 f) {
        assembly ("memory-safe") {
            f := shr(232, mload(add(add(path, 0x20), offset)))
        }
    }

    /*//////////////////////////////////////////////////////////////
                              WORLD HELPERS
    //////////////////////////////////////////////////////////////*/

    /// @dev Moves `pool` to `price36` of `token`; never reverts the handler.
    function _move(IUniswapV3Pool pool, address token, uint256 price36) internal {
        try this.hkMovePool(pool, token, price36) {} catch {}
    }

    /// @notice Self-call target of `_move` (so a failing swap is caught).
    function hkMovePool(IUniswapV3Pool pool, address token, uint256 price36) external {
        require(msg.sender == address(this), "self only");
        _v3MovePrice(pool, token, price36);
    }

    function _refresh() internal {
        vm.startPrank(feedUpdater);
        for (uint256 i; i < _feeds.length; ++i) {
            (, int256 answer,,,) = _feeds[i].latestRoundData();
            _feeds[i].setAnswer(answer);
        }
        vm.stopPrank();
    }

    function _warpTo(uint256 t) internal {
        if (t <= block.timestamp) return;
        vm.roll(block.number + (t - block.timestamp) / 12 + 1);
        vm.warp(t);
    }

    /// @dev Waits out the epoch spacing (feeds refreshed after the wait).
    function _waitSpacing() internal {
        IBallastRebalancer.Epoch memory e = rebalancer.currentEpoch();
        uint256 next = uint256(e.openedAt) + rebalancer.config().minEpochSpacing;
        if (e.openedAt != 0 && block.timestamp < next) {
            _warpTo(next);
            _refresh();
        }
    }

    function _count(bytes32 what) internal {
        ++calls[what];
    }

    function _countRevert(bytes memory err) internal {
        bytes4 sel = err.length >= 4 ? bytes4(err) : bytes4(0);
        if (revertCount[sel]++ == 0) _revertSelectors.push(sel);
    }

    function _fail(bytes32 category, string memory message) internal {
        if (failCount[category]++ == 0) failMessage[category] = message;
    }

    /*//////////////////////////////////////////////////////////////
                            GETTERS FOR THE TEST
    //////////////////////////////////////////////////////////////*/

    function epochIds() external view returns (uint64[] memory) {
        return _epochIds;
    }

    function epochGhost(uint64 id) external view returns (EpochGhost memory) {
        return _epochs[id];
    }

    function switches() external view returns (Switch[] memory) {
        return _switches;
    }

    function depositors() external view returns (address[] memory) {
        return _depositors;
    }

    function tracked() external view returns (address[] memory) {
        return _all;
    }

    function revertSelectors() external view returns (bytes4[] memory) {
        return _revertSelectors;
    }
}
