//! The catalog's pages, in process, on both backends: search with facet links, the dataset page
//! (escaped Markdown, resources with link status and preview links, quality reasons, DCAT links)
//! in French and English, privacy, and the forms (CSRF, field errors in place, uploads,
//! discussions with moderation, follow, deletion with confirmation).
use http::{Method, StatusCode};
use serde_json::{json, Value};
use testkit::{backends, Client, TestResponse};

use crate::app;
use crate::datasets::multipart;

async fn setup_org(c: &mut Client) {
    let r = c.post_json("/api/v1/organisations", &json!({ "name": "Ville de Brest", "slug": "brest" })).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
}

async fn api_dataset(c: &mut Client, body: Value) -> Value {
    let r = c.post_json("/api/v1/catalog/datasets", &body).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    r.json()
}

fn no_raw_keys(html: &str, what: &str) {
    for key in [">catalog.", ">error.", "\"catalog.", " catalog.quality.", "catalog.linkstatus."] {
        assert!(!html.contains(key), "{what}: untranslated key {key}");
    }
}

/// The location of a 303 answer.
fn location(r: &TestResponse) -> String {
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    r.header("location").unwrap().to_string()
}

#[tokio::test]
async fn search_dataset_and_organization_pages_in_both_languages() {
    for b in backends() {
        let app = app(b).await;
        let mut alice = app.user("alice@brest.fr", false).await;
        setup_org(&mut alice).await;
        let trees = api_dataset(
            &mut alice,
            json!({
                "title": "Arbres d'alignement", "license": "ODbL", "frequency": "annual", "tags": ["arbres", "environnement"], "organization": "brest",
                "description": "Inventaire **complet**.\n\n<script>alert('x')</script>\n\n[piège](javascript:alert(1))",
                "spatial": { "zones": ["fr:departement:29"] }
            }),
        )
        .await;
        let id = trees["id"].as_str().unwrap().to_string();
        api_dataset(&mut alice, json!({ "title": "Budget primitif", "license": "lov2", "tags": ["finances"], "organization": "brest" })).await;
        api_dataset(&mut alice, json!({ "title": "Brouillon secret", "private": true, "organization": "brest" })).await;
        let mut csv = String::from("espece;hauteur\n");
        for i in 1..=25 {
            csv.push_str(&format!("Arbre {i:02};{i},5\n"));
        }
        let (ct, body) = multipart("arbres.csv", "text/csv", csv.as_bytes(), &[]);
        let r = alice.request(Method::POST, &format!("/api/v1/catalog/datasets/{id}/upload"), Some(&ct), body).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
        let csv_id = r.json()["id"].as_str().unwrap().to_string();
        let mut anon = app.client();
        let waiting = anon.get(&format!("/catalog/tables/{csv_id}?lang=fr")).await.text();
        assert!(waiting.contains("Le tableau n’est pas encore chargé"), "{waiting}");
        // The loader job turns the CSV into a table.
        app.platform.run_ready_jobs("test").await.unwrap();
        let r = alice.post_json(&format!("/api/v1/catalog/datasets/{id}/resources"), &json!({ "title": "Export distant", "url": "https://exemple.fr/arbres.json" })).await;
        let remote_id = r.json()["id"].as_str().unwrap().to_string();
        // What the link checker leaves on a resource.
        let mut patch = serde_json::Map::new();
        patch.insert("check:available".into(), json!(false));
        patch.insert("check:status".into(), json!(404));
        patch.insert("check:date".into(), json!("2025-09-01T08:00:00Z"));
        let mut tx = app.platform.db.write().await.unwrap();
        assert!(catalog::store::merge_resource_extras(tx.conn(), &remote_id, &patch).await.unwrap());
        tx.commit().await.unwrap();

        // Search page: results, facets as links with exact counts, the private dataset absent.
        let page = anon.get("/catalog?lang=fr").await;
        assert_eq!(page.status, StatusCode::OK);
        let html = page.text();
        assert!(html.contains("<h1>Jeux de données</h1>"), "{html}");
        assert!(html.contains("2 jeu(x) de données"));
        assert!(html.contains("href=\"/catalog/datasets/arbres-d-alignement\">Arbres d&#x27;alignement</a>") || html.contains("href=\"/catalog/datasets/arbres-d-alignement\">Arbres d&#39;alignement</a>"), "{html}");
        assert!(!html.contains("Brouillon secret"));
        assert!(html.contains("href=\"/catalog?tag=arbres\""), "tag facet link");
        assert!(html.contains("href=\"/catalog?organization=brest\""), "organisation facet link");
        assert!(html.contains("Ville de Brest <span class=\"count\">(2)</span>"), "organisation named, with its exact count");
        assert!(html.contains("Open Data Commons Open Database License (ODbL) <span class=\"count\">(1)</span>"), "licence facet named");
        assert!(html.contains("CSV <span class=\"count\">(1)</span>"), "format facet");
        assert!(html.contains("Finistère (29) <span class=\"count\">(1)</span>"), "zone facet named");
        no_raw_keys(&html, "search fr");
        // A facet chosen: the count follows, the link now removes it, other facets keep their links.
        let en = anon.get("/catalog?tag=arbres&lang=en").await.text();
        assert!(en.contains("1 dataset(s)"), "{en}");
        assert!(en.contains("href=\"/catalog\" aria-current=\"true\""), "the chosen tag's link removes it: {en}");
        assert!(en.contains("href=\"/catalog?tag=arbres&#38;tag=environnement\""), "tags add up: {en}");
        assert!(en.contains("href=\"/catalog?tag=arbres&#38;license=odc-odbl\""));
        assert!(!en.contains("Budget primitif"));
        no_raw_keys(&en, "search en");
        let none = anon.get("/catalog?q=introuvable&lang=fr").await.text();
        assert!(none.contains("Aucun jeu de données ne correspond"), "empty state");
        assert_eq!(anon.get("/catalog?sort=nope").await.status, StatusCode::UNPROCESSABLE_ENTITY);

        // Dataset page: Markdown rendered, raw HTML escaped, unsafe links neutralised.
        let page = anon.get("/catalog/datasets/arbres-d-alignement").await;
        assert_eq!(page.status, StatusCode::OK);
        let html = page.text();
        assert!(html.contains("<strong>complet</strong>"), "{html}");
        assert!(html.contains("&lt;script&gt;alert("), "raw HTML shown as text: {html}");
        assert!(!html.contains("<script>alert"), "never passed through");
        assert!(!html.contains("javascript:"), "unsafe link target removed");
        assert!(html.contains("href=\"https://opendatacommons.org/licenses/odbl/summary/\" rel=\"license\""));
        assert!(html.contains(&format!("href=\"/catalog/tables/{csv_id}\">Aperçu du tableau")), "preview link for the CSV");
        assert!(!html.contains(&format!("/catalog/tables/{remote_id}")), "no preview for JSON");
        assert!(html.contains(&format!("href=\"/catalog/files/{csv_id}/arbres.csv\"")), "download link");
        assert!(html.contains("Indisponible") && html.contains("HTTP 404"), "link status from the checker's extras");
        assert!(html.contains("la période couverte n’est pas indiquée."), "missing criterion with its reason");
        assert!(html.contains(&format!("/api/1/datasets/{id}/rdf.ttl")) && html.contains(&format!("/api/1/datasets/{id}/rdf.jsonld")), "DCAT links");
        assert!(html.contains("a créé le jeu de données"), "activity feed");
        assert!(html.contains("Connectez-vous pour participer"), "anonymous visitors are invited to sign in");
        assert!(!html.contains("/edit\""), "no edit link for visitors");
        no_raw_keys(&html, "dataset fr");
        let en = anon.get("/catalog/datasets/arbres-d-alignement?lang=en").await.text();
        assert!(en.contains("Table preview") && en.contains("Metadata quality") && en.contains("Unavailable"), "{en}");
        assert!(en.contains("the period covered is not given."));
        no_raw_keys(&en, "dataset en");
        assert!(alice.get("/catalog/datasets/arbres-d-alignement").await.text().contains("/catalog/datasets/arbres-d-alignement/edit"), "editors get the edit link");

        // Private datasets: a 404 for everyone but their publishers.
        let mut bob = app.user("bob@exemple.fr", false).await;
        assert_eq!(anon.get("/catalog/datasets/brouillon-secret").await.status, StatusCode::NOT_FOUND);
        assert_eq!(bob.get("/catalog/datasets/brouillon-secret").await.status, StatusCode::NOT_FOUND);
        assert_eq!(bob.get("/catalog/datasets/brouillon-secret/edit").await.status, StatusCode::NOT_FOUND);
        let own = alice.get("/catalog/datasets/brouillon-secret").await;
        assert_eq!(own.status, StatusCode::OK);
        assert!(own.text().contains("<span class=\"badge\">privé</span>"));
        assert!(alice.get("/catalog").await.text().contains("Brouillon secret"), "the publisher finds it in the search");

        // Organisation page: metrics and its public datasets.
        let org = anon.get("/catalog/organizations/brest?lang=fr").await;
        assert_eq!(org.status, StatusCode::OK);
        let html = org.text();
        assert!(html.contains("<h1>Ville de Brest</h1>") && html.contains("Budget primitif") && !html.contains("Brouillon secret"), "{html}");
        assert!(html.contains("<dt>Jeux de données publics</dt><dd>2</dd>"), "{html}");
        assert_eq!(anon.get("/catalog/organizations/nowhere").await.status, StatusCode::NOT_FOUND);

        // Table preview, rendered on the server: sort by a header link, filter per column, pages.
        let t = anon.get(&format!("/catalog/tables/{csv_id}?lang=fr")).await;
        assert_eq!(t.status, StatusCode::OK);
        let html = t.text();
        assert!(html.contains("<td>Arbre 01</td><td class=\"num\">1,5</td>"), "first rows, French decimals: {html}");
        assert!(html.contains("Page 1 / 2 — 25 ligne(s)"), "{html}");
        assert!(html.contains(&format!("href=\"/catalog/tables/{csv_id}?hauteur__sort=asc\" class=\"sort\"")), "{html}");
        assert!(html.contains("name=\"espece__contains\"") && html.contains("name=\"hauteur__exact\""), "a filter field per column");
        assert!(html.contains(&format!("href=\"/catalog/tables/{csv_id}?page=2\" rel=\"next\"")));
        no_raw_keys(&html, "table fr");
        let sorted = anon.get(&format!("/catalog/tables/{csv_id}?hauteur__sort=desc&lang=en")).await.text();
        assert!(sorted.contains("aria-sort=\"descending\"") && sorted.contains("<tbody>\n    <tr><td>Arbre 25</td><td class=\"num\">25.5</td>"), "{sorted}");
        let filtered = anon.get(&format!("/catalog/tables/{csv_id}?espece__contains=Arbre%201&hauteur__sort=desc&espece__exact=&page=1")).await.text();
        assert!(filtered.contains("— 10 row(s)") && filtered.contains("<td>Arbre 19</td>") && !filtered.contains("<td>Arbre 20</td>"), "{filtered}");
        assert!(filtered.contains("<input type=\"hidden\" name=\"hauteur__sort\" value=\"desc\">"), "the filter form keeps the sort");
        let second = anon.get(&format!("/catalog/tables/{csv_id}?page=2")).await.text();
        assert!(second.contains("<td>Arbre 21</td>") && !second.contains("<td>Arbre 20</td>") && second.contains("rel=\"prev\""), "{second}");
        let stale = anon.get(&format!("/catalog/tables/{csv_id}?gone__sort=asc")).await;
        assert_eq!(stale.status, StatusCode::OK);
        assert!(stale.text().contains("gone__sort"), "a stale link shows the first page and says what was refused");
        let json_preview = anon.get(&format!("/catalog/tables/{remote_id}")).await.text();
        assert!(json_preview.contains("not a CSV table"), "{json_preview}");
        assert_eq!(anon.get("/catalog/tables/nope").await.status, StatusCode::NOT_FOUND);
        assert_eq!(anon.get("/assets/catalog/catalog.css").await.header("content-type"), Some("text/css; charset=utf-8"));
        assert_eq!(anon.get("/assets/catalog/upload.js").await.header("content-type"), Some("text/javascript; charset=utf-8"));
    }
}

#[tokio::test]
async fn forms_publish_edit_upload_discuss_moderate_and_delete() {
    for b in backends() {
        let app = app(b).await;
        let mut anon = app.client();
        let r = anon.get("/catalog/datasets/new").await;
        assert!(location(&r).starts_with("/login?next="), "sign in first");
        let mut alice = app.user("alice@brest.fr", false).await;
        setup_org(&mut alice).await;

        // Creation form: the organisations one may publish for; errors shown in place, localized.
        let form = alice.get("/catalog/datasets/new").await.text();
        assert!(form.contains("<option value=\"brest\" selected>Ville de Brest</option>"), "{form}");
        assert!(form.contains("name=\"_csrf\""));
        let r = alice.post_form("/catalog/datasets/new?lang=fr", &[("title", " "), ("license", "wtfpl"), ("frequency", "annual"), ("temporal_start", "2024-05-01"), ("temporal_end", "2024-01-01"), ("zones", "fr:departement:99"), ("organization", "brest")]).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        let html = r.text();
        assert!(html.contains("id=\"title-error\">Ce champ est obligatoire.</p>"), "{html}");
        assert!(html.contains("id=\"license-error\">Choisissez une licence de la liste.</p>"));
        assert!(html.contains("id=\"temporal_coverage-error\">La fin doit être après le début.</p>"));
        assert!(html.contains("id=\"spatial-error\">Zone inconnue"));
        assert!(html.contains("aria-invalid=\"true\" aria-describedby=\"title-error\""));
        assert!(html.contains("value=\"2024-05-01\""), "what was typed is kept");
        let en = alice.post_form("/catalog/datasets/new?lang=en", &[("title", ""), ("license", "lov2"), ("frequency", "annual")]).await.text();
        assert!(en.contains("id=\"title-error\">This field is required.</p>"), "{en}");

        // A form post without the token is refused and writes nothing.
        let saved = alice.csrf.take();
        let r = alice.request(Method::POST, "/catalog/datasets/new", Some("application/x-www-form-urlencoded"), b"title=Sans+jeton&license=lov2&frequency=annual".to_vec()).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
        alice.csrf = saved;
        assert_eq!(anon.get("/api/v1/catalog/datasets?q=jeton").await.json()["total"], 0);

        let fields = [
            ("title", "Qualité de l'air"),
            ("description", "Mesures horaires des stations de Brest."),
            ("license", "lov2"),
            ("frequency", "daily"),
            ("tags", "air, pollution"),
            ("temporal_start", "2024-01-01"),
            ("temporal_end", "2024-12-31"),
            ("zones", "fr:departement:29, fr:commune:29019"),
            ("granularity", "poi"),
            ("organization", "brest"),
        ];
        let to = location(&alice.post_form("/catalog/datasets/new", &fields).await);
        assert_eq!(to, "/catalog/datasets/qualite-de-l-air/resources/new?notice=created");
        let d = anon.get("/api/v1/catalog/datasets/qualite-de-l-air").await.json();
        assert_eq!((d["tags"].clone(), d["organization"]["slug"].clone(), d["temporal_coverage"]["end"].clone()), (json!(["air", "pollution"]), json!("brest"), json!("2024-12-31")));
        assert_eq!(d["spatial"]["zones"], json!(["fr:departement:29", "fr:commune:29019"]));
        let id = d["id"].as_str().unwrap().to_string();

        // Resource page: a notice, the upload form posting with its token, the remote form.
        let page = alice.get(&format!("{to}&lang=fr")).await.text();
        assert!(page.contains("Jeu de données créé."), "{page}");
        assert!(page.contains(&format!("data-api=\"/api/v1/catalog/datasets/{id}/upload\"")));
        let r = alice.post_form("/catalog/datasets/qualite-de-l-air/resources/new", &[("title", "Export"), ("url", "ftp://exemple.fr/x.csv"), ("type", "main")]).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.text().contains("id=\"url-error\">Saisissez une adresse commençant par http:// ou https://.</p>"));
        let r = alice.post_form("/catalog/datasets/qualite-de-l-air/resources/new", &[("title", "Export JSON"), ("url", "https://exemple.fr/air.json"), ("type", "main")]).await;
        assert_eq!(location(&r), "/catalog/datasets/qualite-de-l-air?notice=resource_added#resources");
        // The upload form without JavaScript: multipart to the page route, token in the action.
        let csrf = alice.csrf.clone().unwrap();
        let (ct, body) = multipart("mesures.csv", "text/csv", b"station;no2\nBrest;12,5\n", &[("title", "Mesures 2024")]);
        alice.csrf = None;
        let r = alice.request(Method::POST, &format!("/catalog/datasets/qualite-de-l-air/resources/upload?_csrf={csrf}"), Some(&ct), body.clone()).await;
        assert_eq!(location(&r), "/catalog/datasets/qualite-de-l-air?notice=resource_added#resources");
        let r = alice.request(Method::POST, "/catalog/datasets/qualite-de-l-air/resources/upload", Some(&ct), body).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "no token, no upload");
        let (ct, empty) = multipart("vide.csv", "text/csv", b"", &[]);
        let r = alice.request(Method::POST, &format!("/catalog/datasets/qualite-de-l-air/resources/upload?_csrf={csrf}"), Some(&ct), empty).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.text().contains("Choisissez un fichier non vide."));
        alice.csrf = Some(csrf);
        let page = alice.get("/catalog/datasets/qualite-de-l-air?notice=resource_added").await.text();
        assert!(page.contains("Ressource ajoutée.") && page.contains("Mesures 2024") && page.contains("Export JSON"), "{page}");

        // Edit form: prefilled; a change saved through the same service as the API.
        let edit = alice.get("/catalog/datasets/qualite-de-l-air/edit").await.text();
        assert!(edit.contains("value=\"air, pollution\"") && edit.contains("<option value=\"daily\" selected>"), "{edit}");
        let mut changed = fields.to_vec();
        changed[0] = ("title", "Qualité de l'air à Brest");
        changed[4] = ("tags", "air");
        let r = alice.post_form("/catalog/datasets/qualite-de-l-air/edit", &changed).await;
        assert_eq!(location(&r), "/catalog/datasets/qualite-de-l-air?notice=saved");
        let d = anon.get("/api/v1/catalog/datasets/qualite-de-l-air").await.json();
        assert_eq!((d["title"].as_str(), d["tags"].clone()), (Some("Qualité de l'air à Brest"), json!(["air"])));

        // Another person: no edit form, but discussions and follows.
        let mut bob = app.user("bob@exemple.fr", false).await;
        assert_eq!(bob.get("/catalog/datasets/qualite-de-l-air/edit").await.status, StatusCode::FORBIDDEN);
        assert_eq!(bob.post_form("/catalog/datasets/qualite-de-l-air/edit", &changed).await.status, StatusCode::FORBIDDEN);
        let r = bob.post_form("/catalog/datasets/qualite-de-l-air/discussions", &[("title", "Station en panne ?"), ("comment", "Pas de **mesure** depuis mardi <img src=x onerror=alert(1)>")]).await;
        assert_eq!(location(&r), "/catalog/datasets/qualite-de-l-air?notice=discussion_opened#discussions");
        let r = bob.post_form("/catalog/datasets/qualite-de-l-air/follow", &[("follow", "1")]).await;
        location(&r);
        let page = bob.get("/catalog/datasets/qualite-de-l-air").await.text();
        assert!(page.contains("Ne plus suivre") && page.contains("1 abonné(s)"), "{page}");
        assert!(page.contains("<strong>mesure</strong>") && page.contains("&lt;img src=x"), "messages are Markdown, escaped");
        assert!(!page.contains("Masquer ce message"), "no moderation buttons for bob");
        assert_eq!(bob.get("/catalog/moderation").await.status, StatusCode::FORBIDDEN, "bob moderates nothing");
        let disc_id = anon.get(&format!("/api/v1/catalog/datasets/{id}/discussions")).await.json()[0]["id"].as_str().unwrap().to_string();

        // The publisher moderates: hides bob's message from the dataset page, then closes the thread from the moderation page.
        let page = alice.get("/catalog/datasets/qualite-de-l-air").await.text();
        assert!(page.contains(&format!("action=\"/catalog/discussions/{disc_id}/messages/0\"")), "{page}");
        let r = alice.post_form(&format!("/catalog/discussions/{disc_id}/messages/0"), &[("hidden", "1")]).await;
        assert_eq!(location(&r), format!("/catalog/datasets/qualite-de-l-air?notice=message_hidden#discussion-{disc_id}"));
        let seen = anon.get("/catalog/datasets/qualite-de-l-air").await.text();
        assert!(seen.contains("Ce message a été masqué par la modération.") && !seen.contains("depuis mardi"), "{seen}");
        let r = bob.post_form(&format!("/catalog/discussions/{disc_id}/messages/0"), &[("hidden", "0")]).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
        let modp = alice.get("/catalog/moderation?lang=en").await;
        assert_eq!(modp.status, StatusCode::OK);
        let html = modp.text();
        assert!(html.contains("Station en panne ?") && html.contains("hidden by moderation") && html.contains("depuis mardi"), "moderators still read hidden text: {html}");
        no_raw_keys(&html, "moderation");
        let r = bob.post_form(&format!("/catalog/discussions/{disc_id}/reply"), &[("comment", "Toujours rien."), ("back", "https://ailleurs.example/")]).await;
        assert_eq!(location(&r), format!("/catalog/datasets/qualite-de-l-air?notice=replied#discussion-{disc_id}"), "no open redirect");
        let r = alice.post_form(&format!("/catalog/discussions/{disc_id}/reply"), &[("comment", "Station réparée."), ("close", "1"), ("back", "/catalog/moderation")]).await;
        assert_eq!(location(&r), "/catalog/moderation?notice=discussion_closed");
        let after = alice.get("/catalog/moderation?notice=discussion_closed&lang=fr").await.text();
        assert!(after.contains("Discussion close.") && !after.contains("Station en panne ?"), "closed threads leave the list");
        let r = bob.post_form(&format!("/catalog/discussions/{disc_id}/reply"), &[("comment", "Merci")]).await;
        assert_eq!(r.status, StatusCode::CONFLICT, "closed");

        // Deletion with confirmation: resource, then dataset.
        let rid = anon.get("/api/v1/catalog/datasets/qualite-de-l-air").await.json()["resources"][0]["id"].as_str().unwrap().to_string();
        let confirm = alice.get(&format!("/catalog/datasets/qualite-de-l-air/resources/{rid}/delete")).await;
        assert_eq!(confirm.status, StatusCode::OK);
        assert!(confirm.text().contains("Supprimer la ressource « Export JSON » ?"));
        assert_eq!(bob.post_form(&format!("/catalog/datasets/qualite-de-l-air/resources/{rid}/delete"), &[]).await.status, StatusCode::FORBIDDEN);
        let r = alice.post_form(&format!("/catalog/datasets/qualite-de-l-air/resources/{rid}/delete"), &[]).await;
        assert_eq!(location(&r), "/catalog/datasets/qualite-de-l-air?notice=resource_deleted#resources");
        assert_eq!(anon.get("/api/v1/catalog/datasets/qualite-de-l-air").await.json()["resources"].as_array().unwrap().len(), 1);
        assert_eq!(alice.get("/catalog/datasets/qualite-de-l-air/delete").await.status, StatusCode::OK);
        let r = alice.post_form("/catalog/datasets/qualite-de-l-air/delete", &[]).await;
        assert_eq!(location(&r), "/catalog?notice=deleted");
        assert!(alice.get("/catalog?notice=deleted").await.text().contains("Jeu de données supprimé."));
        assert_eq!(anon.get("/catalog/datasets/qualite-de-l-air").await.status, StatusCode::NOT_FOUND);
    }
}
