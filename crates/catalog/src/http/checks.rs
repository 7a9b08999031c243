//! The link checker over HTTP: our API (check a resource now, check history by resource or by
//! URL) and croquemort's API (`/check/one`, `/check/many`, `/url`, `/group`), kept for its
//! clients, as plain routes outside our OpenAPI document.
use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::routing::{get, post};
use axum::Json;
use platform::access::Action;
use platform::error::{ApiResult, AppError, FieldError, Problem};
use platform::http::extract::{ApiPath, ApiQuery, ViewerExt};
use platform::http::{Page, Viewer};
use platform::Platform;
use serde::Deserialize;
use serde_json::{json, Value};
use utoipa::IntoParams;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::linkcheck::rules::{self, CheckUrl};
use crate::linkcheck::{self, store, CheckConfig, CheckRecord};
use crate::service;

pub fn router() -> OpenApiRouter<Platform> {
    OpenApiRouter::new()
        .routes(routes!(check_resource))
        .routes(routes!(resource_checks))
        .routes(routes!(url_checks))
        .route("/check/one", post(croquemort_check_one))
        .route("/check/many", post(croquemort_check_many))
        .route("/url", get(croquemort_url))
        .route("/url/{hash}", get(croquemort_url_hash))
        .route("/group", get(croquemort_group))
        .route("/group/{hash}", get(croquemort_group_hash))
}

fn url_error(field: &str, e: rules::UrlError) -> AppError {
    AppError::invalid(vec![FieldError::new(field, e.code())])
}

async fn remote_resource(p: &Platform, v: &Viewer, rid: &str) -> Result<(crate::domain::model::Resource, crate::domain::model::Dataset), AppError> {
    let r = crate::store::get_resource(p.db.pool(), rid).await?.ok_or_else(AppError::not_found)?;
    let d = service::visible_dataset(p, &v.principal, &r.dataset_id).await?;
    Ok((r, d))
}

/// Checks a remote resource's URL now (HEAD, GET fallback, redirects followed) and updates
/// the `check:*` extras of every resource with that URL. Needs the right to edit the dataset.
#[utoipa::path(post, path = "/api/v1/catalog/resources/{rid}/check", tag = "catalog", params(("rid" = String, Path)),
    responses((status = 200, body = CheckRecord), (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
async fn check_resource(State(p): State<Platform>, ViewerExt(v): ViewerExt, ApiPath(rid): ApiPath<String>) -> ApiResult<Json<CheckRecord>> {
    let (r, d) = remote_resource(&p, &v, &rid).await?;
    v.principal.authorize(Action::Update, &service::dataset_target(&d))?;
    if r.filetype != "remote" {
        return Err(AppError::conflict("not_remote", "only remote resources are checked; uploaded files are served by the catalog itself"));
    }
    if d.deleted_at.is_some() {
        return Err(AppError::conflict("dataset_deleted", "this dataset is deleted"));
    }
    let url = CheckUrl::parse(&r.url).map_err(|e| url_error("url", e))?;
    let cfg = CheckConfig::from_env();
    Ok(Json(linkcheck::check_now(&p, &cfg, &url, std::slice::from_ref(&r.url)).await?))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct HistoryQuery {
    #[param(minimum = 1)]
    pub page: Option<i64>,
    #[param(minimum = 1, maximum = 100)]
    pub page_size: Option<i64>,
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct UrlHistoryQuery {
    /// The checked URL (any spelling: it is normalised).
    pub url: String,
    #[param(minimum = 1)]
    pub page: Option<i64>,
    #[param(minimum = 1, maximum = 100)]
    pub page_size: Option<i64>,
}

fn page_of(items: Vec<CheckRecord>, page: i64, size: i64, total: i64, base: &str) -> Page<CheckRecord> {
    let sep = if base.contains('?') { '&' } else { '?' };
    let link = |n: i64| format!("{base}{sep}page={n}&page_size={size}");
    Page { next_page: (page * size < total).then(|| link(page + 1)), previous_page: (page > 1).then(|| link(page - 1)), data: items, page, page_size: size, total }
}

/// History of the checks of a resource's URL, newest first.
#[utoipa::path(get, path = "/api/v1/catalog/resources/{rid}/checks", tag = "catalog", params(("rid" = String, Path), HistoryQuery),
    responses((status = 200, body = Page<CheckRecord>), (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
async fn resource_checks(State(p): State<Platform>, ViewerExt(v): ViewerExt, ApiPath(rid): ApiPath<String>, ApiQuery(q): ApiQuery<HistoryQuery>) -> ApiResult<Json<Page<CheckRecord>>> {
    let (page, size) = platform::http::PageQuery { page: q.page, page_size: q.page_size }.resolve()?;
    let (r, _) = remote_resource(&p, &v, &rid).await?;
    let base = format!("/api/v1/catalog/resources/{rid}/checks");
    let Ok(url) = CheckUrl::parse(&r.url) else { return Ok(Json(page_of(Vec::new(), page, size, 0, &base))) };
    let (items, total) = store::history(p.db.pool(), url.as_str(), page, size).await?;
    Ok(Json(page_of(items, page, size, total, &base)))
}

/// History of the checks of a URL, newest first.
#[utoipa::path(get, path = "/api/v1/catalog/checks", tag = "catalog", params(UrlHistoryQuery),
    responses((status = 200, body = Page<CheckRecord>), (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
async fn url_checks(State(p): State<Platform>, ViewerExt(v): ViewerExt, ApiQuery(q): ApiQuery<UrlHistoryQuery>) -> ApiResult<Json<Page<CheckRecord>>> {
    let (page, size) = platform::http::PageQuery { page: q.page, page_size: q.page_size }.resolve()?;
    let url = CheckUrl::parse(&q.url).map_err(|e| url_error("url", e))?;
    // A URL only used by resources of datasets the viewer cannot read stays unknown to them: its
    // history would tell that the private dataset exists and what it links to.
    let datasets: Vec<String> = sqlx::query_scalar("SELECT DISTINCT dataset_id FROM catalog_resources WHERE url = $1 OR url = $2")
        .bind(&q.url)
        .bind(url.as_str())
        .fetch_all(p.db.pool())
        .await?;
    if !datasets.is_empty() {
        let mut readable = false;
        for d in &datasets {
            if crate::service::visible_dataset(&p, &v.principal, d).await.is_ok() {
                readable = true;
                break;
            }
        }
        if !readable {
            return Err(AppError::not_found());
        }
    }
    let (items, total) = store::history(p.db.pool(), url.as_str(), page, size).await?;
    let base = format!("/api/v1/catalog/checks?{}", serde_urlencoded::to_string([("url", url.as_str())]).unwrap_or_default());
    Ok(Json(page_of(items, page, size, total, &base)))
}

/// croquemort's clients (udata's backend among them) post JSON without a content type.
fn body_json(body: &Bytes) -> Result<Value, AppError> {
    serde_json::from_slice(body).map_err(|e| AppError::bad_request("invalid_json", e.to_string()))
}

fn str_field<'a>(v: &'a Value, k: &str) -> Result<Option<&'a str>, AppError> {
    match v.get(k) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.as_str())),
        Some(_) => Err(AppError::invalid(vec![FieldError::new(k, "not_a_string")])),
    }
}

/// A URL croquemort's API may check: http(s); the address rules apply when connecting.
fn parse_check_url(field: &str, raw: &str) -> Result<CheckUrl, AppError> {
    CheckUrl::parse(raw).map_err(|e| url_error(field, e))
}

fn checked_frequency(v: &Value) -> Result<Option<&str>, AppError> {
    match str_field(v, "frequency")? {
        Some(f) if rules::frequency_ms(f).is_none() => Err(AppError::invalid(vec![FieldError::new("frequency", "unknown_frequency")])),
        f => Ok(f),
    }
}

fn callback(v: &Value) -> Result<Option<String>, AppError> {
    Ok(match str_field(v, "callback_url")? {
        Some(c) => Some(parse_check_url("callback_url", c)?.to_string()),
        None => None,
    })
}

/// `POST /check/one {url, group?, frequency?, callback_url?}` → `{"url-hash": "u:…"}`.
async fn croquemort_check_one(State(p): State<Platform>, ViewerExt(v): ViewerExt, body: Bytes) -> ApiResult<Json<Value>> {
    v.require_user()?;
    let b = body_json(&body)?;
    let raw = str_field(&b, "url")?.ok_or_else(|| AppError::invalid(vec![FieldError::new("url", "required")]))?;
    let url = parse_check_url("url", raw)?;
    let group = str_field(&b, "group")?;
    linkcheck::register_urls(&p, std::slice::from_ref(&url), group, checked_frequency(&b)?, callback(&b)?.as_deref()).await?;
    Ok(Json(json!({ "url-hash": url.hash() })))
}

/// Most URLs one `POST /check/many` may register.
const MAX_MANY: usize = 1000;

/// `POST /check/many {urls: [...], group, frequency?, callback_url?}` → `{"group-hash": "g:…"}`.
async fn croquemort_check_many(State(p): State<Platform>, ViewerExt(v): ViewerExt, body: Bytes) -> ApiResult<Json<Value>> {
    v.require_user()?;
    let b = body_json(&body)?;
    let group = str_field(&b, "group")?.filter(|g| !g.trim().is_empty()).ok_or_else(|| AppError::invalid(vec![FieldError::new("group", "required")]))?;
    let list = b.get("urls").and_then(Value::as_array).ok_or_else(|| AppError::invalid(vec![FieldError::new("urls", "required")]))?;
    if list.is_empty() || list.len() > MAX_MANY {
        return Err(AppError::invalid(vec![FieldError::new("urls", "out_of_range")]));
    }
    let mut urls = Vec::new();
    for (i, u) in list.iter().enumerate() {
        let field = format!("urls[{i}]");
        let raw = u.as_str().ok_or_else(|| AppError::invalid(vec![FieldError::new(field.clone(), "not_a_string")]))?;
        urls.push(CheckUrl::parse(raw).map_err(|e| AppError::invalid(vec![FieldError::new(field, e.code())]))?);
    }
    linkcheck::register_urls(&p, &urls, Some(group), checked_frequency(&b)?, callback(&b)?.as_deref()).await?;
    Ok(Json(json!({ "group-hash": rules::group_hash(group) })))
}

async fn info(p: &Platform, c: &CheckRecord) -> Result<Value, AppError> {
    let mut conn = p.db.pool().acquire().await?;
    let state = store::get_state(&mut conn, &c.url).await?;
    let group = store::group_of(&mut conn, &c.url).await?;
    Ok(linkcheck::croquemort_info(c, state.as_ref().and_then(|s| s.frequency.as_deref()), group.as_deref()))
}

fn url_not_found() -> AppError {
    AppError::new(axum::http::StatusCode::NOT_FOUND, "url_not_checked", "this URL has not been checked")
}

/// `GET /url/{hash}`: the latest check of the URL with this croquemort hash.
async fn croquemort_url_hash(State(p): State<Platform>, ApiPath(hash): ApiPath<String>) -> ApiResult<Json<Value>> {
    if !rules::is_hash('u', &hash) {
        return Err(url_not_found());
    }
    let c = store::latest_by_hash(p.db.pool(), &hash).await?.ok_or_else(url_not_found)?;
    Ok(Json(info(&p, &c).await?))
}

/// `GET /url?url=`: the latest check of a URL. For a signed-in caller, a URL not checked in the
/// last 10 minutes is queued for a check too (croquemort re-queued for anyone; anonymous
/// requests do not make the server fetch anything).
async fn croquemort_url(State(p): State<Platform>, ViewerExt(v): ViewerExt, RawQuery(q): RawQuery) -> ApiResult<Json<Value>> {
    let pairs: Vec<(String, String)> = serde_urlencoded::from_str(q.as_deref().unwrap_or("")).map_err(|_| AppError::bad_request("invalid_query", "malformed query string"))?;
    let raw = pairs.iter().find(|(k, _)| k == "url").map(|(_, v)| v.as_str()).ok_or_else(|| AppError::invalid(vec![FieldError::new("url", "required")]))?;
    let url = parse_check_url("url", raw)?;
    let latest = {
        let mut conn = p.db.pool().acquire().await?;
        store::latest(&mut conn, url.as_str()).await?
    };
    let stale = latest.as_ref().is_none_or(|c| c.checked_at_ms + linkcheck::MIN_RECHECK_MS <= p.now());
    if stale && v.user.is_some() {
        let group = pairs.iter().find(|(k, _)| k == "group").map(|(_, v)| v.as_str());
        linkcheck::register_urls(&p, std::slice::from_ref(&url), group, None, None).await?;
    }
    let c = latest.ok_or_else(url_not_found)?;
    Ok(Json(info(&p, &c).await?))
}

/// croquemort's `filter_<field>=` / `exclude_<field>=` on a group's URLs.
fn keep(info: &Value, filters: &[(String, String)]) -> bool {
    filters.iter().all(|(k, want)| {
        let (field, include) = match (k.strip_prefix("filter_"), k.strip_prefix("exclude_")) {
            (Some(f), _) => (f, true),
            (_, Some(f)) => (f, false),
            _ => return true,
        };
        let has = info.get(field).and_then(Value::as_str) == Some(want.as_str());
        has == include
    })
}

async fn group_response(p: &Platform, hash: &str, filters: &[(String, String)]) -> ApiResult<Json<Value>> {
    let not_found = || AppError::new(axum::http::StatusCode::NOT_FOUND, "group_not_found", "no such group");
    if !rules::is_hash('g', hash) {
        return Err(not_found());
    }
    let (name, urls) = store::group(p.db.pool(), hash).await?.ok_or_else(not_found)?;
    let mut out = Vec::new();
    let mut conn = p.db.pool().acquire().await?;
    for u in urls {
        let Some(c) = store::latest(&mut conn, &u).await? else { continue };
        let state = store::get_state(&mut conn, &u).await?;
        let i = linkcheck::croquemort_info(&c, state.as_ref().and_then(|s| s.frequency.as_deref()), Some(&name));
        if keep(&i, filters) {
            out.push(i);
        }
    }
    Ok(Json(json!({ "name": name, "urls": out })))
}

fn query_pairs(q: Option<&str>) -> Result<Vec<(String, String)>, AppError> {
    serde_urlencoded::from_str(q.unwrap_or("")).map_err(|_| AppError::bad_request("invalid_query", "malformed query string"))
}

/// `GET /group/{hash}` → `{"name": …, "urls": [croquemort URL infos]}`.
async fn croquemort_group_hash(State(p): State<Platform>, ApiPath(hash): ApiPath<String>, RawQuery(q): RawQuery) -> ApiResult<Json<Value>> {
    let filters = query_pairs(q.as_deref())?;
    group_response(&p, &hash, &filters).await
}

/// `GET /group?group=name`.
async fn croquemort_group(State(p): State<Platform>, RawQuery(q): RawQuery) -> ApiResult<Json<Value>> {
    let filters = query_pairs(q.as_deref())?;
    let name = filters.iter().find(|(k, _)| k == "group").map(|(_, v)| v.clone()).ok_or_else(|| AppError::invalid(vec![FieldError::new("group", "required")]))?;
    group_response(&p, &rules::group_hash(&name), &filters).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn croquemort_filters() {
        let i = json!({ "final-status-code": "404", "content-type": "text/csv" });
        let f = |k: &str, v: &str| vec![(k.to_string(), v.to_string())];
        assert!(keep(&i, &f("filter_final-status-code", "404")));
        assert!(!keep(&i, &f("filter_final-status-code", "200")));
        assert!(!keep(&i, &f("exclude_content-type", "text/csv")));
        assert!(keep(&i, &f("exclude_content-type", "text/html")));
        assert!(keep(&i, &f("group", "x")));
    }
}
