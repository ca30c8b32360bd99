//! OpenSearch Service: managed domains (vector stores).

use super::{client, tag_map, Batch, Found, Scope};

const DOMAIN: &str = "AWS::OpenSearchService::Domain";

/// `DescribeDomains` takes at most this many names.
const DESCRIBE_BATCH: usize = 5;

pub async fn collect(scope: Scope) -> Batch {
    let os = client!(aws_sdk_opensearch, scope);
    let region = scope.region.as_deref();
    let mut batch = Batch::default();
    let names: Vec<String> = match scope.call(os.list_domain_names().send()).await {
        Ok(out) => out
            .domain_names()
            .iter()
            .filter_map(|d| d.domain_name().map(str::to_string))
            .collect(),
        Err(e) => {
            batch.miss(region, &[DOMAIN], "es:ListDomainNames", e);
            return batch;
        }
    };
    for chunk in names.chunks(DESCRIBE_BATCH) {
        let out = match scope
            .call(
                os.describe_domains()
                    .set_domain_names(Some(chunk.to_vec()))
                    .send(),
            )
            .await
        {
            Ok(out) => out,
            Err(e) => {
                batch.miss(region, &[DOMAIN], "es:DescribeDomains", e);
                continue;
            }
        };
        for d in out.domain_status_list() {
            let mut f = Found::new(DOMAIN, d.arn(), region).name(d.domain_name());
            if let Some(e) = d.encryption_at_rest_options() {
                f.set("encryptionAtRest", e.enabled());
                f.set("kmsKey", e.kms_key_id());
            }
            if let Some(e) = d.domain_endpoint_options() {
                f.set("enforceHttps", e.enforce_https());
                f.set(
                    "tlsSecurityPolicy",
                    e.tls_security_policy().map(|p| p.as_str()),
                );
            }
            f.set(
                "nodeToNodeEncryption",
                d.node_to_node_encryption_options()
                    .and_then(|n| n.enabled()),
            );
            f.set("vpc", d.vpc_options().and_then(|v| v.vpc_id()));
            // A public domain has no VPCOptions: no subnets.
            f.set(
                "vpcSubnets",
                Some(
                    d.vpc_options()
                        .map(|v| v.subnet_ids().to_vec())
                        .unwrap_or_default(),
                ),
            );
            if let Some(a) = d.advanced_security_options() {
                f.set("advancedSecurityEnabled", a.enabled());
                f.set(
                    "internalUserDatabaseEnabled",
                    a.internal_user_database_enabled(),
                );
            }
            f.set(
                "auditLogsEnabled",
                d.log_publishing_options()
                    .and_then(|l| l.get(&aws_sdk_opensearch::types::LogType::AuditLogs))
                    .and_then(|o| o.enabled()),
            );
            match scope.call(os.list_tags().arn(d.arn()).send()).await {
                Ok(t) => f.tags = tag_map(t.tag_list().iter().map(|t| (t.key(), t.value()))),
                Err(e) => f.unknown(&["tags"], &format!("es:ListTags: {e}")),
            }
            batch.resources.push(f);
        }
    }
    batch
}
