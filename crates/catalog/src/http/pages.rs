//! The catalog's pages: search with facets, dataset page (resources with their link status,
//! quality, discussions, reuses, activity), table preview, organisation page, forms to publish,
//! moderation; and the download of uploaded files. Forms post to page routes that call the same
//! services as the API; every page works without JavaScript.
use askama::Template;
use axum::extract::{Multipart, Path, Query, RawQuery, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Form, Router};
use platform::access::{Action, Target};
use platform::error::AppError;
use platform::html::{error_page, render, render_status, see_other, Ctx, FormErrors};
use platform::http::extract::ViewerExt;
use platform::http::Viewer;
use platform::i18n::Locale;
use platform::Platform;
use serde::Deserialize;
use sqlx::Row;

use super::api;
use super::json::{self, DatasetOut};
use crate::domain::model::{Dataset, DatasetInput, ResourceInput, Spatial, TemporalCoverage, RESOURCE_TYPES};
use crate::domain::{frequency, licence, quality, zones};
use crate::service::{self, MODULE};
use crate::social::{self, NewDiscussion, NewMessage};

pub fn router() -> Router<Platform> {
    Router::new()
        .route("/", get(search_page))
        .route("/datasets/new", get(new_dataset_form).post(new_dataset))
        .route("/datasets/{slug}", get(dataset_page))
        .route("/datasets/{slug}/edit", get(edit_dataset_form).post(edit_dataset))
        .route("/datasets/{slug}/delete", get(delete_dataset_form).post(delete_dataset))
        .route("/datasets/{slug}/follow", axum::routing::post(follow))
        .route("/datasets/{slug}/discussions", axum::routing::post(open_discussion))
        .route("/datasets/{slug}/resources/new", get(new_resource_form).post(new_remote_resource))
        .route("/datasets/{slug}/resources/upload", axum::routing::post(upload_resource))
        .route("/datasets/{slug}/resources/{rid}/edit", get(edit_resource_form).post(edit_resource))
        .route("/datasets/{slug}/resources/{rid}/delete", get(delete_resource_form).post(delete_resource))
        .route("/datasets/{slug}/reuses/new", get(new_reuse_form).post(new_reuse))
        .route("/reuses/{id}/edit", get(edit_reuse_form).post(edit_reuse))
        .route("/reuses/{id}/delete", get(delete_reuse_form).post(delete_reuse))
        .route("/discussions/{id}/reply", axum::routing::post(reply_discussion))
        .route("/discussions/{id}/messages/{position}", axum::routing::post(moderate_message))
        .route("/moderation", get(moderation_page))
        .route("/organizations/{slug}", get(organization_page))
        .route("/tables/{rid}", get(table_page))
        .route("/files/{rid}/{name}", get(download))
}

/// Answers with the page, or with the error page in the viewer's language.
fn page(p: &Platform, v: &Viewer, r: Result<Response, AppError>) -> Response {
    r.unwrap_or_else(|e| error_page(p, Some(v), v.locale, e))
}

fn login_first(back: &str) -> Response {
    see_other(&format!("/login?next={}", urlencoding(back)))
}

fn urlencoding(s: &str) -> String {
    serde_urlencoded::to_string([("", s)]).map(|e| e.trim_start_matches('=').to_string()).unwrap_or_default()
}

/// Only the catalog's own notices are shown: the key comes from the query string.
fn with_notice<'a>(mut ctx: Ctx<'a>, notice: Option<&str>) -> Ctx<'a> {
    if let Some(n) = notice.filter(|n| n.bytes().all(|b| b.is_ascii_lowercase() || b == b'_')) {
        if ctx.t.catalog.contains(ctx.t.locale, &format!("catalog.notice.{n}")) {
            ctx.notice = Some(ctx.tk("catalog.notice", n));
        }
    }
    ctx
}

/// Field errors with the catalog's messages (`catalog.error.{code}`), else the platform's.
fn form_errors(ctx: &Ctx<'_>, e: &AppError) -> FormErrors {
    FormErrors(
        e.errors
            .iter()
            .map(|f| {
                let own = format!("catalog.error.{}", f.code);
                let msg = if ctx.t.catalog.contains(ctx.t.locale, &own) { ctx.tk("catalog.error", &f.code) } else { ctx.tk("error.field", &f.code) };
                (f.field.clone(), msg)
            })
            .collect(),
    )
}

#[derive(Deserialize, Default)]
struct NoticeQuery {
    notice: Option<String>,
}

// ---------------------------------------------------------------- Markdown

/// Link targets a description may use: web and mail addresses, and paths of this site. Browsers
/// ignore tabs and newlines inside a scheme, so those are removed before looking at it.
fn safe_href(url: &str) -> bool {
    let squeezed: String = url.chars().filter(|c| !c.is_ascii_whitespace() && !c.is_control()).collect();
    let lower = squeezed.to_ascii_lowercase();
    match lower.find(':') {
        Some(i) if !lower[..i].contains(['/', '?', '#']) => ["http", "https", "mailto"].contains(&&lower[..i]),
        _ => true,
    }
}

/// Renders Markdown written by people: raw HTML is shown as text, never passed through; links
/// keep only safe targets; images become links (no third-party requests from our pages); headings
/// start at level 3, under the page's own h1 and h2.
pub fn markdown(src: &str) -> String {
    use pulldown_cmark::{CowStr, Event, HeadingLevel, Options, Parser, Tag, TagEnd};
    let shift = |l: HeadingLevel| match l {
        HeadingLevel::H1 => HeadingLevel::H3,
        HeadingLevel::H2 => HeadingLevel::H4,
        HeadingLevel::H3 => HeadingLevel::H5,
        _ => HeadingLevel::H6,
    };
    let clean = |u: CowStr<'_>| -> CowStr<'static> { if safe_href(&u) { CowStr::from(u.into_string()) } else { CowStr::from("#") } };
    let events = Parser::new_ext(src, Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH).map(|ev| match ev {
        Event::Html(h) | Event::InlineHtml(h) => Event::Text(h),
        Event::Start(Tag::Heading { level, id, classes, attrs }) => Event::Start(Tag::Heading { level: shift(level), id, classes, attrs }),
        Event::End(TagEnd::Heading(l)) => Event::End(TagEnd::Heading(shift(l))),
        Event::Start(Tag::Link { link_type, dest_url, title, id }) => Event::Start(Tag::Link { link_type, dest_url: clean(dest_url), title, id }),
        Event::Start(Tag::Image { link_type, dest_url, title, id }) => Event::Start(Tag::Link { link_type, dest_url: clean(dest_url), title, id }),
        Event::End(TagEnd::Image) => Event::End(TagEnd::Link),
        other => other,
    });
    let mut out = String::new();
    pulldown_cmark::html::push_html(&mut out, events);
    out
}

/// The first words of a description, without Markdown marks, for result lists.
fn excerpt(src: &str, max: usize) -> String {
    use pulldown_cmark::{Event, Parser};
    let mut text = String::new();
    for ev in Parser::new(src) {
        match ev {
            Event::Text(t) | Event::Code(t) => text.push_str(&t),
            Event::SoftBreak | Event::HardBreak | Event::End(_) => text.push(' '),
            _ => {}
        }
        if text.len() > max * 4 {
            break;
        }
    }
    let words: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if words.chars().count() <= max {
        words
    } else {
        format!("{}…", words.chars().take(max).collect::<String>().trim_end())
    }
}

// ---------------------------------------------------------------- labels

fn licence_title(id: &str) -> String {
    licence::parse(id).map(|l| l.title.to_string()).unwrap_or_else(|| id.to_string())
}

fn frequency_label(id: &str, locale: Locale) -> String {
    match frequency::parse(id) {
        Some(f) if locale == Locale::En => f.label_en.into(),
        Some(f) => f.label_fr.into(),
        None => id.into(),
    }
}

fn zone_label(id: &str) -> String {
    match zones::Zone::parse(id) {
        Ok(z) => match z.name {
            Some(n) if z.level == "fr:departement" => format!("{n} ({})", z.code),
            Some(n) => n.to_string(),
            None => format!("{} {}", if z.level == "fr:commune" { "Commune" } else { z.level }, z.code),
        },
        Err(_) => id.to_string(),
    }
}

fn granularity_label(id: &str, locale: Locale) -> String {
    zones::GRANULARITIES.iter().find(|g| g.0 == id).map(|g| if locale == Locale::En { g.2 } else { g.1 }).unwrap_or(id).to_string()
}

/// A file size for people, in the page's language.
pub fn human_size(bytes: i64, locale: Locale) -> String {
    let units: [&str; 4] = if locale == Locale::En { ["B", "kB", "MB", "GB"] } else { ["o", "ko", "Mo", "Go"] };
    let mut v = bytes as f64;
    let mut u = 0;
    while v >= 1000.0 && u < 3 {
        v /= 1000.0;
        u += 1;
    }
    let n = if u == 0 { format!("{v:.0}") } else { format!("{v:.1}") };
    let n = if locale == Locale::Fr { n.replace('.', ",") } else { n };
    format!("{n} {}", units[u])
}

fn percent(score: f64) -> i64 {
    (score * 100.0).round() as i64
}

fn day(rfc3339: &str) -> String {
    rfc3339.chars().take(10).collect()
}

// ---------------------------------------------------------------- search

struct FacetLink {
    label: String,
    count: i64,
    href: String,
    selected: bool,
}

struct FacetGroup {
    id: &'static str,
    title: String,
    items: Vec<FacetLink>,
}

struct ResultRow {
    title: String,
    href: String,
    org: Option<(String, String)>,
    licence: String,
    quality: f64,
    quality_pct: i64,
    formats: Vec<String>,
    private: bool,
    /// Labels of its badges, with the search for each.
    badges: Vec<(String, String)>,
    excerpt: String,
    updated: String,
}

#[derive(Template)]
#[template(path = "catalog_search.html")]
struct SearchTpl<'a> {
    ctx: Ctx<'a>,
    q: String,
    sort: String,
    sorts: Vec<(&'static str, String)>,
    kept: Vec<(String, String)>,
    active: Vec<(String, String)>,
    facets: Vec<FacetGroup>,
    results: Vec<ResultRow>,
    total: i64,
    page: i64,
    pages: i64,
    prev: Option<String>,
    next: Option<String>,
    can_create: bool,
}

/// The search's own parameters from a page's query string: language and notices dropped, and
/// empty values (an untouched field of the GET form) left out.
fn search_pairs(raw: Option<&str>) -> Vec<(String, String)> {
    serde_urlencoded::from_str::<Vec<(String, String)>>(raw.unwrap_or(""))
        .unwrap_or_default()
        .into_iter()
        .filter(|(k, v)| !matches!(k.as_str(), "lang" | "notice") && !v.trim().is_empty())
        .collect()
}

fn href_of(path: &str, pairs: &[(String, String)]) -> String {
    if pairs.is_empty() {
        path.to_string()
    } else {
        format!("{path}?{}", serde_urlencoded::to_string(pairs).unwrap_or_default())
    }
}

/// The link that adds a facet value to the search, or removes it when it is chosen. Tags add
/// up (datasets having all of them); the other facets take one value.
fn toggle(path: &str, pairs: &[(String, String)], key: &str, value: &str) -> (String, bool) {
    let selected = pairs.iter().any(|(k, v)| k == key && v == value);
    let mut out: Vec<(String, String)> = pairs.iter().filter(|(k, _)| k != "page").cloned().collect();
    if selected {
        out.retain(|(k, v)| !(k == key && v == value));
    } else {
        if key != "tag" {
            out.retain(|(k, _)| k != key);
        }
        out.push((key.to_string(), value.to_string()));
    }
    (href_of(path, &out), selected)
}

async fn org_names(p: &Platform, slugs: &[String]) -> Result<Vec<(String, String)>, sqlx::Error> {
    if slugs.is_empty() {
        return Ok(vec![]);
    }
    let ph: Vec<String> = (1..=slugs.len()).map(|i| format!("${i}")).collect();
    let sql = format!("SELECT slug, name FROM organisations WHERE slug IN ({})", ph.join(","));
    let mut q = sqlx::query(&sql);
    for s in slugs {
        q = q.bind(s);
    }
    Ok(q.fetch_all(p.db.pool()).await?.iter().map(|r| (r.get(0), r.get(1))).collect())
}

fn badge_label(kind: &str, locale: Locale) -> String {
    crate::domain::badges::BadgeKind::parse(kind).map_or_else(|| kind.to_string(), |k| k.label(locale == Locale::Fr).to_string())
}

fn result_row(d: &DatasetOut, locale: Locale) -> ResultRow {
    let score = d.quality.get("score").and_then(|s| s.as_f64()).unwrap_or(0.0);
    let mut formats: Vec<String> = d.resources.iter().map(|r| r.format.to_uppercase()).filter(|f| !f.is_empty()).collect();
    formats.sort();
    formats.dedup();
    ResultRow {
        title: d.title.clone(),
        href: format!("/catalog/datasets/{}", d.slug),
        org: d.organization.as_ref().map(|o| (o.name.clone(), format!("/catalog/organizations/{}", o.slug))),
        licence: licence_title(&d.license),
        quality: score,
        quality_pct: percent(score),
        formats,
        private: d.private,
        badges: d.badges.iter().map(|b| (badge_label(&b.kind, locale), format!("/catalog?badge={}", urlencoding(&b.kind)))).collect(),
        excerpt: excerpt(&d.description, 220),
        updated: day(&d.last_update),
    }
}

/// Runs a search for a page: the facets with their labels and toggle links, the rows.
async fn facet_groups(p: &Platform, locale: Locale, path: &str, pairs: &[(String, String)], facets: &search_facets::Facets) -> Result<Vec<FacetGroup>, AppError> {
    let orgs = org_names(p, &facets.organization.iter().map(|i| i.name.clone()).collect::<Vec<_>>()).await?;
    let mut groups = Vec::new();
    let specs: [(&'static str, &'static str, &Vec<search_facets::FacetItem>); 6] = [
        ("tag", "tag", &facets.tag),
        ("organization", "organization", &facets.organization),
        ("license", "license", &facets.license),
        ("format", "format", &facets.format),
        ("frequency", "frequency", &facets.frequency),
        ("geozone", "geozone", &facets.geozone),
    ];
    for (id, key, items) in specs {
        let links = items
            .iter()
            .map(|i| {
                let label = match id {
                    "organization" => orgs.iter().find(|(s, _)| *s == i.name).map(|(_, n)| n.clone()).unwrap_or_else(|| i.name.clone()),
                    "license" => licence_title(&i.name),
                    "format" => i.name.to_uppercase(),
                    "frequency" => frequency_label(&i.name, locale),
                    "geozone" => zone_label(&i.name),
                    _ => i.name.clone(),
                };
                let (href, selected) = toggle(path, pairs, key, &i.name);
                FacetLink { label, count: i.count, href, selected }
            })
            .collect::<Vec<_>>();
        groups.push(FacetGroup { id, title: String::new(), items: links });
    }
    Ok(groups)
}

mod search_facets {
    pub use crate::store::search::{FacetItem, Facets};
}

async fn search_page(State(p): State<Platform>, ViewerExt(v): ViewerExt, RawQuery(raw): RawQuery) -> Response {
    let r = search_inner(&p, &v, raw.as_deref()).await;
    page(&p, &v, r)
}

async fn search_inner(p: &Platform, v: &Viewer, raw: Option<&str>) -> Result<Response, AppError> {
    let pairs = search_pairs(raw);
    let own = serde_urlencoded::to_string(&pairs).unwrap_or_default();
    let mut q = api::parse_search(p, Some(&own), 100).await?;
    q.page_size = 20;
    let res = api::run_search(p, v, &q, "/catalog", Some(&own)).await?;
    let notice = serde_urlencoded::from_str::<Vec<(String, String)>>(raw.unwrap_or("")).unwrap_or_default().into_iter().find(|(k, _)| k == "notice").map(|(_, v)| v);
    let ctx = with_notice(Ctx::new(p, v, "/catalog", "catalog.search.title"), notice.as_deref());
    let mut facets = match &res.facets {
        Some(f) => facet_groups(p, v.locale, "/catalog", &pairs, f).await?,
        None => vec![],
    };
    for g in facets.iter_mut() {
        g.title = ctx.tk("catalog.facet", g.id);
    }
    // Chosen filters, each with the link that removes it.
    let mut active = Vec::new();
    for g in &facets {
        for i in g.items.iter().filter(|i| i.selected) {
            active.push((format!("{} : {}", g.title, i.label), i.href.clone()));
        }
    }
    // Badges are no facet (few datasets have one) but a filter all the same, reached from a badge's link.
    if let Some((_, kind)) = pairs.iter().find(|(k, _)| k == "badge") {
        let (href, _) = toggle("/catalog", &pairs, "badge", kind);
        active.push((format!("{} : {}", ctx.tk("catalog.facet", "badge"), badge_label(kind, v.locale)), href));
    }
    let pages = (res.total + q.page_size - 1) / q.page_size;
    let strip = |u: &str| u.trim_start_matches(&json::base(p)).to_string();
    let sorts = ["", "title", "-last_update", "-quality", "-followers"].iter().map(|s| (*s, ctx.tk("catalog.sort", if s.is_empty() { "default" } else { s.trim_start_matches('-') }))).collect();
    let kept = pairs.iter().filter(|(k, _)| !matches!(k.as_str(), "q" | "sort" | "page")).cloned().collect();
    let can_create = v.user.is_some();
    let tpl = SearchTpl {
        q: q.q.clone().unwrap_or_default(),
        sort: q.sort.clone().unwrap_or_default(),
        sorts,
        kept,
        active,
        facets,
        results: res.data.iter().map(|d| result_row(d, v.locale)).collect(),
        total: res.total,
        page: q.page,
        pages,
        prev: res.previous_page.as_deref().map(strip),
        next: res.next_page.as_deref().map(strip),
        can_create,
        ctx,
    };
    Ok(render(&tpl))
}

// ---------------------------------------------------------------- dataset page

struct ResourceRow {
    id: String,
    title: String,
    description: String,
    format: String,
    size: String,
    href: String,
    remote: bool,
    /// `ok`, `broken` or `unknown`, from the link checker's `check:*` extras.
    status: &'static str,
    status_detail: String,
    preview: Option<String>,
}

struct CriterionRow {
    label: String,
    ok: bool,
    reason: String,
}

struct MessageRow {
    position: i64,
    author: String,
    date: String,
    html: String,
    hidden: bool,
}

struct ThreadRow {
    id: String,
    title: String,
    closed: Option<String>,
    messages: Vec<MessageRow>,
}

struct ReuseRow {
    id: String,
    title: String,
    url: String,
    kind: String,
    /// The viewer may change and delete it.
    editable: bool,
}

struct ActivityRow {
    date: String,
    actor: String,
    what: String,
}

#[derive(Template)]
#[template(path = "catalog_dataset.html")]
struct DatasetTpl<'a> {
    ctx: Ctx<'a>,
    d: DatasetOut,
    description: String,
    org: Option<(String, String)>,
    licence: (String, String),
    frequency: String,
    temporal: Option<String>,
    zones: Vec<String>,
    granularity: Option<String>,
    resources: Vec<ResourceRow>,
    score: f64,
    score_pct: i64,
    criteria: Vec<CriterionRow>,
    threads: Vec<ThreadRow>,
    reuses: Vec<ReuseRow>,
    activity: Vec<ActivityRow>,
    followers: i64,
    following: bool,
    can_edit: bool,
    moderator: bool,
    signed_in: bool,
    login_href: String,
}

impl DatasetTpl<'_> {
    /// The label of a badge in the page's language (its kind when no longer in the managed list).
    fn badge_label(&self, kind: &str) -> String {
        badge_label(kind, self.ctx.t.locale)
    }
}

/// Whether the viewer moderates the dataset's discussions (the same rule as the discussion
/// service applies when acting; here it only decides which buttons to show).
fn moderates(v: &Viewer, d: &Dataset) -> bool {
    let t = Target { module: MODULE, object: "discussion", owner_id: d.owner_id, org_id: d.org_id, public: false };
    v.principal.authorize(Action::Validate, &t).is_ok() || v.principal.authorize(Action::Update, &service::dataset_target(d)).is_ok()
}

fn link_status(extras: &serde_json::Value, ctx: &Ctx<'_>) -> (&'static str, String) {
    let available = extras.get("check:available").and_then(|v| v.as_bool());
    let status = extras.get("check:status").and_then(|v| v.as_i64().map(|n| n.to_string()).or_else(|| v.as_str().map(str::to_string)));
    let date = extras.get("check:date").and_then(|v| v.as_str()).map(|d| ctx.date(d));
    let mut detail = Vec::new();
    if let Some(s) = status {
        detail.push(format!("HTTP {s}"));
    }
    if let Some(d) = date {
        detail.push(ctx.t.f("catalog.linkstatus.checked_on", "date", d));
    }
    (
        match available {
            Some(true) => "ok",
            Some(false) => "broken",
            None => "unknown",
        },
        detail.join(" · "),
    )
}

async fn dataset_page(State(p): State<Platform>, ViewerExt(v): ViewerExt, Path(slug): Path<String>, Query(q): Query<NoticeQuery>) -> Response {
    let r = dataset_inner(&p, &v, &slug, q.notice.as_deref()).await;
    page(&p, &v, r)
}

async fn dataset_inner(p: &Platform, v: &Viewer, slug: &str, notice: Option<&str>) -> Result<Response, AppError> {
    let d = service::visible_dataset(p, &v.principal, slug).await?;
    let jctx = json::context(p, std::slice::from_ref(&d)).await?;
    let out = json::dataset_out(p, &jctx, &d);
    let ctx = with_notice(Ctx::new(p, v, "/catalog", "catalog.nav").titled(d.title.clone()), notice);
    let loc = v.locale;
    let resources = d
        .resources
        .iter()
        .map(|r| {
            let (status, status_detail) = if r.filetype == "remote" { link_status(&r.extras, &ctx) } else { ("ok", String::new()) };
            ResourceRow {
                id: r.id.clone(),
                title: r.title.clone(),
                description: excerpt(&r.description, 300),
                format: r.format.to_uppercase(),
                size: r.filesize.map(|s| human_size(s, loc)).unwrap_or_default(),
                href: r.url.clone(),
                remote: r.filetype == "remote",
                status,
                status_detail,
                preview: matches!(r.format.as_str(), "csv" | "tsv").then(|| format!("/catalog/tables/{}", r.id)),
            }
        })
        .collect();
    let qual = quality::compute(&d, p.now());
    let criteria = qual
        .criteria
        .iter()
        .map(|c| CriterionRow { label: ctx.tk("catalog.criterion", c.key), ok: c.ok, reason: c.reason.map(|r| ctx.tk("catalog.quality", r)).unwrap_or_default() })
        .collect();
    let moderator = moderates(v, &d);
    let threads = social::discussions(p, &v.principal, &d.id)
        .await?
        .into_iter()
        .map(|t| ThreadRow {
            id: t.id,
            title: t.title,
            closed: t.closed.as_deref().map(|c| ctx.date(c)),
            messages: t
                .discussion
                .into_iter()
                .map(|m| MessageRow {
                    position: m.position,
                    author: m.posted_by_name.unwrap_or_else(|| ctx.t.t("catalog.discussion.someone").to_string()),
                    date: ctx.date(&m.posted_on),
                    html: if m.hidden && m.content.is_empty() { String::new() } else { markdown(&m.content) },
                    hidden: m.hidden,
                })
                .collect(),
        })
        .collect();
    let (reuses, _) = social::reuses(p, &v.principal, Some(&d.id), 20, 0).await?;
    let reuses = reuses
        .into_iter()
        .map(|r| ReuseRow { editable: social::may_edit_reuse(&v.principal, &r), kind: ctx.tk("catalog.reuse_type", &r.rtype), id: r.id, title: r.title, url: r.url })
        .collect();
    let activity = api::activity(p, &d)
        .await?
        .into_iter()
        .take(20)
        .map(|a| ActivityRow { date: ctx.date(&a.at), actor: a.actor, what: ctx.tk("catalog.activity", &format!("{}_{}", a.object_type, a.action)) })
        .collect();
    let following = match v.user.as_ref() {
        Some(u) => sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM catalog_follows WHERE user_id = $1 AND dataset_id = $2").bind(u.id).bind(&d.id).fetch_one(p.db.pool()).await? > 0,
        None => false,
    };
    let lic = licence::parse(&d.license);
    let tpl = DatasetTpl {
        description: markdown(&d.description),
        org: out.organization.as_ref().map(|o| (o.name.clone(), format!("/catalog/organizations/{}", o.slug))),
        licence: (lic.map(|l| l.title.to_string()).unwrap_or_else(|| d.license.clone()), lic.map(|l| l.url.to_string()).unwrap_or_default()),
        frequency: frequency_label(&d.frequency, loc),
        temporal: d.temporal_coverage.as_ref().map(|t| format!("{} → {}", t.start, t.end)),
        zones: d.spatial.as_ref().map(|s| s.zones.iter().map(|z| zone_label(z)).collect()).unwrap_or_default(),
        granularity: d.spatial.as_ref().and_then(|s| s.granularity.as_deref()).map(|g| granularity_label(g, loc)),
        resources,
        score: qual.score,
        score_pct: percent(qual.score),
        criteria,
        threads,
        reuses,
        activity,
        followers: out.metrics.followers,
        following,
        can_edit: v.principal.authorize(Action::Update, &service::dataset_target(&d)).is_ok() && d.deleted_at.is_none(),
        moderator,
        signed_in: v.user.is_some(),
        login_href: format!("/login?next={}", urlencoding(&format!("/catalog/datasets/{}", d.slug))),
        d: out,
        ctx,
    };
    Ok(render(&tpl))
}

#[derive(Deserialize)]
struct FollowForm {
    #[serde(default)]
    follow: String,
}

async fn follow(State(p): State<Platform>, ViewerExt(v): ViewerExt, Path(slug): Path<String>, Form(f): Form<FollowForm>) -> Response {
    if v.user.is_none() {
        return login_first(&format!("/catalog/datasets/{slug}"));
    }
    let on = f.follow != "0";
    let r = social::follow(&p, &v.principal, &v.actor(), &slug, on).await.map(|_| {
        see_other(&format!("/catalog/datasets/{slug}?notice={}#follow", if on { "followed" } else { "unfollowed" }))
    });
    page(&p, &v, r)
}

#[derive(Deserialize)]
struct DiscussionForm {
    #[serde(default)]
    title: String,
    #[serde(default)]
    comment: String,
}

async fn open_discussion(State(p): State<Platform>, ViewerExt(v): ViewerExt, Path(slug): Path<String>, Form(f): Form<DiscussionForm>) -> Response {
    if v.user.is_none() {
        return login_first(&format!("/catalog/datasets/{slug}"));
    }
    let r = social::open(&p, &v.principal, &v.actor(), &slug, &NewDiscussion { title: f.title, comment: f.comment }).await;
    let r = match r {
        Ok(_) => Ok(see_other(&format!("/catalog/datasets/{slug}?notice=discussion_opened#discussions"))),
        Err(e) if e.status == StatusCode::UNPROCESSABLE_ENTITY => Ok(see_other(&format!("/catalog/datasets/{slug}?notice=discussion_empty#new-discussion"))),
        Err(e) => Err(e),
    };
    page(&p, &v, r)
}

#[derive(Deserialize)]
struct ReplyForm {
    #[serde(default)]
    comment: String,
    close: Option<String>,
    /// Where to come back: the dataset page or the moderation page.
    back: Option<String>,
}

fn back_to(back: Option<&str>, fallback: String) -> String {
    match back {
        Some(b) if b.starts_with("/catalog/") && !b.contains("//") && !b.contains('\\') => b.to_string(),
        _ => fallback,
    }
}

fn with_param(url: &str, kv: &str) -> String {
    let (base, frag) = url.split_once('#').map(|(a, b)| (a, format!("#{b}"))).unwrap_or((url, String::new()));
    format!("{base}{}{kv}{frag}", if base.contains('?') { "&" } else { "?" })
}

async fn discussion_dataset_slug(p: &Platform, id: &str) -> Result<String, AppError> {
    let slug: Option<String> = sqlx::query_scalar("SELECT d.slug FROM catalog_discussions x JOIN catalog_datasets d ON d.id = x.dataset_id WHERE x.id = $1").bind(id).fetch_optional(p.db.pool()).await?;
    slug.ok_or_else(AppError::not_found)
}

async fn reply_discussion(State(p): State<Platform>, ViewerExt(v): ViewerExt, Path(id): Path<String>, Form(f): Form<ReplyForm>) -> Response {
    let r = async {
        let slug = discussion_dataset_slug(&p, &id).await?;
        let back = back_to(f.back.as_deref(), format!("/catalog/datasets/{slug}#discussion-{id}"));
        if v.user.is_none() {
            return Ok(login_first(&back));
        }
        let close = f.close.is_some();
        match social::reply(&p, &v.principal, &v.actor(), &id, &NewMessage { comment: f.comment, close }).await {
            Ok(_) => Ok(see_other(&with_param(&back, if close { "notice=discussion_closed" } else { "notice=replied" }))),
            Err(e) if e.status == StatusCode::UNPROCESSABLE_ENTITY => Ok(see_other(&with_param(&back, "notice=discussion_empty"))),
            Err(e) => Err(e),
        }
    }
    .await;
    page(&p, &v, r)
}

#[derive(Deserialize)]
struct ModerateForm {
    #[serde(default)]
    hidden: String,
    back: Option<String>,
}

async fn moderate_message(State(p): State<Platform>, ViewerExt(v): ViewerExt, Path((id, position)): Path<(String, i64)>, Form(f): Form<ModerateForm>) -> Response {
    let r = async {
        let slug = discussion_dataset_slug(&p, &id).await?;
        let back = back_to(f.back.as_deref(), format!("/catalog/datasets/{slug}#discussion-{id}"));
        if v.user.is_none() {
            return Ok(login_first(&back));
        }
        let hidden = f.hidden == "1";
        social::set_hidden(&p, &v.principal, &v.actor(), &id, position, hidden).await?;
        Ok(see_other(&with_param(&back, if hidden { "notice=message_hidden" } else { "notice=message_shown" })))
    }
    .await;
    page(&p, &v, r)
}

// ---------------------------------------------------------------- moderation

struct ModThread {
    id: String,
    title: String,
    dataset: (String, String),
    created: String,
    count: usize,
    messages: Vec<MessageRow>,
}

#[derive(Template)]
#[template(path = "catalog_moderation.html")]
struct ModerationTpl<'a> {
    ctx: Ctx<'a>,
    threads: Vec<ModThread>,
}

async fn moderation_page(State(p): State<Platform>, ViewerExt(v): ViewerExt, Query(q): Query<NoticeQuery>) -> Response {
    if v.user.is_none() {
        return login_first("/catalog/moderation");
    }
    let r = moderation_inner(&p, &v, q.notice.as_deref()).await;
    page(&p, &v, r)
}

async fn moderation_inner(p: &Platform, v: &Viewer, notice: Option<&str>) -> Result<Response, AppError> {
    let pr = &v.principal;
    let editor_somewhere = pr.is_admin || pr.memberships.values().any(|r| r.allows(Action::Update));
    let uid = pr.user_id.unwrap_or(-1);
    let own: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM catalog_datasets WHERE owner_id = $1").bind(uid).fetch_one(p.db.pool()).await?;
    if !editor_somewhere && own == 0 {
        return Err(AppError::forbidden());
    }
    // Open threads, newest activity first; those the viewer may not moderate are left out.
    let rows = sqlx::query(
        "SELECT x.id, d.slug FROM catalog_discussions x JOIN catalog_datasets d ON d.id = x.dataset_id
         WHERE x.closed_at IS NULL AND d.deleted_at IS NULL
         ORDER BY (SELECT MAX(m.posted_on) FROM catalog_messages m WHERE m.discussion_id = x.id) DESC, x.id LIMIT 500",
    )
    .fetch_all(p.db.pool())
    .await?;
    let ctx = with_notice(Ctx::new(p, v, "/catalog", "catalog.moderation.title"), notice);
    let mut threads = Vec::new();
    for r in rows {
        let (id, slug): (String, String) = (r.get(0), r.get(1));
        let Ok(d) = service::visible_dataset(p, pr, &slug).await else { continue };
        if !moderates(v, &d) {
            continue;
        }
        let t = social::get(p, pr, &id).await?;
        let count = t.discussion.len();
        let messages = t
            .discussion
            .into_iter()
            .rev()
            .take(3)
            .rev()
            .map(|m| MessageRow {
                position: m.position,
                author: m.posted_by_name.unwrap_or_else(|| ctx.t.t("catalog.discussion.someone").to_string()),
                date: ctx.date(&m.posted_on),
                html: markdown(&m.content),
                hidden: m.hidden,
            })
            .collect();
        threads.push(ModThread { id: t.id, title: t.title, dataset: (d.title.clone(), format!("/catalog/datasets/{}", d.slug)), created: ctx.date(&t.created), count, messages });
        if threads.len() >= 100 {
            break;
        }
    }
    Ok(render(&ModerationTpl { ctx, threads }))
}

// ---------------------------------------------------------------- dataset forms

#[derive(Deserialize, Default, Clone)]
struct DatasetForm {
    #[serde(default)]
    title: String,
    #[serde(default)]
    acronym: String,
    #[serde(default)]
    description: String,
    #[serde(default)]
    license: String,
    #[serde(default)]
    frequency: String,
    #[serde(default)]
    tags: String,
    #[serde(default)]
    temporal_start: String,
    #[serde(default)]
    temporal_end: String,
    #[serde(default)]
    zones: String,
    #[serde(default)]
    granularity: String,
    private: Option<String>,
    #[serde(default)]
    organization: String,
}

impl DatasetForm {
    fn of(d: &Dataset, org_slug: Option<String>) -> DatasetForm {
        DatasetForm {
            title: d.title.clone(),
            acronym: d.acronym.clone(),
            description: d.description.clone(),
            license: d.license.clone(),
            frequency: d.frequency.clone(),
            tags: d.tags.join(", "),
            temporal_start: d.temporal_coverage.as_ref().map(|t| t.start.clone()).unwrap_or_default(),
            temporal_end: d.temporal_coverage.as_ref().map(|t| t.end.clone()).unwrap_or_default(),
            zones: d.spatial.as_ref().map(|s| s.zones.join(", ")).unwrap_or_default(),
            granularity: d.spatial.as_ref().and_then(|s| s.granularity.clone()).unwrap_or_default(),
            private: d.private.then(|| "on".into()),
            organization: org_slug.unwrap_or_default(),
        }
    }

    /// What the form says, as the services take it. Both dates empty clear the coverage.
    fn input(&self) -> DatasetInput {
        let split = |s: &str| s.split([',', ';', '\n']).map(|t| t.trim().to_string()).filter(|t| !t.is_empty()).collect::<Vec<_>>();
        let (start, end) = (self.temporal_start.trim(), self.temporal_end.trim());
        DatasetInput {
            title: Some(self.title.clone()),
            acronym: Some(self.acronym.clone()),
            description: Some(self.description.clone()),
            license: Some(self.license.clone()),
            frequency: Some(self.frequency.clone()),
            tags: Some(split(&self.tags)),
            temporal_coverage: Some(TemporalCoverage { start: start.into(), end: end.into() }),
            spatial: Some(Spatial { zones: split(&self.zones), granularity: Some(self.granularity.clone()).filter(|g| !g.is_empty()) }),
            private: Some(self.private.is_some()),
            organization: Some(serde_json::Value::String(self.organization.clone())),
            extras: None,
        }
    }
}

#[derive(Template)]
#[template(path = "catalog_dataset_form.html")]
struct DatasetFormTpl<'a> {
    ctx: Ctx<'a>,
    action: String,
    f: DatasetForm,
    errors: FormErrors,
    licences: Vec<(&'static str, &'static str)>,
    frequencies: Vec<(&'static str, String)>,
    granularities: Vec<(&'static str, String)>,
    orgs: Vec<(String, String)>,
    cancel: String,
    editing: bool,
}

/// Organisations the viewer may publish for (the current one of an edited dataset included).
async fn publishable_orgs(p: &Platform, v: &Viewer, current: Option<i64>) -> Result<Vec<(String, String)>, AppError> {
    let Some(u) = v.user.as_ref() else { return Ok(vec![]) };
    let mut out = Vec::new();
    for (o, _) in p.orgs_of_user(u.id).await? {
        if service::authorize_create(&v.principal, "dataset", u.id, Some(o.id)).is_ok() {
            out.push((o.slug, o.name));
        }
    }
    if let Some(c) = current {
        let row = sqlx::query("SELECT slug, name FROM organisations WHERE id = $1").bind(c).fetch_optional(p.db.pool()).await?;
        if let Some(r) = row {
            let slug: String = r.get(0);
            if !out.iter().any(|(s, _)| *s == slug) {
                out.push((slug, r.get(1)));
            }
        }
    }
    Ok(out)
}

fn dataset_form_tpl<'a>(ctx: Ctx<'a>, locale: Locale, action: String, f: DatasetForm, errors: FormErrors, orgs: Vec<(String, String)>, cancel: String, editing: bool) -> DatasetFormTpl<'a> {
    DatasetFormTpl {
        ctx,
        action,
        f,
        errors,
        licences: licence::LICENCES.iter().map(|l| (l.id, l.title)).collect(),
        frequencies: frequency::FREQUENCIES.iter().map(|x| (x.id, if locale == Locale::En { x.label_en.to_string() } else { x.label_fr.to_string() })).collect(),
        granularities: zones::GRANULARITIES.iter().map(|g| (g.0, if locale == Locale::En { g.2.to_string() } else { g.1.to_string() })).collect(),
        orgs,
        cancel,
        editing,
    }
}

async fn new_dataset_form(State(p): State<Platform>, ViewerExt(v): ViewerExt) -> Response {
    if v.user.is_none() {
        return login_first("/catalog/datasets/new");
    }
    let r = async {
        let orgs = publishable_orgs(&p, &v, None).await?;
        let f = DatasetForm {
            license: licence::DEFAULT.into(),
            frequency: frequency::DEFAULT.into(),
            organization: orgs.first().map(|o| o.0.clone()).unwrap_or_default(),
            ..Default::default()
        };
        let ctx = Ctx::new(&p, &v, "/catalog", "catalog.form.new_title");
        Ok(render(&dataset_form_tpl(ctx, v.locale, "/catalog/datasets/new".into(), f, FormErrors::default(), orgs, "/catalog".into(), false)))
    }
    .await;
    page(&p, &v, r)
}

async fn new_dataset(State(p): State<Platform>, ViewerExt(v): ViewerExt, Form(f): Form<DatasetForm>) -> Response {
    if v.user.is_none() {
        return login_first("/catalog/datasets/new");
    }
    let r = async {
        match service::create_dataset(&p, &v.principal, &v.actor(), &f.input()).await {
            Ok(d) => Ok(see_other(&format!("/catalog/datasets/{}/resources/new?notice=created", d.slug))),
            Err(e) if e.status == StatusCode::UNPROCESSABLE_ENTITY => {
                let orgs = publishable_orgs(&p, &v, None).await?;
                let ctx = Ctx::new(&p, &v, "/catalog", "catalog.form.new_title");
                let errors = form_errors(&ctx, &e);
                Ok(render_status(StatusCode::UNPROCESSABLE_ENTITY, &dataset_form_tpl(ctx, v.locale, "/catalog/datasets/new".into(), f, errors, orgs, "/catalog".into(), false)))
            }
            Err(e) => Err(e),
        }
    }
    .await;
    page(&p, &v, r)
}

/// The dataset the viewer may edit.
async fn editable(p: &Platform, v: &Viewer, slug: &str) -> Result<Dataset, AppError> {
    let d = service::visible_dataset(p, &v.principal, slug).await?;
    v.principal.authorize(Action::Update, &service::dataset_target(&d))?;
    if d.deleted_at.is_some() {
        return Err(AppError::not_found());
    }
    Ok(d)
}

async fn org_slug(p: &Platform, id: Option<i64>) -> Result<Option<String>, sqlx::Error> {
    match id {
        Some(id) => sqlx::query_scalar("SELECT slug FROM organisations WHERE id = $1").bind(id).fetch_optional(p.db.pool()).await,
        None => Ok(None),
    }
}

async fn edit_dataset_form(State(p): State<Platform>, ViewerExt(v): ViewerExt, Path(slug): Path<String>) -> Response {
    if v.user.is_none() {
        return login_first(&format!("/catalog/datasets/{slug}/edit"));
    }
    let r = async {
        let d = editable(&p, &v, &slug).await?;
        let orgs = publishable_orgs(&p, &v, d.org_id).await?;
        let f = DatasetForm::of(&d, org_slug(&p, d.org_id).await?);
        let ctx = Ctx::new(&p, &v, "/catalog", "catalog.form.edit_title");
        let title = format!("{} — {}", ctx.t.t("catalog.form.edit_title"), d.title);
        let ctx = ctx.titled(title);
        Ok(render(&dataset_form_tpl(ctx, v.locale, format!("/catalog/datasets/{}/edit", d.slug), f, FormErrors::default(), orgs, format!("/catalog/datasets/{}", d.slug), true)))
    }
    .await;
    page(&p, &v, r)
}

async fn edit_dataset(State(p): State<Platform>, ViewerExt(v): ViewerExt, Path(slug): Path<String>, Form(f): Form<DatasetForm>) -> Response {
    if v.user.is_none() {
        return login_first(&format!("/catalog/datasets/{slug}/edit"));
    }
    let r = async {
        let d = editable(&p, &v, &slug).await?;
        match service::update_dataset(&p, &v.principal, &v.actor(), &d.id, &f.input()).await {
            Ok(d) => Ok(see_other(&format!("/catalog/datasets/{}?notice=saved", d.slug))),
            Err(e) if e.status == StatusCode::UNPROCESSABLE_ENTITY => {
                let orgs = publishable_orgs(&p, &v, d.org_id).await?;
                let ctx = Ctx::new(&p, &v, "/catalog", "catalog.form.edit_title");
                let title = format!("{} — {}", ctx.t.t("catalog.form.edit_title"), d.title);
        let ctx = ctx.titled(title);
                let errors = form_errors(&ctx, &e);
                Ok(render_status(StatusCode::UNPROCESSABLE_ENTITY, &dataset_form_tpl(ctx, v.locale, format!("/catalog/datasets/{}/edit", d.slug), f, errors, orgs, format!("/catalog/datasets/{}", d.slug), true)))
            }
            Err(e) => Err(e),
        }
    }
    .await;
    page(&p, &v, r)
}

#[derive(Template)]
#[template(path = "catalog_confirm.html")]
struct ConfirmTpl<'a> {
    ctx: Ctx<'a>,
    question: String,
    action: String,
    cancel: String,
    button: String,
}

async fn delete_dataset_form(State(p): State<Platform>, ViewerExt(v): ViewerExt, Path(slug): Path<String>) -> Response {
    if v.user.is_none() {
        return login_first(&format!("/catalog/datasets/{slug}/delete"));
    }
    let r = async {
        let d = editable(&p, &v, &slug).await?;
        v.principal.authorize(Action::Delete, &service::dataset_target(&d))?;
        let ctx = Ctx::new(&p, &v, "/catalog", "catalog.delete.dataset_title");
        let question = ctx.t.f("catalog.delete.dataset_question", "title", &d.title);
        let button = ctx.t.t("catalog.delete.dataset_button").to_string();
        Ok(render(&ConfirmTpl { ctx, question, action: format!("/catalog/datasets/{}/delete", d.slug), cancel: format!("/catalog/datasets/{}", d.slug), button }))
    }
    .await;
    page(&p, &v, r)
}

async fn delete_dataset(State(p): State<Platform>, ViewerExt(v): ViewerExt, Path(slug): Path<String>) -> Response {
    let r = async {
        service::delete_dataset(&p, &v.principal, &v.actor(), &slug).await?;
        Ok(see_other("/catalog?notice=deleted"))
    }
    .await;
    page(&p, &v, r)
}

// ---------------------------------------------------------------- resources

#[derive(Deserialize, Default)]
struct RemoteForm {
    #[serde(default)]
    title: String,
    #[serde(default)]
    url: String,
    #[serde(default, rename = "type")]
    rtype: String,
    #[serde(default)]
    format: String,
    #[serde(default)]
    description: String,
}

#[derive(Template)]
#[template(path = "catalog_resource_form.html")]
struct ResourceFormTpl<'a> {
    ctx: Ctx<'a>,
    d: Dataset,
    remote: RemoteForm,
    errors: FormErrors,
    upload_error: Option<String>,
    types: Vec<(&'static str, String)>,
    max_mb: u64,
}

fn resource_form_tpl<'a>(p: &Platform, ctx: Ctx<'a>, d: Dataset, remote: RemoteForm, errors: FormErrors, upload_error: Option<String>) -> ResourceFormTpl<'a> {
    let types = RESOURCE_TYPES.iter().map(|t| (*t, ctx.tk("catalog.resource_type", t))).collect();
    let limit = (p.config.upload_max_bytes as u64).min(service::MAX_UPLOAD);
    ResourceFormTpl { ctx, d, remote, errors, upload_error, types, max_mb: limit / 1_048_576 }
}

fn resource_ctx<'a>(p: &'a Platform, v: &'a Viewer, d: &Dataset) -> Ctx<'a> {
    let ctx = Ctx::new(p, v, "/catalog", "catalog.resource.add_title");
    let title = format!("{} — {}", ctx.t.t("catalog.resource.add_title"), d.title);
    ctx.titled(title)
}

async fn new_resource_form(State(p): State<Platform>, ViewerExt(v): ViewerExt, Path(slug): Path<String>, Query(q): Query<NoticeQuery>) -> Response {
    if v.user.is_none() {
        return login_first(&format!("/catalog/datasets/{slug}/resources/new"));
    }
    let r = async {
        let d = editable(&p, &v, &slug).await?;
        let ctx = with_notice(resource_ctx(&p, &v, &d), q.notice.as_deref());
        let remote = RemoteForm { rtype: "main".into(), ..Default::default() };
        Ok(render(&resource_form_tpl(&p, ctx, d, remote, FormErrors::default(), None)))
    }
    .await;
    page(&p, &v, r)
}

async fn new_remote_resource(State(p): State<Platform>, ViewerExt(v): ViewerExt, Path(slug): Path<String>, Form(f): Form<RemoteForm>) -> Response {
    if v.user.is_none() {
        return login_first(&format!("/catalog/datasets/{slug}/resources/new"));
    }
    let r = async {
        let d = editable(&p, &v, &slug).await?;
        let opt = |s: &str| Some(s.trim().to_string()).filter(|s| !s.is_empty());
        let input = ResourceInput { title: opt(&f.title), url: Some(f.url.clone()), rtype: opt(&f.rtype), format: opt(&f.format), description: opt(&f.description), ..Default::default() };
        match service::create_resource(&p, &v.principal, &v.actor(), &d.id, &input, None).await {
            Ok(_) => Ok(see_other(&format!("/catalog/datasets/{}?notice=resource_added#resources", d.slug))),
            Err(e) if e.status == StatusCode::UNPROCESSABLE_ENTITY => {
                let ctx = resource_ctx(&p, &v, &d);
                let errors = form_errors(&ctx, &e);
                Ok(render_status(StatusCode::UNPROCESSABLE_ENTITY, &resource_form_tpl(&p, ctx, d, f, errors, None)))
            }
            Err(e) => Err(e),
        }
    }
    .await;
    page(&p, &v, r)
}

/// The upload form without JavaScript (the island posts to the API and shows the progress).
async fn upload_resource(State(p): State<Platform>, ViewerExt(v): ViewerExt, Path(slug): Path<String>, form: Result<Multipart, axum::extract::multipart::MultipartRejection>) -> Response {
    let r = async {
        // Permission before reading a large body.
        let d = editable(&p, &v, &slug).await?;
        let read = api::read_upload(form).await;
        let result = match read {
            Ok((input, upload)) if !upload.bytes.is_empty() => service::create_resource(&p, &v.principal, &v.actor(), &d.id, &input, Some(upload)).await.map(|_| ()),
            Ok(_) => Err(AppError::invalid(vec![platform::error::FieldError::new("file", "required")])),
            Err(e) => Err(e),
        };
        match result {
            Ok(()) => Ok(see_other(&format!("/catalog/datasets/{}?notice=resource_added#resources", d.slug))),
            Err(e) if e.status.is_client_error() && e.status != StatusCode::FORBIDDEN && e.status != StatusCode::NOT_FOUND => {
                let ctx = resource_ctx(&p, &v, &d);
                let msg = match e.errors.first() {
                    Some(f) if f.field == "file" => ctx.t.t("catalog.resource.no_file").to_string(),
                    Some(_) => form_errors(&ctx, &e).0.into_iter().map(|(f, m)| format!("{f} : {m}")).collect::<Vec<_>>().join(" "),
                    None => e.detail.clone(),
                };
                let remote = RemoteForm { rtype: "main".into(), ..Default::default() };
                Ok(render_status(StatusCode::UNPROCESSABLE_ENTITY, &resource_form_tpl(&p, ctx, d, remote, FormErrors::default(), Some(msg))))
            }
            Err(e) => Err(e),
        }
    }
    .await;
    page(&p, &v, r)
}

async fn delete_resource_form(State(p): State<Platform>, ViewerExt(v): ViewerExt, Path((slug, rid)): Path<(String, String)>) -> Response {
    if v.user.is_none() {
        return login_first(&format!("/catalog/datasets/{slug}"));
    }
    let r = async {
        let d = editable(&p, &v, &slug).await?;
        let res = d.resources.iter().find(|r| r.id == rid).ok_or_else(AppError::not_found)?;
        let ctx = Ctx::new(&p, &v, "/catalog", "catalog.delete.resource_title");
        let question = ctx.t.f("catalog.delete.resource_question", "title", &res.title);
        let button = ctx.t.t("catalog.delete.resource_button").to_string();
        Ok(render(&ConfirmTpl { ctx, question, action: format!("/catalog/datasets/{}/resources/{rid}/delete", d.slug), cancel: format!("/catalog/datasets/{}#resources", d.slug), button }))
    }
    .await;
    page(&p, &v, r)
}

async fn delete_resource(State(p): State<Platform>, ViewerExt(v): ViewerExt, Path((slug, rid)): Path<(String, String)>) -> Response {
    let r = async {
        let d = service::visible_dataset(&p, &v.principal, &slug).await?;
        service::delete_resource(&p, &v.principal, &v.actor(), &d.id, &rid).await?;
        Ok(see_other(&format!("/catalog/datasets/{}?notice=resource_deleted#resources", d.slug)))
    }
    .await;
    page(&p, &v, r)
}

/// The resource edit form's fields (multipart: it may carry a replacement file).
#[derive(Default)]
struct ResourceEditForm {
    title: String,
    description: String,
    rtype: String,
    format: String,
    url: String,
}

#[derive(Template)]
#[template(path = "catalog_resource_edit.html")]
struct ResourceEditTpl<'a> {
    ctx: Ctx<'a>,
    d: Dataset,
    rid: String,
    /// A link (its URL is edited) rather than an uploaded file (replaced by a new upload).
    remote: bool,
    current: String,
    f: ResourceEditForm,
    errors: FormErrors,
    types: Vec<(&'static str, String)>,
    max_mb: u64,
}

fn resource_edit_tpl<'a>(p: &'a Platform, v: &'a Viewer, d: Dataset, r: &crate::domain::model::Resource, f: ResourceEditForm, errors: FormErrors) -> ResourceEditTpl<'a> {
    let ctx = Ctx::new(p, v, "/catalog", "catalog.resource.edit_title");
    let title = format!("{} — {}", ctx.t.t("catalog.resource.edit_title"), r.title);
    let ctx = ctx.titled(title);
    let types = RESOURCE_TYPES.iter().map(|t| (*t, ctx.tk("catalog.resource_type", t))).collect();
    let limit = (p.config.upload_max_bytes as u64).min(service::MAX_UPLOAD);
    let remote = r.filetype == "remote";
    let current = if remote { r.url.clone() } else { r.url.rsplit('/').next().unwrap_or_default().to_string() };
    ResourceEditTpl { ctx, d, rid: r.id.clone(), remote, current, f, errors, types, max_mb: limit / 1_048_576 }
}

async fn edit_resource_form(State(p): State<Platform>, ViewerExt(v): ViewerExt, Path((slug, rid)): Path<(String, String)>) -> Response {
    if v.user.is_none() {
        return login_first(&format!("/catalog/datasets/{slug}/resources/{rid}/edit"));
    }
    let r = async {
        let d = editable(&p, &v, &slug).await?;
        let res = d.resources.iter().find(|r| r.id == rid).cloned().ok_or_else(AppError::not_found)?;
        let f = ResourceEditForm { title: res.title.clone(), description: res.description.clone(), rtype: res.rtype.clone(), format: res.format.clone(), url: if res.filetype == "remote" { res.url.clone() } else { String::new() } };
        Ok(render(&resource_edit_tpl(&p, &v, d, &res, f, FormErrors::default())))
    }
    .await;
    page(&p, &v, r)
}

/// Reads the edit form: its text fields, and the replacement file if one was chosen (browsers
/// send an empty part without a file name when none was).
async fn read_resource_edit(form: Result<Multipart, axum::extract::multipart::MultipartRejection>) -> Result<(ResourceEditForm, Option<service::Upload>), AppError> {
    let mut form = form.map_err(|e| AppError::bad_request("invalid_multipart", e.body_text()))?;
    let mut f = ResourceEditForm::default();
    let mut upload = None;
    while let Some(field) = form.next_field().await.map_err(|e| AppError::bad_request("invalid_multipart", e.to_string()))? {
        let name = field.name().unwrap_or("").to_string();
        if name == "file" {
            let filename = field.file_name().unwrap_or("").to_string();
            let content_type = field.content_type().unwrap_or("application/octet-stream").to_string();
            let bytes = field.bytes().await.map_err(|e| AppError::bad_request("invalid_multipart", e.to_string()))?;
            if !filename.is_empty() || !bytes.is_empty() {
                upload = Some(service::Upload { filename: if filename.is_empty() { "fichier".into() } else { filename }, content_type, bytes: bytes.to_vec() });
            }
            continue;
        }
        let text = field.text().await.map_err(|e| AppError::bad_request("invalid_multipart", e.to_string()))?;
        match name.as_str() {
            "title" => f.title = text,
            "description" => f.description = text,
            "type" => f.rtype = text,
            "format" => f.format = text,
            "url" => f.url = text,
            _ => {}
        }
    }
    Ok((f, upload))
}

async fn edit_resource(State(p): State<Platform>, ViewerExt(v): ViewerExt, Path((slug, rid)): Path<(String, String)>, form: Result<Multipart, axum::extract::multipart::MultipartRejection>) -> Response {
    if v.user.is_none() {
        return login_first(&format!("/catalog/datasets/{slug}/resources/{rid}/edit"));
    }
    let r = async {
        // Permission before reading a large body.
        let d = editable(&p, &v, &slug).await?;
        let res = d.resources.iter().find(|r| r.id == rid).cloned().ok_or_else(AppError::not_found)?;
        let (f, upload) = read_resource_edit(form).await?;
        let remote = res.filetype == "remote";
        let mut format = f.format.trim().to_string();
        if let Some(u) = &upload {
            // A replacement file of another kind: its format follows unless the person typed one.
            let guessed = crate::domain::model::guess_format(&u.filename);
            if !guessed.is_empty() && (format.is_empty() || format.eq_ignore_ascii_case(&res.format)) {
                format = guessed;
            }
        }
        if upload.as_ref().is_some_and(|u| u.bytes.is_empty()) {
            let mut tpl = resource_edit_tpl(&p, &v, d, &res, f, FormErrors::default());
            tpl.errors.0.push(("file".into(), tpl.ctx.t.t("catalog.resource.no_file").to_string()));
            return Ok(render_status(StatusCode::UNPROCESSABLE_ENTITY, &tpl));
        }
        let input = ResourceInput {
            title: Some(f.title.clone()),
            description: Some(f.description.clone()),
            rtype: Some(f.rtype.clone()),
            format: Some(format),
            url: remote.then(|| f.url.clone()),
            ..Default::default()
        };
        match service::update_resource(&p, &v.principal, &v.actor(), &d.id, &rid, &input, upload).await {
            Ok(_) => Ok(see_other(&format!("/catalog/datasets/{}?notice=resource_saved#resource-{rid}", d.slug))),
            Err(e) if e.status.is_client_error() && e.status != StatusCode::FORBIDDEN && e.status != StatusCode::NOT_FOUND && e.status != StatusCode::UNAUTHORIZED => {
                let mut tpl = resource_edit_tpl(&p, &v, d, &res, f, FormErrors::default());
                tpl.errors = form_errors(&tpl.ctx, &e);
                if tpl.errors.0.is_empty() {
                    // A refused file (too large, unreadable): said next to the file field.
                    tpl.errors.0.push(("file".into(), e.detail.clone()));
                }
                Ok(render_status(StatusCode::UNPROCESSABLE_ENTITY, &tpl))
            }
            Err(e) => Err(e),
        }
    }
    .await;
    page(&p, &v, r)
}

// ---------------------------------------------------------------- reuses

#[derive(Deserialize, Default)]
struct ReuseForm {
    #[serde(default)]
    title: String,
    #[serde(default)]
    url: String,
    #[serde(default, rename = "type")]
    rtype: String,
    #[serde(default)]
    description: String,
    /// The dataset page to come back to.
    #[serde(default)]
    back: String,
}

#[derive(Template)]
#[template(path = "catalog_reuse_form.html")]
struct ReuseFormTpl<'a> {
    ctx: Ctx<'a>,
    action: String,
    f: ReuseForm,
    errors: FormErrors,
    types: Vec<(&'static str, String)>,
    /// The dataset it reuses, when declaring one.
    dataset: Option<(String, String)>,
    cancel: String,
    editing: bool,
}

fn reuse_form_tpl<'a>(ctx: Ctx<'a>, action: String, f: ReuseForm, errors: FormErrors, dataset: Option<(String, String)>, cancel: String, editing: bool) -> ReuseFormTpl<'a> {
    let types = crate::domain::model::REUSE_TYPES.iter().map(|t| (*t, ctx.tk("catalog.reuse_type", t))).collect();
    ReuseFormTpl { ctx, action, f, errors, types, dataset, cancel, editing }
}

fn reuse_ctx<'a>(p: &'a Platform, v: &'a Viewer, key: &'static str, about: &str) -> Ctx<'a> {
    let ctx = Ctx::new(p, v, "/catalog", key);
    let title = format!("{} — {}", ctx.t.t(key), about);
    ctx.titled(title)
}

/// The dataset a reuse is shown on: the page the person came from, else its first dataset.
async fn reuse_back(p: &Platform, back: &str, reuse: &social::Reuse) -> Result<String, AppError> {
    if !back.is_empty() {
        return Ok(back_to(Some(back), "/catalog".into()));
    }
    let slug: Option<String> = match reuse.datasets.first() {
        Some(id) => sqlx::query_scalar("SELECT slug FROM catalog_datasets WHERE id = $1").bind(id).fetch_optional(p.db.pool()).await?,
        None => None,
    };
    Ok(slug.map(|s| format!("/catalog/datasets/{s}")).unwrap_or_else(|| "/catalog".into()))
}

async fn new_reuse_form(State(p): State<Platform>, ViewerExt(v): ViewerExt, Path(slug): Path<String>) -> Response {
    if v.user.is_none() {
        return login_first(&format!("/catalog/datasets/{slug}/reuses/new"));
    }
    let r = async {
        let d = service::visible_dataset(&p, &v.principal, &slug).await?;
        if d.deleted_at.is_some() {
            return Err(AppError::not_found());
        }
        let ctx = reuse_ctx(&p, &v, "catalog.reuse.new_title", &d.title);
        let back = format!("/catalog/datasets/{}", d.slug);
        let f = ReuseForm { rtype: "application".into(), back: back.clone(), ..Default::default() };
        Ok(render(&reuse_form_tpl(ctx, format!("/catalog/datasets/{}/reuses/new", d.slug), f, FormErrors::default(), Some((d.title.clone(), back.clone())), back, false)))
    }
    .await;
    page(&p, &v, r)
}

async fn new_reuse(State(p): State<Platform>, ViewerExt(v): ViewerExt, Path(slug): Path<String>, Form(f): Form<ReuseForm>) -> Response {
    if v.user.is_none() {
        return login_first(&format!("/catalog/datasets/{slug}/reuses/new"));
    }
    let r = async {
        let d = service::visible_dataset(&p, &v.principal, &slug).await?;
        let input = social::ReuseInput {
            title: f.title.clone(),
            description: f.description.clone(),
            rtype: f.rtype.clone(),
            url: f.url.clone(),
            topic: None,
            tags: vec![],
            datasets: vec![d.id.clone()],
            private: false,
            organization: None,
        };
        let back = format!("/catalog/datasets/{}", d.slug);
        match social::create_reuse(&p, &v.principal, &v.actor(), &input).await {
            Ok(_) => Ok(see_other(&format!("{back}?notice=reuse_added#reuses-h"))),
            Err(e) if e.status == StatusCode::UNPROCESSABLE_ENTITY => {
                let ctx = reuse_ctx(&p, &v, "catalog.reuse.new_title", &d.title);
                let errors = form_errors(&ctx, &e);
                let tpl = reuse_form_tpl(ctx, format!("/catalog/datasets/{}/reuses/new", d.slug), f, errors, Some((d.title.clone(), back.clone())), back, false);
                Ok(render_status(StatusCode::UNPROCESSABLE_ENTITY, &tpl))
            }
            Err(e) => Err(e),
        }
    }
    .await;
    page(&p, &v, r)
}

/// The reuse the viewer may change (and delete).
async fn editable_reuse(p: &Platform, v: &Viewer, id: &str) -> Result<social::Reuse, AppError> {
    let r = social::reuse(p, &v.principal, id).await?;
    if !social::may_edit_reuse(&v.principal, &r) {
        return Err(AppError::forbidden());
    }
    Ok(r)
}

#[derive(Deserialize, Default)]
struct BackQuery {
    back: Option<String>,
}

async fn edit_reuse_form(State(p): State<Platform>, ViewerExt(v): ViewerExt, Path(id): Path<String>, Query(q): Query<BackQuery>) -> Response {
    if v.user.is_none() {
        return login_first(&format!("/catalog/reuses/{id}/edit"));
    }
    let r = async {
        let reuse = editable_reuse(&p, &v, &id).await?;
        let back = reuse_back(&p, q.back.as_deref().unwrap_or(""), &reuse).await?;
        let ctx = reuse_ctx(&p, &v, "catalog.reuse.edit_title", &reuse.title);
        let f = ReuseForm { title: reuse.title.clone(), url: reuse.url.clone(), rtype: reuse.rtype.clone(), description: reuse.description.clone(), back: back.clone() };
        Ok(render(&reuse_form_tpl(ctx, format!("/catalog/reuses/{}/edit", reuse.id), f, FormErrors::default(), None, back, true)))
    }
    .await;
    page(&p, &v, r)
}

async fn edit_reuse(State(p): State<Platform>, ViewerExt(v): ViewerExt, Path(id): Path<String>, Form(f): Form<ReuseForm>) -> Response {
    if v.user.is_none() {
        return login_first(&format!("/catalog/reuses/{id}/edit"));
    }
    let r = async {
        let reuse = editable_reuse(&p, &v, &id).await?;
        let back = reuse_back(&p, &f.back, &reuse).await?;
        let patch = social::ReusePatch {
            title: Some(f.title.clone()),
            url: Some(f.url.clone()),
            rtype: Some(f.rtype.clone()),
            description: Some(f.description.clone()),
            ..Default::default()
        };
        match social::update_reuse(&p, &v.principal, &v.actor(), &reuse.id, &patch).await {
            Ok(_) => Ok(see_other(&with_param(&format!("{back}#reuses-h"), "notice=reuse_saved"))),
            Err(e) if e.status == StatusCode::UNPROCESSABLE_ENTITY => {
                let ctx = reuse_ctx(&p, &v, "catalog.reuse.edit_title", &reuse.title);
                let errors = form_errors(&ctx, &e);
                Ok(render_status(StatusCode::UNPROCESSABLE_ENTITY, &reuse_form_tpl(ctx, format!("/catalog/reuses/{}/edit", reuse.id), f, errors, None, back, true)))
            }
            Err(e) => Err(e),
        }
    }
    .await;
    page(&p, &v, r)
}

#[derive(Template)]
#[template(path = "catalog_reuse_delete.html")]
struct ReuseDeleteTpl<'a> {
    ctx: Ctx<'a>,
    question: String,
    action: String,
    back: String,
}

async fn delete_reuse_form(State(p): State<Platform>, ViewerExt(v): ViewerExt, Path(id): Path<String>, Query(q): Query<BackQuery>) -> Response {
    if v.user.is_none() {
        return login_first(&format!("/catalog/reuses/{id}/delete"));
    }
    let r = async {
        let reuse = editable_reuse(&p, &v, &id).await?;
        let back = reuse_back(&p, q.back.as_deref().unwrap_or(""), &reuse).await?;
        let ctx = Ctx::new(&p, &v, "/catalog", "catalog.delete.reuse_title");
        let question = ctx.t.f("catalog.delete.reuse_question", "title", &reuse.title);
        Ok(render(&ReuseDeleteTpl { ctx, question, action: format!("/catalog/reuses/{}/delete", reuse.id), back }))
    }
    .await;
    page(&p, &v, r)
}

#[derive(Deserialize, Default)]
struct BackForm {
    #[serde(default)]
    back: String,
}

async fn delete_reuse(State(p): State<Platform>, ViewerExt(v): ViewerExt, Path(id): Path<String>, Form(f): Form<BackForm>) -> Response {
    if v.user.is_none() {
        return login_first(&format!("/catalog/reuses/{id}/delete"));
    }
    let r = async {
        let reuse = social::delete_reuse(&p, &v.principal, &v.actor(), &id).await?;
        let back = reuse_back(&p, &f.back, &reuse).await?;
        Ok(see_other(&with_param(&format!("{back}#reuses-h"), "notice=reuse_deleted")))
    }
    .await;
    page(&p, &v, r)
}

// ---------------------------------------------------------------- organisation

#[derive(Template)]
#[template(path = "catalog_organization.html")]
struct OrgTpl<'a> {
    ctx: Ctx<'a>,
    org: api::OrganizationOut,
    description: String,
    results: Vec<ResultRow>,
    total: i64,
    page: i64,
    pages: i64,
    prev: Option<String>,
    next: Option<String>,
}

#[derive(Deserialize)]
struct PageParam {
    page: Option<String>,
}

async fn organization_page(State(p): State<Platform>, ViewerExt(v): ViewerExt, Path(slug): Path<String>, Query(q): Query<PageParam>) -> Response {
    let r = async {
        let org = api::organization_out(&p, &slug).await?;
        let pg = q.page.as_deref().map(|s| s.parse::<i64>().ok().filter(|n| (1..=1_000_000).contains(n)).ok_or_else(|| AppError::invalid(vec![platform::error::FieldError::new("page", "out_of_range")]))).transpose()?.unwrap_or(1);
        let raw = serde_urlencoded::to_string([("organization", org.org.slug.as_str()), ("page", &pg.to_string()), ("sort", "title")]).unwrap_or_default();
        let mut sq = api::parse_search(&p, Some(&raw), 100).await?;
        sq.facets = false;
        let path = format!("/catalog/organizations/{}", org.org.slug);
        let res = api::run_search(&p, &v, &sq, &path, None).await?;
        let pages = (res.total + sq.page_size - 1) / sq.page_size;
        let link = |n: i64| format!("{path}?page={n}");
        let ctx = Ctx::new(&p, &v, "/catalog", "catalog.nav").titled(org.org.name.clone());
        Ok(render(&OrgTpl {
            description: markdown(&org.description),
            results: res.data.iter().map(|d| result_row(d, v.locale)).collect(),
            total: res.total,
            page: pg,
            pages,
            prev: (pg > 1).then(|| link(pg - 1)),
            next: (pg < pages).then(|| link(pg + 1)),
            org,
            ctx,
        }))
    }
    .await;
    page(&p, &v, r)
}

// ---------------------------------------------------------------- table preview

struct TableHead {
    name: String,
    /// `ascending`, `descending` or `none` (for `aria-sort`).
    sorted: &'static str,
    sort_href: String,
    filter_name: String,
    filter_value: String,
    numeric: bool,
}

#[derive(Template)]
#[template(path = "catalog_table.html")]
struct TableTpl<'a> {
    ctx: Ctx<'a>,
    d: Dataset,
    rid: String,
    title: String,
    format: String,
    download: String,
    /// Why there are no rows to show yet (table queued, loading or failed), else empty.
    state: String,
    error: Option<String>,
    heads: Vec<TableHead>,
    /// Cells with whether they are numbers (aligned right).
    rows: Vec<Vec<(String, bool)>>,
    hidden: Vec<(String, String)>,
    total: i64,
    page: i64,
    pages: i64,
    prev: Option<String>,
    next: Option<String>,
    filtered: bool,
}

/// The preview's own parameters, in the tabular API's syntax: `page`, `{column}__sort`, and one
/// filter per column (`__contains` on text, `__exact` otherwise); empty fields left out.
fn table_pairs(raw: Option<&str>) -> Vec<(String, String)> {
    serde_urlencoded::from_str::<Vec<(String, String)>>(raw.unwrap_or(""))
        .unwrap_or_default()
        .into_iter()
        .filter(|(k, v)| !v.trim().is_empty() && (k == "page" || k.ends_with("__sort") || k.ends_with("__contains") || k.ends_with("__exact")))
        .collect()
}

const PREVIEW_PAGE_SIZE: i64 = 20;

async fn table_page(State(p): State<Platform>, ViewerExt(v): ViewerExt, Path(rid): Path<String>, RawQuery(raw): RawQuery) -> Response {
    let r = table_inner(&p, &v, &rid, raw.as_deref()).await;
    page(&p, &v, r)
}

async fn table_inner(p: &Platform, v: &Viewer, rid: &str, raw: Option<&str>) -> Result<Response, AppError> {
    use crate::tabular::{query, store as tables, types::ColType};
    let res = crate::store::get_resource(p.db.pool(), rid).await?.ok_or_else(AppError::not_found)?;
    let d = service::visible_dataset(p, &v.principal, &res.dataset_id).await?;
    let ctx = Ctx::new(p, v, "/catalog", "catalog.preview.title");
    let title = format!("{} — {}", ctx.t.t("catalog.preview.title"), res.title);
    let ctx = ctx.titled(title);
    let path = format!("/catalog/tables/{rid}");
    let mut tpl = TableTpl {
        ctx,
        rid: res.id.clone(),
        title: res.title.clone(),
        format: res.format.to_uppercase(),
        download: res.url.clone(),
        d,
        state: String::new(),
        error: None,
        heads: vec![],
        rows: vec![],
        hidden: vec![],
        total: 0,
        page: 1,
        pages: 1,
        prev: None,
        next: None,
        filtered: false,
    };
    let meta = tables::get(p.db.pool(), rid).await?.filter(|m| m.resource_id.as_deref() == Some(rid));
    let Some((meta, table)) = meta.and_then(|m| m.table_name.clone().map(|t| (m, t))) else {
        tpl.state = tpl.ctx.t.t(if matches!(res.format.as_str(), "csv" | "tsv") { "catalog.preview.not_loaded" } else { "catalog.preview.not_tabular" }).to_string();
        return Ok(render(&tpl));
    };
    let mut pairs = table_pairs(raw);
    pairs.push(("page_size".into(), PREVIEW_PAGE_SIZE.to_string()));
    let q = match query::parse(&pairs, &meta.columns) {
        Ok(q) => q,
        Err(e) => {
            // A stale link (a column renamed by a reload, a page past the end): the first page, said so.
            tpl.error = Some(e.errors.iter().map(|f| f.field.clone()).collect::<Vec<_>>().join(", "));
            pairs.retain(|(k, _)| k == "page_size");
            query::parse(&pairs, &meta.columns)?
        }
    };
    pairs.retain(|(k, _)| k != "page_size");
    let pg = p.db.backend() == platform::db::Backend::Postgres;
    let (sql, count, out) = query::select(&q, &meta.columns, &table, pg, Some((q.page_size, q.offset)));
    let rows = tables::fetch_rows(p, &sql, &out).await?;
    let total = match count {
        Some(c) => tables::count(p, &c).await?,
        None => meta.row_count,
    };
    let fr = v.locale == Locale::Fr;
    // The API's row id (`__id`) is not a column of the file.
    tpl.rows = rows
        .iter()
        .map(|r| {
            out.iter()
                .zip(r)
                .filter(|(c, _)| c.name != "__id")
                .map(|(c, x)| {
                    let text = match x {
                        crate::tabular::types::Value::Float(f) if fr => f.to_string().replace('.', ","),
                        other => other.to_csv(),
                    };
                    (text, matches!(c.ty, ColType::Integer | ColType::Decimal))
                })
                .collect()
        })
        .collect();
    let without = |drop: &dyn Fn(&str) -> bool| pairs.iter().filter(|(k, _)| !drop(k)).cloned().collect::<Vec<_>>();
    tpl.heads = meta
        .columns
        .iter()
        .map(|c| {
            let numeric = matches!(c.ty, ColType::Integer | ColType::Decimal);
            let sort_key = format!("{}__sort", c.name);
            let current = pairs.iter().find(|(k, _)| *k == sort_key).map(|(_, v)| v.as_str());
            let mut kept = without(&|k: &str| k == "page" || k.ends_with("__sort"));
            kept.push((sort_key, if current == Some("asc") { "desc".into() } else { "asc".into() }));
            let filter_name = format!("{}__{}", c.name, if c.ty == ColType::Text { "contains" } else { "exact" });
            let filter_value = pairs.iter().find(|(k, _)| *k == filter_name).map(|(_, v)| v.clone()).unwrap_or_default();
            TableHead {
                name: c.name.clone(),
                sorted: match current {
                    Some("asc") => "ascending",
                    Some("desc") => "descending",
                    _ => "none",
                },
                sort_href: href_of(&path, &kept),
                filter_name,
                filter_value,
                numeric,
            }
        })
        .collect();
    tpl.hidden = pairs.iter().filter(|(k, _)| k.ends_with("__sort")).cloned().collect();
    tpl.filtered = pairs.iter().any(|(k, _)| k.ends_with("__contains") || k.ends_with("__exact"));
    tpl.total = total;
    tpl.page = q.page;
    tpl.pages = ((total + q.page_size - 1) / q.page_size).max(1);
    let at = |n: i64| {
        let mut kept = without(&|k: &str| k == "page");
        if n > 1 {
            kept.push(("page".into(), n.to_string()));
        }
        href_of(&path, &kept)
    };
    tpl.prev = (q.page > 1).then(|| at(q.page - 1));
    tpl.next = (q.page < tpl.pages).then(|| at(q.page + 1));
    Ok(render(&tpl))
}

// ---------------------------------------------------------------- files

/// Serves an uploaded resource file, under the same visibility as its dataset.
async fn download(State(p): State<Platform>, ViewerExt(v): ViewerExt, Path((rid, _name)): Path<(String, String)>) -> Response {
    let found = async {
        let r = crate::store::get_resource(p.db.pool(), &rid).await.ok()??;
        crate::service::visible_dataset(&p, &v.principal, &r.dataset_id).await.ok()?;
        let sha = r.sha256.clone()?;
        let bytes = p.files.get(&sha).await.ok()?;
        Some((r, bytes))
    }
    .await;
    match found {
        Some((r, bytes)) => {
            let ct = if r.mime.is_empty() { "application/octet-stream".to_string() } else { r.mime.clone() };
            let name = crate::service::sanitize_filename(&r.title);
            (
                [
                    (header::CONTENT_TYPE, ct),
                    (header::CONTENT_DISPOSITION, format!("attachment; filename=\"{name}\"")),
                    (header::HeaderName::from_static("x-content-type-options"), "nosniff".to_string()),
                ],
                bytes,
            )
                .into_response()
        }
        None => error_page(&p, Some(&v), v.locale, platform::error::AppError::not_found()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn raw_html_is_shown_as_text() {
        let html = markdown("Bonjour <script>alert(1)</script> et <b>gras</b>\n\n<div onclick=\"x()\">bloc</div>");
        assert!(!html.contains("<script"), "{html}");
        assert!(!html.contains("<b>"), "{html}");
        assert!(!html.contains("<div"), "{html}");
        assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"), "{html}");
    }

    #[test]
    fn links_keep_only_safe_targets_and_images_become_links() {
        let html = markdown("[a](javascript:alert(1)) [b](JaVa\tScRiPt:x) [c](jav&#x61;script:y) [d](https://exemple.fr/x) [e](/catalog) [f](data:text/html,x) ![g](https://pixel.example/p.gif)");
        assert!(!html.to_lowercase().contains("javascript"), "{html}");
        assert!(!html.contains("data:"), "{html}");
        assert!(html.contains("href=\"https://exemple.fr/x\""), "{html}");
        assert!(html.contains("href=\"/catalog\""), "{html}");
        assert!(!html.contains("<img"), "{html}");
        assert!(html.contains("<a href=\"https://pixel.example/p.gif\">g</a>"), "{html}");
    }

    #[test]
    fn headings_start_below_the_page_headings() {
        let html = markdown("# Titre\n\n## Sous-titre\n\ntexte");
        assert!(html.contains("<h3>Titre</h3>") && html.contains("<h4>Sous-titre</h4>"), "{html}");
        assert!(!html.contains("<h1>"));
    }

    #[test]
    fn facet_links_add_replace_and_remove() {
        let pairs = vec![("q".to_string(), "arbres".to_string()), ("tag".to_string(), "eau".to_string()), ("license".to_string(), "lov2".to_string()), ("page".to_string(), "3".to_string())];
        assert_eq!(toggle("/catalog", &pairs, "tag", "sante").0, "/catalog?q=arbres&tag=eau&license=lov2&tag=sante");
        assert_eq!(toggle("/catalog", &pairs, "license", "odc-odbl").0, "/catalog?q=arbres&tag=eau&license=odc-odbl");
        let (href, selected) = toggle("/catalog", &pairs, "tag", "eau");
        assert!(selected);
        assert_eq!(href, "/catalog?q=arbres&license=lov2");
        assert_eq!(search_pairs(Some("q=&lang=en&tag=eau&notice=saved&format=")), vec![("tag".to_string(), "eau".to_string())]);
    }

    #[test]
    fn sizes_and_excerpts() {
        assert_eq!(human_size(950, Locale::Fr), "950 o");
        assert_eq!(human_size(1_234_567, Locale::Fr), "1,2 Mo");
        assert_eq!(human_size(1_234_567, Locale::En), "1.2 MB");
        assert_eq!(excerpt("**Gras** et `code`\n\nsuite", 100), "Gras et code suite");
        assert_eq!(excerpt("un deux trois", 7), "un deux…");
    }
}
