// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Ownable, Ownable2Step} from "@openzeppelin/contracts/access/Ownable2Step.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {IERC20Metadata} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Metadata.sol";

import {IPriceSource} from "../interfaces/IPriceSource.sol";
import {IAggregatorV3} from "../interfaces/IAggregatorV3.sol";

/// @title ChainlinkPriceSource
/// @notice Prices many tokens from Chainlink AggregatorV3 feeds (token/USD), divided by the quote asset's own feed
/// (asset/USD) when one is set, or taking the quote asset as exactly 1 USD when none is.
/// @dev One contract serves every token, so the vault pays for one source contract, not one per component. Every
/// answer is checked: positive, round complete (`answeredInRound >= roundId`), not from the future, and younger than
/// the feed's heartbeat. A failed check reverts with an error naming the feed.
contract ChainlinkPriceSource is IPriceSource, Ownable2Step {
    /// @notice Per-token configuration, one storage slot.
    /// @param feed The token/USD feed.
    /// @param heartbeat Longest accepted age of an answer, in seconds.
    /// @param scaleExp Exponent of the power of ten that turns an answer into the 1e36 price scale.
    struct FeedConfig {
        IAggregatorV3 feed;
        uint32 heartbeat;
        uint8 scaleExp;
    }

    /// @notice Shortest heartbeat accepted in configuration.
    uint32 public constant MIN_HEARTBEAT = 60;
    /// @notice Longest heartbeat accepted in configuration.
    uint32 public constant MAX_HEARTBEAT = 7 days;

    /// @notice `token` has no feed configured.
    error TokenNotConfigured(address token);
    /// @notice `feed` answered `answer`, which is not positive.
    error NonPositiveAnswer(address feed, int256 answer);
    /// @notice `feed`'s latest round `roundId` was answered in the earlier round `answeredInRound`.
    error IncompleteRound(address feed, uint80 roundId, uint80 answeredInRound);
    /// @notice `feed` was last updated at `updatedAt`, older than its `heartbeat` (or in the future).
    error StalePrice(address feed, uint256 updatedAt, uint256 heartbeat);
    /// @notice `heartbeat` is outside [`MIN_HEARTBEAT`, `MAX_HEARTBEAT`].
    error InvalidHeartbeat(uint256 heartbeat);
    /// @notice The decimals of `token` and its feed give a scale exponent outside [0, 77].
    error InvalidDecimals(address token, uint8 tokenDecimals, uint8 feedDecimals);
    /// @notice A zero address was given.
    error ZeroAddress();

    /// @notice `token` is priced by `feed` with `heartbeat`.
    event FeedSet(address indexed token, address indexed feed, uint32 heartbeat);
    /// @notice `token`'s feed was removed.
    event FeedRemoved(address indexed token);

    /// @inheritdoc IPriceSource
    address public immutable quoteAsset;
    /// @notice The quote asset's USD feed; zero means the quote asset is taken as exactly 1 USD.
    IAggregatorV3 public immutable quoteFeed;
    /// @notice Heartbeat of `quoteFeed`.
    uint32 public immutable quoteHeartbeat;
    uint8 internal immutable _quoteDecimals;
    uint8 internal immutable _quoteFeedDecimals;

    mapping(address token => FeedConfig) public feeds;

    constructor(address owner_, address quoteAsset_, IAggregatorV3 quoteFeed_, uint32 quoteHeartbeat_) Ownable(owner_) {
        if (quoteAsset_ == address(0)) revert ZeroAddress();
        quoteAsset = quoteAsset_;
        _quoteDecimals = IERC20Metadata(quoteAsset_).decimals();
        quoteFeed = quoteFeed_;
        if (address(quoteFeed_) != address(0)) {
            _checkHeartbeat(quoteHeartbeat_);
            quoteHeartbeat = quoteHeartbeat_;
            _quoteFeedDecimals = quoteFeed_.decimals();
        }
    }

    /// @notice Prices `token` with `feed` (token/USD), accepting answers up to `heartbeat` seconds old. Owner only.
    function setFeed(address token, IAggregatorV3 feed, uint32 heartbeat) external onlyOwner {
        if (token == address(0) || address(feed) == address(0)) revert ZeroAddress();
        _checkHeartbeat(heartbeat);
        uint8 tokenDecimals = IERC20Metadata(token).decimals();
        uint8 feedDecimals = feed.decimals();
        // price36 = answer / 10^fd * 10^qd / 10^td * 1e36 / (quoteAnswer / 10^qfd)
        //         = answer * 10^(36 + qd + qfd - fd - td) / quoteAnswer
        int256 exp = 36 + int256(uint256(_quoteDecimals)) + int256(uint256(_quoteFeedDecimals))
            - int256(uint256(feedDecimals)) - int256(uint256(tokenDecimals));
        if (exp < 0 || exp > 77) revert InvalidDecimals(token, tokenDecimals, feedDecimals);
        feeds[token] = FeedConfig({feed: feed, heartbeat: heartbeat, scaleExp: uint8(uint256(exp))});
        emit FeedSet(token, address(feed), heartbeat);
    }

    /// @notice Stops pricing `token`. Owner only.
    function removeFeed(address token) external onlyOwner {
        if (address(feeds[token].feed) == address(0)) revert TokenNotConfigured(token);
        delete feeds[token];
        emit FeedRemoved(token);
    }

    /// @inheritdoc IPriceSource
    function price(address token) external view returns (uint256) {
        FeedConfig memory c = feeds[token];
        if (address(c.feed) == address(0)) revert TokenNotConfigured(token);
        uint256 answer = _read(c.feed, c.heartbeat);
        uint256 quote = address(quoteFeed) == address(0) ? 1 : _read(quoteFeed, quoteHeartbeat);
        uint256 scale = 10 ** c.scaleExp;
        unchecked {
            uint256 prod = answer * scale;
            if (prod / scale == answer) return prod / quote;
        }
        return Math.mulDiv(answer, scale, quote);
    }

    function _read(IAggregatorV3 feed, uint256 heartbeat) internal view returns (uint256) {
        (uint80 roundId, int256 answer,, uint256 updatedAt, uint80 answeredInRound) = feed.latestRoundData();
        if (answer <= 0) revert NonPositiveAnswer(address(feed), answer);
        if (answeredInRound < roundId) revert IncompleteRound(address(feed), roundId, answeredInRound);
        if (updatedAt == 0 || updatedAt > block.timestamp || block.timestamp - updatedAt > heartbeat) {
            revert StalePrice(address(feed), updatedAt, heartbeat);
        }
        return uint256(answer);
    }

    function _checkHeartbeat(uint256 heartbeat) internal pure {
        if (heartbeat < MIN_HEARTBEAT || heartbeat > MAX_HEARTBEAT) revert InvalidHeartbeat(heartbeat);
    }
}
