//! Append-only history of every mutation, written in the same transaction as the change.
use serde::Serialize;
use serde_json::Value;
use sqlx::{AnyConnection, Row};

use crate::clock::Millis;

/// Who did it, for the log. Built from the request's viewer, or for CLI/system work.
#[derive(Clone, Debug)]
pub struct Actor {
    pub user_id: Option<i64>,
    pub label: String,
    pub request_id: String,
}

impl Actor {
    pub fn system(what: &str) -> Self {
        Actor { user_id: None, label: format!("system:{what}"), request_id: String::new() }
    }
}

pub struct Change<'a> {
    pub module: &'a str,
    pub object_type: &'a str,
    pub object_id: String,
    pub action: &'a str,
    pub before: Option<Value>,
    pub after: Option<Value>,
}

pub async fn record(conn: &mut AnyConnection, at: Millis, actor: &Actor, c: Change<'_>) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO audit_log (at, actor_id, actor_label, module, object_type, object_id, action, before_json, after_json, request_id)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
    )
    .bind(at)
    .bind(actor.user_id)
    .bind(&actor.label)
    .bind(c.module)
    .bind(c.object_type)
    .bind(&c.object_id)
    .bind(c.action)
    .bind(c.before.map(|v| v.to_string()))
    .bind(c.after.map(|v| v.to_string()))
    .bind(&actor.request_id)
    .execute(conn)
    .await?;
    Ok(())
}

#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct AuditEntry {
    pub id: i64,
    pub at: String,
    #[serde(skip)]
    pub at_ms: Millis,
    pub actor_id: Option<i64>,
    pub actor_label: String,
    pub module: String,
    pub object_type: String,
    pub object_id: String,
    pub action: String,
    pub before: Option<Value>,
    pub after: Option<Value>,
    pub request_id: String,
}

#[derive(Default, Debug, Clone)]
pub struct AuditQuery {
    pub module: Option<String>,
    pub object_type: Option<String>,
    pub object_id: Option<String>,
    pub actor_id: Option<i64>,
    pub before_id: Option<i64>,
    pub limit: i64,
}

pub async fn list(pool: &sqlx::AnyPool, q: &AuditQuery) -> Result<Vec<AuditEntry>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT id, at, actor_id, actor_label, module, object_type, object_id, action, before_json, after_json, request_id
         FROM audit_log
         WHERE ($1 IS NULL OR module = $1) AND ($2 IS NULL OR object_type = $2) AND ($3 IS NULL OR object_id = $3)
           AND ($4 IS NULL OR actor_id = $4) AND ($5 IS NULL OR id < $5)
         ORDER BY id DESC LIMIT $6",
    )
    .bind(q.module.as_deref())
    .bind(q.object_type.as_deref())
    .bind(q.object_id.as_deref())
    .bind(q.actor_id)
    .bind(q.before_id)
    .bind(q.limit.clamp(1, 500))
    .fetch_all(pool)
    .await?;
    Ok(rows
        .iter()
        .map(|r| {
            let at: i64 = r.get("at");
            let parse = |s: Option<String>| s.and_then(|s| serde_json::from_str(&s).ok());
            AuditEntry {
                id: r.get("id"),
                at: crate::clock::rfc3339(at),
                at_ms: at,
                actor_id: r.get("actor_id"),
                actor_label: r.get("actor_label"),
                module: r.get("module"),
                object_type: r.get("object_type"),
                object_id: r.get("object_id"),
                action: r.get("action"),
                before: parse(r.get("before_json")),
                after: parse(r.get("after_json")),
                request_id: r.get("request_id"),
            }
        })
        .collect())
}
