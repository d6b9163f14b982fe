import { createServer, connect, type Socket } from 'node:net';

/** A TCP forwarder on 127.0.0.1 in front of the test server, so a test can "stop the database" without stopping the shared one. */
export interface StoppableProxy {
  port: number;
  /** Closes the listener and every forwarded connection, as a stopped server would. */
  stop(): Promise<void>;
}

export async function startStoppableProxy(target: { host: string; port: number }): Promise<StoppableProxy> {
  const sockets = new Set<Socket>();
  const track = (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
  };
  const server = createServer((client) => {
    const upstream = connect(target.port, target.host);
    track(client);
    track(upstream);
    client.pipe(upstream);
    upstream.pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('proxy has no port');
  return {
    port: address.port,
    stop: async () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const socket of sockets) socket.destroy();
      await closed;
    },
  };
}
