//! What a Greenhouse answer means, decided without I/O so every case is unit-tested.

use serde_json::Value;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GreenhouseError {
    /// 401: the Job Board API key is wrong, revoked, or not a Job Board key.
    #[error("Greenhouse refused the employer's API key")]
    InvalidKey,
    /// 404: the job (or the board) is not live. On a job, not proof the job closed:
    /// an unknown board answers the same (API.md §2.3).
    #[error("Greenhouse answered not found: {message}")]
    NotFound { message: String },
    /// Greenhouse looked at the application and refused it; sending it again will not help.
    #[error("Greenhouse rejected the request ({status}): {reason}")]
    Rejected { status: u16, reason: String },
    /// Outage, throttling, network: worth retrying. `maybe_delivered` is true when the
    /// request body may have reached Greenhouse (a timeout after sending), where a blind
    /// retry could create a second candidate.
    #[error("Greenhouse is unavailable ({reason})")]
    Transient {
        status: Option<u16>,
        reason: String,
        maybe_delivered: bool,
    },
    /// A 2xx whose body we cannot read as what the endpoint returns.
    #[error("Greenhouse sent an unreadable answer: {reason}")]
    Malformed { reason: String },
}

impl GreenhouseError {
    pub fn is_retryable(&self) -> bool {
        matches!(self, GreenhouseError::Transient { .. })
    }
}

/// Greenhouse's message from an error body: JSON `error`/`reason`/`message` when it is
/// JSON, the text itself when not (the 401 is plain text). Cut short so that a hostile or
/// huge body cannot flood our answers or logs.
pub fn reason_from_body(body: &str) -> String {
    let reason = match serde_json::from_str::<Value>(body) {
        Ok(Value::Object(map)) => {
            let pick = |k: &str| map.get(k).and_then(Value::as_str).map(str::to_owned);
            match (pick("error"), pick("reason").or_else(|| pick("message"))) {
                (Some(e), Some(r)) => format!("{e}: {r}"),
                (Some(e), None) | (None, Some(e)) => e,
                (None, None) => body.trim().to_owned(),
            }
        }
        _ => body.trim().to_owned(),
    };
    reason.chars().take(300).collect()
}

/// Classifies the answer to an application POST. Success needs both a 2xx and a
/// `success` key: the legacy endpoint answered 200 with `{"error","reason"}` on failure,
/// and the official Ruby client treats that as an error (API.md §4.6).
pub fn classify_submission(status: u16, body: &str) -> Result<String, GreenhouseError> {
    match status {
        200..=299 => match serde_json::from_str::<Value>(body) {
            Ok(Value::Object(map)) if map.contains_key("success") => Ok(map
                .get("success")
                .and_then(Value::as_str)
                .unwrap_or("success")
                .to_owned()),
            Ok(_) => Err(GreenhouseError::Rejected {
                status,
                reason: reason_from_body(body),
            }),
            Err(_) => Err(GreenhouseError::Malformed {
                reason: format!("{status} without a JSON body"),
            }),
        },
        _ => Err(classify_failure(status, body)),
    }
}

/// Classifies any non-2xx answer, for reads and writes alike.
pub fn classify_failure(status: u16, body: &str) -> GreenhouseError {
    match status {
        401 | 403 => GreenhouseError::InvalidKey,
        404 => GreenhouseError::NotFound {
            message: reason_from_body(body),
        },
        408 | 429 | 500..=599 => GreenhouseError::Transient {
            status: Some(status),
            reason: reason_from_body(body),
            // The server answered, so it either processed the POST or refused it; a 5xx
            // after processing is possible but Greenhouse documents none.
            maybe_delivered: false,
        },
        _ => GreenhouseError::Rejected {
            status,
            reason: reason_from_body(body),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn success_needs_the_success_key() {
        assert_eq!(
            classify_submission(200, r#"{"success":"Candidate saved successfully"}"#),
            Ok("Candidate saved successfully".into())
        );
        assert_eq!(
            classify_submission(
                200,
                r#"{"error":"Failed to save person","reason":"Job application not live"}"#
            ),
            Err(GreenhouseError::Rejected {
                status: 200,
                reason: "Failed to save person: Job application not live".into()
            })
        );
        assert!(matches!(
            classify_submission(200, "<html>"),
            Err(GreenhouseError::Malformed { .. })
        ));
    }

    #[test]
    fn plain_text_401_means_invalid_key() {
        assert_eq!(
            classify_submission(401, "HTTP Basic: Access denied.\n"),
            Err(GreenhouseError::InvalidKey)
        );
    }

    #[test]
    fn statuses_map_to_their_classes() {
        assert_eq!(
            classify_failure(404, r#"{"status":404,"error":"Job not found"}"#),
            GreenhouseError::NotFound {
                message: "Job not found".into()
            }
        );
        assert_eq!(
            classify_failure(422, r#"{"status":422,"error":"Invalid email"}"#),
            GreenhouseError::Rejected {
                status: 422,
                reason: "Invalid email".into()
            }
        );
        for s in [429, 500, 502, 503, 504] {
            assert!(classify_failure(s, "").is_retryable(), "{s}");
        }
        assert!(!classify_failure(400, "bad").is_retryable());
    }

    #[test]
    fn reasons_are_bounded() {
        let huge = "x".repeat(10_000);
        assert_eq!(reason_from_body(&huge).len(), 300);
    }
}
