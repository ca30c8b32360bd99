//! STS: whose account the credentials belong to.

use super::{client, LiveError, Scope};

/// The account of the credentials; an error stops the run (nothing can be read without).
pub async fn caller_account(scope: &Scope) -> Result<String, LiveError> {
    let sts = client!(aws_sdk_sts, scope);
    let out = sts
        .get_caller_identity()
        .send()
        .await
        .map_err(|e| LiveError::Credentials(super::error_chain(&e)))?;
    out.account()
        .map(str::to_string)
        .ok_or_else(|| LiveError::Credentials("GetCallerIdentity returned no account".into()))
}
