# One VPC of the vault's own, three availability zones, three tiers of subnets:
#   public  — only the two load balancers (card-form ALB behind WAF, mTLS NLB); nothing else has a public address;
#   app     — the vault tasks and the rotation job (private; no route to the internet);
#   data    — Aurora and ElastiCache (private; reachable only from the app tier's security group).
# There is no NAT gateway: the cardholder-data environment has no way out to the internet. AWS APIs the tasks
# need (KMS, Secrets Manager, ECR, CloudWatch Logs, S3 for image layers) are reached through VPC endpoints.

locals {
  zones = { for i, az in var.availability_zones : az => i }
}

resource "aws_vpc" "vault" {
  cidr_block           = var.vpc_cidr
  enable_dns_support   = true
  enable_dns_hostnames = true

  tags = { Name = var.name }
}

# The default security group of the VPC denies everything (no rules): nothing can fall back to it.
resource "aws_default_security_group" "deny_all" {
  vpc_id = aws_vpc.vault.id
}

resource "aws_subnet" "public" {
  for_each                = local.zones
  vpc_id                  = aws_vpc.vault.id
  availability_zone       = each.key
  cidr_block              = cidrsubnet(var.vpc_cidr, 4, each.value)
  map_public_ip_on_launch = false

  tags = { Name = "${var.name}-public-${each.key}", tier = "public" }
}

resource "aws_subnet" "app" {
  for_each                = local.zones
  vpc_id                  = aws_vpc.vault.id
  availability_zone       = each.key
  cidr_block              = cidrsubnet(var.vpc_cidr, 4, 4 + each.value)
  map_public_ip_on_launch = false

  tags = { Name = "${var.name}-app-${each.key}", tier = "app" }
}

resource "aws_subnet" "data" {
  for_each                = local.zones
  vpc_id                  = aws_vpc.vault.id
  availability_zone       = each.key
  cidr_block              = cidrsubnet(var.vpc_cidr, 4, 8 + each.value)
  map_public_ip_on_launch = false

  tags = { Name = "${var.name}-data-${each.key}", tier = "data" }
}

resource "aws_internet_gateway" "vault" {
  vpc_id = aws_vpc.vault.id
}

# Only the public tier routes to the internet gateway (the load balancers answer clients through it).
resource "aws_route_table" "public" {
  vpc_id = aws_vpc.vault.id

  route {
    cidr_block = "0.0.0.0/0"
    gateway_id = aws_internet_gateway.vault.id
  }

  tags = { Name = "${var.name}-public" }
}

resource "aws_route_table_association" "public" {
  for_each       = aws_subnet.public
  subnet_id      = each.value.id
  route_table_id = aws_route_table.public.id
}

# The private tiers: local routes only (and the S3 gateway endpoint).
resource "aws_route_table" "private" {
  vpc_id = aws_vpc.vault.id

  tags = { Name = "${var.name}-private" }
}

resource "aws_route_table_association" "app" {
  for_each       = aws_subnet.app
  subnet_id      = each.value.id
  route_table_id = aws_route_table.private.id
}

resource "aws_route_table_association" "data" {
  for_each       = aws_subnet.data
  subnet_id      = each.value.id
  route_table_id = aws_route_table.private.id
}

resource "aws_vpc_endpoint" "s3" {
  vpc_id            = aws_vpc.vault.id
  service_name      = "com.amazonaws.${var.region}.s3"
  vpc_endpoint_type = "Gateway"
  route_table_ids   = [aws_route_table.private.id]
}

resource "aws_vpc_endpoint" "interface" {
  for_each            = toset(["kms", "secretsmanager", "logs", "ecr.api", "ecr.dkr", "ecs", "sts"])
  vpc_id              = aws_vpc.vault.id
  service_name        = "com.amazonaws.${var.region}.${each.key}"
  vpc_endpoint_type   = "Interface"
  private_dns_enabled = true
  subnet_ids          = [for s in aws_subnet.app : s.id]
  security_group_ids  = [aws_security_group.endpoints.id]
}

# VPC flow logs of every subnet (PCI DSS 10.2: network access to the CDE is logged).
resource "aws_flow_log" "vault" {
  vpc_id               = aws_vpc.vault.id
  traffic_type         = "ALL"
  log_destination_type = "cloud-watch-logs"
  log_destination      = aws_cloudwatch_log_group.flow.arn
  iam_role_arn         = aws_iam_role.flow_logs.arn
}
