//! Loading a CSV into a typed table: fetch (platform file store or HTTP with a size cap), detect
//! the encoding over the whole file, sniff the dialect, infer the types over every row, then
//! stream the rows into a new table in batched transactions and swap it in. A broken file ends
//! as state `failed` with a readable report, never a panic.
use std::io::{BufReader, Read};
use std::net::{IpAddr, SocketAddr};
use std::path::{Path, PathBuf};

use platform::jobs::{Job, JobHandler};
use platform::Platform;
use serde_json::json;

use super::profile::{column_names, Column, Extremes, TableStats};
use super::sniff::{self, Dialect, Encoding, EncodingProbe};
use super::store;
use super::types::{ColType, Value};

pub const KIND: &str = "catalog.load_table";
/// Largest file loaded (the upload limit of resources).
pub const MAX_BYTES: u64 = crate::service::MAX_UPLOAD;
/// Lets `/apify` and remote resources point at loopback and private networks (tests, benches,
/// intranets). Off by default: an unauthenticated `/apify` would otherwise fetch internal URLs.
pub const ALLOW_PRIVATE_ENV: &str = "COMMUNS_CATALOG_ALLOW_PRIVATE_URLS";
/// Irregular rows (another number of fields than the header) listed in the report.
const REPORTED_LINES: usize = 20;

/// A load that did not end with a table: what to tell people.
#[derive(Debug)]
pub struct Failure {
    pub code: &'static str,
    pub message: String,
    pub lines: Vec<u64>,
}

impl Failure {
    fn new(code: &'static str, message: impl Into<String>) -> Self {
        Self { code, message: message.into(), lines: vec![] }
    }
    pub fn report(&self) -> serde_json::Value {
        json!({ "error": { "code": self.code, "message": self.message, "lines": self.lines } })
    }
}

/// Where the bytes come from.
#[derive(Clone, Debug)]
pub enum Source {
    /// Uploaded: in the platform file store.
    File(String),
    Url(String),
}

fn private_allowed() -> bool {
    std::env::var(ALLOW_PRIVATE_ENV).is_ok_and(|v| v == "1" || v.eq_ignore_ascii_case("true"))
}

fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v) => !(v.is_loopback() || v.is_private() || v.is_link_local() || v.is_unspecified() || v.is_broadcast() || v.is_documentation() || v.octets()[0] == 100 && (v.octets()[1] & 0xC0) == 64 || v.octets()[0] >= 240),
        IpAddr::V6(v) => {
            if let Some(v4) = v.to_ipv4_mapped() {
                return is_public(IpAddr::V4(v4));
            }
            let s = v.segments()[0];
            !(v.is_loopback() || v.is_unspecified() || (s & 0xfe00) == 0xfc00 || (s & 0xffc0) == 0xfe80)
        }
    }
}

/// Checks a URL before fetching it: http(s) only, and every address its host resolves to public
/// unless [`ALLOW_PRIVATE_ENV`] is set. Returns the URL and the addresses to pin the connection to
/// (so that a second DNS answer cannot point elsewhere).
pub async fn check_url(raw: &str) -> Result<(reqwest::Url, Vec<SocketAddr>), Failure> {
    let url = reqwest::Url::parse(raw).map_err(|e| Failure::new("bad_url", format!("not a valid URL: {e}")))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(Failure::new("bad_url", "only http and https URLs are loaded"));
    }
    let host = url.host_str().ok_or_else(|| Failure::new("bad_url", "the URL has no host"))?.to_string();
    let port = url.port_or_known_default().unwrap_or(80);
    let lookup = tokio::time::timeout(std::time::Duration::from_secs(10), tokio::net::lookup_host((host.trim_matches(['[', ']']), port)))
        .await
        .map_err(|_| Failure::new("unreachable", format!("no DNS answer for {host}")))?
        .map_err(|e| Failure::new("unreachable", format!("cannot resolve {host}: {e}")))?;
    let addrs: Vec<SocketAddr> = lookup.collect();
    if addrs.is_empty() {
        return Err(Failure::new("unreachable", format!("{host} has no address")));
    }
    if !private_allowed() && addrs.iter().any(|a| !is_public(a.ip())) {
        return Err(Failure::new("private_address", format!("{host} is a loopback or private address; set {ALLOW_PRIVATE_ENV}=1 to allow it")));
    }
    Ok((url, addrs))
}

/// Downloads a URL into a temporary file in the data directory, following at most five
/// redirects (each checked), stopping past [`MAX_BYTES`].
pub async fn download(p: &Platform, raw: &str) -> Result<tempfile::NamedTempFile, Failure> {
    use futures_util::StreamExt;
    use std::io::Write;
    let mut next = raw.to_string();
    for _ in 0..6 {
        let (url, addrs) = check_url(&next).await?;
        let host = url.host_str().unwrap_or_default().to_string();
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .connect_timeout(std::time::Duration::from_secs(15))
            .read_timeout(std::time::Duration::from_secs(60))
            .resolve_to_addrs(&host, &addrs)
            .user_agent("communs-catalog/0.1 (tabular loader)")
            .build()
            .map_err(|e| Failure::new("unreachable", e.to_string()))?;
        let resp = client.get(url.clone()).send().await.map_err(|e| Failure::new("unreachable", format!("cannot fetch {url}: {e}")))?;
        if resp.status().is_redirection() {
            let loc = resp.headers().get(reqwest::header::LOCATION).and_then(|v| v.to_str().ok()).ok_or_else(|| Failure::new("http_error", "redirect without a location"))?;
            next = url.join(loc).map_err(|e| Failure::new("bad_url", e.to_string()))?.to_string();
            continue;
        }
        if !resp.status().is_success() {
            return Err(Failure::new("http_error", format!("{url} answered HTTP {}", resp.status().as_u16())));
        }
        if resp.content_length().is_some_and(|n| n > MAX_BYTES) {
            return Err(Failure::new("too_large", format!("the file is larger than {} MB", MAX_BYTES / 1024 / 1024)));
        }
        let dir = p.config.data_dir.join("tmp");
        std::fs::create_dir_all(&dir).map_err(|e| Failure::new("io", e.to_string()))?;
        let mut file = tempfile::Builder::new().prefix("table-").tempfile_in(&dir).map_err(|e| Failure::new("io", e.to_string()))?;
        let mut size = 0u64;
        let mut stream = resp.bytes_stream();
        while let Some(chunk) = stream.next().await {
            let chunk = chunk.map_err(|e| Failure::new("unreachable", format!("download interrupted: {e}")))?;
            size += chunk.len() as u64;
            if size > MAX_BYTES {
                return Err(Failure::new("too_large", format!("the file is larger than {} MB", MAX_BYTES / 1024 / 1024)));
            }
            file.write_all(&chunk).map_err(|e| Failure::new("io", e.to_string()))?;
        }
        file.flush().map_err(|e| Failure::new("io", e.to_string()))?;
        return Ok(file);
    }
    Err(Failure::new("http_error", "too many redirects"))
}

/// Reads Windows-1252 bytes as UTF-8 (single-byte encoding: any chunk boundary is safe).
struct Transcode<R> {
    inner: R,
    raw: Vec<u8>,
    out: Vec<u8>,
    pos: usize,
}

impl<R: Read> Read for Transcode<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if self.pos >= self.out.len() {
            self.raw.resize(64 * 1024, 0);
            let n = self.inner.read(&mut self.raw)?;
            if n == 0 {
                return Ok(0);
            }
            self.out = encoding_rs::WINDOWS_1252.decode_without_bom_handling(&self.raw[..n]).0.into_owned().into_bytes();
            self.pos = 0;
        }
        let n = buf.len().min(self.out.len() - self.pos);
        buf[..n].copy_from_slice(&self.out[self.pos..self.pos + n]);
        self.pos += n;
        Ok(n)
    }
}

fn open(path: &Path, enc: Encoding) -> std::io::Result<Box<dyn Read + Send>> {
    let mut f = BufReader::with_capacity(256 * 1024, std::fs::File::open(path)?);
    match enc {
        Encoding::Utf8 => {
            let mut bom = [0u8; 3];
            let n = f.read(&mut bom)?;
            if n == 3 && bom == *b"\xEF\xBB\xBF" {
                Ok(Box::new(f))
            } else {
                Ok(Box::new(std::io::Cursor::new(bom[..n].to_vec()).chain(f)))
            }
        }
        Encoding::Windows1252 => Ok(Box::new(Transcode { inner: f, raw: vec![], out: vec![], pos: 0 })),
    }
}

fn csv_reader(path: &Path, d: &Dialect) -> std::io::Result<csv::Reader<Box<dyn Read + Send>>> {
    Ok(csv::ReaderBuilder::new().delimiter(d.delimiter).quote(d.quote).has_headers(false).flexible(true).buffer_capacity(256 * 1024).from_reader(open(path, d.encoding)?))
}

/// What the first passes learnt about the file.
#[derive(Debug)]
pub struct Analysis {
    pub dialect: Dialect,
    pub columns: Vec<Column>,
    pub rows: u64,
    pub short_rows: Vec<u64>,
    pub long_rows: Vec<u64>,
    pub irregular: u64,
}

fn io(e: impl std::fmt::Display) -> Failure {
    Failure::new("io", e.to_string())
}

/// Encoding over the whole file, dialect from its start, types and profile over every row.
pub fn analyse(path: &Path) -> Result<Analysis, Failure> {
    let mut f = std::fs::File::open(path).map_err(io)?;
    let mut probe = EncodingProbe::default();
    let mut sample = Vec::new();
    let mut buf = vec![0u8; 1 << 20];
    loop {
        let n = f.read(&mut buf).map_err(io)?;
        if n == 0 {
            break;
        }
        if sample.len() < 64 * 1024 {
            sample.extend_from_slice(&buf[..n.min(64 * 1024 - sample.len())]);
        }
        probe.feed(&buf[..n]);
    }
    let encoding = probe.finish();
    let dialect = sniff::sniff(&sample, encoding).map_err(|e| Failure::new(if matches!(e, sniff::SniffError::Empty) { "empty" } else { "not_csv" }, e.to_string()))?;
    let mut rdr = csv_reader(path, &dialect).map_err(io)?;
    let mut records = rdr.records();
    let first = match records.next() {
        Some(Ok(r)) => r,
        Some(Err(e)) => return Err(Failure { code: "malformed", message: format!("unreadable first row: {e}"), lines: vec![1] }),
        None => return Err(Failure::new("empty", "the file is empty")),
    };
    let width = first.len();
    let names = if dialect.header { column_names(&first.iter().map(str::to_string).collect::<Vec<_>>()) } else { (1..=width).map(|i| format!("column_{i}")).collect() };
    let mut stats = TableStats::new(names);
    let mut rows = 0u64;
    let (mut short_rows, mut long_rows, mut irregular) = (vec![], vec![], 0u64);
    if !dialect.header {
        stats.add_row(first.iter());
        rows += 1;
    }
    for rec in records {
        let rec = rec.map_err(|e| {
            let line = e.position().map(|p| p.line()).unwrap_or(0);
            Failure { code: "malformed", message: format!("line {line}: {e}"), lines: vec![line] }
        })?;
        let line = rec.position().map(|p| p.line()).unwrap_or(0);
        if rec.len() == 1 && rec.get(0).is_some_and(|c| c.trim().is_empty()) {
            continue;
        }
        if rec.len() != width {
            irregular += 1;
            let list = if rec.len() < width { &mut short_rows } else { &mut long_rows };
            if list.len() < REPORTED_LINES {
                list.push(line);
            }
            if rec.len() > width {
                continue;
            }
        }
        stats.add_row(rec.iter());
        rows += 1;
    }
    if irregular > 0 && irregular * 2 > rows + irregular {
        let mut lines = long_rows.clone();
        lines.extend(&short_rows);
        lines.sort_unstable();
        return Err(Failure {
            code: "irregular",
            message: format!("{irregular} of {} rows do not have the header's {width} fields: this is not a regular table (delimiter `{}`)", rows + irregular, dialect.delimiter as char),
            lines,
        });
    }
    Ok(Analysis { dialect, columns: stats.columns(), rows, short_rows, long_rows, irregular })
}

/// Rows per INSERT: under SQLite's 32,766 and PostgreSQL's 65,535 bound parameters.
fn batch_rows(ncols: usize) -> usize {
    (30_000 / (ncols + 1)).clamp(1, 500)
}

/// Rows per transaction.
const TX_ROWS: usize = 20_000;

/// SQLite gets anonymous `?` placeholders: with numbered ones, binding looks each name up in a
/// list, quadratic in the parameters of a statement (73% of a load's time in
/// `sqlite3_bind_parameter_name` when measured).
fn insert_sql(table: &str, cols: &[Column], rows: usize, postgres: bool) -> String {
    let names: Vec<&str> = cols.iter().map(|c| c.sql.as_str()).collect();
    let mut s = format!("INSERT INTO {table} ({}) VALUES ", names.join(", "));
    let mut n = 0;
    for r in 0..rows {
        if r > 0 {
            s.push_str(", ");
        }
        s.push('(');
        for c in 0..cols.len() {
            if c > 0 {
                s.push_str(", ");
            }
            n += 1;
            if postgres {
                s.push('$');
                s.push_str(&n.to_string());
            } else {
                s.push('?');
            }
        }
        s.push(')');
    }
    s
}

fn db(e: sqlx::Error) -> Failure {
    Failure::new("database", e.to_string())
}

/// Reads every row with the inferred types in a blocking thread and hands batches to `tx`.
fn read_rows(path: PathBuf, dialect: Dialect, cols: Vec<Column>, batch: usize, tx: tokio::sync::mpsc::Sender<Vec<Vec<Value>>>) -> Result<Vec<Extremes>, Failure> {
    let readers: Vec<_> = cols.iter().map(Column::reader).collect();
    let width = cols.len();
    let mut extremes = vec![Extremes::default(); width];
    let overflowing: Vec<bool> = cols.iter().map(|c| c.profile.distinct >= 10_000).collect();
    let mut rdr = csv_reader(&path, &dialect).map_err(io)?;
    let mut out = Vec::with_capacity(batch);
    for (i, rec) in rdr.records().enumerate() {
        let rec = rec.map_err(|e| Failure::new("malformed", e.to_string()))?;
        if (i == 0 && dialect.header) || rec.len() > width || (rec.len() == 1 && rec.get(0).is_some_and(|c| c.trim().is_empty())) {
            continue;
        }
        let mut row = Vec::with_capacity(width);
        for (ci, r) in readers.iter().enumerate() {
            // Types were inferred from these very cells: a misfit cannot happen, but stays NULL if it did.
            let v = rec.get(ci).map(|c| r.read(c).unwrap_or(Value::Null)).unwrap_or(Value::Null);
            if overflowing[ci] {
                extremes[ci].add(&v);
            }
            row.push(v);
        }
        out.push(row);
        if out.len() == batch && tx.blocking_send(std::mem::replace(&mut out, Vec::with_capacity(batch))).is_err() {
            return Err(Failure::new("cancelled", "the loader stopped"));
        }
    }
    if !out.is_empty() {
        let _ = tx.blocking_send(out);
    }
    Ok(extremes)
}

async fn create_table(p: &Platform, table: &str, cols: &[Column]) -> Result<(), sqlx::Error> {
    let pg = p.db.backend() == platform::db::Backend::Postgres;
    let id = if pg { "__id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY" } else { "__id INTEGER PRIMARY KEY" };
    let defs: Vec<String> = cols.iter().map(|c| format!("{} {}", c.sql, c.ty.sql(pg))).collect();
    let mut tx = p.db.write().await?;
    sqlx::query(&format!("DROP TABLE IF EXISTS {table}")).execute(tx.conn()).await?;
    sqlx::query(&format!("CREATE TABLE {table} ({id}, {})", defs.join(", "))).execute(tx.conn()).await?;
    tx.commit().await
}

/// Indexes make filters and sorts on any column fast; they are built once, after the rows.
const INDEXED_COLUMNS: usize = 24;

async fn load_rows(p: &Platform, key: &str, job: Option<i64>, table: &str, path: &Path, a: &mut Analysis) -> Result<u64, Failure> {
    let cols = a.columns.clone();
    let batch = batch_rows(cols.len());
    let (tx, mut rx) = tokio::sync::mpsc::channel::<Vec<Vec<Value>>>(8);
    let reader = {
        let (path, dialect, cols) = (path.to_path_buf(), a.dialect.clone(), cols.clone());
        tokio::task::spawn_blocking(move || read_rows(path, dialect, cols, batch, tx))
    };
    let pg = p.db.backend() == platform::db::Backend::Postgres;
    let full_sql = insert_sql(table, &cols, batch, pg);
    let types: Vec<ColType> = cols.iter().map(|c| c.ty).collect();
    let mut done = 0u64;
    let mut wtx = None;
    let mut in_tx = 0usize;
    let mut last_progress = 0u64;
    while let Some(rows) = rx.recv().await {
        if wtx.is_none() {
            wtx = Some(p.db.write().await.map_err(db)?);
        }
        let conn = wtx.as_mut().map(|t| t.conn()).ok_or_else(|| Failure::new("database", "no transaction"))?;
        let partial;
        let sql = if rows.len() == batch {
            &full_sql
        } else {
            partial = insert_sql(table, &cols, rows.len(), pg);
            &partial
        };
        let n = rows.len();
        let mut q = sqlx::query(sql);
        for row in rows {
            for (v, ty) in row.into_iter().zip(&types) {
                q = store::bind_owned(q, v, *ty);
            }
        }
        q.execute(&mut *conn).await.map_err(db)?;
        done += n as u64;
        in_tx += n;
        if in_tx >= TX_ROWS {
            if done - last_progress >= 100_000 || last_progress == 0 {
                store::set_state(conn, key, "loading", done as i64, p.now()).await.map_err(db)?;
                last_progress = done;
            }
            if let Some(t) = wtx.take() {
                t.commit().await.map_err(db)?;
            }
            in_tx = 0;
            if let Some(j) = job {
                let _ = p.job_progress(j, &format!("{done}/{} rows", a.rows)).await;
            }
        }
    }
    if let Some(t) = wtx.take() {
        t.commit().await.map_err(db)?;
    }
    let extremes = reader.await.map_err(|e| Failure::new("internal", e.to_string()))??;
    for (c, e) in a.columns.iter_mut().zip(extremes) {
        if let (Some(min), Some(max)) = (e.min, e.max) {
            c.profile.min = min.to_json();
            c.profile.max = max.to_json();
        }
    }
    tracing::info!(key, rows = done, "rows inserted");
    if cols.len() <= INDEXED_COLUMNS {
        let mut tx = p.db.write().await.map_err(db)?;
        for c in &cols {
            sqlx::query(&format!("CREATE INDEX {table}_{0} ON {table} ({0})", c.sql)).execute(tx.conn()).await.map_err(db)?;
        }
        tx.commit().await.map_err(db)?;
    }
    Ok(done)
}

async fn drop_table(p: &Platform, table: &str) {
    if let Ok(mut tx) = p.db.write().await {
        if sqlx::query(&format!("DROP TABLE IF EXISTS {table}")).execute(tx.conn()).await.is_ok() {
            let _ = tx.commit().await;
        }
    }
}

fn parsing_extras(p: &Platform, started: i64, table: Option<&str>, error: Option<&str>) -> serde_json::Map<String, serde_json::Value> {
    let mut m = serde_json::Map::new();
    m.insert("analysis:parsing:started_at".into(), platform::clock::rfc3339(started).into());
    m.insert("analysis:parsing:finished_at".into(), platform::clock::rfc3339(p.now()).into());
    m.insert("analysis:parsing:error".into(), error.map(Into::into).unwrap_or(serde_json::Value::Null));
    m.insert("analysis:parsing:parsing_table".into(), table.map(Into::into).unwrap_or(serde_json::Value::Null));
    m
}

/// Loads the source of `key` into a new table `catalog_t_<n>` and swaps it in. `Ok` also when the
/// file is broken (state `failed` with its report); `Err` only when the database fails.
pub async fn run(p: &Platform, key: &str, job: Option<i64>) -> Result<(), String> {
    let e = |e: sqlx::Error| e.to_string();
    let Some(meta) = store::get(p.db.pool(), key).await.map_err(e)? else { return Ok(()) };
    let started = p.now();
    {
        let mut tx = p.db.write().await.map_err(e)?;
        store::set_state(tx.conn(), key, "loading", 0, started).await.map_err(e)?;
        tx.commit().await.map_err(e)?;
    }
    // One table per load: names never collide, and the one being served stays until the swap.
    let n = job.unwrap_or(started);
    let table = format!("catalog_t_{n}");
    let result = load_into(p, key, job, &meta, &table).await;
    let now = p.now();
    match result {
        Ok(a) => {
            let warnings = json!({
                "irregular_rows": a.irregular,
                "short_rows_padded_with_nulls": a.short_rows,
                "long_rows_skipped": a.long_rows,
            });
            let mut tx = p.db.write().await.map_err(e)?;
            let old = store::swap(tx.conn(), key, &table, &a.columns, &a.dialect, a.rows as i64, &json!({ "warnings": warnings }), now).await.map_err(e)?;
            if let Some(rid) = &meta.resource_id {
                let mut extras = parsing_extras(p, started, Some(&table), None);
                extras.insert("analysis:parsing:rows".into(), a.rows.into());
                crate::store::merge_resource_extras(tx.conn(), rid, &extras).await.map_err(e)?;
            }
            tx.commit().await.map_err(e)?;
            if let Some(old) = old {
                drop_table(p, &old).await;
            }
            if let Some(j) = job {
                let _ = p.job_progress(j, &format!("{0}/{0} rows", a.rows)).await;
            }
        }
        Err(f) => {
            drop_table(p, &table).await;
            tracing::info!(key, code = f.code, error = %f.message, "table load failed");
            let mut tx = p.db.write().await.map_err(e)?;
            store::fail(tx.conn(), key, &f.report(), now).await.map_err(e)?;
            if let Some(rid) = &meta.resource_id {
                crate::store::merge_resource_extras(tx.conn(), rid, &parsing_extras(p, started, None, Some(&f.message))).await.map_err(e)?;
            }
            tx.commit().await.map_err(e)?;
            if f.code == "database" {
                return Err(f.message);
            }
        }
    }
    Ok(())
}

/// Where an uploaded file lies in the platform's file store (its `root/aa/bb/<sha256>` layout),
/// so that big files are streamed from disk instead of read whole.
fn stored_path(p: &Platform, sha256: &str) -> Option<PathBuf> {
    (sha256.len() == 64 && sha256.bytes().all(|b| b.is_ascii_hexdigit())).then(|| p.files.root().join(&sha256[0..2]).join(&sha256[2..4]).join(sha256))
}

async fn load_into(p: &Platform, key: &str, job: Option<i64>, meta: &store::TableMeta, table: &str) -> Result<Analysis, Failure> {
    let source = match &meta.source_sha256 {
        Some(sha) => Source::File(sha.clone()),
        None => Source::Url(meta.source_url.clone()),
    };
    let (_tmp, path) = match source {
        Source::File(sha) => {
            let path = stored_path(p, &sha).filter(|p| p.exists()).ok_or_else(|| Failure::new("missing_file", "the uploaded file is not in the file store"))?;
            (None, path)
        }
        Source::Url(url) => {
            let f = download(p, &url).await?;
            let path = f.path().to_path_buf();
            (Some(f), path)
        }
    };
    let t0 = std::time::Instant::now();
    let analysed = {
        let path = path.clone();
        tokio::task::spawn_blocking(move || analyse(&path)).await.map_err(|e| Failure::new("internal", e.to_string()))??
    };
    let mut a = analysed;
    let analysed_in = t0.elapsed();
    create_table(p, table, &a.columns).await.map_err(db)?;
    let rows = load_rows(p, key, job, table, &path, &mut a).await?;
    tracing::info!(key, rows, analyse_ms = analysed_in.as_millis() as u64, total_ms = t0.elapsed().as_millis() as u64, "table loaded");
    a.rows = rows;
    Ok(a)
}

/// The job that loads a resource's table (payload `{"key": …}`).
pub struct LoadTable;

#[platform::module::async_trait]
impl JobHandler for LoadTable {
    fn kind(&self) -> &'static str {
        KIND
    }
    async fn run(&self, p: &Platform, job: &Job) -> Result<(), String> {
        let key = job.payload["key"].as_str().ok_or("payload without key")?;
        run(p, key, Some(job.id)).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn private_addresses() {
        for a in ["127.0.0.1", "10.1.2.3", "192.168.0.1", "172.16.0.1", "169.254.169.254", "0.0.0.0", "::1", "fd00::1", "fe80::1", "::ffff:127.0.0.1", "100.64.0.1"] {
            assert!(!is_public(a.parse().unwrap()), "{a}");
        }
        for a in ["8.8.8.8", "2001:4860:4860::8888", "151.101.1.1"] {
            assert!(is_public(a.parse().unwrap()), "{a}");
        }
    }

    #[test]
    fn insert_placeholders() {
        let cols: Vec<Column> = (0..2).map(|i| Column { name: format!("n{i}"), sql: format!("c{i}"), ty: ColType::Text, decimal_comma: false, format: None, profile: Default::default() }).collect();
        assert_eq!(insert_sql("t", &cols, 2, true), "INSERT INTO t (c0, c1) VALUES ($1, $2), ($3, $4)");
        assert_eq!(insert_sql("t", &cols, 1, false), "INSERT INTO t (c0, c1) VALUES (?, ?)");
    }

    #[test]
    fn analyse_reports_broken_files() {
        let dir = tempfile::tempdir().unwrap();
        let write = |name: &str, bytes: &[u8]| {
            let p = dir.path().join(name);
            std::fs::write(&p, bytes).unwrap();
            p
        };
        let f = analyse(&write("empty.csv", b"")).unwrap_err();
        assert_eq!(f.code, "empty");
        let f = analyse(&write("zip.csv", b"PK\x03\x04\x14\x00\x00\x00\x08\x00")).unwrap_err();
        assert_eq!(f.code, "not_csv");
        let f = analyse(&write("ragged.csv", b"a;b;c\n1;2;3\n1;2;3;4;5\n6;7;8;9;10\n11;12;13;14;15\n")).unwrap_err();
        assert_eq!((f.code, f.lines.clone()), ("irregular", vec![3, 4, 5]));
        let a = analyse(&write("short.csv", b"a;b;c\n1;2;3\n4;5\n6;7;8\n")).unwrap();
        assert_eq!((a.rows, a.short_rows.clone()), (3, vec![3]));
    }

    #[test]
    fn analyse_french_file() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("fr.csv");
        std::fs::write(&p, b"code_insee;commune;valeur;date\n01001;L'Abergement-Cl\xe9menciat;1,5;31/12/2024\n2A004;Ajaccio;2,25;01/01/2024\n").unwrap();
        let a = analyse(&p).unwrap();
        assert_eq!(a.dialect.encoding, Encoding::Windows1252);
        let types: Vec<ColType> = a.columns.iter().map(|c| c.ty).collect();
        assert_eq!(types, [ColType::Text, ColType::Text, ColType::Decimal, ColType::Date]);
        assert_eq!(a.columns[0].format.as_deref(), Some("code_commune_insee"));
        assert_eq!(a.columns[1].profile.top[0].value, "Ajaccio");
        assert_eq!(a.columns[2].profile.max, json!(2.25));
    }
}
