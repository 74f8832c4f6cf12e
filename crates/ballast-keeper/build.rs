//! Compiles the project's Solidity sources (`contracts/src`) with the project's own solc (`script/solc`, a solc-js
//! shim; override with `BALLAST_SOLC=/path/to/solc`) and turns their ABIs into `sol!` bindings, so the keeper can
//! never be built against stale ABIs. The compiler settings are EXACTLY those of `foundry.toml` (optimizer on, 200
//! runs, evm cancun, no via-IR, default metadata), so the bytecode `ballast deploy` sends is the bytecode the forge
//! tests ran. Creation and runtime bytecode are requested only for the deployable contracts ([`DEPLOYABLE`]: solc
//! generates code only for contracts whose bytecode is asked for); everything else is ABI only. The build fails if
//! the vault's runtime code exceeds the EIP-170 limit (24,576 bytes). foundry-compilers keeps a cache in `OUT_DIR`, so
//! an unchanged tree costs nothing.

use std::{
    collections::BTreeMap,
    env, fs,
    path::{Path, PathBuf},
};

use foundry_compilers::{
    artifacts::{
        output_selection::OutputSelection, BytecodeHash, EvmVersion, Remapping, SettingsMetadata,
    },
    solc::{Solc, SolcCompiler, SolcSettings},
    ProjectBuilder, ProjectPathsConfig,
};

/// Contracts the keeper binds with `sol!` (name in the compiler output, binding name).
const BOUND: &[&str] = &[
    "IBallastVault",
    "IBallastRebalancer",
    "IRedemptionQueue",
    "IPriceSource",
    "IERC20Metadata",
    "IAggregatorV3",
    "IUniswapV3Pool",
    "IUniswapV3Factory",
    "ISwapRouter",
];

/// Contracts `ballast deploy` creates: bound with their creation bytecode (`BYTECODE`, `DEPLOYED_BYTECODE`).
const DEPLOYABLE: &[&str] = &[
    "BallastVault",
    "BallastRebalancer",
    "RedemptionQueue",
    "ChainlinkPriceSource",
    "UniswapV3Adapter",
];

/// EIP-170: the largest runtime code a contract may have.
const MAX_CODE_SIZE: usize = 24_576;

fn main() {
    if let Err(e) = run() {
        panic!("ballast-keeper build script: {e}");
    }
}

fn run() -> Result<(), Box<dyn std::error::Error>> {
    let manifest = PathBuf::from(env::var("CARGO_MANIFEST_DIR")?);
    let root = manifest.join("../..").canonicalize()?;
    let out = PathBuf::from(env::var("OUT_DIR")?);
    let src = root.join("contracts/src");
    let solc_path = env::var_os("BALLAST_SOLC")
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join("script/solc"));

    println!("cargo:rerun-if-changed={}", src.display());
    println!("cargo:rerun-if-changed={}", solc_path.display());
    println!("cargo:rerun-if-env-changed=BALLAST_SOLC");

    let solc =
        Solc::new(&solc_path).map_err(|e| format!("solc at {}: {e}", solc_path.display()))?;
    let paths = ProjectPathsConfig::builder()
        .root(&root)
        .sources(&src)
        .tests(&src)
        .scripts(&src)
        .artifacts(out.join("artifacts"))
        .cache(out.join("solidity-files-cache.json"))
        .lib(root.join("node_modules"))
        .remapping(Remapping {
            context: None,
            name: "@openzeppelin/contracts/".into(),
            path: format!(
                "{}/",
                root.join("node_modules/@openzeppelin/contracts").display()
            ),
        })
        .build_with_root(&root);
    // foundry.toml: optimizer = true, optimizer_runs = 200, evm_version = "cancun", via_ir = false (and forge's
    // default metadata: ipfs hash, CBOR appended).
    let mut settings = SolcSettings::default();
    let mut per_contract = BTreeMap::from([("*".to_string(), vec!["abi".to_string()])]);
    for name in DEPLOYABLE {
        per_contract.insert(
            name.to_string(),
            vec![
                "abi".to_string(),
                "evm.bytecode.object".to_string(),
                "evm.deployedBytecode.object".to_string(),
            ],
        );
    }
    settings.settings.output_selection =
        OutputSelection::from(BTreeMap::from([("*".to_string(), per_contract)]));
    settings.settings.evm_version = Some(EvmVersion::Cancun);
    settings.settings.optimizer.enabled = Some(true);
    settings.settings.optimizer.runs = Some(200);
    settings.settings.via_ir = Some(false);
    settings.settings.metadata = Some(SettingsMetadata::new(BytecodeHash::Ipfs, true));
    let project = ProjectBuilder::<SolcCompiler>::default()
        .paths(paths)
        .settings(settings)
        .build(SolcCompiler::Specific(solc))?;
    let output = project.compile()?;
    if output.has_compiler_errors() {
        return Err(format!("solc failed:\n{output}").into());
    }

    let abi_dir = out.join("abi");
    fs::create_dir_all(&abi_dir)?;
    // Every custom error of every compiled contract, by signature, for decoding reverts by name.
    let mut errors: BTreeMap<String, serde_json::Value> = BTreeMap::new();
    let mut bound: BTreeMap<String, PathBuf> = BTreeMap::new();
    for (id, artifact) in output.into_artifacts() {
        let Some(abi) = artifact.abi else { continue };
        for error in abi.errors() {
            errors
                .entry(error.signature())
                .or_insert(serde_json::to_value(error)?);
        }
        let name = id.name.as_str();
        if bound.contains_key(name) {
            continue;
        }
        if BOUND.contains(&name) {
            let path = abi_dir.join(format!("{name}.json"));
            fs::write(&path, serde_json::to_string_pretty(&abi)?)?;
            bound.insert(name.to_string(), path);
        } else if DEPLOYABLE.contains(&name) {
            let hex_of = |b: Option<&foundry_compilers::artifacts::BytecodeObject>| {
                b.and_then(|o| o.as_bytes())
                    .filter(|b| !b.is_empty())
                    .map(|b| format!("0x{}", hex(b)))
                    .ok_or_else(|| {
                        format!("no bytecode for {name} in the compiler output (unlinked?)")
                    })
            };
            let creation = hex_of(artifact.bytecode.as_ref().map(|b| &b.object))?;
            let runtime = hex_of(
                artifact
                    .deployed_bytecode
                    .as_ref()
                    .and_then(|d| d.bytecode.as_ref())
                    .map(|b| &b.object),
            )?;
            let size = (runtime.len() - 2) / 2;
            if name == "BallastVault" && size > MAX_CODE_SIZE {
                return Err(format!(
                    "BallastVault's runtime code is {size} bytes, above the EIP-170 limit of {MAX_CODE_SIZE}: \
                     it could not be deployed"
                )
                .into());
            }
            let path = abi_dir.join(format!("{name}.json"));
            let json = serde_json::json!({ "abi": abi, "bytecode": creation, "deployedBytecode": runtime });
            fs::write(&path, serde_json::to_string(&json)?)?;
            bound.insert(name.to_string(), path);
        }
    }
    for name in BOUND.iter().chain(DEPLOYABLE) {
        if !bound.contains_key(*name) {
            return Err(format!("contract {name} not found in the compiler output").into());
        }
    }
    let errors_path = abi_dir.join("errors.json");
    fs::write(
        &errors_path,
        serde_json::to_string_pretty(&errors.into_values().collect::<Vec<_>>())?,
    )?;

    write_bindings(&out.join("bindings.rs"), &bound, &errors_path)?;
    Ok(())
}

/// `BallastVault` → `ballast_vault`.
fn snake(name: &str) -> String {
    let mut out = String::new();
    let chars: Vec<char> = name.chars().collect();
    for (i, c) in chars.iter().enumerate() {
        let next_lower = chars.get(i + 1).is_some_and(|n| n.is_lowercase());
        let prev_lower = i > 0 && chars[i - 1].is_lowercase();
        if c.is_uppercase() && i > 0 && (prev_lower || next_lower) {
            out.push('_');
        }
        out.push(c.to_ascii_lowercase());
    }
    out
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn write_bindings(
    path: &Path,
    bound: &BTreeMap<String, PathBuf>,
    errors: &Path,
) -> Result<(), Box<dyn std::error::Error>> {
    let mut code = String::from(
        "// @generated by ballast-keeper's build.rs from contracts/src. Do not edit.\n",
    );
    for (name, abi) in bound {
        let binding = format!(
            "alloy::sol!(\n    #[sol(rpc, all_derives)]\n    {name},\n    {:?}\n);\n",
            abi.display().to_string()
        );
        if DEPLOYABLE.contains(&name.as_str()) {
            // A contract's ABI redeclares its interfaces' structs (`IBallastVault.ComponentView`): a module each.
            code.push_str(&format!(
                "/// `{name}` with its creation bytecode (`BYTECODE`, `deploy_builder`), compiled as foundry.toml says.\n\
                 pub mod {} {{\n{binding}}}\n",
                snake(name)
            ));
        } else {
            code.push_str(&binding);
        }
    }
    code.push_str(&format!(
        "/// Every custom error declared by the compiled contracts (JSON ABI items).\n\
         pub const ERRORS_JSON: &str = include_str!({:?});\n",
        errors.display().to_string()
    ));
    fs::write(path, code)?;
    Ok(())
}
