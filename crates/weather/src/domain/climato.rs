//! Climatology rules, pure: Météo-France climatological days, monthly summaries with the WMO
//! missing-data rules, records, normals and anomalies. Times are minutes since the Unix epoch
//! (UTC); days are days since the epoch; a station's "FU" offset turns UTC into the civil time
//! Météo-France uses for its windows (0 in metropolitan France).
use serde::Serialize;

/// Days since 1970-01-01 → (year, month 1–12, day 1–31). Howard Hinnant's civil calendar.
pub fn civil(days: i64) -> (i32, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    ((if m <= 2 { y + 1 } else { y }) as i32, m, d)
}

/// (year, month, day) → days since 1970-01-01.
pub fn days_from_civil(y: i32, m: u32, d: u32) -> i64 {
    let y = i64::from(if m <= 2 { y - 1 } else { y });
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let mp = i64::from((m + 9) % 12);
    let doy = (153 * mp + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

pub fn days_in_month(y: i32, m: u32) -> u32 {
    let (ny, nm) = if m == 12 { (y + 1, 1) } else { (y, m + 1) };
    (days_from_civil(ny, nm, 1) - days_from_civil(y, m, 1)) as u32
}

/// Météo-France "FU" offset of a département (docs/mf/UTC.md), in minutes; metropolitan France
/// is 0. TAAF and the Îles Éparses vary by station (station sheets), so they have none here.
pub fn fu_offset_minutes(departement: &str) -> Option<i32> {
    Some(match departement.trim() {
        "971" | "972" | "975" => -4 * 60,
        "973" => -3 * 60,
        "974" => 4 * 60,
        "986" => 12 * 60,
        "987" => -10 * 60,
        "988" => 11 * 60,
        "984" => return None,
        d if d.len() <= 3 && d.chars().all(|c| c.is_ascii_alphanumeric()) => 0,
        _ => return None,
    })
}

/// Daily climatological elements, named as in Météo-France's daily product (Q).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, PartialOrd, Ord)]
pub enum Element {
    /// Minimum temperature, from 18 FU the day before to 18 FU.
    TN,
    /// Maximum temperature, from 06 FU to 06 FU the day after.
    TX,
    /// Mean of the hourly temperatures of the civil day.
    TM,
    /// Precipitation from 06 FU to 06 FU the day after, attributed to the first day.
    RR,
    /// Maximum instantaneous wind of the civil day.
    FXI,
    /// Mean relative humidity of the civil day.
    UM,
    /// Mean sea-level pressure of the civil day.
    PMERM,
    /// Sunshine duration of the civil day (minutes).
    INST,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Agg {
    Min,
    Max,
    Mean,
    Sum,
}

/// How a daily element is computed from hourly parameters (stamps mark the END of the hour).
#[derive(Clone, Copy, Debug)]
pub struct DailyRule {
    pub element: Element,
    /// The hourly parameter, then a fallback when it is absent (e.g. TN from T).
    pub params: &'static [&'static str],
    /// Parameter giving the time (hhmm) of the extreme, when the source has it.
    pub time_param: Option<&'static str>,
    /// Window `(start, end]` in minutes from the day's 00:00 FU.
    pub window: (i64, i64),
    pub agg: Agg,
    /// Values needed for the day to count as complete.
    pub expected: u32,
    /// The source's own daily value (Météo-France's Q product) and the parameter with its time:
    /// when present it is the day's value, whatever hourly values say.
    pub official: &'static str,
    pub official_time: Option<&'static str>,
}

pub static DAILY_RULES: &[DailyRule] = &[
    DailyRule { element: Element::TN, params: &["TN", "T"], time_param: Some("HTN"), window: (-6 * 60, 18 * 60), agg: Agg::Min, expected: 24, official: "TN_Q", official_time: Some("HTN_Q") },
    DailyRule { element: Element::TX, params: &["TX", "T"], time_param: Some("HTX"), window: (6 * 60, 30 * 60), agg: Agg::Max, expected: 24, official: "TX_Q", official_time: Some("HTX_Q") },
    DailyRule { element: Element::TM, params: &["T"], time_param: None, window: (0, 24 * 60), agg: Agg::Mean, expected: 24, official: "TM_Q", official_time: None },
    DailyRule { element: Element::RR, params: &["RR1"], time_param: None, window: (6 * 60, 30 * 60), agg: Agg::Sum, expected: 24, official: "RR_Q", official_time: None },
    DailyRule { element: Element::FXI, params: &["FXI"], time_param: Some("HXI"), window: (0, 24 * 60), agg: Agg::Max, expected: 24, official: "FXI_Q", official_time: Some("HXI_Q") },
    DailyRule { element: Element::UM, params: &["U"], time_param: None, window: (0, 24 * 60), agg: Agg::Mean, expected: 24, official: "UM_Q", official_time: None },
    DailyRule { element: Element::PMERM, params: &["PMER"], time_param: None, window: (0, 24 * 60), agg: Agg::Mean, expected: 24, official: "PMERM_Q", official_time: None },
    DailyRule { element: Element::INST, params: &["INS"], time_param: None, window: (0, 24 * 60), agg: Agg::Sum, expected: 24, official: "INST_Q", official_time: None },
];

impl Element {
    pub fn rule(self) -> &'static DailyRule {
        DAILY_RULES.iter().find(|r| r.element == self).expect("every element has a rule")
    }
    pub fn code(self) -> &'static str {
        match self {
            Element::TN => "TN",
            Element::TX => "TX",
            Element::TM => "TM",
            Element::RR => "RR",
            Element::FXI => "FXI",
            Element::UM => "UM",
            Element::PMERM => "PMERM",
            Element::INST => "INST",
        }
    }
    pub fn parse(s: &str) -> Option<Element> {
        DAILY_RULES.iter().map(|r| r.element).find(|e| e.code().eq_ignore_ascii_case(s.trim()))
    }
    /// The elements whose daily value depends on an hourly parameter.
    pub fn using(param: &str) -> impl Iterator<Item = Element> + '_ {
        DAILY_RULES
            .iter()
            .filter(move |r| r.params.contains(&param) || r.time_param == Some(param) || r.official == param || r.official_time == Some(param))
            .map(|r| r.element)
    }
    /// Climatological days (days since epoch) whose window overlaps the UTC day `utc_day`.
    pub fn days_touched(self, utc_day: i64, fu_offset: i32) -> Vec<i64> {
        let (start, end) = self.rule().window;
        let from = utc_day * 1440 + i64::from(fu_offset);
        let to = from + 1440;
        ((utc_day - 2)..=(utc_day + 2))
            .filter(|d| {
                let ws = d * 1440 + start;
                let we = d * 1440 + end;
                ws < to && we > from
            })
            .collect()
    }
}

/// A computed daily value.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Daily {
    pub element: Element,
    pub day: i64,
    pub value: f64,
    /// Minute (UTC) of the extreme, for TN/TX/FXI.
    pub at: Option<i64>,
    pub count: u32,
    pub complete: bool,
    /// The source's own daily value (Météo-France Q), not one computed from hourly values.
    pub official: bool,
}

/// The instant an `hhmm` time designates inside the hour ending at `stamp` (both UTC minutes):
/// a row stamped 00 with HTN 2310 means 23:10 the day before.
pub fn time_in_hour(stamp: i64, hhmm: i64, fu_offset: i32) -> Option<i64> {
    let (h, m) = (hhmm / 100, hhmm % 100);
    if !(0..24).contains(&h) || !(0..60).contains(&m) {
        return None;
    }
    let start_local = stamp + i64::from(fu_offset) - 60;
    let mut t = start_local.div_euclid(1440) * 1440 + h * 60 + m;
    if t < start_local {
        t += 1440;
    }
    (t <= start_local + 60).then_some(t - i64::from(fu_offset))
}

/// Computes one daily element from `(utc_minute, value)` series per parameter of the rule, in
/// the order of `rule.params` (the first one with values in the window is used).
pub fn daily(element: Element, day: i64, fu_offset: i32, series: &[&[(i64, f64)]], times: &[(i64, f64)]) -> Option<Daily> {
    let rule = element.rule();
    let ws = day * 1440 + rule.window.0 - i64::from(fu_offset);
    let we = day * 1440 + rule.window.1 - i64::from(fu_offset);
    let inside = |s: &&(i64, f64)| s.0 > ws && s.0 <= we;
    let values: Vec<(i64, f64)> = series.iter().map(|s| s.iter().filter(inside).copied().collect::<Vec<_>>()).find(|v: &Vec<_>| !v.is_empty())?;
    let count = values.len() as u32;
    let (value, stamp) = match rule.agg {
        Agg::Sum => (values.iter().map(|v| v.1).sum(), None),
        Agg::Mean => (values.iter().map(|v| v.1).sum::<f64>() / f64::from(count), None),
        Agg::Min => values.iter().fold(None, |acc: Option<(f64, i64)>, v| match acc {
            Some((m, _)) if m <= v.1 => acc,
            _ => Some((v.1, v.0)),
        }).map(|(v, t)| (v, Some(t)))?,
        Agg::Max => values.iter().fold(None, |acc: Option<(f64, i64)>, v| match acc {
            Some((m, _)) if m >= v.1 => acc,
            _ => Some((v.1, v.0)),
        }).map(|(v, t)| (v, Some(t)))?,
    };
    let at = stamp.map(|s| {
        times.iter().find(|t| t.0 == s).and_then(|t| time_in_hour(s, t.1 as i64, fu_offset)).unwrap_or(s)
    });
    Some(Daily { element, day, value: round(value, 1), at, count, complete: count >= rule.expected, official: false })
}

/// The day's official value when the source published one: `values` and `times` are the series of
/// the rule's `official` and `official_time` parameters (stamped 00:00 UTC of their date). The
/// `hhmm` time (FU) is placed inside the element's window: HTX 0300 of day D is D+1 03:00 FU.
pub fn official_daily(element: Element, day: i64, fu_offset: i32, values: &[(i64, f64)], times: &[(i64, f64)]) -> Option<Daily> {
    let rule = element.rule();
    let stamp = day * 1440;
    let value = values.iter().find(|v| v.0 == stamp)?.1;
    let at = times.iter().find(|t| t.0 == stamp).and_then(|t| {
        let hhmm = t.1 as i64;
        let (h, m) = (hhmm / 100, hhmm % 100);
        if !(0..=24).contains(&h) || !(0..60).contains(&m) || t.1.fract() != 0.0 || t.1 < 0.0 {
            return None;
        }
        let mut local = h * 60 + m;
        if local <= rule.window.0 {
            local += 1440;
        } else if local > rule.window.1 {
            local -= 1440;
        }
        Some(stamp + local - i64::from(fu_offset))
    });
    Some(Daily { element, day, value: round(value, 1), at, count: 1, complete: true, official: true })
}

fn round(v: f64, decimals: i32) -> f64 {
    let f = 10f64.powi(decimals);
    (v * f).round() / f
}

/// WMO rule for monthly means of temperature-like elements: not computed when more than 3
/// consecutive or more than 5 days in all are missing. Sums and "days with" counts need every day.
pub fn wmo_3_5(present: &[bool]) -> bool {
    let missing = present.iter().filter(|p| !**p).count();
    let mut run = 0;
    let mut longest = 0;
    for p in present {
        run = if *p { 0 } else { run + 1 };
        longest = longest.max(run);
    }
    missing <= 5 && longest <= 3
}

/// Monthly summary of one element, with Météo-France's MENSQ counts.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Monthly {
    pub element: Element,
    pub year: i32,
    pub month: u32,
    /// Mean (TN, TX, TM, UM, PMERM) or total (RR, INST); None when the WMO rule forbids it.
    pub value: Option<f64>,
    /// Highest daily value and its day (TXAB, RRAB, FXIAB, TNMAX…).
    pub max: Option<(f64, i64)>,
    /// Lowest daily value and its day (TNAB, TXMIN…).
    pub min: Option<(f64, i64)>,
    pub days_present: u32,
    pub days_in_month: u32,
    /// MENSQ counts, e.g. NBJTX30, NBJGELEE, NBJRR1; only when every day is present.
    pub counts: Vec<(&'static str, u32)>,
}

fn thresholds(e: Element) -> &'static [(&'static str, fn(f64) -> bool)] {
    match e {
        Element::TX => &[("NBJTX0", |v| v <= 0.0), ("NBJTX25", |v| v >= 25.0), ("NBJTX30", |v| v >= 30.0), ("NBJTX35", |v| v >= 35.0)],
        Element::TN => &[("NBJGELEE", |v| v <= 0.0), ("NBJTN5", |v| v <= -5.0), ("NBJTN10", |v| v <= -10.0), ("NBJTNS20", |v| v >= 20.0)],
        Element::RR => &[("NBJRR1", |v| v >= 1.0), ("NBJRR5", |v| v >= 5.0), ("NBJRR10", |v| v >= 10.0), ("NBJRR30", |v| v >= 30.0), ("NBJRR50", |v| v >= 50.0), ("NBJRR100", |v| v >= 100.0)],
        Element::FXI => &[("NBJFF10", |v| v >= 10.0), ("NBJFF16", |v| v >= 16.0), ("NBJFF28", |v| v >= 28.0)],
        _ => &[],
    }
}

/// Summarises the daily values of one month (`dailies` may be in any order, one per day).
pub fn monthly(element: Element, year: i32, month: u32, dailies: &[Daily]) -> Monthly {
    let first = days_from_civil(year, month, 1);
    let n = days_in_month(year, month);
    let mut by_day: Vec<Option<f64>> = vec![None; n as usize];
    for d in dailies {
        if let Some(slot) = usize::try_from(d.day - first).ok().and_then(|i| by_day.get_mut(i)) {
            *slot = Some(d.value);
        }
    }
    let present: Vec<bool> = by_day.iter().map(Option::is_some).collect();
    let vals: Vec<(f64, i64)> = by_day.iter().enumerate().filter_map(|(i, v)| v.map(|v| (v, first + i as i64))).collect();
    let days_present = vals.len() as u32;
    let all = days_present == n;
    let is_sum = matches!(element.rule().agg, Agg::Sum);
    let value = if vals.is_empty() {
        None
    } else if is_sum {
        all.then(|| round(vals.iter().map(|v| v.0).sum(), 1))
    } else {
        wmo_3_5(&present).then(|| round(vals.iter().map(|v| v.0).sum::<f64>() / vals.len() as f64, 1))
    };
    let max = vals.iter().copied().fold(None, |a: Option<(f64, i64)>, v| if a.is_some_and(|a| a.0 >= v.0) { a } else { Some(v) });
    let min = vals.iter().copied().fold(None, |a: Option<(f64, i64)>, v| if a.is_some_and(|a| a.0 <= v.0) { a } else { Some(v) });
    let counts = if all { thresholds(element).iter().map(|(name, f)| (*name, vals.iter().filter(|v| f(v.0)).count() as u32)).collect() } else { Vec::new() };
    Monthly { element, year, month, value, max, min, days_present, days_in_month: n, counts }
}

/// A normal for one calendar month over a period of years: the mean of the valid monthly values,
/// computed only when no more than 3 consecutive and 5 total years are missing (the WMO rule
/// applied again across the years).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Normal {
    pub month: u32,
    pub value: Option<f64>,
    pub years_used: u32,
    pub years_in_period: u32,
}

pub fn normal(month: u32, from_year: i32, to_year: i32, monthly_values: &[(i32, Option<f64>)]) -> Normal {
    let years: Vec<i32> = (from_year..=to_year).collect();
    let present: Vec<Option<f64>> = years.iter().map(|y| monthly_values.iter().find(|(yy, _)| yy == y).and_then(|(_, v)| *v)).collect();
    let ok = wmo_3_5(&present.iter().map(Option::is_some).collect::<Vec<_>>());
    let vals: Vec<f64> = present.iter().flatten().copied().collect();
    Normal {
        month,
        value: (ok && !vals.is_empty()).then(|| round(vals.iter().sum::<f64>() / vals.len() as f64, 1)),
        years_used: vals.len() as u32,
        years_in_period: years.len() as u32,
    }
}

/// Which extremes are kept as records for an element: highest and/or lowest daily value.
pub fn record_kinds(e: Element) -> &'static [RecordKind] {
    match e {
        Element::TX | Element::TN | Element::TM => &[RecordKind::Max, RecordKind::Min],
        Element::RR | Element::FXI => &[RecordKind::Max],
        _ => &[],
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum RecordKind {
    Max,
    Min,
}

impl RecordKind {
    pub fn as_str(self) -> &'static str {
        match self {
            RecordKind::Max => "max",
            RecordKind::Min => "min",
        }
    }
    /// Whether `new` beats the current record `old` (strictly: equalling is not breaking).
    pub fn beats(self, new: f64, old: Option<f64>) -> bool {
        match (self, old) {
            (_, None) => true,
            (RecordKind::Max, Some(o)) => new > o,
            (RecordKind::Min, Some(o)) => new < o,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn calendar() {
        assert_eq!(civil(0), (1970, 1, 1));
        assert_eq!(civil(19_723), (2024, 1, 1));
        assert_eq!(days_from_civil(2024, 2, 29), 19_782);
        assert_eq!(days_in_month(2024, 2), 29);
        assert_eq!(days_in_month(2023, 2), 28);
        assert_eq!(days_in_month(1900, 2), 28);
        assert_eq!(days_in_month(2000, 2), 29);
    }

    proptest! {
        #[test]
        fn calendar_round_trip(days in -1_000_000i64..1_000_000) {
            let (y, m, d) = civil(days);
            prop_assert_eq!(days_from_civil(y, m, d), days);
        }
    }

    #[test]
    fn fu_offsets() {
        assert_eq!(fu_offset_minutes("21"), Some(0));
        assert_eq!(fu_offset_minutes("2A"), Some(0));
        assert_eq!(fu_offset_minutes("974"), Some(240));
        assert_eq!(fu_offset_minutes("973"), Some(-180));
        assert_eq!(fu_offset_minutes("984"), None);
    }

    fn day0() -> i64 {
        days_from_civil(2024, 1, 1)
    }
    fn at(day: i64, h: i64) -> i64 {
        day * 1440 + h * 60
    }

    #[test]
    fn rr_is_06_to_06_attributed_to_the_first_day() {
        let d = day0();
        // Rain stamped 05 UTC on Jan 1 belongs to Dec 31; 07 UTC Jan 1 to 06 UTC Jan 2 to Jan 1.
        let rr = [(at(d, 5), 4.0), (at(d, 7), 1.0), (at(d, 12), 2.5), (at(d + 1, 6), 0.5), (at(d + 1, 7), 9.0)];
        let jan1 = daily(Element::RR, d, 0, &[&rr], &[]).unwrap();
        assert_eq!(jan1.value, 4.0);
        assert_eq!(jan1.count, 3);
        assert!(!jan1.complete);
        assert_eq!(daily(Element::RR, d - 1, 0, &[&rr], &[]).unwrap().value, 4.0);
    }

    #[test]
    fn tn_window_is_18_to_18_and_uses_the_time_column() {
        let d = day0();
        // Row stamped 00 UTC Jan 1 has TN 6.5 at 23:10 (HTN 2310) on Dec 31: it belongs to Jan 1 (18→18).
        let tn = [(at(d - 1, 18), 8.0), (at(d, 0), 6.5), (at(d, 6), 7.0), (at(d, 19), 1.0)];
        let htn = [(at(d, 0), 2310.0)];
        let v = daily(Element::TN, d, 0, &[&tn, &[]], &htn).unwrap();
        assert_eq!(v.value, 6.5);
        assert_eq!(v.at, Some(at(d - 1, 23) + 10));
        // Fallback to T when the hourly TN column is empty.
        let t = [(at(d, 3), 2.0)];
        assert_eq!(daily(Element::TN, d, 0, &[&[], &t], &[]).unwrap().value, 2.0);
    }

    #[test]
    fn official_daily_values_take_their_time_inside_the_window() {
        let d = day0();
        let tn = [(d * 1440, -3.4), ((d + 1) * 1440, 1.0)];
        // HTN 2130 of day D is D-1 21:30 FU (window 18→18); HTX 0300 is D+1 03:00 (06→06).
        let v = official_daily(Element::TN, d, 0, &tn, &[(d * 1440, 2130.0)]).unwrap();
        assert_eq!((v.value, v.at, v.official, v.complete), (-3.4, Some(at(d - 1, 21) + 30), true, true));
        let v = official_daily(Element::TX, d, 0, &[(d * 1440, 12.0)], &[(d * 1440, 300.0)]).unwrap();
        assert_eq!(v.at, Some(at(d + 1, 3)));
        // Overseas: FU = UTC−4 in Guadeloupe, 14:00 FU is 18:00 UTC.
        assert_eq!(official_daily(Element::TX, d, -240, &[(d * 1440, 30.0)], &[(d * 1440, 1400.0)]).unwrap().at, Some(at(d, 18)));
        assert_eq!(official_daily(Element::TX, d, 0, &[(d * 1440, 30.0)], &[(d * 1440, 2599.0)]).unwrap().at, None, "a bad time is dropped, not the value");
        assert!(official_daily(Element::RR, d, 0, &[((d + 1) * 1440, 3.0)], &[]).is_none(), "another day's value");
    }

    #[test]
    fn tx_window_is_06_to_06() {
        let d = day0();
        let tx = [(at(d, 6), 30.0), (at(d, 15), 12.0), (at(d + 1, 6), 11.0)];
        let v = daily(Element::TX, d, 0, &[&tx], &[]).unwrap();
        assert_eq!(v.value, 12.0, "06 UTC stamp closes the previous window");
    }

    #[test]
    fn overseas_windows_follow_fu_time() {
        let d = day0();
        // Réunion is FU = UTC+4: 06 FU is 02 UTC.
        let rr = [(at(d, 2), 3.0), (at(d, 3), 1.0)];
        assert_eq!(daily(Element::RR, d, 240, &[&rr], &[]).unwrap().value, 1.0);
    }

    #[test]
    fn times_in_hour() {
        let d = day0();
        assert_eq!(time_in_hour(at(d, 0), 2351, 0), Some(at(d - 1, 23) + 51));
        assert_eq!(time_in_hour(at(d, 14), 1322, 0), Some(at(d, 13) + 22));
        assert_eq!(time_in_hour(at(d, 14), 1000, 0), None, "not in that hour");
        assert_eq!(time_in_hour(at(d, 14), 2460, 0), None);
    }

    #[test]
    fn days_touched_by_an_hourly_block() {
        let d = day0();
        assert_eq!(Element::RR.days_touched(d, 0), vec![d - 1, d]);
        assert_eq!(Element::TN.days_touched(d, 0), vec![d, d + 1]);
        assert_eq!(Element::TM.days_touched(d, 0), vec![d]);
        assert_eq!(Element::using("T").collect::<Vec<_>>(), vec![Element::TN, Element::TX, Element::TM]);
    }

    #[test]
    fn wmo_rule() {
        let mut p = vec![true; 31];
        assert!(wmo_3_5(&p));
        p[3] = false;
        p[4] = false;
        p[5] = false;
        assert!(wmo_3_5(&p), "3 consecutive");
        p[6] = false;
        assert!(!wmo_3_5(&p), "4 consecutive");
        let mut q = vec![true; 31];
        for i in [1, 5, 9, 13, 17, 21] {
            q[i] = false;
        }
        assert!(!wmo_3_5(&q), "6 in all");
    }

    fn dly(e: Element, day: i64, v: f64) -> Daily {
        Daily { element: e, day, value: v, at: None, count: 24, complete: true, official: false }
    }

    #[test]
    fn monthly_summaries_and_counts() {
        let first = days_from_civil(2023, 7, 1);
        let tx: Vec<Daily> = (0..31).map(|i| dly(Element::TX, first + i, 20.0 + i as f64 / 2.0)).collect();
        let m = monthly(Element::TX, 2023, 7, &tx);
        assert_eq!(m.value, Some(27.5));
        assert_eq!(m.max, Some((35.0, first + 30)));
        assert_eq!(m.min, Some((20.0, first)));
        assert!(m.counts.contains(&("NBJTX30", 11)));
        assert!(m.counts.contains(&("NBJTX35", 1)));
        // Missing days: mean kept under the 3/5 rule, counts withheld.
        let gappy: Vec<Daily> = tx.iter().filter(|d| d.day != first + 10 && d.day != first + 20).cloned().collect();
        let m = monthly(Element::TX, 2023, 7, &gappy);
        assert!(m.value.is_some());
        assert!(m.counts.is_empty());
        // Rain totals need every day.
        let rr: Vec<Daily> = (0..30).map(|i| dly(Element::RR, first + i, 1.0)).collect();
        assert_eq!(monthly(Element::RR, 2023, 7, &rr).value, None);
    }

    #[test]
    fn normals_follow_the_rule_across_years() {
        let vals: Vec<(i32, Option<f64>)> = (1991..=2020).map(|y| (y, Some(10.0 + (y - 1991) as f64 * 0.2))).collect();
        let n = normal(7, 1991, 2020, &vals);
        assert_eq!(n.value, Some(12.9));
        assert_eq!(n.years_used, 30);
        let gappy: Vec<(i32, Option<f64>)> = vals.iter().map(|(y, v)| (*y, if (2000..=2003).contains(y) { None } else { *v })).collect();
        assert_eq!(normal(7, 1991, 2020, &gappy).value, None, "4 consecutive years missing");
    }

    #[test]
    fn records() {
        assert!(RecordKind::Max.beats(41.2, Some(40.0)));
        assert!(!RecordKind::Max.beats(40.0, Some(40.0)));
        assert!(RecordKind::Min.beats(-20.1, Some(-20.0)));
        assert!(RecordKind::Min.beats(5.0, None));
    }
}
