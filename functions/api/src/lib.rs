//! The HTTP face of atsi. One routing table for all three functions, one place that
//! turns service errors into statuses, and thin adapters for API Gateway (Lambda) and
//! for the local server.

mod config;
mod handlers;
pub mod lambda;
mod response;
mod routes;

pub use config::{
    Config, ConfigError, EMBEDDED_ENVIRONMENT, ENVIRONMENT, StoreBackend, build_services,
};
pub use handlers::{handle, handle_any};
pub use response::{ApiRequest, ApiResponse};
pub use routes::{Function, Route, RouteError, route};

/// JSON log lines for CloudWatch; level from `RUST_LOG` (default `info`). The AWS SDK's
/// and HTTP clients' own logs are capped at `info` whatever `RUST_LOG` says: at `trace`
/// they print whole request bodies, which carry employers' keys.
pub fn init_tracing() {
    let _ = tracing_subscriber::fmt()
        .json()
        .with_env_filter(log_filter())
        .with_current_span(true)
        .with_span_list(false)
        .with_target(false)
        .try_init();
}

pub fn log_filter() -> tracing_subscriber::EnvFilter {
    let mut filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    for crate_name in [
        "aws_smithy_runtime",
        "aws_smithy_runtime_api",
        "aws_sdk_secretsmanager",
        "aws_sdk_dynamodb",
        "hyper",
        "hyper_util",
        "reqwest",
        "h2",
        "rustls",
    ] {
        if let Ok(directive) = format!("{crate_name}=info").parse() {
            filter = filter.add_directive(directive);
        }
    }
    filter
}
