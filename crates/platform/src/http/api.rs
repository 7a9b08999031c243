//! The kernel's JSON API under `/api/v1`. Each route is registered with its OpenAPI operation
//! (utoipa-axum `routes!`), so the document cannot drift from the code.
use std::convert::Infallible;

use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::sse::{Event as SseEvent, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use axum::Json;
use futures_util::Stream;
use serde::{Deserialize, Serialize};
use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::extract::{ApiJson, ApiPath, ApiQuery, ViewerExt};
use super::{Page, PageQuery};
use crate::access::{Action, Role, Scope, TokenScopes};
use crate::audit::{AuditEntry, AuditQuery};
use crate::error::{ApiResult, AppError, FieldError, Problem};
use crate::identity::orgs::{can_manage, can_see_members, Member, MembershipRequest, Organisation};
use crate::identity::types::collect;
use crate::identity::{ApiToken, DisplayName, Email, NewAccount, Password, Slug, User};
use crate::i18n::Locale;
use crate::jobs::Job;
use crate::opendata::Publication;
use crate::search::SearchHit;
use crate::vocab::Term;
use crate::Platform;

#[derive(OpenApi)]
#[openapi(
    info(title = "Communs API", description = "JSON API of Communs. Errors are RFC 9457 problem+json documents with a stable `code`. Lists use the envelope `{data, page, page_size, total, next_page, previous_page}`. Authenticate programs with an API token in `Authorization: Bearer …` or `X-API-KEY`."),
    modifiers(&Security),
    components(schemas(Problem, FieldError)),
    tags(
        (name = "platform", description = "Accounts, organisations, tokens and platform services"),
        (name = "admin", description = "Platform administration")
    )
)]
pub struct ApiDoc;

struct Security;
impl Modify for Security {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let c = openapi.components.get_or_insert_with(Default::default);
        c.add_security_scheme("bearer", SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()));
        c.add_security_scheme("api_key", SecurityScheme::ApiKey(ApiKey::Header(ApiKeyValue::new("X-API-KEY"))));
    }
}

/// Every API route of the kernel and of the enabled modules, and the OpenAPI document.
pub fn router(p: &Platform) -> (axum::Router<Platform>, utoipa::openapi::OpenApi) {
    let mut r = OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(modules))
        .routes(routes!(module_status))
        .routes(routes!(register))
        .routes(routes!(password_reset))
        .routes(routes!(me, update_me, delete_me))
        .routes(routes!(export_me))
        .routes(routes!(list_tokens, create_token))
        .routes(routes!(revoke_token))
        .routes(routes!(list_orgs, create_org))
        .routes(routes!(get_org, update_org))
        .routes(routes!(org_members))
        .routes(routes!(set_member, remove_member))
        .routes(routes!(invite))
        .routes(routes!(org_requests, ask_membership))
        .routes(routes!(decide))
        .routes(routes!(audit_log))
        .routes(routes!(admin_users))
        .routes(routes!(admin_update_user))
        .routes(routes!(admin_jobs))
        .routes(routes!(admin_retry_job))
        .routes(routes!(admin_outbox))
        .routes(routes!(events))
        .routes(routes!(search))
        .routes(routes!(vocabularies))
        .routes(routes!(vocabulary))
        .routes(routes!(opendata));
    for m in &p.modules {
        r = r.merge(m.api());
    }
    let (router, mut doc) = r.split_for_parts();
    document_errors(&mut doc);
    (router, doc)
}

/// Shared problem+json answers (`#/components/responses/…`), by status code.
const ERROR_RESPONSES: &[(&str, &str, &str)] = &[
    ("400", "BadRequest", "The request is malformed: a body that is not JSON (`malformed_json`) or a query string with an unknown parameter or a value of the wrong type (`invalid_query`)."),
    ("401", "Unauthenticated", "The operation needs an account and none was given, or the API token given is unknown, expired or revoked (`unauthenticated`, `invalid_token`)."),
    ("403", "Forbidden", "The account or the token's scopes lack the permission (`forbidden`), or a write authenticated by a session cookie lacks its CSRF token or comes from another site (`csrf_failed`)."),
    ("404", "NotFound", "No such resource, or a path parameter of the wrong type (`not_found`)."),
    ("409", "Conflict", "The change conflicts with the current state, e.g. an identifier already taken (`already_exists`) or the last admin of an organisation (`last_admin`)."),
    ("413", "PayloadTooLarge", "The body is over the size limit (`body_too_large`)."),
    ("415", "UnsupportedMediaType", "The body is not sent with `Content-Type: application/json` (`unsupported_media_type`)."),
    ("422", "UnprocessableEntity", "The body or the parameters are well-formed but invalid: wrong shape or unknown field (`invalid_body`), or values refused, listed per field in `errors` (`validation_failed`)."),
    ("429", "TooManyRequests", "Over the rate limit of the address or the token (`rate_limited`); `Retry-After` says when to retry."),
];

/// Documents the errors every operation can answer, from what it takes: any API token may be
/// refused (401) and any call rate-limited (429); any body may be too large (413); a JSON body
/// may be malformed, of the wrong type or invalid (400, 415, 422); a write sent with a session
/// cookie may fail CSRF (403); path parameters may name nothing (404), query strings be
/// malformed (400); operations that need an account may be refused (403). These are the
/// extractors' and the middleware's rejections (`http::extract`, `http::context`), for the
/// kernel's operations and the modules' alike. What an operation declares itself is kept; its
/// problem+json answers without a description of their own become the shared ones.
fn document_errors(doc: &mut utoipa::openapi::OpenApi) {
    use utoipa::openapi::path::{Operation, ParameterIn};
    use utoipa::openapi::{ContentBuilder, HeaderBuilder, Ref, RefOr, ResponseBuilder, Type, ObjectBuilder};

    let components = doc.components.get_or_insert_with(Default::default);
    for (status, name, description) in ERROR_RESPONSES {
        let mut response = ResponseBuilder::new()
            .description(*description)
            .content("application/problem+json", ContentBuilder::new().schema(Some(Ref::from_schema_name("Problem"))).build());
        if *status == "429" {
            response = response.header(
                "Retry-After",
                HeaderBuilder::new().schema(ObjectBuilder::new().schema_type(Type::Integer).minimum(Some(0))).description(Some("Seconds to wait.")).build(),
            );
        }
        components.responses.insert((*name).to_string(), RefOr::T(response.build()));
    }
    let shared = |status: &str| ERROR_RESPONSES.iter().find(|(s, ..)| *s == status).map(|(_, n, _)| RefOr::Ref(Ref::from_response_name(*n)));
    let add = |op: &mut Operation, status: &str| {
        if let Some(r) = shared(status) {
            op.responses.responses.entry(status.to_string()).or_insert(r);
        }
    };
    for item in doc.paths.paths.values_mut() {
        let ops = [
            (false, item.get.as_mut()),
            (false, item.head.as_mut()),
            (true, item.post.as_mut()),
            (true, item.put.as_mut()),
            (true, item.patch.as_mut()),
            (true, item.delete.as_mut()),
        ];
        for (write, op) in ops {
            let Some(op) = op else { continue };
            // `(status = 409, body = Problem, content_type = "application/problem+json")` without a
            // description of its own: the shared answer, described once.
            for (status, response) in op.responses.responses.iter_mut() {
                if let (RefOr::T(r), Some(shared)) = (&*response, shared(status)) {
                    if r.description.is_empty() && r.content.contains_key("application/problem+json") {
                        *response = shared;
                    }
                }
            }
            let has = |place: ParameterIn| op.parameters.iter().flatten().any(|p| p.parameter_in == place);
            let (path_params, query_params) = (has(ParameterIn::Path), has(ParameterIn::Query));
            let secured = op.security.as_ref().is_some_and(|s| !s.is_empty());
            let body = op.request_body.is_some();
            // `ApiJson` bodies; other bodies (files as bytes) say what they refuse themselves.
            let json_body = op.request_body.as_ref().is_some_and(|b| b.content.contains_key("application/json"));
            add(op, "401");
            add(op, "429");
            if path_params {
                add(op, "404");
            }
            if query_params || json_body {
                add(op, "400");
            }
            if secured || write {
                add(op, "403");
            }
            if body {
                add(op, "413");
            }
            if json_body {
                add(op, "415");
                add(op, "422");
            }
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct ModuleInfo {
    pub id: String,
    pub name: String,
    pub pages: String,
    pub api: String,
}

/// Enabled modules.
#[utoipa::path(get, path = "/api/v1/modules", tag = "platform", responses((status = 200, body = [ModuleInfo])))]
async fn modules(State(p): State<Platform>, ViewerExt(v): ViewerExt) -> Json<Vec<ModuleInfo>> {
    Json(
        p.modules
            .iter()
            .map(|m| ModuleInfo {
                id: m.id().into(),
                name: p.catalog.get(v.locale, m.nav_key()).into(),
                pages: format!("/{}", m.id()),
                api: format!("/api/v1/{}", m.id()),
            })
            .collect(),
    )
}

#[derive(Serialize, ToSchema)]
pub struct ModuleStatus {
    #[serde(flatten)]
    pub info: ModuleInfo,
    pub description: String,
    /// Objects and actions the module declares for permissions.
    pub permissions: Vec<crate::access::ObjectDecl>,
}

/// One enabled module: what it is and the permissions it declares.
#[utoipa::path(get, path = "/api/v1/modules/{id}", tag = "platform", params(("id" = String, Path)),
    responses((status = 200, body = ModuleStatus), (status = 404, body = Problem, content_type = "application/problem+json")))]
async fn module_status(State(p): State<Platform>, ViewerExt(v): ViewerExt, ApiPath(id): ApiPath<String>) -> ApiResult<Json<ModuleStatus>> {
    let m = p.module(&id).ok_or_else(AppError::not_found)?;
    Ok(Json(ModuleStatus {
        info: ModuleInfo { id: m.id().into(), name: p.catalog.get(v.locale, m.nav_key()).into(), pages: format!("/{}", m.id()), api: format!("/api/v1/{}", m.id()) },
        description: p.catalog.get(v.locale, &format!("{}.description", m.id())).to_string(),
        permissions: m.permissions(),
    }))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RegisterBody {
    #[schema(format = Email, max_length = 254)]
    pub email: String,
    #[schema(min_length = 1, max_length = 120)]
    pub display_name: String,
    #[schema(min_length = 10, max_length = 256)]
    pub password: String,
    pub locale: Option<Locale>,
}

/// Creates an account; a verification link is e-mailed.
#[utoipa::path(post, path = "/api/v1/auth/register", tag = "platform", request_body = RegisterBody,
    responses((status = 201, body = User), (status = 422, body = Problem, content_type = "application/problem+json")))]
async fn register(State(p): State<Platform>, ViewerExt(v): ViewerExt, ApiJson(b): ApiJson<RegisterBody>) -> ApiResult<(StatusCode, Json<User>)> {
    let mut errors = Vec::new();
    let email = collect(Email::parse(&b.email), &mut errors);
    let name = collect(DisplayName::parse("display_name", &b.display_name), &mut errors);
    let password = collect(Password::parse(&b.password), &mut errors);
    let (Some(email), Some(display_name), Some(password)) = (email, name, password) else {
        return Err(localized(&p, v.locale, AppError::invalid(errors)));
    };
    let user = p
        .register(NewAccount { email, display_name, password, locale: b.locale.unwrap_or(v.locale) }, &v.request_id)
        .await
        .map_err(|e| localized(&p, v.locale, e))?;
    Ok((StatusCode::CREATED, Json(user)))
}

/// Fills each field error's message in the asker's language.
pub fn localized(p: &Platform, l: Locale, mut e: AppError) -> AppError {
    for fe in &mut e.errors {
        let key = format!("error.field.{}", fe.code);
        if p.catalog.contains(l, &key) {
            fe.message = p.catalog.get(l, &key).to_string();
        }
    }
    e
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EmailBody {
    #[schema(format = Email, max_length = 254)]
    pub email: String,
}

/// Sends a password-reset link if the account exists (the answer is the same either way).
#[utoipa::path(post, path = "/api/v1/auth/password-reset", tag = "platform", request_body = EmailBody, responses((status = 202)))]
async fn password_reset(State(p): State<Platform>, ViewerExt(v): ViewerExt, ApiJson(b): ApiJson<EmailBody>) -> ApiResult<StatusCode> {
    let email = Email::parse(&b.email).map_err(|e| localized(&p, v.locale, AppError::invalid(vec![e])))?;
    p.request_password_reset(email.as_str(), v.locale).await?;
    Ok(StatusCode::ACCEPTED)
}

/// The authenticated account.
#[utoipa::path(get, path = "/api/v1/me", tag = "platform", security(("bearer" = []), ("api_key" = [])),
    responses((status = 200, body = User), (status = 401, body = Problem, content_type = "application/problem+json")))]
async fn me(ViewerExt(v): ViewerExt) -> ApiResult<Json<User>> {
    Ok(Json(v.require_user()?.clone()))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateMeBody {
    #[schema(min_length = 1, max_length = 120)]
    pub display_name: Option<String>,
    pub locale: Option<Locale>,
}

/// Changes the display name or preferred language.
#[utoipa::path(patch, path = "/api/v1/me", tag = "platform", request_body = UpdateMeBody, security(("bearer" = []), ("api_key" = [])),
    responses((status = 200, body = User), (status = 422, body = Problem, content_type = "application/problem+json")))]
async fn update_me(State(p): State<Platform>, ViewerExt(v): ViewerExt, ApiJson(b): ApiJson<UpdateMeBody>) -> ApiResult<Json<User>> {
    let user = v.require_user()?;
    require_token_action(&v, "platform", Action::Update)?;
    let name = b.display_name.as_deref().map(|n| DisplayName::parse("display_name", n)).transpose()
        .map_err(|e| localized(&p, v.locale, AppError::invalid(vec![e])))?;
    p.update_profile(user, name.as_ref(), b.locale, &v.request_id).await?;
    Ok(Json(p.user_by_id(user.id).await?.ok_or_else(AppError::not_found)?))
}

fn require_token_action(v: &super::Viewer, module: &str, action: Action) -> ApiResult<()> {
    if v.principal.token_scopes.as_ref().is_none_or(|s| s.allows(module, action)) {
        Ok(())
    } else {
        Err(AppError::forbidden())
    }
}

/// Deletes the account (GDPR): personal data erased, contributions kept anonymously.
#[utoipa::path(delete, path = "/api/v1/me", tag = "platform", security(("bearer" = []), ("api_key" = [])),
    responses((status = 204), (status = 409, body = Problem, content_type = "application/problem+json")))]
async fn delete_me(State(p): State<Platform>, ViewerExt(v): ViewerExt) -> ApiResult<StatusCode> {
    let user = v.require_user()?;
    require_token_action(&v, "platform", Action::Delete)?;
    p.delete_account(user, &v.request_id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Everything held about the account, as a ZIP of JSON files (GDPR).
#[utoipa::path(get, path = "/api/v1/me/export", tag = "platform", security(("bearer" = []), ("api_key" = [])),
    responses((status = 200, content_type = "application/zip", body = Vec<u8>)))]
async fn export_me(State(p): State<Platform>, ViewerExt(v): ViewerExt) -> ApiResult<Response> {
    let user = v.require_user()?;
    require_token_action(&v, "platform", Action::Export)?;
    let zip = p.export_user_data(user).await?;
    Ok((
        [(header::CONTENT_TYPE, "application/zip"), (header::CONTENT_DISPOSITION, "attachment; filename=\"communs-my-data.zip\"")],
        zip,
    )
        .into_response())
}

/// API tokens of the account.
#[utoipa::path(get, path = "/api/v1/me/tokens", tag = "platform", security(("bearer" = []), ("api_key" = [])), responses((status = 200, body = [ApiToken])))]
async fn list_tokens(State(p): State<Platform>, ViewerExt(v): ViewerExt) -> ApiResult<Json<Vec<ApiToken>>> {
    let user = v.require_user()?;
    Ok(Json(p.list_api_tokens(user.id).await?))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateTokenBody {
    #[schema(min_length = 1, max_length = 120)]
    pub name: String,
    /// `*` or `module:ACTIONS` items, e.g. `["catalog:CRU"]`; ACTIONS are letters of CRUVED.
    #[schema(min_items = 1, pattern = r"^\s*(\*|[a-z][a-z0-9_-]*:[CRUVED]+)\s*$")]
    pub scopes: Vec<String>,
    /// Days before expiry (1–730); none for no expiry.
    #[schema(minimum = 1, maximum = 730)]
    pub expires_in_days: Option<i64>,
}

#[derive(Serialize, ToSchema)]
pub struct CreatedToken {
    /// The secret, shown this once.
    pub token: String,
    #[serde(flatten)]
    pub info: ApiToken,
}

/// Creates an API token. Tokens cannot create tokens.
#[utoipa::path(post, path = "/api/v1/me/tokens", tag = "platform", request_body = CreateTokenBody, security(("bearer" = []), ("api_key" = [])),
    responses((status = 201, body = CreatedToken), (status = 422, body = Problem, content_type = "application/problem+json")))]
async fn create_token(State(p): State<Platform>, ViewerExt(v): ViewerExt, ApiJson(b): ApiJson<CreateTokenBody>) -> ApiResult<(StatusCode, Json<CreatedToken>)> {
    let user = v.require_user()?;
    if v.via_token {
        return Err(AppError::forbidden());
    }
    let (token, info) = create_token_for(&p, &v, user, &b.name, &b.scopes, b.expires_in_days).await?;
    Ok((StatusCode::CREATED, Json(CreatedToken { token, info })))
}

pub async fn create_token_for(p: &Platform, v: &super::Viewer, user: &User, name: &str, scopes: &[String], days: Option<i64>) -> ApiResult<(String, ApiToken)> {
    let mut errors = Vec::new();
    let name = collect(DisplayName::parse("name", name), &mut errors);
    let mut ids: Vec<&str> = p.modules.iter().map(|m| m.id()).collect();
    ids.push("platform");
    let scopes = collect(TokenScopes::parse(scopes, &ids).map_err(|_| FieldError::new("scopes", "invalid_scopes")), &mut errors);
    if days.is_some_and(|d| !(1..=730).contains(&d)) {
        errors.push(FieldError::new("expires_in_days", "out_of_range"));
    }
    let (Some(name), Some(scopes)) = (name, scopes) else {
        return Err(localized(p, v.locale, AppError::invalid(errors)));
    };
    if !errors.is_empty() {
        return Err(localized(p, v.locale, AppError::invalid(errors)));
    }
    p.create_api_token(user, &name, &scopes, days, &v.request_id).await
}

/// Revokes an API token of the account.
#[utoipa::path(delete, path = "/api/v1/me/tokens/{id}", tag = "platform", params(("id" = i64, Path)), security(("bearer" = []), ("api_key" = [])),
    responses((status = 204), (status = 404, body = Problem, content_type = "application/problem+json")))]
async fn revoke_token(State(p): State<Platform>, ViewerExt(v): ViewerExt, ApiPath(id): ApiPath<i64>) -> ApiResult<StatusCode> {
    let user = v.require_user()?;
    if p.revoke_api_token(user, id, &v.request_id).await? {
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(AppError::not_found())
    }
}

/// Organisations (public).
#[utoipa::path(get, path = "/api/v1/organisations", tag = "platform", params(PageQuery),
    responses((status = 200, body = Page<Organisation>), (status = 422, body = Problem, content_type = "application/problem+json")))]
async fn list_orgs(State(p): State<Platform>, ApiQuery(q): ApiQuery<PageQuery>) -> ApiResult<Json<Page<Organisation>>> {
    let (page, size) = q.resolve()?;
    let (rows, total) = p.list_orgs(size, (page - 1) * size).await?;
    Ok(Json(Page::new(rows, page, size, total, "/api/v1/organisations")))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateOrgBody {
    #[schema(min_length = 1, max_length = 120)]
    pub name: String,
    /// Lower-case letters, digits and single dashes; derived from the name when absent.
    #[schema(min_length = 2, max_length = 64, pattern = "^[a-z0-9]+(-[a-z0-9]+)*$")]
    pub slug: Option<String>,
    #[serde(default)]
    #[schema(max_length = 5000)]
    pub description: String,
}

/// Creates an organisation; its creator becomes its admin.
#[utoipa::path(post, path = "/api/v1/organisations", tag = "platform", request_body = CreateOrgBody, security(("bearer" = []), ("api_key" = [])),
    responses((status = 201, body = Organisation), (status = 422, body = Problem, content_type = "application/problem+json")))]
async fn create_org(State(p): State<Platform>, ViewerExt(v): ViewerExt, ApiJson(b): ApiJson<CreateOrgBody>) -> ApiResult<(StatusCode, Json<Organisation>)> {
    let user = v.require_user()?;
    require_token_action(&v, "platform", Action::Create)?;
    let org = create_org_for(&p, &v, user, &b.name, b.slug.as_deref(), &b.description).await?;
    Ok((StatusCode::CREATED, Json(org)))
}

pub async fn create_org_for(p: &Platform, v: &super::Viewer, user: &User, name: &str, slug: Option<&str>, description: &str) -> ApiResult<Organisation> {
    let mut errors = Vec::new();
    let name = collect(DisplayName::parse("name", name), &mut errors);
    let slug = match slug.filter(|s| !s.trim().is_empty()) {
        Some(s) => collect(Slug::parse("slug", s), &mut errors),
        None => name.as_ref().and_then(|n| Slug::from_name(n.as_str())).or_else(|| {
            errors.push(FieldError::new("slug", "invalid_slug"));
            None
        }),
    };
    let (Some(name), Some(slug)) = (name, slug) else {
        return Err(localized(p, v.locale, AppError::invalid(errors)));
    };
    p.create_org(user, &name, &slug, description, &v.actor()).await.map_err(|e| localized(p, v.locale, e))
}

async fn org_or_404(p: &Platform, slug: &str) -> ApiResult<Organisation> {
    p.org_by_slug(slug).await?.ok_or_else(AppError::not_found)
}

/// One organisation (public).
#[utoipa::path(get, path = "/api/v1/organisations/{slug}", tag = "platform", params(("slug" = String, Path)),
    responses((status = 200, body = Organisation), (status = 404, body = Problem, content_type = "application/problem+json")))]
async fn get_org(State(p): State<Platform>, ApiPath(slug): ApiPath<String>) -> ApiResult<Json<Organisation>> {
    Ok(Json(org_or_404(&p, &slug).await?))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateOrgBody {
    #[schema(min_length = 1, max_length = 120)]
    pub name: Option<String>,
    #[schema(max_length = 5000)]
    pub description: Option<String>,
}

/// Changes an organisation (its admins).
#[utoipa::path(patch, path = "/api/v1/organisations/{slug}", tag = "platform", params(("slug" = String, Path)), request_body = UpdateOrgBody,
    security(("bearer" = []), ("api_key" = [])), responses((status = 200, body = Organisation), (status = 403, body = Problem, content_type = "application/problem+json")))]
async fn update_org(State(p): State<Platform>, ViewerExt(v): ViewerExt, ApiPath(slug): ApiPath<String>, ApiJson(b): ApiJson<UpdateOrgBody>) -> ApiResult<Json<Organisation>> {
    let org = org_or_404(&p, &slug).await?;
    can_manage(&v.principal, org.id)?;
    let name = b.name.as_deref().map(|n| DisplayName::parse("name", n)).transpose().map_err(|e| localized(&p, v.locale, AppError::invalid(vec![e])))?;
    Ok(Json(p.update_org(&org, name.as_ref(), b.description.as_deref(), &v.actor()).await?))
}

/// Members of an organisation (visible to its members).
#[utoipa::path(get, path = "/api/v1/organisations/{slug}/members", tag = "platform", params(("slug" = String, Path)),
    security(("bearer" = []), ("api_key" = [])), responses((status = 200, body = [Member]), (status = 403, body = Problem, content_type = "application/problem+json")))]
async fn org_members(State(p): State<Platform>, ViewerExt(v): ViewerExt, ApiPath(slug): ApiPath<String>) -> ApiResult<Json<Vec<Member>>> {
    let org = org_or_404(&p, &slug).await?;
    can_see_members(&v.principal, org.id)?;
    Ok(Json(p.org_members(org.id).await?))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RoleBody {
    pub role: Role,
}

/// Changes a member's role (organisation admins).
#[utoipa::path(patch, path = "/api/v1/organisations/{slug}/members/{user_id}", tag = "platform", params(("slug" = String, Path), ("user_id" = i64, Path)),
    request_body = RoleBody, security(("bearer" = []), ("api_key" = [])), responses((status = 204), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 409, body = Problem, content_type = "application/problem+json")))]
async fn set_member(State(p): State<Platform>, ViewerExt(v): ViewerExt, ApiPath((slug, uid)): ApiPath<(String, i64)>, ApiJson(b): ApiJson<RoleBody>) -> ApiResult<StatusCode> {
    let org = org_or_404(&p, &slug).await?;
    can_manage(&v.principal, org.id)?;
    p.set_member_role(&org, uid, Some(b.role), &v.actor()).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Removes a member (organisation admins, or the member leaving).
#[utoipa::path(delete, path = "/api/v1/organisations/{slug}/members/{user_id}", tag = "platform", params(("slug" = String, Path), ("user_id" = i64, Path)),
    security(("bearer" = []), ("api_key" = [])), responses((status = 204), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 409, body = Problem, content_type = "application/problem+json")))]
async fn remove_member(State(p): State<Platform>, ViewerExt(v): ViewerExt, ApiPath((slug, uid)): ApiPath<(String, i64)>) -> ApiResult<StatusCode> {
    let org = org_or_404(&p, &slug).await?;
    if v.user.as_ref().map(|u| u.id) != Some(uid) {
        can_manage(&v.principal, org.id)?;
    }
    p.set_member_role(&org, uid, None, &v.actor()).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct InviteBody {
    #[schema(format = Email, max_length = 254)]
    pub email: String,
    pub role: Role,
}

/// Invites an e-mail address to join (organisation admins).
#[utoipa::path(post, path = "/api/v1/organisations/{slug}/invitations", tag = "platform", params(("slug" = String, Path)), request_body = InviteBody,
    security(("bearer" = []), ("api_key" = [])), responses((status = 201, body = MembershipRequest), (status = 403, body = Problem, content_type = "application/problem+json")))]
async fn invite(State(p): State<Platform>, ViewerExt(v): ViewerExt, ApiPath(slug): ApiPath<String>, ApiJson(b): ApiJson<InviteBody>) -> ApiResult<(StatusCode, Json<MembershipRequest>)> {
    let org = org_or_404(&p, &slug).await?;
    can_manage(&v.principal, org.id)?;
    let email = Email::parse(&b.email).map_err(|e| localized(&p, v.locale, AppError::invalid(vec![e])))?;
    let r = p.invite(&org, &email, b.role, &v.actor()).await.map_err(|e| localized(&p, v.locale, e))?;
    Ok((StatusCode::CREATED, Json(r)))
}

/// Pending invitations and membership requests (organisation admins).
#[utoipa::path(get, path = "/api/v1/organisations/{slug}/requests", tag = "platform", params(("slug" = String, Path)),
    security(("bearer" = []), ("api_key" = [])), responses((status = 200, body = [MembershipRequest]), (status = 403, body = Problem, content_type = "application/problem+json")))]
async fn org_requests(State(p): State<Platform>, ViewerExt(v): ViewerExt, ApiPath(slug): ApiPath<String>) -> ApiResult<Json<Vec<MembershipRequest>>> {
    let org = org_or_404(&p, &slug).await?;
    can_manage(&v.principal, org.id)?;
    Ok(Json(p.org_requests(org.id).await?))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AskBody {
    #[serde(default)]
    #[schema(max_length = 2000)]
    pub message: String,
}

/// Asks to join an organisation.
#[utoipa::path(post, path = "/api/v1/organisations/{slug}/requests", tag = "platform", params(("slug" = String, Path)), request_body = AskBody,
    security(("bearer" = []), ("api_key" = [])), responses((status = 201, body = MembershipRequest), (status = 409, body = Problem, content_type = "application/problem+json")))]
async fn ask_membership(State(p): State<Platform>, ViewerExt(v): ViewerExt, ApiPath(slug): ApiPath<String>, ApiJson(b): ApiJson<AskBody>) -> ApiResult<(StatusCode, Json<MembershipRequest>)> {
    let user = v.require_user()?;
    require_token_action(&v, "platform", Action::Create)?;
    let org = org_or_404(&p, &slug).await?;
    Ok((StatusCode::CREATED, Json(p.request_membership(&org, user, &b.message, &v.actor()).await?)))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DecideBody {
    pub accept: bool,
}

/// Accepts or refuses a membership request (organisation admins).
#[utoipa::path(post, path = "/api/v1/organisations/{slug}/requests/{id}", tag = "platform", params(("slug" = String, Path), ("id" = i64, Path)),
    request_body = DecideBody, security(("bearer" = []), ("api_key" = [])), responses((status = 204), (status = 403, body = Problem, content_type = "application/problem+json")))]
async fn decide(State(p): State<Platform>, ViewerExt(v): ViewerExt, ApiPath((slug, id)): ApiPath<(String, i64)>, ApiJson(b): ApiJson<DecideBody>) -> ApiResult<StatusCode> {
    let org = org_or_404(&p, &slug).await?;
    can_manage(&v.principal, org.id)?;
    p.decide_request(&org, id, b.accept, None, &v.actor()).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct AuditParams {
    pub module: Option<String>,
    pub object_type: Option<String>,
    pub object_id: Option<String>,
    pub actor_id: Option<i64>,
    /// Entries older than this id (for paging backwards).
    pub before_id: Option<i64>,
    pub limit: Option<i64>,
}

/// The audit log (platform admins, or holders of `platform/audit` R with scope all).
#[utoipa::path(get, path = "/api/v1/audit", tag = "admin", params(AuditParams), security(("bearer" = []), ("api_key" = [])),
    responses((status = 200, body = [AuditEntry]), (status = 403, body = Problem, content_type = "application/problem+json")))]
async fn audit_log(State(p): State<Platform>, ViewerExt(v): ViewerExt, ApiQuery(q): ApiQuery<AuditParams>) -> ApiResult<Json<Vec<AuditEntry>>> {
    require_platform(&v, "audit", Action::Read)?;
    let q = AuditQuery { module: q.module, object_type: q.object_type, object_id: q.object_id, actor_id: q.actor_id, before_id: q.before_id, limit: q.limit.unwrap_or(50) };
    Ok(Json(crate::audit::list(p.db.pool(), &q).await?))
}

/// Platform-wide objects need scope `all` on the platform object, or being a platform admin.
pub fn require_platform(v: &super::Viewer, object: &str, action: Action) -> ApiResult<()> {
    v.require_user()?;
    require_token_action(v, "platform", action)?;
    if v.principal.granted_scope("platform", object, action) == Scope::All {
        Ok(())
    } else {
        Err(AppError::forbidden())
    }
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct UsersParams {
    pub q: Option<String>,
    /// 1-based page number.
    #[param(minimum = 1, maximum = 1_000_000)]
    pub page: Option<i64>,
    /// Items per page, 1–100 (default 20).
    #[param(minimum = 1, maximum = 100)]
    pub page_size: Option<i64>,
}

/// Accounts (platform admins).
#[utoipa::path(get, path = "/api/v1/admin/users", tag = "admin", params(UsersParams), security(("bearer" = []), ("api_key" = [])),
    responses((status = 200, body = Page<User>), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
async fn admin_users(State(p): State<Platform>, ViewerExt(v): ViewerExt, ApiQuery(q): ApiQuery<UsersParams>) -> ApiResult<Json<Page<User>>> {
    require_platform(&v, "user", Action::Read)?;
    let (page, size) = PageQuery { page: q.page, page_size: q.page_size }.resolve()?;
    let (rows, total) = p.list_users(q.q.as_deref(), size, (page - 1) * size).await?;
    Ok(Json(Page::new(rows, page, size, total, "/api/v1/admin/users")))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AdminUserBody {
    pub is_admin: Option<bool>,
    pub is_disabled: Option<bool>,
}

/// Promotes, demotes, disables or re-enables an account (platform admins).
#[utoipa::path(patch, path = "/api/v1/admin/users/{id}", tag = "admin", params(("id" = i64, Path)), request_body = AdminUserBody,
    security(("bearer" = []), ("api_key" = [])), responses((status = 200, body = User), (status = 403, body = Problem, content_type = "application/problem+json")))]
async fn admin_update_user(State(p): State<Platform>, ViewerExt(v): ViewerExt, ApiPath(id): ApiPath<i64>, ApiJson(b): ApiJson<AdminUserBody>) -> ApiResult<Json<User>> {
    v.require_admin()?;
    Ok(Json(p.admin_set_user_flags(&v.actor(), id, b.is_admin, b.is_disabled).await?))
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct JobsParams {
    /// queued, running, done or dead.
    #[param(pattern = "^(queued|running|done|dead)$")]
    pub status: Option<String>,
}

/// Background jobs (platform admins).
#[utoipa::path(get, path = "/api/v1/admin/jobs", tag = "admin", params(JobsParams), security(("bearer" = []), ("api_key" = [])),
    responses((status = 200, body = [Job]), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
async fn admin_jobs(State(p): State<Platform>, ViewerExt(v): ViewerExt, ApiQuery(q): ApiQuery<JobsParams>) -> ApiResult<Json<Vec<Job>>> {
    require_platform(&v, "job", Action::Read)?;
    if q.status.as_deref().is_some_and(|s| !matches!(s, "queued" | "running" | "done" | "dead")) {
        return Err(AppError::invalid(vec![FieldError::new("status", "invalid_choice")]));
    }
    Ok(Json(p.list_jobs(q.status.as_deref(), 200).await?))
}

/// Puts a dead job back in the queue (platform admins).
#[utoipa::path(post, path = "/api/v1/admin/jobs/{id}/retry", tag = "admin", params(("id" = i64, Path)), security(("bearer" = []), ("api_key" = [])),
    responses((status = 204), (status = 404, body = Problem, content_type = "application/problem+json")))]
async fn admin_retry_job(State(p): State<Platform>, ViewerExt(v): ViewerExt, ApiPath(id): ApiPath<i64>) -> ApiResult<StatusCode> {
    require_platform(&v, "job", Action::Update)?;
    if p.retry_job(id, &v.actor()).await? {
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(AppError::not_found())
    }
}

/// Outgoing e-mails (platform admins).
#[utoipa::path(get, path = "/api/v1/admin/outbox", tag = "admin", security(("bearer" = []), ("api_key" = [])),
    responses((status = 200, body = [crate::outbox::Email]), (status = 403, body = Problem, content_type = "application/problem+json")))]
async fn admin_outbox(State(p): State<Platform>, ViewerExt(v): ViewerExt) -> ApiResult<Json<Vec<crate::outbox::Email>>> {
    require_platform(&v, "outbox", Action::Read)?;
    Ok(Json(p.list_emails(None, 200).await?))
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct EventsParams {
    /// Comma-separated topic prefixes, e.g. `weather.station.42,platform`.
    pub topics: String,
}

/// Server-Sent Events of the given topics.
#[utoipa::path(get, path = "/api/v1/events", tag = "platform", params(EventsParams),
    responses((status = 200, content_type = "text/event-stream", body = String), (status = 422, body = Problem, content_type = "application/problem+json")))]
async fn events(State(p): State<Platform>, ApiQuery(q): ApiQuery<EventsParams>) -> ApiResult<Sse<impl Stream<Item = Result<SseEvent, Infallible>>>> {
    let topics: Vec<String> = q.topics.split(',').map(|t| t.trim().to_string()).filter(|t| !t.is_empty()).take(32).collect();
    if topics.is_empty() || topics.iter().any(|t| t.len() > 128 || !t.chars().all(|c| c.is_ascii_alphanumeric() || "._-".contains(c))) {
        return Err(AppError::invalid(vec![FieldError::new("topics", "invalid_topics")]));
    }
    let rx = p.events.subscribe();
    let metrics = p.clone();
    metrics.metrics.sse_clients.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    struct Guard(Platform);
    impl Drop for Guard {
        fn drop(&mut self) {
            self.0.metrics.sse_clients.fetch_sub(1, std::sync::atomic::Ordering::Relaxed);
        }
    }
    let guard = Guard(metrics);
    let stream = futures_util::stream::unfold((rx, topics, guard), |(mut rx, topics, guard)| async move {
        loop {
            match rx.recv().await {
                Ok(ev) if crate::events::topic_matches(&topics, &ev.topic) => {
                    let sse = SseEvent::default().event(ev.kind.clone()).json_data(&ev).unwrap_or_default();
                    return Some((Ok(sse), (rx, topics, guard)));
                }
                Ok(_) => continue,
                Err(tokio::sync::broadcast::error::RecvError::Lagged(n)) => {
                    let sse = SseEvent::default().event("lagged").data(n.to_string());
                    return Some((Ok(sse), (rx, topics, guard)));
                }
                Err(tokio::sync::broadcast::error::RecvError::Closed) => return None,
            }
        }
    });
    Ok(Sse::new(stream).keep_alive(KeepAlive::default()))
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct SearchParams {
    pub q: String,
    pub module: Option<String>,
    pub limit: Option<i64>,
}

/// Full-text search over every module's documents the asker may read (accent-insensitive).
#[utoipa::path(get, path = "/api/v1/search", tag = "platform", params(SearchParams), responses((status = 200, body = [SearchHit])))]
async fn search(State(p): State<Platform>, ViewerExt(v): ViewerExt, ApiQuery(q): ApiQuery<SearchParams>) -> ApiResult<Json<Vec<SearchHit>>> {
    let filter = v.principal.read_filter(q.module.as_deref().unwrap_or("platform"), "*");
    let limit = q.limit.unwrap_or(20).clamp(1, 100);
    Ok(Json(crate::search::search(&p.db, &q.q, q.module.as_deref(), &filter, limit).await?))
}

/// Names of the controlled vocabularies.
#[utoipa::path(get, path = "/api/v1/vocabularies", tag = "platform", responses((status = 200, body = [String])))]
async fn vocabularies(State(p): State<Platform>) -> ApiResult<Json<Vec<String>>> {
    Ok(Json(crate::vocab::vocabularies(p.db.pool()).await?))
}

/// Terms of one vocabulary, with French and English labels.
#[utoipa::path(get, path = "/api/v1/vocabularies/{vocab}", tag = "platform", params(("vocab" = String, Path)),
    responses((status = 200, body = [Term]), (status = 404, body = Problem, content_type = "application/problem+json")))]
async fn vocabulary(State(p): State<Platform>, ApiPath(vocab): ApiPath<String>) -> ApiResult<Json<Vec<Term>>> {
    let terms = crate::vocab::terms(p.db.pool(), &vocab).await?;
    if terms.is_empty() {
        return Err(AppError::not_found());
    }
    Ok(Json(terms))
}

/// Open-data publications of every module.
#[utoipa::path(get, path = "/api/v1/opendata", tag = "platform", responses((status = 200, body = [Publication])))]
async fn opendata(State(p): State<Platform>) -> ApiResult<Json<Vec<Publication>>> {
    Ok(Json(crate::opendata::list(p.db.pool()).await?))
}
