//! The operator's side: register or rotate an employer's Greenhouse credentials, read
//! its status, remove it.

use crate::{ErrorKind, ServiceError, Services, SyncReport, now};
use atsi_domain::credentials::ApiKey;
use atsi_domain::{BoardToken, EmployerId};
use atsi_greenhouse::GreenhouseError;
use atsi_store::{CredentialState, Employer, StoreError};
use serde::Serialize;

pub struct RegisterInput {
    pub board_token: String,
    pub api_key: ApiKey,
}

/// An employer as an operator sees it: the stored record and its open job count. The
/// key itself is never in it, only its fingerprint; where the key is kept is internal.
#[derive(Debug, Clone)]
pub struct EmployerStatus {
    pub employer: Employer,
    pub open_jobs: usize,
    /// Why an operator must look at this employer (`credentials_invalid`, `never_synced`,
    /// `sync_stale`); empty when healthy.
    pub attention: Vec<&'static str>,
}

impl Serialize for EmployerStatus {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut view = serde_json::to_value(&self.employer).map_err(serde::ser::Error::custom)?;
        if let Some(map) = view.as_object_mut() {
            map.remove("key_ref");
            map.insert("open_jobs".into(), self.open_jobs.into());
            map.insert("attention".into(), self.attention.clone().into());
        }
        view.serialize(s)
    }
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
        // A new reference for every key: deleting the old one later cannot touch it.
        let key_ref = self.secrets.create(id, &input.api_key).await?;
        let stamp = now();
        let employer = Employer {
            id: id.clone(),
            board_token: token.clone(),
            board_name: board.name,
            key_fingerprint: input.api_key.fingerprint(),
            key_ref: key_ref.clone(),
            revision: new_revision(),
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
        // Written only over the registration read above: a removal or another
        // registration in between wins, and this one takes its key back out.
        let expected = previous.as_ref().map(|p| p.revision.as_str());
        let written = match self.employers.put(&employer, expected).await {
            // The SDK may retry a write that had landed; the stored revision tells.
            Err(StoreError::Conflict) => match self.employers.get(id).await? {
                Some(stored) if stored.revision == employer.revision => Ok(()),
                _ => Err(StoreError::Conflict),
            },
            other => other,
        };
        if let Err(e) = written {
            self.secrets.delete(&key_ref).await?;
            return Err(match e {
                StoreError::Conflict => changed_meanwhile(),
                other => other.into(),
            });
        }
        if let Some(p) = &previous {
            // A new board token makes every stored job belong to another board.
            if !p.board_token.same_board(&token) {
                self.jobs.delete_all(id).await?;
            }
            self.secrets.invalidate(&p.key_ref);
            self.secrets.delete(&p.key_ref).await?;
        }
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
        let open_jobs = self.jobs.list_open(id).await?.len();
        let attention = crate::sync::attention(
            &employer,
            chrono::Utc::now(),
            self.settings.sync_stale_after,
        );
        Ok(EmployerStatus {
            employer,
            open_jobs,
            attention,
        })
    }

    /// Every employer's status; with `attention_only`, those an operator must look at.
    pub async fn list_employers(
        &self,
        attention_only: bool,
    ) -> Result<Vec<EmployerStatus>, ServiceError> {
        let mut out = Vec::new();
        for e in self.employers.list().await? {
            let status = self.status(&e.id).await?;
            if !attention_only || !status.attention.is_empty() {
                out.push(status);
            }
        }
        out.sort_by(|a, b| a.employer.id.cmp(&b.employer.id));
        Ok(out)
    }

    /// Removes the key, the jobs and the mapping. The ledger stays until it expires: it is
    /// the record of what was delivered.
    pub async fn remove(&self, id: &EmployerId) -> Result<(), ServiceError> {
        let employer = self
            .employers
            .get(id)
            .await?
            .ok_or_else(ServiceError::employer_not_found)?;
        // The mapping goes first, and only as it was read: a registration in between wins.
        // Once it is gone no request can reach the key.
        match self.employers.delete(id, &employer.revision).await {
            Ok(()) => {}
            Err(StoreError::Missing) => return Err(ServiceError::employer_not_found()),
            Err(StoreError::Conflict) => return Err(changed_meanwhile()),
            Err(e) => return Err(e.into()),
        }
        self.secrets.invalidate(&employer.key_ref);
        self.secrets.delete(&employer.key_ref).await?;
        let jobs = self.jobs.delete_all(id).await?;
        tracing::info!(employer_id = %id, jobs_removed = jobs, "employer removed");
        Ok(())
    }

    /// Read, change, write back conditionally; a concurrent write makes it start over.
    /// An employer removed meanwhile stays removed.
    pub(crate) async fn update_employer(
        &self,
        id: &EmployerId,
        change: impl Fn(&mut Employer),
    ) -> Result<(), ServiceError> {
        for _ in 0..5 {
            let Some(mut employer) = self.employers.get(id).await? else {
                return Ok(());
            };
            let read = std::mem::replace(&mut employer.revision, new_revision());
            change(&mut employer);
            match self.employers.put(&employer, Some(&read)).await {
                Ok(()) => return Ok(()),
                Err(StoreError::Conflict) => continue,
                Err(e) => return Err(e.into()),
            }
        }
        Err(changed_meanwhile())
    }
}

pub(crate) fn new_revision() -> String {
    uuid::Uuid::now_v7().to_string()
}

fn changed_meanwhile() -> ServiceError {
    ServiceError::new(
        ErrorKind::Conflict,
        "employer_changed",
        "the employer was changed by another request meanwhile; try again",
    )
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
