//! The seed bank's JSON API under `/api/v1/seedbank`.
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::IntoResponse;
use axum::Json;
use platform::error::{ApiResult, Problem};
use platform::http::extract::{ApiJson, ApiPath, ApiQuery, ViewerExt};
use platform::http::Page;
use platform::Platform;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::service::{
    self, ConstantsInput, CountInput, DeriveInput, Due, Forecast, Harvest, HarvestInput, Lot,
    LotFilter, LotInput, Movement, MovementInput, NoForecast, PlaceStock, Reading, ReadingInput,
    TaxonOut, TaxrefImport, Test, TestInput,
};

pub fn router() -> OpenApiRouter<Platform> {
    OpenApiRouter::new()
        .routes(routes!(taxa))
        .routes(routes!(taxon))
        .routes(routes!(import_taxref))
        .routes(routes!(get_constants, set_constants))
        .routes(routes!(list_harvests, create_harvest))
        .routes(routes!(get_harvest, update_harvest, delete_harvest))
        .routes(routes!(list_lots, create_lot))
        .routes(routes!(get_lot, update_lot))
        .routes(routes!(derive_lot))
        .routes(routes!(list_movements, add_movement))
        .routes(routes!(stock))
        .routes(routes!(list_readings, add_reading))
        .routes(routes!(list_tests, create_test))
        .routes(routes!(forecast))
        .routes(routes!(get_test))
        .routes(routes!(set_counts))
        .routes(routes!(mcpd))
        .routes(routes!(dwca))
        .routes(routes!(schedule))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
struct TaxaQuery {
    /// Words of a scientific or vernacular name (accents and case ignored).
    q: String,
    /// At most 100; 20 by default.
    limit: Option<i64>,
}

/// TAXREF names matching every word, valid names first.
#[utoipa::path(get, path = "/api/v1/seedbank/taxa", tag = "seedbank", params(TaxaQuery), responses((status = 200, body = [TaxonOut])))]
async fn taxa(
    State(p): State<Platform>,
    ApiQuery(q): ApiQuery<TaxaQuery>,
) -> ApiResult<Json<Vec<TaxonOut>>> {
    Ok(Json(
        service::search_taxa(&p, &q.q, q.limit.unwrap_or(20)).await?,
    ))
}

/// One TAXREF name.
#[utoipa::path(get, path = "/api/v1/seedbank/taxa/{cd_nom}", tag = "seedbank", params(("cd_nom" = i64, Path)),
    responses((status = 200, body = TaxonOut), (status = 404, body = Problem, content_type = "application/problem+json")))]
async fn taxon(
    State(p): State<Platform>,
    ApiPath(cd_nom): ApiPath<i64>,
) -> ApiResult<Json<TaxonOut>> {
    Ok(Json(service::get_taxon(&p, cd_nom).await?))
}

/// Loads an official TAXREF text file (tab-separated, UTF-8): new names added, known ones updated,
/// bad rows reported with their line. Platform administrators.
#[utoipa::path(post, path = "/api/v1/seedbank/taxa/import", tag = "seedbank", request_body(content = String, content_type = "text/tab-separated-values"),
    responses((status = 200, body = TaxrefImport), (status = 400, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json")))]
async fn import_taxref(
    State(p): State<Platform>,
    ViewerExt(v): ViewerExt,
    body: Bytes,
) -> ApiResult<Json<TaxrefImport>> {
    Ok(Json(
        service::import_taxref(&p, &v.principal, &v.actor(), &body).await?,
    ))
}

/// The Ellis & Roberts viability constants of a taxon (those of its valid name), 404 when unknown.
#[utoipa::path(get, path = "/api/v1/seedbank/taxa/{cd_nom}/viability-constants", tag = "seedbank", params(("cd_nom" = i64, Path)),
    responses((status = 200, body = ConstantsInput), (status = 404, body = Problem, content_type = "application/problem+json")))]
async fn get_constants(
    State(p): State<Platform>,
    ApiPath(cd_nom): ApiPath<i64>,
) -> ApiResult<Json<ConstantsInput>> {
    service::constants_of(&p, cd_nom)
        .await?
        .map(Json)
        .ok_or_else(platform::error::AppError::not_found)
}

/// Sets the Ellis & Roberts viability constants of a taxon (stored for its valid name). Platform administrators.
#[utoipa::path(put, path = "/api/v1/seedbank/taxa/{cd_nom}/viability-constants", tag = "seedbank", params(("cd_nom" = i64, Path)), request_body = ConstantsInput,
    responses((status = 204), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
async fn set_constants(
    State(p): State<Platform>,
    ViewerExt(v): ViewerExt,
    ApiPath(cd_nom): ApiPath<i64>,
    ApiJson(i): ApiJson<ConstantsInput>,
) -> ApiResult<StatusCode> {
    service::set_constants(&p, &v.principal, &v.actor(), cd_nom, &i).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
struct PageParams {
    page: Option<i64>,
    page_size: Option<i64>,
}

/// Harvests the viewer may read (their own, their organisations', or all with a grant), newest first.
#[utoipa::path(get, path = "/api/v1/seedbank/harvests", tag = "seedbank", params(PageParams),
    responses((status = 200, body = Page<Harvest>), (status = 422, body = Problem, content_type = "application/problem+json")))]
async fn list_harvests(
    State(p): State<Platform>,
    ViewerExt(v): ViewerExt,
    ApiQuery(q): ApiQuery<PageParams>,
) -> ApiResult<Json<Page<Harvest>>> {
    let (page, size) = platform::http::PageQuery {
        page: q.page,
        page_size: q.page_size,
    }
    .resolve()?;
    let (data, total) = service::list_harvests(&p, &v.principal, page, size).await?;
    Ok(Json(Page::new(
        data,
        page,
        size,
        total,
        "/api/v1/seedbank/harvests",
    )))
}

/// Records a harvest (récolte); its code is the next `YYYY_NNNN` of its year unless given.
#[utoipa::path(post, path = "/api/v1/seedbank/harvests", tag = "seedbank", request_body = HarvestInput,
    responses((status = 201, body = Harvest), (status = 401, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
async fn create_harvest(
    State(p): State<Platform>,
    ViewerExt(v): ViewerExt,
    ApiJson(i): ApiJson<HarvestInput>,
) -> ApiResult<(StatusCode, Json<Harvest>)> {
    Ok((
        StatusCode::CREATED,
        Json(service::create_harvest(&p, &v.principal, &v.actor(), &i).await?),
    ))
}

/// One harvest.
#[utoipa::path(get, path = "/api/v1/seedbank/harvests/{id}", tag = "seedbank", params(("id" = i64, Path)),
    responses((status = 200, body = Harvest), (status = 404, body = Problem, content_type = "application/problem+json")))]
async fn get_harvest(
    State(p): State<Platform>,
    ViewerExt(v): ViewerExt,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<Harvest>> {
    Ok(Json(service::get_harvest(&p, &v.principal, id).await?))
}

/// Replaces a harvest's fields.
#[utoipa::path(put, path = "/api/v1/seedbank/harvests/{id}", tag = "seedbank", params(("id" = i64, Path)), request_body = HarvestInput,
    responses((status = 200, body = Harvest), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
async fn update_harvest(
    State(p): State<Platform>,
    ViewerExt(v): ViewerExt,
    ApiPath(id): ApiPath<i64>,
    ApiJson(i): ApiJson<HarvestInput>,
) -> ApiResult<Json<Harvest>> {
    Ok(Json(
        service::update_harvest(&p, &v.principal, &v.actor(), id, &i).await?,
    ))
}

/// Deletes a harvest no lot comes from (409 `harvest_has_lots` otherwise).
#[utoipa::path(delete, path = "/api/v1/seedbank/harvests/{id}", tag = "seedbank", params(("id" = i64, Path)),
    responses((status = 204), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json"), (status = 409, body = Problem, content_type = "application/problem+json")))]
async fn delete_harvest(
    State(p): State<Platform>,
    ViewerExt(v): ViewerExt,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<StatusCode> {
    service::delete_harvest(&p, &v.principal, &v.actor(), id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Seed lots the viewer may read, by code; filters by words, harvest, taxon (synonyms included), status.
#[utoipa::path(get, path = "/api/v1/seedbank/lots", tag = "seedbank", params(LotFilter),
    responses((status = 200, body = Page<Lot>), (status = 422, body = Problem, content_type = "application/problem+json")))]
async fn list_lots(
    State(p): State<Platform>,
    ViewerExt(v): ViewerExt,
    ApiQuery(f): ApiQuery<LotFilter>,
) -> ApiResult<Json<Page<Lot>>> {
    let (page, size) = platform::http::PageQuery {
        page: f.page,
        page_size: f.page_size,
    }
    .resolve()?;
    let f = LotFilter {
        page: Some(page),
        page_size: Some(size),
        ..f
    };
    let (data, total) = service::list_lots(&p, &v.principal, &f).await?;
    Ok(Json(Page::new(
        data,
        page,
        size,
        total,
        "/api/v1/seedbank/lots",
    )))
}

/// Records a seed lot (matériel récolté, MCPD accession) from a harvest or derived from another lot.
#[utoipa::path(post, path = "/api/v1/seedbank/lots", tag = "seedbank", request_body = LotInput,
    responses((status = 201, body = Lot), (status = 401, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
async fn create_lot(
    State(p): State<Platform>,
    ViewerExt(v): ViewerExt,
    ApiJson(i): ApiJson<LotInput>,
) -> ApiResult<(StatusCode, Json<Lot>)> {
    Ok((
        StatusCode::CREATED,
        Json(service::create_lot(&p, &v.principal, &v.actor(), &i).await?),
    ))
}

/// One lot with its taxa and its stock.
#[utoipa::path(get, path = "/api/v1/seedbank/lots/{id}", tag = "seedbank", params(("id" = i64, Path)),
    responses((status = 200, body = Lot), (status = 404, body = Problem, content_type = "application/problem+json")))]
async fn get_lot(
    State(p): State<Platform>,
    ViewerExt(v): ViewerExt,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<Lot>> {
    Ok(Json(service::get_lot(&p, &v.principal, id).await?))
}

/// Replaces a lot's fields (its harvest and parent cannot change: 422 `immutable`).
#[utoipa::path(put, path = "/api/v1/seedbank/lots/{id}", tag = "seedbank", params(("id" = i64, Path)), request_body = LotInput,
    responses((status = 200, body = Lot), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
async fn update_lot(
    State(p): State<Platform>,
    ViewerExt(v): ViewerExt,
    ApiPath(id): ApiPath<i64>,
    ApiJson(i): ApiJson<LotInput>,
) -> ApiResult<Json<Lot>> {
    Ok(Json(
        service::update_lot(&p, &v.principal, &v.actor(), id, &i).await?,
    ))
}

/// Derives a lot from this one (split, regeneration, multiplication, safety duplicate): the new lot
/// keeps the harvest, taxa and material, and its seeds leave this lot's stock in the same
/// transaction (422 `insufficient_stock` when there are not enough).
#[utoipa::path(post, path = "/api/v1/seedbank/lots/{id}/derive", tag = "seedbank", params(("id" = i64, Path)), request_body = DeriveInput,
    responses((status = 201, body = Lot), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
async fn derive_lot(
    State(p): State<Platform>,
    ViewerExt(v): ViewerExt,
    ApiPath(id): ApiPath<i64>,
    ApiJson(i): ApiJson<DeriveInput>,
) -> ApiResult<(StatusCode, Json<Lot>)> {
    Ok((
        StatusCode::CREATED,
        Json(service::derive_lot(&p, &v.principal, &v.actor(), id, &i).await?),
    ))
}

/// The lot's stock ledger, newest first.
#[utoipa::path(get, path = "/api/v1/seedbank/lots/{id}/movements", tag = "seedbank", params(("id" = i64, Path)),
    responses((status = 200, body = [Movement]), (status = 404, body = Problem, content_type = "application/problem+json")))]
async fn list_movements(
    State(p): State<Platform>,
    ViewerExt(v): ViewerExt,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<Vec<Movement>>> {
    service::get_lot(&p, &v.principal, id).await?;
    Ok(Json(service::movements(&p, id).await?))
}

/// Adds a ledger entry: deposit, withdrawal (with its purpose), transfer between places, or a
/// correction stating the count found. Refused (422 `insufficient_stock`) when a balance would go below zero.
#[utoipa::path(post, path = "/api/v1/seedbank/lots/{id}/movements", tag = "seedbank", params(("id" = i64, Path)), request_body = MovementInput,
    responses((status = 201, body = Movement), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
async fn add_movement(
    State(p): State<Platform>,
    ViewerExt(v): ViewerExt,
    ApiPath(id): ApiPath<i64>,
    ApiJson(i): ApiJson<MovementInput>,
) -> ApiResult<(StatusCode, Json<Movement>)> {
    Ok((
        StatusCode::CREATED,
        Json(service::add_movement(&p, &v.principal, &v.actor(), id, &i).await?),
    ))
}

/// The lot's storage readings (humidity, water activity, indicator, temperature), newest first.
#[utoipa::path(get, path = "/api/v1/seedbank/lots/{id}/readings", tag = "seedbank", params(("id" = i64, Path)),
    responses((status = 200, body = [Reading]), (status = 404, body = Problem, content_type = "application/problem+json")))]
async fn list_readings(
    State(p): State<Platform>,
    ViewerExt(v): ViewerExt,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<Vec<Reading>>> {
    service::get_lot(&p, &v.principal, id).await?;
    Ok(Json(service::readings(&p, id).await?))
}

/// Records a storage reading; `dry_again` in the answer (and the to-do list) says when the seeds
/// must be dried again (above 30 % eRH, aw 0.30, or a saturated indicator).
#[utoipa::path(post, path = "/api/v1/seedbank/lots/{id}/readings", tag = "seedbank", params(("id" = i64, Path)), request_body = ReadingInput,
    responses((status = 201, body = Reading), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
async fn add_reading(
    State(p): State<Platform>,
    ViewerExt(v): ViewerExt,
    ApiPath(id): ApiPath<i64>,
    ApiJson(i): ApiJson<ReadingInput>,
) -> ApiResult<(StatusCode, Json<Reading>)> {
    Ok((
        StatusCode::CREATED,
        Json(service::add_reading(&p, &v.principal, &v.actor(), id, &i).await?),
    ))
}

/// Seeds in stock per place.
#[utoipa::path(get, path = "/api/v1/seedbank/lots/{id}/stock", tag = "seedbank", params(("id" = i64, Path)),
    responses((status = 200, body = [PlaceStock]), (status = 404, body = Problem, content_type = "application/problem+json")))]
async fn stock(
    State(p): State<Platform>,
    ViewerExt(v): ViewerExt,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<Vec<PlaceStock>>> {
    service::get_lot(&p, &v.principal, id).await?;
    Ok(Json(service::stock_places(&p, id).await?))
}

/// The lot's germination and viability tests, newest first, with their metrics.
#[utoipa::path(get, path = "/api/v1/seedbank/lots/{id}/tests", tag = "seedbank", params(("id" = i64, Path)),
    responses((status = 200, body = [Test]), (status = 404, body = Problem, content_type = "application/problem+json")))]
async fn list_tests(
    State(p): State<Platform>,
    ViewerExt(v): ViewerExt,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<Vec<Test>>> {
    service::get_lot(&p, &v.principal, id).await?;
    Ok(Json(service::lot_tests(&p, id).await?))
}

/// Starts a test on a lot; with `withdraw_from`, the tested seeds leave that place's stock in the same transaction.
#[utoipa::path(post, path = "/api/v1/seedbank/lots/{id}/tests", tag = "seedbank", params(("id" = i64, Path)), request_body = TestInput,
    responses((status = 201, body = Test), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
async fn create_test(
    State(p): State<Platform>,
    ViewerExt(v): ViewerExt,
    ApiPath(id): ApiPath<i64>,
    ApiJson(i): ApiJson<TestInput>,
) -> ApiResult<(StatusCode, Json<Test>)> {
    Ok((
        StatusCode::CREATED,
        Json(service::create_test(&p, &v.principal, &v.actor(), id, &i).await?),
    ))
}

#[derive(Serialize, ToSchema)]
pub struct ForecastOut {
    /// The forecast, when the lot has what it needs.
    pub forecast: Option<Forecast>,
    /// Otherwise why not: `no_germination_test`, `no_storage_conditions`, `no_constants`, `outside_equation`.
    pub missing: Option<NoForecast>,
}

/// Viability forecast of a lot (Ellis & Roberts 1980) from its last germination test, its storage
/// conditions and its taxon's constants, with the day it should be regenerated.
#[utoipa::path(get, path = "/api/v1/seedbank/lots/{id}/forecast", tag = "seedbank", params(("id" = i64, Path)),
    responses((status = 200, body = ForecastOut), (status = 404, body = Problem, content_type = "application/problem+json")))]
async fn forecast(
    State(p): State<Platform>,
    ViewerExt(v): ViewerExt,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<ForecastOut>> {
    let l = service::get_lot(&p, &v.principal, id).await?;
    Ok(Json(
        match service::forecast(&p, &l, service::today(&p)).await? {
            Ok(f) => ForecastOut {
                forecast: Some(f),
                missing: None,
            },
            Err(m) => ForecastOut {
                forecast: None,
                missing: Some(m),
            },
        },
    ))
}

/// One test with its counts and metrics.
#[utoipa::path(get, path = "/api/v1/seedbank/tests/{id}", tag = "seedbank", params(("id" = i64, Path)),
    responses((status = 200, body = Test), (status = 404, body = Problem, content_type = "application/problem+json")))]
async fn get_test(
    State(p): State<Platform>,
    ViewerExt(v): ViewerExt,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<Test>> {
    Ok(Json(service::get_test(&p, &v.principal, id).await?.0))
}

/// Replaces a test's counts (seeds newly germinated per replicate and day); the metrics follow.
#[utoipa::path(put, path = "/api/v1/seedbank/tests/{id}/counts", tag = "seedbank", params(("id" = i64, Path)), request_body = [CountInput],
    responses((status = 200, body = Test), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
async fn set_counts(
    State(p): State<Platform>,
    ViewerExt(v): ViewerExt,
    ApiPath(id): ApiPath<i64>,
    ApiJson(c): ApiJson<Vec<CountInput>>,
) -> ApiResult<Json<Test>> {
    Ok(Json(
        service::set_counts(&p, &v.principal, &v.actor(), id, &c).await?,
    ))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
struct McpdQuery {
    /// The holding institute's FAO WIEWS code (INSTCODE), e.g. `FRA001`.
    instcode: Option<String>,
}

/// MCPD v2.1 passport data (CSV, UTF-8) of every lot the viewer may export: one row per lot, with
/// its harvest's collecting data, for Genesys and other genebanks.
#[utoipa::path(get, path = "/api/v1/seedbank/exports/mcpd.csv", tag = "seedbank", params(McpdQuery),
    responses((status = 200, content_type = "text/csv", body = String), (status = 422, body = Problem, content_type = "application/problem+json")))]
async fn mcpd(
    State(p): State<Platform>,
    ViewerExt(v): ViewerExt,
    ApiQuery(q): ApiQuery<McpdQuery>,
) -> ApiResult<impl IntoResponse> {
    let body = service::mcpd_csv(&p, &v.principal, q.instcode.as_deref()).await?;
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"mcpd.csv\"",
            ),
        ],
        body,
    ))
}

/// A Darwin Core Archive of the harvests (Event core) and the lots collected there (Occurrence
/// extension, basis MaterialSample) the viewer may export.
#[utoipa::path(get, path = "/api/v1/seedbank/exports/dwca.zip", tag = "seedbank",
    responses((status = 200, content_type = "application/zip", body = Vec<u8>)))]
async fn dwca(State(p): State<Platform>, ViewerExt(v): ViewerExt) -> ApiResult<impl IntoResponse> {
    let body = service::dwc_archive(&p, &v.principal).await?;
    Ok((
        [
            (header::CONTENT_TYPE, "application/zip"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"seedbank-dwca.zip\"",
            ),
        ],
        body,
    ))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ScheduleQuery {
    /// How far ahead to look, in years (1 to 50; 5 by default).
    pub horizon_years: Option<i64>,
    /// Stocks under this many seeds are listed (500 by default).
    pub min_seeds: Option<i64>,
}

impl ScheduleQuery {
    pub fn resolve(&self) -> ApiResult<(i64, i64)> {
        let horizon = self.horizon_years.unwrap_or(5);
        let min = self.min_seeds.unwrap_or(500);
        let mut errors = Vec::new();
        if !(1..=50).contains(&horizon) {
            errors.push(platform::error::FieldError::new(
                "horizon_years",
                "out_of_range",
            ));
        }
        if !(0..=1_000_000_000).contains(&min) {
            errors.push(platform::error::FieldError::new(
                "min_seeds",
                "out_of_range",
            ));
        }
        if errors.is_empty() {
            Ok((horizon, min))
        } else {
            Err(platform::error::AppError::invalid(errors))
        }
    }
}

/// What the viewer's active lots need, soonest first: regenerations and viability tests due within
/// the horizon (FAO Genebank Standards: test at a third of the time to 85 % of the initial
/// viability), lots never tested, low stocks.
#[utoipa::path(get, path = "/api/v1/seedbank/schedule", tag = "seedbank", params(ScheduleQuery),
    responses((status = 200, body = [Due]), (status = 422, body = Problem, content_type = "application/problem+json")))]
async fn schedule(
    State(p): State<Platform>,
    ViewerExt(v): ViewerExt,
    ApiQuery(q): ApiQuery<ScheduleQuery>,
) -> ApiResult<Json<Vec<Due>>> {
    let (horizon, min) = q.resolve()?;
    Ok(Json(
        service::schedule(&p, &v.principal, service::today(&p), horizon, min).await?,
    ))
}
