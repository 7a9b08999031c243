//! The `weather` module: station networks, ingestion of real observation formats, compact
//! storage, climatology maintained at ingest, API. See README.md.
pub mod demo;
pub mod domain;
pub mod http;
pub mod ingest;
pub mod service;
pub mod store;

use platform::access::{Action, ObjectDecl};
use platform::db::Migration;
use platform::i18n::Locale;
use platform::module::{OpenApiRouter, Router};
use platform::Platform;

pub struct Weather;

const MIGRATIONS: &[Migration] = &[platform::migration!(1, "0001_weather"), platform::migration!(2, "0002_weather_daily_official")];

#[platform::module::async_trait]
impl platform::Module for Weather {
    fn id(&self) -> &'static str {
        "weather"
    }
    fn nav_key(&self) -> &'static str {
        "weather.nav"
    }
    fn migrations(&self) -> Vec<Migration> {
        MIGRATIONS.to_vec()
    }
    fn messages(&self) -> Vec<(Locale, &'static str)> {
        vec![(Locale::Fr, include_str!("../locales/fr/messages.toml")), (Locale::En, include_str!("../locales/en/messages.toml"))]
    }
    fn api(&self) -> OpenApiRouter<Platform> {
        http::api::router()
    }
    fn pages(&self) -> Router<Platform> {
        http::pages::router()
    }
    fn assets(&self) -> Vec<(&'static str, &'static str, &'static [u8])> {
        vec![
            ("map.js", "text/javascript; charset=utf-8", include_bytes!("../assets/map.js")),
            ("chart.js", "text/javascript; charset=utf-8", include_bytes!("../assets/chart.js")),
            ("weather.css", "text/css; charset=utf-8", include_bytes!("../assets/weather.css")),
        ]
    }
    fn jobs(&self) -> Vec<std::sync::Arc<dyn platform::jobs::JobHandler>> {
        vec![std::sync::Arc::new(demo::DemoHistory), std::sync::Arc::new(demo::DemoTick)]
    }
    fn publications(&self) -> Vec<platform::opendata::Publication> {
        use platform::opendata::{Publication, PublicationResource};
        vec![Publication {
            module: "weather".into(),
            key: "stations".into(),
            title_fr: "Stations météorologiques et leurs observations".into(),
            title_en: "Weather stations and their observations".into(),
            description_fr: "Les stations publiques du réseau (identifiants Météo-France, OMM, OACI, position, altitude) et leurs observations, \
                             servies en direct par les API OGC Features (stations) et EDR (observations, CoverageJSON)."
                .into(),
            description_en: "The network's public stations (Météo-France, WMO, ICAO identifiers, position, altitude) and their observations, \
                             served live through OGC API Features (stations) and EDR (observations, CoverageJSON)."
                .into(),
            licence: "lov2".into(),
            resources: vec![
                PublicationResource { title: "Stations (GeoJSON, OGC API Features)".into(), format: "geojson".into(), path: "/ogc/collections/stations/items?limit=10000".into() },
                PublicationResource { title: "Collections OGC API (Features et EDR)".into(), format: "json".into(), path: "/ogc/collections".into() },
                PublicationResource { title: "Dernières valeurs de toutes les stations (JSON)".into(), format: "json".into(), path: "/api/v1/weather/latest".into() },
            ],
            updated_at: String::new(),
        }]
    }
    async fn load_demo(&self, p: &Platform) -> anyhow::Result<()> {
        demo::load(p).await
    }
    fn permissions(&self) -> Vec<ObjectDecl> {
        use Action::*;
        vec![
            ObjectDecl { object: "station", label_key: "weather.object.station", actions: vec![Create, Read, Update, Delete] },
            ObjectDecl { object: "observation", label_key: "weather.object.observation", actions: vec![Create, Read, Validate, Export, Delete] },
            ObjectDecl { object: "import", label_key: "weather.object.import", actions: vec![Create, Read] },
        ]
    }
}
