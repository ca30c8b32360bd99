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
                f.document("policy", super::document_string(e.policy_document()));
                batch.resources.push(f);
            }
        }
        Err(e) => batch.miss(region, &[ENDPOINT], "ec2:DescribeVpcEndpoints", e),
    }
    batch
}
