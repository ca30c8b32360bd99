//! AWS Config data as an input: the equivalence fixture's platform, as Config recorded it,
//! gives the inventory's findings where Config records the facts, and "not assessed" (never
//! a pass) where it does not; the command line reads every form of Config data.

mod common;

use std::collections::BTreeSet;
use std::path::PathBuf;

use ailint::config::Config;
use ailint::engine::{AuditReport, RuleSet, Status};
use ailint::model::ModelSchema;
use common::{ailint, assert_valid_sarif, stderr, stdout};

fn audit(path: &str) -> AuditReport {
    let rules = RuleSet::load(&[], ModelSchema::builtin()).unwrap();
    // The fixtures' configuration declares intent, so the intent rules are decided.
    let (config, _) = Config::discover(
        Some(std::path::Path::new(
            "fixtures/sources/equivalent/ailint.toml",
        )),
        std::path::Path::new("."),
    )
    .unwrap();
    let report = ailint::audit_paths(&[PathBuf::from(path)], &config, &rules);
    assert!(report.errors.is_empty(), "{path}: {:?}", report.errors);
    report
}

/// `(resource, status)` of a rule's findings.
fn findings(report: &AuditReport, rule: &str) -> BTreeSet<(String, Status)> {
    report
        .findings
        .iter()
        .filter(|f| f.rule_id == rule)
        .map(|f| (f.resource.name.to_string(), f.status))
        .collect()
}

/// Rules whose facts AWS Config data does not give.
const NOT_ASSESSED_FROM_CONFIG: [&str; 33] = [
    // Guardrails, agents and Lake Formation are not read from Config data.
    "AIL-GR-001",
    "AIL-GR-002",
    "AIL-GR-003",
    "AIL-GR-003B",
    "AIL-GR-003C",
    "AIL-GR-003D",
    "AIL-GR-003E",
    "AIL-GR-004",
    "AIL-GR-007",
    "AIL-GR-008",
    "AIL-GR-005",
    "AIL-GR-006",
    "AIL-GR-006B",
    "AIL-LF-001",
    "AIL-LF-001B",
    "AIL-LF-002",
    "AIL-LF-002B",
    "AIL-LF-002C",
    // Config records neither a trail's event selectors nor whether it is logging.
    "AIL-LOG-001",
    "AIL-LOG-002",
    "AIL-LOG-003",
    "AIL-LOG-004",
    "AIL-LOG-004B",
    // Nor the account's effective AI services opt-out policy.
    "AIL-RES-004",
    // Nor Bedrock agents, guardrails or model invocation logging.
    "AIL-KMS-009",
    "AIL-KMS-009B",
    "AIL-KMS-010",
    "AIL-LOG-005",
    "AIL-TAG-002",
    "AIL-IAM-005",
    "AIL-IAM-005B",
    // Lake Formation again.
    "AIL-LF-003",
    // The snapshot holds no `AWS::S3::AccountPublicAccessBlock` item: whether the account
    // blocks what the bucket does not is not known from it.
    "AIL-S3-001",
];

/// Rules over types Config data is not read for and the equivalence fixture does not hold:
/// the inventory has nothing to judge, Config data says where it could not look.
const NOT_READ_NOT_HELD: [&str; 30] = [
    "AIL-GOV-001",
    "AIL-GOV-002",
    "AIL-GOV-002B",
    "AIL-GOV-002C",
    "AIL-GOV-003",
    "AIL-MON-002",
    "AIL-MON-003",
    "AIL-NET-006",
    "AIL-TLS-003",
    "AIL-TLS-003B",
    "AIL-KMS-003",
    "AIL-KMS-003B",
    "AIL-KMS-005",
    "AIL-KMS-006",
    "AIL-LF-003B",
    "AIL-LOG-005B",
    "AIL-NET-005",
    "AIL-NET-005B",
    "AIL-RES-002",
    "AIL-TAG-002B",
    "AIL-IAM-003B",
    "AIL-KMS-007",
    "AIL-RES-004B",
    "AIL-RES-004C",
    "AIL-NET-010B",
    "AIL-VEC-002",
    "AIL-VEC-002B",
    "AIL-IAM-005C",
    "AIL-NET-011",
    "AIL-VEC-003",
];

#[test]
fn the_same_resources_as_aws_config_data_give_the_same_findings_or_none_assessed() {
    let inventory = audit("fixtures/sources/equivalent/inventory.json");
    let config = audit("fixtures/sources/equivalent/config-snapshot.json");
    for (rule, inv) in &inventory.per_rule {
        let cfg = &config.per_rule[rule];
        if NOT_READ_NOT_HELD.contains(&rule.as_str()) {
            assert_eq!(inv.pass + inv.fail + inv.not_assessed, 0, "{rule}");
            assert_eq!((cfg.pass, cfg.fail), (0, 0), "{rule}");
            continue;
        }
        if NOT_ASSESSED_FROM_CONFIG.contains(&rule.as_str()) {
            assert!(
                inv.pass + inv.fail > 0,
                "{rule}: the inventory does not exercise it"
            );
            assert_eq!(
                (cfg.pass, cfg.fail),
                (0, 0),
                "{rule}: Config data decided a rule whose facts it lacks"
            );
            assert!(
                cfg.not_assessed > 0,
                "{rule}: neither decided nor said not assessed"
            );
            assert!(
                findings(&config, rule)
                    .iter()
                    .all(|(_, s)| *s == Status::NotAssessed),
                "{rule}"
            );
            continue;
        }
        if rule == "AIL-TAG-001" || rule == "AIL-RES-001" {
            // Judge every (AI) type: the resources Config data holds get the inventory's
            // verdicts; the types it is not read for are "not assessed" where it was read.
            let inv_findings = findings(&inventory, rule);
            for f in findings(&config, rule) {
                assert!(
                    inv_findings.contains(&f) || f.1 == Status::NotAssessed,
                    "{rule}: Config data and the inventory differ on {f:?}"
                );
            }
            assert!(cfg.fail <= inv.fail && cfg.pass <= inv.pass, "{rule}");
            assert!(
                cfg.pass + cfg.fail > 0,
                "{rule}: Config data decided nothing"
            );
            continue;
        }
        assert_eq!(
            findings(&config, rule),
            findings(&inventory, rule),
            "{rule}: Config data and the inventory differ"
        );
        {
            assert_eq!(
                (cfg.pass, cfg.fail, cfg.not_assessed),
                (inv.pass, inv.fail, inv.not_assessed),
                "{rule}: Config data and the inventory differ"
            );
        }
    }
    // The equivalence holds on decided verdicts, failures included.
    assert!(config.totals.fail >= 4, "{:?}", config.totals);
}

#[test]
fn every_form_of_config_data_is_audited_with_findings_on_their_lines() {
    let o = ailint(&[
        "audit",
        "fixtures/sources/config-export",
        "--format",
        "json",
    ]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let report: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(report["errors"], serde_json::json!([]));
    let located = |rule: &str, name: &str| -> (String, u64) {
        let f = report["findings"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["rule_id"] == rule && f["resource"]["name"] == name)
            .unwrap_or_else(|| panic!("no {rule} on {name}"));
        (
            f["resource"]["location"]["file"]
                .as_str()
                .unwrap()
                .to_string(),
            f["resource"]["location"]["line"].as_u64().unwrap(),
        )
    };
    let line_of = |file: &str, needle: &str| -> u64 {
        std::fs::read_to_string(file)
            .unwrap()
            .lines()
            .position(|l| l.contains(needle))
            .unwrap() as u64
            + 1
    };
    // An object in a delivered snapshot: the property's own line.
    let snapshot = "fixtures/sources/config-export/snapshot.json";
    assert_eq!(
        located("AIL-NET-001", "churn-research"),
        (
            snapshot.to_string(),
            line_of(snapshot, "\"DirectInternetAccess\": \"Enabled\"")
        )
    );
    // A query result: the line of its string.
    let select = "fixtures/sources/config-export/select-aggregate-resource-config.json";
    assert_eq!(
        located("AIL-NET-001", "claims-triage"),
        (select.to_string(), line_of(select, "claims-triage"))
    );
    // A policy from `batch-get-resource-config`, its document URL-encoded.
    assert_eq!(
        located("AIL-IAM-001", "churn-invoke InvokeModels").0,
        "fixtures/sources/config-export/batch-get-resource-config.json"
    );

    let o = ailint(&[
        "audit",
        "fixtures/sources/config-export",
        "--format",
        "sarif",
    ]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert_valid_sarif(&stdout(&o), "Config data SARIF");
}

#[test]
fn a_bad_item_is_an_error_on_its_line_and_the_others_are_audited() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("snapshot.json");
    std::fs::write(
        &path,
        r#"{"fileVersion": "1.0", "configurationItems": [
  {"resourceType": "AWS::SageMaker::NotebookInstance", "resourceId": "broken", "awsAccountId": "111122223333", "awsRegion": "us-east-1",
   "configuration": "{\"NotebookInstanceName\": \"broken\", "},
  {"resourceType": "AWS::SageMaker::NotebookInstance", "resourceId": "open", "awsAccountId": "111122223333", "awsRegion": "us-east-1",
   "configuration": {"NotebookInstanceName": "open", "DirectInternetAccess": "Enabled"}, "tags": {}}
]}"#,
    )
    .unwrap();
    let p = path.to_str().unwrap();
    let o = ailint(&["audit", p, "--format", "json"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    let report: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    let error = &report["errors"][0];
    assert_eq!(
        (error["path"].as_str(), error["line"].as_u64()),
        (Some(p), Some(3))
    );
    assert!(
        error["message"]
            .as_str()
            .unwrap()
            .contains("`broken` is not JSON"),
        "{error}"
    );
    assert!(report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .any(|f| f["rule_id"] == "AIL-NET-001" && f["resource"]["name"] == "open"));
}

#[test]
fn the_kind_can_be_forced_when_the_content_does_not_say() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("results.json");
    // Query results saved without `QueryInfo`, as objects: nothing marks them as Config's.
    std::fs::write(
        &path,
        r#"{"Results": [{"resourceType": "AWS::SageMaker::NotebookInstance", "resourceId": "nb", "accountId": "111122223333", "awsRegion": "us-east-1", "configuration": {"NotebookInstanceName": "nb", "DirectInternetAccess": "Disabled", "RootAccess": "Disabled"}}]}"#,
    )
    .unwrap();
    let p = path.to_str().unwrap();
    let o = ailint(&["audit", p]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(
        stdout(&o).contains("not an input ailint reads"),
        "{}",
        stdout(&o)
    );
    let o = ailint(&[
        "audit",
        p,
        "--input-kind",
        "config-export",
        "--format",
        "json",
    ]);
    let report: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(report["errors"], serde_json::json!([]), "{}", stderr(&o));
    // Read, and what the results did not hold is not assessed rather than passed.
    let kms = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule_id"] == "AIL-KMS-001")
        .expect("not assessed");
    assert_eq!(kms["status"], "not_assessed");
}
