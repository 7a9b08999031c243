//! Derived meteorological quantities, each under the name of its formula (goal #14).
//!
//! Names of derived quantities are ambiguous: "dew point", "heat index", "wind chill" and
//! "apparent temperature" each have several published formulas, and the two reference
//! implementations we test against (metpy 1.7.1 and weewx 5.5.2 `wxformulas`) disagree on
//! most of them. So every function here is named after its formula, its doc comment names the
//! source, and its constants are named `const`s. The unit tests hold literal oracle tables
//! computed by metpy and weewx for the same inputs.
//!
//! Conventions: plain `f64` in and out; temperatures in °C, relative humidity in percent
//! (0–100), pressures in hPa, elevations in metres, wind speed in km/h or m/s as the function's
//! name says. Every function returns `None` when an input is not finite or lies outside the
//! formula's documented domain, instead of extrapolating to a meaningless number.
//!
//! Where metpy and weewx differ (see the report in each function's doc):
//! - dew point: metpy 1.7.1 [`dewpoint_ambaum_bolton`] vs weewx [`dewpoint_magnus`] with
//!   [`MAGNUS_WEEWX`] (0.03 °C apart at 32 °C / 70 %);
//! - heat index: metpy [`heat_index_nws_anderson2013`] vs weewx [`heat_index_nws_wpc`]
//!   (up to 1.25 °C apart near the switch between the simple formula and the regression);
//! - wind chill: metpy [`windchill_jagti_metric_kmh`] vs weewx [`windchill_jagti_us_kmh`]
//!   (up to 0.072 °C apart: the same 2001 index, two differently rounded regressions);
//! - apparent temperature: weewx [`apparent_temperature_steadman1994`] (Steadman / Australian
//!   BoM) vs metpy [`apparent_temperature_nws`] (NWS switch between wind chill and heat index):
//!   different quantities under one name.

/// 0 °C in kelvin.
pub const ZERO_CELSIUS_K: f64 = 273.15;

// --------------------------------------------------------------------------------------------
// Unit conversions, with the constants the oracles use (they matter at the 1e-3 level).
// --------------------------------------------------------------------------------------------

/// °C → °F, as weewx 5.5.2 `units.CtoF` (`x * 1.8 + 32`).
#[must_use]
pub fn celsius_to_fahrenheit(t_c: f64) -> f64 {
    t_c * 1.8 + 32.0
}

/// °F → °C, as weewx 5.5.2 `units.FtoC` (`(x - 32) / 1.8`).
#[must_use]
pub fn fahrenheit_to_celsius(t_f: f64) -> f64 {
    (t_f - 32.0) / 1.8
}

/// km/h in one international mile per hour (1 mi = 1609.344 m exactly; pint's `mph`).
pub const KMH_PER_MPH: f64 = 1.609_344;
/// km/h in one m/s.
pub const KMH_PER_MS: f64 = 3.6;
/// mph per km/h used by weewx 5.5.2 `windchillMetric` (`0.621371192 * V_kph`).
pub const WEEWX_MPH_PER_KMH: f64 = 0.621_371_192;
/// mph per m/s used by weewx 5.5.2 `windchillMetricWX` (`2.237 * V_mps`; exact value 2.236936…).
pub const WEEWX_MPH_PER_MS: f64 = 2.237;

fn finite(xs: &[f64]) -> bool {
    xs.iter().all(|x| x.is_finite())
}

fn valid_rh_open(rh_pct: f64) -> bool {
    rh_pct > 0.0 && rh_pct <= 100.0
}

fn valid_rh_closed(rh_pct: f64) -> bool {
    (0.0..=100.0).contains(&rh_pct)
}

fn some_finite(x: f64) -> Option<f64> {
    x.is_finite().then_some(x)
}

// --------------------------------------------------------------------------------------------
// Magnus-type saturation vapour pressure, dew point and relative humidity.
// --------------------------------------------------------------------------------------------

/// The three constants of a Magnus-type (August–Roche–Magnus) saturation vapour pressure
/// formula over liquid water: `e_s(T) = e0 · exp(a · T / (b + T))`, T in °C, e_s in hPa.
///
/// Dew point and relative humidity from a Magnus formula do not depend on `e0` (it cancels);
/// vapour pressures do.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct MagnusConstants {
    /// Saturation vapour pressure at 0 °C, hPa.
    pub e0_hpa: f64,
    /// Dimensionless coefficient `a`.
    pub a: f64,
    /// Temperature offset `b`, °C.
    pub b_c: f64,
}

/// Bolton (1980), Mon. Wea. Rev. 108, eq. 10: `e_s = 6.112 exp(17.67 T / (T + 243.5))`.
/// metpy 1.7.1 `dewpoint(e)` inverts this one (but its `saturation_vapor_pressure` is no longer
/// Bolton: see [`dewpoint_ambaum_bolton`]).
pub const MAGNUS_BOLTON_1980: MagnusConstants = MagnusConstants {
    e0_hpa: 6.112,
    a: 17.67,
    b_c: 243.5,
};

/// Alduchov & Eskridge (1996), J. Appl. Meteor. 35, eq. 21 ("AERK"):
/// `e_s = 6.1094 exp(17.625 T / (T + 243.04))`; the usual recommendation for −40…50 °C.
pub const MAGNUS_ALDUCHOV_ESKRIDGE_1996: MagnusConstants = MagnusConstants {
    e0_hpa: 6.1094,
    a: 17.625,
    b_c: 243.04,
};

/// The constants weewx 5.5.2 uses: `a = 17.27`, `b = 237.7 °C` in `wxformulas.dewpointC` (which
/// cites Wikipedia's "Dew point" article, where these constants are attributed to Barenbrug
/// 1974), and `e0 = 6.105 hPa` with the same `a`, `b` in `apptempC` (from the Australian Bureau
/// of Meteorology's apparent-temperature page). `dewpointC` does not use `e0`.
pub const MAGNUS_WEEWX: MagnusConstants = MagnusConstants {
    e0_hpa: 6.105,
    a: 17.27,
    b_c: 237.7,
};

/// Saturation vapour pressure over liquid water, hPa, by a Magnus formula:
/// `e_s = e0 · exp(a · T / (b + T))`.
///
/// Domain: `T > −b` (the formula's pole); `None` otherwise or for non-finite input.
#[must_use]
pub fn saturation_vapour_pressure_magnus(t_c: f64, k: MagnusConstants) -> Option<f64> {
    if !finite(&[t_c]) || t_c <= -k.b_c {
        return None;
    }
    some_finite(k.e0_hpa * (k.a * t_c / (k.b_c + t_c)).exp())
}

/// Actual vapour pressure, hPa, from temperature and relative humidity by a Magnus formula:
/// `e = RH/100 · e_s(T)`.
///
/// Domain: `0 ≤ RH ≤ 100`, `T > −b`.
#[must_use]
pub fn vapour_pressure_magnus(t_c: f64, rh_pct: f64, k: MagnusConstants) -> Option<f64> {
    if !valid_rh_closed(rh_pct) {
        return None;
    }
    saturation_vapour_pressure_magnus(t_c, k).map(|es| rh_pct / 100.0 * es)
}

/// Dew point, °C, from the vapour pressure by inverting a Magnus formula:
/// `Td = b · ln(e/e0) / (a − ln(e/e0))`.
///
/// With [`MAGNUS_BOLTON_1980`] this is metpy 1.7.1 `dewpoint(vapor_pressure)`.
/// Domain: `e > 0` hPa.
#[must_use]
pub fn dewpoint_from_vapour_pressure_magnus(e_hpa: f64, k: MagnusConstants) -> Option<f64> {
    if !finite(&[e_hpa]) || e_hpa <= 0.0 {
        return None;
    }
    let val = (e_hpa / k.e0_hpa).ln();
    if val >= k.a {
        return None;
    }
    some_finite(k.b_c * val / (k.a - val))
}

/// Dew point, °C, from temperature and relative humidity by a Magnus formula:
/// `γ = ln(RH/100) + a·T/(b+T)`, `Td = b·γ / (a − γ)`.
///
/// With [`MAGNUS_WEEWX`] this is weewx 5.5.2 `wxformulas.dewpointC` exactly. With
/// [`MAGNUS_BOLTON_1980`] it is the pure Bolton (1980) dew point — which metpy 1.7.1 no longer
/// computes (see [`dewpoint_ambaum_bolton`]).
///
/// Domain: `0 < RH ≤ 100` (`None` at 0 % — weewx also returns `None` there, from `log(0)` —
/// and above 100 %, where weewx extrapolates; clamp sensor overshoot before calling), `T > −b`.
/// `dewpoint_magnus(T, 100, k) == T` up to rounding, and `Td ≤ T`.
#[must_use]
pub fn dewpoint_magnus(t_c: f64, rh_pct: f64, k: MagnusConstants) -> Option<f64> {
    if !finite(&[t_c, rh_pct]) || !valid_rh_open(rh_pct) || t_c <= -k.b_c {
        return None;
    }
    let gamma = k.a * t_c / (k.b_c + t_c) + (rh_pct / 100.0).ln();
    some_finite(k.b_c * gamma / (k.a - gamma))
}

/// Tolerance for "dew point above air temperature" in the relative-humidity functions, °C:
/// rounding in a dew point computed at 100 % may put it a few ulps above T.
const TD_ABOVE_T_TOLERANCE_C: f64 = 1e-9;

/// Relative humidity, %, from temperature and dew point by a Magnus formula:
/// `RH = 100 · exp(a·Td/(b+Td) − a·T/(b+T))` — the exact inverse of [`dewpoint_magnus`] with the
/// same constants. (weewx 5.5.2 has no RH-from-dew-point function; with [`MAGNUS_WEEWX`] the
/// test oracle is `dewpointC` inverted by bisection.)
///
/// Domain: `Td ≤ T` (a dew point above the air temperature is supersaturation over liquid,
/// i.e. a sensor or QC problem: `None`), both `> −b`.
#[must_use]
pub fn relative_humidity_magnus(t_c: f64, td_c: f64, k: MagnusConstants) -> Option<f64> {
    if !finite(&[t_c, td_c]) || td_c > t_c + TD_ABOVE_T_TOLERANCE_C {
        return None;
    }
    if t_c <= -k.b_c || td_c <= -k.b_c {
        return None;
    }
    some_finite(100.0 * (k.a * td_c / (k.b_c + td_c) - k.a * t_c / (k.b_c + t_c)).exp())
}

// --------------------------------------------------------------------------------------------
// Ambaum (2020) saturation vapour pressure, as metpy 1.7.1 computes it.
// --------------------------------------------------------------------------------------------

/// Molar gas constant, J mol⁻¹ K⁻¹ (metpy 1.7.1 `constants/default.py` `R`, CODATA 2018).
pub const METPY_MOLAR_GAS_CONSTANT: f64 = 8.314_462_618;
/// Molar mass of water, kg mol⁻¹ (metpy 1.7.1 `Mw` = 18.015268 g/mol).
pub const METPY_WATER_MOLAR_MASS: f64 = 18.015_268e-3;
/// Specific gas constant of water vapour, J kg⁻¹ K⁻¹ (metpy 1.7.1 `Rv = R / Mw`).
pub const METPY_RV: f64 = METPY_MOLAR_GAS_CONSTANT / METPY_WATER_MOLAR_MASS;
/// Ratio of specific heats of water vapour (metpy 1.7.1 `wv_specific_heat_ratio`).
pub const METPY_WV_SPECIFIC_HEAT_RATIO: f64 = 1.330;
/// Specific heat of water vapour at constant pressure, J kg⁻¹ K⁻¹ (metpy 1.7.1
/// `Cp_v = γ · Rv / (γ − 1)`).
pub const METPY_CP_V: f64 =
    METPY_WV_SPECIFIC_HEAT_RATIO * METPY_RV / (METPY_WV_SPECIFIC_HEAT_RATIO - 1.0);
/// Specific heat of liquid water, J kg⁻¹ K⁻¹ (metpy 1.7.1 `Cp_l` = 4.2194 kJ/kg/K).
pub const METPY_CP_L: f64 = 4219.4;
/// Latent heat of vaporisation at the triple point, J kg⁻¹ (metpy 1.7.1 `Lv`).
pub const METPY_LV: f64 = 2.500_84e6;
/// Triple-point temperature of water, K (metpy 1.7.1 `T0`).
pub const METPY_T0_K: f64 = 273.16;
/// Saturation vapour pressure at `T0`, hPa (metpy 1.7.1 `sat_pressure_0c` = 6.112 mbar).
pub const METPY_SAT_PRESSURE_T0_HPA: f64 = 6.112;

/// Saturation vapour pressure over liquid water, hPa, by Ambaum (2020), Q. J. R. Meteorol.
/// Soc. 146, eq. 13, with the latent heat varying linearly with temperature (eq. 15) and
/// metpy's constants:
/// `L(T) = Lv − (c_pl − c_pv)(T − T0)`,
/// `e_s = e_s0 · (T0/T)^((c_pl − c_pv)/Rv) · exp((Lv/T0 − L(T)/T) / Rv)`, T in K.
///
/// This is metpy 1.7.1 `saturation_vapor_pressure(T, phase='liquid')` (metpy ≥ 1.6 replaced
/// Bolton's formula by this one). Domain: `T > −273.15 °C`.
#[must_use]
pub fn saturation_vapour_pressure_ambaum2020(t_c: f64) -> Option<f64> {
    if !finite(&[t_c]) {
        return None;
    }
    let t_k = t_c + ZERO_CELSIUS_K;
    if t_k <= 0.0 {
        return None;
    }
    let latent_heat = METPY_LV - (METPY_CP_L - METPY_CP_V) * (t_k - METPY_T0_K);
    let heat_power = (METPY_CP_L - METPY_CP_V) / METPY_RV;
    let exp_term = (METPY_LV / METPY_T0_K - latent_heat / t_k) / METPY_RV;
    some_finite(METPY_SAT_PRESSURE_T0_HPA * (METPY_T0_K / t_k).powf(heat_power) * exp_term.exp())
}

/// Dew point, °C, as metpy 1.7.1 `dewpoint_from_relative_humidity` computes it: the vapour
/// pressure `e = RH/100 · e_s(T)` with e_s from Ambaum (2020)
/// ([`saturation_vapour_pressure_ambaum2020`]), then the dew point by inverting **Bolton
/// (1980)** ([`dewpoint_from_vapour_pressure_magnus`] with [`MAGNUS_BOLTON_1980`]).
///
/// The two halves use different saturation curves, so unlike a pure Magnus dew point,
/// `dewpoint_ambaum_bolton(T, 100) ≠ T`: it is off by −0.33…+0.17 °C over −60…60 °C (e.g.
/// 24.973 °C at 25 °C), and metpy's own `relative_humidity_from_dewpoint`
/// ([`relative_humidity_ambaum2020`]) is not its inverse (up to 2.2 % RH apart at −60 °C). It
/// differs from the pure Bolton dew point by up to 0.20 °C over −40…50 °C (0.05 °C at
/// 32 °C / 70 %: 25.797 vs 25.849 °C). Kept to reproduce metpy; prefer [`dewpoint_magnus`] for new work.
///
/// Domain: `0 < RH ≤ 100` (metpy only warns above 120 %).
#[must_use]
pub fn dewpoint_ambaum_bolton(t_c: f64, rh_pct: f64) -> Option<f64> {
    if !finite(&[t_c, rh_pct]) || !valid_rh_open(rh_pct) {
        return None;
    }
    let e = rh_pct / 100.0 * saturation_vapour_pressure_ambaum2020(t_c)?;
    dewpoint_from_vapour_pressure_magnus(e, MAGNUS_BOLTON_1980)
}

/// Relative humidity, %, as metpy 1.7.1 `relative_humidity_from_dewpoint` (phase='liquid'):
/// `RH = 100 · e_s(Td) / e_s(T)` with Ambaum (2020) e_s on both sides.
///
/// Domain: `Td ≤ T` (`None` above — metpy would return more than 100 %).
#[must_use]
pub fn relative_humidity_ambaum2020(t_c: f64, td_c: f64) -> Option<f64> {
    if !finite(&[t_c, td_c]) || td_c > t_c + TD_ABOVE_T_TOLERANCE_C {
        return None;
    }
    let e = saturation_vapour_pressure_ambaum2020(td_c)?;
    let es = saturation_vapour_pressure_ambaum2020(t_c)?;
    some_finite(100.0 * e / es)
}

// --------------------------------------------------------------------------------------------
// Heat index (NWS: Steadman-consistent simple formula + Rothfusz 1990 regression).
// --------------------------------------------------------------------------------------------

/// At or below this temperature (°F) the NWS heat index is the air temperature (both oracles).
pub const HEAT_INDEX_T_MIN_F: f64 = 40.0;

/// NWS "simple formula", °F, consistent with Steadman (1979):
/// `HI = 0.5 · (T + 61 + 1.2·(T − 68) + 0.094·RH)` = `1.1·T − 10.3 + 0.047·RH`.
fn heat_index_simple_f(t_f: f64, rh: f64) -> f64 {
    0.5 * (t_f + 61.0 + ((t_f - 68.0) * 1.2) + (rh * 0.094))
}

/// Rothfusz (1990), NWS SR 90-23, regression of Steadman's (1979) table, °F, RH in %.
fn heat_index_rothfusz_f(t: f64, r: f64) -> f64 {
    -42.379 + 2.049_015_23 * t + 10.143_331_27 * r
        - 0.224_755_41 * t * r
        - 6.837_83e-3 * t * t
        - 5.481_717e-2 * r * r
        + 1.228_74e-3 * t * t * r
        + 8.5282e-4 * t * r * r
        - 1.99e-6 * t * t * r * r
}

/// NWS low-humidity adjustment, °F, to subtract: `(13 − RH)/4 · sqrt((17 − |T − 95|)/17)`.
fn heat_index_dry_adjustment_f(t_f: f64, rh: f64) -> f64 {
    ((13.0 - rh) / 4.0) * ((17.0 - (t_f - 95.0).abs()) / 17.0).sqrt()
}

/// NWS high-humidity adjustment, °F, to add: `(RH − 85)/10 · (87 − T)/5`.
fn heat_index_humid_adjustment_f(t_f: f64, rh: f64) -> f64 {
    ((rh - 85.0) / 10.0) * ((87.0 - t_f) / 5.0)
}

/// Heat index, °C — the NWS algorithm as written on the NWS Weather Prediction Center page
/// (<https://www.wpc.ncep.noaa.gov/html/heatindex_equation.shtml>), as weewx 5.5.2
/// `heatindexC(T, RH, algorithm='new')` implements it:
/// 1. T ≤ 40 °F: HI = T;
/// 2. else the simple formula `s = 0.5·(T + 61 + 1.2·(T − 68) + 0.094·RH)`;
/// 3. if `(s + T)/2 ≥ 80 °F`: the Rothfusz (1990) regression, minus the dry adjustment when
///    `RH < 13` and `80 < T < 112 °F`, or plus the humid adjustment when `RH > 85` and
///    `80 ≤ T < 87 °F`.
///
/// Differs from metpy ([`heat_index_nws_anderson2013`]) by up to 1.25 °C, only near the switch
/// of step 3 (e.g. 25 °C / 98 %: 26.114 here, 25.408 in metpy).
///
/// Not continuous: at the step-3 switch the regression and the simple formula differ by up to
/// 2.28 °F (1.26 °C, at 79 °F / 92 %), and at 40 °F the simple formula is 1.6–6.3 °F below T.
/// Domain: `0 ≤ RH ≤ 100` (weewx extrapolates beyond).
#[must_use]
pub fn heat_index_nws_wpc(t_c: f64, rh_pct: f64) -> Option<f64> {
    if !finite(&[t_c, rh_pct]) || !valid_rh_closed(rh_pct) {
        return None;
    }
    let t = celsius_to_fahrenheit(t_c);
    let r = rh_pct;
    if t <= HEAT_INDEX_T_MIN_F {
        return Some(t_c);
    }
    let mut hi = heat_index_simple_f(t, r);
    if (hi + t) / 2.0 >= 80.0 {
        hi = heat_index_rothfusz_f(t, r);
        if r < 13.0 && 80.0 < t && t < 112.0 {
            hi -= heat_index_dry_adjustment_f(t, r);
        } else if r > 85.0 && (80.0..87.0).contains(&t) {
            hi += heat_index_humid_adjustment_f(t, r);
        }
    }
    some_finite(fahrenheit_to_celsius(hi))
}

/// Heat index, °C — the NWS algorithm as depicted in Anderson, Bell & Peng (2013), Environ.
/// Health Perspect. 121, fig. 3, as metpy 1.7.1 `heat_index(T, RH, mask_undefined=False)`
/// implements it:
/// 1. T ≤ 40 °F: HI = T;
/// 2. else if the simple formula `s = 1.1·T − 10.3 + 0.047·RH < 79 °F`: HI = s;
/// 3. else the Rothfusz (1990) regression;
/// 4. then, whichever branch was taken (the simple one included), minus the dry adjustment when
///    `RH ≤ 13` and `80 ≤ T ≤ 112 °F`, plus the humid adjustment when `RH > 85` and
///    `80 ≤ T ≤ 87 °F`.
///
/// Differs from weewx ([`heat_index_nws_wpc`]) in the switch test (s < 79 vs (s + T)/2 ≥ 80)
/// and in applying the adjustments to the simple formula too (27 °C / 10 %: 25.854 here,
/// 26.017 in weewx). With `mask_undefined=True` metpy masks T < 80 °F; we return the value
/// (as `mask_undefined=False`) since the algorithm defines it.
///
/// Not continuous: the step-2/3 switch jumps by up to 1.66 °F (0.92 °C, at 76.9 °F / 100 %),
/// and at 40 °F by 1.6–6.3 °F. Domain: `0 ≤ RH ≤ 100`.
#[must_use]
pub fn heat_index_nws_anderson2013(t_c: f64, rh_pct: f64) -> Option<f64> {
    if !finite(&[t_c, rh_pct]) || !valid_rh_closed(rh_pct) {
        return None;
    }
    let t = celsius_to_fahrenheit(t_c);
    let r = rh_pct;
    if t <= HEAT_INDEX_T_MIN_F {
        return Some(t_c);
    }
    let simple = heat_index_simple_f(t, r);
    let mut hi = if simple < 79.0 {
        simple
    } else {
        heat_index_rothfusz_f(t, r)
    };
    if r <= 13.0 && (80.0..=112.0).contains(&t) {
        hi -= heat_index_dry_adjustment_f(t, r);
    }
    if r > 85.0 && (80.0..=87.0).contains(&t) {
        hi += heat_index_humid_adjustment_f(t, r);
    }
    some_finite(fahrenheit_to_celsius(hi))
}

// --------------------------------------------------------------------------------------------
// Wind chill: the 2001 JAG/TI Wind Chill Temperature Index (NWS and Environment Canada).
// --------------------------------------------------------------------------------------------
//
// The 2001 index (Osczevski & Bluestein 2005, BAMS 86) was published as two regressions, one in
// metric units and one in US units, each rounded separately. They are not unit conversions of
// each other: converted to °C/km/h the US one is
// 13.1267 + 0.6215·T − 11.3627·V^0.16 + 0.39617·T·V^0.16 against the metric
// 13.12 + 0.6215·T − 11.37·V^0.16 + 0.3965·T·V^0.16. That — not the unit handling — is why metpy
// (metric) gives −12.997 °C and weewx (US, via °F/mph) −12.974 °C for −5 °C / 30 km/h. The two
// differ by at most 0.072 °C over −60…10 °C and 4.8…200 km/h. They also differ in the domain
// edge: metpy masks T > 10 °C, weewx returns T when T ≥ 50 °F (10 °C is valid for metpy only).
// Both treat wind ≤ 3 mph (4.828 km/h) as undefined.

/// Highest air temperature of the wind chill index, °C (metpy: masked above 10 °C).
pub const WINDCHILL_T_MAX_C: f64 = 10.0;
/// Air temperature (°F) from which weewx 5.5.2 `windchillF` returns T instead of the index.
pub const WINDCHILL_US_T_LIMIT_F: f64 = 50.0;
/// Wind speed (mph) at or below which the index is undefined (metpy and weewx).
pub const WINDCHILL_V_MIN_MPH: f64 = 3.0;

/// Wind chill, °C, by the metric (Environment Canada / NWS °C–km/h) regression of the 2001
/// JAG/TI index: `WC = 13.12 + 0.6215·T − 11.37·V^0.16 + 0.3965·T·V^0.16`, V at 10 m in km/h.
///
/// This is metpy 1.7.1 `windchill(T, V)` (face_level_winds=False). Domain, as metpy's mask:
/// `T ≤ 10 °C` and `V > 3 mph` (4.828032 km/h); `None` outside (metpy masks; weewx's
/// US variant returns T — use `.unwrap_or(t_c)` for that convention).
#[must_use]
pub fn windchill_jagti_metric_kmh(t_c: f64, v_kmh: f64) -> Option<f64> {
    if !finite(&[t_c, v_kmh])
        || t_c > WINDCHILL_T_MAX_C
        || v_kmh <= WINDCHILL_V_MIN_MPH * KMH_PER_MPH
    {
        return None;
    }
    let s = v_kmh.powf(0.16);
    some_finite((0.6215 + 0.3965 * s) * t_c - 11.37 * s + 13.12)
}

/// [`windchill_jagti_metric_kmh`] with the wind in m/s (× 3.6), as metpy 1.7.1 `windchill`
/// given m/s. Domain: `T ≤ 10 °C`, `V > 3 mph` (1.34112 m/s).
#[must_use]
pub fn windchill_jagti_metric_ms(t_c: f64, v_ms: f64) -> Option<f64> {
    windchill_jagti_metric_kmh(t_c, v_ms * KMH_PER_MS)
}

/// Wind chill, °F, by the US (NWS °F–mph) regression of the 2001 JAG/TI index:
/// `WC = 35.74 + 0.6215·T + (−35.75 + 0.4275·T)·V^0.16`, V at 10 m in mph
/// (<https://www.weather.gov/safety/cold-wind-chill-chart>); weewx 5.5.2 `windchillF`.
///
/// Domain, as weewx: `T < 50 °F` and `V > 3 mph`; `None` outside, where weewx returns T
/// (use `.unwrap_or(t_f)` for weewx's convention).
#[must_use]
pub fn windchill_jagti_us_f_mph(t_f: f64, v_mph: f64) -> Option<f64> {
    if !finite(&[t_f, v_mph]) || t_f >= WINDCHILL_US_T_LIMIT_F || v_mph <= WINDCHILL_V_MIN_MPH {
        return None;
    }
    some_finite(35.74 + 0.6215 * t_f + (-35.75 + 0.4275 * t_f) * v_mph.powf(0.16))
}

/// Wind chill, °C, from T in °C and V in km/h by the US regression
/// ([`windchill_jagti_us_f_mph`], through °F and mph = 0.621371192 · km/h): weewx 5.5.2
/// `windchillMetric`. Domain: `T < 10 °C`, `V > 3 mph`; `None` outside (weewx: T).
#[must_use]
pub fn windchill_jagti_us_kmh(t_c: f64, v_kmh: f64) -> Option<f64> {
    windchill_jagti_us_f_mph(celsius_to_fahrenheit(t_c), WEEWX_MPH_PER_KMH * v_kmh)
        .map(fahrenheit_to_celsius)
}

/// Wind chill, °C, from T in °C and V in m/s by the US regression, through mph = 2.237 · m/s:
/// weewx 5.5.2 `windchillMetricWX`. Domain: `T < 10 °C`, `V > 3 mph`; `None` outside
/// (weewx: T).
#[must_use]
pub fn windchill_jagti_us_ms(t_c: f64, v_ms: f64) -> Option<f64> {
    windchill_jagti_us_f_mph(celsius_to_fahrenheit(t_c), WEEWX_MPH_PER_MS * v_ms)
        .map(fahrenheit_to_celsius)
}

// --------------------------------------------------------------------------------------------
// Humidex (Environment Canada, Masterton & Richardson 1979).
// --------------------------------------------------------------------------------------------

/// Humidex vapour pressure at 0 °C, hPa (Environment Canada: `6.11`).
pub const HUMIDEX_E0_HPA: f64 = 6.11;
/// `L/Rv` of the humidex vapour pressure, K (Environment Canada: `5417.7530`).
pub const HUMIDEX_L_OVER_RV_K: f64 = 5417.7530;
/// Humidex coefficient, °C/hPa (Environment Canada: `0.5555`).
pub const HUMIDEX_COEFF: f64 = 0.5555;
/// Vapour pressure below which humidex adds nothing, hPa (`10`).
pub const HUMIDEX_E_REF_HPA: f64 = 10.0;

/// Humidex, °C, from temperature and dew point (Environment Canada; Masterton & Richardson
/// 1979): `e = 6.11 · exp(5417.7530 · (1/273.15 − 1/Td_K))`, `h = 0.5555 · (e − 10)`,
/// `humidex = T + h` when `h > 0`, else `T` (as weewx 5.5.2 `humidexC`).
#[must_use]
pub fn humidex_from_dewpoint_ec(t_c: f64, td_c: f64) -> Option<f64> {
    if !finite(&[t_c, td_c]) {
        return None;
    }
    let td_k = td_c + ZERO_CELSIUS_K;
    if td_k <= 0.0 {
        return None;
    }
    let e = HUMIDEX_E0_HPA * (HUMIDEX_L_OVER_RV_K * (1.0 / ZERO_CELSIUS_K - 1.0 / td_k)).exp();
    let h = HUMIDEX_COEFF * (e - HUMIDEX_E_REF_HPA);
    some_finite(if h > 0.0 { t_c + h } else { t_c })
}

/// Humidex, °C, from temperature and relative humidity, as weewx 5.5.2 `humidexC`: the dew
/// point by [`dewpoint_magnus`] with [`MAGNUS_WEEWX`], then [`humidex_from_dewpoint_ec`].
/// Domain: `0 < RH ≤ 100` (weewx: `None` at 0 %).
#[must_use]
pub fn humidex_ec(t_c: f64, rh_pct: f64) -> Option<f64> {
    let td = dewpoint_magnus(t_c, rh_pct, MAGNUS_WEEWX)?;
    humidex_from_dewpoint_ec(t_c, td)
}

// --------------------------------------------------------------------------------------------
// Apparent temperature.
// --------------------------------------------------------------------------------------------

/// Steadman (1994) / BoM apparent temperature: °C per hPa of vapour pressure (`0.33`).
pub const STEADMAN_AT_E_COEFF: f64 = 0.33;
/// Steadman (1994) / BoM apparent temperature: °C per m/s of 10 m wind (`0.70`).
pub const STEADMAN_AT_WIND_COEFF: f64 = 0.70;
/// Steadman (1994) / BoM apparent temperature: constant offset, °C (`4.00`).
pub const STEADMAN_AT_OFFSET_C: f64 = 4.00;

/// Apparent temperature, °C, Steadman (1994), J. Climate 7 — the non-radiation version used
/// by the Australian Bureau of Meteorology (<http://www.bom.gov.au/info/thermal_stress/>):
/// `AT = T + 0.33·e − 0.70·V − 4.00`, with `e = RH/100 · 6.105 · exp(17.27·T/(237.7 + T))` hPa
/// ([`MAGNUS_WEEWX`]) and V the 10 m wind in m/s. This is weewx 5.5.2 `apptempC`.
///
/// Domain, as weewx (which returns `None` outside): `0 ≤ RH ≤ 100`, `V ≥ 0`.
/// Not the same quantity as metpy's `apparent_temperature` ([`apparent_temperature_nws`]):
/// 36.845 vs 40.409 °C at 32 °C / 70 % / 3 m/s.
#[must_use]
pub fn apparent_temperature_steadman1994(t_c: f64, rh_pct: f64, v_ms: f64) -> Option<f64> {
    if !finite(&[t_c, rh_pct, v_ms]) || v_ms < 0.0 {
        return None;
    }
    let e = vapour_pressure_magnus(t_c, rh_pct, MAGNUS_WEEWX)?;
    some_finite(
        t_c + STEADMAN_AT_E_COEFF * e - STEADMAN_AT_WIND_COEFF * v_ms - STEADMAN_AT_OFFSET_C,
    )
}

/// Air temperature (°F) from which metpy's apparent temperature uses the heat index.
pub const NWS_AT_HEAT_INDEX_T_MIN_F: f64 = 80.0;

/// "Apparent temperature", °C, as the NWS uses the term (NWS Directive 10-201) and metpy 1.7.1
/// `apparent_temperature(T, RH, V, mask_undefined=False)` computes it: the wind chill
/// ([`windchill_jagti_metric_ms`]) where it is defined (T ≤ 10 °C and V > 3 mph), else the heat
/// index ([`heat_index_nws_anderson2013`]) where T ≥ 80 °F, else T.
///
/// Domain: `0 ≤ RH ≤ 100`, `V ≥ 0` m/s.
#[must_use]
pub fn apparent_temperature_nws(t_c: f64, rh_pct: f64, v_ms: f64) -> Option<f64> {
    if !finite(&[t_c, rh_pct, v_ms]) || !valid_rh_closed(rh_pct) || v_ms < 0.0 {
        return None;
    }
    if let Some(wc) = windchill_jagti_metric_ms(t_c, v_ms) {
        return Some(wc);
    }
    if celsius_to_fahrenheit(t_c) >= NWS_AT_HEAT_INDEX_T_MIN_F {
        return heat_index_nws_anderson2013(t_c, rh_pct);
    }
    Some(t_c)
}

// --------------------------------------------------------------------------------------------
// Pressure reduction.
// --------------------------------------------------------------------------------------------

/// Scale-height constant of wview's sea-level reduction, m/K (≈ Rd/g = 287.05/9.80665 = 29.27;
/// wview and weewx 5.5.2 `_etterm` use `29.263`).
pub const WVIEW_SLP_M_PER_K: f64 = 29.263;

/// Sea-level pressure, hPa, from station pressure by the hypsometric equation with the current
/// station temperature as the mean temperature of the (fictitious) column below the station,
/// no lapse rate and no humidity correction, as wview and weewx 5.5.2
/// `sealevel_pressure_Metric`: `SLP = p · exp(z / (T_K · 29.263))`.
///
/// Domain: `p > 0`, `T > −273.15 °C`. Not the WMO/Manual of Barometry reduction (which uses a
/// 12-hour mean temperature and a lapse rate).
#[must_use]
pub fn sea_level_pressure_wview(p_hpa: f64, elevation_m: f64, t_c: f64) -> Option<f64> {
    if !finite(&[p_hpa, elevation_m, t_c]) || p_hpa <= 0.0 {
        return None;
    }
    let t_k = t_c + ZERO_CELSIUS_K;
    if t_k <= 0.0 {
        return None;
    }
    let pt = (-elevation_m / (t_k * WVIEW_SLP_M_PER_K)).exp();
    some_finite(p_hpa / pt)
}

/// inHg per hPa in the ASOS altimeter formula (weewx 5.5.2 `uwxutils.HPaToIn`: `0.02953`).
pub const ASOS_INHG_PER_HPA: f64 = 0.02953;
/// Metres per foot (`uwxutils.MToFt`: `/ 0.3048`).
pub const ASOS_M_PER_FT: f64 = 0.3048;
/// ASOS altimeter exponent `n = 0.1903` (≈ Rd·γ/g for the standard atmosphere).
pub const ASOS_ALTIMETER_N: f64 = 0.1903;
/// ASOS altimeter outer exponent `1/n`, rounded to `5.255`.
pub const ASOS_ALTIMETER_INV_N: f64 = 5.255;
/// ASOS altimeter coefficient, inHg^n per foot (`1.313e-5`).
pub const ASOS_ALTIMETER_K_PER_FT: f64 = 1.313e-5;
/// Station pressure (hPa) at or below which weewx 5.5.2 `altimeter_pressure_Metric` returns
/// `None`.
pub const ASOS_ALTIMETER_P_MIN_HPA: f64 = 0.3;

/// Altimeter setting, hPa, by the ASOS formula (NWS ASOS; weewx 5.5.2
/// `altimeter_pressure_Metric(p, z, algorithm='aaASOS')`), computed in inHg and feet:
/// `A = (p_inHg^0.1903 + 1.313e-5 · z_ft)^5.255`, with inHg = 0.02953 · hPa.
///
/// Note `A(p, 0) ≠ p` exactly (948.08 → 948.16 hPa) because 0.1903 · 5.255 ≠ 1.
/// Domain: `p > 0.3 hPa` (as weewx) and a positive base (very negative elevations).
#[must_use]
pub fn altimeter_setting_asos(p_hpa: f64, elevation_m: f64) -> Option<f64> {
    if !finite(&[p_hpa, elevation_m]) || p_hpa <= ASOS_ALTIMETER_P_MIN_HPA {
        return None;
    }
    let p_inhg = p_hpa * ASOS_INHG_PER_HPA;
    let z_ft = elevation_m / ASOS_M_PER_FT;
    let base = p_inhg.powf(ASOS_ALTIMETER_N) + ASOS_ALTIMETER_K_PER_FT * z_ft;
    if base <= 0.0 {
        return None;
    }
    some_finite(base.powf(ASOS_ALTIMETER_INV_N) / ASOS_INHG_PER_HPA)
}

// --------------------------------------------------------------------------------------------
// Cloud base.
// --------------------------------------------------------------------------------------------

/// Feet of cloud-base height per °C of temperature–dew-point spread (`1000 / 2.5` = 400 ft/°C,
/// weewx 5.5.2 `cloudbase_Metric`; its US version uses 1000/4.4 ft/°F, ≈ 409 ft/°C).
pub const CLOUDBASE_FT_PER_C: f64 = 1000.0 / 2.5;
/// Metres per foot as weewx 5.5.2 `units.METER_PER_FOOT` (`1609.34 / 5280`).
pub const WEEWX_M_PER_FT: f64 = 1609.34 / 5280.0;

/// Height of the base of convective cloud, m above sea level, by the spread rule
/// (Espy's rule: the lifting condensation level rises ≈ 400 ft per °C of T − Td), as weewx
/// 5.5.2 `cloudbase_Metric`: `z + (T − Td) · 400 ft`, Td by [`dewpoint_magnus`] with
/// [`MAGNUS_WEEWX`]. Domain: `0 < RH ≤ 100`.
#[must_use]
pub fn cloud_base_spread_m(t_c: f64, rh_pct: f64, elevation_m: f64) -> Option<f64> {
    if !finite(&[elevation_m]) {
        return None;
    }
    let td = dewpoint_magnus(t_c, rh_pct, MAGNUS_WEEWX)?;
    some_finite(elevation_m + (t_c - td) * CLOUDBASE_FT_PER_C * WEEWX_M_PER_FT)
}

#[cfg(test)]
mod tests {
    //! Oracle tables: literal values printed by metpy 1.7.1 and weewx 5.5.2 (both pip, in one
    //! Python 3 venv) for the same inputs, by a script kept outside the repository
    //! (`gen_oracles.py`: it builds each input grid, calls the oracle function named in each
    //! table's comment and prints the Rust rows with 9 decimals). `None` = the oracle returns
    //! `None` / a masked value, or (wind chill, weewx) the input is outside the domain where
    //! weewx returns the air temperature — asserted separately below.
    //!
    //! Tolerance: 1e-6, tighter than the spec's 1e-3, because we reproduce each oracle's formula
    //! and constants exactly; what remains is floating-point operation order (~1e-12) and the
    //! 9-decimal printing (5e-10).
    use super::*;
    use proptest::prelude::*;

    const TOL: f64 = 1e-6;

    fn check(what: &str, inputs: &[f64], got: Option<f64>, want: Option<f64>) {
        match (got, want) {
            (Some(g), Some(w)) => assert!(
                (g - w).abs() <= TOL,
                "{what}{inputs:?}: ours {g} vs oracle {w} (diff {:e})",
                (g - w).abs()
            ),
            (None, None) => {}
            _ => panic!("{what}{inputs:?}: ours {got:?} vs oracle {want:?}"),
        }
    }

    // ---- oracle tables (generated; see module doc) ----------------------------------------

    /// metpy 1.7.1 `dewpoint_from_relative_humidity(T degC, RH percent)`: (T °C, RH %, Td °C)
    #[rustfmt::skip]
    const DEWPOINT_METPY: &[(f64, f64, Option<f64>)] = &[
        (32.0, 70.0, Some(25.797127715)),
        (-30.0, 60.0, Some(-35.292132599)),
        (-10.0, 90.0, Some(-11.345598874)),
        (0.0, 50.0, Some(-9.200574001)),
        (0.0, 100.0, Some(-0.010007388)),
        (10.0, 50.0, Some(0.047900916)),
        (15.0, 5.0, Some(-24.434983570)),
        (20.0, 30.0, Some(1.892343720)),
        (25.0, 100.0, Some(24.973088186)),
        (30.0, 90.0, Some(28.136292449)),
        (35.0, 40.0, Some(19.344997454)),
        (40.0, 10.0, Some(2.576808486)),
        (45.0, 60.0, Some(35.310244467)),
        (5.0, 1.0, Some(-47.212599877)),
    ];

    /// weewx 5.5.2 `wxformulas.dewpointC(T, RH)`: (T °C, RH %, Td °C); None where weewx returns None
    #[rustfmt::skip]
    const DEWPOINT_WEEWX: &[(f64, f64, Option<f64>)] = &[
        (32.0, 70.0, Some(25.824765360)),
        (-30.0, 60.0, Some(-35.232896219)),
        (-10.0, 90.0, Some(-11.322975332)),
        (0.0, 50.0, Some(-9.172172513)),
        (0.0, 100.0, Some(0.000000000)),
        (10.0, 50.0, Some(0.055993005)),
        (15.0, 5.0, Some(-24.344999710)),
        (20.0, 30.0, Some(1.891557941)),
        (25.0, 100.0, Some(25.000000000)),
        (30.0, 90.0, Some(28.173248882)),
        (35.0, 40.0, Some(19.353390325)),
        (40.0, 10.0, Some(2.573745419)),
        (45.0, 60.0, Some(35.393005539)),
        (5.0, 1.0, Some(-46.938055121)),
        (20.0, 0.0, None),
    ];

    /// metpy 1.7.1 `relative_humidity_from_dewpoint(T, Td)` in percent: (T °C, Td °C, RH %)
    #[rustfmt::skip]
    const RH_METPY: &[(f64, f64, Option<f64>)] = &[
        (25.0, 12.0, Some(44.299836470)),
        (32.0, 25.797, Some(69.877783735)),
        (-20.0, -25.0, Some(64.374242736)),
        (0.0, -5.0, Some(69.019540378)),
        (10.0, 10.0, Some(100.000000000)),
        (20.0, 5.0, Some(37.336708558)),
        (30.0, 28.0, Some(89.095426941)),
        (40.0, 0.0, Some(8.304739402)),
        (-5.0, -30.0, Some(12.089789687)),
        (15.0, 14.5, Some(96.828115129)),
        (35.0, 30.0, Some(75.491980661)),
        (5.0, -10.0, Some(32.849604657)),
    ];

    /// RH such that weewx 5.5.2 `dewpointC(T, RH)` == Td (bisection): (T °C, Td °C, RH %)
    #[rustfmt::skip]
    const RH_WEEWX_INVERTED: &[(f64, f64, Option<f64>)] = &[
        (25.0, 12.0, Some(44.327995331)),
        (32.0, 25.797, Some(69.885192736)),
        (-20.0, -25.0, Some(64.193565355)),
        (0.0, -5.0, Some(68.998967724)),
        (10.0, 10.0, Some(100.000000000)),
        (20.0, 5.0, Some(37.361509865)),
        (30.0, 28.0, Some(89.098462170)),
        (40.0, 0.0, Some(8.311114077)),
        (-5.0, -30.0, Some(11.962606505)),
        (15.0, 14.5, Some(96.830677354)),
        (35.0, 30.0, Some(75.490535119)),
        (5.0, -10.0, Some(32.816355675)),
    ];

    /// metpy 1.7.1 `heat_index(T, RH, mask_undefined=False)`: (T °C, RH %, HI °C)
    #[rustfmt::skip]
    const HEAT_INDEX_METPY: &[(f64, f64, Option<f64>)] = &[
        (32.0, 70.0, Some(40.409273680)),
        (-5.0, 50.0, Some(-5.000000000)),
        (4.0, 50.0, Some(4.000000000)),
        (5.0, 50.0, Some(2.861111111)),
        (15.0, 80.0, Some(14.644444444)),
        (20.0, 50.0, Some(19.361111111)),
        (25.0, 98.0, Some(25.407592978)),
        (26.0, 50.0, Some(25.961111111)),
        (26.0, 90.0, Some(28.038065740)),
        (27.0, 10.0, Some(25.853717940)),
        (27.0, 95.0, Some(31.985038760)),
        (28.0, 40.0, Some(27.664310460)),
        (30.0, 90.0, Some(40.774647000)),
        (30.0, 5.0, Some(27.498638010)),
        (35.0, 10.0, Some(31.916437389)),
        (35.0, 50.0, Some(40.675428944)),
        (40.0, 20.0, Some(39.376628911)),
        (45.0, 0.0, Some(38.804149844)),
        (44.4, 12.0, Some(42.277669011)),
        (26.7, 100.0, Some(31.932892876)),
    ];

    /// weewx 5.5.2 `heatindexC(T, RH)` (algorithm='new'): (T °C, RH %, HI °C)
    #[rustfmt::skip]
    const HEAT_INDEX_WEEWX: &[(f64, f64, Option<f64>)] = &[
        (32.0, 70.0, Some(40.409273680)),
        (-5.0, 50.0, Some(-5.000000000)),
        (4.0, 50.0, Some(4.000000000)),
        (5.0, 50.0, Some(2.861111111)),
        (15.0, 80.0, Some(14.644444444)),
        (20.0, 50.0, Some(19.361111111)),
        (25.0, 98.0, Some(26.114444444)),
        (26.0, 50.0, Some(25.961111111)),
        (26.0, 90.0, Some(27.005555556)),
        (27.0, 10.0, Some(26.016666667)),
        (27.0, 95.0, Some(31.985038760)),
        (28.0, 40.0, Some(27.664310460)),
        (30.0, 90.0, Some(40.774647000)),
        (30.0, 5.0, Some(27.498638010)),
        (35.0, 10.0, Some(31.916437389)),
        (35.0, 50.0, Some(40.675428944)),
        (40.0, 20.0, Some(39.376628911)),
        (45.0, 0.0, Some(38.804149844)),
        (44.4, 12.0, Some(42.277669011)),
        (26.7, 100.0, Some(31.932892876)),
    ];

    /// metpy 1.7.1 `windchill(T, V km/h)` (mask_undefined=True; masked = None): (T °C, V km/h, WC °C)
    #[rustfmt::skip]
    const WINDCHILL_METPY_KMH: &[(f64, f64, Option<f64>)] = &[
        (-5.0, 30.0, Some(-12.996724812)),
        (-40.0, 10.0, Some(-51.099324957)),
        (-30.0, 60.0, Some(-50.317701592)),
        (-20.0, 20.0, Some(-30.478945409)),
        (-10.0, 5.0, Some(-12.933963619)),
        (-10.0, 4.8, None),
        (0.0, 100.0, Some(-10.635297008)),
        (5.0, 15.0, Some(1.748967295)),
        (10.0, 40.0, Some(5.973517061)),
        (10.5, 40.0, None),
        (15.0, 30.0, None),
        (-15.0, 0.0, None),
        (2.0, 6.0, Some(0.274436804)),
        (-25.0, 80.0, Some(-45.323402347)),
    ];

    /// weewx 5.5.2 `windchillMetric(T, V km/h)`: (T °C, V km/h, WC °C). Outside the domain weewx
    /// returns T itself (rows where WC == T, re-asserted as `None` from us below).
    #[rustfmt::skip]
    const WINDCHILL_WEEWX_KMH: &[(f64, f64, Option<f64>)] = &[
        (-5.0, 30.0, Some(-12.973862022)),
        (-40.0, 10.0, Some(-51.061949452)),
        (-30.0, 60.0, Some(-50.276647455)),
        (-20.0, 20.0, Some(-30.448900623)),
        (-10.0, 5.0, Some(-12.912948282)),
        (-10.0, 4.8, Some(-10.000000000)),
        (0.0, 100.0, Some(-10.612529346)),
        (5.0, 15.0, Some(1.764909566)),
        (10.0, 40.0, Some(10.000000000)),
        (10.5, 40.0, Some(10.500000000)),
        (15.0, 30.0, Some(15.000000000)),
        (-15.0, 0.0, Some(-15.000000000)),
        (2.0, 6.0, Some(0.290466731)),
        (-25.0, 80.0, Some(-45.284140226)),
    ];

    /// metpy 1.7.1 `windchill(T, V m/s)` (masked = None): (T °C, V m/s, WC °C)
    #[rustfmt::skip]
    const WINDCHILL_METPY_MS: &[(f64, f64, Option<f64>)] = &[
        (-5.0, 8.333333333333334, Some(-12.996724812)),
        (-40.0, 3.0, Some(-51.586982788)),
        (-20.0, 10.0, Some(-33.552519293)),
        (-10.0, 1.3, None),
        (-10.0, 1.4, Some(-12.959272585)),
        (0.0, 25.0, Some(-10.238194273)),
        (5.0, 4.0, Some(1.843225947)),
        (10.0, 12.0, Some(5.807969715)),
        (10.2, 12.0, None),
        (-25.0, 20.0, Some(-44.606170685)),
        (3.0, 2.0, Some(1.022671223)),
    ];

    /// weewx 5.5.2 `windchillMetricWX(T, V m/s)`: (T °C, V m/s, WC °C). Outside the domain weewx
    /// returns T itself.
    #[rustfmt::skip]
    const WINDCHILL_WEEWX_MS: &[(f64, f64, Option<f64>)] = &[
        (-5.0, 8.333333333333334, Some(-12.973966797)),
        (-40.0, 3.0, Some(-51.549408237)),
        (-20.0, 10.0, Some(-33.520325108)),
        (-10.0, 1.3, Some(-10.000000000)),
        (-10.0, 1.4, Some(-12.938329396)),
        (0.0, 25.0, Some(-10.215802128)),
        (5.0, 4.0, Some(1.859042327)),
        (10.0, 12.0, Some(10.000000000)),
        (10.2, 12.0, Some(10.200000000)),
        (-25.0, 20.0, Some(-44.567645541)),
        (3.0, 2.0, Some(1.038450542)),
    ];

    /// weewx 5.5.2 `humidexC(T, RH)`: (T °C, RH %, humidex °C); None where weewx returns None
    #[rustfmt::skip]
    const HUMIDEX_WEEWX: &[(f64, f64, Option<f64>)] = &[
        (30.0, 60.0, Some(38.758291585)),
        (30.0, 80.0, Some(43.658384753)),
        (30.0, 20.0, Some(30.000000000)),
        (0.0, 80.0, Some(0.000000000)),
        (20.0, 50.0, Some(20.946319495)),
        (25.0, 90.0, Some(35.520465186)),
        (35.0, 40.0, Some(42.053527867)),
        (40.0, 30.0, Some(46.841463186)),
        (22.0, 30.0, Some(22.000000000)),
        (28.0, 70.0, Some(37.335790500)),
        (33.0, 55.0, Some(43.024114973)),
        (-10.0, 90.0, Some(-10.000000000)),
        (30.0, 0.0, None),
    ];

    /// weewx 5.5.2 `apptempC(T, RH, V m/s)`: (T °C, RH %, V m/s, AT °C); None where weewx returns None
    #[rustfmt::skip]
    const APPTEMP_WEEWX: &[(f64, f64, f64, Option<f64>)] = &[
        (32.0, 70.0, 3.0, Some(36.844774441)),
        (0.0, 50.0, 0.0, Some(-2.992675000)),
        (-10.0, 80.0, 10.0, Some(-20.245086552)),
        (10.0, 60.0, 5.0, Some(4.927432784)),
        (20.0, 50.0, 2.0, Some(18.448242313)),
        (25.0, 90.0, 1.0, Some(29.680139869)),
        (30.0, 40.0, 6.0, Some(27.381905309)),
        (35.0, 20.0, 0.0, Some(34.697089510)),
        (40.0, 60.0, 4.0, Some(47.744259515)),
        (15.0, 100.0, 15.0, Some(6.115744070)),
        (28.0, 0.0, 3.0, Some(21.900000000)),
        (20.0, -1.0, 2.0, None),
        (20.0, 101.0, 2.0, None),
        (20.0, 50.0, -1.0, None),
    ];

    /// metpy 1.7.1 `apparent_temperature(T, RH, V m/s, mask_undefined=False)`: (T °C, RH %, V m/s, AT °C)
    #[rustfmt::skip]
    const APPTEMP_METPY: &[(f64, f64, f64, Option<f64>)] = &[
        (32.0, 70.0, 3.0, Some(40.409273680)),
        (0.0, 50.0, 0.0, Some(0.000000000)),
        (-10.0, 80.0, 10.0, Some(-20.302721936)),
        (10.0, 60.0, 5.0, Some(7.576046752)),
        (10.5, 60.0, 5.0, Some(10.500000000)),
        (20.0, 50.0, 2.0, Some(20.000000000)),
        (26.0, 90.0, 1.0, Some(26.000000000)),
        (26.7, 90.0, 1.0, Some(30.278436211)),
        (30.0, 40.0, 6.0, Some(29.689165056)),
        (40.0, 60.0, 4.0, Some(62.643341578)),
        (-5.0, 50.0, 8.333333333333334, Some(-12.996724812)),
        (-5.0, 50.0, 1.0, Some(-5.000000000)),
    ];

    /// weewx 5.5.2 `sealevel_pressure_Metric(p hPa, z m, T °C)`: (p hPa, z m, T °C, SLP hPa)
    #[rustfmt::skip]
    const SLP_WEEWX: &[(f64, f64, f64, Option<f64>)] = &[
        (950.0, 500.0, 15.0, Some(1008.035794924)),
        (1013.25, 0.0, 15.0, Some(1013.250000000)),
        (1000.0, 10.0, -5.0, Some(1001.275205308)),
        (900.0, 1000.0, 5.0, Some(1017.651072646)),
        (850.0, 1500.0, -10.0, Some(1032.798530683)),
        (700.0, 3000.0, -20.0, Some(1049.481854074)),
        (990.0, 200.0, 30.0, Some(1012.573223948)),
        (800.0, 2000.0, 10.0, Some(1018.399955491)),
        (960.0, 400.0, 40.0, Some(1002.832459606)),
        (1020.0, -30.0, 20.0, Some(1016.439151402)),
        (600.0, 4200.0, -15.0, Some(1046.188208440)),
    ];

    /// weewx 5.5.2 `altimeter_pressure_Metric(p hPa, z m)` (algorithm='aaASOS'): (p hPa, z m, altimeter hPa)
    #[rustfmt::skip]
    const ALTIMETER_WEEWX: &[(f64, f64, Option<f64>)] = &[
        (950.0, 500.0, Some(1008.503262385)),
        (948.08, 0.0, Some(948.163719533)),
        (948.08, 304.8, Some(983.382289825)),
        (1013.25, 0.0, Some(1013.341259529)),
        (900.0, 1000.0, Some(1014.721677054)),
        (850.0, 1500.0, Some(1018.479218002)),
        (700.0, 3000.0, Some(1011.874331779)),
        (990.0, 200.0, Some(1013.898264616)),
        (1020.0, -30.0, Some(1016.473528693)),
        (600.0, 4200.0, Some(1012.565164838)),
        (800.0, 2000.0, Some(1019.481631909)),
        (0.3, 100.0, None),
    ];

    /// weewx 5.5.2 `cloudbase_Metric(T °C, RH %, z m)`: (T °C, RH %, z m, cloud base m)
    #[rustfmt::skip]
    const CLOUDBASE_WEEWX: &[(f64, f64, f64, Option<f64>)] = &[
        (20.0, 50.0, 100.0, Some(1410.113184855)),
        (10.0, 90.0, 0.0, Some(190.778747656)),
        (30.0, 30.0, 500.0, Some(2875.966144149)),
        (0.0, 80.0, 1500.0, Some(1869.674536320)),
        (-10.0, 70.0, 200.0, Some(738.570825870)),
        (25.0, 100.0, 50.0, Some(50.000000000)),
        (15.0, 60.0, 2000.0, Some(2939.267492464)),
        (35.0, 15.0, 0.0, Some(3721.081702877)),
        (20.0, 0.0, 100.0, None),
    ];

    /// metpy 1.7.1 `saturation_vapor_pressure(T)` (phase='liquid'): (T °C, e_s hPa)
    #[rustfmt::skip]
    const ES_METPY: &[(f64, Option<f64>)] = &[
        (-40.0, Some(0.189848390)),
        (-20.0, Some(1.254935775)),
        (-5.0, Some(4.215411823)),
        (0.0, Some(6.107562873)),
        (0.01, Some(6.112000000)),
        (10.0, Some(12.266556333)),
        (20.0, Some(23.347481247)),
        (25.0, Some(31.623455991)),
        (30.0, Some(42.346531666)),
        (40.0, Some(73.543100839)),
        (50.0, Some(122.810365907)),
    ];

    /// metpy 1.7.1 `dewpoint(e)`: (e hPa, Td °C)
    #[rustfmt::skip]
    const DEWPOINT_FROM_E_METPY: &[(f64, Option<f64>)] = &[
        (1.0, Some(-22.627880543)),
        (6.112, Some(0.000000000)),
        (10.0, Some(6.978980024)),
        (22.0, Some(19.029101790)),
        (31.6, Some(24.960658749)),
        (50.0, Some(32.873403450)),
        (0.5, Some(-30.216927382)),
    ];

    // ---- table tests -----------------------------------------------------------------------

    #[test]
    fn spec_table_rows() {
        // /work/shared/specs/weather.md §4, "metpy 1.7.1 vs weewx 5.5.2 wxformulas" (3 decimals).
        let near = |x: Option<f64>, want: f64| (x.unwrap() - want).abs() < 5e-4;
        assert!(near(dewpoint_ambaum_bolton(32.0, 70.0), 25.797));
        assert!(near(dewpoint_magnus(32.0, 70.0, MAGNUS_WEEWX), 25.825));
        assert!(near(heat_index_nws_anderson2013(32.0, 70.0), 40.409));
        assert!(near(heat_index_nws_wpc(32.0, 70.0), 40.409));
        assert!(near(windchill_jagti_metric_kmh(-5.0, 30.0), -12.997));
        assert!(near(windchill_jagti_us_kmh(-5.0, 30.0), -12.974));
        assert!(near(apparent_temperature_nws(32.0, 70.0, 3.0), 40.409));
        assert!(near(
            apparent_temperature_steadman1994(32.0, 70.0, 3.0),
            36.845
        ));
        assert!(near(humidex_ec(30.0, 60.0), 38.758));
        assert!(near(sea_level_pressure_wview(950.0, 500.0, 15.0), 1008.036));
        assert!(near(altimeter_setting_asos(950.0, 500.0), 1008.503));
    }

    #[test]
    fn dewpoint_matches_metpy_and_weewx() {
        for &(t, rh, want) in DEWPOINT_METPY {
            check(
                "dewpoint_ambaum_bolton",
                &[t, rh],
                dewpoint_ambaum_bolton(t, rh),
                want,
            );
        }
        for &(t, rh, want) in DEWPOINT_WEEWX {
            check(
                "dewpoint_magnus(WEEWX)",
                &[t, rh],
                dewpoint_magnus(t, rh, MAGNUS_WEEWX),
                want,
            );
        }
        for &(e, want) in DEWPOINT_FROM_E_METPY {
            let got = dewpoint_from_vapour_pressure_magnus(e, MAGNUS_BOLTON_1980);
            check(
                "dewpoint_from_vapour_pressure_magnus(BOLTON)",
                &[e],
                got,
                want,
            );
        }
        for &(t, want) in ES_METPY {
            check(
                "saturation_vapour_pressure_ambaum2020",
                &[t],
                saturation_vapour_pressure_ambaum2020(t),
                want,
            );
        }
    }

    #[test]
    fn relative_humidity_matches_metpy_and_inverted_weewx() {
        for &(t, td, want) in RH_METPY {
            check(
                "relative_humidity_ambaum2020",
                &[t, td],
                relative_humidity_ambaum2020(t, td),
                want,
            );
        }
        for &(t, td, want) in RH_WEEWX_INVERTED {
            let got = relative_humidity_magnus(t, td, MAGNUS_WEEWX);
            check("relative_humidity_magnus(WEEWX)", &[t, td], got, want);
        }
    }

    #[test]
    fn heat_index_matches_metpy_and_weewx() {
        for &(t, rh, want) in HEAT_INDEX_METPY {
            check(
                "heat_index_nws_anderson2013",
                &[t, rh],
                heat_index_nws_anderson2013(t, rh),
                want,
            );
        }
        for &(t, rh, want) in HEAT_INDEX_WEEWX {
            check(
                "heat_index_nws_wpc",
                &[t, rh],
                heat_index_nws_wpc(t, rh),
                want,
            );
        }
    }

    /// weewx returns the air temperature where the index is undefined; we return `None` there.
    fn weewx_windchill(t: f64, want: Option<f64>, ours: Option<f64>) -> Option<f64> {
        match (want, ours) {
            (Some(w), None) if w == t => None,
            _ => want,
        }
    }

    #[test]
    fn windchill_matches_metpy_and_weewx() {
        for &(t, v, want) in WINDCHILL_METPY_KMH {
            check(
                "windchill_jagti_metric_kmh",
                &[t, v],
                windchill_jagti_metric_kmh(t, v),
                want,
            );
        }
        for &(t, v, want) in WINDCHILL_METPY_MS {
            check(
                "windchill_jagti_metric_ms",
                &[t, v],
                windchill_jagti_metric_ms(t, v),
                want,
            );
        }
        let mut outside = 0;
        for &(t, v, want) in WINDCHILL_WEEWX_KMH {
            let ours = windchill_jagti_us_kmh(t, v);
            outside += usize::from(ours.is_none());
            check(
                "windchill_jagti_us_kmh",
                &[t, v],
                ours,
                weewx_windchill(t, want, ours),
            );
            check(
                "windchill_jagti_us_kmh.unwrap_or(t)",
                &[t, v],
                Some(ours.unwrap_or(t)),
                want,
            );
        }
        for &(t, v, want) in WINDCHILL_WEEWX_MS {
            let ours = windchill_jagti_us_ms(t, v);
            outside += usize::from(ours.is_none());
            check(
                "windchill_jagti_us_ms",
                &[t, v],
                ours,
                weewx_windchill(t, want, ours),
            );
            check(
                "windchill_jagti_us_ms.unwrap_or(t)",
                &[t, v],
                Some(ours.unwrap_or(t)),
                want,
            );
        }
        // The tables do exercise the domain edges (4.8 km/h, 0 km/h, 10 °C, 10.2 °C, …).
        assert_eq!(outside, 8);
    }

    #[test]
    fn humidex_apparent_temperature_pressure_cloudbase_match_oracles() {
        for &(t, rh, want) in HUMIDEX_WEEWX {
            check("humidex_ec", &[t, rh], humidex_ec(t, rh), want);
        }
        for &(t, rh, v, want) in APPTEMP_WEEWX {
            let got = apparent_temperature_steadman1994(t, rh, v);
            check("apparent_temperature_steadman1994", &[t, rh, v], got, want);
        }
        for &(t, rh, v, want) in APPTEMP_METPY {
            check(
                "apparent_temperature_nws",
                &[t, rh, v],
                apparent_temperature_nws(t, rh, v),
                want,
            );
        }
        for &(p, z, t, want) in SLP_WEEWX {
            check(
                "sea_level_pressure_wview",
                &[p, z, t],
                sea_level_pressure_wview(p, z, t),
                want,
            );
        }
        for &(p, z, want) in ALTIMETER_WEEWX {
            check(
                "altimeter_setting_asos",
                &[p, z],
                altimeter_setting_asos(p, z),
                want,
            );
        }
        for &(t, rh, z, want) in CLOUDBASE_WEEWX {
            check(
                "cloud_base_spread_m",
                &[t, rh, z],
                cloud_base_spread_m(t, rh, z),
                want,
            );
        }
    }

    #[test]
    fn named_constant_sets_are_distinct_formulas() {
        // Pure Bolton is not what metpy 1.7.1 computes (see dewpoint_ambaum_bolton's doc).
        let bolton = dewpoint_magnus(32.0, 70.0, MAGNUS_BOLTON_1980).unwrap();
        assert!((bolton - 25.848_607_699).abs() < 1e-6, "{bolton}");
        // Alduchov & Eskridge (1996), evaluated from the published formula with Python's
        // `math` (no oracle library implements this constant set): Td(32 °C, 70 %) and e_s(20 °C).
        let ae = dewpoint_magnus(32.0, 70.0, MAGNUS_ALDUCHOV_ESKRIDGE_1996).unwrap();
        assert!((ae - 25.842_226_996).abs() < 1e-6, "{ae}");
        let es = saturation_vapour_pressure_magnus(20.0, MAGNUS_ALDUCHOV_ESKRIDGE_1996).unwrap();
        assert!((es - 23.334_406_231).abs() < 1e-6, "{es}");
        // Sanity: within 0.3 % of the reference value at 20 °C (23.37 hPa Goff–Gratch, 23.39 hPa
        // Hyland–Wexler).
        assert!((es / 23.39 - 1.0).abs() < 3e-3, "{es}");
    }

    #[test]
    fn invalid_inputs_give_none() {
        let nan = f64::NAN;
        assert_eq!(dewpoint_magnus(nan, 50.0, MAGNUS_WEEWX), None);
        assert_eq!(dewpoint_magnus(20.0, 0.0, MAGNUS_WEEWX), None);
        assert_eq!(dewpoint_magnus(20.0, -3.0, MAGNUS_WEEWX), None);
        assert_eq!(dewpoint_magnus(20.0, 100.5, MAGNUS_WEEWX), None);
        assert_eq!(dewpoint_magnus(-300.0, 50.0, MAGNUS_WEEWX), None);
        assert_eq!(dewpoint_ambaum_bolton(20.0, 0.0), None);
        assert_eq!(dewpoint_ambaum_bolton(-300.0, 50.0), None);
        assert_eq!(relative_humidity_magnus(10.0, 12.0, MAGNUS_WEEWX), None);
        assert_eq!(relative_humidity_ambaum2020(10.0, 12.0), None);
        assert_eq!(heat_index_nws_wpc(30.0, 120.0), None);
        assert_eq!(heat_index_nws_anderson2013(f64::INFINITY, 50.0), None);
        assert_eq!(windchill_jagti_metric_kmh(-5.0, -10.0), None);
        assert_eq!(windchill_jagti_us_ms(nan, 10.0), None);
        assert_eq!(humidex_ec(30.0, nan), None);
        assert_eq!(apparent_temperature_nws(30.0, 50.0, -1.0), None);
        assert_eq!(sea_level_pressure_wview(0.0, 100.0, 10.0), None);
        assert_eq!(sea_level_pressure_wview(950.0, 100.0, -280.0), None);
        assert_eq!(altimeter_setting_asos(-5.0, 100.0), None);
        assert_eq!(altimeter_setting_asos(950.0, -1e7), None);
        assert_eq!(
            dewpoint_from_vapour_pressure_magnus(0.0, MAGNUS_BOLTON_1980),
            None
        );
        assert_eq!(
            saturation_vapour_pressure_magnus(-250.0, MAGNUS_BOLTON_1980),
            None
        );
        assert_eq!(cloud_base_spread_m(20.0, 50.0, nan), None);
    }

    // ---- property tests --------------------------------------------------------------------

    fn magnus_sets() -> impl Strategy<Value = MagnusConstants> {
        prop_oneof![
            Just(MAGNUS_BOLTON_1980),
            Just(MAGNUS_ALDUCHOV_ESKRIDGE_1996),
            Just(MAGNUS_WEEWX),
        ]
    }

    /// Relative humidity (%) at which the WPC switch `(s + T)/2 = 80 °F` happens at `t_f` °F.
    fn wpc_switch_rh(t_f: f64) -> f64 {
        (160.0 - t_f - 1.1 * t_f + 10.3) / 0.047
    }

    /// Relative humidity (%) at which the Anderson (metpy) switch `s = 79 °F` happens.
    fn anderson_switch_rh(t_f: f64) -> f64 {
        (79.0 - 1.1 * t_f + 10.3) / 0.047
    }

    proptest! {
        #[test]
        fn magnus_dewpoint_is_at_most_t_and_equals_t_at_saturation(
            t in -60.0f64..60.0, rh in 0.01f64..=100.0, k in magnus_sets(),
        ) {
            let td = dewpoint_magnus(t, rh, k).unwrap();
            prop_assert!(td <= t + 1e-9, "Td {td} > T {t}");
            let td100 = dewpoint_magnus(t, 100.0, k).unwrap();
            prop_assert!((td100 - t).abs() < 1e-9, "Td(T, 100) = {td100} vs {t}");
        }

        #[test]
        fn magnus_rh_inverts_dewpoint(t in -60.0f64..60.0, rh in 0.5f64..=100.0, k in magnus_sets()) {
            let td = dewpoint_magnus(t, rh, k).unwrap();
            let back = relative_humidity_magnus(t, td, k).unwrap();
            prop_assert!((back - rh).abs() < 1e-9 * rh.max(1.0), "{rh} -> {td} -> {back}");
        }

        #[test]
        fn magnus_dewpoint_increases_with_rh(t in -50.0f64..50.0, rh in 1.0f64..99.0, k in magnus_sets()) {
            let lo = dewpoint_magnus(t, rh, k).unwrap();
            let hi = dewpoint_magnus(t, rh + 1.0, k).unwrap();
            prop_assert!(lo < hi);
        }

        /// metpy's hybrid is not exact at saturation; documented bound −0.334…+0.170 °C.
        #[test]
        fn ambaum_bolton_dewpoint_near_t_at_saturation(t in -60.0f64..60.0, rh in 0.5f64..=100.0) {
            let td100 = dewpoint_ambaum_bolton(t, 100.0).unwrap();
            prop_assert!((-0.335..=0.171).contains(&(td100 - t)), "Td(T, 100) - T = {}", td100 - t);
            let td = dewpoint_ambaum_bolton(t, rh).unwrap();
            prop_assert!(td <= t + 0.171);
            // metpy's RH-from-dew-point is not its exact inverse (documented ≤ 2.2 % RH).
            if td <= t {
                let back = relative_humidity_ambaum2020(t, td).unwrap();
                prop_assert!((back - rh).abs() <= 2.2, "{rh} -> {td} -> {back}");
            }
        }

        /// The NWS algorithm jumps where it switches from the simple formula to the Rothfusz
        /// regression. The switch lies inside 0–100 % only for 76.9–81.2 °F; there the jump,
        /// measured on a 0.01 °F grid, is at most 2.28 °F (WPC, at 79.0 °F / 92 %) and 1.66 °F
        /// (Anderson, at 76.9 °F / 100 %): bounds 1.27 °C and 0.925 °C.
        #[test]
        fn heat_index_jump_at_regime_switch_is_bounded(t_f in 76.0f64..82.0) {
            let eps = 1e-7;
            let t_c = fahrenheit_to_celsius(t_f);
            let rh = wpc_switch_rh(t_f);
            if (eps..=100.0 - eps).contains(&rh) {
                let jump = heat_index_nws_wpc(t_c, rh + eps).unwrap() - heat_index_nws_wpc(t_c, rh - eps).unwrap();
                prop_assert!(jump.abs() <= 1.27, "WPC jump {jump} °C at {t_f} °F / {rh} %");
            }
            let rh = anderson_switch_rh(t_f);
            if (eps..=100.0 - eps).contains(&rh) {
                let jump = heat_index_nws_anderson2013(t_c, rh + eps).unwrap()
                    - heat_index_nws_anderson2013(t_c, rh - eps).unwrap();
                prop_assert!(jump.abs() <= 0.925, "Anderson jump {jump} °C at {t_f} °F / {rh} %");
            }
        }

        #[test]
        fn heat_index_variants_agree_away_from_the_switch(t_c in 31.0f64..50.0, rh in 14.0f64..=85.0) {
            // Above ~88 °F with 13 < RH ≤ 85 both variants take the plain regression.
            let a = heat_index_nws_wpc(t_c, rh).unwrap();
            let b = heat_index_nws_anderson2013(t_c, rh).unwrap();
            prop_assert!((a - b).abs() < 1e-9, "{a} vs {b}");
        }

        #[test]
        fn windchill_below_t_decreasing_in_wind_and_variants_close(
            t in -60.0f64..9.99, v in 4.9f64..200.0,
        ) {
            let m = windchill_jagti_metric_kmh(t, v).unwrap();
            let us = windchill_jagti_us_kmh(t, v).unwrap();
            prop_assert!(m < t && us < t, "WC {m} / {us} not below T {t}");
            prop_assert!(windchill_jagti_metric_kmh(t, v + 1.0).unwrap() < m);
            prop_assert!((m - us).abs() <= 0.073, "metric {m} vs US {us}");
        }

        #[test]
        fn windchill_undefined_outside_domain(t in 10.001f64..50.0, v in 0.0f64..4.8) {
            prop_assert_eq!(windchill_jagti_metric_kmh(t, 30.0), None);
            prop_assert_eq!(windchill_jagti_us_kmh(t, 30.0), None);
            prop_assert_eq!(windchill_jagti_metric_kmh(-5.0, v), None);
            prop_assert_eq!(windchill_jagti_us_kmh(-5.0, v), None);
            prop_assert_eq!(windchill_jagti_metric_ms(-5.0, v / KMH_PER_MS), None);
        }

        #[test]
        fn steadman_apparent_temperature_monotone(t in -30.0f64..45.0, rh in 0.0f64..99.0, v in 0.0f64..30.0) {
            let at = apparent_temperature_steadman1994(t, rh, v).unwrap();
            prop_assert!(apparent_temperature_steadman1994(t, rh + 1.0, v).unwrap() > at);
            prop_assert!(apparent_temperature_steadman1994(t, rh, v + 1.0).unwrap() < at);
        }

        #[test]
        fn humidex_at_least_t(t in -30.0f64..45.0, rh in 0.5f64..=100.0) {
            prop_assert!(humidex_ec(t, rh).unwrap() >= t);
        }

        #[test]
        fn pressure_reductions_grow_with_elevation(
            p in 500.0f64..1050.0, z in 0.0f64..4000.0, t in -40.0f64..45.0,
        ) {
            let slp = sea_level_pressure_wview(p, z, t).unwrap();
            prop_assert!(slp >= p);
            prop_assert!(sea_level_pressure_wview(p, z + 10.0, t).unwrap() > slp);
            prop_assert!((sea_level_pressure_wview(p, 0.0, t).unwrap() - p).abs() < 1e-9);
            let alt = altimeter_setting_asos(p, z).unwrap();
            prop_assert!(altimeter_setting_asos(p, z + 10.0).unwrap() > alt);
            // A(p, 0) ≈ p: 0.1903 · 5.255 = 1.00003, so a tiny excess (0.09 hPa at 1013 hPa).
            let a0 = altimeter_setting_asos(p, 0.0).unwrap();
            prop_assert!((0.0..0.1).contains(&(a0 - p)), "A({p}, 0) = {a0}");
        }
    }
}
