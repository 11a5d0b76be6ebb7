import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** Prometheus metrics of one vault instance. Labels are route patterns, never paths or query strings. */
export class VaultMetrics {
  readonly registry = new Registry();
  readonly requests = new Counter({
    name: 'vault_http_requests_total',
    help: 'HTTP requests by listener, method, route pattern and status.',
    labelNames: ['listener', 'method', 'route', 'status'] as const,
    registers: [this.registry],
  });
  readonly latency = new Histogram({
    name: 'vault_http_request_duration_seconds',
    help: 'HTTP request latency by listener, method and route pattern.',
    labelNames: ['listener', 'method', 'route'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [this.registry],
  });

  readonly grpcRequests = new Counter({
    name: 'vault_grpc_requests_total',
    help: 'gRPC calls by method and status code name.',
    labelNames: ['method', 'status'] as const,
    registers: [this.registry],
  });
  readonly grpcLatency = new Histogram({
    name: 'vault_grpc_request_duration_seconds',
    help: 'gRPC call latency by method.',
    labelNames: ['method'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [this.registry],
  });

  constructor(options: { defaultMetrics?: boolean } = {}) {
    if (options.defaultMetrics ?? true) collectDefaultMetrics({ register: this.registry });
  }
}
