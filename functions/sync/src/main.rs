//! The sync Lambda function: the EventBridge schedule syncs every employer, an API
//! Gateway request syncs one.

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    atsi_api::lambda::start(atsi_api::Function::Sync).await
}
