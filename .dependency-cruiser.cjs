/**
 * The vault's layer rules, checked by `npm run lint:deps` (part of `npm test`, so CI runs it). Layers, top down —
 * a module may import its own layer (without cycles) and any layer below, never one above:
 *
 *   wiring      services/vault/src/wiring/, main.ts and the public surface (index.ts, tooling.ts): the
 *               composition root, the repository list, the encrypted-record registry, the HTTP apps and gRPC
 *               handlers — the lists of everything
 *   domains     a folder per concept: cards, billing-profiles, card-sessions, card-form, pay-form, processors,
 *               partners, invoices, payment-policy, payment-tokens, payment-sessions, users, portability, retention, dev
 *   transport   operations (the operation table's policy and admission), http, grpc: the kits the domains'
 *               routes and the wiring use
 *   records     audit, idempotency, encrypted-records, key-versions: what every domain writes through
 *   foundation  config, crypto, identity, errors, observability, cli, storage, container
 *
 * Neighbours (key-rotation, processor-sim, settings-demo, scripts) use the vault only through its public
 * surface: services/vault/src/index.ts, or its light part tooling.ts (command lines and repository paths, which
 * load in milliseconds for --help and the pre-steps of every npm command). Tests may reach any module.
 * Exceptions: none.
 */
const SRC = '^services/vault/src/';
const FOUNDATION = `${SRC}(config|crypto|identity|errors|observability|cli|storage|container)/`;
const RECORDS = `${SRC}(audit|idempotency|encrypted-records|key-versions)/`;
const TRANSPORT = `${SRC}(operations|http|grpc)/`;
const DOMAINS = `${SRC}(cards|billing-profiles|card-sessions|card-form|pay-form|processors|partners|invoices|payment-policy|payment-tokens|payment-sessions|users|portability|retention|dev)/`;
const WIRING = `${SRC}(wiring/|main\\.ts$|index\\.ts$|tooling\\.ts$)`;

/** A module of `from` must not import one of `to`. */
const above = (name, comment, from, to) => ({ name, comment, severity: 'error', from: { path: from }, to: { path: to } });

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      comment: 'An import cycle: two modules that each need the other cannot be understood, tested or moved alone.',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    above('foundation-imports-upward', 'The foundation knows no record, transport, domain or wiring module.', FOUNDATION, [RECORDS, TRANSPORT, DOMAINS, WIRING]),
    above('records-import-upward', 'Audit, idempotency, encrypted records and key versions know no transport, domain or wiring module.', RECORDS, [TRANSPORT, DOMAINS, WIRING]),
    above('transport-imports-upward', 'The operation table, HTTP and gRPC kits know no domain and no wiring: the wiring binds them.', TRANSPORT, [DOMAINS, WIRING]),
    above('domain-imports-wiring', 'A domain declares what it needs (its repositories, its operations); only the wiring assembles them.', DOMAINS, WIRING),
    {
      name: 'neighbour-bypasses-public-surface',
      comment: 'key-rotation, the reference processor, the settings demo and scripts use the vault through services/vault/src/index.ts only.',
      severity: 'error',
      from: { path: '^(services/(key-rotation|processor-sim|settings-demo)|scripts)/' },
      to: { path: SRC, pathNot: `${SRC}(index|tooling)\\.ts$` },
    },
    {
      name: 'not-to-unresolvable',
      comment: 'An import that resolves to nothing.',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)(generated|node_modules|dist)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default'], extensions: ['.ts', '.mjs', '.js', '.cjs', '.json'] },
  },
};
