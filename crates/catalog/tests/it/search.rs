//! Words in dataset search, on both backends: folded (accents, case), every word required, each
//! as a prefix of a word of the dataset's text (title, acronym, tags, description, organisation),
//! private and deleted datasets hidden, edits seen at once, titles ranked first.
use http::StatusCode;
use serde_json::json;
use testkit::{backends, Client};

use crate::app;

async fn create(c: &mut Client, body: serde_json::Value) -> String {
    let r = c.post_json("/api/v1/catalog/datasets", &body).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    r.json()["id"].as_str().unwrap().to_string()
}

async fn ids(c: &mut Client, q: &str) -> Vec<String> {
    let r = c.get(&format!("/api/v1/catalog/datasets?page_size=50&q={}", urlencode(q))).await;
    assert_eq!(r.status, StatusCode::OK, "{q}: {}", r.text());
    let v = r.json();
    let data: Vec<String> = v["data"].as_array().unwrap().iter().map(|d| d["id"].as_str().unwrap().to_string()).collect();
    assert_eq!(v["total"].as_u64(), Some(data.len() as u64), "{q}: the total counts the same datasets");
    data
}

fn urlencode(s: &str) -> String {
    s.bytes().map(|b| if b.is_ascii_alphanumeric() { (b as char).to_string() } else { format!("%{b:02X}") }).collect()
}

#[tokio::test]
async fn words_match_folded_prefixes_of_every_word() {
    for b in backends() {
        let app = app(b).await;
        let mut alice = app.user("alice@ville.fr", false).await;
        let air = create(&mut alice, json!({ "title": "Qualité de l'air à Lyon", "acronym": "QAL", "description": "Mesures horaires NO2 et PM2.5, en µg/m³.", "tags": ["pollution"] })).await;
        let budget = create(&mut alice, json!({ "title": "Budget primitif 2024", "description": "Données budgétaires ; œuvres sociales.", "tags": ["finances"] })).await;
        let secret = create(&mut alice, json!({ "title": "Budget secret", "private": true })).await;
        let gone = create(&mut alice, json!({ "title": "Budget supprimé" })).await;
        let descr = create(&mut alice, json!({ "title": "Subventions", "description": "Le budget des associations." })).await;
        assert!(alice.delete(&format!("/api/v1/catalog/datasets/{gone}")).await.status.is_success());
        let mut anon = app.client();
        for (q, expected) in [
            ("qualite", vec![&air]),
            ("QUALITÉ", vec![&air]),
            ("qual lyon", vec![&air]),
            ("qal", vec![&air]),
            ("pollu", vec![&air]),
            ("pm2", vec![&air]),
            ("l'air", vec![&air]),
            ("µg", vec![&air]),
            ("oeuvres", vec![&budget]),
            ("budgetaires", vec![&budget]),
            ("fin", vec![&budget]),
            // Titles holding the word come first; private and deleted datasets never.
            ("budget", vec![&budget, &descr]),
            ("budget 2024", vec![&budget]),
            ("budget 2025", vec![]),
            ("yon", vec![]),
            ("lyonnais", vec![]),
        ] {
            let want: Vec<String> = expected.into_iter().cloned().collect();
            assert_eq!(ids(&mut anon, q).await, want, "{b:?}: {q}");
        }
        // Without a word the query filters nothing.
        assert_eq!(ids(&mut anon, "!! ?").await.len(), 3, "{b:?}");
        // Its editor finds the private one too.
        let mine = ids(&mut alice, "budget").await;
        assert!(mine.contains(&secret) && !mine.contains(&gone), "{b:?}: {mine:?}");
        // An edit is searchable at once; the old words are gone.
        let r = alice.request(http::Method::PUT, &format!("/api/v1/catalog/datasets/{air}"), Some("application/json"), json!({ "title": "Ozone à Villeurbanne" }).to_string().into_bytes()).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        assert_eq!(ids(&mut anon, "villeurb").await, vec![air.clone()], "{b:?}");
        assert!(ids(&mut anon, "lyon").await.is_empty(), "{b:?}");
    }
}
