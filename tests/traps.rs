//! The traps where other tools get AI/ML controls wrong, one test each, pinning the right
//! answer on the input kinds where the trap lives. Guardrail field names (`contentPolicy`,
//! `topicPolicy`, ...) and `ListSecurityPolicies` returning no documents are live-API traps,
//! pinned by the replay and emulator tests in `tests/live/`.

use std::collections::BTreeSet;
use std::path::PathBuf;

use ailint::config::Config;
use ailint::engine::{RuleSet, Status};
use ailint::model::ModelSchema;

/// The verdicts of one rule on the files: names of failing and not-assessed resources, and
/// how many resources passed.
struct Verdicts {
    fail: BTreeSet<String>,
    not_assessed: BTreeSet<String>,
    pass: u64,
}

fn judge(rule: &str, files: &[(&str, &str)], config: &str) -> Verdicts {
    let dir = tempfile::tempdir().unwrap();
    let paths: Vec<PathBuf> = files
        .iter()
        .map(|(name, text)| {
            let p = dir.path().join(name);
            std::fs::write(&p, text).unwrap();
            p
        })
        .collect();
    let config = Config::parse("ailint.toml", config).unwrap();
    let mut rules = RuleSet::load(&[], ModelSchema::builtin()).unwrap();
    rules.rules.retain(|r| r.meta.id == rule);
    assert_eq!(rules.rules.len(), 1, "no rule {rule}");
    let report = ailint::audit_paths(&paths, &config, &rules);
    assert!(report.errors.is_empty(), "{:?}", report.errors);
    let names = |status| {
        report
            .findings
            .iter()
            .filter(|f| f.status == status)
            .map(|f| f.resource.name.to_string())
            .collect()
    };
    Verdicts {
        fail: names(Status::Fail),
        not_assessed: names(Status::NotAssessed),
        pass: report.per_rule.get(rule).map_or(0, |c| c.pass),
    }
}

fn set(items: &[&str]) -> BTreeSet<String> {
    items.iter().map(|s| s.to_string()).collect()
}

const CFN_REGION: &str = "[cloudformation]\nregion = \"us-east-1\"\naccount = \"111122223333\"\n";

#[test]
fn absent_direct_internet_access_means_enabled() {
    let cfn = r#"
Resources:
  Absent:
    Type: AWS::SageMaker::NotebookInstance
    Properties: { InstanceType: ml.t3.medium, RoleArn: arn:aws:iam::111122223333:role/nb }
  Disabled:
    Type: AWS::SageMaker::NotebookInstance
    Properties:
      InstanceType: ml.t3.medium
      RoleArn: arn:aws:iam::111122223333:role/nb
      DirectInternetAccess: Disabled
"#;
    let v = judge("AIL-NET-001", &[("nb.yaml", cfn)], CFN_REGION);
    assert_eq!(v.fail, set(&["Absent"]));
    assert_eq!(v.pass, 1);
    let tf = r#"
resource "aws_sagemaker_notebook_instance" "absent" {
  name          = "absent"
  role_arn      = "arn:aws:iam::111122223333:role/nb"
  instance_type = "ml.t3.medium"
}
resource "aws_sagemaker_notebook_instance" "disabled" {
  name                   = "disabled"
  role_arn               = "arn:aws:iam::111122223333:role/nb"
  instance_type          = "ml.t3.medium"
  direct_internet_access = "Disabled"
}
"#;
    let v = judge("AIL-NET-001", &[("main.tf", tf)], "");
    assert_eq!(v.fail, set(&["absent"]));
    assert_eq!(v.pass, 1);
}

#[test]
fn root_access_is_not_direct_internet_access() {
    // A notebook with root access off but internet access left at its default is open to
    // the internet; one with internet access off but root access at its default gives
    // users root. Each rule reads its own property.
    let cfn = r#"
Resources:
  RootOff:
    Type: AWS::SageMaker::NotebookInstance
    Properties: { InstanceType: ml.t3.medium, RoleArn: r, RootAccess: Disabled }
  InternetOff:
    Type: AWS::SageMaker::NotebookInstance
    Properties: { InstanceType: ml.t3.medium, RoleArn: r, DirectInternetAccess: Disabled }
"#;
    let net = judge("AIL-NET-001", &[("nb.yaml", cfn)], CFN_REGION);
    assert_eq!(net.fail, set(&["RootOff"]));
    let root = judge("AIL-IAM-006", &[("nb.yaml", cfn)], CFN_REGION);
    assert_eq!(root.fail, set(&["InternetOff"]));
}

#[test]
fn the_pfs_2023_10_tls_policy_is_compliant() {
    let domain = |name: &str, policy: Option<&str>| {
        let policy = policy
            .map(|p| format!("\n        TLSSecurityPolicy: {p}"))
            .unwrap_or_default();
        format!(
            "  {name}:\n    Type: AWS::OpenSearchService::Domain\n    Properties:\n      DomainEndpointOptions:\n        EnforceHTTPS: true{policy}\n"
        )
    };
    let cfn = format!(
        "Resources:\n{}{}{}{}",
        domain("Pfs", Some("Policy-Min-TLS-1-2-PFS-2023-10")),
        domain("Tls12", Some("Policy-Min-TLS-1-2-2019-07")),
        domain("Tls10", Some("Policy-Min-TLS-1-0-2019-07")),
        domain("Default", None)
    );
    let v = judge("AIL-TLS-002B", &[("os.yaml", &cfn)], CFN_REGION);
    assert_eq!(v.fail, set(&["Default", "Tls10"]));
    assert_eq!(v.pass, 2);
}

#[test]
fn principal_star_as_string_or_object_is_the_same() {
    let bucket = |name: &str, principal: &str| {
        format!(
            r#"{{"type": "AWS::S3::Bucket", "id": "arn:aws:s3:::{name}", "name": "{name}", "account": "111122223333", "region": "us-east-1",
               "documents": {{"policy": {{"Statement": [{{"Effect": "Deny", "Principal": {principal}, "Action": "s3:*",
                 "Resource": ["arn:aws:s3:::{name}", "arn:aws:s3:::{name}/*"],
                 "Condition": {{"Bool": {{"aws:SecureTransport": "false"}}}}}}]}}}}}}"#
        )
    };
    let model = |name: &str| {
        format!(
            r#"{{"type": "AWS::SageMaker::Model", "id": "arn:aws:sagemaker:us-east-1:111122223333:model/{name}", "name": "{name}", "account": "111122223333", "region": "us-east-1",
               "attributes": {{"modelDataUrl": "s3://{name}/model.tar.gz"}}}}"#
        )
    };
    let inventory = format!(
        r#"{{"format": "ailint-inventory/v1", "resources": [{}, {}, {}, {}, {}, {}]}}"#,
        bucket("as-string", r#""*""#),
        bucket("as-object", r#"{"AWS": "*"}"#),
        bucket(
            "one-account",
            r#"{"AWS": "arn:aws:iam::111122223333:root"}"#
        ),
        model("as-string"),
        model("as-object"),
        model("one-account"),
    );
    let v = judge("AIL-TLS-001", &[("inventory.json", &inventory)], "");
    // A deny for one account only does not stop anyone else's plain-HTTP requests.
    assert_eq!(v.fail, set(&["one-account"]));
    assert_eq!(v.pass, 2);
}

#[test]
fn pii_names_people_write_are_not_api_values() {
    // In configuration, the common names are errors that give the API name...
    let e = Config::parse("ailint.toml", "[guardrails]\npii_types = [\"SSN\"]\n").unwrap_err();
    assert!(
        e.message.contains("US_SOCIAL_SECURITY_NUMBER"),
        "{}",
        e.message
    );
    // ...and in a guardrail they are not the entity the reference requires.
    let guardrail = |name: &str, ssn: &str| {
        format!(
            r#"{{"type": "AWS::Bedrock::Guardrail", "id": "arn:aws:bedrock:us-east-1:111122223333:guardrail/{name}", "name": "{name}", "account": "111122223333", "region": "us-east-1",
               "attributes": {{"piiEntities": [
                 {{"type": "EMAIL", "action": "ANONYMIZE"}}, {{"type": "PHONE", "action": "ANONYMIZE"}},
                 {{"type": "CREDIT_DEBIT_CARD_NUMBER", "action": "BLOCK"}}, {{"type": "{ssn}", "action": "BLOCK"}}]}}}}"#
        )
    };
    let inventory = format!(
        r#"{{"format": "ailint-inventory/v1", "resources": [{}, {}]}}"#,
        guardrail("alias", "SSN"),
        guardrail("api-name", "US_SOCIAL_SECURITY_NUMBER")
    );
    let v = judge("AIL-GR-002", &[("inventory.json", &inventory)], "");
    assert_eq!(v.fail, set(&["alias"]));
    assert_eq!(v.pass, 1);
}

#[test]
fn basic_and_advanced_event_selectors_are_both_read() {
    // A trail has either basic or advanced selectors, never both; either form can record
    // management events, and an advanced selector limited to read-only events does not.
    let trail = |name: &str, documents: &str| {
        format!(
            r#"{{"type": "AWS::CloudTrail::Trail", "id": "arn:aws:cloudtrail:us-east-1:111122223333:trail/{name}", "name": "{name}", "account": "111122223333", "region": "us-east-1",
               "attributes": {{"isMultiRegionTrail": true, "isLogging": true}}, "documents": {documents}}}"#
        )
    };
    let basic = trail(
        "basic",
        r#"{"eventSelectors": [{"ReadWriteType": "All", "IncludeManagementEvents": true}]}"#,
    );
    let advanced = trail(
        "advanced",
        r#"{"advancedEventSelectors": [{"FieldSelectors": [{"Field": "eventCategory", "Equals": ["Management"]}]}]}"#,
    );
    let read_only = trail(
        "read-only",
        r#"{"advancedEventSelectors": [{"FieldSelectors": [{"Field": "eventCategory", "Equals": ["Management"]}, {"Field": "readOnly", "Equals": ["true"]}]}]}"#,
    );
    for (trails, expect_fail) in [
        (vec![basic], false),
        (vec![advanced], false),
        (vec![read_only], true),
    ] {
        let inventory = format!(
            r#"{{"format": "ailint-inventory/v1", "accounts": [{{"id": "111122223333"}}], "resources": [{}]}}"#,
            trails.join(", ")
        );
        let v = judge("AIL-LOG-001", &[("inventory.json", &inventory)], "");
        assert!(v.not_assessed.is_empty(), "{:?}", v.not_assessed);
        assert_eq!(!v.fail.is_empty(), expect_fail, "{inventory}");
    }
}

#[test]
fn s3_object_selectors_cover_a_bucket_only_when_they_name_all_its_objects() {
    // Basic `arn:aws:s3` is every bucket; a prefix of another bucket, or one inside this
    // bucket, is not; an advanced NotStartsWith can exclude it; `readOnly` true records
    // reads only; a trail that is not logging records nothing.
    let trail = |name: &str, logging: bool, documents: &str| {
        format!(
            r#"{{"type": "AWS::CloudTrail::Trail", "id": "arn:aws:cloudtrail:us-east-1:111122223333:trail/{name}", "name": "{name}", "account": "111122223333", "region": "us-east-1",
               "attributes": {{"isMultiRegionTrail": true, "isLogging": {logging}}}, "documents": {documents}}}"#
        )
    };
    let basic = |values: &str| {
        format!(
            r#"{{"eventSelectors": [{{"ReadWriteType": "All", "DataResources": [{{"Type": "AWS::S3::Object", "Values": {values}}}]}}]}}"#
        )
    };
    let advanced = |extra: &str| {
        format!(
            r#"{{"advancedEventSelectors": [{{"FieldSelectors": [{{"Field": "eventCategory", "Equals": ["Data"]}}, {{"Field": "resources.type", "Equals": ["AWS::S3::Object"]}}{extra}]}}]}}"#
        )
    };
    let ai_bucket = r#"{"type": "AWS::SageMaker::Model", "id": "arn:aws:sagemaker:us-east-1:111122223333:model/churn", "name": "churn", "account": "111122223333", "region": "us-east-1", "attributes": {"modelDataUrl": "s3://ml-data/churn/model.tar.gz"}},
        {"type": "AWS::S3::Bucket", "id": "arn:aws:s3:::ml-data", "name": "ml-data", "account": "111122223333", "region": "us-east-1"}"#;
    let cases = [
        (
            trail("all", true, &basic(r#"["arn:aws:s3"]"#)),
            false,
            false,
        ),
        (
            trail(
                "other",
                true,
                &basic(r#"["arn:aws:s3:::ml-data-archive/"]"#),
            ),
            true,
            true,
        ),
        (
            trail(
                "inside",
                true,
                &basic(r#"["arn:aws:s3:::ml-data/exports/"]"#),
            ),
            true,
            true,
        ),
        (
            trail(
                "excluded",
                true,
                &advanced(
                    r#", {"Field": "resources.ARN", "NotStartsWith": ["arn:aws:s3:::ml-data/"]}"#,
                ),
            ),
            true,
            true,
        ),
        (
            trail(
                "reads",
                true,
                &advanced(r#", {"Field": "readOnly", "Equals": ["true"]}"#),
            ),
            false,
            true,
        ),
        (
            trail("paused", false, &basic(r#"["arn:aws:s3"]"#)),
            true,
            true,
        ),
    ];
    for (t, reads_fail, writes_fail) in cases {
        let inventory =
            format!(r#"{{"format": "ailint-inventory/v1", "resources": [{ai_bucket}, {t}]}}"#);
        for (rule, expect_fail) in [("AIL-LOG-004", reads_fail), ("AIL-LOG-004B", writes_fail)] {
            let v = judge(rule, &[("inventory.json", &inventory)], "");
            assert!(v.not_assessed.is_empty(), "{rule}: {:?}", v.not_assessed);
            assert_eq!(v.fail == set(&["ml-data"]), expect_fail, "{rule}: {t}");
            assert_eq!(v.pass, u64::from(!expect_fail), "{rule}: {t}");
        }
    }
}
