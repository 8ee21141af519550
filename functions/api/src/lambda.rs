//! The API Gateway adapter: Lambda events in, API Gateway responses out.

use crate::config::{Config, build_services};
use crate::handlers::handle;
use crate::response::{ApiRequest, ApiResponse};
use crate::routes::Function;
use atsi_service::Services;
use bytes::Bytes;
use lambda_http::request::RequestContext;
use lambda_http::{Body, Request, RequestExt};
use serde_json::{Value, json};
use tracing::Instrument;

/// The path a route is matched on. lambda_http puts a REST API stage in front of the path
/// (`/Prod/v1/...`) and a named HTTP API stage is already part of `rawPath`; neither is
/// part of atsi's routes.
fn route_path(req: &Request) -> String {
    let raw = req.raw_http_path();
    let raw = if raw.is_empty() {
        req.uri().path()
    } else {
        raw
    };
    let stage = match req.request_context_ref() {
        // A REST API's `path` never carries the stage.
        Some(RequestContext::ApiGatewayV1(_)) => return raw.to_owned(),
        Some(RequestContext::ApiGatewayV2(ctx)) => ctx.stage.clone(),
        _ => None,
    };
    match stage.filter(|s| s != "$default") {
        Some(stage) => {
            let prefix = format!("/{stage}");
            match raw.strip_prefix(&prefix) {
                Some(rest) if rest.is_empty() || rest.starts_with('/') => rest.to_owned(),
                _ => raw.to_owned(),
            }
        }
        None => raw.to_owned(),
    }
}

fn request_id(req: &Request) -> String {
    if let Some(ctx) = req.lambda_context_ref() {
        return ctx.request_id.clone();
    }
    let from_gateway = match req.request_context_ref() {
        Some(RequestContext::ApiGatewayV1(ctx)) => ctx.request_id.clone(),
        Some(RequestContext::ApiGatewayV2(ctx)) => ctx.request_id.clone(),
        _ => None,
    };
    from_gateway.unwrap_or_else(|| "local".to_owned())
}

/// lambda_http has already decoded an `isBase64Encoded` body.
pub fn to_api_request(req: Request) -> ApiRequest {
    let path = route_path(&req);
    let request_id = request_id(&req);
    let (parts, body) = req.into_parts();
    let query = parts.uri.query().map(str::to_owned);
    let body = match body {
        Body::Empty => Bytes::new(),
        Body::Text(t) => Bytes::from(t),
        Body::Binary(b) => Bytes::from(b),
        _ => Bytes::new(),
    };
    ApiRequest {
        method: parts.method,
        path,
        query,
        headers: parts.headers,
        body,
        request_id,
    }
}

#[derive(Debug, thiserror::Error)]
pub enum EventError {
    #[error("the event is neither an API Gateway request nor a schedule event")]
    Unrecognized,
    #[error("{0}")]
    Failed(String),
}

/// What Lambda records for a failed invocation: a type an operator can search for.
impl From<EventError> for lambda_http::lambda_runtime::Diagnostic {
    fn from(e: EventError) -> Self {
        let error_type = match e {
            EventError::Unrecognized => "atsi.UnrecognizedEvent",
            EventError::Failed(_) => "atsi.EventFailed",
        };
        Self {
            error_type: error_type.to_owned(),
            error_message: e.to_string(),
        }
    }
}

/// Writes the invocation's metrics to stdout as CloudWatch Embedded Metric Format lines.
pub fn emit_metrics(function: Function, services: &Services) {
    let samples = services.metrics.drain();
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as i64);
    for doc in atsi_service::metrics::emf_documents(function.name(), &samples, now) {
        println!("{doc}");
    }
}

/// A function's whole life: JSON logs, configuration and adapters built once, then
/// invocations until Lambda stops the process. A bad configuration is logged as a JSON
/// line naming the setting, and the process exits (Lambda reports `Runtime.ExitError`).
pub async fn start(function: Function) -> Result<(), lambda_http::Error> {
    crate::init_tracing();
    let services = match Config::from_env() {
        Ok(config) => build_services(&config).await,
        Err(e) => Err(e),
    };
    let services = match services {
        Ok(s) => s,
        Err(e) => {
            tracing::error!(error = %e, "cold start failed");
            return Err(e.into());
        }
    };
    run_function(function, services).await
}

/// Runs a function under the Lambda runtime. All three take raw events through
/// [`handle_event`], so the documented events replayed by the tests go through exactly
/// the path the deployed functions take.
pub async fn run_function(
    function: Function,
    services: Services,
) -> Result<(), lambda_http::Error> {
    let services = &services;
    lambda_http::lambda_runtime::run(lambda_http::service_fn(
        move |event: lambda_http::LambdaEvent<Value>| {
            // Every log line of the invocation carries the request id and the function.
            let span = tracing::info_span!("invocation", request_id = %event.context.request_id, function = function.name());
            async move {
                let outcome = handle_event(function, services, event.payload).await;
                if let Err(e) = &outcome {
                    tracing::error!(error = %e, outcome = "invocation_failed", "invocation failed");
                }
                emit_metrics(function, services);
                outcome
            }
            .instrument(span)
        },
    ))
    .await
}

pub fn is_schedule_event(event: &Value) -> bool {
    event.get("source").and_then(Value::as_str) == Some("aws.events")
        || event.get("detail-type").and_then(Value::as_str) == Some("Scheduled Event")
}

/// Handles a raw Lambda event: a schedule event (sync only) runs the sync of every
/// employer; an API Gateway event (REST v1 or HTTP v2) is routed like any request and
/// answered in API Gateway's proxy response format, which both payload versions accept.
pub async fn handle_event(
    function: Function,
    services: &Services,
    event: Value,
) -> Result<Value, EventError> {
    if is_schedule_event(&event) {
        if function != Function::Sync {
            return Err(EventError::Unrecognized);
        }
        let reports = services
            .sync_all()
            .await
            .map_err(|e| EventError::Failed(e.to_string()))?;
        let ok = reports.iter().filter(|r| r.is_ok()).count();
        return Ok(json!({
            "employers": reports.len(),
            "synced": ok,
            "failed": reports.len() - ok,
            "reports": reports.iter().map(|r| match r {
                Ok(report) => json!({"ok": true, "report": report}),
                Err(e) => json!({"ok": false, "code": e.code}),
            }).collect::<Vec<_>>(),
        }));
    }
    let text = event.to_string();
    let req = lambda_http::request::from_str(&text).map_err(|_| EventError::Unrecognized)?;
    let resp = handle(function, services, to_api_request(req)).await;
    Ok(proxy_response(resp))
}

pub fn proxy_response(resp: ApiResponse) -> Value {
    let (parts, body) = resp.into_http().into_parts();
    let headers: serde_json::Map<String, Value> = parts
        .headers
        .iter()
        .filter_map(|(k, v)| Some((k.as_str().to_owned(), Value::from(v.to_str().ok()?))))
        .collect();
    json!({
        "statusCode": parts.status.as_u16(),
        "headers": headers,
        "body": String::from_utf8_lossy(&body),
        "isBase64Encoded": false,
    })
}
