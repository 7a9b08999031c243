//! The tabular API on both backends: a French CSV (Latin-1, `;`, decimal comma, dd/mm/yyyy,
//! INSEE codes with leading zeros and Corsican letters, null markers) uploaded as a resource is
//! loaded by the job with the right types; filters, sort, pages, aggregation, streaming, profile,
//! per-table OpenAPI; broken files get a report; private datasets stay private; csvapi's API
//! against a loopback HTTP server; reload swaps tables.
use http::{Method, StatusCode};
use serde_json::{json, Value};
use testkit::{backends, Client, TestApp};

use crate::app;
use crate::datasets::multipart;

const FR: &str = "code_insee;commune;population;surface_km2;date_maj;code_postal;actif\n\
01001;L'Abergement-Clémenciat;832;15,95;31/12/2023;01400;oui\n\
01002;L'Abergement-de-Varey;267;9,15;01/01/2024;01640;non\n\
2A004;Ajaccio;73000;82,03;15/06/2024;20000;oui\n\
2B033;Bastia;48000;19,38;NA;20200;oui\n\
75056;Paris;2100000;105,4;02/02/2024;75001;\n";

fn latin1(s: &str) -> Vec<u8> {
    encoding_rs::WINDOWS_1252.encode(s).0.into_owned()
}

async fn dataset(c: &mut Client, private: bool) -> String {
    let r = c.post_json("/api/v1/catalog/datasets", &json!({ "title": "Communes", "private": private })).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    r.json()["id"].as_str().unwrap().to_string()
}

async fn upload(c: &mut Client, ds: &str, name: &str, bytes: &[u8]) -> String {
    let (ct, body) = multipart(name, "text/csv", bytes, &[]);
    let r = c.request(Method::POST, &format!("/api/v1/catalog/datasets/{ds}/upload"), Some(&ct), body).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    r.json()["id"].as_str().unwrap().to_string()
}

async fn run_jobs(app: &TestApp) {
    app.platform.run_ready_jobs("test").await.unwrap();
}

async fn rows(c: &mut Client, rid: &str, query: &str) -> Value {
    let r = c.get(&format!("/api/v1/catalog/tables/{rid}/rows?{query}")).await;
    assert_eq!(r.status, StatusCode::OK, "{query}: {}", r.text());
    r.json()
}

fn col<'a>(v: &'a Value, key: &str) -> Vec<&'a Value> {
    v["data"].as_array().unwrap().iter().map(|r| &r[key]).collect()
}

#[tokio::test]
async fn french_csv_loads_with_the_right_types_and_answers_queries() {
    for b in backends() {
        let app = app(b).await;
        let mut alice = app.user("alice@ville.fr", false).await;
        let ds = dataset(&mut alice, false).await;
        let rid = upload(&mut alice, &ds, "communes.csv", &latin1(FR)).await;
        let mut anon = app.client();
        let t = anon.get(&format!("/api/v1/catalog/tables/{rid}")).await.json();
        assert_eq!(t["state"], "queued", "{t}");
        run_jobs(&app).await;

        let t = anon.get(&format!("/api/v1/catalog/tables/{rid}")).await.json();
        assert_eq!((t["state"].as_str(), t["rows"].as_i64()), (Some("ready"), Some(5)), "{b:?} {t}");
        assert_eq!(t["dialect"], json!({ "encoding": "windows-1252", "delimiter": ";", "quote": "\"", "header": true }));
        let types: Vec<(&str, &str)> = t["columns"].as_array().unwrap().iter().map(|c| (c["name"].as_str().unwrap(), c["type"].as_str().unwrap())).collect();
        assert_eq!(
            types,
            [("code_insee", "text"), ("commune", "text"), ("population", "integer"), ("surface_km2", "decimal"), ("date_maj", "date"), ("code_postal", "text"), ("actif", "boolean")]
        );
        let formats: Vec<&Value> = t["columns"].as_array().unwrap().iter().map(|c| &c["format"]).collect();
        assert_eq!(formats[0], "code_commune_insee");
        assert_eq!(formats[5], "code_postal");
        assert_eq!(formats[3], "decimal_comma");

        // Typed values: numbers as numbers, codes as strings with their zeros, ISO dates, NULLs.
        let all = rows(&mut anon, &rid, "").await;
        assert_eq!(all["meta"], json!({ "page": 1, "page_size": 20, "total": 5 }));
        assert_eq!(
            all["data"][0],
            json!({ "__id": 1, "code_insee": "01001", "commune": "L'Abergement-Clémenciat", "population": 832, "surface_km2": 15.95, "date_maj": "2023-12-31", "code_postal": "01400", "actif": true })
        );
        assert_eq!(all["data"][2]["code_insee"], "2A004");
        assert_eq!(all["data"][3]["date_maj"], Value::Null);
        assert_eq!(all["data"][4]["actif"], Value::Null);
        assert!(all["links"]["profile"].as_str().unwrap().ends_with(&format!("/api/v1/catalog/tables/{rid}/profile")));
        assert_eq!(all["links"]["next"], Value::Null);

        // Filters of api-tabular.
        let total = |v: &Value| v["meta"]["total"].as_i64().unwrap();
        assert_eq!(total(&rows(&mut anon, &rid, "population__greater=73000").await), 2);
        assert_eq!(total(&rows(&mut anon, &rid, "population__strictly_greater=73000").await), 1);
        assert_eq!(total(&rows(&mut anon, &rid, "surface_km2__strictly_less=15,95").await), 1);
        assert_eq!(total(&rows(&mut anon, &rid, "surface_km2__less=15.95").await), 2);
        assert_eq!(total(&rows(&mut anon, &rid, "code_insee__in=01001,2A004").await), 2);
        assert_eq!(total(&rows(&mut anon, &rid, "code_insee__notin=01001,2A004").await), 3);
        assert_eq!(total(&rows(&mut anon, &rid, "code_insee__exact=01001").await), 1);
        assert_eq!(total(&rows(&mut anon, &rid, "code_insee__differs=01001").await), 4);
        assert_eq!(total(&rows(&mut anon, &rid, "commune__contains=ABERGEMENT").await), 2);
        assert_eq!(total(&rows(&mut anon, &rid, "commune__notcontains=abergement").await), 3);
        assert_eq!(total(&rows(&mut anon, &rid, "commune__contains=%25").await), 0);
        assert_eq!(total(&rows(&mut anon, &rid, "date_maj__isnull").await), 1);
        assert_eq!(total(&rows(&mut anon, &rid, "date_maj__isnotnull").await), 4);
        assert_eq!(total(&rows(&mut anon, &rid, "date_maj__greater=01/01/2024").await), 3);
        assert_eq!(total(&rows(&mut anon, &rid, "date_maj__greater=2024-02-02&actif__exact=oui").await), 1);
        assert_eq!(total(&rows(&mut anon, &rid, "actif__exact=false").await), 1);
        assert_eq!(total(&rows(&mut anon, &rid, "q=bastia").await), 1);

        // Sort, pages, columns.
        let p1 = rows(&mut anon, &rid, "population__sort=desc&page_size=2").await;
        assert_eq!(col(&p1, "commune"), [&json!("Paris"), &json!("Ajaccio")]);
        assert!(p1["links"]["next"].as_str().unwrap().contains("page=2"));
        assert_eq!(p1["links"]["prev"], Value::Null);
        let p3 = rows(&mut anon, &rid, "population__sort=desc&page_size=2&page=3").await;
        assert_eq!(col(&p3, "commune"), [&json!("L'Abergement-de-Varey")]);
        assert_eq!(p3["links"]["next"], Value::Null);
        assert!(p3["links"]["prev"].as_str().unwrap().contains("page=2"));
        let some = rows(&mut anon, &rid, "columns=commune,population&page_size=1").await;
        assert_eq!(some["data"][0], json!({ "__id": 1, "commune": "L'Abergement-Clémenciat", "population": 832 }));

        // Aggregation.
        let agg = rows(&mut anon, &rid, "actif__groupby&population__sum&population__count&surface_km2__max&actif__isnotnull").await;
        assert_eq!(
            agg["data"],
            json!([
                { "actif": false, "population__sum": 267, "population__count": 1, "surface_km2__max": 9.15 },
                { "actif": true, "population__sum": 121832, "population__count": 3, "surface_km2__max": 82.03 }
            ])
        );
        assert_eq!(agg["meta"]["total"], 2);
        let avg = rows(&mut anon, &rid, "surface_km2__avg&code_insee__in=01001,01002").await;
        assert!((avg["data"][0]["surface_km2__avg"].as_f64().unwrap() - 12.55).abs() < 1e-9, "{avg}");

        // Streaming.
        let csv = anon.get(&format!("/api/v1/catalog/tables/{rid}/rows?format=csv&population__sort=asc")).await;
        assert_eq!(csv.header("content-type"), Some("text/csv; charset=utf-8"));
        let text = csv.text();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines[0], "__id,code_insee,commune,population,surface_km2,date_maj,code_postal,actif");
        assert_eq!(lines[1], "2,01002,L'Abergement-de-Varey,267,9.15,2024-01-01,01640,false");
        assert_eq!(lines.len(), 6);
        let nd = anon.get(&format!("/api/v1/catalog/tables/{rid}/rows?format=ndjson&code_insee__exact=2A004")).await;
        let objs: Vec<Value> = nd.text().lines().map(|l| serde_json::from_str(l).unwrap()).collect();
        assert_eq!(objs.len(), 1);
        assert_eq!(objs[0]["commune"], "Ajaccio");

        // Errors name what is wrong.
        let bad = anon.get(&format!("/api/v1/catalog/tables/{rid}/rows?nope__exact=1&population__between=2&population__exact=douze&commune__sum")).await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
        let fields: Vec<(String, String)> = bad.json()["errors"].as_array().unwrap().iter().map(|e| (e["field"].as_str().unwrap().into(), e["code"].as_str().unwrap().into())).collect();
        assert_eq!(
            fields,
            [
                ("nope__exact".to_string(), "unknown_column".to_string()),
                ("population__between".into(), "unknown_operator".into()),
                ("population__exact".into(), "invalid_value".into()),
                ("commune__sum".into(), "not_numeric".into())
            ]
        );
        assert_eq!(anon.get(&format!("/api/v1/catalog/tables/{rid}/rows?page_size=1001")).await.status, StatusCode::UNPROCESSABLE_ENTITY);

        // Profile, per-table OpenAPI, the resource's extras.
        let prof = anon.get(&format!("/api/v1/catalog/tables/{rid}/profile")).await.json();
        assert_eq!(prof["columns"]["population"]["profile"]["min"], 267);
        assert_eq!(prof["columns"]["population"]["profile"]["max"], 2100000);
        assert_eq!(prof["columns"]["date_maj"]["profile"]["nulls"], 1);
        assert_eq!(prof["columns"]["date_maj"]["profile"]["min"], "2023-12-31");
        assert_eq!(prof["columns"]["actif"]["profile"]["top"][0], json!({ "value": "oui", "count": 3 }));
        assert_eq!(prof["columns"]["code_insee"]["profile"]["distinct"], 5);
        let doc = anon.get(&format!("/api/v1/catalog/tables/{rid}/openapi.json")).await.json();
        let params = &doc["paths"][format!("/api/v1/catalog/tables/{rid}/rows")]["get"]["parameters"];
        assert!(params.as_array().unwrap().iter().any(|p| p["name"] == "population__greater" && p["schema"]["type"] == "integer"));
        assert_eq!(doc["paths"][format!("/api/v1/catalog/tables/{rid}/rows")]["get"]["responses"]["200"]["content"]["application/json"]["schema"]["properties"]["data"]["items"]["properties"]["code_insee"]["anyOf"][0]["type"], "string");
        let res = anon.get(&format!("/api/v1/catalog/resources/{rid}")).await.json();
        assert!(res["extras"]["analysis:parsing:parsing_table"].as_str().unwrap().starts_with("catalog_t_"), "{res}");
        assert_eq!(res["extras"]["analysis:parsing:error"], Value::Null);
        assert_eq!(res["extras"]["analysis:parsing:rows"], 5);
    }
}

#[tokio::test]
async fn broken_files_get_a_report_and_private_tables_stay_private() {
    for b in backends() {
        let app = app(b).await;
        let mut alice = app.user("alice@ville.fr", false).await;
        let ds = dataset(&mut alice, false).await;
        let zip = upload(&mut alice, &ds, "archive.csv", b"PK\x03\x04\x14\x00\x00\x00\x08\x00binary").await;
        let ragged = upload(&mut alice, &ds, "ragged.csv", b"a;b;c\n1;2;3\n1;2;3;4;5\n6;7;8;9;10\n11;12;13;14;15\n").await;
        let short = upload(&mut alice, &ds, "short.csv", b"a;b;c\n1;2;3\n4;5\n6;7;8\n").await;
        let private_ds = dataset(&mut alice, true).await;
        let secret = upload(&mut alice, &private_ds, "secret.csv", b"x,y\n1,2\n").await;
        run_jobs(&app).await;

        let mut anon = app.client();
        let t = anon.get(&format!("/api/v1/catalog/tables/{zip}")).await.json();
        assert_eq!((t["state"].as_str(), t["available"].as_bool()), (Some("failed"), Some(false)), "{t}");
        assert_eq!(t["report"]["error"]["code"], "not_csv");
        assert!(t["report"]["error"]["message"].as_str().unwrap().contains("binary"));
        let r = anon.get(&format!("/api/v1/catalog/tables/{zip}/rows")).await;
        assert_eq!((r.status, r.problem_code()), (StatusCode::CONFLICT, "table_not_ready".to_string()));
        let res = anon.get(&format!("/api/v1/catalog/resources/{zip}")).await.json();
        assert!(res["extras"]["analysis:parsing:error"].as_str().unwrap().contains("binary"));

        let t = anon.get(&format!("/api/v1/catalog/tables/{ragged}")).await.json();
        assert_eq!(t["report"]["error"]["code"], "irregular", "{t}");
        assert_eq!(t["report"]["error"]["lines"], json!([3, 4, 5]));

        let t = anon.get(&format!("/api/v1/catalog/tables/{short}")).await.json();
        assert_eq!((t["state"].as_str(), t["rows"].as_i64()), (Some("ready"), Some(3)), "{t}");
        assert_eq!(t["report"]["warnings"]["short_rows_padded_with_nulls"], json!([3]));
        assert_eq!(rows(&mut anon, &short, "a__exact=4").await["data"][0]["c"], Value::Null);

        // A private dataset's table: its editor reads it, nobody else learns it exists.
        assert_eq!(anon.get(&format!("/api/v1/catalog/tables/{secret}")).await.status, StatusCode::NOT_FOUND);
        assert_eq!(anon.get(&format!("/api/v1/catalog/tables/{secret}/rows")).await.status, StatusCode::NOT_FOUND);
        let mut bob = app.user("bob@ailleurs.fr", false).await;
        assert_eq!(bob.get(&format!("/api/v1/catalog/tables/{secret}/profile")).await.status, StatusCode::NOT_FOUND);
        assert_eq!(rows(&mut alice, &secret, "").await["data"], json!([{ "__id": 1, "x": 1, "y": 2 }]));
        assert_eq!(anon.get("/api/v1/catalog/tables/nope/rows").await.status, StatusCode::NOT_FOUND);
    }
}

/// Serves `files` on a loopback port; returns its base URL.
async fn serve(files: Vec<(&'static str, Vec<u8>)>) -> String {
    let mut router = axum::Router::new();
    for (path, bytes) in files {
        router = router.route(path, axum::routing::get(move || async move { bytes.clone() }));
    }
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
    format!("http://{addr}")
}

#[tokio::test]
async fn csvapi_compatibility_and_reload() {
    let base = serve(vec![("/fr.csv", latin1(FR)), ("/v2.csv", b"code;n\n01001;1\n01002;2\n".to_vec())]).await;
    for b in backends() {
        let app = app(b).await;
        let mut anon = app.client();
        // Loopback is refused unless the operator allows private addresses.
        std::env::remove_var("COMMUNS_CATALOG_ALLOW_PRIVATE_URLS");
        let url = format!("{base}/fr.csv");
        let r = anon.get(&format!("/apify?url={}", urlencode(&url))).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.text());
        assert!(r.json()["error"].as_str().unwrap().contains("private"));
        assert_eq!(anon.get("/apify?url=file:///etc/passwd").await.status, StatusCode::BAD_REQUEST);
        std::env::set_var("COMMUNS_CATALOG_ALLOW_PRIVATE_URLS", "1");

        let r = anon.get(&format!("/apify?url={}", urlencode(&url))).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        let hash = format!("{:x}", md5_of(&url));
        assert_eq!(r.json(), json!({ "ok": true, "endpoint": format!("http://localhost/api/{hash}") }));
        // Cached: a second call answers the same endpoint.
        assert_eq!(anon.get(&format!("/apify?url={}", urlencode(&url))).await.json()["endpoint"], format!("http://localhost/api/{hash}"));

        let t = anon.get(&format!("/api/{hash}?_size=2&_sort_desc=population")).await.json();
        assert_eq!(t["ok"], true);
        assert_eq!(t["columns"], json!(["rowid", "code_insee", "commune", "population", "surface_km2", "date_maj", "code_postal", "actif"]));
        assert_eq!(t["rows"][0], json!([5, "75056", "Paris", 2100000, 105.4, "2024-02-02", "75001", null]));
        assert_eq!(t["total"], 5);
        assert!(t["query_ms"].as_f64().unwrap() >= 0.0);
        let t = anon.get(&format!("/api/{hash}?_shape=objects&_rowid=hide&population__greater=73000&surface_km2__less=90&_offset=0")).await.json();
        assert_eq!(t["rows"], json!([{ "code_insee": "2A004", "commune": "Ajaccio", "population": 73000, "surface_km2": 82.03, "date_maj": "2024-06-15", "code_postal": "20000", "actif": true }]));
        assert_eq!(t["total"], 1);
        let t = anon.get(&format!("/api/{hash}?commune__contains=zzz&_total=hide")).await.json();
        assert_eq!(t["rows"], json!([]));
        assert!(t.get("total").is_none());
        // csvapi's known bug fixed: a zero total is still given.
        assert_eq!(anon.get(&format!("/api/{hash}?commune__contains=zzz")).await.json()["total"], 0);
        let export = anon.get(&format!("/api/{hash}/export?code_insee__exact=2B033")).await;
        assert_eq!(export.text(), "rowid,code_insee,commune,population,surface_km2,date_maj,code_postal,actif\n4,2B033,Bastia,48000,19.38,,20200,true\n");
        let missing = anon.get("/api/0123456789abcdef0123456789abcdef").await;
        assert_eq!((missing.status, missing.json()["ok"].clone()), (StatusCode::NOT_FOUND, json!(false)));

        // `/api/{hash}` does not shadow the other APIs under /api.
        assert_eq!(anon.get("/api/openapi.json").await.json()["openapi"].as_str().map(|v| v.starts_with("3.")), Some(true));
        assert_eq!(anon.get("/api/docs").await.status, StatusCode::OK);
        assert_eq!(anon.get("/api/1/datasets/").await.status, StatusCode::OK);
        assert_eq!(anon.get("/api/v1/catalog/datasets").await.status, StatusCode::OK);
        assert_eq!(anon.get("/api/3/action/package_list").await.status, StatusCode::OK);

        // A remote resource is loaded by the job; changing its URL reloads into a new table.
        let mut alice = app.user("alice@ville.fr", false).await;
        let ds = dataset(&mut alice, false).await;
        let r = alice.post_json(&format!("/api/v1/catalog/datasets/{ds}/resources"), &json!({ "title": "Communes", "url": url, "format": "csv" })).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
        let rid = r.json()["id"].as_str().unwrap().to_string();
        run_jobs(&app).await;
        let first = anon.get(&format!("/api/v1/catalog/resources/{rid}")).await.json()["extras"]["analysis:parsing:parsing_table"].as_str().unwrap().to_string();
        assert_eq!(rows(&mut anon, &rid, "").await["meta"]["total"], 5);
        let r = alice
            .request(Method::PUT, &format!("/api/v1/catalog/datasets/{ds}/resources/{rid}"), Some("application/json"), json!({ "url": format!("{base}/v2.csv") }).to_string().into_bytes())
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        // Until the new load runs, the old table is served.
        assert_eq!(rows(&mut anon, &rid, "").await["meta"]["total"], 5);
        run_jobs(&app).await;
        let v2 = rows(&mut anon, &rid, "").await;
        assert_eq!(v2["data"], json!([{ "__id": 1, "code": "01001", "n": 1 }, { "__id": 2, "code": "01002", "n": 2 }]));
        let second = anon.get(&format!("/api/v1/catalog/resources/{rid}")).await.json()["extras"]["analysis:parsing:parsing_table"].as_str().unwrap().to_string();
        assert_ne!(first, second);
        let left: i64 = sqlx::query_scalar(&format!("SELECT COUNT(*) FROM {first}")).fetch_one(app.platform.db.pool()).await.map(|n: i64| n).unwrap_or(-1);
        assert_eq!(left, -1, "the replaced table is dropped");
    }
}

/// Tables nobody can reach any more are collected: a deleted resource's, and those left by a load
/// that was cut short; a table being loaded, and every served one, stay.
#[tokio::test]
async fn unreachable_tables_are_collected() {
    for b in backends() {
        let app = app(b).await;
        let p = &app.platform;
        let mut alice = app.user("alice@ville.fr", false).await;
        let ds = dataset(&mut alice, false).await;
        let kept = upload(&mut alice, &ds, "communes.csv", &latin1(FR)).await;
        let gone = upload(&mut alice, &ds, "autres.csv", b"code;n\n01001;1\n").await;
        run_jobs(&app).await;
        let table_of = |v: Value| v["extras"]["analysis:parsing:parsing_table"].as_str().unwrap().to_string();
        let kept_table = table_of(alice.get(&format!("/api/v1/catalog/resources/{kept}")).await.json());
        let gone_table = table_of(alice.get(&format!("/api/v1/catalog/resources/{gone}")).await.json());
        let r = alice.request(Method::DELETE, &format!("/api/v1/catalog/datasets/{ds}/resources/{gone}"), None, vec![]).await;
        assert!(r.status.is_success(), "{}", r.text());
        // Left behind: an /apify load of two hours ago and a job's load whose job is over; being
        // loaded: an /apify load of a minute ago and the table of a running job.
        let now = p.now();
        let running: i64 = {
            let mut tx = p.db.write().await.unwrap();
            let id = p.enqueue_in(tx.conn(), catalog::tabular::load::KIND, &json!({ "key": "x" }), now + 3_600_000).await.unwrap();
            tx.commit().await.unwrap();
            id
        };
        let old_apify = format!("catalog_t_{}", now - 7_200_000);
        let fresh_apify = format!("catalog_t_{}", now - 60_000);
        let finished_job = "catalog_t_999999".to_string();
        let running_job = format!("catalog_t_{running}");
        for t in [&old_apify, &fresh_apify, &finished_job, &running_job] {
            sqlx::query(&format!("CREATE TABLE {t} (c0 TEXT)")).execute(p.db.pool()).await.unwrap();
        }
        let c = catalog::tabular::gc::collect(p).await.unwrap();
        assert_eq!(c.of_deleted_resources, vec![gone_table.clone()], "{b:?}");
        let mut abandoned = c.abandoned.clone();
        abandoned.sort();
        let mut expected = vec![old_apify.clone(), finished_job.clone()];
        expected.sort();
        assert_eq!(abandoned, expected, "{b:?}");
        let exists = |t: String| async move { sqlx::query(&format!("SELECT COUNT(*) FROM {t}")).fetch_one(p.db.pool()).await.is_ok() };
        for (t, present) in [(kept_table, true), (gone_table, false), (old_apify, false), (finished_job, false), (fresh_apify, true), (running_job, true)] {
            assert_eq!(exists(t.clone()).await, present, "{b:?}: {t}");
        }
        assert_eq!(rows(&mut alice, &kept, "").await["meta"]["total"], 5, "the served table still answers");
        let audited: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM audit_log WHERE module = 'catalog' AND object_type = 'tables' AND action = 'collect'").fetch_one(p.db.pool()).await.unwrap();
        assert_eq!(audited, 1);
        // Nothing left to collect: nothing is written.
        assert_eq!(catalog::tabular::gc::collect(p).await.unwrap(), Default::default());
    }
}

fn urlencode(s: &str) -> String {
    s.bytes().map(|b| if b.is_ascii_alphanumeric() || b"-._~".contains(&b) { (b as char).to_string() } else { format!("%{b:02X}") }).collect()
}

fn md5_of(s: &str) -> u128 {
    use md5::{Digest, Md5};
    u128::from_be_bytes(Md5::digest(s.as_bytes()).into())
}
