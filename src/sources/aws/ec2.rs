//! EC2: the account's enabled regions, VPCs and VPC endpoints (with their policies).

use super::{client, tag_map, Batch, Found, Scope};

const VPC: &str = "AWS::EC2::VPC";
const ENDPOINT: &str = "AWS::EC2::VPCEndpoint";

/// The regions enabled in the account.
pub async fn enabled_regions(scope: &Scope) -> Result<Vec<String>, String> {
    let ec2 = client!(aws_sdk_ec2, scope);
    let out = scope
        .call(ec2.describe_regions().all_regions(false).send())
        .await?;
    Ok(out
        .regions()
        .iter()
        .filter_map(|r| r.region_name().map(str::to_string))
        .collect())
}

pub async fn collect(scope: Scope) -> Batch {
    let ec2 = client!(aws_sdk_ec2, scope);
    let region = scope.region.as_deref();
    let mut batch = Batch::default();
    match scope
        .call(
            ec2.describe_vpcs()
                .into_paginator()
                .items()
                .send()
                .collect::<Result<Vec<_>, _>>(),
        )
        .await
    {
        Ok(vpcs) => {
            for v in vpcs {
                let Some(id) = v.vpc_id() else { continue };
                let mut f = Found::new(VPC, id, region);
                f.tags = tag_map(v.tags().iter().filter_map(|t| Some((t.key()?, t.value()?))));
                if let Some(name) = f.tags.get("Name").cloned() {
                    f = f.name(name);
                }
                batch.resources.push(f);
            }
        }
        Err(e) => batch.miss(region, &[VPC], "ec2:DescribeVpcs", e),
    }
    match scope
        .call(
            ec2.describe_vpc_endpoints()
                .into_paginator()
                .items()
                .send()
                .collect::<Result<Vec<_>, _>>(),
        )
        .await
    {
        Ok(endpoints) => {
            for e in endpoints {
                let Some(id) = e.vpc_endpoint_id() else {
                    continue;
                };
                let mut f = Found::new(ENDPOINT, id, region);
                f.tags = tag_map(e.tags().iter().filter_map(|t| Some((t.key()?, t.value()?))));
                if let Some(name) = f.tags.get("Name").cloned() {
                    f = f.name(name);
                }
                f.set("serviceName", e.service_name());
                f.set("vpcEndpointType", e.vpc_endpoint_type().map(|t| t.as_str()));
                f.set("privateDnsEnabled", e.private_dns_enabled());
                f.set("state", e.state().map(|s| s.as_str()));
                f.set("vpc", e.vpc_id());
                // No document means the default policy (full access); the derivation
                // reads it so.
                f.document("policy", super::document_string(e.policy_document()));
                f.document("policy", super::document_string(e.policy_document()));
                batch.resources.push(f);
            }
        }
        Err(e) => batch.miss(region, &[ENDPOINT], "ec2:DescribeVpcEndpoints", e),
    }
    // Notebooks and models name subnets, rules ask about VPCs.
    let subnets = scope
        .call(
            ec2.describe_subnets()
                .into_paginator()
                .items()
                .send()
                .collect::<Result<Vec<_>, _>>(),
        )
        .await;
    let region_name = scope.region_name().to_string();
    match subnets {
        Ok(list) => {
            for s in list {
                if let (Some(subnet), Some(vpc)) = (s.subnet_id(), s.vpc_id()) {
                    batch
                        .subnets
                        .insert(subnet.to_string(), Ok(vpc.to_string()));
                }
            }
        }
        Err(e) => {
            batch.subnets.insert(
                format!("*{region_name}"),
                Err(format!("ec2:DescribeSubnets: {e}")),
            );
        }
    }
    batch
}

/// Sets the `vpc` of resources placed in subnets (notebooks by `subnetId`, models by
/// `vpcSubnets`) from the subnets EC2 listed; unknown when the listing failed.
pub fn place_in_vpcs(batch: &mut Batch) {
    let subnets = std::mem::take(&mut batch.subnets);
    for f in &mut batch.resources {
        let subnet = match f.type_name {
            "AWS::SageMaker::NotebookInstance" => {
                f.attributes.get("subnetId").and_then(|v| v.as_str())
            }
            "AWS::SageMaker::Model" | "AWS::SageMaker::TrainingJob" => f
                .attributes
                .get("vpcSubnets")
                .and_then(|v| v.as_array())
                .and_then(|a| a.first())
                .and_then(|v| v.as_str()),
            _ => None,
        };
        let Some(subnet) = subnet.map(str::to_string) else {
            continue;
        };
        if f.attributes.contains_key("vpc") || !has_vpc(f.type_name) {
            continue;
        }
        let failed = f
            .region
            .as_deref()
            .and_then(|r| subnets.get(&format!("*{r}")));
        match (subnets.get(&subnet), failed) {
            (Some(Ok(vpc)), _) => f.set("vpc", Some(vpc.as_str())),
            (_, Some(Err(reason))) => f.unknown(&["vpc"], reason),
            _ => {}
        }
    }
}

fn has_vpc(type_name: &str) -> bool {
    matches!(
        type_name,
        "AWS::SageMaker::NotebookInstance" | "AWS::SageMaker::Model"
    )
}
