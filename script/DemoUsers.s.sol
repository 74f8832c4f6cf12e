// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Script, console2} from "forge-std/Script.sol";

import {BallastVault} from "../contracts/src/BallastVault.sol";
import {IBallastVault} from "../contracts/src/interfaces/IBallastVault.sol";
import {MockERC20} from "../contracts/test/utils/MockERC20.sol";

/// @notice What depositors do in the demo, against the stack written by DeployLocal to `target/demo/deployment.json`.
/// `deposits()`: each user gets test USDC from the mock faucet and enters in ONE transaction (`depositWithPermit`).
/// `exits()`: one user redeems for cash with a slippage floor, one redeems in kind, one keeps holding.
/// Env: USER_KEYS (comma-separated private keys of the users).
contract DemoUsers is Script {
    string internal constant DEPLOYMENT = "target/demo/deployment.json";

    function deposits() external {
        (BallastVault vault, MockERC20 usdc) = _load();
        uint256[] memory keys = vm.envUint("USER_KEYS", ",");
        for (uint256 i; i < keys.length; ++i) {
            address user = vm.addr(keys[i]);
            uint256 assets = (i + 1) * 5000e6;
            vm.broadcast(keys[i]);
            usdc.mint(user, assets);

            uint256 deadline = block.timestamp + 1 hours;
            (uint8 v, bytes32 r, bytes32 s) =
                vm.sign(keys[i], _permitDigest(usdc, user, address(vault), assets, deadline));
            uint256 quoted = vault.previewDeposit(assets);
            // Hold the user to the quote they saw, less 0.1% for price moves before inclusion.
            uint256 minShares = quoted * 999 / 1000;
            vm.broadcast(keys[i]);
            uint256 shares = vault.depositWithPermit(assets, user, minShares, deadline, v, r, s);
            console2.log("user %s deposited %s USDC (one transaction)", user, assets / 1e6);
            console2.log("  quoted shares %s, received %s", quoted, shares);
        }
        _report(vault);
    }

    function exits() external {
        (BallastVault vault,) = _load();
        uint256[] memory keys = vm.envUint("USER_KEYS", ",");
        require(keys.length >= 2, "need at least two users");

        address first = vm.addr(keys[0]);
        uint256 half = vault.balanceOf(first) / 2;
        uint256 quoted = vault.previewRedeem(half);
        vm.broadcast(keys[0]);
        uint256 paid = vault.redeem(half, first, first, quoted);
        console2.log("user %s redeemed half for %s USDC base units (quoted %s)", first, paid, quoted);

        address second = vm.addr(keys[1]);
        uint256 all = vault.balanceOf(second);
        vm.broadcast(keys[1]);
        (uint256[] memory amounts, uint256 cash) = vault.redeemInKind(all, second, second);
        uint256 nonZero;
        for (uint256 i; i < amounts.length; ++i) {
            if (amounts[i] != 0) ++nonZero;
        }
        console2.log("user %s redeemed in kind: %s USDC base units + %s components", second, cash, nonZero);
        _report(vault);
    }

    function _report(BallastVault vault) internal view {
        (uint256 navAssets, bool valid,) = vault.nav();
        console2.log("vault NAV %s USDC base units (prices valid: %s)", navAssets, valid);
        console2.log("  cash %s, shares %s, components %s", vault.cash(), vault.totalSupply(), vault.componentCount());
        IBallastVault.FeeConfig memory f = vault.feeConfig();
        console2.log(
            "  fees: management %s WAD/yr, entry %s bps, exit %s bps", f.managementFeeWad, f.entryFeeBps, f.exitFeeBps
        );
    }

    function _load() internal view returns (BallastVault vault, MockERC20 usdc) {
        string memory json = vm.readFile(DEPLOYMENT);
        vault = BallastVault(vm.parseJsonAddress(json, ".vault"));
        usdc = MockERC20(vm.parseJsonAddress(json, ".usdc"));
    }

    function _permitDigest(MockERC20 token, address owner, address spender, uint256 value, uint256 deadline)
        internal
        view
        returns (bytes32)
    {
        bytes32 structHash = keccak256(
            abi.encode(
                keccak256("Permit(address owner,address spender,uint256 value,uint256 nonce,uint256 deadline)"),
                owner,
                spender,
                value,
                token.nonces(owner),
                deadline
            )
        );
        return keccak256(abi.encodePacked("\x19\x01", token.DOMAIN_SEPARATOR(), structHash));
    }
}
