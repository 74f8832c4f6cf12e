// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ISwapRouter, IUniswapV3Pool} from "../../src/interfaces/IUniswapV3.sol";
import {UniswapV3Adapter} from "../../src/adapters/UniswapV3Adapter.sol";
import {UniswapV3World} from "../utils/UniswapV3World.sol";
import {MockERC20} from "../utils/MockERC20.sol";

/// @notice The Uniswap V3 adapter on real pools: single hop, multi-hop through an intermediate token, the recipient is
/// always the caller, the deadline holds, and paths that do not join `tokenIn` to `tokenOut` are refused.
contract UniswapV3AdapterTest is UniswapV3World {
    MockERC20 internal usdc = new MockERC20("USD Coin", "USDC", 6);
    MockERC20 internal weth = new MockERC20("Wrapped Ether", "WETH", 18);
    MockERC20 internal link = new MockERC20("Chainlink", "LINK", 18);
    UniswapV3Adapter internal adapter;
    address internal vaultLike = makeAddr("vault");

    function setUp() public {
        _deployUniswapV3();
        adapter = new UniswapV3Adapter(ISwapRouter(address(v3Router)));
        _v3CreatePool(address(weth), address(usdc), _v3Price36(3000e18, 18, 6), 50_000_000e6);
        // LINK trades only against WETH: selling it for USDC needs two hops.
        _v3CreatePool(address(link), address(weth), _v3Price36(0.005e18, 18, 18), 10_000e18);
    }

    function _swap(address tokenIn, address tokenOut, uint256 amountIn, uint256 minOut, bytes memory path)
        internal
        returns (uint256 out)
    {
        MockERC20(tokenIn).mint(address(adapter), amountIn);
        vm.prank(vaultLike);
        out = adapter.swap(tokenIn, tokenOut, amountIn, minOut, abi.encode(block.timestamp, path));
    }

    function test_singleHop_paysTheCaller() public {
        uint256 out = _swap(address(weth), address(usdc), 1e18, 2900e6, abi.encodePacked(weth, V3_FEE, usdc));
        assertEq(usdc.balanceOf(vaultLike), out);
        assertApproxEqRel(out, 3000e6 * 997 / 1000, 0.002e18, "price less the 0.3% fee");
        assertEq(weth.balanceOf(address(adapter)), 0, "nothing left in the adapter");
        assertEq(weth.allowance(address(adapter), address(v3Router)), 0, "allowance reset");
    }

    function test_multiHop_throughAnIntermediateToken() public {
        bytes memory path = abi.encodePacked(link, V3_FEE, weth, V3_FEE, usdc);
        uint256 out = _swap(address(link), address(usdc), 100e18, 1, path);
        // 100 LINK = 0.5 WETH = 1,500 USDC, less two 0.3% fees.
        assertApproxEqRel(out, 1500e6 * 994 / 1000, 0.003e18);
        assertEq(usdc.balanceOf(vaultLike), out);
        assertEq(link.balanceOf(address(adapter)), 0);
        assertEq(weth.balanceOf(address(adapter)), 0, "no intermediate left behind");
    }

    function test_minimumOutputEnforcedByTheRouter() public {
        MockERC20(address(weth)).mint(address(adapter), 1e18);
        vm.prank(vaultLike);
        vm.expectRevert(bytes("Too little received"));
        adapter.swap(
            address(weth),
            address(usdc),
            1e18,
            3000e6,
            abi.encode(block.timestamp, abi.encodePacked(weth, V3_FEE, usdc))
        );
    }

    function test_pathMustJoinTheTokens() public {
        bytes memory wrongEnd = abi.encodePacked(weth, V3_FEE, usdc);
        vm.expectRevert(abi.encodeWithSelector(UniswapV3Adapter.InvalidPath.selector, address(weth), address(link)));
        adapter.swap(address(weth), address(link), 1e18, 0, abi.encode(block.timestamp, wrongEnd));
        bytes memory wrongStart = abi.encodePacked(link, V3_FEE, usdc);
        vm.expectRevert(abi.encodeWithSelector(UniswapV3Adapter.InvalidPath.selector, address(weth), address(usdc)));
        adapter.swap(address(weth), address(usdc), 1e18, 0, abi.encode(block.timestamp, wrongStart));
        bytes memory truncated = abi.encodePacked(weth, V3_FEE);
        vm.expectRevert(abi.encodeWithSelector(UniswapV3Adapter.InvalidPath.selector, address(weth), address(usdc)));
        adapter.swap(address(weth), address(usdc), 1e18, 0, abi.encode(block.timestamp, truncated));
    }

    function test_deadlineHolds() public {
        uint256 deadline = block.timestamp;
        vm.warp(block.timestamp + 1);
        vm.expectRevert(abi.encodeWithSelector(UniswapV3Adapter.DeadlinePassed.selector, deadline));
        adapter.swap(address(weth), address(usdc), 1e18, 0, abi.encode(deadline, abi.encodePacked(weth, V3_FEE, usdc)));
    }

    function test_fuzz_singleHop_neverPaysAnyoneElse(uint256 amountIn) public {
        amountIn = bound(amountIn, 1e12, 100e18);
        address other = makeAddr("other");
        uint256 out = _swap(address(weth), address(usdc), amountIn, 0, abi.encodePacked(weth, V3_FEE, usdc));
        assertEq(usdc.balanceOf(vaultLike), out);
        assertEq(usdc.balanceOf(other), 0);
        assertEq(usdc.balanceOf(address(adapter)), 0);
        IUniswapV3Pool pool = _v3Pool(address(weth), address(usdc));
        assertGt(usdc.balanceOf(address(pool)), 0);
    }
}
