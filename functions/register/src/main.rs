//! The register Lambda function: the operator API (register, rotate, inspect, remove).

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    atsi_api::lambda::start(atsi_api::Function::Register).await
}
