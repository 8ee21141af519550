//! The local run: the whole atsi API on one port, the three functions' routes served by
//! one process, with the Greenhouse stand-in on another port; and the demo that walks
//! register → sync → form → apply against it.

pub mod demo;

use atsi_api::{ApiRequest, Config, StoreBackend, build_services, handle_any};
use atsi_greenhouse::GreenhouseConfig;
use atsi_service::Services;
use axum::Router;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::Request;
use axum::response::{IntoResponse, Response};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

/// API Gateway accepts 10 MB; Lambda's synchronous payload limit (6 MB) is what really
/// bounds a request, and validation enforces the file limit inside it.
const MAX_REQUEST_BYTES: usize = 10 * 1024 * 1024;

pub struct LocalApi {
    pub addr: SocketAddr,
    pub task: tokio::task::JoinHandle<()>,
}

impl LocalApi {
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }
}

#[derive(Clone)]
struct AppState {
    services: Arc<Services>,
    counter: Arc<AtomicU64>,
}

async fn serve_any(State(state): State<AppState>, req: Request<axum::body::Body>) -> Response {
    let (parts, body) = req.into_parts();
    let body = match axum::body::to_bytes(body, MAX_REQUEST_BYTES).await {
        Ok(b) => b,
        Err(e) => {
            // Over the limit, or the client went away mid-body: two different answers.
            let too_large =
                std::iter::successors(Some(&e as &dyn std::error::Error), |e| e.source())
                    .any(|e| e.to_string().contains("length limit"));
            let (status, code, message) = if too_large {
                (
                    413,
                    "payload_too_large",
                    format!("requests are limited to {MAX_REQUEST_BYTES} bytes"),
                )
            } else {
                (
                    400,
                    "invalid_body",
                    "the request body was not received whole".to_owned(),
                )
            };
            return atsi_api::ApiResponse::error(
                status,
                "local",
                code,
                &message,
                None,
                Default::default(),
            )
            .into_http()
            .map(axum::body::Body::from)
            .into_response();
        }
    };
    let n = state.counter.fetch_add(1, Ordering::Relaxed);
    let api = ApiRequest {
        method: parts.method,
        path: parts.uri.path().to_owned(),
        query: parts.uri.query().map(str::to_owned),
        headers: parts.headers,
        body,
        request_id: format!("local-{n}"),
    };
    let resp = handle_any(&state.services, api).await;
    // The local run has no CloudWatch: the metrics of the request are dropped.
    drop(state.services.metrics.drain());
    resp.into_http().map(axum::body::Body::from).into_response()
}

/// Serves the API on `listen` with the given configuration.
pub async fn start_api(
    config: &Config,
    listen: SocketAddr,
) -> Result<LocalApi, Box<dyn std::error::Error + Send + Sync>> {
    let services = build_services(config).await?;
    let state = AppState {
        services: Arc::new(services),
        counter: Arc::new(AtomicU64::new(0)),
    };
    let app = Router::new()
        .fallback(serve_any)
        .layer(DefaultBodyLimit::disable())
        .with_state(state);
    let listener = tokio::net::TcpListener::bind(listen).await?;
    let addr = listener.local_addr()?;
    let task = tokio::spawn(async move {
        if let Err(e) = axum::serve(listener, app).await {
            tracing::error!(error = %e, "local API stopped");
        }
    });
    Ok(LocalApi { addr, task })
}

/// The configuration of a local run: embedded store in `data_dir`, Greenhouse at
/// `greenhouse_url` (the stand-in unless told otherwise).
pub fn local_config(
    data_dir: PathBuf,
    greenhouse_url: &str,
) -> Result<Config, atsi_api::ConfigError> {
    let mut config = Config::from_env()?;
    config.store = StoreBackend::Embedded { data_dir };
    config.greenhouse = GreenhouseConfig {
        base_url: GreenhouseConfig::new(greenhouse_url).base_url,
        ..config.greenhouse
    };
    Ok(config)
}

/// The repository's fixture folder, found from this crate's location so the binary works
/// from any working directory of a clone.
pub fn fixtures_dir() -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../fixtures");
    dir.canonicalize().unwrap_or(dir)
}
