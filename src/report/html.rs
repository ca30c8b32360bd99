//! `--format html`: a compliance report for the people who own compliance, in one
//! self-contained file. No network: the style, the script and the chart (SVG) are inline,
//! and a Content-Security-Policy forbids loading anything else. It reads without the
//! script (every row is rendered); the script adds the filters, which also read the
//! page's address (`report.html#severity=high&area=kms`), so a filtered view can be shared.
//! It prints to PDF: the filter bar is hidden, table headers repeat, rows do not split.
//!
//! Every value from the audited inputs is escaped: a resource name cannot inject markup.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::{self, Write};

use super::text::value_text;
use crate::engine::catalog::Catalog;
use crate::engine::score::{self, percent, Scores, Tally};
use crate::engine::trend::Comparison;
use crate::engine::{AuditReport, Finding, Status, ToolError};

/// Rows of the findings table and of the not-assessed table. A report of a very large
/// audit stays openable; the JSON, CSV and SARIF reports carry every finding.
pub const MAX_ROWS: usize = 5000;

pub fn write(report: &AuditReport, out: &mut dyn Write) -> io::Result<()> {
    let scores = score::of(report);
    let failures: Vec<&Finding> = report.failures().collect();
    let not_assessed: Vec<&Finding> = report.not_assessed().collect();
    let suppressed: Vec<&Finding> = report.suppressed().collect();

    let mut h = String::with_capacity(64 * 1024 + failures.len().min(MAX_ROWS) * 1024);
    head(&mut h, report);
    h.push_str("<body>\n<main>\n");
    header(&mut h, report);
    scope(&mut h, report);
    score_section(&mut h, report, &scores, failures.len());
    areas(&mut h, &scores, report.comparison.as_ref());
    if let Some(c) = &report.comparison {
        trend(&mut h, c);
    }
    findings(&mut h, report, &failures);
    remediation(&mut h, report, &failures);
    not_assessed_section(&mut h, report, &not_assessed);
    suppressed_section(&mut h, report, &suppressed);
    problems(&mut h, "Errors", "errors", &report.errors);
    problems(&mut h, "Warnings", "warnings", &report.warnings);
    footer(&mut h, report);
    h.push_str("</main>\n<script>\n");
    h.push_str(SCRIPT);
    h.push_str("</script>\n</body>\n</html>\n");
    out.write_all(h.as_bytes())
}

fn head(h: &mut String, report: &AuditReport) {
    let _ = write!(
        h,
        r#"<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:">
<meta name="generator" content="ailint {}">
<title>AI/ML compliance report · {}</title>
<style>
{}</style>
</head>
"#,
        esc(report.version),
        esc(&report.generated_at),
        STYLE
    );
}

fn header(h: &mut String, report: &AuditReport) {
    let _ = write!(
        h,
        r#"<header>
<h1>AI/ML compliance report</h1>
<p class="sub">AWS AI/ML reference architecture controls · generated {} by ailint {}</p>
</header>
"#,
        esc(&report.generated_at),
        esc(report.version)
    );
}

fn scope(h: &mut String, report: &AuditReport) {
    h.push_str("<section id=\"scope\">\n<h2>Scope</h2>\n<dl class=\"scope\">\n");
    let list = |items: &[String]| -> String {
        if items.is_empty() {
            "<span class=\"muted\">none known</span>".to_string()
        } else {
            items
                .iter()
                .map(|i| format!("<code>{}</code>", esc(i)))
                .collect::<Vec<_>>()
                .join(" ")
        }
    };
    let rows = [
        ("Accounts", list(&report.accounts)),
        ("Regions", list(&report.regions)),
        ("Inputs", list(&report.inputs)),
        ("Resources", report.resources.to_string()),
        (
            "Rules",
            format!(
                "{} (<code>{}</code>)",
                report.rules.len(),
                esc(&report.rules_digest)
            ),
        ),
        (
            "Generated",
            format!("<time>{}</time>", esc(&report.generated_at)),
        ),
        ("ailint", esc(report.version)),
    ];
    for (k, v) in rows {
        let _ = writeln!(h, "<dt>{k}</dt><dd>{v}</dd>");
    }
    h.push_str("</dl>\n</section>\n");
}

fn score_section(h: &mut String, report: &AuditReport, scores: &Scores, failed: usize) {
    let overall = &scores.overall;
    let delta = report
        .comparison
        .as_ref()
        .and_then(|c| Some((overall.score()?, c.totals.previous_score?)))
        .map(|(now, before)| delta_html(now - before))
        .unwrap_or_default();
    let _ = write!(
        h,
        r#"<section id="score">
<h2>Compliance score</h2>
<div class="cards">
<div class="card main" id="overall-score" data-score="{}">
<div class="num">{}</div>
<div class="label">of {} decided checks pass{}</div>
<div class="detail">{} failed · {} not assessed · {} suppressed</div>
</div>
"#,
        overall.score().map_or(String::new(), |s| format!("{s:.1}")),
        percent(overall.score()),
        overall.pass + overall.fail,
        delta,
        failed,
        overall.not_assessed,
        overall.suppressed,
    );
    for s in &scores.severities {
        let _ = write!(
            h,
            r#"<div class="card sev-card" data-severity="{0}">
<div class="label"><span class="sev sev-{0}">{0}</span></div>
<div class="num small">{1}</div>
<div class="detail">{2} failed of {3} decided</div>
</div>
"#,
            s.severity,
            percent(s.tally.score()),
            s.tally.fail,
            s.tally.pass + s.tally.fail
        );
    }
    h.push_str("</div>\n<p class=\"note\">A score is the share of decided checks (one rule on one resource) that pass. Checks that could not be assessed and accepted findings are counted beside it, not in it.</p>\n</section>\n");
}

fn delta_html(points: f64) -> String {
    let (class, sign) = if points > 0.05 {
        ("up", "+")
    } else if points < -0.05 {
        ("down", "")
    } else {
        ("flat", "±")
    };
    format!(" <span class=\"delta {class}\">{sign}{points:.1} pts since the previous run</span>")
}

fn areas(h: &mut String, scores: &Scores, comparison: Option<&Comparison>) {
    h.push_str("<section id=\"areas\">\n<h2>By control area</h2>\n");
    chart(h, scores);
    h.push_str("<table class=\"areas\">\n<thead><tr><th>Area</th><th class=\"n\">Score</th><th class=\"n\">Passed</th><th class=\"n\">Failed</th><th class=\"n\">Not assessed</th><th class=\"n\">Suppressed</th>");
    if comparison.is_some() {
        h.push_str("<th class=\"n\">New</th><th class=\"n\">Fixed</th><th class=\"n\">Still open</th><th class=\"n\">Change</th>");
    }
    h.push_str("</tr></thead>\n<tbody>\n");
    let changes: BTreeMap<&str, &crate::engine::trend::Change> = comparison
        .map(|c| {
            c.areas
                .iter()
                .map(|a| (a.area.as_str(), &a.change))
                .collect()
        })
        .unwrap_or_default();
    for a in &scores.areas {
        let t = &a.tally;
        let _ = write!(
            h,
            "<tr data-area=\"{}\"><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td>",
            esc(&a.area),
            esc(&a.name),
            percent(t.score()),
            t.pass,
            t.fail,
            t.not_assessed,
            t.suppressed
        );
        if comparison.is_some() {
            let c = changes.get(a.area.as_str());
            let n = |f: fn(&crate::engine::trend::Change) -> u64| c.map_or(0, |c| f(c));
            let change = match (t.score(), c.and_then(|c| c.previous_score)) {
                (Some(now), Some(before)) => delta_html(now - before)
                    .replace(" since the previous run", "")
                    .trim()
                    .to_string(),
                _ => "<span class=\"muted\">–</span>".to_string(),
            };
            let _ = write!(
                h,
                "<td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{change}</td>",
                n(|c| c.new),
                n(|c| c.fixed),
                n(|c| c.still_open)
            );
        }
        h.push_str("</tr>\n");
    }
    h.push_str("</tbody>\n</table>\n</section>\n");
}

/// Stacked bars of pass / fail / not assessed / suppressed per area, each bar the area's
/// verdicts as 100%.
fn chart(h: &mut String, scores: &Scores) {
    const LABEL: f64 = 180.0;
    const BAR: f64 = 440.0;
    const ROW: f64 = 30.0;
    const TOP: f64 = 8.0;
    let height = TOP * 2.0 + ROW * scores.areas.len() as f64;
    let _ = write!(
        h,
        r#"<figure class="chart">
<svg id="area-chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w} {height}" width="100%" role="img" aria-labelledby="area-chart-title">
<title id="area-chart-title">Pass, fail and not assessed checks per control area</title>
"#,
        w = LABEL + BAR + 80.0,
    );
    for (i, a) in scores.areas.iter().enumerate() {
        let t: &Tally = &a.tally;
        let y = TOP + ROW * i as f64;
        let total = t.total().max(1) as f64;
        let _ = write!(
            h,
            r#"<g class="bar" data-area="{}"><text x="{}" y="{}" class="label" text-anchor="end">{}</text>"#,
            esc(&a.area),
            LABEL - 8.0,
            y + ROW / 2.0 + 4.0,
            esc(&a.name)
        );
        let mut x = LABEL;
        for (class, n, what) in [
            ("pass", t.pass, "passed"),
            ("fail", t.fail, "failed"),
            ("na", t.not_assessed, "not assessed"),
            ("sup", t.suppressed, "suppressed"),
        ] {
            if n == 0 {
                continue;
            }
            let w = BAR * n as f64 / total;
            let _ = write!(
                h,
                r#"<rect class="{class}" x="{x:.1}" y="{:.1}" width="{w:.1}" height="{:.1}"><title>{}: {n} {what}</title></rect>"#,
                y + 4.0,
                ROW - 8.0,
                esc(&a.name)
            );
            x += w;
        }
        let _ = writeln!(
            h,
            r#"<text x="{}" y="{}" class="value">{}</text></g>"#,
            LABEL + BAR + 8.0,
            y + ROW / 2.0 + 4.0,
            percent(t.score())
        );
    }
    h.push_str("</svg>\n<figcaption class=\"legend\"><span class=\"key pass\"></span>passed <span class=\"key fail\"></span>failed <span class=\"key na\"></span>not assessed <span class=\"key sup\"></span>suppressed · the figure is the area's score</figcaption>\n</figure>\n");
}

fn trend(h: &mut String, c: &Comparison) {
    let _ = write!(
        h,
        r#"<section id="trend">
<h2>Since the previous run</h2>
<p>Compared with <code>{}</code>{}: <strong class="new">{} new</strong>, <strong class="fixed">{} fixed</strong>, {} still open{}.{}</p>
"#,
        esc(&c.file),
        c.previous_generated_at
            .as_deref()
            .map(|t| format!(" ({})", esc(t)))
            .unwrap_or_default(),
        c.totals.new,
        c.totals.fixed,
        c.totals.still_open,
        if c.totals.not_assessed_now > 0 {
            format!(
                ", {} not assessed this time (neither fixed nor known open)",
                c.totals.not_assessed_now
            )
        } else {
            String::new()
        },
        if c.same_rules {
            ""
        } else {
            " The rules differ from the previous run's, so part of the change may be theirs."
        }
    );
    if !c.fixed.is_empty() {
        h.push_str("<details class=\"fixed\"><summary>Fixed findings</summary>\n<table>\n<thead><tr><th>Severity</th><th>Rule</th><th>Resource</th><th>Account</th><th>Region</th></tr></thead>\n<tbody>\n");
        for f in c.fixed.iter().take(MAX_ROWS) {
            let sev = f.severity.map_or("", |s| s.as_str());
            let _ = writeln!(
                h,
                "<tr><td><span class=\"sev sev-{sev}\">{sev}</span></td><td><code>{}</code> {}</td><td>{}<div class=\"muted\">{}</div></td><td>{}</td><td>{}</td></tr>",
                esc(&f.rule_id),
                esc(&f.title),
                esc(&f.resource),
                esc(&f.type_name),
                esc(f.account.as_deref().unwrap_or("")),
                esc(f.region.as_deref().unwrap_or(""))
            );
        }
        h.push_str("</tbody>\n</table>\n</details>\n");
    }
    h.push_str("</section>\n");
}

/// The values of one filter, in display order (rank, value), with their label and how
/// many findings have them.
type Choices = BTreeMap<(usize, String), (String, usize)>;

fn findings(h: &mut String, report: &AuditReport, failures: &[&Finding]) {
    let catalog = Catalog::builtin();
    let _ = write!(
        h,
        "<section id=\"findings\">\n<h2>Failing findings ({})</h2>\n",
        failures.len()
    );
    if failures.is_empty() {
        h.push_str("<p>No check failed.</p>\n</section>\n");
        return;
    }
    let shown = &failures[..failures.len().min(MAX_ROWS)];
    // Filter choices, with how many findings each would show.
    let mut choices: [(&str, &str, Choices); 6] = [
        ("area", "Area", BTreeMap::new()),
        ("severity", "Severity", BTreeMap::new()),
        ("account", "Account", BTreeMap::new()),
        ("region", "Region", BTreeMap::new()),
        ("rule", "Rule", BTreeMap::new()),
        ("trend", "Trend", BTreeMap::new()),
    ];
    for f in shown {
        let area = area_of(report, f);
        let values = [
            (
                catalog.area_rank(&area),
                area.clone(),
                catalog.area_name(&area).to_string(),
            ),
            (
                4 - f.severity as usize,
                f.severity.to_string(),
                f.severity.to_string(),
            ),
            (0, account(f).to_string(), account(f).to_string()),
            (0, region(f).to_string(), region(f).to_string()),
            (0, f.rule_id.clone(), f.rule_id.clone()),
            (
                0,
                f.trend.map_or("", |t| t.as_str()).to_string(),
                f.trend.map_or("", |t| t.as_str()).to_string(),
            ),
        ];
        for (slot, (rank, value, label)) in choices.iter_mut().zip(values) {
            if value.is_empty() {
                continue;
            }
            slot.2.entry((rank, value)).or_insert((label, 0)).1 += 1;
        }
    }
    h.push_str(
        "<form id=\"filters\" class=\"filters\" role=\"search\" onsubmit=\"return false\">\n",
    );
    for (key, label, values) in &choices {
        if values.is_empty() {
            continue;
        }
        let _ = write!(
            h,
            "<label>{label} <select data-filter=\"{key}\"><option value=\"\">all</option>"
        );
        for ((_, value), (text, n)) in values {
            let _ = write!(
                h,
                "<option value=\"{}\">{} ({n})</option>",
                esc(value),
                esc(text)
            );
        }
        h.push_str("</select></label>\n");
    }
    let _ = write!(
        h,
        "<label>Search <input type=\"search\" id=\"search\" placeholder=\"resource, rule, value\"></label>\n<button type=\"button\" id=\"reset\">Reset</button>\n<output id=\"shown\" data-total=\"{0}\">{0} of {0} shown</output>\n</form>\n",
        shown.len()
    );
    if shown.len() < failures.len() {
        let _ = writeln!(
            h,
            "<p class=\"note\">The first {} of {} failing findings are listed, most severe first; the JSON, CSV and SARIF reports carry every one.</p>",
            shown.len(),
            failures.len()
        );
    }
    h.push_str("<table id=\"findings-table\" class=\"findings\">\n<thead><tr><th>Severity</th><th>Rule</th><th>Resource</th><th>Account</th><th>Region</th><th>Evidence and fix</th></tr></thead>\n<tbody>\n");
    for f in shown {
        let area = area_of(report, f);
        let meta = report.rule(&f.rule_id);
        let trend = f.trend.map_or("", |t| t.as_str());
        let _ = write!(
            h,
            "<tr data-area=\"{}\" data-severity=\"{}\" data-account=\"{}\" data-region=\"{}\" data-rule=\"{}\" data-trend=\"{}\">",
            esc(&area),
            f.severity,
            esc(account(f)),
            esc(region(f)),
            esc(&f.rule_id),
            trend
        );
        let _ = write!(
            h,
            "<td><span class=\"sev sev-{0}\">{0}</span>{1}</td>",
            f.severity,
            if trend.is_empty() {
                String::new()
            } else {
                format!(" <span class=\"trend {trend}\">{trend}</span>")
            }
        );
        let _ = write!(
            h,
            "<td><code>{}</code><div>{}</div><div class=\"muted\">{}</div></td>",
            esc(&f.rule_id),
            esc(meta.map_or("", |m| m.title.as_str())),
            esc(catalog.area_name(&area))
        );
        let _ = write!(
            h,
            "<td><strong>{}</strong><div class=\"muted\">{}</div><div class=\"loc\">{}:{}</div></td><td class=\"nowrap\">{}</td><td class=\"nowrap\">{}</td>",
            esc(&f.resource.name),
            esc(&f.resource.type_name),
            esc(&f.resource.location.file),
            f.resource.location.line,
            esc(account(f)),
            esc(region(f))
        );
        h.push_str("<td class=\"evidence\">");
        if !f.evidence.is_empty() {
            h.push_str("<ul>");
            for e in &f.evidence {
                let _ = write!(
                    h,
                    "<li><code>{}</code> = <code class=\"value\">{}</code></li>",
                    esc(&e.path),
                    esc(&value_text(&e.value))
                );
            }
            h.push_str("</ul>");
        }
        if let Some(m) = meta {
            let _ = write!(
                h,
                "<details class=\"fix\"><summary>Fix</summary>{}</details>",
                prose(&m.remediation)
            );
        }
        h.push_str("</td></tr>\n");
    }
    h.push_str("</tbody>\n</table>\n<p id=\"no-match\" hidden>No finding matches these filters.</p>\n</section>\n");
}

/// Each failing rule's fix once, with how many findings it clears: the table shows a fix
/// per finding on demand; a printed report carries it here instead.
fn remediation(h: &mut String, report: &AuditReport, failures: &[&Finding]) {
    if failures.is_empty() {
        return;
    }
    let mut count: BTreeMap<&str, usize> = BTreeMap::new();
    for f in failures {
        *count.entry(f.rule_id.as_str()).or_default() += 1;
    }
    // Most severe first, then the rule with more findings.
    let mut rules: Vec<(&str, usize)> = count.into_iter().collect();
    rules.sort_by_key(|(id, n)| {
        let severity = report.rule(id).map(|m| m.severity);
        (std::cmp::Reverse(severity), std::cmp::Reverse(*n), *id)
    });
    let _ = write!(
        h,
        "<section id=\"remediation\">\n<h2>How to fix ({} rules)</h2>\n<table class=\"remediation\">\n<thead><tr><th>Rule</th><th class=\"n\">Findings</th><th>Fix</th></tr></thead>\n<tbody>\n",
        rules.len()
    );
    for (id, n) in rules {
        let Some(m) = report.rule(id) else { continue };
        let _ = writeln!(
            h,
            "<tr data-rule=\"{}\"><td><span class=\"sev sev-{}\">{}</span> <code>{}</code><div>{}</div></td><td class=\"n\">{n}</td><td>{}<div class=\"muted\">{}</div></td></tr>",
            esc(id),
            m.severity,
            m.severity,
            esc(id),
            esc(&m.title),
            prose(&m.remediation),
            esc(&m.docs)
        );
    }
    h.push_str("</tbody>\n</table>\n</section>\n");
}

fn not_assessed_section(h: &mut String, report: &AuditReport, rows: &[&Finding]) {
    let _ = write!(
        h,
        "<section id=\"not-assessed\">\n<h2>Not assessed ({})</h2>\n",
        rows.len()
    );
    if rows.is_empty() {
        h.push_str("<p>Every check was decided.</p>\n</section>\n");
        return;
    }
    h.push_str("<p class=\"note\">A fact these checks need is unknown (a read was denied, a value is known only after deployment, a setting is not configured): they are neither passed nor failed.</p>\n<table class=\"not-assessed\">\n<thead><tr><th>Rule</th><th>Resource</th><th>Account</th><th>Region</th><th>Reason</th></tr></thead>\n<tbody>\n");
    for f in rows.iter().take(MAX_ROWS) {
        let _ = writeln!(
            h,
            "<tr data-rule=\"{}\"><td><code>{}</code><div>{}</div></td><td>{}<div class=\"muted\">{}</div></td><td>{}</td><td>{}</td><td>{}</td></tr>",
            esc(&f.rule_id),
            esc(&f.rule_id),
            esc(report.rule(&f.rule_id).map_or("", |m| m.title.as_str())),
            esc(&f.resource.name),
            esc(&f.resource.type_name),
            esc(account(f)),
            esc(region(f)),
            prose(f.reason.as_deref().unwrap_or("unknown facts"))
        );
    }
    h.push_str("</tbody>\n</table>\n");
    if rows.len() > MAX_ROWS {
        let _ = writeln!(
            h,
            "<p class=\"note\">The first {MAX_ROWS} of {} are listed.</p>",
            rows.len()
        );
    }
    h.push_str("</section>\n");
}

fn suppressed_section(h: &mut String, report: &AuditReport, rows: &[&Finding]) {
    if rows.is_empty() {
        return;
    }
    let _ = write!(
        h,
        "<section id=\"suppressed\">\n<h2>Accepted findings ({})</h2>\n<table>\n<thead><tr><th>Rule</th><th>Resource</th><th>Status</th><th>Justification</th></tr></thead>\n<tbody>\n",
        rows.len()
    );
    for f in rows.iter().take(MAX_ROWS) {
        let status = match f.status {
            Status::Fail => "failed",
            Status::NotAssessed => "not assessed",
        };
        let _ =
            writeln!(
            h,
            "<tr><td><code>{}</code><div>{}</div></td><td>{}</td><td>{status}</td><td>{}</td></tr>",
            esc(&f.rule_id),
            esc(report.rule(&f.rule_id).map_or("", |m| m.title.as_str())),
            esc(&f.resource.name),
            esc(f.suppression.as_ref().map_or("", |s| s.justification.as_str()))
        );
    }
    h.push_str("</tbody>\n</table>\n</section>\n");
}

fn problems(h: &mut String, heading: &str, id: &str, list: &[ToolError]) {
    if list.is_empty() {
        return;
    }
    let _ = write!(
        h,
        "<section id=\"{id}\">\n<h2>{heading} ({})</h2>\n<ul class=\"problems\">\n",
        list.len()
    );
    for e in list {
        let _ = writeln!(h, "<li><code>{}</code></li>", esc(&e.to_string()));
    }
    h.push_str("</ul>\n</section>\n");
}

fn footer(h: &mut String, report: &AuditReport) {
    let _ = writeln!(
        h,
        "<footer>ailint {} · rules <code>{}</code> · {}</footer>",
        esc(report.version),
        esc(&report.rules_digest),
        esc(&report.generated_at)
    );
}

fn area_of(report: &AuditReport, f: &Finding) -> String {
    report
        .rule(&f.rule_id)
        .map_or_else(|| "other".to_string(), |m| m.area.clone())
}

fn account(f: &Finding) -> &str {
    f.resource.account.as_deref().unwrap_or("")
}

fn region(f: &Finding) -> &str {
    f.resource.region.as_deref().unwrap_or("")
}

/// Text for HTML character data and quoted attribute values.
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Prose from rule metadata or reasons: `backticked` parts become code, the rest escaped
/// text; with unpaired backticks the whole text stays plain.
fn prose(s: &str) -> String {
    if s.matches('`').count() % 2 != 0 {
        return esc(s);
    }
    s.split('`')
        .enumerate()
        .map(|(i, part)| {
            if i % 2 == 1 {
                format!("<code>{}</code>", esc(part))
            } else {
                esc(part)
            }
        })
        .collect()
}

const STYLE: &str = r#":root { --pass: #2e7d32; --fail: #c62828; --na: #9e9e9e; --sup: #6d4c41; --ink: #1d232a; --muted: #5f6b76; --line: #d8dee4; --bg: #f6f8fa; --critical: #6a1b9a; --high: #c62828; --medium: #b26a00; --low: #00695c; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; color: var(--ink); background: #fff; }
main { max-width: 1200px; margin: 0 auto; padding: 24px; }
header h1 { margin: 0; font-size: 26px; }
.sub, .muted, .note, .loc { color: var(--muted); }
.loc { font-size: 12px; word-break: break-all; }
h2 { font-size: 19px; margin: 32px 0 12px; padding-bottom: 6px; border-bottom: 1px solid var(--line); }
code { font: 12.5px/1.3 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; background: var(--bg); padding: 1px 4px; border-radius: 4px; word-break: break-word; }
dl.scope { display: grid; grid-template-columns: max-content 1fr; gap: 6px 16px; margin: 0; }
dl.scope dt { font-weight: 600; }
dl.scope dd { margin: 0; }
.cards { display: flex; flex-wrap: wrap; gap: 12px; }
.card { border: 1px solid var(--line); border-radius: 8px; padding: 12px 16px; min-width: 150px; background: #fff; }
.card.main { min-width: 260px; background: var(--bg); }
.card .num { font-size: 40px; font-weight: 700; line-height: 1.1; }
.card .num.small { font-size: 24px; }
.card .label { font-weight: 600; }
.card .detail { color: var(--muted); font-size: 12px; }
.delta { font-weight: 600; font-size: 13px; }
.delta.up { color: var(--pass); } .delta.down { color: var(--fail); } .delta.flat { color: var(--muted); }
.sev { display: inline-block; padding: 0 6px; border-radius: 10px; color: #fff; font-size: 12px; font-weight: 600; text-transform: uppercase; letter-spacing: .02em; }
.sev-critical { background: var(--critical); } .sev-high { background: var(--high); } .sev-medium { background: var(--medium); } .sev-low { background: var(--low); }
.trend { display: inline-block; font-size: 11px; font-weight: 700; padding: 0 5px; border-radius: 3px; border: 1px solid currentColor; text-transform: uppercase; }
.trend.new { color: var(--fail); } .trend.existing { color: var(--muted); }
strong.new { color: var(--fail); } strong.fixed { color: var(--pass); }
figure.chart { margin: 0 0 12px; max-width: 760px; }
#area-chart text { font-size: 12px; fill: var(--ink); }
#area-chart .pass, .key.pass { fill: var(--pass); background: var(--pass); }
#area-chart .fail, .key.fail { fill: var(--fail); background: var(--fail); }
#area-chart .na, .key.na { fill: var(--na); background: var(--na); }
#area-chart .sup, .key.sup { fill: var(--sup); background: var(--sup); }
.legend { color: var(--muted); font-size: 12px; }
.key { display: inline-block; width: 10px; height: 10px; margin: 0 4px 0 10px; border-radius: 2px; }
table { width: 100%; border-collapse: collapse; margin: 8px 0; }
th, td { text-align: left; vertical-align: top; padding: 6px 8px; border-bottom: 1px solid var(--line); }
th { background: var(--bg); font-weight: 600; position: sticky; top: 0; }
td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; }
td.nowrap { white-space: nowrap; }
td.evidence ul { margin: 0; padding-left: 16px; }
td.evidence .fix { margin-top: 4px; color: var(--muted); }
td.evidence .fix summary { cursor: pointer; font-weight: 600; }
.filters { display: flex; flex-wrap: wrap; gap: 8px 14px; align-items: end; padding: 10px 12px; background: var(--bg); border: 1px solid var(--line); border-radius: 8px; position: sticky; top: 0; z-index: 1; }
.filters label { display: flex; flex-direction: column; font-size: 12px; font-weight: 600; gap: 2px; }
.filters select, .filters input { font: inherit; padding: 3px 4px; max-width: 260px; }
#shown { margin-left: auto; color: var(--muted); }
details.fixed summary { cursor: pointer; font-weight: 600; }
footer { margin-top: 40px; padding-top: 12px; border-top: 1px solid var(--line); color: var(--muted); font-size: 12px; }
@media print {
  main { max-width: none; padding: 0; }
  .filters, #reset, td.evidence .fix { display: none; }
  th { position: static; }
  thead { display: table-header-group; }
  tr, .card, figure { break-inside: avoid; }
  h2 { break-after: avoid; }
  details.fixed > *:not(summary) { display: block; }
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  body { font-size: 11px; }
}
"#;

/// The filters: select boxes and a search over the findings table, mirrored in the address
/// (`#area=kms&severity=high`). Script errors are recorded on the root element
/// (`data-script-errors`) and `data-ready` is set once the filters are live, so a headless
/// browser can tell a working page from a broken one.
const SCRIPT: &str = r##"(function () {
  "use strict";
  var root = document.documentElement;
  var errors = [];
  window.addEventListener("error", function (e) {
    errors.push(String(e.message));
    root.setAttribute("data-script-errors", errors.join(" | "));
  });
  var table = document.getElementById("findings-table");
  if (!table) { root.setAttribute("data-ready", "1"); return; }
  var rows = Array.prototype.slice.call(table.tBodies[0].rows);
  var selects = Array.prototype.slice.call(document.querySelectorAll("select[data-filter]"));
  var search = document.getElementById("search");
  var shown = document.getElementById("shown");
  var noMatch = document.getElementById("no-match");
  var total = rows.length;
  function wanted() {
    var w = {};
    selects.forEach(function (s) { if (s.value) { w[s.getAttribute("data-filter")] = s.value; } });
    return w;
  }
  function apply() {
    var w = wanted();
    var q = search.value.trim().toLowerCase();
    var n = 0;
    rows.forEach(function (row) {
      var ok = Object.keys(w).every(function (k) { return row.getAttribute("data-" + k) === w[k]; });
      if (ok && q) { ok = row.textContent.toLowerCase().indexOf(q) !== -1; }
      row.hidden = !ok;
      if (ok) { n += 1; }
    });
    shown.textContent = n + " of " + total + " shown";
    shown.setAttribute("data-shown", String(n));
    noMatch.hidden = n > 0;
    var parts = Object.keys(w).map(function (k) { return encodeURIComponent(k) + "=" + encodeURIComponent(w[k]); });
    if (q) { parts.push("q=" + encodeURIComponent(q)); }
    var hash = parts.length ? "#" + parts.join("&") : "";
    if (hash !== location.hash && history.replaceState) {
      history.replaceState(null, "", hash || location.pathname + location.search);
    }
  }
  function fromAddress() {
    location.hash.replace(/^#/, "").split("&").forEach(function (pair) {
      if (!pair) { return; }
      var kv = pair.split("=");
      var key = decodeURIComponent(kv[0]);
      var value = decodeURIComponent(kv.slice(1).join("="));
      if (key === "q") { search.value = value; return; }
      selects.forEach(function (s) {
        if (s.getAttribute("data-filter") !== key) { return; }
        var known = Array.prototype.some.call(s.options, function (o) { return o.value === value; });
        if (known) { s.value = value; }
      });
    });
  }
  selects.forEach(function (s) { s.addEventListener("change", apply); });
  search.addEventListener("input", apply);
  document.getElementById("reset").addEventListener("click", function () {
    selects.forEach(function (s) { s.value = ""; });
    search.value = "";
    apply();
  });
  window.addEventListener("hashchange", function () { fromAddress(); apply(); });
  fromAddress();
  apply();
  root.setAttribute("data-ready", "1");
})();
"##;

#[cfg(test)]
mod tests {
    use super::{esc, prose};

    #[test]
    fn input_text_cannot_inject_markup() {
        assert_eq!(
            esc(r#"<img src=x onerror="alert(1)">'"#),
            "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;&#39;"
        );
        assert_eq!(
            prose("set `<b>` to `true`"),
            "set <code>&lt;b&gt;</code> to <code>true</code>"
        );
        assert_eq!(prose("odd ` tick <"), "odd ` tick &lt;");
    }
}
