/**
 * The image's HEALTHCHECK: GET http://127.0.0.1:<VAULT_PROBE_PORT>/healthz (the loopback probe listener);
 * exit 0 on 200 within 3 s, else 1. No shell, no curl in the image: this is all it needs.
 */
import http from 'node:http';

const port = Number(process.env['VAULT_PROBE_PORT'] ?? 9464);
const req = http.get({ host: '127.0.0.1', port, path: '/healthz', timeout: 3_000 }, (res) => {
  res.resume();
  process.exit(res.statusCode === 200 ? 0 : 1);
});
req.on('timeout', () => req.destroy(new Error('timeout')));
req.on('error', () => process.exit(1));
