//! The weather JSON API under `/api/v1/weather`.
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use platform::access::{Action, Target};
use platform::error::{ApiResult, AppError, FieldError, Problem};
use platform::geo::{BBox, Point};
use platform::http::extract::{ApiPath, ApiQuery, ViewerExt};
use platform::http::Page;
use platform::Platform;
use serde::{Deserialize, Serialize};
use sqlx::Row;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::domain::climato::{self, days_from_civil, Element};
use crate::domain::params::{ParamId, PARAMS};
use crate::service::{self, ImportSummary};
use crate::store::{self, Station, STATION_COLS};

pub fn router() -> OpenApiRouter<Platform> {
    OpenApiRouter::new()
        .routes(routes!(params))
        .routes(routes!(stations))
        .routes(routes!(station))
        .routes(routes!(positions))
        .routes(routes!(series))
        .routes(routes!(observations))
        .routes(routes!(daily))
        .routes(routes!(monthly))
        .routes(routes!(records))
        .routes(routes!(normals))
        .routes(routes!(latest))
        .routes(routes!(import))
        .routes(routes!(get_import))
        .merge(super::ogc::router())
}

#[derive(Serialize, ToSchema)]
pub struct ParamOut {
    pub code: &'static str,
    pub unit: &'static str,
    pub kind: String,
    pub label: &'static str,
}

/// The parameter catalogue (every Météo-France hourly column, plus other sources' periods).
#[utoipa::path(get, path = "/api/v1/weather/params", tag = "weather", responses((status = 200, body = [ParamOut])))]
async fn params(ViewerExt(v): ViewerExt) -> Json<Vec<ParamOut>> {
    Json(
        PARAMS
            .iter()
            .map(|p| ParamOut {
                code: p.code,
                unit: p.unit,
                kind: format!("{:?}", p.kind).to_lowercase(),
                label: if v.locale == platform::i18n::Locale::En { p.label_en } else { p.label_fr },
            })
            .collect(),
    )
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct StationsQuery {
    /// Full-text search in names, communes, départements and codes (accent-insensitive).
    pub q: Option<String>,
    /// `minLon,minLat,maxLon,maxLat`
    pub bbox: Option<String>,
    /// `lon,lat`: nearest first, with their distance.
    pub near: Option<String>,
    pub network: Option<String>,
    pub page: Option<i64>,
    pub page_size: Option<i64>,
}

#[derive(Serialize, ToSchema)]
pub struct StationOut {
    #[serde(flatten)]
    pub station: Station,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub distance_m: Option<f64>,
}

fn invalid(field: &str, code: &str) -> AppError {
    AppError::invalid(vec![FieldError::new(field, code)])
}

/// Stations, filtered by text, bounding box, network, or sorted by distance to a point.
#[utoipa::path(get, path = "/api/v1/weather/stations", tag = "weather", params(StationsQuery),
    responses((status = 200, body = Page<StationOut>), (status = 422, body = Problem, content_type = "application/problem+json")))]
async fn stations(State(p): State<Platform>, ViewerExt(v): ViewerExt, ApiQuery(q): ApiQuery<StationsQuery>) -> ApiResult<Json<Page<StationOut>>> {
    let (page, size) = platform::http::PageQuery { page: q.page, page_size: q.page_size }.resolve()?;
    let bbox = q.bbox.as_deref().map(BBox::parse).transpose().map_err(|_| invalid("bbox", "invalid_bbox"))?;
    let near = q
        .near
        .as_deref()
        .map(|s| {
            let (a, b) = s.split_once(',').ok_or(())?;
            Point::parse(a.trim().parse().map_err(|_| ())?, b.trim().parse().map_err(|_| ())?).map_err(|_| ())
        })
        .transpose()
        .map_err(|_| invalid("near", "invalid_point"))?;
    let visible = v.principal.read_filter("weather", "station").sql(Some("public"), None, Some("org_id"));
    let mut ids: Option<Vec<i64>> = None;
    if let Some(text) = q.q.as_deref().filter(|t| !t.trim().is_empty()) {
        let hits = platform::search::search(&p.db, text, Some("weather"), &v.principal.read_filter("weather", "station"), 500).await?;
        ids = Some(hits.iter().filter_map(|h| h.ref_id.parse().ok()).collect());
    }
    let mut rows: Vec<Station> = sqlx::query(&format!(
        "SELECT {STATION_COLS} FROM weather_stations WHERE {visible} AND ($1 IS NULL OR network = $1)
           AND ($2 IS NULL OR (lon >= $2 AND lat >= $3 AND lon <= $4 AND lat <= $5)) ORDER BY name, id"
    ))
    .bind(q.network.as_deref())
    .bind(bbox.map(|b| b.min_lon))
    .bind(bbox.map(|b| b.min_lat))
    .bind(bbox.map(|b| b.max_lon))
    .bind(bbox.map(|b| b.max_lat))
    .fetch_all(p.db.pool())
    .await?
    .iter()
    .map(store::station_from_row)
    .collect();
    if let Some(ids) = &ids {
        rows.retain(|s| ids.contains(&s.id));
        rows.sort_by_key(|s| ids.iter().position(|i| *i == s.id));
    }
    let mut out: Vec<StationOut> = rows
        .into_iter()
        .map(|s| {
            let distance_m = near.map(|n| n.distance_m(&Point { lon: s.lon, lat: s.lat }).round());
            StationOut { station: s, distance_m }
        })
        .collect();
    if near.is_some() {
        out.sort_by(|a, b| a.distance_m.partial_cmp(&b.distance_m).unwrap_or(std::cmp::Ordering::Equal));
    }
    let total = out.len() as i64;
    let data = out.into_iter().skip(((page - 1) * size) as usize).take(size as usize).collect();
    Ok(Json(Page::new(data, page, size, total, "/api/v1/weather/stations")))
}

pub async fn visible_station(p: &Platform, v: &platform::http::Viewer, id: i64) -> ApiResult<Station> {
    let s = store::station(p.db.pool(), id).await?.ok_or_else(AppError::not_found)?;
    v.principal
        .authorize(Action::Read, &Target::new("weather", "station").in_org(s.org_id).public(s.public))
        .map_err(|_| AppError::not_found())?;
    Ok(s)
}

/// One station.
#[utoipa::path(get, path = "/api/v1/weather/stations/{id}", tag = "weather", params(("id" = i64, Path)),
    responses((status = 200, body = Station), (status = 404, body = Problem, content_type = "application/problem+json")))]
async fn station(State(p): State<Platform>, ViewerExt(v): ViewerExt, ApiPath(id): ApiPath<i64>) -> ApiResult<Json<Station>> {
    Ok(Json(visible_station(&p, &v, id).await?))
}

#[derive(Serialize, ToSchema)]
pub struct PositionOut {
    /// RFC 3339, UTC; null for the position the station was registered with.
    pub valid_from: Option<String>,
    pub lat: f64,
    pub lon: f64,
    /// Metres.
    pub alti: f64,
}

/// A station's successive positions, oldest first: a station that moves keeps its history.
#[utoipa::path(get, path = "/api/v1/weather/stations/{id}/positions", tag = "weather", params(("id" = i64, Path)),
    responses((status = 200, body = [PositionOut]), (status = 404, body = Problem, content_type = "application/problem+json")))]
async fn positions(State(p): State<Platform>, ViewerExt(v): ViewerExt, ApiPath(id): ApiPath<i64>) -> ApiResult<Json<Vec<PositionOut>>> {
    let s = visible_station(&p, &v, id).await?;
    Ok(Json(station_positions(&p, s.id).await?))
}

pub async fn station_positions(p: &Platform, id: i64) -> Result<Vec<PositionOut>, sqlx::Error> {
    Ok(store::positions(p.db.pool(), id)
        .await?
        .into_iter()
        .map(|(from, lat, lon, alti)| PositionOut { valid_from: from.map(|m| platform::clock::rfc3339(m * 60_000)), lat, lon, alti })
        .collect())
}

/// `YYYY-MM-DD` → days since the epoch.
pub fn parse_day(field: &str, s: &str) -> ApiResult<i64> {
    let bad = || invalid(field, "invalid_date");
    let mut it = s.trim().splitn(3, '-');
    let (y, m, d) = (it.next().ok_or_else(bad)?, it.next().ok_or_else(bad)?, it.next().ok_or_else(bad)?);
    let (y, m, d): (i32, u32, u32) = (y.parse().map_err(|_| bad())?, m.parse().map_err(|_| bad())?, d.parse().map_err(|_| bad())?);
    if !(1700..=2200).contains(&y) || !(1..=12).contains(&m) || d == 0 || d > climato::days_in_month(y, m) {
        return Err(bad());
    }
    Ok(days_from_civil(y, m, d))
}

fn param(code: &str) -> ApiResult<ParamId> {
    ParamId::parse(code).ok_or_else(|| invalid("param", "unknown_param"))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct SeriesQuery {
    /// Parameter mnemonic, e.g. `T`, `RR1`, `PMER`.
    pub param: String,
    /// First day, `YYYY-MM-DD`.
    pub from: String,
    /// Last day, `YYYY-MM-DD`.
    pub to: String,
    /// Maximum number of buckets (10–5000, default 1000); raw values when fewer.
    pub points: Option<usize>,
}

/// A time series for charts, columnar (as uPlot takes it). Past `points` values it is
/// downsampled to a min/max envelope per time bucket, so extremes are never lost.
#[derive(Serialize, ToSchema)]
pub struct Series {
    pub param: String,
    pub unit: String,
    /// Number of stored values in the range.
    pub raw_count: usize,
    pub downsampled: bool,
    /// Unix seconds (bucket start when downsampled).
    pub t: Vec<i64>,
    pub min: Vec<f64>,
    pub max: Vec<f64>,
    pub mean: Vec<f64>,
}

pub fn envelope(values: &[(i64, f64)], from_min: i64, to_min: i64, points: usize) -> (Vec<i64>, Vec<f64>, Vec<f64>, Vec<f64>, bool) {
    if values.len() <= points {
        let t = values.iter().map(|v| v.0 * 60).collect();
        let x: Vec<f64> = values.iter().map(|v| v.1).collect();
        return (t, x.clone(), x.clone(), x, false);
    }
    let span = (to_min - from_min).max(1);
    let width = (span + points as i64 - 1) / points as i64;
    let (mut t, mut lo, mut hi, mut mean) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    let mut i = 0;
    while i < values.len() {
        let bucket = (values[i].0 - from_min).div_euclid(width);
        let (mut mn, mut mx, mut sum, mut n) = (f64::INFINITY, f64::NEG_INFINITY, 0.0, 0.0);
        while i < values.len() && (values[i].0 - from_min).div_euclid(width) == bucket {
            mn = mn.min(values[i].1);
            mx = mx.max(values[i].1);
            sum += values[i].1;
            n += 1.0;
            i += 1;
        }
        t.push((from_min + bucket * width) * 60);
        lo.push(mn);
        hi.push(mx);
        mean.push((sum / n * 10.0).round() / 10.0);
    }
    (t, lo, hi, mean, true)
}

/// Time series of one parameter with server-side downsampling.
#[utoipa::path(get, path = "/api/v1/weather/stations/{id}/series", tag = "weather", params(("id" = i64, Path), SeriesQuery),
    responses((status = 200, body = Series), (status = 422, body = Problem, content_type = "application/problem+json")))]
async fn series(State(p): State<Platform>, ViewerExt(v): ViewerExt, ApiPath(id): ApiPath<i64>, ApiQuery(q): ApiQuery<SeriesQuery>) -> ApiResult<Json<Series>> {
    let s = visible_station(&p, &v, id).await?;
    let pid = param(&q.param)?;
    let (from, to) = (parse_day("from", &q.from)?, parse_day("to", &q.to)?);
    if to < from {
        return Err(invalid("to", "before_from"));
    }
    let points = q.points.unwrap_or(1000);
    if !(10..=5000).contains(&points) {
        return Err(invalid("points", "out_of_range"));
    }
    let raw: Vec<(i64, f64)> = store::series(p.db.pool(), s.id, pid, from, to).await?.into_iter().map(|(t, x, _)| (t, x)).collect();
    let (t, min, max, mean, downsampled) = envelope(&raw, from * 1440, (to + 1) * 1440, points);
    Ok(Json(Series { param: pid.param().code.into(), unit: pid.param().unit.into(), raw_count: raw.len(), downsampled, t, min, max, mean }))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ObservationsQuery {
    /// Comma-separated parameter mnemonics (default: all).
    pub params: Option<String>,
    pub from: String,
    pub to: String,
    /// `json` (default) or `csv` (`;`-separated, as Météo-France files).
    pub format: Option<String>,
    pub page: Option<i64>,
    /// Values per page, 1–10000 (default 1000).
    pub page_size: Option<i64>,
}

#[derive(Serialize, ToSchema)]
pub struct ObservationOut {
    pub param: String,
    /// RFC 3339, UTC.
    pub time: String,
    pub value: f64,
    /// Météo-France quality code (9, 0, 1, 2) or null.
    pub quality: Option<u8>,
    pub source_id: i64,
    pub import_id: i64,
}

/// Raw observations with their quality and provenance, paged, as JSON or CSV.
#[utoipa::path(get, path = "/api/v1/weather/stations/{id}/observations", tag = "weather", params(("id" = i64, Path), ObservationsQuery),
    responses((status = 200, body = Page<ObservationOut>), (status = 422, body = Problem, content_type = "application/problem+json")))]
async fn observations(State(p): State<Platform>, ViewerExt(v): ViewerExt, ApiPath(id): ApiPath<i64>, ApiQuery(q): ApiQuery<ObservationsQuery>) -> ApiResult<Response> {
    let s = visible_station(&p, &v, id).await?;
    let (from, to) = (parse_day("from", &q.from)?, parse_day("to", &q.to)?);
    if to < from || to - from > 366 * 20 {
        return Err(invalid("to", "out_of_range"));
    }
    let page = q.page.unwrap_or(1);
    let size = q.page_size.unwrap_or(1000);
    if page < 1 || !(1..=10_000).contains(&size) {
        return Err(invalid("page_size", "out_of_range"));
    }
    let pids: Vec<ParamId> = match q.params.as_deref().filter(|x| !x.is_empty()) {
        Some(list) => list.split(',').map(param).collect::<ApiResult<_>>()?,
        None => (0..PARAMS.len() as u16).map(ParamId).collect(),
    };
    let mut all = Vec::new();
    for pid in pids {
        for (t, x, val) in store::series(p.db.pool(), s.id, pid, from, to).await? {
            all.push((t, pid, x, val));
        }
    }
    all.sort_by_key(|a| (a.0, a.1));
    let total = all.len() as i64;
    let rows: Vec<ObservationOut> = all
        .into_iter()
        .skip(((page - 1) * size) as usize)
        .take(size as usize)
        .map(|(t, pid, x, val)| ObservationOut {
            param: pid.param().code.into(),
            time: platform::clock::rfc3339(t * 60_000),
            value: x,
            quality: val.quality.mf_code(),
            source_id: val.provenance.source_id,
            import_id: val.provenance.import_id,
        })
        .collect();
    if q.format.as_deref() == Some("csv") {
        let mut out = String::from("station;param;time;value;quality;source_id;import_id\n");
        for r in &rows {
            out.push_str(&format!("{};{};{};{};{};{};{}\n", s.code, r.param, r.time, r.value, r.quality.map(|q| q.to_string()).unwrap_or_default(), r.source_id, r.import_id));
        }
        return Ok(([(header::CONTENT_TYPE, "text/csv; charset=utf-8")], out).into_response());
    }
    if q.format.as_deref().is_some_and(|f| f != "json") {
        return Err(invalid("format", "invalid_choice"));
    }
    Ok(Json(Page::new(rows, page, size, total, &format!("/api/v1/weather/stations/{id}/observations"))).into_response())
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct RangeQuery {
    pub from: String,
    pub to: String,
}

#[derive(Serialize, ToSchema)]
pub struct DailyOut {
    pub date: String,
    pub element: String,
    pub value: f64,
    /// When the extreme happened (TN, TX, FXI), RFC 3339.
    pub at: Option<String>,
    pub count: u32,
    pub complete: bool,
    /// True for the source's own daily value (Météo-France's daily product Q), which wins over
    /// the value computed from hourly observations; false for a computed value.
    pub official: bool,
}

/// Daily climatological values (Météo-France conventions: TN 18→18, TX 06→06, RR 06→06 FU).
#[utoipa::path(get, path = "/api/v1/weather/stations/{id}/daily", tag = "weather", params(("id" = i64, Path), RangeQuery),
    responses((status = 200, body = [DailyOut]), (status = 422, body = Problem, content_type = "application/problem+json")))]
async fn daily(State(p): State<Platform>, ViewerExt(v): ViewerExt, ApiPath(id): ApiPath<i64>, ApiQuery(q): ApiQuery<RangeQuery>) -> ApiResult<Json<Vec<DailyOut>>> {
    let s = visible_station(&p, &v, id).await?;
    let (from, to) = (parse_day("from", &q.from)?, parse_day("to", &q.to)?);
    if to < from || to - from > 3660 {
        return Err(invalid("to", "out_of_range"));
    }
    Ok(Json(daily_values(&p, s.id, from, to).await?))
}

pub async fn daily_values(p: &Platform, station: i64, from: i64, to: i64) -> Result<Vec<DailyOut>, sqlx::Error> {
    Ok(sqlx::query("SELECT element, day, value, at, n, complete, official FROM weather_daily WHERE station_id = $1 AND day >= $2 AND day <= $3 ORDER BY day, element")
        .bind(station)
        .bind(from)
        .bind(to)
        .fetch_all(p.db.pool())
        .await?
        .iter()
        .filter_map(store::daily_from_row)
        .map(|d| DailyOut { date: service::iso_date(d.day), element: d.element.code().into(), value: d.value, at: d.at.map(|a| platform::clock::rfc3339(a * 60_000)), count: d.count, complete: d.complete, official: d.official })
        .collect())
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct YearsQuery {
    pub from_year: i32,
    pub to_year: i32,
}

#[derive(Serialize, ToSchema)]
pub struct MonthlyOut {
    pub year: i64,
    pub month: i64,
    pub element: String,
    /// Mean or total; null when the WMO missing-data rule forbids it.
    pub value: Option<f64>,
    pub max: Option<f64>,
    pub max_date: Option<String>,
    pub min: Option<f64>,
    pub min_date: Option<String>,
    pub days_present: i64,
    pub days_in_month: i64,
    /// Météo-France MENSQ counts (NBJTX30, NBJGELEE, NBJRR1…), when every day is present.
    pub counts: serde_json::Value,
}

/// Monthly summaries.
#[utoipa::path(get, path = "/api/v1/weather/stations/{id}/monthly", tag = "weather", params(("id" = i64, Path), YearsQuery),
    responses((status = 200, body = [MonthlyOut]), (status = 422, body = Problem, content_type = "application/problem+json")))]
async fn monthly(State(p): State<Platform>, ViewerExt(v): ViewerExt, ApiPath(id): ApiPath<i64>, ApiQuery(q): ApiQuery<YearsQuery>) -> ApiResult<Json<Vec<MonthlyOut>>> {
    let s = visible_station(&p, &v, id).await?;
    if q.to_year < q.from_year || q.to_year - q.from_year > 300 {
        return Err(invalid("to_year", "out_of_range"));
    }
    Ok(Json(monthly_values(&p, s.id, q.from_year, q.to_year).await?))
}

pub async fn monthly_values(p: &Platform, station: i64, from_year: i32, to_year: i32) -> Result<Vec<MonthlyOut>, sqlx::Error> {
    Ok(sqlx::query(
        "SELECT year, month, element, value, max, max_day, min, min_day, days_present, days_in_month, counts FROM weather_monthly
         WHERE station_id = $1 AND year >= $2 AND year <= $3 ORDER BY year, month, element",
    )
    .bind(station)
    .bind(i64::from(from_year))
    .bind(i64::from(to_year))
    .fetch_all(p.db.pool())
    .await?
    .iter()
    .map(|r| MonthlyOut {
        year: r.get("year"),
        month: r.get("month"),
        element: r.get("element"),
        value: r.get("value"),
        max: r.get("max"),
        max_date: r.get::<Option<i64>, _>("max_day").map(service::iso_date),
        min: r.get("min"),
        min_date: r.get::<Option<i64>, _>("min_day").map(service::iso_date),
        days_present: r.get("days_present"),
        days_in_month: r.get("days_in_month"),
        counts: serde_json::from_str(&r.get::<String, _>("counts")).unwrap_or_default(),
    })
    .collect())
}

#[derive(Serialize, ToSchema)]
pub struct RecordOut {
    pub element: String,
    /// 0: all-time; 1–12: calendar month.
    pub scope: i64,
    pub kind: String,
    pub value: f64,
    pub date: String,
}

/// Records of the station: all-time and per calendar month, kept current at every import.
#[utoipa::path(get, path = "/api/v1/weather/stations/{id}/records", tag = "weather", params(("id" = i64, Path)),
    responses((status = 200, body = [RecordOut]), (status = 404, body = Problem, content_type = "application/problem+json")))]
async fn records(State(p): State<Platform>, ViewerExt(v): ViewerExt, ApiPath(id): ApiPath<i64>) -> ApiResult<Json<Vec<RecordOut>>> {
    let s = visible_station(&p, &v, id).await?;
    Ok(Json(record_values(&p, s.id).await?))
}

pub async fn record_values(p: &Platform, station: i64) -> Result<Vec<RecordOut>, sqlx::Error> {
    Ok(sqlx::query("SELECT element, scope, kind, value, day FROM weather_records WHERE station_id = $1 ORDER BY scope, element, kind")
        .bind(station)
        .fetch_all(p.db.pool())
        .await?
        .iter()
        .map(|r| RecordOut { element: r.get(0), scope: r.get(1), kind: r.get(2), value: r.get(3), date: service::iso_date(r.get(4)) })
        .collect())
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct NormalsQuery {
    /// First year of the period (default 1991).
    pub from: Option<i32>,
    /// Last year (default 2020).
    pub to: Option<i32>,
    /// Daily element: TX, TN, TM, RR, FXI, UM, PMERM, INST (default: TX, TN, RR).
    pub element: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct NormalOut {
    pub element: String,
    pub month: u32,
    pub value: Option<f64>,
    pub years_used: u32,
    pub years_in_period: u32,
}

/// Normals for any period (default 1991–2020) under the WMO missing-data rules.
#[utoipa::path(get, path = "/api/v1/weather/stations/{id}/normals", tag = "weather", params(("id" = i64, Path), NormalsQuery),
    responses((status = 200, body = [NormalOut]), (status = 422, body = Problem, content_type = "application/problem+json")))]
async fn normals(State(p): State<Platform>, ViewerExt(v): ViewerExt, ApiPath(id): ApiPath<i64>, ApiQuery(q): ApiQuery<NormalsQuery>) -> ApiResult<Json<Vec<NormalOut>>> {
    let s = visible_station(&p, &v, id).await?;
    let (from, to) = (q.from.unwrap_or(1991), q.to.unwrap_or(2020));
    if to < from || to - from > 100 || from < 1700 {
        return Err(invalid("to", "out_of_range"));
    }
    let elements = match q.element.as_deref() {
        Some(e) => vec![Element::parse(e).ok_or_else(|| invalid("element", "invalid_choice"))?],
        None => vec![Element::TX, Element::TN, Element::RR],
    };
    Ok(Json(normal_values(&p, s.id, &elements, from, to).await?))
}

pub async fn normal_values(p: &Platform, station: i64, elements: &[Element], from: i32, to: i32) -> Result<Vec<NormalOut>, sqlx::Error> {
    let mut out = Vec::new();
    for e in elements {
        let rows = sqlx::query("SELECT year, month, value FROM weather_monthly WHERE station_id = $1 AND element = $2 AND year >= $3 AND year <= $4")
            .bind(station)
            .bind(e.code())
            .bind(i64::from(from))
            .bind(i64::from(to))
            .fetch_all(p.db.pool())
            .await?;
        for month in 1..=12u32 {
            let vals: Vec<(i32, Option<f64>)> = rows.iter().filter(|r| r.get::<i64, _>(1) == i64::from(month)).map(|r| (r.get::<i64, _>(0) as i32, r.get(2))).collect();
            let n = climato::normal(month, from, to, &vals);
            out.push(NormalOut { element: e.code().into(), month, value: n.value, years_used: n.years_used, years_in_period: n.years_in_period });
        }
    }
    Ok(out)
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct LatestQuery {
    /// Parameter mnemonic (default `T`).
    pub param: Option<String>,
    /// Only stations of this network (e.g. `meteo-france`).
    pub network: Option<String>,
    /// Only values at most this many hours old (1 to 87,600): the map shows current conditions,
    /// not a station's last value of years ago.
    #[param(minimum = 1, maximum = 87600)]
    pub max_age_hours: Option<i64>,
}

/// Stations' latest values of a parameter, optionally of one network and recent enough. Shared
/// by the API and the map page so both list the same stations.
pub async fn latest_rows(p: &Platform, v: &platform::http::Viewer, pid: ParamId, network: Option<&str>, max_age_hours: Option<i64>) -> Result<Vec<sqlx::any::AnyRow>, AppError> {
    if let Some(h) = max_age_hours {
        if !(1..=87_600).contains(&h) {
            return Err(invalid("max_age_hours", "out_of_range"));
        }
    }
    let visible = v.principal.read_filter("weather", "station").sql(Some("s.public"), None, Some("s.org_id"));
    // Observation times are minutes since the epoch.
    let since = max_age_hours.map_or(i64::MIN, |h| p.now() / 60_000 - h * 60);
    Ok(sqlx::query(&format!(
        "SELECT s.id, s.name, s.lon, s.lat, l.t, l.value FROM weather_latest l JOIN weather_stations s ON s.id = l.station_id
         WHERE l.param_id = $1 AND l.t >= $2 AND ($3 = '' OR s.network = $3) AND {visible} ORDER BY s.id"
    ))
    .bind(i64::from(pid.0))
    .bind(since)
    .bind(network.unwrap_or(""))
    .fetch_all(p.db.pool())
    .await?)
}

#[derive(Serialize, ToSchema)]
pub struct LatestOut {
    pub station_id: i64,
    pub name: String,
    pub lon: f64,
    pub lat: f64,
    pub time: String,
    pub value: f64,
}

/// The latest value of a parameter at every visible station, for the live map.
#[utoipa::path(get, path = "/api/v1/weather/latest", tag = "weather", params(LatestQuery),
    responses((status = 200, body = [LatestOut]), (status = 422, body = Problem, content_type = "application/problem+json")))]
async fn latest(State(p): State<Platform>, ViewerExt(v): ViewerExt, ApiQuery(q): ApiQuery<LatestQuery>) -> ApiResult<Json<Vec<LatestOut>>> {
    let pid = param(q.param.as_deref().unwrap_or("T"))?;
    let rows = latest_rows(&p, &v, pid, q.network.as_deref(), q.max_age_hours).await?;
    Ok(Json(rows.iter().map(|r| LatestOut { station_id: r.get(0), name: r.get(1), lon: r.get(2), lat: r.get(3), time: platform::clock::rfc3339(r.get::<i64, _>(4) * 60_000), value: r.get(5) }).collect()))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ImportQuery {
    /// `mf` (Météo-France hourly H, daily Q or 6-minute MN CSV, gzip accepted), `mf-stations` (fiches.json),
    /// `metar` or `synop` (bulletins; stations matched by ICAO or WMO identifier), `csv` (any CSV,
    /// read through `mapping`).
    pub format: String,
    pub filename: Option<String>,
    /// For `csv` (and only for it): the mapping file's TOML text, URL-encoded (what each column
    /// holds, units, time format and zone; see the weather module's README).
    pub mapping: Option<String>,
}

pub use crate::service::ImportOut;

/// Pushes a file to import (body = the file's bytes). Needs the `weather/import` create permission.
#[utoipa::path(post, path = "/api/v1/weather/imports", tag = "weather", params(ImportQuery), request_body(content = Vec<u8>, content_type = "application/octet-stream"),
    security(("bearer" = []), ("api_key" = [])),
    responses((status = 201, body = ImportOut), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
async fn import(State(p): State<Platform>, ViewerExt(v): ViewerExt, ApiQuery(q): ApiQuery<ImportQuery>, body: Bytes) -> ApiResult<(StatusCode, Json<ImportOut>)> {
    v.principal.authorize(Action::Create, &Target::new("weather", "import"))?;
    let name = q.filename.unwrap_or_else(|| "upload".into());
    let out = run_import(&p, &v.actor(), &q.format, &name, &body, q.mapping.as_deref(), &|_, _| {}).await?;
    Ok((StatusCode::CREATED, Json(out)))
}

/// Checks the format (and the mapping of `csv`) and imports through `service::import`, turning
/// errors into problems: a bad format or mapping and an unreadable file are the client's (422).
pub async fn run_import(p: &Platform, actor: &platform::audit::Actor, format: &str, name: &str, body: &[u8], mapping: Option<&str>, progress: &(dyn Fn(usize, usize) + Sync)) -> ApiResult<ImportOut> {
    let problem = |e: service::ImportError| match e {
        service::ImportError::BadFile(m) => AppError::new(StatusCode::UNPROCESSABLE_ENTITY, "bad_file", m),
        service::ImportError::UnknownFormat(_) => invalid("format", "invalid_choice"),
        service::ImportError::MissingMapping => invalid("mapping", "required"),
        e @ service::ImportError::BadMapping(_) => AppError::new(StatusCode::UNPROCESSABLE_ENTITY, "bad_mapping", e.to_string()),
        service::ImportError::Db(e) => e.into(),
    };
    let format = service::Format::parse(format, mapping).map_err(problem)?;
    service::import(p, actor, &format, name, body, progress).await.map_err(problem)
}

/// An import's summary (rejected lines with their numbers and reasons).
#[utoipa::path(get, path = "/api/v1/weather/imports/{id}", tag = "weather", params(("id" = i64, Path)), security(("bearer" = []), ("api_key" = [])),
    responses((status = 200, body = ImportSummary), (status = 404, body = Problem, content_type = "application/problem+json"), (status = 409, body = Problem, content_type = "application/problem+json")))]
async fn get_import(State(p): State<Platform>, ViewerExt(v): ViewerExt, ApiPath(id): ApiPath<i64>) -> ApiResult<Json<serde_json::Value>> {
    v.principal.authorize(Action::Read, &Target::new("weather", "import"))?;
    let row = sqlx::query("SELECT summary, finished_at FROM weather_imports WHERE id = $1").bind(id).fetch_optional(p.db.pool()).await?.ok_or_else(AppError::not_found)?;
    if row.get::<Option<i64>, _>(1).is_none() {
        return Err(AppError::conflict("import_in_progress", "this import has not finished yet; its summary comes when it ends"));
    }
    Ok(Json(serde_json::from_str(&row.get::<String, _>(0)).unwrap_or_default()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn envelope_keeps_extremes() {
        let vals: Vec<(i64, f64)> = (0..10_000).map(|i| (i * 60, if i == 5_000 { 99.0 } else { (i % 24) as f64 })).collect();
        let (t, lo, hi, _, down) = envelope(&vals, 0, 10_000 * 60, 100);
        assert!(down);
        assert!(t.len() <= 100);
        assert_eq!(hi.iter().cloned().fold(f64::MIN, f64::max), 99.0, "the spike survives");
        assert_eq!(lo.iter().cloned().fold(f64::MAX, f64::min), 0.0);
        let (t, ..) = envelope(&vals[..50], 0, 50 * 60, 100);
        assert_eq!(t.len(), 50, "raw when small");
    }

    #[test]
    fn days() {
        assert_eq!(parse_day("from", "2024-02-29").unwrap(), days_from_civil(2024, 2, 29));
        assert!(parse_day("from", "2023-02-29").is_err());
        assert!(parse_day("from", "yesterday").is_err());
    }
}
