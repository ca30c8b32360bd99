//! S3: every bucket with its region, default encryption, policy, Block Public Access and
//! tags.

use serde_json::json;

use super::{each, tag_map, Batch, Found, Scope};

const BUCKET: &str = "AWS::S3::Bucket";

/// A client for a bucket's region: S3 answers calls for a bucket only in its region.
fn regional(scope: &Scope) -> aws_sdk_s3::Client {
    let conf = aws_sdk_s3::config::Builder::from(&scope.config)
        .interceptor(scope.calls.clone())
        // Emulators serve buckets on one host: path-style addressing.
        .force_path_style(scope.endpoint_override().is_some())
        .build();
    aws_sdk_s3::Client::from_conf(conf)
}

/// `GetBucketLocation` says `null` for us-east-1 and `EU` for the oldest eu-west-1 buckets.
fn location_region(constraint: Option<&str>) -> String {
    match constraint {
        None | Some("") => "us-east-1".into(),
        Some("EU") => "eu-west-1".into(),
        Some(r) => r.into(),
    }
}

pub async fn collect(scope: Scope) -> Batch {
    let s3 = regional(&scope);
    let mut batch = Batch::default();
    let names: Vec<String> = match scope
        .call(
            s3.list_buckets()
                .into_paginator()
                .items()
                .send()
                .collect::<Result<Vec<_>, _>>(),
        )
        .await
    {
        Ok(list) => list
            .iter()
            .filter_map(|b| b.name().map(str::to_string))
            .collect(),
        Err(e) => {
            batch.miss(None, &[BUCKET], "s3:ListBuckets", e);
            return batch;
        }
    };
    batch.resources = each(names, |name| {
        let scope = scope.clone();
        let s3 = s3.clone();
        async move { bucket(&scope, &s3, &name).await }
    })
    .await;
    batch
}

async fn bucket(scope: &Scope, s3: &aws_sdk_s3::Client, name: &str) -> Found {
    let arn = format!("arn:aws:s3:::{name}");
    let region = match scope
        .call(s3.get_bucket_location().bucket(name).send())
        .await
    {
        Ok(out) => Some(location_region(
            out.location_constraint().map(|c| c.as_str()),
        )),
        Err(_) => None,
    };
    let mut f = Found::new(BUCKET, arn, region.as_deref()).name(name);
    let Some(region) = region else {
        f.unknown(
            &[
                "region",
                "sseAlgorithm",
                "kmsKey",
                "publicAccessBlock",
                "documents.policy",
            ],
            "s3:GetBucketLocation failed",
        );
        return f;
    };
    let scope = scope.in_region(&region);
    let s3 = regional(&scope);
    match scope
        .call(s3.get_bucket_encryption().bucket(name).send())
        .await
    {
        Ok(out) => {
            let rule = out
                .server_side_encryption_configuration()
                .and_then(|c| c.rules().first())
                .and_then(|r| r.apply_server_side_encryption_by_default());
            if let Some(r) = rule {
                f.set("sseAlgorithm", Some(r.sse_algorithm().as_str()));
                f.set("kmsKey", r.kms_master_key_id());
            }
        }
        Err(e) => f.unknown(
            &["sseAlgorithm", "kmsKey"],
            &format!("s3:GetBucketEncryption: {e}"),
        ),
    }
    match scope
        .call_optional(
            &["NoSuchBucketPolicy"],
            s3.get_bucket_policy().bucket(name).send(),
        )
        .await
    {
        Ok(out) => f.document(
            "policy",
            super::document_string(out.as_ref().and_then(|o| o.policy())),
        ),
        Err(e) => f.unknown(&["documents.policy"], &format!("s3:GetBucketPolicy: {e}")),
    }
    match scope
        .call_optional(
            &["NoSuchPublicAccessBlockConfiguration"],
            s3.get_public_access_block().bucket(name).send(),
        )
        .await
    {
        Ok(out) => {
            if let Some(c) = out
                .as_ref()
                .and_then(|o| o.public_access_block_configuration())
            {
                f.set(
                    "publicAccessBlock",
                    Some(json!({
                        "blockPublicAcls": c.block_public_acls().unwrap_or(false),
                        "ignorePublicAcls": c.ignore_public_acls().unwrap_or(false),
                        "blockPublicPolicy": c.block_public_policy().unwrap_or(false),
                        "restrictPublicBuckets": c.restrict_public_buckets().unwrap_or(false),
                    })),
                );
            }
        }
        Err(e) => f.unknown(
            &["publicAccessBlock"],
            &format!("s3:GetPublicAccessBlock: {e}"),
        ),
    }
    match scope
        .call_optional(
            &["NoSuchTagSet"],
            s3.get_bucket_tagging().bucket(name).send(),
        )
        .await
    {
        Ok(out) => {
            if let Some(o) = out {
                f.tags = tag_map(o.tag_set().iter().map(|t| (t.key(), t.value())));
            }
        }
        Err(e) => f.unknown(&["tags"], &format!("s3:GetBucketTagging: {e}")),
    }
    f
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bucket_location_constraints_name_regions() {
        assert_eq!(location_region(None), "us-east-1");
        assert_eq!(location_region(Some("")), "us-east-1");
        assert_eq!(location_region(Some("EU")), "eu-west-1");
        assert_eq!(location_region(Some("ap-south-1")), "ap-south-1");
    }
}
