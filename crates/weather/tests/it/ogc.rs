//! OGC API – Features (stations) and EDR (observations as CoverageJSON) under `/ogc`, on both
//! backends, with station visibility.
use http::StatusCode;
use platform::audit::Actor;
use serde_json::Value;
use testkit::{backends, Client};
use weather::domain::climato::days_from_civil;

use crate::app;
use crate::fixtures::{hourly_file, line, Station, DIJON};

const BESANCON: Station<'static> = Station { num: "25056001", name: "BESANCON", lat: 47.25, lon: 5.989, alti: 307.0 };
const BREST: Station<'static> = Station { num: "29075001", name: "BREST-GUIPAVAS", lat: 48.444, lon: -4.412, alti: 94.0 };

async fn import(p: &platform::Platform, text: &str) {
    let s = weather::service::import_mf(p, &Actor::system("test"), "H_test.csv", text.as_bytes(), &|_, _| {}).await.expect("import");
    assert_eq!(s.rejected_count, 0, "{:?}", s.rejected);
}

/// T at `h` o'clock of `day` in `hourly_file`, as the file writes it.
fn fixture_t(warm: f64, day: i64, h: i64) -> f64 {
    let phase = ((h as f64 - 15.0) / 24.0 * std::f64::consts::TAU).cos();
    format!("{:.1}", warm + 6.0 * phase + ((day % 7) as f64 - 3.0) * 0.3).parse().unwrap()
}

async fn get_json(c: &mut Client, path: &str, status: StatusCode, content_type: &str) -> Value {
    let r = c.get(path).await;
    assert_eq!(r.status, status, "{path}: {}", r.text());
    assert_eq!(r.header("content-type"), Some(content_type), "{path}");
    r.json()
}

fn ids(features: &Value) -> Vec<i64> {
    features["features"].as_array().unwrap().iter().map(|f| f["id"].as_i64().unwrap()).collect()
}

fn coverage_ids(collection: &Value) -> Vec<String> {
    collection["coverages"].as_array().unwrap().iter().map(|c| c["id"].as_str().unwrap().to_string()).collect()
}

#[tokio::test]
async fn landing_conformance_and_collections() {
    for b in backends() {
        let app = app(b).await;
        import(&app.platform, &hourly_file(&DIJON, 2024, 1, 1, 10, 5.0)).await;
        let mut c = app.client();
        for path in ["/ogc", "/ogc/", "/ogc?f=json"] {
            let landing = get_json(&mut c, path, StatusCode::OK, "application/json").await;
            let rels: Vec<&str> = landing["links"].as_array().unwrap().iter().map(|l| l["rel"].as_str().unwrap()).collect();
            for rel in ["self", "service-desc", "conformance", "data"] {
                assert!(rels.contains(&rel), "{path}: {rel} in {rels:?}");
            }
            let desc = landing["links"].as_array().unwrap().iter().find(|l| l["rel"] == "service-desc").unwrap();
            assert!(desc["href"].as_str().unwrap().ends_with("/api/openapi.json"));
            assert_eq!(desc["type"], "application/vnd.oai.openapi+json;version=3.1");
        }
        let conf = get_json(&mut c, "/ogc/conformance", StatusCode::OK, "application/json").await;
        let classes: Vec<&str> = conf["conformsTo"].as_array().unwrap().iter().map(|x| x.as_str().unwrap()).collect();
        for class in [
            "http://www.opengis.net/spec/ogcapi-common-1/1.0/conf/core",
            "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
            "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson",
            "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30",
            "http://www.opengis.net/spec/ogcapi-edr-1/1.0/conf/core",
            "http://www.opengis.net/spec/ogcapi-edr-1/1.0/conf/covjson",
        ] {
            assert!(classes.contains(&class), "{class}");
        }

        let cols = get_json(&mut c, "/ogc/collections", StatusCode::OK, "application/json").await;
        let list = cols["collections"].as_array().unwrap();
        assert_eq!(list.iter().map(|x| x["id"].as_str().unwrap()).collect::<Vec<_>>(), ["stations", "observations"]);
        let stations = &list[0];
        assert_eq!(stations["itemType"], "feature");
        assert_eq!(stations["extent"]["spatial"]["bbox"][0], serde_json::json!([DIJON.lon, DIJON.lat, DIJON.lon, DIJON.lat]));
        let obs = get_json(&mut c, "/ogc/collections/observations", StatusCode::OK, "application/json").await;
        assert_eq!(&obs, &list[1], "the same document alone and in the list");
        let mut names: Vec<&str> = obs["parameter_names"].as_object().unwrap().keys().map(String::as_str).collect();
        names.sort();
        assert_eq!(names, ["FF", "FXI", "PMER", "RR1", "T", "TN", "TX", "U"], "{b:?}: the parameters with values");
        let t = &obs["parameter_names"]["T"];
        assert_eq!(t["type"], "Parameter");
        assert_eq!(t["observedProperty"]["label"], "Air temperature (shelter)");
        assert_eq!(t["unit"]["symbol"]["value"], "Cel");
        assert_eq!(t["unit"]["label"], "degree Celsius");
        assert_eq!(obs["output_formats"], serde_json::json!(["CoverageJSON"]));
        for q in ["position", "radius", "area", "locations"] {
            let l = &obs["data_queries"][q]["link"];
            assert!(l["href"].as_str().unwrap().ends_with(&format!("/ogc/collections/observations/{q}")), "{q}");
            assert_eq!(l["variables"]["query_type"], q);
        }
        assert_eq!(obs["data_queries"]["radius"]["link"]["variables"]["within_units"], serde_json::json!(["km", "m", "mi"]));
        assert_eq!(obs["extent"]["temporal"]["interval"], serde_json::json!([["2024-01-01T00:00:00Z", "2024-01-10T23:00:00Z"]]), "{b:?}");
        get_json(&mut c, "/ogc/collections/stations", StatusCode::OK, "application/json").await;

        let r = c.get("/ogc/collections/nope").await;
        assert_eq!((r.status, r.problem_code().as_str()), (StatusCode::NOT_FOUND, "not_found"));
        let r = c.get("/ogc/conformance?f=html").await;
        assert_eq!((r.status, r.problem_code().as_str()), (StatusCode::BAD_REQUEST, "invalid_query"));
        assert!(r.json()["detail"].as_str().unwrap().contains("expected `json`"), "{}", r.text());
        let r = c.get("/ogc/collections/nope/items").await;
        assert_eq!((r.status, r.problem_code().as_str()), (StatusCode::NOT_FOUND, "not_found"), "problem+json even without Accept");

        // Every operation is in the OpenAPI document, with both spellings of parameter-name.
        let doc = c.get("/api/openapi.json").await.json();
        for path in [
            "/ogc",
            "/ogc/conformance",
            "/ogc/collections",
            "/ogc/collections/{collectionId}",
            "/ogc/collections/stations/items",
            "/ogc/collections/stations/items/{featureId}",
            "/ogc/collections/observations/position",
            "/ogc/collections/observations/radius",
            "/ogc/collections/observations/area",
            "/ogc/collections/observations/locations",
            "/ogc/collections/observations/locations/{locationId}",
        ] {
            assert_eq!(doc["paths"][path]["get"]["tags"][0], "ogc", "{path}");
        }
        let position = &doc["paths"]["/ogc/collections/observations/position"]["get"];
        let params: Vec<&str> = position["parameters"].as_array().unwrap().iter().map(|p| p["name"].as_str().unwrap()).collect();
        assert_eq!(params, ["coords", "datetime", "parameter-name", "parameter_names", "crs", "f"]);
        for status in ["200", "204", "400", "404", "413"] {
            assert!(position["responses"][status].is_object(), "position documents {status}");
        }
        assert!(position["responses"]["200"]["content"]["application/prs.coverage+json"].is_object());
    }
}

#[tokio::test]
async fn stations_as_features_with_paging_bbox_and_visibility() {
    for b in backends() {
        let app = app(b).await;
        for s in [&DIJON, &BESANCON, &BREST] {
            import(&app.platform, &hourly_file(s, 2024, 1, 1, 2, 5.0)).await;
        }
        let mut c = app.client();
        let all = get_json(&mut c, "/ogc/collections/stations/items", StatusCode::OK, "application/geo+json").await;
        assert_eq!(all["type"], "FeatureCollection");
        assert_eq!((all["numberMatched"].as_i64(), all["numberReturned"].as_i64()), (Some(3), Some(3)));
        let ids_all = ids(&all);
        let f = &all["features"][0];
        assert_eq!(f["type"], "Feature");
        assert_eq!(f["geometry"], serde_json::json!({ "type": "Point", "coordinates": [DIJON.lon, DIJON.lat] }));
        assert_eq!(f["properties"]["mf_num_poste"], "21473001");
        assert_eq!(f["properties"]["altitude"], 219.0);

        let page1 = get_json(&mut c, "/ogc/collections/stations/items?limit=2", StatusCode::OK, "application/geo+json").await;
        assert_eq!((page1["numberMatched"].as_i64(), page1["numberReturned"].as_i64()), (Some(3), Some(2)));
        let next = page1["links"].as_array().unwrap().iter().find(|l| l["rel"] == "next").expect("next link")["href"].as_str().unwrap().to_string();
        let next_path = &next[next.find("/ogc/").unwrap()..];
        let page2 = get_json(&mut c, next_path, StatusCode::OK, "application/geo+json").await;
        assert_eq!(page2["numberReturned"], 1);
        assert!(!page2["links"].as_array().unwrap().iter().any(|l| l["rel"] == "next"), "last page");
        assert!(page2["links"].as_array().unwrap().iter().any(|l| l["rel"] == "prev"));
        assert_eq!([ids(&page1), ids(&page2)].concat(), ids_all);
        let huge = get_json(&mut c, "/ogc/collections/stations/items?limit=100000&offset=7", StatusCode::OK, "application/geo+json").await;
        assert_eq!((huge["numberMatched"].as_i64(), huge["numberReturned"].as_i64()), (Some(3), Some(0)), "limit lowered, offset past the end");

        let east = get_json(&mut c, "/ogc/collections/stations/items?bbox=4,46,7,48&f=json", StatusCode::OK, "application/geo+json").await;
        assert_eq!(east["numberMatched"], 2, "Dijon and Besançon");
        let one = get_json(&mut c, &format!("/ogc/collections/stations/items/{}", ids_all[2]), StatusCode::OK, "application/geo+json").await;
        assert_eq!(one["properties"]["name"], "BREST-GUIPAVAS");
        assert_eq!(one["id"], ids_all[2]);

        for (q, code) in [("bbox=1,2,3", "invalid_bbox"), ("bbox=10,0,0,10", "invalid_bbox"), ("limit=0", "invalid_limit"), ("offset=-1", "invalid_offset"), ("f=xml", "invalid_query"), ("datetime=soon", "invalid_datetime"), ("nope=1", "invalid_query"), ("limit=x", "invalid_query")] {
            let r = c.get(&format!("/ogc/collections/stations/items?{q}")).await;
            assert_eq!((r.status, r.problem_code()), (StatusCode::BAD_REQUEST, code.to_string()), "{q}");
        }
        for path in ["/ogc/collections/stations/items/999999", "/ogc/collections/stations/items/abc"] {
            let r = c.get(path).await;
            assert_eq!((r.status, r.problem_code().as_str()), (StatusCode::NOT_FOUND, "not_found"), "{path}");
        }

        // A station that is not public is hidden from those who may not read it.
        sqlx::query("UPDATE weather_stations SET public = FALSE WHERE code = '25056001'").execute(app.platform.db.pool()).await.unwrap();
        let hidden = ids_all[1];
        let anon = get_json(&mut c, "/ogc/collections/stations/items", StatusCode::OK, "application/geo+json").await;
        assert_eq!(ids(&anon), [ids_all[0], ids_all[2]], "{b:?}");
        assert_eq!(c.get(&format!("/ogc/collections/stations/items/{hidden}")).await.status, StatusCode::NOT_FOUND);
        assert_eq!(c.get(&format!("/ogc/collections/observations/locations/{hidden}")).await.status, StatusCode::NOT_FOUND);
        let locs = get_json(&mut c, "/ogc/collections/observations/locations", StatusCode::OK, "application/geo+json").await;
        assert_eq!(ids(&locs), [ids_all[0], ids_all[2]]);
        let near = get_json(&mut c, "/ogc/collections/observations/radius?coords=POINT(5.5%2047.25)&within=100&parameter-name=T&datetime=2024-01-01", StatusCode::OK, "application/prs.coverage+json").await;
        assert_eq!(coverage_ids(&near), [ids_all[0].to_string()], "the hidden station is not in the answer");
        let r = c.get("/ogc/collections/observations/position?coords=POINT(5.99%2047.25)&parameter-name=T&datetime=2024-01-01").await;
        assert_eq!((r.status, r.problem_code().as_str()), (StatusCode::NOT_FOUND, "no_station"), "Besançon hidden, and Dijon is 68 km away");
        let mut admin = app.user("admin@exemple.fr", true).await;
        let seen = get_json(&mut admin, "/ogc/collections/stations/items", StatusCode::OK, "application/geo+json").await;
        assert_eq!(seen["numberMatched"], 3, "an administrator reads every station");
        get_json(&mut admin, &format!("/ogc/collections/stations/items/{hidden}"), StatusCode::OK, "application/geo+json").await;
    }
}

#[tokio::test]
async fn edr_queries_answer_coveragejson_point_series() {
    for b in backends() {
        let app = app(b).await;
        import(&app.platform, &hourly_file(&DIJON, 2024, 1, 1, 10, 5.0)).await;
        import(&app.platform, &hourly_file(&BESANCON, 2024, 1, 1, 10, 3.0)).await;
        import(&app.platform, &hourly_file(&BREST, 2024, 1, 1, 10, 9.0)).await;
        // One more hour at Dijon with T alone: RR1 is missing there.
        let mut extra = crate::fixtures::header();
        extra.push('\n');
        extra.push_str(&line(&DIJON, "2024011100", &[("T", "1.5".into(), "1")]));
        extra.push('\n');
        import(&app.platform, &extra).await;
        let mut c = app.client();
        let locs = get_json(&mut c, "/ogc/collections/observations/locations", StatusCode::OK, "application/geo+json").await;
        let ids_all = ids(&locs);
        assert_eq!(ids_all.len(), 3);
        let (dijon, besancon) = (ids_all[0], ids_all[1]);

        // Position: the nearest station, one day of T and RR1, in both spellings of parameter-name.
        for names in ["parameter-name=T,RR1", "parameter_names=T,RR1", "parameter-name=T&parameter_names=RR1"] {
            let cov = get_json(
                &mut c,
                &format!("/ogc/collections/observations/position?coords=POINT(5.09%2047.27)&datetime=2024-01-02T00:00:00Z/2024-01-02T23:59:59Z&{names}"),
                StatusCode::OK,
                "application/prs.coverage+json",
            )
            .await;
            assert_eq!(cov["type"], "Coverage");
            assert_eq!(cov["id"], dijon.to_string());
            let d = &cov["domain"];
            assert_eq!((d["type"].as_str(), d["domainType"].as_str()), (Some("Domain"), Some("PointSeries")));
            assert_eq!(d["axes"]["x"]["values"], serde_json::json!([DIJON.lon]));
            assert_eq!(d["axes"]["y"]["values"], serde_json::json!([DIJON.lat]));
            let t = d["axes"]["t"]["values"].as_array().unwrap();
            assert_eq!(t.len(), 24, "{names}");
            assert_eq!((t[0].as_str(), t[23].as_str()), (Some("2024-01-02T00:00:00Z"), Some("2024-01-02T23:00:00Z")));
            assert_eq!(d["referencing"][0]["system"]["id"], "http://www.opengis.net/def/crs/OGC/1.3/CRS84");
            let mut keys: Vec<&str> = cov["ranges"].as_object().unwrap().keys().map(String::as_str).collect();
            keys.sort();
            assert_eq!(keys, ["RR1", "T"]);
            let range = &cov["ranges"]["T"];
            assert_eq!((range["type"].as_str(), range["dataType"].as_str()), (Some("NdArray"), Some("float")));
            assert_eq!(range["axisNames"], serde_json::json!(["t"]));
            assert_eq!(range["shape"], serde_json::json!([24]));
            let day = days_from_civil(2024, 1, 2);
            for h in [0usize, 7, 15] {
                assert_eq!(range["values"][h].as_f64(), Some(fixture_t(5.0, day, h as i64)), "T at {h}h");
            }
            assert_eq!(cov["parameters"]["T"]["unit"]["symbol"]["value"], "Cel");
            assert_eq!(cov["parameters"]["T"]["observedProperty"]["label"]["en"], "Air temperature (shelter)");
            assert_eq!(cov["parameters"]["RR1"]["unit"]["symbol"]["value"], "mm");
        }
        // Missing values are null; `start/..` runs to the end of the data.
        let cov = get_json(&mut c, "/ogc/collections/observations/position?coords=POINT(5.09%2047.27)&datetime=2024-01-10T22:00:00Z/..&parameter-name=T,RR1&f=CoverageJSON", StatusCode::OK, "application/prs.coverage+json").await;
        assert_eq!(cov["domain"]["axes"]["t"]["values"], serde_json::json!(["2024-01-10T22:00:00Z", "2024-01-10T23:00:00Z", "2024-01-11T00:00:00Z"]));
        assert_eq!(cov["ranges"]["T"]["values"][2], 1.5);
        assert_eq!(cov["ranges"]["RR1"]["values"][2], Value::Null);
        assert_eq!(cov["ranges"]["RR1"]["shape"], serde_json::json!([3]));
        // An instant; `../end`; a date.
        let cov = get_json(&mut c, "/ogc/collections/observations/position?coords=POINT(5.09%2047.27)&datetime=2024-01-05T12:00:00Z&parameter-name=T", StatusCode::OK, "application/prs.coverage+json").await;
        assert_eq!(cov["ranges"]["T"]["values"], serde_json::json!([fixture_t(5.0, days_from_civil(2024, 1, 5), 12)]));
        let cov = get_json(&mut c, "/ogc/collections/observations/position?coords=POINT(5.09%2047.27)&datetime=../2024-01-01T02:00:00Z&parameter-name=U", StatusCode::OK, "application/prs.coverage+json").await;
        assert_eq!(cov["ranges"]["U"]["shape"], serde_json::json!([3]));
        let cov = get_json(&mut c, "/ogc/collections/observations/position?coords=POINT(5.09%2047.27)&datetime=2024-01-03&parameter-name=PMER", StatusCode::OK, "application/prs.coverage+json").await;
        assert_eq!(cov["ranges"]["PMER"]["shape"], serde_json::json!([24]));
        // Nothing in the interval: 204. No station within 50 km: 404.
        let r = c.get("/ogc/collections/observations/position?coords=POINT(5.09%2047.27)&datetime=2023-01-01/2023-02-01&parameter-name=T").await;
        assert_eq!(r.status, StatusCode::NO_CONTENT);
        let r = c.get("/ogc/collections/observations/position?coords=POINT(0%2040)&datetime=2024-01-02").await;
        assert_eq!((r.status, r.problem_code().as_str()), (StatusCode::NOT_FOUND, "no_station"));

        // Without datetime: the last 7 days of the station; without parameter-name: all with values.
        let cov = get_json(&mut c, &format!("/ogc/collections/observations/locations/{besancon}"), StatusCode::OK, "application/prs.coverage+json").await;
        assert_eq!(cov["ranges"].as_object().unwrap().len(), 8);
        assert_eq!(cov["domain"]["axes"]["t"]["values"][0], "2024-01-04T00:00:00Z");
        assert_eq!(cov["ranges"]["T"]["shape"], serde_json::json!([7 * 24]));
        let cov = get_json(&mut c, &format!("/ogc/collections/observations/locations/{dijon}?datetime=2024-01-01/2024-01-01&parameter_names=TX"), StatusCode::OK, "application/prs.coverage+json").await;
        assert_eq!(cov["ranges"]["TX"]["shape"], serde_json::json!([24]));
        let r = c.get("/ogc/collections/observations/locations/424242").await;
        assert_eq!((r.status, r.problem_code().as_str()), (StatusCode::NOT_FOUND, "not_found"));

        // Radius and area: a CoverageCollection of PointSeries, one per station.
        let col = get_json(&mut c, "/ogc/collections/observations/radius?coords=POINT(5.09%2047.27)&within=100&within-units=km&datetime=2024-01-02&parameter-name=T", StatusCode::OK, "application/prs.coverage+json").await;
        assert_eq!(col["type"], "CoverageCollection");
        assert_eq!(col["domainType"], "PointSeries");
        assert_eq!(coverage_ids(&col), [dijon.to_string(), besancon.to_string()], "nearest first");
        assert!(col["parameters"]["T"].is_object());
        assert_eq!(col["coverages"][1]["domain"]["axes"]["x"]["values"], serde_json::json!([BESANCON.lon]));
        assert_eq!(col["coverages"][1]["ranges"]["T"]["values"][0].as_f64(), Some(fixture_t(3.0, days_from_civil(2024, 1, 2), 0)));
        let col = get_json(&mut c, "/ogc/collections/observations/radius?coords=POINT(5.09%2047.27)&within=1000&within-units=m&datetime=2024-01-02&parameter-name=T", StatusCode::OK, "application/prs.coverage+json").await;
        assert_eq!(coverage_ids(&col), [dijon.to_string()]);
        let r = c.get("/ogc/collections/observations/radius?coords=POINT(0%2040)&within=10&datetime=2024-01-02").await;
        assert_eq!(r.status, StatusCode::NO_CONTENT);
        let col = get_json(&mut c, "/ogc/collections/observations/area?coords=POLYGON((4%2046,7%2046,7%2048.5,4%2048.5,4%2046))&datetime=2024-01-02T00:00Z/2024-01-02T05:00Z&parameter-name=RR1,T", StatusCode::OK, "application/prs.coverage+json").await;
        let mut got = coverage_ids(&col);
        got.sort();
        assert_eq!(got, [dijon.to_string(), besancon.to_string()]);
        assert_eq!(col["coverages"][0]["ranges"]["RR1"]["shape"], serde_json::json!([6]));
        let col = get_json(&mut c, "/ogc/collections/observations/area?coords=MULTIPOLYGON(((-5%2048,-4%2048,-4%2049,-5%2049)),((5%2047,5.5%2047,5.5%2047.5,5%2047.5)))&datetime=2024-01-02&parameter-name=T", StatusCode::OK, "application/prs.coverage+json").await;
        let mut got = coverage_ids(&col);
        got.sort();
        assert_eq!(got.len(), 2, "Brest and Dijon: {got:?}");
        assert!(!got.contains(&besancon.to_string()));

        // Errors: problem+json with a stable code.
        for (q, status, code) in [
            ("position?coords=POINT(5.09)", StatusCode::BAD_REQUEST, "invalid_coords"),
            ("position?coords=POLYGON((0%200,1%200,1%201,0%200))", StatusCode::BAD_REQUEST, "invalid_coords"),
            ("position?coords=POINT(5%2047)&datetime=2024-13-01", StatusCode::BAD_REQUEST, "invalid_datetime"),
            ("position?coords=POINT(5%2047)&datetime=2024-01-02/2024-01-01", StatusCode::BAD_REQUEST, "invalid_datetime"),
            ("position?coords=POINT(5%2047)&parameter-name=T,XYZ", StatusCode::BAD_REQUEST, "invalid_parameter_name"),
            ("position?coords=POINT(5%2047)&crs=EPSG:3857", StatusCode::BAD_REQUEST, "unsupported_crs"),
            ("position?coords=POINT(5%2047)&f=netcdf", StatusCode::BAD_REQUEST, "invalid_query"),
            ("position?datetime=2024-01-01", StatusCode::BAD_REQUEST, "invalid_query"),
            ("radius?coords=POINT(5%2047)", StatusCode::BAD_REQUEST, "invalid_query"),
            ("radius?coords=POINT(5%2047)&within=-1", StatusCode::BAD_REQUEST, "invalid_within"),
            ("radius?coords=POINT(5%2047)&within=NaN", StatusCode::BAD_REQUEST, "invalid_within"),
            ("radius?coords=POINT(5%2047)&within=1&within-units=parsec", StatusCode::BAD_REQUEST, "invalid_query"),
            ("area?coords=POINT(5%2047)", StatusCode::BAD_REQUEST, "invalid_coords"),
            ("area?coords=POLYGON((0%200,1%201))", StatusCode::BAD_REQUEST, "invalid_coords"),
            ("locations?bbox=x", StatusCode::BAD_REQUEST, "invalid_bbox"),
        ] {
            let r = c.get(&format!("/ogc/collections/observations/{q}")).await;
            assert_eq!((r.status, r.problem_code()), (status, code.to_string()), "{q}: {}", r.text());
        }
    }
}

#[tokio::test]
async fn answers_are_bounded() {
    for b in backends() {
        let app = app(b).await;
        // Two days more than a year apart.
        import(&app.platform, &hourly_file(&DIJON, 2023, 1, 1, 1, 5.0)).await;
        import(&app.platform, &hourly_file(&DIJON, 2024, 6, 1, 1, 5.0)).await;
        let mut c = app.client();
        let r = c.get("/ogc/collections/observations/position?coords=POINT(5.09%2047.27)&datetime=../..&parameter-name=T").await;
        assert_eq!((r.status, r.problem_code().as_str()), (StatusCode::PAYLOAD_TOO_LARGE, "too_much_data"), "{b:?}");
        assert!(r.json()["detail"].as_str().unwrap().contains("366 days"));
        let r = c.get("/ogc/collections/observations/position?coords=POINT(5.09%2047.27)&datetime=2023-06-01/..&parameter-name=T").await;
        assert_eq!(r.status, StatusCode::OK, "clipped to the data: one day");
        assert_eq!(r.json()["ranges"]["T"]["shape"], serde_json::json!([24]));
    }
}
