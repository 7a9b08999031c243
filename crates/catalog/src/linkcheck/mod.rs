//! The link checker (croquemort's and hydra's job, in process): every remote resource's URL is
//! checked on a schedule and on demand, each check is kept (history per URL), and the results
//! land on every resource having that URL as udata's `check:*` and hydra's `analysis:*` extras,
//! which the quality score and the pages read. See docs/linkcheck.md.
pub mod fetch;
pub mod rules;
pub mod store;

use std::collections::{BTreeMap, HashMap};
use std::time::{Duration, Instant};

use futures_util::StreamExt;
use platform::audit::{self, Actor, Change};
use platform::jobs::{Job, JobHandler};
use platform::Platform;
use serde_json::{json, Map, Value};

pub use fetch::{CheckConfig, Fetched, Hop};
use rules::{Availability, CheckUrl, Outcome, Verdict};
pub use store::CheckRecord;

use crate::service::{self, MODULE};

/// Job that checks due URLs and schedules its next run.
pub const JOB_SCHEDULE: &str = "catalog.check_links";
/// Job that checks given URLs now (croquemort's `POST /check/*`).
pub const JOB_URLS: &str = "catalog.check_urls";
/// Job that posts a check's result to a croquemort `callback_url`.
pub const JOB_CALLBACK: &str = "catalog.check_callback";

/// croquemort's `is_currently_checked`: a URL checked less than this long ago is not checked
/// again by the scheduler or croquemort's endpoints.
pub const MIN_RECHECK_MS: i64 = 10 * 60 * 1000;
/// After an unsure failure, the URL is checked again this soon, to confirm or clear it.
pub const RETRY_MS: i64 = 15 * 60 * 1000;
/// Network time one run of the scheduled job may spend before handing over to the next run
/// (the job runner runs one job at a time).
pub const RUN_BUDGET: Duration = Duration::from_secs(60);
const BATCH: i64 = 50;

fn actor() -> Actor {
    Actor::system("linkcheck")
}

/// The `check:*` and `analysis:*` extras of a resource after a check.
fn extras_patch(c: &CheckRecord, a: Availability, change: &rules::ChangeReport) -> Map<String, Value> {
    let mut m = Map::new();
    if let Some(av) = a.available {
        m.insert("check:available".into(), json!(av));
        m.insert("check:count-availability".into(), json!(a.count));
    }
    m.insert("check:status".into(), json!(c.status));
    m.insert("check:date".into(), json!(c.checked_at));
    m.insert("check:url".into(), json!(c.url));
    m.insert("check:timeout".into(), json!(c.outcome == "timeout"));
    m.insert("check:error".into(), json!(c.error));
    m.insert("check:headers:content-type".into(), json!(c.headers.get("content-type")));
    let length = c.headers.get("content-length").and_then(|l| l.trim().parse::<i64>().ok());
    m.insert("check:headers:content-length".into(), json!(length));
    if c.outcome == "ok" {
        if let Some(l) = length {
            m.insert("analysis:content-length".into(), json!(l));
        }
        if let Some(ct) = c.headers.get("content-type") {
            let mime = ct.split(';').next().unwrap_or("").trim().to_lowercase();
            if !mime.is_empty() {
                m.insert("analysis:mime-type".into(), json!(mime));
            }
        }
        if let Some(at) = &change.last_modified_at {
            m.insert("analysis:last-modified-at".into(), json!(at));
        }
        if let Some(d) = change.detection {
            m.insert("analysis:last-modified-detection".into(), json!(d.code()));
        }
    }
    m
}

fn verdict_of(outcome: Outcome) -> Verdict {
    rules::verdict(outcome)
}

/// Records a check of `url`: history row, URL state, extras of every resource with that URL
/// (written as `spellings`), the datasets' quality, and an audit entry for each resource whose
/// availability changed, in one transaction.
pub async fn record(p: &Platform, cfg: &CheckConfig, url: &CheckUrl, spellings: &[String], f: Fetched) -> Result<CheckRecord, sqlx::Error> {
    let now = p.now();
    let mut tx = p.db.write().await?;
    let state = store::get_state(tx.conn(), url.as_str()).await?;
    let prev = state.as_ref().map(|s| s.availability).unwrap_or_default();
    let verdict = verdict_of(f.outcome);
    let availability = rules::next_availability(prev, verdict);
    let checked_at = platform::clock::rfc3339(now);
    let change = if f.outcome.code() == "ok" {
        let before = store::previous_ok_headers(tx.conn(), url.as_str()).await?;
        rules::detect_change(before.as_ref(), &f.headers, &checked_at)
    } else {
        rules::ChangeReport { changed: false, detection: None, last_modified_at: None }
    };
    // croquemort's `redirect-url` / `redirect-status-code`: where the first redirect pointed, and its status.
    let redirect_url = f.redirects.first().map(|_| f.redirects.get(1).map(|h| h.url.clone()).unwrap_or_else(|| f.final_url.clone()));
    let mut c = CheckRecord {
        id: 0,
        url: url.to_string(),
        url_hash: url.hash(),
        checked_at,
        checked_at_ms: now,
        duration_ms: f.duration_ms,
        method: f.method.into(),
        outcome: f.outcome.code().into(),
        status: f.outcome.status().map(i64::from),
        available: if verdict == Verdict::Nothing { None } else { availability.available },
        final_url: Some(f.final_url),
        redirect_url,
        redirect_status: f.redirects.first().map(|h| i64::from(h.status)),
        redirects: f.redirects,
        headers: f.headers,
        error: f.error,
        changed: change.changed,
        change_reason: if change.changed { change.detection.map(|d| d.code().to_string()) } else { None },
    };
    c.id = store::insert_check(tx.conn(), &c).await?;

    let mut all_spellings: Vec<String> = state.as_ref().map(|s| s.spellings.clone()).unwrap_or_default();
    for s in spellings {
        if s != url.as_str() && !all_spellings.contains(s) {
            all_spellings.push(s.clone());
        }
    }
    let mut lookup = vec![url.to_string()];
    lookup.extend(all_spellings.iter().cloned());
    let resources = store::resources_with_url(tx.conn(), &lookup).await?;
    let frequency = state.as_ref().and_then(|s| s.frequency.clone());
    let interval = frequency.as_deref().and_then(rules::frequency_ms).unwrap_or(cfg.interval_ms);
    let next_check_at = if resources.is_empty() && frequency.is_none() { store::NEVER } else { now + rules::next_check_delay(interval, verdict, RETRY_MS, MIN_RECHECK_MS) };
    let new_state = store::UrlState {
        url: url.to_string(),
        url_hash: url.hash(),
        spellings: all_spellings,
        frequency,
        callback_url: state.as_ref().and_then(|s| s.callback_url.clone()),
        availability,
        last_check_id: Some(c.id),
        last_checked_at: Some(now),
        next_check_at,
    };
    store::save_state(tx.conn(), &new_state, now).await?;

    let patch = extras_patch(&c, availability, &change);
    let mut datasets: Vec<String> = Vec::new();
    let mut flipped: Vec<(String, String)> = Vec::new();
    for r in &resources {
        let before = r.extras.get("check:available").and_then(Value::as_bool);
        crate::store::merge_resource_extras(tx.conn(), &r.id, &patch).await?;
        if availability.available.is_some() && before != availability.available {
            audit::record(
                tx.conn(),
                now,
                &actor(),
                Change {
                    module: MODULE,
                    object_type: "resource",
                    object_id: r.id.clone(),
                    action: "check",
                    before: Some(json!({ "check:available": before })),
                    after: Some(json!({ "check:available": availability.available, "check:status": c.status, "check:date": c.checked_at, "check:error": c.error })),
                },
            )
            .await?;
            flipped.push((r.id.clone(), r.dataset_id.clone()));
        }
        if !datasets.contains(&r.dataset_id) {
            datasets.push(r.dataset_id.clone());
        }
    }
    for d in &datasets {
        service::refresh_quality(p, tx.conn(), d).await?;
    }
    if let Some(cb) = &new_state.callback_url {
        let group = store::group_of(tx.conn(), url.as_str()).await?;
        let data = croquemort_info(&c, new_state.frequency.as_deref(), group.as_deref());
        p.enqueue_in(tx.conn(), JOB_CALLBACK, &json!({ "callback_url": cb, "data": data }), now).await?;
    }
    tx.commit().await?;
    for (rid, dataset) in flipped {
        p.events.publish(platform::events::Event {
            topic: format!("catalog.resource.{rid}"),
            kind: "availability".into(),
            at: c.checked_at.clone(),
            data: json!({ "id": rid, "dataset": dataset, "available": availability.available }),
        });
    }
    Ok(c)
}

/// Checks a URL now and records the result.
pub async fn check_now(p: &Platform, cfg: &CheckConfig, url: &CheckUrl, spellings: &[String]) -> Result<CheckRecord, sqlx::Error> {
    let client = fetch::client(cfg);
    let f = fetch::fetch(cfg, &client, url).await;
    record(p, cfg, url, spellings, f).await
}

/// The latest check of each resource's URL, by resource id (for pages: the lead's dataset
/// page shows it beside each remote resource). Uploaded files have none.
pub async fn latest_for_resources(p: &Platform, resources: &[crate::domain::model::Resource]) -> Result<HashMap<String, CheckRecord>, sqlx::Error> {
    let mut out = HashMap::new();
    let mut conn = p.db.pool().acquire().await?;
    for r in resources.iter().filter(|r| r.filetype == "remote") {
        let Ok(u) = CheckUrl::parse(&r.url) else { continue };
        if let Some(c) = store::latest(&mut conn, u.as_str()).await? {
            out.insert(r.id.clone(), c);
        }
    }
    Ok(out)
}

/// croquemort's view of a check (`GET /url/{hash}`): strings, as its Redis hashes held them.
pub fn croquemort_info(c: &CheckRecord, frequency: Option<&str>, group: Option<&str>) -> Value {
    let mut m = Map::new();
    m.insert("checked-url".into(), json!(c.url));
    m.insert("final-url".into(), json!(c.final_url.clone().unwrap_or_else(|| c.url.clone())));
    // croquemort stored a connection error as 503.
    m.insert("final-status-code".into(), json!(c.status.unwrap_or(503).to_string()));
    m.insert("updated".into(), json!(c.checked_at));
    if let Some(g) = group {
        m.insert("group".into(), json!(g));
    }
    if let Some(f) = frequency {
        m.insert("frequency".into(), json!(f));
    }
    if let Some(r) = &c.redirect_url {
        m.insert("redirect-url".into(), json!(r));
    }
    if let Some(s) = c.redirect_status {
        m.insert("redirect-status-code".into(), json!(s.to_string()));
    }
    for (k, v) in &c.headers {
        m.insert(k.clone(), json!(v));
    }
    Value::Object(m)
}

/// Checks a batch concurrently; results of checks cut by the run's deadline are dropped (our
/// own time budget running out says nothing about the remotes).
async fn check_batch(cfg: &CheckConfig, client: &reqwest::Client, urls: Vec<(CheckUrl, Vec<String>)>, deadline: Instant) -> Vec<(CheckUrl, Vec<String>, Fetched)> {
    let results: Vec<Option<(CheckUrl, Vec<String>, Fetched)>> = futures_util::stream::iter(urls)
        .map(|(u, s)| async move {
            let left = deadline.saturating_duration_since(Instant::now());
            let f = tokio::time::timeout(left, fetch::fetch(cfg, client, &u)).await.ok()?;
            Some((u, s, f))
        })
        .buffer_unordered(cfg.concurrency.max(1))
        .collect()
        .await;
    let mut results: Vec<_> = results.into_iter().flatten().collect();
    let hosts: Vec<(String, Outcome)> = results.iter().map(|(u, _, f)| (u.host(), f.outcome)).collect();
    if rules::checker_offline(&hosts) {
        tracing::warn!(checks = results.len(), "link checker: every host failed without answering; recorded as checker_offline");
        for (_, _, f) in results.iter_mut() {
            if f.outcome.is_network_failure() {
                f.error = Some(format!("checker offline ({}): {}", f.outcome.code(), f.error.clone().unwrap_or_default()));
                f.outcome = Outcome::CheckerOffline;
            }
        }
    }
    results
}

/// Adds the URLs of remote resources created or edited since `since` to the checker's list.
async fn sync_resource_urls(p: &Platform, since: i64) -> Result<usize, sqlx::Error> {
    let raw = store::resource_urls_since(p.db.pool(), since).await?;
    let mut by_url: BTreeMap<String, (CheckUrl, Vec<String>)> = BTreeMap::new();
    for r in raw {
        let Ok(u) = CheckUrl::parse(&r) else { continue };
        let e = by_url.entry(u.to_string()).or_insert_with(|| (u, Vec::new()));
        if r != e.0.as_str() {
            e.1.push(r);
        }
    }
    let now = p.now();
    let n = by_url.len();
    for chunk in by_url.into_values().collect::<Vec<_>>().chunks(200) {
        let mut tx = p.db.write().await?;
        for (u, spellings) in chunk {
            match store::get_state(tx.conn(), u.as_str()).await? {
                None => {
                    let s = store::UrlState {
                        url: u.to_string(),
                        url_hash: u.hash(),
                        spellings: spellings.clone(),
                        frequency: None,
                        callback_url: None,
                        availability: Availability::default(),
                        last_check_id: None,
                        last_checked_at: None,
                        next_check_at: now,
                    };
                    store::save_state(tx.conn(), &s, now).await?;
                }
                Some(mut s) => {
                    let mut dirty = false;
                    for sp in spellings {
                        if !s.spellings.contains(sp) {
                            s.spellings.push(sp.clone());
                            dirty = true;
                        }
                    }
                    // A URL left unscheduled (its resource was gone) is linked again.
                    if s.next_check_at >= store::NEVER {
                        s.next_check_at = s.last_checked_at.map(|t| t + MIN_RECHECK_MS).unwrap_or(now).max(now);
                        dirty = true;
                    }
                    if dirty {
                        store::save_state(tx.conn(), &s, now).await?;
                    }
                }
            }
        }
        tx.commit().await?;
    }
    Ok(n)
}

/// One run of the scheduler: picks up new resource URLs, checks due URLs for at most
/// [`RUN_BUDGET`], returns how many were checked and when the next run should be.
pub async fn run_scheduled(p: &Platform, cfg: &CheckConfig, since: i64) -> Result<(usize, i64), sqlx::Error> {
    sync_resource_urls(p, since).await?;
    let client = fetch::client(cfg);
    let deadline = Instant::now() + RUN_BUDGET;
    let mut checked = 0;
    let mut more = false;
    while Instant::now() < deadline {
        let due = store::due(p.db.pool(), p.now(), BATCH).await?;
        if due.is_empty() {
            break;
        }
        let full = due.len() as i64 == BATCH;
        let mut batch = Vec::new();
        for s in due {
            match CheckUrl::parse(&s.url) {
                Ok(u) => batch.push((u, s.spellings)),
                Err(_) => {
                    // Stored before a stricter rule: never checkable again.
                    let mut tx = p.db.write().await?;
                    store::save_state(tx.conn(), &store::UrlState { next_check_at: store::NEVER, ..s }, p.now()).await?;
                    tx.commit().await?;
                }
            }
        }
        let n = batch.len();
        let results = check_batch(cfg, &client, batch, deadline).await;
        let cut = results.len() < n;
        for (u, spellings, f) in results {
            record(p, cfg, &u, &spellings, f).await?;
            checked += 1;
        }
        if cut {
            more = true;
            break;
        }
        if !full {
            break;
        }
    }
    let now = p.now();
    let next = if more {
        now + 1000
    } else {
        let due = store::next_due(p.db.pool()).await?.unwrap_or(store::NEVER);
        // New resources are picked up by the next run: at most 15 minutes away.
        due.clamp(now + 30_000, now + RETRY_MS)
    };
    Ok((checked, next))
}

/// Queues the scheduler's first run unless one is already queued; called at start. The first
/// run waits a minute, so that starting (and tests) never wait on the network.
pub async fn schedule(p: &Platform) -> Result<(), sqlx::Error> {
    let mut tx = p.db.write().await?;
    let queued: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM jobs WHERE kind = $1 AND status IN ('queued', 'running')")
        .bind(JOB_SCHEDULE)
        .fetch_one(tx.conn())
        .await?;
    if queued == 0 {
        p.enqueue_in(tx.conn(), JOB_SCHEDULE, &json!({ "since": 0 }), p.now() + 60_000).await?;
    }
    tx.commit().await
}

/// `catalog.check_links`: the scheduler; requeues itself.
pub struct CheckLinks;

#[async_trait::async_trait]
impl JobHandler for CheckLinks {
    fn kind(&self) -> &'static str {
        JOB_SCHEDULE
    }
    async fn run(&self, p: &Platform, job: &Job) -> Result<(), String> {
        let e = |e: sqlx::Error| e.to_string();
        let cfg = CheckConfig::from_env();
        let since = job.payload.get("since").and_then(Value::as_i64).unwrap_or(0);
        let started = p.now();
        let (checked, next) = run_scheduled(p, &cfg, since).await.map_err(e)?;
        p.job_progress(job.id, &format!("{checked} URL(s) checked")).await.map_err(e)?;
        let mut tx = p.db.write().await.map_err(e)?;
        p.enqueue_in(tx.conn(), JOB_SCHEDULE, &json!({ "since": started }), next).await.map_err(e)?;
        tx.commit().await.map_err(e)?;
        Ok(())
    }
}

/// Registers URLs for croquemort's endpoints (group, frequency, callback) and queues their check.
pub async fn register_urls(p: &Platform, urls: &[CheckUrl], group: Option<&str>, frequency: Option<&str>, callback_url: Option<&str>) -> Result<(), sqlx::Error> {
    let now = p.now();
    let mut tx = p.db.write().await?;
    for (i, u) in urls.iter().enumerate() {
        let mut s = store::get_state(tx.conn(), u.as_str()).await?.unwrap_or(store::UrlState {
            url: u.to_string(),
            url_hash: u.hash(),
            spellings: Vec::new(),
            frequency: None,
            callback_url: None,
            availability: Availability::default(),
            last_check_id: None,
            last_checked_at: None,
            next_check_at: store::NEVER,
        });
        if let Some(f) = frequency {
            s.frequency = Some(f.to_string());
            let at = s.last_checked_at.map(|t| t + rules::frequency_ms(f).unwrap_or(86_400_000)).unwrap_or(now);
            s.next_check_at = s.next_check_at.min(at);
        }
        if let Some(cb) = callback_url {
            s.callback_url = Some(cb.to_string());
        }
        store::save_state(tx.conn(), &s, now).await?;
        if let Some(g) = group {
            // Spaced by a millisecond each: a group lists its URLs in the order they were given.
            store::add_to_group(tx.conn(), g, &rules::group_hash(g), u.as_str(), now + i as i64).await?;
        }
    }
    let list: Vec<&str> = urls.iter().map(|u| u.as_str()).collect();
    p.enqueue_in(tx.conn(), JOB_URLS, &json!({ "urls": list }), now).await?;
    tx.commit().await
}

/// `catalog.check_urls`: checks the given URLs, except those checked in the last 10 minutes.
pub struct CheckUrls;

#[async_trait::async_trait]
impl JobHandler for CheckUrls {
    fn kind(&self) -> &'static str {
        JOB_URLS
    }
    async fn run(&self, p: &Platform, job: &Job) -> Result<(), String> {
        let e = |e: sqlx::Error| e.to_string();
        let cfg = CheckConfig::from_env();
        let mut batch = Vec::new();
        let mut conn = p.db.pool().acquire().await.map_err(e)?;
        for raw in job.payload.get("urls").and_then(Value::as_array).into_iter().flatten().filter_map(Value::as_str) {
            let Ok(u) = CheckUrl::parse(raw) else { continue };
            let recent = store::get_state(&mut conn, u.as_str()).await.map_err(e)?.and_then(|s| s.last_checked_at).is_some_and(|t| t + MIN_RECHECK_MS > p.now());
            if !recent {
                batch.push((u, Vec::new()));
            }
        }
        drop(conn);
        let client = fetch::client(&cfg);
        // A croquemort request has no run budget of its own beyond the checks' timeouts.
        let deadline = Instant::now() + Duration::from_secs(3600);
        for (u, s, f) in check_batch(&cfg, &client, batch, deadline).await {
            record(p, &cfg, &u, &s, f).await.map_err(e)?;
        }
        Ok(())
    }
}

/// `catalog.check_callback`: croquemort's webhook, `POST {"data": {…}}`; a failure is retried
/// by the job queue (10 s doubling, 5 attempts: croquemort's schedule).
pub struct Callback;

#[async_trait::async_trait]
impl JobHandler for Callback {
    fn kind(&self) -> &'static str {
        JOB_CALLBACK
    }
    async fn run(&self, _p: &Platform, job: &Job) -> Result<(), String> {
        let cfg = CheckConfig::from_env();
        let url = job.payload.get("callback_url").and_then(Value::as_str).ok_or("no callback_url")?;
        let url = CheckUrl::parse(url).map_err(|e| e.code().to_string())?;
        if let Some(ip) = url.ip_literal() {
            if !rules::address_allowed(ip, cfg.allow_private) {
                return Err("callback address refused".into());
            }
        }
        let body = json!({ "data": job.payload.get("data").cloned().unwrap_or(Value::Null) });
        let r = fetch::client(&cfg).post(url.url().clone()).header(reqwest::header::CONTENT_TYPE, "application/json").body(body.to_string()).timeout(cfg.head_timeout).send().await.map_err(|e| e.to_string())?;
        if r.status().is_success() {
            Ok(())
        } else {
            Err(format!("callback answered {}", r.status()))
        }
    }
}
