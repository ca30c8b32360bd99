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
