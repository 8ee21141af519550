use serde::Serialize;

/// One thing a job board must fix, tied to the form field it concerns.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldError {
    /// Machine-readable, stable: `required`, `invalid_option`, `unsupported_file_type`, ...
    pub code: &'static str,
    /// The submission field (`answers.email`, `attachments.resume`, `data_compliance.…`).
    pub field: String,
    /// The question's label as the board shows it, when the field belongs to a question.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    pub message: String,
}

impl FieldError {
    pub fn new(code: &'static str, field: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            code,
            field: field.into(),
            label: None,
            message: message.into(),
        }
    }
    pub fn with_label(mut self, label: Option<&str>) -> Self {
        self.label = label.map(str::to_owned);
        self
    }
}
