//! Embedded adapters on redb: one ACID file per data directory, so a local run that
//! restarts loses nothing. Keys mirror the DynamoDB design (partition + sort key joined
//! by `/`, which employer ids cannot contain).

use crate::{
    ApplicationLedger, ApplicationRecord, ApplicationStatus, Employer, EmployerStore, JobRecord,
    JobStore, SecretStore, StoreError,
};
use async_trait::async_trait;
use atsi_domain::EmployerId;
use atsi_domain::credentials::ApiKey;
use atsi_domain::greenhouse::JobPostId;
use redb::{Database, ReadableDatabase, ReadableTable, ReadableTableMetadata, TableDefinition};
use serde::{Serialize, de::DeserializeOwned};
use std::path::Path;
use std::sync::Arc;

const EMPLOYERS: TableDefinition<&str, &[u8]> = TableDefinition::new("employers");
const JOBS: TableDefinition<&str, &[u8]> = TableDefinition::new("jobs");
const APPLICATIONS: TableDefinition<&str, &[u8]> = TableDefinition::new("applications");
const IDEMPOTENCY: TableDefinition<&str, &str> = TableDefinition::new("idempotency");
const SECRETS: TableDefinition<&str, &str> = TableDefinition::new("secrets");

fn backend(e: impl std::fmt::Display) -> StoreError {
    StoreError::Backend(e.to_string())
}

fn encode<T: Serialize>(v: &T) -> Result<Vec<u8>, StoreError> {
    serde_json::to_vec(v).map_err(|e| StoreError::Corrupt(e.to_string()))
}

fn decode<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, StoreError> {
    serde_json::from_slice(bytes).map_err(|e| StoreError::Corrupt(e.to_string()))
}

fn job_key(employer: &EmployerId, job_id: JobPostId) -> String {
    // Zero-padded so that the sort order is numeric, like a DynamoDB number sort key.
    format!("{}/{job_id:020}", employer.as_str())
}

fn partition_range(employer: &EmployerId) -> (String, String) {
    // '0' follows '/' in ASCII: [p/, p0) is exactly the partition.
    (
        format!("{}/", employer.as_str()),
        format!("{}0", employer.as_str()),
    )
}

fn open_db(path: &Path, tables: &[&str]) -> Result<Database, StoreError> {
    let db = Database::create(path).map_err(backend)?;
    let tx = db.begin_write().map_err(backend)?;
    for name in tables {
        // Opening in a write transaction creates the table; reads need it to exist.
        match *name {
            "employers" => drop(tx.open_table(EMPLOYERS).map_err(backend)?),
            "jobs" => drop(tx.open_table(JOBS).map_err(backend)?),
            "applications" => drop(tx.open_table(APPLICATIONS).map_err(backend)?),
            "idempotency" => drop(tx.open_table(IDEMPOTENCY).map_err(backend)?),
            "secrets" => drop(tx.open_table(SECRETS).map_err(backend)?),
            other => return Err(StoreError::Backend(format!("unknown table {other}"))),
        }
    }
    tx.commit().map_err(backend)?;
    Ok(db)
}

/// Employers, jobs and the application ledger in `<data_dir>/atsi.redb`.
#[derive(Clone)]
pub struct EmbeddedStore {
    db: Arc<Database>,
}

impl EmbeddedStore {
    pub fn open(data_dir: &Path) -> Result<Self, StoreError> {
        std::fs::create_dir_all(data_dir).map_err(backend)?;
        let db = open_db(
            &data_dir.join("atsi.redb"),
            &["employers", "jobs", "applications", "idempotency"],
        )?;
        Ok(Self { db: Arc::new(db) })
    }

    fn get_json<T: DeserializeOwned>(
        &self,
        table: TableDefinition<&str, &[u8]>,
        key: &str,
    ) -> Result<Option<T>, StoreError> {
        let tx = self.db.begin_read().map_err(backend)?;
        let t = tx.open_table(table).map_err(backend)?;
        match t.get(key).map_err(backend)? {
            Some(v) => decode(v.value()).map(Some),
            None => Ok(None),
        }
    }

    fn scan<T: DeserializeOwned>(
        &self,
        table: TableDefinition<&str, &[u8]>,
        range: Option<(String, String)>,
    ) -> Result<Vec<T>, StoreError> {
        let tx = self.db.begin_read().map_err(backend)?;
        let t = tx.open_table(table).map_err(backend)?;
        let iter = match &range {
            Some((from, to)) => t.range(from.as_str()..to.as_str()).map_err(backend)?,
            None => t.iter().map_err(backend)?,
        };
        iter.map(|item| item.map_err(backend).and_then(|(_, v)| decode(v.value())))
            .collect()
    }
}

impl EmbeddedStore {
    /// A conditional write in one transaction: `check` sees the stored record and may
    /// refuse; then `value` is written (or the record removed when `None`).
    fn write_checked<T: Serialize + DeserializeOwned>(
        &self,
        table: TableDefinition<&str, &[u8]>,
        key: &str,
        value: Option<&T>,
        check: impl FnOnce(Option<T>) -> Result<(), StoreError>,
    ) -> Result<(), StoreError> {
        let bytes = value.map(encode).transpose()?;
        let tx = self.db.begin_write().map_err(backend)?;
        {
            let mut t = tx.open_table(table).map_err(backend)?;
            let stored = match t.get(key).map_err(backend)? {
                Some(v) => Some(decode::<T>(v.value())?),
                None => None,
            };
            check(stored)?;
            match &bytes {
                Some(b) => drop(t.insert(key, b.as_slice()).map_err(backend)?),
                None => drop(t.remove(key).map_err(backend)?),
            }
        }
        tx.commit().map_err(backend)
    }
}

#[async_trait]
impl EmployerStore for EmbeddedStore {
    async fn get(&self, id: &EmployerId) -> Result<Option<Employer>, StoreError> {
        self.get_json(EMPLOYERS, id.as_str())
    }
    async fn put(&self, employer: &Employer, expected: Option<&str>) -> Result<(), StoreError> {
        self.write_checked(
            EMPLOYERS,
            employer.id.as_str(),
            Some(employer),
            |stored: Option<Employer>| match (
                stored.as_ref().map(|e| e.revision.as_str()),
                expected,
            ) {
                (None, None) => Ok(()),
                (Some(have), Some(want)) if have == want => Ok(()),
                _ => Err(StoreError::Conflict),
            },
        )
    }
    async fn delete(&self, id: &EmployerId, expected: &str) -> Result<(), StoreError> {
        self.write_checked(
            EMPLOYERS,
            id.as_str(),
            None::<&Employer>,
            |stored: Option<Employer>| match stored {
                None => Err(StoreError::Missing),
                Some(e) if e.revision == expected => Ok(()),
                Some(_) => Err(StoreError::Conflict),
            },
        )
    }
    async fn list(&self) -> Result<Vec<Employer>, StoreError> {
        self.scan(EMPLOYERS, None)
    }
}

#[async_trait]
impl JobStore for EmbeddedStore {
    async fn get(
        &self,
        employer: &EmployerId,
        job_id: JobPostId,
    ) -> Result<Option<JobRecord>, StoreError> {
        self.get_json(JOBS, &job_key(employer, job_id))
    }
    async fn put(&self, job: &JobRecord) -> Result<(), StoreError> {
        let key = job_key(&job.employer_id, job.job_id);
        self.write_checked(
            JOBS,
            &key,
            Some(job),
            |stored: Option<JobRecord>| match stored {
                Some(s) if s.observed_at > job.observed_at => Err(StoreError::Conflict),
                _ => Ok(()),
            },
        )
    }
    async fn list(&self, employer: &EmployerId) -> Result<Vec<JobRecord>, StoreError> {
        self.scan(JOBS, Some(partition_range(employer)))
    }
    async fn delete_all(&self, employer: &EmployerId) -> Result<usize, StoreError> {
        let (from, to) = partition_range(employer);
        let tx = self.db.begin_write().map_err(backend)?;
        let removed = {
            let mut t = tx.open_table(JOBS).map_err(backend)?;
            let before = t.len().map_err(backend)?;
            t.retain_in(from.as_str()..to.as_str(), |_, _| false)
                .map_err(backend)?;
            before - t.len().map_err(backend)?
        };
        tx.commit().map_err(backend)?;
        Ok(removed as usize)
    }
}

fn idempotency_key(employer: &EmployerId, key: &str) -> String {
    format!("{}/{key}", employer.as_str())
}

#[async_trait]
impl ApplicationLedger for EmbeddedStore {
    async fn create(&self, record: &ApplicationRecord) -> Result<(), StoreError> {
        let bytes = encode(record)?;
        let tx = self.db.begin_write().map_err(backend)?;
        {
            let mut apps = tx.open_table(APPLICATIONS).map_err(backend)?;
            if apps.get(record.id.as_str()).map_err(backend)?.is_some() {
                return Err(StoreError::AlreadyExists);
            }
            if let Some(key) = &record.idempotency_key {
                let mut idem = tx.open_table(IDEMPOTENCY).map_err(backend)?;
                let k = idempotency_key(&record.employer_id, key);
                if idem.get(k.as_str()).map_err(backend)?.is_some() {
                    return Err(StoreError::AlreadyExists);
                }
                idem.insert(k.as_str(), record.id.as_str())
                    .map_err(backend)?;
            }
            apps.insert(record.id.as_str(), bytes.as_slice())
                .map_err(backend)?;
        }
        tx.commit().map_err(backend)
    }
    async fn update(
        &self,
        record: &ApplicationRecord,
        expected: (ApplicationStatus, u32),
    ) -> Result<(), StoreError> {
        let bytes = encode(record)?;
        let tx = self.db.begin_write().map_err(backend)?;
        {
            let mut apps = tx.open_table(APPLICATIONS).map_err(backend)?;
            let current: ApplicationRecord = match apps.get(record.id.as_str()).map_err(backend)? {
                Some(v) => decode(v.value())?,
                None => return Err(StoreError::Missing),
            };
            if (current.status, current.attempt) != expected {
                return Err(StoreError::Conflict);
            }
            apps.insert(record.id.as_str(), bytes.as_slice())
                .map_err(backend)?;
        }
        tx.commit().map_err(backend)
    }
    async fn get(&self, id: &str) -> Result<Option<ApplicationRecord>, StoreError> {
        self.get_json(APPLICATIONS, id)
    }
    async fn find_by_idempotency_key(
        &self,
        employer: &EmployerId,
        key: &str,
    ) -> Result<Option<ApplicationRecord>, StoreError> {
        let id = {
            let tx = self.db.begin_read().map_err(backend)?;
            let t = tx.open_table(IDEMPOTENCY).map_err(backend)?;
            t.get(idempotency_key(employer, key).as_str())
                .map_err(backend)?
                .map(|v| v.value().to_owned())
        };
        match id {
            Some(id) => ApplicationLedger::get(self, &id).await,
            None => Ok(None),
        }
    }
    async fn list_by_employer(
        &self,
        employer: &EmployerId,
    ) -> Result<Vec<ApplicationRecord>, StoreError> {
        let all: Vec<ApplicationRecord> = self.scan(APPLICATIONS, None)?;
        Ok(all
            .into_iter()
            .filter(|a| &a.employer_id == employer)
            .collect())
    }
}

/// Keys in `<data_dir>/secrets.redb`, a file only its owner may read: the local stand-in
/// for Secrets Manager, kept apart from the data an operator might copy around.
#[derive(Clone)]
pub struct EmbeddedSecretStore {
    db: Arc<Database>,
}

impl EmbeddedSecretStore {
    pub fn open(data_dir: &Path) -> Result<Self, StoreError> {
        std::fs::create_dir_all(data_dir).map_err(backend)?;
        let path = data_dir.join("secrets.redb");
        // Created owner-only before redb writes anything into it, and tightened again in
        // case an older file was widened.
        #[cfg(unix)]
        {
            use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
            std::fs::OpenOptions::new()
                .create(true)
                .append(true)
                .mode(0o600)
                .open(&path)
                .map_err(backend)?;
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600))
                .map_err(backend)?;
        }
        let db = open_db(&path, &["secrets"])?;
        Ok(Self { db: Arc::new(db) })
    }
}

#[async_trait]
impl SecretStore for EmbeddedSecretStore {
    async fn create(&self, employer: &EmployerId, key: &ApiKey) -> Result<String, StoreError> {
        let key_ref = format!("{}/{}", employer.as_str(), uuid::Uuid::now_v7());
        let tx = self.db.begin_write().map_err(backend)?;
        tx.open_table(SECRETS)
            .map_err(backend)?
            .insert(key_ref.as_str(), key.expose())
            .map_err(backend)?;
        tx.commit().map_err(backend)?;
        Ok(key_ref)
    }
    async fn get(&self, key_ref: &str) -> Result<Option<ApiKey>, StoreError> {
        let tx = self.db.begin_read().map_err(backend)?;
        let t = tx.open_table(SECRETS).map_err(backend)?;
        Ok(t.get(key_ref)
            .map_err(backend)?
            .map(|v| ApiKey::new(v.value())))
    }
    async fn delete(&self, key_ref: &str) -> Result<bool, StoreError> {
        let tx = self.db.begin_write().map_err(backend)?;
        let existed = tx
            .open_table(SECRETS)
            .map_err(backend)?
            .remove(key_ref)
            .map_err(backend)?
            .is_some();
        tx.commit().map_err(backend)?;
        Ok(existed)
    }
}
