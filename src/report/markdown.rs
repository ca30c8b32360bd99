//! `--format markdown`: a short summary for a pull request, written to
//! `$GITHUB_STEP_SUMMARY` or posted as a comment.
//!
//! Both places have size limits (a step summary up to 1 MiB, a comment up to 65,536
//! characters), so the lists are capped; the SARIF upload and the other formats carry every
//! finding. Every value that comes from an input is escaped: a resource name must not be able
//! to break the table, open a code span or inject HTML.

use std::io::{self, Write};

use crate::engine::score::{self, percent};
use crate::engine::trend::Trend;
use crate::engine::{AuditReport, Finding, Severity, ToolError};

/// Rows of the failing-findings table: 200 rows of about 200 characters stay well inside a
/// PR comment.
pub const MAX_FAILURES: usize = 200;
/// Entries of the "not assessed" list.
pub const MAX_NOT_ASSESSED: usize = 50;
/// Entries of each of the warning and error lists.
pub const MAX_PROBLEMS: usize = 50;

pub fn write(report: &AuditReport, out: &mut dyn Write) -> io::Result<()> {
    let failures: Vec<&Finding> = report.failures().collect();
    let not_assessed: Vec<&Finding> = report.not_assessed().collect();
    write_totals(report, &failures, not_assessed.len(), out)?;
    write_scores(report, out)?;
    write_failures(report, &failures, out)?;
    write_not_assessed(&not_assessed, out)?;
    write_problems("Warnings", &report.warnings, out)?;
    write_problems("Errors", &report.errors, out)
}

/// The heading, the counts and what was audited.
fn write_totals(
    report: &AuditReport,
    failures: &[&Finding],
    not_assessed: usize,
    out: &mut dyn Write,
) -> io::Result<()> {
    let passed = report.totals.pass;
    let suppressed = report.totals.suppressed;
    // Errors come first in the heading: the audit behind the other numbers is incomplete.
    let errors = match report.errors.len() {
        0 => String::new(),
        1 => "1 error, ".to_string(),
        n => format!("{n} errors, "),
    };
    writeln!(
        out,
        "## ailint: {errors}{} failed, {not_assessed} not assessed, {passed} passed",
        failures.len()
    )?;
    writeln!(out)?;
    writeln!(
        out,
        "**Failed:** {} · **Not assessed:** {not_assessed} · **Suppressed:** {suppressed} · **Passed:** {passed}",
        failed_by_severity(failures)
    )?;
    if let Some(c) = &report.comparison {
        writeln!(out)?;
        let moved = match (score::of(report).overall.score(), c.totals.previous_score) {
            (Some(now), Some(before)) => {
                format!(" Score {} ({:+.1} pts).", percent(Some(now)), now - before)
            }
            _ => String::new(),
        };
        writeln!(
            out,
            "**Since the previous run** ({}): {} new, {} fixed, {} still open{}.{moved}",
            code(&c.file),
            c.totals.new,
            c.totals.fixed,
            c.totals.still_open,
            if c.totals.not_assessed_now > 0 {
                format!(", {} not assessed this time", c.totals.not_assessed_now)
            } else {
                String::new()
            }
        )?;
    }
    if let Some(b) = &report.baseline {
        writeln!(out)?;
        writeln!(
            out,
            "**Baseline** {}: {} not reported, {} fixed.",
            code(&b.file),
            count(b.unchanged, "known finding"),
            b.fixed
        )?;
    }
    writeln!(out)?;
    writeln!(
        out,
        "{} in {} and {}, {}, ailint {}.",
        count(report.resources as u64, "resource"),
        count(report.accounts.len() as u64, "account"),
        count(report.regions.len() as u64, "region"),
        count(report.rules.len() as u64, "rule"),
        report.version
    )
}

/// The compliance score overall and per control area, with the trend when there is one.
fn write_scores(report: &AuditReport, out: &mut dyn Write) -> io::Result<()> {
    let scores = score::of(report);
    if scores.areas.is_empty() {
        return Ok(());
    }
    writeln!(out)?;
    writeln!(
        out,
        "### Compliance score: {}",
        percent(scores.overall.score())
    )?;
    writeln!(out)?;
    let trend = report.comparison.as_ref();
    if trend.is_some() {
        writeln!(
            out,
            "| Area | Score | Passed | Failed | Not assessed | New | Fixed | Still open |"
        )?;
        writeln!(
            out,
            "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
        )?;
    } else {
        writeln!(out, "| Area | Score | Passed | Failed | Not assessed |")?;
        writeln!(out, "| --- | ---: | ---: | ---: | ---: |")?;
    }
    for a in &scores.areas {
        let t = &a.tally;
        write!(
            out,
            "| {} | {} | {} | {} | {} |",
            table_prose(&a.name),
            percent(t.score()),
            t.pass,
            t.fail,
            t.not_assessed
        )?;
        if let Some(c) = trend {
            let change = c.areas.iter().find(|x| x.area == a.area).map(|x| &x.change);
            let n = |f: fn(&crate::engine::trend::Change) -> u64| change.map_or(0, f);
            write!(
                out,
                " {} | {} | {} |",
                n(|c| c.new),
                n(|c| c.fixed),
                n(|c| c.still_open)
            )?;
        }
        writeln!(out)?;
    }
    Ok(())
}

/// `68 (4 critical, 52 high, 12 medium)`, or `0`.
fn failed_by_severity(failures: &[&Finding]) -> String {
    let parts: Vec<String> = Severity::ALL
        .iter()
        .filter_map(|s| {
            let n = failures.iter().filter(|f| f.severity == *s).count();
            (n > 0).then(|| format!("{n} {s}"))
        })
        .collect();
    if parts.is_empty() {
        "0".to_string()
    } else {
        format!("{} ({})", failures.len(), parts.join(", "))
    }
}

/// The table of failing findings, in the report's order (most severe first).
fn write_failures(
    report: &AuditReport,
    failures: &[&Finding],
    out: &mut dyn Write,
) -> io::Result<()> {
    if failures.is_empty() {
        return Ok(());
    }
    writeln!(out)?;
    writeln!(out, "### Failing findings ({})", failures.len())?;
    writeln!(out)?;
    writeln!(out, "| Severity | Rule | Title | Resource | Location |")?;
    writeln!(out, "| --- | --- | --- | --- | --- |")?;
    for f in failures.iter().take(MAX_FAILURES) {
        let title = report.rule(&f.rule_id).map_or("", |m| m.title.as_str());
        let new = if f.trend == Some(Trend::New) {
            " **new**"
        } else {
            ""
        };
        writeln!(
            out,
            "| {}{new} | {} | {} | {} | {} |",
            f.severity,
            table_code(&f.rule_id),
            table_prose(title),
            table_code(&f.resource.name),
            table_code(&location(f))
        )?;
    }
    write_more(failures.len(), MAX_FAILURES, "failing findings", out)
}

/// Not-assessed verdicts with their reasons: never a pass, so they are shown, but briefly.
fn write_not_assessed(not_assessed: &[&Finding], out: &mut dyn Write) -> io::Result<()> {
    if not_assessed.is_empty() {
        return Ok(());
    }
    writeln!(out)?;
    writeln!(out, "### Not assessed ({})", not_assessed.len())?;
    writeln!(out)?;
    for f in not_assessed.iter().take(MAX_NOT_ASSESSED) {
        writeln!(
            out,
            "- {} on {} ({}): {}",
            code(&f.rule_id),
            code(&f.resource.name),
            code(&location(f)),
            prose(f.reason.as_deref().unwrap_or("no reason given"))
        )?;
    }
    write_more(not_assessed.len(), MAX_NOT_ASSESSED, "not assessed", out)
}

/// Warnings or errors, each with where it is.
fn write_problems(heading: &str, problems: &[ToolError], out: &mut dyn Write) -> io::Result<()> {
    if problems.is_empty() {
        return Ok(());
    }
    writeln!(out)?;
    writeln!(out, "### {heading} ({})", problems.len())?;
    writeln!(out)?;
    for p in problems.iter().take(MAX_PROBLEMS) {
        let place = match (p.line, p.column) {
            (Some(l), Some(c)) => format!("{}:{l}:{c}", p.path),
            (Some(l), None) => format!("{}:{l}", p.path),
            _ => p.path.clone(),
        };
        writeln!(out, "- {}: {}", code(&place), prose(&p.message))?;
    }
    write_more(problems.len(), MAX_PROBLEMS, &heading.to_lowercase(), out)
}

/// The line that says a list was cut, and by how much.
fn write_more(total: usize, shown: usize, what: &str, out: &mut dyn Write) -> io::Result<()> {
    if total > shown {
        writeln!(out)?;
        writeln!(out, "... and {} more {what}.", total - shown)?;
    }
    Ok(())
}

fn location(f: &Finding) -> String {
    format!("{}:{}", f.resource.location.file, f.resource.location.line)
}

/// Line breaks would end a table row or a list item: they become spaces.
fn one_line(s: &str) -> String {
    s.split(['\r', '\n'])
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// Plain text with every character Markdown (or GitHub's math and HTML) could read as
/// syntax backslash-escaped; all of them are ASCII punctuation, which CommonMark lets
/// any backslash escape.
pub fn text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in one_line(s).chars() {
        if matches!(
            c,
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '|' | '#' | '~' | '&' | '$' | '!'
        ) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// A code span that shows `s` verbatim: the fence is one backtick longer than the longest
/// run of backticks inside, and a space pads a value that starts or ends with one (the
/// CommonMark rule strips exactly one space on each side).
pub fn code(s: &str) -> String {
    let s = one_line(s);
    if s.is_empty() {
        return String::new();
    }
    let longest = s
        .split(|c| c != '`')
        .map(str::len)
        .max()
        .unwrap_or_default();
    let fence = "`".repeat(longest + 1);
    let pad = if s.starts_with('`') || s.ends_with('`') {
        " "
    } else {
        ""
    };
    format!("{fence}{pad}{s}{pad}{fence}")
}

/// A message written the project's way, with values in backticks: the backtick-delimited
/// parts become code spans, the rest escaped text. Unpaired backticks (a value that holds
/// one) make the whole message plain text, so the result is always safe, at worst less
/// pretty.
pub fn prose(s: &str) -> String {
    prose_with(s, code)
}

fn prose_with(s: &str, code: fn(&str) -> String) -> String {
    let s = one_line(s);
    if s.matches('`').count() % 2 != 0 {
        return text(&s);
    }
    s.split('`')
        .enumerate()
        .map(|(i, part)| match (i % 2 == 1, part.is_empty()) {
            (false, _) => text(part),
            (true, false) => code(part),
            (true, true) => text("``"),
        })
        .collect()
}

/// Table cells: GitHub splits rows at every unescaped `|`, even inside a code span, and
/// `\|` shows as `|` there too.
fn table_prose(s: &str) -> String {
    prose_with(s, table_code)
}

fn table_code(s: &str) -> String {
    code(s).replace('|', "\\|")
}

/// `1 account`, `2 accounts`.
fn count(n: u64, what: &str) -> String {
    if n == 1 {
        format!("1 {what}")
    } else {
        format!("{n} {what}s")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_escapes_markdown_and_joins_lines() {
        assert_eq!(text("a|b `c` *d*"), r"a\|b \`c\` \*d\*");
        assert_eq!(text("<img src=x>"), r"\<img src=x\>");
        assert_eq!(text("one\r\ntwo\nthree"), "one two three");
        assert_eq!(text(r"C:\x"), r"C:\\x");
    }

    #[test]
    fn code_fences_outgrow_the_backticks_inside() {
        assert_eq!(code("plain"), "`plain`");
        assert_eq!(code("a`b"), "``a`b``");
        assert_eq!(code("``x"), "``` ``x ```");
        assert_eq!(code("x`"), "`` x` ``");
        assert_eq!(code(""), "");
    }

    #[test]
    fn table_cells_escape_pipes_inside_code() {
        assert_eq!(table_code("a|b"), r"`a\|b`");
        assert_eq!(table_prose("a|b `c|d`"), r"a\|b `c\|d`");
    }

    #[test]
    fn prose_keeps_paired_backticks_as_code() {
        assert_eq!(
            prose("`kmsKey` is unknown: `!If [A]`"),
            "`kmsKey` is unknown: `!If [A]`"
        );
        assert_eq!(prose("a `b` c`"), r"a \`b\` c\`");
        assert_eq!(prose("x `` y"), r"x \`\` y");
        assert_eq!(prose("*`<b>`*"), r"\*`<b>`\*");
    }
}
