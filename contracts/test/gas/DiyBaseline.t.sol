// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";

import {ISwapRouter, IUniswapV3Pool} from "../../src/interfaces/IUniswapV3.sol";
import {UniswapV3World} from "../utils/UniswapV3World.sol";
import {MockERC20} from "../utils/MockERC20.sol";

/// @notice The "do it yourself" baseline the vault is compared with: a fresh user buys the same N tokens on real
/// Uniswap V3 pools (the npm bytecode of v3-core 1.0.1 and v3-periphery 1.4.4) with one `approve` of the SwapRouter
/// and N `exactInputSingle` swaps, one transaction each, spending 1,000 USDC in total (1,000 / N per token, the
/// vault gas suite's deposit size). Written to `snapshots/DiyBaseline.json` for N = 1, 10, 25, 50, 100.
/// @dev Honest measurement:
/// - Isolate mode (the per-test inline config `default.isolate = true`): every top-level call is its own transaction, so every
///   account and slot is cold at its start, as on a real chain, and the gas forge reports for it is the whole
///   transaction's: 21,000 base + calldata + execution (after refunds).
/// - Live pools: each token/USDC pool (0.3% tier, $10M of full-range liquidity) has traded in both directions before,
///   so the fee-growth accumulators and balances are nonzero, as in any pool a person would use; each swap is the first
///   in its pool in a new block (12 s later), so it writes a price observation, as a real swap usually does.
/// - The user keeps some USDC after the last swap (no balance-clearing refund) and sets a 5% slippage minimum.
/// - Not modelled (each makes the real DIY cost higher): crossing initialized ticks of concentrated positions,
///   multi-hop routes for tokens without a USDC pool, and an approval per token for a later sale.
/// Keys, per N (`_N<n>` suffix): `approve` (tx gas of the one approval), `total_with_base` (the gas the user pays:
/// approve + N swap transactions, each with its 21,000 base and calldata), `total_calldata` (the calldata part of it),
/// `total_exec` (execution only: `total_with_base` minus 21,000 and calldata per transaction), `per_swap` (average
/// tx gas of one swap, 21,000 and calldata included) and `per_swap_exec` (its execution part).
contract DiyBaselineTest is UniswapV3World {
    uint256 internal constant BASE_TX_GAS = 21_000;
    uint256 internal constant BUDGET = 1000e6;

    MockERC20 internal usdc;
    MockERC20[] internal diyTokens;
    address internal user = makeAddr("diyUser");
    address internal trader = makeAddr("warmUpTrader");

    /// @dev Deploys Uniswap V3, USDC (6 decimals) and `n` tokens with live pools; funds the user.
    function _setUpN(uint256 n) internal {
        vm.warp(1_700_000_000);
        vm.roll(20_000_000);
        _deployUniswapV3();
        usdc = new MockERC20("USD Coin", "USDC", 6);
        for (uint256 i; i < n; ++i) {
            uint8 dec = _decimalsOf(i);
            MockERC20 token =
                new MockERC20(string.concat("Token ", vm.toString(i)), string.concat("T", vm.toString(i)), dec);
            diyTokens.push(token);
            _v3CreatePool(address(token), address(usdc), _v3Price36(_usdPriceOf(i), dec, 6), 10_000_000e6);
            // Trading history in both directions: nonzero fee growth and balances, as in a live pool.
            _v3Swap(address(usdc), address(token), 5000e6, trader);
            _v3Swap(
                address(token), address(usdc), Math.mulDiv(2500e6, 1e36, _v3Price36(_usdPriceOf(i), dec, 6)), trader
            );
        }
        usdc.mint(user, BUDGET + 100e6);
    }

    function _measure(uint256 n) internal {
        _setUpN(n);
        string memory suffix = string.concat("_N", vm.toString(n));
        uint256 perToken = BUDGET / n;

        // One approval of the router for the whole budget.
        _advanceBlock();
        bytes memory approveData = abi.encodeCall(usdc.approve, (address(v3Router), BUDGET));
        vm.prank(user);
        usdc.approve(address(v3Router), BUDGET);
        uint256 approveGas = vm.snapshotGasLastCall("DiyBaseline", string.concat("approve", suffix));
        // The swaps below are read with `lastCallGas`, the same figure `snapshotGasLastCall` records.
        assertEq(vm.lastCallGas().gasTotalUsed, approveGas);
        uint256 totalTx = approveGas;
        uint256 totalCalldata = _calldataGas(approveData);

        // N swaps, each its own transaction in a later block.
        for (uint256 i; i < n; ++i) {
            MockERC20 token = diyTokens[i];
            uint256 price36 = _v3Price36(_usdPriceOf(i), token.decimals(), 6);
            ISwapRouter.ExactInputSingleParams memory params = ISwapRouter.ExactInputSingleParams({
                tokenIn: address(usdc),
                tokenOut: address(token),
                fee: V3_FEE,
                recipient: user,
                deadline: block.timestamp + 20 minutes,
                amountIn: perToken,
                amountOutMinimum: Math.mulDiv(perToken, 0.95e36, price36),
                sqrtPriceLimitX96: 0
            });
            _advanceBlock();
            vm.prank(user);
            v3Router.exactInputSingle(params);
            totalTx += vm.lastCallGas().gasTotalUsed;
            totalCalldata += _calldataGas(abi.encodeCall(v3Router.exactInputSingle, (params)));
            assertGe(token.balanceOf(user), params.amountOutMinimum);
        }
        assertEq(usdc.balanceOf(user), BUDGET + 100e6 - perToken * n, "spent exactly the budget");

        uint256 totalExec = totalTx - totalCalldata - BASE_TX_GAS * (n + 1);
        uint256 swapTx = totalTx - approveGas;
        uint256 swapExec = swapTx - (totalCalldata - _calldataGas(approveData)) - BASE_TX_GAS * n;
        vm.snapshotValue("DiyBaseline", string.concat("total_with_base", suffix), totalTx);
        vm.snapshotValue("DiyBaseline", string.concat("total_calldata", suffix), totalCalldata);
        vm.snapshotValue("DiyBaseline", string.concat("total_exec", suffix), totalExec);
        vm.snapshotValue("DiyBaseline", string.concat("per_swap", suffix), swapTx / n);
        vm.snapshotValue("DiyBaseline", string.concat("per_swap_exec", suffix), swapExec / n);
    }

    /// forge-config: default.isolate = true
    function test_diy_N1() public {
        _measure(1);
    }

    /// forge-config: default.isolate = true
    function test_diy_N10() public {
        _measure(10);
    }

    /// forge-config: default.isolate = true
    function test_diy_N25() public {
        _measure(25);
    }

    /// forge-config: default.isolate = true
    function test_diy_N50() public {
        _measure(50);
    }

    /// forge-config: default.isolate = true
    function test_diy_N100() public {
        _measure(100);
    }

    function _advanceBlock() internal {
        vm.warp(block.timestamp + 12);
        vm.roll(block.number + 1);
    }

    /// @dev Intrinsic calldata gas (EIP-2028): 4 per zero byte, 16 per nonzero byte.
    function _calldataGas(bytes memory data) internal pure returns (uint256 gas) {
        for (uint256 i; i < data.length; ++i) {
            gas += data[i] == 0 ? 4 : 16;
        }
    }

    /// @dev The vault gas suite's spread of decimals: 18, 8, 6, 18, 12, ...
    function _decimalsOf(uint256 i) internal pure returns (uint8) {
        uint8[5] memory d = [uint8(18), 8, 6, 18, 12];
        return d[i % 5];
    }

    /// @dev The vault gas suite's spread of USD prices per whole token (18-decimal here), $0.0001 to $60,000.
    function _usdPriceOf(uint256 i) internal pure returns (uint256) {
        uint256[8] memory p = [uint256(60_000e18), 3000e18, 150e18, 12e18, 1e18, 0.35e18, 0.002e18, 0.0001e18];
        return p[i % 8] + i * 1e15;
    }
}
