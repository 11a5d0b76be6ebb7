# Two front doors.
#  - NLB (TCP, TLS passes through): callers' mutual TLS ends at the vault, which reads the caller's SPIFFE id from
#    the client certificate itself. Its security group admits only var.internal_caller_cidrs.
#  - ALB (HTTPS, TLS 1.2+ policy) for the hosted card form, in front of which AWS WAF screens every request
#    (PCI DSS 6.4.2); it re-encrypts to the vault's public listener.

resource "aws_lb" "mtls" {
  name                             = "${var.name}-mtls"
  load_balancer_type               = "network"
  internal                         = false
  subnets                          = [for s in aws_subnet.public : s.id]
  security_groups                  = [aws_security_group.mtls_nlb.id]
  enable_cross_zone_load_balancing = true
  enable_deletion_protection       = true
}

resource "aws_lb_target_group" "internal" {
  name                 = "${var.name}-internal"
  port                 = local.internal_port
  protocol             = "TCP"
  target_type          = "ip"
  vpc_id               = aws_vpc.vault.id
  deregistration_delay = 30

  health_check {
    protocol = "TCP"
  }
}

resource "aws_lb_target_group" "grpc" {
  name                 = "${var.name}-grpc"
  port                 = local.grpc_port
  protocol             = "TCP"
  target_type          = "ip"
  vpc_id               = aws_vpc.vault.id
  deregistration_delay = 30

  health_check {
    protocol = "TCP"
  }
}

resource "aws_lb_listener" "internal" {
  load_balancer_arn = aws_lb.mtls.arn
  port              = local.internal_port
  protocol          = "TCP"

  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.internal.arn
  }
}

resource "aws_lb_listener" "grpc" {
  load_balancer_arn = aws_lb.mtls.arn
  port              = local.grpc_port
  protocol          = "TCP"

  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.grpc.arn
  }
}

resource "aws_lb" "public" {
  name                       = "${var.name}-card-form"
  load_balancer_type         = "application"
  internal                   = false
  subnets                    = [for s in aws_subnet.public : s.id]
  security_groups            = [aws_security_group.public_alb.id]
  drop_invalid_header_fields = true
  enable_deletion_protection = true
}

resource "aws_lb_target_group" "public" {
  name                 = "${var.name}-card-form"
  port                 = local.public_port
  protocol             = "HTTPS"
  target_type          = "ip"
  vpc_id               = aws_vpc.vault.id
  deregistration_delay = 30

  health_check {
    protocol = "HTTPS"
    path     = "/v1/card-form"
    matcher  = "200"
  }
}

resource "aws_lb_listener" "public" {
  load_balancer_arn = aws_lb.public.arn
  port              = 443
  protocol          = "HTTPS"
  ssl_policy        = "ELBSecurityPolicy-TLS13-1-2-2021-06"
  certificate_arn   = var.public_certificate_arn

  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.public.arn
  }
}
