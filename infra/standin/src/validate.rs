//! Greenhouse's server-side checks on an application body (API.md 4.2-4.4, 4.7).
//!
//! Each check returns the message of the 422 answer. Messages name the offending field so a
//! failing test points straight at the client bug. Required custom questions are deliberately
//! not enforced: Greenhouse does not, and a stand-in that did would hide missing client-side
//! checks.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use email_address::{EmailAddress, Options};
use serde_json::{Map, Value};

use crate::education::{EducationKind, EducationLists};

const MAX_LEN: usize = 255;
const FILE_TYPES: [&str; 5] = ["pdf", "doc", "docx", "txt", "rtf"];

pub(crate) fn validate_application(
    job: &Value,
    body: &Map<String, Value>,
    education: &EducationLists,
) -> Result<(), String> {
    for field in ["first_name", "last_name", "email"] {
        required_string(body, field)?;
    }
    if let Some(Value::String(email)) = body.get("email") {
        let options = Options::default()
            .with_required_tld()
            .without_domain_literal()
            .without_display_text();
        if EmailAddress::parse_with_options(email, options).is_err() {
            return Err("email is not a valid email address".to_owned());
        }
    }
    for field in ["first_name", "last_name", "phone"] {
        match body.get(field) {
            None | Some(Value::Null) => {}
            Some(Value::String(text)) => {
                if contains_url(text) {
                    return Err(format!("{field} must not contain a URL"));
                }
            }
            Some(_) => return Err(format!("{field} must be a string")),
        }
    }
    check_attachments(body)?;
    check_selects(job, body)?;
    check_educations(body, education)?;
    check_employments(body)?;
    Ok(())
}

fn required_string(body: &Map<String, Value>, field: &str) -> Result<(), String> {
    match body.get(field) {
        None | Some(Value::Null) => Err(format!("{field} can't be blank")),
        Some(Value::String(text)) if text.trim().is_empty() => {
            Err(format!("{field} can't be blank"))
        }
        Some(Value::String(text)) if text.chars().count() > MAX_LEN => Err(format!(
            "{field} is too long (maximum is {MAX_LEN} characters)"
        )),
        Some(Value::String(_)) => Ok(()),
        Some(_) => Err(format!("{field} must be a string")),
    }
}

/// Matches `http://`, `https://`, `www.` and bare `name.tld/` domains.
pub(crate) fn contains_url(text: &str) -> bool {
    let lower = text.to_ascii_lowercase();
    if ["http://", "https://", "www."]
        .iter()
        .any(|marker| lower.contains(marker))
    {
        return true;
    }
    let bytes = lower.as_bytes();
    bytes.iter().enumerate().any(|(slash, &b)| {
        if b != b'/' {
            return false;
        }
        let before = &bytes[..slash];
        let tld_len = before
            .iter()
            .rev()
            .take_while(|c| c.is_ascii_alphabetic())
            .count();
        if tld_len < 2 {
            return false;
        }
        let rest = &before[..before.len() - tld_len];
        match rest.split_last() {
            Some((b'.', label)) => label
                .last()
                .is_some_and(|c| c.is_ascii_alphanumeric() || *c == b'-'),
            _ => false,
        }
    })
}

fn has_file_type(filename: &str) -> bool {
    filename.rsplit_once('.').is_some_and(|(stem, ext)| {
        !stem.is_empty()
            && FILE_TYPES
                .iter()
                .any(|allowed| ext.eq_ignore_ascii_case(allowed))
    })
}

fn check_filename(body: &Map<String, Value>, key: &str) -> Result<(), String> {
    match body.get(key) {
        None | Some(Value::Null) => Err(format!("{key} is required")),
        Some(Value::String(name)) if has_file_type(name) => Ok(()),
        Some(Value::String(_)) => Err(format!(
            "{key} has an unsupported file type (supported: {})",
            FILE_TYPES.join(", ")
        )),
        Some(_) => Err(format!("{key} must be a string")),
    }
}

fn check_attachments(body: &Map<String, Value>) -> Result<(), String> {
    for (key, value) in body {
        if value.is_null() {
            continue;
        }
        if key.ends_with("_content") {
            let Value::String(encoded) = value else {
                return Err(format!("{key} must be a base64 string"));
            };
            check_filename(body, &format!("{key}_filename"))?;
            // Greenhouse decodes strict base64; these two are the usual encoder slips.
            if encoded.trim_start().starts_with("data:") {
                return Err(format!(
                    "{key} is not valid base64 (a data: URL prefix is not accepted)"
                ));
            }
            if encoded.contains(['\n', '\r']) {
                return Err(format!(
                    "{key} is not valid base64 (line breaks are not accepted)"
                ));
            }
            match STANDARD.decode(encoded) {
                Err(_) => return Err(format!("{key} is not valid base64")),
                Ok(bytes) if bytes.is_empty() => {
                    return Err(format!(
                        "{key} is empty (files must be larger than 0 bytes)"
                    ));
                }
                Ok(_) => {}
            }
        } else if key.ends_with("_url") {
            match value {
                Value::String(url) if url.starts_with("https://") || url.starts_with("http://") => {
                }
                _ => return Err(format!("{key} must be an http(s) URL")),
            }
            check_filename(body, &format!("{key}_filename"))?;
        }
    }
    Ok(())
}

struct SelectField<'a> {
    key: &'a str,
    multi: bool,
    options: Vec<&'a Value>,
}

/// Select fields of the job's custom questions, keyed as they are submitted in JSON.
fn select_fields(job: &Value) -> Vec<SelectField<'_>> {
    let questions = ["questions", "location_questions"]
        .into_iter()
        .filter_map(|section| job.get(section).and_then(Value::as_array))
        .flatten();
    questions
        .filter_map(|question| question.get("fields").and_then(Value::as_array))
        .flatten()
        .filter_map(|field| {
            let name = field.get("name")?.as_str()?;
            let multi = match field.get("type")?.as_str()? {
                "multi_value_single_select" => false,
                "multi_value_multi_select" => true,
                _ => return None,
            };
            // The schema names multi-selects `question_1[]`, but JSON submissions use the bare
            // key (API.md 3.1, 4.4); a `[]` key in JSON is dropped like any unknown key.
            let key = name.strip_suffix("[]").unwrap_or(name);
            if !key.starts_with("question_") {
                return None;
            }
            let options = field
                .get("values")
                .and_then(Value::as_array)
                .map(|values| values.iter().filter_map(|v| v.get("value")).collect())
                .unwrap_or_default();
            Some(SelectField {
                key,
                multi,
                options,
            })
        })
        .collect()
}

fn same_number(a: &serde_json::Number, b: &serde_json::Number) -> bool {
    (a.as_i64().is_some() && a.as_i64() == b.as_i64())
        || (a.as_u64().is_some() && a.as_u64() == b.as_u64())
}

/// An answer matches an option by value; a numeric string matches an integer option because
/// that is how multipart submissions carry it.
fn answer_matches(answer: &Value, option: &Value) -> bool {
    match (answer, option) {
        (Value::Number(a), Value::Number(o)) => same_number(a, o),
        (Value::String(a), Value::Number(o)) => a
            .trim()
            .parse::<serde_json::Number>()
            .is_ok_and(|a| same_number(&a, o)),
        (Value::Number(a), Value::String(o)) => a.to_string() == *o,
        (Value::String(a), Value::String(o)) => a == o,
        _ => false,
    }
}

fn options_list(field: &SelectField<'_>) -> String {
    field
        .options
        .iter()
        .map(|option| option.to_string())
        .collect::<Vec<_>>()
        .join(", ")
}

fn check_selects(job: &Value, body: &Map<String, Value>) -> Result<(), String> {
    for field in select_fields(job) {
        let answer = match body.get(field.key) {
            None | Some(Value::Null) => continue,
            Some(answer) => answer,
        };
        let is_option = |value: &Value| field.options.iter().any(|o| answer_matches(value, o));
        if field.multi {
            let Value::Array(answers) = answer else {
                return Err(format!(
                    "{} must be an array of option values ({})",
                    field.key,
                    options_list(&field)
                ));
            };
            if let Some(bad) = answers.iter().find(|a| !is_option(a)) {
                return Err(format!(
                    "{} contains {bad}, which is not one of its options ({})",
                    field.key,
                    options_list(&field)
                ));
            }
        } else if !is_option(answer) {
            return Err(format!(
                "{} must be one of its option values ({}), got {answer}",
                field.key,
                options_list(&field)
            ));
        }
    }
    Ok(())
}

fn present<'a>(entry: &'a Map<String, Value>, field: &str) -> Option<&'a Value> {
    entry.get(field).filter(|value| !value.is_null())
}

fn as_int(value: &Value) -> Option<i64> {
    match value {
        Value::Number(n) => n.as_i64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

/// `{month, year}` as numbers or numeric strings (the docs' example uses strings).
fn month_index(value: &Value, path: &str) -> Result<i64, String> {
    let month = value.get("month").and_then(as_int);
    let year = value.get("year").and_then(as_int);
    match (month, year) {
        (Some(month), Some(year)) if (1..=12).contains(&month) && year > 0 => {
            Ok(year * 12 + month - 1)
        }
        _ => Err(format!("{path} must have a month (1-12) and a year")),
    }
}

fn check_date_order(entry: &Map<String, Value>, path: &str) -> Result<(), String> {
    let start = present(entry, "start_date")
        .map(|date| month_index(date, &format!("{path}.start_date")))
        .transpose()?;
    let end = present(entry, "end_date")
        .map(|date| month_index(date, &format!("{path}.end_date")))
        .transpose()?;
    if let (Some(start), Some(end)) = (start, end) {
        // Month granularity: a start and end in the same month is a real, short stint.
        if end < start {
            return Err(format!("{path}.end_date must not be before start_date"));
        }
    }
    Ok(())
}

/// An entry of an array field with its path for messages, e.g. `educations[1]`.
type Entry<'a> = (String, &'a Map<String, Value>);

fn entries<'a>(body: &'a Map<String, Value>, key: &str) -> Result<Vec<Entry<'a>>, String> {
    match body.get(key) {
        None | Some(Value::Null) => Ok(Vec::new()),
        Some(Value::Array(items)) => items
            .iter()
            .enumerate()
            .map(|(index, item)| {
                let path = format!("{key}[{index}]");
                match item {
                    Value::Object(entry) => Ok((path, entry)),
                    _ => Err(format!("{path} must be an object")),
                }
            })
            .collect(),
        Some(_) => Err(format!("{key} must be an array")),
    }
}

/// The id fields of an `educations[]` entry and the list each id comes from.
const EDUCATION_IDS: [(&str, EducationKind); 3] = [
    ("school_name_id", EducationKind::Schools),
    ("degree_id", EducationKind::Degrees),
    ("discipline_id", EducationKind::Disciplines),
];

fn check_educations(body: &Map<String, Value>, education: &EducationLists) -> Result<(), String> {
    for (path, entry) in entries(body, "educations")? {
        for field in [
            "school_name_id",
            "degree_id",
            "discipline_id",
            "start_date",
            "end_date",
        ] {
            if present(entry, field).is_none() {
                return Err(format!("{path}.{field} is required"));
            }
        }
        for (field, _) in EDUCATION_IDS {
            if present(entry, field).and_then(as_int).is_none() {
                return Err(format!("{path}.{field} must be an id"));
            }
        }
        for (field, kind) in EDUCATION_IDS {
            let id = present(entry, field).and_then(as_int);
            if !id.is_some_and(|id| education.accepts(kind, id)) {
                return Err(format!("{path}.{field} is not a valid {}", kind.singular()));
            }
        }
        check_date_order(entry, &path)?;
    }
    Ok(())
}

fn check_employments(body: &Map<String, Value>) -> Result<(), String> {
    for (path, entry) in entries(body, "employments")? {
        let current = match present(entry, "current") {
            Some(Value::Bool(current)) => *current,
            Some(Value::String(s)) if s == "true" => true,
            Some(Value::String(s)) if s == "false" => false,
            None => return Err(format!("{path}.current is required")),
            Some(_) => return Err(format!("{path}.current must be true or false")),
        };
        if !current && present(entry, "end_date").is_none() {
            return Err(format!("{path}.end_date is required when current is false"));
        }
        check_date_order(entry, &path)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::education::EducationItem;
    use serde_json::json;

    fn job() -> Value {
        json!({
            "id": 1,
            "questions": [
                {"required": true, "label": "Sponsor", "fields": [
                    {"name": "question_10", "type": "multi_value_single_select",
                     "values": [{"label": "No", "value": 0}, {"label": "Yes", "value": 1}]}]},
                {"required": false, "label": "Langs", "fields": [
                    {"name": "question_11[]", "type": "multi_value_multi_select",
                     "values": [{"label": "EN", "value": 501}, {"label": "DE", "value": 502}]}]},
                {"required": true, "label": "Essay", "fields": [
                    {"name": "question_12", "type": "textarea", "values": []}]}
            ]
        })
    }

    fn valid() -> Map<String, Value> {
        match json!({
            "first_name": "Ada", "last_name": "Lovelace", "email": "ada@example.com",
            "phone": "+44 20 7946 0000",
            "resume_content": "SGVsbG8sIHdvcmxkIQo=", "resume_content_filename": "cv.PDF",
            "question_10": 1, "question_11": [501, 502],
        }) {
            Value::Object(map) => map,
            _ => unreachable!(),
        }
    }

    fn check(edit: impl FnOnce(&mut Map<String, Value>)) -> Result<(), String> {
        let mut body = valid();
        edit(&mut body);
        validate_application(&job(), &body, &EducationLists::default())
    }

    #[test]
    fn accepts_a_valid_application_without_required_custom_answers() {
        assert_eq!(check(|_| {}), Ok(()));
        assert_eq!(check(|b| drop(b.remove("question_10"))), Ok(()));
        assert_eq!(
            check(|b| drop(b.insert("question_10".into(), json!("1")))),
            Ok(())
        );
        assert_eq!(
            check(|b| drop(b.insert("question_99".into(), json!("x")))),
            Ok(())
        );
        assert_eq!(
            check(|b| drop(b.insert("question_11[]".into(), json!(7)))),
            Ok(())
        );
    }

    #[test]
    fn names_and_email() {
        assert_eq!(
            check(|b| drop(b.remove("first_name"))),
            Err("first_name can't be blank".into())
        );
        assert_eq!(
            check(|b| drop(b.insert("last_name".into(), json!("  ")))),
            Err("last_name can't be blank".into())
        );
        assert_eq!(
            check(|b| drop(b.insert("last_name".into(), json!("x".repeat(256))))),
            Err("last_name is too long (maximum is 255 characters)".into())
        );
        assert_eq!(
            check(|b| drop(b.insert("email".into(), json!(42)))),
            Err("email must be a string".into())
        );
        for bad in ["not-an-email", "ada@localhost", "Ada <ada@example.com>"] {
            assert_eq!(
                check(|b| drop(b.insert("email".into(), json!(bad)))),
                Err("email is not a valid email address".into()),
                "{bad}"
            );
        }
    }

    #[test]
    fn url_detection() {
        for text in [
            "http://x",
            "see HTTPS://evil",
            "www.evil",
            "Ada evil.com/cv",
            "go to my-site.io/me",
        ] {
            assert!(contains_url(text), "{text}");
        }
        for text in [
            "Ada",
            "AC/DC",
            "Jr./Sr.",
            "O'Brien-Smith",
            "+1 555/123",
            "a.b",
        ] {
            assert!(!contains_url(text), "{text}");
        }
        assert_eq!(
            check(|b| drop(b.insert("phone".into(), json!("call www.me.com")))),
            Err("phone must not contain a URL".into())
        );
    }

    #[test]
    fn attachments() {
        let set = |key: &'static str, value: Value| {
            move |b: &mut Map<String, Value>| {
                b.insert(key.into(), value);
            }
        };
        assert_eq!(
            check(set("resume_content_filename", json!("cv.exe"))),
            Err("resume_content_filename has an unsupported file type (supported: pdf, doc, docx, txt, rtf)".into())
        );
        assert_eq!(
            check(|b| drop(b.remove("resume_content_filename"))),
            Err("resume_content_filename is required".into())
        );
        assert_eq!(
            check(set("resume_content", json!(""))),
            Err("resume_content is empty (files must be larger than 0 bytes)".into())
        );
        assert_eq!(
            check(set("resume_content", json!("SGVsbG8"))),
            Err("resume_content is not valid base64".into())
        );
        assert_eq!(
            check(set(
                "resume_content",
                json!("data:application/pdf;base64,SGVsbG8=")
            )),
            Err("resume_content is not valid base64 (a data: URL prefix is not accepted)".into())
        );
        assert_eq!(
            check(set("resume_content", json!("SGVs\nbG8="))),
            Err("resume_content is not valid base64 (line breaks are not accepted)".into())
        );
        assert_eq!(
            check(set(
                "cover_letter_url",
                json!("https://files.example.com/cl")
            )),
            Err("cover_letter_url_filename is required".into())
        );
        assert_eq!(
            check(|b| {
                b.insert(
                    "cover_letter_url".into(),
                    json!("https://files.example.com/cl"),
                );
                b.insert("cover_letter_url_filename".into(), json!("cl.docx"));
            }),
            Ok(())
        );
    }

    #[test]
    fn selects() {
        assert_eq!(
            check(|b| drop(b.insert("question_10".into(), json!("Yes")))),
            Err("question_10 must be one of its option values (0, 1), got \"Yes\"".into())
        );
        assert_eq!(
            check(|b| drop(b.insert("question_10".into(), json!([1])))),
            Err("question_10 must be one of its option values (0, 1), got [1]".into())
        );
        assert_eq!(
            check(|b| drop(b.insert("question_11".into(), json!(501)))),
            Err("question_11 must be an array of option values (501, 502)".into())
        );
        assert_eq!(
            check(|b| drop(b.insert("question_11".into(), json!([501, 503])))),
            Err("question_11 contains 503, which is not one of its options (501, 502)".into())
        );
    }

    #[test]
    fn educations_and_employments() {
        let edu = json!({"school_name_id": 1, "degree_id": "2", "discipline_id": 3,
            "start_date": {"month": "9", "year": "2016"}, "end_date": {"month": 6, "year": 2020}});
        assert_eq!(
            check(|b| drop(b.insert("educations".into(), json!([edu])))),
            Ok(())
        );
        let mut missing = edu.clone();
        missing.as_object_mut().map(|m| m.remove("degree_id"));
        assert_eq!(
            check(|b| drop(b.insert("educations".into(), json!([edu, missing])))),
            Err("educations[1].degree_id is required".into())
        );
        let mut reversed = edu.clone();
        reversed["end_date"] = json!({"month": 1, "year": 2015});
        assert_eq!(
            check(|b| drop(b.insert("educations".into(), json!([reversed])))),
            Err("educations[0].end_date must not be before start_date".into())
        );

        let lists = EducationLists {
            degrees: vec![EducationItem {
                id: 2,
                text: "Bachelor's Degree".into(),
            }],
            disciplines: Vec::new(),
            schools: vec![EducationItem {
                id: 4_000_000_001,
                text: "University College Cork".into(),
            }],
        };
        let with_lists = |entry: Value| {
            let mut body = valid();
            body.insert("educations".into(), json!([entry]));
            validate_application(&job(), &body, &lists)
        };
        let mut known = edu.clone();
        known["school_name_id"] = json!("4000000001");
        // Disciplines are not loaded, so any discipline id passes.
        assert_eq!(with_lists(known.clone()), Ok(()));
        assert_eq!(
            with_lists(edu.clone()),
            Err("educations[0].school_name_id is not a valid school".into())
        );
        let mut bad_degree = known.clone();
        bad_degree["degree_id"] = json!(-2);
        assert_eq!(
            with_lists(bad_degree),
            Err("educations[0].degree_id is not a valid degree".into())
        );
        let mut not_an_id = known;
        not_an_id["discipline_id"] = json!("x");
        assert_eq!(
            with_lists(not_an_id),
            Err("educations[0].discipline_id must be an id".into())
        );

        let job = json!({"company_name": "Acme", "title": "Dev",
            "start_date": {"month": 1, "year": 2020}, "current": "true"});
        assert_eq!(
            check(|b| drop(b.insert("employments".into(), json!([job])))),
            Ok(())
        );
        let past = json!({"company_name": "Acme", "title": "Dev",
            "start_date": {"month": 1, "year": 2020}, "current": false});
        assert_eq!(
            check(|b| drop(b.insert("employments".into(), json!([past])))),
            Err("employments[0].end_date is required when current is false".into())
        );
        let vague = json!({"company_name": "Acme", "current": "yes"});
        assert_eq!(
            check(|b| drop(b.insert("employments".into(), json!([vague])))),
            Err("employments[0].current must be true or false".into())
        );
    }
}
