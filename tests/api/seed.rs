//! Data a test starts from, written straight to the app's database.

use crate::helpers::{TestApp, data_file};

impl TestApp {
    /// Adds an empty trust `uid`: tokens naming a trust that does not
    /// exist are refused.
    pub async fn create_trust(&self, uid: &str) {
        use sea_orm::{ActiveModelTrait, Set};
        let trust = entity::trust::ActiveModel {
            uid: Set(uid.to_owned()),
            name: Set(format!("Test trust {uid}")),
            companies_house_number: Set(None),
            min_cell_size: Set(5),
            created_at: Set(chrono::Utc::now()),
            strict_neutral_language: Set(false),
            judgemental_terms: Set(None),
        };
        trust.insert(self.db()).await.expect("create trust");
    }

    /// Imports the real GIAS file (4 trusts, 59 schools).
    pub async fn import_schools(&self) {
        let bytes = std::fs::read(data_file("gias-mat-2017.csv")).expect("read GIAS file");
        api::import::gias::import_schools(self.db(), &bytes)
            .await
            .expect("import schools");
    }

    /// Imports the trust-core protocol into `trust` and returns its global id.
    pub async fn import_core_protocol(&self, trust: &str) -> String {
        let bytes = std::fs::read(data_file("protocol-trust-core.json")).expect("read protocol");
        let imported = api::import::protocol::import_protocol(self.db(), trust, &bytes)
            .await
            .expect("import protocol");
        api::graphql::ids::encode(api::graphql::ids::PROTOCOL, imported.id).0
    }
}
