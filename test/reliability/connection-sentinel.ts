import { createServer } from 'node:net';

/** A TCP listener that speaks no protocol and counts who connects: proof that options were refused before any connection. */
export interface ConnectionSentinel {
  /** A `postgresql://` URL aimed at the listener. */
  readonly url: string;
  /** Connections accepted so far. */
  readonly connections: number;
  close(): Promise<void>;
}

export async function startConnectionSentinel(): Promise<ConnectionSentinel> {
  let connections = 0;
  const server = createServer((socket) => {
    connections++;
    socket.on('error', () => undefined);
    socket.destroy();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('the sentinel has no TCP address');
  return {
    url: `postgresql://root@127.0.0.1:${address.port}/sentinel`,
    get connections() {
      return connections;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
