/*
 * The docs site's preview server (`npm run docs:serve`): serves site/dist/ on 127.0.0.1
 * with the two headers that make the playground cross-origin isolated, so the library's
 * pool runs on Web Workers:
 *   Cross-Origin-Opener-Policy: same-origin
 *   Cross-Origin-Embedder-Policy: require-corp
 * A host serving the site elsewhere must send the same two headers for threads; without
 * them the playground runs on one thread. The site's own test starts it too.
 */
import { readFile, stat } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.wasm': 'application/wasm',
  '.txt': 'text/plain; charset=utf-8',
  '.csv': 'text/csv; charset=utf-8',
  '.safetensors': 'application/octet-stream',
};

export interface SiteServerOptions {
  /** The folder served at '/' (default: site/dist). */
  root?: string;
  /** Send COOP/COEP (default true). */
  isolated?: boolean;
  /** Port (default 0: any free one). */
  port?: number;
}

export interface SiteServer {
  server: Server;
  origin: string;
  /** Every request: path and status, in order (tests check that none failed). */
  log: { path: string; status: number }[];
  close(): Promise<void>;
}

const defaultRoot = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '..',
  '..',
  '..',
  'site',
  'dist',
);

export async function startSiteServer(o: SiteServerOptions = {}): Promise<SiteServer> {
  const root = path.resolve(o.root ?? defaultRoot);
  const isolated = o.isolated ?? true;
  const log: { path: string; status: number }[] = [];
  const server = createServer((req, res) => {
    void (async () => {
      const headers: Record<string, string> = {
        'Cache-Control': 'no-cache',
        'X-Content-Type-Options': 'nosniff',
      };
      if (isolated) {
        headers['Cross-Origin-Opener-Policy'] = 'same-origin';
        headers['Cross-Origin-Embedder-Policy'] = 'require-corp';
      }
      const send = (status: number, type: string, body: string | Buffer): void => {
        log.push({ path: req.url ?? '', status });
        res.writeHead(status, { ...headers, 'Content-Type': type });
        res.end(body);
      };
      let urlPath: string;
      try {
        urlPath = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
      } catch {
        send(400, 'text/plain', 'bad request');
        return;
      }
      let file = path.join(root, urlPath);
      if (file !== root && !file.startsWith(root + path.sep)) {
        send(403, 'text/plain', 'forbidden');
        return;
      }
      try {
        if ((await stat(file)).isDirectory()) file = path.join(file, 'index.html');
        send(200, MIME[path.extname(file).toLowerCase()] ?? 'application/octet-stream', await readFile(file));
      } catch {
        send(404, 'text/plain; charset=utf-8', `not found: ${urlPath}`);
      }
    })();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port ?? 0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    server,
    origin: `http://127.0.0.1:${port}`,
    log,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

if (process.argv[1] !== undefined && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const port = Number(process.env.PORT ?? 8080);
  const isolated = !process.argv.includes('--no-isolation');
  const s = await startSiteServer({ port, isolated });
  console.log(
    `serving ${path.relative(process.cwd(), defaultRoot) || '.'} at ${s.origin}/ (${isolated ? 'cross-origin isolated: COOP same-origin + COEP require-corp' : 'no COOP/COEP'}); Ctrl-C stops`,
  );
}
