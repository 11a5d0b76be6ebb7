# Secrets the vault reads, in Secrets Manager under the storage key. Terraform creates the containers; values it
# does not generate (certificates, keys, the database URL of the vault's own role) are put by an operator
# (infra/README.md). ECS hands each to the container at start: DATABASE_URL and VAULT_REDIS_URL as environment
# variables, file-shaped ones as SECRET_FILE_<NAME> variables that the image's entrypoint writes to
# /run/vault/secrets/<name> (mode 0400, the variables removed before the vault starts; README "Container").

resource "aws_secretsmanager_secret" "database_url" {
  name                    = "${var.name}/database-url"
  description             = "postgresql://vault_app:...@<writer endpoint>:5432/vault?sslmode=verify-full&sslrootcert=/etc/ssl/certs/rds-global-bundle.pem"
  kms_key_id              = aws_kms_key.storage.arn
  recovery_window_in_days = 30
}

resource "aws_secretsmanager_secret" "redis_url" {
  name                    = "${var.name}/redis-url"
  description             = "rediss://:<AUTH token>@<configuration endpoint>:6379 (generated here)"
  kms_key_id              = aws_kms_key.storage.arn
  recovery_window_in_days = 30
}

resource "aws_secretsmanager_secret_version" "redis_url" {
  secret_id     = aws_secretsmanager_secret.redis_url.id
  secret_string = "rediss://:${random_password.redis_auth.result}@${aws_elasticache_replication_group.vault.configuration_endpoint_address}:6379"
}

# One JSON secret, a key per file: tls-cert.pem, tls-key.pem, client-ca.pem (the internal CA that signs callers'
# certificates), assertion-jwks.json (the identity provider's public keys), fingerprint-v1.key, ... (HMAC keys).
resource "aws_secretsmanager_secret" "vault_files" {
  name                    = "${var.name}/files"
  description             = "File-shaped secrets of the vault (JSON: file name -> content)"
  kms_key_id              = aws_kms_key.storage.arn
  recovery_window_in_days = 30
}

locals {
  # file name in /run/vault/secrets  =>  key in the vault_files JSON
  vault_files = merge(
    {
      "TLS_CERT__PEM"         = "tls-cert.pem"
      "TLS_KEY__PEM"          = "tls-key.pem"
      "CLIENT_CA__PEM"        = "client-ca.pem"
      "ASSERTION_JWKS__JSON"  = "assertion-jwks.json"
    },
    { for v in var.fingerprint_key_versions : "FINGERPRINT_${upper(v)}__KEY" => "fingerprint-${v}.key" },
  )
}
