//! Accepted findings: suppressions written in the input (a template's
//! `Metadata.ailint.suppress`, a Terraform `# ailint:ignore` comment) and `[[ignore]]`
//! entries of `ailint.toml`. A suppressed finding stays in every report, marked as such
//! (SARIF `suppressions[]`), and does not fail the run. A suppression without a reason, or
//! an expired entry, suppresses nothing and is reported.

use serde::Serialize;

use crate::config::Ignore;
use crate::model::{Location, Model, Resource};

use super::{RuleSet, ToolError};

/// Where a suppression comes from, as SARIF names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum Kind {
    /// Written next to the resource.
    InSource,
    /// Written in the configuration.
    External,
}

/// Why a finding is accepted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Suppressed {
    pub kind: Kind,
    pub justification: String,
    /// Where the suppression is written.
    pub location: Location,
}

/// Whether `pattern` (a rule id or a prefix of ids) covers `rule`.
fn covers(pattern: &str, rule: &str) -> bool {
    rule.eq_ignore_ascii_case(pattern)
        || rule
            .get(..pattern.len())
            .is_some_and(|p| p.eq_ignore_ascii_case(pattern))
}

/// The suppression of `rule` on `r`, from the input or the configuration.
pub fn find(
    r: &Resource,
    rule: &str,
    ignores: &[Ignore],
    config_file: &str,
    today: i64,
) -> Option<Suppressed> {
    if let Some(s) = r.details.as_ref().and_then(|d| {
        d.suppressions
            .iter()
            .find(|s| s.reason.is_some() && covers(&s.rule, rule))
    }) {
        return Some(Suppressed {
            kind: Kind::InSource,
            justification: s.reason.clone().unwrap_or_default(),
            location: Location {
                file: r.location.file.clone(),
                line: s.line,
            },
        });
    }
    ignores
        .iter()
        .enumerate()
        .find(|(_, i)| active(i, today) && matches(i, r, rule))
        .map(|(n, i)| Suppressed {
            kind: Kind::External,
            justification: i.reason.clone(),
            location: Location {
                file: format!("{config_file}#ignore[{}]", n + 1).into(),
                line: 0,
            },
        })
}

fn active(i: &Ignore, today: i64) -> bool {
    i.until
        .as_deref()
        .and_then(parse_date)
        .is_none_or(|until| today <= until)
}

fn matches(i: &Ignore, r: &Resource, rule: &str) -> bool {
    (i.rules.is_empty() || i.rules.iter().any(|p| covers(p, rule)))
        && (i.resources.is_empty()
            || i.resources
                .iter()
                .any(|g| glob(g, &r.id) || r.name.as_deref().is_some_and(|n| glob(g, n))))
        && i.tags
            .iter()
            .all(|(k, v)| r.tags.get(k) == Some(v.as_str()))
}

/// What to tell the user about suppressions: those without a reason, those naming no
/// rule, and expired configuration entries.
pub fn warnings(
    model: &Model,
    rules: &RuleSet,
    ignores: &[Ignore],
    config_file: &str,
    today: i64,
) -> Vec<ToolError> {
    let mut out = Vec::new();
    for r in &model.resources {
        let Some(details) = &r.details else { continue };
        for s in &details.suppressions {
            let message = if s.reason.is_none() {
                format!(
                    "the suppression of `{}` on `{}` has no reason and is not applied; add one",
                    s.rule,
                    r.display_name()
                )
            } else if !rules
                .rules
                .iter()
                .any(|rule| covers(&s.rule, &rule.meta.id))
            {
                format!(
                    "the suppression of `{}` on `{}` names no rule of this run",
                    s.rule,
                    r.display_name()
                )
            } else {
                continue;
            };
            out.push(ToolError {
                path: r.location.file.to_string(),
                line: Some(s.line),
                column: None,
                message,
            });
        }
    }
    for (n, i) in ignores.iter().enumerate() {
        if !active(i, today) {
            out.push(ToolError {
                path: config_file.to_string(),
                line: None,
                column: None,
                message: format!(
                    "`ignore` entry {} expired on {}; its findings are reported again",
                    n + 1,
                    i.until.as_deref().unwrap_or("")
                ),
            });
        }
    }
    out.sort();
    out.dedup();
    out
}

/// `*` any run of characters, `?` one character; everything else literal.
pub fn glob(pattern: &str, text: &str) -> bool {
    let p: Vec<char> = pattern.chars().collect();
    let t: Vec<char> = text.chars().collect();
    let (mut pi, mut ti) = (0, 0);
    let (mut star, mut mark) = (None, 0);
    while ti < t.len() {
        if pi < p.len() && (p[pi] == '?' || p[pi] == t[ti]) {
            pi += 1;
            ti += 1;
        } else if pi < p.len() && p[pi] == '*' {
            star = Some(pi);
            mark = ti;
            pi += 1;
        } else if let Some(s) = star {
            pi = s + 1;
            mark += 1;
            ti = mark;
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|c| *c == '*')
}

/// `YYYY-MM-DD` as days since 1970-01-01.
pub fn parse_date(s: &str) -> Option<i64> {
    let mut parts = s.splitn(3, '-');
    let y: i64 = parts.next()?.parse().ok()?;
    let m: i64 = parts.next()?.parse().ok()?;
    let d: i64 = parts.next()?.parse().ok()?;
    if s.len() != 10 || !(1..=12).contains(&m) || !(1..=31).contains(&d) {
        return None;
    }
    // Days from civil (Howard Hinnant's algorithm).
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    Some(era * 146_097 + doe - 719_468)
}

/// Today, in days since 1970-01-01 (UTC).
pub fn today() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| (d.as_secs() / 86_400) as i64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn globs_match_ids_and_names() {
        assert!(glob(
            "arn:aws:sagemaker:*:*:notebook-instance/dev-*",
            "arn:aws:sagemaker:us-east-1:1:notebook-instance/dev-a"
        ));
        assert!(!glob("dev-*", "prod-a"));
        assert!(glob("a?c", "abc"));
        assert!(glob("*", ""));
        assert!(!glob("a", "ab"));
    }

    #[test]
    fn dates_count_days() {
        assert_eq!(parse_date("1970-01-01"), Some(0));
        assert_eq!(parse_date("2000-03-01"), Some(11017));
        assert_eq!(
            parse_date("2026-12-01").map(|d| d - parse_date("2026-11-30").unwrap()),
            Some(1)
        );
        assert_eq!(parse_date("2026-13-01"), None);
        assert_eq!(parse_date("2026-1-1"), None);
    }

    fn notebook(tags: &[(&str, &str)]) -> Resource {
        let mut r = Resource::new(
            "AWS::SageMaker::NotebookInstance",
            "arn:aws:sagemaker:us-east-1:111122223333:notebook-instance/dev-lab",
            Location {
                file: "inv.json".into(),
                line: 3,
            },
        );
        r.name = Some("dev-lab".into());
        r.tags = crate::model::Tags::from_pairs(
            tags.iter()
                .map(|(k, v)| (std::sync::Arc::from(*k), std::sync::Arc::from(*v))),
        );
        r
    }

    #[test]
    fn configured_ignores_match_rules_resources_tags_and_expire() {
        let today = parse_date("2026-12-01").unwrap();
        let ignore = Ignore {
            rules: vec!["AIL-NET".into()],
            resources: vec!["dev-*".into()],
            tags: [("Environment".to_string(), "sandbox".to_string())].into(),
            until: Some("2026-12-31".into()),
            reason: "sandbox without data".into(),
        };
        let ignores = [ignore.clone()];
        let sandbox = notebook(&[("Environment", "sandbox")]);
        let found = find(&sandbox, "AIL-NET-001", &ignores, "ailint.toml", today).unwrap();
        assert_eq!(found.kind, Kind::External);
        assert_eq!(found.justification, "sandbox without data");
        // Another rule, another tag value, or after the expiry: not suppressed.
        assert!(find(&sandbox, "AIL-KMS-001", &ignores, "ailint.toml", today).is_none());
        let prod = notebook(&[("Environment", "prod")]);
        assert!(find(&prod, "AIL-NET-001", &ignores, "ailint.toml", today).is_none());
        let later = parse_date("2027-01-01").unwrap();
        assert!(find(&sandbox, "AIL-NET-001", &ignores, "ailint.toml", later).is_none());
    }

    #[test]
    fn rule_patterns_are_ids_or_prefixes() {
        assert!(covers("AIL-NET-001", "AIL-NET-001"));
        assert!(covers("AIL-NET", "AIL-NET-004B"));
        assert!(covers("ail-net-001", "AIL-NET-001"));
        assert!(!covers("AIL-NET-0011", "AIL-NET-001"));
    }
}
