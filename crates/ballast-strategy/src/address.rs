//! EVM addresses.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::{Error, Result};

/// A 20-byte EVM address. Reads `0x`-prefixed hex (any case), writes lowercase hex; orders bytewise, which is the
/// tie-break order the planner uses.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Address(pub [u8; 20]);

impl Address {
    /// An address whose last eight bytes are `n` (handy for tests and generated data).
    pub fn from_low_u64(n: u64) -> Self {
        let mut bytes = [0u8; 20];
        bytes[12..].copy_from_slice(&n.to_be_bytes());
        Self(bytes)
    }
}

impl fmt::Display for Address {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("0x")?;
        for byte in self.0 {
            write!(f, "{byte:02x}")?;
        }
        Ok(())
    }
}

impl fmt::Debug for Address {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl FromStr for Address {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self> {
        let bad = || {
            Error::invalid(
                "address",
                format!("`{s}` is not 0x followed by 40 hex digits"),
            )
        };
        let hex = s
            .strip_prefix("0x")
            .or_else(|| s.strip_prefix("0X"))
            .ok_or_else(bad)?;
        if hex.len() != 40 || !hex.is_ascii() {
            return Err(bad());
        }
        let mut bytes = [0u8; 20];
        for (i, byte) in bytes.iter_mut().enumerate() {
            *byte = u8::from_str_radix(&hex[2 * i..2 * i + 2], 16).map_err(|_| bad())?;
        }
        Ok(Self(bytes))
    }
}

impl Serialize for Address {
    fn serialize<S: Serializer>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Address {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> std::result::Result<Self, D::Error> {
        let s = String::deserialize(deserializer)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_prints_hex() -> Result<()> {
        let text = "0xA0b86991c6218b36c1d19D4a2e9Eb0cE3606eB48";
        let address: Address = text.parse()?;
        assert_eq!(address.to_string(), text.to_lowercase());
        assert!("0x1234".parse::<Address>().is_err());
        assert!("a0b86991c6218b36c1d19d4a2e9eb0ce3606eb48"
            .parse::<Address>()
            .is_err());
        assert!("0xzz b86991c6218b36c1d19d4a2e9eb0ce3606eb4"
            .parse::<Address>()
            .is_err());
        assert_eq!(
            Address::from_low_u64(1).to_string(),
            format!("0x{}01", "0".repeat(38))
        );
        Ok(())
    }
}
