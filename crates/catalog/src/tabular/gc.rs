//! Collects loaded tables nobody can reach any more: the table of a resource that was deleted,
//! and tables a load left behind when it was cut short (a process stopped mid-load, an `/apify`
//! request that timed out). Runs as a job that requeues itself every hour.
use platform::audit::{self, Actor, Change};
use platform::db::Backend;
use platform::jobs::{Job, JobHandler};
use platform::Platform;
use serde::Serialize;
use serde_json::json;
use sqlx::Row;

pub const KIND: &str = "catalog.collect_tables";
const EVERY_MS: i64 = 3_600_000;
/// An `/apify` load names its table after the instant it started (milliseconds, ≥ 10¹²) and has
/// no job: younger than this it may still be running.
const APIFY_GRACE_MS: i64 = 3_600_000;
const APIFY_STAMP_MIN: i64 = 1_000_000_000_000;

#[derive(Debug, Default, PartialEq, Eq, Serialize)]
pub struct Collected {
    /// Tables of deleted resources (their metadata row is removed too).
    pub of_deleted_resources: Vec<String>,
    /// Tables no metadata row points to, whose load is over.
    pub abandoned: Vec<String>,
}

/// The loader's table names are `catalog_t_<n>`: `n` is the load's job id, or the start instant
/// of an `/apify` load.
fn table_number(name: &str) -> Option<i64> {
    name.strip_prefix("catalog_t_").filter(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit())).and_then(|n| n.parse().ok())
}

pub async fn collect(p: &Platform) -> Result<Collected, sqlx::Error> {
    let pool = p.db.pool();
    let mut out = Collected::default();
    let gone: Vec<(String, Option<String>)> = sqlx::query(
        "SELECT t.key, t.table_name FROM catalog_tables t WHERE t.resource_id IS NOT NULL
         AND NOT EXISTS (SELECT 1 FROM catalog_resources r WHERE r.id = t.resource_id) ORDER BY t.key",
    )
    .fetch_all(pool)
    .await?
    .iter()
    .map(|r| (r.get(0), r.get(1)))
    .collect();
    let listing = match p.db.backend() {
        Backend::Sqlite => "SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE 'catalog\\_t\\_%' ESCAPE '\\' ORDER BY name",
        Backend::Postgres => "SELECT tablename::text FROM pg_tables WHERE schemaname = current_schema() AND tablename LIKE 'catalog\\_t\\_%' ESCAPE '\\' ORDER BY tablename",
    };
    let existing: Vec<String> = sqlx::query(listing).fetch_all(pool).await?.iter().map(|r| r.get(0)).collect();
    let referenced: Vec<String> = sqlx::query("SELECT table_name FROM catalog_tables WHERE table_name IS NOT NULL").fetch_all(pool).await?.iter().map(|r| r.get(0)).collect();
    let live_jobs: Vec<i64> = sqlx::query("SELECT id FROM jobs WHERE kind = $1 AND status IN ('queued', 'running')")
        .bind(super::load::KIND)
        .fetch_all(pool)
        .await?
        .iter()
        .map(|r| r.get(0))
        .collect();
    let now = p.now();
    for name in &existing {
        if referenced.contains(name) {
            continue;
        }
        let Some(n) = table_number(name) else { continue };
        let loading = if n >= APIFY_STAMP_MIN { now - n < APIFY_GRACE_MS } else { live_jobs.contains(&n) };
        if !loading {
            out.abandoned.push(name.clone());
        }
    }
    if gone.is_empty() && out.abandoned.is_empty() {
        return Ok(out);
    }
    let mut tx = p.db.write().await?;
    for (key, table) in &gone {
        sqlx::query("DELETE FROM catalog_tables WHERE key = $1").bind(key).execute(tx.conn()).await?;
        if let Some(t) = table.as_deref().filter(|t| table_number(t).is_some()) {
            sqlx::query(&format!("DROP TABLE IF EXISTS {t}")).execute(tx.conn()).await?;
            out.of_deleted_resources.push(t.to_string());
        }
    }
    for t in &out.abandoned {
        sqlx::query(&format!("DROP TABLE IF EXISTS {t}")).execute(tx.conn()).await?;
    }
    audit::record(tx.conn(), now, &Actor::system("catalog"), Change {
        module: "catalog", object_type: "tables", object_id: "collect".into(), action: "collect",
        before: None, after: Some(json!({ "deleted_resources": gone.iter().map(|g| &g.0).collect::<Vec<_>>(), "dropped": out })),
    })
    .await?;
    tx.commit().await?;
    Ok(out)
}

/// Queues the collector unless it is already queued.
pub async fn schedule(p: &Platform) -> Result<(), sqlx::Error> {
    let mut tx = p.db.write().await?;
    let queued: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM jobs WHERE kind = $1 AND status IN ('queued', 'running')").bind(KIND).fetch_one(tx.conn()).await?;
    if queued == 0 {
        p.enqueue_in(tx.conn(), KIND, &json!({}), p.now() + EVERY_MS).await?;
    }
    tx.commit().await
}

pub struct CollectTables;

#[async_trait::async_trait]
impl JobHandler for CollectTables {
    fn kind(&self) -> &'static str {
        KIND
    }
    async fn run(&self, p: &Platform, job: &Job) -> Result<(), String> {
        let e = |e: sqlx::Error| e.to_string();
        let c = collect(p).await.map_err(e)?;
        p.job_progress(job.id, &format!("{} table(s) dropped", c.of_deleted_resources.len() + c.abandoned.len())).await.map_err(e)?;
        let mut tx = p.db.write().await.map_err(e)?;
        p.enqueue_in(tx.conn(), KIND, &json!({}), p.now() + EVERY_MS).await.map_err(e)?;
        tx.commit().await.map_err(e)
    }
}

#[cfg(test)]
mod tests {
    use super::table_number;

    #[test]
    fn only_the_loaders_names_have_a_number() {
        assert_eq!(table_number("catalog_t_42"), Some(42));
        assert_eq!(table_number("catalog_t_1763800000000"), Some(1_763_800_000_000));
        for other in ["catalog_t_", "catalog_t_4a", "catalog_tables", "catalog_t_1;DROP", "xcatalog_t_1"] {
            assert_eq!(table_number(other), None, "{other}");
        }
    }
}
