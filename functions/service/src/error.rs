use atsi_domain::FieldError;
use atsi_store::StoreError;
use serde_json::Value;

/// What kind of failure, which decides the HTTP status in one place (`atsi-api`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    BadRequest,
    NotFound,
    Gone,
    Conflict,
    Invalid,
    /// Greenhouse failed or refused; `retryable` tells a board whether to try again.
    Upstream {
        retryable: bool,
    },
    Internal,
}

#[derive(Debug, Clone, thiserror::Error)]
#[error("{code}: {message}")]
pub struct ServiceError {
    pub kind: ErrorKind,
    /// Stable, machine-readable.
    pub code: &'static str,
    pub message: String,
    pub field: Option<String>,
    pub errors: Vec<FieldError>,
    /// Extra data a client can act on (the current form on a 409).
    pub details: Option<Box<Value>>,
}

impl ServiceError {
    pub fn new(kind: ErrorKind, code: &'static str, message: impl Into<String>) -> Self {
        Self {
            kind,
            code,
            message: message.into(),
            field: None,
            errors: Vec::new(),
            details: None,
        }
    }
    pub fn field(mut self, field: impl Into<String>) -> Self {
        self.field = Some(field.into());
        self
    }
    pub fn details(mut self, details: Value) -> Self {
        self.details = Some(Box::new(details));
        self
    }
    /// At most this many field errors are listed; the count in the message is complete.
    pub const MAX_LISTED_ERRORS: usize = 50;

    pub fn invalid(mut errors: Vec<FieldError>) -> Self {
        let mut e = Self::new(
            ErrorKind::Invalid,
            "validation_failed",
            format!("{} field(s) need attention", errors.len()),
        );
        e.field = errors.first().map(|f| f.field.clone());
        errors.truncate(Self::MAX_LISTED_ERRORS);
        e.errors = errors;
        e
    }
    pub fn employer_not_found() -> Self {
        Self::new(
            ErrorKind::NotFound,
            "employer_not_found",
            "no employer is registered under this id",
        )
    }
}

impl From<StoreError> for ServiceError {
    fn from(e: StoreError) -> Self {
        // The store's text can name keys and tables: log it, answer generically.
        tracing::error!(error = %e, "store failure");
        ServiceError::new(
            ErrorKind::Internal,
            "storage_unavailable",
            "atsi could not reach its storage; try again",
        )
    }
}
