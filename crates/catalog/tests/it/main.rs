//! Integration tests of the catalog module, on SQLite and PostgreSQL.
mod badges;
mod checks;
mod ckan;
mod datasets;
mod dcat;
mod forms;
mod pages;
mod publications;
mod reuses;
mod search;
mod tabular;

use std::sync::Arc;

use testkit::{Backend, TestApp};

pub async fn app(b: Backend) -> TestApp {
    TestApp::new(b, vec![Arc::new(catalog::Catalog)]).await
}
