//! AWS Config data: what an account's configuration recorder captured, read into the same
//! model as a live collection, so an organization's Config data can be audited offline.
//!
//! # Inputs (detected by content)
//!
//! - Configuration snapshots and history files that Config delivers to S3 (gunzipped):
//!   `{"fileVersion", "configSnapshotId"?, "configurationItems": [...]}`. Items name the
//!   account `awsAccountId` and the ARN `ARN`; `configuration` and the values of
//!   `supplementaryConfiguration` are JSON objects (a few supplementary values are JSON
//!   strings, e.g. the S3 `AccessControlList`).
//! - `aws configservice get-resource-config-history` (`{"configurationItems": [...]}`) and
//!   `batch-get-resource-config` (`{"baseConfigurationItems": [...]}`; the aggregate form
//!   capitalizes it). Items name the account `accountId` and the ARN `arn`; `configuration`
//!   and each `supplementaryConfiguration` value are JSON *strings*. `BatchGetResourceConfig`
//!   returns no tags and no deleted resources.
//! - `aws configservice select-resource-config` and `select-aggregate-resource-config`:
//!   `{"Results": ["<json>", ...], "QueryInfo": {"SelectFields": [{"Name": ...}]}}`. Each
//!   result holds the selected fields only (`resourceType`, `resourceId`, `arn`,
//!   `accountId`, `awsRegion`, `configuration`, `supplementaryConfiguration`, `tags` as
//!   `[{"key", "value", "tag"}]`, ...); a fact whose field was not selected is unknown.
//! - A single item: `{"configurationItem": ...}` (a change notification) or
//!   `{"ConfigurationItem": ...}` (`get-aggregate-resource-config`).
//!
//! # What Config records (checked against the AWS Config resource schema, the per-type
//! property lists that advanced queries index, `awslabs/aws-config-resource-schema`)
//!
//! - `AWS::S3::Bucket`: `configuration.name`; `supplementaryConfiguration`
//!   `.ServerSideEncryptionConfiguration.rules[].applyServerSideEncryptionByDefault`
//!   `.{sseAlgorithm,kmsMasterKeyID}`, `.PublicAccessBlockConfiguration.{blockPublicAcls,
//!   ignorePublicAcls,blockPublicPolicy,restrictPublicBuckets}`, and `.BucketPolicy.policyText`
//!   (the policy as a string, `null` without one; seen in delivered items).
//! - `AWS::S3::AccountPublicAccessBlock`: the four settings under `configuration`.
//! - `AWS::KMS::Key`: `configuration.{keyId,arn,keyManager,keyState}` and
//!   `supplementaryConfiguration.KeyRotationStatus`. Aliases are `AWS::KMS::Alias` items
//!   (`configuration.{AliasName,TargetKeyId}`).
//! - `AWS::EC2::VPC`, `AWS::EC2::Subnet` (`configuration.vpcId`), `AWS::EC2::VPCEndpoint`
//!   (`configuration.{serviceName,vpcEndpointType,privateDnsEnabled,vpcId,state}`; the
//!   schema indexes the state as `state.value`, so both a string and `{"value"}` are read).
//! - SageMaker notebook instances, Studio domains, endpoint configurations and models, and
//!   `AWS::OpenSearch::Domain`: the CloudFormation property names (`KmsKeyId`,
//!   `DirectInternetAccess`, `DataCaptureConfig.KmsKeyId`, `PrimaryContainer.ModelDataUrl`,
//!   `DomainEndpointOptions.TLSSecurityPolicy`, ...). The schema lists a domain's
//!   `VPCOptions` subnets and security groups, not a VPC id (one is read when present);
//!   notebooks, models and domains are placed in a VPC through the export's
//!   `AWS::EC2::Subnet` items.
//! - `AWS::CloudTrail::Trail`: what `DescribeTrails` returns (`isMultiRegionTrail`,
//!   `kmsKeyId`, `logFileValidationEnabled`, `hasCustomEventSelectors`, ...), but neither
//!   the event selectors nor whether the trail is logging: those facts are unknown.
//! - `AWS::IAM::Policy`: `configuration.policyVersionList[].{document,isDefaultVersion}`,
//!   documents URL-encoded; `AWS::IAM::Role`: `configuration.rolePolicyList[].{policyName,
//!   policyDocument}` (URL-encoded) and `attachedManagedPolicies[].policyArn`.
//!
//! Model types this reader does not fill (Bedrock, Lake Formation, OpenSearch Serverless,
//! SageMaker endpoints, packages, training jobs and monitoring schedules) are "not
//! collected" in every account and region the file covers, so their rules are *not
//! assessed*, never passed. A fact Config does not record for a type it does is unknown
//! with the reason, never absent (absent means AWS's default).

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Arc;

use super::iac::{self, Declared, Get, Mappings, TypeMapping, Unit};
use super::tree::{self, Key, Node, Tree};
use super::{InputError, SourceText};
use crate::model::{Collected, Location, ModelSchema, NotCollected, Resource, Unknown, Value};

/// `configurationItemStatus` values of items that no longer describe a resource.
const GONE: [&str; 3] = [
    "ResourceDeleted",
    "ResourceNotRecorded",
    "ResourceDeletedNotRecorded",
];

/// How each recorded type maps to the model. Paths start at the item: `configuration` or
/// `supplementaryConfiguration`; a list met on the way stands for its first element.
pub static MAPPINGS: Mappings = Mappings {
    types: TYPES,
    attachments: &[],
    document: |_, json| json,
};

const PAB_FIELDS: &[(&str, &[&str])] = &[
    ("blockPublicAcls", &["blockPublicAcls"]),
    ("ignorePublicAcls", &["ignorePublicAcls"]),
    ("blockPublicPolicy", &["blockPublicPolicy"]),
    ("restrictPublicBuckets", &["restrictPublicBuckets"]),
];

const SSE_DEFAULT: [&str; 4] = [
    "supplementaryConfiguration",
    "ServerSideEncryptionConfiguration",
    "rules",
    "applyServerSideEncryptionByDefault",
];

static TYPES: &[TypeMapping] = &[
    TypeMapping {
        source: "AWS::S3::Bucket",
        model: "AWS::S3::Bucket",
        name: Some(&["configuration", "name"]),
        attributes: &[
            (
                "sseAlgorithm",
                Get::At(&[
                    SSE_DEFAULT[0],
                    SSE_DEFAULT[1],
                    SSE_DEFAULT[2],
                    SSE_DEFAULT[3],
                    "sseAlgorithm",
                ]),
            ),
            (
                "kmsKey",
                Get::At(&[
                    SSE_DEFAULT[0],
                    SSE_DEFAULT[1],
                    SSE_DEFAULT[2],
                    SSE_DEFAULT[3],
                    "kmsMasterKeyID",
                ]),
            ),
            (
                "publicAccessBlock",
                Get::Record(
                    &[
                        "supplementaryConfiguration",
                        "PublicAccessBlockConfiguration",
                    ],
                    PAB_FIELDS,
                ),
            ),
        ],
        documents: &[(
            "policy",
            Get::At(&["supplementaryConfiguration", "BucketPolicy", "policyText"]),
        )],
    },
    TypeMapping {
        source: "AWS::S3::AccountPublicAccessBlock",
        model: "AWS::S3::AccountPublicAccessBlock",
        name: None,
        attributes: &[(
            "publicAccessBlock",
            Get::Record(&["configuration"], PAB_FIELDS),
        )],
        documents: &[],
    },
    TypeMapping {
        source: "AWS::KMS::Key",
        model: "AWS::KMS::Key",
        name: None,
        attributes: &[
            ("keyManager", Get::At(&["configuration", "keyManager"])),
            ("keyState", Get::At(&["configuration", "keyState"])),
            (
                "rotationEnabled",
                Get::At(&["supplementaryConfiguration", "KeyRotationStatus"]),
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
            ("serviceName", Get::At(&["configuration", "serviceName"])),
            (
                "vpcEndpointType",
                Get::At(&["configuration", "vpcEndpointType"]),
            ),
            (
                "privateDnsEnabled",
                Get::At(&["configuration", "privateDnsEnabled"]),
            ),
            ("state", Get::At(&["configuration", "state"])),
            ("vpc", Get::At(&["configuration", "vpcId"])),
        ],
        // As DescribeVpcEndpoints returns it: JSON text; absent means full access.
        documents: &[("policy", Get::At(&["configuration", "policyDocument"]))],
    },
    TypeMapping {
        source: "AWS::SageMaker::NotebookInstance",
        model: "AWS::SageMaker::NotebookInstance",
        name: Some(&["configuration", "NotebookInstanceName"]),
        attributes: &[
            ("kmsKey", Get::At(&["configuration", "KmsKeyId"])),
            (
                "directInternetAccess",
                Get::At(&["configuration", "DirectInternetAccess"]),
            ),
            ("rootAccess", Get::At(&["configuration", "RootAccess"])),
            ("subnetId", Get::At(&["configuration", "SubnetId"])),
        ],
        documents: &[],
    },
    TypeMapping {
        source: "AWS::SageMaker::Domain",
        model: "AWS::SageMaker::Domain",
        name: Some(&["configuration", "DomainName"]),
        attributes: &[
            (
                "appNetworkAccessType",
                Get::At(&["configuration", "AppNetworkAccessType"]),
            ),
            ("kmsKey", Get::At(&["configuration", "KmsKeyId"])),
            ("vpc", Get::At(&["configuration", "VpcId"])),
        ],
        documents: &[],
    },
    TypeMapping {
        source: "AWS::SageMaker::EndpointConfig",
        model: "AWS::SageMaker::EndpointConfig",
        name: Some(&["configuration", "EndpointConfigName"]),
        attributes: &[
            ("kmsKey", Get::At(&["configuration", "KmsKeyId"])),
            (
                "dataCapture",
                Get::Record(
                    &["configuration", "DataCaptureConfig"],
                    &[
                        ("enableCapture", &["EnableCapture"]),
                        ("kmsKey", &["KmsKeyId"]),
                        ("destinationS3Uri", &["DestinationS3Uri"]),
                        ("initialSamplingPercentage", &["InitialSamplingPercentage"]),
                    ],
                ),
            ),
            (
                "models",
                Get::Each(&["configuration", "ProductionVariants"], &["ModelName"]),
            ),
        ],
        documents: &[],
    },
    TypeMapping {
        source: "AWS::SageMaker::Model",
        model: "AWS::SageMaker::Model",
        name: Some(&["configuration", "ModelName"]),
        attributes: &[
            (
                "enableNetworkIsolation",
                Get::At(&["configuration", "EnableNetworkIsolation"]),
            ),
            (
                "vpcSubnets",
                Get::At(&["configuration", "VpcConfig", "Subnets"]),
            ),
            (
                "modelDataUrl",
                Get::At(&["configuration", "PrimaryContainer", "ModelDataUrl"]),
            ),
            (
                "modelPackage",
                Get::At(&["configuration", "PrimaryContainer", "ModelPackageName"]),
            ),
            (
                "image",
                Get::At(&["configuration", "PrimaryContainer", "Image"]),
            ),
        ],
        documents: &[],
    },
    TypeMapping {
        source: "AWS::OpenSearch::Domain",
        model: "AWS::OpenSearchService::Domain",
        name: Some(&["configuration", "DomainName"]),
        attributes: &[
            (
                "encryptionAtRest",
                Get::At(&["configuration", "EncryptionAtRestOptions", "Enabled"]),
            ),
            (
                "kmsKey",
                Get::At(&["configuration", "EncryptionAtRestOptions", "KmsKeyId"]),
            ),
            (
                "enforceHttps",
                Get::At(&["configuration", "DomainEndpointOptions", "EnforceHTTPS"]),
            ),
            (
                "tlsSecurityPolicy",
                Get::At(&[
                    "configuration",
                    "DomainEndpointOptions",
                    "TLSSecurityPolicy",
                ]),
            ),
            (
                "nodeToNodeEncryption",
                Get::At(&["configuration", "NodeToNodeEncryptionOptions", "Enabled"]),
            ),
            (
                "vpcSubnets",
                Get::At(&["configuration", "VPCOptions", "SubnetIds"]),
            ),
            (
                "advancedSecurityEnabled",
                Get::At(&["configuration", "AdvancedSecurityOptions", "Enabled"]),
            ),
            (
                "internalUserDatabaseEnabled",
                Get::At(&[
                    "configuration",
                    "AdvancedSecurityOptions",
                    "InternalUserDatabaseEnabled",
                ]),
            ),
            (
                "auditLogsEnabled",
                Get::At(&[
                    "configuration",
                    "LogPublishingOptions",
                    "AUDIT_LOGS",
                    "Enabled",
                ]),
            ),
        ],
        documents: &[],
    },
    TypeMapping {
        source: "AWS::CloudTrail::Trail",
        model: "AWS::CloudTrail::Trail",
        name: Some(&["configuration", "name"]),
        attributes: &[
            (
                "isMultiRegionTrail",
                Get::At(&["configuration", "isMultiRegionTrail"]),
            ),
            ("kmsKey", Get::At(&["configuration", "kmsKeyId"])),
            (
                "logFileValidationEnabled",
                Get::At(&["configuration", "logFileValidationEnabled"]),
            ),
        ],
        documents: &[],
    },
    TypeMapping {
        source: "AWS::IAM::Policy",
        model: "AWS::IAM::Policy",
        name: Some(&["configuration", "policyName"]),
        attributes: &[],
        // The default version: listed first once read (see `prepare`).
        documents: &[(
            "policy",
            Get::At(&["configuration", "policyVersionList", "document"]),
        )],
    },
    // One policy per `rolePolicyList` entry; paths start at the entry.
    TypeMapping {
        source: "AWS::IAM::Role",
        model: "AWS::IAM::Policy",
        name: Some(&["policyName"]),
        attributes: &[],
        documents: &[("policy", Get::At(&["policyDocument"]))],
    },
];

/// How a resource of a recorded type is identified.
#[derive(Clone, Copy)]
enum Identity {
    /// Its ARN (the item's, else its resource id).
    Arn,
    /// Its resource id (`vpc-...`, `vpce-...`), as the live collectors name it.
    ResourceId,
    /// One per account.
    PerAccount,
}

/// What a mapping table cannot say about a recorded type.
struct Extra {
    source: &'static str,
    id: Identity,
    /// Account-wide (IAM is global; Block Public Access is per account): no region.
    global: bool,
    /// Facts Config never records for the type: always unknown, with why.
    unrecorded: &'static [(&'static str, &'static str)],
    /// Facts that are unknown, not absent, when the item lacks them.
    required: &'static [(&'static str, &'static str)],
    /// Attributes filled from the export's other items, for the docs.
    linked: &'static [(&'static str, &'static str)],
}

static EXTRAS: &[Extra] = &[
    Extra {
        source: "AWS::S3::Bucket",
        id: Identity::Arn,
        global: false,
        unrecorded: &[],
        required: &[],
        linked: &[],
    },
    Extra {
        source: "AWS::S3::AccountPublicAccessBlock",
        id: Identity::PerAccount,
        global: true,
        unrecorded: &[],
        required: &[],
        linked: &[],
    },
    Extra {
        source: "AWS::KMS::Key",
        id: Identity::Arn,
        global: false,
        unrecorded: &[],
        required: &[(
            "rotationEnabled",
            "the configuration item records no `KeyRotationStatus`",
        )],
        linked: &[(
            "aliases",
            "`AWS::KMS::Alias` items whose `TargetKeyId` is the key (unknown when the export has no alias items in the key's account and region)",
        )],
    },
    Extra {
        source: "AWS::EC2::VPC",
        id: Identity::ResourceId,
        global: false,
        unrecorded: &[],
        required: &[],
        linked: &[],
    },
    Extra {
        source: "AWS::EC2::VPCEndpoint",
        id: Identity::ResourceId,
        global: false,
        unrecorded: &[],
        required: &[],
        linked: &[],
    },
    Extra {
        source: "AWS::SageMaker::NotebookInstance",
        id: Identity::Arn,
        global: false,
        unrecorded: &[],
        required: &[],
        linked: &[(
            "vpc",
            "the `AWS::EC2::Subnet` item of `SubnetId` (its `configuration.vpcId`)",
        )],
    },
    Extra {
        source: "AWS::SageMaker::Domain",
        id: Identity::Arn,
        global: false,
        unrecorded: &[],
        required: &[],
        linked: &[],
    },
    Extra {
        source: "AWS::SageMaker::EndpointConfig",
        id: Identity::Arn,
        global: false,
        unrecorded: &[],
        required: &[],
        linked: &[],
    },
    Extra {
        source: "AWS::SageMaker::Model",
        id: Identity::Arn,
        global: false,
        unrecorded: &[],
        required: &[],
        linked: &[(
            "vpc",
            "the `AWS::EC2::Subnet` item of the first `VpcConfig.Subnets` entry",
        )],
    },
    Extra {
        source: "AWS::OpenSearch::Domain",
        id: Identity::Arn,
        global: false,
        unrecorded: &[],
        required: &[],
        linked: &[(
            "vpc",
            "`VPCOptions.VPCId` when the item has it, else the `AWS::EC2::Subnet` item of the first `VPCOptions.SubnetIds` entry",
        )],
    },
    Extra {
        source: "AWS::CloudTrail::Trail",
        id: Identity::Arn,
        global: false,
        unrecorded: &[
            (
                "isLogging",
                "AWS Config does not record whether a trail is logging (cloudtrail:GetTrailStatus)",
            ),
            (
                "documents.eventSelectors",
                "AWS Config does not record a trail's event selectors (cloudtrail:GetEventSelectors)",
            ),
            (
                "documents.advancedEventSelectors",
                "AWS Config does not record a trail's event selectors (cloudtrail:GetEventSelectors)",
            ),
        ],
        required: &[],
        linked: &[],
    },
    Extra {
        source: "AWS::IAM::Policy",
        id: Identity::Arn,
        global: true,
        unrecorded: &[],
        required: &[],
        linked: &[(
            "attachedTo",
            "`AWS::IAM::Role` items whose `attachedManagedPolicies` name the policy (unknown when the export has no role items in the account)",
        )],
    },
    Extra {
        source: "AWS::IAM::Role",
        id: Identity::Arn,
        global: true,
        unrecorded: &[],
        required: &[],
        linked: &[("attachedTo", "the role")],
    },
];

/// Model types this reader does not fill, and why: each is "not collected" wherever the
/// export reaches, so its rules are not assessed.
pub static NOT_READ: &[(&str, &str)] = &[
    (
        "AWS::Organizations::Policy",
        "ailint does not read Organizations policies from AWS Config data",
    ),
    (
        "AWS::Organizations::EffectivePolicy",
        "AWS Config does not record effective policies",
    ),
    (
        "AWS::SageMaker::Endpoint",
        "ailint does not read SageMaker endpoints from AWS Config data",
    ),
    (
        "AWS::SageMaker::ModelPackage",
        "ailint does not read SageMaker model packages from AWS Config data",
    ),
    (
        "AWS::SageMaker::TrainingJob",
        "AWS Config does not record SageMaker training jobs",
    ),
    (
        "AWS::SageMaker::MonitoringSchedule",
        "ailint does not read SageMaker monitoring schedules from AWS Config data",
    ),
    (
        "AWS::Bedrock::Guardrail",
        "ailint does not read Bedrock guardrails from AWS Config data",
    ),
    (
        "AWS::Bedrock::Agent",
        "ailint does not read Bedrock agents from AWS Config data",
    ),
    (
        "AWS::Lambda::Function",
        "ailint does not read Lambda functions from AWS Config data: only the Bedrock agents that run them, which it does not read there either, make them judged",
    ),
    (
        "AWS::Bedrock::KnowledgeBase",
        "ailint does not read Bedrock knowledge bases from AWS Config data",
    ),
    (
        "AWS::Bedrock::DataSource",
        "ailint does not read Bedrock data sources from AWS Config data",
    ),
    (
        "AWS::Bedrock::CustomModel",
        "ailint does not read Bedrock custom models from AWS Config data",
    ),
    (
        "AWS::Bedrock::InferenceProfile",
        "ailint does not read Bedrock inference profiles from AWS Config data",
    ),
    (
        "AWS::Bedrock::ModelInvocationLogging",
        "AWS Config does not record Bedrock model invocation logging, an account setting",
    ),
    (
        "AWS::BedrockAgentCore::Runtime",
        "ailint does not read AgentCore runtimes from AWS Config data",
    ),
    (
        "AWS::SecretsManager::Secret",
        "ailint does not read Secrets Manager secrets from AWS Config data, nor the knowledge bases that name them",
    ),
    (
        "AWS::OpenSearchServerless::Collection",
        "ailint does not read OpenSearch Serverless collections from AWS Config data",
    ),
    (
        "AWS::IAM::Role",
        "ailint reads the inline policies of `AWS::IAM::Role` items, not yet their managed-policy attachments",
    ),
    (
        "AWS::OpenSearchServerless::SecurityPolicy",
        "ailint does not read OpenSearch Serverless security policies from AWS Config data",
    ),
    (
        "AWS::OpenSearchServerless::AccessPolicy",
        "ailint does not read OpenSearch Serverless access policies from AWS Config data",
    ),
    (
        "AWS::LakeFormation::DataLakeSettings",
        "AWS Config does not record Lake Formation data-lake settings",
    ),
    (
        "AWS::LakeFormation::Permissions",
        "AWS Config does not record Lake Formation permissions",
    ),
    (
        "AWS::LakeFormation::Resource",
        "ailint does not read Lake Formation registered locations from AWS Config data",
    ),
];

fn extra(source: &str) -> Option<&'static Extra> {
    EXTRAS.iter().find(|e| e.source == source)
}

fn mapping(source: &str) -> Option<&'static TypeMapping> {
    MAPPINGS.type_of(source)
}

/// Whether a JSON file's first bytes look like AWS Config data.
pub fn looks_like(head: &str) -> bool {
    let has = |s: &str| head.contains(s);
    (has("\"configurationItems\"")
        && (has("\"fileVersion\"") || has("\"resourceType\"") || has("\"nextToken\"")))
        || has("\"baseConfigurationItems\"")
        || has("\"BaseConfigurationItems\"")
        || ((has("\"configurationItem\"") || has("\"ConfigurationItem\""))
            && has("\"configurationItemStatus\""))
        || (has("\"Results\"")
            && (has("\"QueryInfo\"") || has("\\\"resourceType\\\"") || has("\\\"resourceId\\\"")))
}

/// Which form the items came in.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Form {
    /// Delivered to S3, or from the history API.
    Items,
    /// `BatchGetResourceConfig`: no tags.
    Base,
    /// An advanced query: only the selected fields.
    Select,
}

/// One configuration item, its fields normalized across the forms.
struct Item {
    line: u32,
    form: Form,
    resource_type: String,
    resource_id: Option<String>,
    resource_name: Option<String>,
    arn: Option<String>,
    account: Option<String>,
    region: Option<String>,
    status: Option<String>,
    capture_time: Option<String>,
    tags: Option<Vec<(String, String)>>,
    /// `{configuration, supplementaryConfiguration}` as present, JSON strings parsed.
    root: Node,
    /// The query's selected fields, when the file names them.
    selected: Option<Arc<Vec<String>>>,
}

impl Item {
    fn config(&self) -> Option<&Node> {
        self.root.get("configuration")
    }

    fn config_str(&self, path: &[&str]) -> Option<&str> {
        let mut node = self.config()?;
        for p in path {
            while let Tree::List(items) = &node.value {
                node = items.first()?;
            }
            node = node.get(p)?;
        }
        node.as_str()
    }

    /// Whether the item holds what `path` reads: a query selected it, or the item has
    /// its top-level field.
    fn covers(&self, path: &[&str]) -> Result<(), String> {
        let dotted = path.join(".");
        match &self.selected {
            Some(fields) => {
                if fields
                    .iter()
                    .any(|f| f == "*" || *f == dotted || dotted.starts_with(&format!("{f}.")))
                {
                    Ok(())
                } else {
                    Err(format!("the query did not select `{dotted}`"))
                }
            }
            // Query results that do not say what was selected: only what they hold is
            // known, as an absent field may not have been selected.
            None if self.form == Form::Select => {
                if has_path(&self.root, path) {
                    Ok(())
                } else {
                    Err(format!(
                        "the query results hold no `{dotted}` and do not say which fields were selected (`QueryInfo`)"
                    ))
                }
            }
            None => match path.first() {
                Some(top) if self.root.get(top).is_none() => {
                    Err(format!("the configuration item has no `{top}`"))
                }
                _ => Ok(()),
            },
        }
    }

    fn gone(&self) -> bool {
        self.status.as_deref().is_some_and(|s| GONE.contains(&s))
    }

    fn id(&self, how: Identity) -> Option<String> {
        match how {
            Identity::Arn => self.arn.clone().or_else(|| self.resource_id.clone()),
            Identity::ResourceId => self.resource_id.clone().or_else(|| self.arn.clone()),
            Identity::PerAccount => self
                .account
                .clone()
                .or_else(|| self.resource_id.clone())
                .map(|a| format!("{a}/s3-account-public-access-block")),
        }
    }

    fn location(&self, file: &Arc<str>) -> Location {
        Location {
            file: file.clone(),
            line: self.line,
        }
    }
}

/// Whether a value is at `path`, a list standing for its first element as the mapping
/// reads it.
fn has_path(root: &Node, path: &[&str]) -> bool {
    let mut node = root;
    for p in path {
        while let Tree::List(items) = &node.value {
            match items.first() {
                Some(first) => node = first,
                None => return false,
            }
        }
        match node.get(p) {
            Some(next) => node = next,
            None => return false,
        }
    }
    !node.is_null()
}

/// Sets every line of a tree: values read from a JSON string are on the string's line.
fn set_lines(node: &mut Node, line: u32) {
    node.line = line;
    match &mut node.value {
        Tree::List(items) => items.iter_mut().for_each(|n| set_lines(n, line)),
        Tree::Map(entries) => {
            for (k, v) in entries {
                k.line = line;
                set_lines(v, line);
            }
        }
        Tree::Tagged(_, inner) => set_lines(inner, line),
        _ => {}
    }
}

/// A JSON string parsed, on the string's line.
fn parse_embedded(s: &str, line: u32) -> Result<Node, String> {
    let mut node = tree::parse_json(s).map_err(|e| e.message)?;
    set_lines(&mut node, line);
    Ok(node)
}

fn map_node(line: u32, entries: Vec<(String, u32, Node)>) -> Node {
    Node::new(
        line,
        Tree::Map(
            entries
                .into_iter()
                .map(|(name, l, v)| (Key { name, line: l }, v))
                .collect(),
        ),
    )
}

/// The first of `names` the item has, with its key's line.
fn field<'a>(node: &'a Node, names: &[&str]) -> Option<(&'a Key, &'a Node)> {
    names.iter().find_map(|n| node.entry(n))
}

/// A string field: absent and `null` are `None`; numbers are kept as written.
fn string_field(node: &Node, names: &[&str]) -> Result<Option<String>, String> {
    match field(node, names) {
        None => Ok(None),
        Some((_, v)) => match &v.value {
            Tree::Null => Ok(None),
            Tree::String(s) if s.is_empty() => Ok(None),
            Tree::String(s) | Tree::Number(s) => Ok(Some(s.clone())),
            _ => Err(format!("`{}` must be a string", names[0])),
        },
    }
}

/// Reads one configuration item.
fn item(
    node: &Node,
    form: Form,
    selected: Option<Arc<Vec<String>>>,
) -> Result<Item, (u32, String)> {
    let line = node.line;
    let err = |l: u32, m: String| (l, m);
    if node.as_map().is_none() {
        return Err(err(line, "a configuration item must be an object".into()));
    }
    let s = |names: &[&str]| string_field(node, names).map_err(|m| err(line, m));
    let Some(resource_type) = s(&["resourceType"])? else {
        return Err(err(
            line,
            "the configuration item has no `resourceType` (select it in the query)".into(),
        ));
    };
    let resource_id = s(&["resourceId"])?;
    let what = resource_id.as_deref().unwrap_or(&resource_type).to_string();
    let mut root: Vec<(String, u32, Node)> = Vec::new();
    if let Some((k, v)) = node.entry("configuration") {
        match &v.value {
            Tree::Null => {}
            Tree::Map(_) => root.push(("configuration".into(), k.line, v.clone())),
            Tree::String(text) => {
                let parsed = parse_embedded(text, v.line).map_err(|m| {
                    err(
                        v.line,
                        format!("the `configuration` of `{what}` is not JSON: {m}"),
                    )
                })?;
                root.push(("configuration".into(), k.line, parsed));
            }
            _ => {
                return Err(err(
                    v.line,
                    "`configuration` must be an object or a JSON string".into(),
                ))
            }
        }
    }
    if let Some((k, v)) = node.entry("supplementaryConfiguration") {
        match &v.value {
            Tree::Null => {}
            Tree::Map(entries) => {
                let mut out = Vec::with_capacity(entries.len());
                for (ek, ev) in entries {
                    let value = match &ev.value {
                        // The API gives every value as JSON text; delivered files give
                        // objects, and a few strings that are JSON too.
                        Tree::String(text) => match parse_embedded(text, ev.line) {
                            Ok(parsed) => parsed,
                            Err(_) => ev.clone(),
                        },
                        _ => ev.clone(),
                    };
                    out.push((ek.name.clone(), ek.line, value));
                }
                root.push((
                    "supplementaryConfiguration".into(),
                    k.line,
                    map_node(v.line, out),
                ));
            }
            _ => {
                return Err(err(
                    v.line,
                    "`supplementaryConfiguration` must be an object".into(),
                ))
            }
        }
    }
    let tags = match node.entry("tags") {
        None => None,
        Some((_, v)) => Some(tags_of(v).map_err(|m| err(v.line, m))?),
    };
    let arn = s(&["arn", "ARN"])?;
    let account = s(&["accountId", "awsAccountId"])?.or_else(|| {
        arn.as_deref()
            .and_then(|a| arn_part(a, 4))
            .map(str::to_string)
    });
    if let Some(a) = &account {
        if a.len() != 12 || !a.bytes().all(|b| b.is_ascii_digit()) {
            return Err(err(
                line,
                format!("account `{a}` is not a 12-digit account id"),
            ));
        }
    }
    let region = s(&["awsRegion"])?.or_else(|| {
        arn.as_deref()
            .and_then(|a| arn_part(a, 3))
            .map(str::to_string)
    });
    Ok(Item {
        line,
        form,
        resource_id,
        resource_name: s(&["resourceName"])?,
        arn,
        account,
        region,
        status: s(&["configurationItemStatus"])?,
        capture_time: s(&["configurationItemCaptureTime"])?,
        tags,
        root: map_node(line, root),
        selected,
        resource_type,
    })
}

/// `arn:partition:service:region:account:...`'s part `i`, when not empty.
fn arn_part(arn: &str, i: usize) -> Option<&str> {
    arn.starts_with("arn:")
        .then(|| arn.split(':').nth(i))
        .flatten()
        .filter(|p| !p.is_empty())
}

/// Tags as a map (items) or as `[{"key", "value"}]` (query results).
fn tags_of(node: &Node) -> Result<Vec<(String, String)>, String> {
    let text = |n: &Node| match &n.value {
        Tree::String(s) | Tree::Number(s) => Some(s.clone()),
        Tree::Null => Some(String::new()),
        _ => None,
    };
    match &node.value {
        Tree::Null => Ok(Vec::new()),
        Tree::Map(entries) => entries
            .iter()
            .map(|(k, v)| {
                text(v)
                    .map(|v| (k.name.clone(), v))
                    .ok_or_else(|| format!("tag `{}` must be a string", k.name))
            })
            .collect(),
        Tree::List(items) => items
            .iter()
            .map(|t| {
                let key = t.get("key").and_then(text);
                let value = t.get("value").and_then(text).unwrap_or_default();
                key.map(|k| (k, value))
                    .ok_or_else(|| "a tag must have a `key`".to_string())
            })
            .collect(),
        _ => Err("`tags` must be an object or a list".into()),
    }
}

/// The items of a file, whatever its form; problems with single items are errors and the
/// other items are still read.
fn items(doc: &Node, errors: &mut Vec<(u32, String)>) -> Option<Vec<Item>> {
    let mut out = Vec::new();
    let read = |node: &Node,
                form: Form,
                selected: Option<Arc<Vec<String>>>,
                out: &mut Vec<Item>,
                errors: &mut Vec<(u32, String)>| match item(node, form, selected) {
        Ok(i) => out.push(i),
        Err(e) => errors.push(e),
    };
    // The list under `key`, or an error when it is not a list.
    let list = |key: &str, errors: &mut Vec<(u32, String)>| -> Option<&[Node]> {
        let node = doc.get(key)?;
        match node.as_list() {
            Some(items) => Some(items),
            None => {
                errors.push((node.line, format!("`{key}` must be a list")));
                Some(&[])
            }
        }
    };
    if let Some(list) = list("configurationItems", errors) {
        for i in list {
            read(i, Form::Items, None, &mut out, errors);
        }
    } else if let Some(list) =
        list("baseConfigurationItems", errors).or_else(|| list("BaseConfigurationItems", errors))
    {
        for i in list {
            read(i, Form::Base, None, &mut out, errors);
        }
    } else if let Some(node) = doc
        .get("configurationItem")
        .or_else(|| doc.get("ConfigurationItem"))
    {
        read(node, Form::Items, None, &mut out, errors);
    } else if let Some(list) = list("Results", errors) {
        let selected: Option<Arc<Vec<String>>> = doc
            .get("QueryInfo")
            .and_then(|q| q.get("SelectFields"))
            .and_then(Node::as_list)
            .map(|fields| {
                Arc::new(
                    fields
                        .iter()
                        .filter_map(|f| f.get("Name").and_then(Node::as_str))
                        .map(str::to_string)
                        .collect(),
                )
            });
        for r in list {
            match &r.value {
                Tree::String(text) => match parse_embedded(text, r.line) {
                    Ok(parsed) => read(&parsed, Form::Select, selected.clone(), &mut out, errors),
                    Err(m) => errors.push((r.line, format!("a query result is not JSON: {m}"))),
                },
                // Results written out as objects read the same.
                Tree::Map(_) => read(r, Form::Select, selected.clone(), &mut out, errors),
                _ => errors.push((r.line, "a query result must be a JSON string".into())),
            }
        }
    } else {
        return None;
    }
    Some(out)
}

/// Normalizes what the mapping reads, where Config's form differs from the model's.
fn prepare(item: &mut Item) {
    let Tree::Map(entries) = &mut item.root.value else {
        return;
    };
    let config = entries
        .iter_mut()
        .find(|(k, _)| k.name == "configuration")
        .map(|(_, v)| v);
    match item.resource_type.as_str() {
        // The default version first: a list is read through its first element.
        "AWS::IAM::Policy" => {
            let Some(config) = config else { return };
            let default_id = config
                .get("defaultVersionId")
                .and_then(Node::as_str)
                .map(str::to_string);
            if let Tree::Map(fields) = &mut config.value {
                if let Some((_, list)) = fields
                    .iter_mut()
                    .find(|(k, _)| k.name == "policyVersionList")
                {
                    if let Tree::List(versions) = &mut list.value {
                        let is_default = |v: &Node| {
                            matches!(
                                v.get("isDefaultVersion").map(|n| &n.value),
                                Some(Tree::Bool(true))
                            ) || (default_id.is_some()
                                && v.get("versionId").and_then(Node::as_str)
                                    == default_id.as_deref())
                        };
                        match versions.iter().position(is_default) {
                            Some(i) => versions.swap(0, i),
                            // No default version: no document known.
                            None => versions.clear(),
                        }
                    }
                }
            }
        }
        // Containers instead of a primary container: the first one serves.
        "AWS::SageMaker::Model" => {
            let Some(config) = config else { return };
            if config.get("PrimaryContainer").is_none() {
                let first = config
                    .get("Containers")
                    .and_then(Node::as_list)
                    .and_then(|c| c.first())
                    .cloned();
                if let (Some(first), Tree::Map(fields)) = (first, &mut config.value) {
                    let line = first.line;
                    fields.push((
                        Key {
                            name: "PrimaryContainer".into(),
                            line,
                        },
                        first,
                    ));
                }
            }
        }
        // `{"value": "Available"}` or `"Available"`: the model says `available`.
        "AWS::EC2::VPCEndpoint" => {
            let Some(config) = config else { return };
            if let Tree::Map(fields) = &mut config.value {
                if let Some((_, state)) = fields.iter_mut().find(|(k, _)| k.name == "state") {
                    let value = match &state.value {
                        Tree::String(s) => Some(s.clone()),
                        Tree::Map(_) => state
                            .get("value")
                            .and_then(Node::as_str)
                            .map(str::to_string),
                        _ => None,
                    };
                    if let Some(v) = value {
                        state.value = Tree::String(v.to_ascii_lowercase());
                    }
                }
            }
        }
        // AWS rotates the keys it manages every year; Config records rotation for the
        // customer's keys.
        "AWS::KMS::Key" => {
            let aws_managed = config
                .and_then(|c| c.get("keyManager"))
                .and_then(Node::as_str)
                == Some("AWS");
            let supplementary = entries
                .iter_mut()
                .find(|(k, _)| k.name == "supplementaryConfiguration")
                .map(|(_, v)| v);
            if let (
                true,
                Some(Node {
                    value: Tree::Map(fields),
                    line,
                }),
            ) = (aws_managed, supplementary)
            {
                if !fields.iter().any(|(k, _)| k.name == "KeyRotationStatus") {
                    let line = *line;
                    fields.push((
                        Key {
                            name: "KeyRotationStatus".into(),
                            line,
                        },
                        Node::new(line, Tree::Bool(true)),
                    ));
                }
            }
        }
        _ => {}
    }
}

/// The path a mapping reads, for what a query selected.
fn source_path(get: &Get) -> Option<&'static [&'static str]> {
    match get {
        Get::At(p) | Get::Translated(p, _) | Get::Record(p, _) | Get::Records(p, _) => Some(p),
        Get::Each(p, _) | Get::BlockDefault(p, _) => Some(p),
        Get::Fixed(_) => None,
    }
}

/// Marks `path` unknown, dropping any value it has.
fn unknown(r: &mut Resource, path: &str, reason: String) {
    r.attributes.remove(path);
    r.unknown.retain(|u| u.path != path);
    r.unknown.push(Unknown {
        path: path.to_string(),
        reason,
    });
}

/// An account and a region, as items name them.
type Scope = (Option<String>, Option<String>);

/// What the export says beyond single items: subnets' VPCs, key aliases, role attachments.
#[derive(Default)]
struct Links {
    /// (account, region, subnet) → VPC id.
    subnets: HashMap<(Option<String>, Option<String>, String), String>,
    /// (account, region) → (target key id or ARN, alias name).
    aliases: HashMap<Scope, Vec<(String, String)>>,
    /// Managed policy ARN → roles attaching it.
    attached: BTreeMap<String, Vec<String>>,
    /// Accounts with role items.
    role_accounts: BTreeSet<Option<String>>,
}

impl Links {
    fn collect(items: &[Item]) -> Links {
        let mut l = Links::default();
        for i in items.iter().filter(|i| !i.gone()) {
            let scope = (i.account.clone(), i.region.clone());
            match i.resource_type.as_str() {
                "AWS::EC2::Subnet" => {
                    if let (Some(subnet), Some(vpc)) =
                        (i.resource_id.clone(), i.config_str(&["vpcId"]))
                    {
                        l.subnets
                            .insert((scope.0, scope.1, subnet), vpc.to_string());
                    }
                }
                "AWS::KMS::Alias" => {
                    let entry = l.aliases.entry(scope).or_default();
                    if let (Some(name), Some(target)) = (
                        i.config_str(&["AliasName"]).or(i.resource_name.as_deref()),
                        i.config_str(&["TargetKeyId"]),
                    ) {
                        entry.push((target.to_string(), name.to_string()));
                    }
                }
                "AWS::IAM::Role" => {
                    l.role_accounts.insert(i.account.clone());
                    let Some(role) = i.arn.clone() else { continue };
                    if let Some(list) = i
                        .config()
                        .and_then(|c| c.get("attachedManagedPolicies"))
                        .and_then(Node::as_list)
                    {
                        for p in list {
                            if let Some(arn) = p.get("policyArn").and_then(Node::as_str) {
                                l.attached
                                    .entry(arn.to_string())
                                    .or_default()
                                    .push(role.clone());
                            }
                        }
                    }
                }
                _ => {}
            }
        }
        l
    }

    fn vpc_of(&self, r: &Resource, subnet: &str) -> Result<String, String> {
        self.subnets
            .get(&(
                r.account.as_deref().map(str::to_string),
                r.region.as_deref().map(str::to_string),
                subnet.to_string(),
            ))
            .cloned()
            .ok_or_else(|| {
                format!(
                    "AWS Config records the subnet `{subnet}`, not the VPC; the export has no `AWS::EC2::Subnet` item for it"
                )
            })
    }
}

/// Reads one file of AWS Config data.
pub fn read(src: &SourceText, schema: &'static ModelSchema) -> (Collected, Vec<InputError>) {
    let mut collected = Collected::default();
    let doc = match tree::parse_json(&src.text) {
        Ok(doc) => doc,
        Err(e) => {
            return (
                collected,
                vec![InputError::at(
                    src,
                    e.offset,
                    format!("cannot parse the AWS Config data: {}", e.message),
                )],
            )
        }
    };
    let mut problems: Vec<(u32, String)> = Vec::new();
    let Some(mut all) = items(&doc, &mut problems) else {
        return (
            collected,
            vec![InputError::at_line(
                src,
                doc.line,
                "not AWS Config data: no `configurationItems`, `baseConfigurationItems` or query `Results` list",
            )
            .with_help("read snapshot and history files after gunzipping them")],
        );
    };
    for i in &mut all {
        prepare(i);
    }
    let links = Links::collect(&all);
    let file: Arc<str> = src.path.clone();

    // History holds a resource's items over time: the latest one describes it.
    let mut latest: HashMap<(String, String), usize> = HashMap::new();
    for (n, i) in all.iter().enumerate() {
        let Some(id) = extra(&i.resource_type).and_then(|e| i.id(e.id)) else {
            continue;
        };
        match latest.entry((i.resource_type.clone(), id)) {
            std::collections::hash_map::Entry::Vacant(v) => {
                v.insert(n);
            }
            std::collections::hash_map::Entry::Occupied(mut o) => {
                let kept = &all[*o.get()];
                if i.capture_time >= kept.capture_time {
                    o.insert(n);
                }
            }
        }
    }
    let mut chosen: Vec<usize> = latest.into_values().collect();
    chosen.sort_unstable();

    // Scopes the export reaches: types it cannot tell about are not collected there.
    let mut scopes: BTreeMap<(Option<String>, String), u32> = BTreeMap::new();
    for i in &all {
        if let Some(region) = i.region.as_deref().filter(|r| *r != "global") {
            let line = scopes
                .entry((i.account.clone(), region.to_string()))
                .or_insert(i.line);
            *line = (*line).min(i.line);
        }
    }

    let mut not_recorded: Vec<NotCollected> = Vec::new();
    for n in chosen {
        let i = &all[n];
        if i.gone() {
            if i.status.as_deref() == Some("ResourceNotRecorded") {
                if let Some(t) = mapping(&i.resource_type) {
                    not_recorded.push(NotCollected {
                        account: i.account.clone(),
                        region: i.region.clone().filter(|r| r != "global"),
                        types: vec![t.model.to_string()],
                        operation: format!("config:{}", i.resource_type),
                        reason: format!(
                            "AWS Config no longer records `{}` (ResourceNotRecorded)",
                            i.resource_id.as_deref().unwrap_or("?")
                        ),
                        location: i.location(&file),
                    });
                }
            }
            continue;
        }
        let (resources, errors) = map_item(i, &file, &links, schema);
        problems.extend(errors);
        collected.resources.extend(resources);
    }

    for ((account, region), line) in scopes {
        for (t, reason) in NOT_READ {
            let operation = schema
                .entity_type(t)
                .and_then(|s| s.source.as_deref())
                .and_then(|s| s.split(" · ").next())
                .unwrap_or(t)
                .to_string();
            collected.not_collected.push(NotCollected {
                account: account.clone(),
                region: Some(region.clone()),
                types: vec![t.to_string()],
                operation,
                reason: reason.to_string(),
                location: Location {
                    file: file.clone(),
                    line,
                },
            });
        }
    }
    collected.not_collected.extend(not_recorded);
    problems.sort();
    let errors = problems
        .into_iter()
        .map(|(line, message)| InputError::at_line(src, line, message))
        .collect();
    (collected, errors)
}

/// The model resources of one item: one for most types, one per inline policy of a role,
/// none for types the model does not hold.
fn map_item(
    i: &Item,
    file: &Arc<str>,
    links: &Links,
    schema: &'static ModelSchema,
) -> (Vec<Resource>, Vec<(u32, String)>) {
    let (Some(t), Some(e)) = (mapping(&i.resource_type), extra(&i.resource_type)) else {
        return (vec![], vec![]);
    };
    let Some(id) = i.id(e.id) else {
        return (
            vec![],
            vec![(
                i.line,
                format!(
                    "a `{}` item has neither `arn` nor `resourceId`",
                    i.resource_type
                ),
            )],
        );
    };
    let region: Result<String, String> = match (&i.region, e.global) {
        (_, true) => Ok(String::new()),
        (Some(r), false) => Ok(r.clone()),
        (None, false) => Err(match i.form {
            Form::Select => "the query did not select `awsRegion`".into(),
            _ => "the configuration item has no `awsRegion`".into(),
        }),
    };
    if i.resource_type == "AWS::IAM::Role" {
        return inline_policies(i, e, &id, file, schema);
    }
    let declared = Declared {
        source_type: i.resource_type.clone(),
        address: id.clone(),
        line: i.line,
        properties: i.root.clone(),
        tags: i.tags.clone().unwrap_or_default(),
        suppressions: Vec::new(),
        file: None,
    };
    let unit = Unit {
        file: file.clone(),
        id_prefix: String::new(),
        account: i.account.clone(),
        region: region.clone(),
        resources: vec![declared],
    };
    let (mut out, errors) = iac::to_model(&unit, &MAPPINGS, schema);
    let Some(mut r) = out.pop() else {
        return (
            vec![],
            errors.into_iter().map(|e| (e.line, e.message)).collect(),
        );
    };
    // A value that does not fit the model is an error, and the fact stays unknown rather
    // than taking AWS's default.
    let prefix = format!("`{id}` ");
    for e in &errors {
        if let Some((attr, _)) = e
            .message
            .strip_prefix(&prefix)
            .and_then(|rest| rest.split_once(':'))
        {
            if let Some((name, _)) = schema
                .entity_type(r.type_name)
                .and_then(|spec| spec.attrs.get_key_value(attr))
            {
                unknown(
                    &mut r,
                    name,
                    format!("the configuration item's value is invalid: {}", e.message),
                );
            }
        }
    }
    let errors: Vec<(u32, String)> = errors.into_iter().map(|e| (e.line, e.message)).collect();
    r.id = id.as_str().into();
    r.location = i.location(file);
    if e.global {
        r.region = None;
        r.unknown.retain(|u| u.path != "region");
    }
    r.name = name(i, t, &r).map(Into::into);
    finish(i, Some(t), e, &mut r, schema);
    link(i, &mut r, links);
    (vec![r], errors)
}

/// A resource's display name: the mapped name, else Config's resource name, else (for
/// VPCs and endpoints, as EC2 names them) the `Name` tag.
fn name(i: &Item, t: &TypeMapping, r: &Resource) -> Option<String> {
    if let Some(path) = t.name {
        let mut node = Some(&i.root);
        for p in path {
            node = node.and_then(|n| n.get(p));
        }
        if let Some(n) = node.and_then(Node::as_str) {
            return Some(n.to_string());
        }
    }
    match r.type_name {
        "AWS::EC2::VPC" | "AWS::EC2::VPCEndpoint" => r.tags.get("Name").map(str::to_string),
        "AWS::KMS::Key" | "AWS::S3::AccountPublicAccessBlock" => None,
        _ => i.resource_name.clone(),
    }
}

/// What the mapping leaves: facts not selected or not recorded, and tags. `t` is the
/// mapping whose paths start at the item, when they do.
fn finish(
    i: &Item,
    t: Option<&TypeMapping>,
    e: &Extra,
    r: &mut Resource,
    schema: &'static ModelSchema,
) {
    let (attributes, documents) = t.map_or((&[][..], &[][..]), |t| (t.attributes, t.documents));
    for (attr, get) in attributes {
        if let Some(path) = source_path(get) {
            if let Err(reason) = i.covers(path) {
                unknown(r, attr, reason);
            }
        }
    }
    for (doc, get) in documents {
        if let Some(path) = source_path(get) {
            if let Err(reason) = i.covers(path) {
                r.unknown.push(Unknown {
                    path: format!("documents.{doc}"),
                    reason,
                });
            }
        }
    }
    for (path, reason) in e.unrecorded {
        unknown(r, path, reason.to_string());
    }
    for (attr, reason) in e.required {
        if !r.attributes.contains_key(attr) && r.unknown_for(attr).is_none() {
            unknown(r, attr, reason.to_string());
        }
    }
    if schema.entity_type(r.type_name).is_some_and(|s| s.has_tags) && i.tags.is_none() {
        let reason = match (i.form, &i.selected) {
            (Form::Base, _) => "BatchGetResourceConfig does not return tags".to_string(),
            (Form::Select, Some(_)) => "the query did not select `tags`".to_string(),
            _ => "the configuration item has no `tags`".to_string(),
        };
        unknown(r, "tags", reason);
    }
}

/// Facts from the export's other items.
fn link(i: &Item, r: &mut Resource, links: &Links) {
    let scope = (r.account.as_deref(), r.region.as_deref());
    match r.type_name {
        "AWS::SageMaker::NotebookInstance"
        | "AWS::SageMaker::Model"
        | "AWS::OpenSearchService::Domain" => {
            let subnet: Option<Result<String, String>> = match r.type_name {
                "AWS::SageMaker::NotebookInstance" => match r.unknown_for("subnetId") {
                    Some(u) => Some(Err(u.reason.clone())),
                    None => r
                        .attributes
                        .get("subnetId")
                        .and_then(Value::as_str)
                        .map(|s| Ok(s.to_string())),
                },
                "AWS::SageMaker::Model" => match r.unknown_for("vpcSubnets") {
                    Some(u) => Some(Err(u.reason.clone())),
                    None => r
                        .attributes
                        .get("vpcSubnets")
                        .and_then(Value::as_set)
                        .and_then(|s| s.first())
                        .and_then(Value::as_str)
                        .map(|s| Ok(s.to_string())),
                },
                _ => match i.covers(&["configuration", "VPCOptions", "SubnetIds"]) {
                    Err(reason) => Some(Err(reason)),
                    Ok(()) => i
                        .config_str(&["VPCOptions", "SubnetIds"])
                        .map(|s| Ok(s.to_string())),
                },
            };
            // A domain item that names its VPC needs no subnet item.
            let named = (r.type_name == "AWS::OpenSearchService::Domain")
                .then(|| i.config_str(&["VPCOptions", "VPCId"]))
                .flatten();
            match (named, subnet) {
                (Some(vpc), _) => r.attributes.insert("vpc", Value::string(vpc)),
                (None, None) => {}
                (None, Some(Ok(subnet))) => match links.vpc_of(r, &subnet) {
                    Ok(vpc) => r.attributes.insert("vpc", Value::string(vpc)),
                    Err(reason) => unknown(r, "vpc", reason),
                },
                (None, Some(Err(reason))) => unknown(r, "vpc", reason),
            }
        }
        "AWS::KMS::Key" => {
            let key_id = i.config_str(&["keyId"]).map(str::to_string);
            match links
                .aliases
                .get(&(scope.0.map(str::to_string), scope.1.map(str::to_string)))
            {
                Some(all) => {
                    let mut names: Vec<&str> = all
                        .iter()
                        .filter(|(target, _)| {
                            target.as_str() == &*r.id
                                || key_id.as_deref() == Some(target.as_str())
                                || r.id.ends_with(&format!("/{target}"))
                        })
                        .map(|(_, name)| name.as_str())
                        .collect();
                    names.sort_unstable();
                    names.dedup();
                    if let Some(first) = names.first() {
                        r.name = Some((*first).into());
                    }
                    r.attributes.insert("aliases", Value::strings(names));
                }
                None => unknown(
                    r,
                    "aliases",
                    "AWS Config records aliases as `AWS::KMS::Alias` items; the export has none in this account and region".into(),
                ),
            }
        }
        "AWS::IAM::Policy" => {
            if links
                .role_accounts
                .contains(&r.account.as_deref().map(str::to_string))
            {
                let roles = links.attached.get(&*r.id).cloned().unwrap_or_default();
                r.attributes.insert("attachedTo", Value::strings(roles));
            } else {
                unknown(
                    r,
                    "attachedTo",
                    "AWS Config records attachments on `AWS::IAM::Role` items; the export has none in this account".into(),
                );
            }
        }
        _ => {}
    }
}

/// A role's inline policies, each a policy of its own as the live collector names it.
fn inline_policies(
    i: &Item,
    e: &Extra,
    role: &str,
    file: &Arc<str>,
    schema: &'static ModelSchema,
) -> (Vec<Resource>, Vec<(u32, String)>) {
    let mut out = Vec::new();
    let mut errors = Vec::new();
    if let Err(reason) = i.covers(&["configuration", "rolePolicyList"]) {
        // Whether the role has inline policies is not known: say so once, on the role.
        errors.push((
            i.line,
            format!("the inline policies of `{role}` are unknown: {reason}"),
        ));
        return (out, errors);
    }
    let role_name = i
        .config_str(&["roleName"])
        .map(str::to_string)
        .or_else(|| i.resource_name.clone())
        .unwrap_or_else(|| role.to_string());
    let Some(list) = i
        .config()
        .and_then(|c| c.get("rolePolicyList"))
        .and_then(Node::as_list)
    else {
        return (out, errors);
    };
    for p in list {
        let Some(policy) = p.get("policyName").and_then(Node::as_str) else {
            errors.push((p.line, "an inline policy has no `policyName`".into()));
            continue;
        };
        let id = format!("{role}/inline-policy/{policy}");
        let unit = Unit {
            file: file.clone(),
            id_prefix: String::new(),
            account: i.account.clone(),
            region: Ok(String::new()),
            resources: vec![Declared {
                source_type: i.resource_type.clone(),
                address: id.clone(),
                line: p.line,
                properties: p.clone(),
                tags: i.tags.clone().unwrap_or_default(),
                suppressions: Vec::new(),
                file: None,
            }],
        };
        let (mut rs, errs) = iac::to_model(&unit, &MAPPINGS, schema);
        errors.extend(errs.into_iter().map(|e| (e.line, e.message)));
        let Some(mut r) = rs.pop() else { continue };
        r.id = id.as_str().into();
        r.region = None;
        r.unknown.retain(|u| u.path != "region");
        r.name = Some(format!("{role_name} {policy}").into());
        r.attributes.insert("attachedTo", Value::strings([role]));
        // The entry's paths start at the entry, which the role item covers as a whole.
        finish(i, None, e, &mut r, schema);
        out.push(r);
    }
    (out, errors)
}

/// `docs/config-export.md`'s tables: what each recorded type maps to, what stays unknown,
/// and what is not read. Rendered from the tables, so the page cannot drift from the code.
pub fn render_doc_tables() -> String {
    use std::fmt::Write;
    let mut out = iac::render_mappings(&[("Recorded types and what they map to", &MAPPINGS)]);
    let _ = writeln!(
        out,
        "## Facts from other items, and facts that stay unknown\n"
    );
    let _ = writeln!(out, "| AWS Config type | attribute | how |");
    let _ = writeln!(out, "|---|---|---|");
    for e in EXTRAS {
        for (attr, from) in e.linked {
            let _ = writeln!(out, "| `{}` | `{attr}` | from {from} |", e.source);
        }
        for (attr, why) in e.unrecorded {
            let _ = writeln!(out, "| `{}` | `{attr}` | unknown: {why} |", e.source);
        }
        for (attr, why) in e.required {
            let _ = writeln!(out, "| `{}` | `{attr}` | unknown when {why} |", e.source);
        }
    }
    let _ = writeln!(out, "\n## Not assessed from AWS Config data\n");
    let _ = writeln!(out, "| model type | why |");
    let _ = writeln!(out, "|---|---|");
    for (t, why) in NOT_READ {
        let _ = writeln!(out, "| `{t}` | {why} |");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Model;

    fn read_str(text: &str) -> (Collected, Vec<InputError>) {
        read(
            &SourceText::new("config.json", text.to_string()),
            ModelSchema::builtin(),
        )
    }

    fn fixture(name: &str) -> String {
        std::fs::read_to_string(format!(
            "{}/fixtures/sources/config-export/{name}",
            env!("CARGO_MANIFEST_DIR")
        ))
        .unwrap()
    }

    fn get<'a>(c: &'a Collected, ty: &str, name: &str) -> &'a Resource {
        c.resources
            .iter()
            .find(|r| r.type_name == ty && r.display_name() == name)
            .unwrap_or_else(|| {
                panic!(
                    "no {ty} {name} in {:?}",
                    c.resources
                        .iter()
                        .map(|r| (r.type_name, r.display_name()))
                        .collect::<Vec<_>>()
                )
            })
    }

    fn reason<'a>(r: &'a Resource, path: &str) -> &'a str {
        &r.unknown_for(path)
            .unwrap_or_else(|| panic!("{path} of {} is known: {:?}", r.id, r.unknown))
            .reason
    }

    #[test]
    fn every_model_type_is_read_or_said_not_to_be() {
        let schema = ModelSchema::builtin();
        let read: BTreeSet<&str> = TYPES.iter().map(|t| t.model).collect();
        for t in schema.inventory_types() {
            let not_read = NOT_READ.iter().any(|(n, _)| *n == t);
            assert!(
                read.contains(t) != not_read,
                "`{t}` must be either mapped or listed in NOT_READ, not both or neither"
            );
        }
        for t in TYPES {
            assert!(
                extra(t.source).is_some(),
                "{} has no EXTRAS entry",
                t.source
            );
            for (attr, _) in t.attributes {
                assert!(
                    schema
                        .entity_type(t.model)
                        .is_some_and(|spec| spec.attrs.contains_key(*attr)),
                    "{}: no attribute {attr}",
                    t.model
                );
            }
        }
    }

    #[test]
    fn a_delivered_snapshot_reads_objects_with_their_lines() {
        let (c, errors) = read_str(&fixture("snapshot.json"));
        assert!(errors.is_empty(), "{errors:?}");
        let nb = get(&c, "AWS::SageMaker::NotebookInstance", "churn-research");
        assert_eq!(nb.account.as_deref(), Some("111122223333"));
        assert_eq!(nb.region.as_deref(), Some("us-east-1"));
        assert_eq!(
            nb.attributes
                .get("directInternetAccess")
                .and_then(Value::as_str),
            Some("Enabled")
        );
        assert_eq!(nb.tags.get("Team"), Some("data-science"));
        // Placed in its subnet's VPC.
        assert_eq!(
            nb.attributes.get("vpc").and_then(Value::as_str),
            Some("vpc-0a11b22c33d44e55f")
        );
        // Each fact on its own line.
        let text = fixture("snapshot.json");
        let line_of = |needle: &str| {
            text.lines()
                .position(|l| l.contains(needle))
                .map(|i| i as u32 + 1)
                .unwrap()
        };
        assert_eq!(
            nb.line_of("kmsKey"),
            line_of("\"KmsKeyId\": \"alias/aws/sagemaker\"")
        );
        let bucket = get(&c, "AWS::S3::Bucket", "churn-training-data-111122223333");
        assert_eq!(
            bucket
                .attributes
                .get("sseAlgorithm")
                .and_then(Value::as_str),
            Some("aws:kms")
        );
        assert!(bucket.documents.get("policy").is_some());
        let pab = bucket.attributes.get("publicAccessBlock").unwrap();
        assert_eq!(pab.get("blockPublicPolicy"), Some(&Value::Bool(true)));
        // A trail's selectors and status are not in Config: unknown, not absent.
        let trail = get(&c, "AWS::CloudTrail::Trail", "management-events");
        assert!(reason(trail, "documents.eventSelectors").contains("does not record"));
        assert!(reason(trail, "isLogging").contains("GetTrailStatus"));
        // The account-wide Block Public Access, once per account.
        let pab: Vec<&Resource> = c
            .resources
            .iter()
            .filter(|r| r.type_name == "AWS::S3::AccountPublicAccessBlock")
            .collect();
        assert_eq!(pab.len(), 1);
        assert_eq!(&*pab[0].id, "111122223333/s3-account-public-access-block");
        assert_eq!(pab[0].region, None);
        // The types Config data cannot tell about are not collected where it reaches.
        let lf = c
            .not_collected
            .iter()
            .find(|n| n.types == ["AWS::LakeFormation::Permissions"])
            .unwrap();
        assert_eq!(lf.region.as_deref(), Some("us-east-1"));
        assert!(lf
            .reason
            .contains("does not record Lake Formation permissions"));
    }

    #[test]
    fn deleted_items_are_skipped_and_history_keeps_the_latest() {
        let (c, errors) = read_str(&fixture("history.json"));
        assert!(errors.is_empty(), "{errors:?}");
        let nbs: Vec<&Resource> = c
            .resources
            .iter()
            .filter(|r| r.type_name == "AWS::SageMaker::NotebookInstance")
            .collect();
        // Two items of `fraud-lab`, the latest with direct internet access disabled; a
        // deleted notebook is gone.
        assert_eq!(nbs.len(), 1, "{nbs:?}");
        assert_eq!(
            nbs[0]
                .attributes
                .get("directInternetAccess")
                .and_then(Value::as_str),
            Some("Disabled")
        );
    }

    #[test]
    fn api_output_with_configuration_strings_points_at_the_string() {
        let text = fixture("batch-get-resource-config.json");
        let (c, errors) = read_str(&text);
        assert!(errors.is_empty(), "{errors:?}");
        let key = c
            .resources
            .iter()
            .find(|r| r.type_name == "AWS::KMS::Key")
            .unwrap();
        assert_eq!(
            key.attributes.get("keyManager").and_then(Value::as_str),
            Some("CUSTOMER")
        );
        // KeyRotationStatus comes as the JSON text `false`.
        assert_eq!(
            key.attributes.get("rotationEnabled"),
            Some(&Value::Bool(false))
        );
        let config_line = text
            .lines()
            .position(|l| l.contains("\\\"keyId\\\":\\\"c0ffee00"))
            .unwrap() as u32
            + 1;
        assert_eq!(key.line_of("keyManager"), config_line);
        // BatchGetResourceConfig returns no tags.
        assert_eq!(
            reason(key, "tags"),
            "BatchGetResourceConfig does not return tags"
        );
        let ec = get(
            &c,
            "AWS::SageMaker::EndpointConfig",
            "churn-endpoint-config",
        );
        let capture = ec.attributes.get("dataCapture").unwrap();
        assert_eq!(capture.get("enableCapture"), Some(&Value::Bool(true)));
        let policy = c
            .resources
            .iter()
            .find(|r| r.type_name == "AWS::IAM::Policy" && r.id.ends_with("policy/churn-invoke"))
            .unwrap();
        assert_eq!(policy.region, None);
        let doc = policy.documents.parsed("policy").unwrap().unwrap();
        // The default version's document, still URL-encoded as IAM gives it.
        let doc = doc.as_str().unwrap();
        assert!(
            doc.starts_with("%7B") && doc.contains("claude-3-haiku"),
            "{doc}"
        );
        // No role items in this file: what the policy is attached to is not known here.
        assert!(reason(policy, "attachedTo").contains("AWS::IAM::Role"));
        // The API's history output reads the same way; its latest item decides.
        let (h, errors) = read_str(&fixture("get-resource-config-history.json"));
        assert!(errors.is_empty(), "{errors:?}");
        let inline = h
            .resources
            .iter()
            .find(|r| {
                r.id.ends_with("role/churn-sagemaker/inline-policy/read-artifacts")
            })
            .unwrap();
        assert_eq!(inline.display_name(), "churn-sagemaker read-artifacts");
    }

    #[test]
    fn query_results_know_only_what_was_selected() {
        let (c, errors) = read_str(&fixture("select-aggregate-resource-config.json"));
        assert!(errors.is_empty(), "{errors:?}");
        assert!(c
            .resources
            .iter()
            .any(|r| r.account.as_deref() == Some("444455556666")));
        let nb = get(&c, "AWS::SageMaker::NotebookInstance", "claims-triage");
        assert_eq!(nb.tags.get("Project"), Some("claims"));
        // The query selected `configuration`, not `supplementaryConfiguration`.
        let bucket = get(&c, "AWS::S3::Bucket", "claims-artifacts-444455556666");
        assert_eq!(
            reason(bucket, "sseAlgorithm"),
            "the query did not select `supplementaryConfiguration.ServerSideEncryptionConfiguration.rules.applyServerSideEncryptionByDefault.sseAlgorithm`"
        );
        assert!(reason(bucket, "documents.policy").contains("did not select"));
        // A query of some fields only.
        let (c, errors) = read_str(&fixture("select-resource-config.json"));
        assert!(errors.is_empty(), "{errors:?}");
        let nb = get(&c, "AWS::SageMaker::NotebookInstance", "pricing-sandbox");
        assert_eq!(
            nb.attributes
                .get("directInternetAccess")
                .and_then(Value::as_str),
            Some("Enabled")
        );
        assert!(reason(nb, "kmsKey").contains("did not select `configuration.KmsKeyId`"));
        assert!(reason(nb, "tags").contains("did not select `tags`"));
    }

    #[test]
    fn bad_json_is_located_and_the_other_items_are_read() {
        let (c, errors) = read_str(
            "{\"fileVersion\": \"1.0\", \"configurationItems\": [\n\
             {\"resourceType\": \"AWS::SageMaker::NotebookInstance\", \"resourceId\": \"a\", \"awsRegion\": \"us-east-1\", \"awsAccountId\": \"111122223333\",\n\
              \"configuration\": \"{\\\"NotebookInstanceName\\\": \"},\n\
             {\"resourceType\": \"AWS::SageMaker::NotebookInstance\", \"resourceId\": \"b\", \"awsRegion\": \"us-east-1\", \"awsAccountId\": \"111122223333\",\n\
              \"configuration\": {\"NotebookInstanceName\": \"b\", \"RootAccess\": [\"Enabled\"]}},\n\
             {\"resourceType\": \"AWS::SageMaker::NotebookInstance\", \"resourceId\": \"c\", \"awsRegion\": \"us-east-1\", \"awsAccountId\": \"111122223333\",\n\
              \"configuration\": {\"NotebookInstanceName\": \"c\"}, \"tags\": {}}]}",
        );
        assert_eq!(errors.len(), 2, "{errors:?}");
        assert_eq!(errors[0].position.map(|p| p.0), Some(3), "{}", errors[0]);
        assert!(errors[0].message.contains("not JSON"), "{}", errors[0]);
        assert_eq!(errors[1].position.map(|p| p.0), Some(5), "{}", errors[1]);
        assert!(errors[1].message.contains("rootAccess"), "{}", errors[1]);
        let names: Vec<&str> = c.resources.iter().map(Resource::display_name).collect();
        assert_eq!(names, vec!["b", "c"]);
        // The value that does not fit is unknown, not AWS's default.
        assert!(reason(&c.resources[0], "rootAccess").contains("invalid"));

        let (_, errors) = read_str("{\"configurationItems\": [\n{\"resourceType\": ]}");
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].position.map(|p| p.0), Some(2), "{}", errors[0]);
        assert!(errors[0].message.contains("cannot parse"), "{}", errors[0]);

        let (_, errors) = read_str("{\"Results\": [\"{\\\"resourceId\\\": 1\"]}");
        assert!(errors[0].message.contains("not JSON"), "{}", errors[0]);
    }

    #[test]
    fn the_files_build_a_model_without_errors() {
        let schema = ModelSchema::builtin();
        for f in [
            "snapshot.json",
            "history.json",
            "batch-get-resource-config.json",
            "get-resource-config-history.json",
            "select-resource-config.json",
            "select-aggregate-resource-config.json",
        ] {
            let (c, errors) = read_str(&fixture(f));
            assert!(errors.is_empty(), "{f}: {errors:?}");
            let (_, errors) = Model::build(c, schema);
            assert!(errors.is_empty(), "{f}: {errors:?}");
        }
    }

    #[test]
    fn detection_needs_config_fields() {
        assert!(looks_like(
            "{\"fileVersion\":\"1.0\",\"configSnapshotId\":\"x\",\"configurationItems\":[]}"
        ));
        assert!(looks_like(
            "{\"baseConfigurationItems\": [], \"unprocessedResourceKeys\": []}"
        ));
        assert!(looks_like(
            "{\"Results\": [\"{\\\"resourceId\\\":\\\"a\\\"}\"], \"QueryInfo\": {}}"
        ));
        assert!(!looks_like("{\"Results\": [1, 2]}"));
        assert!(!looks_like(
            "{\"Resources\": {\"A\": {\"Type\": \"AWS::S3::Bucket\"}}}"
        ));
    }
}
