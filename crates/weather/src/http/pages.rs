//! Weather pages: network map, station page (chart, monthly climatology by décade, records,
//! normals), import form. Every page's content is in the HTML; the map and chart are islands.
use askama::Template;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use platform::access::{Action, Target};
use platform::error::AppError;
use platform::html::{error_page, render, render_status, Ctx};
use platform::http::extract::ViewerExt;
use platform::http::Viewer;
use platform::Platform;
use serde::Deserialize;
use sqlx::Row;

use super::api::{self, DailyOut, ImportOut, NormalOut, RecordOut};
use crate::domain::climato::{civil, days_from_civil, days_in_month, Element};
use crate::domain::params::ParamId;
use crate::service::iso_date;
use crate::store::Station;

pub fn router() -> Router<Platform> {
    Router::new()
        .route("/", get(network))
        .route("/stations/{id}", get(station_page))
        .route("/import", get(import_form).post(import_upload))
}

/// Parameters offered in the selectors, the common ones first.
const MAIN_PARAMS: &[&str] = &["T", "TN", "TX", "RR1", "U", "FF", "FXI", "PMER", "TD", "PSTAT", "INS", "GLO", "VV", "N", "NEIGETOT"];

pub fn tile_url() -> String {
    std::env::var("COMMUNS_WEATHER_TILE_URL").unwrap_or_default()
}

fn param_label(p: ParamId, v: &Viewer) -> String {
    let prm = p.param();
    let label = if v.locale == platform::i18n::Locale::En { prm.label_en } else { prm.label_fr };
    format!("{} — {} ({})", prm.code, label, prm.unit)
}

struct LatestRow {
    id: i64,
    name: String,
    value: String,
    time: String,
}

#[derive(Template)]
#[template(path = "weather_network.html")]
struct Network<'a> {
    ctx: Ctx<'a>,
    param: String,
    unit: &'static str,
    params: Vec<(String, String)>,
    rows: Vec<LatestRow>,
    stations: i64,
    /// Stations without a value in the last [`CURRENT_HOURS`].
    silent: i64,
    networks: Vec<(String, i64)>,
    network: String,
    latest_url: String,
    tiles: String,
}

#[derive(Deserialize)]
struct NetworkQuery {
    param: Option<String>,
    network: Option<String>,
}

/// The map shows current conditions: a station whose last value is older is listed as silent.
const CURRENT_HOURS: i64 = 24;

async fn network(State(p): State<Platform>, ViewerExt(v): ViewerExt, Query(q): Query<NetworkQuery>) -> Response {
    let pid = q.param.as_deref().and_then(ParamId::parse).unwrap_or(ParamId::parse("T").expect("T"));
    let visible = v.principal.read_filter("weather", "station").sql(Some("s.public"), None, Some("s.org_id"));
    let networks = sqlx::query(&format!("SELECT s.network, COUNT(*) FROM weather_stations s WHERE {visible} GROUP BY s.network ORDER BY s.network")).fetch_all(p.db.pool()).await;
    let networks: Vec<(String, i64)> = match networks {
        Ok(rows) => rows.iter().map(|r| (r.get(0), r.get(1))).collect(),
        Err(e) => return error_page(&p, Some(&v), v.locale, e.into()),
    };
    // An unknown network is ignored rather than showing an empty map.
    let network = q.network.filter(|n| networks.iter().any(|(x, _)| x == n)).unwrap_or_default();
    let count: i64 = networks.iter().filter(|(x, _)| network.is_empty() || *x == network).map(|(_, n)| n).sum();
    let mut rows = match api::latest_rows(&p, &v, pid, Some(&network), Some(CURRENT_HOURS)).await {
        Ok(r) => r,
        Err(e) => return error_page(&p, Some(&v), v.locale, e),
    };
    rows.sort_by_key(|r| r.get::<String, _>(1));
    let ctx = Ctx::new(&p, &v, "/weather", "weather.nav");
    let rows: Vec<LatestRow> = rows
        .iter()
        .map(|r| LatestRow { id: r.get(0), name: r.get(1), time: ctx.date(&platform::clock::rfc3339(r.get::<i64, _>(4) * 60_000)), value: format!("{}", r.get::<f64, _>(5)) })
        .collect();
    let silent = count - rows.len() as i64;
    let params = MAIN_PARAMS.iter().filter_map(|c| ParamId::parse(c)).map(|x| (x.param().code.to_string(), param_label(x, &v))).collect();
    let mut query = vec![("param", pid.param().code.to_string()), ("max_age_hours", CURRENT_HOURS.to_string())];
    if !network.is_empty() {
        query.push(("network", network.clone()));
    }
    let latest_url = format!("/api/v1/weather/latest?{}", serde_urlencoded::to_string(&query).unwrap_or_default());
    render(&Network { ctx, param: pid.param().code.into(), unit: pid.param().unit, params, rows, stations: count, silent, networks, network, latest_url, tiles: tile_url() })
}

struct DayRow {
    day: u32,
    tn: Option<f64>,
    tx: Option<f64>,
    tm: Option<f64>,
    rr: Option<f64>,
    fxi: Option<f64>,
    tn_anom: Option<f64>,
    tx_anom: Option<f64>,
}

struct Decade {
    label: String,
    days: Vec<DayRow>,
    tn_mean: Option<f64>,
    tx_mean: Option<f64>,
    tn_min: Option<f64>,
    tx_max: Option<f64>,
    rr_sum: Option<f64>,
}

#[derive(Template)]
#[template(path = "weather_station.html")]
struct StationPage<'a> {
    ctx: Ctx<'a>,
    s: Station,
    latest: Vec<(String, String, String)>,
    param: String,
    unit: &'static str,
    params: Vec<(String, String)>,
    from: String,
    to: String,
    month: String,
    month_label: String,
    prev_month: String,
    next_month: String,
    decades: Vec<Decade>,
    normal_label: String,
    records: Vec<(String, String, String, String)>,
    normals: Vec<(u32, Option<f64>, Option<f64>, Option<f64>)>,
    normals_from: i32,
    normals_to: i32,
    /// Earlier positions of a station that moved: (from, lat, lon, altitude), oldest first.
    positions: Vec<(String, f64, f64, f64)>,
    can_import: bool,
}

#[derive(Deserialize)]
struct StationQuery {
    param: Option<String>,
    from: Option<String>,
    to: Option<String>,
    month: Option<String>,
    normals_from: Option<i32>,
    normals_to: Option<i32>,
}

fn mean(v: &[f64]) -> Option<f64> {
    (!v.is_empty()).then(|| (v.iter().sum::<f64>() / v.len() as f64 * 10.0).round() / 10.0)
}

async fn station_page(State(p): State<Platform>, ViewerExt(v): ViewerExt, Path(id): Path<i64>, Query(q): Query<StationQuery>) -> Response {
    match station_page_inner(&p, &v, id, q).await {
        Ok(r) => r,
        Err(e) => error_page(&p, Some(&v), v.locale, e),
    }
}

async fn station_page_inner(p: &Platform, v: &Viewer, id: i64, q: StationQuery) -> Result<Response, AppError> {
    let s = api::visible_station(p, v, id).await?;
    let pid = q.param.as_deref().and_then(ParamId::parse).unwrap_or(ParamId::parse("T").expect("T"));
    // Latest values, and the last day with data for default ranges.
    let latest_rows = sqlx::query("SELECT param_id, t, value FROM weather_latest WHERE station_id = $1 ORDER BY param_id").bind(id).fetch_all(p.db.pool()).await?;
    let last_minute = latest_rows.iter().map(|r| r.get::<i64, _>(1)).max().unwrap_or(p.now() / 60_000);
    let last_day = last_minute.div_euclid(1440);
    let ctx_probe = Ctx::new(p, v, "", "weather.nav");
    let latest = latest_rows
        .iter()
        .filter_map(|r| ParamId::from_index(r.get::<i64, _>(0)).map(|pid| (pid, r.get::<i64, _>(1), r.get::<f64, _>(2))))
        .map(|(pid, t, val)| (param_label(pid, v), format!("{val} {}", pid.param().unit), ctx_probe.date(&platform::clock::rfc3339(t * 60_000))))
        .collect();
    let from = q.from.clone().filter(|f| api::parse_day("from", f).is_ok()).unwrap_or_else(|| iso_date(last_day - 365));
    let to = q.to.clone().filter(|f| api::parse_day("to", f).is_ok()).unwrap_or_else(|| iso_date(last_day));
    // Month of the climatology table.
    let (ly, lm, _) = civil(last_day);
    let (y, m) = q
        .month
        .as_deref()
        .and_then(|s| s.split_once('-'))
        .and_then(|(a, b)| Some((a.parse::<i32>().ok()?, b.parse::<u32>().ok()?)))
        .filter(|(y, m)| (1700..=2200).contains(y) && (1..=12).contains(m))
        .unwrap_or((ly, lm));
    let first = days_from_civil(y, m, 1);
    let n = days_in_month(y, m);
    let dailies: Vec<DailyOut> = api::daily_values(p, id, first, first + i64::from(n) - 1).await?;
    // Normals for the anomalies: 1991–2020, or the mean of the available years when that normal
    // cannot be computed (said so on the page).
    let normal_tn_tx = |ns: &[NormalOut]| (ns.iter().find(|x| x.element == "TN" && x.month == m).and_then(|x| x.value), ns.iter().find(|x| x.element == "TX" && x.month == m).and_then(|x| x.value));
    let official = api::normal_values(p, id, &[Element::TN, Element::TX], 1991, 2020).await?;
    let (mut ntn, mut ntx) = normal_tn_tx(&official);
    let t = v.t(p);
    let mut normal_label = t.t("weather.anomaly_vs_1991_2020").to_string();
    if ntn.is_none() && ntx.is_none() {
        let years = sqlx::query("SELECT MIN(year), MAX(year) FROM weather_monthly WHERE station_id = $1").bind(id).fetch_one(p.db.pool()).await?;
        if let (Some(a), Some(b)) = (years.get::<Option<i64>, _>(0), years.get::<Option<i64>, _>(1)) {
            let rows = sqlx::query("SELECT element, value FROM weather_monthly WHERE station_id = $1 AND month = $2 AND value IS NOT NULL AND element IN ('TN', 'TX')")
                .bind(id)
                .bind(i64::from(m))
                .fetch_all(p.db.pool())
                .await?;
            let pick = |e: &str| mean(&rows.iter().filter(|r| r.get::<String, _>(0) == e).map(|r| r.get::<f64, _>(1)).collect::<Vec<_>>());
            ntn = pick("TN");
            ntx = pick("TX");
            normal_label = t.f("weather.anomaly_vs_available", "years", format!("{a}–{b}"));
        }
    }
    let get = |day: i64, e: &str| dailies.iter().find(|d| d.date == iso_date(day) && d.element == e).map(|d| d.value);
    let mut decades = Vec::new();
    for (k, (a, b)) in [(1u32, 10u32), (11, 20), (21, n)].into_iter().enumerate() {
        let days: Vec<DayRow> = (a..=b)
            .map(|d| {
                let day = first + i64::from(d) - 1;
                let (tn, tx) = (get(day, "TN"), get(day, "TX"));
                DayRow {
                    day: d,
                    tn,
                    tx,
                    tm: get(day, "TM"),
                    rr: get(day, "RR"),
                    fxi: get(day, "FXI"),
                    tn_anom: tn.zip(ntn).map(|(x, n)| ((x - n) * 10.0).round() / 10.0),
                    tx_anom: tx.zip(ntx).map(|(x, n)| ((x - n) * 10.0).round() / 10.0),
                }
            })
            .collect();
        let col = |f: fn(&DayRow) -> Option<f64>| days.iter().filter_map(f).collect::<Vec<f64>>();
        let (tns, txs, rrs) = (col(|d| d.tn), col(|d| d.tx), col(|d| d.rr));
        decades.push(Decade {
            label: t.f("weather.decade", "n", k + 1),
            tn_mean: mean(&tns),
            tx_mean: mean(&txs),
            tn_min: tns.iter().copied().reduce(f64::min),
            tx_max: txs.iter().copied().reduce(f64::max),
            rr_sum: (!rrs.is_empty()).then(|| (rrs.iter().sum::<f64>() * 10.0).round() / 10.0),
            days,
        });
    }
    let month_names = t.t("weather.months");
    let month_label = format!("{} {y}", month_names.split(',').nth(m as usize - 1).unwrap_or("").trim());
    let (py, pm) = if m == 1 { (y - 1, 12) } else { (y, m - 1) };
    let (ny, nm) = if m == 12 { (y + 1, 1) } else { (y, m + 1) };
    let recs: Vec<RecordOut> = api::record_values(p, id).await?;
    let records = recs
        .iter()
        .filter(|r| r.scope == 0 || r.scope == i64::from(m))
        .map(|r| {
            let scope = if r.scope == 0 { t.t("weather.all_time").to_string() } else { month_names.split(',').nth(r.scope as usize - 1).unwrap_or("").trim().to_string() };
            (scope, t.t(&format!("weather.record.{}.{}", r.element, r.kind)).to_string(), r.value.to_string(), r.date.clone())
        })
        .collect();
    let (nf, nt) = (q.normals_from.unwrap_or(1991).clamp(1700, 2200), q.normals_to.unwrap_or(2020).clamp(1700, 2200));
    let ns = api::normal_values(p, id, &[Element::TN, Element::TX, Element::RR], nf.min(nt), nt.max(nf)).await?;
    let normals = (1..=12u32)
        .map(|mo| {
            let g = |e: &str| ns.iter().find(|x| x.element == e && x.month == mo).and_then(|x| x.value);
            (mo, g("TN"), g("TX"), g("RR"))
        })
        .collect();
    let can_import = v.principal.authorize(Action::Create, &Target::new("weather", "import")).is_ok();
    let positions = api::station_positions(p, id).await?;
    let params = MAIN_PARAMS.iter().filter_map(|c| ParamId::parse(c)).map(|x| (x.param().code.to_string(), param_label(x, v))).collect();
    let ctx = Ctx::new(p, v, &format!("/weather/stations/{id}"), "weather.nav").titled(s.name.clone());
    let positions = if positions.len() < 2 {
        Vec::new()
    } else {
        let registered = ctx.t.t("weather.since_registration").to_string();
        positions.into_iter().map(|x| (x.valid_from.map(|f| f[..16].replace('T', " ")).unwrap_or_else(|| registered.clone()), x.lat, x.lon, x.alti)).collect()
    };
    Ok(render(&StationPage {
        ctx,
        latest,
        param: pid.param().code.into(),
        unit: pid.param().unit,
        params,
        from,
        to,
        month: format!("{y:04}-{m:02}"),
        month_label,
        prev_month: format!("{py:04}-{pm:02}"),
        next_month: format!("{ny:04}-{nm:02}"),
        decades,
        normal_label,
        records,
        normals,
        normals_from: nf,
        normals_to: nt,
        positions,
        can_import,
        s,
    }))
}

#[derive(Template)]
#[template(path = "weather_import.html")]
struct ImportPage<'a> {
    ctx: Ctx<'a>,
    result: Option<ImportOut>,
    error: Option<String>,
}

async fn import_form(State(p): State<Platform>, ViewerExt(v): ViewerExt) -> Response {
    if v.user.is_none() {
        return platform::html::see_other("/login?next=/weather/import");
    }
    if let Err(e) = v.principal.authorize(Action::Create, &Target::new("weather", "import")) {
        return error_page(&p, Some(&v), v.locale, e.into());
    }
    render(&ImportPage { ctx: Ctx::new(&p, &v, "/weather/import", "weather.import.title"), result: None, error: None })
}

async fn import_upload(State(p): State<Platform>, ViewerExt(v): ViewerExt, mut form: Multipart) -> Response {
    if let Err(e) = v.principal.authorize(Action::Create, &Target::new("weather", "import")) {
        return error_page(&p, Some(&v), v.locale, e.into());
    }
    let mut format = String::from("mf");
    let mut mapping = String::new();
    let mut file: Option<(String, Vec<u8>)> = None;
    loop {
        match form.next_field().await {
            Ok(Some(field)) => match field.name() {
                Some("format") => format = field.text().await.unwrap_or_default(),
                Some("mapping") => mapping = field.text().await.unwrap_or_default(),
                Some("file") => {
                    let name = field.file_name().unwrap_or("upload").to_string();
                    match field.bytes().await {
                        Ok(b) => file = Some((name, b.to_vec())),
                        Err(e) => return error_page(&p, Some(&v), v.locale, AppError::new(StatusCode::BAD_REQUEST, "bad_upload", e.body_text())),
                    }
                }
                _ => {}
            },
            Ok(None) => break,
            Err(e) => return error_page(&p, Some(&v), v.locale, AppError::new(StatusCode::BAD_REQUEST, "bad_upload", e.body_text())),
        }
    }
    let ctx = Ctx::new(&p, &v, "/weather/import", "weather.import.title");
    let Some((name, bytes)) = file.filter(|f| !f.1.is_empty()) else {
        let error = Some(ctx.t.t("weather.import.no_file").to_string());
        return render_status(StatusCode::UNPROCESSABLE_ENTITY, &ImportPage { ctx, result: None, error });
    };
    let safe_name = platform::files::FileName::parse(&name).map(|n| n.as_str().to_string()).unwrap_or_else(|_| "upload".into());
    match api::run_import(&p, &v.actor(), &format, &safe_name, &bytes, Some(&mapping), &|_, _| {}).await {
        Ok(result) => render_status(StatusCode::CREATED, &ImportPage { ctx, result: Some(result), error: None }),
        Err(e) if e.status.is_client_error() => {
            let error = Some(e.detail.clone());
            render_status(StatusCode::UNPROCESSABLE_ENTITY, &ImportPage { ctx, result: None, error })
        }
        Err(e) => error_page(&p, Some(&v), v.locale, e),
    }
}

/// Formats an optional number for the tables.
pub fn opt(v: &Option<f64>) -> String {
    v.map(|x| format!("{x:.1}")).unwrap_or_else(|| "—".into())
}

/// An anomaly with its sign.
pub fn signed(v: &Option<f64>) -> String {
    v.map(|x| format!("{x:+.1}")).unwrap_or_default()
}
