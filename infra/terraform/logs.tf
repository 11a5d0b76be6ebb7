# Log groups, encrypted with the storage key, kept var.log_retention_days (PCI DSS 10.5.1: at least 12 months).
# The vault's logs hold route patterns, status, timings and request ids — never bodies, PANs or secrets.

resource "aws_cloudwatch_log_group" "vault" {
  name              = "/${var.name}/vault"
  retention_in_days = var.log_retention_days
  kms_key_id        = aws_kms_key.storage.arn
}

resource "aws_cloudwatch_log_group" "rotation" {
  name              = "/${var.name}/key-rotation"
  retention_in_days = var.log_retention_days
  kms_key_id        = aws_kms_key.storage.arn
}

resource "aws_cloudwatch_log_group" "redis" {
  name              = "/${var.name}/redis"
  retention_in_days = var.log_retention_days
  kms_key_id        = aws_kms_key.storage.arn
}

resource "aws_cloudwatch_log_group" "flow" {
  name              = "/${var.name}/vpc-flow"
  retention_in_days = var.log_retention_days
  kms_key_id        = aws_kms_key.storage.arn
}

# AWS WAF requires its log group's name to start with aws-waf-logs-.
resource "aws_cloudwatch_log_group" "waf" {
  name              = "aws-waf-logs-${var.name}"
  retention_in_days = var.log_retention_days
  kms_key_id        = aws_kms_key.storage.arn
}
