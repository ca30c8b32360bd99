//! Checks resources against the schema and applies AWS defaults.

use std::collections::BTreeMap;

use super::schema::{is_synthesized, AttrSpec, AttrType, EntityTypeSpec, ModelSchema};
use super::value::{Attrs, Record, Value, ValueError};
use super::Resource;

/// A resource that does not match the schema: the attribute path and what is wrong.
pub type AttrError = ValueError;

/// Attributes every resource carries at the top level of the inventory, not in `attributes`.
pub const ENVELOPE: [&str; 3] = ["name", "account", "region"];

/// The schema's entry for a type an input lists: known, and not one ailint builds itself.
pub fn input_type(
    type_name: &str,
    schema: &'static ModelSchema,
) -> Result<(&'static str, &'static EntityTypeSpec), AttrError> {
    let Some((name, spec)) = schema.entity_types.get_key_value(type_name) else {
        let known: Vec<&str> = schema.inventory_types().collect();
        return Err(AttrError {
            path: String::new(),
            message: format!(
                "unknown resource type `{type_name}`{}",
                did_you_mean(type_name, known.iter().copied())
            ),
        });
    };
    if is_synthesized(type_name) || !schema.resource_types.iter().any(|t| t == type_name) {
        return Err(AttrError {
            path: String::new(),
            message: format!(
                "resources of type `{type_name}` are built by ailint and cannot be listed in an inventory"
            ),
        });
    }
    Ok((name.as_str(), spec))
}

/// Converts the attributes an input gives for a resource of type `spec`, checking names
/// and types; derived attributes cannot be set.
pub fn input_attributes(
    obj: &serde_json::Map<String, serde_json::Value>,
    spec: &'static EntityTypeSpec,
    errors: &mut Vec<AttrError>,
) -> Attrs {
    Attrs::from_json(obj, &spec.attrs, &spec.name, &ENVELOPE, false, errors)
}

/// Checks what an input resource carries besides its attributes (converted and checked by
/// [`input_attributes`]): tags where the type has none, unknown paths naming no attribute.
pub fn check_resource(r: &Resource, schema: &ModelSchema) -> Vec<AttrError> {
    let mut errors = Vec::new();
    let Some(spec) = schema.entity_type(r.type_name) else {
        errors.push(AttrError {
            path: String::new(),
            message: format!("unknown resource type `{}`", r.type_name),
        });
        return errors;
    };
    if !spec.has_tags && !r.tags.is_empty() {
        errors.push(AttrError {
            path: String::new(),
            message: format!("resources of type `{}` carry no tags", r.type_name),
        });
    }
    for u in &r.unknown {
        let envelope = u.path.starts_with("documents.") || (u.path == "tags" && spec.has_tags);
        if !envelope && resolve_path(spec, &u.path).is_none() {
            errors.push(AttrError {
                path: String::new(),
                message: format!(
                    "unknown path `{}` names no attribute of `{}`",
                    u.path, r.type_name
                ),
            });
        }
    }
    errors
}

/// Checks a resource of the normalized model, derived attributes included: what the model
/// code writes must match the schema too.
pub fn check_normalized(r: &Resource, schema: &ModelSchema) -> Vec<AttrError> {
    let mut errors = check_resource(r, schema);
    let Some(spec) = schema.entity_type(r.type_name) else {
        return errors;
    };
    for (name, value) in r.attributes.iter() {
        match spec.attrs.get(name) {
            None => errors.push(AttrError {
                path: name.to_string(),
                message: format!("unknown attribute `{name}` for `{}`", r.type_name),
            }),
            Some(attr) if !value.conforms(&attr.ty) => errors.push(AttrError {
                path: name.to_string(),
                message: format!(
                    "`{name}` does not have the schema's type {}: {value}",
                    attr.ty.describe()
                ),
            }),
            Some(_) => {}
        }
    }
    errors
}

/// The spec of a dotted attribute path, if the schema has it.
pub fn resolve_path<'s>(spec: &'s EntityTypeSpec, path: &str) -> Option<&'s AttrSpec> {
    let mut parts = path.split('.');
    let mut current = spec.attrs.get(parts.next()?)?;
    for part in parts {
        let AttrType::Record(fields) = &current.ty else {
            return None;
        };
        current = fields.get(part)?;
    }
    Some(current)
}

/// Fills in what AWS does when an attribute is absent, unless the attribute is unknown.
pub(crate) fn apply_defaults(r: &mut Resource, spec: &'static EntityTypeSpec) {
    let unknown: Vec<&str> = r.unknown.iter().map(|u| u.path.as_str()).collect();
    for (name, attr) in &spec.attrs {
        if unknown.contains(&name.as_str()) {
            continue;
        }
        match r.attributes.get_mut(name) {
            Some(Value::Record(inner)) => {
                if let AttrType::Record(fields) = &attr.ty {
                    if let Some(filled) = fill_record(inner, fields, name, &unknown) {
                        *inner = filled;
                    }
                }
            }
            Some(_) => {}
            None => {
                if let Some(v) = default_value(attr) {
                    r.attributes.insert(name.as_str(), v);
                }
            }
        }
    }
}

/// The record with defaults filled in, when any field was missing one.
fn fill_record(
    record: &Record,
    fields: &'static BTreeMap<String, AttrSpec>,
    prefix: &str,
    unknown: &[&str],
) -> Option<Record> {
    let mut added: Vec<(&'static str, Value)> =
        record.iter().map(|(k, v)| (k, v.clone())).collect();
    let given = added.len();
    for (name, spec) in fields {
        let path = format!("{prefix}.{name}");
        if record.get(name).is_some() || unknown.contains(&path.as_str()) {
            continue;
        }
        if let Some(v) = default_value(spec) {
            added.push((name.as_str(), v));
        }
    }
    (added.len() > given).then(|| Record::from_fields(added))
}

fn default_value(spec: &AttrSpec) -> Option<Value> {
    let default = spec.default.as_ref()?;
    Some(match spec.ty {
        AttrType::Bool => Value::Bool(default == "true"),
        _ => Value::string(default.as_str()),
    })
}

/// ` (did you mean `x`?)` for the closest candidate within a small edit distance.
pub fn did_you_mean<'a>(word: &str, candidates: impl Iterator<Item = &'a str>) -> String {
    let lower = word.to_ascii_lowercase();
    let best = candidates
        .map(|c| (edit_distance(&lower, &c.to_ascii_lowercase()), c))
        .min();
    match best {
        Some((d, c)) if d <= 3.max(word.len() / 3) => format!("; did you mean `{c}`?"),
        _ => String::new(),
    }
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != *cb);
            cur[j + 1] = (prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Location, Unknown};
    use serde_json::json;

    fn convert(type_name: &str, attributes: serde_json::Value) -> Vec<AttrError> {
        let (_, spec) = input_type(type_name, ModelSchema::builtin()).unwrap();
        let mut errors = Vec::new();
        input_attributes(attributes.as_object().unwrap(), spec, &mut errors);
        errors
    }

    fn resource(type_name: &'static str) -> Resource {
        Resource::new(
            type_name,
            "r",
            Location {
                file: "t.json".into(),
                line: 1,
            },
        )
    }

    #[test]
    fn typo_in_attribute_suggests_the_schema_name() {
        let errs = convert("AWS::SageMaker::NotebookInstance", json!({"kmsKeyId": "k"}));
        assert_eq!(errs.len(), 1);
        assert!(
            errs[0].message.contains("did you mean `kmsKey`"),
            "{errs:?}"
        );
    }

    #[test]
    fn wrong_types_and_derived_attributes_are_rejected() {
        let errs = convert(
            "AWS::S3::Bucket",
            json!({"sseAlgorithm": true, "deniesInsecureTransport": true}),
        );
        let msgs: Vec<&str> = errs.iter().map(|e| e.message.as_str()).collect();
        assert!(
            msgs.iter()
                .any(|m| m.contains("must be a string, found `true`")),
            "{msgs:?}"
        );
        assert!(
            msgs.iter().any(|m| m.contains("derived by ailint")),
            "{msgs:?}"
        );
    }

    #[test]
    fn records_check_required_and_unknown_fields() {
        let msgs: Vec<String> = convert(
            "AWS::LakeFormation::DataLakeSettings",
            json!({"createDatabaseDefaultPermissions": [{"principal": "x", "permission": ["ALL"]}]}),
        )
        .into_iter()
        .map(|e| e.message)
        .collect();
        assert!(
            msgs.iter()
                .any(|m| m.contains("did you mean `permissions`")),
            "{msgs:?}"
        );
        assert!(msgs
            .iter()
            .any(|m| m.contains("missing the required field `permissions`")));
    }

    #[test]
    fn unknown_type_is_named() {
        let err =
            input_type("AWS::SageMaker::NotebookInstances", ModelSchema::builtin()).unwrap_err();
        assert!(err
            .message
            .contains("did you mean `AWS::SageMaker::NotebookInstance`"));
        let err = input_type("AWS::Region", ModelSchema::builtin()).unwrap_err();
        assert!(err.message.contains("built by ailint"), "{err:?}");
    }

    #[test]
    fn defaults_apply_unless_unknown() {
        let spec = ModelSchema::builtin()
            .entity_type("AWS::SageMaker::NotebookInstance")
            .unwrap();
        let mut r = resource("AWS::SageMaker::NotebookInstance");
        apply_defaults(&mut r, spec);
        assert_eq!(r.attributes["directInternetAccess"], "Enabled");
        let mut r = resource("AWS::SageMaker::NotebookInstance");
        r.unknown.push(Unknown {
            path: "directInternetAccess".into(),
            reason: "unresolved".into(),
        });
        apply_defaults(&mut r, spec);
        assert!(!r.attributes.contains_key("directInternetAccess"));
    }

    #[test]
    fn defaults_fill_record_fields() {
        let spec = ModelSchema::builtin()
            .entity_type("AWS::SageMaker::EndpointConfig")
            .unwrap();
        let mut errors = Vec::new();
        let mut r = resource("AWS::SageMaker::EndpointConfig");
        r.attributes = input_attributes(
            json!({"dataCapture": {"destinationS3Uri": "s3://b/p"}})
                .as_object()
                .unwrap(),
            spec,
            &mut errors,
        );
        assert!(errors.is_empty(), "{errors:?}");
        apply_defaults(&mut r, spec);
        assert_eq!(
            r.attributes["dataCapture"].get("enableCapture"),
            Some(&Value::Bool(false))
        );
    }

    #[test]
    fn normalized_values_must_conform() {
        let mut r = resource("AWS::S3::Bucket");
        r.attributes.insert("aiData", "yes");
        let errs = check_normalized(&r, ModelSchema::builtin());
        assert!(errs[0].message.contains("type Bool"), "{errs:?}");
    }
}
