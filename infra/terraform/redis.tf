# ElastiCache Redis in cluster mode: shards across the three zones, a replica per shard with automatic failover,
# encrypted at rest (storage key) and in transit (TLS required), AUTH token from Secrets Manager. The vault
# connects with VAULT_REDIS_MODE=cluster to the configuration endpoint; every multi-key script keeps its keys
# in one hash slot (README "Redis Cluster"). `maxmemory-policy noeviction`: an evicted revocation epoch or token
# would be a silent security change — Redis must refuse writes instead (the vault then answers 503).

resource "aws_elasticache_subnet_group" "vault" {
  name       = "${var.name}-data"
  subnet_ids = [for s in aws_subnet.data : s.id]
}

resource "aws_elasticache_parameter_group" "vault" {
  name   = "${var.name}-redis7-cluster"
  family = "redis7"

  parameter {
    name  = "cluster-enabled"
    value = "yes"
  }

  parameter {
    name  = "maxmemory-policy"
    value = "noeviction"
  }
}

resource "random_password" "redis_auth" {
  length  = 64
  special = false
}

resource "aws_elasticache_replication_group" "vault" {
  replication_group_id       = var.name
  description                = "${var.name} payment tokens, rate limits, revocation epochs, idempotency records"
  engine                     = "redis"
  engine_version             = "7.1"
  node_type                  = var.redis_node_type
  port                       = 6379
  parameter_group_name       = aws_elasticache_parameter_group.vault.name
  subnet_group_name          = aws_elasticache_subnet_group.vault.name
  security_group_ids         = [aws_security_group.redis.id]
  num_node_groups            = var.redis_shards
  replicas_per_node_group    = var.redis_replicas_per_shard
  automatic_failover_enabled = true
  multi_az_enabled           = true
  at_rest_encryption_enabled = true
  kms_key_id                 = aws_kms_key.storage.arn
  transit_encryption_enabled = true
  transit_encryption_mode    = "required"
  auth_token                 = random_password.redis_auth.result
  auto_minor_version_upgrade = true
  snapshot_retention_limit   = 0 # tokens live minutes; nothing in Redis is worth a backup

  log_delivery_configuration {
    destination      = aws_cloudwatch_log_group.redis.name
    destination_type = "cloudwatch-logs"
    log_format       = "json"
    log_type         = "engine-log"
  }
}
