//! The store contract against real implementations of DynamoDB's protocol: moto, and
//! AWS's own DynamoDB Local. Both are started by the test command; each test gets fresh
//! tables created as template.yaml defines them.

use atsi_store::contract;
use atsi_store_aws::testing::{Emulator, fresh_store};

macro_rules! contract_on {
    ($emulator:expr, $($name:ident => $suite:ident),* $(,)?) => {
        $(
            #[tokio::test]
            async fn $name() {
                let (store, _) = fresh_store($emulator).await;
                contract::$suite(&store).await;
            }
        )*
    };
}

mod moto {
    use super::*;
    contract_on!(Emulator::Moto,
        employers => employers,
        jobs => jobs,
        ledger => ledger,
        ledger_idempotency_race => ledger_idempotency_race,
    );
}

mod dynamodb_local {
    use super::*;
    contract_on!(Emulator::DynamoDbLocal,
        employers => employers,
        jobs => jobs,
        ledger => ledger,
        ledger_idempotency_race => ledger_idempotency_race,
    );
}
