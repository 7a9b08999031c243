//! The tabular API over loaded CSV resources (`/api/v1/catalog/tables/{resource}`: metadata,
//! rows with api-tabular's operators, profile, per-table OpenAPI) and csvapi's API (`/apify`,
//! `/api/{hash}`, `/api/{hash}/export`; plain routes, not in our OpenAPI).
use std::time::Instant;

use axum::body::{Body, Bytes};
use axum::extract::{RawQuery, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Json;
use platform::error::{ApiResult, AppError, FieldError, Problem};
use platform::http::extract::{ApiPath, ViewerExt};
use platform::Platform;
use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value as J};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::service;
use crate::tabular::profile::Column;
use crate::tabular::query::{self, Format, OutCol, Query, Sql};
use crate::tabular::store::{self, TableMeta};
use crate::tabular::types::{ColType, Value};

pub fn router() -> OpenApiRouter<Platform> {
    OpenApiRouter::new()
        .routes(routes!(table))
        .routes(routes!(rows))
        .routes(routes!(profile))
        .routes(routes!(table_openapi))
        .route("/apify", get(apify))
        .route("/api/{hash}", get(csvapi_table))
        .route("/api/{hash}/export", get(csvapi_export))
}

#[derive(Serialize, ToSchema)]
pub struct TableLinks {
    pub rows: String,
    pub profile: String,
    pub swagger: String,
}

/// A resource's table: state of its last load, columns with types and profiles, report.
#[derive(Serialize, ToSchema)]
pub struct TableOut {
    pub resource_id: String,
    /// `queued`, `loading`, `ready` or `failed` (a failed reload keeps serving the previous table).
    pub state: String,
    /// Whether rows can be read (a table was loaded).
    pub available: bool,
    pub rows: i64,
    /// Rows written so far by the running load.
    pub progress: i64,
    pub queued_at: String,
    pub started_at: Option<String>,
    pub loaded_at: Option<String>,
    /// Encoding, delimiter, quote, header.
    #[schema(value_type = Object)]
    pub dialect: Option<J>,
    pub columns: Vec<Column>,
    /// Error (code, message, line numbers) or warnings (irregular rows) of the last load.
    #[schema(value_type = Object)]
    pub report: J,
    pub links: TableLinks,
}

fn base(p: &Platform) -> String {
    super::json::base(p)
}

fn links(p: &Platform, rid: &str) -> TableLinks {
    let b = format!("{}/api/v1/catalog/tables/{rid}", base(p));
    TableLinks { rows: format!("{b}/rows"), profile: format!("{b}/profile"), swagger: format!("{b}/openapi.json") }
}

/// The table of a resource the viewer may read (its dataset's Read permission).
async fn readable(p: &Platform, who: &platform::access::Principal, rid: &str) -> Result<TableMeta, AppError> {
    let r = crate::store::get_resource(p.db.pool(), rid).await?.ok_or_else(AppError::not_found)?;
    service::visible_dataset(p, who, &r.dataset_id).await?;
    store::get(p.db.pool(), rid).await?.filter(|m| m.resource_id.as_deref() == Some(rid)).ok_or_else(AppError::not_found)
}

fn table_out(p: &Platform, m: TableMeta) -> TableOut {
    let rid = m.resource_id.clone().unwrap_or_default();
    TableOut {
        links: links(p, &rid),
        resource_id: rid,
        available: m.table_name.is_some(),
        state: m.state,
        rows: m.row_count,
        progress: m.progress,
        queued_at: platform::clock::rfc3339(m.queued_at),
        started_at: m.started_at.map(platform::clock::rfc3339),
        loaded_at: m.loaded_at.map(platform::clock::rfc3339),
        dialect: m.dialect.and_then(|d| serde_json::to_value(d).ok()),
        columns: m.columns,
        report: m.report,
    }
}

/// State of a resource's table (queued, loading with progress, ready, failed with its report),
/// its columns with types and profiles.
#[utoipa::path(get, path = "/api/v1/catalog/tables/{resource}", tag = "catalog", params(("resource" = String, Path, description = "Resource id")),
    responses((status = 200, body = TableOut), (status = 404, body = Problem, content_type = "application/problem+json")))]
async fn table(State(p): State<Platform>, ViewerExt(v): ViewerExt, ApiPath(rid): ApiPath<String>) -> ApiResult<Json<TableOut>> {
    let m = readable(&p, &v.principal, &rid).await?;
    Ok(Json(table_out(&p, m)))
}

/// Profile of each column: type, format (e.g. `code_commune_insee`, `siren`), nulls, distinct
/// values, min, max, ten most frequent values.
#[utoipa::path(get, path = "/api/v1/catalog/tables/{resource}/profile", tag = "catalog", params(("resource" = String, Path, description = "Resource id")),
    responses((status = 200, body = TableOut), (status = 404, body = Problem, content_type = "application/problem+json")))]
async fn profile(State(p): State<Platform>, ViewerExt(v): ViewerExt, ApiPath(rid): ApiPath<String>) -> ApiResult<Json<J>> {
    let m = readable(&p, &v.principal, &rid).await?;
    let cols: Map<String, J> = m.columns.iter().map(|c| (c.name.clone(), serde_json::to_value(c).unwrap_or_default())).collect();
    Ok(Json(json!({ "resource_id": rid, "rows": m.row_count, "dialect": m.dialect, "columns": cols, "report": m.report })))
}

/// Documentation of the rows query; the real parameters are per column (`{column}__{operator}`).
#[allow(dead_code)]
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RowsParams {
    #[param(minimum = 1)]
    page: Option<i64>,
    #[param(minimum = 1, maximum = 1000)]
    page_size: Option<i64>,
    /// Columns to return, comma-separated.
    columns: Option<String>,
    /// Text to find in the table's text columns (case-insensitive substring).
    q: Option<String>,
    /// `json` (default, one page), `csv` or `ndjson` (streamed; every matching row unless `page` is given).
    format: Option<String>,
}

/// Rows of a resource's table. Filters `{column}__{op}={value}` with op among `exact`,
/// `differs`, `contains`, `notcontains`, `in` (comma-separated), `notin`, `less` (≤), `greater`
/// (≥), `strictly_less`, `strictly_greater`, `isnull`, `isnotnull`; sort `{column}__sort=asc|desc`;
/// aggregation `{column}__groupby` with `{column}__count|sum|avg|min|max`. Decimals accept `1,5`
/// or `1.5`, dates `31/12/2024` or `2024-12-31`. The per-table OpenAPI lists every parameter.
#[utoipa::path(get, path = "/api/v1/catalog/tables/{resource}/rows", tag = "catalog", params(("resource" = String, Path, description = "Resource id"), RowsParams),
    responses((status = 200, description = "`{data, links{profile, swagger, next, prev}, meta{page, page_size, total}}`, or CSV / NDJSON", body = Object),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The table is not loaded yet", body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
async fn rows(State(p): State<Platform>, ViewerExt(v): ViewerExt, ApiPath(rid): ApiPath<String>, RawQuery(raw): RawQuery) -> ApiResult<Response> {
    let m = readable(&p, &v.principal, &rid).await?;
    let table = m.table_name.clone().ok_or_else(|| AppError::conflict("table_not_ready", format!("the table is {}", m.state)))?;
    let pairs = pairs(raw.as_deref())?;
    let q = query::parse(&pairs, &m.columns)?;
    if q.format != Format::Json {
        let limit = q.paged.then_some((q.page_size, q.offset));
        let (sql, _, out) = query::select(&q, &m.columns, &table, p.db.backend() == platform::db::Backend::Postgres, limit);
        return Ok(stream(p, sql, out, q.format, format!("{rid}.csv")));
    }
    let (data, total) = page(&p, &m, &table, &q).await?;
    let path = format!("/api/v1/catalog/tables/{rid}/rows");
    let l = links(&p, &rid);
    let has_next = q.offset + q.page_size < total;
    Ok(Json(json!({
        "data": data,
        "links": {
            "profile": l.profile,
            "swagger": l.swagger,
            "next": has_next.then(|| page_url(&p, &path, &pairs, q.page + 1)),
            "prev": (q.page > 1).then(|| page_url(&p, &path, &pairs, q.page - 1)),
        },
        "meta": { "page": q.page, "page_size": q.page_size, "total": total },
    }))
    .into_response())
}

fn pairs(raw: Option<&str>) -> Result<Vec<(String, String)>, AppError> {
    let pairs: Vec<(String, String)> = serde_urlencoded::from_str(raw.unwrap_or("")).map_err(|_| AppError::bad_request("bad_query", "the query string is not valid"))?;
    let bad: Vec<FieldError> = pairs.iter().filter(|(k, v)| k.contains('\0') || v.contains('\0')).map(|(k, _)| FieldError::new(k.replace('\0', ""), "nul_character")).collect();
    if !bad.is_empty() {
        return Err(AppError::invalid(bad));
    }
    Ok(pairs)
}

fn page_url(p: &Platform, path: &str, pairs: &[(String, String)], page: i64) -> String {
    let mut kept: Vec<(String, String)> = pairs.iter().filter(|(k, _)| k != "page").cloned().collect();
    kept.push(("page".into(), page.to_string()));
    format!("{}{path}?{}", base(p), serde_urlencoded::to_string(&kept).unwrap_or_default())
}

fn object(out: &[OutCol], row: &[Value]) -> J {
    let m: Map<String, J> = out.iter().zip(row).map(|(c, v)| (c.name.clone(), v.to_json())).collect();
    J::Object(m)
}

/// One page of rows (objects) and the exact total.
async fn page(p: &Platform, m: &TableMeta, table: &str, q: &Query) -> Result<(Vec<J>, i64), AppError> {
    let pg = p.db.backend() == platform::db::Backend::Postgres;
    let (sql, count, out) = query::select(q, &m.columns, table, pg, Some((q.page_size, q.offset)));
    let rows = store::fetch_rows(p, &sql, &out).await?;
    let total = match count {
        Some(c) => store::count(p, &c).await?,
        None => m.row_count,
    };
    Ok((rows.iter().map(|r| object(&out, r)).collect(), total))
}

/// One CSV record (RFC 4180 quoting) with a CRLF-free `\n` ending.
fn csv_line(buf: &mut Vec<u8>, cells: impl Iterator<Item = String>) {
    for (i, c) in cells.enumerate() {
        if i > 0 {
            buf.push(b',');
        }
        if c.contains([',', '"', '\n', '\r']) {
            buf.push(b'"');
            buf.extend_from_slice(c.replace('"', "\"\"").as_bytes());
            buf.push(b'"');
        } else {
            buf.extend_from_slice(c.as_bytes());
        }
    }
    buf.push(b'\n');
}

/// Streams every row of `sql` as CSV or NDJSON without holding them in memory.
fn stream(p: Platform, sql: Sql, out: Vec<OutCol>, format: Format, filename: String) -> Response {
    use futures_util::StreamExt;
    let (tx, rx) = tokio::sync::mpsc::channel::<Result<Bytes, std::io::Error>>(8);
    tokio::spawn(async move {
        let backend = p.db.backend();
        let mut buf: Vec<u8> = Vec::with_capacity(64 * 1024);
        if format == Format::Csv {
            csv_line(&mut buf, out.iter().map(|c| c.name.clone()));
        }
        let mut rows = store::prepare(&sql).fetch(p.db.pool());
        while let Some(r) = rows.next().await {
            match r {
                Ok(row) => {
                    let vals = store::decode_row(&row, &out, backend);
                    if format == Format::Csv {
                        csv_line(&mut buf, vals.iter().map(Value::to_csv));
                    } else {
                        let _ = serde_json::to_writer(&mut buf, &object(&out, &vals));
                        buf.push(b'\n');
                    }
                }
                Err(e) => {
                    let _ = tx.send(Err(std::io::Error::other(e.to_string()))).await;
                    return;
                }
            }
            if buf.len() >= 64 * 1024 && tx.send(Ok(Bytes::from(std::mem::take(&mut buf)))).await.is_err() {
                return;
            }
        }
        if !buf.is_empty() {
            let _ = tx.send(Ok(Bytes::from(buf))).await;
        }
    });
    let body = Body::from_stream(futures_util::stream::unfold(rx, |mut rx| async move { rx.recv().await.map(|x| (x, rx)) }));
    let ct = if format == Format::Csv { "text/csv; charset=utf-8" } else { "application/x-ndjson" };
    let mut resp = Response::new(body);
    resp.headers_mut().insert(header::CONTENT_TYPE, header::HeaderValue::from_static(ct));
    if format == Format::Csv {
        if let Ok(v) = header::HeaderValue::from_str(&format!("attachment; filename=\"{}\"", filename.replace(['"', '\\'], ""))) {
            resp.headers_mut().insert(header::CONTENT_DISPOSITION, v);
        }
    }
    resp
}

fn schema_of(ty: ColType) -> J {
    match ty {
        ColType::Integer => json!({ "type": "integer" }),
        ColType::Decimal => json!({ "type": "number" }),
        ColType::Boolean => json!({ "type": "boolean" }),
        ColType::Date => json!({ "type": "string", "format": "date" }),
        ColType::Datetime => json!({ "type": "string", "format": "date-time" }),
        ColType::Text => json!({ "type": "string" }),
    }
}

/// The OpenAPI document of one table: its rows endpoint with a parameter per column and
/// operator, and the row schema with the column types.
pub fn table_openapi_doc(p: &Platform, rid: &str, cols: &[Column]) -> J {
    let mut params = vec![
        json!({ "name": "page", "in": "query", "schema": { "type": "integer", "minimum": 1 } }),
        json!({ "name": "page_size", "in": "query", "schema": { "type": "integer", "minimum": 1, "maximum": query::MAX_PAGE_SIZE } }),
        json!({ "name": "columns", "in": "query", "description": "Comma-separated column names", "schema": { "type": "string" } }),
        json!({ "name": "q", "in": "query", "description": "Text searched in the text columns", "schema": { "type": "string" } }),
        json!({ "name": "format", "in": "query", "schema": { "type": "string", "enum": ["json", "csv", "ndjson"] } }),
    ];
    let mut props = Map::new();
    props.insert("__id".into(), json!({ "type": "integer" }));
    for c in cols {
        let s = schema_of(c.ty);
        props.insert(c.name.clone(), json!({ "anyOf": [s.clone(), { "type": "null" }], "description": c.format }));
        for (op, _) in query::Op::ALL {
            let schema = match *op {
                "isnull" | "isnotnull" => json!({ "type": "string", "enum": [""] }),
                "contains" | "notcontains" | "in" | "notin" => json!({ "type": "string" }),
                _ if c.ty == ColType::Decimal => json!({ "type": "string", "description": "1.5 or 1,5" }),
                _ => s.clone(),
            };
            params.push(json!({ "name": format!("{}__{op}", c.name), "in": "query", "required": false, "schema": schema }));
        }
        params.push(json!({ "name": format!("{}__sort", c.name), "in": "query", "schema": { "type": "string", "enum": ["asc", "desc"] } }));
        params.push(json!({ "name": format!("{}__groupby", c.name), "in": "query", "allowEmptyValue": true, "schema": { "type": "string" } }));
        for (agg, a) in query::Agg::ALL {
            if matches!(a, query::Agg::Sum | query::Agg::Avg) && !c.ty.is_numeric() {
                continue;
            }
            params.push(json!({ "name": format!("{}__{agg}", c.name), "in": "query", "allowEmptyValue": true, "schema": { "type": "string" } }));
        }
    }
    json!({
        "openapi": "3.1.0",
        "info": { "title": format!("Table {rid}"), "version": "1" },
        "servers": [{ "url": base(p) }],
        "paths": {
            format!("/api/v1/catalog/tables/{rid}/rows"): {
                "get": {
                    "summary": "Rows of the table",
                    "parameters": params,
                    "responses": {
                        "200": { "description": "A page of rows", "content": { "application/json": { "schema": {
                            "type": "object",
                            "properties": {
                                "data": { "type": "array", "items": { "type": "object", "properties": props } },
                                "links": { "type": "object" },
                                "meta": { "type": "object", "properties": { "page": { "type": "integer" }, "page_size": { "type": "integer" }, "total": { "type": "integer" } } }
                            }
                        } } } },
                        "422": { "description": "Unknown column or operator, or a value of the wrong type" }
                    }
                }
            }
        }
    })
}

/// OpenAPI document of this table's rows endpoint, generated from its columns.
#[utoipa::path(get, path = "/api/v1/catalog/tables/{resource}/openapi.json", tag = "catalog", params(("resource" = String, Path, description = "Resource id")),
    responses((status = 200, body = Object), (status = 404, body = Problem, content_type = "application/problem+json")))]
async fn table_openapi(State(p): State<Platform>, ViewerExt(v): ViewerExt, ApiPath(rid): ApiPath<String>) -> ApiResult<Json<J>> {
    let m = readable(&p, &v.principal, &rid).await?;
    Ok(Json(table_openapi_doc(&p, &rid, &m.columns)))
}

// ---- csvapi ----

fn csvapi_error(status: StatusCode, msg: impl Into<String>) -> Response {
    (status, Json(json!({ "ok": false, "error": msg.into() }))).into_response()
}

pub fn url_hash(url: &str) -> String {
    use md5::{Digest, Md5};
    hex::encode(Md5::digest(url.as_bytes()))
}

fn host_url(p: &Platform, headers: &HeaderMap) -> String {
    let scheme = if p.config.public_url.starts_with("https://") { "https" } else { "http" };
    match headers.get(header::HOST).and_then(|h| h.to_str().ok()) {
        Some(h) if !h.is_empty() => format!("{scheme}://{h}"),
        _ => base(p),
    }
}

/// csvapi's `GET /apify?url=`: loads a remote CSV into a table keyed by md5(url) (not a catalog
/// resource: anyone may call it), then answers `{"ok": true, "endpoint": ".../api/<md5>"}`. A
/// table already loaded answers at once, as csvapi's cache does.
async fn apify(State(p): State<Platform>, headers: HeaderMap, RawQuery(raw): RawQuery) -> Response {
    let Ok(pairs) = pairs(raw.as_deref()) else { return csvapi_error(StatusCode::BAD_REQUEST, "Invalid query string.") };
    let Some(url) = pairs.iter().find(|(k, _)| k == "url").map(|(_, v)| v.clone()).filter(|u| !u.is_empty()) else {
        return csvapi_error(StatusCode::BAD_REQUEST, "Missing url query string variable.");
    };
    let hash = url_hash(&url);
    let endpoint = format!("{}/api/{hash}", host_url(&p, &headers));
    match store::get(p.db.pool(), &hash).await {
        Ok(Some(m)) if m.table_name.is_some() && m.state == "ready" && m.source_url == url => return Json(json!({ "ok": true, "endpoint": endpoint })).into_response(),
        Err(e) => return csvapi_error(StatusCode::INTERNAL_SERVER_ERROR, e.to_string()),
        _ => {}
    }
    // Refused URLs are answered before anything is written.
    if let Err(f) = crate::tabular::load::check_url(&url).await {
        return csvapi_error(StatusCode::BAD_REQUEST, f.message);
    }
    let queued = async {
        let mut tx = p.db.write().await?;
        store::queue(tx.conn(), &hash, None, &url, None, None, p.now()).await?;
        tx.commit().await
    };
    if let Err(e) = queued.await {
        return csvapi_error(StatusCode::INTERNAL_SERVER_ERROR, e.to_string());
    }
    if let Err(e) = crate::tabular::load::run(&p, &hash, None).await {
        return csvapi_error(StatusCode::INTERNAL_SERVER_ERROR, e);
    }
    match store::get(p.db.pool(), &hash).await {
        Ok(Some(m)) if m.state == "ready" => Json(json!({ "ok": true, "endpoint": endpoint })).into_response(),
        Ok(Some(m)) => csvapi_error(StatusCode::BAD_REQUEST, m.report["error"]["message"].as_str().unwrap_or("the file could not be loaded").to_string()),
        _ => csvapi_error(StatusCode::INTERNAL_SERVER_ERROR, "the table vanished"),
    }
}

// csvapi's errors are whole responses; they are rare, their size does not matter.
#[allow(clippy::result_large_err)]
async fn csvapi_meta(p: &Platform, hash: &str) -> Result<(TableMeta, String), Response> {
    let not_found = || csvapi_error(StatusCode::NOT_FOUND, "Database has probably been removed or does not exist yet.");
    if hash.len() != 32 || !hash.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(not_found());
    }
    match store::get(p.db.pool(), hash).await {
        Ok(Some(m)) if m.resource_id.is_none() => match m.table_name.clone() {
            Some(t) => Ok((m, t)),
            None => Err(not_found()),
        },
        Ok(_) => Err(not_found()),
        Err(e) => Err(csvapi_error(StatusCode::INTERNAL_SERVER_ERROR, e.to_string())),
    }
}

#[allow(clippy::result_large_err)]
fn csvapi_query(pairs: &[(String, String)], cols: &[Column]) -> Result<Query, Response> {
    query::parse_csvapi(pairs, cols).map_err(|e| {
        let names: Vec<String> = e.errors.iter().map(|f| format!("{} ({})", f.field, f.code)).collect();
        csvapi_error(StatusCode::BAD_REQUEST, format!("Invalid parameters: {}", names.join(", ")))
    })
}

/// csvapi's `GET /api/{hash}`: `{ok, query_ms, rows, columns, total}`; rows are lists unless
/// `_shape=objects`; `rowid` first unless `_rowid=hide`; `total` unless `_total=hide` (also
/// when it is 0, unlike csvapi).
async fn csvapi_table(State(p): State<Platform>, axum::extract::Path(hash): axum::extract::Path<String>, RawQuery(raw): RawQuery) -> Response {
    let started = Instant::now();
    let (m, table) = match csvapi_meta(&p, &hash).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    let Ok(pairs) = pairs(raw.as_deref()) else { return csvapi_error(StatusCode::BAD_REQUEST, "Invalid query string.") };
    let q = match csvapi_query(&pairs, &m.columns) {
        Ok(q) => q,
        Err(r) => return r,
    };
    let has = |k: &str, v: &str| pairs.iter().any(|(a, b)| a == k && b == v);
    let objects = has("_shape", "objects");
    let hide_rowid = has("_rowid", "hide");
    let hide_total = has("_total", "hide");
    let pg = p.db.backend() == platform::db::Backend::Postgres;
    let (sql, count, out) = query::select(&q, &m.columns, &table, pg, Some((q.page_size, q.offset)));
    let rows = match store::fetch_rows(&p, &sql, &out).await {
        Ok(r) => r,
        Err(e) => return csvapi_error(StatusCode::BAD_REQUEST, e.to_string()),
    };
    let total = if hide_total {
        None
    } else {
        match count {
            Some(c) => match store::count(&p, &c).await {
                Ok(n) => Some(n),
                Err(e) => return csvapi_error(StatusCode::BAD_REQUEST, e.to_string()),
            },
            None => Some(m.row_count),
        }
    };
    let skip = usize::from(hide_rowid);
    let mut columns: Vec<String> = out.iter().map(|c| c.name.clone()).collect();
    columns[0] = "rowid".into();
    let columns: Vec<String> = columns.into_iter().skip(skip).collect();
    let rows: Vec<J> = rows
        .iter()
        .map(|r| {
            if objects {
                J::Object(columns.iter().zip(r.iter().skip(skip)).map(|(c, v)| (c.clone(), v.to_json())).collect())
            } else {
                J::Array(r.iter().skip(skip).map(Value::to_json).collect())
            }
        })
        .collect();
    let mut body = json!({ "ok": true, "rows": rows, "columns": columns });
    if let Some(t) = total {
        body["total"] = t.into();
    }
    body["query_ms"] = json!(started.elapsed().as_secs_f64() * 1000.0);
    Json(body).into_response()
}

/// csvapi's `GET /api/{hash}/export`: every matching row as CSV, streamed.
async fn csvapi_export(State(p): State<Platform>, axum::extract::Path(hash): axum::extract::Path<String>, RawQuery(raw): RawQuery) -> Response {
    let (m, table) = match csvapi_meta(&p, &hash).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    let Ok(pairs) = pairs(raw.as_deref()) else { return csvapi_error(StatusCode::BAD_REQUEST, "Invalid query string.") };
    let mut q = match csvapi_query(&pairs, &m.columns) {
        Ok(q) => q,
        Err(r) => return r,
    };
    q.format = Format::Csv;
    let pg = p.db.backend() == platform::db::Backend::Postgres;
    let (sql, _, mut out) = query::select(&q, &m.columns, &table, pg, None);
    out[0].name = "rowid".into();
    stream(p, sql, out, Format::Csv, format!("{hash}.csv"))
}
