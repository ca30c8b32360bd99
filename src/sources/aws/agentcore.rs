//! Bedrock AgentCore: agent runtimes and their network mode.

use super::{client, each, Batch, Found, Scope};

const RUNTIME: &str = "AWS::BedrockAgentCore::Runtime";

pub async fn collect(scope: Scope) -> Batch {
    let ac = client!(aws_sdk_bedrockagentcorecontrol, scope);
    let region = scope.region.as_deref();
    let mut batch = Batch::default();
    let list = match scope
        .call(
            ac.list_agent_runtimes()
                .into_paginator()
                .items()
                .send()
                .collect::<Result<Vec<_>, _>>(),
        )
        .await
    {
        Ok(list) => list,
        Err(e) => {
            batch.miss(region, &[RUNTIME], "bedrock-agentcore:ListAgentRuntimes", e);
            return batch;
        }
    };
    let runtimes: Vec<(String, String, String)> = list
        .iter()
        .map(|r| {
            (
                r.agent_runtime_id().to_string(),
                r.agent_runtime_arn().to_string(),
                r.agent_runtime_name().to_string(),
            )
        })
        .collect();
    batch.resources = each(runtimes, |(id, arn, name)| {
        let (scope, ac) = (scope.clone(), ac.clone());
        async move {
            let mut f = Found::new(RUNTIME, arn.clone(), scope.region.as_deref()).name(name);
            match scope
                .call(ac.get_agent_runtime().agent_runtime_id(&id).send())
                .await
            {
                Ok(out) => f.set(
                    "networkMode",
                    out.network_configuration()
                        .map(|n| n.network_mode().as_str()),
                ),
                Err(e) => f.unknown(
                    &["networkMode"],
                    &format!("bedrock-agentcore:GetAgentRuntime: {e}"),
                ),
            }
            match scope
                .call(ac.list_tags_for_resource().resource_arn(&arn).send())
                .await
            {
                Ok(out) => {
                    f.tags = out
                        .tags()
                        .map(|t| t.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
                        .unwrap_or_default()
                }
                Err(e) => f.unknown(
                    &["tags"],
                    &format!("bedrock-agentcore:ListTagsForResource: {e}"),
                ),
            }
            f
        }
    })
    .await;
    batch
}
