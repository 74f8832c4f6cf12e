//! One sender per key, with its own nonce, fee and receipt handling (alloy's cached nonce filler and `watch()` are
//! not used: they neither resync after a failed send nor handle dropped transactions).
//!
//! Per job ([`Sender::send`]):
//! - NONCE: re-read from the chain (`latest`), never from a local counter, so a failed send cannot leave a hole. If
//!   the node holds pending transactions of this key that this job did not send, another sender is active: stop
//!   ([`Error::ForeignPending`]). A nonce below the last one this sender confirmed means a reorg dropped it (logged).
//! - FEES: EIP-1559 with `maxFeePerGas = min(cap, 2 × next base fee + tip)`. If the next base fee is above the cap,
//!   wait (up to `fee_wait`) rather than overpay ([`Error::FeeAboveCap`]).
//! - BROADCAST: the signed bytes are kept. Without a receipt after `rebroadcast`, the SAME bytes are sent again; the
//!   next time, a replacement at the SAME nonce with fees bumped by `bump_percent` (never past the cap). Never a
//!   fresh transaction for the same intent.
//! - RECEIPTS: polled for every hash sent for the nonce, until `receipt_timeout`; counted once `confirmations`
//!   blocks include it, re-checked at that depth (a receipt that vanished in a reorg sends the job back to waiting).
//!   A nonce the chain shows used with no receipt of ours is watched for a few polls: a receipt appearing counts,
//!   the nonce coming free again (the block that used it was reorged out) sends the same bytes again, and only a
//!   nonce still used without our receipt stops the job as taken by another transaction.
//! - ERRORS from the node are classified ([`classify`]): retry, already known, nonce too low, underpriced (bump),
//!   or stop.

use std::{
    sync::{
        atomic::{AtomicU64, Ordering},
        Arc,
    },
    time::{Duration, Instant},
};

use alloy::{
    consensus::{SignableTransaction, TxEip1559, TxEnvelope},
    eips::{
        calc_next_block_base_fee, eip1559::BaseFeeParams, eip2718::Encodable2718, BlockNumberOrTag,
    },
    network::TxSignerSync,
    primitives::{Address, Bytes, TxHash, TxKind, U256},
    providers::{DynProvider, Provider},
    rpc::types::TransactionReceipt,
    signers::local::PrivateKeySigner,
};
use tracing::{debug, info, warn};

use crate::{config::Config, metrics::Metrics, Error, Result};

/// How many polls to wait for a receipt that lags a used nonce before calling the nonce taken.
const RECEIPT_LAG_CHECKS: u32 = 10;

/// Fee caps and timing of a [`Sender`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FeePolicy {
    /// Cap on `maxFeePerGas` (wei).
    pub max_fee_wei: u128,
    /// Cap on `maxPriorityFeePerGas` (wei).
    pub max_priority_fee_wei: u128,
    /// Replacement bump, percent.
    pub bump_percent: u64,
    /// Rebroadcast / replace after this long without a receipt.
    pub rebroadcast: Duration,
    /// Give up after this long.
    pub receipt_timeout: Duration,
    /// Wait at most this long for the base fee to come under the cap.
    pub fee_wait: Duration,
    /// Blocks including the receipt before it counts (1 = included).
    pub confirmations: u64,
    /// Polling interval.
    pub poll: Duration,
}

impl FeePolicy {
    /// The policy of a configuration (polling every second).
    pub fn from_config(c: &Config) -> Self {
        Self {
            max_fee_wei: c.gas.max_fee_wei,
            max_priority_fee_wei: c.gas.max_priority_fee_wei,
            bump_percent: c.gas.bump_percent,
            rebroadcast: c.gas.rebroadcast,
            receipt_timeout: c.gas.receipt_timeout,
            fee_wait: c.gas.fee_wait,
            confirmations: c.confirmations,
            poll: c.gas.poll,
        }
    }

    /// `(maxFeePerGas, maxPriorityFeePerGas)` for a block whose base fee is `base_fee`, or `None` when the base fee
    /// is above the cap (wait: do not overpay).
    pub fn fees(&self, base_fee: u128) -> Option<(u128, u128)> {
        if base_fee > self.max_fee_wei {
            return None;
        }
        let tip = self.max_priority_fee_wei.min(self.max_fee_wei - base_fee);
        let max_fee = base_fee
            .saturating_mul(2)
            .saturating_add(tip)
            .min(self.max_fee_wei);
        Some((max_fee, tip))
    }

    /// The fees of a replacement: both raised by `bump_percent` (rounded up), capped. `None` when the cap leaves no
    /// room for the at-least-10% bump nodes require.
    pub fn bump(&self, (max_fee, tip): (u128, u128)) -> Option<(u128, u128)> {
        let up = |x: u128, pct: u64| x.saturating_mul(100 + pct as u128).div_ceil(100);
        let new_fee = up(max_fee, self.bump_percent).min(self.max_fee_wei);
        let new_tip = up(tip, self.bump_percent).min(new_fee);
        (new_fee >= up(max_fee, 10) && new_tip >= up(tip, 10)).then_some((new_fee, new_tip))
    }
}

/// How to react to an error the node returned for a send.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RpcClass {
    /// Transient (connection, timeout, rate limit, 5xx): retry the same bytes.
    Retry,
    /// The node already has this exact transaction: treat as sent.
    AlreadyKnown,
    /// The nonce is used: either our transaction was mined, or another one took the nonce.
    NonceTooLow,
    /// A transaction at this nonce pays more, or the fee is below the node's minimum: bump.
    Underpriced,
    /// Cannot succeed by retrying (insufficient funds, invalid, gas limit): stop.
    Stop,
}

/// Classifies a node's error message for a send (geth, reth, anvil, erigon wordings).
pub fn classify(message: &str) -> RpcClass {
    let m = message.to_ascii_lowercase();
    let has = |s: &str| m.contains(s);
    if has("already known") || has("already imported") || has("known transaction") {
        RpcClass::AlreadyKnown
    } else if has("nonce too low") || has("nonce has already been used") || has("invalid nonce") {
        RpcClass::NonceTooLow
    } else if has("underpriced")
        || has("fee too low")
        || has("max fee per gas less than block base fee")
    {
        RpcClass::Underpriced
    } else if has("insufficient funds")
        || has("intrinsic gas")
        || has("exceeds block gas limit")
        || has("invalid signature")
        || has("invalid chain")
        || has("nonce too high")
        || has("execution reverted")
    {
        RpcClass::Stop
    } else {
        RpcClass::Retry
    }
}

/// What a [`Sender`] is asked to do: one call, one transaction.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Intent {
    /// A short label for logs and metrics (`openEpoch(4)`).
    pub label: String,
    /// The contract called.
    pub to: Address,
    /// The calldata.
    pub input: Bytes,
    /// The gas limit.
    pub gas_limit: u64,
}

/// A transaction that was mined and confirmed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SentTx {
    /// The hash that was mined (the original or a replacement).
    pub hash: TxHash,
    /// Its nonce.
    pub nonce: u64,
    /// Its block.
    pub block: u64,
    /// Gas used.
    pub gas_used: u64,
    /// Price paid per gas.
    pub effective_gas_price: u128,
    /// Replacements sent (fee bumps).
    pub replacements: u32,
    /// Rebroadcasts of unchanged bytes.
    pub rebroadcasts: u32,
}

/// Sends transactions for one key.
#[derive(Clone, Debug)]
pub struct Sender {
    provider: DynProvider,
    broadcast: DynProvider,
    signer: PrivateKeySigner,
    chain_id: u64,
    policy: FeePolicy,
    /// The nonce after the last confirmed transaction of this sender (0: none yet).
    confirmed_next: Arc<AtomicU64>,
    metrics: Option<Arc<Metrics>>,
}

/// What became of a used nonce whose receipt was missing ([`Sender::send`]).
enum Lag {
    /// One of our hashes has a receipt after all.
    Receipt,
    /// The nonce is unused again: the block that used it was reorged out.
    NonceFreed,
    /// Still used, still no receipt of ours: another transaction took it.
    Taken,
}

struct Signed {
    raw: Bytes,
    hash: TxHash,
    fees: (u128, u128),
}

impl Sender {
    /// A sender for `signer` reading from `provider` and broadcasting to `broadcast` (a private endpoint, or the
    /// same provider).
    pub fn new(
        provider: DynProvider,
        broadcast: DynProvider,
        signer: PrivateKeySigner,
        chain_id: u64,
        policy: FeePolicy,
    ) -> Self {
        Self {
            provider,
            broadcast,
            signer,
            chain_id,
            policy,
            confirmed_next: Arc::default(),
            metrics: None,
        }
    }

    /// Counts what it does in `metrics`.
    pub fn with_metrics(mut self, metrics: Arc<Metrics>) -> Self {
        self.metrics = Some(metrics);
        self
    }

    /// The sending address.
    pub fn address(&self) -> Address {
        self.signer.address()
    }

    /// The fee policy.
    pub fn policy(&self) -> &FeePolicy {
        &self.policy
    }

    fn count(&self, counter: impl FnOnce(&Metrics) -> &AtomicU64) {
        if let Some(m) = &self.metrics {
            counter(m).fetch_add(1, Ordering::Relaxed);
        }
    }

    /// The nonce for a new job, read from the chain; fails if foreign transactions of this key are pending.
    pub async fn next_nonce(&self) -> Result<u64> {
        let addr = self.address();
        let latest = self.mined_nonce().await?;
        let pending = self
            .provider
            .get_transaction_count(addr)
            .pending()
            .await
            .map_err(Error::rpc)?;
        if pending > latest {
            return Err(Error::ForeignPending {
                address: addr,
                from: latest,
                count: pending - latest,
            });
        }
        let expected = self.confirmed_next.load(Ordering::Relaxed);
        if expected != 0 && latest < expected {
            warn!(
                latest,
                expected,
                "nonce went back: a confirmed transaction was reorged out; using the chain's"
            );
            self.count(|m| &m.nonce_gaps);
        }
        Ok(latest)
    }

    /// The base fee of the next block.
    pub async fn next_base_fee(&self) -> Result<u128> {
        let block = self
            .provider
            .get_block_by_number(BlockNumberOrTag::Latest)
            .await
            .map_err(Error::rpc)?
            .ok_or_else(|| Error::State("no latest block".into()))?;
        let h = block.header;
        Ok(h.base_fee_per_gas
            .map(|b| {
                calc_next_block_base_fee(h.gas_used, h.gas_limit, b, BaseFeeParams::ethereum())
            })
            .unwrap_or(0) as u128)
    }

    async fn fees_under_cap(&self) -> Result<(u128, u128)> {
        let start = Instant::now();
        loop {
            let base = self.next_base_fee().await?;
            if let Some(f) = self.policy.fees(base) {
                return Ok(f);
            }
            if start.elapsed() >= self.policy.fee_wait {
                return Err(Error::FeeAboveCap {
                    base_fee: base,
                    cap: self.policy.max_fee_wei,
                });
            }
            info!(
                base_fee = base,
                cap = self.policy.max_fee_wei,
                "base fee above the cap: waiting"
            );
            tokio::time::sleep(self.policy.poll).await;
        }
    }

    fn sign(
        &self,
        intent: &Intent,
        kind: TxKind,
        nonce: u64,
        fees: (u128, u128),
    ) -> Result<Signed> {
        let mut tx = TxEip1559 {
            chain_id: self.chain_id,
            nonce,
            gas_limit: intent.gas_limit,
            max_fee_per_gas: fees.0,
            max_priority_fee_per_gas: fees.1,
            to: kind,
            value: U256::ZERO,
            access_list: Default::default(),
            input: intent.input.clone(),
        };
        let sig = self
            .signer
            .sign_transaction_sync(&mut tx)
            .map_err(|e| Error::Key(e.to_string()))?;
        let envelope = TxEnvelope::from(tx.into_signed(sig));
        Ok(Signed {
            raw: envelope.encoded_2718().into(),
            hash: *envelope.tx_hash(),
            fees,
        })
    }

    /// Broadcasts `raw`; `Ok(None)` when sent (or already known), `Ok(Some(class))` for a class the caller handles.
    async fn broadcast(&self, raw: &Bytes) -> Result<Option<RpcClass>> {
        let mut attempts = 0;
        loop {
            match self.broadcast.send_raw_transaction(raw).await {
                Ok(_) => return Ok(None),
                Err(e) => {
                    let msg = e.to_string();
                    match classify(&msg) {
                        RpcClass::AlreadyKnown => return Ok(None),
                        RpcClass::Retry if attempts < 3 => {
                            attempts += 1;
                            warn!(error = %msg, attempts, "send failed: retrying the same bytes");
                            tokio::time::sleep(self.policy.poll * attempts).await;
                        }
                        RpcClass::Retry => return Err(Error::Rpc(msg)),
                        RpcClass::Stop => return Err(Error::Refused(msg)),
                        class => return Ok(Some(class)),
                    }
                }
            }
        }
    }

    async fn receipt_of(&self, hashes: &[TxHash]) -> Result<Option<TransactionReceipt>> {
        for h in hashes.iter().rev() {
            if let Some(r) = self
                .provider
                .get_transaction_receipt(*h)
                .await
                .map_err(Error::rpc)?
            {
                return Ok(Some(r));
            }
        }
        Ok(None)
    }

    /// Sends `intent` as one transaction and waits until it is confirmed (see the module docs).
    pub async fn send(&self, intent: &Intent) -> Result<SentTx> {
        self.send_kind(intent, TxKind::Call(intent.to)).await
    }

    /// Sends `intent` as a contract creation (`intent.input` is the init code; `intent.to` is ignored), with the
    /// same nonce, fee and receipt handling as [`Sender::send`]. The contract's address is
    /// `self.address().create(sent.nonce)`.
    pub async fn send_create(&self, intent: &Intent) -> Result<SentTx> {
        self.send_kind(intent, TxKind::Create).await
    }

    async fn send_kind(&self, intent: &Intent, kind: TxKind) -> Result<SentTx> {
        let nonce = self.next_nonce().await?;
        let mut current = self.sign(intent, kind, nonce, self.fees_under_cap().await?)?;
        let mut hashes = vec![current.hash];
        let (mut replacements, mut rebroadcasts) = (0u32, 0u32);
        info!(label = %intent.label, nonce, hash = %current.hash, max_fee = current.fees.0, "sending");
        self.count(|m| &m.txs_sent);
        match self.broadcast(&current.raw).await? {
            None => {}
            Some(RpcClass::Underpriced) => {
                // Something else sits at this nonce: replace it (bumped, under the cap).
                let fees = self
                    .policy
                    .bump(current.fees)
                    .ok_or_else(|| Error::Refused("underpriced at the fee cap".into()))?;
                current = self.sign(intent, kind, nonce, fees)?;
                hashes.push(current.hash);
                replacements += 1;
                self.broadcast(&current.raw).await?;
            }
            Some(_) => {} // nonce too low: handled below by looking for our receipt or a moved nonce
        }

        let start = Instant::now();
        let mut last_push = Instant::now();
        loop {
            if let Some(receipt) = self.receipt_of(&hashes).await? {
                if let Some(sent) = self
                    .confirm(&receipt, nonce, replacements, rebroadcasts)
                    .await?
                {
                    if !receipt.status() {
                        self.count(|m| &m.txs_failed);
                        return Err(Error::MinedRevert { hash: sent.hash });
                    }
                    self.count(|m| &m.txs_confirmed);
                    self.confirmed_next.store(nonce + 1, Ordering::Relaxed);
                    return Ok(sent);
                }
                // Reorged out before reaching depth: push the same bytes again at once.
                warn!(hash = %receipt.transaction_hash, "receipt vanished (reorg): rebroadcasting");
                self.broadcast(&current.raw).await?;
                last_push = Instant::now();
                continue;
            }
            if self.mined_nonce().await? > nonce {
                // Our nonce is used but none of our hashes has a receipt yet. The receipt may lag the nonce (a node
                // re-indexing after a reorg does), and the block that used the nonce may itself be reorged out: look
                // again a few times, at both, before concluding another transaction took the nonce.
                match self.await_lagging_receipt(&hashes, nonce).await? {
                    Lag::Receipt => {}
                    Lag::NonceFreed => {
                        warn!(nonce, hash = %current.hash, "nonce free again (reorg): rebroadcasting");
                        self.broadcast(&current.raw).await?;
                        last_push = Instant::now();
                    }
                    Lag::Taken => {
                        self.count(|m| &m.txs_failed);
                        return Err(Error::Refused(format!(
                            "nonce {nonce} was used by another transaction"
                        )));
                    }
                }
                continue;
            }
            if start.elapsed() >= self.policy.receipt_timeout {
                self.count(|m| &m.txs_failed);
                return Err(Error::ReceiptTimeout { nonce, hashes });
            }
            if last_push.elapsed() >= self.policy.rebroadcast {
                last_push = Instant::now();
                let bumped = if rebroadcasts > replacements {
                    self.policy.bump(current.fees)
                } else {
                    None
                };
                match bumped {
                    Some(fees) => {
                        current = self.sign(intent, kind, nonce, fees)?;
                        hashes.push(current.hash);
                        replacements += 1;
                        self.count(|m| &m.txs_replaced);
                        info!(nonce, hash = %current.hash, max_fee = fees.0, "replacing with bumped fees");
                    }
                    None => {
                        rebroadcasts += 1;
                        self.count(|m| &m.txs_rebroadcast);
                        info!(nonce, hash = %current.hash, "no receipt yet: rebroadcasting the same bytes");
                    }
                }
                if let Some(class) = self.broadcast(&current.raw).await? {
                    debug!(?class, "broadcast answered");
                }
            }
            tokio::time::sleep(self.policy.poll).await;
        }
    }

    /// The sender's nonce in the latest block: transactions of this key mined so far.
    async fn mined_nonce(&self) -> Result<u64> {
        self.provider
            .get_transaction_count(self.address())
            .latest()
            .await
            .map_err(Error::rpc)
    }

    /// Called when the chain shows `nonce` used but none of `hashes` has a receipt: polls both a few times.
    async fn await_lagging_receipt(&self, hashes: &[TxHash], nonce: u64) -> Result<Lag> {
        for _ in 0..RECEIPT_LAG_CHECKS {
            tokio::time::sleep(self.policy.poll).await;
            if self.receipt_of(hashes).await?.is_some() {
                return Ok(Lag::Receipt);
            }
            if self.mined_nonce().await? <= nonce {
                return Ok(Lag::NonceFreed);
            }
        }
        Ok(Lag::Taken)
    }

    /// Waits for `receipt` to reach the confirmation depth. `Ok(None)` if it disappeared (reorg).
    async fn confirm(
        &self,
        receipt: &TransactionReceipt,
        nonce: u64,
        replacements: u32,
        rebroadcasts: u32,
    ) -> Result<Option<SentTx>> {
        let block = receipt
            .block_number
            .ok_or_else(|| Error::State("receipt without a block number".into()))?;
        let start = Instant::now();
        loop {
            let head = self.provider.get_block_number().await.map_err(Error::rpc)?;
            if head + 1 >= block + self.policy.confirmations {
                let again = self
                    .provider
                    .get_transaction_receipt(receipt.transaction_hash)
                    .await
                    .map_err(Error::rpc)?;
                return Ok(match again {
                    Some(r) if r.block_hash == receipt.block_hash => Some(SentTx {
                        hash: r.transaction_hash,
                        nonce,
                        block,
                        gas_used: r.gas_used,
                        effective_gas_price: r.effective_gas_price,
                        replacements,
                        rebroadcasts,
                    }),
                    _ => None,
                });
            }
            if start.elapsed() >= self.policy.receipt_timeout {
                return Err(Error::ReceiptTimeout {
                    nonce,
                    hashes: vec![receipt.transaction_hash],
                });
            }
            tokio::time::sleep(self.policy.poll).await;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy() -> FeePolicy {
        FeePolicy {
            max_fee_wei: 100,
            max_priority_fee_wei: 2,
            bump_percent: 15,
            rebroadcast: Duration::from_secs(1),
            receipt_timeout: Duration::from_secs(5),
            fee_wait: Duration::from_secs(1),
            confirmations: 1,
            poll: Duration::from_millis(10),
        }
    }

    #[test]
    fn fees_stay_under_the_cap() {
        let p = policy();
        assert_eq!(p.fees(10), Some((22, 2)));
        assert_eq!(p.fees(60), Some((100, 2)));
        assert_eq!(p.fees(99), Some((100, 1)));
        assert_eq!(p.fees(100), Some((100, 0)));
        assert_eq!(p.fees(101), None, "above the cap: wait, do not overpay");
    }

    #[test]
    fn bumps_by_the_percentage_until_the_cap() {
        let p = policy();
        assert_eq!(p.bump((20, 2)), Some((23, 3)));
        assert_eq!(
            p.bump((95, 2)),
            None,
            "the cap leaves less than the 10% nodes require"
        );
        assert_eq!(p.bump((90, 2)), Some((100, 3)), "capped, still a 10%+ bump");
    }

    #[test]
    fn classifies_node_errors() {
        assert_eq!(classify("already known"), RpcClass::AlreadyKnown);
        assert_eq!(
            classify("server returned an error response: error code -32000: nonce too low"),
            RpcClass::NonceTooLow
        );
        assert_eq!(
            classify("replacement transaction underpriced"),
            RpcClass::Underpriced
        );
        assert_eq!(
            classify("insufficient funds for gas * price + value"),
            RpcClass::Stop
        );
        assert_eq!(
            classify("error sending request for url (http://127.0.0.1:1/)"),
            RpcClass::Retry
        );
        assert_eq!(
            classify("HTTP error 503 with body: upstream"),
            RpcClass::Retry
        );
    }
}
