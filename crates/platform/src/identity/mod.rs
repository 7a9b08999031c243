//! Accounts, sessions, API tokens, e-mail verification and password reset.
pub mod gdpr;
pub mod orgs;
pub mod types;

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use serde::Serialize;
use sha2::{Digest, Sha256};
use sqlx::Row;

use crate::access::{Action, Grant, Principal, Role, Scope, TokenScopes};
use crate::audit::{self, Actor, Change};
use crate::error::{AppError, FieldError};
use crate::i18n::Locale;
use crate::Platform;
pub use types::{DisplayName, Email, Password, Slug};

pub const SESSION_COOKIE: &str = "communs_session";
pub const TOKEN_PREFIX: &str = "cmn_";
const VERIFY_TTL_MS: i64 = 48 * 3_600_000;
const RESET_TTL_MS: i64 = 3_600_000;
const THROTTLE_WINDOW_MS: i64 = 15 * 60_000;
const MAX_FAILURES_PER_EMAIL: i64 = 5;
const MAX_FAILURES_PER_IP: i64 = 30;

pub fn sha256_hex(s: &str) -> String {
    hex::encode(Sha256::digest(s.as_bytes()))
}

#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct User {
    pub id: i64,
    pub email: String,
    pub display_name: String,
    pub is_admin: bool,
    pub is_disabled: bool,
    pub email_verified: bool,
    pub locale: Option<Locale>,
    pub created_at: String,
}

const USER_COLS: &str = "id, email, display_name, is_admin, is_disabled, email_verified_at, locale, created_at";

fn user_from_row(r: &sqlx::any::AnyRow) -> User {
    User {
        id: r.get("id"),
        email: r.get("email"),
        display_name: r.get("display_name"),
        is_admin: crate::db::get_bool(r, "is_admin"),
        is_disabled: crate::db::get_bool(r, "is_disabled"),
        email_verified: r.get::<Option<i64>, _>("email_verified_at").is_some(),
        locale: r.get::<Option<String>, _>("locale").and_then(|l| Locale::parse(&l)),
        created_at: crate::clock::rfc3339(r.get("created_at")),
    }
}

/// An authenticated session as resolved from its cookie.
#[derive(Clone, Debug)]
pub struct Session {
    pub id: i64,
    pub csrf_token: String,
}

#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct SessionInfo {
    pub id: i64,
    pub user_agent: String,
    pub ip: String,
    pub created_at: String,
    pub last_seen_at: String,
    pub expires_at: String,
    pub current: bool,
}

#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct ApiToken {
    pub id: i64,
    pub name: String,
    /// The visible start of the token, to recognise it; the rest is never shown again.
    pub prefix: String,
    pub scopes: Vec<String>,
    pub created_at: String,
    pub expires_at: Option<String>,
    pub last_used_at: Option<String>,
    pub revoked: bool,
}

#[derive(Debug, thiserror::Error)]
pub enum AuthError {
    #[error("wrong e-mail or password")]
    BadCredentials,
    #[error("too many failed attempts; wait a few minutes")]
    Throttled,
    #[error("this account is disabled")]
    Disabled,
    #[error("the link is invalid or has expired")]
    BadToken,
    #[error("the API token is invalid, expired or revoked")]
    BadApiToken,
}

impl From<AuthError> for AppError {
    fn from(e: AuthError) -> Self {
        use axum::http::StatusCode as S;
        let (status, code) = match e {
            AuthError::BadCredentials => (S::UNAUTHORIZED, "bad_credentials"),
            AuthError::Throttled => (S::TOO_MANY_REQUESTS, "too_many_attempts"),
            AuthError::Disabled => (S::FORBIDDEN, "account_disabled"),
            AuthError::BadToken => (S::BAD_REQUEST, "invalid_or_expired_link"),
            AuthError::BadApiToken => (S::UNAUTHORIZED, "invalid_token"),
        };
        AppError::new(status, code, e.to_string())
    }
}

/// Argon2id with the crate's defaults (19 MiB, 2 passes), off the async threads.
pub async fn hash_password(p: &Password) -> Result<String, AppError> {
    let pw = p.expose().to_string();
    tokio::task::spawn_blocking(move || {
        let salt = SaltString::generate(&mut rand::rngs::OsRng);
        Argon2::default().hash_password(pw.as_bytes(), &salt).map(|h| h.to_string())
    })
    .await
    .map_err(AppError::internal)?
    .map_err(AppError::internal)
}

async fn verify_password(hash: Option<String>, candidate: &str) -> bool {
    // With no account, still spend the time of a verification so timing does not reveal it.
    const DUMMY: &str = "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$0nhY3Qm3ZC+9D2Ui4r3NcbIpiiXc1ooNrqoy4c9h+0A";
    let candidate = candidate.to_string();
    let known = hash.is_some();
    let hash = hash.unwrap_or_else(|| DUMMY.to_string());
    tokio::task::spawn_blocking(move || {
        PasswordHash::new(&hash)
            .map(|h| Argon2::default().verify_password(candidate.as_bytes(), &h).is_ok())
            .unwrap_or(false)
    })
    .await
    .unwrap_or(false)
        && known
}

pub struct NewAccount {
    pub email: Email,
    pub display_name: DisplayName,
    pub password: Password,
    pub locale: Locale,
}

impl Platform {
    pub fn user_actor(&self, user: &User, request_id: &str) -> Actor {
        Actor { user_id: Some(user.id), label: user.email.clone(), request_id: request_id.into() }
    }

    pub async fn user_by_id(&self, id: i64) -> Result<Option<User>, sqlx::Error> {
        let row = sqlx::query(&format!("SELECT {USER_COLS} FROM users WHERE id = $1 AND deleted_at IS NULL"))
            .bind(id)
            .fetch_optional(self.db.pool())
            .await?;
        Ok(row.as_ref().map(user_from_row))
    }

    pub async fn user_by_email(&self, email: &str) -> Result<Option<User>, sqlx::Error> {
        let row = sqlx::query(&format!("SELECT {USER_COLS} FROM users WHERE email = $1 AND deleted_at IS NULL"))
            .bind(email.trim().to_lowercase())
            .fetch_optional(self.db.pool())
            .await?;
        Ok(row.as_ref().map(user_from_row))
    }

    pub async fn list_users(&self, q: Option<&str>, limit: i64, offset: i64) -> Result<(Vec<User>, i64), sqlx::Error> {
        let pattern = q.map(|q| format!("%{}%", q.trim().to_lowercase()));
        let rows = sqlx::query(&format!(
            "SELECT {USER_COLS} FROM users WHERE deleted_at IS NULL
               AND ($1 IS NULL OR LOWER(email) LIKE $1 OR LOWER(display_name) LIKE $1)
             ORDER BY id LIMIT $2 OFFSET $3"
        ))
        .bind(pattern.as_deref())
        .bind(limit)
        .bind(offset)
        .fetch_all(self.db.pool())
        .await?;
        let total: i64 = sqlx::query(
            "SELECT COUNT(*) FROM users WHERE deleted_at IS NULL AND ($1 IS NULL OR LOWER(email) LIKE $1 OR LOWER(display_name) LIKE $1)",
        )
        .bind(pattern.as_deref())
        .fetch_one(self.db.pool())
        .await?
        .get(0);
        Ok((rows.iter().map(user_from_row).collect(), total))
    }

    /// Creates an account and sends the verification e-mail (through the outbox).
    pub async fn register(&self, a: NewAccount, request_id: &str) -> Result<User, AppError> {
        let hash = hash_password(&a.password).await?;
        let now = self.now();
        let mut tx = self.db.write().await?;
        let exists = sqlx::query("SELECT id FROM users WHERE email = $1")
            .bind(a.email.as_str())
            .fetch_optional(tx.conn())
            .await?;
        if exists.is_some() {
            return Err(AppError::invalid(vec![FieldError::new("email", "email_taken")]));
        }
        let id: i64 = sqlx::query(
            "INSERT INTO users (email, display_name, password_hash, locale, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id",
        )
        .bind(a.email.as_str())
        .bind(a.display_name.as_str())
        .bind(&hash)
        .bind(a.locale.code())
        .bind(now)
        .fetch_one(tx.conn())
        .await?
        .get(0);
        let actor = Actor { user_id: Some(id), label: a.email.as_str().into(), request_id: request_id.into() };
        audit::record(
            tx.conn(),
            now,
            &actor,
            Change {
                module: "platform",
                object_type: "user",
                object_id: id.to_string(),
                action: "create",
                before: None,
                after: Some(serde_json::json!({ "email": a.email.as_str(), "display_name": a.display_name.as_str() })),
            },
        )
        .await?;
        self.send_email_token(tx.conn(), id, a.email.as_str(), "verify", a.locale).await?;
        tx.commit().await?;
        Ok(self.user_by_id(id).await?.ok_or_else(AppError::not_found)?)
    }

    async fn send_email_token(
        &self,
        conn: &mut sqlx::AnyConnection,
        user_id: i64,
        email: &str,
        purpose: &str,
        locale: Locale,
    ) -> Result<(), sqlx::Error> {
        let token = self.random.hex(24);
        let now = self.now();
        let ttl = if purpose == "verify" { VERIFY_TTL_MS } else { RESET_TTL_MS };
        sqlx::query("INSERT INTO email_tokens (user_id, purpose, token_hash, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)")
            .bind(user_id)
            .bind(purpose)
            .bind(sha256_hex(&token))
            .bind(now)
            .bind(now + ttl)
            .execute(&mut *conn)
            .await?;
        let (path, subject_key, body_key) = match purpose {
            "verify" => ("/verify-email", "email.verify.subject", "email.verify.body"),
            _ => ("/password/reset", "email.reset.subject", "email.reset.body"),
        };
        let link = format!("{}{}?token={}", self.config.public_url.trim_end_matches('/'), path, token);
        let subject = self.catalog.get(locale, subject_key).to_string();
        let body = self.catalog.format(locale, body_key, &[("link", &link)]);
        self.queue_email(conn, email, &subject, &body).await?;
        Ok(())
    }

    /// Consumes a one-time e-mail token; returns its user.
    async fn take_email_token(&self, conn: &mut sqlx::AnyConnection, token: &str, purpose: &str) -> Result<i64, AppError> {
        let now = self.now();
        let row = sqlx::query(
            "UPDATE email_tokens SET used_at = $1 WHERE token_hash = $2 AND purpose = $3 AND used_at IS NULL AND expires_at > $1 RETURNING user_id",
        )
        .bind(now)
        .bind(sha256_hex(token.trim()))
        .bind(purpose)
        .fetch_optional(conn)
        .await?;
        row.map(|r| r.get(0)).ok_or_else(|| AuthError::BadToken.into())
    }

    pub async fn verify_email(&self, token: &str, request_id: &str) -> Result<User, AppError> {
        let mut tx = self.db.write().await?;
        let uid = self.take_email_token(tx.conn(), token, "verify").await?;
        let now = self.now();
        sqlx::query("UPDATE users SET email_verified_at = $1 WHERE id = $2 AND email_verified_at IS NULL")
            .bind(now)
            .bind(uid)
            .execute(tx.conn())
            .await?;
        let actor = Actor { user_id: Some(uid), label: format!("user:{uid}"), request_id: request_id.into() };
        audit::record(tx.conn(), now, &actor, Change {
            module: "platform", object_type: "user", object_id: uid.to_string(), action: "verify_email",
            before: None, after: Some(serde_json::json!({ "email_verified": true })),
        }).await?;
        tx.commit().await?;
        self.user_by_id(uid).await?.ok_or_else(AppError::not_found)
    }

    /// Marks an address verified without a link (accounts made by an operator or the demo).
    pub async fn mark_email_verified(&self, uid: i64) -> Result<(), sqlx::Error> {
        sqlx::query("UPDATE users SET email_verified_at = COALESCE(email_verified_at, $1) WHERE id = $2")
            .bind(self.now())
            .bind(uid)
            .execute(self.db.pool())
            .await?;
        Ok(())
    }

    /// Always succeeds from the outside (no account enumeration); sends a link if the account exists.
    pub async fn request_password_reset(&self, email: &str, locale: Locale) -> Result<(), AppError> {
        let Some(user) = self.user_by_email(email).await? else { return Ok(()) };
        let mut tx = self.db.write().await?;
        self.send_email_token(tx.conn(), user.id, &user.email, "reset", user.locale.unwrap_or(locale)).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Sets a new password from a reset link and ends every session of the account.
    pub async fn reset_password(&self, token: &str, password: &Password, request_id: &str) -> Result<User, AppError> {
        let hash = hash_password(password).await?;
        let mut tx = self.db.write().await?;
        let uid = self.take_email_token(tx.conn(), token, "reset").await?;
        self.set_password_in(tx.conn(), uid, &hash, request_id).await?;
        tx.commit().await?;
        self.user_by_id(uid).await?.ok_or_else(AppError::not_found)
    }

    pub async fn set_password(&self, uid: i64, password: &Password, request_id: &str) -> Result<(), AppError> {
        let hash = hash_password(password).await?;
        let mut tx = self.db.write().await?;
        self.set_password_in(tx.conn(), uid, &hash, request_id).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn set_password_in(&self, conn: &mut sqlx::AnyConnection, uid: i64, hash: &str, request_id: &str) -> Result<(), AppError> {
        let now = self.now();
        // A reset link proves the address, so it also verifies it.
        sqlx::query("UPDATE users SET password_hash = $1, email_verified_at = COALESCE(email_verified_at, $2) WHERE id = $3")
            .bind(hash)
            .bind(now)
            .bind(uid)
            .execute(&mut *conn)
            .await?;
        sqlx::query("UPDATE sessions SET revoked_at = $1 WHERE user_id = $2 AND revoked_at IS NULL")
            .bind(now)
            .bind(uid)
            .execute(&mut *conn)
            .await?;
        let actor = Actor { user_id: Some(uid), label: format!("user:{uid}"), request_id: request_id.into() };
        audit::record(conn, now, &actor, Change {
            module: "platform", object_type: "user", object_id: uid.to_string(), action: "set_password",
            before: None, after: None,
        }).await?;
        Ok(())
    }

    /// Checks credentials with throttling; on success opens a session and returns its secret token.
    pub async fn login(&self, email: &str, password: &str, ip: &str, user_agent: &str) -> Result<(User, String, Session), AppError> {
        let email = email.trim().to_lowercase();
        let now = self.now();
        let since = now - THROTTLE_WINDOW_MS;
        let by_email: i64 = sqlx::query("SELECT COUNT(*) FROM login_attempts WHERE email = $1 AND at > $2 AND success = FALSE")
            .bind(&email)
            .bind(since)
            .fetch_one(self.db.pool())
            .await?
            .get(0);
        let by_ip: i64 = sqlx::query("SELECT COUNT(*) FROM login_attempts WHERE ip = $1 AND at > $2 AND success = FALSE")
            .bind(ip)
            .bind(since)
            .fetch_one(self.db.pool())
            .await?
            .get(0);
        if by_email >= MAX_FAILURES_PER_EMAIL || by_ip >= MAX_FAILURES_PER_IP {
            return Err(AuthError::Throttled.into());
        }
        let row = sqlx::query(&format!("SELECT {USER_COLS}, password_hash FROM users WHERE email = $1 AND deleted_at IS NULL"))
            .bind(&email)
            .fetch_optional(self.db.pool())
            .await?;
        let hash: Option<String> = row.as_ref().and_then(|r| r.get("password_hash"));
        let ok = verify_password(hash, password).await;
        let mut tx = self.db.write().await?;
        sqlx::query("INSERT INTO login_attempts (email, ip, at, success) VALUES ($1, $2, $3, $4)")
            .bind(&email)
            .bind(ip)
            .bind(now)
            .bind(ok)
            .execute(tx.conn())
            .await?;
        let Some(user) = row.as_ref().map(user_from_row).filter(|_| ok) else {
            tx.commit().await?;
            return Err(AuthError::BadCredentials.into());
        };
        if user.is_disabled {
            tx.commit().await?;
            return Err(AuthError::Disabled.into());
        }
        let token = self.random.hex(32);
        let csrf = self.random.hex(16);
        let ttl = self.config.session_ttl_hours * 3_600_000;
        let ua: String = user_agent.chars().take(200).collect();
        let id: i64 = sqlx::query(
            "INSERT INTO sessions (user_id, token_hash, csrf_token, user_agent, ip, created_at, last_seen_at, expires_at)
             VALUES ($1, $2, $3, $4, $5, $6, $6, $7) RETURNING id",
        )
        .bind(user.id)
        .bind(sha256_hex(&token))
        .bind(&csrf)
        .bind(&ua)
        .bind(ip)
        .bind(now)
        .bind(now + ttl)
        .fetch_one(tx.conn())
        .await?
        .get(0);
        tx.commit().await?;
        Ok((user, token, Session { id, csrf_token: csrf }))
    }

    /// The live session and user behind a cookie value, if any. Sliding expiry is refreshed at most
    /// once a minute so reads stay reads.
    pub async fn resolve_session(&self, token: &str) -> Result<Option<(User, Session)>, sqlx::Error> {
        let now = self.now();
        let row = sqlx::query(&format!(
            "SELECT s.id AS sid, s.csrf_token, s.last_seen_at, {} FROM sessions s JOIN users u ON u.id = s.user_id
             WHERE s.token_hash = $1 AND s.revoked_at IS NULL AND s.expires_at > $2 AND u.deleted_at IS NULL AND u.is_disabled = FALSE",
            USER_COLS.split(", ").map(|c| format!("u.{c}")).collect::<Vec<_>>().join(", ")
        ))
        .bind(sha256_hex(token))
        .bind(now)
        .fetch_optional(self.db.pool())
        .await?;
        let Some(r) = row else { return Ok(None) };
        let session = Session { id: r.get("sid"), csrf_token: r.get("csrf_token") };
        let last: i64 = r.get("last_seen_at");
        if now - last > 60_000 {
            sqlx::query("UPDATE sessions SET last_seen_at = $1, expires_at = $2 WHERE id = $3")
                .bind(now)
                .bind(now + self.config.session_ttl_hours * 3_600_000)
                .bind(session.id)
                .execute(self.db.pool())
                .await?;
        }
        Ok(Some((user_from_row(&r), session)))
    }

    pub async fn revoke_session(&self, user_id: i64, session_id: i64) -> Result<bool, sqlx::Error> {
        let n = sqlx::query("UPDATE sessions SET revoked_at = $1 WHERE id = $2 AND user_id = $3 AND revoked_at IS NULL")
            .bind(self.now())
            .bind(session_id)
            .bind(user_id)
            .execute(self.db.pool())
            .await?
            .rows_affected();
        Ok(n == 1)
    }

    pub async fn list_sessions(&self, user_id: i64, current: Option<i64>) -> Result<Vec<SessionInfo>, sqlx::Error> {
        let rows = sqlx::query(
            "SELECT id, user_agent, ip, created_at, last_seen_at, expires_at FROM sessions
             WHERE user_id = $1 AND revoked_at IS NULL AND expires_at > $2 ORDER BY last_seen_at DESC",
        )
        .bind(user_id)
        .bind(self.now())
        .fetch_all(self.db.pool())
        .await?;
        Ok(rows
            .iter()
            .map(|r| SessionInfo {
                id: r.get("id"),
                user_agent: r.get("user_agent"),
                ip: r.get("ip"),
                created_at: crate::clock::rfc3339(r.get("created_at")),
                last_seen_at: crate::clock::rfc3339(r.get("last_seen_at")),
                expires_at: crate::clock::rfc3339(r.get("expires_at")),
                current: Some(r.get::<i64, _>("id")) == current,
            })
            .collect())
    }

    /// Creates an API token; the secret is returned once and only its hash is kept.
    pub async fn create_api_token(
        &self,
        user: &User,
        name: &DisplayName,
        scopes: &TokenScopes,
        expires_in_days: Option<i64>,
        request_id: &str,
    ) -> Result<(String, ApiToken), AppError> {
        let visible = self.random.hex(4);
        let secret = format!("{TOKEN_PREFIX}{visible}_{}", self.random.hex(24));
        let prefix = format!("{TOKEN_PREFIX}{visible}");
        let now = self.now();
        let expires = expires_in_days.map(|d| now + d * 86_400_000);
        let mut tx = self.db.write().await?;
        let id: i64 = sqlx::query(
            "INSERT INTO api_tokens (user_id, name, prefix, token_hash, scopes, created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
        )
        .bind(user.id)
        .bind(name.as_str())
        .bind(&prefix)
        .bind(sha256_hex(&secret))
        .bind(scopes.0.join(" "))
        .bind(now)
        .bind(expires)
        .fetch_one(tx.conn())
        .await?
        .get(0);
        audit::record(tx.conn(), now, &self.user_actor(user, request_id), Change {
            module: "platform", object_type: "api_token", object_id: id.to_string(), action: "create",
            before: None, after: Some(serde_json::json!({ "name": name.as_str(), "prefix": prefix, "scopes": scopes.0 })),
        }).await?;
        tx.commit().await?;
        let token = self.list_api_tokens(user.id).await?.into_iter().find(|t| t.id == id).ok_or_else(AppError::not_found)?;
        Ok((secret, token))
    }

    pub async fn list_api_tokens(&self, user_id: i64) -> Result<Vec<ApiToken>, sqlx::Error> {
        let rows = sqlx::query(
            "SELECT id, name, prefix, scopes, created_at, expires_at, last_used_at, revoked_at FROM api_tokens WHERE user_id = $1 ORDER BY id DESC",
        )
        .bind(user_id)
        .fetch_all(self.db.pool())
        .await?;
        Ok(rows
            .iter()
            .map(|r| ApiToken {
                id: r.get("id"),
                name: r.get("name"),
                prefix: r.get("prefix"),
                scopes: r.get::<String, _>("scopes").split_whitespace().map(str::to_string).collect(),
                created_at: crate::clock::rfc3339(r.get("created_at")),
                expires_at: r.get::<Option<i64>, _>("expires_at").map(crate::clock::rfc3339),
                last_used_at: r.get::<Option<i64>, _>("last_used_at").map(crate::clock::rfc3339),
                revoked: r.get::<Option<i64>, _>("revoked_at").is_some(),
            })
            .collect())
    }

    pub async fn revoke_api_token(&self, user: &User, token_id: i64, request_id: &str) -> Result<bool, AppError> {
        let now = self.now();
        let mut tx = self.db.write().await?;
        let n = sqlx::query("UPDATE api_tokens SET revoked_at = $1 WHERE id = $2 AND user_id = $3 AND revoked_at IS NULL")
            .bind(now)
            .bind(token_id)
            .bind(user.id)
            .execute(tx.conn())
            .await?
            .rows_affected();
        if n == 1 {
            audit::record(tx.conn(), now, &self.user_actor(user, request_id), Change {
                module: "platform", object_type: "api_token", object_id: token_id.to_string(), action: "revoke",
                before: None, after: None,
            }).await?;
        }
        tx.commit().await?;
        Ok(n == 1)
    }

    /// The user and scopes behind an API token secret.
    pub async fn resolve_api_token(&self, secret: &str) -> Result<(User, TokenScopes), AppError> {
        if !secret.starts_with(TOKEN_PREFIX) || secret.len() > 200 {
            return Err(AuthError::BadApiToken.into());
        }
        let now = self.now();
        let row = sqlx::query(&format!(
            "SELECT t.id AS tid, t.scopes, t.last_used_at, {} FROM api_tokens t JOIN users u ON u.id = t.user_id
             WHERE t.token_hash = $1 AND t.revoked_at IS NULL AND (t.expires_at IS NULL OR t.expires_at > $2)
               AND u.deleted_at IS NULL AND u.is_disabled = FALSE",
            USER_COLS.split(", ").map(|c| format!("u.{c}")).collect::<Vec<_>>().join(", ")
        ))
        .bind(sha256_hex(secret))
        .bind(now)
        .fetch_optional(self.db.pool())
        .await?;
        let r = row.ok_or(AuthError::BadApiToken)?;
        let last: Option<i64> = r.get("last_used_at");
        if last.is_none_or(|l| now - l > 60_000) {
            sqlx::query("UPDATE api_tokens SET last_used_at = $1 WHERE id = $2")
                .bind(now)
                .bind(r.get::<i64, _>("tid"))
                .execute(self.db.pool())
                .await?;
        }
        let scopes = TokenScopes(r.get::<String, _>("scopes").split_whitespace().map(str::to_string).collect());
        Ok((user_from_row(&r), scopes))
    }

    /// Everything `authorize()` needs about a user: admin flag, roles, grants (own and groups').
    pub async fn principal_for(&self, user: &User, token_scopes: Option<TokenScopes>) -> Result<Principal, sqlx::Error> {
        let memberships = sqlx::query("SELECT org_id, role FROM memberships WHERE user_id = $1")
            .bind(user.id)
            .fetch_all(self.db.pool())
            .await?
            .iter()
            .filter_map(|r| Role::parse(&r.get::<String, _>(1)).map(|role| (r.get::<i64, _>(0), role)))
            .collect();
        let grants = sqlx::query(
            "SELECT module, object, action, scope FROM permissions
             WHERE (subject_kind = 'user' AND subject_id = $1)
                OR (subject_kind = 'group' AND subject_id IN (SELECT group_id FROM group_members WHERE user_id = $1))",
        )
        .bind(user.id)
        .fetch_all(self.db.pool())
        .await?
        .iter()
        .filter_map(|r| {
            Some(Grant {
                module: r.get(0),
                object: r.get(1),
                action: Action::parse(&r.get::<String, _>(2))?,
                scope: Scope::parse(&r.get::<String, _>(3))?,
            })
        })
        .collect();
        Ok(Principal { user_id: Some(user.id), is_admin: user.is_admin, memberships, grants, token_scopes })
    }

    /// Changes a user's display name and/or preferred language.
    pub async fn update_profile(&self, user: &User, name: Option<&DisplayName>, locale: Option<Locale>, request_id: &str) -> Result<(), AppError> {
        let now = self.now();
        let mut tx = self.db.write().await?;
        sqlx::query("UPDATE users SET display_name = COALESCE($1, display_name), locale = COALESCE($2, locale) WHERE id = $3")
            .bind(name.map(|n| n.as_str().to_string()))
            .bind(locale.map(|l| l.code()))
            .bind(user.id)
            .execute(tx.conn())
            .await?;
        audit::record(tx.conn(), now, &self.user_actor(user, request_id), Change {
            module: "platform", object_type: "user", object_id: user.id.to_string(), action: "update",
            before: Some(serde_json::json!({ "display_name": user.display_name, "locale": user.locale })),
            after: Some(serde_json::json!({
                "display_name": name.map_or(user.display_name.as_str(), |n| n.as_str()),
                "locale": locale.or(user.locale),
            })),
        }).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Platform-administrator changes to an account (promote, disable).
    pub async fn admin_set_user_flags(&self, actor: &Actor, uid: i64, is_admin: Option<bool>, is_disabled: Option<bool>) -> Result<User, AppError> {
        let before = self.user_by_id(uid).await?.ok_or_else(AppError::not_found)?;
        let now = self.now();
        let mut tx = self.db.write().await?;
        sqlx::query("UPDATE users SET is_admin = COALESCE($1, is_admin), is_disabled = COALESCE($2, is_disabled) WHERE id = $3")
            .bind(is_admin)
            .bind(is_disabled)
            .bind(uid)
            .execute(tx.conn())
            .await?;
        if is_disabled == Some(true) {
            sqlx::query("UPDATE sessions SET revoked_at = $1 WHERE user_id = $2 AND revoked_at IS NULL")
                .bind(now)
                .bind(uid)
                .execute(tx.conn())
                .await?;
        }
        audit::record(tx.conn(), now, actor, Change {
            module: "platform", object_type: "user", object_id: uid.to_string(), action: "update",
            before: Some(serde_json::json!({ "is_admin": before.is_admin, "is_disabled": before.is_disabled })),
            after: Some(serde_json::json!({ "is_admin": is_admin.unwrap_or(before.is_admin), "is_disabled": is_disabled.unwrap_or(before.is_disabled) })),
        }).await?;
        tx.commit().await?;
        self.user_by_id(uid).await?.ok_or_else(AppError::not_found)
    }
}
