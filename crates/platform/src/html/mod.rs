//! HTML kit: page context (language, viewer, navigation, CSRF token), layout, error pages.
pub mod assets;
pub mod pages;

use askama::Template;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{Html, IntoResponse, Response};

use crate::error::{AppError, FieldError};
use crate::http::Viewer;
use crate::i18n::{Locale, T};
use crate::identity::User;
use crate::Platform;

pub struct NavItem {
    pub href: String,
    pub label: String,
    pub current: bool,
}

/// What every page template gets as `ctx`.
pub struct Ctx<'a> {
    pub t: T<'a>,
    /// The request's path and query (for the language switch).
    pub uri: &'a str,
    pub user: Option<&'a User>,
    pub nav: Vec<NavItem>,
    pub csrf: &'a str,
    pub path: String,
    pub title: String,
    pub notice: Option<String>,
}

impl<'a> Ctx<'a> {
    pub fn new(p: &'a Platform, v: &'a Viewer, path: &str, title_key: &str) -> Ctx<'a> {
        let t = v.t(p);
        let nav = p
            .modules
            .iter()
            .map(|m| {
                let href = format!("/{}", m.id());
                NavItem { current: path == href || path.starts_with(&format!("{href}/")), label: t.t(m.nav_key()).to_string(), href }
            })
            .collect();
        Ctx { t, uri: &v.uri, user: v.user.as_ref(), nav, csrf: &v.csrf, path: path.to_string(), title: t.t(title_key).to_string(), notice: None }
    }
    pub fn titled(mut self, title: impl Into<String>) -> Self {
        self.title = title.into();
        self
    }
    pub fn notice(mut self, key: Option<&str>) -> Self {
        // Only known notices are shown: the key comes from the query string.
        self.notice = key
            .filter(|k| k.starts_with("notice.") && self.t.catalog.contains(self.t.locale, k))
            .map(|k| self.t.t(k).to_string());
        self
    }
    /// The message `prefix.suffix`, for keys built from data (roles, statuses).
    pub fn tk(&self, prefix: &str, suffix: &str) -> String {
        self.t.catalog.get(self.t.locale, &format!("{prefix}.{suffix}")).to_string()
    }
    /// This same page in another language: the current query kept, `lang` replaced.
    pub fn switch_href(&self, lang: &str) -> String {
        let (path, query) = self.uri.split_once('?').unwrap_or((self.uri, ""));
        let path = if path.is_empty() { self.path.as_str() } else { path };
        let mut pairs: Vec<(String, String)> = serde_urlencoded::from_str::<Vec<(String, String)>>(query)
            .unwrap_or_default()
            .into_iter()
            .filter(|(k, _)| k != "lang" && k != "notice")
            .collect();
        pairs.push(("lang".into(), lang.into()));
        format!("{path}?{}", serde_urlencoded::to_string(&pairs).unwrap_or_default())
    }
    pub fn lang(&self) -> &'static str {
        self.t.lang()
    }
    pub fn date(&self, rfc3339: &str) -> String {
        rfc3339.replace('T', " ").trim_end_matches('Z').chars().take(16).collect::<String>() + " UTC"
    }
}

/// Field errors of a submitted form, with messages in the page's language.
#[derive(Default)]
pub struct FormErrors(pub Vec<(String, String)>);

impl FormErrors {
    pub fn from(t: T<'_>, errors: &[FieldError]) -> Self {
        FormErrors(
            errors
                .iter()
                .map(|e| (e.field.clone(), t.t(&format!("error.field.{}", e.code)).to_string()))
                .collect(),
        )
    }
    pub fn get(&self, field: &str) -> Option<&str> {
        self.0.iter().find(|(f, _)| f == field).map(|(_, m)| m.as_str())
    }
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// Renders a template as a page (status 200 unless told).
pub fn render<Tpl: Template>(tpl: &Tpl) -> Response {
    render_status(StatusCode::OK, tpl)
}

pub fn render_status<Tpl: Template>(status: StatusCode, tpl: &Tpl) -> Response {
    match tpl.render() {
        Ok(body) => (status, Html(body)).into_response(),
        Err(e) => AppError::internal(e).into_response(),
    }
}

/// A 303 redirect after a successful form (Post/Redirect/Get).
pub fn see_other(to: &str) -> Response {
    let mut res = StatusCode::SEE_OTHER.into_response();
    if let Ok(v) = HeaderValue::from_str(to) {
        res.headers_mut().insert(header::LOCATION, v);
    }
    res
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage<'a> {
    ctx: Ctx<'a>,
    status: u16,
    message: String,
    code: &'a str,
}

/// The error page in the viewer's language.
pub fn error_page(p: &Platform, viewer: Option<&Viewer>, locale: Locale, err: AppError) -> Response {
    let anon;
    let v = match viewer {
        Some(v) => v,
        None => {
            anon = Viewer { locale, ..crate::http::anonymous(String::new()) };
            &anon
        }
    };
    let key = format!("error.code.{}", err.code);
    let t = v.t(p);
    let message = if p.catalog.contains(locale, &key) { t.t(&key).to_string() } else { err.detail.clone() };
    let ctx = Ctx::new(p, v, "", "error.title");
    let mut res = render_status(err.status, &ErrorPage { ctx, status: err.status.as_u16(), message, code: err.code });
    for (k, val) in err.headers {
        res.headers_mut().insert(k, val);
    }
    res
}

/// The honest page of a module that is not built yet.
#[derive(Template)]
#[template(path = "construction.html")]
struct Construction<'a> {
    ctx: Ctx<'a>,
    module: &'a str,
    description: String,
}

pub fn construction_page(p: &Platform, v: &Viewer, module: &str) -> Response {
    let Some(m) = p.module(module) else { return error_page(p, Some(v), v.locale, AppError::not_found()) };
    let ctx = Ctx::new(p, v, &format!("/{module}"), m.nav_key());
    let description = ctx.t.t(&format!("{module}.description")).to_string();
    render(&Construction { ctx, module, description })
}

/// Routes of a module that only has its "under construction" page.
pub fn construction_routes(module: &'static str) -> axum::Router<Platform> {
    axum::Router::new().route(
        "/",
        axum::routing::get(move |axum::extract::State(p): axum::extract::State<Platform>, v: crate::http::extract::ViewerExt| async move {
            construction_page(&p, &v.0, module)
        }),
    )
}
