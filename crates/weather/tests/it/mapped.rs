//! Any CSV read through a mapping, on both backends: the real automatic-station files of WMO's
//! wis2box tests (a Campbell TOA5 logger file in local time, the WMO AWS template in kelvin and
//! pascals, a DAYCLI daily climate file) and a French file (`;`, decimal comma, Latin-1, local
//! time of Europe/Paris, °F and km/h) pushed through the API.
use http::StatusCode;
use platform::audit::Actor;
use testkit::backends;
use weather::ingest::mapped::Mapping;
use weather::service;

use crate::app;

const SAMPLES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/data/wmo-samples");

const TOA5: &str = r#"
station = "0-454-2-AWSNAMITAMBO"
new_station = { name = "Namitambo", lat = -15.84, lon = 35.27, alti = 806 }
header_line = 2
skip_after_header = 2
time_columns = ["TIMESTAMP"]
time_format = "%Y-%m-%d %H:%M:%S"
time_zone = "Africa/Blantyre"
[[columns]]
column = "AirTempK"
param = "T"
unit = "K"
[[columns]]
column = "RH"
param = "U"
[[columns]]
column = "BP"
param = "PSTAT"
unit = "Pa"
[[columns]]
column = "WSpeed10M_Avg"
param = "FF"
[[columns]]
column = "WindDir"
param = "DD"
"#;

const AWS: &str = r#"
station = "0-20000-0-15015"
new_station = { name = "OCNA SUGATAG", lat = 47.77706163, lon = 23.94046026, alti = 503 }
time_columns = ["year", "month", "day", "hour", "minute"]
time_format = "%Y %m %d %H %M"
[[columns]]
column = "air_temperature"
param = "T"
unit = "K"
[[columns]]
column = "station_pressure"
param = "PSTAT"
unit = "Pa"
[[columns]]
column = "msl_pressure"
param = "PMER"
unit = "Pa"
[[columns]]
column = "relative_humidity"
param = "U"
"#;

/// WMO DAYCLI: one line a day, temperatures in kelvin; its values are the station's own daily ones.
const DAYCLI: &str = r#"
station = "0-20000-0-72565"
new_station = { name = "Denver International Airport", lat = 39.83, lon = -104.663, alti = 1650 }
time_columns = ["year", "month", "day"]
time_format = "%Y %m %d"
time_zone = "America/Denver"
[[columns]]
column = "maximum_temperature"
param = "TX_Q"
unit = "K"
[[columns]]
column = "minimum_temperature"
param = "TN_Q"
unit = "K"
[[columns]]
column = "average_temperature"
param = "TM_Q"
unit = "K"
[[columns]]
column = "precipitation"
param = "RR_Q"
unit = "mm"
"#;

#[tokio::test]
async fn a_daycli_file_gives_daily_values() {
    let file = std::fs::read(format!("{SAMPLES}/daycli.csv")).unwrap();
    let format = service::Format::parse("csv", Some(DAYCLI)).unwrap();
    for b in backends() {
        let app = app(b).await;
        let s = match service::import(&app.platform, &Actor::system("test"), &format, "daycli.csv", &file, &|_, _| {}).await.unwrap() {
            service::ImportOut::Values(s) => s,
            service::ImportOut::Stations(_) => unreachable!(),
        };
        assert_eq!((s.lines, s.values_added, s.rejected_count, s.stations_created), (30, 120, 0, 1), "{b:?}: {s:?}");
        let mut c = app.client();
        let id = c.get("/api/v1/weather/stations?q=denver").await.json()["data"][0]["id"].as_i64().unwrap();
        let daily = c.get(&format!("/api/v1/weather/stations/{id}/daily?from=2021-11-02&to=2021-11-02")).await.json();
        let get = |el: &str| daily.as_array().unwrap().iter().find(|d| d["element"] == el).map(|d| (d["value"].as_f64().unwrap(), d["official"].as_bool().unwrap()));
        // 2 November 2021: max 279.25 K, min 273.75 K, mean 275.75 K, 1.5 mm.
        assert_eq!(get("TX"), Some((6.1, true)), "{b:?}: {daily}");
        assert_eq!(get("TN"), Some((0.6, true)), "{b:?}");
        assert_eq!(get("TM"), Some((2.6, true)), "{b:?}");
        assert_eq!(get("RR"), Some((1.5, true)), "{b:?}");
        let monthly = c.get(&format!("/api/v1/weather/stations/{id}/monthly?from_year=2021&to_year=2021")).await.json();
        let tx = monthly.as_array().unwrap().iter().find(|m| m["element"] == "TX" && m["month"] == 11).unwrap();
        assert_eq!(tx["days_present"], 30, "{b:?}: {tx}");
        assert!(tx["value"].as_f64().is_some(), "{b:?}: a full month has its mean");
    }
}

fn value_at(obs: &serde_json::Value, param: &str, time: &str) -> Option<f64> {
    obs["data"].as_array()?.iter().find(|o| o["param"] == param && o["time"] == time).and_then(|o| o["value"].as_f64())
}

#[tokio::test]
async fn real_automatic_station_files_through_a_mapping() {
    for b in backends() {
        let app = app(b).await;
        let p = &app.platform;
        let actor = Actor::system("test");
        let toa5 = std::fs::read(format!("{SAMPLES}/WIGOS_0-454-2-AWSNAMITAMBO_2021-07-07.csv")).unwrap();
        let m = Mapping::parse(TOA5).unwrap();
        let s = service::import_mapped(p, &actor, "namitambo.csv", &toa5, &m, &|_, _| {}).await.unwrap();
        assert_eq!((s.stations_created, s.rejected_count), (1, 0), "{b:?}: {s:?}");
        assert_eq!(s.values_added, 16 * 5, "{b:?}: 16 hourly lines, 5 mapped columns");
        // Importing it again changes nothing.
        let again = service::import_mapped(p, &actor, "namitambo.csv", &toa5, &m, &|_, _| {}).await.unwrap();
        assert_eq!((again.values_added, again.stations_created), (0, 0));
        let mut c = app.client();
        let id = c.get("/api/v1/weather/stations?q=namitambo").await.json()["data"][0]["id"].as_i64().unwrap();
        let obs = c.get(&format!("/api/v1/weather/stations/{id}/observations?from=2021-07-07&to=2021-07-08")).await.json();
        // The logger's 16:55 local time is 14:55 UTC (its M_HourOfDay column says 14).
        assert_eq!(value_at(&obs, "T", "2021-07-07T14:55:00Z"), Some(15.6), "{b:?}: 288.7 K");
        assert_eq!(value_at(&obs, "PSTAT", "2021-07-07T14:55:00Z"), Some(932.8), "{b:?}: 93284.05 Pa");
        assert_eq!(value_at(&obs, "U", "2021-07-07T14:55:00Z"), Some(88.0));

        let aws = std::fs::read(format!("{SAMPLES}/aws_example.csv")).unwrap();
        let s = service::import_mapped(p, &actor, "aws.csv", &aws, &Mapping::parse(AWS).unwrap(), &|_, _| {}).await.unwrap();
        assert_eq!((s.values_added, s.rejected_count), (12, 0), "{b:?}: three lines, four mapped columns: {s:?}");
        let id = c.get("/api/v1/weather/stations?q=sugatag").await.json()["data"][0]["id"].as_i64().unwrap();
        let obs = c.get(&format!("/api/v1/weather/stations/{id}/observations?from=2022-03-31&to=2022-03-31")).await.json();
        assert_eq!(value_at(&obs, "T", "2022-03-31T01:00:00Z"), Some(25.0), "{b:?}: 298.15 K");
        assert_eq!(value_at(&obs, "PMER", "2022-03-31T02:00:00Z"), Some(1010.4), "{b:?}: 101040 Pa");
    }
}

#[tokio::test]
async fn a_french_csv_pushed_with_its_mapping() {
    let mapping = r#"
station = "jardin-lyon"
new_station = { name = "Jardin botanique de Lyon", lat = 45.7772, lon = 4.8547, alti = 170 }
delimiter = ";"
decimal = ","
encoding = "latin-1"
time_columns = ["date", "heure"]
time_format = "%d/%m/%Y %H:%M"
time_zone = "Europe/Paris"
[[columns]]
column = "température"
param = "T"
unit = "°F"
[[columns]]
column = "précipitations"
param = "RR1"
[[columns]]
column = "vent"
param = "FF"
unit = "km/h"
"#;
    let file: Vec<u8> = "date;heure;température;précipitations;vent\n15/01/2024;13:00;41;0,4;18\n15/01/2024;14:00;quarante;;\n15/01/2024;15:00;42,8;;\n31/03/2024;02:30;50;;\n"
        .chars()
        .map(|c| c as u32 as u8)
        .collect();
    let q = serde_urlencoded::to_string([("format", "csv"), ("filename", "jardin.csv"), ("mapping", mapping)]).unwrap();
    for b in backends() {
        let app = app(b).await;
        let mut admin = app.user("admin@meteo.fr", true).await;
        let r = admin.request(http::Method::POST, &format!("/api/v1/weather/imports?{q}"), Some("application/octet-stream"), file.clone()).await;
        assert_eq!(r.status, StatusCode::CREATED, "{b:?}: {}", r.text());
        let s = r.json();
        assert_eq!((s["values_added"].as_i64(), s["rejected_count"].as_i64(), s["stations_created"].as_i64()), (Some(4), Some(2), Some(1)), "{s}");
        assert_eq!(s["rejected"][0]["line"], 3);
        assert!(s["rejected"][0]["reason"].as_str().unwrap().contains("`quarante` is not a number"));
        assert_eq!(s["rejected"][1]["line"], 5);
        assert!(s["rejected"][1]["reason"].as_str().unwrap().contains("does not exist in Europe/Paris"), "{s}");
        let id = admin.get("/api/v1/weather/stations?q=jardin").await.json()["data"][0]["id"].as_i64().unwrap();
        let obs = admin.get(&format!("/api/v1/weather/stations/{id}/observations?from=2024-01-15&to=2024-01-15")).await.json();
        // 13:00 at UTC+1 is 12:00 UTC; 41 °F is 5 °C; 18 km/h is 5 m/s.
        assert_eq!(value_at(&obs, "T", "2024-01-15T12:00:00Z"), Some(5.0), "{b:?}");
        assert_eq!(value_at(&obs, "FF", "2024-01-15T12:00:00Z"), Some(5.0), "{b:?}");
        assert_eq!(value_at(&obs, "RR1", "2024-01-15T12:00:00Z"), Some(0.4), "{b:?}");
        assert_eq!(value_at(&obs, "T", "2024-01-15T14:00:00Z"), Some(6.0), "{b:?}");
        // A mapping with mistakes is refused whole, each named; nothing is imported.
        let bad = serde_urlencoded::to_string([("format", "csv"), ("mapping", "station = \"x\"\ntime_columns = [\"t\"]\ntime_format = \"%Y\"\n[[columns]]\ncolumn = \"a\"\nparam = \"T\"\nunit = \"hPa\"\n")]).unwrap();
        let r = admin.request(http::Method::POST, &format!("/api/v1/weather/imports?{bad}"), Some("application/octet-stream"), file.clone()).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        let detail = r.json()["detail"].as_str().unwrap().to_string();
        assert!(detail.contains("%m") && detail.contains("unit `hPa` cannot be converted to T"), "{detail}");
        let r = admin.request(http::Method::POST, "/api/v1/weather/imports?format=csv", Some("application/octet-stream"), file.clone()).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "a csv without its mapping");
        // Lines of a station the registry does not know are rejected when no new_station is given.
        let unknown = serde_urlencoded::to_string([("format", "csv"), ("mapping", &mapping.replace("jardin-lyon", "inconnue").replace("new_station = { name = \"Jardin botanique de Lyon\", lat = 45.7772, lon = 4.8547, alti = 170 }\n", ""))]).unwrap();
        let r = admin.request(http::Method::POST, &format!("/api/v1/weather/imports?{unknown}"), Some("application/octet-stream"), file.clone()).await;
        let s = r.json();
        assert_eq!((s["values_added"].as_i64(), s["rejected_count"].as_i64()), (Some(0), Some(4)), "{s}");
        // A mapping given with another format, and an unknown format, are refused.
        let r = admin.request(http::Method::POST, &format!("/api/v1/weather/imports?{}", serde_urlencoded::to_string([("format", "mf"), ("mapping", mapping)]).unwrap()), Some("application/octet-stream"), file.clone()).await;
        assert_eq!((r.status, r.json()["code"].as_str().map(String::from)), (StatusCode::UNPROCESSABLE_ENTITY, Some("bad_mapping".into())));
        let r = admin.request(http::Method::POST, "/api/v1/weather/imports?format=xls", Some("application/octet-stream"), file.clone()).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    }
}
