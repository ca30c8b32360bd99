"""Seeds the AWS emulator the live tests read: an organization with a compliant and a
non-compliant member account, each with AI resources in two regions.

Usage: seed.py ENDPOINT_URL OUT.json. OUT.json gets the account ids and what was seeded,
for the tests to name in their expectations.
"""

import json
import sys

import boto3

REGIONS = ["us-east-1", "eu-west-1"]
MODEL = "arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-3-haiku-20240307-v1:0"
TLS_POLICY = "Policy-Min-TLS-1-2-2019-07"


def session(endpoint, creds=None):
    kwargs = dict(aws_access_key_id="testing", aws_secret_access_key="testing")
    if creds:
        kwargs = dict(
            aws_access_key_id=creds["AccessKeyId"],
            aws_secret_access_key=creds["SecretAccessKey"],
            aws_session_token=creds["SessionToken"],
        )
    s = boto3.session.Session(**kwargs)
    return lambda service, region="us-east-1": s.client(
        service, region_name=region, endpoint_url=endpoint
    )


def organization(client):
    org = client("organizations")
    org.create_organization(FeatureSet="ALL")
    ids = {}
    for name in ["ml-compliant", "ml-noncompliant"]:
        status = org.create_account(Email=f"{name}@example.com", AccountName=name)
        ids[name] = status["CreateAccountStatus"]["AccountId"]
    return ids


def assume(client, account):
    sts = client("sts")
    creds = sts.assume_role(
        RoleArn=f"arn:aws:iam::{account}:role/AilintAudit", RoleSessionName="seed"
    )["Credentials"]
    return creds


def policy_json(statements):
    return json.dumps({"Version": "2012-10-17", "Statement": statements})


def seed_account(client, account, good):
    """One account; `good` chooses every setting compliant or not."""
    kind = "good" if good else "bad"
    iam = client("iam")
    role = iam.create_role(
        RoleName="ml-execution",
        AssumeRolePolicyDocument=policy_json(
            [
                {
                    "Effect": "Allow",
                    "Principal": {"Service": "sagemaker.amazonaws.com"},
                    "Action": "sts:AssumeRole",
                }
            ]
        ),
    )["Role"]["Arn"]
    invoke = {
        "Effect": "Allow",
        "Action": ["bedrock:InvokeModel", "bedrock:InvokeModelWithResponseStream"],
        "Resource": MODEL if good else "*",
    }
    if good:
        # Every invocation must name the account's guardrail.
        invoke["Condition"] = {
            "StringEquals": {
                "bedrock:GuardrailIdentifier": f"arn:aws:bedrock:us-east-1:{account}:guardrail/support"
            }
        }
    arn = iam.create_policy(
        PolicyName=f"ml-invoke-{kind}", PolicyDocument=policy_json([invoke])
    )["Policy"]["Arn"]
    iam.attach_role_policy(RoleName="ml-execution", PolicyArn=arn)

    s3control = client("s3control")
    # S3 Control puts the account id in front of the host, which the emulator's address
    # does not have.
    def unprefix(request, **_):
        request.url = request.url.replace(f"//{account}.", "//", 1)

    s3control.meta.events.register("before-sign.s3-control.*", unprefix)
    s3control.put_public_access_block(
        AccountId=account,
        PublicAccessBlockConfiguration={
            "BlockPublicAcls": good,
            "IgnorePublicAcls": good,
            "BlockPublicPolicy": good,
            "RestrictPublicBuckets": good,
        },
    )

    trail_bucket = f"trail-{account}"
    s3 = client("s3")
    s3.create_bucket(Bucket=trail_bucket)

    for region in REGIONS:
        seed_region(client, account, region, good, role)

    kms = client("kms")
    trail_key = kms.create_key(Description="trail")["KeyMetadata"]["Arn"]
    cloudtrail = client("cloudtrail")
    cloudtrail.create_trail(
        Name=f"org-trail-{kind}",
        S3BucketName=trail_bucket,
        IsMultiRegionTrail=good,
        EnableLogFileValidation=good,
        **({"KmsKeyId": trail_key} if good else {}),
    )
    selectors = [
        {
            "Name": "management",
            "FieldSelectors": [{"Field": "eventCategory", "Equals": ["Management"]}],
        }
    ]
    if good:
        for t in [
            "AWS::Bedrock::AgentAlias",
            "AWS::Bedrock::KnowledgeBase",
            "AWS::SageMaker::Endpoint",
            "AWS::S3::Object",
        ]:
            selectors.append(
                {
                    "Name": t,
                    "FieldSelectors": [
                        {"Field": "eventCategory", "Equals": ["Data"]},
                        {"Field": "resources.type", "Equals": [t]},
                    ],
                }
            )
    cloudtrail.put_event_selectors(TrailName=f"org-trail-{kind}", AdvancedEventSelectors=selectors)
    cloudtrail.start_logging(Name=f"org-trail-{kind}")


def seed_region(client, account, region, good, role):
    kind = "good" if good else "bad"
    kms = client("kms", region)
    key = kms.create_key(Description=f"ml {region}")["KeyMetadata"]["Arn"]
    kms.enable_key_rotation(KeyId=key)
    kms.create_alias(AliasName="alias/ml", TargetKeyId=key)

    ec2 = client("ec2", region)
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    ec2.create_tags(Resources=[vpc], Tags=[{"Key": "Name", "Value": f"ml-{kind}"}])
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.1.0/24")["Subnet"]["SubnetId"]
    sg = ec2.create_security_group(GroupName="ml", Description="ml", VpcId=vpc)["GroupId"]
    if good:
        for service in [
            "bedrock",
            "bedrock-runtime",
            "bedrock-agent",
            "bedrock-agent-runtime",
            "sagemaker.api",
            "sagemaker.runtime",
        ]:
            endpoint = dict(
                VpcId=vpc,
                ServiceName=f"com.amazonaws.{region}.{service}",
                VpcEndpointType="Interface",
                SubnetIds=[subnet],
                SecurityGroupIds=[sg],
                PrivateDnsEnabled=True,
            )
            if service == "bedrock-runtime":
                # Only the approved model, only from this account.
                endpoint["PolicyDocument"] = policy_json(
                    [
                        {
                            "Effect": "Allow",
                            "Principal": {"AWS": f"arn:aws:iam::{account}:root"},
                            "Action": ["bedrock:InvokeModel", "bedrock:InvokeModelWithResponseStream"],
                            "Resource": MODEL,
                        }
                    ]
                )
            ec2.create_vpc_endpoint(**endpoint)

    s3 = client("s3", region)
    bucket = f"ml-artifacts-{kind}-{region}"
    if region == "us-east-1":
        s3.create_bucket(Bucket=bucket)
    else:
        s3.create_bucket(
            Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": region}
        )
    if good:
        s3.put_bucket_encryption(
            Bucket=bucket,
            ServerSideEncryptionConfiguration={
                "Rules": [
                    {
                        "ApplyServerSideEncryptionByDefault": {
                            "SSEAlgorithm": "aws:kms",
                            "KMSMasterKeyID": key,
                        }
                    }
                ]
            },
        )
        s3.put_bucket_policy(
            Bucket=bucket,
            Policy=policy_json(
                [
                    {
                        "Sid": "DenyInsecureTransport",
                        "Effect": "Deny",
                        "Principal": "*",
                        "Action": "s3:*",
                        "Resource": [
                            f"arn:aws:s3:::{bucket}",
                            f"arn:aws:s3:::{bucket}/*",
                        ],
                        "Condition": {"Bool": {"aws:SecureTransport": "false"}},
                    },
                    {
                        "Sid": "DenyOldTls",
                        "Effect": "Deny",
                        "Principal": "*",
                        "Action": "s3:*",
                        "Resource": [
                            f"arn:aws:s3:::{bucket}",
                            f"arn:aws:s3:::{bucket}/*",
                        ],
                        "Condition": {"NumericLessThan": {"s3:TlsVersion": "1.2"}},
                    },
                ]
            ),
        )
        s3.put_public_access_block(
            Bucket=bucket,
            PublicAccessBlockConfiguration={
                "BlockPublicAcls": True,
                "IgnorePublicAcls": True,
                "BlockPublicPolicy": True,
                "RestrictPublicBuckets": True,
            },
        )
    s3.put_bucket_tagging(
        Bucket=bucket, Tagging={"TagSet": [{"Key": "data-classification", "Value": "confidential"}]}
    )

    sm = client("sagemaker", region)
    notebook = dict(
        NotebookInstanceName=f"research-{kind}",
        InstanceType="ml.t3.medium",
        RoleArn=role,
        SubnetId=subnet,
        SecurityGroupIds=[sg],
        Tags=[{"Key": "team", "Value": "research"}],
    )
    if good:
        notebook.update(KmsKeyId=key, DirectInternetAccess="Disabled", RootAccess="Disabled")
    sm.create_notebook_instance(**notebook)
    # The model comes from the registry: the compliant account's package is approved and
    # carries the required metadata, a model card and metrics; its image is in the
    # account's own ECR.
    image = (
        f"{account}.dkr.ecr.{region}.amazonaws.com/fraud-inference:1.0"
        if good
        else f"763104351884.dkr.ecr.{region}.amazonaws.com/pytorch-inference:2.1-cpu-py310"
    )
    sm.create_model_package_group(ModelPackageGroupName=f"fraud-{kind}")
    package = dict(
        ModelPackageGroupName=f"fraud-{kind}",
        ModelPackageDescription="fraud detector",
        InferenceSpecification={
            "Containers": [{"Image": image, "ModelDataUrl": f"s3://{bucket}/fraud/model.tar.gz"}],
            "SupportedContentTypes": ["text/csv"],
            "SupportedResponseMIMETypes": ["text/csv"],
        },
        # Every version enters pending; the compliant account's is then approved by a
        # reviewer (UpdateModelPackage records who).
        ModelApprovalStatus="PendingManualApproval",
    )
    if good:
        package["CustomerMetadataProperties"] = {
            "owner": "fraud-team",
            "data-classification": "confidential",
            "training-dataset": f"s3://{bucket}/train",
            "risk-tier": "medium",
        }
        package["ModelCard"] = {
            "ModelCardContent": json.dumps({"model_overview": {"model_description": "fraud detector"}}),
            "ModelCardStatus": "Approved",
        }
        package["ModelMetrics"] = {
            "ModelQuality": {
                "Statistics": {
                    "ContentType": "application/json",
                    "S3Uri": f"s3://{bucket}/fraud/evaluation.json",
                }
            }
        }
    package_arn = sm.create_model_package(**package)["ModelPackageArn"]
    if good:
        sm.update_model_package(
            ModelPackageArn=package_arn,
            ModelApprovalStatus="Approved",
            ApprovalDescription="evaluation reviewed",
            # moto replaces the metadata with what the update carries.
            CustomerMetadataProperties=package["CustomerMetadataProperties"],
        )
    else:
        # A later version registered already approved, skipping review; it is not served.
        sm.create_model_package(**dict(package, ModelApprovalStatus="Approved"))
    container = {"Image": image, "ModelDataUrl": f"s3://{bucket}/fraud/model.tar.gz"}
    if good:
        container["ModelPackageName"] = package_arn
    model = dict(
        ModelName=f"fraud-{kind}",
        PrimaryContainer=container,
        ExecutionRoleArn=role,
    )
    if good:
        model.update(
            VpcConfig={"SecurityGroupIds": [sg], "Subnets": [subnet]},
            EnableNetworkIsolation=True,
        )
    sm.create_model(**model)
    capture = {
        "EnableCapture": True,
        "InitialSamplingPercentage": 100,
        "DestinationS3Uri": f"s3://{bucket}/capture",
        "CaptureOptions": [{"CaptureMode": "Input"}, {"CaptureMode": "Output"}],
    }
    config = dict(
        EndpointConfigName=f"fraud-{kind}",
        ProductionVariants=[
            {
                "VariantName": "main",
                "ModelName": f"fraud-{kind}",
                "InitialInstanceCount": 1,
                "InstanceType": "ml.m5.large",
            }
        ],
        DataCaptureConfig=capture,
    )
    if good:
        config["KmsKeyId"] = key
        capture["KmsKeyId"] = key
    sm.create_endpoint_config(**config)
    sm.create_endpoint(
        EndpointName=f"fraud-{kind}",
        EndpointConfigName=f"fraud-{kind}",
        **({"Tags": [{"Key": "team", "Value": "fraud"}]} if good else {}),
    )
    domain = dict(
        DomainName=f"studio-{kind}",
        AuthMode="IAM",
        DefaultUserSettings={"ExecutionRole": role},
        SubnetIds=[subnet],
        VpcId=vpc,
        AppNetworkAccessType="VpcOnly" if good else "PublicInternetOnly",
    )
    if good:
        domain["KmsKeyId"] = key
        domain["Tags"] = [{"Key": "team", "Value": "research"}]
    sm.create_domain(**domain)

    job = dict(
        TrainingJobName=f"fraud-train-{kind}",
        AlgorithmSpecification={
            "TrainingImage": f"763104351884.dkr.ecr.{region}.amazonaws.com/pytorch-training:2.1-cpu-py310",
            "TrainingInputMode": "File",
        },
        RoleArn=role,
        InputDataConfig=[
            {
                "ChannelName": "train",
                "DataSource": {
                    "S3DataSource": {
                        "S3DataType": "S3Prefix",
                        "S3Uri": f"s3://{bucket}/train",
                    }
                },
            }
        ],
        OutputDataConfig={"S3OutputPath": f"s3://{bucket}/models"},
        ResourceConfig={"InstanceType": "ml.m5.xlarge", "InstanceCount": 1, "VolumeSizeInGB": 50},
        StoppingCondition={"MaxRuntimeInSeconds": 3600},
        EnableNetworkIsolation=good,
        EnableInterContainerTrafficEncryption=good,
    )
    if good:
        job["OutputDataConfig"]["KmsKeyId"] = key
        job["ResourceConfig"]["VolumeKmsKeyId"] = key
        job["VpcConfig"] = {"SecurityGroupIds": [sg], "Subnets": [subnet]}
        job["Tags"] = [{"Key": "team", "Value": "fraud"}]
    sm.create_training_job(**job)
    opensearch = client("opensearch", region)
    opensearch.create_domain(
        DomainName=f"vectors-{kind}",
        EngineVersion="OpenSearch_2.11",
        EncryptionAtRestOptions={"Enabled": True, "KmsKeyId": key} if good else {"Enabled": False},
        NodeToNodeEncryptionOptions={"Enabled": good},
        DomainEndpointOptions={
            "EnforceHTTPS": good,
            "TLSSecurityPolicy": TLS_POLICY if good else "Policy-Min-TLS-1-0-2019-07",
        },
        VPCOptions={"SubnetIds": [subnet], "SecurityGroupIds": [sg]},
        **(
            {
                "AdvancedSecurityOptions": {
                    "Enabled": True,
                    "InternalUserDatabaseEnabled": False,
                    "MasterUserOptions": {"MasterUserARN": role},
                },
                "LogPublishingOptions": {
                    "AUDIT_LOGS": {
                        "CloudWatchLogsLogGroupArn": f"arn:aws:logs:{region}:{account}:log-group:/aws/opensearch/vectors",
                        "Enabled": True,
                    }
                },
            }
            if good
            else {}
        ),
    )

    aoss = client("opensearchserverless", region)
    aoss.create_security_policy(
        name=f"vectors-{kind}",
        type="encryption",
        policy=json.dumps(
            {
                "Rules": [{"ResourceType": "collection", "Resource": [f"collection/kb-{kind}"]}],
                # The emulator reads `KmsARN` even with an AWS-owned key.
                **({"AWSOwnedKey": False, "KmsARN": key} if good else {"AWSOwnedKey": True, "KmsARN": ""}),
            }
        ),
    )
    aoss.create_collection(
        name=f"kb-{kind}",
        type="VECTORSEARCH",
        **({"tags": [{"key": "team", "value": "support"}]} if good else {}),
    )

    lf = client("lakeformation", region)
    admin = f"arn:aws:iam::{account}:role/data-lake-admin"
    iam_allowed = [
        {
            "Principal": {"DataLakePrincipalIdentifier": "IAM_ALLOWED_PRINCIPALS"},
            "Permissions": ["ALL"],
        }
    ]
    lf.put_data_lake_settings(
        DataLakeSettings={
            "DataLakeAdmins": [{"DataLakePrincipalIdentifier": admin}],
            "CreateDatabaseDefaultPermissions": [] if good else iam_allowed,
            "CreateTableDefaultPermissions": [] if good else iam_allowed,
        }
    )
    analyst = f"arn:aws:iam::{account}:role/analyst"
    lf.grant_permissions(
        Principal={"DataLakePrincipalIdentifier": analyst},
        Resource={"Database": {"Name": "training_data"}},
        Permissions=["DESCRIBE"] if good else ["ALL"],
        PermissionsWithGrantOption=[] if good else ["ALL"],
    )
    lf.register_resource(
        ResourceArn=f"arn:aws:s3:::ml-data-{account}-{region}", UseServiceLinkedRole=True
    )

    bedrock = client("bedrock", region)
    customization = dict(
        jobName=f"support-tuning-{kind}",
        customModelName=f"support-{kind}",
        roleArn=role,
        baseModelIdentifier="amazon.titan-text-express-v1",
        trainingDataConfig={"s3Uri": f"s3://{bucket}/tuning/train.jsonl"},
        outputDataConfig={"s3Uri": f"s3://{bucket}/tuning/output"},
        hyperParameters={"epochCount": "2"},
    )
    if good:
        customization["customModelKmsKeyId"] = key
    bedrock.create_model_customization_job(**customization)
    if good:
        bedrock.put_model_invocation_logging_configuration(
            loggingConfig={
                "s3Config": {"bucketName": bucket, "keyPrefix": "invocations"},
                "textDataDeliveryEnabled": True,
            }
        )


def main():
    endpoint, out = sys.argv[1], sys.argv[2]
    management = session(endpoint)
    accounts = organization(management)
    for name, account in accounts.items():
        member = session(endpoint, assume(management, account))
        seed_account(member, account, good=name == "ml-compliant")
    with open(out, "w") as f:
        json.dump(
            {
                "management": management("sts").get_caller_identity()["Account"],
                "compliant": accounts["ml-compliant"],
                "noncompliant": accounts["ml-noncompliant"],
                "regions": REGIONS,
            },
            f,
            indent=2,
        )


if __name__ == "__main__":
    main()
