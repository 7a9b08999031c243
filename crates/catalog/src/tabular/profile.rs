//! Column type inference over every row (not a sample: DataPusher's "wrong type after row 1000")
//! and the profile of each column: type, format hint, nulls, distinct estimate, min/max, top values.
use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use super::types::{self, classify, is_null, ColType, Reader, Value};

/// A column as stored and served.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, utoipa::ToSchema)]
pub struct Column {
    /// Name from the header (made unique, never empty): the name used in queries.
    pub name: String,
    /// Column name in the database table (`c0`, `c1`…): headers can hold anything.
    #[serde(skip)]
    pub sql: String,
    #[serde(rename = "type")]
    pub ty: ColType,
    /// How decimals are written in the file: `true` for the French comma.
    #[serde(default)]
    pub decimal_comma: bool,
    /// A recognised identifier or value format: `code_commune_insee`, `code_postal`, `siren`,
    /// `siret`, `date_fr`, `decimal_comma`…
    pub format: Option<String>,
    pub profile: Profile,
}

impl Column {
    pub fn reader(&self) -> Reader {
        Reader { ty: self.ty, decimal_comma: self.decimal_comma }
    }
}

#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq, utoipa::ToSchema)]
pub struct Profile {
    pub nulls: u64,
    /// Exact up to 10,000 distinct values, a linear-counting estimate beyond.
    pub distinct: u64,
    #[schema(value_type = Object)]
    pub min: serde_json::Value,
    #[schema(value_type = Object)]
    pub max: serde_json::Value,
    /// The ten most frequent values with their counts (exact while distinct values ≤ 10,000).
    pub top: Vec<TopValue>,
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, utoipa::ToSchema)]
pub struct TopValue {
    pub value: String,
    pub count: u64,
}

/// Unique, non-empty names from a header row.
pub fn column_names(header: &[String]) -> Vec<String> {
    let mut seen: HashMap<String, usize> = HashMap::new();
    header
        .iter()
        .enumerate()
        .map(|(i, h)| {
            let base = h.trim().trim_start_matches('\u{feff}').to_string();
            let base = if base.is_empty() { format!("column_{}", i + 1) } else { base };
            let n = seen.entry(base.clone()).or_insert(0);
            *n += 1;
            if *n == 1 { base } else { format!("{base}_{n}") }
        })
        .collect()
}

const TRACKED: usize = 10_000;
const BITS: usize = 1 << 16;

/// Everything seen in one column.
#[derive(Clone)]
pub struct ColumnStats {
    mask: u16,
    values: u64,
    nulls: u64,
    leading_zero: bool,
    digits: Option<usize>,
    same_digits: bool,
    corsica: bool,
    insee_shape: bool,
    luhn: bool,
    counts: HashMap<String, u64>,
    overflow: bool,
    bitmap: Vec<u64>,
}

impl Default for ColumnStats {
    fn default() -> Self {
        Self {
            mask: types::ALL,
            values: 0,
            nulls: 0,
            leading_zero: false,
            digits: None,
            same_digits: true,
            corsica: false,
            insee_shape: true,
            luhn: true,
            counts: HashMap::new(),
            overflow: false,
            bitmap: vec![0; BITS / 64],
        }
    }
}

fn fnv(s: &str) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in s.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h ^ (h >> 29)
}

impl ColumnStats {
    pub fn add(&mut self, raw: &str) {
        if is_null(raw) {
            self.nulls += 1;
            return;
        }
        let v = raw.trim();
        self.values += 1;
        let shape = classify(v);
        self.mask &= shape.mask;
        self.leading_zero |= shape.leading_zero;
        self.corsica |= shape.corsica;
        match (shape.digits, self.values) {
            (d, 1) => self.digits = d,
            (d, _) if d != self.digits => self.same_digits = false,
            _ => {}
        }
        if shape.digits.is_none() {
            self.same_digits = false;
            self.luhn = false;
        } else if self.luhn && !types::luhn(v) {
            self.luhn = false;
        }
        if !(shape.corsica || shape.digits == Some(5)) {
            self.insee_shape = false;
        }
        let h = fnv(v) as usize % BITS;
        self.bitmap[h / 64] |= 1 << (h % 64);
        if let Some(c) = self.counts.get_mut(v) {
            *c += 1;
        } else if self.counts.len() < TRACKED {
            self.counts.insert(v.to_string(), 1);
        } else {
            self.overflow = true;
        }
    }

    /// The column's type and format hint, given its name.
    pub fn infer(&self, name: &str) -> (Reader, Option<String>) {
        let lname = name.to_lowercase();
        let words: Vec<&str> = lname.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).collect();
        let has = |w: &[&str]| words.iter().any(|x| w.contains(x)) || w.iter().any(|x| x.len() > 4 && lname.contains(x));
        if self.values == 0 {
            return (Reader::TEXT, None);
        }
        let digits_col = self.same_digits && self.mask & types::INT != 0;
        let code = |f: &str| (Reader::TEXT, Some(f.to_string()));
        if self.insee_shape && (self.corsica || (self.same_digits && (self.leading_zero || has(&["insee", "codgeo", "depcom", "code_commune", "com", "commune", "codecommune", "code_insee"])))) {
            if has(&["postal", "cp", "code_postal", "codepostal"]) {
                return code("code_postal");
            }
            return code("code_commune_insee");
        }
        if digits_col && self.digits == Some(5) && has(&["postal", "cp", "codepostal"]) {
            return code("code_postal");
        }
        if digits_col && self.digits == Some(9) && (has(&["siren"]) || (self.luhn && self.values >= 3)) {
            return code("siren");
        }
        if digits_col && self.digits == Some(14) && (has(&["siret"]) || (self.luhn && self.values >= 3)) {
            return code("siret");
        }
        if self.leading_zero {
            // Leading zeros are part of an identifier; numbers would lose them.
            return (Reader::TEXT, Some("code".into()));
        }
        let r = |ty, decimal_comma| Reader { ty, decimal_comma };
        if self.mask & types::INT != 0 {
            return (r(ColType::Integer, false), None);
        }
        if self.mask & types::DEC_DOT != 0 {
            return (r(ColType::Decimal, false), None);
        }
        if self.mask & types::DEC_COMMA != 0 {
            return (r(ColType::Decimal, true), Some("decimal_comma".into()));
        }
        if self.mask & types::BOOL != 0 {
            return (r(ColType::Boolean, false), None);
        }
        if self.mask & types::DATE != 0 {
            return (r(ColType::Date, false), None);
        }
        if self.mask & types::DATETIME != 0 {
            return (r(ColType::Datetime, false), None);
        }
        (Reader::TEXT, None)
    }

    /// The profile, with values read as the column's type.
    pub fn profile(&self, reader: Reader) -> Profile {
        let distinct = if self.overflow {
            let zeros = self.bitmap.iter().map(|w| u64::from(w.count_zeros())).sum::<u64>().max(1) as f64;
            let m = BITS as f64;
            ((-m * (zeros / m).ln()).round() as u64).max(TRACKED as u64)
        } else {
            self.counts.len() as u64
        };
        let mut top: Vec<TopValue> = self.counts.iter().map(|(v, c)| TopValue { value: v.clone(), count: *c }).collect();
        top.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.value.cmp(&b.value)));
        top.truncate(10);
        let (mut min, mut max): (Option<Value>, Option<Value>) = (None, None);
        for v in self.counts.keys() {
            let Ok(v) = reader.read(v) else { continue };
            if v == Value::Null {
                continue;
            }
            if min.as_ref().is_none_or(|m| less(&v, m)) {
                min = Some(v.clone());
            }
            if max.as_ref().is_none_or(|m| less(m, &v)) {
                max = Some(v);
            }
        }
        Profile {
            nulls: self.nulls,
            distinct,
            min: min.map(|v| v.to_json()).unwrap_or_default(),
            max: max.map(|v| v.to_json()).unwrap_or_default(),
            top,
        }
    }

    /// Min/max over values not tracked (more than 10,000 distinct) need the typed values: the
    /// loader passes them here.
    pub fn is_overflowing(&self) -> bool {
        self.overflow
    }
}

pub fn less(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Int(x), Value::Int(y)) => x < y,
        (Value::Float(x), Value::Float(y)) => x < y,
        (Value::Int(x), Value::Float(y)) => (*x as f64) < *y,
        (Value::Float(x), Value::Int(y)) => *x < (*y as f64),
        (Value::Bool(x), Value::Bool(y)) => x < y,
        (Value::Text(x), Value::Text(y)) => x < y,
        _ => false,
    }
}

/// Running min/max of typed values, for columns with too many distinct values to keep.
#[derive(Default, Clone)]
pub struct Extremes {
    pub min: Option<Value>,
    pub max: Option<Value>,
}

impl Extremes {
    pub fn add(&mut self, v: &Value) {
        if *v == Value::Null {
            return;
        }
        if self.min.as_ref().is_none_or(|m| less(v, m)) {
            self.min = Some(v.clone());
        }
        if self.max.as_ref().is_none_or(|m| less(m, v)) {
            self.max = Some(v.clone());
        }
    }
}

/// Columns with their types and profiles, from the header and every row's cells.
pub struct TableStats {
    pub names: Vec<String>,
    pub stats: Vec<ColumnStats>,
}

impl TableStats {
    pub fn new(names: Vec<String>) -> Self {
        let stats = vec![ColumnStats::default(); names.len()];
        Self { names, stats }
    }
    pub fn add_row<'a>(&mut self, cells: impl Iterator<Item = &'a str>) {
        for (s, c) in self.stats.iter_mut().zip(cells) {
            s.add(c);
        }
    }
    pub fn columns(&self) -> Vec<Column> {
        self.names
            .iter()
            .zip(&self.stats)
            .enumerate()
            .map(|(i, (name, s))| {
                let (reader, mut format) = s.infer(name);
                if format.is_none() && reader.ty == ColType::Date {
                    format = Some("date".into());
                }
                Column { name: name.clone(), sql: format!("c{i}"), ty: reader.ty, decimal_comma: reader.decimal_comma, format, profile: s.profile(reader) }
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn infer(name: &str, values: &[&str]) -> (ColType, Option<String>) {
        let mut s = ColumnStats::default();
        for v in values {
            s.add(v);
        }
        let (r, f) = s.infer(name);
        (r.ty, f)
    }

    #[test]
    fn french_columns() {
        assert_eq!(infer("code_insee", &["01001", "2A004", "75056"]), (ColType::Text, Some("code_commune_insee".into())));
        assert_eq!(infer("com", &["75056", "69123"]), (ColType::Text, Some("code_commune_insee".into())));
        assert_eq!(infer("code_postal", &["01000", "75001"]), (ColType::Text, Some("code_postal".into())));
        assert_eq!(infer("cp", &["29200", "75001"]), (ColType::Text, Some("code_postal".into())));
        assert_eq!(infer("siren", &["732829320", "552100554"]), (ColType::Text, Some("siren".into())));
        assert_eq!(infer("n", &["007", "12"]), (ColType::Text, Some("code".into())));
        assert_eq!(infer("valeur", &["1,5", "2,25", "3", "NA"]).0, ColType::Decimal);
        assert_eq!(infer("valeur", &["1.5", "2"]).0, ColType::Decimal);
        // Dots and commas mixed: neither reading is safe.
        assert_eq!(infer("valeur", &["1.5", "2,5"]).0, ColType::Text);
        assert_eq!(infer("population", &["75056", "1234"]), (ColType::Integer, None));
        assert_eq!(infer("d", &["31/12/2024", "2024-01-01", ""]).0, ColType::Date);
        assert_eq!(infer("ok", &["oui", "non", "Oui"]).0, ColType::Boolean);
        assert_eq!(infer("t", &["2024-01-01 10:00", "2024-01-01T11:00:00Z"]).0, ColType::Datetime);
        assert_eq!(infer("x", &["", "NA"]).0, ColType::Text);
        // Every row counts: the text in the last row makes the column text.
        let mut many: Vec<String> = (0..5000).map(|i| i.to_string()).collect();
        many.push("inconnu".into());
        let refs: Vec<&str> = many.iter().map(String::as_str).collect();
        assert_eq!(infer("n", &refs).0, ColType::Text);
    }

    #[test]
    fn profile_counts() {
        let mut s = ColumnStats::default();
        for v in ["1,5", "2,5", "2,5", "", "NA", "10"] {
            s.add(v);
        }
        let (r, _) = s.infer("v");
        let p = s.profile(r);
        assert_eq!(p.nulls, 2);
        assert_eq!(p.distinct, 3);
        assert_eq!(p.min, serde_json::json!(1.5));
        assert_eq!(p.max, serde_json::json!(10.0));
        assert_eq!(p.top[0], TopValue { value: "2,5".into(), count: 2 });
    }

    #[test]
    fn distinct_estimate_beyond_tracking() {
        let mut s = ColumnStats::default();
        for i in 0..50_000 {
            s.add(&format!("v{i}"));
        }
        let p = s.profile(Reader::TEXT);
        assert!((45_000..55_000).contains(&p.distinct), "{}", p.distinct);
    }

    #[test]
    fn names_unique_and_non_empty() {
        let h: Vec<String> = ["a", "", "a", " b "].iter().map(|s| s.to_string()).collect();
        assert_eq!(column_names(&h), vec!["a", "column_2", "a_2", "b"]);
    }
}
