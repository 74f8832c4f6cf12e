// SPDX-License-Identifier: MIT
pragma solidity ^0.8.26;

import {IBallastVault} from "./IBallastVault.sol";
import {IRedemptionQueue} from "./IRedemptionQueue.sol";
import {ISwapAdapter} from "./ISwapAdapter.sol";
import {IChangeDelay} from "./IChangeDelay.sol";

/// @title IBallastRebalancer
/// @notice Runs the vault's rebalancing epochs and regime switches, and bounds what any keeper can do.
///
/// An EPOCH has a strictly increasing id. The keeper opens it (new target weights, a cash sweep at the current targets,
/// or a regime switch), executes its trades in as many transactions as gas requires, and closes it. Every step is
/// idempotent: `openEpoch` takes the id it expects to open and each `executeTrades` call the index of its first trade,
/// so a repeated or racing transaction reverts cleanly, having changed nothing, and a restarted keeper resumes from
/// the chain's state. If the keeper goes silent with an epoch open for longer than `keeperGracePeriod`, anyone may
/// execute trades and close it, under exactly the same bounds.
///
/// BOUNDS, all checked on-chain for every trade, whoever sends it:
/// - one side of every trade is the vault's asset (trades route through the cash leg), the other a listed component;
///   only allow-listed adapters; the vault books only what its own balances show.
/// - the minimum output is derived here from oracle prices and `maxSlippageBps`, never taken from the keeper.
/// - a trade only moves a component toward its target: it sells only an overweight component and not below
///   target minus the band; it buys only an underweight component and not above target plus the band; a buy never
///   takes the cash leg below its target minus the band.
/// - every bound is measured against value that stays: the call's BASE, re-read at each `executeTrades` call, is the
///   NAV at the epoch's opening scaled down by the share supply that has left since (`navAtOpen * supplyNow /
///   supplyAtOpen` when the supply fell, `navAtOpen` otherwise). Value that leaves during the epoch (a withdrawal,
///   an in-kind exit) shrinks it in the same block; value that enters never widens it past the opening NAV. So no
///   deposit/withdraw sequence around `openEpoch` can widen a cap, a target or the band.
/// - losses (oracle value in minus oracle value out, summed over a call's trades) are capped per call at
///   `maxCallLossBps` of the call's base; per epoch, the sum over calls of each call's loss as a fraction of its
///   base (`Epoch.lossWad`, rounded up) is capped at `maxEpochLossBps`: a per-share bound, so a holder who stays
///   through the epoch loses at most that fraction of the value of its shares, whoever enters or leaves meanwhile.
///   Turnover (oracle value sold) is counted the same way, each call's value sold over its base (`epochTurnover`),
///   and capped per epoch at `maxTurnoverBps` plus the reserve over the base: raising the cash that queued
///   redemptions need is not churn, and exits that shrink the base never use up the cap retroactively.
/// - losses are also capped across epochs, over a rolling window (`windowLoss`): each call's loss, as a fraction of
///   its base, fills a budget of `maxEpochLossBps` that drains linearly at `maxEpochLossBps` per `epochInterval`.
///   However often epochs open, a keeper loses at most one budget plus `maxEpochLossBps` per interval elapsed, not
///   that much per epoch. A forced risk-off trades under the same budget.
/// - epochs open at most once per `minEpochSpacing`; regime switches at most once per `minDwell` (the guardian may
///   force risk-off at any time). A risk-on epoch keeps at most `MAX_RISK_ON_CASH_WAD` in cash: holding more cash is a
///   regime switch, under the dwell, with its event.
/// - queued redemptions: the batch an epoch settles is paid whatever its shares redeem for at the closing (a batch
///   worth less than one asset unit settles as zero), never at an exit fee plus levy above the one in force when the
///   epoch opened (`ExitFeeRaised`).
/// - the owner's changes that could move holders' funds (`setConfig`, `setKeeper`, allowing an adapter,
///   `setRedemptionQueue`) are delayed through `IChangeDelay` exactly when the vault's are (once it is wired), and
///   the vault's guardian may cancel them; removing the keeper or an adapter is immediate.
/// Target values during a call are weights times its base less what queued redemptions will take (`reserved`): when
/// holders leave mid-epoch, targets shrink with the base and the basket becomes overweight, so sells can raise the
/// cash for the queue again.
interface IBallastRebalancer is IChangeDelay {
    /// @notice Risk-on: the basket at its target weights. Risk-off: everything in the stablecoin.
    enum Regime {
        RiskOn,
        RiskOff
    }

    /// @notice What an epoch does.
    enum EpochKind {
        Rebalance,
        CashSweep,
        RegimeSwitch
    }

    /// @notice Owner-set parameters, each capped by a constant.
    /// @param maxSlippageBps Largest shortfall of a trade's output below its oracle value.
    /// @param maxCallLossBps Largest loss in one `executeTrades` call, in bps of the call's base.
    /// @param maxEpochLossBps Largest loss in one epoch, in bps (the sum of each call's loss over its base); also the
    /// rolling-window budget (`windowLoss`), which drains at this rate per `epochInterval`.
    /// @param maxTurnoverBps Largest value sold in one epoch, in bps (the sum of each call's value sold over its base;
    /// the epoch's reserve over the base comes on top).
    /// @param bandWad No-trade band around each target, as an absolute weight (WAD).
    /// @param cashBufferWad Least cash weight of risk-on targets, so that ordinary withdrawals are instant.
    /// @param minDwell Least time between two regime switches.
    /// @param keeperGracePeriod After an epoch has been open this long, anyone may trade and close it.
    /// @param epochInterval The rebalance schedule's period (weekly by default).
    /// @param minEpochSpacing Least time between two epoch openings.
    /// @param scheduleAnchor A timestamp on the schedule (e.g. a Monday 12:00 UTC).
    struct Config {
        uint16 maxSlippageBps;
        uint16 maxCallLossBps;
        uint16 maxEpochLossBps;
        uint32 maxTurnoverBps;
        uint64 bandWad;
        uint64 cashBufferWad;
        uint32 minDwell;
        uint32 keeperGracePeriod;
        uint32 epochInterval;
        uint32 minEpochSpacing;
        uint40 scheduleAnchor;
    }

    /// @notice The latest epoch.
    /// @param id Its id (0 before the first).
    /// @param kind What it does.
    /// @param open Whether it is open.
    /// @param openedAt When it opened.
    /// @param closedAt When it closed (0 while open).
    /// @param trades Trades executed so far: the index the next `executeTrades` call must start at.
    /// @param lossWad The epoch's loss so far as a fraction of value (WAD): the sum of each call's loss over its base,
    /// rounded up; capped at `maxEpochLossBps`.
    /// @param navAtOpen NAV at its opening.
    /// @param reserved Value set aside at its opening for the queued redemptions it settles.
    /// @param turnover Oracle value sold so far.
    /// @param loss Oracle value lost to trading so far (asset units).
    /// @param navAtClose NAV at its closing.
    /// @param supplyAtOpen The vault's share supply at its opening, against which the base is scaled.
    /// @param exitFeeBps The vault's exit fee plus its levy at the opening when it settles a queued batch (0 without
    /// one): the most that batch pays.
    struct Epoch {
        uint64 id;
        EpochKind kind;
        bool open;
        uint40 openedAt;
        uint40 closedAt;
        uint32 trades;
        uint64 lossWad;
        uint128 navAtOpen;
        uint128 reserved;
        uint128 turnover;
        uint128 loss;
        uint128 navAtClose;
        uint112 supplyAtOpen;
        uint16 exitFeeBps;
    }

    /// @notice One trade, chosen by the keeper; the bounds come from the contract.
    /// @param adapter An allow-listed swap adapter.
    /// @param tokenIn The token sold (the asset, or a listed component).
    /// @param tokenOut The token bought (a listed component, or the asset).
    /// @param amountIn The amount sold.
    /// @param route The adapter's route (for Uniswap V3, the packed path).
    struct Trade {
        ISwapAdapter adapter;
        address tokenIn;
        address tokenOut;
        uint256 amountIn;
        bytes route;
    }

    /*//////////////////////////////////////////////////////////////
                                 ERRORS
    //////////////////////////////////////////////////////////////*/

    /// @notice `caller` may not do this (keeper, guardian or owner required, or the grace period has not passed).
    error Unauthorized(address caller);
    /// @notice The call expected epoch `expected` but the next (or open) epoch is `actual`.
    error EpochIdMismatch(uint64 expected, uint64 actual);
    /// @notice An epoch is already open (`id`).
    error EpochAlreadyOpen(uint64 id);
    /// @notice No epoch is open.
    error NoOpenEpoch();
    /// @notice The call's first trade index `given` is not the epoch's next index `expected` (already executed?).
    error TradeIndexMismatch(uint32 expected, uint32 given);
    /// @notice Epochs open at most once per `minEpochSpacing`: the next may open at `nextAllowed`.
    error EpochTooSoon(uint256 nextAllowed);
    /// @notice Regime switches are at most once per `minDwell`: the next may happen at `nextAllowed`.
    error DwellNotElapsed(uint256 nextAllowed);
    /// @notice The vault is already in `regime`.
    error AlreadyInRegime(Regime regime);
    /// @notice Risk-off targets are all cash: new basket targets are refused until the switch back.
    error RiskOffTargets();
    /// @notice Risk-on targets must keep at least `minimum` (WAD) in cash; got `cashWeight`.
    error CashBelowBuffer(uint64 cashWeight, uint64 minimum);
    /// @notice Risk-on targets may keep at most `maximum` (WAD) in cash; got `cashWeight`. More is a regime switch.
    error CashAboveRiskOnCap(uint64 cashWeight, uint64 maximum);
    /// @notice `adapter` is not allow-listed.
    error AdapterNotAllowed(address adapter);
    /// @notice A trade must have the asset on exactly one side (`tokenIn`, `tokenOut`).
    error TradeNotThroughCash(address tokenIn, address tokenOut);
    /// @notice Selling `token` is refused: its value `value` is not above its target `target`.
    error NotOverweight(address token, uint256 value, uint256 target);
    /// @notice Buying `token` is refused: its value `value` is not below its target `target`.
    error NotUnderweight(address token, uint256 value, uint256 target);
    /// @notice The trade would take `token` to `valueAfter`, past the band `[target - band, target + band]`.
    error Overshoot(address token, uint256 valueAfter, uint256 target, uint256 band);
    /// @notice The losses of this call (`loss`, asset units) exceed the per-call bound `max` (of the call's base).
    error CallLossExceeded(uint256 loss, uint256 max);
    /// @notice The epoch's loss (`lossWad`, a fraction of value, WAD) would exceed the per-epoch bound `maxWad`.
    error EpochLossExceeded(uint256 lossWad, uint256 maxWad);
    /// @notice The rolling-window loss budget would reach `used` (a fraction of NAV, WAD), past its cap `max`.
    error WindowLossExceeded(uint256 used, uint256 max);
    /// @notice The epoch's turnover (`turnoverWad`, a fraction of value, WAD) would exceed the bound `maxWad`.
    error TurnoverExceeded(uint256 turnoverWad, uint256 maxWad);
    /// @notice The price of `token` is unavailable (stale or invalid): no trading.
    error PriceUnavailable(address token);
    /// @notice The vault's NAV is not valid (a price is unavailable, first at `token`): no epoch can open or close.
    error NavUnavailable(address token);
    /// @notice Closing needs `needed` of cash for queued redemptions; the vault can pay `available`.
    error InsufficientCashForRedemptions(uint256 needed, uint256 available);
    /// @notice The vault's exit fee plus levy rose from `atOpen` to `now_` while the epoch's queued batch was committed: the batch
    /// is not settled at the higher fee (the owner must restore it for the epoch to close).
    error ExitFeeRaised(uint16 atOpen, uint16 now_);
    /// @notice A configuration value `value` is outside its allowed range [`min`, `max`].
    error ConfigOutOfRange(string field, uint256 value, uint256 min, uint256 max);
    /// @notice A zero address was given.
    error ZeroAddress();

    /*//////////////////////////////////////////////////////////////
                                 EVENTS
    //////////////////////////////////////////////////////////////*/

    /// @notice Epoch `id` opened.
    event EpochOpened(uint64 indexed id, EpochKind kind, address indexed by, uint256 navAtOpen, uint256 reserved);
    /// @notice Epoch `id` closed.
    event EpochClosed(
        uint64 indexed id, address indexed by, uint256 navAtClose, uint256 turnover, uint256 loss, uint32 trades
    );
    /// @notice A bounded trade of epoch `epochId` was executed: amounts, oracle values and realised slippage (bps of
    /// the oracle value sold; negative when the trade beat the oracle).
    event TradeExecuted(
        uint64 indexed epochId,
        uint32 index,
        address indexed tokenIn,
        address indexed tokenOut,
        uint256 amountIn,
        uint256 amountOut,
        uint256 valueIn,
        uint256 valueOut,
        int256 slippageBps
    );
    /// @notice A call of epoch `epochId` lost `loss` (asset units); the rolling-window budget is now `usedWad` (a
    /// fraction of value, WAD: each call's loss over its base) of `capWad`.
    event WindowLossBooked(uint64 indexed epochId, uint256 loss, uint256 usedWad, uint256 capWad);
    /// @notice The regime changed to `regime` for `reason` (a keeper-defined code), by `by`.
    event RegimeSwitched(Regime regime, uint32 indexed reason, address indexed by, bool forced);
    /// @notice The configuration changed.
    event ConfigSet(Config config);
    /// @notice The keeper changed.
    event KeeperSet(address indexed keeper);
    /// @notice `adapter` was allowed or disallowed.
    event AdapterSet(address indexed adapter, bool allowed);
    /// @notice The redemption queue changed.
    event RedemptionQueueSet(address indexed queue);

    /*//////////////////////////////////////////////////////////////
                                 KEEPER
    //////////////////////////////////////////////////////////////*/

    /// @notice Opens rebalance epoch `expectedId` with new target weights (one per component, then cash; summing to
    /// exactly 1e18). Keeper only; risk-on only.
    function openEpoch(uint64 expectedId, uint64[] calldata weights, uint64 cashWeight) external;

    /// @notice Opens cash-sweep epoch `expectedId` at the current targets: invests new deposits pro rata and raises
    /// the cash for queued redemptions. Keeper only.
    function openCashSweep(uint64 expectedId) external;

    /// @notice Switches the regime and opens epoch `expectedId` whose targets are all cash (risk-off) or `weights` and
    /// `cashWeight` (risk-on). Keeper only; at most once per `minDwell`.
    function switchRegime(uint64 expectedId, Regime to, uint32 reason, uint64[] calldata weights, uint64 cashWeight)
        external;

    /// @notice Executes `trades` of open epoch `epochId`, the first being its trade number `firstIndex`. Keeper only,
    /// or anyone once the epoch has been open for `keeperGracePeriod`.
    function executeTrades(uint64 epochId, uint32 firstIndex, Trade[] calldata trades) external;

    /// @notice Closes open epoch `epochId`, settling its queued redemptions. Keeper only, or anyone after the grace.
    function closeEpoch(uint64 epochId) external;

    /// @notice Forces risk-off now, ignoring the dwell: sets all-cash targets on the open epoch or opens a new one.
    /// Guardian or owner.
    function forceRiskOff(uint32 reason) external;

    /*//////////////////////////////////////////////////////////////
                                 VIEWS
    //////////////////////////////////////////////////////////////*/

    /// @notice The vault this contract rebalances.
    function vault() external view returns (IBallastVault);

    /// @notice The keeper: opens, trades and closes epochs (anyone may trade and close after the grace period).
    function keeper() external view returns (address);

    /// @notice The queue whose batches the epochs settle (zero: none).
    function redemptionQueue() external view returns (IRedemptionQueue);

    /// @notice Whether `adapter` is allow-listed.
    function isAdapter(address adapter) external view returns (bool);

    /// @notice The latest epoch (open or closed).
    function currentEpoch() external view returns (Epoch memory);

    /// @notice The current regime and when it last switched.
    function regime() external view returns (Regime, uint256 lastSwitch);

    /// @notice When the next scheduled rebalance is due (in the past when overdue).
    function nextRebalanceDue() external view returns (uint256);

    /// @notice The configuration.
    function config() external view returns (Config memory);

    /// @notice The rolling-window loss budget now: `usedWad`, the losses still counted (each a fraction of its
    /// call's base, WAD, drained linearly at `capWad` per `epochInterval`), and the cap `capWad`
    /// (`maxEpochLossBps` as WAD). An `executeTrades` call whose loss would take `usedWad` past `capWad` reverts.
    function windowLoss() external view returns (uint256 usedWad, uint256 capWad);

    /// @notice The base an `executeTrades` call of the open epoch is measured against now: the opening NAV scaled down
    /// by the share supply that has left since (see BOUNDS). Zero when no epoch is open.
    function epochBase() external view returns (uint256);

    /// @notice The open (or last) epoch's turnover so far as a fraction of value (`usedWad`, WAD: the sum of each call's
    /// value sold over its base) and `maxTurnoverBps` as WAD (the reserve's allowance, which depends on the base, comes
    /// on top at each call).
    function epochTurnover() external view returns (uint256 usedWad, uint256 capWad);

    /// @notice The bounded minimum output for selling `amountIn` of `tokenIn` for `tokenOut`, and the oracle value
    /// (in asset units) of the input. Reverts with `PriceUnavailable` when a price is unavailable.
    function quoteMinOut(address tokenIn, address tokenOut, uint256 amountIn)
        external
        view
        returns (uint256 minAmountOut, uint256 valueIn);
}
