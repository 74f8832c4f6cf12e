//! `ballast`: the one command line of Ballast (keeper, status, quotes, the demo). Parses, sets up logging, hands
//! over to [`cli::run`].

mod cli;

use clap::Parser;

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> eyre::Result<()> {
    let args = cli::Args::parse();
    match args.log_file() {
        Some(path) => ballast_keeper::telemetry::init_with_file(args.log_format.into(), &path)?,
        None => ballast_keeper::telemetry::init(args.log_format.into()),
    }
    cli::run(args).await
}
