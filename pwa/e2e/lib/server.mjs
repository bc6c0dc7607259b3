// Starts the real keyturn binary for the browser tests: demo mode on a free
// loopback port with a fresh data folder, and reads the demo sign-in links
// it prints.
import { spawn, execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const pwaDir = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const repoRoot = resolve(pwaDir, '..');

function freePort() {
  return new Promise((res, rej) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', rej);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => res(port));
    });
  });
}

/**
 * binary answers the keyturn binary to run: $KEYTURN_BIN, or one built now
 * from the repository (after `npm run build`, so it embeds the PWA).
 */
async function binary(workDir) {
  if (process.env.KEYTURN_BIN) return process.env.KEYTURN_BIN;
  if (!existsSync(join(pwaDir, 'dist', 'index.html'))) {
    throw new Error('pwa/dist has no build: run `npm run build` in pwa/ before the browser tests');
  }
  const out = join(workDir, 'keyturn');
  await promisify(execFile)('go', ['build', '-o', out, './cmd/keyturn'], { cwd: repoRoot, maxBuffer: 16 << 20 });
  return out;
}

/**
 * parseDemoLinks reads the block `keyturn serve` prints in demo mode:
 *
 *   Demo sign-in links (each works once, for 30 minutes):
 *     customer                http://…/invite#t=…  (date of birth 1986-04-12, postcode LS1 4AP)
 *     financier marketer      http://…/financier/link#t=…
 */
export function parseDemoLinks(text) {
  const links = {};
  let inBlock = false;
  for (const line of text.split('\n')) {
    if (line.startsWith('Demo sign-in links')) {
      inBlock = true;
      continue;
    }
    if (!inBlock) continue;
    const m = line.match(/^\s{2}(\S.*?)\s{2,}(https?:\/\/\S+)(?:\s+\(date of birth (\S+), postcode ([^)]+)\))?\s*$/);
    if (!m) {
      if (Object.keys(links).length > 0) break;
      continue;
    }
    const [, label, url, dob, postcode] = m;
    links[label] = { url, ...(dob ? { dob, postcode } : {}) };
  }
  return links;
}

const NEEDED = ['customer', 'financier marketer', 'compliance approver', 'dealer enquiry manager'];

/** startServer runs `keyturn serve` and resolves once /readyz answers 200 and the links are printed. */
export async function startServer() {
  const workDir = mkdtempSync(join(tmpdir(), 'keyturn-e2e-'));
  const bin = await binary(workDir);
  const port = await freePort();
  const baseURL = `http://localhost:${port}`;
  const dataDir = join(workDir, 'data');
  const proc = spawn(bin, ['serve'], {
    cwd: workDir,
    env: {
      ...process.env,
      KEYTURN_DEMO: '1',
      KEYTURN_ADDR: `127.0.0.1:${port}`,
      KEYTURN_BASE_URL: baseURL,
      KEYTURN_DATA_DIR: dataDir,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  proc.stdout.on('data', (d) => (stdout += d));
  proc.stderr.on('data', (d) => (stderr += d));
  let exited = null;
  proc.on('exit', (code, signal) => (exited = { code, signal }));

  async function stop() {
    if (exited === null) {
      proc.kill('SIGTERM');
      await new Promise((res) => {
        const t = setTimeout(() => {
          proc.kill('SIGKILL');
          res();
        }, 10_000);
        proc.on('exit', () => {
          clearTimeout(t);
          res();
        });
      });
    }
    rmSync(workDir, { recursive: true, force: true });
  }

  const deadline = Date.now() + 60_000;
  try {
    for (;;) {
      if (exited) throw new Error(`keyturn serve exited (${JSON.stringify(exited)}):\n${stderr.slice(-4000)}`);
      if (Date.now() > deadline) throw new Error(`keyturn serve not ready after 60 s:\n${stderr.slice(-4000)}`);
      let ready = false;
      try {
        ready = (await fetch(`http://127.0.0.1:${port}/readyz`)).status === 200;
      } catch {
        // not listening yet
      }
      const links = parseDemoLinks(stdout);
      if (ready && NEEDED.every((k) => links[k])) {
        // logs is everything the server wrote; the access log has one
        // "http.request" line per request, so a test can see traffic.
        // dataDir holds the outgoing mail (mail/*.eml) in demo mode.
        return { baseURL, links, stop, logs: () => stdout + stderr, dataDir };
      }
      await new Promise((r) => setTimeout(r, 200));
    }
  } catch (err) {
    await stop();
    throw err;
  }
}
