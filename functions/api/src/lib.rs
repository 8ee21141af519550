//! The HTTP face of atsi. One routing table for all three functions, one place that
//! turns service errors into statuses, and thin adapters for API Gateway (Lambda) and
//! for the local server.

mod config;
mod handlers;
pub mod lambda;
mod response;
mod routes;

pub use config::{Config, ConfigError, StoreBackend, build_services};
pub use handlers::{handle, handle_any};
pub use response::{ApiRequest, ApiResponse};
pub use routes::{Function, Route, RouteError, route};

/// JSON log lines for CloudWatch; level from `RUST_LOG` (default `info`).
pub fn init_tracing() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let _ = tracing_subscriber::fmt()
        .json()
        .with_env_filter(filter)
        .with_current_span(false)
        .with_target(false)
        .try_init();
}
