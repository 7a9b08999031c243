//! Météo-France station list (`fiches.json`): a GeoJSON FeatureCollection with NUM_POSTE,
//! NOM_USUEL, COMMUNE, LAT_DG, LON_DG, ALTI, NUM_DEP per feature.
use serde::Deserialize;

use super::mf::Rejected;

#[derive(Clone, Debug, PartialEq)]
pub struct StationSheet {
    pub num_poste: String,
    pub name: String,
    pub commune: String,
    pub departement: String,
    pub lat: f64,
    pub lon: f64,
    pub alti: f64,
    /// Météo-France publishes a full climatological sheet for the station.
    pub full_sheet: bool,
}

#[derive(Deserialize)]
struct Collection {
    #[serde(rename = "type")]
    kind: Option<String>,
    features: Vec<serde_json::Value>,
}

#[derive(Deserialize)]
struct Props {
    #[serde(rename = "NUM_POSTE")]
    num_poste: serde_json::Value,
    #[serde(rename = "NOM_USUEL")]
    name: Option<String>,
    #[serde(rename = "COMMUNE")]
    commune: Option<String>,
    #[serde(rename = "LAT_DG")]
    lat: Option<f64>,
    #[serde(rename = "LON_DG")]
    lon: Option<f64>,
    #[serde(rename = "ALTI")]
    alti: Option<f64>,
    #[serde(rename = "NUM_DEP")]
    dep: Option<serde_json::Value>,
    #[serde(rename = "ficheClimComplete")]
    complete: Option<i64>,
}

/// Parses the collection; each bad feature is reported by its position (1-based).
pub fn parse(text: &str) -> Result<(Vec<StationSheet>, Vec<Rejected>), String> {
    let c: Collection = serde_json::from_str(text).map_err(|e| format!("not a GeoJSON FeatureCollection: {e}"))?;
    if c.kind.as_deref().is_some_and(|k| k != "FeatureCollection") {
        return Err(format!("expected a FeatureCollection, found {}", c.kind.unwrap_or_default()));
    }
    let mut out = Vec::new();
    let mut rejected = Vec::new();
    for (i, f) in c.features.iter().enumerate() {
        let n = i + 1;
        let reject = |reason: String| Rejected { line: n, reason };
        let props: Props = match serde_json::from_value(f.get("properties").cloned().unwrap_or_default()) {
            Ok(p) => p,
            Err(e) => {
                rejected.push(reject(format!("feature {n}: {e}")));
                continue;
            }
        };
        // NUM_POSTE is a string with leading zeros; tolerate numbers by padding back to 8 digits.
        let num = match &props.num_poste {
            serde_json::Value::String(s) => s.trim().to_string(),
            serde_json::Value::Number(x) => format!("{:08}", x.as_u64().unwrap_or(0)),
            _ => String::new(),
        };
        if num.len() != 8 || !num.bytes().all(|b| b.is_ascii_digit()) {
            rejected.push(reject(format!("feature {n}: NUM_POSTE `{num}` is not 8 digits")));
            continue;
        }
        let (Some(lat), Some(lon)) = (props.lat, props.lon) else {
            rejected.push(reject(format!("feature {n} ({num}): no LAT_DG/LON_DG")));
            continue;
        };
        if !(-90.0..=90.0).contains(&lat) || !(-180.0..=180.0).contains(&lon) {
            rejected.push(reject(format!("feature {n} ({num}): position {lat}, {lon} outside the globe")));
            continue;
        }
        let departement = match props.dep {
            Some(serde_json::Value::Number(d)) => format!("{:02}", d.as_u64().unwrap_or(0)),
            Some(serde_json::Value::String(d)) => d,
            _ => num.get(..2).unwrap_or("").to_string(),
        };
        out.push(StationSheet {
            name: props.name.unwrap_or_else(|| num.clone()).trim().to_string(),
            commune: props.commune.unwrap_or_default().trim().to_string(),
            num_poste: num,
            departement,
            lat,
            lon,
            alti: props.alti.unwrap_or(0.0),
            full_sheet: props.complete == Some(1),
        });
    }
    Ok((out, rejected))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_features_keeping_leading_zeros() {
        let text = r#"{"type":"FeatureCollection","features":[
          {"type":"Feature","geometry":{"type":"Point","coordinates":[5.669,46.278167]},
           "properties":{"ficheClimComplete":0,"COMMUNE":"ARBENT","LAT_DG":46.278167,"LON_DG":5.669,"NUM_POSTE":"01014002","NOM_USUEL":"ARBENT","NUM_DEP":1,"ALTI":534}},
          {"type":"Feature","properties":{"NUM_POSTE":"123","LAT_DG":1,"LON_DG":2}},
          {"type":"Feature","properties":{"NUM_POSTE":"97418110","NOM_USUEL":"PITON","LAT_DG":-21.1,"LON_DG":55.5,"NUM_DEP":974,"ALTI":100,"ficheClimComplete":1}}
        ]}"#;
        let (s, rej) = parse(text).unwrap();
        assert_eq!(s.len(), 2);
        assert_eq!(s[0].num_poste, "01014002");
        assert_eq!(s[0].departement, "01");
        assert_eq!(s[1].departement, "974");
        assert!(s[1].full_sheet);
        assert_eq!(rej[0].line, 2);
        assert!(parse("[]").is_err());
    }

    #[test]
    fn the_official_station_list() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/data/meteo-france/fiches.json");
        let Ok(text) = std::fs::read_to_string(path) else { return };
        let (s, rej) = parse(&text).unwrap();
        assert_eq!(s.len() + rej.len(), 2397);
        assert!(rej.is_empty(), "{:?}", &rej[..rej.len().min(3)]);
        assert!(s.iter().any(|x| x.num_poste == "21473001"), "Dijon-Longvic");
    }
}
