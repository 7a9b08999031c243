//! GDPR: a person downloads everything held about them, or deletes their account. Deletion keeps
//! contributions (audit history, organisation records) but strips them of the person's identity.
use std::io::Write;

use sqlx::Row;

use super::User;
use crate::audit::{self, Actor, Change};
use crate::error::AppError;
use crate::Platform;

impl Platform {
    /// A ZIP of JSON files: profile, memberships, sessions, tokens (no secrets), history.
    pub async fn export_user_data(&self, user: &User) -> Result<Vec<u8>, AppError> {
        let orgs = self.orgs_of_user(user.id).await?;
        let sessions = self.list_sessions(user.id, None).await?;
        let tokens = self.list_api_tokens(user.id).await?;
        let history = audit::list(self.db.pool(), &audit::AuditQuery { actor_id: Some(user.id), limit: 500, ..Default::default() }).await?;
        let requests: Vec<serde_json::Value> = sqlx::query("SELECT org_id, kind, status, created_at FROM membership_requests WHERE user_id = $1 OR email = $2")
            .bind(user.id)
            .bind(&user.email)
            .fetch_all(self.db.pool())
            .await?
            .iter()
            .map(|r| serde_json::json!({ "org_id": r.get::<i64, _>(0), "kind": r.get::<String, _>(1), "status": r.get::<String, _>(2), "created_at": crate::clock::rfc3339(r.get(3)) }))
            .collect();
        let files: [(&str, serde_json::Value); 6] = [
            ("profile.json", serde_json::to_value(user).unwrap_or_default()),
            ("organisations.json", serde_json::json!(orgs.iter().map(|(o, r)| serde_json::json!({ "organisation": o, "role": r })).collect::<Vec<_>>())),
            ("membership_requests.json", serde_json::json!(requests)),
            ("sessions.json", serde_json::to_value(&sessions).unwrap_or_default()),
            ("api_tokens.json", serde_json::to_value(&tokens).unwrap_or_default()),
            ("history.json", serde_json::to_value(&history).unwrap_or_default()),
        ];
        let mut buf = std::io::Cursor::new(Vec::new());
        {
            let mut zip = zip::ZipWriter::new(&mut buf);
            let opts = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
            for (name, value) in files {
                zip.start_file(name, opts).map_err(AppError::internal)?;
                zip.write_all(serde_json::to_string_pretty(&value).unwrap_or_default().as_bytes()).map_err(AppError::internal)?;
            }
            zip.finish().map_err(AppError::internal)?;
        }
        Ok(buf.into_inner())
    }

    /// Deletes the account: personal data erased, sessions and tokens gone, memberships left,
    /// contributions kept under an anonymous label.
    pub async fn delete_account(&self, user: &User, request_id: &str) -> Result<(), AppError> {
        let sole_admin: Option<String> = sqlx::query(
            "SELECT o.name FROM memberships m JOIN organisations o ON o.id = m.org_id
             WHERE m.user_id = $1 AND m.role = 'admin'
               AND (SELECT COUNT(*) FROM memberships m2 WHERE m2.org_id = m.org_id AND m2.role = 'admin') = 1
               AND (SELECT COUNT(*) FROM memberships m3 WHERE m3.org_id = m.org_id) > 1",
        )
        .bind(user.id)
        .fetch_optional(self.db.pool())
        .await?
        .map(|r| r.get(0));
        if let Some(org) = sole_admin {
            return Err(AppError::conflict("last_admin", format!("you are the only admin of “{org}”: name another admin first")));
        }
        let now = self.now();
        let anon = format!("deleted-{}@invalid", user.id);
        let mut tx = self.db.write().await?;
        for sql in [
            "DELETE FROM sessions WHERE user_id = $1",
            "DELETE FROM api_tokens WHERE user_id = $1",
            "DELETE FROM email_tokens WHERE user_id = $1",
            "DELETE FROM memberships WHERE user_id = $1",
            "DELETE FROM group_members WHERE user_id = $1",
            "DELETE FROM permissions WHERE subject_kind = 'user' AND subject_id = $1",
            "DELETE FROM membership_requests WHERE user_id = $1",
        ] {
            sqlx::query(sql).bind(user.id).execute(tx.conn()).await?;
        }
        sqlx::query("DELETE FROM login_attempts WHERE email = $1").bind(&user.email).execute(tx.conn()).await?;
        sqlx::query("DELETE FROM outbox WHERE to_addr = $1").bind(&user.email).execute(tx.conn()).await?;
        sqlx::query(
            "UPDATE users SET email = $1, display_name = '', password_hash = NULL, locale = NULL, deleted_at = $2 WHERE id = $3",
        )
        .bind(&anon)
        .bind(now)
        .bind(user.id)
        .execute(tx.conn())
        .await?;
        // Personal values quoted in history (e-mail, name) are replaced too.
        for personal in [format!("\"{}\"", user.email), format!("\"{}\"", user.display_name)] {
            sqlx::query("UPDATE audit_log SET before_json = REPLACE(before_json, $1, '\"(deleted)\"'), after_json = REPLACE(after_json, $1, '\"(deleted)\"')")
                .bind(&personal)
                .execute(tx.conn())
                .await?;
        }
        sqlx::query("UPDATE audit_log SET actor_label = $1 WHERE actor_id = $2")
            .bind(format!("deleted-user-{}", user.id))
            .bind(user.id)
            .execute(tx.conn())
            .await?;
        let actor = Actor { user_id: Some(user.id), label: format!("deleted-user-{}", user.id), request_id: request_id.into() };
        audit::record(tx.conn(), now, &actor, Change {
            module: "platform", object_type: "user", object_id: user.id.to_string(), action: "delete",
            before: None, after: None,
        }).await?;
        tx.commit().await?;
        Ok(())
    }
}
