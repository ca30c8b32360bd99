//! The binary end to end: exit codes, bad input, outputs (snapshotted), SARIF validity.

mod common;

use std::path::Path;

use common::{ailint, assert_valid_sarif, settings, stderr, stdout};

#[test]
fn findings_exit_1_and_fail_on_raises_the_bar() {
    let o = ailint(&["audit", "fixtures/cli/mixed.json"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let o = ailint(&["audit", "fixtures/cli/mixed.json", "--fail-on", "critical"]);
    assert_eq!(o.status.code(), Some(0));
    let o = ailint(&["audit", "fixtures/cli/mixed.json", "--fail-on", "none"]);
    assert_eq!(o.status.code(), Some(0));
}

#[test]
fn text_report_groups_findings_and_lists_not_assessed() {
    let o = ailint(&[
        "audit",
        "fixtures/cli/mixed.json",
        "--select",
        "AIL-NET-001,AIL-KMS-001",
    ]);
    settings().bind(|| insta::assert_snapshot!("cli-audit-mixed-text", stdout(&o)));
}

#[test]
fn json_report_is_versioned_and_complete() {
    let o = ailint(&[
        "audit",
        "fixtures/cli/mixed.json",
        "--format",
        "json",
        "--select",
        "AIL-NET-001,AIL-KMS-001",
    ]);
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(v["format"], "ailint-report/v1");
    settings().bind(|| insta::assert_snapshot!("cli-audit-mixed-json", stdout(&o)));
}

#[test]
fn sarif_report_is_valid_and_snapshotted() {
    let o = ailint(&[
        "audit",
        "fixtures/cli/mixed.json",
        "--format",
        "sarif",
        "--select",
        "AIL-NET-001,AIL-KMS-001",
    ]);
    let text = stdout(&o);
    assert_valid_sarif(&text, "mixed.json SARIF");
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    let notes = v["runs"][0]["invocations"][0]["toolExecutionNotifications"]
        .as_array()
        .unwrap();
    assert_eq!(
        notes.len(),
        3,
        "not-assessed results are tool notifications"
    );
    settings().bind(|| insta::assert_snapshot!("cli-audit-mixed-sarif", text));
}

/// Every SARIF snapshot in the repository validates against the SARIF 2.1.0 schema.
#[test]
fn every_sarif_snapshot_validates() {
    let mut checked = 0;
    for entry in std::fs::read_dir("snapshots").unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if !name.contains("sarif") || !name.ends_with(".snap") {
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap();
        // insta's header is `---`-delimited front matter.
        let body = text.splitn(3, "---\n").nth(2).unwrap();
        assert_valid_sarif(body, &name);
        checked += 1;
    }
    assert!(checked >= 1, "no SARIF snapshots found");
}

#[test]
fn bad_inputs_exit_2_with_locations_and_keep_other_findings() {
    let o = ailint(&[
        "audit",
        "fixtures/cli/mixed.json",
        "fixtures/cli/malformed.json",
        "fixtures/cli/future-version.json",
        "fixtures/cli/schema-mismatch.json",
        "fixtures/cli/does-not-exist.json",
    ]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(
        err.contains("fixtures/cli/malformed.json:4:58: key must be a string"),
        "{err}"
    );
    assert!(
        err.contains("unsupported inventory format `ailint-inventory/v2`"),
        "{err}"
    );
    assert!(
        err.contains("fixtures/cli/schema-mismatch.json:11:"),
        "{err}"
    );
    assert!(err.contains("unknown attribute `kmsKeyId` for `AWS::SageMaker::NotebookInstance`; did you mean `kmsKey`?"), "{err}");
    assert!(err.contains("does-not-exist.json: cannot read"), "{err}");
    // The good input's findings are still reported.
    assert!(stdout(&o).contains("churn-research"), "{}", stdout(&o));
}

#[test]
fn binary_junk_and_invalid_utf8_are_errors_not_panics() {
    let dir = tempfile::tempdir().unwrap();
    let junk = dir.path().join("junk.json");
    std::fs::write(&junk, [0x7b, 0x22, 0xff, 0xfe, 0x00, 0x01]).unwrap();
    let empty = dir.path().join("empty.json");
    std::fs::write(&empty, "").unwrap();
    let array = dir.path().join("array.json");
    std::fs::write(&array, "[1, 2]").unwrap();
    for p in [&junk, &empty, &array] {
        let o = ailint(&["audit", p.to_str().unwrap()]);
        assert_eq!(o.status.code(), Some(2), "{}", p.display());
        assert!(!stderr(&o).contains("panicked"), "{}", stderr(&o));
    }
    let o = ailint(&["audit", junk.to_str().unwrap()]);
    assert!(stderr(&o).contains("not valid UTF-8"), "{}", stderr(&o));
}

#[test]
fn a_rule_typo_is_an_error_with_a_span() {
    let o = ailint(&[
        "audit",
        "fixtures/cli/mixed.json",
        "--rules",
        "fixtures/cli/rules-typo",
    ]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(
        err.contains("fixtures/cli/rules-typo/notebook.cedar:5"),
        "{err}"
    );
    assert!(
        err.contains("did you mean `directInternetAccess`?"),
        "{err}"
    );
    settings().bind(|| insta::assert_snapshot!("cli-rule-typo-stderr", err));
}

#[test]
fn duplicate_rule_ids_are_errors() {
    let o = ailint(&[
        "audit",
        "fixtures/cli/mixed.json",
        "--rules",
        "fixtures/cli/rules-dup",
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("dup.cedar:1: duplicate rule id `AIL-NET-001`"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn an_evaluation_error_is_not_assessed_never_a_pass() {
    let o = ailint(&[
        "audit",
        "fixtures/cli/mixed.json",
        "--rules",
        "fixtures/cli/rules-eval-error",
        "--select",
        "ACME",
        "--format",
        "json",
    ]);
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    let f = &v["findings"][0];
    assert_eq!(f["rule_id"], "ACME-OVERFLOW");
    assert_eq!(f["status"], "not_assessed");
    assert!(
        f["reason"].as_str().unwrap().contains("integer overflow"),
        "{f}"
    );
    assert_eq!(v["per_rule"]["ACME-OVERFLOW"]["pass"], 0);
}

#[test]
fn config_changes_what_rules_see() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.toml");
    std::fs::write(&bad, "[regions]\nallowd = [\"us-east-1\"]\n").unwrap();
    let o = ailint(&[
        "audit",
        "fixtures/cli/mixed.json",
        "--config",
        bad.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("unknown field `allowd`"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn output_file_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("r.sarif");
    let o = ailint(&[
        "audit",
        "fixtures/cli/mixed.json",
        "--format",
        "sarif",
        "-o",
        out.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stdout(&o).is_empty());
    assert_valid_sarif(&std::fs::read_to_string(out).unwrap(), "-o output");
}

#[test]
fn rules_lists_every_rule_by_area() {
    let o = ailint(&["rules"]);
    assert_eq!(o.status.code(), Some(0));
    settings().bind(|| insta::assert_snapshot!("cli-rules-text", stdout(&o)));
}

#[test]
fn rules_and_explain() {
    let o = ailint(&["rules", "--format", "json"]);
    assert_eq!(o.status.code(), Some(0));
    let listing: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    let rules = listing["rules"].as_array().unwrap();
    assert!(rules.len() >= 2);
    // The coverage accounts for every control of the catalog exactly once.
    let controls = listing["controls"].as_array().unwrap();
    let total = listing["coverage"]
        .as_array()
        .unwrap()
        .last()
        .unwrap()
        .clone();
    assert_eq!(total["area"], "all");
    assert_eq!(total["controls"], controls.len());
    assert_eq!(
        total["implemented"].as_u64().unwrap()
            + total["declined"].as_u64().unwrap()
            + total["open"].as_u64().unwrap(),
        controls.len() as u64
    );
    for c in controls {
        let implemented = c["coverage"] == "implemented";
        assert_eq!(
            implemented,
            !c["rules"].as_array().unwrap().is_empty(),
            "{c}"
        );
    }
    // Per framework: every mapped id of a rule is listed under its framework.
    let o = ailint(&["rules", "--by", "framework"]);
    assert_eq!(o.status.code(), Some(0));
    let text = stdout(&o);
    assert!(text.contains("AWS Security Hub: "), "{text}");
    assert!(text.contains("  AIL-NET-001    SageMaker.1"), "{text}");
    let o = ailint(&["rules", "--by", "framework", "--format", "json"]);
    let by: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    let hub = by["frameworks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["framework"] == "AWS Security Hub")
        .unwrap();
    assert!(hub["rules"]
        .as_array()
        .unwrap()
        .iter()
        .any(|r| r["id"] == "AIL-NET-001" && r["equivalent"][0] == "SageMaker.1"));
    let o = ailint(&["explain", "AIL-NET-001"]);
    assert_eq!(o.status.code(), Some(0));
    assert!(stdout(&o).starts_with("# AIL-NET-001: "));
    let o = ailint(&["explain", "AIL-NET-01"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("did you mean `AIL-NET-001`"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn demo_audit_finds_all_areas_and_validates() {
    if !Path::new("fixtures/demo/inventory.json").is_file() {
        panic!("fixtures/demo/inventory.json is missing");
    }
    let o = ailint(&[
        "audit",
        "fixtures/demo/inventory.json",
        "--config",
        "fixtures/demo/ailint.toml",
        "--format",
        "sarif",
    ]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let text = stdout(&o);
    assert_valid_sarif(&text, "demo SARIF");
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    let areas: std::collections::BTreeSet<String> = v["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            r["ruleId"]
                .as_str()
                .unwrap()
                .split('-')
                .nth(1)
                .unwrap()
                .to_string()
        })
        .collect();
    for area in ["KMS", "TLS", "NET", "RES", "LOG", "LF"] {
        assert!(
            areas.contains(area),
            "demo has no {area} finding: {areas:?}"
        );
    }
    settings().bind(|| insta::assert_snapshot!("demo-sarif", text));
    let o = ailint(&[
        "audit",
        "fixtures/demo/inventory.json",
        "--config",
        "fixtures/demo/ailint.toml",
    ]);
    settings().bind(|| insta::assert_snapshot!("demo-text", stdout(&o)));
}

#[test]
fn the_same_resource_in_two_inputs_is_an_error_with_both_places() {
    let dir = tempfile::tempdir().unwrap();
    let copy = dir.path().join("copy.json");
    std::fs::copy("fixtures/cli/mixed.json", &copy).unwrap();
    let o = ailint(&["audit", "fixtures/cli/mixed.json", copy.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(err.contains("copy.json:5: duplicate resource"), "{err}");
    assert!(
        err.contains("(first at fixtures/cli/mixed.json:5)"),
        "{err}"
    );
    // The first copy is still audited.
    assert!(stdout(&o).contains("churn-research"));
}

#[test]
fn rules_that_read_tags_see_them() {
    let o = ailint(&[
        "audit",
        "fixtures/cli/mixed.json",
        "--rules",
        "fixtures/cli/rules-tags",
        "--select",
        "ACME-TAG",
        "--format",
        "json",
    ]);
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    // churn-research carries CostCenter, template-nb does not.
    let failing: Vec<&str> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["status"] == "fail")
        .map(|f| f["resource"]["name"].as_str().unwrap())
        .collect();
    assert_eq!(failing, vec!["template-nb"], "{v}");
}
