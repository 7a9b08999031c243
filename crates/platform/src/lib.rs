//! The Communs kernel: storage, identity and permissions, HTTP and HTML kit, and the services
//! (audit, jobs, events, search, files, vocabularies, geo, open-data registry) modules build on.
pub mod access;
pub mod audit;
pub mod clock;
pub mod config;
pub mod db;
pub mod error;
pub mod events;
pub mod files;
pub mod geo;
pub mod html;
pub mod http;
pub mod i18n;
pub mod identity;
pub mod jobs;
pub mod metrics;
pub mod module;
pub mod opendata;
pub mod outbox;
pub mod search;
pub mod vocab;

use std::ops::Deref;
use std::sync::Arc;

use access::{Action, ObjectDecl};
pub use error::{ApiResult, AppError};
pub use module::Module;

/// Shared state of a running Communs, handed to every route and job.
#[derive(Clone)]
pub struct Platform(Arc<Inner>);

pub struct Inner {
    pub db: db::Db,
    pub config: config::Config,
    pub clock: clock::SharedClock,
    pub random: clock::SharedRandom,
    pub catalog: i18n::Catalog,
    pub events: events::EventBus,
    pub modules: Vec<module::SharedModule>,
    pub files: files::FileStore,
    pub metrics: metrics::Metrics,
    pub limiter: http::ratelimit::RateLimiter,
    pub jobs: jobs::JobRegistry,
}

impl Deref for Platform {
    type Target = Inner;
    fn deref(&self) -> &Inner {
        &self.0
    }
}

const KERNEL_MIGRATIONS: &[db::Migration] = &[migration!(1, "0001_kernel")];
const KERNEL_FR: &str = include_str!("../locales/fr/messages.toml");
const KERNEL_EN: &str = include_str!("../locales/en/messages.toml");

/// The kernel's own permission objects, editable in the admin like modules' ones.
pub fn platform_permissions() -> Vec<ObjectDecl> {
    vec![
        ObjectDecl { object: "user", label_key: "perm.platform.user", actions: vec![Action::Read, Action::Update] },
        ObjectDecl { object: "audit", label_key: "perm.platform.audit", actions: vec![Action::Read, Action::Export] },
        ObjectDecl { object: "job", label_key: "perm.platform.job", actions: vec![Action::Read, Action::Update] },
        ObjectDecl { object: "outbox", label_key: "perm.platform.outbox", actions: vec![Action::Read] },
    ]
}

pub struct Builder {
    pub config: config::Config,
    pub clock: clock::SharedClock,
    pub random: clock::SharedRandom,
    pub modules: Vec<module::SharedModule>,
}

impl Builder {
    pub fn new(config: config::Config) -> Self {
        Self { config, clock: Arc::new(clock::SystemClock), random: Arc::new(clock::OsRandom), modules: Vec::new() }
    }
    pub fn module(mut self, m: module::SharedModule) -> Self {
        if self.config.module_enabled(m.id()) {
            self.modules.push(m);
        }
        self
    }

    /// Opens the database, applies migrations of the kernel and every enabled module, loads
    /// messages and job handlers.
    pub async fn build(self) -> anyhow::Result<Platform> {
        let db = db::Db::connect(&self.config.database_url()).await?;
        db.migrate("platform", KERNEL_MIGRATIONS).await?;
        for m in &self.modules {
            db.migrate(m.id(), &m.migrations()).await?;
        }
        let mut catalog = i18n::Catalog::default();
        catalog.add_toml("platform", i18n::Locale::Fr, KERNEL_FR)?;
        catalog.add_toml("platform", i18n::Locale::En, KERNEL_EN)?;
        let mut jobs = jobs::JobRegistry::default();
        jobs.register(Arc::new(jobs::Purge));
        jobs.register(Arc::new(outbox::Deliver));
        for m in &self.modules {
            for (l, text) in m.messages() {
                catalog.add_toml(m.id(), l, text)?;
            }
            for h in m.jobs() {
                jobs.register(h);
            }
        }
        let files = files::FileStore::new(self.config.data_dir.join("files"));
        let limiter = http::ratelimit::RateLimiter::new(self.config.rate_limit_per_ip, self.config.rate_limit_per_token);
        let events = match db.backend() {
            db::Backend::Postgres => events::EventBus::default().with_postgres_relay(db.pool().clone(), db.url(), self.random.hex(8)),
            db::Backend::Sqlite => events::EventBus::default(),
        };
        let p = Platform(Arc::new(Inner {
            db,
            config: self.config,
            clock: self.clock,
            random: self.random,
            catalog,
            events,
            modules: self.modules,
            files,
            metrics: metrics::Metrics::default(),
            limiter,
            jobs,
        }));
        p.sync_publications().await?;
        p.schedule_purge().await?;
        for m in &p.modules {
            m.on_start(&p).await?;
        }
        Ok(p)
    }
}

impl Platform {
    pub fn now(&self) -> clock::Millis {
        self.clock.now_ms()
    }

    pub fn module(&self, id: &str) -> Option<&module::SharedModule> {
        self.modules.iter().find(|m| m.id() == id)
    }

    /// Records every enabled module's open-data publications in the registry.
    async fn sync_publications(&self) -> Result<(), sqlx::Error> {
        let mut tx = self.db.write().await?;
        for m in &self.modules {
            for p in m.publications() {
                opendata::register(tx.conn(), &p, self.now()).await?;
            }
        }
        tx.commit().await
    }

    async fn schedule_purge(&self) -> Result<(), sqlx::Error> {
        use sqlx::Row;
        let mut tx = self.db.write().await?;
        let queued: i64 = sqlx::query("SELECT COUNT(*) FROM jobs WHERE kind = 'platform.purge' AND status IN ('queued', 'running')")
            .fetch_one(tx.conn())
            .await?
            .get(0);
        if queued == 0 {
            self.enqueue_in(tx.conn(), "platform.purge", &serde_json::json!({}), self.now()).await?;
        }
        tx.commit().await
    }

    /// Loads the demonstration data: accounts and an organisation, then every enabled module's.
    /// Idempotent. Returns the demo accounts `(email, password)`.
    pub async fn load_demo(&self) -> anyhow::Result<Vec<(String, String)>> {
        use identity::{DisplayName, Email, NewAccount, Password, Slug};
        let accounts = [
            ("admin@communs.test", "Administratrice Communs", true),
            ("camille@communs.test", "Camille Martin", false),
            ("lea@communs.test", "Léa Dubois", false),
        ];
        const DEMO_PASSWORD: &str = "communs-demo";
        let mut users = Vec::new();
        for (email, name, admin) in accounts {
            let user = match self.user_by_email(email).await? {
                Some(u) => u,
                None => {
                    let u = self
                        .register(
                            NewAccount {
                                email: Email::parse(email).map_err(|e| anyhow::anyhow!("{e:?}"))?,
                                display_name: DisplayName::parse("name", name).map_err(|e| anyhow::anyhow!("{e:?}"))?,
                                password: Password::parse(DEMO_PASSWORD).map_err(|e| anyhow::anyhow!("{e:?}"))?,
                                locale: i18n::Locale::Fr,
                            },
                            "demo",
                        )
                        .await
                        .map_err(|e| anyhow::anyhow!(e.detail))?;
                    self.mark_email_verified(u.id).await?;
                    if admin {
                        self.admin_set_user_flags(&audit::Actor::system("demo"), u.id, Some(true), None)
                            .await
                            .map_err(|e| anyhow::anyhow!(e.detail))?;
                    }
                    u
                }
            };
            users.push(user);
        }
        if self.org_by_slug("meteo-cote-d-or").await?.is_none() {
            let name = DisplayName::parse("name", "Association Météo Côte-d’Or").map_err(|e| anyhow::anyhow!("{e:?}"))?;
            let slug = Slug::parse("slug", "meteo-cote-d-or").map_err(|e| anyhow::anyhow!("{e:?}"))?;
            let actor = audit::Actor::system("demo");
            let org = self
                .create_org(&users[1], &name, &slug, "Réseau associatif de stations météorologiques en Côte-d’Or.", &actor)
                .await
                .map_err(|e| anyhow::anyhow!(e.detail))?;
            let mut tx = self.db.write().await?;
            sqlx::query("INSERT INTO memberships (org_id, user_id, role, created_at) VALUES ($1, $2, 'member', $3)")
                .bind(org.id)
                .bind(users[2].id)
                .bind(self.now())
                .execute(tx.conn())
                .await?;
            tx.commit().await?;
        }
        for m in &self.modules {
            m.load_demo(self).await?;
        }
        Ok(accounts.iter().map(|(e, _, _)| (e.to_string(), DEMO_PASSWORD.to_string())).collect())
    }
}
