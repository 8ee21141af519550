//! The reqwest adapter. The same code talks to `boards-api.greenhouse.io` in production
//! and to the stand-in in tests; only the base URL differs.

use crate::classify::{GreenhouseError, classify_failure, classify_submission};
use crate::{ApiKey, Greenhouse, Submitted};
use async_trait::async_trait;
use atsi_domain::BoardToken;
use atsi_domain::greenhouse::{
    Board, EducationKind, EducationPage, JobDetail, JobList, JobPostId, JobSummary,
};
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};
use std::time::Duration;

#[derive(Debug, Clone)]
pub struct GreenhouseConfig {
    /// Without a trailing slash, e.g. `https://boards-api.greenhouse.io`.
    pub base_url: String,
    pub connect_timeout: Duration,
    /// Whole-request limit for reads.
    pub read_timeout: Duration,
    /// Whole-request limit for an application POST, which carries files.
    pub submit_timeout: Duration,
}

impl GreenhouseConfig {
    pub const PRODUCTION_BASE_URL: &'static str = "https://boards-api.greenhouse.io";

    pub fn new(base_url: impl Into<String>) -> Self {
        Self {
            base_url: base_url.into().trim_end_matches('/').to_owned(),
            connect_timeout: Duration::from_secs(3),
            read_timeout: Duration::from_secs(10),
            submit_timeout: Duration::from_secs(20),
        }
    }
}

impl Default for GreenhouseConfig {
    fn default() -> Self {
        Self::new(Self::PRODUCTION_BASE_URL)
    }
}

/// Greenhouse has no documented body size, but a board of thousands of jobs with content
/// is a few MB; anything far beyond that is not a board.
const MAX_BODY_BYTES: usize = 32 * 1024 * 1024;

/// A job post id Greenhouse never issues, used to test a key with no side effect.
pub const KEY_PROBE_JOB_ID: JobPostId = 0;

pub struct HttpGreenhouse {
    client: reqwest::Client,
    config: GreenhouseConfig,
}

impl HttpGreenhouse {
    pub fn new(config: GreenhouseConfig) -> Result<Self, reqwest::Error> {
        let client = reqwest::Client::builder()
            .connect_timeout(config.connect_timeout)
            .user_agent(concat!("atsi/", env!("CARGO_PKG_VERSION")))
            .build()?;
        Ok(Self { client, config })
    }

    fn url(&self, token: &BoardToken, rest: &str) -> String {
        format!(
            "{}/v1/boards/{}{}",
            self.config.base_url,
            token.as_str(),
            rest
        )
    }

    async fn read_body(mut resp: reqwest::Response) -> Result<String, GreenhouseError> {
        let mut buf = Vec::new();
        loop {
            match resp.chunk().await {
                Ok(Some(chunk)) => {
                    if buf.len() + chunk.len() > MAX_BODY_BYTES {
                        return Err(GreenhouseError::Malformed {
                            reason: format!("body larger than {MAX_BODY_BYTES} bytes"),
                        });
                    }
                    buf.extend_from_slice(&chunk);
                }
                Ok(None) => break,
                Err(e) => return Err(transport_error(&e, false)),
            }
        }
        Ok(String::from_utf8_lossy(&buf).into_owned())
    }

    /// GETs carry no Authorization header: the data is public, and Greenhouse appears to
    /// check credentials whenever a header is present (API.md §2.3).
    async fn get<T: DeserializeOwned>(&self, url: String) -> Result<T, GreenhouseError> {
        let resp = self
            .client
            .get(&url)
            .timeout(self.config.read_timeout)
            .send()
            .await
            .map_err(|e| transport_error(&e, false))?;
        let status = resp.status().as_u16();
        let body = Self::read_body(resp).await?;
        if !(200..300).contains(&status) {
            return Err(classify_failure(status, &body));
        }
        serde_json::from_str(&body).map_err(|e| GreenhouseError::Malformed {
            reason: format!("unexpected shape: {e}"),
        })
    }
}

/// A request that got no HTTP answer. Only a failure to connect proves the POST never
/// left; any later failure may have delivered it.
fn transport_error(e: &reqwest::Error, is_post: bool) -> GreenhouseError {
    let reason = if e.is_timeout() {
        "timed out"
    } else if e.is_connect() {
        "could not connect"
    } else {
        "connection failed"
    };
    GreenhouseError::Transient {
        status: None,
        reason: reason.to_owned(),
        maybe_delivered: is_post && !e.is_connect(),
    }
}

#[async_trait]
impl Greenhouse for HttpGreenhouse {
    async fn board(&self, token: &BoardToken) -> Result<Board, GreenhouseError> {
        self.get(self.url(token, "")).await
    }

    async fn jobs(&self, token: &BoardToken) -> Result<Vec<JobSummary>, GreenhouseError> {
        let list: JobList = self.get(self.url(token, "/jobs")).await?;
        Ok(list.jobs)
    }

    async fn job(
        &self,
        token: &BoardToken,
        job_id: JobPostId,
    ) -> Result<JobDetail, GreenhouseError> {
        self.get(self.url(
            token,
            &format!("/jobs/{job_id}?questions=true&pay_transparency=true"),
        ))
        .await
    }

    async fn education(
        &self,
        token: &BoardToken,
        kind: EducationKind,
        term: Option<&str>,
        page: u32,
    ) -> Result<EducationPage, GreenhouseError> {
        let mut url = reqwest::Url::parse(&self.url(token, &format!("/education/{}", kind.path())))
            .map_err(|e| GreenhouseError::Malformed {
                reason: e.to_string(),
            })?;
        {
            let mut q = url.query_pairs_mut();
            if let Some(t) = term {
                q.append_pair("term", t);
            }
            q.append_pair("page", &page.to_string());
        }
        self.get(url.to_string()).await
    }

    async fn verify_key(&self, token: &BoardToken, key: &ApiKey) -> Result<(), GreenhouseError> {
        let resp = self
            .client
            .post(self.url(token, &format!("/jobs/{KEY_PROBE_JOB_ID}")))
            .timeout(self.config.read_timeout)
            .header(reqwest::header::AUTHORIZATION, key.basic_authorization())
            .json(&serde_json::json!({}))
            .send()
            .await
            .map_err(|e| transport_error(&e, false))?;
        let status = resp.status().as_u16();
        let body = Self::read_body(resp).await?;
        match status {
            // Past the credential check: the key is accepted; the job (or the empty
            // body) is what Greenhouse refused, as intended.
            200..=299 | 400 | 404 | 422 => Ok(()),
            _ => Err(classify_failure(status, &body)),
        }
    }

    async fn submit(
        &self,
        token: &BoardToken,
        job_id: JobPostId,
        key: &ApiKey,
        body: &Map<String, Value>,
    ) -> Result<Submitted, GreenhouseError> {
        let resp = self
            .client
            .post(self.url(token, &format!("/jobs/{job_id}")))
            .timeout(self.config.submit_timeout)
            .header(reqwest::header::AUTHORIZATION, key.basic_authorization())
            .json(body)
            .send()
            .await
            .map_err(|e| transport_error(&e, true))?;
        let status = resp.status().as_u16();
        let text = Self::read_body(resp).await.map_err(|e| match e {
            // The answer started, so Greenhouse received the body.
            GreenhouseError::Transient { status, reason, .. } => GreenhouseError::Transient {
                status,
                reason,
                maybe_delivered: true,
            },
            other => other,
        })?;
        classify_submission(status, &text).map(|message| Submitted { status, message })
    }
}
