# AWS WAF in front of the card form (PCI DSS 6.4.2: an automated technical solution that detects and prevents
# web-based attacks in front of public-facing web applications). AWS managed rule groups for common exploits,
# known bad inputs and IP reputation, plus a per-address rate limit; the vault's own per-source throttle of
# refused session secrets stays behind it. Logged for 12 months.

resource "aws_wafv2_web_acl" "card_form" {
  name  = "${var.name}-card-form"
  scope = "REGIONAL"

  default_action {
    allow {}
  }

  rule {
    name     = "aws-common"
    priority = 10

    override_action {
      none {}
    }

    statement {
      managed_rule_group_statement {
        vendor_name = "AWS"
        name        = "AWSManagedRulesCommonRuleSet"
      }
    }

    visibility_config {
      cloudwatch_metrics_enabled = true
      metric_name                = "aws-common"
      sampled_requests_enabled   = false # sampled requests would keep request bodies: card numbers
    }
  }

  rule {
    name     = "aws-known-bad-inputs"
    priority = 20

    override_action {
      none {}
    }

    statement {
      managed_rule_group_statement {
        vendor_name = "AWS"
        name        = "AWSManagedRulesKnownBadInputsRuleSet"
      }
    }

    visibility_config {
      cloudwatch_metrics_enabled = true
      metric_name                = "aws-known-bad-inputs"
      sampled_requests_enabled   = false
    }
  }

  rule {
    name     = "aws-ip-reputation"
    priority = 30

    override_action {
      none {}
    }

    statement {
      managed_rule_group_statement {
        vendor_name = "AWS"
        name        = "AWSManagedRulesAmazonIpReputationList"
      }
    }

    visibility_config {
      cloudwatch_metrics_enabled = true
      metric_name                = "aws-ip-reputation"
      sampled_requests_enabled   = false
    }
  }

  rule {
    name     = "rate-per-address"
    priority = 40

    action {
      block {}
    }

    statement {
      rate_based_statement {
        limit              = var.waf_rate_limit_per_5_minutes
        aggregate_key_type = "IP"
      }
    }

    visibility_config {
      cloudwatch_metrics_enabled = true
      metric_name                = "rate-per-address"
      sampled_requests_enabled   = false
    }
  }

  visibility_config {
    cloudwatch_metrics_enabled = true
    metric_name                = "${var.name}-card-form"
    sampled_requests_enabled   = false
  }
}

resource "aws_wafv2_web_acl_association" "card_form" {
  resource_arn = aws_lb.public.arn
  web_acl_arn  = aws_wafv2_web_acl.card_form.arn
}

resource "aws_wafv2_web_acl_logging_configuration" "card_form" {
  resource_arn            = aws_wafv2_web_acl.card_form.arn
  log_destination_configs = [aws_cloudwatch_log_group.waf.arn]

  # Never log what a browser sends in headers that could carry secrets.
  redacted_fields {
    single_header {
      name = "authorization"
    }
  }
}
