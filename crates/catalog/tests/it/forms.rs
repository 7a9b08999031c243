//! The forms added to the dataset page, in process, on both backends: editing a resource (its
//! URL, or a replacement file), declaring, editing and deleting a reuse, clearing a temporal
//! coverage; input kept and field errors in French and English; CSRF; owners only.
use http::{Method, StatusCode};
use serde_json::json;
use testkit::{backends, Client, TestResponse};

use crate::app;
use crate::datasets::multipart;

/// Every text of the page comes from the message files, in both languages.
async fn translated(c: &mut Client, path: &str) {
    // French last: the language chosen sticks to the session, and the tests read French next.
    for lang in ["en", "fr"] {
        let sep = if path.contains('?') { '&' } else { '?' };
        let r = c.get(&format!("{path}{sep}lang={lang}")).await;
        assert_eq!(r.status, StatusCode::OK, "{path}");
        let html = r.text();
        for key in [">catalog.", "\"catalog.", " catalog.", ">error.", ">form."] {
            assert!(!html.contains(key), "{path} ({lang}): untranslated key {key}");
        }
    }
}

fn location(r: &TestResponse) -> String {
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    r.header("location").unwrap().to_string()
}

/// A multipart body as a browser sends the edit form when no file is chosen: an empty file part
/// with an empty file name.
fn multipart_without_file(fields: &[(&str, &str)]) -> (String, Vec<u8>) {
    let boundary = "----communs-test-boundary";
    let mut body = String::new();
    for (k, v) in fields {
        body.push_str(&format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n"));
    }
    body.push_str(&format!("--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"\"\r\nContent-Type: application/octet-stream\r\n\r\n\r\n--{boundary}--\r\n"));
    (format!("multipart/form-data; boundary={boundary}"), body.into_bytes())
}

/// Posts a multipart form the way the page does: the CSRF token in the action's query string.
async fn post_multipart(c: &mut Client, path: &str, (ct, body): (String, Vec<u8>)) -> TestResponse {
    let csrf = c.csrf.take().unwrap();
    let sep = if path.contains('?') { '&' } else { '?' };
    let r = c.request(Method::POST, &format!("{path}{sep}_csrf={csrf}"), Some(&ct), body).await;
    c.csrf = Some(csrf);
    r
}

#[tokio::test]
async fn resources_are_edited_from_the_dataset_page() {
    for b in backends() {
        let app = app(b).await;
        let mut alice = app.user("alice@brest.fr", false).await;
        let mut bob = app.user("bob@exemple.fr", false).await;
        let mut anon = app.client();
        let d = alice.post_json("/api/v1/catalog/datasets", &json!({ "title": "Qualité de l'air" })).await.json();
        let slug = d["slug"].as_str().unwrap().to_string();
        let link = alice.post_json(&format!("/api/v1/catalog/datasets/{slug}/resources"), &json!({ "title": "Export", "url": "https://exemple.fr/air.json" })).await.json();
        let link_id = link["id"].as_str().unwrap().to_string();
        let (ct, body) = multipart("mesures.csv", "text/csv", b"station;no2\nBrest;12,5\n", &[("title", "Mesures")]);
        let file = alice.request(Method::POST, &format!("/api/v1/catalog/datasets/{slug}/upload"), Some(&ct), body).await.json();
        let file_id = file["id"].as_str().unwrap().to_string();

        let page = alice.get(&format!("/catalog/datasets/{slug}")).await.text();
        assert!(page.contains(&format!("href=\"/catalog/datasets/{slug}/resources/{link_id}/edit\"")), "{page}");
        assert!(!anon.get(&format!("/catalog/datasets/{slug}")).await.text().contains("/edit\""), "no edit links for readers");

        // A link: prefilled; errors in place with the input kept, in French and in English.
        let edit = format!("/catalog/datasets/{slug}/resources/{link_id}/edit");
        translated(&mut alice, &edit).await;
        translated(&mut alice, &format!("/catalog/datasets/{slug}/resources/{file_id}/edit")).await;
        let form = alice.get(&edit).await.text();
        assert!(form.contains("value=\"https://exemple.fr/air.json\"") && form.contains("value=\"Export\"") && form.contains("<option value=\"main\" selected>"), "{form}");
        let r = post_multipart(&mut alice, &edit, multipart_without_file(&[("title", "Export corrigé"), ("url", "ftp://exemple.fr/x"), ("type", "documentation"), ("format", "json"), ("description", "")])).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        let t = r.text();
        assert!(t.contains("aria-invalid=\"true\" aria-describedby=\"url-error\"") && t.contains("Saisissez une adresse commençant par http:// ou https://.") && t.contains("value=\"Export corrigé\"") && t.contains("<option value=\"documentation\" selected>"), "{t}");
        let r = post_multipart(&mut alice, &format!("{edit}?lang=en"), multipart_without_file(&[("title", ""), ("url", "https://exemple.fr/air.json"), ("type", "main"), ("format", "json")])).await;
        let t = r.text();
        assert!(r.status == StatusCode::UNPROCESSABLE_ENTITY && t.contains("aria-describedby=\"title-error\"") && t.contains("This field is required.") && t.contains("<html lang=\"en\""), "{t}");
        let r = post_multipart(&mut alice, &format!("{edit}?lang=fr"), multipart_without_file(&[("title", "Export corrigé"), ("url", "https://exemple.fr/air-2024.json"), ("type", "documentation"), ("format", ""), ("description", "Tout 2024.")])).await;
        assert_eq!(location(&r), format!("/catalog/datasets/{slug}?notice=resource_saved#resource-{link_id}"));
        let got = anon.get(&format!("/api/v1/catalog/resources/{link_id}")).await.json();
        assert_eq!((got["title"].as_str(), got["url"].as_str(), got["type"].as_str(), got["description"].as_str(), got["format"].as_str()), (Some("Export corrigé"), Some("https://exemple.fr/air-2024.json"), Some("documentation"), Some("Tout 2024."), Some("json")));

        // An uploaded file: fields changed without a new file keep the file; a new file replaces
        // it (same resource, same permanent URL) and its format follows.
        let edit = format!("/catalog/datasets/{slug}/resources/{file_id}/edit");
        let form = alice.get(&edit).await.text();
        assert!(form.contains("type=\"file\"") && form.contains("mesures.csv") && !form.contains("name=\"url\""), "{form}");
        let r = post_multipart(&mut alice, &edit, multipart_without_file(&[("title", "Mesures 2024"), ("type", "main"), ("format", "csv")])).await;
        location(&r);
        let got = anon.get(&format!("/api/v1/catalog/resources/{file_id}")).await.json();
        assert_eq!((got["title"].as_str(), got["checksum"].clone()), (Some("Mesures 2024"), file["checksum"].clone()));
        let (ct, body) = multipart("mesures.json", "application/json", b"[{\"station\":\"Brest\"}]", &[("title", "Mesures 2024"), ("type", "main"), ("format", "csv")]);
        let r = post_multipart(&mut alice, &edit, (ct.clone(), body.clone())).await;
        location(&r);
        let got = anon.get(&format!("/api/v1/catalog/resources/{file_id}")).await.json();
        assert_eq!((got["format"].as_str(), got["filesize"].as_i64()), (Some("json"), Some(21)), "{got}");
        assert!(got["url"].as_str().unwrap().ends_with("/mesures.json"), "{got}");
        let (ct0, empty) = multipart("vide.csv", "text/csv", b"", &[("title", "Mesures 2024"), ("type", "main")]);
        let r = post_multipart(&mut alice, &edit, (ct0, empty)).await;
        assert!(r.status == StatusCode::UNPROCESSABLE_ENTITY && r.text().contains("Choisissez un fichier non vide.") && r.text().contains("aria-describedby=\"file-error\""), "{}", r.text());

        // Others may not; no token, no change.
        assert_eq!(bob.get(&edit).await.status, StatusCode::FORBIDDEN);
        assert_eq!(post_multipart(&mut bob, &edit, (ct.clone(), body.clone())).await.status, StatusCode::FORBIDDEN);
        let saved = alice.csrf.take();
        assert_eq!(alice.request(Method::POST, &edit, Some(&ct), body).await.status, StatusCode::FORBIDDEN, "no token");
        alice.csrf = saved;
    }
}

#[tokio::test]
async fn reuses_are_declared_edited_and_deleted_from_the_dataset_page() {
    for b in backends() {
        let app = app(b).await;
        let mut alice = app.user("alice@brest.fr", false).await;
        let mut bob = app.user("bob@exemple.fr", false).await;
        let mut anon = app.client();
        let d = alice.post_json("/api/v1/catalog/datasets", &json!({ "title": "Arbres" })).await.json();
        let slug = d["slug"].as_str().unwrap().to_string();
        let page = anon.get(&format!("/catalog/datasets/{slug}")).await.text();
        assert!(page.contains(&format!("/login?next=/catalog/datasets/{slug}/reuses/new")), "{page}");
        let page = bob.get(&format!("/catalog/datasets/{slug}")).await.text();
        assert!(page.contains(&format!("href=\"/catalog/datasets/{slug}/reuses/new\"")));

        let new = format!("/catalog/datasets/{slug}/reuses/new");
        let form = bob.get(&new).await.text();
        assert!(form.contains("Déclarer une réutilisation") && form.contains("for=\"url\""), "{form}");
        let r = bob.post_form(&new, &[("title", "Carte"), ("url", "carte.fr"), ("type", "film"), ("description", "Une carte des arbres.")]).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        let t = r.text();
        assert!(t.contains("aria-describedby=\"url-error\"") && t.contains("aria-describedby=\"type-error\"") && t.contains("Une carte des arbres.") && t.contains("value=\"Carte\""), "{t}");
        let t = bob.post_form(&format!("{new}?lang=en"), &[("title", ""), ("url", "https://carte.fr"), ("type", "application")]).await.text();
        assert!(t.contains("This field is required.") && t.contains("aria-describedby=\"title-error\""), "{t}");
        assert!(!t.contains("Ce champ est obligatoire"), "{t}");
        let r = bob.post_form(&new, &[("title", "Carte des arbres"), ("url", "https://carte.exemple.fr"), ("type", "visualization"), ("description", "")]).await;
        assert_eq!(location(&r), format!("/catalog/datasets/{slug}?notice=reuse_added#reuses-h"));
        assert_eq!(anon.get(&format!("/api/v1/catalog/datasets/{slug}")).await.json()["metrics"]["reuses"], 1);
        let rid = anon.get(&format!("/api/v1/catalog/reuses?dataset={slug}")).await.json()["data"][0]["id"].as_str().unwrap().to_string();

        // Edit and delete links for the owner only.
        let page = bob.get(&format!("/catalog/datasets/{slug}")).await.text();
        assert!(page.contains(&format!("/catalog/reuses/{rid}/edit?back=/catalog/datasets/{slug}")), "{page}");
        assert!(!alice.get(&format!("/catalog/datasets/{slug}")).await.text().contains(&format!("/catalog/reuses/{rid}/edit")));
        assert_eq!(alice.get(&format!("/catalog/reuses/{rid}/edit")).await.status, StatusCode::FORBIDDEN);
        assert_eq!(alice.post_form(&format!("/catalog/reuses/{rid}/delete"), &[]).await.status, StatusCode::FORBIDDEN);

        let edit = format!("/catalog/reuses/{rid}/edit");
        translated(&mut bob, &new).await;
        translated(&mut bob, &edit).await;
        translated(&mut bob, &format!("/catalog/reuses/{rid}/delete")).await;
        translated(&mut bob, &format!("/catalog/datasets/{slug}")).await;
        let form = bob.get(&format!("{edit}?back=/catalog/datasets/{slug}")).await.text();
        assert!(form.contains("value=\"Carte des arbres\"") && form.contains("<option value=\"visualization\" selected>") && form.contains(&format!("name=\"back\" value=\"/catalog/datasets/{slug}\"")), "{form}");
        let r = bob.post_form(&edit, &[("title", "Carte des arbres"), ("url", ""), ("type", "visualization"), ("back", &format!("/catalog/datasets/{slug}"))]).await;
        assert!(r.status == StatusCode::UNPROCESSABLE_ENTITY && r.text().contains("url-error"));
        let r = bob.post_form(&edit, &[("title", "Carte des arbres de Brest"), ("url", "https://carte.exemple.fr/v2"), ("type", "application"), ("description", "Nouvelle version."), ("back", &format!("/catalog/datasets/{slug}"))]).await;
        assert_eq!(location(&r), format!("/catalog/datasets/{slug}?notice=reuse_saved#reuses-h"));
        let got = anon.get(&format!("/api/v1/catalog/reuses/{rid}")).await.json();
        assert_eq!((got["title"].as_str(), got["url"].as_str(), got["type"].as_str(), got["description"].as_str()), (Some("Carte des arbres de Brest"), Some("https://carte.exemple.fr/v2"), Some("application"), Some("Nouvelle version.")));
        // A "back" elsewhere than the catalog is not followed.
        let r = bob.post_form(&edit, &[("title", "Carte des arbres de Brest"), ("url", "https://carte.exemple.fr/v2"), ("type", "application"), ("back", "https://ailleurs.example/")]).await;
        assert_eq!(location(&r), "/catalog?notice=reuse_saved#reuses-h");

        let confirm = bob.get(&format!("/catalog/reuses/{rid}/delete?back=/catalog/datasets/{slug}&lang=fr")).await.text();
        assert!(confirm.contains("Supprimer la réutilisation « Carte des arbres de Brest »"), "{confirm}");
        let r = bob.post_form(&format!("/catalog/reuses/{rid}/delete"), &[("back", &format!("/catalog/datasets/{slug}"))]).await;
        assert_eq!(location(&r), format!("/catalog/datasets/{slug}?notice=reuse_deleted#reuses-h"));
        let page = anon.get(&format!("/catalog/datasets/{slug}")).await.text();
        assert!(!page.contains("Carte des arbres de Brest") && page.contains("Aucune réutilisation déclarée."), "{b:?}");
    }
}

#[tokio::test]
async fn a_temporal_coverage_is_cleared_from_the_edit_form_and_the_apis() {
    for b in backends() {
        let app = app(b).await;
        let mut alice = app.user("alice@brest.fr", false).await;
        let mut anon = app.client();
        let body = json!({ "title": "Arbres", "temporal_coverage": { "start": "2020-01-01", "end": "2024-12-31" } });
        let d = alice.post_json("/api/v1/catalog/datasets", &body).await.json();
        let slug = d["slug"].as_str().unwrap().to_string();
        let form = alice.get(&format!("/catalog/datasets/{slug}/edit")).await.text();
        assert!(form.contains("value=\"2020-01-01\""), "{form}");
        let fields = [("title", "Arbres"), ("license", "notspecified"), ("frequency", "unknown"), ("temporal_start", ""), ("temporal_end", ""), ("organization", "")];
        // Only one date is a mistake, shown in place.
        let mut one = fields.to_vec();
        one[3] = ("temporal_start", "2021-01-01");
        let r = alice.post_form(&format!("/catalog/datasets/{slug}/edit"), &one).await;
        assert!(r.status == StatusCode::UNPROCESSABLE_ENTITY && r.text().contains("temporal_coverage-error"), "{}", r.text());
        assert!(anon.get(&format!("/api/v1/catalog/datasets/{slug}")).await.json()["temporal_coverage"].is_object());
        let r = alice.post_form(&format!("/catalog/datasets/{slug}/edit"), &fields).await;
        assert_eq!(location(&r), format!("/catalog/datasets/{slug}?notice=saved"));
        assert_eq!(anon.get(&format!("/api/v1/catalog/datasets/{slug}")).await.json()["temporal_coverage"], json!(null), "{b:?}");

        // The APIs: left out keeps it, null clears it (udata's way).
        let id = d["id"].as_str().unwrap();
        let put = |c: &mut Client, path: String, body: serde_json::Value| {
            let mut c = c.clone();
            async move { c.request(Method::PUT, &path, Some("application/json"), serde_json::to_vec(&body).unwrap()).await }
        };
        assert_eq!(put(&mut alice, format!("/api/v1/catalog/datasets/{id}"), body.clone()).await.status, StatusCode::OK);
        assert_eq!(put(&mut alice, format!("/api/1/datasets/{id}/"), json!({ "description": "Inventaire." })).await.json()["temporal_coverage"]["start"], "2020-01-01");
        assert_eq!(put(&mut alice, format!("/api/1/datasets/{id}/"), json!({ "temporal_coverage": null })).await.json()["temporal_coverage"], json!(null));
    }
}
