//! Decodes revert data by name: every custom error of the compiled contracts (from the ABIs, so
//! `EpochIdMismatch(3, 4)` rather than hex), plus Solidity's `Error(string)` and `Panic(uint256)`.

use std::collections::HashMap;

use alloy::{
    dyn_abi::{DynSolValue, JsonAbiExt},
    json_abi::Error as AbiError,
    primitives::{hex, Selector},
};

/// Revert data → readable reason.
#[derive(Clone, Debug)]
pub struct RevertDecoder {
    errors: HashMap<Selector, AbiError>,
}

impl Default for RevertDecoder {
    fn default() -> Self {
        Self::from_contracts()
    }
}

impl RevertDecoder {
    /// A decoder knowing every custom error of the project's contracts (compiled in by `build.rs`).
    pub fn from_contracts() -> Self {
        // The JSON is produced by our own build script from solc's output: failing to parse it is a build bug.
        let errors: Vec<AbiError> =
            serde_json::from_str(crate::bindings::ERRORS_JSON).unwrap_or_default();
        Self {
            errors: errors.into_iter().map(|e| (e.selector(), e)).collect(),
        }
    }

    /// How many custom errors it knows.
    pub fn len(&self) -> usize {
        self.errors.len()
    }

    /// Whether it knows no error at all.
    pub fn is_empty(&self) -> bool {
        self.errors.is_empty()
    }

    /// The error's name only (`EpochIdMismatch`), if the data is a known custom error.
    pub fn name(&self, data: &[u8]) -> Option<&str> {
        let selector = Selector::try_from(data.get(..4)?).ok()?;
        self.errors.get(&selector).map(|e| e.name.as_str())
    }

    /// `Name(arg, …)` for a known custom error, `Error("msg")`, `Panic(0x11)`, `empty revert` for no data, or
    /// `unknown error 0x…` with the raw hex.
    pub fn decode(&self, data: &[u8]) -> String {
        if data.is_empty() {
            return "empty revert".into();
        }
        let Some(selector) = data.get(..4).and_then(|s| Selector::try_from(s).ok()) else {
            return format!("malformed revert 0x{}", hex::encode(data));
        };
        let body = &data[4..];
        if selector == [0x08, 0xc3, 0x79, 0xa0] {
            if let Ok(DynSolValue::String(s)) = alloy::dyn_abi::DynSolType::String.abi_decode(body)
            {
                return format!("Error({s:?})");
            }
        }
        if selector == [0x4e, 0x48, 0x7b, 0x71] {
            if let Ok(DynSolValue::Uint(code, _)) =
                alloy::dyn_abi::DynSolType::Uint(256).abi_decode(body)
            {
                return format!("Panic(0x{code:x})");
            }
        }
        match self.errors.get(&selector) {
            Some(error) => match error.abi_decode_input(body) {
                Ok(values) => {
                    let args: Vec<String> = values.iter().map(fmt_value).collect();
                    format!("{}({})", error.name, args.join(", "))
                }
                Err(_) => format!("{}(<undecodable 0x{}>)", error.name, hex::encode(body)),
            },
            None => format!("unknown error 0x{}", hex::encode(data)),
        }
    }
}

fn fmt_value(v: &DynSolValue) -> String {
    match v {
        DynSolValue::Bool(b) => b.to_string(),
        DynSolValue::Int(i, _) => i.to_string(),
        DynSolValue::Uint(u, _) => u.to_string(),
        DynSolValue::Address(a) => a.to_checksum(None),
        DynSolValue::String(s) => format!("{s:?}"),
        DynSolValue::Bytes(b) => format!("0x{}", hex::encode(b)),
        DynSolValue::FixedBytes(w, n) => format!("0x{}", hex::encode(&w[..*n])),
        DynSolValue::Array(items) | DynSolValue::FixedArray(items) | DynSolValue::Tuple(items) => {
            format!(
                "[{}]",
                items.iter().map(fmt_value).collect::<Vec<_>>().join(", ")
            )
        }
        other => format!("{other:?}"),
    }
}

#[cfg(test)]
mod tests {
    use alloy::{primitives::Address, sol_types::SolError};

    use super::*;
    use crate::bindings::{IBallastRebalancer, IBallastVault};

    #[test]
    fn decodes_custom_errors_by_name() {
        let d = RevertDecoder::from_contracts();
        assert!(d.len() > 40, "only {} errors", d.len());
        let data = IBallastRebalancer::EpochIdMismatch {
            expected: 3,
            actual: 4,
        }
        .abi_encode();
        assert_eq!(d.decode(&data), "EpochIdMismatch(3, 4)");
        assert_eq!(d.name(&data), Some("EpochIdMismatch"));
        let a = Address::repeat_byte(0x11);
        let data = IBallastVault::Unauthorized { caller: a }.abi_encode();
        assert_eq!(
            d.decode(&data),
            format!("Unauthorized({})", a.to_checksum(None))
        );
    }

    #[test]
    fn decodes_builtin_and_unknown() {
        let d = RevertDecoder::from_contracts();
        let msg = alloy::sol_types::Revert::from("nope").abi_encode();
        assert_eq!(d.decode(&msg), "Error(\"nope\")");
        let panic = alloy::sol_types::Panic::from(0x11u64).abi_encode();
        assert_eq!(d.decode(&panic), "Panic(0x11)");
        assert_eq!(d.decode(&[]), "empty revert");
        assert_eq!(
            d.decode(&[0xde, 0xad, 0xbe, 0xef]),
            "unknown error 0xdeadbeef"
        );
    }
}
