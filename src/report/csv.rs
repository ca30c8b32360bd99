//! `--format csv`: one row per finding (failed, not assessed or suppressed), for
//! spreadsheets and ticket imports. RFC 4180: comma-separated, CRLF line ends, fields
//! quoted when they hold a comma, quote or line break.
//!
//! Values come from the audited inputs, and a spreadsheet runs a cell that starts with `=`,
//! `+`, `-`, `@` or a control character as a formula; such cells are prefixed with `'`
//! so they open as text.

use std::io::{self, Write};

use crate::engine::{AuditReport, Finding, Status};

const HEADER: [&str; 18] = [
    "status",
    "trend",
    "severity",
    "rule",
    "title",
    "area",
    "control",
    "account",
    "region",
    "resource_type",
    "resource_id",
    "resource_name",
    "file",
    "line",
    "evidence",
    "reason",
    "suppressed_because",
    "fingerprint",
];

pub fn write(report: &AuditReport, out: &mut dyn Write) -> io::Result<()> {
    row(out, HEADER.iter().map(|h| h.to_string()))?;
    for f in &report.findings {
        row(out, fields(report, f))?;
    }
    Ok(())
}

fn fields(report: &AuditReport, f: &Finding) -> Vec<String> {
    let rule = report.rule(&f.rule_id);
    let status = match (f.status, &f.suppression) {
        (_, Some(_)) => "suppressed",
        (Status::Fail, None) => "fail",
        (Status::NotAssessed, None) => "not_assessed",
    };
    let evidence: Vec<String> = f
        .evidence
        .iter()
        .map(|e| format!("{} = {}", e.path, e.value))
        .collect();
    vec![
        status.to_string(),
        f.trend.map(|t| t.as_str().to_string()).unwrap_or_default(),
        f.severity.to_string(),
        f.rule_id.clone(),
        rule.map(|r| r.title.clone()).unwrap_or_default(),
        rule.map(|r| r.area.clone()).unwrap_or_default(),
        rule.map(|r| r.control.clone()).unwrap_or_default(),
        f.resource.account.as_deref().unwrap_or("").to_string(),
        f.resource.region.as_deref().unwrap_or("").to_string(),
        f.resource.type_name.to_string(),
        f.resource.id.to_string(),
        f.resource.name.to_string(),
        f.resource.location.file.to_string(),
        f.resource.location.line.to_string(),
        evidence.join("; "),
        f.reason.clone().unwrap_or_default(),
        f.suppression
            .as_ref()
            .map(|s| s.justification.clone())
            .unwrap_or_default(),
        f.fingerprint.clone(),
    ]
}

fn row(out: &mut dyn Write, fields: impl IntoIterator<Item = String>) -> io::Result<()> {
    let mut first = true;
    for field in fields {
        if !first {
            out.write_all(b",")?;
        }
        first = false;
        out.write_all(cell(&field).as_bytes())?;
    }
    out.write_all(b"\r\n")
}

/// One field, neutralized and quoted as needed.
fn cell(value: &str) -> String {
    let neutral = match value.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{value}"),
        _ => value.to_string(),
    };
    if neutral.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", neutral.replace('"', "\"\""))
    } else {
        neutral
    }
}

#[cfg(test)]
mod tests {
    use super::cell;

    #[test]
    fn cells_are_quoted_and_formulas_neutralized() {
        assert_eq!(cell("plain"), "plain");
        assert_eq!(cell("a,b"), "\"a,b\"");
        assert_eq!(cell("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(cell("two\nlines"), "\"two\nlines\"");
        assert_eq!(cell("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
        assert_eq!(cell("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(cell("-1"), "'-1");
        assert_eq!(cell(""), "");
    }
}
