//! Words in dataset search, on both backends: folded (accents, case), every word required, each
//! as a prefix of a word of the dataset's text (title, acronym, tags, description, organisation),
//! private and deleted datasets hidden, edits seen at once, titles ranked first.
use http::StatusCode;
use serde_json::json;
use std::sync::Arc;

use testkit::{backends, Client, TestApp};

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

/// Texts where a word cut, a fold or a prefix could go wrong.
const TRICKY: &[(&str, &str)] = &[
    ("Qualité de l'air à Lyon", "Mesures horaires NO2 et PM2.5, en µg/m³ ; station « Gerland »."),
    ("Côte-d'Or : routes départementales", "Réseau routier (RD974), mis à jour le 01/02/2024 — contact: sig@cotedor.fr"),
    ("ŒUVRES D'ART ET ÆSCHNE", "Inventaire des œuvres ; l'æschne est une libellule."),
    ("Straße und Ørsted", "Łódź, İstanbul, ǅemal, ﬁchier, ｆｕｌｌ"),
    ("Λόγος ΣΟΦΌΣ", "Μετρήσεις σε μg/m³ ; ſtraſſe"),
    ("Données_ouvertes v1.2.3", "https://www.data.gouv.fr/fr/datasets/x?y=1&z=2 #opendata @etalab"),
    ("Caractères privés", "a\u{e000}b et 東京都 の データ"),
    ("Émissions CO₂ 2019–2023", "Émissions de gaz à effet de serre (GES), en tCO₂e, par EPCI."),
];

const QUERIES: &[&str] = &[
    "qualite", "QUALITÉ", "qual lyon", "l'air", "pm2", "pm2.5", "5", "µg", "μg", "m³", "m3", "gerland", "«gerland»",
    "cote-d'or", "cote d or", "cotedor", "sig@cotedor.fr", "rd974", "rd", "974", "01/02/2024", "2024",
    "oeuvres", "œuvres", "ŒUVRE", "oeuv", "aeschne", "æschne", "libell",
    "strasse", "straße", "strass", "orsted", "ørsted", "lodz", "łódź", "istanbul", "dzemal", "ǆemal", "fichier", "ﬁchier", "full", "ｆｕｌｌ",
    "λογος", "ΛΟΓΟΣ", "λογοσ", "σοφος", "σοφοσ", "μετρησεις", "straſſe", "strasse", "ſtr",
    "donnees_ouvertes", "donnees ouvertes", "v1", "1.2.3", "https", "gouv", "opendata", "#opendata", "etalab",
    "b", "a", "ab", "東京", "東京都", "データ",
    "co₂", "co2", "co", "2019-2023", "tco", "ges", "epci", "emissions", "Émissions 2019",
    "", "   ", "--", "d", "l", "à", "a l",
];

fn fts_query(q: &str) -> Option<String> {
    let terms = platform::search::query_terms(q);
    (!terms.is_empty()).then(|| terms.iter().map(|t| format!("\"{t}\"*")).collect::<Vec<_>>().join(" "))
}

/// The matching users knew is the SQLite full-text index's (FTS5, unicode61 tokenizer, every word
/// of the folded query as a prefix) that the in-memory index replaced: rebuilt here from the same
/// `search_text`, it must find exactly the same datasets for every query. PostgreSQL must then
/// answer as SQLite does.
#[tokio::test]
async fn words_match_what_the_full_text_index_matched() {
    let mut by_backend: Vec<Vec<Vec<String>>> = Vec::new();
    for b in backends() {
        let app = app(b).await;
        let mut alice = app.user("alice@ville.fr", false).await;
        let mut titles = std::collections::HashMap::new();
        for (title, description) in TRICKY {
            let id = create(&mut alice, json!({ "title": title, "description": description, "tags": ["tag-test"] })).await;
            titles.insert(id, title.to_string());
        }
        let mut anon = app.client();
        let db = &app.platform.db;
        if b == testkit::Backend::Sqlite {
            sqlx::query("CREATE VIRTUAL TABLE reference_fts USING fts5(search_text, tokenize='unicode61')").execute(db.pool()).await.unwrap();
            sqlx::query("INSERT INTO reference_fts (rowid, search_text) SELECT rowid, search_text FROM catalog_datasets").execute(db.pool()).await.unwrap();
        }
        let mut answers = Vec::new();
        for q in QUERIES {
            let mut found: Vec<String> = ids(&mut anon, q).await.into_iter().map(|id| titles[&id].clone()).collect();
            found.sort();
            if b == testkit::Backend::Sqlite {
                let mut before: Vec<String> = match fts_query(q) {
                    Some(m) => sqlx::query_scalar("SELECT d.title FROM catalog_datasets d JOIN reference_fts f ON f.rowid = d.rowid WHERE reference_fts MATCH $1")
                        .bind(m)
                        .fetch_all(db.pool())
                        .await
                        .unwrap(),
                    None => titles.values().cloned().collect(),
                };
                before.sort();
                assert_eq!(found, before, "{q:?}: the full-text index found {before:?}");
            }
            answers.push(found);
        }
        by_backend.push(answers);
    }
    if let [sqlite, postgres] = &by_backend[..] {
        for ((q, s), p) in QUERIES.iter().zip(sqlite).zip(postgres) {
            assert_eq!(s, p, "{q:?}: SQLite and PostgreSQL answer alike");
        }
    }
}

/// Rows whose `search_text` was folded before `fold` spelled out œ and æ hold them as such: the
/// index must find them with either spelling, as the full-text index did with `œuvre`.
#[tokio::test]
async fn texts_folded_before_ligatures_were_spelled_out_are_found() {
    for b in backends() {
        let app = app(b).await;
        let mut alice = app.user("alice@ville.fr", false).await;
        let id = create(&mut alice, json!({ "title": "Œuvres d'Æsop", "description": "" })).await;
        let db = &app.platform.db;
        let r = sqlx::query("UPDATE catalog_datasets SET search_text = 'œuvres d''æsop' WHERE id = $1").bind(&id).execute(db.pool()).await.unwrap();
        assert_eq!(r.rows_affected(), 1);
        let mut anon = app.client();
        for q in ["œuvres", "oeuvres", "OEUV", "Æsop", "aesop"] {
            assert_eq!(ids(&mut anon, q).await, vec![id.clone()], "{b:?}: {q}");
        }
    }
}

/// Several server processes share one database (PostgreSQL in production): each answers from what
/// is committed, whichever instance wrote it — created, made private, deleted.
#[tokio::test]
async fn instances_sharing_a_database_see_each_others_writes() {
    for b in backends() {
        let one = app(b).await;
        // The same database under another URL: indexes are kept per URL within a process, so
        // this instance holds its own, as another process would.
        let extra = match b {
            testkit::Backend::Sqlite => "cache=private",
            testkit::Backend::Postgres => "application_name=second_instance",
        };
        let url = format!("{}&{extra}", one.platform.db.url());
        let two = TestApp::with_config(b, vec![Arc::new(catalog::Catalog)], |c| c.database_url = Some(url)).await;
        assert_ne!(one.platform.db.url(), two.platform.db.url());
        let mut alice = one.user("alice@ville.fr", false).await;
        let (mut anon1, mut anon2) = (one.client(), two.client());
        assert!(ids(&mut anon2, "herbier").await.is_empty(), "{b:?}");
        let id = create(&mut alice, json!({ "title": "Herbier numérique", "description": "Planches." })).await;
        assert_eq!(ids(&mut anon2, "herbier").await, vec![id.clone()], "{b:?}: created on one, found on two");
        assert_eq!(ids(&mut anon1, "herbier").await, vec![id.clone()], "{b:?}");
        let mut alice2 = two.client();
        alice2.login("alice@ville.fr", "correct horse battery").await;
        let r = alice2
            .request(http::Method::PUT, &format!("/api/v1/catalog/datasets/{id}"), Some("application/json"), json!({ "private": true }).to_string().into_bytes())
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        assert!(ids(&mut anon1, "herbier").await.is_empty(), "{b:?}: made private on two, hidden on one");
        assert_eq!(ids(&mut alice, "herbier").await, vec![id.clone()], "{b:?}: its editor still finds it");
        let r = alice2.delete(&format!("/api/v1/catalog/datasets/{id}")).await;
        assert!(r.status.is_success(), "{}", r.text());
        assert!(ids(&mut alice, "herbier").await.is_empty(), "{b:?}: deleted on two, gone on one");
    }
}
