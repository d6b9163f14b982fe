import net from 'node:net';

/**
 * A TCP proxy on 127.0.0.1 between the library and the database server, to
 * produce the fault real networks produce: a connection that goes silent
 * (a load balancer that forgot the flow, a partition, a node that stopped
 * answering) rather than one that closes loudly.
 *
 * Black-holing reads and discards every byte and writes none, in both
 * directions, while both sockets stay open: the kernel keeps acknowledging,
 * so neither side sees an error, exactly as behind a dead middlebox.
 */
export interface TcpProxy {
  /** The proxy's URL for `url` (same user, password and database, the proxy's port). */
  readonly url: string;
  readonly port: number;
  /** Connections open through the proxy, and how many of them are black-holed. */
  connections(): { open: number; blackHoled: number };
  /** Every connection, open or new, goes silent. */
  blackHoleAll(): void;
  /** The connections open now go silent; new ones pass (an idle pooled connection whose flow was forgotten). */
  blackHoleExisting(): void;
  /**
   * The first connection to send a statement matching `pattern` goes silent
   * from that statement on: the statement never reaches the server. Resolves
   * when it happened.
   */
  blackHoleOnStatement(pattern: RegExp): Promise<void>;
  /** Resets every black-holed connection (both sides see it die) and lets everything through again. */
  heal(): void;
  /**
   * Holds the server's answers on every connection (they are kept, not lost)
   * until `release()`: what the client sends meanwhile, it sent without
   * waiting for an answer.
   */
  holdReplies(): { release(): void };
  /** The SQL of every statement (simple Query or Parse) forwarded to the server so far, in order. */
  statementsSent(): string[];
  close(): Promise<void>;
}

interface Link {
  client: net.Socket;
  server: net.Socket;
  blackHoled: boolean;
  /** The client's bytes not yet forwarded: held until a whole protocol message is in. */
  pending: Buffer;
  /** The start-up phase: the first messages have no type byte. */
  startup: boolean;
}

interface StatementTrap {
  pattern: RegExp;
  sprung: () => void;
}

/** SSLRequest and GSSENCRequest: start-up messages the server answers with one byte before the real start-up message. */
const NEGOTIATION_CODES = new Set([80877103, 80877104]);

export async function startTcpProxy(targetUrl: string): Promise<TcpProxy> {
  const target = new URL(targetUrl);
  const targetPort = Number(target.port || 5432);
  const targetHost = target.hostname;
  const links = new Set<Link>();
  let blackHoleNew = false;
  let trap: StatementTrap | undefined;
  let held: Array<() => void> | undefined;
  const sent: string[] = [];

  const goSilent = (link: Link) => {
    link.blackHoled = true;
    link.pending = Buffer.alloc(0);
  };

  /** Forwards whole messages, watching each for the trap's statement. */
  const forwardFromClient = (link: Link, chunk: Buffer) => {
    if (link.blackHoled) return;
    link.pending = link.pending.length === 0 ? chunk : Buffer.concat([link.pending, chunk]);
    for (;;) {
      const message = nextMessage(link);
      if (!message) return;
      if (trap && !link.startup && matchesStatement(message, trap.pattern)) {
        const sprung = trap.sprung;
        trap = undefined;
        goSilent(link);
        sprung();
        return;
      }
      const sql = link.startup ? undefined : statementText(message);
      if (sql !== undefined) sent.push(sql);
      link.server.write(message);
    }
  };

  const server = net.createServer((client) => {
    const upstream = net.connect(targetPort, targetHost);
    const link: Link = { client, server: upstream, blackHoled: blackHoleNew, pending: Buffer.alloc(0), startup: true };
    links.add(link);
    const drop = () => {
      links.delete(link);
      client.destroy();
      upstream.destroy();
    };
    client.on('data', (chunk) => forwardFromClient(link, chunk));
    upstream.on('data', (chunk) => {
      if (link.blackHoled) return;
      if (held) held.push(() => client.write(chunk));
      else client.write(chunk);
    });
    // A close is forwarded only while the link is healthy: a silent link delivers nothing, FIN included.
    client.on('close', () => {
      if (!link.blackHoled) drop();
    });
    upstream.on('close', () => {
      if (!link.blackHoled) drop();
    });
    client.on('error', () => undefined);
    upstream.on('error', () => undefined);
  });
  server.listen(0, '127.0.0.1');
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
  });
  const port = (server.address() as net.AddressInfo).port;
  const url = new URL(targetUrl);
  url.hostname = '127.0.0.1';
  url.port = String(port);

  return {
    url: url.toString(),
    port,
    connections: () => ({ open: links.size, blackHoled: [...links].filter((link) => link.blackHoled).length }),
    blackHoleAll: () => {
      blackHoleNew = true;
      for (const link of links) goSilent(link);
    },
    blackHoleExisting: () => {
      for (const link of links) goSilent(link);
    },
    blackHoleOnStatement: (pattern) =>
      new Promise<void>((resolve) => {
        trap = { pattern, sprung: resolve };
      }),
    heal: () => {
      blackHoleNew = false;
      trap = undefined;
      for (const link of [...links]) {
        if (!link.blackHoled) continue;
        links.delete(link);
        link.client.resetAndDestroy();
        link.server.resetAndDestroy();
      }
    },
    holdReplies: () => {
      held ??= [];
      return {
        release: () => {
          const waiting = held ?? [];
          held = undefined;
          for (const write of waiting) write();
        },
      };
    },
    statementsSent: () => [...sent],
    close: async () => {
      for (const link of links) {
        link.client.destroy();
        link.server.destroy();
      }
      links.clear();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Takes the next whole message off the link's pending bytes, or undefined until one is complete. */
function nextMessage(link: Link): Buffer | undefined {
  const headerLength = link.startup ? 4 : 5;
  if (link.pending.length < headerLength) return undefined;
  const length = link.pending.readInt32BE(headerLength - 4) + headerLength - 4;
  if (link.pending.length < length) return undefined;
  const message = link.pending.subarray(0, length);
  link.pending = link.pending.subarray(length);
  if (link.startup && !(length === 8 && NEGOTIATION_CODES.has(message.readInt32BE(4)))) link.startup = false;
  return message;
}

/**
 * Whether a frontend message carries a statement matching `pattern`: a simple
 * Query ('Q': the SQL, NUL-terminated) or a Parse ('P': statement name, then
 * the SQL).
 */
function matchesStatement(message: Buffer, pattern: RegExp): boolean {
  const sql = statementText(message);
  return sql !== undefined && pattern.test(sql);
}

/** The SQL a simple Query or a Parse message carries; undefined for other messages. */
function statementText(message: Buffer): string | undefined {
  const type = String.fromCharCode(message[0]!);
  if (type === 'Q') return message.toString('utf8', 5, message.length - 1);
  if (type === 'P') {
    const nameEnd = message.indexOf(0, 5);
    const sqlEnd = message.indexOf(0, nameEnd + 1);
    return message.toString('utf8', nameEnd + 1, sqlEnd);
  }
  return undefined;
}
