//! A live account, read through the AWS SDK with read-only calls (`ailint collect`,
//! `ailint audit --profile`).
//!
//! Collection writes an `ailint-inventory/v1` document: the same format every other input
//! ends in, so `ailint collect` followed by `ailint audit inventory.json` gives the findings
//! a live audit gives, and a live audit's SARIF can point at lines of the inventory it
//! writes. One file per service collects its resources; this module holds what they share:
//! the session (credentials, regions, retries, timeouts), bounded concurrency, the record
//! of every call made, and what a failed call leaves behind: the types it would have
//! collected are "not collected" in that account and region, so their rules are "not
//! assessed", never passed.

mod agentcore;
mod bedrock;
mod bedrockagent;
mod cloudtrail;
mod ec2;
mod iam;
mod kms;
mod lakeformation;
mod opensearch;
mod opensearchserverless;
pub mod organizations;
mod s3;
mod s3control;
mod sagemaker;
mod secretsmanager;
mod sts;

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use aws_config::retry::RetryConfig;
use aws_config::timeout::TimeoutConfig;
use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_smithy_runtime_api::box_error::BoxError;
use aws_smithy_runtime_api::client::interceptors::context::BeforeSerializationInterceptorContextRef;
use aws_smithy_runtime_api::client::interceptors::Intercept;
use aws_smithy_runtime_api::client::orchestrator::{HttpResponse, Metadata};
use aws_smithy_runtime_api::client::result::SdkError;
use aws_smithy_types::config_bag::ConfigBag;
use aws_smithy_types::error::metadata::ProvideErrorMetadata;
use serde_json::{json, Map, Value};
use tokio::sync::Semaphore;

/// What to read and how.
#[derive(Debug, Clone)]
pub struct LiveOptions {
    /// A named profile of the shared AWS configuration; the default chain otherwise.
    pub profile: Option<String>,
    /// Regions to read; the profile's region when empty (unless `all_regions`).
    pub regions: Vec<String>,
    /// Every region enabled in the account.
    pub all_regions: bool,
    /// A role to assume first.
    pub role_arn: Option<String>,
    /// Calls in flight at once, across services and regions.
    pub max_concurrency: usize,
    /// Attempts per call, with the SDK's adaptive retry.
    pub max_attempts: u32,
    /// Per-attempt timeout.
    pub attempt_timeout: Duration,
    /// Show progress on stderr.
    pub progress: bool,
    /// Audit every account of the organization through this role, assumed in each.
    pub org_role_name: Option<String>,
    /// Only the accounts of this shard: `(i, n)` takes the i-th (from 1) of n slices of
    /// the organization's accounts, sorted by id.
    pub shard: Option<(usize, usize)>,
}

impl Default for LiveOptions {
    fn default() -> Self {
        LiveOptions {
            profile: None,
            regions: Vec::new(),
            all_regions: false,
            role_arn: None,
            max_concurrency: 32,
            max_attempts: 5,
            attempt_timeout: Duration::from_secs(20),
            progress: false,
            org_role_name: None,
            shard: None,
        }
    }
}

/// Why a live read could not happen at all (exit 2); failures of single calls are "not
/// collected" instead.
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
pub enum LiveError {
    #[error("cannot get credentials: {0}")]
    #[diagnostic(help(
        "configure credentials (environment, `--profile`, SSO login, instance role) or refresh expired ones"
    ))]
    Credentials(String),
    #[error("no region: set `--region`, `--all-regions`, or a region in the profile")]
    NoRegion,
    #[error("cannot list the enabled regions: {0}")]
    Regions(String),
    #[error("cannot assume `{role}`: {message}")]
    AssumeRole { role: String, message: String },
    #[error("cannot list the organization's accounts: {0}")]
    #[diagnostic(help(
        "`--org` runs in the management account or a delegated administrator, with `organizations:ListAccounts`"
    ))]
    Organization(String),
    #[error("cannot start the runtime: {0}")]
    Runtime(String),
}

/// A resource as a collector found it, in the inventory's terms.
#[derive(Debug, Clone)]
pub struct Found {
    pub type_name: &'static str,
    pub id: String,
    pub name: Option<String>,
    pub region: Option<String>,
    pub tags: BTreeMap<String, String>,
    pub attributes: Map<String, Value>,
    pub documents: Map<String, Value>,
    pub unknown: Vec<(String, String)>,
}

impl Found {
    pub fn new(type_name: &'static str, id: impl Into<String>, region: Option<&str>) -> Found {
        Found {
            type_name,
            id: id.into(),
            name: None,
            region: region.map(str::to_string),
            tags: BTreeMap::new(),
            attributes: Map::new(),
            documents: Map::new(),
            unknown: Vec::new(),
        }
    }

    pub fn name(mut self, name: impl Into<String>) -> Found {
        self.name = Some(name.into());
        self
    }

    /// Sets an attribute when the API returned it.
    pub fn set(&mut self, attr: &str, value: Option<impl Into<Value>>) {
        if let Some(v) = value {
            self.attributes.insert(attr.to_string(), v.into());
        }
    }

    /// Sets a document (a policy, event selectors) when there is one.
    pub fn document(&mut self, name: &str, value: Option<Value>) {
        if let Some(v) = value {
            self.documents.insert(name.to_string(), v);
        }
    }

    /// Marks facts unknown: a call that would have given them failed.
    pub fn unknown(&mut self, paths: &[&str], reason: &str) {
        for p in paths {
            self.unknown.push((p.to_string(), reason.to_string()));
        }
    }

    fn to_json(&self, account: &str) -> Value {
        let mut r = Map::new();
        r.insert("type".into(), json!(self.type_name));
        r.insert("id".into(), json!(self.id));
        if let Some(n) = &self.name {
            r.insert("name".into(), json!(n));
        }
        r.insert("account".into(), json!(account));
        if let Some(region) = &self.region {
            r.insert("region".into(), json!(region));
        }
        if !self.tags.is_empty() {
            r.insert("tags".into(), json!(self.tags));
        }
        if !self.attributes.is_empty() {
            r.insert("attributes".into(), Value::Object(self.attributes.clone()));
        }
        if !self.documents.is_empty() {
            r.insert("documents".into(), Value::Object(self.documents.clone()));
        }
        if !self.unknown.is_empty() {
            let mut unknown = self.unknown.clone();
            unknown.sort();
            unknown.dedup();
            r.insert(
                "unknown".into(),
                Value::Array(
                    unknown
                        .into_iter()
                        .map(|(path, reason)| json!({"path": path, "reason": reason}))
                        .collect(),
                ),
            );
        }
        Value::Object(r)
    }
}

/// A service, region or resource type that could not be read.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Missed {
    pub region: Option<String>,
    pub types: Vec<&'static str>,
    pub operation: String,
    pub reason: String,
}

/// What one collector found.
#[derive(Debug, Default)]
pub struct Batch {
    pub resources: Vec<Found>,
    pub missed: Vec<Missed>,
    /// Subnet id to VPC id, from EC2; `*REGION` holds why a region's subnets are unknown.
    pub subnets: std::collections::HashMap<String, Result<String, String>>,
}

impl Batch {
    pub fn miss(
        &mut self,
        region: Option<&str>,
        types: &[&'static str],
        operation: &str,
        reason: String,
    ) {
        self.missed.push(Missed {
            region: region.map(str::to_string),
            types: types.to_vec(),
            operation: operation.to_string(),
            reason,
        });
    }

    pub fn extend(&mut self, other: Batch) {
        self.resources.extend(other.resources);
        self.missed.extend(other.missed);
        self.subnets.extend(other.subnets);
    }
}

/// One operation called.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Call {
    /// The API operation, as the SDK names it: `GetBucketEncryption`.
    pub operation: String,
    /// The IAM action it needs: `s3:GetEncryptionConfiguration`.
    pub action: String,
}

/// The operations a run called, for the read-only proof and the least-privilege policy.
#[derive(Debug, Default, Clone)]
pub struct CallLog(Arc<Mutex<Vec<Call>>>);

impl CallLog {
    pub fn calls(&self) -> Vec<Call> {
        self.0.lock().map(|c| c.clone()).unwrap_or_default()
    }
}

/// The IAM action an SDK operation needs: the service's action prefix and, for the few
/// S3 operations whose permission is named otherwise, that name.
pub fn iam_action(service: &str, operation: &str) -> String {
    let prefix = match service {
        "S3" | "S3 Control" => "s3".to_string(),
        "Bedrock" | "Bedrock Agent" => "bedrock".to_string(),
        "OpenSearch" => "es".to_string(),
        "OpenSearchServerless" => "aoss".to_string(),
        "Secrets Manager" => "secretsmanager".to_string(),
        "Bedrock AgentCore Control" => "bedrock-agentcore".to_string(),
        other => other.to_ascii_lowercase(),
    };
    let action = match (service, operation) {
        ("S3", "GetBucketEncryption") => "GetEncryptionConfiguration",
        ("S3", "GetPublicAccessBlock") => "GetBucketPublicAccessBlock",
        ("S3", "ListBuckets") => "ListAllMyBuckets",
        ("S3 Control", "GetPublicAccessBlock") => "GetAccountPublicAccessBlock",
        _ => operation,
    };
    format!("{prefix}:{action}")
}

impl Intercept for CallLog {
    fn name(&self) -> &'static str {
        "ailint-call-log"
    }

    // Not `read_before_execution`: a client's interceptors run that before the operation's
    // configuration, which holds the metadata, is loaded. Serialization happens once per
    // operation, whatever the retries.
    fn read_before_serialization(
        &self,
        _context: &BeforeSerializationInterceptorContextRef<'_>,
        _components: &aws_smithy_runtime_api::client::runtime_components::RuntimeComponents,
        cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        if let Some(m) = cfg.load::<Metadata>() {
            if let Ok(mut calls) = self.0.lock() {
                calls.push(Call {
                    operation: m.name().to_string(),
                    action: iam_action(m.service(), m.name()),
                });
            }
        }
        Ok(())
    }
}

/// How a failed call is understood.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Failure {
    /// The credentials are missing, expired or invalid: nothing can be read.
    Credentials(String),
    /// The call was denied, throttled past the retries, timed out or failed.
    Call(String),
}

/// Runs `f` on each item concurrently (every call inside still waits for the scope's
/// bound), keeping the items' order.
pub async fn each<I, T, F, Fut>(items: Vec<I>, f: F) -> Vec<T>
where
    F: Fn(I) -> Fut,
    Fut: std::future::Future<Output = T> + Send + 'static,
    T: Send + 'static,
{
    let mut set = tokio::task::JoinSet::new();
    for (i, item) in items.into_iter().enumerate() {
        let fut = f(item);
        set.spawn(async move { (i, fut.await) });
    }
    let mut out: Vec<(usize, T)> = Vec::with_capacity(set.len());
    while let Some(done) = set.join_next().await {
        if let Ok(v) = done {
            out.push(v);
        }
    }
    out.sort_by_key(|(i, _)| *i);
    out.into_iter().map(|(_, v)| v).collect()
}

/// Classifies an SDK error by its code.
pub fn classify<E>(e: &SdkError<E, HttpResponse>) -> Failure
where
    E: ProvideErrorMetadata + std::error::Error + 'static,
{
    let code = e.code().unwrap_or("");
    // SdkError's own text is terse ("service error"); its sources and the HTTP status say
    // what happened.
    let message = e.message().map_or_else(
        || match e.raw_response() {
            // A body that is not the service's error (a proxy's page, an emulator's
            // traceback) says nothing more than its status.
            Some(r) if r.status().is_success() => {
                format!("the response could not be read: {}", error_chain(e))
            }
            Some(r) => format!("HTTP {} without an AWS error code", r.status().as_u16()),
            None => error_chain(e),
        },
        str::to_string,
    );
    match code {
        "ExpiredToken"
        | "ExpiredTokenException"
        | "InvalidClientTokenId"
        | "UnrecognizedClientException"
        | "InvalidSignatureException"
        | "SignatureDoesNotMatch"
        | "AuthFailure"
        | "InvalidAccessKeyId"
        | "MissingAuthenticationToken" => Failure::Credentials(format!("{code}: {message}")),
        "AccessDenied"
        | "AccessDeniedException"
        | "UnauthorizedOperation"
        | "UnauthorizedException"
        | "AuthorizationError"
        | "Forbidden" => Failure::Call(format!("access denied ({code}): {message}")),
        "Throttling"
        | "ThrottlingException"
        | "TooManyRequestsException"
        | "RequestLimitExceeded"
        | "SlowDown" => Failure::Call(format!("throttled after retries ({code})")),
        "" => Failure::Call(message),
        other => Failure::Call(format!("{other}: {message}")),
    }
}

/// What every collector gets: the session of one account and region.
#[derive(Clone)]
pub struct Scope {
    pub config: SdkConfig,
    pub account: String,
    pub region: Option<String>,
    /// Every region the run reads: what is read in one need not be read in another.
    pub regions: Arc<[String]>,
    pub calls: CallLog,
    limit: Arc<Semaphore>,
    /// Set by the first call that finds the credentials unusable: the run stops.
    credentials: Arc<Mutex<Option<String>>>,
}

impl Scope {
    /// A scope for one account and region: what tests build around a client of their own.
    pub fn new(
        config: SdkConfig,
        account: &str,
        region: Option<&str>,
        max_concurrency: usize,
    ) -> Scope {
        Scope {
            config,
            account: account.to_string(),
            region: region.map(str::to_string),
            regions: region.map(str::to_string).into_iter().collect(),
            calls: CallLog::default(),
            limit: Arc::new(Semaphore::new(max_concurrency.max(1))),
            credentials: Arc::default(),
        }
    }

    /// Runs one call under the concurrency bound. `Err` carries what to record.
    pub async fn call<T, E, F>(&self, f: F) -> Result<T, String>
    where
        F: std::future::Future<Output = Result<T, SdkError<E, HttpResponse>>>,
        E: ProvideErrorMetadata + std::error::Error + 'static,
    {
        let _permit = self.limit.acquire().await;
        match f.await {
            Ok(v) => Ok(v),
            Err(e) => match classify(&e) {
                Failure::Credentials(m) => {
                    if let Ok(mut c) = self.credentials.lock() {
                        c.get_or_insert(m.clone());
                    }
                    Err(m)
                }
                Failure::Call(m) => Err(m),
            },
        }
    }

    /// Runs one call whose "not found" errors (`codes`) mean the thing is absent: `Ok(None)`.
    pub async fn call_optional<T, E, F>(&self, codes: &[&str], f: F) -> Result<Option<T>, String>
    where
        F: std::future::Future<Output = Result<T, SdkError<E, HttpResponse>>>,
        E: ProvideErrorMetadata + std::error::Error + 'static,
    {
        let _permit = self.limit.acquire().await;
        match f.await {
            Ok(v) => Ok(Some(v)),
            Err(e) if e.code().is_some_and(|c| codes.contains(&c)) => Ok(None),
            Err(e) => match classify(&e) {
                Failure::Credentials(m) => {
                    if let Ok(mut c) = self.credentials.lock() {
                        c.get_or_insert(m.clone());
                    }
                    Err(m)
                }
                Failure::Call(m) => Err(m),
            },
        }
    }

    /// The region name, or `us-east-1` for global services.
    pub fn region_name(&self) -> &str {
        self.region.as_deref().unwrap_or("us-east-1")
    }

    /// The same session in another region.
    pub fn in_region(&self, region: &str) -> Scope {
        let mut s = self.clone();
        s.config = self
            .config
            .to_builder()
            .region(Region::new(region.to_string()))
            .build();
        s.region = Some(region.to_string());
        s
    }

    /// The endpoint override (`AWS_ENDPOINT_URL`, `endpoint_url` of the profile), if any: an
    /// emulator or proxy, where S3 needs path-style addressing and S3 Control a fixed host.
    pub fn endpoint_override(&self) -> Option<&str> {
        self.config.endpoint_url()
    }
}

/// Clients of one service for a scope, with the call log.
macro_rules! client {
    ($crate_name:ident, $scope:expr) => {{
        let conf = $crate_name::config::Builder::from(&$scope.config)
            .interceptor($scope.calls.clone())
            .build();
        $crate_name::Client::from_conf(conf)
    }};
}
pub(crate) use client;

/// Loads the session: profile, role, retries and timeouts.
pub async fn session(options: &LiveOptions, region: Option<&str>) -> Result<SdkConfig, LiveError> {
    let mut loader = aws_config::defaults(BehaviorVersion::latest())
        .retry_config(RetryConfig::adaptive().with_max_attempts(options.max_attempts.max(1)))
        .timeout_config(
            TimeoutConfig::builder()
                .operation_attempt_timeout(options.attempt_timeout)
                .operation_timeout(options.attempt_timeout * (options.max_attempts.max(1) + 1))
                .build(),
        );
    if let Some(p) = &options.profile {
        loader = loader.profile_name(p);
    }
    if let Some(r) = region {
        loader = loader.region(Region::new(r.to_string()));
    }
    let config = loader.load().await;
    let Some(role) = &options.role_arn else {
        return Ok(config);
    };
    assume(&config, role).await
}

/// The session with a role assumed.
pub async fn assume(config: &SdkConfig, role: &str) -> Result<SdkConfig, LiveError> {
    use aws_credential_types::provider::ProvideCredentials;
    let provider = aws_config::sts::AssumeRoleProvider::builder(role)
        .session_name("ailint")
        .configure(config)
        .build()
        .await;
    provider
        .provide_credentials()
        .await
        .map_err(|e| LiveError::AssumeRole {
            role: role.to_string(),
            message: error_chain(&e),
        })?;
    Ok(config
        .to_builder()
        .credentials_provider(
            aws_credential_types::provider::SharedCredentialsProvider::new(provider),
        )
        .build())
}

/// An error with its sources, which is where the SDK says what happened.
pub fn error_chain(e: &dyn std::error::Error) -> String {
    let mut out = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        let text = s.to_string();
        if !out.contains(&text) {
            out.push_str(": ");
            out.push_str(&text);
        }
        source = s.source();
    }
    out
}

/// Everything collected from one account.
pub struct Collection {
    pub account: String,
    pub account_name: Option<String>,
    pub regions: Vec<String>,
    pub batch: Batch,
    pub calls: Vec<Call>,
}

/// What a live read gives: one collection per account, and every operation called.
pub struct LiveRun {
    pub collections: Vec<Collection>,
    pub calls: Vec<Call>,
}

/// Reads the account of the credentials, or with `org_role_name` every account of the
/// organization (in the shard), concurrently under one bound on calls in flight.
pub async fn collect(options: &LiveOptions) -> Result<LiveRun, LiveError> {
    let config = session(options, options.regions.first().map(String::as_str)).await?;
    collect_with(config, options).await
}

/// [`collect`] with a session of the caller's (tests build one around an emulator).
pub async fn collect_with(config: SdkConfig, options: &LiveOptions) -> Result<LiveRun, LiveError> {
    let limit = Arc::new(Semaphore::new(options.max_concurrency.max(1)));
    let Some(role_name) = &options.org_role_name else {
        let c = collect_account(config, options, None, limit).await?;
        let calls = c.calls.clone();
        return Ok(LiveRun {
            collections: vec![c],
            calls,
        });
    };
    let mut base = Scope::new(config.clone(), "", None, options.max_concurrency);
    base.limit = limit.clone();
    let caller = sts::caller(&base).await?;
    let accounts = shard(organizations::accounts(&base).await?, options.shard);
    let progress = options.progress && accounts.len() > 1;
    let mut tasks = tokio::task::JoinSet::new();
    for (id, name) in accounts {
        let role = format!("arn:{}:iam::{id}:role/{role_name}", caller.partition);
        let (config, limit) = (config.clone(), limit.clone());
        let options = LiveOptions {
            progress: false,
            ..options.clone()
        };
        tasks.spawn(async move {
            let reached = match assume(&config, &role).await {
                Ok(assumed) => collect_account(assumed, &options, Some(name.clone()), limit)
                    .await
                    .map_err(|e| e.to_string()),
                Err(e) => Err(e.to_string()),
            };
            reached.unwrap_or_else(|reason| Collection::unreachable(&id, name, &options, &reason))
        });
    }
    let mut collections = Vec::new();
    let total = tasks.len();
    while let Some(done) = tasks.join_next().await {
        if let Ok(c) = done {
            collections.push(c);
            if progress {
                eprint!("\raccounts: {}/{total}\x1b[K", collections.len());
            }
        }
    }
    if progress {
        eprintln!();
    }
    collections.sort_by(|a, b| a.account.cmp(&b.account));
    let mut calls = base.calls.calls();
    calls.extend(collections.iter().flat_map(|c| c.calls.iter().cloned()));
    Ok(LiveRun { collections, calls })
}

/// The accounts of shard `(i, n)`: every n-th account from the i-th, in id order, so
/// shards are disjoint and together cover the organization.
pub fn shard(
    mut accounts: Vec<(String, String)>,
    shard: Option<(usize, usize)>,
) -> Vec<(String, String)> {
    accounts.sort();
    let Some((i, n)) = shard else { return accounts };
    accounts
        .into_iter()
        .enumerate()
        .filter(|(k, _)| n > 0 && k % n == i.saturating_sub(1))
        .map(|(_, a)| a)
        .collect()
}

/// Every type the collectors read: what an unreachable account leaves not collected.
pub const TYPES: &[&str] = &[
    "AWS::Bedrock::Agent",
    "AWS::Bedrock::CustomModel",
    "AWS::Bedrock::DataSource",
    "AWS::Bedrock::Guardrail",
    "AWS::Bedrock::InferenceProfile",
    "AWS::Bedrock::KnowledgeBase",
    "AWS::Bedrock::ModelInvocationLogging",
    "AWS::BedrockAgentCore::Runtime",
    "AWS::CloudTrail::Trail",
    "AWS::EC2::VPC",
    "AWS::EC2::VPCEndpoint",
    "AWS::IAM::Policy",
    "AWS::IAM::Role",
    "AWS::KMS::Key",
    "AWS::LakeFormation::DataLakeSettings",
    "AWS::LakeFormation::Permissions",
    "AWS::LakeFormation::Resource",
    "AWS::OpenSearchServerless::AccessPolicy",
    "AWS::OpenSearchServerless::Collection",
    "AWS::OpenSearchServerless::SecurityPolicy",
    "AWS::OpenSearchService::Domain",
    "AWS::Organizations::EffectivePolicy",
    "AWS::S3::AccountPublicAccessBlock",
    "AWS::S3::Bucket",
    "AWS::SageMaker::Domain",
    "AWS::SageMaker::Endpoint",
    "AWS::SageMaker::EndpointConfig",
    "AWS::SageMaker::Model",
    "AWS::SageMaker::ModelPackage",
    "AWS::SageMaker::MonitoringSchedule",
    "AWS::SageMaker::NotebookInstance",
    "AWS::SageMaker::TrainingJob",
    "AWS::SecretsManager::Secret",
];

impl Collection {
    /// An account that could not be read at all: everything in it is not collected.
    fn unreachable(account: &str, name: String, options: &LiveOptions, reason: &str) -> Collection {
        let mut batch = Batch::default();
        batch.miss(None, TYPES, "sts:AssumeRole", reason.to_string());
        Collection {
            account: account.to_string(),
            account_name: Some(name),
            regions: options.regions.clone(),
            batch,
            calls: Vec::new(),
        }
    }
}

/// Reads one account: every collector in every region, concurrently, at most `limit`
/// calls in flight.
pub async fn collect_account(
    config: SdkConfig,
    options: &LiveOptions,
    account_name: Option<String>,
    limit: Arc<Semaphore>,
) -> Result<Collection, LiveError> {
    let calls = CallLog::default();
    let credentials = Arc::new(Mutex::new(None));
    let mut global = Scope {
        config: config.clone(),
        account: String::new(),
        region: None,
        regions: Arc::from([]),
        calls: calls.clone(),
        limit,
        credentials: credentials.clone(),
    };
    let account = sts::caller(&global).await?.account;
    global.account = account.clone();

    let regions = regions(&global, options).await?;
    global.regions = regions.iter().cloned().collect();
    let progress = Progress::new(
        options.progress,
        regions.len() * REGIONAL.len() + GLOBAL.len(),
    );

    let mut tasks = tokio::task::JoinSet::new();
    for region in &regions {
        for (name, collector) in REGIONAL {
            let scope = global.in_region(region);
            let progress = progress.clone();
            tasks.spawn(async move {
                let batch = collector(scope).await;
                progress.done(name);
                batch
            });
        }
    }
    for (name, collector) in GLOBAL {
        let scope = global.in_region(regions.first().map_or("us-east-1", String::as_str));
        let progress = progress.clone();
        tasks.spawn(async move {
            let batch = collector(scope).await;
            progress.done(name);
            batch
        });
    }
    let mut batch = Batch::default();
    while let Some(done) = tasks.join_next().await {
        match done {
            Ok(b) => batch.extend(b),
            Err(e) => batch.miss(None, &[], "ailint", format!("a collector failed: {e}")),
        }
    }
    ec2::place_in_vpcs(&mut batch);
    // Keys last: only the keys that AI resources refer to are read.
    let keys = kms::collect_referenced(&global, &batch.resources, &regions).await;
    batch.extend(keys);
    progress.finish();
    if let Some(message) = credentials.lock().ok().and_then(|c| c.clone()) {
        return Err(LiveError::Credentials(message));
    }
    Ok(Collection {
        account,
        account_name,
        regions,
        batch,
        calls: calls.calls(),
    })
}

pub type Collector =
    fn(Scope) -> std::pin::Pin<Box<dyn std::future::Future<Output = Batch> + Send>>;

/// Collectors of regional services.
pub const REGIONAL: &[(&str, Collector)] = &[
    ("sagemaker", |s| Box::pin(sagemaker::collect(s))),
    ("bedrock", |s| Box::pin(bedrock::collect(s))),
    ("bedrock-agent", |s| Box::pin(bedrockagent::collect(s))),
    ("bedrock-agentcore", |s| Box::pin(agentcore::collect(s))),
    ("ec2", |s| Box::pin(ec2::collect(s))),
    ("opensearch", |s| Box::pin(opensearch::collect(s))),
    ("opensearch-serverless", |s| {
        Box::pin(opensearchserverless::collect(s))
    }),
    ("cloudtrail", |s| Box::pin(cloudtrail::collect(s))),
    ("lakeformation", |s| Box::pin(lakeformation::collect(s))),
];

/// Runs one service's collector (`sagemaker`, `bedrock`, `s3`, ...: the names of
/// [`REGIONAL`] and [`GLOBAL`]) on a scope: what tests use to drive a collector with a
/// client of their own.
pub async fn collect_service(name: &str, scope: Scope) -> Option<Batch> {
    let (_, collector) = REGIONAL.iter().chain(GLOBAL).find(|(n, _)| *n == name)?;
    let mut batch = collector(scope).await;
    ec2::place_in_vpcs(&mut batch);
    Some(batch)
}

/// Collectors of global services (read once per account).
pub const GLOBAL: &[(&str, Collector)] = &[
    ("iam", |s| Box::pin(iam::collect(s))),
    ("s3", |s| Box::pin(s3::collect(s))),
    ("s3control", |s| Box::pin(s3control::collect(s))),
    ("organizations", |s| Box::pin(organizations::collect(s))),
];

async fn regions(scope: &Scope, options: &LiveOptions) -> Result<Vec<String>, LiveError> {
    let mut out: Vec<String> = if options.all_regions {
        ec2::enabled_regions(scope)
            .await
            .map_err(LiveError::Regions)?
    } else if !options.regions.is_empty() {
        options.regions.clone()
    } else {
        match scope.config.region() {
            Some(r) => vec![r.to_string()],
            None => return Err(LiveError::NoRegion),
        }
    };
    out.sort();
    out.dedup();
    Ok(out)
}

/// The inventory of one or more collections, deterministic: resources sorted by type and
/// id, each account named.
pub fn inventory(collections: &[Collection], collected_at: &str) -> Value {
    let mut accounts = Vec::new();
    let mut resources: Vec<(String, String, Value)> = Vec::new();
    let mut not_collected = Vec::new();
    for c in collections {
        let mut account = Map::new();
        account.insert("id".into(), json!(c.account));
        if let Some(n) = &c.account_name {
            account.insert("name".into(), json!(n));
        }
        accounts.push(Value::Object(account));
        for r in &c.batch.resources {
            resources.push((r.type_name.to_string(), r.id.clone(), r.to_json(&c.account)));
        }
        let mut missed = c.batch.missed.clone();
        missed.sort();
        missed.dedup();
        for m in missed {
            let mut n = Map::new();
            n.insert("account".into(), json!(c.account));
            if let Some(r) = &m.region {
                n.insert("region".into(), json!(r));
            }
            n.insert("types".into(), json!(m.types));
            n.insert("operation".into(), json!(m.operation));
            n.insert("reason".into(), json!(m.reason));
            not_collected.push(Value::Object(n));
        }
    }
    resources.sort_by(|a, b| (&a.0, &a.1).cmp(&(&b.0, &b.1)));
    // The same resource seen twice (a multi-region trail in each region, a bucket) is one.
    resources.dedup_by(|a, b| a.0 == b.0 && a.1 == b.1);
    json!({
        "format": super::inventory::FORMAT,
        "generator": format!("ailint {}", crate::VERSION),
        "collectedAt": collected_at,
        "accounts": accounts,
        "resources": resources.into_iter().map(|(_, _, v)| v).collect::<Vec<_>>(),
        "notCollected": not_collected,
    })
}

/// A count of finished collectors on stderr, when it is a terminal.
#[derive(Clone)]
struct Progress {
    on: bool,
    total: usize,
    done: Arc<std::sync::atomic::AtomicUsize>,
}

impl Progress {
    fn new(on: bool, total: usize) -> Progress {
        Progress {
            on,
            total,
            done: Arc::default(),
        }
    }

    fn done(&self, what: &str) {
        let n = self.done.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
        if self.on {
            eprint!("\rcollecting: {n}/{} ({what})\x1b[K", self.total);
        }
    }

    fn finish(&self) {
        if self.on {
            eprintln!("\rcollecting: done\x1b[K");
        }
    }
}

/// A timestamp for `collectedAt` (UTC, seconds).
pub fn now_rfc3339() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64);
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    // Civil from days (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

/// Tags as the APIs return them (key/value pairs) into a map.
pub fn tag_map<'a>(
    pairs: impl IntoIterator<Item = (&'a str, &'a str)>,
) -> BTreeMap<String, String> {
    pairs
        .into_iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

/// A JSON document an API returned as a string (URL-encoded or not), kept as given: the
/// derivations parse it.
pub fn document_string(s: Option<&str>) -> Option<Value> {
    s.filter(|s| !s.is_empty())
        .map(|s| Value::String(s.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_are_utc_rfc3339() {
        let t = now_rfc3339();
        assert_eq!(t.len(), 20, "{t}");
        assert!(t.starts_with("20") && t.ends_with('Z'));
    }

    #[test]
    fn found_resources_serialize_as_inventory_resources() {
        let mut f = Found::new(
            "AWS::SageMaker::NotebookInstance",
            "arn:x",
            Some("us-east-1"),
        )
        .name("nb");
        f.set("directInternetAccess", Some("Disabled"));
        f.set("kmsKey", None::<&str>);
        f.unknown(&["rootAccess"], "denied");
        assert_eq!(
            f.to_json("111122223333"),
            json!({"type": "AWS::SageMaker::NotebookInstance", "id": "arn:x", "name": "nb",
                   "account": "111122223333", "region": "us-east-1",
                   "attributes": {"directInternetAccess": "Disabled"},
                   "unknown": [{"path": "rootAccess", "reason": "denied"}]})
        );
    }
}
