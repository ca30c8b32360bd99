terraform {
  required_providers {
    aws = { source = "hashicorp/aws", version = "~> 5.0" }
  }
}

variable "region" {
  type    = string
  default = "eu-west-1"
}

variable "env" {
  default = "prod"
}

variable "subnets" {
  type    = list(string)
  default = ["subnet-a", "subnet-b"]
}

variable "no_default" {
  type = string
}

locals {
  prefix      = "ml-${var.env}"
  is_prod     = var.env == "prod"
  common_tags = merge({ team = "ml" }, { env = var.env, "cost-center" = "42" })
  root_access = local.is_prod ? "Disabled" : "Enabled"
  names       = concat(["a"], ["b", "c"])
  joined      = join(",", local.names)
  picked      = lookup({ a = 1, b = 2 }, "a", 0)
}

provider "aws" {
  region = var.region
}

provider "aws" {
  alias  = "us"
  region = "us-east-1"
}

resource "aws_kms_key" "nb" {
  description         = "notebook key for ${local.prefix}"
  enable_key_rotation = true
  tags                = local.common_tags
}

resource "aws_kms_alias" "nb" {
  name          = "alias/${local.prefix}-nb"
  target_key_id = aws_kms_key.nb.key_id
}

# ailint:ignore AIL-NET-001 egress goes through the proxy
resource "aws_sagemaker_notebook_instance" "nb" {
  name                   = "${local.prefix}-notebook"
  role_arn               = aws_iam_role.sm.arn
  instance_type          = "ml.t3.medium"
  kms_key_id             = aws_kms_key.nb.arn
  root_access            = local.root_access
  direct_internet_access = !local.is_prod ? "Enabled" : "Disabled"
  subnet_id              = var.subnets[0]
  security_groups        = [aws_security_group.nb.id]
  volume_size            = -(-5)
  tags                   = local.common_tags

  lifecycle {
    ignore_changes = [tags]
  }
}

resource "aws_sagemaker_notebook_instance" "off" {
  count         = 0
  name          = "disabled"
  instance_type = "ml.t3.medium"
  role_arn      = "arn"
}

resource "aws_iam_role" "sm" {
  name               = "${local.prefix}-sm" // ailint:ignore AIL-IAM-001
  assume_role_policy = data.aws_iam_policy_document.assume.json

  inline_policy {
    name   = "s3"
    policy = data.aws_iam_policy_document.s3.json
  }
  inline_policy {
    policy = jsonencode({
      Version   = "2012-10-17"
      Statement = [{ Effect = "Allow", Action = "*", Resource = "*" }]
    })
  }
}

data "aws_iam_policy_document" "assume" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["sagemaker.amazonaws.com"]
    }
  }
}

data "aws_iam_policy_document" "s3" {
  statement {
    sid       = "Read"
    effect    = "Allow"
    actions   = ["s3:GetObject"]
    resources = ["${aws_s3_bucket.data.arn}/*", "arn:aws:s3:::${aws_s3_bucket.data.id}"]
    condition {
      test     = "Bool"
      variable = "aws:SecureTransport"
      values   = ["true"]
    }
  }
}
