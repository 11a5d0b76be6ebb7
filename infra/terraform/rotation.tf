# The key-rotation job as a scheduled Fargate task (EventBridge Scheduler): the same image, its own task role
# (the only one allowed kms:ReEncrypt*), its own security group (PostgreSQL and AWS APIs only — no Redis, no
# listener). It re-encrypts every record still on an older key under VAULT_KEY_CURRENT while the vault serves,
# resumably; a run with nothing stale only reads. Its exit status and counts are in its log group.

resource "aws_ecs_task_definition" "rotation" {
  family                   = "${var.name}-key-rotation"
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = 2048
  memory                   = 4096
  execution_role_arn       = aws_iam_role.execution.arn
  task_role_arn            = aws_iam_role.rotation_task.arn

  runtime_platform {
    operating_system_family = "LINUX"
    cpu_architecture        = "ARM64"
  }

  volume {
    name = "secrets"
  }

  container_definitions = jsonencode([
    {
      name                   = "key-rotation"
      image                  = var.vault_image
      essential              = true
      readonlyRootFilesystem = true
      user                   = "10001:10001"
      command                = ["dist/services/key-rotation/src/main.js", "--workers", "2"]
      # The job validates the vault's whole configuration (one schema for every entry point), so it gets the
      # same settings and secrets as the vault; it connects only to PostgreSQL and KMS (its security group
      # allows nothing else).
      environment = local.vault_environment
      secrets     = local.vault_secrets
      mountPoints = [{ sourceVolume = "secrets", containerPath = "/run/vault/secrets", readOnly = false }]
      linuxParameters = {
        capabilities = { drop = ["ALL"] }
      }
      logConfiguration = {
        logDriver = "awslogs"
        options = {
          awslogs-group         = aws_cloudwatch_log_group.rotation.name
          awslogs-region        = var.region
          awslogs-stream-prefix = "rotation"
        }
      }
    }
  ])
}

resource "aws_scheduler_schedule" "rotation" {
  name                         = "${var.name}-key-rotation"
  schedule_expression          = var.rotation_schedule
  schedule_expression_timezone = "UTC"

  flexible_time_window {
    mode = "OFF"
  }

  target {
    arn      = aws_ecs_cluster.vault.arn
    role_arn = aws_iam_role.scheduler.arn

    ecs_parameters {
      task_definition_arn = aws_ecs_task_definition.rotation.arn
      launch_type         = "FARGATE"
      platform_version    = "1.4.0"

      network_configuration {
        subnets          = [for s in aws_subnet.app : s.id]
        security_groups  = [aws_security_group.rotation.id]
        assign_public_ip = false
      }
    }

    retry_policy {
      maximum_retry_attempts = 0 # the job resumes on its next run; never two at once
    }
  }
}
