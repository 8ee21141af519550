//! Transport-neutral request and response, and the one error shape of every 4xx/5xx:
//! `{"error": {"code", "message", "field"?, "request_id", ...}}`.

use atsi_service::{ErrorKind, ServiceError};
use bytes::Bytes;
use http::{HeaderMap, Method};
use serde::Serialize;
use serde_json::{Map, Value, json};

#[derive(Debug, Clone)]
pub struct ApiRequest {
    pub method: Method,
    /// Without query string and without any API Gateway stage.
    pub path: String,
    /// The raw query string, without `?`.
    pub query: Option<String>,
    pub headers: HeaderMap,
    pub body: Bytes,
    pub request_id: String,
}

impl ApiRequest {
    /// Header names are case-insensitive by construction of `HeaderMap`.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct ApiResponse {
    pub status: u16,
    pub body: Option<Value>,
    pub allow: Option<&'static str>,
}

impl ApiResponse {
    pub fn json(status: u16, body: impl Serialize) -> Self {
        let body = serde_json::to_value(body).unwrap_or_else(|_| json!({}));
        Self {
            status,
            body: Some(body),
            allow: None,
        }
    }
    pub fn no_content() -> Self {
        Self {
            status: 204,
            body: None,
            allow: None,
        }
    }

    pub fn error(
        status: u16,
        request_id: &str,
        code: &str,
        message: &str,
        field: Option<&str>,
        extra: Map<String, Value>,
    ) -> Self {
        let mut err = Map::new();
        err.insert("code".into(), code.into());
        err.insert("message".into(), message.into());
        if let Some(f) = field {
            err.insert("field".into(), f.into());
        }
        err.insert("request_id".into(), request_id.into());
        err.extend(extra);
        Self::json(status, json!({ "error": err }))
    }

    pub fn from_service_error(e: &ServiceError, request_id: &str) -> Self {
        let status = match e.kind {
            ErrorKind::BadRequest => 400,
            ErrorKind::NotFound => 404,
            ErrorKind::Gone => 410,
            ErrorKind::Conflict => 409,
            ErrorKind::Invalid => 422,
            ErrorKind::Upstream { retryable: true } => 503,
            ErrorKind::Upstream { retryable: false } => 502,
            ErrorKind::Internal => 500,
        };
        let mut extra = Map::new();
        if let ErrorKind::Upstream { retryable } = e.kind {
            extra.insert("retryable".into(), retryable.into());
        } else if e.kind == ErrorKind::Internal {
            extra.insert("retryable".into(), true.into());
        }
        if !e.errors.is_empty() {
            extra.insert(
                "errors".into(),
                serde_json::to_value(&e.errors).unwrap_or_default(),
            );
        }
        if let Some(Value::Object(details)) = e.details.as_deref() {
            extra.extend(details.clone());
        }
        Self::error(
            status,
            request_id,
            e.code,
            &e.message,
            e.field.as_deref(),
            extra,
        )
    }

    pub fn into_http(self) -> http::Response<Bytes> {
        let mut builder = http::Response::builder().status(self.status);
        if let Some(allow) = self.allow {
            builder = builder.header(http::header::ALLOW, allow);
        }
        let body = match self.body {
            Some(v) => {
                builder = builder.header(http::header::CONTENT_TYPE, "application/json");
                Bytes::from(serde_json::to_vec(&v).unwrap_or_default())
            }
            None => Bytes::new(),
        };
        builder.body(body).unwrap_or_else(|_| {
            let mut r = http::Response::new(Bytes::new());
            *r.status_mut() = http::StatusCode::INTERNAL_SERVER_ERROR;
            r
        })
    }
}
