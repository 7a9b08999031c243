//! French spatial coverage: zones in udata's `level:code` form (`fr:region:53`,
//! `fr:departement:29`, `fr:commune:29019`, `country:fr`) and granularities.
use serde::Serialize;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Zone {
    /// `level:code`, e.g. `fr:departement:2A`.
    pub id: String,
    pub level: &'static str,
    pub code: String,
    /// Known name (regions, départements, France); communes carry their code only.
    pub name: Option<&'static str>,
}

pub const GRANULARITIES: &[(&str, &str, &str)] = &[
    ("country", "Pays", "Country"),
    ("fr:region", "Région", "Region"),
    ("fr:departement", "Département", "Département"),
    ("fr:epci", "Intercommunalité (EPCI)", "Inter-municipality (EPCI)"),
    ("fr:commune", "Commune", "Municipality"),
    ("fr:iris", "Iris (quartiers INSEE)", "Iris (INSEE districts)"),
    ("poi", "Point d'intérêt", "Point of interest"),
    ("other", "Autre", "Other"),
];

pub const REGIONS: &[(&str, &str)] = &[
    ("01", "Guadeloupe"), ("02", "Martinique"), ("03", "Guyane"), ("04", "La Réunion"), ("06", "Mayotte"),
    ("11", "Île-de-France"), ("24", "Centre-Val de Loire"), ("27", "Bourgogne-Franche-Comté"), ("28", "Normandie"),
    ("32", "Hauts-de-France"), ("44", "Grand Est"), ("52", "Pays de la Loire"), ("53", "Bretagne"),
    ("75", "Nouvelle-Aquitaine"), ("76", "Occitanie"), ("84", "Auvergne-Rhône-Alpes"),
    ("93", "Provence-Alpes-Côte d'Azur"), ("94", "Corse"),
];

pub const DEPARTEMENTS: &[(&str, &str)] = &[
    ("01", "Ain"), ("02", "Aisne"), ("03", "Allier"), ("04", "Alpes-de-Haute-Provence"), ("05", "Hautes-Alpes"),
    ("06", "Alpes-Maritimes"), ("07", "Ardèche"), ("08", "Ardennes"), ("09", "Ariège"), ("10", "Aube"),
    ("11", "Aude"), ("12", "Aveyron"), ("13", "Bouches-du-Rhône"), ("14", "Calvados"), ("15", "Cantal"),
    ("16", "Charente"), ("17", "Charente-Maritime"), ("18", "Cher"), ("19", "Corrèze"), ("2A", "Corse-du-Sud"),
    ("2B", "Haute-Corse"), ("21", "Côte-d'Or"), ("22", "Côtes-d'Armor"), ("23", "Creuse"), ("24", "Dordogne"),
    ("25", "Doubs"), ("26", "Drôme"), ("27", "Eure"), ("28", "Eure-et-Loir"), ("29", "Finistère"),
    ("30", "Gard"), ("31", "Haute-Garonne"), ("32", "Gers"), ("33", "Gironde"), ("34", "Hérault"),
    ("35", "Ille-et-Vilaine"), ("36", "Indre"), ("37", "Indre-et-Loire"), ("38", "Isère"), ("39", "Jura"),
    ("40", "Landes"), ("41", "Loir-et-Cher"), ("42", "Loire"), ("43", "Haute-Loire"), ("44", "Loire-Atlantique"),
    ("45", "Loiret"), ("46", "Lot"), ("47", "Lot-et-Garonne"), ("48", "Lozère"), ("49", "Maine-et-Loire"),
    ("50", "Manche"), ("51", "Marne"), ("52", "Haute-Marne"), ("53", "Mayenne"), ("54", "Meurthe-et-Moselle"),
    ("55", "Meuse"), ("56", "Morbihan"), ("57", "Moselle"), ("58", "Nièvre"), ("59", "Nord"),
    ("60", "Oise"), ("61", "Orne"), ("62", "Pas-de-Calais"), ("63", "Puy-de-Dôme"), ("64", "Pyrénées-Atlantiques"),
    ("65", "Hautes-Pyrénées"), ("66", "Pyrénées-Orientales"), ("67", "Bas-Rhin"), ("68", "Haut-Rhin"), ("69", "Rhône"),
    ("70", "Haute-Saône"), ("71", "Saône-et-Loire"), ("72", "Sarthe"), ("73", "Savoie"), ("74", "Haute-Savoie"),
    ("75", "Paris"), ("76", "Seine-Maritime"), ("77", "Seine-et-Marne"), ("78", "Yvelines"), ("79", "Deux-Sèvres"),
    ("80", "Somme"), ("81", "Tarn"), ("82", "Tarn-et-Garonne"), ("83", "Var"), ("84", "Vaucluse"),
    ("85", "Vendée"), ("86", "Vienne"), ("87", "Haute-Vienne"), ("88", "Vosges"), ("89", "Yonne"),
    ("90", "Territoire de Belfort"), ("91", "Essonne"), ("92", "Hauts-de-Seine"), ("93", "Seine-Saint-Denis"),
    ("94", "Val-de-Marne"), ("95", "Val-d'Oise"), ("971", "Guadeloupe"), ("972", "Martinique"), ("973", "Guyane"),
    ("974", "La Réunion"), ("976", "Mayotte"),
];

#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum ZoneError {
    #[error("unknown zone level in {0:?} (country:fr, fr:region:CODE, fr:departement:CODE, fr:commune:CODE)")]
    Level(String),
    #[error("unknown zone code in {0:?}")]
    Code(String),
}

impl Zone {
    pub fn parse(raw: &str) -> Result<Zone, ZoneError> {
        let raw = raw.trim();
        let (level, code) = raw.rsplit_once(':').ok_or_else(|| ZoneError::Level(raw.into()))?;
        let name = match level {
            "country" if code.eq_ignore_ascii_case("fr") => Some("France"),
            "fr:region" => Some(lookup(REGIONS, code).ok_or_else(|| ZoneError::Code(raw.into()))?),
            "fr:departement" => Some(lookup(DEPARTEMENTS, code).ok_or_else(|| ZoneError::Code(raw.into()))?),
            // INSEE commune codes: 5 characters, digits or 2A/2B for Corsica; kept as text.
            "fr:commune" if is_commune_code(code) => None,
            "fr:commune" | "country" => return Err(ZoneError::Code(raw.into())),
            _ => return Err(ZoneError::Level(raw.into())),
        };
        let level = GRANULARITIES.iter().find(|g| g.0 == level).map(|g| g.0).unwrap_or("country");
        let code = if level == "country" { code.to_lowercase() } else { code.to_uppercase() };
        Ok(Zone { id: format!("{level}:{code}"), level, code, name })
    }
}

fn lookup(list: &[(&str, &'static str)], code: &str) -> Option<&'static str> {
    list.iter().find(|(c, _)| c.eq_ignore_ascii_case(code)).map(|(_, n)| *n)
}

pub fn is_commune_code(code: &str) -> bool {
    let b = code.as_bytes();
    b.len() == 5
        && (b[..2].iter().all(u8::is_ascii_digit) || code[..2].eq_ignore_ascii_case("2a") || code[..2].eq_ignore_ascii_case("2b"))
        && b[2..].iter().all(u8::is_ascii_digit)
}

pub fn granularity(raw: &str) -> Option<&'static str> {
    GRANULARITIES.iter().find(|g| g.0 == raw.trim()).map(|g| g.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zones_parse_with_leading_zeros_and_corsica() {
        let z = Zone::parse("fr:departement:01").unwrap();
        assert_eq!((z.id.as_str(), z.name), ("fr:departement:01", Some("Ain")));
        assert_eq!(Zone::parse("fr:departement:2a").unwrap().id, "fr:departement:2A");
        assert_eq!(Zone::parse("fr:commune:01001").unwrap().code, "01001");
        assert_eq!(Zone::parse("fr:commune:2A004").unwrap().code, "2A004");
        assert_eq!(Zone::parse("country:fr").unwrap().name, Some("France"));
        assert_eq!(Zone::parse("fr:region:53").unwrap().name, Some("Bretagne"));
        assert!(matches!(Zone::parse("fr:departement:99"), Err(ZoneError::Code(_))));
        assert!(matches!(Zone::parse("fr:commune:1001"), Err(ZoneError::Code(_))));
        assert!(matches!(Zone::parse("mars:crater:1"), Err(ZoneError::Level(_))));
        assert!(matches!(Zone::parse("nothing"), Err(ZoneError::Level(_))));
        assert_eq!(DEPARTEMENTS.len(), 101);
        assert_eq!(REGIONS.len(), 18);
    }
}
