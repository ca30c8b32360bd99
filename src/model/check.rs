//! Checks a resource against the schema and applies AWS defaults.

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use super::schema::{is_synthesized, AttrSpec, AttrType, EntityTypeSpec, ModelSchema};
use super::Resource;

/// A resource that does not match the schema: the attribute path and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttrError {
    /// Dotted path inside `attributes` (empty for the resource itself).
    pub path: String,
    pub message: String,
}

/// Attributes every resource carries at the top level of the inventory, not in `attributes`.
const ENVELOPE: [&str; 3] = ["name", "account", "region"];

/// Checks an input resource: its type, attributes, unknown paths, and that it sets no
/// derived attribute.
pub fn check_resource(r: &Resource, schema: &ModelSchema) -> Vec<AttrError> {
    check(r, schema, false)
}

/// Checks a resource of the normalized model, derived attributes included: what the model
/// code writes must match the schema too.
pub fn check_normalized(r: &Resource, schema: &ModelSchema) -> Vec<AttrError> {
    check(r, schema, true)
}

fn check(r: &Resource, schema: &ModelSchema, normalized: bool) -> Vec<AttrError> {
    let mut errors = Vec::new();
    let Some(spec) = schema.entity_type(&r.type_name) else {
        let known: Vec<&str> = schema.inventory_types().collect();
        errors.push(AttrError {
            path: String::new(),
            message: format!(
                "unknown resource type `{}`{}",
                r.type_name,
                did_you_mean(&r.type_name, known.iter().copied())
            ),
        });
        return errors;
    };
    if !normalized
        && (is_synthesized(&r.type_name) || !schema.resource_types.contains(&r.type_name))
    {
        errors.push(AttrError {
            path: String::new(),
            message: format!(
                "resources of type `{}` are built by ailint and cannot be listed in an inventory",
                r.type_name
            ),
        });
        return errors;
    }
    if !spec.has_tags && !r.tags.is_empty() {
        errors.push(AttrError {
            path: String::new(),
            message: format!("resources of type `{}` carry no tags", r.type_name),
        });
    }
    for (name, value) in &r.attributes {
        let Some(attr) = spec
            .attrs
            .get(name)
            .filter(|_| normalized || !ENVELOPE.contains(&name.as_str()))
        else {
            errors.push(unknown_attr(name, name, &r.type_name, spec.attrs.keys()));
            continue;
        };
        if let Some(from) = attr.derived.as_ref().filter(|_| !normalized) {
            errors.push(AttrError {
                path: name.clone(),
                message: format!(
                    "`{name}` is derived by ailint from the {from} and cannot be set in an inventory"
                ),
            });
            continue;
        }
        check_value(name, value, &attr.ty, normalized, &mut errors);
    }
    for u in &r.unknown {
        if !u.path.starts_with("documents.") && resolve_path(spec, &u.path).is_none() {
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

fn unknown_attr<'k>(
    path: &str,
    name: &str,
    type_name: &str,
    known: impl Iterator<Item = &'k String>,
) -> AttrError {
    let known: Vec<&str> = known
        .map(String::as_str)
        .filter(|k| !ENVELOPE.contains(k))
        .collect();
    AttrError {
        path: path.to_string(),
        message: format!(
            "unknown attribute `{name}` for `{type_name}`{}",
            did_you_mean(name, known.iter().copied())
        ),
    }
}

fn check_value(
    path: &str,
    v: &Value,
    ty: &AttrType,
    normalized: bool,
    errors: &mut Vec<AttrError>,
) {
    let mismatch = |errors: &mut Vec<AttrError>| {
        errors.push(AttrError {
            path: path.to_string(),
            message: format!("`{path}` must be {}, found {}", article(ty), json_kind(v)),
        })
    };
    match (ty, v) {
        (AttrType::Bool, Value::Bool(_)) | (AttrType::String, Value::String(_)) => {}
        (AttrType::Entity(_), Value::String(s)) if !s.is_empty() => {}
        (AttrType::Long, Value::Number(n)) if n.is_i64() => {}
        (AttrType::Decimal, Value::Number(_) | Value::String(_)) => {
            if decimal_literal(v).is_none() {
                errors.push(AttrError {
                    path: path.to_string(),
                    message: format!(
                        "`{path}` must be a decimal with at most four fractional digits, found `{v}`"
                    ),
                });
            }
        }
        (AttrType::Set(elem), Value::Array(items)) => {
            for (i, item) in items.iter().enumerate() {
                check_value(&format!("{path}[{i}]"), item, elem, normalized, errors);
            }
        }
        (AttrType::Record(fields), Value::Object(obj)) => {
            for (k, fv) in obj {
                match fields.get(k) {
                    Some(f) if normalized || f.derived.is_none() => {
                        check_value(&format!("{path}.{k}"), fv, &f.ty, normalized, errors)
                    }
                    Some(_) => errors.push(AttrError {
                        path: format!("{path}.{k}"),
                        message: format!("`{path}.{k}` is derived by ailint and cannot be set"),
                    }),
                    None => errors.push(AttrError {
                        path: format!("{path}.{k}"),
                        message: format!(
                            "unknown field `{k}` in `{path}`{}",
                            did_you_mean(k, fields.keys().map(String::as_str))
                        ),
                    }),
                }
            }
            for (k, f) in fields {
                if f.required && !obj.contains_key(k) {
                    errors.push(AttrError {
                        path: path.to_string(),
                        message: format!("`{path}` is missing the required field `{k}`"),
                    });
                }
            }
        }
        _ => mismatch(errors),
    }
}

/// The Cedar `decimal` literal for a JSON number or string, if it is one.
pub fn decimal_literal(v: &Value) -> Option<String> {
    let s = match v {
        Value::Number(n) => {
            let f = n.as_f64()?;
            if !f.is_finite() || f.abs() >= 922_337_203_685_477.0 {
                return None;
            }
            return Some(format!("{f:.4}"));
        }
        Value::String(s) => s.as_str(),
        _ => return None,
    };
    let (int, frac) = s.split_once('.')?;
    let int_ok = {
        let digits = int.strip_prefix('-').unwrap_or(int);
        !digits.is_empty() && digits.len() <= 15 && digits.bytes().all(|b| b.is_ascii_digit())
    };
    let frac_ok = (1..=4).contains(&frac.len()) && frac.bytes().all(|b| b.is_ascii_digit());
    (int_ok && frac_ok).then(|| s.to_string())
}

fn article(ty: &AttrType) -> String {
    match ty {
        AttrType::Bool => "a boolean".into(),
        AttrType::Long => "an integer".into(),
        AttrType::String => "a string".into(),
        AttrType::Decimal => "a decimal".into(),
        AttrType::Entity(t) => format!("the id of a `{t}` (a string)"),
        AttrType::Set(_) => "an array".into(),
        AttrType::Record(_) => "an object".into(),
    }
}

fn json_kind(v: &Value) -> String {
    match v {
        Value::Null => "`null`".into(),
        Value::Bool(b) => format!("`{b}`"),
        Value::Number(n) => format!("`{n}`"),
        Value::String(s) if s.len() <= 40 => format!("\"{s}\""),
        Value::String(_) => "a string".into(),
        Value::Array(_) => "an array".into(),
        Value::Object(_) => "an object".into(),
    }
}

/// Fills in what AWS does when an attribute is absent, unless the attribute is unknown.
pub(crate) fn apply_defaults(r: &mut Resource, spec: &EntityTypeSpec) {
    let unknown: Vec<String> = r.unknown.iter().map(|u| u.path.clone()).collect();
    fill_defaults(&mut r.attributes, &spec.attrs, "", &unknown);
}

fn fill_defaults(
    obj: &mut Map<String, Value>,
    fields: &BTreeMap<String, AttrSpec>,
    prefix: &str,
    unknown: &[String],
) {
    for (name, spec) in fields {
        let path = if prefix.is_empty() {
            name.clone()
        } else {
            format!("{prefix}.{name}")
        };
        if unknown.contains(&path) {
            continue;
        }
        match obj.get_mut(name) {
            Some(Value::Object(inner)) => {
                if let AttrType::Record(inner_fields) = &spec.ty {
                    fill_defaults(inner, inner_fields, &path, unknown);
                }
            }
            Some(_) => {}
            None => {
                if let Some(default) = &spec.default {
                    let value = match spec.ty {
                        AttrType::Bool => Value::Bool(default == "true"),
                        _ => Value::String(default.clone()),
                    };
                    obj.insert(name.clone(), value);
                }
            }
        }
    }
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

    fn resource(type_name: &str, attributes: Value) -> Resource {
        Resource {
            type_name: type_name.into(),
            id: "r".into(),
            name: None,
            account: None,
            region: None,
            tags: Default::default(),
            attributes: attributes.as_object().cloned().unwrap_or_default(),
            documents: Map::new(),
            unknown: vec![],
            location: Location {
                file: "t.json".into(),
                line: 1,
            },
        }
    }

    #[test]
    fn typo_in_attribute_suggests_the_schema_name() {
        let r = resource("AWS::SageMaker::NotebookInstance", json!({"kmsKeyId": "k"}));
        let errs = check_resource(&r, ModelSchema::builtin());
        assert_eq!(errs.len(), 1);
        assert!(
            errs[0].message.contains("did you mean `kmsKey`"),
            "{errs:?}"
        );
    }

    #[test]
    fn wrong_types_and_derived_attributes_are_rejected() {
        let r = resource(
            "AWS::S3::Bucket",
            json!({"sseAlgorithm": true, "deniesInsecureTransport": true}),
        );
        let errs = check_resource(&r, ModelSchema::builtin());
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
        let r = resource(
            "AWS::LakeFormation::DataLakeSettings",
            json!({"createDatabaseDefaultPermissions": [{"principal": "x", "permission": ["ALL"]}]}),
        );
        let msgs: Vec<String> = check_resource(&r, ModelSchema::builtin())
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
        let r = resource("AWS::SageMaker::NotebookInstances", json!({}));
        let errs = check_resource(&r, ModelSchema::builtin());
        assert!(errs[0]
            .message
            .contains("did you mean `AWS::SageMaker::NotebookInstance`"));
    }

    #[test]
    fn defaults_apply_unless_unknown() {
        let spec = ModelSchema::builtin()
            .entity_type("AWS::SageMaker::NotebookInstance")
            .unwrap();
        let mut r = resource("AWS::SageMaker::NotebookInstance", json!({}));
        apply_defaults(&mut r, spec);
        assert_eq!(r.attributes["directInternetAccess"], json!("Enabled"));
        let mut r = resource("AWS::SageMaker::NotebookInstance", json!({}));
        r.unknown.push(Unknown {
            path: "directInternetAccess".into(),
            reason: "unresolved".into(),
        });
        apply_defaults(&mut r, spec);
        assert!(!r.attributes.contains_key("directInternetAccess"));
    }

    #[test]
    fn decimals_accept_cedar_literals_only() {
        assert_eq!(decimal_literal(&json!(0.7)).as_deref(), Some("0.7000"));
        assert_eq!(decimal_literal(&json!("0.75")).as_deref(), Some("0.75"));
        assert_eq!(decimal_literal(&json!("0.12345")), None);
        assert_eq!(decimal_literal(&json!("1")), None);
    }
}
