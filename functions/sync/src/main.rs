//! The sync Lambda function: the EventBridge schedule syncs every employer, an API
//! Gateway request syncs one.

use atsi_api::{Config, Function, build_services, init_tracing, lambda};
use lambda_runtime::{LambdaEvent, service_fn};
use serde_json::Value;

#[tokio::main]
async fn main() -> Result<(), lambda_runtime::Error> {
    init_tracing();
    let services = build_services(&Config::from_env()?).await?;
    let services = &services;
    lambda_runtime::run(service_fn(move |event: LambdaEvent<Value>| async move {
        lambda::handle_event(Function::Sync, services, event.payload)
            .await
            .map_err(lambda_runtime::Error::from)
    }))
    .await
}
