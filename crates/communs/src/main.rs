//! `communs`: one binary for the whole platform.
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use anyhow::Context;
use clap::{Args, Parser, Subcommand};
use platform::config::Config;
use platform::Platform;

#[derive(Parser)]
#[command(name = "communs", version, about = "Communs: public-interest data platform (weather, seed bank, LCA, open data, participation)")]
struct Cli {
    /// Optional TOML configuration file (keys as in `Config`; flags and COMMUNS_* variables win).
    #[arg(long, env = "COMMUNS_CONFIG", global = true)]
    config: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Serves the web application and API.
    Serve(ServeArgs),
    /// Serves with demonstration data loaded for every enabled module.
    Demo(ServeArgs),
    /// Applies database migrations and exits.
    Migrate(DbArgs),
    /// Runs the background job worker only.
    Worker(DbArgs),
    /// Manages accounts.
    #[command(subcommand)]
    User(UserCommand),
    /// Weather module commands.
    #[command(subcommand)]
    Weather(WeatherCommand),
}

#[derive(Subcommand)]
enum WeatherCommand {
    /// Imports observation files (gzip accepted) and prints a summary with every rejected line.
    Import {
        /// `mf` (Météo-France hourly H, daily Q or 6-minute MN CSV), `mf-stations` (fiches.json), `metar` or
        /// `synop` (bulletins; stations matched by their ICAO or WMO identifier), `csv` (any CSV,
        /// read through `--mapping`).
        #[arg(long)]
        format: String,
        /// For `--format csv`: the TOML mapping file (columns → parameters and units, time).
        #[arg(long)]
        mapping: Option<PathBuf>,
        #[arg(required = true)]
        files: Vec<PathBuf>,
        #[command(flatten)]
        db: DbArgs,
    },
}

#[derive(Args, Clone)]
struct DbArgs {
    /// Directory for the embedded database and stored files.
    #[arg(long, env = "COMMUNS_DATA_DIR")]
    data_dir: Option<PathBuf>,
    /// sqlite://PATH or postgres://USER@HOST/DB (default: SQLite under the data directory).
    #[arg(long, env = "COMMUNS_DATABASE_URL")]
    database_url: Option<String>,
    /// Log as JSON lines.
    #[arg(long, env = "COMMUNS_LOG_JSON")]
    log_json: bool,
}

#[derive(Args, Clone)]
struct ServeArgs {
    #[command(flatten)]
    db: DbArgs,
    /// Listen address.
    #[arg(long, env = "COMMUNS_BIND")]
    bind: Option<SocketAddr>,
    /// Prometheus metrics listen address (off when absent).
    #[arg(long, env = "COMMUNS_METRICS_BIND")]
    metrics_bind: Option<SocketAddr>,
    /// Public URL (links in e-mails; https enables Secure cookies and HSTS).
    #[arg(long, env = "COMMUNS_PUBLIC_URL")]
    public_url: Option<String>,
    /// Comma-separated module ids to enable (default: all).
    #[arg(long, env = "COMMUNS_MODULES", value_delimiter = ',')]
    modules: Option<Vec<String>>,
    /// Requests per second allowed per client address on the API and writes (0: no limit).
    #[arg(long, env = "COMMUNS_RATE_LIMIT_PER_IP")]
    rate_limit_per_ip: Option<u32>,
    /// Requests per second allowed per API token (0: no limit).
    #[arg(long, env = "COMMUNS_RATE_LIMIT_PER_TOKEN")]
    rate_limit_per_token: Option<u32>,
    /// Do not run the job worker in this process.
    #[arg(long, env = "COMMUNS_NO_WORKER")]
    no_worker: bool,
}

#[derive(Subcommand)]
enum UserCommand {
    /// Creates a verified account. The password is read from COMMUNS_PASSWORD or standard input.
    Create {
        #[arg(long)]
        email: String,
        #[arg(long)]
        name: String,
        /// Make the account a platform administrator.
        #[arg(long)]
        admin: bool,
        #[command(flatten)]
        db: DbArgs,
    },
    /// Makes an account a platform administrator.
    Promote {
        #[arg(long)]
        email: String,
        #[command(flatten)]
        db: DbArgs,
    },
    /// Sets a new password (from COMMUNS_PASSWORD or standard input) and ends the account's sessions.
    ResetPassword {
        #[arg(long)]
        email: String,
        #[command(flatten)]
        db: DbArgs,
    },
}

fn load_config(file: Option<&PathBuf>) -> anyhow::Result<Config> {
    match file {
        Some(path) => {
            let text = std::fs::read_to_string(path).with_context(|| format!("cannot read configuration file {}", path.display()))?;
            toml::from_str(&text).with_context(|| format!("invalid configuration file {}", path.display()))
        }
        None => Ok(Config::default()),
    }
}

fn apply_db(c: &mut Config, a: &DbArgs) {
    if let Some(d) = &a.data_dir {
        c.data_dir = d.clone();
    }
    if let Some(u) = &a.database_url {
        c.database_url = Some(u.clone());
    }
    c.log_json |= a.log_json;
}

fn apply_serve(c: &mut Config, a: &ServeArgs) {
    apply_db(c, &a.db);
    if let Some(b) = a.bind {
        c.bind = b;
        if a.public_url.is_none() && c.public_url == Config::default().public_url {
            c.public_url = format!("http://{b}");
        }
    }
    if let Some(m) = a.metrics_bind {
        c.metrics_bind = Some(m);
    }
    if let Some(u) = &a.public_url {
        c.public_url = u.clone();
    }
    if let Some(m) = &a.modules {
        c.modules = m.iter().map(|s| s.trim().to_string()).filter(|s| !s.is_empty()).collect();
    }
    if let Some(r) = a.rate_limit_per_ip {
        c.rate_limit_per_ip = r;
    }
    if let Some(r) = a.rate_limit_per_token {
        c.rate_limit_per_token = r;
    }
    if a.no_worker {
        c.run_worker = false;
    }
}

fn init_logs(json: bool) {
    let filter = tracing_subscriber::EnvFilter::try_from_env("COMMUNS_LOG").unwrap_or_else(|_| "info,sqlx=warn".into());
    let builder = tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr);
    if json {
        builder.json().init();
    } else {
        builder.init();
    }
}

async fn platform(config: Config) -> anyhow::Result<Platform> {
    platform::Builder::new(config)
        .module(Arc::new(weather::Weather))
        .module(Arc::new(catalog::Catalog))
        .module(Arc::new(seedbank::Seedbank))
        .module(Arc::new(lca::Lca))
        .module(Arc::new(participation::Participation))
        .build()
        .await
}

fn read_password() -> anyhow::Result<platform::identity::Password> {
    let raw = match std::env::var("COMMUNS_PASSWORD") {
        Ok(p) => p,
        Err(_) => {
            eprintln!("Password (at least {} characters), then Enter:", platform::identity::Password::MIN);
            let mut line = String::new();
            std::io::stdin().read_line(&mut line)?;
            line.trim_end_matches(['\r', '\n']).to_string()
        }
    };
    platform::identity::Password::parse(&raw)
        .map_err(|_| anyhow::anyhow!("the password must have between {} and 256 characters", platform::identity::Password::MIN))
}

async fn serve(p: Platform) -> anyhow::Result<()> {
    let listener = tokio::net::TcpListener::bind(p.config.bind).await.with_context(|| format!("cannot listen on {}", p.config.bind))?;
    if let Some(addr) = p.config.metrics_bind {
        let ml = tokio::net::TcpListener::bind(addr).await.with_context(|| format!("cannot listen on {addr} for metrics"))?;
        let app = platform::http::metrics_app(p.clone());
        tokio::spawn(async move { axum::serve(ml, app).await });
        tracing::info!(%addr, "metrics listening");
    }
    if p.config.run_worker {
        tokio::spawn(p.clone().run_worker(format!("serve-{}", std::process::id())));
    }
    tracing::info!(addr = %p.config.bind, db = p.db.backend().name(), modules = p.modules.len(), "Communs listening");
    eprintln!("Communs is ready at http://{}/", p.config.bind);
    let app = platform::http::app(p);
    axum::serve(listener, app.into_make_service_with_connect_info::<SocketAddr>())
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await?;
    Ok(())
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    let mut config = load_config(cli.config.as_ref())?;
    match cli.command {
        Command::Serve(a) => {
            apply_serve(&mut config, &a);
            init_logs(config.log_json);
            serve(platform(config).await?).await
        }
        Command::Demo(a) => {
            apply_serve(&mut config, &a);
            init_logs(config.log_json);
            let p = platform(config).await?;
            let accounts = p.load_demo().await?;
            for (email, password) in accounts {
                eprintln!("demo account: {email} / {password}");
            }
            serve(p).await
        }
        Command::Migrate(a) => {
            apply_db(&mut config, &a);
            init_logs(config.log_json);
            let p = platform(config).await?;
            eprintln!("database up to date ({})", p.db.backend().name());
            Ok(())
        }
        Command::Worker(a) => {
            apply_db(&mut config, &a);
            init_logs(config.log_json);
            let p = platform(config).await?;
            p.run_worker(format!("worker-{}", std::process::id())).await;
            Ok(())
        }
        Command::Weather(WeatherCommand::Import { format, mapping, files, db }) => {
            let mapping = mapping.map(|m| std::fs::read_to_string(&m).with_context(|| format!("cannot read the mapping {}", m.display()))).transpose()?;
            let format = weather::service::Format::parse(&format, mapping.as_deref()).map_err(|e| anyhow::anyhow!("--format {format}: {e}"))?;
            apply_db(&mut config, &db);
            init_logs(config.log_json);
            let p = platform(config).await?;
            let actor = platform::audit::Actor::system("cli");
            let mut failed = false;
            for file in files {
                let bytes = std::fs::read(&file).with_context(|| format!("cannot read {}", file.display()))?;
                let name = file.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
                eprintln!("{}:", file.display());
                let progress = |done: usize, total: usize| {
                    eprint!("\r  {done}/{total} values ({}%)", if total == 0 { 100 } else { done * 100 / total });
                };
                let summary = weather::service::import(&p, &actor, &format, &name, &bytes, &progress).await.map(|s| serde_json::to_value(s).unwrap_or_default());
                eprintln!();
                match summary {
                    Ok(s) => {
                        for r in s["rejected"].as_array().into_iter().flatten() {
                            eprintln!("  line {}: {}", r["line"], r["reason"].as_str().unwrap_or(""));
                        }
                        let mut brief = s.clone();
                        if let Some(o) = brief.as_object_mut() {
                            o.remove("rejected");
                        }
                        println!("{}", serde_json::to_string(&brief)?);
                    }
                    Err(e) => {
                        failed = true;
                        eprintln!("  not imported: {e}");
                    }
                }
            }
            if failed {
                anyhow::bail!("some files were not imported");
            }
            Ok(())
        }
        Command::User(cmd) => {
            let (db, email) = match &cmd {
                UserCommand::Create { db, email, .. } | UserCommand::Promote { db, email } | UserCommand::ResetPassword { db, email } => (db.clone(), email.clone()),
            };
            apply_db(&mut config, &db);
            init_logs(config.log_json);
            let p = platform(config).await?;
            let actor = platform::audit::Actor::system("cli");
            match cmd {
                UserCommand::Create { name, admin, .. } => {
                    let account = platform::identity::NewAccount {
                        email: platform::identity::Email::parse(&email).map_err(|_| anyhow::anyhow!("invalid e-mail address `{email}`"))?,
                        display_name: platform::identity::DisplayName::parse("name", &name).map_err(|_| anyhow::anyhow!("invalid name"))?,
                        password: read_password()?,
                        locale: Default::default(),
                    };
                    let user = p.register(account, "cli").await.map_err(|e| anyhow::anyhow!("{}", e.detail))?;
                    // Accounts made by an operator on the command line are trusted as verified.
                    p.mark_email_verified(user.id).await?;
                    if admin {
                        p.admin_set_user_flags(&actor, user.id, Some(true), None).await.map_err(|e| anyhow::anyhow!("{}", e.detail))?;
                    }
                    eprintln!("account {} created (id {})", user.email, user.id);
                }
                UserCommand::Promote { .. } => {
                    let user = p.user_by_email(&email).await?.ok_or_else(|| anyhow::anyhow!("no account with e-mail `{email}`"))?;
                    p.admin_set_user_flags(&actor, user.id, Some(true), None).await.map_err(|e| anyhow::anyhow!("{}", e.detail))?;
                    eprintln!("{} is now a platform administrator", user.email);
                }
                UserCommand::ResetPassword { .. } => {
                    let user = p.user_by_email(&email).await?.ok_or_else(|| anyhow::anyhow!("no account with e-mail `{email}`"))?;
                    p.set_password(user.id, &read_password()?, "cli").await.map_err(|e| anyhow::anyhow!("{}", e.detail))?;
                    eprintln!("password of {} changed; its sessions were ended", user.email);
                }
            }
            Ok(())
        }
    }
}

