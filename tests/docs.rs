//! Generated documentation stays equal to what the code renders.

use ailint::model::{schema_docs, ModelSchema};

#[test]
fn inventory_doc_matches_the_schema() {
    let rendered = schema_docs::render(ModelSchema::builtin());
    let path = "docs/inventory.md";
    if std::env::var_os("AILINT_UPDATE_DOCS").is_some() {
        std::fs::write(path, &rendered).unwrap();
    }
    let committed = std::fs::read_to_string(path).unwrap_or_default();
    assert!(
        committed == rendered,
        "{path} is out of date: run `AILINT_UPDATE_DOCS=1 cargo test --test docs`"
    );
}

#[test]
fn iac_doc_tables_match_the_mappings() {
    use ailint::sources::{cloudformation, iac, terraform};
    let tables = iac::render_mappings(&[
        ("CloudFormation", &cloudformation::types::MAPPINGS),
        (
            "Terraform (configuration and plans)",
            &terraform::types::MAPPINGS,
        ),
    ]);
    let path = "docs/iac.md";
    let committed = std::fs::read_to_string(path).unwrap();
    let (start, end) = ("<!-- mappings:start -->\n", "<!-- mappings:end -->");
    let head = &committed[..committed.find(start).expect("start marker") + start.len()];
    let tail = &committed[committed.find(end).expect("end marker")..];
    let rendered = format!("{head}\n{tables}{tail}");
    if std::env::var_os("AILINT_UPDATE_DOCS").is_some() {
        std::fs::write(path, &rendered).unwrap();
    }
    assert!(
        committed == rendered,
        "{path} is out of date: run `AILINT_UPDATE_DOCS=1 cargo test --test docs`"
    );
}

#[test]
fn config_export_doc_tables_match_the_mappings() {
    let tables = ailint::sources::config_export::render_doc_tables();
    let path = "docs/config-export.md";
    let committed = std::fs::read_to_string(path).unwrap();
    let (start, end) = ("<!-- mappings:start -->\n", "<!-- mappings:end -->");
    let head = &committed[..committed.find(start).expect("start marker") + start.len()];
    let tail = &committed[committed.find(end).expect("end marker")..];
    let rendered = format!("{head}\n{tables}{tail}");
    if std::env::var_os("AILINT_UPDATE_DOCS").is_some() {
        std::fs::write(path, &rendered).unwrap();
    }
    assert!(
        committed == rendered,
        "{path} is out of date: run `AILINT_UPDATE_DOCS=1 cargo test --test docs`"
    );
}

/// The fixtures of a rule as documentation examples: `{fail,pass}.json` (inventory, only the
/// resources of the rule's type), `.cfn.yaml`, `.tf`, `.tfplan.json`.
fn examples(meta: &ailint::engine::RuleMeta) -> Vec<ailint::report::rule_docs::Example> {
    use ailint::report::rule_docs::Example;
    let stem = meta
        .file
        .trim_start_matches("rules/")
        .trim_end_matches(".cedar");
    let dir = format!("fixtures/rules/{stem}");
    let mut out = Vec::new();
    for (suffix, input, language) in [
        ("json", "Inventory", "json"),
        ("cfn.yaml", "CloudFormation", "yaml"),
        ("tf", "Terraform", "hcl"),
        ("tfplan.json", "Terraform plan", "json"),
    ] {
        for (kind, fails) in [("fail", true), ("pass", false)] {
            let file = format!("{dir}/{kind}.{suffix}");
            let Ok(text) = std::fs::read_to_string(&file) else {
                continue;
            };
            let text = if suffix == "json" {
                // Only the resources the rule judges: the rest of an inventory fixture is
                // context (keys, buckets) a reader can find in the file.
                let mut doc: serde_json::Value = serde_json::from_str(&text).unwrap();
                if let (Some(t), Some(rs)) = (
                    meta.resource_type.as_deref(),
                    doc.get_mut("resources").and_then(|r| r.as_array_mut()),
                ) {
                    rs.retain(|r| r["type"] == t);
                }
                serde_json::to_string_pretty(&doc).unwrap()
            } else {
                text
            };
            out.push(Example {
                input: input.to_string(),
                fails,
                language,
                file,
                text,
            });
        }
    }
    out
}

#[test]
fn rule_docs_match_the_rules_and_fixtures() {
    use ailint::engine::catalog::Catalog;
    use ailint::engine::RuleSet;
    use ailint::report::rule_docs;
    let all = RuleSet::load(&[], ModelSchema::builtin()).unwrap();
    let metas: Vec<&ailint::engine::RuleMeta> = all.rules.iter().map(|r| &r.meta).collect();
    let mut expected: std::collections::BTreeMap<String, String> = metas
        .iter()
        .map(|m| (format!("{}.md", m.id), rule_docs::page(m, &examples(m))))
        .collect();
    expected.insert(
        "README.md".into(),
        rule_docs::index(Catalog::builtin(), &metas),
    );
    let dir = std::path::Path::new("docs/rules");
    let update = std::env::var_os("AILINT_UPDATE_DOCS").is_some();
    if update {
        std::fs::create_dir_all(dir).unwrap();
    }
    let mut stale = Vec::new();
    for entry in std::fs::read_dir(dir).into_iter().flatten() {
        let name = entry.unwrap().file_name().to_string_lossy().to_string();
        if !expected.contains_key(&name) {
            if update {
                std::fs::remove_file(dir.join(&name)).unwrap();
            } else {
                stale.push(name);
            }
        }
    }
    let mut differ = Vec::new();
    for (name, text) in &expected {
        let path = dir.join(name);
        if update {
            std::fs::write(&path, text).unwrap();
        }
        if std::fs::read_to_string(&path).ok().as_deref() != Some(text.as_str()) {
            differ.push(name.clone());
        }
    }
    assert!(
        stale.is_empty() && differ.is_empty(),
        "docs/rules is out of date (stale: {stale:?}; differ: {differ:?}): run `AILINT_UPDATE_DOCS=1 cargo test --test docs`"
    );
}
