// A tiny static file server for the browser tests: serves the repository root on
// 127.0.0.1 (ephemeral port), optionally cross-origin isolated (COOP same-origin + COEP
// require-corp on every response), plus a few generated pages under /__bt__/.
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.wasm': 'application/wasm',
  '.map': 'application/json; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.csv': 'text/csv; charset=utf-8',
};

export interface StaticServerOptions {
  /** The directory served at '/'. */
  root: string;
  /** Send COOP/COEP so the page is cross-origin isolated (SharedArrayBuffer available). */
  isolated: boolean;
  /** Generated responses by exact path (e.g. '/__bt__/page.html'): [content type, body]. */
  virtual?: Record<string, [string, string]>;
  /** Rewrites a served .js file's text (e.g. to resolve bare package names, as a bundler would). */
  rewriteJs?: (urlPath: string, text: string) => string;
}

export interface StaticServer {
  server: Server;
  origin: string;
  close(): Promise<void>;
}

export async function startStaticServer(o: StaticServerOptions): Promise<StaticServer> {
  const root = path.resolve(o.root);
  const server = createServer((req, res) => {
    void (async () => {
      const headers: Record<string, string> = { 'Cache-Control': 'no-store' };
      if (o.isolated) {
        headers['Cross-Origin-Opener-Policy'] = 'same-origin';
        headers['Cross-Origin-Embedder-Policy'] = 'require-corp';
      }
      const urlPath = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
      const v = o.virtual?.[urlPath];
      if (v !== undefined) {
        res.writeHead(200, { ...headers, 'Content-Type': v[0] });
        res.end(v[1]);
        return;
      }
      const file = path.join(root, urlPath);
      if (file !== root && !file.startsWith(root + path.sep)) {
        res.writeHead(403, headers);
        res.end('forbidden');
        return;
      }
      let body: Buffer | string;
      try {
        body = await readFile(file);
      } catch {
        res.writeHead(404, { ...headers, 'Content-Type': 'text/plain' });
        res.end(`not found: ${urlPath}`);
        return;
      }
      const ext = path.extname(file).toLowerCase();
      if ((ext === '.js' || ext === '.mjs') && o.rewriteJs)
        body = o.rewriteJs(urlPath, body.toString('utf8'));
      res.writeHead(200, { ...headers, 'Content-Type': MIME[ext] ?? 'application/octet-stream' });
      res.end(body);
    })();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    server,
    origin: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
