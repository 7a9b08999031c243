//! Kernel integration tests: every storage-touching test runs on SQLite and PostgreSQL.
mod access_matrix;
mod http_edge;
mod identity;
mod services;

use testkit::{Backend, TestApp};

pub async fn app(b: Backend) -> TestApp {
    TestApp::new(b, Vec::new()).await
}
