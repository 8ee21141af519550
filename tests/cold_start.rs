//! Its own test binary: it sets a process-wide environment variable.

/// Cold start builds the AWS clients without a single connection: the SDK resolves
/// credentials and connects on the first request.
#[tokio::test]
async fn a_cold_start_makes_no_network_call() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.set_nonblocking(true).unwrap();
    let endpoint = format!("http://{}", listener.local_addr().unwrap());
    let config = atsi_api::Config {
        store: atsi_api::StoreBackend::Aws {
            tables: atsi_store_aws::TableNames {
                employers: "e".into(),
                jobs: "j".into(),
                applications: "a".into(),
            },
            secret_prefix: "atsi/test/greenhouse".into(),
            key_cache: std::time::Duration::from_secs(300),
        },
        greenhouse: atsi_greenhouse::GreenhouseConfig::new(endpoint.clone()),
        settings: atsi_service::Settings::default(),
    };
    // SAFETY: this test binary holds this one test, so no other thread reads the
    // environment while it is changed.
    unsafe { std::env::set_var("AWS_ENDPOINT_URL", &endpoint) };
    let services = atsi_api::build_services(&config).await.expect("cold start");
    assert!(
        listener.accept().is_err(),
        "nothing connected during the cold start"
    );
    // The same listener does see the first real request, so the check above could fail.
    let id = atsi_domain::EmployerId::parse("anyone").unwrap();
    let first = tokio::spawn(async move { services.employers.get(&id).await });
    let mut connected = false;
    for _ in 0..100 {
        if listener.accept().is_ok() {
            connected = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    first.abort();
    assert!(connected, "the first request reached the endpoint");
}
