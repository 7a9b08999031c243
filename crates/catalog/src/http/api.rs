//! Our JSON API under `/api/v1/catalog`: datasets (search with facets), resources (remote and
//! uploaded), quality, activity, discussions, reuses, follows, organisations, vocabularies.
use axum::extract::multipart::MultipartRejection;
use axum::extract::{Multipart, RawQuery, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::Json;
use platform::error::{ApiResult, AppError, FieldError, Problem};
use platform::http::extract::{ApiJson, ApiPath, ViewerExt};
use platform::http::Page;
use platform::Platform;
use serde::{Deserialize, Serialize};
use sqlx::Row;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::json::{self, DatasetOut, OrgRef, ResourceOut};
use crate::domain::model::{DatasetInput, ResourceInput};
use crate::domain::badges::{self, BadgeKind};
use crate::domain::{frequency, licence, quality, zones};
use crate::service::{self, Upload};
use crate::social::{self, Discussion, NewDiscussion, NewMessage, Reuse, ReuseInput, ReusePatch};
use crate::store::search::{self, DatasetQuery, FacetItem, Facets};

pub fn router() -> OpenApiRouter<Platform> {
    OpenApiRouter::new()
        .routes(routes!(list_datasets, create_dataset))
        .routes(routes!(get_dataset, update_dataset, delete_dataset))
        .routes(routes!(dataset_quality))
        .routes(routes!(award_badge))
        .routes(routes!(remove_badge))
        .routes(routes!(badge_kinds))
        .routes(routes!(dataset_activity))
        .routes(routes!(create_resource))
        .routes(routes!(upload_resource))
        .routes(routes!(update_resource, delete_resource))
        .routes(routes!(get_resource))
        .routes(routes!(list_discussions, open_discussion))
        .routes(routes!(get_discussion, reply_discussion))
        .routes(routes!(moderate_message))
        .routes(routes!(follow, unfollow))
        .routes(routes!(list_reuses, create_reuse))
        .routes(routes!(get_reuse, update_reuse, delete_reuse))
        .routes(routes!(organizations))
        .routes(routes!(organization))
        .routes(routes!(licenses))
        .routes(routes!(frequencies))
        .routes(routes!(zone_suggest))
}

/// Query parameters of the dataset search (documentation; parsed by [`parse_search`], which
/// also accepts repeated `tag`).
#[allow(dead_code)]
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SearchParams {
    /// Words to find in titles, acronyms, descriptions, tags and organisation names (accents ignored).
    q: Option<String>,
    /// Keyword; repeat for datasets having all of them.
    tag: Option<String>,
    /// Organisation id or slug.
    organization: Option<String>,
    /// Licence id, see `/api/v1/catalog/licenses`.
    license: Option<String>,
    /// Resource format, e.g. `csv`.
    format: Option<String>,
    /// Update frequency id, see `/api/v1/catalog/frequencies`.
    frequency: Option<String>,
    /// Zone id, e.g. `fr:departement:29`.
    geozone: Option<String>,
    granularity: Option<String>,
    badge: Option<String>,
    featured: Option<bool>,
    /// `true`: archived only; `false`: without archived.
    archived: Option<bool>,
    /// `title`, `created`, `last_update`, `reuses`, `followers`, `quality`; prefix `-` for descending.
    sort: Option<String>,
    #[param(minimum = 1)]
    page: Option<i64>,
    #[param(minimum = 1, maximum = 100)]
    page_size: Option<i64>,
}

fn bad(field: &str, code: &str) -> AppError {
    AppError::invalid(vec![FieldError::new(field, code)])
}

/// Parses the search query string; `max_size` is 100 on our API, 1000 on udata's.
pub async fn parse_search(p: &Platform, raw: Option<&str>, max_size: i64) -> Result<DatasetQuery, AppError> {
    let mut q = DatasetQuery { page: 1, page_size: 20, facets: true, ..Default::default() };
    let pairs: Vec<(String, String)> = serde_urlencoded::from_str(raw.unwrap_or("")).map_err(|_| AppError::bad_request("invalid_query", "malformed query string"))?;
    let mut errors = Vec::new();
    for (k, v) in pairs {
        if v.contains('\0') {
            return Err(AppError::bad_request("invalid_query", "query parameters may not contain the NUL character"));
        }
        let v = v.trim().to_string();
        match k.as_str() {
            "q" => q.q = Some(v).filter(|s| !s.is_empty()),
            "tag" => q.tags.push(crate::domain::model::slugify(&v)),
            "organization" => match service::resolve_org(p, &serde_json::Value::String(v)).await {
                Ok(o) => q.organization = o,
                Err(_) => errors.push(FieldError::new("organization", "unknown_organization")),
            },
            "license" => q.license = Some(v),
            "format" => q.format = Some(v.to_lowercase()),
            "frequency" => q.frequency = Some(v),
            "geozone" | "zone" => q.zone = Some(v),
            "granularity" => q.granularity = Some(v),
            "badge" => q.badge = Some(v),
            "featured" | "archived" => {
                let b = match v.as_str() {
                    "true" | "1" => Some(true),
                    "false" | "0" => Some(false),
                    _ => {
                        errors.push(FieldError::new(k.clone(), "invalid_boolean"));
                        None
                    }
                };
                if k == "featured" {
                    q.featured = b;
                } else {
                    q.archived = b;
                }
            }
            "sort" => {
                if search::valid_sort(&v) {
                    q.sort = Some(v);
                } else {
                    errors.push(FieldError::new("sort", "unknown_sort"));
                }
            }
            "page" => match v.parse::<i64>() {
                Ok(n) if (1..=1_000_000).contains(&n) => q.page = n,
                _ => errors.push(FieldError::new("page", "out_of_range")),
            },
            "page_size" => match v.parse::<i64>() {
                Ok(n) if (1..=max_size).contains(&n) => q.page_size = n,
                _ => errors.push(FieldError::new("page_size", "out_of_range")),
            },
            // udata clients send these; they change nothing here.
            "facets" | "_" => {}
            _ => errors.push(FieldError::new(k.clone(), "unknown_parameter")),
        }
    }
    if errors.is_empty() {
        Ok(q)
    } else {
        Err(AppError::invalid(errors))
    }
}

/// Page links keep every filter and change only `page`.
pub fn page_link(path: &str, raw: Option<&str>, page: i64) -> String {
    let pairs: Vec<(String, String)> = serde_urlencoded::from_str(raw.unwrap_or("")).unwrap_or_default();
    let mut kept: Vec<(String, String)> = pairs.into_iter().filter(|(k, _)| k != "page").collect();
    kept.push(("page".into(), page.to_string()));
    format!("{path}?{}", serde_urlencoded::to_string(&kept).unwrap_or_default())
}

#[derive(Serialize, ToSchema)]
pub struct SearchPage {
    pub data: Vec<DatasetOut>,
    pub page: i64,
    pub page_size: i64,
    pub total: i64,
    pub next_page: Option<String>,
    pub previous_page: Option<String>,
    pub facets: Option<Facets>,
}

/// Runs a search for the viewer and shapes the page (organisation facet named by slug).
pub async fn run_search(p: &Platform, v: &platform::http::Viewer, q: &DatasetQuery, path: &str, raw: Option<&str>) -> Result<SearchPage, AppError> {
    let filter = v.principal.read_filter(service::MODULE, "dataset");
    let res = search::search(&p.db, q, &filter).await?;
    let ctx = json::context(p, &res.datasets).await?;
    let mut facets = res.facets;
    if let Some(f) = facets.as_mut() {
        let ids: Vec<i64> = f.organization.iter().filter_map(|i| i.name.parse().ok()).collect();
        if !ids.is_empty() {
            let list: Vec<String> = ids.iter().map(|i| i.to_string()).collect();
            let slugs: std::collections::HashMap<i64, String> = sqlx::query(&format!("SELECT id, slug FROM organisations WHERE id IN ({})", list.join(",")))
                .fetch_all(p.db.pool())
                .await?
                .iter()
                .map(|r| (r.get::<i64, _>(0), r.get::<String, _>(1)))
                .collect();
            for item in f.organization.iter_mut() {
                if let Some(slug) = item.name.parse::<i64>().ok().and_then(|id| slugs.get(&id)) {
                    item.name = slug.clone();
                }
            }
        }
    }
    let base = json::base(p);
    Ok(SearchPage {
        data: res.datasets.iter().map(|d| json::dataset_out(p, &ctx, d)).collect(),
        page: q.page,
        page_size: q.page_size,
        total: res.total,
        next_page: (q.page * q.page_size < res.total).then(|| format!("{base}{}", page_link(path, raw, q.page + 1))),
        previous_page: (q.page > 1).then(|| format!("{base}{}", page_link(path, raw, q.page - 1))),
        facets,
    })
}

/// Searches datasets, with facets (tag, organisation, licence, format, frequency, zone) and exact counts.
#[utoipa::path(get, path = "/api/v1/catalog/datasets", tag = "catalog", params(SearchParams),
    responses((status = 200, body = SearchPage), (status = 422, body = Problem, content_type = "application/problem+json")))]
async fn list_datasets(State(p): State<Platform>, ViewerExt(v): ViewerExt, RawQuery(raw): RawQuery) -> ApiResult<Json<SearchPage>> {
    let q = parse_search(&p, raw.as_deref(), 100).await?;
    Ok(Json(run_search(&p, &v, &q, "/api/v1/catalog/datasets", raw.as_deref()).await?))
}

pub async fn one_dataset(p: &Platform, v: &platform::http::Viewer, id: &str) -> Result<DatasetOut, AppError> {
    let d = service::visible_dataset(p, &v.principal, id).await?;
    let ctx = json::context(p, std::slice::from_ref(&d)).await?;
    Ok(json::dataset_out(p, &ctx, &d))
}

/// Creates a dataset (public unless `private: true`), for yourself or an organisation you edit for.
#[utoipa::path(post, path = "/api/v1/catalog/datasets", tag = "catalog", request_body = DatasetInput,
    responses((status = 201, body = DatasetOut), (status = 401, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
async fn create_dataset(State(p): State<Platform>, ViewerExt(v): ViewerExt, ApiJson(input): ApiJson<DatasetInput>) -> ApiResult<impl IntoResponse> {
    let d = service::create_dataset(&p, &v.principal, &v.actor(), &input).await?;
    Ok((StatusCode::CREATED, Json(one_dataset(&p, &v, &d.id).await?)))
}

/// A dataset by id or slug, with its resources.
#[utoipa::path(get, path = "/api/v1/catalog/datasets/{id}", tag = "catalog", params(("id" = String, Path, description = "Id or slug")),
    responses((status = 200, body = DatasetOut), (status = 404, body = Problem, content_type = "application/problem+json")))]
async fn get_dataset(State(p): State<Platform>, ViewerExt(v): ViewerExt, ApiPath(id): ApiPath<String>) -> ApiResult<Json<DatasetOut>> {
    Ok(Json(one_dataset(&p, &v, &id).await?))
}

/// Updates the fields sent; the others keep their values.
#[utoipa::path(put, path = "/api/v1/catalog/datasets/{id}", tag = "catalog", params(("id" = String, Path)), request_body = DatasetInput,
    responses((status = 200, body = DatasetOut), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
async fn update_dataset(State(p): State<Platform>, ViewerExt(v): ViewerExt, ApiPath(id): ApiPath<String>, ApiJson(input): ApiJson<DatasetInput>) -> ApiResult<Json<DatasetOut>> {
    let d = service::update_dataset(&p, &v.principal, &v.actor(), &id, &input).await?;
    Ok(Json(one_dataset(&p, &v, &d.id).await?))
}

/// Marks the dataset deleted (kept for the record, hidden from everyone but administrators).
#[utoipa::path(delete, path = "/api/v1/catalog/datasets/{id}", tag = "catalog", params(("id" = String, Path)),
    responses((status = 204), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json")))]
async fn delete_dataset(State(p): State<Platform>, ViewerExt(v): ViewerExt, ApiPath(id): ApiPath<String>) -> ApiResult<StatusCode> {
    service::delete_dataset(&p, &v.principal, &v.actor(), &id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BadgeIn {
    /// One of `GET /api/v1/catalog/badges`.
    pub kind: String,
}

#[derive(Serialize, ToSchema)]
pub struct BadgeKindOut {
    pub kind: &'static str,
    pub label_fr: &'static str,
    pub label_en: &'static str,
}

pub fn badge_kind(raw: &str) -> ApiResult<BadgeKind> {
    BadgeKind::parse(raw).ok_or_else(|| AppError::invalid(vec![FieldError::new("kind", "unknown_badge")]))
}

/// Awards a badge to a dataset (platform administrators); the dataset's badges after it.
#[utoipa::path(post, path = "/api/v1/catalog/datasets/{id}/badges", tag = "catalog", params(("id" = String, Path)), request_body = BadgeIn,
    responses((status = 201, body = [json::Badge]), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
async fn award_badge(State(p): State<Platform>, ViewerExt(v): ViewerExt, ApiPath(id): ApiPath<String>, ApiJson(input): ApiJson<BadgeIn>) -> ApiResult<(StatusCode, Json<Vec<json::Badge>>)> {
    let kind = badge_kind(&input.kind)?;
    let d = service::set_badge(&p, &v.principal, &v.actor(), &id, kind, true).await?;
    Ok((StatusCode::CREATED, Json(d.badges.into_iter().map(|kind| json::Badge { kind }).collect())))
}

/// Removes a badge from a dataset (platform administrators).
#[utoipa::path(delete, path = "/api/v1/catalog/datasets/{id}/badges/{kind}", tag = "catalog", params(("id" = String, Path), ("kind" = String, Path)),
    responses((status = 204), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
async fn remove_badge(State(p): State<Platform>, ViewerExt(v): ViewerExt, ApiPath((id, kind)): ApiPath<(String, String)>) -> ApiResult<StatusCode> {
    let kind = badge_kind(&kind)?;
    service::set_badge(&p, &v.principal, &v.actor(), &id, kind, false).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The badge kinds administrators can award to datasets.
#[utoipa::path(get, path = "/api/v1/catalog/badges", tag = "catalog", responses((status = 200, body = [BadgeKindOut])))]
async fn badge_kinds() -> Json<Vec<BadgeKindOut>> {
    Json(badges::KINDS.iter().map(|(kind, fr, en)| BadgeKindOut { kind, label_fr: fr, label_en: en }).collect())
}

/// udata's quality criteria, each with the reason when its point is missing.
#[utoipa::path(get, path = "/api/v1/catalog/datasets/{id}/quality", tag = "catalog", params(("id" = String, Path)),
    responses((status = 200, body = quality::Quality), (status = 404, body = Problem, content_type = "application/problem+json")))]
async fn dataset_quality(State(p): State<Platform>, ViewerExt(v): ViewerExt, ApiPath(id): ApiPath<String>) -> ApiResult<Json<quality::Quality>> {
    let d = service::visible_dataset(&p, &v.principal, &id).await?;
    Ok(Json(quality::compute(&d, p.now())))
}

/// Activity of a dataset and its resources and discussions, newest first, from the audit log.
#[utoipa::path(get, path = "/api/v1/catalog/datasets/{id}/activity", tag = "catalog", params(("id" = String, Path)),
    responses((status = 200, body = [Activity]), (status = 404, body = Problem, content_type = "application/problem+json")))]
async fn dataset_activity(State(p): State<Platform>, ViewerExt(v): ViewerExt, ApiPath(id): ApiPath<String>) -> ApiResult<Json<Vec<Activity>>> {
    let d = service::visible_dataset(&p, &v.principal, &id).await?;
    Ok(Json(activity(&p, &d).await?))
}

#[derive(Serialize, ToSchema)]
pub struct Activity {
    pub at: String,
    pub actor: String,
    pub object_type: String,
    pub object_id: String,
    pub action: String,
}

/// The public activity feed: who did what, when; the before/after details stay in the admin audit.
pub async fn activity(p: &Platform, d: &crate::domain::model::Dataset) -> Result<Vec<Activity>, sqlx::Error> {
    let mut ids: Vec<String> = vec![d.id.clone()];
    ids.extend(d.resources.iter().map(|r| r.id.clone()));
    let disc: Vec<String> = sqlx::query_scalar("SELECT id FROM catalog_discussions WHERE dataset_id = $1").bind(&d.id).fetch_all(p.db.pool()).await?;
    ids.extend(disc);
    let ph: Vec<String> = (1..=ids.len()).map(|i| format!("${i}")).collect();
    let sql = format!(
        "SELECT a.at, COALESCE(u.display_name, a.actor_label), a.object_type, a.object_id, a.action FROM audit_log a
         LEFT JOIN users u ON u.id = a.actor_id
         WHERE a.module = 'catalog' AND a.object_id IN ({}) ORDER BY a.id DESC LIMIT 100",
        ph.join(",")
    );
    let mut q = sqlx::query(&sql);
    for id in &ids {
        q = q.bind(id);
    }
    Ok(q.fetch_all(p.db.pool())
        .await?
        .iter()
        .map(|r| Activity { at: platform::clock::rfc3339(r.get(0)), actor: r.get(1), object_type: r.get(2), object_id: r.get(3), action: r.get(4) })
        .collect())
}

/// Adds a remote resource (a URL) to a dataset.
#[utoipa::path(post, path = "/api/v1/catalog/datasets/{id}/resources", tag = "catalog", params(("id" = String, Path)), request_body = ResourceInput,
    responses((status = 201, body = ResourceOut), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
async fn create_resource(State(p): State<Platform>, ViewerExt(v): ViewerExt, ApiPath(id): ApiPath<String>, ApiJson(input): ApiJson<ResourceInput>) -> ApiResult<impl IntoResponse> {
    let r = service::create_resource(&p, &v.principal, &v.actor(), &id, &input, None).await?;
    Ok((StatusCode::CREATED, Json(json::resource_out(&p, &r))))
}

/// Reads a multipart form: the `file` part, and optional text fields of the resource. A body that
/// is not multipart (or has no boundary) is a problem like any other bad input.
pub async fn read_upload(form: Result<Multipart, MultipartRejection>) -> Result<(ResourceInput, Upload), AppError> {
    let mut form = form.map_err(|e| AppError::bad_request("invalid_multipart", e.body_text()))?;
    let mut input = ResourceInput::default();
    let mut upload = None;
    while let Some(field) = form.next_field().await.map_err(|e| AppError::bad_request("invalid_multipart", e.to_string()))? {
        let name = field.name().unwrap_or("").to_string();
        match name.as_str() {
            "file" => {
                let filename = field.file_name().unwrap_or("fichier").to_string();
                let content_type = field.content_type().unwrap_or("application/octet-stream").to_string();
                let bytes = field.bytes().await.map_err(|e| AppError::bad_request("invalid_multipart", e.to_string()))?;
                upload = Some(Upload { filename, content_type, bytes: bytes.to_vec() });
            }
            "title" | "description" | "type" | "format" => {
                let text = field.text().await.map_err(|e| AppError::bad_request("invalid_multipart", e.to_string()))?;
                let text = Some(text).filter(|t| !t.trim().is_empty());
                match name.as_str() {
                    "title" => input.title = text,
                    "description" => input.description = text,
                    "type" => input.rtype = text,
                    _ => input.format = text,
                }
            }
            // udata's uploader sends chunking fields; one-piece uploads ignore them.
            _ => {}
        }
    }
    let upload = upload.ok_or_else(|| bad("file", "required"))?;
    Ok((input, upload))
}

/// Uploads a file as a new resource (multipart form, field `file`; optional `title`, `description`, `type`, `format`).
#[utoipa::path(post, path = "/api/v1/catalog/datasets/{id}/upload", tag = "catalog", params(("id" = String, Path)),
    request_body(content_type = "multipart/form-data", content = String),
    responses((status = 201, body = ResourceOut), (status = 400, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
async fn upload_resource(State(p): State<Platform>, ViewerExt(v): ViewerExt, ApiPath(id): ApiPath<String>, form: Result<Multipart, MultipartRejection>) -> ApiResult<impl IntoResponse> {
    // Permission before reading a large body.
    let d = service::visible_dataset(&p, &v.principal, &id).await?;
    v.principal.authorize(platform::access::Action::Update, &service::dataset_target(&d))?;
    let (input, upload) = read_upload(form).await?;
    let r = service::create_resource(&p, &v.principal, &v.actor(), &id, &input, Some(upload)).await?;
    Ok((StatusCode::CREATED, Json(json::resource_out(&p, &r))))
}

/// Updates a resource's fields (and URL for remote ones).
#[utoipa::path(put, path = "/api/v1/catalog/datasets/{id}/resources/{rid}", tag = "catalog", params(("id" = String, Path), ("rid" = String, Path)), request_body = ResourceInput,
    responses((status = 200, body = ResourceOut), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
async fn update_resource(State(p): State<Platform>, ViewerExt(v): ViewerExt, ApiPath((id, rid)): ApiPath<(String, String)>, ApiJson(input): ApiJson<ResourceInput>) -> ApiResult<Json<ResourceOut>> {
    let r = service::update_resource(&p, &v.principal, &v.actor(), &id, &rid, &input, None).await?;
    Ok(Json(json::resource_out(&p, &r)))
}

#[utoipa::path(delete, path = "/api/v1/catalog/datasets/{id}/resources/{rid}", tag = "catalog", params(("id" = String, Path), ("rid" = String, Path)),
    responses((status = 204), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json")))]
async fn delete_resource(State(p): State<Platform>, ViewerExt(v): ViewerExt, ApiPath((id, rid)): ApiPath<(String, String)>) -> ApiResult<StatusCode> {
    service::delete_resource(&p, &v.principal, &v.actor(), &id, &rid).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// A resource by id, wherever its dataset is.
#[utoipa::path(get, path = "/api/v1/catalog/resources/{rid}", tag = "catalog", params(("rid" = String, Path)),
    responses((status = 200, body = ResourceOut), (status = 404, body = Problem, content_type = "application/problem+json")))]
async fn get_resource(State(p): State<Platform>, ViewerExt(v): ViewerExt, ApiPath(rid): ApiPath<String>) -> ApiResult<Json<ResourceOut>> {
    let r = crate::store::get_resource(p.db.pool(), &rid).await?.ok_or_else(AppError::not_found)?;
    service::visible_dataset(&p, &v.principal, &r.dataset_id).await?;
    Ok(Json(json::resource_out(&p, &r)))
}

#[utoipa::path(get, path = "/api/v1/catalog/datasets/{id}/discussions", tag = "catalog", params(("id" = String, Path)),
    responses((status = 200, body = [Discussion]), (status = 404, body = Problem, content_type = "application/problem+json")))]
async fn list_discussions(State(p): State<Platform>, ViewerExt(v): ViewerExt, ApiPath(id): ApiPath<String>) -> ApiResult<Json<Vec<Discussion>>> {
    Ok(Json(social::discussions(&p, &v.principal, &id).await?))
}

/// Opens a discussion on a dataset (any signed-in person).
#[utoipa::path(post, path = "/api/v1/catalog/datasets/{id}/discussions", tag = "catalog", params(("id" = String, Path)), request_body = NewDiscussion,
    responses((status = 201, body = Discussion), (status = 401, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
async fn open_discussion(State(p): State<Platform>, ViewerExt(v): ViewerExt, ApiPath(id): ApiPath<String>, ApiJson(input): ApiJson<NewDiscussion>) -> ApiResult<impl IntoResponse> {
    Ok((StatusCode::CREATED, Json(social::open(&p, &v.principal, &v.actor(), &id, &input).await?)))
}

#[utoipa::path(get, path = "/api/v1/catalog/discussions/{id}", tag = "catalog", params(("id" = String, Path)),
    responses((status = 200, body = Discussion), (status = 404, body = Problem, content_type = "application/problem+json")))]
async fn get_discussion(State(p): State<Platform>, ViewerExt(v): ViewerExt, ApiPath(id): ApiPath<String>) -> ApiResult<Json<Discussion>> {
    Ok(Json(social::get(&p, &v.principal, &id).await?))
}

/// Replies; `close: true` also closes the thread (the dataset's editors and moderators).
#[utoipa::path(post, path = "/api/v1/catalog/discussions/{id}", tag = "catalog", params(("id" = String, Path)), request_body = NewMessage,
    responses((status = 200, body = Discussion), (status = 401, body = Problem, content_type = "application/problem+json"), (status = 409, body = Problem, content_type = "application/problem+json")))]
async fn reply_discussion(State(p): State<Platform>, ViewerExt(v): ViewerExt, ApiPath(id): ApiPath<String>, ApiJson(input): ApiJson<NewMessage>) -> ApiResult<Json<Discussion>> {
    Ok(Json(social::reply(&p, &v.principal, &v.actor(), &id, &input).await?))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Moderation {
    pub hidden: bool,
}

/// Moderation: hides or shows again one message of a discussion.
#[utoipa::path(put, path = "/api/v1/catalog/discussions/{id}/messages/{position}", tag = "catalog", params(("id" = String, Path), ("position" = i64, Path)), request_body = Moderation,
    responses((status = 200, body = Discussion), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json")))]
async fn moderate_message(State(p): State<Platform>, ViewerExt(v): ViewerExt, ApiPath((id, position)): ApiPath<(String, i64)>, ApiJson(m): ApiJson<Moderation>) -> ApiResult<Json<Discussion>> {
    Ok(Json(social::set_hidden(&p, &v.principal, &v.actor(), &id, position, m.hidden).await?))
}

#[derive(Serialize, ToSchema)]
pub struct Followers {
    pub followers: i64,
}

#[utoipa::path(post, path = "/api/v1/catalog/datasets/{id}/followers", tag = "catalog", params(("id" = String, Path)),
    responses((status = 200, body = Followers), (status = 401, body = Problem, content_type = "application/problem+json")))]
async fn follow(State(p): State<Platform>, ViewerExt(v): ViewerExt, ApiPath(id): ApiPath<String>) -> ApiResult<Json<Followers>> {
    Ok(Json(Followers { followers: social::follow(&p, &v.principal, &v.actor(), &id, true).await? }))
}

#[utoipa::path(delete, path = "/api/v1/catalog/datasets/{id}/followers", tag = "catalog", params(("id" = String, Path)),
    responses((status = 200, body = Followers), (status = 401, body = Problem, content_type = "application/problem+json")))]
async fn unfollow(State(p): State<Platform>, ViewerExt(v): ViewerExt, ApiPath(id): ApiPath<String>) -> ApiResult<Json<Followers>> {
    Ok(Json(Followers { followers: social::follow(&p, &v.principal, &v.actor(), &id, false).await? }))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ReuseQuery {
    /// Reuses of this dataset (id or slug).
    pub dataset: Option<String>,
    pub page: Option<i64>,
    pub page_size: Option<i64>,
}

#[utoipa::path(get, path = "/api/v1/catalog/reuses", tag = "catalog", params(ReuseQuery),
    responses((status = 200, body = Page<Reuse>), (status = 404, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
async fn list_reuses(State(p): State<Platform>, ViewerExt(v): ViewerExt, platform::http::extract::ApiQuery(q): platform::http::extract::ApiQuery<ReuseQuery>) -> ApiResult<Json<Page<Reuse>>> {
    let (page, size) = platform::http::PageQuery { page: q.page, page_size: q.page_size }.resolve()?;
    let dataset = q.dataset.as_deref().map(str::trim).filter(|d| !d.is_empty());
    let (items, total) = social::reuses(&p, &v.principal, dataset, size, (page - 1) * size).await?;
    Ok(Json(Page::new(items, page, size, total, "/api/v1/catalog/reuses")))
}

/// Declares a reuse (an application, a visualisation, an article…) of datasets.
#[utoipa::path(post, path = "/api/v1/catalog/reuses", tag = "catalog", request_body = ReuseInput,
    responses((status = 201, body = Reuse), (status = 401, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
async fn create_reuse(State(p): State<Platform>, ViewerExt(v): ViewerExt, ApiJson(input): ApiJson<ReuseInput>) -> ApiResult<impl IntoResponse> {
    Ok((StatusCode::CREATED, Json(social::create_reuse(&p, &v.principal, &v.actor(), &input).await?)))
}

#[utoipa::path(get, path = "/api/v1/catalog/reuses/{id}", tag = "catalog", params(("id" = String, Path)),
    responses((status = 200, body = Reuse), (status = 404, body = Problem, content_type = "application/problem+json")))]
async fn get_reuse(State(p): State<Platform>, ViewerExt(v): ViewerExt, ApiPath(id): ApiPath<String>) -> ApiResult<Json<Reuse>> {
    Ok(Json(social::reuse(&p, &v.principal, &id).await?))
}

/// Changes the fields sent (its owner, or its organisation's editors and administrators); `datasets` replaces the list.
#[utoipa::path(put, path = "/api/v1/catalog/reuses/{id}", tag = "catalog", params(("id" = String, Path, description = "Id or slug")), request_body = ReusePatch,
    responses((status = 200, body = Reuse), (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
async fn update_reuse(State(p): State<Platform>, ViewerExt(v): ViewerExt, ApiPath(id): ApiPath<String>, ApiJson(patch): ApiJson<ReusePatch>) -> ApiResult<Json<Reuse>> {
    Ok(Json(social::update_reuse(&p, &v.principal, &v.actor(), &id, &patch).await?))
}

/// Marks the reuse deleted (kept for the record); it leaves its datasets' reuse counts.
#[utoipa::path(delete, path = "/api/v1/catalog/reuses/{id}", tag = "catalog", params(("id" = String, Path, description = "Id or slug")),
    responses((status = 204), (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json")))]
async fn delete_reuse(State(p): State<Platform>, ViewerExt(v): ViewerExt, ApiPath(id): ApiPath<String>) -> ApiResult<StatusCode> {
    social::delete_reuse(&p, &v.principal, &v.actor(), &id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Serialize, ToSchema)]
pub struct OrganizationOut {
    #[serde(flatten)]
    pub org: OrgRef,
    pub description: String,
    pub url: Option<String>,
    pub badges: Vec<json::Badge>,
    pub created_at: String,
    pub metrics: OrgMetrics,
}

#[derive(Serialize, ToSchema)]
pub struct OrgMetrics {
    pub datasets: i64,
    pub members: i64,
    pub reuses: i64,
}

pub async fn organization_out(p: &Platform, id_or_slug: &str) -> Result<OrganizationOut, AppError> {
    let r = sqlx::query(
        "SELECT o.id, o.name, o.slug, o.description, o.created_at, c.acronym, c.url, c.badges,
           (SELECT COUNT(*) FROM catalog_datasets d WHERE d.org_id = o.id AND d.public = TRUE),
           (SELECT COUNT(*) FROM memberships m WHERE m.org_id = o.id),
           (SELECT COUNT(*) FROM catalog_reuses r WHERE r.org_id = o.id AND r.public = TRUE)
         FROM organisations o LEFT JOIN catalog_org_profiles c ON c.org_id = o.id
         WHERE CAST(o.id AS TEXT) = $1 OR o.slug = $1",
    )
    .bind(id_or_slug)
    .fetch_optional(p.db.pool())
    .await?
    .ok_or_else(AppError::not_found)?;
    let badges: Vec<String> = r.get::<Option<String>, _>(7).and_then(|b| serde_json::from_str(&b).ok()).unwrap_or_default();
    Ok(OrganizationOut {
        org: json::org_ref(p, r.get(0), r.get(1), r.get(2), r.get(5)),
        description: r.get(3),
        url: r.get::<Option<String>, _>(6).filter(|u| !u.is_empty()),
        badges: badges.into_iter().map(|kind| json::Badge { kind }).collect(),
        created_at: platform::clock::rfc3339(r.get(4)),
        metrics: OrgMetrics { datasets: r.get(8), members: r.get(9), reuses: r.get(10) },
    })
}

#[utoipa::path(get, path = "/api/v1/catalog/organizations", tag = "catalog", params(platform::http::PageQuery),
    responses((status = 200, body = Page<OrganizationOut>), (status = 422, body = Problem, content_type = "application/problem+json")))]
async fn organizations(State(p): State<Platform>, platform::http::extract::ApiQuery(q): platform::http::extract::ApiQuery<platform::http::PageQuery>) -> ApiResult<Json<Page<OrganizationOut>>> {
    let (page, size) = q.resolve()?;
    Ok(Json(organization_page(&p, page, size, "/api/v1/catalog/organizations").await?))
}

pub async fn organization_page(p: &Platform, page: i64, size: i64, path: &str) -> Result<Page<OrganizationOut>, AppError> {
    let (orgs, total) = p.list_orgs(size, (page - 1) * size).await?;
    let mut out = Vec::new();
    for o in orgs {
        out.push(organization_out(p, &o.slug).await?);
    }
    Ok(Page::new(out, page, size, total, path))
}

#[utoipa::path(get, path = "/api/v1/catalog/organizations/{id}", tag = "catalog", params(("id" = String, Path, description = "Id or slug")),
    responses((status = 200, body = OrganizationOut), (status = 404, body = Problem, content_type = "application/problem+json")))]
async fn organization(State(p): State<Platform>, ApiPath(id): ApiPath<String>) -> ApiResult<Json<OrganizationOut>> {
    Ok(Json(organization_out(&p, &id).await?))
}

/// The managed list of licences (udata's ids).
#[utoipa::path(get, path = "/api/v1/catalog/licenses", tag = "catalog", responses((status = 200, body = [licence::Licence])))]
async fn licenses() -> Json<&'static [licence::Licence]> {
    Json(licence::LICENCES)
}

/// Update frequencies (udata's ids).
#[utoipa::path(get, path = "/api/v1/catalog/frequencies", tag = "catalog", responses((status = 200, body = [frequency::Frequency])))]
async fn frequencies() -> Json<&'static [frequency::Frequency]> {
    Json(frequency::FREQUENCIES)
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ZoneQuery {
    /// Start of a name or a code.
    pub q: String,
}

/// French zones (country, regions, départements) whose name or code starts with `q`.
#[utoipa::path(get, path = "/api/v1/catalog/zones", tag = "catalog", params(ZoneQuery), responses((status = 200, body = [zones::Zone])))]
async fn zone_suggest(platform::http::extract::ApiQuery(q): platform::http::extract::ApiQuery<ZoneQuery>) -> Json<Vec<zones::Zone>> {
    Json(suggest_zones(&q.q))
}

pub fn suggest_zones(q: &str) -> Vec<zones::Zone> {
    let needle = platform::search::fold(q.trim());
    let mut out = Vec::new();
    let candidates = std::iter::once(("country", "fr", "France"))
        .chain(zones::REGIONS.iter().map(|(c, n)| ("fr:region", *c, *n)))
        .chain(zones::DEPARTEMENTS.iter().map(|(c, n)| ("fr:departement", *c, *n)));
    for (level, code, name) in candidates {
        if needle.is_empty() || platform::search::fold(name).starts_with(&needle) || code.eq_ignore_ascii_case(q.trim()) {
            if let Ok(z) = zones::Zone::parse(&format!("{level}:{code}")) {
                out.push(z);
            }
        }
        if out.len() >= 20 {
            break;
        }
    }
    out
}

/// Items of a facet, for pages.
pub fn facet_names(items: &[FacetItem]) -> Vec<String> {
    items.iter().map(|i| i.name.clone()).collect()
}
