//! Update frequencies with udata's identifiers (EU frequency vocabulary aligned), the delay after
//! which a dataset counts as late, and the EU authority URI used in DCAT.
use serde::Serialize;

#[derive(Clone, Copy, Debug, Serialize, utoipa::ToSchema)]
pub struct Frequency {
    pub id: &'static str,
    pub label_fr: &'static str,
    pub label_en: &'static str,
    /// Expected interval between updates, in seconds; `None` when there is no expectation.
    #[serde(skip)]
    pub interval_s: Option<i64>,
    /// Code in http://publications.europa.eu/resource/authority/frequency/.
    #[serde(skip)]
    pub eu: &'static str,
}

const MIN: i64 = 60;
const H: i64 = 3600;
const D: i64 = 86_400;

macro_rules! f {
    ($id:literal, $fr:literal, $en:literal, $s:expr, $eu:literal) => {
        Frequency { id: $id, label_fr: $fr, label_en: $en, interval_s: $s, eu: $eu }
    };
}

pub const FREQUENCIES: &[Frequency] = &[
    f!("continuous", "En continu", "Continuous", None, "CONT"),
    f!("oneMinute", "Chaque minute", "Every minute", Some(MIN), "1MIN"),
    f!("fiveMinutes", "Toutes les cinq minutes", "Every five minutes", Some(5 * MIN), "5MIN"),
    f!("tenMinutes", "Toutes les dix minutes", "Every ten minutes", Some(10 * MIN), "10MIN"),
    f!("fifteenMinutes", "Tous les quarts d'heure", "Every fifteen minutes", Some(15 * MIN), "15MIN"),
    f!("thirtyMinutes", "Toutes les demi-heures", "Every thirty minutes", Some(30 * MIN), "30MIN"),
    f!("hourly", "Toutes les heures", "Hourly", Some(H), "HOURLY"),
    f!("bihourly", "Toutes les deux heures", "Every two hours", Some(2 * H), "BIHOURLY"),
    f!("trihourly", "Toutes les trois heures", "Every three hours", Some(3 * H), "TRIHOURLY"),
    f!("twelveHours", "Toutes les douze heures", "Every twelve hours", Some(12 * H), "12HRS"),
    f!("severalTimesADay", "Plusieurs fois par jour", "Several times a day", Some(12 * H), "CONT"),
    f!("threeTimesADay", "Trois fois par jour", "Three times a day", Some(8 * H), "DAILY_3"),
    f!("semidaily", "Deux fois par jour", "Twice a day", Some(12 * H), "DAILY_2"),
    f!("daily", "Quotidienne", "Daily", Some(D), "DAILY"),
    f!("fiveTimesAWeek", "Cinq fois par semaine", "Five times a week", Some(2 * D), "WEEKLY_5"),
    f!("threeTimesAWeek", "Trois fois par semaine", "Three times a week", Some(3 * D), "WEEKLY_3"),
    f!("semiweekly", "Deux fois par semaine", "Twice a week", Some(4 * D), "WEEKLY_2"),
    f!("weekly", "Hebdomadaire", "Weekly", Some(7 * D), "WEEKLY"),
    f!("biweekly", "Toutes les deux semaines", "Every two weeks", Some(14 * D), "BIWEEKLY"),
    f!("threeTimesAMonth", "Trois fois par mois", "Three times a month", Some(10 * D), "MONTHLY_3"),
    f!("semimonthly", "Deux fois par mois", "Twice a month", Some(15 * D), "MONTHLY_2"),
    f!("monthly", "Mensuelle", "Monthly", Some(31 * D), "MONTHLY"),
    f!("bimonthly", "Tous les deux mois", "Every two months", Some(62 * D), "BIMONTHLY"),
    f!("quarterly", "Trimestrielle", "Quarterly", Some(92 * D), "QUARTERLY"),
    f!("threeTimesAYear", "Trois fois par an", "Three times a year", Some(122 * D), "ANNUAL_3"),
    f!("semiannual", "Semestrielle", "Twice a year", Some(183 * D), "ANNUAL_2"),
    f!("annual", "Annuelle", "Annual", Some(365 * D), "ANNUAL"),
    f!("biennial", "Tous les deux ans", "Every two years", Some(730 * D), "BIENNIAL"),
    f!("triennial", "Tous les trois ans", "Every three years", Some(1096 * D), "TRIENNIAL"),
    f!("quadrennial", "Tous les quatre ans", "Every four years", Some(1461 * D), "QUADRENNIAL"),
    f!("quinquennial", "Tous les cinq ans", "Every five years", Some(1826 * D), "QUINQUENNIAL"),
    f!("decennial", "Tous les dix ans", "Every ten years", Some(3652 * D), "DECENNIAL"),
    f!("bidecennial", "Tous les vingt ans", "Every twenty years", Some(7305 * D), "BIDECENNIAL"),
    f!("tridecennial", "Tous les trente ans", "Every thirty years", Some(10957 * D), "TRIDECENNIAL"),
    f!("punctual", "Ponctuelle", "Punctual", None, "NEVER"),
    f!("irregular", "Irrégulière", "Irregular", None, "IRREG"),
    f!("never", "Jamais", "Never", None, "NEVER"),
    f!("notPlanned", "Pas de mise à jour prévue", "Not planned", None, "NOT_PLANNED"),
    f!("other", "Autre", "Other", None, "OTHER"),
    f!("unknown", "Inconnue", "Unknown", None, "UNKNOWN"),
];

pub const DEFAULT: &str = "unknown";

/// udata's identifier, or one of its legacy aliases.
pub fn parse(raw: &str) -> Option<&'static Frequency> {
    let id = match raw.trim() {
        "realtime" => "continuous",
        "fortnighly" | "fortnightly" => "biweekly",
        "biannual" => "semiannual",
        "" => DEFAULT,
        other => other,
    };
    FREQUENCIES.iter().find(|f| f.id == id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_aliases_and_intervals() {
        assert_eq!(parse("daily").unwrap().interval_s, Some(86_400));
        assert_eq!(parse("realtime").unwrap().id, "continuous");
        assert_eq!(parse("biannual").unwrap().id, "semiannual");
        assert!(parse("Daily").is_none());
        assert!(parse("unknown").unwrap().interval_s.is_none());
        let mut ids: Vec<_> = FREQUENCIES.iter().map(|f| f.id).collect();
        ids.sort();
        ids.dedup();
        assert_eq!(ids.len(), FREQUENCIES.len());
    }
}
