//! Storage of datasets, resources, reuses and discussions (SQLite and PostgreSQL, same SQL
//! except full-text search).
pub mod search;

use platform::db::get_bool;
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, AnyPool, Row};

use crate::domain::model::{Dataset, Resource, SchemaRef, Spatial, TemporalCoverage};

pub const DATASET_COLS: &str = "d.id, d.slug, d.title, d.acronym, d.description, d.license, d.frequency, d.frequency_date, \
    d.temporal_start, d.temporal_end, d.spatial, d.tags, d.org_id, d.owner_id, d.private, d.archived_at, d.deleted_at, \
    d.featured, d.badges, d.extras, d.publication, d.created_at, d.modified_at, d.last_update";

fn json_or<T: serde::de::DeserializeOwned>(s: Option<String>, default: T) -> T {
    s.and_then(|s| serde_json::from_str(&s).ok()).unwrap_or(default)
}

pub fn dataset_from_row(r: &AnyRow) -> Dataset {
    let start: Option<String> = r.get("temporal_start");
    let end: Option<String> = r.get("temporal_end");
    Dataset {
        id: r.get("id"),
        slug: r.get("slug"),
        title: r.get("title"),
        acronym: r.get("acronym"),
        description: r.get("description"),
        license: r.get("license"),
        frequency: r.get("frequency"),
        frequency_date: r.get("frequency_date"),
        temporal_coverage: start.zip(end).map(|(start, end)| TemporalCoverage { start, end }),
        spatial: json_or::<Option<Spatial>>(r.get("spatial"), None),
        tags: json_or(r.get("tags"), vec![]),
        org_id: r.get("org_id"),
        owner_id: r.get("owner_id"),
        private: get_bool(r, "private"),
        archived_at: r.get("archived_at"),
        deleted_at: r.get("deleted_at"),
        featured: get_bool(r, "featured"),
        badges: json_or(r.get("badges"), vec![]),
        extras: json_or(r.get("extras"), serde_json::json!({})),
        publication: r.get("publication"),
        created_at: r.get("created_at"),
        modified_at: r.get("modified_at"),
        last_update: r.get("last_update"),
        resources: Vec::new(),
    }
}

pub const RESOURCE_COLS: &str = "id, dataset_id, title, description, filetype, type, url, format, mime, filesize, sha256, schema_ref, extras, created_at, modified_at";

pub fn resource_from_row(r: &AnyRow) -> Resource {
    Resource {
        id: r.get("id"),
        dataset_id: r.get("dataset_id"),
        title: r.get("title"),
        description: r.get("description"),
        filetype: r.get("filetype"),
        rtype: r.get("type"),
        url: r.get("url"),
        format: r.get("format"),
        mime: r.get("mime"),
        filesize: r.get("filesize"),
        sha256: r.get("sha256"),
        schema: json_or::<Option<SchemaRef>>(r.get("schema_ref"), None),
        extras: json_or(r.get("extras"), serde_json::json!({})),
        created_at: r.get("created_at"),
        modified_at: r.get("modified_at"),
    }
}

/// Fills `resources` of each dataset, in their order.
pub async fn attach_resources(pool: &AnyPool, datasets: &mut [Dataset]) -> Result<(), sqlx::Error> {
    let mut conn = pool.acquire().await?;
    attach_resources_on(&mut conn, datasets).await
}

pub async fn attach_resources_on(conn: &mut AnyConnection, datasets: &mut [Dataset]) -> Result<(), sqlx::Error> {
    if datasets.is_empty() {
        return Ok(());
    }
    let placeholders: Vec<String> = (1..=datasets.len()).map(|i| format!("${i}")).collect();
    let sql = format!("SELECT {RESOURCE_COLS} FROM catalog_resources WHERE dataset_id IN ({}) ORDER BY dataset_id, position", placeholders.join(","));
    let mut q = sqlx::query(&sql);
    for d in datasets.iter() {
        q = q.bind(&d.id);
    }
    let rows = q.fetch_all(conn).await?;
    for r in rows.iter().map(resource_from_row) {
        if let Some(d) = datasets.iter_mut().find(|d| d.id == r.dataset_id) {
            d.resources.push(r);
        }
    }
    Ok(())
}

/// A dataset by id or slug (deleted ones included: callers decide), with its resources.
pub async fn get_dataset(pool: &AnyPool, id_or_slug: &str) -> Result<Option<Dataset>, sqlx::Error> {
    let mut conn = pool.acquire().await?;
    get_dataset_on(&mut conn, id_or_slug).await
}

/// [`get_dataset`] as seen by a transaction.
pub async fn get_dataset_on(conn: &mut AnyConnection, id_or_slug: &str) -> Result<Option<Dataset>, sqlx::Error> {
    let row = sqlx::query(&format!("SELECT {DATASET_COLS} FROM catalog_datasets d WHERE d.id = $1 OR d.slug = $1"))
        .bind(id_or_slug)
        .fetch_optional(&mut *conn)
        .await?;
    let Some(row) = row else { return Ok(None) };
    let mut ds = [dataset_from_row(&row)];
    attach_resources_on(conn, &mut ds).await?;
    let [d] = ds;
    Ok(Some(d))
}

pub async fn get_resource(pool: &AnyPool, id: &str) -> Result<Option<Resource>, sqlx::Error> {
    Ok(sqlx::query(&format!("SELECT {RESOURCE_COLS} FROM catalog_resources WHERE id = $1"))
        .bind(id)
        .fetch_optional(pool)
        .await?
        .as_ref()
        .map(resource_from_row))
}

/// The text the search index holds for a dataset: accent-folded, lowercase.
pub fn search_text(d: &Dataset, org_name: Option<&str>) -> String {
    let mut s = format!("{} {} {} {}", d.title, d.acronym, d.tags.join(" "), org_name.unwrap_or(""));
    s.push(' ');
    s.push_str(&d.description.chars().take(5000).collect::<String>());
    platform::search::fold(&s)
}

async fn org_name(conn: &mut AnyConnection, org_id: Option<i64>) -> Result<Option<String>, sqlx::Error> {
    match org_id {
        Some(id) => sqlx::query_scalar("SELECT name FROM organisations WHERE id = $1").bind(id).fetch_optional(conn).await,
        None => Ok(None),
    }
}

/// Inserts or replaces the dataset row and its facet rows (tags, zones). Resources are separate.
pub async fn save_dataset(conn: &mut AnyConnection, d: &Dataset, quality: f64) -> Result<(), sqlx::Error> {
    let org = org_name(&mut *conn, d.org_id).await?;
    let text = search_text(d, org.as_deref());
    let spatial = d.spatial.as_ref().map(|s| serde_json::to_string(s).unwrap_or_default());
    sqlx::query(
        "INSERT INTO catalog_datasets (id, slug, title, acronym, description, license, frequency, frequency_date, temporal_start,
           temporal_end, spatial, tags, org_id, owner_id, private, public, archived_at, deleted_at, featured, badges, extras,
           publication, quality, search_text, created_at, modified_at, last_update)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24, $25, $26, $27)
         ON CONFLICT (id) DO UPDATE SET slug = excluded.slug, title = excluded.title, acronym = excluded.acronym,
           description = excluded.description, license = excluded.license, frequency = excluded.frequency,
           frequency_date = excluded.frequency_date, temporal_start = excluded.temporal_start, temporal_end = excluded.temporal_end,
           spatial = excluded.spatial, tags = excluded.tags, org_id = excluded.org_id, owner_id = excluded.owner_id,
           private = excluded.private, public = excluded.public, archived_at = excluded.archived_at, deleted_at = excluded.deleted_at,
           featured = excluded.featured, badges = excluded.badges, extras = excluded.extras, publication = excluded.publication,
           quality = excluded.quality, search_text = excluded.search_text, modified_at = excluded.modified_at, last_update = excluded.last_update",
    )
    .bind(&d.id)
    .bind(&d.slug)
    .bind(&d.title)
    .bind(&d.acronym)
    .bind(&d.description)
    .bind(&d.license)
    .bind(&d.frequency)
    .bind(d.frequency_date)
    .bind(d.temporal_coverage.as_ref().map(|t| t.start.clone()))
    .bind(d.temporal_coverage.as_ref().map(|t| t.end.clone()))
    .bind(spatial)
    .bind(serde_json::to_string(&d.tags).unwrap_or_default())
    .bind(d.org_id)
    .bind(d.owner_id)
    .bind(d.private)
    .bind(d.is_public())
    .bind(d.archived_at)
    .bind(d.deleted_at)
    .bind(d.featured)
    .bind(serde_json::to_string(&d.badges).unwrap_or_default())
    .bind(d.extras.to_string())
    .bind(d.publication.as_deref())
    .bind(quality)
    .bind(text)
    .bind(d.created_at)
    .bind(d.modified_at)
    .bind(d.last_update)
    .execute(&mut *conn)
    .await?;
    sqlx::query("DELETE FROM catalog_dataset_tags WHERE dataset_id = $1").bind(&d.id).execute(&mut *conn).await?;
    for t in &d.tags {
        sqlx::query("INSERT INTO catalog_dataset_tags (dataset_id, tag) VALUES ($1, $2)").bind(&d.id).bind(t).execute(&mut *conn).await?;
    }
    sqlx::query("DELETE FROM catalog_dataset_zones WHERE dataset_id = $1").bind(&d.id).execute(&mut *conn).await?;
    for z in d.spatial.iter().flat_map(|s| s.zones.iter()) {
        sqlx::query("INSERT INTO catalog_dataset_zones (dataset_id, zone) VALUES ($1, $2)").bind(&d.id).bind(z).execute(&mut *conn).await?;
    }
    Ok(())
}

pub async fn slug_taken(conn: &mut AnyConnection, slug: &str, except_id: &str) -> Result<bool, sqlx::Error> {
    let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM catalog_datasets WHERE slug = $1 AND id <> $2")
        .bind(slug)
        .bind(except_id)
        .fetch_one(conn)
        .await?;
    Ok(n > 0)
}

pub async fn save_resource(conn: &mut AnyConnection, r: &Resource, position: i64) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO catalog_resources (id, dataset_id, position, title, description, filetype, type, url, format, mime, filesize,
           sha256, schema_ref, extras, created_at, modified_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)
         ON CONFLICT (id) DO UPDATE SET position = excluded.position, title = excluded.title, description = excluded.description,
           filetype = excluded.filetype, type = excluded.type, url = excluded.url, format = excluded.format, mime = excluded.mime,
           filesize = excluded.filesize, sha256 = excluded.sha256, schema_ref = excluded.schema_ref, extras = excluded.extras,
           modified_at = excluded.modified_at",
    )
    .bind(&r.id)
    .bind(&r.dataset_id)
    .bind(position)
    .bind(&r.title)
    .bind(&r.description)
    .bind(&r.filetype)
    .bind(&r.rtype)
    .bind(&r.url)
    .bind(&r.format)
    .bind(&r.mime)
    .bind(r.filesize)
    .bind(r.sha256.as_deref())
    .bind(r.schema.as_ref().map(|s| serde_json::to_string(s).unwrap_or_default()))
    .bind(r.extras.to_string())
    .bind(r.created_at)
    .bind(r.modified_at)
    .execute(conn)
    .await?;
    Ok(())
}

/// Merges `patch` into a resource's extras (the link checker's and loader's `check:*`,
/// `analysis:*` keys) without touching the rest of the resource.
/// The resource's own `modified_at` is left alone: a check is not an edit of its metadata.
pub async fn merge_resource_extras(conn: &mut AnyConnection, id: &str, patch: &serde_json::Map<String, serde_json::Value>) -> Result<bool, sqlx::Error> {
    let current: Option<String> = sqlx::query_scalar("SELECT extras FROM catalog_resources WHERE id = $1").bind(id).fetch_optional(&mut *conn).await?;
    let Some(current) = current else { return Ok(false) };
    let mut extras: serde_json::Map<String, serde_json::Value> = serde_json::from_str(&current).unwrap_or_default();
    for (k, v) in patch {
        extras.insert(k.clone(), v.clone());
    }
    sqlx::query("UPDATE catalog_resources SET extras = $1 WHERE id = $2").bind(serde_json::Value::Object(extras).to_string()).bind(id)
        .execute(conn)
        .await?;
    Ok(true)
}
