//! Imports: observations are merged into value blocks by source priority, then daily and monthly
//! summaries and records of the touched days are recomputed in the same transaction, so the
//! climatology is always current (no periodic full refresh). Record-breaking values and new
//! observations are published as events once committed.
use std::collections::{BTreeMap, BTreeSet, HashMap};

use platform::audit::{self, Actor, Change};
use platform::events::Event;
use platform::Platform;
use serde::Serialize;
use sqlx::{AnyConnection, Row};

use crate::domain::block::{merge, Merge, Provenance, Quality, Value};
use crate::domain::climato::{self, civil, days_from_civil, record_kinds, Element, RecordKind};
use crate::domain::params::ParamId;
use crate::ingest::mf::Rejected;
use crate::store::{self, Partitions};

/// One value to import.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Observation {
    pub station: i64,
    pub param: ParamId,
    /// Minutes since the epoch, UTC.
    pub t: i64,
    pub value: f64,
    pub quality: Quality,
}

#[derive(Clone, Debug, Default, Serialize, utoipa::ToSchema)]
pub struct ImportSummary {
    pub import_id: i64,
    pub format: String,
    pub filename: String,
    pub lines: usize,
    pub stations_created: usize,
    pub values_added: usize,
    pub values_unchanged: usize,
    pub values_replaced: usize,
    /// Values not applied because a higher-priority source holds that time (kept, not lost).
    pub values_superseded: usize,
    pub rejected_count: usize,
    /// The first rejected lines, with their number and reason.
    pub rejected: Vec<RejectedLine>,
    pub unknown_columns: Vec<String>,
    pub records_broken: Vec<RecordBroken>,
}

#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct RejectedLine {
    pub line: usize,
    pub reason: String,
}

#[derive(Clone, Debug, Serialize, PartialEq, utoipa::ToSchema)]
pub struct RecordBroken {
    pub station_id: i64,
    pub element: String,
    /// 0 for the all-time record, 1–12 for a calendar month's.
    pub scope: i64,
    pub kind: String,
    pub value: f64,
    pub date: String,
    pub previous_value: Option<f64>,
    pub previous_date: Option<String>,
}

const MAX_REPORTED: usize = 1000;

impl ImportSummary {
    pub fn reject(&mut self, r: Rejected) {
        self.rejected_count += 1;
        if self.rejected.len() < MAX_REPORTED {
            self.rejected.push(RejectedLine { line: r.line, reason: r.reason });
        }
    }
}

pub fn iso_date(day: i64) -> String {
    let (y, m, d) = civil(day);
    format!("{y:04}-{m:02}-{d:02}")
}

/// Opens an import record; returns its id and the source's id.
pub async fn start(p: &Platform, actor: &Actor, format: &str, filename: &str, source: &str) -> Result<(i64, i64), sqlx::Error> {
    let mut tx = p.db.write().await?;
    let sources = store::sources(tx.conn()).await?;
    let source_id = sources.get(source).map(|s| s.0).ok_or_else(|| sqlx::Error::Protocol(format!("unknown source {source}")))?;
    let id: i64 = sqlx::query(
        "INSERT INTO weather_imports (format, filename, source_id, actor_id, actor_label, started_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
    )
    .bind(format)
    .bind(filename)
    .bind(source_id)
    .bind(actor.user_id)
    .bind(&actor.label)
    .bind(p.now())
    .fetch_one(tx.conn())
    .await?
    .get(0);
    tx.commit().await?;
    Ok((id, source_id))
}

/// Closes an import: stores its summary and audits it.
pub async fn finish(p: &Platform, actor: &Actor, s: &ImportSummary) -> Result<(), sqlx::Error> {
    let mut tx = p.db.write().await?;
    let json = serde_json::to_value(s).unwrap_or_default();
    sqlx::query("UPDATE weather_imports SET finished_at = $1, summary = $2 WHERE id = $3")
        .bind(p.now())
        .bind(json.to_string())
        .bind(s.import_id)
        .execute(tx.conn())
        .await?;
    // The audit entry keeps the counts; the lists stay in the import's own summary.
    let mut brief = json.clone();
    if let Some(o) = brief.as_object_mut() {
        o.remove("rejected");
        o.insert("records_broken".into(), serde_json::json!(s.records_broken.len()));
    }
    audit::record(tx.conn(), p.now(), actor, Change { module: "weather", object_type: "import", object_id: s.import_id.to_string(), action: "import", before: None, after: Some(brief) }).await?;
    tx.commit().await
}

/// Writes one batch atomically: blocks, superseded values, summaries, records, latest values.
pub async fn write_batch(p: &Platform, partitions: &Partitions, import_id: i64, source_id: i64, obs: &[Observation], summary: &mut ImportSummary) -> Result<(), sqlx::Error> {
    let mut tx = p.db.write().await?;
    let priorities: HashMap<i64, i32> = store::sources(tx.conn()).await?.into_values().collect();
    let prio = |s: i64| priorities.get(&s).copied().unwrap_or(0);
    let mut by_block: BTreeMap<(i64, ParamId, i64), Vec<&Observation>> = BTreeMap::new();
    for o in obs {
        by_block.entry((o.station, o.param, o.t.div_euclid(1440))).or_default().push(o);
    }
    // The stored blocks of the batch's days, read with one query per station and parameter.
    let mut ranges: BTreeMap<(i64, ParamId), (i64, i64)> = BTreeMap::new();
    for (station, param, day) in by_block.keys() {
        let r = ranges.entry((*station, *param)).or_insert((*day, *day));
        r.0 = r.0.min(*day);
        r.1 = r.1.max(*day);
    }
    let mut stored: HashMap<(i64, ParamId, i64), Vec<Value>> = HashMap::new();
    for ((station, param), (from, to)) in &ranges {
        for (day, values) in store::blocks_in(tx.conn(), *station, *param, *from, *to).await? {
            stored.insert((*station, *param, day), values);
        }
    }
    let mut touched: BTreeSet<(i64, ParamId, i64)> = BTreeSet::new();
    let mut changed_blocks: Vec<(i64, ParamId, i64, Vec<Value>)> = Vec::new();
    let mut latest: HashMap<(i64, ParamId), (i64, f64)> = HashMap::new();
    let (mut added, mut unchanged, mut replaced, mut superseded) = (0, 0, 0, 0);
    for ((station, param, day), items) in &by_block {
        store::ensure_partition(&p.db, tx.conn(), partitions, *day).await?;
        let mut values = stored.remove(&(*station, *param, *day)).unwrap_or_default();
        let mut changed = false;
        for o in items {
            let Some(stored) = param.to_stored(o.value) else { continue };
            let v = Value { minute: (o.t - day * 1440) as u16, stored, quality: o.quality, provenance: Provenance { source_id, import_id } };
            match merge(&mut values, v, prio) {
                Merge::Added => {
                    added += 1;
                    changed = true;
                }
                Merge::Unchanged => unchanged += 1,
                Merge::Replaced(old) => {
                    replaced += 1;
                    changed = true;
                    keep_superseded(tx.conn(), *station, *param, *day, &old, import_id, "replaced").await?;
                }
                Merge::Rejected(new) => {
                    superseded += 1;
                    keep_superseded(tx.conn(), *station, *param, *day, &new, import_id, "lower_priority").await?;
                }
            }
            let e = latest.entry((*station, *param)).or_insert((o.t, o.value));
            if o.t >= e.0 {
                *e = (o.t, o.value);
            }
        }
        if changed {
            changed_blocks.push((*station, *param, *day, values));
            touched.insert((*station, *param, *day));
        }
    }
    store::save_blocks(tx.conn(), &changed_blocks).await?;
    summary.values_added += added;
    summary.values_unchanged += unchanged;
    summary.values_replaced += replaced;
    summary.values_superseded += superseded;

    let broken = recompute(tx.conn(), &touched, import_id).await?;
    for ((station, param), (t, value)) in &latest {
        sqlx::query(
            "INSERT INTO weather_latest (station_id, param_id, t, value) VALUES ($1, $2, $3, $4)
             ON CONFLICT (station_id, param_id) DO UPDATE SET t = excluded.t, value = excluded.value WHERE excluded.t >= weather_latest.t",
        )
        .bind(station)
        .bind(i64::from(param.0))
        .bind(t)
        .bind(value)
        .execute(tx.conn())
        .await?;
    }
    tx.commit().await?;

    // Published once committed: subscribers never see what a rollback undid.
    let now = platform::clock::rfc3339(p.now());
    let mut per_station: BTreeMap<i64, serde_json::Map<String, serde_json::Value>> = BTreeMap::new();
    for ((station, param), (t, value)) in &latest {
        per_station.entry(*station).or_default().insert(param.param().code.to_string(), serde_json::json!({ "t": platform::clock::rfc3339(t * 60_000), "value": value }));
    }
    for (station, values) in per_station {
        p.events.publish(Event { topic: format!("weather.station.{station}"), kind: "observation".into(), at: now.clone(), data: serde_json::json!({ "station_id": station, "values": values }) });
    }
    for b in &broken {
        p.events.publish(Event { topic: format!("weather.station.{}", b.station_id), kind: "record".into(), at: now.clone(), data: serde_json::to_value(b).unwrap_or_default() });
    }
    summary.records_broken.extend(broken);
    Ok(())
}

async fn keep_superseded(conn: &mut AnyConnection, station: i64, param: ParamId, day: i64, v: &Value, by_import: i64, reason: &str) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO weather_superseded (station_id, param_id, t, stored, quality, source_id, import_id, by_import_id, reason) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(station)
    .bind(i64::from(param.0))
    .bind(day * 1440 + i64::from(v.minute))
    .bind(v.stored)
    .bind(format!("{:?}", v.quality).to_lowercase())
    .bind(v.provenance.source_id)
    .bind(v.provenance.import_id)
    .bind(by_import)
    .bind(reason)
    .execute(conn)
    .await?;
    Ok(())
}

/// Recomputes the daily values, monthly summaries and records that the touched blocks feed.
async fn recompute(conn: &mut AnyConnection, touched: &BTreeSet<(i64, ParamId, i64)>, import_id: i64) -> Result<Vec<RecordBroken>, sqlx::Error> {
    let mut offsets: HashMap<i64, i64> = HashMap::new();
    let mut days: BTreeSet<(i64, Element, i64)> = BTreeSet::new();
    for (station, param, day) in touched {
        if !offsets.contains_key(station) {
            let off: i64 = sqlx::query("SELECT fu_offset FROM weather_stations WHERE id = $1").bind(station).fetch_one(&mut *conn).await?.get(0);
            offsets.insert(*station, off);
        }
        for e in Element::using(param.param().code) {
            if param.is_daily() {
                // A daily value is stamped 00:00 UTC of the day it belongs to.
                days.insert((*station, e, *day));
                continue;
            }
            for d in e.days_touched(*day, offsets[station] as i32) {
                days.insert((*station, e, d));
            }
        }
    }
    // Each parameter's values over the touched days (and the two days around them that
    // climatological days reach into), read once per station rather than once per day.
    let mut spans: BTreeMap<(i64, ParamId), (i64, i64)> = BTreeMap::new();
    for (station, element, day) in &days {
        let rule = element.rule();
        for code in rule.params.iter().chain(rule.time_param.iter()).chain([rule.official].iter()).chain(rule.official_time.iter()) {
            let pid = ParamId::parse(code).expect("rule parameters are in the catalogue");
            let r = spans.entry((*station, pid)).or_insert((day - 2, day + 2));
            r.0 = r.0.min(day - 2);
            r.1 = r.1.max(day + 2);
        }
    }
    let mut values: HashMap<(i64, ParamId), Vec<(i64, f64)>> = HashMap::new();
    for ((station, pid), (from, to)) in &spans {
        values.insert((*station, *pid), store::series_in(conn, *station, *pid, *from, *to).await?);
    }
    // Values of the days `[day - 2, day + 2]`, from the series read above (in time order).
    let around = |station: i64, pid: ParamId, day: i64| -> &[(i64, f64)] {
        let all = values.get(&(station, pid)).map(Vec::as_slice).unwrap_or(&[]);
        let lo = all.partition_point(|v| v.0 < (day - 2) * 1440);
        let hi = all.partition_point(|v| v.0 < (day + 3) * 1440);
        &all[lo..hi]
    };
    let mut months: BTreeSet<(i64, Element, i32, u32)> = BTreeSet::new();
    let mut computed: BTreeMap<(i64, Element), Vec<(i64, Option<climato::Daily>)>> = BTreeMap::new();
    for (station, element, day) in &days {
        let rule = element.rule();
        let off = offsets[station] as i32;
        let refs: Vec<&[(i64, f64)]> = rule.params.iter().map(|code| around(*station, ParamId::parse(code).expect("rule parameters are in the catalogue"), *day)).collect();
        let times = rule.time_param.and_then(ParamId::parse).map(|pid| around(*station, pid, *day)).unwrap_or(&[]);
        let pid = |code: &str| ParamId::parse(code).expect("rule parameters are in the catalogue");
        let official = around(*station, pid(rule.official), *day);
        let official_times = rule.official_time.map(|c| around(*station, pid(c), *day)).unwrap_or(&[]);
        // The source's own daily value wins over the one computed from hourly values; both stay
        // in the blocks with their provenance, and the daily row says which one it holds.
        let d = climato::official_daily(*element, *day, off, official, official_times).or_else(|| climato::daily(*element, *day, off, &refs, times));
        computed.entry((*station, *element)).or_default().push((*day, d));
        let (y, m, _) = civil(*day);
        months.insert((*station, *element, y, m));
    }
    for ((station, element), dailies) in &computed {
        store::save_dailies(conn, *station, *element, dailies).await?;
    }
    let mut scopes: BTreeSet<(i64, Element, u32)> = BTreeSet::new();
    for (station, element, y, m) in &months {
        let first = days_from_civil(*y, *m, 1);
        let last = first + i64::from(climato::days_in_month(*y, *m)) - 1;
        let dailies = store::dailies_in(conn, *station, *element, first, last).await?;
        store::save_monthly(conn, *station, &climato::monthly(*element, *y, *m, &dailies)).await?;
        scopes.insert((*station, *element, *m));
        scopes.insert((*station, *element, 0));
    }
    let mut broken = Vec::new();
    for (station, element, scope) in scopes {
        for kind in record_kinds(element) {
            if let Some(b) = refresh_record(conn, station, element, i64::from(scope), *kind, import_id).await? {
                broken.push(b);
            }
        }
    }
    Ok(broken)
}

/// Recomputes one record from the monthly extremes; returns it when a new value beat the old.
async fn refresh_record(conn: &mut AnyConnection, station: i64, element: Element, scope: i64, kind: RecordKind, import_id: i64) -> Result<Option<RecordBroken>, sqlx::Error> {
    let (col, day_col, order) = match kind {
        RecordKind::Max => ("max", "max_day", "DESC"),
        RecordKind::Min => ("min", "min_day", "ASC"),
    };
    let best = sqlx::query(&format!(
        "SELECT {col}, {day_col} FROM weather_monthly WHERE station_id = $1 AND element = $2 AND ($3 = 0 OR month = $3) AND {col} IS NOT NULL
         ORDER BY {col} {order}, {day_col} ASC LIMIT 1"
    ))
    .bind(station)
    .bind(element.code())
    .bind(scope)
    .fetch_optional(&mut *conn)
    .await?
    .map(|r| (r.get::<f64, _>(0), r.get::<i64, _>(1)));
    let current = sqlx::query("SELECT value, day FROM weather_records WHERE station_id = $1 AND element = $2 AND scope = $3 AND kind = $4")
        .bind(station)
        .bind(element.code())
        .bind(scope)
        .bind(kind.as_str())
        .fetch_optional(&mut *conn)
        .await?
        .map(|r| (r.get::<f64, _>(0), r.get::<i64, _>(1)));
    if best == current {
        return Ok(None);
    }
    let Some((value, day)) = best else {
        sqlx::query("DELETE FROM weather_records WHERE station_id = $1 AND element = $2 AND scope = $3 AND kind = $4")
            .bind(station)
            .bind(element.code())
            .bind(scope)
            .bind(kind.as_str())
            .execute(&mut *conn)
            .await?;
        return Ok(None);
    };
    sqlx::query(
        "INSERT INTO weather_records (station_id, element, scope, kind, value, day) VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (station_id, element, scope, kind) DO UPDATE SET value = excluded.value, day = excluded.day",
    )
    .bind(station)
    .bind(element.code())
    .bind(scope)
    .bind(kind.as_str())
    .bind(value)
    .bind(day)
    .execute(&mut *conn)
    .await?;
    // A correction can lower a record, and a first value only establishes it: "broken" means a
    // value beat an existing record.
    let Some(previous) = current else { return Ok(None) };
    if !kind.beats(value, Some(previous.0)) {
        return Ok(None);
    }
    sqlx::query(
        "INSERT INTO weather_record_history (station_id, element, scope, kind, value, day, previous_value, previous_day, import_id, broken_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
    )
    .bind(station)
    .bind(element.code())
    .bind(scope)
    .bind(kind.as_str())
    .bind(value)
    .bind(day)
    .bind(current.map(|c| c.0))
    .bind(current.map(|c| c.1))
    .bind(import_id)
    .bind(day * 1440)
    .execute(&mut *conn)
    .await?;
    Ok(Some(RecordBroken {
        station_id: station,
        element: element.code().into(),
        scope,
        kind: kind.as_str().into(),
        value,
        date: iso_date(day),
        previous_value: current.map(|c| c.0),
        previous_date: current.map(|c| iso_date(c.1)),
    }))
}

#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    /// The file as a whole cannot be read (not the expected format): nothing was imported.
    #[error("{0}")]
    BadFile(String),
    #[error("unknown format `{0}`: use {formats}", formats = FORMATS.join(", "))]
    UnknownFormat(String),
    #[error("the csv format needs a mapping (columns → parameters and units, time)")]
    MissingMapping,
    /// Every problem of the mapping, each naming its field or column.
    #[error("{}", .0.join("; "))]
    BadMapping(Vec<String>),
    #[error(transparent)]
    Db(#[from] sqlx::Error),
}

/// The import formats, as the command line and the API name them.
pub const FORMATS: &[&str] = &["mf", "mf-stations", "metar", "synop", "csv"];

/// An import format, checked (with its mapping for `csv`) before any file is read.
#[derive(Clone, Debug)]
pub enum Format {
    /// Météo-France climatological CSV: hourly H, daily Q (both files) or 6-minute MN.
    Mf,
    /// Météo-France's station list (fiches.json).
    MfStations,
    Metar,
    Synop,
    /// Any CSV read through a mapping (`ingest::mapped`).
    Csv(Box<crate::ingest::mapped::Mapping>),
}

impl Format {
    /// `mapping` is the mapping file's text, required by `csv` and refused by the others.
    pub fn parse(format: &str, mapping: Option<&str>) -> Result<Format, ImportError> {
        let mapping = mapping.filter(|m| !m.trim().is_empty());
        let f = match format.trim() {
            "mf" => Format::Mf,
            "mf-stations" => Format::MfStations,
            "metar" => Format::Metar,
            "synop" => Format::Synop,
            "csv" => {
                let text = mapping.ok_or(ImportError::MissingMapping)?;
                return Ok(Format::Csv(Box::new(crate::ingest::mapped::Mapping::parse(text).map_err(ImportError::BadMapping)?)));
            }
            other => return Err(ImportError::UnknownFormat(other.chars().take(40).collect())),
        };
        if mapping.is_some() {
            return Err(ImportError::BadMapping(vec![format!("a mapping only goes with the csv format, not {format}")]));
        }
        Ok(f)
    }
}

/// What an import brought: observations, or stations for the station list.
#[derive(Serialize, utoipa::ToSchema)]
#[serde(untagged)]
pub enum ImportOut {
    Values(ImportSummary),
    Stations(StationsSummary),
}

/// Imports one file in a checked format: the one place that knows the formats, used by the command
/// line, the API and the import page.
pub async fn import(p: &Platform, actor: &Actor, format: &Format, filename: &str, bytes: &[u8], progress: &(dyn Fn(usize, usize) + Sync)) -> Result<ImportOut, ImportError> {
    Ok(match format {
        Format::Mf => ImportOut::Values(import_mf(p, actor, filename, bytes, progress).await?),
        Format::MfStations => ImportOut::Stations(import_station_sheets(p, actor, bytes).await?),
        Format::Metar => ImportOut::Values(import_reports(p, actor, "metar", filename, bytes, p.now()).await?),
        Format::Synop => ImportOut::Values(import_reports(p, actor, "synop", filename, bytes, p.now()).await?),
        Format::Csv(m) => ImportOut::Values(import_mapped(p, actor, filename, bytes, m, progress).await?),
    })
}

/// Values per transaction: a failing batch is rolled back whole and reported.
const BATCH: usize = 100_000;

/// Imports a Météo-France hourly, daily (Q) or 6-minute file (gzip accepted). Stations met for the first time
/// are created from the file's NUM_POSTE, name and position.
pub async fn import_mf(p: &Platform, actor: &Actor, filename: &str, bytes: &[u8], progress: &(dyn Fn(usize, usize) + Sync)) -> Result<ImportSummary, ImportError> {
    use crate::ingest::mf;
    let text = mf::read_text(bytes).map_err(ImportError::BadFile)?;
    let (header, records, rejected) = mf::parse(&text).map_err(|e| ImportError::BadFile(e.to_string()))?;
    let format = match header.product {
        mf::Product::Hourly => "mf-h",
        mf::Product::SixMinutes => "mf-mn",
        mf::Product::Daily => "mf-q",
    };
    let (import_id, source_id) = start(p, actor, format, filename, "mf-clim").await?;
    let mut summary = ImportSummary { import_id, format: format.into(), filename: filename.into(), lines: records.len() + rejected.len(), unknown_columns: header.unknown.clone(), ..Default::default() };
    for r in rejected {
        summary.reject(r);
    }
    // Stations first, in one transaction.
    let mut ids: HashMap<String, i64> = HashMap::new();
    {
        let mut tx = p.db.write().await?;
        for r in &records {
            if ids.contains_key(&r.station.num_poste) {
                continue;
            }
            let dep = r.station.departement().to_string();
            let input = meteo_france_station(&r.station.num_poste, &r.station.name, "", &dep, r.station.lat, r.station.lon, r.station.alti);
            let (id, created) = store::upsert_station(tx.conn(), &input, r.stamp, p.now()).await?;
            if created {
                summary.stations_created += 1;
                index_station(p, tx.conn(), id, &r.station.name, "", &dep, &r.station.num_poste).await?;
            }
            ids.insert(r.station.num_poste.clone(), id);
        }
        tx.commit().await?;
    }
    let partitions = Partitions::default();
    let total: usize = records.iter().map(|r| r.values.len()).sum();
    let mut batch: Vec<Observation> = Vec::with_capacity(BATCH.min(total));
    let mut done = 0;
    for r in &records {
        let station = ids[&r.station.num_poste];
        batch.extend(r.values.iter().map(|(param, value, quality)| Observation { station, param: *param, t: r.stamp, value: *value, quality: *quality }));
        if batch.len() >= BATCH {
            write_batch(p, &partitions, import_id, source_id, &batch, &mut summary).await?;
            done += batch.len();
            progress(done, total);
            batch.clear();
        }
    }
    if !batch.is_empty() {
        write_batch(p, &partitions, import_id, source_id, &batch, &mut summary).await?;
        done += batch.len();
        progress(done, total);
    }
    finish(p, actor, &summary).await?;
    Ok(summary)
}

#[derive(Clone, Debug, Default, Serialize, utoipa::ToSchema)]
pub struct StationsSummary {
    pub stations: usize,
    pub created: usize,
    pub rejected_count: usize,
    pub rejected: Vec<RejectedLine>,
}

/// Imports the Météo-France station list (fiches.json) into the registry and the search index.
pub async fn import_station_sheets(p: &Platform, actor: &Actor, bytes: &[u8]) -> Result<StationsSummary, ImportError> {
    let text = crate::ingest::mf::read_text(bytes).map_err(ImportError::BadFile)?;
    let (sheets, rejected) = crate::ingest::fiches::parse(&text).map_err(ImportError::BadFile)?;
    let mut summary = StationsSummary { stations: sheets.len(), rejected_count: rejected.len(), ..Default::default() };
    summary.rejected = rejected.into_iter().take(MAX_REPORTED).map(|r| RejectedLine { line: r.line, reason: r.reason }).collect();
    let mut tx = p.db.write().await?;
    for s in &sheets {
        let input = meteo_france_station(&s.num_poste, &s.name, &s.commune, &s.departement, s.lat, s.lon, s.alti);
        let (id, created) = store::upsert_station(tx.conn(), &input, i64::MIN / 2, p.now()).await?;
        sqlx::query("UPDATE weather_stations SET commune = $1, name = $2 WHERE id = $3").bind(&s.commune).bind(&s.name).bind(id).execute(tx.conn()).await?;
        if created {
            summary.created += 1;
        }
        index_station(p, tx.conn(), id, &s.name, &s.commune, &s.departement, &s.num_poste).await?;
    }
    audit::record(tx.conn(), p.now(), actor, Change {
        module: "weather", object_type: "stations", object_id: "meteo-france".into(), action: "import",
        before: None, after: Some(serde_json::json!({ "stations": summary.stations, "created": summary.created, "rejected": summary.rejected_count })),
    }).await?;
    tx.commit().await?;
    Ok(summary)
}

/// A Météo-France station as the registry keeps it: keyed by NUM_POSTE, Etalab licence, the FU
/// offset of its département.
fn meteo_france_station(num_poste: &str, name: &str, commune: &str, dep: &str, lat: f64, lon: f64, alti: f64) -> store::StationInput {
    store::StationInput {
        code: num_poste.to_string(),
        name: name.to_string(),
        commune: commune.to_string(),
        departement: dep.to_string(),
        network: "meteo-france".into(),
        mf_num_poste: Some(num_poste.to_string()),
        icao: None,
        wmo: None,
        licence: "etalab-2.0".into(),
        fu_offset: i64::from(climato::fu_offset_minutes(dep).unwrap_or(0)),
        lat,
        lon,
        alti,
    }
}

/// Puts a station in the platform's full-text index (name, commune, département, code).
pub async fn index_station(p: &Platform, conn: &mut AnyConnection, id: i64, name: &str, commune: &str, dep: &str, code: &str) -> Result<(), sqlx::Error> {
    let body = format!("{commune} {dep} {code}");
    let id_s = id.to_string();
    let url = format!("/weather/stations/{id}");
    platform::search::index(&p.db, conn, &platform::search::SearchDoc { module: "weather", kind: "station", ref_id: &id_s, title: name, body: &body, url: &url, org_id: None, public: true }).await
}

/// Imports a CSV read through a mapping (`ingest::mapped`). Lines of stations the registry does
/// not know are rejected, unless the mapping describes its one station (`new_station`), which is
/// then registered (network `local`, the importer's licence choice left to the registry: Etalab).
pub async fn import_mapped(p: &Platform, actor: &Actor, filename: &str, bytes: &[u8], mapping: &crate::ingest::mapped::Mapping, progress: &(dyn Fn(usize, usize) + Sync)) -> Result<ImportSummary, ImportError> {
    use crate::ingest::mapped;
    let (records, rejected) = mapped::parse(bytes, mapping).map_err(ImportError::BadFile)?;
    let (import_id, source_id) = start(p, actor, "csv", filename, "csv").await?;
    let mut summary = ImportSummary { import_id, format: "csv".into(), filename: filename.into(), lines: records.len() + rejected.len(), ..Default::default() };
    for r in rejected {
        summary.reject(r);
    }
    let mut stations: HashMap<String, Option<i64>> = HashMap::new();
    if let (mapped::StationRef::Code(code), Some(n)) = (&mapping.station, &mapping.new_station) {
        let mut tx = p.db.write().await?;
        let input = store::StationInput {
            code: code.clone(),
            name: n.name.clone(),
            commune: String::new(),
            departement: String::new(),
            network: "local".into(),
            mf_num_poste: None,
            icao: None,
            wmo: None,
            licence: "etalab-2.0".into(),
            fu_offset: 0,
            lat: n.lat,
            lon: n.lon,
            alti: n.alti,
        };
        let first = records.first().map_or(i64::MIN / 2, |r| r.t);
        let (id, created) = store::upsert_station(tx.conn(), &input, first, p.now()).await?;
        if created {
            summary.stations_created += 1;
            index_station(p, tx.conn(), id, &n.name, "", "", code).await?;
        }
        tx.commit().await?;
    }
    let mut obs = Vec::new();
    for r in &records {
        if !stations.contains_key(&r.station) {
            let id: Option<i64> = sqlx::query("SELECT id FROM weather_stations WHERE code = $1").bind(&r.station).fetch_optional(p.db.pool()).await?.map(|row| row.get(0));
            stations.insert(r.station.clone(), id);
        }
        let Some(station) = stations[&r.station] else {
            summary.reject(Rejected { line: r.line, reason: format!("station {} is not registered (give `new_station` in the mapping to register it)", r.station) });
            continue;
        };
        obs.extend(r.values.iter().map(|(param, value)| Observation { station, param: *param, t: r.stamp(*param), value: *value, quality: Quality::Unknown }));
    }
    let partitions = Partitions::default();
    let mut done = 0;
    for batch in obs.chunks(BATCH) {
        write_batch(p, &partitions, import_id, source_id, batch, &mut summary).await?;
        done += batch.len();
        progress(done, obs.len());
    }
    finish(p, actor, &summary).await?;
    Ok(summary)
}

/// Imports METAR/SPECI or SYNOP bulletins. Reports are matched to registered stations by ICAO
/// indicator (METAR) or WMO number (SYNOP); the month and year come from `reference_ms` (reports
/// only carry the day). Reports of unknown stations and values without a catalogue parameter are
/// reported, not guessed.
pub async fn import_reports(p: &Platform, actor: &Actor, format: &str, filename: &str, bytes: &[u8], reference_ms: i64) -> Result<ImportSummary, ImportError> {
    use crate::ingest::{metar, synop};
    let (reports, rejected) = match format {
        "metar" => metar::parse_bulletin(bytes),
        "synop" => synop::parse_bulletin(bytes),
        other => return Err(ImportError::BadFile(format!("unknown report format `{other}`"))),
    };
    if reports.is_empty() && rejected.is_empty() {
        return Err(ImportError::BadFile(format!("no {format} report found in the file")));
    }
    let (import_id, source_id) = start(p, actor, format, filename, format).await?;
    let mut summary = ImportSummary { import_id, format: format.into(), filename: filename.into(), lines: reports.len() + rejected.len(), ..Default::default() };
    for r in rejected.into_iter().filter(|r| r.whole_report) {
        summary.reject(Rejected { line: r.line, reason: format!("report {}: {}", r.report + 1, r.error) });
    }
    let column = if format == "metar" { "icao" } else { "wmo" };
    let mut stations: HashMap<String, Option<i64>> = HashMap::new();
    let mut obs = Vec::new();
    let mut unknown_params: BTreeSet<String> = BTreeSet::new();
    for r in &reports {
        let code = r.station.as_str().to_string();
        if !stations.contains_key(&code) {
            let id: Option<i64> = sqlx::query(&format!("SELECT id FROM weather_stations WHERE {column} = $1"))
                .bind(&code)
                .fetch_optional(p.db.pool())
                .await?
                .map(|row| row.get(0));
            stations.insert(code.clone(), id);
        }
        let Some(station) = stations[&code] else {
            summary.reject(Rejected { line: r.line, reason: format!("report {}: station {code} is not registered (no station with this {} identifier)", r.index + 1, column.to_uppercase()) });
            continue;
        };
        if r.nil {
            continue;
        }
        let Some(t) = metar::resolve(r.time.day, r.time.hour, r.time.minute, reference_ms / 1000) else {
            summary.reject(Rejected { line: r.line, reason: format!("report {}: day {} does not exist in the months before the reference date", r.index + 1, r.time.day) });
            continue;
        };
        for (param, value) in &r.values {
            match ParamId::parse(&param.code()) {
                Some(pid) => obs.push(Observation { station, param: pid, t: t.div_euclid(60), value: *value, quality: Quality::Unknown }),
                None => {
                    unknown_params.insert(param.code().into_owned());
                }
            }
        }
    }
    summary.unknown_columns = unknown_params.into_iter().collect();
    if !obs.is_empty() {
        write_batch(p, &Partitions::default(), import_id, source_id, &obs, &mut summary).await?;
    }
    finish(p, actor, &summary).await?;
    Ok(summary)
}
