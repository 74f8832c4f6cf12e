//! End-to-end tests: each builds its own chain on a local anvil (the world from DeployLocal + KeeperTestWorld,
//! loaded into a fresh anvil on a free port) and runs the real `ballast` binary or the keeper library against it.
#![allow(missing_docs, unreachable_pub, dead_code)]

mod cli;
mod demo;
mod deploy;
mod keeper;
mod lifecycle;
mod once;
mod sender;
mod simulate;
mod support;
