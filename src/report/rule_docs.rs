//! A rule's documentation, rendered from its annotations only, so it cannot drift from the
//! rule. Used by `ailint explain`, SARIF `help.markdown` and `docs/rules/`.

use std::fmt::Write;

use crate::engine::rules::MAPPING_ANNOTATIONS;
use crate::engine::RuleMeta;

/// Markdown documentation of a rule.
pub fn markdown(rule: &RuleMeta) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "# {}: {}\n", rule.id, rule.title);
    let _ = writeln!(out, "| | |\n|---|---|");
    let _ = writeln!(out, "| Severity | {} |", rule.severity);
    let _ = writeln!(out, "| Area | {} |", rule.area);
    let control = match &rule.section {
        Some(s) => format!("{} ({s})", rule.control),
        None => rule.control.clone(),
    };
    let _ = writeln!(out, "| Control | {control} |");
    match &rule.resource_type {
        Some(t) => {
            let _ = writeln!(out, "| Resource | `{t}` |");
        }
        None => {
            let _ = writeln!(out, "| Resource | any type the rule's condition names |");
        }
    }
    let evidence: Vec<String> = rule.evidence.iter().map(|e| format!("`{e}`")).collect();
    let _ = writeln!(out, "| Evidence | {} |", evidence.join(", "));
    let _ = writeln!(out, "\n## Why it matters\n\n{}\n", rule.rationale);
    let _ = writeln!(out, "## How to fix\n\n{}\n", rule.remediation);
    if !rule.mappings.is_empty() {
        let _ = writeln!(out, "## Equivalent checks\n");
        for (key, name) in MAPPING_ANNOTATIONS {
            if let Some(ids) = rule.mappings.get(key) {
                let _ = writeln!(out, "- {name}: {}", ids.join(", "));
            }
        }
        let _ = writeln!(out);
    }
    let _ = writeln!(out, "## Reference\n\n{}\n", rule.docs);
    let _ = writeln!(
        out,
        "## Rule\n\n`{}`\n\n```cedar\n{}\n```",
        rule.file,
        rule.source.trim_end()
    );
    out
}

/// Plain-text help (SARIF `help.text`).
pub fn text(rule: &RuleMeta) -> String {
    format!(
        "{}\n\nWhy: {}\n\nFix: {}\n\nReference: {}",
        rule.title, rule.rationale, rule.remediation, rule.docs
    )
}
