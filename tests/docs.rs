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
