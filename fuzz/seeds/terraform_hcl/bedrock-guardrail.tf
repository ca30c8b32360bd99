locals {
  filters = {
    HATE     = "HIGH"
    INSULTS  = "MEDIUM"
    VIOLENCE = "LOW"
  }
  self_ref = local.self_ref
  a        = local.b
  b        = local.a
}

resource "aws_bedrock_guardrail" "g" {
  name                      = "guard"
  blocked_input_messaging   = "Sorry"
  blocked_outputs_messaging = "Sorry"

  content_policy_config {
    filters_config {
      type            = "HATE"
      input_strength  = local.filters["HATE"]
      output_strength = local.filters.HATE
    }
    filters_config {
      type            = "PROMPT_ATTACK"
      input_strength  = "HIGH"
      output_strength = "NONE"
    }
  }

  sensitive_information_policy_config {
    pii_entities_config {
      action = "BLOCK"
      type   = "US_SOCIAL_SECURITY_NUMBER"
    }
    regexes_config {
      name    = "ids"
      pattern = "^\\d{3}-\\d{2}$ \"quoted\" $${literal}"
      action  = "ANONYMIZE"
    }
  }

  contextual_grounding_policy_config {
    filters_config {
      type      = "GROUNDING"
      threshold = 0.8
    }
    filters_config {
      type      = "RELEVANCE"
      threshold = 1e-1
    }
  }

  word_policy_config {
    managed_word_lists_config {
      type = "PROFANITY"
    }
  }
}

resource "aws_bedrockagent_agent" "agent" {
  agent_name              = "agent"
  agent_resource_role_arn = aws_iam_role.agent.arn
  foundation_model        = "anthropic.claude-v2"
  customer_encryption_key_arn = local.self_ref
  guardrail_configuration {
    guardrail_identifier = aws_bedrock_guardrail.g.guardrail_id
    guardrail_version    = aws_bedrock_guardrail.g.version
  }
  instruction = lower("ANSWER ${local.a}")
}

resource "aws_sagemaker_domain" "d" {
  domain_name             = "d"
  auth_mode               = "IAM"
  vpc_id                  = aws_vpc.main.id
  subnet_ids              = aws_subnet.private[*].id
  app_network_access_type = upper("vpconly") == "VPCONLY" ? "VpcOnly" : "PublicInternetOnly"
  kms_key_id              = tostring(aws_kms_key.nb.arn)
  default_user_settings {
    execution_role = aws_iam_role.sm.arn
  }
}

resource "aws_lakeformation_permissions" "p" {
  principal   = "IAM_ALLOWED_PRINCIPALS"
  permissions = ["ALL"]
  permissions_with_grant_option = ["SELECT"]
  database {
    name = "db"
  }
}
