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

#[test]
fn an_unknown_field_of_a_record_blocks_only_the_rules_that_read_it() {
    let r = audit(
        r#"{"format": "ailint-inventory/v1", "resources": [
        {"type": "AWS::KMS::Key", "id": "arn:aws:kms:us-east-1:111122223333:key/k", "name": "ml-key", "account": "111122223333", "region": "us-east-1",
         "attributes": {"keyManager": "CUSTOMER"}},
        {"type": "AWS::SageMaker::EndpointConfig", "id": "ec", "name": "fraud-ec", "account": "111122223333", "region": "us-east-1",
         "attributes": {"kmsKey": "arn:aws:kms:us-east-1:111122223333:key/k",
                        "dataCapture": {"enableCapture": true, "destinationS3Uri": "s3://capture/fraud"}},
         "unknown": [{"path": "dataCapture.kmsKey", "reason": "Fn::If on a parameter"}]}]}"#,
        &["AIL-KMS-002"],
    );
    let capture = verdict(&r, "AIL-KMS-002B", "fraud-ec").expect("not assessed");
    assert_eq!(capture.status, Status::NotAssessed, "{capture:?}");
    assert!(
        capture
            .reason
            .as_deref()
            .unwrap()
            .contains("`dataCapture.kmsKey` is unknown: Fn::If on a parameter"),
        "{:?}",
        capture.reason
    );
    // The volume key is known and customer-managed.
    assert!(verdict(&r, "AIL-KMS-002", "fraud-ec").is_none());
    assert_eq!(r.per_rule["AIL-KMS-002"].pass, 1);
}

#[test]
fn a_users_rule_sees_attributes_no_built_in_rule_reads() {
    // Entities carry only the attributes the loaded rules read; a user's rule that reads
    // others, through a reference, must still see them.
    let rules = RuleSet::from_sources(
        &[(
            "acme/key-rotation.cedar",
            "acme",
            r#"@id("ACME-ROT-001")
@title("Notebook key does not rotate")
@severity("medium")
@control("ACME-ROT-001")
@evidence("kmsKey.rotationEnabled")
@rationale("Keys rotate.")
@remediation("Enable rotation.")
@docs("https://docs.aws.amazon.com/kms/latest/developerguide/rotate-keys.html")
forbid (principal, action == Ailint::Action::"audit", resource is AWS::SageMaker::NotebookInstance)
when {
    resource has kmsKey && resource.kmsKey has rotationEnabled &&
    resource.kmsKey.rotationEnabled == false &&
    resource has name && resource.name like "prod-*"
};"#,
        )],
        ModelSchema::builtin(),
    )
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("inv.json");
    std::fs::write(
        &path,
        r#"{"format": "ailint-inventory/v1", "resources": [
        {"type": "AWS::KMS::Key", "id": "arn:aws:kms:us-east-1:111122223333:key/k", "name": "ml-key", "account": "111122223333", "region": "us-east-1",
         "attributes": {"keyManager": "CUSTOMER", "rotationEnabled": false}},
        {"type": "AWS::SageMaker::NotebookInstance", "id": "a", "name": "prod-nb", "account": "111122223333", "region": "us-east-1",
         "attributes": {"kmsKey": "arn:aws:kms:us-east-1:111122223333:key/k"}},
        {"type": "AWS::SageMaker::NotebookInstance", "id": "b", "name": "dev-nb", "account": "111122223333", "region": "us-east-1",
         "attributes": {"kmsKey": "arn:aws:kms:us-east-1:111122223333:key/k"}}]}"#,
    )
    .unwrap();
    let r = ailint::audit_paths(&[path], &Config::default(), &rules);
    assert!(r.errors.is_empty(), "{:?}", r.errors);
    let f = verdict(&r, "ACME-ROT-001", "prod-nb").expect("a finding");
    assert_eq!(f.status, Status::Fail);
    assert_eq!(f.evidence[0].value, serde_json::json!(false));
    assert!(verdict(&r, "ACME-ROT-001", "dev-nb").is_none());
    assert_eq!(r.per_rule["ACME-ROT-001"].pass, 1);
}

#[test]
fn unknown_tags_leave_the_rules_that_read_tags_not_assessed() {
    let rules = RuleSet::from_sources(
        &[(
            "acme/classified.cedar",
            "acme",
            r#"@id("ACME-TAG-001")
@title("Notebook has no data classification")
@severity("low")
@control("ACME-TAG-001")
@evidence("tags")
@rationale("Owners classify data.")
@remediation("Tag the notebook with `classification`.")
@docs("https://docs.aws.amazon.com/tag-editor/latest/userguide/tagging.html")
forbid (principal, action == Ailint::Action::"audit", resource is AWS::SageMaker::NotebookInstance)
unless { resource.hasTag("classification") };"#,
        )],
        ModelSchema::builtin(),
    )
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("inv.json");
    std::fs::write(
        &path,
        r#"{"format": "ailint-inventory/v1", "resources": [
        {"type": "AWS::SageMaker::NotebookInstance", "id": "a", "name": "tagged", "account": "111122223333", "region": "us-east-1",
         "tags": {"classification": "internal"}},
        {"type": "AWS::SageMaker::NotebookInstance", "id": "b", "name": "untagged", "account": "111122223333", "region": "us-east-1"},
        {"type": "AWS::SageMaker::NotebookInstance", "id": "c", "name": "unreadable", "account": "111122223333", "region": "us-east-1",
         "unknown": [{"path": "tags", "reason": "sagemaker:ListTags was denied"}]}]}"#,
    )
    .unwrap();
    let r = ailint::audit_paths(&[path], &Config::default(), &rules);
    assert!(r.errors.is_empty(), "{:?}", r.errors);
    assert!(verdict(&r, "ACME-TAG-001", "tagged").is_none());
    let f = verdict(&r, "ACME-TAG-001", "untagged").unwrap();
    assert_eq!(f.status, Status::Fail);
    assert_eq!(f.evidence[0].value, serde_json::json!({}));
    let f = verdict(&r, "ACME-TAG-001", "unreadable").expect("not assessed");
    assert_eq!(f.status, Status::NotAssessed);
    assert_eq!(
        f.reason.as_deref(),
        Some("`tags` is unknown: sagemaker:ListTags was denied")
    );
}

#[test]
fn the_report_does_not_depend_on_the_batch_size() {
    // Each batch holds its resources and what they refer to; a resource alone in its
    // batch, or all resources in one, must give the same verdicts and evidence.
    let schema = ModelSchema::builtin();
    let dir = tempfile::tempdir().unwrap();
    let generated = dir.path().join("gen.json");
    std::fs::write(
        &generated,
        ailint::inventory_gen::generate(3000, 7).to_string(),
    )
    .unwrap();
    let rules = RuleSet::load(&[], schema).unwrap();
    let config = Config::default();
    for (input, sizes) in [
        (
            std::path::PathBuf::from("fixtures/demo/inventory.json"),
            &[1, 5, usize::MAX][..],
        ),
        (generated, &[97, 2048, usize::MAX][..]),
    ] {
        let (collected, errors) =
            ailint::sources::read_inputs(std::slice::from_ref(&input), schema);
        assert!(errors.is_empty(), "{errors:?}");
        let (model, errors) = ailint::model::Model::build(collected, schema);
        assert!(errors.is_empty(), "{errors:?}");
        let reports: Vec<String> = sizes
            .iter()
            .map(|&size| {
                let report = ailint::engine::evaluate_in_batches(
                    &model,
                    &rules,
                    &config,
                    schema,
                    vec![],
                    vec![],
                    size,
                );
                assert!(report.errors.is_empty(), "{:?}", report.errors);
                assert!(report.totals.fail > 0);
                serde_json::to_string(&report).unwrap()
            })
            .collect();
        for (size, report) in sizes.iter().zip(&reports).skip(1) {
            assert!(
                report == &reports[0],
                "{}: batches of {size} differ from batches of {}",
                input.display(),
                sizes[0]
            );
        }
    }
}

#[test]
fn a_named_job_definition_not_in_the_inventory_leaves_its_facts_unknown() {
    // A template's schedule that names its job definition: its network settings and
    // baseline live in that definition, which the inventory does not hold. A read
    // definition (network settings present) without a baseline has none.
    let r = audit(
        r#"{"format": "ailint-inventory/v1", "resources": [
        {"type": "AWS::SageMaker::MonitoringSchedule", "id": "a", "name": "unread", "account": "111122223333", "region": "us-east-1",
         "attributes": {"monitoringType": "DataQuality", "jobDefinitionName": "dq-def"}},
        {"type": "AWS::SageMaker::MonitoringSchedule", "id": "b", "name": "read", "account": "111122223333", "region": "us-east-1",
         "attributes": {"monitoringType": "DataQuality", "jobDefinitionName": "dq-def",
                        "enableNetworkIsolation": true, "enableInterContainerTrafficEncryption": true}}]}"#,
        &["AIL-MON-003", "AIL-NET-006"],
    );
    for rule in ["AIL-MON-003", "AIL-NET-006"] {
        let f = verdict(&r, rule, "unread").expect("not assessed");
        assert_eq!(f.status, Status::NotAssessed, "{rule}: {f:?}");
        assert!(
            f.reason
                .as_deref()
                .unwrap()
                .contains("job definition `dq-def`"),
            "{:?}",
            f.reason
        );
    }
    assert_eq!(
        verdict(&r, "AIL-MON-003", "read").map(|f| f.status),
        Some(Status::Fail)
    );
    assert!(verdict(&r, "AIL-NET-006", "read").is_none());
}

#[test]
fn an_unknown_fact_whose_presence_decides_is_not_assessed() {
    // `has` alone is true for an unknown fact; the rule reads the value, so an agent whose
    // guardrail could not be read is not assessed.
    let r = audit(
        r#"{"format": "ailint-inventory/v1", "resources": [
        {"type": "AWS::Bedrock::Agent", "id": "a", "name": "support-agent", "account": "111122223333", "region": "us-east-1",
         "unknown": [{"path": "guardrail", "reason": "bedrock:GetAgent was denied"}]}]}"#,
        &["AIL-GR-001"],
    );
    let f = verdict(&r, "AIL-GR-001", "support-agent").expect("not assessed");
    assert_eq!(f.status, Status::NotAssessed, "{f:?}");
}
