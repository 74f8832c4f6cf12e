//! The keeper's test world: built once per test binary on a throwaway anvil (DeployLocal with 3 components, then
//! script/KeeperTestWorld.s.sol), dumped, and loaded into a fresh anvil on a free port for every test.

use std::{
    path::{Path, PathBuf},
    process::{Command, Output},
};

use alloy::{
    node_bindings::{Anvil, AnvilInstance},
    primitives::{Address, Bytes},
    providers::{ext::AnvilApi, DynProvider, Provider, ProviderBuilder},
};
use tokio::sync::OnceCell;

/// anvil's account 0: deployer, owner and keeper of the test world. Local chain only.
pub const DEPLOYER_KEY: &str = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";
/// A second key (not one of anvil's development accounts: it holds no ether unless given some).
pub const OTHER_KEY: &str = "0x59c6995e998f97a5a0044966f0945389dc9b86dae88c7aef3f5f2fcd0e1fc5a0";

/// Addresses of the test world.
#[derive(Clone, Debug)]
pub struct World {
    pub state: Bytes,
    pub vault: Address,
    pub rebalancer: Address,
    pub queue: Address,
    pub adapter: Address,
    pub usdc: Address,
    pub deployer: Address,
}

static WORLD: OnceCell<World> = OnceCell::const_new();
static BINARY: OnceCell<PathBuf> = OnceCell::const_new();

pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

pub fn tool(name: &str) -> PathBuf {
    root().join("node_modules/.bin").join(name)
}

pub fn run(cmd: &mut Command) -> Output {
    let out = cmd
        .output()
        .unwrap_or_else(|e| panic!("running {cmd:?}: {e}"));
    assert!(
        out.status.success(),
        "{cmd:?} failed:\n{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// `name 0x…` lines of a forge script's logs.
pub fn logged(out: &Output, name: &str) -> Address {
    let text = String::from_utf8_lossy(&out.stdout);
    text.lines()
        .filter_map(|l| l.trim().strip_prefix(&format!("{name} ")))
        .find_map(|a| a.trim().parse().ok())
        .unwrap_or_else(|| panic!("`{name}` not in the script output:\n{text}"))
}

/// A fresh anvil on a free port (extra args appended).
pub fn spawn_anvil(args: &[&str]) -> AnvilInstance {
    let mut anvil = Anvil::new().path(tool("anvil"));
    for a in args {
        anvil = anvil.arg(*a);
    }
    anvil
        .try_spawn()
        .expect("anvil from node_modules/.bin/anvil")
}

pub fn connect(anvil: &AnvilInstance) -> DynProvider {
    ProviderBuilder::new()
        .disable_recommended_fillers()
        .connect_http(anvil.endpoint_url())
        .erased()
}

/// The world, built on first use.
pub async fn world() -> World {
    WORLD
        .get_or_init(|| async {
            let anvil = spawn_anvil(&[]);
            let rpc = anvil.endpoint();
            let forge = |script: &str, extra: &[(&str, String)]| {
                let mut cmd = Command::new(tool("forge"));
                cmd.current_dir(root())
                    .args(["script", script, "--rpc-url", &rpc, "--broadcast"])
                    .env("DEPLOYER_KEY", DEPLOYER_KEY)
                    .env("COMPONENTS", "3");
                for (k, v) in extra {
                    cmd.env(k, v);
                }
                cmd
            };
            let deployed = run(&mut forge("script/DeployLocal.s.sol", &[]));
            let vault = logged(&deployed, "vault");
            let mut world_cmd = forge(
                "script/KeeperTestWorld.s.sol",
                &[("VAULT", vault.to_string())],
            );
            world_cmd.args(["--tc", "KeeperTestWorld"]);
            let out = run(&mut world_cmd);
            let p = connect(&anvil);
            let state = p.anvil_dump_state().await.expect("anvil_dumpState");
            World {
                state,
                vault,
                rebalancer: logged(&out, "rebalancer"),
                queue: logged(&out, "queue"),
                adapter: logged(&out, "adapter"),
                usdc: logged(&out, "usdc"),
                deployer: DEPLOYER_KEY
                    .parse::<alloy::signers::local::PrivateKeySigner>()
                    .expect("key")
                    .address(),
            }
        })
        .await
        .clone()
}

/// A fresh chain holding the world.
pub async fn chain(args: &[&str]) -> (World, AnvilInstance, DynProvider) {
    let world = world().await;
    let anvil = spawn_anvil(args);
    let p = connect(&anvil);
    assert!(p
        .anvil_load_state(world.state.clone())
        .await
        .expect("anvil_loadState"));
    (world, anvil, p)
}

/// The `[pools]` of the test world: every component in a deep 0.05 % pool (the test adapter pays the oracle price
/// less 10 bps).
pub const POOLS: &str = "[pools]\ndefault = { fee = 500, depth = 100000000 }\n";

/// A keeper config for `anvil` (raw key: anvil only), with [`POOLS`].
pub fn config_toml(world: &World, anvil: &AnvilInstance, extra: &str) -> String {
    config_for(world, &anvil.endpoint(), &format!("{POOLS}{extra}"))
}

/// A keeper config for the node at `rpc` (no `[pools]` unless `extra` has them).
pub fn config_for(world: &World, rpc: &str, extra: &str) -> String {
    format!(
        "[chain]\nrpc_urls = [\"{}\"]\nchain_id = 31337\n[contracts]\nvault = \"{}\"\nrebalancer = \"{}\"\nqueue = \"{}\"\nadapter = \"{}\"\n[signer]\nprivate_key = \"{DEPLOYER_KEY}\"\n{extra}",
        rpc,
        world.vault,
        world.rebalancer,
        world.queue,
        world.adapter
    )
}

/// The `ballast` binary, built (or checked up to date) once.
pub async fn ballast_bin() -> PathBuf {
    BINARY
        .get_or_init(|| async {
            let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
            run(Command::new(cargo).current_dir(root()).args([
                "build",
                "-q",
                "-p",
                "ballast-cli",
                "--bin",
                "ballast",
                "--locked",
            ]));
            let target = std::env::var_os("CARGO_TARGET_DIR")
                .map(PathBuf::from)
                .unwrap_or_else(|| root().join("target"));
            target.join("debug/ballast")
        })
        .await
        .clone()
}

/// Runs `ballast` with `args`, a config file, and extra env; returns (success, stdout, stderr).
pub async fn ballast(config: &str, args: &[&str], env: &[(&str, &str)]) -> (bool, String, String) {
    let bin = ballast_bin().await;
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("ballast.toml");
    std::fs::write(&path, config).expect("write config");
    let mut cmd = Command::new(bin);
    cmd.arg("--config").arg(&path).args(args);
    for (k, v) in env {
        cmd.env(k, v);
    }
    for var in [
        "BALLAST_CONFIG",
        "BALLAST_PRIVATE_KEY",
        "BALLAST_VAULT",
        "BALLAST_RPC_URL",
        "RUST_LOG",
    ] {
        if !env.iter().any(|(k, _)| *k == var) {
            cmd.env_remove(var);
        }
    }
    let out = cmd.output().expect("run ballast");
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// `GET path` on 127.0.0.1:`port`, the whole answer (status line, headers, body).
pub async fn http_get(port: u16, path: &str) -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut s = tokio::net::TcpStream::connect(("127.0.0.1", port))
        .await
        .expect("connect");
    s.write_all(format!("GET {path} HTTP/1.1\r\nHost: x\r\n\r\n").as_bytes())
        .await
        .expect("write");
    let mut out = String::new();
    s.read_to_string(&mut out).await.expect("read");
    out
}
