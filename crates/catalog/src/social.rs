//! Discussions on datasets (threads, closable, moderated), reuses and follows.
use platform::access::{Action, Principal, Target};
use platform::audit::{self, Actor, Change};
use platform::clock::rfc3339;
use platform::db::get_bool;
use platform::error::{AppError, FieldError};
use platform::Platform;
use serde::{Deserialize, Serialize};
use sqlx::Row;
use utoipa::ToSchema;

use crate::domain::model::slugify;
pub use crate::domain::reuse::ReusePatch;
use crate::domain::reuse::ReuseFields;
use crate::service::{dataset_target, new_id, visible_dataset, MODULE};

#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct Message {
    pub position: i64,
    pub content: String,
    pub posted_by: Option<i64>,
    pub posted_by_name: Option<String>,
    pub posted_on: String,
    /// Hidden by a moderator: the text is withheld from everyone but moderators.
    pub hidden: bool,
}

#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct Discussion {
    pub id: String,
    /// The dataset discussed.
    pub subject: String,
    pub title: String,
    pub user: Option<i64>,
    pub created: String,
    pub closed: Option<String>,
    pub closed_by: Option<i64>,
    pub discussion: Vec<Message>,
}

#[derive(Clone, Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewDiscussion {
    pub title: String,
    pub comment: String,
}

#[derive(Clone, Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewMessage {
    pub comment: String,
    /// Close the thread with this message (moderators and the dataset's editors).
    #[serde(default)]
    pub close: bool,
}

fn check_text(field: &'static str, s: &str, max: usize) -> Result<String, AppError> {
    let t = s.trim();
    if t.is_empty() {
        return Err(AppError::invalid(vec![FieldError::new(field, "required")]));
    }
    if t.chars().count() > max {
        return Err(AppError::invalid(vec![FieldError::new(field, "too_long")]));
    }
    Ok(t.to_string())
}

/// May moderate discussions on the dataset: Validate on discussions, or Update on the dataset.
fn moderator(who: &Principal, d: &crate::domain::model::Dataset) -> bool {
    let t = Target { module: MODULE, object: "discussion", owner_id: d.owner_id, org_id: d.org_id, public: false };
    who.authorize(Action::Validate, &t).is_ok() || who.authorize(Action::Update, &dataset_target(d)).is_ok()
}

pub async fn discussions(p: &Platform, who: &Principal, dataset: &str) -> Result<Vec<Discussion>, AppError> {
    let d = visible_dataset(p, who, dataset).await?;
    let moderator = moderator(who, &d);
    let rows = sqlx::query("SELECT id FROM catalog_discussions WHERE dataset_id = $1 ORDER BY created_at DESC, id").bind(&d.id).fetch_all(p.db.pool()).await?;
    let mut out = Vec::new();
    for r in rows {
        let id: String = r.get(0);
        if let Some(x) = load(p, &id, moderator).await? {
            out.push(x);
        }
    }
    Ok(out)
}

async fn load(p: &Platform, id: &str, moderator: bool) -> Result<Option<Discussion>, sqlx::Error> {
    let Some(r) = sqlx::query("SELECT id, dataset_id, title, user_id, created_at, closed_at, closed_by FROM catalog_discussions WHERE id = $1")
        .bind(id)
        .fetch_optional(p.db.pool())
        .await?
    else {
        return Ok(None);
    };
    let msgs = sqlx::query(
        "SELECT m.position, m.content, m.posted_by, u.display_name, m.posted_on, m.hidden FROM catalog_messages m
         LEFT JOIN users u ON u.id = m.posted_by WHERE m.discussion_id = $1 ORDER BY m.position",
    )
    .bind(id)
    .fetch_all(p.db.pool())
    .await?;
    Ok(Some(Discussion {
        id: r.get(0),
        subject: r.get(1),
        title: r.get(2),
        user: r.get(3),
        created: rfc3339(r.get(4)),
        closed: r.get::<Option<i64>, _>(5).map(rfc3339),
        closed_by: r.get(6),
        discussion: msgs
            .iter()
            .map(|m| {
                let hidden = get_bool(m, "hidden");
                Message {
                    position: m.get(0),
                    content: if hidden && !moderator { String::new() } else { m.get(1) },
                    posted_by: m.get(2),
                    posted_by_name: m.get(3),
                    posted_on: rfc3339(m.get(4)),
                    hidden,
                }
            })
            .collect(),
    }))
}

pub async fn get(p: &Platform, who: &Principal, id: &str) -> Result<Discussion, AppError> {
    let dataset: Option<String> = sqlx::query_scalar("SELECT dataset_id FROM catalog_discussions WHERE id = $1").bind(id).fetch_optional(p.db.pool()).await?;
    let d = visible_dataset(p, who, &dataset.ok_or_else(AppError::not_found)?).await?;
    load(p, id, moderator(who, &d)).await?.ok_or_else(AppError::not_found)
}

pub async fn open(p: &Platform, who: &Principal, actor: &Actor, dataset: &str, input: &NewDiscussion) -> Result<Discussion, AppError> {
    let d = visible_dataset(p, who, dataset).await?;
    let uid = who.user_id.ok_or_else(AppError::unauthenticated)?;
    let title = check_text("title", &input.title, 200)?;
    let comment = check_text("comment", &input.comment, 10_000)?;
    let now = p.now();
    let id = new_id(p);
    let mut tx = p.db.write().await?;
    sqlx::query("INSERT INTO catalog_discussions (id, dataset_id, title, user_id, created_at) VALUES ($1, $2, $3, $4, $5)")
        .bind(&id)
        .bind(&d.id)
        .bind(&title)
        .bind(uid)
        .bind(now)
        .execute(tx.conn())
        .await?;
    sqlx::query("INSERT INTO catalog_messages (discussion_id, position, content, posted_by, posted_on, hidden) VALUES ($1, 0, $2, $3, $4, $5)")
        .bind(&id)
        .bind(&comment)
        .bind(uid)
        .bind(now)
        .bind(false)
        .execute(tx.conn())
        .await?;
    audit::record(tx.conn(), now, actor, Change { module: MODULE, object_type: "discussion", object_id: id.clone(), action: "create", before: None, after: Some(serde_json::json!({ "dataset": d.id, "title": title, "comment": comment })) }).await?;
    tx.commit().await?;
    get(p, who, &id).await
}

pub async fn reply(p: &Platform, who: &Principal, actor: &Actor, id: &str, input: &NewMessage) -> Result<Discussion, AppError> {
    let before = get(p, who, id).await?;
    let uid = who.user_id.ok_or_else(AppError::unauthenticated)?;
    let d = visible_dataset(p, who, &before.subject).await?;
    if before.closed.is_some() {
        return Err(AppError::conflict("discussion_closed", "this discussion is closed"));
    }
    if input.close && !moderator(who, &d) {
        return Err(AppError::forbidden());
    }
    let comment = check_text("comment", &input.comment, 10_000)?;
    let now = p.now();
    let mut tx = p.db.write().await?;
    sqlx::query("INSERT INTO catalog_messages (discussion_id, position, content, posted_by, posted_on, hidden) VALUES ($1, $2, $3, $4, $5, $6)")
        .bind(id)
        .bind(before.discussion.len() as i64)
        .bind(&comment)
        .bind(uid)
        .bind(now)
        .bind(false)
        .execute(tx.conn())
        .await?;
    if input.close {
        sqlx::query("UPDATE catalog_discussions SET closed_at = $1, closed_by = $2 WHERE id = $3").bind(now).bind(uid).bind(id).execute(tx.conn()).await?;
    }
    audit::record(tx.conn(), now, actor, Change { module: MODULE, object_type: "discussion", object_id: id.to_string(), action: if input.close { "close" } else { "reply" }, before: None, after: Some(serde_json::json!({ "comment": comment, "close": input.close })) }).await?;
    tx.commit().await?;
    get(p, who, id).await
}

/// Moderation: hides (or shows again) one message; the text is kept for the record.
pub async fn set_hidden(p: &Platform, who: &Principal, actor: &Actor, id: &str, position: i64, hidden: bool) -> Result<Discussion, AppError> {
    let before = get(p, who, id).await?;
    let d = visible_dataset(p, who, &before.subject).await?;
    if !moderator(who, &d) {
        return Err(AppError::forbidden());
    }
    if !before.discussion.iter().any(|m| m.position == position) {
        return Err(AppError::not_found());
    }
    let now = p.now();
    let mut tx = p.db.write().await?;
    sqlx::query("UPDATE catalog_messages SET hidden = $1 WHERE discussion_id = $2 AND position = $3").bind(hidden).bind(id).bind(position).execute(tx.conn()).await?;
    audit::record(tx.conn(), now, actor, Change { module: MODULE, object_type: "discussion", object_id: id.to_string(), action: if hidden { "hide_message" } else { "show_message" }, before: None, after: Some(serde_json::json!({ "position": position })) }).await?;
    tx.commit().await?;
    get(p, who, id).await
}

pub async fn follow(p: &Platform, who: &Principal, actor: &Actor, dataset: &str, on: bool) -> Result<i64, AppError> {
    let d = visible_dataset(p, who, dataset).await?;
    let uid = who.user_id.ok_or_else(AppError::unauthenticated)?;
    let now = p.now();
    let mut tx = p.db.write().await?;
    let changed = if on {
        sqlx::query("INSERT INTO catalog_follows (user_id, dataset_id, since) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING").bind(uid).bind(&d.id).bind(now).execute(tx.conn()).await?.rows_affected()
    } else {
        sqlx::query("DELETE FROM catalog_follows WHERE user_id = $1 AND dataset_id = $2").bind(uid).bind(&d.id).execute(tx.conn()).await?.rows_affected()
    };
    if changed > 0 {
        audit::record(tx.conn(), now, actor, Change { module: MODULE, object_type: "dataset", object_id: d.id.clone(), action: if on { "follow" } else { "unfollow" }, before: None, after: None }).await?;
    }
    let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM catalog_follows WHERE dataset_id = $1").bind(&d.id).fetch_one(tx.conn()).await?;
    tx.commit().await?;
    Ok(n)
}

#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct Reuse {
    pub id: String,
    pub slug: String,
    pub title: String,
    pub description: String,
    #[serde(rename = "type")]
    pub rtype: String,
    pub url: String,
    pub topic: String,
    pub tags: Vec<String>,
    pub organization: Option<i64>,
    pub owner: Option<i64>,
    pub private: bool,
    pub datasets: Vec<String>,
    pub created_at: String,
    pub last_modified: String,
}

#[derive(Clone, Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReuseInput {
    pub title: String,
    #[serde(default)]
    pub description: String,
    #[serde(rename = "type")]
    pub rtype: String,
    pub url: String,
    #[serde(default)]
    pub topic: Option<String>,
    #[serde(default)]
    pub tags: Vec<String>,
    /// Dataset ids or slugs.
    #[serde(default)]
    pub datasets: Vec<String>,
    #[serde(default)]
    pub private: bool,
    #[schema(value_type = Option<Object>)]
    pub organization: Option<serde_json::Value>,
}

const REUSE_COLS: &str = "id, slug, title, description, type, url, topic, tags, org_id, owner_id, private, created_at, modified_at";

async fn reuse_from_row(p: &Platform, r: &sqlx::any::AnyRow) -> Result<Reuse, sqlx::Error> {
    let id: String = r.get("id");
    let datasets: Vec<String> = sqlx::query_scalar("SELECT dataset_id FROM catalog_reuse_datasets WHERE reuse_id = $1 ORDER BY dataset_id").bind(&id).fetch_all(p.db.pool()).await?;
    Ok(Reuse {
        id,
        slug: r.get("slug"),
        title: r.get("title"),
        description: r.get("description"),
        rtype: r.get("type"),
        url: r.get("url"),
        topic: r.get("topic"),
        tags: serde_json::from_str(&r.get::<String, _>("tags")).unwrap_or_default(),
        organization: r.get("org_id"),
        owner: r.get("owner_id"),
        private: get_bool(r, "private"),
        datasets,
        created_at: rfc3339(r.get("created_at")),
        last_modified: rfc3339(r.get("modified_at")),
    })
}

/// Reuses the principal may read, optionally those of one dataset; newest first.
pub async fn reuses(p: &Platform, who: &Principal, dataset: Option<&str>, limit: i64, offset: i64) -> Result<(Vec<Reuse>, i64), AppError> {
    let visible = who.read_filter(MODULE, "reuse").sql(Some("public"), Some("owner_id"), Some("org_id"));
    let dataset_id = match dataset {
        Some(d) => Some(visible_dataset(p, who, d).await?.id),
        None => None,
    };
    let cond = format!("{visible} AND deleted_at IS NULL AND ($1 IS NULL OR id IN (SELECT reuse_id FROM catalog_reuse_datasets WHERE dataset_id = $1))");
    let total: i64 = sqlx::query_scalar(&format!("SELECT COUNT(*) FROM catalog_reuses WHERE {cond}")).bind(dataset_id.as_deref()).fetch_one(p.db.pool()).await?;
    let rows = sqlx::query(&format!("SELECT {REUSE_COLS} FROM catalog_reuses WHERE {cond} ORDER BY created_at DESC, id LIMIT $2 OFFSET $3"))
        .bind(dataset_id.as_deref())
        .bind(limit)
        .bind(offset)
        .fetch_all(p.db.pool())
        .await?;
    let mut out = Vec::new();
    for r in &rows {
        out.push(reuse_from_row(p, r).await?);
    }
    Ok((out, total))
}

/// A reuse as its readers see it, and whether it is public (for the permission checks).
async fn readable_reuse(p: &Platform, who: &Principal, id: &str) -> Result<(Reuse, bool), AppError> {
    let r = sqlx::query(&format!("SELECT {REUSE_COLS}, public FROM catalog_reuses WHERE (id = $1 OR slug = $1) AND deleted_at IS NULL"))
        .bind(id)
        .fetch_optional(p.db.pool())
        .await?
        .ok_or_else(AppError::not_found)?;
    let out = reuse_from_row(p, &r).await?;
    let public = get_bool(&r, "public");
    who.authorize(Action::Read, &Target { public, ..reuse_target(&out) }).map_err(|_| AppError::not_found())?;
    Ok((out, public))
}

fn reuse_target(r: &Reuse) -> Target<'static> {
    Target { module: MODULE, object: "reuse", owner_id: r.owner, org_id: r.organization, public: false }
}

/// Who may change a reuse may also delete it: its owner, and the editors and administrators of
/// its organisation (udata's `ReuseEditPermission` guards both).
pub fn may_edit_reuse(who: &Principal, r: &Reuse) -> bool {
    who.authorize(Action::Update, &reuse_target(r)).is_ok()
}

pub async fn reuse(p: &Platform, who: &Principal, id: &str) -> Result<Reuse, AppError> {
    Ok(readable_reuse(p, who, id).await?.0)
}

/// The datasets a reuse names, as ids: each must be one the principal sees and not deleted.
async fn resolve_datasets(p: &Platform, who: &Principal, raw: &[String]) -> Result<Vec<String>, FieldError> {
    let mut out = Vec::new();
    for d in raw.iter().map(|d| d.trim()).filter(|d| !d.is_empty()) {
        match visible_dataset(p, who, d).await {
            Ok(d) if d.deleted_at.is_none() => {
                if !out.contains(&d.id) {
                    out.push(d.id);
                }
            }
            _ => return Err(FieldError::new("datasets", "unknown_dataset")),
        }
    }
    out.sort();
    Ok(out)
}

/// The fields' errors and the datasets' error, all in one answer.
fn checked<T>(fields: Result<ReuseFields, Vec<crate::domain::model::InputError>>, datasets: Result<T, FieldError>) -> Result<(ReuseFields, T), AppError> {
    match (fields, datasets) {
        (Ok(f), Ok(d)) => Ok((f, d)),
        (f, d) => {
            let mut errors: Vec<FieldError> = f.err().unwrap_or_default().into_iter().map(|e| FieldError::new(e.field, e.code)).collect();
            errors.extend(d.err());
            Err(AppError::invalid(errors))
        }
    }
}

fn reuse_record(f: &ReuseFields, datasets: &[String]) -> serde_json::Value {
    serde_json::json!({ "title": f.title, "description": f.description, "type": f.rtype, "url": f.url, "topic": f.topic, "tags": f.tags, "private": f.private, "datasets": datasets })
}

fn fields_of(r: &Reuse) -> ReuseFields {
    ReuseFields { title: r.title.clone(), description: r.description.clone(), rtype: r.rtype.clone(), url: r.url.clone(), topic: r.topic.clone(), tags: r.tags.clone(), private: r.private }
}

async fn link_datasets(conn: &mut sqlx::AnyConnection, reuse_id: &str, datasets: &[String]) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM catalog_reuse_datasets WHERE reuse_id = $1").bind(reuse_id).execute(&mut *conn).await?;
    for d in datasets {
        sqlx::query("INSERT INTO catalog_reuse_datasets (reuse_id, dataset_id) VALUES ($1, $2)").bind(reuse_id).bind(d).execute(&mut *conn).await?;
    }
    Ok(())
}

impl From<&ReuseInput> for ReusePatch {
    fn from(i: &ReuseInput) -> ReusePatch {
        ReusePatch {
            title: Some(i.title.clone()),
            description: Some(i.description.clone()),
            rtype: Some(i.rtype.clone()),
            url: Some(i.url.clone()),
            topic: i.topic.clone(),
            tags: Some(i.tags.clone()),
            datasets: None,
            private: Some(i.private),
        }
    }
}

pub async fn create_reuse(p: &Platform, who: &Principal, actor: &Actor, input: &ReuseInput) -> Result<Reuse, AppError> {
    let uid = who.user_id.ok_or_else(AppError::unauthenticated)?;
    let fields = ReuseFields::parse(&ReusePatch::from(input), None);
    let datasets = resolve_datasets(p, who, &input.datasets).await;
    let (f, datasets) = checked(fields, datasets)?;
    let org_id = match &input.organization {
        Some(o) => crate::service::resolve_org(p, o).await?,
        None => None,
    };
    crate::service::authorize_create(who, "reuse", uid, org_id)?;
    let now = p.now();
    let id = new_id(p);
    let mut tx = p.db.write().await?;
    let base = slugify(&f.title);
    let mut slug = base.clone();
    let mut n = 1;
    while sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM catalog_reuses WHERE slug = $1").bind(&slug).fetch_one(tx.conn()).await? > 0 {
        n += 1;
        slug = format!("{base}-{n}");
    }
    sqlx::query(
        "INSERT INTO catalog_reuses (id, slug, title, description, type, url, topic, tags, org_id, owner_id, private, public, created_at, modified_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $13)",
    )
    .bind(&id)
    .bind(&slug)
    .bind(&f.title)
    .bind(&f.description)
    .bind(&f.rtype)
    .bind(&f.url)
    .bind(&f.topic)
    .bind(serde_json::to_string(&f.tags).unwrap_or_default())
    .bind(org_id)
    .bind(if org_id.is_some() { None } else { Some(uid) })
    .bind(f.private)
    .bind(!f.private)
    .bind(now)
    .execute(tx.conn())
    .await?;
    link_datasets(tx.conn(), &id, &datasets).await?;
    audit::record(tx.conn(), now, actor, Change { module: MODULE, object_type: "reuse", object_id: id.clone(), action: "create", before: None, after: Some(reuse_record(&f, &datasets)) }).await?;
    tx.commit().await?;
    reuse(p, who, &id).await
}

/// Changes the fields sent (the slug stays, as for datasets: links keep working).
pub async fn update_reuse(p: &Platform, who: &Principal, actor: &Actor, id: &str, patch: &ReusePatch) -> Result<Reuse, AppError> {
    let (before, _) = readable_reuse(p, who, id).await?;
    who.authorize(Action::Update, &reuse_target(&before))?;
    let base = fields_of(&before);
    let fields = ReuseFields::parse(patch, Some(&base));
    let datasets = match &patch.datasets {
        Some(d) => resolve_datasets(p, who, d).await,
        None => Ok(before.datasets.clone()),
    };
    let (f, datasets) = checked(fields, datasets)?;
    let now = p.now();
    let mut tx = p.db.write().await?;
    sqlx::query("UPDATE catalog_reuses SET title = $1, description = $2, type = $3, url = $4, topic = $5, tags = $6, private = $7, public = $8, modified_at = $9 WHERE id = $10")
        .bind(&f.title)
        .bind(&f.description)
        .bind(&f.rtype)
        .bind(&f.url)
        .bind(&f.topic)
        .bind(serde_json::to_string(&f.tags).unwrap_or_default())
        .bind(f.private)
        .bind(!f.private)
        .bind(now)
        .bind(&before.id)
        .execute(tx.conn())
        .await?;
    // Rewritten only when the list changed: each write moves the search index's generation.
    if datasets != before.datasets {
        link_datasets(tx.conn(), &before.id, &datasets).await?;
    }
    audit::record(tx.conn(), now, actor, Change {
        module: MODULE, object_type: "reuse", object_id: before.id.clone(), action: "update",
        before: Some(reuse_record(&base, &before.datasets)), after: Some(reuse_record(&f, &datasets)),
    })
    .await?;
    tx.commit().await?;
    reuse(p, who, &before.id).await
}

/// udata's delete: the reuse is marked deleted and hidden. Its links to datasets are removed so
/// that it leaves their reuse counts; the audit entry keeps which datasets it reused.
pub async fn delete_reuse(p: &Platform, who: &Principal, actor: &Actor, id: &str) -> Result<Reuse, AppError> {
    let (before, _) = readable_reuse(p, who, id).await?;
    who.authorize(Action::Update, &reuse_target(&before))?;
    let now = p.now();
    let mut tx = p.db.write().await?;
    sqlx::query("UPDATE catalog_reuses SET deleted_at = $1, public = $2, modified_at = $1 WHERE id = $3").bind(now).bind(false).bind(&before.id).execute(tx.conn()).await?;
    link_datasets(tx.conn(), &before.id, &[]).await?;
    audit::record(tx.conn(), now, actor, Change {
        module: MODULE, object_type: "reuse", object_id: before.id.clone(), action: "delete",
        before: Some(reuse_record(&fields_of(&before), &before.datasets)), after: Some(serde_json::json!({ "deleted_at": platform::clock::rfc3339(now) })),
    })
    .await?;
    tx.commit().await?;
    Ok(before)
}
