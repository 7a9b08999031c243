//! The kernel's pages: home, sign-up and sign-in, account, organisations, admin area, API docs.
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use serde::Deserialize;

use super::{error_page, render, render_status, see_other, Ctx, FormErrors};
use crate::access::{Action, Role, Scope};
use crate::audit::{AuditEntry, AuditQuery};
use crate::error::{AppError, FieldError};
use crate::http::api::{create_org_for, create_token_for, require_platform};
use crate::http::extract::ViewerExt;
use crate::http::{set_cookie, Viewer};
use crate::identity::orgs::{can_manage, Group, Member, MembershipRequest, Organisation, PermissionRow};
use crate::identity::types::collect;
use crate::identity::{ApiToken, DisplayName, Email, NewAccount, Password, SessionInfo, User, SESSION_COOKIE};
use crate::i18n::Locale;
use crate::jobs::Job;
use crate::outbox::Email as OutMail;
use crate::Platform;

pub fn router() -> Router<Platform> {
    Router::new()
        .route("/", get(home))
        .route("/login", get(login_form).post(login))
        .route("/logout", post(logout))
        .route("/register", get(register_form).post(register))
        .route("/verify-email", get(verify_email))
        .route("/password/forgot", get(forgot_form).post(forgot))
        .route("/password/reset", get(reset_form).post(reset))
        .route("/account", get(account).post(account_update))
        .route("/account/sessions/{id}/revoke", post(revoke_session))
        .route("/account/export", get(account_export))
        .route("/account/delete", post(account_delete))
        .route("/account/tokens", get(tokens).post(token_create))
        .route("/account/tokens/{id}/revoke", post(token_revoke))
        .route("/organisations", get(orgs))
        .route("/organisations/new", get(org_new_form).post(org_new))
        .route("/organisations/{slug}", get(org_page))
        .route("/organisations/{slug}/invite", post(org_invite))
        .route("/organisations/{slug}/join", post(org_join))
        .route("/organisations/{slug}/requests/{id}", post(org_decide))
        .route("/organisations/{slug}/members/{uid}", post(org_member))
        .route("/invitations/{token}", get(invitation).post(invitation_accept))
        .route("/admin", get(admin_home))
        .route("/admin/users", get(admin_users))
        .route("/admin/users/{id}", post(admin_user_update))
        .route("/admin/groups", get(admin_groups).post(admin_group_create))
        .route("/admin/groups/{id}/members", post(admin_group_member))
        .route("/admin/permissions", get(admin_permissions).post(admin_permission_grant))
        .route("/admin/jobs", get(admin_jobs))
        .route("/admin/jobs/{id}/retry", post(admin_job_retry))
        .route("/admin/audit", get(admin_audit))
        .route("/admin/outbox", get(admin_outbox))
        .route("/admin/outbox/{id}", get(admin_email))
        .route("/history/{module}/{object_type}/{object_id}", get(history))
}

type PageResult = Result<Response, Response>;

/// Turns an error into the page answer in the viewer's language.
fn page_err<'a>(p: &'a Platform, v: &'a Viewer) -> impl Fn(AppError) -> Response + 'a {
    move |e| error_page(p, Some(v), v.locale, e)
}

/// Pages that need an account send anonymous visitors to the login form, then back.
fn need_user<'a>(v: &'a Viewer, back: &str) -> Result<&'a User, Response> {
    v.user.as_ref().ok_or_else(|| see_other(&format!("/login?next={}", urlencode(back))))
}

fn urlencode(s: &str) -> String {
    serde_urlencoded::to_string([("", s)]).map(|e| e.trim_start_matches('=').to_string()).unwrap_or_default()
}

/// Only same-site paths are followed after login.
fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(n) if n.starts_with('/') && !n.starts_with("//") && !n.contains('\\') => n.to_string(),
        _ => "/".into(),
    }
}

#[derive(Deserialize, Default)]
struct NoticeQuery {
    notice: Option<String>,
    next: Option<String>,
}

#[derive(Template)]
#[template(path = "home.html")]
struct Home<'a> {
    ctx: Ctx<'a>,
    modules: Vec<(String, String, String)>,
}

async fn home(State(p): State<Platform>, ViewerExt(v): ViewerExt, Query(q): Query<NoticeQuery>) -> Response {
    let ctx = Ctx::new(&p, &v, "/", "home.title").notice(q.notice.as_deref());
    let modules = p
        .modules
        .iter()
        .map(|m| (format!("/{}", m.id()), ctx.t.t(m.nav_key()).to_string(), ctx.t.t(&format!("{}.description", m.id())).to_string()))
        .collect();
    render(&Home { ctx, modules })
}

#[derive(Template)]
#[template(path = "login.html")]
struct Login<'a> {
    ctx: Ctx<'a>,
    email: String,
    next: String,
    error: Option<String>,
}

async fn login_form(State(p): State<Platform>, ViewerExt(v): ViewerExt, Query(q): Query<NoticeQuery>) -> Response {
    let ctx = Ctx::new(&p, &v, "/login", "login.title").notice(q.notice.as_deref());
    render(&Login { ctx, email: String::new(), next: safe_next(q.next.as_deref()), error: None })
}

#[derive(Deserialize)]
struct LoginForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    next: String,
}

async fn login(State(p): State<Platform>, ViewerExt(v): ViewerExt, headers: axum::http::HeaderMap, Form(f): Form<LoginForm>) -> Response {
    let ua = headers.get(header::USER_AGENT).and_then(|h| h.to_str().ok()).unwrap_or("");
    match p.login(&f.email, &f.password, &v.ip, ua).await {
        Ok((user, token, _)) => {
            let mut res = see_other(&safe_next(Some(&f.next)));
            let max_age = p.config.session_ttl_hours * 3600;
            res.headers_mut().append(header::SET_COOKIE, set_cookie(&p, SESSION_COOKIE, &token, max_age, true));
            if let Some(l) = user.locale {
                res.headers_mut().append(header::SET_COOKIE, set_cookie(&p, crate::http::LANG_COOKIE, l.code(), 365 * 86_400, false));
            }
            res
        }
        Err(e) => {
            let status = e.status;
            let t = v.t(&p);
            let error = Some(t.t(&format!("error.code.{}", e.code)).to_string());
            let ctx = Ctx::new(&p, &v, "/login", "login.title");
            render_status(status, &Login { ctx, email: f.email, next: safe_next(Some(&f.next)), error })
        }
    }
}

async fn logout(State(p): State<Platform>, ViewerExt(v): ViewerExt) -> Response {
    if let (Some(u), Some(s)) = (&v.user, &v.session) {
        if let Err(e) = p.revoke_session(u.id, s.id).await {
            return error_page(&p, Some(&v), v.locale, e.into());
        }
    }
    let mut res = see_other("/?notice=notice.logged_out");
    res.headers_mut().append(header::SET_COOKIE, set_cookie(&p, SESSION_COOKIE, "", 0, true));
    res
}

#[derive(Template)]
#[template(path = "register.html")]
struct Register<'a> {
    ctx: Ctx<'a>,
    email: String,
    display_name: String,
    errors: FormErrors,
}

async fn register_form(State(p): State<Platform>, ViewerExt(v): ViewerExt) -> Response {
    let ctx = Ctx::new(&p, &v, "/register", "register.title");
    render(&Register { ctx, email: String::new(), display_name: String::new(), errors: FormErrors::default() })
}

#[derive(Deserialize)]
struct RegisterForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    display_name: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    password_confirm: String,
}

async fn register(State(p): State<Platform>, ViewerExt(v): ViewerExt, Form(f): Form<RegisterForm>) -> Response {
    let mut errors = Vec::new();
    let email = collect(Email::parse(&f.email), &mut errors);
    let display_name = collect(DisplayName::parse("display_name", &f.display_name), &mut errors);
    let password = collect(Password::parse(&f.password), &mut errors);
    if f.password != f.password_confirm {
        errors.push(FieldError::new("password_confirm", "passwords_differ"));
    }
    let result = match (email, display_name, password, errors.is_empty()) {
        (Some(email), Some(display_name), Some(password), true) => {
            p.register(NewAccount { email, display_name, password, locale: v.locale }, &v.request_id).await
        }
        _ => Err(AppError::invalid(errors)),
    };
    match result {
        Ok(_) => see_other("/login?notice=notice.check_email"),
        Err(e) if !e.errors.is_empty() => {
            let ctx = Ctx::new(&p, &v, "/register", "register.title");
            let errors = FormErrors::from(ctx.t, &e.errors);
            render_status(StatusCode::UNPROCESSABLE_ENTITY, &Register { ctx, email: f.email, display_name: f.display_name, errors })
        }
        Err(e) => error_page(&p, Some(&v), v.locale, e),
    }
}

#[derive(Deserialize)]
struct TokenQuery {
    token: Option<String>,
}

async fn verify_email(State(p): State<Platform>, ViewerExt(v): ViewerExt, Query(q): Query<TokenQuery>) -> Response {
    match p.verify_email(q.token.as_deref().unwrap_or(""), &v.request_id).await {
        Ok(_) => see_other(if v.user.is_some() { "/account?notice=notice.email_verified" } else { "/login?notice=notice.email_verified" }),
        Err(e) => error_page(&p, Some(&v), v.locale, e),
    }
}

#[derive(Template)]
#[template(path = "forgot.html")]
struct Forgot<'a> {
    ctx: Ctx<'a>,
    errors: FormErrors,
}

async fn forgot_form(State(p): State<Platform>, ViewerExt(v): ViewerExt) -> Response {
    render(&Forgot { ctx: Ctx::new(&p, &v, "/password/forgot", "forgot.title"), errors: FormErrors::default() })
}

#[derive(Deserialize)]
struct EmailForm {
    #[serde(default)]
    email: String,
}

async fn forgot(State(p): State<Platform>, ViewerExt(v): ViewerExt, Form(f): Form<EmailForm>) -> Response {
    match Email::parse(&f.email) {
        Err(e) => {
            let ctx = Ctx::new(&p, &v, "/password/forgot", "forgot.title");
            let errors = FormErrors::from(ctx.t, &[e]);
            render_status(StatusCode::UNPROCESSABLE_ENTITY, &Forgot { ctx, errors })
        }
        Ok(email) => match p.request_password_reset(email.as_str(), v.locale).await {
            Ok(()) => see_other("/login?notice=notice.reset_sent"),
            Err(e) => error_page(&p, Some(&v), v.locale, e),
        },
    }
}

#[derive(Template)]
#[template(path = "reset.html")]
struct Reset<'a> {
    ctx: Ctx<'a>,
    token: String,
    errors: FormErrors,
}

async fn reset_form(State(p): State<Platform>, ViewerExt(v): ViewerExt, Query(q): Query<TokenQuery>) -> Response {
    render(&Reset { ctx: Ctx::new(&p, &v, "/password/reset", "reset.title"), token: q.token.unwrap_or_default(), errors: FormErrors::default() })
}

#[derive(Deserialize)]
struct ResetForm {
    #[serde(default)]
    token: String,
    #[serde(default)]
    password: String,
}

async fn reset(State(p): State<Platform>, ViewerExt(v): ViewerExt, Form(f): Form<ResetForm>) -> Response {
    let result = match Password::parse(&f.password) {
        Ok(pw) => p.reset_password(&f.token, &pw, &v.request_id).await,
        Err(e) => Err(AppError::invalid(vec![e])),
    };
    match result {
        Ok(_) => see_other("/login?notice=notice.password_changed"),
        Err(e) if !e.errors.is_empty() => {
            let ctx = Ctx::new(&p, &v, "/password/reset", "reset.title");
            let errors = FormErrors::from(ctx.t, &e.errors);
            render_status(StatusCode::UNPROCESSABLE_ENTITY, &Reset { ctx, token: f.token, errors })
        }
        Err(e) => error_page(&p, Some(&v), v.locale, e),
    }
}

#[derive(Template)]
#[template(path = "account.html")]
struct Account<'a> {
    ctx: Ctx<'a>,
    me: &'a User,
    sessions: Vec<SessionInfo>,
    orgs: Vec<(Organisation, Role)>,
    errors: FormErrors,
}

async fn account(State(p): State<Platform>, ViewerExt(v): ViewerExt, Query(q): Query<NoticeQuery>) -> PageResult {
    let me = need_user(&v, "/account")?;
    let sessions = p.list_sessions(me.id, v.session.as_ref().map(|s| s.id)).await.map_err(|e| page_err(&p, &v)(e.into()))?;
    let orgs = p.orgs_of_user(me.id).await.map_err(|e| page_err(&p, &v)(e.into()))?;
    let ctx = Ctx::new(&p, &v, "/account", "account.title").notice(q.notice.as_deref());
    Ok(render(&Account { ctx, me, sessions, orgs, errors: FormErrors::default() }))
}

#[derive(Deserialize)]
struct AccountForm {
    #[serde(default)]
    display_name: String,
    #[serde(default)]
    locale: String,
}

async fn account_update(State(p): State<Platform>, ViewerExt(v): ViewerExt, Form(f): Form<AccountForm>) -> PageResult {
    let me = need_user(&v, "/account")?;
    let mut errors = Vec::new();
    let name = collect(DisplayName::parse("display_name", &f.display_name), &mut errors);
    let locale = Locale::parse(&f.locale);
    if locale.is_none() {
        errors.push(FieldError::new("locale", "invalid_choice"));
    }
    if let (Some(name), Some(locale)) = (&name, locale) {
        p.update_profile(me, Some(name), Some(locale), &v.request_id).await.map_err(page_err(&p, &v))?;
        let mut res = see_other("/account?notice=notice.saved");
        res.headers_mut().append(header::SET_COOKIE, set_cookie(&p, crate::http::LANG_COOKIE, locale.code(), 365 * 86_400, false));
        return Ok(res);
    }
    let sessions = p.list_sessions(me.id, v.session.as_ref().map(|s| s.id)).await.map_err(|e| page_err(&p, &v)(e.into()))?;
    let orgs = p.orgs_of_user(me.id).await.map_err(|e| page_err(&p, &v)(e.into()))?;
    let ctx = Ctx::new(&p, &v, "/account", "account.title");
    let errors = FormErrors::from(ctx.t, &errors);
    Ok(render_status(StatusCode::UNPROCESSABLE_ENTITY, &Account { ctx, me, sessions, orgs, errors }))
}

async fn revoke_session(State(p): State<Platform>, ViewerExt(v): ViewerExt, Path(id): Path<i64>) -> PageResult {
    let me = need_user(&v, "/account")?;
    if !p.revoke_session(me.id, id).await.map_err(|e| page_err(&p, &v)(e.into()))? {
        return Err(error_page(&p, Some(&v), v.locale, AppError::not_found()));
    }
    Ok(see_other("/account?notice=notice.session_revoked"))
}

async fn account_export(State(p): State<Platform>, ViewerExt(v): ViewerExt) -> PageResult {
    let me = need_user(&v, "/account")?;
    let zip = p.export_user_data(me).await.map_err(page_err(&p, &v))?;
    Ok(([(header::CONTENT_TYPE, "application/zip"), (header::CONTENT_DISPOSITION, "attachment; filename=\"communs-my-data.zip\"")], zip).into_response())
}

#[derive(Deserialize)]
struct DeleteForm {
    #[serde(default)]
    confirm: String,
}

async fn account_delete(State(p): State<Platform>, ViewerExt(v): ViewerExt, Form(f): Form<DeleteForm>) -> PageResult {
    let me = need_user(&v, "/account")?;
    if f.confirm.trim().to_lowercase() != me.email {
        return Err(error_page(&p, Some(&v), v.locale, AppError::invalid(vec![FieldError::new("confirm", "confirm_email")])));
    }
    p.delete_account(me, &v.request_id).await.map_err(page_err(&p, &v))?;
    let mut res = see_other("/?notice=notice.account_deleted");
    res.headers_mut().append(header::SET_COOKIE, set_cookie(&p, SESSION_COOKIE, "", 0, true));
    Ok(res)
}

#[derive(Template)]
#[template(path = "tokens.html")]
struct Tokens<'a> {
    ctx: Ctx<'a>,
    tokens: Vec<ApiToken>,
    created: Option<String>,
    modules: Vec<(String, String)>,
    errors: FormErrors,
}

fn token_modules(p: &Platform, ctx: &Ctx<'_>) -> Vec<(String, String)> {
    let mut m: Vec<(String, String)> = vec![("platform".into(), ctx.t.t("nav.platform").into())];
    m.extend(p.modules.iter().map(|x| (x.id().to_string(), ctx.t.t(x.nav_key()).to_string())));
    m
}

async fn tokens(State(p): State<Platform>, ViewerExt(v): ViewerExt) -> PageResult {
    let me = need_user(&v, "/account/tokens")?;
    let tokens = p.list_api_tokens(me.id).await.map_err(|e| page_err(&p, &v)(e.into()))?;
    let ctx = Ctx::new(&p, &v, "/account/tokens", "tokens.title");
    let modules = token_modules(&p, &ctx);
    Ok(render(&Tokens { ctx, tokens, created: None, modules, errors: FormErrors::default() }))
}

async fn token_create(State(p): State<Platform>, ViewerExt(v): ViewerExt, Form(f): Form<Vec<(String, String)>>) -> PageResult {
    let me = need_user(&v, "/account/tokens")?;
    let get = |k: &str| f.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone()).unwrap_or_default();
    let mut scopes: Vec<String> = Vec::new();
    for (k, val) in &f {
        if let Some(module) = k.strip_prefix("scope_") {
            if !val.is_empty() {
                scopes.push(format!("{module}:{val}"));
            }
        }
    }
    if get("all") == "on" {
        scopes = vec!["*".into()];
    }
    let days = get("expires_in_days").trim().parse::<i64>().ok();
    let result = create_token_for(&p, &v, me, &get("name"), &scopes, days).await;
    let tokens = p.list_api_tokens(me.id).await.map_err(|e| page_err(&p, &v)(e.into()))?;
    let ctx = Ctx::new(&p, &v, "/account/tokens", "tokens.title");
    let modules = token_modules(&p, &ctx);
    match result {
        Ok((secret, _)) => Ok(render_status(StatusCode::CREATED, &Tokens { ctx, tokens, created: Some(secret), modules, errors: FormErrors::default() })),
        Err(e) if !e.errors.is_empty() => {
            let errors = FormErrors::from(ctx.t, &e.errors);
            Ok(render_status(StatusCode::UNPROCESSABLE_ENTITY, &Tokens { ctx, tokens, created: None, modules, errors }))
        }
        Err(e) => Err(error_page(&p, Some(&v), v.locale, e)),
    }
}

async fn token_revoke(State(p): State<Platform>, ViewerExt(v): ViewerExt, Path(id): Path<i64>) -> PageResult {
    let me = need_user(&v, "/account/tokens")?;
    if !p.revoke_api_token(me, id, &v.request_id).await.map_err(page_err(&p, &v))? {
        return Err(error_page(&p, Some(&v), v.locale, AppError::not_found()));
    }
    Ok(see_other("/account/tokens"))
}

#[derive(Template)]
#[template(path = "orgs.html")]
struct Orgs<'a> {
    ctx: Ctx<'a>,
    orgs: Vec<Organisation>,
}

async fn orgs(State(p): State<Platform>, ViewerExt(v): ViewerExt) -> PageResult {
    let (orgs, _) = p.list_orgs(500, 0).await.map_err(|e| page_err(&p, &v)(e.into()))?;
    Ok(render(&Orgs { ctx: Ctx::new(&p, &v, "/organisations", "orgs.title"), orgs }))
}

#[derive(Template)]
#[template(path = "org_new.html")]
struct OrgNew<'a> {
    ctx: Ctx<'a>,
    name: String,
    slug: String,
    description: String,
    errors: FormErrors,
}

async fn org_new_form(State(p): State<Platform>, ViewerExt(v): ViewerExt) -> PageResult {
    need_user(&v, "/organisations/new")?;
    let ctx = Ctx::new(&p, &v, "/organisations/new", "org_new.title");
    Ok(render(&OrgNew { ctx, name: String::new(), slug: String::new(), description: String::new(), errors: FormErrors::default() }))
}

#[derive(Deserialize)]
struct OrgForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    slug: String,
    #[serde(default)]
    description: String,
}

async fn org_new(State(p): State<Platform>, ViewerExt(v): ViewerExt, Form(f): Form<OrgForm>) -> PageResult {
    let me = need_user(&v, "/organisations/new")?;
    match create_org_for(&p, &v, me, &f.name, Some(&f.slug), &f.description).await {
        Ok(org) => Ok(see_other(&format!("/organisations/{}", org.slug))),
        Err(e) if !e.errors.is_empty() => {
            let ctx = Ctx::new(&p, &v, "/organisations/new", "org_new.title");
            let errors = FormErrors::from(ctx.t, &e.errors);
            Ok(render_status(StatusCode::UNPROCESSABLE_ENTITY, &OrgNew { ctx, name: f.name, slug: f.slug, description: f.description, errors }))
        }
        Err(e) => Err(error_page(&p, Some(&v), v.locale, e)),
    }
}

#[derive(Template)]
#[template(path = "org.html")]
struct OrgPage<'a> {
    ctx: Ctx<'a>,
    org: Organisation,
    my_role: Option<Role>,
    manage: bool,
    members: Vec<Member>,
    requests: Vec<MembershipRequest>,
    errors: FormErrors,
}

async fn org_load(p: &Platform, v: &Viewer, slug: &str) -> Result<Organisation, Response> {
    match p.org_by_slug(slug).await {
        Ok(Some(o)) => Ok(o),
        Ok(None) => Err(error_page(p, Some(v), v.locale, AppError::not_found())),
        Err(e) => Err(error_page(p, Some(v), v.locale, e.into())),
    }
}

async fn org_render(p: &Platform, v: &Viewer, org: Organisation, errors: &[FieldError], status: StatusCode, notice: Option<&str>) -> PageResult {
    let my_role = v.principal.role_in(org.id);
    let manage = can_manage(&v.principal, org.id).is_ok();
    let members = if my_role.is_some() || v.principal.is_admin { p.org_members(org.id).await.map_err(|e| page_err(p, v)(e.into()))? } else { Vec::new() };
    let requests = if manage { p.org_requests(org.id).await.map_err(|e| page_err(p, v)(e.into()))? } else { Vec::new() };
    let ctx = Ctx::new(p, v, &format!("/organisations/{}", org.slug), "orgs.title").titled(org.name.clone()).notice(notice);
    let errors = FormErrors::from(ctx.t, errors);
    Ok(render_status(status, &OrgPage { ctx, org, my_role, manage, members, requests, errors }))
}

async fn org_page(State(p): State<Platform>, ViewerExt(v): ViewerExt, Path(slug): Path<String>, Query(q): Query<NoticeQuery>) -> PageResult {
    let org = org_load(&p, &v, &slug).await?;
    org_render(&p, &v, org, &[], StatusCode::OK, q.notice.as_deref()).await
}

#[derive(Deserialize)]
struct InviteForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    role: String,
}

async fn org_invite(State(p): State<Platform>, ViewerExt(v): ViewerExt, Path(slug): Path<String>, Form(f): Form<InviteForm>) -> PageResult {
    need_user(&v, &format!("/organisations/{slug}"))?;
    let org = org_load(&p, &v, &slug).await?;
    can_manage(&v.principal, org.id).map_err(page_err(&p, &v))?;
    let mut errors = Vec::new();
    let email = collect(Email::parse(&f.email), &mut errors);
    let role = Role::parse(&f.role);
    if role.is_none() {
        errors.push(FieldError::new("role", "invalid_choice"));
    }
    if let (Some(email), Some(role)) = (email, role) {
        match p.invite(&org, &email, role, &v.actor()).await {
            Ok(_) => return Ok(see_other(&format!("/organisations/{slug}?notice=notice.invitation_sent"))),
            Err(e) if !e.errors.is_empty() => errors = e.errors,
            Err(e) => return Err(error_page(&p, Some(&v), v.locale, e)),
        }
    }
    org_render(&p, &v, org, &errors, StatusCode::UNPROCESSABLE_ENTITY, None).await
}

async fn org_join(State(p): State<Platform>, ViewerExt(v): ViewerExt, Path(slug): Path<String>, Form(f): Form<Vec<(String, String)>>) -> PageResult {
    let me = need_user(&v, &format!("/organisations/{slug}"))?;
    let org = org_load(&p, &v, &slug).await?;
    let message = f.iter().find(|(k, _)| k == "message").map(|(_, m)| m.as_str()).unwrap_or("");
    p.request_membership(&org, me, message, &v.actor()).await.map_err(page_err(&p, &v))?;
    Ok(see_other(&format!("/organisations/{slug}?notice=notice.request_sent")))
}

#[derive(Deserialize)]
struct DecideForm {
    #[serde(default)]
    decision: String,
}

async fn org_decide(State(p): State<Platform>, ViewerExt(v): ViewerExt, Path((slug, id)): Path<(String, i64)>, Form(f): Form<DecideForm>) -> PageResult {
    need_user(&v, &format!("/organisations/{slug}"))?;
    let org = org_load(&p, &v, &slug).await?;
    can_manage(&v.principal, org.id).map_err(page_err(&p, &v))?;
    p.decide_request(&org, id, f.decision == "accept", None, &v.actor()).await.map_err(page_err(&p, &v))?;
    Ok(see_other(&format!("/organisations/{slug}")))
}

#[derive(Deserialize)]
struct MemberForm {
    #[serde(default)]
    role: String,
}

async fn org_member(State(p): State<Platform>, ViewerExt(v): ViewerExt, Path((slug, uid)): Path<(String, i64)>, Form(f): Form<MemberForm>) -> PageResult {
    let me = need_user(&v, &format!("/organisations/{slug}"))?;
    let org = org_load(&p, &v, &slug).await?;
    let leaving = f.role == "remove" && me.id == uid;
    if !leaving {
        can_manage(&v.principal, org.id).map_err(page_err(&p, &v))?;
    }
    let role = match f.role.as_str() {
        "remove" => None,
        r => Some(Role::parse(r).ok_or_else(|| error_page(&p, Some(&v), v.locale, AppError::invalid(vec![FieldError::new("role", "invalid_choice")])))?),
    };
    p.set_member_role(&org, uid, role, &v.actor()).await.map_err(page_err(&p, &v))?;
    Ok(see_other(&format!("/organisations/{slug}")))
}

#[derive(Template)]
#[template(path = "invitation.html")]
struct Invitation<'a> {
    ctx: Ctx<'a>,
    org: Organisation,
    invited: MembershipRequest,
    token: String,
}

async fn invitation(State(p): State<Platform>, ViewerExt(v): ViewerExt, Path(token): Path<String>) -> PageResult {
    need_user(&v, &format!("/invitations/{token}"))?;
    let found = p.invitation_by_token(&token).await.map_err(|e| page_err(&p, &v)(e.into()))?;
    let Some((invite, org)) = found else {
        return Err(error_page(&p, Some(&v), v.locale, AppError::new(StatusCode::NOT_FOUND, "invitation_not_found", "no such invitation")));
    };
    let ctx = Ctx::new(&p, &v, "/invitations", "invitation.title");
    Ok(render(&Invitation { ctx, org, invited: invite, token }))
}

async fn invitation_accept(State(p): State<Platform>, ViewerExt(v): ViewerExt, Path(token): Path<String>) -> PageResult {
    let me = need_user(&v, &format!("/invitations/{token}"))?;
    let org = p.accept_invitation(&token, me, &v.actor()).await.map_err(page_err(&p, &v))?;
    Ok(see_other(&format!("/organisations/{}?notice=notice.joined", org.slug)))
}

// ---- admin area -------------------------------------------------------------------------

fn need_admin<'a>(p: &Platform, v: &'a Viewer, object: &str, action: Action, back: &str) -> Result<&'a User, Response> {
    let u = need_user(v, back)?;
    require_platform(v, object, action).map_err(|e| error_page(p, Some(v), v.locale, e))?;
    Ok(u)
}

#[derive(Template)]
#[template(path = "admin/index.html")]
struct AdminHome<'a> {
    ctx: Ctx<'a>,
    users: i64,
    orgs: i64,
    queued: usize,
    dead: usize,
    db_backend: &'static str,
    db_size: i64,
}

async fn admin_home(State(p): State<Platform>, ViewerExt(v): ViewerExt) -> PageResult {
    need_admin(&p, &v, "user", Action::Read, "/admin")?;
    let e = |e: sqlx::Error| page_err(&p, &v)(e.into());
    let (_, users) = p.list_users(None, 1, 0).await.map_err(e)?;
    let (_, orgs) = p.list_orgs(1, 0).await.map_err(e)?;
    let queued = p.list_jobs(Some("queued"), 1000).await.map_err(e)?.len();
    let dead = p.list_jobs(Some("dead"), 1000).await.map_err(e)?.len();
    let db_size = p.db.size_bytes().await.map_err(e)?;
    let ctx = Ctx::new(&p, &v, "/admin", "admin.title");
    Ok(render(&AdminHome { ctx, users, orgs, queued, dead, db_backend: p.db.backend().name(), db_size }))
}

#[derive(Deserialize)]
struct UsersQuery {
    q: Option<String>,
    page: Option<i64>,
}

#[derive(Template)]
#[template(path = "admin/users.html")]
struct AdminUsers<'a> {
    ctx: Ctx<'a>,
    users: Vec<User>,
    q: String,
    page: i64,
    pages: i64,
}

async fn admin_users(State(p): State<Platform>, ViewerExt(v): ViewerExt, Query(q): Query<UsersQuery>) -> PageResult {
    need_admin(&p, &v, "user", Action::Read, "/admin/users")?;
    let page = q.page.unwrap_or(1).max(1);
    let (users, total) = p.list_users(q.q.as_deref().filter(|s| !s.is_empty()), 50, (page - 1) * 50).await.map_err(|e| page_err(&p, &v)(e.into()))?;
    let ctx = Ctx::new(&p, &v, "/admin/users", "admin.users");
    Ok(render(&AdminUsers { ctx, users, q: q.q.unwrap_or_default(), page, pages: (total + 49) / 50 }))
}

#[derive(Deserialize)]
struct UserFlagsForm {
    #[serde(default)]
    op: String,
}

async fn admin_user_update(State(p): State<Platform>, ViewerExt(v): ViewerExt, Path(id): Path<i64>, Form(f): Form<UserFlagsForm>) -> PageResult {
    let me = need_user(&v, "/admin/users")?;
    v.require_admin().map_err(page_err(&p, &v))?;
    let (admin, disabled) = match f.op.as_str() {
        "promote" => (Some(true), None),
        "demote" if id != me.id => (Some(false), None),
        "disable" if id != me.id => (None, Some(true)),
        "enable" => (None, Some(false)),
        _ => return Err(error_page(&p, Some(&v), v.locale, AppError::invalid(vec![FieldError::new("op", "invalid_choice")]))),
    };
    p.admin_set_user_flags(&v.actor(), id, admin, disabled).await.map_err(page_err(&p, &v))?;
    Ok(see_other("/admin/users"))
}

#[derive(Template)]
#[template(path = "admin/groups.html")]
struct AdminGroups<'a> {
    ctx: Ctx<'a>,
    groups: Vec<Group>,
    errors: FormErrors,
}

async fn admin_groups(State(p): State<Platform>, ViewerExt(v): ViewerExt) -> PageResult {
    need_admin(&p, &v, "user", Action::Update, "/admin/groups")?;
    let groups = p.list_groups().await.map_err(|e| page_err(&p, &v)(e.into()))?;
    Ok(render(&AdminGroups { ctx: Ctx::new(&p, &v, "/admin/groups", "admin.groups"), groups, errors: FormErrors::default() }))
}

#[derive(Deserialize)]
struct GroupForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    description: String,
}

async fn admin_group_create(State(p): State<Platform>, ViewerExt(v): ViewerExt, Form(f): Form<GroupForm>) -> PageResult {
    need_admin(&p, &v, "user", Action::Update, "/admin/groups")?;
    match DisplayName::parse("name", &f.name) {
        Ok(name) => {
            p.create_group(&name, &f.description, &v.actor()).await.map_err(page_err(&p, &v))?;
            Ok(see_other("/admin/groups"))
        }
        Err(e) => {
            let groups = p.list_groups().await.map_err(|e| page_err(&p, &v)(e.into()))?;
            let ctx = Ctx::new(&p, &v, "/admin/groups", "admin.groups");
            let errors = FormErrors::from(ctx.t, &[e]);
            Ok(render_status(StatusCode::UNPROCESSABLE_ENTITY, &AdminGroups { ctx, groups, errors }))
        }
    }
}

#[derive(Deserialize)]
struct GroupMemberForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    op: String,
}

async fn admin_group_member(State(p): State<Platform>, ViewerExt(v): ViewerExt, Path(id): Path<i64>, Form(f): Form<GroupMemberForm>) -> PageResult {
    need_admin(&p, &v, "user", Action::Update, "/admin/groups")?;
    let user = p.user_by_email(&f.email).await.map_err(|e| page_err(&p, &v)(e.into()))?;
    let Some(user) = user else {
        return Err(error_page(&p, Some(&v), v.locale, AppError::invalid(vec![FieldError::new("email", "unknown_user")])));
    };
    p.set_group_member(id, user.id, f.op != "remove", &v.actor()).await.map_err(page_err(&p, &v))?;
    Ok(see_other("/admin/groups"))
}

#[derive(Template)]
#[template(path = "admin/permissions.html")]
struct AdminPermissions<'a> {
    ctx: Ctx<'a>,
    rows: Vec<PermissionRow>,
    objects: Vec<(String, String, String)>,
    groups: Vec<Group>,
    errors: FormErrors,
}

async fn permissions_page(p: &Platform, v: &Viewer, errors: &[FieldError], status: StatusCode) -> PageResult {
    let rows = p.list_permissions().await.map_err(|e| page_err(p, v)(e.into()))?;
    let groups = p.list_groups().await.map_err(|e| page_err(p, v)(e.into()))?;
    let ctx = Ctx::new(p, v, "/admin/permissions", "admin.permissions");
    let mut objects = Vec::new();
    for d in crate::platform_permissions() {
        objects.push(("platform".to_string(), d.object.to_string(), ctx.t.t(d.label_key).to_string()));
    }
    for m in &p.modules {
        for d in m.permissions() {
            objects.push((m.id().to_string(), d.object.to_string(), ctx.t.t(d.label_key).to_string()));
        }
    }
    let errors = FormErrors::from(ctx.t, errors);
    Ok(render_status(status, &AdminPermissions { ctx, rows, objects, groups, errors }))
}

async fn admin_permissions(State(p): State<Platform>, ViewerExt(v): ViewerExt) -> PageResult {
    need_user(&v, "/admin/permissions")?;
    v.require_admin().map_err(page_err(&p, &v))?;
    permissions_page(&p, &v, &[], StatusCode::OK).await
}

#[derive(Deserialize)]
struct GrantForm {
    #[serde(default)]
    subject: String,
    #[serde(default)]
    target: String,
    #[serde(default)]
    action: String,
    #[serde(default)]
    scope: String,
}

async fn admin_permission_grant(State(p): State<Platform>, ViewerExt(v): ViewerExt, Form(f): Form<GrantForm>) -> PageResult {
    need_user(&v, "/admin/permissions")?;
    v.require_admin().map_err(page_err(&p, &v))?;
    let mut errors = Vec::new();
    // subject: "group:ID" or an account's e-mail.
    let subject = match f.subject.split_once(':') {
        Some(("group", id)) => id.parse::<i64>().ok().map(|id| ("group", id)),
        _ => p.user_by_email(&f.subject).await.map_err(|e| page_err(&p, &v)(e.into()))?.map(|u| ("user", u.id)),
    };
    if subject.is_none() {
        errors.push(FieldError::new("subject", "unknown_user"));
    }
    let target = f.target.split_once('/');
    let action = Action::parse(&f.action);
    let scope = Scope::parse(&f.scope);
    if target.is_none() {
        errors.push(FieldError::new("target", "invalid_choice"));
    }
    if action.is_none() {
        errors.push(FieldError::new("action", "invalid_choice"));
    }
    if scope.is_none() {
        errors.push(FieldError::new("scope", "invalid_choice"));
    }
    if let (Some((kind, id)), Some((module, object)), Some(action), Some(scope)) = (subject, target, action, scope) {
        match p.grant(kind, id, module, object, action, scope, &v.actor()).await {
            Ok(()) => return Ok(see_other("/admin/permissions")),
            Err(e) if !e.errors.is_empty() => errors = e.errors,
            Err(e) => return Err(error_page(&p, Some(&v), v.locale, e)),
        }
    }
    permissions_page(&p, &v, &errors, StatusCode::UNPROCESSABLE_ENTITY).await
}

#[derive(Deserialize)]
struct JobsQuery {
    status: Option<String>,
}

#[derive(Template)]
#[template(path = "admin/jobs.html")]
struct AdminJobs<'a> {
    ctx: Ctx<'a>,
    jobs: Vec<Job>,
    status: String,
}

async fn admin_jobs(State(p): State<Platform>, ViewerExt(v): ViewerExt, Query(q): Query<JobsQuery>) -> PageResult {
    need_admin(&p, &v, "job", Action::Read, "/admin/jobs")?;
    let status = q.status.filter(|s| matches!(s.as_str(), "queued" | "running" | "done" | "dead"));
    let jobs = p.list_jobs(status.as_deref(), 200).await.map_err(|e| page_err(&p, &v)(e.into()))?;
    Ok(render(&AdminJobs { ctx: Ctx::new(&p, &v, "/admin/jobs", "admin.jobs"), jobs, status: status.unwrap_or_default() }))
}

async fn admin_job_retry(State(p): State<Platform>, ViewerExt(v): ViewerExt, Path(id): Path<i64>) -> PageResult {
    need_admin(&p, &v, "job", Action::Update, "/admin/jobs")?;
    if !p.retry_job(id, &v.actor()).await.map_err(|e| page_err(&p, &v)(e.into()))? {
        return Err(error_page(&p, Some(&v), v.locale, AppError::not_found()));
    }
    Ok(see_other("/admin/jobs"))
}

#[derive(Deserialize)]
struct AuditPageQuery {
    module: Option<String>,
    before: Option<i64>,
}

#[derive(Template)]
#[template(path = "admin/audit.html")]
struct AdminAudit<'a> {
    ctx: Ctx<'a>,
    entries: Vec<AuditEntry>,
    heading: String,
    older: Option<i64>,
}

async fn admin_audit(State(p): State<Platform>, ViewerExt(v): ViewerExt, Query(q): Query<AuditPageQuery>) -> PageResult {
    need_admin(&p, &v, "audit", Action::Read, "/admin/audit")?;
    let query = AuditQuery { module: q.module.filter(|m| !m.is_empty()), before_id: q.before, limit: 100, ..Default::default() };
    let entries = crate::audit::list(p.db.pool(), &query).await.map_err(|e| page_err(&p, &v)(e.into()))?;
    let older = (entries.len() == 100).then(|| entries.last().map(|e| e.id)).flatten();
    let ctx = Ctx::new(&p, &v, "/admin/audit", "admin.audit");
    let heading = ctx.title.clone();
    Ok(render(&AdminAudit { ctx, entries, heading, older }))
}

/// History of one object: who changed what, when.
async fn history(State(p): State<Platform>, ViewerExt(v): ViewerExt, Path((module, object_type, object_id)): Path<(String, String, String)>) -> PageResult {
    need_admin(&p, &v, "audit", Action::Read, "/admin/audit")?;
    let query = AuditQuery { module: Some(module.clone()), object_type: Some(object_type.clone()), object_id: Some(object_id.clone()), limit: 500, ..Default::default() };
    let entries = crate::audit::list(p.db.pool(), &query).await.map_err(|e| page_err(&p, &v)(e.into()))?;
    let ctx = Ctx::new(&p, &v, "/admin/audit", "history.title");
    let heading = format!("{} — {module} / {object_type} / {object_id}", ctx.title);
    Ok(render(&AdminAudit { ctx, entries, heading, older: None }))
}

#[derive(Template)]
#[template(path = "admin/outbox.html")]
struct AdminOutbox<'a> {
    ctx: Ctx<'a>,
    emails: Vec<OutMail>,
    smtp: bool,
}

async fn admin_outbox(State(p): State<Platform>, ViewerExt(v): ViewerExt) -> PageResult {
    need_admin(&p, &v, "outbox", Action::Read, "/admin/outbox")?;
    let emails = p.list_emails(None, 200).await.map_err(|e| page_err(&p, &v)(e.into()))?;
    Ok(render(&AdminOutbox { ctx: Ctx::new(&p, &v, "/admin/outbox", "admin.outbox"), emails, smtp: p.config.smtp.is_some() }))
}

#[derive(Template)]
#[template(path = "admin/email.html")]
struct AdminEmail<'a> {
    ctx: Ctx<'a>,
    email: OutMail,
    links: Vec<String>,
}

async fn admin_email(State(p): State<Platform>, ViewerExt(v): ViewerExt, Path(id): Path<i64>) -> PageResult {
    need_admin(&p, &v, "outbox", Action::Read, "/admin/outbox")?;
    let email = p.get_email(id).await.map_err(|e| page_err(&p, &v)(e.into()))?;
    let Some(email) = email else { return Err(error_page(&p, Some(&v), v.locale, AppError::not_found())) };
    let ctx = Ctx::new(&p, &v, "/admin/outbox", "admin.outbox").titled(email.subject.clone());
    let links = email
        .body
        .split_whitespace()
        .filter(|w| w.starts_with("http://") || w.starts_with("https://"))
        .map(str::to_string)
        .collect();
    Ok(render(&AdminEmail { ctx, email, links }))
}

// ---- API documentation ------------------------------------------------------------------

pub struct DocOp {
    pub method: String,
    pub path: String,
    pub summary: String,
    pub tag: String,
    pub params: Vec<String>,
    pub anchor: String,
}

#[derive(Template)]
#[template(path = "api_docs.html")]
struct ApiDocs<'a> {
    ctx: Ctx<'a>,
    version: String,
    ops: Vec<DocOp>,
    problems: Vec<&'static str>,
}

/// The API reference, rendered on the server from the OpenAPI document (no script needed).
pub fn api_docs(p: &Platform, v: &Viewer, doc: &utoipa::openapi::OpenApi) -> Response {
    let mut ops = Vec::new();
    for (path, item) in doc.paths.paths.iter() {
        let methods = [
            ("GET", &item.get),
            ("POST", &item.post),
            ("PUT", &item.put),
            ("PATCH", &item.patch),
            ("DELETE", &item.delete),
        ];
        for (m, op) in methods {
            if let Some(op) = op {
                let summary = op.summary.clone().or_else(|| op.description.clone()).unwrap_or_default();
                let tag = op.tags.as_ref().and_then(|t| t.first().cloned()).unwrap_or_default();
                let params = op
                    .parameters
                    .as_ref()
                    .map(|ps| ps.iter().map(|x| x.name.clone()).collect())
                    .unwrap_or_default();
                let anchor = format!("{}{}", m.to_lowercase(), path.replace(['/', '{', '}'], "-"));
                ops.push(DocOp { method: m.into(), path: path.clone(), summary, tag, params, anchor });
            }
        }
    }
    let problems = vec![
        "validation_failed", "invalid_body", "malformed_json", "unsupported_media_type", "invalid_query", "unauthenticated",
        "invalid_token", "forbidden", "not_found", "already_exists", "csrf_failed", "rate_limited", "too_many_attempts",
        "body_too_large", "internal",
    ];
    let ctx = Ctx::new(p, v, "/api/docs", "api_docs.title");
    render(&ApiDocs { ctx, version: serde_json::to_string(&doc.openapi).unwrap_or_default().trim_matches('"').to_string(), ops, problems })
}
