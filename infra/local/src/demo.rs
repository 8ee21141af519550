//! The demo: plays an operator and a job board against a running atsi, then shows what
//! Greenhouse (the stand-in) received. It speaks only HTTP and JSON, like a real board.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde_json::{Map, Value, json};
use sha2::{Digest, Sha256};
use std::fmt::Write as _;
use std::path::Path;

/// One employer to register: the board token and the key its stand-in board accepts.
#[derive(Debug, Clone)]
pub struct DemoEmployer {
    pub employer_id: String,
    pub board_token: String,
    pub api_key: String,
}

/// The files a demo jobseeker attaches: Greenhouse's own test DOCX documents.
#[derive(Debug, Clone)]
pub struct DemoFiles {
    pub resume: Vec<u8>,
    pub cover_letter: Vec<u8>,
}

impl DemoFiles {
    pub fn load(recorded_dir: &Path) -> std::io::Result<Self> {
        Ok(Self {
            resume: std::fs::read(recorded_dir.join("greenhouse-tools-php_test_resume.docx"))?,
            cover_letter: std::fs::read(
                recorded_dir.join("greenhouse-tools-php_test_cover_letter.docx"),
            )?,
        })
    }
}

#[derive(Debug, Clone)]
pub struct Delivery {
    pub employer_id: String,
    pub job_id: u64,
    pub status: u16,
    pub response: Value,
    /// What the stand-in recorded for this POST.
    pub received: Option<Value>,
}

#[derive(Debug)]
pub struct DemoError(pub String);

impl std::fmt::Display for DemoError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}
impl std::error::Error for DemoError {}

fn fail(msg: impl Into<String>) -> DemoError {
    DemoError(msg.into())
}

async fn call(
    client: &reqwest::Client,
    method: reqwest::Method,
    url: &str,
    body: Option<&Value>,
) -> Result<(u16, Value), DemoError> {
    let mut req = client.request(method.clone(), url);
    if let Some(b) = body {
        req = req.json(b);
    }
    let resp = req
        .send()
        .await
        .map_err(|e| fail(format!("{method} {url}: {e}")))?;
    let status = resp.status().as_u16();
    let text = resp
        .text()
        .await
        .map_err(|e| fail(format!("{method} {url}: {e}")))?;
    let value = if text.is_empty() {
        Value::Null
    } else {
        serde_json::from_str(&text).unwrap_or(Value::String(text))
    };
    Ok((status, value))
}

fn count_fields(form: &Value) -> usize {
    let questions = |k: &str| form[k].as_array().map_or(0, Vec::len);
    questions("questions")
        + questions("location_questions")
        + form["compliance"].as_array().map_or(0, Vec::len) * 2
        + form["demographic"]["questions"]
            .as_array()
            .map_or(0, Vec::len)
}

fn attachment(filename: &str, bytes: &[u8]) -> Value {
    json!({
        "filename": filename,
        "content_type": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "content_base64": STANDARD.encode(bytes),
    })
}

/// A jobseeker's answers to any form: the standard fields, the DOCX files, the first
/// option of every select (two on multi-selects), text for required text questions,
/// a location, EEOC and demographic answers, and every consent the job asks for.
pub fn fill_form(form: &Value, files: &DemoFiles) -> Value {
    let mut answers = Map::new();
    let mut attachments = Map::new();
    let sections = form["questions"]
        .as_array()
        .into_iter()
        .flatten()
        .chain(form["location_questions"].as_array().into_iter().flatten());
    for q in sections {
        let required = q["required"].as_bool().unwrap_or(false);
        for (i, f) in q["fields"].as_array().into_iter().flatten().enumerate() {
            let name = f["name"].as_str().unwrap_or_default();
            let options: Vec<Value> = f["options"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|o| o["value"].clone())
                .collect();
            let value = match (name, f["kind"].as_str().unwrap_or("text")) {
                ("first_name", _) => json!("Ada"),
                ("last_name", _) => json!("Lovelace"),
                ("email", _) => json!("ada.lovelace@example.com"),
                ("phone", _) => json!("+44 20 7946 0000"),
                ("location", _) => json!("London, United Kingdom"),
                ("latitude", _) => json!("51.5072"),
                ("longitude", _) => json!("-0.1276"),
                ("resume", "file") => {
                    attachments.insert(
                        name.into(),
                        attachment("ada-lovelace-cv.docx", &files.resume),
                    );
                    continue;
                }
                ("cover_letter", "file") => {
                    attachments.insert(
                        name.into(),
                        attachment("cover-letter.docx", &files.cover_letter),
                    );
                    continue;
                }
                (_, "file") if required && i == 0 => {
                    attachments.insert(
                        name.into(),
                        attachment("reference.docx", &files.cover_letter),
                    );
                    continue;
                }
                (_, "single_select") if !options.is_empty() => options[options.len() - 1].clone(),
                (_, "multi_select") if !options.is_empty() => {
                    Value::Array(options.iter().take(2).cloned().collect())
                }
                (_, "text" | "textarea") if required && i == 0 => {
                    json!("Answered by the atsi demo")
                }
                _ => continue,
            };
            answers.insert(name.into(), value);
        }
    }
    for section in form["compliance"].as_array().into_iter().flatten() {
        for q in section["questions"].as_array().into_iter().flatten() {
            if let Some(f) = q["fields"].get(0)
                && let Some(first) = f["options"].get(0)
            {
                answers.insert(
                    f["name"].as_str().unwrap_or_default().into(),
                    first["value"].clone(),
                );
            }
        }
    }
    let mut demographic = Vec::new();
    for q in form["demographic"]["questions"]
        .as_array()
        .into_iter()
        .flatten()
        .take(1)
    {
        if let Some(o) = q["options"].get(0) {
            demographic.push(
                json!({"question_id": q["id"], "answer_options": [{"answer_option_id": o["id"]}]}),
            );
        }
    }
    let need = &form["data_compliance"];
    let mut consent = Map::new();
    for (flag, field) in [
        (
            "processing_consent_required",
            "gdpr_processing_consent_given",
        ),
        ("retention_consent_required", "gdpr_retention_consent_given"),
        ("consent_required", "gdpr_consent_given"),
    ] {
        if need[flag].as_bool() == Some(true) {
            consent.insert(field.into(), json!(true));
        }
    }
    if !demographic.is_empty() && need["demographic_data_consent_applies"].as_bool() == Some(true) {
        consent.insert("gdpr_demographic_data_consent_given".into(), json!(true));
    }
    json!({
        "form_version": form["version"],
        "answers": answers,
        "attachments": attachments,
        "demographic_answers": demographic,
        "data_compliance": consent,
        "mapped_url_token": "totaljobs",
        "applicant_ip": "203.0.113.7",
    })
}

/// Registers each employer (which runs the first sync), picks the job with the richest
/// form, fills it in and submits it, and fetches what the stand-in received.
pub async fn run(
    api: &str,
    standin: &str,
    employers: &[DemoEmployer],
    files: &DemoFiles,
    log: &mut String,
) -> Result<Vec<Delivery>, DemoError> {
    let client = reqwest::Client::new();
    let mut deliveries = Vec::new();
    for e in employers {
        let url = format!("{api}/v1/employers/{}", e.employer_id);
        let (status, body) = call(
            &client,
            reqwest::Method::PUT,
            &url,
            Some(&json!({"board_token": e.board_token, "api_key": e.api_key})),
        )
        .await?;
        if !(200..300).contains(&status) {
            return Err(fail(format!("register {}: {status} {body}", e.employer_id)));
        }
        let sync = &body["first_sync"]["report"];
        let _ = writeln!(
            log,
            "register {:<18} -> {status}  board {:?}, key {}, first sync added {} job(s)",
            e.employer_id,
            body["employer"]["board_name"].as_str().unwrap_or("?"),
            body["employer"]["key_fingerprint"].as_str().unwrap_or("?"),
            sync["added"].as_array().map_or(0, Vec::len)
                + sync["updated"].as_array().map_or(0, Vec::len),
        );
        let (_, jobs) = call(&client, reqwest::Method::GET, &format!("{url}/jobs"), None).await?;
        let mut best: Option<(usize, u64, Value)> = None;
        for job in jobs["jobs"].as_array().into_iter().flatten() {
            let id = job["job_id"].as_u64().unwrap_or_default();
            let (status, form) = call(
                &client,
                reqwest::Method::GET,
                &format!("{url}/jobs/{id}/form"),
                None,
            )
            .await?;
            if status != 200 {
                return Err(fail(format!("form {id}: {status} {form}")));
            }
            let score = count_fields(&form["form"]);
            if best.as_ref().is_none_or(|(s, _, _)| score > *s) {
                best = Some((score, id, form["form"].clone()));
            }
        }
        let Some((_, job_id, form)) = best else {
            return Err(fail(format!("{} has no open jobs", e.employer_id)));
        };
        let _ = writeln!(
            log,
            "  {} open job(s); applying to {job_id} {:?}",
            jobs["jobs"].as_array().map_or(0, Vec::len),
            form["title"].as_str().unwrap_or("")
        );
        let submission = fill_form(&form, files);
        let before = received(&client, standin).await?.len();
        let (status, response) = call(
            &client,
            reqwest::Method::POST,
            &format!("{url}/jobs/{job_id}/applications"),
            Some(&submission),
        )
        .await?;
        let _ = writeln!(log, "  apply -> {status} {response}");
        let after = received(&client, standin).await?;
        deliveries.push(Delivery {
            employer_id: e.employer_id.clone(),
            job_id,
            status,
            response,
            received: after.get(before..).and_then(|new| new.last().cloned()),
        });
    }
    Ok(deliveries)
}

async fn received(client: &reqwest::Client, standin: &str) -> Result<Vec<Value>, DemoError> {
    let (status, body) = call(
        client,
        reqwest::Method::GET,
        &format!("{standin}/_standin/applications"),
        None,
    )
    .await?;
    match body {
        Value::Array(items) if status == 200 => Ok(items),
        other => Err(fail(format!("stand-in records: {status} {other}"))),
    }
}

/// What Greenhouse received, with file bytes summarised and checked against the files
/// the jobseeker attached, and the Authorization header checked against the key.
pub fn describe_received(received: &Value, api_key: &str, files: &DemoFiles) -> String {
    let mut out = String::new();
    let auth = received["authorization"].as_str().unwrap_or("");
    let decoded = auth
        .strip_prefix("Basic ")
        .and_then(|b| STANDARD.decode(b).ok())
        .map(|b| String::from_utf8_lossy(&b).into_owned());
    let auth_ok = decoded.as_deref() == Some(&format!("{api_key}:"));
    let _ = writeln!(
        out,
        "  Greenhouse received POST /v1/boards/{}/jobs/{} -> {}",
        received["board_token"].as_str().unwrap_or("?"),
        received["job_id"],
        received["status"]
    );
    let _ = writeln!(
        out,
        "    Authorization: Basic base64(\"<api key>:\") {}",
        if auth_ok {
            "✓ matches the registered key"
        } else {
            "✗ DOES NOT MATCH"
        }
    );
    let _ = writeln!(
        out,
        "    Content-Type: {}",
        received["content_type"].as_str().unwrap_or("?")
    );
    let mut body = received["body"].as_object().cloned().unwrap_or_default();
    for (key, value) in body.iter_mut() {
        if key.ends_with("_content")
            && let Some(b64) = value.as_str()
        {
            let bytes = STANDARD.decode(b64).unwrap_or_default();
            let same = if bytes == files.resume {
                "identical to the resume DOCX"
            } else if bytes == files.cover_letter {
                "identical to the cover letter DOCX"
            } else {
                "DIFFERENT from the file attached"
            };
            let digest: String = Sha256::digest(&bytes)[..6]
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect();
            *value = Value::String(format!("<{} bytes, sha256 {digest}…, {same}>", bytes.len()));
        }
    }
    let pretty = serde_json::to_string_pretty(&Value::Object(body)).unwrap_or_default();
    for line in pretty.lines() {
        let _ = writeln!(out, "    {line}");
    }
    out
}
