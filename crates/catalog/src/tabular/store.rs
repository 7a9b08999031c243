//! Storage of loaded tables: the `catalog_tables` metadata, and running queries on a loaded
//! table with typed arguments and typed results.
use platform::db::Backend;
use platform::Platform;
use serde::Serialize;
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};

use super::profile::Column;
use super::query::{OutCol, Sql};
use super::sniff::Dialect;
use super::types::{ColType, Value};

#[derive(Clone, Debug, Serialize)]
pub struct TableMeta {
    pub key: String,
    pub resource_id: Option<String>,
    pub source_url: String,
    pub source_sha256: Option<String>,
    pub state: String,
    pub table_name: Option<String>,
    pub columns: Vec<Column>,
    pub dialect: Option<Dialect>,
    pub row_count: i64,
    pub progress: i64,
    pub report: serde_json::Value,
    pub job_id: Option<i64>,
    pub queued_at: i64,
    pub started_at: Option<i64>,
    pub loaded_at: Option<i64>,
}

pub fn parse_columns(json: &str) -> Vec<Column> {
    let mut cols: Vec<Column> = serde_json::from_str(json).unwrap_or_default();
    for (i, c) in cols.iter_mut().enumerate() {
        c.sql = format!("c{i}");
    }
    cols
}

fn meta_from_row(r: &AnyRow) -> TableMeta {
    let columns: String = r.get("columns");
    let dialect: String = r.get("dialect");
    let report: String = r.get("report");
    TableMeta {
        key: r.get("key"),
        resource_id: r.get("resource_id"),
        source_url: r.get("source_url"),
        source_sha256: r.get("source_sha256"),
        state: r.get("state"),
        table_name: r.get("table_name"),
        columns: parse_columns(&columns),
        dialect: serde_json::from_str(&dialect).ok(),
        row_count: r.get("row_count"),
        progress: r.get("progress"),
        report: serde_json::from_str(&report).unwrap_or_default(),
        job_id: r.get("job_id"),
        queued_at: r.get("queued_at"),
        started_at: r.get("started_at"),
        loaded_at: r.get("loaded_at"),
    }
}

const COLS: &str = "key, resource_id, source_url, source_sha256, state, table_name, columns, dialect, row_count, progress, report, job_id, queued_at, started_at, loaded_at";

pub async fn get(pool: &sqlx::AnyPool, key: &str) -> Result<Option<TableMeta>, sqlx::Error> {
    let row = sqlx::query(&format!("SELECT {COLS} FROM catalog_tables WHERE key = $1")).bind(key).fetch_optional(pool).await?;
    Ok(row.as_ref().map(meta_from_row))
}

/// Marks a source as queued for loading (creating its row), keeping the table already served.
pub async fn queue(conn: &mut AnyConnection, key: &str, resource_id: Option<&str>, url: &str, sha256: Option<&str>, job_id: Option<i64>, now: i64) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO catalog_tables (key, resource_id, source_url, source_sha256, state, job_id, queued_at, updated_at)
         VALUES ($1, $2, $3, $4, 'queued', $5, $6, $6)
         ON CONFLICT (key) DO UPDATE SET source_url = $3, source_sha256 = $4, state = 'queued', job_id = $5, queued_at = $6,
             updated_at = $6, progress = 0",
    )
    .bind(key)
    .bind(resource_id)
    .bind(url)
    .bind(sha256)
    .bind(job_id)
    .bind(now)
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn set_state(conn: &mut AnyConnection, key: &str, state: &str, progress: i64, now: i64) -> Result<(), sqlx::Error> {
    let started = if state == "loading" { "started_at = $4," } else { "" };
    sqlx::query(&format!("UPDATE catalog_tables SET state = $1, progress = $2, {started} updated_at = $4 WHERE key = $3"))
        .bind(state)
        .bind(progress)
        .bind(key)
        .bind(now)
        .execute(conn)
        .await?;
    Ok(())
}

/// A finished load: the new table is served from now on; returns the table it replaces.
#[allow(clippy::too_many_arguments)]
pub async fn swap(conn: &mut AnyConnection, key: &str, table: &str, columns: &[Column], dialect: &Dialect, rows: i64, report: &serde_json::Value, now: i64) -> Result<Option<String>, sqlx::Error> {
    let old: Option<String> = sqlx::query_scalar("SELECT table_name FROM catalog_tables WHERE key = $1").bind(key).fetch_optional(&mut *conn).await?.flatten();
    sqlx::query(
        "UPDATE catalog_tables SET state = 'ready', table_name = $1, columns = $2, dialect = $3, row_count = $4, progress = $4,
             report = $5, loaded_at = $6, updated_at = $6 WHERE key = $7",
    )
    .bind(table)
    .bind(serde_json::to_string(&ColumnsOut(columns)).unwrap_or_else(|_| "[]".into()))
    .bind(serde_json::to_string(dialect).unwrap_or_else(|_| "{}".into()))
    .bind(rows)
    .bind(report.to_string())
    .bind(now)
    .bind(key)
    .execute(conn)
    .await?;
    Ok(old.filter(|o| o != table))
}

struct ColumnsOut<'a>(&'a [Column]);
impl Serialize for ColumnsOut<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.0.serialize(s)
    }
}

pub async fn fail(conn: &mut AnyConnection, key: &str, report: &serde_json::Value, now: i64) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE catalog_tables SET state = 'failed', report = $1, loaded_at = $2, updated_at = $2 WHERE key = $3")
        .bind(report.to_string())
        .bind(now)
        .bind(key)
        .execute(conn)
        .await?;
    Ok(())
}

/// Binds a value with the SQL type of its column: a NULL must carry the column's type, or
/// PostgreSQL refuses a text-typed NULL in a BIGINT column.
pub fn bind<'q>(q: sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>>, v: &Value, ty: ColType) -> sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>> {
    match (v, ty) {
        (Value::Int(i), _) => q.bind(*i),
        (Value::Float(f), _) => q.bind(*f),
        (Value::Bool(b), _) => q.bind(*b),
        (Value::Text(s), _) => q.bind(s.clone()),
        (Value::Null, ColType::Integer) => q.bind(None::<i64>),
        (Value::Null, ColType::Decimal) => q.bind(None::<f64>),
        (Value::Null, ColType::Boolean) => q.bind(None::<bool>),
        (Value::Null, _) => q.bind(None::<String>),
    }
}

/// [`bind`] without copying text.
pub fn bind_owned<'q>(q: sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>>, v: Value, ty: ColType) -> sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>> {
    match v {
        Value::Text(s) => q.bind(s),
        other => bind(q, &other, ty),
    }
}

fn arg_type(v: &Value) -> ColType {
    match v {
        Value::Int(_) => ColType::Integer,
        Value::Float(_) => ColType::Decimal,
        Value::Bool(_) => ColType::Boolean,
        _ => ColType::Text,
    }
}

pub fn prepare(sql: &Sql) -> sqlx::query::Query<'_, sqlx::Any, sqlx::any::AnyArguments<'_>> {
    let mut q = sqlx::query(&sql.text);
    for a in &sql.args {
        q = bind(q, a, arg_type(a));
    }
    q
}

/// Reads a cell of a known type on either backend.
pub fn decode(row: &AnyRow, i: usize, ty: ColType, backend: Backend) -> Value {
    let v = match ty {
        ColType::Integer => row.try_get::<Option<i64>, _>(i).ok().flatten().map(Value::Int).or_else(|| row.try_get::<Option<f64>, _>(i).ok().flatten().map(Value::Float)),
        ColType::Decimal => row.try_get::<Option<f64>, _>(i).ok().flatten().map(Value::Float).or_else(|| row.try_get::<Option<i64>, _>(i).ok().flatten().map(|n| Value::Float(n as f64))),
        ColType::Boolean => match backend {
            Backend::Postgres => row.try_get::<Option<bool>, _>(i).ok().flatten().map(Value::Bool),
            Backend::Sqlite => row.try_get::<Option<i64>, _>(i).ok().flatten().map(|n| Value::Bool(n != 0)),
        },
        _ => row.try_get::<Option<String>, _>(i).ok().flatten().map(Value::Text),
    };
    v.unwrap_or(Value::Null)
}

pub fn decode_row(row: &AnyRow, out: &[OutCol], backend: Backend) -> Vec<Value> {
    out.iter().enumerate().map(|(i, c)| decode(row, i, c.ty, backend)).collect()
}

pub async fn fetch_rows(p: &Platform, sql: &Sql, out: &[OutCol]) -> Result<Vec<Vec<Value>>, sqlx::Error> {
    let rows = prepare(sql).fetch_all(p.db.pool()).await?;
    Ok(rows.iter().map(|r| decode_row(r, out, p.db.backend())).collect())
}

pub async fn count(p: &Platform, sql: &Sql) -> Result<i64, sqlx::Error> {
    let row = prepare(sql).fetch_one(p.db.pool()).await?;
    row.try_get::<i64, _>(0)
}
