//! Bedrock: guardrails with their full policies, custom models, inference profiles and
//! model invocation logging.

use serde_json::{json, Map, Value};

use super::{client, each, Batch, Found, Scope};

const GUARDRAIL: &str = "AWS::Bedrock::Guardrail";
const CUSTOM_MODEL: &str = "AWS::Bedrock::CustomModel";
const PROFILE: &str = "AWS::Bedrock::InferenceProfile";
const LOGGING: &str = "AWS::Bedrock::ModelInvocationLogging";

pub async fn collect(scope: Scope) -> Batch {
    let br = client!(aws_sdk_bedrock, scope);
    let mut batch = Batch::default();
    let (g, c, p, l) = tokio::join!(
        collect_guardrails(&scope, &br),
        custom_models(&scope, &br),
        inference_profiles(&scope, &br),
        logging(&scope, &br),
    );
    for b in [g, c, p, l] {
        batch.extend(b);
    }
    batch
}

/// The tags of a guardrail, custom model or inference profile; unknown when they cannot be
/// read.
async fn tags(scope: &Scope, br: &aws_sdk_bedrock::Client, arn: &str, f: &mut Found) {
    match scope
        .call(br.list_tags_for_resource().resource_arn(arn).send())
        .await
    {
        Ok(out) => f.tags = super::tag_map(out.tags().iter().map(|t| (t.key(), t.value()))),
        Err(e) => f.unknown(&["tags"], &format!("bedrock:ListTagsForResource: {e}")),
    }
}

/// Fields of a record, leaving out what the API did not return.
fn record(fields: &[(&str, Option<Value>)]) -> Value {
    let mut m = Map::new();
    for (k, v) in fields {
        if let Some(v) = v {
            m.insert((*k).to_string(), v.clone());
        }
    }
    Value::Object(m)
}

fn s(v: Option<&str>) -> Option<Value> {
    v.map(|v| json!(v))
}

fn b(v: Option<bool>) -> Option<Value> {
    v.map(|v| json!(v))
}

/// Every guardrail (its working draft, which `GetGuardrail` returns without a version)
/// with its content, PII, word and contextual grounding policies.
async fn collect_guardrails(scope: &Scope, br: &aws_sdk_bedrock::Client) -> Batch {
    let region = scope.region.as_deref();
    let mut batch = Batch::default();
    let list = match scope
        .call(
            br.list_guardrails()
                .into_paginator()
                .items()
                .send()
                .collect::<Result<Vec<_>, _>>(),
        )
        .await
    {
        Ok(list) => list,
        Err(e) => {
            batch.miss(region, &[GUARDRAIL], "bedrock:ListGuardrails", e);
            return batch;
        }
    };
    let ids: Vec<(String, String, String)> = list
        .iter()
        .map(|g| {
            (
                g.id().to_string(),
                g.arn().to_string(),
                g.name().to_string(),
            )
        })
        .collect();
    batch.resources = each(ids, |(id, arn, name)| {
        let (scope, br) = (scope.clone(), br.clone());
        async move {
            let mut f = Found::new(GUARDRAIL, arn.clone(), scope.region.as_deref()).name(name);
            tags(&scope, &br, &arn, &mut f).await;
            match scope
                .call(br.get_guardrail().guardrail_identifier(&id).send())
                .await
            {
                Ok(g) => {
                    f.set("kmsKey", g.kms_key_arn());
                    if let Some(p) = g.sensitive_information_policy() {
                        let pii: Vec<Value> = p
                            .pii_entities()
                            .iter()
                            .map(|e| {
                                record(&[
                                    ("type", Some(json!(e.r#type().as_str()))),
                                    ("action", Some(json!(e.action().as_str()))),
                                    ("inputAction", s(e.input_action().map(|a| a.as_str()))),
                                    ("outputAction", s(e.output_action().map(|a| a.as_str()))),
                                    ("inputEnabled", b(e.input_enabled())),
                                    ("outputEnabled", b(e.output_enabled())),
                                ])
                            })
                            .collect();
                        f.set("piiEntities", Some(pii));
                    }
                    if let Some(p) = g.content_policy() {
                        let filters: Vec<Value> = p
                            .filters()
                            .iter()
                            .map(|c| {
                                record(&[
                                    ("type", Some(json!(c.r#type().as_str()))),
                                    ("inputStrength", Some(json!(c.input_strength().as_str()))),
                                    ("outputStrength", Some(json!(c.output_strength().as_str()))),
                                    ("inputAction", s(c.input_action().map(|a| a.as_str()))),
                                    ("outputAction", s(c.output_action().map(|a| a.as_str()))),
                                    ("inputEnabled", b(c.input_enabled())),
                                    ("outputEnabled", b(c.output_enabled())),
                                ])
                            })
                            .collect();
                        f.set("contentFilters", Some(filters));
                    }
                    if let Some(p) = g.word_policy() {
                        let lists: Vec<Value> = p
                            .managed_word_lists()
                            .iter()
                            .map(|l| {
                                record(&[
                                    ("type", Some(json!(l.r#type().as_str()))),
                                    ("inputAction", s(l.input_action().map(|a| a.as_str()))),
                                    ("outputAction", s(l.output_action().map(|a| a.as_str()))),
                                    ("inputEnabled", b(l.input_enabled())),
                                    ("outputEnabled", b(l.output_enabled())),
                                ])
                            })
                            .collect();
                        f.set("managedWordLists", Some(lists));
                    }
                    if let Some(p) = g.contextual_grounding_policy() {
                        let filters: Vec<Value> = p
                            .filters()
                            .iter()
                            .map(|c| {
                                record(&[
                                    ("type", Some(json!(c.r#type().as_str()))),
                                    ("threshold", Some(json!(c.threshold()))),
                                    ("action", s(c.action().map(|a| a.as_str()))),
                                    ("enabled", b(c.enabled())),
                                ])
                            })
                            .collect();
                        f.set("contextualGroundingFilters", Some(filters));
                    }
                    if let Some(p) = g.topic_policy() {
                        let topics: Vec<Value> = p
                            .topics()
                            .iter()
                            .map(|t| {
                                record(&[
                                    ("name", Some(json!(t.name()))),
                                    ("type", s(t.r#type().map(|a| a.as_str()))),
                                    ("inputAction", s(t.input_action().map(|a| a.as_str()))),
                                    ("outputAction", s(t.output_action().map(|a| a.as_str()))),
                                    ("inputEnabled", b(t.input_enabled())),
                                    ("outputEnabled", b(t.output_enabled())),
                                ])
                            })
                            .collect();
                        f.set("topics", Some(topics));
                    }
                }
                Err(e) => f.unknown(
                    &[
                        "kmsKey",
                        "piiEntities",
                        "contentFilters",
                        "managedWordLists",
                        "contextualGroundingFilters",
                        "topics",
                    ],
                    &format!("bedrock:GetGuardrail: {e}"),
                ),
            }
            f
        }
    })
    .await;
    batch
}

async fn custom_models(scope: &Scope, br: &aws_sdk_bedrock::Client) -> Batch {
    let region = scope.region.as_deref();
    let mut batch = Batch::default();
    let list = match scope
        .call(
            br.list_custom_models()
                .into_paginator()
                .items()
                .send()
                .collect::<Result<Vec<_>, _>>(),
        )
        .await
    {
        Ok(list) => list,
        Err(e) => {
            batch.miss(region, &[CUSTOM_MODEL], "bedrock:ListCustomModels", e);
            return batch;
        }
    };
    let arns: Vec<(String, String)> = list
        .iter()
        .map(|m| (m.model_arn().to_string(), m.model_name().to_string()))
        .collect();
    batch.resources = each(arns, |(arn, name)| {
        let (scope, br) = (scope.clone(), br.clone());
        async move {
            let mut f = Found::new(CUSTOM_MODEL, arn.clone(), scope.region.as_deref()).name(name);
            tags(&scope, &br, &arn, &mut f).await;
            match scope
                .call(br.get_custom_model().model_identifier(&arn).send())
                .await
            {
                Ok(m) => {
                    f.set("kmsKey", m.model_kms_key_arn());
                    f.set("baseModelArn", m.base_model_arn());
                }
                Err(e) => f.unknown(
                    &["kmsKey", "baseModelArn"],
                    &format!("bedrock:GetCustomModel: {e}"),
                ),
            }
            f
        }
    })
    .await;
    batch
}

/// `arn:aws:bedrock:eu-west-1::foundation-model/...` → `eu-west-1`.
fn arn_region(arn: &str) -> Option<&str> {
    arn.split(':').nth(3).filter(|r| !r.is_empty())
}

async fn inference_profiles(scope: &Scope, br: &aws_sdk_bedrock::Client) -> Batch {
    let region = scope.region.as_deref();
    let mut batch = Batch::default();
    match scope
        .call(
            br.list_inference_profiles()
                .into_paginator()
                .items()
                .send()
                .collect::<Result<Vec<_>, _>>(),
        )
        .await
    {
        Ok(list) => {
            for p in list {
                let mut f = Found::new(PROFILE, p.inference_profile_arn(), region)
                    .name(p.inference_profile_id());
                f.set("profileType", Some(p.r#type().as_str()));
                let mut regions: Vec<&str> = p
                    .models()
                    .iter()
                    .filter_map(|m| m.model_arn().and_then(arn_region))
                    .collect();
                regions.sort();
                regions.dedup();
                f.set("destinationRegions", Some(regions));
                // System-defined profiles belong to AWS and carry no tags of the account's.
                if p.r#type().as_str() == "APPLICATION" {
                    tags(scope, br, p.inference_profile_arn(), &mut f).await;
                }
                batch.resources.push(f);
            }
        }
        Err(e) => batch.miss(region, &[PROFILE], "bedrock:ListInferenceProfiles", e),
    }
    batch
}

async fn logging(scope: &Scope, br: &aws_sdk_bedrock::Client) -> Batch {
    let region = scope.region.as_deref();
    let mut batch = Batch::default();
    let id = format!(
        "{}/{}/model-invocation-logging",
        scope.account,
        scope.region_name()
    );
    match scope
        .call(br.get_model_invocation_logging_configuration().send())
        .await
    {
        Ok(out) => {
            let mut f = Found::new(LOGGING, id, region).name("model invocation logging");
            let config = out.logging_config();
            f.set("enabled", Some(config.is_some()));
            if let Some(c) = config {
                f.set("textDataDeliveryEnabled", c.text_data_delivery_enabled());
                f.set("s3Bucket", c.s3_config().map(|s| s.bucket_name()));
                f.set(
                    "logGroupName",
                    c.cloud_watch_config().map(|w| w.log_group_name()),
                );
            }
            batch.resources.push(f);
        }
        Err(e) => batch.miss(
            region,
            &[LOGGING],
            "bedrock:GetModelInvocationLoggingConfiguration",
            e,
        ),
    }
    batch
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn profile_regions_come_from_model_arns() {
        assert_eq!(
            arn_region("arn:aws:bedrock:eu-west-1::foundation-model/x"),
            Some("eu-west-1")
        );
        assert_eq!(arn_region("arn:aws:bedrock:::x"), None);
    }
}
