//! The HTTP side of a check: HEAD, then a streamed GET when HEAD is refused or times out
//! (croquemort's order), redirects followed by hand so the chain is recorded, every address
//! vetted before connecting, at most a few requests at a time per host, spaced out.
use std::collections::HashMap;
use std::error::Error as StdError;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

use reqwest::header::HeaderMap;
use reqwest::Method;
use serde::{Deserialize, Serialize};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use super::rules::{address_allowed, CheckUrl, Headers, Outcome, Politeness, CAPTURED_HEADERS};

/// Settings of the checker, from `COMMUNS_CATALOG_*` environment variables (see
/// docs/linkcheck.md).
#[derive(Clone, Debug)]
pub struct CheckConfig {
    /// `COMMUNS_CATALOG_ALLOW_PRIVATE_URLS=1`: also check loopback and private addresses.
    pub allow_private: bool,
    /// `COMMUNS_CATALOG_CHECK_TIMEOUT_SECS` (10): the HEAD request's budget; the GET fallback gets
    /// one and a half times as much.
    pub head_timeout: Duration,
    pub get_timeout: Duration,
    /// `COMMUNS_CATALOG_CHECK_INTERVAL_HOURS` (24): how often a resource's URL is checked.
    pub interval_ms: i64,
    /// `COMMUNS_CATALOG_CHECK_PER_HOST` (2): requests in flight to one host.
    pub per_host: usize,
    /// `COMMUNS_CATALOG_CHECK_HOST_DELAY_MS` (1000): spacing of requests to one host.
    pub host_delay_ms: u64,
    pub max_redirects: usize,
    /// Checks in flight in one run of the scheduled job.
    pub concurrency: usize,
}

impl Default for CheckConfig {
    fn default() -> Self {
        CheckConfig {
            allow_private: false,
            head_timeout: Duration::from_secs(10),
            get_timeout: Duration::from_secs(15),
            interval_ms: 86_400_000,
            per_host: 2,
            host_delay_ms: 1000,
            max_redirects: 10,
            concurrency: 8,
        }
    }
}

fn env_num(name: &str) -> Option<u64> {
    std::env::var(name).ok().and_then(|v| v.trim().parse::<u64>().ok())
}

impl CheckConfig {
    pub fn from_env() -> CheckConfig {
        let d = CheckConfig::default();
        let secs = env_num("COMMUNS_CATALOG_CHECK_TIMEOUT_SECS").filter(|s| (1..=300).contains(s));
        CheckConfig {
            allow_private: std::env::var("COMMUNS_CATALOG_ALLOW_PRIVATE_URLS").is_ok_and(|v| matches!(v.trim(), "1" | "true" | "yes")),
            head_timeout: secs.map(Duration::from_secs).unwrap_or(d.head_timeout),
            get_timeout: secs.map(|s| Duration::from_millis(s * 1500)).unwrap_or(d.get_timeout),
            interval_ms: env_num("COMMUNS_CATALOG_CHECK_INTERVAL_HOURS").filter(|h| (1..=24 * 365).contains(h)).map(|h| h as i64 * 3_600_000).unwrap_or(d.interval_ms),
            per_host: env_num("COMMUNS_CATALOG_CHECK_PER_HOST").filter(|n| (1..=32).contains(n)).map(|n| n as usize).unwrap_or(d.per_host),
            host_delay_ms: env_num("COMMUNS_CATALOG_CHECK_HOST_DELAY_MS").filter(|n| *n <= 60_000).unwrap_or(d.host_delay_ms),
            ..d
        }
    }
}

/// One redirect followed.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq, utoipa::ToSchema)]
pub struct Hop {
    pub url: String,
    pub status: u16,
}

/// What the network said about a URL.
#[derive(Clone, Debug)]
pub struct Fetched {
    pub outcome: Outcome,
    /// The request that gave the final answer: `HEAD`, or `GET` after a fallback.
    pub method: &'static str,
    pub final_url: String,
    pub redirects: Vec<Hop>,
    pub headers: Headers,
    pub error: Option<String>,
    pub duration_ms: i64,
}

/// Why the resolver refused a name; found again in reqwest's error chain.
#[derive(Debug)]
enum ResolveFailure {
    Lookup(String),
    Refused,
}

impl std::fmt::Display for ResolveFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ResolveFailure::Lookup(e) => write!(f, "name resolution failed: {e}"),
            ResolveFailure::Refused => f.write_str("the name resolves to addresses the checker may not connect to"),
        }
    }
}

impl StdError for ResolveFailure {}

/// Resolves names with the system resolver and drops the addresses the checker may not
/// connect to, so a public name pointing at a private address (or a redirect to one) is caught
/// at connection time, after any number of redirects.
struct GuardedResolver {
    allow_private: bool,
}

impl reqwest::dns::Resolve for GuardedResolver {
    fn resolve(&self, name: reqwest::dns::Name) -> reqwest::dns::Resolving {
        let allow = self.allow_private;
        Box::pin(async move {
            let host = name.as_str().to_string();
            let addrs: Vec<SocketAddr> = tokio::net::lookup_host((host.as_str(), 0))
                .await
                .map_err(|e| Box::new(ResolveFailure::Lookup(e.to_string())) as Box<dyn StdError + Send + Sync>)?
                .collect();
            if addrs.is_empty() {
                return Err(Box::new(ResolveFailure::Lookup("no address".into())) as Box<dyn StdError + Send + Sync>);
            }
            let allowed: Vec<SocketAddr> = addrs.into_iter().filter(|a| address_allowed(a.ip(), allow)).collect();
            if allowed.is_empty() {
                return Err(Box::new(ResolveFailure::Refused) as Box<dyn StdError + Send + Sync>);
            }
            Ok(Box::new(allowed.into_iter()) as reqwest::dns::Addrs)
        })
    }
}

pub fn client(cfg: &CheckConfig) -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .dns_resolver(Arc::new(GuardedResolver { allow_private: cfg.allow_private }))
        // A proxy would resolve names itself, past the address checks.
        .no_proxy()
        .connect_timeout(cfg.head_timeout.min(Duration::from_secs(5)))
        .user_agent(concat!("communs-linkchecker/", env!("CARGO_PKG_VERSION")))
        .build()
        .unwrap_or_else(|_| reqwest::Client::new())
}

/// Per-host limits shared by every check of the process (scheduled, on demand, croquemort).
struct Gate {
    hosts: Mutex<HashMap<String, Arc<Semaphore>>>,
    politeness: Mutex<Politeness>,
    per_host: usize,
    origin: Instant,
}

fn gate(cfg: &CheckConfig) -> &'static Gate {
    static GATE: OnceLock<Gate> = OnceLock::new();
    GATE.get_or_init(|| Gate { hosts: Mutex::new(HashMap::new()), politeness: Mutex::new(Politeness::new(cfg.host_delay_ms)), per_host: cfg.per_host, origin: Instant::now() })
}

impl Gate {
    /// Waits for a free slot on the host, then for its politeness delay.
    async fn enter(&self, host: &str) -> Option<OwnedSemaphorePermit> {
        let sem = {
            let mut hosts = self.hosts.lock().unwrap_or_else(|e| e.into_inner());
            if hosts.len() > 10_000 {
                hosts.retain(|_, s| s.available_permits() < self.per_host);
            }
            hosts.entry(host.to_string()).or_insert_with(|| Arc::new(Semaphore::new(self.per_host))).clone()
        };
        let permit = sem.acquire_owned().await.ok();
        let wait = {
            let now = self.origin.elapsed().as_millis() as u64;
            self.politeness.lock().unwrap_or_else(|e| e.into_inner()).reserve(host, now)
        };
        if wait > 0 {
            tokio::time::sleep(Duration::from_millis(wait)).await;
        }
        permit
    }
}

fn classify(e: &reqwest::Error) -> Outcome {
    if e.is_timeout() {
        return Outcome::Timeout;
    }
    let mut source: Option<&(dyn StdError + 'static)> = e.source();
    let mut text = e.to_string().to_lowercase();
    while let Some(s) = source {
        if let Some(r) = s.downcast_ref::<ResolveFailure>() {
            return match r {
                ResolveFailure::Refused => Outcome::RefusedAddress,
                ResolveFailure::Lookup(_) => Outcome::Dns,
            };
        }
        if let Some(io) = s.downcast_ref::<std::io::Error>() {
            match io.kind() {
                std::io::ErrorKind::ConnectionRefused => return Outcome::ConnectionRefused,
                std::io::ErrorKind::TimedOut => return Outcome::Timeout,
                _ => {}
            }
        }
        text.push(' ');
        text.push_str(&s.to_string().to_lowercase());
        source = s.source();
    }
    if text.contains("certificate") || text.contains("tls") || text.contains("handshake") {
        Outcome::Tls
    } else {
        Outcome::Connection
    }
}

fn error_text(e: &reqwest::Error) -> String {
    let mut s = e.to_string();
    let mut source = e.source();
    while let Some(inner) = source {
        s.push_str(": ");
        s.push_str(&inner.to_string());
        source = inner.source();
    }
    s.chars().take(500).collect()
}

fn capture(h: &HeaderMap) -> Headers {
    let mut out = Headers::new();
    for name in CAPTURED_HEADERS {
        if let Some(v) = h.get(name).and_then(|v| v.to_str().ok()) {
            out.insert(name.to_string(), v.chars().take(500).collect());
        }
    }
    if let Some(ct) = out.get("content-type") {
        let charset = ct.split(';').skip(1).filter_map(|p| p.split_once('=')).find(|(k, _)| k.trim().eq_ignore_ascii_case("charset")).map(|(_, v)| v.trim().trim_matches('"').to_lowercase());
        if let Some(c) = charset {
            out.insert("charset".into(), c);
        }
    }
    out
}

struct Attempt {
    outcome: Outcome,
    final_url: String,
    redirects: Vec<Hop>,
    headers: Headers,
    error: Option<String>,
}

/// One request method from `url`, following up to `max_redirects` redirects within `budget` of
/// network time (waiting for a host's turn is not counted).
async fn follow(cfg: &CheckConfig, client: &reqwest::Client, url: &CheckUrl, method: Method, budget: Duration) -> Attempt {
    let mut current = url.clone();
    let mut redirects = Vec::new();
    let mut spent = Duration::ZERO;
    let fail = |outcome, current: &CheckUrl, redirects, error: String| Attempt { outcome, final_url: current.to_string(), redirects, headers: Headers::new(), error: Some(error) };
    for _ in 0..=cfg.max_redirects {
        if let Some(ip) = current.ip_literal() {
            if !address_allowed(ip, cfg.allow_private) {
                return fail(Outcome::RefusedAddress, &current, redirects, format!("address {ip} is not checked"));
            }
        }
        let _permit = gate(cfg).enter(&current.host()).await;
        let Some(left) = budget.checked_sub(spent).filter(|d| !d.is_zero()) else {
            return fail(Outcome::Timeout, &current, redirects, "timed out".into());
        };
        let started = Instant::now();
        let sent = tokio::time::timeout(left, client.request(method.clone(), current.url().clone()).send()).await;
        spent += started.elapsed();
        let resp = match sent {
            Err(_) => return fail(Outcome::Timeout, &current, redirects, format!("no answer within {} ms", budget.as_millis())),
            Ok(Err(e)) => return fail(classify(&e), &current, redirects, error_text(&e)),
            Ok(Ok(r)) => r,
        };
        let status = resp.status().as_u16();
        if matches!(status, 301 | 302 | 303 | 307 | 308) {
            redirects.push(Hop { url: current.to_string(), status });
            let location = resp.headers().get(reqwest::header::LOCATION).and_then(|v| v.to_str().ok()).map(str::to_string);
            match location.as_deref().map(|l| current.join(l)) {
                Some(Ok(next)) => {
                    current = next;
                    continue;
                }
                Some(Err(e)) => return fail(Outcome::BadRedirect, &current, redirects, format!("redirect to an unusable location ({})", e.code())),
                None => return fail(Outcome::BadRedirect, &current, redirects, "redirect without Location".into()),
            }
        }
        let headers = capture(resp.headers());
        if method == Method::GET {
            // Only the first bytes: enough to see the body start, never the whole file.
            let left = budget.saturating_sub(spent);
            let mut resp = resp;
            let _ = tokio::time::timeout(left, resp.chunk()).await;
        }
        return Attempt { outcome: Outcome::Response(status), final_url: current.to_string(), redirects, headers, error: None };
    }
    fail(Outcome::TooManyRedirects, &current, redirects, format!("more than {} redirects", cfg.max_redirects))
}

/// Checks a URL: HEAD, then GET when HEAD got an error status, timed out or had its
/// connection dropped (servers that mishandle HEAD are common: croquemort #44).
pub async fn fetch(cfg: &CheckConfig, client: &reqwest::Client, url: &CheckUrl) -> Fetched {
    let started = Instant::now();
    let head = follow(cfg, client, url, Method::HEAD, cfg.head_timeout).await;
    let retry = match head.outcome {
        Outcome::Response(s) => s >= 400,
        Outcome::Timeout | Outcome::Connection => true,
        _ => false,
    };
    let (attempt, method) = if retry { (follow(cfg, client, url, Method::GET, cfg.get_timeout).await, "GET") } else { (head, "HEAD") };
    Fetched {
        outcome: attempt.outcome,
        method,
        final_url: attempt.final_url,
        redirects: attempt.redirects,
        headers: attempt.headers,
        error: attempt.error,
        duration_ms: started.elapsed().as_millis() as i64,
    }
}
