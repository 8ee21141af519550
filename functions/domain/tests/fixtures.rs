//! Every recorded Greenhouse response and every fixture board parses into the domain
//! model, builds a form, and survives the round trip through storage.

use atsi_domain::form::{ApplicationForm, FieldKind};
use atsi_domain::greenhouse::{JobDetail, JobList, OptionValue};
use serde_json::Value;
use std::path::PathBuf;

fn fixtures() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../infra/fixtures")
}

fn read(rel: &str) -> Value {
    serde_json::from_slice(&std::fs::read(fixtures().join(rel)).unwrap()).unwrap()
}

fn board_jobs(token: &str) -> Vec<JobDetail> {
    let board = read(&format!("boards/{token}.json"));
    serde_json::from_value(board["jobs"].clone()).unwrap()
}

fn field<'a>(form: &'a ApplicationForm, name: &str) -> &'a atsi_domain::form::FormField {
    form.fields()
        .map(|(_, _, f)| f)
        .find(|f| f.name == name)
        .unwrap_or_else(|| panic!("no field {name}"))
}

#[test]
fn every_recorded_file_parses() {
    let mut parsed = 0;
    for entry in std::fs::read_dir(fixtures().join("recorded")).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "json") {
            continue;
        }
        let value: Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
        if value.get("jobs").is_some() {
            let list: JobList = serde_json::from_value(value).unwrap();
            assert_eq!(list.jobs[0].id, 127_817, "{}", path.display());
            assert_eq!(list.jobs[0].requisition_id.as_deref(), Some("50"));
        } else {
            let job: JobDetail =
                serde_json::from_value(value).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            let form = ApplicationForm::from_job(&job);
            assert!(!form.questions.is_empty(), "{}", path.display());
            assert!(form.fields().all(|(_, _, f)| !f.name.ends_with("[]")));
        }
        parsed += 1;
    }
    assert_eq!(parsed, 7, "every recorded JSON file is covered");
}

#[test]
fn recorded_multiselect_name_loses_its_suffix() {
    let job: JobDetail = serde_json::from_value(read(
        "recorded/greenhouse-tools-php_single_job_response_with_multiselect_required.json",
    ))
    .unwrap();
    let raw = job
        .questions
        .iter()
        .flat_map(|q| &q.fields)
        .find(|f| f.name.ends_with("[]"))
        .expect("fixture has a [] field");
    let form = ApplicationForm::from_job(&job);
    let f = field(&form, raw.name.trim_end_matches("[]"));
    assert_eq!(f.kind, FieldKind::MultiSelect);
    assert!(!f.options.is_empty());
}

#[test]
fn recorded_content_is_unescaped_once() {
    let job: JobDetail =
        serde_json::from_value(read("recorded/api-docs_retrieve_job_questions.json")).unwrap();
    let html = job.content_html().unwrap();
    // Greenhouse's docs example double-escapes: one pass leaves entities, never markup.
    assert!(html.contains("&lt;p&gt;Any HTML"), "{html}");
    assert!(!html.contains("<p>"));
}

#[test]
fn northwind_board_keeps_its_shapes() {
    let jobs = board_jobs("northwindtraders");
    assert_eq!(jobs.len(), 6);
    let rust = &jobs[0];
    let form = ApplicationForm::from_job(rust);
    let langs = field(&form, "question_7100000003");
    assert_eq!(langs.kind, FieldKind::MultiSelect);
    assert_eq!(langs.options[0].value, OptionValue::Int(9_100_000_001));
    assert_eq!(form.location_questions.len(), 3);
    assert!(
        form.data_compliance.processing_consent_required
            && form.data_compliance.retention_consent_required
    );
    assert!(!form.data_compliance.consent_required);
    assert_eq!(form.data_compliance.retention_period_days, Some(365));
    let html = form.content_html.unwrap();
    assert!(
        html.contains('<') && !html.contains("&lt;p&gt;"),
        "escaped once by Greenhouse, unescaped once here"
    );
    let prospect = jobs
        .iter()
        .find(|j| j.summary.title == "General Application")
        .unwrap();
    assert_eq!(prospect.summary.internal_job_id, None);
    // Two posts of one job share an internal id but are separate posts.
    assert_eq!(
        jobs[3].summary.internal_job_id,
        jobs[4].summary.internal_job_id
    );
    assert_ne!(jobs[3].summary.id, jobs[4].summary.id);
    let legacy = ApplicationForm::from_job(&jobs[1]);
    assert!(legacy.data_compliance.consent_required);
    assert_eq!(
        field(&legacy, "question_7100000013").kind,
        FieldKind::Hidden
    );
}

#[test]
fn acme_board_keeps_its_shapes() {
    let jobs = board_jobs("acmeanvils");
    let sre = &jobs[0];
    assert!(sre.summary.id > u64::from(u32::MAX));
    let form = ApplicationForm::from_job(sre);
    assert_eq!(
        field(&form, "gender").options[0].value,
        OptionValue::Str("1".into())
    );
    let demo = form.demographic.as_ref().unwrap();
    assert!(demo.questions.iter().any(|q| q.multiple));
    assert!(
        demo.questions
            .iter()
            .flat_map(|q| &q.options)
            .any(|o| o.free_form)
    );
    assert!(form.data_compliance.demographic_data_consent_applies);
    assert!(!form.pay_ranges.is_empty());
    let kinds: Vec<&str> = sre
        .summary
        .metadata
        .iter()
        .map(|m| match m.value {
            Value::String(_) => "string",
            Value::Bool(_) => "bool",
            Value::Number(_) => "number",
            Value::Array(_) => "array",
            Value::Null => "null",
            Value::Object(_) => "object",
        })
        .collect();
    assert!(
        kinds.len() >= 2 && kinds.iter().any(|k| *k != "string"),
        "metadata of several types: {kinds:?}"
    );
    let ae = ApplicationForm::from_job(&jobs[1]);
    let reference = field(&ae, "question_30000000013");
    assert_eq!(reference.kind, FieldKind::File);
    assert!(
        ae.questions
            .iter()
            .any(|q| q.required && q.fields[0].name == "question_30000000013")
    );
}

#[test]
fn jobs_survive_the_storage_round_trip_and_versions_are_stable() {
    for token in ["northwindtraders", "acmeanvils"] {
        for job in board_jobs(token) {
            let stored = serde_json::to_vec(&job).unwrap();
            let back: JobDetail = serde_json::from_slice(&stored).unwrap();
            assert_eq!(back, job);
            assert_eq!(
                ApplicationForm::from_job(&back).version,
                ApplicationForm::from_job(&job).version
            );
        }
    }
}

#[test]
fn form_version_changes_with_questions_not_with_prose() {
    let job = board_jobs("northwindtraders").remove(0);
    let base = ApplicationForm::from_job(&job).version;
    let mut reworded = job.clone();
    reworded.content = Some("&lt;p&gt;New description&lt;/p&gt;".into());
    assert_eq!(ApplicationForm::from_job(&reworded).version, base);
    let mut stricter = job.clone();
    stricter.questions[3].required = true;
    assert_ne!(ApplicationForm::from_job(&stricter).version, base);
}
