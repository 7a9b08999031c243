//! Seed bank integration tests: every test runs on SQLite and PostgreSQL.
mod api;
mod pages;

use std::sync::Arc;

use http::Method;
use serde_json::{json, Value};
use testkit::{Backend, Client, TestApp};

pub async fn app(b: Backend) -> TestApp {
    TestApp::new(b, vec![Arc::new(seedbank::Seedbank)]).await
}

pub const TAXREF: &str = include_str!("../../data/taxref-demo.txt");

/// A platform administrator who loaded TAXREF, and a conservator who runs the organisation `cbn`.
pub struct Bank {
    pub app: TestApp,
    pub admin: Client,
    pub keeper: Client,
    pub org: i64,
}

pub async fn bank(b: Backend) -> Bank {
    let app = app(b).await;
    let mut admin = app.user("admin@example.org", true).await;
    let r = admin
        .request(
            Method::POST,
            "/api/v1/seedbank/taxa/import",
            Some("text/tab-separated-values"),
            TAXREF.as_bytes().to_vec(),
        )
        .await;
    assert_eq!(r.status, http::StatusCode::OK, "{b:?}: {}", r.text());
    assert_eq!(r.json()["rejected"], json!([]), "{b:?}");
    let mut keeper = app.user("keeper@example.org", false).await;
    let org = keeper
        .post_json(
            "/api/v1/organisations",
            &json!({ "name": "Conservatoire botanique", "slug": "cbn" }),
        )
        .await;
    assert_eq!(org.status, http::StatusCode::CREATED, "{}", org.text());
    let org = org.json()["id"].as_i64().unwrap();
    Bank {
        app,
        admin,
        keeper,
        org,
    }
}

/// The cd_nom of a name of the demo TAXREF file (its valid form).
pub async fn cd_nom(c: &mut Client, lb_nom: &str) -> i64 {
    let found = c
        .get(&format!(
            "/api/v1/seedbank/taxa?q={}",
            lb_nom.replace(' ', "+")
        ))
        .await
        .json();
    found
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["lb_nom"] == lb_nom)
        .unwrap_or_else(|| panic!("{lb_nom} in {found}"))["cd_nom"]
        .as_i64()
        .unwrap()
}

pub async fn put_json(c: &mut Client, path: &str, body: &Value) -> testkit::TestResponse {
    c.request(
        Method::PUT,
        path,
        Some("application/json"),
        body.to_string().into_bytes(),
    )
    .await
}
