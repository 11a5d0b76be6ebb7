/**
 * infra/terraform checked as policy: the settings PCI DSS and the vault's threat model expect are on, read from
 * the parsed HCL. Each check is also run on a copy of the files with its setting flipped, and must then fail —
 * so none of them passes by not looking. `terraform fmt -check` / `validate` run where the binary exists
 * (infra/README.md); this needs none.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { blocks, loadTerraform, terraformFiles, withEdit, type TerraformConfig } from '../support/terraform-config.ts';

type Block = Record<string, unknown>;
const str = (v: unknown) => (typeof v === 'string' ? v : JSON.stringify(v ?? null));
const refersTo = (v: unknown, what: string) => str(v).includes(what);
const each = (c: TerraformConfig, type: string) => Object.entries(c.resources[type] ?? {});
const one = (c: TerraformConfig, type: string, name: string): Block => c.resources[type]?.[name] ?? {};
const unless = (ok: boolean, violation: string) => (ok ? [] : [violation]);
const statements = (c: TerraformConfig, doc: string) => blocks(c.data['aws_iam_policy_document']?.[doc], 'statement');
const actionsOf = (s: Block) => (Array.isArray(s['actions']) ? (s['actions'] as string[]) : []);
const principalsOf = (s: Block) => blocks(s, 'principals').flatMap((p) => (p['identifiers'] as string[] | undefined) ?? []);

interface PolicyCheck {
  readonly name: string;
  readonly check: (c: TerraformConfig) => string[];
  /** [file, exact text, replacement]: the setting flipped. */
  readonly flip: readonly [string, string, string];
}

const CHECKS: readonly PolicyCheck[] = [
  {
    name: 'every KMS key has automatic rotation on',
    check: (c) => each(c, 'aws_kms_key').flatMap(([n, k]) => unless(k['enable_key_rotation'] === true, `aws_kms_key.${n}: rotation off`)),
    flip: ['kms.tf', 'key_usage               = "ENCRYPT_DECRYPT"\n  enable_key_rotation     = true', 'key_usage               = "ENCRYPT_DECRYPT"\n  enable_key_rotation     = false'],
  },
  {
    name: 'the data-key policy lets only the rotation role re-encrypt, and denies it to everyone else',
    check: (c) => {
      const st = statements(c, 'data_key');
      const reEncrypting = st.filter((s) => s['effect'] !== 'Deny' && actionsOf(s).some((a) => a.startsWith('kms:ReEncrypt')));
      const deny = st.find((s) => s['effect'] === 'Deny' && actionsOf(s).some((a) => a.startsWith('kms:ReEncrypt')));
      return [
        ...reEncrypting.flatMap((s) => unless(principalsOf(s).every((p) => refersTo(p, 'aws_iam_role.rotation_task.arn')), `${str(s['sid'])}: re-encrypt allowed to ${principalsOf(s).join(', ')}`)),
        ...unless(reEncrypting.length > 0, 'no statement lets the rotation role re-encrypt'),
        ...unless(!!deny && blocks(deny, 'condition').some((k) => k['test'] === 'ArnNotEquals' && refersTo(k['values'], 'aws_iam_role.rotation_task.arn')), 'no deny of re-encryption to every other principal'),
      ];
    },
    flip: ['kms.tf', 'identifiers = [aws_iam_role.rotation_task.arn]', 'identifiers = [aws_iam_role.vault_task.arn]'],
  },
  {
    name: 'only the vault and the rotation role may decrypt or grant the data keys; the account cannot rewrite their policy',
    check: (c) => {
      const st = statements(c, 'data_key');
      const rootSt = st.filter((s) => s['effect'] !== 'Deny' && principalsOf(s).some((p) => refersTo(p, 'local.root_arn')));
      const risky = (a: string) => ['kms:*', 'kms:Decrypt', 'kms:Decrypt*', 'kms:CreateGrant', 'kms:Create*', 'kms:PutKeyPolicy', 'kms:Put*'].includes(a);
      const rootActions = rootSt.flatMap((s) => (refersTo(s['actions'], 'local.key_administration') ? ((c.locals['key_administration'] as string[] | undefined) ?? []) : actionsOf(s)));
      const deny = st.find((s) => s['effect'] === 'Deny' && actionsOf(s).includes('kms:Decrypt') && actionsOf(s).includes('kms:CreateGrant'));
      const exempt = deny ? blocks(deny, 'condition').find((k) => k['test'] === 'ArnNotEquals') : undefined;
      return [
        ...rootActions.filter(risky).map((a) => `the account root may ${a}`),
        ...unless(!!exempt && refersTo(exempt['values'], 'aws_iam_role.vault_task.arn') && refersTo(exempt['values'], 'aws_iam_role.rotation_task.arn') && (exempt['values'] as unknown[]).length === 2, 'no deny of Decrypt/CreateGrant to all but the two roles'),
      ];
    },
    flip: ['kms.tf', '"kms:Describe*", "kms:List*",', '"kms:Describe*", "kms:Put*", "kms:List*",'],
  },
  {
    name: "the vault's task role can use the data keys but not re-encrypt",
    check: (c) => {
      const actions = statements(c, 'vault_task').flatMap(actionsOf);
      return [...unless(actions.includes('kms:Decrypt') && actions.includes('kms:GenerateDataKey'), 'the vault cannot use its keys'), ...actions.filter((a) => a.startsWith('kms:ReEncrypt') || a === 'kms:*').map((a) => `vault task role has ${a}`)];
    },
    flip: ['iam.tf', 'actions   = ["kms:Encrypt", "kms:Decrypt", "kms:GenerateDataKey"]', 'actions   = ["kms:Encrypt", "kms:Decrypt", "kms:GenerateDataKey", "kms:ReEncryptFrom"]'],
  },
  {
    name: 'the database is encrypted at rest with a customer-managed key',
    check: (c) => each(c, 'aws_rds_cluster').flatMap(([n, db]) => unless(db['storage_encrypted'] === true && refersTo(db['kms_key_id'], 'aws_kms_key.'), `aws_rds_cluster.${n}: storage not encrypted with our key`)),
    flip: ['database.tf', 'storage_encrypted                   = true', 'storage_encrypted                   = false'],
  },
  {
    name: 'the database forces TLS 1.2+ (rds.force_ssl) through the parameter group it uses',
    check: (c) =>
      each(c, 'aws_rds_cluster').flatMap(([n, db]) => {
        const group = /aws_rds_cluster_parameter_group\.([a-z_]+)\./.exec(str(db['db_cluster_parameter_group_name']))?.[1];
        const params = blocks(group ? one(c, 'aws_rds_cluster_parameter_group', group) : undefined, 'parameter');
        const value = (name: string) => params.find((p) => p['name'] === name)?.['value'];
        return [...unless(value('rds.force_ssl') === '1', `aws_rds_cluster.${n}: rds.force_ssl is not 1`), ...unless(value('ssl_min_protocol_version') === 'TLSv1.2', `aws_rds_cluster.${n}: TLS below 1.2 allowed`)];
      }),
    flip: ['database.tf', 'name  = "rds.force_ssl"\n    value = "1"', 'name  = "rds.force_ssl"\n    value = "0"'],
  },
  {
    name: 'the database has deletion protection and a final snapshot',
    check: (c) => each(c, 'aws_rds_cluster').flatMap(([n, db]) => unless(db['deletion_protection'] === true && db['skip_final_snapshot'] === false, `aws_rds_cluster.${n}: can be deleted without protection or snapshot`)),
    flip: ['database.tf', 'deletion_protection                 = true', 'deletion_protection                 = false'],
  },
  {
    name: 'no database instance is publicly accessible',
    check: (c) => each(c, 'aws_rds_cluster_instance').flatMap(([n, i]) => unless(i['publicly_accessible'] === false, `aws_rds_cluster_instance.${n}: publicly accessible`)),
    flip: ['database.tf', 'publicly_accessible                   = false', 'publicly_accessible                   = true'],
  },
  {
    name: 'data stores live only in the private data subnets',
    check: (c) => [
      ...[...each(c, 'aws_db_subnet_group'), ...each(c, 'aws_elasticache_subnet_group')].flatMap(([n, g]) => unless(refersTo(g['subnet_ids'], 'aws_subnet.data') && !refersTo(g['subnet_ids'], 'aws_subnet.public'), `subnet group ${n}: not only the data subnets`)),
      ...unless(one(c, 'aws_subnet', 'data')['map_public_ip_on_launch'] === false, 'data subnets hand out public addresses'),
      ...unless(refersTo(one(c, 'aws_route_table_association', 'data')['route_table_id'], 'aws_route_table.private'), 'data subnets route to the internet'),
    ],
    flip: ['redis.tf', 'subnet_ids = [for s in aws_subnet.data : s.id]', 'subnet_ids = [for s in aws_subnet.public : s.id]'],
  },
  {
    name: 'Redis is encrypted at rest and in transit (TLS required) with AUTH',
    check: (c) =>
      each(c, 'aws_elasticache_replication_group').flatMap(([n, r]) =>
        unless(r['at_rest_encryption_enabled'] === true && r['transit_encryption_enabled'] === true && r['transit_encryption_mode'] === 'required' && !!r['auth_token'] && refersTo(r['kms_key_id'], 'aws_kms_key.'), `aws_elasticache_replication_group.${n}: encryption or AUTH off`),
      ),
    flip: ['redis.tf', 'transit_encryption_enabled = true', 'transit_encryption_enabled = false'],
  },
  {
    name: 'Redis runs in cluster mode with failover and never evicts (an evicted epoch or token is a silent security change)',
    check: (c) =>
      each(c, 'aws_elasticache_replication_group').flatMap(([n, r]) => {
        const group = /aws_elasticache_parameter_group\.([a-z_]+)\./.exec(str(r['parameter_group_name']))?.[1];
        const params = blocks(group ? one(c, 'aws_elasticache_parameter_group', group) : undefined, 'parameter');
        const value = (name: string) => params.find((p) => p['name'] === name)?.['value'];
        return [
          ...unless(value('cluster-enabled') === 'yes', `${n}: not cluster mode`),
          ...unless(value('maxmemory-policy') === 'noeviction', `${n}: evicts keys`),
          ...unless(r['automatic_failover_enabled'] === true && r['multi_az_enabled'] === true, `${n}: no automatic failover across zones`),
        ];
      }),
    flip: ['redis.tf', 'value = "noeviction"', 'value = "allkeys-lru"'],
  },
  {
    name: 'nothing is open to the whole internet but the card form’s HTTPS on the WAF-screened load balancer',
    check: (c) => [
      ...each(c, 'aws_vpc_security_group_ingress_rule')
        .filter(([, r]) => r['cidr_ipv4'] === '0.0.0.0/0' || r['cidr_ipv6'] === '::/0')
        .flatMap(([n, r]) => unless(refersTo(r['security_group_id'], 'aws_security_group.public_alb.') && r['from_port'] === 443 && r['to_port'] === 443, `ingress ${n} is open to the internet`)),
      ...each(c, 'aws_security_group').flatMap(([n, g]) => unless(blocks(g, 'ingress').length === 0, `aws_security_group.${n}: inline ingress (rules must be reviewable one by one)`)),
    ],
    flip: ['security-groups.tf', 'cidr_ipv4         = each.value[0]', 'cidr_ipv4         = "0.0.0.0/0"'],
  },
  {
    name: 'AWS WAF screens the public card-form load balancer with managed rules and a rate limit',
    check: (c) => {
      const assoc = each(c, 'aws_wafv2_web_acl_association');
      const acl = one(c, 'aws_wafv2_web_acl', 'card_form');
      const rules = blocks(acl, 'rule');
      const managed = rules.filter((r) => blocks(r, 'statement').some((s) => blocks(s, 'managed_rule_group_statement').length > 0));
      const rated = rules.filter((r) => blocks(r, 'statement').some((s) => blocks(s, 'rate_based_statement').length > 0));
      return [
        ...unless(assoc.some(([, a]) => refersTo(a['resource_arn'], 'aws_lb.public.arn') && refersTo(a['web_acl_arn'], 'aws_wafv2_web_acl.card_form')), 'no WAF on the public load balancer'),
        ...unless(managed.length >= 2 && rated.length >= 1, 'WAF without managed rule groups or a rate limit'),
      ];
    },
    flip: ['waf.tf', 'resource_arn = aws_lb.public.arn', 'resource_arn = aws_lb.mtls.arn'],
  },
  {
    name: 'mutual TLS ends at the vault: the callers’ load balancer passes TCP through',
    check: (c) =>
      each(c, 'aws_lb_listener')
        .filter(([, l]) => refersTo(l['load_balancer_arn'], 'aws_lb.mtls.'))
        .flatMap(([n, l]) => unless(l['protocol'] === 'TCP' && !l['certificate_arn'], `aws_lb_listener.${n}: terminates TLS`)),
    flip: ['load-balancers.tf', 'port              = local.internal_port\n  protocol          = "TCP"', 'port              = local.internal_port\n  protocol          = "TLS"'],
  },
  {
    name: 'the card form’s listener is HTTPS with a TLS 1.2+ policy',
    check: (c) => {
      const l = one(c, 'aws_lb_listener', 'public');
      return unless(l['protocol'] === 'HTTPS' && /^ELBSecurityPolicy-TLS13-1-2-/.test(str(l['ssl_policy'])), `card-form listener: ${str(l['protocol'])} ${str(l['ssl_policy'])}`);
    },
    flip: ['load-balancers.tf', 'ssl_policy        = "ELBSecurityPolicy-TLS13-1-2-2021-06"', 'ssl_policy        = "ELBSecurityPolicy-2016-08"'],
  },
  {
    name: 'vault tasks run in the private app subnets of three zones, without public addresses, at least three of them',
    check: (c) => {
      const svc = one(c, 'aws_ecs_service', 'vault');
      const net = blocks(svc, 'network_configuration')[0] ?? {};
      const zones = c.variables['availability_zones'];
      return [
        ...unless(net['assign_public_ip'] === false && refersTo(net['subnets'], 'aws_subnet.app'), 'vault tasks are public or outside the app subnets'),
        ...unless((zones?.['default'] as unknown[] | undefined)?.length === 3 && refersTo(zones?.['validation'], '== 3'), 'not three availability zones'),
        ...unless(refersTo(c.variables['vault_desired_count']?.['validation'], '>= 3'), 'fewer than three vault tasks allowed'),
      ];
    },
    flip: ['ecs.tf', 'assign_public_ip = false', 'assign_public_ip = true'],
  },
  {
    name: 'the vault container is read-only, non-root, without capabilities or a shell into it',
    check: (c) => {
      const defs = str(one(c, 'aws_ecs_task_definition', 'vault')['container_definitions']);
      return [
        ...unless(/readonlyRootFilesystem\s*=\s*true/.test(defs), 'root filesystem writable'),
        ...unless(/user\s*=\s*"[1-9][0-9]*:/.test(defs), 'runs as root'),
        ...unless(/drop\s*=\s*\["ALL"\]/.test(defs), 'capabilities not dropped'),
        ...unless(one(c, 'aws_ecs_service', 'vault')['enable_execute_command'] === false, 'ECS Exec enabled'),
      ];
    },
    flip: ['ecs.tf', 'readonlyRootFilesystem = true', 'readonlyRootFilesystem = false'],
  },
  {
    name: 'secrets live in Secrets Manager under the storage key',
    check: (c) => each(c, 'aws_secretsmanager_secret').flatMap(([n, s]) => unless(refersTo(s['kms_key_id'], 'aws_kms_key.storage'), `secret ${n} not under the storage key`)),
    flip: ['secrets.tf', 'name                    = "${var.name}/redis-url"\n  description             = "rediss://:<AUTH token>@<configuration endpoint>:6379 (generated here)"\n  kms_key_id              = aws_kms_key.storage.arn', 'name                    = "${var.name}/redis-url"\n  description             = "rediss://:<AUTH token>@<configuration endpoint>:6379 (generated here)"'],
  },
  {
    name: 'credentials reach the tasks as ECS secrets, never as plain environment values',
    check: (c) => {
      const plain = JSON.stringify(c.locals['vault_environment'] ?? []) + each(c, 'aws_ecs_task_definition').map(([, t]) => str(t['container_definitions'])).join('');
      // `{ name = "X", value = … }` in HCL or {"name":"X","value":…} once parsed — `valueFrom` (a secret's ARN) is fine.
      const asPlainValue = (name: string) => new RegExp(`name"?\\s*[=:]\\s*"${name}[A-Z0-9_]*"\\s*,\\s*"?value"?\\s*[=:]`);
      return ['DATABASE_URL', 'VAULT_REDIS_URL', 'SECRET_FILE_'].filter((name) => asPlainValue(name).test(plain)).map((name) => `${name} is a plain environment value`);
    },
    flip: ['ecs.tf', '{ name = "VAULT_MODE", value = "production" },', '{ name = "VAULT_MODE", value = "production" },\n    { name = "DATABASE_URL", value = "postgresql://vault_app:secret@db:5432/vault" },'],
  },
  {
    name: 'every log group is encrypted and kept at least 12 months (PCI DSS 10.5.1)',
    check: (c) => {
      const retention = c.variables['log_retention_days'];
      return [
        ...each(c, 'aws_cloudwatch_log_group').flatMap(([n, g]) => unless(refersTo(g['retention_in_days'], 'var.log_retention_days') && refersTo(g['kms_key_id'], 'aws_kms_key.'), `log group ${n}: retention or encryption not set`)),
        ...unless(Number(retention?.['default']) >= 365 && refersTo(retention?.['validation'], '>= 365'), 'log retention may be under a year'),
      ];
    },
    flip: ['variables.tf', 'default     = 400', 'default     = 30'],
  },
  {
    name: 'the key-rotation job runs on a schedule with its own role, the only one allowed to re-encrypt',
    check: (c) => {
      const target = blocks(one(c, 'aws_scheduler_schedule', 'rotation'), 'target')[0] ?? {};
      const ecs = blocks(target, 'ecs_parameters')[0] ?? {};
      return [
        ...unless(refersTo(ecs['task_definition_arn'], 'aws_ecs_task_definition.rotation'), 'rotation job not scheduled'),
        ...unless(refersTo(one(c, 'aws_ecs_task_definition', 'rotation')['task_role_arn'], 'aws_iam_role.rotation_task'), 'rotation job without its own role'),
      ];
    },
    flip: ['rotation.tf', 'task_role_arn            = aws_iam_role.rotation_task.arn', 'task_role_arn            = aws_iam_role.vault_task.arn'],
  },
];

describe('infra/terraform policy', () => {
  const files = terraformFiles();
  let config: TerraformConfig;
  beforeAll(async () => {
    config = await loadTerraform(files);
  });

  it.each(CHECKS)('$name', ({ check }) => {
    expect(check(config)).toEqual([]);
  });

  it.each(CHECKS)('$name — and says so when the setting is flipped', async ({ check, flip }) => {
    const [file, from, to] = flip;
    expect(check(await loadTerraform(withEdit(files, file, from, to)))).not.toEqual([]);
  });

  it('every resource the checks name exists (a renamed resource must not make a check vacuous)', () => {
    for (const [type, name] of [
      ['aws_rds_cluster', 'vault'],
      ['aws_elasticache_replication_group', 'vault'],
      ['aws_ecs_service', 'vault'],
      ['aws_lb_listener', 'public'],
      ['aws_wafv2_web_acl', 'card_form'],
      ['aws_scheduler_schedule', 'rotation'],
      ['aws_kms_key', 'data'],
    ] as const) {
      expect(config.resources[type]?.[name], `${type}.${name}`).toBeDefined();
    }
    expect(Object.keys(config.resources['aws_vpc_security_group_ingress_rule'] ?? {}).length).toBeGreaterThan(5);
  });
});
