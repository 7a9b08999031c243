//! Test support: a `TestApp` on a temporary SQLite database or a throwaway PostgreSQL database,
//! an in-process HTTP client with a cookie jar, and account fixtures.
//!
//! PostgreSQL: `TEST_DATABASE_URL` (an admin URL) when set; otherwise a cluster started once per
//! machine with the installed `initdb`/`pg_ctl` under the system temp directory (as the
//! `postgres` user when running as root, since `initdb` refuses root). Each `TestApp` gets its own
//! database. Without PostgreSQL the PG half of a test is skipped, unless `COMMUNS_REQUIRE_PG=1`.
mod pg;

use std::collections::BTreeMap;
use std::sync::Arc;

use axum::body::Body;
use axum::Router;
use bytes::Bytes;
use http::{header, Method, Request, StatusCode};
use http_body_util::BodyExt;
use platform::config::Config;
use platform::module::SharedModule;
use platform::Platform;
use tower::ServiceExt;

pub use pg::postgres_admin_url;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

pub struct TestApp {
    pub platform: Platform,
    pub router: Router,
    pub backend: Backend,
    _dir: tempfile::TempDir,
}

/// A response read whole.
pub struct TestResponse {
    pub status: StatusCode,
    pub headers: http::HeaderMap,
    pub body: Bytes,
}

impl TestResponse {
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.text()))
    }
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
    /// The problem+json `code` of an error answer.
    pub fn problem_code(&self) -> String {
        assert_eq!(self.header("content-type"), Some("application/problem+json"), "not a problem: {} {}", self.status, self.text());
        self.json()["code"].as_str().unwrap_or_default().to_string()
    }
}

/// Which backends to run a conformance test on: SQLite always, PostgreSQL when available.
pub fn backends() -> Vec<Backend> {
    let mut v = vec![Backend::Sqlite];
    if pg::available() {
        v.push(Backend::Postgres);
    }
    v
}

impl TestApp {
    pub async fn new(backend: Backend, modules: Vec<SharedModule>) -> TestApp {
        Self::with_config(backend, modules, |_| {}).await
    }

    pub async fn with_config(backend: Backend, modules: Vec<SharedModule>, tweak: impl FnOnce(&mut Config)) -> TestApp {
        let dir = tempfile::tempdir().expect("temp dir");
        let mut config = Config { data_dir: dir.path().to_path_buf(), ..Config::default() };
        config.database_url = Some(match backend {
            Backend::Sqlite => platform::db::default_sqlite_url(dir.path()),
            Backend::Postgres => pg::fresh_database().await,
        });
        config.rate_limit_per_ip = 0;
        config.rate_limit_per_token = 0;
        tweak(&mut config);
        let mut b = platform::Builder::new(config);
        b.random = Arc::new(platform::clock::OsRandom);
        for m in modules {
            b = b.module(m);
        }
        let platform = b.build().await.expect("platform builds");
        let router = platform::http::app(platform.clone());
        TestApp { platform, router, backend, _dir: dir }
    }

    pub fn client(&self) -> Client {
        Client { router: self.router.clone(), cookies: BTreeMap::new(), csrf: None, headers: Vec::new() }
    }

    /// Registers, verifies and logs in an account; returns its client (cookies and CSRF token set).
    pub async fn user(&self, email: &str, admin: bool) -> Client {
        let mut c = self.client();
        let r = c
            .post_json("/api/v1/auth/register", &serde_json::json!({ "email": email, "display_name": email.split('@').next().unwrap_or("x"), "password": "correct horse battery" }))
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "register {email}: {}", r.text());
        let user = self.platform.user_by_email(email).await.unwrap().unwrap();
        self.platform.mark_email_verified(user.id).await.unwrap();
        if admin {
            self.platform.admin_set_user_flags(&platform::audit::Actor::system("test"), user.id, Some(true), None).await.unwrap();
        }
        c.login(email, "correct horse battery").await;
        c
    }
}

/// An in-process browser-like client: keeps cookies, echoes the CSRF token.
#[derive(Clone)]
pub struct Client {
    router: Router,
    pub cookies: BTreeMap<String, String>,
    pub csrf: Option<String>,
    pub headers: Vec<(String, String)>,
}

impl Client {
    /// A client presenting an API token instead of cookies.
    pub fn with_token(&self, token: &str) -> Client {
        Client { router: self.router.clone(), cookies: BTreeMap::new(), csrf: None, headers: vec![("authorization".into(), format!("Bearer {token}"))] }
    }

    pub async fn request(&mut self, method: Method, path: &str, content_type: Option<&str>, body: Vec<u8>) -> TestResponse {
        let mut req = Request::builder().method(method.clone()).uri(path).header(header::HOST, "localhost");
        if let Some(ct) = content_type {
            req = req.header(header::CONTENT_TYPE, ct);
        }
        if !self.cookies.is_empty() {
            let c: Vec<String> = self.cookies.iter().map(|(k, v)| format!("{k}={v}")).collect();
            req = req.header(header::COOKIE, c.join("; "));
        }
        if method != Method::GET {
            if let Some(t) = &self.csrf {
                req = req.header("x-csrf-token", t);
            }
        }
        for (k, v) in &self.headers {
            req = req.header(k.as_str(), v.as_str());
        }
        let res = self.router.clone().oneshot(req.body(Body::from(body)).unwrap()).await.unwrap();
        let (parts, body) = res.into_parts();
        let body = body.collect().await.unwrap().to_bytes();
        for sc in parts.headers.get_all(header::SET_COOKIE) {
            let s = sc.to_str().unwrap_or("");
            if let Some((kv, _)) = s.split_once(';') {
                if let Some((k, v)) = kv.split_once('=') {
                    if v.is_empty() || s.contains("Max-Age=0") {
                        self.cookies.remove(k);
                    } else {
                        self.cookies.insert(k.to_string(), v.to_string());
                    }
                }
            }
        }
        TestResponse { status: parts.status, headers: parts.headers, body }
    }

    pub async fn get(&mut self, path: &str) -> TestResponse {
        self.request(Method::GET, path, None, Vec::new()).await
    }
    pub async fn delete(&mut self, path: &str) -> TestResponse {
        self.request(Method::DELETE, path, None, Vec::new()).await
    }
    pub async fn post_json(&mut self, path: &str, body: &serde_json::Value) -> TestResponse {
        self.request(Method::POST, path, Some("application/json"), serde_json::to_vec(body).unwrap()).await
    }
    pub async fn patch_json(&mut self, path: &str, body: &serde_json::Value) -> TestResponse {
        self.request(Method::PATCH, path, Some("application/json"), serde_json::to_vec(body).unwrap()).await
    }
    /// Posts a form as a browser would, with the page's CSRF token as `_csrf`.
    pub async fn post_form(&mut self, path: &str, fields: &[(&str, &str)]) -> TestResponse {
        let mut all: Vec<(&str, &str)> = fields.to_vec();
        let token = self.csrf.clone().or_else(|| self.cookies.get(platform::http::CSRF_COOKIE).cloned()).unwrap_or_default();
        all.push(("_csrf", &token));
        let body = serde_urlencoded::to_string(&all).unwrap();
        let saved = self.csrf.take();
        let r = self.request(Method::POST, path, Some("application/x-www-form-urlencoded"), body.into_bytes()).await;
        self.csrf = saved;
        r
    }

    /// Logs in through the login form and keeps the session's CSRF token.
    pub async fn login(&mut self, email: &str, password: &str) {
        self.get("/login").await;
        let r = self.post_form("/login", &[("email", email), ("password", password)]).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "login {email}: {}", r.text());
        let page = self.get("/account").await.text();
        let marker = "name=\"csrf-token\" content=\"";
        let start = page.find(marker).expect("csrf meta") + marker.len();
        self.csrf = Some(page[start..start + 32].to_string());
    }
}
