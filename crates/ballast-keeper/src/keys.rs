//! The signing key and other secrets. Secrets never reach a log: [`Secret`] and [`KeySource`] redact themselves in
//! `Debug` and `Display`, and [`RpcUrl`] shows only scheme, host and port (providers put API keys in the path).

use std::{fmt, path::PathBuf};

use alloy::signers::local::PrivateKeySigner;

use crate::{Error, Result};

/// The environment variable holding the keystore password (otherwise it is prompted for).
pub const PASSWORD_ENV: &str = "BALLAST_KEYSTORE_PASSWORD";

/// A secret string. `Debug` and `Display` print `<redacted>`; only [`Secret::expose`] reveals it.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// Wraps a secret.
    pub fn new(s: impl Into<String>) -> Self {
        Self(s.into())
    }

    /// The secret itself: call it only where it is consumed, never to print.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

/// An RPC endpoint. Its path and query often carry an API key, so `Debug`/`Display` show `scheme://host:port/…`.
#[derive(Clone, PartialEq, Eq)]
pub struct RpcUrl(pub(crate) alloy::transports::http::reqwest::Url);

impl RpcUrl {
    /// Parses an http(s) URL.
    pub fn parse(s: &str) -> std::result::Result<Self, String> {
        let url = alloy::transports::http::reqwest::Url::parse(s)
            .map_err(|e| format!("not a URL: {e}"))?;
        match url.scheme() {
            "http" | "https" => Ok(Self(url)),
            other => Err(format!("scheme `{other}` is not supported (http or https)")),
        }
    }

    /// The full URL (may contain an API key: do not log it).
    pub fn expose(&self) -> &alloy::transports::http::reqwest::Url {
        &self.0
    }
}

impl fmt::Display for RpcUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let host = self.0.host_str().unwrap_or("?");
        match self.0.port() {
            Some(port) => write!(f, "{}://{host}:{port}", self.0.scheme())?,
            None => write!(f, "{}://{host}", self.0.scheme())?,
        }
        if self.0.path() != "/" || self.0.query().is_some() {
            f.write_str("/…")?;
        }
        Ok(())
    }
}

impl fmt::Debug for RpcUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "RpcUrl({self})")
    }
}

/// Where the signing key comes from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum KeySource {
    /// An encrypted JSON keystore (Web3 secret storage); the password comes from [`PASSWORD_ENV`] or a prompt.
    Keystore(PathBuf),
    /// A raw hex private key: accepted by the config only on anvil (chain id 31337).
    Raw(Secret),
}

impl KeySource {
    /// Loads the signer. For a keystore, `password` is used if given, else [`PASSWORD_ENV`], else a prompt on the
    /// terminal.
    pub fn load(&self, password: Option<Secret>) -> Result<PrivateKeySigner> {
        match self {
            Self::Raw(key) => key
                .expose()
                .trim()
                .parse::<PrivateKeySigner>()
                .map_err(|_| Error::Key("the raw private key is not 32 hex bytes".into())),
            Self::Keystore(path) => {
                let password = match password {
                    Some(p) => p,
                    None => password_from_env_or_prompt()?,
                };
                PrivateKeySigner::decrypt_keystore(path, password.expose())
                    .map_err(|e| Error::Key(format!("keystore {}: {e}", path.display())))
            }
        }
    }
}

/// The keystore password from [`PASSWORD_ENV`], or typed on the terminal (not echoed).
pub fn password_from_env_or_prompt() -> Result<Secret> {
    if let Ok(p) = std::env::var(PASSWORD_ENV) {
        return Ok(Secret::new(p));
    }
    rpassword::prompt_password("keystore password: ")
        .map(Secret::new)
        .map_err(|e| {
            Error::Key(format!(
                "no {PASSWORD_ENV} and no terminal to prompt on: {e}"
            ))
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &str = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";

    #[test]
    fn secrets_are_redacted() {
        let s = KeySource::Raw(Secret::new(KEY));
        let printed = format!("{s:?} {}", Secret::new(KEY));
        assert!(!printed.contains("ac0974"), "{printed}");
        assert!(printed.contains("<redacted>"));
    }

    #[test]
    fn rpc_url_hides_path_and_query() {
        let u = RpcUrl::parse("https://mainnet.example.com/v3/SECRETKEY?x=1").expect("url");
        assert_eq!(u.to_string(), "https://mainnet.example.com/…");
        assert!(!format!("{u:?}").contains("SECRETKEY"));
        assert_eq!(
            RpcUrl::parse("http://127.0.0.1:8545")
                .expect("url")
                .to_string(),
            "http://127.0.0.1:8545"
        );
        assert!(RpcUrl::parse("ws://x").is_err());
    }

    #[test]
    fn raw_key_loads_and_keystore_round_trips() {
        let signer = KeySource::Raw(Secret::new(KEY))
            .load(None)
            .expect("raw key");
        let dir = tempfile::tempdir().expect("tempdir");
        let mut rng = rand::thread_rng();
        PrivateKeySigner::encrypt_keystore(
            dir.path(),
            &mut rng,
            signer.credential().to_bytes(),
            "pw",
            Some("k.json"),
        )
        .expect("encrypt");
        let ks = KeySource::Keystore(dir.path().join("k.json"));
        let loaded = ks.load(Some(Secret::new("pw"))).expect("decrypt");
        assert_eq!(loaded.address(), signer.address());
        let err = ks
            .load(Some(Secret::new("wrong")))
            .expect_err("wrong password");
        assert!(matches!(err, Error::Key(_)), "{err}");
        assert!(KeySource::Raw(Secret::new("0x12")).load(None).is_err());
    }
}
