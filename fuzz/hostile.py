#!/usr/bin/env python3
"""Writes the hostile inputs of docs/RELIABILITY.md into a directory (default: hostile/).

libFuzzer's inputs stay small (a few KB), so deep nesting, expansion bombs and files of
hundreds of thousands of keys or resources are made here and run through the fuzz targets
one at a time:

    python3 hostile.py /tmp/hostile
    target/x86_64-unknown-linux-gnu/release/terraform_hcl -timeout=60 /tmp/hostile/hcl-exp-locals.tf
"""

import json
import os
import sys

out = sys.argv[1] if len(sys.argv) > 1 else "hostile"
os.makedirs(out, exist_ok=True)


def write(name, text):
    with open(os.path.join(out, name), "w") as f:
        f.write(text)
    print(f"{name}\t{len(text)} bytes")


# Deep nesting.
write("yaml-deep-block.yaml", "- " * 20000 + "x\n")
write("yaml-deep-map.yaml", "".join(" " * i + "k%d:\n" % i for i in range(3000)))
write("hcl-comment-quote.tf", '# "\nx = ' + "(" * 30000 + "1" + ")" * 30000 + "\n")

# Expansion bombs.
locals_ = "locals {\n  a0 = \"x\"\n" + "".join(
    "  a%d = [local.a%d, local.a%d]\n" % (i, i - 1, i - 1) for i in range(1, 40)
)
write(
    "hcl-exp-locals.tf",
    locals_ + '}\nresource "aws_s3_bucket" "b" {\n  bucket = local.a39\n}\n',
)
write(
    "hcl-exp-var.tf",
    'variable "a" {\n  default = [var.a, var.a]\n}\n'
    'resource "aws_s3_bucket" "b" {\n  bucket = var.a\n}\n',
)

# Huge files.
n = 600000
write(
    "cfn-many-keys.json",
    '{"AWSTemplateFormatVersion":"2010-09-09","Resources":{"B":{"Type":"AWS::S3::Bucket"}},'
    '"Metadata":{' + ",".join('"k%07d":1' % i for i in range(n)) + "}}",
)
write(
    "cfn-many-keys.yaml",
    'AWSTemplateFormatVersion: "2010-09-09"\nResources:\n  B:\n    Type: AWS::S3::Bucket\n'
    "Metadata:\n" + "".join("  k%07d: 1\n" % i for i in range(n)),
)
write(
    "cfn-many-resources.json",
    '{"Resources":{'
    + ",".join(
        '"R%d":{"Type":"AWS::S3::Bucket","Properties":{"BucketName":"b%d"}}' % (i, i)
        for i in range(120000)
    )
    + "}}",
)
write(
    "tf-many-resources.tf",
    "".join(
        'resource "aws_s3_bucket" "b%d" {\n  bucket = "b%d"\n}\n' % (i, i)
        for i in range(170000)
    ),
)
write(
    "tf-many-attrs.tf",
    'resource "aws_s3_bucket" "b" {\n' + "".join("  a%d = 1\n" % i for i in range(600000)) + "}\n",
)


def plan(k):
    changes = [
        {
            "address": "aws_s3_bucket.b%d" % i,
            "mode": "managed",
            "type": "aws_s3_bucket",
            "name": "b%d" % i,
            "change": {
                "actions": ["create"],
                "after": {"bucket": "b%d" % i},
                "after_unknown": {"arn": True, "server_side_encryption_configuration": True},
            },
        }
        for i in range(k)
    ]
    config = [
        {
            "address": "aws_s3_bucket.b%d" % i,
            "mode": "managed",
            "type": "aws_s3_bucket",
            "name": "b%d" % i,
            "provider_config_key": "aws",
            "expressions": {
                "server_side_encryption_configuration": {"references": ["aws_kms_key.k%d.arn" % i]}
            },
        }
        for i in range(k)
    ]
    return json.dumps(
        {
            "format_version": "1.2",
            "terraform_version": "1.9.0",
            "resource_changes": changes,
            "configuration": {
                "provider_config": {
                    "aws": {"name": "aws", "expressions": {"region": {"constant_value": "eu-west-1"}}}
                },
                "root_module": {"resources": config},
            },
        }
    )


write("plan-5k.json", plan(5000))
write("plan-20k.json", plan(20000))
write("plan-many.json", plan(50000))

k = 200000
unknown = {"a%d" % i: True for i in range(0, k, 2)}
unknown.update({"u%d" % i: True for i in range(k // 2)})
write(
    "plan-wide.json",
    json.dumps(
        {
            "format_version": "1.2",
            "terraform_version": "1.9.0",
            "resource_changes": [
                {
                    "address": "aws_s3_bucket.b",
                    "mode": "managed",
                    "type": "aws_s3_bucket",
                    "name": "b",
                    "change": {
                        "actions": ["create"],
                        "after": {"a%d" % i: "v" for i in range(k)},
                        "after_unknown": unknown,
                    },
                }
            ],
            "configuration": {
                "root_module": {
                    "resources": [
                        {
                            "address": "aws_s3_bucket.b",
                            "expressions": {
                                "a%d" % i: {"references": ["aws_s3_bucket.b"]} for i in range(k)
                            },
                        }
                    ]
                }
            },
        }
    ),
)
