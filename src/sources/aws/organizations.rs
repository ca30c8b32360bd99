//! Organizations: the accounts of an organization, for `--org`.

use super::{client, LiveError, Scope};

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
