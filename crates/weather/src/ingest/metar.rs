//! METAR / SPECI (WMO FM 15 / FM 16) reports and bulletins, and the output types shared with the
//! SYNOP parser ([`super::synop`]): [`Report`], [`Param`], [`ReportTime`], [`Rejected`].
//!
//! Pure Rust, no I/O. A bulletin (`parse_bulletin`) is any text holding reports: one per line or
//! spread over several lines, ended by `=` or not, under a GTS heading (`SAFR31 LFPW 221000`) or
//! not, with NUL bytes, carriage returns and other junk. Every report that cannot be read is
//! returned as a [`Rejected`] with its line, its index in the bulletin and a reason; every group
//! of a kept report that cannot be read is returned too (`whole_report == false`). Nothing here
//! panics, whatever the input.
//!
//! What is read (values in [`Param`] units):
//! - body: `METAR|SPECI`, `COR`, station, `DDHHMMZ`, `AUTO`, `NIL` (a report without values),
//!   wind `dddff(f)[Gfmfm](KT|MPS|KMH)` and `VRB` (→ `DD`, `FF`, `FXI`), visibility `VVVV`,
//!   `CAVOK`, US statute miles (`10SM`, `1 1/2SM`, `M1/4SM`, `P6SM`) and `nnKM` (→ `VV`),
//!   `T'T'/T'dT'd` (→ `T`, `TD`, whole degrees), `Qnnnn` / `Annnn` (→ `QNH`), `SLPnnn` (→ `PMER`);
//! - US remarks (`RMK`): `T`-group tenths (`T01221011`, preferred over the body's whole degrees),
//!   `SLPppp` (→ `PMER`), `Prrrr` (→ `RR1`), `6RRRR` (→ `RR3`/`RR6` by the report's cycle),
//!   `7RRRR` (→ `RR24`), `1snTTT`/`2snTTT` (→ `TX6`/`TN6`), `4snTTTsnTTT` (→ `TX24`/`TN24`),
//!   `5appp` (→ `CODTEND`, `TEND`), `4/sss` (→ `NEIGETOT`).
//!
//! Recognised and skipped (no value produced): variable wind sector, directional/minimum
//! visibility, RVR, present and recent weather, cloud layers and vertical visibility, runway state,
//! wind shear, sea state, colour codes, the whole trend part (`BECMG`, `TEMPO`, …, which forecasts
//! and must not overwrite the observation), and every other remark.
//!
//! Unit choices: knots × 0.514444 and km/h ÷ 3.6 → m/s; inHg × 33.8639 → hPa; inch × 25.4 → mm;
//! statute mile × 1609.344 → m. `9999` and `CAVOK` → 10 000 m; bounds (`P6SM`, `M1/4SM`, `P49MPS`)
//! give the bound. Values are not rounded. The altimeter setting (`Q`/`A`) is reported as `QNH`,
//! not `PMER`: QNH is reduced with the standard atmosphere and differs from the mean-sea-level
//! pressure at high or cold stations; `PMER` comes only from `SLPppp`. Calm wind (`00000KT`) gives
//! `FF` = 0 and no `DD`.
//!
//! `fuzz/weather` compiles this file on its own (`#[path]`): use only `super::metar`, `std`, serde
//! and thiserror here, never `crate::` paths.
use std::borrow::Cow;
use std::fmt;

use serde::{Serialize, Serializer};

// ---------------------------------------------------------------------------------------------
// Shared output types (METAR and SYNOP)
// ---------------------------------------------------------------------------------------------

/// A parameter, in canonical units, named by its Météo-France mnemonic (see [`Param::code`]).
///
/// Periods are in hours and end at the report's time.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Param {
    /// `T` air temperature, °C.
    T,
    /// `TD` dew point, °C.
    Td,
    /// `U` relative humidity, % (SYNOP `29UUU`).
    U,
    /// `FF` mean wind speed, m/s.
    Ff,
    /// `DD` mean wind direction, degrees from north (absent when calm or variable).
    Dd,
    /// `FXI` highest gust of the last 10 minutes, m/s (METAR gust, SYNOP `910ff`).
    Fxi,
    /// `FXI{h}` highest gust over the past `h` hours, m/s (SYNOP `911ff`).
    FxiPeriod(u8),
    /// `PMER` mean-sea-level pressure, hPa.
    Pmer,
    /// `PSTAT` station-level pressure, hPa.
    Pstat,
    /// `QNH` altimeter setting, hPa (METAR `Q`/`A` groups; not a Météo-France mnemonic).
    Qnh,
    /// `VV` horizontal visibility, m.
    Vv,
    /// `N` total cloud cover, okta (9 = sky obscured, as Météo-France codes it).
    N,
    /// `NBAS` amount of the lowest cloud layer (SYNOP `Nh`), okta.
    Nbas,
    /// `CL` low-cloud type, WMO code table 0513.
    Cl,
    /// `CM` medium-cloud type, WMO code table 0515.
    Cm,
    /// `CH` high-cloud type, WMO code table 0509.
    Ch,
    /// `RR{h}` precipitation amount over the past `h` hours, mm.
    Rr(u8),
    /// `TX{h}` maximum temperature over the past `h` hours, °C.
    Tx(u8),
    /// `TN{h}` minimum temperature over the past `h` hours, °C.
    Tn(u8),
    /// `WW` present weather, WMO code table 4677 (manned stations).
    Ww,
    /// `W1` past weather, WMO code table 4561.
    W1,
    /// `W2` past weather, WMO code table 4561.
    W2,
    /// `TEND` pressure change over the past 3 hours, hPa, signed.
    Tend,
    /// `CODTEND` characteristic of the pressure tendency, WMO code table 0200.
    CodTend,
    /// `TEND24` pressure change over the past 24 hours, hPa, signed.
    Tend24,
    /// `INS` sunshine duration over the past hour, minutes.
    Ins,
    /// `INST` sunshine duration over the past 24 hours, minutes.
    Inst,
    /// `GLO` global radiation over the past hour, J/cm².
    Glo,
    /// `GLOT` global radiation over the past 24 hours, J/cm².
    Glot,
    /// `NEIGETOT` total snow depth, cm.
    NeigeTot,
}

impl Param {
    /// The mnemonic (`T`, `RR6`, `FXI`, `TX12`…).
    pub fn code(self) -> Cow<'static, str> {
        let fixed = match self {
            Param::T => "T",
            Param::Td => "TD",
            Param::U => "U",
            Param::Ff => "FF",
            Param::Dd => "DD",
            Param::Fxi => "FXI",
            Param::Pmer => "PMER",
            Param::Pstat => "PSTAT",
            Param::Qnh => "QNH",
            Param::Vv => "VV",
            Param::N => "N",
            Param::Nbas => "NBAS",
            Param::Cl => "CL",
            Param::Cm => "CM",
            Param::Ch => "CH",
            Param::Ww => "WW",
            Param::W1 => "W1",
            Param::W2 => "W2",
            Param::Tend => "TEND",
            Param::CodTend => "CODTEND",
            Param::Tend24 => "TEND24",
            Param::Ins => "INS",
            Param::Inst => "INST",
            Param::Glo => "GLO",
            Param::Glot => "GLOT",
            Param::NeigeTot => "NEIGETOT",
            Param::FxiPeriod(h) => return Cow::Owned(format!("FXI{h}")),
            Param::Rr(h) => return Cow::Owned(format!("RR{h}")),
            Param::Tx(h) => return Cow::Owned(format!("TX{h}")),
            Param::Tn(h) => return Cow::Owned(format!("TN{h}")),
        };
        Cow::Borrowed(fixed)
    }

    /// The parameter named by a mnemonic produced by [`Param::code`].
    pub fn parse(code: &str) -> Option<Param> {
        const FIXED: [Param; 26] = [
            Param::T,
            Param::Td,
            Param::U,
            Param::Ff,
            Param::Dd,
            Param::Fxi,
            Param::Pmer,
            Param::Pstat,
            Param::Qnh,
            Param::Vv,
            Param::N,
            Param::Nbas,
            Param::Cl,
            Param::Cm,
            Param::Ch,
            Param::Ww,
            Param::W1,
            Param::W2,
            Param::Tend,
            Param::CodTend,
            Param::Tend24,
            Param::Ins,
            Param::Inst,
            Param::Glo,
            Param::Glot,
            Param::NeigeTot,
        ];
        if let Some(p) = FIXED.iter().find(|p| p.code() == code) {
            return Some(*p);
        }
        let period = |prefix: &str| -> Option<u8> {
            let rest = code.strip_prefix(prefix)?;
            if rest.is_empty() || rest.len() > 2 || !rest.bytes().all(|b| b.is_ascii_digit()) || rest.starts_with('0') {
                return None;
            }
            rest.parse().ok()
        };
        // FXI before the others: no other prefix is a prefix of it.
        if let Some(h) = period("FXI") {
            return Some(Param::FxiPeriod(h));
        }
        if let Some(h) = period("RR") {
            return Some(Param::Rr(h));
        }
        if let Some(h) = period("TX") {
            return Some(Param::Tx(h));
        }
        period("TN").map(Param::Tn)
    }
}

impl fmt::Display for Param {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.code())
    }
}

impl Serialize for Param {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.code())
    }
}

/// Which code form a report came in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum ReportKind {
    Metar,
    Speci,
    /// SYNOP FM 12, land station (`AAXX`).
    Synop,
}

/// The station a report comes from.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
pub enum StationRef {
    /// ICAO location indicator (`LFPG`), METAR/SPECI.
    Icao(String),
    /// WMO block and station number `IIiii` (`07149`), SYNOP.
    Wmo(String),
}

impl StationRef {
    pub fn as_str(&self) -> &str {
        match self {
            StationRef::Icao(s) | StationRef::Wmo(s) => s,
        }
    }
}

/// The observation time as the report gives it: day of the month, hour and minute, UTC. The
/// month and year come from context: see [`ReportTime::resolve`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct ReportTime {
    pub day: u8,
    pub hour: u8,
    pub minute: u8,
}

/// How far in the future of the reference instant a report may be stamped and still be taken as
/// belonging to the reference's month (clock skew between the sender and us).
pub const RESOLVE_TOLERANCE_SECONDS: i64 = 3600;

impl ReportTime {
    /// The full UTC instant (Unix seconds) of this time, in the latest month that puts it no later
    /// than `reference_unix_seconds` + [`RESOLVE_TOLERANCE_SECONDS`]. See [`resolve`].
    pub fn resolve(&self, reference_unix_seconds: i64) -> Option<i64> {
        resolve(self.day, self.hour, self.minute, reference_unix_seconds)
    }
}

/// Resolves a day-of-month + hour + minute to Unix seconds: the reference instant's month if that
/// is not in the future (with [`RESOLVE_TOLERANCE_SECONDS`] of slack), else the month before, and
/// so on (a 31st read on 1 March lands on 31 January). `None` for an impossible day, hour or
/// minute, or a reference outside years 1–9999.
pub fn resolve(day: u8, hour: u8, minute: u8, reference_unix_seconds: i64) -> Option<i64> {
    resolve_with_tolerance(day, hour, minute, reference_unix_seconds, RESOLVE_TOLERANCE_SECONDS)
}

/// [`resolve`] with an explicit tolerance in seconds (0 = never after the reference).
pub fn resolve_with_tolerance(day: u8, hour: u8, minute: u8, reference_unix_seconds: i64, tolerance_seconds: i64) -> Option<i64> {
    // 0001-01-01T00:00:00Z ..= 9999-12-31T23:59:59Z
    const MIN: i64 = -62_135_596_800;
    const MAX: i64 = 253_402_300_799;
    if !(1..=31).contains(&day) || hour > 23 || minute > 59 || !(MIN..=MAX).contains(&reference_unix_seconds) {
        return None;
    }
    let limit = reference_unix_seconds.saturating_add(tolerance_seconds.clamp(0, 86_400 * 28));
    let (mut year, mut month, _) = civil_from_days(reference_unix_seconds.div_euclid(86_400));
    // The reference's month may itself be too early only when the tolerance pushes `limit` into
    // the next month; start one month later in that case.
    let (ly, lm, _) = civil_from_days(limit.div_euclid(86_400));
    if (ly, lm) != (year, month) {
        year = ly;
        month = lm;
    }
    for _ in 0..14 {
        if u32::from(day) <= days_in_month(year, month) {
            let t = days_from_civil(year, month, u32::from(day)) * 86_400 + i64::from(hour) * 3600 + i64::from(minute) * 60;
            if t <= limit {
                return Some(t);
            }
        }
        if month == 1 {
            year -= 1;
            month = 12;
        } else {
            month -= 1;
        }
    }
    None
}

fn is_leap(y: i64) -> bool {
    (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
}

fn days_in_month(y: i64, m: u32) -> u32 {
    match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        _ if is_leap(y) => 29,
        _ => 28,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm).
fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(m);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// Year, month, day of a count of days since 1970-01-01.
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

/// One decoded report.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Report {
    pub kind: ReportKind,
    pub station: StationRef,
    pub time: ReportTime,
    /// `AUTO` (METAR) or an automatic station (SYNOP `ix` 4–7).
    pub auto: bool,
    /// A correction (`COR`, `CCA`…).
    pub correction: bool,
    /// `NIL`: the report exists but carries no observation.
    pub nil: bool,
    /// Decoded values, each parameter at most once, in the order of the groups.
    pub values: Vec<(Param, f64)>,
    /// Line (1-based) of the input where the report starts.
    pub line: usize,
    /// Index (1-based) of the report in the bulletin, counting rejected reports.
    pub index: usize,
}

impl Report {
    /// The value of a parameter, if the report has it.
    pub fn get(&self, param: Param) -> Option<f64> {
        self.values.iter().find(|(p, _)| *p == param).map(|(_, v)| *v)
    }

    /// Sets a value, replacing an earlier value of the same parameter in place.
    pub(crate) fn set(&mut self, param: Param, value: f64) {
        if let Some(slot) = self.values.iter_mut().find(|(p, _)| *p == param) {
            slot.1 = value;
        } else {
            self.values.push((param, value));
        }
    }
}

/// Why a report or a group was not read. Messages are English; the module translates them.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error, Serialize)]
pub enum ReportError {
    #[error("missing station identifier")]
    MissingStation,
    #[error("{0:?} is not an ICAO station identifier (four letters or digits, the first a letter)")]
    BadIcao(String),
    #[error("{0:?} is not a WMO station number (five digits IIiii)")]
    BadWmoStation(String),
    #[error("missing observation time")]
    MissingTime,
    #[error("{0:?} is not an observation time (DDHHMMZ, day 01–31, hour 00–23, minute 00–59)")]
    BadTime(String),
    #[error("the report is outside any AAXX section, so it has no date and time")]
    NoSection,
    #[error("invalid section header {group:?}: {reason}")]
    BadSectionHeader { group: String, reason: &'static str },
    #[error("{0} reports are not supported: only land SYNOP (AAXX) is read")]
    Unsupported(String),
    #[error("the report ends before its {0}")]
    Truncated(&'static str),
    #[error("invalid {what} group {group:?}: {reason}")]
    BadGroup { what: &'static str, group: String, reason: &'static str },
    #[error("unknown group {0:?}")]
    UnknownGroup(String),
    #[error("repeated {what} group {group:?}: the first one is kept")]
    Repeated { what: &'static str, group: String },
    #[error("group {group:?} is out of order in section {section}")]
    OutOfOrder { group: String, section: u8 },
    #[error("{what} group {group:?} not used: {reason}")]
    NotUsed { what: &'static str, group: String, reason: &'static str },
}

/// A rejected report (`whole_report`) or a group left out of a kept report.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error, Serialize)]
#[error("line {line}, report {report}: {error}{}", if *.whole_report { "" } else { " (group skipped, report kept)" })]
pub struct Rejected {
    /// Line (1-based) of the group in error, or of the report's start.
    pub line: usize,
    /// Index (1-based) of the report in the bulletin.
    pub report: usize,
    /// `true` when the whole report was rejected, `false` when only one group was left out.
    pub whole_report: bool,
    /// The report's (or the group's) text, cut to 80 characters.
    pub text: String,
    pub error: ReportError,
}

// ---------------------------------------------------------------------------------------------
// Shared lexical helpers
// ---------------------------------------------------------------------------------------------

/// Printable ASCII and line feeds are kept; every other byte (NUL, CR, tabs, control characters,
/// bytes ≥ 0x80) becomes a space. The result is pure ASCII, so byte slicing never splits a char.
pub(crate) fn sanitize(input: &[u8]) -> String {
    input.iter().map(|&b| if b == b'\n' || (0x21..=0x7e).contains(&b) { b as char } else { ' ' }).collect()
}

/// Cuts a text to `max` characters for messages.
pub(crate) fn clip(s: &str, max: usize) -> String {
    match s.char_indices().nth(max) {
        Some((i, _)) => format!("{}…", s.get(..i).unwrap_or_default()),
        None => s.to_owned(),
    }
}

/// A whitespace-separated group and the line (1-based) it is on.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Tok<'a> {
    pub text: &'a str,
    pub line: usize,
}

pub(crate) fn join(toks: &[Tok<'_>]) -> String {
    let mut s = String::new();
    for t in toks {
        if s.len() > 80 {
            break;
        }
        if !s.is_empty() {
            s.push(' ');
        }
        s.push_str(t.text);
    }
    clip(&s, 80)
}

pub(crate) fn all_digits(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
}

/// The value of a string of 1 to 9 ASCII digits.
pub(crate) fn num(s: &str) -> Option<u32> {
    if s.len() > 9 || !all_digits(s) {
        return None;
    }
    s.parse().ok()
}

/// A GTS abbreviated heading `TTAAii CCCC YYGGgg [BBB]`.
pub(crate) fn is_gts_heading(words: &[&str]) -> bool {
    let (tt, cccc, time, bbb) = match words {
        [a, b, c] => (*a, *b, *c, None),
        [a, b, c, d] => (*a, *b, *c, Some(*d)),
        _ => return false,
    };
    let t = tt.as_bytes();
    t.len() == 6
        && t.iter().take(4).all(u8::is_ascii_uppercase)
        && t.iter().skip(4).all(u8::is_ascii_digit)
        && cccc.len() == 4
        && cccc.bytes().all(|b| b.is_ascii_uppercase())
        && time.len() == 6
        && all_digits(time)
        && bbb.is_none_or(|b| b.len() == 3 && b.bytes().all(|c| c.is_ascii_uppercase()))
}

/// Lines that carry no report: a transmission sequence number (`776`), `ZCZC …`, `NNNN`.
pub(crate) fn is_transmission_line(words: &[&str]) -> bool {
    match words {
        [w] if w.len() == 3 && all_digits(w) => true,
        [w] if *w == "NNNN" => true,
        [w, ..] if w.starts_with("ZCZC") => true,
        _ => false,
    }
}

// ---------------------------------------------------------------------------------------------
// METAR bulletin
// ---------------------------------------------------------------------------------------------

const KT: f64 = 0.514_444;
const INHG_HPA: f64 = 33.8639;
const SM_M: f64 = 1609.344;
const INCH_MM: f64 = 25.4;

/// Parses a text holding one METAR/SPECI report or many (a bulletin). See the module docs.
pub fn parse_bulletin(input: &[u8]) -> (Vec<Report>, Vec<Rejected>) {
    let text = sanitize(input);
    let mut reports = Vec::new();
    let mut rejected = Vec::new();
    let mut default_kind = ReportKind::Metar;
    let mut current: Vec<Tok<'_>> = Vec::new();
    let mut current_kind = default_kind;
    let mut index = 0usize;

    let mut flush = |toks: &mut Vec<Tok<'_>>, kind: ReportKind, reports: &mut Vec<Report>, rejected: &mut Vec<Rejected>| {
        if toks.is_empty() {
            return;
        }
        index += 1;
        if let Some(r) = parse_tokens(toks, kind, index, rejected) {
            reports.push(r);
        }
        toks.clear();
    };

    for (n, line) in text.split('\n').enumerate() {
        let line_no = n + 1;
        let words: Vec<&str> = line.split_whitespace().collect();
        if words.is_empty() {
            continue;
        }
        if is_gts_heading(&words) || is_transmission_line(&words) {
            flush(&mut current, current_kind, &mut reports, &mut rejected);
            continue;
        }
        if let [w] = words.as_slice() {
            let k = match *w {
                "METAR" | "METAR=" => Some(ReportKind::Metar),
                "SPECI" | "SPECI=" => Some(ReportKind::Speci),
                _ => None,
            };
            if let Some(k) = k {
                flush(&mut current, current_kind, &mut reports, &mut rejected);
                default_kind = k;
                continue;
            }
        }
        if starts_report(&words) {
            flush(&mut current, current_kind, &mut reports, &mut rejected);
        }
        for word in words {
            let mut parts = word.split('=').peekable();
            while let Some(part) = parts.next() {
                if !part.is_empty() {
                    if current.is_empty() {
                        current_kind = default_kind;
                    }
                    current.push(Tok { text: part, line: line_no });
                }
                if parts.peek().is_some() {
                    flush(&mut current, current_kind, &mut reports, &mut rejected);
                }
            }
        }
    }
    flush(&mut current, current_kind, &mut reports, &mut rejected);
    (reports, rejected)
}

/// Parses the first report of a text; problems with single groups are dropped (use
/// [`parse_bulletin`] to see them). `Err` when the text holds no readable report.
pub fn parse(text: &str) -> Result<Report, Rejected> {
    let (mut reports, rejected) = parse_bulletin(text.as_bytes());
    if reports.is_empty() {
        let first = rejected.into_iter().find(|r| r.whole_report);
        return Err(first.unwrap_or(Rejected {
            line: 1,
            report: 1,
            whole_report: true,
            text: String::new(),
            error: ReportError::MissingStation,
        }));
    }
    Ok(reports.swap_remove(0))
}

fn starts_report(words: &[&str]) -> bool {
    match words {
        [first, ..] if *first == "METAR" || *first == "SPECI" => true,
        [station, second, ..] => is_icao(station) && (is_time_like(second) || *second == "NIL" || *second == "NIL="),
        _ => false,
    }
}

fn is_icao(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 4 && b.first().is_some_and(u8::is_ascii_uppercase) && b.iter().all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
}

fn is_time_like(s: &str) -> bool {
    let s = s.trim_end_matches('=');
    let digits = s.strip_suffix('Z').unwrap_or(s);
    digits.len() == 6 && all_digits(digits)
}

fn parse_time(s: &str) -> Option<ReportTime> {
    let digits = s.strip_suffix('Z').unwrap_or(s);
    if digits.len() != 6 || !all_digits(digits) {
        return None;
    }
    let day = num(digits.get(0..2)?)? as u8;
    let hour = num(digits.get(2..4)?)? as u8;
    let minute = num(digits.get(4..6)?)? as u8;
    ((1..=31).contains(&day) && hour <= 23 && minute <= 59).then_some(ReportTime { day, hour, minute })
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Part {
    Body,
    Trend,
    Remarks,
}

/// Group-level problems of one report.
struct Issues<'r> {
    report: usize,
    out: &'r mut Vec<Rejected>,
}

impl Issues<'_> {
    fn push(&mut self, tok: &Tok<'_>, error: ReportError) {
        self.out.push(Rejected { line: tok.line, report: self.report, whole_report: false, text: clip(tok.text, 80), error });
    }
    fn bad(&mut self, tok: &Tok<'_>, what: &'static str, reason: &'static str) {
        self.push(tok, ReportError::BadGroup { what, group: clip(tok.text, 40), reason });
    }
}

fn parse_tokens(toks: &[Tok<'_>], default_kind: ReportKind, index: usize, rejected: &mut Vec<Rejected>) -> Option<Report> {
    let start_line = toks.first().map_or(1, |t| t.line);
    let reject = |rejected: &mut Vec<Rejected>, error: ReportError| {
        rejected.push(Rejected { line: start_line, report: index, whole_report: true, text: join(toks), error });
    };

    let mut i = 0;
    let mut kind = default_kind;
    let mut correction = false;
    while let Some(t) = toks.get(i) {
        match t.text {
            "METAR" => kind = ReportKind::Metar,
            "SPECI" => kind = ReportKind::Speci,
            "COR" | "CORR" => correction = true,
            _ => break,
        }
        i += 1;
    }
    let Some(station) = toks.get(i) else {
        reject(rejected, ReportError::MissingStation);
        return None;
    };
    if !is_icao(station.text) {
        reject(rejected, ReportError::BadIcao(clip(station.text, 40)));
        return None;
    }
    i += 1;
    let Some(time_tok) = toks.get(i) else {
        reject(rejected, ReportError::MissingTime);
        return None;
    };
    let Some(time) = parse_time(time_tok.text) else {
        let error = if time_tok.text == "NIL" { ReportError::MissingTime } else { ReportError::BadTime(clip(time_tok.text, 40)) };
        reject(rejected, error);
        return None;
    };
    i += 1;

    let mut report = Report {
        kind,
        station: StationRef::Icao(station.text.to_owned()),
        time,
        auto: false,
        correction,
        nil: false,
        values: Vec::new(),
        line: start_line,
        index,
    };
    let mut issues = Issues { report: index, out: rejected };
    let rest = toks.get(i..).unwrap_or_default();
    parse_groups(rest, &mut report, &mut issues);
    if report.nil {
        report.values.clear();
    }
    Some(report)
}

#[derive(Default)]
struct Seen {
    wind: bool,
    vis: bool,
    temp: bool,
    qnh: bool,
}

fn parse_groups(toks: &[Tok<'_>], report: &mut Report, issues: &mut Issues<'_>) {
    let mut part = Part::Body;
    let mut seen = Seen::default();
    let mut i = 0;
    // The hour the report stands for (HH:45 and later count for the next hour), used by `6RRRR`.
    let cycle = if report.time.minute < 45 { report.time.hour } else { (report.time.hour + 1) % 24 };
    while let Some(tok) = toks.get(i) {
        i += 1;
        let g = tok.text;
        if g == "RMK" || g == "RMKS" {
            part = Part::Remarks;
            continue;
        }
        match part {
            Part::Trend => continue,
            Part::Remarks => {
                remark_group(tok, cycle, report, issues);
                continue;
            }
            Part::Body => {}
        }
        match g {
            "BECMG" | "TEMPO" | "FCST" | "INTER" => {
                part = Part::Trend;
                continue;
            }
            _ if g.starts_with("PROB") => {
                part = Part::Trend;
                continue;
            }
            "NIL" => {
                report.nil = true;
                return;
            }
            "AUTO" => {
                report.auto = true;
                continue;
            }
            "COR" | "CORR" => {
                report.correction = true;
                continue;
            }
            "NOSIG" | "NOSPECI" | "RTD" | "FINO" | "TEST" | "AMD" | "$" | "WS" | "ALL" | "RWY" | "RVRNO" | "SKC" | "CLR"
            | "NSC" | "NCD" | "NSW" | "SLPNO" => continue,
            "CAVOK" => {
                if seen.vis {
                    issues.push(tok, ReportError::Repeated { what: "visibility", group: g.to_owned() });
                } else {
                    seen.vis = true;
                    report.set(Param::Vv, 10_000.0);
                }
                continue;
            }
            _ => {}
        }
        if g.len() == 3 && g.starts_with("CC") && g.as_bytes().get(2).is_some_and(u8::is_ascii_uppercase) {
            report.correction = true;
            continue;
        }
        if g.bytes().all(|b| b == b'/') {
            continue; // a missing group of any kind
        }
        if let Some(w) = wind_group(g) {
            match w {
                Err(reason) => issues.bad(tok, "wind", reason),
                Ok(_) if seen.wind => issues.push(tok, ReportError::Repeated { what: "wind", group: g.to_owned() }),
                Ok(w) => {
                    seen.wind = true;
                    if let Some(d) = w.dir {
                        report.set(Param::Dd, d);
                    }
                    if let Some(s) = w.speed {
                        report.set(Param::Ff, s);
                    }
                    if let Some(s) = w.gust {
                        report.set(Param::Fxi, s);
                    }
                }
            }
            continue;
        }
        if is_variable_sector(g) {
            continue;
        }
        // `1 1/2SM`: a whole number followed by a fraction of statute miles.
        let combined;
        let vis_text = if g.len() <= 2 && all_digits(g) {
            match toks.get(i) {
                Some(next) if next.text.ends_with("SM") && next.text.contains('/') => {
                    i += 1;
                    combined = format!("{g} {}", next.text);
                    combined.as_str()
                }
                _ => g,
            }
        } else {
            g
        };
        if let Some(v) = visibility_group(vis_text) {
            match v {
                Err(reason) => issues.bad(tok, "visibility", reason),
                // A second visibility group is the minimum or a directional one: not the prevailing.
                Ok(_) if seen.vis => {}
                Ok(None) => seen.vis = true,
                Ok(Some(m)) => {
                    seen.vis = true;
                    report.set(Param::Vv, m);
                }
            }
            continue;
        }
        if is_runway_group(g) {
            continue;
        }
        if let Some(t) = temperature_group(g) {
            match t {
                Err(reason) => issues.bad(tok, "temperature", reason),
                Ok(_) if seen.temp => issues.push(tok, ReportError::Repeated { what: "temperature", group: g.to_owned() }),
                Ok((t, td)) => {
                    seen.temp = true;
                    if let Some(t) = t {
                        report.set(Param::T, t);
                    }
                    if let Some(td) = td {
                        report.set(Param::Td, td);
                    }
                }
            }
            continue;
        }
        if let Some(p) = pressure_group(g) {
            match p {
                Err(reason) => issues.bad(tok, "pressure", reason),
                Ok(_) if seen.qnh => issues.push(tok, ReportError::Repeated { what: "pressure", group: g.to_owned() }),
                Ok(p) => {
                    seen.qnh = true;
                    if let Some(p) = p {
                        report.set(Param::Qnh, p);
                    }
                }
            }
            continue;
        }
        if let Some(p) = slp_group(g) {
            report.set(Param::Pmer, p);
            continue;
        }
        if is_cloud_group(g) || is_weather_group(g) || is_sea_group(g) || is_colour(g) {
            continue;
        }
        issues.push(tok, ReportError::UnknownGroup(clip(g, 40)));
    }
}

struct Wind {
    dir: Option<f64>,
    speed: Option<f64>,
    gust: Option<f64>,
}

/// `dddff(f)[Gfmfm](KT|MPS|KMH)`; `None` when the group is not a wind group at all.
fn wind_group(g: &str) -> Option<Result<Wind, &'static str>> {
    let (body, factor) = if let Some(b) = g.strip_suffix("KTS").or_else(|| g.strip_suffix("KT")) {
        (b, KT)
    } else if let Some(b) = g.strip_suffix("MPS") {
        (b, 1.0)
    } else if let Some(b) = g.strip_suffix("KMH") {
        (b, 1.0 / 3.6)
    } else {
        return None;
    };
    let dir = body.get(..3)?;
    let rest = body.get(3..)?;
    if !(dir == "VRB" || dir == "///" || all_digits(dir)) {
        return None;
    }
    let (speed, gust) = match rest.split_once('G') {
        Some((s, g)) => (s, Some(g)),
        None => (rest, None),
    };
    let value = |s: &str| -> Result<Option<f64>, &'static str> {
        if !s.is_empty() && s.bytes().all(|b| b == b'/' || b == b'M') {
            return Ok(None);
        }
        let digits = s.strip_prefix('P').unwrap_or(s);
        if !(2..=3).contains(&digits.len()) {
            return Err("a speed has two or three digits");
        }
        num(digits).map(|v| Some(f64::from(v) * factor)).ok_or("a speed has two or three digits")
    };
    let dir = match dir {
        "VRB" | "///" => None,
        d => match num(d) {
            Some(d) if d > 360 => return Some(Err("direction above 360°")),
            Some(0) => None,
            Some(d) => Some(f64::from(d)),
            None => return Some(Err("direction is not three digits")),
        },
    };
    let speed = match value(speed) {
        Ok(v) => v,
        Err(e) => return Some(Err(e)),
    };
    let gust = match gust.map(value) {
        None => None,
        Some(Ok(v)) => v,
        Some(Err(e)) => return Some(Err(e)),
    };
    Some(Ok(Wind { dir, speed, gust }))
}

fn is_variable_sector(g: &str) -> bool {
    matches!(g.split_once('V'), Some((a, b)) if a.len() == 3 && b.len() == 3 && all_digits(a) && all_digits(b))
}

const DIRECTIONS: [&str; 9] = ["N", "NE", "E", "SE", "S", "SW", "W", "NW", "NDV"];

/// Prevailing visibility: `VVVV[dir]`, `nnKM`, `nnnnM`, statute miles. `Ok(None)` = missing.
fn visibility_group(g: &str) -> Option<Result<Option<f64>, &'static str>> {
    if let Some(sm) = g.strip_suffix("SM") {
        let sm = sm.strip_prefix(['M', 'P']).unwrap_or(sm);
        return Some(statute_miles(sm).map(|v| Some(v * SM_M)).ok_or("statute miles must be n, n/d or n n/d"));
    }
    if let Some(km) = g.strip_suffix("KM") {
        return all_digits(km).then(|| num(km).map(|v| Some(f64::from(v) * 1000.0)).ok_or("too many digits"));
    }
    let four = g.get(..4)?;
    let dir = g.get(4..)?;
    if four == "////" && dir.is_empty() {
        return Some(Ok(None));
    }
    if !all_digits(four) || !(dir.is_empty() || dir == "M" || DIRECTIONS.contains(&dir)) {
        return None;
    }
    let v = num(four)?;
    Some(Ok(Some(if v == 9999 { 10_000.0 } else { f64::from(v) })))
}

/// `n`, `n/d` or `n n/d` statute miles.
fn statute_miles(s: &str) -> Option<f64> {
    let fraction = |f: &str| -> Option<f64> {
        let (a, b) = f.split_once('/')?;
        let (a, b) = (num(a)?, num(b)?);
        (b != 0 && a.to_string().len() <= 2 && b.to_string().len() <= 2).then(|| f64::from(a) / f64::from(b))
    };
    match s.split_once(' ') {
        Some((whole, frac)) => Some(f64::from(num(whole)?) + fraction(frac)?),
        None if s.contains('/') => fraction(s),
        None => (s.len() <= 3).then(|| num(s).map(f64::from)).flatten(),
    }
}

/// RVR (`R26L/1200U`, `RVRNO`), runway state (`R24/290050`, `R/SNOCLO`, `88290050`,
/// `24CLRD//`), wind-shear runway (`R23`, `RWY22L`).
fn is_runway_group(g: &str) -> bool {
    let b = g.as_bytes();
    if g.starts_with("R/") {
        return true;
    }
    if b.first() == Some(&b'R') && b.get(1).is_some_and(u8::is_ascii_digit) {
        return true;
    }
    if let Some(r) = g.strip_prefix("RWY") {
        return r.get(..2).is_some_and(all_digits);
    }
    if b.len() == 8 && all_digits(g) {
        return true;
    }
    g.len() >= 6 && g.get(..2).is_some_and(all_digits) && (g.get(2..).is_some_and(|r| r.starts_with("CLRD") || r.starts_with("SNOCLO")))
}

type TempPair = (Option<f64>, Option<f64>);

/// `T'T'/T'dT'd` with `M` (or `-`) for minus; `//`, `XX`, `MM` for missing.
fn temperature_group(g: &str) -> Option<Result<TempPair, &'static str>> {
    let (t, td) = g.split_once('/')?;
    let looks = |s: &str| {
        let d = s.strip_prefix(['M', '-']).unwrap_or(s);
        matches!(s, "//" | "XX" | "MM" | "") || (!d.is_empty() && all_digits(d))
    };
    if !looks(t) || !looks(td) || t.is_empty() || td.contains('/') {
        return None;
    }
    let value = |s: &str| -> Result<Option<f64>, &'static str> {
        if matches!(s, "//" | "XX" | "MM" | "") {
            return Ok(None);
        }
        let (neg, d) = match s.strip_prefix(['M', '-']) {
            Some(d) => (true, d),
            None => (false, s),
        };
        if d.len() > 2 {
            return Err("a temperature has at most two digits");
        }
        let v = f64::from(num(d).ok_or("a temperature has at most two digits")?);
        Ok(Some(if neg { -v } else { v }))
    };
    Some(value(t).and_then(|t| Ok((t, value(td)?))))
}

/// `Qnnnn` hPa or `Annnn` hundredths of inHg → hPa. `Ok(None)` = missing.
fn pressure_group(g: &str) -> Option<Result<Option<f64>, &'static str>> {
    let (unit, rest) = g.split_at_checked(1)?;
    if !(unit == "Q" || unit == "A") || rest.len() != 4 {
        return None;
    }
    if rest == "////" {
        return Some(Ok(None));
    }
    let v = f64::from(num(rest)?);
    Some(Ok(Some(if unit == "Q" { v } else { v / 100.0 * INHG_HPA })))
}

/// `SLPppp`: tenths of hPa without the hundreds (`132` → 1013.2, `986` → 998.6).
fn slp_group(g: &str) -> Option<f64> {
    let p = g.strip_prefix("SLP")?;
    if p.len() != 3 {
        return None;
    }
    let v = f64::from(num(p)?) / 10.0;
    Some(if v < 50.0 { 1000.0 + v } else { 900.0 + v })
}

fn is_cloud_group(g: &str) -> bool {
    if let Some(h) = g.strip_prefix("VV") {
        return h.len() == 3 && (all_digits(h) || h == "///");
    }
    let Some((cover, rest)) = g.split_at_checked(3) else {
        return false;
    };
    if !matches!(cover, "FEW" | "SCT" | "BKN" | "OVC") {
        return false;
    }
    let Some((height, genus)) = rest.split_at_checked(3) else {
        return false;
    };
    (all_digits(height) || height == "///") && (genus.is_empty() || genus == "///" || genus.bytes().all(|b| b.is_ascii_uppercase()))
}

const WEATHER_CODES: [&str; 30] = [
    "MI", "BC", "PR", "DR", "BL", "SH", "TS", "FZ", "DZ", "RA", "SN", "SG", "PL", "GR", "GS", "IC", "UP", "BR", "FG", "FU", "VA",
    "DU", "SA", "HZ", "PO", "SQ", "FC", "SS", "DS", "PY",
];

/// Present (`-SHRA`, `VCTS`, `+FC`) or recent (`RETS`) weather.
fn is_weather_group(g: &str) -> bool {
    let g = g.strip_prefix("RE").unwrap_or(g);
    let g = g.strip_prefix(['-', '+']).unwrap_or(g);
    let g = g.strip_prefix("VC").unwrap_or(g);
    if g.is_empty() || g.len() % 2 == 1 || g.len() > 12 {
        return false;
    }
    (0..g.len() / 2).all(|k| g.get(2 * k..2 * k + 2).is_some_and(|c| WEATHER_CODES.contains(&c)))
}

/// Sea-surface temperature and state `WT'sT's/Ss` or `/Hhhh`.
fn is_sea_group(g: &str) -> bool {
    g.starts_with('W') && g.contains("/S") || g.starts_with('W') && g.contains("/H")
}

fn is_colour(g: &str) -> bool {
    let g = g.strip_prefix("BLACK").unwrap_or(g);
    matches!(g.trim_end_matches('+'), "BLU" | "WHT" | "GRN" | "YLO" | "YLO1" | "YLO2" | "AMB" | "RED")
}

/// A signed tenths value `snTTT` (`s` 0 = +, 1 = −).
pub(crate) fn signed_tenths(sign: u8, digits: &str) -> Option<f64> {
    if digits.len() != 3 {
        return None;
    }
    let v = f64::from(num(digits)?) / 10.0;
    match sign {
        b'0' => Some(v),
        b'1' => Some(-v),
        _ => None,
    }
}

/// US remarks. Unknown remarks are free text and are skipped silently.
fn remark_group(tok: &Tok<'_>, cycle: u8, report: &mut Report, issues: &mut Issues<'_>) {
    let g = tok.text;
    let b = g.as_bytes();
    // T-group: T snTTT [snTdTdTd] in tenths.
    if let Some(rest) = g.strip_prefix('T') {
        if (rest.len() == 4 || rest.len() == 8) && all_digits(rest) {
            let t = rest.as_bytes().first().and_then(|&s| signed_tenths(s, rest.get(1..4)?));
            let td = rest.as_bytes().get(4).and_then(|&s| signed_tenths(s, rest.get(5..8)?));
            if t.is_none() || (rest.len() == 8 && td.is_none()) {
                issues.bad(tok, "temperature remark", "the sign digit must be 0 or 1");
                return;
            }
            if let Some(t) = t {
                report.set(Param::T, t);
            }
            if let Some(td) = td {
                report.set(Param::Td, td);
            }
        }
        return;
    }
    if let Some(p) = slp_group(g) {
        report.set(Param::Pmer, p);
        return;
    }
    if let Some(p) = g.strip_prefix('P') {
        if p.len() == 4 && all_digits(p) {
            if let Some(v) = num(p) {
                report.set(Param::Rr(1), f64::from(v) / 100.0 * INCH_MM);
            }
        }
        return;
    }
    if let Some(s) = g.strip_prefix("4/") {
        if s.len() == 3 && all_digits(s) {
            if let Some(v) = num(s) {
                report.set(Param::NeigeTot, f64::from(v) * 2.54);
            }
        }
        return;
    }
    if !all_digits(g) {
        return;
    }
    match (b.first(), b.len()) {
        (Some(b'6'), 5) => {
            let Some(v) = g.get(1..).and_then(num) else { return };
            let period = if matches!(cycle, 0 | 6 | 12 | 18) {
                6
            } else if matches!(cycle, 3 | 9 | 15 | 21) {
                3
            } else {
                issues.push(
                    tok,
                    ReportError::NotUsed {
                        what: "3/6-hour precipitation",
                        group: g.to_owned(),
                        reason: "the report is not a 3- or 6-hourly one, so the period is unknown",
                    },
                );
                return;
            };
            report.set(Param::Rr(period), f64::from(v) / 100.0 * INCH_MM);
        }
        (Some(b'7'), 5) => {
            if let Some(v) = g.get(1..).and_then(num) {
                report.set(Param::Rr(24), f64::from(v) / 100.0 * INCH_MM);
            }
        }
        (Some(c @ (b'1' | b'2')), 5) => {
            let v = b.get(1).and_then(|&s| signed_tenths(s, g.get(2..5)?));
            match v {
                Some(v) if *c == b'1' => report.set(Param::Tx(6), v),
                Some(v) => report.set(Param::Tn(6), v),
                None => issues.bad(tok, "6-hour extreme temperature remark", "the sign digit must be 0 or 1"),
            }
        }
        (Some(b'4'), 9) => {
            let tx = b.get(1).and_then(|&s| signed_tenths(s, g.get(2..5)?));
            let tn = b.get(5).and_then(|&s| signed_tenths(s, g.get(6..9)?));
            match (tx, tn) {
                (Some(tx), Some(tn)) => {
                    report.set(Param::Tx(24), tx);
                    report.set(Param::Tn(24), tn);
                }
                _ => issues.bad(tok, "24-hour extreme temperature remark", "the sign digits must be 0 or 1"),
            }
        }
        (Some(b'5'), 5) => {
            let Some(a) = b.get(1).map(|c| c.wrapping_sub(b'0')) else { return };
            let Some(ppp) = g.get(2..5).and_then(num) else { return };
            if a > 8 {
                issues.bad(tok, "pressure tendency remark", "the characteristic must be 0 to 8");
                return;
            }
            report.set(Param::CodTend, f64::from(a));
            report.set(Param::Tend, tendency(a, ppp));
        }
        _ => {}
    }
}

/// The signed 3-hour pressure change of a `5appp` group: rising for `a` 0–3, steady for 4,
/// falling for 5–8 (WMO code table 0200).
pub(crate) fn tendency(a: u8, ppp: u32) -> f64 {
    let v = f64::from(ppp) / 10.0;
    if a >= 5 {
        -v
    } else {
        v
    }
}

// ---------------------------------------------------------------------------------------------
// Tests
// ---------------------------------------------------------------------------------------------

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn one(text: &str) -> Report {
        match parse(text) {
            Ok(r) => r,
            Err(e) => panic!("{text}: {e}"),
        }
    }

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 0.011
    }

    /// Expected values from the Python oracle `metar` 2.0.2
    /// (`Metar.Metar(code, month=11, year=2025, strict=False)`, then `.value("C" | "MPS" | "M" |
    /// "MB" | "IN")`), converted to this module's units: inch → mm (× 25.4), inch → cm for snow.
    /// `QNH` is the oracle's `press`, `PMER` its `press_sea_level`. `None` = the oracle has no value.
    struct Case {
        code: &'static str,
        station: &'static str,
        kind: ReportKind,
        time: (u8, u8, u8),
        expect: &'static [(Param, f64)],
    }

    const KTS: f64 = 0.514444;

    fn cases() -> Vec<Case> {
        use Param::*;
        vec![
            Case {
                code: "METAR LFPG 221030Z 24012G25KT 9999 -RA BKN012 OVC030 12/09 Q1008 NOSIG",
                station: "LFPG",
                kind: ReportKind::Metar,
                time: (22, 10, 30),
                expect: &[(Dd, 240.0), (Ff, 6.173328), (Fxi, 12.8611), (Vv, 10000.0), (T, 12.0), (Td, 9.0), (Qnh, 1008.0)],
            },
            Case {
                code: "METAR KJFK 221051Z 31008KT 10SM FEW250 12/M01 A2993 RMK AO2 SLP132 P0012 T01221011",
                station: "KJFK",
                kind: ReportKind::Metar,
                time: (22, 10, 51),
                expect: &[
                    (Dd, 310.0),
                    (Ff, 4.115552),
                    (Vv, 16093.44),
                    (T, 12.2),
                    (Td, -1.1),
                    (Qnh, 1013.5489),
                    (Pmer, 1013.2),
                    (Rr(1), 0.12 * 25.4),
                ],
            },
            Case {
                code: "METAR KEWR 111851Z VRB03G19KT 2SM R04R/3000VP6000FT TSRA BR FEW015 BKN040CB BKN065 OVC200 22/22 A2987 RMK AO2 PK WND 29028/1817 WSHFT 1812 TSB05RAB22 SLP114 FRQ LTGICCCCG TS OHD AND NW-N-E MOV NE P0013 T02270215",
                station: "KEWR",
                kind: ReportKind::Metar,
                time: (11, 18, 51),
                expect: &[(Ff, 1.543332), (Fxi, 9.774436), (Vv, 3218.688), (T, 22.7), (Td, 21.5), (Qnh, 1011.5171), (Pmer, 1011.4), (Rr(1), 0.13 * 25.4)],
            },
            Case {
                code: "METAR WSSS 280900Z 26009KT 180V350 0600 R20R/1900D R20C/1600D +TSRA FEW008 SCT013CB FEW015TCU 24/23 Q1010 BECMG FM0920 TL0930 3000 TSRA BECMG FM1000 TL1020 6000 NSW",
                station: "WSSS",
                kind: ReportKind::Metar,
                time: (28, 9, 0),
                expect: &[(Dd, 260.0), (Ff, 4.629996), (Vv, 600.0), (T, 24.0), (Td, 23.0), (Qnh, 1010.0)],
            },
            Case {
                code: "KABI 031752Z 30010KT 6SM BR FEW009 OVC036 02/01 A3003 RMK AO2 SLP176 60001 I1003 T00170006 10017 21006 56017",
                station: "KABI",
                kind: ReportKind::Metar,
                time: (3, 17, 52),
                expect: &[
                    (Dd, 300.0),
                    (Ff, 5.14444),
                    (Vv, 9656.064),
                    (T, 1.7),
                    (Td, 0.6),
                    (Qnh, 1016.9353),
                    (Pmer, 1017.6),
                    (Rr(6), 0.01 * 25.4),
                    (Tx(6), 1.7),
                    (Tn(6), -0.6),
                    // not in the oracle's attributes (it only prints the tendency as text)
                    (CodTend, 6.0),
                    (Tend, -1.7),
                ],
            },
            Case {
                code: "METAR LOXZ 141420Z 08006KT 20KM VCSH FEW025SC SCT040SC BKN090AC 21/14 Q1015 BECMG SCT090",
                station: "LOXZ",
                kind: ReportKind::Metar,
                time: (14, 14, 20),
                expect: &[(Dd, 80.0), (Ff, 3.086664), (Vv, 20000.0), (T, 21.0), (Td, 14.0), (Qnh, 1015.0)],
            },
            Case {
                code: "METAR FSIA 220100Z AUTO 14014KT 120V180 9999 ///////// 27/23 Q1010",
                station: "FSIA",
                kind: ReportKind::Metar,
                time: (22, 1, 0),
                expect: &[(Dd, 140.0), (Ff, 7.202216), (Vv, 10000.0), (T, 27.0), (Td, 23.0), (Qnh, 1010.0)],
            },
            Case {
                code: "METAR KPIT 091955Z COR 22015G25KT 3/4SM R28L/2600FT TSRA OVC010CB 18/16 A2992 RMK SLP045 T01820159",
                station: "KPIT",
                kind: ReportKind::Metar,
                time: (9, 19, 55),
                expect: &[(Dd, 220.0), (Ff, 7.71666), (Fxi, 12.8611), (Vv, 1207.008), (T, 18.2), (Td, 15.9), (Qnh, 1013.2103), (Pmer, 1004.5)],
            },
            Case {
                code: "SPECI EFHK 171037Z 18011KT 1200 R04L/1700N R15/1800 R22L/1800U R22R/1600D -SG BR OVC002 M03/M03 Q1031",
                station: "EFHK",
                kind: ReportKind::Speci,
                time: (17, 10, 37),
                expect: &[(Dd, 180.0), (Ff, 5.658884), (Vv, 1200.0), (T, -3.0), (Td, -3.0), (Qnh, 1031.0)],
            },
            Case {
                code: "EGNX 191250Z VRB03KT 9999 -RASN FEW008 SCT024 BKN046 M01/M03 Q0989",
                station: "EGNX",
                kind: ReportKind::Metar,
                time: (19, 12, 50),
                expect: &[(Ff, 1.543332), (Vv, 10000.0), (T, -1.0), (Td, -3.0), (Qnh, 989.0)],
            },
            Case {
                code: "KDOV 040558Z 23004KT 1 1/2SM R01/2800FT -SN BR OVC006 M01/M01 A3015 RMK AO2A SLP213 P0000 4/001 60010 T10071007 10017 21009 55016 VISNO RWY19 CHINO RWY19 $",
                station: "KDOV",
                kind: ReportKind::Metar,
                time: (4, 5, 58),
                expect: &[
                    (Dd, 230.0),
                    (Ff, 2.057776),
                    (Vv, 2414.016),
                    (T, -0.7),
                    (Td, -0.7),
                    (Qnh, 1020.999),
                    (Pmer, 1021.3),
                    (Rr(1), 0.0),
                    (NeigeTot, 2.54),
                    (Rr(6), 0.1 * 25.4),
                    (Tx(6), 1.7),
                    (Tn(6), -0.9),
                    (CodTend, 5.0),
                    (Tend, -1.6),
                ],
            },
            Case {
                code: "METAR KADW 252356Z COR AUTO 10008KT 10SM CLR 19/11 A2986 RMK AO2 SLP117 T01880111 10230 20188 50004 $ COR 0007",
                station: "KADW",
                kind: ReportKind::Metar,
                time: (25, 23, 56),
                expect: &[
                    (Dd, 100.0),
                    (Ff, 4.115552),
                    (Vv, 16093.44),
                    (T, 18.8),
                    (Td, 11.1),
                    (Qnh, 1011.1784),
                    (Pmer, 1011.7),
                    (Tx(6), 23.0),
                    (Tn(6), 18.8),
                    (CodTend, 0.0),
                    (Tend, 0.4),
                ],
            },
            Case {
                code: "METAR KCOF 191855Z 18015G22KT 7SM FEW049 SCT300 28/18 A3001 SLP162 RMK WND DATA ESTMD",
                station: "KCOF",
                kind: ReportKind::Metar,
                time: (19, 18, 55),
                expect: &[(Dd, 180.0), (Ff, 7.71666), (Fxi, 11.317768), (Vv, 11265.408), (T, 28.0), (Td, 18.0), (Qnh, 1016.258), (Pmer, 1016.2)],
            },
            Case {
                code: "METAR KCOF 281855Z FEW029TCU FEW040 SCT250 09008KT 7SM 32/25 A3008 RMK VIRGA E TCU NE AND DSNT ALQDS SLP186",
                station: "KCOF",
                kind: ReportKind::Metar,
                time: (28, 18, 55),
                expect: &[(Dd, 90.0), (Ff, 4.115552), (Vv, 11265.408), (T, 32.0), (Td, 25.0), (Qnh, 1018.6285), (Pmer, 1018.6)],
            },
            Case {
                code: "VEIM 301200Z 16007KT 7000 PO SCT018 31/27 Q1007 NOSIG",
                station: "VEIM",
                kind: ReportKind::Metar,
                time: (30, 12, 0),
                expect: &[(Dd, 160.0), (Ff, 3.601108), (Vv, 7000.0), (T, 31.0), (Td, 27.0), (Qnh, 1007.0)],
            },
            Case {
                code: "KUAO 300053Z AUTO 31009KT 10SM -RA FEW046 BKN055 OVC070 05/00 A2980",
                station: "KUAO",
                kind: ReportKind::Metar,
                time: (30, 0, 53),
                expect: &[(Dd, 310.0), (Ff, 4.629996), (Vv, 16093.44), (T, 5.0), (Td, 0.0), (Qnh, 1009.1466)],
            },
            Case {
                code: "KSPS 081352Z 10015KT 10SM TSGRRA BKN022CB BKN050 BKN200 25/16 A2967 RMK AO2 TSB38RAB25GRB49 SLP036 LTGICCCCG OHD TS OHD GR 1/3 P0000 T02500161",
                station: "KSPS",
                kind: ReportKind::Metar,
                time: (8, 13, 52),
                expect: &[(Dd, 100.0), (Ff, 7.71666), (Vv, 16093.44), (T, 25.0), (Td, 16.1), (Qnh, 1004.7443), (Pmer, 1003.6), (Rr(1), 0.0)],
            },
            Case {
                code: "KMIA 081403Z 16032G45KT 1/2SM +FC +TSRA BR SCT005 BKN016CB OVC034 23/19 A3003 RMK TORNADO B02 OHD MOV NE AO2 PK WND 15045/0202 WSHFT 0141 PRESRR CONS LTGICCCCG OHD TS OHD MOV NE P0046 $",
                station: "KMIA",
                kind: ReportKind::Metar,
                time: (8, 14, 3),
                expect: &[(Dd, 160.0), (Ff, 16.462208), (Fxi, 23.14998), (Vv, 804.672), (T, 23.0), (Td, 19.0), (Qnh, 1016.9353), (Rr(1), 0.46 * 25.4)],
            },
            Case {
                code: "KALO 081354Z AUTO 02049G53KT 6SM HZ FEW015 OVC060 M04/M07 A2984 RMK AO2 SLP119 T10441072",
                station: "KALO",
                kind: ReportKind::Metar,
                time: (8, 13, 54),
                expect: &[(Dd, 20.0), (Ff, 25.207756), (Fxi, 27.265532), (Vv, 9656.064), (T, -4.4), (Td, -7.2), (Qnh, 1010.5012), (Pmer, 1011.9)],
            },
            Case {
                code: "PAJN 081353Z 22003KT 10SM FEW070 SCT100 BKN170 05/02 A2987 RMK AO2 SLP116 ACSL OMTNS N T00500022 10072 20044 57031",
                station: "PAJN",
                kind: ReportKind::Metar,
                time: (8, 13, 53),
                expect: &[
                    (Dd, 220.0),
                    (Ff, 1.543332),
                    (Vv, 16093.44),
                    (T, 5.0),
                    (Td, 2.2),
                    (Qnh, 1011.5171),
                    (Pmer, 1011.6),
                    (Tx(6), 7.2),
                    (Tn(6), 4.4),
                    (CodTend, 7.0),
                    (Tend, -3.1),
                ],
            },
            Case {
                code: "KAMW 081353Z AUTO 00000KT 10SM CLR 12/11 A3015 RMK AO2 SLP207 T01170106 10206 20117 402280117 57002",
                station: "KAMW",
                kind: ReportKind::Metar,
                time: (8, 13, 53),
                // the oracle gives DD 0 for a calm wind; this parser gives no direction
                expect: &[
                    (Ff, 0.0),
                    (Vv, 16093.44),
                    (T, 11.7),
                    (Td, 10.6),
                    (Qnh, 1020.999),
                    (Pmer, 1020.7),
                    (Tx(6), 20.6),
                    (Tn(6), 11.7),
                    (Tx(24), 22.8),
                    (Tn(24), 11.7),
                    (CodTend, 7.0),
                    (Tend, -0.2),
                ],
            },
            Case {
                code: "METAR HKJK 032100Z 23004KT 9999 SCT027 BKN070 17/16 Q1022",
                station: "HKJK",
                kind: ReportKind::Metar,
                time: (3, 21, 0),
                expect: &[(Dd, 230.0), (Ff, 2.057776), (Vv, 10000.0), (T, 17.0), (Td, 16.0), (Qnh, 1022.0)],
            },
            Case {
                code: "METAR HRYR 032100Z 18005KT 150V210 9999 SCT026 SCT100 21/16 Q1021 NOSIG",
                station: "HRYR",
                kind: ReportKind::Metar,
                time: (3, 21, 0),
                expect: &[(Dd, 180.0), (Ff, 2.57222), (Vv, 10000.0), (T, 21.0), (Td, 16.0), (Qnh, 1021.0)],
            },
            Case {
                code: "METAR UUEE 151030Z 18004MPS 9999 BKN020 M05/M08 Q1021 NOSIG",
                station: "UUEE",
                kind: ReportKind::Metar,
                time: (15, 10, 30),
                expect: &[(Dd, 180.0), (Ff, 4.0), (Vv, 10000.0), (T, -5.0), (Td, -8.0), (Qnh, 1021.0)],
            },
            Case {
                code: "METAR EDDM 151020Z 27015G30KMH CAVOK 08/M02 Q1015",
                station: "EDDM",
                kind: ReportKind::Metar,
                time: (15, 10, 20),
                expect: &[(Dd, 270.0), (Ff, 4.1666667), (Fxi, 8.3333333), (Vv, 10000.0), (T, 8.0), (Td, -2.0), (Qnh, 1015.0)],
            },
            Case {
                code: "METAR KBOS 151054Z 05012KT P6SM SCT250 M12/M20 A3042 RMK AO2 SLP309 T11221200",
                station: "KBOS",
                kind: ReportKind::Metar,
                time: (15, 10, 54),
                expect: &[(Dd, 50.0), (Ff, 6.173328), (Vv, 9656.064), (T, -12.2), (Td, -20.0), (Qnh, 1030.1423), (Pmer, 1030.9)],
            },
            Case {
                code: "METAR KORD 151051Z 36010KT M1/4SM +SN FG VV002 M02/M03 A2995 RMK AO2 P0008",
                station: "KORD",
                kind: ReportKind::Metar,
                time: (15, 10, 51),
                expect: &[(Dd, 360.0), (Ff, 5.14444), (Vv, 402.336), (T, -2.0), (Td, -3.0), (Qnh, 1014.2262), (Rr(1), 0.08 * 25.4)],
            },
            Case {
                code: "METAR KLAX 151753Z 25010KT 10SM CLR 22/10 A2990 RMK AO2 SLP124 T02220100 10228 20150 70023",
                station: "KLAX",
                kind: ReportKind::Metar,
                time: (15, 17, 53),
                expect: &[
                    (Dd, 250.0),
                    (Ff, 5.14444),
                    (Vv, 16093.44),
                    (T, 22.2),
                    (Td, 10.0),
                    (Qnh, 1012.533),
                    (Pmer, 1012.4),
                    (Tx(6), 22.8),
                    (Tn(6), 15.0),
                    (Rr(24), 0.23 * 25.4),
                ],
            },
        ]
    }

    #[test]
    fn oracle_table() {
        for case in cases() {
            let r = one(case.code);
            assert_eq!(r.station, StationRef::Icao(case.station.to_owned()), "{}", case.code);
            assert_eq!(r.kind, case.kind, "{}", case.code);
            assert_eq!((r.time.day, r.time.hour, r.time.minute), case.time, "{}", case.code);
            let mut got: Vec<String> = r.values.iter().map(|(p, v)| format!("{p}={v:.3}")).collect();
            let mut want: Vec<String> = case.expect.iter().map(|(p, v)| format!("{p}={v:.3}")).collect();
            got.sort();
            want.sort();
            // compare the sets of parameters exactly, and values within 0.011
            let gp: Vec<Param> = {
                let mut v: Vec<Param> = r.values.iter().map(|(p, _)| *p).collect();
                v.sort();
                v
            };
            let wp: Vec<Param> = {
                let mut v: Vec<Param> = case.expect.iter().map(|(p, _)| *p).collect();
                v.sort();
                v
            };
            assert_eq!(gp, wp, "{}\n got {got:?}\nwant {want:?}", case.code);
            for (p, v) in case.expect {
                let g = r.get(*p).unwrap_or(f64::NAN);
                assert!(close(g, *v), "{}: {p} got {g} want {v}", case.code);
            }
        }
    }

    #[test]
    fn spec_examples() {
        let r = one("METAR LFPG 221030Z 24012G25KT 9999 -RA BKN012 OVC030 12/09 Q1008 NOSIG");
        assert_eq!(r.get(Param::Dd), Some(240.0));
        assert!(close(r.get(Param::Ff).unwrap_or(0.0), 12.0 * KTS));
        assert!(close(r.get(Param::Fxi).unwrap_or(0.0), 25.0 * KTS));
        assert_eq!(r.get(Param::Vv), Some(10_000.0));
        assert_eq!(r.get(Param::T), Some(12.0));
        assert_eq!(r.get(Param::Td), Some(9.0));
        assert_eq!(r.get(Param::Qnh), Some(1008.0));
        assert!(!r.auto && !r.nil && !r.correction);

        let r = one("METAR KXYZ 221053Z 18005KT 10SM CLR 12/M01 A2992 RMK AO2 SLP132 P0012 T01221011");
        assert_eq!(r.get(Param::T), Some(12.2));
        assert_eq!(r.get(Param::Td), Some(-1.1));
        assert_eq!(r.get(Param::Pmer), Some(1013.2));
        assert!(close(r.get(Param::Rr(1)).unwrap_or(0.0), 3.048));
    }

    #[test]
    fn nil_auto_cor() {
        let r = one("METAR LFXX 221030Z NIL=");
        assert!(r.nil);
        assert!(r.values.is_empty());
        let r = one("METAR COR LFBO 221030Z AUTO 27005KT CAVOK 10/05 Q1020");
        assert!(r.correction && r.auto);
        let r = one("LFBO 221030Z CCA 27005KT 9999 10/05 Q1020");
        assert!(r.correction);
    }

    #[test]
    fn trend_does_not_overwrite() {
        let r = one("KEWR 101651Z 09010KT 10SM -SN OVC020 23/05 Q1001 TEMPO FM0306 BKN030CU 01030G50KT 1/2SM");
        assert_eq!(r.get(Param::T), Some(23.0));
        assert!(close(r.get(Param::Ff).unwrap_or(0.0), 10.0 * KTS));
        assert_eq!(r.get(Param::Fxi), None);
        assert!(close(r.get(Param::Vv).unwrap_or(0.0), 16093.44));
        // remarks after a trend are still read
        let r = one("KEWR 101651Z 09010KT 10SM OVC020 23/05 A3001 TEMPO 0306 RMK 402500072");
        assert_eq!(r.get(Param::Tx(24)), Some(25.0));
        assert_eq!(r.get(Param::Tn(24)), Some(7.2));
    }

    #[test]
    fn six_hour_precip_needs_a_synoptic_cycle() {
        let (reports, rejected) = parse_bulletin(b"KALO 081354Z AUTO 17027G37KT 10SM FEW030 19/16 A2979 RMK AO2 60014 T01890156");
        let r = reports.first().expect("report");
        assert_eq!(r.get(Param::Rr(6)), None);
        assert_eq!(r.get(Param::Rr(3)), None);
        assert_eq!(rejected.len(), 1);
        assert!(!rejected[0].whole_report);
        let r = one("KALO 082054Z AUTO 17027KT 10SM 19/16 A2979 RMK AO2 60014");
        assert!(close(r.get(Param::Rr(3)).unwrap_or(0.0), 0.14 * 25.4));
    }

    #[test]
    fn bad_groups_are_reported_and_the_rest_kept() {
        let (reports, rejected) = parse_bulletin(b"K9L2 100958Z AUTO 33006KT 10SM CLR M A3007 RMK AO2 SLPNO FZRANO $");
        assert_eq!(reports.len(), 1);
        assert_eq!(reports[0].get(Param::Dd), Some(330.0));
        assert!(reports[0].get(Param::Qnh).is_some());
        assert_eq!(rejected.len(), 1);
        assert_eq!(rejected[0].error, ReportError::UnknownGroup("M".into()));
        let (reports, rejected) = parse_bulletin(b"METAR EDDM 022150Z 26006KT CAVOK 201/16 Q1015");
        assert_eq!(reports.len(), 1);
        assert_eq!(reports[0].get(Param::T), None);
        assert!(matches!(rejected[0].error, ReportError::BadGroup { what: "temperature", .. }));
        let (_, rejected) = parse_bulletin(b"METAR EDDM 022150Z 99906KT CAVOK 20/16 Q1015");
        assert!(matches!(rejected[0].error, ReportError::BadGroup { what: "wind", .. }));
        // text of the message
        let msg = rejected[0].to_string();
        assert!(msg.starts_with("line 1, report 1: invalid wind group \"99906KT\""), "{msg}");
    }

    #[test]
    fn rejected_reports_carry_position() {
        let (reports, rejected) = parse_bulletin(b"KAAA 081354Z 18010KT 9999 10/05 Q1010=\nQQQQ O81354Z AUTO 17027G37KT=\n1QQQ 081354Z AUTO 17027G37KT=\nKBBB 081354Z 18010KT 9999 10/05 Q1010=\n");
        assert_eq!(reports.len(), 2);
        assert_eq!(reports[1].index, 4);
        assert_eq!(reports[1].line, 4);
        assert_eq!(rejected.len(), 2);
        assert_eq!((rejected[0].line, rejected[0].report), (2, 2));
        assert_eq!(rejected[0].error, ReportError::BadTime("O81354Z".into()));
        assert_eq!((rejected[1].line, rejected[1].report), (3, 3));
        assert_eq!(rejected[1].error, ReportError::BadIcao("1QQQ".into()));
    }

    /// The IEM collective `collective.txt` (pyIEM `data/product_examples/METAR/`): reports spread
    /// over indented lines, a sequence number, a GTS heading, a lone `METAR` line and junk.
    #[test]
    fn iem_collective() {
        let text = include_str!("../../tests/fixtures/metar/collective.txt");
        let (reports, rejected) = parse_bulletin(text.as_bytes());
        let ids: Vec<&str> = reports.iter().map(|r| r.station.as_str()).collect();
        assert_eq!(
            ids,
            ["KSPS", "KMIA", "KMIA", "KALO", "PAJN", "RJSK", "KEST", "KAMW", "KAMW", "KALO", "KALO", "QQQQ"],
            "{rejected:#?}"
        );
        let whole: Vec<_> = rejected.iter().filter(|r| r.whole_report).collect();
        assert_eq!(whole.len(), 2, "{rejected:#?}");
        assert_eq!(whole[0].error, ReportError::BadTime("O81354Z".into()));
        assert_eq!(whole[0].line, 32);
        assert_eq!(whole[1].error, ReportError::BadIcao("1QQQ".into()));
        // KSPS: remark line continues the report
        let ksps = &reports[0];
        assert_eq!(ksps.get(Param::T), Some(25.0));
        assert_eq!(ksps.get(Param::Td), Some(16.1));
        assert_eq!(ksps.get(Param::Pmer), Some(1003.6));
        assert_eq!(ksps.line, 5);
        // KAMW: 24-hour extremes on the continuation line
        let kamw = &reports[7];
        assert_eq!(kamw.get(Param::Tx(24)), Some(22.8));
        assert_eq!(kamw.get(Param::Tn(24)), Some(11.7));
        // KALO with 60014 at 13:54: period unknown → group reported, not used
        assert!(rejected.iter().any(|r| !r.whole_report && r.text == "60014"));
    }

    #[test]
    fn nul_bytes_and_control_characters() {
        let text = b"\x01\r\r\n123 \r\r\nSAEA20 HKNC 032100\r\r\nMETAR HKJK 032100Z 23004KT 9999 SCT027 BKN070 17/16 Q1022=\r\r\nMETAR HRYR 032100Z 18005KT \x00150V210 9999 SCT026 SCT100  21/16 Q1021\r\r\n NOSIG=\xff\xfe\r\r\n\x03";
        let (reports, rejected) = parse_bulletin(text);
        assert_eq!(reports.len(), 2, "{rejected:?}");
        assert!(rejected.is_empty(), "{rejected:?}");
        assert_eq!(reports[1].get(Param::T), Some(21.0));
        assert_eq!(reports[1].line, 5);
    }

    #[test]
    fn lines_without_terminators() {
        let text = "LFPG 221030Z 24012KT 9999 12/09 Q1008\nLFPO 221030Z 23010KT 8000 11/08 Q1009\nLFPB 221030Z 22008KT 7000 10/07 Q1010\n";
        let (reports, rejected) = parse_bulletin(text.as_bytes());
        assert!(rejected.is_empty());
        let ids: Vec<&str> = reports.iter().map(|r| r.station.as_str()).collect();
        assert_eq!(ids, ["LFPG", "LFPO", "LFPB"]);
        assert_eq!(reports.iter().map(|r| r.line).collect::<Vec<_>>(), [1, 2, 3]);
    }

    #[test]
    fn speci_header_line_sets_kind() {
        let (reports, _) = parse_bulletin(b"SPECI\nLFPG 221045Z 24012KT 9999 12/09 Q1008=\nMETAR\nLFPG 221100Z 24012KT 9999 12/09 Q1008=");
        assert_eq!(reports[0].kind, ReportKind::Speci);
        assert_eq!(reports[1].kind, ReportKind::Metar);
    }

    #[test]
    fn missing_and_odd_groups() {
        let r = one("LFXX 221030Z /////KT //// ////// //// M05/ Q////");
        assert_eq!(r.values, vec![(Param::T, -5.0)]);
        let r = one("LFXX 221030Z 24012KT 0800 1000NE R26/0600N 12/09 Q1008");
        assert_eq!(r.get(Param::Vv), Some(800.0));
        let r = one("ENXX 221030Z 240P49MPS 9999 12/09 Q1008");
        assert_eq!(r.get(Param::Ff), Some(49.0));
        let r = one("LFXX 221030Z 00000KT 9999 12/09 Q1008");
        assert_eq!(r.get(Param::Ff), Some(0.0));
        assert_eq!(r.get(Param::Dd), None);
        let r = one("LFXX 221030Z 24012KT 9999 12/09 Q1008 RMK T0122 WS R23");
        assert_eq!(r.get(Param::T), Some(12.2));
        assert_eq!(r.get(Param::Td), Some(9.0));
    }

    #[test]
    fn time_resolution() {
        // 2025-11-22T10:30:00Z = 1763807400
        let reference = 1_763_807_400;
        assert_eq!(resolve(22, 10, 30, reference), Some(reference));
        // later the same day, within the tolerance: still this month
        assert_eq!(resolve(22, 11, 0, reference), Some(reference + 1800));
        // beyond the tolerance: last month (2025-10-22T12:00Z)
        assert_eq!(resolve(22, 12, 0, reference), Some(1_761_134_400));
        assert_eq!(resolve_with_tolerance(22, 10, 31, reference, 0), Some(1_761_129_060));
        // day 31 read on 1 March 2025 → 31 January 2025
        let march_1 = 1_740_787_200; // 2025-03-01T00:00:00Z
        assert_eq!(resolve(31, 6, 0, march_1), Some(1_738_303_200));
        // 29 February 2024 exists
        let mar_1_2024 = 1_709_251_200;
        assert_eq!(resolve(29, 0, 0, mar_1_2024), Some(1_709_164_800));
        // new year
        let jan_1 = 1_735_689_600; // 2025-01-01T00:00:00Z
        assert_eq!(resolve(31, 23, 0, jan_1), Some(jan_1 - 3600));
        assert_eq!(resolve(0, 0, 0, jan_1), None);
        assert_eq!(resolve(1, 24, 0, jan_1), None);
        assert_eq!(resolve(1, 0, 60, jan_1), None);
        assert_eq!(resolve(1, 0, 0, i64::MAX), None);
        let r = one("LFPG 221030Z 24012KT 9999 12/09 Q1008");
        assert_eq!(r.time.resolve(reference), Some(reference));
    }

    #[test]
    fn param_codes_round_trip() {
        for p in [Param::T, Param::Rr(1), Param::Rr(24), Param::Tx(12), Param::Tn(6), Param::FxiPeriod(6), Param::Fxi, Param::NeigeTot, Param::CodTend] {
            assert_eq!(Param::parse(&p.code()), Some(p));
        }
        assert_eq!(Param::Rr(6).to_string(), "RR6");
        assert_eq!(Param::parse("RR0"), None);
        assert_eq!(Param::parse("RR"), None);
        assert_eq!(Param::parse("X"), None);
        assert_eq!(serde_json::to_string(&(Param::Tx(12), 1.5)).ok().as_deref(), Some("[\"TX12\",1.5]"));
    }

    fn temp_text(v: i32) -> String {
        if v < 0 {
            format!("M{:02}", -v)
        } else {
            format!("{v:02}")
        }
    }

    proptest! {
        #[test]
        fn never_panics_on_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
            let _ = parse_bulletin(&bytes);
        }

        #[test]
        fn never_panics_on_group_soup(text in "((METAR|SPECI|RMK|COR|AUTO|NIL|CAVOK|TEMPO|[A-Z]{4}|[0-9]{6}Z|[0-9VRB/]{3}[0-9P/]{2,3}(G[0-9]{2})?(KT|MPS|KMH)|[0-9/]{4}|[MP]?[0-9 /]{1,5}SM|M?[0-9]{1,3}/M?[0-9]{0,3}|[QA][0-9/]{4}|SLP[0-9]{3}|T[0-9]{4,8}|[0-9]{5}|4/[0-9]{3}|[A-Z0-9/+-]{1,9}|=|\n) ){0,40}") {
            let (reports, rejected) = parse_bulletin(text.as_bytes());
            for r in &reports {
                prop_assert!(r.index >= 1);
                for (_, v) in &r.values {
                    prop_assert!(v.is_finite());
                }
            }
            for r in &rejected {
                prop_assert!(r.line >= 1 && r.report >= 1);
                let _ = r.to_string();
            }
        }

        #[test]
        fn whole_degree_temperatures_round_trip(t in -99i32..=99, td in -99i32..=99) {
            let r = one(&format!("LFPG 221030Z 24012KT 9999 {}/{} Q1008", temp_text(t), temp_text(td)));
            prop_assert_eq!(r.get(Param::T), Some(f64::from(t)));
            prop_assert_eq!(r.get(Param::Td), Some(f64::from(td)));
        }

        #[test]
        fn tenths_temperatures_round_trip(t in -999i32..=999, td in -999i32..=999) {
            let s = |v: i32| format!("{}{:03}", if v < 0 { 1 } else { 0 }, v.abs());
            let r = one(&format!("KXYZ 221030Z 24012KT 10SM 00/00 A2992 RMK AO2 T{}{}", s(t), s(td)));
            prop_assert_eq!(r.get(Param::T), Some(f64::from(t) / 10.0));
            prop_assert_eq!(r.get(Param::Td), Some(f64::from(td) / 10.0));
        }

        #[test]
        fn wind_round_trips(dir in 1u32..=36, speed in 0u32..=199, gust in proptest::option::of(0u32..=199), unit in 0usize..3) {
            let (suffix, factor) = [("KT", KTS), ("MPS", 1.0), ("KMH", 1.0 / 3.6)][unit];
            let g = gust.map(|g| format!("G{g:02}")).unwrap_or_default();
            let r = one(&format!("LFPG 221030Z {:03}{speed:02}{g}{suffix} 9999 12/09 Q1008", dir * 10));
            prop_assert_eq!(r.get(Param::Dd), Some(f64::from(dir * 10)));
            prop_assert!((r.get(Param::Ff).unwrap_or(f64::NAN) - f64::from(speed) * factor).abs() < 1e-9);
            prop_assert_eq!(r.get(Param::Fxi).is_some(), gust.is_some());
        }

        #[test]
        fn resolve_lands_on_the_given_day_not_in_the_future(reference in -2_000_000_000i64..4_000_000_000, day in 1u8..=31, hour in 0u8..=23, minute in 0u8..=59) {
            let t = resolve_with_tolerance(day, hour, minute, reference, 0);
            let t = t.expect("always resolvable within 14 months");
            prop_assert!(t <= reference);
            prop_assert!(reference - t < 62 * 86_400 + 86_400);
            let (_, _, d) = civil_from_days(t.div_euclid(86_400));
            prop_assert_eq!(d, u32::from(day));
            prop_assert_eq!(t.rem_euclid(86_400), i64::from(hour) * 3600 + i64::from(minute) * 60);
        }
    }
}
