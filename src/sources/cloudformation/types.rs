//! CloudFormation resource types and properties as the model names them
//! (`../shared/reference/aws-resource-fields.md` has the property paths).

use crate::sources::iac::{Attachment, Get, Mappings, TypeMapping};

const ENABLED: &[(&str, &str)] = &[("true", "Enabled"), ("false", "Disabled")];

pub static MAPPINGS: Mappings = Mappings {
    types: TYPES,
    attachments: ATTACHMENTS,
    document: |_, json| json,
};

static TYPES: &[TypeMapping] = &[
    TypeMapping {
        source: "AWS::SageMaker::NotebookInstance",
        model: "AWS::SageMaker::NotebookInstance",
        name: Some(&["NotebookInstanceName"]),
        attributes: &[
            ("kmsKey", Get::At(&["KmsKeyId"])),
            ("directInternetAccess", Get::At(&["DirectInternetAccess"])),
            ("rootAccess", Get::At(&["RootAccess"])),
            ("subnetId", Get::At(&["SubnetId"])),
        ],
        documents: &[],
    },
    TypeMapping {
        source: "AWS::SageMaker::Domain",
        model: "AWS::SageMaker::Domain",
        name: Some(&["DomainName"]),
        attributes: &[
            ("appNetworkAccessType", Get::At(&["AppNetworkAccessType"])),
            ("kmsKey", Get::At(&["KmsKeyId"])),
            ("vpc", Get::At(&["VpcId"])),
        ],
        documents: &[],
    },
    TypeMapping {
        source: "AWS::SageMaker::EndpointConfig",
        model: "AWS::SageMaker::EndpointConfig",
        name: Some(&["EndpointConfigName"]),
        attributes: &[
            ("kmsKey", Get::At(&["KmsKeyId"])),
            (
                "dataCapture",
                Get::Record(
                    &["DataCaptureConfig"],
                    &[
                        ("enableCapture", &["EnableCapture"]),
                        ("kmsKey", &["KmsKeyId"]),
                        ("destinationS3Uri", &["DestinationS3Uri"]),
                        ("initialSamplingPercentage", &["InitialSamplingPercentage"]),
                    ],
                ),
            ),
            ("models", Get::Each(&["ProductionVariants"], &["ModelName"])),
        ],
        documents: &[],
    },
    TypeMapping {
        source: "AWS::SageMaker::Model",
        model: "AWS::SageMaker::Model",
        name: Some(&["ModelName"]),
        attributes: &[
            (
                "enableNetworkIsolation",
                Get::At(&["EnableNetworkIsolation"]),
            ),
            ("vpcSubnets", Get::At(&["VpcConfig", "Subnets"])),
            (
                "modelDataUrl",
                Get::At(&["PrimaryContainer", "ModelDataUrl"]),
            ),
            ("image", Get::At(&["PrimaryContainer", "Image"])),
            (
                "modelPackage",
                Get::At(&["PrimaryContainer", "ModelPackageName"]),
            ),
        ],
        documents: &[],
    },
    TypeMapping {
        source: "AWS::SageMaker::ModelPackage",
        model: "AWS::SageMaker::ModelPackage",
        name: Some(&["ModelPackageName"]),
        attributes: &[
            ("group", Get::At(&["ModelPackageGroupName"])),
            ("approvalStatus", Get::At(&["ModelApprovalStatus"])),
            ("kmsKey", Get::At(&["SecurityConfig", "KmsKeyId"])),
        ],
        documents: &[],
    },
    TypeMapping {
        source: "AWS::SageMaker::Endpoint",
        model: "AWS::SageMaker::Endpoint",
        name: Some(&["EndpointName"]),
        attributes: &[("endpointConfig", Get::At(&["EndpointConfigName"]))],
        documents: &[],
    },
    TypeMapping {
        source: "AWS::SageMaker::MonitoringSchedule",
        model: "AWS::SageMaker::MonitoringSchedule",
        name: Some(&["MonitoringScheduleName"]),
        attributes: &[
            ("endpoint", Get::At(&["EndpointName"])),
            (
                "monitoringType",
                Get::At(&["MonitoringScheduleConfig", "MonitoringType"]),
            ),
            ("status", Get::At(&["MonitoringScheduleStatus"])),
            (
                "jobDefinitionName",
                Get::At(&["MonitoringScheduleConfig", "MonitoringJobDefinitionName"]),
            ),
            (
                "enableNetworkIsolation",
                Get::At(&[
                    "MonitoringScheduleConfig",
                    "MonitoringJobDefinition",
                    "NetworkConfig",
                    "EnableNetworkIsolation",
                ]),
            ),
            (
                "enableInterContainerTrafficEncryption",
                Get::At(&[
                    "MonitoringScheduleConfig",
                    "MonitoringJobDefinition",
                    "NetworkConfig",
                    "EnableInterContainerTrafficEncryption",
                ]),
            ),
            (
                "baselineConstraintsUri",
                Get::At(&[
                    "MonitoringScheduleConfig",
                    "MonitoringJobDefinition",
                    "BaselineConfig",
                    "ConstraintsResource",
                    "S3Uri",
                ]),
            ),
        ],
        documents: &[],
    },
    TypeMapping {
        source: "AWS::Bedrock::Guardrail",
        model: "AWS::Bedrock::Guardrail",
        name: Some(&["Name"]),
        attributes: &[
            ("kmsKey", Get::At(&["KmsKeyArn"])),
            (
                "piiEntities",
                Get::Records(
                    &["SensitiveInformationPolicyConfig", "PiiEntitiesConfig"],
                    &[
                        ("type", &["Type"]),
                        ("action", &["Action"]),
                        ("inputAction", &["InputAction"]),
                        ("outputAction", &["OutputAction"]),
                        ("inputEnabled", &["InputEnabled"]),
                        ("outputEnabled", &["OutputEnabled"]),
                    ],
                ),
            ),
            (
                "contentFilters",
                Get::Records(
                    &["ContentPolicyConfig", "FiltersConfig"],
                    &[
                        ("type", &["Type"]),
                        ("inputStrength", &["InputStrength"]),
                        ("outputStrength", &["OutputStrength"]),
                        ("inputAction", &["InputAction"]),
                        ("outputAction", &["OutputAction"]),
                        ("inputEnabled", &["InputEnabled"]),
                        ("outputEnabled", &["OutputEnabled"]),
                    ],
                ),
            ),
            (
                "managedWordLists",
                Get::Records(
                    &["WordPolicyConfig", "ManagedWordListsConfig"],
                    &[
                        ("type", &["Type"]),
                        ("inputAction", &["InputAction"]),
                        ("outputAction", &["OutputAction"]),
                        ("inputEnabled", &["InputEnabled"]),
                        ("outputEnabled", &["OutputEnabled"]),
                    ],
                ),
            ),
            (
                "contextualGroundingFilters",
                Get::Records(
                    &["ContextualGroundingPolicyConfig", "FiltersConfig"],
                    &[
                        ("type", &["Type"]),
                        ("threshold", &["Threshold"]),
                        ("action", &["Action"]),
                        ("enabled", &["Enabled"]),
                    ],
                ),
            ),
            (
                "topics",
                Get::Records(
                    &["TopicPolicyConfig", "TopicsConfig"],
                    &[
                        ("name", &["Name"]),
                        ("type", &["Type"]),
                        ("inputAction", &["InputAction"]),
                        ("outputAction", &["OutputAction"]),
                        ("inputEnabled", &["InputEnabled"]),
                        ("outputEnabled", &["OutputEnabled"]),
                    ],
                ),
            ),
        ],
        documents: &[],
    },
    TypeMapping {
        source: "AWS::Bedrock::Agent",
        model: "AWS::Bedrock::Agent",
        name: Some(&["AgentName"]),
        attributes: &[
            ("kmsKey", Get::At(&["CustomerEncryptionKeyArn"])),
            (
                "guardrail",
                Get::At(&["GuardrailConfiguration", "GuardrailIdentifier"]),
            ),
            (
                "guardrailVersion",
                Get::At(&["GuardrailConfiguration", "GuardrailVersion"]),
            ),
            ("foundationModel", Get::At(&["FoundationModel"])),
            ("role", Get::At(&["AgentResourceRoleArn"])),
            (
                "actionGroupFunctions",
                Get::Each(&["ActionGroups"], &["ActionGroupExecutor", "Lambda"]),
            ),
        ],
        documents: &[],
    },
    TypeMapping {
        source: "AWS::Bedrock::KnowledgeBase",
        model: "AWS::Bedrock::KnowledgeBase",
        name: Some(&["Name"]),
        attributes: &[
            ("storageType", Get::At(&["StorageConfiguration", "Type"])),
            (
                "collection",
                Get::At(&[
                    "StorageConfiguration",
                    "OpensearchServerlessConfiguration",
                    "CollectionArn",
                ]),
            ),
            // One storage configuration per knowledge base: at most one of these is set.
            (
                "credentialsSecret",
                Get::At(&[
                    "StorageConfiguration",
                    "PineconeConfiguration",
                    "CredentialsSecretArn",
                ]),
            ),
            (
                "credentialsSecret",
                Get::At(&[
                    "StorageConfiguration",
                    "RedisEnterpriseCloudConfiguration",
                    "CredentialsSecretArn",
                ]),
            ),
            (
                "credentialsSecret",
                Get::At(&[
                    "StorageConfiguration",
                    "MongoDbAtlasConfiguration",
                    "CredentialsSecretArn",
                ]),
            ),
            (
                "credentialsSecret",
                Get::At(&[
                    "StorageConfiguration",
                    "RdsConfiguration",
                    "CredentialsSecretArn",
                ]),
            ),
            (
                "embeddingModelArn",
                Get::At(&[
                    "KnowledgeBaseConfiguration",
                    "VectorKnowledgeBaseConfiguration",
                    "EmbeddingModelArn",
                ]),
            ),
        ],
        documents: &[],
    },
    TypeMapping {
        source: "AWS::BedrockAgentCore::Runtime",
        model: "AWS::BedrockAgentCore::Runtime",
        name: Some(&["AgentRuntimeName"]),
        attributes: &[(
            "networkMode",
            Get::At(&["NetworkConfiguration", "NetworkMode"]),
        )],
        documents: &[],
    },
    TypeMapping {
        source: "AWS::SecretsManager::Secret",
        model: "AWS::SecretsManager::Secret",
        name: Some(&["Name"]),
        attributes: &[("kmsKey", Get::At(&["KmsKeyId"]))],
        documents: &[],
    },
    TypeMapping {
        source: "AWS::OpenSearchService::Domain",
        model: "AWS::OpenSearchService::Domain",
        name: Some(&["DomainName"]),
        attributes: &[
            (
                "encryptionAtRest",
                Get::At(&["EncryptionAtRestOptions", "Enabled"]),
            ),
            ("kmsKey", Get::At(&["EncryptionAtRestOptions", "KmsKeyId"])),
            (
                "enforceHttps",
                Get::At(&["DomainEndpointOptions", "EnforceHTTPS"]),
            ),
            (
                "tlsSecurityPolicy",
                Get::At(&["DomainEndpointOptions", "TLSSecurityPolicy"]),
            ),
            (
                "nodeToNodeEncryption",
                Get::At(&["NodeToNodeEncryptionOptions", "Enabled"]),
            ),
            ("vpcSubnets", Get::At(&["VPCOptions", "SubnetIds"])),
            (
                "advancedSecurityEnabled",
                Get::At(&["AdvancedSecurityOptions", "Enabled"]),
            ),
            (
                "internalUserDatabaseEnabled",
                Get::At(&["AdvancedSecurityOptions", "InternalUserDatabaseEnabled"]),
            ),
            (
                "auditLogsEnabled",
                Get::At(&["LogPublishingOptions", "AUDIT_LOGS", "Enabled"]),
            ),
        ],
        documents: &[],
    },
    TypeMapping {
        source: "AWS::EC2::VPC",
        model: "AWS::EC2::VPC",
        name: None,
        attributes: &[],
        documents: &[],
    },
    TypeMapping {
        source: "AWS::EC2::VPCEndpoint",
        model: "AWS::EC2::VPCEndpoint",
        name: None,
        attributes: &[
            ("serviceName", Get::At(&["ServiceName"])),
            ("vpcEndpointType", Get::At(&["VpcEndpointType"])),
            ("privateDnsEnabled", Get::At(&["PrivateDnsEnabled"])),
            ("vpc", Get::At(&["VpcId"])),
        ],
        documents: &[("policy", Get::At(&["PolicyDocument"]))],
    },
    TypeMapping {
        source: "AWS::CloudTrail::Trail",
        model: "AWS::CloudTrail::Trail",
        name: Some(&["TrailName"]),
        attributes: &[
            ("isMultiRegionTrail", Get::At(&["IsMultiRegionTrail"])),
            ("isLogging", Get::At(&["IsLogging"])),
            ("kmsKey", Get::At(&["KMSKeyId"])),
            (
                "logFileValidationEnabled",
                Get::At(&["EnableLogFileValidation"]),
            ),
        ],
        documents: &[
            ("eventSelectors", Get::At(&["EventSelectors"])),
            (
                "advancedEventSelectors",
                Get::At(&["AdvancedEventSelectors"]),
            ),
        ],
    },
    TypeMapping {
        source: "AWS::KMS::Key",
        model: "AWS::KMS::Key",
        name: None,
        attributes: &[
            // A key a template creates is the customer's.
            ("keyManager", Get::Fixed("CUSTOMER")),
            ("keyState", Get::Translated(&["Enabled"], ENABLED)),
            ("rotationEnabled", Get::At(&["EnableKeyRotation"])),
        ],
        documents: &[],
    },
    TypeMapping {
        source: "AWS::S3::Bucket",
        model: "AWS::S3::Bucket",
        name: Some(&["BucketName"]),
        attributes: &[
            (
                "sseAlgorithm",
                Get::At(&[
                    "BucketEncryption",
                    "ServerSideEncryptionConfiguration",
                    "ServerSideEncryptionByDefault",
                    "SSEAlgorithm",
                ]),
            ),
            (
                "kmsKey",
                Get::At(&[
                    "BucketEncryption",
                    "ServerSideEncryptionConfiguration",
                    "ServerSideEncryptionByDefault",
                    "KMSMasterKeyID",
                ]),
            ),
            (
                "publicAccessBlock",
                Get::Record(
                    &["PublicAccessBlockConfiguration"],
                    &[
                        ("blockPublicAcls", &["BlockPublicAcls"]),
                        ("ignorePublicAcls", &["IgnorePublicAcls"]),
                        ("blockPublicPolicy", &["BlockPublicPolicy"]),
                        ("restrictPublicBuckets", &["RestrictPublicBuckets"]),
                    ],
                ),
            ),
        ],
        documents: &[],
    },
    TypeMapping {
        source: "AWS::LakeFormation::DataLakeSettings",
        model: "AWS::LakeFormation::DataLakeSettings",
        name: None,
        attributes: &[
            (
                "admins",
                Get::Each(&["Admins"], &["DataLakePrincipalIdentifier"]),
            ),
            (
                "createDatabaseDefaultPermissions",
                Get::Records(
                    &["CreateDatabaseDefaultPermissions"],
                    &[
                        ("principal", &["Principal", "DataLakePrincipalIdentifier"]),
                        ("permissions", &["Permissions"]),
                    ],
                ),
            ),
            (
                "createTableDefaultPermissions",
                Get::Records(
                    &["CreateTableDefaultPermissions"],
                    &[
                        ("principal", &["Principal", "DataLakePrincipalIdentifier"]),
                        ("permissions", &["Permissions"]),
                    ],
                ),
            ),
        ],
        documents: &[],
    },
    TypeMapping {
        source: "AWS::LakeFormation::Permissions",
        model: "AWS::LakeFormation::Permissions",
        name: None,
        attributes: &[
            (
                "principal",
                Get::At(&["DataLakePrincipal", "DataLakePrincipalIdentifier"]),
            ),
            ("permissions", Get::At(&["Permissions"])),
            (
                "permissionsWithGrantOption",
                Get::At(&["PermissionsWithGrantOption"]),
            ),
        ],
        documents: &[("resource", Get::At(&["Resource"]))],
    },
    TypeMapping {
        source: "AWS::LakeFormation::PrincipalPermissions",
        model: "AWS::LakeFormation::Permissions",
        name: None,
        attributes: &[
            (
                "principal",
                Get::At(&["Principal", "DataLakePrincipalIdentifier"]),
            ),
            ("permissions", Get::At(&["Permissions"])),
            (
                "permissionsWithGrantOption",
                Get::At(&["PermissionsWithGrantOption"]),
            ),
        ],
        documents: &[("resource", Get::At(&["Resource"]))],
    },
    TypeMapping {
        source: "AWS::IAM::ManagedPolicy",
        model: "AWS::IAM::Policy",
        name: Some(&["ManagedPolicyName"]),
        attributes: &[("roles", Get::At(&["Roles"]))],
        documents: &[("policy", Get::At(&["PolicyDocument"]))],
    },
    TypeMapping {
        source: "AWS::IAM::Policy",
        model: "AWS::IAM::Policy",
        name: Some(&["PolicyName"]),
        attributes: &[("roles", Get::At(&["Roles"]))],
        documents: &[("policy", Get::At(&["PolicyDocument"]))],
    },
    TypeMapping {
        source: "AWS::IAM::Role",
        model: "AWS::IAM::Role",
        name: Some(&["RoleName"]),
        attributes: &[("managedPolicyArns", Get::At(&["ManagedPolicyArns"]))],
        documents: &[],
    },
    TypeMapping {
        source: "AWS::Lambda::Function",
        model: "AWS::Lambda::Function",
        name: Some(&["FunctionName"]),
        attributes: &[("role", Get::At(&["Role"]))],
        documents: &[],
    },
    TypeMapping {
        source: "AWS::OpenSearchServerless::Collection",
        model: "AWS::OpenSearchServerless::Collection",
        name: Some(&["Name"]),
        attributes: &[("collectionType", Get::At(&["Type"]))],
        documents: &[],
    },
    TypeMapping {
        source: "AWS::OpenSearchServerless::SecurityPolicy",
        model: "AWS::OpenSearchServerless::SecurityPolicy",
        name: Some(&["Name"]),
        attributes: &[("policyType", Get::At(&["Type"]))],
        // `Policy` is the document as JSON text; the derivations parse it.
        documents: &[("policy", Get::At(&["Policy"]))],
    },
    TypeMapping {
        source: "AWS::OpenSearchServerless::AccessPolicy",
        model: "AWS::OpenSearchServerless::AccessPolicy",
        name: Some(&["Name"]),
        attributes: &[],
        documents: &[("policy", Get::At(&["Policy"]))],
    },
    TypeMapping {
        source: "AWS::Organizations::Policy",
        model: "AWS::Organizations::Policy",
        name: Some(&["Name"]),
        attributes: &[
            ("policyType", Get::At(&["Type"])),
            ("targets", Get::At(&["TargetIds"])),
        ],
        // `Content` is the policy as JSON or as JSON text; the derivations read both.
        documents: &[("content", Get::At(&["Content"]))],
    },
];

static ATTACHMENTS: &[Attachment] = &[
    Attachment {
        source: "AWS::S3::BucketPolicy",
        target: &["Bucket"],
        model: "AWS::S3::Bucket",
        attributes: &[],
        documents: &[("policy", Get::At(&["PolicyDocument"]))],
        appends: &[],
    },
    Attachment {
        source: "AWS::KMS::Alias",
        target: &["TargetKeyId"],
        model: "AWS::KMS::Key",
        attributes: &[("aliases", Get::At(&["AliasName"]))],
        documents: &[],
        appends: &["aliases"],
    },
];
