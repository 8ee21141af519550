//! The apply Lambda function: API Gateway events in, atsi's apply routes out.

use atsi_api::{Config, Function, build_services, init_tracing, lambda};

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    init_tracing();
    let services = build_services(&Config::from_env()?).await?;
    lambda::run_http_function(Function::Apply, services).await
}
