//! CKAN's Action API subset on both backends: the envelope and error types CKAN clients map to
//! exceptions, GET and POST forms, the `/api/action/` alias, package_list/show/search with
//! paging and facets, organisations, tags, licences, and private datasets kept private
//! (including for tokens sent the way ckanapi sends them).
use http::{Method, StatusCode};
use serde_json::{json, Value};
use testkit::{backends, Client, TestApp};

use crate::app;
use crate::datasets::multipart;

struct Fixture {
    app: TestApp,
    alice: Client,
    trees: String,
    upload: Value,
}

async fn created(c: &mut Client, path: &str, body: Value) -> Value {
    let r = c.post_json(path, &body).await;
    assert_eq!(r.status, StatusCode::CREATED, "{path}: {}", r.text());
    r.json()
}

/// Brest publishes trees (a remote CSV and an uploaded PDF) and a budget, and keeps a private
/// draft; Alice also publishes timetables under her own name.
async fn fixture(b: testkit::Backend) -> Fixture {
    let app = app(b).await;
    let mut alice = app.user("alice@brest.fr", false).await;
    created(&mut alice, "/api/v1/organisations", json!({ "name": "Ville de Brest", "slug": "brest" })).await;
    let trees = created(
        &mut alice,
        "/api/v1/catalog/datasets",
        json!({ "title": "Arbres d'alignement", "description": "Inventaire des arbres.", "license": "ODbL", "frequency": "annual",
                "tags": ["arbres", "environnement"], "organization": "brest", "temporal_coverage": { "start": "2020-01-01", "end": "2024-12-31" } }),
    )
    .await["id"]
        .as_str()
        .unwrap()
        .to_string();
    created(&mut alice, &format!("/api/v1/catalog/datasets/{trees}/resources"), json!({ "title": "Export", "url": "https://exemple.fr/arbres.csv" })).await;
    let (ct, body) = multipart("notice.pdf", "application/pdf", b"%PDF-1.4 notice", &[("type", "documentation")]);
    let r = alice.request(Method::POST, &format!("/api/v1/catalog/datasets/{trees}/upload"), Some(&ct), body).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    let upload = r.json();
    created(&mut alice, "/api/v1/catalog/datasets", json!({ "title": "Budget primitif", "license": "lov2", "tags": ["finances"], "organization": "brest" })).await;
    created(&mut alice, "/api/v1/catalog/datasets", json!({ "title": "Brouillon interne", "private": true, "organization": "brest", "tags": ["secret"] })).await;
    created(&mut alice, "/api/v1/catalog/datasets", json!({ "title": "Horaires des bacs", "license": "lov2", "tags": ["transport"] })).await;
    Fixture { app, alice, trees, upload }
}

/// Calls an action by POST with a JSON body, as ckanapi does.
async fn post(c: &mut Client, action: &str, body: Value) -> (StatusCode, Value) {
    let r = c.post_json(&format!("/api/3/action/{action}"), &body).await;
    (r.status, r.json())
}

async fn get(c: &mut Client, path_and_query: &str) -> (StatusCode, Value) {
    let r = c.get(path_and_query).await;
    (r.status, r.json())
}

fn names(results: &Value) -> Vec<String> {
    results.as_array().unwrap().iter().map(|d| d["name"].as_str().unwrap().to_string()).collect()
}

#[tokio::test]
async fn package_list_and_show_in_ckan_shape() {
    for b in backends() {
        let Fixture { app, trees, upload, .. } = fixture(b).await;
        let mut anon = app.client();
        let public = json!(["arbres-d-alignement", "budget-primitif", "horaires-des-bacs"]);

        // GET and POST, both paths, the same answer in CKAN's envelope.
        let (s, v) = get(&mut anon, "/api/3/action/package_list").await;
        assert_eq!(s, StatusCode::OK);
        assert_eq!(v["success"], true);
        assert!(v["help"].as_str().unwrap().ends_with("/api/3/action/help_show?name=package_list"), "{v}");
        assert_eq!(v["result"], public);
        // What `ckanapi dump datasets --all` sends first.
        let (_, v) = post(&mut anon, "package_list", json!({ "include_private": false, "include_drafts": false, "include_deleted": false })).await;
        assert_eq!(v["result"], public);
        let r = anon.post_json("/api/action/package_list", &json!({})).await;
        assert_eq!(r.json()["result"], public);
        let (_, v) = get(&mut anon, "/api/action/package_list?limit=1&offset=1").await;
        assert_eq!(v["result"], json!(["budget-primitif"]));

        // package_show by id and by name, with what ckanapi's dump workers send.
        let (s, by_name) = post(&mut anon, "package_show", json!({ "id": "arbres-d-alignement", "include_datasets": false, "include_password_hash": true, "include_users": false })).await;
        assert_eq!(s, StatusCode::OK, "{by_name}");
        let (_, by_id) = get(&mut anon, &format!("/api/3/action/package_show?id={trees}")).await;
        assert_eq!(by_name["result"], by_id["result"]);
        let d = &by_name["result"];
        assert_eq!(d["id"], trees.as_str());
        assert_eq!(d["name"], "arbres-d-alignement");
        assert_eq!(d["title"], "Arbres d'alignement");
        assert_eq!(d["notes"], "Inventaire des arbres.");
        assert_eq!(d["license_id"], "odc-odbl");
        assert_eq!(d["license_title"], "Open Data Commons Open Database License (ODbL)");
        assert_eq!(d["isopen"], true);
        assert_eq!(d["organization"]["name"], "brest");
        assert_eq!(d["organization"]["title"], "Ville de Brest");
        assert_eq!(d["owner_org"], d["organization"]["id"]);
        assert_eq!((d["state"].as_str(), d["type"].as_str(), d["private"].as_bool()), (Some("active"), Some("dataset"), Some(false)));
        assert_eq!(d["tags"], json!([{ "name": "arbres", "display_name": "arbres", "state": "active", "vocabulary_id": null },
                                     { "name": "environnement", "display_name": "environnement", "state": "active", "vocabulary_id": null }]));
        assert_eq!((d["num_tags"].as_i64(), d["num_resources"].as_i64()), (Some(2), Some(2)));
        assert!(d["url"].as_str().unwrap().ends_with("/catalog/datasets/arbres-d-alignement"));
        let extras: Vec<(String, String)> = d["extras"].as_array().unwrap().iter().map(|e| (e["key"].as_str().unwrap().into(), e["value"].as_str().unwrap().into())).collect();
        assert_eq!(extras, vec![("frequency".into(), "annual".into()), ("temporal_end".into(), "2024-12-31".into()), ("temporal_start".into(), "2020-01-01".into())]);
        let created = d["metadata_created"].as_str().unwrap();
        assert_eq!((created.len(), &created[10..11], created.contains('+') || created.ends_with('Z')), (26, "T", false), "{created}");
        let res = d["resources"].as_array().unwrap();
        assert_eq!(res[0]["name"], "Export");
        assert_eq!(res[0]["url"], "https://exemple.fr/arbres.csv");
        assert_eq!(res[0]["format"], "CSV");
        assert_eq!(res[0]["url_type"], Value::Null);
        assert_eq!((res[0]["position"].as_i64(), res[1]["position"].as_i64()), (Some(0), Some(1)));
        assert_eq!(res[1]["package_id"], trees.as_str());
        assert_eq!(res[1]["url_type"], "upload");
        assert_eq!(res[1]["url"], upload["url"]);
        assert_eq!(res[1]["hash"], upload["checksum"]["value"]);
        assert_eq!(res[1]["size"], 15);
        assert_eq!(res[1]["mimetype"], "application/pdf");
        assert_eq!(res[1]["resource_type"], "documentation");
        assert_eq!(res[1]["datastore_active"], false);

        // resource_show gives the same resource dict.
        let (_, r) = get(&mut anon, &format!("/api/3/action/resource_show?id={}", upload["id"].as_str().unwrap())).await;
        assert_eq!(r["result"], res[1]);

        // Errors: the types ckanapi maps to exceptions, with CKAN's statuses.
        let (s, v) = post(&mut anon, "package_show", json!({ "id": "nope" })).await;
        assert_eq!((s, v["success"].as_bool(), v["error"]["__type"].as_str()), (StatusCode::NOT_FOUND, Some(false), Some("Not Found Error")));
        let (s, v) = post(&mut anon, "package_show", json!({})).await;
        assert_eq!(s, StatusCode::CONFLICT);
        assert_eq!(v["error"], json!({ "__type": "Validation Error", "id": ["Missing value"] }));
        let (s, v) = post(&mut anon, "package_show", json!({ "id": ["a"] })).await;
        assert_eq!((s, v["error"]["__type"].as_str()), (StatusCode::CONFLICT, Some("Validation Error")));
        let (s, v) = post(&mut anon, "package_create", json!({ "name": "x" })).await;
        assert_eq!(s, StatusCode::BAD_REQUEST);
        assert!(v["error"]["message"].as_str().unwrap().contains("Action name not known: package_create"), "{v}");
        let r = anon.request(Method::POST, "/api/3/action/package_list", Some("application/json"), b"{not json".to_vec()).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST);
        assert_eq!(r.json()["success"], false);
        let (s, _) = get(&mut anon, "/api/3/action/package_list?limit=-1").await;
        assert_eq!(s, StatusCode::CONFLICT);
    }
}

#[tokio::test]
async fn private_datasets_stay_private() {
    for b in backends() {
        let Fixture { app, mut alice, .. } = fixture(b).await;
        let mut anon = app.client();
        let (_, v) = post(&mut anon, "package_list", json!({ "include_private": true })).await;
        assert!(!v["result"].as_array().unwrap().iter().any(|n| n == "brouillon-interne"), "{v}");
        let (s, v) = post(&mut anon, "package_show", json!({ "id": "brouillon-interne" })).await;
        assert_eq!((s, v["error"]["__type"].as_str()), (StatusCode::NOT_FOUND, Some("Not Found Error")));
        let (_, v) = post(&mut anon, "package_search", json!({ "q": "brouillon", "include_private": true })).await;
        assert_eq!(v["result"]["count"], 0);
        let (_, v) = get(&mut anon, "/api/3/action/tag_list").await;
        assert!(!v["result"].as_array().unwrap().iter().any(|t| t == "secret"));

        // Its organisation's admin sees it when asking for private datasets, not otherwise.
        let (_, v) = post(&mut alice, "package_list", json!({})).await;
        assert_eq!(v["result"].as_array().unwrap().len(), 3);
        let (_, v) = post(&mut alice, "package_list", json!({ "include_private": true })).await;
        assert_eq!(v["result"].as_array().unwrap().len(), 4);
        let (_, v) = post(&mut alice, "package_search", json!({ "q": "brouillon", "include_private": true })).await;
        assert_eq!(v["result"]["count"], 1);
        assert_eq!(v["result"]["results"][0]["private"], true);

        // A token sent as ckanapi sends it: bare in Authorization and in X-CKAN-API-Key.
        let r = alice.post_json("/api/v1/me/tokens", &json!({ "name": "ckanapi", "scopes": ["catalog:R"] })).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
        let secret = r.json()["token"].as_str().unwrap().to_string();
        let mut ckanapi = app.client();
        ckanapi.headers = vec![("authorization".into(), secret.clone()), ("x-ckan-api-key".into(), secret.clone())];
        let (s, v) = post(&mut ckanapi, "package_show", json!({ "id": "brouillon-interne" })).await;
        assert_eq!(s, StatusCode::OK, "{v}");
        assert_eq!(v["result"]["private"], true);
        let mut key_only = app.client();
        key_only.headers = vec![("x-ckan-api-key".into(), secret)];
        let (s, _) = get(&mut key_only, "/api/3/action/package_show?id=brouillon-interne").await;
        assert_eq!(s, StatusCode::OK);
        // Someone else's token does not open it.
        let mut bob = app.user("bob@ailleurs.fr", false).await;
        let r = bob.post_json("/api/v1/me/tokens", &json!({ "name": "ckanapi", "scopes": ["catalog:R"] })).await;
        let mut bob_api = app.client();
        bob_api.headers = vec![("authorization".into(), r.json()["token"].as_str().unwrap().to_string())];
        let (s, _) = post(&mut bob_api, "package_show", json!({ "id": "brouillon-interne" })).await;
        assert_eq!(s, StatusCode::NOT_FOUND);
        let (_, v) = post(&mut bob_api, "package_list", json!({ "include_private": true })).await;
        assert_eq!(v["result"].as_array().unwrap().len(), 3);
    }
}

#[tokio::test]
async fn package_search_pages_filters_sorts_and_facets() {
    for b in backends() {
        let Fixture { app, .. } = fixture(b).await;
        let mut anon = app.client();
        let (_, v) = post(&mut anon, "package_search", json!({})).await;
        let all = &v["result"];
        assert_eq!(all["count"], 3);
        assert_eq!(all["results"].as_array().unwrap().len(), 3);
        assert_eq!((all["facets"].clone(), all["search_facets"].clone()), (json!({}), json!({})));
        assert_eq!(all["sort"], "score desc, metadata_modified desc");

        // Paging the way `ckanapi search datasets` does (rows, start until an empty page),
        // and windows that do not start on a page boundary.
        let (_, v) = post(&mut anon, "package_search", json!({ "q": "", "sort": "title_string asc", "rows": 1000, "start": 0 })).await;
        let sorted = names(&v["result"]["results"]);
        assert_eq!(sorted, vec!["arbres-d-alignement", "budget-primitif", "horaires-des-bacs"]);
        let mut paged = Vec::new();
        for start in 0..4 {
            let (_, v) = post(&mut anon, "package_search", json!({ "sort": "title_string asc", "rows": 1, "start": start })).await;
            assert_eq!(v["result"]["count"], 3);
            paged.extend(names(&v["result"]["results"]));
        }
        assert_eq!(paged, sorted);
        let (_, v) = post(&mut anon, "package_search", json!({ "sort": "title_string asc", "rows": 2, "start": 1 })).await;
        assert_eq!(names(&v["result"]["results"]), sorted[1..].to_vec());
        let (_, v) = post(&mut anon, "package_search", json!({ "sort": "title_string desc", "rows": 5000 })).await;
        assert_eq!(names(&v["result"]["results"]), sorted.iter().rev().cloned().collect::<Vec<_>>());
        let (_, v) = post(&mut anon, "package_search", json!({ "rows": 0 })).await;
        assert_eq!((v["result"]["count"].as_i64(), v["result"]["results"].as_array().unwrap().len()), (Some(3), 0));

        // Words and Solr-style filters, in q, fq and fq_list, GET and POST.
        let count = |v: &Value| v["result"]["count"].as_i64().unwrap();
        assert_eq!(count(&post(&mut anon, "package_search", json!({ "q": "arbres" })).await.1), 1);
        assert_eq!(count(&post(&mut anon, "package_search", json!({ "fq": "organization:brest" })).await.1), 2);
        assert_eq!(count(&post(&mut anon, "package_search", json!({ "q": "tags:finances" })).await.1), 1);
        assert_eq!(count(&post(&mut anon, "package_search", json!({ "fq": "+res_format:CSV +license_id:odc-odbl" })).await.1), 1);
        assert_eq!(count(&post(&mut anon, "package_search", json!({ "fq_list": ["organization:brest", "tags:arbres"] })).await.1), 1);
        assert_eq!(count(&post(&mut anon, "package_search", json!({ "fq": "organization:nulle-part" })).await.1), 0);
        assert_eq!(count(&get(&mut anon, "/api/3/action/package_search?q=*:*&fq=license_id:lov2").await.1), 2);

        // Facets in both of CKAN's shapes.
        let (s, v) = get(&mut anon, "/api/3/action/package_search?facet.field=%5B%22organization%22,%22tags%22,%22license_id%22,%22res_format%22,%22groups%22%5D&rows=0").await;
        assert_eq!(s, StatusCode::OK, "{v}");
        let sf = &v["result"]["search_facets"];
        assert_eq!(sf["organization"], json!({ "title": "organization", "items": [{ "name": "brest", "display_name": "Ville de Brest", "count": 2 }] }));
        assert_eq!(sf["res_format"]["items"], json!([{ "name": "CSV", "display_name": "CSV", "count": 1 }, { "name": "PDF", "display_name": "PDF", "count": 1 }]));
        assert_eq!(sf["license_id"]["items"][0], json!({ "name": "lov2", "display_name": "Licence Ouverte / Open Licence version 2.0", "count": 2 }));
        assert_eq!(sf["tags"]["items"].as_array().unwrap().len(), 4);
        assert_eq!(sf["groups"]["items"], json!([]));
        assert_eq!(v["result"]["facets"]["organization"], json!({ "brest": 2 }));
        let (_, v) = post(&mut anon, "package_search", json!({ "facet.field": ["tags"], "facet.limit": 1 })).await;
        assert_eq!(v["result"]["search_facets"]["tags"]["items"].as_array().unwrap().len(), 1);

        // What CKAN refuses, it refuses with its error types.
        let (s, v) = post(&mut anon, "package_search", json!({ "sort": "views_recent desc" })).await;
        assert_eq!((s, v["error"]["__type"].as_str()), (StatusCode::BAD_REQUEST, Some("Search Query Error")));
        let (s, v) = post(&mut anon, "package_search", json!({ "fq": "maintainer:x" })).await;
        assert_eq!((s, v["error"]["__type"].as_str()), (StatusCode::BAD_REQUEST, Some("Search Query Error")));
        let (s, v) = post(&mut anon, "package_search", json!({ "facet.field": ["nope"] })).await;
        assert_eq!((s, v["error"]["__type"].as_str()), (StatusCode::BAD_REQUEST, Some("Search Query Error")));
        let (s, v) = post(&mut anon, "package_search", json!({ "rows": "many" })).await;
        assert_eq!(s, StatusCode::CONFLICT);
        assert_eq!(v["error"]["rows"], json!(["Must be a natural number"]));

        // The most recently changed first, with their resources.
        let (_, v) = get(&mut anon, "/api/3/action/current_package_list_with_resources?limit=2").await;
        let recent = v["result"].as_array().unwrap();
        assert_eq!(recent.len(), 2);
        assert!(recent[0]["metadata_modified"].as_str() >= recent[1]["metadata_modified"].as_str());
    }
}

#[tokio::test]
async fn organizations_tags_licences_and_site() {
    for b in backends() {
        let Fixture { app, mut alice, .. } = fixture(b).await;
        created(&mut alice, "/api/v1/organisations", json!({ "name": "Agence de l'eau", "slug": "agence-eau" })).await;
        let mut anon = app.client();
        let (_, v) = get(&mut anon, "/api/3/action/organization_list").await;
        assert_eq!(v["result"], json!(["agence-eau", "brest"]));
        let (_, v) = post(&mut anon, "organization_list", json!({ "all_fields": true, "sort": "package_count desc" })).await;
        let orgs = v["result"].as_array().unwrap();
        assert_eq!((orgs[0]["name"].as_str(), orgs[0]["title"].as_str(), orgs[0]["package_count"].as_i64()), (Some("brest"), Some("Ville de Brest"), Some(2)));
        assert_eq!((orgs[0]["is_organization"].as_bool(), orgs[0]["type"].as_str()), (Some(true), Some("organization")));
        assert_eq!(orgs[1]["package_count"], 0);
        let (_, v) = post(&mut anon, "organization_list", json!({ "organizations": ["brest"], "all_fields": true })).await;
        assert_eq!(v["result"].as_array().unwrap().len(), 1);

        let (_, v) = post(&mut anon, "organization_show", json!({ "id": "brest", "include_datasets": false, "include_users": false })).await;
        assert_eq!(v["result"]["name"], "brest");
        assert!(v["result"].get("packages").is_none());
        let id = v["result"]["id"].as_str().unwrap().to_string();
        let (_, v) = get(&mut anon, &format!("/api/3/action/organization_show?id={id}&include_datasets=true")).await;
        assert_eq!(names(&v["result"]["packages"]), vec!["arbres-d-alignement", "budget-primitif"]);
        let (_, v) = post(&mut alice, "organization_show", json!({ "id": "brest", "include_datasets": true })).await;
        assert_eq!(v["result"]["packages"].as_array().unwrap().len(), 3, "members see their organisation's private datasets");
        let (s, v) = post(&mut anon, "organization_show", json!({ "id": "nope" })).await;
        assert_eq!((s, v["error"]["__type"].as_str()), (StatusCode::NOT_FOUND, Some("Not Found Error")));

        let (_, v) = get(&mut anon, "/api/3/action/tag_list").await;
        assert_eq!(v["result"], json!(["arbres", "environnement", "finances", "transport"]));
        let (_, v) = post(&mut anon, "tag_list", json!({ "query": "arb", "all_fields": true })).await;
        assert_eq!(v["result"], json!([{ "name": "arbres", "display_name": "arbres", "vocabulary_id": null }]));

        let (_, v) = get(&mut anon, "/api/3/action/license_list").await;
        let lov2 = v["result"].as_array().unwrap().iter().find(|l| l["id"] == "lov2").unwrap().clone();
        assert_eq!((lov2["title"].as_str(), lov2["od_conformance"].as_str()), (Some("Licence Ouverte / Open Licence version 2.0"), Some("approved")));

        let (_, v) = get(&mut anon, "/api/3/action/status_show").await;
        assert!(v["result"]["ckan_version"].as_str().unwrap().starts_with("2."));
        let (_, v) = get(&mut anon, "/api/3/action/group_list").await;
        assert_eq!(v["result"], json!([]));
        let (_, v) = get(&mut anon, "/api/3/action/help_show?name=package_search").await;
        assert!(v["result"].as_str().unwrap().contains("rows"));
        let (s, _) = get(&mut anon, "/api/3/action/help_show?name=nope").await;
        assert_eq!(s, StatusCode::NOT_FOUND);
        let (_, v) = get(&mut anon, "/api/3").await;
        assert_eq!(v, json!({ "version": 3 }));
    }
}

#[tokio::test]
async fn datastore_search_reads_loaded_tables() {
    for b in backends() {
        let Fixture { app, mut alice, trees, upload } = fixture(b).await;
        let csv = "commune;population;code_insee\nBrest;139000;29019\nQuimper;63000;29232\nMorlaix;15000;29151\nLanderneau;16000;29103\n";
        let (ct, body) = multipart("communes.csv", "text/csv", csv.as_bytes(), &[]);
        let r = alice.request(Method::POST, &format!("/api/v1/catalog/datasets/{trees}/upload"), Some(&ct), body).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
        let rid = r.json()["id"].as_str().unwrap().to_string();
        let draft: Value = post(&mut alice, "package_show", json!({ "id": "brouillon-interne" })).await.1["result"].clone();
        let (ct, body) = multipart("secret.csv", "text/csv", b"a;b\n1;2\n", &[]);
        let r = alice.request(Method::POST, &format!("/api/v1/catalog/datasets/{}/upload", draft["id"].as_str().unwrap()), Some(&ct), body).await;
        let secret = r.json()["id"].as_str().unwrap().to_string();
        app.platform.run_ready_jobs("test").await.unwrap();

        let mut anon = app.client();
        let (_, d) = post(&mut anon, "package_show", json!({ "id": trees })).await;
        let active: Vec<(String, bool)> = d["result"]["resources"].as_array().unwrap().iter().map(|r| (r["name"].as_str().unwrap().to_string(), r["datastore_active"].as_bool().unwrap())).collect();
        assert_eq!(active.iter().filter(|(_, a)| *a).count(), 1, "{active:?}");
        assert!(active.last().unwrap().1, "the CSV's table is loaded: {active:?}");

        // What `ckanapi dump --datastore-fields` asks: the fields only.
        let (s, v) = post(&mut anon, "datastore_search", json!({ "resource_id": rid, "limit": 0 })).await;
        assert_eq!(s, StatusCode::OK, "{v}");
        let res = &v["result"];
        assert_eq!(res["fields"], json!([{ "id": "_id", "type": "int" }, { "id": "commune", "type": "text" }, { "id": "population", "type": "int" }, { "id": "code_insee", "type": "text" }]));
        assert_eq!((res["total"].as_i64(), res["records"].as_array().unwrap().len()), (Some(4), 0));

        let (_, v) = post(&mut anon, "datastore_search", json!({ "resource_id": rid, "sort": "population desc", "limit": 2, "offset": 1 })).await;
        let res = &v["result"];
        assert_eq!(res["records"], json!([{ "_id": 2, "commune": "Quimper", "population": 63000, "code_insee": "29232" }, { "_id": 4, "commune": "Landerneau", "population": 16000, "code_insee": "29103" }]));
        assert_eq!((res["limit"].as_i64(), res["offset"].as_i64(), res["total"].as_i64()), (Some(2), Some(1), Some(4)));
        assert_eq!(res["_links"]["next"], format!("/api/3/action/datastore_search?resource_id={rid}&offset=3&limit=2"));

        let (_, v) = get(&mut anon, &format!("/api/3/action/datastore_search?resource_id={rid}&filters=%7B%22code_insee%22:%2229232%22%7D")).await;
        assert_eq!((v["result"]["total"].as_i64(), v["result"]["records"][0]["commune"].as_str()), (Some(1), Some("Quimper")));
        let (_, v) = post(&mut anon, "datastore_search", json!({ "resource_id": rid, "filters": { "commune": ["Brest", "Morlaix"] }, "fields": ["commune"], "records_format": "lists", "sort": "commune" })).await;
        assert_eq!(v["result"]["records"], json!([[1, "Brest"], [3, "Morlaix"]]));
        assert_eq!(v["result"]["total"], 2);
        let (_, v) = post(&mut anon, "datastore_search", json!({ "resource_id": rid, "q": "lander", "records_format": "csv", "include_total": false })).await;
        assert_eq!(v["result"]["records"], "4,Landerneau,16000,29103\n");
        assert!(v["result"].get("total").is_none());
        let (_, v) = post(&mut anon, "datastore_search", json!({ "resource_id": rid, "q": { "commune": "mor" } })).await;
        assert_eq!(v["result"]["total"], 1);

        // Errors: unknown fields and values, resources without a table, private ones.
        let (s, v) = post(&mut anon, "datastore_search", json!({ "resource_id": rid, "filters": { "nope": 1 } })).await;
        assert_eq!((s, v["error"]["__type"].as_str()), (StatusCode::CONFLICT, Some("Validation Error")));
        assert_eq!(v["error"]["filters"], json!(["field \"nope\" not in table"]));
        let (s, _) = post(&mut anon, "datastore_search", json!({ "resource_id": rid, "filters": { "population": "beaucoup" } })).await;
        assert_eq!(s, StatusCode::CONFLICT);
        let (s, _) = post(&mut anon, "datastore_search", json!({ "resource_id": rid, "sort": "nope desc" })).await;
        assert_eq!(s, StatusCode::CONFLICT);
        for other in [upload["id"].as_str().unwrap(), secret.as_str(), "nope"] {
            let (s, v) = post(&mut anon, "datastore_search", json!({ "resource_id": other })).await;
            assert_eq!((s, v["error"]["__type"].as_str()), (StatusCode::NOT_FOUND, Some("Not Found Error")), "{other}");
        }
        let (s, v) = post(&mut alice, "datastore_search", json!({ "resource_id": secret })).await;
        assert_eq!((s, v["result"]["total"].as_i64()), (StatusCode::OK, Some(1)), "{v}");
        let (s, _) = post(&mut anon, "datastore_search", json!({})).await;
        assert_eq!(s, StatusCode::CONFLICT);
    }
}
