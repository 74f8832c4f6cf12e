// SPDX-License-Identifier: MIT
pragma solidity ^0.8.26;

/// @title IChangeDelay
/// @notice A delay on the owner's changes that could move holders' funds (who trades for the vault, through what, at
/// which prices). Such a change runs only as a call whose exact calldata the owner scheduled at least `CHANGE_DELAY`
/// earlier, and at most `CHANGE_GRACE` after it became ready; the guardian (or the owner) can cancel it meanwhile.
/// Holders see every scheduled change, with its calldata, in `ChangeScheduled`, and can leave (in kind, needing no
/// oracle and no keeper) before it takes effect.
/// @dev A change is identified by `keccak256(calldata)` of the call that will execute it (selector and arguments), so
/// a schedule authorises exactly one call with exactly those arguments, once. The delay applies once the contract is
/// wired (see each contract's `changeDelayActive`); before, while it holds no one's funds, the owner sets it up
/// directly.
/// The guardian's cancel is a second safeguard on top of the delay (which alone gives holders the time to leave): it
/// can stop a change made with a stolen owner key, including a change of the guardian itself. The price is liveness,
/// never funds: a guardian that cancels everything blocks every delayed change until it agrees, so the guardian should
/// be a party the holders trust to act only against a hostile change (a security council's multisig).
interface IChangeDelay {
    /// @notice `id` was never scheduled, or was executed or cancelled.
    error ChangeNotScheduled(bytes32 id);
    /// @notice `id` becomes executable at `readyAt`.
    error ChangeNotReady(bytes32 id, uint256 readyAt);
    /// @notice `id` could be executed until `expiredAt` only; schedule it again.
    error ChangeExpired(bytes32 id, uint256 expiredAt);

    /// @notice The call with calldata `data` (id `keccak256(data)`) may run from `readyAt` until `readyAt` +
    /// `CHANGE_GRACE`.
    event ChangeScheduled(bytes32 indexed id, bytes data, uint256 readyAt);
    /// @notice `id` was cancelled by `by` (the guardian or the owner).
    event ChangeCancelled(bytes32 indexed id, address indexed by);
    /// @notice `id` ran, consuming its schedule.
    event ChangeExecuted(bytes32 indexed id);

    /// @notice The shortest time between scheduling a change and running it (2 days).
    function CHANGE_DELAY() external view returns (uint256);

    /// @notice How long a ready change stays executable (7 days).
    function CHANGE_GRACE() external view returns (uint256);

    /// @notice Schedules the delayed call whose calldata is `data`, ready `CHANGE_DELAY` from now. Owner only.
    /// Scheduling an id again restarts its delay.
    /// @return id `keccak256(data)`.
    function scheduleChange(bytes calldata data) external returns (bytes32 id);

    /// @notice Cancels the scheduled change `id`. Guardian or owner.
    function cancelChange(bytes32 id) external;

    /// @notice When `id` becomes executable (0 if it is not scheduled).
    function changeReadyAt(bytes32 id) external view returns (uint256);

    /// @notice Whether the delayed setters now need a schedule.
    function changeDelayActive() external view returns (bool);
}
