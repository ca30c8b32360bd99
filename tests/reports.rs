//! Compliance reports: scores, the trend against a previous run (`--compare`), the HTML,
//! Markdown, JUnit and CSV formats, and several formats in one run (`--output-dir`).
//!
//! The trend fixtures are two inventories of one account a week apart
//! (`fixtures/reports/{before,after}.json`): one notebook was moved off the internet, one
//! was deleted, one was added, and one could not be read the second time.

mod common;

use std::path::Path;

use common::{ailint, settings, stderr, stdout};
use serde_json::{json, Value};

const RULES: &str = "AIL-NET-001,AIL-NET-002,AIL-KMS-001";

/// The JSON report of `before.json`, written into `dir`.
fn previous(dir: &Path) -> String {
    let path = dir.join("before.json");
    let o = ailint(&[
        "audit",
        "fixtures/reports/before.json",
        "--select",
        RULES,
        "--format",
        "json",
        "-o",
        path.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    path.to_str().unwrap().to_string()
}

/// `after.json` compared with `before.json`, in `format`.
fn after(dir: &Path, format: &str) -> String {
    let before = previous(dir);
    let o = ailint(&[
        "audit",
        "fixtures/reports/after.json",
        "--select",
        RULES,
        "--compare",
        &before,
        "--format",
        format,
    ]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    stdout(&o).replace(&before, "[PREVIOUS]")
}

#[test]
fn the_trend_counts_new_fixed_and_still_open_per_area() {
    let dir = tempfile::tempdir().unwrap();
    let report: Value = serde_json::from_str(&after(dir.path(), "json")).unwrap();
    let c = &report["comparison"];
    assert_eq!(c["file"], "[PREVIOUS]");
    assert_eq!(c["same_rules"], true);
    // churn-research's KMS finding stays; genai-playground's three are new; five are fixed
    // (churn-research off the internet, legacy-prototype deleted, fraud-features on a CMK);
    // forecasting's internet access was not readable, so it is neither fixed nor open.
    assert_eq!(
        c["totals"],
        json!({"new": 3, "fixed": 5, "still_open": 1, "not_assessed_now": 1,
               "previous_score": 41.7})
    );
    let areas: Vec<(String, u64, u64, u64)> = c["areas"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| {
            (
                a["area"].as_str().unwrap().to_string(),
                a["new"].as_u64().unwrap(),
                a["fixed"].as_u64().unwrap(),
                a["still_open"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        areas,
        [("kms".into(), 1, 2, 1), ("network".into(), 2, 3, 0)]
    );
    let fixed: Vec<(&str, &str)> = c["fixed"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["rule_id"].as_str().unwrap(),
                f["resource"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        fixed,
        [
            ("AIL-KMS-001", "fraud-features"),
            ("AIL-KMS-001", "legacy-prototype"),
            ("AIL-NET-001", "churn-research"),
            ("AIL-NET-001", "legacy-prototype"),
            ("AIL-NET-002", "legacy-prototype"),
        ]
    );
    // Each failure is marked; not-assessed verdicts are not.
    let trends: Vec<(&str, &str, Option<&str>)> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["rule_id"].as_str().unwrap(),
                f["resource"]["name"].as_str().unwrap(),
                f["trend"].as_str(),
            )
        })
        .collect();
    assert_eq!(
        trends,
        [
            ("AIL-KMS-001", "churn-research", Some("existing")),
            ("AIL-KMS-001", "genai-playground", Some("new")),
            ("AIL-NET-001", "genai-playground", Some("new")),
            ("AIL-NET-002", "genai-playground", Some("new")),
            ("AIL-NET-001", "forecasting", None),
        ]
    );
    // Scores: 7 of 11 decided checks pass now.
    assert_eq!(report["scores"]["overall"]["score"], 63.6);
    assert_eq!(report["scores"]["overall"]["not_assessed"], 1);
    assert_eq!(report["generated_at"], "2026-12-31T23:59:59Z");
}

#[test]
fn markdown_junit_csv_and_html_reports_are_snapshotted() {
    let dir = tempfile::tempdir().unwrap();
    for (format, name) in [
        ("markdown", "report-trend-markdown"),
        ("junit", "report-trend-junit"),
        ("csv", "report-trend-csv"),
        ("html", "report-trend-html"),
    ] {
        let text = after(dir.path(), format);
        settings().bind(|| insta::assert_snapshot!(name, text));
    }
}

#[test]
fn junit_has_a_test_case_per_rule_and_resource() {
    let dir = tempfile::tempdir().unwrap();
    let text = after(dir.path(), "junit");
    let doc = roxmltree::Document::parse(&text).expect("well-formed XML");
    let root = doc.root_element();
    assert_eq!(root.tag_name().name(), "testsuites");
    // 3 rules × 4 notebooks: 12 cases, 4 failures, 1 skipped (not assessed).
    assert_eq!(root.attribute("tests"), Some("12"));
    assert_eq!(root.attribute("failures"), Some("4"));
    assert_eq!(root.attribute("skipped"), Some("1"));
    let suites: Vec<&str> = root
        .children()
        .filter(|n| n.has_tag_name("testsuite"))
        .map(|n| n.attribute("name").unwrap())
        .collect();
    assert_eq!(suites.len(), 3, "{suites:?}");
    let cases = root
        .descendants()
        .filter(|n| n.has_tag_name("testcase"))
        .count();
    assert_eq!(cases, 12);
    let failures = root
        .descendants()
        .filter(|n| n.has_tag_name("failure"))
        .count();
    assert_eq!(failures, 4);
}

#[test]
fn an_input_error_is_a_junit_error_not_a_green_run() {
    let o = ailint(&["audit", "fixtures/cli/malformed.json", "--format", "junit"]);
    assert_eq!(o.status.code(), Some(2));
    let text = stdout(&o);
    let doc = roxmltree::Document::parse(&text).expect("well-formed XML");
    assert_eq!(doc.root_element().attribute("errors"), Some("1"));
    assert!(doc.descendants().any(|n| n.has_tag_name("error")));
}

#[test]
fn csv_has_a_header_and_one_row_per_finding() {
    let dir = tempfile::tempdir().unwrap();
    let text = after(dir.path(), "csv");
    let lines: Vec<&str> = text.split("\r\n").filter(|l| !l.is_empty()).collect();
    assert!(
        lines[0].starts_with("status,trend,severity,rule,"),
        "{}",
        lines[0]
    );
    // 4 failures and 1 not assessed.
    assert_eq!(lines.len(), 6, "{text}");
    assert!(lines[1].starts_with("fail,existing,high,AIL-KMS-001,"));
    assert!(lines[5].starts_with("not_assessed,,high,AIL-NET-001,"));
}

#[test]
fn output_dir_writes_every_format_and_several_need_it() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("reports");
    let o = ailint(&[
        "audit",
        "fixtures/reports/after.json",
        "--format",
        "html,json,markdown,junit,csv,sarif,text",
        "--output-dir",
        out.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    for name in [
        "report.html",
        "report.json",
        "report.md",
        "report.junit.xml",
        "report.csv",
        "report.sarif",
        "report.txt",
    ] {
        let text =
            std::fs::read_to_string(out.join(name)).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert!(!text.is_empty(), "{name}");
    }
    common::assert_valid_sarif(
        &std::fs::read_to_string(out.join("report.sarif")).unwrap(),
        "report.sarif",
    );
    assert!(stdout(&o).is_empty(), "nothing goes to stdout");
    assert!(
        stderr(&o).contains("wrote report.html, report.json"),
        "{}",
        stderr(&o)
    );

    let o = ailint(&[
        "audit",
        "fixtures/reports/after.json",
        "--format",
        "html,json",
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("--output-dir"), "{}", stderr(&o));
}

#[test]
fn a_previous_report_that_is_not_one_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let not_report = dir.path().join("inventory.json");
    std::fs::copy("fixtures/reports/before.json", &not_report).unwrap();
    for (path, message) in [
        (
            not_report.to_str().unwrap(),
            "not an ailint JSON report: format `ailint-inventory/v1`, expected `ailint-report/v1`",
        ),
        ("fixtures/cli/malformed.json", "not an ailint JSON report:"),
        ("fixtures/reports/missing.json", "cannot read:"),
    ] {
        let o = ailint(&["audit", "fixtures/reports/after.json", "--compare", path]);
        assert_eq!(o.status.code(), Some(2), "{path}");
        let err = stderr(&o);
        assert!(err.contains(&format!("error: {path}: {message}")), "{err}");
    }
}

#[test]
fn the_html_report_is_self_contained_and_escapes_inputs() {
    let dir = tempfile::tempdir().unwrap();
    let inv = dir.path().join("hostile.json");
    std::fs::write(
        &inv,
        r#"{"format": "ailint-inventory/v1", "resources": [
        {"type": "AWS::SageMaker::NotebookInstance", "id": "nb", "name": "<script>alert(1)</script>",
         "account": "111122223333", "region": "us-east-1\"><img src=x onerror=alert(2)>",
         "attributes": {"directInternetAccess": "Enabled"}}]}"#,
    )
    .unwrap();
    let o = ailint(&["audit", inv.to_str().unwrap(), "--format", "html"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let html = stdout(&o);
    assert!(!html.contains("<script>alert(1)"), "a name injected markup");
    assert!(!html.contains("<img src=x"), "a region injected markup");
    assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    // Nothing is loaded from anywhere: no element or style that fetches.
    for needle in ["src=\"", "href=\"", "<link", "<iframe", "@import", "url("] {
        assert!(!html.contains(needle), "`{needle}` in the HTML report");
    }
    assert!(html.contains("Content-Security-Policy"));
}

#[test]
fn the_rules_digest_names_the_rules_that_judged() {
    let digest = |select: &str| -> String {
        let o = ailint(&[
            "audit",
            "fixtures/reports/after.json",
            "--select",
            select,
            "--format",
            "json",
        ]);
        let v: Value = serde_json::from_str(&stdout(&o)).unwrap();
        v["rules_digest"].as_str().unwrap().to_string()
    };
    let a = digest(RULES);
    assert!(a.starts_with("sha256:") && a.len() == 23, "{a}");
    // The same rules in another order give the same digest; other rules another.
    assert_eq!(a, digest("AIL-KMS-001,AIL-NET-002,AIL-NET-001"));
    assert_ne!(a, digest("AIL-NET-001,AIL-KMS-001"));
}
