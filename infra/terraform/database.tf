# Aurora PostgreSQL: storage encrypted with the storage key, TLS forced (rds.force_ssl), in the data subnets only,
# deletion protection on, a writer and readers across the three zones, a reader endpoint for reporting and audit
# verification (`npm run audit:verify` reads only). The master password is managed by RDS in Secrets Manager;
# the vault connects as its own least-privileged role (infra/README.md, "First deployment").

resource "aws_db_subnet_group" "vault" {
  name       = "${var.name}-data"
  subnet_ids = [for s in aws_subnet.data : s.id]
}

resource "aws_rds_cluster_parameter_group" "vault" {
  name   = "${var.name}-aurora-pg15"
  family = "aurora-postgresql15"

  parameter {
    name  = "rds.force_ssl"
    value = "1"
  }

  parameter {
    name  = "ssl_min_protocol_version"
    value = "TLSv1.2"
  }

  # Connections and statements are logged for PCI DSS 10.2 (never statement text: it would carry values).
  parameter {
    name  = "log_connections"
    value = "1"
  }

  parameter {
    name  = "log_disconnections"
    value = "1"
  }
}

resource "aws_rds_cluster" "vault" {
  cluster_identifier                  = var.name
  engine                              = "aurora-postgresql"
  engine_version                      = "15.8"
  database_name                       = "vault"
  master_username                     = "vault_admin"
  manage_master_user_password         = true
  master_user_secret_kms_key_id       = aws_kms_key.storage.arn
  db_subnet_group_name                = aws_db_subnet_group.vault.name
  db_cluster_parameter_group_name     = aws_rds_cluster_parameter_group.vault.name
  vpc_security_group_ids              = [aws_security_group.database.id]
  availability_zones                  = var.availability_zones
  storage_encrypted                   = true
  kms_key_id                          = aws_kms_key.storage.arn
  deletion_protection                 = true
  skip_final_snapshot                 = false
  final_snapshot_identifier           = "${var.name}-final"
  backup_retention_period             = 35
  preferred_backup_window             = "02:00-03:00"
  copy_tags_to_snapshot               = true
  iam_database_authentication_enabled = true
  enabled_cloudwatch_logs_exports     = ["postgresql"]

  lifecycle {
    ignore_changes = [availability_zones]
  }
}

resource "aws_rds_cluster_instance" "vault" {
  count                                 = 1 + var.database_reader_count
  identifier                            = "${var.name}-${count.index}"
  cluster_identifier                    = aws_rds_cluster.vault.id
  engine                                = aws_rds_cluster.vault.engine
  engine_version                        = aws_rds_cluster.vault.engine_version
  instance_class                        = var.database_instance_class
  db_subnet_group_name                  = aws_db_subnet_group.vault.name
  availability_zone                     = var.availability_zones[count.index % 3]
  publicly_accessible                   = false
  auto_minor_version_upgrade            = true
  performance_insights_enabled          = true
  performance_insights_kms_key_id       = aws_kms_key.storage.arn
  performance_insights_retention_period = 7
}
