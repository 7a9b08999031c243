//! The seed bank's API: harvests, lots, the stock ledger, tests and their metrics, the viability
//! forecast, permissions and audit, on both backends.
use http::{Method, StatusCode};
use serde_json::json;
use sqlx::Row;
use testkit::backends;

use crate::{bank, cd_nom, put_json};

async fn audit_count(app: &testkit::TestApp, object_type: &str) -> i64 {
    sqlx::query("SELECT COUNT(*) FROM audit_log WHERE module = 'seedbank' AND object_type = $1")
        .bind(object_type)
        .fetch_one(app.platform.db.pool())
        .await
        .unwrap()
        .get(0)
}

#[tokio::test]
async fn harvest_lot_ledger_test_and_forecast() {
    for b in backends() {
        let mut s = bank(b).await;
        let eryngium = cd_nom(&mut s.keeper, "Eryngium alpinum").await;

        // Every field error at once, nothing written.
        let bad = s.keeper.post_json("/api/v1/seedbank/harvests", &json!({ "org_id": s.org, "date_start": "2024-02-30", "commune_insee": "5023", "lat": 95.0, "population_class": "many", "code": "24_1" })).await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY, "{b:?}");
        let fields: Vec<String> = bad.json()["errors"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| {
                format!(
                    "{}:{}",
                    e["field"].as_str().unwrap(),
                    e["code"].as_str().unwrap()
                )
            })
            .collect();
        for want in [
            "date_start:invalid_date",
            "commune_insee:invalid_insee",
            "lat:out_of_range",
            "population_class:invalid_choice",
            "code:invalid_harvest_code",
        ] {
            assert!(
                fields.contains(&want.to_string()),
                "{b:?}: {want} in {fields:?}"
            );
        }
        assert_eq!(audit_count(&s.app, "harvest").await, 0);

        // Codes follow the CBNA form YYYY_NNNN, numbered within the year.
        let h = s
            .keeper
            .post_json(
                "/api/v1/seedbank/harvests",
                &json!({ "org_id": s.org, "date_start": "2024-08-22", "locality": "Col du Lautaret", "commune_insee": "05181", "lat": 45.0355, "lon": 6.4045, "population_class": "101-1000", "plants_sampled": 40 }),
            )
            .await;
        assert_eq!(h.status, StatusCode::CREATED, "{b:?}: {}", h.text());
        let h = h.json();
        assert_eq!(h["code"], "2024_0001");
        assert_eq!(h["commune_insee"], "05181", "leading zero kept");
        let h2 = s
            .keeper
            .post_json(
                "/api/v1/seedbank/harvests",
                &json!({ "org_id": s.org, "date_start": "2024-09-01" }),
            )
            .await
            .json();
        assert_eq!(h2["code"], "2024_0002");
        let taken = s
            .keeper
            .post_json(
                "/api/v1/seedbank/harvests",
                &json!({ "org_id": s.org, "date_start": "2024-09-01", "code": "2024_0002" }),
            )
            .await;
        assert_eq!(
            (taken.status, taken.json()["errors"][0]["code"].as_str()),
            (StatusCode::UNPROCESSABLE_ENTITY, Some("code_taken"))
        );

        // A lot from the harvest takes its code and rank.
        let lot = s
            .keeper
            .post_json("/api/v1/seedbank/lots", &json!({ "harvest_id": h["id"], "material_type": "seed", "taxa": [eryngium], "org_id": s.org, "thousand_seed_mass_g": 3.2, "storage_temperature_c": -20.0, "moisture_percent": 6.0 }))
            .await;
        assert_eq!(lot.status, StatusCode::CREATED, "{b:?}: {}", lot.text());
        let lot = lot.json();
        assert_eq!(lot["code"], "2024_0001-1");
        assert_eq!(lot["taxa"][0]["lb_nom"], "Eryngium alpinum");
        let id = lot["id"].as_i64().unwrap();
        let unknown = s
            .keeper
            .post_json(
                "/api/v1/seedbank/lots",
                &json!({ "code": "X-1", "material_type": "seed", "taxa": [1], "org_id": s.org }),
            )
            .await;
        assert_eq!(
            unknown.json()["errors"][0]["code"],
            "unknown_taxon",
            "{b:?}"
        );

        // The ledger: 16 g at 3.2 g per thousand seeds is 5,000 seeds.
        let base = format!("/api/v1/seedbank/lots/{id}/movements");
        let dep = s.keeper.post_json(&base, &json!({ "kind": "deposit", "on_date": "2024-09-10", "place": "Chambre froide", "quantity": 16, "unit": "g" })).await;
        assert_eq!(dep.status, StatusCode::CREATED, "{b:?}: {}", dep.text());
        assert_eq!(dep.json()["seeds"], 5000);
        let moved = s.keeper.post_json(&base, &json!({ "kind": "transfer", "on_date": "2024-09-11", "place": "Chambre froide", "to_place": "Double de sécurité", "quantity": 1000, "unit": "seeds" })).await;
        assert_eq!(moved.status, StatusCode::CREATED, "{}", moved.text());
        // Taking more than a place holds is refused whole: no balance, row or audit changes.
        let before_audit = audit_count(&s.app, "movement").await;
        let over = s.keeper.post_json(&base, &json!({ "kind": "withdrawal", "purpose": "sowing", "on_date": "2024-09-12", "place": "Double de sécurité", "quantity": 1001, "unit": "seeds" })).await;
        assert_eq!(
            (over.status, over.json()["errors"][0]["code"].as_str()),
            (StatusCode::UNPROCESSABLE_ENTITY, Some("insufficient_stock")),
            "{b:?}"
        );
        assert_eq!(audit_count(&s.app, "movement").await, before_audit);
        let no_purpose = s.keeper.post_json(&base, &json!({ "kind": "withdrawal", "on_date": "2024-09-12", "place": "Chambre froide", "quantity": 10, "unit": "seeds" })).await;
        assert_eq!(no_purpose.json()["errors"][0]["field"], "purpose");
        let stock = s
            .keeper
            .get(&format!("/api/v1/seedbank/lots/{id}/stock"))
            .await
            .json();
        assert_eq!(
            stock,
            json!([{ "place": "Chambre froide", "seeds": 4000 }, { "place": "Double de sécurité", "seeds": 1000 }]),
            "{b:?}"
        );
        // A stocktake states the count found; the ledger records the difference.
        let count = s.keeper.post_json(&base, &json!({ "kind": "correction", "on_date": "2024-12-01", "place": "Chambre froide", "quantity": 3990, "unit": "seeds" })).await;
        assert_eq!(count.json()["seeds"], -10, "{b:?}: {}", count.text());
        assert_eq!(
            s.keeper
                .get(&format!("/api/v1/seedbank/lots/{id}"))
                .await
                .json()["stock_seeds"],
            4990
        );

        // A germination test takes its seeds from the stock in the same transaction.
        let too_many = s.keeper.post_json(&format!("/api/v1/seedbank/lots/{id}/tests"), &json!({ "kind": "germination", "started_on": "2025-01-06", "seeds_tested": 2000, "withdraw_from": "Double de sécurité" })).await;
        assert_eq!(
            (
                too_many.status,
                too_many.json()["errors"][0]["field"].as_str()
            ),
            (StatusCode::UNPROCESSABLE_ENTITY, Some("withdraw_from")),
            "{b:?}"
        );
        assert_eq!(
            s.keeper
                .get(&format!("/api/v1/seedbank/lots/{id}/tests"))
                .await
                .json(),
            json!([]),
            "{b:?}: the refused test is not half-written"
        );
        let t = s
            .keeper
            .post_json(&format!("/api/v1/seedbank/lots/{id}/tests"), &json!({ "kind": "germination", "started_on": "2025-01-06", "seeds_tested": 50, "replicates": 2, "temperature_day_c": 20, "withdraw_from": "Chambre froide" }))
            .await;
        assert_eq!(t.status, StatusCode::CREATED, "{}", t.text());
        let t = t.json();
        assert!(t["movement_id"].as_i64().is_some());
        assert_eq!(
            s.keeper
                .get(&format!("/api/v1/seedbank/lots/{id}"))
                .await
                .json()["stock_seeds"],
            4940
        );
        let tid = t["id"].as_i64().unwrap();

        // No forecast before counts.
        assert_eq!(
            s.keeper
                .get(&format!("/api/v1/seedbank/lots/{id}/forecast"))
                .await
                .json()["missing"],
            "no_germination_test"
        );

        // The germinationmetrics example: 0,0,0,0,4,17,10,7,1,0,1 germinated on days 1..11 of 50 seeds.
        let per_day = [0, 0, 0, 0, 4, 17, 10, 7, 1, 0, 1];
        let mut counts = Vec::new();
        for (d, g) in per_day.iter().enumerate() {
            let day = format!("2025-01-{:02}", 7 + d);
            counts.push(json!({ "replicate": 1, "counted_on": day, "germinated": g / 2 }));
            counts.push(json!({ "replicate": 2, "counted_on": day, "germinated": g - g / 2 }));
        }
        let bad_counts = put_json(
            &mut s.keeper,
            &format!("/api/v1/seedbank/tests/{tid}/counts"),
            &json!([{ "replicate": 3, "counted_on": "2025-01-05", "germinated": -1 }]),
        )
        .await;
        let fields: Vec<String> = bad_counts.json()["errors"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["field"].as_str().unwrap().to_string())
            .collect();
        assert_eq!(
            fields,
            [
                "counts[0].counted_on",
                "counts[0].replicate",
                "counts[0].germinated"
            ],
            "{b:?}"
        );
        let too_many = put_json(&mut s.keeper, &format!("/api/v1/seedbank/tests/{tid}/counts"), &json!([{ "counted_on": "2025-01-08", "germinated": 40 }, { "counted_on": "2025-01-09", "germinated": 40 }])).await;
        assert_eq!(
            too_many.json()["errors"][0]["code"],
            "inconsistent_counts",
            "{b:?}: {}",
            too_many.text()
        );
        let done = put_json(
            &mut s.keeper,
            &format!("/api/v1/seedbank/tests/{tid}/counts"),
            &json!(counts),
        )
        .await;
        assert_eq!(done.status, StatusCode::OK, "{b:?}: {}", done.text());
        let m = &done.json()["metrics"];
        assert_eq!(m["germination_percent"], 80.0);
        assert!(
            (m["mean_germination_time"].as_f64().unwrap() - 6.7).abs() < 1e-9,
            "{m}"
        );
        assert!(
            (m["t50_coolbear"].as_f64().unwrap() - 5.970588).abs() < 1e-6,
            "{m}"
        );
        assert!(
            (m["synchrony"].as_f64().unwrap() - 0.2666667).abs() < 1e-6,
            "{m}"
        );

        // The forecast needs the taxon's constants, set by an administrator with their source.
        assert_eq!(
            s.keeper
                .get(&format!("/api/v1/seedbank/lots/{id}/forecast"))
                .await
                .json()["missing"],
            "no_constants",
            "{b:?}"
        );
        let constants = json!({ "ke": 6.975, "cw": 3.47, "ch": 0.040, "cq": 0.000428, "source": "test constants (Allium cepa, Ellis & Roberts 1981)" });
        let refused = put_json(
            &mut s.keeper,
            &format!("/api/v1/seedbank/taxa/{eryngium}/viability-constants"),
            &constants,
        )
        .await;
        assert_eq!(refused.status, StatusCode::FORBIDDEN);
        assert_eq!(
            put_json(
                &mut s.admin,
                &format!("/api/v1/seedbank/taxa/{eryngium}/viability-constants"),
                &constants
            )
            .await
            .status,
            StatusCode::NO_CONTENT
        );
        let f = s
            .keeper
            .get(&format!("/api/v1/seedbank/lots/{id}/forecast"))
            .await
            .json();
        let f = &f["forecast"];
        assert_eq!(f["initial_percent"], 80.0, "{b:?}: {f}");
        assert_eq!(f["tested_on"], "2025-01-06");
        assert!(
            f["predicted_percent"].as_f64().unwrap() < 80.0
                && f["predicted_percent"].as_f64().unwrap() > 70.0,
            "{f}"
        );
        let by = f["regenerate_by"].as_str().unwrap();
        assert!(by > "2026-01-06", "{f}");

        // A sowing is recorded like a test: its code is the year's next SYYYY_NNNN, its seeds
        // leave the stock for `sowing`, its emerged seedlings give the same metrics.
        let bad = s.keeper.post_json(&format!("/api/v1/seedbank/lots/{id}/tests"), &json!({ "kind": "sowing", "code": "2025_0001", "started_on": "2025-03-01", "seeds_tested": 40, "depth_mm": 0 })).await;
        let codes: Vec<String> = bad.json()["errors"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["code"].as_str().unwrap().to_string())
            .collect();
        assert_eq!(codes, ["out_of_range", "invalid_sowing_code"], "{b:?}");
        let not_sowing = s.keeper.post_json(&format!("/api/v1/seedbank/lots/{id}/tests"), &json!({ "kind": "germination", "code": "S2025_0001", "started_on": "2025-03-01", "seeds_tested": 40 })).await;
        assert_eq!(not_sowing.json()["errors"][0]["code"], "not_a_sowing");
        let sowing = s
            .keeper
            .post_json(
                &format!("/api/v1/seedbank/lots/{id}/tests"),
                &json!({ "kind": "sowing", "started_on": "2025-03-01", "seeds_tested": 40, "location": "Pépinière", "container": "Caissette", "depth_mm": 2.5, "withdraw_from": "Chambre froide" }),
            )
            .await;
        assert_eq!(
            sowing.status,
            StatusCode::CREATED,
            "{b:?}: {}",
            sowing.text()
        );
        let sowing = sowing.json();
        assert_eq!(
            (
                sowing["code"].as_str(),
                sowing["location"].as_str(),
                sowing["depth_mm"].as_f64()
            ),
            (Some("S2025_0001"), Some("Pépinière"), Some(2.5))
        );
        let ledger = s
            .keeper
            .get(&format!("/api/v1/seedbank/lots/{id}/movements"))
            .await
            .json();
        assert_eq!(
            (ledger[0]["purpose"].as_str(), ledger[0]["seeds"].as_i64()),
            (Some("sowing"), Some(-40)),
            "{b:?}"
        );
        let second = s
            .keeper
            .post_json(
                &format!("/api/v1/seedbank/lots/{id}/tests"),
                &json!({ "kind": "sowing", "started_on": "2025-04-01", "seeds_tested": 10 }),
            )
            .await
            .json();
        assert_eq!(second["code"], "S2025_0002");
        let taken = s.keeper.post_json(&format!("/api/v1/seedbank/lots/{id}/tests"), &json!({ "kind": "sowing", "code": "S2025_0002", "started_on": "2025-04-01", "seeds_tested": 10 })).await;
        assert_eq!(taken.json()["errors"][0]["code"], "code_taken");
        let emerged = put_json(&mut s.keeper, &format!("/api/v1/seedbank/tests/{}/counts", sowing["id"]), &json!([{ "counted_on": "2025-03-15", "germinated": 12 }, { "counted_on": "2025-03-22", "germinated": 18 }])).await;
        assert_eq!(
            emerged.json()["metrics"]["germination_percent"],
            75.0,
            "{b:?}: {}",
            emerged.text()
        );
        // The forecast keeps to germination tests.
        assert_eq!(
            s.keeper
                .get(&format!("/api/v1/seedbank/lots/{id}/forecast"))
                .await
                .json()["forecast"]["test_id"],
            t["id"]
        );

        // Every mutation is audited.
        for (object, at_least) in [
            ("harvest", 2),
            ("lot", 1),
            ("movement", 4),
            ("test", 2),
            ("taxref", 1),
            ("viability_constants", 1),
        ] {
            assert!(
                audit_count(&s.app, object).await >= at_least,
                "{b:?}: {object}"
            );
        }

        // A harvest with lots is kept as their provenance; one without can go.
        assert_eq!(
            s.keeper
                .delete(&format!("/api/v1/seedbank/harvests/{}", h["id"]))
                .await
                .status,
            StatusCode::CONFLICT
        );
        assert_eq!(
            s.keeper
                .delete(&format!("/api/v1/seedbank/harvests/{}", h2["id"]))
                .await
                .status,
            StatusCode::NO_CONTENT
        );

        // MCPD passport data for genebanks: the lot, its taxon and its harvest's collecting data.
        let csv = s
            .keeper
            .get("/api/v1/seedbank/exports/mcpd.csv?instcode=FRA999")
            .await;
        assert_eq!(csv.header("content-type"), Some("text/csv; charset=utf-8"));
        let text = csv.text();
        let mut lines = text.lines();
        assert!(
            lines
                .next()
                .unwrap()
                .starts_with("PUID,INSTCODE,ACCENUMB,COLLNUMB,"),
            "{text}"
        );
        let row = lines.next().unwrap();
        assert!(
            row.contains(",FRA999,2024_0001-1,2024_0001,")
                && row.contains(",Eryngium,alpinum,")
                && row.contains(",20240822,100,10,,13,"),
            "{b:?}: {row}"
        );
        assert!(row.contains(",45.0355,450208N,6.4045,0062416E,"), "{row}");
        assert_eq!(lines.next(), None);
        assert_eq!(
            s.keeper
                .get("/api/v1/seedbank/exports/mcpd.csv?instcode=fra")
                .await
                .status,
            StatusCode::UNPROCESSABLE_ENTITY
        );

        // A Darwin Core Archive: the harvest as an event, its lot as a MaterialSample occurrence.
        let zip = s.keeper.get("/api/v1/seedbank/exports/dwca.zip").await;
        assert_eq!(zip.header("content-type"), Some("application/zip"));
        let mut archive = zip::ZipArchive::new(std::io::Cursor::new(zip.body.to_vec())).unwrap();
        let mut read = |name: &str| {
            let mut text = String::new();
            std::io::Read::read_to_string(&mut archive.by_name(name).unwrap(), &mut text).unwrap();
            text
        };
        assert!(read("meta.xml").contains("rowType=\"http://rs.tdwg.org/dwc/terms/Occurrence\""));
        let events: Vec<Vec<String>> = read("event.txt")
            .lines()
            .map(|l| l.split('\t').map(str::to_string).collect())
            .collect();
        let occurrences: Vec<Vec<String>> = read("occurrence.txt")
            .lines()
            .map(|l| l.split('\t').map(str::to_string).collect())
            .collect();
        assert_eq!(
            (events.len(), occurrences.len()),
            (2, 2),
            "{b:?}: a header and one row each"
        );
        let col = |rows: &Vec<Vec<String>>, term: &str| {
            rows[1][rows[0].iter().position(|c| c == term).unwrap()].clone()
        };
        assert_eq!(
            (
                col(&events, "fieldNumber"),
                col(&events, "locationID"),
                col(&events, "decimalLatitude")
            ),
            ("2024_0001".into(), "INSEE:05181".into(), "45.0355".into())
        );
        assert_eq!(
            (
                col(&occurrences, "basisOfRecord"),
                col(&occurrences, "catalogNumber"),
                col(&occurrences, "scientificName")
            ),
            (
                "MaterialSample".into(),
                "2024_0001-1".into(),
                "Eryngium alpinum L., 1753".into()
            )
        );
        assert_eq!(
            col(&occurrences, "id"),
            col(&events, "eventID"),
            "the occurrence points at its event"
        );
        assert!(events
            .iter()
            .chain(&occurrences)
            .all(|r| r.len() == events[0].len() || r.len() == occurrences[0].len()));

        // Lots are found by the words of their taxa, accents and case aside, and by a synonym.
        let found = s
            .keeper
            .get("/api/v1/seedbank/lots?q=ERYNGIUM")
            .await
            .json();
        assert_eq!(found["total"], 1, "{b:?}: {found}");
        assert_eq!(
            s.keeper
                .get("/api/v1/seedbank/lots?q=nothing-like-it")
                .await
                .json()["total"],
            0
        );
        assert_eq!(
            s.keeper
                .get(&format!("/api/v1/seedbank/lots?cd_nom={eryngium}"))
                .await
                .json()["total"],
            1
        );
    }
}

#[tokio::test]
async fn rows_are_scoped_to_their_organisation() {
    for b in backends() {
        let mut s = bank(b).await;
        let gentian = cd_nom(&mut s.keeper, "Gentiana lutea").await;
        let lot = s.keeper.post_json("/api/v1/seedbank/lots", &json!({ "code": "CBN-1", "material_type": "seed", "taxa": [gentian], "org_id": s.org })).await;
        assert_eq!(lot.status, StatusCode::CREATED, "{b:?}: {}", lot.text());
        let id = lot.json()["id"].as_i64().unwrap();

        // Someone outside the organisation neither sees nor changes it.
        let mut other = s.app.user("other@example.org", false).await;
        assert_eq!(
            other
                .get(&format!("/api/v1/seedbank/lots/{id}"))
                .await
                .status,
            StatusCode::NOT_FOUND,
            "{b:?}"
        );
        assert_eq!(other.get("/api/v1/seedbank/lots").await.json()["total"], 0);
        let m = other.post_json(&format!("/api/v1/seedbank/lots/{id}/movements"), &json!({ "kind": "deposit", "on_date": "2024-01-01", "place": "A", "quantity": 1, "unit": "seeds" })).await;
        assert_eq!(m.status, StatusCode::NOT_FOUND);
        // Nor creates in an organisation they are not in.
        let inside = other.post_json("/api/v1/seedbank/lots", &json!({ "code": "X-2", "material_type": "seed", "taxa": [gentian], "org_id": s.org })).await;
        assert_eq!(inside.status, StatusCode::FORBIDDEN);
        // Nor in their own name: records belong to an organisation.
        let own = other
            .post_json(
                "/api/v1/seedbank/harvests",
                &json!({ "date_start": "2024-01-01" }),
            )
            .await;
        assert_eq!(own.status, StatusCode::FORBIDDEN);
        assert!(own.json()["detail"].as_str().unwrap().contains("org_id"));
        // Anonymous visitors must sign in to write, and see nothing.
        let mut anon = s.app.client();
        assert_eq!(
            anon.post_json(
                "/api/v1/seedbank/harvests",
                &json!({ "date_start": "2024-01-01" })
            )
            .await
            .status,
            StatusCode::UNAUTHORIZED
        );
        assert_eq!(anon.get("/api/v1/seedbank/lots").await.json()["total"], 0);
        // The taxonomy is public.
        assert_eq!(
            anon.get(&format!("/api/v1/seedbank/taxa/{gentian}"))
                .await
                .json()["lb_nom"],
            "Gentiana lutea"
        );
        // Platform administrators see all.
        assert_eq!(
            s.admin.get("/api/v1/seedbank/lots").await.json()["total"],
            1
        );
        // Administrators may write anywhere, but only in an organisation that exists.
        let nowhere = s
            .admin
            .post_json(
                "/api/v1/seedbank/harvests",
                &json!({ "date_start": "2024-09-05", "org_id": -522 }),
            )
            .await;
        assert_eq!(
            (
                nowhere.status,
                nowhere.json()["errors"][0]["field"].as_str()
            ),
            (StatusCode::UNPROCESSABLE_ENTITY, Some("org_id")),
            "{b:?}"
        );
        // Only administrators load TAXREF.
        let r = s
            .keeper
            .request(
                Method::POST,
                "/api/v1/seedbank/taxa/import",
                Some("text/plain"),
                crate::TAXREF.as_bytes().to_vec(),
            )
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
        let broken = s
            .admin
            .request(
                Method::POST,
                "/api/v1/seedbank/taxa/import",
                Some("text/plain"),
                b"not\ta taxref file\n".to_vec(),
            )
            .await;
        assert_eq!(
            (broken.status, broken.problem_code()),
            (StatusCode::BAD_REQUEST, "invalid_taxref".to_string()),
            "{b:?}"
        );
    }
}

#[tokio::test]
async fn synonyms_resolve_to_their_valid_name() {
    for b in backends() {
        let mut s = bank(b).await;
        let all = s
            .keeper
            .get("/api/v1/seedbank/taxa?q=a&limit=100")
            .await
            .json();
        let synonym = all
            .as_array()
            .unwrap()
            .iter()
            .find(|t| t["cd_nom"] != t["cd_ref"])
            .expect("the demo TAXREF has synonyms")
            .clone();
        let valid = s
            .keeper
            .get(&format!("/api/v1/seedbank/taxa/{}", synonym["cd_ref"]))
            .await
            .json();
        assert_eq!(valid["cd_nom"], valid["cd_ref"]);
        assert_eq!(synonym["nom_valide"], valid["nom_valide"], "{b:?}");
        // Wildcards, quotes and backslashes typed in the words are dropped, never read as LIKE syntax.
        for q in ["gentiana%5C", "%25_%5C", "o%27brien"] {
            assert_eq!(
                s.keeper
                    .get(&format!("/api/v1/seedbank/taxa?q={q}"))
                    .await
                    .status,
                StatusCode::OK,
                "{b:?} {q}"
            );
            assert_eq!(
                s.keeper
                    .get(&format!("/api/v1/seedbank/lots?q={q}"))
                    .await
                    .status,
                StatusCode::OK,
                "{b:?} {q}"
            );
        }
        // A lot recorded under the synonym is found under the valid name.
        let lot = s
            .keeper
            .post_json(
                "/api/v1/seedbank/lots",
                &json!({ "code": "SYN-1", "material_type": "seed", "taxa": [synonym["cd_nom"]], "org_id": s.org }),
            )
            .await;
        assert_eq!(lot.status, StatusCode::CREATED, "{}", lot.text());
        assert_eq!(
            s.keeper
                .get(&format!("/api/v1/seedbank/lots?cd_nom={}", valid["cd_nom"]))
                .await
                .json()["total"],
            1,
            "{b:?}"
        );
    }
}

#[tokio::test]
async fn the_schedule_lists_what_lots_need() {
    for b in backends() {
        let mut s = bank(b).await;
        let onion_like = cd_nom(&mut s.keeper, "Primula auricula").await;
        let other = cd_nom(&mut s.keeper, "Lilium martagon").await;
        let lot = |code: &str, taxon: i64, temperature: f64, moisture: f64| json!({ "code": code, "material_type": "seed", "taxa": [taxon], "org_id": s.org, "storage_temperature_c": temperature, "moisture_percent": moisture });
        // Stored warm and moist: its viability falls fast.
        let warm = s
            .keeper
            .post_json(
                "/api/v1/seedbank/lots",
                &lot("WARM-1", onion_like, 20.0, 12.0),
            )
            .await
            .json();
        let never = s
            .keeper
            .post_json("/api/v1/seedbank/lots", &lot("NEVER-1", other, -20.0, 6.0))
            .await
            .json();
        for (l, seeds) in [(&warm, 5000), (&never, 100)] {
            let r = s.keeper.post_json(&format!("/api/v1/seedbank/lots/{}/movements", l["id"]), &json!({ "kind": "deposit", "on_date": "2025-01-01", "place": "A", "quantity": seeds, "unit": "seeds" })).await;
            assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
        }
        let t = s
            .keeper
            .post_json(
                &format!("/api/v1/seedbank/lots/{}/tests", warm["id"]),
                &json!({ "kind": "germination", "started_on": "2025-01-06", "seeds_tested": 50 }),
            )
            .await
            .json();
        put_json(
            &mut s.keeper,
            &format!("/api/v1/seedbank/tests/{}/counts", t["id"]),
            &json!([{ "counted_on": "2025-01-16", "germinated": 40 }]),
        )
        .await;
        let constants = json!({ "ke": 6.975, "cw": 3.47, "ch": 0.040, "cq": 0.000428, "source": "Allium cepa (Ellis & Roberts 1981), for the test" });
        assert_eq!(
            put_json(
                &mut s.admin,
                &format!("/api/v1/seedbank/taxa/{onion_like}/viability-constants"),
                &constants
            )
            .await
            .status,
            StatusCode::NO_CONTENT
        );

        let today = seedbank::service::today(&s.app.platform).iso();
        let due = s.keeper.get("/api/v1/seedbank/schedule").await.json();
        let rows: Vec<(String, String, String)> = due
            .as_array()
            .unwrap()
            .iter()
            .map(|d| {
                (
                    d["lot_code"].as_str().unwrap().into(),
                    d["reason"].as_str().unwrap().into(),
                    d["due"].as_str().unwrap().into(),
                )
            })
            .collect();
        // σ = 181.6 days at 20 °C and 12 %: 80 % falls to 68 % in 68 days, long past.
        assert!(
            rows.contains(&("WARM-1".into(), "regenerate".into(), today.clone())),
            "{b:?}: {rows:?}"
        );
        assert!(
            rows.contains(&("WARM-1".into(), "retest".into(), today.clone())),
            "{rows:?}"
        );
        assert!(
            rows.contains(&("NEVER-1".into(), "no_test".into(), today.clone())),
            "{rows:?}"
        );
        assert!(
            rows.contains(&("NEVER-1".into(), "low_stock".into(), today.clone())),
            "{rows:?}"
        );
        assert!(
            !rows.iter().any(|r| r.0 == "WARM-1" && r.1 == "low_stock"),
            "5,000 seeds is enough"
        );
        assert_eq!(
            s.keeper
                .get("/api/v1/seedbank/schedule?min_seeds=50")
                .await
                .json()
                .as_array()
                .unwrap()
                .iter()
                .filter(|d| d["reason"] == "low_stock")
                .count(),
            0
        );
        assert_eq!(
            s.keeper
                .get("/api/v1/seedbank/schedule?horizon_years=0")
                .await
                .status,
            StatusCode::UNPROCESSABLE_ENTITY
        );
        // Someone else's schedule does not show these lots.
        let mut other_user = s.app.user("other@example.org", false).await;
        assert_eq!(
            other_user.get("/api/v1/seedbank/schedule").await.json(),
            json!([]),
            "{b:?}"
        );
    }
}

#[tokio::test]
async fn a_lot_derives_from_another_with_its_seeds() {
    for b in backends() {
        let mut s = bank(b).await;
        let lily = cd_nom(&mut s.keeper, "Lilium martagon").await;
        let h = s
            .keeper
            .post_json(
                "/api/v1/seedbank/harvests",
                &json!({ "org_id": s.org, "date_start": "2024-07-01" }),
            )
            .await
            .json();
        let parent = s.keeper.post_json("/api/v1/seedbank/lots", &json!({ "harvest_id": h["id"], "material_type": "seed", "taxa": [lily], "org_id": s.org, "thousand_seed_mass_g": 5.0, "storage_temperature_c": -20.0, "moisture_percent": 6.0 })).await.json();
        let pid = parent["id"].as_i64().unwrap();
        s.keeper.post_json(&format!("/api/v1/seedbank/lots/{pid}/movements"), &json!({ "kind": "deposit", "on_date": "2024-08-01", "place": "Chambre froide", "quantity": 10, "unit": "g" })).await;
        // 2.5 g at 5 g per thousand seeds: 500 seeds to the safety duplicate.
        let derive = |q: f64, to: &str| json!({ "derivation": "safety_duplicate", "quantity": q, "unit": "g", "place": "Chambre froide", "to_place": to, "on_date": "2024-09-01" });
        let too_much = s
            .keeper
            .post_json(
                &format!("/api/v1/seedbank/lots/{pid}/derive"),
                &derive(50.0, "CBN partenaire"),
            )
            .await;
        assert_eq!(
            (
                too_much.status,
                too_much.json()["errors"][0]["code"].as_str()
            ),
            (StatusCode::UNPROCESSABLE_ENTITY, Some("insufficient_stock")),
            "{b:?}"
        );
        assert_eq!(
            s.keeper
                .get(&format!("/api/v1/seedbank/lots?harvest_id={}", h["id"]))
                .await
                .json()["total"],
            1,
            "{b:?}: the refused lot is not half-written"
        );
        let child = s
            .keeper
            .post_json(
                &format!("/api/v1/seedbank/lots/{pid}/derive"),
                &derive(2.5, "CBN partenaire"),
            )
            .await;
        assert_eq!(child.status, StatusCode::CREATED, "{b:?}: {}", child.text());
        let child = child.json();
        assert_eq!(
            (
                child["code"].as_str(),
                child["parent_id"].as_i64(),
                child["derivation"].as_str(),
                child["stock_seeds"].as_i64()
            ),
            (
                Some("2024_0001-2"),
                Some(pid),
                Some("safety_duplicate"),
                Some(500)
            )
        );
        assert_eq!(child["taxa"][0]["cd_nom"], lily);
        assert_eq!(
            s.keeper
                .get(&format!("/api/v1/seedbank/lots/{pid}"))
                .await
                .json()["stock_seeds"],
            1500
        );
        let ledger = s
            .keeper
            .get(&format!("/api/v1/seedbank/lots/{pid}/movements"))
            .await
            .json();
        assert_eq!(
            (ledger[0]["purpose"].as_str(), ledger[0]["seeds"].as_i64()),
            (Some("derived_lot"), Some(-500))
        );
        assert_eq!(
            s.keeper
                .get(&format!("/api/v1/seedbank/lots/{}/stock", child["id"]))
                .await
                .json(),
            json!([{ "place": "CBN partenaire", "seeds": 500 }])
        );
        let bad = s.keeper.post_json(&format!("/api/v1/seedbank/lots/{pid}/derive"), &json!({ "derivation": "copy", "quantity": 1, "unit": "seeds", "place": "Chambre froide", "to_place": "X", "on_date": "2024-09-01" })).await;
        assert_eq!(bad.json()["errors"][0]["field"], "derivation", "{b:?}");
    }
}

#[tokio::test]
async fn storage_readings_say_when_to_dry_again() {
    for b in backends() {
        let mut s = bank(b).await;
        let lily = cd_nom(&mut s.keeper, "Lilium martagon").await;
        let l = s.keeper.post_json("/api/v1/seedbank/lots", &json!({ "code": "HUM-1", "material_type": "seed", "taxa": [lily], "org_id": s.org })).await.json();
        let url = format!("/api/v1/seedbank/lots/{}/readings", l["id"]);
        let bad = s
            .keeper
            .post_json(
                &url,
                &json!({ "kind": "aw", "value": 1.5, "on_date": "2025-13-01", "place": "" }),
            )
            .await;
        let fields: Vec<String> = bad.json()["errors"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["field"].as_str().unwrap().to_string())
            .collect();
        assert_eq!(fields, ["value", "on_date", "place"], "{b:?}");
        let ok = s.keeper.post_json(&url, &json!({ "kind": "erh", "value": 18.0, "on_date": "2025-01-01", "place": "Chambre froide" })).await;
        assert_eq!(
            (ok.status, ok.json()["dry_again"].as_bool()),
            (StatusCode::CREATED, Some(false)),
            "{b:?}: {}",
            ok.text()
        );
        let due = |c: serde_json::Value| {
            c.as_array()
                .unwrap()
                .iter()
                .filter(|d| d["reason"] == "dry_again")
                .count()
        };
        assert_eq!(
            due(s
                .keeper
                .get("/api/v1/seedbank/schedule?min_seeds=0")
                .await
                .json()),
            0
        );
        // The silica gel has turned: the seeds at that place must be dried again.
        let wet = s.keeper.post_json(&url, &json!({ "kind": "indicator", "value": 1, "on_date": "2025-06-01", "place": "Chambre froide" })).await.json();
        assert_eq!(wet["dry_again"], true);
        assert_eq!(
            due(s
                .keeper
                .get("/api/v1/seedbank/schedule?min_seeds=0")
                .await
                .json()),
            1,
            "{b:?}"
        );
        // A later dry reading at the same place clears it; temperatures do not count.
        s.keeper.post_json(&url, &json!({ "kind": "aw", "value": 0.2, "on_date": "2025-07-01", "place": "Chambre froide" })).await;
        s.keeper.post_json(&url, &json!({ "kind": "temperature", "value": -19.0, "on_date": "2025-08-01", "place": "Chambre froide" })).await;
        assert_eq!(
            due(s
                .keeper
                .get("/api/v1/seedbank/schedule?min_seeds=0")
                .await
                .json()),
            0,
            "{b:?}"
        );
        assert_eq!(s.keeper.get(&url).await.json().as_array().unwrap().len(), 4);
        let mut other = s.app.user("other@example.org", false).await;
        assert_eq!(other.get(&url).await.status, StatusCode::NOT_FOUND);
    }
}
