//! Germination metrics from the counts of a test, as the R package `germinationmetrics`
//! (Aravind et al., ICAR-NBPGR) defines them: same formulas, same conventions at the edges (its
//! results are the reference in the tests below). A metric the data cannot define is `None`,
//! never NaN or infinity, so that answers serialise as JSON.
use serde::{Deserialize, Serialize};

/// One count of a germination test: time since the test started, in days (may be fractional),
/// and the seeds newly germinated since the previous count (partial, not cumulative).
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Interval {
    pub time: f64,
    pub germinated: u32,
}

#[derive(Debug, thiserror::Error, PartialEq)]
pub enum GerminationError {
    #[error("a test needs at least one seed")]
    NoSeeds,
    #[error("a test needs at least one count")]
    NoCount,
    #[error("count times must be positive and strictly increasing (count {index} is at {time})")]
    BadTime { index: usize, time: f64 },
    #[error("{germinated} seeds germinated out of {tested} tested")]
    MoreThanTested { germinated: u64, tested: u32 },
}

/// Every metric of the package for one test. Times are in the unit of the intervals (days).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Metrics {
    pub seeds_tested: u32,
    pub germinated: u64,
    /// False when the counts are not evenly spaced (the package warns then: some indices assume it).
    pub uniform_intervals: bool,
    pub germination_percent: f64,
    pub peak_germination_percent: f64,
    pub mean_germination_time: Option<f64>,
    pub var_germination_time: Option<f64>,
    pub se_germination_time: Option<f64>,
    pub cv_germination_time: Option<f64>,
    pub mean_germination_rate: Option<f64>,
    pub var_germination_rate: Option<f64>,
    pub se_germination_rate: Option<f64>,
    /// Kotowski's coefficient of velocity (CVG).
    pub coefficient_of_velocity: Option<f64>,
    pub t50_coolbear: Option<f64>,
    pub t50_farooq: Option<f64>,
    /// Melville's germination index, and Santana & Ranal's modification.
    pub germination_index: f64,
    pub germination_index_modified: Option<f64>,
    pub coefficient_of_uniformity: Option<f64>,
    /// Primack's synchrony (Z).
    pub synchrony: Option<f64>,
    /// Labouriau's uncertainty, in bits.
    pub uncertainty: f64,
    /// Maguire's speed, its accumulated form, in percent, and corrected by the germination percentage.
    pub speed: f64,
    pub speed_accumulated: f64,
    pub speed_percent: f64,
    pub speed_corrected: Option<f64>,
    pub timson: f64,
    pub timson_labouriau: Option<f64>,
    pub timson_khan_ungar: f64,
    pub first_germination_time: Option<f64>,
    pub last_germination_time: Option<f64>,
    pub germination_time_spread: Option<f64>,
    /// The first time of the largest count.
    pub peak_time: Option<f64>,
    /// Germination percentage per unit of time (Czabator's mean daily germination).
    pub mean_germination_percent: f64,
    /// Czabator's peak value, and his germination value.
    pub peak_value: f64,
    pub germination_value_czabator: Option<f64>,
    /// Diavanshir & Pourbeik's germination value (k = 10), from the onset of germination.
    pub germination_value_dp: Option<f64>,
}

fn finite(x: f64) -> Option<f64> {
    x.is_finite().then_some(x)
}

/// The package's tolerance for "uniform" intervals (`.Machine$double.eps ^ 0.5`).
fn uniform(times: &[f64]) -> bool {
    let d: Vec<f64> = times.windows(2).map(|w| w[1] - w[0]).collect();
    d.iter().all(|x| (x - d[0]).abs() < f64::EPSILON.sqrt())
}

/// t50 by interpolation between the cumulative counts around `half`, as the package does
/// (Coolbear: half = (N + 1)/2, Farooq: N/2). Undefined when half is reached at the first count.
fn t50(counts: &[f64], times: &[f64], half: f64) -> Option<f64> {
    let cum: Vec<f64> = counts
        .iter()
        .scan(0.0, |s, x| {
            *s += x;
            Some(*s)
        })
        .collect();
    if counts.is_empty() || counts[0] >= half {
        return None;
    }
    let below = cum
        .iter()
        .copied()
        .filter(|c| *c < half)
        .fold(f64::NEG_INFINITY, f64::max);
    let above = cum
        .iter()
        .copied()
        .filter(|c| *c > half)
        .fold(f64::INFINITY, f64::min);
    let (low, high) = if below.is_finite() && above.is_finite() {
        (below, above)
    } else {
        (
            cum.iter()
                .copied()
                .filter(|c| *c <= half)
                .fold(f64::NEG_INFINITY, f64::max),
            cum.iter()
                .copied()
                .filter(|c| *c >= half)
                .fold(f64::INFINITY, f64::min),
        )
    };
    // The last time the lower count holds, the first time the higher one is reached.
    let i = cum.iter().rposition(|c| *c == low)?;
    let j = cum.iter().position(|c| *c == high)?;
    finite(times[i] + (half - cum[i]) * (times[j] - times[i]) / (cum[j] - cum[i]))
}

/// All the metrics of a test's counts.
pub fn metrics(intervals: &[Interval], seeds_tested: u32) -> Result<Metrics, GerminationError> {
    if seeds_tested == 0 {
        return Err(GerminationError::NoSeeds);
    }
    if intervals.is_empty() {
        return Err(GerminationError::NoCount);
    }
    let mut previous = 0.0;
    for (index, i) in intervals.iter().enumerate() {
        if !i.time.is_finite() || i.time <= previous {
            return Err(GerminationError::BadTime {
                index,
                time: i.time,
            });
        }
        previous = i.time;
    }
    let germinated: u64 = intervals.iter().map(|i| u64::from(i.germinated)).sum();
    if germinated > u64::from(seeds_tested) {
        return Err(GerminationError::MoreThanTested {
            germinated,
            tested: seeds_tested,
        });
    }
    let x: Vec<f64> = intervals.iter().map(|i| f64::from(i.germinated)).collect();
    let t: Vec<f64> = intervals.iter().map(|i| i.time).collect();
    let total = f64::from(seeds_tested);
    let ng = germinated as f64;
    let tk = *t.last().expect("at least one interval");
    let gp = ng / total * 100.0;
    let max_count = x.iter().copied().fold(0.0, f64::max);

    let sum_xt: f64 = x.iter().zip(&t).map(|(x, t)| x * t).sum();
    let mgt = finite(sum_xt / ng);
    let var_t = mgt.and_then(|m| {
        finite(
            x.iter()
                .zip(&t)
                .map(|(x, t)| x * (t - m).powi(2))
                .sum::<f64>()
                / (ng - 1.0),
        )
    });
    let mgr = finite(ng / sum_xt);
    let var_r = mgr.zip(var_t).and_then(|(r, v)| finite(r.powi(4) * v));
    let sum_sq_dev = mgt.map(|m| {
        x.iter()
            .zip(&t)
            .map(|(x, t)| (m - t).powi(2) * x)
            .sum::<f64>()
    });

    let cum: Vec<f64> = x
        .iter()
        .scan(0.0, |s, x| {
            *s += x;
            Some(*s)
        })
        .collect();
    let cum_pct: Vec<f64> = cum.iter().map(|c| c / total * 100.0).collect();
    let gi_sum: f64 = x.iter().zip(&t).map(|(x, t)| ((tk - t) * x).abs()).sum();
    let timson: f64 = cum_pct.iter().sum();
    let speed: f64 = x.iter().zip(&t).map(|(x, t)| x / t).sum();
    let speed_percent = speed / total * 100.0;
    // Daily germination speeds: cumulative percentage over time.
    let dgs: Vec<f64> = cum_pct.iter().zip(&t).map(|(c, t)| c / t).collect();
    let peak_value = dgs.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let mean_germination_percent = gp / tk;
    let first = x.iter().position(|x| *x > 0.0);
    let last = x.iter().rposition(|x| *x > 0.0);
    let germination_value_dp = first.map(|onset| {
        let mut sum = 0.0;
        dgs[onset..].iter().zip(&cum_pct[onset..]).enumerate().fold(
            f64::NEG_INFINITY,
            |best, (n, (d, c))| {
                sum += d;
                best.max(sum / (n + 1) as f64 * (c / 100.0) * 10.0)
            },
        )
    });
    let pairs = |n: f64| n * (n - 1.0) / 2.0;

    Ok(Metrics {
        seeds_tested,
        germinated,
        uniform_intervals: uniform(&t),
        germination_percent: gp,
        // The package indexes the counts by the peak's time, which is the peak's position only
        // for intervals 1, 2, 3…; the largest count is what its documentation defines.
        peak_germination_percent: max_count / total * 100.0,
        mean_germination_time: mgt,
        var_germination_time: var_t,
        se_germination_time: var_t.and_then(|v| finite((v / ng).sqrt())),
        cv_germination_time: var_t.zip(mgt).and_then(|(v, m)| finite(v.sqrt() / m)),
        mean_germination_rate: mgr,
        var_germination_rate: var_r,
        se_germination_rate: var_r.and_then(|v| finite((v / ng).sqrt())),
        coefficient_of_velocity: mgr.map(|r| r * 100.0),
        t50_coolbear: if germinated == 0 {
            None
        } else {
            t50(&x, &t, (ng + 1.0) / 2.0)
        },
        t50_farooq: if germinated == 0 {
            None
        } else {
            t50(&x, &t, ng / 2.0)
        },
        germination_index: gi_sum / total,
        germination_index_modified: finite(gi_sum / ng),
        coefficient_of_uniformity: sum_sq_dev.and_then(|d| finite(ng / d)),
        synchrony: finite(x.iter().map(|x| pairs(*x)).sum::<f64>() / pairs(ng)),
        // 0 × log₂ 0 counts as 0 (the package drops the NaN terms).
        uncertainty: if germinated == 0 {
            0.0
        } else {
            -x.iter()
                .filter(|x| **x > 0.0)
                .map(|x| (x / ng) * (x / ng).log2())
                .sum::<f64>()
                + 0.0
        },
        speed,
        speed_accumulated: cum.iter().zip(&t).map(|(c, t)| c / t).sum(),
        speed_percent,
        speed_corrected: finite(speed_percent / gp),
        timson,
        timson_labouriau: finite(timson / gp),
        timson_khan_ungar: timson / tk,
        first_germination_time: first.map(|i| t[i]),
        last_germination_time: last.map(|i| t[i]),
        germination_time_spread: first.zip(last).map(|(f, l)| t[l] - t[f]),
        peak_time: if germinated == 0 {
            None
        } else {
            x.iter().position(|x| *x == max_count).map(|i| t[i])
        },
        mean_germination_percent,
        peak_value,
        germination_value_czabator: (germinated > 0)
            .then_some(peak_value * mean_germination_percent),
        germination_value_dp: germination_value_dp.and_then(finite),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn days(counts: &[u32]) -> Vec<Interval> {
        counts
            .iter()
            .enumerate()
            .map(|(i, g)| Interval {
                time: (i + 1) as f64,
                germinated: *g,
            })
            .collect()
    }

    fn close(a: f64, b: f64) {
        assert!((a - b).abs() <= 1e-6 * b.abs().max(1.0), "{a} ≠ {b}");
    }

    /// The package's documented example (germinationmetrics' help pages and README): counts
    /// 0,0,0,0,4,17,10,7,1,0,1,0,0,0 on days 1 to 14, 50 seeds.
    #[test]
    fn the_package_example() {
        let m = metrics(&days(&[0, 0, 0, 0, 4, 17, 10, 7, 1, 0, 1, 0, 0, 0]), 50).unwrap();
        assert!(m.uniform_intervals);
        close(m.germination_percent, 80.0);
        close(m.peak_germination_percent, 34.0);
        close(m.mean_germination_time.unwrap(), 6.7);
        close(m.var_germination_time.unwrap(), 1.446154);
        close(m.se_germination_time.unwrap(), 0.1901416);
        close(m.cv_germination_time.unwrap(), 0.1794868);
        close(m.mean_germination_rate.unwrap(), 0.1492537);
        close(m.var_germination_rate.unwrap(), 0.0007176543);
        close(m.se_germination_rate.unwrap(), 0.004235724);
        close(m.coefficient_of_velocity.unwrap(), 14.92537);
        close(m.t50_coolbear.unwrap(), 5.970588);
        close(m.t50_farooq.unwrap(), 5.941176);
        close(1.0 / m.t50_coolbear.unwrap(), 0.1674877);
        close(m.germination_index, 5.84);
        close(m.germination_index_modified.unwrap(), 7.3);
        close(m.coefficient_of_uniformity.unwrap(), 0.7092199);
        close(m.synchrony.unwrap(), 0.2666667);
        close(m.uncertainty, 2.062987);
        close(m.speed, 6.138925);
        close(m.speed_accumulated, 34.61567);
        close(m.speed_corrected.unwrap(), 0.1534731);
        close(m.speed_percent, 12.27785);
        close(m.timson, 664.0);
        close(m.timson_labouriau.unwrap(), 8.3);
        close(m.timson_khan_ungar, 47.42857);
        assert_eq!(
            (
                m.first_germination_time,
                m.last_germination_time,
                m.germination_time_spread,
                m.peak_time
            ),
            (Some(5.0), Some(11.0), Some(6.0), Some(6.0))
        );
        close(m.mean_germination_percent, 5.714286);
        close(m.peak_value, 9.5);
        close(m.germination_value_czabator.unwrap(), 54.28571);
        close(m.germination_value_dp.unwrap(), 57.93890);
    }

    #[test]
    fn nothing_germinated() {
        let m = metrics(&days(&[0, 0, 0]), 20).unwrap();
        assert_eq!(m.germination_percent, 0.0);
        assert_eq!(
            (
                m.mean_germination_time,
                m.t50_coolbear,
                m.synchrony,
                m.first_germination_time,
                m.germination_value_czabator,
                m.germination_value_dp
            ),
            (None, None, None, None, None, None)
        );
        assert_eq!(m.uncertainty, 0.0);
        assert_eq!(m.speed_corrected, None);
    }

    #[test]
    fn one_seed_and_early_halves() {
        // One seed: no variance, no synchrony, no Coolbear t50 (its half, 1, is never passed).
        let m = metrics(&days(&[0, 1, 0]), 10).unwrap();
        assert_eq!(
            (m.var_germination_time, m.synchrony, m.t50_coolbear),
            (None, None, None)
        );
        close(m.t50_farooq.unwrap(), 1.5);
        close(m.uncertainty, 0.0);
        // Half the seeds at the first count: t50 is not defined (the package says so too).
        let m = metrics(&days(&[6, 2, 1]), 10).unwrap();
        assert_eq!((m.t50_coolbear, m.t50_farooq), (None, None));
        // All at one count: perfectly synchronous, no spread, uniformity infinite hence absent.
        let m = metrics(&days(&[0, 0, 9, 0]), 10).unwrap();
        assert_eq!(
            (
                m.synchrony,
                m.germination_time_spread,
                m.coefficient_of_uniformity
            ),
            (Some(1.0), Some(0.0), None)
        );
    }

    #[test]
    fn irregular_intervals_are_flagged() {
        let c = [
            Interval {
                time: 2.0,
                germinated: 3,
            },
            Interval {
                time: 3.5,
                germinated: 5,
            },
            Interval {
                time: 7.0,
                germinated: 2,
            },
        ];
        let m = metrics(&c, 12).unwrap();
        assert!(!m.uniform_intervals);
        close(m.mean_germination_time.unwrap(), (6.0 + 17.5 + 14.0) / 10.0);
        // Cumulative 3, 8, 10: Coolbear's half 5.5 lies between 3 (t=2) and 8 (t=3.5).
        close(m.t50_coolbear.unwrap(), 2.0 + 2.5 * 1.5 / 5.0);
        close(m.mean_germination_percent, 10.0 / 12.0 * 100.0 / 7.0);
    }

    #[test]
    fn bad_inputs() {
        assert_eq!(metrics(&days(&[1]), 0), Err(GerminationError::NoSeeds));
        assert_eq!(metrics(&[], 5), Err(GerminationError::NoCount));
        assert_eq!(
            metrics(&days(&[3, 3]), 5),
            Err(GerminationError::MoreThanTested {
                germinated: 6,
                tested: 5
            })
        );
        let back = [
            Interval {
                time: 2.0,
                germinated: 1,
            },
            Interval {
                time: 2.0,
                germinated: 1,
            },
        ];
        assert_eq!(
            metrics(&back, 5),
            Err(GerminationError::BadTime {
                index: 1,
                time: 2.0
            })
        );
        assert!(matches!(
            metrics(
                &[Interval {
                    time: 0.0,
                    germinated: 1
                }],
                5
            ),
            Err(GerminationError::BadTime { index: 0, .. })
        ));
        assert!(matches!(
            metrics(
                &[Interval {
                    time: f64::NAN,
                    germinated: 1
                }],
                5
            ),
            Err(GerminationError::BadTime { .. })
        ));
    }

    fn all_finite(m: &Metrics) -> bool {
        let v = serde_json::to_value(m).unwrap();
        v.as_object()
            .unwrap()
            .values()
            .all(|x| !x.is_number() || x.as_f64().is_some_and(f64::is_finite))
    }

    proptest! {
        #[test]
        fn never_panics_nor_yields_non_finite(counts in proptest::collection::vec(0u32..40, 1..30), steps in proptest::collection::vec(0.1f64..5.0, 30), extra in 0u32..100) {
            let mut time = 0.0;
            let intervals: Vec<Interval> = counts.iter().zip(&steps).map(|(g, s)| { time += s; Interval { time, germinated: *g } }).collect();
            let total: u32 = counts.iter().sum::<u32>() + extra;
            match metrics(&intervals, total) {
                Ok(m) => {
                    prop_assert!(all_finite(&m));
                    prop_assert!((0.0..=100.0).contains(&m.germination_percent));
                    if let (Some(mgt), Some(f), Some(l)) = (m.mean_germination_time, m.first_germination_time, m.last_germination_time) {
                        prop_assert!(mgt >= f - 1e-9 && mgt <= l + 1e-9);
                    }
                    if let Some(t50) = m.t50_farooq {
                        prop_assert!(t50 >= intervals[0].time - 1e-9 && t50 <= time + 1e-9);
                    }
                }
                Err(e) => prop_assert_eq!(e, GerminationError::NoSeeds),
            }
        }

        #[test]
        fn bad_times_are_errors(times in proptest::collection::vec(-5.0f64..5.0, 1..10)) {
            let intervals: Vec<Interval> = times.iter().map(|t| Interval { time: *t, germinated: 1 }).collect();
            let increasing = times.windows(2).all(|w| w[1] > w[0]) && times[0] > 0.0;
            let r = metrics(&intervals, 100);
            prop_assert_eq!(r.is_ok(), increasing);
        }
    }
}
