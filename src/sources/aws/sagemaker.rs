//! SageMaker: notebook instances, Studio domains, endpoints and their configurations,
//! models, model packages, recent training jobs and monitoring schedules.

use super::{client, each, tag_map, Batch, Found, Scope};

const NOTEBOOK: &str = "AWS::SageMaker::NotebookInstance";
const DOMAIN: &str = "AWS::SageMaker::Domain";
const ENDPOINT_CONFIG: &str = "AWS::SageMaker::EndpointConfig";
const ENDPOINT: &str = "AWS::SageMaker::Endpoint";
const MODEL: &str = "AWS::SageMaker::Model";
const PACKAGE: &str = "AWS::SageMaker::ModelPackage";
const TRAINING_JOB: &str = "AWS::SageMaker::TrainingJob";
const SCHEDULE: &str = "AWS::SageMaker::MonitoringSchedule";

/// Training jobs are run-time objects: only those created in this many recent days.
const TRAINING_JOB_DAYS: i64 = 30;
/// And at most this many of them.
const TRAINING_JOB_MAX: usize = 100;

type Client = aws_sdk_sagemaker::Client;

pub async fn collect(scope: Scope) -> Batch {
    let sm = client!(aws_sdk_sagemaker, scope);
    let mut batch = Batch::default();
    let parts = tokio::join!(
        notebooks(&scope, &sm),
        domains(&scope, &sm),
        endpoint_configs(&scope, &sm),
        endpoints(&scope, &sm),
        models(&scope, &sm),
        model_packages(&scope, &sm),
        training_jobs(&scope, &sm),
        schedules(&scope, &sm),
    );
    for b in [
        parts.0, parts.1, parts.2, parts.3, parts.4, parts.5, parts.6, parts.7,
    ] {
        batch.extend(b);
    }
    batch
}

/// The tags of a resource; unknown when they cannot be read.
async fn tags(scope: &Scope, sm: &Client, arn: &str, f: &mut Found) {
    match scope
        .call(
            sm.list_tags()
                .resource_arn(arn)
                .into_paginator()
                .items()
                .send()
                .collect::<Result<Vec<_>, _>>(),
        )
        .await
    {
        Ok(list) => f.tags = tag_map(list.iter().filter_map(|t| Some((t.key()?, t.value()?)))),
        Err(e) => f.unknown(&["tags"], &format!("sagemaker:ListTags: {e}")),
    }
}

async fn notebooks(scope: &Scope, sm: &Client) -> Batch {
    let region = scope.region.as_deref();
    let mut batch = Batch::default();
    let list = match scope
        .call(
            sm.list_notebook_instances()
                .into_paginator()
                .items()
                .send()
                .collect::<Result<Vec<_>, _>>(),
        )
        .await
    {
        Ok(list) => list,
        Err(e) => {
            batch.miss(region, &[NOTEBOOK], "sagemaker:ListNotebookInstances", e);
            return batch;
        }
    };
    let names: Vec<(String, String)> = list
        .iter()
        .filter_map(|n| {
            Some((
                n.notebook_instance_name()?.to_string(),
                n.notebook_instance_arn()?.to_string(),
            ))
        })
        .collect();
    batch.resources = each(names, |(name, arn)| {
        let (scope, sm) = (scope.clone(), sm.clone());
        async move {
            let mut f =
                Found::new(NOTEBOOK, arn.clone(), scope.region.as_deref()).name(name.clone());
            match scope
                .call(
                    sm.describe_notebook_instance()
                        .notebook_instance_name(&name)
                        .send(),
                )
                .await
            {
                Ok(d) => {
                    f.set("kmsKey", d.kms_key_id());
                    f.set(
                        "directInternetAccess",
                        d.direct_internet_access().map(|v| v.as_str()),
                    );
                    f.set("rootAccess", d.root_access().map(|v| v.as_str()));
                    f.set("subnetId", d.subnet_id());
                }
                Err(e) => f.unknown(
                    &["kmsKey", "directInternetAccess", "rootAccess", "subnetId"],
                    &format!("sagemaker:DescribeNotebookInstance: {e}"),
                ),
            }
            tags(&scope, &sm, &arn, &mut f).await;
            f
        }
    })
    .await;
    batch
}

async fn domains(scope: &Scope, sm: &Client) -> Batch {
    let region = scope.region.as_deref();
    let mut batch = Batch::default();
    let list = match scope
        .call(
            sm.list_domains()
                .into_paginator()
                .items()
                .send()
                .collect::<Result<Vec<_>, _>>(),
        )
        .await
    {
        Ok(list) => list,
        Err(e) => {
            batch.miss(region, &[DOMAIN], "sagemaker:ListDomains", e);
            return batch;
        }
    };
    let ids: Vec<(String, String, Option<String>)> = list
        .iter()
        .filter_map(|d| {
            Some((
                d.domain_id()?.to_string(),
                d.domain_arn()?.to_string(),
                d.domain_name().map(str::to_string),
            ))
        })
        .collect();
    batch.resources = each(ids, |(id, arn, name)| {
        let (scope, sm) = (scope.clone(), sm.clone());
        async move {
            let mut f = Found::new(DOMAIN, arn.clone(), scope.region.as_deref());
            if let Some(n) = name {
                f = f.name(n);
            }
            match scope.call(sm.describe_domain().domain_id(&id).send()).await {
                Ok(d) => {
                    f.set(
                        "appNetworkAccessType",
                        d.app_network_access_type().map(|v| v.as_str()),
                    );
                    f.set("kmsKey", d.kms_key_id());
                    f.set("vpc", d.vpc_id());
                }
                Err(e) => f.unknown(
                    &["appNetworkAccessType", "kmsKey", "vpc"],
                    &format!("sagemaker:DescribeDomain: {e}"),
                ),
            }
            tags(&scope, &sm, &arn, &mut f).await;
            f
        }
    })
    .await;
    batch
}

async fn endpoint_configs(scope: &Scope, sm: &Client) -> Batch {
    let region = scope.region.as_deref();
    let mut batch = Batch::default();
    let list = match scope
        .call(
            sm.list_endpoint_configs()
                .into_paginator()
                .items()
                .send()
                .collect::<Result<Vec<_>, _>>(),
        )
        .await
    {
        Ok(list) => list,
        Err(e) => {
            batch.miss(
                region,
                &[ENDPOINT_CONFIG],
                "sagemaker:ListEndpointConfigs",
                e,
            );
            return batch;
        }
    };
    let names: Vec<(String, String)> = list
        .iter()
        .filter_map(|c| {
            Some((
                c.endpoint_config_name()?.to_string(),
                c.endpoint_config_arn()?.to_string(),
            ))
        })
        .collect();
    batch.resources = each(names, |(name, arn)| {
        let (scope, sm) = (scope.clone(), sm.clone());
        async move {
            let mut f = Found::new(ENDPOINT_CONFIG, arn.clone(), scope.region.as_deref())
                .name(name.clone());
            match scope
                .call(
                    sm.describe_endpoint_config()
                        .endpoint_config_name(&name)
                        .send(),
                )
                .await
            {
                Ok(d) => {
                    f.set("kmsKey", d.kms_key_id());
                    if let Some(c) = d.data_capture_config() {
                        let mut capture = serde_json::Map::new();
                        capture.insert(
                            "enableCapture".into(),
                            c.enable_capture().unwrap_or(false).into(),
                        );
                        if let Some(k) = c.kms_key_id() {
                            capture.insert("kmsKey".into(), k.into());
                        }
                        if let Some(u) = c.destination_s3_uri() {
                            capture.insert("destinationS3Uri".into(), u.into());
                        }
                        if let Some(p) = c.initial_sampling_percentage() {
                            capture.insert("initialSamplingPercentage".into(), p.into());
                        }
                        f.set("dataCapture", Some(serde_json::Value::Object(capture)));
                    }
                    let models: Vec<&str> = d
                        .production_variants()
                        .iter()
                        .filter_map(|v| v.model_name())
                        .collect();
                    f.set("models", Some(models));
                }
                Err(e) => f.unknown(
                    &["kmsKey", "dataCapture", "models"],
                    &format!("sagemaker:DescribeEndpointConfig: {e}"),
                ),
            }
            tags(&scope, &sm, &arn, &mut f).await;
            f
        }
    })
    .await;
    batch
}

async fn endpoints(scope: &Scope, sm: &Client) -> Batch {
    let region = scope.region.as_deref();
    let mut batch = Batch::default();
    let list = match scope
        .call(
            sm.list_endpoints()
                .into_paginator()
                .items()
                .send()
                .collect::<Result<Vec<_>, _>>(),
        )
        .await
    {
        Ok(list) => list,
        Err(e) => {
            batch.miss(region, &[ENDPOINT], "sagemaker:ListEndpoints", e);
            return batch;
        }
    };
    let names: Vec<(String, String)> = list
        .iter()
        .filter_map(|e| {
            Some((
                e.endpoint_name()?.to_string(),
                e.endpoint_arn()?.to_string(),
            ))
        })
        .collect();
    batch.resources = each(names, |(name, arn)| {
        let (scope, sm) = (scope.clone(), sm.clone());
        async move {
            let mut f =
                Found::new(ENDPOINT, arn.clone(), scope.region.as_deref()).name(name.clone());
            match scope
                .call(sm.describe_endpoint().endpoint_name(&name).send())
                .await
            {
                Ok(d) => {
                    f.set("endpointConfig", d.endpoint_config_name());
                    f.set("status", d.endpoint_status().map(|s| s.as_str()));
                }
                Err(e) => f.unknown(
                    &["endpointConfig", "status"],
                    &format!("sagemaker:DescribeEndpoint: {e}"),
                ),
            }
            tags(&scope, &sm, &arn, &mut f).await;
            f
        }
    })
    .await;
    batch
}

async fn models(scope: &Scope, sm: &Client) -> Batch {
    let region = scope.region.as_deref();
    let mut batch = Batch::default();
    let list = match scope
        .call(
            sm.list_models()
                .into_paginator()
                .items()
                .send()
                .collect::<Result<Vec<_>, _>>(),
        )
        .await
    {
        Ok(list) => list,
        Err(e) => {
            batch.miss(region, &[MODEL], "sagemaker:ListModels", e);
            return batch;
        }
    };
    let names: Vec<(String, String)> = list
        .iter()
        .filter_map(|m| Some((m.model_name()?.to_string(), m.model_arn()?.to_string())))
        .collect();
    batch.resources = each(names, |(name, arn)| {
        let (scope, sm) = (scope.clone(), sm.clone());
        async move {
            let mut f = Found::new(MODEL, arn.clone(), scope.region.as_deref()).name(name.clone());
            match scope
                .call(sm.describe_model().model_name(&name).send())
                .await
            {
                Ok(d) => {
                    f.set("enableNetworkIsolation", d.enable_network_isolation());
                    if let Some(v) = d.vpc_config() {
                        f.set("vpcSubnets", Some(v.subnets().to_vec()));
                    }
                    let container = d.primary_container().or_else(|| d.containers().first());
                    if let Some(c) = container {
                        f.set("modelDataUrl", c.model_data_url());
                        f.set("modelPackage", c.model_package_name());
                        f.set("image", c.image());
                    }
                }
                Err(e) => f.unknown(
                    &[
                        "enableNetworkIsolation",
                        "vpcSubnets",
                        "modelDataUrl",
                        "modelPackage",
                        "image",
                    ],
                    &format!("sagemaker:DescribeModel: {e}"),
                ),
            }
            tags(&scope, &sm, &arn, &mut f).await;
            f
        }
    })
    .await;
    batch
}

async fn model_packages(scope: &Scope, sm: &Client) -> Batch {
    let region = scope.region.as_deref();
    let mut batch = Batch::default();
    let groups = match scope
        .call(
            sm.list_model_package_groups()
                .into_paginator()
                .items()
                .send()
                .collect::<Result<Vec<_>, _>>(),
        )
        .await
    {
        Ok(list) => list,
        Err(e) => {
            batch.miss(region, &[PACKAGE], "sagemaker:ListModelPackageGroups", e);
            return batch;
        }
    };
    let mut arns = Vec::new();
    for g in groups.iter().filter_map(|g| g.model_package_group_name()) {
        match scope
            .call(
                sm.list_model_packages()
                    .model_package_group_name(g)
                    .into_paginator()
                    .items()
                    .send()
                    .collect::<Result<Vec<_>, _>>(),
            )
            .await
        {
            Ok(list) => arns.extend(
                list.iter()
                    .filter_map(|p| p.model_package_arn().map(str::to_string)),
            ),
            Err(e) => batch.miss(region, &[PACKAGE], "sagemaker:ListModelPackages", e),
        }
    }
    let found = each(arns, |arn| {
        let (scope, sm) = (scope.clone(), sm.clone());
        async move {
            let mut f = Found::new(PACKAGE, arn.clone(), scope.region.as_deref());
            match scope
                .call(sm.describe_model_package().model_package_name(&arn).send())
                .await
            {
                Ok(d) => {
                    if let Some(n) = d.model_package_name() {
                        f = f.name(n);
                    }
                    f.set("group", d.model_package_group_name());
                    f.set(
                        "approvalStatus",
                        d.model_approval_status().map(|s| s.as_str()),
                    );
                    // The last modification of an approved package is its approval, unless
                    // it was created approved (then there is none).
                    if d.model_approval_status()
                        == Some(&aws_sdk_sagemaker::types::ModelApprovalStatus::Approved)
                    {
                        let by = d.last_modified_by().and_then(|u| {
                            u.iam_identity()
                                .and_then(|i| i.arn())
                                .or(u.user_profile_arn())
                                .or(u.user_profile_name())
                        });
                        f.set("approvedBy", by);
                    }
                    let mut keys: Vec<&String> = d
                        .customer_metadata_properties()
                        .map(|m| m.keys().collect())
                        .unwrap_or_default();
                    keys.sort();
                    f.set(
                        "customerMetadataKeys",
                        Some(keys.into_iter().cloned().collect::<Vec<_>>()),
                    );
                    f.set("hasModelCard", Some(d.model_card().is_some()));
                    f.set("hasModelMetrics", Some(d.model_metrics().is_some()));
                    f.set("kmsKey", d.security_config().and_then(|c| c.kms_key_id()));
                }
                Err(e) => f.unknown(
                    &[
                        "group",
                        "approvalStatus",
                        "approvedBy",
                        "customerMetadataKeys",
                        "hasModelCard",
                        "hasModelMetrics",
                        "kmsKey",
                    ],
                    &format!("sagemaker:DescribeModelPackage: {e}"),
                ),
            }
            f
        }
    })
    .await;
    batch.resources.extend(found);
    batch
}

async fn training_jobs(scope: &Scope, sm: &Client) -> Batch {
    let region = scope.region.as_deref();
    let mut batch = Batch::default();
    let since = std::time::SystemTime::now()
        - std::time::Duration::from_secs(TRAINING_JOB_DAYS as u64 * 86_400);
    let list = match scope
        .call(
            sm.list_training_jobs()
                .creation_time_after(aws_smithy_types::DateTime::from(since))
                .into_paginator()
                .items()
                .send()
                .collect::<Result<Vec<_>, _>>(),
        )
        .await
    {
        Ok(list) => list,
        Err(e) => {
            batch.miss(region, &[TRAINING_JOB], "sagemaker:ListTrainingJobs", e);
            return batch;
        }
    };
    let names: Vec<(String, String)> = list
        .iter()
        .take(TRAINING_JOB_MAX)
        .filter_map(|j| {
            Some((
                j.training_job_name()?.to_string(),
                j.training_job_arn()?.to_string(),
            ))
        })
        .collect();
    batch.resources = each(names, |(name, arn)| {
        let (scope, sm) = (scope.clone(), sm.clone());
        async move {
            let mut f =
                Found::new(TRAINING_JOB, arn.clone(), scope.region.as_deref()).name(name.clone());
            match scope
                .call(sm.describe_training_job().training_job_name(&name).send())
                .await
            {
                Ok(d) => {
                    f.set("status", d.training_job_status().map(|s| s.as_str()));
                    f.set(
                        "outputKmsKey",
                        d.output_data_config().and_then(|o| o.kms_key_id()),
                    );
                    f.set(
                        "outputS3Uri",
                        d.output_data_config().and_then(|o| o.s3_output_path()),
                    );
                    f.set(
                        "volumeKmsKey",
                        d.resource_config().and_then(|r| r.volume_kms_key_id()),
                    );
                    f.set("enableNetworkIsolation", d.enable_network_isolation());
                    f.set(
                        "enableInterContainerTrafficEncryption",
                        d.enable_inter_container_traffic_encryption(),
                    );
                    if let Some(v) = d.vpc_config() {
                        f.set("vpcSubnets", Some(v.subnets().to_vec()));
                    }
                }
                Err(e) => f.unknown(
                    &[
                        "status",
                        "outputKmsKey",
                        "outputS3Uri",
                        "volumeKmsKey",
                        "enableNetworkIsolation",
                        "enableInterContainerTrafficEncryption",
                        "vpcSubnets",
                    ],
                    &format!("sagemaker:DescribeTrainingJob: {e}"),
                ),
            }
            // DescribeTrainingJob does not return tags.
            tags(&scope, &sm, &arn, &mut f).await;
            f
        }
    })
    .await;
    batch
}

async fn schedules(scope: &Scope, sm: &Client) -> Batch {
    let region = scope.region.as_deref();
    let mut batch = Batch::default();
    match scope
        .call(
            sm.list_monitoring_schedules()
                .into_paginator()
                .items()
                .send()
                .collect::<Result<Vec<_>, _>>(),
        )
        .await
    {
        Ok(list) => {
            for s in list {
                let (Some(name), Some(arn)) =
                    (s.monitoring_schedule_name(), s.monitoring_schedule_arn())
                else {
                    continue;
                };
                let mut f = Found::new(SCHEDULE, arn, region).name(name);
                f.set("endpoint", s.endpoint_name());
                f.set("monitoringType", s.monitoring_type().map(|t| t.as_str()));
                f.set("status", s.monitoring_schedule_status().map(|t| t.as_str()));
                schedule_network(scope, sm, name, &mut f).await;
                tags(scope, sm, arn, &mut f).await;
                batch.resources.push(f);
            }
        }
        Err(e) => batch.miss(region, &[SCHEDULE], "sagemaker:ListMonitoringSchedules", e),
    }
    batch
}

/// What a monitoring schedule takes from the job it runs.
const JOB: [&str; 3] = [
    "enableNetworkIsolation",
    "enableInterContainerTrafficEncryption",
    "baselineConstraintsUri",
];

/// The network settings and data-quality baseline of the job a schedule runs: its inline
/// job definition's, or those of the job definition it names (read with the Describe
/// operation of its monitoring type). An absent NetworkConfig is recorded as the API's
/// defaults (both off).
async fn schedule_network(scope: &Scope, sm: &Client, name: &str, f: &mut Found) {
    let d = match scope
        .call(
            sm.describe_monitoring_schedule()
                .monitoring_schedule_name(name)
                .send(),
        )
        .await
    {
        Ok(d) => d,
        Err(e) => {
            let reason = format!("sagemaker:DescribeMonitoringSchedule: {e}");
            f.unknown(&JOB, &reason);
            f.unknown(&["jobDefinitionName"], &reason);
            return;
        }
    };
    let Some(config) = d.monitoring_schedule_config() else {
        return;
    };
    let set = |f: &mut Found, isolation: Option<bool>, encryption: Option<bool>| {
        f.set("enableNetworkIsolation", Some(isolation.unwrap_or(false)));
        f.set(
            "enableInterContainerTrafficEncryption",
            Some(encryption.unwrap_or(false)),
        );
    };
    if let Some(job) = config.monitoring_job_definition() {
        let n = job.network_config();
        set(
            f,
            n.and_then(|n| n.enable_network_isolation()),
            n.and_then(|n| n.enable_inter_container_traffic_encryption()),
        );
        f.set(
            "baselineConstraintsUri",
            job.baseline_config()
                .and_then(|b| b.constraints_resource())
                .and_then(|c| c.s3_uri()),
        );
        return;
    }
    let Some(def) = config.monitoring_job_definition_name() else {
        return;
    };
    f.set("jobDefinitionName", Some(def));
    let kind = config
        .monitoring_type()
        .or(d.monitoring_type())
        .map(|t| t.as_str().to_string());
    macro_rules! read {
        ($op:ident, $name:literal) => {
            match scope.call(sm.$op().job_definition_name(def).send()).await {
                Ok(j) => {
                    let n = j.network_config();
                    set(
                        f,
                        n.and_then(|n| n.enable_network_isolation()),
                        n.and_then(|n| n.enable_inter_container_traffic_encryption()),
                    );
                    Some(j)
                }
                Err(e) => {
                    f.unknown(&JOB, &format!(concat!("sagemaker:", $name, ": {}"), e));
                    None
                }
            }
        };
    }
    match kind.as_deref() {
        Some("DataQuality") => {
            let job = read!(
                describe_data_quality_job_definition,
                "DescribeDataQualityJobDefinition"
            );
            if let Some(j) = job {
                f.set(
                    "baselineConstraintsUri",
                    j.data_quality_baseline_config()
                        .and_then(|b| b.constraints_resource())
                        .and_then(|c| c.s3_uri()),
                );
            }
        }
        Some("ModelQuality") => {
            read!(
                describe_model_quality_job_definition,
                "DescribeModelQualityJobDefinition"
            );
        }
        Some("ModelBias") => {
            read!(
                describe_model_bias_job_definition,
                "DescribeModelBiasJobDefinition"
            );
        }
        Some("ModelExplainability") => {
            read!(
                describe_model_explainability_job_definition,
                "DescribeModelExplainabilityJobDefinition"
            );
        }
        other => f.unknown(
            &JOB,
            &format!(
                "monitoring type `{}` of job definition `{def}` is not known",
                other.unwrap_or("(none)")
            ),
        ),
    }
}
