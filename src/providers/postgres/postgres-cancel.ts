import net from 'node:net';
import type { PostgresEndpoint } from './postgres-options.js';

/** The protocol's CancelRequest code (1234 in the high 16 bits, 5678 in the low 16 bits). */
const CANCEL_REQUEST_CODE = 80877102;

/** What identifies a running backend to its server: the pid and secret key from BackendKeyData. */
export interface BackendKey {
  readonly processID: number;
  readonly secretKey: number;
}

/**
 * Asks the server to cancel whatever the backend `key` is running, as `pg_cancel_backend` does:
 * a CancelRequest on a new connection to the same server (no login; the secret key is the
 * proof). The statement fails with SQLSTATE 57014 and its connection stays usable; a backend with
 * nothing running ignores the request. Resolves once the server has closed the request's
 * connection (it has signalled the backend by then), or after `timeoutMs`; never rejects, since a
 * failed cancel only means the statement runs to its end.
 *
 * @example
 * await sendCancelRequest(endpoint, { processID: 4242, secretKey: 123456 }, 5000);
 */
export function sendCancelRequest(endpoint: PostgresEndpoint, key: BackendKey, timeoutMs: number): Promise<void> {
  return new Promise<void>((resolve) => {
    const packet = Buffer.alloc(16);
    packet.writeInt32BE(16, 0);
    packet.writeInt32BE(CANCEL_REQUEST_CODE, 4);
    packet.writeInt32BE(key.processID, 8);
    packet.writeInt32BE(key.secretKey, 12);
    const socket = endpoint.host.startsWith('/')
      ? net.connect(`${endpoint.host}/.s.PGSQL.${endpoint.port}`)
      : net.connect(endpoint.port, endpoint.host);
    const timer = setTimeout(() => socket.destroy(), timeoutMs);
    socket.once('connect', () => socket.end(packet));
    socket.on('error', () => socket.destroy());
    socket.once('close', () => {
      clearTimeout(timer);
      resolve();
    });
    // The server answers nothing; reading keeps the socket flowing until it closes.
    socket.resume();
  });
}
