//! The keeper's configuration: one TOML file, then `BALLAST_*` environment variables over it, validated at start.
//! Every error names the key (`contracts.vault`, or the variable `BALLAST_VAULT` when the value came from there)
//! and the reason. Unknown keys are errors (a typo must not silently fall back to a default), except under
//! `[strategy]`, an opaque table handed to the planner as is.
//!
//! ```toml
//! [chain]
//! rpc_urls = ["http://127.0.0.1:8545"]   # BALLAST_RPC_URL (comma-separated); the first is used, the rest are spares
//! chain_id = 31337                         # BALLAST_CHAIN_ID; checked against the node
//! confirmations = 1                        # BALLAST_CONFIRMATIONS
//! rpc_timeout_secs = 30                    # BALLAST_RPC_TIMEOUT_SECS: every request gives up after this long
//! rpc_retries = 4                          # BALLAST_RPC_RETRIES: attempts to reach the node at start
//! private_tx_url = "https://..."           # BALLAST_PRIVATE_TX_URL; optional, signed transactions go there
//!
//! [contracts]
//! vault = "0x..."                          # BALLAST_VAULT
//! rebalancer = "0x..."                     # BALLAST_REBALANCER (optional: needed to rebalance)
//! queue = "0x..."                          # BALLAST_QUEUE (optional)
//! adapter = "0x..."                        # BALLAST_ADAPTER: the allow-listed swap adapter trades go through
//!
//! [schedule]
//! weekday = "mon"                          # BALLAST_SCHEDULE_WEEKDAY
//! hour_utc = 12                            # BALLAST_SCHEDULE_HOUR
//!
//! [gas]
//! limit = 5000000                          # BALLAST_GAS_LIMIT: per transaction
//! max_fee_gwei = 100                       # BALLAST_MAX_FEE_GWEI: never pay more per gas
//! max_priority_fee_gwei = 1                # BALLAST_MAX_PRIORITY_FEE_GWEI
//! bump_percent = 15                        # fee bump of a replacement (at least 10)
//! rebroadcast_secs = 24                    # resend the same bytes after this long without a receipt
//! receipt_timeout_secs = 300               # give up on a transaction after this long
//! fee_wait_secs = 600                      # wait at most this long for the base fee to drop under the cap
//! poll_ms = 1000                           # how often a pending transaction's receipt is looked for
//!
//! [signer]
//! keystore = "/path/to/keystore.json"      # BALLAST_KEYSTORE; password: BALLAST_KEYSTORE_PASSWORD or a prompt
//! # private_key = "0x..."                  # BALLAST_PRIVATE_KEY: accepted only when chain_id = 31337 (anvil)
//!
//! [metrics]
//! listen = "127.0.0.1:9464"                # BALLAST_METRICS_LISTEN: /metrics and /health
//!
//! [strategy]                               # opaque: passed to the planner
//!
//! # [pools], [routes], [plan], [market], [regime], [run]: typed sections, see `crate::settings`.
//! ```

use std::{collections::BTreeMap, net::SocketAddr, path::Path, time::Duration};

use alloy::primitives::{utils::parse_units, Address};

use crate::{
    keys::{KeySource, RpcUrl, Secret},
    settings::{Settings, SECTIONS},
    Error, Result,
};

/// The anvil chain id: the only chain where a raw private key is accepted.
pub const ANVIL_CHAIN_ID: u64 = 31337;

/// Environment overrides: variable → TOML key.
pub const ENV_OVERRIDES: &[(&str, &str)] = &[
    ("BALLAST_RPC_URL", "chain.rpc_urls"),
    ("BALLAST_CHAIN_ID", "chain.chain_id"),
    ("BALLAST_CONFIRMATIONS", "chain.confirmations"),
    ("BALLAST_RPC_TIMEOUT_SECS", "chain.rpc_timeout_secs"),
    ("BALLAST_RPC_RETRIES", "chain.rpc_retries"),
    ("BALLAST_PRIVATE_TX_URL", "chain.private_tx_url"),
    ("BALLAST_VAULT", "contracts.vault"),
    ("BALLAST_REBALANCER", "contracts.rebalancer"),
    ("BALLAST_QUEUE", "contracts.queue"),
    ("BALLAST_ADAPTER", "contracts.adapter"),
    ("BALLAST_SCHEDULE_WEEKDAY", "schedule.weekday"),
    ("BALLAST_SCHEDULE_HOUR", "schedule.hour_utc"),
    ("BALLAST_GAS_LIMIT", "gas.limit"),
    ("BALLAST_MAX_FEE_GWEI", "gas.max_fee_gwei"),
    ("BALLAST_MAX_PRIORITY_FEE_GWEI", "gas.max_priority_fee_gwei"),
    ("BALLAST_KEYSTORE", "signer.keystore"),
    ("BALLAST_PRIVATE_KEY", "signer.private_key"),
    ("BALLAST_METRICS_LISTEN", "metrics.listen"),
];

/// The validated configuration.
#[derive(Clone, Debug)]
pub struct Config {
    /// RPC endpoints; the first is used for reads and sends.
    pub rpc_urls: Vec<RpcUrl>,
    /// The chain id the node must report.
    pub chain_id: u64,
    /// Blocks on top of a receipt's block before it counts (1 = included).
    pub confirmations: u64,
    /// Every RPC request gives up after this long.
    pub rpc_timeout: Duration,
    /// Attempts to reach the node at start before giving up (with doubling backoff from 500 ms).
    pub rpc_retries: u64,
    /// Optional private transaction endpoint: signed transactions are sent there instead of the public node.
    pub private_tx_url: Option<RpcUrl>,
    /// The vault.
    pub vault: Address,
    /// The rebalancer, if deployed.
    pub rebalancer: Option<Address>,
    /// The redemption queue, if deployed.
    pub queue: Option<Address>,
    /// The swap adapter trades go through (needed to rebalance).
    pub adapter: Option<Address>,
    /// The weekly slot the keeper aims at.
    pub schedule: Schedule,
    /// Gas and fee policy.
    pub gas: GasConfig,
    /// The signing key, if configured (read-only commands need none).
    pub signer: Option<KeySource>,
    /// Where `/metrics` and `/health` listen, if anywhere.
    pub metrics_listen: Option<SocketAddr>,
    /// The `[strategy]` table, untouched.
    pub strategy: toml::Table,
    /// `[pools]`, `[routes]`, `[plan]`, `[market]`, `[regime]`, `[run]` (see [`crate::settings`]).
    pub settings: Settings,
}

/// The weekly rebalance slot.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Schedule {
    /// Day of the week, 0 = Monday … 6 = Sunday.
    pub weekday: u8,
    /// Hour of the day, UTC.
    pub hour_utc: u8,
}

impl Schedule {
    /// The first slot at or after `now` (unix seconds).
    pub fn next_after(&self, now: u64) -> u64 {
        let day = now / 86_400;
        // 1970-01-01 was a Thursday (weekday 3 with Monday = 0).
        let weekday = ((day + 3) % 7) as u8;
        let days_ahead = (7 + self.weekday as u64 - weekday as u64) % 7;
        let slot = (day + days_ahead) * 86_400 + self.hour_utc as u64 * 3_600;
        if slot >= now {
            slot
        } else {
            slot + 7 * 86_400
        }
    }
}

/// Gas limits, fee caps and timing of the sender.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct GasConfig {
    /// Gas limit per transaction.
    pub limit: u64,
    /// Cap on `maxFeePerGas`, in wei.
    pub max_fee_wei: u128,
    /// Cap on `maxPriorityFeePerGas`, in wei.
    pub max_priority_fee_wei: u128,
    /// Fee increase of a replacement, in percent (at least 10, as nodes require).
    pub bump_percent: u64,
    /// Rebroadcast the same bytes (then replace) after this long without a receipt.
    pub rebroadcast: Duration,
    /// Give up on a transaction after this long.
    pub receipt_timeout: Duration,
    /// Wait at most this long for the base fee to drop under the cap.
    pub fee_wait: Duration,
    /// How often a pending transaction's receipt is looked for.
    pub poll: Duration,
}

impl Config {
    /// Reads `path` (if given) and applies the process environment over it.
    pub fn load(path: Option<&Path>) -> Result<Self> {
        let text = match path {
            Some(p) => std::fs::read_to_string(p).map_err(|source| Error::Io {
                path: p.display().to_string(),
                source,
            })?,
            None => String::new(),
        };
        let env: BTreeMap<String, String> = ENV_OVERRIDES
            .iter()
            .filter_map(|(var, _)| Some((var.to_string(), std::env::var(var).ok()?)))
            .collect();
        Self::from_parts(&text, &env)
    }

    /// Parses `toml_text` and applies `env` (variable → value) over it. Pure: what [`Config::load`] uses.
    pub fn from_parts(toml_text: &str, env: &BTreeMap<String, String>) -> Result<Self> {
        let table: toml::Table = toml_text.parse().map_err(|e: toml::de::Error| {
            Error::config("<file>", format!("not valid TOML: {}", e.message()))
        })?;
        let mut fields = Fields::default();
        let mut strategy = toml::Table::new();
        let mut settings = Settings::default();
        for (section, value) in table {
            if SECTIONS.contains(&section.as_str()) {
                settings
                    .take(&section, value)
                    .map_err(|reason| Error::config(section.clone(), reason))?;
                continue;
            }
            if section == "strategy" {
                match value {
                    toml::Value::Table(t) => strategy = t,
                    _ => return Err(Error::config("strategy", "must be a table")),
                }
                continue;
            }
            let toml::Value::Table(t) = value else {
                return Err(Error::config(
                    section,
                    "unknown top-level key (expected a [section])",
                ));
            };
            for (k, v) in t {
                fields.0.insert(format!("{section}.{k}"), (v, None));
            }
        }
        for (var, key) in ENV_OVERRIDES {
            if let Some(v) = env.get(*var) {
                let value = if *key == "chain.rpc_urls" {
                    toml::Value::Array(
                        v.split(',')
                            .map(|s| toml::Value::String(s.trim().to_string()))
                            .collect(),
                    )
                } else {
                    toml::Value::String(v.clone())
                };
                fields.0.insert(key.to_string(), (value, Some(*var)));
            }
        }
        let mut config = Self::from_fields(&mut fields, strategy)?;
        config.settings = settings;
        if let Some(key) = fields.0.keys().next() {
            return Err(Error::config(key.clone(), "unknown key"));
        }
        Ok(config)
    }

    fn from_fields(f: &mut Fields, strategy: toml::Table) -> Result<Self> {
        let rpc_urls = f.required("chain.rpc_urls", |v| {
            let items = match v {
                toml::Value::String(s) => vec![s.clone()],
                toml::Value::Array(a) => a
                    .iter()
                    .map(|x| {
                        x.as_str()
                            .map(str::to_string)
                            .ok_or("every entry must be a string".to_string())
                    })
                    .collect::<std::result::Result<_, _>>()?,
                _ => return Err("must be a list of URLs".into()),
            };
            if items.is_empty() {
                return Err("at least one URL is required".into());
            }
            items.iter().map(|s| RpcUrl::parse(s)).collect()
        })?;
        let chain_id = f.required("chain.chain_id", |v| int(v, 1, u64::MAX))?;
        let confirmations = f
            .optional("chain.confirmations", |v| int(v, 1, 64))?
            .unwrap_or(1);
        let rpc_timeout = Duration::from_secs(
            f.optional("chain.rpc_timeout_secs", |v| int(v, 1, 600))?
                .unwrap_or(30),
        );
        let rpc_retries = f
            .optional("chain.rpc_retries", |v| int(v, 1, 20))?
            .unwrap_or(4);
        let private_tx_url = f.optional("chain.private_tx_url", |v| RpcUrl::parse(string(v)?))?;
        let vault = f.required("contracts.vault", address)?;
        let rebalancer = f.optional("contracts.rebalancer", address)?;
        let queue = f.optional("contracts.queue", address)?;
        let adapter = f.optional("contracts.adapter", address)?;
        let weekday = f.optional("schedule.weekday", weekday)?.unwrap_or(0);
        let hour_utc = f
            .optional("schedule.hour_utc", |v| int(v, 0, 23))?
            .unwrap_or(12) as u8;
        let limit = f
            .optional("gas.limit", |v| int(v, 21_000, 60_000_000))?
            .unwrap_or(5_000_000);
        let max_fee_wei = f
            .optional("gas.max_fee_gwei", gwei)?
            .unwrap_or(100_000_000_000);
        let max_priority_fee_wei = f
            .optional("gas.max_priority_fee_gwei", gwei)?
            .unwrap_or(1_000_000_000);
        if max_priority_fee_wei > max_fee_wei {
            return Err(f.error(
                "gas.max_priority_fee_gwei",
                "must not exceed gas.max_fee_gwei",
            ));
        }
        let bump_percent = f
            .optional("gas.bump_percent", |v| int(v, 10, 100))?
            .unwrap_or(15);
        let secs = |f: &mut Fields, key: &str, default: u64| -> Result<Duration> {
            Ok(Duration::from_secs(
                f.optional(key, |v| int(v, 1, 86_400))?.unwrap_or(default),
            ))
        };
        let rebroadcast = secs(f, "gas.rebroadcast_secs", 24)?;
        let receipt_timeout = secs(f, "gas.receipt_timeout_secs", 300)?;
        let fee_wait = secs(f, "gas.fee_wait_secs", 600)?;
        let poll = Duration::from_millis(
            f.optional("gas.poll_ms", |v| int(v, 50, 60_000))?
                .unwrap_or(1_000),
        );
        let keystore = f.optional("signer.keystore", |v| {
            Ok(std::path::PathBuf::from(string(v)?))
        })?;
        let raw = f.optional("signer.private_key", |v| Ok(Secret::new(string(v)?)))?;
        let signer = signer_source(keystore, raw, chain_id)
            .map_err(|reason| f.error("signer.private_key", &reason))?;
        let metrics_listen = f.optional("metrics.listen", |v| {
            string(v)?
                .parse::<SocketAddr>()
                .map_err(|e| format!("not a socket address (host:port): {e}"))
        })?;
        Ok(Self {
            rpc_urls,
            chain_id,
            confirmations,
            rpc_timeout,
            rpc_retries,
            private_tx_url,
            vault,
            rebalancer,
            queue,
            adapter,
            schedule: Schedule { weekday, hour_utc },
            gas: GasConfig {
                limit,
                max_fee_wei,
                max_priority_fee_wei,
                bump_percent,
                rebroadcast,
                receipt_timeout,
                fee_wait,
                poll,
            },
            signer,
            metrics_listen,
            strategy,
            settings: Settings::default(),
        })
    }

    /// The rebalancer address, or a config error naming the key if none is configured.
    pub fn require_rebalancer(&self) -> Result<Address> {
        self.rebalancer
            .ok_or_else(|| Error::config("contracts.rebalancer", "required for this command"))
    }
}

/// The signing key `[signer]` describes: `keystore` (a path) or `private_key`, never both, and a raw key only on anvil
/// (chain id [`ANVIL_CHAIN_ID`]). The error is the reason, about `signer.private_key`. Shared by the keeper's config
/// and `ballast deploy`'s spec.
pub fn signer_source(
    keystore: Option<std::path::PathBuf>,
    private_key: Option<Secret>,
    chain_id: u64,
) -> std::result::Result<Option<KeySource>, String> {
    match (keystore, private_key) {
        (Some(_), Some(_)) => Err("give either signer.keystore or signer.private_key".into()),
        (Some(path), None) => Ok(Some(KeySource::Keystore(path))),
        (None, Some(_)) if chain_id != ANVIL_CHAIN_ID => Err(format!(
            "a raw private key is accepted only on anvil (chain id {ANVIL_CHAIN_ID}); \
             chain id is {chain_id}: use signer.keystore"
        )),
        (None, Some(key)) => Ok(Some(KeySource::Raw(key))),
        (None, None) => Ok(None),
    }
}

/// Raw values by dotted key, each with the environment variable it came from (if any). Extracted keys are removed,
/// so what remains at the end is unknown.
#[derive(Default)]
struct Fields(BTreeMap<String, (toml::Value, Option<&'static str>)>);

impl Fields {
    fn name(&self, key: &str) -> String {
        match self.0.get(key) {
            Some((_, Some(var))) => format!("{key} (from {var})"),
            _ => key.to_string(),
        }
    }

    fn error(&self, key: &str, reason: &str) -> Error {
        Error::config(self.name(key), reason)
    }

    fn optional<T>(
        &mut self,
        key: &str,
        parse: impl FnOnce(&toml::Value) -> std::result::Result<T, String>,
    ) -> Result<Option<T>> {
        let name = self.name(key);
        match self.0.remove(key) {
            None => Ok(None),
            Some((v, _)) => parse(&v)
                .map(Some)
                .map_err(|reason| Error::config(name, reason)),
        }
    }

    fn required<T>(
        &mut self,
        key: &str,
        parse: impl FnOnce(&toml::Value) -> std::result::Result<T, String>,
    ) -> Result<T> {
        self.optional(key, parse)?
            .ok_or_else(|| Error::config(key, "missing (required)"))
    }
}

fn string(v: &toml::Value) -> std::result::Result<&str, String> {
    v.as_str()
        .ok_or_else(|| format!("expected a string, got {}", v.type_str()))
}

fn int(v: &toml::Value, min: u64, max: u64) -> std::result::Result<u64, String> {
    let n: u64 = match v {
        toml::Value::Integer(i) => {
            u64::try_from(*i).map_err(|_| "must not be negative".to_string())?
        }
        toml::Value::String(s) => s
            .trim()
            .parse()
            .map_err(|_| format!("`{s}` is not a whole number"))?,
        other => return Err(format!("expected a whole number, got {}", other.type_str())),
    };
    if n < min || n > max {
        return Err(format!("{n} is out of range [{min}, {max}]"));
    }
    Ok(n)
}

fn address(v: &toml::Value) -> std::result::Result<Address, String> {
    let s = string(v)?;
    let a: Address = s
        .trim()
        .parse()
        .map_err(|_| format!("`{s}` is not a 20-byte hex address"))?;
    if a.is_zero() {
        return Err("the zero address is not allowed".into());
    }
    Ok(a)
}

fn gwei(v: &toml::Value) -> std::result::Result<u128, String> {
    let s = match v {
        toml::Value::Integer(i) => i.to_string(),
        toml::Value::Float(x) => x.to_string(),
        toml::Value::String(s) => s.trim().to_string(),
        other => {
            return Err(format!(
                "expected a number of gwei, got {}",
                other.type_str()
            ))
        }
    };
    let wei =
        parse_units(&s, "gwei").map_err(|e| format!("`{s}` is not an amount of gwei: {e}"))?;
    let wei: alloy::primitives::U256 = wei.get_absolute();
    if s.starts_with('-') || wei.is_zero() {
        return Err("must be positive".into());
    }
    u128::try_from(wei).map_err(|_| "too large".to_string())
}

fn weekday(v: &toml::Value) -> std::result::Result<u8, String> {
    const DAYS: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
    let s = string(v)?.trim().to_ascii_lowercase();
    DAYS.iter()
        .position(|d| s.starts_with(d) && (s.len() == 3 || s.len() >= 6))
        .map(|i| i as u8)
        .ok_or_else(|| format!("`{s}` is not a weekday (mon, tue, … sun)"))
}

#[cfg(test)]
mod tests {
    use super::*;

    const VAULT: &str = "0x5FbDB2315678afecb367f032d93F642f64180aa3";
    const KEY: &str = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";

    fn base() -> String {
        format!("[chain]\nrpc_urls = [\"http://127.0.0.1:8545\"]\nchain_id = 31337\n[contracts]\nvault = \"{VAULT}\"\n")
    }

    fn err(toml_text: &str, env: &[(&str, &str)]) -> String {
        let env = env
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Config::from_parts(toml_text, &env)
            .expect_err("must be rejected")
            .to_string()
    }

    #[test]
    fn receipt_polling_interval_is_configurable_within_bounds() {
        let c = Config::from_parts(
            &format!("{}[gas]\npoll_ms = 200\n", base()),
            &BTreeMap::new(),
        )
        .expect("valid");
        assert_eq!(c.gas.poll, Duration::from_millis(200));
        let default = Config::from_parts(&base(), &BTreeMap::new()).expect("valid");
        assert_eq!(default.gas.poll, Duration::from_secs(1));
        let e = err(&format!("{}[gas]\npoll_ms = 10\n", base()), &[]);
        assert!(
            e.contains("gas.poll_ms") && e.contains("out of range"),
            "{e}"
        );
    }

    #[test]
    fn minimal_config_gets_defaults() {
        let c = Config::from_parts(&base(), &BTreeMap::new()).expect("valid");
        assert_eq!(c.chain_id, 31337);
        assert_eq!(c.confirmations, 1);
        assert_eq!(c.gas.max_fee_wei, 100_000_000_000);
        assert_eq!(
            c.schedule,
            Schedule {
                weekday: 0,
                hour_utc: 12
            }
        );
        assert!(c.signer.is_none() && c.rebalancer.is_none());
    }

    #[test]
    fn env_overrides_the_file() {
        let env = BTreeMap::from([
            (
                "BALLAST_RPC_URL".to_string(),
                "http://a:1, http://b:2".to_string(),
            ),
            ("BALLAST_MAX_FEE_GWEI".to_string(), "1.5".to_string()),
            ("BALLAST_SCHEDULE_WEEKDAY".to_string(), "friday".to_string()),
        ]);
        let c = Config::from_parts(&base(), &env).expect("valid");
        assert_eq!(c.rpc_urls.len(), 2);
        assert_eq!(c.gas.max_fee_wei, 1_500_000_000);
        assert_eq!(c.schedule.weekday, 4);
    }

    #[test]
    fn invalid_values_name_their_key() {
        let e = err("[chain]\nchain_id = 1\n[contracts]\nvault = \"0x1\"\n", &[]);
        assert!(e.contains("chain.rpc_urls") && e.contains("missing"), "{e}");
        let e = err(&base().replace(VAULT, "0xnothex"), &[]);
        assert!(
            e.contains("`contracts.vault`") && e.contains("not a 20-byte hex address"),
            "{e}"
        );
        let e = err(&base(), &[("BALLAST_VAULT", "nope")]);
        assert!(e.contains("contracts.vault (from BALLAST_VAULT)"), "{e}");
        let e = err(&format!("{}[schedule]\nhour_utc = 24\n", base()), &[]);
        assert!(
            e.contains("schedule.hour_utc") && e.contains("out of range"),
            "{e}"
        );
        let e = err(
            &format!(
                "{}[gas]\nmax_fee_gwei = 1\nmax_priority_fee_gwei = 2\n",
                base()
            ),
            &[],
        );
        assert!(e.contains("gas.max_priority_fee_gwei"), "{e}");
        let e = err(&format!("{}[gas]\nmax_fee = 1\n", base()), &[]);
        assert!(
            e.contains("`gas.max_fee`") && e.contains("unknown key"),
            "{e}"
        );
        let e = err(&base().replace("http://127.0.0.1:8545", "ws://x"), &[]);
        assert!(e.contains("chain.rpc_urls") && e.contains("scheme"), "{e}");
        let e = err("[chain\n", &[]);
        assert!(e.contains("not valid TOML"), "{e}");
    }

    #[test]
    fn raw_key_only_on_anvil() {
        let with_key = format!("{}[signer]\nprivate_key = \"{KEY}\"\n", base());
        let c = Config::from_parts(&with_key, &BTreeMap::new()).expect("anvil accepts a raw key");
        assert!(matches!(c.signer, Some(KeySource::Raw(_))));
        let e = err(&with_key.replace("31337", "1"), &[]);
        assert!(
            e.contains("signer.private_key") && e.contains("only on anvil"),
            "{e}"
        );
        assert!(!e.contains("ac0974"), "the key must not be echoed: {e}");
        assert!(
            !format!("{c:?}").contains("ac0974"),
            "Debug must redact the key"
        );
    }

    #[test]
    fn strategy_table_passes_through() {
        let c = Config::from_parts(
            &format!(
                "{}[strategy]\nlookback = 90\n[strategy.x]\ny = \"z\"\n",
                base()
            ),
            &BTreeMap::new(),
        )
        .expect("valid");
        assert_eq!(
            c.strategy.get("lookback").and_then(|v| v.as_integer()),
            Some(90)
        );
    }

    #[test]
    fn schedule_next_slot() {
        // 2024-01-01 00:00 UTC was a Monday.
        let monday = 1_704_067_200;
        let s = Schedule {
            weekday: 0,
            hour_utc: 12,
        };
        assert_eq!(s.next_after(monday), monday + 12 * 3600);
        assert_eq!(
            s.next_after(monday + 13 * 3600),
            monday + 7 * 86_400 + 12 * 3600
        );
        let fri = Schedule {
            weekday: 4,
            hour_utc: 0,
        };
        assert_eq!(fri.next_after(monday), monday + 4 * 86_400);
    }
}
