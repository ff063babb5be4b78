// Headless Chromium for the browser and site tests: where it is, and the flags it needs
// on a machine with no network (background networking off) and running as root.
import { existsSync } from 'node:fs';

/** Launch flags for headless Chromium here (see the browser and site tests). */
export const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** `LONGSHORT_CHROMIUM`, or the first Chromium/Chrome binary found; null where none is. */
export function findChromium(): string | null {
  const fromEnv = process.env.LONGSHORT_CHROMIUM;
  if (fromEnv) return existsSync(fromEnv) ? fromEnv : null;
  for (const p of [
    '/usr/bin/chromium',
    '/usr/bin/chromium-browser',
    '/usr/bin/google-chrome',
    '/usr/bin/google-chrome-stable',
  ]) {
    if (existsSync(p)) return p;
  }
  return null;
}
