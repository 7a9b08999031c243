//! The tabular API: every CSV/TSV resource is profiled and loaded into a typed table, served with
//! api-tabular's query language and csvapi's. Pure parts: [`sniff`] (encoding, dialect),
//! [`types`] (cells, French formats), [`profile`] (type inference, column profiles), [`query`]
//! (parameters to SQL). I/O: [`load`] (the `catalog.load_table` job), [`store`], [`gc`] (tables
//! nobody can reach any more).
pub mod gc;
pub mod load;
pub mod profile;
pub mod query;
pub mod sniff;
pub mod store;
pub mod types;

use platform::Platform;

use crate::domain::model::Resource;

pub use load::LoadTable;

/// Whether a resource is a table we load: CSV/TSV by format or media type.
pub fn is_tabular(r: &Resource) -> bool {
    let format = r.format.to_ascii_lowercase();
    let mime = r.mime.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
    matches!(format.as_str(), "csv" | "tsv" | "txt" | "text/csv")
        || matches!(mime.as_str(), "text/csv" | "text/tab-separated-values" | "application/csv")
}

/// Queues the load of a resource's table after it was created or changed; does nothing when the
/// resource is not a table or its file/URL is the one already loaded. Errors are logged, not
/// returned: the resource itself is saved either way.
pub async fn schedule(p: &Platform, r: &Resource) {
    if let Err(e) = try_schedule(p, r).await {
        tracing::warn!(resource = %r.id, error = %e, "cannot queue the table load");
    }
}

async fn try_schedule(p: &Platform, r: &Resource) -> Result<(), sqlx::Error> {
    if !is_tabular(r) {
        return Ok(());
    }
    let (url, sha) = match (&r.sha256, r.filetype.as_str()) {
        (Some(sha), "file") => (String::new(), Some(sha.as_str())),
        _ if r.url.starts_with("http://") || r.url.starts_with("https://") => (r.url.clone(), None),
        _ => return Ok(()),
    };
    if let Some(m) = store::get(p.db.pool(), &r.id).await? {
        if m.source_url == url && m.source_sha256.as_deref() == sha && m.state != "failed" {
            return Ok(());
        }
    }
    let now = p.now();
    let mut tx = p.db.write().await?;
    let job = p.enqueue_in(tx.conn(), load::KIND, &serde_json::json!({ "key": r.id }), now).await?;
    store::queue(tx.conn(), &r.id, Some(&r.id), &url, sha, Some(job), now).await?;
    tx.commit().await?;
    Ok(())
}
