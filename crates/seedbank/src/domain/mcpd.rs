//! FAO/Bioversity Multi-Crop Passport Descriptors v2.1 (2015): one row of passport data per lot,
//! as genebanks exchange them (Genesys, BrAPI `GermplasmMCPD`).

/// The MCPD v2.1 columns exported, in the standard's order.
pub const COLUMNS: &[&str] = &[
    "PUID",
    "INSTCODE",
    "ACCENUMB",
    "COLLNUMB",
    "COLLCODE",
    "COLLNAME",
    "GENUS",
    "SPECIES",
    "SPAUTHOR",
    "SUBTAXA",
    "SUBTAUTHOR",
    "ACCENAME",
    "ACQDATE",
    "ORIGCTY",
    "COLLSITE",
    "DECLATITUDE",
    "LATITUDE",
    "DECLONGITUDE",
    "LONGITUDE",
    "COORDUNCERT",
    "COORDDATUM",
    "GEOREFMETH",
    "ELEVATION",
    "COLLDATE",
    "SAMPSTAT",
    "COLLSRC",
    "DUPLSITE",
    "STORAGE",
    "MLSSTAT",
    "REMARKS",
];

/// What a lot's passport is made of.
pub struct Passport<'a> {
    pub instcode: &'a str,
    pub lot_code: &'a str,
    pub uuid: &'a str,
    /// TAXREF name without author (`lb_nom`) and its author (`lb_auteur`).
    pub lb_nom: &'a str,
    pub lb_auteur: &'a str,
    pub vernacular: Option<&'a str>,
    /// First day in the collection, ISO.
    pub acquired: Option<&'a str>,
    pub harvest: Option<Collecting<'a>>,
    pub material_seed: bool,
    pub storage_temperature_c: Option<f64>,
    pub remarks: &'a str,
}

pub struct Collecting<'a> {
    pub code: &'a str,
    pub collectors: &'a str,
    pub date: &'a str,
    pub locality: &'a str,
    /// Set when the harvest is in a French commune (INSEE code).
    pub in_france: bool,
    pub lat: Option<f64>,
    pub lon: Option<f64>,
    pub uncertainty_m: Option<f64>,
    pub elevation_m: Option<f64>,
}

/// Genus, species epithet, species author, subtaxon and its author from a TAXREF name: TAXREF's
/// author is that of the last rank named, so an infraspecific name's author goes to SUBTAUTHOR.
pub fn split_name<'a>(
    lb_nom: &'a str,
    author: &'a str,
) -> (&'a str, &'a str, &'a str, String, &'a str) {
    let mut words = lb_nom.split_whitespace();
    let genus = words.next().unwrap_or("");
    let species = words.next().unwrap_or("");
    let rest: Vec<&str> = words.collect();
    if rest.is_empty() {
        (
            genus,
            if species.is_empty() { "sp." } else { species },
            author,
            String::new(),
            "",
        )
    } else {
        (genus, species, "", rest.join(" "), author)
    }
}

/// Degrees as MCPD's DDMMSSH (latitude, 2-digit degrees) or DDDMMSSH (longitude).
pub fn dms(value: f64, latitude: bool) -> String {
    let hemisphere = match (latitude, value < 0.0) {
        (true, false) => 'N',
        (true, true) => 'S',
        (false, false) => 'E',
        (false, true) => 'W',
    };
    let total = (value.abs() * 3600.0).round() as i64;
    let (d, m, s) = (total / 3600, total % 3600 / 60, total % 60);
    if latitude {
        format!("{d:02}{m:02}{s:02}{hemisphere}")
    } else {
        format!("{d:03}{m:02}{s:02}{hemisphere}")
    }
}

/// MCPD STORAGE: seed collections are short (11), medium (12) or long term (13); the FAO Genebank
/// Standards keep long-term (base) collections at −18 ± 3 °C and medium-term ones at 0–10 °C.
pub fn storage(material_seed: bool, temperature_c: Option<f64>) -> &'static str {
    match (material_seed, temperature_c) {
        (false, _) => "99",
        (true, Some(t)) if t <= -15.0 => "13",
        (true, Some(t)) if t <= 10.0 => "12",
        (true, Some(_)) => "11",
        (true, None) => "10",
    }
}

fn yyyymmdd(iso: &str) -> String {
    iso.replace('-', "")
}

/// The row's values, in [`COLUMNS`] order.
pub fn row(p: &Passport<'_>) -> Vec<String> {
    let (genus, species, spauthor, subtaxa, subtauthor) = split_name(p.lb_nom, p.lb_auteur);
    let h = p.harvest.as_ref();
    let coord = |f: fn(&Collecting<'_>) -> Option<f64>| h.and_then(f);
    let (lat, lon) = (coord(|c| c.lat), coord(|c| c.lon));
    let has_coords = lat.is_some() && lon.is_some();
    let mut remarks = Vec::new();
    if !p.remarks.trim().is_empty() {
        // MCPD separates remarks with `;` and names their field with `:`.
        remarks.push(format!(
            "REMARKS:{}",
            p.remarks.trim().replace([';', '\n', '\r'], " ")
        ));
    }
    vec![
        format!("urn:uuid:{}", p.uuid),
        p.instcode.to_string(),
        p.lot_code.to_string(),
        h.map(|c| c.code.to_string()).unwrap_or_default(),
        String::new(),
        h.map(|c| c.collectors.replace(';', ","))
            .unwrap_or_default(),
        genus.to_string(),
        species.to_string(),
        spauthor.to_string(),
        subtaxa,
        subtauthor.to_string(),
        p.vernacular.unwrap_or("").replace(';', ","),
        p.acquired.map(yyyymmdd).unwrap_or_default(),
        if h.is_some_and(|c| c.in_france) {
            "FRA".into()
        } else {
            String::new()
        },
        h.map(|c| c.locality.to_string()).unwrap_or_default(),
        lat.map(|v| format!("{v:.4}")).unwrap_or_default(),
        lat.map(|v| dms(v, true)).unwrap_or_default(),
        lon.map(|v| format!("{v:.4}")).unwrap_or_default(),
        lon.map(|v| dms(v, false)).unwrap_or_default(),
        coord(|c| c.uncertainty_m)
            .filter(|_| has_coords)
            .map(|v| format!("{}", v.round() as i64))
            .unwrap_or_default(),
        if has_coords {
            "WGS84".into()
        } else {
            String::new()
        },
        String::new(),
        coord(|c| c.elevation_m)
            .map(|v| format!("{}", v.round() as i64))
            .unwrap_or_default(),
        h.map(|c| yyyymmdd(c.date)).unwrap_or_default(),
        // Harvested in the wild (100) from a wild habitat (10); otherwise unknown.
        if h.is_some() {
            "100".into()
        } else {
            String::new()
        },
        if h.is_some() {
            "10".into()
        } else {
            String::new()
        },
        String::new(),
        storage(p.material_seed, p.storage_temperature_c).to_string(),
        String::new(),
        remarks.join(";"),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_split_as_mcpd_wants() {
        assert_eq!(
            split_name("Eryngium alpinum", "L., 1753"),
            ("Eryngium", "alpinum", "L., 1753", String::new(), "")
        );
        assert_eq!(
            split_name(
                "Leontopodium nivale subsp. alpinum",
                "(Cass.) Greuter, 2003"
            ),
            (
                "Leontopodium",
                "nivale",
                "",
                "subsp. alpinum".into(),
                "(Cass.) Greuter, 2003"
            )
        );
        assert_eq!(split_name("Saxifraga", "L., 1753").1, "sp.");
    }

    #[test]
    fn coordinates_in_dms() {
        assert_eq!(dms(45.0355, true), "450208N");
        assert_eq!(dms(6.4045, false), "0062416E");
        assert_eq!(dms(-0.5, false), "0003000W");
        assert_eq!(dms(-33.25, true), "331500S");
    }

    #[test]
    fn storage_codes() {
        assert_eq!(storage(true, Some(-20.0)), "13");
        assert_eq!(storage(true, Some(4.0)), "12");
        assert_eq!(storage(true, Some(20.0)), "11");
        assert_eq!(storage(true, None), "10");
        assert_eq!(storage(false, Some(-20.0)), "99");
    }

    #[test]
    fn a_full_row() {
        let p = Passport {
            instcode: "FRA999",
            lot_code: "2024_0001-1",
            uuid: "0b6f1c8e-0000-4000-8000-000000000001",
            lb_nom: "Eryngium alpinum",
            lb_auteur: "L., 1753",
            vernacular: Some("Panicaut des Alpes"),
            acquired: Some("2024-09-10"),
            harvest: Some(Collecting {
                code: "2024_0001",
                collectors: "C. Martin; L. Dubois",
                date: "2024-08-22",
                locality: "Col du Lautaret",
                in_france: true,
                lat: Some(45.0355),
                lon: Some(6.4045),
                uncertainty_m: Some(20.0),
                elevation_m: Some(2100.0),
            }),
            material_seed: true,
            storage_temperature_c: Some(-20.0),
            remarks: "Séché; sous vide",
        };
        let r = row(&p);
        assert_eq!(r.len(), COLUMNS.len());
        let get = |c: &str| r[COLUMNS.iter().position(|x| *x == c).unwrap()].clone();
        assert_eq!(get("ACCENUMB"), "2024_0001-1");
        assert_eq!(get("COLLNUMB"), "2024_0001");
        assert_eq!(get("COLLNAME"), "C. Martin, L. Dubois");
        assert_eq!(get("ACQDATE"), "20240910");
        assert_eq!(get("COLLDATE"), "20240822");
        assert_eq!(get("ORIGCTY"), "FRA");
        assert_eq!(get("DECLATITUDE"), "45.0355");
        assert_eq!(get("LATITUDE"), "450208N");
        assert_eq!(get("COORDDATUM"), "WGS84");
        assert_eq!(get("ELEVATION"), "2100");
        assert_eq!(
            (get("SAMPSTAT"), get("COLLSRC"), get("STORAGE")),
            ("100".into(), "10".into(), "13".into())
        );
        assert_eq!(get("REMARKS"), "REMARKS:Séché  sous vide");
        let bare = Passport {
            harvest: None,
            remarks: "",
            acquired: None,
            ..p
        };
        let r = row(&bare);
        assert!(r[COLUMNS.iter().position(|x| *x == "COORDDATUM").unwrap()].is_empty());
        assert!(r[COLUMNS.iter().position(|x| *x == "SAMPSTAT").unwrap()].is_empty());
    }
}
