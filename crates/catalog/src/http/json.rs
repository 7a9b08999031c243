//! The JSON shape of datasets and resources, udata's (v1), shared by our API and udata's so
//! that a udata client reads either.
use std::collections::HashMap;

use platform::clock::rfc3339;
use platform::Platform;
use serde::Serialize;
use sqlx::Row;
use utoipa::ToSchema;

use crate::domain::model::{Dataset, Resource, SchemaRef, Spatial, TemporalCoverage};
use crate::domain::quality;

#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct OrgRef {
    pub id: String,
    pub name: String,
    pub slug: String,
    pub acronym: Option<String>,
    pub logo: Option<String>,
    pub page: String,
    pub uri: String,
    pub class: &'static str,
}

#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct Checksum {
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub value: String,
}

#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct ResourceOut {
    pub id: String,
    pub title: String,
    pub description: String,
    pub filetype: String,
    #[serde(rename = "type")]
    pub rtype: String,
    pub format: String,
    /// Absolute URL of the file (uploaded files are served by this server).
    pub url: String,
    /// Permanent URL, redirecting to the current file: `/api/1/datasets/r/{id}`.
    pub latest: String,
    pub checksum: Option<Checksum>,
    pub filesize: Option<i64>,
    pub mime: String,
    pub created_at: String,
    pub last_modified: String,
    #[schema(value_type = Object)]
    pub extras: serde_json::Value,
    pub schema: Option<SchemaRef>,
    /// Instant API over the table, when the resource is tabular.
    pub preview_url: Option<String>,
}

#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct Metrics {
    pub discussions: i64,
    pub followers: i64,
    pub reuses: i64,
    pub views: i64,
}

#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct Badge {
    pub kind: String,
}

#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct DatasetOut {
    pub id: String,
    pub title: String,
    pub acronym: Option<String>,
    pub slug: String,
    pub description: String,
    pub created_at: String,
    pub last_modified: String,
    pub last_update: String,
    pub deleted: Option<String>,
    pub archived: Option<String>,
    pub private: bool,
    pub featured: bool,
    pub tags: Vec<String>,
    pub badges: Vec<Badge>,
    pub resources: Vec<ResourceOut>,
    pub community_resources: Vec<ResourceOut>,
    pub frequency: String,
    pub frequency_date: Option<String>,
    #[schema(value_type = Object)]
    pub extras: serde_json::Value,
    pub metrics: Metrics,
    pub organization: Option<OrgRef>,
    pub owner: Option<serde_json::Value>,
    pub temporal_coverage: Option<TemporalCoverage>,
    pub spatial: Option<Spatial>,
    pub license: String,
    /// API URL of the dataset.
    pub uri: String,
    /// Page of the dataset.
    pub page: String,
    /// udata's quality criteria and score.
    #[schema(value_type = Object)]
    pub quality: serde_json::Value,
}

pub fn base(p: &Platform) -> String {
    p.config.public_url.trim_end_matches('/').to_string()
}

pub fn absolute(p: &Platform, url: &str) -> String {
    if url.starts_with('/') {
        format!("{}{url}", base(p))
    } else {
        url.to_string()
    }
}

pub fn resource_out(p: &Platform, r: &Resource) -> ResourceOut {
    let tabular = matches!(r.format.as_str(), "csv" | "tsv");
    ResourceOut {
        id: r.id.clone(),
        title: r.title.clone(),
        description: r.description.clone(),
        filetype: r.filetype.clone(),
        rtype: r.rtype.clone(),
        format: r.format.clone(),
        url: absolute(p, &r.url),
        latest: format!("{}/api/1/datasets/r/{}", base(p), r.id),
        checksum: r.sha256.clone().map(|value| Checksum { kind: "sha256", value }),
        filesize: r.filesize,
        mime: r.mime.clone(),
        created_at: rfc3339(r.created_at),
        last_modified: rfc3339(r.modified_at),
        extras: r.extras.clone(),
        schema: r.schema.clone(),
        preview_url: tabular.then(|| format!("{}/catalog/tables/{}", base(p), r.id)),
    }
}

/// Organisation references and counters for a page of datasets, in a few queries.
#[derive(Default)]
pub struct Context {
    pub orgs: HashMap<i64, OrgRef>,
    pub discussions: HashMap<String, i64>,
    pub followers: HashMap<String, i64>,
    pub reuses: HashMap<String, i64>,
}

pub fn org_ref(p: &Platform, id: i64, name: String, slug: String, acronym: Option<String>) -> OrgRef {
    OrgRef {
        id: id.to_string(),
        page: format!("{}/catalog/organizations/{slug}", base(p)),
        uri: format!("{}/api/1/organizations/{slug}/", base(p)),
        name,
        slug,
        acronym: acronym.filter(|a| !a.is_empty()),
        logo: None,
        class: "Organization",
    }
}

async fn counts(p: &Platform, sql: &str, ids: &[&str]) -> Result<HashMap<String, i64>, sqlx::Error> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let ph: Vec<String> = (1..=ids.len()).map(|i| format!("${i}")).collect();
    let sql = sql.replace("{ids}", &ph.join(","));
    let mut q = sqlx::query(&sql);
    for id in ids {
        q = q.bind(*id);
    }
    Ok(q.fetch_all(p.db.pool()).await?.iter().map(|r| (r.get::<String, _>(0), r.get::<i64, _>(1))).collect())
}

pub async fn context(p: &Platform, datasets: &[Dataset]) -> Result<Context, sqlx::Error> {
    let mut ctx = Context::default();
    let mut org_ids: Vec<i64> = datasets.iter().filter_map(|d| d.org_id).collect();
    org_ids.sort();
    org_ids.dedup();
    if !org_ids.is_empty() {
        // Integers, inlined: one query for the page's organisations.
        let list: Vec<String> = org_ids.iter().map(|i| i.to_string()).collect();
        let rows = sqlx::query(&format!(
            "SELECT o.id, o.name, o.slug, c.acronym FROM organisations o LEFT JOIN catalog_org_profiles c ON c.org_id = o.id WHERE o.id IN ({})",
            list.join(",")
        ))
        .fetch_all(p.db.pool())
        .await?;
        for r in rows {
            let id: i64 = r.get(0);
            ctx.orgs.insert(id, org_ref(p, id, r.get(1), r.get(2), r.get(3)));
        }
    }
    let ids: Vec<&str> = datasets.iter().map(|d| d.id.as_str()).collect();
    ctx.discussions = counts(p, "SELECT dataset_id, COUNT(*) FROM catalog_discussions WHERE dataset_id IN ({ids}) GROUP BY dataset_id", &ids).await?;
    ctx.followers = counts(p, "SELECT dataset_id, COUNT(*) FROM catalog_follows WHERE dataset_id IN ({ids}) GROUP BY dataset_id", &ids).await?;
    ctx.reuses = counts(p, "SELECT dataset_id, COUNT(*) FROM catalog_reuse_datasets WHERE dataset_id IN ({ids}) GROUP BY dataset_id", &ids).await?;
    Ok(ctx)
}

pub fn dataset_out(p: &Platform, ctx: &Context, d: &Dataset) -> DatasetOut {
    let b = base(p);
    DatasetOut {
        id: d.id.clone(),
        title: d.title.clone(),
        acronym: (!d.acronym.is_empty()).then(|| d.acronym.clone()),
        slug: d.slug.clone(),
        description: d.description.clone(),
        created_at: rfc3339(d.created_at),
        last_modified: rfc3339(d.modified_at),
        last_update: rfc3339(d.last_update),
        deleted: d.deleted_at.map(rfc3339),
        archived: d.archived_at.map(rfc3339),
        private: d.private,
        featured: d.featured,
        tags: d.tags.clone(),
        badges: d.badges.iter().map(|k| Badge { kind: k.clone() }).collect(),
        resources: d.resources.iter().map(|r| resource_out(p, r)).collect(),
        community_resources: vec![],
        frequency: d.frequency.clone(),
        frequency_date: d.frequency_date.map(rfc3339),
        extras: d.extras.clone(),
        metrics: Metrics {
            discussions: ctx.discussions.get(&d.id).copied().unwrap_or(0),
            followers: ctx.followers.get(&d.id).copied().unwrap_or(0),
            reuses: ctx.reuses.get(&d.id).copied().unwrap_or(0),
            views: 0,
        },
        organization: d.org_id.and_then(|o| ctx.orgs.get(&o).cloned()),
        owner: if d.org_id.is_none() { d.owner_id.map(|id| serde_json::json!({ "id": id.to_string(), "class": "User" })) } else { None },
        temporal_coverage: d.temporal_coverage.clone(),
        spatial: d.spatial.clone(),
        license: d.license.clone(),
        uri: format!("{b}/api/1/datasets/{}/", d.id),
        page: format!("{b}/catalog/datasets/{}", d.slug),
        quality: quality::compute(d, p.now()).udata_json(),
    }
}
