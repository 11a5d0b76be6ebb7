# The vault on ECS Fargate: var.vault_desired_count tasks spread over the three app subnets (one zone each at
# least), no public IP, read-only root filesystem, a non-root user, secrets from Secrets Manager, logs to
# CloudWatch. Both load balancers register the tasks: the NLB passes TLS through to the internal (mTLS) and gRPC
# listeners, so mutual TLS ends at the vault; the ALB (behind WAF) reaches the public card-form listener.

resource "aws_ecs_cluster" "vault" {
  name = var.name

  setting {
    name  = "containerInsights"
    value = "enabled"
  }
}

locals {
  kms_key_arns = join(",", [for v in var.key_versions : "${v}=${aws_kms_key.data[v].arn}"])

  vault_environment = [
    { name = "VAULT_MODE", value = "production" },
    { name = "VAULT_KEYRING", value = "kms" },
    { name = "VAULT_KMS_KEY_ARNS", value = local.kms_key_arns },
    { name = "VAULT_KEY_CURRENT", value = var.key_current },
    { name = "VAULT_FINGERPRINT_KEYS_DIR", value = "/run/vault/secrets" },
    { name = "VAULT_FINGERPRINT_KEY_CURRENT", value = var.fingerprint_key_current },
    { name = "VAULT_TLS_CERT_FILE", value = "/run/vault/secrets/tls-cert.pem" },
    { name = "VAULT_TLS_KEY_FILE", value = "/run/vault/secrets/tls-key.pem" },
    { name = "VAULT_TLS_CLIENT_CA_FILE", value = "/run/vault/secrets/client-ca.pem" },
    { name = "VAULT_ASSERTION_JWKS_FILE", value = "/run/vault/secrets/assertion-jwks.json" },
    { name = "VAULT_ASSERTION_ISSUER", value = var.assertion_issuer },
    { name = "VAULT_ASSERTION_AUDIENCE", value = var.assertion_audience },
    { name = "VAULT_PUBLIC_BASE_URL", value = "https://${var.public_hostname}" },
    { name = "VAULT_CARD_FORM_ORIGINS", value = join(",", var.card_form_origins) },
    { name = "VAULT_REDIS_MODE", value = "cluster" },
    { name = "VAULT_INTERNAL_PORT", value = tostring(local.internal_port) },
    { name = "VAULT_PUBLIC_PORT", value = tostring(local.public_port) },
    { name = "VAULT_GRPC_PORT", value = tostring(local.grpc_port) },
    { name = "VAULT_PROBE_PORT", value = "9464" },
    { name = "VAULT_WORKERS", value = tostring(var.vault_workers) },
    { name = "VAULT_LOG_LEVEL", value = "info" },
  ]

  vault_secrets = concat(
    [
      { name = "DATABASE_URL", valueFrom = aws_secretsmanager_secret.database_url.arn },
      { name = "VAULT_REDIS_URL", valueFrom = aws_secretsmanager_secret.redis_url.arn },
    ],
    [for env, file in local.vault_files : { name = "SECRET_FILE_${env}", valueFrom = "${aws_secretsmanager_secret.vault_files.arn}:${file}::" }],
  )
}

resource "aws_ecs_task_definition" "vault" {
  family                   = "${var.name}-vault"
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = var.vault_cpu
  memory                   = var.vault_memory
  execution_role_arn       = aws_iam_role.execution.arn
  task_role_arn            = aws_iam_role.vault_task.arn

  runtime_platform {
    operating_system_family = "LINUX"
    cpu_architecture        = "ARM64"
  }

  # The entrypoint writes the file-shaped secrets here; nothing else of the filesystem is writable.
  volume {
    name = "secrets"
  }

  container_definitions = jsonencode([
    {
      name                   = "vault"
      image                  = var.vault_image
      essential              = true
      readonlyRootFilesystem = true
      user                   = "10001:10001"
      portMappings = [
        { containerPort = local.internal_port, protocol = "tcp" },
        { containerPort = local.public_port, protocol = "tcp" },
        { containerPort = local.grpc_port, protocol = "tcp" },
      ]
      environment = local.vault_environment
      secrets     = local.vault_secrets
      mountPoints = [{ sourceVolume = "secrets", containerPath = "/run/vault/secrets", readOnly = false }]
      linuxParameters = {
        capabilities = { drop = ["ALL"] }
        initProcessEnabled = true
      }
      healthCheck = {
        command     = ["CMD", "node", "dist/services/vault/src/container/probe-health.js"]
        interval    = 15
        timeout     = 5
        retries     = 3
        startPeriod = 30
      }
      logConfiguration = {
        logDriver = "awslogs"
        options = {
          awslogs-group         = aws_cloudwatch_log_group.vault.name
          awslogs-region        = var.region
          awslogs-stream-prefix = "vault"
        }
      }
    }
  ])
}

resource "aws_ecs_service" "vault" {
  name                               = "vault"
  cluster                            = aws_ecs_cluster.vault.id
  task_definition                    = aws_ecs_task_definition.vault.arn
  desired_count                      = var.vault_desired_count
  launch_type                        = "FARGATE"
  platform_version                   = "1.4.0"
  deployment_minimum_healthy_percent = 100
  deployment_maximum_percent         = 200
  health_check_grace_period_seconds  = 60
  propagate_tags                     = "SERVICE"
  enable_execute_command             = false # no shell into the CDE's tasks

  deployment_circuit_breaker {
    enable   = true
    rollback = true
  }

  network_configuration {
    subnets          = [for s in aws_subnet.app : s.id]
    security_groups  = [aws_security_group.vault.id]
    assign_public_ip = false
  }

  load_balancer {
    target_group_arn = aws_lb_target_group.internal.arn
    container_name   = "vault"
    container_port   = local.internal_port
  }

  load_balancer {
    target_group_arn = aws_lb_target_group.grpc.arn
    container_name   = "vault"
    container_port   = local.grpc_port
  }

  load_balancer {
    target_group_arn = aws_lb_target_group.public.arn
    container_name   = "vault"
    container_port   = local.public_port
  }
}
