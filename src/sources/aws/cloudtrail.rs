//! CloudTrail: trails, whether they log, and their basic or advanced event selectors.

use serde_json::{json, Map, Value};

use super::{client, Batch, Found, Scope};

const TRAIL: &str = "AWS::CloudTrail::Trail";

pub async fn collect(scope: Scope) -> Batch {
    let ct = client!(aws_sdk_cloudtrail, scope);
    let region = scope.region.as_deref();
    let mut batch = Batch::default();
    // Shadow trails (multi-region and organization trails homed elsewhere) are listed too:
    // an account whose trail is homed in a region that is not read still has it. Each trail
    // is read once, in its home region, where its name (or, for another account's
    // organization trail, its ARN) identifies it.
    let trails = match scope
        .call(ct.describe_trails().include_shadow_trails(true).send())
        .await
    {
        Ok(out) => out.trail_list().to_vec(),
        Err(e) => {
            batch.miss(region, &[TRAIL], "cloudtrail:DescribeTrails", e);
            return batch;
        }
    };
    for t in trails {
        let (Some(arn), Some(name)) = (t.trail_arn(), t.name()) else {
            continue;
        };
        let home = t.home_region().unwrap_or(scope.region_name());
        if home != scope.region_name() && scope.regions.iter().any(|r| r == home) {
            continue;
        }
        let home_scope = scope.in_region(home);
        let ct = client!(aws_sdk_cloudtrail, home_scope);
        let own = arn.split(':').nth(4) == Some(scope.account.as_str());
        let id = if own { name } else { arn };
        let mut f = Found::new(TRAIL, arn, Some(home)).name(name);
        f.set("isMultiRegionTrail", t.is_multi_region_trail());
        f.set("kmsKey", t.kms_key_id());
        f.set("logFileValidationEnabled", t.log_file_validation_enabled());
        match home_scope.call(ct.get_trail_status().name(id).send()).await {
            Ok(s) => f.set("isLogging", s.is_logging()),
            Err(e) => f.unknown(&["isLogging"], &format!("cloudtrail:GetTrailStatus: {e}")),
        }
        match home_scope
            .call(ct.get_event_selectors().trail_name(id).send())
            .await
        {
            Ok(s) => {
                if !s.event_selectors().is_empty() {
                    f.document("eventSelectors", Some(basic(s.event_selectors())));
                }
                if !s.advanced_event_selectors().is_empty() {
                    f.document(
                        "advancedEventSelectors",
                        Some(advanced(s.advanced_event_selectors())),
                    );
                }
            }
            Err(e) => f.unknown(
                &[
                    "documents.eventSelectors",
                    "documents.advancedEventSelectors",
                ],
                &format!("cloudtrail:GetEventSelectors: {e}"),
            ),
        }
        batch.resources.push(f);
    }
    batch
}

/// Basic selectors as the API's JSON.
fn basic(selectors: &[aws_sdk_cloudtrail::types::EventSelector]) -> Value {
    Value::Array(
        selectors
            .iter()
            .map(|s| {
                let mut m = Map::new();
                if let Some(rw) = s.read_write_type() {
                    m.insert("ReadWriteType".into(), json!(rw.as_str()));
                }
                if let Some(i) = s.include_management_events() {
                    m.insert("IncludeManagementEvents".into(), json!(i));
                }
                m.insert(
                    "ExcludeManagementEventSources".into(),
                    json!(s.exclude_management_event_sources()),
                );
                m.insert(
                    "DataResources".into(),
                    Value::Array(
                        s.data_resources()
                            .iter()
                            .map(|d| json!({"Type": d.r#type(), "Values": d.values()}))
                            .collect(),
                    ),
                );
                Value::Object(m)
            })
            .collect(),
    )
}

/// Advanced selectors as the API's JSON.
fn advanced(selectors: &[aws_sdk_cloudtrail::types::AdvancedEventSelector]) -> Value {
    Value::Array(
        selectors
            .iter()
            .map(|s| {
                let fields: Vec<Value> = s
                    .field_selectors()
                    .iter()
                    .map(|f| {
                        let mut m = Map::new();
                        m.insert("Field".into(), json!(f.field()));
                        for (key, values) in [
                            ("Equals", f.equals()),
                            ("NotEquals", f.not_equals()),
                            ("StartsWith", f.starts_with()),
                            ("NotStartsWith", f.not_starts_with()),
                            ("EndsWith", f.ends_with()),
                            ("NotEndsWith", f.not_ends_with()),
                        ] {
                            if !values.is_empty() {
                                m.insert(key.into(), json!(values));
                            }
                        }
                        Value::Object(m)
                    })
                    .collect();
                json!({"Name": s.name(), "FieldSelectors": fields})
            })
            .collect(),
    )
}
