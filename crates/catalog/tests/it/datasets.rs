//! Datasets and resources through our API and udata's, on both backends: creation by an
//! organisation's editor, search with facets and exact counts, privacy, uploads, permanent
//! URLs, discussions with moderation, reuses, quality, activity.
use http::StatusCode;
use serde_json::{json, Value};
use testkit::{backends, Client};

use crate::app;

async fn org(c: &mut Client, name: &str, slug: &str) {
    let r = c.post_json("/api/v1/organisations", &json!({ "name": name, "slug": slug })).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
}

async fn dataset(c: &mut Client, body: Value) -> Value {
    let r = c.post_json("/api/v1/catalog/datasets", &body).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    r.json()
}

pub fn multipart(filename: &str, content_type: &str, bytes: &[u8], fields: &[(&str, &str)]) -> (String, Vec<u8>) {
    let boundary = "----communs-test-boundary";
    let mut body = Vec::new();
    for (k, v) in fields {
        body.extend_from_slice(format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n").as_bytes());
    }
    body.extend_from_slice(format!("--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{filename}\"\r\nContent-Type: {content_type}\r\n\r\n").as_bytes());
    body.extend_from_slice(bytes);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

#[tokio::test]
async fn publish_search_and_read_through_both_apis() {
    for b in backends() {
        let app = app(b).await;
        let mut alice = app.user("alice@ville.fr", false).await;
        org(&mut alice, "Ville de Brest", "brest").await;
        let trees = dataset(
            &mut alice,
            json!({
                "title": "Arbres d'alignement", "description": "Inventaire des arbres de la ville.", "license": "ODbL",
                "frequency": "annual", "tags": ["Arbres", "environnement"], "organization": "brest",
                "spatial": { "zones": ["fr:departement:29"], "granularity": "fr:commune" },
                "temporal_coverage": { "start": "2020-01-01", "end": "2024-12-31" }
            }),
        )
        .await;
        assert_eq!(trees["slug"], "arbres-d-alignement");
        assert_eq!(trees["license"], "odc-odbl");
        assert_eq!(trees["organization"]["slug"], "brest");
        assert_eq!(trees["tags"], json!(["arbres", "environnement"]));
        let id = trees["id"].as_str().unwrap().to_string();
        assert_eq!(id.len(), 24);
        dataset(&mut alice, json!({ "title": "Budget primitif", "license": "lov2", "tags": ["finances"], "organization": "brest" })).await;
        dataset(&mut alice, json!({ "title": "Brouillon interne", "private": true, "organization": "brest" })).await;

        let r = alice
            .post_json(&format!("/api/v1/catalog/datasets/{id}/resources"), &json!({ "title": "Export", "url": "https://exemple.fr/arbres.csv" }))
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
        assert_eq!(r.json()["format"], "csv");
        let (ct, body) = multipart("notice.pdf", "application/pdf", b"%PDF-1.4 notice", &[("type", "documentation")]);
        let r = alice.request(http::Method::POST, &format!("/api/v1/catalog/datasets/{id}/upload"), Some(&ct), body).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
        let up = r.json();
        assert_eq!((up["filetype"].as_str(), up["type"].as_str(), up["format"].as_str()), (Some("file"), Some("documentation"), Some("pdf")));
        assert_eq!(up["checksum"]["type"], "sha256");
        assert_eq!(up["filesize"], 15);

        // Anonymous: public datasets only, with facets and exact counts.
        let mut anon = app.client();
        let page = anon.get("/api/v1/catalog/datasets?page_size=10").await.json();
        assert_eq!(page["total"], 2, "{page}");
        let licences: Vec<(String, i64)> = page["facets"]["license"].as_array().unwrap().iter().map(|i| (i["name"].as_str().unwrap().into(), i["count"].as_i64().unwrap())).collect();
        assert_eq!(licences, vec![("lov2".to_string(), 1), ("odc-odbl".to_string(), 1)]);
        assert_eq!(page["facets"]["organization"][0], json!({ "name": "brest", "count": 2 }));
        let hits = anon.get("/api/v1/catalog/datasets?q=arbre").await.json();
        assert_eq!(hits["total"], 1);
        assert_eq!(hits["data"][0]["id"], id.as_str());
        // Accents and case do not matter; a licence filter keeps the other licences in its facet.
        assert_eq!(anon.get("/api/v1/catalog/datasets?q=ALIGNÉMENT").await.json()["total"], 1);
        let filtered = anon.get("/api/v1/catalog/datasets?license=lov2").await.json();
        assert_eq!(filtered["total"], 1);
        assert_eq!(filtered["facets"]["license"].as_array().unwrap().len(), 2);
        assert_eq!(anon.get("/api/v1/catalog/datasets?format=csv").await.json()["total"], 1);
        assert_eq!(anon.get("/api/v1/catalog/datasets?geozone=fr:departement:29").await.json()["total"], 1);
        assert_eq!(anon.get("/api/v1/catalog/datasets?tag=arbres&tag=environnement").await.json()["total"], 1);
        assert_eq!(anon.get("/api/v1/catalog/datasets?tag=arbres&tag=finances").await.json()["total"], 0);
        let bad = anon.get("/api/v1/catalog/datasets?sort=views&page_size=0&colour=red").await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
        let fields: Vec<String> = bad.json()["errors"].as_array().unwrap().iter().map(|e| e["field"].as_str().unwrap().to_string()).collect();
        assert_eq!(fields, vec!["sort", "page_size", "colour"]);
        // The editor sees the private one too.
        assert_eq!(alice.get("/api/v1/catalog/datasets").await.json()["total"], 3);

        // udata's API: envelope, slug or id, trailing slashes, organisation filter as udata-dl sends it.
        let u = anon.get("/api/1/datasets/?page=1&page_size=1").await.json();
        assert_eq!((u["total"].as_i64(), u["page_size"].as_i64()), (Some(2), Some(1)));
        assert!(u["next_page"].as_str().unwrap().contains("page=2"));
        assert!(u.get("facets").is_none());
        let org_id = anon.get("/api/1/organizations/brest/").await.json()["id"].as_str().unwrap().to_string();
        let by_org = anon.get(&format!("/api/1/datasets/?organization={org_id}&page=1&page_size=100")).await.json();
        assert_eq!(by_org["total"], 2);
        let one = anon.get("/api/1/datasets/arbres-d-alignement/").await.json();
        assert_eq!(one["resources"].as_array().unwrap().len(), 2);
        assert!(one["resources"][1]["url"].as_str().unwrap().starts_with("http"));
        let rid = one["resources"][1]["id"].as_str().unwrap();
        let r = anon.get(&format!("/api/1/datasets/r/{rid}")).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
        let file_url = r.header("location").unwrap().to_string();
        let path = file_url.split_once("://").unwrap().1.split_once('/').unwrap().1;
        let f = anon.get(&format!("/{path}")).await;
        assert_eq!(f.status, StatusCode::OK, "{file_url}");
        assert_eq!(&f.body[..], b"%PDF-1.4 notice");
        let private = anon.get("/api/1/datasets/brouillon-interne/").await;
        assert_eq!(private.status, StatusCode::NOT_FOUND);

        // Others cannot edit; the editor can, and a deletion hides the dataset.
        let mut bob = app.user("bob@ailleurs.fr", false).await;
        assert_eq!(bob.request(http::Method::PUT, &format!("/api/v1/catalog/datasets/{id}"), Some("application/json"), br#"{"title":"X"}"#.to_vec()).await.status, StatusCode::FORBIDDEN);
        let r = alice.request(http::Method::PUT, &format!("/api/1/datasets/{id}/"), Some("application/json"), br#"{"description":"Arbres d'alignement de la ville de Brest, essence, hauteur, circonference et date de plantation, mis a jour chaque annee."}"#.to_vec()).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        let q = anon.get(&format!("/api/v1/catalog/datasets/{id}/quality")).await.json();
        let missing: Vec<&str> = q["criteria"].as_array().unwrap().iter().filter(|c| !c["ok"].as_bool().unwrap()).map(|c| c["reason"].as_str().unwrap()).collect();
        assert_eq!(missing, Vec::<&str>::new(), "{q}");
        assert_eq!(q["score"], 1.0);

        // Discussions: anyone signed in opens; a hidden message keeps its place, not its text.
        let d = bob.post_json(&format!("/api/v1/catalog/datasets/{id}/discussions"), &json!({ "title": "Colonne manquante", "comment": "Où est l'essence ?" })).await;
        assert_eq!(d.status, StatusCode::CREATED, "{}", d.text());
        let did = d.json()["id"].as_str().unwrap().to_string();
        assert_eq!(bob.post_json(&format!("/api/v1/catalog/discussions/{did}"), &json!({ "comment": "spam spam", "close": false })).await.status, StatusCode::OK);
        assert_eq!(bob.post_json(&format!("/api/v1/catalog/discussions/{did}"), &json!({ "comment": "fin", "close": true })).await.status, StatusCode::FORBIDDEN);
        let r = bob.request(http::Method::PUT, &format!("/api/v1/catalog/discussions/{did}/messages/1"), Some("application/json"), br#"{"hidden":true}"#.to_vec()).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
        let r = alice.request(http::Method::PUT, &format!("/api/v1/catalog/discussions/{did}/messages/1"), Some("application/json"), br#"{"hidden":true}"#.to_vec()).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        let seen = anon.get(&format!("/api/1/discussions/{did}/")).await.json();
        assert_eq!((seen["discussion"][1]["hidden"].as_bool(), seen["discussion"][1]["content"].as_str()), (Some(true), Some("")));
        let closed = alice.post_json(&format!("/api/v1/catalog/discussions/{did}"), &json!({ "comment": "Ajoutée.", "close": true })).await.json();
        assert!(closed["closed"].is_string());
        assert_eq!(bob.post_json(&format!("/api/v1/catalog/discussions/{did}"), &json!({ "comment": "encore" })).await.status, StatusCode::CONFLICT);
        assert_eq!(anon.get(&format!("/api/1/discussions/?for={id}")).await.json()["total"], 1);

        // Reuses and follows count in the dataset's metrics.
        let reuse = bob.post_json("/api/v1/catalog/reuses", &json!({ "title": "Carte des arbres", "type": "visualization", "url": "https://carte.exemple.fr", "datasets": [id] })).await;
        assert_eq!(reuse.status, StatusCode::CREATED, "{}", reuse.text());
        assert_eq!(bob.post_json(&format!("/api/v1/catalog/datasets/{id}/followers"), &json!({})).await.json()["followers"], 1);
        let m = anon.get(&format!("/api/v1/catalog/datasets/{id}")).await.json()["metrics"].clone();
        assert_eq!(m, json!({ "discussions": 1, "followers": 1, "reuses": 1, "views": 0 }));
        assert_eq!(anon.get("/api/v1/catalog/datasets?sort=-reuses").await.json()["data"][0]["id"], id.as_str());

        // Activity comes from the audit log.
        let act = anon.get(&format!("/api/v1/catalog/datasets/{id}/activity")).await.json();
        let actions: Vec<&str> = act.as_array().unwrap().iter().map(|a| a["action"].as_str().unwrap()).collect();
        assert!(actions.contains(&"create") && actions.contains(&"update") && actions.contains(&"hide_message"), "{actions:?}");

        assert_eq!(alice.delete(&format!("/api/v1/catalog/datasets/{id}")).await.status, StatusCode::NO_CONTENT);
        assert_eq!(anon.get(&format!("/api/v1/catalog/datasets/{id}")).await.status, StatusCode::NOT_FOUND);
        assert_eq!(anon.get("/api/v1/catalog/datasets").await.json()["total"], 1);
    }
}

#[tokio::test]
async fn bad_input_is_refused_and_nothing_is_written() {
    for b in backends() {
        let app = app(b).await;
        let mut alice = app.user("alice@ville.fr", false).await;
        let r = alice
            .post_json("/api/v1/catalog/datasets", &json!({ "title": "", "license": "wtfpl", "spatial": { "zones": ["fr:departement:99"] }, "temporal_coverage": { "start": "2024-12-31", "end": "2024-01-01" } }))
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        let codes: Vec<String> = r.json()["errors"].as_array().unwrap().iter().map(|e| format!("{}:{}", e["field"].as_str().unwrap(), e["code"].as_str().unwrap())).collect();
        assert_eq!(codes, vec!["title:required", "license:unknown_license", "temporal_coverage:end_before_start", "spatial:unknown_zone"]);
        let r = alice.post_json("/api/v1/catalog/datasets", &json!({ "title": "X", "organization": "nowhere" })).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        let mut anon = app.client();
        assert_eq!(anon.post_json("/api/v1/catalog/datasets", &json!({ "title": "X" })).await.status, StatusCode::UNAUTHORIZED);
        let d = dataset(&mut alice, json!({ "title": "Ok" })).await;
        let id = d["id"].as_str().unwrap();
        let r = alice.post_json(&format!("/api/v1/catalog/datasets/{id}/resources"), &json!({ "title": "Lien", "url": "javascript:alert(1)" })).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        // Not multipart, or without its boundary: a problem document, as for any bad input.
        for ct in ["application/json", "multipart/form-data"] {
            let r = alice.request(http::Method::POST, &format!("/api/v1/catalog/datasets/{id}/upload"), Some(ct), b"{}".to_vec()).await;
            assert_eq!((r.status, r.header("content-type")), (StatusCode::BAD_REQUEST, Some("application/problem+json")), "{ct}");
            assert_eq!(r.problem_code(), "invalid_multipart");
        }
        assert_eq!(anon.get("/api/v1/catalog/reuses?dataset=").await.status, StatusCode::OK);
        assert_eq!(anon.get("/api/v1/catalog/reuses?dataset=nowhere").await.status, StatusCode::NOT_FOUND);
        let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM catalog_datasets").fetch_one(app.platform.db.pool()).await.unwrap();
        let res: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM catalog_resources").fetch_one(app.platform.db.pool()).await.unwrap();
        assert_eq!((n, res), (1, 0));
    }
}
