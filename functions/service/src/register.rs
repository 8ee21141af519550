//! The operator's side: register or rotate an employer's Greenhouse credentials, read
//! its status, remove it.

use crate::{ErrorKind, ServiceError, Services, SyncReport, now};
use atsi_domain::credentials::ApiKey;
use atsi_domain::{BoardToken, EmployerId};
use atsi_greenhouse::GreenhouseError;
use atsi_store::{CredentialState, Employer};
use serde::Serialize;

pub struct RegisterInput {
    pub board_token: String,
    pub api_key: ApiKey,
}

/// An employer as an operator sees it: the stored record (which holds only the key's
/// fingerprint, never the key) and its open job count.
#[derive(Debug, Clone, Serialize)]
pub struct EmployerStatus {
    #[serde(flatten)]
    pub employer: Employer,
    pub open_jobs: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct Registered {
    /// False when an existing registration was rotated.
    pub created: bool,
    pub employer: EmployerStatus,
    /// The first sync, run as part of registration. Registration stands even if it
    /// failed: the scheduled sync tries again.
    pub first_sync: FirstSync,
}

#[derive(Debug, Clone, Serialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum FirstSync {
    Completed { report: SyncReport },
    Failed { code: &'static str, message: String },
}

impl Services {
    pub async fn register(
        &self,
        id: &EmployerId,
        input: RegisterInput,
    ) -> Result<Registered, ServiceError> {
        let token = BoardToken::parse(input.board_token.trim()).map_err(|e| {
            ServiceError::new(
                ErrorKind::Invalid,
                "invalid_board_token",
                format!("board_token {e}"),
            )
            .field("board_token")
        })?;
        check_key_shape(&input.api_key)?;
        // The token is proven live against Greenhouse before anything is stored.
        let board = match self.greenhouse.board(&token).await {
            Ok(board) => board,
            Err(GreenhouseError::NotFound { .. }) => {
                return Err(ServiceError::new(
                    ErrorKind::Invalid,
                    "board_not_found",
                    format!("Greenhouse has no job board with token `{token}`"),
                )
                .field("board_token"));
            }
            Err(e) => return Err(upstream(e)),
        };
        // The key is proven before it is stored, so that a typo surfaces now and not on
        // the first jobseeker's application.
        match self.greenhouse.verify_key(&token, &input.api_key).await {
            Ok(()) => {}
            Err(GreenhouseError::InvalidKey) => {
                return Err(ServiceError::new(
                    ErrorKind::Invalid,
                    "api_key_refused",
                    "Greenhouse refused this Job Board API key for this board",
                )
                .field("api_key"));
            }
            Err(e) => return Err(upstream(e)),
        }
        let previous = self.employers.get(id).await?;
        self.secrets.put(id, &input.api_key).await?;
        let stamp = now();
        let employer = Employer {
            id: id.clone(),
            board_token: token.clone(),
            board_name: board.name,
            key_fingerprint: input.api_key.fingerprint(),
            credentials: CredentialState::Valid,
            registered_at: previous
                .as_ref()
                .map_or_else(|| stamp.clone(), |p| p.registered_at.clone()),
            updated_at: stamp,
            last_sync: previous.as_ref().and_then(|p| p.last_sync.clone()),
            last_successful_sync_at: previous
                .as_ref()
                .and_then(|p| p.last_successful_sync_at.clone()),
            last_error: None,
        };
        // A new board token makes every stored job belong to another board.
        if let Some(p) = &previous
            && !p.board_token.same_board(&token)
        {
            self.jobs.delete_all(id).await?;
        }
        self.employers.put(&employer).await?;
        tracing::info!(employer_id = %id, rotated = previous.is_some(), "employer registered");
        let first_sync = match self.sync_employer(id).await {
            Ok(report) => FirstSync::Completed { report },
            Err(e) => FirstSync::Failed {
                code: e.code,
                message: e.message,
            },
        };
        Ok(Registered {
            created: previous.is_none(),
            employer: self.status(id).await?,
            first_sync,
        })
    }

    pub async fn status(&self, id: &EmployerId) -> Result<EmployerStatus, ServiceError> {
        let employer = self
            .employers
            .get(id)
            .await?
            .ok_or_else(ServiceError::employer_not_found)?;
        let open_jobs = self
            .jobs
            .list(id)
            .await?
            .iter()
            .filter(|j| j.is_open())
            .count();
        Ok(EmployerStatus {
            employer,
            open_jobs,
        })
    }

    /// Removes the key, the jobs and the mapping. The ledger stays until it expires: it is
    /// the record of what was delivered.
    pub async fn remove(&self, id: &EmployerId) -> Result<(), ServiceError> {
        if self.employers.get(id).await?.is_none() {
            return Err(ServiceError::employer_not_found());
        }
        // Mapping first: once it is gone no request can use the key being deleted.
        self.employers.delete(id).await?;
        self.secrets.delete(id).await?;
        let jobs = self.jobs.delete_all(id).await?;
        tracing::info!(employer_id = %id, jobs_removed = jobs, "employer removed");
        Ok(())
    }
}

fn check_key_shape(key: &ApiKey) -> Result<(), ServiceError> {
    let raw = key.expose();
    if raw.is_empty() || raw.len() > 256 || !raw.bytes().all(|b| b.is_ascii_graphic() && b != b':')
    {
        return Err(ServiceError::new(
            ErrorKind::Invalid,
            "invalid_api_key",
            "api_key must be the Job Board API key as Greenhouse shows it: 1 to 256 visible ASCII characters, no colon",
        )
        .field("api_key"));
    }
    Ok(())
}

/// Greenhouse failures during reads, as a board or operator should see them.
pub(crate) fn upstream(e: GreenhouseError) -> ServiceError {
    match e {
        GreenhouseError::Transient { .. } => ServiceError::new(
            ErrorKind::Upstream { retryable: true },
            "greenhouse_unavailable",
            "Greenhouse did not answer in time or is unavailable; try again later",
        ),
        GreenhouseError::InvalidKey => ServiceError::new(
            ErrorKind::Upstream { retryable: false },
            "greenhouse_refused_credentials",
            "Greenhouse refused the credentials",
        ),
        other => ServiceError::new(
            ErrorKind::Upstream { retryable: false },
            "greenhouse_error",
            other.to_string(),
        ),
    }
}
