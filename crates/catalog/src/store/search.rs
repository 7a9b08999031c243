//! Dataset search with facets and exact counts. Each facet counts the datasets matching every
//! *other* filter (udata's semantics), so choosing a licence still shows the other licences.
use platform::access::ScopeFilter;
use platform::db::{Backend, Db};
use serde::Serialize;
use sqlx::Row;

use super::{attach_resources, dataset_from_row, DATASET_COLS};
use crate::domain::model::Dataset;

#[derive(Clone, Debug, Default)]
pub struct DatasetQuery {
    pub q: Option<String>,
    pub tags: Vec<String>,
    pub organization: Option<i64>,
    pub license: Option<String>,
    pub format: Option<String>,
    pub frequency: Option<String>,
    pub zone: Option<String>,
    pub granularity: Option<String>,
    pub badge: Option<String>,
    pub featured: Option<bool>,
    pub owner: Option<i64>,
    /// Include archived datasets (they are listed by default, like udata).
    pub archived: Option<bool>,
    /// Only deleted datasets (administrators' view).
    pub deleted: bool,
    /// `title`, `created`, `last_update`, `reuses`, `followers`, `quality`; `-` for descending.
    pub sort: Option<String>,
    pub page: i64,
    pub page_size: i64,
    pub facets: bool,
}

#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct FacetItem {
    pub name: String,
    pub count: i64,
}

#[derive(Clone, Debug, Serialize, Default, utoipa::ToSchema)]
pub struct Facets {
    pub tag: Vec<FacetItem>,
    pub organization: Vec<FacetItem>,
    pub license: Vec<FacetItem>,
    pub format: Vec<FacetItem>,
    pub frequency: Vec<FacetItem>,
    pub geozone: Vec<FacetItem>,
}

pub struct SearchResult {
    pub datasets: Vec<Dataset>,
    pub total: i64,
    pub facets: Option<Facets>,
}

#[derive(Clone)]
enum Arg {
    Text(String),
    Int(i64),
    Bool(bool),
}

/// A condition with `?` placeholders, renumbered when composed.
struct Cond {
    facet: Option<&'static str>,
    sql: String,
    args: Vec<Arg>,
}

struct Composed {
    sql: String,
    args: Vec<Arg>,
}

fn compose(conds: &[Cond], skip: Option<&str>, first: usize) -> Composed {
    let mut sql = Vec::new();
    let mut args = Vec::new();
    let mut n = first;
    for c in conds.iter().filter(|c| skip.is_none() || c.facet != skip) {
        let mut out = String::new();
        for ch in c.sql.chars() {
            if ch == '?' {
                out.push_str(&format!("${n}"));
                n += 1;
            } else {
                out.push(ch);
            }
        }
        sql.push(out);
        args.extend(c.args.iter().cloned());
    }
    Composed { sql: if sql.is_empty() { "TRUE".into() } else { sql.join(" AND ") }, args }
}

fn bind_all<'q>(mut q: sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>>, args: &[Arg]) -> sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>> {
    for a in args {
        q = match a {
            Arg::Text(s) => q.bind(s.clone()),
            Arg::Int(i) => q.bind(*i),
            Arg::Bool(b) => q.bind(*b),
        };
    }
    q
}

/// Search terms for the backend's full-text index: each word of the folded query, as a prefix.
fn fts_query(backend: Backend, q: &str) -> Option<String> {
    let terms = platform::search::query_terms(q);
    if terms.is_empty() {
        return None;
    }
    Some(match backend {
        Backend::Sqlite => terms.iter().map(|t| format!("\"{t}\"*")).collect::<Vec<_>>().join(" "),
        Backend::Postgres => terms.iter().map(|t| format!("{t}:*")).collect::<Vec<_>>().join(" & "),
    })
}

fn conditions(db: &Db, q: &DatasetQuery, visible: &ScopeFilter) -> Vec<Cond> {
    let mut c = vec![Cond { facet: None, sql: visible.sql(Some("d.public"), Some("d.owner_id"), Some("d.org_id")), args: vec![] }];
    c.push(Cond {
        facet: None,
        sql: if q.deleted { "d.deleted_at IS NOT NULL".into() } else { "d.deleted_at IS NULL".into() },
        args: vec![],
    });
    if q.archived == Some(false) {
        c.push(Cond { facet: None, sql: "d.archived_at IS NULL".into(), args: vec![] });
    } else if q.archived == Some(true) {
        c.push(Cond { facet: None, sql: "d.archived_at IS NOT NULL".into(), args: vec![] });
    }
    if let Some(text) = q.q.as_deref().and_then(|t| fts_query(db.backend(), t)) {
        let sql = match db.backend() {
            Backend::Sqlite => "d.rowid IN (SELECT rowid FROM catalog_datasets_fts WHERE catalog_datasets_fts MATCH ?)",
            Backend::Postgres => "to_tsvector('simple', d.search_text) @@ to_tsquery('simple', ?)",
        };
        c.push(Cond { facet: None, sql: sql.into(), args: vec![Arg::Text(text)] });
    }
    for t in &q.tags {
        c.push(Cond { facet: Some("tag"), sql: "d.id IN (SELECT dataset_id FROM catalog_dataset_tags WHERE tag = ?)".into(), args: vec![Arg::Text(t.clone())] });
    }
    if let Some(o) = q.organization {
        c.push(Cond { facet: Some("organization"), sql: "d.org_id = ?".into(), args: vec![Arg::Int(o)] });
    }
    if let Some(l) = &q.license {
        c.push(Cond { facet: Some("license"), sql: "d.license = ?".into(), args: vec![Arg::Text(l.clone())] });
    }
    if let Some(f) = &q.format {
        c.push(Cond { facet: Some("format"), sql: "d.id IN (SELECT dataset_id FROM catalog_resources WHERE format = ?)".into(), args: vec![Arg::Text(f.to_lowercase())] });
    }
    if let Some(f) = &q.frequency {
        c.push(Cond { facet: Some("frequency"), sql: "d.frequency = ?".into(), args: vec![Arg::Text(f.clone())] });
    }
    if let Some(z) = &q.zone {
        c.push(Cond { facet: Some("geozone"), sql: "d.id IN (SELECT dataset_id FROM catalog_dataset_zones WHERE zone = ?)".into(), args: vec![Arg::Text(z.clone())] });
    }
    if let Some(g) = &q.granularity {
        // Granularity lives in the spatial JSON; few datasets set it, so a LIKE on that column is enough.
        c.push(Cond { facet: None, sql: "d.spatial LIKE ?".into(), args: vec![Arg::Text(format!("%\"granularity\":\"{g}\"%"))] });
    }
    if let Some(b) = &q.badge {
        c.push(Cond { facet: None, sql: "d.badges LIKE ?".into(), args: vec![Arg::Text(format!("%\"{b}\"%"))] });
    }
    if let Some(f) = q.featured {
        c.push(Cond { facet: None, sql: "d.featured = ?".into(), args: vec![Arg::Bool(f)] });
    }
    if let Some(o) = q.owner {
        c.push(Cond { facet: None, sql: "d.owner_id = ?".into(), args: vec![Arg::Int(o)] });
    }
    c
}

pub const SORTS: &[&str] = &["title", "created", "last_update", "reuses", "followers", "quality"];

fn order_by(sort: Option<&str>) -> Option<String> {
    let s = sort?;
    let (key, desc) = match s.strip_prefix('-') {
        Some(k) => (k, true),
        None => (s, false),
    };
    let col = match key {
        "title" => "d.title",
        "created" | "created_at" | "created_at_internal" => "d.created_at",
        "last_update" | "last_modified" => "d.last_update",
        "reuses" => "(SELECT COUNT(*) FROM catalog_reuse_datasets rd WHERE rd.dataset_id = d.id)",
        "followers" => "(SELECT COUNT(*) FROM catalog_follows f WHERE f.dataset_id = d.id)",
        "quality" => "d.quality",
        _ => return None,
    };
    Some(format!("{col} {}, d.id", if desc { "DESC" } else { "ASC" }))
}

/// Whether `sort` is one the search knows (the API refuses the others with a field error).
pub fn valid_sort(sort: &str) -> bool {
    order_by(Some(sort)).is_some()
}

pub async fn search(db: &Db, q: &DatasetQuery, visible: &ScopeFilter) -> Result<SearchResult, sqlx::Error> {
    let conds = conditions(db, q, visible);
    let all = compose(&conds, None, 1);
    let pool = db.pool();
    let total: i64 = bind_all(sqlx::query(&format!("SELECT COUNT(*) FROM catalog_datasets d WHERE {}", all.sql)), &all.args)
        .fetch_one(pool)
        .await?
        .get(0);
    let text = q.q.as_deref().and_then(|t| fts_query(db.backend(), t));
    let order = match (order_by(q.sort.as_deref()), &text) {
        (Some(o), _) => o,
        // Relevance first when searching words, then quality: udata ranks by score too.
        (None, Some(_)) => match db.backend() {
            Backend::Sqlite => format!(
                "(SELECT bm25(catalog_datasets_fts) FROM catalog_datasets_fts WHERE catalog_datasets_fts MATCH ${} AND rowid = d.rowid), d.quality DESC, d.id",
                all.args.len() + 3
            ),
            Backend::Postgres => format!("ts_rank(to_tsvector('simple', d.search_text), to_tsquery('simple', ${})) DESC, d.quality DESC, d.id", all.args.len() + 3),
        },
        (None, None) => "d.created_at DESC, d.id".into(),
    };
    let n = all.args.len();
    let sql = format!("SELECT {DATASET_COLS} FROM catalog_datasets d WHERE {} ORDER BY {order} LIMIT ${} OFFSET ${}", all.sql, n + 1, n + 2);
    let mut query = bind_all(sqlx::query(&sql), &all.args).bind(q.page_size).bind((q.page - 1).max(0) * q.page_size);
    if q.sort.is_none() {
        if let Some(t) = &text {
            query = query.bind(t.clone());
        }
    }
    let rows = query.fetch_all(pool).await?;
    let mut datasets: Vec<Dataset> = rows.iter().map(dataset_from_row).collect();
    attach_resources(pool, &mut datasets).await?;
    let facets = if q.facets { Some(facets(db, &conds).await?) } else { None };
    Ok(SearchResult { datasets, total, facets })
}

async fn facet(db: &Db, conds: &[Cond], name: &'static str, select: &str, from: &str, limit: i64) -> Result<Vec<FacetItem>, sqlx::Error> {
    let w = compose(conds, Some(name), 1);
    let sql = format!("SELECT {select} AS name, COUNT(DISTINCT d.id) AS n FROM {from} WHERE {} GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT {limit}", w.sql);
    let rows = bind_all(sqlx::query(&sql), &w.args).fetch_all(db.pool()).await?;
    Ok(rows
        .iter()
        .filter_map(|r| {
            let name: Option<String> = r.try_get::<Option<String>, _>(0).ok().flatten().or_else(|| r.try_get::<Option<i64>, _>(0).ok().flatten().map(|i| i.to_string()));
            name.filter(|n| !n.is_empty()).map(|name| FacetItem { name, count: r.get(1) })
        })
        .collect())
}

async fn facets(db: &Db, conds: &[Cond]) -> Result<Facets, sqlx::Error> {
    Ok(Facets {
        tag: facet(db, conds, "tag", "t.tag", "catalog_dataset_tags t JOIN catalog_datasets d ON d.id = t.dataset_id", 20).await?,
        organization: facet(db, conds, "organization", "d.org_id", "catalog_datasets d", 20).await?,
        license: facet(db, conds, "license", "d.license", "catalog_datasets d", 20).await?,
        format: facet(db, conds, "format", "r.format", "catalog_resources r JOIN catalog_datasets d ON d.id = r.dataset_id", 20).await?,
        frequency: facet(db, conds, "frequency", "d.frequency", "catalog_datasets d", 50).await?,
        geozone: facet(db, conds, "geozone", "z.zone", "catalog_dataset_zones z JOIN catalog_datasets d ON d.id = z.dataset_id", 20).await?,
    })
}
