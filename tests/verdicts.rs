//! Three-valued verdicts: what the unknown facts cannot change is decided; what they can
//! change is "not assessed" with the facts it depends on; nothing unknown is a pass.

use ailint::config::Config;
use ailint::engine::{AuditReport, RuleSet, Status};
use ailint::model::ModelSchema;

fn audit(inventory: &str, rules: &[&str]) -> AuditReport {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("inv.json");
    std::fs::write(&path, inventory).unwrap();
    let mut set = RuleSet::load(&[], ModelSchema::builtin()).unwrap();
    let ids: Vec<String> = rules.iter().map(|s| s.to_string()).collect();
    set.filter(&ids, &[]);
    let report = ailint::audit_paths(&[path], &Config::default(), &set);
    assert!(report.errors.is_empty(), "{:?}", report.errors);
    report
}

fn verdict<'a>(
    report: &'a AuditReport,
    rule: &str,
    name: &str,
) -> Option<&'a ailint::engine::Finding> {
    report
        .findings
        .iter()
        .find(|f| f.rule_id == rule && &*f.resource.name == name)
}

#[test]
fn an_unknown_fact_that_cannot_change_the_verdict_does_not_block_it() {
    let r = audit(
        r#"{"format": "ailint-inventory/v1", "resources": [
        {"type": "AWS::S3::Bucket", "id": "arn:aws:s3:::logs-archive", "name": "logs-archive", "account": "111122223333", "region": "us-east-1",
         "unknown": [{"path": "documents.policy", "reason": "s3:GetBucketPolicy was denied"}]},
        {"type": "AWS::S3::Bucket", "id": "arn:aws:s3:::model-artifacts", "name": "model-artifacts", "account": "111122223333", "region": "us-east-1",
         "unknown": [{"path": "documents.policy", "reason": "s3:GetBucketPolicy was denied"}]},
        {"type": "AWS::SageMaker::Model", "id": "m", "name": "m", "account": "111122223333", "region": "us-east-1",
         "attributes": {"modelDataUrl": "s3://model-artifacts/fraud/model.tar.gz"}}]}"#,
        &["AIL-TLS-001"],
    );
    // Not AI data: the rule cannot fire whatever the policy says.
    assert!(verdict(&r, "AIL-TLS-001", "logs-archive").is_none());
    assert_eq!(r.per_rule["AIL-TLS-001"].pass, 1);
    // AI data: the policy decides, and it is unknown.
    let f = verdict(&r, "AIL-TLS-001", "model-artifacts").expect("not assessed");
    assert_eq!(f.status, Status::NotAssessed);
    let reason = f.reason.as_deref().unwrap();
    assert!(
        reason.contains("deniesInsecureTransport") && reason.contains("was denied"),
        "{reason}"
    );
}

#[test]
fn an_unknown_fact_of_a_referenced_resource_is_named() {
    let r = audit(
        r#"{"format": "ailint-inventory/v1", "resources": [
        {"type": "AWS::KMS::Key", "id": "arn:aws:kms:us-east-1:111122223333:key/k", "name": "ml-key", "account": "111122223333", "region": "us-east-1",
         "unknown": [{"path": "keyManager", "reason": "kms:DescribeKey was denied"}]},
        {"type": "AWS::SageMaker::NotebookInstance", "id": "nb", "name": "nb", "account": "111122223333", "region": "us-east-1",
         "attributes": {"kmsKey": "arn:aws:kms:us-east-1:111122223333:key/k", "directInternetAccess": "Disabled"}}]}"#,
        &["AIL-KMS-001", "AIL-NET-001"],
    );
    let f = verdict(&r, "AIL-KMS-001", "nb").expect("not assessed");
    assert_eq!(f.status, Status::NotAssessed);
    assert!(
        f.reason
            .as_deref()
            .unwrap()
            .contains("`keyManager` of `ml-key` is unknown: kms:DescribeKey was denied"),
        "{:?}",
        f.reason
    );
    // The other rule does not look at the key and is decided.
    assert!(verdict(&r, "AIL-NET-001", "nb").is_none());
    assert_eq!(r.per_rule["AIL-NET-001"].pass, 1);
}

#[test]
fn an_unknown_fact_that_decides_is_never_a_pass() {
    let r = audit(
        r#"{"format": "ailint-inventory/v1", "resources": [
        {"type": "AWS::SageMaker::Domain", "id": "d", "name": "studio", "account": "111122223333", "region": "us-east-1",
         "unknown": ["appNetworkAccessType"]}]}"#,
        &["AIL-NET-003"],
    );
    let f = verdict(&r, "AIL-NET-003", "studio").expect("not assessed");
    assert_eq!(f.status, Status::NotAssessed);
    assert_eq!(r.per_rule["AIL-NET-003"].pass, 0);
    assert_eq!(r.per_rule["AIL-NET-003"].not_assessed, 1);
}

#[test]
fn an_unknown_region_leaves_residency_not_assessed() {
    let r = audit(
        r#"{"format": "ailint-inventory/v1", "resources": [
        {"type": "AWS::Bedrock::Guardrail", "id": "g", "name": "g", "account": "111122223333",
         "unknown": [{"path": "region", "reason": "the stack's region is not in the template"}]}]}"#,
        &["AIL-RES-001"],
    );
    let f = verdict(&r, "AIL-RES-001", "g").expect("not assessed");
    assert_eq!(f.status, Status::NotAssessed, "{f:?}");
}
