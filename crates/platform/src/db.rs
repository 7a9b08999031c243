//! Database access: one pool over SQLite (embedded, default) or PostgreSQL, a per-module
//! migrations runner, and write transactions.
//!
//! The kernel's SQL is written once against `sqlx::Any` with `$n` placeholders, which both
//! backends accept. Instants are stored as BIGINT milliseconds (UTC), booleans as BOOLEAN.
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use sha2::{Digest, Sha256};
use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::{AnyPool, Executor, Row};
use tokio::sync::{Mutex, OwnedMutexGuard};

use crate::clock::Clock;

#[derive(Debug, thiserror::Error)]
pub enum DbError {
    #[error("unsupported database URL `{0}`: use sqlite://PATH or postgres://…")]
    UnsupportedUrl(String),
    #[error("migration {module}/{version} ({name}) was changed after it was applied (checksum differs)")]
    MigrationChanged { module: String, version: i64, name: String },
    #[error("migration {module}/{version} ({name}) failed: {source}")]
    MigrationFailed { module: String, version: i64, name: String, source: sqlx::Error },
    #[error(transparent)]
    Sqlx(#[from] sqlx::Error),
    #[error("cannot create data directory {0}: {1}")]
    DataDir(String, std::io::Error),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    pub fn name(self) -> &'static str {
        match self {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgres",
        }
    }
}

/// A module's migration: the same version carries one script per backend.
#[derive(Clone, Copy, Debug)]
pub struct Migration {
    pub version: i64,
    pub name: &'static str,
    pub sqlite: &'static str,
    pub postgres: &'static str,
}

/// Declares a migration from `migrations/{sqlite,postgres}/NAME.sql` of the calling crate.
#[macro_export]
macro_rules! migration {
    ($version:expr, $name:literal) => {
        $crate::db::Migration {
            version: $version,
            name: $name,
            sqlite: include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/migrations/sqlite/", $name, ".sql")),
            postgres: include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/migrations/postgres/", $name, ".sql")),
        }
    };
}

#[derive(Clone)]
pub struct Db {
    pool: AnyPool,
    backend: Backend,
    url: String,
    /// SQLite has one writer; serialising writers in-process avoids SQLITE_BUSY on
    /// read-to-write upgrades. PostgreSQL does not take it.
    writer: Arc<Mutex<()>>,
}

pub type Tx = sqlx::Transaction<'static, sqlx::Any>;

/// A write transaction; on SQLite it also holds the process-wide writer lock.
pub struct WriteTx {
    pub tx: Tx,
    _guard: Option<OwnedMutexGuard<()>>,
}

impl std::ops::Deref for WriteTx {
    type Target = Tx;
    fn deref(&self) -> &Tx {
        &self.tx
    }
}
impl std::ops::DerefMut for WriteTx {
    fn deref_mut(&mut self) -> &mut Tx {
        &mut self.tx
    }
}
impl WriteTx {
    pub async fn commit(self) -> Result<(), sqlx::Error> {
        self.tx.commit().await
    }
    pub fn conn(&mut self) -> &mut sqlx::AnyConnection {
        &mut self.tx
    }
}

impl Db {
    /// Opens (and for SQLite creates) the database named by `url`.
    pub async fn connect(url: &str) -> Result<Db, DbError> {
        sqlx::any::install_default_drivers();
        let backend = if url.starts_with("sqlite:") {
            Backend::Sqlite
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Backend::Postgres
        } else {
            return Err(DbError::UnsupportedUrl(url.to_string()));
        };
        let sep = if url.contains('?') { '&' } else { '?' };
        let url = match backend {
            Backend::Sqlite if !url.contains("mode=") => format!("{url}{sep}mode=rwc"),
            // Through the Any driver a NULL argument is sent with a placeholder type; a cached
            // statement first prepared with NULL then fails when given a value ("incorrect binary
            // data format"). Unnamed statements are typed by each call's own arguments.
            Backend::Postgres if !url.contains("statement-cache-capacity") => format!("{url}{sep}statement-cache-capacity=0"),
            _ => url.to_string(),
        };
        if backend == Backend::Sqlite {
            if let Some(parent) = sqlite_path(&url).and_then(|p| std::path::Path::new(&p).parent().map(|p| p.to_path_buf())) {
                if !parent.as_os_str().is_empty() {
                    std::fs::create_dir_all(&parent)
                        .map_err(|e| DbError::DataDir(parent.display().to_string(), e))?;
                }
            }
        }
        let opts = AnyConnectOptions::from_str(&url)?;
        let max = if backend == Backend::Sqlite { 8 } else { 16 };
        let pool = AnyPoolOptions::new()
            .max_connections(max)
            .min_connections(1)
            .acquire_timeout(Duration::from_secs(10))
            .after_connect(move |conn, _| {
                Box::pin(async move {
                    if backend == Backend::Sqlite {
                        conn.execute(
                            "PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 10000; PRAGMA synchronous = NORMAL;",
                        )
                        .await?;
                    }
                    Ok(())
                })
            })
            .connect_with(opts)
            .await?;
        if backend == Backend::Sqlite {
            pool.execute("PRAGMA journal_mode = WAL;").await?;
        }
        Ok(Db { pool, backend, url, writer: Arc::new(Mutex::new(())) })
    }

    pub fn pool(&self) -> &AnyPool {
        &self.pool
    }
    pub fn backend(&self) -> Backend {
        self.backend
    }
    pub fn url(&self) -> &str {
        &self.url
    }

    /// Begins a transaction for writing. Every multi-statement write goes through here.
    pub async fn write(&self) -> Result<WriteTx, sqlx::Error> {
        let guard = match self.backend {
            Backend::Sqlite => Some(self.writer.clone().lock_owned().await),
            Backend::Postgres => None,
        };
        // IMMEDIATE takes SQLite's write lock at once (waiting up to the busy timeout): a deferred
        // transaction that reads first fails with SQLITE_BUSY_SNAPSHOT (517) when it comes to
        // write after an autocommit statement elsewhere (job claims, progress) wrote in between.
        let tx = match self.backend {
            Backend::Sqlite => self.pool.begin_with("BEGIN IMMEDIATE").await?,
            Backend::Postgres => self.pool.begin().await?,
        };
        Ok(WriteTx { tx, _guard: guard })
    }

    /// Whether the database answers.
    pub async fn ping(&self) -> bool {
        sqlx::query("SELECT 1").fetch_one(&self.pool).await.is_ok()
    }

    /// Applies every migration of `module` not yet applied, each in its own transaction.
    /// Returns the versions applied now.
    pub async fn migrate(&self, module: &str, migrations: &[Migration]) -> Result<Vec<i64>, DbError> {
        self.pool
            .execute(
                "CREATE TABLE IF NOT EXISTS schema_migrations (
                    module TEXT NOT NULL, version BIGINT NOT NULL, name TEXT NOT NULL,
                    checksum TEXT NOT NULL, applied_at BIGINT NOT NULL,
                    PRIMARY KEY (module, version))",
            )
            .await?;
        let rows = sqlx::query("SELECT version, checksum FROM schema_migrations WHERE module = $1")
            .bind(module)
            .fetch_all(&self.pool)
            .await?;
        let applied: std::collections::HashMap<i64, String> = rows
            .iter()
            .map(|r| (r.get::<i64, _>(0), r.get::<String, _>(1)))
            .collect();
        let mut done = Vec::new();
        for m in migrations {
            let sql = match self.backend {
                Backend::Sqlite => m.sqlite,
                Backend::Postgres => m.postgres,
            };
            let sum = hex::encode(Sha256::digest(sql.as_bytes()));
            if let Some(prev) = applied.get(&m.version) {
                if *prev != sum {
                    return Err(DbError::MigrationChanged {
                        module: module.into(),
                        version: m.version,
                        name: m.name.into(),
                    });
                }
                continue;
            }
            let fail = |source| DbError::MigrationFailed {
                module: module.into(),
                version: m.version,
                name: m.name.into(),
                source,
            };
            let mut tx = self.write().await?;
            tx.conn().execute(sql).await.map_err(fail)?;
            sqlx::query(
                "INSERT INTO schema_migrations (module, version, name, checksum, applied_at) VALUES ($1, $2, $3, $4, $5)",
            )
            .bind(module)
            .bind(m.version)
            .bind(m.name)
            .bind(&sum)
            .bind(crate::clock::SystemClock.now_ms())
            .execute(tx.conn())
            .await
            .map_err(fail)?;
            tx.commit().await.map_err(fail)?;
            done.push(m.version);
        }
        Ok(done)
    }

    /// Size of the database in bytes (SQLite file pages, or pg_database_size).
    pub async fn size_bytes(&self) -> Result<i64, sqlx::Error> {
        match self.backend {
            Backend::Sqlite => {
                let pages: i64 = sqlx::query("PRAGMA page_count").fetch_one(&self.pool).await?.get(0);
                let size: i64 = sqlx::query("PRAGMA page_size").fetch_one(&self.pool).await?.get(0);
                Ok(pages * size)
            }
            Backend::Postgres => Ok(sqlx::query("SELECT pg_database_size(current_database())::BIGINT")
                .fetch_one(&self.pool)
                .await?
                .get(0)),
        }
    }
}

fn sqlite_path(url: &str) -> Option<String> {
    let rest = url.strip_prefix("sqlite://").or_else(|| url.strip_prefix("sqlite:"))?;
    let path = rest.split('?').next()?;
    if path.is_empty() || path == ":memory:" {
        None
    } else {
        Some(path.to_string())
    }
}

/// `sqlite://DIR/communs.db`, the default database of a data directory.
pub fn default_sqlite_url(data_dir: &std::path::Path) -> String {
    format!("sqlite://{}", data_dir.join("communs.db").display())
}

/// Reads a boolean column: BOOLEAN on PostgreSQL, INTEGER 0/1 on SQLite (the Any driver does
/// not map SQLite's declared BOOLEAN).
pub fn get_bool(row: &sqlx::any::AnyRow, col: &str) -> bool {
    row.try_get::<bool, _>(col).unwrap_or_else(|_| row.try_get::<i64, _>(col).map(|v| v != 0).unwrap_or(false))
}

/// True when the error is a unique-constraint violation on either backend.
pub fn is_unique_violation(e: &sqlx::Error) -> bool {
    match e {
        sqlx::Error::Database(d) => {
            d.is_unique_violation() || d.message().contains("UNIQUE constraint failed")
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn sqlite_paths() {
        assert_eq!(sqlite_path("sqlite://a/b.db?mode=rwc").as_deref(), Some("a/b.db"));
        assert_eq!(sqlite_path("sqlite::memory:"), None);
    }
}
