//! IAM: customer-managed policies (their default versions) and roles' inline policies,
//! from one paginated `GetAccountAuthorizationDetails`.

use std::collections::BTreeMap;

use aws_sdk_iam::types::EntityType;

use super::{client, tag_map, Batch, Found, Scope};

const POLICY: &str = "AWS::IAM::Policy";
const ROLE: &str = "AWS::IAM::Role";

pub async fn collect(scope: Scope) -> Batch {
    let iam = client!(aws_sdk_iam, scope);
    let mut batch = Batch::default();
    let pages = match scope
        .call(
            iam.get_account_authorization_details()
                .filter(EntityType::Role)
                .filter(EntityType::LocalManagedPolicy)
                .into_paginator()
                .send()
                .collect::<Result<Vec<_>, _>>(),
        )
        .await
    {
        Ok(pages) => pages,
        Err(e) => {
            batch.miss(
                None,
                &[POLICY, "AWS::IAM::PolicyStatement", ROLE],
                "iam:GetAccountAuthorizationDetails",
                e,
            );
            return batch;
        }
    };
    // Which roles attach each managed policy.
    let mut attached: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for page in &pages {
        for role in page.role_detail_list() {
            let Some(role_arn) = role.arn() else { continue };
            // The role with the ARNs of its managed policies, AWS managed ones included.
            let mut r = Found::new(ROLE, role_arn, None);
            if let Some(n) = role.role_name() {
                r = r.name(n);
            }
            r.set(
                "managedPolicyArns",
                Some(
                    role.attached_managed_policies()
                        .iter()
                        .filter_map(|p| p.policy_arn())
                        .collect::<Vec<_>>(),
                ),
            );
            r.tags = tag_map(role.tags().iter().map(|t| (t.key(), t.value())));
            batch.resources.push(r);
            for p in role.attached_managed_policies() {
                if let Some(arn) = p.policy_arn() {
                    attached
                        .entry(arn.to_string())
                        .or_default()
                        .push(role_arn.to_string());
                }
            }
            for p in role.role_policy_list() {
                let (Some(name), Some(doc)) = (p.policy_name(), p.policy_document()) else {
                    continue;
                };
                let mut f = Found::new(POLICY, format!("{role_arn}/inline-policy/{name}"), None)
                    .name(format!("{} {name}", role.role_name().unwrap_or(role_arn)));
                f.set("attachedTo", Some(vec![role_arn]));
                f.tags = tag_map(role.tags().iter().map(|t| (t.key(), t.value())));
                // IAM returns documents URL-encoded; the derivations decode them.
                f.document("policy", super::document_string(Some(doc)));
                batch.resources.push(f);
            }
        }
    }
    for page in &pages {
        for p in page.policies() {
            let Some(arn) = p.arn() else { continue };
            let mut f = Found::new(POLICY, arn, None);
            if let Some(n) = p.policy_name() {
                f = f.name(n);
            }
            let roles = attached.get(arn).cloned().unwrap_or_default();
            f.set("attachedTo", Some(roles));
            let default = p
                .policy_version_list()
                .iter()
                .find(|v| v.is_default_version())
                .and_then(|v| v.document());
            f.document("policy", super::document_string(default));
            batch.resources.push(f);
        }
    }
    batch
}
