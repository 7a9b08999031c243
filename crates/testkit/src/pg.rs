//! A throwaway PostgreSQL for tests.
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;
use std::time::{Duration, Instant};

fn required() -> bool {
    std::env::var("COMMUNS_REQUIRE_PG").is_ok_and(|v| v == "1")
}

fn find_bin(name: &str) -> Option<PathBuf> {
    if let Ok(out) = Command::new("sh").arg("-c").arg(format!("command -v {name}")).output() {
        let p = String::from_utf8_lossy(&out.stdout).trim().to_string();
        if !p.is_empty() {
            return Some(PathBuf::from(p));
        }
    }
    let mut found: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .ok()?
        .filter_map(|e| e.ok().map(|e| e.path().join("bin").join(name)))
        .filter(|p| p.exists())
        .collect();
    found.sort();
    found.pop()
}

fn is_root() -> bool {
    Command::new("id").arg("-u").output().map(|o| String::from_utf8_lossy(&o.stdout).trim() == "0").unwrap_or(false)
}

/// Runs a PostgreSQL tool, as `postgres` when we are root.
fn run(bin: &Path, args: &[&str]) -> std::io::Result<std::process::Output> {
    if is_root() {
        Command::new("runuser").arg("-u").arg("postgres").arg("--").arg(bin).args(args).output()
    } else {
        Command::new(bin).args(args).output()
    }
}

/// Starts (once per machine) a cluster listening on a Unix socket only; returns the admin URL.
fn cluster() -> Option<String> {
    let initdb = find_bin("initdb")?;
    let pg_ctl = find_bin("pg_ctl")?;
    let uid = Command::new("id").arg("-u").output().ok().map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())?;
    let base = std::env::temp_dir().join(format!("communs-test-pg-{uid}"));
    let data = base.join("data");
    let sock = base.join("sock");
    let url = format!("postgres://postgres@localhost/postgres?host={}&port=54329", sock.display());
    let lock = base.join("init.lock");
    std::fs::create_dir_all(&base).ok()?;
    if is_root() {
        Command::new("chown").args(["postgres:postgres", base.to_str()?]).status().ok()?;
    }
    // One process initialises; others wait for it.
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        if ready(&data) && run(&pg_ctl, &["status", "-D", data.to_str()?]).is_ok_and(|o| o.status.success()) {
            return Some(url);
        }
        if std::fs::create_dir(&lock).is_ok() {
            break;
        }
        // A lock left by a killed process expires: starting a cluster takes seconds, not minutes.
        let stale = std::fs::metadata(&lock).and_then(|m| m.modified()).ok().and_then(|t| t.elapsed().ok()).is_some_and(|age| age > Duration::from_secs(60));
        if stale {
            let _ = std::fs::remove_dir(&lock);
            continue;
        }
        if Instant::now() > deadline {
            return None;
        }
        std::thread::sleep(Duration::from_millis(200));
    }
    let result = (|| {
        if !data.join("PG_VERSION").exists() {
            let out = run(&initdb, &["-D", data.to_str()?, "-U", "postgres", "--auth=trust", "--encoding=UTF8", "--locale=C.UTF-8"]).ok()?;
            if !out.status.success() {
                eprintln!("initdb failed: {}", String::from_utf8_lossy(&out.stderr));
                return None;
            }
        }
        std::fs::create_dir_all(&sock).ok()?;
        if is_root() {
            Command::new("chown").args(["-R", "postgres:postgres", base.to_str()?]).status().ok()?;
        }
        let opts = format!("-k {} -p 54329 -c listen_addresses='' -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300", sock.display());
        let log = base.join("pg.log");
        let out = run(&pg_ctl, &["start", "-w", "-D", data.to_str()?, "-l", log.to_str()?, "-o", &opts]).ok()?;
        if !out.status.success() {
            eprintln!("pg_ctl start failed: {} {}", String::from_utf8_lossy(&out.stderr), std::fs::read_to_string(&log).unwrap_or_default());
            return None;
        }
        Some(url.clone())
    })();
    let _ = std::fs::remove_dir(&lock);
    result
}

/// Whether the postmaster says it accepts connections: the socket and a running process appear
/// while it is still starting up ("the database system is starting up" for other processes).
fn ready(data: &Path) -> bool {
    std::fs::read_to_string(data.join("postmaster.pid")).is_ok_and(|pid| pid.lines().nth(7).is_some_and(|status| status.trim() == "ready"))
}

static ADMIN: OnceLock<Option<String>> = OnceLock::new();

/// The admin URL of the test PostgreSQL, if there is one.
pub fn postgres_admin_url() -> Option<String> {
    ADMIN
        .get_or_init(|| std::env::var("TEST_DATABASE_URL").ok().filter(|u| !u.is_empty()).or_else(cluster))
        .clone()
}

pub fn available() -> bool {
    let ok = postgres_admin_url().is_some();
    if !ok && required() {
        panic!("COMMUNS_REQUIRE_PG=1 but no PostgreSQL is available (set TEST_DATABASE_URL or install the server binaries)");
    }
    ok
}

/// Creates an empty database for one test and returns its URL.
pub async fn fresh_database() -> String {
    use sqlx::Executor;
    let admin = postgres_admin_url().expect("PostgreSQL available");
    sqlx::any::install_default_drivers();
    let name = format!("t_{}_{}", std::process::id(), rand_suffix());
    let mut attempts = 0;
    let mut conn = loop {
        match <sqlx::AnyConnection as sqlx::Connection>::connect(&admin).await {
            Ok(conn) => break conn,
            // 57P03: started by another test process a moment ago and not yet accepting connections.
            Err(sqlx::Error::Database(e)) if e.code().as_deref() == Some("57P03") && attempts < 100 => {
                attempts += 1;
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
            Err(e) => panic!("connect to test PostgreSQL: {e}"),
        }
    };
    conn.execute(format!("CREATE DATABASE {name}").as_str()).await.expect("create test database");
    replace_db(&admin, &name)
}

fn rand_suffix() -> String {
    use std::sync::atomic::{AtomicU64, Ordering};
    static N: AtomicU64 = AtomicU64::new(0);
    let t = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap_or_default().subsec_nanos();
    format!("{t}_{}", N.fetch_add(1, Ordering::SeqCst))
}

fn replace_db(url: &str, name: &str) -> String {
    let (head, query) = url.split_once('?').map(|(h, q)| (h, Some(q))).unwrap_or((url, None));
    let base = head.rsplit_once('/').map(|(b, _)| b).unwrap_or(head);
    match query {
        Some(q) => format!("{base}/{name}?{q}"),
        None => format!("{base}/{name}"),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn database_names_are_swapped() {
        assert_eq!(super::replace_db("postgres://u@h/postgres?host=/s&port=1", "t1"), "postgres://u@h/t1?host=/s&port=1");
        assert_eq!(super::replace_db("postgres://u@h:5432/x", "t2"), "postgres://u@h:5432/t2");
    }
}
