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
/// the feed's heartbeat. A failed check reverts with an error naming the feed (in `price`) or gives 0 for that token
/// (in `prices`, which reads each feed with a fixed gas allowance, `FEED_GAS`, and copies only the five words it needs,
/// so that a broken, gas-burning or return-bombing feed spoils only its own token's price).
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
    /// @notice Gas forwarded to one feed read in `prices`: far above a Chainlink proxy read (about 15-30k), and, with the
    /// per-token work, within the `PRICE_GAS` (100,000) a caller grants per key.
    uint256 public constant FEED_GAS = 75_000;

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
    /// @notice `prices` was left with `left` gas, less than the `needed` to read a feed with its full allowance.
    error InsufficientGasForFeed(uint256 left, uint256 needed);

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
    /// @dev The configuration of the token with a given key (a copy of `feeds[token]`, so that `prices` reads one slot
    /// per key and `price` one slot per token).
    mapping(uint256 key => FeedConfig) internal _keyed;
    /// @dev One plus the key of a token (zero: never configured).
    mapping(address token => uint256) internal _keyPlusOne;
    /// @dev Keys given so far: the next token configured gets this one.
    uint256 internal _keyCount;

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
        FeedConfig memory c = FeedConfig({feed: feed, heartbeat: heartbeat, scaleExp: uint8(uint256(exp))});
        feeds[token] = c;
        uint256 keyPlusOne = _keyPlusOne[token];
        if (keyPlusOne == 0) _keyPlusOne[token] = keyPlusOne = ++_keyCount;
        _keyed[keyPlusOne - 1] = c;
        emit FeedSet(token, address(feed), heartbeat);
    }

    /// @notice Stops pricing `token`. Owner only.
    function removeFeed(address token) external onlyOwner {
        if (address(feeds[token].feed) == address(0)) revert TokenNotConfigured(token);
        delete feeds[token];
        delete _keyed[_keyPlusOne[token] - 1];
        emit FeedRemoved(token);
    }

    /// @inheritdoc IPriceSource
    function priceKey(address token) external view returns (uint256) {
        uint256 keyPlusOne = _keyPlusOne[token];
        if (keyPlusOne == 0) revert TokenNotConfigured(token);
        return keyPlusOne - 1;
    }

    /// @inheritdoc IPriceSource
    /// @dev Reads the quote feed once for the whole batch; if it is unavailable, every price is 0. Each token's feed
    /// is read as in `_tryRead` (inlined here: this loop runs for every component on every vault entry and exit).
    function prices(uint256[] calldata keys) external view returns (uint256[] memory out) {
        uint256 n = keys.length;
        out = new uint256[](n);
        uint256 quote = address(quoteFeed) == address(0) ? 1 : _tryRead(quoteFeed, quoteHeartbeat);
        if (quote == 0) return out;
        uint256 needed = FEED_GAS + FEED_GAS / 63 + 2000;
        uint256 m; // scratch for the five words of `latestRoundData`, past `out`
        assembly ("memory-safe") {
            m := mload(0x40)
            mstore(0x40, add(m, 0xa0))
        }
        for (uint256 i; i < n;) {
            if (gasleft() < needed) revert InsufficientGasForFeed(gasleft(), needed);
            uint256 answer;
            uint256 scaleExp;
            assembly ("memory-safe") {
                mstore(0, calldataload(add(keys.offset, shl(5, i))))
                mstore(0x20, _keyed.slot)
                let c := sload(keccak256(0, 0x40))
                let feed := and(c, 0xffffffffffffffffffffffffffffffffffffffff)
                if feed {
                    mstore(m, shl(224, 0xfeaf968c)) // latestRoundData()
                    let ok := staticcall(FEED_GAS, feed, m, 0x04, m, 0xa0)
                    ok := and(ok, gt(returndatasize(), 0x9f))
                    let roundId := mload(m)
                    let answeredInRound := mload(add(m, 0x80))
                    let updatedAt := mload(add(m, 0x60))
                    answer := mload(add(m, 0x20))
                    // The checks of `_tryRead`.
                    ok := and(ok, sgt(answer, 0))
                    ok := and(ok, and(lt(roundId, shl(80, 1)), lt(answeredInRound, shl(80, 1))))
                    ok := and(ok, iszero(lt(answeredInRound, roundId)))
                    ok := and(ok, and(iszero(iszero(updatedAt)), iszero(gt(updatedAt, timestamp()))))
                    ok := and(ok, iszero(gt(sub(timestamp(), updatedAt), and(shr(160, c), 0xffffffff))))
                    answer := mul(answer, ok)
                    scaleExp := and(shr(192, c), 0xff)
                }
            }
            if (answer != 0) {
                uint256 p = _scale(answer, uint8(scaleExp), quote, true);
                assembly ("memory-safe") {
                    mstore(add(add(out, 0x20), shl(5, i)), p)
                }
            }
            unchecked {
                ++i;
            }
        }
    }

    /// @inheritdoc IPriceSource
    function price(address token) external view returns (uint256) {
        FeedConfig memory c = feeds[token];
        if (address(c.feed) == address(0)) revert TokenNotConfigured(token);
        uint256 answer = _read(c.feed, c.heartbeat);
        uint256 quote = address(quoteFeed) == address(0) ? 1 : _read(quoteFeed, quoteHeartbeat);
        return _scale(answer, c.scaleExp, quote, false);
    }

    /// @dev `answer * 10^scaleExp / quote`, rounded down. With `saturate`, a result that would not fit in 256 bits is
    /// `type(uint256).max` (far above any price a caller accepts) instead of a revert.
    function _scale(uint256 answer, uint8 scaleExp, uint256 quote, bool saturate) internal pure returns (uint256) {
        uint256 scale = 10 ** scaleExp;
        unchecked {
            uint256 prod = answer * scale;
            if (prod / scale == answer) return prod / quote;
        }
        // answer / quote < floor(max / scale) implies answer * scale / quote < floor(max / scale) * scale <= max.
        if (saturate && answer / quote >= type(uint256).max / scale) return type(uint256).max;
        return Math.mulDiv(answer, scale, quote);
    }

    /// @dev The answer of `feed` if it passes every check of `_read`, else 0; never reverts on anything the feed does.
    /// The feed gets exactly `FEED_GAS` and only the five words of `latestRoundData` are copied. Reverts only when this
    /// call itself has too little gas to grant the allowance, so that a 0 always means the feed failed.
    function _tryRead(IAggregatorV3 feed, uint256 heartbeat) internal view returns (uint256 answer) {
        uint256 needed = FEED_GAS + FEED_GAS / 63 + 2000;
        if (gasleft() < needed) revert InsufficientGasForFeed(gasleft(), needed);
        bool ok;
        uint256 roundId;
        uint256 updatedAt;
        uint256 answeredInRound;
        assembly ("memory-safe") {
            let m := mload(0x40)
            mstore(m, shl(224, 0xfeaf968c)) // latestRoundData()
            ok := staticcall(FEED_GAS, feed, m, 0x04, m, 0xa0)
            ok := and(ok, gt(returndatasize(), 0x9f))
            roundId := mload(m)
            answer := mload(add(m, 0x20))
            updatedAt := mload(add(m, 0x60))
            answeredInRound := mload(add(m, 0x80))
        }
        // The checks of `_read`, plus what ABI decoding checks there (rounds fit in 80 bits).
        if (
            !ok || int256(answer) <= 0 || roundId > type(uint80).max || answeredInRound > type(uint80).max
                || answeredInRound < roundId || updatedAt == 0 || updatedAt > block.timestamp
                || block.timestamp - updatedAt > heartbeat
        ) return 0;
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
