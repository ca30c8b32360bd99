//! Lake Formation: data-lake settings, permissions and registered locations.

use serde_json::{json, Value};

use super::{client, Batch, Found, Scope};

const SETTINGS: &str = "AWS::LakeFormation::DataLakeSettings";
const PERMISSIONS: &str = "AWS::LakeFormation::Permissions";
const RESOURCE: &str = "AWS::LakeFormation::Resource";

pub async fn collect(scope: Scope) -> Batch {
    let lf = client!(aws_sdk_lakeformation, scope);
    let region = scope.region.as_deref();
    let mut batch = Batch::default();

    match scope.call(lf.get_data_lake_settings().send()).await {
        Ok(out) => {
            let id = format!(
                "{}/{}/data-lake-settings",
                scope.account,
                scope.region_name()
            );
            let mut f = Found::new(SETTINGS, id, region).name("data-lake-settings");
            if let Some(s) = out.data_lake_settings() {
                let admins: Vec<&str> = s
                    .data_lake_admins()
                    .iter()
                    .filter_map(|p| p.data_lake_principal_identifier())
                    .collect();
                f.set("admins", Some(admins));
                let defaults =
                    |list: &[aws_sdk_lakeformation::types::PrincipalPermissions]| -> Value {
                        Value::Array(
                        list.iter()
                            .map(|p| {
                                json!({
                                    "principal": p.principal().and_then(|x| x.data_lake_principal_identifier()).unwrap_or(""),
                                    "permissions": p.permissions().iter().map(|x| x.as_str()).collect::<Vec<_>>(),
                                })
                            })
                            .collect(),
                    )
                    };
                f.set(
                    "createDatabaseDefaultPermissions",
                    Some(defaults(s.create_database_default_permissions())),
                );
                f.set(
                    "createTableDefaultPermissions",
                    Some(defaults(s.create_table_default_permissions())),
                );
            }
            batch.resources.push(f);
        }
        Err(e) => batch.miss(region, &[SETTINGS], "lakeformation:GetDataLakeSettings", e),
    }

    match scope
        .call(
            lf.list_permissions()
                .into_paginator()
                .send()
                .collect::<Result<Vec<_>, _>>(),
        )
        .await
    {
        Ok(pages) => {
            for p in pages
                .iter()
                .flat_map(|page| page.principal_resource_permissions())
            {
                let principal = p
                    .principal()
                    .and_then(|x| x.data_lake_principal_identifier())
                    .unwrap_or("");
                let target = describe_target(p.resource());
                let id = format!(
                    "{}/{}/{principal}/{target}",
                    scope.account,
                    scope.region_name()
                );
                let mut f =
                    Found::new(PERMISSIONS, id, region).name(format!("{principal} on {target}"));
                f.set("principal", Some(principal));
                f.set("target", Some(target.as_str()));
                f.set(
                    "permissions",
                    Some(
                        p.permissions()
                            .iter()
                            .map(|x| x.as_str())
                            .collect::<Vec<_>>(),
                    ),
                );
                f.set(
                    "permissionsWithGrantOption",
                    Some(
                        p.permissions_with_grant_option()
                            .iter()
                            .map(|x| x.as_str())
                            .collect::<Vec<_>>(),
                    ),
                );
                batch.resources.push(f);
            }
        }
        Err(e) => batch.miss(region, &[PERMISSIONS], "lakeformation:ListPermissions", e),
    }

    match scope
        .call(
            lf.list_resources()
                .into_paginator()
                .send()
                .collect::<Result<Vec<_>, _>>(),
        )
        .await
    {
        Ok(pages) => {
            for r in pages.iter().flat_map(|page| page.resource_info_list()) {
                let Some(arn) = r.resource_arn() else {
                    continue;
                };
                let mut f = Found::new(RESOURCE, arn, region).name(arn);
                f.set("hybridAccessEnabled", r.hybrid_access_enabled());
                f.set("roleArn", r.role_arn());
                batch.resources.push(f);
            }
        }
        Err(e) => batch.miss(region, &[RESOURCE], "lakeformation:ListResources", e),
    }
    batch
}

/// `database/sales`, `table/curated/sales_agg`, `location/arn:...`: what a grant is on, in
/// the form every source uses.
fn describe_target(r: Option<&aws_sdk_lakeformation::types::Resource>) -> String {
    let Some(r) = r else { return "unknown".into() };
    if r.catalog().is_some() {
        return "catalog".into();
    }
    if let Some(d) = r.database() {
        return format!("database/{}", d.name());
    }
    if let Some(t) = r.table() {
        return format!("table/{}/{}", t.database_name(), t.name().unwrap_or("*"));
    }
    if let Some(t) = r.table_with_columns() {
        return format!("columns/{}/{}", t.database_name(), t.name());
    }
    if let Some(l) = r.data_location() {
        return format!("location/{}", l.resource_arn());
    }
    if let Some(t) = r.lf_tag() {
        return format!("lf-tag/{}", t.tag_key());
    }
    if let Some(t) = r.lf_tag_policy() {
        return format!("lf-tag-policy/{}", t.resource_type().as_str());
    }
    "other".into()
}
