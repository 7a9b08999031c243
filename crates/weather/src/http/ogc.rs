//! OGC API under `/ogc`: Features for the stations (`/ogc/collections/stations/items`) and
//! Environmental Data Retrieval for the observations (`/ogc/collections/observations/{position,
//! radius, area, locations}`), answered in GeoJSON and CoverageJSON `PointSeries`.
//!
//! Conventions followed where the standards leave a choice, as pygeoapi does: JSON only (`f=json`
//! accepted), WGS84 longitude/latitude (CRS84), `parameter-name` also accepted as
//! `parameter_names` (what OWSLib's EDR client sends), 204 when a query matches no value (EDR
//! /req/edr/rc-no-data), 413 when an answer would be too large.
use std::collections::{BTreeMap, BTreeSet};

use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use platform::error::{ApiResult, AppError, FieldError, Problem};
use platform::geo::{BBox, Point};
use platform::http::extract::{ApiPath, ApiQuery, ViewerExt};
use platform::http::Viewer;
use platform::Platform;
use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};
use sqlx::Row;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::domain::climato::days_from_civil;
use crate::domain::params::{Param, ParamId};
use crate::store::{self, Station, STATION_COLS};

const CRS84: &str = "http://www.opengis.net/def/crs/OGC/1.3/CRS84";
const TRS: &str = "http://www.opengis.net/def/uom/ISO-8601/0/Gregorian";
const UCUM: &str = "http://www.opengis.net/def/uom/UCUM/";
const JSON: &str = "application/json";
const GEOJSON: &str = "application/geo+json";
const COVJSON: &str = "application/prs.coverage+json";
const OPENAPI: &str = "application/vnd.oai.openapi+json;version=3.1";
/// A position query answers the nearest station within this distance.
const POSITION_MAX_KM: f64 = 50.0;
/// At most this span of time per station and query (a year, leap day included).
const MAX_SPAN_MIN: i64 = 366 * 1440;
/// At most this many station × parameter × day blocks per answer (about 480,000 hourly values).
const MAX_BLOCKS: i64 = 20_000;
/// Without `datetime`, the last days of data of each station.
const DEFAULT_DAYS: i64 = 7;
/// Features: `limit` by default, and its ceiling (larger values are lowered to it).
const DEFAULT_LIMIT: i64 = 10;
const MAX_LIMIT: i64 = 10_000;
const MAX_VERTICES: usize = 10_000;

pub const CONFORMANCE: &[&str] = &[
    "http://www.opengis.net/spec/ogcapi-common-1/1.0/conf/core",
    "http://www.opengis.net/spec/ogcapi-common-1/1.0/conf/json",
    "http://www.opengis.net/spec/ogcapi-common-1/1.0/conf/oas30",
    "http://www.opengis.net/spec/ogcapi-common-2/1.0/conf/collections",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30",
    "http://www.opengis.net/spec/ogcapi-edr-1/1.0/conf/core",
    "http://www.opengis.net/spec/ogcapi-edr-1/1.0/conf/collections",
    "http://www.opengis.net/spec/ogcapi-edr-1/1.0/conf/json",
    "http://www.opengis.net/spec/ogcapi-edr-1/1.0/conf/geojson",
    "http://www.opengis.net/spec/ogcapi-edr-1/1.0/conf/covjson",
    "http://www.opengis.net/spec/ogcapi-edr-1/1.0/conf/oas30",
];

pub fn router() -> OpenApiRouter<Platform> {
    OpenApiRouter::new()
        .routes(routes!(landing))
        // OGC clients (OWSLib among them) ask for the landing page with a trailing slash.
        .route("/ogc/", axum::routing::get(landing))
        .routes(routes!(conformance))
        .routes(routes!(collections))
        .routes(routes!(collection))
        .routes(routes!(station_items))
        .routes(routes!(station_item))
        .routes(routes!(position))
        .routes(routes!(radius))
        .routes(routes!(area))
        .routes(routes!(locations))
        .routes(routes!(location))
}

// --- Documents -------------------------------------------------------------------------------

#[derive(Serialize, ToSchema)]
pub struct Link {
    pub href: String,
    pub rel: String,
    #[serde(rename = "type")]
    pub type_: String,
    pub title: String,
}

fn link(href: String, rel: &str, type_: &str, title: &str) -> Link {
    Link { href, rel: rel.into(), type_: type_.into(), title: title.into() }
}

#[derive(Serialize, ToSchema)]
pub struct LandingPage {
    pub title: String,
    pub description: String,
    pub links: Vec<Link>,
}

#[derive(Serialize, ToSchema)]
pub struct Conformance {
    #[serde(rename = "conformsTo")]
    pub conforms_to: Vec<String>,
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct FormatQuery {
    /// Output format: `json` (the only one).
    #[param(inline)]
    pub f: Option<JsonFormat>,
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct GeoFormatQuery {
    /// `json` or `geojson`.
    #[param(inline)]
    pub f: Option<GeoJsonFormat>,
}

fn base(p: &Platform) -> String {
    format!("{}/ogc", p.config.public_url.trim_end_matches('/'))
}

fn json_response(content_type: &'static str, v: &impl Serialize) -> Response {
    match serde_json::to_vec(v) {
        Ok(body) => ([(header::CONTENT_TYPE, content_type)], body).into_response(),
        Err(e) => AppError::internal(e).into_response(),
    }
}

fn bad(field: &str, code: &'static str, detail: impl Into<String>) -> AppError {
    let mut e = AppError::bad_request(code, detail);
    e.errors = vec![FieldError::new(field, code)];
    e
}

/// `f` of the documents in JSON.
#[derive(Clone, Copy, Deserialize, ToSchema)]
pub enum JsonFormat {
    #[serde(rename = "json")]
    Json,
}

/// `f` of the GeoJSON answers.
#[derive(Clone, Copy, Deserialize, ToSchema)]
pub enum GeoJsonFormat {
    #[serde(rename = "json")]
    Json,
    #[serde(rename = "geojson")]
    GeoJson,
}

/// `f` of the CoverageJSON answers.
#[derive(Clone, Copy, Deserialize, ToSchema)]
pub enum CovJsonFormat {
    #[serde(rename = "json")]
    Json,
    #[serde(rename = "covjson")]
    CovJson,
    #[serde(rename = "CoverageJSON")]
    CoverageJson,
}

/// Units of `within`.
#[derive(Clone, Copy, Deserialize, ToSchema)]
pub enum DistanceUnit {
    #[serde(rename = "km")]
    Km,
    #[serde(rename = "m")]
    M,
    #[serde(rename = "mi")]
    Mi,
}

/// The OGC API landing page.
#[utoipa::path(get, path = "/ogc", tag = "ogc", params(FormatQuery),
    responses((status = 200, body = LandingPage, description = "Landing page of the OGC API (Features and EDR)")))]
async fn landing(State(p): State<Platform>, ApiQuery(_): ApiQuery<FormatQuery>) -> ApiResult<Response> {
    let b = base(&p);
    let root = p.config.public_url.trim_end_matches('/').to_string();
    Ok(json_response(
        JSON,
        &LandingPage {
            title: "Communs – OGC API".into(),
            description: "Weather stations (OGC API – Features) and their observations (OGC API – Environmental Data Retrieval, CoverageJSON).".into(),
            links: vec![
                link(b.clone(), "self", JSON, "This document"),
                link(format!("{root}/api/openapi.json"), "service-desc", OPENAPI, "The API definition (OpenAPI 3.1)"),
                link(format!("{root}/api/docs"), "service-doc", "text/html", "The API documentation"),
                link(format!("{b}/conformance"), "conformance", JSON, "Conformance classes implemented by this server"),
                link(format!("{b}/collections"), "data", JSON, "The collections"),
            ],
        },
    ))
}

/// The conformance classes this server implements.
#[utoipa::path(get, path = "/ogc/conformance", tag = "ogc", params(FormatQuery),
    responses((status = 200, body = Conformance, description = "Conformance declaration")))]
async fn conformance(ApiQuery(_): ApiQuery<FormatQuery>) -> ApiResult<Response> {
    Ok(json_response(JSON, &Conformance { conforms_to: CONFORMANCE.iter().map(|c| c.to_string()).collect() }))
}

/// SQL condition for the stations the viewer may read, `prefix` naming the stations table.
fn visible_sql(v: &Viewer, prefix: &str) -> String {
    v.principal.read_filter("weather", "station").sql(Some(&format!("{prefix}public")), None, Some(&format!("{prefix}org_id")))
}

/// Visible stations, optionally inside a box, by id.
async fn visible_stations(p: &Platform, v: &Viewer, bbox: Option<BBox>) -> ApiResult<Vec<Station>> {
    let visible = visible_sql(v, "");
    // Two statements rather than `$1 IS NULL OR …`: PostgreSQL keeps the parameter types of a
    // prepared statement, and a NULL bound first would type the box's parameters wrongly.
    let rows = match bbox {
        None => sqlx::query(&format!("SELECT {STATION_COLS} FROM weather_stations WHERE {visible} ORDER BY id")).fetch_all(p.db.pool()).await?,
        Some(b) => {
            sqlx::query(&format!("SELECT {STATION_COLS} FROM weather_stations WHERE {visible} AND lon >= $1 AND lat >= $2 AND lon <= $3 AND lat <= $4 ORDER BY id"))
                .bind(b.min_lon)
                .bind(b.min_lat)
                .bind(b.max_lon)
                .bind(b.max_lat)
                .fetch_all(p.db.pool())
                .await?
        }
    };
    Ok(rows.iter().map(store::station_from_row).collect())
}

/// The bounding box of the visible stations (the whole Earth when there is none).
async fn stations_bbox(p: &Platform, v: &Viewer) -> ApiResult<[f64; 4]> {
    let visible = visible_sql(v, "");
    let r = sqlx::query(&format!("SELECT MIN(lon), MIN(lat), MAX(lon), MAX(lat) FROM weather_stations WHERE {visible}")).fetch_one(p.db.pool()).await?;
    let get = |i: usize| r.try_get::<Option<f64>, _>(i).ok().flatten();
    Ok(match (get(0), get(1), get(2), get(3)) {
        (Some(a), Some(b), Some(c), Some(d)) => [a, b, c, d],
        _ => [-180.0, -90.0, 180.0, 90.0],
    })
}

/// First and last minute of the values of the visible stations.
async fn temporal_extent(p: &Platform, v: &Viewer) -> ApiResult<Option<(i64, i64)>> {
    let visible = visible_sql(v, "s.");
    let last = sqlx::query(&format!("SELECT MAX(l.t) FROM weather_latest l JOIN weather_stations s ON s.id = l.station_id WHERE {visible}"))
        .fetch_one(p.db.pool())
        .await?
        .try_get::<Option<i64>, _>(0)
        .ok()
        .flatten();
    let first = sqlx::query(&format!(
        "SELECT MIN(first_day) FROM (SELECT (SELECT MIN(b.day) FROM weather_blocks b WHERE b.station_id = l.station_id AND b.param_id = l.param_id) AS first_day
           FROM weather_latest l JOIN weather_stations s ON s.id = l.station_id WHERE {visible}) x"
    ))
    .fetch_one(p.db.pool())
    .await?
    .try_get::<Option<i64>, _>(0)
    .ok()
    .flatten();
    Ok(first.zip(last).map(|(f, l)| (f * 1440, l)))
}

/// Parameters with values at some visible station.
async fn parameters_with_data(p: &Platform, v: &Viewer) -> ApiResult<Vec<ParamId>> {
    let visible = visible_sql(v, "s.");
    Ok(sqlx::query(&format!("SELECT DISTINCT l.param_id FROM weather_latest l JOIN weather_stations s ON s.id = l.station_id WHERE {visible} ORDER BY l.param_id"))
        .fetch_all(p.db.pool())
        .await?
        .iter()
        .filter_map(|r| ParamId::from_index(r.get(0)))
        .collect())
}

/// Label and UCUM code of a unit of the catalogue; `None` for codes (no unit).
fn unit_of(unit: &str) -> Option<(&'static str, Option<&'static str>)> {
    Some(match unit {
        "°C" => ("degree Celsius", Some("Cel")),
        "mm" => ("millimetre", Some("mm")),
        "m/s" => ("metre per second", Some("m/s")),
        "°" => ("degree (direction)", Some("deg")),
        "min" => ("minute", Some("min")),
        "%" => ("percent", Some("%")),
        "hPa" => ("hectopascal", Some("hPa")),
        "m" => ("metre", Some("m")),
        "s" => ("second", Some("s")),
        "cm" => ("centimetre", Some("cm")),
        "kg/m²" => ("kilogram per square metre", Some("kg/m2")),
        "J/cm²" => ("joule per square centimetre", Some("J/cm2")),
        "okta" => ("okta", None),
        "mgp" => ("geopotential metre", None),
        "hhmm" => ("time of day (hhmm, UTC)", None),
        _ => return None,
    })
}

fn symbol(param: &Param) -> Option<Value> {
    let (_, ucum) = unit_of(param.unit)?;
    Some(match ucum {
        Some(code) => json!({ "value": code, "type": UCUM }),
        None => json!(param.unit),
    })
}

/// A parameter as EDR collection metadata describes it (plain strings).
fn edr_parameter(pid: ParamId) -> Value {
    let param = pid.param();
    let mut o = json!({
        "type": "Parameter",
        "id": param.code,
        "label": param.label_en,
        "description": param.label_fr,
        "data-type": "float",
        "observedProperty": { "label": param.label_en },
    });
    if let (Some((label, _)), Some(symbol)) = (unit_of(param.unit), symbol(param)) {
        o["unit"] = json!({ "label": label, "symbol": symbol });
    }
    o
}

/// A parameter as CoverageJSON describes it (labels by language).
fn covjson_parameter(pid: ParamId) -> Value {
    let param = pid.param();
    let mut o = json!({
        "type": "Parameter",
        "id": param.code,
        "label": { "en": param.label_en, "fr": param.label_fr },
        "observedProperty": { "label": { "en": param.label_en, "fr": param.label_fr } },
    });
    if let (Some((label, _)), Some(symbol)) = (unit_of(param.unit), symbol(param)) {
        o["unit"] = json!({ "label": { "en": label }, "symbol": symbol });
    }
    o
}

fn query_link(b: &str, query: &str, title: &str, coords: &str, extra: Value) -> Value {
    let mut variables = json!({
        "title": title,
        "query_type": query,
        "output_formats": ["CoverageJSON"],
        "default_output_format": "CoverageJSON",
        "crs_details": [{ "crs": "OGC:CRS84", "wkt": "GEOGCRS[\"WGS 84 longitude-latitude\",DATUM[\"World Geodetic System 1984\",ELLIPSOID[\"WGS 84\",6378137,298.257223563]],CS[ellipsoidal,2],AXIS[\"geodetic longitude (Lon)\",east],AXIS[\"geodetic latitude (Lat)\",north],UNIT[\"degree\",0.0174532925199433],ID[\"OGC\",\"CRS84\"]]" }],
    });
    if !coords.is_empty() {
        variables["coords"] = json!(coords);
    }
    if let (Some(v), Some(extra)) = (variables.as_object_mut(), extra.as_object()) {
        v.extend(extra.clone());
    }
    json!({ "link": { "href": format!("{b}/collections/observations/{query}"), "rel": "data", "type": if query == "locations" { GEOJSON } else { COVJSON }, "title": title, "templated": false, "variables": variables } })
}

async fn stations_collection(p: &Platform, v: &Viewer) -> ApiResult<Value> {
    let b = base(p);
    Ok(json!({
        "id": "stations",
        "title": "Weather stations",
        "description": "The weather stations: Météo-France, SYNOP, METAR and the stations of organisations, with their identifiers and altitude.",
        "keywords": ["weather", "stations"],
        "itemType": "feature",
        "crs": [CRS84],
        "extent": { "spatial": { "bbox": [stations_bbox(p, v).await?], "crs": CRS84 } },
        "links": [
            link(format!("{b}/collections/stations"), "self", JSON, "This collection"),
            link(format!("{b}/collections/stations/items"), "items", GEOJSON, "The stations as GeoJSON"),
        ],
    }))
}

async fn observations_collection(p: &Platform, v: &Viewer) -> ApiResult<Value> {
    let b = base(p);
    let mut extent = json!({ "spatial": { "bbox": [stations_bbox(p, v).await?], "crs": CRS84 } });
    if let Some((first, last)) = temporal_extent(p, v).await? {
        let (first, last) = (platform::clock::rfc3339(first * 60_000), platform::clock::rfc3339(last * 60_000));
        extent["temporal"] = json!({ "interval": [[first, last]], "values": [format!("{first}/{last}")], "trs": TRS });
    }
    let names: Map<String, Value> = parameters_with_data(p, v).await?.into_iter().map(|pid| (pid.param().code.to_string(), edr_parameter(pid))).collect();
    let units = json!({ "within_units": ["km", "m", "mi"] });
    Ok(json!({
        "id": "observations",
        "title": "Weather observations",
        "description": "Observed values at the stations (Météo-France mnemonics: T, TN, TX, RR1, U, FF, FXI, PMER…), as CoverageJSON point series.",
        "keywords": ["weather", "observations", "climate"],
        "links": [
            link(format!("{b}/collections/observations"), "self", JSON, "This collection"),
            link(format!("{b}/collections/observations/locations"), "data", GEOJSON, "The stations with observations"),
        ],
        "extent": extent,
        "data_queries": {
            "position": query_link(&b, "position", "Position query: the nearest station within 50 km", "Well Known Text POINT value, e.g. POINT(5.09 47.27)", json!({})),
            "radius": query_link(&b, "radius", "Radius query: every station within a distance", "Well Known Text POINT value, e.g. POINT(5.09 47.27)", units.clone()),
            "area": query_link(&b, "area", "Area query: every station inside a polygon", "Well Known Text POLYGON or MULTIPOLYGON value", json!({})),
            "locations": query_link(&b, "locations", "Locations query: the stations, then the series of one", "", json!({})),
        },
        "crs": [CRS84],
        "output_formats": ["CoverageJSON"],
        "distanceunits": ["km", "m", "mi"],
        "parameter_names": names,
    }))
}

#[derive(Serialize, ToSchema)]
pub struct CollectionsOut {
    pub links: Vec<Link>,
    /// `stations` (OGC API – Features) and `observations` (OGC API – EDR).
    #[schema(value_type = Vec<Object>)]
    pub collections: Vec<Value>,
}

/// The collections: `stations` (features) and `observations` (EDR).
#[utoipa::path(get, path = "/ogc/collections", tag = "ogc", params(FormatQuery),
    responses((status = 200, body = CollectionsOut, description = "The collections")))]
async fn collections(State(p): State<Platform>, ViewerExt(v): ViewerExt, ApiQuery(_): ApiQuery<FormatQuery>) -> ApiResult<Response> {
    let b = base(&p);
    Ok(json_response(
        JSON,
        &CollectionsOut {
            links: vec![link(format!("{b}/collections"), "self", JSON, "The collections")],
            collections: vec![stations_collection(&p, &v).await?, observations_collection(&p, &v).await?],
        },
    ))
}

/// The collections served.
#[derive(Clone, Copy, Deserialize, ToSchema)]
pub enum CollectionId {
    #[serde(rename = "stations")]
    Stations,
    #[serde(rename = "observations")]
    Observations,
}

/// One collection's description.
#[utoipa::path(get, path = "/ogc/collections/{collectionId}", tag = "ogc", params(("collectionId" = inline(CollectionId), Path), FormatQuery),
    responses((status = 200, body = serde_json::Value, description = "The collection"), (status = 404, body = Problem, content_type = "application/problem+json")))]
async fn collection(State(p): State<Platform>, ViewerExt(v): ViewerExt, ApiPath(id): ApiPath<CollectionId>, ApiQuery(_): ApiQuery<FormatQuery>) -> ApiResult<Response> {
    let doc = match id {
        CollectionId::Stations => stations_collection(&p, &v).await?,
        CollectionId::Observations => observations_collection(&p, &v).await?,
    };
    Ok(json_response(JSON, &doc))
}

// --- Features: stations ----------------------------------------------------------------------

fn station_feature(b: &str, s: &Station, collection: &str) -> Value {
    let mut f = platform::geo::feature(
        s.id,
        Some(&Point { lon: s.lon, lat: s.lat }),
        json!({
            "code": s.code,
            "name": s.name,
            "commune": s.commune,
            "departement": s.departement,
            "network": s.network,
            "mf_num_poste": s.mf_num_poste,
            "wmo": s.wmo,
            "icao": s.icao,
            "altitude": s.alti,
            "licence": s.licence,
        }),
    );
    let href = match collection {
        "stations" => format!("{b}/collections/stations/items/{}", s.id),
        _ => format!("{b}/collections/observations/locations/{}", s.id),
    };
    let type_ = if collection == "stations" { GEOJSON } else { COVJSON };
    f["links"] = json!([link(href, "self", type_, &s.name)]);
    f
}

/// `minLon,minLat,maxLon,maxLat` (or the 6-number form with heights, which are ignored).
fn parse_bbox(s: &str) -> ApiResult<BBox> {
    let err = || bad("bbox", "invalid_bbox", "bbox must be `minLon,minLat,maxLon,maxLat` in WGS84 degrees, min ≤ max");
    let n: Vec<&str> = s.split(',').collect();
    let four = match n.len() {
        4 => s.to_string(),
        6 => [n[0], n[1], n[3], n[4]].join(","),
        _ => return Err(err()),
    };
    BBox::parse(&four).map_err(|_| err())
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ItemsQuery {
    /// `minLon,minLat,maxLon,maxLat` in WGS84 (CRS84).
    #[param(example = "4.5,46.9,6.5,47.6")]
    pub bbox: Option<String>,
    /// Number of features per page (default 10; values above 10,000 are lowered to 10,000).
    #[param(minimum = 1)]
    pub limit: Option<i64>,
    /// Features to skip (default 0).
    #[param(minimum = 0)]
    pub offset: Option<i64>,
    /// Accepted for conformance: stations have no temporal extent, so it filters nothing.
    pub datetime: Option<String>,
    /// `json` or `geojson`.
    #[param(inline)]
    pub f: Option<GeoJsonFormat>,
}

/// The stations as a GeoJSON FeatureCollection (OGC API – Features), paged by `limit`/`offset`.
#[utoipa::path(get, path = "/ogc/collections/stations/items", tag = "ogc", params(ItemsQuery),
    responses((status = 200, body = serde_json::Value, content_type = "application/geo+json", description = "GeoJSON FeatureCollection with `numberMatched`, `numberReturned` and `links` (self, next, prev)"),
              (status = 400, body = Problem, content_type = "application/problem+json")))]
async fn station_items(State(p): State<Platform>, ViewerExt(v): ViewerExt, ApiQuery(q): ApiQuery<ItemsQuery>) -> ApiResult<Response> {
    let limit = q.limit.unwrap_or(DEFAULT_LIMIT);
    if limit < 1 {
        return Err(bad("limit", "invalid_limit", "limit must be at least 1"));
    }
    let limit = limit.min(MAX_LIMIT);
    let offset = q.offset.unwrap_or(0);
    if offset < 0 {
        return Err(bad("offset", "invalid_offset", "offset must be at least 0"));
    }
    if let Some(dt) = q.datetime.as_deref() {
        parse_datetime(dt)?;
    }
    let bbox = q.bbox.as_deref().map(parse_bbox).transpose()?;
    let all = visible_stations(&p, &v, bbox).await?;
    let b = base(&p);
    let matched = all.len() as i64;
    let features: Vec<Value> = all.iter().skip(offset.min(matched) as usize).take(limit as usize).map(|s| station_feature(&b, s, "stations")).collect();
    let returned = features.len() as i64;
    let page = |off: i64| {
        let mut qs: Vec<(&str, String)> = vec![("f", "json".into()), ("limit", limit.to_string()), ("offset", off.to_string())];
        if let Some(bb) = &q.bbox {
            qs.push(("bbox", bb.clone()));
        }
        format!("{b}/collections/stations/items?{}", serde_urlencoded::to_string(&qs).unwrap_or_default())
    };
    let mut links = vec![link(page(offset), "self", GEOJSON, "This page"), link(format!("{b}/collections/stations"), "collection", JSON, "The collection")];
    if offset + returned < matched {
        links.push(link(page(offset + limit), "next", GEOJSON, "Next page"));
    }
    if offset > 0 {
        links.push(link(page((offset - limit).max(0)), "prev", GEOJSON, "Previous page"));
    }
    Ok(json_response(
        GEOJSON,
        &json!({ "type": "FeatureCollection", "features": features, "numberMatched": matched, "numberReturned": returned, "links": links }),
    ))
}

/// One station as a GeoJSON Feature (its `id` is the station's id).
#[utoipa::path(get, path = "/ogc/collections/stations/items/{featureId}", tag = "ogc", params(("featureId" = i64, Path), GeoFormatQuery),
    responses((status = 200, body = serde_json::Value, content_type = "application/geo+json", description = "GeoJSON Feature"), (status = 404, body = Problem, content_type = "application/problem+json")))]
async fn station_item(State(p): State<Platform>, ViewerExt(v): ViewerExt, ApiPath(id): ApiPath<i64>, ApiQuery(_): ApiQuery<GeoFormatQuery>) -> ApiResult<Response> {
    let s = super::api::visible_station(&p, &v, id).await?;
    let b = base(&p);
    let mut f = station_feature(&b, &s, "stations");
    f["links"] = json!([
        link(format!("{b}/collections/stations/items/{}", s.id), "self", GEOJSON, &s.name),
        link(format!("{b}/collections/stations"), "collection", JSON, "The collection"),
    ]);
    Ok(json_response(GEOJSON, &f))
}

// --- Query parameters: WKT, datetime, parameter names ----------------------------------------

/// The geometries accepted in `coords`.
#[derive(Clone, Debug, PartialEq)]
pub enum Wkt {
    Point(Point),
    /// Polygons, each as rings (the first the outer boundary, the others holes), rings unclosed.
    Polygons(Vec<Vec<Vec<Point>>>),
}

#[derive(Debug)]
enum Node {
    Coord(Vec<f64>),
    List(Vec<Node>),
}

struct WktReader<'a> {
    s: &'a [u8],
    i: usize,
    vertices: usize,
}

impl WktReader<'_> {
    fn skip_ws(&mut self) {
        while self.i < self.s.len() && self.s[self.i].is_ascii_whitespace() {
            self.i += 1;
        }
    }
    fn peek(&mut self) -> Option<u8> {
        self.skip_ws();
        self.s.get(self.i).copied()
    }
    fn word(&mut self) -> String {
        self.skip_ws();
        let start = self.i;
        while self.i < self.s.len() && self.s[self.i].is_ascii_alphabetic() {
            self.i += 1;
        }
        String::from_utf8_lossy(&self.s[start..self.i]).to_ascii_uppercase()
    }
    fn expect(&mut self, c: u8) -> Result<(), String> {
        if self.peek() == Some(c) {
            self.i += 1;
            Ok(())
        } else {
            Err(format!("expected `{}` at character {}", c as char, self.i + 1))
        }
    }
    fn number(&mut self) -> Result<f64, String> {
        self.skip_ws();
        let start = self.i;
        while self.i < self.s.len() && matches!(self.s[self.i], b'0'..=b'9' | b'.' | b'-' | b'+' | b'e' | b'E') {
            self.i += 1;
        }
        let text = std::str::from_utf8(&self.s[start..self.i]).unwrap_or("");
        text.parse::<f64>().ok().filter(|x| x.is_finite()).ok_or_else(|| format!("expected a number at character {}", start + 1))
    }
    /// `( item, item… )` where an item is a list or a coordinate tuple.
    fn list(&mut self, depth: usize) -> Result<Node, String> {
        if depth > 4 {
            return Err("too deeply nested".into());
        }
        self.expect(b'(')?;
        let mut items = Vec::new();
        loop {
            if self.peek() == Some(b'(') {
                items.push(self.list(depth + 1)?);
            } else {
                let mut c = vec![self.number()?];
                while matches!(self.peek(), Some(b'0'..=b'9' | b'.' | b'-' | b'+')) {
                    c.push(self.number()?);
                }
                if !(2..=4).contains(&c.len()) {
                    return Err("a position has 2 to 4 numbers (lon lat [z] [m])".into());
                }
                self.vertices += 1;
                if self.vertices > MAX_VERTICES {
                    return Err(format!("at most {MAX_VERTICES} positions"));
                }
                items.push(Node::Coord(c));
            }
            match self.peek() {
                Some(b',') => self.i += 1,
                Some(b')') => {
                    self.i += 1;
                    return Ok(Node::List(items));
                }
                _ => return Err(format!("expected `,` or `)` at character {}", self.i + 1)),
            }
        }
    }
}

fn to_point(n: &Node) -> Result<Point, String> {
    match n {
        Node::Coord(c) => Point::parse(c[0], c[1]).map_err(|e| e.to_string()),
        Node::List(_) => Err("expected a position".into()),
    }
}

fn to_ring(n: &Node) -> Result<Vec<Point>, String> {
    let Node::List(items) = n else { return Err("expected a ring".into()) };
    let mut ring: Vec<Point> = items.iter().map(to_point).collect::<Result<_, _>>()?;
    if ring.len() > 1 && ring.first() == ring.last() {
        ring.pop();
    }
    if ring.len() < 3 {
        return Err("a polygon ring needs at least 3 distinct positions".into());
    }
    Ok(ring)
}

fn to_polygon(n: &Node) -> Result<Vec<Vec<Point>>, String> {
    let Node::List(rings) = n else { return Err("expected a polygon".into()) };
    rings.iter().map(to_ring).collect()
}

/// Parses WKT `POINT`, `POLYGON` and `MULTIPOLYGON` (with `Z`, `M`, `ZM` accepted and extra
/// ordinates ignored), in WGS84 longitude/latitude.
pub fn parse_wkt(s: &str) -> Result<Wkt, String> {
    let mut r = WktReader { s: s.as_bytes(), i: 0, vertices: 0 };
    let tag = r.word();
    let dim = r.word();
    if dim == "EMPTY" {
        return Err("empty geometry".into());
    }
    if !matches!(dim.as_str(), "" | "Z" | "M" | "ZM") {
        return Err(format!("unknown dimension `{dim}`"));
    }
    let body = r.list(0)?;
    if r.peek().is_some() {
        return Err(format!("unexpected text at character {}", r.i + 1));
    }
    let Node::List(items) = &body else { return Err("expected a list".into()) };
    match tag.as_str() {
        "POINT" => match items.as_slice() {
            [c @ Node::Coord(_)] => Ok(Wkt::Point(to_point(c)?)),
            _ => Err("POINT takes one position: POINT(lon lat)".into()),
        },
        "POLYGON" => Ok(Wkt::Polygons(vec![to_polygon(&body)?])),
        "MULTIPOLYGON" => Ok(Wkt::Polygons(items.iter().map(to_polygon).collect::<Result<_, _>>()?)),
        "" => Err("expected a geometry type such as POINT or POLYGON".into()),
        other => Err(format!("{other} is not supported here")),
    }
}

fn ring_contains(ring: &[Point], p: &Point) -> bool {
    let mut inside = false;
    let mut j = ring.len() - 1;
    for i in 0..ring.len() {
        let (a, b) = (ring[i], ring[j]);
        if (a.lat > p.lat) != (b.lat > p.lat) && p.lon < (b.lon - a.lon) * (p.lat - a.lat) / (b.lat - a.lat) + a.lon {
            inside = !inside;
        }
        j = i;
    }
    inside
}

/// Whether a point is inside one of the polygons (even-odd rule, holes excluded).
pub fn polygons_contain(polygons: &[Vec<Vec<Point>>], p: &Point) -> bool {
    polygons.iter().any(|rings| rings.first().is_some_and(|outer| ring_contains(outer, p)) && !rings.iter().skip(1).any(|hole| ring_contains(hole, p)))
}

fn coords(s: &str) -> ApiResult<Wkt> {
    parse_wkt(s).map_err(|e| bad("coords", "invalid_coords", format!("coords must be WKT in WGS84 longitude/latitude, e.g. POINT(5.09 47.27): {e}")))
}

/// A time selection: `None` bounds are open (`..`).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct TimeRange {
    pub start: Option<i64>,
    pub end: Option<i64>,
}

/// RFC 3339 instant, or a date (its first or last minute), as UTC minutes since the epoch.
fn parse_instant(s: &str, end: bool) -> Option<i64> {
    let s = s.trim();
    let b = s.as_bytes();
    if b.len() < 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let num = |r: std::ops::Range<usize>| -> Option<i64> { s.get(r).filter(|t| t.bytes().all(|c| c.is_ascii_digit())).and_then(|t| t.parse().ok()) };
    let (y, m, d) = (num(0..4)?, num(5..7)?, num(8..10)?);
    if !(1700..=2200).contains(&y) || !(1..=12).contains(&m) || d < 1 || d > i64::from(crate::domain::climato::days_in_month(y as i32, m as u32)) {
        return None;
    }
    let day = days_from_civil(y as i32, m as u32, d as u32);
    if b.len() == 10 {
        return Some(day * 1440 + if end { 1439 } else { 0 });
    }
    if !matches!(b[10], b'T' | b't' | b' ') || b.len() < 16 || b[13] != b':' {
        return None;
    }
    let (hh, mm) = (num(11..13)?, num(14..16)?);
    let mut i = 16;
    let mut ss = 0;
    if b.get(i) == Some(&b':') {
        ss = num(17..19)?;
        i = 19;
        if b.get(i) == Some(&b'.') {
            i += 1;
            while b.get(i).is_some_and(u8::is_ascii_digit) {
                i += 1;
            }
        }
    }
    if hh > 23 || mm > 59 || ss > 60 {
        return None;
    }
    let offset = match s.get(i..)? {
        "Z" | "z" => 0,
        o if o.len() == 6 && (o.starts_with('+') || o.starts_with('-')) && o.as_bytes()[3] == b':' => {
            let (oh, om) = (num(i + 1..i + 3)?, num(i + 4..i + 6)?);
            if oh > 23 || om > 59 {
                return None;
            }
            let v = oh * 60 + om;
            if o.starts_with('-') {
                -v
            } else {
                v
            }
        }
        _ => return None,
    };
    Some(day * 1440 + hh * 60 + mm - offset)
}

/// `datetime`: an instant, or an interval `start/end` where either end may be `..` (open).
pub fn parse_datetime(s: &str) -> ApiResult<TimeRange> {
    let err = || {
        bad(
            "datetime",
            "invalid_datetime",
            "datetime must be an RFC 3339 instant or date, or an interval start/end where either end may be `..`, e.g. 2024-01-01T00:00:00Z/2024-01-31T23:00:00Z",
        )
    };
    let open = |t: &str| t.trim().is_empty() || t.trim() == "..";
    let range = match s.split_once('/') {
        None => TimeRange { start: Some(parse_instant(s, false).ok_or_else(err)?), end: Some(parse_instant(s, true).ok_or_else(err)?) },
        Some((a, b)) => TimeRange {
            start: if open(a) { None } else { Some(parse_instant(a, false).ok_or_else(err)?) },
            end: if open(b) { None } else { Some(parse_instant(b, true).ok_or_else(err)?) },
        },
    };
    if let (Some(a), Some(b)) = (range.start, range.end) {
        if a > b {
            return Err(bad("datetime", "invalid_datetime", "the interval's start is after its end"));
        }
    }
    Ok(range)
}

/// `parameter-name` and `parameter_names` together: catalogue mnemonics, comma-separated.
fn parse_parameter_names(a: Option<&str>, b: Option<&str>) -> ApiResult<Vec<ParamId>> {
    let mut out: Vec<ParamId> = Vec::new();
    for code in a.into_iter().chain(b).flat_map(|s| s.split(',')).map(str::trim).filter(|c| !c.is_empty()) {
        let pid = ParamId::parse(code).ok_or_else(|| {
            bad(
                "parameter-name",
                "invalid_parameter_name",
                format!("unknown parameter `{}`: see parameter_names in /ogc/collections/observations", code.chars().take(40).collect::<String>()),
            )
        })?;
        if !out.contains(&pid) {
            out.push(pid);
        }
    }
    Ok(out)
}

fn check_crs(crs: Option<&str>) -> ApiResult<()> {
    match crs.map(str::trim) {
        None | Some("") => Ok(()),
        Some(c) if c == CRS84 || c.eq_ignore_ascii_case("CRS84") || c.eq_ignore_ascii_case("OGC:CRS84") => Ok(()),
        Some(_) => Err(bad("crs", "unsupported_crs", format!("the only CRS served is CRS84 ({CRS84})"))),
    }
}

/// What every EDR data query takes.
struct Selection {
    time: Option<TimeRange>,
    params: Vec<ParamId>,
}

fn selection(datetime: Option<&str>, a: Option<&str>, b: Option<&str>, crs: Option<&str>) -> ApiResult<Selection> {
    check_crs(crs)?;
    let time = datetime.filter(|d| !d.trim().is_empty()).map(parse_datetime).transpose()?;
    Ok(Selection { time, params: parse_parameter_names(a, b)? })
}

// --- EDR: planning and CoverageJSON -----------------------------------------------------------

fn in_list(pids: &[ParamId]) -> String {
    pids.iter().map(|p| p.0.to_string()).collect::<Vec<_>>().join(",")
}

/// What to read at one station: its parameters and minutes `[from, to]`, and the blocks read.
struct Plan {
    station: Station,
    params: Vec<ParamId>,
    from: i64,
    to: i64,
    blocks: i64,
}

/// Clips the selection to the days with values at the station; `None` when there is none.
/// Refuses spans over a year.
async fn plan(p: &Platform, station: Station, sel: &Selection) -> ApiResult<Option<Plan>> {
    let params = if sel.params.is_empty() {
        sqlx::query("SELECT param_id FROM weather_latest WHERE station_id = $1 ORDER BY param_id")
            .bind(station.id)
            .fetch_all(p.db.pool())
            .await?
            .iter()
            .filter_map(|r| ParamId::from_index(r.get(0)))
            .collect()
    } else {
        sel.params.clone()
    };
    if params.is_empty() {
        return Ok(None);
    }
    let list = in_list(&params);
    // The days with values in the interval asked (all days when it is open or absent).
    let (want_from, want_to) = match sel.time {
        None => (i64::MIN, i64::MAX),
        Some(t) => (t.start.unwrap_or(i64::MIN), t.end.unwrap_or(i64::MAX)),
    };
    let r = sqlx::query(&format!("SELECT MIN(day), MAX(day) FROM weather_blocks WHERE station_id = $1 AND param_id IN ({list}) AND day >= $2 AND day <= $3"))
        .bind(station.id)
        .bind(want_from.div_euclid(1440).max(-1_000_000))
        .bind(want_to.div_euclid(1440).min(1_000_000))
        .fetch_one(p.db.pool())
        .await?;
    let (Some(first_day), Some(last_day)) = (r.try_get::<Option<i64>, _>(0).ok().flatten(), r.try_get::<Option<i64>, _>(1).ok().flatten()) else {
        return Ok(None);
    };
    let (from, to) = match sel.time {
        None => ((last_day - DEFAULT_DAYS + 1).max(first_day) * 1440, last_day * 1440 + 1439),
        Some(_) => (want_from.max(first_day * 1440), want_to.min(last_day * 1440 + 1439)),
    };
    if from > to {
        return Ok(None);
    }
    if to - from >= MAX_SPAN_MIN {
        return Err(AppError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "too_much_data",
            format!(
                "at most 366 days of values per station and query; station {} has values from {} to {} in the interval asked: narrow `datetime`",
                station.id,
                platform::clock::rfc3339(from * 60_000),
                platform::clock::rfc3339(to * 60_000)
            ),
        ));
    }
    let blocks: i64 = sqlx::query(&format!("SELECT COUNT(*) FROM weather_blocks WHERE station_id = $1 AND param_id IN ({list}) AND day >= $2 AND day <= $3"))
        .bind(station.id)
        .bind(from.div_euclid(1440))
        .bind(to.div_euclid(1440))
        .fetch_one(p.db.pool())
        .await?
        .get(0);
    if blocks == 0 {
        return Ok(None);
    }
    Ok(Some(Plan { station, params, from, to, blocks }))
}

async fn plans(p: &Platform, stations: Vec<Station>, sel: &Selection) -> ApiResult<Vec<Plan>> {
    let mut out = Vec::new();
    let mut blocks = 0;
    for s in stations {
        if let Some(plan) = plan(p, s, sel).await? {
            blocks += plan.blocks;
            if blocks > MAX_BLOCKS {
                return Err(AppError::new(
                    StatusCode::PAYLOAD_TOO_LARGE,
                    "too_much_data",
                    format!("the answer would hold more than {MAX_BLOCKS} station-parameter-days of values: narrow `datetime`, `parameter-name` or the area"),
                ));
            }
            out.push(plan);
        }
    }
    Ok(out)
}

fn referencing() -> Value {
    json!([
        { "coordinates": ["x", "y"], "system": { "type": "GeographicCRS", "id": CRS84 } },
        { "coordinates": ["t"], "system": { "type": "TemporalRS", "calendar": "Gregorian" } },
    ])
}

/// A station's values as a CoverageJSON `PointSeries` (without its `parameters` when `bare`);
/// `None` when no value falls in the plan's minutes.
async fn coverage(p: &Platform, plan: &Plan, bare: bool) -> ApiResult<Option<Value>> {
    let mut series: Vec<(ParamId, BTreeMap<i64, f64>)> = Vec::new();
    for pid in &plan.params {
        let values = store::series(p.db.pool(), plan.station.id, *pid, plan.from.div_euclid(1440), plan.to.div_euclid(1440)).await?;
        series.push((*pid, values.into_iter().filter(|(t, ..)| (plan.from..=plan.to).contains(t)).map(|(t, x, _)| (t, x)).collect()));
    }
    let times: BTreeSet<i64> = series.iter().flat_map(|(_, m)| m.keys().copied()).collect();
    if times.is_empty() {
        return Ok(None);
    }
    let mut ranges = Map::new();
    let mut parameters = Map::new();
    for (pid, m) in &series {
        let code = pid.param().code.to_string();
        let values: Vec<Option<f64>> = times.iter().map(|t| m.get(t).copied()).collect();
        ranges.insert(code.clone(), json!({ "type": "NdArray", "dataType": "float", "axisNames": ["t"], "shape": [times.len()], "values": values }));
        parameters.insert(code, covjson_parameter(*pid));
    }
    let mut cov = json!({
        "type": "Coverage",
        "id": plan.station.id.to_string(),
        "domain": {
            "type": "Domain",
            "domainType": "PointSeries",
            "axes": {
                "x": { "values": [plan.station.lon] },
                "y": { "values": [plan.station.lat] },
                "t": { "values": times.iter().map(|t| platform::clock::rfc3339(t * 60_000)).collect::<Vec<_>>() },
            },
            "referencing": referencing(),
        },
        "parameters": parameters,
        "ranges": ranges,
    });
    if bare {
        if let Some(o) = cov.as_object_mut() {
            o.remove("parameters");
        }
    }
    Ok(Some(cov))
}

async fn single(p: &Platform, station: Station, sel: &Selection) -> ApiResult<Response> {
    let Some(plan) = plans(p, vec![station], sel).await?.pop() else { return Ok(StatusCode::NO_CONTENT.into_response()) };
    Ok(match coverage(p, &plan, false).await? {
        Some(c) => json_response(COVJSON, &c),
        None => StatusCode::NO_CONTENT.into_response(),
    })
}

async fn collection_of(p: &Platform, stations: Vec<Station>, sel: &Selection) -> ApiResult<Response> {
    let mut coverages = Vec::new();
    let mut parameters = Map::new();
    for plan in plans(p, stations, sel).await? {
        if let Some(c) = coverage(p, &plan, true).await? {
            for pid in &plan.params {
                parameters.entry(pid.param().code.to_string()).or_insert_with(|| covjson_parameter(*pid));
            }
            coverages.push(c);
        }
    }
    if coverages.is_empty() {
        return Ok(StatusCode::NO_CONTENT.into_response());
    }
    Ok(json_response(
        COVJSON,
        &json!({ "type": "CoverageCollection", "domainType": "PointSeries", "parameters": parameters, "referencing": referencing(), "coverages": coverages }),
    ))
}

/// Visible stations within `km` of a point, nearest first, with their distance.
async fn stations_near(p: &Platform, v: &Viewer, at: Point, km: f64) -> ApiResult<Vec<(Station, f64)>> {
    let dlat = km / 110.0 + 0.01;
    let coslat = (at.lat.abs() + dlat).min(90.0).to_radians().cos();
    let dlon = if coslat > 0.01 { dlat / coslat } else { 360.0 };
    let bbox = (dlon < 180.0 && at.lon - dlon >= -180.0 && at.lon + dlon <= 180.0).then(|| BBox {
        min_lon: at.lon - dlon,
        min_lat: (at.lat - dlat).max(-90.0),
        max_lon: at.lon + dlon,
        max_lat: (at.lat + dlat).min(90.0),
    });
    let mut out: Vec<(Station, f64)> = visible_stations(p, v, bbox)
        .await?
        .into_iter()
        .map(|s| {
            let d = at.distance_m(&Point { lon: s.lon, lat: s.lat }) / 1000.0;
            (s, d)
        })
        .filter(|(_, d)| *d <= km)
        .collect();
    out.sort_by(|a, b| a.1.total_cmp(&b.1).then(a.0.id.cmp(&b.0.id)));
    Ok(out)
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct PositionQuery {
    /// WKT `POINT(lon lat)` in WGS84: the nearest station within 50 km answers.
    #[param(example = "POINT(5.09 47.27)")]
    pub coords: String,
    /// An instant or an interval `start/end` (RFC 3339; either end may be `..`). Without it, the
    /// last 7 days of data of the station. At most 366 days.
    #[param(example = "2024-01-01T00:00:00Z/2024-01-07T23:00:00Z")]
    pub datetime: Option<String>,
    /// Parameter mnemonics, comma-separated (default: every parameter with values at the station).
    #[serde(rename = "parameter-name")]
    #[param(example = "T,RR1")]
    pub parameter_name: Option<String>,
    /// Same as `parameter-name` (the spelling OWSLib sends).
    pub parameter_names: Option<String>,
    /// `CRS84` (the only one).
    pub crs: Option<String>,
    /// `json`, `covjson` or `CoverageJSON`.
    #[param(inline)]
    pub f: Option<CovJsonFormat>,
}

/// EDR position query: the time series of the nearest station (within 50 km) as CoverageJSON.
#[utoipa::path(get, path = "/ogc/collections/observations/position", tag = "ogc", params(PositionQuery),
    responses((status = 200, body = serde_json::Value, content_type = "application/prs.coverage+json", description = "CoverageJSON Coverage, domain type PointSeries"),
              (status = 204, description = "No value of these parameters in this interval"),
              (status = 400, body = Problem, content_type = "application/problem+json"),
              (status = 404, description = "No station within 50 km (`no_station`)", body = Problem, content_type = "application/problem+json"),
              (status = 413, description = "The answer would be too large (`too_much_data`): narrow `datetime` or `parameter-name`", body = Problem, content_type = "application/problem+json")))]
async fn position(State(p): State<Platform>, ViewerExt(v): ViewerExt, ApiQuery(q): ApiQuery<PositionQuery>) -> ApiResult<Response> {
    let sel = selection(q.datetime.as_deref(), q.parameter_name.as_deref(), q.parameter_names.as_deref(), q.crs.as_deref())?;
    let Wkt::Point(at) = coords(&q.coords)? else { return Err(bad("coords", "invalid_coords", "a position query takes a POINT(lon lat)")) };
    let Some((station, _)) = stations_near(&p, &v, at, POSITION_MAX_KM).await?.into_iter().next() else {
        return Err(AppError::new(StatusCode::NOT_FOUND, "no_station", format!("no station within {POSITION_MAX_KM} km of this point")));
    };
    single(&p, station, &sel).await
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct RadiusQuery {
    /// WKT `POINT(lon lat)` in WGS84: the centre.
    #[param(example = "POINT(2.35 48.85)")]
    pub coords: String,
    /// The radius, in `within-units`.
    #[param(minimum = 0, example = 30)]
    pub within: f64,
    /// `km` (default), `m` or `mi`.
    #[serde(rename = "within-units")]
    #[param(inline)]
    pub within_units: Option<DistanceUnit>,
    /// An instant or an interval `start/end` (RFC 3339; either end may be `..`). Without it, the
    /// last 7 days of data of each station. At most 366 days.
    #[param(example = "2024-01-01T00:00:00Z/2024-01-07T23:00:00Z")]
    pub datetime: Option<String>,
    /// Parameter mnemonics, comma-separated (default: every parameter with values).
    #[serde(rename = "parameter-name")]
    #[param(example = "T,RR1")]
    pub parameter_name: Option<String>,
    /// Same as `parameter-name` (the spelling OWSLib sends).
    pub parameter_names: Option<String>,
    /// `CRS84` (the only one).
    pub crs: Option<String>,
    /// `json`, `covjson` or `CoverageJSON`.
    #[param(inline)]
    pub f: Option<CovJsonFormat>,
}

/// EDR radius query: the series of every station within a distance, nearest first.
#[utoipa::path(get, path = "/ogc/collections/observations/radius", tag = "ogc", params(RadiusQuery),
    responses((status = 200, body = serde_json::Value, content_type = "application/prs.coverage+json", description = "CoverageJSON CoverageCollection of PointSeries, one per station"),
              (status = 204, description = "No station, or no value, in the selection"),
              (status = 400, body = Problem, content_type = "application/problem+json"),
              (status = 413, description = "The answer would be too large (`too_much_data`): narrow `datetime`, `parameter-name` or `within`", body = Problem, content_type = "application/problem+json")))]
async fn radius(State(p): State<Platform>, ViewerExt(v): ViewerExt, ApiQuery(q): ApiQuery<RadiusQuery>) -> ApiResult<Response> {
    let sel = selection(q.datetime.as_deref(), q.parameter_name.as_deref(), q.parameter_names.as_deref(), q.crs.as_deref())?;
    let Wkt::Point(at) = coords(&q.coords)? else { return Err(bad("coords", "invalid_coords", "a radius query takes a POINT(lon lat)")) };
    let factor = match q.within_units.unwrap_or(DistanceUnit::Km) {
        DistanceUnit::Km => 1.0,
        DistanceUnit::M => 0.001,
        DistanceUnit::Mi => 1.609_344,
    };
    if !q.within.is_finite() || q.within < 0.0 {
        return Err(bad("within", "invalid_within", "within must be a distance of 0 or more"));
    }
    let km = (q.within * factor).min(20_100.0);
    let stations = stations_near(&p, &v, at, km).await?.into_iter().map(|(s, _)| s).collect();
    collection_of(&p, stations, &sel).await
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct AreaQuery {
    /// WKT `POLYGON((lon lat, …))` or `MULTIPOLYGON` in WGS84.
    #[param(example = "POLYGON((4.5 46.9,6.5 46.9,6.5 47.6,4.5 47.6,4.5 46.9))")]
    pub coords: String,
    /// An instant or an interval `start/end` (RFC 3339; either end may be `..`). Without it, the
    /// last 7 days of data of each station. At most 366 days.
    #[param(example = "2024-01-01T00:00:00Z/2024-01-07T23:00:00Z")]
    pub datetime: Option<String>,
    /// Parameter mnemonics, comma-separated (default: every parameter with values).
    #[serde(rename = "parameter-name")]
    #[param(example = "T,RR1")]
    pub parameter_name: Option<String>,
    /// Same as `parameter-name` (the spelling OWSLib sends).
    pub parameter_names: Option<String>,
    /// `CRS84` (the only one).
    pub crs: Option<String>,
    /// `json`, `covjson` or `CoverageJSON`.
    #[param(inline)]
    pub f: Option<CovJsonFormat>,
}

/// EDR area query: the series of every station inside a polygon.
#[utoipa::path(get, path = "/ogc/collections/observations/area", tag = "ogc", params(AreaQuery),
    responses((status = 200, body = serde_json::Value, content_type = "application/prs.coverage+json", description = "CoverageJSON CoverageCollection of PointSeries, one per station"),
              (status = 204, description = "No station, or no value, in the selection"),
              (status = 400, body = Problem, content_type = "application/problem+json"),
              (status = 413, description = "The answer would be too large (`too_much_data`): narrow `datetime`, `parameter-name` or the area", body = Problem, content_type = "application/problem+json")))]
async fn area(State(p): State<Platform>, ViewerExt(v): ViewerExt, ApiQuery(q): ApiQuery<AreaQuery>) -> ApiResult<Response> {
    let sel = selection(q.datetime.as_deref(), q.parameter_name.as_deref(), q.parameter_names.as_deref(), q.crs.as_deref())?;
    let Wkt::Polygons(polygons) = coords(&q.coords)? else { return Err(bad("coords", "invalid_coords", "an area query takes a POLYGON or a MULTIPOLYGON")) };
    let pts = polygons.iter().flatten().flatten();
    let bbox = BBox {
        min_lon: pts.clone().map(|p| p.lon).fold(f64::INFINITY, f64::min),
        min_lat: pts.clone().map(|p| p.lat).fold(f64::INFINITY, f64::min),
        max_lon: pts.clone().map(|p| p.lon).fold(f64::NEG_INFINITY, f64::max),
        max_lat: pts.map(|p| p.lat).fold(f64::NEG_INFINITY, f64::max),
    };
    let stations = visible_stations(&p, &v, Some(bbox)).await?.into_iter().filter(|s| polygons_contain(&polygons, &Point { lon: s.lon, lat: s.lat })).collect();
    collection_of(&p, stations, &sel).await
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct LocationsQuery {
    /// `minLon,minLat,maxLon,maxLat` in WGS84 (CRS84).
    #[param(example = "4.5,46.9,6.5,47.6")]
    pub bbox: Option<String>,
    /// `json` or `geojson`.
    #[param(inline)]
    pub f: Option<GeoJsonFormat>,
}

/// EDR locations: the stations, as a GeoJSON FeatureCollection whose ids are location ids.
#[utoipa::path(get, path = "/ogc/collections/observations/locations", tag = "ogc", params(LocationsQuery),
    responses((status = 200, body = serde_json::Value, content_type = "application/geo+json", description = "GeoJSON FeatureCollection of the stations"),
              (status = 400, body = Problem, content_type = "application/problem+json")))]
async fn locations(State(p): State<Platform>, ViewerExt(v): ViewerExt, ApiQuery(q): ApiQuery<LocationsQuery>) -> ApiResult<Response> {
    let bbox = q.bbox.as_deref().map(parse_bbox).transpose()?;
    let b = base(&p);
    let features: Vec<Value> = visible_stations(&p, &v, bbox).await?.iter().map(|s| station_feature(&b, s, "observations")).collect();
    let n = features.len();
    Ok(json_response(
        GEOJSON,
        &json!({
            "type": "FeatureCollection",
            "features": features,
            "numberMatched": n,
            "numberReturned": n,
            "links": [link(format!("{b}/collections/observations/locations"), "self", GEOJSON, "The locations"), link(format!("{b}/collections/observations"), "collection", JSON, "The collection")],
        }),
    ))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct LocationQuery {
    /// An instant or an interval `start/end` (RFC 3339; either end may be `..`). Without it, the
    /// last 7 days of data of the station. At most 366 days.
    #[param(example = "2024-01-01T00:00:00Z/2024-01-07T23:00:00Z")]
    pub datetime: Option<String>,
    /// Parameter mnemonics, comma-separated (default: every parameter with values at the station).
    #[serde(rename = "parameter-name")]
    #[param(example = "T,RR1")]
    pub parameter_name: Option<String>,
    /// Same as `parameter-name` (the spelling OWSLib sends).
    pub parameter_names: Option<String>,
    /// `CRS84` (the only one).
    pub crs: Option<String>,
    /// `json`, `covjson` or `CoverageJSON`.
    #[param(inline)]
    pub f: Option<CovJsonFormat>,
}

/// EDR location query: one station's time series as CoverageJSON.
#[utoipa::path(get, path = "/ogc/collections/observations/locations/{locationId}", tag = "ogc", params(("locationId" = i64, Path, description = "The station's id"), LocationQuery),
    responses((status = 200, body = serde_json::Value, content_type = "application/prs.coverage+json", description = "CoverageJSON Coverage, domain type PointSeries"),
              (status = 204, description = "No value of these parameters in this interval"),
              (status = 400, body = Problem, content_type = "application/problem+json"),
              (status = 404, body = Problem, content_type = "application/problem+json"),
              (status = 413, description = "The answer would be too large (`too_much_data`): narrow `datetime` or `parameter-name`", body = Problem, content_type = "application/problem+json")))]
async fn location(State(p): State<Platform>, ViewerExt(v): ViewerExt, ApiPath(id): ApiPath<i64>, ApiQuery(q): ApiQuery<LocationQuery>) -> ApiResult<Response> {
    let station = super::api::visible_station(&p, &v, id).await?;
    let sel = selection(q.datetime.as_deref(), q.parameter_name.as_deref(), q.parameter_names.as_deref(), q.crs.as_deref())?;
    single(&p, station, &sel).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wkt_points_and_polygons() {
        assert_eq!(parse_wkt("POINT(5.09 47.27)").unwrap(), Wkt::Point(Point { lon: 5.09, lat: 47.27 }));
        assert_eq!(parse_wkt(" point z ( -1.5e0 +43 120 ) ").unwrap(), Wkt::Point(Point { lon: -1.5, lat: 43.0 }));
        let Wkt::Polygons(p) = parse_wkt("POLYGON((0 40, 10 40, 10 50, 0 50, 0 40), (4 44, 6 44, 6 46, 4 44))").unwrap() else { panic!() };
        assert_eq!(p[0].len(), 2);
        assert_eq!(p[0][0].len(), 4, "closing position dropped");
        assert!(polygons_contain(&p, &Point { lon: 2.0, lat: 48.0 }));
        assert!(!polygons_contain(&p, &Point { lon: 5.5, lat: 44.5 }), "in the hole");
        assert!(!polygons_contain(&p, &Point { lon: 12.0, lat: 45.0 }));
        let Wkt::Polygons(m) = parse_wkt("MULTIPOLYGON(((0 0,1 0,1 1,0 0)),((5 5,6 5,6 6,5 5)))").unwrap() else { panic!() };
        assert_eq!(m.len(), 2);
        for bad in ["", "POINT", "POINT EMPTY", "POINT(1)", "POINT(1 2 3 4 5)", "POINT(200 10)", "POINT(1 2", "POINT(1 2) x", "LINESTRING(0 0, 1 1)", "POLYGON((0 0, 1 1))", "POINT(nan 1)", "POINT Q (1 2)"] {
            assert!(parse_wkt(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn datetimes() {
        let t0 = days_from_civil(2024, 1, 1) * 1440;
        assert_eq!(parse_datetime("2024-01-01T00:00:00Z").unwrap(), TimeRange { start: Some(t0), end: Some(t0) });
        assert_eq!(parse_datetime("2024-01-01").unwrap(), TimeRange { start: Some(t0), end: Some(t0 + 1439) });
        assert_eq!(parse_datetime("2024-01-01T01:30+01:00/..").unwrap(), TimeRange { start: Some(t0 + 30), end: None });
        assert_eq!(parse_datetime("../2024-01-01T00:00:00.123Z").unwrap(), TimeRange { start: None, end: Some(t0) });
        assert_eq!(parse_datetime("2024-01-01/2024-01-02").unwrap(), TimeRange { start: Some(t0), end: Some(t0 + 2 * 1440 - 1) });
        for bad in ["yesterday", "2024-02-30", "2024-01-02/2024-01-01", "2024-01-01T25:00Z", "2024-01-01T00:00", "2024-01-01T00:00:00+1"] {
            assert!(parse_datetime(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn parameter_names_in_both_spellings() {
        let t = ParamId::parse("T").unwrap();
        let rr = ParamId::parse("RR1").unwrap();
        assert_eq!(parse_parameter_names(Some("T, rr1"), Some("T")).unwrap(), vec![t, rr]);
        assert_eq!(parse_parameter_names(None, Some("RR1")).unwrap(), vec![rr]);
        assert!(parse_parameter_names(Some("T,nope"), None).is_err());
    }
}
