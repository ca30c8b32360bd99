//! Bedrock Agents: agents (with the Lambda functions their action groups run), knowledge
//! bases and their data sources.

use super::secretsmanager::{self, SECRET};
use super::{client, each, Batch, Found, Scope};

const AGENT: &str = "AWS::Bedrock::Agent";
const KNOWLEDGE_BASE: &str = "AWS::Bedrock::KnowledgeBase";
const DATA_SOURCE: &str = "AWS::Bedrock::DataSource";
const FUNCTION: &str = "AWS::Lambda::Function";

type Client = aws_sdk_bedrockagent::Client;

pub async fn collect(scope: Scope) -> Batch {
    let ba = client!(aws_sdk_bedrockagent, scope);
    let (a, k) = tokio::join!(agents(&scope, &ba), knowledge_bases(&scope, &ba));
    let mut batch = a;
    batch.extend(k);
    batch
}

async fn tags(scope: &Scope, ba: &Client, arn: &str, f: &mut Found) {
    match scope
        .call(ba.list_tags_for_resource().resource_arn(arn).send())
        .await
    {
        Ok(out) => {
            f.tags = out
                .tags()
                .map(|t| t.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
                .unwrap_or_default()
        }
        Err(e) => f.unknown(&["tags"], &format!("bedrock:ListTagsForResource: {e}")),
    }
}

async fn agents(scope: &Scope, ba: &Client) -> Batch {
    let region = scope.region.as_deref();
    let mut batch = Batch::default();
    let list = match scope
        .call(
            ba.list_agents()
                .into_paginator()
                .items()
                .send()
                .collect::<Result<Vec<_>, _>>(),
        )
        .await
    {
        Ok(list) => list,
        Err(e) => {
            // The functions of the agents' action groups are read through the agents.
            batch.miss(region, &[AGENT, FUNCTION], "bedrock:ListAgents", e);
            return batch;
        }
    };
    let ids: Vec<(String, String)> = list
        .iter()
        .map(|a| (a.agent_id().to_string(), a.agent_name().to_string()))
        .collect();
    batch.resources = each(ids, |(id, name)| {
        let (scope, ba) = (scope.clone(), ba.clone());
        async move {
            match scope.call(ba.get_agent().agent_id(&id).send()).await {
                Ok(out) => {
                    let a = out.agent();
                    let arn = a.map_or_else(|| id.clone(), |a| a.agent_arn().to_string());
                    let mut f = Found::new(AGENT, arn.clone(), scope.region.as_deref()).name(name);
                    if let Some(a) = a {
                        f.set("kmsKey", a.customer_encryption_key_arn());
                        f.set("foundationModel", a.foundation_model());
                        if let Some(g) = a.guardrail_configuration() {
                            f.set("guardrail", g.guardrail_identifier());
                            f.set("guardrailVersion", g.guardrail_version());
                        }
                        f.set(
                            "role",
                            Some(a.agent_resource_role_arn()).filter(|r| !r.is_empty()),
                        );
                    }
                    match action_group_functions(&scope, &ba, &id).await {
                        Ok(functions) => f.set("actionGroupFunctions", Some(functions)),
                        Err(reason) => f.unknown(&["actionGroupFunctions"], &reason),
                    }
                    tags(&scope, &ba, &arn, &mut f).await;
                    f
                }
                Err(e) => {
                    // Without the agent's ARN its tags cannot be read either.
                    let mut f = Found::new(AGENT, id, scope.region.as_deref()).name(name);
                    f.unknown(
                        &[
                            "kmsKey",
                            "foundationModel",
                            "guardrail",
                            "guardrailVersion",
                            "role",
                            "actionGroupFunctions",
                            "tags",
                        ],
                        &format!("bedrock:GetAgent: {e}"),
                    );
                    f
                }
            }
        }
    })
    .await;
    // Each function once, however many agents run it.
    let mut functions: Vec<String> = batch
        .resources
        .iter()
        .filter_map(|f| f.attributes.get("actionGroupFunctions"))
        .filter_map(|v| v.as_array())
        .flatten()
        .filter_map(|v| v.as_str())
        .map(|arn| unqualified(arn).to_string())
        .collect();
    functions.sort();
    functions.dedup();
    if !functions.is_empty() {
        let lambda = client!(aws_sdk_lambda, scope);
        let found = each(functions, |arn| {
            let (scope, lambda) = (scope.clone(), lambda.clone());
            async move { function(&scope, &lambda, arn).await }
        })
        .await;
        batch.resources.extend(found);
    }
    batch
}

/// The Lambda functions the action groups of the agent's working draft run (the version
/// that later versions are made from). `Err` with why when a read failed.
async fn action_group_functions(
    scope: &Scope,
    ba: &Client,
    agent_id: &str,
) -> Result<Vec<String>, String> {
    let groups = scope
        .call(
            ba.list_agent_action_groups()
                .agent_id(agent_id)
                .agent_version(DRAFT)
                .into_paginator()
                .items()
                .send()
                .collect::<Result<Vec<_>, _>>(),
        )
        .await
        .map_err(|e| format!("bedrock:ListAgentActionGroups: {e}"))?;
    let ids: Vec<String> = groups
        .iter()
        .map(|g| g.action_group_id().to_string())
        .collect();
    let read = each(ids, |group| {
        let (scope, ba, agent_id) = (scope.clone(), ba.clone(), agent_id.to_string());
        async move {
            scope
                .call(
                    ba.get_agent_action_group()
                        .agent_id(agent_id)
                        .agent_version(DRAFT)
                        .action_group_id(group)
                        .send(),
                )
                .await
                .map(|out| {
                    out.agent_action_group()
                        .and_then(|g| g.action_group_executor())
                        .and_then(|e| e.as_lambda().ok())
                        .cloned()
                })
                .map_err(|e| format!("bedrock:GetAgentActionGroup: {e}"))
        }
    })
    .await;
    let mut functions = Vec::new();
    for r in read {
        functions.extend(r?);
    }
    functions.sort();
    functions.dedup();
    Ok(functions)
}

const DRAFT: &str = "DRAFT";

/// A function ARN without its version or alias qualifier: the function the model holds.
fn unqualified(arn: &str) -> &str {
    let parts: Vec<&str> = arn.split(':').collect();
    if parts.len() == 8 {
        &arn[..arn.len() - parts[7].len() - 1]
    } else {
        arn
    }
}

async fn function(scope: &Scope, lambda: &aws_sdk_lambda::Client, arn: String) -> Found {
    let name = arn.rsplit(':').next().unwrap_or(&arn).to_string();
    let mut f = Found::new(FUNCTION, arn.clone(), scope.region.as_deref()).name(name);
    match scope
        .call(lambda.get_function().function_name(&arn).send())
        .await
    {
        Ok(out) => {
            let c = out.configuration();
            f.set("role", c.and_then(|c| c.role()));
            if let Some(tags) = out.tags() {
                f.tags = tags.iter().map(|(k, v)| (k.clone(), v.clone())).collect();
            }
        }
        Err(e) => f.unknown(&["role", "tags"], &format!("lambda:GetFunction: {e}")),
    }
    f
}

async fn knowledge_bases(scope: &Scope, ba: &Client) -> Batch {
    let region = scope.region.as_deref();
    let mut batch = Batch::default();
    let list = match scope
        .call(
            ba.list_knowledge_bases()
                .into_paginator()
                .items()
                .send()
                .collect::<Result<Vec<_>, _>>(),
        )
        .await
    {
        Ok(list) => list,
        Err(e) => {
            batch.miss(
                region,
                &[KNOWLEDGE_BASE, DATA_SOURCE, SECRET],
                "bedrock:ListKnowledgeBases",
                e,
            );
            return batch;
        }
    };
    let ids: Vec<(String, String)> = list
        .iter()
        .map(|k| (k.knowledge_base_id().to_string(), k.name().to_string()))
        .collect();
    let found: Vec<Batch> = each(ids, |(id, name)| {
        let (scope, ba) = (scope.clone(), ba.clone());
        async move {
            let mut batch = Batch::default();
            let arn = match scope
                .call(ba.get_knowledge_base().knowledge_base_id(&id).send())
                .await
            {
                Ok(out) => {
                    let k = out.knowledge_base();
                    let arn = k.map_or_else(|| id.clone(), |k| k.knowledge_base_arn().to_string());
                    let mut f =
                        Found::new(KNOWLEDGE_BASE, arn.clone(), scope.region.as_deref()).name(name);
                    let mut secret = None;
                    if let Some(k) = k {
                        if let Some(s) = k.storage_configuration() {
                            f.set("storageType", Some(s.r#type().as_str()));
                            f.set(
                                "collection",
                                s.opensearch_serverless_configuration()
                                    .map(|c| c.collection_arn()),
                            );
                            // One configuration per store type; those reached with
                            // credentials name the secret holding them.
                            secret = s
                                .pinecone_configuration()
                                .map(|c| c.credentials_secret_arn())
                                .or_else(|| {
                                    s.redis_enterprise_cloud_configuration()
                                        .map(|c| c.credentials_secret_arn())
                                })
                                .or_else(|| {
                                    s.mongo_db_atlas_configuration()
                                        .map(|c| c.credentials_secret_arn())
                                })
                                .or_else(|| {
                                    s.rds_configuration().map(|c| c.credentials_secret_arn())
                                })
                                .filter(|a| !a.is_empty())
                                .map(str::to_string);
                            f.set("credentialsSecret", secret.as_deref());
                        }
                        f.set(
                            "embeddingModelArn",
                            k.knowledge_base_configuration()
                                .and_then(|c| c.vector_knowledge_base_configuration())
                                .map(|v| v.embedding_model_arn()),
                        );
                    }
                    tags(&scope, &ba, &arn, &mut f).await;
                    batch.resources.push(f);
                    if let Some(secret) = secret {
                        batch
                            .resources
                            .push(secretsmanager::referenced(&scope, &secret).await);
                    }
                    arn
                }
                Err(e) => {
                    let mut f =
                        Found::new(KNOWLEDGE_BASE, id.clone(), scope.region.as_deref()).name(name);
                    // Without the knowledge base's ARN its tags cannot be read either.
                    f.unknown(
                        &[
                            "storageType",
                            "collection",
                            "credentialsSecret",
                            "embeddingModelArn",
                            "tags",
                        ],
                        &format!("bedrock:GetKnowledgeBase: {e}"),
                    );
                    batch.resources.push(f);
                    id.clone()
                }
            };
            batch.extend(data_sources(&scope, &ba, &id, &arn).await);
            batch
        }
    })
    .await;
    for b in found {
        batch.extend(b);
    }
    batch
}

async fn data_sources(scope: &Scope, ba: &Client, kb_id: &str, kb_arn: &str) -> Batch {
    let region = scope.region.as_deref();
    let mut batch = Batch::default();
    let list = match scope
        .call(
            ba.list_data_sources()
                .knowledge_base_id(kb_id)
                .into_paginator()
                .items()
                .send()
                .collect::<Result<Vec<_>, _>>(),
        )
        .await
    {
        Ok(list) => list,
        Err(e) => {
            batch.miss(region, &[DATA_SOURCE], "bedrock:ListDataSources", e);
            return batch;
        }
    };
    for ds in list {
        let id = format!("{kb_arn}/data-source/{}", ds.data_source_id());
        let mut f = Found::new(DATA_SOURCE, id, region).name(ds.name());
        f.set("knowledgeBase", Some(kb_arn));
        match scope
            .call(
                ba.get_data_source()
                    .knowledge_base_id(kb_id)
                    .data_source_id(ds.data_source_id())
                    .send(),
            )
            .await
        {
            Ok(out) => {
                if let Some(d) = out.data_source() {
                    f.set(
                        "kmsKey",
                        d.server_side_encryption_configuration()
                            .and_then(|s| s.kms_key_arn()),
                    );
                    f.set(
                        "dataDeletionPolicy",
                        d.data_deletion_policy().map(|p| p.as_str()),
                    );
                }
            }
            Err(e) => f.unknown(
                &["kmsKey", "dataDeletionPolicy"],
                &format!("bedrock:GetDataSource: {e}"),
            ),
        }
        batch.resources.push(f);
    }
    batch
}
