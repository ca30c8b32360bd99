//! Organizations: the accounts of an organization, for `--org`, and the AI services
//! opt-out policy in effect for an account.

use aws_sdk_organizations::types::EffectivePolicyType;

use super::{client, document_string, Batch, Found, LiveError, Scope};

const EFFECTIVE: &str = "AWS::Organizations::EffectivePolicy";
const AI_OPT_OUT: &str = "AISERVICES_OPT_OUT_POLICY";

/// The account's effective AI services opt-out policy. Any account of an organization may
/// ask for its own (no TargetId: the caller's). An account outside an organization, or one
/// no policy of the type applies to (or whose organization has not enabled the type), has
/// none: no resource, and the account is not opted out.
pub async fn collect(scope: Scope) -> Batch {
    let org = client!(aws_sdk_organizations, scope);
    let mut batch = Batch::default();
    match scope
        .call_optional(
            &[
                "EffectivePolicyNotFoundException",
                "AWSOrganizationsNotInUseException",
            ],
            org.describe_effective_policy()
                .policy_type(EffectivePolicyType::AiservicesOptOutPolicy)
                .send(),
        )
        .await
    {
        Ok(out) => {
            if let Some(p) = out.as_ref().and_then(|o| o.effective_policy()) {
                let id = format!("{}/{AI_OPT_OUT}", scope.account);
                let mut f = Found::new(EFFECTIVE, id, None).name(AI_OPT_OUT);
                f.set("policyType", Some(AI_OPT_OUT));
                f.document("content", document_string(p.policy_content()));
                batch.resources.push(f);
            }
        }
        Err(e) => batch.miss(
            None,
            &[EFFECTIVE],
            "organizations:DescribeEffectivePolicy",
            e,
        ),
    }
    batch
}

/// The active accounts of the organization: id and name.
pub async fn accounts(scope: &Scope) -> Result<Vec<(String, String)>, LiveError> {
    let org = client!(aws_sdk_organizations, scope);
    let list = scope
        .call(
            org.list_accounts()
                .into_paginator()
                .send()
                .collect::<Result<Vec<_>, _>>(),
        )
        .await
        .map_err(LiveError::Organization)?;
    let mut out: Vec<(String, String)> = list
        .iter()
        .flat_map(|page| page.accounts())
        .filter(|a| a.status().is_none_or(|s| s.as_str() == "ACTIVE"))
        .filter_map(|a| {
            Some((
                a.id()?.to_string(),
                a.name().unwrap_or_default().to_string(),
            ))
        })
        .collect();
    out.sort();
    Ok(out)
}
