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
    use tracing_subscriber::layer::SubscriberExt;
    use tracing_subscriber::util::SubscriberInitExt;
    let layer = tracing_subscriber::fmt::layer()
        .json()
        .with_current_span(true)
        .with_span_list(false)
        .with_target(false);
    let _ = tracing_subscriber::registry()
        .with(layer)
        .with(log_filter())
        .with(library_cap())
        .try_init();
}

/// The crates whose own debug and trace lines print whole request or event bodies (keys,
/// applications): capped at `info` whatever `RUST_LOG` says, however specific.
const BODY_LOGGING_CRATES: [&str; 11] = [
    "aws_smithy_runtime",
    "aws_smithy_runtime_api",
    "aws_smithy_http_client",
    "aws_sdk_secretsmanager",
    "aws_sdk_dynamodb",
    "lambda_runtime",
    "lambda_http",
    "hyper",
    "hyper_util",
    "reqwest",
    "h2",
];

/// A filter no `RUST_LOG` directive overrides (an `EnvFilter` lets a more specific target
/// directive win over a crate-wide cap).
pub fn library_cap() -> tracing_subscriber::filter::FilterFn<impl Fn(&tracing::Metadata<'_>) -> bool>
{
    tracing_subscriber::filter::filter_fn(|meta| {
        let chatty = BODY_LOGGING_CRATES.iter().any(|c| {
            meta.target() == *c
                || meta
                    .target()
                    .strip_prefix(c)
                    .is_some_and(|rest| rest.starts_with("::"))
        });
        !chatty || *meta.level() <= tracing::Level::INFO
    })
}

/// The level from `RUST_LOG` (default `info`).
pub fn log_filter() -> tracing_subscriber::EnvFilter {
    tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"))
}
