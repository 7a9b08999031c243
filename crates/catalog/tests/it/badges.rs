//! Dataset badges on both backends: awarded and removed by platform administrators only, through
//! our API and udata's, audited, shown on the dataset page and filterable in search.
use http::StatusCode;
use serde_json::json;
use testkit::backends;

use crate::app;

#[tokio::test]
async fn administrators_award_and_remove_badges() {
    for b in backends() {
        let app = app(b).await;
        let mut alice = app.user("alice@ville.fr", false).await;
        let r = alice.post_json("/api/v1/catalog/datasets", &json!({ "title": "Adresses", "description": "Base adresse." })).await;
        let id = r.json()["id"].as_str().unwrap().to_string();
        let mut admin = app.user("admin@ville.fr", true).await;
        // The publisher cannot award a badge to their own dataset.
        assert_eq!(alice.post_json(&format!("/api/v1/catalog/datasets/{id}/badges"), &json!({ "kind": "hvd" })).await.status, StatusCode::FORBIDDEN);
        let bad = admin.post_json(&format!("/api/v1/catalog/datasets/{id}/badges"), &json!({ "kind": "gold" })).await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(bad.json()["errors"][0]["code"], "unknown_badge");
        let r = admin.post_json(&format!("/api/v1/catalog/datasets/{id}/badges"), &json!({ "kind": "hvd" })).await;
        assert_eq!(r.status, StatusCode::CREATED, "{b:?}: {}", r.text());
        assert_eq!(r.json(), json!([{ "kind": "hvd" }]));
        // udata's API: award, list of kinds, search filter, removal.
        let r = admin.post_json(&format!("/api/1/datasets/{id}/badges/"), &json!({ "kind": "spd" })).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
        assert_eq!(admin.post_json(&format!("/api/1/datasets/{id}/badges/"), &json!({ "kind": "spd" })).await.status, StatusCode::CREATED, "awarding twice changes nothing");
        let kinds = admin.get("/api/1/datasets/badges/?lang=en").await.json();
        assert_eq!(kinds["hvd"], "High-value dataset (HVD)");
        let mut anon = app.client();
        let d = anon.get(&format!("/api/1/datasets/{id}/")).await.json();
        let got: Vec<&str> = d["badges"].as_array().unwrap().iter().map(|b| b["kind"].as_str().unwrap()).collect();
        assert_eq!(got, ["hvd", "spd"], "{b:?}");
        assert_eq!(anon.get("/api/v1/catalog/datasets?badge=spd").await.json()["total"], 1);
        let page = anon.get(&format!("/catalog/datasets/{id}?lang=fr")).await.text();
        assert!(page.contains("<a class=\"badge\" href=\"/catalog?badge=hvd\">Données de forte valeur (HVD)</a>"), "{b:?}");
        // The badge's link searches the datasets having it; the filter shows, with its removal.
        let search = anon.get("/catalog?badge=hvd&lang=en").await.text();
        assert!(search.contains("<a class=\"badge\" href=\"/catalog?badge=hvd\">High-value dataset (HVD)</a>") && search.contains("Badge : High-value dataset (HVD)") && search.contains("Adresses"), "{b:?}: {search}");
        assert!(!anon.get("/catalog?badge=inspire").await.text().contains("Adresses"));
        assert_eq!(anon.get("/api/1/datasets/?badge=hvd").await.json()["total"], 1);
        assert_eq!(admin.delete(&format!("/api/1/datasets/{id}/badges/spd/")).await.status, StatusCode::NO_CONTENT);
        assert_eq!(admin.delete(&format!("/api/v1/catalog/datasets/{id}/badges/hvd")).await.status, StatusCode::NO_CONTENT);
        assert_eq!(anon.get("/api/v1/catalog/datasets?badge=spd").await.json()["total"], 0);
        assert_eq!(anon.get(&format!("/api/v1/catalog/datasets/{id}")).await.json()["badges"], json!([]));
        let audited: Vec<String> = sqlx::query_scalar("SELECT action FROM audit_log WHERE module = 'catalog' AND object_id = $1 AND action LIKE 'badge%' ORDER BY id")
            .bind(&id)
            .fetch_all(app.platform.db.pool())
            .await
            .unwrap();
        assert_eq!(audited, ["badge_add", "badge_add", "badge_remove", "badge_remove"], "{b:?}: a no-op writes nothing");
        assert_eq!(anon.get("/api/v1/catalog/badges").await.json().as_array().unwrap().len(), 4);
    }
}
