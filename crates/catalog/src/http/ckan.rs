//! CKAN's Action API, the read subset its clients use (`ckanapi dump`, `ckanapi search`, udata's
//! CKAN harvester): `GET|POST /api/3/action/{name}` and `/api/action/{name}`, parameters in the
//! query string or a JSON body, answers in CKAN's envelope `{help, success, result | error}`.
//! Not in our OpenAPI: CKAN documents it. See docs/ckan.md for what differs from CKAN.
use std::collections::{BTreeMap, HashMap, HashSet};

use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::{header, HeaderMap, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Json;
use platform::access::ScopeFilter;
use platform::error::AppError;
use platform::http::extract::ViewerExt;
use platform::http::Viewer;
use platform::module::OpenApiRouter;
use platform::Platform;
use serde_json::{json, Map, Value};
use sqlx::Row;

use super::json;
use crate::domain::licence;
use crate::domain::model::{Dataset, Resource};
use crate::service;
use crate::store::search::{self, DatasetQuery, FacetItem};
use crate::tabular;
use crate::tabular::profile::Column;
use crate::tabular::query::{self, Filter, Format, Op, Query};
use crate::tabular::types::{ColType, Value as TValue};

pub fn router() -> OpenApiRouter<Platform> {
    OpenApiRouter::new()
        .route("/api/3", get(version))
        .route("/api/3/action/{name}", get(action).post(action))
        .route("/api/action/{name}", get(action).post(action))
}

async fn version() -> Json<Value> {
    Json(json!({ "version": 3 }))
}

/// The actions served, with the one-line help `help_show` gives.
const ACTIONS: &[(&str, &str)] = &[
    ("package_list", "Names of the public datasets, sorted. Parameters: limit, offset, include_private."),
    ("current_package_list_with_resources", "Public datasets with their resources, most recently modified first. Parameters: limit, offset."),
    ("package_show", "A dataset by id or name. Parameter: id."),
    ("package_search", "Searches datasets. Parameters: q, fq, fq_list, rows (max 1000), start, sort, facet, facet.field, facet.limit, include_private."),
    ("resource_show", "A resource by id. Parameter: id."),
    ("organization_list", "Organisations. Parameters: all_fields, sort, limit, offset, organizations, q."),
    ("organization_show", "An organisation by id or name. Parameters: id, include_datasets."),
    ("group_list", "Groups: this portal has none."),
    ("tag_list", "Tags of public datasets. Parameters: query, all_fields."),
    ("license_list", "The licences datasets may use."),
    ("status_show", "What this site is and which API it speaks."),
    ("help_show", "The help of an action. Parameter: name."),
    ("datastore_search", "Rows of a resource's loaded table. Parameters: resource_id, filters, q, fields, sort, limit (max 32000), offset, include_total, records_format."),
];

/// An error in CKAN's shape: the HTTP status CKAN uses and the `error` object its clients
/// map to exceptions by `__type`.
#[derive(Debug)]
pub struct CkanError {
    status: StatusCode,
    error: Value,
}

impl CkanError {
    fn not_found(what: &str) -> Self {
        Self { status: StatusCode::NOT_FOUND, error: json!({ "__type": "Not Found Error", "message": format!("Not found: {what}") }) }
    }
    fn validation(fields: BTreeMap<String, Vec<String>>) -> Self {
        let mut e = Map::new();
        e.insert("__type".into(), json!("Validation Error"));
        for (k, v) in fields {
            e.insert(k, json!(v));
        }
        Self { status: StatusCode::CONFLICT, error: Value::Object(e) }
    }
    fn field(field: &str, message: &str) -> Self {
        Self::validation(BTreeMap::from([(field.to_string(), vec![message.to_string()])]))
    }
    fn search_query(message: impl std::fmt::Display) -> Self {
        Self { status: StatusCode::BAD_REQUEST, error: json!({ "__type": "Search Query Error", "message": format!("Search Query is invalid: {message}") }) }
    }
    fn bad_request(message: impl std::fmt::Display) -> Self {
        Self { status: StatusCode::BAD_REQUEST, error: json!({ "__type": "Bad Request", "message": format!("Bad request - {message}") }) }
    }
}

impl From<AppError> for CkanError {
    fn from(e: AppError) -> Self {
        match e.status.as_u16() {
            404 => Self::not_found("no such object, or not visible to you"),
            401 | 403 => Self { status: StatusCode::FORBIDDEN, error: json!({ "__type": "Authorization Error", "message": format!("Access denied: {}", e.detail) }) },
            400 | 422 => {
                let mut fields: BTreeMap<String, Vec<String>> = BTreeMap::new();
                for f in &e.errors {
                    fields.entry(f.field.clone()).or_default().push(f.code.clone());
                }
                if fields.is_empty() {
                    fields.insert("message".into(), vec![e.detail.clone()]);
                }
                Self::validation(fields)
            }
            _ => Self { status: e.status, error: json!({ "__type": "Internal Server Error", "message": e.detail }) },
        }
    }
}

impl From<sqlx::Error> for CkanError {
    fn from(e: sqlx::Error) -> Self {
        AppError::from(e).into()
    }
}

type CkanResult<T> = Result<T, CkanError>;

fn help_url(p: &Platform, name: &str) -> String {
    format!("{}/api/3/action/help_show?name={name}", json::base(p))
}

fn envelope(p: &Platform, name: &str, outcome: CkanResult<Value>) -> Response {
    match outcome {
        Ok(result) => Json(json!({ "help": help_url(p, name), "success": true, "result": result })).into_response(),
        Err(e) => (e.status, Json(json!({ "help": help_url(p, name), "success": false, "error": e.error }))).into_response(),
    }
}

async fn action(
    State(p): State<Platform>,
    ViewerExt(v): ViewerExt,
    Path(name): Path<String>,
    method: Method,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
    body: Bytes,
) -> Response {
    let params = if method == Method::POST && !body.iter().all(u8::is_ascii_whitespace) {
        let form = headers.get(header::CONTENT_TYPE).and_then(|c| c.to_str().ok()).is_some_and(|c| c.starts_with("application/x-www-form-urlencoded"));
        if form {
            Params::from_query(std::str::from_utf8(&body).ok())
        } else {
            Params::from_json(&body)
        }
    } else {
        Params::from_query(raw.as_deref())
    };
    let outcome = match params {
        Ok(params) => dispatch(&p, &v, &name, &params).await,
        Err(e) => Err(e),
    };
    envelope(&p, &name, outcome)
}

async fn dispatch(p: &Platform, v: &Viewer, name: &str, params: &Params) -> CkanResult<Value> {
    match name {
        "package_list" => package_list(p, v, params).await,
        "current_package_list_with_resources" => current_packages(p, params).await,
        "package_show" => package_show(p, v, params).await,
        "package_search" => package_search(p, v, params).await,
        "resource_show" => resource_show(p, v, params).await,
        "organization_list" => organization_list(p, params).await,
        "organization_show" => organization_show(p, v, params).await,
        "group_list" => Ok(json!([])),
        "tag_list" => tag_list(p, params).await,
        "license_list" => Ok(license_list()),
        "status_show" => Ok(status_show(p)),
        "help_show" => help_show(params),
        "datastore_search" => datastore_search(p, v, params).await,
        _ => Err(CkanError::bad_request(format!("Action name not known: {}", name.chars().take(100).collect::<String>()))),
    }
}

/// Action parameters as CKAN reads them: a JSON object from a POST body, or the query string
/// (repeated keys become lists; JSON-valued parameters such as `filters` arrive as JSON text).
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Params(Map<String, Value>);

impl Params {
    pub fn from_query(raw: Option<&str>) -> CkanResult<Params> {
        let pairs: Vec<(String, String)> = serde_urlencoded::from_str(raw.unwrap_or("")).map_err(|_| CkanError::bad_request("malformed query string"))?;
        let mut m = Map::new();
        for (k, v) in pairs {
            match m.get_mut(&k) {
                Some(Value::Array(items)) => items.push(Value::String(v)),
                Some(first) => *first = Value::Array(vec![first.take(), Value::String(v)]),
                None => {
                    m.insert(k, Value::String(v));
                }
            }
        }
        Ok(Params(m))
    }

    pub fn from_json(body: &[u8]) -> CkanResult<Params> {
        match serde_json::from_slice::<Value>(body) {
            Ok(Value::Object(m)) => Ok(Params(m)),
            Ok(_) => Err(CkanError::bad_request("JSON Error: request data must be a JSON object")),
            Err(e) => Err(CkanError::bad_request(format!("JSON Error: {e}"))),
        }
    }

    fn get(&self, key: &str) -> Option<&Value> {
        self.0.get(key).filter(|v| !v.is_null())
    }

    /// A text parameter; numbers are accepted as their text.
    fn text(&self, key: &str) -> CkanResult<Option<String>> {
        match self.get(key) {
            None => Ok(None),
            Some(Value::String(s)) if s.contains('\0') => Err(CkanError::field(key, "Must not contain NUL characters")),
            Some(Value::String(s)) => Ok(Some(s.clone())),
            Some(Value::Number(n)) => Ok(Some(n.to_string())),
            Some(_) => Err(CkanError::field(key, "Must be a string")),
        }
    }

    fn required(&self, key: &str) -> CkanResult<String> {
        self.text(key)?.filter(|s| !s.trim().is_empty()).ok_or_else(|| CkanError::field(key, "Missing value"))
    }

    /// CKAN's `boolean_validator`: JSON booleans, and `true/false`, `1/0`, `yes/no` in any case.
    fn boolean(&self, key: &str, default: bool) -> CkanResult<bool> {
        match self.get(key) {
            None => Ok(default),
            Some(Value::Bool(b)) => Ok(*b),
            Some(Value::Number(n)) => Ok(n.as_i64() != Some(0)),
            Some(Value::String(s)) => match s.trim().to_ascii_lowercase().as_str() {
                "true" | "1" | "yes" | "on" | "t" | "y" => Ok(true),
                "false" | "0" | "no" | "off" | "f" | "n" | "" => Ok(false),
                _ => Err(CkanError::field(key, "Not a boolean value")),
            },
            Some(_) => Err(CkanError::field(key, "Not a boolean value")),
        }
    }

    /// A natural number, clamped to `max` as CKAN's `limit_to_configured_maximum` does.
    fn natural(&self, key: &str, default: i64, max: i64) -> CkanResult<i64> {
        let n = match self.get(key) {
            None => return Ok(default),
            Some(Value::Number(n)) => n.as_i64(),
            Some(Value::String(s)) if s.trim().is_empty() => return Ok(default),
            Some(Value::String(s)) => s.trim().parse::<i64>().ok(),
            Some(_) => None,
        };
        match n {
            Some(n) if n >= 0 => Ok(n.min(max)),
            _ => Err(CkanError::field(key, "Must be a natural number")),
        }
    }

    /// A list of strings: a JSON list, a JSON list in text (CKAN's `facet.field`), repeated
    /// query keys, or one value.
    fn list(&self, key: &str) -> CkanResult<Vec<String>> {
        let v = match self.get(key) {
            None => return Ok(vec![]),
            Some(Value::String(s)) if s.trim_start().starts_with('[') => {
                serde_json::from_str::<Value>(s).map_err(|_| CkanError::field(key, "Must be a JSON list of strings"))?
            }
            Some(v) => v.clone(),
        };
        match v {
            Value::String(s) => Ok(vec![s]),
            Value::Array(items) => items
                .into_iter()
                .map(|i| match i {
                    Value::String(s) => Ok(s),
                    _ => Err(CkanError::field(key, "Must be a list of strings")),
                })
                .collect(),
            _ => Err(CkanError::field(key, "Must be a list of strings")),
        }
    }

    /// A JSON object, or a JSON object in text (query strings).
    fn object(&self, key: &str) -> CkanResult<Option<Map<String, Value>>> {
        match self.get(key) {
            None => Ok(None),
            Some(Value::Object(m)) => Ok(Some(m.clone())),
            Some(Value::String(s)) if s.trim().is_empty() => Ok(None),
            Some(Value::String(s)) => match serde_json::from_str::<Value>(s) {
                Ok(Value::Object(m)) => Ok(Some(m)),
                _ => Err(CkanError::field(key, "Must be a JSON object")),
            },
            Some(_) => Err(CkanError::field(key, "Must be a JSON object")),
        }
    }
}

/// CKAN's timestamps: UTC without offset, microseconds (`2024-03-01T10:20:30.123000`).
pub fn ckan_time(ms: i64) -> String {
    let t = time::OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000).unwrap_or(time::OffsetDateTime::UNIX_EPOCH);
    format!("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:06}", t.year(), u8::from(t.month()), t.day(), t.hour(), t.minute(), t.second(), t.microsecond())
}

// ----- organisations -----

#[derive(Clone, Debug)]
struct Org {
    id: i64,
    slug: String,
    name: String,
    description: String,
    created_at: i64,
    datasets: i64,
}

const ORG_SELECT: &str = "SELECT o.id, o.slug, o.name, o.description, o.created_at,
    (SELECT COUNT(*) FROM catalog_datasets d WHERE d.org_id = o.id AND d.public = TRUE) AS n FROM organisations o";

fn org_from_row(r: &sqlx::any::AnyRow) -> Org {
    Org { id: r.get(0), slug: r.get(1), name: r.get(2), description: r.get(3), created_at: r.get(4), datasets: r.get(5) }
}

async fn orgs_by_id(p: &Platform, ids: &[i64]) -> CkanResult<HashMap<i64, Org>> {
    let mut ids: Vec<i64> = ids.to_vec();
    ids.sort_unstable();
    ids.dedup();
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    // Integers inlined: they come from our own rows, not from the request.
    let list: Vec<String> = ids.iter().map(i64::to_string).collect();
    let rows = sqlx::query(&format!("{ORG_SELECT} WHERE o.id IN ({})", list.join(","))).fetch_all(p.db.pool()).await?;
    Ok(rows.iter().map(org_from_row).map(|o| (o.id, o)).collect())
}

async fn org_by_id_or_name(p: &Platform, key: &str) -> CkanResult<Option<Org>> {
    let row = sqlx::query(&format!("{ORG_SELECT} WHERE CAST(o.id AS TEXT) = $1 OR o.slug = $1")).bind(key).fetch_optional(p.db.pool()).await?;
    Ok(row.as_ref().map(org_from_row))
}

fn org_dict(o: &Org, with_count: bool) -> Value {
    let mut v = json!({
        "id": o.id.to_string(),
        "name": o.slug,
        "title": o.name,
        "display_name": o.name,
        "description": o.description,
        "image_url": "",
        "created": ckan_time(o.created_at),
        "type": "organization",
        "is_organization": true,
        "approval_status": "approved",
        "state": "active",
    });
    if with_count {
        v["package_count"] = json!(o.datasets);
    }
    v
}

// ----- datasets -----

/// Resources whose table is loaded (by the tabular loader): CKAN's `datastore_active`.
async fn datastore_active(p: &Platform, ids: &[&str]) -> CkanResult<HashSet<String>> {
    if ids.is_empty() {
        return Ok(HashSet::new());
    }
    let ph: Vec<String> = (1..=ids.len()).map(|i| format!("${i}")).collect();
    let sql = format!("SELECT resource_id FROM catalog_tables WHERE table_name IS NOT NULL AND resource_id IN ({})", ph.join(","));
    let mut q = sqlx::query_scalar::<_, String>(&sql);
    for id in ids {
        q = q.bind(*id);
    }
    Ok(q.fetch_all(p.db.pool()).await?.into_iter().collect())
}

fn resource_dict(p: &Platform, r: &Resource, position: usize, active: &HashSet<String>) -> Value {
    json!({
        "id": r.id,
        "package_id": r.dataset_id,
        "url": json::absolute(p, &r.url),
        "url_type": if r.filetype == "file" { json!("upload") } else { Value::Null },
        "name": r.title,
        "description": r.description,
        "format": r.format.to_uppercase(),
        "mimetype": Some(&r.mime).filter(|m| !m.is_empty()),
        "size": r.filesize,
        "hash": r.sha256.as_deref().unwrap_or(""),
        "resource_type": r.rtype,
        "created": ckan_time(r.created_at),
        "last_modified": ckan_time(r.modified_at),
        "metadata_modified": ckan_time(r.modified_at),
        "datastore_active": active.contains(&r.id),
        "position": position,
        "state": "active",
    })
}

/// A dataset's extras as CKAN's key/value list: udata's extras (non-text values as JSON) and
/// the fields CKAN has no column for, sorted by key like CKAN.
fn extras(d: &Dataset) -> Vec<Value> {
    let mut kv: BTreeMap<String, String> = BTreeMap::new();
    if let Some(o) = d.extras.as_object() {
        for (k, v) in o {
            kv.insert(k.clone(), v.as_str().map(str::to_string).unwrap_or_else(|| v.to_string()));
        }
    }
    let mut derived = vec![("frequency", d.frequency.clone())];
    if !d.acronym.is_empty() {
        derived.push(("acronym", d.acronym.clone()));
    }
    if let Some(t) = &d.temporal_coverage {
        derived.push(("temporal_start", t.start.clone()));
        derived.push(("temporal_end", t.end.clone()));
    }
    if let Some(s) = &d.spatial {
        if !s.zones.is_empty() {
            derived.push(("spatial_zones", s.zones.join(",")));
        }
        if let Some(g) = &s.granularity {
            derived.push(("spatial_granularity", g.clone()));
        }
    }
    for (k, v) in derived {
        kv.entry(k.to_string()).or_insert(v);
    }
    kv.into_iter().map(|(key, value)| json!({ "key": key, "value": value })).collect()
}

fn package_dict(p: &Platform, d: &Dataset, orgs: &HashMap<i64, Org>, active: &HashSet<String>) -> Value {
    let lic = licence::parse(&d.license);
    let org = d.org_id.and_then(|o| orgs.get(&o));
    json!({
        "id": d.id,
        "name": d.slug,
        "title": d.title,
        "notes": d.description,
        "url": format!("{}/catalog/datasets/{}", json::base(p), d.slug),
        "license_id": d.license,
        "license_title": lic.map(|l| l.title),
        "license_url": lic.map(|l| l.url).filter(|u| !u.is_empty()),
        "isopen": lic.is_some_and(|l| l.open),
        "owner_org": d.org_id.map(|o| o.to_string()),
        "organization": org.map(|o| org_dict(o, false)),
        "author": Value::Null,
        "author_email": Value::Null,
        "maintainer": Value::Null,
        "maintainer_email": Value::Null,
        "version": Value::Null,
        "tags": d.tags.iter().map(|t| json!({ "name": t, "display_name": t, "state": "active", "vocabulary_id": Value::Null })).collect::<Vec<_>>(),
        "groups": [],
        "resources": d.resources.iter().enumerate().map(|(i, r)| resource_dict(p, r, i, active)).collect::<Vec<_>>(),
        "num_resources": d.resources.len(),
        "num_tags": d.tags.len(),
        "extras": extras(d),
        "metadata_created": ckan_time(d.created_at),
        "metadata_modified": ckan_time(d.modified_at),
        "private": d.private,
        "state": "active",
        "type": "dataset",
        "relationships_as_object": [],
        "relationships_as_subject": [],
    })
}

async fn package_dicts(p: &Platform, datasets: &[Dataset]) -> CkanResult<Vec<Value>> {
    let org_ids: Vec<i64> = datasets.iter().filter_map(|d| d.org_id).collect();
    let orgs = orgs_by_id(p, &org_ids).await?;
    let rids: Vec<&str> = datasets.iter().flat_map(|d| d.resources.iter().map(|r| r.id.as_str())).collect();
    let active = datastore_active(p, &rids).await?;
    Ok(datasets.iter().map(|d| package_dict(p, d, &orgs, &active)).collect())
}

fn dataset_filter(v: Option<&Viewer>, include_private: bool) -> ScopeFilter {
    match v {
        Some(v) if include_private => v.principal.read_filter(service::MODULE, "dataset"),
        // CKAN lists only public datasets unless asked: the anonymous filter is exactly that.
        _ => ScopeFilter::Limited { user_id: None, org_ids: vec![], own: false },
    }
}

async fn package_list(p: &Platform, v: &Viewer, params: &Params) -> CkanResult<Value> {
    let filter = dataset_filter(Some(v), params.boolean("include_private", false)?);
    let limit = params.natural("limit", i64::MAX, i64::MAX)?;
    let offset = params.natural("offset", 0, i64::MAX)?;
    let names: Vec<String> = sqlx::query_scalar(&format!(
        "SELECT d.slug FROM catalog_datasets d WHERE {} AND d.deleted_at IS NULL ORDER BY d.slug LIMIT $1 OFFSET $2",
        filter.sql(Some("d.public"), Some("d.owner_id"), Some("d.org_id"))
    ))
    .bind(limit)
    .bind(offset)
    .fetch_all(p.db.pool())
    .await?;
    Ok(json!(names))
}

async fn current_packages(p: &Platform, params: &Params) -> CkanResult<Value> {
    let limit = params.natural("limit", 1000, 1000)?;
    let offset = params.natural("offset", 0, 100_000_000)?;
    let mut q = DatasetQuery { sort: Some("-last_update".into()), ..Default::default() };
    let (page, _, _) = search_window(p, &mut q, &dataset_filter(None, false), offset, limit).await?;
    Ok(json!(package_dicts(p, &page).await?))
}

/// Rows `start..start + rows` of a search, its total, and the facets when `q.facets` is set.
async fn search_window(p: &Platform, q: &mut DatasetQuery, filter: &ScopeFilter, start: i64, rows: i64) -> CkanResult<(Vec<Dataset>, i64, Option<search::Facets>)> {
    let want_facets = q.facets;
    let (pages, skip) = pages_for(start, rows);
    let mut datasets = Vec::new();
    let mut total = 0;
    let mut facets = None;
    for (i, page) in pages.iter().enumerate() {
        q.page = *page;
        q.page_size = rows;
        q.facets = want_facets && i == 0;
        let res = search::search(&p.db, q, filter).await?;
        total = res.total;
        if i == 0 {
            facets = res.facets;
        }
        datasets.extend(res.datasets);
    }
    let page = datasets.into_iter().skip(usize::try_from(skip).unwrap_or(0)).take(usize::try_from(rows).unwrap_or(0)).collect();
    Ok((page, total, facets))
}

async fn package_show(p: &Platform, v: &Viewer, params: &Params) -> CkanResult<Value> {
    let id = params.required("id")?;
    let d = service::visible_dataset(p, &v.principal, id.trim()).await?;
    let mut out = package_dicts(p, std::slice::from_ref(&d)).await?;
    Ok(out.remove(0))
}

async fn resource_show(p: &Platform, v: &Viewer, params: &Params) -> CkanResult<Value> {
    let id = params.required("id")?;
    let r = crate::store::get_resource(p.db.pool(), id.trim()).await?.ok_or_else(|| CkanError::not_found("Resource was not found."))?;
    let d = service::visible_dataset(p, &v.principal, &r.dataset_id).await?;
    let position = d.resources.iter().position(|x| x.id == r.id).unwrap_or(0);
    let active = datastore_active(p, &[r.id.as_str()]).await?;
    Ok(resource_dict(p, &r, position, &active))
}

// ----- package_search -----

/// Filters written in the Solr syntax CKAN clients send in `q` and `fq`
/// (`organization:x +tags:"y z" res_format:CSV`), reduced to what our search knows.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct SolrFilters {
    pub text: Vec<String>,
    pub organization: Option<String>,
    pub owner_org: Option<String>,
    pub tags: Vec<String>,
    pub license_id: Option<String>,
    pub res_format: Option<String>,
}

/// Splits on blanks outside double quotes.
fn solr_tokens(s: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut quoted = false;
    for c in s.chars() {
        match c {
            '"' => {
                quoted = !quoted;
                cur.push(c);
            }
            c if c.is_whitespace() && !quoted => {
                if !cur.is_empty() {
                    out.push(std::mem::take(&mut cur));
                }
            }
            c => cur.push(c),
        }
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

fn unquote(v: &str) -> &str {
    v.strip_prefix('"').and_then(|v| v.strip_suffix('"')).unwrap_or(v)
}

impl SolrFilters {
    /// Parses `q` (`strict = false`: an unknown `field:value` is searched as words) or `fq`
    /// (`strict = true`: an unknown field is an error, as Solr would refuse it).
    pub fn parse(&mut self, s: &str, strict: bool) -> Result<(), String> {
        for tok in solr_tokens(s) {
            if tok == "*:*" || tok == "AND" || tok == "&&" {
                continue;
            }
            if tok == "OR" || tok == "NOT" || tok == "||" || tok.starts_with('-') || tok.starts_with('!') {
                return Err(format!("operator {tok:?} is not supported: terms are combined with AND"));
            }
            let tok = tok.strip_prefix('+').unwrap_or(&tok);
            let (field, value) = match tok.split_once(':') {
                Some((f, v)) if !f.is_empty() && f.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') => (f, unquote(v)),
                _ => {
                    self.text.push(unquote(tok).to_string());
                    continue;
                }
            };
            let single = |slot: &mut Option<String>, value: &str| -> Result<(), String> {
                match slot {
                    Some(existing) if !existing.eq_ignore_ascii_case(value) => Err(format!("only one value of {field} is supported")),
                    _ => {
                        *slot = Some(value.to_string());
                        Ok(())
                    }
                }
            };
            match field {
                "organization" => single(&mut self.organization, value)?,
                "owner_org" => single(&mut self.owner_org, value)?,
                "tags" | "tag" => self.tags.push(crate::domain::model::slugify(value)),
                "license_id" => single(&mut self.license_id, value)?,
                "res_format" => single(&mut self.res_format, &value.to_lowercase())?,
                "text" => self.text.push(value.to_string()),
                _ if strict => return Err(format!("field {field:?} is not supported (organization, owner_org, tags, license_id, res_format, text)")),
                _ => self.text.push(format!("{field} {value}")),
            }
        }
        Ok(())
    }
}

/// The store's sort for CKAN's `sort` (`metadata_modified desc`, `title_string asc`, `score desc, …`).
/// `None` is the default order (relevance when searching words, newest first otherwise).
pub fn parse_sort(s: &str) -> Result<Option<String>, String> {
    // The first clause decides: the store breaks ties itself.
    let Some(clause) = s.split(',').map(str::trim).find(|c| !c.is_empty()) else { return Ok(None) };
    let mut parts = clause.split_whitespace();
    let field = parts.next().unwrap_or("");
    let desc = match parts.next().map(str::to_ascii_lowercase).as_deref() {
        None | Some("asc") => false,
        Some("desc") => true,
        Some(other) => return Err(format!("sort direction {other:?} is not asc or desc")),
    };
    let key = match field {
        "score" | "rank" if desc => return Ok(None),
        "score" | "rank" => return Err("score sorts descending only".into()),
        "metadata_modified" => "last_update",
        "metadata_created" => "created",
        "title_string" | "title" => "title",
        other => return Err(format!("cannot sort by {other:?} (metadata_modified, metadata_created, title_string, score)")),
    };
    Ok(Some(if desc { format!("-{key}") } else { key.to_string() }))
}

/// Our search pages by page number; CKAN by offset. The rows `start..start + rows` lie in one
/// page of `rows` items when `start` is a multiple of `rows`, else in two consecutive pages.
/// Returns the pages to read and how many leading items to drop.
pub fn pages_for(start: i64, rows: i64) -> (Vec<i64>, i64) {
    if rows == 0 {
        return (vec![1], 0);
    }
    let first = start / rows + 1;
    if start % rows == 0 {
        (vec![first], 0)
    } else {
        (vec![first, first + 1], start % rows)
    }
}

const FACET_FIELDS: &[&str] = &["organization", "tags", "license_id", "res_format", "groups"];

async fn package_search(p: &Platform, v: &Viewer, params: &Params) -> CkanResult<Value> {
    let q_text = params.text("q")?.unwrap_or_default();
    let mut filters = SolrFilters::default();
    filters.parse(&q_text, false).map_err(CkanError::search_query)?;
    let mut fqs: Vec<String> = params.text("fq")?.into_iter().collect();
    fqs.extend(params.list("fq_list")?);
    for fq in &fqs {
        filters.parse(fq, true).map_err(CkanError::search_query)?;
    }
    let rows = params.natural("rows", 10, 1000)?;
    let start = params.natural("start", 0, 100_000_000)?;
    let sort_text = params.text("sort")?.filter(|s| !s.trim().is_empty());
    let sort = match &sort_text {
        Some(s) => parse_sort(s).map_err(CkanError::search_query)?,
        None => None,
    };
    let facet_fields = params.list("facet.field")?;
    for f in &facet_fields {
        if !FACET_FIELDS.contains(&f.as_str()) {
            return Err(CkanError::search_query(format!("cannot facet on {f:?} ({})", FACET_FIELDS.join(", "))));
        }
    }
    let want_facets = params.boolean("facet", true)? && !facet_fields.is_empty();
    let facet_limit = match params.get("facet.limit") {
        Some(Value::Number(n)) if n.as_i64() == Some(-1) => usize::MAX,
        Some(Value::String(s)) if s.trim() == "-1" => usize::MAX,
        _ => usize::try_from(params.natural("facet.limit", 50, 1000)?).unwrap_or(50),
    };
    let include_private = params.boolean("include_private", false)?;

    let mut q = DatasetQuery { q: Some(filters.text.join(" ")).filter(|t| !t.trim().is_empty()), tags: filters.tags.clone(), sort, ..Default::default() };
    // An organisation that does not exist matches no dataset (Solr's answer), not an error.
    let org_key = filters.organization.as_deref().or(filters.owner_org.as_deref());
    if let Some(key) = org_key {
        q.organization = Some(org_by_id_or_name(p, key).await?.map(|o| o.id).unwrap_or(-1));
    }
    if let (Some(a), Some(b)) = (&filters.organization, &filters.owner_org) {
        let (oa, ob) = (org_by_id_or_name(p, a).await?.map(|o| o.id), org_by_id_or_name(p, b).await?.map(|o| o.id));
        if oa != ob {
            q.organization = Some(-1);
        }
    }
    q.license = filters.license_id.clone();
    q.format = filters.res_format.clone();
    q.facets = want_facets;
    let (page, total, facets) = search_window(p, &mut q, &dataset_filter(Some(v), include_private), start, rows).await?;
    let results = package_dicts(p, &page).await?;

    let mut search_facets = Map::new();
    let mut old_facets = Map::new();
    if let Some(f) = facets {
        for field in &facet_fields {
            let items: Vec<(String, String, i64)> = match field.as_str() {
                "organization" => {
                    let ids: Vec<i64> = f.organization.iter().filter_map(|i| i.name.parse().ok()).collect();
                    let orgs = orgs_by_id(p, &ids).await?;
                    f.organization
                        .iter()
                        .filter_map(|i| i.name.parse::<i64>().ok().and_then(|id| orgs.get(&id)).map(|o| (o.slug.clone(), o.name.clone(), i.count)))
                        .collect()
                }
                "tags" => same_names(&f.tag),
                "license_id" => f.license.iter().map(|i| (i.name.clone(), licence::parse(&i.name).map(|l| l.title.to_string()).unwrap_or_else(|| i.name.clone()), i.count)).collect(),
                "res_format" => f.format.iter().map(|i| (i.name.to_uppercase(), i.name.to_uppercase(), i.count)).collect(),
                // No groups in this portal.
                _ => vec![],
            };
            let items: Vec<_> = items.into_iter().take(facet_limit).collect();
            old_facets.insert(field.clone(), Value::Object(items.iter().map(|(n, _, c)| (n.clone(), json!(c))).collect()));
            search_facets.insert(
                field.clone(),
                json!({ "title": field, "items": items.iter().map(|(n, d, c)| json!({ "name": n, "display_name": d, "count": c })).collect::<Vec<_>>() }),
            );
        }
    }
    Ok(json!({
        "count": total,
        "results": results,
        "sort": sort_text.unwrap_or_else(|| "score desc, metadata_modified desc".into()),
        "facets": old_facets,
        "search_facets": search_facets,
    }))
}

fn same_names(items: &[FacetItem]) -> Vec<(String, String, i64)> {
    items.iter().map(|i| (i.name.clone(), i.name.clone(), i.count)).collect()
}

// ----- organisations, tags, licences, site -----

async fn organization_list(p: &Platform, params: &Params) -> CkanResult<Value> {
    let all_fields = params.boolean("all_fields", false)?;
    let limit = params.natural("limit", 1000, 1000)?;
    let offset = params.natural("offset", 0, i64::MAX)?;
    let only = params.list("organizations")?;
    let needle = params.text("q")?.map(|q| platform::search::fold(q.trim())).filter(|q| !q.is_empty());
    let sort = params.text("sort")?.unwrap_or_else(|| "name asc".into());
    let rows = sqlx::query(ORG_SELECT).fetch_all(p.db.pool()).await?;
    let mut orgs: Vec<Org> = rows
        .iter()
        .map(org_from_row)
        .filter(|o| only.is_empty() || only.contains(&o.slug))
        .filter(|o| needle.as_ref().is_none_or(|n| platform::search::fold(&format!("{} {} {}", o.slug, o.name, o.description)).contains(n.as_str())))
        .collect();
    let mut parts = sort.split_whitespace();
    let field = parts.next().unwrap_or("name");
    let desc = match parts.next().map(str::to_ascii_lowercase).as_deref() {
        None | Some("asc") => false,
        Some("desc") => true,
        Some(_) => return Err(CkanError::field("sort", "Unknown sort direction")),
    };
    match field {
        "name" => orgs.sort_by(|a, b| a.slug.cmp(&b.slug)),
        "title" => orgs.sort_by(|a, b| platform::search::fold(&a.name).cmp(&platform::search::fold(&b.name)).then(a.slug.cmp(&b.slug))),
        "package_count" => orgs.sort_by(|a, b| a.datasets.cmp(&b.datasets).then(b.slug.cmp(&a.slug))),
        _ => return Err(CkanError::field("sort", "Cannot sort by this field (name, title, package_count)")),
    }
    if desc {
        orgs.reverse();
    }
    let page = orgs.iter().skip(usize::try_from(offset).unwrap_or(usize::MAX)).take(usize::try_from(limit).unwrap_or(0));
    Ok(if all_fields {
        let counts = params.boolean("include_dataset_count", true)?;
        json!(page.map(|o| org_dict(o, counts)).collect::<Vec<_>>())
    } else {
        json!(page.map(|o| o.slug.clone()).collect::<Vec<_>>())
    })
}

async fn organization_show(p: &Platform, v: &Viewer, params: &Params) -> CkanResult<Value> {
    let id = params.required("id")?;
    let org = org_by_id_or_name(p, id.trim()).await?.ok_or_else(|| CkanError::not_found("Organization was not found."))?;
    let mut out = org_dict(&org, true);
    if params.boolean("include_datasets", false)? {
        let q = DatasetQuery { organization: Some(org.id), page: 1, page_size: 1000, sort: Some("title".into()), ..Default::default() };
        let res = search::search(&p.db, &q, &v.principal.read_filter(service::MODULE, "dataset")).await?;
        out["packages"] = json!(package_dicts(p, &res.datasets).await?);
    }
    Ok(out)
}

async fn tag_list(p: &Platform, params: &Params) -> CkanResult<Value> {
    let query = params.text("query")?.or(params.text("q")?).map(|q| q.trim().to_lowercase()).filter(|q| !q.is_empty());
    let all_fields = params.boolean("all_fields", false)?;
    let tags: Vec<String> = match &query {
        Some(q) => {
            sqlx::query_scalar(
                "SELECT DISTINCT t.tag FROM catalog_dataset_tags t JOIN catalog_datasets d ON d.id = t.dataset_id
                 WHERE d.public = TRUE AND t.tag LIKE $1 ORDER BY t.tag",
            )
            .bind(format!("%{}%", q.replace(['%', '_'], "")))
            .fetch_all(p.db.pool())
            .await?
        }
        None => {
            sqlx::query_scalar("SELECT DISTINCT t.tag FROM catalog_dataset_tags t JOIN catalog_datasets d ON d.id = t.dataset_id WHERE d.public = TRUE ORDER BY t.tag")
                .fetch_all(p.db.pool())
                .await?
        }
    };
    Ok(if all_fields {
        json!(tags.iter().map(|t| json!({ "name": t, "display_name": t, "vocabulary_id": Value::Null })).collect::<Vec<_>>())
    } else {
        json!(tags)
    })
}

fn license_list() -> Value {
    json!(licence::LICENCES
        .iter()
        .map(|l| json!({
            "id": l.id,
            "title": l.title,
            "url": l.url,
            "status": "active",
            "od_conformance": if l.open { "approved" } else { "not reviewed" },
            "osd_conformance": "not reviewed",
            "domain_content": true,
            "domain_data": true,
            "domain_software": false,
            "is_generic": l.url.is_empty(),
        }))
        .collect::<Vec<_>>())
}

fn status_show(p: &Platform) -> Value {
    json!({
        "site_title": "Communs",
        "site_description": "Catalogue de données ouvertes (API CKAN, sous-ensemble en lecture)",
        "site_url": json::base(p),
        // The level of CKAN's Action API this subset follows; clients compare it, so it must parse.
        "ckan_version": "2.10.0",
        "error_emails_to": Value::Null,
        "locale_default": "fr",
        "extensions": ["datastore"],
    })
}

fn help_show(params: &Params) -> CkanResult<Value> {
    let name = params.required("name")?;
    ACTIONS.iter().find(|(n, _)| *n == name).map(|(_, h)| json!(h)).ok_or_else(|| CkanError::not_found("Action function not found"))
}

// ----- datastore -----

/// CKAN's field types for the loader's column types.
fn ckan_type(t: ColType) -> &'static str {
    match t {
        ColType::Integer => "int",
        ColType::Decimal => "numeric",
        ColType::Boolean => "bool",
        ColType::Date => "date",
        ColType::Datetime => "timestamp",
        ColType::Text => "text",
    }
}

fn column_index(cols: &[Column], name: &str, param: &str) -> CkanResult<usize> {
    cols.iter().position(|c| c.name == name).ok_or_else(|| CkanError::field(param, &format!("field \"{name}\" not in table")))
}

fn query_value(col: &Column, v: &Value, param: &str) -> CkanResult<TValue> {
    let raw = match v {
        Value::String(s) => s.clone(),
        Value::Number(n) => n.to_string(),
        Value::Bool(b) => b.to_string(),
        _ => return Err(CkanError::field(param, &format!("invalid value for \"{}\"", col.name))),
    };
    col.reader().read_query(&raw).ok_or_else(|| CkanError::field(param, &format!("invalid value for \"{}\" ({})", col.name, ckan_type(col.ty))))
}

/// CKAN's `sort`: `"a, b desc"` or a list of such clauses.
fn datastore_sort(params: &Params, cols: &[Column]) -> CkanResult<Vec<(usize, bool)>> {
    let clauses: Vec<String> = match params.get("sort") {
        Some(Value::Array(_)) => params.list("sort")?,
        _ => params.text("sort")?.map(|s| s.split(',').map(str::to_string).collect()).unwrap_or_default(),
    };
    let mut out = Vec::new();
    for c in clauses.iter().map(|c| c.trim()).filter(|c| !c.is_empty()) {
        let (name, desc) = match c.rsplit_once(' ') {
            Some((n, d)) if d.eq_ignore_ascii_case("desc") => (n.trim(), true),
            Some((n, d)) if d.eq_ignore_ascii_case("asc") => (n.trim(), false),
            _ => (c, false),
        };
        let name = name.trim_matches('"');
        // Rows come in `_id` order once the other keys are equal.
        if name == "_id" {
            continue;
        }
        out.push((column_index(cols, name, "sort")?, desc));
    }
    Ok(out)
}

fn csv_records(rows: &[Vec<Value>], delimiter: u8) -> String {
    let mut w = csv::WriterBuilder::new().delimiter(delimiter).from_writer(Vec::new());
    for r in rows {
        let cells: Vec<String> = r.iter().map(|v| match v {
            Value::Null => String::new(),
            Value::String(s) => s.clone(),
            other => other.to_string(),
        }).collect();
        let _ = w.write_record(&cells);
    }
    String::from_utf8(w.into_inner().unwrap_or_default()).unwrap_or_default()
}

async fn datastore_search(p: &Platform, v: &Viewer, params: &Params) -> CkanResult<Value> {
    let rid = match params.text("resource_id")? {
        Some(r) if !r.trim().is_empty() => r,
        _ => params.required("id").map_err(|_| CkanError::field("resource_id", "Missing value"))?,
    };
    let rid = rid.trim().to_string();
    let missing = || CkanError::not_found(&format!("Resource \"{rid}\" was not found."));
    let r = crate::store::get_resource(p.db.pool(), &rid).await?.ok_or_else(missing)?;
    service::visible_dataset(p, &v.principal, &r.dataset_id).await.map_err(|_| missing())?;
    let meta = tabular::store::get(p.db.pool(), &rid).await?.filter(|m| m.resource_id.as_deref() == Some(rid.as_str())).ok_or_else(missing)?;
    let table = meta.table_name.clone().ok_or_else(missing)?;
    let cols = &meta.columns;

    let limit = params.natural("limit", 100, 32_000)?;
    let offset = params.natural("offset", 0, i64::MAX / 2)?;
    let mut filters = Vec::new();
    let filter_obj = params.object("filters")?.unwrap_or_default();
    for (name, want) in &filter_obj {
        let ci = column_index(cols, name, "filters")?;
        let (op, values) = match want {
            Value::Array(items) => (Op::In, items.iter().map(|i| query_value(&cols[ci], i, "filters")).collect::<CkanResult<Vec<_>>>()?),
            Value::Null => (Op::IsNull, vec![]),
            one => (Op::Exact, vec![query_value(&cols[ci], one, "filters")?]),
        };
        if op == Op::In && values.is_empty() {
            return Err(CkanError::field("filters", &format!("empty list for \"{name}\"")));
        }
        filters.push(Filter { col: ci, op, values });
    }
    // `q` as text searches every text column; as an object, each named column contains its text.
    let mut text = None;
    match params.get("q") {
        Some(Value::Object(per_field)) => {
            for (name, t) in per_field {
                let ci = column_index(cols, name, "q")?;
                let t = t.as_str().ok_or_else(|| CkanError::field("q", "Must be a string or an object of strings"))?;
                filters.push(Filter { col: ci, op: Op::Contains, values: vec![TValue::Text(t.to_string())] });
            }
        }
        _ => text = params.text("q")?.filter(|t| !t.trim().is_empty()),
    }
    let columns: Vec<usize> = match params.get("fields") {
        None => (0..cols.len()).collect(),
        Some(Value::Array(_)) => params.list("fields")?.iter().filter(|f| *f != "_id").map(|f| column_index(cols, f.trim(), "fields")).collect::<CkanResult<_>>()?,
        Some(_) => params.text("fields")?.unwrap_or_default().split(',').map(str::trim).filter(|f| !f.is_empty() && *f != "_id").map(|f| column_index(cols, f, "fields")).collect::<CkanResult<_>>()?,
    };
    let sort = datastore_sort(params, cols)?;
    let include_total = params.boolean("include_total", true)?;
    let format = params.text("records_format")?.unwrap_or_else(|| "objects".into());
    if !["objects", "lists", "csv", "tsv"].contains(&format.as_str()) {
        return Err(CkanError::field("records_format", "Value must be one of: objects, lists, csv, tsv"));
    }
    let q = Query {
        filters,
        sort,
        columns,
        q: text.clone(),
        group_by: vec![],
        aggs: vec![],
        page: 1,
        page_size: limit,
        offset,
        format: Format::Json,
        paged: true,
    };
    let pg = p.db.backend() == platform::db::Backend::Postgres;
    let (sql, count, out) = query::select(&q, cols, &table, pg, Some((limit, offset)));
    let rows: Vec<Vec<Value>> = tabular::store::fetch_rows(p, &sql, &out).await?.iter().map(|r| r.iter().map(TValue::to_json).collect()).collect();
    let names: Vec<String> = out.iter().map(|c| if c.name == "__id" { "_id".to_string() } else { c.name.clone() }).collect();
    let fields: Vec<Value> = out.iter().zip(&names).map(|(c, n)| json!({ "id": n, "type": ckan_type(c.ty) })).collect();
    let records = match format.as_str() {
        "lists" => json!(rows),
        "csv" => json!(csv_records(&rows, b',')),
        "tsv" => json!(csv_records(&rows, b'\t')),
        _ => json!(rows.iter().map(|r| names.iter().cloned().zip(r.iter().cloned()).collect::<Map<String, Value>>()).collect::<Vec<_>>()),
    };
    let link = |off: i64| {
        let mut pairs: Vec<(String, String)> = vec![("resource_id".into(), rid.clone())];
        if off > 0 {
            pairs.push(("offset".into(), off.to_string()));
        }
        if limit != 100 {
            pairs.push(("limit".into(), limit.to_string()));
        }
        format!("/api/3/action/datastore_search?{}", serde_urlencoded::to_string(&pairs).unwrap_or_default())
    };
    let mut result = json!({
        "resource_id": rid,
        "fields": fields,
        "records": records,
        "records_format": format,
        "limit": limit,
        "offset": offset,
        "filters": filter_obj,
        "_links": { "start": link(0), "next": link(offset + limit) },
    });
    if let Some(t) = text {
        result["q"] = json!(t);
    }
    if include_total {
        result["total"] = json!(match count {
            Some(c) => tabular::store::count(p, &c).await?,
            None => meta.row_count,
        });
        result["total_was_estimated"] = json!(false);
    }
    Ok(result)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn parsed(q: &str, strict: bool) -> Result<SolrFilters, String> {
        let mut f = SolrFilters::default();
        f.parse(q, strict).map(|_| f)
    }

    #[test]
    fn solr_terms_become_filters() {
        let f = parsed("+organization:quimper tags:\"Patrimoine naturel\" res_format:CSV license_id:lov2", true).unwrap();
        assert_eq!(f.organization.as_deref(), Some("quimper"));
        assert_eq!(f.tags, vec!["patrimoine-naturel".to_string()]);
        assert_eq!(f.res_format.as_deref(), Some("csv"));
        assert_eq!(f.license_id.as_deref(), Some("lov2"));
        assert!(f.text.is_empty());
        let f = parsed("*:* arbres d'alignement", false).unwrap();
        assert_eq!(f.text, vec!["arbres".to_string(), "d'alignement".to_string()]);
        // In q an unknown field is words; in fq it is refused.
        assert_eq!(parsed("title:arbres", false).unwrap().text, vec!["title arbres".to_string()]);
        assert!(parsed("title:arbres", true).is_err());
        assert!(parsed("organization:a organization:b", true).is_err());
        assert!(parsed("organization:a AND organization:a", true).is_ok());
        assert!(parsed("a OR b", false).is_err());
        assert!(parsed("-tags:x", true).is_err());
    }

    #[test]
    fn sorts_map_to_the_store() {
        assert_eq!(parse_sort("metadata_modified desc").unwrap().as_deref(), Some("-last_update"));
        assert_eq!(parse_sort("title_string asc").unwrap().as_deref(), Some("title"));
        assert_eq!(parse_sort("metadata_created").unwrap().as_deref(), Some("created"));
        assert_eq!(parse_sort("score desc, metadata_modified desc").unwrap(), None);
        assert!(parse_sort("views_recent desc").is_err());
        assert!(parse_sort("title_string sideways").is_err());
        for s in ["title_string asc", "metadata_created desc", "metadata_modified asc"] {
            assert!(search::valid_sort(&parse_sort(s).unwrap().unwrap()), "{s}");
        }
    }

    #[test]
    fn offsets_map_to_pages() {
        assert_eq!(pages_for(0, 10), (vec![1], 0));
        assert_eq!(pages_for(20, 10), (vec![3], 0));
        assert_eq!(pages_for(15, 10), (vec![2, 3], 5));
        assert_eq!(pages_for(7, 0), (vec![1], 0));
    }

    #[test]
    fn times_are_ckan_shaped() {
        assert_eq!(ckan_time(0), "1970-01-01T00:00:00.000000");
        assert_eq!(ckan_time(1_735_689_600_123), "2025-01-01T00:00:00.123000");
    }

    #[test]
    fn query_strings_repeat_into_lists_and_json_text_is_read() {
        let p = Params::from_query(Some("fq_list=a&fq_list=b&facet.field=%5B%22tags%22%5D&rows=5&private=True")).unwrap();
        assert_eq!(p.list("fq_list").unwrap(), vec!["a", "b"]);
        assert_eq!(p.list("facet.field").unwrap(), vec!["tags"]);
        assert_eq!(p.natural("rows", 10, 1000).unwrap(), 5);
        assert!(p.boolean("private", false).unwrap());
        let p = Params::from_json(br#"{"rows": 5000, "start": -1, "filters": "{\"a\": 1}"}"#).unwrap();
        assert_eq!(p.natural("rows", 10, 1000).unwrap(), 1000);
        assert!(p.natural("start", 0, 10).is_err());
        assert_eq!(p.object("filters").unwrap().unwrap()["a"], 1);
        assert!(Params::from_json(b"[1]").is_err());
    }

    proptest! {
        #[test]
        fn solr_parsing_never_panics(s in "\\PC{0,80}") {
            let _ = parsed(&s, true);
            let _ = parsed(&s, false);
        }

        #[test]
        fn offsets_cover_the_window(start in 0i64..10_000, rows in 1i64..1000) {
            let (pages, skip) = pages_for(start, rows);
            let first = (pages[0] - 1) * rows + skip;
            prop_assert_eq!(first, start);
            prop_assert!(pages.len() as i64 * rows - skip >= rows);
        }
    }
}
