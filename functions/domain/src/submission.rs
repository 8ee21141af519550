//! What a job board submits for one jobseeker. Answers are keyed by the form's field
//! names, files are base64 in `attachments`, consent is explicit.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use std::collections::BTreeMap;

#[derive(Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Submission {
    /// The `version` of the form the jobseeker filled in; a mismatch means the employer
    /// changed the questions since.
    #[serde(default)]
    pub form_version: Option<String>,
    #[serde(default)]
    pub answers: Map<String, Value>,
    #[serde(default)]
    pub attachments: BTreeMap<String, AttachmentInput>,
    #[serde(default)]
    pub demographic_answers: Vec<DemographicAnswerInput>,
    #[serde(default)]
    pub data_compliance: ConsentInput,
    #[serde(default)]
    pub educations: Vec<EducationInput>,
    #[serde(default)]
    pub employments: Vec<EmploymentInput>,
    /// The `gh_src` source-tracking token of the job's link, if the board has one.
    #[serde(default)]
    pub mapped_url_token: Option<String>,
    #[serde(default)]
    pub applicant_ip: Option<String>,
}

impl std::fmt::Debug for Submission {
    // Answers and files are personal data: only their keys may be printed.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Submission")
            .field("form_version", &self.form_version)
            .field("answers", &self.answers.keys().collect::<Vec<_>>())
            .field("attachments", &self.attachments.keys().collect::<Vec<_>>())
            .field("demographic_answers", &self.demographic_answers.len())
            .finish_non_exhaustive()
    }
}

#[derive(Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct AttachmentInput {
    pub filename: String,
    #[serde(default)]
    pub content_type: Option<String>,
    /// The file, base64. Exactly one of `content_base64` and `url`.
    #[serde(default)]
    pub content_base64: Option<String>,
    /// A URL Greenhouse fetches the file from itself.
    #[serde(default)]
    pub url: Option<String>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct DemographicAnswerInput {
    pub question_id: u64,
    #[serde(default)]
    pub answer_options: Vec<DemographicOptionInput>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct DemographicOptionInput {
    pub answer_option_id: u64,
    #[serde(default)]
    pub text: Option<String>,
}

/// Consents exactly as the jobseeker gave them; absent means not given.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ConsentInput {
    #[serde(default)]
    pub gdpr_processing_consent_given: Option<bool>,
    #[serde(default)]
    pub gdpr_retention_consent_given: Option<bool>,
    #[serde(default)]
    pub gdpr_consent_given: Option<bool>,
    #[serde(default)]
    pub gdpr_demographic_data_consent_given: Option<bool>,
}

/// A month of a year, as numbers or numeric strings (Greenhouse's own example sends
/// strings).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct MonthYear {
    #[serde(deserialize_with = "crate::lenient::u64_id")]
    pub year: u64,
    #[serde(deserialize_with = "crate::lenient::u64_id")]
    pub month: u64,
}

/// One school attended; the ids come from the education look-ups.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct EducationInput {
    #[serde(deserialize_with = "crate::lenient::u64_id")]
    pub school_name_id: u64,
    #[serde(deserialize_with = "crate::lenient::u64_id")]
    pub degree_id: u64,
    #[serde(deserialize_with = "crate::lenient::u64_id")]
    pub discipline_id: u64,
    pub start_date: MonthYear,
    pub end_date: MonthYear,
}

#[derive(Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct EmploymentInput {
    pub company_name: String,
    pub title: String,
    pub start_date: MonthYear,
    #[serde(default)]
    pub end_date: Option<MonthYear>,
    /// `true`/`false`, or the strings Greenhouse's example uses.
    #[serde(deserialize_with = "crate::lenient::flag")]
    pub current: bool,
}

impl std::fmt::Debug for EmploymentInput {
    // Where someone worked is personal data.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EmploymentInput")
            .field("current", &self.current)
            .finish_non_exhaustive()
    }
}
