//! The model as the rules see it: schema and normalization code stay in sync, defaults,
//! references and unknowns behave as documented.

use std::path::{Path, PathBuf};

use ailint::model::{check_normalized, Model, ModelSchema};
use ailint::sources::read_inputs;

fn json_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<PathBuf> = entries.map(|e| e.unwrap().path()).collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            json_files(&p, out);
        } else if p.extension().is_some_and(|e| e == "json") {
            out.push(p);
        }
    }
}

fn model_of(text: &str) -> Model {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("inv.json");
    std::fs::write(&path, text).unwrap();
    let (collected, errors) = read_inputs(&[path], ModelSchema::builtin());
    assert!(errors.is_empty(), "{errors:?}");
    let (model, errors) = Model::build(collected, ModelSchema::builtin());
    assert!(errors.is_empty(), "{errors:?}");
    model
}

/// Every value the normalization code writes (defaults, references, derived facts, account
/// and region entities) matches the schema, and every derived attribute of the schema is
/// produced for some fixture: the Rust code cannot drift from the schema.
#[test]
fn normalized_fixtures_match_the_schema_and_cover_every_derived_attribute() {
    let schema = ModelSchema::builtin();
    let mut files = Vec::new();
    json_files(Path::new("fixtures/rules"), &mut files);
    json_files(Path::new("fixtures/demo"), &mut files);
    let (collected, errors) = read_inputs(&files, schema);
    assert!(errors.is_empty(), "fixture errors: {errors:?}");
    let intent = ailint::engine::intent::Intent::parse(
        "docs/examples/intent.cedar",
        &std::fs::read_to_string("docs/examples/intent.cedar").unwrap(),
    )
    .unwrap();
    // Fixtures reuse ids across files; build them one file at a time.
    let mut produced = std::collections::BTreeSet::new();
    let mut by_file: std::collections::BTreeMap<String, Vec<_>> = Default::default();
    for r in collected.resources {
        by_file
            .entry(r.location.file.to_string())
            .or_default()
            .push(r);
    }
    for (file, resources) in by_file {
        let c = ailint::model::Collected {
            resources,
            ..Default::default()
        };
        let (mut model, errors) = Model::build(c, schema);
        assert!(errors.is_empty(), "{file}: {errors:?}");
        // Intent facts come from the declared intent; the example's is declared here.
        ailint::engine::intent::apply(&mut model, Ok(Some(&intent)));
        for r in &model.resources {
            let problems = check_normalized(r, schema);
            assert!(
                problems.is_empty(),
                "{file}: {} {}: {problems:?}",
                r.type_name,
                r.id
            );
            for name in r.attributes.keys() {
                produced.insert(format!("{}.{name}", r.type_name));
            }
        }
    }
    for t in schema.entity_types.values() {
        for (name, attr) in &t.attrs {
            if attr.derived.is_some() {
                assert!(
                    produced.contains(&format!("{}.{name}", t.name)),
                    "no fixture produces derived `{}.{name}`",
                    t.name
                );
            }
        }
    }
}

#[test]
fn absent_attributes_take_the_aws_default_but_unknown_ones_do_not() {
    let m = model_of(
        r#"{"format": "ailint-inventory/v1", "resources": [
        {"type": "AWS::SageMaker::NotebookInstance", "id": "a", "account": "111122223333", "region": "us-east-1"},
        {"type": "AWS::SageMaker::NotebookInstance", "id": "b", "account": "111122223333", "region": "us-east-1",
         "unknown": [{"path": "directInternetAccess", "reason": "Fn::If on a parameter"}]},
        {"type": "AWS::SageMaker::Domain", "id": "d", "account": "111122223333", "region": "us-east-1"}]}"#,
    );
    let a = m.get("AWS::SageMaker::NotebookInstance", "a").unwrap();
    assert_eq!(a.attributes["directInternetAccess"], "Enabled");
    assert_eq!(a.attributes["rootAccess"], "Enabled");
    let b = m.get("AWS::SageMaker::NotebookInstance", "b").unwrap();
    assert!(!b.attributes.contains_key("directInternetAccess"));
    let d = m.get("AWS::SageMaker::Domain", "d").unwrap();
    assert_eq!(d.attributes["appNetworkAccessType"], "PublicInternetOnly");
}

#[test]
fn references_resolve_by_arn_id_and_alias_or_become_unknown() {
    let m = model_of(
        r#"{"format": "ailint-inventory/v1", "resources": [
        {"type": "AWS::KMS::Key", "id": "arn:aws:kms:us-east-1:111122223333:key/k1", "account": "111122223333", "region": "us-east-1",
         "attributes": {"keyManager": "CUSTOMER", "aliases": ["alias/ml"]}},
        {"type": "AWS::SageMaker::NotebookInstance", "id": "by-alias", "account": "111122223333", "region": "us-east-1", "attributes": {"kmsKey": "alias/ml"}},
        {"type": "AWS::SageMaker::NotebookInstance", "id": "by-id", "account": "111122223333", "region": "us-east-1", "attributes": {"kmsKey": "k1"}},
        {"type": "AWS::SageMaker::NotebookInstance", "id": "managed", "account": "111122223333", "region": "us-east-1", "attributes": {"kmsKey": "alias/aws/sagemaker"}},
        {"type": "AWS::SageMaker::NotebookInstance", "id": "elsewhere", "account": "111122223333", "region": "us-east-1",
         "attributes": {"kmsKey": "arn:aws:kms:us-east-1:999999999999:key/other"}}]}"#,
    );
    let key = "arn:aws:kms:us-east-1:111122223333:key/k1";
    for id in ["by-alias", "by-id"] {
        assert_eq!(
            m.get("AWS::SageMaker::NotebookInstance", id)
                .unwrap()
                .attributes["kmsKey"],
            key
        );
    }
    let managed = m
        .get("AWS::SageMaker::NotebookInstance", "managed")
        .unwrap();
    let managed_key = managed.attributes["kmsKey"].as_str().unwrap();
    assert_eq!(
        m.get("AWS::KMS::Key", managed_key).unwrap().attributes["keyManager"],
        "AWS"
    );
    let elsewhere = m
        .get("AWS::SageMaker::NotebookInstance", "elsewhere")
        .unwrap();
    assert!(!elsewhere.attributes.contains_key("kmsKey"));
    assert!(elsewhere
        .unknown_for("kmsKey")
        .unwrap()
        .reason
        .contains("not in the inventory"));
}

#[test]
fn trails_normalize_basic_and_advanced_selectors() {
    let m = model_of(
        r#"{"format": "ailint-inventory/v1", "resources": [
        {"type": "AWS::CloudTrail::Trail", "id": "none", "account": "111122223333", "region": "us-east-1",
         "attributes": {"isMultiRegionTrail": true}},
        {"type": "AWS::CloudTrail::Trail", "id": "write-only", "account": "111122223333", "region": "us-east-1",
         "documents": {"eventSelectors": [{"ReadWriteType": "WriteOnly", "IncludeManagementEvents": true,
            "DataResources": [{"Type": "AWS::S3::Object", "Values": ["arn:aws:s3:::training/"]}]}]}},
        {"type": "AWS::CloudTrail::Trail", "id": "advanced", "account": "111122223333", "region": "us-east-1",
         "documents": {"advancedEventSelectors": [
            {"Name": "mgmt", "FieldSelectors": [{"Field": "eventCategory", "Equals": ["Management"]},
                                                {"Field": "eventSource", "NotEquals": ["bedrock.amazonaws.com"]}]},
            {"Name": "kb", "FieldSelectors": [{"Field": "eventCategory", "Equals": ["Data"]},
                                              {"Field": "resources.type", "Equals": ["AWS::Bedrock::KnowledgeBase"]}]}]}}]}"#,
    );
    let t = |id: &str| m.get("AWS::CloudTrail::Trail", id).unwrap();
    assert_eq!(t("none").attributes["recordsManagementReadWrite"], true);
    assert_eq!(
        t("write-only").attributes["recordsManagementReadWrite"],
        false
    );
    // Write-only data events are partial coverage.
    assert_eq!(
        t("write-only").attributes["dataEventResourceTypes"],
        serde_json::json!([])
    );
    assert_eq!(t("advanced").attributes["recordsManagementReadWrite"], true);
    assert_eq!(
        t("advanced").attributes["excludedManagementEventSources"],
        serde_json::json!(["bedrock.amazonaws.com"])
    );
    // Only `none` is a logging multi-region trail that excludes nothing.
    let account = m.get("AWS::Account", "111122223333").unwrap();
    assert_eq!(account.attributes["managementTrailCount"], 1);
}

#[test]
fn an_unknown_bucket_policy_makes_its_tls_facts_unknown() {
    let m = model_of(
        r#"{"format": "ailint-inventory/v1", "resources": [
        {"type": "AWS::S3::Bucket", "id": "arn:aws:s3:::b", "account": "111122223333", "region": "us-east-1",
         "unknown": [{"path": "documents.policy", "reason": "s3:GetBucketPolicy was denied"}]}]}"#,
    );
    let b = m.get("AWS::S3::Bucket", "arn:aws:s3:::b").unwrap();
    assert!(b
        .unknown_for("deniesInsecureTransport")
        .unwrap()
        .reason
        .contains("denied"));
}

#[test]
fn trails_not_collected_make_account_trail_facts_unknown() {
    let m = model_of(
        r#"{"format": "ailint-inventory/v1",
        "resources": [{"type": "AWS::SageMaker::Domain", "id": "d", "account": "111122223333", "region": "us-east-1"}],
        "notCollected": [{"account": "111122223333", "types": ["AWS::CloudTrail::Trail"],
                          "operation": "cloudtrail:DescribeTrails", "reason": "AccessDenied"}]}"#,
    );
    let account = m.get("AWS::Account", "111122223333").unwrap();
    assert!(account
        .unknown_for("managementTrailCount")
        .unwrap()
        .reason
        .contains("AccessDenied"));
    let region = m.get("AWS::Region", "111122223333/us-east-1").unwrap();
    assert!(region.unknown_for("dataEventResourceTypes").is_some());
}

#[test]
fn an_unreadable_iam_document_yields_an_unknown_statement() {
    let m = model_of(
        r#"{"format": "ailint-inventory/v1", "resources": [
        {"type": "AWS::IAM::Policy", "id": "arn:aws:iam::111122223333:policy/p", "account": "111122223333",
         "documents": {"policy": "{not json"}}]}"#,
    );
    let s = m
        .get(
            "AWS::IAM::PolicyStatement",
            "arn:aws:iam::111122223333:policy/p#1",
        )
        .unwrap();
    assert!(s
        .unknown_for("allowsModelInvocation")
        .unwrap()
        .reason
        .contains("cannot be read"));
}

#[test]
fn aliases_and_names_resolve_only_within_their_account_and_region() {
    let m = model_of(
        r#"{"format": "ailint-inventory/v1", "resources": [
        {"type": "AWS::KMS::Key", "id": "arn:aws:kms:eu-west-1:111122223333:key/eu", "account": "111122223333", "region": "eu-west-1",
         "attributes": {"keyManager": "CUSTOMER", "aliases": ["alias/ml-inference"]}},
        {"type": "AWS::SageMaker::NotebookInstance", "id": "us", "account": "111122223333", "region": "us-east-1",
         "attributes": {"kmsKey": "alias/ml-inference"}},
        {"type": "AWS::SageMaker::NotebookInstance", "id": "us-by-arn", "account": "111122223333", "region": "us-east-1",
         "attributes": {"kmsKey": "arn:aws:kms:eu-west-1:111122223333:alias/ml-inference"}}]}"#,
    );
    let us = m.get("AWS::SageMaker::NotebookInstance", "us").unwrap();
    assert!(
        us.unknown_for("kmsKey").is_some(),
        "an alias of another region must not resolve"
    );
    let by_arn = m
        .get("AWS::SageMaker::NotebookInstance", "us-by-arn")
        .unwrap();
    assert_eq!(
        by_arn.attributes["kmsKey"],
        "arn:aws:kms:eu-west-1:111122223333:key/eu"
    );
}

#[test]
fn selectors_combine_with_or_and_narrowing_selectors_do_not_count() {
    let trail = |id: &str, selectors: &str| {
        format!(
            r#"{{"type": "AWS::CloudTrail::Trail", "id": "{id}", "account": "111122223333", "region": "us-east-1",
               "attributes": {{"isMultiRegionTrail": true}}, "documents": {{"advancedEventSelectors": {selectors}}}}}"#
        )
    };
    let all_mgmt = r#"{"Name": "all", "FieldSelectors": [{"Field": "eventCategory", "Equals": ["Management"]}]}"#;
    let no_bedrock = r#"{"Name": "nb", "FieldSelectors": [{"Field": "eventCategory", "Equals": ["Management"]}, {"Field": "eventSource", "NotEquals": ["bedrock.amazonaws.com"]}]}"#;
    let only_iam = r#"{"Name": "iam", "FieldSelectors": [{"Field": "eventCategory", "Equals": ["Management"]}, {"Field": "eventSource", "Equals": ["iam.amazonaws.com"]}]}"#;
    let not_starts = r#"{"Name": "ns", "FieldSelectors": [{"Field": "eventCategory", "Equals": ["Management"]}, {"Field": "eventSource", "NotStartsWith": ["bedrock"]}]}"#;
    let kb_one_alias = r#"{"Name": "kb", "FieldSelectors": [{"Field": "eventCategory", "Equals": ["Data"]}, {"Field": "resources.type", "Equals": ["AWS::Bedrock::KnowledgeBase"]}, {"Field": "eventName", "Equals": ["Retrieve"]}]}"#;
    let kb_all = r#"{"Name": "kb", "FieldSelectors": [{"Field": "eventCategory", "Equals": ["Data"]}, {"Field": "resources.type", "Equals": ["AWS::Bedrock::KnowledgeBase"]}]}"#;
    let m = model_of(&format!(
        r#"{{"format": "ailint-inventory/v1", "resources": [{}, {}, {}, {}, {}]}}"#,
        trail("redundant", &format!("[{all_mgmt}, {no_bedrock}]")),
        trail("only-iam", &format!("[{only_iam}]")),
        trail("not-starts", &format!("[{not_starts}]")),
        trail("narrow-data", &format!("[{all_mgmt}, {kb_one_alias}]")),
        trail("full-data", &format!("[{no_bedrock}, {kb_all}]")),
    ));
    let t = |id: &str| m.get("AWS::CloudTrail::Trail", id).unwrap();
    let excluded = |id: &str| t(id).attributes["excludedManagementEventSources"].clone();
    // OR: the first selector records bedrock, so nothing is excluded.
    assert_eq!(excluded("redundant"), serde_json::json!([]));
    assert_eq!(
        t("only-iam").attributes["recordsManagementReadWrite"],
        false
    );
    assert_eq!(
        excluded("not-starts"),
        serde_json::json!(["bedrock.amazonaws.com"])
    );
    assert_eq!(
        t("narrow-data").attributes["dataEventResourceTypes"],
        serde_json::json!([])
    );
    assert_eq!(
        t("full-data").attributes["dataEventResourceTypes"],
        serde_json::json!(["AWS::Bedrock::KnowledgeBase"])
    );
    assert_eq!(
        excluded("full-data"),
        serde_json::json!(["bedrock.amazonaws.com"])
    );
    // Only `redundant` and `narrow-data` count as management trails.
    assert_eq!(
        m.get("AWS::Account", "111122223333").unwrap().attributes["managementTrailCount"],
        2
    );
}

#[test]
fn guardrail_filters_count_only_when_enabled_and_blocking() {
    let m = model_of(
        r#"{"format": "ailint-inventory/v1", "resources": [
        {"type": "AWS::Bedrock::Guardrail", "id": "g", "account": "111122223333", "region": "us-east-1", "attributes": {
          "contentFilters": [{"type": "HATE", "inputStrength": "HIGH", "outputStrength": "HIGH", "outputAction": "NONE"}],
          "piiEntities": [{"type": "EMAIL", "action": "ANONYMIZE"}, {"type": "PHONE", "action": "BLOCK", "outputEnabled": false}],
          "managedWordLists": [{"type": "PROFANITY"}],
          "contextualGroundingFilters": [{"type": "GROUNDING", "threshold": 0.8, "enabled": false}, {"type": "RELEVANCE", "threshold": 0.75}]}}]}"#,
    );
    let g = m.get("AWS::Bedrock::Guardrail", "g").unwrap();
    assert_eq!(
        g.attributes["hateFilter"],
        serde_json::json!({"inputLevel": 3, "outputLevel": 0})
    );
    assert_eq!(
        g.attributes["piiTypesGuarded"],
        serde_json::json!(["EMAIL"])
    );
    assert_eq!(
        g.attributes["enforcedWordLists"],
        serde_json::json!(["PROFANITY"])
    );
    assert!(!g.attributes.contains_key("groundingThreshold"));
    assert_eq!(
        g.attributes["relevanceThreshold"],
        ailint::model::Value::Decimal(7500)
    );
}

#[test]
fn invocation_log_buckets_and_keys_used_by_ai_are_derived() {
    let m = model_of(
        r#"{"format": "ailint-inventory/v1", "resources": [
        {"type": "AWS::KMS::Key", "id": "arn:aws:kms:us-east-1:111122223333:key/used", "account": "111122223333", "region": "us-east-1",
         "attributes": {"keyManager": "CUSTOMER"}},
        {"type": "AWS::KMS::Key", "id": "arn:aws:kms:us-east-1:111122223333:key/trail-only", "account": "111122223333", "region": "us-east-1",
         "attributes": {"keyManager": "CUSTOMER"}},
        {"type": "AWS::S3::Bucket", "id": "arn:aws:s3:::logs", "name": "logs", "account": "111122223333", "region": "us-east-1",
         "attributes": {"sseAlgorithm": "aws:kms", "kmsKey": "arn:aws:kms:us-east-1:111122223333:key/used"}},
        {"type": "AWS::S3::Bucket", "id": "arn:aws:s3:::other", "name": "other", "account": "111122223333", "region": "us-east-1"},
        {"type": "AWS::CloudTrail::Trail", "id": "t", "account": "111122223333", "region": "us-east-1",
         "attributes": {"kmsKey": "arn:aws:kms:us-east-1:111122223333:key/trail-only"}},
        {"type": "AWS::Bedrock::ModelInvocationLogging", "id": "l", "account": "111122223333", "region": "us-east-1",
         "attributes": {"enabled": true, "s3Bucket": "logs"}},
        {"type": "AWS::Bedrock::Agent", "id": "a", "account": "111122223333", "region": "us-east-1",
         "tags": {"Project": "p"}},
        {"type": "AWS::Bedrock::Guardrail", "id": "g", "account": "111122223333", "region": "eu-west-1",
         "unknown": [{"path": "tags", "reason": "bedrock:ListTagsForResource was denied"}]}]}"#,
    );
    let logs = m.get("AWS::S3::Bucket", "arn:aws:s3:::logs").unwrap();
    assert_eq!(logs.attributes["invocationLogs"], true);
    assert_eq!(logs.attributes["aiData"], true);
    let other = m.get("AWS::S3::Bucket", "arn:aws:s3:::other").unwrap();
    assert_eq!(other.attributes["invocationLogs"], false);
    // The log bucket holds AI data, so its key is used by AI; a trail is not an AI resource.
    let used = "arn:aws:kms:us-east-1:111122223333:key/used";
    assert_eq!(
        m.get("AWS::KMS::Key", used).unwrap().attributes["usedByAi"],
        true
    );
    let trail_only = "arn:aws:kms:us-east-1:111122223333:key/trail-only";
    assert_eq!(
        m.get("AWS::KMS::Key", trail_only).unwrap().attributes["usedByAi"],
        false
    );
    let agent = m.get("AWS::Bedrock::Agent", "a").unwrap();
    assert_eq!(
        agent.attributes["tagKeys"].as_set().unwrap().len(),
        1,
        "{:?}",
        agent.attributes
    );
    let guardrail = m.get("AWS::Bedrock::Guardrail", "g").unwrap();
    assert!(guardrail.unknown_for("tagKeys").is_some());
    // Logging is on where configured; a Bedrock region without a configuration has it off.
    let use1 = m.get("AWS::Region", "111122223333/us-east-1").unwrap();
    assert_eq!(use1.attributes["invocationLogging"], true);
    let euw1 = m.get("AWS::Region", "111122223333/eu-west-1").unwrap();
    assert_eq!(euw1.attributes["invocationLogging"], false);
}

#[test]
fn invocation_logging_not_collected_makes_its_facts_unknown() {
    let m = model_of(
        r#"{"format": "ailint-inventory/v1",
        "resources": [
          {"type": "AWS::Bedrock::Agent", "id": "a", "account": "111122223333", "region": "us-east-1"},
          {"type": "AWS::S3::Bucket", "id": "arn:aws:s3:::b", "name": "b", "account": "111122223333", "region": "us-east-1"}],
        "notCollected": [{"account": "111122223333", "region": "us-east-1", "types": ["AWS::Bedrock::ModelInvocationLogging"],
                          "operation": "bedrock:GetModelInvocationLoggingConfiguration", "reason": "AccessDenied"}]}"#,
    );
    let region = m.get("AWS::Region", "111122223333/us-east-1").unwrap();
    assert!(region.unknown_for("invocationLogging").is_some());
    let bucket = m.get("AWS::S3::Bucket", "arn:aws:s3:::b").unwrap();
    assert!(bucket.unknown_for("invocationLogs").is_some());
    assert!(bucket.unknown_for("aiData").is_some());
}

fn bool_of(m: &Model, t: &str, id: &str, attr: &str) -> Result<bool, String> {
    let r = m.get(t, id).unwrap_or_else(|| panic!("no {t} {id}"));
    match r
        .attributes
        .get(attr)
        .and_then(ailint::model::Value::as_bool)
    {
        Some(b) => Ok(b),
        None => Err(r
            .unknown_for(attr)
            .unwrap_or_else(|| panic!("{id}.{attr} is neither known nor unknown"))
            .reason
            .clone()),
    }
}

#[test]
fn a_role_allows_every_ai_action_through_any_policy_it_holds() {
    let m = model_of(
        r#"{"format": "ailint-inventory/v1", "resources": [
        {"type": "AWS::IAM::Role", "id": "arn:aws:iam::111122223333:role/admin", "account": "111122223333",
         "attributes": {"managedPolicyArns": ["arn:aws:iam::aws:policy/AdministratorAccess"]}},
        {"type": "AWS::IAM::Role", "id": "arn:aws:iam::111122223333:role/logs", "account": "111122223333",
         "attributes": {"managedPolicyArns": ["arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole",
                                              "arn:aws:iam::111122223333:policy/scoped"]}},
        {"type": "AWS::IAM::Policy", "id": "arn:aws:iam::111122223333:policy/scoped", "account": "111122223333",
         "attributes": {"attachedTo": []},
         "documents": {"policy": {"Statement": [{"Effect": "Allow", "Action": "bedrock:InvokeModel", "Resource": "*"}]}}},
        {"type": "AWS::IAM::Role", "id": "arn:aws:iam::111122223333:role/inline", "account": "111122223333",
         "attributes": {"managedPolicyArns": []}},
        {"type": "AWS::IAM::Policy", "id": "arn:aws:iam::111122223333:role/inline/inline-policy/all", "account": "111122223333",
         "attributes": {"attachedTo": ["arn:aws:iam::111122223333:role/inline"]},
         "documents": {"policy": {"Statement": [{"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"}]}}},
        {"type": "AWS::IAM::Role", "id": "arn:aws:iam::111122223333:role/elsewhere", "account": "111122223333",
         "attributes": {"managedPolicyArns": ["arn:aws:iam::111122223333:policy/not-read"]}},
        {"type": "AWS::IAM::Role", "id": "arn:aws:iam::111122223333:role/unreadable", "account": "111122223333",
         "attributes": {"managedPolicyArns": []}},
        {"type": "AWS::IAM::Policy", "id": "arn:aws:iam::111122223333:role/unreadable/inline-policy/p", "account": "111122223333",
         "attributes": {"attachedTo": ["arn:aws:iam::111122223333:role/unreadable"]},
         "documents": {"policy": "{not json"}}]}"#,
    );
    let role = |name: &str| {
        bool_of(
            &m,
            "AWS::IAM::Role",
            &format!("arn:aws:iam::111122223333:role/{name}"),
            "allowsAllAiActions",
        )
    };
    assert_eq!(role("admin"), Ok(true));
    assert_eq!(role("logs"), Ok(false));
    assert_eq!(role("inline"), Ok(true));
    assert!(role("elsewhere")
        .unwrap_err()
        .contains("not in the inventory"));
    assert!(role("unreadable").unwrap_err().contains("cannot be read"));
}

#[test]
fn policies_not_collected_leave_a_role_without_allowing_policies_unknown() {
    let m = model_of(
        r#"{"format": "ailint-inventory/v1", "resources": [
        {"type": "AWS::IAM::Role", "id": "arn:aws:iam::111122223333:role/r", "account": "111122223333",
         "attributes": {"managedPolicyArns": []}},
        {"type": "AWS::IAM::Role", "id": "arn:aws:iam::111122223333:role/full", "account": "111122223333",
         "attributes": {"managedPolicyArns": ["arn:aws:iam::aws:policy/AmazonBedrockFullAccess"]}}],
        "notCollected": [{"account": "111122223333", "types": ["AWS::IAM::Policy"],
                          "operation": "iam:GetAccountAuthorizationDetails", "reason": "AccessDenied"}]}"#,
    );
    let r = bool_of(
        &m,
        "AWS::IAM::Role",
        "arn:aws:iam::111122223333:role/r",
        "allowsAllAiActions",
    );
    assert!(r.unwrap_err().contains("AccessDenied"));
    // What is known to allow stays known.
    assert_eq!(
        bool_of(
            &m,
            "AWS::IAM::Role",
            "arn:aws:iam::111122223333:role/full",
            "allowsAllAiActions"
        ),
        Ok(true)
    );
}

#[test]
fn agents_share_roles_and_run_functions_or_it_is_unknown() {
    let m = model_of(
        r#"{"format": "ailint-inventory/v1", "resources": [
        {"type": "AWS::IAM::Role", "id": "arn:aws:iam::111122223333:role/shared", "account": "111122223333"},
        {"type": "AWS::IAM::Role", "id": "arn:aws:iam::111122223333:role/own", "account": "111122223333"},
        {"type": "AWS::Bedrock::Agent", "id": "a1", "account": "111122223333", "region": "us-east-1",
         "attributes": {"role": "arn:aws:iam::111122223333:role/shared",
                        "actionGroupFunctions": ["arn:aws:lambda:us-east-1:111122223333:function:orders:live"]}},
        {"type": "AWS::Bedrock::Agent", "id": "a2", "account": "111122223333", "region": "eu-west-1",
         "attributes": {"role": "arn:aws:iam::111122223333:role/shared", "actionGroupFunctions": []}},
        {"type": "AWS::Bedrock::Agent", "id": "a3", "account": "111122223333", "region": "us-east-1",
         "attributes": {"role": "arn:aws:iam::111122223333:role/own", "actionGroupFunctions": []}},
        {"type": "AWS::Lambda::Function", "id": "arn:aws:lambda:us-east-1:111122223333:function:orders",
         "account": "111122223333", "region": "us-east-1"},
        {"type": "AWS::Lambda::Function", "id": "arn:aws:lambda:us-east-1:111122223333:function:batch",
         "account": "111122223333", "region": "us-east-1"},
        {"type": "AWS::Bedrock::Agent", "id": "b1", "account": "444455556666", "region": "us-east-1",
         "attributes": {"role": "arn:aws:iam::444455556666:role/missing"}, "unknown": [
            {"path": "actionGroupFunctions", "reason": "bedrock:ListAgentActionGroups: denied"}]},
        {"type": "AWS::Bedrock::Agent", "id": "b2", "account": "444455556666", "region": "us-east-1",
         "attributes": {"role": "arn:aws:iam::444455556666:role/b2"}},
        {"type": "AWS::IAM::Role", "id": "arn:aws:iam::444455556666:role/b2", "account": "444455556666"},
        {"type": "AWS::Lambda::Function", "id": "arn:aws:lambda:us-east-1:444455556666:function:f",
         "account": "444455556666", "region": "us-east-1"}]}"#,
    );
    let agent = |id: &str| bool_of(&m, "AWS::Bedrock::Agent", id, "roleShared");
    assert_eq!(agent("a1"), Ok(true));
    assert_eq!(agent("a2"), Ok(true));
    assert_eq!(agent("a3"), Ok(false));
    // b1's role is not in the inventory: unknown, and so whether b2 shares it.
    assert!(agent("b1").unwrap_err().contains("not in the inventory"));
    assert!(agent("b2").unwrap_err().contains("another agent"));
    let function = |id: &str| {
        bool_of(
            &m,
            "AWS::Lambda::Function",
            &format!("arn:aws:lambda:us-east-1:{id}"),
            "agentActionGroup",
        )
    };
    // A qualified ARN names the function.
    assert_eq!(function("111122223333:function:orders"), Ok(true));
    assert_eq!(function("111122223333:function:batch"), Ok(false));
    assert!(function("444455556666:function:f")
        .unwrap_err()
        .contains("ListAgentActionGroups"));
}
