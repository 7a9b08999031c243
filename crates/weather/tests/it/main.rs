//! Weather integration tests: every storage test runs on SQLite and PostgreSQL.
mod fixtures;
mod imports;
mod mapped;
mod mf_daily;
mod ogc;
mod pages;

use std::sync::Arc;

use testkit::{Backend, TestApp};

pub async fn app(b: Backend) -> TestApp {
    TestApp::new(b, vec![Arc::new(weather::Weather)]).await
}
