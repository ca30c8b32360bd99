//! STS: whose account the credentials belong to.

use super::{client, LiveError, Scope};

/// Who the credentials are.
pub struct Caller {
    pub account: String,
    /// `aws`, `aws-cn`, `aws-us-gov`: role ARNs of other accounts are built in it.
    pub partition: String,
}

/// The account of the credentials; an error stops the run (nothing can be read without).
pub async fn caller(scope: &Scope) -> Result<Caller, LiveError> {
    let sts = client!(aws_sdk_sts, scope);
    let out = sts
        .get_caller_identity()
        .send()
        .await
        .map_err(|e| LiveError::Credentials(super::error_chain(&e)))?;
    let account = out
        .account()
        .map(str::to_string)
        .ok_or_else(|| LiveError::Credentials("GetCallerIdentity returned no account".into()))?;
    let partition = out
        .arn()
        .and_then(|arn| arn.split(':').nth(1))
        .filter(|p| !p.is_empty())
        .unwrap_or("aws")
        .to_string();
    Ok(Caller { account, partition })
}
