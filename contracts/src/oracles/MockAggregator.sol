// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IAggregatorV3} from "../interfaces/IAggregatorV3.sol";

/// @title MockAggregator
/// @notice A settable Chainlink-style feed for local chains, tests and the demo. NOT for production.
/// @dev The latest round is one packed storage slot. A mainnet Chainlink feed costs more to read (a proxy, then the
/// aggregator: one more cold account and one more slot); BENCHMARKS.md says so wherever this feed is measured.
contract MockAggregator is IAggregatorV3 {
    /// @notice The caller may not update this feed.
    error Unauthorized(address caller);
    /// @notice `answer` does not fit the packed round (int96).
    error AnswerOutOfRange(int256 answer);
    /// @notice A new answer was posted.
    event AnswerUpdated(int256 indexed current, uint256 indexed roundId, uint256 updatedAt);

    uint8 public immutable decimals;
    address public immutable updater;
    string public description;

    // One slot: roundId (56) + updatedAt (40) + answer (96) + answeredInRound (56).
    uint56 internal _roundId;
    uint40 internal _updatedAt;
    int96 internal _answer;
    uint56 internal _answeredInRound;

    constructor(uint8 decimals_, string memory description_, int256 initialAnswer) {
        decimals = decimals_;
        description = description_;
        updater = msg.sender;
        _post(initialAnswer, block.timestamp);
    }

    /// @notice Posts a new answer, updated now.
    function setAnswer(int256 answer) external {
        _post(answer, block.timestamp);
    }

    /// @notice Posts a new answer with an explicit update time (to make a feed stale in tests).
    function setAnswerAt(int256 answer, uint256 updatedAt) external {
        _post(answer, updatedAt);
    }

    /// @notice Makes the latest round look incomplete (answered in an earlier round).
    function setAnsweredInRound(uint56 answeredInRound) external {
        if (msg.sender != updater) revert Unauthorized(msg.sender);
        _answeredInRound = answeredInRound;
    }

    function version() external pure returns (uint256) {
        return 4;
    }

    function getRoundData(uint80 roundId) external view returns (uint80, int256, uint256, uint256, uint80) {
        return (roundId, _answer, _updatedAt, _updatedAt, roundId <= _answeredInRound ? roundId : _answeredInRound);
    }

    function latestRoundData() external view returns (uint80, int256, uint256, uint256, uint80) {
        return (_roundId, _answer, _updatedAt, _updatedAt, _answeredInRound);
    }

    function _post(int256 answer, uint256 updatedAt) internal {
        if (msg.sender != updater) revert Unauthorized(msg.sender);
        if (answer > type(int96).max || answer < type(int96).min) revert AnswerOutOfRange(answer);
        uint56 id = _roundId + 1;
        _roundId = id;
        _updatedAt = uint40(updatedAt);
        _answer = int96(answer);
        _answeredInRound = id;
        emit AnswerUpdated(answer, id, updatedAt);
    }
}
