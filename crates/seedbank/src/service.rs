//! The seed bank's use cases over its tables: every mutation checks the permission, writes in one
//! transaction and is audited in it. Pages and API both call these.
use platform::access::{Action, Principal, Target};
use platform::audit::{self, Actor, Change};
use platform::error::{AppError, FieldError};
use platform::Platform;
use serde::{Deserialize, Serialize};
use sqlx::any::AnyRow;
use sqlx::Row;

use crate::domain::germination::{self, Interval, Metrics};
use crate::domain::lot::{
    self, Day, Derivation, HarvestCode, Invalid, LotCode, LotStatus, MaterialType, MovementKind,
    PopulationClass, Purpose, Quantity, SowingCode, TestKind,
};
use crate::domain::taxref;
use crate::domain::viability;

pub const MODULE: &str = "seedbank";

fn field(e: Invalid) -> FieldError {
    let mut f = FieldError::new(e.field, e.code);
    f.message = e.reason;
    f
}

fn db(e: sqlx::Error) -> AppError {
    AppError::internal(e)
}

/// Collects every field error of an input before refusing it whole.
#[derive(Default)]
struct Errors(Vec<FieldError>);

impl Errors {
    fn take<T>(&mut self, r: Result<T, Invalid>) -> Option<T> {
        r.map_err(|e| self.0.push(field(e))).ok()
    }
    fn push(&mut self, field: &'static str, code: &'static str, message: &str) {
        let mut f = FieldError::new(field, code);
        f.message = message.into();
        self.0.push(f);
    }
    fn done(self) -> Result<(), AppError> {
        if self.0.is_empty() {
            Ok(())
        } else {
            Err(AppError::invalid(self.0))
        }
    }
}

fn text(errors: &mut Errors, field: &'static str, s: &str, max: usize) -> String {
    let s = s.trim();
    if s.chars().count() > max {
        errors.push(field, "too_long", &format!("at most {max} characters"));
    } else if s
        .chars()
        .any(|c| c.is_control() && c != '\n' && c != '\r' && c != '\t')
    {
        errors.push(
            field,
            "invalid_characters",
            "control characters are not allowed",
        );
    }
    s.to_string()
}

fn opt(s: &Option<String>) -> Option<&str> {
    s.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

fn range(
    errors: &mut Errors,
    field: &'static str,
    v: Option<f64>,
    lo: f64,
    hi: f64,
) -> Option<f64> {
    match v {
        Some(x) if !x.is_finite() || x < lo || x > hi => {
            errors.push(field, "out_of_range", &format!("between {lo} and {hi}"));
            None
        }
        other => other,
    }
}

/// Organisation in which something is created: the one named, which the user must belong to,
/// or none (their own).
async fn org_target(
    p: &Platform,
    principal: &Principal,
    object: &'static str,
    org_id: Option<i64>,
) -> Result<(), AppError> {
    principal
        .authorize(Action::Create, &Target::new(MODULE, object).in_org(org_id))
        .map_err(|e| match e {
            platform::access::AccessError::Forbidden => AppError::new(
                axum::http::StatusCode::FORBIDDEN,
                "forbidden",
                "records of the seed bank belong to an organisation: choose one you are an editor of (org_id), or ask an administrator for a permission",
            ),
            other => other.into(),
        })?;
    // Administrators pass any id: it must still name an organisation.
    if let Some(org) = org_id {
        let found: Option<i64> = sqlx::query_scalar("SELECT id FROM organisations WHERE id = $1")
            .bind(org)
            .fetch_optional(p.db.pool())
            .await
            .map_err(db)?;
        if found.is_none() {
            let mut f = FieldError::new("org_id", "not_found");
            f.message = format!("no organisation has the id {org}");
            return Err(AppError::invalid(vec![f]));
        }
    }
    Ok(())
}

fn target<'a>(object: &'a str, owner: Option<i64>, org: Option<i64>) -> Target<'a> {
    Target::new(MODULE, object).owned_by(owner).in_org(org)
}

fn visible(principal: &Principal, object: &str, alias: &str) -> String {
    principal.read_filter(MODULE, object).sql(
        None,
        Some(&format!("{alias}.owner_id")),
        Some(&format!("{alias}.org_id")),
    )
}

// ---------------------------------------------------------------- taxa

#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct TaxonOut {
    pub cd_nom: i64,
    pub cd_ref: i64,
    pub rank: String,
    pub lb_nom: String,
    pub lb_auteur: String,
    pub nom_complet: String,
    pub nom_valide: String,
    pub nom_vern: Option<String>,
    pub famille: Option<String>,
    /// Status in metropolitan France (TAXREF `FR` column).
    pub fr_status: Option<String>,
}

const TAXON_COLS: &str = "cd_nom, cd_ref, rank, lb_nom, lb_auteur, nom_complet, nom_valide, nom_vern, famille, fr_status";

fn taxon(r: &AnyRow) -> TaxonOut {
    TaxonOut {
        cd_nom: r.get(0),
        cd_ref: r.get(1),
        rank: r.get(2),
        lb_nom: r.get(3),
        lb_auteur: r.get(4),
        nom_complet: r.get(5),
        nom_valide: r.get(6),
        nom_vern: r.get(7),
        famille: r.get(8),
        fr_status: r.get(9),
    }
}

/// Names matching every word of `q` (scientific or vernacular, accents ignored), valid names first.
pub async fn search_taxa(p: &Platform, q: &str, limit: i64) -> Result<Vec<TaxonOut>, AppError> {
    let words: Vec<String> = platform::search::fold(q)
        .split_whitespace()
        .map(|w| w.replace(['%', '_', '\\'], ""))
        .filter(|w| !w.is_empty())
        .take(6)
        .collect();
    let mut sql = format!("SELECT {TAXON_COLS} FROM seedbank_taxa WHERE TRUE");
    for i in 0..words.len() {
        sql.push_str(&format!(" AND search_text LIKE ${}", i + 1));
    }
    sql.push_str(&format!(
        " ORDER BY CASE WHEN cd_nom = cd_ref THEN 0 ELSE 1 END, lb_nom LIMIT {}",
        limit.clamp(1, 100)
    ));
    let mut query = sqlx::query(&sql);
    for w in &words {
        query = query.bind(format!("%{w}%"));
    }
    Ok(query
        .fetch_all(p.db.pool())
        .await
        .map_err(db)?
        .iter()
        .map(taxon)
        .collect())
}

pub async fn get_taxon(p: &Platform, cd_nom: i64) -> Result<TaxonOut, AppError> {
    sqlx::query(&format!(
        "SELECT {TAXON_COLS} FROM seedbank_taxa WHERE cd_nom = $1"
    ))
    .bind(cd_nom)
    .fetch_optional(p.db.pool())
    .await
    .map_err(db)?
    .map(|r| taxon(&r))
    .ok_or_else(AppError::not_found)
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct TaxrefImport {
    pub inserted: u64,
    pub updated: u64,
    pub rejected: Vec<TaxrefRejected>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct TaxrefRejected {
    pub line: u64,
    pub reason: String,
}

/// Loads (or refreshes) names from an official TAXREF text file. Names already used by lots are
/// updated in place, never removed. Platform administrators only: TAXREF is shared by everyone.
pub async fn import_taxref(
    p: &Platform,
    principal: &Principal,
    actor: &Actor,
    body: &[u8],
) -> Result<TaxrefImport, AppError> {
    if principal.user_id.is_none() {
        return Err(AppError::unauthenticated());
    }
    if !principal.is_admin {
        return Err(AppError::forbidden());
    }
    let parsed = taxref::read(body).map_err(|e| {
        AppError::bad_request("invalid_taxref", format!("this is not a TAXREF file: {e}"))
    })?;
    let mut tx = p.db.write().await.map_err(db)?;
    let (mut inserted, mut updated) = (0u64, 0u64);
    for t in &parsed.taxa {
        let search = platform::search::fold(&format!(
            "{} {} {}",
            t.nom_complet,
            t.lb_nom,
            t.nom_vern.as_deref().unwrap_or("")
        ));
        let exists: Option<i64> =
            sqlx::query_scalar("SELECT cd_nom FROM seedbank_taxa WHERE cd_nom = $1")
                .bind(t.cd_nom.get())
                .fetch_optional(tx.conn())
                .await
                .map_err(db)?;
        let sql = if exists.is_some() {
            updated += 1;
            "UPDATE seedbank_taxa SET cd_ref = $2, cd_sup = $3, rank = $4, lb_nom = $5, lb_auteur = $6, nom_complet = $7, nom_valide = $8, nom_vern = $9,
             famille = $10, regne = $11, group2_inpn = $12, fr_status = $13, search_text = $14 WHERE cd_nom = $1"
        } else {
            inserted += 1;
            "INSERT INTO seedbank_taxa (cd_nom, cd_ref, cd_sup, rank, lb_nom, lb_auteur, nom_complet, nom_valide, nom_vern, famille, regne, group2_inpn, fr_status, search_text)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)"
        };
        sqlx::query(sql)
            .bind(t.cd_nom.get())
            .bind(t.cd_ref.get())
            .bind(t.cd_sup.map(|c| c.get()))
            .bind(&t.rank)
            .bind(&t.lb_nom)
            .bind(&t.lb_auteur)
            .bind(&t.nom_complet)
            .bind(&t.nom_valide)
            .bind(&t.nom_vern)
            .bind(&t.famille)
            .bind(&t.regne)
            .bind(&t.group2_inpn)
            .bind(&t.fr_status)
            .bind(search)
            .execute(tx.conn())
            .await
            .map_err(db)?;
    }
    let out = TaxrefImport {
        inserted,
        updated,
        rejected: parsed
            .rejected
            .into_iter()
            .map(|r| TaxrefRejected {
                line: r.line,
                reason: r.reason,
            })
            .collect(),
    };
    audit::record(tx.conn(), p.clock.now_ms(), actor, change("taxref", String::new(), "import", None, Some(serde_json::json!({ "inserted": out.inserted, "updated": out.updated, "rejected": out.rejected.len() })))).await.map_err(db)?;
    tx.commit().await.map_err(db)?;
    Ok(out)
}

// ---------------------------------------------------------------- harvests

/// A harvest as written by people and programs; dates `YYYY-MM-DD`, WGS84 position.
#[derive(Clone, Debug, Default, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct HarvestInput {
    /// `YYYY_NNNN`; the next free number of the year when absent.
    #[serde(default)]
    pub code: Option<String>,
    /// Organisation (id) the harvest belongs to; the author's own when absent.
    #[serde(default)]
    pub org_id: Option<i64>,
    pub date_start: String,
    #[serde(default)]
    pub date_end: Option<String>,
    #[serde(default)]
    pub locality: String,
    /// INSEE code of the commune (5 characters, leading zeros kept, 2A/2B for Corsica).
    #[serde(default)]
    pub commune_insee: Option<String>,
    #[serde(default)]
    pub lat: Option<f64>,
    #[serde(default)]
    pub lon: Option<f64>,
    #[serde(default)]
    pub precision_m: Option<f64>,
    #[serde(default)]
    pub altitude_m: Option<f64>,
    #[serde(default)]
    pub collectors: String,
    /// `1-10`, `11-100`, `101-1000`, `1001-10000` or `10000+` plants.
    #[serde(default)]
    pub population_class: Option<String>,
    #[serde(default)]
    pub plants_sampled: Option<i64>,
    #[serde(default)]
    pub remarks: String,
}

#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct Harvest {
    pub id: i64,
    pub uuid: String,
    pub code: String,
    pub org_id: Option<i64>,
    pub owner_id: Option<i64>,
    pub date_start: String,
    pub date_end: Option<String>,
    pub locality: String,
    pub commune_insee: Option<String>,
    pub lat: Option<f64>,
    pub lon: Option<f64>,
    pub precision_m: Option<f64>,
    pub altitude_m: Option<f64>,
    pub collectors: String,
    pub population_class: Option<String>,
    pub plants_sampled: Option<i64>,
    pub remarks: String,
}

const HARVEST_COLS: &str = "h.id, h.uuid, h.code, h.org_id, h.owner_id, h.date_start, h.date_end, h.locality, h.commune_insee, h.lat, h.lon, h.precision_m, h.altitude_m, h.collectors, h.population_class, h.plants_sampled, h.remarks";

fn harvest(r: &AnyRow) -> Harvest {
    Harvest {
        id: r.get(0),
        uuid: r.get(1),
        code: r.get(2),
        org_id: r.get(3),
        owner_id: r.get(4),
        date_start: r.get(5),
        date_end: r.get(6),
        locality: r.get(7),
        commune_insee: r.get(8),
        lat: r.get(9),
        lon: r.get(10),
        precision_m: r.get(11),
        altitude_m: r.get(12),
        collectors: r.get(13),
        population_class: r.get(14),
        plants_sampled: r.get(15),
        remarks: r.get(16),
    }
}

struct HarvestFields {
    code: Option<HarvestCode>,
    start: Day,
    end: Option<Day>,
    locality: String,
    commune: Option<String>,
    lat: Option<f64>,
    lon: Option<f64>,
    precision_m: Option<f64>,
    altitude_m: Option<f64>,
    collectors: String,
    population: Option<&'static str>,
    plants_sampled: Option<i64>,
    remarks: String,
}

fn parse_harvest(i: &HarvestInput) -> Result<HarvestFields, AppError> {
    let mut e = Errors::default();
    let code = opt(&i.code).and_then(|c| e.take(HarvestCode::parse(c)));
    let start = e.take(Day::parse("date_start", &i.date_start));
    let end = opt(&i.date_end).and_then(|d| e.take(Day::parse("date_end", d)));
    if let (Some(s), Some(en)) = (start, end) {
        if en < s {
            e.push(
                "date_end",
                "before_start",
                "the harvest ends after it starts",
            );
        }
    }
    let commune = opt(&i.commune_insee).and_then(|c| e.take(lot::insee_commune(c)));
    let lat = range(&mut e, "lat", i.lat, -90.0, 90.0);
    let lon = range(&mut e, "lon", i.lon, -180.0, 180.0);
    if lat.is_some() != lon.is_some() {
        e.push(
            if lat.is_none() { "lat" } else { "lon" },
            "required",
            "a position has both a latitude and a longitude",
        );
    }
    let precision_m = range(&mut e, "precision_m", i.precision_m, 0.0, 100_000.0);
    let altitude_m = range(&mut e, "altitude_m", i.altitude_m, -500.0, 9000.0);
    let population = opt(&i.population_class)
        .and_then(|c| e.take(PopulationClass::parse(c)))
        .map(PopulationClass::id);
    if i.plants_sampled.is_some_and(|n| n < 0) {
        e.push(
            "plants_sampled",
            "out_of_range",
            "a number of plants is not negative",
        );
    }
    let fields = HarvestFields {
        code,
        start: start.unwrap_or(Day::from_days(0)),
        end,
        locality: text(&mut e, "locality", &i.locality, 300),
        commune,
        lat,
        lon,
        precision_m,
        altitude_m,
        collectors: text(&mut e, "collectors", &i.collectors, 500),
        population,
        plants_sampled: i.plants_sampled,
        remarks: text(&mut e, "remarks", &i.remarks, 5000),
    };
    e.done()?;
    Ok(fields)
}

async fn harvest_by_id(
    conn: &mut sqlx::AnyConnection,
    id: i64,
) -> Result<Option<Harvest>, sqlx::Error> {
    Ok(sqlx::query(&format!(
        "SELECT {HARVEST_COLS} FROM seedbank_harvests h WHERE h.id = $1"
    ))
    .bind(id)
    .fetch_optional(conn)
    .await?
    .map(|r| harvest(&r)))
}

/// A change of the seed bank for the audit log.
fn change(
    object_type: &'static str,
    id: impl ToString,
    action: &'static str,
    before: Option<serde_json::Value>,
    after: Option<serde_json::Value>,
) -> Change<'static> {
    Change {
        module: MODULE,
        object_type,
        object_id: id.to_string(),
        action,
        before,
        after,
    }
}

fn snapshot<T: Serialize>(t: &T) -> Option<serde_json::Value> {
    serde_json::to_value(t).ok()
}

pub async fn create_harvest(
    p: &Platform,
    principal: &Principal,
    actor: &Actor,
    i: &HarvestInput,
) -> Result<Harvest, AppError> {
    org_target(p, principal, "harvest", i.org_id).await?;
    let f = parse_harvest(i)?;
    let mut tx = p.db.write().await.map_err(db)?;
    let code = match f.code {
        Some(c) => c,
        None => {
            let year = f.start.year();
            let highest: Option<String> =
                sqlx::query_scalar("SELECT MAX(code) FROM seedbank_harvests WHERE code LIKE $1")
                    .bind(format!("{year:04}_%"))
                    .fetch_one(tx.conn())
                    .await
                    .map_err(db)?;
            HarvestCode::next(year, highest.as_deref())
        }
    };
    let now = p.clock.now_ms();
    let inserted = sqlx::query(
        "INSERT INTO seedbank_harvests (uuid, code, org_id, owner_id, date_start, date_end, locality, commune_insee, lat, lon, precision_m, altitude_m, collectors,
         population_class, plants_sampled, remarks, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $17) RETURNING id",
    )
    .bind(p.random.uuid_v4())
    .bind(code.as_str())
    .bind(i.org_id)
    .bind(principal.user_id)
    .bind(f.start.iso())
    .bind(f.end.map(Day::iso))
    .bind(&f.locality)
    .bind(&f.commune)
    .bind(f.lat)
    .bind(f.lon)
    .bind(f.precision_m)
    .bind(f.altitude_m)
    .bind(&f.collectors)
    .bind(f.population)
    .bind(f.plants_sampled)
    .bind(&f.remarks)
    .bind(now)
    .fetch_one(tx.conn())
    .await;
    let id: i64 = match inserted {
        Ok(r) => r.get(0),
        Err(e) if platform::db::is_unique_violation(&e) => {
            let mut f = FieldError::new("code", "code_taken");
            f.message = format!("another harvest has the code {}", code.as_str());
            return Err(AppError::invalid(vec![f]));
        }
        Err(e) => return Err(db(e)),
    };
    let h = harvest_by_id(tx.conn(), id)
        .await
        .map_err(db)?
        .ok_or_else(AppError::not_found)?;
    audit::record(
        tx.conn(),
        now,
        actor,
        change("harvest", id, "create", None, snapshot(&h)),
    )
    .await
    .map_err(db)?;
    tx.commit().await.map_err(db)?;
    Ok(h)
}

pub async fn get_harvest(
    p: &Platform,
    principal: &Principal,
    id: i64,
) -> Result<Harvest, AppError> {
    let h = harvest_by_id(&mut *p.db.pool().acquire().await.map_err(db)?, id)
        .await
        .map_err(db)?
        .ok_or_else(AppError::not_found)?;
    principal
        .authorize(Action::Read, &target("harvest", h.owner_id, h.org_id))
        .map_err(|_| AppError::not_found())?;
    Ok(h)
}

pub async fn update_harvest(
    p: &Platform,
    principal: &Principal,
    actor: &Actor,
    id: i64,
    i: &HarvestInput,
) -> Result<Harvest, AppError> {
    let before = get_harvest(p, principal, id).await?;
    principal.authorize(
        Action::Update,
        &target("harvest", before.owner_id, before.org_id),
    )?;
    if i.org_id.is_some() && i.org_id != before.org_id {
        org_target(p, principal, "harvest", i.org_id).await?;
    }
    let f = parse_harvest(i)?;
    let code = f
        .code
        .map(|c| c.as_str().to_string())
        .unwrap_or(before.code.clone());
    let mut tx = p.db.write().await.map_err(db)?;
    let now = p.clock.now_ms();
    let r = sqlx::query(
        "UPDATE seedbank_harvests SET code = $2, org_id = $3, date_start = $4, date_end = $5, locality = $6, commune_insee = $7, lat = $8, lon = $9, precision_m = $10,
         altitude_m = $11, collectors = $12, population_class = $13, plants_sampled = $14, remarks = $15, updated_at = $16 WHERE id = $1",
    )
    .bind(id)
    .bind(&code)
    .bind(i.org_id.or(before.org_id))
    .bind(f.start.iso())
    .bind(f.end.map(Day::iso))
    .bind(&f.locality)
    .bind(&f.commune)
    .bind(f.lat)
    .bind(f.lon)
    .bind(f.precision_m)
    .bind(f.altitude_m)
    .bind(&f.collectors)
    .bind(f.population)
    .bind(f.plants_sampled)
    .bind(&f.remarks)
    .bind(now)
    .execute(tx.conn())
    .await;
    match r {
        Err(e) if platform::db::is_unique_violation(&e) => {
            let mut f = FieldError::new("code", "code_taken");
            f.message = format!("another harvest has the code {code}");
            return Err(AppError::invalid(vec![f]));
        }
        r => r.map_err(db)?,
    };
    let h = harvest_by_id(tx.conn(), id)
        .await
        .map_err(db)?
        .ok_or_else(AppError::not_found)?;
    audit::record(
        tx.conn(),
        now,
        actor,
        change("harvest", id, "update", snapshot(&before), snapshot(&h)),
    )
    .await
    .map_err(db)?;
    tx.commit().await.map_err(db)?;
    Ok(h)
}

/// A harvest can be deleted while no lot comes from it (the lots' provenance is never lost).
pub async fn delete_harvest(
    p: &Platform,
    principal: &Principal,
    actor: &Actor,
    id: i64,
) -> Result<(), AppError> {
    let before = get_harvest(p, principal, id).await?;
    principal.authorize(
        Action::Delete,
        &target("harvest", before.owner_id, before.org_id),
    )?;
    let mut tx = p.db.write().await.map_err(db)?;
    let lots: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM seedbank_lots WHERE harvest_id = $1")
        .bind(id)
        .fetch_one(tx.conn())
        .await
        .map_err(db)?;
    if lots > 0 {
        return Err(AppError::conflict(
            "harvest_has_lots",
            format!("{lots} lot(s) come from this harvest: it is kept as their provenance"),
        ));
    }
    sqlx::query("DELETE FROM seedbank_harvests WHERE id = $1")
        .bind(id)
        .execute(tx.conn())
        .await
        .map_err(db)?;
    audit::record(
        tx.conn(),
        p.clock.now_ms(),
        actor,
        change("harvest", id, "delete", snapshot(&before), None),
    )
    .await
    .map_err(db)?;
    tx.commit().await.map_err(db)?;
    Ok(())
}

pub async fn list_harvests(
    p: &Platform,
    principal: &Principal,
    page: i64,
    page_size: i64,
) -> Result<(Vec<Harvest>, i64), AppError> {
    let vis = visible(principal, "harvest", "h");
    let total: i64 = sqlx::query_scalar(&format!(
        "SELECT COUNT(*) FROM seedbank_harvests h WHERE {vis}"
    ))
    .fetch_one(p.db.pool())
    .await
    .map_err(db)?;
    let rows = sqlx::query(&format!("SELECT {HARVEST_COLS} FROM seedbank_harvests h WHERE {vis} ORDER BY h.date_start DESC, h.id DESC LIMIT {page_size} OFFSET {}", (page - 1) * page_size))
        .fetch_all(p.db.pool())
        .await
        .map_err(db)?;
    Ok((rows.iter().map(harvest).collect(), total))
}

// ---------------------------------------------------------------- lots

#[derive(Clone, Debug, Default, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LotInput {
    /// The lot's number (MCPD ACCENUMB); `{harvest code}-{rank}` when absent and the lot comes from a harvest.
    #[serde(default)]
    pub code: Option<String>,
    #[serde(default)]
    pub harvest_id: Option<i64>,
    /// Lot this one derives from, and how (`split`, `regeneration`, `multiplication`, `safety_duplicate`).
    #[serde(default)]
    pub parent_id: Option<i64>,
    #[serde(default)]
    pub derivation: Option<String>,
    /// `seed`, `spore`, `bulb`, `bulbil`, `rhizome`, `cutting`, `whole_plant`, `clump_division`, `soil_sample`.
    pub material_type: String,
    /// TAXREF names (cd_nom) of the lot: at least one.
    pub taxa: Vec<i64>,
    #[serde(default)]
    pub org_id: Option<i64>,
    /// `active` (default), `depleted`, `deaccessioned`.
    #[serde(default)]
    pub status: Option<String>,
    #[serde(default)]
    pub thousand_seed_mass_g: Option<f64>,
    /// Storage temperature and seed moisture content (% fresh weight), for the viability forecast.
    #[serde(default)]
    pub storage_temperature_c: Option<f64>,
    #[serde(default)]
    pub moisture_percent: Option<f64>,
    #[serde(default)]
    pub remarks: String,
}

#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct Lot {
    pub id: i64,
    pub uuid: String,
    pub code: String,
    pub harvest_id: Option<i64>,
    pub harvest_code: Option<String>,
    pub parent_id: Option<i64>,
    pub derivation: Option<String>,
    pub material_type: String,
    pub org_id: Option<i64>,
    pub owner_id: Option<i64>,
    pub status: String,
    pub thousand_seed_mass_g: Option<f64>,
    pub storage_temperature_c: Option<f64>,
    pub moisture_percent: Option<f64>,
    /// Seeds in stock, all places together (the ledger's balance).
    pub stock_seeds: i64,
    pub remarks: String,
    pub taxa: Vec<TaxonOut>,
}

const LOT_COLS: &str = "l.id, l.uuid, l.code, l.harvest_id, h.code, l.parent_id, l.derivation, l.material_type, l.org_id, l.owner_id, l.status, l.thousand_seed_mass_g,
    l.storage_temperature_c, l.moisture_percent, l.stock_seeds, l.remarks";

fn lot(r: &AnyRow) -> Lot {
    Lot {
        id: r.get(0),
        uuid: r.get(1),
        code: r.get(2),
        harvest_id: r.get(3),
        harvest_code: r.get(4),
        parent_id: r.get(5),
        derivation: r.get(6),
        material_type: r.get(7),
        org_id: r.get(8),
        owner_id: r.get(9),
        status: r.get(10),
        thousand_seed_mass_g: r.get(11),
        storage_temperature_c: r.get(12),
        moisture_percent: r.get(13),
        stock_seeds: r.get(14),
        remarks: r.get(15),
        taxa: Vec::new(),
    }
}

async fn lot_taxa(
    conn: &mut sqlx::AnyConnection,
    ids: &[i64],
) -> Result<Vec<(i64, TaxonOut)>, sqlx::Error> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let list: Vec<String> = ids.iter().map(i64::to_string).collect();
    let cols = TAXON_COLS
        .split(", ")
        .map(|c| format!("t.{c}"))
        .collect::<Vec<_>>()
        .join(", ");
    let rows = sqlx::query(&format!("SELECT {cols}, lt.lot_id FROM seedbank_lot_taxa lt JOIN seedbank_taxa t ON t.cd_nom = lt.cd_nom WHERE lt.lot_id IN ({}) ORDER BY t.lb_nom", list.join(", ")))
        .fetch_all(conn)
        .await?;
    Ok(rows
        .iter()
        .map(|r| (r.get::<i64, _>(10), taxon(r)))
        .collect())
}

async fn lots_where(
    conn: &mut sqlx::AnyConnection,
    cond: &str,
    tail: &str,
    bind: Option<i64>,
) -> Result<Vec<Lot>, sqlx::Error> {
    let sql = format!("SELECT {LOT_COLS} FROM seedbank_lots l LEFT JOIN seedbank_harvests h ON h.id = l.harvest_id WHERE {cond} {tail}");
    let mut q = sqlx::query(&sql);
    if let Some(b) = bind {
        q = q.bind(b);
    }
    let mut lots: Vec<Lot> = q.fetch_all(&mut *conn).await?.iter().map(lot).collect();
    let ids: Vec<i64> = lots.iter().map(|l| l.id).collect();
    for (id, t) in lot_taxa(conn, &ids).await? {
        if let Some(l) = lots.iter_mut().find(|l| l.id == id) {
            l.taxa.push(t);
        }
    }
    Ok(lots)
}

struct LotFields {
    code: Option<LotCode>,
    material: MaterialType,
    derivation: Option<Derivation>,
    status: LotStatus,
    tsm: Option<f64>,
    temperature: Option<f64>,
    moisture: Option<f64>,
    remarks: String,
}

fn parse_lot(i: &LotInput) -> Result<LotFields, AppError> {
    let mut e = Errors::default();
    let code = opt(&i.code).and_then(|c| e.take(LotCode::parse(c)));
    let material = e.take(MaterialType::parse(&i.material_type));
    let derivation = opt(&i.derivation).and_then(|d| e.take(Derivation::parse(d)));
    if derivation.is_some() != i.parent_id.is_some() {
        e.push(
            "derivation",
            "required",
            "a derived lot names its parent lot and how it derives from it",
        );
    }
    let status = opt(&i.status)
        .map(|s| e.take(LotStatus::parse(s)))
        .unwrap_or(Some(LotStatus::Active));
    if i.taxa.is_empty() {
        e.push(
            "taxa",
            "required",
            "a lot has at least one taxon (TAXREF cd_nom)",
        );
    }
    if i.taxa.len() > 20 {
        e.push("taxa", "out_of_range", "at most 20 taxa per lot");
    }
    let tsm = range(
        &mut e,
        "thousand_seed_mass_g",
        i.thousand_seed_mass_g,
        1e-6,
        100_000.0,
    );
    let temperature = range(
        &mut e,
        "storage_temperature_c",
        i.storage_temperature_c,
        -200.0,
        60.0,
    );
    let moisture = range(&mut e, "moisture_percent", i.moisture_percent, 0.0, 100.0);
    let remarks = text(&mut e, "remarks", &i.remarks, 5000);
    e.done()?;
    Ok(LotFields {
        code,
        material: material.unwrap_or(MaterialType::Seed),
        derivation,
        status: status.unwrap_or(LotStatus::Active),
        tsm,
        temperature,
        moisture,
        remarks,
    })
}

async fn check_taxa(conn: &mut sqlx::AnyConnection, taxa: &[i64]) -> Result<(), AppError> {
    for cd in taxa {
        let found: Option<i64> =
            sqlx::query_scalar("SELECT cd_nom FROM seedbank_taxa WHERE cd_nom = $1")
                .bind(cd)
                .fetch_optional(&mut *conn)
                .await
                .map_err(db)?;
        if found.is_none() {
            let mut f = FieldError::new("taxa", "unknown_taxon");
            f.message = format!("no TAXREF name has cd_nom {cd}");
            return Err(AppError::invalid(vec![f]));
        }
    }
    Ok(())
}

async fn set_lot_taxa(
    conn: &mut sqlx::AnyConnection,
    id: i64,
    taxa: &[i64],
) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM seedbank_lot_taxa WHERE lot_id = $1")
        .bind(id)
        .execute(&mut *conn)
        .await?;
    let mut seen = std::collections::BTreeSet::new();
    for cd in taxa.iter().filter(|c| seen.insert(**c)) {
        sqlx::query("INSERT INTO seedbank_lot_taxa (lot_id, cd_nom) VALUES ($1, $2)")
            .bind(id)
            .bind(cd)
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

pub async fn get_lot(p: &Platform, principal: &Principal, id: i64) -> Result<Lot, AppError> {
    let mut conn = p.db.pool().acquire().await.map_err(db)?;
    let l = lots_where(&mut conn, "l.id = $1", "", Some(id))
        .await
        .map_err(db)?
        .pop()
        .ok_or_else(AppError::not_found)?;
    principal
        .authorize(Action::Read, &target("lot", l.owner_id, l.org_id))
        .map_err(|_| AppError::not_found())?;
    Ok(l)
}

fn code_taken(code: &str) -> AppError {
    let mut f = FieldError::new("code", "code_taken");
    f.message = format!("another lot has the code {code}");
    AppError::invalid(vec![f])
}

pub async fn create_lot(
    p: &Platform,
    principal: &Principal,
    actor: &Actor,
    i: &LotInput,
) -> Result<Lot, AppError> {
    let mut tx = p.db.write().await.map_err(db)?;
    let l = insert_lot(p, principal, actor, tx.conn(), i).await?;
    tx.commit().await.map_err(db)?;
    Ok(l)
}

/// Records a lot in the caller's transaction, audited.
async fn insert_lot(
    p: &Platform,
    principal: &Principal,
    actor: &Actor,
    conn: &mut sqlx::AnyConnection,
    i: &LotInput,
) -> Result<Lot, AppError> {
    org_target(p, principal, "lot", i.org_id).await?;
    let f = parse_lot(i)?;
    // The harvest and the parent must be readable by the author: a lot cannot borrow the
    // provenance of data they cannot see.
    let harvest =
        match i.harvest_id {
            Some(h) => Some(get_harvest(p, principal, h).await.map_err(|_| {
                AppError::invalid(vec![FieldError::new("harvest_id", "not_found")])
            })?),
            None => None,
        };
    if let Some(parent) = i.parent_id {
        get_lot(p, principal, parent)
            .await
            .map_err(|_| AppError::invalid(vec![FieldError::new("parent_id", "not_found")]))?;
    }
    check_taxa(&mut *conn, &i.taxa).await?;
    let code = match (f.code, &harvest) {
        (Some(c), _) => c,
        (None, Some(h)) => {
            let n: i64 =
                sqlx::query_scalar("SELECT COUNT(*) FROM seedbank_lots WHERE harvest_id = $1")
                    .bind(h.id)
                    .fetch_one(&mut *conn)
                    .await
                    .map_err(db)?;
            LotCode::for_harvest(&h.code, n + 1)
        }
        (None, None) => return Err(AppError::invalid(vec![FieldError::new("code", "required")])),
    };
    let now = p.clock.now_ms();
    let inserted = sqlx::query(
        "INSERT INTO seedbank_lots (uuid, code, harvest_id, parent_id, derivation, material_type, org_id, owner_id, status, thousand_seed_mass_g, storage_temperature_c,
         moisture_percent, remarks, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $14) RETURNING id",
    )
    .bind(p.random.uuid_v4())
    .bind(code.as_str())
    .bind(i.harvest_id)
    .bind(i.parent_id)
    .bind(f.derivation.map(Derivation::id))
    .bind(f.material.id())
    .bind(i.org_id)
    .bind(principal.user_id)
    .bind(f.status.id())
    .bind(f.tsm)
    .bind(f.temperature)
    .bind(f.moisture)
    .bind(&f.remarks)
    .bind(now)
    .fetch_one(&mut *conn)
    .await;
    let id: i64 = match inserted {
        Ok(r) => r.get(0),
        Err(e) if platform::db::is_unique_violation(&e) => return Err(code_taken(code.as_str())),
        Err(e) => return Err(db(e)),
    };
    set_lot_taxa(&mut *conn, id, &i.taxa).await.map_err(db)?;
    let l = lots_where(&mut *conn, "l.id = $1", "", Some(id))
        .await
        .map_err(db)?
        .pop()
        .ok_or_else(AppError::not_found)?;
    audit::record(
        &mut *conn,
        now,
        actor,
        change("lot", id, "create", None, snapshot(&l)),
    )
    .await
    .map_err(db)?;
    Ok(l)
}

/// A lot derived from another: its seeds come out of the parent's stock into its own.
#[derive(Clone, Debug, Default, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DeriveInput {
    /// The new lot's number; `{harvest}-{rank}` when absent (it keeps its parent's harvest).
    #[serde(default)]
    pub code: Option<String>,
    /// `split`, `regeneration`, `multiplication` or `safety_duplicate`.
    pub derivation: String,
    /// The seeds moved: a number of seeds, or grams through the parent's thousand-seed mass.
    pub quantity: f64,
    pub unit: String,
    /// Where they are taken from in the parent's stock, and where the new lot keeps them.
    pub place: String,
    pub to_place: String,
    /// `YYYY-MM-DD`.
    pub on_date: String,
    /// The parent's when absent.
    #[serde(default)]
    pub storage_temperature_c: Option<f64>,
    #[serde(default)]
    pub moisture_percent: Option<f64>,
    #[serde(default)]
    pub remarks: String,
}

/// Derives a lot from another in one transaction: the new lot (same harvest, taxa, material and
/// seed mass), the withdrawal from the parent for `derived_lot`, the deposit into the new lot.
pub async fn derive_lot(
    p: &Platform,
    principal: &Principal,
    actor: &Actor,
    parent_id: i64,
    i: &DeriveInput,
) -> Result<Lot, AppError> {
    let parent = get_lot(p, principal, parent_id).await?;
    principal.authorize(
        Action::Update,
        &target("lot", parent.owner_id, parent.org_id),
    )?;
    let lot = LotInput {
        code: i.code.clone(),
        harvest_id: parent.harvest_id,
        parent_id: Some(parent.id),
        derivation: Some(i.derivation.clone()),
        material_type: parent.material_type.clone(),
        taxa: parent.taxa.iter().map(|t| t.cd_nom).collect(),
        org_id: parent.org_id,
        status: None,
        thousand_seed_mass_g: parent.thousand_seed_mass_g,
        storage_temperature_c: i.storage_temperature_c.or(parent.storage_temperature_c),
        moisture_percent: i.moisture_percent.or(parent.moisture_percent),
        remarks: i.remarks.clone(),
    };
    let seeds = Quantity::parse(i.quantity, &i.unit)
        .and_then(|q| q.seeds(parent.thousand_seed_mass_g))
        .map_err(|e| AppError::invalid(vec![field(e)]))?;
    if opt(&Some(i.to_place.clone())).is_none() {
        return Err(AppError::invalid(vec![FieldError::new(
            "to_place", "required",
        )]));
    }
    let now = p.clock.now_ms();
    let mut tx = p.db.write().await.map_err(db)?;
    let child = insert_lot(p, principal, actor, tx.conn(), &lot).await?;
    let out = MovementInput {
        kind: "withdrawal".into(),
        purpose: Some("derived_lot".into()),
        on_date: i.on_date.clone(),
        place: i.place.clone(),
        to_place: None,
        quantity: i.quantity,
        unit: i.unit.clone(),
        remarks: format!("→ {}", child.code),
    };
    write_movement(tx.conn(), now, actor, &parent, &out, None).await?;
    let into = MovementInput {
        kind: "deposit".into(),
        purpose: None,
        place: i.to_place.clone(),
        quantity: seeds as f64,
        unit: "seeds".into(),
        remarks: format!("← {}", parent.code),
        ..out
    };
    write_movement(tx.conn(), now, actor, &child, &into, None)
        .await
        .map_err(|mut e| {
            for f in &mut e.errors {
                if f.field == "place" {
                    f.field = "to_place".into();
                }
            }
            e
        })?;
    let child = lots_where(tx.conn(), "l.id = $1", "", Some(child.id))
        .await
        .map_err(db)?
        .pop()
        .ok_or_else(AppError::not_found)?;
    tx.commit().await.map_err(db)?;
    Ok(child)
}

/// The lots derived from a lot.
pub async fn children(
    p: &Platform,
    principal: &Principal,
    parent: i64,
) -> Result<Vec<Lot>, AppError> {
    let mut conn = p.db.pool().acquire().await.map_err(db)?;
    let cond = format!(
        "l.parent_id = {parent} AND {}",
        visible(principal, "lot", "l")
    );
    lots_where(&mut conn, &cond, "ORDER BY l.code", None)
        .await
        .map_err(db)
}

pub async fn update_lot(
    p: &Platform,
    principal: &Principal,
    actor: &Actor,
    id: i64,
    i: &LotInput,
) -> Result<Lot, AppError> {
    let before = get_lot(p, principal, id).await?;
    principal.authorize(
        Action::Update,
        &target("lot", before.owner_id, before.org_id),
    )?;
    if i.org_id.is_some() && i.org_id != before.org_id {
        org_target(p, principal, "lot", i.org_id).await?;
    }
    if i.harvest_id != before.harvest_id || i.parent_id != before.parent_id {
        return Err(AppError::invalid(vec![FieldError::new(
            if i.harvest_id != before.harvest_id {
                "harvest_id"
            } else {
                "parent_id"
            },
            "immutable",
        )]));
    }
    let f = parse_lot(i)?;
    let code = f
        .code
        .map(|c| c.as_str().to_string())
        .unwrap_or(before.code.clone());
    let mut tx = p.db.write().await.map_err(db)?;
    check_taxa(tx.conn(), &i.taxa).await?;
    let now = p.clock.now_ms();
    let r = sqlx::query(
        "UPDATE seedbank_lots SET code = $2, derivation = $3, material_type = $4, org_id = $5, status = $6, thousand_seed_mass_g = $7, storage_temperature_c = $8,
         moisture_percent = $9, remarks = $10, updated_at = $11 WHERE id = $1",
    )
    .bind(id)
    .bind(&code)
    .bind(f.derivation.map(Derivation::id))
    .bind(f.material.id())
    .bind(i.org_id.or(before.org_id))
    .bind(f.status.id())
    .bind(f.tsm)
    .bind(f.temperature)
    .bind(f.moisture)
    .bind(&f.remarks)
    .bind(now)
    .execute(tx.conn())
    .await;
    match r {
        Err(e) if platform::db::is_unique_violation(&e) => return Err(code_taken(&code)),
        r => r.map_err(db)?,
    };
    set_lot_taxa(tx.conn(), id, &i.taxa).await.map_err(db)?;
    let l = lots_where(tx.conn(), "l.id = $1", "", Some(id))
        .await
        .map_err(db)?
        .pop()
        .ok_or_else(AppError::not_found)?;
    audit::record(
        tx.conn(),
        now,
        actor,
        change("lot", id, "update", snapshot(&before), snapshot(&l)),
    )
    .await
    .map_err(db)?;
    tx.commit().await.map_err(db)?;
    Ok(l)
}

#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct LotFilter {
    /// Words of the lot's code or of its taxa's names (scientific or vernacular).
    pub q: Option<String>,
    pub harvest_id: Option<i64>,
    /// A TAXREF name: lots of that taxon and of its synonyms.
    pub cd_nom: Option<i64>,
    pub status: Option<String>,
    pub page: Option<i64>,
    pub page_size: Option<i64>,
}

pub async fn list_lots(
    p: &Platform,
    principal: &Principal,
    f: &LotFilter,
) -> Result<(Vec<Lot>, i64), AppError> {
    let mut cond = vec![visible(principal, "lot", "l")];
    if let Some(h) = f.harvest_id {
        cond.push(format!("l.harvest_id = {h}"));
    }
    if let Some(cd) = f.cd_nom {
        cond.push(format!(
            "l.id IN (SELECT lt.lot_id FROM seedbank_lot_taxa lt JOIN seedbank_taxa t ON t.cd_nom = lt.cd_nom WHERE t.cd_ref = (SELECT cd_ref FROM seedbank_taxa WHERE cd_nom = {cd}))"
        ));
    }
    if let Some(s) = opt(&f.status) {
        cond.push(format!(
            "l.status = '{}'",
            LotStatus::parse(s)
                .map_err(|e| AppError::invalid(vec![field(e)]))?
                .id()
        ));
    }
    let words: Vec<String> =
        f.q.as_deref()
            .map(platform::search::fold)
            .unwrap_or_default()
            .split_whitespace()
            .map(|w| w.replace(['%', '_', '\'', '\\'], ""))
            .filter(|w| !w.is_empty())
            .take(6)
            .collect();
    for w in &words {
        // The words were stripped of quotes and LIKE wildcards above.
        cond.push(format!(
            "(LOWER(l.code) LIKE '%{w}%' OR l.id IN (SELECT lt.lot_id FROM seedbank_lot_taxa lt JOIN seedbank_taxa t ON t.cd_nom = lt.cd_nom WHERE t.search_text LIKE '%{w}%'))"
        ));
    }
    let cond = cond.join(" AND ");
    let page = f.page.unwrap_or(1).max(1);
    let size = f.page_size.unwrap_or(20).clamp(1, 100);
    let mut conn = p.db.pool().acquire().await.map_err(db)?;
    let total: i64 = sqlx::query_scalar(&format!(
        "SELECT COUNT(*) FROM seedbank_lots l WHERE {cond}"
    ))
    .fetch_one(&mut *conn)
    .await
    .map_err(db)?;
    let lots = lots_where(
        &mut conn,
        &cond,
        &format!("ORDER BY l.code LIMIT {size} OFFSET {}", (page - 1) * size),
        None,
    )
    .await
    .map_err(db)?;
    Ok((lots, total))
}

// ---------------------------------------------------------------- stock ledger

#[derive(Clone, Debug, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MovementInput {
    /// `deposit`, `withdrawal`, `transfer` or `correction` (the count found at `place`).
    pub kind: String,
    /// For a withdrawal: `test`, `sowing`, `distribution`, `reintroduction`, `loss`, `other`.
    #[serde(default)]
    pub purpose: Option<String>,
    /// `YYYY-MM-DD`.
    pub on_date: String,
    pub place: String,
    /// Destination of a transfer.
    #[serde(default)]
    pub to_place: Option<String>,
    pub quantity: f64,
    /// `seeds` or `g` (converted through the lot's thousand-seed mass).
    pub unit: String,
    #[serde(default)]
    pub remarks: String,
}

#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct Movement {
    pub id: i64,
    pub lot_id: i64,
    pub on_date: String,
    pub kind: String,
    pub purpose: Option<String>,
    pub place: String,
    pub to_place: Option<String>,
    /// Signed change of the lot's total, in seeds (0 for a transfer).
    pub seeds: i64,
    pub quantity: f64,
    pub unit: String,
    pub test_id: Option<i64>,
    pub actor_label: String,
    pub remarks: String,
}

fn movement(r: &AnyRow) -> Movement {
    Movement {
        id: r.get(0),
        lot_id: r.get(1),
        on_date: r.get(2),
        kind: r.get(3),
        purpose: r.get(4),
        place: r.get(5),
        to_place: r.get(6),
        seeds: r.get(7),
        quantity: r.get(8),
        unit: r.get(9),
        test_id: r.get(10),
        actor_label: r.get(11),
        remarks: r.get(12),
    }
}

const MOVEMENT_COLS: &str = "id, lot_id, on_date, kind, purpose, place, to_place, seeds, quantity, unit, test_id, actor_label, remarks";

#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct PlaceStock {
    pub place: String,
    pub seeds: i64,
}

pub async fn stock_places(p: &Platform, lot: i64) -> Result<Vec<PlaceStock>, AppError> {
    Ok(sqlx::query(
        "SELECT place, seeds FROM seedbank_stock WHERE lot_id = $1 AND seeds > 0 ORDER BY place",
    )
    .bind(lot)
    .fetch_all(p.db.pool())
    .await
    .map_err(db)?
    .iter()
    .map(|r| PlaceStock {
        place: r.get(0),
        seeds: r.get(1),
    })
    .collect())
}

pub async fn movements(p: &Platform, lot: i64) -> Result<Vec<Movement>, AppError> {
    Ok(sqlx::query(&format!("SELECT {MOVEMENT_COLS} FROM seedbank_movements WHERE lot_id = $1 ORDER BY on_date DESC, id DESC")).bind(lot).fetch_all(p.db.pool()).await.map_err(db)?.iter().map(movement).collect())
}

fn short_stock(place: &str) -> AppError {
    let mut f = FieldError::new("quantity", "insufficient_stock");
    f.message = format!("there are not that many seeds at {place}");
    AppError::invalid(vec![f])
}

/// Writes one ledger entry and its effect on the balances, refusing any that would go below zero.
/// The balances change through conditional updates, so two concurrent withdrawals cannot both
/// take the last seeds (on PostgreSQL as on SQLite).
async fn write_movement(
    conn: &mut sqlx::AnyConnection,
    now: i64,
    actor: &Actor,
    l: &Lot,
    i: &MovementInput,
    test_id: Option<i64>,
) -> Result<Movement, AppError> {
    let mut e = Errors::default();
    let kind = e.take(MovementKind::parse(&i.kind));
    let purpose = opt(&i.purpose).and_then(|s| e.take(Purpose::parse(s)));
    if kind == Some(MovementKind::Withdrawal) && purpose.is_none() && e.0.is_empty() {
        e.push("purpose", "required", "say why the seeds leave the stock");
    }
    if kind.is_some_and(|k| k != MovementKind::Withdrawal) && purpose.is_some() {
        e.push(
            "purpose",
            "not_a_withdrawal",
            "only a withdrawal has a purpose",
        );
    }
    let day = e.take(Day::parse("on_date", &i.on_date));
    let quantity = if kind == Some(MovementKind::Correction) && i.quantity == 0.0 {
        Some(Quantity {
            value: 0.0,
            unit: lot::Unit::Seeds,
        })
    } else {
        e.take(Quantity::parse(i.quantity, &i.unit))
    };
    let seeds = quantity.and_then(|q| {
        if q.value == 0.0 {
            Some(0)
        } else {
            e.take(q.seeds(l.thousand_seed_mass_g))
        }
    });
    let fx = match (kind, seeds) {
        (Some(k), Some(s)) => e.take(lot::effect(k, s, &i.place, i.to_place.as_deref())),
        _ => None,
    };
    let remarks = text(&mut e, "remarks", &i.remarks, 2000);
    e.done()?;
    let (kind, quantity, mut fx, day) = (
        kind.expect("checked"),
        quantity.expect("checked"),
        fx.expect("checked"),
        day.expect("checked"),
    );
    if kind == MovementKind::Correction {
        let (place, found) = fx.places[0].clone();
        let current: Option<i64> =
            sqlx::query_scalar("SELECT seeds FROM seedbank_stock WHERE lot_id = $1 AND place = $2")
                .bind(l.id)
                .bind(&place)
                .fetch_optional(&mut *conn)
                .await
                .map_err(db)?;
        let diff = found - current.unwrap_or(0);
        fx = lot::Effect {
            total: diff,
            places: vec![(place, diff)],
        };
    }
    for (place, change) in &fx.places {
        if *change >= 0 {
            sqlx::query("INSERT INTO seedbank_stock (lot_id, place, seeds) VALUES ($1, $2, $3) ON CONFLICT (lot_id, place) DO UPDATE SET seeds = seedbank_stock.seeds + excluded.seeds")
                .bind(l.id)
                .bind(place)
                .bind(change)
                .execute(&mut *conn)
                .await
                .map_err(db)?;
            continue;
        }
        let updated = sqlx::query("UPDATE seedbank_stock SET seeds = seeds + $3 WHERE lot_id = $1 AND place = $2 AND seeds + $3 >= 0")
            .bind(l.id)
            .bind(place)
            .bind(change)
            .execute(&mut *conn)
            .await
            .map_err(db)?
            .rows_affected();
        if updated == 0 {
            return Err(short_stock(place));
        }
    }
    let ok = sqlx::query("UPDATE seedbank_lots SET stock_seeds = stock_seeds + $2 WHERE id = $1 AND stock_seeds + $2 >= 0").bind(l.id).bind(fx.total).execute(&mut *conn).await.map_err(db)?.rows_affected();
    if ok == 0 {
        return Err(short_stock(&i.place));
    }
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO seedbank_movements (lot_id, on_date, kind, purpose, place, to_place, seeds, quantity, unit, test_id, actor_id, actor_label, remarks, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) RETURNING id",
    )
    .bind(l.id)
    .bind(day.iso())
    .bind(kind.id())
    .bind(purpose.map(Purpose::id))
    .bind(i.place.trim())
    .bind(opt(&i.to_place))
    .bind(fx.total)
    .bind(quantity.value)
    .bind(quantity.unit.id())
    .bind(test_id)
    .bind(actor.user_id)
    .bind(&actor.label)
    .bind(&remarks)
    .bind(now)
    .fetch_one(&mut *conn)
    .await
    .map_err(db)?;
    let m = sqlx::query(&format!(
        "SELECT {MOVEMENT_COLS} FROM seedbank_movements WHERE id = $1"
    ))
    .bind(id)
    .fetch_one(&mut *conn)
    .await
    .map_err(db)?;
    let m = movement(&m);
    audit::record(
        conn,
        now,
        actor,
        change("movement", id, "create", None, snapshot(&m)),
    )
    .await
    .map_err(db)?;
    Ok(m)
}

pub async fn add_movement(
    p: &Platform,
    principal: &Principal,
    actor: &Actor,
    lot_id: i64,
    i: &MovementInput,
) -> Result<Movement, AppError> {
    let l = get_lot(p, principal, lot_id).await?;
    principal.authorize(Action::Update, &target("lot", l.owner_id, l.org_id))?;
    let mut tx = p.db.write().await.map_err(db)?;
    let m = write_movement(tx.conn(), p.clock.now_ms(), actor, &l, i, None).await?;
    tx.commit().await.map_err(db)?;
    Ok(m)
}

// ---------------------------------------------------------------- tests

#[derive(Clone, Debug, Default, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TestInput {
    /// `germination`, `tetrazolium` or `cut_test`.
    pub kind: String,
    /// `YYYY-MM-DD`: day 0 of the counts.
    pub started_on: String,
    /// Seeds sown in the test, all replicates together.
    pub seeds_tested: i64,
    #[serde(default = "one")]
    pub replicates: i64,
    #[serde(default)]
    pub substrate: String,
    #[serde(default)]
    pub temperature_day_c: Option<f64>,
    #[serde(default)]
    pub temperature_night_c: Option<f64>,
    #[serde(default)]
    pub photoperiod_h: Option<f64>,
    /// Scarification, stratification, GA₃… as done.
    #[serde(default)]
    pub pretreatment: String,
    #[serde(default)]
    pub remarks: String,
    /// Take the tested seeds from the stock at this place (a withdrawal for `test`, or `sowing`, in the ledger).
    #[serde(default)]
    pub withdraw_from: Option<String>,
    /// A sowing's code, `SYYYY_NNNN`; the next of its year when absent. Sowings only.
    #[serde(default)]
    pub code: Option<String>,
    /// Where it is sown or tested (nursery, greenhouse, alpine garden…), in what container, how.
    #[serde(default)]
    pub location: String,
    #[serde(default)]
    pub container: String,
    #[serde(default)]
    pub method: String,
    /// Sowing depth (mm).
    #[serde(default)]
    pub depth_mm: Option<f64>,
}

fn one() -> i64 {
    1
}

#[derive(Clone, Debug, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CountInput {
    /// 1-based replicate number.
    #[serde(default = "one")]
    pub replicate: i64,
    /// `YYYY-MM-DD`, after the test's start.
    pub counted_on: String,
    /// Seeds newly germinated since the previous count of that replicate.
    pub germinated: i64,
}

#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct Test {
    pub id: i64,
    pub lot_id: i64,
    pub kind: String,
    pub started_on: String,
    pub seeds_tested: i64,
    pub replicates: i64,
    pub substrate: String,
    pub temperature_day_c: Option<f64>,
    pub temperature_night_c: Option<f64>,
    pub photoperiod_h: Option<f64>,
    pub pretreatment: String,
    pub remarks: String,
    pub movement_id: Option<i64>,
    /// A sowing's code (`SYYYY_NNNN`); absent for tests.
    pub code: Option<String>,
    pub location: String,
    pub container: String,
    pub method: String,
    pub depth_mm: Option<f64>,
    pub counts: Vec<CountOut>,
    /// Computed from the counts of all replicates (germinationmetrics' definitions); absent before the first count.
    #[schema(value_type = Option<Object>)]
    pub metrics: Option<Metrics>,
}

#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct CountOut {
    pub replicate: i64,
    pub counted_on: String,
    /// Days since the test started.
    pub day: i64,
    pub germinated: i64,
}

const TEST_COLS: &str = "id, lot_id, kind, started_on, seeds_tested, replicates, substrate, temperature_day_c, temperature_night_c, photoperiod_h, pretreatment, remarks, movement_id, code, location, container, method, depth_mm";

async fn load_test(conn: &mut sqlx::AnyConnection, id: i64) -> Result<Option<Test>, AppError> {
    let Some(r) = sqlx::query(&format!(
        "SELECT {TEST_COLS} FROM seedbank_tests WHERE id = $1"
    ))
    .bind(id)
    .fetch_optional(&mut *conn)
    .await
    .map_err(db)?
    else {
        return Ok(None);
    };
    let started_on: String = r.get(3);
    let start = Day::parse("started_on", &started_on).map_err(AppError::internal)?;
    let counts: Vec<CountOut> = sqlx::query("SELECT replicate, counted_on, germinated FROM seedbank_test_counts WHERE test_id = $1 ORDER BY counted_on, replicate")
        .bind(id)
        .fetch_all(&mut *conn)
        .await
        .map_err(db)?
        .iter()
        .map(|c| {
            let on: String = c.get(1);
            let day = Day::parse("counted_on", &on).map(|d| d.days() - start.days()).unwrap_or(0);
            CountOut { replicate: c.get(0), counted_on: on, day, germinated: c.get(2) }
        })
        .collect();
    let seeds_tested: i64 = r.get(4);
    let metrics = test_metrics(&counts, seeds_tested).ok().flatten();
    Ok(Some(Test {
        id: r.get(0),
        lot_id: r.get(1),
        kind: r.get(2),
        started_on,
        seeds_tested,
        replicates: r.get(5),
        substrate: r.get(6),
        temperature_day_c: r.get(7),
        temperature_night_c: r.get(8),
        photoperiod_h: r.get(9),
        pretreatment: r.get(10),
        remarks: r.get(11),
        movement_id: r.get(12),
        code: r.get(13),
        location: r.get(14),
        container: r.get(15),
        method: r.get(16),
        depth_mm: r.get(17),
        counts,
        metrics,
    }))
}

/// The replicates' counts summed per day make the test's intervals.
fn test_metrics(
    counts: &[CountOut],
    seeds_tested: i64,
) -> Result<Option<Metrics>, germination::GerminationError> {
    if counts.is_empty() {
        return Ok(None);
    }
    let mut per_day: std::collections::BTreeMap<i64, u32> = std::collections::BTreeMap::new();
    for c in counts {
        *per_day.entry(c.day).or_default() += c.germinated as u32;
    }
    let intervals: Vec<Interval> = per_day
        .into_iter()
        .map(|(d, n)| Interval {
            time: d as f64,
            germinated: n,
        })
        .collect();
    germination::metrics(&intervals, seeds_tested as u32).map(Some)
}

pub async fn get_test(
    p: &Platform,
    principal: &Principal,
    id: i64,
) -> Result<(Test, Lot), AppError> {
    let t = load_test(&mut *p.db.pool().acquire().await.map_err(db)?, id)
        .await?
        .ok_or_else(AppError::not_found)?;
    let l = get_lot(p, principal, t.lot_id).await?;
    principal
        .authorize(Action::Read, &target("test", l.owner_id, l.org_id))
        .map_err(|_| AppError::not_found())?;
    Ok((t, l))
}

pub async fn lot_tests(p: &Platform, lot: i64) -> Result<Vec<Test>, AppError> {
    let ids: Vec<i64> = sqlx::query_scalar(
        "SELECT id FROM seedbank_tests WHERE lot_id = $1 ORDER BY started_on DESC, id DESC",
    )
    .bind(lot)
    .fetch_all(p.db.pool())
    .await
    .map_err(db)?;
    let mut conn = p.db.pool().acquire().await.map_err(db)?;
    let mut out = Vec::new();
    for id in ids {
        out.extend(load_test(&mut conn, id).await?);
    }
    Ok(out)
}

pub async fn create_test(
    p: &Platform,
    principal: &Principal,
    actor: &Actor,
    lot_id: i64,
    i: &TestInput,
) -> Result<Test, AppError> {
    let l = get_lot(p, principal, lot_id).await?;
    principal.authorize(Action::Create, &target("test", l.owner_id, l.org_id))?;
    let mut e = Errors::default();
    let kind = e.take(TestKind::parse(&i.kind));
    let start = e.take(Day::parse("started_on", &i.started_on));
    if !(1..=1_000_000).contains(&i.seeds_tested) {
        e.push(
            "seeds_tested",
            "out_of_range",
            "between 1 and 1,000,000 seeds",
        );
    }
    if !(1..=100).contains(&i.replicates) || i.replicates > i.seeds_tested.max(1) {
        e.push(
            "replicates",
            "out_of_range",
            "between 1 and 100 replicates, no more than the seeds tested",
        );
    }
    let day_t = range(
        &mut e,
        "temperature_day_c",
        i.temperature_day_c,
        -30.0,
        60.0,
    );
    let night_t = range(
        &mut e,
        "temperature_night_c",
        i.temperature_night_c,
        -30.0,
        60.0,
    );
    let photo = range(&mut e, "photoperiod_h", i.photoperiod_h, 0.0, 24.0);
    let substrate = text(&mut e, "substrate", &i.substrate, 200);
    let pretreatment = text(&mut e, "pretreatment", &i.pretreatment, 2000);
    let remarks = text(&mut e, "remarks", &i.remarks, 5000);
    let location = text(&mut e, "location", &i.location, 200);
    let container = text(&mut e, "container", &i.container, 200);
    let method = text(&mut e, "method", &i.method, 500);
    let depth = range(&mut e, "depth_mm", i.depth_mm, 0.0, 500.0);
    if depth == Some(0.0) {
        e.push(
            "depth_mm",
            "out_of_range",
            "a sowing depth is more than 0 mm (leave it empty for a surface sowing)",
        );
    }
    let code = match (kind, opt(&i.code)) {
        (Some(TestKind::Sowing), Some(c)) => e.take(SowingCode::parse(c)),
        (Some(_), Some(_)) => {
            e.push("code", "not_a_sowing", "only a sowing has a code");
            None
        }
        _ => None,
    };
    e.done()?;
    let (kind, start) = (kind.expect("checked"), start.expect("checked"));
    let now = p.clock.now_ms();
    let mut tx = p.db.write().await.map_err(db)?;
    let code = match (kind, code) {
        (TestKind::Sowing, None) => {
            let year = start.year();
            let highest: Option<String> =
                sqlx::query_scalar("SELECT MAX(code) FROM seedbank_tests WHERE code LIKE $1")
                    .bind(format!("S{year:04}_%"))
                    .fetch_one(tx.conn())
                    .await
                    .map_err(db)?;
            Some(SowingCode::next(year, highest.as_deref()))
        }
        (_, c) => c,
    };
    let inserted = sqlx::query_scalar(
        "INSERT INTO seedbank_tests (lot_id, kind, started_on, seeds_tested, replicates, substrate, temperature_day_c, temperature_night_c, photoperiod_h, pretreatment,
         remarks, owner_id, created_at, updated_at, code, location, container, method, depth_mm)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $13, $14, $15, $16, $17, $18) RETURNING id",
    )
    .bind(lot_id)
    .bind(kind.id())
    .bind(start.iso())
    .bind(i.seeds_tested)
    .bind(i.replicates)
    .bind(&substrate)
    .bind(day_t)
    .bind(night_t)
    .bind(photo)
    .bind(&pretreatment)
    .bind(&remarks)
    .bind(principal.user_id)
    .bind(now)
    .bind(code.as_ref().map(SowingCode::as_str))
    .bind(&location)
    .bind(&container)
    .bind(&method)
    .bind(depth)
    .fetch_one(tx.conn())
    .await;
    let id: i64 = match inserted {
        Ok(id) => id,
        Err(e) if platform::db::is_unique_violation(&e) => {
            let mut f = FieldError::new("code", "code_taken");
            f.message = "another sowing has this code".into();
            return Err(AppError::invalid(vec![f]));
        }
        Err(e) => return Err(db(e)),
    };
    if let Some(place) = opt(&i.withdraw_from) {
        principal.authorize(Action::Update, &target("lot", l.owner_id, l.org_id))?;
        let m = MovementInput {
            kind: "withdrawal".into(),
            purpose: Some(
                if kind == TestKind::Sowing {
                    "sowing"
                } else {
                    "test"
                }
                .into(),
            ),
            on_date: start.iso(),
            place: place.into(),
            to_place: None,
            quantity: i.seeds_tested as f64,
            unit: "seeds".into(),
            remarks: String::new(),
        };
        let m = write_movement(tx.conn(), now, actor, &l, &m, Some(id))
            .await
            .map_err(|mut e| {
                for f in &mut e.errors {
                    if f.field == "place" || f.field == "quantity" {
                        f.field = "withdraw_from".into();
                    }
                }
                e
            })?;
        sqlx::query("UPDATE seedbank_tests SET movement_id = $2 WHERE id = $1")
            .bind(id)
            .bind(m.id)
            .execute(tx.conn())
            .await
            .map_err(db)?;
    }
    let t = load_test(tx.conn(), id)
        .await?
        .ok_or_else(AppError::not_found)?;
    audit::record(
        tx.conn(),
        now,
        actor,
        change("test", id, "create", None, snapshot(&t)),
    )
    .await
    .map_err(db)?;
    tx.commit().await.map_err(db)?;
    Ok(t)
}

/// Replaces a test's counts; refused whole if any count is wrong or the metrics cannot hold
/// (more seeds germinated than tested).
pub async fn set_counts(
    p: &Platform,
    principal: &Principal,
    actor: &Actor,
    test_id: i64,
    counts: &[CountInput],
) -> Result<Test, AppError> {
    let (before, l) = get_test(p, principal, test_id).await?;
    principal.authorize(Action::Update, &target("test", l.owner_id, l.org_id))?;
    let start = Day::parse("started_on", &before.started_on).map_err(AppError::internal)?;
    let mut errors = Vec::new();
    let mut rows = Vec::new();
    let mut seen = std::collections::BTreeSet::new();
    for (n, c) in counts.iter().enumerate() {
        let at = |f: &str, code: &str, msg: String| {
            let mut fe = FieldError::new(format!("counts[{n}].{f}"), code);
            fe.message = msg;
            fe
        };
        match Day::parse("counted_on", &c.counted_on) {
            Ok(d) if d.days() <= start.days() => errors.push(at(
                "counted_on",
                "before_start",
                format!("counts are made after the test started on {}", start.iso()),
            )),
            Ok(d) => rows.push((c.replicate, d, c.germinated)),
            Err(e) => errors.push(at("counted_on", e.code, e.reason)),
        }
        if c.replicate < 1 || c.replicate > before.replicates {
            errors.push(at(
                "replicate",
                "out_of_range",
                format!("replicates are numbered 1 to {}", before.replicates),
            ));
        }
        if c.germinated < 0 || c.germinated > before.seeds_tested {
            errors.push(at(
                "germinated",
                "out_of_range",
                format!("between 0 and the {} seeds tested", before.seeds_tested),
            ));
        }
        if !seen.insert((c.replicate, c.counted_on.trim().to_string())) {
            errors.push(at(
                "counted_on",
                "duplicate",
                "one count per replicate and day".into(),
            ));
        }
    }
    if errors.is_empty() {
        let outs: Vec<CountOut> = rows
            .iter()
            .map(|(r, d, g)| CountOut {
                replicate: *r,
                counted_on: d.iso(),
                day: d.days() - start.days(),
                germinated: *g,
            })
            .collect();
        if let Err(e) = test_metrics(&outs, before.seeds_tested) {
            let mut fe = FieldError::new("counts", "inconsistent_counts");
            fe.message = e.to_string();
            errors.push(fe);
        }
    }
    if !errors.is_empty() {
        return Err(AppError::invalid(errors));
    }
    let now = p.clock.now_ms();
    let mut tx = p.db.write().await.map_err(db)?;
    sqlx::query("DELETE FROM seedbank_test_counts WHERE test_id = $1")
        .bind(test_id)
        .execute(tx.conn())
        .await
        .map_err(db)?;
    for (r, d, g) in &rows {
        sqlx::query("INSERT INTO seedbank_test_counts (test_id, replicate, counted_on, germinated) VALUES ($1, $2, $3, $4)").bind(test_id).bind(r).bind(d.iso()).bind(g).execute(tx.conn()).await.map_err(db)?;
    }
    sqlx::query("UPDATE seedbank_tests SET updated_at = $2 WHERE id = $1")
        .bind(test_id)
        .bind(now)
        .execute(tx.conn())
        .await
        .map_err(db)?;
    let t = load_test(tx.conn(), test_id)
        .await?
        .ok_or_else(AppError::not_found)?;
    audit::record(
        tx.conn(),
        now,
        actor,
        change(
            "test",
            test_id,
            "counts",
            snapshot(&before.counts),
            snapshot(&t.counts),
        ),
    )
    .await
    .map_err(db)?;
    tx.commit().await.map_err(db)?;
    Ok(t)
}

// ---------------------------------------------------------------- viability forecast

#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct Forecast {
    /// The germination test the forecast starts from, its day and its germination percentage.
    pub test_id: i64,
    pub tested_on: String,
    pub initial_percent: f64,
    pub storage_temperature_c: f64,
    pub moisture_percent: f64,
    /// Ellis & Roberts constants of the lot's taxon and their source.
    pub constants_source: String,
    pub sigma_days: f64,
    /// Predicted viability on `on`.
    pub on: String,
    pub predicted_percent: f64,
    /// The day viability falls to 85 % of the initial (FAO Genebank Standards' regeneration
    /// threshold): retest or regenerate before.
    pub regenerate_by: Option<String>,
}

/// Why a lot has no forecast yet, as a stable code for pages and programs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum NoForecast {
    NoGerminationTest,
    NoStorageConditions,
    NoConstants,
    OutsideEquation,
}

pub async fn forecast(
    p: &Platform,
    l: &Lot,
    today: Day,
) -> Result<Result<Forecast, NoForecast>, AppError> {
    let tests = lot_tests(p, l.id).await?;
    let Some((t, gp)) = tests
        .iter()
        .filter(|t| t.kind == "germination")
        .find_map(|t| t.metrics.as_ref().map(|m| (t, m.germination_percent)))
    else {
        return Ok(Err(NoForecast::NoGerminationTest));
    };
    let (Some(temp), Some(mc)) = (l.storage_temperature_c, l.moisture_percent) else {
        return Ok(Err(NoForecast::NoStorageConditions));
    };
    let mut constants = None;
    for tx in &l.taxa {
        if let Some(r) = sqlx::query(
            "SELECT ke, cw, ch, cq, source FROM seedbank_viability_constants WHERE cd_ref = $1",
        )
        .bind(tx.cd_ref)
        .fetch_optional(p.db.pool())
        .await
        .map_err(db)?
        {
            constants = Some((
                r.get::<f64, _>(0),
                r.get::<f64, _>(1),
                r.get::<f64, _>(2),
                r.get::<f64, _>(3),
                r.get::<String, _>(4),
            ));
            break;
        }
    }
    let Some((ke, cw, ch, cq, source)) = constants else {
        return Ok(Err(NoForecast::NoConstants));
    };
    let (Ok(c), Ok(s)) = (
        viability::Constants::parse(ke, cw, ch, cq),
        viability::Storage::parse(mc, temp),
    ) else {
        return Ok(Err(NoForecast::OutsideEquation));
    };
    if !(gp > 0.0 && gp < 100.0) {
        return Ok(Err(NoForecast::OutsideEquation));
    }
    let tested = Day::parse("started_on", &t.started_on).map_err(AppError::internal)?;
    let elapsed = (today.days() - tested.days()).max(0) as f64;
    let regenerate_by = viability::days_until(&c, &s, gp, gp * lot::REGENERATION_FRACTION)
        .ok()
        .filter(|d| d.is_finite() && *d < 1e7)
        .map(|d| Day::from_days(tested.days() + d.floor() as i64).iso());
    Ok(Ok(Forecast {
        test_id: t.id,
        tested_on: t.started_on.clone(),
        initial_percent: gp,
        storage_temperature_c: temp,
        moisture_percent: mc,
        constants_source: source,
        sigma_days: viability::sigma_days(&c, &s),
        on: today.iso(),
        predicted_percent: viability::viability_after(&c, &s, gp, elapsed),
        regenerate_by,
    }))
}

#[derive(Clone, Debug, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ConstantsInput {
    pub ke: f64,
    pub cw: f64,
    pub ch: f64,
    pub cq: f64,
    /// Where the constants come from (publication).
    pub source: String,
}

/// A taxon's viability constants (those of its valid name), if known.
pub async fn constants_of(p: &Platform, cd_nom: i64) -> Result<Option<ConstantsInput>, AppError> {
    let t = get_taxon(p, cd_nom).await?;
    Ok(sqlx::query(
        "SELECT ke, cw, ch, cq, source FROM seedbank_viability_constants WHERE cd_ref = $1",
    )
    .bind(t.cd_ref)
    .fetch_optional(p.db.pool())
    .await
    .map_err(db)?
    .map(|r| ConstantsInput {
        ke: r.get(0),
        cw: r.get(1),
        ch: r.get(2),
        cq: r.get(3),
        source: r.get(4),
    }))
}

/// The names of a taxon: its valid name first, then its synonyms.
pub async fn names_of(p: &Platform, cd_ref: i64) -> Result<Vec<TaxonOut>, AppError> {
    Ok(sqlx::query(&format!("SELECT {TAXON_COLS} FROM seedbank_taxa WHERE cd_ref = $1 ORDER BY CASE WHEN cd_nom = cd_ref THEN 0 ELSE 1 END, lb_nom"))
        .bind(cd_ref)
        .fetch_all(p.db.pool())
        .await
        .map_err(db)?
        .iter()
        .map(taxon)
        .collect())
}

/// Sets a taxon's viability constants (for its valid name); platform administrators, as TAXREF.
pub async fn set_constants(
    p: &Platform,
    principal: &Principal,
    actor: &Actor,
    cd_nom: i64,
    i: &ConstantsInput,
) -> Result<(), AppError> {
    if principal.user_id.is_none() {
        return Err(AppError::unauthenticated());
    }
    if !principal.is_admin {
        return Err(AppError::forbidden());
    }
    let t = get_taxon(p, cd_nom).await?;
    let mut e = Errors::default();
    e.take(
        viability::Constants::parse(i.ke, i.cw, i.ch, i.cq).map_err(|err| Invalid {
            field: "ke",
            code: "out_of_range",
            reason: err.to_string(),
        }),
    );
    let source = text(&mut e, "source", &i.source, 500);
    if source.is_empty() {
        e.push(
            "source",
            "required",
            "cite the publication the constants come from",
        );
    }
    e.done()?;
    let mut tx = p.db.write().await.map_err(db)?;
    sqlx::query("DELETE FROM seedbank_viability_constants WHERE cd_ref = $1")
        .bind(t.cd_ref)
        .execute(tx.conn())
        .await
        .map_err(db)?;
    sqlx::query("INSERT INTO seedbank_viability_constants (cd_ref, ke, cw, ch, cq, source) VALUES ($1, $2, $3, $4, $5, $6)")
        .bind(t.cd_ref)
        .bind(i.ke)
        .bind(i.cw)
        .bind(i.ch)
        .bind(i.cq)
        .bind(&source)
        .execute(tx.conn())
        .await
        .map_err(db)?;
    audit::record(
        tx.conn(),
        p.clock.now_ms(),
        actor,
        change("viability_constants", t.cd_ref, "set", None, snapshot(i)),
    )
    .await
    .map_err(db)?;
    tx.commit().await.map_err(db)?;
    Ok(())
}

/// Today in UTC, from the platform's clock.
pub fn today(p: &Platform) -> Day {
    Day::from_days(p.clock.now_ms().div_euclid(86_400_000))
}

// ---------------------------------------------------------------- exports

/// MCPD v2.1 passport data of every lot the viewer may export, as CSV (UTF-8, header of MCPD
/// names). `instcode` is the holding institute's FAO WIEWS code (e.g. `FRA001`).
pub async fn mcpd_csv(
    p: &Platform,
    principal: &Principal,
    instcode: Option<&str>,
) -> Result<String, AppError> {
    let instcode = instcode.map(str::trim).unwrap_or("");
    let b = instcode.as_bytes();
    if !instcode.is_empty()
        && !(b.len() == 6
            && b[..3].iter().all(u8::is_ascii_uppercase)
            && b[3..].iter().all(u8::is_ascii_digit))
    {
        let mut f = FieldError::new("instcode", "invalid_instcode");
        f.message =
            "a FAO WIEWS institute code is three capital letters and three digits, e.g. FRA001"
                .into();
        return Err(AppError::invalid(vec![f]));
    }
    let mut conn = p.db.pool().acquire().await.map_err(db)?;
    let lots = lots_where(
        &mut conn,
        &visible(principal, "lot", "l"),
        "ORDER BY l.code",
        None,
    )
    .await
    .map_err(db)?;
    let acquired: std::collections::HashMap<i64, String> = sqlx::query("SELECT lot_id, MIN(on_date) FROM seedbank_movements WHERE kind = 'deposit' GROUP BY lot_id")
        .fetch_all(&mut *conn)
        .await
        .map_err(db)?
        .iter()
        .map(|r| (r.get(0), r.get(1)))
        .collect();
    let mut harvests = std::collections::HashMap::new();
    for h in lots.iter().filter_map(|l| l.harvest_id) {
        if let std::collections::hash_map::Entry::Vacant(e) = harvests.entry(h) {
            if let Some(found) = harvest_by_id(&mut conn, h).await.map_err(db)? {
                e.insert(found);
            }
        }
    }
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(crate::domain::mcpd::COLUMNS)
        .map_err(AppError::internal)?;
    for l in lots.iter().filter(|l| {
        principal
            .authorize(Action::Export, &target("lot", l.owner_id, l.org_id))
            .is_ok()
    }) {
        let h = l.harvest_id.and_then(|id| harvests.get(&id));
        // MCPD holds one taxon per accession: the first, the others in ACCENAME would mislead.
        let Some(t) = l.taxa.first() else { continue };
        let passport = crate::domain::mcpd::Passport {
            instcode,
            lot_code: &l.code,
            uuid: &l.uuid,
            lb_nom: &t.lb_nom,
            lb_auteur: &t.lb_auteur,
            vernacular: t.nom_vern.as_deref(),
            acquired: acquired.get(&l.id).map(String::as_str),
            harvest: h.map(|h| crate::domain::mcpd::Collecting {
                code: &h.code,
                collectors: &h.collectors,
                date: &h.date_start,
                locality: &h.locality,
                in_france: h.commune_insee.is_some(),
                lat: h.lat,
                lon: h.lon,
                uncertainty_m: h.precision_m,
                elevation_m: h.altitude_m,
            }),
            material_seed: l.material_type == MaterialType::Seed.id(),
            storage_temperature_c: l.storage_temperature_c,
            remarks: &l.remarks,
        };
        w.write_record(crate::domain::mcpd::row(&passport))
            .map_err(AppError::internal)?;
    }
    String::from_utf8(w.into_inner().map_err(AppError::internal)?).map_err(AppError::internal)
}

/// A Darwin Core Archive (zip) of the harvests and the lots collected there that the viewer may
/// export: `meta.xml`, `event.txt` (one row per harvest), `occurrence.txt` (one row per lot and
/// taxon, basis MaterialSample). Lots without a harvest have no event and are left out.
pub async fn dwc_archive(p: &Platform, principal: &Principal) -> Result<Vec<u8>, AppError> {
    use crate::domain::dwc;
    let mut conn = p.db.pool().acquire().await.map_err(db)?;
    let lots = lots_where(
        &mut conn,
        &visible(principal, "lot", "l"),
        "ORDER BY l.code",
        None,
    )
    .await
    .map_err(db)?;
    let mut events = String::from(&dwc::line(
        &dwc::EVENT_TERMS
            .iter()
            .map(|t| t.to_string())
            .collect::<Vec<_>>(),
    ));
    let mut occurrences = String::from("id\t")
        + &dwc::line(
            &dwc::OCCURRENCE_TERMS
                .iter()
                .map(|t| t.to_string())
                .collect::<Vec<_>>(),
        );
    let mut seen = std::collections::HashSet::new();
    let num = |x: Option<f64>| x.map(|v| v.to_string()).unwrap_or_default();
    for l in lots.iter().filter(|l| {
        principal
            .authorize(Action::Export, &target("lot", l.owner_id, l.org_id))
            .is_ok()
    }) {
        let Some(h) = (match l.harvest_id {
            Some(id) => harvest_by_id(&mut conn, id).await.map_err(db)?,
            None => None,
        })
        .filter(|h| {
            principal
                .authorize(Action::Read, &target("harvest", h.owner_id, h.org_id))
                .is_ok()
        }) else {
            continue;
        };
        let event_id = format!("urn:uuid:{}", h.uuid);
        if seen.insert(h.id) {
            let has_position = h.lat.is_some() && h.lon.is_some();
            events.push_str(&dwc::line(&[
                event_id.clone(),
                h.code.clone(),
                dwc::event_date(&h.date_start, h.date_end.as_deref()),
                "seed collecting".into(),
                dwc::recorded_by(&h.collectors),
                h.commune_insee
                    .as_deref()
                    .map(|c| format!("INSEE:{c}"))
                    .unwrap_or_default(),
                if h.commune_insee.is_some() {
                    "FR".into()
                } else {
                    String::new()
                },
                h.locality.clone(),
                num(h.lat),
                num(h.lon),
                if has_position {
                    "WGS84".into()
                } else {
                    String::new()
                },
                if has_position {
                    num(h.precision_m)
                } else {
                    String::new()
                },
                num(h.altitude_m),
                num(h.altitude_m),
                h.remarks.clone(),
            ]));
        }
        for t in &l.taxa {
            occurrences.push_str(&event_id);
            occurrences.push('\t');
            occurrences.push_str(&dwc::line(&[
                format!("urn:uuid:{}:{}", l.uuid, t.cd_nom),
                "MaterialSample".into(),
                l.code.clone(),
                h.code.clone(),
                t.nom_complet.clone(),
                format!("TAXREF:{}", t.cd_nom),
                "TAXREF".into(),
                t.rank.clone(),
                "Plantae".into(),
                t.famille.clone().unwrap_or_default(),
                t.nom_vern.clone().unwrap_or_default(),
                "present".into(),
                l.material_type.clone(),
                dwc::disposition(&l.status).into(),
                if l.stock_seeds > 0 {
                    l.stock_seeds.to_string()
                } else {
                    String::new()
                },
                if l.stock_seeds > 0 {
                    "seeds".into()
                } else {
                    String::new()
                },
            ]));
        }
    }
    let mut buf = std::io::Cursor::new(Vec::new());
    {
        use std::io::Write;
        let mut zip = zip::ZipWriter::new(&mut buf);
        let opts = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        for (name, body) in [
            ("meta.xml", dwc::meta_xml()),
            ("event.txt", events),
            ("occurrence.txt", occurrences),
        ] {
            zip.start_file(name, opts).map_err(AppError::internal)?;
            zip.write_all(body.as_bytes()).map_err(AppError::internal)?;
        }
        zip.finish().map_err(AppError::internal)?;
    }
    Ok(buf.into_inner())
}

// ---------------------------------------------------------------- schedule

/// Why a lot needs attention.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum DueReason {
    /// Its forecast viability falls to 85 % of the initial before the horizon.
    Regenerate,
    /// Its viability should be tested again (a third of the time to 85 %, or ten years).
    Retest,
    /// A seed lot that has never had a germination test with counts.
    NoTest,
    /// Fewer seeds in stock than the threshold.
    LowStock,
    /// The latest humidity reading of a place says the seeds must be dried again.
    DryAgain,
}

#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct Due {
    pub lot_id: i64,
    pub lot_code: String,
    pub taxon: Option<String>,
    pub reason: DueReason,
    /// The day it is due (today for what is due now).
    pub due: String,
    pub stock_seeds: i64,
}

/// What the viewer's active lots need, soonest first: regenerations and viability tests falling
/// due within `horizon_years`, lots never tested, and stocks under `min_seeds`.
pub async fn schedule(
    p: &Platform,
    principal: &Principal,
    today: Day,
    horizon_years: i64,
    min_seeds: i64,
) -> Result<Vec<Due>, AppError> {
    let horizon = today.add_years(horizon_years);
    let mut conn = p.db.pool().acquire().await.map_err(db)?;
    let lots = lots_where(
        &mut conn,
        &format!("{} AND l.status = 'active'", visible(principal, "lot", "l")),
        "ORDER BY l.code",
        None,
    )
    .await
    .map_err(db)?;
    drop(conn);
    let mut out = Vec::new();
    for l in lots {
        let due = |reason, day: Day| Due {
            lot_id: l.id,
            lot_code: l.code.clone(),
            taxon: l.taxa.first().map(|t| t.nom_complet.clone()),
            reason,
            due: day.max(today).iso(),
            stock_seeds: l.stock_seeds,
        };
        if l.stock_seeds < min_seeds {
            out.push(due(DueReason::LowStock, today));
        }
        if let Some(since) = to_dry(p, l.id).await? {
            out.push(due(DueReason::DryAgain, since));
        }
        if l.material_type != MaterialType::Seed.id() {
            continue;
        }
        let tests = lot_tests(p, l.id).await?;
        let Some(last) = tests
            .iter()
            .filter(|t| t.kind == TestKind::Germination.id() && t.metrics.is_some())
            .find_map(|t| Day::parse("started_on", &t.started_on).ok())
        else {
            out.push(due(DueReason::NoTest, today));
            continue;
        };
        let regenerate_by = match forecast(p, &l, today).await? {
            Ok(f) => f
                .regenerate_by
                .as_deref()
                .and_then(|r| Day::parse("regenerate_by", r).ok()),
            Err(_) => None,
        };
        if let Some(r) = regenerate_by.filter(|r| *r <= horizon) {
            out.push(due(DueReason::Regenerate, r));
        }
        let retest = lot::next_test_due(last, regenerate_by);
        if retest <= horizon {
            out.push(due(DueReason::Retest, retest));
        }
    }
    out.sort_by(|a, b| (&a.due, a.reason, &a.lot_code).cmp(&(&b.due, b.reason, &b.lot_code)));
    Ok(out)
}

// ---------------------------------------------------------------- storage monitoring

#[derive(Clone, Debug, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReadingInput {
    /// `erh` (equilibrium relative humidity, %), `aw` (water activity, 0–1), `indicator` (silica
    /// gel: 0 its dry colour, 1 saturated) or `temperature` (°C).
    pub kind: String,
    pub value: f64,
    /// `YYYY-MM-DD`.
    pub on_date: String,
    pub place: String,
    #[serde(default)]
    pub remarks: String,
}

#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct Reading {
    pub id: i64,
    pub lot_id: i64,
    pub on_date: String,
    pub place: String,
    pub kind: String,
    pub value: f64,
    /// Above 30 % eRH (aw 0.30) or a saturated indicator: the seeds must be dried again.
    pub dry_again: bool,
    pub remarks: String,
    pub actor_label: String,
}

fn reading_row(r: &AnyRow) -> Reading {
    let kind: String = r.get(4);
    let value: f64 = r.get(5);
    let dry_again = lot::ReadingKind::parse(&kind)
        .ok()
        .and_then(|k| lot::reading(k, value).ok())
        .unwrap_or(false);
    Reading {
        id: r.get(0),
        lot_id: r.get(1),
        on_date: r.get(2),
        place: r.get(3),
        kind,
        value,
        dry_again,
        remarks: r.get(6),
        actor_label: r.get(7),
    }
}

const READING_COLS: &str = "id, lot_id, on_date, place, kind, value, remarks, actor_label";

/// A lot's storage readings, newest first.
pub async fn readings(p: &Platform, lot: i64) -> Result<Vec<Reading>, AppError> {
    Ok(sqlx::query(&format!("SELECT {READING_COLS} FROM seedbank_readings WHERE lot_id = $1 ORDER BY on_date DESC, id DESC"))
        .bind(lot)
        .fetch_all(p.db.pool())
        .await
        .map_err(db)?
        .iter()
        .map(reading_row)
        .collect())
}

pub async fn add_reading(
    p: &Platform,
    principal: &Principal,
    actor: &Actor,
    lot_id: i64,
    i: &ReadingInput,
) -> Result<Reading, AppError> {
    let l = get_lot(p, principal, lot_id).await?;
    principal.authorize(Action::Update, &target("lot", l.owner_id, l.org_id))?;
    let mut e = Errors::default();
    let kind = e.take(lot::ReadingKind::parse(&i.kind));
    if let Some(k) = kind {
        e.take(lot::reading(k, i.value));
    }
    let day = e.take(Day::parse("on_date", &i.on_date));
    let place = text(&mut e, "place", &i.place, 120);
    if place.is_empty() {
        e.push("place", "required", "say where the reading was taken");
    }
    let remarks = text(&mut e, "remarks", &i.remarks, 2000);
    e.done()?;
    let now = p.clock.now_ms();
    let mut tx = p.db.write().await.map_err(db)?;
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO seedbank_readings (lot_id, on_date, place, kind, value, remarks, actor_id, actor_label, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
    )
    .bind(lot_id)
    .bind(day.expect("checked").iso())
    .bind(&place)
    .bind(kind.expect("checked").id())
    .bind(i.value)
    .bind(&remarks)
    .bind(actor.user_id)
    .bind(&actor.label)
    .bind(now)
    .fetch_one(tx.conn())
    .await
    .map_err(db)?;
    let r = reading_row(
        &sqlx::query(&format!(
            "SELECT {READING_COLS} FROM seedbank_readings WHERE id = $1"
        ))
        .bind(id)
        .fetch_one(tx.conn())
        .await
        .map_err(db)?,
    );
    audit::record(
        tx.conn(),
        now,
        actor,
        change("reading", id, "create", None, snapshot(&r)),
    )
    .await
    .map_err(db)?;
    tx.commit().await.map_err(db)?;
    Ok(r)
}

/// The latest humidity reading of each place of a lot that says the seeds must be dried again.
async fn to_dry(p: &Platform, lot: i64) -> Result<Option<Day>, AppError> {
    let mut latest: std::collections::HashMap<String, Reading> = std::collections::HashMap::new();
    for r in readings(p, lot)
        .await?
        .into_iter()
        .filter(|r| r.kind != lot::ReadingKind::Temperature.id())
    {
        latest.entry(r.place.clone()).or_insert(r);
    }
    Ok(latest
        .values()
        .filter(|r| r.dry_again)
        .filter_map(|r| Day::parse("on_date", &r.on_date).ok())
        .min())
}
