//! Baselines: the findings a team has accepted as they stand, recorded by fingerprint
//! (`--write-baseline`), so that a later run (`--baseline`) reports only new findings and
//! says how many recorded ones were fixed. Fingerprints name the rule and the resource,
//! never lines, so a baseline survives unrelated edits.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

use super::{AuditReport, Status};

/// The format identifier of baseline files.
pub const FORMAT: &str = "ailint-baseline/v1";

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Baseline {
    pub format: String,
    pub findings: Vec<Entry>,
}

/// One accepted finding; rule and resource are for the people who read the file.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    pub fingerprint: String,
    pub rule: String,
    pub resource: String,
}

/// What a baseline held back in a run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Summary {
    pub file: String,
    /// Findings of the baseline still present (not reported).
    pub unchanged: u64,
    /// Findings of the baseline no longer present.
    pub fixed: u64,
}

impl Baseline {
    /// The failures of a run that are not suppressed, sorted.
    pub fn of(report: &AuditReport) -> Baseline {
        let findings: BTreeSet<Entry> = report
            .failures()
            .map(|f| Entry {
                fingerprint: f.fingerprint.clone(),
                rule: f.rule_id.clone(),
                resource: f.resource.id.to_string(),
            })
            .collect();
        Baseline {
            format: FORMAT.to_string(),
            findings: findings.into_iter().collect(),
        }
    }

    pub fn parse(text: &str) -> Result<Baseline, String> {
        let b: Baseline = serde_json::from_str(text).map_err(|e| e.to_string())?;
        if b.format != FORMAT {
            return Err(format!(
                "unsupported baseline format `{}`; this ailint reads `{FORMAT}`",
                b.format
            ));
        }
        Ok(b)
    }

    pub fn to_json(&self) -> String {
        let mut out = serde_json::to_string_pretty(self).unwrap_or_default();
        out.push('\n');
        out
    }

    /// Removes the failures the baseline holds from the report and records how many were
    /// held back and how many of the baseline's are gone.
    pub fn apply(&self, report: &mut AuditReport, file: &str) {
        let known: BTreeSet<&str> = self
            .findings
            .iter()
            .map(|e| e.fingerprint.as_str())
            .collect();
        let mut seen: BTreeSet<String> = BTreeSet::new();
        let mut held = 0u64;
        let mut kept = Vec::with_capacity(report.findings.len());
        for f in std::mem::take(&mut report.findings) {
            let baselined = f.status == Status::Fail
                && f.suppression.is_none()
                && known.contains(f.fingerprint.as_str());
            if baselined {
                held += 1;
                seen.insert(f.fingerprint.clone());
                if let Some(c) = report.per_rule.get_mut(&f.rule_id) {
                    c.fail = c.fail.saturating_sub(1);
                }
                report.totals.fail = report.totals.fail.saturating_sub(1);
            } else {
                kept.push(f);
            }
        }
        report.findings = kept;
        report.baseline = Some(Summary {
            file: file.to_string(),
            unchanged: held,
            fixed: known.iter().filter(|f| !seen.contains(**f)).count() as u64,
        });
    }
}
