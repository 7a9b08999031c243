//! Storage of the weather module on SQLite and PostgreSQL through the platform's database.
//! The SQL is shared; PostgreSQL partitions value blocks by year (partitions created on demand).
use std::collections::HashMap;
use std::sync::Mutex;

use platform::db::{Backend, Db};
use serde::Serialize;
use sqlx::{AnyConnection, Row};

use crate::domain::block::{self, Value};
use crate::domain::climato::{civil, days_from_civil, Daily, Element, Monthly};
use crate::domain::params::ParamId;

#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct Station {
    pub id: i64,
    /// Our identifier: Météo-France NUM_POSTE for MF stations, otherwise the owner's code.
    pub code: String,
    pub name: String,
    pub commune: String,
    pub departement: String,
    pub network: String,
    pub mf_num_poste: Option<String>,
    pub wmo: Option<String>,
    pub icao: Option<String>,
    pub org_id: Option<i64>,
    pub licence: String,
    pub public: bool,
    /// Minutes between UTC and the station's Météo-France "FU" time.
    pub fu_offset: i64,
    pub lat: f64,
    pub lon: f64,
    pub alti: f64,
}

pub const STATION_COLS: &str = "id, code, name, commune, departement, network, mf_num_poste, wmo, icao, org_id, licence, public, fu_offset, lat, lon, alti";

pub fn station_from_row(r: &sqlx::any::AnyRow) -> Station {
    Station {
        id: r.get("id"),
        code: r.get("code"),
        name: r.get("name"),
        commune: r.get("commune"),
        departement: r.get("departement"),
        network: r.get("network"),
        mf_num_poste: r.get("mf_num_poste"),
        wmo: r.get("wmo"),
        icao: r.get("icao"),
        org_id: r.get("org_id"),
        licence: r.get("licence"),
        public: platform::db::get_bool(r, "public"),
        fu_offset: r.get("fu_offset"),
        lat: r.get("lat"),
        lon: r.get("lon"),
        alti: r.get("alti"),
    }
}

/// A station to create or refresh from a source.
#[derive(Clone, Debug)]
pub struct StationInput {
    pub code: String,
    pub name: String,
    pub commune: String,
    pub departement: String,
    pub network: String,
    pub mf_num_poste: Option<String>,
    pub icao: Option<String>,
    pub wmo: Option<String>,
    pub licence: String,
    pub fu_offset: i64,
    pub lat: f64,
    pub lon: f64,
    pub alti: f64,
}

#[derive(Default)]
pub struct Partitions(Mutex<Vec<i32>>);

/// Creates the yearly partition of `weather_blocks` for `day` when missing (PostgreSQL only).
pub async fn ensure_partition(db: &Db, conn: &mut AnyConnection, known: &Partitions, day: i64) -> Result<(), sqlx::Error> {
    if db.backend() != Backend::Postgres {
        return Ok(());
    }
    let (year, _, _) = civil(day);
    if known.0.lock().map(|k| k.contains(&year)).unwrap_or(false) {
        return Ok(());
    }
    let from = days_from_civil(year, 1, 1);
    let to = days_from_civil(year + 1, 1, 1);
    let name = if year < 0 { format!("weather_blocks_ym{}", -year) } else { format!("weather_blocks_y{year}") };
    sqlx::query(&format!("CREATE TABLE IF NOT EXISTS {name} PARTITION OF weather_blocks FOR VALUES FROM ({from}) TO ({to})"))
        .execute(&mut *conn)
        .await?;
    if let Ok(mut k) = known.0.lock() {
        k.push(year);
    }
    Ok(())
}

pub async fn sources(conn: &mut AnyConnection) -> Result<HashMap<String, (i64, i32)>, sqlx::Error> {
    Ok(sqlx::query("SELECT id, code, priority FROM weather_sources")
        .fetch_all(conn)
        .await?
        .iter()
        .map(|r| (r.get::<String, _>(1), (r.get::<i64, _>(0), r.get::<i64, _>(2) as i32)))
        .collect())
}

/// Creates the station or refreshes its name; a changed position opens a new position period.
/// Returns (id, created).
pub async fn upsert_station(conn: &mut AnyConnection, s: &StationInput, at: i64, now: i64) -> Result<(i64, bool), sqlx::Error> {
    let existing = sqlx::query("SELECT id, lat, lon, alti FROM weather_stations WHERE code = $1")
        .bind(&s.code)
        .fetch_optional(&mut *conn)
        .await?;
    if let Some(r) = existing {
        let id: i64 = r.get(0);
        let moved = (r.get::<f64, _>(1) - s.lat).abs() > 1e-6 || (r.get::<f64, _>(2) - s.lon).abs() > 1e-6 || (r.get::<f64, _>(3) - s.alti).abs() > 0.5;
        if moved {
            sqlx::query("INSERT INTO weather_positions (station_id, valid_from, lat, lon, alti) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (station_id, valid_from) DO NOTHING")
                .bind(id)
                .bind(at)
                .bind(s.lat)
                .bind(s.lon)
                .bind(s.alti)
                .execute(&mut *conn)
                .await?;
            // The current position is the one of the latest period.
            let latest = sqlx::query("SELECT lat, lon, alti FROM weather_positions WHERE station_id = $1 ORDER BY valid_from DESC LIMIT 1")
                .bind(id)
                .fetch_one(&mut *conn)
                .await?;
            sqlx::query("UPDATE weather_stations SET lat = $1, lon = $2, alti = $3 WHERE id = $4")
                .bind(latest.get::<f64, _>(0))
                .bind(latest.get::<f64, _>(1))
                .bind(latest.get::<f64, _>(2))
                .bind(id)
                .execute(&mut *conn)
                .await?;
        }
        return Ok((id, false));
    }
    let id: i64 = sqlx::query(
        "INSERT INTO weather_stations (code, name, commune, departement, network, mf_num_poste, icao, wmo, licence, fu_offset, lat, lon, alti, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) RETURNING id",
    )
    .bind(&s.code)
    .bind(&s.name)
    .bind(&s.commune)
    .bind(&s.departement)
    .bind(&s.network)
    .bind(&s.mf_num_poste)
    .bind(&s.icao)
    .bind(&s.wmo)
    .bind(&s.licence)
    .bind(s.fu_offset)
    .bind(s.lat)
    .bind(s.lon)
    .bind(s.alti)
    .bind(now)
    .fetch_one(&mut *conn)
    .await?
    .get(0);
    sqlx::query("INSERT INTO weather_positions (station_id, valid_from, lat, lon, alti) VALUES ($1, $2, $3, $4, $5)")
        .bind(id)
        .bind(i64::MIN / 2)
        .bind(s.lat)
        .bind(s.lon)
        .bind(s.alti)
        .execute(&mut *conn)
        .await?;
    Ok((id, true))
}

pub async fn station(pool: &sqlx::AnyPool, id: i64) -> Result<Option<Station>, sqlx::Error> {
    Ok(sqlx::query(&format!("SELECT {STATION_COLS} FROM weather_stations WHERE id = $1"))
        .bind(id)
        .fetch_optional(pool)
        .await?
        .as_ref()
        .map(station_from_row))
}

/// Rows per multi-row statement: one statement instead of dozens saves a round trip each on
/// PostgreSQL, but sqlx's SQLite driver looks every parameter's name up against all of the
/// statement's (the time of an import grows with the square of this number: at 500 rows, half of
/// it went there).
const ROWS_PER_STATEMENT: usize = 50;

/// The stored blocks of one parameter over `[from_day, to_day]`, by day, inside a transaction.
pub async fn blocks_in(conn: &mut AnyConnection, station: i64, param: ParamId, from_day: i64, to_day: i64) -> Result<HashMap<i64, Vec<Value>>, sqlx::Error> {
    Ok(blocks(conn, station, param, from_day, to_day).await?.into_iter().collect())
}

/// Writes (inserts or replaces) blocks, several per statement.
pub async fn save_blocks(conn: &mut AnyConnection, blocks: &[(i64, ParamId, i64, Vec<Value>)]) -> Result<(), sqlx::Error> {
    for chunk in blocks.chunks(ROWS_PER_STATEMENT) {
        let rows: Vec<String> = (0..chunk.len()).map(|i| format!("(${}, ${}, ${}, ${})", 4 * i + 1, 4 * i + 2, 4 * i + 3, 4 * i + 4)).collect();
        let sql = format!(
            "INSERT INTO weather_blocks (station_id, param_id, day, data) VALUES {} ON CONFLICT (station_id, param_id, day) DO UPDATE SET data = excluded.data",
            rows.join(", ")
        );
        let mut q = sqlx::query(&sql);
        for (station, param, day, values) in chunk {
            q = q.bind(*station).bind(i64::from(param.0)).bind(*day).bind(block::encode(values));
        }
        q.execute(&mut *conn).await?;
    }
    Ok(())
}

/// Decoded blocks of one parameter over `[from_day, to_day]`, in time order, from a pool or from
/// inside a transaction.
async fn blocks<'e, E: sqlx::Executor<'e, Database = sqlx::Any>>(exec: E, station: i64, param: ParamId, from_day: i64, to_day: i64) -> Result<Vec<(i64, Vec<Value>)>, sqlx::Error> {
    sqlx::query("SELECT day, data FROM weather_blocks WHERE station_id = $1 AND param_id = $2 AND day >= $3 AND day <= $4 ORDER BY day")
        .bind(station)
        .bind(i64::from(param.0))
        .bind(from_day)
        .bind(to_day)
        .fetch_all(exec)
        .await?
        .iter()
        .map(|r| Ok((r.get::<i64, _>(0), block::decode(&r.get::<Vec<u8>, _>(1)).map_err(|e| sqlx::Error::Decode(Box::new(e)))?)))
        .collect()
}

/// Values of one parameter over `[from_day, to_day]` as `(utc minute, value, stored value)`.
pub async fn series(pool: &sqlx::AnyPool, station: i64, param: ParamId, from_day: i64, to_day: i64) -> Result<Vec<(i64, f64, Value)>, sqlx::Error> {
    Ok(blocks(pool, station, param, from_day, to_day)
        .await?
        .into_iter()
        .flat_map(|(day, vals)| vals.into_iter().map(move |v| (day * 1440 + i64::from(v.minute), param.from_stored(v.stored), v)))
        .collect())
}

/// Values of one parameter as `(utc minute, value)`, inside a transaction.
pub async fn series_in(conn: &mut AnyConnection, station: i64, param: ParamId, from_day: i64, to_day: i64) -> Result<Vec<(i64, f64)>, sqlx::Error> {
    Ok(blocks(conn, station, param, from_day, to_day)
        .await?
        .into_iter()
        .flat_map(|(day, vals)| vals.into_iter().map(move |v| (day * 1440 + i64::from(v.minute), param.from_stored(v.stored))))
        .collect())
}

/// Writes the daily values of one station and element: `None` deletes the day (its values went).
pub async fn save_dailies(conn: &mut AnyConnection, station: i64, element: Element, days: &[(i64, Option<Daily>)]) -> Result<(), sqlx::Error> {
    for (day, _) in days.iter().filter(|(_, d)| d.is_none()) {
        sqlx::query("DELETE FROM weather_daily WHERE station_id = $1 AND element = $2 AND day = $3")
            .bind(station)
            .bind(element.code())
            .bind(day)
            .execute(&mut *conn)
            .await?;
    }
    let present: Vec<(i64, &Daily)> = days.iter().filter_map(|(day, d)| d.as_ref().map(|d| (*day, d))).collect();
    for chunk in present.chunks(ROWS_PER_STATEMENT) {
        let rows: Vec<String> = (0..chunk.len()).map(|i| (1..=8).map(|k| format!("${}", 8 * i + k)).collect::<Vec<_>>().join(", ")).map(|r| format!("({r})")).collect();
        let sql = format!(
            "INSERT INTO weather_daily (station_id, element, day, value, at, n, complete, official) VALUES {}
             ON CONFLICT (station_id, element, day) DO UPDATE SET value = excluded.value, at = excluded.at, n = excluded.n, complete = excluded.complete, official = excluded.official",
            rows.join(", ")
        );
        let mut q = sqlx::query(&sql);
        for (day, d) in chunk {
            q = q.bind(station).bind(element.code()).bind(*day).bind(d.value).bind(d.at).bind(i64::from(d.count)).bind(d.complete).bind(d.official);
        }
        q.execute(&mut *conn).await?;
    }
    Ok(())
}

pub fn daily_from_row(r: &sqlx::any::AnyRow) -> Option<Daily> {
    Some(Daily {
        element: Element::parse(&r.get::<String, _>("element"))?,
        day: r.get("day"),
        value: r.get("value"),
        at: r.get("at"),
        count: r.get::<i64, _>("n") as u32,
        complete: platform::db::get_bool(r, "complete"),
        official: platform::db::get_bool(r, "official"),
    })
}

pub async fn dailies_in(conn: &mut AnyConnection, station: i64, element: Element, from_day: i64, to_day: i64) -> Result<Vec<Daily>, sqlx::Error> {
    Ok(sqlx::query("SELECT element, day, value, at, n, complete, official FROM weather_daily WHERE station_id = $1 AND element = $2 AND day >= $3 AND day <= $4 ORDER BY day")
        .bind(station)
        .bind(element.code())
        .bind(from_day)
        .bind(to_day)
        .fetch_all(conn)
        .await?
        .iter()
        .filter_map(daily_from_row)
        .collect())
}

pub async fn save_monthly(conn: &mut AnyConnection, station: i64, m: &Monthly) -> Result<(), sqlx::Error> {
    if m.days_present == 0 {
        sqlx::query("DELETE FROM weather_monthly WHERE station_id = $1 AND element = $2 AND year = $3 AND month = $4")
            .bind(station)
            .bind(m.element.code())
            .bind(i64::from(m.year))
            .bind(i64::from(m.month))
            .execute(conn)
            .await?;
        return Ok(());
    }
    let counts = serde_json::to_string(&m.counts.iter().map(|(k, v)| (k.to_string(), *v)).collect::<HashMap<_, _>>()).unwrap_or_else(|_| "{}".into());
    sqlx::query(
        "INSERT INTO weather_monthly (station_id, element, year, month, value, max, max_day, min, min_day, days_present, days_in_month, counts)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
         ON CONFLICT (station_id, element, year, month) DO UPDATE SET value = excluded.value, max = excluded.max, max_day = excluded.max_day,
           min = excluded.min, min_day = excluded.min_day, days_present = excluded.days_present, days_in_month = excluded.days_in_month, counts = excluded.counts",
    )
    .bind(station)
    .bind(m.element.code())
    .bind(i64::from(m.year))
    .bind(i64::from(m.month))
    .bind(m.value)
    .bind(m.max.map(|x| x.0))
    .bind(m.max.map(|x| x.1))
    .bind(m.min.map(|x| x.0))
    .bind(m.min.map(|x| x.1))
    .bind(i64::from(m.days_present))
    .bind(i64::from(m.days_in_month))
    .bind(counts)
    .execute(conn)
    .await?;
    Ok(())
}

/// A station's successive positions, oldest first: `valid_from` in minutes since the epoch, `None`
/// for the position it was registered with (valid since its first value).
pub async fn positions(pool: &sqlx::AnyPool, station: i64) -> Result<Vec<(Option<i64>, f64, f64, f64)>, sqlx::Error> {
    Ok(sqlx::query("SELECT valid_from, lat, lon, alti FROM weather_positions WHERE station_id = $1 ORDER BY valid_from")
        .bind(station)
        .fetch_all(pool)
        .await?
        .iter()
        .map(|r| {
            let from: i64 = r.get(0);
            ((from != i64::MIN / 2).then_some(from), r.get(1), r.get(2), r.get(3))
        })
        .collect())
}
