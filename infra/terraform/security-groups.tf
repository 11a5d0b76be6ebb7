# Who may talk to whom. Every rule names its peer: a security group, or for the two load balancers' front doors
# the callers' CIDRs. The only rule open to the whole internet is the card form's HTTPS on the public ALB, which
# AWS WAF screens (waf.tf). Egress is as narrow as ingress.

locals {
  internal_port = 8443 # VAULT_INTERNAL_PORT: mutual TLS, REST
  grpc_port     = 8445 # VAULT_GRPC_PORT: mutual TLS, gRPC
  public_port   = 8444 # VAULT_PUBLIC_PORT: the hosted card form
}

resource "aws_security_group" "public_alb" {
  name        = "${var.name}-public-alb"
  description = "Card-form load balancer: HTTPS from browsers (through WAF) to the vault's public listener"
  vpc_id      = aws_vpc.vault.id
}

resource "aws_security_group" "mtls_nlb" {
  name        = "${var.name}-mtls-nlb"
  description = "Mutual-TLS pass-through load balancer: only the named callers"
  vpc_id      = aws_vpc.vault.id
}

resource "aws_security_group" "vault" {
  name        = "${var.name}-tasks"
  description = "Vault tasks"
  vpc_id      = aws_vpc.vault.id
}

resource "aws_security_group" "rotation" {
  name        = "${var.name}-rotation"
  description = "Key-rotation job tasks"
  vpc_id      = aws_vpc.vault.id
}

resource "aws_security_group" "database" {
  name        = "${var.name}-database"
  description = "Aurora PostgreSQL: the vault and the rotation job only"
  vpc_id      = aws_vpc.vault.id
}

resource "aws_security_group" "redis" {
  name        = "${var.name}-redis"
  description = "ElastiCache Redis: the vault only"
  vpc_id      = aws_vpc.vault.id
}

resource "aws_security_group" "endpoints" {
  name        = "${var.name}-endpoints"
  description = "VPC interface endpoints of AWS APIs"
  vpc_id      = aws_vpc.vault.id
}

# --- public card form: the internet -> ALB (WAF) -> vault public listener
resource "aws_vpc_security_group_ingress_rule" "public_alb_https" {
  security_group_id = aws_security_group.public_alb.id
  description       = "Browsers loading the hosted card form; screened by AWS WAF"
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  cidr_ipv4         = "0.0.0.0/0"
}

resource "aws_vpc_security_group_egress_rule" "public_alb_to_vault" {
  security_group_id            = aws_security_group.public_alb.id
  ip_protocol                  = "tcp"
  from_port                    = local.public_port
  to_port                      = local.public_port
  referenced_security_group_id = aws_security_group.vault.id
}

resource "aws_vpc_security_group_ingress_rule" "vault_from_public_alb" {
  security_group_id            = aws_security_group.vault.id
  ip_protocol                  = "tcp"
  from_port                    = local.public_port
  to_port                      = local.public_port
  referenced_security_group_id = aws_security_group.public_alb.id
}

# --- internal callers: named CIDRs -> NLB (TLS passes through) -> vault internal + gRPC listeners
resource "aws_vpc_security_group_ingress_rule" "mtls_nlb_from_callers" {
  for_each          = { for pair in setproduct(var.internal_caller_cidrs, [local.internal_port, local.grpc_port]) : "${pair[0]}-${pair[1]}" => pair }
  security_group_id = aws_security_group.mtls_nlb.id
  description       = "A named caller of the vault (mutual TLS ends at the vault)"
  ip_protocol       = "tcp"
  from_port         = each.value[1]
  to_port           = each.value[1]
  cidr_ipv4         = each.value[0]
}

resource "aws_vpc_security_group_egress_rule" "mtls_nlb_to_vault" {
  for_each                     = toset([tostring(local.internal_port), tostring(local.grpc_port)])
  security_group_id            = aws_security_group.mtls_nlb.id
  ip_protocol                  = "tcp"
  from_port                    = tonumber(each.key)
  to_port                      = tonumber(each.key)
  referenced_security_group_id = aws_security_group.vault.id
}

resource "aws_vpc_security_group_ingress_rule" "vault_from_mtls_nlb" {
  for_each                     = toset([tostring(local.internal_port), tostring(local.grpc_port)])
  security_group_id            = aws_security_group.vault.id
  ip_protocol                  = "tcp"
  from_port                    = tonumber(each.key)
  to_port                      = tonumber(each.key)
  referenced_security_group_id = aws_security_group.mtls_nlb.id
}

# --- vault and rotation job -> data stores and AWS APIs
resource "aws_vpc_security_group_egress_rule" "vault_to_database" {
  security_group_id            = aws_security_group.vault.id
  ip_protocol                  = "tcp"
  from_port                    = 5432
  to_port                      = 5432
  referenced_security_group_id = aws_security_group.database.id
}

resource "aws_vpc_security_group_egress_rule" "vault_to_redis" {
  security_group_id            = aws_security_group.vault.id
  ip_protocol                  = "tcp"
  from_port                    = 6379
  to_port                      = 6379
  referenced_security_group_id = aws_security_group.redis.id
}

resource "aws_vpc_security_group_egress_rule" "vault_to_endpoints" {
  security_group_id            = aws_security_group.vault.id
  ip_protocol                  = "tcp"
  from_port                    = 443
  to_port                      = 443
  referenced_security_group_id = aws_security_group.endpoints.id
}

resource "aws_vpc_security_group_egress_rule" "vault_to_s3" {
  security_group_id = aws_security_group.vault.id
  description       = "ECR image layers through the S3 gateway endpoint"
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  prefix_list_id    = aws_vpc_endpoint.s3.prefix_list_id
}

resource "aws_vpc_security_group_egress_rule" "rotation_to_database" {
  security_group_id            = aws_security_group.rotation.id
  ip_protocol                  = "tcp"
  from_port                    = 5432
  to_port                      = 5432
  referenced_security_group_id = aws_security_group.database.id
}

resource "aws_vpc_security_group_egress_rule" "rotation_to_endpoints" {
  security_group_id            = aws_security_group.rotation.id
  ip_protocol                  = "tcp"
  from_port                    = 443
  to_port                      = 443
  referenced_security_group_id = aws_security_group.endpoints.id
}

resource "aws_vpc_security_group_egress_rule" "rotation_to_s3" {
  security_group_id = aws_security_group.rotation.id
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  prefix_list_id    = aws_vpc_endpoint.s3.prefix_list_id
}

resource "aws_vpc_security_group_ingress_rule" "database_from_vault" {
  security_group_id            = aws_security_group.database.id
  ip_protocol                  = "tcp"
  from_port                    = 5432
  to_port                      = 5432
  referenced_security_group_id = aws_security_group.vault.id
}

resource "aws_vpc_security_group_ingress_rule" "database_from_rotation" {
  security_group_id            = aws_security_group.database.id
  ip_protocol                  = "tcp"
  from_port                    = 5432
  to_port                      = 5432
  referenced_security_group_id = aws_security_group.rotation.id
}

resource "aws_vpc_security_group_ingress_rule" "redis_from_vault" {
  security_group_id            = aws_security_group.redis.id
  ip_protocol                  = "tcp"
  from_port                    = 6379
  to_port                      = 6379
  referenced_security_group_id = aws_security_group.vault.id
}

resource "aws_vpc_security_group_ingress_rule" "endpoints_from_tasks" {
  for_each                     = { vault = aws_security_group.vault.id, rotation = aws_security_group.rotation.id }
  security_group_id            = aws_security_group.endpoints.id
  ip_protocol                  = "tcp"
  from_port                    = 443
  to_port                      = 443
  referenced_security_group_id = each.value
}
