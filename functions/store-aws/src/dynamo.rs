//! The employer, job and application stores on DynamoDB (table design in the README).
//!
//! Each item carries the attributes that keys, indexes and conditions need, and the whole
//! record as one JSON string (`record`). Reads parse that string with the same serde
//! model as the embedded store, so both adapters store exactly the same data and no
//! attribute mapping can drift from it.

use async_trait::async_trait;
use atsi_domain::EmployerId;
use atsi_domain::greenhouse::JobPostId;
use atsi_store::{
    ApplicationLedger, ApplicationRecord, ApplicationStatus, Employer, EmployerStore, JobRecord,
    JobStore, StoreError,
};
use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::error::{ProvideErrorMetadata, SdkError};
use aws_sdk_dynamodb::operation::query::builders::QueryFluentBuilder;
use aws_sdk_dynamodb::operation::transact_write_items::TransactWriteItemsError;
use aws_sdk_dynamodb::types::{
    AttributeValue, DeleteRequest, Put, TransactWriteItem, WriteRequest,
};
use serde::Serialize;
use serde::de::DeserializeOwned;
use std::collections::HashMap;
use std::time::Duration;

type Item = HashMap<String, AttributeValue>;

/// The three tables, named by the deployment (`template.yaml` sets them per stage).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableNames {
    pub employers: String,
    pub jobs: String,
    pub applications: String,
}

/// The sparse index of open jobs: only open jobs carry its key attribute.
const OPEN_JOBS_INDEX: &str = "open-jobs";
/// Applications by employer, newest last.
const BY_EMPLOYER_INDEX: &str = "by-employer";
/// BatchWriteItem takes at most 25 requests.
const BATCH_LIMIT: usize = 25;
/// Attempts for a batch whose items DynamoDB left unprocessed (throttling).
const BATCH_ATTEMPTS: u32 = 8;

#[derive(Clone)]
pub struct DynamoStore {
    client: Client,
    tables: TableNames,
}

fn backend<E, R>(e: SdkError<E, R>) -> StoreError
where
    E: std::error::Error + ProvideErrorMetadata + 'static,
    R: std::fmt::Debug,
{
    // The error code and the service's message, or the chain of causes of a transport
    // failure. Never the Debug form: it carries the raw response.
    let detail = match e.as_service_error() {
        Some(service) => format!(
            "{}: {}",
            service.code().unwrap_or("unknown"),
            service.message().unwrap_or("")
        ),
        None => {
            let mut text = e.to_string();
            let mut cause = std::error::Error::source(&e);
            while let Some(c) = cause {
                text.push_str(": ");
                text.push_str(&c.to_string());
                cause = c.source();
            }
            text
        }
    };
    StoreError::Backend(format!("DynamoDB: {detail}"))
}

fn is_condition_failure<E: ProvideErrorMetadata, R>(e: &SdkError<E, R>) -> bool {
    e.as_service_error().and_then(|s| s.code()) == Some("ConditionalCheckFailedException")
}

fn s(v: impl Into<String>) -> AttributeValue {
    AttributeValue::S(v.into())
}

fn n(v: impl ToString) -> AttributeValue {
    AttributeValue::N(v.to_string())
}

fn record_attr<T: Serialize>(value: &T) -> Result<AttributeValue, StoreError> {
    serde_json::to_string(value)
        .map(AttributeValue::S)
        .map_err(|e| StoreError::Corrupt(e.to_string()))
}

fn parse_record<T: DeserializeOwned>(item: &Item) -> Result<T, StoreError> {
    let text = item
        .get("record")
        .and_then(|v| v.as_s().ok())
        .ok_or_else(|| StoreError::Corrupt("item without a record".into()))?;
    serde_json::from_str(text).map_err(|e| StoreError::Corrupt(e.to_string()))
}

fn app_pk(id: &str) -> String {
    format!("app#{id}")
}

fn idempotency_pk(employer: &EmployerId, key: &str) -> String {
    format!("idem#{}#{key}", employer.as_str())
}

impl DynamoStore {
    pub fn new(client: Client, tables: TableNames) -> Self {
        Self { client, tables }
    }

    pub fn from_conf(conf: &aws_config::SdkConfig, tables: TableNames) -> Self {
        Self::new(Client::new(conf), tables)
    }

    fn employer_item(e: &Employer) -> Result<Item, StoreError> {
        Ok(HashMap::from([
            ("employer_id".into(), s(e.id.as_str())),
            ("revision".into(), s(e.revision.clone())),
            ("record".into(), record_attr(e)?),
        ]))
    }

    fn job_item(job: &JobRecord) -> Result<Item, StoreError> {
        let mut item = HashMap::from([
            ("employer_id".into(), s(job.employer_id.as_str())),
            ("job_id".into(), n(job.job_id)),
            ("observed_at".into(), n(job.observed_at)),
            ("record".into(), record_attr(job)?),
        ]);
        if job.is_open() {
            item.insert("open_employer_id".into(), s(job.employer_id.as_str()));
        }
        Ok(item)
    }

    fn application_item(r: &ApplicationRecord) -> Result<Item, StoreError> {
        Ok(HashMap::from([
            ("pk".into(), s(app_pk(&r.id))),
            ("employer_id".into(), s(r.employer_id.as_str())),
            ("received_at".into(), s(r.received_at.clone())),
            ("status".into(), record_attr(&r.status)?),
            ("attempt".into(), n(r.attempt)),
            ("expires_at".into(), n(r.expires_at)),
            ("record".into(), record_attr(r)?),
        ]))
    }

    async fn get_item<T: DeserializeOwned>(
        &self,
        table: &str,
        key: Item,
    ) -> Result<Option<T>, StoreError> {
        let out = self
            .client
            .get_item()
            .table_name(table)
            .set_key(Some(key))
            .consistent_read(true)
            .send()
            .await
            .map_err(backend)?;
        out.item().map(parse_record).transpose()
    }

    /// A Query for one employer's items: on the table's partition key, or on an index.
    fn by_employer(
        &self,
        table: &str,
        index: Option<&str>,
        key: &str,
        employer: &EmployerId,
    ) -> QueryFluentBuilder {
        self.client
            .query()
            .table_name(table)
            .set_index_name(index.map(str::to_owned))
            .key_condition_expression(format!("{key} = :e"))
            .expression_attribute_values(":e", s(employer.as_str()))
            // Only the table itself offers strongly consistent reads.
            .consistent_read(index.is_none())
    }

    /// Every item of a Query, following `LastEvaluatedKey` to the end.
    async fn query_all(&self, query: QueryFluentBuilder) -> Result<Vec<Item>, StoreError> {
        query
            .into_paginator()
            .items()
            .send()
            .try_collect()
            .await
            .map_err(backend)
    }

    /// Deletes keys in batches of 25, retrying what DynamoDB leaves unprocessed with
    /// exponential backoff.
    async fn batch_delete(&self, table: &str, keys: Vec<Item>) -> Result<(), StoreError> {
        for chunk in keys.chunks(BATCH_LIMIT) {
            let mut pending: Vec<WriteRequest> = chunk
                .iter()
                .map(|key| {
                    let delete = DeleteRequest::builder().set_key(Some(key.clone())).build();
                    delete.map(|d| WriteRequest::builder().delete_request(d).build())
                })
                .collect::<Result<_, _>>()
                .map_err(|e| StoreError::Backend(e.to_string()))?;
            let mut attempt = 0;
            while !pending.is_empty() {
                if attempt > 0 {
                    tokio::time::sleep(Duration::from_millis(50 << attempt.min(6))).await;
                }
                if attempt == BATCH_ATTEMPTS {
                    return Err(StoreError::Backend(format!(
                        "{} deletes left unprocessed",
                        pending.len()
                    )));
                }
                attempt += 1;
                let out = self
                    .client
                    .batch_write_item()
                    .request_items(table, pending)
                    .send()
                    .await
                    .map_err(backend)?;
                pending = out
                    .unprocessed_items()
                    .and_then(|m| m.get(table))
                    .cloned()
                    .unwrap_or_default();
            }
        }
        Ok(())
    }
}

#[async_trait]
impl EmployerStore for DynamoStore {
    async fn get(&self, id: &EmployerId) -> Result<Option<Employer>, StoreError> {
        let key = HashMap::from([("employer_id".into(), s(id.as_str()))]);
        self.get_item(&self.tables.employers, key).await
    }

    async fn put(&self, employer: &Employer, expected: Option<&str>) -> Result<(), StoreError> {
        let mut put = self
            .client
            .put_item()
            .table_name(&self.tables.employers)
            .set_item(Some(Self::employer_item(employer)?));
        put = match expected {
            None => put.condition_expression("attribute_not_exists(employer_id)"),
            Some(rev) => put
                .condition_expression("revision = :rev")
                .expression_attribute_values(":rev", s(rev)),
        };
        match put.send().await {
            Ok(_) => Ok(()),
            Err(e) if is_condition_failure(&e) => Err(StoreError::Conflict),
            Err(e) => Err(backend(e)),
        }
    }

    async fn delete(&self, id: &EmployerId, expected: &str) -> Result<(), StoreError> {
        let result = self
            .client
            .delete_item()
            .table_name(&self.tables.employers)
            .key("employer_id", s(id.as_str()))
            .condition_expression("revision = :rev")
            .expression_attribute_values(":rev", s(expected))
            .send()
            .await;
        match result {
            Ok(_) => Ok(()),
            // Which condition failed: gone altogether, or changed.
            Err(e) if is_condition_failure(&e) => match EmployerStore::get(self, id).await? {
                None => Err(StoreError::Missing),
                Some(_) => Err(StoreError::Conflict),
            },
            Err(e) => Err(backend(e)),
        }
    }

    async fn list(&self) -> Result<Vec<Employer>, StoreError> {
        // The employers table is small (one item per employer): a consistent Scan,
        // paginated, is the access pattern; an index would only cost writes.
        let items: Vec<Item> = self
            .client
            .scan()
            .table_name(&self.tables.employers)
            .consistent_read(true)
            .into_paginator()
            .items()
            .send()
            .try_collect()
            .await
            .map_err(backend)?;
        items.iter().map(parse_record).collect()
    }
}

#[async_trait]
impl JobStore for DynamoStore {
    async fn get(
        &self,
        employer: &EmployerId,
        job_id: JobPostId,
    ) -> Result<Option<JobRecord>, StoreError> {
        let key = HashMap::from([
            ("employer_id".into(), s(employer.as_str())),
            ("job_id".into(), n(job_id)),
        ]);
        self.get_item(&self.tables.jobs, key).await
    }

    async fn put(&self, job: &JobRecord) -> Result<(), StoreError> {
        let result = self
            .client
            .put_item()
            .table_name(&self.tables.jobs)
            .set_item(Some(Self::job_item(job)?))
            .condition_expression("attribute_not_exists(employer_id) OR observed_at <= :observed")
            .expression_attribute_values(":observed", n(job.observed_at))
            .send()
            .await;
        match result {
            Ok(_) => Ok(()),
            Err(e) if is_condition_failure(&e) => Err(StoreError::Conflict),
            Err(e) => Err(backend(e)),
        }
    }

    async fn list(&self, employer: &EmployerId) -> Result<Vec<JobRecord>, StoreError> {
        let query = self.by_employer(&self.tables.jobs, None, "employer_id", employer);
        self.query_all(query)
            .await?
            .iter()
            .map(parse_record)
            .collect()
    }

    async fn list_open(&self, employer: &EmployerId) -> Result<Vec<JobRecord>, StoreError> {
        let query = self.by_employer(
            &self.tables.jobs,
            Some(OPEN_JOBS_INDEX),
            "open_employer_id",
            employer,
        );
        let jobs: Vec<JobRecord> = self
            .query_all(query)
            .await?
            .iter()
            .map(parse_record)
            .collect::<Result<_, _>>()?;
        // A global index lags its table for a moment; the record decides.
        Ok(jobs.into_iter().filter(JobRecord::is_open).collect())
    }

    async fn delete_all(&self, employer: &EmployerId) -> Result<usize, StoreError> {
        let query = self
            .by_employer(&self.tables.jobs, None, "employer_id", employer)
            .projection_expression("employer_id, job_id");
        let keys = self.query_all(query).await?;
        let count = keys.len();
        self.batch_delete(&self.tables.jobs, keys).await?;
        Ok(count)
    }
}

#[async_trait]
impl ApplicationLedger for DynamoStore {
    async fn create(&self, record: &ApplicationRecord) -> Result<(), StoreError> {
        let item = Self::application_item(record)?;
        let Some(key) = &record.idempotency_key else {
            let result = self
                .client
                .put_item()
                .table_name(&self.tables.applications)
                .set_item(Some(item))
                .condition_expression("attribute_not_exists(pk)")
                .send()
                .await;
            return match result {
                Ok(_) => Ok(()),
                // The SDK may retry a write that had landed: the record is ours already.
                Err(e) if is_condition_failure(&e) => {
                    match ApplicationLedger::get(self, &record.id).await? {
                        Some(stored) if &stored == record => Ok(()),
                        _ => Err(StoreError::AlreadyExists),
                    }
                }
                Err(e) => Err(backend(e)),
            };
        };
        // The record and its idempotency claim are written together or not at all; of
        // two submissions with one key, exactly one transaction succeeds.
        let claim = HashMap::from([
            ("pk".into(), s(idempotency_pk(&record.employer_id, key))),
            ("application_id".into(), s(record.id.clone())),
            ("expires_at".into(), n(record.expires_at)),
        ]);
        let put = |item: Item, condition: &str| {
            let mut put = Put::builder()
                .table_name(&self.tables.applications)
                .set_item(Some(item))
                .condition_expression(condition);
            if condition.contains(":now") {
                let now = std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .map_or(0, |d| d.as_secs());
                put = put.expression_attribute_values(":now", n(now));
            }
            put.build()
                .map(|p| TransactWriteItem::builder().put(p).build())
                .map_err(|e| StoreError::Backend(e.to_string()))
        };
        let result = self
            .client
            .transact_write_items()
            .transact_items(put(item, "attribute_not_exists(pk)")?)
            // TTL deletes lazily and the two items separately: an expired claim whose
            // application is gone must not block the key for ever.
            .transact_items(put(claim, "attribute_not_exists(pk) OR expires_at < :now")?)
            .send()
            .await;
        match result {
            Ok(_) => Ok(()),
            Err(e) => {
                let cancelled_by_condition = match e.as_service_error() {
                    Some(TransactWriteItemsError::TransactionCanceledException(t)) => t
                        .cancellation_reasons()
                        .iter()
                        .any(|r| r.code() == Some("ConditionalCheckFailed")),
                    _ => false,
                };
                if cancelled_by_condition {
                    Err(StoreError::AlreadyExists)
                } else {
                    Err(backend(e))
                }
            }
        }
    }

    async fn update(
        &self,
        record: &ApplicationRecord,
        expected: (ApplicationStatus, u32),
    ) -> Result<(), StoreError> {
        let result = self
            .client
            .put_item()
            .table_name(&self.tables.applications)
            .set_item(Some(Self::application_item(record)?))
            .condition_expression("#status = :expected AND attempt = :attempt")
            .expression_attribute_names("#status", "status")
            .expression_attribute_values(":expected", record_attr(&expected.0)?)
            .expression_attribute_values(":attempt", n(expected.1))
            .send()
            .await;
        match result {
            Ok(_) => Ok(()),
            Err(e) if is_condition_failure(&e) => {
                match ApplicationLedger::get(self, &record.id).await? {
                    None => Err(StoreError::Missing),
                    // The SDK retried a write that had landed: the record is ours already.
                    Some(stored) if &stored == record => Ok(()),
                    Some(_) => Err(StoreError::Conflict),
                }
            }
            Err(e) => Err(backend(e)),
        }
    }

    async fn get(&self, id: &str) -> Result<Option<ApplicationRecord>, StoreError> {
        let key = HashMap::from([("pk".into(), s(app_pk(id)))]);
        self.get_item(&self.tables.applications, key).await
    }

    async fn find_by_idempotency_key(
        &self,
        employer: &EmployerId,
        key: &str,
    ) -> Result<Option<ApplicationRecord>, StoreError> {
        let out = self
            .client
            .get_item()
            .table_name(&self.tables.applications)
            .key("pk", s(idempotency_pk(employer, key)))
            .consistent_read(true)
            .send()
            .await
            .map_err(backend)?;
        let id = out
            .item()
            .and_then(|i| i.get("application_id"))
            .and_then(|v| v.as_s().ok())
            .cloned();
        match id {
            Some(id) => ApplicationLedger::get(self, &id).await,
            None => Ok(None),
        }
    }

    async fn list_by_employer(
        &self,
        employer: &EmployerId,
    ) -> Result<Vec<ApplicationRecord>, StoreError> {
        let query = self.by_employer(
            &self.tables.applications,
            Some(BY_EMPLOYER_INDEX),
            "employer_id",
            employer,
        );
        self.query_all(query)
            .await?
            .iter()
            .map(parse_record)
            .collect()
    }
}
