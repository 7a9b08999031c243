//! The `seedbank` module: a botanical conservatory's ex-situ chain — harvests, seed lots, the
//! stock ledger, germination and viability tests with their metrics, viability forecasts, TAXREF
//! names. See README.md.
pub mod demo;
pub mod domain;
pub mod http;
pub mod service;

use platform::access::{Action, ObjectDecl};
use platform::db::Migration;
use platform::i18n::Locale;
use platform::module::{OpenApiRouter, Router};
use platform::Platform;

pub struct Seedbank;

const MIGRATIONS: &[Migration] = &[
    platform::migration!(1, "0001_seedbank"),
    platform::migration!(2, "0002_sowings"),
    platform::migration!(3, "0003_readings"),
];

#[platform::module::async_trait]
impl platform::Module for Seedbank {
    fn id(&self) -> &'static str {
        "seedbank"
    }
    fn nav_key(&self) -> &'static str {
        "seedbank.nav"
    }
    fn migrations(&self) -> Vec<Migration> {
        MIGRATIONS.to_vec()
    }
    fn messages(&self) -> Vec<(Locale, &'static str)> {
        vec![
            (Locale::Fr, include_str!("../locales/fr/messages.toml")),
            (Locale::En, include_str!("../locales/en/messages.toml")),
        ]
    }
    fn api(&self) -> OpenApiRouter<Platform> {
        http::api::router()
    }
    fn pages(&self) -> Router<Platform> {
        http::pages::router()
    }
    fn assets(&self) -> Vec<(&'static str, &'static str, &'static [u8])> {
        vec![(
            "seedbank.css",
            "text/css; charset=utf-8",
            include_bytes!("../assets/seedbank.css"),
        )]
    }
    async fn load_demo(&self, p: &Platform) -> anyhow::Result<()> {
        demo::load(p).await
    }
    fn permissions(&self) -> Vec<ObjectDecl> {
        use Action::*;
        vec![
            ObjectDecl {
                object: "harvest",
                label_key: "seedbank.object.harvest",
                actions: vec![Create, Read, Update, Export, Delete],
            },
            ObjectDecl {
                object: "lot",
                label_key: "seedbank.object.lot",
                actions: vec![Create, Read, Update, Export, Delete],
            },
            ObjectDecl {
                object: "test",
                label_key: "seedbank.object.test",
                actions: vec![Create, Read, Update, Delete],
            },
        ]
    }
}
