//! Settings of a running Communs: from the command line, `COMMUNS_*` variables and an optional
//! TOML file (the binary merges them; this is the result).
use std::net::SocketAddr;
use std::path::PathBuf;

use serde::Deserialize;

#[derive(Clone, Debug, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    pub bind: SocketAddr,
    pub data_dir: PathBuf,
    pub database_url: Option<String>,
    /// Prometheus metrics listen address; a separate port so it is never exposed by accident.
    pub metrics_bind: Option<SocketAddr>,
    pub log_json: bool,
    /// Module ids switched on; empty means all.
    pub modules: Vec<String>,
    /// Public URL used in emails and to decide on `Secure` cookies.
    pub public_url: String,
    pub max_body_bytes: usize,
    pub upload_max_bytes: usize,
    pub request_timeout_secs: u64,
    pub session_ttl_hours: i64,
    pub rate_limit_per_ip: u32,
    pub rate_limit_per_token: u32,
    /// Trust `X-Forwarded-For` for the client address (only behind a reverse proxy you run).
    pub behind_proxy: bool,
    pub smtp: Option<SmtpConfig>,
    /// Run the job worker inside `serve` (turn off when running `communs worker` apart).
    pub run_worker: bool,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SmtpConfig {
    pub host: String,
    #[serde(default = "default_smtp_port")]
    pub port: u16,
    pub from: String,
}

fn default_smtp_port() -> u16 {
    25
}

impl Default for Config {
    fn default() -> Self {
        Config {
            bind: "127.0.0.1:8080".parse().expect("valid default address"),
            data_dir: PathBuf::from("communs-data"),
            database_url: None,
            metrics_bind: None,
            log_json: false,
            modules: Vec::new(),
            public_url: "http://127.0.0.1:8080".into(),
            max_body_bytes: 2 * 1024 * 1024,
            upload_max_bytes: 512 * 1024 * 1024,
            request_timeout_secs: 30,
            session_ttl_hours: 24 * 14,
            rate_limit_per_ip: 50,
            rate_limit_per_token: 100,
            behind_proxy: false,
            smtp: None,
            run_worker: true,
        }
    }
}

impl Config {
    pub fn database_url(&self) -> String {
        self.database_url.clone().unwrap_or_else(|| crate::db::default_sqlite_url(&self.data_dir))
    }
    pub fn secure_cookies(&self) -> bool {
        self.public_url.starts_with("https://")
    }
    pub fn module_enabled(&self, id: &str) -> bool {
        self.modules.is_empty() || self.modules.iter().any(|m| m == id)
    }
}
