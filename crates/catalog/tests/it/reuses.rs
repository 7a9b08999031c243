//! Reuses changed and deleted on both backends, through our API and udata's: by their owner or
//! their organisation's editors and administrators only, every field checked at once with nothing
//! written on refusal, audited; a deleted reuse is kept (marked deleted) and leaves its datasets'
//! reuse counts.
use http::{Method, StatusCode};
use serde_json::{json, Value};
use testkit::{backends, Client, TestApp, TestResponse};

use crate::app;

async fn put(c: &mut Client, path: &str, body: &Value) -> TestResponse {
    c.request(Method::PUT, path, Some("application/json"), body.to_string().into_bytes()).await
}

async fn join(app: &TestApp, email: &str, org: &str, role: &str) -> Client {
    let c = app.user(email, false).await;
    let org = app.platform.org_by_slug(org).await.unwrap().unwrap();
    let uid = app.platform.user_by_email(email).await.unwrap().unwrap().id;
    sqlx::query("INSERT INTO memberships (org_id, user_id, role, created_at) VALUES ($1, $2, $3, 0)")
        .bind(org.id)
        .bind(uid)
        .bind(role)
        .execute(app.platform.db.pool())
        .await
        .unwrap();
    c
}

async fn reuse_count(c: &mut Client, dataset: &str) -> Value {
    c.get(&format!("/api/v1/catalog/datasets/{dataset}")).await.json()["metrics"]["reuses"].clone()
}

#[tokio::test]
async fn owners_and_organisation_editors_change_and_delete_reuses() {
    for b in backends() {
        let app = app(b).await;
        let mut alice = app.user("alice@brest.fr", false).await;
        let r = alice.post_json("/api/v1/organisations", &json!({ "name": "Ville de Brest", "slug": "brest" })).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
        let mut carol = join(&app, "carol@brest.fr", "brest", "editor").await;
        let mut dave = join(&app, "dave@brest.fr", "brest", "member").await;
        let mut bob = app.user("bob@exemple.fr", false).await;
        let mut anon = app.client();
        let mk = |title: &str| json!({ "title": title, "description": "Inventaire.", "organization": "brest" });
        let trees = alice.post_json("/api/v1/catalog/datasets", &mk("Arbres")).await.json()["id"].as_str().unwrap().to_string();
        let parks = alice.post_json("/api/v1/catalog/datasets", &mk("Parcs")).await.json()["id"].as_str().unwrap().to_string();

        // Bob's own reuse, and one of the organisation's.
        let r = bob.post_json("/api/v1/catalog/reuses", &json!({ "title": "Carte des arbres", "type": "visualization", "url": "https://carte.exemple.fr", "datasets": [trees] })).await;
        assert_eq!(r.status, StatusCode::CREATED, "{b:?}: {}", r.text());
        let mine = r.json()["id"].as_str().unwrap().to_string();
        let r = alice.post_json("/api/1/reuses/", &json!({ "title": "Balades", "type": "application", "url": "https://balades.brest.fr", "datasets": [trees, parks], "organization": "brest" })).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
        let org_reuse = r.json()["id"].as_str().unwrap().to_string();
        assert_eq!(reuse_count(&mut anon, &trees).await, 2);

        // Bob changes his: the fields sent change, the others and the slug stay; `datasets` replaces the list.
        let r = put(&mut bob, &format!("/api/v1/catalog/reuses/{mine}"), &json!({ "title": "Carte des arbres de Brest", "datasets": [parks] })).await;
        assert_eq!(r.status, StatusCode::OK, "{b:?}: {}", r.text());
        let got = r.json();
        assert_eq!((got["title"].as_str(), got["slug"].as_str(), got["url"].as_str(), got["type"].as_str()), (Some("Carte des arbres de Brest"), Some("carte-des-arbres"), Some("https://carte.exemple.fr"), Some("visualization")));
        assert_eq!(got["datasets"], json!([parks]));
        assert_eq!((reuse_count(&mut anon, &trees).await, reuse_count(&mut anon, &parks).await), (json!(1), json!(2)));

        // Bad fields are all reported, and nothing is written.
        let r = put(&mut bob, &format!("/api/1/reuses/{mine}/"), &json!({ "title": " ", "type": "film", "url": "ftp://x", "datasets": ["nowhere"] })).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text());
        let codes: Vec<String> = r.json()["errors"].as_array().unwrap().iter().map(|e| format!("{}:{}", e["field"].as_str().unwrap(), e["code"].as_str().unwrap())).collect();
        assert_eq!(codes, ["title:required", "type:unknown_reuse_type", "url:invalid_url", "datasets:unknown_dataset"]);
        assert_eq!(anon.get(&format!("/api/v1/catalog/reuses/{mine}")).await.json()["title"], "Carte des arbres de Brest");

        // Who may: the owner; for an organisation's reuse its editors and administrators, not its members.
        assert_eq!(put(&mut anon, &format!("/api/v1/catalog/reuses/{mine}"), &json!({ "title": "X" })).await.status, StatusCode::UNAUTHORIZED);
        assert_eq!(put(&mut alice, &format!("/api/v1/catalog/reuses/{mine}"), &json!({ "title": "X" })).await.status, StatusCode::FORBIDDEN, "publishing the dataset is not owning the reuse");
        assert_eq!(put(&mut bob, &format!("/api/1/reuses/{org_reuse}/"), &json!({ "title": "X" })).await.status, StatusCode::FORBIDDEN);
        assert_eq!(put(&mut dave, &format!("/api/1/reuses/{org_reuse}/"), &json!({ "title": "X" })).await.status, StatusCode::FORBIDDEN);
        assert_eq!(dave.delete(&format!("/api/1/reuses/{org_reuse}/")).await.status, StatusCode::FORBIDDEN);
        let r = put(&mut carol, &format!("/api/1/reuses/{org_reuse}/"), &json!({ "description": "Promenades à pied.", "type": "idea" })).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        assert_eq!((r.json()["description"].as_str(), r.json()["type"].as_str(), r.json()["title"].as_str()), (Some("Promenades à pied."), Some("idea"), Some("Balades")));

        // Deletion: kept in the table, marked; gone from reads, lists and counts.
        assert_eq!(carol.delete(&format!("/api/1/reuses/{org_reuse}/")).await.status, StatusCode::NO_CONTENT);
        assert_eq!(anon.get(&format!("/api/1/reuses/{org_reuse}/")).await.status, StatusCode::NOT_FOUND);
        assert_eq!(carol.delete(&format!("/api/1/reuses/{org_reuse}/")).await.status, StatusCode::NOT_FOUND, "deleted once");
        assert_eq!(put(&mut alice, &format!("/api/1/reuses/{org_reuse}/"), &json!({ "title": "X" })).await.status, StatusCode::NOT_FOUND);
        assert_eq!((reuse_count(&mut anon, &trees).await, reuse_count(&mut anon, &parks).await), (json!(0), json!(1)));
        assert_eq!(anon.get(&format!("/api/v1/catalog/reuses?dataset={parks}")).await.json()["total"], 1);
        assert_eq!(bob.delete(&format!("/api/v1/catalog/reuses/{mine}")).await.status, StatusCode::NO_CONTENT);
        assert_eq!(reuse_count(&mut anon, &parks).await, 0);
        assert_eq!(anon.get("/api/1/reuses/").await.json()["total"], 0);
        let kept: Vec<(String, Option<i64>)> = sqlx::query_as("SELECT title, deleted_at FROM catalog_reuses ORDER BY title").fetch_all(app.platform.db.pool()).await.unwrap();
        assert_eq!(kept.len(), 2, "{b:?}");
        assert!(kept.iter().all(|(_, d)| d.is_some()), "{kept:?}");

        let audited: Vec<(String, String)> = sqlx::query_as("SELECT object_id, action FROM audit_log WHERE module = 'catalog' AND object_type = 'reuse' ORDER BY id")
            .fetch_all(app.platform.db.pool())
            .await
            .unwrap();
        let want = [(&mine, "create"), (&org_reuse, "create"), (&mine, "update"), (&org_reuse, "update"), (&org_reuse, "delete"), (&mine, "delete")];
        assert_eq!(audited, want.map(|(i, a)| (i.clone(), a.to_string())), "{b:?}: refusals write nothing");
        // The audit entry of a deletion keeps which datasets the reuse was about.
        let before: String = sqlx::query_scalar("SELECT before_json FROM audit_log WHERE object_id = $1 AND action = 'delete'").bind(&org_reuse).fetch_one(app.platform.db.pool()).await.unwrap();
        let before: Value = serde_json::from_str(&before).unwrap();
        assert_eq!(before["datasets"].as_array().unwrap().len(), 2, "{before}");
    }
}
