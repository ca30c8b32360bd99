//! Realistic `ailint-inventory/v1` inventories, for the demo and the benchmarks.
//!
//! [`generate`] builds an organisation running AI/ML workloads. Each account has, in each of
//! its regions, a platform (a shared customer-managed key, VPCs with their endpoints, the
//! Lake Formation settings, a data-event trail, Bedrock model invocation logging and the
//! cross-region inference profiles AWS defines) and projects that use it: SageMaker
//! notebooks, Studio domains, training jobs, registered model packages, models, endpoint
//! configurations with data capture, endpoints and their monitoring schedules; Bedrock
//! guardrails, agents, AgentCore runtimes, knowledge bases with their data sources and an
//! OpenSearch domain, OpenSearch Serverless collection (with its encryption, network and
//! data-access policies) or a store reached with a Secrets Manager secret, custom models
//! and application inference profiles; Lake Formation grants and
//! registered locations; IAM statements. Each account has one multi-region management
//! trail and its account-wide S3 Block Public Access settings. A few resources sit in other
//! regions (someone's proof of concept).
//!
//! Every setting a rule judges is right two times in three: each such fact draws from its
//! own shuffled bag of two good outcomes and one bad, so even a small inventory has both
//! passing and failing resources for every rule. References use the forms AWS prints (key ARN, key id,
//! alias, alias ARN, `alias/aws/...`; VPC id; guardrail ARN or id) and always resolve:
//! a referenced resource is emitted before the resources that reference it, so cutting
//! the output at the requested size never leaves a dangling reference.
//!
//! The output depends only on the size and the seed (a SplitMix64 generator, no external
//! crate), and its cost is linear in the size. Resource types and attributes added later
//! draw from streams of their own (a second, a third, ...), so adding them left the values
//! of the others unchanged.

use std::collections::HashMap;

use serde_json::{json, Map, Value};

use crate::sources::inventory::FORMAT;

/// Regions where most of the organisation runs.
const HOME_REGIONS: [&str; 2] = ["us-east-1", "eu-west-1"];
/// An allowed region a few larger accounts also use.
const SECOND_US_REGION: &str = "us-west-2";
/// Regions of stray resources; only us-west-2 is in the default allowed set.
const STRAY_REGIONS: [&str; 6] = [
    "eu-central-1",
    "ap-southeast-1",
    "us-west-2",
    "ap-northeast-1",
    "ca-central-1",
    "sa-east-1",
];
/// One stray resource per this many projects.
const STRAY_EVERY: usize = 16;
/// Resources per account, roughly: 100k resources make 50 accounts.
const RESOURCES_PER_ACCOUNT: usize = 2000;

const ACCOUNT_NAMES: [&str; 16] = [
    "ml-platform-prod",
    "data-science-dev",
    "genai-apps-prod",
    "claims-analytics-prod",
    "fraud-ml-prod",
    "genai-sandbox",
    "risk-models-staging",
    "customer-insights-prod",
    "ml-platform-staging",
    "research-dev",
    "contact-center-ai",
    "underwriting-ml-prod",
    "data-lake-prod",
    "marketing-analytics",
    "document-ai-prod",
    "security-tooling",
];

const SAGEMAKER_PROJECTS: [&str; 14] = [
    "fraud-scoring",
    "churn-prediction",
    "credit-risk",
    "demand-forecast",
    "anomaly-detection",
    "product-recs",
    "price-optimization",
    "document-ocr",
    "claims-severity",
    "med-coding",
    "image-triage",
    "lead-scoring",
    "aml-transactions",
    "call-sentiment",
];

/// Bedrock projects and the corpus their knowledge base indexes.
const BEDROCK_PROJECTS: [(&str, &str); 12] = [
    ("claims-assistant", "claims"),
    ("support-copilot", "support-articles"),
    ("policy-qa", "policies"),
    ("contract-review", "contracts"),
    ("kyc-screening", "kyc-procedures"),
    ("call-summarizer", "call-transcripts"),
    ("underwriting-assist", "underwriting-guides"),
    ("hr-helpdesk", "hr-handbook"),
    ("research-digest", "research-papers"),
    ("it-service-desk", "it-runbooks"),
    ("sales-email-drafter", "product-sheets"),
    ("compliance-checker", "regulations"),
];

/// Lake Formation databases and their tables.
const DATABASES: [(&str, [&str; 3]); 7] = [
    ("claims", ["claims", "payments", "adjusters"]),
    ("customers", ["profiles", "contacts", "segments"]),
    ("transactions", ["card_txn", "wire_txn", "chargebacks"]),
    ("telemetry", ["app_events", "sessions", "devices"]),
    ("underwriting", ["applications", "decisions", "risk_scores"]),
    ("marketing", ["campaigns", "responses", "attribution"]),
    (
        "ml_features",
        ["fraud_features", "churn_features", "credit_features"],
    ),
];

const USERS: [&str; 12] = [
    "asmith", "bkumar", "cnguyen", "dmueller", "egarcia", "fokafor", "gsato", "hlee", "ipetrova",
    "jbrown", "kdubois", "lrossi",
];
const TEAMS: [&str; 8] = [
    "ml-platform",
    "data-science",
    "genai",
    "risk-analytics",
    "claims-ai",
    "customer-insights",
    "fraud-ops",
    "research",
];
const FOUNDATION_MODELS: [&str; 6] = [
    "anthropic.claude-3-5-sonnet-20240620-v1:0",
    "anthropic.claude-3-haiku-20240307-v1:0",
    "us.anthropic.claude-3-7-sonnet-20250219-v1:0",
    "amazon.nova-pro-v1:0",
    "meta.llama3-1-70b-instruct-v1:0",
    "mistral.mistral-large-2402-v1:0",
];
const EMBEDDING_MODELS: [&str; 3] = [
    "amazon.titan-embed-text-v2:0",
    "amazon.titan-embed-text-v1",
    "cohere.embed-english-v3",
];
const ANALYST_ROLES: [&str; 6] = [
    "DataScientist",
    "ClaimsAnalyst",
    "MLTrainingJobRole",
    "BedrockKBIngestionRole",
    "AnalyticsReadOnly",
    "FeatureStoreWriter",
];
const REQUIRED_PII: [&str; 4] = [
    "EMAIL",
    "PHONE",
    "US_SOCIAL_SECURITY_NUMBER",
    "CREDIT_DEBIT_CARD_NUMBER",
];
const EXTRA_PII: [&str; 5] = [
    "NAME",
    "ADDRESS",
    "US_BANK_ACCOUNT_NUMBER",
    "DRIVER_ID",
    "IP_ADDRESS",
];

/// Foundation models AWS offers cross-region inference profiles for, in both geographies.
const PROFILE_MODELS: [&str; 4] = [
    "anthropic.claude-3-5-sonnet-20240620-v1:0",
    "anthropic.claude-3-haiku-20240307-v1:0",
    "amazon.nova-pro-v1:0",
    "amazon.nova-lite-v1:0",
];
/// Base models that can be fine-tuned, with their context-length suffix.
const CUSTOMIZABLE_MODELS: [&str; 4] = [
    "amazon.titan-text-express-v1:0:8k",
    "amazon.nova-lite-v1:0:300k",
    "anthropic.claude-3-haiku-20240307-v1:0:200k",
    "meta.llama3-1-8b-instruct-v1:0:128k",
];

/// Generates an inventory of exactly `resources` resources (fewer only when `resources` is
/// 0), the same for the same arguments.
pub fn generate(resources: usize, seed: u64) -> Value {
    let mut g = Gen::new(resources, seed);
    let mut project = 0;
    while g.out.len() < g.target {
        g.project(project);
        project += 1;
    }
    let accounts: Vec<Value> = g
        .accounts
        .iter()
        .filter(|a| a.emitted)
        .map(|a| json!({"id": a.id, "name": a.name}))
        .collect();
    let mut top = Map::new();
    top.insert("format".into(), json!(FORMAT));
    top.insert(
        "generator".into(),
        json!(format!("ailint-gen --resources {resources} --seed {seed}")),
    );
    top.insert("collectedAt".into(), json!("2025-06-02T08:00:00Z"));
    top.insert("accounts".into(), Value::Array(accounts));
    top.insert("resources".into(), Value::Array(g.out));
    Value::Object(top)
}

/// SplitMix64: small, fast and good enough for test data.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (`n` > 0).
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    /// A number in `lo..=hi`.
    fn range(&mut self, lo: usize, hi: usize) -> usize {
        lo + self.below(hi - lo + 1)
    }

    fn chance(&mut self, p: f64) -> bool {
        ((self.next() >> 11) as f64) / ((1u64 << 53) as f64) < p
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }

    fn chars(&mut self, n: usize, alphabet: &[u8]) -> String {
        (0..n)
            .map(|_| alphabet[self.below(alphabet.len())] as char)
            .collect()
    }

    fn hex(&mut self, n: usize) -> String {
        self.chars(n, b"0123456789abcdef")
    }

    fn lower_alnum(&mut self, n: usize) -> String {
        self.chars(n, b"abcdefghijklmnopqrstuvwxyz0123456789")
    }

    fn upper_alnum(&mut self, n: usize) -> String {
        self.chars(n, b"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
    }

    fn uuid(&mut self) -> String {
        format!(
            "{}-{}-4{}-{}{}-{}",
            self.hex(8),
            self.hex(4),
            self.hex(3),
            self.pick(&["8", "9", "a", "b"]),
            self.hex(3),
            self.hex(12)
        )
    }
}

struct Account {
    id: String,
    name: String,
    emitted: bool,
}

/// A customer-managed key and the ways it can be referenced.
#[derive(Clone)]
struct Key {
    arn: String,
    key_id: String,
    alias: String,
}

#[derive(Clone)]
struct Vpc {
    id: String,
    subnets: Vec<String>,
}

/// One account in one region, with its platform resources once emitted.
struct Scope {
    account: usize,
    region: &'static str,
    ready: bool,
    key: Option<Key>,
    /// VPCs AI workloads are placed in.
    ai_vpcs: Vec<Vpc>,
    admins: Vec<String>,
}

/// Where a resource lives.
#[derive(Clone)]
struct At {
    account: String,
    region: &'static str,
}

struct Gen {
    rng: Rng,
    /// A second stream for the resources and attributes added after the first release of
    /// the generator, so that they leave the draws (and so the values) of the others as
    /// they were. See [`Gen::extra`].
    extra: Rng,
    /// A third stream, for the additions made after the second: see [`Gen::later`].
    later: Rng,
    /// Another, likewise, for AgentCore runtimes and the secrets of vector stores. See
    /// [`Gen::third`].
    third: Rng,
    target: usize,
    out: Vec<Value>,
    accounts: Vec<Account>,
    scopes: Vec<Scope>,
    /// Scope indexes weighted by how busy their region is.
    weighted: Vec<usize>,
    names: HashMap<String, u32>,
    /// Per judged fact: the outcomes left in its bag, and whether the bag was filled before.
    bags: HashMap<&'static str, (Vec<bool>, bool)>,
    strays: usize,
    /// The last agent execution role made in each account, for agents that share one.
    agent_roles: HashMap<String, String>,
    /// The random stream of agents' roles and action-group functions.
    agent_rng: Rng,
}

impl Gen {
    fn new(target: usize, seed: u64) -> Gen {
        let mut rng = Rng(seed ^ 0x6169_6c69_6e74_2d67);
        let n_accounts = (target / RESOURCES_PER_ACCOUNT).max(2);
        let mut accounts = Vec::with_capacity(n_accounts);
        let mut ids = std::collections::HashSet::new();
        for i in 0..n_accounts {
            let id = loop {
                let id = format!("{:012}", 100_000_000_000 + rng.next() % 900_000_000_000);
                if ids.insert(id.clone()) {
                    break id;
                }
            };
            let base = ACCOUNT_NAMES[i % ACCOUNT_NAMES.len()];
            let name = match i / ACCOUNT_NAMES.len() {
                0 => base.to_string(),
                n => format!("{base}-{}", n + 1),
            };
            accounts.push(Account {
                id,
                name,
                emitted: false,
            });
        }
        let mut scopes = Vec::new();
        let mut weighted = Vec::new();
        for i in 0..n_accounts {
            let mut regions: Vec<&'static str> = HOME_REGIONS.to_vec();
            if n_accounts > 2 && i % 4 == 3 {
                regions.push(SECOND_US_REGION);
            }
            for region in regions {
                let weight = match region {
                    "us-east-1" => 3,
                    "eu-west-1" => 2,
                    _ => 1,
                };
                weighted.extend(std::iter::repeat_n(scopes.len(), weight));
                scopes.push(Scope {
                    account: i,
                    region,
                    ready: false,
                    key: None,
                    ai_vpcs: Vec::new(),
                    admins: Vec::new(),
                });
            }
        }
        Gen {
            rng,
            extra: Rng(seed ^ 0x6169_6c69_6e74_2d78),
            later: Rng(seed ^ 0x6169_6c69_6e74_2d33),
            third: Rng(seed ^ 0x6169_6c69_6e74_2d76),
            target,
            out: Vec::with_capacity(target),
            accounts,
            scopes,
            weighted,
            names: HashMap::new(),
            bags: HashMap::new(),
            strays: 0,
            agent_roles: HashMap::new(),
            agent_rng: Rng(seed ^ 0x6169_6c69_6e74_2d61),
        }
    }

    /// A name not used before for this kind of resource: `name`, else `name-2`, `name-3`...
    fn unique(&mut self, kind: &str, name: String) -> String {
        let n = self.names.entry(format!("{kind}|{name}")).or_insert(0);
        *n += 1;
        match *n {
            1 => name,
            k => format!("{name}-{k}"),
        }
    }

    /// Whether the next resource gets the judged setting `fact` right: two draws in every
    /// three, in shuffled order, and the first two draws of a fact always differ.
    fn ok(&mut self, fact: &'static str) -> bool {
        let (bag, refilled) = self.bags.entry(fact).or_default();
        if bag.is_empty() {
            // Draws pop from the end: a bad outcome at index 1 or 2 is drawn first or second.
            let bad = if *refilled {
                self.rng.below(3)
            } else {
                1 + self.rng.below(2)
            };
            *refilled = true;
            bag.extend((0..3).map(|i| i != bad));
        }
        bag.pop().unwrap_or(true)
    }

    /// Runs `f` with the second random stream: what it draws (including the bags of the
    /// facts it judges and the tags it makes) leaves the main stream untouched. The facts
    /// judged inside are only ever judged inside.
    fn extra<T>(&mut self, f: impl FnOnce(&mut Gen) -> T) -> T {
        std::mem::swap(&mut self.rng, &mut self.extra);
        let out = f(self);
        std::mem::swap(&mut self.rng, &mut self.extra);
        out
    }

    /// Like [`Gen::extra`], with the third stream: what it draws leaves the first two
    /// untouched, so the resources made before it was added keep their values.
    fn later<T>(&mut self, f: impl FnOnce(&mut Gen) -> T) -> T {
        std::mem::swap(&mut self.rng, &mut self.later);
        let out = f(self);
        std::mem::swap(&mut self.rng, &mut self.later);
        out
    }

    /// Like [`Gen::extra`], with the stream of agents' roles and functions, so that they
    /// leave the draws of every other resource as they were.
    fn agent_stream<T>(&mut self, f: impl FnOnce(&mut Gen) -> T) -> T {
        std::mem::swap(&mut self.rng, &mut self.agent_rng);
        let out = f(self);
        std::mem::swap(&mut self.rng, &mut self.agent_rng);
        out
    }

    /// Runs `f` with the stream of AgentCore runtimes and vector-store secrets, as
    /// [`Gen::extra`] does with the second.
    fn third<T>(&mut self, f: impl FnOnce(&mut Gen) -> T) -> T {
        std::mem::swap(&mut self.rng, &mut self.third);
        let out = f(self);
        std::mem::swap(&mut self.rng, &mut self.third);
        out
    }

    fn at(&self, scope: usize) -> At {
        let s = &self.scopes[scope];
        At {
            account: self.accounts[s.account].id.clone(),
            region: s.region,
        }
    }

    /// Adds a resource unless the inventory is full.
    fn emit(&mut self, r: Map<String, Value>) {
        if self.out.len() < self.target {
            self.out.push(Value::Object(r));
        }
    }

    fn tags(&mut self, project: &str, env: &str, team: &str) -> Value {
        let mut t = Map::new();
        t.insert("Project".into(), json!(project));
        t.insert("Environment".into(), json!(env));
        t.insert("Owner".into(), json!(format!("{team}@example.com")));
        if self.rng.chance(0.8) {
            t.insert(
                "CostCenter".into(),
                json!(format!("CC-{}", 1000 + self.rng.below(9000))),
            );
        }
        if self.rng.chance(0.6) {
            let class = *self
                .rng
                .pick(&["confidential", "internal", "restricted", "public"]);
            t.insert("DataClassification".into(), json!(class));
        }
        Value::Object(t)
    }

    /// A reference to a key as a service would print it (key ARN, key id, alias or alias
    /// ARN), or, for the bad draws of `fact`, the service's AWS-managed key alias or nothing
    /// (the service's default key).
    fn key_ref(
        &mut self,
        fact: &'static str,
        key: &Key,
        at: &At,
        managed_alias: &str,
    ) -> Option<String> {
        if !self.ok(fact) {
            return self.rng.chance(0.6).then(|| managed_alias.to_string());
        }
        Some(match self.rng.below(100) {
            0..=49 => key.arn.clone(),
            50..=69 => key.key_id.clone(),
            70..=89 => key.alias.clone(),
            _ => format!("arn:aws:kms:{}:{}:{}", at.region, at.account, key.alias),
        })
    }

    fn project(&mut self, index: usize) {
        let scope = if index < 3 * self.scopes.len() {
            index % self.scopes.len()
        } else {
            self.weighted[self.rng.below(self.weighted.len())]
        };
        if !self.scopes[scope].ready {
            self.platform(scope);
        }
        if index % STRAY_EVERY == 3 {
            self.stray(scope);
        }
        // The first rounds give every scope one project of each kind.
        let kind = if index < 3 * self.scopes.len() {
            index / self.scopes.len()
        } else {
            match self.rng.below(100) {
                0..=44 => 0,
                45..=84 => 1,
                _ => 2,
            }
        };
        match kind {
            0 => self.sagemaker_project(scope),
            1 => self.bedrock_project(scope),
            _ => self.data_lake_project(scope),
        }
    }

    // -----------------------------------------------------------------------------------
    // Platform: per account and region.

    fn platform(&mut self, scope: usize) {
        self.scopes[scope].ready = true;
        let at = self.at(scope);
        let account = self.scopes[scope].account;
        let before = self.out.len();
        let key = self.kms_key(&at, "ml-platform", "ml-platform", "prod", "ml-platform");
        self.scopes[scope].key = Some(key.clone());
        // Everything of an account comes after its first platform key.
        if self.out.len() > before {
            self.accounts[account].emitted = true;
        }

        let mut vpcs = vec![("ml-workloads", true)];
        if self.rng.chance(0.35) {
            vpcs.push(("genai-apps", true));
        }
        if self.rng.chance(0.3) {
            vpcs.push(("shared-services", false));
        }
        for (name, ai) in vpcs {
            let vpc = self.vpc(&at, name, ai);
            if ai {
                self.scopes[scope].ai_vpcs.push(vpc);
            }
        }

        let admins = self.data_lake_settings(&at);
        self.scopes[scope].admins = admins;

        // The account's management trail lives in the first region the account shows up in.
        let first_in_account = !self.scopes[..scope]
            .iter()
            .any(|s| s.account == account && s.ready);
        if first_in_account {
            self.logs_bucket(&at, &key);
            self.management_trail(&at, &key);
        }
        // A region's data-event trail records the Bedrock types, the SageMaker type, both or
        // (when both are missing) sometimes there is no such trail at all.
        let bedrock = self.ok("region.bedrock-data-events");
        let sagemaker = self.ok("region.sagemaker-data-events");
        if bedrock || sagemaker || self.rng.chance(0.5) {
            self.data_event_trail(&at, &key, bedrock, sagemaker);
        }
        self.extra(|g| {
            if first_in_account {
                g.account_public_access_block(&at);
            }
            g.invocation_logging(&at, &key);
            g.system_inference_profiles(&at);
        });
        if first_in_account {
            self.later(|g| {
                g.effective_opt_out_policy(&at);
                if account == 0 {
                    g.opt_out_policies(&at);
                }
            });
        }
    }

    fn kms_key(&mut self, at: &At, alias: &str, project: &str, env: &str, team: &str) -> Key {
        let key_id = self.rng.uuid();
        let arn = format!("arn:aws:kms:{}:{}:key/{key_id}", at.region, at.account);
        let alias = format!(
            "alias/{}",
            self.unique(&format!("alias|{}", at.account), alias.into())
        );
        let state = match self.rng.below(100) {
            0..=94 => "Enabled",
            95..=97 => "Disabled",
            _ => "PendingDeletion",
        };
        let mut attrs = Map::new();
        attrs.insert("keyManager".into(), json!("CUSTOMER"));
        if state != "Enabled" || self.rng.chance(0.5) {
            attrs.insert("keyState".into(), json!(state));
        }
        let rotation = self.ok("kms.rotation");
        attrs.insert("rotationEnabled".into(), json!(rotation));
        attrs.insert("aliases".into(), json!([alias]));
        let tags = self.tags(project, env, team);
        let mut r = resource("AWS::KMS::Key", &arn, &alias, at);
        r.insert("tags".into(), tags);
        r.insert("attributes".into(), Value::Object(attrs));
        self.emit(r);
        Key { arn, key_id, alias }
    }

    fn vpc(&mut self, at: &At, name: &str, ai: bool) -> Vpc {
        let id = format!("vpc-0{}", self.rng.hex(16));
        let name = self.unique(&format!("vpc|{}|{}", at.account, at.region), name.into());
        let arn = format!("arn:aws:ec2:{}:{}:vpc/{id}", at.region, at.account);
        let mut r = resource("AWS::EC2::VPC", &arn, &name, at);
        let mut tags = self.tags(&name, "prod", "ml-platform");
        if let Value::Object(t) = &mut tags {
            t.insert("Name".into(), json!(name));
        }
        r.insert("tags".into(), tags);
        self.emit(r);
        let subnets = (0..3)
            .map(|_| format!("subnet-0{}", self.rng.hex(16)))
            .collect();

        // (service, type, usable)
        let mut services: Vec<(&str, &str, bool)> = vec![("s3", "Gateway", true)];
        if ai {
            // Each group is complete two times in three; otherwise one endpoint of it is
            // missing, or has private DNS off or is still pending.
            const BEDROCK: [&str; 4] = [
                "bedrock",
                "bedrock-runtime",
                "bedrock-agent",
                "bedrock-agent-runtime",
            ];
            const SAGEMAKER: [&str; 2] = ["sagemaker.api", "sagemaker.runtime"];
            for (group, fact) in [
                (&BEDROCK[..], "vpc.bedrock-endpoints"),
                (&SAGEMAKER[..], "vpc.sagemaker-endpoints"),
            ] {
                let flaw = if self.ok(fact) {
                    None
                } else {
                    Some((self.rng.below(group.len()), self.rng.chance(0.7)))
                };
                for (i, service) in group.iter().enumerate() {
                    match flaw {
                        Some((f, true)) if f == i => {}
                        Some((f, false)) if f == i => services.push((service, "Interface", false)),
                        _ => services.push((service, "Interface", true)),
                    }
                }
            }
            for s in ["logs", "kms", "sts", "ecr.api", "ecr.dkr"] {
                if self.rng.chance(0.15) {
                    services.push((s, "Interface", true));
                }
            }
        } else {
            services.extend([("ssm", "Interface", true), ("logs", "Interface", true)]);
        }
        for (service, ty, usable) in services {
            self.vpc_endpoint(at, &id, &name, service, ty, usable);
        }
        Vpc { id, subnets }
    }

    fn vpc_endpoint(
        &mut self,
        at: &At,
        vpc: &str,
        vpc_name: &str,
        service: &str,
        ty: &str,
        usable: bool,
    ) {
        let id = format!("vpce-0{}", self.rng.hex(16));
        let arn = format!("arn:aws:ec2:{}:{}:vpc-endpoint/{id}", at.region, at.account);
        let name = format!("{vpc_name}-{service}");
        let mut attrs = Map::new();
        attrs.insert(
            "serviceName".into(),
            json!(format!("com.amazonaws.{}.{service}", at.region)),
        );
        attrs.insert("vpcEndpointType".into(), json!(ty));
        if ty == "Interface" {
            // An unusable endpoint is pending or has private DNS off.
            let dns = usable || self.rng.chance(0.5);
            attrs.insert("privateDnsEnabled".into(), json!(dns));
            let state = if dns && !usable {
                "pending"
            } else {
                "available"
            };
            if state != "available" || self.rng.chance(0.7) {
                attrs.insert("state".into(), json!(state));
            }
        } else if self.rng.chance(0.7) {
            attrs.insert("state".into(), json!("available"));
        }
        attrs.insert("vpc".into(), json!(vpc));
        let mut r = resource("AWS::EC2::VPCEndpoint", &arn, &name, at);
        let tags = self.tags(vpc_name, "prod", "ml-platform");
        r.insert("tags".into(), tags);
        r.insert("attributes".into(), Value::Object(attrs));
        if service == "bedrock-runtime" {
            if let Some(policy) = self.extra(|g| g.bedrock_endpoint_policy(at)) {
                r.insert("documents".into(), json!({"policy": policy}));
            }
        }
        self.emit(r);
    }

    fn data_lake_settings(&mut self, at: &At) -> Vec<String> {
        let mut admins = vec![format!("arn:aws:iam::{}:role/DataLakeAdmin", at.account)];
        if self.rng.chance(0.5) {
            admins.push(format!(
                "arn:aws:iam::{}:role/DataPlatformEngineer",
                at.account
            ));
        }
        // Lake Formation's out-of-the-box defaults grant ALL to IAM_ALLOWED_PRINCIPALS.
        let iam_default = json!([{"principal": "IAM_ALLOWED_PRINCIPALS", "permissions": ["ALL"]}]);
        let db = if self.ok("lf.database-defaults") {
            json!([])
        } else {
            iam_default.clone()
        };
        let table = if self.ok("lf.table-defaults") {
            json!([])
        } else {
            iam_default
        };
        let id = format!(
            "arn:aws:lakeformation:{}:{}:data-lake-settings",
            at.region, at.account
        );
        let mut r = resource(
            "AWS::LakeFormation::DataLakeSettings",
            &id,
            "data-lake-settings",
            at,
        );
        r.insert(
            "attributes".into(),
            json!({
                "admins": admins,
                "createDatabaseDefaultPermissions": db,
                "createTableDefaultPermissions": table,
            }),
        );
        self.emit(r);
        admins
    }

    fn logs_bucket(&mut self, at: &At, key: &Key) {
        let name = format!("org-cloudtrail-logs-{}-{}", at.account, at.region);
        let mut attrs = Map::new();
        attrs.insert("sseAlgorithm".into(), json!("aws:kms"));
        attrs.insert("kmsKey".into(), json!(key.arn));
        let policy = json!({
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Sid": "AWSCloudTrailAclCheck",
                    "Effect": "Allow",
                    "Principal": {"Service": "cloudtrail.amazonaws.com"},
                    "Action": "s3:GetBucketAcl",
                    "Resource": format!("arn:aws:s3:::{name}")
                },
                {
                    "Sid": "AWSCloudTrailWrite",
                    "Effect": "Allow",
                    "Principal": {"Service": "cloudtrail.amazonaws.com"},
                    "Action": "s3:PutObject",
                    "Resource": format!("arn:aws:s3:::{name}/AWSLogs/{}/*", at.account),
                    "Condition": {"StringEquals": {"s3:x-amz-acl": "bucket-owner-full-control"}}
                }
            ]
        });
        self.extra(|g| g.bucket_public_access_block(&mut attrs));
        let mut r = resource(
            "AWS::S3::Bucket",
            &format!("arn:aws:s3:::{name}"),
            &name,
            at,
        );
        let tags = self.tags("audit-logging", "prod", "security");
        r.insert("tags".into(), tags);
        r.insert("attributes".into(), Value::Object(attrs));
        r.insert("documents".into(), json!({"policy": policy}));
        self.emit(r);
    }

    fn trail_common(&mut self, attrs: &mut Map<String, Value>, key: &Key) {
        if self.ok("trail.kms") {
            attrs.insert("kmsKey".into(), json!(key.arn));
        }
        let validation = self.ok("trail.validation");
        if validation || self.rng.chance(0.5) {
            attrs.insert("logFileValidationEnabled".into(), json!(validation));
        }
    }

    /// The account's multi-region management trail, right two times in three.
    fn management_trail(&mut self, at: &At, key: &Key) {
        let name = "org-management-events";
        // Object events of its own log bucket only: the AI buckets are recorded (or not) by
        // the regions' data-event trails.
        let logs_prefix = format!(
            "arn:aws:s3:::org-cloudtrail-logs-{}-{}/",
            at.account, at.region
        );
        let arn = format!(
            "arn:aws:cloudtrail:{}:{}:trail/{name}",
            at.region, at.account
        );
        let mut attrs = Map::new();
        let mut docs = Map::new();
        let advanced = self.rng.chance(0.5);
        let flaw = if self.ok("trail.management") {
            None
        } else {
            Some(self.rng.below(4))
        };
        attrs.insert("isMultiRegionTrail".into(), json!(flaw != Some(0)));
        if flaw == Some(1) {
            attrs.insert("isLogging".into(), json!(false));
        } else if self.rng.chance(0.6) {
            attrs.insert("isLogging".into(), json!(true));
        }
        self.trail_common(&mut attrs, key);
        let write_only = flaw == Some(2);
        let excluded: Vec<&str> = match flaw {
            Some(3) => vec!["kms.amazonaws.com", "bedrock.amazonaws.com"],
            _ if self.rng.chance(0.3) => vec!["kms.amazonaws.com"],
            _ => vec![],
        };
        if advanced {
            let mut fields = vec![json!({"Field": "eventCategory", "Equals": ["Management"]})];
            if write_only {
                fields.push(json!({"Field": "readOnly", "Equals": ["false"]}));
            }
            if !excluded.is_empty() {
                fields.push(json!({"Field": "eventSource", "NotEquals": excluded}));
            }
            let mut selectors =
                vec![json!({"Name": "Management events", "FieldSelectors": fields})];
            if self.rng.chance(0.5) {
                selectors.push(json!({
                    "Name": "S3 object events on the trail logs",
                    "FieldSelectors": [
                        {"Field": "eventCategory", "Equals": ["Data"]},
                        {"Field": "resources.type", "Equals": ["AWS::S3::Object"]},
                        {"Field": "resources.ARN", "StartsWith": [logs_prefix]}
                    ]
                }));
            }
            docs.insert("advancedEventSelectors".into(), Value::Array(selectors));
        } else {
            let mut selector = Map::new();
            selector.insert(
                "ReadWriteType".into(),
                json!(if write_only { "WriteOnly" } else { "All" }),
            );
            selector.insert("IncludeManagementEvents".into(), json!(true));
            selector.insert(
                "DataResources".into(),
                if self.rng.chance(0.5) {
                    json!([{"Type": "AWS::S3::Object", "Values": [logs_prefix]}])
                } else {
                    json!([])
                },
            );
            selector.insert("ExcludeManagementEventSources".into(), json!(excluded));
            docs.insert(
                "eventSelectors".into(),
                Value::Array(vec![Value::Object(selector)]),
            );
        }
        let mut r = resource("AWS::CloudTrail::Trail", &arn, name, at);
        let tags = self.tags("audit-logging", "prod", "security");
        r.insert("tags".into(), tags);
        r.insert("attributes".into(), Value::Object(attrs));
        r.insert("documents".into(), Value::Object(docs));
        self.emit(r);
    }

    /// A single-region trail recording Bedrock and SageMaker data events, or only some.
    fn data_event_trail(&mut self, at: &At, key: &Key, bedrock: bool, sagemaker: bool) {
        let name = format!("ai-data-events-{}", at.region);
        let arn = format!(
            "arn:aws:cloudtrail:{}:{}:trail/{name}",
            at.region, at.account
        );
        let mut types = vec!["AWS::S3::Object"];
        if bedrock {
            types.extend(["AWS::Bedrock::AgentAlias", "AWS::Bedrock::KnowledgeBase"]);
        } else if self.rng.chance(0.5) {
            types.push("AWS::Bedrock::KnowledgeBase");
        }
        if bedrock && self.rng.chance(0.3) {
            types.push("AWS::Bedrock::Model");
        }
        if sagemaker {
            types.push("AWS::SageMaker::Endpoint");
        }
        let mut selectors: Vec<Value> = types
            .iter()
            .map(|t| {
                json!({
                    "Name": format!("{t} data events"),
                    "FieldSelectors": [
                        {"Field": "eventCategory", "Equals": ["Data"]},
                        {"Field": "resources.type", "Equals": [t]}
                    ]
                })
            })
            .collect();
        // S3 object events of every bucket, or (for the bad draws) reads only, or only the
        // objects under one prefix.
        let narrowing = self.later(|g| {
            if g.ok("region.s3-object-events") {
                None
            } else if g.rng.chance(0.5) {
                Some(json!({"Field": "readOnly", "Equals": ["true"]}))
            } else {
                Some(json!({"Field": "resources.ARN", "StartsWith": ["arn:aws:s3:::shared-datasets/"]}))
            }
        });
        if let (Some(field), Some(fields)) =
            (narrowing, selectors[0]["FieldSelectors"].as_array_mut())
        {
            fields.push(field);
        }
        let mut attrs = Map::new();
        attrs.insert("isMultiRegionTrail".into(), json!(false));
        attrs.insert("isLogging".into(), json!(true));
        self.trail_common(&mut attrs, key);
        let mut r = resource("AWS::CloudTrail::Trail", &arn, &name, at);
        let tags = self.tags("audit-logging", "prod", "security");
        r.insert("tags".into(), tags);
        r.insert("attributes".into(), Value::Object(attrs));
        r.insert(
            "documents".into(),
            json!({"advancedEventSelectors": selectors}),
        );
        self.emit(r);
    }

    // -----------------------------------------------------------------------------------
    // Projects.

    fn env(&mut self) -> &'static str {
        match self.rng.below(10) {
            0..=4 => "prod",
            5..=6 => "staging",
            _ => "dev",
        }
    }

    /// The project's key: its own customer key most of the time, else the platform's.
    fn project_key(&mut self, scope: usize, at: &At, project: &str, env: &str, team: &str) -> Key {
        if self.rng.chance(0.6) {
            let key = self.kms_key(at, project, project, env, team);
            // A project key being retired while the project still uses it.
            if !self.extra(|g| g.ok("kms.key-state")) {
                if let Some(Value::Object(r)) = self.out.last_mut() {
                    if r.get("id") == Some(&json!(key.arn)) {
                        r.insert("attributes".into(), {
                            let mut a = r["attributes"].as_object().cloned().unwrap_or_default();
                            a.insert("keyState".into(), json!("PendingDeletion"));
                            Value::Object(a)
                        });
                    }
                }
            }
            key
        } else {
            self.scopes[scope]
                .key
                .clone()
                .unwrap_or_else(|| self.kms_key(at, project, project, env, team))
        }
    }

    fn ai_vpc(&mut self, scope: usize) -> Option<Vpc> {
        let vpcs = &self.scopes[scope].ai_vpcs;
        if vpcs.is_empty() {
            return None;
        }
        let i = self.rng.below(vpcs.len());
        Some(self.scopes[scope].ai_vpcs[i].clone())
    }

    fn sagemaker_project(&mut self, scope: usize) {
        let at = self.at(scope);
        let base = *self.rng.pick(&SAGEMAKER_PROJECTS);
        let env = self.env();
        let project = self.unique("project", format!("{base}-{env}"));
        let team = *self.rng.pick(&TEAMS);
        let key = self.project_key(scope, &at, &project, env, team);

        let artifacts = format!("{project}-artifacts-{}", at.account);
        self.ai_bucket(&at, &artifacts, &key, &project, env, team);
        let capture = if self.rng.chance(0.5) {
            let name = format!("{project}-capture-{}", at.account);
            self.ai_bucket(&at, &name, &key, &project, env, team);
            name
        } else {
            artifacts.clone()
        };

        for _ in 0..self.rng.range(1, 2) {
            let user = *self.rng.pick(&USERS);
            let name = self.unique(
                &format!("notebook|{}|{}", at.account, at.region),
                format!("{project}-{user}"),
            );
            self.notebook(scope, &at, &name, &key, &project, env, team);
        }
        if self.rng.chance(0.5) {
            self.studio_domain(scope, &at, &project, &key, env, team);
        }
        let models = self.rng.range(1, 3);
        let mut model_names = Vec::with_capacity(models);
        for v in 1..=models {
            let name = format!("{project}-v{v}");
            let package = self.extra(|g| g.model_package(&at, &project, v, &key, env, team));
            let job = self.model(scope, &at, &name, &artifacts, &project, env, team, package);
            if let Some(job) = job {
                self.extra(|g| {
                    g.training_job(scope, &at, &job, &artifacts, &key, &project, env, team)
                });
            }
            model_names.push(name);
        }
        for (i, model) in model_names.iter().enumerate().take(self.rng.range(1, 2)) {
            let name = if i == 0 {
                project.clone()
            } else {
                format!("{project}-shadow")
            };
            let capture_on = self.endpoint_config(
                &at,
                &name,
                &key,
                &capture,
                &[model.as_str()],
                &project,
                env,
                team,
            );
            self.extra(|g| g.endpoint(&at, &name, capture_on, &project, env, team));
        }
        self.policy_statements(&at, &project, false);
    }

    fn ai_bucket(&mut self, at: &At, name: &str, key: &Key, project: &str, env: &str, team: &str) {
        let arn = format!("arn:aws:s3:::{name}");
        let mut attrs = Map::new();
        match self.rng.below(10) {
            0..=5 => {
                attrs.insert("sseAlgorithm".into(), json!("aws:kms"));
                if let Some(k) = self.key_ref("kms.bucket", key, at, "alias/aws/s3") {
                    attrs.insert("kmsKey".into(), json!(k));
                }
            }
            6..=8 => {
                attrs.insert("sseAlgorithm".into(), json!("AES256"));
            }
            _ => {}
        }
        let resources = json!([arn, format!("{arn}/*")]);
        let mut statements = vec![json!({
            "Sid": "AllowSageMakerExecutionRole",
            "Effect": "Allow",
            "Principal": {"AWS": format!("arn:aws:iam::{}:role/{project}-sagemaker-execution", at.account)},
            "Action": ["s3:GetObject", "s3:PutObject", "s3:ListBucket"],
            "Resource": resources
        })];
        let secure = self.ok("bucket.secure-transport");
        let tls12 = self.ok("bucket.tls12");
        let has_policy = secure || tls12 || self.rng.chance(0.6);
        if secure {
            statements.push(json!({
                "Sid": "DenyInsecureTransport",
                "Effect": "Deny",
                "Principal": "*",
                "Action": "s3:*",
                "Resource": resources,
                "Condition": {"Bool": {"aws:SecureTransport": "false"}}
            }));
        } else if has_policy && self.rng.chance(0.3) {
            // Looks right, but only binds one role: not enforcement.
            statements.push(json!({
                "Sid": "DenyInsecureTransport",
                "Effect": "Deny",
                "Principal": {"AWS": format!("arn:aws:iam::{}:role/{project}-sagemaker-execution", at.account)},
                "Action": "s3:*",
                "Resource": resources,
                "Condition": {"Bool": {"aws:SecureTransport": "false"}}
            }));
        }
        if tls12 || (has_policy && self.rng.chance(0.1)) {
            // A floor of 1.0 looks like enforcement but is not.
            let floor = if tls12 { "1.2" } else { "1.0" };
            statements.push(json!({
                "Sid": "DenyOutdatedTLS",
                "Effect": "Deny",
                "Principal": "*",
                "Action": "s3:*",
                "Resource": resources,
                "Condition": {"NumericLessThan": {"s3:TlsVersion": floor}}
            }));
        }
        self.extra(|g| g.bucket_public_access_block(&mut attrs));
        if has_policy {
            self.extra(|g| g.bucket_access_statements(&mut statements, at, &resources));
        }
        let mut r = resource("AWS::S3::Bucket", &arn, name, at);
        let tags = self.tags(project, env, team);
        r.insert("tags".into(), tags);
        r.insert("attributes".into(), Value::Object(attrs));
        if has_policy {
            let policy = json!({"Version": "2012-10-17", "Statement": statements});
            // GetBucketPolicy returns the document as a string.
            let policy = if self.rng.chance(0.2) {
                json!(policy.to_string())
            } else {
                policy
            };
            r.insert("documents".into(), json!({"policy": policy}));
        }
        self.emit(r);
    }

    #[allow(clippy::too_many_arguments)]
    fn notebook(
        &mut self,
        scope: usize,
        at: &At,
        name: &str,
        key: &Key,
        project: &str,
        env: &str,
        team: &str,
    ) {
        let arn = format!(
            "arn:aws:sagemaker:{}:{}:notebook-instance/{name}",
            at.region, at.account
        );
        let mut attrs = Map::new();
        if let Some(k) = self.key_ref("kms.notebook", key, at, "alias/aws/sagemaker") {
            attrs.insert("kmsKey".into(), json!(k));
        }
        let internet = if self.ok("notebook.internet") {
            Some("Disabled")
        } else {
            self.rng.chance(0.6).then_some("Enabled")
        };
        if let Some(v) = internet {
            attrs.insert("directInternetAccess".into(), json!(v));
        }
        if self.ok("notebook.root") {
            attrs.insert("rootAccess".into(), json!("Disabled"));
        } else if self.rng.chance(0.6) {
            attrs.insert("rootAccess".into(), json!("Enabled"));
        }
        // Disabling direct internet access requires a VPC subnet.
        if internet == Some("Disabled") || self.rng.chance(0.7) {
            if let Some(vpc) = self.ai_vpc(scope) {
                let subnet = self.rng.pick(&vpc.subnets).clone();
                attrs.insert("subnetId".into(), json!(subnet));
                attrs.insert("vpc".into(), json!(vpc.id));
            }
        }
        let mut r = resource("AWS::SageMaker::NotebookInstance", &arn, name, at);
        let tags = self.tags(project, env, team);
        r.insert("tags".into(), tags);
        r.insert("attributes".into(), Value::Object(attrs));
        self.emit(r);
    }

    fn studio_domain(
        &mut self,
        scope: usize,
        at: &At,
        project: &str,
        key: &Key,
        env: &str,
        team: &str,
    ) {
        let id = format!("d-{}", self.rng.lower_alnum(12));
        let arn = format!("arn:aws:sagemaker:{}:{}:domain/{id}", at.region, at.account);
        let name = format!("{project}-studio");
        let mut attrs = Map::new();
        if self.ok("studio.vpc-only") {
            attrs.insert("appNetworkAccessType".into(), json!("VpcOnly"));
        } else if self.rng.chance(0.7) {
            attrs.insert("appNetworkAccessType".into(), json!("PublicInternetOnly"));
        }
        if let Some(k) = self.key_ref("kms.studio", key, at, "alias/aws/sagemaker") {
            attrs.insert("kmsKey".into(), json!(k));
        }
        if let Some(vpc) = self.ai_vpc(scope) {
            attrs.insert("vpc".into(), json!(vpc.id));
        }
        let mut r = resource("AWS::SageMaker::Domain", &arn, &name, at);
        let tags = self.tags(project, env, team);
        r.insert("tags".into(), tags);
        r.insert("attributes".into(), Value::Object(attrs));
        self.emit(r);
    }

    #[allow(clippy::too_many_arguments)]
    fn model(
        &mut self,
        scope: usize,
        at: &At,
        name: &str,
        bucket: &str,
        project: &str,
        env: &str,
        team: &str,
        package: Option<String>,
    ) -> Option<String> {
        let arn = format!(
            "arn:aws:sagemaker:{}:{}:model/{name}",
            at.region, at.account
        );
        let mut attrs = Map::new();
        if self.ok("model.isolation") {
            attrs.insert("enableNetworkIsolation".into(), json!(true));
        } else if self.rng.chance(0.6) {
            attrs.insert("enableNetworkIsolation".into(), json!(false));
        }
        let vpc = if self.ok("model.vpc") {
            self.ai_vpc(scope)
        } else {
            None
        };
        match vpc {
            Some(vpc) => {
                let subnets: Vec<&String> = vpc.subnets.iter().take(2).collect();
                attrs.insert("vpcSubnets".into(), json!(subnets));
                attrs.insert("vpc".into(), json!(vpc.id));
            }
            None => {
                attrs.insert("vpcSubnets".into(), json!([]));
            }
        }
        let (url, job) = if self.rng.chance(0.05) {
            let url = format!(
                "s3://jumpstart-cache-prod-{}/huggingface-infer/prepack/v1.0.0/infer-prepack-huggingface-text2text-flan-t5-large.tar.gz",
                at.region
            );
            (url, None)
        } else {
            let job = format!(
                "{project}-train-2025-0{}-{:02}",
                1 + self.rng.below(5),
                1 + self.rng.below(28)
            );
            (
                format!("s3://{bucket}/training/{job}/output/model.tar.gz"),
                Some(job),
            )
        };
        attrs.insert("modelDataUrl".into(), json!(url));
        let image = self.extra(|g| {
            if g.ok("model.private-image") {
                format!(
                    "{}.dkr.ecr.{}.amazonaws.com/{project}:{}",
                    at.account,
                    at.region,
                    1 + g.rng.below(9)
                )
            } else if g.rng.chance(0.6) {
                // A SageMaker built-in image: another account's registry.
                format!(
                    "683313688378.dkr.ecr.{}.amazonaws.com/sagemaker-xgboost:1.7-1",
                    at.region
                )
            } else {
                format!("public.ecr.aws/{team}/{project}:latest")
            }
        });
        attrs.insert("image".into(), json!(image));
        if let Some(p) = package {
            attrs.insert("modelPackage".into(), json!(p));
        }
        let mut r = resource("AWS::SageMaker::Model", &arn, name, at);
        let tags = self.tags(project, env, team);
        r.insert("tags".into(), tags);
        r.insert("attributes".into(), Value::Object(attrs));
        self.emit(r);
        job
    }

    #[allow(clippy::too_many_arguments)]
    fn endpoint_config(
        &mut self,
        at: &At,
        name: &str,
        key: &Key,
        capture_bucket: &str,
        models: &[&str],
        project: &str,
        env: &str,
        team: &str,
    ) -> bool {
        let arn = format!(
            "arn:aws:sagemaker:{}:{}:endpoint-config/{name}",
            at.region, at.account
        );
        let mut attrs = Map::new();
        if let Some(k) = self.key_ref("kms.endpoint-config", key, at, "alias/aws/sagemaker") {
            attrs.insert("kmsKey".into(), json!(k));
        }
        let mut capture_on = false;
        if self.rng.chance(0.75) {
            let mut capture = Map::new();
            capture_on = self.rng.chance(0.85);
            capture.insert("enableCapture".into(), json!(capture_on));
            if let Some(k) = self.key_ref("kms.data-capture", key, at, "alias/aws/sagemaker") {
                capture.insert("kmsKey".into(), json!(k));
            }
            capture.insert(
                "destinationS3Uri".into(),
                json!(format!("s3://{capture_bucket}/datacapture/{name}")),
            );
            capture.insert(
                "initialSamplingPercentage".into(),
                json!(*self.rng.pick(&[5, 10, 20, 25, 50, 100])),
            );
            attrs.insert("dataCapture".into(), Value::Object(capture));
        }
        attrs.insert("models".into(), json!(models));
        let mut r = resource("AWS::SageMaker::EndpointConfig", &arn, name, at);
        let tags = self.tags(project, env, team);
        r.insert("tags".into(), tags);
        r.insert("attributes".into(), Value::Object(attrs));
        self.emit(r);
        capture_on
    }

    fn bedrock_project(&mut self, scope: usize) {
        let at = self.at(scope);
        let (base, corpus) = *self.rng.pick(&BEDROCK_PROJECTS);
        let env = self.env();
        let project = self.unique("project", format!("{base}-{env}"));
        let suffix = project[base.len()..].replace("-prod", "");
        let team = *self.rng.pick(&TEAMS);
        let key = self.project_key(scope, &at, &project, env, team);

        let mut guardrails = Vec::new();
        for i in 0..self.rng.range(1, 2) {
            let name = match i {
                0 => format!("{base}-guardrail{suffix}"),
                _ => format!("{base}-strict-guardrail{suffix}"),
            };
            guardrails.push(self.guardrail(&at, &name, &key, &project, env, team));
        }
        for i in 0..self.rng.range(1, 2) {
            let name = match i {
                0 => format!("{base}-agent{suffix}"),
                _ => format!("{base}-triage-agent{suffix}"),
            };
            let guardrail = if self.rng.chance(0.75) {
                let (arn, id) = self.rng.pick(&guardrails).clone();
                Some(if self.rng.chance(0.7) { arn } else { id })
            } else {
                None
            };
            self.agent(&at, &name, &key, guardrail, &project, env, team);
        }
        self.third(|g| g.agent_runtime(&at, base, &suffix, &project, env, team));
        let storage = match self.rng.below(100) {
            0..=29 => "OPENSEARCH_SERVERLESS",
            30..=79 => "OPENSEARCH_MANAGED_CLUSTER",
            80..=87 => "PINECONE",
            _ => "RDS",
        };
        if storage == "OPENSEARCH_MANAGED_CLUSTER" {
            self.opensearch(scope, &at, corpus, &key, &project, env, team);
        }
        let collection = (storage == "OPENSEARCH_SERVERLESS").then(|| {
            self.extra(|g| g.serverless_collection(&at, corpus, Some(&key), &project, env, team))
        });
        let kb = self.knowledge_base(
            &at,
            &format!("{corpus}-kb{suffix}"),
            storage,
            collection.as_deref(),
            Some(&key),
            &project,
            env,
            team,
        );
        self.extra(|g| {
            g.data_sources(&at, &kb, corpus, &key);
            g.custom_model(&at, base, &key, &project, env, team);
            g.application_inference_profile(&at, &project, env, team);
        });
        self.policy_statements(&at, &project, true);
    }

    fn guardrail(
        &mut self,
        at: &At,
        name: &str,
        key: &Key,
        project: &str,
        env: &str,
        team: &str,
    ) -> (String, String) {
        let id = self.rng.lower_alnum(12);
        let arn = format!(
            "arn:aws:bedrock:{}:{}:guardrail/{id}",
            at.region, at.account
        );
        let mut attrs = Map::new();
        if self.rng.chance(0.5) {
            if let Some(k) = self.key_ref("kms.guardrail", key, at, "alias/aws/bedrock") {
                attrs.insert("kmsKey".into(), json!(k));
            }
        }

        // PII: all required types guarded on both sides, or one of them weakened.
        let mut pii: Vec<Value> = Vec::new();
        let weak = if self.ok("guardrail.pii") {
            None
        } else {
            Some(self.rng.below(REQUIRED_PII.len()))
        };
        let flaw = self.rng.below(4);
        for (i, t) in REQUIRED_PII.iter().enumerate() {
            let action = if self.rng.chance(0.7) {
                "BLOCK"
            } else {
                "ANONYMIZE"
            };
            let mut e = json!({
                "type": t, "inputAction": action, "outputAction": action,
                "inputEnabled": true, "outputEnabled": true
            });
            if weak == Some(i) {
                match flaw {
                    0 => continue,
                    1 => e["outputAction"] = json!("NONE"),
                    2 => e["outputEnabled"] = json!(false),
                    _ => e["inputAction"] = json!("NONE"),
                }
            }
            pii.push(e);
        }
        for t in EXTRA_PII {
            if self.rng.chance(0.3) {
                pii.push(json!({
                    "type": t, "inputAction": "ANONYMIZE", "outputAction": "ANONYMIZE",
                    "inputEnabled": true, "outputEnabled": true
                }));
            }
        }
        if !pii.is_empty() {
            attrs.insert("piiEntities".into(), Value::Array(pii));
        }

        let mut filters = Vec::new();
        let hate = if self.ok("guardrail.hate") {
            Some(("HIGH", "HIGH"))
        } else {
            match self.rng.below(10) {
                0..=3 => Some(("MEDIUM", "MEDIUM")),
                4..=6 => Some(("HIGH", "LOW")),
                _ => None,
            }
        };
        if let Some((input, output)) = hate {
            filters.push(json!({"type": "HATE", "inputStrength": input, "outputStrength": output}));
        }
        for t in ["INSULTS", "SEXUAL", "VIOLENCE", "MISCONDUCT"] {
            if self.rng.chance(0.8) {
                let s = *self.rng.pick(&["LOW", "MEDIUM", "HIGH", "HIGH"]);
                filters.push(json!({"type": t, "inputStrength": s, "outputStrength": s}));
            }
        }
        if self.rng.chance(0.7) {
            // Prompt-attack filters apply to input only.
            filters.push(
                json!({"type": "PROMPT_ATTACK", "inputStrength": "HIGH", "outputStrength": "NONE"}),
            );
        }
        attrs.insert("contentFilters".into(), Value::Array(filters));
        let words: Vec<Value> = if self.ok("guardrail.profanity") {
            vec![json!({"type": "PROFANITY"})]
        } else if self.rng.chance(0.5) {
            // Detect-only on output: present but not enforced.
            vec![json!({"type": "PROFANITY", "outputAction": "NONE"})]
        } else {
            vec![]
        };
        attrs.insert("managedWordLists".into(), Value::Array(words));
        let topics = self.extra(|g| {
            let mut topics = Vec::new();
            if g.ok("guardrail.topics") {
                topics.push(json!({"name": "investment-advice", "type": "DENY"}));
            } else if g.rng.chance(0.5) {
                // Present but detect-only on output.
                topics.push(
                    json!({"name": "investment-advice", "type": "DENY", "outputAction": "NONE"}),
                );
            }
            if g.rng.chance(0.4) {
                topics.push(json!({"name": "legal-advice", "type": "DENY"}));
            }
            topics
        });
        if !topics.is_empty() {
            attrs.insert("topics".into(), Value::Array(topics));
        }
        let mut grounding = Vec::new();
        for (kind, fact) in [
            ("GROUNDING", "guardrail.grounding"),
            ("RELEVANCE", "guardrail.relevance"),
        ] {
            if self.ok(fact) {
                let v = *self.rng.pick(&[0.7, 0.75, 0.8, 0.85, 0.9]);
                grounding.push(json!({"type": kind, "threshold": v}));
            } else if self.rng.chance(0.6) {
                let v = *self.rng.pick(&[0.3, 0.5, 0.6, 0.65]);
                grounding.push(json!({"type": kind, "threshold": v}));
            } else if self.rng.chance(0.5) {
                grounding.push(json!({"type": kind, "threshold": 0.8, "enabled": false}));
            }
        }
        if !grounding.is_empty() {
            attrs.insert("contextualGroundingFilters".into(), Value::Array(grounding));
        }
        let mut r = resource("AWS::Bedrock::Guardrail", &arn, name, at);
        let tags = self.tags(project, env, team);
        r.insert("tags".into(), tags);
        r.insert("attributes".into(), Value::Object(attrs));
        self.emit(r);
        (arn, id)
    }

    #[allow(clippy::too_many_arguments)]
    fn agent(
        &mut self,
        at: &At,
        name: &str,
        key: &Key,
        guardrail: Option<String>,
        project: &str,
        env: &str,
        team: &str,
    ) {
        let id = self.rng.upper_alnum(10);
        let arn = format!("arn:aws:bedrock:{}:{}:agent/{id}", at.region, at.account);
        let mut attrs = Map::new();
        // Agents take the key as an ARN (customerEncryptionKeyArn).
        if self.rng.chance(0.65) {
            attrs.insert("kmsKey".into(), json!(key.arn));
        }
        if let Some(g) = guardrail {
            attrs.insert("guardrail".into(), json!(g));
            let version = self.extra(Gen::guardrail_version);
            attrs.insert("guardrailVersion".into(), json!(version));
        }
        attrs.insert(
            "foundationModel".into(),
            json!(*self.rng.pick(&FOUNDATION_MODELS)),
        );
        if let Some(profile) =
            self.extra(|g| g.application_profile_ref(at, "agent.application-profile"))
        {
            attrs.insert("foundationModel".into(), json!(profile));
        }
        let (role, function) = self.agent_stream(|g| {
            let role = g.agent_role(at, name);
            let function = g.rng.chance(0.4).then(|| g.action_function(at, name));
            (role, function)
        });
        attrs.insert("role".into(), json!(role));
        attrs.insert(
            "actionGroupFunctions".into(),
            json!(function.into_iter().collect::<Vec<_>>()),
        );
        let mut r = resource("AWS::Bedrock::Agent", &arn, name, at);
        let tags = self.tags(project, env, team);
        r.insert("tags".into(), tags);
        r.insert("attributes".into(), Value::Object(attrs));
        self.emit(r);
    }

    /// An agent's execution role: for the bad draws another agent's role of the account,
    /// or a role with AmazonBedrockFullAccess.
    fn agent_role(&mut self, at: &At, agent: &str) -> String {
        if !self.ok("agent.dedicated-role") {
            if let Some(shared) = self.agent_roles.get(&at.account) {
                return shared.clone();
            }
        }
        let name = format!("AmazonBedrockExecutionRoleForAgents_{agent}");
        let arn = format!("arn:aws:iam::{}:role/{name}", at.account);
        let managed: Vec<&str> = if self.ok("agent.role-scoped") {
            vec![]
        } else {
            vec!["arn:aws:iam::aws:policy/AmazonBedrockFullAccess"]
        };
        self.iam_role(at, &arn, &name, &managed);
        self.agent_roles.insert(at.account.clone(), arn.clone());
        arn
    }

    /// The Lambda function of an agent's action group and its role: for the bad draws
    /// one with AdministratorAccess.
    fn action_function(&mut self, at: &At, agent: &str) -> String {
        let name = format!("{agent}-actions");
        let role_arn = format!("arn:aws:iam::{}:role/{name}", at.account);
        let mut managed = vec!["arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"];
        if !self.ok("agent.action-role-scoped") {
            managed.push("arn:aws:iam::aws:policy/AdministratorAccess");
        }
        self.iam_role(at, &role_arn, &name, &managed);
        let arn = format!(
            "arn:aws:lambda:{}:{}:function:{name}",
            at.region, at.account
        );
        let mut r = resource("AWS::Lambda::Function", &arn, &name, at);
        r.insert("attributes".into(), json!({"role": role_arn}));
        self.emit(r);
        arn
    }

    fn iam_role(&mut self, at: &At, arn: &str, name: &str, managed: &[&str]) {
        let mut r = Map::new();
        r.insert("type".into(), json!("AWS::IAM::Role"));
        r.insert("id".into(), json!(arn));
        r.insert("name".into(), json!(name));
        r.insert("account".into(), json!(at.account));
        r.insert("attributes".into(), json!({"managedPolicyArns": managed}));
        self.emit(r);
    }

    #[allow(clippy::too_many_arguments)]
    fn knowledge_base(
        &mut self,
        at: &At,
        name: &str,
        storage: &str,
        collection: Option<&str>,
        key: Option<&Key>,
        project: &str,
        env: &str,
        team: &str,
    ) -> String {
        // Stores reached with credentials keep them in a secret, emitted first.
        let secret = matches!(storage, "PINECONE" | "RDS")
            .then(|| self.third(|g| g.store_secret(at, name, key, project, env, team)));
        let id = self.rng.upper_alnum(10);
        let arn = format!(
            "arn:aws:bedrock:{}:{}:knowledge-base/{id}",
            at.region, at.account
        );
        let model = *self.rng.pick(&EMBEDDING_MODELS);
        let mut r = resource("AWS::Bedrock::KnowledgeBase", &arn, name, at);
        let tags = self.tags(project, env, team);
        r.insert("tags".into(), tags);
        let embedding = self
            .extra(|g| g.application_profile_ref(at, "kb.application-profile"))
            .unwrap_or_else(|| format!("arn:aws:bedrock:{}::foundation-model/{model}", at.region));
        r.insert(
            "attributes".into(),
            json!({
                "storageType": storage,
                "embeddingModelArn": embedding,
            }),
        );
        if let (Some(c), Some(Value::Object(attrs))) = (collection, r.get_mut("attributes")) {
            attrs.insert("collection".into(), json!(c));
        }
        if let (Some(secret), Some(Value::Object(attrs))) = (secret, r.get_mut("attributes")) {
            attrs.insert("credentialsSecret".into(), json!(secret));
        }
        self.emit(r);
        arn
    }

    /// The Secrets Manager secret with a vector store's credentials: encrypted with the
    /// project's key, or with the AWS managed key (named or left out).
    #[allow(clippy::too_many_arguments)]
    fn store_secret(
        &mut self,
        at: &At,
        kb: &str,
        key: Option<&Key>,
        project: &str,
        env: &str,
        team: &str,
    ) -> String {
        let name = format!("bedrock/{kb}-credentials");
        let suffix = self.rng.chars(
            6,
            b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789",
        );
        let arn = format!(
            "arn:aws:secretsmanager:{}:{}:secret:{name}-{suffix}",
            at.region, at.account
        );
        let mut attrs = Map::new();
        let kms = match key {
            Some(k) => self.key_ref("kms.store-secret", k, at, "alias/aws/secretsmanager"),
            None => None,
        };
        if let Some(k) = kms {
            attrs.insert("kmsKey".into(), json!(k));
        }
        let mut r = resource("AWS::SecretsManager::Secret", &arn, &name, at);
        let tags = self.tags(project, env, team);
        r.insert("tags".into(), tags);
        r.insert("attributes".into(), Value::Object(attrs));
        self.emit(r);
        arn
    }

    /// An AgentCore runtime hosting the project's agent code, in VPC or PUBLIC network mode.
    fn agent_runtime(
        &mut self,
        at: &At,
        base: &str,
        suffix: &str,
        project: &str,
        env: &str,
        team: &str,
    ) {
        // Runtime names take letters, digits and underscores.
        let name = format!("{base}{suffix}_runtime").replace('-', "_");
        let id = self.rng.chars(
            10,
            b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789",
        );
        let arn = format!(
            "arn:aws:bedrock-agentcore:{}:{}:runtime/{name}-{id}",
            at.region, at.account
        );
        let mode = if self.ok("agentcore.vpc-mode") {
            "VPC"
        } else {
            "PUBLIC"
        };
        let mut r = resource("AWS::BedrockAgentCore::Runtime", &arn, &name, at);
        let tags = self.tags(project, env, team);
        r.insert("tags".into(), tags);
        r.insert("attributes".into(), json!({ "networkMode": mode }));
        self.emit(r);
    }

    #[allow(clippy::too_many_arguments)]
    fn opensearch(
        &mut self,
        scope: usize,
        at: &At,
        corpus: &str,
        key: &Key,
        project: &str,
        env: &str,
        team: &str,
    ) {
        // Domain names are at most 28 characters.
        let mut base = format!("{corpus}-vectors-{env}");
        base.truncate(24);
        let base = base.trim_end_matches('-').to_string();
        let name = self.unique(&format!("es|{}|{}", at.account, at.region), base);
        let arn = format!("arn:aws:es:{}:{}:domain/{name}", at.region, at.account);
        let mut attrs = Map::new();
        let encrypted = self.rng.chance(0.85);
        attrs.insert("encryptionAtRest".into(), json!(encrypted));
        if encrypted {
            if let Some(k) = self.key_ref("kms.opensearch", key, at, "alias/aws/es") {
                attrs.insert("kmsKey".into(), json!(k));
            }
        }
        if self.ok("opensearch.https") {
            attrs.insert("enforceHttps".into(), json!(true));
        } else if self.rng.chance(0.7) {
            attrs.insert("enforceHttps".into(), json!(false));
        }
        let tls = if self.ok("opensearch.tls") {
            Some(if self.rng.chance(0.6) {
                "Policy-Min-TLS-1-2-2019-07"
            } else {
                "Policy-Min-TLS-1-2-PFS-2023-10"
            })
        } else {
            self.rng.chance(0.6).then_some("Policy-Min-TLS-1-0-2019-07")
        };
        if let Some(t) = tls {
            attrs.insert("tlsSecurityPolicy".into(), json!(t));
        }
        let node_to_node = self.ok("opensearch.node-to-node");
        attrs.insert("nodeToNodeEncryption".into(), json!(node_to_node));
        if self.rng.chance(0.7) {
            if let Some(vpc) = self.ai_vpc(scope) {
                attrs.insert("vpc".into(), json!(vpc.id));
                let subnets: Vec<&String> = vpc.subnets.iter().take(2).collect();
                attrs.insert("vpcSubnets".into(), json!(subnets));
            }
        }
        self.extra(|g| g.domain_access(&mut attrs));
        let mut r = resource("AWS::OpenSearchService::Domain", &arn, &name, at);
        let tags = self.tags(project, env, team);
        r.insert("tags".into(), tags);
        r.insert("attributes".into(), Value::Object(attrs));
        self.emit(r);
    }

    fn data_lake_project(&mut self, scope: usize) {
        let at = self.at(scope);
        let (db, tables) = *self.rng.pick(&DATABASES);
        let admins = self.scopes[scope].admins.clone();
        for _ in 0..self.rng.range(2, 6) {
            let admin = self.rng.chance(0.15);
            let (role_name, principal) = if admin {
                let p = self.rng.pick(&admins).clone();
                (p.rsplit('/').next().unwrap_or("admin").to_string(), p)
            } else if self.rng.chance(0.05) {
                (
                    "IAM_ALLOWED_PRINCIPALS".into(),
                    "IAM_ALLOWED_PRINCIPALS".into(),
                )
            } else {
                let role = *self.rng.pick(&ANALYST_ROLES);
                (
                    role.to_string(),
                    format!("arn:aws:iam::{}:role/{role}", at.account),
                )
            };
            let target = if self.rng.chance(0.4) {
                format!("database/{db}")
            } else {
                format!("table/{db}/{}", self.rng.pick(&tables))
            };
            let (perms, grantable): (Vec<&str>, Vec<&str>) = if admin {
                (vec!["ALL"], vec!["ALL"])
            } else {
                let perms = if !self.ok("lf.grant-all") {
                    vec!["ALL"]
                } else if target.starts_with("database/") {
                    vec!["DESCRIBE"]
                } else {
                    vec!["SELECT", "DESCRIBE"]
                };
                let grantable = if self.ok("lf.grant-option") {
                    vec![]
                } else {
                    vec![if target.starts_with("database/") {
                        "DESCRIBE"
                    } else {
                        "SELECT"
                    }]
                };
                (perms, grantable)
            };
            let name = self.unique(
                &format!("grant|{}|{}", at.account, at.region),
                format!("{role_name} on {target}"),
            );
            let id = format!(
                "lakeformation:{}:{}:grant/{}",
                at.region,
                at.account,
                name.replace(" on ", "/")
            );
            let mut r = resource("AWS::LakeFormation::Permissions", &id, &name, &at);
            r.insert(
                "attributes".into(),
                json!({
                    "principal": principal,
                    "target": target,
                    "permissions": perms,
                    "permissionsWithGrantOption": grantable,
                }),
            );
            self.emit(r);
        }
        self.extra(|g| g.data_lake_location(&at, db));
        let project = self.unique("project", format!("{db}-lake"));
        self.policy_statements(&at, &project, false);
    }

    /// One or two statements of the project's IAM policy (IAM is global: no region).
    fn policy_statements(&mut self, at: &At, project: &str, bedrock: bool) {
        let policy = format!("{project}-access");
        let mut statements: Vec<(&str, Vec<String>, Vec<String>)> = Vec::new();
        if bedrock {
            let model = *self.rng.pick(&FOUNDATION_MODELS);
            let resources = if self.rng.chance(0.65) {
                vec![format!(
                    "arn:aws:bedrock:{}::foundation-model/{model}",
                    at.region
                )]
            } else {
                vec!["*".to_string()]
            };
            let actions = if self.rng.chance(0.8) {
                vec![
                    "bedrock:invokemodel".to_string(),
                    "bedrock:invokemodelwithresponsestream".to_string(),
                ]
            } else {
                vec!["bedrock:*".to_string()]
            };
            statements.push(("InvokeModels", actions, resources));
            statements.push((
                "RetrieveFromKnowledgeBase",
                vec![
                    "bedrock:retrieve".into(),
                    "bedrock:retrieveandgenerate".into(),
                ],
                vec![format!(
                    "arn:aws:bedrock:{}:{}:knowledge-base/*",
                    at.region, at.account
                )],
            ));
        } else {
            statements.push((
                "InvokeEndpoints",
                vec!["sagemaker:invokeendpoint".into()],
                vec![format!(
                    "arn:aws:sagemaker:{}:{}:endpoint/{project}*",
                    at.region, at.account
                )],
            ));
            if self.rng.chance(0.5) {
                statements.push((
                    "ReadArtifacts",
                    vec!["s3:getobject".into(), "s3:listbucket".into()],
                    vec![format!("arn:aws:s3:::{project}-*")],
                ));
            }
        }
        let mut statements: Vec<Value> = statements
            .into_iter()
            .map(|(sid, actions, resources)| {
                json!({"Sid": sid, "Effect": "Allow", "Action": actions, "Resource": resources})
            })
            .collect();
        self.extra(|g| g.model_access_statements(&mut statements, at, bedrock));
        let mut r = Map::new();
        r.insert("type".into(), json!("AWS::IAM::Policy"));
        r.insert(
            "id".into(),
            json!(format!("arn:aws:iam::{}:policy/{policy}", at.account)),
        );
        r.insert("name".into(), json!(policy));
        r.insert("account".into(), json!(at.account));
        r.insert(
            "attributes".into(),
            json!({"attachedTo": [format!("arn:aws:iam::{}:role/{project}", at.account)]}),
        );
        r.insert(
            "documents".into(),
            json!({"policy": {"Version": "2012-10-17", "Statement": statements}}),
        );
        self.emit(r);
        self.extra(|g| g.role(at, project, bedrock));
    }

    /// A resource someone created in another region, outside the platform.
    fn stray(&mut self, scope: usize) {
        let region = STRAY_REGIONS[self.strays % STRAY_REGIONS.len()];
        self.strays += 1;
        let at = At {
            account: self.at(scope).account,
            region,
        };
        let user = *self.rng.pick(&USERS);
        let project = format!("{user}-poc");
        match self.rng.below(3) {
            0 => {
                let name = self.unique("stray", format!("{user}-poc-notebook"));
                let arn = format!(
                    "arn:aws:sagemaker:{region}:{}:notebook-instance/{name}",
                    at.account
                );
                let mut r = resource("AWS::SageMaker::NotebookInstance", &arn, &name, &at);
                let tags = self.tags(&project, "dev", "research");
                r.insert("tags".into(), tags);
                r.insert(
                    "attributes".into(),
                    json!({"kmsKey": "alias/aws/sagemaker", "directInternetAccess": "Enabled"}),
                );
                self.emit(r);
            }
            1 => {
                let (_, corpus) = *self.rng.pick(&BEDROCK_PROJECTS);
                let name = self.unique("stray", format!("poc-{corpus}-kb"));
                let collection = self.extra(|g| {
                    g.serverless_collection(&at, corpus, None, &project, "dev", "research")
                });
                self.knowledge_base(
                    &at,
                    &name,
                    "OPENSEARCH_SERVERLESS",
                    Some(&collection),
                    None,
                    &project,
                    "dev",
                    "research",
                );
            }
            _ => {
                let name = self.unique("stray", format!("{user}-poc-guardrail"));
                self.guardrail_without_key(&at, &name, &project);
            }
        }
        self.extra(|g| g.stray_training(&at, user, &project));
    }

    /// A proof-of-concept guardrail: default key, a medium HATE filter and nothing else.
    fn guardrail_without_key(&mut self, at: &At, name: &str, project: &str) {
        let id = self.rng.lower_alnum(12);
        let arn = format!(
            "arn:aws:bedrock:{}:{}:guardrail/{id}",
            at.region, at.account
        );
        let mut r = resource("AWS::Bedrock::Guardrail", &arn, name, at);
        let tags = self.tags(project, "dev", "research");
        r.insert("tags".into(), tags);
        r.insert(
            "attributes".into(),
            json!({
                "contentFilters": [{"type": "HATE", "inputStrength": "MEDIUM", "outputStrength": "MEDIUM"}],
                "managedWordLists": [],
            }),
        );
        self.emit(r);
    }
}

// Resource types and attributes added later: every function below runs inside
// `Gen::extra`, drawing from the second stream.
impl Gen {
    /// S3 Block Public Access settings: all four on, or for the bad draws of `fact` none
    /// set, or some or all of them off.
    fn public_access_block(&mut self, fact: &'static str) -> Option<Value> {
        if self.ok(fact) {
            return Some(json!({
                "blockPublicAcls": true, "ignorePublicAcls": true,
                "blockPublicPolicy": true, "restrictPublicBuckets": true,
            }));
        }
        match self.rng.below(3) {
            0 => None,
            1 => Some(json!({
                "blockPublicAcls": true, "ignorePublicAcls": true,
                "blockPublicPolicy": false, "restrictPublicBuckets": false,
            })),
            _ => Some(json!({
                "blockPublicAcls": false, "ignorePublicAcls": false,
                "blockPublicPolicy": false, "restrictPublicBuckets": false,
            })),
        }
    }

    fn bucket_public_access_block(&mut self, attrs: &mut Map<String, Value>) {
        if let Some(pab) = self.public_access_block("bucket.public-access-block") {
            attrs.insert("publicAccessBlock".into(), pab);
        }
    }

    /// The account's Block Public Access settings (account-wide: no region).
    fn account_public_access_block(&mut self, at: &At) {
        let mut attrs = Map::new();
        if let Some(pab) = self.public_access_block("account.public-access-block") {
            attrs.insert("publicAccessBlock".into(), pab);
        }
        let mut r = Map::new();
        r.insert("type".into(), json!("AWS::S3::AccountPublicAccessBlock"));
        r.insert(
            "id".into(),
            json!(format!("{}/s3-account-public-access-block", at.account)),
        );
        r.insert("name".into(), json!("account Block Public Access"));
        r.insert("account".into(), json!(at.account));
        r.insert("attributes".into(), Value::Object(attrs));
        self.emit(r);
    }

    /// The AI services opt-out policy in effect for the account: opting out of every AI
    /// service, or (for the bad draws) opting one back in, or none at all.
    fn effective_opt_out_policy(&mut self, at: &At) {
        let good = self.ok("account.ai-opt-out");
        let content = if good {
            json!({"services": {"default": {"opt_out_policy": "optOut"}}})
        } else if self.rng.chance(0.5) {
            json!({"services": {"default": {"opt_out_policy": "optOut"},
                                "rekognition": {"opt_out_policy": "optIn"}}})
        } else {
            // Not in an organization, or no opt-out policy attached: nothing in effect.
            return;
        };
        let mut r = Map::new();
        r.insert("type".into(), json!("AWS::Organizations::EffectivePolicy"));
        r.insert(
            "id".into(),
            json!(format!("{}/AISERVICES_OPT_OUT_POLICY", at.account)),
        );
        r.insert("name".into(), json!("AISERVICES_OPT_OUT_POLICY"));
        r.insert("account".into(), json!(at.account));
        r.insert(
            "attributes".into(),
            json!({"policyType": "AISERVICES_OPT_OUT_POLICY"}),
        );
        r.insert("documents".into(), json!({"content": content.to_string()}));
        self.emit(r);
    }

    /// The organization's AI services opt-out policies, declared in the first account:
    /// one that opts out of every AI service and is attached to the root, and (for the bad
    /// draws) one that opts a service back in or is attached to nothing.
    fn opt_out_policies(&mut self, at: &At) {
        for (i, name) in ["ai-opt-out-root", "ai-opt-out-sandbox"].iter().enumerate() {
            let full = self.ok("org.opt-out-content");
            let attached = self.ok("org.opt-out-attached");
            let mut services = json!({"default": {"opt_out_policy": {"@@assign": "optOut"}}});
            if !full {
                services["lex"] = json!({"opt_out_policy": {"@@assign": "optIn"}});
            }
            let id = format!(
                "arn:aws:organizations::{}:policy/o-{}/aiservices_opt_out_policy/p-aiopt{i:04}",
                at.account,
                &at.account[..10]
            );
            let mut attrs = Map::new();
            attrs.insert("policyType".into(), json!("AISERVICES_OPT_OUT_POLICY"));
            attrs.insert(
                "targets".into(),
                if attached {
                    json!(["r-a1b2"])
                } else {
                    json!([])
                },
            );
            let mut r = Map::new();
            r.insert("type".into(), json!("AWS::Organizations::Policy"));
            r.insert("id".into(), json!(id));
            r.insert("name".into(), json!(name));
            r.insert("account".into(), json!(at.account));
            r.insert("attributes".into(), Value::Object(attrs));
            r.insert(
                "documents".into(),
                json!({"content": {"services": services}}),
            );
            self.emit(r);
        }
    }

    /// Bedrock model invocation logging of the account in the region: to S3, CloudWatch
    /// Logs or both, or (for the bad draws) not configured.
    fn invocation_logging(&mut self, at: &At, key: &Key) {
        let id = format!("{}/{}/model-invocation-logging", at.account, at.region);
        let mut attrs = Map::new();
        let enabled = self.ok("bedrock.invocation-logging");
        attrs.insert("enabled".into(), json!(enabled));
        if enabled {
            attrs.insert(
                "textDataDeliveryEnabled".into(),
                json!(self.ok("bedrock.text-delivery")),
            );
            let to = self.rng.below(3);
            // Every configuration delivers to S3; two in three also to CloudWatch Logs.
            {
                let name = format!("bedrock-invocation-logs-{}-{}", at.account, at.region);
                attrs.insert("s3Bucket".into(), json!(name));
                self.invocation_log_bucket(at, &name, key);
            }
            if to != 0 {
                attrs.insert(
                    "logGroupName".into(),
                    json!("/aws/bedrock/model-invocations"),
                );
            }
        }
        let mut r = resource(
            "AWS::Bedrock::ModelInvocationLogging",
            &id,
            "model invocation logging",
            at,
        );
        r.insert("attributes".into(), Value::Object(attrs));
        self.emit(r);
    }

    /// The bucket model invocation logs are delivered to: SSE-KMS with the platform key,
    /// or, for the bad draws, S3-managed keys.
    fn invocation_log_bucket(&mut self, at: &At, name: &str, key: &Key) {
        let mut attrs = Map::new();
        if self.ok("kms.invocation-log-bucket") {
            attrs.insert("sseAlgorithm".into(), json!("aws:kms"));
            attrs.insert("kmsKey".into(), json!(key.arn));
        } else {
            attrs.insert("sseAlgorithm".into(), json!("AES256"));
        }
        let mut r = resource("AWS::S3::Bucket", &format!("arn:aws:s3:::{name}"), name, at);
        let tags = self.tags("bedrock-logging", "prod", "security");
        r.insert("tags".into(), tags);
        r.insert("attributes".into(), Value::Object(attrs));
        self.emit(r);
    }

    /// A proof of concept's training job writing its output to a bucket in the same
    /// unapproved region.
    fn stray_training(&mut self, at: &At, user: &str, project: &str) {
        let bucket = self.unique("stray-bucket", format!("{user}-poc-training-{}", at.region));
        let mut r = resource(
            "AWS::S3::Bucket",
            &format!("arn:aws:s3:::{bucket}"),
            &bucket,
            at,
        );
        let tags = self.tags(project, "dev", "research");
        r.insert("tags".into(), tags);
        r.insert("attributes".into(), json!({}));
        self.emit(r);
        let suffix = self.rng.hex(6);
        let job = self.unique("stray-job", format!("{user}-poc-finetune-{suffix}"));
        let arn = format!(
            "arn:aws:sagemaker:{}:{}:training-job/{job}",
            at.region, at.account
        );
        let mut r = resource("AWS::SageMaker::TrainingJob", &arn, &job, at);
        let tags = self.tags(project, "dev", "research");
        r.insert("tags".into(), tags);
        r.insert(
            "attributes".into(),
            json!({
                "status": "Completed",
                "vpcSubnets": [],
                "outputS3Uri": format!("s3://{bucket}/output/"),
            }),
        );
        self.emit(r);
    }

    /// One or two of the cross-region (system-defined) inference profiles AWS defines in
    /// the region, routing to the regions of its geography.
    fn system_inference_profiles(&mut self, at: &At) {
        let (geo, regions): (&str, &[&str]) = if at.region.starts_with("eu-") {
            ("eu", &["eu-central-1", "eu-west-1", "eu-west-3"])
        } else {
            ("us", &["us-east-1", "us-east-2", "us-west-2"])
        };
        let first = self.rng.below(PROFILE_MODELS.len());
        for i in 0..self.rng.range(1, 2) {
            let model = PROFILE_MODELS[(first + i) % PROFILE_MODELS.len()];
            let id = format!("{geo}.{model}");
            let arn = format!(
                "arn:aws:bedrock:{}:{}:inference-profile/{id}",
                at.region, at.account
            );
            let mut r = resource("AWS::Bedrock::InferenceProfile", &arn, &id, at);
            r.insert(
                "attributes".into(),
                json!({"profileType": "SYSTEM_DEFINED", "destinationRegions": regions}),
            );
            self.emit(r);
        }
    }

    /// A project's application inference profile, tracking its usage of one model in
    /// the project's region; one project in three has one.
    fn application_inference_profile(&mut self, at: &At, project: &str, env: &str, team: &str) {
        if self.ok("project.no-application-profile") {
            return;
        }
        let id = self.rng.lower_alnum(12);
        let arn = format!(
            "arn:aws:bedrock:{}:{}:application-inference-profile/{id}",
            at.region, at.account
        );
        let name = format!("{project}-profile");
        let mut r = resource("AWS::Bedrock::InferenceProfile", &arn, &name, at);
        let tags = self.tags(project, env, team);
        r.insert("tags".into(), tags);
        r.insert(
            "attributes".into(),
            json!({"profileType": "APPLICATION", "destinationRegions": [at.region]}),
        );
        self.emit(r);
    }

    /// For the good draws of `fact`, the ARN of an application inference profile a caller
    /// invokes instead of the model itself.
    fn application_profile_ref(&mut self, at: &At, fact: &'static str) -> Option<String> {
        self.ok(fact).then(|| {
            format!(
                "arn:aws:bedrock:{}:{}:application-inference-profile/{}",
                at.region,
                at.account,
                self.rng.lower_alnum(12)
            )
        })
    }

    /// The version an agent's guardrail is pinned to; the bad draws use the working draft.
    fn guardrail_version(&mut self) -> String {
        if self.ok("agent.guardrail-version") {
            (1 + self.rng.below(4)).to_string()
        } else {
            "DRAFT".into()
        }
    }

    /// A registered version of the project's model, for two models in three: the package's
    /// ARN, which the model then serves.
    fn model_package(
        &mut self,
        at: &At,
        group: &str,
        version: usize,
        key: &Key,
        env: &str,
        team: &str,
    ) -> Option<String> {
        if !self.ok("model.registered") {
            return None;
        }
        let arn = format!(
            "arn:aws:sagemaker:{}:{}:model-package/{group}/{version}",
            at.region, at.account
        );
        let mut attrs = Map::new();
        attrs.insert("group".into(), json!(group));
        let status = if self.ok("model-package.approved") {
            "Approved"
        } else {
            *self.rng.pick(&["PendingManualApproval", "Rejected"])
        };
        attrs.insert("approvalStatus".into(), json!(status));
        // Approved by someone (UpdateModelPackage records them), or registered approved.
        if status == "Approved" && self.ok("model-package.approver") {
            attrs.insert(
                "approvedBy".into(),
                json!(format!(
                    "arn:aws:sts::{}:assumed-role/ModelApprovers/reviewer",
                    at.account
                )),
            );
        }
        let mut keys = vec![
            "owner",
            "data-classification",
            "training-dataset",
            "risk-tier",
        ];
        if !self.ok("model-package.metadata") {
            // One required key missing, or written in another case (keys compare exactly).
            let i = self.rng.below(keys.len());
            if self.rng.chance(0.5) {
                keys.remove(i);
            } else {
                keys[i] = ["Owner", "DataClassification", "TrainingDataset", "RiskTier"][i];
            }
        }
        attrs.insert("customerMetadataKeys".into(), json!(keys));
        let card = self.ok("model-package.card");
        attrs.insert("hasModelCard".into(), json!(card));
        let metrics = self.ok("model-package.metrics");
        attrs.insert("hasModelMetrics".into(), json!(metrics));
        if let Some(k) = self.key_ref("kms.model-package", key, at, "alias/aws/sagemaker") {
            attrs.insert("kmsKey".into(), json!(k));
        }
        let mut r = resource(
            "AWS::SageMaker::ModelPackage",
            &arn,
            &format!("{group}/{version}"),
            at,
        );
        let tags = self.tags(group, env, team);
        r.insert("tags".into(), tags);
        r.insert("attributes".into(), Value::Object(attrs));
        self.emit(r);
        Some(arn)
    }

    /// The training job whose output a model serves (`job` is named in the model's
    /// `modelDataUrl`); a job several models share is emitted once.
    #[allow(clippy::too_many_arguments)]
    fn training_job(
        &mut self,
        scope: usize,
        at: &At,
        job: &str,
        bucket: &str,
        key: &Key,
        project: &str,
        env: &str,
        team: &str,
    ) {
        let seen = format!("training-job|{}|{}", at.account, at.region);
        if self.unique(&seen, job.to_string()) != job {
            return;
        }
        let arn = format!(
            "arn:aws:sagemaker:{}:{}:training-job/{job}",
            at.region, at.account
        );
        let mut attrs = Map::new();
        let status = match self.rng.below(20) {
            0..=17 => "Completed",
            18 => "Failed",
            _ => "Stopped",
        };
        attrs.insert("status".into(), json!(status));
        // Without a key the output is encrypted with the account's aws/s3 key.
        if let Some(k) = self.key_ref("kms.training-output", key, at, "alias/aws/s3") {
            attrs.insert("outputKmsKey".into(), json!(k));
        }
        if self.ok("kms.training-volume") {
            attrs.insert("volumeKmsKey".into(), json!(key.arn));
        }
        let isolation = self.ok("training.isolation");
        if isolation || self.rng.chance(0.6) {
            attrs.insert("enableNetworkIsolation".into(), json!(isolation));
        }
        let encryption = self.ok("training.inter-container");
        if encryption || self.rng.chance(0.6) {
            attrs.insert(
                "enableInterContainerTrafficEncryption".into(),
                json!(encryption),
            );
        }
        let vpc = if self.ok("training.vpc") {
            self.ai_vpc(scope)
        } else {
            None
        };
        let subnets: Vec<String> = vpc
            .map(|v| v.subnets.into_iter().take(2).collect())
            .unwrap_or_default();
        attrs.insert("vpcSubnets".into(), json!(subnets));
        attrs.insert(
            "outputS3Uri".into(),
            json!(format!("s3://{bucket}/training/")),
        );
        let mut r = resource("AWS::SageMaker::TrainingJob", &arn, job, at);
        let tags = self.tags(project, env, team);
        r.insert("tags".into(), tags);
        r.insert("attributes".into(), Value::Object(attrs));
        self.emit(r);
    }

    /// The endpoint serving an endpoint configuration of the same name and, when the
    /// configuration captures data, usually a monitoring schedule on it.
    fn endpoint(
        &mut self,
        at: &At,
        name: &str,
        capture_on: bool,
        project: &str,
        env: &str,
        team: &str,
    ) {
        let arn = format!(
            "arn:aws:sagemaker:{}:{}:endpoint/{name}",
            at.region, at.account
        );
        let status = match self.rng.below(100) {
            0..=86 => "InService",
            87..=92 => "Updating",
            93..=96 => "Failed",
            _ => "Creating",
        };
        let mut r = resource("AWS::SageMaker::Endpoint", &arn, name, at);
        let tags = self.tags(project, env, team);
        r.insert("tags".into(), tags);
        r.insert(
            "attributes".into(),
            json!({"endpointConfig": name, "status": status}),
        );
        self.emit(r);
        if !capture_on {
            return;
        }
        let status = if self.ok("endpoint.monitoring") {
            "Scheduled"
        } else if self.rng.chance(0.5) {
            *self.rng.pick(&["Stopped", "Failed"])
        } else {
            return;
        };
        let (kind, suffix) = *self.rng.pick(&[
            ("DataQuality", "data-quality"),
            ("DataQuality", "data-quality"),
            ("ModelQuality", "model-quality"),
        ]);
        let schedule = format!("{name}-{suffix}");
        let arn = format!(
            "arn:aws:sagemaker:{}:{}:monitoring-schedule/{schedule}",
            at.region, at.account
        );
        let mut attrs = json!({"endpoint": name, "monitoringType": kind, "status": status});
        // A named job definition's settings are always written once it is read, as the
        // collector does; an inline job's absent settings mean off, as in the API.
        let named = self.rng.chance(0.4);
        if named {
            attrs["jobDefinitionName"] = json!(format!("{schedule}-job"));
        }
        for (attr, fact) in [
            ("enableNetworkIsolation", "schedule.isolation"),
            (
                "enableInterContainerTrafficEncryption",
                "schedule.inter-container",
            ),
        ] {
            let on = self.ok(fact);
            if on || named || self.rng.chance(0.5) {
                attrs[attr] = json!(on);
            }
        }
        if kind == "DataQuality" && self.ok("schedule.baseline") {
            attrs["baselineConstraintsUri"] = json!(format!(
                "s3://{}-ml-monitoring/{schedule}/baseline/constraints.json",
                at.account
            ));
        }
        let mut r = resource("AWS::SageMaker::MonitoringSchedule", &arn, &schedule, at);
        let tags = self.tags(project, env, team);
        r.insert("tags".into(), tags);
        r.insert("attributes".into(), attrs);
        self.emit(r);
    }

    /// An OpenSearch Serverless vector collection with its encryption, network and
    /// data-access policies (emitted first, as AWS requires the encryption policy before
    /// the collection). Without `key` it uses an AWS-owned key. Gives the collection's ARN.
    fn serverless_collection(
        &mut self,
        at: &At,
        corpus: &str,
        key: Option<&Key>,
        project: &str,
        env: &str,
        team: &str,
    ) -> String {
        // Collection names are at most 32 characters; leave room for the policy suffixes.
        let mut base = format!("{corpus}-vectors");
        base.truncate(24);
        let base = base.trim_end_matches('-').to_string();
        let name = self.unique(&format!("aoss|{}|{}", at.account, at.region), base);
        let prefix = format!("arn:aws:aoss:{}:{}", at.region, at.account);
        let rules =
            json!([{"ResourceType": "collection", "Resource": [format!("collection/{name}")]}]);
        let cmk = match key {
            Some(k) if self.ok("kms.collection") => Some(k.arn.clone()),
            _ => None,
        };
        let encryption = match &cmk {
            Some(arn) => json!({"Rules": rules, "AWSOwnedKey": false, "KmsARN": arn}),
            None => json!({"Rules": rules, "AWSOwnedKey": true}),
        };
        let public = !self.ok("aoss.network-private");
        let mut network = json!({
            "Description": format!("{name} endpoints"),
            "Rules": [
                {"ResourceType": "collection", "Resource": [format!("collection/{name}")]},
                {"ResourceType": "dashboard", "Resource": [format!("collection/{name}")]}
            ],
            "AllowFromPublic": public,
        });
        if !public {
            network["SourceServices"] = json!(["bedrock.amazonaws.com"]);
        }
        for (ty, document) in [
            ("encryption", encryption),
            ("network", Value::Array(vec![network])),
        ] {
            let policy = format!("{name}-{}", &ty[..3]);
            let id = format!("{prefix}:security-policy/{ty}/{policy}");
            let mut r = resource(
                "AWS::OpenSearchServerless::SecurityPolicy",
                &id,
                &policy,
                at,
            );
            r.insert("attributes".into(), json!({"policyType": ty}));
            r.insert("documents".into(), json!({"policy": document}));
            self.emit(r);
        }
        let principal = format!("arn:aws:iam::{}:role/{project}-kb-role", at.account);
        let (principals, collection_perms, index_perms) = if self.ok("aoss.data-access") {
            (
                json!([principal]),
                json!([
                    "aoss:DescribeCollectionItems",
                    "aoss:CreateCollectionItems",
                    "aoss:UpdateCollectionItems"
                ]),
                json!([
                    "aoss:CreateIndex",
                    "aoss:DescribeIndex",
                    "aoss:ReadDocument",
                    "aoss:WriteDocument",
                    "aoss:UpdateIndex"
                ]),
            )
        } else {
            (
                json!([principal, format!("arn:aws:iam::{}:root", at.account)]),
                json!(["aoss:*"]),
                json!(["aoss:*"]),
            )
        };
        let (principals, all_collections) = self.extra(|g| g.serverless_access_scope(principals));
        let access = json!([{
            "Rules": [
                {"ResourceType": "collection", "Resource": [if all_collections { "collection/*".to_string() } else { format!("collection/{name}") }], "Permission": if all_collections { json!(["aoss:*"]) } else { collection_perms }},
                {"ResourceType": "index", "Resource": [format!("index/{name}/*")], "Permission": index_perms}
            ],
            "Principal": principals,
        }]);
        let policy = format!("{name}-access");
        let mut r = resource(
            "AWS::OpenSearchServerless::AccessPolicy",
            &format!("{prefix}:access-policy/data/{policy}"),
            &policy,
            at,
        );
        r.insert("documents".into(), json!({"policy": access}));
        self.emit(r);

        let arn = format!("{prefix}:collection/{}", self.rng.lower_alnum(20));
        let mut r = resource("AWS::OpenSearchServerless::Collection", &arn, &name, at);
        let tags = self.tags(project, env, team);
        r.insert("tags".into(), tags);
        // The service reports an AWS-owned key as `auto`.
        r.insert(
            "attributes".into(),
            json!({"collectionType": "VECTORSEARCH", "kmsKeyArn": cmk.as_deref().unwrap_or("auto")}),
        );
        self.emit(r);
        arn
    }

    /// One or two data sources feeding a knowledge base.
    fn data_sources(&mut self, at: &At, kb: &str, corpus: &str, key: &Key) {
        let first = self.rng.below(4);
        for i in 0..self.rng.range(1, 2) {
            let kind = ["s3", "confluence", "sharepoint", "web"][(first + i) % 4];
            let id = format!("{kb}/data-source/{}", self.rng.upper_alnum(10));
            let mut attrs = Map::new();
            attrs.insert("knowledgeBase".into(), json!(kb));
            // Without a key, ingested data is encrypted with an AWS-owned key.
            if self.ok("kms.data-source") {
                attrs.insert("kmsKey".into(), json!(key.arn));
            }
            let policy = if self.ok("data-source.deletion") {
                "DELETE"
            } else {
                "RETAIN"
            };
            attrs.insert("dataDeletionPolicy".into(), json!(policy));
            let mut r = resource(
                "AWS::Bedrock::DataSource",
                &id,
                &format!("{corpus}-{kind}"),
                at,
            );
            r.insert("attributes".into(), Value::Object(attrs));
            self.emit(r);
        }
    }

    /// A fine-tuned model of the project, for one project in three.
    fn custom_model(
        &mut self,
        at: &At,
        base: &str,
        key: &Key,
        project: &str,
        env: &str,
        team: &str,
    ) {
        if self.ok("project.no-custom-model") {
            return;
        }
        let model = *self.rng.pick(&CUSTOMIZABLE_MODELS);
        let name = self.unique(
            &format!("custom-model|{}|{}", at.account, at.region),
            format!("{base}-ft-{env}"),
        );
        let arn = format!(
            "arn:aws:bedrock:{}:{}:custom-model/{model}/{}",
            at.region,
            at.account,
            self.rng.lower_alnum(12)
        );
        let mut attrs = Map::new();
        // Without a key the model is encrypted with an AWS-owned key.
        if self.ok("kms.custom-model") {
            attrs.insert("kmsKey".into(), json!(key.arn));
        }
        attrs.insert(
            "baseModelArn".into(),
            json!(format!(
                "arn:aws:bedrock:{}::foundation-model/{model}",
                at.region
            )),
        );
        let mut r = resource("AWS::Bedrock::CustomModel", &arn, &name, at);
        let tags = self.tags(project, env, team);
        r.insert("tags".into(), tags);
        r.insert("attributes".into(), Value::Object(attrs));
        self.emit(r);
    }

    /// The S3 location of a database's data, registered with Lake Formation once per
    /// account and region.
    fn data_lake_location(&mut self, at: &At, db: &str) {
        let seen = format!("lf-location|{}|{}", at.account, at.region);
        if self.unique(&seen, db.to_string()) != db {
            return;
        }
        let arn = format!("arn:aws:s3:::datalake-{}-{}/{db}", at.account, at.region);
        let role = if self.rng.chance(0.6) {
            format!(
                "arn:aws:iam::{}:role/aws-service-role/lakeformation.amazonaws.com/AWSServiceRoleForLakeFormationDataAccess",
                at.account
            )
        } else {
            format!("arn:aws:iam::{}:role/LakeFormationDataAccess", at.account)
        };
        let mut attrs = Map::new();
        attrs.insert("roleArn".into(), json!(role));
        if !self.ok("lf.hybrid-access") {
            attrs.insert("hybridAccessEnabled".into(), json!(true));
        } else if self.rng.chance(0.5) {
            attrs.insert("hybridAccessEnabled".into(), json!(false));
        }
        let mut r = resource("AWS::LakeFormation::Resource", &arn, &arn, at);
        r.insert("attributes".into(), Value::Object(attrs));
        self.emit(r);
    }
}

/// The envelope of a resource: type, id, name, account and region.
// Facts read from policy documents and vector stores, added later: every function below
// runs inside `Gen::extra`.
impl Gen {
    /// The policy of a bedrock-runtime endpoint: the default (none) or an allow of every
    /// model for the bad draws, else the approved models for the organization.
    fn bedrock_endpoint_policy(&mut self, at: &At) -> Option<Value> {
        if !self.ok("vpce.bedrock-policy") {
            return self.rng.chance(0.5).then(|| {
                json!({"Statement": [{"Effect": "Allow", "Principal": "*",
                    "Action": "bedrock:InvokeModel*", "Resource": "*"}]})
            });
        }
        let model = *self.rng.pick(&FOUNDATION_MODELS);
        let policy = json!({"Version": "2012-10-17", "Statement": [{
            "Sid": "ApprovedModels", "Effect": "Allow", "Principal": {"AWS": "*"},
            "Action": ["bedrock:InvokeModel", "bedrock:InvokeModelWithResponseStream"],
            "Resource": [format!("arn:aws:bedrock:{}::foundation-model/{model}", at.region)],
            "Condition": {"StringEquals": {"aws:PrincipalOrgID": "o-7k2m9x4q1z"}}
        }]});
        // DescribeVpcEndpoints returns the document as a string.
        Some(json!(policy.to_string()))
    }

    /// Fine-grained access control, its user database and audit logs of a domain.
    fn domain_access(&mut self, attrs: &mut Map<String, Value>) {
        let fgac = self.ok("opensearch.fine-grained-access");
        if fgac || self.rng.chance(0.5) {
            attrs.insert("advancedSecurityEnabled".into(), json!(fgac));
        }
        let internal = !self.ok("opensearch.internal-users");
        if internal || self.rng.chance(0.5) {
            attrs.insert("internalUserDatabaseEnabled".into(), json!(internal));
        }
        let audit = self.ok("opensearch.audit-logs");
        if audit || self.rng.chance(0.5) {
            attrs.insert("auditLogsEnabled".into(), json!(audit));
        }
    }

    /// Grants of an AI bucket's policy beyond its execution role: sometimes a partner
    /// account or everyone (confined to the organization, or not), sometimes a Bedrock or
    /// SageMaker service principal (with a source condition, or not).
    fn bucket_access_statements(
        &mut self,
        statements: &mut Vec<Value>,
        at: &At,
        resources: &Value,
    ) {
        if self.rng.chance(0.8) {
            let confined = self.ok("bucket.org-only");
            let statement = if confined {
                json!({"Sid": "OrgRead", "Effect": "Allow", "Principal": {"AWS": "*"},
                    "Action": "s3:GetObject", "Resource": resources,
                    "Condition": {"StringEquals": {"aws:PrincipalOrgID": "o-7k2m9x4q1z"}}})
            } else if self.rng.chance(0.5) {
                json!({"Sid": "PartnerRead", "Effect": "Allow",
                    "Principal": {"AWS": "arn:aws:iam::210987654321:root"},
                    "Action": "s3:GetObject", "Resource": resources})
            } else {
                json!({"Sid": "PublicRead", "Effect": "Allow", "Principal": "*",
                    "Action": "s3:GetObject", "Resource": resources})
            };
            statements.push(statement);
        }
        if self.rng.chance(0.5) {
            let service = *self
                .rng
                .pick(&["bedrock.amazonaws.com", "sagemaker.amazonaws.com"]);
            let mut statement = json!({"Sid": "ServiceRead", "Effect": "Allow",
                "Principal": {"Service": service}, "Action": ["s3:GetObject", "s3:ListBucket"],
                "Resource": resources});
            if self.ok("bucket.service-source") {
                statement["Condition"] = json!({"StringEquals": {"aws:SourceAccount": at.account}});
            }
            statements.push(statement);
        }
    }

    /// A guardrail condition on model invocation, and for some policies a Marketplace
    /// subscription for model access.
    fn model_access_statements(&mut self, statements: &mut Vec<Value>, at: &At, bedrock: bool) {
        if bedrock && self.ok("iam.guardrail-condition") {
            let guardrail = format!(
                "arn:aws:bedrock:{}:{}:guardrail/{}:1",
                at.region,
                at.account,
                self.rng.lower_alnum(12)
            );
            if let Some(s) = statements.first_mut() {
                s["Condition"] =
                    json!({"StringEquals": {"bedrock:GuardrailIdentifier": guardrail}});
            }
        }
        if bedrock && self.rng.chance(0.4) {
            let mut statement = json!({"Sid": "ModelAccess", "Effect": "Allow",
                "Action": ["aws-marketplace:Subscribe", "aws-marketplace:ViewSubscriptions"],
                "Resource": "*"});
            if self.ok("iam.marketplace-scoped") {
                statement["Condition"] = json!({"ForAnyValue:StringEquals":
                    {"aws-marketplace:ProductId": ["prod-6dw3qvchef7zy"]}});
            }
            statements.push(statement);
        }
    }

    /// The project's workload role and its managed policies: for the bad draws an AWS
    /// full-access policy.
    fn role(&mut self, at: &At, project: &str, bedrock: bool) {
        let mut arns = vec![format!(
            "arn:aws:iam::{}:policy/{project}-access",
            at.account
        )];
        if !self.ok("iam.full-access-policy") {
            arns.push(if bedrock {
                "arn:aws:iam::aws:policy/AmazonBedrockFullAccess".into()
            } else {
                "arn:aws:iam::aws:policy/AmazonSageMakerFullAccess".into()
            });
        } else if self.rng.chance(0.3) {
            arns.push("arn:aws:iam::aws:policy/CloudWatchLogsReadOnlyAccess".into());
        }
        let mut r = Map::new();
        r.insert("type".into(), json!("AWS::IAM::Role"));
        r.insert(
            "id".into(),
            json!(format!("arn:aws:iam::{}:role/{project}", at.account)),
        );
        r.insert("name".into(), json!(project));
        r.insert("account".into(), json!(at.account));
        r.insert("attributes".into(), json!({"managedPolicyArns": arns}));
        self.emit(r);
    }

    /// Who a collection's data-access policy names, and whether its collection rule
    /// covers every collection: for the bad draws everyone, or `collection/*`.
    fn serverless_access_scope(&mut self, principals: Value) -> (Value, bool) {
        let everyone = !self.ok("aoss.named-principals");
        let principals = if everyone { json!(["*"]) } else { principals };
        let all = !self.ok("aoss.scoped-collections");
        (principals, all)
    }
}

fn resource(ty: &str, id: &str, name: &str, at: &At) -> Map<String, Value> {
    let mut r = Map::new();
    r.insert("type".into(), json!(ty));
    r.insert("id".into(), json!(id));
    r.insert("name".into(), json!(name));
    r.insert("account".into(), json!(at.account));
    r.insert("region".into(), json!(at.region));
    r
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Model, ModelSchema};
    use crate::sources::{inventory, SourceText};

    fn read(v: &Value) -> (crate::model::Collected, Vec<crate::sources::InputError>) {
        let src = SourceText::new("gen.json", v.to_string());
        inventory::read(&src, ModelSchema::builtin())
    }

    #[test]
    fn same_seed_same_inventory_and_exact_size() {
        let a = generate(500, 7);
        assert_eq!(a, generate(500, 7));
        assert_ne!(a, generate(500, 8));
        assert_eq!(a["resources"].as_array().map(Vec::len), Some(500));
        assert_eq!(
            generate(0, 1)["resources"].as_array().map(Vec::len),
            Some(0)
        );
    }

    #[test]
    fn inventories_read_cleanly_with_every_type_and_no_unknowns() {
        for (n, seed) in [(120, 1), (3000, 2), (7000, 3)] {
            let inv = generate(n, seed);
            let (collected, errors) = read(&inv);
            assert!(
                errors.is_empty(),
                "{n}/{seed}: {:?}",
                &errors[..errors.len().min(3)]
            );
            assert_eq!(collected.resources.len(), n);
            let schema = ModelSchema::builtin();
            let (model, errors) = Model::build(collected, schema);
            assert!(errors.is_empty(), "{n}/{seed}: {errors:?}");
            let unknown: Vec<_> = model
                .resources
                .iter()
                .filter(|r| !r.unknown.is_empty())
                .map(|r| (&r.id, &r.unknown))
                .collect();
            assert!(
                unknown.is_empty(),
                "{n}/{seed}: {:?}",
                &unknown[..unknown.len().min(3)]
            );
            if n >= 3000 {
                for t in schema.inventory_types() {
                    assert!(
                        model.resources.iter().any(|r| r.type_name == t),
                        "{n}/{seed}: no {t}"
                    );
                }
            }
        }
    }

    /// `fixtures/demo/inventory.json` is `ailint-gen --resources 270 --seed 10`, a size
    /// that holds every type and the first projects of every account and region.
    const DEMO: (&str, usize, u64) = (
        concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/demo/inventory.json"),
        270,
        10,
    );

    #[test]
    fn the_demo_inventory_is_the_generators_output() {
        let (path, n, seed) = DEMO;
        let committed = std::fs::read_to_string(path).unwrap();
        let mut fresh = serde_json::to_string_pretty(&generate(n, seed)).unwrap();
        fresh.push('\n');
        assert!(
            committed == fresh,
            "the demo is stale: run `cargo run --bin ailint-gen -- --resources {n} --seed {seed} -o fixtures/demo/inventory.json`"
        );
    }

    #[test]
    fn every_rule_passes_and_fails_somewhere_in_the_demo() {
        let schema = ModelSchema::builtin();
        let rules = crate::engine::RuleSet::load(&[], schema).unwrap();
        // The demo's own configuration declares the intent the intent rules judge.
        let (config, _) = crate::config::Config::discover(
            Some(std::path::Path::new(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/fixtures/demo/ailint.toml"
            ))),
            std::path::Path::new("."),
        )
        .unwrap();
        let report = crate::audit_paths(&[std::path::PathBuf::from(DEMO.0)], &config, &rules);
        assert!(report.errors.is_empty(), "{:?}", report.errors);
        for (rule, counts) in &report.per_rule {
            assert!(
                counts.pass > 0 && counts.fail > 0 && counts.not_assessed == 0,
                "{rule}: {counts:?}"
            );
        }
    }
}
