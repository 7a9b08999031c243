//! The link checker against loopback servers only, on both backends: headers captured, HEAD
//! refused → GET, redirect chains, broken links, timeouts and refused connections needing
//! confirmation, an offline checker changing nothing, change detection, extras and quality on
//! the resource, the scheduled job, croquemort's API (with its callback), permissions.
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, Once};
use std::time::Duration;

use axum::extract::State;
use axum::http::{header, HeaderMap, Method, StatusCode};
use axum::response::IntoResponse;
use axum::routing::{get, post};
use catalog::domain::model::{DatasetInput, ResourceInput};
use platform::audit::Actor;
use serde_json::{json, Value};
use sqlx::Row;
use testkit::{backends, Client, TestApp};

use crate::app;

/// Loopback servers need the private-address flag; short timeouts keep the timeout tests
/// quick; no politeness delay between the many requests to 127.0.0.1. Set once, before any
/// check, and identical for every test of the binary.
fn settings() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        std::env::set_var("COMMUNS_CATALOG_ALLOW_PRIVATE_URLS", "1");
        std::env::set_var("COMMUNS_CATALOG_CHECK_TIMEOUT_SECS", "1");
        std::env::set_var("COMMUNS_CATALOG_CHECK_HOST_DELAY_MS", "0");
    });
}

/// What the test server serves, changeable during a test, and what it saw.
#[derive(Default)]
struct Remote {
    etag: Mutex<String>,
    last_modified: Mutex<Option<String>>,
    slow: AtomicBool,
    fixed: AtomicBool,
    log: Mutex<Vec<(String, String)>>,
    hooks: Mutex<Vec<Value>>,
}

type S = State<Arc<Remote>>;

fn log(r: &Remote, m: &Method, path: &str) {
    r.log.lock().unwrap().push((m.to_string(), path.to_string()));
}

async fn ok_csv(State(r): S, m: Method) -> impl IntoResponse {
    log(&r, &m, "/ok.csv");
    let mut h = HeaderMap::new();
    h.insert(header::CONTENT_TYPE, "text/csv; charset=utf-8".parse().unwrap());
    h.insert(header::ETAG, r.etag.lock().unwrap().parse().unwrap());
    if let Some(lm) = r.last_modified.lock().unwrap().clone() {
        h.insert(header::LAST_MODIFIED, lm.parse().unwrap());
    }
    h.insert(header::CONTENT_DISPOSITION, "attachment; filename=\"ok.csv\"".parse().unwrap());
    (h, "a;b\n1;2\n")
}

async fn server() -> (String, Arc<Remote>) {
    let remote = Arc::new(Remote { etag: Mutex::new("\"v1\"".into()), ..Default::default() });
    let app = axum::Router::new()
        .route("/ok.csv", get(ok_csv))
        .route(
            "/no-head.csv",
            get(|State(r): S, m: Method| async move {
                log(&r, &m, "/no-head.csv");
                ([(header::CONTENT_TYPE, "text/csv")], "x\n".repeat(100_000))
            })
            .head(|State(r): S, m: Method| async move {
                log(&r, &m, "/no-head.csv");
                StatusCode::METHOD_NOT_ALLOWED
            }),
        )
        .route("/r1", get(|| async { (StatusCode::MOVED_PERMANENTLY, [(header::LOCATION, "/r2")]) }))
        .route("/r2", get(|| async { (StatusCode::FOUND, [(header::LOCATION, "ok.csv")]) }))
        .route("/loop", get(|| async { (StatusCode::FOUND, [(header::LOCATION, "/loop")]) }))
        .route(
            "/fixable.csv",
            get(|State(r): S| async move { if r.fixed.load(Ordering::SeqCst) { (StatusCode::OK, "ok").into_response() } else { (StatusCode::NOT_FOUND, "introuvable").into_response() } }),
        )
        .route(
            "/flaky.csv",
            get(|State(r): S| async move {
                if r.slow.load(Ordering::SeqCst) {
                    tokio::time::sleep(Duration::from_secs(5)).await;
                }
                "ok"
            }),
        )
        .route(
            "/hook",
            post(|State(r): S, body: axum::body::Bytes| async move {
                r.hooks.lock().unwrap().push(serde_json::from_slice(&body).unwrap_or(Value::Null));
                StatusCode::NO_CONTENT
            }),
        )
        .with_state(remote.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    (format!("http://{addr}"), remote)
}

/// A loopback address nothing listens on.
async fn closed_port(host: &str) -> String {
    let l = std::net::TcpListener::bind(format!("{host}:0")).unwrap();
    let addr = l.local_addr().unwrap();
    drop(l);
    format!("http://{addr}/file.csv")
}

struct Fixture {
    app: TestApp,
    editor: Client,
    dataset: String,
}

async fn fixture(b: testkit::Backend) -> Fixture {
    settings();
    let app = app(b).await;
    let editor = app.user("editrice@ville.fr", false).await;
    let p = &app.platform;
    let user = p.user_by_email("editrice@ville.fr").await.unwrap().unwrap();
    let who = p.principal_for(&user, None).await.unwrap();
    let actor = Actor { user_id: Some(user.id), label: user.email.clone(), request_id: String::new() };
    let input = DatasetInput { title: Some("Arbres".into()), license: Some("lov2".into()), frequency: Some("annual".into()), ..Default::default() };
    let d = catalog::service::create_dataset(p, &who, &actor, &input).await.unwrap();
    Fixture { app, editor, dataset: d.id }
}

impl Fixture {
    async fn resource(&self, url: &str) -> String {
        let p = &self.app.platform;
        let user = p.user_by_email("editrice@ville.fr").await.unwrap().unwrap();
        let who = p.principal_for(&user, None).await.unwrap();
        let actor = Actor { user_id: Some(user.id), label: user.email.clone(), request_id: String::new() };
        let input = ResourceInput { title: Some(format!("Fichier {}", url.rsplit('/').next().unwrap())), url: Some(url.into()), ..Default::default() };
        catalog::service::create_resource(p, &who, &actor, &self.dataset, &input, None).await.unwrap().id
    }

    async fn check(&mut self, rid: &str) -> Value {
        let r = self.editor.post_json(&format!("/api/v1/catalog/resources/{rid}/check"), &json!({})).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        r.json()
    }

    async fn extras(&self, rid: &str) -> Value {
        catalog::store::get_resource(self.app.platform.db.pool(), rid).await.unwrap().unwrap().extras
    }

    async fn check_audits(&self, rid: &str) -> i64 {
        sqlx::query_scalar("SELECT COUNT(*) FROM audit_log WHERE object_type = 'resource' AND object_id = $1 AND action = 'check' AND actor_label = 'system:linkcheck'")
            .bind(rid)
            .fetch_one(self.app.platform.db.pool())
            .await
            .unwrap()
    }

    async fn quality(&self) -> f64 {
        sqlx::query("SELECT quality FROM catalog_datasets WHERE id = $1").bind(&self.dataset).fetch_one(self.app.platform.db.pool()).await.unwrap().get(0)
    }
}

#[tokio::test]
async fn headers_are_captured_and_land_on_the_resource() {
    let (base, remote) = server().await;
    *remote.last_modified.lock().unwrap() = Some("Mon, 01 Sep 2025 08:00:00 GMT".into());
    for b in backends() {
        let mut f = fixture(b).await;
        let rid = f.resource(&format!("{base}/ok.csv")).await;
        let c = f.check(&rid).await;
        assert_eq!(c["outcome"], "ok");
        assert_eq!(c["status"], 200);
        assert_eq!(c["method"], "HEAD");
        assert_eq!(c["available"], true);
        assert_eq!(c["url"], format!("{base}/ok.csv"));
        assert_eq!(c["url_hash"].as_str().unwrap().len(), 10);
        assert_eq!(c["headers"]["content-type"], "text/csv; charset=utf-8");
        assert_eq!(c["headers"]["charset"], "utf-8");
        assert_eq!(c["headers"]["content-length"], "8");
        assert_eq!(c["headers"]["etag"], "\"v1\"");
        assert_eq!(c["headers"]["content-disposition"], "attachment; filename=\"ok.csv\"");
        assert_eq!(c["headers"]["last-modified"], "Mon, 01 Sep 2025 08:00:00 GMT");
        assert_eq!(c["redirects"], json!([]));
        assert_eq!(c["changed"], false);

        let x = f.extras(&rid).await;
        assert_eq!(x["check:available"], true);
        assert_eq!(x["check:status"], 200);
        assert_eq!(x["check:date"], c["checked_at"]);
        assert_eq!(x["check:headers:content-type"], "text/csv; charset=utf-8");
        assert_eq!(x["check:headers:content-length"], 8);
        assert_eq!(x["check:count-availability"], 1);
        assert_eq!(x["check:timeout"], false);
        assert_eq!(x["analysis:mime-type"], "text/csv");
        assert_eq!(x["analysis:last-modified-at"], "2025-09-01T08:00:00Z");
        assert_eq!(x["analysis:last-modified-detection"], "last-modified-header");
        // What our API and udata's show of the resource.
        let r = f.editor.get(&format!("/api/v1/catalog/resources/{rid}")).await;
        assert_eq!(r.json()["extras"]["check:available"], true, "{}", r.text());

        f.check(&rid).await;
        assert_eq!(f.extras(&rid).await["check:count-availability"], 2);
        let h = f.app.client().get(&format!("/api/v1/catalog/resources/{rid}/checks?page_size=1")).await;
        assert_eq!(h.status, StatusCode::OK, "{}", h.text());
        let h = h.json();
        assert_eq!(h["total"], 2);
        assert_eq!(h["data"].as_array().unwrap().len(), 1);
        assert!(h["next_page"].as_str().unwrap().contains("page=2"));
        let by_url = f.app.client().get(&format!("/api/v1/catalog/checks?url={}", urlencode(&format!("{base}/ok.csv#ignored")))).await;
        assert_eq!(by_url.status, StatusCode::OK, "{}", by_url.text());
        assert_eq!(by_url.json()["total"], 2);
        assert!(by_url.json()["next_page"].is_null());
        let bad = f.app.client().get("/api/v1/catalog/checks?url=ftp%3A%2F%2Fx.fr%2Fa").await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
        // The availability was set once (unknown → available): one audit entry.
        assert_eq!(f.check_audits(&rid).await, 1);

        // The pages' helper.
        let d = catalog::store::get_dataset(f.app.platform.db.pool(), &f.dataset).await.unwrap().unwrap();
        let latest = catalog::linkcheck::latest_for_resources(&f.app.platform, &d.resources).await.unwrap();
        assert_eq!(latest[&rid].status, Some(200));
    }
}

fn urlencode(s: &str) -> String {
    serde_urlencoded::to_string([("u", s)]).unwrap().trim_start_matches("u=").to_string()
}

#[tokio::test]
async fn head_refused_falls_back_to_a_partial_get() {
    let (base, remote) = server().await;
    for b in backends() {
        let mut f = fixture(b).await;
        let rid = f.resource(&format!("{base}/no-head.csv")).await;
        remote.log.lock().unwrap().clear();
        let c = f.check(&rid).await;
        assert_eq!(c["method"], "GET");
        assert_eq!(c["status"], 200);
        assert_eq!(c["available"], true);
        let log = remote.log.lock().unwrap().clone();
        assert_eq!(log, vec![("HEAD".to_string(), "/no-head.csv".to_string()), ("GET".to_string(), "/no-head.csv".to_string())]);
    }
}

#[tokio::test]
async fn redirects_are_followed_and_recorded() {
    let (base, _remote) = server().await;
    for b in backends() {
        let mut f = fixture(b).await;
        let rid = f.resource(&format!("{base}/r1")).await;
        let c = f.check(&rid).await;
        assert_eq!(c["status"], 200);
        assert_eq!(c["final_url"], format!("{base}/ok.csv"));
        assert_eq!(c["redirects"], json!([{ "url": format!("{base}/r1"), "status": 301 }, { "url": format!("{base}/r2"), "status": 302 }]));
        assert_eq!(c["redirect_url"], format!("{base}/r2"));
        assert_eq!(c["redirect_status"], 301);
        assert_eq!(c["headers"]["etag"], "\"v1\"", "headers of the final answer");

        let looping = f.resource(&format!("{base}/loop")).await;
        let c = f.check(&looping).await;
        assert_eq!(c["outcome"], "too_many_redirects");
        assert_eq!(c["redirects"].as_array().unwrap().len(), 11);
        assert_eq!(c["available"], false);
    }
}

#[tokio::test]
async fn a_404_is_unavailable_at_once_and_quality_follows() {
    let (base, remote) = server().await;
    for b in backends() {
        remote.fixed.store(false, Ordering::SeqCst);
        let mut f = fixture(b).await;
        let rid = f.resource(&format!("{base}/fixable.csv")).await;
        let before = f.quality().await;
        let c = f.check(&rid).await;
        assert_eq!(c["status"], 404);
        assert_eq!(c["outcome"], "http_error");
        assert_eq!(c["method"], "GET", "a 404 to HEAD is confirmed by GET");
        assert_eq!(c["available"], false);
        let x = f.extras(&rid).await;
        assert_eq!(x["check:available"], false);
        assert_eq!(x["check:status"], 404);
        let broken = f.quality().await;
        assert!(broken < before, "quality {before} → {broken}");
        let q = f.editor.get(&format!("/api/v1/catalog/datasets/{}/quality", f.dataset)).await.json();
        let crit = q["criteria"].as_array().unwrap().iter().find(|c| c["key"] == "all_resources_available").unwrap().clone();
        assert_eq!(crit["ok"], false);
        assert_eq!(f.check_audits(&rid).await, 1);
        f.check(&rid).await;
        assert_eq!(f.check_audits(&rid).await, 1, "no audit entry when nothing changed");

        remote.fixed.store(true, Ordering::SeqCst);
        let c = f.check(&rid).await;
        assert_eq!(c["available"], true);
        assert_eq!(f.extras(&rid).await["check:available"], true);
        assert_eq!(f.quality().await, before);
        assert_eq!(f.check_audits(&rid).await, 2);
    }
}

#[tokio::test]
async fn timeouts_and_refused_connections_need_confirmation() {
    let (base, remote) = server().await;
    for b in backends() {
        remote.slow.store(false, Ordering::SeqCst);
        let mut f = fixture(b).await;
        let rid = f.resource(&format!("{base}/flaky.csv")).await;
        assert_eq!(f.check(&rid).await["available"], true);
        remote.slow.store(true, Ordering::SeqCst);
        let started = std::time::Instant::now();
        let c = f.check(&rid).await;
        assert!(started.elapsed() < Duration::from_secs(4), "HEAD 1 s + GET 1.5 s budgets: {:?}", started.elapsed());
        assert_eq!(c["outcome"], "timeout");
        assert_eq!(c["method"], "GET");
        assert!(c["status"].is_null());
        assert_eq!(c["available"], true, "one timeout is not enough");
        let x = f.extras(&rid).await;
        assert_eq!(x["check:available"], true);
        assert_eq!(x["check:timeout"], true);
        assert!(x["check:status"].is_null());
        let c = f.check(&rid).await;
        assert_eq!(c["available"], false, "the second one in a row is");
        assert_eq!(f.extras(&rid).await["check:available"], false);
        remote.slow.store(false, Ordering::SeqCst);

        let refused = f.resource(&closed_port("127.0.0.1").await).await;
        let c = f.check(&refused).await;
        assert_eq!(c["outcome"], "connection_refused");
        assert!(c["available"].is_null(), "never checked before: unknown until confirmed");
        assert!(f.extras(&refused).await.get("check:available").is_none());
        assert!(f.extras(&refused).await["check:error"].as_str().is_some());
        let c = f.check(&refused).await;
        assert_eq!(c["available"], false);
    }
}

#[tokio::test]
async fn changes_are_detected() {
    let (base, remote) = server().await;
    for b in backends() {
        *remote.etag.lock().unwrap() = "\"v1\"".into();
        *remote.last_modified.lock().unwrap() = None;
        let mut f = fixture(b).await;
        let rid = f.resource(&format!("{base}/ok.csv")).await;
        assert_eq!(f.check(&rid).await["changed"], false);
        assert_eq!(f.check(&rid).await["changed"], false, "same ETag");
        assert!(f.extras(&rid).await.get("analysis:last-modified-at").is_none());

        *remote.etag.lock().unwrap() = "\"v2\"".into();
        let c = f.check(&rid).await;
        assert_eq!(c["changed"], true);
        assert_eq!(c["change_reason"], "etag-header");
        let x = f.extras(&rid).await;
        assert_eq!(x["analysis:last-modified-at"], c["checked_at"]);
        assert_eq!(x["analysis:last-modified-detection"], "etag-header");

        *remote.last_modified.lock().unwrap() = Some("Tue, 02 Sep 2025 09:30:00 GMT".into());
        let c = f.check(&rid).await;
        assert_eq!(c["changed"], false, "a date appearing is not a change");
        *remote.last_modified.lock().unwrap() = Some("Wed, 03 Sep 2025 10:00:00 GMT".into());
        let c = f.check(&rid).await;
        assert_eq!(c["changed"], true);
        assert_eq!(c["change_reason"], "last-modified-header");
        let x = f.extras(&rid).await;
        assert_eq!(x["analysis:last-modified-at"], "2025-09-03T10:00:00Z");
        assert_eq!(x["analysis:last-modified-detection"], "last-modified-header");
    }
}

#[tokio::test]
async fn forbidden_addresses_and_permissions() {
    let (base, _remote) = server().await;
    for b in backends() {
        let mut f = fixture(b).await;
        let rid = f.resource(&format!("{base}/ok.csv")).await;
        let mut other = f.app.user("autre@ville.fr", false).await;
        let r = other.post_json(&format!("/api/v1/catalog/resources/{rid}/check"), &json!({})).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
        let r = f.app.client().post_json(&format!("/api/v1/catalog/resources/{rid}/check"), &json!({})).await;
        assert!(matches!(r.status, StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN), "{}", r.status);
        let r = f.editor.post_json("/api/v1/catalog/resources/nope/check", &json!({})).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND);

        // Cloud metadata addresses are never fetched, whatever the private-address flag says.
        let meta = f.resource("http://169.254.169.254/latest/meta-data/").await;
        let c = f.check(&meta).await;
        assert_eq!(c["outcome"], "refused_address");
        assert!(c["available"].is_null());
        assert!(f.extras(&meta).await.get("check:available").is_none());
        assert_eq!(f.check_audits(&meta).await, 0);

        // Uploaded files are the catalog's own.
        let p = &f.app.platform;
        let user = p.user_by_email("editrice@ville.fr").await.unwrap().unwrap();
        let who = p.principal_for(&user, None).await.unwrap();
        let up = catalog::service::Upload { filename: "a.csv".into(), content_type: "text/csv".into(), bytes: b"a\n1\n".to_vec() };
        let file = catalog::service::create_resource(p, &who, &Actor::system("test"), &f.dataset, &ResourceInput::default(), Some(up)).await.unwrap();
        let r = f.editor.post_json(&format!("/api/v1/catalog/resources/{}/check", file.id), &json!({})).await;
        assert_eq!(r.status, StatusCode::CONFLICT);
        assert_eq!(r.problem_code(), "not_remote");
    }
}

#[tokio::test]
async fn private_datasets_hide_their_checks() {
    let (base, _remote) = server().await;
    for b in backends() {
        settings();
        let app = app(b).await;
        let mut editor = app.user("secret@ville.fr", false).await;
        let r = editor.post_json("/api/v1/catalog/datasets", &json!({ "title": "Brouillon", "private": true })).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
        let id = r.json()["id"].as_str().unwrap().to_string();
        let r = editor.post_json(&format!("/api/v1/catalog/datasets/{id}/resources"), &json!({ "title": "x", "url": format!("{base}/ok.csv") })).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
        let rid = r.json()["id"].as_str().unwrap().to_string();
        let r = editor.post_json(&format!("/api/v1/catalog/resources/{rid}/check"), &json!({})).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        assert_eq!(editor.get(&format!("/api/v1/catalog/resources/{rid}/checks")).await.status, StatusCode::OK);
        assert_eq!(app.client().get(&format!("/api/v1/catalog/resources/{rid}/checks")).await.status, StatusCode::NOT_FOUND);
        // Nor by its URL.
        let by_url = format!("/api/v1/catalog/checks?url={}", format!("{base}/ok.csv").replace(':', "%3A").replace('/', "%2F"));
        assert_eq!(editor.get(&by_url).await.json()["total"], 1);
        assert_eq!(app.client().get(&by_url).await.status, StatusCode::NOT_FOUND);
    }
}

/// Makes the scheduler's queued run due now and runs the ready jobs.
async fn run_scheduler(app: &TestApp) {
    let p = &app.platform;
    sqlx::query("UPDATE jobs SET run_at = 0 WHERE kind = 'catalog.check_links' AND status = 'queued'").execute(p.db.pool()).await.unwrap();
    p.run_ready_jobs("test").await.unwrap();
}

#[tokio::test]
async fn the_scheduler_checks_due_urls_and_requeues_itself() {
    let (base, remote) = server().await;
    for b in backends() {
        remote.fixed.store(false, Ordering::SeqCst);
        let f = fixture(b).await;
        let queued: Vec<Value> = sqlx::query_scalar::<_, String>("SELECT payload FROM jobs WHERE kind = 'catalog.check_links' AND status = 'queued'")
            .fetch_all(f.app.platform.db.pool())
            .await
            .unwrap()
            .iter()
            .map(|s| serde_json::from_str(s).unwrap())
            .collect();
        assert_eq!(queued.len(), 1, "scheduled at start");
        let ok = f.resource(&format!("{base}/ok.csv")).await;
        // Two spellings of one URL: checked once, both resources updated.
        let same = f.resource(&format!("{base}/a/../ok.csv#top")).await;
        let broken = f.resource(&format!("{base}/fixable.csv")).await;
        run_scheduler(&f.app).await;
        assert_eq!(f.extras(&ok).await["check:available"], true);
        assert_eq!(f.extras(&same).await["check:available"], true);
        assert_eq!(f.extras(&broken).await["check:available"], false);
        let checks: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM catalog_checks").fetch_one(f.app.platform.db.pool()).await.unwrap();
        assert_eq!(checks, 2);
        let next: Vec<i64> = sqlx::query_scalar("SELECT run_at FROM jobs WHERE kind = 'catalog.check_links' AND status = 'queued'").fetch_all(f.app.platform.db.pool()).await.unwrap();
        assert_eq!(next.len(), 1, "one run queued after the run");
        assert!(next[0] > f.app.platform.now(), "in the future");

        // Nothing is due again right away.
        run_scheduler(&f.app).await;
        let checks: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM catalog_checks").fetch_one(f.app.platform.db.pool()).await.unwrap();
        assert_eq!(checks, 2);
    }
}

#[tokio::test]
async fn an_offline_checker_changes_nothing() {
    for b in backends() {
        let mut f = fixture(b).await;
        // Three hosts failing without answer in one batch: the checker, not the remotes.
        let mut rids = Vec::new();
        for host in ["127.0.0.2", "127.0.0.3", "127.0.0.4"] {
            rids.push(f.resource(&closed_port(host).await).await);
        }
        // A resource known to be available before the outage keeps its state.
        let before = f.app.platform.db.pool().clone();
        sqlx::query("UPDATE catalog_resources SET extras = $1 WHERE id = $2").bind(json!({ "check:available": true }).to_string()).bind(&rids[0]).execute(&before).await.unwrap();
        run_scheduler(&f.app).await;
        let outcomes: Vec<String> = sqlx::query_scalar("SELECT outcome FROM catalog_checks").fetch_all(f.app.platform.db.pool()).await.unwrap();
        assert_eq!(outcomes, vec!["checker_offline"; 3]);
        assert_eq!(f.extras(&rids[0]).await["check:available"], true);
        assert!(f.extras(&rids[1]).await.get("check:available").is_none());
        run_scheduler(&f.app).await;
        assert_eq!(f.extras(&rids[0]).await["check:available"], true);
        // One host alone cannot tell: its failure counts.
        let c = f.check(&rids[1]).await;
        assert_eq!(c["outcome"], "connection_refused");
    }
}

#[tokio::test]
async fn croquemort_api() {
    let (base, remote) = server().await;
    for b in backends() {
        remote.fixed.store(false, Ordering::SeqCst);
        remote.hooks.lock().unwrap().clear();
        settings();
        let app = app(b).await;
        let p = &app.platform;
        let ok = format!("{base}/ok.csv");
        let r = app.client().post_json("/check/one", &json!({ "url": ok })).await;
        assert!(matches!(r.status, StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN), "{}", r.status);

        let mut c = app.user("robot@ville.fr", false).await;
        // udata's croquemort backend posts JSON without a content type.
        let body = json!({ "url": ok, "group": "ville", "callback_url": format!("{base}/hook") }).to_string().into_bytes();
        let r = c.request(Method::POST, "/check/one", None, body).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        let hash = r.json()["url-hash"].as_str().unwrap().to_string();
        assert_eq!(hash, catalog::linkcheck::rules::url_hash(&ok));
        let nf = c.get(&format!("/url/{hash}")).await;
        assert_eq!(nf.status, StatusCode::NOT_FOUND, "not checked yet");
        p.run_ready_jobs("test").await.unwrap();
        let info = c.get(&format!("/url/{hash}")).await;
        assert_eq!(info.status, StatusCode::OK, "{}", info.text());
        let info = info.json();
        assert_eq!(info["checked-url"], ok);
        assert_eq!(info["final-url"], ok);
        assert_eq!(info["final-status-code"], "200");
        assert_eq!(info["content-type"], "text/csv; charset=utf-8");
        assert_eq!(info["etag"], "\"v1\"");
        assert_eq!(info["group"], "ville");
        assert!(info["updated"].as_str().is_some());
        let hooks = remote.hooks.lock().unwrap().clone();
        assert_eq!(hooks.len(), 1, "callback posted");
        assert_eq!(hooks[0]["data"]["checked-url"], ok);
        assert_eq!(hooks[0]["data"]["final-status-code"], "200");

        let by_url = app.client().get(&format!("/url?url={}", urlencode(&ok))).await;
        assert_eq!(by_url.status, StatusCode::OK, "{}", by_url.text());
        assert_eq!(by_url.json()["final-status-code"], "200");
        assert_eq!(app.client().get("/url/u:00000000").await.status, StatusCode::NOT_FOUND);
        assert_eq!(app.client().get("/url/nonsense").await.status, StatusCode::NOT_FOUND);

        let urls = json!([format!("{base}/fixable.csv"), format!("{base}/r1"), closed_port("127.0.0.1").await]);
        let r = c.post_json("/check/many", &json!({ "urls": urls, "group": "lot", "frequency": "hourly" })).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        let ghash = r.json()["group-hash"].as_str().unwrap().to_string();
        assert_eq!(ghash, catalog::linkcheck::rules::group_hash("lot"));
        p.run_ready_jobs("test").await.unwrap();
        let g = app.client().get(&format!("/group/{ghash}")).await;
        assert_eq!(g.status, StatusCode::OK, "{}", g.text());
        let g = g.json();
        assert_eq!(g["name"], "lot");
        let list = g["urls"].as_array().unwrap();
        assert_eq!(list.len(), 3);
        assert!(list.iter().all(|u| u["frequency"] == "hourly" && u["group"] == "lot"));
        let codes: Vec<&str> = list.iter().map(|u| u["final-status-code"].as_str().unwrap()).collect();
        assert_eq!(codes, vec!["404", "200", "503"], "a connection error reads as 503, as in croquemort");
        let redirected = &list[1];
        assert_eq!(redirected["redirect-url"], format!("{base}/r2"));
        assert_eq!(redirected["redirect-status-code"], "301");
        let g = app.client().get("/group?group=lot&filter_final-status-code=404").await.json();
        assert_eq!(g["urls"].as_array().unwrap().len(), 1);
        let g = app.client().get("/group?group=lot&exclude_final-status-code=404").await.json();
        assert_eq!(g["urls"].as_array().unwrap().len(), 2);
        assert_eq!(app.client().get("/group?group=inconnu").await.status, StatusCode::NOT_FOUND);

        // Croquemort's 10-minute rule: asking again right away checks nothing more.
        let before: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM catalog_checks").fetch_one(p.db.pool()).await.unwrap();
        let r = c.request(Method::POST, "/check/one", None, json!({ "url": ok }).to_string().into_bytes()).await;
        assert_eq!(r.status, StatusCode::OK);
        p.run_ready_jobs("test").await.unwrap();
        let after: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM catalog_checks").fetch_one(p.db.pool()).await.unwrap();
        assert_eq!(before, after);

        for bad in [json!({ "url": "ftp://exemple.fr/a" }), json!({ "url": 3 }), json!({}), json!({ "url": ok, "frequency": "weekly" })] {
            let r = c.post_json("/check/one", &bad).await;
            assert!(r.status.is_client_error(), "{bad}: {}", r.status);
        }
        let r = c.request(Method::POST, "/check/one", None, b"not json".to_vec()).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST);
        let r = c.post_json("/check/many", &json!({ "urls": [], "group": "x" })).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    }
}
