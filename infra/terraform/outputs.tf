output "internal_endpoint" {
  description = "Host name of the mutual-TLS listener (REST on 8443, gRPC on 8445) for the named callers."
  value       = aws_lb.mtls.dns_name
}

output "card_form_load_balancer" {
  description = "Point public_hostname (a CNAME or alias) here."
  value       = aws_lb.public.dns_name
}

output "kms_key_arns" {
  description = "VAULT_KMS_KEY_ARNS as the vault reads it."
  value       = local.kms_key_arns
}

output "database_writer_endpoint" {
  value = aws_rds_cluster.vault.endpoint
}

output "database_reader_endpoint" {
  description = "Read-only endpoint: audit verification and reporting."
  value       = aws_rds_cluster.vault.reader_endpoint
}

output "database_master_secret_arn" {
  description = "Secret RDS manages for the master user: used once, to create the vault's own role (infra/README.md)."
  value       = aws_rds_cluster.vault.master_user_secret[0].secret_arn
}

output "redis_configuration_endpoint" {
  value = aws_elasticache_replication_group.vault.configuration_endpoint_address
}

output "secrets_to_fill" {
  description = "Secrets an operator puts values into before the first start."
  value       = { database_url = aws_secretsmanager_secret.database_url.arn, files = aws_secretsmanager_secret.vault_files.arn }
}
