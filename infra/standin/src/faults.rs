//! Injected failures, so clients can be tested against the ways Greenhouse goes wrong.

use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Fault {
    pub target: FaultTarget,
    pub kind: FaultKind,
    /// How many matching requests this fault applies to.
    #[serde(default = "one")]
    pub times: u32,
}

fn one() -> u32 {
    1
}

impl Fault {
    /// A fault for the next `target` request.
    pub fn once(target: FaultTarget, kind: FaultKind) -> Fault {
        Fault {
            target,
            kind,
            times: 1,
        }
    }

    pub fn times(mut self, times: u32) -> Fault {
        self.times = times;
        self
    }
}

/// Which Greenhouse requests a fault applies to (admin requests are never faulted).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FaultTarget {
    /// Any POST, i.e. application submissions.
    Post,
    /// Any GET or HEAD.
    Get,
    Any,
}

impl FaultTarget {
    pub(crate) fn matches(self, method: &axum::http::Method) -> bool {
        use axum::http::Method;
        match self {
            FaultTarget::Any => true,
            FaultTarget::Post => method == Method::POST,
            FaultTarget::Get => method == Method::GET || method == Method::HEAD,
        }
    }
}

/// Serialized with a `"type"` tag, e.g. `{"type":"status","status":503}` or `{"type":"reset"}`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum FaultKind {
    /// Answer `status` with `body` verbatim, or with `{"status":..,"error":"Injected fault"}`.
    Status {
        status: u16,
        #[serde(default)]
        body: Option<String>,
    },
    /// Wait, then serve the request normally.
    Delay { millis: u64 },
    /// Hold the request for 120 s, longer than any sane client timeout; the application is
    /// recorded but never as a success.
    Timeout,
    /// The legacy failure shape: 200 with `{"error":"Failed to save person","reason":..}`.
    LegacyError { reason: String },
    /// Drop the connection without answering.
    Reset,
}
