//! Terraform AWS provider resources and arguments as the model names them (the same for
//! `.tf` files and plans: a plan's `after` values use the argument names, with nested
//! blocks as lists).

use crate::sources::iac::{Attachment, Get, Mappings, TypeMapping};

const ENABLED: &[(&str, &str)] = &[("true", "Enabled"), ("false", "Disabled")];

pub static MAPPINGS: Mappings = Mappings {
    types: TYPES,
    attachments: ATTACHMENTS,
    document: api_shape,
};

/// Terraform writes CloudTrail event selectors as blocks with snake_case arguments; the
/// derivations read them as the API returns them.
fn api_shape(name: &str, json: serde_json::Value) -> serde_json::Value {
    match name {
        "eventSelectors" | "advancedEventSelectors" => pascal(json),
        _ => json,
    }
}

fn pascal(json: serde_json::Value) -> serde_json::Value {
    use serde_json::Value as J;
    match json {
        J::Array(items) => J::Array(items.into_iter().map(pascal).collect()),
        J::Object(obj) => J::Object(
            obj.into_iter()
                .map(|(k, v)| {
                    let key = match k.as_str() {
                        "data_resource" => "DataResources".to_string(),
                        "field_selector" => "FieldSelectors".to_string(),
                        other => other
                            .split('_')
                            .map(|w| {
                                let mut c = w.chars();
                                c.next()
                                    .map(|f| f.to_ascii_uppercase().to_string() + c.as_str())
                                    .unwrap_or_default()
                            })
                            .collect(),
                    };
                    // Field values (`eventCategory`, resource types) keep their case.
                    (
                        key,
                        if v.is_object() || v.is_array() {
                            pascal(v)
                        } else {
                            v
                        },
                    )
                })
                .collect(),
        ),
        other => other,
    }
}

static TYPES: &[TypeMapping] = &[
    TypeMapping {
        source: "aws_sagemaker_notebook_instance",
        model: "AWS::SageMaker::NotebookInstance",
        name: Some(&["name"]),
        attributes: &[
            ("kmsKey", Get::At(&["kms_key_id"])),
            ("directInternetAccess", Get::At(&["direct_internet_access"])),
            ("rootAccess", Get::At(&["root_access"])),
            ("subnetId", Get::At(&["subnet_id"])),
        ],
        documents: &[],
    },
    TypeMapping {
        source: "aws_sagemaker_domain",
        model: "AWS::SageMaker::Domain",
        name: Some(&["domain_name"]),
        attributes: &[
            (
                "appNetworkAccessType",
                Get::At(&["app_network_access_type"]),
            ),
            ("kmsKey", Get::At(&["kms_key_id"])),
            ("vpc", Get::At(&["vpc_id"])),
        ],
        documents: &[],
    },
    TypeMapping {
        source: "aws_sagemaker_endpoint_configuration",
        model: "AWS::SageMaker::EndpointConfig",
        name: Some(&["name"]),
        attributes: &[
            ("kmsKey", Get::At(&["kms_key_arn"])),
            (
                "dataCapture",
                Get::Record(
                    &["data_capture_config"],
                    &[
                        ("enableCapture", &["enable_capture"]),
                        ("kmsKey", &["kms_key_id"]),
                        ("destinationS3Uri", &["destination_s3_uri"]),
                        (
                            "initialSamplingPercentage",
                            &["initial_sampling_percentage"],
                        ),
                    ],
                ),
            ),
            (
                "models",
                Get::Each(&["production_variants"], &["model_name"]),
            ),
        ],
        documents: &[],
    },
    TypeMapping {
        source: "aws_sagemaker_model",
        model: "AWS::SageMaker::Model",
        name: Some(&["name"]),
        attributes: &[
            (
                "enableNetworkIsolation",
                Get::At(&["enable_network_isolation"]),
            ),
            ("vpcSubnets", Get::At(&["vpc_config", "subnets"])),
            (
                "modelDataUrl",
                Get::At(&["primary_container", "model_data_url"]),
            ),
            ("image", Get::At(&["primary_container", "image"])),
            (
                "modelPackage",
                Get::At(&["primary_container", "model_package_name"]),
            ),
        ],
        documents: &[],
    },
    TypeMapping {
        source: "aws_bedrock_guardrail",
        model: "AWS::Bedrock::Guardrail",
        name: Some(&["name"]),
        attributes: &[
            ("kmsKey", Get::At(&["kms_key_arn"])),
            (
                "piiEntities",
                Get::Records(
                    &["sensitive_information_policy_config", "pii_entities_config"],
                    &[
                        ("type", &["type"]),
                        ("action", &["action"]),
                        ("inputAction", &["input_action"]),
                        ("outputAction", &["output_action"]),
                        ("inputEnabled", &["input_enabled"]),
                        ("outputEnabled", &["output_enabled"]),
                    ],
                ),
            ),
            (
                "contentFilters",
                Get::Records(
                    &["content_policy_config", "filters_config"],
                    &[
                        ("type", &["type"]),
                        ("inputStrength", &["input_strength"]),
                        ("outputStrength", &["output_strength"]),
                        ("inputAction", &["input_action"]),
                        ("outputAction", &["output_action"]),
                        ("inputEnabled", &["input_enabled"]),
                        ("outputEnabled", &["output_enabled"]),
                    ],
                ),
            ),
            (
                "managedWordLists",
                Get::Records(
                    &["word_policy_config", "managed_word_lists_config"],
                    &[
                        ("type", &["type"]),
                        ("inputAction", &["input_action"]),
                        ("outputAction", &["output_action"]),
                        ("inputEnabled", &["input_enabled"]),
                        ("outputEnabled", &["output_enabled"]),
                    ],
                ),
            ),
            (
                "contextualGroundingFilters",
                Get::Records(
                    &["contextual_grounding_policy_config", "filters_config"],
                    &[
                        ("type", &["type"]),
                        ("threshold", &["threshold"]),
                        ("action", &["action"]),
                        ("enabled", &["enabled"]),
                    ],
                ),
            ),
            (
                "topics",
                Get::Records(
                    &["topic_policy_config", "topics_config"],
                    &[
                        ("name", &["name"]),
                        ("type", &["type"]),
                        ("inputAction", &["input_action"]),
                        ("outputAction", &["output_action"]),
                        ("inputEnabled", &["input_enabled"]),
                        ("outputEnabled", &["output_enabled"]),
                    ],
                ),
            ),
        ],
        documents: &[],
    },
    TypeMapping {
        source: "aws_bedrockagent_agent",
        model: "AWS::Bedrock::Agent",
        name: Some(&["agent_name"]),
        attributes: &[
            ("kmsKey", Get::At(&["customer_encryption_key_arn"])),
            (
                "guardrail",
                Get::At(&["guardrail_configuration", "guardrail_identifier"]),
            ),
            (
                "guardrailVersion",
                Get::At(&["guardrail_configuration", "guardrail_version"]),
            ),
            ("foundationModel", Get::At(&["foundation_model"])),
            ("role", Get::At(&["agent_resource_role_arn"])),
        ],
        documents: &[],
    },
    TypeMapping {
        source: "aws_bedrockagent_knowledge_base",
        model: "AWS::Bedrock::KnowledgeBase",
        name: Some(&["name"]),
        attributes: &[
            ("storageType", Get::At(&["storage_configuration", "type"])),
            (
                "collection",
                Get::At(&[
                    "storage_configuration",
                    "opensearch_serverless_configuration",
                    "collection_arn",
                ]),
            ),
            // One storage configuration per knowledge base: at most one of these is set.
            (
                "credentialsSecret",
                Get::At(&[
                    "storage_configuration",
                    "pinecone_configuration",
                    "credentials_secret_arn",
                ]),
            ),
            (
                "credentialsSecret",
                Get::At(&[
                    "storage_configuration",
                    "redis_enterprise_cloud_configuration",
                    "credentials_secret_arn",
                ]),
            ),
            (
                "credentialsSecret",
                Get::At(&[
                    "storage_configuration",
                    "mongo_db_atlas_configuration",
                    "credentials_secret_arn",
                ]),
            ),
            (
                "credentialsSecret",
                Get::At(&[
                    "storage_configuration",
                    "rds_configuration",
                    "credentials_secret_arn",
                ]),
            ),
            (
                "embeddingModelArn",
                Get::At(&[
                    "knowledge_base_configuration",
                    "vector_knowledge_base_configuration",
                    "embedding_model_arn",
                ]),
            ),
        ],
        documents: &[],
    },
    TypeMapping {
        source: "aws_bedrockagentcore_agent_runtime",
        model: "AWS::BedrockAgentCore::Runtime",
        name: Some(&["agent_runtime_name"]),
        attributes: &[(
            "networkMode",
            Get::At(&["network_configuration", "network_mode"]),
        )],
        documents: &[],
    },
    TypeMapping {
        source: "aws_secretsmanager_secret",
        model: "AWS::SecretsManager::Secret",
        name: Some(&["name"]),
        attributes: &[("kmsKey", Get::At(&["kms_key_id"]))],
        documents: &[],
    },
    TypeMapping {
        source: "aws_bedrock_model_invocation_logging_configuration",
        model: "AWS::Bedrock::ModelInvocationLogging",
        name: None,
        attributes: &[
            // The resource cannot be declared without its `logging_config`: declaring it
            // turns logging on.
            ("enabled", Get::Fixed("true")),
            // The provider defaults text delivery to true inside `logging_config`.
            (
                "textDataDeliveryEnabled",
                Get::BlockDefault(&["logging_config", "text_data_delivery_enabled"], "true"),
            ),
            (
                "s3Bucket",
                Get::At(&["logging_config", "s3_config", "bucket_name"]),
            ),
            (
                "logGroupName",
                Get::At(&["logging_config", "cloudwatch_config", "log_group_name"]),
            ),
        ],
        documents: &[],
    },
    OPENSEARCH_DOMAIN,
    TypeMapping {
        source: "aws_elasticsearch_domain",
        ..OPENSEARCH_DOMAIN
    },
    TypeMapping {
        source: "aws_vpc",
        model: "AWS::EC2::VPC",
        name: None,
        attributes: &[],
        documents: &[],
    },
    TypeMapping {
        source: "aws_vpc_endpoint",
        model: "AWS::EC2::VPCEndpoint",
        name: None,
        attributes: &[
            ("serviceName", Get::At(&["service_name"])),
            ("vpcEndpointType", Get::At(&["vpc_endpoint_type"])),
            ("privateDnsEnabled", Get::At(&["private_dns_enabled"])),
            ("vpc", Get::At(&["vpc_id"])),
        ],
        documents: &[("policy", Get::At(&["policy"]))],
    },
    TypeMapping {
        source: "aws_cloudtrail",
        model: "AWS::CloudTrail::Trail",
        name: Some(&["name"]),
        attributes: &[
            ("isMultiRegionTrail", Get::At(&["is_multi_region_trail"])),
            ("isLogging", Get::At(&["enable_logging"])),
            ("kmsKey", Get::At(&["kms_key_id"])),
            (
                "logFileValidationEnabled",
                Get::At(&["enable_log_file_validation"]),
            ),
        ],
        documents: &[
            ("eventSelectors", Get::At(&["event_selector"])),
            (
                "advancedEventSelectors",
                Get::At(&["advanced_event_selector"]),
            ),
        ],
    },
    TypeMapping {
        source: "aws_kms_key",
        model: "AWS::KMS::Key",
        name: None,
        attributes: &[
            // A key a configuration creates is the customer's.
            ("keyManager", Get::Fixed("CUSTOMER")),
            ("keyState", Get::Translated(&["is_enabled"], ENABLED)),
            ("rotationEnabled", Get::At(&["enable_key_rotation"])),
        ],
        documents: &[],
    },
    TypeMapping {
        source: "aws_s3_bucket",
        model: "AWS::S3::Bucket",
        name: Some(&["bucket"]),
        // Provider versions before 4 configure encryption and policy inline.
        attributes: &[
            (
                "sseAlgorithm",
                Get::At(&[
                    "server_side_encryption_configuration",
                    "rule",
                    "apply_server_side_encryption_by_default",
                    "sse_algorithm",
                ]),
            ),
            (
                "kmsKey",
                Get::At(&[
                    "server_side_encryption_configuration",
                    "rule",
                    "apply_server_side_encryption_by_default",
                    "kms_master_key_id",
                ]),
            ),
        ],
        documents: &[("policy", Get::At(&["policy"]))],
    },
    TypeMapping {
        source: "aws_s3_account_public_access_block",
        model: "AWS::S3::AccountPublicAccessBlock",
        name: None,
        attributes: &[("publicAccessBlock", PUBLIC_ACCESS_BLOCK)],
        documents: &[],
    },
    TypeMapping {
        source: "aws_lakeformation_data_lake_settings",
        model: "AWS::LakeFormation::DataLakeSettings",
        name: None,
        attributes: &[
            ("admins", Get::At(&["admins"])),
            (
                "createDatabaseDefaultPermissions",
                Get::Records(
                    &["create_database_default_permissions"],
                    &[
                        ("principal", &["principal"]),
                        ("permissions", &["permissions"]),
                    ],
                ),
            ),
            (
                "createTableDefaultPermissions",
                Get::Records(
                    &["create_table_default_permissions"],
                    &[
                        ("principal", &["principal"]),
                        ("permissions", &["permissions"]),
                    ],
                ),
            ),
        ],
        documents: &[],
    },
    TypeMapping {
        source: "aws_lakeformation_permissions",
        model: "AWS::LakeFormation::Permissions",
        name: None,
        attributes: &[
            ("principal", Get::At(&["principal"])),
            ("permissions", Get::At(&["permissions"])),
            (
                "permissionsWithGrantOption",
                Get::At(&["permissions_with_grant_option"]),
            ),
        ],
        documents: &[
            ("database", Get::At(&["database"])),
            ("table", Get::At(&["table"])),
            ("table_with_columns", Get::At(&["table_with_columns"])),
            ("data_location", Get::At(&["data_location"])),
        ],
    },
    TypeMapping {
        source: "aws_iam_policy",
        model: "AWS::IAM::Policy",
        name: Some(&["name"]),
        attributes: &[],
        documents: &[("policy", Get::At(&["policy"]))],
    },
    TypeMapping {
        source: "aws_iam_role_policy",
        model: "AWS::IAM::Policy",
        name: Some(&["name"]),
        attributes: &[("roles", Get::At(&["role"]))],
        documents: &[("policy", Get::At(&["policy"]))],
    },
    TypeMapping {
        source: "aws_iam_role",
        model: "AWS::IAM::Role",
        name: Some(&["name"]),
        attributes: &[("managedPolicyArns", Get::At(&["managed_policy_arns"]))],
        documents: &[],
    },
    TypeMapping {
        source: "aws_lambda_function",
        model: "AWS::Lambda::Function",
        name: Some(&["function_name"]),
        attributes: &[("role", Get::At(&["role"]))],
        documents: &[],
    },
    TypeMapping {
        source: "aws_opensearchserverless_collection",
        model: "AWS::OpenSearchServerless::Collection",
        name: Some(&["name"]),
        attributes: &[("collectionType", Get::At(&["type"]))],
        documents: &[],
    },
    TypeMapping {
        source: "aws_opensearchserverless_security_policy",
        model: "AWS::OpenSearchServerless::SecurityPolicy",
        name: Some(&["name"]),
        attributes: &[("policyType", Get::At(&["type"]))],
        documents: &[("policy", Get::At(&["policy"]))],
    },
    TypeMapping {
        source: "aws_opensearchserverless_access_policy",
        model: "AWS::OpenSearchServerless::AccessPolicy",
        name: Some(&["name"]),
        attributes: &[],
        documents: &[("policy", Get::At(&["policy"]))],
    },
    TypeMapping {
        source: "aws_organizations_policy",
        model: "AWS::Organizations::Policy",
        name: Some(&["name"]),
        // `type` defaults to SERVICE_CONTROL_POLICY, which no rule judges: absent is the same.
        attributes: &[("policyType", Get::At(&["type"]))],
        documents: &[("content", Get::At(&["content"]))],
    },
];

const OPENSEARCH_DOMAIN: TypeMapping = TypeMapping {
    source: "aws_opensearch_domain",
    model: "AWS::OpenSearchService::Domain",
    name: Some(&["domain_name"]),
    attributes: &[
        ("encryptionAtRest", Get::At(&["encrypt_at_rest", "enabled"])),
        ("kmsKey", Get::At(&["encrypt_at_rest", "kms_key_id"])),
        // The provider defaults `enforce_https` to true inside the block; without the
        // block it sends no endpoint options and the API default (false) applies.
        (
            "enforceHttps",
            Get::BlockDefault(&["domain_endpoint_options", "enforce_https"], "true"),
        ),
        (
            "tlsSecurityPolicy",
            Get::At(&["domain_endpoint_options", "tls_security_policy"]),
        ),
        (
            "nodeToNodeEncryption",
            Get::At(&["node_to_node_encryption", "enabled"]),
        ),
        ("vpcSubnets", Get::At(&["vpc_options", "subnet_ids"])),
        (
            "advancedSecurityEnabled",
            Get::At(&["advanced_security_options", "enabled"]),
        ),
        (
            "internalUserDatabaseEnabled",
            Get::At(&[
                "advanced_security_options",
                "internal_user_database_enabled",
            ]),
        ),
        // `enabled` defaults to true in a `log_publishing_options` block: a block of
        // log_type AUDIT_LOGS without it publishes audit logs.
        (
            "auditLogsEnabled",
            Get::BlockDefault(
                &["log_publishing_options", "[log_type=AUDIT_LOGS]", "enabled"],
                "true",
            ),
        ),
    ],
    documents: &[],
};

const PUBLIC_ACCESS_BLOCK: Get = Get::Record(
    &[],
    &[
        ("blockPublicAcls", &["block_public_acls"]),
        ("ignorePublicAcls", &["ignore_public_acls"]),
        ("blockPublicPolicy", &["block_public_policy"]),
        ("restrictPublicBuckets", &["restrict_public_buckets"]),
    ],
);

static ATTACHMENTS: &[Attachment] = &[
    // An action group adds its Lambda function to the agent's (DRAFT) action groups.
    Attachment {
        source: "aws_bedrockagent_agent_action_group",
        target: &["agent_id"],
        model: "AWS::Bedrock::Agent",
        attributes: &[(
            "actionGroupFunctions",
            Get::At(&["action_group_executor", "lambda"]),
        )],
        documents: &[],
        appends: &["actionGroupFunctions"],
    },
    Attachment {
        source: "aws_s3_bucket_public_access_block",
        target: &["bucket"],
        model: "AWS::S3::Bucket",
        attributes: &[("publicAccessBlock", PUBLIC_ACCESS_BLOCK)],
        documents: &[],
        appends: &[],
    },
    Attachment {
        source: "aws_iam_role_policy_attachment",
        target: &["role"],
        model: "AWS::IAM::Role",
        attributes: &[("managedPolicyArns", Get::At(&["policy_arn"]))],
        documents: &[],
        appends: &["managedPolicyArns"],
    },
    Attachment {
        source: "aws_s3_bucket_policy",
        target: &["bucket"],
        model: "AWS::S3::Bucket",
        attributes: &[],
        documents: &[("policy", Get::At(&["policy"]))],
        appends: &[],
    },
    Attachment {
        source: "aws_s3_bucket_server_side_encryption_configuration",
        target: &["bucket"],
        model: "AWS::S3::Bucket",
        attributes: &[
            (
                "sseAlgorithm",
                Get::At(&[
                    "rule",
                    "apply_server_side_encryption_by_default",
                    "sse_algorithm",
                ]),
            ),
            (
                "kmsKey",
                Get::At(&[
                    "rule",
                    "apply_server_side_encryption_by_default",
                    "kms_master_key_id",
                ]),
            ),
        ],
        documents: &[],
        appends: &[],
    },
    Attachment {
        source: "aws_organizations_policy_attachment",
        target: &["policy_id"],
        model: "AWS::Organizations::Policy",
        attributes: &[("targets", Get::At(&["target_id"]))],
        documents: &[],
        appends: &["targets"],
    },
    Attachment {
        source: "aws_kms_alias",
        target: &["target_key_id"],
        model: "AWS::KMS::Key",
        attributes: &[("aliases", Get::At(&["name"]))],
        documents: &[],
        appends: &["aliases"],
    },
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn selectors_take_the_api_shape() {
        let tf = serde_json::json!([{"read_write_type": "All", "include_management_events": true,
            "data_resource": [{"type": "AWS::S3::Object", "values": ["arn:aws:s3"]}]}]);
        assert_eq!(
            api_shape("eventSelectors", tf),
            serde_json::json!([{"ReadWriteType": "All", "IncludeManagementEvents": true,
                "DataResources": [{"Type": "AWS::S3::Object", "Values": ["arn:aws:s3"]}]}])
        );
        let tf = serde_json::json!([{"name": "x", "field_selector": [{"field": "eventCategory", "equals": ["Data"]}]}]);
        assert_eq!(
            api_shape("advancedEventSelectors", tf),
            serde_json::json!([{"Name": "x", "FieldSelectors": [{"Field": "eventCategory", "Equals": ["Data"]}]}])
        );
    }
}
