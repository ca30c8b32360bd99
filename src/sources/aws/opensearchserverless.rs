//! OpenSearch Serverless: collections (knowledge-base vector stores) and their
//! encryption, network and data-access policies.

use aws_sdk_opensearchserverless::types::{AccessPolicyType, SecurityPolicyType};

use super::{client, tag_map, Batch, Found, Scope};

const COLLECTION: &str = "AWS::OpenSearchServerless::Collection";
const SECURITY_POLICY: &str = "AWS::OpenSearchServerless::SecurityPolicy";
const ACCESS_POLICY: &str = "AWS::OpenSearchServerless::AccessPolicy";

/// `BatchGetCollection` takes at most this many ids.
const GET_BATCH: usize = 100;

type Client = aws_sdk_opensearchserverless::Client;

pub async fn collect(scope: Scope) -> Batch {
    let aoss = client!(aws_sdk_opensearchserverless, scope);
    let mut batch = collections(&scope, &aoss).await;
    for t in [SecurityPolicyType::Encryption, SecurityPolicyType::Network] {
        batch.extend(security_policies(&scope, &aoss, t).await);
    }
    batch.extend(access_policies(&scope, &aoss).await);
    batch
}

/// A policy document as JSON.
pub fn document(d: &aws_smithy_types::Document) -> serde_json::Value {
    use aws_smithy_types::{Document, Number};
    match d {
        Document::Null => serde_json::Value::Null,
        Document::Bool(b) => (*b).into(),
        Document::String(s) => s.clone().into(),
        Document::Number(Number::PosInt(n)) => (*n).into(),
        Document::Number(Number::NegInt(n)) => (*n).into(),
        Document::Number(Number::Float(f)) => {
            serde_json::Number::from_f64(*f).map_or(serde_json::Value::Null, Into::into)
        }
        Document::Array(items) => items.iter().map(document).collect(),
        // The SDK holds objects in hash maps, whose order changes from one read to the
        // next: keys sorted, the same policy is written the same way every time.
        Document::Object(m) => m
            .iter()
            .collect::<std::collections::BTreeMap<_, _>>()
            .into_iter()
            .map(|(k, v)| (k.clone(), document(v)))
            .collect::<serde_json::Map<_, _>>()
            .into(),
    }
}

async fn collections(scope: &Scope, aoss: &Client) -> Batch {
    let region = scope.region.as_deref();
    let mut batch = Batch::default();
    let list = match scope
        .call(
            aoss.list_collections()
                .into_paginator()
                .send()
                .collect::<Result<Vec<_>, _>>(),
        )
        .await
    {
        Ok(pages) => pages
            .into_iter()
            .flat_map(|p| p.collection_summaries.unwrap_or_default())
            .collect::<Vec<_>>(),
        Err(e) => {
            batch.miss(region, &[COLLECTION], "aoss:ListCollections", e);
            return batch;
        }
    };
    let ids: Vec<String> = list
        .iter()
        .filter_map(|c| c.id().map(str::to_string))
        .collect();
    for chunk in ids.chunks(GET_BATCH) {
        match scope
            .call(
                aoss.batch_get_collection()
                    .set_ids(Some(chunk.to_vec()))
                    .send(),
            )
            .await
        {
            Ok(out) => {
                for c in out.collection_details() {
                    let (Some(arn), Some(name)) = (c.arn(), c.name()) else {
                        continue;
                    };
                    let mut f = Found::new(COLLECTION, arn, region).name(name);
                    f.set("collectionType", c.r#type().map(|t| t.as_str()));
                    f.set("kmsKeyArn", c.kms_key_arn());
                    // BatchGetCollection does not return tags.
                    match scope
                        .call(aoss.list_tags_for_resource().resource_arn(arn).send())
                        .await
                    {
                        Ok(t) => f.tags = tag_map(t.tags().iter().map(|t| (t.key(), t.value()))),
                        Err(e) => f.unknown(&["tags"], &format!("aoss:ListTagsForResource: {e}")),
                    }
                    batch.resources.push(f);
                }
            }
            Err(e) => batch.miss(region, &[COLLECTION], "aoss:BatchGetCollection", e),
        }
    }
    batch
}

async fn security_policies(scope: &Scope, aoss: &Client, kind: SecurityPolicyType) -> Batch {
    let region = scope.region.as_deref();
    let mut batch = Batch::default();
    let list = match scope
        .call(
            aoss.list_security_policies()
                .r#type(kind.clone())
                .into_paginator()
                .send()
                .collect::<Result<Vec<_>, _>>(),
        )
        .await
    {
        Ok(pages) => pages
            .into_iter()
            .flat_map(|p| p.security_policy_summaries.unwrap_or_default())
            .collect::<Vec<_>>(),
        Err(e) => {
            batch.miss(region, &[SECURITY_POLICY], "aoss:ListSecurityPolicies", e);
            return batch;
        }
    };
    for p in list {
        let Some(name) = p.name() else { continue };
        let id = format!(
            "arn:aws:aoss:{}:{}:security-policy/{}/{name}",
            scope.region_name(),
            scope.account,
            kind.as_str()
        );
        let mut f = Found::new(SECURITY_POLICY, id, region).name(name);
        f.set("policyType", Some(kind.as_str()));
        // `ListSecurityPolicies` has no documents: each is read on its own.
        match scope
            .call(
                aoss.get_security_policy()
                    .name(name)
                    .r#type(kind.clone())
                    .send(),
            )
            .await
        {
            Ok(out) => f.document(
                "policy",
                out.security_policy_detail()
                    .and_then(|d| d.policy())
                    .map(document),
            ),
            Err(e) => f.unknown(
                &["documents.policy"],
                &format!("aoss:GetSecurityPolicy: {e}"),
            ),
        }
        batch.resources.push(f);
    }
    batch
}

async fn access_policies(scope: &Scope, aoss: &Client) -> Batch {
    let region = scope.region.as_deref();
    let mut batch = Batch::default();
    let list = match scope
        .call(
            aoss.list_access_policies()
                .r#type(AccessPolicyType::Data)
                .into_paginator()
                .send()
                .collect::<Result<Vec<_>, _>>(),
        )
        .await
    {
        Ok(pages) => pages
            .into_iter()
            .flat_map(|p| p.access_policy_summaries.unwrap_or_default())
            .collect::<Vec<_>>(),
        Err(e) => {
            batch.miss(region, &[ACCESS_POLICY], "aoss:ListAccessPolicies", e);
            return batch;
        }
    };
    for p in list {
        let Some(name) = p.name() else { continue };
        let id = format!(
            "arn:aws:aoss:{}:{}:access-policy/data/{name}",
            scope.region_name(),
            scope.account
        );
        let mut f = Found::new(ACCESS_POLICY, id, region).name(name);
        match scope
            .call(
                aoss.get_access_policy()
                    .name(name)
                    .r#type(AccessPolicyType::Data)
                    .send(),
            )
            .await
        {
            Ok(out) => f.document(
                "policy",
                out.access_policy_detail()
                    .and_then(|d| d.policy())
                    .map(document),
            ),
            Err(e) => f.unknown(&["documents.policy"], &format!("aoss:GetAccessPolicy: {e}")),
        }
        batch.resources.push(f);
    }
    batch
}
