//! Germination metrics from the counts of a test, as the R package `germinationmetrics`
//! (Aravind et al., ICAR-NBPGR) computes them: same formulas, same conventions at the edges
//! (its own results are the reference in the tests below). A metric the data cannot define is
//! `None`, never NaN or infinity, so that answers serialise as JSON.
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
    #[error("no seeds tested: a germination test needs at least one seed")]
    NoSeeds,
    #[error("no count: a germination test needs at least one count")]
    NoCount,
    #[error(
        "count {} is at time {time}: counts must come after the start of the test (time above 0) \
         and in strictly increasing order of time",
        .index + 1
    )]
    BadTime { index: usize, time: f64 },
    #[error("{germinated} seeds counted as germinated, more than the {tested} seeds tested")]
    MoreThanTested { germinated: u64, tested: u32 },
}

/// Every metric of the package for one test. Times are in the unit of the intervals (days).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Metrics {
    pub seeds_tested: u32,
    pub germinated: u64,
    /// False when the counts are not evenly spaced: the package then warns, because indices
    /// such as Timson's or the germination value compare counts as if they were.
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

/// The package's test, tolerance included (`.Machine$double.eps ^ 0.5`).
fn uniform(times: &[f64]) -> bool {
    let steps: Vec<f64> = times.windows(2).map(|w| w[1] - w[0]).collect();
    steps
        .iter()
        .all(|s| (s - steps[0]).abs() < f64::EPSILON.sqrt())
}

fn cumulative(x: &[f64]) -> Vec<f64> {
    x.iter()
        .scan(0.0, |sum, x| {
            *sum += x;
            Some(*sum)
        })
        .collect()
}

/// t50 by linear interpolation between the last count below `half` and the first above it
/// (Coolbear: half = (N + 1)/2, Farooq: N/2). The package compares strictly, so a cumulative
/// count equal to the half is passed over rather than taken as the answer. It gives no t50
/// when the first count already reaches the half, and its fallback for a half that no count
/// exceeds (N ≤ 1 with Coolbear's half) divides zero by zero: both are `None` here.
fn t50(cum: &[f64], times: &[f64], half: f64) -> Option<f64> {
    if cum[0] >= half {
        return None;
    }
    let high = cum.iter().position(|c| *c > half)?;
    let low = cum.iter().rposition(|c| *c < half)?;
    finite(times[low] + (half - cum[low]) * (times[high] - times[low]) / (cum[high] - cum[low]))
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
        // Maguire's speed and the daily germination speeds divide by the time, so a count at
        // the very start has no meaning for them.
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
    let tk = t[t.len() - 1];
    let gp = ng / total * 100.0;
    let cum = cumulative(&x);
    let cum_pct: Vec<f64> = cum.iter().map(|c| c / total * 100.0).collect();
    let max_count = x.iter().copied().fold(0.0, f64::max);
    let first = x.iter().position(|x| *x > 0.0);
    let last = x.iter().rposition(|x| *x > 0.0);

    let sum_xt: f64 = x.iter().zip(&t).map(|(x, t)| x * t).sum();
    let mgt = finite(sum_xt / ng);
    let sum_sq_dev = mgt.map(|m| {
        x.iter()
            .zip(&t)
            .map(|(x, t)| x * (t - m).powi(2))
            .sum::<f64>()
    });
    let var_t = sum_sq_dev.and_then(|d| finite(d / (ng - 1.0)));
    let mgr = finite(ng / sum_xt);
    let var_r = mgr.zip(var_t).map(|(r, v)| r.powi(4) * v);
    let gi_sum: f64 = x.iter().zip(&t).map(|(x, t)| ((tk - t) * x).abs()).sum();
    let speed: f64 = x.iter().zip(&t).map(|(x, t)| x / t).sum();
    let speed_percent = speed / total * 100.0;
    let timson: f64 = cum_pct.iter().sum();
    let pairs = |n: f64| n * (n - 1.0) / 2.0;

    // Daily germination speeds: cumulative percentage over time.
    let dgs: Vec<f64> = cum_pct.iter().zip(&t).map(|(c, t)| c / t).collect();
    let peak_value = dgs.iter().copied().fold(0.0, f64::max);
    let mean_germination_percent = gp / tk;
    // Diavanshir & Pourbeik count their days from the first germination on, and keep the
    // best value of the running mean speed times the germination reached.
    let germination_value_dp = first.map(|onset| {
        let mut sum = 0.0;
        dgs[onset..]
            .iter()
            .zip(&cum_pct[onset..])
            .zip(1..)
            .map(|((d, c), n)| {
                sum += d;
                sum / f64::from(n) * (c / 100.0) * 10.0
            })
            .fold(0.0, f64::max)
    });

    Ok(Metrics {
        seeds_tested,
        germinated,
        uniform_intervals: uniform(&t),
        germination_percent: gp,
        // The package reads the count at the position given by the peak's *time*, which is the
        // peak's own count only for times 1, 2, 3…; its definition is the largest count's.
        peak_germination_percent: max_count / total * 100.0,
        mean_germination_time: mgt,
        var_germination_time: var_t,
        se_germination_time: var_t.map(|v| (v / ng).sqrt()),
        cv_germination_time: var_t.zip(mgt).map(|(v, m)| v.sqrt() / m),
        mean_germination_rate: mgr,
        var_germination_rate: var_r,
        se_germination_rate: var_r.map(|v| (v / ng).sqrt()),
        coefficient_of_velocity: mgr.map(|r| r * 100.0),
        t50_coolbear: t50(&cum, &t, (ng + 1.0) / 2.0),
        t50_farooq: t50(&cum, &t, ng / 2.0),
        germination_index: gi_sum / total,
        germination_index_modified: finite(gi_sum / ng),
        coefficient_of_uniformity: sum_sq_dev.and_then(|d| finite(ng / d)),
        synchrony: finite(x.iter().map(|x| pairs(*x)).sum::<f64>() / pairs(ng)),
        // The package drops the 0·log₂0 terms. Adding 0 turns the −0 of a single germinated
        // count or of none into 0.
        uncertainty: x
            .iter()
            .filter(|x| **x > 0.0)
            .map(|x| -(x / ng) * (x / ng).log2())
            .sum::<f64>()
            + 0.0,
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
        // When nothing germinated every count ties at zero and the package lists every time.
        peak_time: first.and_then(|_| x.iter().position(|x| *x == max_count).map(|i| t[i])),
        mean_germination_percent,
        peak_value,
        germination_value_czabator: first.map(|_| peak_value * mean_germination_percent),
        germination_value_dp,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn days(counts: &[u32]) -> Vec<Interval> {
        counts
            .iter()
            .zip(1..)
            .map(|(g, day)| Interval {
                time: f64::from(day),
                germinated: *g,
            })
            .collect()
    }

    fn at(times: &[f64], counts: &[u32]) -> Vec<Interval> {
        times
            .iter()
            .zip(counts)
            .map(|(t, g)| Interval {
                time: *t,
                germinated: *g,
            })
            .collect()
    }

    fn close(a: f64, b: f64, relative: f64) -> bool {
        (a - b).abs() <= relative * b.abs().max(1e-6)
    }

    /// Spec §4.3: the package's documented example, as its help pages print it (7 digits).
    #[test]
    fn the_package_example() {
        let m = metrics(&days(&[0, 0, 0, 0, 4, 17, 10, 7, 1, 0, 1, 0, 0, 0]), 50).unwrap();
        assert!(m.uniform_intervals);
        assert_eq!((m.germinated, m.seeds_tested), (40, 50));
        let printed = [
            (m.germination_percent, 80.0),
            (m.peak_germination_percent, 34.0),
            (m.mean_germination_time.unwrap(), 6.7),
            (m.var_germination_time.unwrap(), 1.446154),
            (m.se_germination_time.unwrap(), 0.1901416),
            (m.cv_germination_time.unwrap(), 0.1794868),
            (m.mean_germination_rate.unwrap(), 0.1492537),
            (m.var_germination_rate.unwrap(), 0.0007176543),
            (m.se_germination_rate.unwrap(), 0.004235724),
            (m.coefficient_of_velocity.unwrap(), 14.92537),
            (m.t50_coolbear.unwrap(), 5.970588),
            (m.t50_farooq.unwrap(), 5.941176),
            (1.0 / m.t50_coolbear.unwrap(), 0.1674877),
            (m.germination_index, 5.84),
            (m.germination_index_modified.unwrap(), 7.3),
            (m.coefficient_of_uniformity.unwrap(), 0.7092199),
            (m.synchrony.unwrap(), 0.2666667),
            (m.uncertainty, 2.062987),
            (m.speed, 6.138925),
            (m.speed_accumulated, 34.61567),
            (m.speed_corrected.unwrap(), 0.1534731),
            (m.speed_percent, 12.27785),
            (m.timson, 664.0),
            (m.timson_labouriau.unwrap(), 8.3),
            (m.timson_khan_ungar, 47.42857),
            (m.first_germination_time.unwrap(), 5.0),
            (m.last_germination_time.unwrap(), 11.0),
            (m.germination_time_spread.unwrap(), 6.0),
            (m.peak_time.unwrap(), 6.0),
            (m.mean_germination_percent, 5.714286),
            (m.peak_value, 9.5),
            (m.germination_value_czabator.unwrap(), 54.28571),
            (m.germination_value_dp.unwrap(), 57.9389),
        ];
        for (i, (ours, printed)) in printed.into_iter().enumerate() {
            assert!(close(ours, printed, 1e-6), "#{i}: {ours} ≠ {printed}");
        }
    }

    const NA: f64 = f64::NAN;

    /// The order of `Oracle::values`.
    const NAMES: [&str; 32] = [
        "germination_percent",
        "peak_germination_percent",
        "mean_germination_time",
        "var_germination_time",
        "se_germination_time",
        "cv_germination_time",
        "mean_germination_rate",
        "var_germination_rate",
        "se_germination_rate",
        "coefficient_of_velocity",
        "t50_coolbear",
        "t50_farooq",
        "germination_index",
        "germination_index_modified",
        "coefficient_of_uniformity",
        "synchrony",
        "uncertainty",
        "speed",
        "speed_accumulated",
        "speed_percent",
        "speed_corrected",
        "timson",
        "timson_labouriau",
        "timson_khan_ungar",
        "first_germination_time",
        "last_germination_time",
        "germination_time_spread",
        "peak_time",
        "mean_germination_percent",
        "peak_value",
        "germination_value_czabator",
        "germination_value_dp",
    ];

    fn values(m: &Metrics) -> [Option<f64>; 32] {
        [
            Some(m.germination_percent),
            Some(m.peak_germination_percent),
            m.mean_germination_time,
            m.var_germination_time,
            m.se_germination_time,
            m.cv_germination_time,
            m.mean_germination_rate,
            m.var_germination_rate,
            m.se_germination_rate,
            m.coefficient_of_velocity,
            m.t50_coolbear,
            m.t50_farooq,
            Some(m.germination_index),
            m.germination_index_modified,
            m.coefficient_of_uniformity,
            m.synchrony,
            Some(m.uncertainty),
            Some(m.speed),
            Some(m.speed_accumulated),
            Some(m.speed_percent),
            m.speed_corrected,
            Some(m.timson),
            m.timson_labouriau,
            Some(m.timson_khan_ungar),
            m.first_germination_time,
            m.last_germination_time,
            m.germination_time_spread,
            m.peak_time,
            Some(m.mean_germination_percent),
            Some(m.peak_value),
            m.germination_value_czabator,
            m.germination_value_dp,
        ]
    }

    struct Oracle {
        counts: &'static [u32],
        times: &'static [f64],
        tested: u32,
        /// In the order of `NAMES`; NA where the package returns NA, NaN or ±Inf.
        values: [f64; 32],
    }

    /// Computed by the package's own R code: germinationmetrics at commit
    /// 78f9bcfb8cca51ec112bef09ca116b1db4f2418f (2026-04-29), files R/GermPercent.R,
    /// MeanGermTime.R, t50.R, GermIndex.R, MeanGermRate.R, CUGerm.R, GermSynchrony.R,
    /// GermSpeed.R, TimsonsIndex.R, GermValue.R, FirstGermTime.R, MeanGermPercent.R sourced into
    /// `Rscript` (R 4.2.2), each function called with its defaults (`partial = TRUE`; GermValue's
    /// `k = 10`, `from.onset = TRUE`), results printed to 17 significant digits. Two calls differ
    /// from a plain call: PeakGermPercent is given the counts' positions 1, 2, 3… as its
    /// intervals, because it indexes the counts by the peak's time (with times 2, 4, 6 it reads
    /// a count that is not the peak, or none); PeakGermTime keeps the first of tied peaks.
    #[rustfmt::skip]
    const ORACLE: &[Oracle] = &[
        // the package example
        Oracle {
            counts: &[0, 0, 0, 0, 4, 17, 10, 7, 1, 0, 1, 0, 0, 0],
            times: &[1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0, 11.0, 12.0, 13.0, 14.0],
            tested: 50,
            values: [80.0, 34.0, 6.7, 1.4461538461538461, 0.1901416476047427, 0.17948677148898096, 0.14925373134328357, 0.0007176542913686269, 0.004235723938622024, 14.925373134328357, 5.970588235294118, 5.9411764705882355, 5.84, 7.3, 0.7092198581560284, 0.26666666666666666, 2.062987252274047, 6.138924963924964, 34.615667665667665, 12.277849927849928, 0.1534731240981241, 664.0, 8.3, 47.42857142857143, 5.0, 11.0, 6.0, 6.0, 5.714285714285714, 9.5, 54.285714285714285, 57.93889919604205],
        },
        // fractional, irregular times
        Oracle {
            counts: &[2, 5, 9, 4, 0, 3, 1],
            times: &[0.5, 1.25, 2.0, 3.5, 5.0, 7.75, 10.0],
            tested: 30,
            values: [80.0, 30.0, 3.0208333333333335, 6.716938405797101, 0.5290297095389627, 0.8579439539707054, 0.3310344827586207, 0.0806611308475083, 0.05797310110714721, 33.10344827586207, 1.7083333333333333, 1.6666666666666667, 5.583333333333333, 6.979166666666667, 0.15535027981929744, 0.2028985507246377, 2.2977186261552776, 14.129953917050692, 32.68202764976959, 47.09984639016897, 0.5887480798771121, 373.3333333333333, 4.666666666666666, 37.33333333333333, 0.5, 10.0, 9.5, 2.0, 8.0, 26.666666666666668, 213.33333333333334, 129.5238095238095],
        },
        // a single germinated seed
        Oracle {
            counts: &[0, 0, 1, 0, 0, 0],
            times: &[1.0, 2.0, 3.0, 4.0, 5.0, 6.0],
            tested: 25,
            values: [4.0, 4.0, 3.0, NA, NA, NA, 0.3333333333333333, NA, NA, 33.33333333333333, NA, 2.5, 0.12, 3.0, NA, NA, 0.0, 0.3333333333333333, 0.95, 1.3333333333333333, 0.3333333333333333, 16.0, 4.0, 2.6666666666666665, 3.0, 3.0, 0.0, 3.0, 0.6666666666666666, 1.3333333333333333, 0.8888888888888888, 0.5333333333333333],
        },
        // no germination
        Oracle {
            counts: &[0, 0, 0, 0, 0],
            times: &[1.0, 2.0, 3.0, 4.0, 5.0],
            tested: 20,
            values: [0.0, 0.0, NA, NA, NA, NA, NA, NA, NA, NA, NA, NA, 0.0, NA, NA, NA, 0.0, 0.0, 0.0, 0.0, NA, 0.0, NA, 0.0, NA, NA, NA, 1.0, 0.0, 0.0, NA, NA],
        },
        // every seed at the first count, every other day
        Oracle {
            counts: &[40, 0, 0, 0],
            times: &[2.0, 4.0, 6.0, 8.0],
            tested: 40,
            values: [100.0, 100.0, 2.0, 0.0, 0.0, 0.0, 0.5, 0.0, 0.0, 50.0, NA, NA, 6.0, 6.0, NA, 1.0, 0.0, 20.0, 41.666666666666664, 50.0, 0.5, 400.0, 4.0, 50.0, 2.0, 2.0, 0.0, 2.0, 12.5, 50.0, 625.0, 500.0],
        },
        // Farooq's half reached at the first count, Coolbear's not
        Oracle {
            counts: &[5, 5],
            times: &[3.0, 6.0],
            tested: 12,
            values: [83.33333333333334, 41.66666666666667, 4.5, 2.5, 0.5, 0.35136418446315326, 0.2222222222222222, 0.006096631611034902, 0.024691358024691357, 22.22222222222222, 3.3, NA, 1.25, 1.5, 0.4444444444444444, 0.4444444444444444, 1.0, 2.5, 3.3333333333333335, 20.833333333333336, 0.25, 125.00000000000001, 1.5, 20.833333333333336, 3.0, 6.0, 3.0, 3.0, 13.888888888888891, 13.888888888888891, 192.9012345679013, 115.74074074074078],
        },
        // a cumulative count equal to Farooq's half
        Oracle {
            counts: &[0, 2, 2, 0],
            times: &[1.0, 2.0, 3.0, 4.0],
            tested: 10,
            values: [40.0, 20.0, 2.5, 0.3333333333333333, 0.28867513459481287, 0.2309401076758503, 0.4, 0.008533333333333334, 0.046188021535170064, 40.0, 2.25, 2.0, 0.6000000000000001, 1.5, 4.0, 0.3333333333333333, 1.0, 1.6666666666666665, 3.333333333333333, 16.666666666666668, 0.4166666666666667, 100.0, 2.5, 25.0, 2.0, 3.0, 1.0, 2.0, 10.0, 13.333333333333334, 133.33333333333334, 46.66666666666667],
        },
        // a long test with two flushes
        Oracle {
            counts: &[0, 0, 0, 1, 3, 8, 14, 20, 17, 11, 6, 3, 2, 1, 0, 0, 1, 2, 4, 6, 5, 3, 2, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0],
            times: &[1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0, 11.0, 12.0, 13.0, 14.0, 15.0, 16.0, 17.0, 18.0, 19.0, 20.0, 21.0, 22.0, 23.0, 24.0, 25.0, 26.0, 27.0, 28.0, 29.0, 30.0, 31.0, 32.0, 33.0, 34.0, 35.0, 36.0, 37.0, 38.0, 39.0, 40.0, 41.0, 42.0, 43.0, 44.0, 45.0],
            tested: 200,
            values: [56.00000000000001, 10.0, 11.464285714285714, 35.54826254826255, 0.563378382016716, 0.5200704623014689, 0.08722741433021806, 0.0020579289412431495, 0.0042865330451092795, 8.722741433021806, 8.617647058823529, 8.588235294117647, 18.78, 33.535714285714285, 0.02838420042721118, 0.08976833976833977, 3.752212065786168, 11.939986575620578, 172.77919231443155, 5.969993287810289, 0.10660702299661229, 1934.0, 34.535714285714285, 42.977777777777774, 4.0, 36.0, 32.0, 8.0, 1.2444444444444447, 3.7, 4.604444444444446, 13.611012524716905],
        },
    ];

    #[test]
    fn as_the_package_computes_them() {
        for o in ORACLE {
            let m = metrics(&at(o.times, o.counts), o.tested).unwrap();
            for ((name, ours), theirs) in NAMES.iter().zip(values(&m)).zip(o.values) {
                // With no germination every count ties for the peak and the package names
                // the first time; no germination has no peak here.
                if *name == "peak_time" && m.germinated == 0 {
                    assert_eq!(ours, None);
                    continue;
                }
                match ours {
                    Some(x) => assert!(
                        close(x, theirs, 1e-12),
                        "{name} for {:?}: {x} ≠ {theirs}",
                        o.counts
                    ),
                    None => assert!(
                        theirs.is_nan(),
                        "{name} for {:?}: None ≠ {theirs}",
                        o.counts
                    ),
                }
            }
        }
    }

    #[test]
    fn uneven_counts_are_flagged() {
        assert!(
            !metrics(&at(&[2.0, 3.5, 7.0], &[3, 5, 2]), 12)
                .unwrap()
                .uniform_intervals
        );
        assert!(
            metrics(&at(&[0.5, 1.0, 1.5], &[3, 5, 2]), 12)
                .unwrap()
                .uniform_intervals
        );
        assert!(metrics(&at(&[4.0], &[3]), 12).unwrap().uniform_intervals);
    }

    #[test]
    fn undefined_metrics_serialise_as_null() {
        let m = metrics(&days(&[0, 0, 0]), 20).unwrap();
        let json = serde_json::to_value(&m).unwrap();
        assert_eq!(json["mean_germination_time"], serde_json::Value::Null);
        assert_eq!(json["uncertainty"], serde_json::json!(0.0));
        assert!(!serde_json::to_string(&m).unwrap().contains("-0.0"));
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
        assert_eq!(
            metrics(&at(&[2.0, 2.0], &[1, 1]), 5),
            Err(GerminationError::BadTime {
                index: 1,
                time: 2.0
            })
        );
        for time in [0.0, -1.0, f64::NAN, f64::INFINITY] {
            assert!(matches!(
                metrics(&at(&[time, 3.0], &[0, 1]), 5),
                Err(GerminationError::BadTime { index: 0, .. })
            ));
        }
        assert_eq!(
            GerminationError::BadTime {
                index: 1,
                time: 2.0
            }
            .to_string(),
            "count 2 is at time 2: counts must come after the start of the test (time above 0) \
             and in strictly increasing order of time"
        );
    }

    fn all_finite(m: &Metrics) -> bool {
        values(m).iter().flatten().all(|x| x.is_finite())
    }

    proptest! {
        #[test]
        fn never_panics_nor_yields_non_finite(
            counts in proptest::collection::vec(0u32..40, 1..40),
            steps in proptest::collection::vec(0.01f64..20.0, 40),
            spare in 0u32..100,
        ) {
            let mut time = 0.0;
            let intervals: Vec<Interval> = counts.iter().zip(&steps).map(|(g, s)| {
                time += s;
                Interval { time, germinated: *g }
            }).collect();
            let tested = counts.iter().sum::<u32>() + spare;
            match metrics(&intervals, tested) {
                Ok(m) => {
                    prop_assert!(all_finite(&m));
                    prop_assert!((0.0..=100.0).contains(&m.germination_percent));
                    prop_assert!(m.peak_germination_percent <= m.germination_percent);
                    prop_assert_eq!(m.mean_germination_time.is_some(), m.germinated > 0);
                    if let (Some(mgt), Some(f), Some(l)) =
                        (m.mean_germination_time, m.first_germination_time, m.last_germination_time)
                    {
                        prop_assert!(mgt >= f * (1.0 - 1e-12) && mgt <= l * (1.0 + 1e-12));
                    }
                    for t50 in [m.t50_coolbear, m.t50_farooq].into_iter().flatten() {
                        prop_assert!(t50 >= intervals[0].time && t50 <= time);
                    }
                    if let Some(z) = m.synchrony {
                        prop_assert!((0.0..=1.0).contains(&z));
                    }
                    prop_assert!(m.uncertainty >= 0.0);
                }
                Err(e) => prop_assert_eq!(e, GerminationError::NoSeeds),
            }
        }

        #[test]
        fn bad_times_are_refused(times in proptest::collection::vec(-5.0f64..5.0, 1..10)) {
            let intervals: Vec<Interval> =
                times.iter().map(|t| Interval { time: *t, germinated: 1 }).collect();
            let valid = times[0] > 0.0 && times.windows(2).all(|w| w[1] > w[0]);
            let r = metrics(&intervals, 100);
            prop_assert_eq!(r.is_ok(), valid);
            if !valid {
                prop_assert!(matches!(r, Err(GerminationError::BadTime { .. })), "{:?}", r);
            }
        }

        #[test]
        fn more_germinated_than_tested_is_refused(counts in proptest::collection::vec(0u32..10, 1..10)) {
            let germinated: u32 = counts.iter().sum();
            prop_assume!(germinated > 0);
            prop_assert_eq!(
                metrics(&days(&counts), germinated - 1),
                Err(if germinated == 1 {
                    GerminationError::NoSeeds
                } else {
                    GerminationError::MoreThanTested { germinated: u64::from(germinated), tested: germinated - 1 }
                })
            );
        }
    }
}
