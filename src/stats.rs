//! The statistics the analyses share: normal tail probabilities, the Mann-Kendall trend test
//! with Sen's slope, Benjamini–Hochberg false discovery rate, and the exact test of two
//! Poisson counts.

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

/// Two-sided p-value of a standard normal z-score: `P(|Z| ≥ |z|)`.
#[must_use]
pub(crate) fn normal_two_sided_p(z: f64) -> f64 {
    libm::erfc(z.abs() / std::f64::consts::SQRT_2)
}

/// Result of the Mann-Kendall trend test (Mann 1945, Kendall 1975) with Sen's (1968) slope,
/// as computed by `pymannkendall.original_test`.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct MannKendall {
    /// Length of the series.
    pub n: usize,
    /// S = Σ_{i<j} sign(x_j − x_i).
    pub s: f64,
    /// Variance of S under no trend, corrected for ties.
    pub var_s: f64,
    /// Continuity-corrected z: (S − 1)/σ for S > 0, (S + 1)/σ for S < 0, else 0.
    pub z: f64,
    /// Two-sided p-value of z.
    pub p: f64,
    /// Kendall's tau: S / (n(n − 1)/2).
    pub tau: f64,
    /// Sen's slope: the median of (x_j − x_i)/(j − i) over i < j, per step.
    pub slope: f64,
    /// Intercept of the Sen line: median(x) − (n − 1)/2 · slope.
    pub intercept: f64,
}

impl MannKendall {
    /// The Mann-Kendall test of a series in time order (at least 2 values, all finite).
    ///
    /// ```
    /// use conflict_risk::MannKendall;
    /// let mk = MannKendall::test(&[1.0, 2.0, 3.0, 4.0, 5.0])?;
    /// assert_eq!(mk.s, 10.0);
    /// assert_eq!(mk.slope, 1.0);
    /// assert!(mk.p < 0.05);
    /// # Ok::<(), conflict_risk::Error>(())
    /// ```
    pub fn test(x: &[f64]) -> Result<MannKendall> {
        let n = x.len();
        if n < 2 {
            return Err(Error::invalid("series", n, "needs at least 2 values"));
        }
        if let Some(v) = x.iter().find(|v| !v.is_finite()) {
            return Err(Error::invalid("series", v, "every value must be finite"));
        }
        let mut s = 0i64;
        let mut slopes = Vec::with_capacity(n * (n - 1) / 2);
        for i in 0..n {
            for j in i + 1..n {
                let d = x[j] - x[i];
                s += i64::from(d > 0.0) - i64::from(d < 0.0);
                slopes.push(d / (j - i) as f64);
            }
        }
        let nf = n as f64;
        let mut sorted = x.to_vec();
        sorted.sort_unstable_by(f64::total_cmp);
        let mut ties = 0.0;
        let mut k = 0;
        while k < n {
            let mut e = k + 1;
            while e < n && sorted[e] == sorted[k] {
                e += 1;
            }
            let t = (e - k) as f64;
            ties += t * (t - 1.0) * (2.0 * t + 5.0);
            k = e;
        }
        let var_s = (nf * (nf - 1.0) * (2.0 * nf + 5.0) - ties) / 18.0;
        let s = s as f64;
        let z = if s > 0.0 && var_s > 0.0 {
            (s - 1.0) / var_s.sqrt()
        } else if s < 0.0 && var_s > 0.0 {
            (s + 1.0) / var_s.sqrt()
        } else {
            0.0
        };
        let slope = median(&mut slopes);
        let intercept = median(&mut sorted) - (nf - 1.0) / 2.0 * slope;
        Ok(MannKendall {
            n,
            s,
            var_s,
            z,
            p: normal_two_sided_p(z),
            tau: s / (0.5 * nf * (nf - 1.0)),
            slope,
            intercept,
        })
    }

    /// Whether the trend is significant at `alpha` and which way: `Some(true)` increasing,
    /// `Some(false)` decreasing, `None` no significant trend.
    #[must_use]
    pub fn direction(&self, alpha: f64) -> Option<bool> {
        (self.p <= alpha && self.s != 0.0).then_some(self.s > 0.0)
    }
}

/// Median of a non-empty slice (mean of the middle two for even lengths); reorders it.
pub(crate) fn median(v: &mut [f64]) -> f64 {
    let n = v.len();
    if n == 0 {
        return f64::NAN;
    }
    v.sort_unstable_by(f64::total_cmp);
    if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2.0
    }
}

/// Median of a slice, `None` when it is empty; reorders it.
pub(crate) fn median_opt(v: &mut [f64]) -> Option<f64> {
    (!v.is_empty()).then(|| median(v))
}

/// Benjamini–Hochberg (1995) adjusted p-values (q-values), in input order: the smallest
/// false discovery rate at which each test would be declared significant.
#[must_use]
pub(crate) fn benjamini_hochberg(p: &[f64]) -> Vec<f64> {
    let n = p.len();
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by(|&a, &b| p[a].total_cmp(&p[b]).then(a.cmp(&b)));
    let mut q = vec![0.0; n];
    let mut running = 1.0f64;
    for rank in (0..n).rev() {
        let i = order[rank];
        running = running.min(p[i] * n as f64 / (rank + 1) as f64);
        q[i] = running.min(1.0);
    }
    q
}

/// The exact conditional test that two Poisson counts over equal exposures have the same rate:
/// given `a + b` events, `a` is Binomial(a + b, ½) under the null. Returns the rate ratio a/b
/// (infinite when b = 0, NaN when both are 0) and the two-sided p-value (1 when both are 0).
#[must_use]
pub(crate) fn poisson_rate_test(a: u64, b: u64) -> (f64, f64) {
    let n = a + b;
    let ratio = a as f64 / b as f64;
    if n == 0 {
        return (f64::NAN, 1.0);
    }
    // P(X = k) for X ~ Binomial(n, 1/2), in logs.
    let ln_pmf = |k: u64| {
        libm::lgamma(n as f64 + 1.0)
            - libm::lgamma(k as f64 + 1.0)
            - libm::lgamma((n - k) as f64 + 1.0)
            - n as f64 * std::f64::consts::LN_2
    };
    // Two-sided: the symmetric tails at least as far from n/2 as a.
    let lo = a.min(n - a);
    let tail: f64 = (0..=lo).map(|k| ln_pmf(k).exp()).sum();
    let p = if 2 * lo == n {
        1.0
    } else {
        (2.0 * tail).min(1.0)
    };
    (ratio, p)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shared_tests_on_hand_values() {
        assert!((normal_two_sided_p(1.959963984540054) - 0.05).abs() < 1e-12);
        let q = benjamini_hochberg(&[0.01, 0.04, 0.03, 0.5]);
        assert_eq!(q, vec![0.04, 0.04 * 4.0 / 3.0, 0.04 * 4.0 / 3.0, 0.5]);
        let (ratio, p) = poisson_rate_test(20, 5);
        assert_eq!(ratio, 4.0);
        assert!((p - 0.004077).abs() < 1e-6); // scipy binom_test(20, 25, 0.5)
    }

    #[test]
    fn mann_kendall_by_hand_with_ties() {
        // x = 1, 2, 2, 3: pairs (1,2)+ (1,2)+ (1,3)+ (2,2)0 (2,3)+ (2,3)+ → S = 5.
        let mk = MannKendall::test(&[1.0, 2.0, 2.0, 3.0]).expect("valid test input");
        assert_eq!(mk.s, 5.0);
        // n(n-1)(2n+5) = 4·3·13 = 156; one tie of 2: 2·1·9 = 18 → (156 − 18)/18.
        assert!((mk.var_s - 138.0 / 18.0).abs() < 1e-12);
        assert!((mk.z - 4.0 / (138.0f64 / 18.0).sqrt()).abs() < 1e-12);
        // Slopes 1, 1/2, 2/3, 0, 1/2, 1 → sorted 0, ½, ½, ⅔, 1, 1 → median (½ + ⅔)/2.
        assert!((mk.slope - 7.0 / 12.0).abs() < 1e-15);
        // Intercept: median(x) − (n − 1)/2 · slope = 2 − 1.5 · 7/12.
        assert!((mk.intercept - (2.0 - 1.5 * 7.0 / 12.0)).abs() < 1e-15);
        assert!(MannKendall::test(&[1.0]).is_err());
        assert!(MannKendall::test(&[1.0, f64::NAN]).is_err());
    }

    #[test]
    fn poisson_test_by_hand() {
        // 3 against 0: P(X = 0) + P(X = 3) for Binomial(3, ½) = 2/8.
        let (r, p) = poisson_rate_test(3, 0);
        assert!(r.is_infinite());
        assert!((p - 0.25).abs() < 1e-12);
        assert_eq!(poisson_rate_test(4, 4).1, 1.0);
        assert_eq!(poisson_rate_test(0, 0).1, 1.0);
    }

    #[test]
    fn normal_p_values() {
        assert!((normal_two_sided_p(0.0) - 1.0).abs() < 1e-15);
        assert!((normal_two_sided_p(-2.5758293035489) - 0.01).abs() < 1e-12);
    }
}
