//! DCAT-AP export at udata's paths, on both backends: every format with its content type,
//! only public datasets in catalogues whoever asks, private and deleted datasets never shown,
//! Hydra paging links, content negotiation, a hostile title escaped in each syntax. The
//! documents' validity against the DCAT-AP SHACL shapes is checked with rdflib and pyshacl by
//! scripts/live.d/40-dcat-pyshacl.sh.
use http::StatusCode;
use serde_json::{json, Value};
use testkit::{backends, Client};

use crate::app;

const HOSTILE: &str = "Qualité \"de l'air\" <script>alert('x')</script> & co \\ fin";

async fn dataset(c: &mut Client, body: Value) -> String {
    let r = c.post_json("/api/v1/catalog/datasets", &body).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    r.json()["id"].as_str().unwrap().to_string()
}

fn content_type(r: &testkit::TestResponse) -> String {
    r.header("content-type").unwrap_or("").split(';').next().unwrap_or("").to_string()
}

/// The dataset ids a JSON-LD catalogue lists.
fn listed(doc: &Value) -> Vec<String> {
    let graph = doc["@graph"].as_array().unwrap();
    let catalog = graph.iter().find(|n| n["@type"].as_array().is_some_and(|t| t.contains(&json!("dcat:Catalog")))).expect("a catalog node");
    let ids: Vec<String> = catalog["dcat:dataset"].as_array().map(|a| a.iter().map(|d| d["@id"].as_str().unwrap().to_string()).collect()).unwrap_or_default();
    ids.iter()
        .map(|iri| {
            let node = graph.iter().find(|n| n["@id"] == iri.as_str()).expect("dataset node");
            node["dct:identifier"][0]["@value"].as_str().unwrap().to_string()
        })
        .collect()
}

fn hydra<'a>(doc: &'a Value, rel: &str) -> Option<&'a str> {
    let graph = doc["@graph"].as_array().unwrap();
    let view = graph.iter().find(|n| n["@type"].as_array().is_some_and(|t| t.contains(&json!("hydra:PartialCollectionView"))))?;
    view[format!("hydra:{rel}")][0]["@id"].as_str()
}

#[tokio::test]
async fn catalogues_show_public_datasets_only_in_every_format() {
    for b in backends() {
        let app = app(b).await;
        let mut alice = app.user("alice@ville.fr", false).await;
        let r = alice.post_json("/api/v1/organisations", &json!({ "name": "Ville de Brest", "slug": "brest" })).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
        let public = dataset(
            &mut alice,
            json!({ "title": HOSTILE, "description": "Mesures.\nDeuxième ligne.", "license": "lov2", "frequency": "daily", "tags": ["air"],
                    "organization": "brest", "spatial": { "zones": ["fr:departement:29"] },
                    "temporal_coverage": { "start": "2020-01-01", "end": "2024-12-31" } }),
        )
        .await;
        let r = alice.post_json(&format!("/api/v1/catalog/datasets/{public}/resources"), &json!({ "title": "Export", "url": "https://exemple.fr/air.csv?a=1&b=2" })).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
        let private = dataset(&mut alice, json!({ "title": "Brouillon interne", "private": true, "organization": "brest" })).await;
        let deleted = dataset(&mut alice, json!({ "title": "Jeu supprimé", "organization": "brest" })).await;
        assert_eq!(alice.delete(&format!("/api/v1/catalog/datasets/{deleted}")).await.status, StatusCode::NO_CONTENT);
        let own = dataset(&mut alice, json!({ "title": "Relevés personnels" })).await;

        let mut anon = app.client();
        let mut admin = app.user("admin@communs.fr", true).await;
        for who in [&mut anon, &mut alice, &mut admin] {
            let r = who.get("/api/1/site/catalog.jsonld").await;
            assert_eq!((r.status, content_type(&r).as_str()), (StatusCode::OK, "application/ld+json"), "{}", r.text());
            let ids = listed(&r.json());
            assert!(ids.contains(&public) && ids.contains(&own), "{ids:?}");
            assert!(!ids.contains(&private) && !ids.contains(&deleted), "{ids:?}");
        }

        for (ext, ctype) in [("ttl", "text/turtle"), ("rdf", "application/rdf+xml"), ("xml", "application/rdf+xml"), ("json", "application/ld+json"), ("nt", "application/n-triples")] {
            let r = anon.get(&format!("/api/1/site/catalog.{ext}")).await;
            assert_eq!((r.status, content_type(&r).as_str()), (StatusCode::OK, ctype), "{ext}: {}", r.text());
            let body = r.text();
            assert!(body.contains(&public), "{ext}");
            assert!(!body.contains(&private) && !body.contains(&deleted) && !body.contains("Brouillon"), "{ext} leaks");
            let r = anon.get(&format!("/api/1/organizations/brest/catalog.{ext}")).await;
            assert_eq!((r.status, content_type(&r).as_str()), (StatusCode::OK, ctype), "{ext}: {}", r.text());
            assert!(r.text().contains(&public) && !r.text().contains(&own), "{ext}: organisation catalogue lists its datasets only");
            let r = anon.get(&format!("/api/1/datasets/{public}/rdf.{ext}")).await;
            assert_eq!((r.status, content_type(&r).as_str()), (StatusCode::OK, ctype), "{ext}");
            for hidden in [&private, &deleted] {
                assert_eq!(anon.get(&format!("/api/1/datasets/{hidden}/rdf.{ext}")).await.status, StatusCode::NOT_FOUND, "{ext}");
            }
        }

        // The hostile title, escaped the way each syntax needs.
        let ttl = anon.get(&format!("/api/1/datasets/{public}/rdf.ttl")).await.text();
        assert!(ttl.contains(r#"dct:title "Qualité \"de l'air\" <script>alert('x')</script> & co \\ fin""#), "{ttl}");
        assert!(ttl.contains(r#"dct:description "Mesures.\nDeuxième ligne.""#), "{ttl}");
        assert!(ttl.contains("<https://exemple.fr/air.csv?a=1&b=2>"), "{ttl}");
        let xml = anon.get(&format!("/api/1/datasets/{public}/rdf.xml")).await.text();
        assert!(xml.contains("<dct:title>Qualité &quot;de l&apos;air&quot; &lt;script&gt;alert(&apos;x&apos;)&lt;/script&gt; &amp; co \\ fin</dct:title>"), "{xml}");
        assert!(xml.contains("rdf:resource=\"https://exemple.fr/air.csv?a=1&amp;b=2\""), "{xml}");
        let doc = anon.get(&format!("/api/1/datasets/{public}/rdf.jsonld")).await.json();
        let node = doc["@graph"].as_array().unwrap().iter().find(|n| n["dct:identifier"][0]["@value"] == public.as_str()).unwrap().clone();
        assert_eq!(node["dct:title"][0]["@value"], HOSTILE);
        assert_eq!(node["dct:accrualPeriodicity"][0]["@id"], "http://publications.europa.eu/resource/authority/frequency/DAILY");
        assert_eq!(node["dcat:landingPage"][0]["@id"].as_str().map(|s| s.ends_with("/catalog/datasets/qualite-de-l-air-script-alert-x-script-co-fin")), Some(true), "{node}");
        let nt = anon.get(&format!("/api/1/datasets/{public}/rdf.nt")).await.text();
        assert!(nt.lines().all(|l| l.ends_with(" .")), "{nt}");
        assert!(nt.contains(r#"<http://purl.org/dc/terms/title> "Qualité \"de l'air\" <script>alert('x')</script> & co \\ fin" ."#), "{nt}");

        // The owner reads her private dataset's description, marked non-public; the catalogue
        // still leaves it out (checked above).
        let r = alice.get(&format!("/api/1/datasets/{private}/rdf.ttl")).await;
        assert_eq!(r.status, StatusCode::OK);
        assert!(r.text().contains("access-right/NON_PUBLIC"), "{}", r.text());
        assert_eq!(admin.get(&format!("/api/1/datasets/{deleted}/rdf.ttl")).await.status, StatusCode::NOT_FOUND);
        assert_eq!(anon.get("/api/1/organizations/nowhere/catalog.ttl").await.status, StatusCode::NOT_FOUND);
    }
}

#[tokio::test]
async fn catalogues_page_with_hydra_and_negotiate() {
    for b in backends() {
        let app = app(b).await;
        let mut alice = app.user("alice@ville.fr", false).await;
        for i in 0..5 {
            dataset(&mut alice, json!({ "title": format!("Jeu {i}"), "tags": ["paged"] })).await;
        }
        let mut anon = app.client();
        let total = anon.get("/api/v1/catalog/datasets?page_size=1").await.json()["total"].as_i64().unwrap();
        assert!(total >= 5);

        let first = anon.get("/api/1/site/catalog.jsonld?page_size=2&tag=paged").await.json();
        assert_eq!(listed(&first).len(), 2);
        let catalog = first["@graph"].as_array().unwrap().iter().find(|n| n["@type"].as_array().unwrap().contains(&json!("dcat:Catalog"))).unwrap().clone();
        assert_eq!(catalog["hydra:totalItems"][0]["@value"], "5");
        let base = "http://127.0.0.1:8080/api/1/site/catalog.json";
        assert_eq!(hydra(&first, "first"), Some(format!("{base}?tag=paged&page=1&page_size=2").as_str()));
        assert_eq!(hydra(&first, "last"), Some(format!("{base}?tag=paged&page=3&page_size=2").as_str()));
        assert_eq!(hydra(&first, "next"), Some(format!("{base}?tag=paged&page=2&page_size=2").as_str()));
        assert_eq!(hydra(&first, "previous"), None);
        let last = anon.get("/api/1/site/catalog.jsonld?page_size=2&tag=paged&page=3").await.json();
        assert_eq!(listed(&last).len(), 1);
        assert_eq!(hydra(&last, "next"), None);
        assert!(hydra(&last, "previous").is_some_and(|p| p.contains("page=2")));
        let mut seen: Vec<String> = Vec::new();
        for page in 1..=3 {
            seen.extend(listed(&anon.get(&format!("/api/1/site/catalog.jsonld?page_size=2&tag=paged&page={page}")).await.json()));
        }
        seen.sort();
        seen.dedup();
        assert_eq!(seen.len(), 5);
        // Without page_size, udata's 100.
        let all = anon.get("/api/1/site/catalog.jsonld").await.json();
        assert_eq!(listed(&all).len() as i64, total.min(100));

        for bad in ["page_size=0", "page_size=1001", "page=x", "sort=nonsense", "colour=red"] {
            let r = anon.get(&format!("/api/1/site/catalog.ttl?{bad}")).await;
            assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{bad}: {}", r.text());
        }

        for (accept, ext) in [(Some("text/turtle"), "ttl"), (Some("application/rdf+xml;q=0.5, application/n-triples"), "nt"), (None, "json")] {
            if let Some(a) = accept {
                anon.headers.push(("accept".into(), a.into()));
            }
            let r = anon.get("/api/1/site/catalog?page=2").await;
            assert_eq!((r.status, r.header("location")), (StatusCode::FOUND, Some(format!("/api/1/site/catalog.{ext}?page=2").as_str())));
            let id = listed(&first)[0].clone();
            let r = anon.get(&format!("/api/1/datasets/{id}/rdf")).await;
            assert_eq!((r.status, r.header("location")), (StatusCode::FOUND, Some(format!("/api/1/datasets/{id}/rdf.{ext}").as_str())));
            anon.headers.clear();
        }
        assert_eq!(anon.get("/api/1/datasets/unknown/rdf").await.status, StatusCode::NOT_FOUND);
    }
}
