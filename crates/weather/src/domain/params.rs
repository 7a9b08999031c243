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
    /// A parameter of a daily product: one value per day, stamped 00:00 UTC of its date.
    pub fn is_daily(self) -> bool {
        self.param().code.ends_with("_Q")
    }
    /// The daily parameter of Météo-France's Q product for one of its mnemonics (`TN` → `TN_Q`).
    pub fn daily(mnemonic: &str) -> Option<ParamId> {
        Self::parse(&format!("{}_Q", mnemonic.trim())).filter(|p| p.is_daily())
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
    // Météo-France's daily product (Q, files RR-T-Vent and autres-parametres): its mnemonic + `_Q`.
    // One value per climatological day, stamped 00:00 UTC of its date AAAAMMJJ (the date is a
    // label, whatever the window: RR_Q of J covers 06 FU J → 06 FU J+1).
    p("RR_Q", "mm", 1, Kind::Sum, "Précipitations en 24 heures, de 06h FU le jour J à 06h FU le jour J+1, affectées au jour J", "Precipitation in 24 hours, 06 FU day D to 06 FU day D+1, attributed to day D"),
    p("TN_Q", "°C", 1, Kind::Min, "Température minimale sous abri quotidienne", "Daily minimum temperature (shelter)"),
    p("HTN_Q", "hhmm", 0, Kind::TimeOfDay, "Heure de TN quotidienne (hhmm FU)", "Time of the daily TN"),
    p("TX_Q", "°C", 1, Kind::Max, "Température maximale sous abri quotidienne", "Daily maximum temperature (shelter)"),
    p("HTX_Q", "hhmm", 0, Kind::TimeOfDay, "Heure de TX quotidienne (hhmm FU)", "Time of the daily TX"),
    p("TM_Q", "°C", 1, Kind::Instant, "Moyenne quotidienne des températures horaires sous abri", "Daily mean of the hourly temperatures"),
    p("TNTXM_Q", "°C", 1, Kind::Instant, "Moyenne quotidienne (TN+TX)/2", "Daily (TN+TX)/2"),
    p("TAMPLI_Q", "°C", 1, Kind::Instant, "Amplitude thermique quotidienne (TX-TN)", "Daily temperature range (TX-TN)"),
    p("TNSOL_Q", "°C", 1, Kind::Min, "Température quotidienne minimale à 10 cm au-dessus du sol", "Daily minimum temperature 10 cm above ground"),
    p("TN50_Q", "°C", 1, Kind::Min, "Température quotidienne minimale à 50 cm au-dessus du sol", "Daily minimum temperature 50 cm above ground"),
    p("DG_Q", "min", 0, Kind::Sum, "Durée de gel sous abri quotidienne (T ≤ 0°C)", "Daily frost duration (T ≤ 0 °C)"),
    p("FFM_Q", "m/s", 1, Kind::Instant, "Moyenne quotidienne du vent moyenné sur 10 mn, à 10 m", "Daily mean wind speed (10 m)"),
    p("FF2M_Q", "m/s", 1, Kind::Instant, "Moyenne quotidienne du vent moyenné sur 10 mn, à 2 m", "Daily mean wind speed (2 m)"),
    p("FXY_Q", "m/s", 1, Kind::Max, "Maximum quotidien du vent moyenné sur 10 mn, à 10 m", "Daily max of the 10-min mean wind (10 m)"),
    p("DXY_Q", "°", 0, Kind::Direction, "Direction de FXY quotidien", "Direction of the daily FXY"),
    p("HXY_Q", "hhmm", 0, Kind::TimeOfDay, "Heure de FXY quotidien (hhmm FU)", "Time of the daily FXY"),
    p("FXI_Q", "m/s", 1, Kind::Max, "Maximum quotidien du vent instantané, à 10 m", "Daily max instantaneous wind (10 m)"),
    p("DXI_Q", "°", 0, Kind::Direction, "Direction de FXI quotidien", "Direction of the daily FXI"),
    p("HXI_Q", "hhmm", 0, Kind::TimeOfDay, "Heure de FXI quotidien (hhmm FU)", "Time of the daily FXI"),
    p("FXI2_Q", "m/s", 1, Kind::Max, "Maximum quotidien du vent instantané, à 2 m", "Daily max instantaneous wind (2 m)"),
    p("DXI2_Q", "°", 0, Kind::Direction, "Direction de FXI2 quotidien", "Direction of the daily FXI2"),
    p("HXI2_Q", "hhmm", 0, Kind::TimeOfDay, "Heure de FXI2 quotidien (hhmm FU)", "Time of the daily FXI2"),
    p("FXI3S_Q", "m/s", 1, Kind::Max, "Maximum quotidien du vent moyenné sur 3 s, à 10 m", "Daily max 3-s wind (10 m)"),
    p("DXI3S_Q", "°", 0, Kind::Direction, "Direction de FXI3S quotidien", "Direction of the daily FXI3S"),
    p("HXI3S_Q", "hhmm", 0, Kind::TimeOfDay, "Heure de FXI3S quotidien (hhmm FU)", "Time of the daily FXI3S"),
    p("DRR_Q", "min", 0, Kind::Sum, "Durée des précipitations quotidienne", "Daily precipitation duration"),
    p("DHUMEC_Q", "min", 0, Kind::Sum, "Durée d'humectation quotidienne", "Daily leaf wetness duration"),
    p("PMERM_Q", "hPa", 1, Kind::Instant, "Moyenne quotidienne des pressions mer horaires", "Daily mean sea-level pressure"),
    p("PMERMIN_Q", "hPa", 1, Kind::Min, "Minimum quotidien des pressions mer minimales horaires", "Daily minimum sea-level pressure"),
    p("INST_Q", "min", 0, Kind::Sum, "Durée d'insolation quotidienne", "Daily sunshine duration"),
    p("GLOT_Q", "J/cm²", 0, Kind::Sum, "Rayonnement global quotidien", "Daily global radiation"),
    p("DIFT_Q", "J/cm²", 0, Kind::Sum, "Rayonnement diffus quotidien", "Daily diffuse radiation"),
    p("DIRT_Q", "J/cm²", 0, Kind::Sum, "Rayonnement direct quotidien", "Daily direct radiation"),
    p("INFRART_Q", "J/cm²", 0, Kind::Sum, "Somme des rayonnements infra-rouge horaires", "Daily infrared radiation"),
    p("UV_Q", "J/cm²", 1, Kind::Sum, "Cumul quotidien de rayonnement ultra-violet", "Daily ultraviolet radiation"),
    p("UV_INDICEX_Q", "code", 0, Kind::Max, "Maximum des indices UV horaires", "Daily maximum UV index"),
    p("SIGMA_Q", "%", 0, Kind::Instant, "Fraction d'insolation par rapport à la durée du jour", "Sunshine fraction of the day length"),
    p("UN_Q", "%", 0, Kind::Min, "Minimum quotidien des humidités relatives minimales horaires", "Daily minimum relative humidity"),
    p("HUN_Q", "hhmm", 0, Kind::TimeOfDay, "Heure de UN quotidien (hhmm FU)", "Time of the daily UN"),
    p("UX_Q", "%", 0, Kind::Max, "Maximum quotidien des humidités relatives maximales horaires", "Daily maximum relative humidity"),
    p("HUX_Q", "hhmm", 0, Kind::TimeOfDay, "Heure de UX quotidien (hhmm FU)", "Time of the daily UX"),
    p("UM_Q", "%", 0, Kind::Instant, "Moyenne quotidienne des humidités relatives horaires", "Daily mean relative humidity"),
    p("DHUMI40_Q", "min", 0, Kind::Sum, "Durée quotidienne avec humidité ≤ 40 %", "Daily duration with humidity ≤ 40 %"),
    p("DHUMI80_Q", "min", 0, Kind::Sum, "Durée quotidienne avec humidité ≥ 80 %", "Daily duration with humidity ≥ 80 %"),
    p("TSVM_Q", "hPa", 1, Kind::Instant, "Tension de vapeur moyenne quotidienne", "Daily mean vapour pressure"),
    p("ETPMON_Q", "mm", 1, Kind::Sum, "ETP Monteith quotidienne", "Daily Penman-Monteith evapotranspiration"),
    p("ETPGRILLE_Q", "mm", 1, Kind::Sum, "ETP calculée au point de grille le plus proche", "Daily evapotranspiration at the nearest grid point"),
    p("ECOULEMENTM_Q", "code", 1, Kind::Instant, "Moyenne des niveaux d'écoulement horaires", "Daily mean flow level"),
    p("HNEIGEF_Q", "cm", 0, Kind::Sum, "Hauteur de neige fraîche tombée en 24 heures (06h FU J à 06h FU J+1) restant au sol à 06h FU, affectée au jour J", "Fresh snow in 24 hours (06 FU day D to 06 FU day D+1), attributed to day D"),
    p("NEIGETOTX_Q", "cm", 0, Kind::Max, "Épaisseur maximale de neige quotidienne (entre 01h et 24h FU)", "Daily maximum snow depth"),
    p("NEIGETOT06_Q", "cm", 0, Kind::Instant, "Épaisseur totale de neige au sol mesurée à 6h FU", "Snow depth at 06 FU"),
    p("NEIG_Q", "code", 0, Kind::Code, "Occurrence de neige (0 ou 1)", "Snow occurred (0 or 1)"),
    p("BROU_Q", "code", 0, Kind::Code, "Occurrence de brouillard (0 ou 1)", "Fog occurred (0 or 1)"),
    p("ORAG_Q", "code", 0, Kind::Code, "Occurrence d'orage (0 ou 1)", "Thunderstorm occurred (0 or 1)"),
    p("GRESIL_Q", "code", 0, Kind::Code, "Occurrence de grésil (0 ou 1)", "Ice pellets occurred (0 or 1)"),
    p("GRELE_Q", "code", 0, Kind::Code, "Occurrence de grêle (0 ou 1)", "Hail occurred (0 or 1)"),
    p("ROSEE_Q", "code", 0, Kind::Code, "Occurrence de rosée (0 ou 1)", "Dew occurred (0 or 1)"),
    p("VERGLAS_Q", "code", 0, Kind::Code, "Occurrence de verglas (0 ou 1)", "Glaze occurred (0 or 1)"),
    p("SOLNEIGE_Q", "code", 0, Kind::Code, "Occurrence de sol couvert de neige (0 ou 1)", "Snow-covered ground (0 or 1)"),
    p("GELEE_Q", "code", 0, Kind::Code, "Occurrence de gelée blanche (0 ou 1)", "Hoar frost occurred (0 or 1)"),
    p("FUMEE_Q", "code", 0, Kind::Code, "Occurrence de fumée (0 ou 1)", "Smoke occurred (0 or 1)"),
    p("BRUME_Q", "code", 0, Kind::Code, "Occurrence de brume (0 ou 1)", "Mist occurred (0 or 1)"),
    p("ECLAIR_Q", "code", 0, Kind::Code, "Occurrence d'éclair (0 ou 1)", "Lightning occurred (0 or 1)"),
    p("NB300_Q", "okta", 0, Kind::Instant, "Nébulosité maximale > 4/8 d'une couche < 300 m", "Max cover (> 4/8) of a layer below 300 m"),
    p("BA300_Q", "m", 0, Kind::Min, "Hauteur minimale de NB300", "Lowest base of NB300"),
    p("TMERMIN_Q", "°C", 1, Kind::Min, "Température minimale quotidienne de l'eau de mer", "Daily minimum sea temperature"),
    p("TMERMAX_Q", "°C", 1, Kind::Max, "Température maximale quotidienne de l'eau de mer", "Daily maximum sea temperature"),
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
    fn every_daily_column_of_the_field_descriptions_is_a_daily_parameter() {
        // 26 value columns in Q_descriptif_champs_RR-T-Vent.csv, 41 in …_autres-parametres.csv.
        let first = PARAMS.iter().position(|p| p.code == "RR_Q").unwrap();
        assert_eq!(PARAMS.len() - first, 26 + 41);
        assert!(PARAMS[..first].iter().all(|p| !p.code.ends_with("_Q")), "daily parameters come last");
        assert_eq!(ParamId::daily("htn").map(|p| p.param().code), Some("HTN_Q"));
        assert!(ParamId::daily("RR1").is_none());
        assert!(ParamId::daily("TMERMAX").unwrap().is_daily());
        assert!(!ParamId::parse("TN").unwrap().is_daily());
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
