//! Météo-France "données climatologiques de base" CSV files (meteo.data.gouv.fr): hourly (H,
//! every column of the field description), daily (Q, both files: RR-T-Vent and
//! autres-parametres) and 6-minute (MN) products. `;`-separated, header row, each value `X`
//! followed by its quality `QX`, empty field = missing, stamps AAAAMMJJHH[MN] in "FU" time (UTC in
//! metropolitan France, UTC + offset overseas), the hour stamp marking the END of the interval.
//! Daily rows carry a date AAAAMMJJ, a label rather than an instant (RR of J covers 06 FU J →
//! 06 FU J+1): their values become the `_Q` parameters stamped 00:00 UTC of that date. Known
//! header typos (QPERMIN, QCB2; TMNX, the parameter table's name of TNTXM) are accepted.
use std::io::Read;

use crate::domain::block::Quality;
use crate::domain::climato::{days_from_civil, fu_offset_minutes};
use crate::domain::params::ParamId;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Product {
    Hourly,
    SixMinutes,
    /// Q files: `…_RR-T-Vent.csv` or `…_autres-parametres.csv`, told apart by their columns.
    Daily,
}

#[derive(Clone, Debug, PartialEq)]
pub struct MfStation {
    /// 8-digit NUM_POSTE, leading zeros kept.
    pub num_poste: String,
    pub name: String,
    pub lat: f64,
    pub lon: f64,
    pub alti: f64,
}

impl MfStation {
    /// The département: the first two digits, three for overseas (97x, 98x).
    pub fn departement(&self) -> &str {
        let n = if self.num_poste.starts_with("97") || self.num_poste.starts_with("98") { 3 } else { 2 };
        self.num_poste.get(..n).unwrap_or("")
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct MfRecord {
    pub line: usize,
    pub station: MfStation,
    /// Minutes since the epoch, UTC.
    pub stamp: i64,
    pub values: Vec<(ParamId, f64, Quality)>,
}

#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Rejected {
    pub line: usize,
    pub reason: String,
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum HeaderError {
    #[error("the file is empty")]
    Empty,
    #[error("missing column {0} in the header: is this a Météo-France {1} file?")]
    MissingColumn(&'static str, &'static str),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Col {
    NumPoste,
    Name,
    Lat,
    Lon,
    Alti,
    Stamp,
    Value(ParamId),
    Quality(ParamId),
    Ignored,
}

/// A parsed header: what each column holds.
#[derive(Clone, Debug)]
pub struct Header {
    pub product: Product,
    cols: Vec<Col>,
    /// Columns not in the catalogue (reported, not fatal).
    pub unknown: Vec<String>,
}

/// Official header spellings that differ from the mnemonic they qualify.
fn fix_typo(name: &str) -> &str {
    match name {
        "QPERMIN" => "QPMERMIN",
        "QCB2" => "QB2",
        "TMNX" => "TNTXM",
        "QTMNX" => "QTNTXM",
        other => other,
    }
}

impl Header {
    pub fn parse(line: &str) -> Result<Header, HeaderError> {
        let names: Vec<String> = line.trim_start_matches('\u{feff}').trim_end().split(';').map(|c| c.trim().to_ascii_uppercase()).collect();
        if names.len() < 2 {
            return Err(HeaderError::Empty);
        }
        let product = if names.iter().any(|n| n == "AAAAMMJJHHMN") {
            Product::SixMinutes
        } else if names.iter().any(|n| n == "AAAAMMJJ") {
            Product::Daily
        } else {
            Product::Hourly
        };
        let label = match product {
            Product::Hourly => "hourly (H)",
            Product::SixMinutes => "6-minute (MN)",
            Product::Daily => "daily (Q)",
        };
        // Daily columns are the `_Q` parameters: TN of a Q file is the day's minimum, not the hour's.
        let lookup = |n: &str| if product == Product::Daily { ParamId::daily(n) } else { ParamId::parse(n).filter(|p| !p.is_daily()) };
        let mut unknown = Vec::new();
        let cols: Vec<Col> = names
            .iter()
            .map(|raw| {
                let n = fix_typo(raw);
                match n {
                    "NUM_POSTE" => Col::NumPoste,
                    "NOM_USUEL" => Col::Name,
                    "LAT" => Col::Lat,
                    "LON" => Col::Lon,
                    "ALTI" => Col::Alti,
                    "AAAAMMJJHH" | "AAAAMMJJHHMN" | "AAAAMMJJ" => Col::Stamp,
                    "RR" if product == Product::SixMinutes => Col::Value(ParamId::parse("RR_MN").expect("RR_MN in catalogue")),
                    "QRR" if product == Product::SixMinutes => Col::Quality(ParamId::parse("RR_MN").expect("RR_MN in catalogue")),
                    _ => {
                        if let Some(p) = lookup(n) {
                            Col::Value(p)
                        } else if let Some(p) = n.strip_prefix('Q').and_then(lookup) {
                            Col::Quality(p)
                        } else {
                            unknown.push(raw.clone());
                            Col::Ignored
                        }
                    }
                }
            })
            .collect();
        let stamp = match product {
            Product::Hourly => "AAAAMMJJHH",
            Product::SixMinutes => "AAAAMMJJHHMN",
            Product::Daily => "AAAAMMJJ",
        };
        for (col, name) in [(Col::NumPoste, "NUM_POSTE"), (Col::Stamp, stamp), (Col::Lat, "LAT"), (Col::Lon, "LON")] {
            if !cols.contains(&col) {
                return Err(HeaderError::MissingColumn(name, label));
            }
        }
        Ok(Header { product, cols, unknown })
    }

    /// Parses one data line (1-based `line` for reports). A line is taken whole or rejected whole.
    pub fn record(&self, line: usize, text: &str) -> Result<MfRecord, Rejected> {
        let reject = |reason: String| Rejected { line, reason };
        let fields: Vec<&str> = text.trim_end_matches(['\r', '\n']).split(';').collect();
        if fields.len() != self.cols.len() {
            return Err(reject(format!("expected {} fields, found {}", self.cols.len(), fields.len())));
        }
        let mut num_poste = String::new();
        let (mut name, mut lat, mut lon, mut alti, mut stamp_raw) = (String::new(), None, None, 0.0, "");
        let mut values: Vec<(ParamId, f64)> = Vec::new();
        let mut qualities: Vec<(ParamId, Quality)> = Vec::new();
        for (col, raw) in self.cols.iter().zip(&fields) {
            let f = raw.trim();
            match col {
                Col::NumPoste => num_poste = f.to_string(),
                Col::Name => name = f.to_string(),
                Col::Lat => lat = Some(number(f).ok_or_else(|| reject(format!("LAT `{f}` is not a number")))?),
                Col::Lon => lon = Some(number(f).ok_or_else(|| reject(format!("LON `{f}` is not a number")))?),
                Col::Alti => alti = if f.is_empty() { 0.0 } else { number(f).ok_or_else(|| reject(format!("ALTI `{f}` is not a number")))? },
                Col::Stamp => stamp_raw = f,
                Col::Value(p) if !f.is_empty() => {
                    let v = number(f).ok_or_else(|| reject(format!("{} `{f}` is not a number", column(*p))))?;
                    values.push((*p, v));
                }
                Col::Quality(p) if !f.is_empty() => {
                    let q = Quality::from_mf(f).map_err(|e| reject(format!("Q{}: {e}", column(*p))))?;
                    qualities.push((*p, q));
                }
                _ => {}
            }
        }
        if num_poste.len() != 8 || !num_poste.bytes().all(|b| b.is_ascii_digit()) {
            return Err(reject(format!("NUM_POSTE `{num_poste}` is not 8 digits")));
        }
        let (lat, lon) = (lat.unwrap_or(f64::NAN), lon.unwrap_or(f64::NAN));
        if !(-90.0..=90.0).contains(&lat) || !(-180.0..=180.0).contains(&lon) {
            return Err(reject(format!("position {lat}, {lon} is outside the globe")));
        }
        let station = MfStation { num_poste, name, lat, lon, alti };
        let pattern = match self.product {
            Product::Hourly => "AAAAMMJJHH",
            Product::SixMinutes => "AAAAMMJJHHMN",
            Product::Daily => "AAAAMMJJ",
        };
        let local = parse_stamp(stamp_raw, self.product).ok_or_else(|| reject(format!("date `{stamp_raw}` is not a valid {pattern}")))?;
        // A daily date is a label, not an instant: no FU offset applies to it.
        let offset = if self.product == Product::Daily {
            0
        } else {
            fu_offset_minutes(station.departement()).ok_or_else(|| reject(format!("no FU offset known for département {} (TAAF stations need theirs)", station.departement())))?
        };
        let values = values
            .into_iter()
            .map(|(p, v)| {
                let q = qualities.iter().find(|(qp, _)| *qp == p).map(|(_, q)| *q).unwrap_or(Quality::Unknown);
                (p, v, q)
            })
            .collect();
        Ok(MfRecord { line, station, stamp: local - i64::from(offset), values })
    }
}

/// The column a parameter comes from, as the file names it (daily `TN_Q` is the Q file's `TN`).
fn column(p: ParamId) -> &'static str {
    let code = p.param().code;
    if p.is_daily() {
        code.strip_suffix("_Q").unwrap_or(code)
    } else {
        code
    }
}

fn number(s: &str) -> Option<f64> {
    let v: f64 = s.replace(',', ".").parse().ok()?;
    v.is_finite().then_some(v)
}

/// AAAAMMJJHH (hour 00–23; MF also writes 24 for the end of the day), AAAAMMJJHHMN or AAAAMMJJ
/// → minutes since the epoch in the file's own time (00:00 of the date for AAAAMMJJ).
fn parse_stamp(s: &str, product: Product) -> Option<i64> {
    let want = match product {
        Product::SixMinutes => 12,
        Product::Hourly => 10,
        Product::Daily => 8,
    };
    if s.len() != want || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let n = |a: usize, b: usize| s.get(a..b).and_then(|x| x.parse::<u32>().ok());
    let (y, m, d) = (n(0, 4)? as i32, n(4, 6)?, n(6, 8)?);
    let h = if want >= 10 { n(8, 10)? } else { 0 };
    let mn = if want == 12 { n(10, 12)? } else { 0 };
    if !(1..=12).contains(&m) || d == 0 || d > crate::domain::climato::days_in_month(y, m) || h > 24 || mn > 59 || (h == 24 && mn > 0) {
        return None;
    }
    Some(days_from_civil(y, m, d) * 1440 + i64::from(h) * 60 + i64::from(mn))
}

/// Text of a file: gunzipped when it starts with the gzip magic, UTF-8 or else Latin-1.
pub fn read_text(bytes: &[u8]) -> Result<String, String> {
    let raw = if bytes.starts_with(&[0x1f, 0x8b]) {
        let mut out = Vec::new();
        flate2::read::MultiGzDecoder::new(bytes).read_to_end(&mut out).map_err(|e| format!("not a valid gzip file: {e}"))?;
        out
    } else {
        bytes.to_vec()
    };
    Ok(match String::from_utf8(raw) {
        Ok(s) => s,
        Err(e) => e.into_bytes().iter().map(|b| char::from(*b)).collect(),
    })
}

/// Parses a whole file: good lines become records, bad lines are reported with their number.
pub fn parse(text: &str) -> Result<(Header, Vec<MfRecord>, Vec<Rejected>), HeaderError> {
    let mut lines = text.lines().enumerate().filter(|(_, l)| !l.trim().is_empty());
    let (_, head) = lines.next().ok_or(HeaderError::Empty)?;
    let header = Header::parse(head)?;
    let mut records = Vec::new();
    let mut rejected = Vec::new();
    for (i, l) in lines {
        match header.record(i + 1, l) {
            Ok(r) => records.push(r),
            Err(e) => rejected.push(e),
        }
    }
    Ok((header, records, rejected))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The 204-column header in the order of the official field description (H_descriptif_champs).
    pub fn hourly_header() -> String {
        let mut cols = vec!["NUM_POSTE", "NOM_USUEL", "LAT", "LON", "ALTI", "AAAAMMJJHH"].into_iter().map(String::from).collect::<Vec<_>>();
        for p in crate::domain::params::PARAMS.iter().take(99) {
            cols.push(p.code.to_string());
            cols.push(if p.code == "PMERMIN" { "QPERMIN".into() } else if p.code == "B2" { "QCB2".into() } else { format!("Q{}", p.code) });
        }
        cols.join(";")
    }

    fn row(values: &[(&str, &str, &str)], stamp: &str) -> String {
        let header = hourly_header();
        let names: Vec<&str> = header.split(';').collect();
        let mut fields = vec![String::new(); names.len()];
        fields[0] = "44015001".into();
        fields[1] = "BLAIN".into();
        fields[2] = "47.475667".into();
        fields[3] = "-1.7635".into();
        fields[4] = "29".into();
        fields[5] = stamp.into();
        for (code, v, q) in values {
            let i = names.iter().position(|n| n == code).unwrap();
            fields[i] = v.to_string();
            fields[i + 1] = q.to_string();
        }
        fields.join(";")
    }

    #[test]
    fn header_has_204_columns_and_accepts_the_official_typos() {
        let h = Header::parse(&hourly_header()).unwrap();
        assert_eq!(h.cols.len(), 204);
        assert!(h.unknown.is_empty(), "{:?}", h.unknown);
        assert_eq!(h.product, Product::Hourly);
        let pmermin = ParamId::parse("PMERMIN").unwrap();
        assert!(h.cols.contains(&Col::Quality(pmermin)));
        assert!(Header::parse("NUM_POSTE;NOM_USUEL").is_err());
    }

    #[test]
    fn a_real_row_shape() {
        // Facts of a real row of station 44015001 BLAIN: TN 6.5 at 23:10 and TX 7.5 at 23:51 for
        // the row stamped 2024-01-01 00 UTC.
        let text = format!(
            "{}\n{}\n",
            hourly_header(),
            row(&[("T", "7.2", "1"), ("TN", "6.5", "1"), ("HTN", "2310", "9"), ("TX", "7.5", "1"), ("HTX", "2351", "9"), ("RR1", "0.2", "1"), ("PMERMIN", "1012.3", "9")], "2024010100")
        );
        let (_, recs, rej) = parse(&text).unwrap();
        assert!(rej.is_empty(), "{rej:?}");
        let r = &recs[0];
        assert_eq!(r.station.num_poste, "44015001");
        assert_eq!(r.station.departement(), "44");
        assert_eq!(r.stamp, days_from_civil(2024, 1, 1) * 1440);
        let get = |c: &str| r.values.iter().find(|v| v.0 == ParamId::parse(c).unwrap()).map(|v| (v.1, v.2));
        assert_eq!(get("T"), Some((7.2, Quality::Validated)));
        assert_eq!(get("HTN"), Some((2310.0, Quality::Filtered)));
        assert_eq!(get("PMERMIN"), Some((1012.3, Quality::Filtered)), "QPERMIN qualifies PMERMIN");
        assert_eq!(get("U"), None, "empty = missing");
    }

    #[test]
    fn bad_lines_are_reported_with_their_number_and_reason() {
        let good = row(&[("T", "1.0", "9")], "2024010101");
        let text = format!(
            "{}\n{}\n{}\n{}\n{}\n{}\n{}\n",
            hourly_header(),
            good,
            row(&[("T", "abc", "9")], "2024010102"),
            row(&[("T", "1.0", "7")], "2024010103"),
            row(&[("T", "1.0", "9")], "2024023101"),
            "44015001;BLAIN;only;three",
            good.replacen("44015001", " 4401500", 1)
        );
        let (_, recs, rej) = parse(&text).unwrap();
        assert_eq!(recs.len(), 1);
        let reasons: Vec<(usize, &str)> = rej.iter().map(|r| (r.line, r.reason.as_str())).collect();
        assert_eq!(reasons[0], (3, "T `abc` is not a number"));
        assert_eq!(reasons[1].0, 4);
        assert!(reasons[1].1.contains("unknown quality code `7`"));
        assert_eq!(reasons[2], (5, "date `2024023101` is not a valid AAAAMMJJHH"));
        assert_eq!(reasons[3], (6, "expected 204 fields, found 4"));
        assert_eq!(reasons[4], (7, "NUM_POSTE `4401500` is not 8 digits"));
    }

    #[test]
    fn six_minute_files_with_leading_spaces_and_overseas_offsets() {
        let text = "NUM_POSTE;NOM_USUEL;LAT;LON;ALTI;AAAAMMJJHHMN;RR;QRR\n 01014002;ARBENT;46.278167;5.669;534;202401010006;0.2;9\n97418110;PITON;-21.1;55.5;100;202401010600;1.4;1\n";
        let (h, recs, rej) = parse(text).unwrap();
        assert!(rej.is_empty(), "{rej:?}");
        assert_eq!(h.product, Product::SixMinutes);
        assert_eq!(recs[0].station.num_poste, "01014002");
        assert_eq!(recs[0].values[0].0, ParamId::parse("RR_MN").unwrap());
        // La Réunion: FU = UTC+4, so 06:00 FU is 02:00 UTC.
        assert_eq!(recs[1].stamp, days_from_civil(2024, 1, 1) * 1440 + 2 * 60);
    }

    #[test]
    fn gzip_and_latin1() {
        use std::io::Write;
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        gz.write_all("NUM_POSTE;NOM_USUEL\n".as_bytes()).unwrap();
        assert_eq!(read_text(&gz.finish().unwrap()).unwrap(), "NUM_POSTE;NOM_USUEL\n");
        assert_eq!(read_text(b"CH\xc2TEAU").unwrap(), "CHÂTEAU");
        assert_eq!(read_text(b"CH\xe2TEAU").unwrap(), "CHâTEAU", "Latin-1 fallback");
        assert!(read_text(&[0x1f, 0x8b, 0, 1]).is_err());
    }

    const Q_RR_T_VENT: &str = include_str!("../../tests/fixtures/mf/Q_44_latest-2023-2024_RR-T-Vent.csv");
    const Q_AUTRES: &str = include_str!("../../tests/fixtures/mf/Q_44_latest-2023-2024_autres-parametres.csv");

    /// The column names of an official field description (`NAME : meaning` lines), in order.
    fn described(file: &str) -> Vec<String> {
        let path = format!("{}/../../../shared/data/meteo-france/donnees-quotidiennes/{file}", env!("CARGO_MANIFEST_DIR"));
        let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
        text.lines().map_while(|l| l.split_once(':').map(|(n, _)| n.trim().to_string()).filter(|n| !n.is_empty() && !n.contains(' '))).collect()
    }

    #[test]
    fn daily_fixtures_have_the_columns_of_the_field_descriptions() {
        for (fixture, description) in [(Q_RR_T_VENT, "Q_descriptif_champs_RR-T-Vent.csv"), (Q_AUTRES, "Q_descriptif_champs_autres-parametres.csv")] {
            let names = described(description);
            let mut expected: Vec<String> = names[..6].to_vec();
            for n in &names[6..] {
                expected.push(n.clone());
                expected.push(format!("Q{n}"));
            }
            let header: Vec<String> = fixture.lines().next().unwrap().split(';').map(|c| fix_typo(c).to_string()).collect();
            assert_eq!(header, expected, "{description}");
            let h = Header::parse(fixture.lines().next().unwrap()).unwrap();
            assert_eq!(h.product, Product::Daily);
            assert!(h.unknown.is_empty(), "every described column is known: {:?}", h.unknown);
            assert!(h.cols.iter().all(|c| !matches!(c, Col::Ignored)));
        }
        // The older spelling of the parameter table (TMNX) and unknown columns, reported by name.
        let h = Header::parse("NUM_POSTE;NOM_USUEL;LAT;LON;ALTI;AAAAMMJJ;TMNX;QTMNX;FOO;QFOO").unwrap();
        assert_eq!(h.cols[6], Col::Value(ParamId::parse("TNTXM_Q").unwrap()));
        assert_eq!(h.unknown, vec!["FOO".to_string(), "QFOO".to_string()]);
        assert_eq!(Header::parse("NUM_POSTE;LAT;LON;AAAAMMJ").unwrap_err(), HeaderError::MissingColumn("AAAAMMJJHH", "hourly (H)"));
    }

    #[test]
    fn daily_rows_are_dated_values_with_their_quality() {
        let (h, recs, rej) = parse(Q_RR_T_VENT).unwrap();
        assert_eq!(h.product, Product::Daily);
        let get = |r: &MfRecord, c: &str| r.values.iter().find(|v| v.0 == ParamId::parse(c).unwrap()).map(|v| (v.1, v.2));
        assert_eq!(recs.len(), 3);
        let d = days_from_civil(2024, 1, 1);
        // The date is a label: 00:00 UTC of AAAAMMJJ, no FU offset.
        assert_eq!(recs.iter().map(|r| r.stamp).collect::<Vec<_>>(), vec![d * 1440, (d + 1) * 1440, (d + 2) * 1440]);
        assert_eq!(get(&recs[0], "RR_Q"), Some((3.4, Quality::Validated)));
        assert_eq!(get(&recs[0], "HTN_Q"), Some((2310.0, Quality::Filtered)));
        assert_eq!(get(&recs[0], "TN"), None, "daily TN is not the hourly TN");
        assert_eq!(get(&recs[1], "TN_Q"), Some((2.1, Quality::Doubtful)));
        assert_eq!(get(&recs[1], "TX_Q"), Some((9.8, Quality::Protected)));
        assert_eq!(get(&recs[1], "RR_Q"), Some((0.0, Quality::Filtered)));
        assert_eq!(get(&recs[2], "RR_Q"), None, "empty = missing");
        assert_eq!(recs[2].station.num_poste, "44015001", "leading space");
        assert_eq!(recs[0].values.len(), 17);
        let reasons: Vec<(usize, &str)> = rej.iter().map(|r| (r.line, r.reason.as_str())).collect();
        assert_eq!(reasons[0], (5, "TN `abc` is not a number"));
        assert_eq!(reasons[1], (6, "date `20240230` is not a valid AAAAMMJJ"));
        assert_eq!(reasons[2].0, 7);
        assert!(reasons[2].1.contains("unknown quality code `7`"), "{}", reasons[2].1);
        let (_, recs, rej) = parse(Q_AUTRES).unwrap();
        assert!(rej.is_empty(), "{rej:?}");
        assert_eq!(get(&recs[0], "PMERMIN_Q"), Some((1008.9, Quality::Filtered)), "QPERMIN qualifies PMERMIN");
        assert_eq!(get(&recs[0], "BROU_Q"), Some((1.0, Quality::Filtered)));
        assert_eq!(get(&recs[1], "GELEE_Q"), Some((1.0, Quality::Doubtful)));
    }

    proptest! {
        #[test]
        fn any_daily_line_is_a_record_or_a_reason(line in "[0-9A-Z;., -]{0,200}") {
            let h = Header::parse(Q_RR_T_VENT.lines().next().unwrap()).unwrap();
            let _ = h.record(2, &line);
        }

        #[test]
        fn any_bytes_parse_without_panic(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
            if let Ok(text) = read_text(&bytes) {
                let _ = parse(&text);
            }
        }

        #[test]
        fn any_line_is_a_record_or_a_reason(line in "[0-9A-Z;., -]{0,300}") {
            let h = Header::parse(&hourly_header()).unwrap();
            let _ = h.record(2, &line);
        }

        #[test]
        fn any_text_parses_without_panic(text in "\\PC{0,500}") {
            let _ = parse(&text);
        }
    }
}
