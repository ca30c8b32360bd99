//! What the integration tests share: running the binary, snapshot settings, SARIF checks.
#![allow(dead_code)]

use std::process::{Command, Output};

pub fn ailint(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_ailint"))
        .args(args)
        .env("NO_COLOR", "1")
        // Reports carry their time; tests pin it (2026-12-31T23:59:59Z).
        .env("SOURCE_DATE_EPOCH", "1798761599")
        .output()
        .expect("run ailint")
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

pub fn settings() -> insta::Settings {
    let mut s = insta::Settings::clone_current();
    s.set_snapshot_path("../snapshots");
    s.set_prepend_module_to_snapshot(false);
    s.add_filter(r"ailint \d+\.\d+\.\d+\S*", "ailint [VERSION]");
    let version = regex_escape(env!("CARGO_PKG_VERSION"));
    s.add_filter(
        &format!(r#""(semanticVersion|version)": "{version}""#),
        r#""$1": "[VERSION]""#,
    );
    // The digest of the built-in rules changes with every rule; what it covers is tested.
    s.add_filter(r"sha256:[0-9a-f]{16}", "sha256:[RULES]");
    s
}

pub fn regex_escape(s: &str) -> String {
    s.replace('.', "\\.")
}

pub fn sarif_validator() -> jsonschema::Validator {
    let schema: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string("tests/schemas/sarif-schema-2.1.0.json").unwrap(),
    )
    .unwrap();
    jsonschema::options()
        .with_draft(jsonschema::Draft::Draft4)
        .build(&schema)
        .expect("the SARIF schema compiles")
}

pub fn assert_valid_sarif(text: &str, what: &str) {
    let doc: serde_json::Value =
        serde_json::from_str(text).unwrap_or_else(|e| panic!("{what}: not JSON: {e}"));
    let validator = sarif_validator();
    let errors: Vec<String> = validator
        .iter_errors(&doc)
        .map(|e| format!("{} at {}", e, e.instance_path))
        .collect();
    assert!(
        errors.is_empty(),
        "{what} is not valid SARIF 2.1.0:\n{}",
        errors.join("\n")
    );
    // What GitHub needs beyond the schema.
    for run in doc["runs"].as_array().unwrap() {
        for rule in run["tool"]["driver"]["rules"].as_array().unwrap() {
            let sev: f64 = rule["properties"]["security-severity"]
                .as_str()
                .unwrap()
                .parse()
                .unwrap();
            assert!(
                sev > 0.0 && sev <= 10.0 && sev != 9.0,
                "{what}: security-severity {sev}"
            );
            assert!(!rule["help"]["markdown"].as_str().unwrap().is_empty());
        }
        for result in run["results"].as_array().unwrap() {
            let loc = &result["locations"][0]["physicalLocation"];
            assert!(loc["artifactLocation"]["uri"]
                .as_str()
                .is_some_and(|u| !u.is_empty() && !u.starts_with('/')));
            assert!(loc["region"]["startLine"].as_u64().is_some_and(|l| l >= 1));
            assert!(result["partialFingerprints"]["ailint/v1"].is_string());
            assert!(result["partialFingerprints"]
                .get("primaryLocationLineHash")
                .is_none());
        }
    }
}
