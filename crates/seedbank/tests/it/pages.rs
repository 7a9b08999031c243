//! Seed bank pages in both languages: a conservator records a harvest, a lot, stock and a test
//! with its counts through forms alone, and sees errors in their language.
use http::StatusCode;
use testkit::backends;

use crate::bank;

fn location(r: &testkit::TestResponse) -> String {
    r.header("location").unwrap_or_default().to_string()
}

#[tokio::test]
async fn forms_from_harvest_to_germination_metrics() {
    for b in backends() {
        let mut s = bank(b).await;
        let org = s.org.to_string();
        // A harvest with errors is shown again with French messages, nothing recorded.
        let bad = s
            .keeper
            .post_form(
                "/seedbank/harvests/new",
                &[
                    ("org_id", &org),
                    ("date_start", "2024-13-01"),
                    ("commune_insee", "5023"),
                    ("lat", "45,03"),
                    ("lon", ""),
                ],
            )
            .await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY, "{b:?}");
        let html = bad.text();
        assert!(
            html.contains("Saisissez une date valide (AAAA-MM-JJ)."),
            "{b:?}"
        );
        assert!(html.contains("zéros initiaux compris"), "{b:?}");
        assert!(html.contains("value=\"45,03\""), "typed values kept");
        let ok = s
            .keeper
            .post_form(
                "/seedbank/harvests/new",
                &[
                    ("org_id", &org),
                    ("date_start", "2024-08-22"),
                    ("locality", "Col du Lautaret"),
                    ("commune_insee", "05181"),
                    ("lat", "45,0355"),
                    ("lon", "6,4045"),
                ],
            )
            .await;
        assert_eq!(ok.status, StatusCode::SEE_OTHER, "{b:?}: {}", ok.text());
        let harvest = location(&ok);
        let page = s.keeper.get(&harvest).await.text();
        assert!(
            page.contains("Récolte 2024_0001")
                && page.contains("45.0355, 6.4045")
                && page.contains("05181"),
            "{b:?}: decimal commas read"
        );
        assert!(page.contains("La récolte est enregistrée."));
        let hid = harvest
            .trim_start_matches("/seedbank/harvests/")
            .split('?')
            .next()
            .unwrap()
            .to_string();

        // A lot: names typed as a person knows them; an unknown one is refused.
        let unknown = s
            .keeper
            .post_form(
                "/seedbank/lots/new",
                &[
                    ("harvest_id", &hid),
                    ("org_id", &org),
                    ("material_type", "seed"),
                    ("taxa", "Planta inexistens"),
                ],
            )
            .await;
        assert_eq!(unknown.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            unknown.text().contains("ne désigne pas un seul taxon"),
            "{b:?}"
        );
        let lot = s
            .keeper
            .post_form(
                "/seedbank/lots/new",
                &[
                    ("harvest_id", &hid),
                    ("org_id", &org),
                    ("material_type", "seed"),
                    ("taxa", "eryngium alpinum"),
                    ("thousand_seed_mass_g", "3,2"),
                ],
            )
            .await;
        assert_eq!(lot.status, StatusCode::SEE_OTHER, "{b:?}: {}", lot.text());
        let lot_url = location(&lot);
        let lid = lot_url
            .trim_start_matches("/seedbank/lots/")
            .split('?')
            .next()
            .unwrap()
            .to_string();
        let page = s.keeper.get(&lot_url).await.text();
        assert!(
            page.contains("Lot 2024_0001-1") && page.contains("<i>Eryngium alpinum"),
            "{b:?}"
        );

        // The lot's form again: storage conditions and status change, its provenance stays.
        let edit = s.keeper.get(&format!("/seedbank/lots/{lid}/edit")).await;
        assert_eq!(edit.status, StatusCode::OK);
        assert!(
            edit.text().contains("Eryngium alpinum L., 1753</textarea>"),
            "{b:?}: taxa shown by their full name"
        );
        let bad = s
            .keeper
            .post_form(
                &format!("/seedbank/lots/{lid}/edit"),
                &[
                    ("org_id", &org),
                    ("material_type", "seed"),
                    ("taxa", "Eryngium alpinum L., 1753"),
                    ("moisture_percent", "beaucoup"),
                    ("status", "active"),
                ],
            )
            .await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            bad.text()
                .contains("id=\"moisture_percent-error\">Saisissez un nombre."),
            "{b:?}"
        );
        let saved = s
            .keeper
            .post_form(
                &format!("/seedbank/lots/{lid}/edit"),
                &[
                    ("org_id", &org),
                    ("material_type", "seed"),
                    ("taxa", "Eryngium alpinum L., 1753"),
                    ("thousand_seed_mass_g", "3,2"),
                    ("storage_temperature_c", "-18"),
                    ("moisture_percent", "5,5"),
                    ("status", "active"),
                ],
            )
            .await;
        assert_eq!(
            saved.status,
            StatusCode::SEE_OTHER,
            "{b:?}: {}",
            saved.text()
        );
        let l = s
            .keeper
            .get(&format!("/api/v1/seedbank/lots/{lid}"))
            .await
            .json();
        assert_eq!(
            (
                l["storage_temperature_c"].as_f64(),
                l["moisture_percent"].as_f64(),
                l["harvest_id"].to_string()
            ),
            (Some(-18.0), Some(5.5), hid.clone()),
            "{b:?}"
        );

        // Stock through the form, in grams; too much out is refused in French.
        let dep = s
            .keeper
            .post_form(
                &format!("/seedbank/lots/{lid}/movements"),
                &[
                    ("kind", "deposit"),
                    ("on_date", "2024-09-01"),
                    ("place", "Chambre froide"),
                    ("quantity", "1,6"),
                    ("unit", "g"),
                ],
            )
            .await;
        assert_eq!(dep.status, StatusCode::SEE_OTHER, "{b:?}: {}", dep.text());
        let out = s
            .keeper
            .post_form(
                &format!("/seedbank/lots/{lid}/movements"),
                &[
                    ("kind", "withdrawal"),
                    ("purpose", "sowing"),
                    ("on_date", "2024-09-02"),
                    ("place", "Chambre froide"),
                    ("quantity", "600"),
                    ("unit", "seeds"),
                ],
            )
            .await;
        assert_eq!(out.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            out.text()
                .contains("Il n’y a pas autant de graines à cet endroit."),
            "{b:?}"
        );
        let page = s.keeper.get(&lot_url).await.text();
        assert!(
            page.contains("Chambre froide : 500 graines"),
            "{b:?}: 1.6 g at 3.2 g per thousand"
        );

        // A test, then its counts row by row; the metrics follow.
        let t = s
            .keeper
            .post_form(
                &format!("/seedbank/lots/{lid}/tests"),
                &[
                    ("kind", "germination"),
                    ("started_on", "2025-01-06"),
                    ("seeds_tested", "50"),
                    ("replicates", "1"),
                    ("withdraw_from", "Chambre froide"),
                ],
            )
            .await;
        assert_eq!(t.status, StatusCode::SEE_OTHER, "{b:?}: {}", t.text());
        let test_url = location(&t);
        let tid = test_url
            .trim_start_matches("/seedbank/tests/")
            .split('?')
            .next()
            .unwrap()
            .to_string();
        let mut fields: Vec<(String, String)> = Vec::new();
        for (n, (day, g)) in [
            ("2025-01-11", "4"),
            ("2025-01-12", "17"),
            ("2025-01-13", "10"),
            ("2025-01-14", "7"),
            ("2025-01-15", "1"),
            ("2025-01-17", "1"),
        ]
        .iter()
        .enumerate()
        {
            fields.push((format!("replicate_{n}"), "1".into()));
            fields.push((format!("counted_on_{n}"), day.to_string()));
            fields.push((format!("germinated_{n}"), g.to_string()));
        }
        fields.push(("replicate_6".into(), "1".into()));
        fields.push(("counted_on_6".into(), "2025-01-02".into()));
        fields.push(("germinated_6".into(), "x".into()));
        let refs: Vec<(&str, &str)> = fields
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        let bad = s
            .keeper
            .post_form(&format!("/seedbank/tests/{tid}"), &refs)
            .await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY, "{b:?}");
        let html = bad.text();
        assert!(
            html.contains("id=\"germinated_6-error\">Saisissez un nombre."),
            "{b:?}: the error is on its row"
        );
        let refs: Vec<(&str, &str)> = refs
            .into_iter()
            .filter(|(k, _)| !k.ends_with("_6"))
            .collect();
        let good = s
            .keeper
            .post_form(&format!("/seedbank/tests/{tid}"), &refs)
            .await;
        assert_eq!(good.status, StatusCode::SEE_OTHER, "{b:?}: {}", good.text());
        for (lang, gp, mgt) in [
            ("fr", "Taux de germination", "Temps moyen de germination"),
            ("en", "Germination percentage", "Mean germination time"),
        ] {
            let page = s
                .keeper
                .get(&format!("/seedbank/tests/{tid}?lang={lang}"))
                .await;
            assert_eq!(page.status, StatusCode::OK);
            let html = page.text();
            assert!(
                html.contains(gp)
                    && html.contains("80.00 %")
                    && html.contains(mgt)
                    && html.contains("6.700"),
                "{b:?} {lang}"
            );
            assert!(!html.contains(">seedbank."), "{lang}: untranslated key");
        }
        for (lang, url) in [
            ("fr", "/seedbank"),
            ("en", "/seedbank"),
            ("fr", "/seedbank/harvests"),
            ("en", lot_url.as_str()),
            ("fr", lot_url.as_str()),
            ("en", "/seedbank/lots/new"),
            ("en", "/seedbank/harvests/new"),
        ] {
            let page = s
                .keeper
                .get(&format!(
                    "{}{}lang={lang}",
                    url.split('?').next().unwrap(),
                    "?"
                ))
                .await;
            assert_eq!(page.status, StatusCode::OK, "{b:?} {url} {lang}");
            let html = page.text();
            for key in ["seedbank.", "notice.", "error."] {
                assert!(
                    !html.contains(&format!(">{key}")) && !html.contains(&format!("\"{key}")),
                    "{lang} {url}: untranslated key {key}"
                );
            }
        }
        assert!(
            s.keeper
                .get("/seedbank?q=eryngium&lang=en")
                .await
                .text()
                .contains("1 lots"),
            "{b:?}"
        );
        // The to-do page: the tested lot is due for a retest ten years on, beyond five years.
        let todo = s
            .keeper
            .get("/seedbank/schedule?horizon_years=11&min_seeds=0&lang=fr")
            .await
            .text();
        assert!(
            todo.contains("Tester à nouveau la viabilité") && todo.contains("2035-01-06"),
            "{b:?}: {todo}"
        );
        let todo = s.keeper.get("/seedbank/schedule?lang=en").await.text();
        assert!(
            !todo.contains("Test the viability again") && todo.contains("Low stock"),
            "{b:?}: 450 seeds left"
        );
        assert_eq!(
            s.keeper
                .get("/seedbank/schedule?horizon_years=x")
                .await
                .status,
            StatusCode::UNPROCESSABLE_ENTITY
        );
        // A storage reading through the lot page: a water activity above 1 is refused in French.
        let bad = s
            .keeper
            .post_form(
                &format!("/seedbank/lots/{lid}/readings?lang=fr"),
                &[
                    ("kind", "aw"),
                    ("value", "1,4"),
                    ("on_date", "2025-02-01"),
                    ("place", "Chambre froide"),
                ],
            )
            .await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY, "{b:?}");
        assert!(
            bad.text()
                .contains("id=\"value-error\">Cette valeur est hors des limites permises."),
            "{b:?}"
        );
        let wet = s
            .keeper
            .post_form(
                &format!("/seedbank/lots/{lid}/readings"),
                &[
                    ("kind", "erh"),
                    ("value", "35"),
                    ("on_date", "2025-02-01"),
                    ("place", "Chambre froide"),
                ],
            )
            .await;
        assert_eq!(wet.status, StatusCode::SEE_OTHER, "{b:?}: {}", wet.text());
        assert!(
            s.keeper
                .get(&format!("/seedbank/lots/{lid}"))
                .await
                .text()
                .contains("<strong>À sécher de nouveau</strong>"),
            "{b:?}"
        );

        // A safety duplicate derived through the lot page: more seeds than there are is refused.
        let derive = |q: &'static str| {
            vec![
                ("derivation", "safety_duplicate"),
                ("on_date", "2025-02-01"),
                ("place", "Chambre froide"),
                ("to_place", "Conservatoire partenaire"),
                ("quantity", q),
                ("unit", "seeds"),
            ]
        };
        let refused = s
            .keeper
            .post_form(
                &format!("/seedbank/lots/{lid}/derive?lang=fr"),
                &derive("5000"),
            )
            .await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{b:?}");
        assert!(
            refused
                .text()
                .contains("Il n’y a pas autant de graines à cet endroit."),
            "{b:?}"
        );
        let made = s
            .keeper
            .post_form(&format!("/seedbank/lots/{lid}/derive"), &derive("100"))
            .await;
        assert_eq!(made.status, StatusCode::SEE_OTHER, "{b:?}: {}", made.text());
        let child = s.keeper.get(&location(&made)).await.text();
        assert!(
            child.contains("Lot 2024_0001-2")
                && child.contains("Double de sécurité")
                && child.contains("Conservatoire partenaire : 100 graines"),
            "{b:?}"
        );
        assert!(s
            .keeper
            .get(&format!("/seedbank/lots/{lid}"))
            .await
            .text()
            .contains("Lots dérivés"));

        // Someone else sees no lot and gets a 404 on this one.
        let mut other = s.app.user("other@example.org", false).await;
        assert_eq!(other.get(&lot_url).await.status, StatusCode::NOT_FOUND);
        // Anonymous visitors are asked to sign in to record.
        let mut anon = s.app.client();
        assert!(location(&anon.get("/seedbank/harvests/new").await).starts_with("/login?next="));
        assert_eq!(
            s.keeper
                .get("/assets/seedbank/seedbank.css")
                .await
                .header("content-type"),
            Some("text/css; charset=utf-8")
        );
    }
}

#[tokio::test]
async fn taxonomy_pages_and_administrators_forms() {
    for b in backends() {
        let mut s = bank(b).await;
        // Anyone searches the names; a synonym points at its valid name.
        let mut anon = s.app.client();
        let html = anon
            .get("/seedbank/taxa?q=leontopodium+alpinum&lang=fr")
            .await
            .text();
        assert!(
            html.contains("<i>Leontopodium alpinum</i> Cass., 1822")
                && html.contains(
                    "synonyme de <i>Leontopodium nivale subsp. alpinum (Cass.) Greuter, 2003</i>"
                ),
            "{b:?}"
        );
        let gentian = crate::cd_nom(&mut s.keeper, "Gentiana acaulis").await;
        let page = anon
            .get(&format!("/seedbank/taxa/{gentian}?lang=en"))
            .await
            .text();
        assert!(
            page.contains("Gentiana kochiana") && page.contains("not known"),
            "{b:?}: names of the taxon, no constants"
        );
        assert!(
            !page.contains("id=\"constants-form\""),
            "only administrators set constants"
        );
        // An administrator sets them through the form: errors first, in French.
        let bad = s
            .admin
            .post_form(
                &format!("/seedbank/taxa/{gentian}/constants"),
                &[
                    ("ke", "7,1"),
                    ("cw", "x"),
                    ("ch", "0,0329"),
                    ("cq", ""),
                    ("source", ""),
                ],
            )
            .await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY, "{b:?}");
        let html = bad.text();
        assert!(
            html.contains("id=\"cw-error\">Saisissez un nombre.")
                && html.contains("id=\"cq-error\">Ce champ est obligatoire."),
            "{b:?}"
        );
        let ok = s
            .admin
            .post_form(
                &format!("/seedbank/taxa/{gentian}/constants"),
                &[
                    ("ke", "7,1"),
                    ("cw", "4"),
                    ("ch", "0,0329"),
                    ("cq", "0,000478"),
                    ("source", "test"),
                ],
            )
            .await;
        assert_eq!(ok.status, StatusCode::SEE_OTHER, "{}", ok.text());
        assert_eq!(
            anon.get(&format!(
                "/api/v1/seedbank/taxa/{gentian}/viability-constants"
            ))
            .await
            .json()["ke"],
            7.1,
            "{b:?}"
        );
        // A keeper may not.
        assert_eq!(
            s.keeper
                .post_form(
                    &format!("/seedbank/taxa/{gentian}/constants"),
                    &[
                        ("ke", "1"),
                        ("cw", "1"),
                        ("ch", "0"),
                        ("cq", "0"),
                        ("source", "x")
                    ]
                )
                .await
                .status,
            StatusCode::FORBIDDEN
        );
        // TAXREF through the upload page: the same loader, lines refused reported.
        assert_eq!(
            s.keeper.get("/seedbank/taxa/import").await.status,
            StatusCode::FORBIDDEN
        );
        let csrf = s.admin.csrf.clone().unwrap();
        let file = format!(
            "{}90000999\t90000999\tES\tPlanta nova\tTest, 2026\nabc\t1\tES\tX y\tZ\n",
            "CD_NOM\tCD_REF\tRANG\tLB_NOM\tLB_AUTEUR\n"
        );
        let body = format!("--B\r\nContent-Disposition: form-data; name=\"file\"; filename=\"TAXREF.txt\"\r\nContent-Type: text/plain\r\n\r\n{file}\r\n--B--\r\n");
        s.admin.csrf = None;
        let r = s
            .admin
            .request(
                http::Method::POST,
                &format!("/seedbank/taxa/import?_csrf={csrf}&lang=en"),
                Some("multipart/form-data; boundary=B"),
                body.into_bytes(),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{b:?}: {}", r.text());
        let html = r.text();
        assert!(
            html.contains("1 names added, 0 updated, 1 lines refused")
                && html.contains("Line 3 : CD_NOM `abc` is not a positive integer<"),
            "{b:?}: {html}"
        );
    }
}
