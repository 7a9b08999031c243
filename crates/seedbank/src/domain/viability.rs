//! Ellis & Roberts (1980) improved seed viability equation, as the R package `viabilitymetrics`
//! implements it: v = Kᵢ − p/σ with σ = 10^(K_E − C_W·log₁₀ m − C_H·t − C_Q·t²), viabilities as
//! normal equivalent deviates (probits minus 5), p and σ in days, m the moisture content (% fresh
//! weight), t the temperature (°C).
use serde::{Deserialize, Serialize};

/// The equation's domain of validity (Ellis & Roberts; `viabilitymetrics` warns outside
/// −20…90 °C). Below about 5 % moisture seeds stop living longer as they dry, so the equation
/// would promise more than they give.
const MOISTURE_PERCENT: (f64, f64) = (5.0, 25.0);
const TEMPERATURE_C: (f64, f64) = (-20.0, 90.0);

#[derive(Debug, thiserror::Error, PartialEq)]
pub enum ViabilityError {
    #[error(
        "the viability constants must be finite numbers with K_E between 0 and 20, C_W between \
         −20 and 20, C_H between −1 and 1 and C_Q between −0.01 and 0.01 (published constants \
         lie well inside)"
    )]
    Constants,
    #[error(
        "a moisture content of {0} % is outside the range where the viability equation holds \
         (5 to 25 % of fresh weight; below about 5 % seeds no longer live longer as they dry)"
    )]
    Moisture(f64),
    #[error(
        "a temperature of {0} °C is outside the range where the viability equation holds \
         (−20 to 90 °C)"
    )]
    Temperature(f64),
    #[error(
        "a viability of {0} % cannot be used: it must lie strictly between 0 and 100 % (for a \
         test where every seed germinated, use e.g. 99.9 %)"
    )]
    Percent(f64),
    #[error("the final viability {final_percent} % must be below the initial {initial_percent} %")]
    NotADecline {
        initial_percent: f64,
        final_percent: f64,
    },
    #[error("a storage period of {0} days cannot be used: it must be a positive number of days")]
    Days(f64),
    #[error("no storage temperature gives that decline in that period with these constants")]
    NoTemperature,
}

/// A species' constants: K_E, C_W, and the temperature terms C_H, C_Q.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Constants {
    pub ke: f64,
    pub cw: f64,
    pub ch: f64,
    pub cq: f64,
}

impl Constants {
    /// Dickie et al. (1990)'s universal temperature coefficients, for species studied at one
    /// temperature only.
    pub const UNIVERSAL_CH: f64 = 0.0329;
    pub const UNIVERSAL_CQ: f64 = 0.000478;

    /// Fits published for a few species have negative C_W, C_H or C_Q (e.g. Dioscorea
    /// dumetorum, Pinus taeda in `viabilitymetrics`' table), so only magnitudes are bounded:
    /// wide enough for every published set, narrow enough that σ stays a finite, positive
    /// number of days anywhere in the equation's domain.
    pub fn parse(ke: f64, cw: f64, ch: f64, cq: f64) -> Result<Constants, ViabilityError> {
        if ke > 0.0 && ke <= 20.0 && cw.abs() <= 20.0 && ch.abs() <= 1.0 && cq.abs() <= 0.01 {
            Ok(Constants { ke, cw, ch, cq })
        } else {
            Err(ViabilityError::Constants)
        }
    }

    fn log_sigma_at(&self, temperature_c: f64) -> f64 {
        self.ke - self.ch * temperature_c - self.cq * temperature_c * temperature_c
    }
}

/// Storage conditions of a lot.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Storage {
    pub moisture_percent: f64,
    pub temperature_c: f64,
}

impl Storage {
    pub fn parse(moisture_percent: f64, temperature_c: f64) -> Result<Storage, ViabilityError> {
        Ok(Storage {
            moisture_percent: moisture(moisture_percent)?,
            temperature_c: temperature(temperature_c)?,
        })
    }
}

fn within(x: f64, (low, high): (f64, f64)) -> bool {
    (low..=high).contains(&x)
}

fn moisture(m: f64) -> Result<f64, ViabilityError> {
    within(m, MOISTURE_PERCENT)
        .then_some(m)
        .ok_or(ViabilityError::Moisture(m))
}

fn temperature(t: f64) -> Result<f64, ViabilityError> {
    within(t, TEMPERATURE_C)
        .then_some(t)
        .ok_or(ViabilityError::Temperature(t))
}

/// σ, the standard deviation of the seeds' deaths in time, in days.
pub fn sigma_days(c: &Constants, s: &Storage) -> f64 {
    10f64.powf(c.log_sigma_at(s.temperature_c) - c.cw * s.moisture_percent.log10())
}

fn ned(percent: f64) -> Result<f64, ViabilityError> {
    if percent > 0.0 && percent < 100.0 {
        Ok(probit(percent))
    } else {
        Err(ViabilityError::Percent(percent))
    }
}

/// Both viabilities as normal equivalent deviates, the final one below the initial.
fn decline(initial_percent: f64, final_percent: f64) -> Result<f64, ViabilityError> {
    let (ki, v) = (ned(initial_percent)?, ned(final_percent)?);
    if final_percent < initial_percent {
        Ok(ki - v)
    } else {
        Err(ViabilityError::NotADecline {
            initial_percent,
            final_percent,
        })
    }
}

fn period(days: f64) -> Result<f64, ViabilityError> {
    (days > 0.0 && days.is_finite())
        .then_some(days)
        .ok_or(ViabilityError::Days(days))
}

/// Viability (%) after `days` of storage, from an initial viability strictly between 0 and 100 %.
pub fn viability_after(c: &Constants, s: &Storage, initial_percent: f64, days: f64) -> f64 {
    normal_cdf(probit(initial_percent) - days / sigma_days(c, s)) * 100.0
}

/// Days for viability to fall from `initial_percent` to `final_percent` (`StoragePeriod`).
pub fn days_until(
    c: &Constants,
    s: &Storage,
    initial_percent: f64,
    final_percent: f64,
) -> Result<f64, ViabilityError> {
    Ok(sigma_days(c, s) * decline(initial_percent, final_percent)?)
}

/// Days for viability to fall to 50 % (P50), from an initial viability above 50 %.
pub fn p50_days(c: &Constants, s: &Storage, initial_percent: f64) -> Result<f64, ViabilityError> {
    days_until(c, s, initial_percent, 50.0)
}

/// The moisture content (% fresh weight) at which storage at `temperature_c` takes `days` for
/// viability to fall from `initial_percent` to `final_percent` (`StorageMC`); an error when that
/// moisture lies outside the equation's domain.
pub fn storage_moisture(
    c: &Constants,
    temperature_c: f64,
    initial_percent: f64,
    final_percent: f64,
    days: f64,
) -> Result<f64, ViabilityError> {
    let sigma = period(days)? / decline(initial_percent, final_percent)?;
    let m = 10f64.powf((c.log_sigma_at(temperature(temperature_c)?) - sigma.log10()) / c.cw);
    moisture(m)
}

/// The temperature (°C) at which storage at `moisture_percent` takes `days` for viability to
/// fall from `initial_percent` to `final_percent` (`StorageTemp`): the root of
/// C_Q·t² + C_H·t + (C_W·log₁₀ m − K_E + log₁₀ σ) = 0 the package takes, written so that it
/// neither cancels when C_Q·t² is small nor divides by a zero C_Q.
pub fn storage_temperature(
    c: &Constants,
    moisture_percent: f64,
    initial_percent: f64,
    final_percent: f64,
    days: f64,
) -> Result<f64, ViabilityError> {
    let sigma = period(days)? / decline(initial_percent, final_percent)?;
    let (a, b) = (c.cq, c.ch);
    let k = c.cw * moisture(moisture_percent)?.log10() - c.ke + sigma.log10();
    let root = (b * b - 4.0 * a * k).sqrt();
    let t = if a == 0.0 {
        -k / b
    } else if b >= 0.0 {
        -2.0 * k / (b + root)
    } else {
        (root - b) / (2.0 * a)
    };
    if t.is_finite() {
        temperature(t)
    } else {
        Err(ViabilityError::NoTemperature)
    }
}

fn horner(coefficients: &[f64], x: f64) -> f64 {
    coefficients.iter().rev().fold(0.0, |acc, c| acc * x + c)
}

/// exp(−y²/2) without the rounding error of squaring y: y is split into a part with four
/// binary digits after the point, whose square is exact, and the rest (Cody's device).
fn half_gaussian(y: f64) -> f64 {
    let whole = (y * 16.0).trunc() / 16.0;
    let rest = (y - whole) * (y + whole);
    (-whole * whole * 0.5).exp() * (-rest * 0.5).exp()
}

/// The standard normal distribution function Φ, by W. J. Cody's rational Chebyshev
/// approximations ("Rational Chebyshev approximation for the error function", Math. Comp. 1969;
/// SPECFUN's ANORM, the algorithm of R's `pnorm`): relative error near 1e-16 throughout, tails
/// included, so small survivals keep their digits.
pub fn normal_cdf(x: f64) -> f64 {
    const A: [f64; 5] = [
        2.2352520354606837,
        161.02823106855587,
        1067.6894854603709,
        18154.98125334356,
        0.06568233791820745,
    ];
    const B: [f64; 4] = [
        47.202581904688245,
        976.0985517377767,
        10260.932208618979,
        45507.78933502673,
    ];
    const C: [f64; 9] = [
        0.39894151208813466,
        8.883149794388377,
        93.50665613217785,
        597.2702763948002,
        2494.5375852903726,
        6848.190450536283,
        11602.65143764735,
        9842.714838383978,
        1.0765576773720192e-8,
    ];
    const D: [f64; 8] = [
        22.266688044328117,
        235.387901782625,
        1519.3775994075547,
        6485.558298266761,
        18615.571640885097,
        34900.95272114598,
        38912.00328609327,
        19685.429676859992,
    ];
    const P: [f64; 6] = [
        0.215898534057957,
        0.12740116116024736,
        0.022235277870649807,
        0.0014216191932278934,
        2.9112874951168793e-5,
        0.023073441764940174,
    ];
    const Q: [f64; 5] = [
        1.284260096144911,
        0.4682382124808651,
        0.06598813786892856,
        0.0037823963320275824,
        7.297515550839662e-5,
    ];
    // 1/√(2π)
    const SQRPI: f64 = 0.3989422804014327;
    if x.is_nan() {
        return x;
    }
    let y = x.abs();
    if y <= 0.66291 {
        let xsq = if y > f64::EPSILON / 2.0 { x * x } else { 0.0 };
        let (mut num, mut den) = (A[4] * xsq, xsq);
        for (a, b) in A.iter().zip(&B).take(3) {
            num = (num + a) * xsq;
            den = (den + b) * xsq;
        }
        return 0.5 + x * (num + A[3]) / (den + B[3]);
    }
    let tail = if y <= 32f64.sqrt() {
        let (mut num, mut den) = (C[8] * y, y);
        for (c, d) in C.iter().zip(&D).take(7) {
            num = (num + c) * y;
            den = (den + d) * y;
        }
        (num + C[7]) / (den + D[7]) * half_gaussian(y)
    } else if y < 40.0 {
        let xsq = 1.0 / (x * x);
        let (mut num, mut den) = (P[5] * xsq, xsq);
        for (p, q) in P.iter().zip(&Q).take(4) {
            num = (num + p) * xsq;
            den = (den + q) * xsq;
        }
        (SQRPI - xsq * (num + P[4]) / (den + Q[4])) / y * half_gaussian(y)
    } else {
        // Φ(−40) is below the smallest double.
        0.0
    };
    if x > 0.0 {
        1.0 - tail
    } else {
        tail
    }
}

/// The probit of a percentage as a normal equivalent deviate, Φ⁻¹(p/100) (R's
/// `qnorm(p / 100)`), by Wichura's algorithm AS 241 (PPND16, Applied Statistics 37, 1988),
/// accurate to about 1e-16. −∞ at 0 %, +∞ at 100 %, NaN outside.
pub fn probit(percent: f64) -> f64 {
    const A: [f64; 8] = [
        3.3871328727963665,
        133.14166789178438,
        1971.5909503065513,
        13731.69376550946,
        45921.95393154987,
        67265.7709270087,
        33430.57558358813,
        2509.0809287301227,
    ];
    const B: [f64; 8] = [
        1.0,
        42.31333070160091,
        687.1870074920579,
        5394.196021424751,
        21213.794301586597,
        39307.89580009271,
        28729.085735721943,
        5226.495278852854,
    ];
    const C: [f64; 8] = [
        1.4234371107496835,
        4.630337846156546,
        5.769497221460691,
        3.6478483247632045,
        1.2704582524523684,
        0.2417807251774506,
        0.022723844989269184,
        0.0007745450142783414,
    ];
    const D: [f64; 8] = [
        1.0,
        2.053191626637759,
        1.6763848301838038,
        0.6897673349851,
        0.14810397642748008,
        0.015198666563616457,
        0.0005475938084995345,
        1.0507500716444169e-9,
    ];
    const E: [f64; 8] = [
        6.657904643501103,
        5.463784911164114,
        1.7848265399172913,
        0.29656057182850487,
        0.026532189526576124,
        0.0012426609473880784,
        2.7115555687434876e-5,
        2.0103343992922881e-7,
    ];
    const F: [f64; 8] = [
        1.0,
        0.599832206555888,
        0.1369298809227358,
        0.014875361290850615,
        0.0007868691311456133,
        1.8463183175100548e-5,
        1.421511758316446e-7,
        2.0442631033899397e-15,
    ];
    let p = percent / 100.0;
    if p == 0.0 {
        return f64::NEG_INFINITY;
    }
    if p == 1.0 {
        return f64::INFINITY;
    }
    if !(0.0..1.0).contains(&p) {
        return f64::NAN;
    }
    let q = p - 0.5;
    if q.abs() <= 0.425 {
        let r = 0.180625 - q * q;
        return q * horner(&A, r) / horner(&B, r);
    }
    let r = (-(if q < 0.0 { p } else { 1.0 - p }).ln()).sqrt();
    let x = if r <= 5.0 {
        horner(&C, r - 1.6) / horner(&D, r - 1.6)
    } else {
        horner(&E, r - 5.0) / horner(&F, r - 5.0)
    };
    if q < 0.0 {
        -x
    } else {
        x
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn close(a: f64, b: f64, relative: f64) -> bool {
        a == b || (a - b).abs() <= relative * b.abs()
    }

    // The numbers below were computed by R 4.2.2 (`qnorm`, `pnorm`, which implement AS 241 and
    // Cody's algorithm) and by `viabilitymetrics` at commit
    // 05177ce96a065e827035748311679ae150e55894 (2021-05-09): R/Sigma.R, R/FinalViability.R
    // (FinalViability, StoragePeriod, StorageMC, StorageTemp), R/p50.R and R/percent2probit.R
    // sourced into `Rscript`, with the constants of `data/viabilityconstants.rda`, printed to 17
    // significant digits. NA where the package returns NaN.
    const NA: f64 = f64::NAN;

    /// (percent, `qnorm(percent / 100)`)
    #[rustfmt::skip]
    const QNORM: [(f64, f64); 13] = [
        (1e-10, -7.034483825301132),
        (0.001, -4.2648907939228256),
        (0.1, -3.090232306167813),
        (2.5, -1.9599639845400538),
        (10.0, -1.2815515655446008),
        (30.0, -0.5244005127080407),
        (49.9, -0.0025066308995717666),
        (50.0, 0.0),
        (62.5, 0.31863936396437514),
        (84.13, 0.9998150936147444),
        (97.5, 1.9599639845400536),
        (99.9, 3.0902323061678465),
        (99.99999, 5.199337582084284),
    ];

    /// (x, `pnorm(x)`)
    #[rustfmt::skip]
    const PNORM: [(f64, f64); 23] = [
        (-37.0, 5.725571222524577e-300),
        (-20.0, 2.7536241186062337e-89),
        (-8.5, 9.479534822203319e-18),
        (-6.0, 9.86587645037698e-10),
        (-5.66, 7.568649751997714e-09),
        (-5.65, 8.022391850663497e-09),
        (-3.0, 0.0013498980316300946),
        (-1.5, 0.06680720126885807),
        (-0.67, 0.25142889509531013),
        (-0.66, 0.2546269146713362),
        (-0.3, 0.3820885778110473),
        (0.0, 0.5),
        (1e-17, 0.5),
        (0.2, 0.579259709439103),
        (0.66, 0.7453730853286638),
        (0.67, 0.7485711049046899),
        (1.0, 0.8413447460685429),
        (2.0, 0.9772498680518208),
        (5.65, 0.9999999919776081),
        (5.66, 0.9999999924313503),
        (8.0, 0.9999999999999993),
        (8.2, 0.9999999999999999),
        (9.0, 1.0),
    ];

    /// ([K_E, C_W, C_H, C_Q], [moisture %, temperature °C, `Sigma`, `FinalViability(95, 365)`,
    /// `FinalViability(95, 3650)`, `StoragePeriod(95, 85)`, `P50(95)`, `StorageMC(95, 85, 3650)`
    /// at that temperature, `StorageTemp(95, 85, 3650)` at that moisture]), days throughout.
    #[rustfmt::skip]
    const SPECIES: [([f64; 4], [f64; 9]); 42] = [
        // Allium cepa (Ellis and Roberts, 1981)
        ([6.975, 3.47, 0.04, 0.000428], [5.0, -20.0, 150790.53599938127, 94.97498549105781, 94.74534095456997, 91744.01371911472, 248028.3600485387, 12.662233361813058, 16.406846459016094]),
        ([6.975, 3.47, 0.04, 0.000428], [6.0, -18.0, 71803.09445395842, 94.94735301438888, 94.45342405619877, 43686.45577787376, 118105.58033893259, 12.269577878550965, 11.09983976188083]),
        ([6.975, 3.47, 0.04, 0.000428], [8.0, 5.0, 4271.473782975712, 94.05494897685615, 78.53376086677093, 2598.851093332347, 7025.949144355724, 7.254032173619694, 1.5538777621556863]),
        ([6.975, 3.47, 0.04, 0.000428], [12.0, 20.0, 181.56873850517562, 35.74048074586621, 2.259874653681883e-74, 110.47009499621075, 298.6539980712414, 4.379406033224816, -16.669400957148653]),
        ([6.975, 3.47, 0.04, 0.000428], [15.0, 40.0, 4.065962146244162, 0.0, 0.0, 2.47381365451182, 6.6879125832971, 1.8317075458381624, -35.87161764295843]),
        ([6.975, 3.47, 0.04, 0.000428], [20.0, 65.0, 0.011275243120359553, 0.0, 0.0, 0.006860086096682256, 0.018546124541283036, 0.4476065986914699, NA]),
        // Arabidopsis thaliana (Hay, Mead, Manger, and Wilson, 2003)
        ([8.35, 5.15, 0.0563, 8.39e-05], [5.0, -20.0, 696216.7661568404, 94.99459065845815, 94.94569634728282, 423592.3701871644, 1145174.6729575035, 12.585600418886148, 16.845588597132]),
        ([8.35, 5.15, 0.0563, 8.39e-05], [6.0, -18.0, 213175.58356134975, 94.98231619726506, 94.82090942632485, 129700.33917057638, 350642.6317983826, 12.001844550791562, 9.879965477732004]),
        ([8.35, 5.15, 0.0563, 8.39e-05], [8.0, 5.0, 2603.0892999044563, 93.37911080598454, 59.58708437417738, 1583.7722099714208, 4281.700876226412, 6.802713669410368, -1.4061909021660772]),
        ([8.35, 5.15, 0.0563, 8.39e-05], [12.0, 20.0, 42.91969062935159, 3.4574814037995105e-10, 0.0, 26.11320836432035, 70.59660879932406, 4.598247948785067, -17.993547883975424]),
        ([8.35, 5.15, 0.0563, 8.39e-05], [15.0, 40.0, 0.8070306256096933, 0.0, 0.0, 0.4910137648690714, 1.327447251595019, 2.657064484867634, -27.503068038957657]),
        ([8.35, 5.15, 0.0563, 8.39e-05], [20.0, 65.0, 0.004322331006480228, 0.0, 0.0, 0.0026297936573334026, 0.007109601832893808, 1.2833247218132482, -40.21451866989075]),
        // Dioscorea dumetorum (Daniel, Ng, Tayo, and Togun, 2003)
        ([5.859, -3.06, -0.0007, -0.0007], [5.0, -20.0, 183589658.19254553, 94.9999794952664, 94.99979494964676, 111699663.43228325, 301978115.14878947, 0.17101558509789183, NA]),
        ([5.859, -3.06, -0.0007, -0.0007], [6.0, -18.0, 284670737.29375964, 94.99998677610884, 94.99986775983348, 173199437.5815227, 468241694.72459006, 0.17781311704595265, NA]),
        ([5.859, -3.06, -0.0007, -0.0007], [8.0, 5.0, 440002718.97463256, 94.99999144447685, 94.99991444424332, 267706558.76057172, 723740068.1739334, 0.20563690088107917, NA]),
        ([5.859, -3.06, -0.0007, -0.0007], [12.0, 20.0, 2852952972.5794067, 94.99999868050706, 94.99998680505821, 1735794325.0323627, 4692690044.469219, 0.16745008170775388, NA]),
        ([5.859, -3.06, -0.0007, -0.0007], [15.0, 40.0, 40349601760.3641, 94.99999990670412, 94.9999990670413, 24549514284.363632, 66369188801.58237, 0.08806440323647272, NA]),
        ([5.859, -3.06, -0.0007, -0.0007], [20.0, 65.0, 6968700289292.605, 94.99999999945979, 94.99999999459806, 4239898284782.825, 11462491945980.71, 0.02180676513580113, NA]),
        // Hordeum vulgare (Ellis and Roberts, 1980a; Dickie et al., 1990)
        ([9.144, 5.342, 0.0329, 0.000478], [5.0, -20.0, 753185.9964543135, 94.99499997147828, 94.94982010543016, 458253.6028125344, 1238880.7180369357, 12.355462350090626, 33.3986941746598]),
        ([9.144, 5.342, 0.0329, 0.000478], [6.0, -18.0, 265732.1004976213, 94.9858176508642, 94.85672871716264, 161676.7876848914, 437090.4093009453, 12.199498187408318, 26.52577514315354]),
        ([9.144, 5.342, 0.0329, 0.000478], [8.0, 5.0, 13907.314935180568, 94.72342316242393, 91.65758204787804, 8461.49185526133, 22875.497412288125, 9.363652736038274, 13.725174431368389]),
        ([9.144, 5.342, 0.0329, 0.000478], [12.0, 20.0, 338.6988979992723, 71.47109421230337, 3.372226742961656e-18, 206.0712639473725, 557.1101108185695, 7.006632188083585, -15.720560939870355]),
        ([9.144, 5.342, 0.0329, 0.000478], [15.0, 40.0, 6.0328217581844985, 0.0, 0.0, 3.670490846654484, 9.923108749701525, 4.120585825004209, NA]),
        ([9.144, 5.342, 0.0329, 0.000478], [20.0, 65.0, 0.010860448565975065, 0.0, 0.0, 0.0066077166954074925, 0.017863848214063994, 1.6830866471315786, NA]),
        // Oryza sativa (Ellis et al., 2007)
        ([8.242, 4.345, 0.0307, 0.000501], [5.0, -20.0, 415504.11684236745, 94.99093349206888, 94.90874386183035, 252801.1134338777, 683443.4536014361, 13.260415826779523, 30.898318351753502]),
        ([8.242, 4.345, 0.0307, 0.000501], [6.0, -18.0, 178323.597527205, 94.97885421560966, 94.78531902429224, 108495.68555181021, 293316.2161636576, 13.097521918352724, 25.03978136360576]),
        ([8.242, 4.345, 0.0307, 0.000501], [8.0, 5.0, 14192.176595622435, 94.72909151523594, 91.73811735668968, 8634.80745434996, 23344.05314764535, 9.753414535480248, 14.26723783475091]),
        ([8.242, 4.345, 0.0307, 0.000501], [12.0, 20.0, 547.7185956092054, 83.60748439681078, 2.5949987797467986e-05, 333.24307800054095, 900.9169185365679, 6.917249453187696, -8.517090727879836]),
        ([8.242, 4.345, 0.0307, 0.000501], [15.0, 40.0, 12.655621552047725, 3.612864885243258e-161, 0.0, 7.699936269871436, 20.816645011210912, 3.6329184332295577, NA]),
        ([8.242, 4.345, 0.0307, 0.000501], [20.0, 65.0, 0.029977793857025585, 0.0, 0.0, 0.01823909645694895, 0.04930908295373208, 1.2048704193363078, NA]),
        // Pinus taeda (Bonner, 1994)
        ([3.278271, -0.729973, 0.0348, 0.000328], [5.0, -20.0, 22557.981231100235, 94.83088799808544, 93.09692197296476, 13724.732297191942, 37104.57724467844, 0.8146678190882795, 0.2983283288054659]),
        ([3.278271, -0.729973, 0.0348, 0.000328], [6.0, -18.0, 23250.29152564478, 94.83598840835933, 93.16069280164436, 14145.947890993133, 38243.32634363588, 0.9379449407955714, 1.925159291206741]),
        ([3.278271, -0.729973, 0.0348, 0.000328], [8.0, 5.0, 5692.49040255515, 94.30305718155687, 84.2228254073423, 3463.4263624481805, 9363.313485029279, 8.59619149248677, 4.398487866271011]),
        ([3.278271, -0.729973, 0.0348, 0.000328], [12.0, 20.0, 1733.1820068255183, 92.42507198444612, 32.236362406207974, 1054.5030081501639, 2850.8307100939837, 65.75070384186539, 7.71374554712869]),
        ([3.278271, -0.729973, 0.0348, 0.000328], [15.0, 40.0, 165.95328923244034, 28.95976746154687, 2.355376504094154e-90, 100.96933964168475, 272.96886969850607, 2044.3646077779806, 9.463302049986314]),
        ([3.278271, -0.729973, 0.0348, 0.000328], [20.0, 65.0, 3.803538083262376, 0.0, 0.0, 2.314149543797832, 6.256263411502167, 480705.32926493173, 11.649094668419771]),
        // Triticum aestivum (Ellis et al., 2007)
        ([9.043, 5.183, 0.0351, 0.000475], [5.0, -20.0, 855536.3519064578, 94.99559834960904, 94.95584432116793, 520525.63038060616, 1407232.0714221676, 13.01931780003489, 32.495157153241585]),
        ([9.043, 5.183, 0.0351, 0.000475], [6.0, -18.0, 307427.04402561765, 94.98774301663852, 94.8763492193889, 187044.8351269796, 505672.4883885069, 12.823572366518933, 25.967430638761947]),
        ([9.043, 5.183, 0.0351, 0.000475], [8.0, 5.0, 14959.242326458892, 94.7432605488564, 91.93716269224723, 9101.505768451128, 24605.763997121878, 9.54227433001694, 13.99370589674039]),
        ([9.043, 5.183, 0.0351, 0.000475], [12.0, 20.0, 361.0801396344668, 73.69588377625365, 1.2950651398883642e-15, 219.68846429765532, 593.9239772978965, 6.977544914240769, -10.994345908764403]),
        ([9.043, 5.183, 0.0351, 0.000475], [15.0, 40.0, 6.071821621225518, 0.0, 0.0, 3.6942191525867183, 9.987257815875157, 3.9653810694779827, NA]),
        ([9.043, 5.183, 0.0351, 0.000475], [20.0, 65.0, 0.010265651873426034, 0.0, 0.0, 0.006245830350487767, 0.01688549471702598, 1.5431612299299742, NA]),
    ];

    #[test]
    fn probit_and_normal_cdf_as_r() {
        for (percent, expected) in QNORM {
            let x = probit(percent);
            assert!(
                close(x, expected, 4e-16),
                "probit({percent}) = {x} ≠ {expected}"
            );
        }
        for (x, expected) in PNORM {
            let p = normal_cdf(x);
            assert!(close(p, expected, 2e-15), "Φ({x}) = {p} ≠ {expected}");
        }
        // 97.5 / 100 is not quite the double nearest 0.975, whose quantile is 1.959963984540054.
        assert!(close(probit(97.5), 1.959963984540054, 3e-16));
        assert_eq!(probit(0.0), f64::NEG_INFINITY);
        assert_eq!(probit(100.0), f64::INFINITY);
        assert!(probit(120.0).is_nan() && probit(-1.0).is_nan() && probit(f64::NAN).is_nan());
        assert_eq!(normal_cdf(f64::NEG_INFINITY), 0.0);
        assert_eq!(normal_cdf(f64::INFINITY), 1.0);
        assert!(normal_cdf(f64::NAN).is_nan());
    }

    #[test]
    fn as_viabilitymetrics_computes_it() {
        for (k, row) in SPECIES {
            let [mc, t, sigma, after_1y, after_10y, period, p50, mc_for, t_for] = row;
            let c = Constants::parse(k[0], k[1], k[2], k[3]).unwrap();
            let s = Storage::parse(mc, t).unwrap();
            let case = format!("{k:?} at {mc} %, {t} °C");
            assert!(close(sigma_days(&c, &s), sigma, 1e-13), "σ {case}");
            // Deep in the tail Φ's relative error grows as the deviate's is multiplied by it.
            let after = viability_after(&c, &s, 95.0, 365.0);
            assert!(
                close(after, after_1y, 1e-11),
                "{after} ≠ {after_1y}, {case}"
            );
            let after = viability_after(&c, &s, 95.0, 3650.0);
            assert!(
                close(after, after_10y, 1e-11),
                "{after} ≠ {after_10y}, {case}"
            );
            assert!(close(
                days_until(&c, &s, 95.0, 85.0).unwrap(),
                period,
                1e-13
            ));
            assert!(close(p50_days(&c, &s, 95.0).unwrap(), p50, 1e-13));
            match storage_moisture(&c, t, 95.0, 85.0, 3650.0) {
                Ok(m) => assert!(close(m, mc_for, 1e-12), "{m} ≠ {mc_for}, {case}"),
                Err(e) => {
                    assert!(
                        !within(mc_for, MOISTURE_PERCENT),
                        "{e} for {mc_for}, {case}"
                    );
                    assert!(matches!(e, ViabilityError::Moisture(_)));
                }
            }
            match storage_temperature(&c, mc, 95.0, 85.0, 3650.0) {
                Ok(t) => assert!(close(t, t_for, 1e-12), "{t} ≠ {t_for}, {case}"),
                Err(e) => assert!(
                    t_for.is_nan() || !within(t_for, TEMPERATURE_C),
                    "{e} for {t_for}, {case}"
                ),
            }
        }
    }

    /// Allium cepa (Ellis & Roberts 1981, in `viabilitymetrics`' constants): K_E 6.975, C_W 3.47,
    /// C_H 0.040, C_Q 0.000428.
    const ONION: Constants = Constants {
        ke: 6.975,
        cw: 3.47,
        ch: 0.040,
        cq: 0.000428,
    };

    #[test]
    fn onion_seeds_by_hand() {
        // At 5 % and −20 °C: log₁₀ σ = 6.975 − 3.47·log₁₀ 5 + 0.8 − 0.1712 = 5.178…, σ ≈ 413 years.
        let bank = Storage::parse(5.0, -20.0).unwrap();
        let log_sigma = 6.975 - 3.47 * 5f64.log10() + 0.040 * 20.0 - 0.000428 * 400.0;
        assert!(close(
            sigma_days(&ONION, &bank),
            10f64.powf(log_sigma),
            1e-14
        ));
        assert!(close(sigma_days(&ONION, &bank) / 365.0, 413.124_756, 1e-8));
        // One σ of storage takes one normal deviate away: from 95 % (1.645) to 74 % (0.645).
        let warm = Storage::parse(12.0, 20.0).unwrap();
        let sigma = sigma_days(&ONION, &warm);
        assert!(close(
            viability_after(&ONION, &warm, 95.0, sigma),
            74.048_897_7,
            1e-9
        ));
        assert!(close(
            viability_after(&ONION, &warm, 95.0, 0.0),
            95.0,
            1e-15
        ));
        // The inverse forms give back the conditions they were asked about.
        let days = days_until(&ONION, &warm, 95.0, 60.0).unwrap();
        assert!(close(
            storage_moisture(&ONION, 20.0, 95.0, 60.0, days).unwrap(),
            12.0,
            1e-13
        ));
        assert!(close(
            storage_temperature(&ONION, 12.0, 95.0, 60.0, days).unwrap(),
            20.0,
            1e-13
        ));
        let flat = Constants { cq: 0.0, ..ONION };
        let days = days_until(&flat, &warm, 95.0, 60.0).unwrap();
        assert!(close(
            storage_temperature(&flat, 12.0, 95.0, 60.0, days).unwrap(),
            20.0,
            1e-13
        ));
    }

    #[test]
    fn refusals() {
        for bad in [
            [f64::NAN, 1.0, 0.0, 0.0],
            [0.0, 3.0, 0.03, 0.0004],
            [6.0, f64::INFINITY, 0.03, 0.0004],
            [8.8, 5.168, 5.168, 0.000581],
            [6.0, 3.0, 0.03, 0.1],
        ] {
            assert_eq!(
                Constants::parse(bad[0], bad[1], bad[2], bad[3]),
                Err(ViabilityError::Constants)
            );
        }
        assert!(Constants::parse(5.859, -3.06, -0.0007, -0.0007).is_ok());
        assert_eq!(
            Storage::parse(4.0, 20.0),
            Err(ViabilityError::Moisture(4.0))
        );
        assert_eq!(
            Storage::parse(6.0, -25.0),
            Err(ViabilityError::Temperature(-25.0))
        );
        assert!(matches!(
            Storage::parse(f64::NAN, -18.0),
            Err(ViabilityError::Moisture(m)) if m.is_nan()
        ));
        assert!(Storage::parse(5.0, -20.0).is_ok() && Storage::parse(25.0, 90.0).is_ok());
        let s = Storage::parse(6.0, -20.0).unwrap();
        assert_eq!(
            days_until(&ONION, &s, 100.0, 80.0),
            Err(ViabilityError::Percent(100.0))
        );
        assert!(days_until(&ONION, &s, 100.0, 80.0)
            .unwrap_err()
            .to_string()
            .contains("99.9"));
        assert_eq!(
            days_until(&ONION, &s, 90.0, 0.0),
            Err(ViabilityError::Percent(0.0))
        );
        assert_eq!(
            days_until(&ONION, &s, 80.0, 90.0),
            Err(ViabilityError::NotADecline {
                initial_percent: 80.0,
                final_percent: 90.0
            })
        );
        assert!(p50_days(&ONION, &s, 40.0).is_err());
        assert_eq!(
            storage_moisture(&ONION, 20.0, 95.0, 85.0, 0.0),
            Err(ViabilityError::Days(0.0))
        );
        assert_eq!(
            storage_moisture(&ONION, 95.0, 95.0, 85.0, 10.0),
            Err(ViabilityError::Temperature(95.0))
        );
        assert_eq!(
            storage_temperature(&ONION, 12.0, 95.0, 85.0, 1e12),
            Err(ViabilityError::NoTemperature)
        );
    }

    proptest! {
        #[test]
        fn probit_inverts_the_distribution(p in 1e-12f64..(100.0 - 1e-9)) {
            let x = probit(p);
            prop_assert!(x.is_finite());
            prop_assert!(close(normal_cdf(x) * 100.0, p, 1e-13 * (1.0 + 100.0 / (100.0 - p))));
        }

        #[test]
        fn viability_declines_and_round_trips(
            initial in 0.1f64..99.99,
            days in 0.0f64..100_000.0,
            mc in 5.0f64..25.0,
            t in -20.0f64..90.0,
        ) {
            let s = Storage::parse(mc, t).unwrap();
            let v1 = viability_after(&ONION, &s, initial, days);
            let v2 = viability_after(&ONION, &s, initial, days * 2.0 + 1.0);
            prop_assert!(v1.is_finite() && v2.is_finite());
            prop_assert!(v1 <= initial * (1.0 + 1e-14) && v2 <= v1);
            prop_assert!(v2 >= 0.0);
            if v1 > 1e-3 && v1 < initial * (1.0 - 1e-6) {
                let back = days_until(&ONION, &s, initial, v1).unwrap();
                prop_assert!(close(back, days, 1e-6), "{} ≠ {}", back, days);
            }
        }

        #[test]
        fn never_nan_for_parsed_inputs(
            ke in 0.01f64..20.0, cw in -20.0f64..20.0, ch in -1.0f64..1.0, cq in -0.01f64..0.01,
            mc in 5.0f64..25.0, t in -20.0f64..90.0, initial in 0.01f64..99.99, days in 0.0f64..1e9,
        ) {
            let c = Constants::parse(ke, cw, ch, cq).unwrap();
            let s = Storage::parse(mc, t).unwrap();
            let sigma = sigma_days(&c, &s);
            prop_assert!(sigma.is_finite() && sigma > 0.0);
            let v = viability_after(&c, &s, initial, days);
            prop_assert!((0.0..=100.0).contains(&v));
            if initial > 50.0 {
                let p50 = p50_days(&c, &s, initial).unwrap();
                prop_assert!(p50.is_finite() && p50 > 0.0);
            }
        }
    }
}
