//! The open data every module publishes (the platform's registry), shown as datasets of the
//! platform's organisation, with resources pointing at the modules' export endpoints. Kept in
//! step at every start: new publications appear, changed ones are updated, withdrawn ones are
//! archived (never deleted: their links may be cited).
use platform::audit::{self, Actor, Change};
use platform::Platform;

use crate::domain::model::{guess_format, Dataset, Resource};
use crate::domain::{licence, quality};
use crate::service::{new_id, new_uuid, snapshot, unique_slug, MODULE};
use crate::store;

pub async fn sync(p: &Platform) -> anyhow::Result<usize> {
    let pubs = platform::opendata::list(p.db.pool()).await?;
    let existing: Vec<(String, String)> =
        sqlx::query_as("SELECT id, publication FROM catalog_datasets WHERE publication IS NOT NULL").fetch_all(p.db.pool()).await?;
    if pubs.is_empty() && existing.is_empty() {
        return Ok(0);
    }
    let org = p.platform_org().await.map_err(|e| anyhow::anyhow!(e.detail))?;
    let actor = Actor::system("catalog.publications");
    let base = p.config.public_url.trim_end_matches('/').to_string();
    let now = p.now();
    let mut changed = 0;
    for pb in &pubs {
        let key = format!("{}:{}", pb.module, pb.key);
        let before = match existing.iter().find(|(_, k)| *k == key) {
            Some((id, _)) => store::get_dataset(p.db.pool(), id).await?,
            None => None,
        };
        let mut d = before.clone().unwrap_or_else(|| Dataset {
            tags: vec![pb.module.clone()],
            org_id: Some(org.id),
            publication: Some(key.clone()),
            ..Dataset::new(new_id(p), now)
        });
        d.title = pb.title_fr.clone();
        d.description = if pb.description_en.is_empty() { pb.description_fr.clone() } else { format!("{}\n\n*English:* {}", pb.description_fr, pb.description_en) };
        d.license = licence::parse(&pb.licence).map(|l| l.id.to_string()).unwrap_or_else(|| licence::DEFAULT.into());
        d.archived_at = None;
        let resources: Vec<Resource> = pb
            .resources
            .iter()
            .map(|r| {
                let url = format!("{base}{}", r.path);
                let kept = before.as_ref().and_then(|b| b.resources.iter().find(|x| x.url == url || x.title == r.title));
                Resource {
                    id: kept.map(|k| k.id.clone()).unwrap_or_else(|| new_uuid(p)),
                    dataset_id: d.id.clone(),
                    title: r.title.clone(),
                    description: String::new(),
                    filetype: "remote".into(),
                    rtype: "main".into(),
                    format: if r.format.is_empty() { guess_format(&r.path) } else { r.format.to_lowercase() },
                    url,
                    mime: String::new(),
                    filesize: None,
                    sha256: None,
                    schema: None,
                    extras: kept.map(|k| k.extras.clone()).unwrap_or_else(|| serde_json::json!({})),
                    created_at: kept.map(|k| k.created_at).unwrap_or(now),
                    modified_at: now,
                }
            })
            .collect();
        let same = before.as_ref().is_some_and(|b| {
            b.title == d.title
                && b.description == d.description
                && b.license == d.license
                && b.archived_at.is_none()
                && b.resources.len() == resources.len()
                && b.resources.iter().zip(&resources).all(|(x, y)| x.url == y.url && x.title == y.title && x.format == y.format)
        });
        if same {
            continue;
        }
        let mut tx = p.db.write().await?;
        if before.is_none() {
            d.slug = unique_slug(tx.conn(), &d.title, &d.id).await?;
        }
        d.modified_at = now;
        d.last_update = now;
        d.resources = resources;
        store::save_dataset(tx.conn(), &d, quality::compute(&d, now).score).await?;
        sqlx::query("DELETE FROM catalog_resources WHERE dataset_id = $1").bind(&d.id).execute(tx.conn()).await?;
        for (i, r) in d.resources.iter().enumerate() {
            store::save_resource(tx.conn(), r, i as i64).await?;
        }
        audit::record(tx.conn(), now, &actor, Change { module: MODULE, object_type: "dataset", object_id: d.id.clone(), action: if before.is_some() { "update" } else { "create" }, before: None, after: Some(snapshot(&d)) }).await?;
        tx.commit().await?;
        changed += 1;
    }
    for (id, key) in &existing {
        if pubs.iter().any(|pb| format!("{}:{}", pb.module, pb.key) == *key) {
            continue;
        }
        let mut tx = p.db.write().await?;
        let n = sqlx::query("UPDATE catalog_datasets SET archived_at = $1 WHERE id = $2 AND archived_at IS NULL").bind(now).bind(id).execute(tx.conn()).await?.rows_affected();
        if n > 0 {
            audit::record(tx.conn(), now, &actor, Change { module: MODULE, object_type: "dataset", object_id: id.clone(), action: "archive", before: None, after: Some(serde_json::json!({ "publication": key, "reason": "withdrawn" })) }).await?;
            changed += 1;
        }
        tx.commit().await?;
    }
    Ok(changed)
}
