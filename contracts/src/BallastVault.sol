// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IERC20Metadata} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Metadata.sol";
import {IERC20Permit} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Permit.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {Ownable, Ownable2Step} from "@openzeppelin/contracts/access/Ownable2Step.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";

import {IERC4626} from "@openzeppelin/contracts/interfaces/IERC4626.sol";
import {IBallastVault} from "./interfaces/IBallastVault.sol";
import {IPriceSource} from "./interfaces/IPriceSource.sol";
import {ISwapAdapter} from "./interfaces/ISwapAdapter.sol";
import {VaultMath, WAD, BPS, PRICE_SCALE} from "./libraries/VaultMath.sol";
import {ChangeDelay} from "./utils/ChangeDelay.sol";

/// @title BallastVault
/// @notice ERC-4626 index vault over a stablecoin: a basket of listed components plus a cash leg, valued by oracles.
/// @dev See `IBallastVault` for the behaviour and the assumptions on tokens and oracles. Every state-changing entry
/// point reads the same way: checks, fee accrual, NAV, state update, event, token transfers last.
contract BallastVault is IBallastVault, ERC20, Ownable2Step, ReentrancyGuardTransient, ChangeDelay {
    using SafeERC20 for IERC20;
    using Math for uint256;
    using SafeCast for uint256;

    /*//////////////////////////////////////////////////////////////
                               CONSTANTS
    //////////////////////////////////////////////////////////////*/

    /// @notice Most components the vault can list.
    uint256 internal constant MAX_COMPONENTS = 256;
    /// @notice Most distinct price sources (a source may serve many tokens).
    uint256 internal constant MAX_SOURCES = 256;
    /// @notice Cap of the annual management fee: 5% a year.
    uint64 public constant MAX_MANAGEMENT_FEE_WAD = 0.05e18;
    /// @notice Cap of the entry fee: 1%.
    uint16 public constant MAX_ENTRY_FEE_BPS = 100;
    /// @notice Cap of the exit fee: 1%.
    uint16 public constant MAX_EXIT_FEE_BPS = 100;
    /// @notice Cap on the anti-dilution levy (3%).
    uint16 public constant MAX_LEVY_BPS = 300;
    /// @notice Cap of the share lock after a deposit.
    uint32 public constant MAX_SHARE_LOCK = 1 days;
    /// @notice Smallest listing probe, in token base units: large enough that any fee of 1 bps or more shows.
    uint256 public constant MIN_PROBE_AMOUNT = 10_000;
    /// @notice Smallest seed deposit accepted at deployment, in asset base units.
    uint256 internal constant MIN_SEED_ASSETS = 1000;
    /// @notice Receives the seed shares, which nobody can ever redeem: the vault is never empty.
    address internal constant SEED_SHARES_HOLDER = address(0xdEaD);

    uint256 internal constant SECONDS_PER_YEAR = 365 days;
    // For inline assembly, which takes only literal constants: `VaultMath.PRICE_BATCH`, `VaultMath.BATCH_HEAD`, and the
    // masks of a component slot's balance and target weight.
    uint256 internal constant PRICE_BATCH = 16;
    uint256 internal constant BATCH_HEAD = 0x44;
    uint256 internal constant BALANCE_MASK = 0xffffffffffffffffffffffffffffffff;
    uint256 internal constant WEIGHT_MASK = 0xffffffffffffffff00000000000000000000000000000000;

    /*//////////////////////////////////////////////////////////////
                                STORAGE
    //////////////////////////////////////////////////////////////*/

    /// @dev One component, one storage slot: all that a NAV computation reads (the balance, the source and the
    /// source-local price key) is in it, so valuing a component costs one vault slot. The token's address is kept apart
    /// in `_tokens`, read only by transfers, listing and views. Layout (low bits first), relied on by `_nav`: balance
    /// (bits 0-127), target weight (128-191), decimals (192-199), source id (200-207), price key (208-255).
    struct Component {
        uint128 balance;
        uint64 targetWeight;
        uint8 decimals;
        uint8 sourceId;
        uint48 priceKey;
    }

    /// @dev Shares minted by deposits, locked in two buckets: those the owner deposited itself (`own`) and those others
    /// deposited for it (`gifted`). Only the owner's own deposits extend a bucket (its own); others may add to the
    /// gifted bucket only once it has unlocked, so nobody can keep another's shares locked by depositing dust for them.
    struct Lock {
        uint96 own;
        uint32 ownUntil;
        uint96 gifted;
        uint32 giftedUntil;
    }

    IERC20 internal immutable _asset;
    uint8 internal immutable _assetDecimals;
    uint8 internal immutable _decimalsOffset;
    uint256 internal immutable _virtualShares;

    Component[] internal _components;
    /// @dev The token of each component, in the order of `_components`.
    address[] internal _tokens;
    mapping(address token => uint256) internal _indexPlusOne;
    IPriceSource[] internal _sources;
    mapping(address source => uint256) internal _sourceIdPlusOne;

    uint256 internal _cash;

    address internal _feeRecipient;
    uint40 internal _lastAccrual;
    uint16 internal _entryFeeBps;
    uint16 internal _exitFeeBps;
    uint16 internal _levyBps;

    uint64 internal _managementFeeWad;
    uint64 internal _cashTargetWeight;
    uint32 internal _shareLockPeriod;
    bool internal _depositsPaused;
    bool internal _rebalancingPaused;

    uint128 internal _depositCap;
    uint128 internal _minDeposit;

    address internal _guardian;
    /// @dev Set by the first `setRebalancer`; from then on the delayed setters need a schedule, for good.
    bool internal _wired;
    address internal _rebalancer;

    mapping(address owner => Lock) internal _locks;
    mapping(address owner => mapping(address token => uint256)) internal _owed;
    mapping(address token => uint256) internal _totalOwed;

    /*//////////////////////////////////////////////////////////////
                              CONSTRUCTOR
    //////////////////////////////////////////////////////////////*/

    /// @notice Deployment parameters.
    /// @param asset The stablecoin (decimals up to 18).
    /// @param name The share token's name.
    /// @param symbol The share token's symbol.
    /// @param owner The owner (meant to be a timelock).
    /// @param guardian The guardian.
    /// @param feeRecipient Receives the fees as shares.
    /// @param seedAssets Pulled from the deployer (who must approve the vault's address beforehand); its shares go
    /// to `SEED_SHARES_HOLDER` forever.
    struct InitParams {
        IERC20 asset;
        string name;
        string symbol;
        address owner;
        address guardian;
        address feeRecipient;
        uint256 seedAssets;
    }

    constructor(InitParams memory p) ERC20(p.name, p.symbol) Ownable(p.owner) {
        if (address(p.asset) == address(0) || p.feeRecipient == address(0)) revert ZeroAddress();
        (bool ok, uint8 dec) = SafeERC20.tryGetDecimals(p.asset);
        if (!ok || dec > 18) revert InvalidToken(address(p.asset));
        if (p.seedAssets < MIN_SEED_ASSETS) revert SeedTooSmall(p.seedAssets, MIN_SEED_ASSETS);

        _asset = p.asset;
        _assetDecimals = dec;
        _decimalsOffset = 18 - dec;
        _virtualShares = 10 ** (18 - dec);

        _feeRecipient = p.feeRecipient;
        _lastAccrual = uint40(block.timestamp);
        _cashTargetWeight = uint64(WAD);
        _depositCap = type(uint128).max;
        _guardian = p.guardian;

        // Empty vault: shares = assets * virtualShares.
        uint256 seedShares = p.seedAssets * _virtualShares;
        _cash = p.seedAssets;
        _mint(SEED_SHARES_HOLDER, seedShares);
        emit Deposit(msg.sender, SEED_SHARES_HOLDER, p.seedAssets, seedShares);
        emit FeeRecipientSet(p.feeRecipient);
        emit GuardianSet(p.guardian);

        p.asset.safeTransferFrom(msg.sender, address(this), p.seedAssets);
    }

    /*//////////////////////////////////////////////////////////////
                               MODIFIERS
    //////////////////////////////////////////////////////////////*/

    modifier onlyGuardianOrOwner() {
        _authorizeCancel();
        _;
    }

    /*//////////////////////////////////////////////////////////////
                                 ERC-20
    //////////////////////////////////////////////////////////////*/

    /// @inheritdoc IERC20Metadata
    function decimals() public view override(ERC20, IERC20Metadata) returns (uint8) {
        return _assetDecimals + _decimalsOffset;
    }

    /// @dev Enforces the share lock on every movement of shares out of an account (transfers and burns).
    function _update(address from, address to, uint256 value) internal override {
        if (from != address(0)) {
            (uint256 locked, uint256 until) = _activeLock(from);
            if (locked != 0) {
                uint256 bal = balanceOf(from);
                uint256 free = bal > locked ? bal - locked : 0;
                if (value > free) revert SharesLocked(from, value, free, until);
            }
        }
        super._update(from, to, value);
    }

    /*//////////////////////////////////////////////////////////////
                           ERC-4626: ACCOUNTING
    //////////////////////////////////////////////////////////////*/

    /// @inheritdoc IERC4626
    function asset() public view returns (address) {
        return address(_asset);
    }

    /// @inheritdoc IERC4626
    /// @dev Never reverts: a component whose price is unavailable counts as zero here (see `nav()`).
    function totalAssets() public view returns (uint256 assets) {
        (assets,,) = _nav();
    }

    /// @inheritdoc IERC4626
    function convertToShares(uint256 assets) public view returns (uint256) {
        (, uint256 navUp,) = _nav();
        return _toShares(assets, navUp, _supplyWithPendingFee(), Math.Rounding.Floor);
    }

    /// @inheritdoc IERC4626
    function convertToAssets(uint256 shares) public view returns (uint256) {
        (uint256 navDown,,) = _nav();
        return _toAssets(shares, navDown, _supplyWithPendingFee(), Math.Rounding.Floor);
    }

    /*//////////////////////////////////////////////////////////////
                            ERC-4626: LIMITS
    //////////////////////////////////////////////////////////////*/

    /// @inheritdoc IERC4626
    function maxDeposit(address) public view returns (uint256) {
        (uint256 navDown,, address invalid) = _nav();
        return _maxDeposit(navDown, invalid);
    }

    /// @inheritdoc IERC4626
    function maxMint(address) public view returns (uint256) {
        (uint256 navDown, uint256 navUp, address invalid) = _nav();
        uint256 room = _maxDeposit(navDown, invalid);
        // slither-disable-next-line incorrect-equality -- _depositRoom's "no cap" sentinel
        if (room == type(uint256).max) return type(uint256).max;
        // Largest `s` with previewMint(s) <= room: the net assets it needs fit in room less the entry fee and levy.
        uint256 net = room.mulDiv(BPS - _entryCutBps(), BPS, Math.Rounding.Floor);
        return _toShares(net, navUp, _supplyWithPendingFee(), Math.Rounding.Floor);
    }

    /// @inheritdoc IERC4626
    function maxWithdraw(address owner_) public view returns (uint256) {
        (uint256 navDown,, address invalid) = _nav();
        if (invalid != address(0)) return 0;
        // Largest `a` with previewWithdraw(a) <= unlocked shares: the gross value of those shares, less the exit fee
        // and the levy.
        uint256 gross = _toAssets(_unlockedShares(owner_), navDown, _supplyWithPendingFee(), Math.Rounding.Floor);
        return Math.min(gross.mulDiv(BPS - _exitCutBps(), BPS, Math.Rounding.Floor), _cash);
    }

    /// @inheritdoc IERC4626
    function maxRedeem(address owner_) public view returns (uint256) {
        (uint256 navDown,, address invalid) = _nav();
        if (invalid != address(0)) return 0;
        uint256 supply = _supplyWithPendingFee();
        // Largest `s` with redeem(s) <= cash: burnable shares worth at most the cash, grossed up by the exit fee and
        // the levy.
        uint256 forCash = _sharesForCash(navDown, supply);
        uint256 max = Math.min(_unlockedShares(owner_), forCash);
        // Dust worth less than one asset unit cannot be redeemed (it would pay nothing): report 0 rather than a
        // number whose redemption reverts.
        (uint256 assets,) = _redeemAssets(max, navDown, supply);
        // slither-disable-next-line incorrect-equality -- dust that would pay nothing, as in _redeem
        return assets == 0 ? 0 : max;
    }

    /*//////////////////////////////////////////////////////////////
                           ERC-4626: PREVIEWS
    //////////////////////////////////////////////////////////////*/

    /// @inheritdoc IERC4626
    /// @dev Entry fee included. Reverts with `InvalidPrice` when a price is unavailable, as `deposit` would.
    function previewDeposit(uint256 assets) public view returns (uint256 shares) {
        (, uint256 navUp) = _validNav();
        (shares,) = _depositShares(assets, navUp, _supplyWithPendingFee());
    }

    /// @inheritdoc IERC4626
    function previewMint(uint256 shares) public view returns (uint256 assets) {
        (, uint256 navUp) = _validNav();
        (assets,) = _mintAssets(shares, navUp, _supplyWithPendingFee());
    }

    /// @inheritdoc IERC4626
    function previewWithdraw(uint256 assets) public view returns (uint256 shares) {
        (uint256 navDown,) = _validNav();
        (shares,) = _withdrawShares(assets, navDown, _supplyWithPendingFee());
    }

    /// @inheritdoc IERC4626
    function previewRedeem(uint256 shares) public view returns (uint256 assets) {
        (uint256 navDown,) = _validNav();
        (assets,) = _redeemAssets(shares, navDown, _supplyWithPendingFee());
    }

    /*//////////////////////////////////////////////////////////////
                              ENTRY POINTS
    //////////////////////////////////////////////////////////////*/

    /// @inheritdoc IERC4626
    function deposit(uint256 assets, address receiver) external nonReentrant returns (uint256 shares) {
        return _deposit(assets, receiver, 0);
    }

    /// @inheritdoc IBallastVault
    function deposit(uint256 assets, address receiver, uint256 minShares)
        external
        nonReentrant
        returns (uint256 shares)
    {
        return _deposit(assets, receiver, minShares);
    }

    /// @inheritdoc IBallastVault
    function depositWithPermit(
        uint256 assets,
        address receiver,
        uint256 minShares,
        uint256 deadline,
        uint8 v,
        bytes32 r,
        bytes32 s
    ) external nonReentrant returns (uint256 shares) {
        try IERC20Permit(address(_asset)).permit(msg.sender, address(this), assets, deadline, v, r, s) {} catch {}
        return _deposit(assets, receiver, minShares);
    }

    /// @inheritdoc IERC4626
    function mint(uint256 shares, address receiver) external nonReentrant returns (uint256 assets) {
        return _mintShares(shares, receiver, type(uint256).max);
    }

    /// @inheritdoc IBallastVault
    function mint(uint256 shares, address receiver, uint256 maxAssets) external nonReentrant returns (uint256 assets) {
        return _mintShares(shares, receiver, maxAssets);
    }

    /// @inheritdoc IERC4626
    function withdraw(uint256 assets, address receiver, address owner_) external nonReentrant returns (uint256 shares) {
        return _withdraw(assets, receiver, owner_, type(uint256).max);
    }

    /// @inheritdoc IBallastVault
    function withdraw(uint256 assets, address receiver, address owner_, uint256 maxShares)
        external
        nonReentrant
        returns (uint256 shares)
    {
        return _withdraw(assets, receiver, owner_, maxShares);
    }

    /// @inheritdoc IERC4626
    function redeem(uint256 shares, address receiver, address owner_) external nonReentrant returns (uint256 assets) {
        return _redeem(shares, receiver, owner_, 0);
    }

    /// @inheritdoc IBallastVault
    function redeem(uint256 shares, address receiver, address owner_, uint256 minAssets)
        external
        nonReentrant
        returns (uint256 assets)
    {
        return _redeem(shares, receiver, owner_, minAssets);
    }

    /// @inheritdoc IBallastVault
    function redeemInKind(uint256 shares, address receiver, address owner_)
        external
        nonReentrant
        returns (uint256[] memory amounts, uint256 cash_)
    {
        if (shares == 0) revert ZeroAmount();
        if (receiver == address(0)) revert ZeroAddress();
        uint256 supply = _accrueManagementFee();
        if (msg.sender != owner_) _spendAllowance(owner_, msg.sender, shares);

        uint256 feeShares = shares.mulDiv(_exitFeeBps, BPS, Math.Rounding.Ceil);
        uint256 net = shares - feeShares;

        uint256 n = _components.length;
        amounts = new uint256[](n);
        for (uint256 i; i < n; ++i) {
            Component storage c = _components[i];
            uint256 bal = c.balance;
            uint256 amount = _inKindShare(bal, net, supply);
            if (amount != 0) {
                c.balance = uint128(bal - amount);
                amounts[i] = amount;
            }
        }
        cash_ = _inKindShare(_cash, net, supply);
        _cash -= cash_;

        _takeShares(owner_, net, feeShares);
        emit RedeemInKind(msg.sender, receiver, owner_, shares, cash_);

        // The components, then the cash (index n).
        for (uint256 i; i <= n; ++i) {
            uint256 amount = i < n ? amounts[i] : cash_;
            if (amount != 0) _payInKind(i < n ? _tokens[i] : address(_asset), receiver, amount);
        }
    }

    /// @inheritdoc IBallastVault
    function claimOwed(address token, address to) external nonReentrant returns (uint256 amount) {
        if (to == address(0)) revert ZeroAddress();
        amount = _owed[msg.sender][token];
        if (amount == 0) revert NothingOwed(msg.sender, token);
        _owed[msg.sender][token] = 0;
        _totalOwed[token] -= amount;
        emit OwedClaimed(token, msg.sender, to, amount);
        IERC20(token).safeTransfer(to, amount);
    }

    /// @inheritdoc IBallastVault
    function accrueManagementFee() external nonReentrant {
        _accrueManagementFee();
    }

    /*//////////////////////////////////////////////////////////////
                               REBALANCING
    //////////////////////////////////////////////////////////////*/

    /// @inheritdoc IBallastVault
    function executeTrade(
        ISwapAdapter adapter,
        address tokenIn,
        address tokenOut,
        uint256 amountIn,
        uint256 minAmountOut,
        bytes calldata route
    ) external nonReentrant returns (uint256 amountOut) {
        if (msg.sender != _rebalancer) revert Unauthorized(msg.sender);
        if (_rebalancingPaused) revert RebalancingPaused();
        if (tokenIn == tokenOut) revert SameToken(tokenIn);
        if (amountIn == 0) revert ZeroAmount();
        uint256 available = _accounted(tokenIn);
        if (amountIn > available) revert InsufficientBalance(tokenIn, available, amountIn);
        _accounted(tokenOut); // reverts with NotListed unless the asset or a component

        uint256 spent;
        // nonReentrant, rebalancer only; the books are set from the measured amounts, so they must follow the swap
        // slither-disable-next-line reentrancy-no-eth
        (spent, amountOut) = _swapThrough(adapter, IERC20(tokenIn), IERC20(tokenOut), amountIn, minAmountOut, route);

        _book(tokenIn, available - spent);
        _book(tokenOut, _accounted(tokenOut) + amountOut);
        emit Trade(address(adapter), tokenIn, tokenOut, spent, amountOut);
    }

    /*//////////////////////////////////////////////////////////////
                                 VIEWS
    //////////////////////////////////////////////////////////////*/

    /// @inheritdoc IBallastVault
    function nav() external view returns (uint256 assets, bool valid, address invalidToken) {
        (assets,, invalidToken) = _nav();
        valid = invalidToken == address(0);
    }

    /// @inheritdoc IBallastVault
    function components() external view returns (ComponentView[] memory list) {
        uint256 n = _components.length;
        list = new ComponentView[](n);
        for (uint256 i; i < n; ++i) {
            Component storage c = _components[i];
            list[i] = ComponentView({
                token: _tokens[i],
                source: address(_sources[c.sourceId]),
                decimals: c.decimals,
                targetWeight: c.targetWeight,
                balance: c.balance
            });
        }
    }

    /// @inheritdoc IBallastVault
    function componentCount() external view returns (uint256) {
        return _components.length;
    }

    /// @inheritdoc IBallastVault
    function cash() external view returns (uint256) {
        return _cash;
    }

    /// @inheritdoc IBallastVault
    function cashTargetWeight() external view returns (uint64) {
        return _cashTargetWeight;
    }

    /// @inheritdoc IBallastVault
    function feeConfig() external view returns (FeeConfig memory) {
        return FeeConfig({
            recipient: _feeRecipient,
            managementFeeWad: _managementFeeWad,
            entryFeeBps: _entryFeeBps,
            exitFeeBps: _exitFeeBps,
            levyBps: _levyBps,
            lastAccrual: _lastAccrual
        });
    }

    /// @inheritdoc IBallastVault
    function pendingManagementFeeShares() public view returns (uint256) {
        return _pendingManagementFee(totalSupply());
    }

    /// @inheritdoc IBallastVault
    function lockedShares(address owner_) external view returns (uint256 shares, uint256 unlockAt) {
        (uint256 locked, uint256 until) = _activeLock(owner_);
        // slither-disable-next-line incorrect-equality -- view shortcut for "no active lock"
        if (locked == 0) return (0, 0);
        return (Math.min(locked, balanceOf(owner_)), until);
    }

    /// @inheritdoc IBallastVault
    function owed(address owner_, address token) external view returns (uint256) {
        return _owed[owner_][token];
    }

    /// @inheritdoc IBallastVault
    function depositLimits() external view returns (uint256 depositCap, uint256 minDeposit) {
        return (_depositCap, _minDeposit);
    }

    /// @inheritdoc IBallastVault
    function shareLockPeriod() external view returns (uint256) {
        return _shareLockPeriod;
    }

    /// @inheritdoc IBallastVault
    function depositsPaused() external view returns (bool) {
        return _depositsPaused;
    }

    /// @inheritdoc IBallastVault
    function rebalancingPaused() external view returns (bool) {
        return _rebalancingPaused;
    }

    /// @inheritdoc IBallastVault
    function guardian() external view returns (address) {
        return _guardian;
    }

    /// @inheritdoc IBallastVault
    function rebalancer() external view returns (address) {
        return _rebalancer;
    }

    /// @inheritdoc IBallastVault
    function component(address token) external view returns (uint256 balance, uint64 targetWeight, address source) {
        Component storage c = _components[_index(token)];
        return (c.balance, c.targetWeight, address(_sources[c.sourceId]));
    }

    /*//////////////////////////////////////////////////////////////
                             ADMINISTRATION
    //////////////////////////////////////////////////////////////*/

    /// @inheritdoc IBallastVault
    function listComponent(address token, IPriceSource source, uint256 probeAmount) external onlyOwner nonReentrant {
        _consumeChange();
        if (token == address(0)) revert ZeroAddress();
        if (token == address(_asset) || token.code.length == 0) revert InvalidToken(token);
        if (_indexPlusOne[token] != 0) revert AlreadyListed(token);
        if (_components.length >= MAX_COMPONENTS) revert TooManyComponents(MAX_COMPONENTS);
        (bool ok, uint8 dec) = SafeERC20.tryGetDecimals(IERC20(token));
        if (!ok || dec > 36) revert InvalidToken(token);
        if (probeAmount < MIN_PROBE_AMOUNT) revert ProbeTooSmall(probeAmount, MIN_PROBE_AMOUNT);
        uint48 key = _checkSource(token, source);

        _components.push(
            Component({balance: 0, targetWeight: 0, decimals: dec, sourceId: _registerSource(source), priceKey: key})
        );
        _tokens.push(token);
        _indexPlusOne[token] = _components.length;
        emit ComponentListed(token, address(source), dec);

        // Balance-delta probe: refuses tokens that deliver to the vault a different amount than sent, and that take
        // from the vault a different amount than it sends back.
        IERC20 t = IERC20(token);
        uint256 before = t.balanceOf(address(this));
        t.safeTransferFrom(msg.sender, address(this), probeAmount);
        uint256 received = t.balanceOf(address(this)) - before;
        if (received != probeAmount) revert TransferAmountMismatch(token, probeAmount, received);
        t.safeTransfer(msg.sender, probeAmount);
        uint256 left = t.balanceOf(address(this));
        if (left != before) revert TransferAmountMismatch(token, probeAmount, before + probeAmount - left);
    }

    /// @inheritdoc IBallastVault
    function delistComponent(address token) external onlyOwner {
        uint256 idx = _index(token);
        Component storage c = _components[idx];
        if (c.balance != 0 || c.targetWeight != 0) revert ComponentNotEmpty(token, c.balance, c.targetWeight);
        uint256 last = _components.length - 1;
        if (idx != last) {
            address moved = _tokens[last];
            _components[idx] = _components[last];
            _tokens[idx] = moved;
            _indexPlusOne[moved] = idx + 1;
        }
        _components.pop();
        _tokens.pop();
        delete _indexPlusOne[token];
        emit ComponentDelisted(token);
    }

    /// @inheritdoc IBallastVault
    function setPriceSource(address token, IPriceSource source) external onlyOwner {
        _consumeChange();
        Component storage c = _components[_index(token)];
        uint48 key = _checkSource(token, source);
        (c.sourceId, c.priceKey) = (_registerSource(source), key);
        emit PriceSourceSet(token, address(source));
    }

    /// @inheritdoc IBallastVault
    function setTargetWeights(uint64[] calldata weights, uint64 cashWeight) external {
        if (msg.sender != _rebalancer && msg.sender != owner()) revert Unauthorized(msg.sender);
        _setTargetWeights(weights, cashWeight);
    }

    /// @inheritdoc IBallastVault
    function setFees(uint64 managementFeeWad, uint16 entryFeeBps, uint16 exitFeeBps) external onlyOwner {
        if (managementFeeWad > MAX_MANAGEMENT_FEE_WAD) revert FeeAboveCap(managementFeeWad, MAX_MANAGEMENT_FEE_WAD);
        if (entryFeeBps > MAX_ENTRY_FEE_BPS) revert FeeAboveCap(entryFeeBps, MAX_ENTRY_FEE_BPS);
        if (exitFeeBps > MAX_EXIT_FEE_BPS) revert FeeAboveCap(exitFeeBps, MAX_EXIT_FEE_BPS);
        _accrueManagementFee();
        _managementFeeWad = managementFeeWad;
        _entryFeeBps = entryFeeBps;
        _exitFeeBps = exitFeeBps;
        emit FeesSet(managementFeeWad, entryFeeBps, exitFeeBps);
    }

    /// @inheritdoc IBallastVault
    function setLevy(uint16 levyBps) external onlyOwner {
        if (levyBps > MAX_LEVY_BPS) revert FeeAboveCap(levyBps, MAX_LEVY_BPS);
        uint256 m = _sources.length;
        for (uint256 i; i < m; ++i) {
            _checkLevy(_sources[i], levyBps);
        }
        _levyBps = levyBps;
        emit LevySet(levyBps);
    }

    /// @inheritdoc IBallastVault
    function setFeeRecipient(address recipient) external onlyOwner {
        if (recipient == address(0)) revert ZeroAddress();
        _accrueManagementFee();
        _feeRecipient = recipient;
        emit FeeRecipientSet(recipient);
    }

    /// @inheritdoc IBallastVault
    function setDepositLimits(uint256 depositCap, uint256 minDeposit) external onlyOwner {
        _depositCap = uint128(Math.min(depositCap, type(uint128).max));
        _minDeposit = uint128(Math.min(minDeposit, type(uint128).max));
        emit DepositLimitsSet(_depositCap, _minDeposit);
    }

    /// @inheritdoc IBallastVault
    function setShareLockPeriod(uint256 period) external onlyOwner {
        if (period > MAX_SHARE_LOCK) revert ShareLockAboveCap(period, MAX_SHARE_LOCK);
        _shareLockPeriod = uint32(period);
        emit ShareLockPeriodSet(period);
    }

    /// @inheritdoc IBallastVault
    function setGuardian(address guardian_) external onlyOwner {
        _consumeChange();
        _guardian = guardian_;
        emit GuardianSet(guardian_);
    }

    /// @inheritdoc IBallastVault
    function setRebalancer(address rebalancer_) external onlyOwner {
        _consumeChange();
        _rebalancer = rebalancer_;
        _wired = true;
        emit RebalancerSet(rebalancer_);
    }

    /// @inheritdoc IBallastVault
    function setDepositsPaused(bool paused) external onlyGuardianOrOwner {
        _depositsPaused = paused;
        emit DepositsPausedSet(msg.sender, paused);
    }

    /// @inheritdoc IBallastVault
    function setRebalancingPaused(bool paused) external onlyGuardianOrOwner {
        _rebalancingPaused = paused;
        emit RebalancingPausedSet(msg.sender, paused);
    }

    /// @inheritdoc IBallastVault
    function skim(address token, address to) external onlyOwner nonReentrant returns (uint256 amount) {
        if (to == address(0)) revert ZeroAddress();
        uint256 tracked = _totalOwed[token];
        if (token == address(_asset)) {
            tracked += _cash;
        } else if (_indexPlusOne[token] != 0) {
            tracked += _components[_indexPlusOne[token] - 1].balance;
        }
        uint256 held = IERC20(token).balanceOf(address(this));
        amount = held > tracked ? held - tracked : 0;
        // slither-disable-next-line incorrect-equality -- nothing to skim; a donation only raises it
        if (amount == 0) revert ZeroAmount();
        emit Skimmed(token, to, amount);
        IERC20(token).safeTransfer(to, amount);
    }

    /*//////////////////////////////////////////////////////////////
                            INTERNAL: ACTIONS
    //////////////////////////////////////////////////////////////*/

    function _deposit(uint256 assets, address receiver, uint256 minShares) internal returns (uint256 shares) {
        if (receiver == address(0)) revert ZeroAddress();
        if (_depositsPaused) revert DepositsPaused();
        uint256 supply = _accrueManagementFee();
        (uint256 navDown, uint256 navUp) = _validNav();
        _checkDepositLimits(assets, navDown, receiver);

        uint256 feeShares;
        (shares, feeShares) = _depositShares(assets, navUp, supply);
        // slither-disable-next-line incorrect-equality -- refuses a deposit that mints nothing
        if (shares == 0) revert ZeroAmount();
        if (shares < minShares) revert SharesBelowMinimum(shares, minShares);

        _enter(receiver, assets, shares, feeShares);
    }

    function _mintShares(uint256 shares, address receiver, uint256 maxAssets) internal returns (uint256 assets) {
        if (receiver == address(0)) revert ZeroAddress();
        if (shares == 0) revert ZeroAmount();
        if (_depositsPaused) revert DepositsPaused();
        uint256 supply = _accrueManagementFee();
        (uint256 navDown, uint256 navUp) = _validNav();

        uint256 feeShares;
        (assets, feeShares) = _mintAssets(shares, navUp, supply);
        if (assets > maxAssets) revert AssetsAboveMaximum(assets, maxAssets);
        uint256 room = _depositRoom(navDown);
        if (assets > room) {
            (uint256 maxShares,) = _depositShares(room, navUp, supply);
            revert ExceededMaxMint(receiver, shares, maxShares);
        }
        if (assets < _minDeposit) revert DepositBelowMinimum(assets, _minDeposit);

        _enter(receiver, assets, shares, feeShares);
    }

    /// @dev Effects, events and the transfer in, shared by `deposit` and `mint`.
    function _enter(address receiver, uint256 assets, uint256 shares, uint256 feeShares) internal {
        _cash += assets;
        _mint(receiver, shares);
        if (feeShares != 0) {
            address recipient = _feeRecipient;
            _mint(recipient, feeShares);
            emit TransactionFeeCharged(recipient, receiver, feeShares, true);
        }
        _lockShares(receiver, shares);
        emit Deposit(msg.sender, receiver, assets, shares);
        _asset.safeTransferFrom(msg.sender, address(this), assets);
    }

    function _withdraw(uint256 assets, address receiver, address owner_, uint256 maxShares)
        internal
        returns (uint256 shares)
    {
        if (receiver == address(0)) revert ZeroAddress();
        if (assets == 0) revert ZeroAmount();
        uint256 supply = _accrueManagementFee();
        (uint256 navDown,) = _validNav();

        uint256 feeShares;
        (shares, feeShares) = _withdrawShares(assets, navDown, supply);
        if (shares > maxShares) revert SharesAboveMaximum(shares, maxShares);
        if (assets > _cash) revert ExceededMaxWithdraw(owner_, assets, _cash);
        _exit(owner_, receiver, assets, shares, feeShares);
    }

    function _redeem(uint256 shares, address receiver, address owner_, uint256 minAssets)
        internal
        returns (uint256 assets)
    {
        if (receiver == address(0)) revert ZeroAddress();
        if (shares == 0) revert ZeroAmount();
        uint256 supply = _accrueManagementFee();
        (uint256 navDown,) = _validNav();

        uint256 feeShares;
        (assets, feeShares) = _redeemAssets(shares, navDown, supply);
        // slither-disable-next-line incorrect-equality -- refuses a redemption that pays nothing
        if (assets == 0) revert ZeroAmount();
        if (assets < minAssets) revert AssetsBelowMinimum(assets, minAssets);
        if (assets > _cash) {
            revert ExceededMaxRedeem(owner_, shares, _sharesForCash(navDown, supply));
        }
        _exit(owner_, receiver, assets, shares, feeShares);
    }

    /// @dev Effects, events and the transfer out, shared by `withdraw` and `redeem`.
    function _exit(address owner_, address receiver, uint256 assets, uint256 shares, uint256 feeShares) internal {
        if (msg.sender != owner_) _spendAllowance(owner_, msg.sender, shares);
        _cash -= assets;
        _takeShares(owner_, shares - feeShares, feeShares);
        emit Withdraw(msg.sender, receiver, owner_, assets, shares);
        _asset.safeTransfer(receiver, assets);
    }

    /// @dev Moves `feeShares` of `owner_` to the fee recipient and burns `burnShares`. The share lock applies.
    function _takeShares(address owner_, uint256 burnShares, uint256 feeShares) internal {
        if (feeShares != 0) {
            address recipient = _feeRecipient;
            _transfer(owner_, recipient, feeShares);
            emit TransactionFeeCharged(recipient, owner_, feeShares, false);
        }
        _burn(owner_, burnShares);
    }

    /// @dev Pays an in-kind amount with a fixed gas allowance; a failing transfer is kept for `receiver` to claim
    /// instead of blocking the exit.
    function _payInKind(address token, address receiver, uint256 amount) internal {
        if (VaultMath.tryTransfer(token, receiver, amount)) {
            emit InKindTransfer(token, receiver, amount);
        } else {
            _owed[receiver][token] += amount;
            _totalOwed[token] += amount;
            emit InKindTransferDeferred(token, receiver, amount);
        }
    }

    function _lockShares(address receiver, uint256 shares) internal {
        uint32 period = _shareLockPeriod;
        if (period == 0) return;
        Lock memory l = _locks[receiver];
        uint32 until = uint32(block.timestamp + period);
        uint256 locked;
        if (msg.sender == receiver) {
            locked = (l.ownUntil > block.timestamp ? l.own : 0) + shares;
            l.own = locked.toUint96();
            l.ownUntil = until;
        } else {
            // Another address may never extend a lock: it locks only its new shares, when nothing gifted is locked.
            if (l.giftedUntil > block.timestamp) revert GiftedSharesLocked(receiver, l.giftedUntil);
            locked = shares;
            l.gifted = shares.toUint96();
            l.giftedUntil = until;
        }
        _locks[receiver] = l;
        emit SharesLockedUntil(receiver, locked, until);
    }

    /// @dev Mints the management fee due since the last accrual. Needs no oracle. Returns the supply after.
    function _accrueManagementFee() internal returns (uint256 supply) {
        supply = totalSupply();
        uint256 elapsed = block.timestamp - _lastAccrual;
        // slither-disable-next-line incorrect-equality -- already accrued in this block
        if (elapsed == 0) return supply;
        uint256 feeShares = _pendingManagementFee(supply);
        _lastAccrual = uint40(block.timestamp);
        if (feeShares != 0) {
            address recipient = _feeRecipient;
            _mint(recipient, feeShares);
            supply += feeShares;
            emit ManagementFeeAccrued(recipient, feeShares, elapsed);
        }
    }

    function _setTargetWeights(uint64[] calldata weights, uint64 cashWeight) internal {
        uint256 n = _components.length;
        if (weights.length != n) revert WeightsLengthMismatch(n, weights.length);
        uint256 sum = cashWeight;
        for (uint256 i; i < n; ++i) {
            sum += weights[i];
            _components[i].targetWeight = weights[i];
        }
        if (sum != WAD) revert WeightsSumMismatch(sum);
        _cashTargetWeight = cashWeight;
        emit TargetWeightsSet(weights, cashWeight);
    }

    function _registerSource(IPriceSource source) internal returns (uint8 id) {
        uint256 idPlusOne = _sourceIdPlusOne[address(source)];
        if (idPlusOne != 0) return uint8(idPlusOne - 1);
        if (_sources.length >= MAX_SOURCES) revert TooManySources(MAX_SOURCES);
        _checkLevy(source, _levyBps);
        _sources.push(source);
        _sourceIdPlusOne[address(source)] = _sources.length;
        return uint8(_sources.length - 1);
    }

    /*//////////////////////////////////////////////////////////////
                             INTERNAL: VIEWS
    //////////////////////////////////////////////////////////////*/

    /// @dev NAV rounded down and up, and the first component whose price is unavailable (zero when all are valid).
    /// Components with no balance are not priced. `navUp` exceeds `navDown` by one unit per priced component, an upper
    /// bound of the rounding of each term, so entries are priced at a NAV never below the true one.
    /// Gas: one vault slot per component (see `Component`), then one `prices` call per source and per `PRICE_BATCH`
    /// held components. A batch that fails as a whole (the source reverts, burns its allowance or answers short) makes
    /// each of its components invalid; a source answers 0 for a single key it cannot price.
    function _nav() internal view returns (uint256 navDown, uint256 navUp, address invalid) {
        uint256 n = _components.length;
        uint256 firstInvalid = n;
        // Memory from `held`: the held components' slots (m words, the target weight bits replaced by the index), then
        // the positions in `held` of the current batch's components (PRICE_BATCH words), then the batch's call buffer.
        uint256 held;
        uint256 m;
        assembly ("memory-safe") {
            held := mload(0x40)
            mstore(0x40, add(add(held, shl(5, n)), add(BATCH_HEAD, shl(6, PRICE_BATCH))))
            mstore(0, _components.slot)
            let slot := keccak256(0, 0x20)
            for { let i := 0 } lt(i, n) { i := add(i, 1) } {
                let w := sload(add(slot, i))
                if and(w, BALANCE_MASK) {
                    mstore(add(held, shl(5, m)), or(and(w, not(WEIGHT_MASK)), shl(128, i)))
                    m := add(m, 1)
                }
            }
        }
        for (uint256 start; start < m;) {
            uint256 w;
            assembly ("memory-safe") {
                w := mload(add(held, shl(5, start)))
            }
            if (w == 0) {
                ++start;
                continue;
            }
            (uint256 down, uint256 priced, uint256 firstFailed) = _valueBatch(held, n, m, start, uint8(w >> 200));
            navDown += down;
            navUp += priced;
            if (firstFailed < firstInvalid) firstInvalid = firstFailed;
        }
        if (firstInvalid < n) invalid = _tokens[firstInvalid];
        navDown += _cash;
        navUp += navDown;
    }

    /// @dev Prices, in one call, up to PRICE_BATCH not yet priced held components of source `id` from position
    /// `start` of `held` (see `_nav`), and marks them priced (zeroes their words). Returns their value rounded down,
    /// how many were validly priced and the index of the first one whose price is invalid (`type(uint256).max`: none).
    function _valueBatch(uint256 held, uint256 n, uint256 m, uint256 start, uint256 id)
        internal
        view
        returns (uint256 down, uint256 priced, uint256 firstFailed)
    {
        firstFailed = type(uint256).max;
        uint256 at = held + (n << 5);
        uint256 buf = at + (PRICE_BATCH << 5);
        uint256 cnt;
        assembly ("memory-safe") {
            for { let j := start } and(lt(j, m), lt(cnt, PRICE_BATCH)) { j := add(j, 1) } {
                let v := mload(add(held, shl(5, j)))
                if and(iszero(iszero(v)), eq(and(shr(200, v), 0xff), id)) {
                    mstore(add(add(buf, BATCH_HEAD), shl(5, cnt)), shr(208, v))
                    mstore(add(at, shl(5, cnt)), j)
                    cnt := add(cnt, 1)
                }
            }
        }
        bool ok = VaultMath.tryPrices(address(_sources[id]), buf, cnt);
        for (uint256 c; c < cnt;) {
            uint256 w;
            uint256 p;
            assembly ("memory-safe") {
                let pos := add(held, shl(5, mload(add(at, shl(5, c)))))
                w := mload(pos)
                mstore(pos, 0)
                p := mul(ok, mload(add(add(buf, BATCH_HEAD), shl(5, c))))
            }
            unchecked {
                // p in [1, MAX_PRICE]. Each value is below 2^128 * 2^112 (see MAX_PRICE): a batch's sum cannot overflow.
                if (p - 1 < VaultMath.MAX_PRICE) {
                    down += VaultMath.value(uint128(w), p);
                    ++priced;
                } else if (uint64(w >> 128) < firstFailed) {
                    firstFailed = uint64(w >> 128);
                }
                ++c;
            }
        }
    }

    /// @dev NAV for actions, which require every price.
    function _validNav() internal view returns (uint256 navDown, uint256 navUp) {
        address invalid;
        (navDown, navUp, invalid) = _nav();
        if (invalid != address(0)) {
            revert InvalidPrice(invalid, address(_sources[_components[_indexPlusOne[invalid] - 1].sourceId]));
        }
    }

    /// @dev Checks that `source` quotes in the asset and prices `token` now, through `prices` as `_nav` will; returns
    /// the token's key at the source.
    function _checkSource(address token, IPriceSource source) internal view returns (uint48) {
        if (address(source) == address(0)) revert ZeroAddress();
        address quote = source.quoteAsset();
        if (quote != address(_asset)) revert QuoteAssetMismatch(address(source), quote);
        (bool ok, uint256 key) = VaultMath.tryPriceKey(address(source), token);
        uint256 p;
        if (ok) {
            uint256 buf;
            assembly ("memory-safe") {
                buf := mload(0x40)
                mstore(0x40, add(buf, add(BATCH_HEAD, 0x20)))
                mstore(add(buf, BATCH_HEAD), key)
            }
            ok = VaultMath.tryPrices(address(source), buf, 1);
            assembly ("memory-safe") {
                p := mload(add(buf, BATCH_HEAD))
            }
        }
        if (!ok || p == 0 || p > VaultMath.MAX_PRICE) revert InvalidPrice(token, address(source));
        return uint48(key);
    }

    function _checkDepositLimits(uint256 assets, uint256 navDown, address receiver) internal view {
        if (assets < _minDeposit) revert DepositBelowMinimum(assets, _minDeposit);
        uint256 room = _depositRoom(navDown);
        if (assets > room) revert ExceededMaxDeposit(receiver, assets, room);
    }

    function _depositRoom(uint256 navDown) internal view returns (uint256) {
        uint256 cap = _depositCap;
        if (cap == type(uint128).max) return type(uint256).max;
        return cap > navDown ? cap - navDown : 0;
    }

    function _maxDeposit(uint256 navDown, address invalid) internal view returns (uint256) {
        if (_depositsPaused || invalid != address(0)) return 0;
        uint256 room = _depositRoom(navDown);
        return room < _minDeposit ? 0 : room;
    }

    function _unlockedShares(address owner_) internal view returns (uint256) {
        uint256 bal = balanceOf(owner_);
        (uint256 locked,) = _activeLock(owner_);
        return bal > locked ? bal - locked : 0;
    }

    /// @dev Shares of `owner_` locked now (both buckets) and when the last of them unlocks.
    function _activeLock(address owner_) internal view returns (uint256 locked, uint256 until) {
        Lock memory l = _locks[owner_];
        if (l.ownUntil > block.timestamp) (locked, until) = (l.own, l.ownUntil);
        if (l.giftedUntil > block.timestamp) {
            locked += l.gifted;
            if (l.giftedUntil > until) until = l.giftedUntil;
        }
    }

    function _supplyWithPendingFee() internal view returns (uint256) {
        uint256 supply = totalSupply();
        return supply + _pendingManagementFee(supply);
    }

    function _pendingManagementFee(uint256 supply) internal view returns (uint256) {
        uint256 rate = _managementFeeWad;
        if (rate == 0) return 0;
        return VaultMath.managementFeeShares(supply, rate * (block.timestamp - _lastAccrual) / SECONDS_PER_YEAR);
    }

    /// @dev Shares to the receiver and to the fee recipient for a deposit of `assets` (entry fee rounded up).
    function _depositShares(uint256 assets, uint256 navUp, uint256 supply)
        internal
        view
        returns (uint256 shares, uint256 feeShares)
    {
        // The fee and the levy are cut together; the fee alone goes to the fee recipient, the levy stays with the
        // holders (no shares are minted for it).
        uint256 cut = assets.mulDiv(_entryCutBps(), BPS, Math.Rounding.Ceil);
        uint256 fee = assets.mulDiv(_entryFeeBps, BPS, Math.Rounding.Ceil);
        shares = _toShares(assets - cut, navUp, supply, Math.Rounding.Floor);
        feeShares = _toShares(fee, navUp, supply, Math.Rounding.Floor);
    }

    /// @dev Assets to pull for minting `shares` to the receiver, and the fee shares (assets rounded up).
    function _mintAssets(uint256 shares, uint256 navUp, uint256 supply)
        internal
        view
        returns (uint256 assets, uint256 feeShares)
    {
        uint256 net = _toAssets(shares, navUp, supply, Math.Rounding.Ceil);
        uint256 cutBps = _entryCutBps();
        assets = net.mulDiv(BPS, BPS - cutBps, Math.Rounding.Ceil);
        // The fee recipient gets the fee's part of the cut, rounded down; the levy's part stays with the holders.
        uint256 fee = cutBps == 0 ? 0 : (assets - net).mulDiv(_entryFeeBps, cutBps, Math.Rounding.Floor);
        feeShares = _toShares(fee, navUp, supply, Math.Rounding.Floor);
    }

    /// @dev Shares taken from the owner for withdrawing `assets`, of which `feeShares` go to the fee recipient.
    function _withdrawShares(uint256 assets, uint256 navDown, uint256 supply)
        internal
        view
        returns (uint256 shares, uint256 feeShares)
    {
        uint256 gross = assets.mulDiv(BPS, BPS - _exitCutBps(), Math.Rounding.Ceil);
        shares = _toShares(gross, navDown, supply, Math.Rounding.Ceil);
        feeShares = shares.mulDiv(_exitFeeBps, BPS, Math.Rounding.Floor);
    }

    /// @dev Assets paid for redeeming `shares`, and the fee shares (rounded up) that go to the fee recipient.
    function _redeemAssets(uint256 shares, uint256 navDown, uint256 supply)
        internal
        view
        returns (uint256 assets, uint256 feeShares)
    {
        // The levy's shares are burned with the rest, without paying out: their value stays with the holders.
        feeShares = shares.mulDiv(_exitFeeBps, BPS, Math.Rounding.Ceil);
        uint256 cut = shares.mulDiv(_exitCutBps(), BPS, Math.Rounding.Ceil);
        assets = _toAssets(shares - cut, navDown, supply, Math.Rounding.Floor);
    }

    /// @dev The entry fee plus the levy, in basis points (at most 400 of 10,000).
    function _entryCutBps() internal view returns (uint256) {
        return uint256(_entryFeeBps) + _levyBps;
    }

    /// @dev The exit fee plus the levy, in basis points (at most 400 of 10,000).
    function _exitCutBps() internal view returns (uint256) {
        return uint256(_exitFeeBps) + _levyBps;
    }

    /// @dev The most shares a cash redemption can take: those worth the cash, grossed up by the exit fee and levy.
    function _sharesForCash(uint256 navDown, uint256 supply) internal view returns (uint256) {
        uint256 burnable = _toShares(_cash, navDown, supply, Math.Rounding.Floor);
        return burnable.mulDiv(BPS, BPS - _exitCutBps(), Math.Rounding.Floor);
    }

    /// @dev Refuses a levy below the largest deviation `source` admits (see `IPriceSource.maxDeviationBps`).
    function _checkLevy(IPriceSource source, uint256 levyBps) internal view {
        uint256 deviation = source.maxDeviationBps();
        if (deviation > levyBps) revert LevyBelowDeviation(address(source), deviation, levyBps);
    }

    /// @dev Active from the first `setRebalancer` on: before, the vault holds only cash, which no price or trade moves.
    function _changeDelayActive() internal view virtual override returns (bool) {
        return _wired;
    }

    /// @dev The delayed setters' schedules are the owner's.
    function _authorizeSchedule() internal view override onlyOwner {}

    /// @dev The guardian or the owner may cancel a scheduled change.
    function _authorizeCancel() internal view override {
        if (msg.sender != _guardian && msg.sender != owner()) revert Unauthorized(msg.sender);
    }

    function _toShares(uint256 assets, uint256 navAssets, uint256 supply, Math.Rounding r)
        internal
        view
        returns (uint256)
    {
        return assets.mulDiv(supply + _virtualShares, navAssets + 1, r);
    }

    function _toAssets(uint256 shares, uint256 navAssets, uint256 supply, Math.Rounding r)
        internal
        view
        returns (uint256)
    {
        return shares.mulDiv(navAssets + 1, supply + _virtualShares, r);
    }

    /// @dev Pro-rata of `amount` for `shares`, with the virtual shares in the denominator as in every conversion.
    function _inKindShare(uint256 amount, uint256 shares, uint256 supply) internal view returns (uint256) {
        return amount.mulDiv(shares, supply + _virtualShares, Math.Rounding.Floor);
    }

    /// @dev Sends the input to the adapter, calls it, and measures what left and what arrived.
    function _swapThrough(
        ISwapAdapter adapter,
        IERC20 tIn,
        IERC20 tOut,
        uint256 amountIn,
        uint256 minAmountOut,
        bytes calldata route
    ) internal returns (uint256 spent, uint256 amountOut) {
        uint256 inBefore = tIn.balanceOf(address(this));
        uint256 outBefore = tOut.balanceOf(address(this));
        tIn.safeTransfer(address(adapter), amountIn);
        // Every entry point that moves the vault's tokens is nonReentrant, so only the adapter can change the balances
        // under the swap, which is what the deltas measure; its return value is not trusted, by design (ISwapAdapter).
        // slither-disable-next-line reentrancy-balance,unused-return
        adapter.swap(address(tIn), address(tOut), amountIn, minAmountOut, route);
        uint256 inAfter = tIn.balanceOf(address(this));
        // The adapter may return unused input; it may never take more than it was given.
        spent = inBefore > inAfter ? inBefore - inAfter : 0;
        if (spent > amountIn) revert TradeInputMismatch(address(adapter), amountIn, spent);
        amountOut = tOut.balanceOf(address(this)) - outBefore;
        if (amountOut < minAmountOut) revert TradeOutputTooLow(address(adapter), amountOut, minAmountOut);
    }

    /// @dev The accounted balance of the asset (cash) or of a listed component; reverts with `NotListed` otherwise.
    function _accounted(address token) internal view returns (uint256) {
        if (token == address(_asset)) return _cash;
        return _components[_index(token)].balance;
    }

    function _book(address token, uint256 amount) internal {
        if (token == address(_asset)) {
            _cash = amount;
        } else {
            if (amount > type(uint128).max) revert BalanceAboveMaximum(token, amount, type(uint128).max);
            _components[_index(token)].balance = uint128(amount);
        }
    }

    function _index(address token) internal view returns (uint256) {
        uint256 idxPlusOne = _indexPlusOne[token];
        if (idxPlusOne == 0) revert NotListed(token);
        return idxPlusOne - 1;
    }
}
