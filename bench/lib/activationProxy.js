// Activation PROXY: loads dist/extension.js in plain Node with a stub `vscode` module
// and calls activate() with a stub ExtensionContext. Not the extension host: it times
// module evaluation and our activate() code, not VS Code's extension loading. Prints
// one JSON line. Usage: node --expose-gc activationProxy.js <dist/extension.js>
'use strict';
const Module = require('node:module');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { performance } = require('node:perf_hooks');

const file = path.resolve(process.argv[2]);
const storage = fs.mkdtempSync(path.join(os.tmpdir(), 'dlpo-act-'));
const calls = { count: 0 };

function uri(p) {
  return { scheme: 'file', fsPath: p, path: p, authority: '', query: '', fragment: '', toString: () => `file://${p}`, with: () => uri(p), toJSON: () => ({ fsPath: p }) };
}

/** Anything the extension reaches for: callable, constructible, every property another stub. */
function stub(name) {
  const props = new Map();
  const target = function () {};
  return new Proxy(target, {
    get(_t, p) {
      if (p === 'then' || p === Symbol.iterator || p === Symbol.asyncIterator) return undefined;
      if (p === Symbol.toPrimitive) return () => name;
      if (p === 'dispose') return () => {};
      if (!props.has(p)) props.set(p, stub(`${name}.${String(p)}`));
      return props.get(p);
    },
    set(_t, p, v) {
      props.set(p, v);
      return true;
    },
    apply() {
      calls.count++;
      return stub(`${name}()`);
    },
    construct() {
      return stub(`new ${name}`);
    },
  });
}

// esbuild's ESM interop copies the module's own properties, so the root is a plain
// object holding a stub for every name @types/vscode exports.
const vscode = {};
{
  const dts = fs.readFileSync(require.resolve('@types/vscode/index.d.ts', { paths: [path.dirname(file), process.cwd()] }), 'utf8');
  for (const m of dts.matchAll(/^\s{0,8}export (?:class|enum|namespace|const|function|let) (\w+)/gm)) vscode[m[1]] = stub(`vscode.${m[1]}`);
}
vscode.Uri = { file: uri, parse: (s) => uri(s.replace(/^file:\/\//, '')), joinPath: (u, ...parts) => uri(path.join(u.fsPath, ...parts)) };
vscode.version = '1.100.0';
vscode.env.language = 'en';
vscode.workspace.workspaceFolders = undefined;
vscode.workspace.isTrusted = true;
vscode.workspace.getConfiguration = () => ({ get: (_k, d) => d, has: () => false, inspect: () => undefined, update: async () => {} });
vscode.window.visibleTextEditors = [];
vscode.window.activeTextEditor = undefined;
vscode.window.tabGroups = { all: [], onDidChangeTabs: () => ({ dispose() {} }) };

const load = Module._load;
Module._load = function (request, parent, isMain) {
  if (request === 'vscode') return vscode;
  return load.call(this, request, parent, isMain);
};

function memento() {
  const m = new Map();
  return { get: (k, d) => (m.has(k) ? m.get(k) : d), update: async (k, v) => void m.set(k, v), keys: () => [...m.keys()], setKeysForSync() {} };
}
const context = {
  subscriptions: [],
  extensionPath: path.dirname(path.dirname(file)),
  extensionUri: uri(path.dirname(path.dirname(file))),
  globalStorageUri: uri(path.join(storage, 'global')),
  storageUri: uri(path.join(storage, 'ws')),
  logUri: uri(path.join(storage, 'log')),
  globalStoragePath: path.join(storage, 'global'),
  storagePath: path.join(storage, 'ws'),
  logPath: path.join(storage, 'log'),
  extensionMode: 1,
  globalState: memento(),
  workspaceState: memento(),
  secrets: { get: async () => undefined, store: async () => {}, delete: async () => {}, onDidChange: () => ({ dispose() {} }) },
  environmentVariableCollection: stub('envCollection'),
  asAbsolutePath: (p) => path.join(path.dirname(path.dirname(file)), p),
  extension: { id: 'dlpo.dlpo-prompt-optimizer', packageJSON: {} },
};

global.gc?.();
const heap0 = process.memoryUsage();
const t0 = performance.now();
let mod;
let requireError = null;
try {
  mod = require(file);
} catch (e) {
  requireError = String(e && e.message ? e.message : e);
}
const t1 = performance.now();
let activateError = null;
let t2 = t1;
if (mod && typeof mod.activate === 'function') {
  try {
    const r = mod.activate(context);
    t2 = performance.now();
    if (r && typeof r.then === 'function') r.catch(() => {});
  } catch (e) {
    t2 = performance.now();
    activateError = String(e && e.message ? e.message : e).slice(0, 200);
  }
}
setTimeout(() => {
  global.gc?.();
  const heap1 = process.memoryUsage();
  const out = {
    requireMs: t1 - t0,
    activateMs: t2 - t1,
    activateSyncOk: activateError === null && requireError === null,
    disposablesRegistered: context.subscriptions.length,
    heapAfterMiB: heap1.heapUsed / 2 ** 20,
    heapAddedMiB: (heap1.heapUsed - heap0.heapUsed) / 2 ** 20,
    rssAfterMiB: heap1.rss / 2 ** 20,
  };
  if (requireError) out.requireError = requireError;
  if (activateError) out.activateError = activateError;
  fs.rmSync(storage, { recursive: true, force: true });
  console.log(JSON.stringify(out));
  process.exit(0);
}, 200);
