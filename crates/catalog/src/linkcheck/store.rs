//! Storage of checks (history per URL), of each URL's state, and of croquemort's groups; same
//! SQL on both backends.
use serde::Serialize;
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, AnyPool, Row};

use super::fetch::Hop;
use super::rules::{Availability, Headers};

/// `next_check_at` of URLs nobody asked to check again (a one-off croquemort check, a resource
/// since deleted).
pub const NEVER: i64 = i64::MAX / 2;

/// One stored check.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct CheckRecord {
    pub id: i64,
    /// The URL in normal form.
    pub url: String,
    /// croquemort's key: `u:` and 8 hex digits.
    pub url_hash: String,
    /// RFC 3339, UTC.
    pub checked_at: String,
    #[serde(skip)]
    pub checked_at_ms: i64,
    pub duration_ms: i64,
    /// `HEAD`, or `GET` when HEAD was refused or timed out.
    pub method: String,
    /// `ok`, `http_error`, `timeout`, `connection_refused`, `connection`, `dns`, `tls`,
    /// `too_many_redirects`, `bad_redirect`, `refused_address`, `checker_offline`.
    pub outcome: String,
    /// Final HTTP status; absent when no server answered.
    pub status: Option<i64>,
    /// The URL's availability after this check (absent: not known yet, or the check proved nothing).
    pub available: Option<bool>,
    pub final_url: Option<String>,
    /// The first redirect's target and status.
    pub redirect_url: Option<String>,
    pub redirect_status: Option<i64>,
    pub redirects: Vec<Hop>,
    /// Response headers kept (lowercase names): etag, expires, last-modified, charset,
    /// content-type, content-length, content-disposition, content-md5, content-encoding, content-location.
    pub headers: std::collections::BTreeMap<String, String>,
    pub error: Option<String>,
    /// The remote file changed since the previous successful check.
    pub changed: bool,
    /// How the change was seen: `last-modified-header`, `etag-header`, `content-length-header`.
    pub change_reason: Option<String>,
}

pub fn opt_bool(r: &AnyRow, col: &str) -> Option<bool> {
    match r.try_get::<Option<bool>, _>(col) {
        Ok(v) => v,
        Err(_) => r.try_get::<Option<i64>, _>(col).ok().flatten().map(|v| v != 0),
    }
}

const CHECK_COLS: &str = "id, url, url_hash, checked_at, duration_ms, method, outcome, status, available, final_url, redirect_url, \
    redirect_status, redirects, headers, error, changed, change_reason";

fn check_from_row(r: &AnyRow) -> CheckRecord {
    let redirects: String = r.get("redirects");
    let headers: String = r.get("headers");
    CheckRecord {
        id: r.get("id"),
        url: r.get("url"),
        url_hash: r.get("url_hash"),
        checked_at: platform::clock::rfc3339(r.get("checked_at")),
        checked_at_ms: r.get("checked_at"),
        duration_ms: r.get("duration_ms"),
        method: r.get("method"),
        outcome: r.get("outcome"),
        status: r.get("status"),
        available: opt_bool(r, "available"),
        final_url: r.get("final_url"),
        redirect_url: r.get("redirect_url"),
        redirect_status: r.get("redirect_status"),
        redirects: serde_json::from_str(&redirects).unwrap_or_default(),
        headers: serde_json::from_str(&headers).unwrap_or_default(),
        error: r.get("error"),
        changed: platform::db::get_bool(r, "changed"),
        change_reason: r.get("change_reason"),
    }
}

/// Inserts a check (its `id` and `checked_at` are ignored); returns the new id.
pub async fn insert_check(conn: &mut AnyConnection, c: &CheckRecord) -> Result<i64, sqlx::Error> {
    sqlx::query(
        "INSERT INTO catalog_checks (url, url_hash, checked_at, duration_ms, method, outcome, status, available, final_url,
           redirect_url, redirect_status, redirects, headers, error, changed, change_reason)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16) RETURNING id",
    )
    .bind(&c.url)
    .bind(&c.url_hash)
    .bind(c.checked_at_ms)
    .bind(c.duration_ms)
    .bind(&c.method)
    .bind(&c.outcome)
    .bind(c.status)
    .bind(c.available)
    .bind(c.final_url.as_deref())
    .bind(c.redirect_url.as_deref())
    .bind(c.redirect_status)
    .bind(serde_json::to_string(&c.redirects).unwrap_or_else(|_| "[]".into()))
    .bind(serde_json::to_string(&c.headers).unwrap_or_else(|_| "{}".into()))
    .bind(c.error.as_deref())
    .bind(c.changed)
    .bind(c.change_reason.as_deref())
    .fetch_one(conn)
    .await
    .map(|r| r.get(0))
}

/// The checks of a URL, newest first, and how many there are.
pub async fn history(pool: &AnyPool, url: &str, page: i64, page_size: i64) -> Result<(Vec<CheckRecord>, i64), sqlx::Error> {
    let total: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM catalog_checks WHERE url = $1").bind(url).fetch_one(pool).await?;
    let rows = sqlx::query(&format!("SELECT {CHECK_COLS} FROM catalog_checks WHERE url = $1 ORDER BY checked_at DESC, id DESC LIMIT $2 OFFSET $3"))
        .bind(url)
        .bind(page_size)
        .bind((page - 1) * page_size)
        .fetch_all(pool)
        .await?;
    Ok((rows.iter().map(check_from_row).collect(), total))
}

pub async fn latest(conn: &mut AnyConnection, url: &str) -> Result<Option<CheckRecord>, sqlx::Error> {
    let row = sqlx::query(&format!("SELECT {CHECK_COLS} FROM catalog_checks WHERE url = $1 ORDER BY checked_at DESC, id DESC LIMIT 1"))
        .bind(url)
        .fetch_optional(conn)
        .await?;
    Ok(row.as_ref().map(check_from_row))
}

/// The latest check of the most recently checked URL with this croquemort hash (8 hex digits
/// can collide: the newest wins).
pub async fn latest_by_hash(pool: &AnyPool, hash: &str) -> Result<Option<CheckRecord>, sqlx::Error> {
    let row = sqlx::query(&format!("SELECT {CHECK_COLS} FROM catalog_checks WHERE url_hash = $1 ORDER BY checked_at DESC, id DESC LIMIT 1"))
        .bind(hash)
        .fetch_optional(pool)
        .await?;
    Ok(row.as_ref().map(check_from_row))
}

/// Headers of the latest check that got a 2xx/3xx answer: what change detection compares with.
pub async fn previous_ok_headers(conn: &mut AnyConnection, url: &str) -> Result<Option<Headers>, sqlx::Error> {
    let h: Option<String> = sqlx::query_scalar("SELECT headers FROM catalog_checks WHERE url = $1 AND outcome = 'ok' ORDER BY checked_at DESC, id DESC LIMIT 1")
        .bind(url)
        .fetch_optional(conn)
        .await?;
    Ok(h.and_then(|h| serde_json::from_str(&h).ok()))
}

/// What the checker keeps about a URL between checks.
#[derive(Clone, Debug)]
pub struct UrlState {
    pub url: String,
    pub url_hash: String,
    /// Other spellings of the URL in resources, before normalisation.
    pub spellings: Vec<String>,
    pub frequency: Option<String>,
    pub callback_url: Option<String>,
    pub availability: Availability,
    pub last_check_id: Option<i64>,
    pub last_checked_at: Option<i64>,
    pub next_check_at: i64,
}

const STATE_COLS: &str = "url, url_hash, spellings, frequency, callback_url, available, failures, count_availability, last_check_id, last_checked_at, next_check_at";

fn state_from_row(r: &AnyRow) -> UrlState {
    let spellings: String = r.get("spellings");
    UrlState {
        url: r.get("url"),
        url_hash: r.get("url_hash"),
        spellings: serde_json::from_str(&spellings).unwrap_or_default(),
        frequency: r.get("frequency"),
        callback_url: r.get("callback_url"),
        availability: Availability { available: opt_bool(r, "available"), failures: r.get("failures"), count: r.get("count_availability") },
        last_check_id: r.get("last_check_id"),
        last_checked_at: r.get("last_checked_at"),
        next_check_at: r.get("next_check_at"),
    }
}

pub async fn get_state(conn: &mut AnyConnection, url: &str) -> Result<Option<UrlState>, sqlx::Error> {
    let row = sqlx::query(&format!("SELECT {STATE_COLS} FROM catalog_check_urls WHERE url = $1")).bind(url).fetch_optional(conn).await?;
    Ok(row.as_ref().map(state_from_row))
}

pub async fn get_state_by_hash(pool: &AnyPool, hash: &str) -> Result<Option<UrlState>, sqlx::Error> {
    let row = sqlx::query(&format!("SELECT {STATE_COLS} FROM catalog_check_urls WHERE url_hash = $1 ORDER BY last_checked_at DESC LIMIT 1"))
        .bind(hash)
        .fetch_optional(pool)
        .await?;
    Ok(row.as_ref().map(state_from_row))
}

pub async fn save_state(conn: &mut AnyConnection, s: &UrlState, now: i64) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO catalog_check_urls (url, url_hash, spellings, frequency, callback_url, available, failures, count_availability,
           last_check_id, last_checked_at, next_check_at, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
         ON CONFLICT (url) DO UPDATE SET spellings = excluded.spellings, frequency = excluded.frequency, callback_url = excluded.callback_url,
           available = excluded.available, failures = excluded.failures, count_availability = excluded.count_availability,
           last_check_id = excluded.last_check_id, last_checked_at = excluded.last_checked_at, next_check_at = excluded.next_check_at",
    )
    .bind(&s.url)
    .bind(&s.url_hash)
    .bind(serde_json::to_string(&s.spellings).unwrap_or_else(|_| "[]".into()))
    .bind(s.frequency.as_deref())
    .bind(s.callback_url.as_deref())
    .bind(s.availability.available)
    .bind(s.availability.failures)
    .bind(s.availability.count)
    .bind(s.last_check_id)
    .bind(s.last_checked_at)
    .bind(s.next_check_at)
    .bind(now)
    .execute(conn)
    .await?;
    Ok(())
}

/// URLs due for a check, oldest due first; among equals by hash, which mixes hosts in a batch
/// (by URL, a batch would be one host's files, waiting on its politeness delay one by one).
pub async fn due(pool: &AnyPool, now: i64, limit: i64) -> Result<Vec<UrlState>, sqlx::Error> {
    let rows = sqlx::query(&format!("SELECT {STATE_COLS} FROM catalog_check_urls WHERE next_check_at <= $1 ORDER BY next_check_at, url_hash, url LIMIT $2"))
        .bind(now)
        .bind(limit)
        .fetch_all(pool)
        .await?;
    Ok(rows.iter().map(state_from_row).collect())
}

/// When the next URL falls due.
pub async fn next_due(pool: &AnyPool) -> Result<Option<i64>, sqlx::Error> {
    sqlx::query_scalar("SELECT MIN(next_check_at) FROM catalog_check_urls").fetch_one(pool).await
}

/// Remote resources' URLs created or edited since `since` (milliseconds).
pub async fn resource_urls_since(pool: &AnyPool, since: i64) -> Result<Vec<String>, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT DISTINCT r.url FROM catalog_resources r JOIN catalog_datasets d ON d.id = r.dataset_id
         WHERE r.filetype = 'remote' AND d.deleted_at IS NULL AND r.modified_at >= $1",
    )
    .bind(since)
    .fetch_all(pool)
    .await
}

/// A remote resource that links to a URL.
pub struct LinkedResource {
    pub id: String,
    pub dataset_id: String,
    pub extras: serde_json::Value,
}

/// Remote resources of live datasets whose URL is one of `urls` (as written in the resource).
pub async fn resources_with_url(conn: &mut AnyConnection, urls: &[String]) -> Result<Vec<LinkedResource>, sqlx::Error> {
    if urls.is_empty() {
        return Ok(Vec::new());
    }
    let placeholders: Vec<String> = (1..=urls.len()).map(|i| format!("${i}")).collect();
    let sql = format!(
        "SELECT r.id, r.dataset_id, r.extras FROM catalog_resources r JOIN catalog_datasets d ON d.id = r.dataset_id
         WHERE r.filetype = 'remote' AND d.deleted_at IS NULL AND r.url IN ({}) ORDER BY r.dataset_id, r.position",
        placeholders.join(",")
    );
    let mut q = sqlx::query(&sql);
    for u in urls {
        q = q.bind(u);
    }
    let rows = q.fetch_all(conn).await?;
    Ok(rows
        .iter()
        .map(|r| {
            let extras: String = r.get("extras");
            LinkedResource { id: r.get("id"), dataset_id: r.get("dataset_id"), extras: serde_json::from_str(&extras).unwrap_or_else(|_| serde_json::json!({})) }
        })
        .collect())
}

pub async fn add_to_group(conn: &mut AnyConnection, name: &str, hash: &str, url: &str, now: i64) -> Result<(), sqlx::Error> {
    sqlx::query("INSERT INTO catalog_check_groups (group_hash, name, url, added_at) VALUES ($1, $2, $3, $4) ON CONFLICT (group_hash, url) DO NOTHING")
        .bind(hash)
        .bind(name)
        .bind(url)
        .bind(now)
        .execute(conn)
        .await?;
    Ok(())
}

/// A group's name and URLs, in the order they were added.
pub async fn group(pool: &AnyPool, hash: &str) -> Result<Option<(String, Vec<String>)>, sqlx::Error> {
    let rows = sqlx::query("SELECT name, url FROM catalog_check_groups WHERE group_hash = $1 ORDER BY added_at, url").bind(hash).fetch_all(pool).await?;
    let Some(first) = rows.first() else { return Ok(None) };
    Ok(Some((first.get("name"), rows.iter().map(|r| r.get("url")).collect())))
}

/// Groups a URL belongs to (croquemort stores one `group` per URL; we keep the latest).
pub async fn group_of(conn: &mut AnyConnection, url: &str) -> Result<Option<String>, sqlx::Error> {
    sqlx::query_scalar("SELECT name FROM catalog_check_groups WHERE url = $1 ORDER BY added_at DESC LIMIT 1").bind(url).fetch_optional(conn).await
}
