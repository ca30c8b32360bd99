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

/// A fixture shown as an example on a rule's page.
#[derive(Debug, Clone)]
pub struct Example {
    /// `inventory`, `CloudFormation`, `Terraform`, `Terraform plan`.
    pub input: String,
    /// Whether the rule fails on it.
    pub fails: bool,
    /// The fence language: `json`, `yaml`, `hcl`.
    pub language: &'static str,
    /// The fixture file, relative to the repository.
    pub file: String,
    pub text: String,
}

/// The page of `docs/rules/<id>.md`: the rule's documentation, then its fixtures as failing
/// and passing examples, per input kind.
pub fn page(rule: &RuleMeta, examples: &[Example]) -> String {
    let mut out = markdown(rule);
    for fails in [true, false] {
        let shown: Vec<&Example> = examples.iter().filter(|e| e.fails == fails).collect();
        if shown.is_empty() {
            continue;
        }
        let _ = writeln!(
            out,
            "\n## {}\n",
            if fails {
                "Failing examples"
            } else {
                "Passing examples"
            }
        );
        for e in shown {
            let _ = writeln!(
                out,
                "{} (`{}`):\n\n```{}\n{}\n```\n",
                e.input,
                e.file,
                e.language,
                e.text.trim_end()
            );
        }
    }
    out
}

/// `docs/rules/README.md`: the catalog's coverage per area, every control with the rules
/// implementing it or the reason it is declined.
pub fn index(catalog: &crate::engine::catalog::Catalog, rules: &[&RuleMeta]) -> String {
    use crate::engine::catalog::Coverage;
    let mut out = String::new();
    let _ = writeln!(
        out,
        "# Rules\n\nGenerated from the rules' annotations, their fixtures and `rules/catalog.toml` \
         (`AILINT_UPDATE_DOCS=1 cargo test --test docs`); a test fails when this page or a rule \
         page differs from what the code renders.\n"
    );
    let _ = writeln!(out, "## Coverage of the control catalog\n");
    let _ = writeln!(
        out,
        "| Area | Controls | Implemented | Declined | Open | Rules |\n|---|---:|---:|---:|---:|---:|"
    );
    for c in catalog.coverage(rules) {
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} | {} |",
            if c.area == "all" {
                "**all**".to_string()
            } else {
                c.area.clone()
            },
            c.controls,
            c.implemented,
            c.declined,
            c.open,
            c.rules
        );
    }
    let mut section = "";
    for c in &catalog.controls {
        if c.section != section {
            section = &c.section;
            let _ = writeln!(
                out,
                "\n## {section}\n\n| Control | Severity | Title | Status |\n|---|---|---|---|"
            );
        }
        let status = match catalog.coverage_of(c, rules) {
            Coverage::Implemented => catalog
                .rules_of(&c.id, rules)
                .iter()
                .map(|r| format!("[{}]({}.md)", r.id, r.id))
                .collect::<Vec<_>>()
                .join(", "),
            Coverage::Declined => {
                format!("declined: {}", c.declined.as_deref().unwrap_or_default())
            }
            Coverage::Open => "open: not implemented yet".to_string(),
        };
        let _ = writeln!(
            out,
            "| {} | {} | {} | {status} |",
            c.id, c.severity, c.title
        );
    }
    out
}
