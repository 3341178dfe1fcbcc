//! The synthetic population before any walk is drawn: trusts of varied
//! size and consistency, their schools with a tendency each, and how many
//! walks each school has in each term.

use super::SyntheticSize;
use crate::demo::random::SplitMix64;

/// The first synthetic trust's GIAS group UID; the demo's are below 6000.
pub const FIRST_TRUST_UID: u32 = 7000;
/// The first synthetic school's URN, far above the demo's.
pub const FIRST_URN: i32 = 700_000;

/// Stream names, so that each kind of draw has its own stream.
const TRUST_STREAM: u64 = 1;
const SCHOOL_STREAM: u64 = 2;
const INDICATOR_STREAM: u64 = 3;

/// One trust and what its schools share.
pub(super) struct TrustPlan {
    pub uid: String,
    pub name: String,
    pub schools: Vec<SchoolPlan>,
    /// Trust-wide observers besides each school's own leaders.
    pub team: u64,
}

/// One school, its place in the trust and its walks.
pub(super) struct SchoolPlan {
    pub urn: i32,
    pub secondary: bool,
    /// The level its lessons sit around, before indicator and lesson effects.
    pub tendency: f64,
    /// Change of the tendency per academic year.
    pub trend: f64,
    /// How many of its walks fall in each term, oldest term first.
    pub walks_per_term: Vec<u64>,
    /// The index of its first walk in each term.
    pub first_walk: Vec<u64>,
}

/// Splits `total` in proportion to `weights`, giving each at least `floor`:
/// whole shares first, then one more to the largest remainders (the earlier
/// on a tie), so the parts always add up to `total`.
pub(super) fn apportion(total: u64, weights: &[f64], floor: u64) -> Vec<u64> {
    let rest = total.saturating_sub(floor * weights.len() as u64);
    let sum: f64 = weights.iter().sum();
    let exact: Vec<f64> = (weights.iter()).map(|w| rest as f64 * w / sum).collect();
    let mut parts: Vec<u64> = exact.iter().map(|e| e.floor() as u64).collect();
    let mut left = rest - parts.iter().sum::<u64>();
    let mut order: Vec<usize> = (0..parts.len()).collect();
    order.sort_by(|&a, &b| {
        let (ra, rb) = (exact[a] - exact[a].floor(), exact[b] - exact[b].floor());
        rb.total_cmp(&ra).then(a.cmp(&b))
    });
    for i in order.into_iter().cycle() {
        if left == 0 {
            break;
        }
        parts[i] += 1;
        left -= 1;
    }
    parts.iter().map(|p| p + floor).collect()
}

/// Each indicator's difficulty: added to every level rated against it.
pub(super) fn difficulties(seed: u64, indicators: usize) -> Vec<f64> {
    let mut rng = SplitMix64::stream(seed, &[INDICATOR_STREAM]);
    (0..indicators).map(|_| 0.3 * rng.normal()).collect()
}

/// Trusts are planned in blocks of this many. A block's share of the schools
/// and walks follows from its size alone, so a trust's schools, walks and
/// ratings are the same whatever the number of trusts after it: the scale
/// bench asks about the same trust's same data at every size.
const BLOCK: usize = 4;

/// The trusts, schools and walk counts of `size`.
pub(super) fn plan(size: &SyntheticSize) -> Vec<TrustPlan> {
    let (trusts, terms) = (size.trusts as usize, u64::from(size.years) * 3);
    let size_weights: Vec<f64> = (0..trusts)
        .map(|t| {
            let u = SplitMix64::stream(size.seed, &[TRUST_STREAM, t as u64]).unit();
            0.3 + 3.0 * u * u
        })
        .collect();
    let blocks: Vec<&[f64]> = size_weights.chunks(BLOCK).collect();
    let block_sizes: Vec<f64> = blocks.iter().map(|b| b.len() as f64).collect();
    // At least one school a trust: a block's share is at least its size,
    // since there are at least as many schools as trusts.
    let schools_per_block = apportion(u64::from(size.schools), &block_sizes, 0);
    let schools_per_trust = (blocks.iter().zip(schools_per_block))
        .flat_map(|(weights, schools)| apportion(schools, weights, 1));

    let mut urn = FIRST_URN;
    let mut plans = Vec::new();
    let mut weights = Vec::new();
    for (t, count) in schools_per_trust.enumerate() {
        let mut rng = SplitMix64::stream(size.seed, &[TRUST_STREAM, t as u64]);
        rng.unit();
        // Some trusts are consistent, others far less so; most improve a little.
        let mean = 2.55 + 0.25 * rng.normal();
        let spread = 0.1 + 0.55 * rng.unit();
        let trend = 0.02 + 0.08 * rng.unit();
        let secondary_share = 0.1 + 0.3 * rng.unit();
        let uid = FIRST_TRUST_UID + t as u32;
        let mut schools = Vec::new();
        for _ in 0..count {
            let mut rng = SplitMix64::stream(size.seed, &[SCHOOL_STREAM, urn as u64]);
            let secondary = rng.unit() < secondary_share;
            // Bigger schools get more walks: secondaries, and some primaries.
            weights.push(match secondary {
                true => 1.5 + rng.unit(),
                false => 0.6 + 0.8 * rng.unit(),
            });
            schools.push(SchoolPlan {
                urn,
                secondary,
                tendency: mean + spread * rng.normal() - if secondary { 0.1 } else { 0.0 },
                trend: trend + 0.03 * rng.normal(),
                walks_per_term: Vec::new(),
                first_walk: Vec::new(),
            });
            urn += 1;
        }
        plans.push(TrustPlan {
            uid: uid.to_string(),
            name: format!("Synthetic Learning Trust {uid}"),
            team: (count / 4).max(2),
            schools,
        });
    }

    let walks_per_block = apportion(size.walks(), &block_sizes, 0);
    let mut walks = Vec::new();
    let mut first_school = 0;
    for (block, block_walks) in plans.chunks(BLOCK).zip(walks_per_block) {
        let schools: usize = block.iter().map(|t| t.schools.len()).sum();
        let block_weights = &weights[first_school..first_school + schools];
        walks.extend(apportion(block_walks, block_weights, 0));
        first_school += schools;
    }
    let all = plans.iter_mut().flat_map(|t| t.schools.iter_mut());
    for (school, walks) in all.zip(walks) {
        // Walk j of the school's k walks falls in term j * terms / k.
        let term_of = |j: u64| j * terms / walks.max(1);
        let mut first = 0;
        for term in 0..terms {
            let count = (first..walks).take_while(|&j| term_of(j) == term).count() as u64;
            school.first_walk.push(first);
            school.walks_per_term.push(count);
            first += count;
        }
    }
    plans
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each school's URN and walks per term, trust by trust.
    fn walks_by_school(plans: &[TrustPlan]) -> Vec<Vec<(i32, Vec<u64>)>> {
        let school = |s: &SchoolPlan| (s.urn, s.walks_per_term.clone());
        (plans.iter())
            .map(|t| t.schools.iter().map(school).collect())
            .collect()
    }

    #[test]
    fn a_trust_keeps_its_schools_and_walks_when_more_trusts_follow() {
        let four = walks_by_school(&plan(&SyntheticSize::new(150_000, 4)));
        for trusts in [8, 40, 400] {
            let size = SyntheticSize::new(37_500 * u64::from(trusts), trusts);
            let more = walks_by_school(&plan(&size));
            assert_eq!(more.len(), trusts as usize);
            assert_eq!(more[..4], four[..], "{trusts} trusts");
        }
    }

    #[test]
    fn the_parts_add_up_to_what_was_asked_when_blocks_are_uneven() {
        // 7 trusts: a block of four and one of three; 100 schools, 1,000 walks.
        let size = SyntheticSize {
            schools: 100,
            ..SyntheticSize::new(24_000, 7)
        };
        let plans = plan(&size);
        let schools: Vec<usize> = plans.iter().map(|t| t.schools.len()).collect();
        let walks: u64 = (plans.iter().flat_map(|t| &t.schools))
            .flat_map(|s| &s.walks_per_term)
            .sum();

        assert_eq!(plans.len(), 7);
        assert_eq!(schools.iter().sum::<usize>(), 100);
        assert!(schools.iter().all(|&n| n >= 1), "{schools:?}");
        assert_eq!(walks, 1_000);
    }
}
