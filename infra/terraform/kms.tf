# Keys. One KMS key per version of the vault's envelope-encryption key (VAULT_KMS_KEY_ARNS=v1=<arn>,v2=<arn>):
# a version is what the vault records beside each ciphertext, and moving every record to a new version is the
# rotation job's work (README "Key rotation"). KMS's own automatic rotation is on as well: it renews the key
# material behind each ARN yearly and keeps the old material for decryption, transparently to the vault.
#
# Who may do what (the key policy, not only IAM, says it — an IAM administrator cannot widen it by a role policy):
#   - the account root: administer the key (rotation, aliases, deletion schedule) — never use it, grant it or
#     rewrite its policy; only `key_administrator_arns` may change the policy;
#   - the vault's task role: Encrypt, Decrypt, GenerateDataKey — with an encryption context (the vault's always
#     has purpose/tenant/owner/record), so a bare Decrypt of a stolen blob without its context is refused;
#   - the rotation job's task role: the same plus ReEncrypt* — and nobody else may ReEncrypt.

locals {
  root_arn = "arn:${data.aws_partition.current.partition}:iam::${data.aws_caller_identity.current.account_id}:root"
  key_administration = [
    "kms:Describe*", "kms:List*", "kms:Get*", "kms:Enable*", "kms:Disable*", "kms:UpdateKeyDescription",
    "kms:CreateAlias", "kms:UpdateAlias", "kms:DeleteAlias", "kms:TagResource", "kms:UntagResource",
    "kms:RevokeGrant", "kms:ScheduleKeyDeletion", "kms:CancelKeyDeletion", "kms:RotateKeyOnDemand",
  ]
}

data "aws_iam_policy_document" "data_key" {
  # The account administers the key — never uses it, never grants it, never rewrites this policy: an IAM
  # administrator cannot give themselves Decrypt by a grant or a new key policy.
  statement {
    sid       = "KeyAdministrationByTheAccountNotUse"
    effect    = "Allow"
    actions   = local.key_administration
    resources = ["*"]

    principals {
      type        = "AWS"
      identifiers = [local.root_arn]
    }
  }

  # Changing this policy is for the named key administrators only (the deploy role: KMS requires the principal
  # that creates the key to be able to put its policy).
  statement {
    sid       = "KeyAdministratorsMayChangeThePolicy"
    effect    = "Allow"
    actions   = concat(local.key_administration, ["kms:PutKeyPolicy"])
    resources = ["*"]

    principals {
      type        = "AWS"
      identifiers = var.key_administrator_arns
    }
  }

  statement {
    sid       = "NobodyElseDecryptsOrGrants"
    effect    = "Deny"
    actions   = ["kms:Decrypt", "kms:CreateGrant"]
    resources = ["*"]

    principals {
      type        = "AWS"
      identifiers = ["*"]
    }

    condition {
      test     = "ArnNotEquals"
      variable = "aws:PrincipalArn"
      values   = [aws_iam_role.vault_task.arn, aws_iam_role.rotation_task.arn]
    }
  }

  statement {
    sid       = "VaultUsesTheKeyWithAContext"
    effect    = "Allow"
    actions   = ["kms:Encrypt", "kms:Decrypt", "kms:GenerateDataKey"]
    resources = ["*"]

    principals {
      type        = "AWS"
      identifiers = [aws_iam_role.vault_task.arn]
    }

    condition {
      test     = "Null"
      variable = "kms:EncryptionContextKeys"
      values   = ["false"]
    }
  }

  statement {
    sid       = "RotationJobReEncrypts"
    effect    = "Allow"
    actions   = ["kms:Encrypt", "kms:Decrypt", "kms:GenerateDataKey", "kms:ReEncryptFrom", "kms:ReEncryptTo"]
    resources = ["*"]

    principals {
      type        = "AWS"
      identifiers = [aws_iam_role.rotation_task.arn]
    }

    condition {
      test     = "Null"
      variable = "kms:EncryptionContextKeys"
      values   = ["false"]
    }
  }

  statement {
    sid       = "NobodyElseReEncrypts"
    effect    = "Deny"
    actions   = ["kms:ReEncryptFrom", "kms:ReEncryptTo"]
    resources = ["*"]

    principals {
      type        = "AWS"
      identifiers = ["*"]
    }

    condition {
      test     = "ArnNotEquals"
      variable = "aws:PrincipalArn"
      values   = [aws_iam_role.rotation_task.arn]
    }
  }
}

resource "aws_kms_key" "data" {
  for_each                = toset(var.key_versions)
  description             = "${var.name} envelope-encryption key ${each.key} (cards, billing profiles)"
  key_usage               = "ENCRYPT_DECRYPT"
  enable_key_rotation     = true
  rotation_period_in_days = 365
  deletion_window_in_days = 30
  policy                  = data.aws_iam_policy_document.data_key.json

  tags = { key-version = each.key }
}

resource "aws_kms_alias" "data" {
  for_each      = aws_kms_key.data
  name          = "alias/${var.name}-${each.key}"
  target_key_id = each.value.key_id
}

# Storage encryption of Aurora, ElastiCache, Secrets Manager and the log groups: one key of their own, so the
# card-data keys above are used by the vault's roles only.
data "aws_iam_policy_document" "storage_key" {
  statement {
    sid       = "AccountAdministersAndGrantsToServices"
    effect    = "Allow"
    actions   = ["kms:*"]
    resources = ["*"]

    principals {
      type        = "AWS"
      identifiers = [local.root_arn]
    }
  }

  statement {
    sid       = "CloudWatchLogsEncryptsLogGroups"
    effect    = "Allow"
    actions   = ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"]
    resources = ["*"]

    principals {
      type        = "Service"
      identifiers = ["logs.${var.region}.amazonaws.com"]
    }

    condition {
      test     = "ArnLike"
      variable = "kms:EncryptionContext:aws:logs:arn"
      values   = ["arn:${data.aws_partition.current.partition}:logs:${var.region}:${data.aws_caller_identity.current.account_id}:log-group:*"]
    }
  }
}

resource "aws_kms_key" "storage" {
  description             = "${var.name} storage encryption (database, cache, secrets, logs)"
  enable_key_rotation     = true
  rotation_period_in_days = 365
  deletion_window_in_days = 30
  policy                  = data.aws_iam_policy_document.storage_key.json
}

resource "aws_kms_alias" "storage" {
  name          = "alias/${var.name}-storage"
  target_key_id = aws_kms_key.storage.key_id
}
