//! Ellis & Roberts (1980) improved seed viability equation, as the R package `viabilitymetrics`
//! implements it: v = Kᵢ − p/σ with σ = 10^(K_E − C_W·log₁₀ m − C_H·t − C_Q·t²), viabilities as
//! normal equivalent deviates (probits minus 5), p and σ in days, m the moisture content (% fresh
//! weight), t the temperature (°C).
use serde::{Deserialize, Serialize};

#[derive(Debug, thiserror::Error, PartialEq)]
pub enum ViabilityError {
    #[error("the viability constants must be finite numbers, K_E and C_W positive")]
    Constants,
    #[error("moisture content {0} % is outside the equation's range (2 to 30 % of fresh weight)")]
    Moisture(f64),
    #[error("temperature {0} °C is outside the equation's range (−30 to 90 °C)")]
    Temperature(f64),
    #[error("viability {0} % must lie strictly between 0 and 100 % (use e.g. 99.9 for a full germination)")]
    Percent(f64),
    #[error("the final viability {final_percent} % is not below the initial {initial_percent} %")]
    NotADecline {
        initial_percent: f64,
        final_percent: f64,
    },
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

    pub fn parse(ke: f64, cw: f64, ch: f64, cq: f64) -> Result<Constants, ViabilityError> {
        if [ke, cw, ch, cq].iter().all(|x| x.is_finite()) && ke > 0.0 && cw > 0.0 {
            Ok(Constants { ke, cw, ch, cq })
        } else {
            Err(ViabilityError::Constants)
        }
    }
}

/// Storage conditions of a lot.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Storage {
    pub moisture_percent: f64,
    pub temperature_c: f64,
}

impl Storage {
    /// `viabilitymetrics` only warns outside −20…90 °C; seed banks store at −18 to −25 °C, so
    /// the bounds here are a little wider, and moisture contents beyond 2–30 % are refused.
    pub fn parse(moisture_percent: f64, temperature_c: f64) -> Result<Storage, ViabilityError> {
        if !(2.0..=30.0).contains(&moisture_percent) {
            return Err(ViabilityError::Moisture(moisture_percent));
        }
        if !(-30.0..=90.0).contains(&temperature_c) {
            return Err(ViabilityError::Temperature(temperature_c));
        }
        Ok(Storage {
            moisture_percent,
            temperature_c,
        })
    }
}

/// σ, the standard deviation of seed death in time, in days.
pub fn sigma_days(c: &Constants, s: &Storage) -> f64 {
    let t = s.temperature_c;
    10f64.powf(c.ke - c.cw * s.moisture_percent.log10() - c.ch * t - c.cq * t * t)
}

fn ned(percent: f64) -> Result<f64, ViabilityError> {
    if percent > 0.0 && percent < 100.0 {
        Ok(probit(percent))
    } else {
        Err(ViabilityError::Percent(percent))
    }
}

/// Viability (%) after `days` of storage, from an initial viability strictly between 0 and 100 %.
pub fn viability_after(c: &Constants, s: &Storage, initial_percent: f64, days: f64) -> f64 {
    normal_cdf(probit(initial_percent) - days / sigma_days(c, s)) * 100.0
}

/// Days for viability to fall from `initial_percent` to `final_percent`.
pub fn days_until(
    c: &Constants,
    s: &Storage,
    initial_percent: f64,
    final_percent: f64,
) -> Result<f64, ViabilityError> {
    let (ki, v) = (ned(initial_percent)?, ned(final_percent)?);
    if final_percent >= initial_percent {
        return Err(ViabilityError::NotADecline {
            initial_percent,
            final_percent,
        });
    }
    Ok(sigma_days(c, s) * (ki - v))
}

/// Days for viability to fall to 50 % (P50), from an initial viability above 50 %.
pub fn p50_days(c: &Constants, s: &Storage, initial_percent: f64) -> Result<f64, ViabilityError> {
    days_until(c, s, initial_percent, 50.0)
}

/// The standard normal distribution function Φ. Marsaglia's (2004) Taylor series below |x| = 7,
/// where it is exact to rounding; the tail's continued fraction beyond.
pub fn normal_cdf(x: f64) -> f64 {
    if x.is_nan() {
        return f64::NAN;
    }
    if x.abs() > 7.0 {
        let q = upper_tail(x.abs());
        return if x > 0.0 { 1.0 - q } else { q };
    }
    let (mut sum, mut term, x2) = (x, x, x * x);
    let mut i = 3.0;
    while sum + term != sum {
        term *= x2 / i;
        sum += term;
        i += 2.0;
    }
    0.5 + sum * density(x)
}

fn density(x: f64) -> f64 {
    (-0.5 * x * x).exp() / (2.0 * std::f64::consts::PI).sqrt()
}

/// 1 − Φ(x) for large x: φ(x) / (x + 1/(x + 2/(x + 3/(x + …)))), evaluated from the back.
fn upper_tail(x: f64) -> f64 {
    let mut f = x;
    for k in (1..=60).rev() {
        f = x + f64::from(k) / f;
    }
    density(x) / f
}

/// The probit of a percentage as a normal equivalent deviate: Φ⁻¹(p/100). Halley's iteration on
/// Φ from a rough start (Tukey's lambda approximation) reaches full double precision.
pub fn probit(percent: f64) -> f64 {
    let p = percent / 100.0;
    if !(p > 0.0 && p < 1.0) {
        return if p == 0.0 {
            f64::NEG_INFINITY
        } else if p == 1.0 {
            f64::INFINITY
        } else {
            f64::NAN
        };
    }
    if p > 0.5 {
        return -probit(100.0 - percent);
    }
    let mut x = 4.91 * (p.powf(0.14) - (1.0 - p).powf(0.14));
    for _ in 0..50 {
        let e = normal_cdf(x) - p;
        let u = e / density(x);
        let step = u / (1.0 + x * u / 2.0);
        x -= step;
        if step.abs() <= 1e-15 * x.abs().max(1.0) {
            break;
        }
    }
    x
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn close(a: f64, b: f64, tol: f64) {
        assert!((a - b).abs() <= tol * b.abs().max(1.0), "{a} ≠ {b}");
    }

    #[test]
    fn normal_distribution() {
        close(normal_cdf(0.0), 0.5, 1e-15);
        close(normal_cdf(1.0), 0.841_344_746_068_542_9, 1e-14);
        close(normal_cdf(-1.959_963_984_540_054), 0.025, 1e-13);
        close(normal_cdf(-8.0), 6.220_960_574_271_785e-16, 1e-10);
        close(normal_cdf(3.0), 0.998_650_101_968_369_9, 1e-14);
        close(probit(97.5), 1.959_963_984_540_054, 1e-13);
        close(probit(50.0), 0.0, 1e-15);
        close(probit(2.5), -1.959_963_984_540_054, 1e-13);
        close(probit(84.134_474_606_854_29), 1.0, 1e-12);
        close(probit(1e-10), -7.034_483_825_301_132, 1e-12);
        assert_eq!(probit(0.0), f64::NEG_INFINITY);
        assert!(probit(120.0).is_nan());
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
    fn onion_seeds() {
        // At 12 % moisture and 20 °C: log₁₀ σ = 6.975 − 3.47·log₁₀ 12 − 0.8 − 0.1712.
        let s = Storage::parse(12.0, 20.0).unwrap();
        let expected = 10f64.powf(6.975 - 3.47 * 12f64.log10() - 0.040 * 20.0 - 0.000428 * 400.0);
        close(sigma_days(&ONION, &s), expected, 1e-12);
        close(expected, 181.568_738_5, 1e-9);
        // From 95 %: one σ of storage takes away one normal deviate.
        let after = viability_after(&ONION, &s, 95.0, expected);
        close(after, normal_cdf(probit(95.0) - 1.0) * 100.0, 1e-12);
        close(after, 74.048_897_7, 1e-9);
        close(days_until(&ONION, &s, 95.0, after).unwrap(), expected, 1e-9);
        close(
            p50_days(&ONION, &s, 95.0).unwrap(),
            probit(95.0) * expected,
            1e-12,
        );
        // Dry and cold lasts far longer.
        let bank = Storage::parse(5.0, -20.0).unwrap();
        // 10^(3.47·log₁₀(12/5) + 2·0.040·20) ≈ 830 times longer.
        close(
            sigma_days(&ONION, &bank) / sigma_days(&ONION, &s),
            10f64.powf(3.47 * (12f64 / 5.0).log10() + 1.6),
            1e-12,
        );
    }

    #[test]
    fn refusals() {
        assert_eq!(
            Constants::parse(f64::NAN, 1.0, 0.0, 0.0),
            Err(ViabilityError::Constants)
        );
        assert_eq!(
            Constants::parse(6.0, -1.0, 0.0, 0.0),
            Err(ViabilityError::Constants)
        );
        assert_eq!(
            Storage::parse(1.0, 20.0),
            Err(ViabilityError::Moisture(1.0))
        );
        assert_eq!(
            Storage::parse(6.0, -40.0),
            Err(ViabilityError::Temperature(-40.0))
        );
        let s = Storage::parse(6.0, -20.0).unwrap();
        assert_eq!(
            days_until(&ONION, &s, 100.0, 80.0),
            Err(ViabilityError::Percent(100.0))
        );
        assert!(matches!(
            days_until(&ONION, &s, 80.0, 90.0),
            Err(ViabilityError::NotADecline { .. })
        ));
        assert!(p50_days(&ONION, &s, 40.0).is_err());
    }

    proptest! {
        #[test]
        fn probit_inverts_the_distribution(p in 1e-12f64..(100.0 - 1e-9)) {
            let x = probit(p);
            prop_assert!(x.is_finite());
            prop_assert!((normal_cdf(x) * 100.0 - p).abs() <= 1e-12 * p.max(1.0));
        }

        #[test]
        fn viability_declines_and_round_trips(initial in 1.0f64..99.9, days in 0.0f64..50_000.0, mc in 3.0f64..20.0, t in -25.0f64..40.0) {
            let s = Storage::parse(mc, t).unwrap();
            let v1 = viability_after(&ONION, &s, initial, days);
            let v2 = viability_after(&ONION, &s, initial, days * 2.0 + 1.0);
            prop_assert!(v1.is_finite() && v2.is_finite());
            prop_assert!(v1 <= initial + 1e-9 && v2 <= v1 + 1e-12);
            if v1 > 1e-6 && v1 < initial - 1e-6 {
                let back = days_until(&ONION, &s, initial, v1).unwrap();
                prop_assert!((back - days).abs() <= 1e-6 * days.max(1.0));
            }
        }
    }
}
