//! Registry of the open data each module publishes; `catalog` lists them as datasets.
use serde::{Deserialize, Serialize};
use sqlx::Row;

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, utoipa::ToSchema)]
pub struct PublicationResource {
    pub title: String,
    pub format: String,
    /// Path on this server, e.g. `/api/v1/weather/stations.csv`.
    pub path: String,
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, utoipa::ToSchema)]
pub struct Publication {
    pub module: String,
    pub key: String,
    pub title_fr: String,
    pub title_en: String,
    pub description_fr: String,
    pub description_en: String,
    pub licence: String,
    pub resources: Vec<PublicationResource>,
    pub updated_at: String,
}

/// Records or refreshes a module's publication.
pub async fn register(conn: &mut sqlx::AnyConnection, p: &Publication, now: i64) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO opendata_publications (module, key, title_fr, title_en, description_fr, description_en, licence, resources, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
         ON CONFLICT (module, key) DO UPDATE SET title_fr = excluded.title_fr, title_en = excluded.title_en,
           description_fr = excluded.description_fr, description_en = excluded.description_en,
           licence = excluded.licence, resources = excluded.resources, updated_at = excluded.updated_at",
    )
    .bind(&p.module)
    .bind(&p.key)
    .bind(&p.title_fr)
    .bind(&p.title_en)
    .bind(&p.description_fr)
    .bind(&p.description_en)
    .bind(&p.licence)
    .bind(serde_json::to_string(&p.resources).unwrap_or_else(|_| "[]".into()))
    .bind(now)
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn list(pool: &sqlx::AnyPool) -> Result<Vec<Publication>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT module, key, title_fr, title_en, description_fr, description_en, licence, resources, updated_at
         FROM opendata_publications ORDER BY module, key",
    )
    .fetch_all(pool)
    .await?;
    Ok(rows
        .iter()
        .map(|r| Publication {
            module: r.get(0),
            key: r.get(1),
            title_fr: r.get(2),
            title_en: r.get(3),
            description_fr: r.get(4),
            description_en: r.get(5),
            licence: r.get(6),
            resources: serde_json::from_str(&r.get::<String, _>(7)).unwrap_or_default(),
            updated_at: crate::clock::rfc3339(r.get(8)),
        })
        .collect())
}
