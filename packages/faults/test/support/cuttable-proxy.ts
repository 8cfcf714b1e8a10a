import { createServer, type Server, type Socket, connect as tcpConnect } from 'node:net';

/**
 * A TCP proxy in front of a server, for one process's connections only: `cut()` drops every
 * connection through it and refuses new ones, as a network partition between that process and
 * the server would, while every other process still reaches the server; `restore()` lets them in again.
 */
export class CuttableProxy {
  readonly #server: Server;
  readonly #sockets = new Set<Socket>();
  #cut = false;

  private constructor(server: Server) {
    this.#server = server;
  }

  /** A proxy on a free loopback port to `url`'s host and port; `url` is given back with the proxy's. */
  static async to(url: string): Promise<{ proxy: CuttableProxy; url: string }> {
    const target = new URL(url);
    const server = createServer();
    const proxy = new CuttableProxy(server);
    server.on('connection', (client) => proxy.#accept(client, target.hostname, Number(target.port)));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    if (address === null || typeof address === 'string') throw new Error('The proxy has no TCP address.');
    const through = new URL(url);
    through.hostname = '127.0.0.1';
    through.port = String(address.port);
    return { proxy, url: through.toString() };
  }

  #accept(client: Socket, host: string, port: number): void {
    if (this.#cut) {
      client.destroy();
      return;
    }
    const upstream = tcpConnect(port, host);
    for (const socket of [client, upstream]) {
      this.#sockets.add(socket);
      socket.on('error', () => undefined);
      socket.on('close', () => {
        this.#sockets.delete(socket);
        client.destroy();
        upstream.destroy();
      });
    }
    client.pipe(upstream);
    upstream.pipe(client);
  }

  cut(): void {
    this.#cut = true;
    for (const socket of this.#sockets) socket.destroy();
  }

  restore(): void {
    this.#cut = false;
  }

  async close(): Promise<void> {
    this.cut();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }
}
