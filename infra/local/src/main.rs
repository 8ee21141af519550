//! `atsi-local`: the whole API on localhost with the Greenhouse stand-in, on the embedded
//! store. `--demo` walks register → sync → form → apply for a job of each fixture board.

use atsi_local::demo::{self, DemoEmployer, DemoFiles};
use atsi_local::{fixtures_dir, local_config, start_api};
use clap::Parser;
use greenhouse_standin::StandIn;
use std::net::SocketAddr;
use std::path::PathBuf;

#[derive(Parser)]
#[command(about = "Run atsi locally against the Greenhouse stand-in")]
struct Args {
    /// Where the API listens. Default 127.0.0.1:8080 (a free port with --demo).
    #[arg(long)]
    listen: Option<SocketAddr>,
    /// Where the Greenhouse stand-in listens. Default 127.0.0.1:8081 (a free port with --demo).
    #[arg(long)]
    standin_listen: Option<SocketAddr>,
    /// The embedded store's directory; data survives restarts. Default `.atsi-data`
    /// (a fresh temporary directory with --demo, so the demo never mixes with your data).
    #[arg(long, env = "ATSI_DATA_DIR")]
    data_dir: Option<PathBuf>,
    /// Fixture boards the stand-in serves.
    #[arg(long)]
    fixtures: Option<PathBuf>,
    /// Walk register → sync → form → apply for each fixture board, print what Greenhouse
    /// received, and exit.
    #[arg(long)]
    demo: bool,
}

#[tokio::main]
async fn main() -> std::process::ExitCode {
    // The same caps on SDK and HTTP client logs as in Lambda; `warn` unless told otherwise.
    let filter = if std::env::var_os("RUST_LOG").is_some() {
        atsi_api::log_filter()
    } else {
        tracing_subscriber::EnvFilter::new("warn")
    };
    use tracing_subscriber::layer::SubscriberExt;
    use tracing_subscriber::util::SubscriberInitExt;
    tracing_subscriber::registry()
        .with(tracing_subscriber::fmt::layer().with_target(false))
        .with(filter)
        .with(atsi_api::library_cap())
        .init();
    match run(Args::parse()).await {
        Ok(code) => code,
        Err(e) => {
            eprintln!("atsi-local: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}

async fn run(
    args: Args,
) -> Result<std::process::ExitCode, Box<dyn std::error::Error + Send + Sync>> {
    let fixtures = args
        .fixtures
        .unwrap_or_else(|| fixtures_dir().join("boards"));
    let free = |fixed: &str| -> SocketAddr {
        if args.demo {
            "127.0.0.1:0".parse().unwrap()
        } else {
            fixed.parse().unwrap()
        }
    };
    let standin = StandIn::from_dir(&fixtures)?;
    let running = standin
        .serve(
            args.standin_listen
                .unwrap_or_else(|| free("127.0.0.1:8081")),
        )
        .await?;
    let scratch = if args.demo && args.data_dir.is_none() {
        Some(tempfile::tempdir()?)
    } else {
        None
    };
    let data_dir = match (&args.data_dir, &scratch) {
        (Some(dir), _) => dir.clone(),
        (None, Some(tmp)) => tmp.path().to_owned(),
        (None, None) => PathBuf::from(".atsi-data"),
    };
    let config = local_config(data_dir.clone(), &running.base_url())?;
    let api = start_api(
        &config,
        args.listen.unwrap_or_else(|| free("127.0.0.1:8080")),
    )
    .await?;
    println!("atsi API          {}", api.base_url());
    println!(
        "Greenhouse stand-in {} (fixtures {})",
        running.base_url(),
        fixtures.display()
    );
    println!("data directory    {}", data_dir.display());
    if !args.demo {
        println!(
            "Ctrl-C stops. The README's API section has a request for every route; the fixture boards' keys are in {}.",
            fixtures.display()
        );
        tokio::signal::ctrl_c().await?;
        return Ok(std::process::ExitCode::SUCCESS);
    }
    let employers = demo_employers(&fixtures)?;
    let files = DemoFiles::load(&fixtures_dir().join("recorded"))?;
    let mut log = String::new();
    let result = demo::run(
        &api.base_url(),
        &running.base_url(),
        &employers,
        &files,
        &mut log,
    )
    .await;
    print!("{log}");
    let deliveries = result?;
    let mut all_ok = true;
    for (d, e) in deliveries.iter().zip(&employers) {
        match &d.received {
            Some(r) => print!("{}", demo::describe_received(r, &e.api_key, &files)),
            None => println!("  Greenhouse received nothing for {}", d.employer_id),
        }
        all_ok &= d.status == 201 && d.received.is_some();
    }
    println!(
        "{}",
        if all_ok {
            "demo: every application delivered"
        } else {
            "demo: a delivery FAILED"
        }
    );
    Ok(if all_ok {
        std::process::ExitCode::SUCCESS
    } else {
        std::process::ExitCode::FAILURE
    })
}

/// One employer per fixture board, registered with the first key the board accepts.
fn demo_employers(
    fixtures: &std::path::Path,
) -> Result<Vec<DemoEmployer>, Box<dyn std::error::Error + Send + Sync>> {
    let mut employers = Vec::new();
    let mut paths: Vec<PathBuf> = std::fs::read_dir(fixtures)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    paths.sort();
    for path in paths {
        let board: serde_json::Value = serde_json::from_slice(&std::fs::read(&path)?)?;
        let token = board["token"]
            .as_str()
            .ok_or("fixture without token")?
            .to_owned();
        employers.push(DemoEmployer {
            employer_id: format!("{token}-demo"),
            api_key: board["api_keys"][0]
                .as_str()
                .ok_or("fixture without api_keys")?
                .to_owned(),
            board_token: token,
        });
    }
    Ok(employers)
}
