//! KMS: the keys that AI resources refer to (not every key of the account), with who
//! manages them, their state, rotation, policy, aliases and tags.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use super::{client, each, tag_map, Batch, Found, Scope};

const KEY: &str = "AWS::KMS::Key";

/// Attributes (dotted inside records) whose values name keys.
const KEY_ATTRIBUTES: [&str; 4] = [
    "kmsKey",
    "outputKmsKey",
    "volumeKmsKey",
    "dataCapture.kmsKey",
];

/// The key references of the collected resources, by region.
fn references(resources: &[Found], default_region: &str) -> BTreeMap<String, BTreeSet<String>> {
    let mut out: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for r in resources {
        for path in KEY_ATTRIBUTES {
            let mut parts = path.split('.');
            let mut value = parts.next().and_then(|p| r.attributes.get(p));
            for p in parts {
                value = value.and_then(|v| v.get(p));
            }
            if let Some(Value::String(key)) = value {
                // A key ARN says its region; an id or alias is the resource's.
                let region = key
                    .strip_prefix("arn:")
                    .and_then(|_| key.split(':').nth(3))
                    .or(r.region.as_deref())
                    .unwrap_or(default_region);
                out.entry(region.to_string())
                    .or_default()
                    .insert(key.clone());
            }
        }
    }
    out
}

pub async fn collect_referenced(global: &Scope, resources: &[Found], regions: &[String]) -> Batch {
    let default_region = regions.first().map_or("us-east-1", String::as_str);
    let mut batch = Batch::default();
    let mut seen = BTreeSet::new();
    for (region, keys) in references(resources, default_region) {
        let scope = global.in_region(&region);
        let found = each(keys.into_iter().collect(), |reference: String| {
            let scope = scope.clone();
            async move { key(&scope, &reference).await }
        })
        .await;
        for f in found {
            match f {
                Ok(f) => {
                    if seen.insert(f.id.clone()) {
                        batch.resources.push(f);
                    } else if let Some(existing) = batch.resources.iter_mut().find(|e| e.id == f.id)
                    {
                        merge_aliases(existing, &f);
                    }
                }
                Err((reference, e)) => batch.miss(
                    Some(&region),
                    &[],
                    "kms:DescribeKey",
                    format!("`{reference}`: {e}"),
                ),
            }
        }
    }
    batch
}

fn merge_aliases(into: &mut Found, from: &Found) {
    let mut all: BTreeSet<String> = BTreeSet::new();
    for f in [&*into, from] {
        if let Some(Value::Array(a)) = f.attributes.get("aliases") {
            all.extend(a.iter().filter_map(|v| v.as_str().map(str::to_string)));
        }
    }
    into.set("aliases", Some(all.into_iter().collect::<Vec<_>>()));
}

async fn key(scope: &Scope, reference: &str) -> Result<Found, (String, String)> {
    let kms = client!(aws_sdk_kms, scope);
    let described = scope
        .call(kms.describe_key().key_id(reference).send())
        .await
        .map_err(|e| (reference.to_string(), e))?;
    let Some(meta) = described.key_metadata() else {
        return Err((reference.to_string(), "DescribeKey returned no key".into()));
    };
    let arn = meta.arn().unwrap_or(meta.key_id()).to_string();
    let mut f = Found::new(KEY, arn, scope.region.as_deref());
    let manager = meta.key_manager().map(|m| m.as_str().to_string());
    f.set("keyManager", manager.as_deref());
    f.set("keyState", meta.key_state().map(|s| s.as_str()));
    let mut aliases: BTreeSet<String> = BTreeSet::new();
    if reference.starts_with("alias/") {
        aliases.insert(reference.to_string());
    } else if let Some((_, a)) = reference.split_once(":alias/") {
        aliases.insert(format!("alias/{a}"));
    }
    match scope
        .call(
            kms.list_aliases()
                .key_id(meta.key_id())
                .into_paginator()
                .items()
                .send()
                .collect::<Result<Vec<_>, _>>(),
        )
        .await
    {
        Ok(list) => aliases.extend(
            list.iter()
                .filter_map(|a| a.alias_name().map(str::to_string)),
        ),
        Err(e) => f.unknown(&["aliases"], &format!("kms:ListAliases: {e}")),
    }
    if let Some(first) = aliases.iter().next() {
        f = f.name(first.clone());
    }
    f.set("aliases", Some(aliases.into_iter().collect::<Vec<_>>()));
    if manager.as_deref() == Some("CUSTOMER") {
        match scope
            .call(kms.get_key_rotation_status().key_id(meta.key_id()).send())
            .await
        {
            Ok(r) => f.set("rotationEnabled", Some(r.key_rotation_enabled())),
            Err(e) => f.unknown(
                &["rotationEnabled"],
                &format!("kms:GetKeyRotationStatus: {e}"),
            ),
        }
        match scope
            .call(
                kms.get_key_policy()
                    .key_id(meta.key_id())
                    .policy_name("default")
                    .send(),
            )
            .await
        {
            Ok(p) => f.document("policy", super::document_string(p.policy())),
            Err(e) => f.unknown(&["documents.policy"], &format!("kms:GetKeyPolicy: {e}")),
        }
        match scope
            .call(kms.list_resource_tags().key_id(meta.key_id()).send())
            .await
        {
            Ok(t) => f.tags = tag_map(t.tags().iter().map(|t| (t.tag_key(), t.tag_value()))),
            Err(e) => f.unknown(&["tags"], &format!("kms:ListResourceTags: {e}")),
        }
    } else {
        // AWS rotates the keys it manages every year.
        f.set("rotationEnabled", Some(true));
    }
    Ok(f)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_references_are_grouped_by_region() {
        let mut nb = Found::new("AWS::SageMaker::NotebookInstance", "nb", Some("eu-west-1"));
        nb.set("kmsKey", Some("alias/ml"));
        let mut ec = Found::new("AWS::SageMaker::EndpointConfig", "ec", Some("eu-west-1"));
        ec.set(
            "dataCapture",
            Some(serde_json::json!({"kmsKey": "arn:aws:kms:us-east-1:111122223333:key/k"})),
        );
        let refs = references(&[nb, ec], "us-east-1");
        assert_eq!(
            refs["eu-west-1"].iter().collect::<Vec<_>>(),
            vec!["alias/ml"]
        );
        assert_eq!(
            refs["us-east-1"].iter().collect::<Vec<_>>(),
            vec!["arn:aws:kms:us-east-1:111122223333:key/k"]
        );
    }
}
