//! Collectors whose APIs the emulator lacks, driven by the AWS SDK's test clients with
//! responses shaped like the real services'.
//!
//! The emulator has no Bedrock guardrails or inference profiles, misroutes the Bedrock
//! Agents paths the Rust SDK sends (`/agents` without its trailing slash), has no
//! OpenSearch Serverless access policies, SageMaker monitoring schedules or Organizations
//! effective policies, and drops `EnableNetworkIsolation` from SageMaker models. Those
//! collectors run here against an HTTP client that answers each request from
//! `fixtures/live/replay/<service>/<Operation>.json` (see the README there), chosen by the
//! request itself (method and path, or the `X-Amz-Target` header) and never by the order
//! of the calls: collectors issue them concurrently.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use ailint::config::Config;
use ailint::engine::{AuditReport, Finding, RuleSet, Status};
use ailint::model::ModelSchema;
use ailint::sources::aws::{collect_service, inventory, Batch, Collection, Missed, Scope};
use aws_config::retry::RetryConfig;
use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_credential_types::provider::SharedCredentialsProvider;
use aws_credential_types::Credentials;
use aws_smithy_http_client::test_util::infallible_client_fn;
use aws_smithy_runtime_api::http::{Request, Response, StatusCode};
use aws_smithy_types::body::SdkBody;
use serde_json::{json, Value};

const ACCOUNT: &str = "111122223333";
const REGION: &str = "us-east-1";

/// How a service's requests name their operation.
#[derive(Clone, Copy)]
enum Protocol {
    /// restJson1: the method and path name the operation.
    RestJson,
    /// awsJson1_0 / awsJson1_1 (the version): `X-Amz-Target` names it.
    AwsJson(&'static str),
}

struct Service {
    /// The collector's name, which is also the fixture directory's.
    name: &'static str,
    /// The prefix of its IAM actions and of the operations the collector records.
    iam: &'static str,
    protocol: Protocol,
    /// How `AccessDeniedException` comes back: its HTTP status and the body member holding
    /// the message, as the service's API reference documents them (403 for the REST
    /// services; 400, the status of AWS's common errors, for the JSON-RPC ones).
    denied_status: u16,
    message_member: &'static str,
    /// The start of its endpoint's host name, which tells a companion's requests apart.
    host: &'static str,
    /// Services whose calls the collector makes too (a knowledge base's secret), answered
    /// from their own fixture directories.
    companions: &'static [&'static str],
    /// Whether `collect_service` has a collector of this name; a companion may have none.
    collects: bool,
}

const SERVICES: &[Service] = &[
    Service {
        name: "bedrock",
        iam: "bedrock",
        protocol: Protocol::RestJson,
        denied_status: 403,
        message_member: "message",
        host: "bedrock.",
        companions: &[],
        collects: true,
    },
    Service {
        name: "bedrock-agent",
        iam: "bedrock",
        protocol: Protocol::RestJson,
        denied_status: 403,
        message_member: "message",
        host: "bedrock-agent.",
        companions: &["secretsmanager"],
        collects: true,
    },
    Service {
        name: "opensearch-serverless",
        iam: "aoss",
        protocol: Protocol::AwsJson("1.0"),
        denied_status: 400,
        message_member: "message",
        host: "aoss.",
        companions: &[],
        collects: true,
    },
    Service {
        name: "sagemaker",
        iam: "sagemaker",
        protocol: Protocol::AwsJson("1.1"),
        denied_status: 400,
        message_member: "Message",
        host: "api.sagemaker.",
        companions: &[],
        collects: true,
    },
    Service {
        name: "bedrock-agentcore",
        iam: "bedrock-agentcore",
        protocol: Protocol::RestJson,
        denied_status: 403,
        message_member: "message",
        host: "bedrock-agentcore-control.",
        companions: &[],
        collects: true,
    },
    Service {
        name: "secretsmanager",
        iam: "secretsmanager",
        protocol: Protocol::AwsJson("1.1"),
        denied_status: 400,
        message_member: "Message",
        host: "secretsmanager.",
        companions: &[],
        collects: false,
    },
    Service {
        name: "organizations",
        iam: "organizations",
        protocol: Protocol::AwsJson("1.1"),
        denied_status: 400,
        message_member: "Message",
        host: "organizations.",
        companions: &[],
        collects: true,
    },
];

/// Operations of the REST services: service, method, path (`*` is one path parameter, a
/// trailing slash is ignored), operation.
const ROUTES: &[(&str, &str, &str, &str)] = &[
    ("bedrock", "GET", "/guardrails", "ListGuardrails"),
    ("bedrock", "GET", "/guardrails/*", "GetGuardrail"),
    ("bedrock", "GET", "/custom-models", "ListCustomModels"),
    ("bedrock", "GET", "/custom-models/*", "GetCustomModel"),
    (
        "bedrock",
        "POST",
        "/listTagsForResource",
        "ListTagsForResource",
    ),
    (
        "bedrock",
        "GET",
        "/inference-profiles",
        "ListInferenceProfiles",
    ),
    (
        "bedrock",
        "GET",
        "/logging/modelinvocations",
        "GetModelInvocationLoggingConfiguration",
    ),
    ("bedrock-agent", "POST", "/agents", "ListAgents"),
    ("bedrock-agent", "GET", "/agents/*", "GetAgent"),
    (
        "bedrock-agent",
        "POST",
        "/knowledgebases",
        "ListKnowledgeBases",
    ),
    (
        "bedrock-agent",
        "GET",
        "/knowledgebases/*",
        "GetKnowledgeBase",
    ),
    (
        "bedrock-agent",
        "POST",
        "/knowledgebases/*/datasources",
        "ListDataSources",
    ),
    (
        "bedrock-agent",
        "GET",
        "/knowledgebases/*/datasources/*",
        "GetDataSource",
    ),
    ("bedrock-agent", "GET", "/tags/*", "ListTagsForResource"),
    (
        "bedrock-agent",
        "POST",
        "/agents/*/agentversions/*/actiongroups",
        "ListAgentActionGroups",
    ),
    (
        "bedrock-agent",
        "GET",
        "/agents/*/agentversions/*/actiongroups/*",
        "GetAgentActionGroup",
    ),
    // The functions of agents' action groups are read by the same collector.
    (
        "bedrock-agent",
        "GET",
        "/2015-03-31/functions/*",
        "GetFunction",
    ),
    (
        "bedrock-agentcore",
        "POST",
        "/runtimes",
        "ListAgentRuntimes",
    ),
    ("bedrock-agentcore", "GET", "/runtimes/*", "GetAgentRuntime"),
    ("bedrock-agentcore", "GET", "/tags/*", "ListTagsForResource"),
];

/// Operations of the JSON services whose requests name what they read: the body members
/// that do, in the order of the fixture key.
const JSON_KEYS: &[(&str, &[&str])] = &[
    ("BatchGetCollection", &["ids"]),
    ("ListSecurityPolicies", &["type"]),
    ("GetSecurityPolicy", &["type", "name"]),
    ("ListAccessPolicies", &["type"]),
    ("GetAccessPolicy", &["type", "name"]),
    ("DescribeModel", &["ModelName"]),
    ("DescribeMonitoringSchedule", &["MonitoringScheduleName"]),
    ("DescribeDataQualityJobDefinition", &["JobDefinitionName"]),
    ("DescribeModelQualityJobDefinition", &["JobDefinitionName"]),
    ("DescribeModelBiasJobDefinition", &["JobDefinitionName"]),
    (
        "DescribeModelExplainabilityJobDefinition",
        &["JobDefinitionName"],
    ),
    ("ListTags", &["ResourceArn"]),
    ("DescribeEffectivePolicy", &["PolicyType"]),
    ("DescribeSecret", &["SecretId"]),
    // Bedrock Agents' names the resource in its path.
    // Bedrock's, which names the resource `resourceARN`, and OpenSearch Serverless's,
    // which names it `resourceArn`; a request carries one of them.
    ("ListTagsForResource", &["resourceARN", "resourceArn"]),
];

/// `%3A` → `:`; what the SDK percent-encodes in paths and query strings.
fn decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (bytes[i], hex) {
            (b'%', Some(b)) => {
                out.push(b);
                i += 3;
            }
            (b, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8(out).expect("UTF-8 after decoding")
}

/// A key part from a JSON member: a string as is, a list of strings joined by commas.
fn key_part(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Array(items) => items.iter().map(key_part).collect::<Vec<_>>().join(","),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

/// The operation a request calls and the key of its fixture entry: its identifiers, then
/// its page token, joined by spaces.
fn identify(service: &Service, req: &Request<SdkBody>) -> Option<(String, String)> {
    let body: Value = req
        .body()
        .bytes()
        .filter(|b| !b.is_empty())
        .and_then(|b| serde_json::from_slice(b).ok())
        .unwrap_or(Value::Null);
    let mut token = body
        .get("nextToken")
        .or_else(|| body.get("NextToken"))
        .and_then(Value::as_str)
        .map(str::to_string);
    let (operation, mut parts) = match service.protocol {
        Protocol::RestJson => {
            let uri = req.uri();
            let rest = uri.split_once("://").map_or(uri, |(_, r)| r);
            let path_and_query = rest.find('/').map_or("/", |i| &rest[i..]);
            let (path, query) = path_and_query
                .split_once('?')
                .unwrap_or((path_and_query, ""));
            if let Some(t) = query
                .split('&')
                .find_map(|kv| kv.strip_prefix("nextToken="))
            {
                token = Some(decode(t));
            }
            let segments: Vec<&str> = path.trim_matches('/').split('/').collect();
            ROUTES
                .iter()
                .filter(|r| r.0 == service.name && r.1 == req.method())
                .find_map(|&(_, _, pattern, operation)| {
                    let pattern: Vec<&str> = pattern.trim_matches('/').split('/').collect();
                    if pattern.len() != segments.len() {
                        return None;
                    }
                    let mut params = Vec::new();
                    for (p, s) in pattern.iter().zip(&segments) {
                        if *p == "*" {
                            params.push(decode(s));
                        } else if p != s {
                            return None;
                        }
                    }
                    Some((operation.to_string(), params))
                })
                .map(|(operation, mut params)| {
                    if params.is_empty() {
                        let members = JSON_KEYS
                            .iter()
                            .find(|(o, _)| *o == operation)
                            .map_or(&[][..], |(_, m)| *m);
                        params.extend(
                            members
                                .iter()
                                .filter(|m| !body[**m].is_null())
                                .map(|m| key_part(&body[*m])),
                        );
                    }
                    (operation, params)
                })?
        }
        Protocol::AwsJson(_) => {
            let target = req.headers().get("x-amz-target")?;
            let operation = target.split_once('.')?.1.to_string();
            let members = JSON_KEYS
                .iter()
                .find(|(o, _)| *o == operation)
                .map_or(&[][..], |(_, m)| *m);
            let params = members
                .iter()
                .filter(|m| !body[**m].is_null())
                .map(|m| key_part(&body[*m]))
                .collect();
            (operation, params)
        }
    };
    parts.extend(token);
    Some((operation, parts.join(" ")))
}

fn respond(status: u16, headers: &[(&str, &str)], body: &Value) -> Response<SdkBody> {
    let mut response = Response::new(
        StatusCode::try_from(status).expect("an HTTP status"),
        SdkBody::from(body.to_string()),
    );
    for (name, value) in headers {
        response
            .headers_mut()
            .insert(name.to_string(), value.to_string());
    }
    response
}

/// The prefix of an operation's IAM action: the service's, but Lambda's for the functions
/// the Bedrock Agents collector reads.
fn iam_prefix(service: &Service, operation: &str) -> &'static str {
    match operation {
        "GetFunction" => "lambda",
        _ => service.iam,
    }
}

/// The message AWS gives when an identity policy does not allow an action.
fn denial_message(service: &Service, operation: &str) -> String {
    format!(
        "User: arn:aws:sts::{ACCOUNT}:assumed-role/ailint-audit/ailint is not authorized to perform: \
         {iam}:{operation} because no identity-based policy allows the {iam}:{operation} action",
        iam = iam_prefix(service, operation)
    )
}

/// What a collector records for a denied call.
fn denial_reason(service: &str, operation: &str) -> String {
    let service = SERVICES.iter().find(|s| s.name == service).unwrap();
    format!(
        "access denied (AccessDeniedException): {}",
        denial_message(service, operation)
    )
}

struct Inner {
    service: &'static Service,
    /// Operation → request key → response body.
    fixtures: HashMap<String, Value>,
    /// Denied operations, every call or only the one with this key.
    denied: Mutex<Vec<(String, Option<String>)>>,
    /// Every call made, as `Operation key`.
    calls: Mutex<Vec<String>>,
    /// Calls no fixture answers.
    missing: Mutex<Vec<String>>,
    /// The companions' replays.
    companions: Vec<Arc<Inner>>,
}

impl Inner {
    /// A service's replay from its fixture directory, with its companions'.
    fn load(name: &str) -> Inner {
        let service = SERVICES
            .iter()
            .find(|s| s.name == name)
            .expect("a replayed service");
        let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("fixtures/live/replay")
            .join(name);
        let mut fixtures = HashMap::new();
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_some_and(|e| e == "json") {
                let text = std::fs::read_to_string(&path).unwrap();
                let value: Value = serde_json::from_str(&text)
                    .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
                let operation = path.file_stem().unwrap().to_string_lossy().into_owned();
                fixtures.insert(operation, value);
            }
        }
        Inner {
            service,
            fixtures,
            denied: Mutex::default(),
            calls: Mutex::default(),
            missing: Mutex::default(),
            companions: service
                .companions
                .iter()
                .map(|c| Arc::new(Inner::load(c)))
                .collect(),
        }
    }

    fn answer(&self, req: &Request<SdkBody>) -> Response<SdkBody> {
        let uri = req.uri();
        let host = uri.split_once("://").map_or(uri, |(_, r)| r);
        if let Some(c) = self
            .companions
            .iter()
            .find(|c| host.starts_with(c.service.host))
        {
            return c.answer(req);
        }
        let service = self.service;
        let content_type = match service.protocol {
            Protocol::RestJson => "application/json".to_string(),
            Protocol::AwsJson(version) => format!("application/x-amz-json-{version}"),
        };
        let request_id = "4f6b0c2e-9d1a-4e37-8b5f-0a2c6e8d1f93";
        let Some((operation, key)) = identify(service, req) else {
            let call = format!("{} {}", req.method(), req.uri());
            self.missing.lock().unwrap().push(call.clone());
            return respond(
                400,
                &[("content-type", &content_type)],
                &json!({"__type": "UnknownOperationException", "message": call}),
            );
        };
        let call = format!("{operation} {key}").trim_end().to_string();
        self.calls.lock().unwrap().push(call.clone());
        let denied = self
            .denied
            .lock()
            .unwrap()
            .iter()
            .any(|(o, k)| *o == operation && k.as_ref().is_none_or(|k| *k == key));
        if denied {
            let mut body = json!({});
            body[service.message_member] = json!(denial_message(service, &operation));
            return match service.protocol {
                Protocol::RestJson => respond(
                    service.denied_status,
                    &[
                        ("content-type", &content_type),
                        ("x-amzn-requestid", request_id),
                        ("x-amzn-errortype", "AccessDeniedException"),
                    ],
                    &body,
                ),
                Protocol::AwsJson(_) => {
                    body["__type"] = json!("AccessDeniedException");
                    respond(
                        service.denied_status,
                        &[
                            ("content-type", &content_type),
                            ("x-amzn-requestid", request_id),
                        ],
                        &body,
                    )
                }
            };
        }
        match self.fixtures.get(&operation).and_then(|f| f.get(&key)) {
            // An error the service documents for the request, as its body names it.
            Some(body) if body.get("__type").is_some() => respond(
                400,
                &[
                    ("content-type", &content_type),
                    ("x-amzn-requestid", request_id),
                ],
                body,
            ),
            Some(body) => respond(
                200,
                &[
                    ("content-type", &content_type),
                    ("x-amzn-requestid", request_id),
                ],
                body,
            ),
            None => {
                self.missing.lock().unwrap().push(call.clone());
                respond(
                    400,
                    &[("content-type", &content_type)],
                    &json!({"__type": "ReplayFixtureMissing", "message": call}),
                )
            }
        }
    }
}

/// One collector's service, answered from its fixtures.
struct Replay(Arc<Inner>);

impl Replay {
    fn new(name: &str) -> Replay {
        Replay(Arc::new(Inner::load(name)))
    }

    /// Answers the call of `operation` with this key with `body` instead of its fixture.
    fn answer(mut self, operation: &str, key: &str, body: Value) -> Replay {
        let inner = Arc::get_mut(&mut self.0).expect("not shared yet");
        inner
            .fixtures
            .entry(operation.to_string())
            .or_insert_with(|| json!({}))[key] = body;
        self
    }

    /// Denies every call of `operation`.
    fn deny(self, operation: &str) -> Replay {
        for inner in std::iter::once(&self.0).chain(&self.0.companions) {
            inner
                .denied
                .lock()
                .unwrap()
                .push((operation.to_string(), None));
        }
        self
    }

    /// Denies the call of `operation` with this key only.
    fn deny_key(self, operation: &str, key: &str) -> Replay {
        for inner in std::iter::once(&self.0).chain(&self.0.companions) {
            inner
                .denied
                .lock()
                .unwrap()
                .push((operation.to_string(), Some(key.to_string())));
        }
        self
    }

    fn config(&self) -> SdkConfig {
        let inner = self.0.clone();
        let http = infallible_client_fn(move |req| {
            let req = Request::try_from(req).expect("a request the SDK built");
            inner
                .answer(&req)
                .try_into_http1x()
                .expect("a response the SDK reads")
        });
        SdkConfig::builder()
            .http_client(http)
            .region(Region::new(REGION))
            .credentials_provider(SharedCredentialsProvider::new(Credentials::new(
                "AKID", "SECRET", None, None, "test",
            )))
            // A call is answered once: a retry would only repeat the same answer.
            .retry_config(RetryConfig::disabled())
            .behavior_version(BehaviorVersion::latest())
            .build()
    }

    /// Runs the service's collector, as `ailint collect` does in one region.
    async fn collect(&self) -> Batch {
        self.collect_logged().await.0
    }

    /// [`Replay::collect`], with the operations the collector called as the SDK records them.
    async fn collect_logged(&self) -> (Batch, Vec<ailint::sources::aws::Call>) {
        let scope = Scope::new(self.config(), ACCOUNT, Some(REGION), 4);
        let log = scope.calls.clone();
        let batch = collect_service(self.0.service.name, scope)
            .await
            .expect("a collector of that name");
        let missing: Vec<String> = std::iter::once(&self.0)
            .chain(&self.0.companions)
            .flat_map(|i| i.missing.lock().unwrap().clone())
            .collect();
        assert!(missing.is_empty(), "calls without a fixture: {missing:?}");
        (batch, log.calls())
    }

    /// The calls made, sorted.
    fn calls(&self) -> Vec<String> {
        let mut calls: Vec<String> = std::iter::once(&self.0)
            .chain(&self.0.companions)
            .flat_map(|i| i.calls.lock().unwrap().clone())
            .collect();
        calls.sort();
        calls
    }
}

fn collection(batch: Batch) -> Collection {
    Collection {
        account: ACCOUNT.to_string(),
        account_name: None,
        regions: vec![REGION.to_string()],
        batch,
        calls: Vec::new(),
    }
}

/// The batch as `ailint collect` writes it: resources sorted by type and id, each once.
fn written(batch: Batch) -> Value {
    let count = batch.resources.len();
    let inventory = inventory(&[collection(batch)], "2026-03-04T12:00:00Z");
    assert_eq!(
        inventory["resources"].as_array().unwrap().len(),
        count,
        "a resource was found twice"
    );
    inventory
}

fn types_of(batch: &Batch) -> Vec<&'static str> {
    let mut types: Vec<&str> = batch.resources.iter().map(|r| r.type_name).collect();
    types.sort();
    types.dedup();
    types
}

// ---------------------------------------------------------------------------------------
// What each collector makes of its service's responses.

const STRONG: &str = "arn:aws:bedrock:us-east-1:111122223333:guardrail/xk3f9q2v7m1p";
const WEAK: &str = "arn:aws:bedrock:us-east-1:111122223333:guardrail/t8n2r5c0w4ja";

fn strong_guardrail() -> Value {
    let both = |action: &str| json!({"inputAction": action, "outputAction": action, "inputEnabled": true, "outputEnabled": true});
    let with = |mut base: Value, extra: Value| {
        base.as_object_mut()
            .unwrap()
            .extend(extra.as_object().unwrap().clone());
        base
    };
    json!({
        "type": "AWS::Bedrock::Guardrail", "id": STRONG, "name": "support-assistant-strict",
        "account": ACCOUNT, "region": REGION,
        "tags": {"data-classification": "confidential", "team": "customer-support"},
        "attributes": {
            "kmsKey": "arn:aws:kms:us-east-1:111122223333:key/4f1c9a2e-7b3d-4e8f-a6c5-1d2e3f4a5b6c",
            "piiEntities": [
                with(json!({"type": "EMAIL", "action": "ANONYMIZE"}), both("ANONYMIZE")),
                with(json!({"type": "PHONE", "action": "ANONYMIZE"}), both("ANONYMIZE")),
                with(json!({"type": "US_SOCIAL_SECURITY_NUMBER", "action": "BLOCK"}), both("BLOCK")),
                with(json!({"type": "CREDIT_DEBIT_CARD_NUMBER", "action": "BLOCK"}), both("BLOCK")),
                {"type": "NAME", "action": "ANONYMIZE", "inputAction": "NONE",
                 "outputAction": "ANONYMIZE", "inputEnabled": true, "outputEnabled": true},
            ],
            "contentFilters": [
                with(json!({"type": "HATE", "inputStrength": "HIGH", "outputStrength": "HIGH"}), both("BLOCK")),
                with(json!({"type": "INSULTS", "inputStrength": "HIGH", "outputStrength": "HIGH"}), both("BLOCK")),
                with(json!({"type": "VIOLENCE", "inputStrength": "MEDIUM", "outputStrength": "MEDIUM"}), both("BLOCK")),
                {"type": "PROMPT_ATTACK", "inputStrength": "HIGH", "outputStrength": "NONE",
                 "inputAction": "BLOCK", "outputAction": "NONE", "inputEnabled": true, "outputEnabled": false},
            ],
            "managedWordLists": [with(json!({"type": "PROFANITY"}), both("BLOCK"))],
            "contextualGroundingFilters": [
                {"type": "GROUNDING", "threshold": 0.85, "action": "BLOCK", "enabled": true},
                {"type": "RELEVANCE", "threshold": 0.75, "action": "BLOCK", "enabled": true},
            ],
            "topics": [with(json!({"name": "investment-advice", "type": "DENY"}), both("BLOCK"))],
        },
    })
}

fn weak_guardrail() -> Value {
    json!({
        "type": "AWS::Bedrock::Guardrail", "id": WEAK, "name": "internal-chat-basic",
        "account": ACCOUNT, "region": REGION,
        "attributes": {
            "piiEntities": [
                {"type": "EMAIL", "action": "NONE"},
                {"type": "PHONE", "action": "ANONYMIZE"},
            ],
            "contentFilters": [
                {"type": "HATE", "inputStrength": "HIGH", "outputStrength": "MEDIUM"},
                {"type": "VIOLENCE", "inputStrength": "LOW", "outputStrength": "LOW"},
            ],
            "contextualGroundingFilters": [
                {"type": "GROUNDING", "threshold": 0.5},
                {"type": "RELEVANCE", "threshold": 0.8, "action": "NONE", "enabled": true},
            ],
        },
    })
}

#[tokio::test]
async fn bedrock_guardrails_profiles_and_logging_as_the_api_returns_them() {
    let replay = Replay::new("bedrock");
    let written = written(replay.collect().await);
    assert_eq!(written["notCollected"], json!([]));
    assert_eq!(
        written["resources"],
        json!([
            {"type": "AWS::Bedrock::CustomModel",
             "id": "arn:aws:bedrock:us-east-1:111122223333:custom-model/amazon.titan-text-express-v1:0:8k/x3fn2k9qv1hd",
             "name": "support-answers", "account": ACCOUNT, "region": REGION,
             "tags": {"team": "customer-support"},
             "attributes": {
                 "kmsKey": "arn:aws:kms:us-east-1:111122223333:key/5b1e7c4a-92d3-4f0e-8a6b-3c2d1e0f9a87",
                 "baseModelArn": "arn:aws:bedrock:us-east-1::foundation-model/amazon.titan-text-express-v1:0:8k"}},
            weak_guardrail(),
            strong_guardrail(),
            {"type": "AWS::Bedrock::InferenceProfile",
             "id": "arn:aws:bedrock:us-east-1:111122223333:application-inference-profile/h4q8zt1k0b7e",
             "name": "h4q8zt1k0b7e", "account": ACCOUNT, "region": REGION,
             "tags": {"cost-center": "cc-4471"},
             "attributes": {"profileType": "APPLICATION", "destinationRegions": ["us-east-1"]}},
            {"type": "AWS::Bedrock::InferenceProfile",
             "id": "arn:aws:bedrock:us-east-1:111122223333:inference-profile/us.anthropic.claude-3-haiku-20240307-v1:0",
             "name": "us.anthropic.claude-3-haiku-20240307-v1:0", "account": ACCOUNT, "region": REGION,
             "attributes": {"profileType": "SYSTEM_DEFINED",
                            "destinationRegions": ["us-east-1", "us-east-2", "us-west-2"]}},
            {"type": "AWS::Bedrock::ModelInvocationLogging",
             "id": "111122223333/us-east-1/model-invocation-logging",
             "name": "model invocation logging", "account": ACCOUNT, "region": REGION,
             "attributes": {"enabled": true, "textDataDeliveryEnabled": true,
                            "s3Bucket": "acme-bedrock-invocation-logs"}},
        ])
    );
}

#[tokio::test]
async fn bedrock_agents_action_group_functions_knowledge_bases_and_data_sources_as_the_api_returns_them(
) {
    let kb = "arn:aws:bedrock:us-east-1:111122223333:knowledge-base/KB4T7Q2NZP";
    let function = "arn:aws:lambda:us-east-1:111122223333:function:support-order-lookup";
    let replay = Replay::new("bedrock-agent");
    let written = written(replay.collect().await);
    assert_eq!(written["notCollected"], json!([]));
    assert_eq!(
        written["resources"],
        json!([
            {"type": "AWS::Bedrock::Agent", "id": "arn:aws:bedrock:us-east-1:111122223333:agent/QH7Z2MKX9A",
             "name": "support-assistant", "account": ACCOUNT, "region": REGION,
             "tags": {"data-classification": "confidential", "team": "customer-support"},
             "attributes": {
                 "kmsKey": "arn:aws:kms:us-east-1:111122223333:key/8e7d6c5b-4a39-4281-9f0e-a1b2c3d4e5f6",
                 "foundationModel": "anthropic.claude-3-haiku-20240307-v1:0",
                 "guardrail": "xk3f9q2v7m1p", "guardrailVersion": "3",
                 "role": "arn:aws:iam::111122223333:role/service-role/AmazonBedrockExecutionRoleForAgents_support",
                 // The action group names the function's `live` alias; the user-input
                 // action group runs no function.
                 "actionGroupFunctions": [format!("{function}:live")]}},
            {"type": "AWS::Bedrock::Agent", "id": "arn:aws:bedrock:us-east-1:111122223333:agent/RB4N8WC2TD",
             "name": "hr-faq-bot", "account": ACCOUNT, "region": REGION,
             "attributes": {
                 "foundationModel": "anthropic.claude-3-5-sonnet-20240620-v1:0",
                 "role": "arn:aws:iam::111122223333:role/service-role/AmazonBedrockExecutionRoleForAgents_hr",
                 "actionGroupFunctions": []}},
            {"type": "AWS::Bedrock::DataSource", "id": format!("{kb}/data-source/DS2M5X8HJE"),
             "name": "release-notes", "account": ACCOUNT, "region": REGION,
             "attributes": {"knowledgeBase": kb, "dataDeletionPolicy": "DELETE"}},
            {"type": "AWS::Bedrock::DataSource", "id": format!("{kb}/data-source/DS9P3L6VQA"),
             "name": "support-articles", "account": ACCOUNT, "region": REGION,
             "attributes": {
                 "knowledgeBase": kb,
                 "kmsKey": "arn:aws:kms:us-east-1:111122223333:key/2b4d6f80-1a3c-4e5f-8a9b-0c1d2e3f4a5b",
                 "dataDeletionPolicy": "RETAIN"}},
            {"type": "AWS::Bedrock::KnowledgeBase", "id": kb, "name": "support-docs",
             "account": ACCOUNT, "region": REGION, "tags": {"team": "customer-support"},
             "attributes": {
                 "storageType": "OPENSEARCH_SERVERLESS",
                 "collection": "arn:aws:aoss:us-east-1:111122223333:collection/k3v9x2m7q1w8e5r4t6y0",
                 "embeddingModelArn": "arn:aws:bedrock:us-east-1::foundation-model/amazon.titan-embed-text-v2:0"}},
            {"type": "AWS::Bedrock::KnowledgeBase",
             "id": "arn:aws:bedrock:us-east-1:111122223333:knowledge-base/KBP1NECN3X",
             "name": "product-search", "account": ACCOUNT, "region": REGION,
             "tags": {"team": "merchandising"},
             "attributes": {
                 "storageType": "PINECONE",
                 "credentialsSecret": PINECONE_SECRET,
                 "embeddingModelArn": "arn:aws:bedrock:us-east-1::foundation-model/cohere.embed-english-v3"}},
            {"type": "AWS::Lambda::Function", "id": function, "name": "support-order-lookup",
             "account": ACCOUNT, "region": REGION, "tags": {"team": "customer-support"},
             "attributes": {"role": "arn:aws:iam::111122223333:role/support-order-lookup"}},
            // The secret a knowledge base names is read with it, in its region.
            {"type": "AWS::SecretsManager::Secret", "id": PINECONE_SECRET,
             "name": "bedrock/pinecone-product-search", "account": ACCOUNT, "region": REGION,
             "tags": {"team": "merchandising"},
             "attributes": {
                 "kmsKey": "arn:aws:kms:us-east-1:111122223333:key/5c7e9a1b-3d2f-4e6a-8b0c-1d2e3f4a5b6c"}},
        ])
    );
}

const PINECONE_SECRET: &str =
    "arn:aws:secretsmanager:us-east-1:111122223333:secret:bedrock/pinecone-product-search-Q1w2E3";

#[tokio::test]
async fn a_denied_secret_read_leaves_its_key_unknown() {
    let replay = Replay::new("bedrock-agent").deny("DescribeSecret");
    let batch = replay.collect().await;
    assert!(batch.missed.is_empty(), "{:?}", batch.missed);
    let secret = batch
        .resources
        .iter()
        .find(|r| r.type_name == "AWS::SecretsManager::Secret")
        .expect("the secret is still named");
    assert_eq!(secret.id, PINECONE_SECRET);
    assert!(!secret.attributes.contains_key("kmsKey"));
    let reason = format!(
        "secretsmanager:DescribeSecret: {}",
        denial_reason("secretsmanager", "DescribeSecret")
    );
    let mut unknown = secret.unknown.clone();
    unknown.sort();
    assert_eq!(
        unknown,
        vec![
            ("kmsKey".to_string(), reason.clone()),
            ("tags".to_string(), reason)
        ]
    );
    // The knowledge base's rule is then not assessed, never passed.
    let report = audit(batch, &["AIL-VEC-003"]);
    let f = verdict(&report, "AIL-VEC-003", "product-search").unwrap();
    assert_eq!(f.status, Status::NotAssessed);
}

#[tokio::test]
async fn agentcore_runtimes_as_the_api_returns_them() {
    let replay = Replay::new("bedrock-agentcore");
    let written = written(replay.collect().await);
    assert_eq!(written["notCollected"], json!([]));
    assert_eq!(
        written["resources"],
        json!([
            {"type": "AWS::BedrockAgentCore::Runtime",
             "id": "arn:aws:bedrock-agentcore:us-east-1:111122223333:runtime/claims_agent-Vc3Nw8Rt5L",
             "name": "claims_agent", "account": ACCOUNT, "region": REGION,
             "tags": {"CostCenter": "CC-2210", "team": "claims"},
             "attributes": {"networkMode": "VPC"}},
            {"type": "AWS::BedrockAgentCore::Runtime",
             "id": "arn:aws:bedrock-agentcore:us-east-1:111122223333:runtime/web_research-Pb7Kq2Xz9M",
             "name": "web_research", "account": ACCOUNT, "region": REGION,
             "attributes": {"networkMode": "PUBLIC"}},
        ])
    );
    assert_eq!(
        replay.calls(),
        [
            "GetAgentRuntime claims_agent-Vc3Nw8Rt5L",
            "GetAgentRuntime web_research-Pb7Kq2Xz9M",
            "ListAgentRuntimes",
            "ListTagsForResource arn:aws:bedrock-agentcore:us-east-1:111122223333:runtime/claims_agent-Vc3Nw8Rt5L",
            "ListTagsForResource arn:aws:bedrock-agentcore:us-east-1:111122223333:runtime/web_research-Pb7Kq2Xz9M",
        ]
    );
}

#[tokio::test]
async fn a_denied_runtime_list_leaves_runtimes_not_collected() {
    let replay = Replay::new("bedrock-agentcore").deny("ListAgentRuntimes");
    let batch = replay.collect().await;
    assert!(batch.resources.is_empty());
    assert_eq!(
        batch.missed,
        vec![Missed {
            region: Some(REGION.to_string()),
            types: vec!["AWS::BedrockAgentCore::Runtime"],
            operation: "bedrock-agentcore:ListAgentRuntimes".to_string(),
            reason: denial_reason("bedrock-agentcore", "ListAgentRuntimes"),
        }]
    );
}

fn access_policy(name: &str, policy: Value) -> Value {
    json!({"type": "AWS::OpenSearchServerless::AccessPolicy",
           "id": format!("arn:aws:aoss:us-east-1:111122223333:access-policy/data/{name}"),
           "name": name, "account": ACCOUNT, "region": REGION,
           "documents": {"policy": policy}})
}

#[tokio::test]
async fn opensearch_serverless_collections_and_policies_as_the_api_returns_them() {
    let key = "arn:aws:kms:us-east-1:111122223333:key/6a5b4c3d-2e1f-4a0b-9c8d-7e6f5a4b3c2d";
    let replay = Replay::new("opensearch-serverless");
    let written = written(replay.collect().await);
    assert_eq!(written["notCollected"], json!([]));
    assert_eq!(
        written["resources"],
        json!([
            access_policy("support-docs-admins", json!([{
                "Rules": [
                    {"ResourceType": "index", "Resource": ["index/support-docs-vectors/*"], "Permission": ["aoss:*"]},
                    {"ResourceType": "collection", "Resource": ["collection/support-docs-vectors"], "Permission": ["aoss:*"]}],
                "Principal": ["arn:aws:iam::111122223333:role/ml-platform-admin"]}])),
            access_policy("support-docs-kb-access", json!([{
                "Rules": [
                    {"ResourceType": "index", "Resource": ["index/support-docs-vectors/*"],
                     "Permission": ["aoss:CreateIndex", "aoss:DescribeIndex", "aoss:ReadDocument",
                                    "aoss:WriteDocument", "aoss:UpdateIndex"]},
                    {"ResourceType": "collection", "Resource": ["collection/support-docs-vectors"],
                     "Permission": ["aoss:DescribeCollectionItems", "aoss:CreateCollectionItems",
                                    "aoss:UpdateCollectionItems"]}],
                "Principal": ["arn:aws:iam::111122223333:role/service-role/AmazonBedrockExecutionRoleForKnowledgeBase_support"],
                "Description": "Bedrock knowledge base access"}])),
            {"type": "AWS::OpenSearchServerless::Collection",
             "id": "arn:aws:aoss:us-east-1:111122223333:collection/k3v9x2m7q1w8e5r4t6y0",
             "name": "support-docs-vectors", "account": ACCOUNT, "region": REGION,
             "tags": {"cost-center": "cc-4471", "team": "customer-support"},
             "attributes": {"collectionType": "VECTORSEARCH", "kmsKeyArn": key}},
            {"type": "AWS::OpenSearchServerless::SecurityPolicy",
             "id": "arn:aws:aoss:us-east-1:111122223333:security-policy/encryption/support-docs-encryption",
             "name": "support-docs-encryption", "account": ACCOUNT, "region": REGION,
             "attributes": {"policyType": "encryption"},
             "documents": {"policy": {
                 "Rules": [{"ResourceType": "collection", "Resource": ["collection/support-docs-*"]}],
                 "AWSOwnedKey": false, "KmsARN": key}}},
            {"type": "AWS::OpenSearchServerless::SecurityPolicy",
             "id": "arn:aws:aoss:us-east-1:111122223333:security-policy/network/support-docs-network",
             "name": "support-docs-network", "account": ACCOUNT, "region": REGION,
             "attributes": {"policyType": "network"},
             "documents": {"policy": [{
                 "Description": "private access",
                 "Rules": [
                     {"ResourceType": "collection", "Resource": ["collection/support-docs-vectors"]},
                     {"ResourceType": "dashboard", "Resource": ["collection/support-docs-vectors"]}],
                 "AllowFromPublic": false,
                 "SourceVPCEs": ["vpce-0a1b2c3d4e5f60718"],
                 "SourceServices": ["bedrock.amazonaws.com"]}]}},
        ])
    );
}

#[tokio::test]
async fn sagemaker_models_and_monitoring_schedules_as_the_api_returns_them() {
    // Each schedule names a job definition, whose network settings are read with the
    // Describe operation of its monitoring type, one of each: the data-quality job's isolate
    // and encrypt (and it has baseline constraints), the model-quality job's have no
    // NetworkConfig (both off), the bias and explainability jobs' do one each.
    let schedule = |name: &str, kind: &str, status: &str, network: (bool, bool)| {
        let mut s = json!({"type": "AWS::SageMaker::MonitoringSchedule",
               "id": format!("arn:aws:sagemaker:us-east-1:111122223333:monitoring-schedule/{name}"),
               "name": name, "account": ACCOUNT, "region": REGION,
               "attributes": {"endpoint": "fraud-detector-prod", "monitoringType": kind, "status": status,
                              "jobDefinitionName": format!("{name}-job"),
                              "enableNetworkIsolation": network.0,
                              "enableInterContainerTrafficEncryption": network.1}});
        if kind == "DataQuality" {
            s["tags"] = json!({"team": "risk"});
            s["attributes"]["baselineConstraintsUri"] =
                json!("s3://acme-ml-monitoring/fraud-detector/baseline/constraints.json");
        }
        s
    };
    let replay = Replay::new("sagemaker");
    let written = written(replay.collect().await);
    assert_eq!(written["notCollected"], json!([]));
    assert_eq!(
        written["resources"],
        json!([
            {"type": "AWS::SageMaker::Model",
             "id": "arn:aws:sagemaker:us-east-1:111122223333:model/churn-xgb-2026-01",
             "name": "churn-xgb-2026-01", "account": ACCOUNT, "region": REGION,
             "attributes": {
                 "enableNetworkIsolation": false,
                 "modelPackage": "arn:aws:sagemaker:us-east-1:111122223333:model-package/churn-models/4"}},
            {"type": "AWS::SageMaker::Model",
             "id": "arn:aws:sagemaker:us-east-1:111122223333:model/fraud-detector-v3",
             "name": "fraud-detector-v3", "account": ACCOUNT, "region": REGION,
             "tags": {"model-tier": "critical", "team": "risk"},
             "attributes": {
                 "enableNetworkIsolation": true,
                 "vpcSubnets": ["subnet-0a4e9c2b7d1f36e85", "subnet-0c6d1a8f3e5b29d47"],
                 "modelDataUrl": "s3://acme-ml-artifacts/fraud-detector/v3/model.tar.gz",
                 "image": "683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1"}},
            schedule("fraud-detector-bias", "ModelBias", "Scheduled", (false, true)),
            schedule("fraud-detector-data-quality", "DataQuality", "Scheduled", (true, true)),
            schedule("fraud-detector-explainability", "ModelExplainability", "Scheduled", (true, false)),
            schedule("fraud-detector-model-quality", "ModelQuality", "Stopped", (false, false)),
        ])
    );
}

// ---------------------------------------------------------------------------------------
// Pages, denials and unknown facts.

#[tokio::test]
async fn every_page_of_a_list_is_read() {
    // The first page names the second with its token: in the query string (REST) or the
    // JSON body; the second page ends the list.
    let bedrock = Replay::new("bedrock");
    let batch = bedrock.collect().await;
    let guardrails = batch
        .resources
        .iter()
        .filter(|r| r.type_name == "AWS::Bedrock::Guardrail")
        .count();
    assert_eq!(guardrails, 2);
    let calls = bedrock.calls();
    assert!(
        calls.contains(&"ListGuardrails".to_string())
            && calls.contains(&"ListGuardrails eyJsYXN0S2V5IjoieGszZjlxMnY3bTFwIn0=".to_string()),
        "{calls:?}"
    );

    let aoss = Replay::new("opensearch-serverless");
    let batch = aoss.collect().await;
    let mut names: Vec<&str> = batch
        .resources
        .iter()
        .filter(|r| r.type_name == "AWS::OpenSearchServerless::AccessPolicy")
        .filter_map(|r| r.name.as_deref())
        .collect();
    names.sort();
    assert_eq!(names, ["support-docs-admins", "support-docs-kb-access"]);
    assert!(aoss.calls().contains(
        &"ListAccessPolicies data AQICAHhq3Vb0d8XgPDeT8Rk2kX9c4wL7mYzN1pQ5sT0uV6wX2yA".to_string()
    ));

    let sagemaker = Replay::new("sagemaker");
    let batch = sagemaker.collect().await;
    let schedules = batch
        .resources
        .iter()
        .filter(|r| r.type_name == "AWS::SageMaker::MonitoringSchedule")
        .count();
    assert_eq!(schedules, 4);
    assert!(sagemaker
        .calls()
        .contains(&"ListMonitoringSchedules d3J5a2xqZ2hmZHNhLTI=".to_string()));
}

#[tokio::test]
async fn a_denied_list_leaves_its_types_not_collected() {
    let cases: &[(&str, &str, &[&str])] = &[
        ("bedrock", "ListGuardrails", &["AWS::Bedrock::Guardrail"]),
        (
            "bedrock",
            "ListInferenceProfiles",
            &["AWS::Bedrock::InferenceProfile"],
        ),
        (
            "bedrock-agent",
            "ListAgents",
            &["AWS::Bedrock::Agent", "AWS::Lambda::Function"],
        ),
        (
            "bedrock-agent",
            "ListKnowledgeBases",
            &[
                "AWS::Bedrock::KnowledgeBase",
                "AWS::Bedrock::DataSource",
                "AWS::SecretsManager::Secret",
            ],
        ),
        (
            "bedrock-agent",
            "ListDataSources",
            &["AWS::Bedrock::DataSource"],
        ),
        (
            "opensearch-serverless",
            "ListAccessPolicies",
            &["AWS::OpenSearchServerless::AccessPolicy"],
        ),
        ("sagemaker", "ListModels", &["AWS::SageMaker::Model"]),
        (
            "sagemaker",
            "ListMonitoringSchedules",
            &["AWS::SageMaker::MonitoringSchedule"],
        ),
    ];
    for &(service, operation, types) in cases {
        let replay = Replay::new(service).deny(operation);
        let batch = replay.collect().await;
        let iam = SERVICES.iter().find(|s| s.name == service).unwrap().iam;
        // A list denied once per knowledge base is one miss in the inventory.
        let mut missed = batch.missed.clone();
        missed.dedup();
        assert_eq!(
            missed,
            vec![Missed {
                region: Some(REGION.to_string()),
                types: types.to_vec(),
                operation: format!("{iam}:{operation}"),
                reason: denial_reason(service, operation),
            }],
            "{service} {operation}"
        );
        let found = types_of(&batch);
        assert!(
            types.iter().all(|t| !found.contains(t)),
            "{service} {operation}: {found:?}"
        );
        // The service's other lists are still read.
        assert!(!found.is_empty(), "{service} {operation}");
        // And the inventory says so, so every rule on those types is not assessed there.
        let written = written(batch);
        assert_eq!(
            written["notCollected"][0]["types"],
            json!(types),
            "{service} {operation}"
        );
    }
}

#[tokio::test]
async fn a_denied_guardrail_read_leaves_its_policies_unknown() {
    let replay = Replay::new("bedrock").deny_key("GetGuardrail", "t8n2r5c0w4ja");
    let batch = replay.collect().await;
    assert!(batch.missed.is_empty(), "{:?}", batch.missed);
    let written = written(batch);
    let reason = format!(
        "bedrock:GetGuardrail: {}",
        denial_reason("bedrock", "GetGuardrail")
    );
    let unknown: Vec<Value> = [
        "contentFilters",
        "contextualGroundingFilters",
        "kmsKey",
        "managedWordLists",
        "piiEntities",
        "topics",
    ]
    .iter()
    .map(|path| json!({"path": path, "reason": reason}))
    .collect();
    // Resources are sorted by type: the custom model comes first.
    assert_eq!(
        written["resources"][1],
        json!({"type": "AWS::Bedrock::Guardrail", "id": WEAK, "name": "internal-chat-basic",
               "account": ACCOUNT, "region": REGION, "unknown": unknown})
    );
    assert_eq!(written["resources"][2], strong_guardrail());
}

#[tokio::test]
async fn denied_detail_reads_leave_facts_unknown_never_absent() {
    let cases: &[(&str, &str, &str, &str, &[&str])] = &[
        (
            "bedrock-agent",
            "GetAgent",
            "RB4N8WC2TD",
            "hr-faq-bot",
            &[
                "actionGroupFunctions",
                "foundationModel",
                "guardrail",
                "guardrailVersion",
                "kmsKey",
                "role",
                "tags",
            ],
        ),
        (
            "bedrock-agent",
            "ListAgentActionGroups",
            "QH7Z2MKX9A DRAFT",
            "support-assistant",
            &["actionGroupFunctions"],
        ),
        (
            "bedrock-agent",
            "GetAgentActionGroup",
            "QH7Z2MKX9A DRAFT AG3K8P1XWZ",
            "support-assistant",
            &["actionGroupFunctions"],
        ),
        (
            "bedrock-agent",
            "GetFunction",
            "arn:aws:lambda:us-east-1:111122223333:function:support-order-lookup",
            "support-order-lookup",
            &["role", "tags"],
        ),
        (
            "bedrock-agent",
            "GetKnowledgeBase",
            "KB4T7Q2NZP",
            "support-docs",
            &[
                "collection",
                "credentialsSecret",
                "embeddingModelArn",
                "storageType",
                "tags",
            ],
        ),
        (
            "bedrock-agent",
            "GetDataSource",
            "KB4T7Q2NZP DS9P3L6VQA",
            "support-articles",
            &["dataDeletionPolicy", "kmsKey"],
        ),
        (
            "bedrock-agent",
            "ListTagsForResource",
            "arn:aws:bedrock:us-east-1:111122223333:agent/QH7Z2MKX9A",
            "support-assistant",
            &["tags"],
        ),
        (
            "bedrock-agentcore",
            "GetAgentRuntime",
            "web_research-Pb7Kq2Xz9M",
            "web_research",
            &["networkMode"],
        ),
        (
            "bedrock-agentcore",
            "ListTagsForResource",
            "arn:aws:bedrock-agentcore:us-east-1:111122223333:runtime/claims_agent-Vc3Nw8Rt5L",
            "claims_agent",
            &["tags"],
        ),
        (
            "opensearch-serverless",
            "GetAccessPolicy",
            "data support-docs-admins",
            "support-docs-admins",
            &["documents.policy"],
        ),
        (
            "sagemaker",
            "DescribeModel",
            "fraud-detector-v3",
            "fraud-detector-v3",
            &[
                "enableNetworkIsolation",
                "image",
                "modelDataUrl",
                "modelPackage",
                "vpcSubnets",
            ],
        ),
        (
            "sagemaker",
            "ListTags",
            "arn:aws:sagemaker:us-east-1:111122223333:model/churn-xgb-2026-01",
            "churn-xgb-2026-01",
            &["tags"],
        ),
    ];
    for &(service, operation, key, name, paths) in cases {
        let replay = Replay::new(service).deny_key(operation, key);
        let batch = replay.collect().await;
        assert!(batch.missed.is_empty(), "{operation}: {:?}", batch.missed);
        let found = batch
            .resources
            .iter()
            .find(|r| r.name.as_deref() == Some(name))
            .unwrap_or_else(|| panic!("{operation}: `{name}` is still listed"));
        let iam = iam_prefix(
            SERVICES.iter().find(|s| s.name == service).unwrap(),
            operation,
        );
        let reason = format!("{iam}:{operation}: {}", denial_reason(service, operation));
        let mut unknown = found.unknown.clone();
        unknown.sort();
        let expected: Vec<(String, String)> = paths
            .iter()
            .map(|p| (p.to_string(), reason.clone()))
            .collect();
        assert_eq!(unknown, expected, "{operation}");
        // What the denied call would have given is unknown, not absent.
        for p in paths {
            assert!(
                !found.attributes.contains_key(*p)
                    && !found
                        .documents
                        .contains_key(p.strip_prefix("documents.").unwrap_or(p)),
                "{operation}: {p}"
            );
        }
    }
}

#[tokio::test]
async fn policy_documents_are_written_in_one_order() {
    // The SDK hands documents over as hash maps, in an order that changes from one read to
    // the next; the inventory is meant to be the same for the same account.
    fn sorted(v: &Value) -> bool {
        match v {
            Value::Object(m) => {
                m.keys().zip(m.keys().skip(1)).all(|(a, b)| a <= b) && m.values().all(sorted)
            }
            Value::Array(items) => items.iter().all(sorted),
            _ => true,
        }
    }
    let written = written(Replay::new("opensearch-serverless").collect().await);
    for r in written["resources"].as_array().unwrap() {
        if let Some(documents) = r.get("documents") {
            assert!(sorted(documents), "{documents}");
        }
    }
}

// ---------------------------------------------------------------------------------------
// From the responses to the verdicts.

fn audit(batch: Batch, rules: &[&str]) -> AuditReport {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("inventory.json");
    let inventory = written(batch);
    std::fs::write(&path, serde_json::to_string_pretty(&inventory).unwrap()).unwrap();
    let mut set = RuleSet::load(&[], ModelSchema::builtin()).unwrap();
    let ids: Vec<String> = rules.iter().map(|s| s.to_string()).collect();
    set.filter(&ids, &[]);
    let report = ailint::audit_paths(&[path], &Config::default(), &set);
    assert!(report.errors.is_empty(), "{:?}", report.errors);
    report
}

fn verdict<'a>(report: &'a AuditReport, rule: &str, name: &str) -> Option<&'a Finding> {
    report
        .findings
        .iter()
        .find(|f| f.rule_id == rule && &*f.resource.name == name)
}

const GUARDRAIL_RULES: &[&str] = &[
    "AIL-GR-002",
    "AIL-GR-003",
    "AIL-GR-005",
    "AIL-GR-006",
    "AIL-GR-006B",
];

#[tokio::test]
async fn collected_resources_are_judged_by_the_rules() {
    let mut batch = Batch::default();
    for service in [
        "bedrock",
        "bedrock-agent",
        "opensearch-serverless",
        "sagemaker",
    ] {
        batch.extend(Replay::new(service).collect().await);
    }
    let report = audit(batch, &["AIL-GR", "AIL-NET-004"]);
    for rule in GUARDRAIL_RULES {
        let weak = verdict(&report, rule, "internal-chat-basic")
            .unwrap_or_else(|| panic!("{rule}: the weak guardrail passed"));
        assert_eq!(weak.status, Status::Fail, "{rule}: {weak:?}");
        assert!(
            verdict(&report, rule, "support-assistant-strict").is_none(),
            "{rule}: {:?}",
            verdict(&report, rule, "support-assistant-strict")
        );
        assert_eq!(report.per_rule[*rule].pass, 1, "{rule}");
    }
    // Isolation comes from DescribeModel, which the emulator cannot give.
    assert!(
        verdict(&report, "AIL-NET-004", "fraud-detector-v3").is_none(),
        "{:?}",
        verdict(&report, "AIL-NET-004", "fraud-detector-v3")
    );
    let churn = verdict(&report, "AIL-NET-004", "churn-xgb-2026-01").expect("no isolation");
    assert_eq!(churn.status, Status::Fail);
    assert_eq!(report.per_rule["AIL-NET-004"].pass, 1);
    assert!(verdict(&report, "AIL-NET-004B", "fraud-detector-v3").is_none());
}

#[tokio::test]
async fn a_guardrail_that_could_not_be_read_is_not_assessed_never_passed() {
    let replay = Replay::new("bedrock").deny_key("GetGuardrail", "t8n2r5c0w4ja");
    let report = audit(replay.collect().await, &["AIL-GR"]);
    for rule in GUARDRAIL_RULES {
        let weak = verdict(&report, rule, "internal-chat-basic")
            .unwrap_or_else(|| panic!("{rule}: the unread guardrail passed"));
        assert_eq!(weak.status, Status::NotAssessed, "{rule}: {weak:?}");
        let reason = weak.reason.as_deref().unwrap_or_default();
        assert!(reason.contains("bedrock:GetGuardrail"), "{rule}: {reason}");
        assert!(verdict(&report, rule, "support-assistant-strict").is_none());
    }
}

// ---------------------------------------------------------------------------------------
// Organizations: the emulator has no DescribeEffectivePolicy.

const OPT_OUT: &str = "AISERVICES_OPT_OUT_POLICY";

#[tokio::test]
async fn the_effective_opt_out_policy_as_the_api_returns_it() {
    let replay = Replay::new("organizations");
    let written = written(replay.collect().await);
    assert_eq!(written["notCollected"], json!([]));
    assert_eq!(
        written["resources"],
        json!([{
            "type": "AWS::Organizations::EffectivePolicy",
            "id": format!("{ACCOUNT}/{OPT_OUT}"), "name": OPT_OUT, "account": ACCOUNT,
            "attributes": {"policyType": OPT_OUT},
            "documents": {"content": "{\"services\":{\"default\":{\"opt_out_policy\":\"optOut\"},\"comprehend\":{\"opt_out_policy\":\"optOut\"}}}"}}])
    );
    assert_eq!(
        replay.calls(),
        vec![format!("DescribeEffectivePolicy {OPT_OUT}")]
    );
    let report = audit(replay.collect().await, &["AIL-RES-004"]);
    assert!(verdict(&report, "AIL-RES-004", ACCOUNT).is_none());
    assert_eq!(report.per_rule["AIL-RES-004"].pass, 1);
}

#[tokio::test]
async fn an_effective_policy_opting_a_service_back_in_fails() {
    let content = r#"{"services":{"default":{"opt_out_policy":"optOut"},"rekognition":{"opt_out_policy":"optIn"}}}"#;
    let replay = Replay::new("organizations").answer(
        "DescribeEffectivePolicy",
        OPT_OUT,
        json!({"EffectivePolicy": {"PolicyContent": content, "LastUpdatedTimestamp": 1.7726e9,
                                   "TargetId": ACCOUNT, "PolicyType": OPT_OUT}}),
    );
    let report = audit(replay.collect().await, &["AIL-RES-004"]);
    let f = verdict(&report, "AIL-RES-004", ACCOUNT).expect("the account fails");
    assert_eq!(f.status, Status::Fail);
}

#[tokio::test]
async fn an_account_without_an_effective_opt_out_policy_is_not_opted_out() {
    // Outside an organization, or in one that attaches no opt-out policy (or has not
    // enabled the type): the service answers with an error, and no policy applies.
    for (code, message) in [
        (
            "EffectivePolicyNotFoundException",
            "An effective policy of the specified type was not found for this account.",
        ),
        (
            "AWSOrganizationsNotInUseException",
            "Your account is not a member of an organization.",
        ),
    ] {
        let replay = Replay::new("organizations").answer(
            "DescribeEffectivePolicy",
            OPT_OUT,
            json!({"__type": code, "Message": message}),
        );
        let batch = replay.collect().await;
        assert!(batch.resources.is_empty(), "{code}");
        assert!(batch.missed.is_empty(), "{code}: {:?}", batch.missed);
        let report = audit(batch, &["AIL-RES-004"]);
        let f = verdict(&report, "AIL-RES-004", ACCOUNT).expect("the account fails");
        assert_eq!(f.status, Status::Fail, "{code}");
    }
}

#[tokio::test]
async fn a_denied_effective_policy_read_is_not_assessed() {
    let replay = Replay::new("organizations").deny("DescribeEffectivePolicy");
    let batch = replay.collect().await;
    assert_eq!(
        batch.missed,
        vec![Missed {
            region: None,
            types: vec!["AWS::Organizations::EffectivePolicy"],
            operation: "organizations:DescribeEffectivePolicy".to_string(),
            reason: denial_reason("organizations", "DescribeEffectivePolicy"),
        }]
    );
    let report = audit(batch, &["AIL-RES-004"]);
    let f = verdict(&report, "AIL-RES-004", ACCOUNT).expect("not passed");
    assert_eq!(f.status, Status::NotAssessed);
    assert!(f
        .reason
        .as_deref()
        .is_some_and(|r| r.contains("organizations:DescribeEffectivePolicy")));
}

/// Every operation the replayed collectors call, for the read-only proof.
pub async fn calls_of_every_replayed_service() -> Vec<ailint::sources::aws::Call> {
    let mut calls = Vec::new();
    for service in SERVICES.iter().filter(|s| s.collects) {
        calls.extend(Replay::new(service.name).collect_logged().await.1);
    }
    calls
}
