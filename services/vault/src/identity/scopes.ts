/** What a calling service may do. Every route declares the one scope it needs; everything else is denied. */
export const SCOPES = [
  'card-sessions:create',
  'cards:read',
  'cards:write',
  'billing-profiles:read',
  'billing-profiles:write',
  'payment-tokens:issue',
  'payment-tokens:redeem',
  'payment-sessions:create',
  'payment-sessions:read',
  'payment-settings:read',
  'payment-settings:write',
  'processors:admin',
  'partners:admin',
  'users:erase',
  'exports:admin',
] as const;

export type Scope = (typeof SCOPES)[number];

export type ServiceScopes = Readonly<Record<string, readonly Scope[]>>;

/**
 * The callers of ARCHITECTURE §2. A key ending in `/*` matches every service under that prefix
 * (`processor/*` is each partner processor). Override with VAULT_SERVICE_SCOPES.
 */
export const DEFAULT_SERVICE_SCOPES: ServiceScopes = {
  'account-settings': [
    'card-sessions:create',
    'cards:read',
    'cards:write',
    'billing-profiles:read',
    'billing-profiles:write',
  ],
  // Payment sessions have scopes of their own, apart from the direct issue: that path (the CVC through the caller)
  // is to be granted only to a PCI-scoped caller, while the payment flow keeps opening sessions (issue 23).
  'payment-flow': ['card-sessions:create', 'cards:read', 'billing-profiles:read', 'payment-tokens:issue', 'payment-sessions:create', 'payment-sessions:read', 'payment-settings:read'],
  admin: ['payment-settings:read', 'payment-settings:write', 'processors:admin', 'partners:admin', 'users:erase', 'exports:admin'],
  'key-rotation': [],
  'processor/*': ['payment-tokens:redeem'],
};

export function scopesOf(service: string, table: ServiceScopes): readonly Scope[] {
  const exact = table[service];
  if (exact) return exact;
  for (const [pattern, scopes] of Object.entries(table)) {
    if (pattern.endsWith('/*') && service.startsWith(pattern.slice(0, -1)) && service.length > pattern.length - 1) {
      return scopes;
    }
  }
  return [];
}
