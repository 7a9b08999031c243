//! Organisations with roles, invitations and membership requests; groups; permission grants.
use serde::Serialize;
use sqlx::Row;

use super::{sha256_hex, DisplayName, Email, Slug, User};
use crate::access::{Action, Principal, Role, Scope};
use crate::audit::{self, Actor, Change};
use crate::error::{AppError, FieldError};
use crate::Platform;

#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct Organisation {
    pub id: i64,
    pub slug: String,
    pub name: String,
    pub description: String,
    pub created_at: String,
    pub member_count: i64,
}

#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct Member {
    pub user_id: i64,
    pub display_name: String,
    pub email: String,
    pub role: Role,
    pub since: String,
}

#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct MembershipRequest {
    pub id: i64,
    pub org_id: i64,
    /// `invitation` (sent by an organisation admin) or `request` (asked by a user).
    pub kind: String,
    pub email: String,
    pub role: Role,
    pub message: String,
    pub status: String,
    pub created_at: String,
}

#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct Group {
    pub id: i64,
    pub name: String,
    pub description: String,
    pub members: Vec<i64>,
}

#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct PermissionRow {
    pub id: i64,
    pub subject_kind: String,
    pub subject_id: i64,
    pub subject_label: String,
    pub module: String,
    pub object: String,
    pub action: Action,
    pub scope: Scope,
}

const ORG_SELECT: &str = "SELECT o.id, o.slug, o.name, o.description, o.created_at,
    (SELECT COUNT(*) FROM memberships m WHERE m.org_id = o.id) AS member_count FROM organisations o";

fn org_from_row(r: &sqlx::any::AnyRow) -> Organisation {
    Organisation {
        id: r.get("id"),
        slug: r.get("slug"),
        name: r.get("name"),
        description: r.get("description"),
        created_at: crate::clock::rfc3339(r.get("created_at")),
        member_count: r.get("member_count"),
    }
}

fn request_from_row(r: &sqlx::any::AnyRow) -> MembershipRequest {
    MembershipRequest {
        id: r.get("id"),
        org_id: r.get("org_id"),
        kind: r.get("kind"),
        email: r.get("email"),
        role: Role::parse(&r.get::<String, _>("role")).unwrap_or(Role::Member),
        message: r.get("message"),
        status: r.get("status"),
        created_at: crate::clock::rfc3339(r.get("created_at")),
    }
}

/// Who may manage an organisation (its members and settings): its admins and platform admins.
pub fn can_manage(p: &Principal, org_id: i64) -> Result<(), AppError> {
    p.require_user()?;
    if p.is_admin || p.role_in(org_id) == Some(Role::Admin) {
        if p.token_scopes.as_ref().is_none_or(|s| s.allows("platform", Action::Update)) {
            return Ok(());
        }
    }
    Err(AppError::forbidden())
}

/// Members' list (with e-mails) is private to the organisation's members.
pub fn can_see_members(p: &Principal, org_id: i64) -> Result<(), AppError> {
    p.require_user()?;
    if (p.is_admin || p.role_in(org_id).is_some()) && p.token_scopes.as_ref().is_none_or(|s| s.allows("platform", Action::Read)) {
        Ok(())
    } else {
        Err(AppError::forbidden())
    }
}

impl Platform {
    pub async fn list_orgs(&self, limit: i64, offset: i64) -> Result<(Vec<Organisation>, i64), sqlx::Error> {
        let rows = sqlx::query(&format!("{ORG_SELECT} ORDER BY o.name LIMIT $1 OFFSET $2"))
            .bind(limit)
            .bind(offset)
            .fetch_all(self.db.pool())
            .await?;
        let total: i64 = sqlx::query("SELECT COUNT(*) FROM organisations").fetch_one(self.db.pool()).await?.get(0);
        Ok((rows.iter().map(org_from_row).collect(), total))
    }

    pub async fn org_by_slug(&self, slug: &str) -> Result<Option<Organisation>, sqlx::Error> {
        let row = sqlx::query(&format!("{ORG_SELECT} WHERE o.slug = $1"))
            .bind(slug)
            .fetch_optional(self.db.pool())
            .await?;
        Ok(row.as_ref().map(org_from_row))
    }

    pub async fn orgs_of_user(&self, user_id: i64) -> Result<Vec<(Organisation, Role)>, sqlx::Error> {
        let rows = sqlx::query(&format!(
            "{ORG_SELECT} JOIN memberships mm ON mm.org_id = o.id AND mm.user_id = $1 ORDER BY o.name"
        ))
        .bind(user_id)
        .fetch_all(self.db.pool())
        .await?;
        let roles = sqlx::query("SELECT org_id, role FROM memberships WHERE user_id = $1")
            .bind(user_id)
            .fetch_all(self.db.pool())
            .await?;
        Ok(rows
            .iter()
            .map(org_from_row)
            .map(|o| {
                let role = roles
                    .iter()
                    .find(|r| r.get::<i64, _>(0) == o.id)
                    .and_then(|r| Role::parse(&r.get::<String, _>(1)))
                    .unwrap_or(Role::Member);
                (o, role)
            })
            .collect())
    }

    /// Creates an organisation; its creator becomes its first admin.
    /// The organisation of the platform itself, publisher of the modules' open data; created
    /// on first use with no member (platform administrators manage it).
    pub async fn platform_org(&self) -> Result<Organisation, AppError> {
        const SLUG: &str = "communs";
        if let Some(o) = self.org_by_slug(SLUG).await? {
            return Ok(o);
        }
        let now = self.now();
        let mut tx = self.db.write().await?;
        let id: i64 = sqlx::query(
            "INSERT INTO organisations (slug, name, description, created_by, created_at) VALUES ($1, $2, $3, NULL, $4)
             ON CONFLICT (slug) DO UPDATE SET slug = excluded.slug RETURNING id",
        )
        .bind(SLUG)
        .bind("Plateforme Communs")
        .bind("Données ouvertes publiées par les modules de cette plateforme.")
        .bind(now)
        .fetch_one(tx.conn())
        .await?
        .get(0);
        audit::record(tx.conn(), now, &Actor::system("platform"), Change {
            module: "platform", object_type: "organisation", object_id: id.to_string(), action: "create",
            before: None, after: Some(serde_json::json!({ "slug": SLUG })),
        }).await?;
        tx.commit().await?;
        self.org_by_slug(SLUG).await?.ok_or_else(AppError::not_found)
    }

    pub async fn create_org(&self, creator: &User, name: &DisplayName, slug: &Slug, description: &str, actor: &Actor) -> Result<Organisation, AppError> {
        if description.chars().count() > 5000 {
            return Err(AppError::invalid(vec![FieldError::new("description", "too_long")]));
        }
        let now = self.now();
        let mut tx = self.db.write().await?;
        let taken = sqlx::query("SELECT 1 FROM organisations WHERE slug = $1").bind(slug.as_str()).fetch_optional(tx.conn()).await?;
        if taken.is_some() {
            return Err(AppError::invalid(vec![FieldError::new("slug", "slug_taken")]));
        }
        let id: i64 = sqlx::query(
            "INSERT INTO organisations (slug, name, description, created_by, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id",
        )
        .bind(slug.as_str())
        .bind(name.as_str())
        .bind(description.trim())
        .bind(creator.id)
        .bind(now)
        .fetch_one(tx.conn())
        .await?
        .get(0);
        sqlx::query("INSERT INTO memberships (org_id, user_id, role, created_at) VALUES ($1, $2, 'admin', $3)")
            .bind(id)
            .bind(creator.id)
            .bind(now)
            .execute(tx.conn())
            .await?;
        audit::record(tx.conn(), now, actor, Change {
            module: "platform", object_type: "organisation", object_id: id.to_string(), action: "create",
            before: None, after: Some(serde_json::json!({ "slug": slug.as_str(), "name": name.as_str(), "description": description.trim() })),
        }).await?;
        tx.commit().await?;
        self.org_by_slug(slug.as_str()).await?.ok_or_else(AppError::not_found)
    }

    pub async fn update_org(&self, org: &Organisation, name: Option<&DisplayName>, description: Option<&str>, actor: &Actor) -> Result<Organisation, AppError> {
        if description.is_some_and(|d| d.chars().count() > 5000) {
            return Err(AppError::invalid(vec![FieldError::new("description", "too_long")]));
        }
        let now = self.now();
        let mut tx = self.db.write().await?;
        sqlx::query("UPDATE organisations SET name = COALESCE($1, name), description = COALESCE($2, description) WHERE id = $3")
            .bind(name.map(|n| n.as_str().to_string()))
            .bind(description.map(|d| d.trim().to_string()))
            .bind(org.id)
            .execute(tx.conn())
            .await?;
        audit::record(tx.conn(), now, actor, Change {
            module: "platform", object_type: "organisation", object_id: org.id.to_string(), action: "update",
            before: Some(serde_json::json!({ "name": org.name, "description": org.description })),
            after: Some(serde_json::json!({ "name": name.map_or(org.name.as_str(), |n| n.as_str()), "description": description.unwrap_or(&org.description) })),
        }).await?;
        tx.commit().await?;
        self.org_by_slug(&org.slug).await?.ok_or_else(AppError::not_found)
    }

    pub async fn org_members(&self, org_id: i64) -> Result<Vec<Member>, sqlx::Error> {
        let rows = sqlx::query(
            "SELECT u.id, u.display_name, u.email, m.role, m.created_at FROM memberships m JOIN users u ON u.id = m.user_id
             WHERE m.org_id = $1 ORDER BY u.display_name",
        )
        .bind(org_id)
        .fetch_all(self.db.pool())
        .await?;
        Ok(rows
            .iter()
            .map(|r| Member {
                user_id: r.get(0),
                display_name: r.get(1),
                email: r.get(2),
                role: Role::parse(&r.get::<String, _>(3)).unwrap_or(Role::Member),
                since: crate::clock::rfc3339(r.get(4)),
            })
            .collect())
    }

    pub async fn org_requests(&self, org_id: i64) -> Result<Vec<MembershipRequest>, sqlx::Error> {
        let rows = sqlx::query(
            "SELECT id, org_id, kind, email, role, message, status, created_at FROM membership_requests
             WHERE org_id = $1 AND status = 'pending' ORDER BY id",
        )
        .bind(org_id)
        .fetch_all(self.db.pool())
        .await?;
        Ok(rows.iter().map(request_from_row).collect())
    }

    /// Invites an address to join with a role; the e-mail carries a one-time link.
    pub async fn invite(&self, org: &Organisation, email: &Email, role: Role, actor: &Actor) -> Result<MembershipRequest, AppError> {
        let now = self.now();
        let token = self.random.hex(24);
        let mut tx = self.db.write().await?;
        let already = sqlx::query("SELECT 1 FROM memberships m JOIN users u ON u.id = m.user_id WHERE m.org_id = $1 AND u.email = $2")
            .bind(org.id)
            .bind(email.as_str())
            .fetch_optional(tx.conn())
            .await?;
        if already.is_some() {
            return Err(AppError::invalid(vec![FieldError::new("email", "already_member")]));
        }
        let id: i64 = sqlx::query(
            "INSERT INTO membership_requests (org_id, kind, email, role, token_hash, status, created_by, created_at)
             VALUES ($1, 'invitation', $2, $3, $4, 'pending', $5, $6) RETURNING id",
        )
        .bind(org.id)
        .bind(email.as_str())
        .bind(role.as_str())
        .bind(sha256_hex(&token))
        .bind(actor.user_id)
        .bind(now)
        .fetch_one(tx.conn())
        .await?
        .get(0);
        let locale = self.user_by_email(email.as_str()).await?.and_then(|u| u.locale).unwrap_or_default();
        let link = format!("{}/invitations/{}", self.config.public_url.trim_end_matches('/'), token);
        let subject = self.catalog.format(locale, "email.invite.subject", &[("org", &org.name)]);
        let body = self.catalog.format(locale, "email.invite.body", &[("org", &org.name), ("role", self.catalog.get(locale, &format!("role.{}", role.as_str()))), ("link", &link)]);
        self.queue_email(tx.conn(), email.as_str(), &subject, &body).await?;
        audit::record(tx.conn(), now, actor, Change {
            module: "platform", object_type: "organisation", object_id: org.id.to_string(), action: "invite",
            before: None, after: Some(serde_json::json!({ "email": email.as_str(), "role": role })),
        }).await?;
        tx.commit().await?;
        self.request_by_id(id).await
    }

    async fn request_by_id(&self, id: i64) -> Result<MembershipRequest, AppError> {
        let row = sqlx::query("SELECT id, org_id, kind, email, role, message, status, created_at FROM membership_requests WHERE id = $1")
            .bind(id)
            .fetch_optional(self.db.pool())
            .await?;
        row.as_ref().map(request_from_row).ok_or_else(AppError::not_found)
    }

    /// The pending invitation behind a link, with its organisation.
    pub async fn invitation_by_token(&self, token: &str) -> Result<Option<(MembershipRequest, Organisation)>, sqlx::Error> {
        let row = sqlx::query(
            "SELECT r.id, r.org_id, r.kind, r.email, r.role, r.message, r.status, r.created_at, o.slug FROM membership_requests r
             JOIN organisations o ON o.id = r.org_id
             WHERE r.token_hash = $1 AND r.kind = 'invitation' AND r.status = 'pending'",
        )
        .bind(sha256_hex(token))
        .fetch_optional(self.db.pool())
        .await?;
        let Some(r) = row else { return Ok(None) };
        let org = self.org_by_slug(&r.get::<String, _>("slug")).await?;
        Ok(org.map(|o| (request_from_row(&r), o)))
    }

    /// Accepts an invitation as `user`; the invitation is bound to the invited address.
    pub async fn accept_invitation(&self, token: &str, user: &User, actor: &Actor) -> Result<Organisation, AppError> {
        let (req, org) = self
            .invitation_by_token(token)
            .await?
            .ok_or_else(|| AppError::new(axum::http::StatusCode::NOT_FOUND, "invitation_not_found", "this invitation does not exist or was already used"))?;
        if req.email != user.email {
            return Err(AppError::new(axum::http::StatusCode::FORBIDDEN, "invitation_other_address", "this invitation was sent to another e-mail address"));
        }
        self.decide_request(&org, req.id, true, Some(user.id), actor).await?;
        Ok(org)
    }

    /// A user asks to join; the organisation's admins decide.
    pub async fn request_membership(&self, org: &Organisation, user: &User, message: &str, actor: &Actor) -> Result<MembershipRequest, AppError> {
        if message.chars().count() > 2000 {
            return Err(AppError::invalid(vec![FieldError::new("message", "too_long")]));
        }
        let now = self.now();
        let mut tx = self.db.write().await?;
        let dup = sqlx::query(
            "SELECT 1 FROM membership_requests WHERE org_id = $1 AND user_id = $2 AND status = 'pending'
             UNION ALL SELECT 1 FROM memberships WHERE org_id = $1 AND user_id = $2",
        )
        .bind(org.id)
        .bind(user.id)
        .fetch_optional(tx.conn())
        .await?;
        if dup.is_some() {
            return Err(AppError::conflict("already_requested", "you are already a member or have a pending request"));
        }
        let id: i64 = sqlx::query(
            "INSERT INTO membership_requests (org_id, kind, email, user_id, role, message, status, created_by, created_at)
             VALUES ($1, 'request', $2, $3, 'member', $4, 'pending', $3, $5) RETURNING id",
        )
        .bind(org.id)
        .bind(&user.email)
        .bind(user.id)
        .bind(message.trim())
        .bind(now)
        .fetch_one(tx.conn())
        .await?
        .get(0);
        audit::record(tx.conn(), now, actor, Change {
            module: "platform", object_type: "organisation", object_id: org.id.to_string(), action: "request_membership",
            before: None, after: Some(serde_json::json!({ "user_id": user.id })),
        }).await?;
        tx.commit().await?;
        self.request_by_id(id).await
    }

    /// Accepts or refuses a pending request or invitation of `org`. For invitations the joining
    /// user is given; for requests it is the requester.
    pub async fn decide_request(&self, org: &Organisation, request_id: i64, accept: bool, invited_user: Option<i64>, actor: &Actor) -> Result<(), AppError> {
        let now = self.now();
        let mut tx = self.db.write().await?;
        let row = sqlx::query("SELECT kind, user_id, role FROM membership_requests WHERE id = $1 AND org_id = $2 AND status = 'pending'")
            .bind(request_id)
            .bind(org.id)
            .fetch_optional(tx.conn())
            .await?
            .ok_or_else(AppError::not_found)?;
        let role: String = row.get("role");
        let user_id: Option<i64> = row.get::<Option<i64>, _>("user_id").or(invited_user);
        sqlx::query("UPDATE membership_requests SET status = $1, decided_at = $2, decided_by = $3, user_id = COALESCE(user_id, $4) WHERE id = $5")
            .bind(if accept { "accepted" } else { "refused" })
            .bind(now)
            .bind(actor.user_id)
            .bind(user_id)
            .bind(request_id)
            .execute(tx.conn())
            .await?;
        if accept {
            let uid = user_id.ok_or_else(|| AppError::bad_request("no_user", "the invitation must be accepted by the invited user"))?;
            sqlx::query(
                "INSERT INTO memberships (org_id, user_id, role, created_at) VALUES ($1, $2, $3, $4)
                 ON CONFLICT (org_id, user_id) DO NOTHING",
            )
            .bind(org.id)
            .bind(uid)
            .bind(&role)
            .bind(now)
            .execute(tx.conn())
            .await?;
        }
        audit::record(tx.conn(), now, actor, Change {
            module: "platform", object_type: "organisation", object_id: org.id.to_string(),
            action: if accept { "accept_member" } else { "refuse_member" },
            before: None, after: Some(serde_json::json!({ "request_id": request_id, "user_id": user_id, "role": role })),
        }).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Changes a member's role or removes them; an organisation always keeps one admin.
    pub async fn set_member_role(&self, org: &Organisation, user_id: i64, role: Option<Role>, actor: &Actor) -> Result<(), AppError> {
        let now = self.now();
        let mut tx = self.db.write().await?;
        let current: Option<String> = sqlx::query("SELECT role FROM memberships WHERE org_id = $1 AND user_id = $2")
            .bind(org.id)
            .bind(user_id)
            .fetch_optional(tx.conn())
            .await?
            .map(|r| r.get(0));
        let Some(current) = current else { return Err(AppError::not_found()) };
        if current == "admin" && role != Some(Role::Admin) {
            let admins: i64 = sqlx::query("SELECT COUNT(*) FROM memberships WHERE org_id = $1 AND role = 'admin'")
                .bind(org.id)
                .fetch_one(tx.conn())
                .await?
                .get(0);
            if admins <= 1 {
                return Err(AppError::conflict("last_admin", "an organisation must keep at least one admin"));
            }
        }
        match role {
            Some(r) => sqlx::query("UPDATE memberships SET role = $1 WHERE org_id = $2 AND user_id = $3")
                .bind(r.as_str())
                .bind(org.id)
                .bind(user_id)
                .execute(tx.conn())
                .await?,
            None => sqlx::query("DELETE FROM memberships WHERE org_id = $1 AND user_id = $2")
                .bind(org.id)
                .bind(user_id)
                .execute(tx.conn())
                .await?,
        };
        audit::record(tx.conn(), now, actor, Change {
            module: "platform", object_type: "organisation", object_id: org.id.to_string(),
            action: if role.is_some() { "change_role" } else { "remove_member" },
            before: Some(serde_json::json!({ "user_id": user_id, "role": current })),
            after: role.map(|r| serde_json::json!({ "user_id": user_id, "role": r })),
        }).await?;
        tx.commit().await?;
        Ok(())
    }

    pub async fn list_groups(&self) -> Result<Vec<Group>, sqlx::Error> {
        let rows = sqlx::query("SELECT id, name, description FROM groups ORDER BY name").fetch_all(self.db.pool()).await?;
        let members = sqlx::query("SELECT group_id, user_id FROM group_members ORDER BY user_id").fetch_all(self.db.pool()).await?;
        Ok(rows
            .iter()
            .map(|r| {
                let id: i64 = r.get(0);
                Group {
                    id,
                    name: r.get(1),
                    description: r.get(2),
                    members: members.iter().filter(|m| m.get::<i64, _>(0) == id).map(|m| m.get(1)).collect(),
                }
            })
            .collect())
    }

    pub async fn create_group(&self, name: &DisplayName, description: &str, actor: &Actor) -> Result<i64, AppError> {
        let now = self.now();
        let mut tx = self.db.write().await?;
        let id: i64 = sqlx::query("INSERT INTO groups (name, description, created_at) VALUES ($1, $2, $3) RETURNING id")
            .bind(name.as_str())
            .bind(description.trim())
            .bind(now)
            .fetch_one(tx.conn())
            .await?
            .get(0);
        audit::record(tx.conn(), now, actor, Change {
            module: "platform", object_type: "group", object_id: id.to_string(), action: "create",
            before: None, after: Some(serde_json::json!({ "name": name.as_str() })),
        }).await?;
        tx.commit().await?;
        Ok(id)
    }

    pub async fn set_group_member(&self, group_id: i64, user_id: i64, member: bool, actor: &Actor) -> Result<(), AppError> {
        let now = self.now();
        let mut tx = self.db.write().await?;
        if sqlx::query("SELECT 1 FROM groups WHERE id = $1").bind(group_id).fetch_optional(tx.conn()).await?.is_none()
            || sqlx::query("SELECT 1 FROM users WHERE id = $1 AND deleted_at IS NULL").bind(user_id).fetch_optional(tx.conn()).await?.is_none()
        {
            return Err(AppError::not_found());
        }
        let sql = if member {
            "INSERT INTO group_members (group_id, user_id) VALUES ($1, $2) ON CONFLICT DO NOTHING"
        } else {
            "DELETE FROM group_members WHERE group_id = $1 AND user_id = $2"
        };
        sqlx::query(sql).bind(group_id).bind(user_id).execute(tx.conn()).await?;
        audit::record(tx.conn(), now, actor, Change {
            module: "platform", object_type: "group", object_id: group_id.to_string(),
            action: if member { "add_member" } else { "remove_member" },
            before: None, after: Some(serde_json::json!({ "user_id": user_id })),
        }).await?;
        tx.commit().await?;
        Ok(())
    }

    pub async fn list_permissions(&self) -> Result<Vec<PermissionRow>, sqlx::Error> {
        let rows = sqlx::query(
            "SELECT p.id, p.subject_kind, p.subject_id, p.module, p.object, p.action, p.scope,
                    COALESCE(u.email, g.name, '?') AS label
             FROM permissions p
             LEFT JOIN users u ON p.subject_kind = 'user' AND u.id = p.subject_id
             LEFT JOIN groups g ON p.subject_kind = 'group' AND g.id = p.subject_id
             ORDER BY p.module, p.object, p.subject_kind, p.subject_id, p.action",
        )
        .fetch_all(self.db.pool())
        .await?;
        Ok(rows
            .iter()
            .filter_map(|r| {
                Some(PermissionRow {
                    id: r.get("id"),
                    subject_kind: r.get("subject_kind"),
                    subject_id: r.get("subject_id"),
                    subject_label: r.get("label"),
                    module: r.get("module"),
                    object: r.get("object"),
                    action: Action::parse(&r.get::<String, _>("action"))?,
                    scope: Scope::parse(&r.get::<String, _>("scope"))?,
                })
            })
            .collect())
    }

    /// Grants (or with `Scope::None`, withdraws) an action on a module object to a user or group.
    pub async fn grant(&self, subject_kind: &str, subject_id: i64, module: &str, object: &str, action: Action, scope: Scope, actor: &Actor) -> Result<(), AppError> {
        let mut errors = Vec::new();
        if !matches!(subject_kind, "user" | "group") {
            errors.push(FieldError::new("subject_kind", "invalid_choice"));
        }
        let known = self.modules.iter().find(|m| m.id() == module).map(|m| m.permissions()).or_else(|| (module == "platform").then(crate::platform_permissions));
        match known {
            None => errors.push(FieldError::new("module", "invalid_choice")),
            Some(decls) => {
                if !decls.iter().any(|d| d.object == object && d.actions.contains(&action)) {
                    errors.push(FieldError::new("object", "invalid_choice"));
                }
            }
        }
        if !errors.is_empty() {
            return Err(AppError::invalid(errors));
        }
        let table = if subject_kind == "user" { "users" } else { "groups" };
        if sqlx::query(&format!("SELECT 1 FROM {table} WHERE id = $1")).bind(subject_id).fetch_optional(self.db.pool()).await?.is_none() {
            return Err(AppError::invalid(vec![FieldError::new("subject_id", "not_found")]));
        }
        let now = self.now();
        let mut tx = self.db.write().await?;
        sqlx::query("DELETE FROM permissions WHERE subject_kind = $1 AND subject_id = $2 AND module = $3 AND object = $4 AND action = $5")
            .bind(subject_kind)
            .bind(subject_id)
            .bind(module)
            .bind(object)
            .bind(action.letter().to_string())
            .execute(tx.conn())
            .await?;
        if scope != Scope::None {
            sqlx::query(
                "INSERT INTO permissions (subject_kind, subject_id, module, object, action, scope, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
            )
            .bind(subject_kind)
            .bind(subject_id)
            .bind(module)
            .bind(object)
            .bind(action.letter().to_string())
            .bind(scope.as_str())
            .bind(now)
            .execute(tx.conn())
            .await?;
        }
        audit::record(tx.conn(), now, actor, Change {
            module: "platform", object_type: "permission", object_id: format!("{subject_kind}:{subject_id}"), action: "grant",
            before: None, after: Some(serde_json::json!({ "module": module, "object": object, "action": action, "scope": scope })),
        }).await?;
        tx.commit().await?;
        Ok(())
    }
}
