//! Compliance scores: of the verdicts a run decided, the share that passed — overall, per
//! control area and per severity. A "not assessed" verdict decides nothing, so it is left
//! out of the share and counted beside it; so is an accepted (suppressed) finding. Every
//! verdict weighs the same: a score says how much of what was checked holds, and the
//! failure counts per severity say how bad the rest is.

use std::collections::BTreeMap;

use serde::{Serialize, Serializer};

use super::catalog::Catalog;
use super::{AuditReport, Counts, Severity};

/// Verdict counts and the score they give.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Tally {
    pub pass: u64,
    pub fail: u64,
    pub not_assessed: u64,
    pub suppressed: u64,
}

impl Tally {
    fn add(&mut self, c: &Counts) {
        self.pass += c.pass;
        self.fail += c.fail;
        self.not_assessed += c.not_assessed;
        self.suppressed += c.suppressed;
    }

    /// Passed verdicts as a percentage of the decided ones; `None` when nothing was decided.
    pub fn score(&self) -> Option<f64> {
        let decided = self.pass + self.fail;
        (decided > 0).then(|| self.pass as f64 * 100.0 / decided as f64)
    }

    /// Every verdict, decided or not.
    pub fn total(&self) -> u64 {
        self.pass + self.fail + self.not_assessed + self.suppressed
    }
}

/// A score as reports print it: one decimal, never rounded up to 100 while anything failed.
pub fn percent(score: Option<f64>) -> String {
    match score {
        None => "–".to_string(),
        Some(s) if s < 100.0 && s > 99.95 => "99.9%".to_string(),
        Some(s) if s > 0.0 && s < 0.05 => "0.1%".to_string(),
        Some(s) => format!("{s:.1}%"),
    }
}

/// A score in JSON: one decimal, as reports print it.
pub fn rounded<S: Serializer>(score: &Option<f64>, s: S) -> Result<S::Ok, S::Error> {
    score.map(|v| (v * 10.0).round() / 10.0).serialize(s)
}

impl Serialize for Tally {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        #[derive(Serialize)]
        struct Out {
            score: Option<f64>,
            pass: u64,
            fail: u64,
            not_assessed: u64,
            suppressed: u64,
        }
        Out {
            score: self.score().map(|v| (v * 10.0).round() / 10.0),
            pass: self.pass,
            fail: self.fail,
            not_assessed: self.not_assessed,
            suppressed: self.suppressed,
        }
        .serialize(s)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AreaScore {
    pub area: String,
    pub name: String,
    #[serde(flatten)]
    pub tally: Tally,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SeverityScore {
    pub severity: Severity,
    #[serde(flatten)]
    pub tally: Tally,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Scores {
    pub overall: Tally,
    /// In the reference's area order; areas where the run judged nothing are left out.
    pub areas: Vec<AreaScore>,
    /// Critical first; every severity, even one with no verdict.
    pub severities: Vec<SeverityScore>,
}

/// The scores of a run, from its per-rule counts.
pub fn of(report: &AuditReport) -> Scores {
    let catalog = Catalog::builtin();
    let mut overall = Tally::default();
    let mut areas: BTreeMap<(usize, &str), Tally> = BTreeMap::new();
    let mut severities: BTreeMap<Severity, Tally> = BTreeMap::new();
    for rule in &report.rules {
        let counts = report.per_rule.get(&rule.id).copied().unwrap_or_default();
        overall.add(&counts);
        areas
            .entry((catalog.area_rank(&rule.area), rule.area.as_str()))
            .or_default()
            .add(&counts);
        severities.entry(rule.severity).or_default().add(&counts);
    }
    Scores {
        overall,
        areas: areas
            .into_iter()
            .filter(|(_, tally)| tally.total() > 0)
            .map(|((_, area), tally)| AreaScore {
                area: area.to_string(),
                name: catalog.area_name(area).to_string(),
                tally,
            })
            .collect(),
        severities: Severity::ALL
            .iter()
            .map(|&severity| SeverityScore {
                severity,
                tally: severities.get(&severity).copied().unwrap_or_default(),
            })
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_score_is_the_passed_share_of_decided_verdicts() {
        let t = Tally {
            pass: 3,
            fail: 1,
            not_assessed: 6,
            suppressed: 2,
        };
        assert_eq!(t.score(), Some(75.0));
        assert_eq!(t.total(), 12);
        assert_eq!(Tally::default().score(), None);
        assert_eq!(percent(Some(75.0)), "75.0%");
        assert_eq!(percent(None), "–");
    }

    #[test]
    fn a_score_with_failures_never_prints_as_100_or_0() {
        let t = Tally {
            pass: 99_999,
            fail: 1,
            ..Tally::default()
        };
        assert_eq!(percent(t.score()), "99.9%");
        let t = Tally {
            pass: 1,
            fail: 99_999,
            ..Tally::default()
        };
        assert_eq!(percent(t.score()), "0.1%");
        assert_eq!(percent(Some(100.0)), "100.0%");
        assert_eq!(percent(Some(0.0)), "0.0%");
    }
}
