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
/// so that a broken, gas-burning or return-bombing feed spoils only its own token's price). `price` reads a token's
/// configuration from storage (`feeds`); `prices` reads it by key from code (`feedTable`, a data contract rewritten on
/// every configuration change), which is far cheaper per key than a cold storage slot.
///
/// A token's feed is set once for the life of the source: `setFeed` and `setFeeds` refuse a token that has, or ever
/// had, a feed (`FeedAlreadySet`), so the owner can never swap a token's feed for another one under a vault that
/// adopted the source. `removeFeed` stays immediate (it only makes the token's price unavailable) but is final: the
/// token can never be configured again here. To price it again (or with another feed), deploy a new source; the
/// vault adopts it through its time-delayed `setPriceSource`. The owner declares at deployment, in `maxDeviationBps`,
/// how far a valid answer may lag the market (the largest deviation threshold of the feeds it will configure,
/// compounded with the quote feed's); the vault keeps its anti-dilution levy at least that large. The source cannot
/// read a feed's deviation threshold on chain: the owner must configure only feeds whose threshold is within it.
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
    /// @notice Largest `maxDeviationBps` a source accepts (5%): a feed lagging the market by more is not a price a
    /// vault should trade at.
    uint16 public constant MAX_DEVIATION_BPS = 500;

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
    /// @notice A new token would need key `MAX_KEYS`, beyond what one feed table holds.
    error TooManyKeys(uint256 max);
    /// @notice Deploying the new feed table failed (the transaction ran short of gas).
    error FeedTableWriteFailed();
    /// @notice `tokens`, `feeds` and `heartbeats` given to `setFeeds` differ in length.
    error LengthMismatch();
    /// @notice `prices` was left with `left` gas, less than the `needed` to read a feed with its full allowance.
    error InsufficientGasForFeed(uint256 left, uint256 needed);
    /// @notice `token` has, or had until it was removed, the feed `feed`: a token's feed is set once for the life of
    /// the source (deploy a new source to price it otherwise).
    error FeedAlreadySet(address token, address feed);
    /// @notice The `bps` given as `maxDeviationBps` is above `cap` (`MAX_DEVIATION_BPS`).
    error DeviationAboveCap(uint256 bps, uint256 cap);

    /// @notice `token` is priced by `feed` with `heartbeat`.
    event FeedSet(address indexed token, address indexed feed, uint32 heartbeat);
    /// @notice `token`'s feed was removed.
    event FeedRemoved(address indexed token);
    /// @notice `prices` now reads its feed configurations from the data contract `table`, which holds `keys` entries.
    /// Emitted on every configuration change, after its `FeedSet` or `FeedRemoved` events.
    event FeedTableSet(address indexed table, uint256 keys);

    /// @inheritdoc IPriceSource
    address public immutable quoteAsset;
    /// @notice The quote asset's USD feed; zero means the quote asset is taken as exactly 1 USD.
    IAggregatorV3 public immutable quoteFeed;
    /// @notice Heartbeat of `quoteFeed`.
    uint32 public immutable quoteHeartbeat;
    /// @inheritdoc IPriceSource
    /// @dev Declared by the deployer (at most `MAX_DEVIATION_BPS`): the largest deviation threshold of the feeds this
    /// source is meant to configure, compounded with the quote feed's. Not checked against the feeds (a feed does not
    /// expose its threshold on chain).
    uint16 public immutable maxDeviationBps;
    uint8 internal immutable _quoteDecimals;
    uint8 internal immutable _quoteFeedDecimals;

    /// @notice The configuration of each token, read by `price` (one slot per token). A removed token keeps its
    /// `feed` with a zero `heartbeat` and `scaleExp` (every configured heartbeat is at least `MIN_HEARTBEAT`), so that
    /// `FeedAlreadySet` can name the feed it had; all zero: never configured.
    mapping(address token => FeedConfig) public feeds;
    /// @notice The feed table read by `prices`: a data contract whose runtime code is one STOP byte (0x00, so that
    /// calling it does nothing) followed by one `ENTRY_SIZE`-byte entry per key, in key order, each `feed` (20 bytes),
    /// `heartbeat` (4 bytes, big-endian) and `scaleExp` (1 byte); an all-zero entry is a removed feed. Zero before the
    /// first `setFeed`. Data contracts are immutable: every change writes a new one (see `setFeed`).
    address public feedTable;
    /// @notice Keys given so far (the number of entries in `feedTable`): the next token configured gets this one.
    /// Shares its slot with `feedTable`, so `prices` reads one storage slot per call.
    uint96 public keyCount;
    /// @dev One plus the key of a token (zero: never configured).
    mapping(address token => uint256) internal _keyPlusOne;

    /// @notice Bytes per key in `feedTable`.
    uint256 public constant ENTRY_SIZE = 25;
    /// @notice Most keys a hub gives: its feed table must fit in one contract's code (EIP-170, 24,576 bytes).
    uint256 public constant MAX_KEYS = (24_576 - 1) / ENTRY_SIZE;

    /// @param owner_ The owner (configures the feeds).
    /// @param quoteAsset_ The quote asset (the vault's stablecoin).
    /// @param quoteFeed_ The quote asset's USD feed; zero: the quote asset is taken as exactly 1 USD.
    /// @param quoteHeartbeat_ Heartbeat of `quoteFeed_` (ignored without one).
    /// @param maxDeviationBps_ `maxDeviationBps`, at most `MAX_DEVIATION_BPS` (else `DeviationAboveCap`).
    constructor(
        address owner_,
        address quoteAsset_,
        IAggregatorV3 quoteFeed_,
        uint32 quoteHeartbeat_,
        uint16 maxDeviationBps_
    ) Ownable(owner_) {
        if (quoteAsset_ == address(0)) revert ZeroAddress();
        if (maxDeviationBps_ > MAX_DEVIATION_BPS) revert DeviationAboveCap(maxDeviationBps_, MAX_DEVIATION_BPS);
        maxDeviationBps = maxDeviationBps_;
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
    /// Once only: reverts with `FeedAlreadySet` if `token` has, or ever had, a feed here (also after `removeFeed`).
    /// @dev `token` gets the next key, kept for the life of the source. Gas: besides the token's storage,
    /// every call deploys a new feed table (`feedTable`), so it costs about 200 gas per byte of the table, i.e. about
    /// 5,000 gas per configured key (about 0.6M gas at 100 keys; see `snapshots/ChainlinkPriceSource.json`). To
    /// configure many tokens at once, `setFeeds` writes the table once.
    function setFeed(address token, IAggregatorV3 feed, uint32 heartbeat) external onlyOwner {
        uint256 count = keyCount;
        uint256 table = _loadTable(count + 1);
        count = _setFeed(table, count, token, feed, heartbeat);
        _storeTable(table, count);
    }

    /// @notice `setFeed(tokens[i], feeds_[i], heartbeats[i])` for every `i`, in order, writing the feed table once.
    /// Owner only. Every token must be new to the source (a token listed twice reverts with `FeedAlreadySet`).
    function setFeeds(address[] calldata tokens, IAggregatorV3[] calldata feeds_, uint32[] calldata heartbeats)
        external
        onlyOwner
    {
        uint256 n = tokens.length;
        if (feeds_.length != n || heartbeats.length != n) revert LengthMismatch();
        uint256 count = keyCount;
        uint256 table = _loadTable(count + n);
        for (uint256 i; i < n; ++i) {
            count = _setFeed(table, count, tokens[i], feeds_[i], heartbeats[i]);
        }
        _storeTable(table, count);
    }

    /// @notice Stops pricing `token`, at once and for good: its key stays its own, with an all-zero table entry, and
    /// the token can never be configured again at this source (`FeedAlreadySet`); deploy a new source to price it
    /// again, which a vault adopts through its time-delayed `setPriceSource`. Owner only.
    /// @dev Keeps the removed feed in `feeds` (with a zero heartbeat, the mark of a removal) so that `FeedAlreadySet`
    /// names it. Writes a new feed table, at the gas cost described in `setFeed`.
    function removeFeed(address token) external onlyOwner {
        FeedConfig storage c = feeds[token];
        if (c.heartbeat == 0) revert TokenNotConfigured(token);
        (c.heartbeat, c.scaleExp) = (0, 0);
        uint256 count = keyCount;
        uint256 table = _loadTable(count);
        _putEntry(table, _keyPlusOne[token] - 1, 0);
        emit FeedRemoved(token);
        _storeTable(table, count);
    }

    /// @notice The configuration `prices` uses for `key`, read from `feedTable` (all zero: removed or unknown key).
    function keyedFeed(uint256 key) external view returns (FeedConfig memory c) {
        uint256 e = _entry(feedTable, keyCount, key);
        c.feed = IAggregatorV3(address(uint160(e >> 40)));
        c.heartbeat = uint32(e >> 8);
        c.scaleExp = uint8(e);
    }

    /// @inheritdoc IPriceSource
    function priceKey(address token) external view returns (uint256) {
        uint256 keyPlusOne = _keyPlusOne[token];
        if (keyPlusOne == 0) revert TokenNotConfigured(token);
        return keyPlusOne - 1;
    }

    /// @inheritdoc IPriceSource
    /// @dev Reads the quote feed once for the whole batch; if it is unavailable, every price is 0. Each key's
    /// configuration is copied out of the code of `feedTable` (one `EXTCODECOPY` of 25 bytes: 2,600 gas for the first
    /// key of a transaction, when the table's account is cold, about 110 after), not read from storage (a cold slot
    /// per key, 2,100 gas). Each token's feed is read as in `_tryRead` (inlined here: this loop runs for every
    /// component on every vault entry and exit).
    function prices(uint256[] calldata keys) external view returns (uint256[] memory out) {
        uint256 n = keys.length;
        out = new uint256[](n);
        uint256 quote = address(quoteFeed) == address(0) ? 1 : _tryRead(quoteFeed, quoteHeartbeat);
        if (quote == 0) return out;
        uint256 needed = FEED_GAS + FEED_GAS / 63 + 2000;
        address table = feedTable;
        uint256 count = keyCount;
        uint256 m; // scratch for the table entry, then the five words of `latestRoundData`, past `out`
        assembly ("memory-safe") {
            m := mload(0x40)
            mstore(0x40, add(m, 0xa0))
        }
        for (uint256 i; i < n;) {
            if (gasleft() < needed) revert InsufficientGasForFeed(gasleft(), needed);
            uint256 answer;
            uint256 scaleExp;
            assembly ("memory-safe") {
                let key := calldataload(add(keys.offset, shl(5, i)))
                let c := 0
                // An unknown key (at or past `keyCount`, also any key whose table offset would overflow) has no feed.
                if lt(key, count) {
                    extcodecopy(table, m, add(1, mul(key, ENTRY_SIZE)), ENTRY_SIZE)
                    c := shr(56, mload(m)) // feed (bits 40..199) | heartbeat (8..39) | scaleExp (0..7)
                }
                let feed := shr(40, c)
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
                    ok := and(ok, iszero(gt(sub(timestamp(), updatedAt), and(shr(8, c), 0xffffffff))))
                    answer := mul(answer, ok)
                    scaleExp := and(c, 0xff)
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
        // Zero heartbeat: never configured, or removed.
        if (c.heartbeat == 0) revert TokenNotConfigured(token);
        uint256 answer = _read(c.feed, c.heartbeat);
        uint256 quote = address(quoteFeed) == address(0) ? 1 : _read(quoteFeed, quoteHeartbeat);
        return _scale(answer, c.scaleExp, quote, false);
    }

    /// @dev Configures the new `token` (its checks, `feeds`, its key) and writes its entry into the table being built
    /// at `table` (see `_loadTable`); returns the new key count.
    function _setFeed(uint256 table, uint256 count, address token, IAggregatorV3 feed, uint32 heartbeat)
        internal
        returns (uint256)
    {
        if (token == address(0) || address(feed) == address(0)) revert ZeroAddress();
        // Keys are never taken back, so a key means a feed now or before (`feeds` keeps a removed one).
        if (_keyPlusOne[token] != 0) revert FeedAlreadySet(token, address(feeds[token].feed));
        _checkHeartbeat(heartbeat);
        uint8 tokenDecimals = IERC20Metadata(token).decimals();
        uint8 feedDecimals = feed.decimals();
        // price36 = answer / 10^fd * 10^qd / 10^td * 1e36 / (quoteAnswer / 10^qfd)
        //         = answer * 10^(36 + qd + qfd - fd - td) / quoteAnswer
        int256 exp = 36 + int256(uint256(_quoteDecimals)) + int256(uint256(_quoteFeedDecimals))
            - int256(uint256(feedDecimals)) - int256(uint256(tokenDecimals));
        if (exp < 0 || exp > 77) revert InvalidDecimals(token, tokenDecimals, feedDecimals);
        feeds[token] = FeedConfig({feed: feed, heartbeat: heartbeat, scaleExp: uint8(uint256(exp))});
        if (count >= MAX_KEYS) revert TooManyKeys(MAX_KEYS);
        _keyPlusOne[token] = count + 1;
        _putEntry(table, count, uint256(uint160(address(feed))) << 40 | uint256(heartbeat) << 8 | uint256(exp));
        ++count;
        emit FeedSet(token, address(feed), heartbeat);
        return count;
    }

    /// @dev Allocates, in memory, the creation code of a feed table of up to `maxKeys` keys, and copies the current
    /// table's entries into it (every byte past them zero). Returns the pointer to the creation code: a 10-byte
    /// header (completed by `_storeTable`) that returns the code following it, then the table's code.
    function _loadTable(uint256 maxKeys) internal view returns (uint256 p) {
        address old = feedTable;
        assembly ("memory-safe") {
            p := mload(0x40)
            let size := add(1, mul(maxKeys, ENTRY_SIZE))
            // Copying past the end of the old code (or from an account without code) writes zeros.
            extcodecopy(old, add(p, 10), 0, size)
            // 32 bytes of slack: `_putEntry` writes whole words.
            mstore(0x40, add(add(p, 42), size))
        }
    }

    /// @dev Writes the 25-byte `entry` (`feed << 40 | heartbeat << 8 | scaleExp`) of `key` into the table at `p`.
    function _putEntry(uint256 p, uint256 key, uint256 entry) internal pure {
        assembly ("memory-safe") {
            let at := add(p, add(11, mul(key, ENTRY_SIZE)))
            mstore(at, or(shl(56, entry), and(mload(at), 0xffffffffffffff)))
        }
    }

    /// @dev Deploys the table at `p` (with `count` keys) as a new data contract and points `prices` at it.
    function _storeTable(uint256 p, uint256 count) internal {
        address table;
        assembly ("memory-safe") {
            let size := add(1, mul(count, ENTRY_SIZE))
            // PUSH2 size, DUP1, PUSH1 10, RETURNDATASIZE, CODECOPY, RETURNDATASIZE, RETURN: returns the `size` bytes
            // after these 10 as the new contract's code.
            let header := or(shl(248, 0x61), or(shl(232, size), shl(176, 0x80600a3d393df3)))
            mstore(p, or(header, and(mload(p), shr(80, not(0)))))
            table := create(0, p, add(10, size))
        }
        if (table == address(0)) revert FeedTableWriteFailed();
        (feedTable, keyCount) = (table, uint96(count));
        emit FeedTableSet(table, count);
    }

    /// @dev The 25-byte entry of `key` in `table` (which has `count` keys), right-aligned; 0 for an unknown key.
    function _entry(address table, uint256 count, uint256 key) internal view returns (uint256 e) {
        assembly ("memory-safe") {
            if lt(key, count) {
                extcodecopy(table, 0, add(1, mul(key, ENTRY_SIZE)), ENTRY_SIZE)
                e := shr(56, mload(0))
            }
        }
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
        // slither-disable-next-line unused-return -- startedAt is not needed
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
