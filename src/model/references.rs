//! Resolves references between resources.
//!
//! An input names a referenced resource the way AWS does (a key ARN, key id or alias; a VPC
//! id; a guardrail id). Each reference is rewritten to the id of the resource in the model,
//! so the rules can follow it (`resource.kmsKey.keyManager`). A reference to an AWS-managed
//! key alias (`alias/aws/...`) becomes an AWS-managed key entity; any other reference to a
//! resource the model does not hold is marked unknown, never guessed.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::Arc;

use super::schema::{AttrSpec, AttrType, ModelSchema};
use super::value::{Record, Value};
use super::{Model, Resource, Unknown};

const KMS_KEY: &str = "AWS::KMS::Key";

/// Lookup keys for each resource: its id, its name and (for keys) key id and aliases,
/// scoped by account and region where the reference form is only unique there.
struct Index {
    /// (type, `account/region|alias` or ARN) → the resource's id.
    by_alias: HashMap<(&'static str, String), Arc<str>>,
}

impl Index {
    fn build(model: &Model, schema: &ModelSchema) -> Index {
        // Only types some attribute refers to need lookup keys (keys, VPCs, guardrails...).
        let targets = schema.referenced_types();
        let mut by_alias = HashMap::new();
        for r in model
            .resources
            .iter()
            .filter(|r| targets.contains(r.type_name))
        {
            let scope = scope_of(r);
            let mut scoped = |alias: &str| {
                by_alias
                    .entry((r.type_name, format!("{scope}|{alias}")))
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
                if let Some(list) = r.attributes.get("aliases").and_then(Value::as_set) {
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
            for arn in std::iter::once(r.id.to_string())
                .chain(aliases)
                .filter(|a| a.starts_with("arn:"))
            {
                by_alias
                    .entry((r.type_name, arn))
                    .or_insert_with(|| r.id.clone());
            }
        }
        Index { by_alias }
    }

    fn lookup(
        &self,
        type_name: &'static str,
        from: &Resource,
        reference: &str,
    ) -> Option<&Arc<str>> {
        let scoped = format!("{}|{reference}", scope_of(from));
        self.by_alias
            .get(&(type_name, scoped))
            .or_else(|| self.by_alias.get(&(type_name, reference.to_string())))
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

/// A Lambda function ARN without its version or alias qualifier, when it has one.
fn unqualified_function(arn: &str) -> Option<&str> {
    let parts: Vec<&str> = arn.split(':').collect();
    (parts.len() == 8 && parts[0] == "arn" && parts[2] == "lambda" && parts[5] == "function")
        .then(|| &arn[..arn.len() - parts[7].len() - 1])
}

/// `alias/aws/sagemaker` or its ARN form.
fn aws_managed_alias(reference: &str) -> bool {
    let alias = reference
        .split_once(":alias/")
        .map(|(_, a)| a)
        .or_else(|| reference.strip_prefix("alias/"));
    alias.is_some_and(|a| a.starts_with("aws/"))
}

/// What resolving one resource's references found.
#[derive(Default)]
struct Resolved {
    unknown: Vec<Unknown>,
    synthesized: Vec<Resource>,
}

pub(super) fn resolve(model: &mut Model, schema: &'static ModelSchema) {
    use rayon::prelude::*;
    let index = Index::build(model, schema);
    // Each resource resolves its own references against the read-only index.
    let synthesized: Vec<Resource> = model
        .resources
        .par_iter_mut()
        .with_min_len(256)
        .flat_map_iter(|r| {
            let mut found = Resolved::default();
            let Some(spec) = schema.entity_type(r.type_name) else {
                return found.synthesized;
            };
            let mut attrs = std::mem::take(&mut r.attributes);
            let mut dropped = Vec::new();
            for (name, value) in attrs.iter_mut() {
                if let Some(attr) = spec.attrs.get(name) {
                    if !resolve_value(value, &attr.ty, name, r, &index, &mut found) {
                        dropped.push(name);
                    }
                }
            }
            for name in dropped {
                attrs.remove(name);
            }
            r.attributes = attrs;
            r.unknown.extend(found.unknown);
            found.synthesized
        })
        .collect();
    // The model is still sorted here: an input key wins over a synthesized one.
    let sorted = model.resources.len();
    let mut seen: HashSet<Arc<str>> = HashSet::new();
    for key in synthesized {
        let in_input = model.resources[..sorted]
            .binary_search_by(|r| r.key().cmp(&key.key()))
            .is_ok();
        if !in_input && seen.insert(key.id.clone()) {
            model.resources.push(key);
        }
    }
}

/// Rewrites the references inside `value` to model ids. `false` when a reference does not
/// resolve: the value is then unknown (recorded in `found`) and must be dropped.
fn resolve_value(
    value: &mut Value,
    ty: &'static AttrType,
    path: &str,
    from: &Resource,
    index: &Index,
    found: &mut Resolved,
) -> bool {
    let missing = |reference: &str, found: &mut Resolved| {
        found.unknown.push(Unknown {
            path: path.to_string(),
            reason: format!("references `{reference}`, which is not in the inventory"),
        });
        false
    };
    match (ty, value) {
        (AttrType::Entity(target), Value::String(reference)) => {
            match resolve_one(target, reference, from, index, &mut found.synthesized) {
                Some(id) => {
                    *reference = Box::from(&*id);
                    true
                }
                None => {
                    let reference = reference.to_string();
                    missing(&reference, found)
                }
            }
        }
        (AttrType::Set(elem), Value::Set(items)) if matches!(**elem, AttrType::Entity(_)) => {
            let AttrType::Entity(target) = &**elem else {
                return true;
            };
            let mut resolved = Vec::with_capacity(items.len());
            for item in items.iter().filter_map(Value::as_str) {
                match resolve_one(target, item, from, index, &mut found.synthesized) {
                    Some(id) => resolved.push(Value::string(&*id)),
                    None => return missing(item, found),
                }
            }
            *items = resolved.into();
            true
        }
        (AttrType::Record(fields), Value::Record(record)) => {
            if !mentions_entities(fields) {
                return true;
            }
            let mut fields_out: Vec<(&'static str, Value)> = Vec::with_capacity(record.len());
            for (name, v) in record.iter() {
                let mut v = v.clone();
                let keep = match fields.get(name) {
                    Some(f) => {
                        resolve_value(&mut v, &f.ty, &format!("{path}.{name}"), from, index, found)
                    }
                    None => true,
                };
                if keep {
                    fields_out.push((name, v));
                }
            }
            *record = Record::from_fields(fields_out);
            true
        }
        _ => true,
    }
}

fn mentions_entities(fields: &BTreeMap<String, AttrSpec>) -> bool {
    fields.values().any(|f| match &f.ty {
        AttrType::Entity(_) => true,
        AttrType::Set(e) => matches!(**e, AttrType::Entity(_)),
        AttrType::Record(inner) => mentions_entities(inner),
        _ => false,
    })
}

fn resolve_one(
    target: &'static str,
    reference: &str,
    from: &Resource,
    index: &Index,
    synthesized: &mut Vec<Resource>,
) -> Option<Arc<str>> {
    if let Some(id) = index.lookup(target, from, reference) {
        return Some(id.clone());
    }
    // A function ARN may name a version or alias (`...:function:name:live`); its
    // configuration is the function's.
    if target == "AWS::Lambda::Function" {
        if let Some(id) = unqualified_function(reference)
            .and_then(|unqualified| index.lookup(target, from, unqualified))
        {
            return Some(id.clone());
        }
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
        let id: Arc<str> = id.into();
        synthesized.push(aws_managed_key(id.clone(), from));
        return Some(id);
    }
    None
}

fn aws_managed_key(id: Arc<str>, from: &Resource) -> Resource {
    let alias = id
        .split_once(":alias/")
        .map_or(id.to_string(), |(_, a)| format!("alias/{a}"));
    let mut r = Resource::new(KMS_KEY, id, from.location.clone());
    r.attributes.insert("keyManager", "AWS");
    r.attributes.insert("keyState", "Enabled");
    r.attributes.insert("rotationEnabled", true);
    r.attributes
        .insert("aliases", Value::strings([alias.as_str()]));
    r.name = Some(alias.into());
    r.account = from.account.clone();
    r.region = from.region.clone();
    // Known from the same kind of input as the resource that names it.
    r.details = from.details.as_ref().map(|_| Box::default());
    r
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
    fn function_qualifiers_are_dropped() {
        assert_eq!(
            unqualified_function("arn:aws:lambda:us-east-1:111122223333:function:f:$LATEST"),
            Some("arn:aws:lambda:us-east-1:111122223333:function:f")
        );
        assert_eq!(
            unqualified_function("arn:aws:lambda:us-east-1:111122223333:function:f"),
            None
        );
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
