//! Facts the rules need but Cedar cannot compute: it has no quantifiers, so "some statement
//! denies non-TLS requests" or "some trail logs management events" is computed here, once,
//! as a plain attribute (`@derived` in the schema). What a derivation reads is unknown makes
//! what it derives unknown.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Arc;

use serde_json::Value as Json;

use super::policy_document::{self, Statement};
use super::value::{Record, Value};
use super::{AccountInfo, Location, Model, Resource, Unknown};

pub(super) fn derive(model: &mut Model, accounts: &[AccountInfo]) {
    buckets(model);
    keys(model);
    tag_keys(model);
    public_access_blocks(model);
    vpcs(model);
    vpc_endpoint_policies(model);
    serverless_collections(model);
    serverless_access_policies(model);
    guardrails(model);
    sagemaker(model);
    trails(model);
    object_data_events(model);
    opt_out_policies(model);
    lake_formation(model);
    iam_statements(model);
    roles(model);
    agents(model);
    accounts_and_regions(model, accounts);
}

/// Sets a derived attribute, or marks it unknown with the reason.
fn set(r: &mut Resource, attr: &'static str, value: Result<Value, String>) {
    match value {
        Ok(v) => {
            r.attributes.insert(attr, v);
        }
        Err(reason) => r.unknown.push(Unknown {
            path: attr.to_string(),
            reason,
        }),
    }
}

/// Why resources of `types` may be missing from the model in an account (and region, when
/// given): a read that failed there. A derived fact that only those resources could make
/// true is then unknown, never false.
fn not_collected_reason(
    model: &Model,
    types: &[&str],
    account: Option<&str>,
    region: Option<&str>,
) -> Option<String> {
    model
        .not_collected
        .iter()
        .find(|n| {
            n.types.iter().any(|t| types.contains(&t.as_str()))
                && (n.account.is_none() || account.is_none() || n.account.as_deref() == account)
                && (n.region.is_none() || region.is_none() || n.region.as_deref() == region)
        })
        .map(|n| format!("{} was not collected: {}", n.operation, n.reason))
}

/// Why an input fact is unknown, if it is.
fn unknown_reason(r: &Resource, path: &str) -> Option<String> {
    r.unknown_for(path)
        .map(|u| format!("`{}` is unknown: {}", u.path, u.reason))
}

fn str_attr<'a>(r: &'a Resource, attr: &str) -> Option<&'a str> {
    r.attributes.get(attr).and_then(Value::as_str)
}

fn bool_attr(r: &Resource, attr: &str) -> Option<bool> {
    r.attributes.get(attr).and_then(Value::as_bool)
}

fn string_set(v: Option<&Value>) -> BTreeSet<String> {
    v.and_then(Value::as_set)
        .map(|items| {
            items
                .iter()
                .filter_map(Value::as_str)
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default()
}

/// The strings of a JSON array (documents are JSON).
fn json_strings(v: Option<&Json>) -> Vec<String> {
    v.and_then(Json::as_array)
        .map(|items| {
            items
                .iter()
                .filter_map(Json::as_str)
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default()
}

type Scope = (Option<Arc<str>>, Option<Arc<str>>);

fn scope(r: &Resource) -> Scope {
    (r.account.clone(), r.region.clone())
}

/// A parsed document of a resource: `Ok(None)` when absent, `Err` when unknown or unreadable.
fn document(r: &Resource, name: &str) -> Result<Option<Json>, String> {
    if let Some(reason) = unknown_reason(r, &format!("documents.{name}")) {
        return Err(reason);
    }
    r.documents.parsed(name).transpose()
}

// ---------------------------------------------------------------------------------------
// S3 buckets: TLS enforcement from the bucket policy, AI use from references.

fn bucket_name(r: &Resource) -> &str {
    r.id.strip_prefix("arn:aws:s3:::")
        .or(r.name.as_deref())
        .unwrap_or(&r.id)
}

fn s3_bucket_of(uri: &str) -> Option<&str> {
    uri.strip_prefix("s3://")
        .map(|rest| rest.split('/').next().unwrap_or(rest))
        .filter(|b| !b.is_empty())
}

/// The types whose S3 URIs (or bucket names) make a bucket hold AI data.
const AI_DATA_REFERRERS: [&str; 4] = [
    "AWS::SageMaker::Model",
    "AWS::SageMaker::EndpointConfig",
    "AWS::SageMaker::TrainingJob",
    INVOCATION_LOGGING,
];

const INVOCATION_LOGGING: &str = "AWS::Bedrock::ModelInvocationLogging";

/// Bucket names some resources write to, and the accounts where a referrer's value is
/// unknown or referrers were not read: any other bucket there might be written to.
#[derive(Default)]
struct BucketUse {
    names: BTreeSet<String>,
    uncertain: BTreeMap<Option<Arc<str>>, String>,
}

impl BucketUse {
    fn judge(&self, r: &Resource, what: &str) -> Result<Value, String> {
        let used = self.names.contains(bucket_name(r));
        match self.uncertain.get(&r.account) {
            Some(reason) if !used => Err(format!("whether {what} is unknown: {reason}")),
            _ => Ok(Value::Bool(used)),
        }
    }
}

fn buckets(model: &mut Model) {
    let mut ai = BucketUse::default();
    let mut logs = BucketUse::default();
    for r in &model.resources {
        let (path, bucket) = match r.type_name {
            "AWS::SageMaker::Model" => ("modelDataUrl", str_attr(r, "modelDataUrl")),
            "AWS::SageMaker::EndpointConfig" => (
                "dataCapture",
                r.attributes
                    .get("dataCapture")
                    .and_then(|d| d.get("destinationS3Uri"))
                    .and_then(Value::as_str),
            ),
            "AWS::SageMaker::TrainingJob" => ("outputS3Uri", str_attr(r, "outputS3Uri")),
            // The logging configuration names the bucket itself, not a URI.
            INVOCATION_LOGGING => ("s3Bucket", str_attr(r, "s3Bucket")),
            _ => continue,
        };
        let bucket = if r.type_name == INVOCATION_LOGGING {
            bucket.filter(|b| !b.is_empty())
        } else {
            bucket.and_then(s3_bucket_of)
        };
        let unknown =
            unknown_reason(r, path).map(|reason| format!("`{}`: {reason}", r.display_name()));
        let mut users = vec![&mut ai];
        if r.type_name == INVOCATION_LOGGING {
            users.push(&mut logs);
        }
        for u in users {
            if let Some(reason) = &unknown {
                u.uncertain
                    .entry(r.account.clone())
                    .or_insert_with(|| reason.clone());
            }
            u.names.extend(bucket.map(str::to_string));
        }
    }
    let accounts: BTreeSet<Option<Arc<str>>> = model
        .resources
        .iter()
        .filter(|r| r.type_name == "AWS::S3::Bucket")
        .map(|r| r.account.clone())
        .collect();
    for acct in accounts {
        if let Some(reason) = not_collected_reason(model, &AI_DATA_REFERRERS, acct.as_deref(), None)
        {
            ai.uncertain.entry(acct.clone()).or_insert(reason);
        }
        if let Some(reason) =
            not_collected_reason(model, &[INVOCATION_LOGGING], acct.as_deref(), None)
        {
            logs.uncertain.entry(acct).or_insert(reason);
        }
    }
    use rayon::prelude::*;
    // Bucket policies are independent: parse them in parallel.
    model.resources.par_iter_mut().for_each(|r| {
        if r.type_name != "AWS::S3::Bucket" {
            return;
        }
        set(
            r,
            "aiData",
            ai.judge(r, "an AI resource stores data in the bucket"),
        );
        set(
            r,
            "invocationLogs",
            logs.judge(r, "model invocation logs are delivered to the bucket"),
        );
        let tls = match document(r, "policy") {
            Err(reason) => Err(reason),
            Ok(None) => Ok((false, false)),
            Ok(Some(doc)) => policy_document::parse(&doc)
                .map_err(|e| format!("the bucket policy cannot be read: {e}"))
                .and_then(|statements| tls_denials(&statements)),
        };
        set(
            r,
            "deniesInsecureTransport",
            tls.clone().map(|t| Value::Bool(t.0)),
        );
        set(r, "deniesTlsBelow12", tls.map(|t| Value::Bool(t.1)));
        let access = match document(r, "policy") {
            Err(reason) => Err(reason),
            Ok(None) => Ok((false, false)),
            Ok(Some(doc)) => policy_document::parse(&doc)
                .map_err(|e| format!("the bucket policy cannot be read: {e}"))
                .and_then(|statements| bucket_access(&statements, r.account.as_deref())),
        };
        set(
            r,
            "allowsOutsidePrincipals",
            access.clone().map(|a| Value::Bool(a.0)),
        );
        set(
            r,
            "allowsServiceWithoutSourceCondition",
            access.map(|a| Value::Bool(a.1)),
        );
    });
}

/// (denies non-TLS, denies TLS below 1.2) for a bucket policy. A statement whose
/// effect, principal, action or condition is unknown could be either; it makes a fact
/// unknown unless a known statement settles it. Unknown resources do not matter here.
fn tls_denials(statements: &[Statement]) -> Result<(bool, bool), String> {
    let blanket_deny = |s: &&Statement| {
        !s.allow
            && s.applies_to_everyone()
            && s.covers_action("s3:getobject")
            && s.covers_action("s3:putobject")
    };
    let insecure = |s: &Statement| {
        s.condition_values("Bool", "aws:SecureTransport")
            .iter()
            .any(|v| v.eq_ignore_ascii_case("false"))
    };
    let old_tls = |s: &Statement| {
        s.condition_values("NumericLessThan", "s3:TlsVersion")
            .iter()
            .any(|v| v.parse::<f64>().is_ok_and(|min| min >= 1.2))
    };
    let (known, unknown): (Vec<&Statement>, Vec<&Statement>) =
        statements.iter().partition(|s| s.unknown_terms.is_none());
    let fact = |holds: &dyn Fn(&Statement) -> bool| -> Result<bool, String> {
        if known.iter().any(|s| blanket_deny(s) && holds(s)) {
            return Ok(true);
        }
        match unknown.first().and_then(|s| s.unknown_terms.clone()) {
            Some(reason) => Err(format!(
                "a statement of the bucket policy is not known: {reason}"
            )),
            None => Ok(false),
        }
    };
    Ok((fact(&insecure)?, fact(&old_tls)?))
}

// ---------------------------------------------------------------------------------------
// VPCs: AI placement and private endpoints.

/// `com.amazonaws.us-east-1.bedrock-runtime` → `bedrock-runtime`.
fn endpoint_service_suffix(service_name: &str) -> String {
    let mut parts = service_name.splitn(4, '.');
    match (parts.next(), parts.next(), parts.next(), parts.next()) {
        (Some("com" | "cn"), Some("amazonaws"), Some(_region), Some(rest)) => rest.to_string(),
        _ => service_name.to_string(),
    }
}

fn vpcs(model: &mut Model) {
    const PLACED: [&str; 4] = [
        "AWS::SageMaker::NotebookInstance",
        "AWS::SageMaker::Domain",
        "AWS::SageMaker::Model",
        "AWS::OpenSearchService::Domain",
    ];
    let mut workload: BTreeSet<String> = BTreeSet::new();
    let mut services: HashMap<String, BTreeSet<String>> = HashMap::new();
    // An endpoint whose placement or settings are unknown makes every VPC of its account
    // and region uncertain.
    let mut uncertain: HashMap<Scope, String> = HashMap::new();
    for r in &model.resources {
        if PLACED.contains(&r.type_name) {
            if let Some(vpc) = str_attr(r, "vpc") {
                workload.insert(vpc.to_string());
            }
        }
        if r.type_name != "AWS::EC2::VPCEndpoint" {
            continue;
        }
        if let Some(reason) = [
            "vpc",
            "serviceName",
            "vpcEndpointType",
            "privateDnsEnabled",
            "state",
        ]
        .iter()
        .find_map(|p| unknown_reason(r, p))
        {
            uncertain
                .entry(scope(r))
                .or_insert(format!("VPC endpoint `{}`: {reason}", r.display_name()));
            continue;
        }
        let usable = str_attr(r, "vpcEndpointType") == Some("Interface")
            && bool_attr(r, "privateDnsEnabled") == Some(true)
            && str_attr(r, "state").is_some_and(|s| s.eq_ignore_ascii_case("available"));
        if let (true, Some(vpc), Some(service)) =
            (usable, str_attr(r, "vpc"), str_attr(r, "serviceName"))
        {
            services
                .entry(vpc.to_string())
                .or_default()
                .insert(endpoint_service_suffix(service));
        }
    }
    // Where placed resources were not read, or their VPC is unknown, any VPC might host AI.
    let mut placement_unknown: HashMap<Scope, String> = HashMap::new();
    for r in &model.resources {
        if PLACED.contains(&r.type_name) {
            if let Some(reason) = unknown_reason(r, "vpc") {
                placement_unknown
                    .entry(scope(r))
                    .or_insert(format!("`{}`: {reason}", r.display_name()));
            }
        }
    }
    let vpc_scopes: BTreeSet<Scope> = model
        .resources
        .iter()
        .filter(|r| r.type_name == "AWS::EC2::VPC")
        .map(scope)
        .collect();
    for sc in vpc_scopes {
        if let Some(reason) = not_collected_reason(model, &PLACED, sc.0.as_deref(), sc.1.as_deref())
        {
            placement_unknown.entry(sc).or_insert(reason);
        }
    }
    for r in model
        .resources
        .iter_mut()
        .filter(|r| r.type_name == "AWS::EC2::VPC")
    {
        let ai = workload.contains(&*r.id);
        let ai = match placement_unknown.get(&scope(r)) {
            Some(reason) if !ai => Err(format!(
                "whether AI resources run in the VPC is unknown: {reason}"
            )),
            _ => Ok(Value::Bool(ai)),
        };
        set(r, "aiWorkload", ai);
        let value = match uncertain.get(&scope(r)) {
            Some(reason) => Err(reason.clone()),
            None => Ok(Value::strings(services.remove(&*r.id).unwrap_or_default())),
        };
        set(r, "privateEndpointServices", value);
    }
}

// ---------------------------------------------------------------------------------------
// Guardrails: PII coverage and content-filter levels.

fn strength_level(s: &str) -> i64 {
    match s.to_ascii_uppercase().as_str() {
        "LOW" => 1,
        "MEDIUM" => 2,
        "HIGH" => 3,
        _ => 0,
    }
}

/// Whether a guardrail element blocks in `direction` (`input`/`output`): enabled (the
/// default) and with a blocking action (`BLOCK` by default, or `ANONYMIZE` for PII).
fn blocks(e: &Value, direction: &str, default_action: &str) -> bool {
    let enabled = e
        .get(&format!("{direction}Enabled"))
        .and_then(Value::as_bool)
        .unwrap_or(true);
    let action = e
        .get(&format!("{direction}Action"))
        .and_then(Value::as_str)
        .unwrap_or(default_action);
    enabled && matches!(action, "BLOCK" | "ANONYMIZE")
}

fn items<'a>(r: &'a Resource, attr: &str) -> impl Iterator<Item = &'a Value> {
    r.attributes
        .get(attr)
        .and_then(Value::as_set)
        .into_iter()
        .flatten()
}

fn type_of(e: &Value) -> Option<&str> {
    e.get("type").and_then(Value::as_str)
}

/// Content-filter types and the derived attribute that holds each one's levels.
const CONTENT_FILTERS: [(&str, &str); 6] = [
    ("HATE", "hateFilter"),
    ("INSULTS", "insultsFilter"),
    ("SEXUAL", "sexualFilter"),
    ("VIOLENCE", "violenceFilter"),
    ("MISCONDUCT", "misconductFilter"),
    ("PROMPT_ATTACK", "promptAttackFilter"),
];

fn guardrails(model: &mut Model) {
    for r in model
        .resources
        .iter_mut()
        .filter(|r| r.type_name == "AWS::Bedrock::Guardrail")
    {
        // A PII entity's per-direction action defaults to its `action`.
        let pii = match unknown_reason(r, "piiEntities") {
            Some(reason) => Err(reason),
            None => {
                let guarded: BTreeSet<&str> = items(r, "piiEntities")
                    .filter(|e| {
                        let action = e.get("action").and_then(Value::as_str).unwrap_or("NONE");
                        blocks(e, "input", action) && blocks(e, "output", action)
                    })
                    .filter_map(type_of)
                    .collect();
                Ok(Value::strings(guarded))
            }
        };
        set(r, "piiTypesGuarded", pii);

        for (kind, attr) in CONTENT_FILTERS {
            match unknown_reason(r, "contentFilters") {
                Some(reason) => set(r, attr, Err(reason)),
                None => {
                    let filter = items(r, "contentFilters")
                        .find(|f| type_of(f) == Some(kind))
                        .map(|f| {
                            let level = |direction: &str| {
                                if !blocks(f, direction, "BLOCK") {
                                    return 0;
                                }
                                let strength = f
                                    .get(&format!("{direction}Strength"))
                                    .and_then(Value::as_str);
                                strength_level(strength.unwrap_or(""))
                            };
                            Value::Record(Record::from_fields(vec![
                                ("inputLevel", Value::Long(level("input"))),
                                ("outputLevel", Value::Long(level("output"))),
                            ]))
                        });
                    if let Some(h) = filter {
                        r.attributes.insert(attr, h);
                    }
                }
            }
        }

        // A topic's type defaults to DENY, the only type the API has.
        let topics = match unknown_reason(r, "topics") {
            Some(reason) => Err(reason),
            None => {
                let denied: BTreeSet<&str> = items(r, "topics")
                    .filter(|t| t.get("type").and_then(Value::as_str).unwrap_or("DENY") == "DENY")
                    .filter(|t| blocks(t, "input", "BLOCK") && blocks(t, "output", "BLOCK"))
                    .filter_map(|t| t.get("name").and_then(Value::as_str))
                    .collect();
                Ok(Value::strings(denied))
            }
        };
        set(r, "deniedTopics", topics);

        let lists = match unknown_reason(r, "managedWordLists") {
            Some(reason) => Err(reason),
            None => {
                let enforced: BTreeSet<&str> = items(r, "managedWordLists")
                    .filter(|l| blocks(l, "input", "BLOCK") && blocks(l, "output", "BLOCK"))
                    .filter_map(type_of)
                    .collect();
                Ok(Value::strings(enforced))
            }
        };
        set(r, "enforcedWordLists", lists);

        match unknown_reason(r, "contextualGroundingFilters") {
            Some(reason) => {
                set(r, "groundingThreshold", Err(reason.clone()));
                set(r, "relevanceThreshold", Err(reason));
            }
            None => {
                for (kind, attr) in [
                    ("GROUNDING", "groundingThreshold"),
                    ("RELEVANCE", "relevanceThreshold"),
                ] {
                    let threshold = items(r, "contextualGroundingFilters")
                        .filter(|f| type_of(f) == Some(kind))
                        .filter(|f| {
                            f.get("enabled").and_then(Value::as_bool).unwrap_or(true)
                                && f.get("action").and_then(Value::as_str).unwrap_or("BLOCK")
                                    == "BLOCK"
                        })
                        .find_map(|f| f.get("threshold").cloned());
                    if let Some(t) = threshold {
                        r.attributes.insert(attr, t);
                    }
                }
            }
        }
    }
}

// ---------------------------------------------------------------------------------------
// SageMaker: model images, what endpoints serve and whether they are monitored.

/// Whether an image URI is in an ECR registry of `account`
/// (`<account>.dkr.ecr[-fips].<region>.amazonaws.com[.cn]/repo[:tag|@digest]`).
fn in_account_ecr(image: &str, account: &str) -> bool {
    let host = image.split('/').next().unwrap_or("");
    let Some(rest) = host.strip_prefix(account) else {
        return false;
    };
    let Some(rest) = rest
        .strip_prefix(".dkr.ecr.")
        .or_else(|| rest.strip_prefix(".dkr.ecr-fips."))
    else {
        return false;
    };
    let region = rest
        .strip_suffix(".amazonaws.com")
        .or_else(|| rest.strip_suffix(".amazonaws.com.cn"));
    image.contains('/')
        && region.is_some_and(|r| {
            !r.is_empty()
                && r.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        })
}

/// A three-valued fact: `Ok(false)` settles it whatever is unknown.
fn all_of(facts: impl IntoIterator<Item = Result<bool, String>>) -> Result<bool, String> {
    let mut unknown = None;
    for f in facts {
        match f {
            Ok(false) => return Ok(false),
            Ok(true) => {}
            Err(reason) => {
                unknown.get_or_insert(reason);
            }
        }
    }
    match unknown {
        Some(reason) => Err(reason),
        None => Ok(true),
    }
}

const SCHEDULE_NETWORK: [&str; 2] = [
    "enableNetworkIsolation",
    "enableInterContainerTrafficEncryption",
];

/// A schedule that runs a named job definition has that definition's network settings
/// and baseline; when a source did not read the definition they are unknown, not the
/// defaults. Runs before defaults are applied: the network settings are always recorded
/// once the definition is read, so their absence then says it was not, and an absent
/// baseline of a read definition means it has none.
pub(crate) fn unread_job_definition(r: &mut Resource) {
    if r.type_name != "AWS::SageMaker::MonitoringSchedule" {
        return;
    }
    let Some(def) = str_attr(r, "jobDefinitionName").map(str::to_string) else {
        return;
    };
    let read = SCHEDULE_NETWORK
        .iter()
        .any(|a| r.attributes.contains_key(a) || r.unknown_for(a).is_some());
    if read {
        return;
    }
    for attr in SCHEDULE_JOB {
        if !r.attributes.contains_key(attr) && r.unknown_for(attr).is_none() {
            set(
                r,
                attr,
                Err(format!(
                    "the schedule runs job definition `{def}`, whose settings are not in the inventory"
                )),
            );
        }
    }
}

/// What a monitoring schedule takes from the job definition it runs.
const SCHEDULE_JOB: [&str; 3] = [
    "enableNetworkIsolation",
    "enableInterContainerTrafficEncryption",
    "baselineConstraintsUri",
];

fn sagemaker(model: &mut Model) {
    // Whether each model serves an approved package; keyed by model id.
    let mut packages: HashMap<Arc<str>, Result<bool, String>> = HashMap::new();
    for r in model
        .resources
        .iter()
        .filter(|r| r.type_name == "AWS::SageMaker::ModelPackage")
    {
        let approved = match unknown_reason(r, "approvalStatus") {
            Some(reason) => Err(format!("`{}`: {reason}", r.display_name())),
            None => Ok(str_attr(r, "approvalStatus") == Some("Approved")),
        };
        packages.insert(r.id.clone(), approved);
    }
    let mut models: HashMap<Arc<str>, Result<bool, String>> = HashMap::new();
    for r in model
        .resources
        .iter()
        .filter(|r| r.type_name == "AWS::SageMaker::Model")
    {
        let approved = match unknown_reason(r, "modelPackage") {
            Some(reason) => Err(format!("`{}`: {reason}", r.display_name())),
            // A model that names no package was not taken from the registry.
            None => match str_attr(r, "modelPackage") {
                None => Ok(false),
                Some(p) => packages
                    .get(p)
                    .cloned()
                    .unwrap_or_else(|| Err(format!("model package `{p}` is not in the inventory"))),
            },
        };
        models.insert(r.id.clone(), approved);
    }
    let mut configs: HashMap<Arc<str>, Result<bool, String>> = HashMap::new();
    for r in model
        .resources
        .iter()
        .filter(|r| r.type_name == "AWS::SageMaker::EndpointConfig")
    {
        let approved = match unknown_reason(r, "models") {
            Some(reason) => Err(format!("`{}`: {reason}", r.display_name())),
            None => match r.attributes.get("models").and_then(Value::as_set) {
                None => Err(format!(
                    "the models of `{}` are not in the inventory",
                    r.display_name()
                )),
                Some(list) => all_of(list.iter().filter_map(Value::as_str).map(|m| {
                    models
                        .get(m)
                        .cloned()
                        .unwrap_or_else(|| Err(format!("model `{m}` is not in the inventory")))
                })),
            },
        };
        configs.insert(r.id.clone(), approved);
    }

    // Endpoints with a running (or declared) schedule; scopes where a schedule's endpoint
    // or status is unknown, or schedules were not read.
    let mut monitored: BTreeSet<String> = BTreeSet::new();
    let mut uncertain: BTreeMap<Scope, String> = BTreeMap::new();
    for r in model
        .resources
        .iter()
        .filter(|r| r.type_name == "AWS::SageMaker::MonitoringSchedule")
    {
        if let Some(reason) = ["endpoint", "status"]
            .iter()
            .find_map(|p| unknown_reason(r, p))
        {
            uncertain
                .entry(scope(r))
                .or_insert_with(|| format!("`{}`: {reason}", r.display_name()));
            continue;
        }
        // A schedule declared in a template has no status yet; it runs once created.
        let runs = str_attr(r, "status").is_none_or(|s| s == "Scheduled");
        if let (true, Some(e)) = (runs, str_attr(r, "endpoint")) {
            monitored.insert(e.to_string());
        }
    }
    let endpoint_scopes: BTreeSet<Scope> = model
        .resources
        .iter()
        .filter(|r| r.type_name == "AWS::SageMaker::Endpoint")
        .map(scope)
        .collect();
    for s in endpoint_scopes {
        if let Some(reason) = not_collected_reason(
            model,
            &["AWS::SageMaker::MonitoringSchedule"],
            s.0.as_deref(),
            s.1.as_deref(),
        ) {
            uncertain.entry(s).or_insert(reason);
        }
    }

    for r in model.resources.iter_mut() {
        match r.type_name {
            "AWS::SageMaker::Endpoint" => {
                let serves = match unknown_reason(r, "endpointConfig") {
                    Some(reason) => Err(reason),
                    None => match str_attr(r, "endpointConfig") {
                        None => Err("the endpoint configuration is not known".to_string()),
                        Some(c) => configs.get(c).cloned().unwrap_or_else(|| {
                            Err(format!(
                                "endpoint configuration `{c}` is not in the inventory"
                            ))
                        }),
                    },
                };
                set(r, "servesOnlyApprovedModels", serves.map(Value::Bool));
                let watched = monitored.contains(&*r.id);
                let watched = match uncertain.get(&scope(r)) {
                    Some(reason) if !watched => Err(format!(
                        "whether a monitoring schedule watches the endpoint is unknown: {reason}"
                    )),
                    _ => Ok(Value::Bool(watched)),
                };
                set(r, "hasScheduledMonitoring", watched);
            }
            "AWS::SageMaker::Model" => {
                if let Some(reason) = unknown_reason(r, "image") {
                    set(r, "imageInAccountEcr", Err(reason));
                } else if let Some(image) = str_attr(r, "image") {
                    // An image in no account's ECR registry is not in the model's, whatever
                    // that account is.
                    let ecr_account = image.split_once(".dkr.ecr").map(|(a, _)| a);
                    let fact = match (r.account.as_deref(), ecr_account) {
                        (Some(acct), _) => Ok(Value::Bool(in_account_ecr(image, acct))),
                        (None, Some(a)) if in_account_ecr(image, a) => Err(
                            "the model's account is unknown, so whether its ECR image is in that account is too"
                                .to_string(),
                        ),
                        (None, _) => Ok(Value::Bool(false)),
                    };
                    set(r, "imageInAccountEcr", fact);
                }
            }
            _ => {}
        }
    }
}

// ---------------------------------------------------------------------------------------
// CloudTrail: what each trail records, from its basic or advanced event selectors.

#[derive(Default, Clone)]
struct TrailFacts {
    reads: bool,
    writes: bool,
    /// Event sources whose management events are not recorded in both directions.
    excluded: BTreeSet<String>,
    /// Resource types recorded as data events without narrowing (all resources, names
    /// and directions).
    data_types: BTreeSet<String>,
}

/// One selector that records management events from every source it does not exclude.
#[derive(Default)]
struct ManagementSelector {
    reads: bool,
    writes: bool,
    not_equals: Vec<String>,
    not_starts_with: Vec<String>,
    not_ends_with: Vec<String>,
}

impl ManagementSelector {
    fn excludes(&self, source: &str) -> bool {
        self.not_equals.iter().any(|s| s == source)
            || self
                .not_starts_with
                .iter()
                .any(|p| source.starts_with(p.as_str()))
            || self
                .not_ends_with
                .iter()
                .any(|p| source.ends_with(p.as_str()))
    }
}

/// Every value of an operator over the field selectors named `name` (a field may be
/// written in more than one).
fn field_values<'a>(selector: &'a Json, name: &str, op: &str) -> Vec<&'a str> {
    selector
        .get("FieldSelectors")
        .and_then(Json::as_array)
        .into_iter()
        .flatten()
        .filter(|f| f.get("Field").and_then(Json::as_str) == Some(name))
        .filter_map(|f| f.get(op).and_then(Json::as_array))
        .flatten()
        .filter_map(Json::as_str)
        .collect()
}

fn field_names(selector: &Json) -> Vec<&str> {
    selector
        .get("FieldSelectors")
        .and_then(Json::as_array)
        .into_iter()
        .flatten()
        .filter_map(|f| f.get("Field").and_then(Json::as_str))
        .collect()
}

/// What a trail records. Selectors are combined with OR: an event is recorded when any
/// selector records it. A selector that narrows to some sources, names or resources
/// records only part of what a rule asks for, so it does not count as coverage.
fn trail_facts(r: &Resource) -> Result<TrailFacts, String> {
    let basic_doc = document(r, "eventSelectors")?;
    let advanced_doc = document(r, "advancedEventSelectors")?;
    if let Some(reason) = [&basic_doc, &advanced_doc]
        .iter()
        .find_map(|d| d.as_ref().and_then(policy_document::first_unknown))
    {
        return Err(format!("an event selector is not known: {reason}"));
    }
    let basic = basic_doc.as_ref().and_then(Json::as_array);
    let advanced = advanced_doc.as_ref().and_then(Json::as_array);
    let mut management: Vec<ManagementSelector> = Vec::new();
    let mut facts = TrailFacts::default();
    if basic.is_none() && advanced.is_none() {
        // A trail without selectors logs all management events, read and write.
        management.push(ManagementSelector {
            reads: true,
            writes: true,
            ..Default::default()
        });
    }
    for s in basic.into_iter().flatten() {
        let rw = s
            .get("ReadWriteType")
            .and_then(Json::as_str)
            .unwrap_or("All");
        let reads = matches!(rw, "All" | "ReadOnly");
        let writes = matches!(rw, "All" | "WriteOnly");
        if s.get("IncludeManagementEvents")
            .and_then(Json::as_bool)
            .unwrap_or(true)
        {
            let mut not_equals = json_strings(s.get("ExcludeManagementEventSources"));
            not_equals.sort();
            not_equals.dedup();
            management.push(ManagementSelector {
                reads,
                writes,
                not_equals,
                ..Default::default()
            });
        }
        if reads && writes {
            for d in s
                .get("DataResources")
                .and_then(Json::as_array)
                .into_iter()
                .flatten()
            {
                if let Some(t) = d.get("Type").and_then(Json::as_str) {
                    facts.data_types.insert(t.to_string());
                }
            }
        }
    }
    for s in advanced.into_iter().flatten() {
        let category = field_values(s, "eventCategory", "Equals");
        let names = field_names(s);
        if category.contains(&"Management") {
            let narrowed = names
                .iter()
                .any(|n| !matches!(*n, "eventCategory" | "readOnly" | "eventSource"))
                || ["Equals", "StartsWith", "EndsWith"]
                    .iter()
                    .any(|op| !field_values(s, "eventSource", op).is_empty());
            if narrowed {
                continue;
            }
            let read_only = field_values(s, "readOnly", "Equals");
            let owned = |op: &str| {
                field_values(s, "eventSource", op)
                    .into_iter()
                    .map(str::to_string)
                    .collect()
            };
            management.push(ManagementSelector {
                reads: read_only.is_empty() || read_only.contains(&"true"),
                writes: read_only.is_empty() || read_only.contains(&"false"),
                not_equals: owned("NotEquals"),
                not_starts_with: owned("NotStartsWith"),
                not_ends_with: owned("NotEndsWith"),
            });
        } else if category.contains(&"Data")
            && names
                .iter()
                .all(|n| matches!(*n, "eventCategory" | "resources.type"))
        {
            for t in field_values(s, "resources.type", "Equals") {
                facts.data_types.insert(t.to_string());
            }
        }
    }
    facts.reads = management.iter().any(|m| m.reads);
    facts.writes = management.iter().any(|m| m.writes);
    let candidates: BTreeSet<&str> = AI_EVENT_SOURCES
        .iter()
        .copied()
        .chain(
            management
                .iter()
                .flat_map(|m| m.not_equals.iter().map(String::as_str)),
        )
        .collect();
    for source in candidates {
        let recorded = |dir: fn(&ManagementSelector) -> bool| {
            management.iter().any(|m| dir(m) && !m.excludes(source))
        };
        if (facts.reads || facts.writes) && !(recorded(|m| m.reads) && recorded(|m| m.writes)) {
            facts.excluded.insert(source.to_string());
        }
    }
    Ok(facts)
}

fn trails(model: &mut Model) {
    for r in model
        .resources
        .iter_mut()
        .filter(|r| r.type_name == "AWS::CloudTrail::Trail")
    {
        let facts = trail_facts(r);
        set(
            r,
            "recordsManagementReadWrite",
            facts.clone().map(|f| Value::Bool(f.reads && f.writes)),
        );
        set(
            r,
            "excludedManagementEventSources",
            facts.clone().map(|f| Value::strings(f.excluded)),
        );
        set(
            r,
            "dataEventResourceTypes",
            facts.map(|f| Value::strings(f.data_types)),
        );
    }
}

// ---------------------------------------------------------------------------------------
// S3 object data events: whether the trails of a bucket's account record reads and writes
// of every object in it.

/// One selector that records S3 object data events, in the directions it records.
struct ObjectSelector {
    reads: bool,
    writes: bool,
    arns: ObjectArns,
}

enum ObjectArns {
    /// Basic `DataResources` values: ARN prefixes.
    Prefixes(Vec<String>),
    /// Advanced `resources.ARN` conditions; all empty when the selector has none.
    Conditions {
        positive: bool,
        starts_with: Vec<String>,
        not_equals: Vec<String>,
        not_starts_with: Vec<String>,
        not_ends_with: bool,
    },
}

impl ObjectSelector {
    /// Whether the selector records every object whose ARN starts with `prefix`
    /// (`arn:aws:s3:::bucket/`).
    fn covers(&self, prefix: &str) -> bool {
        match &self.arns {
            ObjectArns::Prefixes(values) => values.iter().any(|v| prefix.starts_with(v.as_str())),
            ObjectArns::Conditions {
                positive,
                starts_with,
                not_equals,
                not_starts_with,
                not_ends_with,
            } => {
                // Equals and EndsWith name some objects, never all of a bucket's.
                (!positive || starts_with.iter().any(|v| prefix.starts_with(v.as_str())))
                    && !not_starts_with
                        .iter()
                        .any(|v| prefix.starts_with(v.as_str()) || v.starts_with(prefix))
                    && !not_equals.iter().any(|v| v.starts_with(prefix))
                    && !not_ends_with
            }
        }
    }
}

/// The selectors of a trail that record S3 object data events. A trail has basic or
/// advanced selectors, never both; each kind is read as written.
fn object_selectors(r: &Resource) -> Result<Vec<ObjectSelector>, String> {
    let basic_doc = document(r, "eventSelectors")?;
    let advanced_doc = document(r, "advancedEventSelectors")?;
    if let Some(reason) = [&basic_doc, &advanced_doc]
        .iter()
        .find_map(|d| d.as_ref().and_then(policy_document::first_unknown))
    {
        return Err(format!("an event selector is not known: {reason}"));
    }
    let mut out = Vec::new();
    for s in basic_doc
        .as_ref()
        .and_then(Json::as_array)
        .into_iter()
        .flatten()
    {
        let rw = s
            .get("ReadWriteType")
            .and_then(Json::as_str)
            .unwrap_or("All");
        let values: Vec<String> = s
            .get("DataResources")
            .and_then(Json::as_array)
            .into_iter()
            .flatten()
            .filter(|d| d.get("Type").and_then(Json::as_str) == Some(S3_OBJECT))
            .flat_map(|d| json_strings(d.get("Values")))
            .collect();
        if !values.is_empty() {
            out.push(ObjectSelector {
                reads: matches!(rw, "All" | "ReadOnly"),
                writes: matches!(rw, "All" | "WriteOnly"),
                arns: ObjectArns::Prefixes(values),
            });
        }
    }
    for s in advanced_doc
        .as_ref()
        .and_then(Json::as_array)
        .into_iter()
        .flatten()
    {
        let data = field_values(s, "eventCategory", "Equals").contains(&"Data");
        let objects = field_values(s, "resources.type", "Equals").contains(&S3_OBJECT);
        // Any other field (eventName, userIdentity.arn, ...) records only some requests.
        let narrowed = field_names(s).iter().any(|n| {
            !matches!(
                *n,
                "eventCategory" | "resources.type" | "resources.ARN" | "readOnly"
            )
        });
        if !data || !objects || narrowed {
            continue;
        }
        let read_only = field_values(s, "readOnly", "Equals");
        let arn = |op: &str| -> Vec<String> {
            field_values(s, "resources.ARN", op)
                .into_iter()
                .map(str::to_string)
                .collect()
        };
        out.push(ObjectSelector {
            reads: read_only.is_empty() || read_only.contains(&"true"),
            writes: read_only.is_empty() || read_only.contains(&"false"),
            arns: ObjectArns::Conditions {
                positive: ["Equals", "StartsWith", "EndsWith"]
                    .iter()
                    .any(|op| !arn(op).is_empty()),
                starts_with: arn("StartsWith"),
                not_equals: arn("NotEquals"),
                not_starts_with: arn("NotStartsWith"),
                not_ends_with: !arn("NotEndsWith").is_empty(),
            },
        });
    }
    Ok(out)
}

const S3_OBJECT: &str = "AWS::S3::Object";
const TRAIL: &str = "AWS::CloudTrail::Trail";

/// The ARN prefix of every object of a bucket: `arn:<partition>:s3:::<bucket>/`.
fn object_prefix(r: &Resource) -> String {
    let partition =
        r.id.strip_prefix("arn:")
            .and_then(|rest| rest.split(':').next())
            .unwrap_or("aws");
    format!("arn:{partition}:s3:::{}/", bucket_name(r))
}

/// Accounts the inputs show only in part: every resource of them comes from a template or
/// configuration data.
fn partial_accounts(model: &Model) -> BTreeMap<Arc<str>, bool> {
    let mut partial: BTreeMap<Arc<str>, bool> = BTreeMap::new();
    for r in &model.resources {
        let Some(acct) = &r.account else { continue };
        let from_template = r.details.is_some();
        partial
            .entry(acct.clone())
            .and_modify(|p| *p &= from_template)
            .or_insert(from_template);
    }
    partial
}

fn object_data_events(model: &mut Model) {
    struct TrailView {
        account: Option<Arc<str>>,
        region: Option<Arc<str>>,
        name: String,
        multi_region: Result<bool, String>,
        logging: Result<bool, String>,
        selectors: Result<Vec<ObjectSelector>, String>,
    }
    let trails: Vec<TrailView> = model
        .resources
        .iter()
        .filter(|r| r.type_name == TRAIL)
        .map(|t| TrailView {
            account: t.account.clone(),
            region: t.region.clone(),
            name: t.display_name().to_string(),
            multi_region: match unknown_reason(t, "isMultiRegionTrail") {
                Some(reason) => Err(reason),
                None => Ok(bool_attr(t, "isMultiRegionTrail").unwrap_or(false)),
            },
            logging: match unknown_reason(t, "isLogging") {
                Some(reason) => Err(reason),
                None => Ok(bool_attr(t, "isLogging").unwrap_or(true)),
            },
            selectors: object_selectors(t),
        })
        .collect();
    let partial = partial_accounts(model);
    // Per bucket: (reads, writes), each true when some trail records it, else unknown when
    // some trail might, or trails may be missing from the inputs.
    let mut facts: Vec<(usize, [Result<bool, String>; 2])> = Vec::new();
    for (i, b) in model.resources.iter().enumerate() {
        if b.type_name != "AWS::S3::Bucket" {
            continue;
        }
        let prefix = object_prefix(b);
        let missing =
            not_collected_reason(model, &[TRAIL], b.account.as_deref(), b.region.as_deref())
                .or_else(|| match &b.account {
                    Some(a) => partial_view(&partial, a),
                    None if b.details.is_some() => Some(PARTIAL_VIEW.to_string()),
                    None => None,
                });
        let judge = |dir: fn(&ObjectSelector) -> bool| -> Result<bool, String> {
            let mut unknown = None;
            for t in trails.iter().filter(|t| t.account == b.account) {
                let in_region = match (&t.multi_region, &b.region) {
                    (Ok(true), _) => Ok(true),
                    (_, Some(region)) if t.region.as_deref() == Some(&**region) => Ok(true),
                    (Err(reason), _) => Err(reason.clone()),
                    (Ok(false), Some(_)) => Ok(false),
                    (Ok(false), None) => Err("the bucket's region is not known".to_string()),
                };
                let records = t
                    .selectors
                    .as_ref()
                    .map(|sels| sels.iter().any(|s| dir(s) && s.covers(&prefix)))
                    .map_err(Clone::clone);
                match all_of([in_region, t.logging.clone(), records]) {
                    Ok(true) => return Ok(true),
                    Ok(false) => {}
                    Err(reason) => {
                        unknown.get_or_insert(format!("trail `{}`: {reason}", t.name));
                    }
                }
            }
            match unknown.or_else(|| missing.clone()) {
                Some(reason) => Err(reason),
                None => Ok(false),
            }
        };
        facts.push((i, [judge(|s| s.reads), judge(|s| s.writes)]));
    }
    for (i, [reads, writes]) in facts {
        let r = &mut model.resources[i];
        set(r, "objectReadsRecorded", reads.map(Value::Bool));
        set(r, "objectWritesRecorded", writes.map(Value::Bool));
    }
}

// ---------------------------------------------------------------------------------------
// AI services opt-out policies: whether a policy's content opts out of every AI service.

const AI_OPT_OUT: &str = "AISERVICES_OPT_OUT_POLICY";

/// Whether an AI services opt-out policy opts out of every AI service: `default` is
/// `optOut` and no service is `optIn`. A declared policy writes `{"@@assign": "optOut"}`,
/// an effective policy the value itself.
fn opts_out_all(doc: Option<Json>) -> Result<bool, String> {
    let Some(doc) = doc else { return Ok(false) };
    let doc = match doc {
        Json::String(text) => serde_json::from_str::<Json>(&text)
            .map_err(|e| format!("the policy content is not JSON: {e}"))?,
        other => other,
    };
    if let Some(reason) = policy_document::first_unknown(&doc) {
        return Err(format!("the policy content is not known: {reason}"));
    }
    let Some(services) = doc.get("services").and_then(Json::as_object) else {
        return Ok(false);
    };
    let setting = |service: &Json| {
        let v = service.get("opt_out_policy")?;
        v.as_str()
            .or_else(|| v.get("@@assign").and_then(Json::as_str))
            .map(str::to_string)
    };
    let default_out = services.get("default").and_then(setting).as_deref() == Some("optOut");
    let any_in = services
        .iter()
        .filter(|(k, _)| !k.starts_with("@@"))
        .any(|(_, v)| setting(v).as_deref() == Some("optIn"));
    Ok(default_out && !any_in)
}

fn opt_out_policies(model: &mut Model) {
    for r in model.resources.iter_mut().filter(|r| {
        matches!(
            r.type_name,
            "AWS::Organizations::Policy" | "AWS::Organizations::EffectivePolicy"
        )
    }) {
        // Other policy types are not judged; an unknown type may be this one.
        if str_attr(r, "policyType").is_some_and(|t| t != AI_OPT_OUT) {
            continue;
        }
        let value = document(r, "content").and_then(opts_out_all);
        set(r, "optsOutAllAiServices", value.map(Value::Bool));
    }
}

/// Per account, whether its effective AI services opt-out policy opts out of every AI
/// service. No effective policy of the type means none applies, unless the inputs may not
/// show it.
fn opted_out_accounts(
    model: &Model,
    accounts: &BTreeMap<Arc<str>, Location>,
    partial: &BTreeMap<Arc<str>, bool>,
) -> BTreeMap<Arc<str>, Result<bool, String>> {
    const EFFECTIVE: &str = "AWS::Organizations::EffectivePolicy";
    let mut out = BTreeMap::new();
    for acct in accounts.keys() {
        let effective: Vec<&Resource> = model
            .resources
            .iter()
            .filter(|r| r.type_name == EFFECTIVE && r.account.as_deref() == Some(&**acct))
            .filter(|r| str_attr(r, "policyType").is_none_or(|t| t == AI_OPT_OUT))
            .collect();
        let value = if effective.is_empty() {
            match not_collected_reason(model, &[EFFECTIVE], Some(acct), None)
                .or_else(|| partial_view(partial, acct))
            {
                Some(reason) => Err(reason),
                None => Ok(false),
            }
        } else {
            all_of(effective.iter().map(|r| {
                match unknown_reason(r, "optsOutAllAiServices")
                    .or_else(|| unknown_reason(r, "policyType"))
                {
                    Some(reason) => Err(reason),
                    None => Ok(bool_attr(r, "optsOutAllAiServices") == Some(true)),
                }
            }))
        };
        out.insert(acct.clone(), value);
    }
    out
}

// ---------------------------------------------------------------------------------------
// Lake Formation: each grant points at its account's settings in its region.

fn lake_formation(model: &mut Model) {
    let settings: HashMap<Scope, Arc<str>> = model
        .resources
        .iter()
        .filter(|r| r.type_name == "AWS::LakeFormation::DataLakeSettings")
        .map(|r| (scope(r), r.id.clone()))
        .collect();
    for r in model
        .resources
        .iter_mut()
        .filter(|r| r.type_name == "AWS::LakeFormation::Permissions")
    {
        if !r.attributes.contains_key("target") && r.unknown_for("target").is_none() {
            let target = grant_target(r);
            set(r, "target", target.map(Value::string));
        }
        match settings.get(&scope(r)) {
            Some(id) => {
                r.attributes.insert("settings", Value::string(&**id));
            }
            None => r.unknown.push(Unknown {
                path: "settings".into(),
                reason:
                    "the data-lake settings of this account and region are not in the inventory"
                        .into(),
            }),
        }
    }
}

/// A template grant's target in the collectors' form (`database/sales`,
/// `table/sales/orders`, `columns/...`, `location/arn`), from the CloudFormation `Resource`
/// property or Terraform's `database`, `table`, `table_with_columns` and `data_location`
/// blocks, kept as documents.
fn grant_target(r: &Resource) -> Result<String, String> {
    // Terraform blocks arrive as one-element lists.
    let block = |name: &str| -> Result<Option<Json>, String> {
        Ok(document(r, name)?.map(|d| match d {
            Json::Array(mut items) if !items.is_empty() => items.swap_remove(0),
            other => other,
        }))
    };
    let text = |v: &Json, key: &str| -> Result<String, String> {
        match v.get(key) {
            Some(Json::String(s)) if !s.is_empty() => Ok(s.clone()),
            Some(_) => Err(format!("the grant's `{key}` is not a plain name")),
            None => Err(format!("the grant's resource has no `{key}`")),
        }
    };
    let table = |v: &Json, db: &str, name: &str, wildcard: &str| -> Result<String, String> {
        let db = text(v, db)?;
        if v.get(wildcard)
            .is_some_and(|w| !w.is_null() && w != &Json::Bool(false))
        {
            return Ok(format!("table/{db}/*"));
        }
        Ok(format!("table/{db}/{}", text(v, name)?))
    };
    if let Some(res) = block("resource")? {
        // CloudFormation: `AWS::LakeFormation::Permissions` and `PrincipalPermissions` name
        // the same resources differently.
        for key in ["DatabaseResource", "Database"] {
            if let Some(d) = res.get(key) {
                return Ok(format!("database/{}", text(d, "Name")?));
            }
        }
        for key in ["TableResource", "Table"] {
            if let Some(t) = res.get(key) {
                return table(t, "DatabaseName", "Name", "TableWildcard");
            }
        }
        for key in ["TableWithColumnsResource", "TableWithColumns"] {
            if let Some(t) = res.get(key) {
                return Ok(format!(
                    "columns/{}/{}",
                    text(t, "DatabaseName")?,
                    text(t, "Name")?
                ));
            }
        }
        if let Some(l) = res.get("DataLocationResource") {
            return Ok(format!("location/{}", text(l, "S3Resource")?));
        }
        if let Some(l) = res.get("DataLocation") {
            return Ok(format!("location/{}", text(l, "ResourceArn")?));
        }
        if res.get("Catalog").is_some() {
            return Ok("catalog".into());
        }
        return Err("the grant's resource is of a kind ailint does not read".into());
    }
    if let Some(d) = block("database")? {
        return Ok(format!("database/{}", text(&d, "name")?));
    }
    if let Some(t) = block("table")? {
        return table(&t, "database_name", "name", "wildcard");
    }
    if let Some(t) = block("table_with_columns")? {
        return Ok(format!(
            "columns/{}/{}",
            text(&t, "database_name")?,
            text(&t, "name")?
        ));
    }
    if let Some(l) = block("data_location")? {
        return Ok(format!("location/{}", text(&l, "arn")?));
    }
    Err("the grant's target is not in the input".into())
}

// ---------------------------------------------------------------------------------------
// IAM: each policy document becomes one entity per statement, so a rule judges one
// statement at a time.

/// Bedrock actions that run a model (Converse and ConverseStream are authorized by these).
const MODEL_INVOCATION_ACTIONS: [&str; 3] = [
    "bedrock:invokemodel",
    "bedrock:invokemodelwithresponsestream",
    "bedrock:createmodelinvocationjob",
];

/// The model id a Bedrock resource ARN (or pattern) names; `*` when it can match any.
fn invoked_model(resource: &str) -> Option<String> {
    if resource == "*" {
        return Some("*".into());
    }
    let parts: Vec<&str> = resource.splitn(6, ':').collect();
    if parts.len() < 6 || parts[0] != "arn" {
        return None;
    }
    let service = parts[2];
    if service != "bedrock" && !service.contains('*') && !service.contains('?') {
        return None;
    }
    match parts[5].split_once('/') {
        Some((_, id)) if !id.is_empty() => Some(id.to_string()),
        _ => Some("*".into()),
    }
}

fn statement_resource(policy: &Resource, index: usize, s: Option<&Statement>) -> Resource {
    let label = s
        .and_then(|s| s.sid.clone())
        .unwrap_or_else(|| format!("statement {}", index + 1));
    let mut r = Resource::new(
        "AWS::IAM::PolicyStatement",
        format!("{}#{}", policy.id, index + 1),
        policy.location.clone(),
    );
    r.name = Some(format!("{} {label}", policy.display_name()).into());
    r.account = policy.account.clone();
    r.region = policy.region.clone();
    r.attributes.insert("policy", Value::string(&*policy.id));
    r
}

fn iam_statements(model: &mut Model) {
    use rayon::prelude::*;
    // Policies are independent: parse their documents in parallel.
    let statements: Vec<Resource> = model
        .resources
        .par_iter()
        .filter(|r| r.type_name == "AWS::IAM::Policy")
        .flat_map_iter(policy_statements)
        .collect();
    model.resources.extend(statements);
}

/// The statements of one policy, or a placeholder whose facts are unknown.
fn policy_statements(policy: &Resource) -> Vec<Resource> {
    let mut statements = Vec::new();
    {
        let parsed = match document(policy, "policy") {
            Err(reason) => Err(reason),
            Ok(Some(doc)) => policy_document::parse(&doc)
                .map_err(|e| format!("the policy document cannot be read: {e}")),
            Ok(None) => Err("the policy has no document".into()),
        };
        match parsed {
            Ok(list) => {
                for (i, s) in list.iter().enumerate() {
                    let mut r = statement_resource(policy, i, Some(s));
                    r.attributes
                        .insert("usesNotResource", !s.not_resources.is_empty());
                    if let Some(reason) = &s.unknown_terms {
                        for path in [
                            "effect",
                            "allowsModelInvocation",
                            "invokedModels",
                            "requiresGuardrail",
                            "allowsAllAiActions",
                            "allowsUnscopedMarketplaceSubscribe",
                        ] {
                            r.unknown.push(Unknown {
                                path: path.into(),
                                reason: reason.clone(),
                            });
                        }
                        statements.push(r);
                        continue;
                    }
                    let invokes =
                        s.allow && MODEL_INVOCATION_ACTIONS.iter().any(|a| s.covers_action(a));
                    r.attributes
                        .insert("effect", if s.allow { "Allow" } else { "Deny" });
                    r.attributes.insert("allowsModelInvocation", invokes);
                    r.attributes.insert(
                        "requiresGuardrail",
                        s.conditions
                            .iter()
                            .any(|c| c.key == "bedrock:guardrailidentifier"),
                    );
                    r.attributes.insert(
                        "allowsAllAiActions",
                        s.allow
                            && (allows_whole_service(s, "bedrock")
                                || allows_whole_service(s, "sagemaker")),
                    );
                    set(
                        &mut r,
                        "allowsUnscopedMarketplaceSubscribe",
                        unscoped_marketplace_subscribe(s).map(Value::Bool),
                    );
                    match (&s.unknown_resources, invokes) {
                        (Some(reason), true) => r.unknown.push(Unknown {
                            path: "invokedModels".into(),
                            reason: reason.clone(),
                        }),
                        _ => {
                            let models: BTreeSet<String> = s
                                .resources
                                .iter()
                                .filter(|x| policy_document::unknown_reason(x).is_none())
                                .filter_map(|x| invoked_model(x))
                                .collect();
                            r.attributes.insert("invokedModels", Value::strings(models));
                        }
                    }
                    statements.push(r);
                }
            }
            Err(reason) => {
                // Nothing can be said of its statements: one placeholder keeps the rules
                // from passing silently.
                let mut r = statement_resource(policy, 0, None);
                for path in [
                    "effect",
                    "allowsModelInvocation",
                    "invokedModels",
                    "usesNotResource",
                    "requiresGuardrail",
                    "allowsAllAiActions",
                    "allowsUnscopedMarketplaceSubscribe",
                ] {
                    r.unknown.push(Unknown {
                        path: path.into(),
                        reason: reason.clone(),
                    });
                }
                statements.push(r);
            }
        }
    }
    statements
}

// ---------------------------------------------------------------------------------------
// IAM roles: whether a policy they hold allows every AI action (after the statements are
// split out). Bedrock agents: shared execution roles, the functions action groups run.

const ROLE: &str = "AWS::IAM::Role";
const POLICY: &str = "AWS::IAM::Policy";
const AGENT: &str = "AWS::Bedrock::Agent";
const FUNCTION: &str = "AWS::Lambda::Function";

/// AWS managed policies that allow every Bedrock or every SageMaker action: `*`, a
/// NotAction sparing both, `bedrock:*`, `sagemaker:*`.
const ALL_AI_MANAGED_POLICIES: [&str; 4] = [
    "AdministratorAccess",
    "PowerUserAccess",
    "AmazonBedrockFullAccess",
    "AmazonSageMakerFullAccess",
];

/// The name of an AWS managed policy ARN (`arn:<partition>:iam::aws:policy/<path>Name`).
fn aws_managed_policy(arn: &str) -> Option<&str> {
    let parts: Vec<&str> = arn.splitn(6, ':').collect();
    match parts.as_slice() {
        ["arn", _, "iam", "", "aws", rest] => rest
            .strip_prefix("policy/")
            .map(|p| p.rsplit('/').next().unwrap_or(p)),
        _ => None,
    }
}

/// True wins over unknown, unknown over false: one allowing policy is enough, and an
/// unknown one might be it.
fn any_of(a: Result<bool, String>, b: Result<bool, String>) -> Result<bool, String> {
    match (a, b) {
        (Ok(true), _) | (_, Ok(true)) => Ok(true),
        (Err(r), _) | (_, Err(r)) => Err(r),
        _ => Ok(false),
    }
}

fn roles(model: &mut Model) {
    // Whether some statement of each policy allows every AI action.
    let mut allows: HashMap<Arc<str>, Result<bool, String>> = HashMap::new();
    for s in model
        .resources
        .iter()
        .filter(|r| r.type_name == "AWS::IAM::PolicyStatement")
    {
        let Some(policy) = str_attr(s, "policy") else {
            continue;
        };
        let v = match bool_attr(s, "allowsAllAiActions") {
            Some(b) => Ok(b),
            None => unknown_reason(s, "allowsAllAiActions").map_or(Ok(false), Err),
        };
        let e = allows.entry(Arc::from(policy)).or_insert(Ok(false));
        *e = any_of(e.clone(), v);
    }
    // The policies each role holds, by the role's id (an ARN in `attachedTo`, a model id
    // in `roles`), and the accounts where a policy's holders are unknown.
    let mut held: HashMap<String, Vec<Arc<str>>> = HashMap::new();
    let mut uncertain: BTreeMap<Option<Arc<str>>, String> = BTreeMap::new();
    for p in model.resources.iter().filter(|r| r.type_name == POLICY) {
        for attr in ["attachedTo", "roles"] {
            if let Some(reason) = unknown_reason(p, attr) {
                uncertain
                    .entry(p.account.clone())
                    .or_insert_with(|| format!("`{}`: {reason}", p.display_name()));
            }
            for role in string_set(p.attributes.get(attr)) {
                held.entry(role).or_default().push(p.id.clone());
            }
        }
    }
    let policies: BTreeSet<&str> = model
        .resources
        .iter()
        .filter(|r| r.type_name == POLICY)
        .map(|r| &*r.id)
        .collect();
    let verdicts: Vec<(usize, Result<bool, String>)> = model
        .resources
        .iter()
        .enumerate()
        .filter(|(_, r)| r.type_name == ROLE)
        .map(|(i, r)| {
            let of_policy = |id: &str| allows.get(id).cloned().unwrap_or(Ok(false));
            let mut v = match unknown_reason(r, "managedPolicyArns") {
                Some(reason) => Err(reason),
                None => Ok(false),
            };
            for arn in string_set(r.attributes.get("managedPolicyArns")) {
                let one = match aws_managed_policy(&arn) {
                    Some(name) => Ok(ALL_AI_MANAGED_POLICIES.contains(&name)),
                    None if policies.contains(arn.as_str()) => of_policy(&arn),
                    None => Err(format!(
                        "the managed policy `{arn}` is not in the inventory"
                    )),
                };
                v = any_of(v, one);
            }
            for p in held.get(&*r.id).into_iter().flatten() {
                v = any_of(v, of_policy(p));
            }
            if v == Ok(false) {
                let missing = uncertain
                    .get(&r.account)
                    .cloned()
                    .or_else(|| not_collected_reason(model, &[POLICY], r.account.as_deref(), None));
                if let Some(reason) = missing {
                    v = Err(format!(
                        "which policies the role holds is unknown: {reason}"
                    ));
                }
            }
            (i, v)
        })
        .collect();
    for (i, v) in verdicts {
        set(
            &mut model.resources[i],
            "allowsAllAiActions",
            v.map(Value::Bool),
        );
    }
}

fn agents(model: &mut Model) {
    // Agents per execution role, the functions action groups run, and the accounts where
    // an agent's role or functions are unknown or agents were not read.
    let mut per_role: HashMap<String, usize> = HashMap::new();
    let mut functions: BTreeSet<String> = BTreeSet::new();
    let mut roles_uncertain: BTreeMap<Option<Arc<str>>, String> = BTreeMap::new();
    let mut functions_uncertain: BTreeMap<Option<Arc<str>>, String> = BTreeMap::new();
    for r in model.resources.iter().filter(|r| r.type_name == AGENT) {
        if let Some(role) = str_attr(r, "role") {
            *per_role.entry(role.to_string()).or_default() += 1;
        }
        for (attr, uncertain) in [
            ("role", &mut roles_uncertain),
            ("actionGroupFunctions", &mut functions_uncertain),
        ] {
            if let Some(reason) = unknown_reason(r, attr) {
                uncertain
                    .entry(r.account.clone())
                    .or_insert_with(|| format!("`{}`: {reason}", r.display_name()));
            }
        }
        functions.extend(string_set(r.attributes.get("actionGroupFunctions")));
    }
    let not_read =
        |model: &Model, account: Option<&str>| not_collected_reason(model, &[AGENT], account, None);
    let mut verdicts: Vec<(usize, &'static str, Result<bool, String>)> = Vec::new();
    for (i, r) in model.resources.iter().enumerate() {
        match r.type_name {
            AGENT => {
                let v = match (str_attr(r, "role"), unknown_reason(r, "role")) {
                    (_, Some(reason)) => Err(reason),
                    (None, None) => Ok(false),
                    (Some(role), None) if per_role.get(role).copied().unwrap_or(0) > 1 => Ok(true),
                    (Some(_), None) => match roles_uncertain
                        .get(&r.account)
                        .cloned()
                        .or_else(|| not_read(model, r.account.as_deref()))
                    {
                        Some(reason) => Err(format!(
                            "whether another agent uses the role is unknown: {reason}"
                        )),
                        None => Ok(false),
                    },
                };
                verdicts.push((i, "roleShared", v));
            }
            FUNCTION => {
                let v = if functions.contains(&*r.id) {
                    Ok(true)
                } else {
                    match functions_uncertain
                        .get(&r.account)
                        .cloned()
                        .or_else(|| not_read(model, r.account.as_deref()))
                    {
                        Some(reason) => Err(format!(
                            "whether an agent's action group runs the function is unknown: {reason}"
                        )),
                        None => Ok(false),
                    }
                };
                verdicts.push((i, "agentActionGroup", v));
            }
            _ => {}
        }
    }
    for (i, attr, v) in verdicts {
        set(&mut model.resources[i], attr, v.map(Value::Bool));
    }
}

// ---------------------------------------------------------------------------------------
// KMS keys: which ones AI resources use (after references are resolved to key ids).

/// AI resource types and the attribute paths that name a key. A bucket's key counts only
/// when the bucket holds AI data.
const AI_KEY_REFERENCES: [(&str, &[&str]); 11] = [
    ("AWS::SageMaker::NotebookInstance", &["kmsKey"]),
    ("AWS::SageMaker::Domain", &["kmsKey"]),
    (
        "AWS::SageMaker::EndpointConfig",
        &["kmsKey", "dataCapture.kmsKey"],
    ),
    ("AWS::SageMaker::ModelPackage", &["kmsKey"]),
    (
        "AWS::SageMaker::TrainingJob",
        &["outputKmsKey", "volumeKmsKey"],
    ),
    ("AWS::Bedrock::Guardrail", &["kmsKey"]),
    ("AWS::Bedrock::Agent", &["kmsKey"]),
    ("AWS::Bedrock::DataSource", &["kmsKey"]),
    ("AWS::Bedrock::CustomModel", &["kmsKey"]),
    ("AWS::OpenSearchService::Domain", &["kmsKey"]),
    ("AWS::S3::Bucket", &["kmsKey"]),
];

fn attr_path<'a>(r: &'a Resource, path: &str) -> Option<&'a Value> {
    let mut parts = path.split('.');
    let first = r.attributes.get(parts.next()?)?;
    parts.try_fold(first, |v, p| v.get(p))
}

fn keys(model: &mut Model) {
    let mut used: BTreeSet<String> = BTreeSet::new();
    // Keys a bucket of unknown AI use names, and accounts where an AI resource's key is
    // unknown or AI resources were not read: any other key there might be used.
    let mut maybe: BTreeMap<String, String> = BTreeMap::new();
    let mut uncertain: BTreeMap<Option<Arc<str>>, String> = BTreeMap::new();
    for r in &model.resources {
        let Some((_, paths)) = AI_KEY_REFERENCES.iter().find(|(t, _)| *t == r.type_name) else {
            continue;
        };
        let ai = if r.type_name == "AWS::S3::Bucket" {
            match unknown_reason(r, "aiData") {
                Some(reason) => Err(reason),
                None => Ok(bool_attr(r, "aiData") == Some(true)),
            }
        } else {
            Ok(true)
        };
        for path in paths.iter() {
            if let Some(reason) = unknown_reason(r, path) {
                if ai != Ok(false) {
                    uncertain
                        .entry(r.account.clone())
                        .or_insert_with(|| format!("`{}`: {reason}", r.display_name()));
                }
            }
            let Some(key) = attr_path(r, path).and_then(Value::as_str) else {
                continue;
            };
            match &ai {
                Ok(true) => {
                    used.insert(key.to_string());
                }
                Ok(false) => {}
                Err(reason) => {
                    maybe
                        .entry(key.to_string())
                        .or_insert_with(|| format!("`{}`: {reason}", r.display_name()));
                }
            }
        }
    }
    let types: Vec<&str> = AI_KEY_REFERENCES.iter().map(|(t, _)| *t).collect();
    let accounts: BTreeSet<Option<Arc<str>>> = model
        .resources
        .iter()
        .filter(|r| r.type_name == KMS_KEY)
        .map(|r| r.account.clone())
        .collect();
    for acct in accounts {
        if let Some(reason) = not_collected_reason(model, &types, acct.as_deref(), None) {
            uncertain.entry(acct).or_insert(reason);
        }
    }
    for r in model
        .resources
        .iter_mut()
        .filter(|r| r.type_name == KMS_KEY)
    {
        let value = if used.contains(&*r.id) {
            Ok(Value::Bool(true))
        } else if let Some(reason) = maybe.get(&*r.id).or_else(|| uncertain.get(&r.account)) {
            Err(format!(
                "whether an AI resource uses the key is unknown: {reason}"
            ))
        } else {
            Ok(Value::Bool(false))
        };
        set(r, "usedByAi", value);
    }
}

const KMS_KEY: &str = "AWS::KMS::Key";

// ---------------------------------------------------------------------------------------
// Tags: Cedar cannot ask whether a resource carries every key of a set, so the keys are
// listed as a set attribute.

/// The AI types judged for required tags.
const TAGGED_AI_TYPES: [&str; 10] = [
    "AWS::SageMaker::NotebookInstance",
    "AWS::SageMaker::Domain",
    "AWS::SageMaker::Endpoint",
    "AWS::SageMaker::TrainingJob",
    "AWS::Bedrock::Guardrail",
    "AWS::Bedrock::Agent",
    "AWS::Bedrock::KnowledgeBase",
    "AWS::Bedrock::InferenceProfile",
    "AWS::BedrockAgentCore::Runtime",
    "AWS::OpenSearchServerless::Collection",
];

fn tag_keys(model: &mut Model) {
    for r in model
        .resources
        .iter_mut()
        .filter(|r| TAGGED_AI_TYPES.contains(&r.type_name))
    {
        let keys = match unknown_reason(r, "tags") {
            Some(reason) => Err(reason),
            None => Ok(Value::strings(r.tags.iter().map(|(k, _)| k.to_string()))),
        };
        set(r, "tagKeys", keys);
    }
}

// ---------------------------------------------------------------------------------------
// S3 bucket policies: who the policy lets in.

/// Condition keys that confine a principal to an organization or an account.
const ORG_KEYS: [&str; 4] = [
    "aws:principalorgid",
    "aws:principalorgpaths",
    "aws:sourceorgid",
    "aws:sourceorgpaths",
];
const ACCOUNT_KEYS: [&str; 2] = ["aws:principalaccount", "aws:sourceaccount"];
/// Service principals that act on buckets on a caller's behalf.
const AI_SERVICE_PRINCIPALS: [&str; 2] = [
    "Service:bedrock.amazonaws.com",
    "Service:sagemaker.amazonaws.com",
];

/// The conditions of a statement whose operator matches (not `...Not...`) on one of `keys`.
fn positive_conditions<'a>(
    s: &'a Statement,
    keys: &'a [&str],
) -> impl Iterator<Item = &'a policy_document::Condition> {
    s.conditions
        .iter()
        .filter(move |c| keys.contains(&c.key.as_str()) && !c.operator.contains("Not"))
}

/// (allows principals outside the account or organization, allows an AI service principal
/// without a source condition) for a bucket policy of the bucket's account `own`. As for
/// TLS, an unknown statement makes a fact unknown unless a known one settles it.
fn bucket_access(statements: &[Statement], own: Option<&str>) -> Result<(bool, bool), String> {
    let (known, unknown): (Vec<&Statement>, Vec<&Statement>) =
        statements.iter().partition(|s| s.unknown_terms.is_none());
    // `Deny` to everyone unless the caller is in the organization or the account: the
    // usual guard that makes broad allows safe.
    let fenced = known.iter().any(|s| {
        !s.allow
            && s.applies_to_everyone()
            && s.covers_action("s3:getobject")
            && s.conditions.iter().any(|c| {
                c.operator.contains("Not")
                    && (ORG_KEYS.contains(&c.key.as_str())
                        || ACCOUNT_KEYS.contains(&c.key.as_str()))
            })
    });
    let mut outside: Result<bool, String> = Ok(false);
    for s in known.iter().filter(|s| s.allow) {
        let in_org = positive_conditions(s, &ORG_KEYS).next().is_some();
        // Account conditions confine to the bucket's own account only when they name it.
        let in_account = positive_conditions(s, &ACCOUNT_KEYS).next().map(|_| {
            let values: Vec<&str> = positive_conditions(s, &ACCOUNT_KEYS)
                .flat_map(|c| c.values.iter().map(String::as_str))
                .collect();
            match own {
                Some(own) => Ok(values.iter().all(|v| *v == own)),
                None => Err("the bucket's account is not known".to_string()),
            }
        });
        let confined = match (in_org, in_account) {
            (true, _) => Ok(true),
            (false, Some(r)) => r,
            (false, None) => Ok(false),
        };
        let everyone = s.not_principal || s.applies_to_everyone();
        let foreign = s
            .principals
            .iter()
            .filter_map(|p| p.strip_prefix("AWS:"))
            .filter_map(policy_document::principal_account)
            .map(|acct| match own {
                Some(own) => Ok(acct != own),
                None => Err("the bucket's account is not known".to_string()),
            })
            .try_fold(false, |any, r| r.map(|f| any || f));
        let here = match (everyone, foreign, confined) {
            (false, Ok(false), _) => Ok(false),
            (_, _, Ok(true)) => Ok(false),
            (true, _, Ok(false)) | (_, Ok(true), Ok(false)) => Ok(true),
            (_, Err(e), _) | (_, _, Err(e)) => Err(e),
        };
        outside = match (outside, here) {
            (Ok(true), _) | (_, Ok(true)) => Ok(true),
            (Err(e), _) | (_, Err(e)) => Err(e),
            _ => Ok(false),
        };
    }
    let outside = if fenced { Ok(false) } else { outside };
    let unguarded = known.iter().any(|s| {
        s.allow
            && !s.not_principal
            && s.principals
                .iter()
                .any(|p| AI_SERVICE_PRINCIPALS.contains(&p.as_str()))
            && positive_conditions(s, &["aws:sourceaccount", "aws:sourcearn"])
                .next()
                .is_none()
    });
    let unknown_reason = unknown
        .first()
        .and_then(|s| s.unknown_terms.clone())
        .map(|r| format!("a statement of the bucket policy is not known: {r}"));
    let settle = |fact: Result<bool, String>| match (fact, &unknown_reason) {
        (Ok(true), _) => Ok(true),
        (_, Some(reason)) => Err(reason.clone()),
        (fact, None) => fact,
    };
    Ok((settle(outside)?, settle(Ok(unguarded))?))
}

// ---------------------------------------------------------------------------------------
// S3 Block Public Access: the bucket's settings and its account's, setting by setting.

const PUBLIC_ACCESS_SETTINGS: [&str; 4] = [
    "blockPublicAcls",
    "ignorePublicAcls",
    "blockPublicPolicy",
    "restrictPublicBuckets",
];

/// The four settings of a resource (all off when none are set), or why they are unknown.
fn public_access_settings(r: &Resource) -> Result<[bool; 4], String> {
    if let Some(reason) = unknown_reason(r, "publicAccessBlock") {
        return Err(reason);
    }
    let pab = r.attributes.get("publicAccessBlock");
    Ok(PUBLIC_ACCESS_SETTINGS.map(|k| {
        pab.and_then(|p| p.get(k))
            .and_then(Value::as_bool)
            .unwrap_or(false)
    }))
}

fn public_access_blocks(model: &mut Model) {
    const ACCOUNT_PAB: &str = "AWS::S3::AccountPublicAccessBlock";
    let accounts: HashMap<Option<Arc<str>>, Result<[bool; 4], String>> = model
        .resources
        .iter()
        .filter(|r| r.type_name == ACCOUNT_PAB)
        .map(|r| (r.account.clone(), public_access_settings(r)))
        .collect();
    let missing: HashMap<Option<Arc<str>>, Option<String>> = model
        .resources
        .iter()
        .filter(|r| r.type_name == "AWS::S3::Bucket")
        .map(|r| {
            let reason = not_collected_reason(model, &[ACCOUNT_PAB], r.account.as_deref(), None);
            (r.account.clone(), reason)
        })
        .collect();
    for r in model
        .resources
        .iter_mut()
        .filter(|r| r.type_name == "AWS::S3::Bucket")
    {
        let account = match accounts.get(&r.account) {
            Some(settings) => settings.clone(),
            None => match missing.get(&r.account).cloned().flatten() {
                Some(reason) => Err(reason),
                // A template or configuration item shows a bucket, not its account's
                // settings.
                None if r.details.is_some() => {
                    Err("the account's Block Public Access settings are not in the inputs".into())
                }
                None => Ok([false; 4]),
            },
        };
        let bucket = public_access_settings(r);
        let value = match (&bucket, &account) {
            (Ok(b), _) if b.iter().all(|x| *x) => Ok(true),
            (_, Ok(a)) if a.iter().all(|x| *x) => Ok(true),
            (Ok(b), Ok(a)) => Ok(b.iter().zip(a).all(|(b, a)| *b || *a)),
            (Err(e), _) | (_, Err(e)) => Err(e.clone()),
        };
        set(r, "blocksPublicAccess", value.map(Value::Bool));
    }
}

// ---------------------------------------------------------------------------------------
// VPC endpoint policies: whether a Bedrock runtime endpoint lets any model be invoked.

fn vpc_endpoint_policies(model: &mut Model) {
    for r in model
        .resources
        .iter_mut()
        .filter(|r| r.type_name == "AWS::EC2::VPCEndpoint")
    {
        let value = match document(r, "policy") {
            Err(reason) => Err(reason),
            // No policy is the default policy: full access for every principal.
            Ok(None) => Ok(true),
            Ok(Some(doc)) => policy_document::parse(&doc)
                .map_err(|e| format!("the endpoint policy cannot be read: {e}"))
                .and_then(|statements| any_model_invocation(&statements)),
        };
        set(r, "allowsAnyModelInvocation", value.map(Value::Bool));
    }
}

/// Whether some statement allows invoking any model: an invocation action on a wildcard
/// model resource or with NotResource.
fn any_model_invocation(statements: &[Statement]) -> Result<bool, String> {
    let mut unknown = None;
    for s in statements {
        if let Some(reason) = &s.unknown_terms {
            unknown.get_or_insert_with(|| reason.clone());
            continue;
        }
        if !(s.allow && MODEL_INVOCATION_ACTIONS.iter().any(|a| s.covers_action(a))) {
            continue;
        }
        if !s.not_resources.is_empty()
            || s.resources
                .iter()
                .filter(|x| policy_document::unknown_reason(x).is_none())
                .any(|x| invoked_model(x).as_deref() == Some("*"))
        {
            return Ok(true);
        }
        if let Some(reason) = &s.unknown_resources {
            unknown.get_or_insert_with(|| reason.clone());
        }
    }
    match unknown {
        Some(reason) => Err(format!(
            "a statement of the endpoint policy is not known: {reason}"
        )),
        None => Ok(false),
    }
}

// ---------------------------------------------------------------------------------------
// IAM statements: service-wide grants and Marketplace subscriptions.

/// The literal part of an action pattern before its first wildcard, and whether it has one.
fn literal_prefix(pattern: &str) -> (&str, bool) {
    match pattern.find(['*', '?']) {
        Some(i) => (&pattern[..i], true),
        None => (pattern, false),
    }
}

/// Whether a statement grants every action of `service` (lower-case prefix, e.g. `bedrock`).
fn allows_whole_service(s: &Statement, service: &str) -> bool {
    let prefix = format!("{service}:");
    if !s.not_actions.is_empty() {
        // NotAction grants every action it does not name: all of the service unless a
        // pattern could name one of its actions.
        return !s.not_actions.iter().any(|p| {
            let (lit, wild) = literal_prefix(p);
            lit.starts_with(&prefix) || (wild && prefix.starts_with(lit))
        });
    }
    s.actions.iter().any(|p| {
        let (lit, _) = literal_prefix(p);
        // `bedrock:*`, `bed*`, `*`: a single trailing star after a prefix of `bedrock:`.
        p.len() == lit.len() + 1 && p.ends_with('*') && prefix.starts_with(lit)
    })
}

/// Whether a known statement allows aws-marketplace:Subscribe on any product.
fn unscoped_marketplace_subscribe(s: &Statement) -> Result<bool, String> {
    if !(s.allow && s.covers_action("aws-marketplace:subscribe")) {
        return Ok(false);
    }
    if s.conditions
        .iter()
        .any(|c| c.key == "aws-marketplace:productid" && !c.operator.contains("Not"))
    {
        return Ok(false);
    }
    if !s.not_resources.is_empty() || s.resources.iter().any(|x| x == "*") {
        return Ok(true);
    }
    match &s.unknown_resources {
        Some(reason) => Err(format!("the statement's resources are not known: {reason}")),
        None => Ok(false),
    }
}

// ---------------------------------------------------------------------------------------
// OpenSearch Serverless: the security policies that cover each collection, by name
// pattern (`collection/kb-*`), and what data-access policies grant.

/// The objects of a policy document: network and access policies are arrays of them, an
/// encryption policy is one. The document may be the JSON text.
fn policy_objects(doc: Json) -> Result<Vec<Json>, String> {
    let doc = match doc {
        Json::String(text) => serde_json::from_str::<Json>(&text)
            .map_err(|e| format!("the policy document is not JSON: {e}"))?,
        other => other,
    };
    if let Some(reason) = policy_document::first_unknown(&doc) {
        return Err(format!("the policy document is not known: {reason}"));
    }
    Ok(match doc {
        Json::Array(items) => items,
        other => vec![other],
    })
}

/// An encryption policy's `KmsARN` is often a key the same input creates, known only after
/// deployment; the policy still names a key, which is all its facts need.
fn named_key(doc: Json) -> Json {
    let mut doc = match doc {
        Json::String(text) => match serde_json::from_str::<Json>(&text) {
            Ok(parsed) => parsed,
            Err(_) => return Json::String(text),
        },
        other => other,
    };
    if let Some(Json::String(k)) = doc.get_mut("KmsARN") {
        if policy_document::unknown_reason(k).is_some() {
            *k = "(a key known after deployment)".into();
        }
    }
    doc
}

/// The patterns of the rules of `resource_type` in a policy object.
fn rule_patterns(obj: &Json, resource_type: &str) -> Vec<String> {
    obj.get("Rules")
        .and_then(Json::as_array)
        .into_iter()
        .flatten()
        .filter(|rule| {
            rule.get("ResourceType")
                .and_then(Json::as_str)
                .is_some_and(|t| t.eq_ignore_ascii_case(resource_type))
        })
        .flat_map(|rule| json_strings(rule.get("Resource")))
        .collect()
}

/// The most specific collection pattern of `obj` matching `collection/<name>`: an exact
/// name beats a wildcard, a longer prefix beats a shorter one.
fn best_match(obj: &Json, name: &str) -> Option<(bool, usize)> {
    let target = format!("collection/{name}");
    rule_patterns(obj, "collection")
        .iter()
        .filter(|p| policy_document::action_matches(p, &target))
        .map(|p| (!p.contains(['*', '?']), p.len()))
        .max()
}

type PolicyDocs = Vec<Result<Vec<Json>, String>>;

fn serverless_collections(model: &mut Model) {
    const POLICY: &str = "AWS::OpenSearchServerless::SecurityPolicy";
    const KB: &str = "AWS::Bedrock::KnowledgeBase";
    let mut policies: HashMap<(Scope, String), PolicyDocs> = HashMap::new();
    let mut stores: BTreeSet<String> = BTreeSet::new();
    let mut stores_unknown: HashMap<Scope, String> = HashMap::new();
    for r in &model.resources {
        if r.type_name == KB {
            match unknown_reason(r, "collection") {
                Some(reason) => {
                    stores_unknown
                        .entry(scope(r))
                        .or_insert(format!("knowledge base `{}`: {reason}", r.display_name()));
                }
                None => stores.extend(str_attr(r, "collection").map(str::to_string)),
            }
        }
        if r.type_name != POLICY {
            continue;
        }
        let docs = match (unknown_reason(r, "policyType"), str_attr(r, "policyType")) {
            (Some(reason), _) => {
                // Of either type: it counts against both.
                for t in ["encryption", "network"] {
                    policies
                        .entry((scope(r), t.into()))
                        .or_default()
                        .push(Err(reason.clone()));
                }
                continue;
            }
            (None, Some(t)) => policies
                .entry((scope(r), t.to_ascii_lowercase()))
                .or_default(),
            (None, None) => continue,
        };
        let encryption =
            str_attr(r, "policyType").is_some_and(|t| t.eq_ignore_ascii_case("encryption"));
        let parsed = match document(r, "policy") {
            Err(reason) => Err(reason),
            Ok(None) => Err(format!("policy `{}` has no document", r.display_name())),
            Ok(Some(doc)) if encryption => policy_objects(named_key(doc)),
            Ok(Some(doc)) => policy_objects(doc),
        };
        docs.push(parsed);
    }
    let mut missing: HashMap<Scope, Option<String>> = HashMap::new();
    for r in model
        .resources
        .iter()
        .filter(|r| r.type_name == "AWS::OpenSearchServerless::Collection")
    {
        let reason =
            not_collected_reason(model, &[POLICY], r.account.as_deref(), r.region.as_deref());
        missing.insert(scope(r), reason);
        if let Some(reason) =
            not_collected_reason(model, &[KB], r.account.as_deref(), r.region.as_deref())
        {
            stores_unknown.entry(scope(r)).or_insert(reason);
        }
    }
    let empty: PolicyDocs = Vec::new();
    for r in model
        .resources
        .iter_mut()
        .filter(|r| r.type_name == "AWS::OpenSearchServerless::Collection")
    {
        let sc = scope(r);
        let store = stores.contains(&*r.id);
        let store = match stores_unknown.get(&sc) {
            Some(reason) if !store => Err(format!(
                "whether a knowledge base uses the collection is unknown: {reason}"
            )),
            _ => Ok(store),
        };
        set(r, "knowledgeBaseStore", store.map(Value::Bool));
        let Some(name) = r.name.clone() else {
            for attr in ["publicNetworkAccess", "cmkEncryptionPolicy"] {
                set(r, attr, Err("the collection's name is not known".into()));
            }
            continue;
        };
        let missing = missing.get(&sc).cloned().flatten();
        let docs = |t: &str| policies.get(&(sc.clone(), t.to_string())).unwrap_or(&empty);

        // Network: public if any covering rule set allows public access.
        let mut public: Result<bool, String> = Ok(false);
        for d in docs("network") {
            match d {
                Err(e) => {
                    if public == Ok(false) {
                        public = Err(e.clone());
                    }
                }
                Ok(objs) => {
                    if objs.iter().any(|o| {
                        best_match(o, &name).is_some()
                            && o.get("AllowFromPublic").and_then(Json::as_bool) == Some(true)
                    }) {
                        public = Ok(true);
                    }
                }
            }
        }
        if let (Ok(false), Some(reason)) = (&public, &missing) {
            public = Err(reason.clone());
        }
        set(r, "publicNetworkAccess", public.map(Value::Bool));

        // Encryption: the most specific covering rule decides.
        let mut best: Option<((bool, usize), bool)> = None;
        let mut uncertain = missing.clone();
        for d in docs("encryption") {
            match d {
                Err(e) => {
                    uncertain.get_or_insert_with(|| e.clone());
                }
                Ok(objs) => {
                    for o in objs {
                        if let Some(rank) = best_match(o, &name) {
                            let cmk = o.get("AWSOwnedKey").and_then(Json::as_bool) == Some(false)
                                && o.get("KmsARN")
                                    .and_then(Json::as_str)
                                    .is_some_and(|k| !k.is_empty());
                            if best.is_none_or(|(b, _)| rank > b) {
                                best = Some((rank, cmk));
                            }
                        }
                    }
                }
            }
        }
        let cmk = match (best, uncertain) {
            (_, Some(reason)) => Err(reason),
            (Some((_, cmk)), None) => Ok(cmk),
            // No policy in the inputs covers it: the key the service reports, if known.
            (None, None) => match str_attr(r, "kmsKeyArn") {
                Some(k) => Ok(k.starts_with("arn:")),
                None => Err("no encryption policy in the inputs covers the collection".into()),
            },
        };
        set(r, "cmkEncryptionPolicy", cmk.map(Value::Bool));
    }
}

/// Whether a resource pattern names every collection or every index.
fn every_collection(pattern: &str) -> bool {
    match pattern.split_once('/') {
        Some(("collection" | "index", rest)) => rest.split('/').all(|p| p == "*"),
        _ => pattern == "*",
    }
}

fn serverless_access_policies(model: &mut Model) {
    for r in model
        .resources
        .iter_mut()
        .filter(|r| r.type_name == "AWS::OpenSearchServerless::AccessPolicy")
    {
        let objs = match document(r, "policy") {
            Err(reason) => Err(reason),
            Ok(None) => Err("the access policy has no document".into()),
            Ok(Some(doc)) => policy_objects(doc),
        };
        let everyone = objs.as_ref().map(|objs| {
            objs.iter()
                .any(|o| json_strings(o.get("Principal")).iter().any(|p| p == "*"))
        });
        let all = objs.as_ref().map(|objs| {
            objs.iter().any(|o| {
                o.get("Rules")
                    .and_then(Json::as_array)
                    .into_iter()
                    .flatten()
                    .any(|rule| {
                        json_strings(rule.get("Permission"))
                            .iter()
                            .any(|p| p == "aoss:*" || p == "*")
                            && json_strings(rule.get("Resource"))
                                .iter()
                                .any(|p| every_collection(p))
                    })
            })
        });
        set(
            r,
            "grantsToEveryone",
            everyone.map(Value::Bool).map_err(Clone::clone),
        );
        set(
            r,
            "grantsAllOnAllCollections",
            all.map(Value::Bool).map_err(Clone::clone),
        );
    }
}

// ---------------------------------------------------------------------------------------
// Accounts and regions, with the facts that span resources.

const BEDROCK_TYPES: [&str; 3] = [
    "AWS::Bedrock::Guardrail",
    "AWS::Bedrock::Agent",
    "AWS::Bedrock::KnowledgeBase",
];
const SAGEMAKER_ENDPOINT_TYPES: [&str; 2] =
    ["AWS::SageMaker::EndpointConfig", "AWS::SageMaker::Model"];
const AI_EVENT_SOURCES: [&str; 2] = ["bedrock.amazonaws.com", "sagemaker.amazonaws.com"];

/// An account id and a region name.
type AccountRegion = (Arc<str>, Arc<str>);

#[derive(Default)]
struct RegionFacts {
    bedrock: bool,
    sagemaker: bool,
    /// Whether a model invocation logging configuration here is enabled.
    invocation_logging: bool,
    /// Why one here is not known to be enabled or not.
    invocation_logging_unknown: Option<String>,
    location: Option<Location>,
}

fn accounts_and_regions(model: &mut Model, accounts: &[AccountInfo]) {
    let mut regions: BTreeMap<AccountRegion, RegionFacts> = BTreeMap::new();
    let mut account_locations: BTreeMap<Arc<str>, Location> = accounts
        .iter()
        .map(|a| (Arc::from(a.id.as_str()), a.location.clone()))
        .collect();
    // An account or region is located where the inputs first name it: the `accounts`
    // entry, else its earliest resource.
    let mut first_resource: BTreeMap<Arc<str>, &Location> = BTreeMap::new();
    // Accounts known only from templates: a template shows part of an account, so what
    // the account lacks (a trail, data-event selectors) is not known from it.
    let partial = partial_accounts(model);
    for r in &model.resources {
        let Some(acct) = &r.account else { continue };
        let first = first_resource.entry(acct.clone()).or_insert(&r.location);
        *first = (*first).min(&r.location);
        let Some(region) = &r.region else { continue };
        let f = regions.entry((acct.clone(), region.clone())).or_default();
        f.bedrock |= BEDROCK_TYPES.contains(&r.type_name);
        f.sagemaker |= SAGEMAKER_ENDPOINT_TYPES.contains(&r.type_name);
        if r.type_name == INVOCATION_LOGGING {
            f.invocation_logging |= bool_attr(r, "enabled") == Some(true);
            if let Some(reason) = unknown_reason(r, "enabled") {
                f.invocation_logging_unknown.get_or_insert(reason);
            }
        }
        match &mut f.location {
            Some(l) if *l <= r.location => {}
            l => *l = Some(r.location.clone()),
        }
    }
    for (acct, location) in first_resource {
        account_locations
            .entry(acct)
            .or_insert_with(|| location.clone());
    }

    // Trails: per account, the multi-region management trails and the data-event types
    // each region records.
    let trail_missing = |acct: &str, region: Option<&str>| {
        model.not_collected.iter().find(|n| {
            n.types.iter().any(|t| t == "AWS::CloudTrail::Trail")
                && n.account.as_deref().is_none_or(|a| a == acct)
                && (region.is_none() || n.region.is_none() || n.region.as_deref() == region)
        })
    };
    let mut management: BTreeMap<Arc<str>, Result<i64, String>> = BTreeMap::new();
    let mut data_types: BTreeMap<AccountRegion, Result<BTreeSet<String>, String>> = BTreeMap::new();
    let trails: Vec<&Resource> = model
        .resources
        .iter()
        .filter(|r| r.type_name == "AWS::CloudTrail::Trail")
        .collect();
    for acct in account_locations.keys() {
        let mine: Vec<&&Resource> = trails
            .iter()
            .filter(|t| t.account.as_deref() == Some(&**acct))
            .collect();
        let uncertain = mine.iter().find_map(|t| {
            [
                "isLogging",
                "isMultiRegionTrail",
                "recordsManagementReadWrite",
                "excludedManagementEventSources",
                "dataEventResourceTypes",
            ]
            .iter()
            .find_map(|p| unknown_reason(t, p))
            .map(|reason| format!("trail `{}`: {reason}", t.display_name()))
        });
        let missing = trail_missing(acct, None)
            .map(|n| format!("{} was not collected: {}", n.operation, n.reason))
            .or_else(|| partial_view(&partial, acct));
        let count = match uncertain.or(missing) {
            Some(reason) => Err(reason),
            None => Ok(mine
                .iter()
                .filter(|t| {
                    bool_attr(t, "isLogging") == Some(true)
                        && bool_attr(t, "isMultiRegionTrail") == Some(true)
                        && bool_attr(t, "recordsManagementReadWrite") == Some(true)
                        && !string_set(t.attributes.get("excludedManagementEventSources"))
                            .iter()
                            .any(|s| AI_EVENT_SOURCES.contains(&s.as_str()))
                })
                .count() as i64),
        };
        management.insert(acct.clone(), count);
    }
    for (acct, region) in regions.keys() {
        let covering: Vec<&&Resource> = trails
            .iter()
            .filter(|t| t.account.as_deref() == Some(&**acct))
            .filter(|t| {
                bool_attr(t, "isMultiRegionTrail") == Some(true)
                    || t.region.as_deref() == Some(&**region)
            })
            .collect();
        let uncertain = covering.iter().find_map(|t| {
            ["isLogging", "dataEventResourceTypes"]
                .iter()
                .find_map(|p| unknown_reason(t, p))
                .map(|reason| format!("trail `{}`: {reason}", t.display_name()))
        });
        let missing = trail_missing(acct, Some(&**region))
            .map(|n| format!("{} was not collected: {}", n.operation, n.reason))
            .or_else(|| partial_view(&partial, acct));
        let value = match uncertain.or(missing) {
            Some(reason) => Err(reason),
            None => Ok(covering
                .iter()
                .filter(|t| bool_attr(t, "isLogging") == Some(true))
                .flat_map(|t| string_set(t.attributes.get("dataEventResourceTypes")))
                .collect()),
        };
        data_types.insert((acct.clone(), region.clone()), value);
    }

    let mut opted_out = opted_out_accounts(model, &account_locations, &partial);
    for (acct, location) in &account_locations {
        let mut r = synthesized("AWS::Account", acct, Some(acct), None, location);
        r.attributes.insert("accountId", Value::string(&**acct));
        if let Some(count) = management.remove(acct) {
            set(&mut r, "managementTrailCount", count.map(Value::Long));
        }
        if let Some(out) = opted_out.remove(acct) {
            set(&mut r, "aiServicesOptedOut", out.map(Value::Bool));
        }
        model.resources.push(r);
    }
    for ((acct, region), facts) in regions {
        let location = facts
            .location
            .unwrap_or_else(|| account_locations[&acct].clone());
        let id = format!("{acct}/{region}");
        let mut r = synthesized("AWS::Region", &id, Some(&acct), Some(&region), &location);
        r.name = Some(region.clone());
        r.attributes.insert("regionName", Value::string(&*region));
        r.attributes.insert("account", Value::string(&*acct));
        for (attr, uses, types) in [
            ("usesBedrock", facts.bedrock, &BEDROCK_TYPES[..]),
            (
                "usesSageMakerEndpoints",
                facts.sagemaker,
                &SAGEMAKER_ENDPOINT_TYPES[..],
            ),
        ] {
            let value = match not_collected_reason(model, types, Some(&acct), Some(&region)) {
                Some(reason) if !uses => Err(reason),
                _ => Ok(Value::Bool(uses)),
            };
            set(&mut r, attr, value);
        }
        if let Some(types) = data_types.remove(&(acct.clone(), region.clone())) {
            set(&mut r, "dataEventResourceTypes", types.map(Value::strings));
        }
        // A region without a logging configuration has logging off, unless the inputs may
        // not show it.
        let logging = if facts.invocation_logging {
            Ok(Value::Bool(true))
        } else if let Some(reason) = facts.invocation_logging_unknown {
            Err(reason)
        } else if let Some(reason) =
            not_collected_reason(model, &[INVOCATION_LOGGING], Some(&acct), Some(&region))
                .or_else(|| partial_view(&partial, &acct))
        {
            Err(reason)
        } else {
            Ok(Value::Bool(false))
        };
        set(&mut r, "invocationLogging", logging);
        model.resources.push(r);
    }
}

const PARTIAL_VIEW: &str = "the inputs show only part of the account (templates and configuration data do not list everything it holds)";

/// Why an account's aggregate facts are unknown when only templates or configuration data
/// name it.
fn partial_view(partial: &BTreeMap<Arc<str>, bool>, acct: &str) -> Option<String> {
    partial
        .get(acct)
        .copied()
        .unwrap_or(false)
        .then(|| PARTIAL_VIEW.to_string())
}

fn synthesized(
    type_name: &'static str,
    id: &str,
    account: Option<&Arc<str>>,
    region: Option<&Arc<str>>,
    location: &Location,
) -> Resource {
    let mut r = Resource::new(type_name, id, location.clone());
    r.name = Some(id.into());
    r.account = account.cloned();
    r.region = region.cloned();
    r
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ecr_images_of_the_models_account_are_private() {
        let acct = "111122223333";
        for ok in [
            "111122223333.dkr.ecr.us-east-1.amazonaws.com/fraud:1.4",
            "111122223333.dkr.ecr.eu-west-1.amazonaws.com/team/model@sha256:abcd",
            "111122223333.dkr.ecr-fips.us-east-1.amazonaws.com/x:1",
            "111122223333.dkr.ecr.cn-north-1.amazonaws.com.cn/x:1",
        ] {
            assert!(in_account_ecr(ok, acct), "{ok}");
        }
        for bad in [
            // Another account's registry (the SageMaker built-in images, a vendor).
            "683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1",
            "public.ecr.aws/acme/model:latest",
            "docker.io/library/python:3.12",
            "ghcr.io/acme/model:1",
            "registry.internal.example.com/111122223333.dkr.ecr.us-east-1.amazonaws.com/x",
            "111122223333.dkr.ecr.us-east-1.amazonaws.com.evil.example/x",
            "1111222233334.dkr.ecr.us-east-1.amazonaws.com/x",
            "111122223333.dkr.ecr.us-east-1.amazonaws.com",
        ] {
            assert!(!in_account_ecr(bad, acct), "{bad}");
        }
    }

    #[test]
    fn a_definite_false_settles_a_conjunction() {
        assert_eq!(all_of([Ok(true), Ok(true)]), Ok(true));
        assert_eq!(all_of([Err("x".into()), Ok(false)]), Ok(false));
        assert_eq!(all_of([Ok(true), Err("x".into())]), Err("x".into()));
        assert_eq!(all_of([]), Ok(true));
    }

    #[test]
    fn endpoint_suffixes_drop_the_region_prefix() {
        assert_eq!(
            endpoint_service_suffix("com.amazonaws.us-east-1.bedrock-runtime"),
            "bedrock-runtime"
        );
        assert_eq!(
            endpoint_service_suffix("com.amazonaws.eu-west-1.sagemaker.api"),
            "sagemaker.api"
        );
        assert_eq!(
            endpoint_service_suffix("cn.com.amazonaws.cn-north-1.s3"),
            "cn.com.amazonaws.cn-north-1.s3"
        );
        assert_eq!(
            endpoint_service_suffix("aws.sagemaker.us-east-1.notebook"),
            "aws.sagemaker.us-east-1.notebook"
        );
    }

    #[test]
    fn invoked_models_come_from_bedrock_resource_arns() {
        assert_eq!(invoked_model("*").as_deref(), Some("*"));
        assert_eq!(
            invoked_model("arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-3-haiku-20240307-v1:0").as_deref(),
            Some("anthropic.claude-3-haiku-20240307-v1:0")
        );
        assert_eq!(
            invoked_model("arn:aws:bedrock:*::foundation-model/*").as_deref(),
            Some("*")
        );
        assert_eq!(invoked_model("arn:aws:bedrock:*:*:*").as_deref(), Some("*"));
        assert_eq!(invoked_model("arn:aws:s3:::training-data/*"), None);
    }

    fn parsed(doc: serde_json::Value) -> Vec<Statement> {
        policy_document::parse(&doc).unwrap()
    }

    #[test]
    fn outside_principals_need_an_org_or_account_confinement() {
        let own = Some("111122223333");
        // `*` as a string and as {"AWS": "*"}: the same.
        for p in [serde_json::json!("*"), serde_json::json!({"AWS": "*"})] {
            let doc = serde_json::json!({"Statement": {"Effect": "Allow", "Principal": p,
                "Action": "s3:GetObject", "Resource": "*"}});
            assert_eq!(bucket_access(&parsed(doc), own), Ok((true, false)));
        }
        let doc = serde_json::json!({"Statement": {"Effect": "Allow", "Principal": "*",
            "Action": "s3:GetObject", "Condition": {"StringEquals": {"aws:PrincipalOrgID": "o-abc"}}}});
        assert_eq!(bucket_access(&parsed(doc), own), Ok((false, false)));
        let doc = serde_json::json!({"Statement": {"Effect": "Allow", "Principal": "*",
            "Action": "s3:GetObject", "Condition": {"StringEquals": {"aws:PrincipalAccount": "444455556666"}}}});
        assert_eq!(bucket_access(&parsed(doc), own), Ok((true, false)));
        // Another account by id or ARN; the own account is inside.
        let doc = serde_json::json!({"Statement": [
            {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:role/a"}, "Action": "s3:*"},
            {"Effect": "Allow", "Principal": {"AWS": ["444455556666"]}, "Action": "s3:GetObject"}]});
        assert_eq!(bucket_access(&parsed(doc.clone()), own), Ok((true, false)));
        assert!(bucket_access(&parsed(doc), None).is_err());
        // A blanket deny outside the organization fences broad allows.
        let doc = serde_json::json!({"Statement": [
            {"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject"},
            {"Effect": "Deny", "Principal": "*", "Action": "s3:*",
             "Condition": {"StringNotEquals": {"aws:PrincipalOrgID": "o-abc"}}}]});
        assert_eq!(bucket_access(&parsed(doc), own), Ok((false, false)));
    }

    #[test]
    fn ai_service_principals_need_a_source_condition() {
        let own = Some("111122223333");
        let doc = serde_json::json!({"Statement": {"Effect": "Allow",
            "Principal": {"Service": ["bedrock.amazonaws.com"]}, "Action": "s3:GetObject"}});
        assert_eq!(bucket_access(&parsed(doc), own), Ok((false, true)));
        for key in ["aws:SourceAccount", "aws:SourceArn"] {
            let doc = serde_json::json!({"Statement": {"Effect": "Allow",
                "Principal": {"Service": "sagemaker.amazonaws.com"}, "Action": "s3:GetObject",
                "Condition": {"StringEquals": {key: "111122223333"}}}});
            assert_eq!(bucket_access(&parsed(doc), own), Ok((false, false)));
        }
        // Other services are not judged; an unknown principal is unknown.
        let doc = serde_json::json!({"Statement": {"Effect": "Allow",
            "Principal": {"Service": "logging.s3.amazonaws.com"}, "Action": "s3:PutObject"}});
        assert_eq!(bucket_access(&parsed(doc), own), Ok((false, false)));
        let unknown = format!("{}`x` is not known", policy_document::UNKNOWN_PREFIX);
        let doc = serde_json::json!({"Statement": {"Effect": "Allow",
            "Principal": {"Service": unknown}, "Action": "s3:GetObject"}});
        assert!(bucket_access(&parsed(doc), own).is_err());
    }

    #[test]
    fn endpoint_policies_allowing_any_model() {
        let doc = serde_json::json!({"Statement": {"Effect": "Allow", "Principal": "*",
            "Action": "*", "Resource": "*"}});
        assert_eq!(any_model_invocation(&parsed(doc)), Ok(true));
        let doc = serde_json::json!({"Statement": {"Effect": "Allow", "Principal": "*",
            "Action": "bedrock:Invoke*", "Resource": "arn:aws:bedrock:*::foundation-model/*"}});
        assert_eq!(any_model_invocation(&parsed(doc)), Ok(true));
        let doc = serde_json::json!({"Statement": {"Effect": "Allow", "Principal": "*",
            "Action": ["bedrock:InvokeModel"],
            "Resource": "arn:aws:bedrock:us-east-1::foundation-model/amazon.titan-text-express-v1"}});
        assert_eq!(any_model_invocation(&parsed(doc)), Ok(false));
    }

    #[test]
    fn service_wide_grants() {
        let st = |doc: serde_json::Value| parsed(doc).remove(0);
        for a in ["bedrock:*", "*", "Bed*", "sagemaker:*"] {
            let s = st(
                serde_json::json!({"Statement": {"Effect": "Allow", "Action": a, "Resource": "*"}}),
            );
            assert!(
                allows_whole_service(&s, "bedrock") || allows_whole_service(&s, "sagemaker"),
                "{a}"
            );
        }
        for a in ["bedrock:Invoke*", "bedrock:*Model", "s3:*"] {
            let s = st(
                serde_json::json!({"Statement": {"Effect": "Allow", "Action": a, "Resource": "*"}}),
            );
            assert!(!allows_whole_service(&s, "bedrock"), "{a}");
        }
        let s = st(
            serde_json::json!({"Statement": {"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"}}),
        );
        assert!(allows_whole_service(&s, "bedrock"));
        let s = st(
            serde_json::json!({"Statement": {"Effect": "Allow", "NotAction": "bedrock:Delete*", "Resource": "*"}}),
        );
        assert!(!allows_whole_service(&s, "bedrock"));
    }

    #[test]
    fn marketplace_subscribe_scoping() {
        let st = |doc: serde_json::Value| parsed(doc).remove(0);
        let s = st(serde_json::json!({"Statement": {"Effect": "Allow",
            "Action": "aws-marketplace:Subscribe", "Resource": "*"}}));
        assert_eq!(unscoped_marketplace_subscribe(&s), Ok(true));
        let s = st(serde_json::json!({"Statement": {"Effect": "Allow",
            "Action": "aws-marketplace:*", "Resource": "*",
            "Condition": {"ForAnyValue:StringEquals": {"aws-marketplace:ProductId": ["prod-1"]}}}}));
        assert_eq!(unscoped_marketplace_subscribe(&s), Ok(false));
        let s = st(serde_json::json!({"Statement": {"Effect": "Deny",
            "Action": "aws-marketplace:Subscribe", "Resource": "*"}}));
        assert_eq!(unscoped_marketplace_subscribe(&s), Ok(false));
    }

    #[test]
    fn serverless_patterns_pick_the_most_specific_rule() {
        let o = serde_json::json!({"Rules": [
            {"ResourceType": "collection", "Resource": ["collection/kb-*", "collection/kb-docs"]},
            {"ResourceType": "dashboard", "Resource": ["collection/*"]}]});
        assert_eq!(best_match(&o, "kb-docs"), Some((true, 18)));
        assert_eq!(best_match(&o, "kb-faq"), Some((false, 15)));
        assert_eq!(best_match(&o, "other"), None);
        assert!(every_collection("collection/*"));
        assert!(every_collection("index/*/*"));
        assert!(!every_collection("index/kb/*"));
        assert!(!every_collection("collection/kb-*"));
        // Network policies are arrays, encryption policies objects, either as JSON text.
        assert_eq!(
            policy_objects(serde_json::json!("[{\"a\":1},{\"b\":2}]"))
                .unwrap()
                .len(),
            2
        );
        assert_eq!(
            policy_objects(serde_json::json!({"Rules": []}))
                .unwrap()
                .len(),
            1
        );
    }

    #[test]
    fn an_encryption_policy_naming_a_key_known_after_deployment_names_a_key() {
        let unknown = format!(
            "{}`aws_kms_key.k.arn` is known only after deployment",
            policy_document::UNKNOWN_PREFIX
        );
        let doc = serde_json::json!({"Rules": [], "AWSOwnedKey": false, "KmsARN": unknown});
        assert!(policy_objects(doc.clone()).is_err());
        let objs = policy_objects(named_key(doc)).unwrap();
        assert_eq!(objs[0]["KmsARN"], "(a key known after deployment)");
        let text = serde_json::json!({"AWSOwnedKey": false, "KmsARN": unknown}).to_string();
        assert!(policy_objects(named_key(Json::String(text))).is_ok());
        // Unknown rules still make the policy unknown.
        let doc = serde_json::json!({"Rules": unknown, "AWSOwnedKey": false, "KmsARN": "k"});
        assert!(policy_objects(named_key(doc)).is_err());
    }

    #[test]
    fn tls_denials_need_a_blanket_deny() {
        let doc = serde_json::json!({"Statement": [
            {"Effect": "Deny", "Principal": {"AWS": "*"}, "Action": "s3:*", "Resource": "*",
             "Condition": {"Bool": {"aws:SecureTransport": "false"}}},
            {"Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": "*",
             "Condition": {"NumericLessThan": {"s3:TlsVersion": 1.2}}}
        ]});
        assert_eq!(
            tls_denials(&policy_document::parse(&doc).unwrap()),
            Ok((true, true))
        );
        // Scoped to one principal, or an old floor: not enforcement.
        let doc = serde_json::json!({"Statement": [
            {"Effect": "Deny", "Principal": {"AWS": "arn:aws:iam::1:role/x"}, "Action": "s3:*",
             "Condition": {"Bool": {"aws:SecureTransport": "false"}}},
            {"Effect": "Deny", "Principal": "*", "Action": "s3:*",
             "Condition": {"NumericLessThan": {"s3:TlsVersion": "1.0"}}}
        ]});
        assert_eq!(
            tls_denials(&policy_document::parse(&doc).unwrap()),
            Ok((false, false))
        );
        // An unknown resource does not matter; an unknown principal does.
        let unknown = format!("{}`b.arn` is not known", policy_document::UNKNOWN_PREFIX);
        let doc = serde_json::json!({"Statement": [
            {"Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": unknown.clone(),
             "Condition": {"Bool": {"aws:SecureTransport": "false"}}}]});
        assert_eq!(
            tls_denials(&policy_document::parse(&doc).unwrap()),
            Ok((true, false))
        );
        let doc = serde_json::json!({"Statement": [
            {"Effect": "Deny", "Principal": {"AWS": unknown}, "Action": "s3:*",
             "Condition": {"Bool": {"aws:SecureTransport": "false"}}}]});
        assert!(tls_denials(&policy_document::parse(&doc).unwrap()).is_err());
    }

    fn trail_with(name: &str, doc: serde_json::Value) -> Resource {
        let location = Location {
            file: "t.json".into(),
            line: 1,
        };
        let mut r = Resource::new(TRAIL, "t", location);
        r.documents.insert_value(name, &doc);
        r
    }

    /// (reads, writes) of the bucket `ml-data` by a trail's selectors.
    fn records(name: &str, doc: serde_json::Value) -> (bool, bool) {
        let sels = object_selectors(&trail_with(name, doc)).unwrap();
        let prefix = "arn:aws:s3:::ml-data/";
        (
            sels.iter().any(|s| s.reads && s.covers(prefix)),
            sels.iter().any(|s| s.writes && s.covers(prefix)),
        )
    }

    #[test]
    fn basic_object_selectors_cover_buckets_by_arn_prefix() {
        let basic = |rw: &str, values: &[&str]| {
            serde_json::json!([{"ReadWriteType": rw, "IncludeManagementEvents": true,
                "DataResources": [{"Type": "AWS::S3::Object", "Values": values}]}])
        };
        // `arn:aws:s3` is every bucket; so is `arn:aws:s3:::`.
        assert_eq!(
            records("eventSelectors", basic("All", &["arn:aws:s3"])),
            (true, true)
        );
        assert_eq!(
            records("eventSelectors", basic("All", &["arn:aws:s3:::"])),
            (true, true)
        );
        assert_eq!(
            records(
                "eventSelectors",
                basic("ReadOnly", &["arn:aws:s3:::ml-data/"])
            ),
            (true, false)
        );
        assert_eq!(
            records(
                "eventSelectors",
                basic("WriteOnly", &["arn:aws:s3:::ml-data/"])
            ),
            (false, true)
        );
        // Another bucket, or a prefix inside this one, does not cover it.
        assert_eq!(
            records(
                "eventSelectors",
                basic("All", &["arn:aws:s3:::ml-data-archive/"])
            ),
            (false, false)
        );
        assert_eq!(
            records(
                "eventSelectors",
                basic("All", &["arn:aws:s3:::ml-data/train/"])
            ),
            (false, false)
        );
        // Lambda data resources are not S3 objects.
        let lambda = serde_json::json!([{"ReadWriteType": "All",
            "DataResources": [{"Type": "AWS::Lambda::Function", "Values": ["arn:aws:lambda"]}]}]);
        assert_eq!(records("eventSelectors", lambda), (false, false));
    }

    #[test]
    fn advanced_object_selectors_read_arn_conditions_and_read_only() {
        let adv = |extra: serde_json::Value| {
            let mut fields = vec![
                serde_json::json!({"Field": "eventCategory", "Equals": ["Data"]}),
                serde_json::json!({"Field": "resources.type", "Equals": ["AWS::S3::Object"]}),
            ];
            fields.extend(extra.as_array().cloned().unwrap_or_default());
            serde_json::json!([{"Name": "s3", "FieldSelectors": fields}])
        };
        let all = serde_json::json!([]);
        assert_eq!(records("advancedEventSelectors", adv(all)), (true, true));
        let read_only = serde_json::json!([{"Field": "readOnly", "Equals": ["true"]}]);
        assert_eq!(
            records("advancedEventSelectors", adv(read_only)),
            (true, false)
        );
        let write_only = serde_json::json!([{"Field": "readOnly", "Equals": ["false"]}]);
        assert_eq!(
            records("advancedEventSelectors", adv(write_only)),
            (false, true)
        );
        let starts = serde_json::json!([{"Field": "resources.ARN", "StartsWith": ["arn:aws:s3:::ml-data/"]}]);
        assert_eq!(records("advancedEventSelectors", adv(starts)), (true, true));
        let other =
            serde_json::json!([{"Field": "resources.ARN", "StartsWith": ["arn:aws:s3:::logs/"]}]);
        assert_eq!(
            records("advancedEventSelectors", adv(other)),
            (false, false)
        );
        let equals = serde_json::json!([{"Field": "resources.ARN", "Equals": ["arn:aws:s3:::ml-data/a.csv"]}]);
        assert_eq!(
            records("advancedEventSelectors", adv(equals)),
            (false, false)
        );
        // Exclusions: of this bucket, of a prefix inside it, of another bucket.
        let excluded = serde_json::json!([{"Field": "resources.ARN", "NotStartsWith": ["arn:aws:s3:::ml-data/"]}]);
        assert_eq!(
            records("advancedEventSelectors", adv(excluded)),
            (false, false)
        );
        let inside = serde_json::json!([{"Field": "resources.ARN", "NotStartsWith": ["arn:aws:s3:::ml-data/tmp/"]}]);
        assert_eq!(
            records("advancedEventSelectors", adv(inside)),
            (false, false)
        );
        let elsewhere = serde_json::json!([{"Field": "resources.ARN", "NotStartsWith": ["arn:aws:s3:::logs/"]}]);
        assert_eq!(
            records("advancedEventSelectors", adv(elsewhere)),
            (true, true)
        );
        // Narrowed to some operations: not every read or write.
        let names = serde_json::json!([{"Field": "eventName", "Equals": ["GetObject"]}]);
        assert_eq!(
            records("advancedEventSelectors", adv(names)),
            (false, false)
        );
        // Management selectors record no object events.
        let mgmt = serde_json::json!([{"Name": "m", "FieldSelectors": [
            {"Field": "eventCategory", "Equals": ["Management"]}]}]);
        assert_eq!(records("advancedEventSelectors", mgmt), (false, false));
    }

    #[test]
    fn unknown_selectors_make_object_coverage_unknown() {
        let unknown = format!(
            "{}`bucket.arn` is not known",
            policy_document::UNKNOWN_PREFIX
        );
        let doc = serde_json::json!([{"ReadWriteType": "All",
            "DataResources": [{"Type": "AWS::S3::Object", "Values": [unknown]}]}]);
        assert!(object_selectors(&trail_with("eventSelectors", doc)).is_err());
    }

    #[test]
    fn opt_out_content_must_opt_out_by_default_and_opt_nothing_in() {
        let j = |v: serde_json::Value| opts_out_all(Some(v));
        // A declared policy (`@@assign`) and an effective one (the value), as JSON or text.
        assert_eq!(
            j(
                serde_json::json!({"services": {"default": {"opt_out_policy": {"@@assign": "optOut"}}}})
            ),
            Ok(true)
        );
        assert_eq!(
            j(serde_json::json!(
                r#"{"services":{"default":{"opt_out_policy":"optOut"}}}"#
            )),
            Ok(true)
        );
        assert_eq!(
            j(serde_json::json!({"services": {
                "@@operators_allowed_for_child_policies": ["@@none"],
                "default": {"opt_out_policy": "optOut"},
                "comprehend": {"opt_out_policy": "optOut"}}})),
            Ok(true)
        );
        assert_eq!(
            j(
                serde_json::json!({"services": {"default": {"opt_out_policy": "optOut"},
                "rekognition": {"opt_out_policy": "optIn"}}})
            ),
            Ok(false)
        );
        assert_eq!(
            j(serde_json::json!({"services": {"lex": {"opt_out_policy": "optOut"}}})),
            Ok(false)
        );
        // Values are case-sensitive: AWS ignores `optout`.
        assert_eq!(
            j(serde_json::json!({"services": {"default": {"opt_out_policy": "optout"}}})),
            Ok(false)
        );
        assert_eq!(opts_out_all(None), Ok(false));
        assert!(j(serde_json::json!("{not json")).is_err());
    }
}
