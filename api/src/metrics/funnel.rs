//! Where a school's secure rate sits against the trust's: funnel limits,
//! position and spread between schools.

/// z for the 95 % limits.
pub const Z95: f64 = 1.96;
/// z for the 99.8 % limits.
pub const Z998: f64 = 3.09;

/// Funnel limits around the trust rate, clipped to [0, 1].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Limits {
    pub lower: f64,
    pub upper: f64,
}

impl Limits {
    /// `p ± z·√(p(1−p)/n)` for a school with `n` ratings.
    pub fn around(p: f64, n: i64, z: f64) -> Limits {
        let half = z * (p * (1.0 - p) / n as f64).sqrt();
        Limits {
            lower: (p - half).clamp(0.0, 1.0),
            upper: (p + half).clamp(0.0, 1.0),
        }
    }

    fn contains(self, rate: f64) -> bool {
        (self.lower..=self.upper).contains(&rate)
    }
}

/// Where a school sits against the trust pattern: by the 99.8 % limits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Position {
    Above,
    Within,
    Below,
}

/// A school's place in the funnel.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Placement {
    pub funnel95: Limits,
    pub funnel998: Limits,
    pub position: Position,
    /// Within the 99.8 % limits but outside the 95 % ones.
    pub alert: bool,
}

/// Places a school with secure rate `rate` over `n` ratings against the
/// trust rate `p`; `None` without ratings.
// Known limit: `n` counts ratings, as DESIGN.md defines the limits, but
// ratings cluster within visits, so the limits are narrower than the
// variation between visits warrants and flag more schools than they should.
pub fn place(rate: f64, n: i64, p: f64) -> Option<Placement> {
    if n <= 0 {
        return None;
    }
    let funnel95 = Limits::around(p, n, Z95);
    let funnel998 = Limits::around(p, n, Z998);
    let position = match rate {
        r if r > funnel998.upper => Position::Above,
        r if r < funnel998.lower => Position::Below,
        _ => Position::Within,
    };
    Some(Placement {
        funnel95,
        funnel998,
        position,
        alert: position == Position::Within && !funnel95.contains(rate),
    })
}

/// How far schools' secure rates lie apart.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Spread {
    /// Schools with a rate (not suppressed).
    pub schools: i64,
    /// Sample standard deviation (n − 1); needs two schools.
    pub sd: Option<f64>,
    /// Highest minus lowest rate; needs two schools.
    pub range: Option<f64>,
}

pub fn spread(rates: &[f64]) -> Spread {
    let count = rates.len();
    if count < 2 {
        return Spread {
            schools: count as i64,
            sd: None,
            range: None,
        };
    }
    let mean = rates.iter().sum::<f64>() / count as f64;
    let squares: f64 = rates.iter().map(|r| (r - mean).powi(2)).sum();
    let max = rates.iter().copied().fold(f64::MIN, f64::max);
    let min = rates.iter().copied().fold(f64::MAX, f64::min);
    Spread {
        schools: count as i64,
        sd: Some((squares / (count - 1) as f64).sqrt()),
        range: Some(max - min),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_are_clipped_to_the_unit_interval() {
        let limits = Limits::around(0.95, 4, Z998);
        assert_eq!(limits.upper, 1.0);
        assert!((limits.lower - (0.95 - 3.09 * (0.95f64 * 0.05 / 4.0).sqrt())).abs() < 1e-12);
    }

    #[test]
    fn a_school_between_the_two_limits_is_within_with_an_alert() {
        // p = 0.5, n = 100: 95 % limits 0.402..0.598, 99.8 % 0.3455..0.6545.
        let placed = place(0.62, 100, 0.5).expect("ratings");
        assert_eq!((placed.position, placed.alert), (Position::Within, true));
        let placed = place(0.66, 100, 0.5).expect("ratings");
        assert_eq!((placed.position, placed.alert), (Position::Above, false));
        let placed = place(0.5, 100, 0.5).expect("ratings");
        assert_eq!((placed.position, placed.alert), (Position::Within, false));
    }

    #[test]
    fn spread_is_the_sample_deviation_and_range() {
        let spread = spread(&[0.2, 0.4, 0.6]);
        assert!((spread.sd.expect("two schools") - 0.2).abs() < 1e-12);
        assert!((spread.range.expect("two schools") - 0.4).abs() < 1e-12);
    }
}
