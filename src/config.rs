//! `ailint.toml`: the organisation's choices, with the AWS AI/ML reference's values as
//! defaults. Rules read them through the Cedar request context.

use std::path::{Path, PathBuf};

use miette::{Diagnostic, NamedSource, SourceSpan};
use serde::{Deserialize, Serialize};

/// The file looked for in the working directory when `--config` is not given.
pub const DEFAULT_FILE: &str = "ailint.toml";

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    pub regions: Regions,
    pub guardrails: Guardrails,
    pub models: Models,
    pub tags: Tags,
    pub cloudtrail: CloudTrail,
    pub governance: Governance,
    pub monitoring: Monitoring,
    pub lakeformation: LakeFormation,
    pub rules: RuleSelection,
    pub cloudformation: CloudFormation,
    /// Who may use which data and models (`[intent]`).
    pub intent: IntentConfig,
    /// How live accounts are read (`ailint audit` without inputs, `ailint collect`).
    pub aws: Aws,
    /// Findings accepted on purpose, each with its reason (`[[ignore]]`).
    pub ignore: Vec<Ignore>,
    /// Overrides for one AWS profile (`[profile.prod]`): any of the sections above,
    /// applied when that profile is used (`--profile`, `AWS_PROFILE`). Their values replace
    /// the file's; `ignore` entries are added to the file's.
    #[serde(skip_serializing)]
    pub profile: std::collections::BTreeMap<String, toml::Table>,
    /// The file this configuration was read from, for messages.
    #[serde(skip)]
    pub source: String,
    /// The file's text, to locate problems found after parsing.
    #[serde(skip)]
    text: String,
}

/// How live accounts are read; command-line flags take precedence.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Aws {
    /// Regions to read (the profile's region when empty).
    pub regions: Vec<String>,
    /// Read every region enabled in the account.
    pub all_regions: bool,
    /// A role to assume first.
    pub role_arn: Option<String>,
    /// Calls in flight at once.
    pub max_concurrency: Option<usize>,
}

/// The user's declared intent for Lake Formation grants and model access: a file of Cedar
/// `permit` policies over `rules/intent.cedarschema` (see `docs/examples/intent.cedar`).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct IntentConfig {
    /// The policy file, relative to this configuration file.
    pub file: Option<String>,
}

/// One accepted set of findings. A finding matches when its rule and resource match every
/// field given; all fields but `reason` are optional.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Ignore {
    /// Rule ids or id prefixes (`AIL-NET-001`, `AIL-NET`); any rule when empty.
    pub rules: Vec<String>,
    /// Globs (`*`, `?`) on the resource id (ARN, template address) or name.
    pub resources: Vec<String>,
    /// Tags the resource must carry, with these values.
    pub tags: std::collections::BTreeMap<String, String>,
    /// The last day the entry holds (`YYYY-MM-DD`); expired entries are reported and no
    /// longer suppress anything.
    pub until: Option<String>,
    /// Why the findings are accepted; required.
    pub reason: String,
}

/// Where CloudFormation templates are deployed: a template alone does not say, so its
/// resources' region is unknown (residency "not assessed") unless set here.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct CloudFormation {
    pub region: Option<String>,
    pub account: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Regions {
    /// Regions where AI resources and their data may live.
    pub allowed: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Guardrails {
    /// PII entity types (API names) to block or anonymize on input and output.
    pub pii_types: Vec<String>,
    /// Minimum HATE content-filter strength: NONE, LOW, MEDIUM or HIGH.
    pub hate_filter_strength: Strength,
    /// Minimum INSULTS content-filter strength.
    pub insults_filter_strength: Strength,
    /// Minimum SEXUAL content-filter strength.
    pub sexual_filter_strength: Strength,
    /// Minimum VIOLENCE content-filter strength.
    pub violence_filter_strength: Strength,
    /// Minimum MISCONDUCT content-filter strength.
    pub misconduct_filter_strength: Strength,
    /// Minimum PROMPT_ATTACK filter strength on input (the filter has no output side).
    pub prompt_attack_strength: Strength,
    /// Denied-topic names every guardrail must deny on input and output (none by default:
    /// the topics are the organisation's own).
    pub denied_topics: Vec<String>,
    /// Whether agents must use a published guardrail version rather than the DRAFT.
    pub require_published_version: bool,
    /// Whether the PROFANITY managed word list is required.
    pub profanity_filter: bool,
    /// Minimum contextual grounding threshold, 0 to 0.99.
    pub grounding_threshold: f64,
    /// Minimum contextual relevance threshold, 0 to 0.99.
    pub relevance_threshold: f64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum Strength {
    None,
    Low,
    Medium,
    High,
}

impl Strength {
    /// The level rules compare: NONE=0 … HIGH=3.
    pub fn level(self) -> i64 {
        self as i64
    }
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Models {
    /// Model ids and inference-profile ids callers may invoke.
    pub approved: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Tags {
    /// Tag keys every AI resource must carry.
    pub required: Vec<String>,
}

impl Default for Tags {
    /// The cost-allocation tags of the AWS AI/ML reference.
    fn default() -> Self {
        Tags {
            required: strings(&["CostCenter", "Project", "Owner", "Environment"]),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct CloudTrail {
    /// Data-event resource types required in regions that use Bedrock.
    pub bedrock_data_event_types: Vec<String>,
    /// Data-event resource types required in regions with SageMaker endpoints.
    pub sagemaker_data_event_types: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Governance {
    /// Keys every model package's `CustomerMetadataProperties` must carry.
    pub required_metadata_keys: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Monitoring {
    /// Minimum data-capture `InitialSamplingPercentage`, 1 to 100.
    pub min_sampling_percentage: i64,
}

/// Lake Formation choices.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct LakeFormation {
    /// Principal ARNs allowed as data-lake administrators. No default list can fit an
    /// organisation's accounts: while it is empty, administrators are "not assessed".
    pub admins: Vec<String>,
}

/// Settings rules may name in `@requires`: those with no default the organisation must set.
pub const REQUIRABLE: [&str; 1] = ["lakeformation.admins"];

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RuleSelection {
    /// Rule ids or prefixes to run (all when empty).
    pub select: Vec<String>,
    /// Rule ids or prefixes to skip.
    pub ignore: Vec<String>,
}

fn strings(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| s.to_string()).collect()
}

impl Default for Regions {
    fn default() -> Self {
        Regions {
            allowed: strings(&["us-east-1", "us-west-2", "eu-west-1"]),
        }
    }
}

impl Default for Guardrails {
    fn default() -> Self {
        Guardrails {
            pii_types: strings(&[
                "EMAIL",
                "PHONE",
                "US_SOCIAL_SECURITY_NUMBER",
                "CREDIT_DEBIT_CARD_NUMBER",
            ]),
            hate_filter_strength: Strength::High,
            insults_filter_strength: Strength::High,
            sexual_filter_strength: Strength::High,
            violence_filter_strength: Strength::High,
            misconduct_filter_strength: Strength::High,
            prompt_attack_strength: Strength::High,
            denied_topics: Vec::new(),
            require_published_version: true,
            profanity_filter: true,
            grounding_threshold: 0.7,
            relevance_threshold: 0.7,
        }
    }
}

impl Default for Governance {
    fn default() -> Self {
        Governance {
            required_metadata_keys: strings(&[
                "owner",
                "data-classification",
                "training-dataset",
                "risk-tier",
            ]),
        }
    }
}

impl Default for Monitoring {
    fn default() -> Self {
        // Every request: model-quality monitoring joins captured inferences with ground
        // truth by inference id, and a sample leaves requests that can neither be judged
        // nor investigated later. High-traffic endpoints may lower it on purpose.
        Monitoring {
            min_sampling_percentage: 100,
        }
    }
}

impl Default for CloudTrail {
    fn default() -> Self {
        CloudTrail {
            bedrock_data_event_types: strings(&[
                "AWS::Bedrock::AgentAlias",
                "AWS::Bedrock::KnowledgeBase",
            ]),
            sagemaker_data_event_types: strings(&["AWS::SageMaker::Endpoint"]),
        }
    }
}

/// A configuration file that cannot be used.
#[derive(Debug, thiserror::Error, Diagnostic)]
#[error("{path}: {message}")]
pub struct ConfigError {
    pub path: String,
    pub message: String,
    #[source_code]
    pub src: Option<NamedSource<String>>,
    #[label("here")]
    pub span: Option<SourceSpan>,
}

/// The PII type names people write that are not the API's.
const PII_ALIASES: [(&str, &str); 2] = [
    ("SSN", "US_SOCIAL_SECURITY_NUMBER"),
    ("CREDIT_CARD", "CREDIT_DEBIT_CARD_NUMBER"),
];

impl Config {
    /// Whether a setting of [`REQUIRABLE`] is set; `None` for a name that is not one.
    pub fn is_set(&self, key: &str) -> Option<bool> {
        match key {
            "lakeformation.admins" => Some(!self.lakeformation.admins.is_empty()),
            _ => None,
        }
    }

    /// `--config PATH`, else `ailint.toml` in `dir` if present, else the defaults.
    pub fn discover(
        explicit: Option<&Path>,
        dir: &Path,
    ) -> Result<(Config, Option<PathBuf>), Box<ConfigError>> {
        let path = match explicit {
            Some(p) => p.to_path_buf(),
            None => {
                let candidate = dir.join(DEFAULT_FILE);
                if !candidate.is_file() {
                    return Ok((Config::default(), None));
                }
                candidate
            }
        };
        let shown = path.display().to_string();
        let text = std::fs::read_to_string(&path).map_err(|e| {
            Box::new(ConfigError {
                path: shown.clone(),
                message: format!("cannot read: {e}"),
                src: None,
                span: None,
            })
        })?;
        Config::parse(&shown, &text).map(|c| (c, Some(path)))
    }

    /// The configuration with the overrides of `profile` applied, when the file has some.
    pub fn for_profile(&self, profile: &str) -> Result<Config, Box<ConfigError>> {
        let Some(overrides) = self.profile.get(profile) else {
            return Ok(self.clone());
        };
        let at = |message: String| {
            let header = format!("[profile.{profile}");
            let line = self
                .text
                .lines()
                .position(|l| l.trim_start().starts_with(&header))
                .map(|i| i + 1);
            Box::new(ConfigError {
                path: match line {
                    Some(l) => format!("{}:{l}", self.source),
                    None => self.source.clone(),
                },
                message: format!("in `[profile.{profile}]`: {message}"),
                src: None,
                span: None,
            })
        };
        if overrides.contains_key("profile") {
            return Err(at("profiles do not nest".into()));
        }
        let mut merged = toml::Table::try_from(self).map_err(|e| at(e.to_string()))?;
        merge(&mut merged, overrides);
        let mut config: Config = merged
            .try_into()
            .map_err(|e: toml::de::Error| at(e.message().to_string()))?;
        config.source = self.source.clone();
        config.text = self.text.clone();
        config.validate().map_err(at)?;
        Ok(config)
    }

    pub fn parse(path: &str, text: &str) -> Result<Config, Box<ConfigError>> {
        let config: Config = toml::from_str(text).map_err(|e| {
            let span = e.span().map(SourceSpan::from);
            let line = e
                .span()
                .map(|s| text[..s.start.min(text.len())].matches('\n').count() + 1);
            Box::new(ConfigError {
                path: match line {
                    Some(l) => format!("{path}:{l}"),
                    None => path.to_string(),
                },
                message: e.message().to_string(),
                src: Some(NamedSource::new(path, text.to_string())),
                span,
            })
        })?;
        let mut config = config;
        config.source = path.to_string();
        config.text = text.to_string();
        config.validate().map_err(|message| {
            Box::new(ConfigError {
                path: path.to_string(),
                message,
                src: None,
                span: None,
            })
        })?;
        // Each profile is checked now, so a typo in one is found before it is used.
        for name in config.profile.keys() {
            config.for_profile(name)?;
        }
        Ok(config)
    }

    fn validate(&self) -> Result<(), String> {
        for (name, value) in [
            (
                "guardrails.grounding_threshold",
                self.guardrails.grounding_threshold,
            ),
            (
                "guardrails.relevance_threshold",
                self.guardrails.relevance_threshold,
            ),
        ] {
            if !(0.0..1.0).contains(&value) {
                return Err(format!(
                    "`{name}` must be at least 0 and below 1, found `{value}`"
                ));
            }
        }
        for (i, ignore) in self.ignore.iter().enumerate() {
            let n = i + 1;
            if ignore.reason.trim().is_empty() {
                return Err(format!(
                    "`ignore` entry {n} has no `reason`; say why the findings are accepted"
                ));
            }
            if ignore.rules.is_empty() && ignore.resources.is_empty() && ignore.tags.is_empty() {
                return Err(format!(
                    "`ignore` entry {n} matches every finding; name `rules`, `resources` or `tags`"
                ));
            }
            if let Some(until) = &ignore.until {
                if crate::engine::suppress::parse_date(until).is_none() {
                    return Err(format!(
                        "`ignore` entry {n}: `until` must be a date `YYYY-MM-DD`, found `{until}`"
                    ));
                }
            }
        }
        if let Some(a) = &self.cloudformation.account {
            if a.len() != 12 || !a.bytes().all(|b| b.is_ascii_digit()) {
                return Err(format!(
                    "`cloudformation.account` must be a 12-digit account id, found `{a}`"
                ));
            }
        }
        let p = self.monitoring.min_sampling_percentage;
        if !(1..=100).contains(&p) {
            return Err(format!(
                "`monitoring.min_sampling_percentage` must be from 1 to 100, found `{p}`"
            ));
        }
        for (name, items, max) in [
            (
                "guardrails.denied_topics",
                &self.guardrails.denied_topics,
                100,
            ),
            (
                "governance.required_metadata_keys",
                &self.governance.required_metadata_keys,
                128,
            ),
        ] {
            let mut seen = std::collections::BTreeSet::new();
            for item in items {
                if item.trim().is_empty() {
                    return Err(format!("`{name}` holds an empty name"));
                }
                // The API's limits: topic names up to 100 characters, metadata keys up to 128.
                if item.chars().count() > max {
                    return Err(format!(
                        "`{name}`: `{item}` is longer than {max} characters, which AWS does not allow"
                    ));
                }
                if !seen.insert(item) {
                    return Err(format!("`{name}` lists `{item}` twice"));
                }
            }
        }
        for t in &self.guardrails.pii_types {
            if let Some((_, api)) = PII_ALIASES.iter().find(|(alias, _)| alias == t) {
                return Err(format!(
                    "`{t}` is not a Bedrock PII entity type; the API name is `{api}`"
                ));
            }
        }
        Ok(())
    }
}

/// Overlays `overrides` on `base`: tables merge key by key, `ignore` lists are joined,
/// other values are replaced.
fn merge(base: &mut toml::Table, overrides: &toml::Table) {
    for (key, value) in overrides {
        match (base.get_mut(key), value) {
            (Some(toml::Value::Table(b)), toml::Value::Table(o)) => merge(b, o),
            (Some(toml::Value::Array(b)), toml::Value::Array(o)) if key == "ignore" => {
                b.extend(o.iter().cloned())
            }
            _ => {
                base.insert(key.clone(), value.clone());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_the_reference_values() {
        let c = Config::default();
        assert_eq!(c.regions.allowed, ["us-east-1", "us-west-2", "eu-west-1"]);
        assert_eq!(c.guardrails.hate_filter_strength, Strength::High);
        assert_eq!(c.guardrails.grounding_threshold, 0.7);
        assert!(c
            .guardrails
            .pii_types
            .contains(&"US_SOCIAL_SECURITY_NUMBER".to_string()));
    }

    #[test]
    fn guardrail_governance_and_monitoring_defaults() {
        let c = Config::default();
        let g = &c.guardrails;
        for s in [
            g.insults_filter_strength,
            g.sexual_filter_strength,
            g.violence_filter_strength,
            g.misconduct_filter_strength,
            g.prompt_attack_strength,
        ] {
            assert_eq!(s, Strength::High);
        }
        assert!(g.denied_topics.is_empty());
        assert!(g.require_published_version);
        assert_eq!(
            c.governance.required_metadata_keys,
            [
                "owner",
                "data-classification",
                "training-dataset",
                "risk-tier"
            ]
        );
        assert_eq!(c.monitoring.min_sampling_percentage, 100);
    }

    #[test]
    fn guardrail_governance_and_monitoring_values_are_read_and_checked() {
        let text = "[guardrails]\nhate_filter_strength = \"MEDIUM\"\nprompt_attack_strength = \"LOW\"\ndenied_topics = [\"Investment advice\"]\nrequire_published_version = false\n\n[governance]\nrequired_metadata_keys = [\"owner\"]\n\n[monitoring]\nmin_sampling_percentage = 20\n";
        let c = Config::parse("a.toml", text).unwrap();
        assert_eq!(c.guardrails.hate_filter_strength, Strength::Medium);
        assert_eq!(c.guardrails.insults_filter_strength, Strength::High);
        assert_eq!(c.guardrails.prompt_attack_strength, Strength::Low);
        assert_eq!(c.guardrails.denied_topics, ["Investment advice"]);
        assert!(!c.guardrails.require_published_version);
        assert_eq!(c.governance.required_metadata_keys, ["owner"]);
        assert_eq!(c.monitoring.min_sampling_percentage, 20);

        let e = Config::parse(
            "a.toml",
            "[guardrails]\nsexual_filter_strength = \"STRICT\"\n",
        )
        .unwrap_err();
        assert!(e.message.contains("STRICT"), "{e}");
        for bad in ["0", "101", "-5"] {
            let text = format!("[monitoring]\nmin_sampling_percentage = {bad}\n");
            let e = Config::parse("a.toml", &text).unwrap_err();
            assert!(
                e.message.contains("`monitoring.min_sampling_percentage`"),
                "{e}"
            );
        }
        let e = Config::parse("a.toml", "[guardrails]\ndenied_topics = [\" \"]\n").unwrap_err();
        assert!(e.message.contains("empty"), "{e}");
        let e =
            Config::parse("a.toml", "[guardrails]\ndenied_topics = [\"a\", \"a\"]\n").unwrap_err();
        assert!(e.message.contains("twice"), "{e}");
        let long = "k".repeat(129);
        let text = format!("[governance]\nrequired_metadata_keys = [\"{long}\"]\n");
        let e = Config::parse("a.toml", &text).unwrap_err();
        assert!(e.message.contains("longer than 128"), "{e}");
    }

    #[test]
    fn partial_files_keep_other_defaults() {
        let c = Config::parse("a.toml", "[regions]\nallowed = [\"eu-central-1\"]\n").unwrap();
        assert_eq!(c.regions.allowed, ["eu-central-1"]);
        assert_eq!(c.guardrails, Guardrails::default());
    }

    #[test]
    fn profile_overrides_apply_to_their_profile_only() {
        let text = r#"
[regions]
allowed = ["eu-west-1"]

[[ignore]]
rules = ["AIL-NET-001"]
reason = "sandbox notebooks"

[profile.prod.regions]
allowed = ["eu-west-1", "eu-central-1"]

[profile.prod.aws]
regions = ["eu-west-1", "eu-central-1"]
role_arn = "arn:aws:iam::111122223333:role/Audit"

[[profile.prod.ignore]]
resources = ["arn:aws:s3:::legacy-*"]
reason = "migrating until Q3"
"#;
        let c = Config::parse("a.toml", text).unwrap();
        assert_eq!(c.regions.allowed, ["eu-west-1"]);
        assert!(c.aws.regions.is_empty());
        let prod = c.for_profile("prod").unwrap();
        assert_eq!(prod.regions.allowed, ["eu-west-1", "eu-central-1"]);
        assert_eq!(prod.aws.regions, ["eu-west-1", "eu-central-1"]);
        assert_eq!(
            prod.aws.role_arn.as_deref(),
            Some("arn:aws:iam::111122223333:role/Audit")
        );
        assert_eq!(prod.ignore.len(), 2);
        assert_eq!(prod.guardrails, c.guardrails);
        assert_eq!(prod.source, "a.toml");
        // Another profile gets the file as it is.
        assert_eq!(c.for_profile("dev").unwrap(), c);
    }

    #[test]
    fn a_typo_in_a_profile_is_found_when_the_file_is_read() {
        let text = "[regions]\nallowed = []\n\n[profile.prod.regions]\nallowd = [\"eu-west-1\"]\n";
        let e = Config::parse("a.toml", text).unwrap_err();
        assert_eq!(e.path, "a.toml:4");
        assert!(
            e.message.contains("`[profile.prod]`") && e.message.contains("allowd"),
            "{e}"
        );
        let text = "[profile.prod.guardrails]\ngrounding_threshold = 2.0\n";
        let e = Config::parse("a.toml", text).unwrap_err();
        assert!(e.message.contains("grounding_threshold"), "{e}");
    }

    #[test]
    fn typos_and_bad_values_are_located() {
        let e = Config::parse("a.toml", "[regions]\nallowd = []\n").unwrap_err();
        assert!(e.path.ends_with(":2"), "{e}");
        assert!(e.message.contains("unknown field `allowd`"), "{e}");
        let e = Config::parse("a.toml", "[guardrails]\npii_types = [\"SSN\"]\n").unwrap_err();
        assert!(e.message.contains("`US_SOCIAL_SECURITY_NUMBER`"), "{e}");
        let e = Config::parse("a.toml", "[guardrails]\ngrounding_threshold = 1.5\n").unwrap_err();
        assert!(e.message.contains("grounding_threshold"), "{e}");
    }
}
