//! `ballast deploy`: deploys the production stack (price source, vault, rebalancer, redemption queue, Uniswap V3
//! adapter) onto existing tokens and Chainlink-style feeds, wires it, hands it over, and writes a ready keeper config.
//!
//! The spec (TOML, unknown keys are errors; amounts are decimal strings in token units, weights are WAD integers):
//!
//! ```toml
//! [chain]
//! rpc_url = "http://127.0.0.1:8545"
//! chain_id = 31337                          # checked against the node
//! confirmations = 1                         # blocks on top of a receipt before a step counts (default 1)
//!
//! [signer]                                  # the deployer, exactly like the keeper config's [signer]
//! keystore = "/path/to/keystore.json"       # password: BALLAST_KEYSTORE_PASSWORD or a prompt
//! # private_key = "0x..."                   # accepted only when chain_id = 31337 (anvil)
//!
//! [gas]                                     # optional
//! max_fee_gwei = 100                        # never pay more per gas (default 100)
//! max_priority_fee_gwei = 1                 # (default 1)
//!
//! [vault]
//! asset = "0x..."                           # the quote asset (USDC)
//! name = "Ballast Top Index"
//! symbol = "BTOP"
//! owner = "0x..."                           # final owner: if not the deployer, ownership is transferred (2-step)
//! guardian = "0x..."
//! keeper = "0x..."                          # the keeper (the rebalancer enforces who may rebalance)
//! fee_recipient = "0x..."
//! seed_assets = "1000"                      # asset units, pulled from the deployer by the vault's constructor
//! management_fee_wad = 5000000000000000     # per year, WAD (default 0)
//! entry_fee_bps = 10                        # (default 0)
//! exit_fee_bps = 10                         # (default 0)
//! levy_bps = 0                              # anti-dilution levy on cash entries/exits, kept by the vault (default 0);
//!                                           # at least the price source's max_deviation_bps, at most 300
//! share_lock_secs = 600                     # (default 0)
//! deposit_cap = "10000000"                  # asset units (default: none)
//! min_deposit = "10"                        # asset units (default 0)
//! cash_weight_wad = 50000000000000000       # cash target; with the components' weights, sums to 1e18 exactly
//!
//! [oracle]                                  # the ChainlinkPriceSource (optional section)
//! quote_feed = "0x..."                      # the asset's USD feed; omitted: the asset is taken as exactly 1 USD
//! quote_heartbeat = 86400                   # seconds (needed with quote_feed)
//! max_deviation_bps = 50                    # the source's maxDeviationBps, fixed for its life: at least the largest
//!                                           # deviation threshold of its feeds (compounded with the quote feed's);
//!                                           # the vault's levy must cover it (default 0, at most 500)
//!
//! [rebalancer]                              # BallastRebalancer.Config (optional section; these are the defaults)
//! max_slippage_bps = 100
//! max_call_loss_bps = 100
//! max_epoch_loss_bps = 300
//! max_turnover_bps = 30000
//! band_wad = 5000000000000000
//! cash_buffer_wad = 20000000000000000
//! min_dwell_secs = 86400
//! keeper_grace_secs = 3600
//! epoch_interval_secs = 604800
//! min_epoch_spacing_secs = 0
//! # schedule_anchor = 1700000000            # unix seconds (default: the latest block's timestamp)
//!
//! [uniswap]                                 # optional section
//! router = "0x..."                          # SwapRouter: deploys a UniswapV3Adapter and allow-lists it
//! factory = "0x..."                         # written to keeper.toml's [uniswap] (pool depths read on chain)
//! fee = 3000                                # keeper.toml's [pools] default fee tier (default 3000)
//! pool_depth = 1000000                      # keeper.toml's [pools] default depth, whole asset units (default 1e6)
//! deadline_secs = 300                       # keeper.toml's [routes] deadline (default 300)
//!
//! [[components]]                            # one per index token, in vault order
//! token = "0x..."
//! feed = "0x..."                            # token/USD feed
//! heartbeat = 86400                         # seconds
//! weight_wad = 475000000000000000
//! probe = "1"                               # token units: the deployer must hold it (the vault sends it back)
//! ```
//!
//! Steps (each pre-flighted together in revm before anything is sent, then sent by the keeper's [`Sender`]):
//! price source and its feeds; seed approval of the vault's predicted address; the vault; probe approvals and
//! the levy; listings; target weights, fees, deposit limits, share lock; the rebalancer, the queue,
//! `setRedemptionQueue`; the adapter and `setAdapter`; `setRebalancer` (last: it turns the change delay on);
//! ownership transfers. Each confirmed step is recorded in
//! `OUT/deployment.json` at once; a rerun with the same spec checks the recorded steps on chain (code at the
//! recorded addresses, successful receipts) and does only what is left. A recorded contract without code, a step
//! sent but not recorded, another spec or another deployer: the run stops and says so; it never deploys a second
//! vault silently.

use std::{
    collections::BTreeMap,
    fmt,
    path::{Path, PathBuf},
    time::Duration,
};

use alloy::{
    consensus::Transaction as _,
    eips::BlockNumberOrTag,
    network::TransactionResponse as _,
    primitives::{keccak256, Address, Bytes, TxHash, TxKind, B256, U256},
    providers::{DynProvider, Provider},
    sol_types::{SolCall, SolConstructor},
};
use serde::{Deserialize, Serialize};
use tracing::{info, warn};

use crate::{
    bindings::{
        ballast_rebalancer::{BallastRebalancer, IBallastRebalancer},
        ballast_vault::BallastVault,
        chainlink_price_source::ChainlinkPriceSource,
        redemption_queue::RedemptionQueue,
        uniswap_v3_adapter::UniswapV3Adapter,
        IAggregatorV3, IERC20Metadata,
    },
    chain,
    config::signer_source,
    keys::{KeySource, RpcUrl, Secret},
    sender::{FeePolicy, Intent, Sender},
    simulate::{SimTx, Simulator},
    Error, Result,
};

/// WAD: weights sum to this exactly.
pub const WAD: u64 = 1_000_000_000_000_000_000;
/// Gas limit of a simulated step (under the 2^24 per-transaction cap of recent forks).
const SIM_GAS: u64 = 16_000_000;

/// The deploy spec (see the module docs).
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Spec {
    /// `[chain]`.
    pub chain: ChainSpec,
    /// `[signer]`: the deployer.
    #[serde(default)]
    pub signer: SignerSpec,
    /// `[gas]`.
    #[serde(default)]
    pub gas: GasSpec,
    /// `[vault]`.
    pub vault: VaultSpec,
    /// `[oracle]`.
    #[serde(default)]
    pub oracle: OracleSpec,
    /// `[rebalancer]`.
    #[serde(default)]
    pub rebalancer: RebalancerSpec,
    /// `[uniswap]`.
    #[serde(default)]
    pub uniswap: UniswapSpec,
    /// `[[components]]`.
    pub components: Vec<ComponentSpec>,
}

/// `[chain]`.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ChainSpec {
    /// The node.
    pub rpc_url: String,
    /// The chain id the node must report.
    pub chain_id: u64,
    /// Blocks including a receipt before it counts.
    #[serde(default = "one")]
    pub confirmations: u64,
}

/// `[signer]`: a keystore or (anvil only) a raw key. The raw key is never serialized nor printed.
#[derive(Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct SignerSpec {
    /// An encrypted JSON keystore.
    pub keystore: Option<PathBuf>,
    /// A raw hex key (chain 31337 only).
    #[serde(default, skip_serializing)]
    pub private_key: Option<String>,
}

impl fmt::Debug for SignerSpec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SignerSpec")
            .field("keystore", &self.keystore)
            .field(
                "private_key",
                &self.private_key.as_ref().map(|_| "<redacted>"),
            )
            .finish()
    }
}

/// `[gas]`.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct GasSpec {
    /// Cap on `maxFeePerGas`, gwei.
    #[serde(default = "default_max_fee")]
    pub max_fee_gwei: u64,
    /// Cap on `maxPriorityFeePerGas`, gwei.
    #[serde(default = "one")]
    pub max_priority_fee_gwei: u64,
}

impl Default for GasSpec {
    fn default() -> Self {
        Self {
            max_fee_gwei: default_max_fee(),
            max_priority_fee_gwei: 1,
        }
    }
}

/// `[vault]`.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct VaultSpec {
    /// The asset.
    pub asset: Address,
    /// Share token name.
    pub name: String,
    /// Share token symbol.
    pub symbol: String,
    /// Final owner.
    pub owner: Address,
    /// Guardian.
    pub guardian: Address,
    /// Keeper (vault and rebalancer).
    pub keeper: Address,
    /// Fee recipient.
    pub fee_recipient: Address,
    /// Seed, asset units.
    pub seed_assets: Amount,
    /// Management fee per year, WAD.
    #[serde(default)]
    pub management_fee_wad: Wad,
    /// Entry fee, bps.
    #[serde(default)]
    pub entry_fee_bps: u16,
    /// Exit fee, bps.
    #[serde(default)]
    pub exit_fee_bps: u16,
    /// Anti-dilution levy, bps (kept by the vault; at least the price source's deviation bound). Left out of the
    /// spec hash when 0, so specs written before it keep their hash.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub levy_bps: u16,
    /// Share lock, seconds.
    #[serde(default)]
    pub share_lock_secs: u64,
    /// Deposit cap, asset units (none: no cap).
    #[serde(default)]
    pub deposit_cap: Option<Amount>,
    /// Minimum deposit, asset units.
    #[serde(default)]
    pub min_deposit: Option<Amount>,
    /// Cash target weight, WAD.
    pub cash_weight_wad: Wad,
}

/// `[oracle]`.
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct OracleSpec {
    /// The asset's USD feed (none: the asset is 1 USD).
    pub quote_feed: Option<Address>,
    /// Its heartbeat, seconds.
    #[serde(default)]
    pub quote_heartbeat: u32,
    /// The source's `maxDeviationBps` (constructor argument, fixed for its life), at most
    /// [`MAX_DEVIATION_BPS`]. Left out of the spec's hash when 0, so specs written before the field keep their hash.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub max_deviation_bps: u16,
}

/// `BallastVault.MAX_LEVY_BPS`: the largest `[vault] levy_bps` the vault accepts.
const MAX_LEVY_BPS: u16 = 300;

/// `ChainlinkPriceSource.MAX_DEVIATION_BPS`: the largest `[oracle] max_deviation_bps` the source accepts.
pub const MAX_DEVIATION_BPS: u16 = 500;

fn is_zero(v: &u16) -> bool {
    *v == 0
}

/// `[rebalancer]`: `IBallastRebalancer.Config`.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
#[allow(missing_docs)]
pub struct RebalancerSpec {
    pub max_slippage_bps: u16,
    pub max_call_loss_bps: u16,
    pub max_epoch_loss_bps: u16,
    pub max_turnover_bps: u32,
    pub band_wad: Wad,
    pub cash_buffer_wad: Wad,
    pub min_dwell_secs: u32,
    pub keeper_grace_secs: u32,
    pub epoch_interval_secs: u32,
    pub min_epoch_spacing_secs: u32,
    /// Unix seconds; none: the latest block's timestamp.
    pub schedule_anchor: Option<u64>,
}

impl Default for RebalancerSpec {
    fn default() -> Self {
        Self {
            max_slippage_bps: 100,
            max_call_loss_bps: 100,
            max_epoch_loss_bps: 300,
            max_turnover_bps: 30_000,
            band_wad: Wad(5_000_000_000_000_000),
            cash_buffer_wad: Wad(20_000_000_000_000_000),
            min_dwell_secs: 86_400,
            keeper_grace_secs: 3_600,
            epoch_interval_secs: 7 * 86_400,
            min_epoch_spacing_secs: 0,
            schedule_anchor: None,
        }
    }
}

/// `[uniswap]`.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct UniswapSpec {
    /// The SwapRouter: an adapter is deployed and allow-listed when given.
    pub router: Option<Address>,
    /// The factory, for keeper.toml's `[uniswap]`.
    pub factory: Option<Address>,
    /// The default fee tier (pips).
    pub fee: u32,
    /// The default pool depth, whole asset units.
    pub pool_depth: u64,
    /// Route deadline, seconds.
    pub deadline_secs: u64,
}

impl Default for UniswapSpec {
    fn default() -> Self {
        Self {
            router: None,
            factory: None,
            fee: 3_000,
            pool_depth: 1_000_000,
            deadline_secs: 300,
        }
    }
}

/// `[[components]]`.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ComponentSpec {
    /// The token.
    pub token: Address,
    /// Its USD feed.
    pub feed: Address,
    /// The feed's heartbeat, seconds.
    pub heartbeat: u32,
    /// Target weight, WAD.
    pub weight_wad: Wad,
    /// Probe amount, token units.
    pub probe: Amount,
}

/// A decimal amount in token units (`"1000.5"`), or a TOML integer.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize, Serialize)]
#[serde(untagged)]
pub enum Amount {
    /// `"1000.5"`.
    Text(String),
    /// `1000`.
    Int(u64),
}

impl Amount {
    fn base_units(&self, decimals: u8, key: &str) -> Result<U256> {
        let s = match self {
            Self::Text(s) => s.trim().to_string(),
            Self::Int(i) => i.to_string(),
        };
        let bad =
            |why: &str| Error::config(key, format!("`{s}` is not an amount in token units: {why}"));
        let (int, frac) = s.split_once('.').unwrap_or((&s, ""));
        if int.is_empty() || !int.chars().chain(frac.chars()).all(|c| c.is_ascii_digit()) {
            return Err(bad("expected digits with an optional decimal point"));
        }
        if frac.len() > decimals as usize {
            return Err(bad(&format!("more than the token's {decimals} decimals")));
        }
        let digits = format!("{int}{frac}{}", "0".repeat(decimals as usize - frac.len()));
        U256::from_str_radix(&digits, 10).map_err(|_| bad("too large"))
    }
}

/// A WAD (1e18 = 100 %): a TOML integer or a decimal string of an integer.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Wad(pub u64);

impl<'de> Deserialize<'de> for Wad {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Raw {
            Int(u64),
            Text(String),
        }
        match Raw::deserialize(d)? {
            Raw::Int(i) => Ok(Self(i)),
            Raw::Text(s) => s.trim().replace('_', "").parse().map(Self).map_err(|_| {
                serde::de::Error::custom(format!("`{s}` is not a whole number of WAD units"))
            }),
        }
    }
}

fn one() -> u64 {
    1
}

fn default_max_fee() -> u64 {
    100
}

impl Spec {
    /// Parses and checks a spec (offline checks only: weights, signer, heartbeats).
    pub fn parse(text: &str) -> Result<Self> {
        let spec: Spec = toml::from_str(text)
            .map_err(|e| Error::config("<spec>", e.to_string().trim().to_string()))?;
        spec.check()?;
        Ok(spec)
    }

    /// Reads and parses `path`.
    pub fn load(path: &Path) -> Result<Self> {
        let text = std::fs::read_to_string(path).map_err(|source| Error::Io {
            path: path.display().to_string(),
            source,
        })?;
        Self::parse(&text)
    }

    fn check(&self) -> Result<()> {
        RpcUrl::parse(&self.chain.rpc_url).map_err(|r| Error::config("chain.rpc_url", r))?;
        self.key_source()?;
        if self.components.is_empty() {
            return Err(Error::config(
                "components",
                "at least one [[components]] is required",
            ));
        }
        let mut seen = BTreeMap::new();
        for (i, c) in self.components.iter().enumerate() {
            if let Some(j) = seen.insert(c.token, i) {
                return Err(Error::config(
                    format!("components[{i}].token"),
                    format!("{} is listed twice (also components[{j}])", c.token),
                ));
            }
            if c.token == self.vault.asset {
                return Err(Error::config(
                    format!("components[{i}].token"),
                    format!("{} is the vault's asset", c.token),
                ));
            }
        }
        let sum: u128 = self
            .components
            .iter()
            .map(|c| c.weight_wad.0 as u128)
            .sum::<u128>()
            + self.vault.cash_weight_wad.0 as u128;
        if sum != WAD as u128 {
            return Err(Error::config(
                "components[*].weight_wad + vault.cash_weight_wad",
                format!("the weights sum to {sum}, not 1e18 ({WAD}) exactly"),
            ));
        }
        if self.oracle.quote_feed.is_some() && self.oracle.quote_heartbeat == 0 {
            return Err(Error::config(
                "oracle.quote_heartbeat",
                "required with oracle.quote_feed",
            ));
        }
        if self.oracle.max_deviation_bps > MAX_DEVIATION_BPS {
            return Err(Error::config(
                "oracle.max_deviation_bps",
                format!(
                    "{} is above {MAX_DEVIATION_BPS}, the most ChainlinkPriceSource accepts",
                    self.oracle.max_deviation_bps
                ),
            ));
        }
        if self.vault.levy_bps > MAX_LEVY_BPS {
            return Err(Error::config(
                "vault.levy_bps",
                format!(
                    "{} is above {MAX_LEVY_BPS}, the most BallastVault accepts",
                    self.vault.levy_bps
                ),
            ));
        }
        if self.vault.levy_bps < self.oracle.max_deviation_bps {
            return Err(Error::config(
                "vault.levy_bps",
                format!(
                    "{} is below oracle.max_deviation_bps ({}): the vault refuses a source whose prices may lag \
                     further than its levy covers",
                    self.vault.levy_bps, self.oracle.max_deviation_bps
                ),
            ));
        }
        if self.gas.max_priority_fee_gwei > self.gas.max_fee_gwei {
            return Err(Error::config(
                "gas.max_priority_fee_gwei",
                "must not exceed gas.max_fee_gwei",
            ));
        }
        if self.vault.cash_weight_wad.0 < self.rebalancer.cash_buffer_wad.0 {
            warn!(
                cash_weight_wad = self.vault.cash_weight_wad.0,
                cash_buffer_wad = self.rebalancer.cash_buffer_wad.0,
                "vault.cash_weight_wad is below rebalancer.cash_buffer_wad: epochs must raise the cash weight"
            );
        }
        Ok(())
    }

    /// The deployer's key source (keystore, or a raw key on anvil only).
    pub fn key_source(&self) -> Result<KeySource> {
        signer_source(
            self.signer.keystore.clone(),
            self.signer.private_key.clone().map(Secret::new),
            self.chain.chain_id,
        )
        .map_err(|r| Error::config("signer.private_key", r))?
        .ok_or_else(|| {
            Error::config(
                "signer",
                "missing: give signer.keystore (or signer.private_key on anvil)",
            )
        })
    }

    /// A hash of what the spec deploys (the RPC URL and the signer's form excluded), to refuse resuming a deployment
    /// with another spec.
    pub fn hash(&self) -> B256 {
        let mut v = serde_json::to_value(self).unwrap_or_default();
        if let Some(o) = v.as_object_mut() {
            o.remove("signer");
            if let Some(c) = o.get_mut("chain").and_then(|c| c.as_object_mut()) {
                c.remove("rpc_url");
            }
        }
        keccak256(v.to_string())
    }
}

/// One completed step, as recorded in `deployment.json`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StepRecord {
    /// Stable key (`vault.listComponent:0x…`).
    pub key: String,
    /// The transaction.
    pub tx: TxHash,
    /// Its block.
    pub block: u64,
    /// Its nonce.
    pub nonce: u64,
    /// Gas used.
    pub gas_used: u64,
    /// The contract created, for a creation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address: Option<Address>,
}

/// A step sent but not yet confirmed (a crash in between leaves it here).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PendingStep {
    /// Its key.
    pub key: String,
    /// The nonce it was sent with.
    pub nonce: u64,
    /// The address it creates, for a creation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address: Option<Address>,
    /// The latest block when it was sent: a rerun looks for it from there.
    pub from_block: u64,
    /// keccak256 of its input (calldata or init code), to recognise it on chain.
    pub input_hash: B256,
}

/// `deployment.json`: every address, block and transaction, written after every step.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Deployment {
    /// The chain.
    pub chain_id: u64,
    /// [`Spec::hash`] of the spec being deployed.
    pub spec_hash: B256,
    /// The deployer.
    pub deployer: Address,
    /// Whether every step is done.
    pub complete: bool,
    /// Contracts by role: `price_source`, `vault`, `rebalancer`, `queue`, `adapter`.
    pub contracts: BTreeMap<String, Address>,
    /// The block of the first step.
    #[serde(default)]
    pub first_block: Option<u64>,
    /// The block of the last step.
    #[serde(default)]
    pub last_block: Option<u64>,
    /// Completed steps, in order.
    pub steps: Vec<StepRecord>,
    /// A step sent whose outcome is not recorded yet.
    #[serde(default)]
    pub pending: Option<PendingStep>,
    /// Whom ownership was transferred to and who must `acceptOwnership()` (Ownable2Step), if anyone.
    #[serde(default)]
    pub pending_owner: Option<Address>,
}

impl Deployment {
    fn done(&self, key: &str) -> Option<&StepRecord> {
        self.steps.iter().find(|s| s.key == key)
    }

    /// The address of a role (`vault`), if deployed.
    pub fn contract(&self, role: &str) -> Option<Address> {
        self.contracts.get(role).copied()
    }

    fn load(path: &Path) -> Result<Option<Self>> {
        match std::fs::read_to_string(path) {
            Ok(text) => serde_json::from_str(&text).map(Some).map_err(|e| {
                Error::State(format!("{}: not a deployment record: {e}", path.display()))
            }),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(source) => Err(Error::Io {
                path: path.display().to_string(),
                source,
            }),
        }
    }

    fn save(&self, path: &Path) -> Result<()> {
        let io = |source| Error::Io {
            path: path.display().to_string(),
            source,
        };
        let tmp = path.with_extension("json.tmp");
        let text = serde_json::to_string_pretty(self)
            .map_err(|e| Error::State(format!("serializing the deployment: {e}")))?;
        std::fs::write(&tmp, text).map_err(io)?;
        std::fs::rename(&tmp, path).map_err(io)
    }
}

/// What a step does.
#[derive(Clone, Debug)]
enum Action {
    /// Creates a contract (`role` in `contracts`) with this init code.
    Create { role: &'static str, init: Bytes },
    /// Calls a contract.
    Call { to: Address, input: Bytes },
    /// Reads `MIN_PROBE_AMOUNT` of the (simulated) vault: simulation only, never sent.
    ReadMinProbe { vault: Address },
}

#[derive(Clone, Debug)]
struct Step {
    key: String,
    action: Action,
    /// The nonce it will be sent with (planned).
    nonce: u64,
}

/// Walks the steps in order: done ones give their recorded addresses, the rest are planned at consecutive nonces.
struct Plan<'a> {
    record: &'a Deployment,
    deployer: Address,
    next_nonce: u64,
    steps: Vec<Step>,
}

impl Plan<'_> {
    fn create(&mut self, role: &'static str, init: Bytes) -> Address {
        let key = format!("{role}.create");
        if let Some(a) = self.record.done(&key).and_then(|s| s.address) {
            return a;
        }
        let nonce = self.next_nonce;
        self.next_nonce += 1;
        self.steps.push(Step {
            key,
            action: Action::Create { role, init },
            nonce,
        });
        self.deployer.create(nonce)
    }

    fn call(&mut self, key: String, to: Address, input: Vec<u8>) {
        if self.record.done(&key).is_some() {
            return;
        }
        let nonce = self.next_nonce;
        self.next_nonce += 1;
        self.steps.push(Step {
            key,
            action: Action::Call {
                to,
                input: input.into(),
            },
            nonce,
        });
    }
}

/// What the chain says about the inputs, read before planning.
struct Inputs {
    seed: U256,
    probes: Vec<U256>,
    deposit_cap: U256,
    min_deposit: U256,
    anchor: u64,
}

/// The outcome of `ballast deploy`.
#[derive(Clone, Debug, Serialize)]
pub struct Outcome {
    /// The record (also in `out/deployment.json`).
    pub deployment: Deployment,
    /// Steps sent by this run.
    pub sent: usize,
    /// Where `deployment.json` is.
    pub deployment_path: PathBuf,
    /// Where `keeper.toml` is.
    pub keeper_toml: PathBuf,
}

impl fmt::Display for Outcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let d = &self.deployment;
        writeln!(
            f,
            "deployment complete on chain {} ({} step(s) sent by this run, {} in all)",
            d.chain_id,
            self.sent,
            d.steps.len()
        )?;
        for (role, a) in &d.contracts {
            writeln!(f, "  {role:<13} {a}")?;
        }
        if let (Some(a), Some(b)) = (d.first_block, d.last_block) {
            writeln!(f, "  blocks        {a}..={b}")?;
        }
        writeln!(f, "record: {}", self.deployment_path.display())?;
        writeln!(f, "keeper config: {}", self.keeper_toml.display())?;
        if let Some(owner) = d.pending_owner {
            writeln!(
                f,
                "ACTION NEEDED: ownership of the vault, the rebalancer and the price source was transferred to {owner} \
                 (Ownable2Step): {owner} must call acceptOwnership() on each of them."
            )?;
        }
        Ok(())
    }
}

/// Deploys `spec`, recording progress in `out/deployment.json` and writing `out/keeper.toml`.
pub async fn deploy(spec: &Spec, out: &Path) -> Result<Outcome> {
    let url = RpcUrl::parse(&spec.chain.rpc_url).map_err(|r| Error::config("chain.rpc_url", r))?;
    let p = chain::connect_with_timeout(&url, Duration::from_secs(30));
    let id = p.get_chain_id().await.map_err(Error::rpc)?;
    if id != spec.chain.chain_id {
        return Err(Error::config(
            "chain.chain_id",
            format!(
                "the node at {url} is on chain {id}, the spec says {}",
                spec.chain.chain_id
            ),
        ));
    }
    let signer = spec.key_source()?.load(None)?;
    let deployer = signer.address();
    std::fs::create_dir_all(out).map_err(|source| Error::Io {
        path: out.display().to_string(),
        source,
    })?;
    let record_path = out.join("deployment.json");
    let mut record = match Deployment::load(&record_path)? {
        Some(r) => {
            check_resumable(&r, spec, deployer)?;
            info!(path = %record_path.display(), steps = r.steps.len(), "resuming a recorded deployment");
            r
        }
        None => Deployment {
            chain_id: spec.chain.chain_id,
            spec_hash: spec.hash(),
            deployer,
            ..Deployment::default()
        },
    };
    verify_recorded(&p, &mut record, deployer).await?;

    let inputs = check_inputs(&p, spec, deployer, &record).await?;
    let nonce = p
        .get_transaction_count(deployer)
        .latest()
        .await
        .map_err(Error::rpc)?;
    let steps = plan(spec, &record, deployer, nonce, &inputs);
    info!(deployer = %deployer, done = record.steps.len(), to_send = steps.iter().filter(|s| !matches!(s.action, Action::ReadMinProbe { .. })).count(), "plan ready");

    let gas = preflight(&p, spec, deployer, &steps, &inputs).await?;
    // Recorded from here on (a spec that fails its checks leaves no record behind).
    record.save(&record_path)?;

    let sender = Sender::new(
        p.clone(),
        p.clone(),
        signer,
        spec.chain.chain_id,
        FeePolicy {
            max_fee_wei: spec.gas.max_fee_gwei as u128 * 1_000_000_000,
            max_priority_fee_wei: spec.gas.max_priority_fee_gwei as u128 * 1_000_000_000,
            bump_percent: 15,
            rebroadcast: Duration::from_secs(24),
            receipt_timeout: Duration::from_secs(600),
            fee_wait: Duration::from_secs(600),
            confirmations: spec.chain.confirmations.max(1),
            poll: Duration::from_millis(if spec.chain.chain_id == 31337 {
                100
            } else {
                1000
            }),
        },
    );
    let mut sent = 0;
    for (step, gas_used) in steps.iter().zip(gas) {
        let (to, input, create_role) = match &step.action {
            Action::ReadMinProbe { .. } => continue,
            Action::Create { role, init } => (Address::ZERO, init.clone(), Some(*role)),
            Action::Call { to, input } => (*to, input.clone(), None),
        };
        let now = sender.next_nonce().await?;
        if now != step.nonce {
            return Err(Error::State(format!(
                "the deployer's nonce is {now}, the plan expected {} for `{}`: another sender used the key; \
                 rerun to plan again from what is recorded",
                step.nonce, step.key
            )));
        }
        let intent = Intent {
            label: step.key.clone(),
            to,
            input,
            gas_limit: crate::simulate::gas_limit_for(gas_used).min(SIM_GAS),
        };
        let predicted = create_role.map(|_| deployer.create(step.nonce));
        record.pending = Some(PendingStep {
            key: step.key.clone(),
            nonce: step.nonce,
            address: predicted,
            from_block: p.get_block_number().await.map_err(Error::rpc)?,
            input_hash: keccak256(&intent.input),
        });
        record.save(&record_path)?;
        info!(step = %step.key, nonce = step.nonce, "sending");
        let tx = match create_role {
            Some(_) => sender.send_create(&intent).await?,
            None => sender.send(&intent).await?,
        };
        let address = match create_role {
            Some(role) => {
                let a = deployer.create(tx.nonce);
                let code = p.get_code_at(a).await.map_err(Error::rpc)?;
                if code.is_empty() {
                    return Err(Error::State(format!(
                        "`{}` was mined in {} but {a} has no code",
                        step.key, tx.hash
                    )));
                }
                record.contracts.insert(role.to_string(), a);
                Some(a)
            }
            None => None,
        };
        record.first_block.get_or_insert(tx.block);
        record.last_block = Some(tx.block);
        record.steps.push(StepRecord {
            key: step.key.clone(),
            tx: tx.hash,
            block: tx.block,
            nonce: tx.nonce,
            gas_used: tx.gas_used,
            address,
        });
        record.pending = None;
        record.save(&record_path)?;
        sent += 1;
        info!(step = %step.key, tx = %tx.hash, block = tx.block, gas_used = tx.gas_used, address = ?address, "done");
    }
    record.pending_owner = (spec.vault.owner != deployer).then_some(spec.vault.owner);
    record.complete = true;
    record.save(&record_path)?;

    let keeper_toml = out.join("keeper.toml");
    std::fs::write(&keeper_toml, keeper_config(spec, &record, deployer)?).map_err(|source| {
        Error::Io {
            path: keeper_toml.display().to_string(),
            source,
        }
    })?;
    Ok(Outcome {
        deployment: record,
        sent,
        deployment_path: record_path,
        keeper_toml,
    })
}

fn check_resumable(r: &Deployment, spec: &Spec, deployer: Address) -> Result<()> {
    if r.chain_id != spec.chain.chain_id {
        return Err(Error::State(format!(
            "deployment.json is for chain {}, the spec for chain {}: use another --out directory",
            r.chain_id, spec.chain.chain_id
        )));
    }
    if r.spec_hash != spec.hash() {
        return Err(Error::State(
            "deployment.json records a deployment of a different spec: restore that spec to resume it, or use \
             another --out directory for a new deployment"
                .into(),
        ));
    }
    if r.deployer != deployer {
        return Err(Error::State(format!(
            "deployment.json was deployed by {}, the signer is {deployer}",
            r.deployer
        )));
    }
    Ok(())
}

/// How long a rerun waits for a transaction of the interrupted run that is still in the mempool.
const PENDING_WAIT_SECS: u32 = 120;

/// Checks every recorded step on chain; settles a pending step (adopting its contract if it was mined, waiting for it
/// if it is still in the mempool).
async fn verify_recorded(
    p: &DynProvider,
    record: &mut Deployment,
    deployer: Address,
) -> Result<()> {
    for s in &record.steps {
        match s.address {
            Some(a) => {
                let code = p.get_code_at(a).await.map_err(Error::rpc)?;
                if code.is_empty() {
                    return Err(Error::State(format!(
                        "`{}` is recorded at {a} (tx {}), but there is no code there (reorg, or another chain?): \
                         refusing to deploy it again; move deployment.json away to start over",
                        s.key, s.tx
                    )));
                }
            }
            None => {
                let ok = p
                    .get_transaction_receipt(s.tx)
                    .await
                    .map_err(Error::rpc)?
                    .map(|r| r.status());
                if ok != Some(true) {
                    return Err(Error::State(format!(
                        "`{}` is recorded as tx {}, which the node does not show as successful: check the chain, \
                         then remove the step from deployment.json to send it again",
                        s.key, s.tx
                    )));
                }
            }
        }
    }
    if let Some(pending) = record.pending.clone() {
        // A transaction the interrupted run broadcast may still sit in the mempool: wait for it to be mined (then
        // adopt it below) rather than plan the step again and collide with it.
        let mut waited = 0u32;
        loop {
            let mined = p
                .get_transaction_count(deployer)
                .latest()
                .await
                .map_err(Error::rpc)?;
            if mined > pending.nonce {
                break;
            }
            let queued = p
                .get_transaction_count(deployer)
                .pending()
                .await
                .map_err(Error::rpc)?;
            if queued <= pending.nonce {
                info!(step = %pending.key, "the pending step was never mined: planning it again");
                record.pending = None;
                return Ok(());
            }
            if waited >= PENDING_WAIT_SECS {
                return Err(Error::State(format!(
                    "`{}` was sent at nonce {} and a transaction at that nonce is still pending after {waited} s: \
                     wait for it to be mined (or replace it), then run deploy again",
                    pending.key, pending.nonce
                )));
            }
            if waited == 0 {
                info!(step = %pending.key, nonce = pending.nonce, "the pending step is in the mempool: waiting for it");
            }
            tokio::time::sleep(std::time::Duration::from_secs(1)).await;
            waited += 1;
        }
        // The nonce is used: find the transaction that used it, and adopt it if it is this step, mined successfully.
        let latest = p.get_block_number().await.map_err(Error::rpc)?;
        let unknown = |why: &str| {
            Error::State(format!(
                "`{}` was sent at nonce {} and that nonce is used, but {why}: check the chain, then edit `pending` in \
                 deployment.json",
                pending.key, pending.nonce
            ))
        };
        if latest.saturating_sub(pending.from_block) > 10_000 {
            return Err(unknown("it was sent more than 10,000 blocks ago"));
        }
        let mut found = None;
        for n in pending.from_block..=latest {
            let block = p
                .get_block_by_number(n.into())
                .full()
                .await
                .map_err(Error::rpc)?
                .ok_or_else(|| Error::State(format!("block {n} missing")))?;
            found = block.transactions.txns().find_map(|tx| {
                (tx.from() == deployer && tx.nonce() == pending.nonce)
                    .then(|| (*tx.inner.tx_hash(), keccak256(tx.input())))
            });
            if found.is_some() {
                break;
            }
        }
        let Some((hash, input_hash)) = found else {
            return Err(unknown(
                "no transaction of the deployer at that nonce was found",
            ));
        };
        if input_hash != pending.input_hash {
            return Err(unknown(&format!(
                "{hash} at that nonce is another transaction"
            )));
        }
        let receipt = p
            .get_transaction_receipt(hash)
            .await
            .map_err(Error::rpc)?
            .ok_or_else(|| unknown(&format!("{hash} has no receipt")))?;
        if !receipt.status() {
            return Err(unknown(&format!("{hash} reverted")));
        }
        let address = match pending.address {
            Some(a) if p.get_code_at(a).await.map_err(Error::rpc)?.is_empty() => {
                return Err(unknown(&format!("{a} has no code")))
            }
            Some(a) => {
                let role = pending.key.trim_end_matches(".create").to_string();
                record.contracts.insert(role, a);
                Some(a)
            }
            None => None,
        };
        warn!(step = %pending.key, tx = %hash, "adopting a step an interrupted run sent");
        let block = receipt.block_number.unwrap_or_default();
        record.first_block.get_or_insert(block);
        record.last_block = Some(block);
        record.steps.push(StepRecord {
            key: pending.key,
            tx: hash,
            block,
            nonce: pending.nonce,
            gas_used: receipt.gas_used,
            address,
        });
        record.pending = None;
    }
    Ok(())
}

async fn code(p: &DynProvider, a: Address, key: &str, what: &str) -> Result<()> {
    if p.get_code_at(a).await.map_err(Error::rpc)?.is_empty() {
        return Err(Error::config(
            key,
            format!("{what} {a} has no code on this chain"),
        ));
    }
    Ok(())
}

/// On-chain checks of the spec's inputs: code at every address, feeds' answers, balances; amounts in base units.
async fn check_inputs(
    p: &DynProvider,
    spec: &Spec,
    deployer: Address,
    record: &Deployment,
) -> Result<Inputs> {
    let latest = p
        .get_block_by_number(BlockNumberOrTag::Latest)
        .await
        .map_err(Error::rpc)?
        .ok_or_else(|| Error::State("no latest block".into()))?;
    let now = latest.header.timestamp;
    code(p, spec.vault.asset, "vault.asset", "the asset").await?;
    let asset = IERC20Metadata::new(spec.vault.asset, p);
    let asset_decimals = asset.decimals().call().await.map_err(|e| {
        Error::config(
            "vault.asset",
            format!("{} is not an ERC-20 (decimals: {e})", spec.vault.asset),
        )
    })?;
    let seed = spec
        .vault
        .seed_assets
        .base_units(asset_decimals, "vault.seed_assets")?;
    let asset_balance = asset.balanceOf(deployer).call().await.map_err(Error::rpc)?;
    // The vault's constructor pulled the seed already if it exists.
    if record.done("vault.create").is_none() && asset_balance < seed {
        return Err(Error::config(
            "vault.seed_assets",
            format!(
                "the deployer {deployer} holds {asset_balance} base units of the asset {}, the seed needs {seed}",
                spec.vault.asset
            ),
        ));
    }
    let deposit_cap = match &spec.vault.deposit_cap {
        Some(a) => a.base_units(asset_decimals, "vault.deposit_cap")?,
        None => U256::MAX,
    };
    let min_deposit = match &spec.vault.min_deposit {
        Some(a) => a.base_units(asset_decimals, "vault.min_deposit")?,
        None => U256::ZERO,
    };
    if let Some(feed) = spec.oracle.quote_feed {
        check_feed(
            p,
            feed,
            spec.oracle.quote_heartbeat,
            now,
            "oracle.quote_feed",
            spec.vault.asset,
        )
        .await?;
    }
    if let Some(router) = spec.uniswap.router {
        code(p, router, "uniswap.router", "the router").await?;
    }
    if let Some(factory) = spec.uniswap.factory {
        code(p, factory, "uniswap.factory", "the factory").await?;
    }
    let mut probes = Vec::with_capacity(spec.components.len());
    for (i, c) in spec.components.iter().enumerate() {
        let key = format!("components[{i}].token");
        code(p, c.token, &key, "the token").await?;
        let t = IERC20Metadata::new(c.token, p);
        let decimals = t.decimals().call().await.map_err(|e| {
            Error::config(
                &key,
                format!("{} is not an ERC-20 (decimals: {e})", c.token),
            )
        })?;
        check_feed(
            p,
            c.feed,
            c.heartbeat,
            now,
            &format!("components[{i}].feed"),
            c.token,
        )
        .await?;
        let probe = c
            .probe
            .base_units(decimals, &format!("components[{i}].probe"))?;
        let balance = t.balanceOf(deployer).call().await.map_err(Error::rpc)?;
        let listed = record
            .done(&format!("vault.listComponent:{}", c.token))
            .is_some();
        if !listed && balance < probe {
            return Err(Error::config(
                format!("components[{i}].probe"),
                format!(
                    "the deployer {deployer} holds {balance} of token {} (base units), the probe needs {probe}",
                    c.token
                ),
            ));
        }
        probes.push(probe);
    }
    Ok(Inputs {
        seed,
        probes,
        deposit_cap,
        min_deposit,
        anchor: spec.rebalancer.schedule_anchor.unwrap_or(now),
    })
}

async fn check_feed(
    p: &DynProvider,
    feed: Address,
    heartbeat: u32,
    now: u64,
    key: &str,
    token: Address,
) -> Result<()> {
    code(p, feed, key, &format!("the feed of {token}")).await?;
    let r = IAggregatorV3::new(feed, p)
        .latestRoundData()
        .call()
        .await
        .map_err(|e| {
            Error::config(
                key,
                format!("feed {feed} (of {token}): latestRoundData failed: {e}"),
            )
        })?;
    let updated: u64 = r.updatedAt.try_into().unwrap_or(u64::MAX);
    let bad = if r.answer <= alloy::primitives::I256::ZERO {
        Some(format!("answer {} is not positive", r.answer))
    } else if r.answeredInRound < r.roundId {
        Some(format!(
            "round {} was answered in the earlier round {}",
            r.roundId, r.answeredInRound
        ))
    } else if updated == 0 || updated > now || now - updated > heartbeat as u64 {
        Some(format!(
            "stale: updated at {updated}, {}s ago, heartbeat {heartbeat}s",
            now.saturating_sub(updated)
        ))
    } else {
        None
    };
    match bad {
        Some(reason) => Err(Error::config(
            key,
            format!("feed {feed} (of {token}): {reason}"),
        )),
        None => Ok(()),
    }
}

fn plan(
    spec: &Spec,
    record: &Deployment,
    deployer: Address,
    nonce: u64,
    inputs: &Inputs,
) -> Vec<Step> {
    let v = &spec.vault;
    let mut plan = Plan {
        record,
        deployer,
        next_nonce: nonce,
        steps: Vec::new(),
    };
    // 1. The price source and its feeds.
    let oracle_init = init(
        &ChainlinkPriceSource::BYTECODE,
        ChainlinkPriceSource::constructorCall::new((
            deployer,
            v.asset,
            spec.oracle.quote_feed.unwrap_or_default(),
            spec.oracle.quote_heartbeat,
            spec.oracle.max_deviation_bps,
        ))
        .abi_encode(),
    );
    let oracle = plan.create("price_source", oracle_init);
    for c in &spec.components {
        plan.call(
            format!("price_source.setFeed:{}", c.token),
            oracle,
            ChainlinkPriceSource::setFeedCall {
                token: c.token,
                feed: c.feed,
                heartbeat: c.heartbeat,
            }
            .abi_encode(),
        );
    }
    // 2. The vault: its constructor pulls the seed, so approve its address (the creation right after) first.
    let vault_done = record.done("vault.create").is_some();
    if !vault_done {
        plan.call(
            "vault.approveSeed".into(),
            v.asset,
            IERC20Metadata::approveCall {
                spender: deployer.create(plan.next_nonce + 1),
                value: inputs.seed,
            }
            .abi_encode(),
        );
    }
    let vault_init = init(
        &BallastVault::BYTECODE,
        BallastVault::constructorCall::new((BallastVault::InitParams {
            asset: v.asset,
            name: v.name.clone(),
            symbol: v.symbol.clone(),
            owner: deployer,
            guardian: v.guardian,
            feeRecipient: v.fee_recipient,
            seedAssets: inputs.seed,
        },))
        .abi_encode(),
    );
    let vault = plan.create("vault", vault_init);
    // The levy first: a source is registered (at listing) only if the levy covers its deviation bound.
    if v.levy_bps != 0 {
        plan.call(
            "vault.setLevy".into(),
            vault,
            BallastVault::setLevyCall {
                levyBps: v.levy_bps,
            }
            .abi_encode(),
        );
    }
    // 3. Listings (the probe is approved first, then sent back by the vault), weights, fees, limits, lock.
    if spec.components.iter().any(|c| {
        record
            .done(&format!("vault.listComponent:{}", c.token))
            .is_none()
    }) {
        plan.steps.push(Step {
            key: "read MIN_PROBE_AMOUNT".into(),
            action: Action::ReadMinProbe { vault },
            nonce: plan.next_nonce,
        });
    }
    for (c, probe) in spec.components.iter().zip(&inputs.probes) {
        let listed = format!("vault.listComponent:{}", c.token);
        if record.done(&listed).is_none() {
            plan.call(
                format!("approveProbe:{}", c.token),
                c.token,
                IERC20Metadata::approveCall {
                    spender: vault,
                    value: *probe,
                }
                .abi_encode(),
            );
        }
        plan.call(
            listed,
            vault,
            BallastVault::listComponentCall {
                token: c.token,
                source: oracle,
                probeAmount: *probe,
            }
            .abi_encode(),
        );
    }
    plan.call(
        "vault.setTargetWeights".into(),
        vault,
        BallastVault::setTargetWeightsCall {
            weights: spec.components.iter().map(|c| c.weight_wad.0).collect(),
            cashWeight: v.cash_weight_wad.0,
        }
        .abi_encode(),
    );
    plan.call(
        "vault.setFees".into(),
        vault,
        BallastVault::setFeesCall {
            managementFeeWad: v.management_fee_wad.0,
            entryFeeBps: v.entry_fee_bps,
            exitFeeBps: v.exit_fee_bps,
        }
        .abi_encode(),
    );
    plan.call(
        "vault.setDepositLimits".into(),
        vault,
        BallastVault::setDepositLimitsCall {
            depositCap: inputs.deposit_cap,
            minDeposit: inputs.min_deposit,
        }
        .abi_encode(),
    );
    plan.call(
        "vault.setShareLockPeriod".into(),
        vault,
        BallastVault::setShareLockPeriodCall {
            period: U256::from(v.share_lock_secs),
        }
        .abi_encode(),
    );
    // 4. Rebalancer, queue, adapter.
    let r = &spec.rebalancer;
    let config = IBallastRebalancer::Config {
        maxSlippageBps: r.max_slippage_bps,
        maxCallLossBps: r.max_call_loss_bps,
        maxEpochLossBps: r.max_epoch_loss_bps,
        maxTurnoverBps: r.max_turnover_bps,
        bandWad: r.band_wad.0,
        cashBufferWad: r.cash_buffer_wad.0,
        minDwell: r.min_dwell_secs,
        keeperGracePeriod: r.keeper_grace_secs,
        epochInterval: r.epoch_interval_secs,
        minEpochSpacing: r.min_epoch_spacing_secs,
        scheduleAnchor: alloy::primitives::Uint::<40, 1>::saturating_from(inputs.anchor),
    };
    let rebalancer_init = init(
        &BallastRebalancer::BYTECODE,
        BallastRebalancer::constructorCall::new((vault, deployer, v.keeper, config)).abi_encode(),
    );
    let rebalancer = plan.create("rebalancer", rebalancer_init);
    let queue_init = init(
        &RedemptionQueue::BYTECODE,
        RedemptionQueue::constructorCall::new((vault, rebalancer)).abi_encode(),
    );
    let queue = plan.create("queue", queue_init);
    plan.call(
        "rebalancer.setRedemptionQueue".into(),
        rebalancer,
        BallastRebalancer::setRedemptionQueueCall { queue }.abi_encode(),
    );
    if let Some(router) = spec.uniswap.router {
        let adapter_init = init(
            &UniswapV3Adapter::BYTECODE,
            UniswapV3Adapter::constructorCall::new((router,)).abi_encode(),
        );
        let adapter = plan.create("adapter", adapter_init);
        plan.call(
            "rebalancer.setAdapter".into(),
            rebalancer,
            BallastRebalancer::setAdapterCall {
                adapter,
                allowed: true,
            }
            .abi_encode(),
        );
    }
    // Last of the wiring: adopting the rebalancer turns on the vault's and the rebalancer's change delay (listings,
    // price sources, guardian, config, keeper, adapters and queue are delayed from here on).
    plan.call(
        "vault.setRebalancer".into(),
        vault,
        BallastVault::setRebalancerCall {
            rebalancer_: rebalancer,
        }
        .abi_encode(),
    );
    // 5. Hand over (Ownable2Step: the new owner accepts).
    if v.owner != deployer {
        for (role, to) in [
            ("vault", vault),
            ("rebalancer", rebalancer),
            ("price_source", oracle),
        ] {
            plan.call(
                format!("{role}.transferOwnership"),
                to,
                BallastVault::transferOwnershipCall { newOwner: v.owner }.abi_encode(),
            );
        }
    }
    plan.steps
}

fn init(bytecode: &Bytes, args: Vec<u8>) -> Bytes {
    let mut code = bytecode.to_vec();
    code.extend_from_slice(&args);
    code.into()
}

/// Simulates every step to send, in order, on a fork of the latest block; the first that would revert is reported
/// by name and nothing is sent. Returns the gas each used.
async fn preflight(
    p: &DynProvider,
    spec: &Spec,
    deployer: Address,
    steps: &[Step],
    inputs: &Inputs,
) -> Result<Vec<u64>> {
    if steps.is_empty() {
        return Ok(Vec::new());
    }
    let txs = steps
        .iter()
        .map(|s| {
            let (kind, to, input) = match &s.action {
                Action::Create { init, .. } => (TxKind::Create, Address::ZERO, init.clone()),
                Action::Call { to, input } => (TxKind::Call(*to), *to, input.clone()),
                Action::ReadMinProbe { vault } => (
                    TxKind::Call(*vault),
                    *vault,
                    BallastVault::MIN_PROBE_AMOUNTCall {}.abi_encode().into(),
                ),
            };
            (
                kind,
                SimTx {
                    from: deployer,
                    to,
                    input,
                    value: U256::ZERO,
                    gas_limit: SIM_GAS,
                },
            )
        })
        .collect();
    let (_, outcomes) = Simulator::new(p.clone(), spec.chain.chain_id)
        .simulate_kinds(txs)
        .await?;
    let mut gas = Vec::with_capacity(steps.len());
    for (s, o) in steps.iter().zip(&outcomes) {
        if !o.success {
            return Err(Error::Revert {
                call: format!("pre-flight of `{}`", s.key),
                reason: o.revert.clone().unwrap_or_else(|| "unknown".into()),
            });
        }
        if let Action::ReadMinProbe { .. } = s.action {
            let min = BallastVault::MIN_PROBE_AMOUNTCall::abi_decode_returns(&o.output)
                .map_err(|e| Error::Simulation(format!("MIN_PROBE_AMOUNT: {e}")))?;
            for (i, (c, probe)) in spec.components.iter().zip(&inputs.probes).enumerate() {
                if *probe < min {
                    return Err(Error::config(
                        format!("components[{i}].probe"),
                        format!(
                            "{probe} base units of token {} is below the vault's MIN_PROBE_AMOUNT ({min})",
                            c.token
                        ),
                    ));
                }
            }
        }
        gas.push(o.gas_used);
    }
    info!(
        steps = steps.len(),
        gas = gas.iter().sum::<u64>(),
        "pre-flight: every step succeeds in revm"
    );
    Ok(gas)
}

/// A ready keeper config for the deployment.
pub fn keeper_config(spec: &Spec, d: &Deployment, deployer: Address) -> Result<String> {
    let need = |role: &str| {
        d.contract(role)
            .ok_or_else(|| Error::State(format!("no {role} in the deployment record")))
    };
    let mut s = format!(
        "# Written by `ballast deploy` for the deployment in deployment.json. Review before `ballast run`.\n\
         [chain]\nrpc_urls = [{:?}]\nchain_id = {}\nconfirmations = {}\n\n\
         [contracts]\nvault = \"{}\"\nrebalancer = \"{}\"\nqueue = \"{}\"\n",
        spec.chain.rpc_url,
        spec.chain.chain_id,
        spec.chain.confirmations,
        need("vault")?,
        need("rebalancer")?,
        need("queue")?,
    );
    let adapter = d.contract("adapter");
    if let Some(a) = adapter {
        s.push_str(&format!("adapter = \"{a}\"\n"));
    }
    s.push_str(&format!(
        "\n[gas]\nmax_fee_gwei = {}\nmax_priority_fee_gwei = {}\n\n[signer]\n",
        spec.gas.max_fee_gwei, spec.gas.max_priority_fee_gwei
    ));
    let keeper = spec.vault.keeper;
    match (&spec.signer.keystore, &spec.signer.private_key) {
        (Some(k), _) if keeper == deployer => {
            s.push_str(&format!("keystore = {:?}\n", k.display().to_string()))
        }
        (None, Some(key)) if keeper == deployer => s.push_str(&format!(
            "private_key = {key:?}   # anvil only: the deployer is the keeper\n"
        )),
        _ => s.push_str(&format!(
            "# keystore = \"/path/to/keeper-keystore.json\"   # the key of the keeper {keeper}\n"
        )),
    }
    s.push_str(&format!(
        "\n[pools]\ndefault = {{ fee = {}, depth = {} }}\n",
        spec.uniswap.fee, spec.uniswap.pool_depth
    ));
    if let Some(a) = adapter {
        s.push_str(&format!(
            "\n[routes]\n\"{a}\" = {{ kind = \"uniswap-v3\", deadline_secs = {} }}\n",
            spec.uniswap.deadline_secs
        ));
    }
    if let Some(f) = spec.uniswap.factory {
        s.push_str(&format!("\n[uniswap]\nfactory = \"{f}\"\n"));
    }
    Ok(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    const A: &str = "0x00000000000000000000000000000000000000a1";

    fn spec(weights: (&str, &str), extra: &str) -> String {
        format!(
            "[chain]\nrpc_url = \"http://127.0.0.1:8545\"\nchain_id = 31337\n\
             [signer]\nprivate_key = \"0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80\"\n\
             [vault]\nasset = \"{A}\"\nname = \"N\"\nsymbol = \"S\"\nowner = \"{A}\"\nguardian = \"{A}\"\n\
             keeper = \"{A}\"\nfee_recipient = \"{A}\"\nseed_assets = \"1000\"\ncash_weight_wad = {}\n\
             [[components]]\ntoken = \"0x00000000000000000000000000000000000000b1\"\nfeed = \"{A}\"\nheartbeat = 3600\n\
             weight_wad = {}\nprobe = \"1\"\n{extra}",
            weights.0, weights.1
        )
    }

    #[test]
    fn parses_with_defaults() {
        let s = Spec::parse(&spec(("50000000000000000", "950000000000000000"), "")).expect("valid");
        assert_eq!(s.rebalancer.max_turnover_bps, 30_000);
        assert_eq!(s.uniswap.fee, 3_000);
        assert_eq!(s.chain.confirmations, 1);
        assert_eq!(
            s.vault.seed_assets.base_units(6, "k").expect("amount"),
            U256::from(1_000_000_000u64)
        );
        assert!(
            !format!("{s:?}").contains("ac0974"),
            "the key must not be printed"
        );
        assert_eq!(
            s.hash(),
            Spec::parse(&spec(("50000000000000000", "950000000000000000"), ""))
                .expect("valid")
                .hash()
        );
    }

    #[test]
    fn errors_name_the_key() {
        let e = Spec::parse(&spec(("50000000000000000", "900000000000000000"), ""))
            .expect_err("sum")
            .to_string();
        assert!(
            e.contains("weight_wad") && e.contains("950000000000000000"),
            "{e}"
        );
        let e = Spec::parse(&spec(("1", "2"), "").replace("seed_assets = \"1000\"\n", ""))
            .expect_err("missing")
            .to_string();
        assert!(e.contains("seed_assets"), "{e}");
        let e = Spec::parse(&spec(
            ("50000000000000000", "950000000000000000"),
            "[vault2]\n",
        ))
        .expect_err("unknown")
        .to_string();
        assert!(e.contains("vault2"), "{e}");
        let e = Spec::parse(
            &spec(("50000000000000000", "950000000000000000"), "").replace("31337", "1"),
        )
        .expect_err("raw key off anvil")
        .to_string();
        assert!(
            e.contains("signer.private_key") && !e.contains("ac0974"),
            "{e}"
        );
        assert!(Amount::Text("1.0000001".into()).base_units(6, "k").is_err());
        assert!(Amount::Text("-1".into()).base_units(6, "k").is_err());
    }

    #[test]
    fn max_deviation_bps_defaults_to_zero_and_is_capped() {
        let base = spec(("50000000000000000", "950000000000000000"), "");
        let s = Spec::parse(&base).expect("valid");
        assert_eq!(s.oracle.max_deviation_bps, 0);
        // The vault's levy (at most 300) must cover the bound, so 300 is the most a deployable spec names.
        let levied = base.replace("[vault]\n", "[vault]\nlevy_bps = 300\n");
        let s =
            Spec::parse(&format!("{levied}[oracle]\nmax_deviation_bps = 300\n")).expect("valid");
        assert_eq!(s.oracle.max_deviation_bps, 300);
        assert_ne!(
            s.hash(),
            Spec::parse(&base).expect("valid").hash(),
            "the bound is part of what is deployed"
        );
        let e = Spec::parse(&format!("{base}[oracle]\nmax_deviation_bps = 501\n"))
            .expect_err("above the cap")
            .to_string();
        assert!(
            e.contains("oracle.max_deviation_bps") && e.contains("501") && e.contains("500"),
            "{e}"
        );
        assert!(Spec::parse(&format!("{base}[oracle]\nmax_deviation_bps = 70000\n")).is_err());
    }

    #[test]
    fn levy_is_capped_and_covers_the_deviation_bound() {
        let base = spec(("50000000000000000", "950000000000000000"), "");
        let with = |levy: u16, deviation: u16| {
            Spec::parse(&format!(
                "{}[oracle]\nmax_deviation_bps = {deviation}\n",
                base.replace("[vault]\n", &format!("[vault]\nlevy_bps = {levy}\n"))
            ))
        };
        assert_eq!(with(50, 50).expect("levy = bound").vault.levy_bps, 50);
        assert_eq!(
            with(300, 0).expect("levy above the bound").vault.levy_bps,
            300
        );
        let e = with(49, 50).expect_err("levy below the bound").to_string();
        assert!(
            e.contains("vault.levy_bps") && e.contains("49") && e.contains("50"),
            "{e}"
        );
        let e = with(301, 0).expect_err("levy above its cap").to_string();
        assert!(
            e.contains("vault.levy_bps") && e.contains("301") && e.contains("300"),
            "{e}"
        );
    }

    #[test]
    fn the_example_spec_parses() {
        let text = include_str!("../../../script/deploy.example.toml");
        Spec::parse(text).expect("script/deploy.example.toml must stay valid");
    }
}
