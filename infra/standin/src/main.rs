//! `greenhouse-standin`: serves the fixture boards in place of boards-api.greenhouse.io.

use std::io::IsTerminal as _;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Parser;
use greenhouse_standin::StandIn;
use tracing_subscriber::EnvFilter;

#[derive(Debug, Parser)]
#[command(version, about = "Greenhouse Job Board API stand-in")]
struct Args {
    /// Directory of board fixture files (*.json); the education lists are read from
    /// `education.json` in its parent directory, if there is one.
    #[arg(
        long,
        env = "GREENHOUSE_STANDIN_FIXTURES",
        default_value = concat!(env!("CARGO_MANIFEST_DIR"), "/../fixtures/boards")
    )]
    fixtures: PathBuf,

    /// Address to listen on.
    #[arg(
        long,
        env = "GREENHOUSE_STANDIN_LISTEN",
        default_value = "127.0.0.1:8081"
    )]
    listen: SocketAddr,
}

#[tokio::main]
async fn main() -> ExitCode {
    let args = Args::parse();
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info")),
        )
        .with_ansi(std::io::stdout().is_terminal())
        .init();

    let standin = match StandIn::from_dir(&args.fixtures) {
        Ok(standin) => standin,
        Err(err) => {
            tracing::error!(%err, "cannot load fixtures");
            return ExitCode::FAILURE;
        }
    };
    let running = match standin.serve(args.listen).await {
        Ok(running) => running,
        Err(err) => {
            tracing::error!(%err, listen = %args.listen, "cannot listen");
            return ExitCode::FAILURE;
        }
    };
    tracing::info!(
        base_url = %running.base_url(),
        fixtures = %args.fixtures.display(),
        "greenhouse stand-in listening"
    );

    if let Err(err) = tokio::signal::ctrl_c().await {
        tracing::error!(%err, "cannot wait for ctrl-c; stopping");
    }
    tracing::info!("shutting down");
    running.shutdown_and_wait().await;
    ExitCode::SUCCESS
}
