import { randomUUID } from 'node:crypto';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * The request id of a call, whatever the transport: the caller's if it is a UUID (lower-cased), else a new one.
 * Anything but a UUID could carry data (a PAN) into logs and audit.
 */
export function requestIdFrom(given: string | undefined): string {
  const lower = given?.toLowerCase();
  return lower && UUID.test(lower) ? lower : randomUUID();
}
