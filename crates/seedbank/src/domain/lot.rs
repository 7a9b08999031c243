//! Harvests, lots and the stock ledger's rules: codes, material types, dates, quantities.
use serde::Serialize;

/// Why a value was refused; `code` is the stable field-error code shown to people and programs.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("{field}: {reason}")]
pub struct Invalid {
    pub field: &'static str,
    pub code: &'static str,
    pub reason: String,
}

fn invalid(field: &'static str, code: &'static str, reason: impl Into<String>) -> Invalid {
    Invalid {
        field,
        code,
        reason: reason.into(),
    }
}

/// A calendar day, kept as ISO `YYYY-MM-DD` and as days since 1970-01-01 for intervals.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Day(i64);

impl Day {
    pub fn parse(field: &'static str, s: &str) -> Result<Day, Invalid> {
        let bad = || {
            invalid(
                field,
                "invalid_date",
                format!("`{s}` is not a date written YYYY-MM-DD"),
            )
        };
        let s = s.trim();
        let b = s.as_bytes();
        if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
            return Err(bad());
        }
        let num = |r: std::ops::Range<usize>| {
            s.get(r)
                .filter(|t| t.bytes().all(|c| c.is_ascii_digit()))
                .and_then(|t| t.parse::<i64>().ok())
        };
        let (Some(y), Some(m), Some(d)) = (num(0..4), num(5..7), num(8..10)) else {
            return Err(bad());
        };
        if !(1..=12).contains(&m) || d < 1 || d > days_in_month(y, m) || y < 1700 {
            return Err(bad());
        }
        Ok(Day(days_from_civil(y, m, d)))
    }
    pub fn from_days(days: i64) -> Day {
        Day(days)
    }
    pub fn days(self) -> i64 {
        self.0
    }
    pub fn year(self) -> i64 {
        civil(self.0).0
    }
    /// The same day `n` years later (29 February becomes the 28th in a common year).
    pub fn add_years(self, n: i64) -> Day {
        let (y, m, d) = civil(self.0);
        Day(days_from_civil(y + n, m, d.min(days_in_month(y + n, m))))
    }
    pub fn iso(self) -> String {
        let (y, m, d) = civil(self.0);
        format!("{y:04}-{m:02}-{d:02}")
    }
}

fn is_leap(y: i64) -> bool {
    (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
}

fn days_in_month(y: i64, m: i64) -> i64 {
    match m {
        2 if is_leap(y) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

// Howard Hinnant's civil-from-days algorithms: exact over the whole proleptic Gregorian calendar.
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (
        if m <= 2 {
            yoe + era * 400 + 1
        } else {
            yoe + era * 400
        },
        m,
        d,
    )
}

/// A harvest's code, `YYYY_NNNN` as in the CBNA module ("ID récolte : forme 2024_0001").
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct HarvestCode(String);

impl HarvestCode {
    pub fn parse(s: &str) -> Result<HarvestCode, Invalid> {
        let s = s.trim();
        let b = s.as_bytes();
        if b.len() == 9
            && b[4] == b'_'
            && b.iter()
                .enumerate()
                .all(|(i, c)| i == 4 || c.is_ascii_digit())
            && &s[5..] != "0000"
        {
            Ok(HarvestCode(s.to_string()))
        } else {
            Err(invalid(
                "code",
                "invalid_harvest_code",
                format!("`{s}` is not a harvest code written YYYY_NNNN (e.g. 2024_0001)"),
            ))
        }
    }
    /// The code following the highest number used in that year (`None`: the first).
    pub fn next(year: i64, highest: Option<&str>) -> HarvestCode {
        let n = highest
            .and_then(|h| h.get(5..))
            .and_then(|n| n.parse::<u32>().ok())
            .unwrap_or(0)
            + 1;
        HarvestCode(format!("{year:04}_{n:04}"))
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// An INSEE commune code, kept as text: 5 characters, digits, or 2A/2B then 3 digits (Corsica);
/// leading zeros matter (`05023`).
pub fn insee_commune(s: &str) -> Result<String, Invalid> {
    let s = s.trim().to_uppercase();
    let b = s.as_bytes();
    let department = b
        .get(..2)
        .is_some_and(|d| d.iter().all(u8::is_ascii_digit) || d == b"2A" || d == b"2B");
    if b.len() == 5 && department && b[2..].iter().all(u8::is_ascii_digit) {
        Ok(s)
    } else {
        Err(invalid(
            "commune_insee",
            "invalid_insee",
            format!("`{s}` is not an INSEE commune code (5 characters, e.g. 05023 or 2A004)"),
        ))
    }
}

/// A sowing's code, `SYYYY_NNNN` as the CBNA module checks it (`^S[0-9]{4}_[0-9]{4}$`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SowingCode(String);

impl SowingCode {
    pub fn parse(s: &str) -> Result<SowingCode, Invalid> {
        let s = s.trim();
        match s.strip_prefix('S').map(HarvestCode::parse) {
            Some(Ok(_)) => Ok(SowingCode(s.to_string())),
            _ => Err(invalid(
                "code",
                "invalid_sowing_code",
                format!("`{s}` is not a sowing code written SYYYY_NNNN (e.g. S2025_0001)"),
            )),
        }
    }
    /// The code following the highest number used in that year.
    pub fn next(year: i64, highest: Option<&str>) -> SowingCode {
        SowingCode(format!(
            "S{}",
            HarvestCode::next(year, highest.and_then(|h| h.strip_prefix('S'))).as_str()
        ))
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A lot's code (MCPD ACCENUMB): free, printable, at most 64 characters, unique in the bank.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct LotCode(String);

impl LotCode {
    pub fn parse(s: &str) -> Result<LotCode, Invalid> {
        let s = s.trim();
        if s.is_empty() {
            return Err(invalid("code", "required", "a lot code is required"));
        }
        if s.chars().count() > 64 || s.chars().any(|c| c.is_control() || c == ',' || c == ';') {
            return Err(invalid("code", "invalid_lot_code", "a lot code has at most 64 printable characters, without commas or semicolons (MCPD lists use them)"));
        }
        Ok(LotCode(s.to_string()))
    }
    /// A lot derived from a harvest takes the harvest's code and its rank: `2024_0001-2`.
    pub fn for_harvest(harvest: &str, rank: i64) -> LotCode {
        LotCode(format!("{harvest}-{rank}"))
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

macro_rules! vocabulary {
    ($(#[$doc:meta])* $name:ident, $field:literal, $code:literal { $($variant:ident = $id:literal),* $(,)? }) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($variant),* }
        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),*];
            pub fn id(self) -> &'static str {
                match self { $($name::$variant => $id),* }
            }
            pub fn parse(s: &str) -> Result<$name, Invalid> {
                match s.trim() {
                    $($id => Ok($name::$variant),)*
                    other => Err(invalid($field, $code, format!("`{other}` is not one of: {}", [$($id),*].join(", ")))),
                }
            }
        }
    };
}

vocabulary!(
    /// The CBNA module's material types (graine, spore, bulbe, …), MCPD SAMPTYPE-like.
    MaterialType, "material_type", "invalid_choice" {
        Seed = "seed", Spore = "spore", Bulb = "bulb", Bulbil = "bulbil", Rhizome = "rhizome",
        Cutting = "cutting", WholePlant = "whole_plant", ClumpDivision = "clump_division", SoilSample = "soil_sample",
    }
);

vocabulary!(
    /// Population size class of the CBNA module (≤10, 11–100, 101–1000, 1001–10000, >10000 plants).
    PopulationClass, "population_class", "invalid_choice" {
        UpTo10 = "1-10", UpTo100 = "11-100", UpTo1000 = "101-1000", UpTo10000 = "1001-10000", Over10000 = "10000+",
    }
);

vocabulary!(
    /// A lot's life: active, used up (stock at zero, kept), or deaccessioned (DwC disposition).
    LotStatus, "status", "invalid_choice" { Active = "active", Depleted = "depleted", Deaccessioned = "deaccessioned" }
);

vocabulary!(
    /// How a lot derives from its parent.
    Derivation, "derivation", "invalid_choice" { Split = "split", Regeneration = "regeneration", Multiplication = "multiplication", Duplicate = "safety_duplicate" }
);

vocabulary!(
    /// Ledger entries: seeds put in, taken out, moved between places, or a count corrected.
    MovementKind, "kind", "invalid_choice" { Deposit = "deposit", Withdrawal = "withdrawal", Transfer = "transfer", Correction = "correction" }
);

vocabulary!(
    /// Why seeds left the stock.
    Purpose, "purpose", "invalid_choice" {
        Test = "test", Sowing = "sowing", Distribution = "distribution", Reintroduction = "reintroduction", Loss = "loss",
        DerivedLot = "derived_lot", Other = "other",
    }
);

vocabulary!(
    /// Germination test, a viability test (tetrazolium, cut test) read the same way, or a sowing
    /// (semis) whose emerged seedlings are counted alike.
    TestKind, "kind", "invalid_choice" { Germination = "germination", Tetrazolium = "tetrazolium", CutTest = "cut_test", Sowing = "sowing" }
);

vocabulary!(
    /// Storage monitoring readings: equilibrium relative humidity (%), water activity (0–1), a
    /// silica-gel humidity indicator (0 its dry colour, 1 its saturated colour), temperature (°C).
    ReadingKind, "kind", "invalid_choice" { Erh = "erh", WaterActivity = "aw", Indicator = "indicator", Temperature = "temperature" }
);

/// Seeds are dried to 10–25 % equilibrium relative humidity for storage (FAO Genebank Standards,
/// 2014); above 30 % (our threshold, aw 0.30) or a saturated indicator, they must be dried again.
pub const DRY_AGAIN_ERH: f64 = 30.0;

/// A reading's value, checked for its kind; says whether the seeds must be dried again.
pub fn reading(kind: ReadingKind, value: f64) -> Result<bool, Invalid> {
    let (low, high) = match kind {
        ReadingKind::Erh => (0.0, 100.0),
        ReadingKind::WaterActivity | ReadingKind::Indicator => (0.0, 1.0),
        ReadingKind::Temperature => (-200.0, 60.0),
    };
    if !value.is_finite() || value < low || value > high {
        return Err(invalid(
            "value",
            "out_of_range",
            format!("a {} reading lies between {low} and {high}", kind.id()),
        ));
    }
    if kind == ReadingKind::Indicator && value != 0.0 && value != 1.0 {
        return Err(invalid(
            "value",
            "out_of_range",
            "an indicator is read as 0 (dry colour) or 1 (saturated colour)",
        ));
    }
    Ok(match kind {
        ReadingKind::Erh => value > DRY_AGAIN_ERH,
        ReadingKind::WaterActivity => value > DRY_AGAIN_ERH / 100.0,
        ReadingKind::Indicator => value == 1.0,
        ReadingKind::Temperature => false,
    })
}

vocabulary!(
    /// A quantity's unit: counted seeds, or a mass converted through the thousand-seed mass.
    Unit, "unit", "invalid_choice" { Seeds = "seeds", Grams = "g" }
);

/// A quantity as entered; the ledger keeps it and its value in seeds.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Quantity {
    pub value: f64,
    pub unit: Unit,
}

impl Quantity {
    pub fn parse(value: f64, unit: &str) -> Result<Quantity, Invalid> {
        let unit = Unit::parse(unit)?;
        if !value.is_finite() || value <= 0.0 {
            return Err(invalid(
                "quantity",
                "out_of_range",
                "a quantity is a positive number",
            ));
        }
        if unit == Unit::Seeds && value.fract() != 0.0 {
            return Err(invalid(
                "quantity",
                "out_of_range",
                "seeds are counted in whole numbers",
            ));
        }
        if value > 1e12 {
            return Err(invalid(
                "quantity",
                "out_of_range",
                "that quantity is beyond any seed bank",
            ));
        }
        Ok(Quantity { value, unit })
    }

    /// Seeds in this quantity; a mass needs the lot's thousand-seed mass, and is rounded to the
    /// nearest seed (at least one: a weighed portion is never empty).
    pub fn seeds(self, thousand_seed_mass_g: Option<f64>) -> Result<i64, Invalid> {
        match self.unit {
            Unit::Seeds => Ok(self.value as i64),
            Unit::Grams => match thousand_seed_mass_g {
                Some(tsm) if tsm > 0.0 => {
                    let seeds = (self.value * 1000.0 / tsm).round();
                    if seeds > 1e12 {
                        return Err(invalid("quantity", "out_of_range", "that many seeds is beyond any seed bank"));
                    }
                    Ok((seeds as i64).max(1))
                }
                _ => Err(invalid("unit", "thousand_seed_mass_unknown", "a mass can be converted to seeds only once the lot's thousand-seed mass is known")),
            },
        }
    }
}

/// The thousand-seed mass from a counted, weighed sample (CBNA's sample_count / sample_mass).
pub fn thousand_seed_mass(sample_count: u64, sample_mass_g: f64) -> Result<f64, Invalid> {
    if sample_count == 0 || !sample_mass_g.is_finite() || sample_mass_g <= 0.0 {
        return Err(invalid(
            "thousand_seed_mass_g",
            "out_of_range",
            "a sample has at least one seed and a positive mass",
        ));
    }
    Ok(sample_mass_g * 1000.0 / sample_count as f64)
}

/// One ledger entry as it changes the stock: the signed change of the lot's total and of each
/// place's balance. A transfer moves seeds between places and leaves the total unchanged.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Effect {
    pub total: i64,
    pub places: Vec<(String, i64)>,
}

/// What a movement does to the stock, or why it cannot be.
pub fn effect(
    kind: MovementKind,
    seeds: i64,
    place: &str,
    to_place: Option<&str>,
) -> Result<Effect, Invalid> {
    let place = place.trim();
    if place.is_empty() {
        return Err(invalid(
            "place",
            "required",
            "say where the seeds are (cold room, freezer, shelf…)",
        ));
    }
    if place.chars().count() > 120 {
        return Err(invalid(
            "place",
            "too_long",
            "a place name has at most 120 characters",
        ));
    }
    let to = to_place.map(str::trim).filter(|t| !t.is_empty());
    match (kind, to) {
        (MovementKind::Transfer, None) => Err(invalid(
            "to_place",
            "required",
            "a transfer needs a destination",
        )),
        (MovementKind::Transfer, Some(t)) if t == place => Err(invalid(
            "to_place",
            "same_place",
            "a transfer goes to another place",
        )),
        (MovementKind::Transfer, Some(t)) => Ok(Effect {
            total: 0,
            places: vec![(place.into(), -seeds), (t.into(), seeds)],
        }),
        (_, Some(_)) => Err(invalid(
            "to_place",
            "not_a_transfer",
            "only a transfer has a destination",
        )),
        (MovementKind::Deposit, None) => Ok(Effect {
            total: seeds,
            places: vec![(place.into(), seeds)],
        }),
        (MovementKind::Withdrawal, None) => Ok(Effect {
            total: -seeds,
            places: vec![(place.into(), -seeds)],
        }),
        // A correction states the count found at that place; the store turns it into a difference.
        (MovementKind::Correction, None) => Ok(Effect {
            total: seeds,
            places: vec![(place.into(), seeds)],
        }),
    }
}

/// FAO Genebank Standards (2014): a lot is regenerated when its viability falls below 85 % of
/// its initial viability.
pub const REGENERATION_FRACTION: f64 = 0.85;

/// Without a forecast, a lot's viability is tested again ten years after its last test (our
/// default, the usual interval for orthodox seeds in long-term storage).
pub const DEFAULT_RETEST_YEARS: i64 = 10;

/// When a lot's viability should be tested next: FAO Genebank Standards (2014) set monitoring
/// intervals at a third of the time predicted for viability to fall to 85 % of the initial;
/// without a prediction, [`DEFAULT_RETEST_YEARS`] after the last test.
pub fn next_test_due(tested: Day, regenerate_by: Option<Day>) -> Day {
    match regenerate_by {
        Some(r) if r > tested => Day::from_days(tested.days() + (r.days() - tested.days()) / 3),
        Some(r) => r,
        None => tested.add_years(DEFAULT_RETEST_YEARS),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn days() {
        assert_eq!(Day::parse("d", "1970-01-01").unwrap().days(), 0);
        assert_eq!(Day::parse("d", "2024-02-29").unwrap().iso(), "2024-02-29");
        assert!(Day::parse("d", "2023-02-29").is_err());
        assert!(Day::parse("d", "2024-13-01").is_err());
        assert!(Day::parse("d", "24-01-01").is_err());
        assert!(Day::parse("d", "2024-1-01").is_err());
        assert_eq!(
            Day::parse("d", "2024-03-01").unwrap().days()
                - Day::parse("d", "2024-02-01").unwrap().days(),
            29
        );
        assert_eq!(Day::parse("d", "2026-11-22").unwrap().year(), 2026);
    }

    #[test]
    fn harvest_codes() {
        assert_eq!(
            HarvestCode::parse("2024_0001").unwrap().as_str(),
            "2024_0001"
        );
        for bad in [
            "2024-0001",
            "2024_001",
            "24_0001",
            "2024_0000",
            "2024_00a1",
            "",
        ] {
            assert_eq!(
                HarvestCode::parse(bad).unwrap_err().code,
                "invalid_harvest_code",
                "{bad}"
            );
        }
        assert_eq!(HarvestCode::next(2025, None).as_str(), "2025_0001");
        assert_eq!(
            HarvestCode::next(2025, Some("2025_0041")).as_str(),
            "2025_0042"
        );
    }

    #[test]
    fn sowing_codes() {
        assert_eq!(
            SowingCode::parse("S2024_0001").unwrap().as_str(),
            "S2024_0001"
        );
        for bad in [
            "2024_0001",
            "S2024-0001",
            "S24_0001",
            "s2024_0001",
            "S2024_0000",
        ] {
            assert_eq!(
                SowingCode::parse(bad).unwrap_err().code,
                "invalid_sowing_code",
                "{bad}"
            );
        }
        assert_eq!(SowingCode::next(2025, None).as_str(), "S2025_0001");
        assert_eq!(
            SowingCode::next(2025, Some("S2025_0009")).as_str(),
            "S2025_0010"
        );
    }

    #[test]
    fn lot_codes() {
        assert_eq!(LotCode::parse(" CBNA-12 ").unwrap().as_str(), "CBNA-12");
        assert_eq!(LotCode::parse("").unwrap_err().code, "required");
        assert_eq!(LotCode::parse("a;b").unwrap_err().code, "invalid_lot_code");
        assert_eq!(LotCode::for_harvest("2024_0001", 2).as_str(), "2024_0001-2");
    }

    #[test]
    fn vocabularies() {
        assert_eq!(MaterialType::parse("seed").unwrap(), MaterialType::Seed);
        let e = MaterialType::parse("graine").unwrap_err();
        assert_eq!((e.field, e.code), ("material_type", "invalid_choice"));
        assert!(e.reason.contains("seed, spore"));
        assert!(MaterialType::ALL
            .iter()
            .all(|m| MaterialType::parse(m.id()) == Ok(*m)));
        assert_eq!(
            PopulationClass::parse("10000+").unwrap(),
            PopulationClass::Over10000
        );
    }

    #[test]
    fn quantities() {
        assert_eq!(
            Quantity::parse(250.0, "seeds").unwrap().seeds(None),
            Ok(250)
        );
        assert_eq!(
            Quantity::parse(2.5, "seeds").unwrap_err().code,
            "out_of_range"
        );
        assert_eq!(Quantity::parse(0.0, "g").unwrap_err().code, "out_of_range");
        assert_eq!(
            Quantity::parse(1.0, "kg").unwrap_err().code,
            "invalid_choice"
        );
        // 1.2 g of seeds weighing 0.8 g per thousand: 1,500 seeds.
        assert_eq!(
            Quantity::parse(1.2, "g").unwrap().seeds(Some(0.8)),
            Ok(1500)
        );
        assert_eq!(
            Quantity::parse(1.2, "g")
                .unwrap()
                .seeds(None)
                .unwrap_err()
                .code,
            "thousand_seed_mass_unknown"
        );
        assert_eq!(
            Quantity::parse(0.0001, "g").unwrap().seeds(Some(50.0)),
            Ok(1)
        );
        assert!((thousand_seed_mass(200, 0.46).unwrap() - 2.3).abs() < 1e-12);
        assert!(thousand_seed_mass(0, 1.0).is_err());
        assert_eq!(
            Quantity::parse(1e9, "g")
                .unwrap()
                .seeds(Some(1e-6))
                .unwrap_err()
                .code,
            "out_of_range"
        );
    }

    #[test]
    fn retests() {
        let d = |s| Day::parse("d", s).unwrap();
        assert_eq!(
            next_test_due(d("2020-01-01"), Some(d("2050-01-01"))).iso(),
            "2029-12-31"
        );
        assert_eq!(next_test_due(d("2020-01-01"), None).iso(), "2030-01-01");
        assert_eq!(
            next_test_due(d("2020-01-01"), Some(d("2019-06-01"))).iso(),
            "2019-06-01"
        );
        assert_eq!(d("2024-02-29").add_years(1).iso(), "2025-02-28");
        assert_eq!(d("2024-02-29").add_years(4).iso(), "2028-02-29");
    }

    #[test]
    fn readings() {
        assert_eq!(reading(ReadingKind::Erh, 18.0), Ok(false));
        assert_eq!(reading(ReadingKind::Erh, 35.0), Ok(true));
        assert_eq!(reading(ReadingKind::WaterActivity, 0.31), Ok(true));
        assert_eq!(reading(ReadingKind::WaterActivity, 0.2), Ok(false));
        assert_eq!(reading(ReadingKind::Indicator, 1.0), Ok(true));
        assert_eq!(
            reading(ReadingKind::Indicator, 0.5).unwrap_err().code,
            "out_of_range"
        );
        assert_eq!(
            reading(ReadingKind::WaterActivity, 1.5).unwrap_err().code,
            "out_of_range"
        );
        assert_eq!(reading(ReadingKind::Temperature, -19.5), Ok(false));
        assert!(reading(ReadingKind::Erh, f64::NAN).is_err());
    }

    #[test]
    fn effects() {
        assert_eq!(
            effect(MovementKind::Deposit, 100, "Chambre froide", None).unwrap(),
            Effect {
                total: 100,
                places: vec![("Chambre froide".into(), 100)]
            }
        );
        assert_eq!(
            effect(MovementKind::Withdrawal, 30, "Chambre froide", None)
                .unwrap()
                .total,
            -30
        );
        let t = effect(
            MovementKind::Transfer,
            40,
            "Chambre froide",
            Some("Congélateur"),
        )
        .unwrap();
        assert_eq!(t.total, 0);
        assert_eq!(t.places.iter().map(|(_, n)| n).sum::<i64>(), 0);
        assert_eq!(
            effect(MovementKind::Transfer, 40, "A", None)
                .unwrap_err()
                .code,
            "required"
        );
        assert_eq!(
            effect(MovementKind::Transfer, 40, "A", Some(" A "))
                .unwrap_err()
                .code,
            "same_place"
        );
        assert_eq!(
            effect(MovementKind::Deposit, 40, "A", Some("B"))
                .unwrap_err()
                .code,
            "not_a_transfer"
        );
        assert_eq!(
            effect(MovementKind::Deposit, 40, "  ", None)
                .unwrap_err()
                .code,
            "required"
        );
    }

    #[test]
    fn insee_codes() {
        assert_eq!(insee_commune(" 05023 ").unwrap(), "05023");
        assert_eq!(insee_commune("2a004").unwrap(), "2A004");
        for bad in ["5023", "050230", "2C004", "0502x", "\u{7}\u{10c34}"] {
            assert_eq!(
                insee_commune(bad).unwrap_err().code,
                "invalid_insee",
                "{bad}"
            );
        }
    }

    proptest! {
        #[test]
        fn day_round_trip(days in -50_000i64..200_000) {
            let d = Day::from_days(days);
            let back = Day::parse("d", &d.iso());
            if d.year() >= 1700 { prop_assert_eq!(back, Ok(d)); }
        }

        #[test]
        fn day_parse_never_panics(s in "\\PC{0,14}") {
            let _ = Day::parse("d", &s);
            let _ = HarvestCode::parse(&s);
            let _ = LotCode::parse(&s);
            let _ = SowingCode::parse(&s);
            let _ = insee_commune(&s);
        }

        #[test]
        fn grams_convert_monotonically(g in 0.001f64..1000.0, tsm in 0.01f64..500.0) {
            let a = Quantity::parse(g, "g").unwrap().seeds(Some(tsm)).unwrap();
            let b = Quantity::parse(g * 2.0, "g").unwrap().seeds(Some(tsm)).unwrap();
            prop_assert!(a >= 1 && b >= a);
        }
    }
}
