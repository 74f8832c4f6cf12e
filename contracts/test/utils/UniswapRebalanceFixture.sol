// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IBallastRebalancer} from "../../src/interfaces/IBallastRebalancer.sol";
import {IBallastVault} from "../../src/interfaces/IBallastVault.sol";
import {ISwapAdapter} from "../../src/interfaces/ISwapAdapter.sol";
import {ISwapRouter, IUniswapV3Pool} from "../../src/interfaces/IUniswapV3.sol";
import {UniswapV3Adapter} from "../../src/adapters/UniswapV3Adapter.sol";
import {RebalanceFixture} from "./RebalanceFixture.sol";
import {UniswapV3World} from "./UniswapV3World.sol";

/// @notice The rebalancing stack trading on REAL Uniswap V3 pools (npm bytecode): one token/USDC pool per component at
/// its oracle price with full-range liquidity, and the real `UniswapV3Adapter` allow-listed. Helpers build the keeper's
/// trades (sells first, then buys, in batches) the way the Rust planner does, and move feeds and pools together.
abstract contract UniswapRebalanceFixture is RebalanceFixture, UniswapV3World {
    UniswapV3Adapter internal v3Adapter;
    uint256 internal constant BATCH = 10;
    /// @dev Buys are scaled by this / 10,000 so pool fees and impact cannot push a buy past its band.
    uint256 internal constant BUY_KEEP_BPS = 9990;

    /// @dev Deploys vault (`n` components), rebalancer, Uniswap V3, pools with `poolValue` of liquidity each.
    function _deployWorld(uint256 n, uint256 poolValue) internal {
        _deployVault(n, 6);
        _buildRebalancer();
        _deployUniswapV3();
        v3Adapter = new UniswapV3Adapter(ISwapRouter(address(v3Router)));
        vm.prank(owner);
        rebalancer.setAdapter(address(v3Adapter), true);
        _wireRebalancer();
        for (uint256 i; i < n; ++i) {
            _v3CreatePool(address(tokens[i]), address(usdc), oracle.price(address(tokens[i])), poolValue);
        }
    }

    function _route(address tokenIn, address tokenOut) internal view returns (bytes memory) {
        return abi.encode(block.timestamp + 1 hours, abi.encodePacked(tokenIn, V3_FEE, tokenOut));
    }

    function _v3Trade(address tokenIn, address tokenOut, uint256 amountIn)
        internal
        view
        returns (IBallastRebalancer.Trade memory)
    {
        return IBallastRebalancer.Trade({
            adapter: ISwapAdapter(address(v3Adapter)),
            tokenIn: tokenIn,
            tokenOut: tokenOut,
            amountIn: amountIn,
            route: _route(tokenIn, tokenOut)
        });
    }

    /// @dev The trades that bring every component to its target at the open epoch's NAV, as the Rust planner does:
    /// sells of components above half their band; buys of components below half their band; then, while the cash
    /// leg is still above its target by more than half the band, buys of the remaining underweight components.
    function _planTrades() internal view returns (IBallastRebalancer.Trade[] memory trades) {
        IBallastVault.ComponentView[] memory cs = vault.components();
        // ctx: investable NAV, half band, spare cash above its target (tracked as buys are planned)
        uint256[3] memory ctx = _planContext();
        IBallastRebalancer.Trade[] memory buf = new IBallastRebalancer.Trade[](cs.length);
        bool[] memory used = new bool[](cs.length);
        uint256 k;
        for (uint256 pass; pass < 3; ++pass) {
            for (uint256 i; i < cs.length; ++i) {
                if (used[i]) continue;
                (uint256 amount, bool sell) = _legAmount(cs[i], ctx, pass);
                if (amount == 0) continue;
                used[i] = true;
                buf[k++] =
                    sell ? _v3Trade(cs[i].token, address(usdc), amount) : _v3Trade(address(usdc), cs[i].token, amount);
            }
        }
        trades = new IBallastRebalancer.Trade[](k);
        for (uint256 i; i < k; ++i) {
            trades[i] = buf[i];
        }
    }

    /// @dev The open epoch's investable NAV, half its band, and the cash above the cash target.
    function _planContext() internal view returns (uint256[3] memory ctx) {
        IBallastRebalancer.Epoch memory e = rebalancer.currentEpoch();
        ctx[0] = uint256(e.navAtOpen) - e.reserved;
        ctx[1] = uint256(e.navAtOpen) * rebalancer.config().bandWad / 2e18;
        uint256 cashTarget = ctx[0] * vault.cashTargetWeight() / 1e18 + e.reserved;
        ctx[2] = vault.cash() > cashTarget ? vault.cash() - cashTarget : 0;
    }

    /// @dev Pass 0: the sell of a component above half its band. Pass 1: the buy of one below half its band. Pass 2:
    /// the buy of any underweight component while spare cash exceeds half the band. Buys spend `ctx[2]`.
    function _legAmount(IBallastVault.ComponentView memory c, uint256[3] memory ctx, uint256 pass)
        internal
        view
        returns (uint256 amount, bool sell)
    {
        uint256 p = oracle.price(c.token);
        uint256 value = c.balance * p / 1e36;
        uint256 target = ctx[0] * c.targetWeight / 1e18;
        if (pass == 0) {
            if (value <= target + ctx[1]) return (0, false);
            return (target == 0 ? c.balance : (value - target) * 1e36 / p, true);
        }
        if (value >= target || (pass == 1 && value + ctx[1] >= target) || (pass == 2 && ctx[2] <= ctx[1])) {
            return (0, false);
        }
        amount = (target - value) * BUY_KEEP_BPS / 10_000;
        if (pass == 2 && amount > ctx[2]) amount = ctx[2];
        ctx[2] = ctx[2] > amount ? ctx[2] - amount : 0;
    }

    /// @dev Executes `trades` in batches as the keeper; returns the gas of every transaction summed.
    function _executeAll(uint64 epochId, IBallastRebalancer.Trade[] memory trades) internal returns (uint256 gas) {
        uint256 i;
        while (i < trades.length) {
            uint256 len = trades.length - i < BATCH ? trades.length - i : BATCH;
            IBallastRebalancer.Trade[] memory batch = new IBallastRebalancer.Trade[](len);
            for (uint256 j; j < len; ++j) {
                batch[j] = trades[i + j];
            }
            uint32 index = rebalancer.currentEpoch().trades;
            vm.prank(keeper);
            rebalancer.executeTrades(epochId, index, batch);
            gas += vm.lastCallGas().gasTotalUsed;
            i += len;
        }
    }

    /// @dev Sells are executed first and separately, since buys are sized on the cash the sells raise.
    function _rebalanceAll(uint64 epochId) internal returns (uint256 gas) {
        IBallastRebalancer.Trade[] memory trades = _planTrades();
        uint256 sells;
        while (sells < trades.length && trades[sells].tokenOut == address(usdc)) ++sells;
        IBallastRebalancer.Trade[] memory s = new IBallastRebalancer.Trade[](sells);
        for (uint256 i; i < sells; ++i) {
            s[i] = trades[i];
        }
        gas = _executeAll(epochId, s);
        gas += _executeAll(epochId, _planTrades());
    }

    /// @dev Moves the feed and the pool of component `i` by `bps` / 10,000, together (arbitrage keeps them close).
    function _movePriceEverywhere(uint256 i, uint256 bps) internal {
        _movePrice(i, bps);
        IUniswapV3Pool pool = _v3Pool(address(tokens[i]), address(usdc));
        _v3MovePrice(pool, address(tokens[i]), oracle.price(address(tokens[i])));
    }

    /// @dev Value in cash of every component of the vault.
    function _weightOfCash() internal view returns (uint256) {
        return vault.cash() * 1e18 / vault.totalAssets();
    }
}
