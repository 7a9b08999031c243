//! Demonstration data: two organisations publishing datasets with real-looking French CSV files
//! (semicolons, Latin-1, decimal commas, INSEE codes with leading zeros, dd/mm/yyyy dates),
//! remote resources served by a small local file server (one of its links is broken on purpose,
//! for the link checker), a discussion and a reuse. Idempotent.
use std::net::SocketAddr;

use axum::http::{header, StatusCode};
use axum::response::IntoResponse;
use axum::routing::get;
use platform::audit::Actor;
use platform::identity::{DisplayName, Slug};
use platform::Platform;

use crate::domain::model::{DatasetInput, ResourceInput, Spatial, TemporalCoverage};
use crate::service::{self, Upload};
use crate::social;

/// Deterministic pseudo-random numbers: the demo is the same at every run.
struct Lcg(u64);
impl Lcg {
    fn next(&mut self) -> f64 {
        self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        ((self.0 >> 11) as f64) / ((1u64 << 53) as f64)
    }
    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[(self.next() * items.len() as f64) as usize % items.len()]
    }
}

/// Trees of Quimper, as a city would export them from its GIS: Latin-1, `;`, decimal commas.
pub fn trees_csv() -> Vec<u8> {
    let mut g = Lcg(29232);
    let species = ["Platane commun", "Tilleul à petites feuilles", "Érable champêtre", "Chêne pédonculé", "Févier d'Amérique", "Marronnier d'Inde", "Charme", "Frêne élevé"];
    let streets = ["Rue de Brest", "Boulevard de Kerguélen", "Quai de l'Odet", "Avenue de la Libération", "Rue Élie Fréron", "Allée de Locmaria"];
    let mut s = String::from("identifiant;code_insee;commune;adresse;essence;hauteur_m;circonference_cm;date_plantation;remarquable;latitude;longitude\r\n");
    for i in 1..=400 {
        let h = 4.0 + g.next() * 22.0;
        let c = 40.0 + g.next() * 260.0;
        let year = 1950 + (g.next() * 74.0) as i32;
        let month = 1 + (g.next() * 12.0) as u32;
        let day = 1 + (g.next() * 28.0) as u32;
        let planted = if g.next() < 0.08 { String::new() } else { format!("{day:02}/{month:02}/{year}") };
        let lat = 47.99 + g.next() * 0.03;
        let lon = -4.12 + g.next() * 0.05;
        s.push_str(&format!(
            "QMP-{i:05};29232;Quimper;{} {};{};{};{};{};{};{};{}\r\n",
            (g.next() * 120.0) as u32 + 1,
            g.pick(&streets),
            g.pick(&species),
            format!("{h:.1}").replace('.', ","),
            format!("{c:.0}"),
            planted,
            if g.next() < 0.05 { "oui" } else { "non" },
            format!("{lat:.6}").replace('.', ","),
            format!("{lon:.6}").replace('.', ","),
        ));
    }
    let (bytes, _, _) = encoding_rs::WINDOWS_1252.encode(&s);
    bytes.into_owned()
}

/// Legal populations of communes of the Ain: INSEE codes with their leading zero.
pub fn communes_csv() -> Vec<u8> {
    let rows = [
        ("01001", "L'Abergement-Clémenciat", "01400", 859),
        ("01002", "L'Abergement-de-Varey", "01640", 273),
        ("01004", "Ambérieu-en-Bugey", "01500", 14514),
        ("01005", "Ambérieux-en-Dombes", "01330", 1765),
        ("01006", "Ambléon", "01300", 112),
        ("01007", "Ambronay", "01500", 2931),
        ("01008", "Ambutrix", "01500", 768),
        ("01009", "Andert-et-Condon", "01300", 345),
        ("01010", "Anglefort", "01350", 1137),
        ("01011", "Apremont", "01100", 381),
        ("01053", "Bourg-en-Bresse", "01000", 41365),
        ("01173", "Gex", "01170", 13218),
        ("01283", "Oyonnax", "01100", 22299),
        ("01143", "Divonne-les-Bains", "01220", 9863),
        ("01354", "Saint-Genis-Pouilly", "01630", 13570),
    ];
    let mut s = String::from("code_insee;nom_commune;code_postal;population_municipale;densite_hab_km2;date_reference\n");
    for (i, (code, name, cp, pop)) in rows.iter().enumerate() {
        let density = *pop as f64 / (8.0 + (i as f64) * 1.7);
        s.push_str(&format!("{code};{name};{cp};{pop};{};01/01/2021\n", format!("{density:.1}").replace('.', ",")));
    }
    s.into_bytes()
}

/// Bathing water quality samples, served by the local file server as a remote resource.
pub fn bathing_csv() -> Vec<u8> {
    let mut g = Lcg(2025);
    let sites = [("29232", "Quimper", "Plage du Cap Coz"), ("29039", "Concarneau", "Plage des Sables Blancs"), ("29058", "Fouesnant", "Plage de Beg Meil"), ("29158", "Penmarch", "Plage de la Joie")];
    let mut s = String::from("code_insee,commune,site,date_prelevement,escherichia_coli_ufc_100ml,enterocoques_ufc_100ml,classement\n");
    for (code, commune, site) in sites {
        for week in 0..12 {
            let e = (g.next() * 400.0) as u32;
            let ent = (g.next() * 150.0) as u32;
            let class = if e < 100 && ent < 50 { "excellente" } else if e < 250 { "bonne" } else { "suffisante" };
            s.push_str(&format!("{code},{commune},{site},2025-{:02}-{:02},{e},{ent},{class}\n", 6 + week / 4, 1 + (week % 4) * 7));
        }
    }
    s.into_bytes()
}

/// Serves the demo's "remote" files on a loopback port, as another organisation's server would.
async fn file_server() -> anyhow::Result<SocketAddr> {
    let app = axum::Router::new()
        .route("/eau/baignade-2025.csv", get(|| async { ([(header::CONTENT_TYPE, "text/csv; charset=utf-8"), (header::LAST_MODIFIED, "Mon, 01 Sep 2025 08:00:00 GMT")], bathing_csv()) }))
        .route("/eau/notice.html", get(|| async { ([(header::CONTENT_TYPE, "text/html; charset=utf-8")], "<!doctype html><title>Notice</title><p>Méthode de prélèvement.</p>") }))
        .fallback(|| async { (StatusCode::NOT_FOUND, "introuvable").into_response() });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    Ok(addr)
}

fn input(title: &str, description: &str, license: &str, frequency: &str, tags: &[&str], org: &str) -> DatasetInput {
    DatasetInput {
        title: Some(title.into()),
        description: Some(description.into()),
        license: Some(license.into()),
        frequency: Some(frequency.into()),
        tags: Some(tags.iter().map(|t| t.to_string()).collect()),
        organization: Some(serde_json::Value::String(org.into())),
        ..Default::default()
    }
}

pub async fn load(p: &Platform) -> anyhow::Result<()> {
    let server = file_server().await?;
    let base = format!("http://{server}");
    let camille = p.user_by_email("camille@communs.test").await?.ok_or_else(|| anyhow::anyhow!("demo account missing"))?;
    let lea = p.user_by_email("lea@communs.test").await?.ok_or_else(|| anyhow::anyhow!("demo account missing"))?;
    let actor = Actor { user_id: Some(camille.id), label: camille.email.clone(), request_id: String::new() };
    let demo = Actor::system("demo");
    for (slug, name, description) in [
        ("quimper", "Ville de Quimper", "Données ouvertes de la ville de Quimper (Finistère)."),
        ("eau-bretagne", "Observatoire de l'eau en Bretagne", "Suivi de la qualité des eaux de baignade et des rivières bretonnes."),
    ] {
        if p.org_by_slug(slug).await?.is_none() {
            let n = DisplayName::parse("name", name).map_err(|e| anyhow::anyhow!("{e:?}"))?;
            let s = Slug::parse("slug", slug).map_err(|e| anyhow::anyhow!("{e:?}"))?;
            p.create_org(&camille, &n, &s, description, &demo).await.map_err(|e| anyhow::anyhow!(e.detail))?;
        }
    }
    let who = p.principal_for(&camille, None).await?;
    let exists = |slug: &'static str| async move { crate::store::get_dataset(p.db.pool(), slug).await };
    if exists("arbres-d-alignement-de-quimper").await?.is_none() {
        let mut i = input(
            "Arbres d'alignement de Quimper",
            "Inventaire des arbres d'alignement gérés par la ville : essence, hauteur, circonférence, date de plantation et position.\n\n\
             Fichier exporté du SIG municipal (séparateur `;`, encodage Windows-1252, décimales à virgule).",
            "lov2",
            "annual",
            &["arbres", "environnement", "patrimoine naturel"],
            "quimper",
        );
        i.spatial = Some(Spatial { zones: vec!["fr:commune:29232".into()], granularity: Some("poi".into()) });
        i.temporal_coverage = Some(TemporalCoverage { start: "1950-01-01".into(), end: "2024-12-31".into() });
        let d = service::create_dataset(p, &who, &actor, &i).await.map_err(|e| anyhow::anyhow!(e.detail))?;
        let up = Upload { filename: "arbres-alignement-quimper.csv".into(), content_type: "text/csv".into(), bytes: trees_csv() };
        let r = ResourceInput { description: Some("Un arbre par ligne ; hauteur en mètres, circonférence à 1 m en centimètres.".into()), ..Default::default() };
        service::create_resource(p, &who, &actor, &d.id, &r, Some(up)).await.map_err(|e| anyhow::anyhow!(e.detail))?;
        let lea_who = p.principal_for(&lea, None).await?;
        let lea_actor = Actor { user_id: Some(lea.id), label: lea.email.clone(), request_id: String::new() };
        social::open(p, &lea_who, &lea_actor, &d.id, &social::NewDiscussion { title: "Arbres abattus en 2024".into(), comment: "Les arbres abattus l'hiver dernier apparaissent encore, est-ce prévu ?".into() })
            .await
            .map_err(|e| anyhow::anyhow!(e.detail))?;
        social::create_reuse(
            p,
            &lea_who,
            &lea_actor,
            &social::ReuseInput {
                title: "Carte des arbres remarquables".into(),
                description: "Une carte interactive des arbres remarquables de Quimper.".into(),
                rtype: "visualization".into(),
                url: "https://exemple.fr/carte-arbres-quimper".into(),
                topic: None,
                tags: vec!["arbres".into()],
                datasets: vec![d.id.clone()],
                private: false,
                organization: None,
            },
        )
        .await
        .map_err(|e| anyhow::anyhow!(e.detail))?;
    }
    if exists("populations-legales-des-communes-de-l-ain").await?.is_none() {
        let mut i = input(
            "Populations légales des communes de l'Ain",
            "Population municipale au 1er janvier 2021 des communes de l'Ain, avec codes INSEE et postaux (les zéros initiaux sont significatifs).",
            "lov2",
            "annual",
            &["population", "communes", "insee"],
            "quimper",
        );
        i.spatial = Some(Spatial { zones: vec!["fr:departement:01".into()], granularity: Some("fr:commune".into()) });
        i.temporal_coverage = Some(TemporalCoverage { start: "2021-01-01".into(), end: "2021-12-31".into() });
        let d = service::create_dataset(p, &who, &actor, &i).await.map_err(|e| anyhow::anyhow!(e.detail))?;
        let up = Upload { filename: "populations-ain-2021.csv".into(), content_type: "text/csv".into(), bytes: communes_csv() };
        service::create_resource(p, &who, &actor, &d.id, &ResourceInput::default(), Some(up)).await.map_err(|e| anyhow::anyhow!(e.detail))?;
    }
    let bathing = match exists("qualite-des-eaux-de-baignade-2025").await? {
        Some(d) => d,
        None => {
            let mut i = input(
                "Qualité des eaux de baignade 2025",
                "Résultats des prélèvements hebdomadaires sur les plages du sud Finistère.",
                "odc-odbl",
                "weekly",
                &["eau", "baignade", "sante"],
                "eau-bretagne",
            );
            i.spatial = Some(Spatial { zones: vec!["fr:departement:29".into()], granularity: Some("poi".into()) });
            service::create_dataset(p, &who, &actor, &i).await.map_err(|e| anyhow::anyhow!(e.detail))?
        }
    };
    // The local file server gets a new port at each start: point the remote resources at it.
    let remote = [
        ("Prélèvements 2025 (CSV)", "/eau/baignade-2025.csv", "main"),
        ("Notice de la méthode", "/eau/notice.html", "documentation"),
        ("Archive 2024 (lien cassé)", "/eau/archive-2024.csv", "main"),
    ];
    for (title, path, rtype) in remote {
        let url = format!("{base}{path}");
        let current = bathing.resources.iter().find(|r| r.title == title);
        let input = ResourceInput { title: Some(title.into()), url: Some(url.clone()), rtype: Some(rtype.into()), ..Default::default() };
        match current {
            Some(r) if r.url == url => {}
            Some(r) => {
                service::update_resource(p, &who, &actor, &bathing.id, &r.id, &input, None).await.map_err(|e| anyhow::anyhow!(e.detail))?;
            }
            None => {
                service::create_resource(p, &who, &actor, &bathing.id, &input, None).await.map_err(|e| anyhow::anyhow!(e.detail))?;
            }
        }
    }
    if exists("budget-primitif-2025").await?.is_none() {
        let i = input(
            "Budget primitif 2025",
            "Budget primitif voté par le conseil municipal, par chapitre et fonction (montants en euros).",
            "lov2",
            "annual",
            &["finances", "budget"],
            "quimper",
        );
        let d = service::create_dataset(p, &who, &actor, &i).await.map_err(|e| anyhow::anyhow!(e.detail))?;
        let csv = "chapitre;libelle;fonction;montant_eur\n011;Charges à caractère général;Administration générale;12 450 000,50\n012;Charges de personnel;Enseignement;38 120 400,00\n65;Autres charges de gestion courante;Culture;6 980 250,75\n20;Immobilisations incorporelles;Aménagement urbain;1 204 000,00\n";
        let up = Upload { filename: "budget-primitif-2025.csv".into(), content_type: "text/csv".into(), bytes: csv.as_bytes().to_vec() };
        service::create_resource(p, &who, &actor, &d.id, &ResourceInput::default(), Some(up)).await.map_err(|e| anyhow::anyhow!(e.detail))?;
    }
    if exists("brouillon-plan-velo").await?.is_none() {
        let mut i = input("Brouillon plan vélo", "Travail en cours, non publié.", "lov2", "unknown", &["mobilite"], "quimper");
        i.private = Some(true);
        service::create_dataset(p, &who, &actor, &i).await.map_err(|e| anyhow::anyhow!(e.detail))?;
    }
    Ok(())
}
