//! Météo-France daily (Q) files on both backends: the two real-format fixtures (built from the
//! official field descriptions, with quality codes, empty values, bad lines and the QPERMIN typo)
//! feed the daily summaries as official values, with their times, and keep winning over the values
//! computed from hourly observations whichever arrives first.
use platform::audit::Actor;
use serde_json::Value;
use sqlx::Row;
use testkit::backends;
use weather::service::{self, Format, ImportOut, ImportSummary};

use crate::app;
use crate::fixtures::{hourly_file, Station};

const RR_T_VENT: &str = include_str!("../fixtures/mf/Q_44_latest-2023-2024_RR-T-Vent.csv");
const AUTRES: &str = include_str!("../fixtures/mf/Q_44_latest-2023-2024_autres-parametres.csv");
const BLAIN: Station<'static> = Station { num: "44015001", name: "BLAIN", lat: 47.475667, lon: -1.7635, alti: 29.0 };

async fn import(p: &platform::Platform, name: &str, text: &str) -> ImportSummary {
    match service::import(p, &Actor::system("test"), &Format::Mf, name, text.as_bytes(), &|_, _| {}).await.expect("import") {
        ImportOut::Values(s) => s,
        ImportOut::Stations(_) => panic!("values expected"),
    }
}

fn element<'a>(daily: &'a Value, date: &str, element: &str) -> Option<&'a Value> {
    daily.as_array()?.iter().find(|d| d["date"] == date && d["element"] == element)
}

#[tokio::test]
async fn daily_files_are_official_daily_values() {
    for b in backends() {
        let app = app(b).await;
        let p = &app.platform;
        let s = import(p, "Q_44_latest-2023-2024_RR-T-Vent.csv", RR_T_VENT).await;
        // 6 data lines: 3 good (17 + 8 + 5 values), 3 rejected with their line and reason.
        assert_eq!((s.format.as_str(), s.lines, s.stations_created, s.values_added, s.rejected_count), ("mf-q", 6, 1, 30, 3), "{b:?}: {s:?}");
        assert_eq!(s.rejected.iter().map(|r| r.line).collect::<Vec<_>>(), vec![5, 6, 7]);
        assert_eq!(s.rejected[0].reason, "TN `abc` is not a number");
        assert_eq!(s.rejected[2].reason, "QTX: unknown quality code `7` (expected 9, 0, 1 or 2)");
        assert!(s.unknown_columns.is_empty());
        let again = import(p, "Q_44_latest-2023-2024_RR-T-Vent.csv", RR_T_VENT).await;
        assert_eq!((again.values_added, again.values_unchanged, again.values_replaced, again.stations_created), (0, 30, 0, 0), "{b:?}: importing twice changes nothing");
        let s = import(p, "Q_44_latest-2023-2024_autres-parametres.csv", AUTRES).await;
        assert_eq!((s.values_added, s.rejected_count, s.stations_created), (15 + 7, 0, 0), "{b:?}: {s:?}");

        let mut c = app.client();
        let id = c.get("/api/v1/weather/stations?q=blain").await.json()["data"][0]["id"].as_i64().unwrap();
        let daily = c.get(&format!("/api/v1/weather/stations/{id}/daily?from=2024-01-01&to=2024-01-03")).await.json();
        let tn = element(&daily, "2024-01-01", "TN").unwrap();
        // HTN 2310 of 1 January is 31 December 23:10 (TN window 18→18 FU, FU = UTC in Loire-Atlantique).
        assert_eq!((tn["value"].as_f64(), tn["at"].as_str(), tn["official"].as_bool()), (Some(6.5), Some("2023-12-31T23:10:00Z"), Some(true)), "{b:?}: {tn}");
        let tx = element(&daily, "2024-01-01", "TX").unwrap();
        assert_eq!((tx["value"].as_f64(), tx["at"].as_str()), (Some(11.2), Some("2024-01-01T14:20:00Z")));
        // HTX 0300 of 3 January is 4 January 03:00 (TX window 06→06 FU).
        assert_eq!(element(&daily, "2024-01-03", "TX").unwrap()["at"], "2024-01-04T03:00:00Z");
        for (date, el, v) in [("2024-01-01", "RR", 3.4), ("2024-01-01", "TM", 8.9), ("2024-01-01", "FXI", 15.3), ("2024-01-01", "UM", 86.0), ("2024-01-01", "PMERM", 1012.4), ("2024-01-01", "INST", 132.0), ("2024-01-02", "RR", 0.0), ("2024-01-02", "TN", 2.1), ("2024-01-03", "TN", -1.5)] {
            let d = element(&daily, date, el).unwrap_or_else(|| panic!("{b:?}: no {el} on {date}"));
            assert_eq!((d["value"].as_f64(), d["official"].as_bool(), d["complete"].as_bool()), (Some(v), Some(true), Some(true)), "{b:?}: {el} {date}");
        }
        assert_eq!(element(&daily, "2024-01-01", "FXI").unwrap()["at"], "2024-01-01T16:05:00Z");
        assert!(element(&daily, "2024-01-03", "RR").is_none(), "{b:?}: an empty RR is missing, not 0");
        // Months and records follow: the month's highest TX and lowest TN, the records.
        let monthly = c.get(&format!("/api/v1/weather/stations/{id}/monthly?from_year=2024&to_year=2024")).await.json();
        let tx = monthly.as_array().unwrap().iter().find(|m| m["element"] == "TX" && m["month"] == 1).unwrap();
        assert_eq!((tx["max"].as_f64(), tx["max_date"].as_str(), tx["value"].as_f64()), (Some(11.2), Some("2024-01-01"), None), "{b:?}: 3 days of 31 give no mean: {tx}");
        let records = c.get(&format!("/api/v1/weather/stations/{id}/records")).await.json();
        let rec = |el: &str, kind: &str| records.as_array().unwrap().iter().find(|r| r["element"] == el && r["kind"] == kind && r["scope"] == 0).map(|r| (r["value"].as_f64().unwrap(), r["date"].as_str().unwrap().to_string()));
        assert_eq!(rec("TX", "max"), Some((11.2, "2024-01-01".into())), "{b:?}");
        assert_eq!(rec("TN", "min"), Some((-1.5, "2024-01-03".into())), "{b:?}");
        assert_eq!(rec("RR", "max"), Some((3.4, "2024-01-01".into())), "{b:?}");
        // Every daily value is an observation with its quality and provenance, stamped 00:00 UTC of its date.
        let obs = c.get(&format!("/api/v1/weather/stations/{id}/observations?params=TN_Q,TX_Q,GELEE_Q&from=2024-01-02&to=2024-01-02")).await.json();
        let q = |param: &str| obs["data"].as_array().unwrap().iter().find(|o| o["param"] == param).map(|o| (o["time"].as_str().unwrap().to_string(), o["value"].as_f64().unwrap(), o["quality"].as_i64()));
        assert_eq!(q("TN_Q"), Some(("2024-01-02T00:00:00Z".into(), 2.1, Some(2))), "{b:?}: doubtful kept");
        assert_eq!(q("TX_Q"), Some(("2024-01-02T00:00:00Z".into(), 9.8, Some(0))), "{b:?}: protected kept");
        assert_eq!(q("GELEE_Q"), Some(("2024-01-02T00:00:00Z".into(), 1.0, Some(2))));
    }
}

#[tokio::test]
async fn official_daily_values_win_over_computed_ones_whichever_comes_first() {
    for b in backends() {
        let app = app(b).await;
        let p = &app.platform;
        let mut c = app.client();
        // Hourly first: the day is computed from them.
        let hourly = hourly_file(&BLAIN, 2024, 1, 1, 2, 5.0);
        import(p, "H_44_test.csv", &hourly).await;
        let id = c.get("/api/v1/weather/stations?q=blain").await.json()["data"][0]["id"].as_i64().unwrap();
        let url = format!("/api/v1/weather/stations/{id}/daily?from=2024-01-01&to=2024-01-03");
        let daily = c.get(&url).await.json();
        let computed = element(&daily, "2024-01-01", "TX").unwrap().clone();
        assert_eq!(computed["official"], false, "{b:?}");
        assert_ne!(computed["value"].as_f64(), Some(11.2));
        // Then the daily file: its values replace the computed ones in the summaries.
        let s = import(p, "Q_44.csv", RR_T_VENT).await;
        assert_eq!(s.values_superseded + s.values_replaced, 0, "{b:?}: daily parameters never collide with hourly ones");
        let daily = c.get(&url).await.json();
        assert_eq!((element(&daily, "2024-01-01", "TX").unwrap()["value"].as_f64(), element(&daily, "2024-01-01", "TX").unwrap()["official"].as_bool()), (Some(11.2), Some(true)), "{b:?}");
        // Hourly data again, warmer (a correction of the same source): the official day stays.
        let s = import(p, "H_44_test.csv", &hourly_file(&BLAIN, 2024, 1, 1, 2, 9.0)).await;
        assert!(s.values_replaced > 0, "{b:?}");
        let daily = c.get(&url).await.json();
        assert_eq!(element(&daily, "2024-01-01", "TX").unwrap()["value"].as_f64(), Some(11.2), "{b:?}");
        assert_eq!(element(&daily, "2024-01-02", "TN").unwrap()["value"].as_f64(), Some(2.1), "{b:?}");
        // An element the daily files lack here (UM: no autres-parametres file) is still computed.
        assert_eq!(element(&daily, "2024-01-02", "UM").unwrap()["official"], false, "{b:?}");
        // A corrected daily file: the newer value wins, the old one is kept as superseded.
        let corrected = RR_T_VENT.replacen(";11.2;1;1420;", ";11.4;0;1420;", 1);
        let s = import(p, "Q_44_corrected.csv", &corrected).await;
        assert_eq!((s.values_replaced, s.values_added, s.values_unchanged), (1, 0, 29), "{b:?}: one value (and its quality) changed: {s:?}");
        let tx_q = i64::from(weather::domain::params::ParamId::parse("TX_Q").unwrap().0);
        let kept: i64 = sqlx::query("SELECT COUNT(*) FROM weather_superseded WHERE reason = 'replaced' AND param_id = $1 AND stored = 112").bind(tx_q).fetch_one(p.db.pool()).await.unwrap().get(0);
        assert_eq!(kept, 1, "{b:?}");
        let daily = c.get(&url).await.json();
        assert_eq!(element(&daily, "2024-01-01", "TX").unwrap()["value"].as_f64(), Some(11.4), "{b:?}");
    }
}
