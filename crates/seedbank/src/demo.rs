//! Demonstration data: a conservatory of the Alps with TAXREF names of its flora, harvests in the
//! field, seed lots, a stock ledger and germination tests with daily counts.
use platform::audit::Actor;
use platform::identity::{DisplayName, Slug};
use platform::Platform;

use crate::service::{self, CountInput, HarvestInput, LotInput, MovementInput, TestInput};

/// A small TAXREF-shaped extract (its provenance row by row in data/taxref-demo.md).
const TAXREF_DEMO: &[u8] = include_bytes!("../data/taxref-demo.txt");

const ORG: &str = "conservatoire-alpin";

fn err(e: platform::error::AppError) -> anyhow::Error {
    anyhow::anyhow!("{}: {} {:?}", e.code, e.detail, e.errors)
}

pub async fn load(p: &Platform) -> anyhow::Result<()> {
    let admin = p
        .user_by_email("admin@communs.test")
        .await?
        .ok_or_else(|| anyhow::anyhow!("demo account missing"))?;
    let camille = p
        .user_by_email("camille@communs.test")
        .await?
        .ok_or_else(|| anyhow::anyhow!("demo account missing"))?;
    let system = Actor::system("demo");
    let admin_who = p.principal_for(&admin, None).await?;
    service::import_taxref(p, &admin_who, &system, TAXREF_DEMO)
        .await
        .map_err(err)?;
    if p.org_by_slug(ORG).await?.is_none() {
        let n = DisplayName::parse("name", "Conservatoire botanique alpin (démo)")
            .map_err(|e| anyhow::anyhow!("{e:?}"))?;
        let s = Slug::parse("slug", ORG).map_err(|e| anyhow::anyhow!("{e:?}"))?;
        p.create_org(&camille, &n, &s, "Banque de semences de la flore alpine : récoltes en montagne, conservation en chambre froide, tests de germination.", &system)
            .await
            .map_err(|e| anyhow::anyhow!(e.detail))?;
    }
    let org = p
        .org_by_slug(ORG)
        .await?
        .ok_or_else(|| anyhow::anyhow!("demo organisation missing"))?;
    let who = p.principal_for(&camille, None).await?;
    let (_, existing) = service::list_harvests(p, &who, 1, 1).await.map_err(err)?;
    if existing > 0 {
        return Ok(());
    }
    let actor = Actor {
        user_id: Some(camille.id),
        label: camille.email.clone(),
        request_id: String::new(),
    };
    let taxon = |name: &'static str| async move {
        service::search_taxa(p, name, 5)
            .await
            .map_err(err)?
            .into_iter()
            .find(|t| t.lb_nom == name)
            .map(|t| t.cd_nom)
            .ok_or_else(|| anyhow::anyhow!("{name} is not in the demo TAXREF"))
    };

    let harvests = [
        (
            "2023-08-22",
            "Col du Lautaret, pelouse au-dessus du jardin alpin",
            "05181",
            45.0355,
            6.4045,
            2100.0,
            "Eryngium alpinum",
            "101-1000",
            40,
            3.2,
        ),
        (
            "2024-09-05",
            "Briançon, prairies au-dessus du fort des Têtes",
            "05023",
            44.9006,
            6.6503,
            1500.0,
            "Gentiana lutea",
            "1001-10000",
            60,
            1.1,
        ),
        (
            "2025-07-30",
            "Villar-d'Arène, vallon de l'Alpe, prairie subalpine",
            "05181",
            45.0140,
            6.3540,
            2050.0,
            "Aquilegia alpina",
            "11-100",
            18,
            2.4,
        ),
    ];
    for (n, (date, locality, insee, lat, lon, alt, name, population, plants, tsm)) in
        harvests.into_iter().enumerate()
    {
        let h = service::create_harvest(
            p,
            &who,
            &actor,
            &HarvestInput {
                org_id: Some(org.id),
                date_start: date.into(),
                locality: locality.into(),
                commune_insee: Some(insee.into()),
                lat: Some(lat),
                lon: Some(lon),
                precision_m: Some(20.0),
                altitude_m: Some(alt),
                collectors: "Camille Martin, Léa Dubois".into(),
                population_class: Some(population.into()),
                plants_sampled: Some(plants),
                remarks: "Récolte sur des pieds répartis dans toute la population.".into(),
                ..Default::default()
            },
        )
        .await
        .map_err(err)?;
        let l = service::create_lot(
            p,
            &who,
            &actor,
            &LotInput {
                harvest_id: Some(h.id),
                material_type: "seed".into(),
                taxa: vec![taxon(name).await?],
                org_id: Some(org.id),
                thousand_seed_mass_g: Some(tsm),
                storage_temperature_c: Some(-20.0),
                moisture_percent: Some(6.0),
                remarks: "Séché à 15 % d'humidité relative, conditionné sous vide.".into(),
                ..Default::default()
            },
        )
        .await
        .map_err(err)?;
        let deposit = |place: &str, quantity: f64, unit: &str, on: &str| MovementInput {
            kind: "deposit".into(),
            purpose: None,
            on_date: on.into(),
            place: place.into(),
            to_place: None,
            quantity,
            unit: unit.into(),
            remarks: String::new(),
        };
        // Weighed in: the thousand-seed mass turns grams into seeds.
        service::add_movement(
            p,
            &who,
            &actor,
            l.id,
            &deposit(
                "Chambre froide −20 °C, étagère A",
                12.0 + n as f64 * 4.0,
                "g",
                date,
            ),
        )
        .await
        .map_err(err)?;
        let duplicate = MovementInput {
            kind: "transfer".into(),
            to_place: Some("Double de sécurité (conservatoire partenaire)".into()),
            quantity: 500.0,
            unit: "seeds".into(),
            ..deposit("Chambre froide −20 °C, étagère A", 0.0, "seeds", date)
        };
        service::add_movement(p, &who, &actor, l.id, &duplicate)
            .await
            .map_err(err)?;
        let test = service::create_test(
            p,
            &who,
            &actor,
            l.id,
            &TestInput {
                kind: "germination".into(),
                started_on: date.into(),
                seeds_tested: 50,
                replicates: 2,
                substrate: "Gélose 1 %".into(),
                temperature_day_c: Some(20.0),
                temperature_night_c: Some(10.0),
                photoperiod_h: Some(12.0),
                pretreatment: "Stratification froide 8 semaines à 4 °C".into(),
                remarks: String::new(),
                withdraw_from: Some("Chambre froide −20 °C, étagère A".into()),
                ..Default::default()
            },
        )
        .await
        .map_err(err)?;
        // The germinationmetrics package's example counts (days 1 to 14), split over two replicates.
        let per_day = [0, 0, 0, 0, 4, 17, 10, 7, 1, 0, 1, 0, 0, 0];
        let start = crate::domain::lot::Day::parse("date", date).map_err(|e| anyhow::anyhow!(e))?;
        let mut counts = Vec::new();
        for (d, g) in per_day.iter().enumerate().filter(|(_, g)| **g > 0) {
            let on = crate::domain::lot::Day::from_days(start.days() + d as i64 + 1).iso();
            let first = (g + n as i64 % 2) / 2;
            counts.push(CountInput {
                replicate: 1,
                counted_on: on.clone(),
                germinated: first,
            });
            counts.push(CountInput {
                replicate: 2,
                counted_on: on,
                germinated: g - first,
            });
        }
        service::set_counts(p, &who, &actor, test.id, &counts)
            .await
            .map_err(err)?;
        // The following spring, part of the lot is sown in the nursery; seedlings are counted as they emerge.
        let spring = crate::domain::lot::Day::parse("date", &format!("{}-03-15", start.year() + 1))
            .map_err(|e| anyhow::anyhow!(e))?;
        let sowing = TestInput {
            kind: "sowing".into(),
            started_on: spring.iso(),
            seeds_tested: 200,
            replicates: 1,
            substrate: "Terreau et sable (2:1)".into(),
            location: "Pépinière du conservatoire, tunnel froid".into(),
            container: "Caissettes".into(),
            method: "Semis à la volée, arrosage par capillarité".into(),
            depth_mm: Some(2.0),
            withdraw_from: Some("Chambre froide −20 °C, étagère A".into()),
            ..Default::default()
        };
        let sown = service::create_test(p, &who, &actor, l.id, &sowing)
            .await
            .map_err(err)?;
        let emerged: Vec<CountInput> = [(14, 22), (21, 61), (28, 37), (42, 9)]
            .iter()
            .map(|(d, g)| CountInput {
                replicate: 1,
                counted_on: crate::domain::lot::Day::from_days(spring.days() + d).iso(),
                germinated: *g,
            })
            .collect();
        service::set_counts(p, &who, &actor, sown.id, &emerged)
            .await
            .map_err(err)?;
    }
    Ok(())
}
