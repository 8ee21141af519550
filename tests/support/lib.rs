//! Test harness: the Greenhouse stand-in on a loopback port serving the fixture boards,
//! atsi's services on an embedded store in a temporary directory, and requests sent
//! through the same handler the Lambda functions and the local server use.

use atsi_api::{ApiRequest, Config, StoreBackend, build_services, handle_any};
use atsi_greenhouse::GreenhouseConfig;
use atsi_service::{Services, Settings};
use base64::Engine;
use bytes::Bytes;
use greenhouse_standin::{RunningStandIn, StandIn};
use http::{HeaderMap, HeaderValue, Method};
use serde_json::Value;
use std::path::PathBuf;
use std::time::Duration;

pub fn fixtures() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../infra/fixtures")
}

/// The first key a fixture board's stand-in accepts.
pub fn fixture_key(token: &str) -> String {
    let board: Value = serde_json::from_slice(
        &std::fs::read(fixtures().join(format!("boards/{token}.json"))).unwrap(),
    )
    .unwrap();
    board["api_keys"][0].as_str().unwrap().to_owned()
}

pub fn resume_docx() -> Vec<u8> {
    std::fs::read(fixtures().join("recorded/greenhouse-tools-php_test_resume.docx")).unwrap()
}

pub fn cover_letter_docx() -> Vec<u8> {
    std::fs::read(fixtures().join("recorded/greenhouse-tools-php_test_cover_letter.docx")).unwrap()
}

pub fn b64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

pub fn b64_decode(text: &str) -> Vec<u8> {
    base64::engine::general_purpose::STANDARD
        .decode(text)
        .unwrap()
}

pub struct Harness {
    pub standin: StandIn,
    pub running: RunningStandIn,
    pub services: Services,
    pub config: Config,
    pub dir: tempfile::TempDir,
    /// The EMF lines the functions would have written for every call so far.
    pub emitted: std::sync::Mutex<Vec<Value>>,
}

impl Harness {
    pub async fn start() -> Harness {
        let dir = tempfile::tempdir().unwrap();
        Self::start_in(dir).await
    }

    /// The same harness on the AWS adapters: fresh DynamoDB tables on `emulator`, created
    /// as template.yaml defines them, and Secrets Manager (moto) under a fresh prefix,
    /// behind the key cache as in production.
    pub async fn start_aws(emulator: atsi_store_aws::testing::Emulator) -> Harness {
        let mut h = Self::start().await;
        let (store, _) = atsi_store_aws::testing::fresh_store(emulator).await;
        let secrets = atsi_store_aws::testing::fresh_secrets().await;
        let secrets = atsi_store::CachedSecretStore::new(secrets, Duration::from_secs(300));
        h.services = Services::over(
            std::sync::Arc::new(store),
            std::sync::Arc::new(secrets),
            h.services.greenhouse.clone(),
            h.services.settings,
        );
        h
    }

    /// A harness on an existing data directory: a restart of atsi.
    pub async fn start_in(dir: tempfile::TempDir) -> Harness {
        let standin = StandIn::from_dir(fixtures().join("boards")).unwrap();
        let running = standin.serve("127.0.0.1:0".parse().unwrap()).await.unwrap();
        let mut greenhouse = GreenhouseConfig::new(running.base_url());
        // Short limits keep timeout tests fast; nothing else comes near them.
        greenhouse.read_timeout = Duration::from_secs(2);
        greenhouse.submit_timeout = Duration::from_millis(1500);
        let config = Config {
            store: StoreBackend::Embedded {
                data_dir: dir.path().to_owned(),
            },
            greenhouse,
            settings: Settings::default(),
        };
        let services = build_services(&config).await.unwrap();
        Harness {
            standin,
            running,
            services,
            config,
            dir,
            emitted: Default::default(),
        }
    }

    pub async fn call(&self, method: Method, path: &str, body: Option<&Value>) -> (u16, Value) {
        self.call_with(method, path, body, &[]).await
    }

    pub async fn call_with(
        &self,
        method: Method,
        path: &str,
        body: Option<&Value>,
        headers: &[(&str, &str)],
    ) -> (u16, Value) {
        let mut map = HeaderMap::new();
        if body.is_some() {
            map.insert("content-type", HeaderValue::from_static("application/json"));
        }
        for (k, v) in headers {
            map.insert(
                http::HeaderName::from_bytes(k.as_bytes()).unwrap(),
                HeaderValue::from_str(v).unwrap(),
            );
        }
        let req = ApiRequest {
            method,
            path: path.split('?').next().unwrap_or_default().to_owned(),
            query: path.split_once('?').map(|(_, q)| q.to_owned()),
            headers: map,
            body: body.map_or_else(Bytes::new, |b| Bytes::from(serde_json::to_vec(b).unwrap())),
            request_id: "test".into(),
        };
        let function = atsi_api::route(&req.method, &req.path).map(|r| r.function());
        let resp = handle_any(&self.services, req).await;
        self.collect_metrics(function.map_or("unrouted", |f| f.name()));
        (resp.status, resp.body.unwrap_or(Value::Null))
    }

    fn collect_metrics(&self, function: &str) {
        let docs =
            atsi_service::metrics::emf_documents(function, &self.services.metrics.drain(), 0);
        self.emitted.lock().unwrap().extend(docs);
    }

    /// The scheduled sync, as EventBridge invokes the sync function.
    pub async fn scheduled_sync(&self) -> Value {
        let event: Value = serde_json::from_slice(
            &std::fs::read(
                PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("events/sync-schedule.json"),
            )
            .unwrap(),
        )
        .unwrap();
        let out = atsi_api::lambda::handle_event(atsi_api::Function::Sync, &self.services, event)
            .await
            .unwrap();
        self.collect_metrics("sync");
        out
    }

    /// Applications the stand-in received, without registration's key probes.
    pub fn deliveries(&self) -> Vec<greenhouse_standin::ReceivedApplication> {
        let all = self.standin.received();
        all.into_iter()
            .filter(|r| r.job_id != atsi_greenhouse::KEY_PROBE_JOB_ID)
            .collect()
    }

    /// Submits an application as a job board would.
    pub async fn apply(&self, employer: &str, job_id: u64, submission: &Value) -> (u16, Value) {
        let path = format!("/v1/employers/{employer}/jobs/{job_id}/applications");
        self.call(Method::POST, &path, Some(submission)).await
    }

    /// Registers `employer` for a fixture board with the key the board accepts.
    pub async fn register(&self, employer: &str, token: &str) -> (u16, Value) {
        self.register_with_key(employer, token, &fixture_key(token))
            .await
    }

    pub async fn register_with_key(&self, employer: &str, token: &str, key: &str) -> (u16, Value) {
        let body = serde_json::json!({"board_token": token, "api_key": key});
        self.call(
            Method::PUT,
            &format!("/v1/employers/{employer}"),
            Some(&body),
        )
        .await
    }
}

/// An error answer's code and retryable flag.
pub fn error_of(body: &Value) -> (Option<&str>, Option<bool>) {
    (
        body["error"]["code"].as_str(),
        body["error"]["retryable"].as_bool(),
    )
}
