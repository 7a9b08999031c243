//! The `catalog` module: an open data portal in udata's model (datasets, resources,
//! organisations, reuses, discussions), its APIs (our own, udata v1, CKAN), search with facets,
//! an instant API over every table, link checking and DCAT-AP. See README.md.
pub mod dcat;
pub mod demo;
pub mod domain;
pub mod http;
pub mod linkcheck;
pub mod publications;
pub mod service;
pub mod social;
pub mod store;
pub mod tabular;

use platform::access::{Action, ObjectDecl};
use platform::db::Migration;
use platform::i18n::Locale;
use platform::module::{OpenApiRouter, Router};
use platform::Platform;

pub struct Catalog;

const MIGRATIONS: &[Migration] = &[platform::migration!(1, "0001_catalog"), platform::migration!(2, "0002_tabular"), platform::migration!(3, "0003_checks"), platform::migration!(4, "0004_search_generation"), platform::migration!(5, "0005_drop_fts")];

#[platform::module::async_trait]
impl platform::Module for Catalog {
    fn id(&self) -> &'static str {
        "catalog"
    }
    fn nav_key(&self) -> &'static str {
        "catalog.nav"
    }
    fn migrations(&self) -> Vec<Migration> {
        MIGRATIONS.to_vec()
    }
    fn messages(&self) -> Vec<(Locale, &'static str)> {
        vec![(Locale::Fr, include_str!("../locales/fr/messages.toml")), (Locale::En, include_str!("../locales/en/messages.toml"))]
    }
    fn api(&self) -> OpenApiRouter<Platform> {
        http::router()
    }
    async fn on_start(&self, p: &Platform) -> anyhow::Result<()> {
        publications::sync(p).await?;
        linkcheck::schedule(p).await?;
        tabular::gc::schedule(p).await?;
        Ok(())
    }
    async fn load_demo(&self, p: &Platform) -> anyhow::Result<()> {
        demo::load(p).await
    }
    fn jobs(&self) -> Vec<std::sync::Arc<dyn platform::jobs::JobHandler>> {
        vec![std::sync::Arc::new(tabular::LoadTable), std::sync::Arc::new(tabular::gc::CollectTables), std::sync::Arc::new(linkcheck::CheckLinks), std::sync::Arc::new(linkcheck::CheckUrls), std::sync::Arc::new(linkcheck::Callback)]
    }
    fn pages(&self) -> Router<Platform> {
        http::pages::router()
    }
    fn assets(&self) -> Vec<(&'static str, &'static str, &'static [u8])> {
        vec![
            ("catalog.css", "text/css; charset=utf-8", include_bytes!("../assets/catalog.css")),
            ("upload.js", "text/javascript; charset=utf-8", include_bytes!("../assets/upload.js")),
        ]
    }
    fn permissions(&self) -> Vec<ObjectDecl> {
        use Action::*;
        vec![
            ObjectDecl { object: "dataset", label_key: "catalog.object.dataset", actions: vec![Create, Read, Update, Validate, Export, Delete] },
            ObjectDecl { object: "resource", label_key: "catalog.object.resource", actions: vec![Create, Read, Update, Delete] },
            ObjectDecl { object: "reuse", label_key: "catalog.object.reuse", actions: vec![Create, Read, Update, Delete] },
            ObjectDecl { object: "discussion", label_key: "catalog.object.discussion", actions: vec![Create, Read, Update, Validate, Delete] },
        ]
    }
}
