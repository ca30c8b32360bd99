//! The request context: `ailint.toml` as the rules see it (`Ailint::Context`).

use cedar_policy::{Context, RestrictedExpression};

use crate::config::Config;

fn strings(items: &[String]) -> RestrictedExpression {
    RestrictedExpression::new_set(items.iter().cloned().map(RestrictedExpression::new_string))
}

fn record(fields: Vec<(&str, RestrictedExpression)>) -> RestrictedExpression {
    #[allow(clippy::expect_used)]
    RestrictedExpression::new_record(fields.into_iter().map(|(k, v)| (k.to_string(), v)))
        .expect("field names are distinct literals")
}

fn decimal(v: f64) -> RestrictedExpression {
    // Config validation keeps thresholds in [0, 1), so four digits always fit Cedar's decimal.
    RestrictedExpression::new_decimal(format!("{v:.4}"))
}

fn level(s: crate::config::Strength) -> RestrictedExpression {
    RestrictedExpression::new_long(s.level())
}

/// Builds the context every request carries; its shape is checked against the schema by
/// a test.
pub fn build(config: &Config) -> Context {
    let g = &config.guardrails;
    let fields = vec![
        ("allowedRegions", strings(&config.regions.allowed)),
        ("approvedModelIds", strings(&config.models.approved)),
        ("requiredTags", strings(&config.tags.required)),
        (
            "guardrail",
            record(vec![
                ("requiredPiiTypes", strings(&g.pii_types)),
                (
                    "hateFilterLevel",
                    RestrictedExpression::new_long(g.hate_filter_strength.level()),
                ),
                ("insultsFilterLevel", level(g.insults_filter_strength)),
                ("sexualFilterLevel", level(g.sexual_filter_strength)),
                ("violenceFilterLevel", level(g.violence_filter_strength)),
                ("misconductFilterLevel", level(g.misconduct_filter_strength)),
                ("promptAttackLevel", level(g.prompt_attack_strength)),
                ("requiredDeniedTopics", strings(&g.denied_topics)),
                (
                    "requirePublishedVersion",
                    RestrictedExpression::new_bool(g.require_published_version),
                ),
                (
                    "requireProfanityFilter",
                    RestrictedExpression::new_bool(g.profanity_filter),
                ),
                ("groundingThreshold", decimal(g.grounding_threshold)),
                ("relevanceThreshold", decimal(g.relevance_threshold)),
            ]),
        ),
        (
            "governance",
            record(vec![(
                "requiredMetadataKeys",
                strings(&config.governance.required_metadata_keys),
            )]),
        ),
        (
            "monitoring",
            record(vec![(
                "minSamplingPercentage",
                RestrictedExpression::new_long(config.monitoring.min_sampling_percentage),
            )]),
        ),
        (
            "cloudTrail",
            record(vec![
                (
                    "bedrockDataEventTypes",
                    strings(&config.cloudtrail.bedrock_data_event_types),
                ),
                (
                    "sagemakerDataEventTypes",
                    strings(&config.cloudtrail.sagemaker_data_event_types),
                ),
            ]),
        ),
        (
            "lakeFormation",
            record(vec![(
                "allowedAdmins",
                strings(&config.lakeformation.admins),
            )]),
        ),
    ];
    #[allow(clippy::expect_used)]
    Context::from_pairs(fields.into_iter().map(|(k, v)| (k.to_string(), v)))
        .expect("field names are distinct literals")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::schema::ModelSchema;
    use cedar_policy::{EntityUid, Request};
    use std::str::FromStr;

    #[test]
    fn the_context_matches_the_schema() {
        let schema = ModelSchema::builtin();
        let ctx = build(&Config::default());
        let uid = |s: &str| EntityUid::from_str(s).unwrap();
        // Request validation against the schema checks the context's shape and types.
        Request::new(
            uid(r#"Ailint::Auditor::"ailint""#),
            uid(r#"Ailint::Action::"audit""#),
            uid(r#"AWS::S3::Bucket::"b""#),
            ctx,
            Some(&schema.cedar),
        )
        .unwrap();
    }
}
