use testkit::{backends, TestApp};

fn modules() -> Vec<platform::module::SharedModule> {
    vec![std::sync::Arc::new(catalog::Catalog)]
}

#[tokio::test]
async fn migrations_apply_on_both_backends() {
    for b in backends() {
        let app = TestApp::new(b, modules()).await;
        let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM catalog_datasets").fetch_one(app.platform.db.pool()).await.unwrap();
        assert_eq!(n, 0);
    }
}
