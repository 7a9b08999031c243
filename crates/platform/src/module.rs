//! The contract between the kernel and a module (weather, catalog, …).
use std::sync::Arc;

pub use async_trait::async_trait;
pub use axum::Router;
pub use utoipa_axum::router::OpenApiRouter;

use crate::access::ObjectDecl;
use crate::db::Migration;
use crate::i18n::Locale;
use crate::jobs::JobHandler;
use crate::opendata::Publication;
use crate::Platform;

#[async_trait::async_trait]
pub trait Module: Send + Sync + 'static {
    /// Short id: URL segment (`/weather`, `/api/v1/weather`), permission namespace, migration key.
    fn id(&self) -> &'static str;
    /// Message key of the navigation label.
    fn nav_key(&self) -> &'static str;
    fn migrations(&self) -> Vec<Migration>;
    /// `(language, TOML text)` of the module's message files.
    fn messages(&self) -> Vec<(Locale, &'static str)>;
    /// JSON API, routes registered together with their OpenAPI documentation.
    fn api(&self) -> OpenApiRouter<Platform>;
    /// HTML pages, mounted under `/{id}`.
    fn pages(&self) -> Router<Platform>;
    fn permissions(&self) -> Vec<ObjectDecl>;
    fn jobs(&self) -> Vec<Arc<dyn JobHandler>> {
        Vec::new()
    }
    fn publications(&self) -> Vec<Publication> {
        Vec::new()
    }
    /// Static files of the module (its JavaScript islands, styles), served at
    /// `/assets/{module}/{name}`: `(name, content type, bytes)`.
    fn assets(&self) -> Vec<(&'static str, &'static str, &'static [u8])> {
        Vec::new()
    }
    /// Runs once when the platform has started (migrations applied, publications registered):
    /// for work a module keeps in step with the code, or jobs it schedules. Idempotent.
    async fn on_start(&self, _platform: &Platform) -> anyhow::Result<()> {
        Ok(())
    }
    /// Loads the module's demonstration data (idempotent).
    async fn load_demo(&self, _platform: &Platform) -> anyhow::Result<()> {
        Ok(())
    }
}

pub type SharedModule = Arc<dyn Module>;

/// Implements [`Module`] for a module whose domain is not built yet: its navigation entry,
/// messages, declared permissions, and the "under construction" page. Replace with a full
/// implementation when the module's issue is worked on.
#[macro_export]
macro_rules! module_under_construction {
    ($ty:ident, $id:literal, [$(($object:literal, [$($action:ident),*])),* $(,)?]) => {
        pub struct $ty;

        #[$crate::module::async_trait]
        impl $crate::Module for $ty {
            fn id(&self) -> &'static str {
                $id
            }
            fn nav_key(&self) -> &'static str {
                concat!($id, ".nav")
            }
            fn migrations(&self) -> Vec<$crate::db::Migration> {
                Vec::new()
            }
            fn messages(&self) -> Vec<($crate::i18n::Locale, &'static str)> {
                vec![
                    ($crate::i18n::Locale::Fr, include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/locales/fr/messages.toml"))),
                    ($crate::i18n::Locale::En, include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/locales/en/messages.toml"))),
                ]
            }
            fn api(&self) -> $crate::module::OpenApiRouter<$crate::Platform> {
                $crate::module::OpenApiRouter::new()
            }
            fn pages(&self) -> $crate::module::Router<$crate::Platform> {
                $crate::html::construction_routes($id)
            }
            fn permissions(&self) -> Vec<$crate::access::ObjectDecl> {
                vec![$($crate::access::ObjectDecl {
                    object: $object,
                    label_key: concat!($id, ".object.", $object),
                    actions: vec![$($crate::access::Action::$action),*],
                }),*]
            }
        }
    };
}
