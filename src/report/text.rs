//! `--format text`: findings grouped by rule, most severe first, for a terminal.

use std::io::{self, Write};

use serde_json::Value;

use crate::engine::{AuditReport, Finding, Severity};

/// ANSI styling, or none.
struct Style {
    on: bool,
}

impl Style {
    fn paint(&self, code: &str, s: &str) -> String {
        if self.on {
            format!("\x1b[{code}m{s}\x1b[0m")
        } else {
            s.to_string()
        }
    }
    fn bold(&self, s: &str) -> String {
        self.paint("1", s)
    }
    fn dim(&self, s: &str) -> String {
        self.paint("2", s)
    }
    fn severity(&self, sev: Severity) -> String {
        let code = match sev {
            Severity::Critical => "1;35",
            Severity::High => "1;31",
            Severity::Medium => "33",
            Severity::Low => "36",
        };
        self.paint(code, &format!("{:<8}", sev.as_str()))
    }
}

/// An evidence value as reports print it: JSON, or `absent`.
pub(crate) fn value_text(v: &Value) -> String {
    match v {
        Value::Null => "absent".into(),
        other => other.to_string(),
    }
}

fn location(f: &Finding) -> String {
    format!("{}:{}", f.resource.location.file, f.resource.location.line)
}

fn scope(f: &Finding) -> String {
    match (&f.resource.account, &f.resource.region) {
        (Some(a), Some(r)) => format!("{a}/{r}"),
        (Some(a), None) => a.to_string(),
        (None, Some(r)) => r.to_string(),
        (None, None) => "-".into(),
    }
}

pub fn write(report: &AuditReport, color: bool, out: &mut dyn Write) -> io::Result<()> {
    let st = Style { on: color };
    writeln!(
        out,
        "{} {} · {} resources · {} accounts · {} regions · {} rules",
        st.bold("ailint"),
        report.version,
        report.resources,
        report.accounts.len(),
        report.regions.len(),
        report.rules.len()
    )?;

    let failures: Vec<&Finding> = report.failures().collect();
    let mut i = 0;
    while i < failures.len() {
        let rule_id = &failures[i].rule_id;
        let group: Vec<&Finding> = failures[i..]
            .iter()
            .take_while(|f| &f.rule_id == rule_id)
            .copied()
            .collect();
        i += group.len();
        let meta = report.rule(rule_id);
        writeln!(out)?;
        writeln!(
            out,
            "{} {}  {}  ({})",
            st.severity(group[0].severity),
            st.bold(rule_id),
            meta.map_or("", |m| m.title.as_str()),
            group.len()
        )?;
        for f in &group {
            writeln!(
                out,
                "  {}  {}  {}",
                location(f),
                st.bold(&f.resource.name),
                st.dim(&format!("{} · {}", f.resource.type_name, scope(f)))
            )?;
            let evidence: Vec<String> = f
                .evidence
                .iter()
                .map(|e| format!("{} = {}", e.path, value_text(&e.value)))
                .collect();
            if !evidence.is_empty() {
                writeln!(out, "      {}", st.dim(&evidence.join(", ")))?;
            }
        }
        if let Some(m) = meta {
            writeln!(out, "  {} {}", st.bold("fix:"), m.remediation)?;
        }
    }

    let not_assessed: Vec<&Finding> = report.not_assessed().collect();
    if !not_assessed.is_empty() {
        writeln!(out)?;
        writeln!(out, "{} ({})", st.bold("Not assessed"), not_assessed.len())?;
        for f in not_assessed {
            writeln!(
                out,
                "  {}  {}  {}  {}",
                st.bold(&f.rule_id),
                location(f),
                f.resource.name,
                st.dim(f.reason.as_deref().unwrap_or(""))
            )?;
        }
    }

    let suppressed: Vec<&Finding> = report.suppressed().collect();
    if !suppressed.is_empty() {
        writeln!(out)?;
        writeln!(out, "{} ({})", st.bold("Suppressed"), suppressed.len())?;
        for f in suppressed {
            let why = f
                .suppression
                .as_ref()
                .map_or("", |s| s.justification.as_str());
            writeln!(
                out,
                "  {}  {}  {}  {}",
                st.bold(&f.rule_id),
                location(f),
                f.resource.name,
                st.dim(why)
            )?;
        }
    }

    if !report.warnings.is_empty() {
        writeln!(out)?;
        writeln!(out, "{} ({})", st.bold("Warnings"), report.warnings.len())?;
        for w in &report.warnings {
            writeln!(out, "  {w}")?;
        }
    }

    if !report.errors.is_empty() {
        writeln!(out)?;
        writeln!(out, "{} ({})", st.bold("Errors"), report.errors.len())?;
        for e in &report.errors {
            writeln!(out, "  {e}")?;
        }
    }

    writeln!(out)?;
    let by_severity: Vec<String> = Severity::ALL
        .iter()
        .filter_map(|s| {
            let n = failures.iter().filter(|f| f.severity == *s).count();
            (n > 0).then(|| format!("{n} {s}"))
        })
        .collect();
    let failed = if by_severity.is_empty() {
        "0 failed".to_string()
    } else {
        format!("{} failed ({})", failures.len(), by_severity.join(", "))
    };
    let not_assessed_count = report.not_assessed().count();
    let suppressed = match report.totals.suppressed {
        0 => String::new(),
        n => format!(", {n} suppressed"),
    };
    let baseline = match &report.baseline {
        Some(b) => format!(
            "; baseline `{}`: {} unchanged, {} fixed",
            b.file, b.unchanged, b.fixed
        ),
        None => String::new(),
    };
    writeln!(
        out,
        "{} {failed}, {not_assessed_count} not assessed, {} passed{suppressed}{baseline}",
        st.bold("Summary:"),
        report.totals.pass
    )
}
