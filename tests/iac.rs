//! Infrastructure as code: CloudFormation, Terraform configuration and Terraform plans
//! read into the same model as inventories, with findings on the right file and line.

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use common::{ailint, assert_valid_sarif, settings, stderr, stdout};

use ailint::model::{Model, ModelSchema, Value};
use ailint::sources::{read_inputs_with, ReadOptions};

/// The model of some inputs, each resource as JSON with what the rules see: attributes
/// (references replaced by the referenced type, ids differ between input kinds), unknown
/// paths and tags. Synthesized account and region entities are left out.
fn normalized(
    inputs: &[PathBuf],
    options: &ReadOptions,
) -> BTreeMap<String, Vec<serde_json::Value>> {
    let schema = ModelSchema::builtin();
    let (collected, errors) = read_inputs_with(inputs, schema, options);
    assert!(errors.is_empty(), "{errors:?}");
    let (model, errors) = Model::build(collected, schema);
    assert!(errors.is_empty(), "{errors:?}");
    let mut out: BTreeMap<String, Vec<serde_json::Value>> = BTreeMap::new();
    for r in &model.resources {
        if matches!(r.type_name, "AWS::Account" | "AWS::Region") {
            continue;
        }
        let spec = schema.entity_type(r.type_name).unwrap();
        let mut attrs = serde_json::Map::new();
        for (name, value) in r.attributes.iter() {
            let v = match (&spec.attrs[name].ty, value) {
                (ailint::model::AttrType::Entity(_), Value::String(id)) => {
                    let target = model
                        .resources
                        .iter()
                        .find(|t| *t.id == **id)
                        .map(|t| t.type_name)
                        .unwrap_or("<dangling>");
                    serde_json::json!(format!("-> {target}"))
                }
                // Sets have no order.
                (ailint::model::AttrType::Set(_), _) => {
                    let mut items: Vec<serde_json::Value> = value
                        .as_set()
                        .unwrap_or(&[])
                        .iter()
                        .map(Value::to_json)
                        .collect();
                    items.sort_by_key(|v| v.to_string());
                    serde_json::Value::Array(items)
                }
                _ => value.to_json(),
            };
            attrs.insert(name.to_string(), v);
        }
        let mut unknown: Vec<&str> = r.unknown.iter().map(|u| u.path.as_str()).collect();
        unknown.sort();
        let tags: BTreeMap<&str, &str> = r.tags.iter().collect();
        out.entry(r.type_name.to_string())
            .or_default()
            .push(serde_json::json!({
                "attributes": attrs,
                "unknown": unknown,
                "tags": tags,
            }));
    }
    for list in out.values_mut() {
        list.sort_by_key(|v| v.to_string());
    }
    out
}

fn equivalent(path: &str) -> PathBuf {
    Path::new("fixtures/sources/equivalent").join(path)
}

/// What every kind of input must agree on: the same ML platform written as a CloudFormation
/// template, as Terraform configuration, as a plan of that configuration and as an
/// inventory of the deployed account gives the same model, so every rule judges every
/// kind alike.
#[test]
fn the_same_resources_in_every_input_kind_give_the_same_model() {
    let deployed = ReadOptions {
        cloudformation: ailint::sources::cloudformation::Target {
            region: Some("eu-west-1".into()),
            account: Some("111122223333".into()),
        },
        ..ReadOptions::default()
    };
    let inventory = normalized(&[equivalent("inventory.json")], &deployed);
    let kinds = [
        (
            "cloudformation",
            normalized(&[equivalent("cloudformation/template.yaml")], &deployed),
        ),
        (
            "terraform",
            normalized(
                &[
                    equivalent("terraform/main.tf"),
                    equivalent("terraform/variables.tf"),
                ],
                &ReadOptions::default(),
            ),
        ),
        (
            "plan",
            normalized(
                &[equivalent("terraform/plan.json")],
                &ReadOptions::default(),
            ),
        ),
    ];
    assert_eq!(
        inventory.values().map(Vec::len).sum::<usize>(),
        14,
        "{inventory:#?}"
    );
    for (kind, mut model) in kinds {
        if kind == "plan" {
            // What a plan cannot know and the configuration does not say: arguments the
            // provider computes when they are left out.
            let settings = &mut model
                .get_mut("AWS::LakeFormation::DataLakeSettings")
                .unwrap()[0];
            assert_eq!(
                settings["unknown"],
                serde_json::json!(["createTableDefaultPermissions"])
            );
            settings["unknown"] = serde_json::json!([]);
            // The provider computes an endpoint's default policy.
            let endpoint = &mut model.get_mut("AWS::EC2::VPCEndpoint").unwrap()[0];
            assert_eq!(
                endpoint["unknown"],
                serde_json::json!(["allowsAnyModelInvocation", "documents.policy"])
            );
            endpoint["unknown"] = serde_json::json!([]);
            endpoint["attributes"]["allowsAnyModelInvocation"] = serde_json::json!(true);
        }
        // A template declares buckets, not the account's Block Public Access settings:
        // whether a bucket without all four of its own is covered is not known from it.
        // Nor whether a trail declared elsewhere records its object events.
        for bucket in model.get_mut("AWS::S3::Bucket").into_iter().flatten() {
            assert_eq!(
                bucket["unknown"],
                serde_json::json!([
                    "blocksPublicAccess",
                    "objectReadsRecorded",
                    "objectWritesRecorded"
                ])
            );
            bucket["unknown"] = serde_json::json!([]);
            for attr in [
                "blocksPublicAccess",
                "objectReadsRecorded",
                "objectWritesRecorded",
            ] {
                bucket["attributes"][attr] = serde_json::json!(false);
            }
        }
        if kind != "cloudformation" {
            // Terraform does not say which account a model is deployed in, so whether its
            // ECR image is in that account's registry is unknown.
            let model = &mut model.get_mut("AWS::SageMaker::Model").unwrap()[0];
            assert_eq!(model["unknown"], serde_json::json!(["imageInAccountEcr"]));
            model["unknown"] = serde_json::json!([]);
            model["attributes"]["imageInAccountEcr"] = serde_json::json!(true);
        }
        if kind != "cloudformation" {
            // The configuration names the agent's role by an ARN it does not declare: the
            // role, and whether another agent shares it, are unknown. The inventory and the
            // template name none.
            let agent = &mut model.get_mut("AWS::Bedrock::Agent").unwrap()[0];
            assert_eq!(agent["unknown"], serde_json::json!(["role", "roleShared"]));
            agent["unknown"] = serde_json::json!([]);
            agent["attributes"]["roleShared"] = serde_json::json!(false);
        }
        for t in inventory.keys().chain(model.keys()) {
            assert_eq!(
                model.get(t),
                inventory.get(t),
                "{kind} and the inventory differ on `{t}`"
            );
        }
    }
}

const PR: &str = "fixtures/sources/pr";
const PR_CONFIG: &str = "fixtures/sources/pr/ailint.toml";

fn json(o: &std::process::Output) -> serde_json::Value {
    serde_json::from_str(&stdout(o)).unwrap_or_else(|e| panic!("{e}: {}", stderr(o)))
}

/// `(rule, resource name, file, line, status)` of each finding, suppressed ones marked.
fn findings(report: &serde_json::Value) -> Vec<(String, String, String, u64, String)> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            let status = match &f["suppression"] {
                serde_json::Value::Null => f["status"].as_str().unwrap().to_string(),
                s => format!("suppressed ({})", s["kind"].as_str().unwrap()),
            };
            (
                f["rule_id"].as_str().unwrap().to_string(),
                f["resource"]["name"].as_str().unwrap().to_string(),
                f["resource"]["location"]["file"]
                    .as_str()
                    .unwrap()
                    .to_string(),
                f["resource"]["location"]["line"].as_u64().unwrap(),
                status,
            )
        })
        .collect()
}

fn find<'a>(
    all: &'a [(String, String, String, u64, String)],
    rule: &str,
    name: &str,
) -> &'a (String, String, String, u64, String) {
    all.iter()
        .find(|f| f.0 == rule && f.1 == name)
        .unwrap_or_else(|| panic!("no {rule} on {name} in {all:#?}"))
}

/// A repository as a pull request sees it: templates, CDK output, Terraform with a local
/// module, and directories that are not the repository's own infrastructure.
#[test]
fn a_repository_is_audited_with_findings_on_the_offending_lines() {
    let o = ailint(&["audit", PR, "--config", PR_CONFIG, "--format", "json"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let report = json(&o);
    assert_eq!(report["errors"], serde_json::json!([]));
    let all = findings(&report);
    let cfn = "fixtures/sources/pr/infra/cloudformation/ml-stack.yaml";
    let tf = "fixtures/sources/pr/infra/terraform/main.tf";
    // The property's own line; the resource's line when the property is absent.
    assert_eq!(find(&all, "AIL-KMS-001", "LegacyNotebook").3, 35);
    assert_eq!(find(&all, "AIL-KMS-001", "LegacyNotebook").2, cfn);
    assert_eq!(find(&all, "AIL-NET-001", "ResearchNotebook").3, 17);
    assert_eq!(find(&all, "AIL-TLS-002C", "ml-prod-vectors").2, tf);
    assert_eq!(find(&all, "AIL-TLS-002C", "ml-prod-vectors").3, 19);
    // A local module's resources point into the module's file.
    assert_eq!(
        find(&all, "AIL-GR-003", "ml-prod-guardrail").2,
        "fixtures/sources/pr/infra/terraform/modules/guardrail/main.tf"
    );
    // Suppressed in the template, by a comment and by the configuration.
    assert_eq!(
        find(&all, "AIL-NET-001", "LegacyNotebook").4,
        "suppressed (inSource)"
    );
    assert_eq!(
        find(&all, "AIL-IAM-006", "ml-prod-vendor").4,
        "suppressed (inSource)"
    );
    assert_eq!(
        find(&all, "AIL-TLS-002B", "ml-prod-vectors").4,
        "suppressed (external)"
    );
    // What is unknown is not assessed, never failed or passed.
    assert_eq!(
        find(&all, "AIL-KMS-001", "SharedKeyNotebook").4,
        "not_assessed"
    );
    assert_eq!(find(&all, "AIL-LOG-001", "111122223333").4, "not_assessed");
    // Downloaded modules, node_modules and workflows are not the repository's resources.
    let text = stdout(&o);
    for skipped in ["must-not-be-audited", "NotAudited", "workflows"] {
        assert!(!text.contains(skipped), "{skipped} was read");
    }
    let warnings = report["warnings"].to_string();
    assert!(
        warnings.contains("has no reason and is not applied"),
        "{warnings}"
    );
    assert!(warnings.contains("expired on 2020-01-01"), "{warnings}");

    let o = ailint(&["audit", PR, "--config", PR_CONFIG]);
    settings().bind(|| insta::assert_snapshot!("iac-pr-text", stdout(&o)));
}

#[test]
fn sarif_of_a_repository_is_relative_to_its_root_and_keeps_suppressions() {
    let o = ailint(&[
        "audit",
        PR,
        "--config",
        PR_CONFIG,
        "--format",
        "sarif",
        "--sarif-root",
        PR,
    ]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let text = stdout(&o);
    assert_valid_sarif(&text, "pr SARIF");
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    let results = v["runs"][0]["results"].as_array().unwrap();
    let uris: Vec<&str> = results
        .iter()
        .map(|r| {
            r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
                .as_str()
                .unwrap()
        })
        .collect();
    assert!(uris.iter().all(|u| u.starts_with("infra/")), "{uris:?}");
    let suppressed: Vec<&serde_json::Value> = results
        .iter()
        .filter(|r| r.get("suppressions").is_some())
        .collect();
    assert_eq!(suppressed.len(), 3);
    let kinds: Vec<&str> = suppressed
        .iter()
        .map(|r| r["suppressions"][0]["kind"].as_str().unwrap())
        .collect();
    assert!(
        kinds.contains(&"inSource") && kinds.contains(&"external"),
        "{kinds:?}"
    );
    settings().bind(|| insta::assert_snapshot!("iac-pr-sarif", text));
}

#[test]
fn fingerprints_do_not_move_with_unrelated_lines() {
    let dir = tempfile::tempdir().unwrap();
    let original =
        std::fs::read_to_string(format!("{PR}/infra/cloudformation/ml-stack.yaml")).unwrap();
    let fingerprints = |text: &str| {
        let path = dir.path().join("stack.yaml");
        std::fs::write(&path, text).unwrap();
        let o = ailint(&["audit", path.to_str().unwrap(), "--format", "json"]);
        let report = json(&o);
        let mut out: Vec<(String, String, u64)> = report["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| {
                (
                    f["rule_id"].as_str().unwrap().to_string(),
                    f["fingerprint"].as_str().unwrap().to_string(),
                    f["resource"]["location"]["line"].as_u64().unwrap(),
                )
            })
            .collect();
        out.sort();
        out
    };
    let before = fingerprints(&original);
    let moved = original.replace("Resources:\n", "# a comment\n\n\nResources:\n");
    let after = fingerprints(&moved);
    assert_eq!(before.len(), after.len());
    for (b, a) in before.iter().zip(&after) {
        assert_eq!((&b.0, &b.1), (&a.0, &a.1));
        assert_eq!(a.2, b.2 + 3, "lines move, fingerprints do not");
    }
}

#[test]
fn a_baseline_holds_back_known_findings_and_counts_fixed_ones() {
    let dir = tempfile::tempdir().unwrap();
    let stack = dir.path().join("stack.yaml");
    let baseline = dir.path().join("baseline.json");
    let original =
        std::fs::read_to_string(format!("{PR}/infra/cloudformation/ml-stack.yaml")).unwrap();
    std::fs::write(&stack, &original).unwrap();
    let (stack_s, baseline_s) = (stack.to_str().unwrap(), baseline.to_str().unwrap());
    let o = ailint(&[
        "audit",
        stack_s,
        "--write-baseline",
        baseline_s,
        "--fail-on",
        "none",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let written: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&baseline).unwrap()).unwrap();
    assert_eq!(written["format"], "ailint-baseline/v1");
    let recorded = written["findings"].as_array().unwrap().len();
    assert!(recorded >= 2, "{written}");

    // Nothing new: the run passes.
    let o = ailint(&["audit", stack_s, "--baseline", baseline_s]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    assert!(
        stdout(&o).contains(&format!("{recorded} unchanged, 0 fixed")),
        "{}",
        stdout(&o)
    );

    // A new notebook without a key fails; the fixed root-access finding is counted.
    let changed = original.replace("      RootAccess: Disabled\n  LegacyNotebook", "  LegacyNotebook") + "  NewNotebook:\n    Type: AWS::SageMaker::NotebookInstance\n    Properties:\n      InstanceType: ml.t3.medium\n      RoleArn: arn:aws:iam::111122223333:role/x\n      DirectInternetAccess: Disabled\n      RootAccess: Disabled\n";
    let changed = changed.replace(
        "      KmsKeyId: alias/aws/sagemaker\n      DirectInternetAccess: Enabled\n      RootAccess: Disabled\n",
        "      KmsKeyId: !Ref NotebookKey\n      DirectInternetAccess: Enabled\n      RootAccess: Disabled\n",
    );
    std::fs::write(&stack, changed).unwrap();
    let o = ailint(&[
        "audit",
        stack_s,
        "--baseline",
        baseline_s,
        "--format",
        "json",
    ]);
    assert_eq!(o.status.code(), Some(1), "{}", stdout(&o));
    let report = json(&o);
    let new: Vec<(String, String)> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["status"] == "fail" && f["suppression"].is_null())
        .map(|f| {
            (
                f["rule_id"].as_str().unwrap().to_string(),
                f["resource"]["name"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert!(
        new.contains(&("AIL-KMS-001".into(), "NewNotebook".into())),
        "{new:?}"
    );
    assert!(
        new.contains(&("AIL-IAM-006".into(), "ResearchNotebook".into())),
        "{new:?}"
    );
    assert!(
        report["baseline"]["fixed"].as_u64().unwrap() >= 1,
        "{}",
        report["baseline"]
    );
}

#[test]
fn a_broken_baseline_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let baseline = dir.path().join("baseline.json");
    std::fs::write(
        &baseline,
        r#"{"format": "ailint-baseline/v9", "findings": []}"#,
    )
    .unwrap();
    let o = ailint(&[
        "audit",
        "fixtures/demo/inventory.json",
        "--baseline",
        baseline.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("unsupported baseline format `ailint-baseline/v9`"),
        "{}",
        stderr(&o)
    );
}

/// Each broken file is an error located in it; the other files are still audited.
#[test]
fn broken_templates_configuration_and_plans_are_located_errors() {
    let dir = tempfile::tempdir().unwrap();
    let write = |name: &str, bytes: &[u8]| {
        let path = dir.path().join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, bytes).unwrap();
    };
    write(
        "good.yaml",
        b"Resources:\n  Nb:\n    Type: AWS::SageMaker::NotebookInstance\n    Properties:\n      InstanceType: ml.t3.medium\n",
    );
    write(
        "unparsable.yaml",
        b"AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  A: [unclosed\n",
    );
    write(
        "unparsable.json",
        b"{\"AWSTemplateFormatVersion\": \"2010-09-09\",\n \"Resources\": {\"A\": }}",
    );
    write(
        "intrinsic.yaml",
        b"Resources:\n  B:\n    Type: AWS::S3::Bucket\n    Properties:\n      BucketName: !Bogus x\n",
    );
    write(
        "cyclic.yaml",
        b"Conditions:\n  A: !Condition B\n  B: !Condition A\nResources:\n  X:\n    Type: AWS::S3::Bucket\n    Condition: A\n",
    );
    write(
        "invalid-utf8.yaml",
        b"Resources:\n  A:\n    Type: AWS::S3::\xff\xfe\n",
    );
    write(
        "tf/broken.tf",
        b"resource \"aws_s3_bucket\" \"b\" {\n  bucket = \n",
    );
    write(
        "cycle/main.tf",
        b"locals {\n  a = local.b\n  b = \"${local.a}-x\"\n}\nresource \"aws_s3_bucket\" \"b\" {\n  bucket = local.a\n}\n",
    );
    write(
        "junk/junk.tf",
        &(0..4096u32)
            .map(|i| (i * 7919 % 251) as u8)
            .collect::<Vec<_>>(),
    );
    write(
        "plan/plan.json",
        b"{\"format_version\": \"2.0\", \"terraform_version\": \"2.0.0\", \"resource_changes\": []}",
    );
    let mut big = b"AWSTemplateFormatVersion: '2010-09-09'\nResources:\n".to_vec();
    big.resize(11 << 20, b'#');
    write("big.yaml", &big);
    let o = ailint(&["audit", dir.path().to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    let err = stderr(&o).replace(&format!("{}/", dir.path().display()), "");
    for expected in [
        "unparsable.yaml:4:",
        "unparsable.json:2:21: cannot parse the template: expected a JSON value",
        "intrinsic.yaml:5:",
        "unknown intrinsic function `Fn::Bogus`",
        "cyclic.yaml:",
        "depends on itself",
        "invalid-utf8.yaml:3:",
        "file is not valid UTF-8",
        "tf/broken.tf:",
        "junk/junk.tf:",
        "plan/plan.json:1:",
        "cycle/main.tf:2:",
        "depends on itself",
        "unsupported plan `format_version` `2.0`",
        "big.yaml: file is 11534336 bytes; ailint reads CloudFormation templates up to 10485760 bytes",
    ] {
        assert!(err.contains(expected), "missing `{expected}` in:\n{err}");
    }
    assert!(!err.contains("panicked"), "{err}");
    // The good template's findings are still reported.
    assert!(stdout(&o).contains("AIL-NET-001"), "{}", stdout(&o));
}

#[test]
fn the_input_kind_can_be_forced() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("stack.txt");
    std::fs::write(
        &path,
        "Resources:\n  Nb:\n    Type: AWS::SageMaker::NotebookInstance\n    Properties: {InstanceType: ml.t3.medium}\n",
    )
    .unwrap();
    let path = path.to_str().unwrap();
    // Named, and its content is a template: detected.
    let o = ailint(&["audit", path]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    // Forced to another kind: that reader's error.
    let o = ailint(&["audit", path, "--input-kind", "inventory"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("stack.txt:1:1: expected value"),
        "{}",
        stderr(&o)
    );
    // A named file that is none of the inputs is an error, not a silent skip.
    let other = dir.path().join("notes.json");
    std::fs::write(&other, r#"{"hello": "world"}"#).unwrap();
    let o = ailint(&["audit", other.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("not an input ailint reads"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn a_plan_supersedes_the_configuration_next_to_it() {
    // Walking the directory reads the plan (with its variable values) and points its
    // findings at the `.tf` lines; the `.tf` files are not read a second time.
    let o = ailint(&[
        "audit",
        "fixtures/sources/equivalent/terraform",
        "--format",
        "json",
    ]);
    let report = json(&o);
    assert_eq!(report["errors"], serde_json::json!([]));
    let all = findings(&report);
    let ids: Vec<&str> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["resource"]["id"].as_str().unwrap())
        .collect();
    assert!(ids.iter().all(|id| id.contains("plan.json#")), "{ids:?}");
    let research = find(&all, "AIL-NET-001", "research");
    assert_eq!(research.2, "fixtures/sources/equivalent/terraform/main.tf");
    assert_eq!(research.3, 22);
    // What only the apply knows, and the configuration does not say, is not assessed.
    let lf = find(
        &all,
        "AIL-LF-001B",
        "aws_lakeformation_data_lake_settings.lake",
    );
    assert_eq!(lf.4, "not_assessed");
}

#[test]
fn a_terraform_endpoint_options_block_enforces_https_unless_it_says_otherwise() {
    use ailint::config::Config;
    use ailint::engine::{RuleSet, Status};
    use ailint::model::ModelSchema;
    let dir = tempfile::tempdir().unwrap();
    let tf = dir.path().join("main.tf");
    // The provider defaults `enforce_https` to true inside `domain_endpoint_options`;
    // without the block the API default, false, applies.
    std::fs::write(
        &tf,
        r#"
resource "aws_opensearch_domain" "block_default" {
  domain_name = "block-default"
  domain_endpoint_options {
    tls_security_policy = "Policy-Min-TLS-1-2-2019-07"
  }
}

resource "aws_opensearch_domain" "no_block" {
  domain_name = "no-block"
}

resource "aws_opensearch_domain" "explicit_off" {
  domain_name = "explicit-off"
  domain_endpoint_options {
    enforce_https = false
  }
}
"#,
    )
    .unwrap();
    let mut rules = RuleSet::load(&[], ModelSchema::builtin()).unwrap();
    rules.rules.retain(|r| r.meta.id == "AIL-TLS-002");
    let report = ailint::audit_paths(&[tf], &Config::default(), &rules);
    assert!(report.errors.is_empty(), "{:?}", report.errors);
    let mut failed: Vec<String> = report
        .findings
        .iter()
        .filter(|f| f.status == Status::Fail)
        .map(|f| f.resource.name.to_string())
        .collect();
    failed.sort();
    assert_eq!(failed, ["explicit-off", "no-block"]);
    assert_eq!(report.per_rule["AIL-TLS-002"].pass, 1);
}

#[test]
fn a_terraform_audit_log_block_publishes_unless_it_says_otherwise() {
    use ailint::config::Config;
    use ailint::engine::{RuleSet, Status};
    use ailint::model::ModelSchema;
    let dir = tempfile::tempdir().unwrap();
    let tf = dir.path().join("main.tf");
    // The provider defaults `enabled` to true inside `log_publishing_options`; a block of
    // another log type does not publish audit logs.
    std::fs::write(
        &tf,
        r#"
resource "aws_opensearch_domain" "block_default" {
  domain_name = "block-default"
  log_publishing_options {
    log_type                 = "AUDIT_LOGS"
    cloudwatch_log_group_arn = "arn:aws:logs:eu-west-1:111122223333:log-group:audit"
  }
}

resource "aws_opensearch_domain" "other_type" {
  domain_name = "other-type"
  log_publishing_options {
    log_type                 = "SEARCH_SLOW_LOGS"
    cloudwatch_log_group_arn = "arn:aws:logs:eu-west-1:111122223333:log-group:slow"
  }
}

resource "aws_opensearch_domain" "explicit_off" {
  domain_name = "explicit-off"
  log_publishing_options {
    log_type                 = "AUDIT_LOGS"
    cloudwatch_log_group_arn = "arn:aws:logs:eu-west-1:111122223333:log-group:audit"
    enabled                  = false
  }
}
"#,
    )
    .unwrap();
    let mut rules = RuleSet::load(&[], ModelSchema::builtin()).unwrap();
    rules.rules.retain(|r| r.meta.id == "AIL-VEC-001C");
    let report = ailint::audit_paths(&[tf], &Config::default(), &rules);
    assert!(report.errors.is_empty(), "{:?}", report.errors);
    let mut failed: Vec<String> = report
        .findings
        .iter()
        .filter(|f| f.status == Status::Fail)
        .map(|f| f.resource.name.to_string())
        .collect();
    failed.sort();
    assert_eq!(failed, ["explicit-off", "other-type"]);
    assert_eq!(report.per_rule["AIL-VEC-001C"].pass, 1);
}

#[test]
fn a_model_created_from_a_model_package_is_judged_by_the_package() {
    use ailint::config::Config;
    use ailint::engine::{RuleSet, Status};
    use ailint::model::ModelSchema;
    let dir = tempfile::tempdir().unwrap();
    let cfn = dir.path().join("stack.yaml");
    std::fs::write(
        &cfn,
        r#"
Resources:
  Package:
    Type: AWS::SageMaker::ModelPackage
    Properties:
      ModelPackageGroupName: fraud
      ModelApprovalStatus: Approved
  Model:
    Type: AWS::SageMaker::Model
    Properties:
      PrimaryContainer:
        ModelPackageName: !Ref Package
  Config:
    Type: AWS::SageMaker::EndpointConfig
    Properties:
      ProductionVariants:
        - ModelName: !GetAtt Model.ModelName
  Endpoint:
    Type: AWS::SageMaker::Endpoint
    Properties:
      EndpointName: from-package
      EndpointConfigName: !GetAtt Config.EndpointConfigName
"#,
    )
    .unwrap();
    // Terraform has no model package resource: a package named by ARN is not in the
    // configuration, so whether it is approved is unknown, not "no package".
    let tf = dir.path().join("main.tf");
    std::fs::write(
        &tf,
        r#"
resource "aws_sagemaker_model" "m" {
  name = "from-registry"
  primary_container {
    model_package_name = "arn:aws:sagemaker:us-east-1:111122223333:model-package/fraud/3"
  }
}
"#,
    )
    .unwrap();
    let mut rules = RuleSet::load(&[], ModelSchema::builtin()).unwrap();
    rules.rules.retain(|r| r.meta.id == "AIL-GOV-001");
    let report = ailint::audit_paths(std::slice::from_ref(&cfn), &Config::default(), &rules);
    assert!(report.errors.is_empty(), "{:?}", report.errors);
    assert_eq!(
        report.per_rule["AIL-GOV-001"].pass, 1,
        "{:?}",
        report.findings
    );

    let schema = ModelSchema::builtin();
    let (collected, errors) = read_inputs_with(&[tf], schema, &ReadOptions::default());
    assert!(errors.is_empty(), "{errors:?}");
    let (model, _) = Model::build(collected, schema);
    let m = model
        .resources
        .iter()
        .find(|r| r.type_name == "AWS::SageMaker::Model")
        .unwrap();
    assert!(
        m.unknown.iter().any(|u| u.path == "modelPackage"),
        "{:?}",
        m.unknown
    );
    assert!(!report.findings.iter().any(|f| f.status == Status::Fail));
}

/// Writes `text` as `name` in a fresh directory and returns the normalized model.
fn normalized_text(name: &str, text: &str) -> BTreeMap<String, Vec<serde_json::Value>> {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(name);
    std::fs::write(&path, text).unwrap();
    normalized(&[path], &ReadOptions::default())
}

#[test]
fn vector_store_and_model_access_facts_are_read_from_terraform() {
    let model = normalized_text(
        "main.tf",
        r#"
resource "aws_opensearch_domain" "kb" {
  domain_name = "kb-vectors"
  vpc_options {
    subnet_ids = ["subnet-1"]
  }
  advanced_security_options {
    enabled                        = true
    internal_user_database_enabled = false
  }
  log_publishing_options {
    log_type                 = "INDEX_SLOW_LOGS"
    cloudwatch_log_group_arn = "arn:aws:logs:eu-west-1:111122223333:log-group:slow"
    enabled                  = false
  }
  log_publishing_options {
    log_type                 = "AUDIT_LOGS"
    cloudwatch_log_group_arn = "arn:aws:logs:eu-west-1:111122223333:log-group:audit"
    enabled                  = true
  }
}

resource "aws_iam_role" "app" {
  name = "app"
}

resource "aws_iam_role_policy_attachment" "full" {
  role       = aws_iam_role.app.name
  policy_arn = "arn:aws:iam::aws:policy/AmazonBedrockFullAccess"
}

resource "aws_vpc_endpoint" "runtime" {
  vpc_id            = "vpc-1"
  service_name      = "com.amazonaws.eu-west-1.bedrock-runtime"
  vpc_endpoint_type = "Interface"
  policy = jsonencode({
    Statement = [{ Effect = "Allow", Principal = "*", Action = "bedrock:InvokeModel", Resource = "*" }]
  })
}

resource "aws_opensearchserverless_security_policy" "net" {
  name = "kb-net"
  type = "network"
  policy = jsonencode([{
    Rules           = [{ ResourceType = "collection", Resource = ["collection/kb-*"] }]
    AllowFromPublic = true
  }])
}

resource "aws_opensearchserverless_collection" "kb" {
  name = "kb-docs"
  type = "VECTORSEARCH"
}
"#,
    );
    let domain = &model["AWS::OpenSearchService::Domain"][0]["attributes"];
    assert_eq!(domain["auditLogsEnabled"], true, "{domain}");
    assert_eq!(domain["advancedSecurityEnabled"], true);
    assert_eq!(domain["internalUserDatabaseEnabled"], false);
    assert_eq!(domain["vpcSubnets"], serde_json::json!(["subnet-1"]));
    let role = &model["AWS::IAM::Role"][0]["attributes"];
    assert_eq!(
        role["managedPolicyArns"],
        serde_json::json!(["arn:aws:iam::aws:policy/AmazonBedrockFullAccess"]),
        "{model:#?}"
    );
    let endpoint = &model["AWS::EC2::VPCEndpoint"][0]["attributes"];
    assert_eq!(endpoint["allowsAnyModelInvocation"], true, "{endpoint}");
    let collection = &model["AWS::OpenSearchServerless::Collection"][0]["attributes"];
    assert_eq!(collection["publicNetworkAccess"], true, "{collection}");
}

#[test]
fn vector_store_and_model_access_facts_are_read_from_cloudformation() {
    let model = normalized_text(
        "template.yaml",
        r#"
Resources:
  Domain:
    Type: AWS::OpenSearchService::Domain
    Properties:
      DomainName: kb-vectors
      AdvancedSecurityOptions:
        Enabled: true
        InternalUserDatabaseEnabled: true
      LogPublishingOptions:
        AUDIT_LOGS:
          Enabled: true
          CloudWatchLogsLogGroupArn: arn:aws:logs:eu-west-1:111122223333:log-group:audit
  Role:
    Type: AWS::IAM::Role
    Properties:
      RoleName: sm-execution
      ManagedPolicyArns:
        - arn:aws:iam::aws:policy/AmazonSageMakerFullAccess
  Endpoint:
    Type: AWS::EC2::VPCEndpoint
    Properties:
      VpcId: vpc-1
      ServiceName: com.amazonaws.eu-west-1.bedrock-runtime
      VpcEndpointType: Interface
  Encryption:
    Type: AWS::OpenSearchServerless::SecurityPolicy
    Properties:
      Name: kb-enc
      Type: encryption
      Policy: '{"Rules":[{"ResourceType":"collection","Resource":["collection/kb-docs"]}],"AWSOwnedKey":false,"KmsARN":"arn:aws:kms:eu-west-1:111122223333:key/1"}'
  Collection:
    Type: AWS::OpenSearchServerless::Collection
    Properties:
      Name: kb-docs
      Type: VECTORSEARCH
  Access:
    Type: AWS::OpenSearchServerless::AccessPolicy
    Properties:
      Name: kb-access
      Type: data
      Policy: '[{"Rules":[{"ResourceType":"index","Resource":["index/*/*"],"Permission":["aoss:*"]}],"Principal":["*"]}]'
"#,
    );
    let domain = &model["AWS::OpenSearchService::Domain"][0]["attributes"];
    assert_eq!(domain["auditLogsEnabled"], true, "{domain}");
    assert_eq!(domain["internalUserDatabaseEnabled"], true);
    // No VPCOptions: a public domain.
    assert!(domain.get("vpcSubnets").is_none());
    let role = &model["AWS::IAM::Role"][0]["attributes"];
    assert_eq!(
        role["managedPolicyArns"],
        serde_json::json!(["arn:aws:iam::aws:policy/AmazonSageMakerFullAccess"])
    );
    // No PolicyDocument: the default full-access policy.
    let endpoint = &model["AWS::EC2::VPCEndpoint"][0]["attributes"];
    assert_eq!(endpoint["allowsAnyModelInvocation"], true, "{endpoint}");
    let collection = &model["AWS::OpenSearchServerless::Collection"][0]["attributes"];
    assert_eq!(collection["cmkEncryptionPolicy"], true, "{collection}");
    let access = &model["AWS::OpenSearchServerless::AccessPolicy"][0]["attributes"];
    assert_eq!(access["grantsToEveryone"], true);
    assert_eq!(access["grantsAllOnAllCollections"], true);
}

#[test]
fn knowledge_base_secrets_and_agentcore_runtimes_are_read_from_cloudformation() {
    let model = normalized_text(
        "template.yaml",
        r#"
Resources:
  Key:
    Type: AWS::KMS::Key
  MongoSecret:
    Type: AWS::SecretsManager::Secret
    Properties:
      Name: mongo-credentials
      KmsKeyId: !Ref Key
      Tags:
        - Key: team
          Value: search
  Mongo:
    Type: AWS::Bedrock::KnowledgeBase
    Properties:
      Name: catalogue
      StorageConfiguration:
        Type: MONGO_DB_ATLAS
        MongoDbAtlasConfiguration:
          Endpoint: catalogue.mongodb.net
          CredentialsSecretArn: !Ref MongoSecret
  Elsewhere:
    Type: AWS::Bedrock::KnowledgeBase
    Properties:
      Name: elsewhere
      StorageConfiguration:
        Type: PINECONE
        PineconeConfiguration:
          CredentialsSecretArn: arn:aws:secretsmanager:eu-west-1:111122223333:secret:pinecone-Ab12Cd
  Runtime:
    Type: AWS::BedrockAgentCore::Runtime
    Properties:
      AgentRuntimeName: claims_agent
      NetworkConfiguration:
        NetworkMode: PUBLIC
      Tags:
        team: claims
"#,
    );
    let kbs = &model["AWS::Bedrock::KnowledgeBase"];
    let named = |n: &str| {
        kbs.iter()
            .find(|k| k["attributes"]["storageType"] == n)
            .unwrap_or_else(|| panic!("{n}: {kbs:#?}"))
    };
    assert_eq!(
        named("MONGO_DB_ATLAS")["attributes"]["credentialsSecret"],
        "-> AWS::SecretsManager::Secret"
    );
    // A secret the template does not declare is not known: never taken as unencrypted.
    let pinecone = named("PINECONE");
    assert!(pinecone["attributes"].get("credentialsSecret").is_none());
    assert!(
        pinecone["unknown"]
            .as_array()
            .unwrap()
            .contains(&serde_json::json!("credentialsSecret")),
        "{pinecone}"
    );
    let secret = &model["AWS::SecretsManager::Secret"][0];
    assert_eq!(secret["attributes"]["kmsKey"], "-> AWS::KMS::Key");
    assert_eq!(secret["tags"], serde_json::json!({"team": "search"}));
    let runtime = &model["AWS::BedrockAgentCore::Runtime"][0];
    assert_eq!(runtime["attributes"]["networkMode"], "PUBLIC");
    assert_eq!(
        runtime["attributes"]["tagKeys"],
        serde_json::json!(["team"])
    );
}

#[test]
fn knowledge_base_secrets_and_agentcore_runtimes_are_read_from_terraform() {
    let model = normalized_text(
        "main.tf",
        r#"
resource "aws_secretsmanager_secret" "redis" {
  name       = "redis-credentials"
  kms_key_id = "alias/aws/secretsmanager"
}

resource "aws_bedrockagent_knowledge_base" "sessions" {
  name     = "sessions"
  role_arn = "arn:aws:iam::111122223333:role/kb"
  storage_configuration {
    type = "REDIS_ENTERPRISE_CLOUD"
    redis_enterprise_cloud_configuration {
      endpoint               = "redis-12345.c1.us-east-1-2.ec2.cloud.redislabs.com:12345"
      vector_index_name      = "sessions"
      credentials_secret_arn = aws_secretsmanager_secret.redis.arn
    }
  }
}

resource "aws_bedrockagentcore_agent_runtime" "claims" {
  agent_runtime_name = "claims_agent"
  role_arn           = "arn:aws:iam::111122223333:role/runtime"
  network_configuration {
    network_mode = "VPC"
  }
}
"#,
    );
    let kb = &model["AWS::Bedrock::KnowledgeBase"][0]["attributes"];
    assert_eq!(kb["credentialsSecret"], "-> AWS::SecretsManager::Secret");
    // The AWS managed key, named: a key whose manager is AWS.
    let secret = &model["AWS::SecretsManager::Secret"][0]["attributes"];
    assert_eq!(secret["kmsKey"], "-> AWS::KMS::Key");
    let key = &model["AWS::KMS::Key"][0]["attributes"];
    assert_eq!(key["keyManager"], "AWS");
    let runtime = &model["AWS::BedrockAgentCore::Runtime"][0]["attributes"];
    assert_eq!(runtime["networkMode"], "VPC");
}

#[test]
fn a_terraform_invocation_logging_configuration_turns_logging_on_and_names_its_bucket() {
    let model = normalized_text(
        "main.tf",
        r#"
provider "aws" {
  region = "eu-west-1"
}

resource "aws_s3_bucket" "logs" {
  bucket = "bedrock-invocation-logs"
}

resource "aws_s3_bucket" "other" {
  bucket = "unrelated"
}

resource "aws_bedrock_model_invocation_logging_configuration" "this" {
  logging_config {
    s3_config {
      bucket_name = aws_s3_bucket.logs.id
    }
    cloudwatch_config {
      log_group_name = "bedrock-invocations"
      role_arn       = "arn:aws:iam::111122223333:role/bedrock-logging"
    }
  }
}
"#,
    );
    let logging = &model["AWS::Bedrock::ModelInvocationLogging"][0]["attributes"];
    assert_eq!(logging["enabled"], true, "{logging}");
    // The provider delivers text unless `text_data_delivery_enabled` says otherwise.
    assert_eq!(logging["textDataDeliveryEnabled"], true);
    assert_eq!(logging["s3Bucket"], "bedrock-invocation-logs");
    assert_eq!(logging["logGroupName"], "bedrock-invocations");
    let buckets = &model["AWS::S3::Bucket"];
    let logs: Vec<bool> = buckets
        .iter()
        .map(|b| b["attributes"]["invocationLogs"] == true)
        .collect();
    assert_eq!(logs.iter().filter(|l| **l).count(), 1, "{buckets:?}");
}

#[test]
fn policies_name_their_roles_in_terraform_and_cloudformation() {
    let model = normalized_text(
        "main.tf",
        r#"
resource "aws_iam_role" "agent" {
  name               = "agent"
  assume_role_policy = "{}"
  inline_policy {
    name = "everything"
    policy = jsonencode({
      Statement = [{ Effect = "Allow", Action = "*", Resource = "*" }]
    })
  }
}
"#,
    );
    let role = &model["AWS::IAM::Role"][0];
    assert_eq!(role["attributes"]["allowsAllAiActions"], true, "{model:#?}");
    let policy = &model["AWS::IAM::Policy"][0]["attributes"];
    assert!(
        policy["roles"][0]
            .as_str()
            .is_some_and(|r| r.ends_with("#aws_iam_role.agent")),
        "{policy}"
    );

    let model = normalized_text(
        "template.yaml",
        r#"
AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Agent:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument: {}
  SageMakerEverything:
    Type: AWS::IAM::Policy
    Properties:
      PolicyName: sagemaker-everything
      Roles: [!Ref Agent]
      PolicyDocument:
        Statement:
          - Effect: Allow
            Action: sagemaker:*
            Resource: "*"
"#,
    );
    let role = &model["AWS::IAM::Role"][0];
    assert_eq!(role["attributes"]["allowsAllAiActions"], true, "{model:#?}");
}
