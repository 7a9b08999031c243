//! Seed bank pages: lots (search, page with stock, ledger, tests and viability forecast),
//! harvests, and the forms to record them. Server-rendered, usable without JavaScript.
use std::collections::HashMap;

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;
use axum::{Form, Router};
use platform::error::AppError;
use platform::html::{error_page, render, render_status, see_other, Ctx, FormErrors};
use platform::http::extract::ViewerExt;
use platform::http::Viewer;
use platform::Platform;
use serde::Deserialize;

use crate::domain::germination::Metrics;
use crate::domain::lot::{MaterialType, MovementKind, PopulationClass, Purpose, TestKind};
use crate::service::{
    self, Forecast, Harvest, HarvestInput, Lot, LotFilter, LotInput, Movement, MovementInput,
    NoForecast, PlaceStock, Test, TestInput,
};

pub fn router() -> Router<Platform> {
    Router::new()
        .route("/", get(index))
        .route("/harvests", get(harvests))
        .route("/harvests/new", get(new_harvest_form).post(new_harvest))
        .route("/harvests/{id}", get(harvest_page))
        .route(
            "/harvests/{id}/edit",
            get(edit_harvest_form).post(edit_harvest),
        )
        .route("/lots/new", get(new_lot_form).post(new_lot))
        .route("/lots/{id}", get(lot_page))
        .route("/lots/{id}/edit", get(edit_lot_form).post(edit_lot))
        .route("/lots/{id}/movements", axum::routing::post(add_movement))
        .route("/lots/{id}/tests", axum::routing::post(add_test))
        .route("/lots/{id}/derive", axum::routing::post(derive_lot))
        .route("/lots/{id}/readings", axum::routing::post(add_reading))
        .route("/tests/{id}", get(test_page).post(save_counts))
        .route("/schedule", get(schedule))
        .route("/taxa", get(taxa))
        .route("/taxa/import", get(taxref_form).post(taxref_upload))
        .route("/taxa/{cd_nom}", get(taxon_page))
        .route(
            "/taxa/{cd_nom}/constants",
            axum::routing::post(save_constants),
        )
}

fn page(p: &Platform, v: &Viewer, r: Result<Response, AppError>) -> Response {
    r.unwrap_or_else(|e| error_page(p, Some(v), v.locale, e))
}

fn login_first(back: &str) -> Response {
    see_other(&format!(
        "/login?next={}",
        serde_urlencoded::to_string([("", back)])
            .map(|e| e.trim_start_matches('=').to_string())
            .unwrap_or_default()
    ))
}

/// Field errors in the page's language: the module's own codes first, then the platform's.
fn form_errors(ctx: &Ctx<'_>, e: &AppError) -> FormErrors {
    FormErrors(
        e.errors
            .iter()
            .map(|f| {
                let own = format!("seedbank.error.{}", f.code);
                let msg = if ctx.t.catalog.contains(ctx.t.locale, &own) {
                    ctx.tk("seedbank.error", &f.code)
                } else {
                    ctx.tk("error.field", &f.code)
                };
                (f.field.clone(), msg)
            })
            .collect(),
    )
}

fn choices(
    ctx: &Ctx<'_>,
    prefix: &str,
    ids: impl Iterator<Item = &'static str>,
) -> Vec<(&'static str, String)> {
    ids.map(|id| (id, ctx.tk(prefix, id))).collect()
}

/// A number typed by a French or English speaker: `1,5` and `1.5` alike; empty is none.
fn number(
    errors: &mut Vec<platform::error::FieldError>,
    field: &'static str,
    s: &str,
) -> Option<f64> {
    let s = s.trim().replace(['\u{a0}', ' '], "").replace(',', ".");
    if s.is_empty() {
        return None;
    }
    match s.parse::<f64>() {
        Ok(x) if x.is_finite() => Some(x),
        _ => {
            errors.push(platform::error::FieldError::new(field, "not_a_number"));
            None
        }
    }
}

/// The value, unless the form's own checks found errors.
fn checked<T>(errors: Vec<platform::error::FieldError>, value: T) -> Result<T, AppError> {
    if errors.is_empty() {
        Ok(value)
    } else {
        Err(AppError::invalid(errors))
    }
}

fn some(s: &str) -> Option<String> {
    Some(s.trim().to_string()).filter(|s| !s.is_empty())
}

// ---------------------------------------------------------------- lots list

#[derive(Template)]
#[template(path = "seedbank_index.html")]
struct Index<'a> {
    ctx: Ctx<'a>,
    q: String,
    status: String,
    statuses: Vec<(&'static str, String)>,
    lots: Vec<Lot>,
    total: i64,
    page: i64,
    prev: Option<String>,
    next: Option<String>,
}

#[derive(Deserialize, Default)]
struct IndexQuery {
    q: Option<String>,
    status: Option<String>,
    page: Option<i64>,
}

async fn index(
    State(p): State<Platform>,
    ViewerExt(v): ViewerExt,
    Query(q): Query<IndexQuery>,
) -> Response {
    let r = async {
        let ctx = Ctx::new(&p, &v, "/seedbank", "seedbank.nav");
        let page = q.page.unwrap_or(1).max(1);
        let status = q.status.clone().filter(|s| !s.is_empty());
        let f = LotFilter {
            q: q.q.clone(),
            status: status.clone(),
            page: Some(page),
            page_size: Some(20),
            ..Default::default()
        };
        let (lots, total) = service::list_lots(&p, &v.principal, &f).await?;
        let link = |n: i64| {
            format!(
                "/seedbank?{}",
                serde_urlencoded::to_string([
                    ("q", q.q.clone().unwrap_or_default()),
                    ("status", status.clone().unwrap_or_default()),
                    ("page", n.to_string())
                ])
                .unwrap_or_default()
            )
        };
        let statuses = choices(
            &ctx,
            "seedbank.status",
            crate::domain::lot::LotStatus::ALL.iter().map(|s| s.id()),
        );
        Ok(render(&Index {
            prev: (page > 1).then(|| link(page - 1)),
            next: (page * 20 < total).then(|| link(page + 1)),
            ctx,
            q: q.q.unwrap_or_default(),
            status: status.unwrap_or_default(),
            statuses,
            lots,
            total,
            page,
        }))
    }
    .await;
    page(&p, &v, r)
}

// ---------------------------------------------------------------- harvests

#[derive(Template)]
#[template(path = "seedbank_harvests.html")]
struct Harvests<'a> {
    ctx: Ctx<'a>,
    harvests: Vec<Harvest>,
    total: i64,
}

async fn harvests(State(p): State<Platform>, ViewerExt(v): ViewerExt) -> Response {
    let r = async {
        let (harvests, total) = service::list_harvests(&p, &v.principal, 1, 100).await?;
        Ok(render(&Harvests {
            ctx: Ctx::new(&p, &v, "/seedbank/harvests", "seedbank.harvest.list_title"),
            harvests,
            total,
        }))
    }
    .await;
    page(&p, &v, r)
}

#[derive(Template)]
#[template(path = "seedbank_harvest.html")]
struct HarvestPage<'a> {
    ctx: Ctx<'a>,
    h: Harvest,
    lots: Vec<Lot>,
    population: String,
}

#[derive(Deserialize, Default)]
struct NoticeQuery {
    notice: Option<String>,
}

async fn harvest_page(
    State(p): State<Platform>,
    ViewerExt(v): ViewerExt,
    Path(id): Path<i64>,
    Query(q): Query<NoticeQuery>,
) -> Response {
    let r = async {
        let h = service::get_harvest(&p, &v.principal, id).await?;
        let (lots, _) = service::list_lots(
            &p,
            &v.principal,
            &LotFilter {
                harvest_id: Some(id),
                page_size: Some(100),
                ..Default::default()
            },
        )
        .await?;
        let ctx = Ctx::new(&p, &v, "/seedbank/harvests", "seedbank.harvest.title")
            .notice(q.notice.as_deref());
        let title = format!("{} {}", ctx.t.t("seedbank.harvest.title"), h.code);
        let ctx = ctx.titled(title);
        let population = h
            .population_class
            .as_deref()
            .map(|c| ctx.tk("seedbank.population", c))
            .unwrap_or_default();
        Ok(render(&HarvestPage {
            ctx,
            h,
            lots,
            population,
        }))
    }
    .await;
    page(&p, &v, r)
}

#[derive(Deserialize, Default, Clone)]
struct HarvestForm {
    #[serde(default)]
    code: String,
    #[serde(default)]
    org_id: String,
    #[serde(default)]
    date_start: String,
    #[serde(default)]
    date_end: String,
    #[serde(default)]
    locality: String,
    #[serde(default)]
    commune_insee: String,
    #[serde(default)]
    lat: String,
    #[serde(default)]
    lon: String,
    #[serde(default)]
    precision_m: String,
    #[serde(default)]
    altitude_m: String,
    #[serde(default)]
    collectors: String,
    #[serde(default)]
    population_class: String,
    #[serde(default)]
    plants_sampled: String,
    #[serde(default)]
    remarks: String,
}

impl HarvestForm {
    fn of(h: &Harvest) -> Self {
        let n = |x: Option<f64>| x.map(|v| v.to_string()).unwrap_or_default();
        HarvestForm {
            code: h.code.clone(),
            org_id: h.org_id.map(|o| o.to_string()).unwrap_or_default(),
            date_start: h.date_start.clone(),
            date_end: h.date_end.clone().unwrap_or_default(),
            locality: h.locality.clone(),
            commune_insee: h.commune_insee.clone().unwrap_or_default(),
            lat: n(h.lat),
            lon: n(h.lon),
            precision_m: n(h.precision_m),
            altitude_m: n(h.altitude_m),
            collectors: h.collectors.clone(),
            population_class: h.population_class.clone().unwrap_or_default(),
            plants_sampled: h.plants_sampled.map(|x| x.to_string()).unwrap_or_default(),
            remarks: h.remarks.clone(),
        }
    }
    fn input(&self) -> Result<HarvestInput, AppError> {
        let mut e = Vec::new();
        let i = HarvestInput {
            code: some(&self.code),
            org_id: self.org_id.trim().parse().ok(),
            date_start: self.date_start.clone(),
            date_end: some(&self.date_end),
            locality: self.locality.clone(),
            commune_insee: some(&self.commune_insee),
            lat: number(&mut e, "lat", &self.lat),
            lon: number(&mut e, "lon", &self.lon),
            precision_m: number(&mut e, "precision_m", &self.precision_m),
            altitude_m: number(&mut e, "altitude_m", &self.altitude_m),
            collectors: self.collectors.clone(),
            population_class: some(&self.population_class),
            plants_sampled: number(&mut e, "plants_sampled", &self.plants_sampled)
                .map(|x| x as i64),
            remarks: self.remarks.clone(),
        };
        checked(e, i)
    }
}

#[derive(Template)]
#[template(path = "seedbank_harvest_form.html")]
struct HarvestFormTpl<'a> {
    ctx: Ctx<'a>,
    action: String,
    f: HarvestForm,
    errors: FormErrors,
    orgs: Vec<(String, String)>,
    populations: Vec<(&'static str, String)>,
    cancel: String,
}

async fn orgs_of(p: &Platform, v: &Viewer) -> Vec<(String, String)> {
    let Some(u) = v.user.as_ref() else {
        return Vec::new();
    };
    p.orgs_of_user(u.id)
        .await
        .unwrap_or_default()
        .into_iter()
        .map(|(o, _)| (o.id.to_string(), o.name))
        .collect()
}

async fn harvest_form(
    p: &Platform,
    v: &Viewer,
    title: &str,
    action: String,
    f: HarvestForm,
    errors: FormErrors,
    cancel: String,
    status: StatusCode,
) -> Response {
    let ctx = Ctx::new(p, v, "/seedbank/harvests", title);
    let populations = choices(
        &ctx,
        "seedbank.population",
        PopulationClass::ALL.iter().map(|c| c.id()),
    );
    let orgs = orgs_of(p, v).await;
    render_status(
        status,
        &HarvestFormTpl {
            ctx,
            action,
            f,
            errors,
            orgs,
            populations,
            cancel,
        },
    )
}

async fn new_harvest_form(State(p): State<Platform>, ViewerExt(v): ViewerExt) -> Response {
    if v.user.is_none() {
        return login_first("/seedbank/harvests/new");
    }
    let f = HarvestForm {
        org_id: orgs_of(&p, &v)
            .await
            .first()
            .map(|o| o.0.clone())
            .unwrap_or_default(),
        ..Default::default()
    };
    harvest_form(
        &p,
        &v,
        "seedbank.harvest.new_title",
        "/seedbank/harvests/new".into(),
        f,
        FormErrors::default(),
        "/seedbank/harvests".into(),
        StatusCode::OK,
    )
    .await
}

async fn new_harvest(
    State(p): State<Platform>,
    ViewerExt(v): ViewerExt,
    Form(f): Form<HarvestForm>,
) -> Response {
    if v.user.is_none() {
        return login_first("/seedbank/harvests/new");
    }
    let r = match f.input() {
        Ok(i) => service::create_harvest(&p, &v.principal, &v.actor(), &i).await,
        Err(e) => Err(e),
    };
    match r {
        Ok(h) => see_other(&format!(
            "/seedbank/harvests/{}?notice=notice.seedbank.harvest_created",
            h.id
        )),
        Err(e) if e.status == StatusCode::UNPROCESSABLE_ENTITY => {
            let errors = form_errors(&Ctx::new(&p, &v, "/seedbank", "seedbank.nav"), &e);
            harvest_form(
                &p,
                &v,
                "seedbank.harvest.new_title",
                "/seedbank/harvests/new".into(),
                f,
                errors,
                "/seedbank/harvests".into(),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(e) => error_page(&p, Some(&v), v.locale, e),
    }
}

async fn edit_harvest_form(
    State(p): State<Platform>,
    ViewerExt(v): ViewerExt,
    Path(id): Path<i64>,
) -> Response {
    if v.user.is_none() {
        return login_first(&format!("/seedbank/harvests/{id}/edit"));
    }
    match service::get_harvest(&p, &v.principal, id).await {
        Ok(h) => {
            harvest_form(
                &p,
                &v,
                "seedbank.harvest.edit_title",
                format!("/seedbank/harvests/{id}/edit"),
                HarvestForm::of(&h),
                FormErrors::default(),
                format!("/seedbank/harvests/{id}"),
                StatusCode::OK,
            )
            .await
        }
        Err(e) => error_page(&p, Some(&v), v.locale, e),
    }
}

async fn edit_harvest(
    State(p): State<Platform>,
    ViewerExt(v): ViewerExt,
    Path(id): Path<i64>,
    Form(f): Form<HarvestForm>,
) -> Response {
    if v.user.is_none() {
        return login_first(&format!("/seedbank/harvests/{id}/edit"));
    }
    let r = match f.input() {
        Ok(i) => service::update_harvest(&p, &v.principal, &v.actor(), id, &i).await,
        Err(e) => Err(e),
    };
    match r {
        Ok(h) => see_other(&format!(
            "/seedbank/harvests/{}?notice=notice.seedbank.saved",
            h.id
        )),
        Err(e) if e.status == StatusCode::UNPROCESSABLE_ENTITY => {
            let errors = form_errors(&Ctx::new(&p, &v, "/seedbank", "seedbank.nav"), &e);
            harvest_form(
                &p,
                &v,
                "seedbank.harvest.edit_title",
                format!("/seedbank/harvests/{id}/edit"),
                f,
                errors,
                format!("/seedbank/harvests/{id}"),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(e) => error_page(&p, Some(&v), v.locale, e),
    }
}

// ---------------------------------------------------------------- lots

#[derive(Deserialize, Default, Clone)]
struct LotForm {
    #[serde(default)]
    code: String,
    #[serde(default)]
    harvest_id: String,
    #[serde(default)]
    org_id: String,
    #[serde(default)]
    material_type: String,
    /// Names typed by a person, one per line: each must designate one TAXREF name.
    #[serde(default)]
    taxa: String,
    #[serde(default)]
    thousand_seed_mass_g: String,
    #[serde(default)]
    storage_temperature_c: String,
    #[serde(default)]
    moisture_percent: String,
    /// Only on the edit form: new lots are active.
    #[serde(default)]
    status: String,
    #[serde(default)]
    remarks: String,
}

impl LotForm {
    fn of(l: &Lot) -> Self {
        let n = |x: Option<f64>| x.map(|v| v.to_string()).unwrap_or_default();
        LotForm {
            code: l.code.clone(),
            harvest_id: l.harvest_id.map(|h| h.to_string()).unwrap_or_default(),
            org_id: l.org_id.map(|o| o.to_string()).unwrap_or_default(),
            material_type: l.material_type.clone(),
            taxa: l
                .taxa
                .iter()
                .map(|t| t.nom_complet.as_str())
                .collect::<Vec<_>>()
                .join("\n"),
            thousand_seed_mass_g: n(l.thousand_seed_mass_g),
            storage_temperature_c: n(l.storage_temperature_c),
            moisture_percent: n(l.moisture_percent),
            status: l.status.clone(),
            remarks: l.remarks.clone(),
        }
    }
}

/// The TAXREF name a person means: an exact scientific name (with or without author), a
/// `cd_nom`, or the only name matching the words.
async fn resolve_taxon(p: &Platform, typed: &str) -> Result<i64, String> {
    let typed = typed.trim();
    if let Ok(cd) = typed.parse::<i64>() {
        return service::get_taxon(p, cd)
            .await
            .map(|t| t.cd_nom)
            .map_err(|_| typed.to_string());
    }
    let found = service::search_taxa(p, typed, 20)
        .await
        .map_err(|_| typed.to_string())?;
    let folded = platform::search::fold(typed);
    if let Some(t) = found.iter().find(|t| {
        platform::search::fold(&t.nom_complet) == folded
            || platform::search::fold(&t.lb_nom) == folded
    }) {
        return Ok(t.cd_nom);
    }
    match found.as_slice() {
        [one] => Ok(one.cd_nom),
        _ => Err(typed.to_string()),
    }
}

impl LotForm {
    async fn input(&self, p: &Platform) -> Result<LotInput, AppError> {
        let mut e = Vec::new();
        let mut taxa = Vec::new();
        for line in self.taxa.lines().filter(|l| !l.trim().is_empty()) {
            match resolve_taxon(p, line).await {
                Ok(cd) => taxa.push(cd),
                Err(name) => {
                    let mut fe = platform::error::FieldError::new("taxa", "ambiguous_taxon");
                    fe.message = name;
                    e.push(fe);
                }
            }
        }
        let i = LotInput {
            code: some(&self.code),
            harvest_id: self.harvest_id.trim().parse().ok(),
            parent_id: None,
            derivation: None,
            material_type: self.material_type.clone(),
            taxa,
            org_id: self.org_id.trim().parse().ok(),
            status: some(&self.status),
            thousand_seed_mass_g: number(
                &mut e,
                "thousand_seed_mass_g",
                &self.thousand_seed_mass_g,
            ),
            storage_temperature_c: number(
                &mut e,
                "storage_temperature_c",
                &self.storage_temperature_c,
            ),
            moisture_percent: number(&mut e, "moisture_percent", &self.moisture_percent),
            remarks: self.remarks.clone(),
        };
        checked(e, i)
    }
}

#[derive(Template)]
#[template(path = "seedbank_lot_form.html")]
struct LotFormTpl<'a> {
    ctx: Ctx<'a>,
    /// The lot being edited; `None` on the creation form.
    editing: Option<i64>,
    statuses: Vec<(&'static str, String)>,
    f: LotForm,
    errors: FormErrors,
    orgs: Vec<(String, String)>,
    materials: Vec<(&'static str, String)>,
    harvest: Option<Harvest>,
}

async fn lot_form(
    p: &Platform,
    v: &Viewer,
    editing: Option<i64>,
    f: LotForm,
    errors: FormErrors,
    status: StatusCode,
) -> Response {
    let title = if editing.is_some() {
        "seedbank.lot.edit_title"
    } else {
        "seedbank.lot.new_title"
    };
    let ctx = Ctx::new(p, v, "/seedbank", title);
    let statuses = choices(
        &ctx,
        "seedbank.status",
        crate::domain::lot::LotStatus::ALL.iter().map(|s| s.id()),
    );
    let materials = choices(
        &ctx,
        "seedbank.material",
        MaterialType::ALL.iter().map(|m| m.id()),
    );
    let harvest = match f.harvest_id.trim().parse::<i64>() {
        Ok(id) => service::get_harvest(p, &v.principal, id).await.ok(),
        Err(_) => None,
    };
    let orgs = orgs_of(p, v).await;
    render_status(
        status,
        &LotFormTpl {
            ctx,
            editing,
            statuses,
            f,
            errors,
            orgs,
            materials,
            harvest,
        },
    )
}

#[derive(Deserialize, Default)]
struct NewLotQuery {
    harvest_id: Option<i64>,
}

async fn new_lot_form(
    State(p): State<Platform>,
    ViewerExt(v): ViewerExt,
    Query(q): Query<NewLotQuery>,
) -> Response {
    if v.user.is_none() {
        return login_first("/seedbank/lots/new");
    }
    let harvest = match q.harvest_id {
        Some(id) => match service::get_harvest(&p, &v.principal, id).await {
            Ok(h) => Some(h),
            Err(e) => return error_page(&p, Some(&v), v.locale, e),
        },
        None => None,
    };
    let org = match &harvest {
        Some(h) => h.org_id.map(|o| o.to_string()).unwrap_or_default(),
        None => orgs_of(&p, &v)
            .await
            .first()
            .map(|o| o.0.clone())
            .unwrap_or_default(),
    };
    let f = LotForm {
        harvest_id: q.harvest_id.map(|h| h.to_string()).unwrap_or_default(),
        org_id: org,
        material_type: "seed".into(),
        ..Default::default()
    };
    lot_form(&p, &v, None, f, FormErrors::default(), StatusCode::OK).await
}

async fn new_lot(
    State(p): State<Platform>,
    ViewerExt(v): ViewerExt,
    Form(f): Form<LotForm>,
) -> Response {
    if v.user.is_none() {
        return login_first("/seedbank/lots/new");
    }
    let r = match f.input(&p).await {
        Ok(i) => service::create_lot(&p, &v.principal, &v.actor(), &i).await,
        Err(e) => Err(e),
    };
    match r {
        Ok(l) => see_other(&format!(
            "/seedbank/lots/{}?notice=notice.seedbank.lot_created",
            l.id
        )),
        Err(e) if e.status == StatusCode::UNPROCESSABLE_ENTITY => {
            let errors = form_errors(&Ctx::new(&p, &v, "/seedbank", "seedbank.nav"), &e);
            lot_form(&p, &v, None, f, errors, StatusCode::UNPROCESSABLE_ENTITY).await
        }
        Err(e) => error_page(&p, Some(&v), v.locale, e),
    }
}

async fn edit_lot_form(
    State(p): State<Platform>,
    ViewerExt(v): ViewerExt,
    Path(id): Path<i64>,
) -> Response {
    if v.user.is_none() {
        return login_first(&format!("/seedbank/lots/{id}/edit"));
    }
    match service::get_lot(&p, &v.principal, id).await {
        Ok(l) => {
            lot_form(
                &p,
                &v,
                Some(id),
                LotForm::of(&l),
                FormErrors::default(),
                StatusCode::OK,
            )
            .await
        }
        Err(e) => error_page(&p, Some(&v), v.locale, e),
    }
}

async fn edit_lot(
    State(p): State<Platform>,
    ViewerExt(v): ViewerExt,
    Path(id): Path<i64>,
    Form(f): Form<LotForm>,
) -> Response {
    if v.user.is_none() {
        return login_first(&format!("/seedbank/lots/{id}/edit"));
    }
    let r = async {
        let before = service::get_lot(&p, &v.principal, id).await?;
        // Provenance is not on the form: it stays as recorded.
        let i = LotInput {
            harvest_id: before.harvest_id,
            parent_id: before.parent_id,
            derivation: before.derivation.clone(),
            ..f.input(&p).await?
        };
        service::update_lot(&p, &v.principal, &v.actor(), id, &i).await
    }
    .await;
    match r {
        Ok(l) => see_other(&format!(
            "/seedbank/lots/{}?notice=notice.seedbank.saved",
            l.id
        )),
        Err(e) if e.status == StatusCode::UNPROCESSABLE_ENTITY => {
            let errors = form_errors(&Ctx::new(&p, &v, "/seedbank", "seedbank.nav"), &e);
            lot_form(
                &p,
                &v,
                Some(id),
                f,
                errors,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(e) => error_page(&p, Some(&v), v.locale, e),
    }
}

#[derive(Deserialize, Default, Clone)]
struct MovementForm {
    #[serde(default)]
    kind: String,
    #[serde(default)]
    purpose: String,
    #[serde(default)]
    on_date: String,
    #[serde(default)]
    place: String,
    #[serde(default)]
    to_place: String,
    #[serde(default)]
    quantity: String,
    #[serde(default)]
    unit: String,
    #[serde(default)]
    remarks: String,
}

#[derive(Deserialize, Default, Clone)]
struct TestForm {
    #[serde(default)]
    kind: String,
    #[serde(default)]
    started_on: String,
    #[serde(default)]
    seeds_tested: String,
    #[serde(default)]
    replicates: String,
    #[serde(default)]
    substrate: String,
    #[serde(default)]
    temperature_day_c: String,
    #[serde(default)]
    temperature_night_c: String,
    #[serde(default)]
    photoperiod_h: String,
    #[serde(default)]
    pretreatment: String,
    #[serde(default)]
    withdraw_from: String,
    #[serde(default)]
    location: String,
    #[serde(default)]
    container: String,
    #[serde(default)]
    method: String,
    #[serde(default)]
    depth_mm: String,
}

#[derive(Template)]
#[template(path = "seedbank_lot.html")]
struct LotPage<'a> {
    ctx: Ctx<'a>,
    l: Lot,
    material: String,
    status: String,
    places: Vec<PlaceStock>,
    movements: Vec<Movement>,
    tests: Vec<Test>,
    forecast: Option<Forecast>,
    missing: Option<String>,
    may_edit: bool,
    mf: MovementForm,
    m_errors: FormErrors,
    kinds: Vec<(&'static str, String)>,
    purposes: Vec<(&'static str, String)>,
    tf: TestForm,
    t_errors: FormErrors,
    test_kinds: Vec<(&'static str, String)>,
    df: DeriveForm,
    d_errors: FormErrors,
    derivations: Vec<(&'static str, String)>,
    children: Vec<Lot>,
    readings: Vec<service::Reading>,
    rf: ReadingForm,
    r_errors: FormErrors,
    reading_kinds: Vec<(&'static str, String)>,
}

#[derive(Deserialize, Default, Clone)]
struct ReadingForm {
    #[serde(default)]
    kind: String,
    #[serde(default)]
    value: String,
    #[serde(default)]
    on_date: String,
    #[serde(default)]
    place: String,
}

/// A form of the lot page sent back with its errors.
enum Posted {
    Nothing,
    Movement(MovementForm, AppError),
    Test(TestForm, AppError),
    Derive(DeriveForm, AppError),
    Reading(ReadingForm, AppError),
}

#[derive(Deserialize, Default, Clone)]
struct DeriveForm {
    #[serde(default)]
    code: String,
    #[serde(default)]
    derivation: String,
    #[serde(default)]
    quantity: String,
    #[serde(default)]
    unit: String,
    #[serde(default)]
    place: String,
    #[serde(default)]
    to_place: String,
    #[serde(default)]
    on_date: String,
}

async fn render_lot(
    p: &Platform,
    v: &Viewer,
    id: i64,
    notice: Option<&str>,
    posted: Posted,
) -> Response {
    let status = if matches!(posted, Posted::Nothing) {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let (mut mf, mut tf, mut df, mut rf) = (
        MovementForm::default(),
        TestForm::default(),
        DeriveForm::default(),
        ReadingForm::default(),
    );
    let (mut m_errors, mut t_errors, mut d_errors, mut r_errors) = (None, None, None, None);
    match posted {
        Posted::Nothing => {}
        Posted::Movement(f, e) => (mf, m_errors) = (f, Some(e)),
        Posted::Test(f, e) => (tf, t_errors) = (f, Some(e)),
        Posted::Derive(f, e) => (df, d_errors) = (f, Some(e)),
        Posted::Reading(f, e) => (rf, r_errors) = (f, Some(e)),
    }
    let r = async {
        let l = service::get_lot(p, &v.principal, id).await?;
        let ctx = Ctx::new(p, v, "/seedbank", "seedbank.lot.title").notice(notice);
        let title = format!("{} {}", ctx.t.t("seedbank.lot.title"), l.code);
        let ctx = ctx.titled(title);
        let places = service::stock_places(p, id).await?;
        let movements = service::movements(p, id).await?;
        let tests = service::lot_tests(p, id).await?;
        let (forecast, missing) = match service::forecast(p, &l, service::today(p)).await? {
            Ok(f) => (Some(f), None),
            Err(m) => (
                None,
                Some(ctx.tk("seedbank.forecast.missing", missing_id(m))),
            ),
        };
        let may_edit = v
            .principal
            .authorize(
                platform::access::Action::Update,
                &platform::access::Target::new("seedbank", "lot")
                    .owned_by(l.owner_id)
                    .in_org(l.org_id),
            )
            .is_ok();
        let m_errors = m_errors.map(|e| form_errors(&ctx, &e)).unwrap_or_default();
        let t_errors = t_errors.map(|e| form_errors(&ctx, &e)).unwrap_or_default();
        let d_errors = d_errors.map(|e| form_errors(&ctx, &e)).unwrap_or_default();
        let df = if df.derivation.is_empty() {
            DeriveForm {
                derivation: "split".into(),
                unit: "seeds".into(),
                on_date: service::today(p).iso(),
                ..df
            }
        } else {
            df
        };
        let children = service::children(p, &v.principal, id).await?;
        let readings = service::readings(p, id).await?;
        let r_errors = r_errors.map(|e| form_errors(&ctx, &e)).unwrap_or_default();
        let rf = if rf.kind.is_empty() {
            ReadingForm {
                kind: "erh".into(),
                on_date: service::today(p).iso(),
                ..rf
            }
        } else {
            rf
        };
        let tf = if tf.kind.is_empty() {
            TestForm {
                kind: "germination".into(),
                started_on: service::today(p).iso(),
                replicates: "1".into(),
                ..tf
            }
        } else {
            tf
        };
        let mf = if mf.kind.is_empty() {
            MovementForm {
                kind: "deposit".into(),
                unit: "seeds".into(),
                on_date: service::today(p).iso(),
                ..mf
            }
        } else {
            mf
        };
        Ok(render_status(
            status,
            &LotPage {
                material: ctx.tk("seedbank.material", &l.material_type),
                status: ctx.tk("seedbank.status", &l.status),
                kinds: choices(
                    &ctx,
                    "seedbank.movement",
                    MovementKind::ALL.iter().map(|k| k.id()),
                ),
                purposes: choices(
                    &ctx,
                    "seedbank.purpose",
                    Purpose::ALL.iter().map(|k| k.id()),
                ),
                test_kinds: choices(
                    &ctx,
                    "seedbank.test_kind",
                    TestKind::ALL.iter().map(|k| k.id()),
                ),
                derivations: choices(
                    &ctx,
                    "seedbank.derivation",
                    crate::domain::lot::Derivation::ALL.iter().map(|k| k.id()),
                ),
                df,
                d_errors,
                children,
                reading_kinds: choices(
                    &ctx,
                    "seedbank.reading",
                    crate::domain::lot::ReadingKind::ALL.iter().map(|k| k.id()),
                ),
                readings,
                rf,
                r_errors,
                ctx,
                l,
                places,
                movements,
                tests,
                forecast,
                missing,
                may_edit,
                mf,
                m_errors,
                tf,
                t_errors,
            },
        ))
    }
    .await;
    page(p, v, r)
}

fn missing_id(m: NoForecast) -> &'static str {
    match m {
        NoForecast::NoGerminationTest => "no_germination_test",
        NoForecast::NoStorageConditions => "no_storage_conditions",
        NoForecast::NoConstants => "no_constants",
        NoForecast::OutsideEquation => "outside_equation",
    }
}

async fn lot_page(
    State(p): State<Platform>,
    ViewerExt(v): ViewerExt,
    Path(id): Path<i64>,
    Query(q): Query<NoticeQuery>,
) -> Response {
    render_lot(&p, &v, id, q.notice.as_deref(), Posted::Nothing).await
}

async fn add_movement(
    State(p): State<Platform>,
    ViewerExt(v): ViewerExt,
    Path(id): Path<i64>,
    Form(f): Form<MovementForm>,
) -> Response {
    if v.user.is_none() {
        return login_first(&format!("/seedbank/lots/{id}"));
    }
    let mut e = Vec::new();
    let quantity = number(&mut e, "quantity", &f.quantity);
    let r = if e.is_empty() {
        let i = MovementInput {
            kind: f.kind.clone(),
            purpose: some(&f.purpose).filter(|_| f.kind == "withdrawal"),
            on_date: f.on_date.clone(),
            place: f.place.clone(),
            to_place: some(&f.to_place).filter(|_| f.kind == "transfer"),
            quantity: quantity.unwrap_or(0.0),
            unit: f.unit.clone(),
            remarks: f.remarks.clone(),
        };
        service::add_movement(&p, &v.principal, &v.actor(), id, &i)
            .await
            .map(|_| ())
    } else {
        Err(AppError::invalid(e))
    };
    match r {
        Ok(()) => see_other(&format!(
            "/seedbank/lots/{id}?notice=notice.seedbank.movement_added#stock-h"
        )),
        Err(e) if e.status == StatusCode::UNPROCESSABLE_ENTITY => {
            render_lot(&p, &v, id, None, Posted::Movement(f, e)).await
        }
        Err(e) => error_page(&p, Some(&v), v.locale, e),
    }
}

async fn add_test(
    State(p): State<Platform>,
    ViewerExt(v): ViewerExt,
    Path(id): Path<i64>,
    Form(f): Form<TestForm>,
) -> Response {
    if v.user.is_none() {
        return login_first(&format!("/seedbank/lots/{id}"));
    }
    let mut e = Vec::new();
    let seeds = number(&mut e, "seeds_tested", &f.seeds_tested);
    let replicates = number(&mut e, "replicates", &f.replicates);
    let i = TestInput {
        kind: f.kind.clone(),
        started_on: f.started_on.clone(),
        seeds_tested: seeds.map(|s| s as i64).unwrap_or(0),
        replicates: replicates.map(|r| r as i64).unwrap_or(1),
        substrate: f.substrate.clone(),
        temperature_day_c: number(&mut e, "temperature_day_c", &f.temperature_day_c),
        temperature_night_c: number(&mut e, "temperature_night_c", &f.temperature_night_c),
        photoperiod_h: number(&mut e, "photoperiod_h", &f.photoperiod_h),
        pretreatment: f.pretreatment.clone(),
        remarks: String::new(),
        withdraw_from: some(&f.withdraw_from),
        code: None,
        location: f.location.clone(),
        container: f.container.clone(),
        method: f.method.clone(),
        depth_mm: number(&mut e, "depth_mm", &f.depth_mm),
    };
    if seeds.is_none() && e.is_empty() {
        e.push(platform::error::FieldError::new("seeds_tested", "required"));
    }
    let r = if e.is_empty() {
        service::create_test(&p, &v.principal, &v.actor(), id, &i).await
    } else {
        Err(AppError::invalid(e))
    };
    match r {
        Ok(t) => see_other(&format!(
            "/seedbank/tests/{}?notice=notice.seedbank.test_created",
            t.id
        )),
        Err(e) if e.status == StatusCode::UNPROCESSABLE_ENTITY => {
            render_lot(&p, &v, id, None, Posted::Test(f, e)).await
        }
        Err(e) => error_page(&p, Some(&v), v.locale, e),
    }
}

// ---------------------------------------------------------------- tests

/// A count row of the form, as typed.
#[derive(Clone, Default)]
struct CountRow {
    replicate: String,
    counted_on: String,
    germinated: String,
}

#[derive(Template)]
#[template(path = "seedbank_test.html")]
struct TestPage<'a> {
    ctx: Ctx<'a>,
    t: Test,
    l: Lot,
    m: Option<Metrics>,
    rows: Vec<RowView>,
    errors: FormErrors,
    may_edit: bool,
}

/// A count row as shown: its values and each field's error.
struct RowView {
    n: usize,
    row: CountRow,
    replicate_error: Option<String>,
    counted_on_error: Option<String>,
    germinated_error: Option<String>,
}

/// Blank rows offered after the recorded counts.
const BLANK_ROWS: usize = 6;

async fn render_test(
    p: &Platform,
    v: &Viewer,
    id: i64,
    notice: Option<&str>,
    rows: Option<Vec<CountRow>>,
    err: Option<AppError>,
) -> Response {
    let status = if err.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let r = async {
        let (t, l) = service::get_test(p, &v.principal, id).await?;
        let ctx = Ctx::new(p, v, "/seedbank", "seedbank.test.title").notice(notice);
        let title = format!(
            "{} — {} {}",
            ctx.tk("seedbank.test_kind", &t.kind),
            ctx.t.t("seedbank.lot.title"),
            l.code
        );
        let ctx = ctx.titled(title);
        let errors = err.map(|e| form_errors(&ctx, &e)).unwrap_or_default();
        let rows = rows.unwrap_or_else(|| {
            let mut r: Vec<CountRow> = t
                .counts
                .iter()
                .map(|c| CountRow {
                    replicate: c.replicate.to_string(),
                    counted_on: c.counted_on.clone(),
                    germinated: c.germinated.to_string(),
                })
                .collect();
            r.extend((0..BLANK_ROWS).map(|_| CountRow {
                replicate: "1".into(),
                ..Default::default()
            }));
            r
        });
        let may_edit = v
            .principal
            .authorize(
                platform::access::Action::Update,
                &platform::access::Target::new("seedbank", "test")
                    .owned_by(l.owner_id)
                    .in_org(l.org_id),
            )
            .is_ok();
        let error = |field: &str, n: usize| errors.get(&format!("{field}_{n}")).map(str::to_string);
        let rows = rows
            .into_iter()
            .enumerate()
            .map(|(n, row)| RowView {
                n,
                replicate_error: error("replicate", n),
                counted_on_error: error("counted_on", n),
                germinated_error: error("germinated", n),
                row,
            })
            .collect();
        Ok(render_status(
            status,
            &TestPage {
                m: t.metrics.clone(),
                ctx,
                t,
                l,
                rows,
                errors,
                may_edit,
            },
        ))
    }
    .await;
    page(p, v, r)
}

async fn test_page(
    State(p): State<Platform>,
    ViewerExt(v): ViewerExt,
    Path(id): Path<i64>,
    Query(q): Query<NoticeQuery>,
) -> Response {
    render_test(&p, &v, id, q.notice.as_deref(), None, None).await
}

/// The counts form posts `replicate_N`, `counted_on_N`, `germinated_N`; rows left blank are ignored.
async fn save_counts(
    State(p): State<Platform>,
    ViewerExt(v): ViewerExt,
    Path(id): Path<i64>,
    Form(f): Form<HashMap<String, String>>,
) -> Response {
    if v.user.is_none() {
        return login_first(&format!("/seedbank/tests/{id}"));
    }
    let mut rows = Vec::new();
    for n in 0..500 {
        let get = |k: &str| f.get(&format!("{k}_{n}")).cloned();
        let (Some(replicate), Some(counted_on), Some(germinated)) =
            (get("replicate"), get("counted_on"), get("germinated"))
        else {
            break;
        };
        rows.push(CountRow {
            replicate,
            counted_on,
            germinated,
        });
    }
    let mut errors = Vec::new();
    let mut counts = Vec::new();
    for (n, r) in rows.iter().enumerate() {
        if r.counted_on.trim().is_empty() && r.germinated.trim().is_empty() {
            continue;
        }
        let int = |s: &str, field: &str, errors: &mut Vec<platform::error::FieldError>| match s
            .trim()
            .parse::<i64>()
        {
            Ok(x) => x,
            Err(_) => {
                errors.push(platform::error::FieldError::new(
                    format!("{field}_{n}"),
                    "not_a_number",
                ));
                0
            }
        };
        counts.push(service::CountInput {
            replicate: int(&r.replicate, "replicate", &mut errors),
            counted_on: r.counted_on.trim().to_string(),
            germinated: int(&r.germinated, "germinated", &mut errors),
        });
    }
    let res = if errors.is_empty() {
        service::set_counts(&p, &v.principal, &v.actor(), id, &counts)
            .await
            .map(|_| ())
    } else {
        Err(AppError::invalid(errors))
    };
    match res {
        Ok(()) => see_other(&format!(
            "/seedbank/tests/{id}?notice=notice.seedbank.counts_saved"
        )),
        Err(e) if e.status == StatusCode::UNPROCESSABLE_ENTITY => {
            // Errors name rows among the non-blank ones: point them back at the form's rows.
            let kept: Vec<usize> = rows
                .iter()
                .enumerate()
                .filter(|(_, r)| {
                    !(r.counted_on.trim().is_empty() && r.germinated.trim().is_empty())
                })
                .map(|(n, _)| n)
                .collect();
            let mut e = e;
            for fe in &mut e.errors {
                if let Some(rest) = fe.field.strip_prefix("counts[") {
                    if let Some((k, tail)) = rest.split_once(']') {
                        if let Some(row) = k.parse::<usize>().ok().and_then(|k| kept.get(k)) {
                            fe.field = format!("{}_{row}", tail.trim_start_matches('.'));
                        }
                    }
                }
            }
            render_test(&p, &v, id, None, Some(rows), Some(e)).await
        }
        Err(e) => error_page(&p, Some(&v), v.locale, e),
    }
}

// ---------------------------------------------------------------- taxa

#[derive(Template)]
#[template(path = "seedbank_taxa.html")]
struct TaxaPage<'a> {
    ctx: Ctx<'a>,
    q: String,
    taxa: Vec<service::TaxonOut>,
    is_admin: bool,
}

#[derive(Deserialize, Default)]
struct TaxaQuery {
    q: Option<String>,
}

async fn taxa(
    State(p): State<Platform>,
    ViewerExt(v): ViewerExt,
    Query(q): Query<TaxaQuery>,
) -> Response {
    let r = async {
        let words = q.q.clone().unwrap_or_default();
        let taxa = if words.trim().is_empty() {
            Vec::new()
        } else {
            service::search_taxa(&p, &words, 50).await?
        };
        let is_admin = v.principal.is_admin;
        Ok(render(&TaxaPage {
            ctx: Ctx::new(&p, &v, "/seedbank/taxa", "seedbank.taxa.title"),
            q: words,
            taxa,
            is_admin,
        }))
    }
    .await;
    page(&p, &v, r)
}

#[derive(Template)]
#[template(path = "seedbank_taxon.html")]
struct TaxonPage<'a> {
    ctx: Ctx<'a>,
    t: service::TaxonOut,
    names: Vec<service::TaxonOut>,
    constants: Option<service::ConstantsInput>,
    lots: i64,
    is_admin: bool,
    /// The constants' fields: name, label, value as typed.
    fields: Vec<(&'static str, &'static str, String)>,
    source: String,
    errors: FormErrors,
}

#[derive(Deserialize, Default, Clone)]
struct ConstantsForm {
    #[serde(default)]
    ke: String,
    #[serde(default)]
    cw: String,
    #[serde(default)]
    ch: String,
    #[serde(default)]
    cq: String,
    #[serde(default)]
    source: String,
}

async fn render_taxon(
    p: &Platform,
    v: &Viewer,
    cd_nom: i64,
    notice: Option<&str>,
    form: Option<(ConstantsForm, AppError)>,
) -> Response {
    let r = async {
        let t = service::get_taxon(p, cd_nom).await?;
        let names = service::names_of(p, t.cd_ref).await?;
        let constants = service::constants_of(p, cd_nom).await?;
        let (_, lots) = service::list_lots(
            p,
            &v.principal,
            &LotFilter {
                cd_nom: Some(cd_nom),
                page_size: Some(1),
                ..Default::default()
            },
        )
        .await?;
        let ctx = Ctx::new(p, v, "/seedbank/taxa", "seedbank.taxa.title")
            .notice(notice)
            .titled(t.nom_complet.clone());
        let status = if form.is_some() {
            StatusCode::UNPROCESSABLE_ENTITY
        } else {
            StatusCode::OK
        };
        let (f, errors) = match form {
            Some((f, e)) => {
                let errors = form_errors(&ctx, &e);
                (f, errors)
            }
            None => {
                let n = |x: f64| x.to_string();
                let f = match &constants {
                    Some(c) => ConstantsForm {
                        ke: n(c.ke),
                        cw: n(c.cw),
                        ch: n(c.ch),
                        cq: n(c.cq),
                        source: c.source.clone(),
                    },
                    None => ConstantsForm {
                        ch: crate::domain::viability::Constants::UNIVERSAL_CH.to_string(),
                        cq: crate::domain::viability::Constants::UNIVERSAL_CQ.to_string(),
                        ..Default::default()
                    },
                };
                (f, FormErrors::default())
            }
        };
        let fields = vec![
            ("ke", "K_E", f.ke),
            ("cw", "C_W", f.cw),
            ("ch", "C_H", f.ch),
            ("cq", "C_Q", f.cq),
        ];
        Ok(render_status(
            status,
            &TaxonPage {
                ctx,
                t,
                names,
                constants,
                lots,
                is_admin: v.principal.is_admin,
                fields,
                source: f.source,
                errors,
            },
        ))
    }
    .await;
    page(p, v, r)
}

async fn taxon_page(
    State(p): State<Platform>,
    ViewerExt(v): ViewerExt,
    Path(cd_nom): Path<i64>,
    Query(q): Query<NoticeQuery>,
) -> Response {
    render_taxon(&p, &v, cd_nom, q.notice.as_deref(), None).await
}

async fn save_constants(
    State(p): State<Platform>,
    ViewerExt(v): ViewerExt,
    Path(cd_nom): Path<i64>,
    Form(f): Form<ConstantsForm>,
) -> Response {
    if v.user.is_none() {
        return login_first(&format!("/seedbank/taxa/{cd_nom}"));
    }
    let mut e = Vec::new();
    let (ke, cw, ch, cq) = (
        number(&mut e, "ke", &f.ke),
        number(&mut e, "cw", &f.cw),
        number(&mut e, "ch", &f.ch),
        number(&mut e, "cq", &f.cq),
    );
    for (field, value) in [("ke", ke), ("cw", cw), ("ch", ch), ("cq", cq)] {
        if value.is_none()
            && !e
                .iter()
                .any(|x: &platform::error::FieldError| x.field == field)
        {
            e.push(platform::error::FieldError::new(field, "required"));
        }
    }
    let r = match checked(e, ()) {
        Ok(()) => {
            let i = service::ConstantsInput {
                ke: ke.unwrap_or(0.0),
                cw: cw.unwrap_or(0.0),
                ch: ch.unwrap_or(0.0),
                cq: cq.unwrap_or(0.0),
                source: f.source.clone(),
            };
            service::set_constants(&p, &v.principal, &v.actor(), cd_nom, &i).await
        }
        Err(e) => Err(e),
    };
    match r {
        Ok(()) => see_other(&format!(
            "/seedbank/taxa/{cd_nom}?notice=notice.seedbank.saved"
        )),
        Err(e) if e.status == StatusCode::UNPROCESSABLE_ENTITY => {
            render_taxon(&p, &v, cd_nom, None, Some((f, e))).await
        }
        Err(e) => error_page(&p, Some(&v), v.locale, e),
    }
}

#[derive(Template)]
#[template(path = "seedbank_taxref_import.html")]
struct TaxrefImportPage<'a> {
    ctx: Ctx<'a>,
    result: Option<service::TaxrefImport>,
    error: Option<String>,
}

fn require_admin(v: &Viewer) -> Result<(), AppError> {
    if v.user.is_none() {
        return Err(AppError::unauthenticated());
    }
    if !v.principal.is_admin {
        return Err(AppError::forbidden());
    }
    Ok(())
}

async fn taxref_form(State(p): State<Platform>, ViewerExt(v): ViewerExt) -> Response {
    if v.user.is_none() {
        return login_first("/seedbank/taxa/import");
    }
    match require_admin(&v) {
        Ok(()) => render(&TaxrefImportPage {
            ctx: Ctx::new(&p, &v, "/seedbank/taxa", "seedbank.taxa.import_title"),
            result: None,
            error: None,
        }),
        Err(e) => error_page(&p, Some(&v), v.locale, e),
    }
}

async fn taxref_upload(
    State(p): State<Platform>,
    ViewerExt(v): ViewerExt,
    mut form: axum::extract::Multipart,
) -> Response {
    if let Err(e) = require_admin(&v) {
        return error_page(&p, Some(&v), v.locale, e);
    }
    let mut file = Vec::new();
    loop {
        match form.next_field().await {
            Ok(Some(field)) if field.name() == Some("file") => match field.bytes().await {
                Ok(b) => file = b.to_vec(),
                Err(e) => {
                    return error_page(
                        &p,
                        Some(&v),
                        v.locale,
                        AppError::new(StatusCode::BAD_REQUEST, "bad_upload", e.body_text()),
                    )
                }
            },
            Ok(Some(_)) => {}
            Ok(None) => break,
            Err(e) => {
                return error_page(
                    &p,
                    Some(&v),
                    v.locale,
                    AppError::new(StatusCode::BAD_REQUEST, "bad_upload", e.body_text()),
                )
            }
        }
    }
    let ctx = Ctx::new(&p, &v, "/seedbank/taxa", "seedbank.taxa.import_title");
    if file.is_empty() {
        let error = Some(ctx.t.t("seedbank.taxa.no_file").to_string());
        return render_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &TaxrefImportPage {
                ctx,
                result: None,
                error,
            },
        );
    }
    match service::import_taxref(&p, &v.principal, &v.actor(), &file).await {
        Ok(result) => render(&TaxrefImportPage {
            ctx,
            result: Some(result),
            error: None,
        }),
        Err(e) if e.status.is_client_error() => {
            let error = Some(format!(
                "{} {}",
                ctx.t.t("seedbank.taxa.not_taxref"),
                e.detail
            ));
            render_status(
                StatusCode::UNPROCESSABLE_ENTITY,
                &TaxrefImportPage {
                    ctx,
                    result: None,
                    error,
                },
            )
        }
        Err(e) => error_page(&p, Some(&v), v.locale, e),
    }
}

// ---------------------------------------------------------------- schedule

#[derive(Template)]
#[template(path = "seedbank_schedule.html")]
struct SchedulePage<'a> {
    ctx: Ctx<'a>,
    rows: Vec<(service::Due, String)>,
    horizon: i64,
    min_seeds: i64,
}

async fn schedule(
    State(p): State<Platform>,
    ViewerExt(v): ViewerExt,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let r = async {
        let int = |k: &str| {
            q.get(k)
                .filter(|s| !s.trim().is_empty())
                .map(|s| {
                    s.trim().parse::<i64>().map_err(|_| {
                        AppError::invalid(vec![platform::error::FieldError::new(
                            k.to_string(),
                            "not_a_number",
                        )])
                    })
                })
                .transpose()
        };
        let query = super::api::ScheduleQuery {
            horizon_years: int("horizon_years")?,
            min_seeds: int("min_seeds")?,
        };
        let (horizon, min_seeds) = query.resolve()?;
        let due =
            service::schedule(&p, &v.principal, service::today(&p), horizon, min_seeds).await?;
        let ctx = Ctx::new(&p, &v, "/seedbank/schedule", "seedbank.schedule.title");
        let rows = due
            .into_iter()
            .map(|d| {
                let reason = ctx.tk(
                    "seedbank.schedule",
                    match d.reason {
                        service::DueReason::Regenerate => "regenerate",
                        service::DueReason::Retest => "retest",
                        service::DueReason::NoTest => "no_test",
                        service::DueReason::LowStock => "low_stock",
                        service::DueReason::DryAgain => "dry_again",
                    },
                );
                (d, reason)
            })
            .collect();
        Ok(render(&SchedulePage {
            ctx,
            rows,
            horizon,
            min_seeds,
        }))
    }
    .await;
    page(&p, &v, r)
}

async fn derive_lot(
    State(p): State<Platform>,
    ViewerExt(v): ViewerExt,
    Path(id): Path<i64>,
    Form(f): Form<DeriveForm>,
) -> Response {
    if v.user.is_none() {
        return login_first(&format!("/seedbank/lots/{id}"));
    }
    let mut e = Vec::new();
    let quantity = number(&mut e, "quantity", &f.quantity);
    if quantity.is_none() && e.is_empty() {
        e.push(platform::error::FieldError::new("quantity", "required"));
    }
    let r = match checked(e, ()) {
        Ok(()) => {
            let i = service::DeriveInput {
                code: some(&f.code),
                derivation: f.derivation.clone(),
                quantity: quantity.unwrap_or(0.0),
                unit: f.unit.clone(),
                place: f.place.clone(),
                to_place: f.to_place.clone(),
                on_date: f.on_date.clone(),
                ..Default::default()
            };
            service::derive_lot(&p, &v.principal, &v.actor(), id, &i).await
        }
        Err(e) => Err(e),
    };
    match r {
        Ok(l) => see_other(&format!(
            "/seedbank/lots/{}?notice=notice.seedbank.lot_created",
            l.id
        )),
        Err(e) if e.status == StatusCode::UNPROCESSABLE_ENTITY => {
            render_lot(&p, &v, id, None, Posted::Derive(f, e)).await
        }
        Err(e) => error_page(&p, Some(&v), v.locale, e),
    }
}

async fn add_reading(
    State(p): State<Platform>,
    ViewerExt(v): ViewerExt,
    Path(id): Path<i64>,
    Form(f): Form<ReadingForm>,
) -> Response {
    if v.user.is_none() {
        return login_first(&format!("/seedbank/lots/{id}"));
    }
    let mut e = Vec::new();
    let value = number(&mut e, "value", &f.value);
    if value.is_none() && e.is_empty() {
        e.push(platform::error::FieldError::new("value", "required"));
    }
    let r = match checked(e, ()) {
        Ok(()) => {
            let i = service::ReadingInput {
                kind: f.kind.clone(),
                value: value.unwrap_or(0.0),
                on_date: f.on_date.clone(),
                place: f.place.clone(),
                remarks: String::new(),
            };
            service::add_reading(&p, &v.principal, &v.actor(), id, &i)
                .await
                .map(|_| ())
        }
        Err(e) => Err(e),
    };
    match r {
        Ok(()) => see_other(&format!(
            "/seedbank/lots/{id}?notice=notice.seedbank.reading_added#storage-h"
        )),
        Err(e) if e.status == StatusCode::UNPROCESSABLE_ENTITY => {
            render_lot(&p, &v, id, None, Posted::Reading(f, e)).await
        }
        Err(e) => error_page(&p, Some(&v), v.locale, e),
    }
}
