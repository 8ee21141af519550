//! The application form a job board renders: Greenhouse's question schema normalized
//! into one shape, with a version that changes whenever the questions do.

use crate::greenhouse::{
    ComplianceBlock, JobDetail, OptionValue, PayRange, Question, unescape_html_once,
};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FieldKind {
    Text,
    Textarea,
    File,
    /// Not shown to the applicant; the board submits it only when it has a value.
    Hidden,
    SingleSelect,
    MultiSelect,
}

impl FieldKind {
    /// Unknown Greenhouse types are treated as text (API.md §3.1); the original type is
    /// kept on the field so a board can still see it.
    fn from_greenhouse(kind: Option<&str>) -> FieldKind {
        match kind.unwrap_or("") {
            "input_file" => FieldKind::File,
            "input_hidden" => FieldKind::Hidden,
            "textarea" => FieldKind::Textarea,
            "multi_value_single_select" => FieldKind::SingleSelect,
            "multi_value_multi_select" => FieldKind::MultiSelect,
            _ => FieldKind::Text,
        }
    }
    pub fn is_select(self) -> bool {
        matches!(self, FieldKind::SingleSelect | FieldKind::MultiSelect)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FormOption {
    pub label: String,
    pub value: OptionValue,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FormField {
    /// The key a board submits under: Greenhouse's name without the `[]` suffix.
    pub name: String,
    pub kind: FieldKind,
    pub greenhouse_type: Option<String>,
    /// The choices of a select; empty for other kinds.
    #[serde(default)]
    pub options: Vec<FormOption>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FormQuestion {
    pub label: String,
    /// Required means at least one of `fields` carries a value.
    pub required: bool,
    /// Help text as HTML (Greenhouse's entity escaping undone once).
    pub description_html: Option<String>,
    pub fields: Vec<FormField>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ComplianceSection {
    pub kind: Option<String>,
    pub description_html: Option<String>,
    pub questions: Vec<FormQuestion>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DemographicOption {
    pub id: u64,
    pub label: String,
    pub free_form: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DemographicFormQuestion {
    pub id: u64,
    pub label: String,
    /// Shown as required in the board's form; never enforced server-side (API.md §3.3).
    pub required: bool,
    pub multiple: bool,
    pub options: Vec<DemographicOption>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DemographicSection {
    pub header: Option<String>,
    pub description_html: Option<String>,
    pub questions: Vec<DemographicFormQuestion>,
}

/// What GDPR consent the job asks for, folded over all its `data_compliance` blocks.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConsentRequirements {
    pub processing_consent_required: bool,
    pub retention_consent_required: bool,
    /// The legacy single consent (`gdpr_consent_given`).
    pub consent_required: bool,
    pub demographic_data_consent_applies: bool,
    pub retention_period_days: Option<u64>,
}

/// Whether the job asks for the jobseeker's education (`educations` in a submission).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EducationRequirement {
    Required,
    Optional,
    /// The employer hid the education section: a submission must not carry one.
    Hidden,
}

impl EducationRequirement {
    /// Greenhouse's `education` field; absent on older payloads, where the section is
    /// offered but not required.
    fn from_greenhouse(value: Option<&str>) -> Self {
        match value {
            Some("education_required") => Self::Required,
            Some("education_hidden") => Self::Hidden,
            _ => Self::Optional,
        }
    }
}

/// Which part of the form a field belongs to; it decides how the answer is sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Section {
    Questions,
    Location,
    Compliance,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ApplicationForm {
    pub job_id: u64,
    pub title: String,
    pub location: Option<String>,
    pub content_html: Option<String>,
    /// Changes whenever anything a submission is checked against changes.
    pub version: String,
    pub questions: Vec<FormQuestion>,
    #[serde(default)]
    pub location_questions: Vec<FormQuestion>,
    #[serde(default)]
    pub compliance: Vec<ComplianceSection>,
    #[serde(default)]
    pub demographic: Option<DemographicSection>,
    pub data_compliance: ConsentRequirements,
    /// `educations`: school, degree and discipline ids from the education look-ups.
    pub education: EducationRequirement,
    #[serde(default)]
    pub pay_ranges: Vec<PayRange>,
}

fn normalize_question(q: &Question) -> FormQuestion {
    FormQuestion {
        label: q.label.clone(),
        required: q.required,
        description_html: q.description.as_deref().map(unescape_html_once),
        fields: q
            .fields
            .iter()
            .map(|f| FormField {
                name: f.name.trim_end_matches("[]").to_owned(),
                kind: FieldKind::from_greenhouse(f.kind.as_deref()),
                greenhouse_type: f.kind.clone(),
                options: f
                    .values
                    .iter()
                    .map(|v| FormOption {
                        label: v.label.clone(),
                        value: v.value.clone(),
                    })
                    .collect(),
            })
            .collect(),
    }
}

fn normalize_compliance(block: &ComplianceBlock) -> ComplianceSection {
    ComplianceSection {
        kind: block.kind.clone(),
        // Compliance descriptions arrive entity-escaped like `content`.
        description_html: block.description.as_deref().map(unescape_html_once),
        questions: block.questions.iter().map(normalize_question).collect(),
    }
}

impl ApplicationForm {
    pub fn from_job(job: &JobDetail) -> ApplicationForm {
        let mut consent = ConsentRequirements::default();
        for block in &job.summary.data_compliance {
            consent.processing_consent_required |= block.requires_processing_consent;
            consent.retention_consent_required |= block.requires_retention_consent;
            consent.consent_required |= block.requires_consent;
            consent.demographic_data_consent_applies |= block.demographic_data_consent_applies;
            consent.retention_period_days =
                consent.retention_period_days.or(block.retention_period);
        }
        let demographic = job
            .demographic_questions
            .as_ref()
            .filter(|d| !d.questions.is_empty())
            .map(|d| DemographicSection {
                header: d.header.clone(),
                description_html: d.description.clone(),
                questions: d
                    .questions
                    .iter()
                    .map(|q| DemographicFormQuestion {
                        id: q.id,
                        label: q.label.clone(),
                        required: q.required,
                        multiple: q.kind.as_deref() == Some("multi_value_multi_select"),
                        options: q
                            .answer_options
                            .iter()
                            .map(|o| DemographicOption {
                                id: o.id,
                                label: o.label.clone(),
                                free_form: o.free_form,
                            })
                            .collect(),
                    })
                    .collect(),
            });
        let mut form = ApplicationForm {
            job_id: job.summary.id,
            title: job.summary.title.clone(),
            location: job.summary.location.as_ref().and_then(|l| l.name.clone()),
            content_html: job.content_html(),
            version: String::new(),
            questions: job.questions.iter().map(normalize_question).collect(),
            location_questions: job
                .location_questions
                .iter()
                .map(normalize_question)
                .collect(),
            compliance: job
                .compliance
                .iter()
                .map(normalize_compliance)
                .filter(|c| !c.questions.is_empty() || c.description_html.is_some())
                .collect(),
            demographic,
            data_compliance: consent,
            education: EducationRequirement::from_greenhouse(job.summary.education.as_deref()),
            pay_ranges: job.pay_input_ranges.clone(),
        };
        form.version = form.compute_version();
        form
    }

    /// A short hash over everything a submission is validated against (not the job's
    /// prose), so editing a description does not invalidate forms in flight.
    fn compute_version(&self) -> String {
        let material = serde_json::json!([
            self.questions,
            self.location_questions,
            self.compliance
                .iter()
                .map(|c| &c.questions)
                .collect::<Vec<_>>(),
            self.demographic.as_ref().map(|d| &d.questions),
            self.data_compliance,
            self.education,
        ]);
        let digest = Sha256::digest(material.to_string().as_bytes());
        digest[..8].iter().map(|b| format!("{b:02x}")).collect()
    }

    /// Every answerable field with its question and section.
    pub fn fields(&self) -> impl Iterator<Item = (Section, &FormQuestion, &FormField)> {
        fn tag(
            section: Section,
            qs: &[FormQuestion],
        ) -> impl Iterator<Item = (Section, &FormQuestion, &FormField)> {
            qs.iter()
                .flat_map(move |q| q.fields.iter().map(move |f| (section, q, f)))
        }
        tag(Section::Questions, &self.questions)
            .chain(tag(Section::Location, &self.location_questions))
            .chain(
                self.compliance
                    .iter()
                    .flat_map(|c| tag(Section::Compliance, &c.questions)),
            )
    }

    pub fn all_questions(&self) -> impl Iterator<Item = &FormQuestion> {
        self.questions
            .iter()
            .chain(&self.location_questions)
            .chain(self.compliance.iter().flat_map(|c| &c.questions))
    }
}
