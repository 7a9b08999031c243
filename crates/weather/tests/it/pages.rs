//! Weather pages render in both languages, with their content present without JavaScript.
use http::StatusCode;
use platform::audit::Actor;
use testkit::backends;

use crate::app;
use weather::domain::climato::civil;

use crate::fixtures::{hourly_file, DIJON};

#[tokio::test]
async fn network_and_station_pages_in_both_languages() {
    for b in backends() {
        let app = app(b).await;
        weather::service::import_mf(&app.platform, &Actor::system("test"), "H.csv", hourly_file(&DIJON, 2024, 7, 1, 31, 22.0).as_bytes(), &|_, _| {}).await.unwrap();
        let mut c = app.client();
        let id = c.get("/api/v1/weather/stations").await.json()["data"][0]["id"].as_i64().unwrap();
        // The map shows current conditions: values of 2024 are too old to be listed.
        let net = c.get("/weather?lang=en").await.text();
        assert!(!net.contains(&format!("href=\"/weather/stations/{id}\">DIJON-LONGVIC</a>")), "{b:?}: an old value is not current");
        assert!(net.contains("1 stations without a value of this parameter in the last 24 h are not shown."), "{b:?}");
        // Yesterday's and today's hours are.
        let (y, m, d) = civil(app.platform.now().div_euclid(86_400_000) - 1);
        weather::service::import_mf(&app.platform, &Actor::system("test"), "H2.csv", hourly_file(&DIJON, y, m, d, 1, 12.0).as_bytes(), &|_, _| {}).await.unwrap();
        for (lang, title, decade) in [("fr", "Réseau de stations", "Décade 1"), ("en", "Station network", "Ten-day period 1")] {
            let net = c.get(&format!("/weather?lang={lang}")).await;
            assert_eq!(net.status, StatusCode::OK);
            let html = net.text();
            assert!(html.contains(title), "{lang}");
            assert!(html.contains(&format!("href=\"/weather/stations/{id}\">DIJON-LONGVIC</a>")), "latest values listed without JS");
            assert!(html.contains("<option value=\"meteo-france\">meteo-france (1)</option>"), "{lang}: network choice");
            assert!(html.contains("src=\"/assets/weather/map.js\""));
            let page = c.get(&format!("/weather/stations/{id}?month=2024-07&lang={lang}")).await;
            assert_eq!(page.status, StatusCode::OK, "{b:?} {lang}");
            let html = page.text();
            assert!(html.contains("<h1>DIJON-LONGVIC</h1>"));
            assert!(html.contains(decade), "{lang}: monthly table by décade");
            assert!(html.contains("data-station=\""), "chart island");
            for key in ["weather.", "error."] {
                assert!(!html.contains(&format!(">{key}")), "{lang}: untranslated key {key}");
            }
        }
        // Assets of the module are served.
        assert_eq!(c.get("/assets/weather/map.js").await.header("content-type"), Some("text/javascript; charset=utf-8"));
        assert_eq!(c.get("/weather/stations/999999").await.status, StatusCode::NOT_FOUND);
        assert_eq!(c.get("/weather/stations/abc").await.status, StatusCode::BAD_REQUEST);
    }
}

#[tokio::test]
async fn import_page_needs_an_account_and_the_permission() {
    let app = app(testkit::Backend::Sqlite).await;
    let mut anon = app.client();
    let r = anon.get("/weather/import").await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert!(r.header("location").unwrap().starts_with("/login"));
    let mut user = app.user("someone@exemple.fr", false).await;
    assert_eq!(user.get("/weather/import").await.status, StatusCode::FORBIDDEN);
    let mut admin = app.user("admin@exemple.fr", true).await;
    let page = admin.get("/weather/import?lang=en").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.text().contains("Import observations"));
    // A multipart upload, as the form sends it, with the CSRF token in the action URL.
    let csrf = admin.csrf.clone().unwrap();
    let mut file = hourly_file(&DIJON, 2024, 1, 1, 1, 5.0);
    file.push_str("21473001;DIJON;47.2;5.0;219;2024010299;;\n");
    let boundary = "XyZ";
    let body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"format\"\r\n\r\nmf\r\n--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"H_21.csv\"\r\nContent-Type: text/csv\r\n\r\n{file}\r\n--{boundary}--\r\n"
    );
    admin.csrf = None;
    let r = admin.request(http::Method::POST, &format!("/weather/import?_csrf={csrf}&lang=en"), Some(&format!("multipart/form-data; boundary={boundary}")), body.clone().into_bytes()).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    let html = r.text();
    assert!(html.contains("192 values added"), "{html}");
    assert!(html.contains("line 26"), "{html}");
    // Without the token the upload is refused and nothing is written.
    let r = admin.request(http::Method::POST, "/weather/import", Some(&format!("multipart/form-data; boundary={boundary}")), body.into_bytes()).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn latest_values_by_network_and_age() {
    for b in backends() {
        let app = app(b).await;
        let p = &app.platform;
        let (y, m, d) = civil(p.now().div_euclid(86_400_000) - 1);
        weather::service::import_mf(p, &Actor::system("test"), "H.csv", hourly_file(&DIJON, y, m, d, 1, 12.0).as_bytes(), &|_, _| {}).await.unwrap();
        weather::service::import_mf(p, &Actor::system("test"), "H.csv", hourly_file(&crate::fixtures::Station { num: "29075001", name: "BREST-GUIPAVAS", lat: 48.444, lon: -4.412, alti: 94.0 }, 2024, 1, 1, 1, 8.0).as_bytes(), &|_, _| {}).await.unwrap();
        let mut c = app.client();
        let names = |v: serde_json::Value| v.as_array().unwrap().iter().map(|r| r["name"].as_str().unwrap().to_string()).collect::<Vec<_>>();
        assert_eq!(names(c.get("/api/v1/weather/latest?param=T").await.json()), ["DIJON-LONGVIC", "BREST-GUIPAVAS"], "{b:?}");
        assert_eq!(names(c.get("/api/v1/weather/latest?param=T&max_age_hours=48").await.json()), ["DIJON-LONGVIC"], "{b:?}");
        assert_eq!(names(c.get("/api/v1/weather/latest?param=T&network=meteo-france").await.json()).len(), 2);
        assert!(names(c.get("/api/v1/weather/latest?param=T&network=demo").await.json()).is_empty());
        for (bad, status) in [("max_age_hours=0", StatusCode::UNPROCESSABLE_ENTITY), ("max_age_hours=87601", StatusCode::UNPROCESSABLE_ENTITY), ("max_age_hours=x", StatusCode::BAD_REQUEST)] {
            let r = c.get(&format!("/api/v1/weather/latest?{bad}")).await;
            assert_eq!(r.status, status, "{bad}");
        }
    }
}

/// The demo's real SYNOP bulletins land on their two registered stations, once.
#[tokio::test]
async fn demo_imports_the_real_synop_bulletins_once() {
    for b in backends() {
        let app = app(b).await;
        let p = &app.platform;
        weather::demo::load(p).await.unwrap();
        weather::demo::load(p).await.unwrap();
        let imports: i64 = sqlx::query("SELECT COUNT(*) FROM weather_imports WHERE format = 'synop'").fetch_one(p.db.pool()).await.map(|r| sqlx::Row::get(&r, 0)).unwrap();
        assert_eq!(imports, 2, "{b:?}: one import per bulletin, not per start");
        let mut c = app.client();
        let st = c.get("/api/v1/weather/stations?network=anm-romania").await.json();
        let ocna = st["data"].as_array().unwrap().iter().find(|s| s["wmo"] == "15015").unwrap()["id"].as_i64().unwrap();
        // 15015 at 12 UTC: 10057 (T +5.7 °C); at 18 UTC: 10039 (+3.9 °C).
        let obs = c.get(&format!("/api/v1/weather/stations/{ocna}/observations?params=T&from=2023-01-17&to=2023-01-17")).await.json();
        let vals: Vec<(String, f64)> = obs["data"].as_array().unwrap().iter().map(|o| (o["time"].as_str().unwrap().to_string(), o["value"].as_f64().unwrap())).collect();
        assert_eq!(vals, [("2023-01-17T12:00:00Z".to_string(), 5.7), ("2023-01-17T18:00:00Z".to_string(), 3.9)], "{b:?}");
    }
}

/// A station that moved keeps its successive positions, in the API and on its page.
#[tokio::test]
async fn a_station_that_moves_keeps_its_positions() {
    for b in backends() {
        let app = app(b).await;
        let p = &app.platform;
        let moved = crate::fixtures::Station { lat: DIJON.lat + 0.01, alti: DIJON.alti + 12.0, ..DIJON };
        weather::service::import_mf(p, &Actor::system("test"), "H.csv", hourly_file(&DIJON, 2024, 7, 1, 1, 20.0).as_bytes(), &|_, _| {}).await.unwrap();
        weather::service::import_mf(p, &Actor::system("test"), "H.csv", hourly_file(&moved, 2024, 8, 1, 1, 20.0).as_bytes(), &|_, _| {}).await.unwrap();
        let mut c = app.client();
        let id = c.get("/api/v1/weather/stations").await.json()["data"][0]["id"].as_i64().unwrap();
        let pos = c.get(&format!("/api/v1/weather/stations/{id}/positions")).await.json();
        assert_eq!(pos[0]["valid_from"], serde_json::Value::Null, "{b:?}: {pos}");
        assert_eq!(pos[1]["valid_from"], "2024-08-01T00:00:00Z", "{b:?}: {pos}");
        assert_eq!((pos[1]["lat"].as_f64(), pos[1]["alti"].as_f64()), (Some(moved.lat), Some(moved.alti)));
        assert_eq!(c.get(&format!("/api/v1/weather/stations/{id}")).await.json()["alti"].as_f64(), Some(moved.alti), "the current position is the latest");
        let html = c.get(&format!("/weather/stations/{id}?lang=en")).await.text();
        assert!(html.contains("Successive positions") && html.contains("2024-08-01 00:00") && html.contains("station registration"), "{b:?}");
        assert_eq!(c.get("/api/v1/weather/stations/999999/positions").await.status, StatusCode::NOT_FOUND);
    }
}
