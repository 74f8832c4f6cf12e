// SPDX-License-Identifier: MIT
pragma solidity ^0.8.26;

/// @title IAggregatorV3
/// @notice Chainlink's AggregatorV3Interface, declared here because `@chainlink/contracts` cannot be installed offline.
interface IAggregatorV3 {
    /// @notice Decimals of `answer`.
    function decimals() external view returns (uint8);

    /// @notice Human-readable description of the feed.
    function description() external view returns (string memory);

    /// @notice Version of the aggregator.
    function version() external view returns (uint256);

    /// @notice Data of round `roundId`.
    function getRoundData(uint80 roundId)
        external
        view
        returns (uint80 roundId_, int256 answer, uint256 startedAt, uint256 updatedAt, uint80 answeredInRound);

    /// @notice Data of the latest round.
    function latestRoundData()
        external
        view
        returns (uint80 roundId, int256 answer, uint256 startedAt, uint256 updatedAt, uint80 answeredInRound);
}
