//! What people and programs do to the catalog: each operation checks permissions, writes in one
//! transaction with its audit entry, then announces the change.
use platform::access::{Action, Principal, Target};
use platform::audit::{self, Actor, Change};
use platform::error::{AppError, FieldError};
use platform::events::Event;
use platform::Platform;

use crate::domain::model::{Dataset, DatasetFields, InputError, Resource, ResourceFields, ResourceInput, DatasetInput};
use crate::domain::badges::BadgeKind;
use crate::domain::quality;
use crate::store;

pub const MODULE: &str = "catalog";

pub fn field_errors(errors: Vec<InputError>) -> AppError {
    AppError::invalid(errors.into_iter().map(|e| FieldError::new(e.field, e.code)).collect())
}

pub fn dataset_target(d: &Dataset) -> Target<'_> {
    Target { module: MODULE, object: "dataset", owner_id: d.owner_id, org_id: d.org_id, public: d.is_public() }
}

/// Creating in an organisation follows the organisation's roles and grants; anyone signed in
/// may publish under their own name, as on udata (an API token still needs the create scope).
pub fn authorize_create(who: &Principal, object: &str, uid: i64, org_id: Option<i64>) -> Result<(), AppError> {
    if org_id.is_none() && who.token_allows(MODULE, Action::Create) {
        return Ok(());
    }
    who.authorize(Action::Create, &Target { module: MODULE, object, owner_id: Some(uid), org_id, public: false })?;
    Ok(())
}

/// Reads a dataset the principal may see; deleted ones only for those who may delete them.
pub async fn visible_dataset(p: &Platform, who: &Principal, id_or_slug: &str) -> Result<Dataset, AppError> {
    let d = store::get_dataset(p.db.pool(), id_or_slug).await?.ok_or_else(AppError::not_found)?;
    let target = dataset_target(&d);
    if d.deleted_at.is_some() {
        who.authorize(Action::Delete, &target).map_err(|_| AppError::not_found())?;
    } else if who.authorize(Action::Read, &target).is_err() {
        return Err(AppError::not_found());
    }
    Ok(d)
}

/// udata ids look like MongoDB ObjectIds (24 hex digits); clients and harvesters expect that.
pub fn new_id(p: &Platform) -> String {
    p.random.hex(12)
}

pub fn new_uuid(p: &Platform) -> String {
    p.random.uuid_v4()
}

/// A slug from the title, numbered when another dataset has it.
pub(crate) async fn unique_slug(conn: &mut sqlx::AnyConnection, title: &str, id: &str) -> Result<String, sqlx::Error> {
    let base = crate::domain::model::slugify(title);
    let mut slug = base.clone();
    let mut n = 1;
    while store::slug_taken(&mut *conn, &slug, id).await? {
        n += 1;
        slug = format!("{base}-{n}");
    }
    Ok(slug)
}

/// A dataset as the audit log records it: its fields without the resources (audited apart).
pub(crate) fn snapshot(d: &Dataset) -> serde_json::Value {
    let mut v = serde_json::to_value(d).unwrap_or_default();
    if let Some(o) = v.as_object_mut() {
        o.remove("resources");
    }
    v
}

/// Resolves an organisation given by id (number) or slug.
pub async fn resolve_org(p: &Platform, raw: &serde_json::Value) -> Result<Option<i64>, AppError> {
    let text = match raw {
        serde_json::Value::Null => return Ok(None),
        serde_json::Value::Number(n) => n.to_string(),
        serde_json::Value::String(s) if s.is_empty() => return Ok(None),
        serde_json::Value::String(s) => s.clone(),
        serde_json::Value::Object(o) => match o.get("id") {
            Some(id) => return Box::pin(resolve_org(p, id)).await,
            None => return Err(AppError::invalid(vec![FieldError::new("organization", "unknown_organization")])),
        },
        _ => return Err(AppError::invalid(vec![FieldError::new("organization", "unknown_organization")])),
    };
    let id: Option<i64> = sqlx::query_scalar("SELECT id FROM organisations WHERE CAST(id AS TEXT) = $1 OR slug = $1")
        .bind(&text)
        .fetch_optional(p.db.pool())
        .await?;
    id.map(Some).ok_or_else(|| AppError::invalid(vec![FieldError::new("organization", "unknown_organization")]))
}

pub async fn create_dataset(p: &Platform, who: &Principal, actor: &Actor, input: &DatasetInput) -> Result<Dataset, AppError> {
    let fields = DatasetFields::parse(input, None).map_err(field_errors)?;
    let org_id = match &input.organization {
        Some(o) => resolve_org(p, o).await?,
        None => None,
    };
    let uid = who.user_id.ok_or_else(AppError::unauthenticated)?;
    authorize_create(who, "dataset", uid, org_id)?;
    let now = p.now();
    let id = new_id(p);
    let mut tx = p.db.write().await?;
    let slug = unique_slug(tx.conn(), &fields.title, &id).await?;
    let d = apply(
        Dataset {
            slug,
            org_id,
            // A dataset published by an organisation belongs to it, not to the person.
            owner_id: if org_id.is_some() { None } else { Some(uid) },
            ..Dataset::new(id, now)
        },
        fields,
    );
    store::save_dataset(tx.conn(), &d, quality::compute(&d, now).score).await?;
    audit::record(tx.conn(), now, actor, Change { module: MODULE, object_type: "dataset", object_id: d.id.clone(), action: "create", before: None, after: Some(snapshot(&d)) }).await?;
    tx.commit().await?;
    announce(p, "created", &d);
    Ok(d)
}

fn apply(mut d: Dataset, f: DatasetFields) -> Dataset {
    d.title = f.title;
    d.acronym = f.acronym;
    d.description = f.description;
    d.license = f.license;
    d.frequency = f.frequency;
    d.tags = f.tags;
    d.temporal_coverage = f.temporal_coverage;
    d.spatial = f.spatial;
    d.private = f.private;
    d.extras = f.extras;
    d
}

fn event(p: &Platform, topic: String, kind: &str, data: serde_json::Value) -> Event {
    Event { topic, kind: kind.into(), at: platform::clock::rfc3339(p.now()), data }
}

fn announce(p: &Platform, what: &str, d: &Dataset) {
    if d.is_public() {
        p.events.publish(event(p, format!("catalog.dataset.{}", d.id), what, serde_json::json!({ "id": d.id, "slug": d.slug, "title": d.title })));
    }
}

pub async fn update_dataset(p: &Platform, who: &Principal, actor: &Actor, id: &str, input: &DatasetInput) -> Result<Dataset, AppError> {
    let before = visible_dataset(p, who, id).await?;
    who.authorize(Action::Update, &dataset_target(&before))?;
    if before.deleted_at.is_some() {
        return Err(AppError::conflict("dataset_deleted", "this dataset is deleted"));
    }
    let fields = DatasetFields::parse(input, Some(&DatasetFields::of(&before))).map_err(field_errors)?;
    let mut d = apply(before.clone(), fields);
    if let Some(o) = &input.organization {
        let org = resolve_org(p, o).await?;
        if org != d.org_id {
            // Moving a dataset to an organisation needs the right to create there.
            authorize_create(who, "dataset", who.user_id.ok_or_else(AppError::unauthenticated)?, org)?;
            d.org_id = org;
            d.owner_id = if org.is_some() { None } else { who.user_id };
        }
    }
    let now = p.now();
    d.modified_at = now;
    let mut tx = p.db.write().await?;
    // The slug stays as it was when the title changes: udata keeps links stable.
    store::save_dataset(tx.conn(), &d, quality::compute(&d, now).score).await?;
    audit::record(tx.conn(), now, actor, Change { module: MODULE, object_type: "dataset", object_id: d.id.clone(), action: "update", before: Some(snapshot(&before)), after: Some(snapshot(&d)) }).await?;
    tx.commit().await?;
    announce(p, "updated", &d);
    Ok(d)
}

/// Awards (`add`) or removes a badge: platform administrators only, as udata's site
/// administrators. Awarding a badge the dataset has, or removing one it has not, changes nothing
/// and writes nothing.
pub async fn set_badge(p: &Platform, who: &Principal, actor: &Actor, id: &str, kind: BadgeKind, add: bool) -> Result<Dataset, AppError> {
    let before = visible_dataset(p, who, id).await?;
    if !who.is_admin {
        return Err(AppError::forbidden());
    }
    if before.deleted_at.is_some() {
        return Err(AppError::conflict("dataset_deleted", "this dataset is deleted"));
    }
    let has = before.badges.iter().any(|b| b == kind.as_str());
    if has == add {
        return Ok(before);
    }
    let mut d = before.clone();
    if add {
        d.badges.push(kind.as_str().to_string());
    } else {
        d.badges.retain(|b| b != kind.as_str());
    }
    let now = p.now();
    let mut tx = p.db.write().await?;
    store::save_dataset(tx.conn(), &d, quality::compute(&d, now).score).await?;
    audit::record(tx.conn(), now, actor, Change {
        module: MODULE, object_type: "dataset", object_id: d.id.clone(), action: if add { "badge_add" } else { "badge_remove" },
        before: Some(serde_json::json!({ "badges": before.badges })), after: Some(serde_json::json!({ "badges": d.badges })),
    })
    .await?;
    tx.commit().await?;
    announce(p, "updated", &d);
    Ok(d)
}

/// udata's delete: the dataset is marked deleted (kept, restorable by an administrator).
pub async fn delete_dataset(p: &Platform, who: &Principal, actor: &Actor, id: &str) -> Result<(), AppError> {
    let before = visible_dataset(p, who, id).await?;
    who.authorize(Action::Delete, &dataset_target(&before))?;
    if before.deleted_at.is_some() {
        return Err(AppError::not_found());
    }
    let now = p.now();
    let mut d = before.clone();
    d.deleted_at = Some(now);
    d.modified_at = now;
    let mut tx = p.db.write().await?;
    store::save_dataset(tx.conn(), &d, quality::compute(&d, now).score).await?;
    audit::record(tx.conn(), now, actor, Change { module: MODULE, object_type: "dataset", object_id: d.id.clone(), action: "delete", before: Some(snapshot(&before)), after: Some(snapshot(&d)) }).await?;
    tx.commit().await?;
    p.events.publish(event(p, format!("catalog.dataset.{}", d.id), "deleted", serde_json::json!({ "id": d.id })));
    Ok(())
}

/// Recomputes and stores a dataset's quality after its resources or their checks changed, from
/// what the transaction on `conn` sees. Written only when it changed (the search index follows
/// every write to datasets).
pub async fn refresh_quality(p: &Platform, conn: &mut sqlx::AnyConnection, dataset_id: &str) -> Result<(), sqlx::Error> {
    if let Some(d) = store::get_dataset_on(&mut *conn, dataset_id).await? {
        let q = quality::compute(&d, p.now()).score;
        sqlx::query("UPDATE catalog_datasets SET quality = $1 WHERE id = $2 AND quality <> $1").bind(q).bind(dataset_id).execute(conn).await?;
    }
    Ok(())
}

/// The file's content and how it was uploaded.
pub struct Upload {
    pub filename: String,
    pub content_type: String,
    pub bytes: Vec<u8>,
}

/// Largest uploaded resource file.
pub const MAX_UPLOAD: u64 = 512 * 1024 * 1024;

/// Adds a resource: a remote URL, or an uploaded file kept in the platform's file store.
pub async fn create_resource(p: &Platform, who: &Principal, actor: &Actor, dataset_id: &str, input: &ResourceInput, upload: Option<Upload>) -> Result<Resource, AppError> {
    let d = visible_dataset(p, who, dataset_id).await?;
    who.authorize(Action::Update, &dataset_target(&d))?;
    let mut input = input.clone();
    if let Some(u) = &upload {
        if input.title.as_deref().is_none_or(|t| t.trim().is_empty()) {
            input.title = Some(u.filename.clone());
        }
        if input.format.is_none() {
            input.format = Some(crate::domain::model::guess_format(&u.filename));
        }
    }
    let remote = upload.is_none();
    let fields = ResourceFields::parse(&input, None, remote).map_err(field_errors)?;
    let now = p.now();
    let id = new_uuid(p);
    let (url, filesize, sha256, mime) = match &upload {
        Some(u) => {
            let stored = p.files.put(&u.bytes, &u.content_type, &[], MAX_UPLOAD).await.map_err(|e| AppError::bad_request("file_refused", e.to_string()))?;
            (format!("/catalog/files/{id}/{}", sanitize_filename(&u.filename)), Some(stored.size as i64), Some(stored.sha256), u.content_type.clone())
        }
        None => (fields.url.clone(), fields.filesize, None, fields.mime.clone()),
    };
    let r = Resource {
        id,
        dataset_id: d.id.clone(),
        title: fields.title,
        description: fields.description,
        filetype: if remote { "remote".into() } else { "file".into() },
        rtype: fields.rtype,
        url,
        format: fields.format,
        mime,
        filesize,
        sha256,
        schema: fields.schema,
        extras: serde_json::json!({}),
        created_at: now,
        modified_at: now,
    };
    let mut tx = p.db.write().await?;
    store::save_resource(tx.conn(), &r, d.resources.len() as i64).await?;
    touch_dataset(tx.conn(), &d.id, now).await?;
    audit::record(tx.conn(), now, actor, Change { module: MODULE, object_type: "resource", object_id: r.id.clone(), action: "create", before: None, after: serde_json::to_value(&r).ok() }).await?;
    refresh_quality(p, tx.conn(), &d.id).await?;
    tx.commit().await?;
    crate::tabular::schedule(p, &r).await;
    p.events.publish(event(p, format!("catalog.resource.{}", r.id), "created", serde_json::json!({ "id": r.id, "dataset": d.id })));
    Ok(r)
}

/// A file name safe in a URL path segment, keeping its extension.
pub fn sanitize_filename(name: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or(name);
    let s: String = base.chars().map(|c| if c.is_ascii_alphanumeric() || c == '.' || c == '-' || c == '_' { c } else { '-' }).collect();
    let s = s.trim_matches(['.', '-']).to_string();
    if s.is_empty() { "fichier".into() } else { s }
}

async fn touch_dataset(conn: &mut sqlx::AnyConnection, id: &str, now: i64) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE catalog_datasets SET modified_at = $1, last_update = $1 WHERE id = $2").bind(now).bind(id).execute(conn).await?;
    Ok(())
}

fn find_resource<'a>(d: &'a Dataset, rid: &str) -> Result<(usize, &'a Resource), AppError> {
    d.resources.iter().enumerate().find(|(_, r)| r.id == rid).ok_or_else(AppError::not_found)
}

pub async fn update_resource(p: &Platform, who: &Principal, actor: &Actor, dataset_id: &str, rid: &str, input: &ResourceInput, upload: Option<Upload>) -> Result<Resource, AppError> {
    let d = visible_dataset(p, who, dataset_id).await?;
    who.authorize(Action::Update, &dataset_target(&d))?;
    let (pos, before) = find_resource(&d, rid)?;
    let remote = before.filetype == "remote" && upload.is_none();
    let fields = ResourceFields::parse(input, Some(&ResourceFields::of(before)), remote).map_err(field_errors)?;
    let now = p.now();
    let mut r = before.clone();
    r.title = fields.title;
    r.description = fields.description;
    r.rtype = fields.rtype;
    r.format = fields.format;
    r.schema = fields.schema;
    r.modified_at = now;
    if let Some(u) = &upload {
        let stored = p.files.put(&u.bytes, &u.content_type, &[], MAX_UPLOAD).await.map_err(|e| AppError::bad_request("file_refused", e.to_string()))?;
        r.filetype = "file".into();
        r.url = format!("/catalog/files/{}/{}", r.id, sanitize_filename(&u.filename));
        r.filesize = Some(stored.size as i64);
        r.sha256 = Some(stored.sha256);
        r.mime = u.content_type.clone();
    } else if remote {
        r.url = fields.url;
        r.mime = fields.mime;
        r.filesize = fields.filesize;
    }
    let mut tx = p.db.write().await?;
    store::save_resource(tx.conn(), &r, pos as i64).await?;
    touch_dataset(tx.conn(), &d.id, now).await?;
    audit::record(tx.conn(), now, actor, Change { module: MODULE, object_type: "resource", object_id: r.id.clone(), action: "update", before: serde_json::to_value(before).ok(), after: serde_json::to_value(&r).ok() }).await?;
    refresh_quality(p, tx.conn(), &d.id).await?;
    tx.commit().await?;
    crate::tabular::schedule(p, &r).await;
    p.events.publish(event(p, format!("catalog.resource.{}", r.id), "updated", serde_json::json!({ "id": r.id, "dataset": d.id })));
    Ok(r)
}

pub async fn delete_resource(p: &Platform, who: &Principal, actor: &Actor, dataset_id: &str, rid: &str) -> Result<(), AppError> {
    let d = visible_dataset(p, who, dataset_id).await?;
    who.authorize(Action::Update, &dataset_target(&d))?;
    let (_, before) = find_resource(&d, rid)?;
    let now = p.now();
    let mut tx = p.db.write().await?;
    sqlx::query("DELETE FROM catalog_resources WHERE id = $1").bind(rid).execute(tx.conn()).await?;
    touch_dataset(tx.conn(), &d.id, now).await?;
    audit::record(tx.conn(), now, actor, Change { module: MODULE, object_type: "resource", object_id: rid.to_string(), action: "delete", before: serde_json::to_value(before).ok(), after: None }).await?;
    refresh_quality(p, tx.conn(), &d.id).await?;
    tx.commit().await?;
    p.events.publish(event(p, format!("catalog.resource.{rid}"), "deleted", serde_json::json!({ "id": rid, "dataset": d.id })));
    Ok(())
}
