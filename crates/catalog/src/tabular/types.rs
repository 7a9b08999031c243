//! Cell values of French open-data files: what a cell can be (integer, decimal with a dot or a
//! French comma, boolean, date, datetime, text), null markers, and the identifier formats that
//! must stay text (INSEE commune codes, SIREN/SIRET, postal codes). Pure: no I/O.
use serde::{Deserialize, Serialize};

/// The stored type of a column.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum ColType {
    Integer,
    Decimal,
    Boolean,
    /// Stored as ISO `YYYY-MM-DD` text, so that it sorts and compares as a date on both backends.
    Date,
    /// Stored as ISO `YYYY-MM-DDTHH:MM:SS[offset]` text.
    Datetime,
    Text,
}

impl ColType {
    pub fn sql(self, postgres: bool) -> &'static str {
        match (self, postgres) {
            (ColType::Integer, _) => "BIGINT",
            (ColType::Decimal, true) => "DOUBLE PRECISION",
            (ColType::Decimal, false) => "REAL",
            (ColType::Boolean, true) => "BOOLEAN",
            (ColType::Boolean, false) => "INTEGER",
            _ => "TEXT",
        }
    }
    pub fn is_numeric(self) -> bool {
        matches!(self, ColType::Integer | ColType::Decimal)
    }
    pub fn name(self) -> &'static str {
        match self {
            ColType::Integer => "integer",
            ColType::Decimal => "decimal",
            ColType::Boolean => "boolean",
            ColType::Date => "date",
            ColType::Datetime => "datetime",
            ColType::Text => "text",
        }
    }
}

/// A typed cell.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    Null,
    Int(i64),
    Float(f64),
    Bool(bool),
    Text(String),
}

impl Value {
    pub fn to_json(&self) -> serde_json::Value {
        match self {
            Value::Null => serde_json::Value::Null,
            Value::Int(i) => (*i).into(),
            Value::Float(f) => serde_json::Number::from_f64(*f).map(serde_json::Value::Number).unwrap_or(serde_json::Value::Null),
            Value::Bool(b) => (*b).into(),
            Value::Text(s) => s.clone().into(),
        }
    }
    /// The CSV cell of the value (decimals with a dot, booleans as true/false).
    pub fn to_csv(&self) -> String {
        match self {
            Value::Null => String::new(),
            Value::Int(i) => i.to_string(),
            Value::Float(f) => f.to_string(),
            Value::Bool(b) => b.to_string(),
            Value::Text(s) => s.clone(),
        }
    }
}

/// Markers that mean "no value" in French and international files (compared trimmed, ignoring case).
pub const NULL_MARKERS: &[&str] = &["", "na", "n/a", "n.a.", "null", "none", "nan", "-", "--", "nd", "n.d.", "n/d", "#n/a", "#na", "?", "s.o.", "sans objet", "non renseigné", "non renseigne"];

pub fn is_null(raw: &str) -> bool {
    let t = raw.trim();
    t.is_empty() || (t.len() <= 16 && NULL_MARKERS.iter().any(|m| t.eq_ignore_ascii_case(m)))
}

// Bits of what a value is compatible with.
pub const INT: u16 = 1;
pub const DEC_DOT: u16 = 1 << 1;
pub const DEC_COMMA: u16 = 1 << 2;
pub const BOOL: u16 = 1 << 3;
pub const DATE: u16 = 1 << 4;
pub const DATETIME: u16 = 1 << 5;
pub const ALL: u16 = INT | DEC_DOT | DEC_COMMA | BOOL | DATE | DATETIME;

/// Facts about one non-null value that the column's final type depends on.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Shape {
    pub mask: u16,
    /// Digits only, starting with 0, more than one digit: an identifier, not a number.
    pub leading_zero: bool,
    /// Digits only (no sign, no separator), and how many.
    pub digits: Option<usize>,
    /// `2A123` / `2B123`: Corsican INSEE commune codes.
    pub corsica: bool,
}

fn all_digits(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
}

/// Removes French thousands separators (space, no-break space, narrow no-break space) between
/// groups of three digits; `None` when they are not in that pattern.
fn strip_groups(s: &str) -> Option<std::borrow::Cow<'_, str>> {
    if !s.contains([' ', '\u{a0}', '\u{202f}']) {
        return Some(std::borrow::Cow::Borrowed(s));
    }
    let (int, frac) = match s.find([',', '.']) {
        Some(i) => (&s[..i], &s[i..]),
        None => (s, ""),
    };
    let (sign, int) = match int.strip_prefix(['-', '+']) {
        Some(rest) => (&int[..1], rest),
        None => ("", int),
    };
    let groups: Vec<&str> = int.split([' ', '\u{a0}', '\u{202f}']).collect();
    let ok = groups.len() > 1
        && (1..=3).contains(&groups[0].len())
        && all_digits(groups[0])
        && groups[1..].iter().all(|g| g.len() == 3 && all_digits(g));
    ok.then(|| std::borrow::Cow::Owned(format!("{sign}{}{frac}", groups.concat())))
}

fn int_like(s: &str) -> bool {
    let d = s.strip_prefix(['-', '+']).unwrap_or(s);
    all_digits(d) && d.len() <= 18
}

/// `d+[.]d+` (dot) or `d+[,]d+` (comma), optional sign; one separator only.
fn decimal_sep(s: &str) -> Option<char> {
    let d = s.strip_prefix(['-', '+']).unwrap_or(s);
    let sep = if d.contains(',') { ',' } else if d.contains('.') { '.' } else { return None };
    let (a, b) = d.split_once(sep)?;
    let a_ok = all_digits(a) || (a.is_empty() && !b.is_empty());
    (a_ok && all_digits(b) && a.len() + b.len() <= 30).then_some(sep)
}

pub fn parse_bool(s: &str) -> Option<bool> {
    match s.to_ascii_lowercase().as_str() {
        "true" | "vrai" | "oui" | "yes" => Some(true),
        "false" | "faux" | "non" | "no" => Some(false),
        _ => None,
    }
}

fn days_in_month(y: i32, m: u32) -> u32 {
    match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        2 => 28,
        _ => 0,
    }
}

fn num<T: std::str::FromStr>(s: &str, len: usize) -> Option<T> {
    (s.len() == len && all_digits(s)).then(|| s.parse().ok()).flatten()
}

fn ymd(y: i32, m: u32, d: u32) -> Option<String> {
    ((1..=12).contains(&m) && d >= 1 && d <= days_in_month(y, m)).then(|| format!("{y:04}-{m:02}-{d:02}"))
}

/// `dd/mm/yyyy` (also `dd-mm-yyyy`, `dd.mm.yyyy`) or ISO `yyyy-mm-dd` → ISO.
pub fn parse_date(s: &str) -> Option<String> {
    if s.len() != 10 || !s.is_ascii() {
        return None;
    }
    let b = s.as_bytes();
    if b[4] == b'-' && b[7] == b'-' {
        return ymd(num(&s[0..4], 4)?, num(&s[5..7], 2)?, num(&s[8..10], 2)?);
    }
    if (b[2] == b'/' && b[5] == b'/') || (b[2] == b'-' && b[5] == b'-') || (b[2] == b'.' && b[5] == b'.') {
        return ymd(num(&s[6..10], 4)?, num(&s[3..5], 2)?, num(&s[0..2], 2)?);
    }
    None
}

fn num4(s: &str) -> Option<i32> {
    num(s, 4)
}

fn parse_time(t: &str) -> Option<String> {
    // hh:mm[:ss[.fff]] then an optional Z or ±hh:mm.
    let (clock, zone) = match t.find(['Z', '+']).or_else(|| t.get(8..).and_then(|r| r.find('-').map(|i| i + 8))) {
        Some(i) => (&t[..i], &t[i..]),
        None => (t, ""),
    };
    let mut parts = clock.split(':');
    let h: u32 = num(parts.next()?, 2)?;
    let mi: u32 = num(parts.next()?, 2)?;
    let sec = parts.next().unwrap_or("00");
    if parts.next().is_some() || h > 23 || mi > 59 {
        return None;
    }
    let (whole, frac) = sec.split_once('.').unwrap_or((sec, ""));
    let s: u32 = num(whole, 2)?;
    if s > 60 || !(frac.is_empty() || all_digits(frac)) {
        return None;
    }
    let zone_ok = zone.is_empty()
        || zone == "Z"
        || (zone.len() == 6 && zone[1..3].bytes().all(|b| b.is_ascii_digit()) && &zone[3..4] == ":" && zone[4..].bytes().all(|b| b.is_ascii_digit()));
    if !zone_ok {
        return None;
    }
    let frac = if frac.is_empty() { String::new() } else { format!(".{frac}") };
    Some(format!("{h:02}:{mi:02}:{s:02}{frac}{zone}"))
}

/// ISO `yyyy-mm-ddThh:mm[:ss][zone]` (or a space instead of `T`), or `dd/mm/yyyy hh:mm[:ss]` → ISO.
pub fn parse_datetime(s: &str) -> Option<String> {
    if s.len() < 16 || !s.is_ascii() {
        return None;
    }
    let (d, t) = (&s[..10], &s[11..]);
    let sep = s.as_bytes()[10];
    if sep != b'T' && sep != b' ' {
        return None;
    }
    let _ = num4(&d[0..4]).or_else(|| num4(&d[6..10]))?;
    Some(format!("{}T{}", parse_date(d)?, parse_time(t)?))
}

/// What a trimmed, non-null value can be.
pub fn classify(s: &str) -> Shape {
    let mut shape = Shape::default();
    let stripped = strip_groups(s);
    let grouped = stripped.as_ref().is_some_and(|b| b.len() != s.len());
    let body = stripped.unwrap_or(std::borrow::Cow::Borrowed(""));
    if int_like(&body) {
        shape.mask |= INT | DEC_DOT | DEC_COMMA;
        if !grouped && all_digits(&body) {
            shape.digits = Some(body.len());
            shape.leading_zero = body.len() > 1 && body.starts_with('0');
        }
    } else if let Some(sep) = decimal_sep(&body) {
        shape.mask |= if sep == ',' { DEC_COMMA } else if grouped { 0 } else { DEC_DOT };
    }
    if !grouped {
        if parse_bool(s).is_some() {
            shape.mask |= BOOL;
        }
        if parse_date(s).is_some() {
            shape.mask |= DATE;
        }
        if parse_datetime(s).is_some() {
            shape.mask |= DATETIME;
        }
        let b = s.as_bytes();
        shape.corsica = b.len() == 5 && b[0] == b'2' && (b[1] == b'A' || b[1] == b'B' || b[1] == b'a' || b[1] == b'b') && all_digits(&s[2..]);
    }
    shape
}

/// A cell that does not fit its column's type.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Misfit;

/// A type and how to read its cells.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reader {
    pub ty: ColType,
    /// For decimals: `,` (French) or `.`.
    pub decimal_comma: bool,
}

impl Reader {
    pub const TEXT: Reader = Reader { ty: ColType::Text, decimal_comma: false };

    /// Reads a raw cell; a value that does not fit the type becomes an error.
    pub fn read(&self, raw: &str) -> Result<Value, Misfit> {
        if is_null(raw) {
            return Ok(Value::Null);
        }
        if self.ty == ColType::Text {
            return Ok(Value::Text(raw.to_string()));
        }
        let s = raw.trim();
        match self.ty {
            ColType::Integer => strip_groups(s).and_then(|b| b.parse::<i64>().ok()).map(Value::Int).ok_or(Misfit),
            ColType::Decimal => {
                let b = strip_groups(s).ok_or(Misfit)?;
                let b = if self.decimal_comma { b.replace(',', ".") } else { b.into_owned() };
                if !self.decimal_comma && s.contains(',') {
                    return Err(Misfit);
                }
                b.parse::<f64>().ok().filter(|f| f.is_finite()).map(Value::Float).ok_or(Misfit)
            }
            ColType::Boolean => parse_bool(s).map(Value::Bool).ok_or(Misfit),
            ColType::Date => parse_date(s).map(Value::Text).ok_or(Misfit),
            ColType::Datetime => parse_datetime(s).map(Value::Text).ok_or(Misfit),
            ColType::Text => unreachable!(),
        }
    }

    /// Reads a value given in a query (`1.5` or `1,5` for decimals, either date format).
    pub fn read_query(&self, raw: &str) -> Option<Value> {
        match self.ty {
            ColType::Decimal => {
                let v = raw.trim().replace(',', ".");
                v.parse::<f64>().ok().filter(|f| f.is_finite()).map(Value::Float)
            }
            ColType::Text => Some(Value::Text(raw.to_string())),
            ColType::Datetime => Some(Value::Text(parse_datetime(raw.trim()).or_else(|| parse_date(raw.trim())).unwrap_or_else(|| raw.trim().to_string()))),
            _ => self.read(raw).ok().filter(|v| *v != Value::Null),
        }
    }
}

/// Luhn checksum, as used by SIREN and SIRET numbers.
pub fn luhn(digits: &str) -> bool {
    let mut sum = 0u32;
    for (i, b) in digits.bytes().rev().enumerate() {
        let mut d = u32::from(b - b'0');
        if i % 2 == 1 {
            d *= 2;
            if d > 9 {
                d -= 9;
            }
        }
        sum += d;
    }
    matches!(sum % 10, 0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn dec(comma: bool) -> Reader {
        Reader { ty: ColType::Decimal, decimal_comma: comma }
    }

    #[test]
    fn decimal_comma_is_a_decimal_never_thousands() {
        assert_eq!(classify("1,5").mask, DEC_COMMA);
        assert_eq!(dec(true).read("1,5"), Ok(Value::Float(1.5)));
        assert_eq!(dec(true).read("2,25"), Ok(Value::Float(2.25)));
        assert_eq!(dec(true).read("-0,5"), Ok(Value::Float(-0.5)));
        assert_eq!(dec(true).read("1 234,5"), Ok(Value::Float(1234.5)));
        assert_eq!(dec(false).read("1,5"), Err(Misfit));
        assert_eq!(classify("1.5").mask, DEC_DOT);
        assert_eq!(classify("12").mask, INT | DEC_DOT | DEC_COMMA);
        assert_eq!(classify("1 234").mask, INT | DEC_DOT | DEC_COMMA);
        assert_eq!(classify("1 23").mask, 0);
        assert_eq!(classify("1,2,3").mask, 0);
    }

    #[test]
    fn codes_keep_their_leading_zeros() {
        let s = classify("01001");
        assert!(s.leading_zero);
        assert_eq!(s.digits, Some(5));
        assert!(classify("2A004").corsica);
        assert!(!classify("2C004").corsica);
        assert!(!classify("0").leading_zero);
        assert!(luhn("732829320"));
        assert!(!luhn("732829321"));
    }

    #[test]
    fn dates_french_and_iso() {
        assert_eq!(parse_date("31/12/2024").as_deref(), Some("2024-12-31"));
        assert_eq!(parse_date("2024-02-29").as_deref(), Some("2024-02-29"));
        assert_eq!(parse_date("29/02/2023"), None);
        assert_eq!(parse_date("12/31/2024"), None);
        assert_eq!(parse_datetime("2024-05-01 12:30").as_deref(), Some("2024-05-01T12:30:00"));
        assert_eq!(parse_datetime("01/05/2024 08:15:02").as_deref(), Some("2024-05-01T08:15:02"));
        assert_eq!(parse_datetime("2024-05-01T12:30:00+02:00").as_deref(), Some("2024-05-01T12:30:00+02:00"));
        assert_eq!(parse_datetime("2024-05-01T12:30:00.250Z").as_deref(), Some("2024-05-01T12:30:00.250Z"));
        assert_eq!(parse_datetime("2024-05-01T25:30"), None);
    }

    #[test]
    fn null_markers() {
        for n in ["", "  ", "NA", "n/a", "NULL", "-", "nd", "N.D.", "#N/A"] {
            assert!(is_null(n), "{n:?}");
        }
        for v in ["0", "non", "Nantes", "NaNa"] {
            assert!(!is_null(v), "{v:?}");
        }
    }

    proptest! {
        #[test]
        fn french_decimals_read_back(i in -1_000_000i64..1_000_000, f in 0u32..1000) {
            let text = format!("{i},{f:03}");
            let v = dec(true).read(&text).unwrap();
            let expected: f64 = format!("{i}.{f:03}").parse().unwrap();
            prop_assert_eq!(v, Value::Float(expected));
            prop_assert_eq!(classify(&text).mask & DEC_COMMA, DEC_COMMA);
            prop_assert_eq!(classify(&text).mask & INT, 0);
        }

        #[test]
        fn integers_read_back(i in any::<i64>().prop_filter("fits 18 digits", |i| i.unsigned_abs() < 1_000_000_000_000_000_000)) {
            let text = i.to_string();
            prop_assert_eq!(classify(&text).mask & INT, INT);
            prop_assert_eq!(Reader { ty: ColType::Integer, decimal_comma: false }.read(&text), Ok(Value::Int(i)));
        }

        #[test]
        fn dates_round_trip(y in 1900i32..2100, m in 1u32..=12, d in 1u32..=28) {
            let fr = format!("{d:02}/{m:02}/{y}");
            let iso = format!("{y:04}-{m:02}-{d:02}");
            prop_assert_eq!(parse_date(&fr), Some(iso.clone()));
            prop_assert_eq!(parse_date(&iso), Some(iso));
        }

        #[test]
        fn classify_never_panics(s in "\\PC{0,24}") {
            let _ = classify(&s);
            let _ = parse_datetime(&s);
            for ty in [ColType::Integer, ColType::Decimal, ColType::Boolean, ColType::Date, ColType::Datetime, ColType::Text] {
                let _ = Reader { ty, decimal_comma: true }.read(&s);
            }
        }
    }
}
