// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Ownable, Ownable2Step} from "@openzeppelin/contracts/access/Ownable2Step.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";

import {IBallastRebalancer} from "./interfaces/IBallastRebalancer.sol";
import {IBallastVault} from "./interfaces/IBallastVault.sol";
import {IRedemptionQueue} from "./interfaces/IRedemptionQueue.sol";
import {VaultMath, WAD, BPS, PRICE_SCALE} from "./libraries/VaultMath.sol";
import {ChangeDelay} from "./utils/ChangeDelay.sol";

/// @title BallastRebalancer
/// @notice Epochs, regime switches and the bounds on every keeper trade of one `BallastVault`. See the interface.
/// @dev The vault trusts this contract to trade (`executeTrade`) and to set targets; this contract trusts the keeper
/// only to choose targets, routes and amounts, and checks everything else itself.
contract BallastRebalancer is IBallastRebalancer, Ownable2Step, ReentrancyGuardTransient, ChangeDelay {
    using Math for uint256;
    using SafeCast for uint256;

    /*//////////////////////////////////////////////////////////////
                               CONSTANTS
    //////////////////////////////////////////////////////////////*/

    /// @notice Cap of `maxSlippageBps`: 3%.
    uint16 public constant MAX_SLIPPAGE_BPS = 300;
    /// @notice Cap of `maxCallLossBps`: 1% of NAV per call.
    uint16 public constant MAX_CALL_LOSS_BPS = 100;
    /// @notice Cap of `maxEpochLossBps`: 3% of NAV per epoch.
    uint16 public constant MAX_EPOCH_LOSS_BPS = 300;
    /// @notice Cap of `maxTurnoverBps`: 300% of NAV per epoch.
    uint32 public constant MAX_TURNOVER_BPS = 30_000;
    /// @notice Cap of `bandWad`: 5% of NAV.
    uint64 public constant MAX_BAND_WAD = 0.05e18;
    /// @notice Cap of `cashBufferWad`: 50%.
    uint64 public constant MAX_CASH_BUFFER_WAD = 0.5e18;
    /// @notice Most cash a risk-on epoch may target: 50%. More cash than that is risk-off, a regime switch.
    uint64 public constant MAX_RISK_ON_CASH_WAD = 0.5e18;
    /// @notice Cap of `minDwell`.
    uint32 public constant MAX_DWELL = 90 days;
    /// @notice Bounds of `keeperGracePeriod`.
    uint32 public constant MIN_GRACE = 1 hours;
    /// @notice Bounds of `keeperGracePeriod`.
    uint32 public constant MAX_GRACE = 30 days;
    /// @notice Bounds of `epochInterval`.
    uint32 public constant MIN_INTERVAL = 1 hours;
    /// @notice Bounds of `epochInterval`.
    uint32 public constant MAX_INTERVAL = 90 days;
    /// @notice Cap of `minEpochSpacing`.
    uint32 public constant MAX_SPACING = 7 days;

    /*//////////////////////////////////////////////////////////////
                                STORAGE
    //////////////////////////////////////////////////////////////*/

    /// @notice The vault this contract rebalances.
    IBallastVault public immutable vault;
    /// @notice The vault's asset (the cash leg).
    address public immutable asset;

    /// @notice The keeper: opens, trades and closes epochs.
    address public keeper;
    /// @notice The queue whose batches the epochs settle (zero: none).
    IRedemptionQueue public redemptionQueue;
    /// @notice Allow-listed swap adapters.
    mapping(address adapter => bool) public isAdapter;

    Config internal _config;
    Epoch internal _epoch;
    Regime internal _regime;
    uint40 internal _lastSwitch;
    uint40 internal _lastRebalanceOpen;
    /// @dev The rolling-window loss budget at `_windowLossAt` (fraction of NAV, WAD), before its drain since then.
    uint64 internal _windowLossWad;
    uint40 internal _windowLossAt;
    /// @dev The turnover of epoch `_turnoverEpoch` as a fraction of value (WAD): the sum over its calls of the value
    /// sold over the call's base. Kept beside the window (one slot) rather than in `Epoch`, whose slots are full.
    uint64 internal _turnoverEpoch;
    uint64 internal _turnoverWad;

    constructor(IBallastVault vault_, address owner_, address keeper_, Config memory config_) Ownable(owner_) {
        if (address(vault_) == address(0)) revert ZeroAddress();
        vault = vault_;
        asset = vault_.asset();
        keeper = keeper_;
        emit KeeperSet(keeper_);
        _setConfig(config_);
    }

    /*//////////////////////////////////////////////////////////////
                               MODIFIERS
    //////////////////////////////////////////////////////////////*/

    modifier onlyKeeper() {
        if (msg.sender != keeper) revert Unauthorized(msg.sender);
        _;
    }

    /*//////////////////////////////////////////////////////////////
                                 KEEPER
    //////////////////////////////////////////////////////////////*/

    /// @inheritdoc IBallastRebalancer
    function openEpoch(uint64 expectedId, uint64[] calldata weights, uint64 cashWeight)
        external
        onlyKeeper
        nonReentrant
    {
        _checkCanOpen(expectedId);
        if (_regime == Regime.RiskOff) revert RiskOffTargets();
        _checkRiskOnCash(cashWeight);
        // slither-disable-next-line reentrancy-no-eth -- nonReentrant; the vault is immutable, trusted
        vault.setTargetWeights(weights, cashWeight);
        _lastRebalanceOpen = uint40(block.timestamp);
        _open(expectedId, EpochKind.Rebalance);
    }

    /// @inheritdoc IBallastRebalancer
    function openCashSweep(uint64 expectedId) external onlyKeeper nonReentrant {
        _checkCanOpen(expectedId);
        _open(expectedId, EpochKind.CashSweep);
    }

    /// @inheritdoc IBallastRebalancer
    function switchRegime(uint64 expectedId, Regime to, uint32 reason, uint64[] calldata weights, uint64 cashWeight)
        external
        onlyKeeper
        nonReentrant
    {
        _checkCanOpen(expectedId);
        if (to == _regime) revert AlreadyInRegime(to);
        uint256 nextAllowed = uint256(_lastSwitch) + _config.minDwell;
        if (_lastSwitch != 0 && block.timestamp < nextAllowed) revert DwellNotElapsed(nextAllowed);
        if (to == Regime.RiskOff) {
            // slither-disable-next-line reentrancy-no-eth -- nonReentrant; the vault is immutable, trusted
            _setAllCash();
        } else {
            _checkRiskOnCash(cashWeight);
            vault.setTargetWeights(weights, cashWeight);
        }
        _regime = to;
        _lastSwitch = uint40(block.timestamp);
        emit RegimeSwitched(to, reason, msg.sender, false);
        _open(expectedId, EpochKind.RegimeSwitch);
    }

    /// @inheritdoc IBallastRebalancer
    function forceRiskOff(uint32 reason) external nonReentrant {
        _authorizeCancel();
        _setAllCash();
        _regime = Regime.RiskOff;
        _lastSwitch = uint40(block.timestamp);
        emit RegimeSwitched(Regime.RiskOff, reason, msg.sender, true);
        // Open an epoch to sell the basket now if none is open and prices allow; otherwise the open epoch (whose
        // targets just became all cash) or the keeper's next cash sweep does it.
        if (!_epoch.open) {
            // slither-disable-next-line unused-return -- valid == (invalid == address(0))
            (,, address invalid) = vault.nav();
            if (invalid == address(0)) _open(_epoch.id + 1, EpochKind.RegimeSwitch);
        }
    }

    /// @inheritdoc IBallastRebalancer
    function executeTrades(uint64 epochId, uint32 firstIndex, Trade[] calldata trades) external nonReentrant {
        Epoch storage e = _openEpoch(epochId);
        if (firstIndex != e.trades) revert TradeIndexMismatch(e.trades, firstIndex);

        uint256 base = _base(e);
        uint256 reserved = e.reserved;
        Ctx memory ctx = Ctx({
            epochId: epochId,
            nav: base,
            investable: base > reserved ? base - reserved : 0,
            reserved: reserved,
            cashWeight: vault.cashTargetWeight(),
            c: _config
        });
        // slither-disable-next-line uninitialized-local -- starts at 0
        uint256 callLoss;
        // slither-disable-next-line uninitialized-local -- starts at 0
        uint256 callTurnover;
        for (uint256 i; i < trades.length; ++i) {
            (uint256 valueIn, uint256 tradeLoss) = _trade(ctx, e.trades + uint32(i), trades[i]);
            callLoss += tradeLoss;
            callTurnover += valueIn;
        }

        uint256 maxCall = base.mulDiv(ctx.c.maxCallLossBps, BPS);
        if (callLoss > maxCall) revert CallLossExceeded(callLoss, maxCall);
        _bookTurnover(epochId, callTurnover, base, reserved, ctx.c.maxTurnoverBps);
        // base > 0 when there is a loss: it passed the per-call cap, which is zero when the base is.
        if (callLoss != 0) _bookLoss(e, callLoss, callLoss.mulDiv(WAD, base, Math.Rounding.Ceil), ctx.c);

        e.trades += uint32(trades.length);
        uint256 turnover = e.turnover + callTurnover;
        e.turnover = turnover.toUint128();
    }

    /// @inheritdoc IBallastRebalancer
    function closeEpoch(uint64 epochId) external nonReentrant {
        Epoch storage e = _openEpoch(epochId);
        // slither-disable-next-line unused-return -- valid == (invalid == address(0))
        (uint256 navAssets,, address invalid) = vault.nav();
        if (invalid != address(0)) revert NavUnavailable(invalid);

        e.open = false;
        e.closedAt = uint40(block.timestamp);
        e.navAtClose = navAssets.toUint128();
        emit EpochClosed(epochId, msg.sender, navAssets, e.turnover, e.loss, e.trades);

        IRedemptionQueue queue = redemptionQueue;
        if (address(queue) != address(0)) {
            uint256 pending = queue.pendingShares(epochId);
            if (pending != 0) {
                // What `redeem` pays for the batch now: zero for dust (settled as zero), else it must be in cash, at
                // an exit fee no higher than at the opening.
                uint256 due = vault.previewRedeem(pending);
                if (due != 0) {
                    uint16 feeNow = _exitCharge();
                    if (feeNow > e.exitFeeBps) revert ExitFeeRaised(e.exitFeeBps, feeNow);
                    uint256 cash = vault.cash();
                    if (due > cash) revert InsufficientCashForRedemptions(due, cash);
                }
                // slither-disable-next-line unused-return -- the queue books the batch's assets
                queue.settle(epochId, due);
            }
        }
    }

    /*//////////////////////////////////////////////////////////////
                                 VIEWS
    //////////////////////////////////////////////////////////////*/

    /// @inheritdoc IBallastRebalancer
    function currentEpoch() external view returns (Epoch memory) {
        return _epoch;
    }

    /// @inheritdoc IBallastRebalancer
    function regime() external view returns (Regime, uint256 lastSwitch) {
        return (_regime, _lastSwitch);
    }

    /// @inheritdoc IBallastRebalancer
    function nextRebalanceDue() public view returns (uint256) {
        uint256 anchor = _config.scheduleAnchor;
        uint256 interval = _config.epochInterval;
        uint256 last = _lastRebalanceOpen;
        if (last < anchor) return anchor;
        return anchor + ((last - anchor) / interval + 1) * interval;
    }

    /// @inheritdoc IBallastRebalancer
    function config() external view returns (Config memory) {
        return _config;
    }

    /// @inheritdoc IBallastRebalancer
    function windowLoss() external view returns (uint256 usedWad, uint256 capWad) {
        // slither-disable-next-line divide-before-multiply -- WAD / BPS == 1e14 exactly
        capWad = uint256(_config.maxEpochLossBps) * (WAD / BPS);
        usedWad = _drainedWindowLoss(capWad, _config.epochInterval);
    }

    /// @inheritdoc IBallastRebalancer
    function epochBase() external view returns (uint256) {
        return _epoch.open ? _base(_epoch) : 0;
    }

    /// @inheritdoc IBallastRebalancer
    function epochTurnover() external view returns (uint256 usedWad, uint256 capWad) {
        // slither-disable-next-line incorrect-equality -- an epoch id, not a balance: nobody can move it to match
        usedWad = _turnoverEpoch == _epoch.id ? _turnoverWad : 0;
        // slither-disable-next-line divide-before-multiply -- WAD / BPS == 1e14 exactly
        capWad = uint256(_config.maxTurnoverBps) * (WAD / BPS);
    }

    /// @inheritdoc IBallastRebalancer
    function quoteMinOut(address tokenIn, address tokenOut, uint256 amountIn)
        external
        view
        returns (uint256 minAmountOut, uint256 valueIn)
    {
        bool buy = tokenIn == asset;
        if (buy == (tokenOut == asset)) revert TradeNotThroughCash(tokenIn, tokenOut);
        address comp = buy ? tokenOut : tokenIn;
        // slither-disable-next-line unused-return -- only the source is needed
        (,, address source) = vault.component(comp);
        uint256 p = _price(source, comp);
        valueIn = buy ? amountIn : amountIn.mulDiv(p, PRICE_SCALE);
        uint256 expectedOut = buy ? amountIn.mulDiv(PRICE_SCALE, p) : valueIn;
        minAmountOut = expectedOut.mulDiv(BPS - _config.maxSlippageBps, BPS, Math.Rounding.Ceil);
    }

    /*//////////////////////////////////////////////////////////////
                                 OWNER
    //////////////////////////////////////////////////////////////*/

    /// @notice Sets the configuration, each field within its bounds. Owner only; delayed (`IChangeDelay`) once the
    /// vault is wired.
    function setConfig(Config calldata config_) external onlyOwner {
        _consumeChange();
        _setConfig(config_);
    }

    /// @notice Sets the keeper. Owner only; delayed (`IChangeDelay`) once the vault is wired, except that removing
    /// the keeper (`address(0)`) is immediate (after it, only the grace-period path can trade).
    function setKeeper(address keeper_) external onlyOwner {
        if (keeper_ != address(0)) _consumeChange();
        keeper = keeper_;
        emit KeeperSet(keeper_);
    }

    /// @notice Allows or disallows a swap adapter. Owner only; allowing is delayed (`IChangeDelay`) once the vault is
    /// wired, disallowing is immediate.
    function setAdapter(address adapter, bool allowed) external onlyOwner {
        if (adapter == address(0)) revert ZeroAddress();
        if (allowed) _consumeChange();
        isAdapter[adapter] = allowed;
        emit AdapterSet(adapter, allowed);
    }

    /// @notice Sets the redemption queue whose batches epochs settle. Owner only; not while an epoch is open; delayed
    /// (`IChangeDelay`) once the vault is wired.
    function setRedemptionQueue(IRedemptionQueue queue) external onlyOwner {
        if (_epoch.open) revert EpochAlreadyOpen(_epoch.id);
        _consumeChange();
        redemptionQueue = queue;
        emit RedemptionQueueSet(address(queue));
    }

    /*//////////////////////////////////////////////////////////////
                                INTERNAL
    //////////////////////////////////////////////////////////////*/

    /// @dev The rebalancer's changes are delayed exactly when the vault's are: from the vault's first `setRebalancer`
    /// on. So a replacement rebalancer is set up under the delay too, and none can be reconfigured at the last moment
    /// before the vault adopts it.
    function _changeDelayActive() internal view override returns (bool) {
        return vault.changeDelayActive();
    }

    /// @dev The owner schedules.
    function _authorizeSchedule() internal view override onlyOwner {}

    /// @dev The vault's guardian or the owner cancels.
    function _authorizeCancel() internal view override {
        if (msg.sender != vault.guardian() && msg.sender != owner()) revert Unauthorized(msg.sender);
    }

    /// @dev What every trade of one call needs. `nav` is the call's base (see the interface).
    struct Ctx {
        uint64 epochId;
        uint256 nav;
        uint256 investable;
        uint256 reserved;
        uint64 cashWeight;
        Config c;
    }

    /// @dev One trade's numbers, from the oracle and the vault's accounting.
    struct Leg {
        bool buy;
        address comp;
        uint256 bal;
        uint256 price;
        uint256 target;
        uint256 band;
        uint256 valueIn;
        uint256 minOut;
    }

    /// @dev Checks, executes and books one trade; returns its oracle value sold and its loss.
    function _trade(Ctx memory ctx, uint32 index, Trade calldata t) internal returns (uint256 valueIn, uint256 loss) {
        Leg memory leg = _leg(ctx, t);
        uint256 out = vault.executeTrade(t.adapter, t.tokenIn, t.tokenOut, t.amountIn, leg.minOut, t.route);

        uint256 valueOut;
        if (leg.buy) {
            valueOut = out.mulDiv(leg.price, PRICE_SCALE);
            uint256 valueAfter = (leg.bal + out).mulDiv(leg.price, PRICE_SCALE);
            if (valueAfter > leg.target + leg.band) revert Overshoot(leg.comp, valueAfter, leg.target, leg.band);
        } else {
            valueOut = out;
            uint256 valueAfter = (leg.bal - t.amountIn).mulDiv(leg.price, PRICE_SCALE);
            if (valueAfter + leg.band < leg.target) revert Overshoot(leg.comp, valueAfter, leg.target, leg.band);
        }
        valueIn = leg.valueIn;
        loss = valueIn > valueOut ? valueIn - valueOut : 0;
        int256 slippageBps =
            valueIn == 0 ? int256(0) : (int256(valueIn) - int256(valueOut)) * int256(BPS) / int256(valueIn);
        emit TradeExecuted(ctx.epochId, index, t.tokenIn, t.tokenOut, t.amountIn, out, valueIn, valueOut, slippageBps);
    }

    /// @dev The pre-trade checks: adapter, direction toward target, the cash leg, and the oracle-derived minimum.
    function _leg(Ctx memory ctx, Trade calldata t) internal view returns (Leg memory leg) {
        if (!isAdapter[address(t.adapter)]) revert AdapterNotAllowed(address(t.adapter));
        leg.buy = t.tokenIn == asset;
        if (leg.buy == (t.tokenOut == asset)) revert TradeNotThroughCash(t.tokenIn, t.tokenOut);
        leg.comp = leg.buy ? t.tokenOut : t.tokenIn;
        uint64 weight;
        address source;
        (leg.bal, weight, source) = vault.component(leg.comp);
        leg.price = _price(source, leg.comp);
        leg.target = ctx.investable.mulDiv(weight, WAD);
        leg.band = ctx.nav.mulDiv(ctx.c.bandWad, WAD);
        uint256 valueBefore = leg.bal.mulDiv(leg.price, PRICE_SCALE);
        uint256 keep = BPS - ctx.c.maxSlippageBps;

        if (leg.buy) {
            if (valueBefore >= leg.target) revert NotUnderweight(leg.comp, valueBefore, leg.target);
            leg.valueIn = t.amountIn;
            uint256 cashTarget = ctx.investable.mulDiv(ctx.cashWeight, WAD) + ctx.reserved;
            uint256 cash = vault.cash();
            uint256 cashAfter = cash > t.amountIn ? cash - t.amountIn : 0;
            if (cashAfter + leg.band < cashTarget) revert Overshoot(asset, cashAfter, cashTarget, leg.band);
            leg.minOut = t.amountIn.mulDiv(PRICE_SCALE, leg.price).mulDiv(keep, BPS, Math.Rounding.Ceil);
        } else {
            if (valueBefore <= leg.target) revert NotOverweight(leg.comp, valueBefore, leg.target);
            leg.valueIn = t.amountIn.mulDiv(leg.price, PRICE_SCALE);
            leg.minOut = leg.valueIn.mulDiv(keep, BPS, Math.Rounding.Ceil);
        }
    }

    function _price(address source, address token) internal view returns (uint256 p) {
        bool ok;
        (ok, p) = VaultMath.tryPrice(source, token);
        if (!ok) revert PriceUnavailable(token);
    }

    /// @dev The open epoch `epochId`, after checking that the caller may act on it.
    function _openEpoch(uint64 epochId) internal view returns (Epoch storage e) {
        e = _epoch;
        if (!e.open) revert NoOpenEpoch();
        if (e.id != epochId) revert EpochIdMismatch(epochId, e.id);
        if (msg.sender != keeper && block.timestamp < uint256(e.openedAt) + _config.keeperGracePeriod) {
            revert Unauthorized(msg.sender);
        }
    }

    function _checkCanOpen(uint64 expectedId) internal view {
        if (_epoch.open) revert EpochAlreadyOpen(_epoch.id);
        uint64 next = _epoch.id + 1;
        if (expectedId != next) revert EpochIdMismatch(expectedId, next);
        uint256 nextAllowed = uint256(_epoch.openedAt) + _config.minEpochSpacing;
        if (_epoch.openedAt != 0 && block.timestamp < nextAllowed) revert EpochTooSoon(nextAllowed);
    }

    function _checkRiskOnCash(uint64 cashWeight) internal view {
        if (cashWeight < _config.cashBufferWad) revert CashBelowBuffer(cashWeight, _config.cashBufferWad);
        if (cashWeight > MAX_RISK_ON_CASH_WAD) revert CashAboveRiskOnCap(cashWeight, MAX_RISK_ON_CASH_WAD);
    }

    function _open(uint64 id, EpochKind kind) internal {
        // slither-disable-next-line unused-return -- valid == (invalid == address(0))
        (uint256 navAssets,, address invalid) = vault.nav();
        if (invalid != address(0)) revert NavUnavailable(invalid);
        // slither-disable-next-line uninitialized-local -- 0 unless a batch is pending
        uint256 reserved;
        // slither-disable-next-line uninitialized-local -- 0 unless a batch is committed
        uint16 exitFee;
        IRedemptionQueue queue = redemptionQueue;
        if (address(queue) != address(0)) {
            // The batch is fixed from now on (later requests join the next one, and none of it can be cancelled).
            uint256 pending = queue.pendingShares(id);
            if (pending != 0) {
                reserved = Math.min(vault.previewRedeem(pending), navAssets);
                exitFee = _exitCharge();
            }
        }
        _epoch = Epoch({
            id: id,
            kind: kind,
            open: true,
            openedAt: uint40(block.timestamp),
            closedAt: 0,
            trades: 0,
            lossWad: 0,
            navAtOpen: navAssets.toUint128(),
            reserved: reserved.toUint128(),
            turnover: 0,
            loss: 0,
            navAtClose: 0,
            supplyAtOpen: vault.totalSupply().toUint112(),
            exitFeeBps: exitFee
        });
        emit EpochOpened(id, kind, msg.sender, navAssets, reserved);
    }

    /// @dev What a cash exit pays now, in basis points: the vault's exit fee plus its levy (at most 400).
    function _exitCharge() internal view returns (uint16) {
        IBallastVault.FeeConfig memory f = vault.feeConfig();
        return f.exitFeeBps + f.levyBps;
    }

    /// @dev The base of a call of open epoch `e`: its opening NAV scaled down by the share supply that has left since,
    /// rounded down (see the interface).
    function _base(Epoch storage e) internal view returns (uint256 base) {
        base = e.navAtOpen;
        uint256 supplyNow = vault.totalSupply();
        if (supplyNow < e.supplyAtOpen) base = base.mulDiv(supplyNow, e.supplyAtOpen);
    }

    /// @dev Books a call's value sold (`value`) as a fraction of its `base`, rounded up, in the epoch's turnover, capped
    /// at `bps` plus the reserve over the base: raising the cash that queued redemptions need is not churn, and a
    /// base that shrank with exits does not retroactively use up the cap (each call counts against its own base).
    function _bookTurnover(uint64 epochId, uint256 value, uint256 base, uint256 reserved, uint256 bps) internal {
        uint256 usedWad = (_turnoverEpoch == epochId ? _turnoverWad : 0) + value.mulDiv(WAD, base, Math.Rounding.Ceil);
        // slither-disable-next-line divide-before-multiply -- WAD / BPS == 1e14 exactly
        uint256 capWad = bps * (WAD / BPS) + reserved.mulDiv(WAD, base);
        if (usedWad > capWad) revert TurnoverExceeded(usedWad, capWad);
        _turnoverEpoch = epochId;
        _turnoverWad = usedWad.toUint64(); // <= capWad <= 3e18 + ~1e18 (the queued shares are in the base's supply)
    }

    /// @dev Books a call's loss (`callLoss` in asset units, `callLossWad` as a fraction of its base, rounded up) in
    /// epoch `e` under the per-epoch cap, then in the rolling window.
    function _bookLoss(Epoch storage e, uint256 callLoss, uint256 callLossWad, Config memory c) internal {
        // slither-disable-next-line divide-before-multiply -- WAD / BPS == 1e14 exactly
        uint256 capWad = uint256(c.maxEpochLossBps) * (WAD / BPS);
        uint256 lossWad = e.lossWad + callLossWad;
        if (lossWad > capWad) revert EpochLossExceeded(lossWad, capWad);
        e.lossWad = uint64(lossWad); // <= capWad <= 3e16
        uint256 loss = e.loss + callLoss;
        e.loss = loss.toUint128();
        _bookWindowLoss(e.id, callLoss, callLossWad, capWad, c.epochInterval);
    }

    /// @dev Adds a call's loss (`callLossWad`, a fraction of its base, rounded up) to the rolling-window budget,
    /// drained first. The drain rounds down; both roundings count against the keeper.
    function _bookWindowLoss(uint64 epochId, uint256 callLoss, uint256 callLossWad, uint256 capWad, uint256 interval)
        internal
    {
        uint256 usedWad = _drainedWindowLoss(capWad, interval) + callLossWad;
        if (usedWad > capWad) revert WindowLossExceeded(usedWad, capWad);
        _windowLossWad = uint64(usedWad); // <= capWad <= 3e16
        _windowLossAt = uint40(block.timestamp);
        emit WindowLossBooked(epochId, callLoss, usedWad, capWad);
    }

    function _drainedWindowLoss(uint256 capWad, uint256 interval) internal view returns (uint256) {
        uint256 used = _windowLossWad;
        uint256 drained = (block.timestamp - _windowLossAt).mulDiv(capWad, interval);
        return used > drained ? used - drained : 0;
    }

    function _setAllCash() internal {
        vault.setTargetWeights(new uint64[](vault.componentCount()), uint64(WAD));
    }

    function _setConfig(Config memory c) internal {
        _range("maxSlippageBps", c.maxSlippageBps, 1, MAX_SLIPPAGE_BPS);
        _range("maxCallLossBps", c.maxCallLossBps, 0, MAX_CALL_LOSS_BPS);
        _range("maxEpochLossBps", c.maxEpochLossBps, 0, MAX_EPOCH_LOSS_BPS);
        _range("maxTurnoverBps", c.maxTurnoverBps, 0, MAX_TURNOVER_BPS);
        _range("bandWad", c.bandWad, 0, MAX_BAND_WAD);
        _range("cashBufferWad", c.cashBufferWad, 0, MAX_CASH_BUFFER_WAD);
        _range("minDwell", c.minDwell, 0, MAX_DWELL);
        _range("keeperGracePeriod", c.keeperGracePeriod, MIN_GRACE, MAX_GRACE);
        _range("epochInterval", c.epochInterval, MIN_INTERVAL, MAX_INTERVAL);
        _range("minEpochSpacing", c.minEpochSpacing, 0, MAX_SPACING);
        _config = c;
        emit ConfigSet(c);
    }

    function _range(string memory field, uint256 value, uint256 min, uint256 max) internal pure {
        if (value < min || value > max) revert ConfigOutOfRange(field, value, min, max);
    }
}
