//! Permissions, GeoNature-style: for a module object, an action (C R U V E D) and a scope
//! (none, own, organisation, all). Grants come from the user, their groups, and their roles in
//! organisations; API tokens can only narrow them. `authorize()` is the one check every route makes.
use std::collections::HashMap;
use std::fmt;

use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, utoipa::ToSchema)]
pub enum Action {
    #[serde(rename = "C")]
    Create,
    #[serde(rename = "R")]
    Read,
    #[serde(rename = "U")]
    Update,
    #[serde(rename = "V")]
    Validate,
    #[serde(rename = "E")]
    Export,
    #[serde(rename = "D")]
    Delete,
}

impl Action {
    pub const ALL: [Action; 6] =
        [Action::Create, Action::Read, Action::Update, Action::Validate, Action::Export, Action::Delete];
    pub fn letter(self) -> char {
        match self {
            Action::Create => 'C',
            Action::Read => 'R',
            Action::Update => 'U',
            Action::Validate => 'V',
            Action::Export => 'E',
            Action::Delete => 'D',
        }
    }
    pub fn parse(s: &str) -> Option<Action> {
        Action::ALL.into_iter().find(|a| s.len() == 1 && s.starts_with(a.letter()))
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Scope {
    None,
    Own,
    Organisation,
    All,
}

impl Scope {
    pub const ALL: [Scope; 4] = [Scope::None, Scope::Own, Scope::Organisation, Scope::All];
    pub fn as_str(self) -> &'static str {
        match self {
            Scope::None => "none",
            Scope::Own => "own",
            Scope::Organisation => "organisation",
            Scope::All => "all",
        }
    }
    pub fn parse(s: &str) -> Option<Scope> {
        Scope::ALL.into_iter().find(|x| x.as_str() == s)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    Member,
    Editor,
    Admin,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Editor => "editor",
            Role::Member => "member",
        }
    }
    pub fn parse(s: &str) -> Option<Role> {
        [Role::Admin, Role::Editor, Role::Member].into_iter().find(|r| r.as_str() == s)
    }
    /// What a role allows on its organisation's objects, in every module.
    pub fn allows(self, action: Action) -> bool {
        match self {
            Role::Admin => true,
            Role::Editor => matches!(action, Action::Create | Action::Read | Action::Update | Action::Export),
            Role::Member => matches!(action, Action::Read | Action::Export),
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An explicit grant to a user or one of their groups.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Grant {
    pub module: String,
    pub object: String,
    pub action: Action,
    pub scope: Scope,
}

/// What an API token may do: `module:ACTIONS` items (e.g. `catalog:CRU`) or `*` for everything
/// its owner may do.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TokenScopes(pub Vec<String>);

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("invalid token scope `{0}`: expected `*` or `module:ACTIONS` with ACTIONS among C, R, U, V, E, D")]
pub struct ScopeParseError(pub String);

impl TokenScopes {
    pub fn parse(items: &[String], modules: &[&str]) -> Result<TokenScopes, ScopeParseError> {
        let mut out = Vec::new();
        for raw in items {
            let item = raw.trim();
            if item == "*" {
                out.push(item.to_string());
                continue;
            }
            let (module, actions) = item.split_once(':').ok_or_else(|| ScopeParseError(item.into()))?;
            if !modules.contains(&module)
                || actions.is_empty()
                || !actions.chars().all(|c| Action::ALL.iter().any(|a| a.letter() == c))
            {
                return Err(ScopeParseError(item.into()));
            }
            out.push(item.to_string());
        }
        if out.is_empty() {
            return Err(ScopeParseError(String::new()));
        }
        Ok(TokenScopes(out))
    }
    pub fn allows(&self, module: &str, action: Action) -> bool {
        self.0.iter().any(|s| {
            s == "*"
                || s.split_once(':')
                    .is_some_and(|(m, acts)| m == module && acts.contains(action.letter()))
        })
    }
}

/// Who is asking: nobody, or a user (through a session or a token).
#[derive(Clone, Debug, Default)]
pub struct Principal {
    pub user_id: Option<i64>,
    pub is_admin: bool,
    pub memberships: HashMap<i64, Role>,
    pub grants: Vec<Grant>,
    /// Set when the request came with an API token: the token's narrowing.
    pub token_scopes: Option<TokenScopes>,
}

/// The object an action is about. `public` objects are readable by everyone.
#[derive(Clone, Copy, Debug)]
pub struct Target<'a> {
    pub module: &'a str,
    pub object: &'a str,
    pub owner_id: Option<i64>,
    pub org_id: Option<i64>,
    pub public: bool,
}

impl<'a> Target<'a> {
    pub fn new(module: &'a str, object: &'a str) -> Self {
        Self { module, object, owner_id: None, org_id: None, public: false }
    }
    pub fn owned_by(mut self, user: Option<i64>) -> Self {
        self.owner_id = user;
        self
    }
    pub fn in_org(mut self, org: Option<i64>) -> Self {
        self.org_id = org;
        self
    }
    pub fn public(mut self, public: bool) -> Self {
        self.public = public;
        self
    }
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum AccessError {
    #[error("authentication required")]
    Unauthenticated,
    #[error("forbidden")]
    Forbidden,
}

/// How a list query must be restricted for a principal.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ScopeFilter {
    /// No restriction.
    All,
    /// Public rows, rows owned by `user_id`, and rows of `org_ids`.
    Limited { user_id: Option<i64>, org_ids: Vec<i64>, own: bool },
}

impl ScopeFilter {
    /// A SQL condition over the given columns, with the ids inlined (they are integers).
    pub fn sql(&self, public_col: Option<&str>, owner_col: Option<&str>, org_col: Option<&str>) -> String {
        match self {
            ScopeFilter::All => "TRUE".into(),
            ScopeFilter::Limited { user_id, org_ids, own } => {
                let mut parts = Vec::new();
                if let Some(p) = public_col {
                    parts.push(format!("{p} = TRUE"));
                }
                if let (Some(col), Some(uid), true) = (owner_col, user_id, *own) {
                    parts.push(format!("{col} = {uid}"));
                }
                if let (Some(col), false) = (org_col, org_ids.is_empty()) {
                    let ids: Vec<String> = org_ids.iter().map(|i| i.to_string()).collect();
                    parts.push(format!("{col} IN ({})", ids.join(", ")));
                }
                if parts.is_empty() {
                    "FALSE".into()
                } else {
                    format!("({})", parts.join(" OR "))
                }
            }
        }
    }
}

impl Principal {
    pub fn anonymous() -> Self {
        Self::default()
    }
    pub fn is_authenticated(&self) -> bool {
        self.user_id.is_some()
    }
    pub fn require_user(&self) -> Result<i64, AccessError> {
        self.user_id.ok_or(AccessError::Unauthenticated)
    }
    pub fn role_in(&self, org: i64) -> Option<Role> {
        self.memberships.get(&org).copied()
    }

    /// The widest scope explicitly granted for this action on this module object.
    pub fn granted_scope(&self, module: &str, object: &str, action: Action) -> Scope {
        if self.is_admin {
            return Scope::All;
        }
        self.grants
            .iter()
            .filter(|g| g.module == module && (g.object == object || g.object == "*") && g.action == action)
            .map(|g| g.scope)
            .max()
            .unwrap_or(Scope::None)
    }

    /// Whether the API token in use (if any) allows `action` in `module`; sessions allow all.
    pub fn token_allows(&self, module: &str, action: Action) -> bool {
        self.token_scopes.as_ref().is_none_or(|s| s.allows(module, action))
    }

    /// The one permission check. Reading a public object needs nothing; everything else needs
    /// a user whose grants or organisation role cover the action on that object.
    pub fn authorize(&self, action: Action, target: &Target<'_>) -> Result<(), AccessError> {
        if action == Action::Read && target.public {
            return Ok(());
        }
        let Some(uid) = self.user_id else {
            return Err(AccessError::Unauthenticated);
        };
        if !self.token_allows(target.module, action) {
            return Err(AccessError::Forbidden);
        }
        let scope = self.granted_scope(target.module, target.object, action);
        let ok = match scope {
            Scope::All => true,
            Scope::Organisation => {
                target.org_id.is_some_and(|o| self.memberships.contains_key(&o)) || target.owner_id == Some(uid)
            }
            Scope::Own => target.owner_id == Some(uid),
            Scope::None => false,
        } || target
            .org_id
            .and_then(|o| self.role_in(o))
            .is_some_and(|r| r.allows(action))
            // Creating in an organisation is checked against the role (owner unknown yet);
            // an object's creator keeps reading and updating what they made.
            || (target.owner_id == Some(uid) && target.org_id.is_none()
                && matches!(action, Action::Read | Action::Update | Action::Delete | Action::Export));
        if ok {
            Ok(())
        } else {
            Err(AccessError::Forbidden)
        }
    }

    /// The restriction to apply to a list of module objects for reading.
    pub fn read_filter(&self, module: &str, object: &str) -> ScopeFilter {
        if !self.token_allows(module, Action::Read) {
            return ScopeFilter::Limited { user_id: None, org_ids: vec![], own: false };
        }
        match self.granted_scope(module, object, Action::Read) {
            Scope::All => ScopeFilter::All,
            _ => {
                let mut org_ids: Vec<i64> = self
                    .memberships
                    .iter()
                    .filter(|(_, r)| r.allows(Action::Read))
                    .map(|(o, _)| *o)
                    .collect();
                org_ids.sort_unstable();
                ScopeFilter::Limited { user_id: self.user_id, org_ids, own: true }
            }
        }
    }
}

/// A permission a module declares, shown in the admin's permission editor.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct ObjectDecl {
    pub object: &'static str,
    pub label_key: &'static str,
    pub actions: Vec<Action>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user(id: i64) -> Principal {
        Principal { user_id: Some(id), ..Default::default() }
    }

    #[test]
    fn anonymous_reads_public_only() {
        let p = Principal::anonymous();
        assert!(p.authorize(Action::Read, &Target::new("catalog", "dataset").public(true)).is_ok());
        assert_eq!(
            p.authorize(Action::Read, &Target::new("catalog", "dataset").in_org(Some(1))),
            Err(AccessError::Unauthenticated)
        );
    }

    #[test]
    fn roles_cover_their_organisation_only() {
        let mut p = user(1);
        p.memberships.insert(10, Role::Editor);
        let in_10 = Target::new("catalog", "dataset").in_org(Some(10));
        let in_11 = Target::new("catalog", "dataset").in_org(Some(11));
        assert!(p.authorize(Action::Update, &in_10).is_ok());
        assert_eq!(p.authorize(Action::Delete, &in_10), Err(AccessError::Forbidden));
        assert_eq!(p.authorize(Action::Read, &in_11), Err(AccessError::Forbidden));
        p.memberships.insert(10, Role::Member);
        assert_eq!(p.authorize(Action::Update, &in_10), Err(AccessError::Forbidden));
        assert!(p.authorize(Action::Read, &in_10).is_ok());
    }

    #[test]
    fn grants_by_scope() {
        let mut p = user(1);
        p.grants.push(Grant { module: "seedbank".into(), object: "lot".into(), action: Action::Validate, scope: Scope::Own });
        let mine = Target::new("seedbank", "lot").owned_by(Some(1)).in_org(Some(5));
        let theirs = Target::new("seedbank", "lot").owned_by(Some(2)).in_org(Some(5));
        assert!(p.authorize(Action::Validate, &mine).is_ok());
        assert!(p.authorize(Action::Validate, &theirs).is_err());
        p.grants[0].scope = Scope::All;
        assert!(p.authorize(Action::Validate, &theirs).is_ok());
    }

    #[test]
    fn tokens_only_narrow() {
        let mut p = user(1);
        p.memberships.insert(3, Role::Admin);
        p.token_scopes = Some(TokenScopes(vec!["catalog:R".into()]));
        let t = Target::new("catalog", "dataset").in_org(Some(3));
        assert!(p.authorize(Action::Read, &t).is_ok());
        assert_eq!(p.authorize(Action::Update, &t), Err(AccessError::Forbidden));
        let w = Target::new("weather", "station").in_org(Some(3));
        assert_eq!(p.authorize(Action::Read, &w), Err(AccessError::Forbidden));
    }

    #[test]
    fn token_scope_parsing() {
        let mods = ["catalog", "platform"];
        assert!(TokenScopes::parse(&["catalog:CRU".into()], &mods).is_ok());
        assert!(TokenScopes::parse(&["*".into()], &mods).is_ok());
        assert!(TokenScopes::parse(&["catalog:X".into()], &mods).is_err());
        assert!(TokenScopes::parse(&["nope:R".into()], &mods).is_err());
        assert!(TokenScopes::parse(&[], &mods).is_err());
    }

    #[test]
    fn read_filter_sql() {
        let mut p = user(4);
        p.memberships.insert(2, Role::Member);
        p.memberships.insert(1, Role::Admin);
        let f = p.read_filter("catalog", "dataset");
        assert_eq!(f.sql(Some("public"), Some("owner_id"), Some("org_id")), "(public = TRUE OR owner_id = 4 OR org_id IN (1, 2))");
        assert_eq!(Principal::anonymous().read_filter("catalog", "dataset").sql(Some("public"), None, Some("org_id")), "(public = TRUE)");
        let admin = Principal { user_id: Some(1), is_admin: true, ..Default::default() };
        assert_eq!(admin.read_filter("catalog", "dataset"), ScopeFilter::All);
    }
}
