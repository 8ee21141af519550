//! Checks a submission against a job's form before anything is sent, and turns it into
//! a [`ValidApplication`] that mapping can only get right. Every problem is reported at
//! once, each tied to its field, so a board can show them all next to the inputs.

use crate::attachment::{self, AttachmentProblem, NormalizedFile};
use crate::field_error::FieldError;
use crate::form::EducationRequirement;
use crate::form::{ApplicationForm, FieldKind, FormField, FormQuestion, Section};
use crate::greenhouse::OptionValue;
use crate::submission::{ConsentInput, EducationInput, MonthYear, Submission};
use crate::text;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// Greenhouse's own limit on names and email (API.md §4.7).
pub const MAX_NAME_LEN: usize = 255;
/// Our cap on any other text answer; Greenhouse documents none.
pub const MAX_TEXT_LEN: usize = 65_536;
/// Far above any real form (Greenhouse forms have tens of fields), low enough that one
/// request cannot make a huge error answer or ledger record.
pub const MAX_ANSWERS: usize = 500;
pub const MAX_ATTACHMENTS: usize = 20;
pub const MAX_DEMOGRAPHIC_ANSWERS: usize = 100;
pub const MAX_HISTORY_ENTRIES: usize = 30;

#[derive(Debug, Clone, Copy)]
pub struct ValidationLimits {
    pub max_attachment_bytes: usize,
}

impl Default for ValidationLimits {
    fn default() -> Self {
        Self {
            max_attachment_bytes: attachment::DEFAULT_MAX_ATTACHMENT_BYTES,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum ValidAnswer {
    Text(String),
    /// A single select, as the option's own value (int or string).
    Select(OptionValue),
    MultiSelect(Vec<OptionValue>),
}

#[derive(Debug, Clone, PartialEq)]
pub enum ValidAttachment {
    Content {
        filename: String,
        file: NormalizedFile,
    },
    Url {
        filename: String,
        url: String,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub struct ValidEmployment {
    pub company_name: String,
    pub title: String,
    pub start_date: MonthYear,
    pub end_date: Option<MonthYear>,
    pub current: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ValidDemographicAnswer {
    pub question_id: u64,
    pub options: Vec<(u64, Option<String>)>,
}

/// A submission that passed validation: every key exists on the form, every value has
/// the type Greenhouse expects for it.
#[derive(Debug, Clone, PartialEq)]
pub struct ValidApplication {
    pub educations: Vec<EducationInput>,
    pub employments: Vec<ValidEmployment>,
    /// Custom questions, standard fields and location, by bare field name.
    pub answers: BTreeMap<String, ValidAnswer>,
    /// EEOC answers (`gender`, `race`, …), sent as top-level keys.
    pub eeoc: BTreeMap<String, OptionValue>,
    pub attachments: BTreeMap<String, ValidAttachment>,
    pub demographic_answers: Vec<ValidDemographicAnswer>,
    pub consent: ConsentInput,
    pub mapped_url_token: Option<String>,
    pub applicant_ip: Option<String>,
}

impl ValidApplication {
    pub fn text(&self, name: &str) -> Option<&str> {
        match self.answers.get(name) {
            Some(ValidAnswer::Text(t)) => Some(t),
            _ => None,
        }
    }
}

struct FieldRef<'f> {
    section: Section,
    question: &'f FormQuestion,
    field: &'f FormField,
}

fn answer_key(name: &str) -> String {
    format!("answers.{name}")
}

fn is_blank(v: &Value) -> bool {
    match v {
        Value::Null => true,
        Value::String(s) => text::trim_visible(s).is_empty(),
        Value::Array(a) => a.is_empty(),
        _ => false,
    }
}

pub use text::contains_url;

/// Text as the jobseeker meant it. Whole numbers are accepted for boards that send
/// numeric answers as numbers; other numbers (`1e308`) would not survive the trip as
/// typed, so only the coordinates take them.
fn scalar_text(v: &Value, numbers: bool) -> Option<String> {
    match v {
        Value::String(s) => Some(text::trim_visible(s).to_owned()),
        Value::Number(n) if n.is_i64() || n.is_u64() || numbers => Some(n.to_string()),
        _ => None,
    }
}

fn check_option<'o>(field: &'o FormField, given: &Value) -> Option<&'o OptionValue> {
    field
        .options
        .iter()
        .map(|o| &o.value)
        .find(|o| o.matches(given))
}

struct Checker<'f> {
    form: &'f ApplicationForm,
    limits: ValidationLimits,
    errors: Vec<FieldError>,
    fields: HashMap<&'f str, FieldRef<'f>>,
}

impl<'f> Checker<'f> {
    fn fail(
        &mut self,
        code: &'static str,
        field: String,
        label: Option<&str>,
        message: impl Into<String>,
    ) {
        self.errors
            .push(FieldError::new(code, field, message).with_label(label));
    }

    fn answer(&mut self, name: &str, value: &Value, out: &mut ValidApplication) {
        let Some(r) = self.fields.get(name) else {
            self.fail(
                "unknown_field",
                answer_key(name),
                None,
                format!("this job has no field `{name}`"),
            );
            return;
        };
        let (section, field, label) = (r.section, r.field, r.question.label.as_str());
        let key = answer_key(name);
        if is_blank(value) {
            return;
        }
        let answer = match field.kind {
            FieldKind::File => {
                self.fail(
                    "file_expected",
                    key,
                    Some(label),
                    format!("`{name}` takes a file: send it under `attachments.{name}`"),
                );
                return;
            }
            FieldKind::Text | FieldKind::Textarea | FieldKind::Hidden => {
                let coordinate = matches!(name, "latitude" | "longitude");
                let Some(text) = scalar_text(value, coordinate) else {
                    self.fail("invalid_type", key, Some(label), "expected text");
                    return;
                };
                if text::has_forbidden_control(&text, field.kind == FieldKind::Textarea) {
                    self.fail(
                        "invalid_characters",
                        key,
                        Some(label),
                        "control characters are not allowed",
                    );
                    return;
                }
                if text.chars().count() > MAX_TEXT_LEN {
                    self.fail(
                        "too_long",
                        key,
                        Some(label),
                        format!("at most {MAX_TEXT_LEN} characters"),
                    );
                    return;
                }
                ValidAnswer::Text(text)
            }
            FieldKind::SingleSelect => {
                if value.is_array() || value.is_object() {
                    self.fail(
                        "invalid_type",
                        key,
                        Some(label),
                        "expected one option value",
                    );
                    return;
                }
                match check_option(field, value) {
                    Some(v) => ValidAnswer::Select(v.clone()),
                    None => {
                        self.fail(
                            "invalid_option",
                            key,
                            Some(label),
                            format!("{value} is not one of this question's options"),
                        );
                        return;
                    }
                }
            }
            FieldKind::MultiSelect => {
                let Value::Array(items) = value else {
                    self.fail(
                        "invalid_type",
                        key,
                        Some(label),
                        "expected an array of option values",
                    );
                    return;
                };
                let mut chosen: Vec<OptionValue> = Vec::new();
                for item in items {
                    match check_option(field, item) {
                        Some(v) if !chosen.contains(v) => chosen.push(v.clone()),
                        Some(_) => {}
                        None => {
                            self.fail(
                                "invalid_option",
                                key.clone(),
                                Some(label),
                                format!("{item} is not one of this question's options"),
                            );
                            return;
                        }
                    }
                }
                ValidAnswer::MultiSelect(chosen)
            }
        };
        match (section, answer) {
            (Section::Compliance, ValidAnswer::Select(v)) => {
                out.eeoc.insert(name.to_owned(), v);
            }
            (_, answer) => {
                out.answers.insert(name.to_owned(), answer);
            }
        }
    }

    fn attachments(&mut self, sub: &Submission, out: &mut ValidApplication) {
        for (name, input) in &sub.attachments {
            let key = format!("attachments.{name}");
            let label = match self.fields.get(name.as_str()) {
                Some(r) if r.field.kind == FieldKind::File => r.question.label.as_str(),
                Some(r) => {
                    let label = r.question.label.as_str();
                    self.fail(
                        "not_a_file_field",
                        key,
                        Some(label),
                        format!(
                            "`{name}` is not a file question: answer it under `answers.{name}`"
                        ),
                    );
                    continue;
                }
                None => {
                    self.fail(
                        "unknown_field",
                        key,
                        None,
                        format!("this job has no file field `{name}`"),
                    );
                    continue;
                }
            };
            let filename = text::trim_visible(&input.filename).to_owned();
            if text::has_forbidden_control(&filename, false)
                || filename.contains(['/', '\\'])
                || filename.starts_with('.')
            {
                self.fail(
                    "invalid_filename",
                    format!("{key}.filename"),
                    Some(label),
                    "a plain file name such as cv.pdf: no folders, control characters or leading dot",
                );
                continue;
            }
            if let Err(p) = attachment::allowed_extension(&filename) {
                let (code, msg) = match p {
                    AttachmentProblem::MissingFilename => {
                        ("required", "a filename is required".to_owned())
                    }
                    AttachmentProblem::UnsupportedType { extension } if extension.is_empty() => (
                        "unsupported_file_type",
                        "the filename needs an extension: pdf, doc, docx, txt or rtf".to_owned(),
                    ),
                    AttachmentProblem::UnsupportedType { extension } => (
                        "unsupported_file_type",
                        format!(
                            "`.{extension}` files are not accepted; use one of pdf, doc, docx, txt, rtf"
                        ),
                    ),
                    _ => unreachable!("allowed_extension only reports filename problems"),
                };
                self.fail(code, format!("{key}.filename"), Some(label), msg);
                continue;
            }
            if filename.chars().count() > MAX_NAME_LEN {
                self.fail(
                    "too_long",
                    format!("{key}.filename"),
                    Some(label),
                    format!("at most {MAX_NAME_LEN} characters"),
                );
                continue;
            }
            let valid = match (&input.content_base64, &input.url) {
                (Some(content), None) => {
                    match attachment::normalize_base64(content, self.limits.max_attachment_bytes) {
                        Ok(file) => ValidAttachment::Content { filename, file },
                        Err(p) => {
                            let (code, msg) = match p {
                                AttachmentProblem::Empty => {
                                    ("empty_file", "the file is empty".to_owned())
                                }
                                AttachmentProblem::TooLarge { limit } => (
                                    "file_too_large",
                                    format!("files may be at most {limit} bytes"),
                                ),
                                _ => (
                                    "invalid_base64",
                                    "content_base64 is not valid base64".to_owned(),
                                ),
                            };
                            self.fail(code, format!("{key}.content_base64"), Some(label), msg);
                            continue;
                        }
                    }
                }
                (None, Some(url)) => match text::fetchable_url(url) {
                    Some(url) => ValidAttachment::Url { filename, url },
                    None => {
                        self.fail(
                            "invalid_url",
                            format!("{key}.url"),
                            Some(label),
                            "an https URL on a named host, without credentials, that Greenhouse can fetch",
                        );
                        continue;
                    }
                },
                _ => {
                    self.fail(
                        "invalid_attachment",
                        key,
                        Some(label),
                        "send exactly one of content_base64 and url",
                    );
                    continue;
                }
            };
            out.attachments.insert(name.clone(), valid);
        }
    }

    fn required(&mut self, out: &ValidApplication) {
        let answered = |f: &FormField| {
            out.answers.contains_key(&f.name)
                || out.eeoc.contains_key(&f.name)
                || out.attachments.contains_key(&f.name)
        };
        let form = self.form;
        for q in form.all_questions() {
            // A field already refused says more than "required" would.
            let refused = |f: &FormField| {
                self.errors.iter().any(|e| {
                    e.field == answer_key(&f.name)
                        || e.field.starts_with(&format!("attachments.{}", f.name))
                })
            };
            if q.required && !q.fields.iter().any(answered) && !q.fields.iter().any(refused) {
                let first = &q.fields.first().map(|f| f.name.clone()).unwrap_or_default();
                let kind = q.fields.first().map(|f| f.kind);
                let field = if kind == Some(FieldKind::File) {
                    format!("attachments.{first}")
                } else {
                    answer_key(first)
                };
                self.fail(
                    "required",
                    field,
                    Some(&q.label),
                    "this question is required",
                );
            }
        }
        // Greenhouse refuses these whatever the form says (API.md §4.7).
        for name in ["first_name", "last_name", "email"] {
            if !out.answers.contains_key(name)
                && !self.errors.iter().any(|e| e.field == answer_key(name))
            {
                self.fail("required", answer_key(name), None, "this field is required");
            }
        }
    }

    fn standard_fields(&mut self, out: &ValidApplication) {
        for name in ["first_name", "last_name", "email", "phone"] {
            let Some(text) = out.text(name) else { continue };
            let label = self.fields.get(name).map(|r| r.question.label.as_str());
            if text.chars().count() > MAX_NAME_LEN {
                self.fail(
                    "too_long",
                    answer_key(name),
                    label,
                    format!("at most {MAX_NAME_LEN} characters"),
                );
            } else if name == "email" {
                if !text::valid_email(text) {
                    self.fail(
                        "invalid_email",
                        answer_key(name),
                        label,
                        "not a valid email address",
                    );
                }
            } else if contains_url(text) {
                self.fail(
                    "url_not_allowed",
                    answer_key(name),
                    label,
                    "must not contain a URL",
                );
            }
        }
    }

    fn location(&mut self, out: &ValidApplication) {
        let parts = ["location", "latitude", "longitude"];
        let given: Vec<&str> = parts
            .into_iter()
            .filter(|p| out.answers.contains_key(*p))
            .collect();
        let form = self.form;
        if form.location_questions.is_empty() || given.is_empty() {
            return;
        }
        for part in parts.into_iter().filter(|p| !given.contains(p)) {
            if self.errors.iter().any(|e| e.field == answer_key(part)) {
                continue;
            }
            self.fail("location_incomplete", answer_key(part), None, "location, latitude and longitude go together: Greenhouse ignores a partial location");
        }
        for (part, bound) in [("latitude", 90.0), ("longitude", 180.0)] {
            if let Some(value) = out.text(part)
                && !text::coordinate(value, bound)
            {
                self.fail(
                    "invalid_coordinate",
                    answer_key(part),
                    None,
                    format!("a plain decimal number between -{bound} and {bound}"),
                );
            }
        }
    }

    fn consent(&mut self, sub: &Submission, out: &mut ValidApplication) {
        let form = self.form;
        let need = &form.data_compliance;
        let given = &sub.data_compliance;
        let mut consent = ConsentInput::default();
        for (required, value, slot, name) in [
            (
                need.processing_consent_required,
                given.gdpr_processing_consent_given,
                &mut consent.gdpr_processing_consent_given,
                "gdpr_processing_consent_given",
            ),
            (
                need.retention_consent_required,
                given.gdpr_retention_consent_given,
                &mut consent.gdpr_retention_consent_given,
                "gdpr_retention_consent_given",
            ),
            (
                need.consent_required,
                given.gdpr_consent_given,
                &mut consent.gdpr_consent_given,
                "gdpr_consent_given",
            ),
        ] {
            if !required {
                continue;
            }
            // Never defaulted: the jobseeker must have ticked it.
            if value != Some(true) {
                self.errors.push(FieldError::new(
                    "consent_required",
                    format!("data_compliance.{name}"),
                    "the employer requires this consent before it can process the application",
                ));
            }
            *slot = value;
        }
        if !out.demographic_answers.is_empty() && need.demographic_data_consent_applies {
            if given.gdpr_demographic_data_consent_given != Some(true) {
                self.errors.push(FieldError::new(
                    "consent_required",
                    "data_compliance.gdpr_demographic_data_consent_given",
                    "demographic answers need the jobseeker's consent to process demographic data",
                ));
            }
            consent.gdpr_demographic_data_consent_given = given.gdpr_demographic_data_consent_given;
        }
        out.consent = consent;
    }

    fn demographics(&mut self, sub: &Submission, out: &mut ValidApplication) {
        let form = self.form;
        let questions = form
            .demographic
            .as_ref()
            .map(|d| d.questions.as_slice())
            .unwrap_or_default();
        let mut seen = BTreeSet::new();
        for (i, answer) in sub.demographic_answers.iter().enumerate() {
            let key = format!("demographic_answers[{i}]");
            let Some(q) = questions.iter().find(|q| q.id == answer.question_id) else {
                self.fail(
                    "unknown_field",
                    format!("{key}.question_id"),
                    None,
                    format!(
                        "this job has no demographic question {}",
                        answer.question_id
                    ),
                );
                continue;
            };
            if !seen.insert(q.id) {
                self.fail(
                    "duplicate_answer",
                    format!("{key}.question_id"),
                    Some(&q.label),
                    "answered twice",
                );
                continue;
            }
            if !q.multiple && answer.answer_options.len() > 1 {
                self.fail(
                    "invalid_type",
                    format!("{key}.answer_options"),
                    Some(&q.label),
                    "this question takes one option",
                );
                continue;
            }
            let mut options = Vec::new();
            for (j, o) in answer.answer_options.iter().enumerate() {
                let okey = format!("{key}.answer_options[{j}]");
                match q.options.iter().find(|opt| opt.id == o.answer_option_id) {
                    None => self.fail(
                        "invalid_option",
                        okey,
                        Some(&q.label),
                        format!(
                            "{} is not one of this question's options",
                            o.answer_option_id
                        ),
                    ),
                    Some(opt) => {
                        let text = o
                            .text
                            .as_deref()
                            .map(text::trim_visible)
                            .filter(|t| !t.is_empty());
                        if options.iter().any(|(id, _)| *id == opt.id) {
                            continue;
                        }
                        if text.is_some_and(|t| text::has_forbidden_control(t, false)) {
                            self.fail(
                                "invalid_characters",
                                format!("{okey}.text"),
                                Some(&q.label),
                                "control characters are not allowed",
                            );
                        } else if text.is_some() && !opt.free_form {
                            self.fail(
                                "text_not_allowed",
                                format!("{okey}.text"),
                                Some(&q.label),
                                "only free-form options take text",
                            );
                        } else if text.is_some_and(|t| t.chars().count() > MAX_NAME_LEN) {
                            self.fail(
                                "too_long",
                                format!("{okey}.text"),
                                Some(&q.label),
                                format!("at most {MAX_NAME_LEN} characters"),
                            );
                        } else {
                            options.push((opt.id, text.map(str::to_owned)));
                        }
                    }
                }
            }
            // An answer naming no option says nothing; Greenhouse need not see it.
            if !options.is_empty() {
                out.demographic_answers.push(ValidDemographicAnswer {
                    question_id: q.id,
                    options,
                });
            }
        }
    }

    /// Education and employment history, with Greenhouse's own rules (API.md §4.2, §4.7).
    fn history(&mut self, sub: &Submission, out: &mut ValidApplication) {
        let date_ok =
            |d: &MonthYear| (1..=12).contains(&d.month) && (1900..=2100).contains(&d.year);
        match self.form.education {
            EducationRequirement::Hidden if !sub.educations.is_empty() => {
                self.errors.push(FieldError::new(
                    "unknown_field",
                    "educations",
                    "this job does not ask for education",
                ));
            }
            EducationRequirement::Required if sub.educations.is_empty() => {
                self.errors.push(FieldError::new(
                    "required",
                    "educations",
                    "this job asks for at least one education entry",
                ));
            }
            _ => {}
        }
        for (i, e) in sub.educations.iter().enumerate() {
            let key = format!("educations[{i}]");
            if [e.school_name_id, e.degree_id, e.discipline_id].contains(&0) {
                self.errors.push(FieldError::new(
                    "invalid_option",
                    key,
                    "school, degree and discipline are ids from the education look-ups",
                ));
            } else if !date_ok(&e.start_date) || !date_ok(&e.end_date) {
                self.errors.push(FieldError::new(
                    "invalid_date",
                    key,
                    "month 1 to 12 and a four-digit year",
                ));
            } else if e.end_date < e.start_date {
                self.errors.push(FieldError::new(
                    "invalid_date",
                    format!("{key}.end_date"),
                    "the end is before the start",
                ));
            } else {
                out.educations.push(e.clone());
            }
        }
        for (i, e) in sub.employments.iter().enumerate() {
            let key = format!("employments[{i}]");
            let company = text::trim_visible(&e.company_name);
            let title = text::trim_visible(&e.title);
            let problem = if company.is_empty() || title.is_empty() {
                Some((
                    "required",
                    key.clone(),
                    "company_name and title are required",
                ))
            } else if company.chars().count() > MAX_NAME_LEN || title.chars().count() > MAX_NAME_LEN
            {
                Some(("too_long", key.clone(), "at most 255 characters"))
            } else if text::has_forbidden_control(company, false)
                || text::has_forbidden_control(title, false)
            {
                Some((
                    "invalid_characters",
                    key.clone(),
                    "control characters are not allowed",
                ))
            } else if !date_ok(&e.start_date) || e.end_date.as_ref().is_some_and(|d| !date_ok(d)) {
                Some((
                    "invalid_date",
                    key.clone(),
                    "month 1 to 12 and a four-digit year",
                ))
            } else {
                match (e.current, e.end_date) {
                    (false, None) => Some((
                        "required",
                        format!("{key}.end_date"),
                        "a past employment needs its end_date",
                    )),
                    (true, Some(_)) => Some((
                        "invalid_date",
                        format!("{key}.end_date"),
                        "a current employment has no end_date",
                    )),
                    (false, Some(end)) if end < e.start_date => Some((
                        "invalid_date",
                        format!("{key}.end_date"),
                        "the end is before the start",
                    )),
                    _ => None,
                }
            };
            match problem {
                Some((code, field, message)) => {
                    self.errors.push(FieldError::new(code, field, message))
                }
                None => out.employments.push(ValidEmployment {
                    company_name: company.to_owned(),
                    title: title.to_owned(),
                    start_date: e.start_date,
                    end_date: e.end_date,
                    current: e.current,
                }),
            }
        }
    }

    fn tracking(&mut self, sub: &Submission, out: &mut ValidApplication) {
        if let Some(token) = sub
            .mapped_url_token
            .as_deref()
            .map(str::trim)
            .filter(|t| !t.is_empty())
        {
            if token.len() > MAX_NAME_LEN || token.contains(char::is_whitespace) {
                self.errors.push(FieldError::new(
                    "invalid_token",
                    "mapped_url_token",
                    "a gh_src token has no spaces and at most 255 characters",
                ));
            } else {
                out.mapped_url_token = Some(token.to_owned());
            }
        }
        if let Some(ip) = sub
            .applicant_ip
            .as_deref()
            .map(str::trim)
            .filter(|t| !t.is_empty())
        {
            match ip.parse::<std::net::IpAddr>() {
                Ok(addr) => out.applicant_ip = Some(addr.to_string()),
                Err(_) => self.errors.push(FieldError::new(
                    "invalid_ip",
                    "applicant_ip",
                    "not an IPv4 or IPv6 address",
                )),
            }
        }
    }
}

/// Validates `sub` against `form`. On success the result holds only what the form asks
/// for, typed as Greenhouse expects it.
pub fn validate(
    form: &ApplicationForm,
    sub: &Submission,
    limits: ValidationLimits,
) -> Result<ValidApplication, Vec<FieldError>> {
    let fields = form
        .fields()
        .map(|(section, question, field)| {
            (
                field.name.as_str(),
                FieldRef {
                    section,
                    question,
                    field,
                },
            )
        })
        .collect();
    let mut checker = Checker {
        form,
        limits,
        errors: Vec::new(),
        fields,
    };
    let mut out = ValidApplication {
        answers: BTreeMap::new(),
        eeoc: BTreeMap::new(),
        attachments: BTreeMap::new(),
        demographic_answers: Vec::new(),
        educations: Vec::new(),
        employments: Vec::new(),
        consent: ConsentInput::default(),
        mapped_url_token: None,
        applicant_ip: None,
    };
    for (field, count, max) in [
        ("answers", sub.answers.len(), MAX_ANSWERS),
        ("attachments", sub.attachments.len(), MAX_ATTACHMENTS),
        (
            "demographic_answers",
            sub.demographic_answers.len(),
            MAX_DEMOGRAPHIC_ANSWERS,
        ),
    ] {
        if count > max {
            checker.errors.push(FieldError::new(
                "too_many_fields",
                field,
                format!("at most {max} entries"),
            ));
        }
    }
    if !checker.errors.is_empty() {
        return Err(checker.errors);
    }
    for (name, value) in &sub.answers {
        checker.answer(name, value, &mut out);
    }
    checker.attachments(sub, &mut out);
    checker.demographics(sub, &mut out);
    checker.history(sub, &mut out);
    checker.required(&out);
    checker.standard_fields(&out);
    checker.location(&out);
    checker.consent(sub, &mut out);
    checker.tracking(sub, &mut out);
    if checker.errors.is_empty() {
        Ok(out)
    } else {
        Err(checker.errors)
    }
}
