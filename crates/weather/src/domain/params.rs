//! The parameter catalogue. Every column of Météo-France's hourly product (H) is a parameter,
//! named by its Météo-France mnemonic, with its unit and storage precision; parameters of other
//! sources (SYNOP periods) follow. A parameter's numeric id is its position in this table and is
//! stored: append new parameters at the end, never reorder.
use serde::Serialize;

/// How values of a parameter combine over a period.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum Kind {
    /// A reading at an instant (temperature, pressure): averaged.
    Instant,
    /// An amount over the interval ending at the stamp (rain, sunshine): summed.
    Sum,
    /// The minimum over the interval.
    Min,
    /// The maximum over the interval.
    Max,
    /// A direction in degrees: averaged as vectors, never arithmetically.
    Direction,
    /// A time of day `hhmm` attached to another parameter's extreme.
    TimeOfDay,
    /// A code of a WMO or Météo-France table: never averaged.
    Code,
}

#[derive(Clone, Copy, Debug, Serialize)]
pub struct Param {
    /// Météo-France mnemonic (`T`, `RR1`, `FXI`…).
    pub code: &'static str,
    /// Canonical unit.
    pub unit: &'static str,
    /// Decimal places kept in storage (values are stored as integers × 10^scale).
    pub scale: u8,
    pub kind: Kind,
    pub label_fr: &'static str,
    pub label_en: &'static str,
}

const fn p(code: &'static str, unit: &'static str, scale: u8, kind: Kind, label_fr: &'static str, label_en: &'static str) -> Param {
    Param { code, unit, scale, kind, label_fr, label_en }
}

/// Stable numeric identifier of a parameter (its index in [`PARAMS`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct ParamId(pub u16);

impl ParamId {
    pub fn param(self) -> &'static Param {
        &PARAMS[self.0 as usize]
    }
    /// Looks a parameter up by mnemonic, case-insensitively.
    pub fn parse(code: &str) -> Option<ParamId> {
        PARAMS.iter().position(|p| p.code.eq_ignore_ascii_case(code.trim())).map(|i| ParamId(i as u16))
    }
    pub fn from_index(i: i64) -> Option<ParamId> {
        usize::try_from(i).ok().filter(|i| *i < PARAMS.len()).map(|i| ParamId(i as u16))
    }
    /// The stored integer for a value, rounded to the parameter's precision.
    pub fn to_stored(self, value: f64) -> Option<i64> {
        let v = (value * 10f64.powi(self.param().scale as i32)).round();
        (v.is_finite() && v.abs() < 1e15).then_some(v as i64)
    }
    pub fn from_stored(self, stored: i64) -> f64 {
        stored as f64 / 10f64.powi(self.param().scale as i32)
    }
}

pub static PARAMS: &[Param] = &[
    p("RR1", "mm", 1, Kind::Sum, "Quantité de précipitation tombée en 1 heure", "Precipitation in 1 hour"),
    p("DRR1", "min", 0, Kind::Sum, "Durée des précipitations", "Precipitation duration"),
    p("FF", "m/s", 1, Kind::Instant, "Force du vent moyenné sur 10 mn, mesurée à 10 m", "Mean wind speed (10 min, 10 m)"),
    p("DD", "°", 0, Kind::Direction, "Direction de FF", "Mean wind direction"),
    p("FXY", "m/s", 1, Kind::Max, "Valeur maximale de FF dans l'heure", "Max of the 10-min mean wind in the hour"),
    p("DXY", "°", 0, Kind::Direction, "Direction de FXY", "Direction of FXY"),
    p("HXY", "hhmm", 0, Kind::TimeOfDay, "Heure de FXY (hhmm)", "Time of FXY"),
    p("FXI", "m/s", 1, Kind::Max, "Force maximale du vent instantané dans l'heure, mesurée à 10 m", "Max instantaneous wind (10 m)"),
    p("DXI", "°", 0, Kind::Direction, "Direction de FXI", "Direction of FXI"),
    p("HXI", "hhmm", 0, Kind::TimeOfDay, "Heure de FXI (hhmm)", "Time of FXI"),
    p("FF2", "m/s", 1, Kind::Instant, "Force du vent moyenné sur 10 mn, mesurée à 2 m", "Mean wind speed (10 min, 2 m)"),
    p("DD2", "°", 0, Kind::Direction, "Direction de FF2", "Direction of FF2"),
    p("FXI2", "m/s", 1, Kind::Max, "Force maximale du vent instantané dans l'heure, mesurée à 2 m", "Max instantaneous wind (2 m)"),
    p("DXI2", "°", 0, Kind::Direction, "Direction de FXI2", "Direction of FXI2"),
    p("HXI2", "hhmm", 0, Kind::TimeOfDay, "Heure de FXI2 (hhmm)", "Time of FXI2"),
    p("FXI3S", "m/s", 1, Kind::Max, "Force maximale du vent moyenné sur 3 secondes dans l'heure", "Max 3-s mean wind in the hour"),
    p("DXI3S", "°", 0, Kind::Direction, "Direction de FXI3S", "Direction of FXI3S"),
    p("HFXI3S", "hhmm", 0, Kind::TimeOfDay, "Heure de FXI3S (hhmm)", "Time of FXI3S"),
    p("T", "°C", 1, Kind::Instant, "Température sous abri instantanée", "Air temperature (shelter)"),
    p("TD", "°C", 1, Kind::Instant, "Température du point de rosée", "Dew point"),
    p("TN", "°C", 1, Kind::Min, "Température minimale sous abri dans l'heure", "Minimum temperature in the hour"),
    p("HTN", "hhmm", 0, Kind::TimeOfDay, "Heure de TN (hhmm)", "Time of TN"),
    p("TX", "°C", 1, Kind::Max, "Température maximale sous abri dans l'heure", "Maximum temperature in the hour"),
    p("HTX", "hhmm", 0, Kind::TimeOfDay, "Heure de TX (hhmm)", "Time of TX"),
    p("DG", "min", 0, Kind::Sum, "Durée de gel sous abri (T ≤ 0°C)", "Frost duration (T ≤ 0 °C)"),
    p("T10", "°C", 1, Kind::Instant, "Température à 10 cm au-dessous du sol, n'existe pas pour les sémaphores", "Soil temperature at −10 cm"),
    p("T20", "°C", 1, Kind::Instant, "Température à 20 cm au-dessous du sol, n'existe pas pour les sémaphores", "Soil temperature at −20 cm"),
    p("T50", "°C", 1, Kind::Instant, "Température à 50 cm au-dessous du sol, n'existe pas pour les sémaphores", "Soil temperature at −50 cm"),
    p("T100", "°C", 1, Kind::Instant, "Température à 1 m au-dessous du sol, n'existe pas pour les sémaphores", "Soil temperature at −1 m"),
    p("TNSOL", "°C", 1, Kind::Min, "Température minimale à 10 cm au-dessus du sol", "Minimum temperature at +10 cm"),
    p("TN50", "°C", 1, Kind::Min, "Température minimale à 50 cm au-dessus du sol", "Minimum temperature at +50 cm"),
    p("TCHAUSSEE", "°C", 1, Kind::Instant, "Température de surface mesurée sur herbe ou sur bitume", "Surface temperature (grass or asphalt)"),
    p("DHUMEC", "min", 0, Kind::Sum, "Durée d'humectation", "Leaf wetness duration"),
    p("U", "%", 0, Kind::Instant, "Humidité relative", "Relative humidity"),
    p("UN", "%", 0, Kind::Min, "Humidité relative minimale dans l'heure", "Minimum relative humidity in the hour"),
    p("HUN", "hhmm", 0, Kind::TimeOfDay, "Heure de UN (hhmm)", "Time of UN"),
    p("UX", "%", 0, Kind::Max, "Humidité relative maximale dans l'heure", "Maximum relative humidity in the hour"),
    p("HUX", "hhmm", 0, Kind::TimeOfDay, "Heure de UX (hhmm)", "Time of UX"),
    p("DHUMI40", "min", 0, Kind::Sum, "Durée avec humidité ≤ 40%", "Duration with humidity ≤ 40 %"),
    p("DHUMI80", "min", 0, Kind::Sum, "Durée avec humidité ≥ 80%", "Duration with humidity ≥ 80 %"),
    p("TSV", "hPa", 1, Kind::Instant, "Tension de vapeur", "Vapour pressure"),
    p("PMER", "hPa", 1, Kind::Instant, "Pression mer, seulement pour les postes dont l'altitude est inférieure ou égale à 750 m", "Mean sea-level pressure"),
    p("PSTAT", "hPa", 1, Kind::Instant, "Pression station", "Station pressure"),
    p("PMERMIN", "hPa", 1, Kind::Min, "Minimum horaire de la pression mer", "Hourly minimum sea-level pressure"),
    p("GEOP", "mgp", 0, Kind::Instant, "Géopotentiel, seulement pour les stations dont l'altitude est supérieure à 750 m", "Geopotential"),
    p("N", "okta", 0, Kind::Instant, "Nébulosité totale, 9=ciel invisible par brouillard et/ou autre phénomène météorologique", "Total cloud cover"),
    p("NBAS", "okta", 0, Kind::Instant, "Nébulosité de la couche nuageuse principale la plus basse", "Cover of the lowest main cloud layer"),
    p("CL", "code", 0, Kind::Code, "Code SYNOP nuages bas, Volume I, Classification des nuages)", "Low clouds (SYNOP code)"),
    p("CM", "code", 0, Kind::Code, "Code SYNOP nuages moyens, Volume I, Classification des nuages)", "Middle clouds (SYNOP code)"),
    p("CH", "code", 0, Kind::Code, "Code SYNOP nuages élevés, Volume I, Classification des nuages)", "High clouds (SYNOP code)"),
    p("N1", "okta", 0, Kind::Instant, "Nébulosité de la 1ère couche nuageuse", "Cover of cloud layer 1"),
    p("C1", "code", 0, Kind::Code, "Genre (code SYNOP) de la 1ère couche nuageuse", "Genus of cloud layer 1"),
    p("B1", "m", 0, Kind::Instant, "Base de la 1ère couche nuageuse", "Base of cloud layer 1"),
    p("N2", "okta", 0, Kind::Instant, "Nébulosité de la 2ème couche nuageuse", "Cover of cloud layer 2"),
    p("C2", "code", 0, Kind::Code, "Genre (code SYNOP) de la 2ème couche nuageuse", "Genus of cloud layer 2"),
    p("B2", "m", 0, Kind::Instant, "Base de la 2ème couche nuageuse", "Base of cloud layer 2"),
    p("N3", "okta", 0, Kind::Instant, "Nébulosité de la 3ème couche nuageuse", "Cover of cloud layer 3"),
    p("C3", "code", 0, Kind::Code, "Genre (code SYNOP) de la 3ème couche nuageuse", "Genus of cloud layer 3"),
    p("B3", "m", 0, Kind::Instant, "Base de la 3ème couche nuageuse", "Base of cloud layer 3"),
    p("N4", "okta", 0, Kind::Instant, "Nébulosité de la 4ème couche nuageuse", "Cover of cloud layer 4"),
    p("C4", "code", 0, Kind::Code, "Genre (code SYNOP) de la 4ème couche nuageuse", "Genus of cloud layer 4"),
    p("B4", "m", 0, Kind::Instant, "Base de la 4ème couche nuageuse", "Base of cloud layer 4"),
    p("VV", "m", 0, Kind::Instant, "Visibilité", "Visibility"),
    p("DVV200", "min", 0, Kind::Sum, "Durée avec visibilité < 200 m", "Duration with visibility < 200 m"),
    p("WW", "code", 0, Kind::Code, "Code descriptif du temps présent", "Present weather (WMO 4677)"),
    p("W1", "code", 0, Kind::Code, "Code descriptif du temps passé 1", "Past weather 1 (WMO 4687)"),
    p("W2", "code", 0, Kind::Code, "Code descriptif du temps passé 2", "Past weather 2 (WMO 4687)"),
    p("SOL", "code", 0, Kind::Code, "État du sol sans neige", "State of ground without snow"),
    p("SOLNG", "code", 0, Kind::Code, "État du sol avec neige", "State of ground with snow"),
    p("TMER", "°C", 1, Kind::Instant, "Température de la mer", "Sea temperature"),
    p("VVMER", "code", 0, Kind::Code, "Visibilité vers la mer, codée de 0 à 9", "Visibility towards the sea (code)"),
    p("ETATMER", "code", 0, Kind::Code, "État de la mer pour les sémaphores", "State of the sea (code)"),
    p("DIRHOULE", "°", 0, Kind::Direction, "Direction de la houle pour les sémaphores et égale à 999 si la direction est variable", "Swell direction"),
    p("HVAGUE", "m", 1, Kind::Instant, "Hauteur des vagues, en particulier les bouées fixes", "Wave height"),
    p("PVAGUE", "s", 1, Kind::Instant, "Période des vagues", "Wave period"),
    p("HNEIGEF", "cm", 0, Kind::Sum, "Hauteur de neige fraîche tombée en 6h, toujours renseignée aux heures synoptiques principales", "Fresh snow in 6 h"),
    p("NEIGETOT", "cm", 0, Kind::Instant, "Hauteur de neige totale au sol", "Total snow depth"),
    p("TSNEIGE", "°C", 1, Kind::Instant, "Température de surface de la neige", "Snow surface temperature"),
    p("TUBENEIGE", "cm", 0, Kind::Instant, "Enfoncement du tube de neige", "Snow tube penetration"),
    p("HNEIGEFI3", "cm", 0, Kind::Sum, "Hauteur de neige fraîche tombée en 3h, facultatif aux heures synoptiques intermédiaires", "Fresh snow in 3 h"),
    p("HNEIGEFI1", "cm", 0, Kind::Sum, "Hauteur de neige fraîche tombée en 1h, facultatif aux heures non synoptiques", "Fresh snow in 1 h"),
    p("ESNEIGE", "code", 0, Kind::Code, "Code descriptif de l'état de la neige pour les postes nivométéorologiques", "State of the snow (code)"),
    p("CHARGENEIGE", "kg/m²", 0, Kind::Instant, "Charge de la neige", "Snow load"),
    p("GLO", "J/cm²", 0, Kind::Sum, "Rayonnement global horaire en heure UTC", "Global radiation (UTC hour)"),
    p("GLO2", "J/cm²", 0, Kind::Sum, "Rayonnement global horaire en heure TSV", "Global radiation (true solar hour)"),
    p("DIR", "J/cm²", 0, Kind::Sum, "Rayonnement direct horaire en heure UTC", "Direct radiation (UTC hour)"),
    p("DIR2", "J/cm²", 0, Kind::Sum, "Rayonnement direct horaire en heure TSV", "Direct radiation (true solar hour)"),
    p("DIF", "J/cm²", 0, Kind::Sum, "Rayonnement diffus horaire en heure UTC", "Diffuse radiation (UTC hour)"),
    p("DIF2", "J/cm²", 0, Kind::Sum, "Rayonnement diffus horaire en heure TSV", "Diffuse radiation (true solar hour)"),
    p("UV", "J/cm²", 0, Kind::Sum, "Rayonnement ultra-violet horaire en heure UTC", "Ultraviolet radiation (UTC hour)"),
    p("UV2", "J/cm²", 0, Kind::Sum, "Rayonnement ultra-violet horaire en heure TSV", "Ultraviolet radiation (true solar hour)"),
    p("UV_INDICE", "code", 0, Kind::Code, "Indice UV (compris entre 0 et 12)", "UV index"),
    p("INFRAR", "J/cm²", 0, Kind::Sum, "Rayonnement infra-rouge horaire en heure UTC", "Infrared radiation (UTC hour)"),
    p("INFRAR2", "J/cm²", 0, Kind::Sum, "Rayonnement infra-rouge horaire en heure TSV", "Infrared radiation (true solar hour)"),
    p("INS", "min", 0, Kind::Sum, "Insolation horaire en heure UTC", "Sunshine duration (UTC hour)"),
    p("INS2", "min", 0, Kind::Sum, "Insolation horaire en heure TSV", "Sunshine duration (true solar hour)"),
    p("TLAGON", "°C", 1, Kind::Instant, "Température du lagon", "Lagoon temperature"),
    p("TVEGETAUX", "°C", 1, Kind::Instant, "Température des végétaux", "Vegetation temperature"),
    p("ECOULEMENT", "code", 0, Kind::Code, "Niveau d'écoulement", "Flow level"),
    // Other sources' periods (SYNOP sections 1 and 3, METAR remarks).
    p("RR3", "mm", 1, Kind::Sum, "Précipitations en 3 heures", "Precipitation in 3 hours"),
    p("RR6", "mm", 1, Kind::Sum, "Précipitations en 6 heures", "Precipitation in 6 hours"),
    p("RR12", "mm", 1, Kind::Sum, "Précipitations en 12 heures", "Precipitation in 12 hours"),
    p("RR24", "mm", 1, Kind::Sum, "Précipitations en 24 heures", "Precipitation in 24 hours"),
    p("TN12", "°C", 1, Kind::Min, "Température minimale en 12 heures", "Minimum temperature over 12 hours"),
    p("TX12", "°C", 1, Kind::Max, "Température maximale en 12 heures", "Maximum temperature over 12 hours"),
    p("TN24", "°C", 1, Kind::Min, "Température minimale en 24 heures", "Minimum temperature over 24 hours"),
    p("TX24", "°C", 1, Kind::Max, "Température maximale en 24 heures", "Maximum temperature over 24 hours"),
    p("RR_MN", "mm", 1, Kind::Sum, "Précipitations en 6 minutes", "Precipitation in 6 minutes"),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_hourly_column_of_the_field_description_is_a_parameter() {
        // 99 value columns in H_descriptif_champs.csv (each followed by its quality column).
        let hourly = PARAMS.iter().position(|p| p.code == "RR3").unwrap();
        assert_eq!(hourly, 99);
        for code in ["RR1", "T", "TD", "TN", "HTN", "TX", "U", "PMER", "PSTAT", "FXI3S", "GLO2", "UV_INDICE", "ECOULEMENT"] {
            assert!(ParamId::parse(code).is_some(), "{code}");
        }
        let mut codes: Vec<&str> = PARAMS.iter().map(|p| p.code).collect();
        codes.sort();
        codes.dedup();
        assert_eq!(codes.len(), PARAMS.len(), "codes are unique");
    }

    #[test]
    fn stored_values_keep_the_declared_precision() {
        let t = ParamId::parse("t").unwrap();
        assert_eq!(t.param().unit, "°C");
        assert_eq!(t.to_stored(-12.34), Some(-123));
        assert_eq!(t.from_stored(-123), -12.3);
        let u = ParamId::parse("U").unwrap();
        assert_eq!(u.to_stored(87.6), Some(88));
        assert_eq!(t.to_stored(f64::NAN), None);
        assert_eq!(ParamId::parse("RR1").unwrap().param().kind, Kind::Sum);
        assert_eq!(ParamId::parse("DD").unwrap().param().kind, Kind::Direction);
        assert_eq!(ParamId::parse("HXI").unwrap().param().kind, Kind::TimeOfDay);
        assert!(ParamId::from_index(PARAMS.len() as i64).is_none());
    }
}
