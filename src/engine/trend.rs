//! The trend since a previous run (`--compare PREVIOUS`, a JSON report of ailint): which
//! failures are new, which are still open, which were fixed, per control area, and how each
//! area's score moved. Findings are matched by fingerprint (rule, account, region, type and
//! id: never lines), so a report compares across edits and reorderings.
//!
//! A previous failure that this run could not assess is not counted as fixed: nothing says
//! it was; it is counted apart, as "not assessed now".

use std::collections::{BTreeMap, HashMap, HashSet};

use serde::{Deserialize, Serialize};
use serde_json::Value as Json;

use super::catalog::Catalog;
use super::score::Tally;
use super::{AuditReport, Counts, Severity, Status};

/// Whether a failure was already failing in the previous run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Trend {
    New,
    Existing,
}

impl Trend {
    pub fn as_str(self) -> &'static str {
        match self {
            Trend::New => "new",
            Trend::Existing => "existing",
        }
    }
}

/// Counts of one area (or of the whole run).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Change {
    pub new: u64,
    pub fixed: u64,
    pub still_open: u64,
    /// Previous failures this run reported "not assessed": neither fixed nor known open.
    pub not_assessed_now: u64,
    /// The area's score in the previous run, when it decided anything there.
    #[serde(serialize_with = "super::score::rounded")]
    pub previous_score: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AreaChange {
    pub area: String,
    pub name: String,
    #[serde(flatten)]
    pub change: Change,
}

/// A previous failure that no longer fails.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Fixed {
    pub rule_id: String,
    pub severity: Option<Severity>,
    pub area: String,
    pub title: String,
    pub resource: String,
    #[serde(rename = "type")]
    pub type_name: String,
    pub account: Option<String>,
    pub region: Option<String>,
    pub fingerprint: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Comparison {
    /// The previous report, as given.
    pub file: String,
    pub previous_generated_at: Option<String>,
    /// Whether the previous run was judged by the same rules (same digest).
    pub same_rules: bool,
    pub totals: Change,
    /// In the reference's area order; every area with a count or a score in either run.
    pub areas: Vec<AreaChange>,
    /// Sorted by area, rule and resource.
    pub fixed: Vec<Fixed>,
}

/// What the previous report holds, as far as the trend needs it. Read leniently: a report
/// of an older ailint with more or fewer fields still compares.
#[derive(Deserialize)]
struct Previous {
    format: String,
    #[serde(default)]
    generated_at: Option<String>,
    #[serde(default)]
    rules_digest: Option<String>,
    #[serde(default)]
    rules: Vec<PreviousRule>,
    #[serde(default)]
    per_rule: BTreeMap<String, Counts>,
    #[serde(default)]
    findings: Vec<PreviousFinding>,
}

#[derive(Deserialize)]
struct PreviousRule {
    id: String,
    #[serde(default)]
    title: String,
    #[serde(default)]
    area: String,
    #[serde(default)]
    severity: Option<Severity>,
}

#[derive(Deserialize)]
struct PreviousFinding {
    rule_id: String,
    status: Status,
    fingerprint: String,
    resource: PreviousResource,
    #[serde(default)]
    suppression: Option<Json>,
}

#[derive(Deserialize)]
struct PreviousResource {
    #[serde(rename = "type")]
    type_name: String,
    name: String,
    #[serde(default)]
    account: Option<String>,
    #[serde(default)]
    region: Option<String>,
}

/// Why a previous report cannot be compared with.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum CompareError {
    #[error("not an ailint JSON report: {0}")]
    Parse(String),
    #[error("not an ailint JSON report: format `{0}`, expected `{1}`")]
    Format(String, &'static str),
}

/// Marks each failure of `report` new or existing and records the comparison with the
/// report in `previous` (the text of the file `file`).
pub fn compare(report: &mut AuditReport, previous: &str, file: &str) -> Result<(), CompareError> {
    let prev: Previous =
        serde_json::from_str(previous).map_err(|e| CompareError::Parse(e.to_string()))?;
    if prev.format != crate::report::json::FORMAT {
        return Err(CompareError::Format(
            prev.format,
            crate::report::json::FORMAT,
        ));
    }
    let catalog = Catalog::builtin();
    let prev_rules: HashMap<&str, &PreviousRule> =
        prev.rules.iter().map(|r| (r.id.as_str(), r)).collect();
    // The area of a rule: this run's word for it, else the previous run's.
    let areas: HashMap<String, String> = report
        .rules
        .iter()
        .map(|r| (r.id.clone(), r.area.clone()))
        .collect();
    let area_of = |rule: &str| -> String {
        areas
            .get(rule)
            .cloned()
            .or_else(|| prev_rules.get(rule).map(|r| r.area.clone()))
            .filter(|a| !a.is_empty())
            .unwrap_or_else(|| "other".to_string())
    };

    let open_before: HashSet<&str> = prev
        .findings
        .iter()
        .filter(|f| f.status == Status::Fail && f.suppression.is_none())
        .map(|f| f.fingerprint.as_str())
        .collect();
    let mut changes: BTreeMap<String, Change> = BTreeMap::new();
    let mut open_now: HashSet<String> = HashSet::new();
    let mut not_assessed_now: HashSet<String> = HashSet::new();
    for f in report.findings.iter_mut() {
        match (f.status, &f.suppression) {
            (Status::Fail, None) => {
                let existing = open_before.contains(f.fingerprint.as_str());
                f.trend = Some(if existing {
                    Trend::Existing
                } else {
                    Trend::New
                });
                let c = changes.entry(area_of(&f.rule_id)).or_default();
                if existing {
                    c.still_open += 1;
                } else {
                    c.new += 1;
                }
                open_now.insert(f.fingerprint.clone());
            }
            (Status::NotAssessed, None) => {
                not_assessed_now.insert(f.fingerprint.clone());
            }
            _ => {}
        }
    }
    let mut fixed = Vec::new();
    for f in prev
        .findings
        .iter()
        .filter(|f| f.status == Status::Fail && f.suppression.is_none())
    {
        if open_now.contains(&f.fingerprint) {
            continue;
        }
        let area = area_of(&f.rule_id);
        let c = changes.entry(area.clone()).or_default();
        if not_assessed_now.contains(&f.fingerprint) {
            c.not_assessed_now += 1;
            continue;
        }
        c.fixed += 1;
        let rule = prev_rules.get(f.rule_id.as_str());
        fixed.push(Fixed {
            rule_id: f.rule_id.clone(),
            severity: report
                .rule(&f.rule_id)
                .map(|r| r.severity)
                .or_else(|| rule.and_then(|r| r.severity)),
            title: report
                .rule(&f.rule_id)
                .map(|r| r.title.clone())
                .or_else(|| rule.map(|r| r.title.clone()))
                .unwrap_or_default(),
            area,
            resource: f.resource.name.clone(),
            type_name: f.resource.type_name.clone(),
            account: f.resource.account.clone(),
            region: f.resource.region.clone(),
            fingerprint: f.fingerprint.clone(),
        });
    }
    fixed.sort_by(|a, b| (catalog.area_rank(&a.area), a).cmp(&(catalog.area_rank(&b.area), b)));

    // The previous run's scores per area, from its per-rule counts.
    let mut previous_tally: BTreeMap<String, Tally> = BTreeMap::new();
    for (rule, counts) in &prev.per_rule {
        let t = previous_tally.entry(area_of(rule)).or_default();
        t.pass += counts.pass;
        t.fail += counts.fail;
    }
    for (area, t) in &previous_tally {
        if let Some(score) = t.score() {
            changes.entry(area.clone()).or_default().previous_score = Some(score);
        }
    }
    // Areas this run scored but that neither run failed in still get a row.
    for r in &report.rules {
        changes.entry(r.area.clone()).or_default();
    }
    let mut totals = Change::default();
    for c in changes.values() {
        totals.new += c.new;
        totals.fixed += c.fixed;
        totals.still_open += c.still_open;
        totals.not_assessed_now += c.not_assessed_now;
    }
    let all: Tally = previous_tally.values().fold(Tally::default(), |mut a, t| {
        a.pass += t.pass;
        a.fail += t.fail;
        a
    });
    totals.previous_score = all.score();
    let mut areas: Vec<AreaChange> = changes
        .into_iter()
        .map(|(area, change)| AreaChange {
            name: catalog.area_name(&area).to_string(),
            area,
            change,
        })
        .collect();
    areas.sort_by_key(|a| (catalog.area_rank(&a.area), a.area.clone()));
    report.comparison = Some(Comparison {
        file: file.to_string(),
        previous_generated_at: prev.generated_at,
        same_rules: prev.rules_digest.as_deref() == Some(report.rules_digest.as_str()),
        totals,
        areas,
        fixed,
    });
    Ok(())
}

/// The current time, RFC 3339 in UTC to the second; `SOURCE_DATE_EPOCH` (seconds since
/// the epoch) when set, so a report can be reproduced byte for byte.
pub fn now_rfc3339() -> String {
    let secs = std::env::var("SOURCE_DATE_EPOCH")
        .ok()
        .and_then(|v| v.trim().parse::<i64>().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_secs() as i64)
        });
    rfc3339(secs)
}

/// Seconds since the epoch as `YYYY-MM-DDTHH:MM:SSZ`.
pub fn rfc3339(secs: i64) -> String {
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    let (y, m, d) = civil_date(days);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

/// The proleptic Gregorian date of a day count since 1970-01-01, computed over 400-year
/// eras (146,097 days each) counted from 0000-03-01, so leap days fall at an era's end.
fn civil_date(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let day_of_era = z.rem_euclid(146_097);
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let month_index = (5 * day_of_year + 2) / 153; // 0 = March
    let day = (day_of_year - (153 * month_index + 2) / 5 + 1) as u32;
    let month = if month_index < 10 {
        month_index + 3
    } else {
        month_index - 9
    } as u32;
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc3339_formats_known_instants() {
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00Z");
        assert_eq!(rfc3339(951_782_400), "2000-02-29T00:00:00Z");
        assert_eq!(rfc3339(1_798_761_599), "2026-12-31T23:59:59Z");
        assert_eq!(rfc3339(4_107_542_400), "2100-03-01T00:00:00Z");
        assert_eq!(rfc3339(-1), "1969-12-31T23:59:59Z");
    }
}
