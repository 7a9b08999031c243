//! SYNOP FM 12, land stations (`AAXX`): single reports and GTS bulletins.
//!
//! Pure Rust, no I/O; output types are shared with the METAR parser ([`super::metar`]). A bulletin
//! holds `AAXX YYGGiw` sections, each followed by station reports ended by `=`; a report may span
//! lines. GTS headings, sequence numbers, `NNNN`, carriage returns, NUL bytes and other junk are
//! skipped. A report that cannot be read is a [`Rejected`] with its line, index and reason; a
//! group that cannot be read is a [`Rejected`] with `whole_report == false` and the rest of the
//! report is kept. Nothing here panics, whatever the input.
//!
//! What is read (values in [`Param`] units; `/` means missing and gives no value):
//! - section 0: `AAXX YYGGiw` (day, hour, wind unit: `iw` 0/1 m/s, 3/4 knots), `IIiii`, `NIL`;
//! - section 1: `iRixhVV` (`VV` → `VV`, code table 4377), `Nddff` (→ `N`, `DD`, `FF`) and `00fff`,
//!   `1snTTT` (→ `T`), `2snTdTdTd` (→ `TD`) or `29UUU` (→ `U`), `3P0P0P0P0` (→ `PSTAT`), `4PPPP`
//!   (→ `PMER`), `5appp` (→ `CODTEND`, `TEND`), `6RRRtR` (→ `RR{h}`, code tables 3590 and 4019),
//!   `7wwW1W2` (→ `WW`, `W1`, `W2`, manned stations' tables 4677/4561), `8NhCLCMCH` (→ `NBAS`,
//!   `CL`, `CM`, `CH`);
//! - section 3: `1snTxTxTx` / `2snTnTnTn` (→ `TX12` / `TN12`, only in 00, 06, 12 and 18 UTC
//!   reports: the 12-hour period is the Region VI practice, other regions differ), `4E'sss`
//!   (→ `NEIGETOT`, 1–996 cm), `55SSS` (→ `INST`), `553SS` (→ `INS`), the global-radiation group
//!   `2FFFF` after them (→ `GLOT` J/cm² per day, `GLO` hourly kJ/m² ÷ 10), `58ppp`/`59ppp`
//!   (→ `TEND24`), `6RRRtR` (→ `RR{h}`), `7R24R24R24R24` (→ `RR24`), `910ff` (→ `FXI`), `911ff`
//!   (→ `FXI{h}`: 6 h at 00/06/12/18 UTC, 3 h at 03/09/15/21, 1 h otherwise, or the period of a
//!   preceding `907tt`) with their `00fff` extension.
//!
//! Skipped (recognised, no value): `h` (cloud base), `4a3hhh` (geopotential), `9GGgg`, weather of
//! automatic stations (`ix` 5–7, code tables 4680/4531), section 2 (sea), section 3 groups `0…`,
//! `3Ejjj`, `5EEEiE`, `54…`, `56…`, `57…`, `5540x`/`5550x`, the radiation groups other than
//! global, `8NsChshs`, other `9SpSpspsp` groups, sections 4 and 5, and `BBXX`/`OOXX` (ship and
//! mobile) messages, which are rejected.
//!
//! Trace of precipitation (`RRR` 990, `R24` 9999) gives 0 mm; `RRR` 989 ("989 mm or more")
//! gives 989; visibility codes give the bound (`00` → 100 m, `89` → 70 km, `90` → 50 m, `99` →
//! 50 km), as pymetdecoder does. Pressure `PPPP` above 5000 is `PPPP`/10 hPa, otherwise
//! `PPPP`/10 + 1000 (pymetdecoder's rule).
//!
//! `fuzz/weather` compiles this file on its own (`#[path]`): use only `super::metar`, `std`, serde
//! and thiserror here, never `crate::` paths.
use super::metar::{all_digits, clip, is_gts_heading, is_transmission_line, join, num, sanitize, signed_tenths, tendency, Tok};
pub use super::metar::{resolve, Param, Rejected, Report, ReportError, ReportKind, ReportTime, StationRef};

const KT: f64 = 0.514_444;

/// Parses a text holding one SYNOP report (with its `AAXX YYGGiw` line) or a bulletin.
pub fn parse_bulletin(input: &[u8]) -> (Vec<Report>, Vec<Rejected>) {
    let text = sanitize(input);
    let mut out = Out { reports: Vec::new(), rejected: Vec::new(), index: 0 };
    let mut section = Section::None;
    // After `AAXX`, the next group is the section's `YYGGiw`.
    let mut expecting_header = false;
    let mut current: Vec<Tok<'_>> = Vec::new();

    for (n, line) in text.split('\n').enumerate() {
        let line_no = n + 1;
        let words: Vec<&str> = line.split_whitespace().collect();
        if words.is_empty() {
            continue;
        }
        let heading = is_gts_heading(&words);
        // A lone three-digit line is a sequence number only outside reports (`333` is not).
        let sequence = is_transmission_line(&words) && (matches!(section, Section::None) || (words != ["333"] && current.is_empty()));
        if heading || sequence {
            out.flush(&mut current, &section);
            if heading {
                section = Section::None;
                expecting_header = false;
            }
            continue;
        }
        for word in words {
            let mut parts = word.split('=').peekable();
            while let Some(part) = parts.next() {
                if !part.is_empty() {
                    let tok = Tok { text: part, line: line_no };
                    if expecting_header {
                        expecting_header = false;
                        section = header(part);
                    } else if part == "AAXX" {
                        out.flush(&mut current, &section);
                        expecting_header = true;
                    } else if part == "BBXX" || part == "OOXX" {
                        out.flush(&mut current, &section);
                        section = Section::Unsupported(part.to_owned());
                    } else {
                        current.push(tok);
                    }
                }
                if parts.peek().is_some() {
                    if expecting_header {
                        expecting_header = false;
                        section = Section::Invalid(ReportError::BadSectionHeader { group: "AAXX".into(), reason: "YYGGiw is missing" });
                    }
                    out.flush(&mut current, &section);
                }
            }
        }
    }
    out.flush(&mut current, &section);
    (out.reports, out.rejected)
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
            error: ReportError::BadSectionHeader { group: String::new(), reason: "no AAXX report found" },
        }));
    }
    Ok(reports.swap_remove(0))
}

#[derive(Clone, Copy, Debug, PartialEq)]
struct Header {
    day: u8,
    hour: u8,
    /// m/s per unit of the report's wind speeds; `None` when `iw` is missing or invalid.
    wind_factor: Option<f64>,
}

enum Section {
    None,
    Land(Header),
    Invalid(ReportError),
    Unsupported(String),
}

/// `YYGGiw`.
fn header(g: &str) -> Section {
    let bad = |reason| Section::Invalid(ReportError::BadSectionHeader { group: clip(g, 40), reason });
    if g.len() != 5 {
        return bad("YYGGiw must have five characters");
    }
    let (Some(day), Some(hour)) = (g.get(0..2).and_then(num), g.get(2..4).and_then(num)) else {
        return bad("day and hour must be digits");
    };
    if !(1..=31).contains(&day) {
        return bad("the day must be 01 to 31");
    }
    if hour > 23 {
        return bad("the hour must be 00 to 23");
    }
    let wind_factor = match g.get(4..5) {
        Some("0" | "1") => Some(1.0),
        Some("3" | "4") => Some(KT),
        _ => None,
    };
    Section::Land(Header { day: day as u8, hour: hour as u8, wind_factor })
}

struct Out {
    reports: Vec<Report>,
    rejected: Vec<Rejected>,
    index: usize,
}

impl Out {
    fn flush(&mut self, toks: &mut Vec<Tok<'_>>, section: &Section) {
        if toks.is_empty() {
            return;
        }
        self.index += 1;
        let error = match section {
            Section::Land(h) => {
                if let Some(r) = parse_report(*h, toks, self.index, &mut self.rejected) {
                    self.reports.push(r);
                }
                None
            }
            Section::None => Some(ReportError::NoSection),
            Section::Invalid(e) => Some(e.clone()),
            Section::Unsupported(kind) => Some(ReportError::Unsupported(kind.clone())),
        };
        if let Some(error) = error {
            let line = toks.first().map_or(1, |t| t.line);
            self.rejected.push(Rejected { line, report: self.index, whole_report: true, text: join(toks), error });
        }
        toks.clear();
    }
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
    fn not_used(&mut self, tok: &Tok<'_>, what: &'static str, reason: &'static str) {
        self.push(tok, ReportError::NotUsed { what, group: clip(tok.text, 40), reason });
    }
}

/// A group of five digits or slashes.
fn is_group(g: &str) -> bool {
    g.len() == 5 && g.bytes().all(|b| b.is_ascii_digit() || b == b'/')
}

fn digit(g: &str, i: usize) -> Option<u8> {
    g.as_bytes().get(i).filter(|b| b.is_ascii_digit()).map(|b| b - b'0')
}

/// Digits `i..j` of a group; `None` when any is a slash (missing).
fn field(g: &str, i: usize, j: usize) -> Option<u32> {
    g.get(i..j).and_then(num)
}

/// Horizontal visibility, code table 4377, in metres (the bound for open-ended codes).
fn visibility(code: u32) -> Option<f64> {
    let m = match code {
        0 => 100,
        1..=50 => code * 100,
        51..=55 => return None,
        56..=80 => (code - 50) * 1000,
        81..=88 => (code - 74) * 5000,
        89 => 70_000,
        90 => 50,
        91 => 50,
        92 => 200,
        93 => 500,
        94 => 1000,
        95 => 2000,
        96 => 4000,
        97 => 10_000,
        98 => 20_000,
        99 => 50_000,
        _ => return None,
    };
    Some(f64::from(m))
}

/// `PPPP` in tenths of hPa without the thousands.
fn pressure(raw: u32) -> f64 {
    let v = f64::from(raw) / 10.0;
    if raw > 5000 {
        v
    } else {
        v + 1000.0
    }
}

/// Period in hours of code table 4019.
fn precip_period(t: u8) -> Option<u8> {
    match t {
        1 => Some(6),
        2 => Some(12),
        3 => Some(18),
        4 => Some(24),
        5 => Some(1),
        6 => Some(2),
        7 => Some(3),
        8 => Some(9),
        9 => Some(15),
        _ => None,
    }
}

/// `6RRRtR`: `Ok(None)` when the amount is missing.
fn precipitation(g: &str) -> Result<Option<(u8, f64)>, &'static str> {
    let Some(rrr) = field(g, 1, 4) else { return Ok(None) };
    let period = digit(g, 4).and_then(precip_period).ok_or("tR must be 1 to 9 (code table 4019)")?;
    let mm = match rrr {
        0..=989 => f64::from(rrr),
        990 => 0.0,
        _ => f64::from(rrr - 990) / 10.0,
    };
    Ok(Some((period, mm)))
}

/// Signed temperature `snTTT` at positions 1..5; `Ok(None)` when missing.
fn temperature(g: &str) -> Result<Option<f64>, &'static str> {
    let Some(sign) = g.as_bytes().get(1).copied() else { return Ok(None) };
    if sign == b'/' || g.get(2..5).is_none_or(|t| t.contains('/')) {
        return Ok(None);
    }
    g.get(2..5).and_then(|t| signed_tenths(sign, t)).map(Some).ok_or("the sign digit must be 0 or 1")
}

/// The hours of the past-weather period, by which `911ff` is reported (WMO Reg. 12.2.6.6.1;
/// hourly otherwise, as pymetdecoder assumes).
fn default_gust_period(hour: u8) -> u8 {
    match hour % 6 {
        0 => 6,
        3 => 3,
        _ => 1,
    }
}

/// `907tt` (code table 4077) in whole hours.
fn period_4077(tt: u32) -> Option<u8> {
    match tt {
        10 | 20 | 30 | 40 | 50 | 60 => Some((tt / 10) as u8),
        61..=66 => Some((tt - 54) as u8),
        _ => None,
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Radiation {
    /// After `553SS`: the past hour, kJ/m².
    Hourly,
    /// After `55SSS`: the past 24 hours, J/cm².
    Daily,
    /// After `5540x`, `55/…`: skipped.
    Other,
}

fn parse_report(h: Header, toks: &[Tok<'_>], index: usize, rejected: &mut Vec<Rejected>) -> Option<Report> {
    let start_line = toks.first().map_or(1, |t| t.line);
    let reject = |rejected: &mut Vec<Rejected>, error: ReportError| {
        rejected.push(Rejected { line: start_line, report: index, whole_report: true, text: join(toks), error });
    };
    let station = toks.first()?;
    if station.text.len() != 5 || !all_digits(station.text) {
        reject(rejected, ReportError::BadWmoStation(clip(station.text, 40)));
        return None;
    }
    let mut report = Report {
        kind: ReportKind::Synop,
        station: StationRef::Wmo(station.text.to_owned()),
        time: ReportTime { day: h.day, hour: h.hour, minute: 0 },
        auto: false,
        correction: false,
        nil: false,
        values: Vec::new(),
        line: start_line,
        index,
    };
    let rest = toks.get(1..).unwrap_or_default();
    match rest.first() {
        Some(t) if t.text == "NIL" => {
            report.nil = true;
            return Some(report);
        }
        None => {
            reject(rejected, ReportError::Truncated("iRixhVV group"));
            return None;
        }
        Some(_) => {}
    }
    let mut issues = Issues { report: index, out: rejected };
    parse_sections(h, rest, &mut report, &mut issues);
    Some(report)
}

struct State {
    /// `iR`: where the precipitation groups are (code table 1819); `None` if unknown.
    ir: Option<u8>,
    /// `ix`: station type and weather-group content (code table 1860); `None` if unknown.
    ix: Option<u8>,
}

fn parse_sections(h: Header, toks: &[Tok<'_>], report: &mut Report, issues: &mut Issues<'_>) {
    let mut st = State { ir: None, ix: None };
    let mut i = 0;

    // iRixhVV
    if let Some(tok) = toks.get(i) {
        i += 1;
        let g = tok.text;
        if !is_group(g) {
            issues.bad(tok, "iRixhVV", "a group has five digits or slashes");
        } else {
            st.ir = digit(g, 0).filter(|d| *d <= 4);
            st.ix = digit(g, 1).filter(|d| (1..=7).contains(d));
            if g.get(0..1) != Some("/") && st.ir.is_none() || g.get(1..2) != Some("/") && st.ix.is_none() {
                issues.bad(tok, "iRixhVV", "iR must be 0–4 and ix 1–7");
            }
            report.auto = st.ix.is_some_and(|x| x >= 4);
            if let Some(vv) = field(g, 3, 5) {
                match visibility(vv) {
                    Some(m) => report.set(Param::Vv, m),
                    None => issues.bad(tok, "visibility", "codes 51–55 are not used (code table 4377)"),
                }
            }
        }
    }

    // Nddff (00fff)
    if let Some(tok) = toks.get(i) {
        i += 1;
        let g = tok.text;
        if !is_group(g) {
            issues.bad(tok, "Nddff", "a group has five digits or slashes");
        } else {
            if let Some(n) = digit(g, 0) {
                report.set(Param::N, f64::from(n));
            }
            match field(g, 1, 3) {
                None | Some(0) | Some(99) => {}
                Some(dd @ 1..=36) => report.set(Param::Dd, f64::from(dd * 10)),
                Some(_) => issues.bad(tok, "wind direction", "dd must be 00, 01–36 or 99 (code table 0877)"),
            }
            let mut ff = field(g, 3, 5);
            if ff == Some(99) {
                if let Some(next) = toks.get(i).filter(|t| is_group(t.text) && t.text.starts_with("00")) {
                    i += 1;
                    ff = field(next.text, 2, 5);
                }
            }
            if let Some(ff) = ff {
                match h.wind_factor {
                    Some(f) => report.set(Param::Ff, f64::from(ff) * f),
                    None => issues.not_used(tok, "wind speed", "the section's iw does not give the wind unit"),
                }
            }
        }
    }

    let mut section = 1u8;
    // Section 1: the indicator of the last group read (groups come in increasing order).
    let mut last1 = 0u8;
    // Section 3: same, and the radiation mode after a 55 group.
    let mut last3 = 0u8;
    let mut radiation: Option<Radiation> = None;
    let mut gust_period = default_gust_period(h.hour);
    while let Some(tok) = toks.get(i) {
        i += 1;
        let g = tok.text;
        match g {
            "333" => {
                section = 3;
                continue;
            }
            "444" => {
                section = 4;
                continue;
            }
            "555" => {
                section = 5;
                continue;
            }
            _ if section == 1 && g.len() == 5 && g.starts_with("222") => {
                section = 2;
                continue;
            }
            _ => {}
        }
        if section == 2 || section >= 4 {
            continue;
        }
        if !is_group(g) {
            issues.bad(tok, "SYNOP", "a group has five digits or slashes");
            continue;
        }
        let Some(ind) = digit(g, 0) else {
            continue; // `/////`: a missing group
        };
        if section == 1 {
            if ind <= last1 {
                issues.push(tok, ReportError::OutOfOrder { group: g.to_owned(), section: 1 });
                continue;
            }
            last1 = ind;
            section1(&st, tok, ind, report, issues);
            continue;
        }
        // Section 3.
        if let Some(mode) = radiation {
            if ind <= 4 {
                if ind == 2 {
                    if let Some(v) = field(g, 1, 5) {
                        match mode {
                            Radiation::Hourly => report.set(Param::Glo, f64::from(v) / 10.0),
                            Radiation::Daily => report.set(Param::Glot, f64::from(v)),
                            Radiation::Other => {}
                        }
                    }
                }
                continue;
            }
            radiation = None;
        }
        if ind < last3 {
            issues.push(tok, ReportError::OutOfOrder { group: g.to_owned(), section: 3 });
            continue;
        }
        last3 = ind;
        match ind {
            1 | 2 => match temperature(g) {
                Err(reason) => issues.bad(tok, if ind == 1 { "maximum temperature" } else { "minimum temperature" }, reason),
                Ok(None) => {}
                Ok(Some(_)) if !matches!(h.hour, 0 | 6 | 12 | 18) => issues.not_used(
                    tok,
                    if ind == 1 { "maximum temperature" } else { "minimum temperature" },
                    "its period is only known for 00, 06, 12 and 18 UTC reports",
                ),
                Ok(Some(v)) => report.set(if ind == 1 { Param::Tx(12) } else { Param::Tn(12) }, v),
            },
            4 => {
                if let Some(sss @ 1..=996) = field(g, 2, 5) {
                    report.set(Param::NeigeTot, f64::from(sss));
                }
            }
            5 => match (g.get(1..2), g.get(2..3)) {
                (Some("5"), Some("0" | "1" | "2")) => {
                    radiation = Some(Radiation::Daily);
                    match field(g, 2, 5) {
                        Some(sss @ 0..=240) => report.set(Param::Inst, f64::from(sss * 6)),
                        Some(_) => issues.bad(tok, "sunshine", "more than 24.0 hours"),
                        None => {}
                    }
                }
                (Some("5"), Some("3")) => {
                    radiation = Some(Radiation::Hourly);
                    match field(g, 3, 5) {
                        Some(ss @ 0..=10) => report.set(Param::Ins, f64::from(ss * 6)),
                        Some(_) => issues.bad(tok, "sunshine", "more than 1.0 hour in the past hour"),
                        None => {}
                    }
                }
                (Some("5"), _) => radiation = Some(Radiation::Other),
                (Some(s @ ("8" | "9")), _) => {
                    if let Some(p) = field(g, 2, 5) {
                        let v = f64::from(p) / 10.0;
                        report.set(Param::Tend24, if s == "9" { -v } else { v });
                    }
                }
                _ => {}
            },
            6 => precip_group(&st, tok, 3, report, issues),
            7 => {
                if let Some(r) = field(g, 1, 5) {
                    report.set(Param::Rr(24), if r == 9999 { 0.0 } else { f64::from(r) / 10.0 });
                }
            }
            9 => match (g.get(1..3), field(g, 3, 5)) {
                (Some("07"), Some(tt)) => match period_4077(tt) {
                    Some(p) => gust_period = p,
                    None => issues.not_used(tok, "907tt", "the period is not a whole number of hours"),
                },
                (Some(k @ ("10" | "11")), Some(ff)) => {
                    let mut ff = ff;
                    if ff == 99 {
                        if let Some(next) = toks.get(i).filter(|t| is_group(t.text) && t.text.starts_with("00")) {
                            i += 1;
                            if let Some(v) = field(next.text, 2, 5) {
                                ff = v;
                            }
                        }
                    }
                    match h.wind_factor {
                        Some(f) => report.set(if k == "10" { Param::Fxi } else { Param::FxiPeriod(gust_period) }, f64::from(ff) * f),
                        None => issues.not_used(tok, "gust", "the section's iw does not give the wind unit"),
                    }
                }
                _ => {}
            },
            _ => {}
        }
    }
}

fn section1(st: &State, tok: &Tok<'_>, ind: u8, report: &mut Report, issues: &mut Issues<'_>) {
    let g = tok.text;
    match ind {
        1 => match temperature(g) {
            Ok(Some(v)) => report.set(Param::T, v),
            Ok(None) => {}
            Err(reason) => issues.bad(tok, "air temperature", reason),
        },
        2 if g.get(1..2) == Some("9") => match field(g, 2, 5) {
            Some(u @ 0..=100) => report.set(Param::U, f64::from(u)),
            Some(_) => issues.bad(tok, "relative humidity", "above 100 %"),
            None => {}
        },
        2 => match temperature(g) {
            Ok(Some(v)) => report.set(Param::Td, v),
            Ok(None) => {}
            Err(reason) => issues.bad(tok, "dew point", reason),
        },
        3 => {
            if let Some(p) = field(g, 1, 5) {
                report.set(Param::Pstat, pressure(p));
            }
        }
        4 => match g.get(1..2) {
            Some("0" | "9") => {
                if let Some(p) = field(g, 1, 5) {
                    report.set(Param::Pmer, pressure(p));
                }
            }
            Some("/" | "1" | "2" | "5" | "7" | "8") => {} // missing, or 4a3hhh geopotential
            _ => issues.bad(tok, "sea-level pressure", "4PPPP must start 40 or 49, 4a3hhh 41, 42, 45, 47 or 48"),
        },
        5 => match digit(g, 1) {
            Some(a @ 0..=8) => {
                report.set(Param::CodTend, f64::from(a));
                if let Some(ppp) = field(g, 2, 5) {
                    report.set(Param::Tend, tendency(a, ppp));
                }
            }
            Some(_) => issues.bad(tok, "pressure tendency", "the characteristic a must be 0 to 8 (code table 0200)"),
            None => {}
        },
        6 => precip_group(st, tok, 1, report, issues),
        7 => {
            if st.ix.is_some_and(|x| x >= 5) {
                issues.not_used(tok, "present weather", "automatic-station codes (tables 4680/4531) are not decoded");
                return;
            }
            if let Some(ww) = field(g, 1, 3) {
                report.set(Param::Ww, f64::from(ww));
            }
            if let Some(w1) = digit(g, 3) {
                report.set(Param::W1, f64::from(w1));
            }
            if let Some(w2) = digit(g, 4) {
                report.set(Param::W2, f64::from(w2));
            }
        }
        8 => {
            for (i, p) in [Param::Nbas, Param::Cl, Param::Cm, Param::Ch].into_iter().enumerate() {
                if let Some(v) = digit(g, i + 1) {
                    report.set(p, f64::from(v));
                }
            }
        }
        _ => {} // 9GGgg: exact observation time, not used
    }
}

/// `6RRRtR` in section 1 or 3, checked against `iR` (0: both sections, 1: section 1, 2:
/// section 3, 3 and 4: neither), as pymetdecoder does.
fn precip_group(st: &State, tok: &Tok<'_>, section: u8, report: &mut Report, issues: &mut Issues<'_>) {
    let expected = match st.ir {
        None | Some(0) => true,
        Some(1) => section == 1,
        Some(2) => section == 3,
        Some(_) => false,
    };
    if !expected {
        issues.not_used(tok, "precipitation", "iR says this section has no precipitation group");
        return;
    }
    match precipitation(tok.text) {
        Ok(Some((period, mm))) => report.set(Param::Rr(period), mm),
        Ok(None) => {}
        Err(reason) => issues.bad(tok, "precipitation", reason),
    }
}

// ---------------------------------------------------------------------------------------------
// Tests
// ---------------------------------------------------------------------------------------------

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const CONGO: &str = include_str!("../../tests/fixtures/synop/SICG20FCBB_202308.txt");
    const ROMANIA_12: &str = include_str!("../../tests/fixtures/synop/A_SMRO01YRBK171200_C_EDZW_20230117120502_51362175.txt");
    const ROMANIA_18: &str = include_str!("../../tests/fixtures/synop/A_SMRO01YRBK171800_C_EDZW_20230117180502_51662689.txt");

    fn one(text: &str) -> Report {
        match parse(text) {
            Ok(r) => r,
            Err(e) => panic!("{text}: {e}"),
        }
    }

    fn find<'a>(reports: &'a [Report], station: &str) -> &'a Report {
        reports.iter().find(|r| r.station.as_str() == station).unwrap_or_else(|| panic!("no report from {station}"))
    }

    /// Compares the whole set of values with the expectations (within 1e-6).
    fn assert_values(r: &Report, expect: &[(Param, f64)]) {
        let mut got: Vec<(String, f64)> = r.values.iter().map(|(p, v)| (p.to_string(), *v)).collect();
        let mut want: Vec<(String, f64)> = expect.iter().map(|(p, v)| (p.to_string(), *v)).collect();
        got.sort_by(|a, b| a.0.cmp(&b.0));
        want.sort_by(|a, b| a.0.cmp(&b.0));
        let same = got.len() == want.len() && got.iter().zip(&want).all(|(g, w)| g.0 == w.0 && (g.1 - w.1).abs() < 1e-6);
        assert!(same, "{}\n got {got:?}\nwant {want:?}", r.station.as_str());
    }

    const KTS: f64 = 0.514444;

    /// The spec's example. pymetdecoder 0.2.2 (`synop.SYNOP().decode(msg)`): wind_indicator 4
    /// (KT), visibility 40000 m, cloud_cover 6, direction 150, speed 6 KT, air 9.4, dewpoint 4.7,
    /// station 1011.1, sea level 1019.7, tendency 3 / 0.7, precipitation_s1 0 mm over 6 h, cloud
    /// types CL 5 CM 4 CH 1 with low-cloud amount 1.
    #[test]
    fn spec_example() {
        let r = one("AAXX 01004 88889 12782 61506 10094 20047 30111 40197 53007 60001 81541 333 81656 86070");
        assert_eq!(r.kind, ReportKind::Synop);
        assert_eq!(r.station, StationRef::Wmo("88889".into()));
        assert_eq!(r.time, ReportTime { day: 1, hour: 0, minute: 0 });
        use Param::*;
        assert_values(
            &r,
            &[
                (Vv, 40000.0),
                (N, 6.0),
                (Dd, 150.0),
                (Ff, 6.0 * KTS),
                (T, 9.4),
                (Td, 4.7),
                (Pstat, 1011.1),
                (Pmer, 1019.7),
                (CodTend, 3.0),
                (Tend, 0.7),
                (Rr(6), 0.0),
                (Nbas, 1.0),
                (Cl, 5.0),
                (Cm, 4.0),
                (Ch, 1.0),
            ],
        );
    }

    /// Real reports, expected values from pymetdecoder 0.2.2 run on each report of the bulletin
    /// (prefixed with its `AAXX YYGGiw`), mapped to parameters by
    /// `tests/fixtures/synop/flatten_pymetdecoder.py` (wind speeds × 0.514444 when iw = 3/4;
    /// N 9 where pymetdecoder says "obscured"; GLO = kJ/m² ÷ 10; INS = hours × 60).
    #[test]
    fn real_reports_literal() {
        use Param::*;
        let (r12, rej12) = parse_bulletin(ROMANIA_12.as_bytes());
        let (r18, rej18) = parse_bulletin(ROMANIA_18.as_bytes());
        let (congo, rejc) = parse_bulletin(CONGO.as_bytes());
        assert!(rej12.iter().chain(&rej18).chain(&rejc).all(|r| !r.whole_report));
        // 15015 17 Jan 2023 12 UTC: 15015 01597 71702 10057 20036 39390 42628 50004 60021 78082
        // 87300 333 4/000 55304 0//// 20643 3//// 69977 91003 91108=
        assert_values(
            find(&r12, "15015"),
            &[
                (Vv, 10000.0),
                (N, 7.0),
                (Dd, 170.0),
                (Ff, 2.0),
                (T, 5.7),
                (Td, 3.6),
                (Pstat, 939.0),
                (CodTend, 0.0),
                (Tend, 0.4),
                (Rr(6), 2.0),
                (Ww, 80.0),
                (W1, 8.0),
                (W2, 2.0),
                (Nbas, 7.0),
                (Cl, 3.0),
                (Cm, 0.0),
                (Ch, 0.0),
                (Ins, 24.0),
                (Glo, 64.3),
                (Rr(3), 0.7),
                (Fxi, 3.0),
                (FxiPeriod(6), 8.0),
            ],
        );
        // 15108 (mountain): 01/92 92514 11028 21028 37901 48315 50001 69941 77174 333 48013 55300
        // 0//// 20270 3//// 69947 91020 911// 92727 92913 96047
        assert_values(
            find(&r12, "15108"),
            &[
                (Vv, 200.0),
                (N, 9.0),
                (Dd, 250.0),
                (Ff, 14.0),
                (T, -2.8),
                (Td, -2.8),
                (Pstat, 790.1),
                (CodTend, 0.0),
                (Tend, 0.1),
                (Rr(6), 0.4),
                (Ww, 71.0),
                (W1, 7.0),
                (W2, 4.0),
                (NeigeTot, 13.0),
                (Ins, 0.0),
                (Glo, 27.0),
                (Rr(3), 0.4),
                (Fxi, 20.0),
            ],
        );
        // 15280: 01/90 92518 11047 21054 37334 47872 51004 60001 74143 333 49070 55300 0//// 20000
        // 3//// 60007 91026 911// 92956
        assert_values(
            find(&r12, "15280"),
            &[
                (Vv, 50.0),
                (N, 9.0),
                (Dd, 250.0),
                (Ff, 18.0),
                (T, -4.7),
                (Td, -5.4),
                (Pstat, 733.4),
                (CodTend, 1.0),
                (Tend, 0.4),
                (Rr(6), 0.0),
                (Ww, 41.0),
                (W1, 4.0),
                (W2, 3.0),
                (NeigeTot, 70.0),
                (Ins, 0.0),
                (Glo, 0.0),
                (Rr(3), 0.0),
                (Fxi, 26.0),
            ],
        );
        // 15360 with a section 2: … 86070 222// 06070 20503 333 55303 ///// 20758 3//// 60007 91011
        // 91112 92447
        assert_values(
            find(&r12, "15360"),
            &[
                (Vv, 10000.0),
                (N, 6.0),
                (Dd, 190.0),
                (Ff, 10.0),
                (T, 9.8),
                (Td, 7.7),
                (Pstat, 1003.0),
                (Pmer, 1004.6),
                (CodTend, 7.0),
                (Tend, -0.9),
                (Rr(6), 0.0),
                (Nbas, 6.0),
                (Cl, 0.0),
                (Cm, 7.0),
                (Ch, 0.0),
                (Ins, 18.0),
                (Glo, 75.8),
                (Rr(3), 0.0),
                (Fxi, 11.0),
                (FxiPeriod(6), 12.0),
            ],
        );
        // 15450: 01596 70203 10078 20054 39792 40025 50001 69911 71086 84530 333 55306 00537 21202
        // 30592 69907 91004 91105 (radiation groups 0, 2, 3 after 553SS; trace in section 3)
        assert_values(
            find(&r12, "15450"),
            &[
                (Vv, 4000.0),
                (N, 7.0),
                (Dd, 20.0),
                (Ff, 3.0),
                (T, 7.8),
                (Td, 5.4),
                (Pstat, 979.2),
                (Pmer, 1002.5),
                (CodTend, 0.0),
                (Tend, 0.1),
                (Rr(6), 0.1),
                (Ww, 10.0),
                (W1, 8.0),
                (W2, 6.0),
                (Nbas, 4.0),
                (Cl, 5.0),
                (Cm, 3.0),
                (Ch, 0.0),
                (Ins, 36.0),
                (Glo, 120.2),
                (Rr(3), 0.0),
                (Fxi, 4.0),
                (FxiPeriod(6), 5.0),
            ],
        );
        // 15480: automatic (ix 5) with a 7 group, section 2 spread over lines.
        assert_values(
            find(&r12, "15480"),
            &[
                (Vv, 10000.0),
                (N, 4.0),
                (Dd, 210.0),
                (Ff, 4.0),
                (T, 14.6),
                (Td, 9.2),
                (Pstat, 1002.3),
                (Pmer, 1004.0),
                (CodTend, 7.0),
                (Tend, -1.5),
                (Rr(6), 0.0),
                (Nbas, 2.0),
                (Cl, 0.0),
                (Cm, 3.0),
                (Ch, 1.0),
                (Ins, 54.0),
                (Glo, 127.5),
                (Rr(3), 0.0),
                (Fxi, 10.0),
                (FxiPeriod(6), 12.0),
            ],
        );
        assert!(find(&r12, "15480").auto);
        // 15015 at 18 UTC: 82700 … 60022 70282 8657/ 333 10066 20029 31010 4/000 55300 0//// 20000
        // 3//// 69917 91002 91104
        assert_values(
            find(&r18, "15015"),
            &[
                (Vv, 20000.0),
                (N, 8.0),
                (Dd, 270.0),
                (Ff, 0.0),
                (T, 3.9),
                (Td, 2.6),
                (Pstat, 939.7),
                (CodTend, 8.0),
                (Tend, -0.6),
                (Rr(12), 2.0),
                (Ww, 2.0),
                (W1, 8.0),
                (W2, 2.0),
                (Nbas, 6.0),
                (Cl, 5.0),
                (Cm, 7.0),
                (Tx(12), 6.6),
                (Tn(12), 2.9),
                (Ins, 0.0),
                (Glo, 0.0),
                (Rr(3), 0.1),
                (Fxi, 2.0),
                (FxiPeriod(6), 4.0),
            ],
        );
        // 15108 at 18 UTC: 22710 11024 21040 … 333 11021 21036 3//// 48014 55300 …
        assert_values(
            find(&r18, "15108"),
            &[
                (Vv, 50000.0),
                (N, 2.0),
                (Dd, 270.0),
                (Ff, 10.0),
                (T, -2.4),
                (Td, -4.0),
                (Pstat, 792.5),
                (CodTend, 2.0),
                (Tend, 2.2),
                (Rr(12), 0.7),
                (Ww, 36.0),
                (W1, 7.0),
                (W2, 4.0),
                (Nbas, 1.0),
                (Cl, 5.0),
                (Cm, 4.0),
                (Ch, 0.0),
                (Tx(12), -2.1),
                (Tn(12), -3.6),
                (NeigeTot, 14.0),
                (Ins, 0.0),
                (Glo, 0.0),
                (Rr(3), 0.0),
                (Fxi, 16.0),
            ],
        );
        // Congo, knots (iw = 4): 64400 42460 71004 10285 20245 30113 40133 8493/ 333 59005 …
        assert_values(
            find(&congo, "64400"),
            &[
                (Vv, 10000.0),
                (N, 7.0),
                (Dd, 100.0),
                (Ff, 4.0 * KTS),
                (T, 28.5),
                (Td, 24.5),
                (Pstat, 1011.3),
                (Pmer, 1013.3),
                (Nbas, 4.0),
                (Cl, 9.0),
                (Cm, 3.0),
                (Tend24, -0.5),
            ],
        );
        // Calm: 64401 42460 60000 10266 20225 39760 40129 85230 333 59001 …
        assert_values(
            find(&congo, "64401"),
            &[
                (Vv, 10000.0),
                (N, 6.0),
                (Ff, 0.0),
                (T, 26.6),
                (Td, 22.5),
                (Pstat, 976.0),
                (Pmer, 1012.9),
                (Nbas, 5.0),
                (Cl, 2.0),
                (Cm, 3.0),
                (Ch, 0.0),
                (Tend24, -0.1),
            ],
        );
        // Missing pressures: 64403 42460 53602 10262 20237 39/// 40/// 85230 333 5//// …
        assert_values(
            find(&congo, "64403"),
            &[(Vv, 10000.0), (N, 5.0), (Dd, 360.0), (Ff, 2.0 * KTS), (T, 26.2), (Td, 23.7), (Nbas, 5.0), (Cl, 2.0), (Cm, 3.0), (Ch, 0.0)],
        );
        // 64462 41106 81402 10205 20198 74644 886// 333 88703==
        assert_values(
            find(&congo, "64462"),
            &[
                (Vv, 600.0),
                (N, 8.0),
                (Dd, 140.0),
                (Ff, 2.0 * KTS),
                (T, 20.5),
                (Td, 19.8),
                (Ww, 46.0),
                (W1, 4.0),
                (W2, 4.0),
                (Nbas, 8.0),
                (Cl, 6.0),
            ],
        );
        let nil = find(&congo, "64454");
        assert!(nil.nil && nil.values.is_empty());
    }

    #[derive(serde::Deserialize)]
    struct OracleRow {
        file: String,
        station: String,
        day: u8,
        hour: u8,
        nil: bool,
        values: std::collections::BTreeMap<String, f64>,
    }

    /// Every report of the three real bulletins against pymetdecoder 0.2.2, through the mapping
    /// of `tests/fixtures/synop/flatten_pymetdecoder.py` (output stored in `pymetdecoder.json`).
    #[test]
    fn real_bulletins_match_pymetdecoder() {
        let rows: Vec<OracleRow> = serde_json::from_str(include_str!("../../tests/fixtures/synop/pymetdecoder.json")).expect("fixture");
        let files = [
            ("SICG20FCBB_202308.txt", CONGO),
            ("A_SMRO01YRBK171200_C_EDZW_20230117120502_51362175.txt", ROMANIA_12),
            ("A_SMRO01YRBK171800_C_EDZW_20230117180502_51662689.txt", ROMANIA_18),
        ];
        let mut compared = 0;
        for (name, text) in files {
            let (reports, rejected) = parse_bulletin(text.as_bytes());
            assert!(rejected.iter().all(|r| !r.whole_report), "{name}: {rejected:#?}");
            let expected: Vec<&OracleRow> = rows.iter().filter(|r| r.file == name).collect();
            assert_eq!(reports.len(), expected.len(), "{name}");
            for (r, e) in reports.iter().zip(expected) {
                assert_eq!(r.station.as_str(), e.station);
                assert_eq!((r.time.day, r.time.hour), (e.day, e.hour));
                assert_eq!(r.nil, e.nil);
                let got: std::collections::BTreeMap<String, f64> = r.values.iter().map(|(p, v)| (p.to_string(), *v)).collect();
                let same = got.len() == e.values.len() && got.iter().zip(&e.values).all(|(g, w)| g.0 == w.0 && (g.1 - w.1).abs() < 1e-6);
                assert!(same, "{name} {}\n got {got:?}\nwant {:?}", e.station, e.values);
                compared += 1;
            }
        }
        assert_eq!(compared, 63);
    }

    #[test]
    fn bulletin_positions_and_group_issues() {
        let (reports, rejected) = parse_bulletin(ROMANIA_12.as_bytes());
        assert_eq!(reports.len(), 23);
        let first = &reports[0];
        assert_eq!((first.line, first.index), (3, 1));
        // 15260 and 15480 are automatic stations (ix = 5) that still send a 7 group.
        let not_used: Vec<(&str, usize)> = rejected.iter().map(|r| (r.text.as_str(), r.line)).collect();
        assert_eq!(not_used, [("7000/", 30), ("7000/", 69)]);
        assert!(rejected.iter().all(|r| matches!(r.error, ReportError::NotUsed { what: "present weather", .. })));
        // Congo at 09 UTC: the reports spread over two lines, `==` and NIL reports.
        let (reports, rejected) = parse_bulletin(CONGO.as_bytes());
        assert_eq!(reports.len(), 17);
        assert!(rejected.is_empty(), "{rejected:#?}");
        assert_eq!(reports.iter().filter(|r| r.nil).count(), 3);
        assert_eq!(find(&reports, "64461").line, 36);
    }

    #[test]
    fn sections_and_rejections() {
        let text = "ZCZC 123\nSMXX01 XXXX 011200\n12345 11111 11111=\nAAXX 01121\n07149 11570 71208 10123=\n0714 11570=\n07150=\nBBXX\nSHIP 01124 99123 71234 41111 11111 10123=\nAAXX 32121\n07151 11570 71208 10123=\nAAXX 01121\n07152 11570 71208 10123 1////=\nNNNN\n";
        let (reports, rejected) = parse_bulletin(text.as_bytes());
        let ids: Vec<&str> = reports.iter().map(|r| r.station.as_str()).collect();
        assert_eq!(ids, ["07149", "07152"]);
        let whole: Vec<(usize, usize, &ReportError)> = rejected.iter().filter(|r| r.whole_report).map(|r| (r.line, r.report, &r.error)).collect();
        assert_eq!(whole.len(), 5, "{rejected:#?}");
        assert_eq!(whole[0], (3, 1, &ReportError::NoSection));
        assert_eq!(whole[1], (6, 3, &ReportError::BadWmoStation("0714".into())));
        assert_eq!(whole[2], (7, 4, &ReportError::Truncated("iRixhVV group")));
        assert_eq!(whole[3], (9, 5, &ReportError::Unsupported("BBXX".into())));
        assert!(matches!(whole[4], (11, 6, ReportError::BadSectionHeader { .. })));
        assert_eq!(reports[1].index, 7);
        // a repeated 1 group is out of order
        assert!(rejected.iter().any(|r| !r.whole_report && matches!(r.error, ReportError::OutOfOrder { section: 1, .. })));
        assert_eq!(reports[1].get(Param::T), Some(12.3));
        let msg = whole[1].2.to_string();
        assert!(msg.contains("WMO station number"), "{msg}");
    }

    #[test]
    fn groups() {
        // 29UUU, 00fff, 910/911 with 00fff, 907tt, 7R24, 55SSS + daily global radiation, 58/59.
        let r = one("AAXX 15064 07149 12989 81299 00105 10123 29085 30123 40156 52010 60101 333 10150 21023 4/015 55123 20456 59012 70123 90720 91099 00120 91150=");
        assert_eq!(r.get(Param::Ff), Some(105.0 * KTS));
        assert_eq!(r.get(Param::U), Some(85.0));
        assert_eq!(r.get(Param::Td), None);
        assert_eq!(r.get(Param::Rr(6)), Some(10.0));
        assert_eq!(r.get(Param::Tx(12)), Some(15.0));
        assert_eq!(r.get(Param::Tn(12)), Some(-2.3));
        assert_eq!(r.get(Param::NeigeTot), Some(15.0));
        assert_eq!(r.get(Param::Inst), Some(738.0));
        assert_eq!(r.get(Param::Glot), Some(456.0));
        assert_eq!(r.get(Param::Tend24), Some(-1.2));
        assert_eq!(r.get(Param::Rr(24)), Some(12.3));
        assert_eq!(r.get(Param::Fxi), Some(120.0 * KTS));
        assert_eq!(r.get(Param::FxiPeriod(2)), Some(50.0 * KTS));
        assert_eq!(r.get(Param::Vv), Some(70_000.0));
        assert_eq!(r.get(Param::Pstat), Some(1012.3));
        assert_eq!(r.get(Param::Pmer), Some(1015.6));
        assert_eq!(r.get(Param::Tend), Some(1.0));
        // RRR codes 990 (trace), 995 (0.5 mm), 989; tR 5 (1 h); R24 9999 (trace)
        assert_eq!(one("AAXX 15061 07149 11570 71208 69905=").get(Param::Rr(1)), Some(0.0));
        assert_eq!(one("AAXX 15061 07149 11570 71208 69956=").get(Param::Rr(2)), Some(0.5));
        assert_eq!(one("AAXX 15061 07149 11570 71208 69892=").get(Param::Rr(12)), Some(989.0));
        assert_eq!(one("AAXX 15061 07149 21570 71208 333 79999=").get(Param::Rr(24)), Some(0.0));
        // tR 0 is invalid; iR 3 means no group is expected
        let (_, rej) = parse_bulletin(b"AAXX 15061 07149 11570 71208 60010=");
        assert!(matches!(rej[0].error, ReportError::BadGroup { what: "precipitation", .. }));
        let (_, rej) = parse_bulletin(b"AAXX 15061 07149 31570 71208 60011=");
        assert!(matches!(rej[0].error, ReportError::NotUsed { what: "precipitation", .. }));
        // unknown wind unit: no speeds
        let (reports, rej) = parse_bulletin(b"AAXX 1506/ 07149 11570 71208 333 91012=");
        assert_eq!(reports[0].get(Param::Ff), None);
        assert_eq!(reports[0].get(Param::Dd), Some(120.0));
        assert_eq!(rej.len(), 2);
        // 9 o'clock: extremes have no known period; gusts over 3 h
        let (reports, rej) = parse_bulletin(b"AAXX 15091 07149 11570 71208 333 10150 91110=");
        assert_eq!(reports[0].get(Param::Tx(12)), None);
        assert_eq!(reports[0].get(Param::FxiPeriod(3)), Some(10.0));
        assert_eq!(rej.len(), 1);
        // junk group
        let (reports, rej) = parse_bulletin(b"AAXX 15061 07149 11570 71208 1A123 20100=");
        assert_eq!(reports[0].get(Param::Td), Some(10.0));
        assert!(matches!(rej[0].error, ReportError::BadGroup { what: "SYNOP", .. }));
    }

    #[test]
    fn nul_bytes_and_crlf() {
        let mut bytes = b"\x00\x00SMXX01 XXXX 011200\r\r\nAAXX 01121\r\r\n07149 11570 71208 \x0010123\r\r\n 20100=\xff\r\r\n".to_vec();
        bytes.extend_from_slice(b"\x1b[0m07150 NIL=");
        let (reports, rejected) = parse_bulletin(&bytes);
        assert_eq!(reports.len(), 1, "{rejected:?}");
        assert_eq!(reports[0].get(Param::Td), Some(10.0));
        // "\x1b[0m07150" is one group after sanitising: a bad station number.
        assert_eq!(rejected.len(), 1);
        assert!(matches!(rejected[0].error, ReportError::BadWmoStation(_)));
    }

    fn tenths(v: i32) -> String {
        format!("{}{:03}", if v < 0 { 1 } else { 0 }, v.abs())
    }

    proptest! {
        #[test]
        fn never_panics_on_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
            let _ = parse_bulletin(&bytes);
        }

        #[test]
        fn never_panics_on_group_soup(text in "(AAXX [0-9/]{5}|[0-9/]{5}|222[0-9/]{2}|333|444|555|NIL|BBXX|=|\n|[A-Z0-9/]{1,6}| ){0,60}") {
            let (reports, rejected) = parse_bulletin(text.as_bytes());
            for r in &reports {
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
        fn groups_round_trip(t in -999i32..=999, td in -999i32..=999, p0 in 5001u32..=11_000, p in 9000u32..=10_999,
                              dd in 1u32..=36, ff in 0u32..=98, kt in any::<bool>(), n in 0u32..=9, vv in 1u32..=50,
                              day in 1u32..=31, hour in 0u32..=23) {
            let iw = if kt { 4 } else { 1 };
            let msg = format!("AAXX {day:02}{hour:02}{iw} 07149 11/{vv:02} {n}{dd:02}{ff:02} 1{} 2{} 3{:04} 4{:04}=",
                              tenths(t), tenths(td), p0 % 10_000, p % 10_000);
            let r = one(&msg);
            prop_assert_eq!(r.time, ReportTime { day: day as u8, hour: hour as u8, minute: 0 });
            prop_assert_eq!(r.get(Param::T), Some(f64::from(t) / 10.0));
            prop_assert_eq!(r.get(Param::Td), Some(f64::from(td) / 10.0));
            prop_assert!((r.get(Param::Pstat).unwrap_or(f64::NAN) - f64::from(p0) / 10.0).abs() < 1e-9);
            prop_assert!((r.get(Param::Pmer).unwrap_or(f64::NAN) - f64::from(p) / 10.0).abs() < 1e-9);
            prop_assert_eq!(r.get(Param::Dd), Some(f64::from(dd * 10)));
            let factor = if kt { KTS } else { 1.0 };
            prop_assert!((r.get(Param::Ff).unwrap_or(f64::NAN) - f64::from(ff) * factor).abs() < 1e-9);
            prop_assert_eq!(r.get(Param::N), Some(f64::from(n)));
            prop_assert_eq!(r.get(Param::Vv), Some(f64::from(vv * 100)));
        }

        #[test]
        fn precipitation_round_trips(tenth_mm in 0u32..=9, mm in 1u32..=988, t in 1u8..=9) {
            let r = one(&format!("AAXX 15061 07149 11570 71208 6{:03}{t}=", if tenth_mm == 0 { mm } else { 990 + tenth_mm }));
            let period = precip_period(t).unwrap_or(0);
            let want = if tenth_mm == 0 { f64::from(mm) } else { f64::from(tenth_mm) / 10.0 };
            prop_assert_eq!(r.get(Param::Rr(period)), Some(want));
        }
    }
}
