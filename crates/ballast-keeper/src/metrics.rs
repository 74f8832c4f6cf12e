//! Prometheus metrics and a health endpoint on a minimal HTTP server (`GET /metrics`, `GET /health`), hand-rolled
//! on tokio: two read-only routes do not need a web framework.

use std::{
    net::SocketAddr,
    sync::{
        atomic::{AtomicU64, Ordering},
        Arc,
    },
};

use tokio::{
    io::{AsyncReadExt, AsyncWriteExt},
    net::TcpListener,
};
use tracing::{debug, info};

use crate::{Error, Result};

/// The keeper's counters and gauges.
#[derive(Debug, Default)]
pub struct Metrics {
    /// Transactions sent (first broadcast of an intent).
    pub txs_sent: AtomicU64,
    /// Replacements at the same nonce with bumped fees.
    pub txs_replaced: AtomicU64,
    /// Rebroadcasts of unchanged signed bytes.
    pub txs_rebroadcast: AtomicU64,
    /// Transactions confirmed.
    pub txs_confirmed: AtomicU64,
    /// Transactions that failed (reverted, timed out, nonce taken).
    pub txs_failed: AtomicU64,
    /// Nonce regressions seen (reorgs).
    pub nonce_gaps: AtomicU64,
    /// Pre-flight simulations that reverted.
    pub sim_reverts: AtomicU64,
    /// Keeper runs that finished.
    pub runs_ok: AtomicU64,
    /// Keeper runs that failed.
    pub runs_failed: AtomicU64,
    /// Unix time of the last successful chain read.
    pub last_read_unix: AtomicU64,
    /// The latest epoch id seen.
    pub epoch_id: AtomicU64,
    /// NAV in asset base units (last read).
    pub nav: AtomicU64,
    /// Components whose price was unavailable at the last read.
    pub stale_prices: AtomicU64,
    /// Stale-price alerts raised (reads that found a price unavailable).
    pub stale_alerts: AtomicU64,
    /// Regime checks done.
    pub regime_checks: AtomicU64,
    /// Cash sweeps opened.
    pub sweeps: AtomicU64,
}

impl Metrics {
    /// Records a successful chain read now.
    pub fn mark_read(&self) {
        self.last_read_unix.store(now(), Ordering::Relaxed);
    }

    /// The Prometheus text exposition.
    pub fn render(&self) -> String {
        let rows: [(&str, &str, &str, &AtomicU64); 16] = [
            (
                "ballast_txs_sent_total",
                "counter",
                "Transactions sent",
                &self.txs_sent,
            ),
            (
                "ballast_txs_replaced_total",
                "counter",
                "Fee-bumped replacements",
                &self.txs_replaced,
            ),
            (
                "ballast_txs_rebroadcast_total",
                "counter",
                "Rebroadcasts of the same bytes",
                &self.txs_rebroadcast,
            ),
            (
                "ballast_txs_confirmed_total",
                "counter",
                "Transactions confirmed",
                &self.txs_confirmed,
            ),
            (
                "ballast_txs_failed_total",
                "counter",
                "Transactions failed",
                &self.txs_failed,
            ),
            (
                "ballast_nonce_gaps_total",
                "counter",
                "Nonce regressions (reorgs)",
                &self.nonce_gaps,
            ),
            (
                "ballast_sim_reverts_total",
                "counter",
                "Pre-flight simulations that reverted",
                &self.sim_reverts,
            ),
            (
                "ballast_runs_ok_total",
                "counter",
                "Keeper runs finished",
                &self.runs_ok,
            ),
            (
                "ballast_runs_failed_total",
                "counter",
                "Keeper runs failed",
                &self.runs_failed,
            ),
            (
                "ballast_last_read_timestamp_seconds",
                "gauge",
                "Last successful chain read",
                &self.last_read_unix,
            ),
            (
                "ballast_epoch_id",
                "gauge",
                "Latest epoch id",
                &self.epoch_id,
            ),
            (
                "ballast_nav_base_units",
                "gauge",
                "NAV in asset base units",
                &self.nav,
            ),
            (
                "ballast_stale_prices",
                "gauge",
                "Components whose price was unavailable at the last read",
                &self.stale_prices,
            ),
            (
                "ballast_stale_price_alerts_total",
                "counter",
                "Reads that found a price unavailable (no trading)",
                &self.stale_alerts,
            ),
            (
                "ballast_regime_checks_total",
                "counter",
                "Daily regime checks done",
                &self.regime_checks,
            ),
            (
                "ballast_cash_sweeps_total",
                "counter",
                "Cash sweeps opened",
                &self.sweeps,
            ),
        ];
        let mut out = String::new();
        for (name, kind, help, v) in rows {
            out.push_str(&format!(
                "# HELP {name} {help}\n# TYPE {name} {kind}\n{name} {}\n",
                v.load(Ordering::Relaxed)
            ));
        }
        out
    }

    /// The health body: `ok` unless the last successful chain read is older than `max_age_secs` (or never).
    pub fn health(&self, max_age_secs: u64) -> (bool, String) {
        let last = self.last_read_unix.load(Ordering::Relaxed);
        let age = now().saturating_sub(last);
        let ok = last != 0 && age <= max_age_secs;
        (
            ok,
            format!("{{\"ok\":{ok},\"last_read_unix\":{last},\"age_secs\":{age}}}\n"),
        )
    }
}

fn now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

/// Serves `/metrics` and `/health` on `addr` until the task is dropped. Returns the bound address (port 0 picks
/// a free one) and the server task.
pub async fn serve(
    addr: SocketAddr,
    metrics: Arc<Metrics>,
    max_read_age_secs: u64,
) -> Result<(SocketAddr, tokio::task::JoinHandle<()>)> {
    let listener = TcpListener::bind(addr).await.map_err(|source| Error::Io {
        path: addr.to_string(),
        source,
    })?;
    let bound = listener.local_addr().map_err(|source| Error::Io {
        path: addr.to_string(),
        source,
    })?;
    info!(%bound, "metrics and health listening");
    let task = tokio::spawn(async move {
        loop {
            let Ok((mut stream, _)) = listener.accept().await else {
                continue;
            };
            let metrics = metrics.clone();
            tokio::spawn(async move {
                let mut buf = [0u8; 2048];
                let n = match stream.read(&mut buf).await {
                    Ok(n) => n,
                    Err(_) => return,
                };
                let request = String::from_utf8_lossy(&buf[..n]);
                let path = request.split_whitespace().nth(1).unwrap_or("/");
                let (status, ctype, body) = match path {
                    "/metrics" => ("200 OK", "text/plain; version=0.0.4", metrics.render()),
                    "/health" => {
                        let (ok, body) = metrics.health(max_read_age_secs);
                        (
                            if ok {
                                "200 OK"
                            } else {
                                "503 Service Unavailable"
                            },
                            "application/json",
                            body,
                        )
                    }
                    _ => ("404 Not Found", "text/plain", "not found\n".to_string()),
                };
                let response = format!(
                    "HTTP/1.1 {status}\r\nContent-Type: {ctype}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                    body.len()
                );
                if let Err(e) = stream.write_all(response.as_bytes()).await {
                    debug!(error = %e, "metrics client went away");
                }
            });
        }
    });
    Ok((bound, task))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn serves_metrics_and_health() {
        let m = Arc::new(Metrics::default());
        m.txs_sent.fetch_add(3, Ordering::Relaxed);
        let (addr, task) = serve("127.0.0.1:0".parse().expect("addr"), m.clone(), 60)
            .await
            .expect("bind");
        let get = |path: &'static str| async move {
            let mut s = tokio::net::TcpStream::connect(addr).await.expect("connect");
            s.write_all(format!("GET {path} HTTP/1.1\r\nHost: x\r\n\r\n").as_bytes())
                .await
                .expect("write");
            let mut out = String::new();
            s.read_to_string(&mut out).await.expect("read");
            out
        };
        let metrics = get("/metrics").await;
        assert!(
            metrics.starts_with("HTTP/1.1 200") && metrics.contains("ballast_txs_sent_total 3"),
            "{metrics}"
        );
        assert!(
            get("/health").await.starts_with("HTTP/1.1 503"),
            "never read: unhealthy"
        );
        m.mark_read();
        assert!(get("/health").await.starts_with("HTTP/1.1 200"));
        assert!(get("/nope").await.starts_with("HTTP/1.1 404"));
        task.abort();
    }
}
