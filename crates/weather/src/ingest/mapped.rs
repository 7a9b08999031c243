//! Any CSV of observations, read through a mapping file that says what each column holds: the
//! files associations' own stations write (weewx, Davis, Campbell loggers, WMO's AWS template).
//!
//! ```toml
//! station = "jardin-botanique"      # a station code of the registry, or:
//! # station_column = "station"      # a column holding station codes
//! # created at the first import if the registry does not know it yet:
//! new_station = { name = "Jardin botanique", lat = 45.77, lon = 4.85, alti = 170 }
//! delimiter = ";"                   # default ","
//! decimal = ","                     # default "."
//! encoding = "latin-1"              # utf-8 (default), latin-1, windows-1252
//! header_line = 1                   # the line holding the column names (default 1)
//! skip_after_header = 0             # unit or process lines below it (Campbell TOA5: 2)
//! time_columns = ["date", "heure"]  # joined with a space before parsing
//! time_format = "%d/%m/%Y %H:%M"    # %Y %m %d %H %M %S, other characters literal
//! time_zone = "Europe/Paris"       # UTC (default), a fixed offset ±HH:MM or an IANA zone
//!
//! [[columns]]
//! column = "temp_out"
//! param = "T"
//! unit = "°F"                       # converted to the parameter's unit (°C)
//! ```
//! In an IANA zone, a local time the clocks skip (spring) or repeat (autumn) is rejected with the
//! reason: the file does not say which instant it meant. A column mapped to a daily parameter
//! (`RR_Q`, `TX_Q`…) takes the line's local date, as daily values are labelled by their date.
//! Pure: bytes and mapping in, observations and rejected lines out; never panics.
use serde::Deserialize;

use crate::domain::params::ParamId;
use crate::ingest::mf::Rejected;

/// A mapping file's content as written, before it is checked.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawMapping {
    station: Option<String>,
    new_station: Option<NewStation>,
    station_column: Option<String>,
    delimiter: Option<String>,
    decimal: Option<String>,
    encoding: Option<String>,
    header_line: Option<usize>,
    skip_after_header: Option<usize>,
    time_columns: Vec<String>,
    time_format: String,
    time_zone: Option<String>,
    columns: Vec<RawColumn>,
}

/// The station to register when the mapping's `station` code is unknown.
#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct NewStation {
    pub name: String,
    pub lat: f64,
    pub lon: f64,
    #[serde(default)]
    pub alti: f64,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawColumn {
    column: String,
    param: String,
    unit: Option<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Encoding {
    Utf8,
    Latin1,
    Windows1252,
}

#[derive(Clone, Debug, PartialEq)]
pub enum StationRef {
    Code(String),
    Column(String),
}

/// One item of a `%`-format: a field or literal text.
#[derive(Clone, Debug, PartialEq)]
enum TimePart {
    Year,
    Month,
    Day,
    Hour,
    Minute,
    Second,
    Literal(char),
}

#[derive(Clone, Debug, PartialEq)]
pub struct TimeFormat(Vec<TimePart>);

impl TimeFormat {
    pub fn parse(raw: &str) -> Result<Self, String> {
        let mut parts = Vec::new();
        let mut chars = raw.chars();
        while let Some(c) = chars.next() {
            if c != '%' {
                parts.push(TimePart::Literal(c));
                continue;
            }
            parts.push(match chars.next() {
                Some('Y') => TimePart::Year,
                Some('m') => TimePart::Month,
                Some('d') => TimePart::Day,
                Some('H') => TimePart::Hour,
                Some('M') => TimePart::Minute,
                Some('S') => TimePart::Second,
                Some('%') => TimePart::Literal('%'),
                other => return Err(format!("`%{}` is not a supported field (use %Y %m %d %H %M %S)", other.map(String::from).unwrap_or_default())),
            });
        }
        for (needed, what) in [(TimePart::Year, "%Y"), (TimePart::Month, "%m"), (TimePart::Day, "%d")] {
            if !parts.contains(&needed) {
                return Err(format!("the format has no {what}"));
            }
        }
        Ok(Self(parts))
    }

    /// Minutes since the epoch of a local time written in this format (seconds must be 0: the
    /// store keeps minutes).
    pub fn read(&self, s: &str) -> Result<i64, String> {
        let s = s.trim();
        let bytes = s.as_bytes();
        let mut i = 0;
        let (mut y, mut mo, mut d, mut h, mut mi, mut se) = (0i64, 0i64, 0i64, 0i64, 0i64, 0i64);
        for part in &self.0 {
            match part {
                TimePart::Literal(c) => {
                    let mut buf = [0u8; 4];
                    let lit = c.encode_utf8(&mut buf).as_bytes();
                    if !bytes[i..].starts_with(lit) {
                        return Err(format!("`{s}` does not match the time format"));
                    }
                    i += lit.len();
                }
                field => {
                    let max = if *field == TimePart::Year { 4 } else { 2 };
                    let start = i;
                    while i < bytes.len() && i - start < max && bytes[i].is_ascii_digit() {
                        i += 1;
                    }
                    if i == start {
                        return Err(format!("`{s}` does not match the time format"));
                    }
                    let n: i64 = s[start..i].parse().map_err(|_| format!("`{s}` does not match the time format"))?;
                    match field {
                        TimePart::Year => y = n,
                        TimePart::Month => mo = n,
                        TimePart::Day => d = n,
                        TimePart::Hour => h = n,
                        TimePart::Minute => mi = n,
                        _ => se = n,
                    }
                }
            }
        }
        if i != bytes.len() {
            return Err(format!("`{s}` has text after the time"));
        }
        if !(1..=12).contains(&mo) || d < 1 || d > i64::from(crate::domain::climato::days_in_month(y as i32, mo as u32)) || h > 24 || mi > 59 || se > 59 || (h == 24 && (mi, se) != (0, 0)) {
            return Err(format!("`{s}` is not a valid date and time"));
        }
        if se != 0 {
            return Err(format!("`{s}`: values are kept by the minute, seconds must be 0"));
        }
        Ok(crate::domain::climato::days_from_civil(y as i32, mo as u32, d as u32) * 1440 + h * 60 + mi)
    }
}

/// A unit a column may be written in, and how to bring it to the parameter's unit.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Conversion {
    pub factor: f64,
    pub offset: f64,
}

impl Conversion {
    const SAME: Conversion = Conversion { factor: 1.0, offset: 0.0 };

    pub fn apply(self, v: f64) -> f64 {
        v * self.factor + self.offset
    }

    /// From `unit` to the catalogue's `canonical` unit; `None` when they measure different things
    /// or the unit is unknown.
    pub fn between(unit: &str, canonical: &str) -> Option<Self> {
        let u = unit.trim();
        if u == canonical {
            return Some(Self::SAME);
        }
        let lin = |factor: f64| Some(Conversion { factor, offset: 0.0 });
        match (canonical, u) {
            ("°C", "C" | "degC" | "celsius") => Some(Self::SAME),
            ("°C", "°F" | "F" | "degF" | "fahrenheit") => Some(Conversion { factor: 5.0 / 9.0, offset: -32.0 * 5.0 / 9.0 }),
            ("°C", "K" | "kelvin") => Some(Conversion { factor: 1.0, offset: -273.15 }),
            ("hPa", "mbar" | "mb") => Some(Self::SAME),
            ("hPa", "Pa") => lin(0.01),
            ("hPa", "kPa") => lin(10.0),
            ("hPa", "inHg") => lin(33.863_886_666_7),
            ("hPa", "mmHg") => lin(1.333_223_874_15),
            ("mm", "cm") => lin(10.0),
            ("mm", "in") => lin(25.4),
            ("mm", "kg/m²" | "kg/m2") => Some(Self::SAME),
            ("cm", "mm") => lin(0.1),
            ("cm", "m") => lin(100.0),
            ("cm", "in") => lin(2.54),
            ("m", "km") => lin(1000.0),
            ("m", "ft") => lin(0.3048),
            ("m/s", "km/h" | "kmh") => lin(1.0 / 3.6),
            ("m/s", "kt" | "kn" | "knots") => lin(1852.0 / 3600.0),
            ("m/s", "mph") => lin(0.447_04),
            ("°", "deg" | "degrees") => Some(Self::SAME),
            ("min", "s") => lin(1.0 / 60.0),
            ("min", "h") => lin(60.0),
            ("J/cm²", "J/cm2") => Some(Self::SAME),
            ("J/cm²", "MJ/m²" | "MJ/m2") => lin(100.0),
            ("J/cm²", "kJ/m²" | "kJ/m2") => lin(0.1),
            ("J/cm²", "Wh/m²" | "Wh/m2") => lin(0.36),
            _ => None,
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct ColumnMap {
    pub column: String,
    pub param: ParamId,
    pub conversion: Conversion,
}

/// How the file's local times become UTC.
#[derive(Clone, Debug, PartialEq)]
pub enum Zone {
    /// Minutes to add to a local time to get UTC.
    Fixed(i64),
    Named(chrono_tz::Tz),
}

impl Zone {
    /// `UTC`, `Z`, `±HH:MM` or an IANA name such as `Europe/Paris`.
    pub fn parse(raw: &str) -> Result<Zone, String> {
        let s = raw.trim();
        if s.contains('/') {
            return s.parse::<chrono_tz::Tz>().map(Zone::Named).map_err(|_| format!("time zone `{s}` is not an IANA zone (such as Europe/Paris)"));
        }
        parse_offset(s).map(Zone::Fixed)
    }

    /// UTC minutes of a local time (minutes since the epoch as written).
    pub fn to_utc(&self, local: i64) -> Result<i64, String> {
        use chrono::{LocalResult, TimeZone};
        match self {
            Zone::Fixed(m) => Ok(local + m),
            Zone::Named(tz) => {
                let naive = chrono::DateTime::from_timestamp(local.checked_mul(60).ok_or("time out of range")?, 0).ok_or("time out of range")?.naive_utc();
                match tz.from_local_datetime(&naive) {
                    LocalResult::Single(t) => Ok(t.timestamp().div_euclid(60)),
                    LocalResult::Ambiguous(..) => Err(format!("{naive} happens twice in {tz} (clocks set back): the file does not say which one")),
                    LocalResult::None => Err(format!("{naive} does not exist in {tz} (clocks set forward)")),
                }
            }
        }
    }
}

/// A checked mapping.
#[derive(Clone, Debug, PartialEq)]
pub struct Mapping {
    pub station: StationRef,
    pub new_station: Option<NewStation>,
    pub delimiter: u8,
    pub decimal_comma: bool,
    pub encoding: Encoding,
    /// Lines before the header, and lines between it and the data.
    pub skip_before_header: usize,
    pub skip_after_header: usize,
    pub time_columns: Vec<String>,
    pub time_format: TimeFormat,
    pub zone: Zone,
    pub columns: Vec<ColumnMap>,
}

/// `UTC`, `Z` or `±HH:MM`: minutes to add to a local time to get UTC.
pub
fn parse_offset(raw: &str) -> Result<i64, String> {
    let s = raw.trim();
    if matches!(s, "UTC" | "utc" | "Z" | "GMT" | "") {
        return Ok(0);
    }
    let bad = || format!("time zone `{s}`: use UTC, a fixed offset such as +01:00 or an IANA zone such as Europe/Paris");
    let (sign, rest) = match s.as_bytes().first() {
        Some(b'+') => (1, &s[1..]),
        Some(b'-') => (-1, &s[1..]),
        _ => return Err(bad()),
    };
    let (h, m) = rest.split_once(':').ok_or_else(bad)?;
    let (h, m): (i64, i64) = (h.parse().map_err(|_| bad())?, m.parse().map_err(|_| bad())?);
    if h > 14 || m > 59 {
        return Err(bad());
    }
    Ok(-sign * (h * 60 + m))
}

impl Mapping {
    /// Reads a TOML mapping; every problem is reported, each naming its field or column.
    pub fn parse(toml_text: &str) -> Result<Self, Vec<String>> {
        let raw: RawMapping = toml::from_str(toml_text).map_err(|e| vec![format!("mapping file: {}", e.message())])?;
        let mut errors = Vec::new();
        let station = match (raw.station, raw.station_column) {
            (Some(code), None) if !code.trim().is_empty() => StationRef::Code(code.trim().to_string()),
            (None, Some(col)) if !col.trim().is_empty() => StationRef::Column(col.trim().to_string()),
            _ => {
                errors.push("give either `station` (a station code) or `station_column`".to_string());
                StationRef::Code(String::new())
            }
        };
        if let Some(n) = &raw.new_station {
            if matches!(station, StationRef::Column(_)) {
                errors.push("new_station goes with `station` (one station), not `station_column`".to_string());
            }
            if n.name.trim().is_empty() || !(-90.0..=90.0).contains(&n.lat) || !(-180.0..=180.0).contains(&n.lon) || !(-500.0..=9000.0).contains(&n.alti) {
                errors.push("new_station: a name, latitude −90…90, longitude −180…180 and altitude in metres".to_string());
            }
        }
        let delimiter = match raw.delimiter.as_deref().unwrap_or(",") {
            "\\t" | "\t" | "tab" => b'\t',
            d if d.len() == 1 && d.is_ascii() => d.as_bytes()[0],
            d => {
                errors.push(format!("delimiter `{d}`: one ASCII character"));
                b','
            }
        };
        let decimal_comma = match raw.decimal.as_deref().unwrap_or(".") {
            "." => false,
            "," => true,
            d => {
                errors.push(format!("decimal `{d}`: `.` or `,`"));
                false
            }
        };
        if decimal_comma && delimiter == b',' {
            errors.push("a decimal comma needs another delimiter than `,`".to_string());
        }
        let encoding = match raw.encoding.as_deref().map(str::to_ascii_lowercase).as_deref().unwrap_or("utf-8") {
            "utf-8" | "utf8" => Encoding::Utf8,
            "latin-1" | "latin1" | "iso-8859-1" => Encoding::Latin1,
            "windows-1252" | "cp1252" => Encoding::Windows1252,
            e => {
                errors.push(format!("encoding `{e}`: utf-8, latin-1 or windows-1252"));
                Encoding::Utf8
            }
        };
        let skip_before_header = match raw.header_line.unwrap_or(1) {
            n @ 1..=100 => n - 1,
            n => {
                errors.push(format!("header_line {n}: between 1 and 100"));
                0
            }
        };
        let skip_after_header = raw.skip_after_header.unwrap_or(0);
        if skip_after_header > 100 {
            errors.push("skip_after_header: at most 100 lines".to_string());
        }
        if raw.time_columns.is_empty() {
            errors.push("time_columns: name the column(s) holding the time".to_string());
        }
        let time_format = TimeFormat::parse(&raw.time_format).unwrap_or_else(|e| {
            errors.push(format!("time_format: {e}"));
            TimeFormat(Vec::new())
        });
        let zone = Zone::parse(raw.time_zone.as_deref().unwrap_or("UTC")).unwrap_or_else(|e| {
            errors.push(e);
            Zone::Fixed(0)
        });
        if raw.columns.is_empty() {
            errors.push("columns: map at least one column to a parameter".to_string());
        }
        let mut columns = Vec::new();
        for c in &raw.columns {
            let Some(param) = ParamId::parse(c.param.trim()) else {
                errors.push(format!("column `{}`: `{}` is not a parameter of the catalogue", c.column, c.param));
                continue;
            };
            let canonical = param.param().unit;
            let unit = c.unit.as_deref().unwrap_or(canonical);
            match Conversion::between(unit, canonical) {
                Some(conversion) => {
                    if columns.iter().any(|m: &ColumnMap| m.column == c.column) {
                        errors.push(format!("column `{}` is mapped twice", c.column));
                    }
                    columns.push(ColumnMap { column: c.column.clone(), param, conversion });
                }
                None => errors.push(format!("column `{}`: unit `{unit}` cannot be converted to {} ({canonical})", c.column, param.param().code)),
            }
        }
        if errors.is_empty() {
            Ok(Self { station, new_station: raw.new_station, delimiter, decimal_comma, encoding, skip_before_header, skip_after_header, time_columns: raw.time_columns, time_format, zone, columns })
        } else {
            Err(errors)
        }
    }
}

/// One line's values for one station (its code as the mapping or the line gives it).
#[derive(Debug, PartialEq)]
pub struct Record {
    pub line: usize,
    pub station: String,
    /// Minutes since the epoch, UTC.
    pub t: i64,
    /// 00:00 UTC of the line's local date: the stamp of daily parameters.
    pub day: i64,
    pub values: Vec<(ParamId, f64)>,
}

impl Record {
    /// The stamp of one of the record's parameters.
    pub fn stamp(&self, param: ParamId) -> i64 {
        if param.is_daily() {
            self.day
        } else {
            self.t
        }
    }
}

fn decode(bytes: &[u8], encoding: Encoding) -> Result<String, String> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    match encoding {
        Encoding::Utf8 => String::from_utf8(bytes.to_vec()).map_err(|e| format!("the file is not UTF-8 (byte {}): set `encoding` in the mapping", e.utf8_error().valid_up_to())),
        Encoding::Latin1 => Ok(bytes.iter().map(|b| char::from(*b)).collect()),
        Encoding::Windows1252 => Ok(encoding_rs::WINDOWS_1252.decode(bytes).0.into_owned()),
    }
}

/// Reads a file through a mapping: records of good lines, and each rejected line with its number
/// and reason. `Err` when the file as a whole cannot be read (encoding, header without a mapped
/// column).
pub fn parse(bytes: &[u8], m: &Mapping) -> Result<(Vec<Record>, Vec<Rejected>), String> {
    let text = decode(bytes, m.encoding)?;
    let mut rdr = csv::ReaderBuilder::new().delimiter(m.delimiter).has_headers(false).flexible(true).from_reader(text.as_bytes());
    let mut rows = rdr.records().skip(m.skip_before_header);
    let header = match rows.next() {
        Some(Ok(h)) => h.iter().map(|c| c.trim().to_string()).collect::<Vec<_>>(),
        Some(Err(e)) => return Err(format!("line {}: {e}", m.skip_before_header + 1)),
        None => return Err("the file has no header line".into()),
    };
    let first_data_line = m.skip_before_header + m.skip_after_header + 2;
    let rows = rows.skip(m.skip_after_header);
    let col = |name: &str| header.iter().position(|h| h == name);
    let mut missing: Vec<&str> = Vec::new();
    let time_ix: Vec<usize> = m.time_columns.iter().filter_map(|c| col(c).or_else(|| { missing.push(c); None })).collect();
    let station_ix = match &m.station {
        StationRef::Column(c) => match col(c) {
            Some(i) => Some(i),
            None => {
                missing.push(c);
                None
            }
        },
        StationRef::Code(_) => None,
    };
    let value_ix: Vec<(usize, &ColumnMap)> = m.columns.iter().filter_map(|c| col(&c.column).map(|i| (i, c))).collect();
    if !missing.is_empty() {
        return Err(format!("the header has no column {}", missing.iter().map(|c| format!("`{c}`")).collect::<Vec<_>>().join(", ")));
    }
    if value_ix.is_empty() {
        return Err("the header has none of the mapped columns".into());
    }
    let mut records = Vec::new();
    let mut rejected = Vec::new();
    // Line numbers count records, as a spreadsheet shows them when no cell holds a line break.
    for (n, row) in rows.enumerate() {
        let line = n + first_data_line;
        let row = match row {
            Ok(r) => r,
            Err(e) => {
                rejected.push(Rejected { line, reason: e.to_string() });
                continue;
            }
        };
        if row.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        let stamp = time_ix.iter().map(|i| row.get(*i).unwrap_or("").trim()).collect::<Vec<_>>().join(" ");
        let (t, day) = match m.time_format.read(&stamp).and_then(|local| Ok((m.zone.to_utc(local)?, local.div_euclid(1440) * 1440))) {
            Ok(t) => t,
            Err(e) => {
                rejected.push(Rejected { line, reason: e });
                continue;
            }
        };
        let station = match (&m.station, station_ix) {
            (StationRef::Code(c), _) => c.clone(),
            (_, Some(i)) => row.get(i).unwrap_or("").trim().to_string(),
            _ => String::new(),
        };
        if station.is_empty() {
            rejected.push(Rejected { line, reason: "no station code".into() });
            continue;
        }
        let mut values = Vec::new();
        let mut bad = Vec::new();
        for (i, c) in &value_ix {
            let cell = row.get(*i).unwrap_or("").trim();
            if cell.is_empty() || matches!(cell, "NA" | "N/A" | "nan" | "NaN" | "-" | "//" | "///" | "null") {
                continue;
            }
            let cell = if m.decimal_comma { cell.replace(',', ".") } else { cell.to_string() };
            match cell.parse::<f64>() {
                Ok(v) if v.is_finite() => values.push((c.param, c.conversion.apply(v))),
                _ => bad.push(format!("column `{}`: `{cell}` is not a number", c.column)),
            }
        }
        if !bad.is_empty() {
            rejected.push(Rejected { line, reason: bad.join("; ") });
            continue;
        }
        records.push(Record { line, station, t, day, values });
    }
    Ok((records, rejected))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const FRENCH: &str = r#"
station = "jardin"
delimiter = ";"
decimal = ","
encoding = "latin-1"
time_columns = ["date", "heure"]
time_format = "%d/%m/%Y %H:%M"
time_zone = "+01:00"
[[columns]]
column = "température (°F)"
param = "T"
unit = "°F"
[[columns]]
column = "pluie"
param = "RR1"
[[columns]]
column = "vent"
param = "FF"
unit = "km/h"
"#;

    fn latin1(s: &str) -> Vec<u8> {
        s.chars().map(|c| c as u32 as u8).collect()
    }

    #[test]
    fn a_french_file_in_local_time_with_conversions() {
        let m = Mapping::parse(FRENCH).unwrap();
        let file = latin1("date;heure;température (°F);pluie;vent\n01/02/2024;00:00;50;0,2;36\n01/02/2024;01:00;abc;;\n31/02/2024;02:00;50;;\n\n01/02/2024;03:00;32;;NA\n");
        let (recs, rej) = parse(&file, &m).unwrap();
        assert_eq!(recs.len(), 2);
        let day = crate::domain::climato::days_from_civil(2024, 2, 1);
        // 00:00 at UTC+1 is 23:00 UTC the day before.
        assert_eq!(recs[0].t, day * 1440 - 60);
        assert_eq!(recs[0].station, "jardin");
        let t = recs[0].values.iter().find(|v| v.0.param().code == "T").unwrap().1;
        assert!((t - 10.0).abs() < 1e-9, "{t}");
        let ff = recs[0].values.iter().find(|v| v.0.param().code == "FF").unwrap().1;
        assert!((ff - 10.0).abs() < 1e-9, "{ff}");
        assert_eq!(recs[0].values.iter().find(|v| v.0.param().code == "RR1").map(|v| v.1), Some(0.2));
        assert_eq!(recs[1].values.len(), 1, "NA and empty cells are missing values");
        assert_eq!(rej.iter().map(|r| r.line).collect::<Vec<_>>(), vec![3, 4]);
        assert!(rej[0].reason.contains("`abc` is not a number"), "{}", rej[0].reason);
        assert!(rej[1].reason.contains("not a valid date"), "{}", rej[1].reason);
    }

    #[test]
    fn every_mapping_problem_is_reported() {
        let errs = Mapping::parse(
            r#"
delimiter = ","
decimal = ","
encoding = "ebcdic"
time_columns = []
time_format = "%d/%q"
time_zone = "Europe/Pariss"
[[columns]]
column = "a"
param = "XYZ"
[[columns]]
column = "b"
param = "T"
unit = "hPa"
"#,
        )
        .unwrap_err();
        let all = errs.join("\n");
        for needle in ["station", "decimal comma", "ebcdic", "time_columns", "%q", "`Europe/Pariss` is not an IANA zone", "`XYZ` is not a parameter", "unit `hPa` cannot be converted to T"] {
            assert!(all.contains(needle), "{needle} missing in:\n{all}");
        }
        assert!(Mapping::parse("station = 1").unwrap_err()[0].starts_with("mapping file:"));
    }

    #[test]
    fn the_header_must_hold_the_mapped_columns() {
        let m = Mapping::parse(FRENCH).unwrap();
        let e = parse(b"date;temp\n", &m).unwrap_err();
        assert!(e.contains("`heure`"), "{e}");
        assert!(parse(b"\xff\xfe", &Mapping { encoding: Encoding::Utf8, ..m }).is_err());
    }

    #[test]
    fn local_times_in_an_iana_zone_and_its_summer_time_changes() {
        let m = Mapping::parse(&FRENCH.replace("+01:00", "Europe/Paris")).unwrap();
        // 2023-10-29 02:30 happens twice in Paris, 2024-03-31 02:30 never; 2024-07-01 12:00 is UTC+2.
        let file = latin1("date;heure;température (°F);pluie;vent\n29/10/2023;02:30;50;;\n31/03/2024;02:30;50;;\n01/07/2024;12:00;50;;\n15/01/2024;12:00;50;;\n");
        let (recs, rej) = parse(&file, &m).unwrap();
        assert_eq!(rej.iter().map(|r| r.line).collect::<Vec<_>>(), vec![2, 3]);
        assert!(rej[0].reason.contains("happens twice in Europe/Paris"), "{}", rej[0].reason);
        assert!(rej[1].reason.contains("does not exist in Europe/Paris"), "{}", rej[1].reason);
        let jul1 = crate::domain::climato::days_from_civil(2024, 7, 1);
        assert_eq!(recs[0].t, jul1 * 1440 + 10 * 60);
        assert_eq!(recs[1].t, crate::domain::climato::days_from_civil(2024, 1, 15) * 1440 + 11 * 60);
        assert_eq!(Zone::parse("Mars/Olympus").unwrap_err(), "time zone `Mars/Olympus` is not an IANA zone (such as Europe/Paris)");
        assert_eq!(Zone::parse("-03:30"), Ok(Zone::Fixed(210)));
    }

    #[test]
    fn daily_parameters_take_the_local_date() {
        let m = Mapping::parse("station = \"s\"\ntime_columns = [\"d\"]\ntime_format = \"%Y-%m-%d\"\ntime_zone = \"+10:00\"\n[[columns]]\ncolumn = \"tx\"\nparam = \"TX_Q\"\nunit = \"K\"\n").unwrap();
        let (recs, _) = parse(b"d,tx\n2021-11-01,278.15\n", &m).unwrap();
        let day = crate::domain::climato::days_from_civil(2021, 11, 1);
        // Midnight at UTC+10 is 14:00 UTC the day before, but a daily value keeps its date.
        assert_eq!(recs[0].t, day * 1440 - 600);
        assert_eq!(recs[0].stamp(ParamId::parse("TX_Q").unwrap()), day * 1440);
        assert!((recs[0].values[0].1 - 5.0).abs() < 1e-9);
    }

    #[test]
    fn conversions() {
        let c = |u, canon, v| Conversion::between(u, canon).unwrap().apply(v);
        assert!((c("K", "°C", 273.15) - 0.0).abs() < 1e-9);
        assert!((c("inHg", "hPa", 29.92) - 1013.21).abs() < 0.01);
        assert!((c("kt", "m/s", 10.0) - 5.144).abs() < 0.001);
        assert!((c("in", "mm", 1.0) - 25.4).abs() < 1e-9);
        assert!((c("MJ/m2", "J/cm²", 1.0) - 100.0).abs() < 1e-9);
        assert_eq!(Conversion::between("°F", "hPa"), None);
        assert_eq!(Conversion::between("furlong", "m"), None);
    }

    #[test]
    fn time_formats() {
        let f = TimeFormat::parse("%Y-%m-%dT%H:%M:%S").unwrap();
        assert_eq!(f.read("1970-01-02T00:01:00"), Ok(1441));
        assert!(f.read("1970-01-02T00:01:30").unwrap_err().contains("seconds"));
        assert!(f.read("1970-01-02T00:01:00Z").is_err());
        assert_eq!(TimeFormat::parse("%Y%m%d%H").unwrap().read("2024022923"), Ok(crate::domain::climato::days_from_civil(2024, 2, 29) * 1440 + 23 * 60));
        assert!(TimeFormat::parse("%H:%M").is_err());
    }

    proptest! {
        #[test]
        fn never_panics_on_any_file(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
            let m = Mapping::parse(FRENCH).unwrap();
            let _ = parse(&bytes, &m);
            let _ = parse(&bytes, &Mapping { encoding: Encoding::Utf8, delimiter: b',', decimal_comma: false, ..m });
        }

        #[test]
        fn never_panics_on_any_time(s in "\\PC{0,30}") {
            let _ = TimeFormat::parse("%d/%m/%Y %H:%M").unwrap().read(&s);
            let _ = TimeFormat::parse(&s).map(|f| f.read("2024-01-01"));
        }

        #[test]
        fn never_panics_on_any_mapping(s in "\\PC{0,200}") {
            let _ = Mapping::parse(&s);
        }
    }
}
