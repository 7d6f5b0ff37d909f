// code-server (VS Code 1.100.3 in a browser) as the e2e suite runs it: a private profile
// (user data, extensions, logs) inside the cache, a private short TMPDIR, detached in
// its own process group, bound to 127.0.0.1 on a free port, no auth.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnGroup, isRunning } from './processes.mjs';
import { freePort, sh, waitFor, writeFile } from './util.mjs';

// Settings every profile starts with: nothing that pops up, updates or phones home.
const BASE_USER_SETTINGS = {
  'security.workspace.trust.enabled': false,
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.welcomePage.walkthroughs.openOnInstall': false,
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'git.enabled': false,
  'window.restoreWindows': 'none',
  'chat.commandCenter.enabled': false,
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
};

export function createProfile(dir, userSettings = {}) {
  fs.rmSync(dir, { recursive: true, force: true });
  const profile = {
    dir,
    userDataDir: path.join(dir, 'user-data'),
    extensionsDir: path.join(dir, 'extensions'),
    xdgDataHome: path.join(dir, 'xdg-data'),
    logFile: path.join(dir, 'code-server.log'),
  };
  for (const d of [profile.userDataDir, profile.extensionsDir, profile.xdgDataHome]) fs.mkdirSync(d, { recursive: true });
  writeFile(path.join(profile.userDataDir, 'User', 'settings.json'), { ...BASE_USER_SETTINGS, ...userSettings });
  return profile;
}

function serverEnv(env, profile, tmpDir, extraEnv = {}) {
  return {
    ...process.env,
    ...extraEnv,
    // Keep code-server's first-run config, heartbeat and logs out of $HOME.
    CODE_SERVER_CONFIG: env.codeServerConfig,
    XDG_DATA_HOME: profile.xdgDataHome,
    ...(tmpDir ? { TMPDIR: tmpDir } : {}),
  };
}

/** Installs a .vsix into the profile with code-server's own CLI; returns its output. */
export function installVsix(env, profile, vsix) {
  const out = sh(process.execPath, [env.codeServerEntry, '--install-extension', vsix,
    '--extensions-dir', profile.extensionsDir, '--user-data-dir', profile.userDataDir, '--force'],
  { cwd: path.dirname(env.codeServerEntry), env: serverEnv(env, profile) });
  if (!/successfully installed/i.test(out)) throw new Error(`installing ${vsix} did not report success:\n${out}`);
  return out;
}

/** Folders of the installed extensions, by id (publisher.name, lower case). */
export function installedExtensions(profile) {
  const result = {};
  for (const d of fs.readdirSync(profile.extensionsDir)) {
    const pj = path.join(profile.extensionsDir, d, 'package.json');
    if (!fs.existsSync(pj)) continue;
    const p = JSON.parse(fs.readFileSync(pj, 'utf8'));
    result[`${p.publisher}.${p.name}`.toLowerCase()] = path.join(profile.extensionsDir, d);
  }
  return result;
}

export async function startCodeServer(env, profile, { name, folder, extraEnv }) {
  const port = await freePort();
  // Unix socket paths are limited to ~107 characters: keep the private TMPDIR short.
  const tmpDir = fs.mkdtempSync(path.join(os.tmpdir(), 'dlpo-cs-'));
  const proc = spawnGroup(name, process.execPath, [env.codeServerEntry,
    '--auth', 'none', '--bind-addr', `127.0.0.1:${port}`,
    '--disable-telemetry', '--disable-update-check', '--disable-workspace-trust', '--disable-getting-started-override',
    '--user-data-dir', profile.userDataDir, '--extensions-dir', profile.extensionsDir, folder],
  { cwd: path.dirname(env.codeServerEntry), env: serverEnv(env, profile, tmpDir, extraEnv), logFile: profile.logFile, tmpDir });
  const url = `http://127.0.0.1:${port}`;
  await waitFor(`${name} to answer /healthz (log: ${profile.logFile})`, async () => {
    if (!isRunning(proc)) throw new Error(`${name} exited early (${proc.child.exitCode}); see ${profile.logFile}`);
    try { return (await fetch(`${url}/healthz`)).ok; } catch { return false; }
  }, { timeoutMs: 60_000 });
  return { name, url, port, authority: `127.0.0.1:${port}`, proc, profile, folder };
}

/** The workbench URL for a folder, optionally as an Extension Development Host. */
export function workbenchUrl(server, { folder = server.folder, developmentPath, testsPath } = {}) {
  let url = `${server.url}/?folder=${encodeURIComponent(folder)}`;
  if (developmentPath) {
    // code-server refuses these on its command line; the web workbench takes them in
    // `payload` as vscode-remote URIs whose authority is the page's host.
    const payload = [['extensionDevelopmentPath', `vscode-remote://${server.authority}${developmentPath}`]];
    if (testsPath) payload.push(['extensionTestsPath', `vscode-remote://${server.authority}${testsPath}`]);
    url += `&payload=${encodeURIComponent(JSON.stringify(payload))}`;
  }
  return url;
}
