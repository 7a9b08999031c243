//! Weather pages render in both languages, with their content present without JavaScript.
use http::StatusCode;
use platform::audit::Actor;
use testkit::backends;

use crate::app;
use crate::fixtures::{hourly_file, DIJON};

#[tokio::test]
async fn network_and_station_pages_in_both_languages() {
    for b in backends() {
        let app = app(b).await;
        weather::service::import_mf(&app.platform, &Actor::system("test"), "H.csv", hourly_file(&DIJON, 2024, 7, 1, 31, 22.0).as_bytes(), &|_, _| {}).await.unwrap();
        let mut c = app.client();
        let id = c.get("/api/v1/weather/stations").await.json()["data"][0]["id"].as_i64().unwrap();
        for (lang, title, decade) in [("fr", "Réseau de stations", "Décade 1"), ("en", "Station network", "Ten-day period 1")] {
            let net = c.get(&format!("/weather?lang={lang}")).await;
            assert_eq!(net.status, StatusCode::OK);
            let html = net.text();
            assert!(html.contains(title), "{lang}");
            assert!(html.contains(&format!("href=\"/weather/stations/{id}\">DIJON-LONGVIC</a>")), "latest values listed without JS");
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
