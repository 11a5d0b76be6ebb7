/**
 * The floor server: what each benchmarked vault operation cannot avoid, on the vault's own stack — express 5 +
 * helmet behind the vault's listeners (node https, its TLS settings and example certificates; mutual TLS on the
 * internal listener, server TLS on the public one) — so `vault ÷ floor` measures the vault's own overhead.
 * Run as its own process (`node --import tsx test/bench/floor-server.ts`, DATABASE_URL = the bench database),
 * like the vault, so the CPU is shared the same way; ports come from the OS and are printed as one JSON line:
 * `{"floor":"listening","internal":<port>,"public":<port>}`.
 */
import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import helmet from 'helmet';
import { readFileSync } from 'node:fs';
import { Redis } from 'ioredis';
import { decodeJwt } from 'jose';
import pg from 'pg';
import { loadConfig } from '../../services/vault/src/config/load-config.ts';
import { keysExample } from '../../services/vault/src/config/repo-paths.ts';
import { buildCrypto } from '../../services/vault/src/crypto/build-crypto.ts';
import { listenInternal, listenPublic } from '../../services/vault/src/http/listeners.ts';
import { validateJwks } from '../../services/vault/src/processors/processor-keys.ts';
import { createFloorTables, issueToken, listCards, redeemToken, storeCard, type FloorDeps, type FloorOwner } from './floor-operations.ts';
import { floorSessionOwner } from './floor-session.ts';

function baseApp(): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.set('query parser', 'simple');
  app.use(helmet());
  app.use((_req, res, next) => {
    res.setHeader('Cache-Control', 'no-store');
    next();
  });
  app.use(express.json({ limit: '16kb' }));
  return app;
}

function finish(app: Express): Express {
  app.use((_req: Request, res: Response) => {
    res.status(404).json({ code: 'not_found' });
  });
  app.use((err: unknown, _req: Request, res: Response, _next: NextFunction) => {
    console.error(`floor: ${(err as Error).name}: ${(err as Error).message}`.slice(0, 300));
    res.status(500).json({ code: 'internal' });
  });
  return app;
}

/** The bearer assertion's tenant and subject, read without verifying it (authentication is the vault's work). */
function bearerOwner(req: Request): FloorOwner {
  const claims = decodeJwt((req.get('authorization') ?? '').replace(/^Bearer /, ''));
  return { tenant: String(claims['tid']), owner: String(claims.sub) };
}

function internalApp(deps: FloorDeps): Express {
  const app = baseApp();
  app.get('/floor/empty', (_req, res) => {
    res.json({});
  });
  app.get('/v1/cards', async (req, res) => {
    res.json(await listCards(deps, bearerOwner(req)));
  });
  app.post('/v1/payment-tokens', async (req, res) => {
    const issued = await issueToken(deps, bearerOwner(req), req.body);
    if (issued) res.status(201).json(issued);
    else res.status(404).json({ code: 'not_found' });
  });
  app.post('/v1/payment-tokens/redeem', async (req, res) => {
    const redeemed = await redeemToken(deps, String(req.body?.token));
    if (redeemed) res.json(redeemed);
    else res.status(404).json({ code: 'not_found' });
  });
  return finish(app);
}

function publicApp(deps: FloorDeps): Express {
  const app = baseApp();
  app.post('/v1/cards', async (req, res) => {
    const who = floorSessionOwner(req.get('authorization'));
    if (!who) {
      res.status(401).json({ code: 'unauthenticated' });
      return;
    }
    res.status(201).json(await storeCard(deps, who, req.body));
  });
  return finish(app);
}

const databaseUrl = process.env['DATABASE_URL'];
if (!databaseUrl) throw new Error('floor-server: DATABASE_URL is required');
const config = loadConfig({});
const { envelope, fingerprinter } = buildCrypto(config.keys);
const jwks = JSON.parse(readFileSync(keysExample('processors', 'xero-payments-public.jwks.json'), 'utf8')) as unknown;
const [processorKey] = await validateJwks(jwks, [], new Date());
const pool = new pg.Pool({ connectionString: databaseUrl, max: Number(process.env['FLOOR_POOL_MAX'] ?? 20) });
const redis = new Redis(process.env['FLOOR_REDIS_URL'] ?? 'redis://127.0.0.1:6379');
await createFloorTables(pool);
const deps: FloorDeps = { pool, redis, envelope, fingerprinter, processorKey: processorKey! };

const internal = await listenInternal(internalApp(deps), config.tls, config.listeners.internal.host, 0, config.connections);
const pub = await listenPublic(publicApp(deps), config.tls, config.listeners.public.host, 0, config.connections);
console.log(JSON.stringify({ floor: 'listening', internal: internal.port, public: pub.port }));

process.once('SIGTERM', async () => {
  await Promise.all([internal.close(), pub.close()]);
  await pool.end();
  redis.disconnect();
  process.exit(0);
});
