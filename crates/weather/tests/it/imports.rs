use http::StatusCode;
use platform::audit::Actor;
use sqlx::Row;
use testkit::backends;
use weather::domain::climato::days_from_civil;
use weather::service;

use crate::app;
use crate::fixtures::{hourly_file, line, DIJON};

fn actor() -> Actor {
    Actor::system("test")
}

async fn import(p: &platform::Platform, text: &str) -> service::ImportSummary {
    service::import_mf(p, &actor(), "H_21_test.csv", text.as_bytes(), &|_, _| {}).await.expect("import")
}

#[tokio::test]
async fn hourly_import_is_idempotent_and_builds_daily_values() {
    for b in backends() {
        let app = app(b).await;
        let p = &app.platform;
        let file = hourly_file(&DIJON, 2024, 1, 1, 10, 5.0);
        let s = import(p, &file).await;
        assert_eq!((s.lines, s.stations_created, s.values_added, s.rejected_count), (240, 1, 240 * 8, 0), "{b:?}");
        // Same file again: nothing changes.
        let again = import(p, &file).await;
        assert_eq!((again.values_added, again.values_unchanged, again.values_replaced, again.stations_created), (0, 240 * 8, 0, 0), "{b:?}");
        let blocks: i64 = sqlx::query("SELECT COUNT(*) FROM weather_blocks").fetch_one(p.db.pool()).await.unwrap().get(0);
        assert_eq!(blocks, 10 * 8);
        // Daily RR follows 06→06 attribution: compute it by hand from the file's rule.
        let d = days_from_civil(2024, 1, 3);
        let expected: f64 = (7..24).chain(0..7).map(|h| {
            let day = if h >= 7 { d } else { d + 1 };
            if (day + h) % 11 == 0 { 1.2 } else { 0.0 }
        }).sum();
        let rr: f64 = sqlx::query("SELECT value FROM weather_daily WHERE element = 'RR' AND day = $1").bind(d).fetch_one(p.db.pool()).await.unwrap().get(0);
        assert!((rr - expected).abs() < 1e-9, "{b:?}: {rr} vs {expected}");
        let mut c = app.client();
        let station = c.get("/api/v1/weather/stations?q=dijon").await.json();
        assert_eq!(station["total"], 1, "{b:?}: searchable by name");
        let id = station["data"][0]["id"].as_i64().unwrap();
        assert_eq!(station["data"][0]["mf_num_poste"], "21473001");
        let daily = c.get(&format!("/api/v1/weather/stations/{id}/daily?from=2024-01-02&to=2024-01-02")).await.json();
        let tn = daily.as_array().unwrap().iter().find(|x| x["element"] == "TN").unwrap();
        assert!(tn["at"].as_str().unwrap().starts_with("2024-01-0"), "{tn}");
        assert_eq!(tn["complete"], true);
        let obs = c.get(&format!("/api/v1/weather/stations/{id}/observations?params=T,RR1&from=2024-01-01&to=2024-01-01&page_size=5")).await.json();
        assert_eq!(obs["total"], 48);
        assert_eq!(obs["data"][0]["quality"], 1);
        let csv = c.get(&format!("/api/v1/weather/stations/{id}/observations?params=T&from=2024-01-01&to=2024-01-01&format=csv")).await;
        assert!(csv.text().starts_with("station;param;time;value;quality;source_id;import_id\n21473001;T;2024-01-01T00:00:00Z;"), "{}", csv.text());
    }
}

#[tokio::test]
async fn rejected_lines_are_reported_and_good_lines_imported() {
    for b in backends() {
        let app = app(b).await;
        let mut file = hourly_file(&DIJON, 2024, 3, 1, 1, 8.0);
        file.push_str(&line(&DIJON, "2024030299", &[("T", "1.0".into(), "1")]));
        file.push('\n');
        file.push_str(&line(&DIJON, "2024030201", &[("T", "chaud".into(), "1")]));
        file.push('\n');
        let s = import(&app.platform, &file).await;
        assert_eq!(s.rejected_count, 2);
        assert_eq!(s.rejected[0].line, 26);
        assert!(s.rejected[0].reason.contains("2024030299"));
        assert_eq!(s.rejected[1].reason, "T `chaud` is not a number");
        assert_eq!(s.values_added, 24 * 8, "{b:?}");
        // A file that is not a Météo-France file is refused whole, with the reason.
        let err = service::import_mf(&app.platform, &actor(), "x.csv", b"a;b;c\n1;2;3\n", &|_, _| {}).await.unwrap_err();
        assert!(err.to_string().contains("missing column NUM_POSTE"), "{err}");
    }
}

#[tokio::test]
async fn higher_priority_sources_win_and_nothing_is_lost() {
    for b in backends() {
        let app = app(b).await;
        let p = &app.platform;
        import(p, &hourly_file(&DIJON, 2024, 6, 1, 1, 20.0)).await;
        let station: i64 = sqlx::query("SELECT id FROM weather_stations").fetch_one(p.db.pool()).await.unwrap().get(0);
        let t = weather::domain::params::ParamId::parse("T").unwrap();
        let at = days_from_civil(2024, 6, 1) * 1440 + 12 * 60;
        // A push (priority 40) for the same hour loses to Météo-France (100) and is kept aside.
        let (imp, src) = service::start(p, &actor(), "push", "push", "push").await.unwrap();
        let mut s = service::ImportSummary::default();
        let parts = weather::store::Partitions::default();
        let obs = [service::Observation { station, param: t, t: at, value: 99.9, quality: weather::domain::block::Quality::Unknown }];
        service::write_batch(p, &parts, imp, src, &obs, &mut s).await.unwrap();
        assert_eq!(s.values_superseded, 1, "{b:?}");
        let stored = weather::store::series(p.db.pool(), station, t, at / 1440, at / 1440).await.unwrap();
        let noon = stored.iter().find(|v| v.0 == at).unwrap();
        assert_ne!(noon.1, 99.9);
        let kept: i64 = sqlx::query("SELECT COUNT(*) FROM weather_superseded WHERE reason = 'lower_priority'").fetch_one(p.db.pool()).await.unwrap().get(0);
        assert_eq!(kept, 1);
        // A corrected Météo-France value replaces the old one, which is kept too.
        let corrected = hourly_file(&DIJON, 2024, 6, 1, 1, 20.0).replacen(";1;", ";0;", 1);
        let c = import(p, &corrected).await;
        assert_eq!(c.values_replaced, 1, "{b:?}: quality 1 → 0 on one value");
        let replaced: i64 = sqlx::query("SELECT COUNT(*) FROM weather_superseded WHERE reason = 'replaced'").fetch_one(p.db.pool()).await.unwrap().get(0);
        assert_eq!(replaced, 1);
    }
}

#[tokio::test]
async fn records_are_kept_current_and_announced() {
    for b in backends() {
        let app = app(b).await;
        let p = &app.platform;
        let mut rx = p.events.subscribe();
        let first = import(p, &hourly_file(&DIJON, 2023, 7, 1, 31, 22.0)).await;
        assert!(first.records_broken.is_empty(), "{b:?}: first values establish records, they break none");
        let mut c = app.client();
        let id = c.get("/api/v1/weather/stations").await.json()["data"][0]["id"].as_i64().unwrap();
        let rec = c.get(&format!("/api/v1/weather/stations/{id}/records")).await.json();
        let txmax = rec.as_array().unwrap().iter().find(|r| r["element"] == "TX" && r["scope"] == 0 && r["kind"] == "max").unwrap().clone();
        // A hotter July 2024 beats the all-time and July records: announced live.
        let s = import(p, &hourly_file(&DIJON, 2024, 7, 10, 2, 30.0)).await;
        let broken: Vec<(i64, String, String)> = s.records_broken.iter().map(|r| (r.scope, r.element.clone(), r.kind.clone())).collect();
        assert!(broken.contains(&(0, "TX".into(), "max".into())), "{b:?}: {broken:?}");
        assert!(broken.contains(&(7, "TX".into(), "max".into())));
        let tx_broken = s.records_broken.iter().find(|r| r.scope == 0 && r.element == "TX" && r.kind == "max").unwrap();
        assert_eq!(tx_broken.previous_value, txmax["value"].as_f64());
        let mut kinds = Vec::new();
        while let Ok(e) = rx.try_recv() {
            kinds.push((e.topic, e.kind));
        }
        assert!(kinds.contains(&(format!("weather.station.{id}"), "record".into())), "{kinds:?}");
        assert!(kinds.contains(&(format!("weather.station.{id}"), "observation".into())));
        // Monthly summary and counts.
        let m = c.get(&format!("/api/v1/weather/stations/{id}/monthly?from_year=2023&to_year=2023")).await.json();
        let tx = m.as_array().unwrap().iter().find(|x| x["element"] == "TX" && x["month"] == 7).unwrap();
        assert_eq!(tx["days_in_month"], 31);
        assert!(tx["counts"]["NBJTX25"].as_u64().is_some(), "{tx}");
        // Normals need 30 years: with one year they are withheld, not invented.
        let n = c.get(&format!("/api/v1/weather/stations/{id}/normals?from=1991&to=2020&element=TX")).await.json();
        assert!(n.as_array().unwrap().iter().all(|x| x["value"].is_null()));
        let n = c.get(&format!("/api/v1/weather/stations/{id}/normals?from=2023&to=2023&element=TX")).await.json();
        assert!(n[6]["value"].as_f64().is_some(), "{b:?}: July 2023 alone is its own normal");
    }
}

#[tokio::test]
async fn series_are_downsampled_with_their_extremes() {
    for b in backends() {
        let app = app(b).await;
        import(&app.platform, &hourly_file(&DIJON, 2024, 1, 1, 60, 3.0)).await;
        let mut c = app.client();
        let id = c.get("/api/v1/weather/stations").await.json()["data"][0]["id"].as_i64().unwrap();
        let s = c.get(&format!("/api/v1/weather/stations/{id}/series?param=T&from=2024-01-01&to=2024-02-29&points=100")).await.json();
        assert_eq!(s["raw_count"], 60 * 24);
        assert_eq!(s["downsampled"], true);
        assert!(s["t"].as_array().unwrap().len() <= 100);
        let raw = c.get(&format!("/api/v1/weather/stations/{id}/series?param=T&from=2024-01-01&to=2024-01-01")).await.json();
        assert_eq!(raw["downsampled"], false);
        assert_eq!(raw["t"].as_array().unwrap().len(), 24);
        // Bad input is a clear 4xx.
        for (q, code) in [("param=NOPE&from=2024-01-01&to=2024-01-02", "validation_failed"), ("param=T&from=2024-13-01&to=2024-01-02", "validation_failed"), ("param=T&from=2024-01-02&to=2024-01-01", "validation_failed"), ("param=T", "invalid_query")] {
            assert_eq!(c.get(&format!("/api/v1/weather/stations/{id}/series?{q}")).await.problem_code(), code, "{q}");
        }
        assert_eq!(c.get("/api/v1/weather/stations/999999").await.status, StatusCode::NOT_FOUND);
        let latest = c.get("/api/v1/weather/latest?param=T").await.json();
        assert_eq!(latest[0]["time"], "2024-02-29T23:00:00Z");
    }
}

#[tokio::test]
async fn imports_over_http_need_the_permission() {
    for b in backends() {
        let app = app(b).await;
        let file = hourly_file(&DIJON, 2024, 1, 1, 1, 5.0);
        let mut user = app.user("obs@exemple.fr", false).await;
        let r = user.request(http::Method::POST, "/api/v1/weather/imports?format=mf", Some("application/octet-stream"), file.clone().into_bytes()).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
        let mut admin = app.user("root@exemple.fr", true).await;
        let token = admin.post_json("/api/v1/me/tokens", &serde_json::json!({"name": "push", "scopes": ["weather:CR"]})).await.json()["token"].as_str().unwrap().to_string();
        let mut t = admin.with_token(&token);
        let r = t.request(http::Method::POST, "/api/v1/weather/imports?format=mf&filename=H_21.csv", Some("application/octet-stream"), file.into_bytes()).await;
        assert_eq!(r.status, StatusCode::CREATED, "{b:?}: {}", r.text());
        let id = r.json()["import_id"].as_i64().unwrap();
        assert_eq!(r.json()["values_added"], 24 * 8);
        assert_eq!(t.get(&format!("/api/v1/weather/imports/{id}")).await.json()["filename"], "H_21.csv");
        let bad = t.request(http::Method::POST, "/api/v1/weather/imports?format=mf", Some("application/octet-stream"), b"\x1f\x8b\x00garbage".to_vec()).await;
        assert_eq!(bad.problem_code(), "bad_file");
        assert_eq!(t.request(http::Method::POST, "/api/v1/weather/imports?format=xls", None, vec![]).await.problem_code(), "validation_failed");
        // The import is in the audit log.
        let log = platform::audit::list(app.platform.db.pool(), &platform::audit::AuditQuery { module: Some("weather".into()), limit: 10, ..Default::default() }).await.unwrap();
        assert_eq!(log[0].action, "import");
    }
}

#[tokio::test]
async fn station_list_of_meteo_france() {
    for b in backends() {
        let app = app(b).await;
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/data/meteo-france/fiches.json");
        let Ok(bytes) = std::fs::read(path) else { return };
        let s = service::import_station_sheets(&app.platform, &actor(), &bytes).await.unwrap();
        assert_eq!(s.created, 2397, "{b:?}");
        let mut c = app.client();
        let hits = c.get("/api/v1/weather/stations?q=longvic").await.json();
        assert_eq!(hits["data"][0]["mf_num_poste"], "21473001", "{hits}");
        let near = c.get("/api/v1/weather/stations?near=5.04,47.32&page_size=3").await.json();
        assert!(near["data"][0]["distance_m"].as_f64().unwrap() < 15_000.0, "{near}");
        let bbox = c.get("/api/v1/weather/stations?bbox=4.9,47.2,5.2,47.4&page_size=100").await.json();
        assert!(bbox["total"].as_i64().unwrap() >= 1);
        assert_eq!(c.get("/api/v1/weather/stations?bbox=1,2,3").await.problem_code(), "validation_failed");
        // Re-importing changes nothing.
        assert_eq!(service::import_station_sheets(&app.platform, &actor(), &bytes).await.unwrap().created, 0);
    }
}

#[tokio::test]
async fn storage_is_compact() {
    // 10 stations × 90 days × 24 hours × 8 parameters = 172,800 values on SQLite.
    let app = app(testkit::Backend::Sqlite).await;
    let p = &app.platform;
    for i in 0..10 {
        let num = format!("210{i:02}001");
        let st = crate::fixtures::Station { num: &num, name: "STATION", lat: 47.0 + i as f64 * 0.1, lon: 5.0, alti: 200.0 };
        import(p, &hourly_file(&st, 2024, 1, 1, 90, 4.0 + i as f64)).await;
    }
    let values = 10 * 90 * 24 * 8;
    let bytes: i64 = sqlx::query("SELECT SUM(pgsize) FROM dbstat WHERE name = 'weather_blocks'").fetch_one(p.db.pool()).await.unwrap().get(0);
    let per_value = bytes as f64 / values as f64;
    eprintln!("weather_blocks: {bytes} bytes for {values} values = {per_value:.2} B/value");
    assert!(per_value <= 12.0, "{per_value:.2} bytes per value");
}

#[tokio::test]
async fn metar_and_synop_bulletins_for_registered_stations() {
    for b in backends() {
        let app = app(b).await;
        let p = &app.platform;
        weather::demo::load(p).await.unwrap();
        // Reference: 2026-03-20 12:30 UTC; the reports carry day 20.
        let reference = days_from_civil(2026, 3, 20) * 86_400_000 + 12 * 3_600_000 + 30 * 60_000;
        let bulletin = "SAFR31 LFPW 201200\nMETAR LFSD 201200Z 21008KT 9999 FEW040 12/04 Q1018 NOSIG=\nMETAR LFXX 201200Z 00000KT CAVOK 10/01 Q1020=\nMETAR LFSD 2012";
        let s = service::import_reports(p, &actor(), "metar", "bulletin.txt", bulletin.as_bytes(), reference).await.unwrap();
        assert!(s.values_added >= 4, "{b:?}: {s:?}");
        let reasons: Vec<&str> = s.rejected.iter().map(|r| r.reason.as_str()).collect();
        assert!(reasons.iter().any(|r| r.contains("station LFXX is not registered")), "{reasons:?}");
        assert_eq!(s.rejected_count, 2, "{reasons:?}");
        let dijon: i64 = sqlx::query("SELECT id FROM weather_stations WHERE icao = 'LFSD'").fetch_one(p.db.pool()).await.unwrap().get(0);
        let t = weather::domain::params::ParamId::parse("T").unwrap();
        let day = days_from_civil(2026, 3, 20);
        let vals = weather::store::series(p.db.pool(), dijon, t, day, day).await.unwrap();
        assert_eq!(vals.iter().find(|v| v.0 == day * 1440 + 720).map(|v| v.1), Some(12.0));
        // SYNOP for WMO 07280 (Dijon), same day at 12 UTC: T 11.4, Td 3.1, MSL pressure 1018.2.
        let synop = "SMFR01 LFPW 201200\nAAXX 20121\n07280 11470 62108 10114 20031 30021 40182 58007=\n";
        let s = service::import_reports(p, &actor(), "synop", "synop.txt", synop.as_bytes(), reference).await.unwrap();
        assert!(s.values_added + s.values_replaced + s.values_superseded >= 3, "{b:?}: {s:?}");
        // METAR (priority 50) held T at 12:00; SYNOP (60) outranks it and the METAR value is kept aside.
        let vals = weather::store::series(p.db.pool(), dijon, t, day, day).await.unwrap();
        assert_eq!(vals.iter().find(|v| v.0 == day * 1440 + 720).map(|v| v.1), Some(11.4), "{b:?}");
        // Text that holds no report adds nothing and says why.
        match service::import_reports(p, &actor(), "synop", "x", b"nothing here", reference).await {
            Ok(s) => assert!(s.values_added == 0 && s.rejected_count >= 1, "{s:?}"),
            Err(e) => assert!(e.to_string().contains("no synop report"), "{e}"),
        }
    }
}
