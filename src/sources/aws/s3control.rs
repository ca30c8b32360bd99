//! S3 Control: the account's Block Public Access settings.

use aws_sdk_s3control::config::endpoint::{Endpoint, EndpointFuture, Params, ResolveEndpoint};
use serde_json::json;

use super::{Batch, Found, Scope};

const ACCOUNT_PAB: &str = "AWS::S3::AccountPublicAccessBlock";

/// With an endpoint override (an emulator), S3 Control would put the account id in front
/// of the host, which does not resolve there: the override is used as it is.
#[derive(Debug)]
struct Fixed(String);

impl ResolveEndpoint for Fixed {
    fn resolve_endpoint<'a>(&'a self, _params: &'a Params) -> EndpointFuture<'a> {
        EndpointFuture::ready(Ok(Endpoint::builder().url(self.0.clone()).build()))
    }
}

fn client(scope: &Scope) -> aws_sdk_s3control::Client {
    let mut conf =
        aws_sdk_s3control::config::Builder::from(&scope.config).interceptor(scope.calls.clone());
    if let Some(url) = scope.endpoint_override() {
        conf = conf.endpoint_resolver(Fixed(url.to_string()));
    }
    aws_sdk_s3control::Client::from_conf(conf.build())
}

pub async fn collect(scope: Scope) -> Batch {
    let s3control = client(&scope);
    let mut batch = Batch::default();
    let id = format!("{}/s3-account-public-access-block", scope.account);
    match scope
        .call_optional(
            &["NoSuchPublicAccessBlockConfiguration"],
            s3control
                .get_public_access_block()
                .account_id(&scope.account)
                .send(),
        )
        .await
    {
        Ok(out) => {
            let mut f = Found::new(ACCOUNT_PAB, id, None).name("account Block Public Access");
            if let Some(c) = out
                .as_ref()
                .and_then(|o| o.public_access_block_configuration())
            {
                f.set(
                    "publicAccessBlock",
                    Some(json!({
                        "blockPublicAcls": c.block_public_acls().unwrap_or(false),
                        "ignorePublicAcls": c.ignore_public_acls().unwrap_or(false),
                        "blockPublicPolicy": c.block_public_policy().unwrap_or(false),
                        "restrictPublicBuckets": c.restrict_public_buckets().unwrap_or(false),
                    })),
                );
            }
            batch.resources.push(f);
        }
        Err(e) => batch.miss(None, &[ACCOUNT_PAB], "s3:GetAccountPublicAccessBlock", e),
    }
    batch
}
