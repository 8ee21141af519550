//! A validated application as Greenhouse's JSON POST body (API.md §4.2–4.4).

use crate::submission::MonthYear;
use crate::validate::{ValidAnswer, ValidApplication, ValidAttachment};
use serde_json::{Map, Value, json};

/// The POST body for `POST /v1/boards/{token}/jobs/{id}`, JSON flavour: multi-selects
/// as arrays under the bare key, selects as the option's own value, files as
/// `<field>_content` + `<field>_content_filename`.
pub fn greenhouse_body(app: &ValidApplication) -> Map<String, Value> {
    let mut body = Map::new();
    for (name, answer) in &app.answers {
        let value = match answer {
            ValidAnswer::Text(t) => Value::from(t.clone()),
            ValidAnswer::Select(v) => v.to_json(),
            ValidAnswer::MultiSelect(vs) => Value::Array(vs.iter().map(|v| v.to_json()).collect()),
        };
        body.insert(name.clone(), value);
    }
    for (name, value) in &app.eeoc {
        body.insert(name.clone(), value.to_json());
    }
    for (name, attachment) in &app.attachments {
        match attachment {
            ValidAttachment::Content { filename, file } => {
                body.insert(format!("{name}_content"), Value::from(file.base64.clone()));
                body.insert(
                    format!("{name}_content_filename"),
                    Value::from(filename.clone()),
                );
            }
            ValidAttachment::Url { filename, url } => {
                body.insert(format!("{name}_url"), Value::from(url.clone()));
                body.insert(
                    format!("{name}_url_filename"),
                    Value::from(filename.clone()),
                );
            }
        }
    }
    if !app.demographic_answers.is_empty() {
        let answers: Vec<Value> = app
            .demographic_answers
            .iter()
            .map(|a| {
                let options: Vec<Value> = a
                    .options
                    .iter()
                    .map(|(id, text)| match text {
                        Some(t) => json!({"answer_option_id": id, "text": t}),
                        None => json!({"answer_option_id": id}),
                    })
                    .collect();
                json!({"question_id": a.question_id, "answer_options": options})
            })
            .collect();
        body.insert("demographic_answers".into(), Value::Array(answers));
    }
    let month_year = |d: &MonthYear| json!({"month": d.month, "year": d.year});
    if !app.educations.is_empty() {
        let entries: Vec<Value> = app
            .educations
            .iter()
            .map(|e| {
                json!({
                    "school_name_id": e.school_name_id, "degree_id": e.degree_id,
                    "discipline_id": e.discipline_id,
                    "start_date": month_year(&e.start_date), "end_date": month_year(&e.end_date),
                })
            })
            .collect();
        body.insert("educations".into(), Value::Array(entries));
    }
    if !app.employments.is_empty() {
        let entries: Vec<Value> = app
            .employments
            .iter()
            .map(|e| {
                let mut entry = json!({
                    "company_name": e.company_name, "title": e.title,
                    "start_date": month_year(&e.start_date), "current": e.current,
                });
                if let Some(end) = &e.end_date {
                    entry["end_date"] = month_year(end);
                }
                entry
            })
            .collect();
        body.insert("employments".into(), Value::Array(entries));
    }
    let consent = &app.consent;
    let mut compliance = Map::new();
    for (name, value) in [
        (
            "gdpr_processing_consent_given",
            consent.gdpr_processing_consent_given,
        ),
        (
            "gdpr_retention_consent_given",
            consent.gdpr_retention_consent_given,
        ),
        ("gdpr_consent_given", consent.gdpr_consent_given),
        (
            "gdpr_demographic_data_consent_given",
            consent.gdpr_demographic_data_consent_given,
        ),
    ] {
        if let Some(v) = value {
            compliance.insert(name.into(), Value::Bool(v));
        }
    }
    if !compliance.is_empty() {
        body.insert("data_compliance".into(), Value::Object(compliance));
    }
    if let Some(token) = &app.mapped_url_token {
        body.insert("mapped_url_token".into(), Value::from(token.clone()));
    }
    if let Some(ip) = &app.applicant_ip {
        body.insert("applicant_ip".into(), Value::from(ip.clone()));
    }
    body
}

/// The same body with file contents replaced by their size and digest: what the ledger
/// keeps, since applicants' files must not be stored beyond delivery.
pub fn ledger_copy(app: &ValidApplication) -> Map<String, Value> {
    let mut body = greenhouse_body(app);
    for (name, attachment) in &app.attachments {
        if let ValidAttachment::Content { file, .. } = attachment {
            body.insert(
                format!("{name}_content"),
                json!({"omitted": true, "size": file.size, "sha256": file.sha256}),
            );
        }
    }
    body
}
