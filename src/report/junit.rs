//! `--format junit`: JUnit XML for CI dashboards. One test suite per rule, one test case per
//! rule and resource: a failure is `<failure>` with the evidence and the fix, "not
//! assessed" and suppressed verdicts are `<skipped>` with the reason, a pass is an empty
//! test case. Tool errors (an input that could not be read) are test cases with `<error>`
//! in a suite of their own, so a dashboard never shows a partial run as green.

use std::collections::BTreeMap;
use std::io::{self, Write};

use crate::engine::{AuditReport, Finding, Passed, ResourceRef, RuleMeta, Status};

/// One verdict of a rule on a resource.
enum Case<'a> {
    Finding(&'a Finding),
    Pass(&'a Passed),
}

impl Case<'_> {
    fn resource(&self) -> &ResourceRef {
        match self {
            Case::Finding(f) => &f.resource,
            Case::Pass(p) => &p.resource,
        }
    }
}

pub fn write(report: &AuditReport, out: &mut dyn Write) -> io::Result<()> {
    let mut by_rule: BTreeMap<&str, Vec<Case>> = BTreeMap::new();
    for f in &report.findings {
        by_rule
            .entry(&f.rule_id)
            .or_default()
            .push(Case::Finding(f));
    }
    for p in &report.passed {
        by_rule.entry(&p.rule_id).or_default().push(Case::Pass(p));
    }
    let count = |cases: &[Case], what: fn(&Case) -> bool| cases.iter().filter(|c| what(c)).count();
    let is_failure = |c: &Case| matches!(c, Case::Finding(f) if f.status == Status::Fail && f.suppression.is_none());
    let is_skipped = |c: &Case| matches!(c, Case::Finding(f) if f.status == Status::NotAssessed || f.suppression.is_some());
    let tests: usize = by_rule.values().map(Vec::len).sum::<usize>() + report.errors.len();
    let failures: usize = by_rule.values().map(|c| count(c, is_failure)).sum();
    let skipped: usize = by_rule.values().map(|c| count(c, is_skipped)).sum();

    writeln!(out, r#"<?xml version="1.0" encoding="UTF-8"?>"#)?;
    writeln!(
        out,
        r#"<testsuites name="ailint" tests="{tests}" failures="{failures}" errors="{}" skipped="{skipped}" timestamp="{}">"#,
        report.errors.len(),
        xml(&report.generated_at)
    )?;
    if !report.errors.is_empty() {
        writeln!(
            out,
            r#"  <testsuite name="ailint inputs" tests="{0}" failures="0" errors="{0}" skipped="0">"#,
            report.errors.len()
        )?;
        for e in &report.errors {
            writeln!(
                out,
                r#"    <testcase classname="ailint.inputs" name="{}"><error message="{}"/></testcase>"#,
                xml(&e.path),
                xml(&e.to_string())
            )?;
        }
        writeln!(out, "  </testsuite>")?;
    }
    for (rule_id, cases) in &mut by_rule {
        cases.sort_by(|a, b| {
            let (ra, rb) = (a.resource(), b.resource());
            (&ra.location, &ra.type_name, &ra.id).cmp(&(&rb.location, &rb.type_name, &rb.id))
        });
        let meta = report.rule(rule_id);
        let name = meta.map_or(rule_id.to_string(), |m| format!("{} {}", m.id, m.title));
        writeln!(
            out,
            r#"  <testsuite name="{}" tests="{}" failures="{}" errors="0" skipped="{}">"#,
            xml(&name),
            cases.len(),
            count(cases, is_failure),
            count(cases, is_skipped)
        )?;
        if let Some(m) = meta {
            writeln!(
                out,
                r#"    <properties><property name="severity" value="{}"/><property name="area" value="{}"/><property name="control" value="{}"/></properties>"#,
                m.severity,
                xml(&m.area),
                xml(&m.control)
            )?;
        }
        for case in cases.iter() {
            write_case(out, rule_id, meta, case)?;
        }
        writeln!(out, "  </testsuite>")?;
    }
    writeln!(out, "</testsuites>")
}

fn write_case(
    out: &mut dyn Write,
    rule_id: &str,
    meta: Option<&RuleMeta>,
    case: &Case,
) -> io::Result<()> {
    let r = case.resource();
    let scope = match (&r.account, &r.region) {
        (Some(a), Some(g)) => format!(" · {a}/{g}"),
        (Some(a), None) => format!(" · {a}"),
        _ => String::new(),
    };
    let area = meta.map_or("other", |m| m.area.as_str());
    write!(
        out,
        r#"    <testcase classname="ailint.{}.{}" name="{}" file="{}" line="{}""#,
        xml(area),
        xml(rule_id),
        xml(&format!("{} ({}{scope})", r.name, r.type_name)),
        xml(&r.location.file),
        r.location.line
    )?;
    let f = match case {
        Case::Pass(_) => return writeln!(out, "/>"),
        Case::Finding(f) => f,
    };
    writeln!(out, ">")?;
    match (&f.suppression, f.status) {
        (Some(s), _) => writeln!(
            out,
            r#"      <skipped message="{}"/>"#,
            xml(&format!("suppressed: {}", s.justification))
        )?,
        (None, Status::NotAssessed) => writeln!(
            out,
            r#"      <skipped message="{}"/>"#,
            xml(&format!(
                "not assessed: {}",
                f.reason.as_deref().unwrap_or("unknown facts")
            ))
        )?,
        (None, Status::Fail) => {
            let mut body = String::new();
            for e in &f.evidence {
                body.push_str(&format!("{} = {}\n", e.path, e.value));
            }
            if let Some(m) = meta {
                body.push_str(&format!("fix: {}\n", m.remediation));
            }
            if let Some(t) = f.trend {
                body.push_str(&format!("trend: {}\n", t.as_str()));
            }
            writeln!(
                out,
                r#"      <failure message="{}" type="{}">{}</failure>"#,
                xml(&f.message),
                f.severity,
                xml(&body)
            )?;
        }
    }
    writeln!(out, "    </testcase>")
}

/// Text as XML character data or an attribute value. Characters XML 1.0 cannot carry
/// (control characters other than tab and line breaks) are replaced with U+FFFD.
fn xml(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::xml;

    #[test]
    fn xml_escapes_markup_and_drops_what_xml_cannot_carry() {
        assert_eq!(
            xml(r#"<a b="c">&'"#),
            "&lt;a b=&quot;c&quot;&gt;&amp;&apos;"
        );
        assert_eq!(xml("bell\u{7}"), "bell\u{FFFD}");
        assert_eq!(xml("tab\tline\n"), "tab\tline\n");
    }
}
