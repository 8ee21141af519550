//! Greenhouse Job Board API shapes, as received. Unknown fields are ignored and every
//! optional part tolerates `null` because Greenhouse adds fields without notice
//! (see infra/fixtures/GREENHOUSE-API.md §5).

use crate::lenient;
use serde::{Deserialize, Serialize};
use serde_json::Value;

pub type JobPostId = u64;

/// `GET /v1/boards/{token}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Board {
    #[serde(default, deserialize_with = "lenient::opt_text")]
    pub name: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_text")]
    pub content: Option<String>,
}

/// `GET /v1/boards/{token}/jobs`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct JobList {
    /// Required: a 200 without `jobs` (such as the legacy `{"error","reason"}` body) is
    /// not an empty board, and must not close every job.
    #[serde(deserialize_with = "lenient::vec_or_null")]
    pub jobs: Vec<JobSummary>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Location {
    #[serde(default, deserialize_with = "lenient::opt_text")]
    pub name: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Metadata {
    #[serde(default, deserialize_with = "lenient::opt_u64_id")]
    pub id: Option<u64>,
    #[serde(default, deserialize_with = "lenient::opt_text")]
    pub name: Option<String>,
    /// String, bool, number, array or null depending on `value_type`.
    #[serde(default)]
    pub value: Value,
    #[serde(default, deserialize_with = "lenient::opt_text")]
    pub value_type: Option<String>,
}

/// One GDPR block of a job (`data_compliance[]`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct DataCompliance {
    #[serde(rename = "type", default, deserialize_with = "lenient::opt_text")]
    pub kind: Option<String>,
    #[serde(default, deserialize_with = "lenient::flag")]
    pub requires_consent: bool,
    #[serde(default, deserialize_with = "lenient::flag")]
    pub requires_processing_consent: bool,
    #[serde(default, deserialize_with = "lenient::flag")]
    pub requires_retention_consent: bool,
    #[serde(default, deserialize_with = "lenient::opt_u64_id")]
    pub retention_period: Option<u64>,
    #[serde(default, deserialize_with = "lenient::flag")]
    pub demographic_data_consent_applies: bool,
}

/// A job as listed by `GET /jobs` (and the common part of the single-job GET).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct JobSummary {
    #[serde(deserialize_with = "lenient::u64_id")]
    pub id: JobPostId,
    /// `null` for prospect posts ("general application").
    #[serde(default, deserialize_with = "lenient::opt_u64_id")]
    pub internal_job_id: Option<u64>,
    #[serde(default)]
    pub title: String,
    #[serde(default, deserialize_with = "lenient::opt_text")]
    pub updated_at: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_text")]
    pub requisition_id: Option<String>,
    #[serde(default)]
    pub location: Option<Location>,
    #[serde(default, deserialize_with = "lenient::opt_text")]
    pub absolute_url: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_text")]
    pub language: Option<String>,
    #[serde(default, deserialize_with = "lenient::vec_or_null")]
    pub metadata: Vec<Metadata>,
    #[serde(default, deserialize_with = "lenient::opt_text")]
    pub company_name: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_text")]
    pub first_published: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_text")]
    pub application_deadline: Option<String>,
    /// `education_required`, `education_optional` or `education_hidden` [OBS].
    #[serde(default, deserialize_with = "lenient::opt_text")]
    pub education: Option<String>,
    #[serde(default, deserialize_with = "lenient::vec_or_null")]
    pub data_compliance: Vec<DataCompliance>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PayRange {
    #[serde(default)]
    pub min_cents: Option<i64>,
    #[serde(default)]
    pub max_cents: Option<i64>,
    #[serde(default, deserialize_with = "lenient::opt_text")]
    pub currency_type: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_text")]
    pub title: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_text")]
    pub blurb: Option<String>,
}

/// A select option's value: custom questions use integers, EEOC questions strings
/// (`"1"`). It is echoed back to Greenhouse in the type it came in.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(untagged)]
pub enum OptionValue {
    Int(i64),
    Str(String),
}

impl OptionValue {
    /// Does a value a job board sent name this option? `1` and `"1"` both name option 1
    /// because boards build forms in languages that lose the distinction.
    pub fn matches(&self, given: &Value) -> bool {
        match (self, given) {
            (OptionValue::Int(i), Value::Number(n)) => n.as_i64() == Some(*i),
            (OptionValue::Int(i), Value::String(s)) => s.trim().parse::<i64>().ok() == Some(*i),
            (OptionValue::Str(s), Value::String(g)) => s == g,
            (OptionValue::Str(s), Value::Number(n)) => *s == n.to_string(),
            _ => false,
        }
    }
    pub fn to_json(&self) -> Value {
        match self {
            OptionValue::Int(i) => Value::from(*i),
            OptionValue::Str(s) => Value::from(s.clone()),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SelectOption {
    #[serde(default)]
    pub label: String,
    pub value: OptionValue,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QuestionField {
    /// May carry a `[]` suffix on multi-selects: `question_579460[]`.
    pub name: String,
    #[serde(rename = "type", default, deserialize_with = "lenient::opt_text")]
    pub kind: Option<String>,
    #[serde(default, deserialize_with = "lenient::vec_or_null")]
    pub values: Vec<SelectOption>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Question {
    #[serde(default)]
    pub label: String,
    #[serde(default, deserialize_with = "lenient::flag")]
    pub required: bool,
    #[serde(default, deserialize_with = "lenient::opt_text")]
    pub description: Option<String>,
    #[serde(default, deserialize_with = "lenient::vec_or_null")]
    pub fields: Vec<QuestionField>,
}

/// An EEOC block (`compliance[]`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ComplianceBlock {
    #[serde(rename = "type", default, deserialize_with = "lenient::opt_text")]
    pub kind: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_text")]
    pub description: Option<String>,
    #[serde(default, deserialize_with = "lenient::vec_or_null")]
    pub questions: Vec<Question>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AnswerOption {
    #[serde(deserialize_with = "lenient::u64_id")]
    pub id: u64,
    #[serde(default)]
    pub label: String,
    #[serde(default, deserialize_with = "lenient::flag")]
    pub free_form: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DemographicQuestion {
    #[serde(deserialize_with = "lenient::u64_id")]
    pub id: u64,
    #[serde(default)]
    pub label: String,
    #[serde(default, deserialize_with = "lenient::flag")]
    pub required: bool,
    #[serde(rename = "type", default, deserialize_with = "lenient::opt_text")]
    pub kind: Option<String>,
    #[serde(default, deserialize_with = "lenient::vec_or_null")]
    pub answer_options: Vec<AnswerOption>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DemographicBlock {
    #[serde(default, deserialize_with = "lenient::opt_text")]
    pub header: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_text")]
    pub description: Option<String>,
    #[serde(default, deserialize_with = "lenient::vec_or_null")]
    pub questions: Vec<DemographicQuestion>,
}

/// `GET /v1/boards/{token}/jobs/{id}?questions=true&pay_transparency=true`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct JobDetail {
    #[serde(flatten)]
    pub summary: JobSummary,
    /// HTML, entity-escaped once by Greenhouse; see [`JobDetail::content_html`].
    #[serde(default, deserialize_with = "lenient::opt_text")]
    pub content: Option<String>,
    #[serde(default, deserialize_with = "lenient::vec_or_null")]
    pub questions: Vec<Question>,
    #[serde(default, deserialize_with = "lenient::vec_or_null")]
    pub location_questions: Vec<Question>,
    #[serde(default, deserialize_with = "lenient::vec_or_null")]
    pub compliance: Vec<ComplianceBlock>,
    #[serde(default)]
    pub demographic_questions: Option<DemographicBlock>,
    #[serde(default, deserialize_with = "lenient::vec_or_null")]
    pub pay_input_ranges: Vec<PayRange>,
    #[serde(default, deserialize_with = "lenient::vec_or_null")]
    pub departments: Vec<Value>,
    #[serde(default, deserialize_with = "lenient::vec_or_null")]
    pub offices: Vec<Value>,
}

/// Which education look-up (`GET /v1/boards/{token}/education/{kind}`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EducationKind {
    Schools,
    Degrees,
    Disciplines,
}

impl EducationKind {
    pub fn path(self) -> &'static str {
        match self {
            EducationKind::Schools => "schools",
            EducationKind::Degrees => "degrees",
            EducationKind::Disciplines => "disciplines",
        }
    }
    pub fn from_path(segment: &str) -> Option<Self> {
        match segment {
            "schools" => Some(EducationKind::Schools),
            "degrees" => Some(EducationKind::Degrees),
            "disciplines" => Some(EducationKind::Disciplines),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EducationItem {
    #[serde(deserialize_with = "lenient::u64_id")]
    pub id: u64,
    #[serde(default)]
    pub text: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EducationMeta {
    #[serde(default, deserialize_with = "lenient::opt_u64_id")]
    pub total_count: Option<u64>,
    #[serde(default, deserialize_with = "lenient::opt_u64_id")]
    pub per_page: Option<u64>,
}

/// One page of an education look-up (100 items a page on Greenhouse).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EducationPage {
    #[serde(deserialize_with = "lenient::vec_or_null")]
    pub items: Vec<EducationItem>,
    #[serde(default)]
    pub meta: Option<EducationMeta>,
}

/// Greenhouse escapes the editor's HTML into entities; entities the author typed are
/// escaped twice. Unescaping exactly once yields the author's HTML: a second pass would
/// turn the text `&lt;script&gt;` into markup.
pub fn unescape_html_once(escaped: &str) -> String {
    html_escape::decode_html_entities(escaped).into_owned()
}

impl JobDetail {
    pub fn content_html(&self) -> Option<String> {
        self.content.as_deref().map(unescape_html_once)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_is_unescaped_exactly_once() {
        let escaped = "&lt;p&gt;Build&amp;nbsp;things &amp;lt;script&amp;gt;&lt;/p&gt;";
        assert_eq!(
            unescape_html_once(escaped),
            "<p>Build&nbsp;things &lt;script&gt;</p>"
        );
    }

    #[test]
    fn option_values_keep_their_type_and_match_either_spelling() {
        let int: OptionValue = serde_json::from_str("1").unwrap();
        let text: OptionValue = serde_json::from_str("\"1\"").unwrap();
        assert_eq!(int, OptionValue::Int(1));
        assert_eq!(text, OptionValue::Str("1".into()));
        assert!(int.matches(&Value::from("1")) && int.matches(&Value::from(1)));
        assert!(text.matches(&Value::from(1)) && text.matches(&Value::from("1")));
        assert!(!int.matches(&Value::from(2)) && !int.matches(&Value::Bool(true)));
        assert_eq!(text.to_json(), Value::from("1"));
    }

    #[test]
    fn lenient_fields_survive_odd_payloads() {
        let job: JobDetail = serde_json::from_value(serde_json::json!({
            "id": "6106073003", "internal_job_id": null, "title": "T",
            "requisition_id": 50, "metadata": null, "data_compliance": null,
            "questions": null, "demographic_questions": null, "brand_new_field": {"x": 1},
            "location": {"name": null}
        }))
        .unwrap();
        assert_eq!(job.summary.id, 6_106_073_003);
        assert_eq!(job.summary.internal_job_id, None);
        assert_eq!(job.summary.requisition_id.as_deref(), Some("50"));
        assert!(job.questions.is_empty() && job.summary.metadata.is_empty());
    }
}
