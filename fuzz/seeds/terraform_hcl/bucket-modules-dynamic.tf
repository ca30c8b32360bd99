module "network" {
  source  = "./modules/network"
  cidr    = "10.0.0.0/16"
  az_list = ["eu-west-1a", "eu-west-1b"]
}

module "registry" {
  source  = "terraform-aws-modules/vpc/aws"
  version = "5.1.0"
  name    = "vpc"
}

module "self" {
  source = "../ailint-fuzz"
}

resource "aws_s3_bucket" "data" {
  bucket = "ml-data-${data.aws_caller_identity.me.account_id}"
}

resource "aws_s3_bucket" "logs" {
  bucket_prefix = "logs"
}

resource "aws_s3_bucket_server_side_encryption_configuration" "data" {
  bucket = aws_s3_bucket.data.id

  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm     = "aws:kms"
      kms_master_key_id = aws_kms_key.data.arn
    }
    bucket_key_enabled = true
  }
}

resource "aws_s3_bucket_policy" "data" {
  bucket = aws_s3_bucket.data.bucket
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid       = "DenyInsecure"
        Effect    = "Deny"
        Principal = "*"
        Action    = "s3:*"
        Resource  = [aws_s3_bucket.data.arn, "${aws_s3_bucket.data.arn}/*"]
        Condition = { Bool = { "aws:SecureTransport" = "false" } }
      },
    ]
  })
}

resource "aws_kms_key" "data" {
  enable_key_rotation = true
  policy = <<-EOT
    {
      "Version": "2012-10-17",
      "Statement": [{"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "kms:*", "Resource": "*"}]
    }
  EOT
}

resource "aws_security_group" "nb" {
  name = "nb"

  dynamic "ingress" {
    for_each = var.ports
    content {
      from_port   = ingress.value
      to_port     = ingress.value
      protocol    = "tcp"
      cidr_blocks = ["0.0.0.0/0"]
    }
  }

  egress {
    from_port = 0
    to_port   = 0
    protocol  = "-1"
  }
}

resource "aws_vpc_endpoint" "sm" {
  for_each          = toset(["sagemaker.api", "sagemaker.runtime", "bedrock-runtime"])
  vpc_id            = module.network.vpc_id
  service_name      = "com.amazonaws.${var.region}.${each.key}"
  vpc_endpoint_type = "Interface"
  subnet_ids        = [for s in var.subnets : s if s != ""]
  tags              = { for k, v in local.common_tags : k => upper(v) }
}

resource "aws_opensearch_domain" "search" {
  domain_name = "kb"
  encrypt_at_rest {
    enabled    = true
    kms_key_id = try(aws_kms_key.data.arn, null)
  }
  node_to_node_encryption {
    enabled = coalesce(null, true)
  }
  advanced_options = {
    "rest.action.multi.allow_explicit_index" = "true"
  }
  access_policies = "%{if var.env == "prod"}{}%{else}[]%{endif}"
  cluster_config {
    instance_count = length(var.subnets) * 2 + 1
    zone_awareness_enabled = var.subnets.*.id != [] && true || false
  }
}

output "bucket" {
  value = aws_s3_bucket.data.arn
}
