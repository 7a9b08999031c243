//! HTTP kit: request context (who, which language, CSRF, rate limits), security headers,
//! problem+json errors, pagination, OpenAPI, SSE, and the assembly of the whole application.
pub mod api;
pub mod extract;
pub mod ratelimit;

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::extract::{ConnectInfo, MatchedPath, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::Router;
use serde::Serialize;

use crate::access::Principal;
use crate::audit::Actor;
use crate::error::AppError;
use crate::i18n::{Locale, T};
use crate::identity::{Session, User, SESSION_COOKIE};
use crate::Platform;

pub const CSRF_COOKIE: &str = "communs_csrf";
pub const LANG_COOKIE: &str = "communs_lang";
pub const CSRF_FIELD: &str = "_csrf";
pub const CSRF_HEADER: &str = "x-csrf-token";

/// Who is asking, in which language, and the request's identifiers. Put in the request's
/// extensions by the context middleware; handlers take it as an extractor.
#[derive(Clone)]
pub struct Viewer {
    pub user: Option<User>,
    pub principal: Principal,
    pub session: Option<Session>,
    pub via_token: bool,
    pub locale: Locale,
    pub request_id: String,
    /// The token forms must echo (`_csrf`).
    pub csrf: String,
    pub ip: String,
    /// Path and query of the request, for links back to the same page (language switch).
    pub uri: String,
}

impl Viewer {
    pub fn actor(&self) -> Actor {
        match &self.user {
            Some(u) => Actor { user_id: Some(u.id), label: u.email.clone(), request_id: self.request_id.clone() },
            None => Actor { user_id: None, label: "anonymous".into(), request_id: self.request_id.clone() },
        }
    }
    pub fn require_user(&self) -> Result<&User, AppError> {
        self.user.as_ref().ok_or_else(AppError::unauthenticated)
    }
    pub fn require_admin(&self) -> Result<&User, AppError> {
        let u = self.require_user()?;
        if u.is_admin && self.principal.token_scopes.as_ref().is_none_or(|s| s.0.iter().any(|x| x == "*" || x.starts_with("platform:"))) {
            Ok(u)
        } else {
            Err(AppError::forbidden())
        }
    }
    pub fn t<'a>(&self, p: &'a Platform) -> T<'a> {
        T { catalog: &p.catalog, locale: self.locale }
    }
}

/// Pagination envelope of every list endpoint.
#[derive(Serialize, utoipa::ToSchema)]
pub struct Page<T: Serialize> {
    pub data: Vec<T>,
    pub page: i64,
    pub page_size: i64,
    pub total: i64,
    pub next_page: Option<String>,
    pub previous_page: Option<String>,
}

#[derive(Clone, Copy, Debug, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct PageQuery {
    /// 1-based page number.
    #[param(minimum = 1, maximum = 1_000_000)]
    pub page: Option<i64>,
    /// Items per page, 1–100 (default 20).
    #[param(minimum = 1, maximum = 100)]
    pub page_size: Option<i64>,
}

impl PageQuery {
    pub fn resolve(self) -> Result<(i64, i64), AppError> {
        let page = self.page.unwrap_or(1);
        let size = self.page_size.unwrap_or(20);
        let mut errors = Vec::new();
        if page < 1 || page > 1_000_000 {
            errors.push(crate::error::FieldError::new("page", "out_of_range"));
        }
        if !(1..=100).contains(&size) {
            errors.push(crate::error::FieldError::new("page_size", "out_of_range"));
        }
        if errors.is_empty() {
            Ok((page, size))
        } else {
            Err(AppError::invalid(errors))
        }
    }
}

impl<T: Serialize> Page<T> {
    pub fn new(data: Vec<T>, page: i64, page_size: i64, total: i64, path: &str) -> Self {
        let link = |p: i64| format!("{path}?page={p}&page_size={page_size}");
        Page {
            next_page: (page * page_size < total).then(|| link(page + 1)),
            previous_page: (page > 1).then(|| link(page - 1)),
            data,
            page,
            page_size,
            total,
        }
    }
}

pub fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .find_map(|kv| kv.trim().strip_prefix(name).and_then(|r| r.strip_prefix('=')))
}

pub fn set_cookie(p: &Platform, name: &str, value: &str, max_age_secs: i64, http_only: bool) -> HeaderValue {
    let secure = if p.config.secure_cookies() { "; Secure" } else { "" };
    let http_only = if http_only { "; HttpOnly" } else { "" };
    HeaderValue::from_str(&format!("{name}={value}; Path=/; Max-Age={max_age_secs}; SameSite=Lax{http_only}{secure}"))
        .unwrap_or_else(|_| HeaderValue::from_static(""))
}

fn client_ip(p: &Platform, req: &Request) -> String {
    if p.config.behind_proxy {
        if let Some(first) = req.headers().get("x-forwarded-for").and_then(|v| v.to_str().ok()).and_then(|v| v.split(',').next()) {
            return first.trim().to_string();
        }
    }
    req.extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip().to_string())
        .unwrap_or_else(|| "local".into())
}

/// The API token of a request: `Authorization: Bearer`, udata's `X-API-KEY`, or what CKAN
/// clients (ckanapi) send: the bare token in `Authorization` and in `X-CKAN-API-Key`.
fn api_key(headers: &HeaderMap) -> Option<String> {
    if let Some(v) = headers.get(header::AUTHORIZATION).and_then(|v| v.to_str().ok()) {
        let v = v.trim();
        let (scheme, rest) = v.split_once(' ').unwrap_or((v, ""));
        if scheme.eq_ignore_ascii_case("bearer") {
            return Some(rest.trim().to_string());
        }
        // Only a value shaped like our tokens: other schemes (Basic…) are not ours to refuse.
        if rest.is_empty() && v.starts_with(crate::identity::TOKEN_PREFIX) {
            return Some(v.to_string());
        }
    }
    ["x-api-key", "x-ckan-api-key"]
        .iter()
        .find_map(|h| headers.get(*h))
        .and_then(|v| v.to_str().ok())
        .map(|v| v.trim().to_string())
}

fn wants_html(req: &Request) -> bool {
    !req.uri().path().starts_with("/api/")
        && !req.uri().path().starts_with("/ogc")
        && req.headers().get(header::ACCEPT).and_then(|v| v.to_str().ok()).is_none_or(|a| a.contains("text/html") || a.contains("*/*"))
}

fn constant_time_eq(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.bytes().zip(b.bytes()).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

fn is_exempt_from_limits(path: &str) -> bool {
    matches!(path, "/healthz" | "/readyz") || path.starts_with("/assets/")
}

/// An error answered as a page for people, as problem+json for programs.
pub fn error_response(p: &Platform, viewer: Option<&Viewer>, html: bool, err: AppError) -> Response {
    if html {
        let locale = viewer.map(|v| v.locale).unwrap_or_default();
        crate::html::error_page(p, viewer, locale, err)
    } else {
        err.into_response()
    }
}

/// The context middleware: resolves the viewer, applies CSRF protection and rate limits, and
/// sets security headers on every answer.
pub async fn context(State(p): State<Platform>, mut req: Request, next: Next) -> Response {
    let started = Instant::now();
    if is_exempt_from_limits(req.uri().path()) {
        // Probes and assets: no identity, no cookies, only the headers.
        let method = req.method().clone();
        let res = next.run(req).await;
        let route = res.extensions().get::<MatchedPath>().map(|m| m.as_str().to_string()).unwrap_or_else(|| "unmatched".into());
        p.metrics.observe(method.as_str(), &route, res.status().as_u16(), started.elapsed().as_secs_f64());
        return finish(&p, res, &anonymous(String::new()), Vec::new());
    }
    let html = wants_html(&req);
    let request_id = req
        .headers()
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string)
        .unwrap_or_default();
    let ip = client_ip(&p, &req);
    let path = req.uri().path().to_string();
    let method = req.method().clone();
    let unsafe_method = !matches!(method, Method::GET | Method::HEAD | Method::OPTIONS);
    let mut set_cookies: Vec<HeaderValue> = Vec::new();

    // Language: explicit switch, then cookie, then the account's preference, then the browser.
    let query_lang = req.uri().query().and_then(|q| {
        q.split('&').find_map(|kv| kv.strip_prefix("lang=")).and_then(Locale::parse)
    });
    if let Some(l) = query_lang {
        set_cookies.push(set_cookie(&p, LANG_COOKIE, l.code(), 365 * 86_400, false));
    }
    let cookie_lang = cookie(req.headers(), LANG_COOKIE).and_then(Locale::parse);
    let accept = req.headers().get(header::ACCEPT_LANGUAGE).and_then(|v| v.to_str().ok()).unwrap_or("").to_string();

    // Authentication: an API token wins over cookies.
    let mut viewer = anonymous(request_id.clone());
    viewer.ip = ip.clone();
    viewer.uri = req.uri().path_and_query().map(|pq| pq.as_str().to_string()).unwrap_or_else(|| path.clone());
    let token = api_key(req.headers());
    let limit_key;
    if let Some(secret) = token {
        match p.resolve_api_token(&secret).await {
            Ok((user, scopes)) => match p.principal_for(&user, Some(scopes)).await {
                Ok(pr) => {
                    viewer.principal = pr;
                    viewer.user = Some(user);
                    viewer.via_token = true;
                }
                Err(e) => return finish(&p, error_response(&p, None, false, e.into()), &viewer, set_cookies),
            },
            Err(e) => return finish(&p, error_response(&p, None, false, e), &viewer, set_cookies),
        }
        limit_key = Some(format!("token:{}", secret.get(..12).unwrap_or(&secret)));
    } else {
        limit_key = None;
        if let Some(tok) = cookie(req.headers(), SESSION_COOKIE).map(str::to_string) {
            match p.resolve_session(&tok).await {
                Ok(Some((user, session))) => match p.principal_for(&user, None).await {
                    Ok(pr) => {
                        viewer.principal = pr;
                        viewer.csrf = session.csrf_token.clone();
                        viewer.session = Some(session);
                        viewer.user = Some(user);
                    }
                    Err(e) => return finish(&p, error_response(&p, None, html, e.into()), &viewer, set_cookies),
                },
                Ok(None) => set_cookies.push(set_cookie(&p, SESSION_COOKIE, "", 0, true)),
                Err(e) => return finish(&p, error_response(&p, None, html, e.into()), &viewer, set_cookies),
            }
        }
    }
    viewer.locale = query_lang
        .or(cookie_lang)
        .or(viewer.user.as_ref().and_then(|u| u.locale))
        .unwrap_or_else(|| Locale::negotiate(&accept));

    // Rate limits: every API call and every write, per token or per address.
    if !is_exempt_from_limits(&path) && (path.starts_with("/api/") || unsafe_method) {
        let key = limit_key.clone().unwrap_or_else(|| format!("ip:{ip}"));
        if let Err(wait) = p.limiter.check(&key, limit_key.is_some(), Instant::now()) {
            let err = AppError::new(StatusCode::TOO_MANY_REQUESTS, "rate_limited", format!("too many requests; retry in {wait} s"))
                .with_header(header::RETRY_AFTER, HeaderValue::from(wait));
            return finish(&p, error_response(&p, Some(&viewer), html, err), &viewer, set_cookies);
        }
    }

    // CSRF: writes from a browser must come from our own pages.
    if !viewer.via_token {
        let anon_cookie = cookie(req.headers(), CSRF_COOKIE).map(str::to_string);
        if viewer.session.is_none() {
            viewer.csrf = match &anon_cookie {
                Some(c) if c.len() == 32 && c.bytes().all(|b| b.is_ascii_hexdigit()) => c.clone(),
                _ => {
                    let fresh = p.random.hex(16);
                    if html && !unsafe_method {
                        set_cookies.push(set_cookie(&p, CSRF_COOKIE, &fresh, 86_400 * 7, true));
                    }
                    fresh
                }
            };
        }
        if unsafe_method {
            let cross_site = req.headers().get("sec-fetch-site").is_some_and(|v| v == "cross-site");
            let host = req.headers().get(header::HOST).and_then(|v| v.to_str().ok()).unwrap_or("");
            let bad_origin = req
                .headers()
                .get(header::ORIGIN)
                .and_then(|v| v.to_str().ok())
                .is_some_and(|o| o.split_once("://").map(|(_, h)| h) != Some(host));
            let must_match = viewer.session.is_some() || anon_cookie.is_some();
            let mut ok = !cross_site && !bad_origin;
            if ok && must_match {
                let (given, rebuilt) = submitted_csrf(req, p.config.max_body_bytes).await;
                req = match rebuilt {
                    Ok(r) => r,
                    Err(resp) => return finish(&p, resp, &viewer, set_cookies),
                };
                ok = given.is_some_and(|g| constant_time_eq(&g, &viewer.csrf));
            }
            if !ok {
                let err = AppError::new(StatusCode::FORBIDDEN, "csrf_failed", "the form has expired or did not come from this site; reload the page and try again");
                return finish(&p, error_response(&p, Some(&viewer), html, err), &viewer, set_cookies);
            }
        }
    }

    req.extensions_mut().insert(viewer.clone());
    let mut res = next.run(req).await;
    if res.status() == StatusCode::PAYLOAD_TOO_LARGE && res.headers().get(header::CONTENT_TYPE).is_some_and(|v| v != "application/problem+json") {
        res = error_response(&p, Some(&viewer), html, AppError::new(StatusCode::PAYLOAD_TOO_LARGE, "body_too_large", format!("the request body is over the limit of {} bytes", p.config.max_body_bytes)));
    }
    let route = res.extensions().get::<MatchedPath>().map(|m| m.as_str().to_string()).unwrap_or_else(|| "unmatched".into());
    p.metrics.observe(method.as_str(), &route, res.status().as_u16(), started.elapsed().as_secs_f64());
    finish(&p, res, &viewer, set_cookies)
}

pub fn anonymous(request_id: String) -> Viewer {
    Viewer {
        user: None,
        principal: Principal::anonymous(),
        session: None,
        via_token: false,
        locale: Locale::Fr,
        request_id,
        csrf: String::new(),
        ip: String::new(),
        uri: String::new(),
    }
}

/// The CSRF token a write carries: header, query `_csrf`, or urlencoded form field `_csrf`
/// (the body is read and put back).
async fn submitted_csrf(req: Request, limit: usize) -> (Option<String>, Result<Request, Response>) {
    if let Some(h) = req.headers().get(CSRF_HEADER).and_then(|v| v.to_str().ok()) {
        return (Some(h.to_string()), Ok(req));
    }
    let from_query = req.uri().query().and_then(|q| {
        serde_urlencoded::from_str::<Vec<(String, String)>>(q).ok()?.into_iter().find(|(k, _)| k == CSRF_FIELD).map(|(_, v)| v)
    });
    if from_query.is_some() {
        return (from_query, Ok(req));
    }
    let is_form = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|c| c.starts_with("application/x-www-form-urlencoded"));
    if !is_form {
        return (None, Ok(req));
    }
    let (parts, body) = req.into_parts();
    match axum::body::to_bytes(body, limit).await {
        Ok(bytes) => {
            let token = serde_urlencoded::from_bytes::<Vec<(String, String)>>(&bytes)
                .ok()
                .and_then(|v| v.into_iter().find(|(k, _)| k == CSRF_FIELD).map(|(_, v)| v));
            (token, Ok(Request::from_parts(parts, Body::from(bytes))))
        }
        Err(_) => (
            None,
            Err(AppError::new(StatusCode::PAYLOAD_TOO_LARGE, "body_too_large", format!("the request body is over the limit of {limit} bytes")).into_response()),
        ),
    }
}

fn finish(p: &Platform, mut res: Response, viewer: &Viewer, cookies: Vec<HeaderValue>) -> Response {
    let h = res.headers_mut();
    for c in cookies {
        h.append(header::SET_COOKIE, c);
    }
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: https:; connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'",
        ),
    );
    h.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(header::REFERRER_POLICY, HeaderValue::from_static("same-origin"));
    h.insert("cross-origin-opener-policy", HeaderValue::from_static("same-origin"));
    h.insert("permissions-policy", HeaderValue::from_static("camera=(), microphone=(), geolocation=(), payment=()"));
    if p.config.secure_cookies() {
        h.insert(header::STRICT_TRANSPORT_SECURITY, HeaderValue::from_static("max-age=31536000; includeSubDomains"));
    }
    if viewer.user.is_some() && !h.contains_key(header::CACHE_CONTROL) {
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("private, no-store"));
    }
    h.insert(header::VARY, HeaderValue::from_static("Cookie, Accept-Language, Accept-Encoding"));
    if !viewer.request_id.is_empty() {
        if let Ok(v) = HeaderValue::from_str(&viewer.request_id) {
            h.insert("x-request-id", v);
        }
    }
    res
}

/// Gives each request an id (kept if the client sent a sane one), for logs and audit.
pub async fn request_id(mut req: Request, next: Next) -> Response {
    let given = req
        .headers()
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .filter(|v| !v.is_empty() && v.len() <= 64 && v.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-'))
        .map(str::to_string);
    let id = given.unwrap_or_else(|| {
        use rand::RngCore;
        let mut b = [0u8; 8];
        rand::thread_rng().fill_bytes(&mut b);
        hex::encode(b)
    });
    if let Ok(v) = HeaderValue::from_str(&id) {
        req.headers_mut().insert("x-request-id", v);
    }
    let span = tracing::info_span!("request", id = %id, method = %req.method(), path = %req.uri().path());
    let started = Instant::now();
    let res = tracing::Instrument::instrument(next.run(req), span.clone()).await;
    // Successes are logged at debug level: an info line per request halves /healthz throughput
    // (bench/RESULTS.md); errors stay visible.
    let (status, ms) = (res.status().as_u16(), started.elapsed().as_millis() as u64);
    span.in_scope(|| {
        if status >= 400 {
            tracing::info!(status, ms, "answered");
        } else {
            tracing::debug!(status, ms, "answered");
        }
    });
    res
}

/// The whole application: kernel and modules, API and pages, with every layer.
pub fn app(p: Platform) -> Router {
    use tower_http::compression::CompressionLayer;
    use tower_http::limit::RequestBodyLimitLayer;
    use tower_http::timeout::TimeoutLayer;

    let (api_router, openapi) = api::router(&p);
    let openapi_json = std::sync::Arc::new(serde_json::to_vec(&openapi).unwrap_or_default());
    let docs = std::sync::Arc::new(openapi);
    let mut pages = crate::html::pages::router();
    for m in &p.modules {
        pages = pages.nest(&format!("/{}", m.id()), m.pages());
    }
    let upload_limit = p.config.upload_max_bytes;
    Router::new()
        .merge(api_router)
        .merge(pages)
        .route(
            "/api/openapi.json",
            axum::routing::get(move || {
                let body = openapi_json.clone();
                async move { ([(header::CONTENT_TYPE, "application/json")], body.as_ref().clone()) }
            }),
        )
        .route(
            "/api/docs",
            axum::routing::get(move |State(p): State<Platform>, v: extract::ViewerExt| {
                let doc = docs.clone();
                async move { crate::html::pages::api_docs(&p, &v.0, &doc) }
            }),
        )
        .route("/healthz", axum::routing::get(|| async { "ok" }))
        .route("/readyz", axum::routing::get(readyz))
        .route("/assets/{*path}", axum::routing::get(crate::html::assets::serve))
        .route_layer(axum::middleware::from_fn(tag_route))
        .fallback(fallback)
        // A handler that panics answers a logged 500 problem instead of dropping the connection.
        .layer(tower_http::catch_panic::CatchPanicLayer::custom(panicked))
        .layer(axum::middleware::from_fn_with_state(p.clone(), context))
        .layer(RequestBodyLimitLayer::new(upload_limit))
        .layer(TimeoutLayer::with_status_code(StatusCode::REQUEST_TIMEOUT, Duration::from_secs(p.config.request_timeout_secs)))
        // Pages are small: the fastest level keeps most of the gain for a fraction of the CPU.
        .layer(CompressionLayer::new().quality(tower_http::CompressionLevel::Fastest))
        .layer(axum::middleware::from_fn(request_id))
        .with_state(p)
}

fn panicked(err: Box<dyn std::any::Any + Send + 'static>) -> Response {
    let what = err.downcast_ref::<String>().map(String::as_str).or_else(|| err.downcast_ref::<&str>().copied()).unwrap_or("a panic");
    AppError::internal(format!("handler panicked: {what}")).into_response()
}

/// Routing happens inside the context middleware's `next`; the matched route template is handed
/// back on the response so metrics are labelled by route, not by raw path.
async fn tag_route(req: Request, next: Next) -> Response {
    let matched = req.extensions().get::<MatchedPath>().cloned();
    let mut res = next.run(req).await;
    if let Some(m) = matched {
        res.extensions_mut().insert(m);
    }
    res
}

async fn readyz(State(p): State<Platform>) -> Response {
    if p.db.ping().await {
        (StatusCode::OK, "ready").into_response()
    } else {
        AppError::new(StatusCode::SERVICE_UNAVAILABLE, "not_ready", "the database does not answer").into_response()
    }
}

async fn fallback(State(p): State<Platform>, req: Request) -> Response {
    let viewer = req.extensions().get::<Viewer>().cloned();
    let html = wants_html(&req);
    let err = if matches!(*req.method(), Method::GET | Method::HEAD) {
        AppError::not_found()
    } else {
        AppError::new(StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed", "this method is not allowed here")
    };
    error_response(&p, viewer.as_ref(), html, err)
}

/// Serves Prometheus metrics on their own listener.
pub fn metrics_app(p: Platform) -> Router {
    Router::new().route(
        "/metrics",
        axum::routing::get(move || {
            let p = p.clone();
            async move {
                use sqlx::Row;
                let queued: f64 = sqlx::query("SELECT COUNT(*) FROM jobs WHERE status = 'queued'")
                    .fetch_one(p.db.pool())
                    .await
                    .map(|r| r.get::<i64, _>(0) as f64)
                    .unwrap_or(-1.0);
                let dead: f64 = sqlx::query("SELECT COUNT(*) FROM jobs WHERE status = 'dead'")
                    .fetch_one(p.db.pool())
                    .await
                    .map(|r| r.get::<i64, _>(0) as f64)
                    .unwrap_or(-1.0);
                (
                    [(header::CONTENT_TYPE, "text/plain; version=0.0.4")],
                    p.metrics.render(&[
                        ("communs_jobs_queued", "Jobs waiting to run.", queued),
                        ("communs_jobs_dead", "Jobs that failed every attempt.", dead),
                    ]),
                )
            }
        }),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn cookies_are_found_among_many() {
        let mut h = HeaderMap::new();
        h.insert(header::COOKIE, HeaderValue::from_static("a=1; communs_lang=en; communs_session=xyz"));
        assert_eq!(cookie(&h, "communs_lang"), Some("en"));
        assert_eq!(cookie(&h, "communs_session"), Some("xyz"));
        assert_eq!(cookie(&h, "communs"), None);
    }
    #[test]
    fn pages_link_both_ways() {
        let p: Page<i32> = Page::new(vec![1], 2, 10, 25, "/x");
        assert_eq!(p.next_page.as_deref(), Some("/x?page=3&page_size=10"));
        assert_eq!(p.previous_page.as_deref(), Some("/x?page=1&page_size=10"));
        let last: Page<i32> = Page::new(vec![], 3, 10, 25, "/x");
        assert!(last.next_page.is_none());
    }
    #[test]
    fn api_tokens_are_read_from_bearer_udata_and_ckan_headers() {
        let with = |pairs: &[(&'static str, &'static str)]| {
            let mut h = HeaderMap::new();
            for (k, v) in pairs {
                h.insert(*k, HeaderValue::from_static(v));
            }
            api_key(&h)
        };
        assert_eq!(with(&[("authorization", "Bearer cmn_a_1")]).as_deref(), Some("cmn_a_1"));
        assert_eq!(with(&[("x-api-key", "cmn_b_2")]).as_deref(), Some("cmn_b_2"));
        assert_eq!(with(&[("authorization", "cmn_c_3"), ("x-ckan-api-key", "cmn_c_3")]).as_deref(), Some("cmn_c_3"));
        assert_eq!(with(&[("x-ckan-api-key", "cmn_d_4")]).as_deref(), Some("cmn_d_4"));
        // Other schemes and bare values that are not our tokens are left alone.
        assert_eq!(with(&[("authorization", "Basic dXNlcjpwYXNz")]), None);
        assert_eq!(with(&[("authorization", "something")]), None);
        assert_eq!(with(&[]), None);
    }
    #[test]
    fn page_query_bounds() {
        assert!(PageQuery { page: Some(0), page_size: None }.resolve().is_err());
        assert!(PageQuery { page: None, page_size: Some(101) }.resolve().is_err());
        assert_eq!(PageQuery { page: None, page_size: None }.resolve().unwrap(), (1, 20));
    }
}
