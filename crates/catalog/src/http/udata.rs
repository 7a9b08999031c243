//! udata's API v1 (`/api/1/…`), wire-compatible for its clients (udata-dl, harvesters, scripts
//! written for data.gouv.fr): same paths with their trailing slash, same envelope and fields,
//! `X-API-KEY` authentication (the kernel reads it). Not in our OpenAPI: udata documents it.
use axum::extract::multipart::MultipartRejection;
use axum::extract::{Multipart, Path, RawQuery, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Json;
use platform::error::{ApiResult, AppError};
use platform::http::extract::{ApiJson, ViewerExt};
use platform::module::OpenApiRouter;
use platform::Platform;

use super::api::{self, organization_out, organization_page, parse_search, run_search};
use super::json;
use crate::domain::model::{DatasetInput, ResourceInput};
use crate::domain::{frequency, licence};
use crate::service;
use crate::social::{self, NewDiscussion, NewMessage, ReuseInput, ReusePatch};

/// Registers `path` with and without its trailing slash: udata answers both.
fn both(r: OpenApiRouter<Platform>, path: &str, m: axum::routing::MethodRouter<Platform>) -> OpenApiRouter<Platform> {
    let bare = path.trim_end_matches('/');
    r.route(path, m.clone()).route(bare, m)
}

pub fn router() -> OpenApiRouter<Platform> {
    let mut r = OpenApiRouter::new();
    r = both(r, "/api/1/datasets/", get(list).post(create));
    r = both(r, "/api/1/datasets/licenses/", get(licenses));
    r = both(r, "/api/1/datasets/frequencies/", get(frequencies));
    r = r.route("/api/1/datasets/r/{rid}", get(permanent));
    r = both(r, "/api/1/datasets/{id}/", get(show).put(update).delete(delete));
    r = both(r, "/api/1/datasets/{id}/resources/", get(resources).post(create_resource));
    r = both(r, "/api/1/datasets/{id}/upload/", post(upload));
    r = both(r, "/api/1/datasets/{id}/resources/{rid}/", get(resource).put(update_resource).delete(delete_resource));
    r = both(r, "/api/1/datasets/{id}/resources/{rid}/upload/", post(reupload));
    r = both(r, "/api/1/datasets/{id}/followers/", post(follow).delete(unfollow));
    r = both(r, "/api/1/datasets/badges/", get(badge_kinds));
    r = both(r, "/api/1/datasets/{id}/badges/", post(award_badge));
    r = both(r, "/api/1/datasets/{id}/badges/{kind}/", axum::routing::delete(remove_badge));
    r = both(r, "/api/1/organizations/", get(organizations));
    r = both(r, "/api/1/organizations/{id}/", get(organization));
    r = both(r, "/api/1/organizations/{id}/datasets/", get(org_datasets));
    r = both(r, "/api/1/reuses/", get(reuses).post(create_reuse));
    r = both(r, "/api/1/reuses/{id}/", get(reuse).put(update_reuse).delete(delete_reuse));
    r = both(r, "/api/1/discussions/", get(discussions).post(open_discussion));
    r = both(r, "/api/1/discussions/{id}/", get(discussion).post(reply));
    r = both(r, "/api/1/site/", get(site));
    r
}

async fn list(State(p): State<Platform>, ViewerExt(v): ViewerExt, RawQuery(raw): RawQuery) -> ApiResult<Response> {
    let mut q = parse_search(&p, raw.as_deref(), 1000).await?;
    // udata's v1 list has no facets; its search (v2) has.
    q.facets = false;
    let mut page = run_search(&p, &v, &q, "/api/1/datasets/", raw.as_deref()).await?;
    page.facets = None;
    Ok(Json(without_facets(page)).into_response())
}

fn without_facets(page: api::SearchPage) -> serde_json::Value {
    let mut v = serde_json::to_value(page).unwrap_or_default();
    if let Some(o) = v.as_object_mut() {
        o.remove("facets");
    }
    v
}

async fn create(State(p): State<Platform>, ViewerExt(v): ViewerExt, ApiJson(input): ApiJson<DatasetInput>) -> ApiResult<impl IntoResponse> {
    let d = service::create_dataset(&p, &v.principal, &v.actor(), &input).await?;
    Ok((StatusCode::CREATED, Json(api::one_dataset(&p, &v, &d.id).await?)))
}

async fn show(State(p): State<Platform>, ViewerExt(v): ViewerExt, Path(id): Path<String>) -> ApiResult<Json<json::DatasetOut>> {
    Ok(Json(api::one_dataset(&p, &v, &id).await?))
}

async fn update(State(p): State<Platform>, ViewerExt(v): ViewerExt, Path(id): Path<String>, ApiJson(input): ApiJson<DatasetInput>) -> ApiResult<Json<json::DatasetOut>> {
    let d = service::update_dataset(&p, &v.principal, &v.actor(), &id, &input).await?;
    Ok(Json(api::one_dataset(&p, &v, &d.id).await?))
}

async fn delete(State(p): State<Platform>, ViewerExt(v): ViewerExt, Path(id): Path<String>) -> ApiResult<StatusCode> {
    service::delete_dataset(&p, &v.principal, &v.actor(), &id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// udata's permanent resource URL: a redirect to the current file, whatever replaced it.
async fn permanent(State(p): State<Platform>, ViewerExt(v): ViewerExt, Path(rid): Path<String>) -> ApiResult<Response> {
    let r = crate::store::get_resource(p.db.pool(), &rid).await?.ok_or_else(AppError::not_found)?;
    service::visible_dataset(&p, &v.principal, &r.dataset_id).await?;
    Ok(Redirect::to(&json::absolute(&p, &r.url)).into_response())
}

async fn resources(State(p): State<Platform>, ViewerExt(v): ViewerExt, Path(id): Path<String>) -> ApiResult<Json<Vec<json::ResourceOut>>> {
    let d = service::visible_dataset(&p, &v.principal, &id).await?;
    Ok(Json(d.resources.iter().map(|r| json::resource_out(&p, r)).collect()))
}

async fn resource(State(p): State<Platform>, ViewerExt(v): ViewerExt, Path((id, rid)): Path<(String, String)>) -> ApiResult<Json<json::ResourceOut>> {
    let d = service::visible_dataset(&p, &v.principal, &id).await?;
    let r = d.resources.iter().find(|r| r.id == rid).ok_or_else(AppError::not_found)?;
    Ok(Json(json::resource_out(&p, r)))
}

async fn create_resource(State(p): State<Platform>, ViewerExt(v): ViewerExt, Path(id): Path<String>, ApiJson(input): ApiJson<ResourceInput>) -> ApiResult<impl IntoResponse> {
    let r = service::create_resource(&p, &v.principal, &v.actor(), &id, &input, None).await?;
    Ok((StatusCode::CREATED, Json(json::resource_out(&p, &r))))
}

async fn upload(State(p): State<Platform>, ViewerExt(v): ViewerExt, Path(id): Path<String>, form: Result<Multipart, MultipartRejection>) -> ApiResult<impl IntoResponse> {
    let d = service::visible_dataset(&p, &v.principal, &id).await?;
    v.principal.authorize(platform::access::Action::Update, &service::dataset_target(&d))?;
    let (input, upload) = api::read_upload(form).await?;
    let r = service::create_resource(&p, &v.principal, &v.actor(), &id, &input, Some(upload)).await?;
    Ok((StatusCode::CREATED, Json(json::resource_out(&p, &r))))
}

async fn reupload(State(p): State<Platform>, ViewerExt(v): ViewerExt, Path((id, rid)): Path<(String, String)>, form: Result<Multipart, MultipartRejection>) -> ApiResult<Json<json::ResourceOut>> {
    let d = service::visible_dataset(&p, &v.principal, &id).await?;
    v.principal.authorize(platform::access::Action::Update, &service::dataset_target(&d))?;
    let (input, upload) = api::read_upload(form).await?;
    let r = service::update_resource(&p, &v.principal, &v.actor(), &id, &rid, &input, Some(upload)).await?;
    Ok(Json(json::resource_out(&p, &r)))
}

async fn update_resource(State(p): State<Platform>, ViewerExt(v): ViewerExt, Path((id, rid)): Path<(String, String)>, ApiJson(input): ApiJson<ResourceInput>) -> ApiResult<Json<json::ResourceOut>> {
    let r = service::update_resource(&p, &v.principal, &v.actor(), &id, &rid, &input, None).await?;
    Ok(Json(json::resource_out(&p, &r)))
}

async fn delete_resource(State(p): State<Platform>, ViewerExt(v): ViewerExt, Path((id, rid)): Path<(String, String)>) -> ApiResult<StatusCode> {
    service::delete_resource(&p, &v.principal, &v.actor(), &id, &rid).await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn follow(State(p): State<Platform>, ViewerExt(v): ViewerExt, Path(id): Path<String>) -> ApiResult<Json<serde_json::Value>> {
    let n = social::follow(&p, &v.principal, &v.actor(), &id, true).await?;
    Ok(Json(serde_json::json!({ "followers": n })))
}

async fn unfollow(State(p): State<Platform>, ViewerExt(v): ViewerExt, Path(id): Path<String>) -> ApiResult<Json<serde_json::Value>> {
    let n = social::follow(&p, &v.principal, &v.actor(), &id, false).await?;
    Ok(Json(serde_json::json!({ "followers": n })))
}

/// udata answers a map of kind → label (in the request's language).
async fn badge_kinds(ViewerExt(v): ViewerExt) -> Json<serde_json::Map<String, serde_json::Value>> {
    let french = v.locale == platform::i18n::Locale::Fr;
    Json(crate::domain::badges::KINDS.iter().map(|(k, fr, en)| (k.to_string(), serde_json::Value::from(if french { *fr } else { *en }))).collect())
}

async fn award_badge(State(p): State<Platform>, ViewerExt(v): ViewerExt, Path(id): Path<String>, ApiJson(input): ApiJson<api::BadgeIn>) -> ApiResult<impl IntoResponse> {
    let kind = api::badge_kind(&input.kind)?;
    service::set_badge(&p, &v.principal, &v.actor(), &id, kind, true).await?;
    Ok((StatusCode::CREATED, Json(serde_json::json!({ "kind": kind.as_str() }))))
}

async fn remove_badge(State(p): State<Platform>, ViewerExt(v): ViewerExt, Path((id, kind)): Path<(String, String)>) -> ApiResult<StatusCode> {
    let kind = api::badge_kind(&kind)?;
    service::set_badge(&p, &v.principal, &v.actor(), &id, kind, false).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(serde::Deserialize)]
struct PageParams {
    page: Option<i64>,
    page_size: Option<i64>,
}

fn page_of(q: &PageParams) -> Result<(i64, i64), AppError> {
    platform::http::PageQuery { page: q.page, page_size: q.page_size }.resolve()
}

async fn organizations(State(p): State<Platform>, platform::http::extract::ApiQuery(q): platform::http::extract::ApiQuery<PageParams>) -> ApiResult<Response> {
    let (page, size) = page_of(&q)?;
    Ok(Json(organization_page(&p, page, size, "/api/1/organizations/").await?).into_response())
}

async fn organization(State(p): State<Platform>, Path(id): Path<String>) -> ApiResult<Response> {
    Ok(Json(organization_out(&p, &id).await?).into_response())
}

async fn org_datasets(State(p): State<Platform>, ViewerExt(v): ViewerExt, Path(id): Path<String>, RawQuery(raw): RawQuery) -> ApiResult<Response> {
    let org = organization_out(&p, &id).await?;
    let mut q = parse_search(&p, raw.as_deref(), 1000).await?;
    q.organization = org.org.id.parse().ok();
    q.facets = false;
    let path = format!("/api/1/organizations/{id}/datasets/");
    Ok(Json(without_facets(run_search(&p, &v, &q, &path, raw.as_deref()).await?)).into_response())
}

#[derive(serde::Deserialize)]
struct ReuseParams {
    dataset: Option<String>,
    page: Option<i64>,
    page_size: Option<i64>,
}

async fn reuses(State(p): State<Platform>, ViewerExt(v): ViewerExt, platform::http::extract::ApiQuery(q): platform::http::extract::ApiQuery<ReuseParams>) -> ApiResult<Response> {
    let (page, size) = page_of(&PageParams { page: q.page, page_size: q.page_size })?;
    let (items, total) = social::reuses(&p, &v.principal, q.dataset.as_deref(), size, (page - 1) * size).await?;
    Ok(Json(platform::http::Page::new(items, page, size, total, "/api/1/reuses/")).into_response())
}

async fn create_reuse(State(p): State<Platform>, ViewerExt(v): ViewerExt, ApiJson(input): ApiJson<ReuseInput>) -> ApiResult<impl IntoResponse> {
    Ok((StatusCode::CREATED, Json(social::create_reuse(&p, &v.principal, &v.actor(), &input).await?)))
}

async fn reuse(State(p): State<Platform>, ViewerExt(v): ViewerExt, Path(id): Path<String>) -> ApiResult<Response> {
    Ok(Json(social::reuse(&p, &v.principal, &id).await?).into_response())
}

async fn update_reuse(State(p): State<Platform>, ViewerExt(v): ViewerExt, Path(id): Path<String>, ApiJson(patch): ApiJson<ReusePatch>) -> ApiResult<Response> {
    Ok(Json(social::update_reuse(&p, &v.principal, &v.actor(), &id, &patch).await?).into_response())
}

async fn delete_reuse(State(p): State<Platform>, ViewerExt(v): ViewerExt, Path(id): Path<String>) -> ApiResult<StatusCode> {
    social::delete_reuse(&p, &v.principal, &v.actor(), &id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(serde::Deserialize)]
struct DiscussionParams {
    /// udata's parameter naming the subject (a dataset id).
    #[serde(rename = "for")]
    for_: Option<String>,
}

async fn discussions(State(p): State<Platform>, ViewerExt(v): ViewerExt, platform::http::extract::ApiQuery(q): platform::http::extract::ApiQuery<DiscussionParams>) -> ApiResult<Response> {
    let subject = q.for_.ok_or_else(|| AppError::invalid(vec![platform::error::FieldError::new("for", "required")]))?;
    let items = social::discussions(&p, &v.principal, &subject).await?;
    let total = items.len() as i64;
    Ok(Json(platform::http::Page::new(items, 1, total.max(1), total, "/api/1/discussions/")).into_response())
}

/// udata's body: `{"title", "comment", "subject": {"class": "Dataset", "id": …}}`.
#[derive(serde::Deserialize)]
struct UdataDiscussion {
    title: String,
    comment: String,
    subject: Subject,
}

#[derive(serde::Deserialize)]
struct Subject {
    id: String,
}

async fn open_discussion(State(p): State<Platform>, ViewerExt(v): ViewerExt, ApiJson(input): ApiJson<UdataDiscussion>) -> ApiResult<impl IntoResponse> {
    let d = social::open(&p, &v.principal, &v.actor(), &input.subject.id, &NewDiscussion { title: input.title, comment: input.comment }).await?;
    Ok((StatusCode::CREATED, Json(d)))
}

async fn discussion(State(p): State<Platform>, ViewerExt(v): ViewerExt, Path(id): Path<String>) -> ApiResult<Response> {
    Ok(Json(social::get(&p, &v.principal, &id).await?).into_response())
}

async fn reply(State(p): State<Platform>, ViewerExt(v): ViewerExt, Path(id): Path<String>, ApiJson(input): ApiJson<NewMessage>) -> ApiResult<Response> {
    Ok(Json(social::reply(&p, &v.principal, &v.actor(), &id, &input).await?).into_response())
}

async fn licenses() -> Json<serde_json::Value> {
    Json(serde_json::Value::Array(
        licence::LICENCES.iter().map(|l| serde_json::json!({ "id": l.id, "title": l.title, "url": l.url, "flags": if l.open { vec!["open"] } else { vec![] } })).collect(),
    ))
}

async fn frequencies() -> Json<serde_json::Value> {
    Json(serde_json::Value::Array(frequency::FREQUENCIES.iter().map(|f| serde_json::json!({ "id": f.id, "label": f.label_en })).collect()))
}

async fn site(State(p): State<Platform>) -> ApiResult<Response> {
    let datasets: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM catalog_datasets WHERE public = TRUE").fetch_one(p.db.pool()).await?;
    let resources: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM catalog_resources r JOIN catalog_datasets d ON d.id = r.dataset_id WHERE d.public = TRUE").fetch_one(p.db.pool()).await?;
    let orgs: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM organisations").fetch_one(p.db.pool()).await?;
    let reuses: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM catalog_reuses WHERE public = TRUE").fetch_one(p.db.pool()).await?;
    Ok((
        [(header::CONTENT_TYPE, "application/json")],
        Json(serde_json::json!({
            "id": "communs",
            "title": "Communs",
            "metrics": { "datasets": datasets, "resources": resources, "organizations": orgs, "reuses": reuses },
        })),
    )
        .into_response())
}
