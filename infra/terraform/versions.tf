terraform {
  required_version = ">= 1.6.0"

  # State holds the Redis AUTH token and resource ids: keep it in S3 encrypted with KMS, versioned, readable only by
  # the deploy role (`terraform init -backend-config=...`; infra/README.md).
  backend "s3" {}

  required_providers {
    random = {
      source  = "hashicorp/random"
      version = "~> 3.6"
    }
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.70"
    }
  }
}

provider "aws" {
  region = var.region

  default_tags {
    tags = {
      service     = var.name
      environment = var.environment
      pci-scope   = "cde"
    }
  }
}

data "aws_caller_identity" "current" {}
data "aws_partition" "current" {}
