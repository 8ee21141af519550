//! What happened, in numbers: the use cases record samples here, and the Lambda adapter
//! writes them after each invocation as CloudWatch Embedded Metric Format lines on stdout,
//! which CloudWatch turns into metrics with no API call. The catalogue below is the one
//! `template.yaml`'s alarms and dashboard refer to; a test holds the two together.

use serde_json::{Map, Value, json};
use std::collections::BTreeMap;
use std::sync::Mutex;

pub const NAMESPACE: &str = "atsi";

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Metric {
    ApplicationsReceived,
    ApplicationsDelivered,
    ApplicationsRejected,
    ApplicationsFailed,
    DeliveryLatency,
    GreenhouseResponses,
    CredentialsInvalid,
    SyncsRun,
    SyncsFailed,
    JobsAdded,
    JobsUpdated,
    JobsClosed,
    EmployersStale,
    EmployersWithInvalidCredentials,
}

impl Metric {
    pub const ALL: [Metric; 14] = [
        Metric::ApplicationsReceived,
        Metric::ApplicationsDelivered,
        Metric::ApplicationsRejected,
        Metric::ApplicationsFailed,
        Metric::DeliveryLatency,
        Metric::GreenhouseResponses,
        Metric::CredentialsInvalid,
        Metric::SyncsRun,
        Metric::SyncsFailed,
        Metric::JobsAdded,
        Metric::JobsUpdated,
        Metric::JobsClosed,
        Metric::EmployersStale,
        Metric::EmployersWithInvalidCredentials,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Metric::ApplicationsReceived => "ApplicationsReceived",
            Metric::ApplicationsDelivered => "ApplicationsDelivered",
            Metric::ApplicationsRejected => "ApplicationsRejected",
            Metric::ApplicationsFailed => "ApplicationsFailed",
            Metric::DeliveryLatency => "DeliveryLatency",
            Metric::GreenhouseResponses => "GreenhouseResponses",
            Metric::CredentialsInvalid => "CredentialsInvalid",
            Metric::SyncsRun => "SyncsRun",
            Metric::SyncsFailed => "SyncsFailed",
            Metric::JobsAdded => "JobsAdded",
            Metric::JobsUpdated => "JobsUpdated",
            Metric::JobsClosed => "JobsClosed",
            Metric::EmployersStale => "EmployersStale",
            Metric::EmployersWithInvalidCredentials => "EmployersWithInvalidCredentials",
        }
    }

    fn unit(self) -> &'static str {
        match self {
            Metric::DeliveryLatency => "Milliseconds",
            _ => "Count",
        }
    }
}

/// The class of a Greenhouse answer to an application POST: a bounded dimension value.
pub fn response_class(result: &Result<(), &atsi_greenhouse::GreenhouseError>) -> &'static str {
    use atsi_greenhouse::GreenhouseError as E;
    match result {
        Ok(()) => "success",
        Err(E::Rejected { .. }) => "rejected",
        Err(E::NotFound { .. }) => "not_found",
        Err(E::InvalidKey) => "invalid_key",
        Err(E::Transient {
            maybe_delivered: true,
            ..
        }) => "timeout",
        Err(E::Transient { .. }) => "unavailable",
        Err(E::Malformed { .. }) => "malformed",
    }
}

/// Samples since the last drain. Counts of one metric add up; latencies are kept as
/// values (EMF takes an array).
#[derive(Debug, Default)]
pub struct MetricsRecorder {
    samples: Mutex<Drained>,
}

/// One metric of one drain: its class (for `GreenhouseResponses`) and its values.
pub type Drained = BTreeMap<(Metric, Option<&'static str>), Vec<f64>>;

impl MetricsRecorder {
    fn record(&self, metric: Metric, class: Option<&'static str>, value: f64) {
        let mut samples = self.samples.lock().unwrap_or_else(|e| e.into_inner());
        let values = samples.entry((metric, class)).or_default();
        match (metric.unit(), values.first_mut()) {
            ("Count", Some(total)) => *total += value,
            _ => values.push(value),
        }
    }

    pub fn count(&self, metric: Metric, n: usize) {
        self.record(metric, None, n as f64);
    }

    pub fn latency(&self, millis: u128) {
        self.record(Metric::DeliveryLatency, None, millis as f64);
    }

    pub fn greenhouse_response(&self, class: &'static str) {
        self.record(Metric::GreenhouseResponses, Some(class), 1.0);
    }

    pub fn drain(&self) -> Drained {
        std::mem::take(&mut *self.samples.lock().unwrap_or_else(|e| e.into_inner()))
    }
}

/// EMF documents for one function's samples: one for the metrics dimensioned by
/// `Function` alone, one per Greenhouse response class.
pub fn emf_documents(function: &str, samples: &Drained, timestamp_ms: i64) -> Vec<Value> {
    let mut plain = Map::new();
    let mut plain_defs = Vec::new();
    let mut docs = Vec::new();
    for ((metric, class), values) in samples {
        let value = if values.len() == 1 {
            json!(values[0])
        } else {
            json!(values)
        };
        let def = json!({"Name": metric.name(), "Unit": metric.unit()});
        match class {
            None => {
                plain.insert(metric.name().into(), value);
                plain_defs.push(def);
            }
            Some(class) => docs.push(json!({
                "_aws": {"Timestamp": timestamp_ms, "CloudWatchMetrics": [{
                    "Namespace": NAMESPACE, "Dimensions": [["Function", "Class"]], "Metrics": [def]
                }]},
                "Function": function,
                "Class": class,
                metric.name(): value,
            })),
        }
    }
    if !plain_defs.is_empty() {
        let mut doc = json!({
            "_aws": {"Timestamp": timestamp_ms, "CloudWatchMetrics": [{
                "Namespace": NAMESPACE, "Dimensions": [["Function"]], "Metrics": plain_defs
            }]},
            "Function": function,
        });
        if let Some(obj) = doc.as_object_mut() {
            obj.extend(plain);
        }
        docs.insert(0, doc);
    }
    docs
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_add_up_latencies_are_kept_and_classes_get_their_own_document() {
        let m = MetricsRecorder::default();
        m.count(Metric::ApplicationsReceived, 1);
        m.count(Metric::ApplicationsReceived, 2);
        m.latency(120);
        m.latency(80);
        m.greenhouse_response("success");
        m.greenhouse_response("success");
        m.greenhouse_response("timeout");
        let docs = emf_documents("apply", &m.drain(), 1_700_000_000_000);
        assert_eq!(docs.len(), 3);
        assert_eq!(docs[0]["Function"], "apply");
        assert_eq!(docs[0]["ApplicationsReceived"], json!(3.0));
        assert_eq!(docs[0]["DeliveryLatency"], json!([120.0, 80.0]));
        assert_eq!(
            docs[0]["_aws"]["CloudWatchMetrics"][0]["Dimensions"],
            json!([["Function"]])
        );
        assert_eq!(docs[0]["_aws"]["CloudWatchMetrics"][0]["Namespace"], "atsi");
        let classes: Vec<(&str, f64)> = docs[1..]
            .iter()
            .map(|d| {
                (
                    d["Class"].as_str().unwrap(),
                    d["GreenhouseResponses"].as_f64().unwrap(),
                )
            })
            .collect();
        assert_eq!(classes, vec![("success", 2.0), ("timeout", 1.0)]);
        assert!(m.drain().is_empty(), "drained");
        assert!(emf_documents("apply", &m.drain(), 0).is_empty());
    }
}
