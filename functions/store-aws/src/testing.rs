//! Test support: fresh tables on a real implementation of DynamoDB's protocol (moto or
//! DynamoDB Local), created exactly as `template.yaml` defines them. The test command
//! derives the definitions from the template (`tests/aws/check_template.py`) and names
//! the emulators' endpoints in the environment.

use crate::{DynamoStore, SecretsManagerStore, TableNames};
use aws_sdk_dynamodb::types::{
    AttributeDefinition, BillingMode, GlobalSecondaryIndex, KeySchemaElement, KeyType, Projection,
    ProjectionType, ScalarAttributeType, TimeToLiveSpecification,
};
use serde_json::Value;

/// Which emulator a test runs against.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Emulator {
    Moto,
    DynamoDbLocal,
}

impl Emulator {
    fn variable(self) -> &'static str {
        match self {
            Emulator::Moto => "ATSI_TEST_MOTO_ENDPOINT",
            Emulator::DynamoDbLocal => "ATSI_TEST_DYNAMODB_LOCAL_ENDPOINT",
        }
    }

    /// The emulator's endpoint. Missing means the suite was not started by the test
    /// command: that is a failure, never a skip.
    pub fn endpoint(self) -> String {
        std::env::var(self.variable()).unwrap_or_else(|_| {
            panic!(
                "{} is not set: run ./tests/run, which starts moto and DynamoDB Local for the AWS tests",
                self.variable()
            )
        })
    }
}

/// SDK configuration for an emulator: fixed region and test credentials, no metadata probe.
pub async fn config(endpoint: &str) -> aws_config::SdkConfig {
    aws_config::defaults(aws_config::BehaviorVersion::latest())
        .endpoint_url(endpoint)
        .region(aws_config::Region::new("eu-west-1"))
        .credentials_provider(aws_sdk_dynamodb::config::Credentials::new(
            "testing",
            "testing",
            None,
            None,
            "atsi-tests",
        ))
        .load()
        .await
}

fn specs() -> Vec<Value> {
    let path = std::env::var("ATSI_TEST_TABLES_JSON")
        .unwrap_or_else(|_| panic!("ATSI_TEST_TABLES_JSON is not set: run ./tests/run"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let doc: Value = serde_json::from_str(&text).expect("tables.json is JSON");
    doc["tables"]
        .as_array()
        .expect("tables.json lists tables")
        .clone()
}

fn key_schema(v: &Value) -> Vec<KeySchemaElement> {
    v.as_array()
        .expect("KeySchema")
        .iter()
        .map(|k| {
            KeySchemaElement::builder()
                .attribute_name(k["AttributeName"].as_str().expect("AttributeName"))
                .key_type(KeyType::from(k["KeyType"].as_str().expect("KeyType")))
                .build()
                .expect("key schema element")
        })
        .collect()
}

/// Creates the template's tables under unique names (so every test starts empty) and
/// answers the store on them.
pub async fn fresh_store(emulator: Emulator) -> (DynamoStore, TableNames) {
    let conf = config(&emulator.endpoint()).await;
    let client = aws_sdk_dynamodb::Client::new(&conf);
    let run = uuid::Uuid::now_v7().simple().to_string();
    let mut names = TableNames {
        employers: String::new(),
        jobs: String::new(),
        applications: String::new(),
    };
    for spec in specs() {
        let create = &spec["create_table"];
        let name = format!("{}-{run}", create["TableName"].as_str().expect("TableName"));
        let mut req = client
            .create_table()
            .table_name(&name)
            .billing_mode(BillingMode::from(
                create["BillingMode"].as_str().unwrap_or("PAY_PER_REQUEST"),
            ))
            .set_key_schema(Some(key_schema(&create["KeySchema"])));
        for a in create["AttributeDefinitions"]
            .as_array()
            .expect("AttributeDefinitions")
        {
            req = req.attribute_definitions(
                AttributeDefinition::builder()
                    .attribute_name(a["AttributeName"].as_str().expect("AttributeName"))
                    .attribute_type(ScalarAttributeType::from(
                        a["AttributeType"].as_str().expect("AttributeType"),
                    ))
                    .build()
                    .expect("attribute definition"),
            );
        }
        for g in create["GlobalSecondaryIndexes"]
            .as_array()
            .into_iter()
            .flatten()
        {
            let projection = Projection::builder()
                .projection_type(ProjectionType::from(
                    g["Projection"]["ProjectionType"].as_str().unwrap_or("ALL"),
                ))
                .build();
            req = req.global_secondary_indexes(
                GlobalSecondaryIndex::builder()
                    .index_name(g["IndexName"].as_str().expect("IndexName"))
                    .set_key_schema(Some(key_schema(&g["KeySchema"])))
                    .projection(projection)
                    .build()
                    .expect("index"),
            );
        }
        req.send().await.unwrap_or_else(|e| {
            panic!(
                "create {name}: {}",
                aws_sdk_dynamodb::error::DisplayErrorContext(e)
            )
        });
        if let Some(attr) = spec["ttl_attribute"].as_str() {
            client
                .update_time_to_live()
                .table_name(&name)
                .time_to_live_specification(
                    TimeToLiveSpecification::builder()
                        .attribute_name(attr)
                        .enabled(true)
                        .build()
                        .expect("ttl"),
                )
                .send()
                .await
                .unwrap_or_else(|e| {
                    panic!(
                        "ttl {name}: {}",
                        aws_sdk_dynamodb::error::DisplayErrorContext(e)
                    )
                });
        }
        match spec["env_var"].as_str() {
            Some("ATSI_EMPLOYERS_TABLE") => names.employers = name,
            Some("ATSI_JOBS_TABLE") => names.jobs = name,
            Some("ATSI_APPLICATIONS_TABLE") => names.applications = name,
            other => panic!("unexpected table variable {other:?}"),
        }
    }
    assert!(
        !names.employers.is_empty() && !names.jobs.is_empty() && !names.applications.is_empty(),
        "template defines all three tables"
    );
    (DynamoStore::from_conf(&conf, names.clone()), names)
}

/// A Secrets Manager store on moto under a prefix of its own.
pub async fn fresh_secrets() -> SecretsManagerStore {
    let conf = config(&Emulator::Moto.endpoint()).await;
    let prefix = format!("atsi/test-{}/greenhouse", uuid::Uuid::now_v7().simple());
    SecretsManagerStore::from_conf(&conf, prefix)
}
