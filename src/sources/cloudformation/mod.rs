//! CloudFormation templates, JSON or YAML (short forms included), SAM and CDK output.
//!
//! A template becomes one [`Unit`]: its resources with their properties resolved by
//! [`intrinsics::Resolver`], then mapped to the model by [`types::MAPPINGS`]. Suppressions
//! come from each resource's `Metadata.ailint.suppress: [{id, reason}]`.

mod intrinsics;
pub mod types;

use std::collections::HashMap;
use std::sync::Arc;

use intrinsics::{Resolver, TemplateError};

use super::iac::{Declared, Unit};
use super::tree::{Node, Tree};
use super::{InputError, SourceText};
use crate::model::{Collected, ModelSchema, Suppression};

/// What the configuration fixes about where templates are deployed.
#[derive(Debug, Clone, Default)]
pub struct Target {
    pub region: Option<String>,
    pub account: Option<String>,
}

/// Whether a parsed JSON or YAML document is a CloudFormation template: a
/// `AWSTemplateFormatVersion`, or `Resources` whose entries have a `Type`.
pub fn is_template(doc: &Node) -> bool {
    if doc.get("AWSTemplateFormatVersion").is_some() {
        return true;
    }
    doc.get("Resources")
        .and_then(Node::as_map)
        .is_some_and(|r| {
            !r.is_empty()
                && r.iter()
                    .all(|(_, v)| v.get("Type").and_then(Node::as_str).is_some())
        })
}

/// Whether a text that does not parse looked like a template, so the failure is worth an
/// error rather than a skip.
pub fn looks_like_template(text: &str) -> bool {
    text.contains("AWSTemplateFormatVersion")
        || (text.contains("Resources") && text.contains("AWS::"))
}

/// Reads a parsed template into a unit; errors are located by line.
pub fn read(doc: &Node, file: &Arc<str>, target: &Target) -> (Option<Unit>, Vec<TemplateError>) {
    let mut errors = Vec::new();
    let Some(resources) = doc.get("Resources").and_then(Node::as_map) else {
        errors.push(TemplateError {
            line: doc.line,
            message: "the template has no `Resources` map".into(),
        });
        return (None, errors);
    };

    let mut parameters = HashMap::new();
    if let Some(params) = doc.get("Parameters").and_then(Node::as_map) {
        for (k, v) in params {
            let value = match v.get("Default") {
                Some(d) => Ok(d.clone()),
                None => Err(format!("the parameter `{}` has no default", k.name)),
            };
            parameters.insert(k.name.clone(), value);
        }
    }
    let conditions: HashMap<String, &Node> = doc
        .get("Conditions")
        .and_then(Node::as_map)
        .map(|c| c.iter().map(|(k, v)| (k.name.clone(), v)).collect())
        .unwrap_or_default();
    let types: HashMap<String, String> = resources
        .iter()
        .filter_map(|(k, v)| Some((k.name.clone(), v.get("Type")?.as_str()?.to_string())))
        .collect();
    let mut resolver = Resolver::new(
        parameters,
        conditions,
        doc.get("Mappings"),
        types,
        target.region.clone(),
        target.account.clone(),
    );
    // What `Ref` of a bucket gives inside strings: its name, as written, or its logical id,
    // which stands for the name CloudFormation generates.
    let mut bucket_names = Vec::new();
    for (k, v) in resources {
        if v.get("Type").and_then(Node::as_str) == Some("AWS::S3::Bucket") {
            let written = v
                .get("Properties")
                .and_then(|p| p.get("BucketName"))
                .and_then(|n| resolver.resolve(n).ok().flatten());
            let name = match written.as_ref().map(|n| &n.value) {
                Some(Tree::String(s)) => s.clone(),
                _ => k.name.clone(),
            };
            bucket_names.push((k.name.clone(), name));
        }
    }
    resolver.ref_strings.extend(bucket_names);

    let mut declared = Vec::new();
    for (key, def) in resources {
        let Some(source_type) = def.get("Type").and_then(Node::as_str) else {
            errors.push(TemplateError {
                line: key.line,
                message: format!("resource `{}` has no `Type`", key.name),
            });
            continue;
        };
        if let Some(cond) = def.get("Condition") {
            let Some(name) = cond.as_str() else {
                errors.push(TemplateError {
                    line: cond.line,
                    message: "a resource's `Condition` must be a condition name".into(),
                });
                continue;
            };
            match resolver.condition(name, cond.line) {
                // Not created in this template's deployments.
                Ok(Some(false)) => continue,
                Ok(_) => {}
                Err(e) => {
                    errors.push(e);
                    continue;
                }
            }
        }
        let properties = match def.get("Properties") {
            Some(p) => match resolver.resolve(p) {
                Ok(Some(p)) => p,
                Ok(None) => Node::new(p.line, Tree::Map(vec![])),
                Err(e) => {
                    errors.push(e);
                    continue;
                }
            },
            None => Node::new(key.line, Tree::Map(vec![])),
        };
        let tags = tags(&properties);
        let suppressions = suppressions(def);
        let d = Declared {
            source_type: source_type.to_string(),
            address: key.name.clone(),
            line: key.line,
            properties,
            tags,
            suppressions,
            file: None,
        };
        if source_type == "AWS::IAM::Role" {
            declared.extend(super::iac::inline_policies(
                &d,
                "Policies",
                "PolicyName",
                "PolicyDocument",
                "AWS::IAM::Policy",
                "Roles",
            ));
        }
        declared.push(d);
    }
    let region = match &target.region {
        Some(r) => Ok(r.clone()),
        None => Err(
            "a template does not fix its region; set `[cloudformation] region` in ailint.toml"
                .to_string(),
        ),
    };
    (
        Some(Unit {
            file: file.clone(),
            id_prefix: file.to_string(),
            account: target.account.clone(),
            region,
            resources: declared,
        }),
        errors,
    )
}

/// `Tags: [{Key, Value}]` (most types) or `Tags: {k: v}` (SAM, some Bedrock types), when
/// their values are known.
fn tags(properties: &Node) -> Vec<(String, String)> {
    let Some(tags) = properties.get("Tags") else {
        return Vec::new();
    };
    match &tags.value {
        Tree::List(items) => items
            .iter()
            .filter_map(|t| {
                Some((
                    t.get("Key")?.as_str()?.to_string(),
                    t.get("Value")?.as_str()?.to_string(),
                ))
            })
            .collect(),
        Tree::Map(entries) => entries
            .iter()
            .filter_map(|(k, v)| Some((k.name.clone(), v.as_str()?.to_string())))
            .collect(),
        _ => Vec::new(),
    }
}

/// `Metadata.ailint.suppress: [{id: AIL-NET-001, reason: "..."}]`.
fn suppressions(def: &Node) -> Vec<Suppression> {
    let Some(list) = def
        .get("Metadata")
        .and_then(|m| m.get("ailint"))
        .and_then(|a| a.get("suppress"))
        .and_then(Node::as_list)
    else {
        return Vec::new();
    };
    list.iter()
        .filter_map(|s| {
            Some(Suppression {
                rule: s.get("id")?.as_str()?.to_string(),
                reason: s
                    .get("reason")
                    .and_then(Node::as_str)
                    .map(str::trim)
                    .filter(|r| !r.is_empty())
                    .map(str::to_string),
                line: s.line,
            })
        })
        .collect()
}

/// Reads a template file into the model.
pub fn read_file(
    src: &SourceText,
    yaml: bool,
    schema: &'static ModelSchema,
    target: &Target,
    named: bool,
) -> (Collected, Vec<InputError>) {
    let parsed = if yaml {
        super::yaml::parse(&src.text)
    } else {
        // `.template` files are JSON or YAML; YAML reads JSON too, but JSON's own parser is
        // faster and its errors are clearer.
        super::tree::parse_json(&src.text).or_else(|json_error| {
            if src.text.trim_start().starts_with('{') {
                Err(json_error)
            } else {
                super::yaml::parse(&src.text)
            }
        })
    };
    let doc = match parsed {
        Ok(doc) => doc,
        Err(e) => {
            return (
                Collected::default(),
                vec![InputError::at(
                    src,
                    e.offset,
                    format!("cannot parse the template: {}", e.message),
                )],
            )
        }
    };
    if !is_template(&doc) {
        let errors = if named {
            vec![InputError::whole_file(
                &src.path,
                "not a CloudFormation template: no `Resources` with `Type`s",
            )]
        } else {
            vec![]
        };
        return (Collected::default(), errors);
    }
    let (unit, template_errors) = read(&doc, &src.path, target);
    let mut errors: Vec<InputError> = template_errors
        .into_iter()
        .map(|e| InputError::at_line(src, e.line, e.message))
        .collect();
    let mut collected = Collected::default();
    if let Some(unit) = unit {
        let (resources, mapping_errors) = super::iac::to_model(&unit, &types::MAPPINGS, schema);
        errors.extend(
            mapping_errors
                .into_iter()
                .map(|e| InputError::at_line(src, e.line, e.message)),
        );
        collected.resources = resources;
    }
    (collected, errors)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sources::iac::to_model;

    fn unit(yaml: &str, target: &Target) -> (Unit, Vec<TemplateError>) {
        let doc = crate::sources::yaml::parse(yaml).unwrap();
        assert!(is_template(&doc));
        let (unit, errors) = read(&doc, &Arc::from("t.yaml"), target);
        (unit.unwrap(), errors)
    }

    const TEMPLATE: &str = r#"
AWSTemplateFormatVersion: "2010-09-09"
Parameters:
  Env: {Type: String, Default: prod}
  ExternalKey: {Type: String}
Conditions:
  IsProd: !Equals [!Ref Env, prod]
  HasKey: !Not [!Equals [!Ref ExternalKey, ""]]
Resources:
  Key:
    Type: AWS::KMS::Key
    Properties:
      EnableKeyRotation: true
  Alias:
    Type: AWS::KMS::Alias
    Properties:
      AliasName: alias/ml
      TargetKeyId: !Ref Key
  Nb:
    Type: AWS::SageMaker::NotebookInstance
    Metadata:
      ailint:
        suppress:
          - id: AIL-IAM-006
            reason: vendor image needs root
          - id: AIL-NET-001
    Properties:
      InstanceType: ml.t3.medium
      KmsKeyId: !GetAtt Key.Arn
      RootAccess: !If [IsProd, Disabled, Enabled]
      DirectInternetAccess: !If [HasKey, Disabled, !Ref AWS::NoValue]
  DevOnly:
    Type: AWS::SageMaker::NotebookInstance
    Condition: IsDev
    Properties: {}
  Artifacts:
    Type: AWS::S3::Bucket
  Model:
    Type: AWS::SageMaker::Model
    Properties:
      PrimaryContainer:
        ModelDataUrl: !Sub "s3://${Artifacts}/model.tar.gz"
  Imported:
    Type: AWS::SageMaker::NotebookInstance
    Properties:
      KmsKeyId: !ImportValue shared-key
"#;

    #[test]
    fn intrinsics_resolve_or_become_unknown() {
        let template = TEMPLATE.replace("Condition: IsDev", "Condition: IsProd");
        let (u, errors) = unit(&template, &Target::default());
        assert!(errors.is_empty(), "{errors:?}");
        let (resources, errors) = to_model(&u, &types::MAPPINGS, ModelSchema::builtin());
        assert!(errors.is_empty(), "{errors:?}");
        let get = |name: &str| {
            resources
                .iter()
                .find(|r| r.name.as_deref() == Some(name))
                .unwrap()
        };
        let key = get("Key");
        assert_eq!(key.attributes["keyManager"], "CUSTOMER");
        assert_eq!(key.attributes["aliases"], serde_json::json!(["alias/ml"]));
        let nb = get("Nb");
        assert_eq!(nb.attributes["kmsKey"], "t.yaml#Key");
        assert_eq!(nb.attributes["rootAccess"], "Disabled");
        // The condition is unknown (a parameter without a default): so is the property.
        let dia = nb
            .unknown
            .iter()
            .find(|u| u.path == "directInternetAccess")
            .unwrap();
        assert!(dia.reason.contains("HasKey"), "{dia:?}");
        assert_eq!(nb.line_of("kmsKey"), 29);
        assert_eq!(nb.location.line, 19);
        let s = &nb.details.as_ref().unwrap().suppressions;
        assert_eq!(s.len(), 2);
        assert_eq!(s[0].reason.as_deref(), Some("vendor image needs root"));
        assert_eq!(s[1].reason, None);
        assert_eq!(
            get("Model").attributes["modelDataUrl"],
            "s3://Artifacts/model.tar.gz"
        );
        assert!(get("Imported")
            .unknown
            .iter()
            .any(|u| u.path == "kmsKey" && u.reason.contains("ImportValue")));
        // No region in a template: residency is unknown, not a pass.
        assert!(nb.unknown.iter().any(|u| u.path == "region"));
    }

    #[test]
    fn false_conditions_drop_resources_and_bad_intrinsics_are_errors() {
        let (u, errors) = unit(TEMPLATE, &Target::default());
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert!(errors[0].message.contains("unknown condition `IsDev`"));
        assert!(!u.resources.iter().any(|d| d.address == "DevOnly"));

        let (_, errors) = unit(
            "Resources:\n  A:\n    Type: AWS::S3::Bucket\n    Properties:\n      BucketName: !Bogus x\n",
            &Target::default(),
        );
        assert_eq!(errors[0].line, 5);
        assert!(errors[0]
            .message
            .contains("unknown intrinsic function `Fn::Bogus`"));
        let (_, errors) = unit(
            "Conditions:\n  A: !Condition B\n  B: !Condition A\nResources:\n  X:\n    Type: AWS::S3::Bucket\n    Condition: A\n",
            &Target::default(),
        );
        assert!(
            errors[0].message.contains("depends on itself"),
            "{errors:?}"
        );
    }

    #[test]
    fn a_configured_region_is_the_stack_region() {
        let target = Target {
            region: Some("eu-west-1".into()),
            account: Some("111122223333".into()),
        };
        let (u, _) = unit(
            "Resources:\n  B:\n    Type: AWS::S3::Bucket\n    Properties:\n      BucketName: !Sub 'data-${AWS::Region}-${AWS::AccountId}'\n",
            &target,
        );
        let (resources, _) = to_model(&u, &types::MAPPINGS, ModelSchema::builtin());
        assert_eq!(
            resources[0].name.as_deref(),
            Some("data-eu-west-1-111122223333")
        );
        assert_eq!(resources[0].region.as_deref(), Some("eu-west-1"));
    }
}
