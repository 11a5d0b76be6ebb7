variable "name" {
  description = "Prefix of every resource's name (the vault's deployment name)."
  type        = string
  default     = "payment-vault"

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{2,24}$", var.name))
    error_message = "name: 3-25 characters, lowercase letters, digits and dashes, starting with a letter."
  }
}

variable "environment" {
  description = "Environment tag (production, staging, ...)."
  type        = string
  default     = "production"
}

variable "region" {
  description = "AWS region to deploy into."
  type        = string
  default     = "eu-west-1"
}

variable "availability_zones" {
  description = "Exactly three availability zones of the region: the vault tasks, the database and the Redis shards spread over them."
  type        = list(string)
  default     = ["eu-west-1a", "eu-west-1b", "eu-west-1c"]

  validation {
    condition     = length(var.availability_zones) == 3
    error_message = "availability_zones: give exactly three zones."
  }
}

variable "vpc_cidr" {
  description = "CIDR of the vault's own VPC (a /16 is split into /20 subnets)."
  type        = string
  default     = "10.40.0.0/16"
}

variable "vault_image" {
  description = "The vault's container image (built from the repository's Dockerfile), by digest: repo@sha256:..."
  type        = string
}

variable "key_versions" {
  description = "Key versions of the vault's envelope-encryption key, one KMS key each (v1, v2, ...). Add a version to rotate; remove one only after `npm run keys:retire` says nothing uses it."
  type        = list(string)
  default     = ["v1"]

  validation {
    condition     = alltrue([for v in var.key_versions : can(regex("^v[1-9][0-9]{0,5}$", v))])
    error_message = "key_versions: each like v1, v2, ..."
  }
}

variable "key_current" {
  description = "The key version new ciphertexts are written with (VAULT_KEY_CURRENT); must be one of key_versions."
  type        = string
  default     = "v1"
}

variable "fingerprint_key_current" {
  description = "The fingerprint (HMAC) key version for new cards (VAULT_FINGERPRINT_KEY_CURRENT)."
  type        = string
  default     = "v1"
}

variable "vault_desired_count" {
  description = "Vault tasks (at least three: one per availability zone). See infra/CAPACITY.md for sizing."
  type        = number
  default     = 3

  validation {
    condition     = var.vault_desired_count >= 3
    error_message = "vault_desired_count: at least 3, one per availability zone."
  }
}

variable "vault_cpu" {
  description = "Fargate CPU units per vault task (1024 = 1 vCPU)."
  type        = number
  default     = 1024
}

variable "vault_memory" {
  description = "Fargate memory per vault task (MiB)."
  type        = number
  default     = 2048
}

variable "vault_workers" {
  description = "VAULT_WORKERS: processes per task (one per vCPU)."
  type        = number
  default     = 1
}

variable "database_instance_class" {
  description = "Aurora PostgreSQL instance class (writer and each reader)."
  type        = string
  default     = "db.r6g.large"
}

variable "database_reader_count" {
  description = "Aurora readers (the reader endpoint serves reporting and audit verification, and fails over)."
  type        = number
  default     = 1
}

variable "redis_node_type" {
  description = "ElastiCache node type."
  type        = string
  default     = "cache.r7g.large"
}

variable "redis_shards" {
  description = "Redis Cluster shards (node groups)."
  type        = number
  default     = 3
}

variable "redis_replicas_per_shard" {
  description = "Replicas per shard (at least 1: failover)."
  type        = number
  default     = 1

  validation {
    condition     = var.redis_replicas_per_shard >= 1
    error_message = "redis_replicas_per_shard: at least 1, or a node loss loses tokens."
  }
}

variable "internal_caller_cidrs" {
  description = "Source CIDRs of the services that call the internal (mutual-TLS) listener: account settings, payment flow, partner processors' egress. Never 0.0.0.0/0."
  type        = list(string)

  validation {
    condition     = length(var.internal_caller_cidrs) > 0 && !contains(var.internal_caller_cidrs, "0.0.0.0/0")
    error_message = "internal_caller_cidrs: name the callers; 0.0.0.0/0 is refused."
  }
}

variable "public_hostname" {
  description = "Host name of the hosted card form (VAULT_PUBLIC_BASE_URL is https://<this>)."
  type        = string
}

variable "public_certificate_arn" {
  description = "ACM certificate of public_hostname, for the card-form load balancer."
  type        = string
}

variable "card_form_origins" {
  description = "VAULT_CARD_FORM_ORIGINS: origins allowed to embed the hosted card form."
  type        = list(string)
}

variable "assertion_issuer" {
  description = "VAULT_ASSERTION_ISSUER: iss of user assertions."
  type        = string
}

variable "assertion_audience" {
  description = "VAULT_ASSERTION_AUDIENCE: aud of user assertions."
  type        = string
  default     = "payment-vault"
}

variable "log_retention_days" {
  description = "CloudWatch retention of the vault's logs. PCI DSS 10.5.1: at least 12 months."
  type        = number
  default     = 400

  validation {
    condition     = var.log_retention_days >= 365
    error_message = "log_retention_days: at least 365 (PCI DSS 10.5.1)."
  }
}

variable "rotation_schedule" {
  description = "When the key-rotation job runs (EventBridge Scheduler expression). It rewrites only what is stale, so running it when nothing is stale is cheap."
  type        = string
  default     = "cron(30 3 ? * SUN *)"
}

variable "waf_rate_limit_per_5_minutes" {
  description = "Requests per client IP per 5 minutes the WAF lets through to the card form."
  type        = number
  default     = 600
}

variable "fingerprint_key_versions" {
  description = "Fingerprint (HMAC) key versions present in the files secret as fingerprint-<v>.key."
  type        = list(string)
  default     = ["v1"]
}

variable "key_administrator_arns" {
  description = "IAM roles that may change the card-data keys' policy (the deploy role, a break-glass role). Nobody else — not the account root — can rewrite it or grant themselves Decrypt."
  type        = list(string)

  validation {
    condition     = length(var.key_administrator_arns) > 0 && !contains(var.key_administrator_arns, "*")
    error_message = "key_administrator_arns: name at least one role (the one that runs terraform apply)."
  }
}
