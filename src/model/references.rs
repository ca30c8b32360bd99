//! Resolves references between resources.
//!
//! An input names a referenced resource the way AWS does (a key ARN, key id or alias; a VPC
//! id; a guardrail id). Each reference is rewritten to the id of the resource in the model,
//! so the rules can follow it (`resource.kmsKey.keyManager`). A reference to an AWS-managed
//! key alias (`alias/aws/...`) becomes an AWS-managed key entity; any other reference to a
//! resource the model does not hold is marked unknown, never guessed.

use std::collections::HashMap;

use serde_json::{json, Map, Value};

use super::schema::{AttrSpec, AttrType, ModelSchema};
use super::{Model, Resource, Unknown};

const KMS_KEY: &str = "AWS::KMS::Key";

/// Lookup keys for each resource: its id, its name and (for keys) key id and aliases,
/// scoped by account and region where the reference form is only unique there.
struct Index {
    by_alias: HashMap<(String, String), String>,
}

impl Index {
    fn build(model: &Model, schema: &ModelSchema) -> Index {
        // Only types some attribute refers to need lookup keys (keys, VPCs, guardrails...).
        let targets = schema.referenced_types();
        let mut by_alias = HashMap::new();
        for r in model
            .resources
            .iter()
            .filter(|r| targets.contains(r.type_name.as_str()))
        {
            let scope = scope_of(r);
            let mut scoped = |alias: &str| {
                by_alias
                    .entry((r.type_name.clone(), format!("{scope}|{alias}")))
                    .or_insert_with(|| r.id.clone());
            };
            scoped(&r.id);
            if let Some(name) = &r.name {
                scoped(name);
            }
            if let Some(tail) = arn_resource_tail(&r.id) {
                scoped(tail);
            }
            let mut aliases: Vec<String> = Vec::new();
            if r.type_name == KMS_KEY {
                if let Some(Value::Array(list)) = r.attributes.get("aliases") {
                    for a in list.iter().filter_map(Value::as_str) {
                        scoped(a);
                        if let (Some(acct), Some(region)) = (&r.account, &r.region) {
                            aliases.push(format!("arn:aws:kms:{region}:{acct}:{a}"));
                        }
                    }
                }
            }
            // ARNs are unique across accounts and regions, so they also resolve from
            // anywhere; names, ids and aliases only within the same account and region.
            for arn in std::iter::once(&r.id)
                .chain(&aliases)
                .filter(|a| a.starts_with("arn:"))
            {
                by_alias
                    .entry((r.type_name.clone(), arn.clone()))
                    .or_insert_with(|| r.id.clone());
            }
        }
        Index { by_alias }
    }

    fn lookup(&self, type_name: &str, from: &Resource, reference: &str) -> Option<&String> {
        let scoped = format!("{}|{reference}", scope_of(from));
        self.by_alias
            .get(&(type_name.to_string(), scoped))
            .or_else(|| {
                self.by_alias
                    .get(&(type_name.to_string(), reference.to_string()))
            })
    }
}

fn scope_of(r: &Resource) -> String {
    format!(
        "{}/{}",
        r.account.as_deref().unwrap_or(""),
        r.region.as_deref().unwrap_or("")
    )
}

/// `key/1234` of `arn:aws:kms:us-east-1:111122223333:key/1234` gives `1234`; the last path
/// segment of an ARN is how services usually print ids.
fn arn_resource_tail(id: &str) -> Option<&str> {
    if !id.starts_with("arn:") {
        return None;
    }
    id.rsplit(['/', ':']).next().filter(|t| !t.is_empty())
}

/// `alias/aws/sagemaker` or its ARN form.
fn aws_managed_alias(reference: &str) -> bool {
    let alias = reference
        .split_once(":alias/")
        .map(|(_, a)| a)
        .or_else(|| reference.strip_prefix("alias/"));
    alias.is_some_and(|a| a.starts_with("aws/"))
}

pub(super) fn resolve(model: &mut Model, schema: &ModelSchema) {
    use rayon::prelude::*;
    let index = Index::build(model, schema);
    // Each resource resolves its own references against the read-only index.
    let synthesized: Vec<Resource> = model
        .resources
        .par_iter_mut()
        .with_min_len(256)
        .flat_map_iter(|r| {
            let mut synthesized = Vec::new();
            let Some(spec) = schema.entity_type(&r.type_name) else {
                return synthesized;
            };
            let mut attrs = std::mem::take(&mut r.attributes);
            let mut unknown = Vec::new();
            resolve_record(
                &mut attrs,
                &spec.attrs,
                "",
                r,
                &index,
                &mut unknown,
                &mut synthesized,
            );
            r.attributes = attrs;
            r.unknown.extend(unknown);
            synthesized
        })
        .collect();
    for key in synthesized {
        if model.get(&key.type_name, &key.id).is_none() {
            model.push(key);
        }
    }
}

fn resolve_record(
    obj: &mut Map<String, Value>,
    fields: &std::collections::BTreeMap<String, AttrSpec>,
    prefix: &str,
    from: &Resource,
    index: &Index,
    unknown: &mut Vec<Unknown>,
    synthesized: &mut Vec<Resource>,
) {
    let mut drop = Vec::new();
    for (name, spec) in fields {
        let Some(value) = obj.get_mut(name) else {
            continue;
        };
        let path = if prefix.is_empty() {
            name.clone()
        } else {
            format!("{prefix}.{name}")
        };
        match &spec.ty {
            AttrType::Entity(target) => {
                let Some(reference) = value.as_str().map(str::to_string) else {
                    continue;
                };
                match resolve_one(target, &reference, from, index, synthesized) {
                    Some(id) => *value = Value::String(id),
                    None => {
                        unknown.push(Unknown {
                            path,
                            reason: format!(
                                "references `{reference}`, which is not in the inventory"
                            ),
                        });
                        drop.push(name.clone());
                    }
                }
            }
            AttrType::Record(inner) => {
                if let Value::Object(inner_obj) = value {
                    resolve_record(inner_obj, inner, &path, from, index, unknown, synthesized);
                }
            }
            AttrType::Set(elem) => {
                if let (AttrType::Entity(target), Value::Array(items)) = (elem.as_ref(), value) {
                    let mut resolved = Vec::with_capacity(items.len());
                    let mut missing = None;
                    for item in items.iter().filter_map(Value::as_str) {
                        match resolve_one(target, item, from, index, synthesized) {
                            Some(id) => resolved.push(Value::String(id)),
                            None => missing = Some(item.to_string()),
                        }
                    }
                    match missing {
                        Some(reference) => {
                            unknown.push(Unknown {
                                path,
                                reason: format!(
                                    "references `{reference}`, which is not in the inventory"
                                ),
                            });
                            drop.push(name.clone());
                        }
                        None => *items = resolved,
                    }
                }
            }
            _ => {}
        }
    }
    for name in drop {
        obj.remove(&name);
    }
}

fn resolve_one(
    target: &str,
    reference: &str,
    from: &Resource,
    index: &Index,
    synthesized: &mut Vec<Resource>,
) -> Option<String> {
    if let Some(id) = index.lookup(target, from, reference) {
        return Some(id.clone());
    }
    if target == KMS_KEY && aws_managed_alias(reference) {
        let id = match (
            &from.account,
            &from.region,
            reference.strip_prefix("alias/"),
        ) {
            (Some(acct), Some(region), Some(_)) => {
                format!("arn:aws:kms:{region}:{acct}:{reference}")
            }
            _ => reference.to_string(),
        };
        synthesized.push(aws_managed_key(&id, from));
        return Some(id);
    }
    None
}

fn aws_managed_key(id: &str, from: &Resource) -> Resource {
    let mut attributes = Map::new();
    attributes.insert("keyManager".into(), json!("AWS"));
    attributes.insert("keyState".into(), json!("Enabled"));
    attributes.insert("rotationEnabled".into(), json!(true));
    let alias = id
        .split_once(":alias/")
        .map_or(id.to_string(), |(_, a)| format!("alias/{a}"));
    attributes.insert("aliases".into(), json!([alias]));
    Resource {
        type_name: KMS_KEY.into(),
        id: id.to_string(),
        name: Some(alias),
        account: from.account.clone(),
        region: from.region.clone(),
        tags: Default::default(),
        attributes,
        documents: Map::new(),
        unknown: vec![],
        location: from.location.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aws_managed_aliases_are_recognized_in_both_forms() {
        assert!(aws_managed_alias("alias/aws/sagemaker"));
        assert!(aws_managed_alias(
            "arn:aws:kms:us-east-1:111122223333:alias/aws/s3"
        ));
        assert!(!aws_managed_alias("alias/team-key"));
        assert!(!aws_managed_alias(
            "arn:aws:kms:us-east-1:111122223333:key/abcd"
        ));
    }

    #[test]
    fn arn_tail_is_the_last_segment() {
        assert_eq!(
            arn_resource_tail("arn:aws:kms:us-east-1:1:key/abcd"),
            Some("abcd")
        );
        assert_eq!(arn_resource_tail("vpc-123"), None);
    }
}
