// SPDX-License-Identifier: MIT
pragma solidity ^0.8.26;

import {IBallastVault} from "./IBallastVault.sol";
import {IBallastRebalancer} from "./IBallastRebalancer.sol";

/// @title IBallastLens
/// @notice Reads an index's WHOLE state in ONE call: the vault, every component priced, its rebalancer and its
/// redemption queue, as of one block. A keeper or an app makes one `eth_call` of `indexState(vault)` instead of a
/// sequence of reads, which also cannot straddle two blocks.
///
/// @dev USABLE WITHOUT DEPLOYMENT: the lens has no constructor, no constructor arguments, no storage and no immutables,
/// and never reads its own address, so its runtime code works at ANY address. A client may `eth_call` it with a state
/// override that places the runtime bytecode (`type(BallastLens).runtimeCode`, the artifact's `deployedBytecode`) at an
/// arbitrary address (for example `address(uint160(uint256(keccak256("BallastLens"))))`) and call that address; no
/// transaction is ever needed. A deployed copy works the same way.
///
/// WHAT IS TRUSTED: the vault, its asset, its rebalancer and the rebalancer's queue are the contracts the vault's owner
/// set; the lens calls their views directly and reverts if they do. Components and price sources are not trusted:
/// - a component's `symbol()` gets `SYMBOL_GAS`, at most `MAX_SYMBOL_LENGTH` bytes are copied, and any failure (revert,
///   out of gas, malformed or longer answer) gives an empty symbol; a `bytes32` answer (as some old tokens return) is
///   read up to its first zero byte;
/// - a component's price is `source.price(token)` called with `VaultMath.PRICE_GAS` and at most 32 bytes of answer
///   copied, as the vault's own single-price calls (`VaultMath.tryPrice`); a revert, an exhausted allowance, a short
///   answer, zero or a price above `VaultMath.MAX_PRICE` gives `price = 0` and `priceValid = false`.
/// So no token or source can make the lens revert or burn more than its fixed allowance.
///
/// GAS: about one NAV computation (the vault's `nav()`) plus one more for the share price and one per non-empty queue
/// batch (`previewRedeem`), and one bounded `price` call per component. Each bounded call needs its allowance (plus
/// 1/63) to be available when it is made: a caller that sends too little gas gets a revert
/// (`VaultMath.InsufficientGasForPrice`, `InsufficientGasForSymbol`), never a price or symbol wrongly reported as
/// failed. The call at 100 components is measured in `snapshots/BallastLens.json` (well inside a node's default
/// `eth_call` gas cap of 50M).
interface IBallastLens {
    /*//////////////////////////////////////////////////////////////
                                  TYPES
    //////////////////////////////////////////////////////////////*/

    /// @notice An index's whole state, as returned by `indexState`.
    /// @param blockNumber The block the state was read at.
    /// @param timestamp That block's timestamp (fee accrual and every schedule are relative to it).
    /// @param vault The vault's own state.
    /// @param components Every listed component, in the vault's `components()` order.
    /// @param rebalancer The rebalancer's state; all zero when the vault has none (see `RebalancerState`).
    /// @param queue The redemption queue's state; all zero when there is none (see `QueueState`).
    struct IndexState {
        uint256 blockNumber;
        uint256 timestamp;
        VaultState vault;
        ComponentState[] components;
        RebalancerState rebalancer;
        QueueState queue;
    }

    /// @notice The vault's state.
    /// @param vault The vault.
    /// @param asset Its asset, the stablecoin of the cash leg (`asset()`).
    /// @param decimals The share token's decimals (`decimals()`).
    /// @param assetDecimals The asset's decimals (`IERC20Metadata(asset).decimals()`).
    /// @param nav Net asset value, rounded down, in asset base units (`nav().assets`); a component whose price is
    /// unavailable counts as zero in it.
    /// @param navValid Whether every held component was priced (`nav().valid`). Cash entries and exits wait while it is
    /// false, and `sharePrice` and the queue's `cashNeeded` are then 0.
    /// @param firstInvalidToken The first component whose price is unavailable (`nav().invalidToken`; zero when valid).
    /// @param totalSupply The share supply (`totalSupply()`), without the pending management fee.
    /// @param pendingManagementFeeShares Shares the management fee would mint if accrued now
    /// (`pendingManagementFeeShares()`); every conversion counts them in the supply.
    /// @param sharePrice Asset base units per 1e18 share base units (one whole share), rounded down:
    /// `convertToAssets(1e18)`, and 0 when `navValid` is false (`convertToAssets` does not revert then: it would value
    /// the unpriced component at zero).
    /// @param cash The accounted cash leg (`cash()`).
    /// @param cashTargetWeight The cash leg's target weight, WAD (`cashTargetWeight()`).
    /// @param cashWeight The cash leg's weight now: `cash * 1e18 / nav`, rounded down (0 when `nav` is 0).
    /// @param fees Every fee parameter (`feeConfig()`).
    /// @param depositCap The cap on total assets after a deposit, in asset base units (`depositLimits()`;
    /// `type(uint128).max`: no cap).
    /// @param minDeposit The minimum deposit, in asset base units (`depositLimits()`).
    /// @param shareLockPeriod Seconds newly minted shares stay locked (`shareLockPeriod()`).
    /// @param depositsPaused Whether deposits and mints are paused (`depositsPaused()`).
    /// @param rebalancingPaused Whether rebalancing trades are paused (`rebalancingPaused()`).
    /// @param guardian The guardian (`guardian()`).
    /// @param rebalancer The rebalancer (`rebalancer()`; zero when none).
    /// @param owner The owner (`owner()`).
    struct VaultState {
        address vault;
        address asset;
        uint8 decimals;
        uint8 assetDecimals;
        uint256 nav;
        bool navValid;
        address firstInvalidToken;
        uint256 totalSupply;
        uint256 pendingManagementFeeShares;
        uint256 sharePrice;
        uint256 cash;
        uint64 cashTargetWeight;
        uint256 cashWeight;
        IBallastVault.FeeConfig fees;
        uint256 depositCap;
        uint256 minDeposit;
        uint256 shareLockPeriod;
        bool depositsPaused;
        bool rebalancingPaused;
        address guardian;
        address rebalancer;
        address owner;
    }

    /// @notice One listed component, priced.
    /// @param token The ERC-20 token.
    /// @param symbol Its `symbol()`, read with a fixed gas allowance; empty when it fails (see the contract note).
    /// @param decimals Its decimals, as the vault read them at listing (`components()`).
    /// @param source Its price source (`components()`).
    /// @param balance The amount the vault accounts for, donations excluded (`components()`).
    /// @param price The value of one base unit in asset base units, times 1e36: `source.price(token)`, called with a
    /// fixed gas allowance; 0 when the call fails or answers 0 or above `VaultMath.MAX_PRICE`.
    /// @param priceValid Whether `price` is valid. The vault prices through the batched `prices`, and only held
    /// components, so a source whose two answers disagree, or an invalid price of a component with no balance, can make
    /// this differ from the vault's `navValid`.
    /// @param value `balance * price / 1e36`, rounded down, as the vault values it (0 when the price is invalid).
    /// @param weight The weight now: `value * 1e18 / nav`, rounded down, WAD (0 when `nav` is 0). Against the reported
    /// NAV, which counts unpriced components as zero, so meaningful only when `navValid`.
    /// @param targetWeight The target weight, WAD (`components()`).
    struct ComponentState {
        address token;
        string symbol;
        uint8 decimals;
        address source;
        uint256 balance;
        uint256 price;
        bool priceValid;
        uint256 value;
        uint256 weight;
        uint64 targetWeight;
    }

    /// @notice The rebalancer's state. All zero when the vault has no rebalancer, or when its rebalancer is an address
    /// without code (the vault accepts any address; an account that trades by hand has no epochs): check `rebalancer`.
    /// @param rebalancer The rebalancer read (zero: none; the rest is then zero).
    /// @param keeper The keeper (`keeper()`).
    /// @param config The configuration (`config()`).
    /// @param regime The current regime (`regime()`).
    /// @param lastRegimeSwitch When the regime last switched (`regime()`; 0 if never).
    /// @param nextRegimeSwitchAllowed The first time the keeper may switch the regime: `lastRegimeSwitch +
    /// config.minDwell`, and 0 if it never switched (allowed now). The guardian may force risk-off at any time.
    /// @param nextRebalanceDue When the next scheduled rebalance is due (`nextRebalanceDue()`; in the past when
    /// overdue).
    /// @param epoch The latest epoch, open or closed (`currentEpoch()`).
    /// @param windowLossUsedWad The rolling-window loss budget used now, WAD (`windowLoss().usedWad`).
    /// @param windowLossCapWad The budget's cap, WAD (`windowLoss().capWad`).
    /// @param callBase The base an `executeTrades` call would measure its bounds against now, when an epoch is open:
    /// `epoch.navAtOpen * min(1, totalSupply / epoch.supplyAtOpen)`, rounded down, as the rebalancer computes it (see
    /// `IBallastRebalancer`); 0 when no epoch is open.
    struct RebalancerState {
        address rebalancer;
        address keeper;
        IBallastRebalancer.Config config;
        IBallastRebalancer.Regime regime;
        uint256 lastRegimeSwitch;
        uint256 nextRegimeSwitchAllowed;
        uint256 nextRebalanceDue;
        IBallastRebalancer.Epoch epoch;
        uint256 windowLossUsedWad;
        uint256 windowLossCapWad;
        uint256 callBase;
    }

    /// @notice One batch of queued redemptions.
    /// @param epochId The epoch whose closing settles it (0 in `QueueState.current` when no epoch is open).
    /// @param shares Shares waiting in it (`pendingShares(epochId)`).
    /// @param cashNeeded What redeeming them pays now, exit fee included: `vault.previewRedeem(shares)`, which is what
    /// `closeEpoch` requires in cash for the batch. 0 when `shares` is 0 or when it cannot be computed (see
    /// `cashNeededValid`).
    /// @param cashNeededValid False when `cashNeeded` could not be computed: the vault's NAV is invalid (its
    /// `previewRedeem` then reverts, and so would `closeEpoch`). True otherwise, also for an empty batch.
    struct BatchState {
        uint64 epochId;
        uint256 shares;
        uint256 cashNeeded;
        bool cashNeededValid;
    }

    /// @notice The redemption queue's state (the rebalancer's `redemptionQueue()`). All zero when there is none.
    /// @param queue The queue (zero: none; the rest is then zero).
    /// @param current The batch of the open epoch, fixed since it opened; all zero when no epoch is open.
    /// @param next The batch new requests join now: that of the epoch after the latest one.
    struct QueueState {
        address queue;
        BatchState current;
        BatchState next;
    }

    /*//////////////////////////////////////////////////////////////
                                 ERRORS
    //////////////////////////////////////////////////////////////*/

    /// @notice Fewer than `needed` gas units are left (`left`) to give a `symbol()` call its full allowance: the caller
    /// must send more gas (rather than have a symbol reported as failed because the caller starved it).
    error InsufficientGasForSymbol(uint256 left, uint256 needed);
    /// @notice `vault` reports more asset decimals (`assetDecimals`) than share decimals (`decimals`), so its virtual
    /// shares cannot be derived; a `BallastVault` never does (its share decimals are always 18).
    error DecimalsBelowAsset(address vault, uint8 decimals, uint8 assetDecimals);

    /*//////////////////////////////////////////////////////////////
                                 VIEWS
    //////////////////////////////////////////////////////////////*/

    /// @notice The whole state of the index `vault`, as of the current block. Never reverts because of a component or a
    /// price source (see the contract note); reverts only if the vault, its asset, rebalancer or queue does, or if the
    /// caller sends too little gas.
    function indexState(IBallastVault vault) external view returns (IndexState memory state);

    /// @notice What `vault.redeemInKind(shares, ...)` would pay now, exit fee included: the same result as the vault's
    /// own `previewRedeemInKind(shares)`, computed only from its public views (components' balances, `cash()`,
    /// `totalSupply() + pendingManagementFeeShares()`, `feeConfig().exitFeeBps` and the virtual shares
    /// `10 ** (decimals() - asset decimals)`), so the vault's own function may be removed. Needs no price.
    /// @dev With `net = shares - ceil(shares * exitFeeBps / 10_000)`, each amount is
    /// `floor(balance * net / (supply + pendingFeeShares + virtualShares))`, as the vault rounds.
    /// @return amounts The amount of each component, in `components()` order.
    /// @return cash The amount of the asset.
    function previewRedeemInKind(IBallastVault vault, uint256 shares)
        external
        view
        returns (uint256[] memory amounts, uint256 cash);
}
