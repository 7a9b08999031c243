//! Platform services on both backends: migrations, audit, jobs, search, vocabularies, events,
//! open-data registry, SMTP delivery.
use http::StatusCode;
use serde_json::json;
use sqlx::Row;
use testkit::backends;

use crate::app;

#[tokio::test]
async fn migrations_are_idempotent_and_checked() {
    for b in backends() {
        let app = app(b).await;
        let db = &app.platform.db;
        let m = [platform::db::Migration { version: 1, name: "t", sqlite: "CREATE TABLE t (x BIGINT)", postgres: "CREATE TABLE t (x BIGINT)" }];
        assert_eq!(db.migrate("test", &m).await.unwrap(), vec![1]);
        assert!(db.migrate("test", &m).await.unwrap().is_empty(), "{b:?}");
        let changed = [platform::db::Migration { sqlite: "CREATE TABLE t (y BIGINT)", postgres: "CREATE TABLE t (y BIGINT)", ..m[0] }];
        assert!(matches!(db.migrate("test", &changed).await, Err(platform::db::DbError::MigrationChanged { .. })));
        // A failing migration leaves nothing behind.
        let bad = [platform::db::Migration { version: 2, name: "bad", sqlite: "CREATE TABLE u (x BIGINT); CREATE TABLE broken (", postgres: "CREATE TABLE u (x BIGINT); CREATE TABLE broken (" }];
        assert!(db.migrate("test", &bad).await.is_err());
        let u = sqlx::query("SELECT COUNT(*) FROM schema_migrations WHERE module = 'test' AND version = 2").fetch_one(db.pool()).await.unwrap().get::<i64, _>(0);
        assert_eq!(u, 0);
        assert!(sqlx::query("SELECT * FROM u").fetch_all(db.pool()).await.is_err(), "{b:?}: table u rolled back");
    }
}

#[tokio::test]
async fn every_mutation_is_audited_with_before_and_after() {
    for b in backends() {
        let app = app(b).await;
        let mut c = app.user("audit@exemple.fr", false).await;
        c.post_json("/api/v1/organisations", &json!({"name": "Avant", "slug": "histoire"})).await;
        c.patch_json("/api/v1/organisations/histoire", &json!({"name": "Après"})).await;
        let org = app.platform.org_by_slug("histoire").await.unwrap().unwrap();
        let q = platform::audit::AuditQuery { module: Some("platform".into()), object_type: Some("organisation".into()), object_id: Some(org.id.to_string()), limit: 10, ..Default::default() };
        let h = platform::audit::list(app.platform.db.pool(), &q).await.unwrap();
        assert_eq!(h.iter().map(|e| e.action.as_str()).collect::<Vec<_>>(), ["update", "create"], "{b:?}");
        assert_eq!(h[0].before.as_ref().unwrap()["name"], "Avant");
        assert_eq!(h[0].after.as_ref().unwrap()["name"], "Après");
        assert_eq!(h[0].actor_label, "audit@exemple.fr");
        assert_eq!(h[0].request_id.len(), 16);
    }
}

#[tokio::test]
async fn jobs_retry_with_backoff_then_die_and_can_be_retried() {
    for b in backends() {
        let app = app(b).await;
        let p = &app.platform;
        // Unknown kinds fail with a clear error (the handler registry is fixed at build).
        let id = p.enqueue("test.unknown", &json!({})).await.unwrap();
        sqlx::query("DELETE FROM jobs WHERE kind = 'platform.purge'").execute(p.db.pool()).await.unwrap();
        assert_eq!(p.run_ready_jobs("t").await.unwrap(), 1);
        let job = p.list_jobs(None, 10).await.unwrap().into_iter().find(|j| j.id == id).unwrap();
        assert_eq!(job.status, "queued", "{b:?}: waits for its retry");
        assert_eq!(job.attempts, 1);
        assert!(job.last_error.as_deref().unwrap().contains("no handler"));
        assert_eq!(p.run_ready_jobs("t").await.unwrap(), 0, "backoff: not ready yet");
        // Exhaust the attempts.
        for _ in 0..4 {
            sqlx::query("UPDATE jobs SET run_at = 0 WHERE id = $1").bind(id).execute(p.db.pool()).await.unwrap();
            p.run_ready_jobs("t").await.unwrap();
        }
        let job = p.list_jobs(Some("dead"), 10).await.unwrap();
        assert_eq!(job.len(), 1, "{b:?}");
        assert!(p.retry_job(id, &platform::audit::Actor::system("test")).await.unwrap());
        let log = platform::audit::list(p.db.pool(), &platform::audit::AuditQuery { object_type: Some("job".into()), limit: 5, ..Default::default() }).await.unwrap();
        assert_eq!(log[0].action, "retry", "{b:?}: the retry is audited");
        assert_eq!(p.list_jobs(Some("queued"), 10).await.unwrap().len(), 1);
    }
}

#[tokio::test]
async fn purge_job_cleans_and_reschedules_itself() {
    for b in backends() {
        let app = app(b).await;
        let p = &app.platform;
        app.user("purge@exemple.fr", false).await;
        sqlx::query("UPDATE sessions SET expires_at = 0").execute(p.db.pool()).await.unwrap();
        assert_eq!(p.run_ready_jobs("t").await.unwrap(), 1, "the purge scheduled at start");
        let n: i64 = sqlx::query("SELECT COUNT(*) FROM sessions").fetch_one(p.db.pool()).await.unwrap().get(0);
        assert_eq!(n, 0, "{b:?}");
        let queued = p.list_jobs(Some("queued"), 10).await.unwrap();
        assert_eq!(queued.len(), 1);
        assert_eq!(queued[0].kind, "platform.purge");
    }
}

#[tokio::test]
async fn search_is_accent_insensitive_and_respects_visibility() {
    for b in backends() {
        let app = app(b).await;
        let p = &app.platform;
        let mut tx = p.db.write().await.unwrap();
        for (id, title, body, org, public) in [
            ("1", "Station de Dijon-Longvic", "Relevés météorologiques horaires en Côte-d’Or", None, true),
            ("2", "Écrins privés", "Données réservées aux membres", Some(42), false),
            ("3", "Pluviométrie", "Précipitations quotidiennes", None, true),
        ] {
            platform::search::index(&p.db, tx.conn(), &platform::search::SearchDoc { module: "weather", kind: "station", ref_id: id, title, body, url: "/x", org_id: org, public })
                .await
                .unwrap();
        }
        tx.commit().await.unwrap();
        let anon = platform::access::Principal::anonymous().read_filter("weather", "station");
        let hits = platform::search::search(&p.db, "cote d'or meteorologiques", None, &anon, 10).await.unwrap();
        assert_eq!(hits.iter().map(|h| h.ref_id.as_str()).collect::<Vec<_>>(), ["1"], "{b:?}");
        assert_eq!(platform::search::search(&p.db, "ecrins", None, &anon, 10).await.unwrap().len(), 0, "{b:?}: private hidden");
        let mut member = platform::access::Principal { user_id: Some(1), ..Default::default() };
        member.memberships.insert(42, platform::access::Role::Member);
        let f = member.read_filter("weather", "station");
        assert_eq!(platform::search::search(&p.db, "ÉCRINS", None, &f, 10).await.unwrap().len(), 1, "{b:?}");
        // Prefixes and operators are harmless.
        assert_eq!(platform::search::search(&p.db, "precipit", None, &anon, 10).await.unwrap().len(), 1, "{b:?}");
        assert!(platform::search::search(&p.db, "\" OR * NEAR(", None, &anon, 10).await.is_ok());
        // Re-indexing replaces; removal removes.
        let mut tx = p.db.write().await.unwrap();
        platform::search::remove(&p.db, tx.conn(), "weather", "station", "3").await.unwrap();
        tx.commit().await.unwrap();
        assert!(platform::search::search(&p.db, "pluviometrie", None, &anon, 10).await.unwrap().is_empty());
        // Through the API.
        let mut c = app.client();
        let r = c.get("/api/v1/search?q=dijon").await;
        assert_eq!(r.json()[0]["ref_id"], "1");
    }
}

#[tokio::test]
async fn vocabularies_with_hierarchy() {
    for b in backends() {
        let app = app(b).await;
        let p = &app.platform;
        let t = |code: &str, fr: &str, en: &str, parent: Option<&str>| platform::vocab::Term { code: code.into(), label_fr: fr.into(), label_en: en.into(), parent: parent.map(Into::into), position: 0 };
        let mut tx = p.db.write().await.unwrap();
        platform::vocab::upsert(tx.conn(), "frequency", &[t("daily", "Quotidienne", "Daily", None), t("hourly", "Horaire", "Hourly", Some("daily"))]).await.unwrap();
        assert!(matches!(platform::vocab::upsert(tx.conn(), "x", &[t("a", "A", "A", Some("zz"))]).await, Err(platform::vocab::VocabError::UnknownParent { .. })));
        assert!(platform::vocab::upsert(tx.conn(), "bad vocab", &[]).await.is_err());
        tx.commit().await.unwrap();
        let mut c = app.client();
        let r = c.get("/api/v1/vocabularies/frequency").await.json();
        assert_eq!(r[1]["parent"], "daily", "{b:?}");
        assert_eq!(c.get("/api/v1/vocabularies").await.json(), json!(["frequency"]));
        assert_eq!(c.get("/api/v1/vocabularies/none").await.status, StatusCode::NOT_FOUND);
    }
}

#[tokio::test]
async fn events_reach_sse_subscribers_of_matching_topics() {
    use http_body_util::BodyExt;
    use tower::ServiceExt;
    let app = app(testkit::Backend::Sqlite).await;
    let req = http::Request::get("/api/v1/events?topics=weather.station").body(axum::body::Body::empty()).unwrap();
    let res = app.router.clone().oneshot(req).await.unwrap();
    assert_eq!(res.headers()["content-type"], "text/event-stream");
    let mut body = res.into_body();
    let ev = |topic: &str| platform::events::Event { topic: topic.into(), kind: "observation".into(), at: String::new(), data: json!({"t": 12.5}) };
    app.platform.events.publish(ev("catalog.dataset.1"));
    app.platform.events.publish(ev("weather.station.42"));
    let frame = tokio::time::timeout(std::time::Duration::from_secs(5), body.frame()).await.unwrap().unwrap().unwrap();
    let text = String::from_utf8(frame.into_data().unwrap().to_vec()).unwrap();
    assert!(text.contains("event: observation") && text.contains("weather.station.42") && !text.contains("catalog"), "{text}");
    let mut c = app.client();
    assert_eq!(c.get("/api/v1/events?topics=").await.problem_code(), "validation_failed");
    assert_eq!(c.get("/api/v1/events?topics=a%20b").await.problem_code(), "validation_failed");
}

#[tokio::test]
async fn outbox_delivers_over_smtp_when_configured() {
    use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
    // A loopback SMTP peer that records the conversation.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let server = tokio::spawn(async move {
        let (sock, _) = listener.accept().await.unwrap();
        let (r, mut w) = sock.into_split();
        let mut r = BufReader::new(r);
        w.write_all(b"220 test ESMTP\r\n").await.unwrap();
        let mut transcript = String::new();
        let mut in_data = false;
        loop {
            let mut line = String::new();
            if r.read_line(&mut line).await.unwrap() == 0 {
                break;
            }
            transcript.push_str(&line);
            if in_data {
                if line == ".\r\n" {
                    in_data = false;
                    w.write_all(b"250 queued\r\n").await.unwrap();
                }
                continue;
            }
            let reply: &[u8] = if line.starts_with("EHLO") {
                b"250-test\r\n250 8BITMIME\r\n"
            } else if line.starts_with("DATA") {
                in_data = true;
                b"354 go\r\n"
            } else if line.starts_with("QUIT") {
                w.write_all(b"221 bye\r\n").await.unwrap();
                break;
            } else {
                b"250 ok\r\n"
            };
            w.write_all(reply).await.unwrap();
        }
        transcript
    });
    let app = testkit::TestApp::with_config(testkit::Backend::Sqlite, Vec::new(), |c| {
        c.smtp = Some(platform::config::SmtpConfig { host: "127.0.0.1".into(), port, from: "noreply@communs.test".into() });
    })
    .await;
    app.user("smtp@exemple.fr", false).await;
    sqlx::query("DELETE FROM jobs WHERE kind = 'platform.purge'").execute(app.platform.db.pool()).await.unwrap();
    assert_eq!(app.platform.run_ready_jobs("t").await.unwrap(), 1);
    let transcript = server.await.unwrap();
    assert!(transcript.contains("RCPT TO:<smtp@exemple.fr>"), "{transcript}");
    assert!(transcript.contains("Subject: Communs : v") || transcript.contains("Subject: Communs: v"), "{transcript}");
    let mail = app.platform.list_emails(Some("smtp@exemple.fr"), 1).await.unwrap().remove(0);
    assert!(mail.sent_at.is_some());
}

#[tokio::test]
async fn file_store_rejects_traversal_names() {
    assert!(platform::files::FileName::parse("../../etc/passwd").is_err());
}

#[tokio::test]
async fn events_cross_instances_on_postgres() {
    if !backends().contains(&testkit::Backend::Postgres) {
        return;
    }
    let a = app(testkit::Backend::Postgres).await;
    // A second instance on the same database.
    let mut config = a.platform.config.clone();
    config.database_url = Some(a.platform.db.url().to_string());
    let b = platform::Builder::new(config).build().await.unwrap();
    let mut rx = b.events.subscribe();
    let mut own = a.platform.events.subscribe();
    // Give the listener a moment to LISTEN.
    let ev = platform::events::Event { topic: "weather.station.7".into(), kind: "record".into(), at: String::new(), data: json!({"tx": 41.2}) };
    let mut published = 0;
    let got = tokio::time::timeout(std::time::Duration::from_secs(10), async {
        loop {
            a.platform.events.publish(ev.clone());
            published += 1;
            if let Ok(Ok(e)) = tokio::time::timeout(std::time::Duration::from_millis(300), rx.recv()).await {
                return e;
            }
        }
    })
    .await
    .expect("event relayed to the other instance");
    assert_eq!(got.topic, "weather.station.7");
    assert_eq!(got.data["tx"], 41.2);
    // The publisher's own subscribers get each event once: its notifications are not echoed back.
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    let mut seen = 0;
    while own.try_recv().is_ok() {
        seen += 1;
    }
    assert_eq!(seen, published);
}

#[tokio::test]
async fn prometheus_metrics_count_requests_by_route() {
    use http_body_util::BodyExt;
    use tower::ServiceExt;
    let app = app(testkit::Backend::Sqlite).await;
    let mut c = app.client();
    c.get("/healthz").await;
    c.get("/api/v1/organisations").await;
    c.get("/api/v1/organisations/unknown").await;
    let res = platform::http::metrics_app(app.platform.clone())
        .oneshot(http::Request::get("/metrics").body(axum::body::Body::empty()).unwrap())
        .await
        .unwrap();
    assert_eq!(res.headers()["content-type"], "text/plain; version=0.0.4");
    let text = String::from_utf8(res.into_body().collect().await.unwrap().to_bytes().to_vec()).unwrap();
    assert!(text.contains(r#"communs_http_requests_total{method="GET",route="/healthz",status="200"} 1"#), "{text}");
    assert!(text.contains(r#"route="/api/v1/organisations/{slug}",status="404"} 1"#), "routes, not raw paths: {text}");
    assert!(text.contains("communs_jobs_queued 1"), "the purge job: {text}");
}

#[tokio::test]
async fn a_statement_takes_null_then_values() {
    // On PostgreSQL a cached statement first prepared with a NULL argument used to refuse a
    // value later ("incorrect binary data format in bind parameter").
    for b in backends() {
        let app = app(b).await;
        let db = &app.platform.db;
        let ddl = "CREATE TABLE nulls_then_values (a BIGINT, b DOUBLE PRECISION, c BIGINT)";
        db.migrate("test", &[platform::db::Migration { version: 1, name: "t", sqlite: ddl, postgres: ddl }]).await.unwrap();
        for (b_val, c_val) in [(None, None), (Some(1.5), Some(7i64)), (None, Some(8)), (Some(2.5), None)] {
            sqlx::query("INSERT INTO nulls_then_values (a, b, c) VALUES ($1, $2, $3)")
                .bind(1i64)
                .bind(b_val)
                .bind(c_val)
                .execute(db.pool())
                .await
                .unwrap_or_else(|e| panic!("{b:?}: {e}"));
        }
        let sum: f64 = sqlx::query("SELECT SUM(b) FROM nulls_then_values").fetch_one(db.pool()).await.unwrap().get(0);
        assert_eq!(sum, 4.0);
    }
}

#[tokio::test]
async fn a_write_transaction_that_reads_first_survives_an_autocommit_write() {
    // A deferred SQLite transaction that read, then wrote after another connection's autocommit
    // write, failed with SQLITE_BUSY_SNAPSHOT (517) ("database is locked") instead of waiting.
    for b in backends() {
        let app = app(b).await;
        let db = app.platform.db.clone();
        let ddl = "CREATE TABLE snapshot_upgrade (n BIGINT NOT NULL)";
        db.migrate("test", &[platform::db::Migration { version: 1, name: "t", sqlite: ddl, postgres: ddl }]).await.unwrap();
        let mut tx = db.write().await.unwrap();
        let before: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM snapshot_upgrade").fetch_one(tx.conn()).await.unwrap();
        let other = db.clone();
        let outside = tokio::spawn(async move { sqlx::query("INSERT INTO snapshot_upgrade (n) VALUES (2)").execute(other.pool()).await });
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        sqlx::query("INSERT INTO snapshot_upgrade (n) VALUES (1)").execute(tx.conn()).await.unwrap_or_else(|e| panic!("{b:?}: {e}"));
        tx.commit().await.unwrap();
        outside.await.unwrap().unwrap_or_else(|e| panic!("{b:?}: {e}"));
        let after: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM snapshot_upgrade").fetch_one(db.pool()).await.unwrap();
        assert_eq!((before, after), (0, 2));
    }
}
