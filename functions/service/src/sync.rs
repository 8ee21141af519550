//! Pulls an employer's published jobs and their questions from Greenhouse.

use crate::metrics::Metric;
use crate::register::upstream;
use crate::{ServiceError, Services, now, now_ms};
use atsi_domain::EmployerId;
use atsi_domain::greenhouse::{JobDetail, JobPostId};
use atsi_domain::sync_plan::{self, KnownJob};
use atsi_greenhouse::GreenhouseError;
use atsi_store::{Employer, JobRecord, JobStatus, StoreError, SyncOutcome};
use serde::Serialize;

#[derive(Debug, Clone, Serialize)]
pub struct SyncReport {
    pub employer_id: EmployerId,
    pub added: Vec<JobPostId>,
    pub updated: Vec<JobPostId>,
    pub unchanged: usize,
    pub closed: Vec<JobPostId>,
    pub open_jobs: usize,
    /// Jobs that could not be fetched this time; they are tried again next sync.
    pub failed: Vec<JobPostId>,
}

impl Services {
    pub async fn sync_employer(&self, id: &EmployerId) -> Result<SyncReport, ServiceError> {
        let employer = self
            .employers
            .get(id)
            .await?
            .ok_or_else(ServiceError::employer_not_found)?;
        self.metrics.count(Metric::SyncsRun, 1);
        match self.run_sync(&employer).await {
            Ok(report) => {
                self.record_sync(id, Ok(&report)).await?;
                self.metrics.count(Metric::JobsAdded, report.added.len());
                self.metrics
                    .count(Metric::JobsUpdated, report.updated.len());
                self.metrics.count(Metric::JobsClosed, report.closed.len());
                tracing::info!(
                    employer_id = %id, board = %employer.board_token, added = report.added.len(),
                    updated = report.updated.len(), closed = report.closed.len(),
                    failed = report.failed.len(), outcome = "synced", "sync finished"
                );
                Ok(report)
            }
            Err(e) => {
                self.metrics.count(Metric::SyncsFailed, 1);
                self.record_sync(id, Err(&e)).await?;
                tracing::warn!(employer_id = %id, board = %employer.board_token, code = e.code, outcome = "sync_failed", "sync failed");
                Err(e)
            }
        }
    }

    /// The scheduled sync: every employer, one failure not stopping the others. It also
    /// counts the employers an operator must look at, so that an alarm fires even when
    /// the failing part is not this run.
    pub async fn sync_all(&self) -> Result<Vec<Result<SyncReport, ServiceError>>, ServiceError> {
        let employers = self.employers.list().await?;
        let mut reports = Vec::with_capacity(employers.len());
        for e in employers {
            reports.push(self.sync_employer(&e.id).await);
        }
        let now = chrono::Utc::now();
        let mut stale = 0;
        let mut invalid = 0;
        for e in self.employers.list().await? {
            let reasons = attention(&e, now, self.settings.sync_stale_after);
            stale += usize::from(reasons.iter().any(|r| *r != "credentials_invalid"));
            invalid += usize::from(reasons.contains(&"credentials_invalid"));
        }
        self.metrics.count(Metric::EmployersStale, stale);
        self.metrics
            .count(Metric::EmployersWithInvalidCredentials, invalid);
        Ok(reports)
    }

    async fn run_sync(&self, employer: &Employer) -> Result<SyncReport, ServiceError> {
        let token = &employer.board_token;
        // Taken before looking, so that whatever a later sync writes wins over this one.
        let observed_at = now_ms();
        let listed = self.greenhouse.jobs(token).await.map_err(upstream)?;
        let stored = self.jobs.list(&employer.id).await?;
        let known: Vec<KnownJob> = stored
            .iter()
            .map(|j| KnownJob {
                id: j.job_id,
                updated_at: j.detail.summary.updated_at.clone(),
                open: j.is_open(),
            })
            .collect();
        let plan = sync_plan::plan(&known, &listed);
        let mut report = SyncReport {
            employer_id: employer.id.clone(),
            added: Vec::new(),
            updated: Vec::new(),
            unchanged: plan.unchanged.len(),
            closed: Vec::new(),
            open_jobs: 0,
            failed: Vec::new(),
        };
        // Questions are fetched only for what is new or changed: the list is one call,
        // each job is another.
        for job_id in plan.to_fetch() {
            match self.greenhouse.job(token, job_id).await {
                Ok(detail) => {
                    // One job that cannot be stored (too large for an item, say) must not
                    // stop the employer's whole sync: it is tried again next time.
                    match self.store_open(employer, detail, observed_at).await {
                        Ok(true) => {}
                        Ok(false) => continue,
                        Err(e) => {
                            tracing::warn!(employer_id = %employer.id, job_id, code = e.code, "job not stored");
                            report.failed.push(job_id);
                            continue;
                        }
                    }
                    if plan.added.contains(&job_id) {
                        report.added.push(job_id);
                    } else {
                        report.updated.push(job_id);
                    }
                }
                Err(_) => report.failed.push(job_id),
            }
        }
        let mut board_live: Option<bool> = None;
        for job_id in plan.vanished {
            // Missing from the list is not proof of closing: the single GET must say 404
            // and the board must still exist, since an unknown board answers the same 404.
            match self.greenhouse.job(token, job_id).await {
                Err(GreenhouseError::NotFound { .. }) => {
                    if board_live.is_none() {
                        board_live = Some(self.greenhouse.board(token).await.is_ok());
                    }
                    if board_live == Some(true) {
                        let stored = stored.iter().find(|j| j.job_id == job_id);
                        if self
                            .close(&employer.id, job_id, stored, observed_at)
                            .await?
                        {
                            report.closed.push(job_id);
                        }
                    } else {
                        report.failed.push(job_id);
                    }
                }
                Ok(detail) => {
                    if self
                        .store_open(employer, detail, observed_at)
                        .await
                        .is_err()
                    {
                        report.failed.push(job_id);
                    }
                }
                Err(_) => report.failed.push(job_id),
            }
        }
        // The employer may have been removed or moved to another board while Greenhouse
        // answered; what this sync wrote must not outlive that.
        match self.employers.get(&employer.id).await? {
            None => {
                self.jobs.delete_all(&employer.id).await?;
                return Err(ServiceError::employer_not_found());
            }
            Some(now) if !now.board_token.same_board(token) => {
                self.jobs.delete_all(&employer.id).await?;
                return Err(ServiceError::new(
                    crate::ErrorKind::Conflict,
                    "employer_changed",
                    "the employer was registered to another board during the sync; sync again",
                ));
            }
            Some(_) => {}
        }
        report.open_jobs = self
            .jobs
            .list(&employer.id)
            .await?
            .iter()
            .filter(|j| j.is_open())
            .count();
        Ok(report)
    }

    /// Stores a job as open. False when a sync that looked later has already written it.
    pub(crate) async fn store_open(
        &self,
        employer: &Employer,
        detail: JobDetail,
        observed_at: i64,
    ) -> Result<bool, ServiceError> {
        let record = JobRecord {
            employer_id: employer.id.clone(),
            job_id: detail.summary.id,
            observed_at,
            status: JobStatus::Open,
            closed_at: None,
            fetched_at: now(),
            detail,
        };
        written(self.jobs.put(&record).await)
    }

    /// Closes a stored job. False when there is none, or a later look wrote it.
    pub(crate) async fn close(
        &self,
        employer: &EmployerId,
        job_id: JobPostId,
        stored: Option<&JobRecord>,
        observed_at: i64,
    ) -> Result<bool, ServiceError> {
        let Some(stored) = stored else {
            return Ok(false);
        };
        let mut record = stored.clone();
        record.status = JobStatus::Closed;
        record.closed_at = Some(now());
        record.observed_at = observed_at;
        let done = written(self.jobs.put(&record).await)?;
        if done {
            tracing::info!(employer_id = %employer, job_id, "job closed");
        }
        Ok(done)
    }

    async fn record_sync(
        &self,
        id: &EmployerId,
        result: Result<&SyncReport, &ServiceError>,
    ) -> Result<(), ServiceError> {
        let at = now();
        self.update_employer(id, |employer| {
            employer.last_sync = Some(match result {
                Ok(r) => SyncOutcome {
                    at: at.clone(),
                    ok: true,
                    added: r.added.len(),
                    updated: r.updated.len(),
                    closed: r.closed.len(),
                    open_jobs: r.open_jobs,
                    error: None,
                },
                Err(e) => SyncOutcome {
                    at: at.clone(),
                    ok: false,
                    added: 0,
                    updated: 0,
                    closed: 0,
                    open_jobs: employer.last_sync.as_ref().map_or(0, |s| s.open_jobs),
                    error: Some(e.code.to_owned()),
                },
            });
            match result {
                Ok(_) => {
                    employer.last_successful_sync_at = Some(at.clone());
                    // A refused key is still the thing to fix; a good sync does not clear it.
                    if employer.credentials == atsi_store::CredentialState::Valid {
                        employer.last_error = None;
                    }
                }
                Err(e) => employer.last_error = Some(format!("sync: {}", e.message)),
            }
        })
        .await
    }
}

/// A conditional job write that lost to a later writer is not a failure: the store holds
/// newer knowledge than this writer had.
fn written(result: Result<(), StoreError>) -> Result<bool, ServiceError> {
    match result {
        Ok(()) => Ok(true),
        Err(StoreError::Conflict) => Ok(false),
        Err(e) => Err(e.into()),
    }
}

/// Why an operator must look at an employer, if at all: its credentials were refused, it
/// has never synced, or its last successful sync is older than `stale_after`.
pub fn attention(
    employer: &Employer,
    now: chrono::DateTime<chrono::Utc>,
    stale_after: std::time::Duration,
) -> Vec<&'static str> {
    let mut reasons = Vec::new();
    if matches!(
        employer.credentials,
        atsi_store::CredentialState::Invalid { .. }
    ) {
        reasons.push("credentials_invalid");
    }
    let last_ok = employer
        .last_successful_sync_at
        .as_deref()
        .and_then(|t| chrono::DateTime::parse_from_rfc3339(t).ok());
    match last_ok {
        None => reasons.push("never_synced"),
        Some(at) => {
            let age = (now - at.with_timezone(&chrono::Utc))
                .to_std()
                .unwrap_or_default();
            if age > stale_after {
                reasons.push("sync_stale");
            }
        }
    }
    reasons
}
