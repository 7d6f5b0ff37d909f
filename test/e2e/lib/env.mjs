// Where the e2e tools live (the cache made by scripts/e2e-setup.sh), set up on demand.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
export const CACHE = path.resolve(process.env.DLPO_E2E_CACHE || path.join(os.homedir(), '.cache', 'dlpo-e2e'));

function usable(env) {
  return env && fs.existsSync(env.codeServerEntry) && fs.existsSync(env.chromium)
    && fs.existsSync(env.playwrightCore) && fs.existsSync(env.mocha);
}

function readEnv() {
  try { return JSON.parse(fs.readFileSync(path.join(CACHE, 'env.json'), 'utf8')); } catch { return undefined; }
}

/** Returns the cache's env.json, running scripts/e2e-setup.sh first when it is missing. */
export function ensureE2eEnv() {
  let env = readEnv();
  if (usable(env)) return { env, ranSetup: false };
  console.log(`[e2e] no usable e2e cache at ${CACHE}: running scripts/e2e-setup.sh (about 1.5 minutes the first time)`);
  const r = spawnSync('bash', [path.join(REPO, 'scripts', 'e2e-setup.sh')], {
    stdio: 'inherit', env: { ...process.env, DLPO_E2E_CACHE: CACHE },
  });
  if (r.status !== 0) throw new Error(`scripts/e2e-setup.sh failed (exit ${r.status})`);
  env = readEnv();
  if (!usable(env)) throw new Error(`scripts/e2e-setup.sh finished but ${CACHE}/env.json is not usable`);
  return { env, ranSetup: true };
}

export function loadPlaywright(env) {
  const req = createRequire(path.join(env.tools, 'package.json'));
  return req('playwright-core');
}
