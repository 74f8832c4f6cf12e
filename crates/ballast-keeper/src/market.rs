//! Market data behind one trait ([`MarketSource`]): a CoinGecko `coins/markets` snapshot file, or an HTTP endpoint
//! in the same shape (timeouts, retries with exponential backoff, a rate limit), plus the token address/decimals
//! overlay of the strategy crate. [`targets_from_market`] turns a snapshot into the vault's [`Targets`]: universe →
//! capped weights → mapped onto the listed components by token address.

use std::{
    future::Future,
    path::PathBuf,
    pin::Pin,
    time::{Duration, Instant},
};

use alloy::transports::http::reqwest;
use ballast_strategy as strat;
use tokio::sync::Mutex;
use tracing::{info, warn};

use crate::{
    chain::VaultSnapshot,
    planner::Targets,
    settings::{MarketSettings, SchemeKind, SourceKind, UnknownTokens},
    strategy::from_strat,
    Error, Result,
};

/// A boxed future (the trait stays object-safe).
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// Where a market snapshot comes from.
pub trait MarketSource: Send + Sync {
    /// The assets of the latest snapshot (metadata overlay applied).
    fn markets(&self) -> BoxFuture<'_, Result<Vec<strat::Asset>>>;
    /// A short description for logs (`file markets.json`, `http http://…`).
    fn describe(&self) -> String;
}

fn market_err(e: impl std::fmt::Display) -> Error {
    Error::Market(e.to_string())
}

fn overlay(assets: &mut [strat::Asset], metadata: Option<&PathBuf>) -> Result<()> {
    if let Some(path) = metadata {
        let meta = strat::load_metadata_json(path).map_err(market_err)?;
        strat::apply_metadata(assets, &meta);
    }
    Ok(())
}

/// A snapshot file.
#[derive(Clone, Debug)]
pub struct FileSource {
    path: PathBuf,
    metadata: Option<PathBuf>,
}

impl FileSource {
    /// `path` (coins/markets JSON) with an optional overlay.
    pub fn new(path: PathBuf, metadata: Option<PathBuf>) -> Self {
        Self { path, metadata }
    }
}

impl MarketSource for FileSource {
    fn markets(&self) -> BoxFuture<'_, Result<Vec<strat::Asset>>> {
        Box::pin(async move {
            let mut assets = strat::load_markets_json(&self.path).map_err(market_err)?;
            overlay(&mut assets, self.metadata.as_ref())?;
            Ok(assets)
        })
    }

    fn describe(&self) -> String {
        format!("file {}", self.path.display())
    }
}

/// An HTTP JSON endpoint in the `coins/markets` shape.
#[derive(Debug)]
pub struct HttpSource {
    url: String,
    metadata: Option<PathBuf>,
    client: reqwest::Client,
    retries: u32,
    backoff: Duration,
    min_interval: Duration,
    last: Mutex<Option<Instant>>,
}

impl HttpSource {
    /// A source on `url`: each request times out after `timeout`, failures are retried `retries` times after
    /// `backoff`, doubling, and two requests are at least `min_interval` apart.
    pub fn new(
        url: String,
        metadata: Option<PathBuf>,
        timeout: Duration,
        retries: u32,
        backoff: Duration,
        min_interval: Duration,
    ) -> Result<Self> {
        let client = reqwest::Client::builder()
            .timeout(timeout)
            .connect_timeout(timeout)
            .build()
            .map_err(market_err)?;
        Ok(Self {
            url,
            metadata,
            client,
            retries,
            backoff,
            min_interval,
            last: Mutex::new(None),
        })
    }

    async fn pace(&self) {
        let mut last = self.last.lock().await;
        if let Some(t) = *last {
            let next = t + self.min_interval;
            let now = Instant::now();
            if next > now {
                tokio::time::sleep(next - now).await;
            }
        }
        *last = Some(Instant::now());
    }

    /// One attempt: `Ok(body)`, or `Err((retryable, message))`.
    async fn attempt(&self) -> std::result::Result<String, (bool, String)> {
        self.pace().await;
        let resp = self
            .client
            .get(&self.url)
            .header("accept", "application/json")
            .send()
            .await
            .map_err(|e| (true, format!("request failed: {e}")))?;
        let status = resp.status();
        if status.is_success() {
            return resp
                .text()
                .await
                .map_err(|e| (true, format!("reading the body: {e}")));
        }
        let retryable = status.as_u16() == 429 || status.is_server_error();
        Err((retryable, format!("HTTP {status}")))
    }
}

impl MarketSource for HttpSource {
    fn markets(&self) -> BoxFuture<'_, Result<Vec<strat::Asset>>> {
        Box::pin(async move {
            let mut delay = self.backoff;
            let mut tries = 0;
            let body = loop {
                tries += 1;
                match self.attempt().await {
                    Ok(body) => break body,
                    Err((retryable, msg)) if retryable && tries <= self.retries => {
                        warn!(url = %self.url, attempt = tries, error = %msg, retry_in_ms = delay.as_millis() as u64, "market data request failed; retrying");
                        tokio::time::sleep(delay).await;
                        delay *= 2;
                    }
                    Err((_, msg)) => {
                        return Err(Error::Market(format!(
                            "{} after {tries} attempt(s): {msg}",
                            self.url
                        )))
                    }
                }
            };
            let mut assets = strat::parse_markets_json(&body, &self.url).map_err(market_err)?;
            overlay(&mut assets, self.metadata.as_ref())?;
            Ok(assets)
        })
    }

    fn describe(&self) -> String {
        format!("http {}", self.url)
    }
}

/// The source `[market]` configures.
pub fn source_from(m: &MarketSettings) -> Result<Box<dyn MarketSource>> {
    Ok(match m.source {
        SourceKind::File => Box::new(FileSource::new(
            m.path.clone().unwrap_or_default(),
            m.metadata.clone(),
        )),
        SourceKind::Http => Box::new(HttpSource::new(
            m.url.clone().unwrap_or_default(),
            m.metadata.clone(),
            Duration::from_secs(m.timeout_secs),
            m.retries,
            Duration::from_millis(m.backoff_ms),
            Duration::from_millis(m.min_interval_ms),
        )?),
    })
}

/// New targets from a market snapshot, mapped onto the vault's listed components by token address.
///
/// The incumbents are the listed components whose token a snapshot asset carries. A universe member the vault does
/// not list is an error naming it, or (with `unknown_tokens = "skip"`) left out with a warning before weighing, so
/// the weights still sum to 1e18. Listed components outside the universe get 0. The cash weight is at least the
/// rebalancer's cash buffer.
pub fn targets_from_market(
    assets: &[strat::Asset],
    snap: &VaultSnapshot,
    m: &MarketSettings,
) -> Result<Targets> {
    let listed = |a: &strat::Asset| {
        a.meta.token.and_then(|t| {
            let addr = from_strat(t.address);
            snap.components.iter().position(|c| c.token == addr)
        })
    };
    let incumbents: Vec<String> = assets
        .iter()
        .filter(|a| listed(a).is_some())
        .map(|a| a.meta.id.clone())
        .collect();
    let universe = strat::select_universe(
        assets,
        &incumbents,
        &strat::UniverseConfig {
            size: m.size,
            buffer: m.buffer,
            min_volume_usd: m.min_volume_usd,
            require_token: true,
        },
    )
    .map_err(market_err)?;
    let by_id: std::collections::HashMap<&str, &strat::Asset> =
        assets.iter().map(|a| (a.meta.id.as_str(), a)).collect();
    let mut members = Vec::new();
    for member in &universe.members {
        let index = by_id.get(member.id.as_str()).and_then(|a| listed(a));
        match (index, m.unknown_tokens) {
            (Some(i), _) => members.push((i, member.market_cap_usd)),
            (None, UnknownTokens::Skip) => warn!(
                id = %member.id,
                token = ?member.token.map(|t| from_strat(t.address)),
                "universe member is not listed in the vault; skipped"
            ),
            (None, UnknownTokens::Error) => {
                return Err(Error::Market(format!(
                    "universe member `{}` (token {}) is not a listed component of the vault; list it, or set \
                     market.unknown_tokens = \"skip\"",
                    member.id,
                    member
                        .token
                        .map(|t| from_strat(t.address).to_string())
                        .unwrap_or_else(|| "none".into())
                )))
            }
        }
    }
    let scores =
        strat::scores_from_caps(members.iter().map(|(_, cap)| *cap)).map_err(market_err)?;
    let scheme = match m.scheme {
        SchemeKind::MarketCap => strat::WeightScheme::MarketCap,
        SchemeKind::Capped => strat::WeightScheme::CappedMarketCap { cap_wad: m.cap_wad },
        SchemeKind::Equal => strat::WeightScheme::Equal,
    };
    let buffer = snap.rebalancer.as_ref().map_or(0, |r| r.cash_buffer_wad);
    let w = strat::compute_weights(&scores, scheme, m.cash_wad.max(buffer)).map_err(market_err)?;
    let mut weights = vec![0u64; snap.components.len()];
    for ((i, _), wi) in members.iter().zip(&w.components) {
        weights[*i] = *wi;
    }
    let t = Targets {
        weights,
        cash: w.cash,
    };
    t.validate(snap.components.len())?;
    info!(
        members = members.len(),
        cash_wad = t.cash,
        "targets from market data"
    );
    Ok(t)
}

#[cfg(test)]
mod tests {
    use std::sync::{
        atomic::{AtomicUsize, Ordering},
        Arc,
    };

    use tokio::{
        io::{AsyncReadExt, AsyncWriteExt},
        net::TcpListener,
    };

    use super::*;

    const MARKETS: &str = r#"[
      {"id":"bitcoin","symbol":"btc","current_price":100000,"market_cap":2000000000000,"total_volume":5e10,
       "token":{"address":"0x1111111111111111111111111111111111111111","decimals":8}},
      {"id":"ethereum","symbol":"eth","current_price":4000,"market_cap":500000000000,"total_volume":2e10,
       "token":{"address":"0x2222222222222222222222222222222222222222","decimals":18}},
      {"id":"tether","symbol":"usdt","current_price":1,"market_cap":100000000000,"total_volume":9e10,
       "stablecoin":true},
      {"id":"dogecoin","symbol":"doge","current_price":0.3,"market_cap":40000000000,"total_volume":1e9,
       "token":{"address":"0x3333333333333333333333333333333333333333","decimals":8}}
    ]"#;

    /// A local HTTP server on 127.0.0.1 that answers the first `failures` requests with `fail_status` (0: close
    /// without answering), then 200 with [`MARKETS`]. Returns its URL and the request counter.
    async fn server(failures: usize, fail_status: u16) -> (String, Arc<AtomicUsize>) {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let addr = listener.local_addr().expect("addr");
        let count = Arc::new(AtomicUsize::new(0));
        let c = count.clone();
        tokio::spawn(async move {
            while let Ok((mut s, _)) = listener.accept().await {
                let n = c.fetch_add(1, Ordering::SeqCst);
                let mut buf = [0u8; 4096];
                let _ = s.read(&mut buf).await;
                if n < failures {
                    if fail_status == 0 {
                        continue; // drop the connection unanswered
                    }
                    let r = format!(
                        "HTTP/1.1 {fail_status} X\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
                    );
                    let _ = s.write_all(r.as_bytes()).await;
                } else {
                    let r = format!(
                        "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{MARKETS}",
                        MARKETS.len()
                    );
                    let _ = s.write_all(r.as_bytes()).await;
                }
            }
        });
        (format!("http://{addr}/coins/markets"), count)
    }

    fn source(url: String, retries: u32, interval_ms: u64) -> HttpSource {
        HttpSource::new(
            url,
            None,
            Duration::from_secs(2),
            retries,
            Duration::from_millis(20),
            Duration::from_millis(interval_ms),
        )
        .expect("client")
    }

    #[tokio::test]
    async fn http_retries_server_errors_with_backoff_then_succeeds() {
        let (url, count) = server(2, 503).await;
        let assets = source(url, 3, 0).markets().await.expect("third try");
        assert_eq!(assets.len(), 4);
        assert_eq!(count.load(Ordering::SeqCst), 3);
    }

    #[tokio::test]
    async fn http_gives_up_after_the_retries_and_names_the_url() {
        let (url, count) = server(10, 500).await;
        let e = source(url.clone(), 2, 0)
            .markets()
            .await
            .expect_err("gives up");
        assert!(
            e.to_string().contains(&url) && e.to_string().contains("3 attempt"),
            "{e}"
        );
        assert_eq!(count.load(Ordering::SeqCst), 3);
        let (url, count) = server(10, 404).await;
        let e = source(url, 5, 0).markets().await.expect_err("4xx is final");
        assert!(e.to_string().contains("404"), "{e}");
        assert_eq!(
            count.load(Ordering::SeqCst),
            1,
            "no retry on a client error"
        );
    }

    #[tokio::test]
    async fn http_is_rate_limited() {
        let (url, _) = server(0, 0).await;
        let s = source(url, 0, 150);
        let start = Instant::now();
        for _ in 0..3 {
            s.markets().await.expect("ok");
        }
        assert!(
            start.elapsed() >= Duration::from_millis(300),
            "{:?}",
            start.elapsed()
        );
    }

    #[tokio::test]
    async fn http_times_out_on_a_silent_server() {
        // Accepts but never answers.
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let addr = listener.local_addr().expect("addr");
        let held = tokio::spawn(async move {
            let mut conns = Vec::new();
            while let Ok((s, _)) = listener.accept().await {
                conns.push(s);
            }
        });
        let s = HttpSource::new(
            format!("http://{addr}/"),
            None,
            Duration::from_millis(200),
            1,
            Duration::from_millis(10),
            Duration::ZERO,
        )
        .expect("client");
        let start = Instant::now();
        let e = s.markets().await.expect_err("timeout");
        assert!(
            start.elapsed() < Duration::from_secs(3),
            "bounded by the timeout"
        );
        assert!(e.to_string().contains("2 attempt"), "{e}");
        held.abort();
    }

    fn settings(unknown: UnknownTokens) -> MarketSettings {
        MarketSettings {
            source: SourceKind::File,
            path: None,
            url: None,
            metadata: None,
            timeout_secs: 1,
            retries: 0,
            backoff_ms: 1,
            min_interval_ms: 0,
            unknown_tokens: unknown,
            size: 10,
            buffer: 2,
            min_volume_usd: 1.0,
            scheme: SchemeKind::Capped,
            cap_wad: 600_000_000_000_000_000,
            cash_wad: 10_000_000_000_000_000,
        }
    }

    fn snap() -> VaultSnapshot {
        let mut components = Vec::new();
        for (b, sym) in [(0x11u8, "WBTC"), (0x22, "WETH")] {
            components.push(crate::ComponentState {
                token: alloy::primitives::Address::repeat_byte(b),
                symbol: sym.into(),
                decimals: 18,
                source: alloy::primitives::Address::ZERO,
                balance: alloy::primitives::U256::ZERO,
                price: None,
                value: alloy::primitives::U256::ZERO,
                target_weight: 0,
            });
        }
        VaultSnapshot {
            block: 0,
            timestamp: 0,
            vault: alloy::primitives::Address::ZERO,
            asset: alloy::primitives::Address::repeat_byte(0x99),
            asset_symbol: "USDC".into(),
            asset_decimals: 6,
            share_decimals: 18,
            total_supply: alloy::primitives::U256::ZERO,
            nav: alloy::primitives::U256::ZERO,
            nav_valid: true,
            share_price: alloy::primitives::U256::ZERO,
            cash: alloy::primitives::U256::ZERO,
            cash_target_weight: 0,
            components,
            fees: crate::chain::Fees {
                recipient: alloy::primitives::Address::ZERO,
                management_fee_wad: 0,
                entry_fee_bps: 0,
                exit_fee_bps: 0,
                levy_bps: 0,
                last_accrual: 0,
                pending_management_fee_shares: alloy::primitives::U256::ZERO,
            },
            deposits_paused: false,
            rebalancing_paused: false,
            rebalancer: None,
            pool_depths: std::collections::BTreeMap::new(),
        }
    }

    #[test]
    fn targets_map_onto_listed_components_by_address() {
        let assets = strat::parse_markets_json(MARKETS, "test").expect("parse");
        let s = snap();
        let e = targets_from_market(&assets, &s, &settings(UnknownTokens::Error))
            .expect_err("DOGE is not listed");
        assert!(
            e.to_string().contains("dogecoin")
                && e.to_string()
                    .contains("0x3333333333333333333333333333333333333333"),
            "{e}"
        );
        let t = targets_from_market(&assets, &s, &settings(UnknownTokens::Skip)).expect("skip");
        assert_eq!(
            t.weights.iter().map(|w| u128::from(*w)).sum::<u128>() + u128::from(t.cash),
            1_000_000_000_000_000_000
        );
        assert_eq!(t.cash, 10_000_000_000_000_000);
        assert!(t.weights[0] > t.weights[1], "BTC outweighs ETH");
        assert_eq!(t.weights[0], 600_000_000_000_000_000, "capped at 60 %");
    }
}
