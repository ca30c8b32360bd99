//! Secrets Manager: the secrets that knowledge bases reach their vector stores with (not
//! every secret of the account), with the key that encrypts them.

use super::{client, tag_map, Found, Scope};

pub const SECRET: &str = "AWS::SecretsManager::Secret";

/// The secret a resource names, read in the secret's own region. Its id is the reference
/// as the resource gives it, so the reference resolves to it; a failed read leaves its
/// key unknown, never absent (absent means the AWS managed key).
pub async fn referenced(scope: &Scope, reference: &str) -> Found {
    let region = reference
        .strip_prefix("arn:")
        .and_then(|_| reference.split(':').nth(3))
        .filter(|r| !r.is_empty())
        .unwrap_or(scope.region_name())
        .to_string();
    let scope = if scope.region.as_deref() == Some(region.as_str()) {
        scope.clone()
    } else {
        scope.in_region(&region)
    };
    let sm = client!(aws_sdk_secretsmanager, scope);
    let mut f = Found::new(SECRET, reference, Some(&region));
    match scope
        .call(sm.describe_secret().secret_id(reference).send())
        .await
    {
        Ok(out) => {
            if let Some(name) = out.name() {
                f.name = Some(name.to_string());
            }
            f.set("kmsKey", out.kms_key_id());
            f.tags = tag_map(
                out.tags()
                    .iter()
                    .filter_map(|t| Some((t.key()?, t.value()?))),
            );
        }
        Err(e) => f.unknown(
            &["kmsKey", "tags"],
            &format!("secretsmanager:DescribeSecret: {e}"),
        ),
    }
    f
}
