//! The records the ports store. Timestamps are RFC 3339 strings in UTC.

use atsi_domain::greenhouse::{JobDetail, JobPostId};
use atsi_domain::{BoardToken, EmployerId};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum CredentialState {
    Valid,
    /// Greenhouse answered 401 to a POST with the stored key.
    Invalid {
        since: String,
    },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SyncOutcome {
    pub at: String,
    pub ok: bool,
    pub added: usize,
    pub updated: usize,
    pub closed: usize,
    pub open_jobs: usize,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Employer {
    #[serde(rename = "employer_id")]
    pub id: EmployerId,
    pub board_token: BoardToken,
    pub board_name: Option<String>,
    /// Identifies the stored key without revealing it.
    pub key_fingerprint: String,
    /// Where the secret store keeps the key. Every registration stores the key under a
    /// new reference, so removing an old key can never remove a newer one.
    pub key_ref: String,
    /// Changes on every write; conditional writes name the revision they read.
    pub revision: String,
    pub credentials: CredentialState,
    pub registered_at: String,
    pub updated_at: String,
    #[serde(default)]
    pub last_sync: Option<SyncOutcome>,
    /// The last successful sync, kept when a later one fails.
    #[serde(default)]
    pub last_successful_sync_at: Option<String>,
    #[serde(default)]
    pub last_error: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum JobStatus {
    Open,
    Closed,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct JobRecord {
    pub employer_id: EmployerId,
    pub job_id: JobPostId,
    /// When (epoch ms) the writer saw this state at Greenhouse. A write from a sync that
    /// looked earlier than the stored one loses, so two overlapping syncs cannot reopen a
    /// job the later one closed.
    pub observed_at: i64,
    pub status: JobStatus,
    #[serde(default)]
    pub closed_at: Option<String>,
    /// When the questions were last fetched from Greenhouse.
    pub fetched_at: String,
    /// The job with its questions as Greenhouse served it.
    pub detail: JobDetail,
}

impl JobRecord {
    pub fn is_open(&self) -> bool {
        self.status == JobStatus::Open
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ApplicationStatus {
    /// Recorded, not yet answered by Greenhouse.
    Pending,
    /// Greenhouse said `success`.
    Delivered,
    /// Greenhouse refused it for good (bad key, job gone, its own validation).
    Rejected,
    /// Greenhouse was unavailable; the board may retry.
    Failed,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ApplicationRecord {
    pub id: String,
    pub employer_id: EmployerId,
    pub job_id: JobPostId,
    pub board_token: BoardToken,
    #[serde(default)]
    pub idempotency_key: Option<String>,
    pub received_at: String,
    pub status: ApplicationStatus,
    /// Delivery attempts started: 1 at first, one more per retry. Conditional writes name
    /// it with the status, so a writer that read an earlier attempt always loses.
    #[serde(default)]
    pub attempt: u32,
    /// When the current attempt started.
    #[serde(default)]
    pub attempt_at: Option<String>,
    #[serde(default)]
    pub completed_at: Option<String>,
    /// Machine-readable outcome code (`delivered`, `invalid_key`, `greenhouse_unavailable`, …).
    #[serde(default)]
    pub outcome: Option<String>,
    #[serde(default)]
    pub greenhouse_status: Option<u16>,
    /// The body sent to Greenhouse with file contents replaced by size and digest.
    pub payload: Map<String, Value>,
    /// Digest of the exact body sent, to tell a retry from a different application
    /// under the same idempotency key.
    #[serde(default)]
    pub payload_sha256: Option<String>,
    /// Epoch seconds after which the record may be purged (DynamoDB TTL).
    pub expires_at: i64,
}
