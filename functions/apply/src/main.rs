//! The apply Lambda function: the job board API (open jobs, forms, applications).

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    atsi_api::lambda::start(atsi_api::Function::Apply).await
}
