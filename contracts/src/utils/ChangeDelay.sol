// SPDX-License-Identifier: MIT
pragma solidity ^0.8.26;

import {IChangeDelay} from "../interfaces/IChangeDelay.sol";

/// @title ChangeDelay
/// @notice Schedules, cancels and consumes delayed owner calls (see `IChangeDelay`). A delayed setter calls
/// `_consumeChange()` first; it returns at once while `_changeDelayActive()` is false.
abstract contract ChangeDelay is IChangeDelay {
    /// @inheritdoc IChangeDelay
    uint256 public constant CHANGE_DELAY = 2 days;
    /// @inheritdoc IChangeDelay
    uint256 public constant CHANGE_GRACE = 7 days;

    mapping(bytes32 id => uint256) internal _readyAt;

    /// @inheritdoc IChangeDelay
    function scheduleChange(bytes calldata data) external returns (bytes32 id) {
        _authorizeSchedule();
        id = keccak256(data);
        uint256 readyAt = block.timestamp + CHANGE_DELAY;
        _readyAt[id] = readyAt;
        emit ChangeScheduled(id, data, readyAt);
    }

    /// @inheritdoc IChangeDelay
    function cancelChange(bytes32 id) external {
        _authorizeCancel();
        if (_readyAt[id] == 0) revert ChangeNotScheduled(id);
        delete _readyAt[id];
        emit ChangeCancelled(id, msg.sender);
    }

    /// @inheritdoc IChangeDelay
    function changeReadyAt(bytes32 id) external view returns (uint256) {
        return _readyAt[id];
    }

    /// @inheritdoc IChangeDelay
    function changeDelayActive() external view returns (bool) {
        return _changeDelayActive();
    }

    /// @dev Consumes the schedule of this exact call (its calldata), or returns at once while the delay is inactive.
    function _consumeChange() internal {
        if (!_changeDelayActive()) return;
        bytes32 id = keccak256(msg.data);
        uint256 readyAt = _readyAt[id];
        if (readyAt == 0) revert ChangeNotScheduled(id);
        if (block.timestamp < readyAt) revert ChangeNotReady(id, readyAt);
        if (block.timestamp > readyAt + CHANGE_GRACE) revert ChangeExpired(id, readyAt + CHANGE_GRACE);
        delete _readyAt[id];
        emit ChangeExecuted(id);
    }

    /// @dev Whether the delayed setters need a schedule now.
    function _changeDelayActive() internal view virtual returns (bool);

    /// @dev Reverts unless the caller may schedule (the owner).
    function _authorizeSchedule() internal view virtual;

    /// @dev Reverts unless the caller may cancel (the guardian or the owner).
    function _authorizeCancel() internal view virtual;
}
