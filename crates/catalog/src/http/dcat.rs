//! DCAT-AP at udata's paths: the site catalogue (`/api/1/site/catalog.{fmt}`, also udata's
//! `/api/1/site/data.{fmt}`), an organisation's (`/api/1/organizations/{id}/catalog.{fmt}`) and
//! one dataset's (`/api/1/datasets/{id}/rdf.{fmt}`), in Turtle, RDF/XML, JSON-LD and N-Triples;
//! the paths without extension negotiate on `Accept` and redirect, as udata does. Catalogues
//! list public datasets only, whoever asks: they are what harvesters copy. Catalogues are
//! paged (`page`, `page_size`, default 100) with a Hydra partial collection view, and take the
//! dataset list's filters.
//!
//! matchit cannot match a parameter followed by a suffix (`rdf.{fmt}`), so each format has
//! its own static route; they cannot clash with udata's JSON routes.
use std::collections::HashMap;

use axum::extract::{Path, RawQuery, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use platform::access::ScopeFilter;
use platform::error::{ApiResult, AppError, Problem};
use platform::http::extract::{ApiPath, ViewerExt};
use platform::module::OpenApiRouter;
use platform::Platform;
use sqlx::Row;
use utoipa_axum::routes;

use super::api::parse_search;
use super::json;
use crate::dcat::graph::Graph;
use crate::dcat::mapping::{self, Agent, CatalogInfo, Paging};
use crate::dcat::Format;
use crate::domain::model::Dataset;
use crate::service;
use crate::store::search;

pub const DEFAULT_PAGE_SIZE: i64 = 100;
const MAX_PAGE_SIZE: i64 = 1000;

pub fn router() -> OpenApiRouter<Platform> {
    let mut r = OpenApiRouter::new().routes(routes!(dataset_negotiate)).routes(routes!(site_negotiate));
    r = r.route("/api/1/site/data", get(site_negotiate));
    r = r.route("/api/1/organizations/{id}/catalog", get(org_negotiate));
    for &(ext, fmt) in Format::EXTENSIONS {
        let site = get(move |s: State<Platform>, q: RawQuery| site_catalog(s, q, fmt));
        r = r.route(&format!("/api/1/site/catalog.{ext}"), site.clone()).route(&format!("/api/1/site/data.{ext}"), site);
        r = r.route(&format!("/api/1/organizations/{{id}}/catalog.{ext}"), get(move |s: State<Platform>, id: Path<String>, q: RawQuery| org_catalog(s, id, q, fmt)));
        r = r.route(&format!("/api/1/datasets/{{id}}/rdf.{ext}"), get(move |s: State<Platform>, v: ViewerExt, id: Path<String>| dataset_rdf(s, v, id, fmt)));
    }
    r
}

fn rdf_response(fmt: Format, g: &Graph) -> Response {
    (StatusCode::OK, [(header::CONTENT_TYPE, fmt.content_type())], fmt.write(g)).into_response()
}

/// udata redirects the generic URL to the negotiated format's, keeping the query string.
fn negotiated(path: &str, headers: &HeaderMap, raw: Option<&str>) -> Response {
    let fmt = Format::negotiate(headers.get(header::ACCEPT).and_then(|v| v.to_str().ok()));
    let query = raw.filter(|q| !q.is_empty()).map(|q| format!("?{q}")).unwrap_or_default();
    let location = format!("{path}.{}{query}", fmt.extension());
    (StatusCode::FOUND, [(header::LOCATION, location), (header::VARY, "Accept".to_string())]).into_response()
}

/// Redirects to the site catalogue in the format the `Accept` header prefers (JSON-LD by
/// default): `.ttl` (Turtle), `.xml`/`.rdf` (RDF/XML), `.json`/`.jsonld` (JSON-LD), `.nt`.
#[utoipa::path(get, path = "/api/1/site/catalog", tag = "catalog",
    responses((status = 302, description = "Redirect to `/api/1/site/catalog.{ttl|xml|json|nt}`; DCAT-AP 2.1.1, paged with `page` and `page_size` (default 100, at most 1000) and a Hydra view")))]
async fn site_negotiate(headers: HeaderMap, RawQuery(raw): RawQuery) -> Response {
    negotiated("/api/1/site/catalog", &headers, raw.as_deref())
}

async fn org_negotiate(Path(id): Path<String>, headers: HeaderMap, RawQuery(raw): RawQuery) -> Response {
    negotiated(&format!("/api/1/organizations/{}/catalog", encode_segment(&id)), &headers, raw.as_deref())
}

/// Redirects to the dataset's DCAT-AP description in the format the `Accept` header prefers
/// (JSON-LD by default): `rdf.ttl`, `rdf.xml`/`rdf.rdf`, `rdf.json`/`rdf.jsonld`, `rdf.nt`.
#[utoipa::path(get, path = "/api/1/datasets/{id}/rdf", tag = "catalog", params(("id" = String, Path, description = "Id or slug")),
    responses((status = 302, description = "Redirect to `/api/1/datasets/{id}/rdf.{ttl|xml|json|nt}`"),
        (status = 404, body = Problem, content_type = "application/problem+json")))]
async fn dataset_negotiate(State(p): State<Platform>, ViewerExt(v): ViewerExt, ApiPath(id): ApiPath<String>, headers: HeaderMap) -> ApiResult<Response> {
    let d = readable(&p, &v, &id).await?;
    Ok(negotiated(&format!("/api/1/datasets/{}/rdf", d.id), &headers, None))
}

fn encode_segment(s: &str) -> String {
    s.bytes()
        .map(|b| if b.is_ascii_alphanumeric() || b"-._~".contains(&b) { (b as char).to_string() } else { format!("%{b:02X}") })
        .collect()
}

/// The dataset as the viewer may read it; deleted ones are gone from the RDF views for all.
async fn readable(p: &Platform, v: &platform::http::Viewer, id: &str) -> Result<Dataset, AppError> {
    let d = service::visible_dataset(p, &v.principal, id).await?;
    if d.deleted_at.is_some() {
        return Err(AppError::not_found());
    }
    Ok(d)
}

async fn dataset_rdf(State(p): State<Platform>, ViewerExt(v): ViewerExt, Path(id): Path<String>, fmt: Format) -> ApiResult<Response> {
    let d = readable(&p, &v, &id).await?;
    let agents = publishers(&p, std::slice::from_ref(&d)).await?;
    let base = json::base(&p);
    let mut g = Graph::new();
    mapping::dataset(&mut g, &base, &d, publisher(&agents, &d).as_ref());
    Ok(rdf_response(fmt, &g))
}

async fn site_catalog(State(p): State<Platform>, RawQuery(raw): RawQuery, fmt: Format) -> ApiResult<Response> {
    let base = json::base(&p);
    let publisher = match p.org_by_slug("communs").await? {
        Some(o) => Agent { iri: Some(format!("{base}/api/1/organizations/{}/", o.id)), name: o.name, organization: true },
        None => Agent { iri: None, name: "Communs".into(), organization: true },
    };
    let info = CatalogInfo {
        iri: format!("{base}/api/1/site/catalog"),
        title: "Communs — catalogue de données".into(),
        description: "Jeux de données publics publiés sur cette plateforme Communs.".into(),
        homepage: format!("{base}/catalog"),
        publisher,
    };
    catalog(&p, &base, info, None, "/api/1/site/catalog", raw.as_deref(), fmt).await
}

async fn org_catalog(State(p): State<Platform>, Path(id): Path<String>, RawQuery(raw): RawQuery, fmt: Format) -> ApiResult<Response> {
    let base = json::base(&p);
    let org = super::api::organization_out(&p, &id).await?;
    let org_id: i64 = org.org.id.parse().map_err(|_| AppError::not_found())?;
    let info = CatalogInfo {
        iri: format!("{base}/api/1/organizations/{org_id}/catalog"),
        title: org.org.name.clone(),
        description: if org.description.trim().is_empty() { org.org.name.clone() } else { org.description.clone() },
        homepage: org.org.page.clone(),
        publisher: Agent { iri: Some(format!("{base}/api/1/organizations/{org_id}/")), name: org.org.name.clone(), organization: true },
    };
    let path = format!("/api/1/organizations/{}/catalog", encode_segment(&id));
    catalog(&p, &base, info, Some(org_id), &path, raw.as_deref(), fmt).await
}

async fn catalog(p: &Platform, base: &str, info: CatalogInfo, org: Option<i64>, path: &str, raw: Option<&str>, fmt: Format) -> ApiResult<Response> {
    let mut q = parse_search(p, raw, MAX_PAGE_SIZE).await?;
    let pairs: Vec<(String, String)> = serde_urlencoded::from_str(raw.unwrap_or("")).unwrap_or_default();
    if !pairs.iter().any(|(k, _)| k == "page_size") {
        q.page_size = DEFAULT_PAGE_SIZE;
    }
    q.facets = false;
    q.deleted = false;
    if org.is_some() {
        q.organization = org;
    }
    // What an anonymous visitor sees, whoever asks: a catalogue is copied by harvesters.
    let anonymous = ScopeFilter::Limited { user_id: None, org_ids: vec![], own: false };
    let res = search::search(&p.db, &q, &anonymous).await?;
    let agents = publishers(p, &res.datasets).await?;
    let items: Vec<(Dataset, Option<Agent>)> = res.datasets.into_iter().map(|d| {
        let a = publisher(&agents, &d);
        (d, a)
    }).collect();
    let kept: Vec<(String, String)> = pairs.into_iter().filter(|(k, _)| k != "page" && k != "page_size").collect();
    // Page links keep the requested format, so a harvester following them stays in it.
    let (page_size, prefix, ext) = (q.page_size, format!("{base}{path}"), fmt.extension());
    let paging = Paging {
        page: q.page,
        page_size,
        total: res.total,
        link: Box::new(move |page| {
            let mut params = kept.clone();
            params.push(("page".into(), page.to_string()));
            params.push(("page_size".into(), page_size.to_string()));
            format!("{prefix}.{ext}?{}", serde_urlencoded::to_string(&params).unwrap_or_default())
        }),
    };
    let mut g = Graph::new();
    mapping::catalog(&mut g, base, &info, &items, Some(&paging));
    Ok(rdf_response(fmt, &g))
}

#[derive(Default)]
struct Publishers {
    orgs: HashMap<i64, Agent>,
    users: HashMap<i64, Agent>,
}

fn publisher(a: &Publishers, d: &Dataset) -> Option<Agent> {
    match (d.org_id, d.owner_id) {
        (Some(o), _) => a.orgs.get(&o).cloned(),
        (None, Some(u)) => a.users.get(&u).cloned(),
        _ => None,
    }
}

async fn publishers(p: &Platform, datasets: &[Dataset]) -> Result<Publishers, sqlx::Error> {
    let base = json::base(p);
    let mut out = Publishers::default();
    let mut orgs: Vec<i64> = datasets.iter().filter_map(|d| d.org_id).collect();
    orgs.sort();
    orgs.dedup();
    for id in orgs {
        if let Some(r) = sqlx::query("SELECT name FROM organisations WHERE id = $1").bind(id).fetch_optional(p.db.pool()).await? {
            out.orgs.insert(id, Agent { iri: Some(format!("{base}/api/1/organizations/{id}/")), name: r.get(0), organization: true });
        }
    }
    let mut users: Vec<i64> = datasets.iter().filter(|d| d.org_id.is_none()).filter_map(|d| d.owner_id).collect();
    users.sort();
    users.dedup();
    for id in users {
        if let Some(r) = sqlx::query("SELECT display_name FROM users WHERE id = $1").bind(id).fetch_optional(p.db.pool()).await? {
            out.users.insert(id, Agent { iri: None, name: r.get(0), organization: false });
        }
    }
    Ok(out)
}
