//! The job board's side: open jobs, the form of a job, and delivering an application.

use crate::metrics::{self, Metric};
use crate::register::upstream;
use crate::{ErrorKind, ServiceError, Services, now};
use atsi_domain::form::ApplicationForm;
use atsi_domain::greenhouse::{EducationKind, EducationPage, JobPostId};
use atsi_domain::{EmployerId, Submission, mapping, validate};
use atsi_greenhouse::GreenhouseError;
use atsi_store::{
    ApplicationRecord, ApplicationStatus, CredentialState, Employer, JobRecord, StoreError,
};
use serde::Serialize;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

#[derive(Debug, Clone, Serialize)]
pub struct JobListing {
    pub job_id: JobPostId,
    pub title: String,
    pub location: Option<String>,
    pub updated_at: Option<String>,
    pub absolute_url: Option<String>,
    pub company_name: Option<String>,
    pub language: Option<String>,
    pub application_deadline: Option<String>,
    /// `true` for prospect posts ("general application"), which have no requisition.
    pub prospect: bool,
    pub form_version: String,
}

/// What a board gets back for an application Greenhouse accepted.
#[derive(Debug, Clone, Serialize)]
pub struct ApplyReceipt {
    pub application_id: String,
    pub employer_id: EmployerId,
    pub job_id: JobPostId,
    pub status: ApplicationStatus,
    pub received_at: String,
    pub delivered_at: Option<String>,
    /// True when this answers a repeated idempotency key: nothing was sent again.
    pub replayed: bool,
}

/// An application's state in the ledger, without its answers.
#[derive(Debug, Clone, Serialize)]
pub struct ApplicationView {
    #[serde(flatten)]
    pub receipt: ApplyReceipt,
    pub outcome: Option<String>,
    pub greenhouse_status: Option<u16>,
    pub completed_at: Option<String>,
}

/// Limits an idempotency key so it fits a storage key and a log line.
const MAX_IDEMPOTENCY_KEY_LEN: usize = 128;

impl Services {
    async fn employer(&self, id: &EmployerId) -> Result<Employer, ServiceError> {
        self.employers
            .get(id)
            .await?
            .ok_or_else(ServiceError::employer_not_found)
    }

    async fn job_record(
        &self,
        employer: &EmployerId,
        job_id: JobPostId,
    ) -> Result<JobRecord, ServiceError> {
        self.jobs.get(employer, job_id).await?.ok_or_else(|| {
            ServiceError::new(
                ErrorKind::NotFound,
                "job_not_found",
                format!("employer has no job {job_id}"),
            )
        })
    }

    pub async fn open_jobs(&self, employer: &EmployerId) -> Result<Vec<JobListing>, ServiceError> {
        self.employer(employer).await?;
        let jobs = self.jobs.list_open(employer).await?;
        Ok(jobs
            .into_iter()
            .map(|j| {
                let s = &j.detail.summary;
                JobListing {
                    job_id: j.job_id,
                    title: s.title.clone(),
                    location: s.location.as_ref().and_then(|l| l.name.clone()),
                    updated_at: s.updated_at.clone(),
                    absolute_url: s.absolute_url.clone(),
                    company_name: s.company_name.clone(),
                    language: s.language.clone(),
                    application_deadline: s.application_deadline.clone(),
                    prospect: s.internal_job_id.is_none(),
                    form_version: ApplicationForm::from_job(&j.detail).version,
                }
            })
            .collect())
    }

    /// An education look-up on the employer's board, for the board's school, degree and
    /// discipline pickers.
    pub async fn education(
        &self,
        employer: &EmployerId,
        kind: EducationKind,
        term: Option<&str>,
        page: u32,
    ) -> Result<EducationPage, ServiceError> {
        let employer = self.employer(employer).await?;
        self.greenhouse
            .education(&employer.board_token, kind, term, page)
            .await
            .map_err(upstream)
    }

    /// Where an application stands, for a board that lost the answer (a timeout) or got
    /// `delivery_unconfirmed`. Another employer's application is not found.
    pub async fn application(
        &self,
        employer: &EmployerId,
        application_id: &str,
    ) -> Result<ApplicationView, ServiceError> {
        let record = self
            .ledger
            .get(application_id)
            .await?
            .filter(|r| &r.employer_id == employer);
        let record = record.ok_or_else(|| {
            ServiceError::new(
                ErrorKind::NotFound,
                "application_not_found",
                "no application with this id for this employer",
            )
        })?;
        Ok(ApplicationView {
            receipt: receipt(&record, false),
            outcome: record.outcome,
            greenhouse_status: record.greenhouse_status,
            completed_at: record.completed_at,
        })
    }

    pub async fn form(
        &self,
        employer: &EmployerId,
        job_id: JobPostId,
    ) -> Result<ApplicationForm, ServiceError> {
        let employer = self.employer(employer).await?;
        let job = self.job_record(&employer.id, job_id).await?;
        if !job.is_open() {
            return Err(job_closed(job_id));
        }
        let job = self.fresh(&employer, job).await?;
        Ok(ApplicationForm::from_job(&job.detail))
    }

    /// The job with questions no older than `form_max_age`: an employer who edits a job's
    /// questions between syncs is seen before an application is checked against them. If
    /// Greenhouse cannot be read, the stored copy serves; if the job is gone there, it is
    /// closed here too (once the board is confirmed live).
    async fn fresh(&self, employer: &Employer, job: JobRecord) -> Result<JobRecord, ServiceError> {
        let age_ok = chrono::DateTime::parse_from_rfc3339(&job.fetched_at)
            .ok()
            .and_then(|at| {
                (chrono::Utc::now() - at.with_timezone(&chrono::Utc))
                    .to_std()
                    .ok()
            })
            .is_some_and(|age| age <= self.settings.form_max_age);
        if age_ok {
            return Ok(job);
        }
        let observed_at = crate::now_ms();
        match self.greenhouse.job(&employer.board_token, job.job_id).await {
            Ok(detail) => {
                self.store_open(employer, detail, observed_at).await?;
                Ok(self
                    .jobs
                    .get(&employer.id, job.job_id)
                    .await?
                    .unwrap_or(job))
            }
            Err(GreenhouseError::NotFound { .. })
                if self.greenhouse.board(&employer.board_token).await.is_ok() =>
            {
                self.close(&employer.id, job.job_id, Some(&job), observed_at)
                    .await?;
                Err(job_closed(job.job_id))
            }
            Err(_) => Ok(job),
        }
    }

    /// Validates, records, delivers and records the outcome. Greenhouse is called only for
    /// a valid application to an open job.
    pub async fn apply(
        &self,
        employer_id: &EmployerId,
        job_id: JobPostId,
        submission: &Submission,
        idempotency_key: Option<&str>,
    ) -> Result<ApplyReceipt, ServiceError> {
        let employer = self.employer(employer_id).await?;
        let job = self.job_record(employer_id, job_id).await?;
        let idempotency_key = idempotency_key.map(str::trim).filter(|k| !k.is_empty());
        if let Some(k) = idempotency_key
            && (k.len() > MAX_IDEMPOTENCY_KEY_LEN || k.chars().any(|c| c.is_control()))
        {
            return Err(ServiceError::new(
                ErrorKind::BadRequest,
                "invalid_idempotency_key",
                format!(
                    "Idempotency-Key must be 1 to {MAX_IDEMPOTENCY_KEY_LEN} printable characters"
                ),
            )
            .field("Idempotency-Key"));
        }
        // The key names one application: the same key for another job, or other answers,
        // is another application, not a retry.
        let payload_digest = digest(&json!({"job_id": job_id, "submission": submission}));
        // A repeated key is settled before anything else, so that its first outcome stands
        // even if the job's questions changed since.
        let mut retry_of = None;
        if let Some(key) = idempotency_key
            && let Some(existing) = self
                .ledger
                .find_by_idempotency_key(employer_id, key)
                .await?
        {
            match settle_repeat(existing, &payload_digest)? {
                Repeat::Replay(receipt) => return Ok(receipt),
                Repeat::Resend(record) => retry_of = Some(record),
            }
        }
        if !job.is_open() {
            self.metrics.count(Metric::ApplicationsReceived, 1);
            self.metrics.count(Metric::ApplicationsRejected, 1);
            self.record_refusal(&employer, job_id, "job_closed", json!({}))
                .await?;
            return Err(job_closed(job_id));
        }
        self.metrics.count(Metric::ApplicationsReceived, 1);
        let job = match self.fresh(&employer, job).await {
            Ok(job) => job,
            Err(e) => {
                if e.code == "job_closed" {
                    self.metrics.count(Metric::ApplicationsRejected, 1);
                }
                return Err(e);
            }
        };
        if !job.is_open() {
            self.metrics.count(Metric::ApplicationsRejected, 1);
            return Err(job_closed(job_id));
        }
        let form = ApplicationForm::from_job(&job.detail);
        if let Some(v) = &submission.form_version
            && *v != form.version
        {
            return Err(ServiceError::new(
                ErrorKind::Conflict,
                "form_outdated",
                "the employer changed this job's questions; show the jobseeker the current form",
            )
            .field("form_version")
            .details(json!({ "form": form })));
        }
        let valid = match validate::validate(&form, submission, self.settings.limits) {
            Ok(v) => v,
            Err(errors) => {
                // Bounded, so that a hostile submission cannot grow the ledger.
                const KEPT: usize = 100;
                let detail = json!({
                    "answer_keys": submission.answers.keys().take(KEPT).collect::<Vec<_>>(),
                    "attachment_keys": submission.attachments.keys().take(KEPT).collect::<Vec<_>>(),
                    "error_codes": errors.iter().take(KEPT).map(|e| json!({"field": e.field, "code": e.code})).collect::<Vec<_>>(),
                });
                self.metrics.count(Metric::ApplicationsRejected, 1);
                self.record_refusal(&employer, job_id, "validation_failed", detail)
                    .await?;
                return Err(ServiceError::invalid(errors));
            }
        };
        let body = mapping::greenhouse_body(&valid);
        if let Some(failed) = retry_of {
            let record = self.claim_retry(failed).await?;
            return self.deliver(&employer, record, &body).await;
        }
        let record = ApplicationRecord {
            id: uuid::Uuid::now_v7().to_string(),
            employer_id: employer_id.clone(),
            job_id,
            board_token: employer.board_token.clone(),
            idempotency_key: idempotency_key.map(str::to_owned),
            received_at: now(),
            status: ApplicationStatus::Pending,
            attempt: 1,
            attempt_at: Some(now()),
            completed_at: None,
            outcome: None,
            greenhouse_status: None,
            payload: ledger_payload(&valid),
            payload_sha256: Some(payload_digest.clone()),
            expires_at: self.expiry(),
        };
        match self.ledger.create(&record).await {
            Ok(()) => {
                tracing::info!(
                    employer_id = %employer.id, job_id, application_id = %record.id,
                    outcome = "received", "application received"
                );
            }
            // Another request with the same key got there first.
            Err(StoreError::AlreadyExists) => {
                let key = idempotency_key.unwrap_or_default();
                let Some(existing) = self
                    .ledger
                    .find_by_idempotency_key(employer_id, key)
                    .await?
                else {
                    return Err(ServiceError::new(
                        ErrorKind::Internal,
                        "ledger_conflict",
                        "the ledger refused the record; try again",
                    ));
                };
                return match settle_repeat(existing, &payload_digest)? {
                    Repeat::Replay(receipt) => Ok(receipt),
                    Repeat::Resend(failed) => {
                        let record = self.claim_retry(failed).await?;
                        self.deliver(&employer, record, &body).await
                    }
                };
            }
            Err(e) => return Err(e.into()),
        }
        self.deliver(&employer, record, &body).await
    }

    /// Claims a failed application for one more attempt, by a conditional write: of
    /// concurrent retries exactly one resends, the others see it in progress.
    async fn claim_retry(
        &self,
        earlier: ApplicationRecord,
    ) -> Result<ApplicationRecord, ServiceError> {
        let expected = (earlier.status, earlier.attempt);
        let mut again = earlier;
        again.status = ApplicationStatus::Pending;
        again.outcome = None;
        again.attempt += 1;
        again.attempt_at = Some(now());
        match self.ledger.update(&again, expected).await {
            Ok(()) => Ok(again),
            Err(StoreError::Conflict) => Err(in_progress()),
            Err(e) => Err(e.into()),
        }
    }

    async fn deliver(
        &self,
        employer: &Employer,
        mut record: ApplicationRecord,
        body: &serde_json::Map<String, Value>,
    ) -> Result<ApplyReceipt, ServiceError> {
        let job_id = record.job_id;
        // From here the record is pending: every way out settles it, so that a retry with
        // the same key is never told "in progress" for good.
        let key = match self.secrets.get(&employer.key_ref).await {
            Ok(key) => key,
            Err(e) => {
                record.status = ApplicationStatus::Failed;
                record.outcome = Some("not_sent".into());
                self.finish_logged(&mut record).await;
                self.metrics.count(Metric::ApplicationsFailed, 1);
                return Err(ServiceError::from(e).details(json!({"application_id": record.id})));
            }
        };
        let Some(key) = key else {
            record.status = ApplicationStatus::Failed;
            record.outcome = Some("credentials_missing".into());
            self.finish_logged(&mut record).await;
            self.metrics.count(Metric::ApplicationsFailed, 1);
            return Err(ServiceError::new(
                ErrorKind::Upstream { retryable: false },
                "employer_credentials_missing",
                "the employer's Greenhouse key is not on file; the operator must register it again",
            ));
        };
        let started = std::time::Instant::now();
        let result = self
            .greenhouse
            .submit(&employer.board_token, job_id, &key, body)
            .await;
        self.metrics.latency(started.elapsed().as_millis());
        self.metrics
            .greenhouse_response(metrics::response_class(&result.as_ref().map(|_| ())));
        let (status, outcome, error) = match result {
            Ok(ok) => {
                record.greenhouse_status = Some(ok.status);
                (ApplicationStatus::Delivered, "delivered", None)
            }
            Err(e) => {
                let (status, outcome, error) = self.delivery_failure(employer, job_id, e).await;
                (status, outcome, Some(error))
            }
        };
        record.status = status;
        record.outcome = Some(outcome.to_owned());
        // Greenhouse has answered: its answer is what the board gets, even if the ledger
        // cannot be written now (the attempt is then taken over on a retry, after a while).
        self.finish_logged(&mut record).await;
        if status == ApplicationStatus::Delivered
            && matches!(employer.credentials, CredentialState::Invalid { .. })
        {
            // Greenhouse took the key again (the 401 was passing, or the employer restored
            // the key): the employer is healthy.
            let key_ref = employer.key_ref.clone();
            let restored = self
                .update_employer(&employer.id, |e| {
                    if e.key_ref == key_ref {
                        e.credentials = CredentialState::Valid;
                        e.last_error = None;
                    }
                })
                .await;
            if let Err(e) = restored {
                tracing::warn!(employer_id = %employer.id, code = e.code, "credentials state not restored");
            }
        }
        self.metrics.count(
            match status {
                ApplicationStatus::Delivered => Metric::ApplicationsDelivered,
                ApplicationStatus::Rejected => Metric::ApplicationsRejected,
                _ => Metric::ApplicationsFailed,
            },
            1,
        );
        tracing::info!(
            employer_id = %employer.id, board = %employer.board_token, job_id,
            application_id = %record.id, outcome, "application settled"
        );
        match error {
            None => Ok(receipt(&record, false)),
            Some(e) => Err(e.details(json!({"application_id": record.id}))),
        }
    }

    async fn delivery_failure(
        &self,
        employer: &Employer,
        job_id: JobPostId,
        e: GreenhouseError,
    ) -> (ApplicationStatus, &'static str, ServiceError) {
        match e {
            GreenhouseError::InvalidKey => {
                self.metrics.count(Metric::CredentialsInvalid, 1);
                if let Err(e) = self.mark_credentials_invalid(employer).await {
                    tracing::warn!(employer_id = %employer.id, code = e.code, "credentials state not recorded");
                }
                (
                    ApplicationStatus::Failed,
                    "invalid_key",
                    ServiceError::new(
                        ErrorKind::Upstream { retryable: false },
                        "employer_credentials_invalid",
                        "Greenhouse refused the employer's API key; the operator has been told",
                    ),
                )
            }
            GreenhouseError::NotFound { .. } => {
                // Greenhouse no longer takes applications for the job; close it once the
                // board itself is confirmed, since an unknown board answers the same 404.
                if self.greenhouse.board(&employer.board_token).await.is_ok() {
                    let closed = match self.jobs.get(&employer.id, job_id).await {
                        Ok(stored) => self
                            .close(&employer.id, job_id, stored.as_ref(), crate::now_ms())
                            .await
                            .map(|_| ()),
                        Err(e) => Err(e.into()),
                    };
                    if let Err(e) = closed {
                        tracing::warn!(employer_id = %employer.id, job_id, code = e.code, "job not closed");
                    }
                }
                (
                    ApplicationStatus::Rejected,
                    "job_not_live",
                    job_closed(job_id),
                )
            }
            GreenhouseError::Rejected { status, reason } => (
                ApplicationStatus::Rejected,
                "greenhouse_rejected",
                ServiceError::new(
                    ErrorKind::Invalid,
                    "greenhouse_rejected",
                    format!("Greenhouse refused the application ({status}): {reason}"),
                ),
            ),
            GreenhouseError::Transient {
                maybe_delivered: false,
                ..
            } => (
                ApplicationStatus::Failed,
                "greenhouse_unavailable",
                upstream(GreenhouseError::Transient {
                    status: None,
                    reason: String::new(),
                    maybe_delivered: false,
                }),
            ),
            GreenhouseError::Transient {
                maybe_delivered: true,
                ..
            } => (
                ApplicationStatus::Failed,
                "greenhouse_timeout",
                // Greenhouse may or may not hold it, and offers no way to ask. Losing the
                // application is worse than a possible second candidate (which Greenhouse
                // shows the recruiter under the same email), so the board may retry with
                // the same key: atsi then resends once.
                ServiceError::new(
                    ErrorKind::Upstream { retryable: true },
                    "greenhouse_timeout",
                    "Greenhouse did not answer in time; retry with the same Idempotency-Key",
                ),
            ),
            GreenhouseError::Malformed { .. } => (
                ApplicationStatus::Failed,
                "delivery_unconfirmed",
                // A 2xx that is not Greenhouse's answer: something between is broken, and
                // retrying blindly would not help.
                ServiceError::new(
                    ErrorKind::Upstream { retryable: false },
                    "delivery_unconfirmed",
                    "Greenhouse did not confirm the application; atsi recorded it for the operator to check",
                ),
            ),
        }
    }

    async fn mark_credentials_invalid(&self, employer: &Employer) -> Result<(), ServiceError> {
        // A warm function must not keep using the refused key.
        self.secrets.invalidate(&employer.key_ref);
        let since = now();
        self.update_employer(&employer.id, |e| {
            // Only the key Greenhouse refused: a rotation meanwhile brought a new one.
            if e.key_ref == employer.key_ref {
                e.credentials = CredentialState::Invalid {
                    since: since.clone(),
                };
                e.last_error = Some("Greenhouse refused the API key (401)".into());
            }
        })
        .await?;
        tracing::warn!(employer_id = %employer.id, "employer credentials invalid");
        Ok(())
    }

    /// Settles the record; a ledger failure is logged for the operator, not returned, as
    /// the answer the board gets is already decided.
    async fn finish_logged(&self, record: &mut ApplicationRecord) {
        if let Err(e) = self.finish(record).await {
            tracing::error!(application_id = %record.id, code = e.code, outcome = "ledger_not_updated", "application outcome not recorded");
        }
    }

    async fn finish(&self, record: &mut ApplicationRecord) -> Result<(), ServiceError> {
        record.completed_at = Some(now());
        self.ledger
            .update(record, (ApplicationStatus::Pending, record.attempt))
            .await?;
        Ok(())
    }

    /// Refused before delivery: recorded without the answers themselves.
    async fn record_refusal(
        &self,
        employer: &Employer,
        job_id: JobPostId,
        outcome: &str,
        detail: Value,
    ) -> Result<(), ServiceError> {
        let stamp = now();
        let record = ApplicationRecord {
            id: uuid::Uuid::now_v7().to_string(),
            employer_id: employer.id.clone(),
            job_id,
            board_token: employer.board_token.clone(),
            idempotency_key: None,
            received_at: stamp.clone(),
            status: ApplicationStatus::Rejected,
            attempt: 0,
            attempt_at: None,
            completed_at: Some(stamp),
            outcome: Some(outcome.to_owned()),
            greenhouse_status: None,
            payload: match detail {
                Value::Object(m) => m,
                _ => Default::default(),
            },
            payload_sha256: None,
            expires_at: self.expiry(),
        };
        self.ledger.create(&record).await?;
        tracing::info!(
            employer_id = %employer.id, board = %employer.board_token, job_id,
            application_id = %record.id, outcome, "application refused"
        );
        Ok(())
    }

    fn expiry(&self) -> i64 {
        chrono::Utc::now().timestamp() + self.settings.ledger_retention_days * 86_400
    }
}

enum Repeat {
    Replay(ApplyReceipt),
    Resend(ApplicationRecord),
}

/// A second submission with a known idempotency key: the same application gets the first
/// answer, or is sent again only if Greenhouse was unavailable or slow.
fn settle_repeat(existing: ApplicationRecord, digest: &str) -> Result<Repeat, ServiceError> {
    if existing.payload_sha256.as_deref() != Some(digest) {
        return Err(ServiceError::new(
            ErrorKind::Conflict,
            "idempotency_key_reused",
            "this Idempotency-Key was used for a different application",
        )
        .field("Idempotency-Key"));
    }
    match (existing.status, existing.outcome.as_deref()) {
        (ApplicationStatus::Delivered, _) => Ok(Repeat::Replay(receipt(&existing, true))),
        (
            ApplicationStatus::Failed,
            Some("greenhouse_unavailable" | "greenhouse_timeout" | "not_sent"),
        ) => Ok(Repeat::Resend(existing)),
        // An attempt that never finished (the function was stopped mid-way): after far
        // longer than any invocation may run, it is taken over rather than left pending.
        (ApplicationStatus::Pending, _) if attempt_abandoned(&existing) => {
            Ok(Repeat::Resend(existing))
        }
        (ApplicationStatus::Pending, _) => Err(in_progress()),
        (_, outcome) => Err(ServiceError::new(
            ErrorKind::Conflict,
            "application_already_settled",
            format!(
                "this application already ended as `{}`",
                outcome.unwrap_or("unknown")
            ),
        )
        .details(json!({"application_id": existing.id}))),
    }
}

fn receipt(r: &ApplicationRecord, replayed: bool) -> ApplyReceipt {
    ApplyReceipt {
        application_id: r.id.clone(),
        employer_id: r.employer_id.clone(),
        job_id: r.job_id,
        status: r.status,
        received_at: r.received_at.clone(),
        delivered_at: (r.status == ApplicationStatus::Delivered)
            .then(|| r.completed_at.clone())
            .flatten(),
        replayed,
    }
}

/// Longer than API Gateway (30 s) and the function (29 s) let any attempt run.
const ABANDONED_AFTER_SECS: i64 = 120;

fn attempt_abandoned(record: &ApplicationRecord) -> bool {
    let started = record.attempt_at.as_deref().unwrap_or(&record.received_at);
    chrono::DateTime::parse_from_rfc3339(started)
        .map(|at| {
            (chrono::Utc::now() - at.with_timezone(&chrono::Utc)).num_seconds()
                > ABANDONED_AFTER_SECS
        })
        .unwrap_or(true)
}

/// What the ledger keeps of a valid application: no file content, texts cut short, and
/// only the keys when even that is large, so a record always fits a DynamoDB item.
fn ledger_payload(valid: &atsi_domain::ValidApplication) -> serde_json::Map<String, Value> {
    const MAX_TEXT: usize = 1_000;
    const MAX_BYTES: usize = 100_000;
    let mut copy = mapping::ledger_copy(valid);
    for value in copy.values_mut() {
        if let Value::String(text) = value
            && text.chars().count() > MAX_TEXT
        {
            *value = json!({"truncated": true, "chars": text.chars().count(), "start": text.chars().take(MAX_TEXT).collect::<String>()});
        }
    }
    if Value::Object(copy.clone()).to_string().len() > MAX_BYTES {
        let keys: Vec<&String> = copy.keys().collect();
        return json!({"omitted": "too large", "keys": keys})
            .as_object()
            .cloned()
            .unwrap_or_default();
    }
    copy
}

fn in_progress() -> ServiceError {
    ServiceError::new(
        ErrorKind::Conflict,
        "application_in_progress",
        "this application is being delivered; ask again in a few seconds",
    )
}

fn job_closed(job_id: JobPostId) -> ServiceError {
    ServiceError::new(
        ErrorKind::Gone,
        "job_closed",
        format!("job {job_id} no longer takes applications"),
    )
}

fn digest(v: &Value) -> String {
    // Keys sorted at every level: the same application spelled in another key order is
    // the same application.
    fn canonical(v: &Value, out: &mut String) {
        match v {
            Value::Object(map) => {
                let mut keys: Vec<&String> = map.keys().collect();
                keys.sort();
                out.push('{');
                for (i, k) in keys.into_iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    out.push_str(&Value::from(k.as_str()).to_string());
                    out.push(':');
                    canonical(&map[k], out);
                }
                out.push('}');
            }
            Value::Array(items) => {
                out.push('[');
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    canonical(item, out);
                }
                out.push(']');
            }
            other => out.push_str(&other.to_string()),
        }
    }
    let mut text = String::new();
    canonical(v, &mut text);
    Sha256::digest(text.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}
