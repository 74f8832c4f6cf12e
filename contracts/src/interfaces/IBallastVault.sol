// SPDX-License-Identifier: MIT
pragma solidity ^0.8.26;

import {IERC4626} from "@openzeppelin/contracts/interfaces/IERC4626.sol";
import {IPriceSource} from "./IPriceSource.sol";
import {ISwapAdapter} from "./ISwapAdapter.sol";
import {IChangeDelay} from "./IChangeDelay.sol";

/// @title IBallastVault
/// @notice An ERC-4626 index vault. The asset is a stablecoin; the vault holds a basket of listed ERC-20 components
/// plus the stablecoin itself (the "cash leg"), values them with oracle prices and issues index shares.
///
/// Entering: `deposit` / `mint` take the stablecoin in one transaction. New money sits in the cash leg until the keeper
/// invests it. Leaving: `withdraw` / `redeem` pay stablecoin from the cash leg; `redeemInKind` pays the exact pro-rata
/// of every component and of the cash, needs no oracle and no keeper, and works while the vault is paused.
///
/// @dev ASSUMPTIONS (as Morpho Blue states its own):
/// - The asset and every listed component are standard ERC-20s: no fee on transfer, no rebasing, no transfer hooks that
///   call back into the vault. A balance-delta probe at listing refuses fee-on-transfer tokens; rebasing cannot be seen
///   by one probe, so the owner must not list rebasing tokens. Tokens that do not return a bool are supported.
/// - Balances are tracked internally: tokens sent to the vault without going through it (donations) are ignored by NAV
///   and by in-kind redemption, so they cannot move the share price. The owner may `skim` such excess.
/// - Price sources are trusted contracts chosen by the owner (a timelock). They return a heartbeat-checked feed price
///   or a time-weighted average, never a DEX spot price, and revert when they cannot (or, in the batched `prices`,
///   answer 0 for the token they cannot price). The vault prices every held component of a source in batched calls,
///   with a fixed gas allowance per component. A source that reverts or returns
///   zero makes the vault refuse cash entries and exits (their `max*` return 0) until it recovers; `totalAssets()` never
///   reverts (invalid components are valued at zero there) and `redeemInKind` never needs a price.
/// - Amounts held per token stay below 2^128 base units: a component's accounted balance is stored in 128 bits, and a
///   trade that would book more reverts with `BalanceAboveMaximum`.
/// - ROUNDING is always in the vault's favour: NAV is rounded down for exits and up (by at most one base unit per
///   component) for entries; shares out are rounded down, shares in and assets in are rounded up.
/// - FEES are paid in vault shares to the fee recipient: the management fee streams as newly minted shares, the entry
///   fee as shares minted for the fee part of a deposit, the exit fee as a slice of the exiting shares. Every fee is
///   capped by a constant and announced by an event; `feeConfig()` returns all of them. Previews include every fee.
/// - LAGGING PRICES AND THE LEVY: an oracle price may lag the market by up to its source's `maxDeviationBps` (a
///   Chainlink answer moves only once the market has moved its deviation threshold away). Whoever enters at a price
///   below the market, or leaves at one above it, takes that gap from the holders, however long the shares are held
///   in between (an in-kind exit needs no price, so a cash entry then an in-kind exit nets the whole gap). So every
///   oracle-priced entry and exit (`deposit`, `mint`, `withdraw`, `redeem`; the redemption queue too) pays an
///   anti-dilution levy of `levyBps` that stays in the vault, and the vault enforces levy >= the `maxDeviationBps` of
///   every price source it has registered (`setLevy` refuses less, and a source admitting more cannot be registered).
///   A round trip against a lagging price then gains at most what its two levies cost. In-kind exits pay no levy.
/// - DELAYED CHANGES: once a rebalancer is set, the setters that decide who trades for the vault and at which prices
///   (`setRebalancer`, `setPriceSource`, `listComponent`, `setGuardian`) run only as scheduled through `IChangeDelay`
///   (two days, cancellable by the guardian), so holders can leave before such a change takes effect. There is no
///   vault-level adapter allow-list: the rebalancer's (itself behind the delay) is the one that counts, and whatever
///   a rebalancer does is bounded by its loss caps.
/// - SHARE LOCK: shares minted by a deposit stay locked for `shareLockPeriod` (capped by a constant) so nobody can enter
///   and leave in the same block. Locked shares cannot be redeemed (in any way) or transferred. Only the
///   newly minted amount is locked, in one of two buckets: shares the owner deposited itself, and shares others
///   deposited for it. Only the owner extends a lock: its own deposits re-lock its own bucket; a deposit by anyone
///   else for it is refused (`GiftedSharesLocked`) while shares others deposited for it are still locked, and locks
///   only its new shares otherwise. So nobody can lock, or keep locked, shares of another that are unlocked. (ERC-4626's
///   `maxDeposit(receiver)` cannot see the caller: an intermediary depositing for a receiver within the period of its
///   previous deposit for it gets `GiftedSharesLocked`, with the time it may retry.)
/// - IN-KIND TRANSFERS: each component transfer of `redeemInKind` gets a fixed gas allowance (`VaultMath.TRANSFER_GAS`,
///   200,000); a token that fails or burns it is kept for the receiver to claim (`claimOwed`) instead of blocking the
///   exit. The caller must leave that allowance (plus 1/63) available at each transfer, or the exit reverts with
///   `InsufficientGasForTransfer` rather than defer a transfer that it starved.
interface IBallastVault is IERC4626, IChangeDelay {
    /*//////////////////////////////////////////////////////////////
                                  TYPES
    //////////////////////////////////////////////////////////////*/

    /// @notice A listed basket component, as returned by `components()`.
    /// @param token The ERC-20 token.
    /// @param source The price source valuing it.
    /// @param decimals The token's decimals, read at listing.
    /// @param targetWeight The target share of NAV, in WAD (1e18 = 100%).
    /// @param balance The amount the vault accounts for (donations excluded).
    struct ComponentView {
        address token;
        address source;
        uint8 decimals;
        uint64 targetWeight;
        uint256 balance;
    }

    /// @notice Every fee parameter, as returned by `feeConfig()`.
    /// @param recipient Receives every fee, as vault shares.
    /// @param managementFeeWad Annual management fee in WAD (0.01e18 = 1% a year), streamed as minted shares.
    /// @param entryFeeBps Entry fee in basis points of the deposited assets.
    /// @param exitFeeBps Exit fee in basis points of the exiting shares (every exit path, in kind included).
    /// @param levyBps Anti-dilution levy in basis points, on cash entries (of the assets) and cash exits (of the
    /// shares), kept by the vault for its holders; at least every registered source's `maxDeviationBps`.
    /// @param lastAccrual Timestamp up to which the management fee has been minted.
    struct FeeConfig {
        address recipient;
        uint64 managementFeeWad;
        uint16 entryFeeBps;
        uint16 exitFeeBps;
        uint16 levyBps;
        uint40 lastAccrual;
    }

    /*//////////////////////////////////////////////////////////////
                                 ERRORS
    //////////////////////////////////////////////////////////////*/

    /// @notice The caller is not the owner, guardian or keeper the function requires.
    error Unauthorized(address caller);
    /// @notice A zero address was given where one is required.
    error ZeroAddress();
    /// @notice A zero amount was given, or an action would produce zero shares or assets.
    error ZeroAmount();
    /// @notice Deposits (and mints) are paused by the guardian or owner.
    error DepositsPaused();
    /// @notice The price of `token` from `source` is stale, zero or otherwise invalid; cash entries and exits wait.
    error InvalidPrice(address token, address source);
    /// @notice A deposit of `assets` is below the minimum deposit `minimum`.
    error DepositBelowMinimum(uint256 assets, uint256 minimum);
    /// @notice A deposit of `assets` for `receiver` exceeds what the deposit cap allows (`max`).
    error ExceededMaxDeposit(address receiver, uint256 assets, uint256 max);
    /// @notice A mint of `shares` for `receiver` exceeds what the deposit cap allows (`max`).
    error ExceededMaxMint(address receiver, uint256 shares, uint256 max);
    /// @notice A withdrawal of `assets` for `owner` exceeds `max` (unlocked shares, or cash available).
    error ExceededMaxWithdraw(address owner, uint256 assets, uint256 max);
    /// @notice A redemption of `shares` for `owner` exceeds `max` (unlocked shares, or cash available).
    error ExceededMaxRedeem(address owner, uint256 shares, uint256 max);
    /// @notice The shares out (`shares`) are fewer than the caller's minimum (`minShares`).
    error SharesBelowMinimum(uint256 shares, uint256 minShares);
    /// @notice The shares in (`shares`) are more than the caller's maximum (`maxShares`).
    error SharesAboveMaximum(uint256 shares, uint256 maxShares);
    /// @notice The assets out (`assets`) are fewer than the caller's minimum (`minAssets`).
    error AssetsBelowMinimum(uint256 assets, uint256 minAssets);
    /// @notice The assets in (`assets`) are more than the caller's maximum (`maxAssets`).
    error AssetsAboveMaximum(uint256 assets, uint256 maxAssets);
    /// @notice `owner` tried to move `shares` but only `unlocked` are free; the rest unlock at `unlockAt`.
    error SharesLocked(address owner, uint256 shares, uint256 unlocked, uint256 unlockAt);
    /// @notice A deposit for `receiver` by another address would extend the lock of shares others deposited for it,
    /// locked until `unlockAt`: only `receiver` may deposit for itself until then.
    error GiftedSharesLocked(address receiver, uint256 unlockAt);
    /// @notice `token` is already listed.
    error AlreadyListed(address token);
    /// @notice `token` is not a listed component.
    error NotListed(address token);
    /// @notice `token` cannot be listed: it is the asset, has no code, or its decimals are unreadable or above 36.
    error InvalidToken(address token);
    /// @notice Listing would exceed `max` components.
    error TooManyComponents(uint256 max);
    /// @notice Registering `source` would exceed `max` distinct price sources.
    error TooManySources(uint256 max);
    /// @notice The probe transfer of `sent` of `token` moved `received` instead: fee-on-transfer tokens are refused.
    error TransferAmountMismatch(address token, uint256 sent, uint256 received);
    /// @notice `source` prices in `quote`, not in the vault's asset.
    error QuoteAssetMismatch(address source, address quote);
    /// @notice `token` cannot be delisted while the vault holds `balance` of it or targets `weight` for it.
    error ComponentNotEmpty(address token, uint256 balance, uint64 weight);
    /// @notice Target weights must be one per component (`expected`), got `actual`.
    error WeightsLengthMismatch(uint256 expected, uint256 actual);
    /// @notice Target weights (cash included) sum to `sum` instead of exactly 1e18.
    error WeightsSumMismatch(uint256 sum);
    /// @notice A fee parameter `value` is above its cap `max`.
    error FeeAboveCap(uint256 value, uint256 max);
    /// @notice `source` admits prices `deviationBps` away from the market, above the levy `levyBps`.
    error LevyBelowDeviation(address source, uint256 deviationBps, uint256 levyBps);
    /// @notice A share lock of `period` seconds is above the cap `max`.
    error ShareLockAboveCap(uint256 period, uint256 max);
    /// @notice `owner` has no deferred in-kind amount of `token` to claim.
    error NothingOwed(address owner, address token);
    /// @notice Rebalancing is paused by the guardian or owner.
    error RebalancingPaused();
    /// @notice A trade needs `wanted` of `token` but the vault accounts for only `available`.
    error InsufficientBalance(address token, uint256 available, uint256 wanted);
    /// @notice A trade sells and buys the same token `token`.
    error SameToken(address token);
    /// @notice A trade through `adapter` returned `received`, below the bound `minAmountOut`.
    error TradeOutputTooLow(address adapter, uint256 received, uint256 minAmountOut);
    /// @notice The adapter took `spent` of the input token, more than the `amountIn` it was given.
    error TradeInputMismatch(address adapter, uint256 amountIn, uint256 spent);
    /// @notice The listing probe `probe` is below the minimum `minimum` (a small probe could hide a transfer fee).
    error ProbeTooSmall(uint256 probe, uint256 minimum);
    /// @notice The seed deposit `seed` is below the minimum `minimum`.
    error SeedTooSmall(uint256 seed, uint256 minimum);
    /// @notice Booking `balance` of `token` would exceed `max` (2^128 - 1), the most a component's accounted balance
    /// can be.
    error BalanceAboveMaximum(address token, uint256 balance, uint256 max);

    /*//////////////////////////////////////////////////////////////
                                 EVENTS
    //////////////////////////////////////////////////////////////*/

    /// @notice The rebalancer (the contract allowed to trade and to set targets) changed.
    event RebalancerSet(address indexed rebalancer);
    /// @notice `amountIn` of `tokenIn` was swapped for `amountOut` of `tokenOut` through `adapter`.
    event Trade(
        address indexed adapter, address indexed tokenIn, address indexed tokenOut, uint256 amountIn, uint256 amountOut
    );
    /// @notice `token` was listed with price source `source`.
    event ComponentListed(address indexed token, address indexed source, uint8 decimals);
    /// @notice `token` was delisted.
    event ComponentDelisted(address indexed token);
    /// @notice The price source of `token` changed to `source`.
    event PriceSourceSet(address indexed token, address indexed source);
    /// @notice New target weights were set (one per component in `components()` order, then cash).
    event TargetWeightsSet(uint64[] weights, uint64 cashWeight);
    /// @notice Fee rates changed.
    event FeesSet(uint64 managementFeeWad, uint16 entryFeeBps, uint16 exitFeeBps);
    /// @notice The anti-dilution levy changed.
    event LevySet(uint16 levyBps);
    /// @notice The fee recipient changed.
    event FeeRecipientSet(address indexed recipient);
    /// @notice `shares` were minted to `recipient` as management fee for `elapsed` seconds.
    event ManagementFeeAccrued(address indexed recipient, uint256 shares, uint256 elapsed);
    /// @notice An entry or exit fee of `shares` went to `recipient` (`entry` tells which).
    event TransactionFeeCharged(address indexed recipient, address indexed payer, uint256 shares, bool entry);
    /// @notice The deposit cap and minimum deposit changed.
    event DepositLimitsSet(uint256 depositCap, uint256 minDeposit);
    /// @notice The share lock period changed.
    event ShareLockPeriodSet(uint256 period);
    /// @notice `shares` of `owner` are locked until `unlockAt`.
    event SharesLockedUntil(address indexed owner, uint256 shares, uint256 unlockAt);
    /// @notice The guardian changed.
    event GuardianSet(address indexed guardian);
    /// @notice Deposits were paused or unpaused by `by`.
    event DepositsPausedSet(address indexed by, bool paused);
    /// @notice Rebalancing was paused or unpaused by `by`.
    event RebalancingPausedSet(address indexed by, bool paused);
    /// @notice `owner` redeemed `shares` in kind for `receiver`; `cash` of the asset and each component's pro-rata.
    event RedeemInKind(
        address indexed caller, address indexed receiver, address indexed owner, uint256 shares, uint256 cash
    );
    /// @notice `amount` of `token` was paid in kind to `receiver`.
    event InKindTransfer(address indexed token, address indexed receiver, uint256 amount);
    /// @notice The in-kind transfer of `amount` of `token` to `receiver` failed; it is kept for `receiver` to claim.
    event InKindTransferDeferred(address indexed token, address indexed receiver, uint256 amount);
    /// @notice `creditor` claimed a deferred in-kind `amount` of `token`, paid to `to`.
    event OwedClaimed(address indexed token, address indexed creditor, address to, uint256 amount);
    /// @notice `amount` of `token` held beyond the vault's accounting was sent to `to`.
    event Skimmed(address indexed token, address indexed to, uint256 amount);

    /*//////////////////////////////////////////////////////////////
                            ENTRY AND EXIT
    //////////////////////////////////////////////////////////////*/

    /// @notice `deposit` with a floor on the shares received (EIP-5143 style).
    /// @dev Reverts with `SharesBelowMinimum` if fewer than `minShares` would be minted.
    function deposit(uint256 assets, address receiver, uint256 minShares) external returns (uint256 shares);

    /// @notice `deposit` from a wallet in ONE transaction: applies the caller's ERC-2612 permit for `assets`, then
    /// deposits with a floor of `minShares`.
    /// @dev A permit that fails (already used, say, by someone who front-ran it) is ignored; the deposit then relies on
    /// the existing allowance and reverts with the token's allowance error if there is none.
    function depositWithPermit(
        uint256 assets,
        address receiver,
        uint256 minShares,
        uint256 deadline,
        uint8 v,
        bytes32 r,
        bytes32 s
    ) external returns (uint256 shares);

    /// @notice `mint` with a ceiling on the assets paid (EIP-5143 style).
    /// @dev Reverts with `AssetsAboveMaximum` if more than `maxAssets` would be taken.
    function mint(uint256 shares, address receiver, uint256 maxAssets) external returns (uint256 assets);

    /// @notice `withdraw` with a ceiling on the shares burned (EIP-5143 style).
    /// @dev Reverts with `SharesAboveMaximum` if more than `maxShares` would be taken from `owner`.
    function withdraw(uint256 assets, address receiver, address owner, uint256 maxShares)
        external
        returns (uint256 shares);

    /// @notice `redeem` with a floor on the assets paid (EIP-5143 style).
    /// @dev Reverts with `AssetsBelowMinimum` if fewer than `minAssets` would be paid.
    function redeem(uint256 shares, address receiver, address owner, uint256 minAssets)
        external
        returns (uint256 assets);

    /// @notice Redeems `shares` of `owner` for the exact pro-rata of every component and of the cash leg.
    /// @dev Needs no oracle and no keeper and works while paused. The exit fee applies. Each amount is rounded down.
    /// A component transfer that fails (a token that blocks the receiver, say) does not block the rest: that amount is
    /// kept for `receiver` to claim with `claimOwed`.
    /// @return amounts The amount of each component paid, in `components()` order.
    /// @return cash The amount of the asset paid.
    function redeemInKind(uint256 shares, address receiver, address owner)
        external
        returns (uint256[] memory amounts, uint256 cash);

    /// @notice Claims, to `to`, an in-kind amount of `token` whose transfer to the caller failed during
    /// `redeemInKind` (a receiver blocked by the token for good can have it paid to another address).
    function claimOwed(address token, address to) external returns (uint256 amount);

    /*//////////////////////////////////////////////////////////////
                                 VIEWS
    //////////////////////////////////////////////////////////////*/

    /// @notice Net asset value, rounded down, with every component priced. `valid` is false when a price is
    /// unavailable (that component then counts as zero, and `invalidToken` names the first such token).
    function nav() external view returns (uint256 assets, bool valid, address invalidToken);

    /// @notice Every listed component, in index order.
    function components() external view returns (ComponentView[] memory);

    /// @notice The number of listed components.
    function componentCount() external view returns (uint256);

    /// @notice The stablecoin held by the vault (the cash leg), as accounted for.
    function cash() external view returns (uint256);

    /// @notice The target weight of the cash leg, in WAD.
    function cashTargetWeight() external view returns (uint64);

    /// @notice Every fee parameter.
    function feeConfig() external view returns (FeeConfig memory);

    /// @notice Shares the management fee would mint if accrued now.
    function pendingManagementFeeShares() external view returns (uint256);

    /// @notice Shares of `owner` that are locked now, and when they unlock.
    function lockedShares(address owner) external view returns (uint256 shares, uint256 unlockAt);

    /// @notice A deferred in-kind amount of `token` that `owner` may claim.
    function owed(address owner, address token) external view returns (uint256);

    /// @notice The deposit cap (on total assets after the deposit) and the minimum deposit, in asset base units.
    function depositLimits() external view returns (uint256 depositCap, uint256 minDeposit);

    /// @notice Seconds newly minted shares stay locked.
    function shareLockPeriod() external view returns (uint256);

    /// @notice Whether deposits are paused.
    function depositsPaused() external view returns (bool);

    /// @notice Whether rebalancing is paused.
    function rebalancingPaused() external view returns (bool);

    /// @notice The guardian: may pause deposits and rebalancing; can never block `redeemInKind`.
    function guardian() external view returns (address);

    /// @notice The rebalancer contract: the only address that may trade (`executeTrade`) and set target weights besides
    /// the owner. It bounds what a keeper can do (oracle-derived minimum outputs, loss and turnover caps, bands).
    function rebalancer() external view returns (address);

    /// @notice The component `token`: its accounted balance, target weight (WAD) and price source.
    function component(address token) external view returns (uint256 balance, uint64 targetWeight, address source);

    /*//////////////////////////////////////////////////////////////
                               REBALANCING
    //////////////////////////////////////////////////////////////*/

    /// @notice Sells `amountIn` of `tokenIn` for at least `minAmountOut` of `tokenOut` through `adapter`. Rebalancer
    /// only; refused while rebalancing is paused. Each side is the asset or a listed component. The vault sends the input
    /// to the adapter, calls it, and books what its own balances show: the input that left (at most `amountIn`) and the
    /// output that arrived (at least `minAmountOut`). Nothing else can leave the vault this way.
    /// @return amountOut The amount of `tokenOut` received.
    function executeTrade(
        ISwapAdapter adapter,
        address tokenIn,
        address tokenOut,
        uint256 amountIn,
        uint256 minAmountOut,
        bytes calldata route
    ) external returns (uint256 amountOut);

    /*//////////////////////////////////////////////////////////////
                             ADMINISTRATION
    //////////////////////////////////////////////////////////////*/

    /// @notice Lists `token` priced by `source`. Owner only; delayed (`IChangeDelay`) once a rebalancer is set.
    /// @dev Probes the token with a transfer of `probeAmount` (at least `MIN_PROBE_AMOUNT`) from the caller and back
    /// (the caller must approve it): a token that delivers a different amount is refused. The new component's target weight is zero.
    /// `source` must quote in the asset, give the token a key (`IPriceSource.priceKey`, kept by the vault) and price
    /// it now through `IPriceSource.prices`; otherwise the call reverts with `InvalidPrice`.
    function listComponent(address token, IPriceSource source, uint256 probeAmount) external;

    /// @notice Delists `token`, which must have no balance and a zero target weight. Owner only.
    function delistComponent(address token) external;

    /// @notice Changes the price source of `token`. Owner only; delayed (`IChangeDelay`) once a rebalancer is set. The
    /// new source must price it now (as in `listComponent`), and its `maxDeviationBps` must not exceed the levy.
    function setPriceSource(address token, IPriceSource source) external;

    /// @notice Sets target weights (one per component in `components()` order) and the cash weight; they must sum to
    /// exactly 1e18. Owner or rebalancer (the keeper posts targets through the rebalancer's epochs).
    function setTargetWeights(uint64[] calldata weights, uint64 cashWeight) external;

    /// @notice Sets the fee rates, each capped. Accrues the management fee at the old rate first. Owner only.
    function setFees(uint64 managementFeeWad, uint16 entryFeeBps, uint16 exitFeeBps) external;

    /// @notice Sets the anti-dilution levy (see the contract-level note), capped by `MAX_LEVY_BPS`. Owner only.
    /// @dev Reverts with `LevyBelowDeviation` below the `maxDeviationBps` of any source the vault has registered
    /// (sources replaced since count too: the check is conservative).
    function setLevy(uint16 levyBps) external;

    /// @notice Sets the fee recipient. Accrues the management fee to the old recipient first. Owner only.
    function setFeeRecipient(address recipient) external;

    /// @notice Sets the deposit cap and the minimum deposit. Owner only.
    function setDepositLimits(uint256 depositCap, uint256 minDeposit) external;

    /// @notice Sets the share lock period, capped. Owner only.
    function setShareLockPeriod(uint256 period) external;

    /// @notice Sets the guardian. Owner only; delayed (`IChangeDelay`) once a rebalancer is set.
    function setGuardian(address guardian) external;

    /// @notice Sets the rebalancer contract. Owner only. The first call turns the change delay on for good; every
    /// later one is delayed (`IChangeDelay`).
    function setRebalancer(address rebalancer) external;

    /// @notice Pauses or unpauses deposits and mints. Guardian or owner.
    function setDepositsPaused(bool paused) external;

    /// @notice Pauses or unpauses rebalancing. Guardian or owner.
    function setRebalancingPaused(bool paused) external;

    /// @notice Accrues the management fee now. Anyone.
    function accrueManagementFee() external;

    /// @notice Sends `token` held beyond the vault's accounting (donations) to `to`. Owner only.
    function skim(address token, address to) external returns (uint256 amount);
}
