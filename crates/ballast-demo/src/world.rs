//! The deployed world, as `script/DemoWorld.s.sol` writes it to `target/demo/world.json`, and the local accounts.

use std::path::Path;

use crate::error::{Error, Result};
use alloy::{primitives::Address, signers::local::PrivateKeySigner};
use serde::Deserialize;

/// Every address of the demo world.
#[derive(Debug, Clone, Deserialize)]
pub struct World {
    /// The stablecoin (MockERC20, 6 decimals).
    pub usdc: Address,
    /// The ChainlinkPriceSource behind every component.
    pub oracle: Address,
    /// The vault.
    pub vault: Address,
    /// Its rebalancer.
    pub rebalancer: Address,
    /// Its redemption queue.
    pub queue: Address,
    /// The allow-listed UniswapV3Adapter.
    pub adapter: Address,
    /// The Uniswap V3 factory.
    pub factory: Address,
    /// The Uniswap V3 SwapRouter.
    pub router: Address,
    /// The NonfungiblePositionManager.
    pub positions: Address,
    /// WETH9.
    pub weth: Address,
    /// The owner, guardian, feed updater and faucet.
    pub deployer: Address,
    /// The rebalancer's keeper.
    pub keeper: Address,
    /// The arbitrageur (holds every token, router approved).
    pub arbitrageur: Address,
    /// The pools' fee tier.
    pub fee: u32,
    /// The components, in the vault's order.
    pub tokens: Vec<Address>,
    /// Their MockAggregator feeds.
    pub feeds: Vec<Address>,
    /// Their token/USDC pools.
    pub pools: Vec<Address>,
}

impl World {
    /// Reads `world.json`.
    pub fn load(path: &Path) -> Result<Self> {
        let text = std::fs::read_to_string(path).map_err(|source| Error::Io {
            path: path.to_path_buf(),
            source,
        })?;
        serde_json::from_str(&text).map_err(|source| Error::Json {
            path: path.to_path_buf(),
            source,
        })
    }
}

/// anvil's well-known development keys (mnemonic `test test ... junk`), indices 0..9. LOCAL CHAIN ONLY: they are
/// public. 0 deploys and updates feeds, 1 is the keeper, 2 the arbitrageur, 3..7 the users, 8 the do-it-yourself
/// holder.
pub const ANVIL_KEYS: [&str; 10] = [
    "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80",
    "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d",
    "0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a",
    "0x7c852118294e51e653712a81e05800f419141751be58f605c371e15141b007a6",
    "0x47e179ec197488593b187f80a00eb0da91f1b9d0b13f8733639f19c30a34926a",
    "0x8b3a350cf5c34c9194ca85829a2df0ec3153be0318b5e2d3348e872092edffba",
    "0x92db14e403b83dfe3df233f83dfa3a0d7096f21ca9b0d6d6b8d88b2b4ec1564e",
    "0x4bbbf85ce3377467afe5d46f804f221813b2bb87f24d81f60f1fcdbf7cbf4356",
    "0xdbda1821b80551c9d65939329250298aa3472ba22feea921c0cf5d620ea67b97",
    "0x2a871d0798f97d79848a013d4936a73bf4cc922c825d33c1cf7073dff6d409c6",
];

/// The signer of anvil account `i`.
pub fn anvil_signer(i: usize) -> Result<PrivateKeySigner> {
    let key = ANVIL_KEYS
        .get(i)
        .ok_or_else(|| Error::Setup(format!("no anvil development key {i}")))?;
    key.parse()
        .map_err(|e| Error::Setup(format!("anvil development key {i}: {e}")))
}
