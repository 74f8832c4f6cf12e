//! `quote deposit <amount>`: shares out, every fee, and the estimated gas with its cost.

use std::fmt;

use alloy::{
    primitives::{
        utils::{format_units, parse_units},
        Address, U256,
    },
    providers::{DynProvider, Provider},
    rpc::types::TransactionRequest,
    sol_types::SolCall,
};
use serde::Serialize;

use crate::{
    bindings::{IBallastVault, IERC20Metadata},
    Error, Result, RevertDecoder,
};

/// A deposit quote.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct DepositQuote {
    /// Assets deposited (base units).
    pub assets: String,
    /// Assets formatted.
    pub assets_display: String,
    /// Shares received after every fee (`previewDeposit`; base units).
    pub shares_out: String,
    /// Shares formatted.
    pub shares_display: String,
    /// Entry fee rate (bps of the assets).
    pub entry_fee_bps: u16,
    /// Entry fee in assets (base units, rounded up).
    pub entry_fee_assets: String,
    /// Anti-dilution levy rate (bps of the assets on entry, of the shares on a cash exit), kept by the vault for its
    /// holders.
    pub levy_bps: u16,
    /// The levy on this deposit, in assets (base units): what entry fee plus levy cut, rounded up, less the fee.
    pub levy_assets: String,
    /// Management fee shares minted to the recipient before the deposit (dilution already priced in).
    pub pending_management_fee_shares: String,
    /// Annual management fee (WAD).
    pub management_fee_wad: u64,
    /// Exit fee rate (bps of the shares), charged when leaving.
    pub exit_fee_bps: u16,
    /// Minimum deposit (base units).
    pub min_deposit: String,
    /// Most the vault accepts now (`maxDeposit`; base units).
    pub max_deposit: String,
    /// The depositor the gas was estimated for.
    pub from: Address,
    /// `eth_estimateGas` of `deposit(assets, from, sharesOut)`, if it succeeded.
    pub gas_estimate: Option<u64>,
    /// Why estimation failed (decoded revert, e.g. an allowance error), if it did.
    pub gas_error: Option<String>,
    /// Next block's base fee (wei).
    pub base_fee_wei: u128,
    /// Priority fee assumed (wei).
    pub priority_fee_wei: u128,
    /// Gas × (base fee + tip), in wei.
    pub gas_cost_wei: Option<String>,
    /// The same, in ether.
    pub gas_cost_eth: Option<String>,
}

/// Quotes a deposit of `amount` (a decimal in asset units, `"100.5"`) into `vault` by `from`.
pub async fn quote_deposit(
    provider: &DynProvider,
    vault: Address,
    amount: &str,
    from: Address,
    base_fee_wei: u128,
    priority_fee_wei: u128,
) -> Result<DepositQuote> {
    let v = IBallastVault::new(vault, provider);
    let call = |name: &str, e: alloy::contract::Error| Error::State(format!("vault.{name}(): {e}"));
    let asset = v.asset().call().await.map_err(|e| call("asset", e))?;
    let asset_decimals = IERC20Metadata::new(asset, provider)
        .decimals()
        .call()
        .await
        .map_err(|e| call("asset.decimals", e))?;
    let share_decimals = v.decimals().call().await.map_err(|e| call("decimals", e))?;
    let assets: U256 = parse_units(amount, asset_decimals)
        .map_err(|e| Error::Plan(format!("amount `{amount}`: {e}")))?
        .get_absolute();
    if assets.is_zero() {
        return Err(Error::Plan("the amount must be positive".into()));
    }
    let shares = v
        .previewDeposit(assets)
        .call()
        .await
        .map_err(|e| call("previewDeposit", e))?;
    let fc = v
        .feeConfig()
        .call()
        .await
        .map_err(|e| call("feeConfig", e))?;
    let pending = v
        .pendingManagementFeeShares()
        .call()
        .await
        .map_err(|e| call("pendingManagementFeeShares", e))?;
    let limits = v
        .depositLimits()
        .call()
        .await
        .map_err(|e| call("depositLimits", e))?;
    let max_deposit = v
        .maxDeposit(from)
        .call()
        .await
        .map_err(|e| call("maxDeposit", e))?;
    let bps = U256::from(10_000u64);
    let entry_fee = (assets * U256::from(fc.entryFeeBps)).div_ceil(bps);
    let cut = (assets * U256::from(fc.entryFeeBps + fc.levyBps)).div_ceil(bps);
    let levy = cut.saturating_sub(entry_fee);

    let input = IBallastVault::deposit_1Call {
        assets,
        receiver: from,
        minShares: shares,
    }
    .abi_encode();
    let tx = TransactionRequest::default()
        .from(from)
        .to(vault)
        .input(input.into());
    let (gas_estimate, gas_error) = match provider.estimate_gas(tx).await {
        Ok(g) => (Some(g), None),
        Err(e) => {
            let reason = e
                .as_error_resp()
                .and_then(|r| r.as_revert_data())
                .map(|d| RevertDecoder::from_contracts().decode(&d))
                .unwrap_or_else(|| e.to_string());
            (None, Some(reason))
        }
    };
    let cost = gas_estimate.map(|g| U256::from(g) * U256::from(base_fee_wei + priority_fee_wei));
    let fmt = |v: U256, d: u8| format_units(v, d).unwrap_or_else(|_| v.to_string());
    Ok(DepositQuote {
        assets: assets.to_string(),
        assets_display: fmt(assets, asset_decimals),
        shares_out: shares.to_string(),
        shares_display: fmt(shares, share_decimals),
        entry_fee_bps: fc.entryFeeBps,
        entry_fee_assets: entry_fee.to_string(),
        levy_bps: fc.levyBps,
        levy_assets: levy.to_string(),
        pending_management_fee_shares: pending.to_string(),
        management_fee_wad: fc.managementFeeWad,
        exit_fee_bps: fc.exitFeeBps,
        min_deposit: limits.minDeposit.to_string(),
        max_deposit: max_deposit.to_string(),
        from,
        gas_estimate,
        gas_error,
        base_fee_wei,
        priority_fee_wei,
        gas_cost_wei: cost.map(|c| c.to_string()),
        gas_cost_eth: cost.map(|c| fmt(c, 18)),
    })
}

impl fmt::Display for DepositQuote {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "deposit        {} ({} base units)",
            self.assets_display, self.assets
        )?;
        writeln!(
            f,
            "shares out     {} ({} base units, every fee included)",
            self.shares_display, self.shares_out
        )?;
        writeln!(
            f,
            "entry fee      {} bps = {} base units of the asset",
            self.entry_fee_bps, self.entry_fee_assets
        )?;
        writeln!(
            f,
            "levy           {} bps = {} base units, kept by the vault (also on cash exits)",
            self.levy_bps, self.levy_assets
        )?;
        writeln!(
            f,
            "management fee {:.2}%/yr ({} shares pending, minted before the deposit)",
            self.management_fee_wad as f64 / 1e16,
            self.pending_management_fee_shares
        )?;
        writeln!(
            f,
            "exit fee       {} bps of the shares, when leaving",
            self.exit_fee_bps
        )?;
        writeln!(
            f,
            "limits         min {} / max now {} base units",
            self.min_deposit, self.max_deposit
        )?;
        match (&self.gas_estimate, &self.gas_error) {
            (Some(g), _) => write!(
                f,
                "gas            {g} × ({} + {} wei) = {} ETH (from {})",
                self.base_fee_wei,
                self.priority_fee_wei,
                self.gas_cost_eth.as_deref().unwrap_or("?"),
                self.from
            ),
            (None, Some(e)) => write!(f, "gas            not estimated for {}: {e}", self.from),
            (None, None) => write!(f, "gas            not estimated"),
        }
    }
}
