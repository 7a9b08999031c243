//! Modules' open-data publications mirrored as datasets of the platform's organisation.
use platform::opendata::{Publication, PublicationResource};
use testkit::backends;

use crate::app;

fn publication(resources: Vec<(&str, &str)>) -> Publication {
    Publication {
        module: "weather".into(),
        key: "stations".into(),
        title_fr: "Stations météorologiques".into(),
        title_en: "Weather stations".into(),
        description_fr: "Les stations.".into(),
        description_en: "The stations.".into(),
        licence: "lov2".into(),
        resources: resources.into_iter().map(|(t, path)| PublicationResource { title: t.into(), format: String::new(), path: path.into() }).collect(),
        updated_at: String::new(),
    }
}

async fn register(p: &platform::Platform, pb: &Publication) {
    let mut tx = p.db.write().await.unwrap();
    platform::opendata::register(tx.conn(), pb, p.now()).await.unwrap();
    tx.commit().await.unwrap();
}

#[tokio::test]
async fn publications_become_datasets_kept_in_step() {
    for b in backends() {
        let app = app(b).await;
        let p = &app.platform;
        register(p, &publication(vec![("Stations (GeoJSON)", "/ogc/collections/stations/items")])).await;
        assert_eq!(catalog::publications::sync(p).await.unwrap(), 1);
        // Unchanged: nothing written again.
        assert_eq!(catalog::publications::sync(p).await.unwrap(), 0);
        let mut anon = app.client();
        let page = anon.get("/api/v1/catalog/datasets?organization=communs").await.json();
        assert_eq!(page["total"], 1, "{page}");
        let d = &page["data"][0];
        assert_eq!(d["title"], "Stations météorologiques");
        assert_eq!(d["organization"]["slug"], "communs");
        assert_eq!(d["license"], "lov2");
        let rid = d["resources"][0]["id"].as_str().unwrap().to_string();
        assert!(d["resources"][0]["url"].as_str().unwrap().ends_with("/ogc/collections/stations/items"));
        assert_eq!(d["resources"][0]["format"], "");

        // A new resource is added; the existing one keeps its id (its permanent URL).
        register(p, &publication(vec![("Stations (GeoJSON)", "/ogc/collections/stations/items"), ("Export", "/api/v1/weather/stations.csv")])).await;
        assert_eq!(catalog::publications::sync(p).await.unwrap(), 1);
        let d = anon.get("/api/v1/catalog/datasets?organization=communs").await.json()["data"][0].clone();
        assert_eq!(d["resources"].as_array().unwrap().len(), 2);
        assert_eq!(d["resources"][0]["id"], rid.as_str());
        assert_eq!(d["resources"][1]["format"], "csv");

        // Withdrawn: archived, still readable.
        let mut tx = p.db.write().await.unwrap();
        sqlx::query("DELETE FROM opendata_publications").execute(tx.conn()).await.unwrap();
        tx.commit().await.unwrap();
        assert_eq!(catalog::publications::sync(p).await.unwrap(), 1);
        let archived = anon.get("/api/v1/catalog/datasets?archived=true").await.json();
        assert_eq!(archived["total"], 1);
        assert!(archived["data"][0]["archived"].is_string());
    }
}
