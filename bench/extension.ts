/**
 * The extension's footprint (issue 12): bundle sizes, the .vsix size, activation time
 * and memory, and the panel's replay benchmark.
 *
 * - Bundles: `npm run package` (production build + vsce) unless --skip-build; sizes of
 *   dist/extension.js, dist/webview/*.js, dist/cli.js and the .vsix, raw and gzipped.
 * - Activation (PROXY, secondary): the real figures (activation time and extension-host
 *   memory in code-server) come from bench/extension-host.mjs. This proxy isolates our
 *   own share without VS Code, in a child Node process: `require('dist/extension.js')`
 *   with a stub `vscode` module, then `activate()` with a stub context; heap and RSS after.
 * - Memory during a 500-step run (PROXY): the runner + offline simulator (the code the
 *   extension host runs for a run) in a child Node process, RSS and heap sampled each
 *   step; heap after a forced GC at steps ~10 and ~500 shows whether the run leaks.
 * - Panel: bench/panel-replay.mjs (the panel helper's), run as is; its JSON is folded in.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { machineInfo, machineLine, printTable, ROOT, round2, writeResult } from './lib/report';

const skipBuild = process.argv.includes('--skip-build');
const skipPanel = process.argv.includes('--skip-panel');
const MEMORY_STEPS = Number(process.env.BENCH_MEMORY_STEPS ?? 500);

function kib(bytes: number): number {
  return round2(bytes / 1024);
}

function sizeOf(file: string) {
  if (!fs.existsSync(file)) return null;
  const buf = fs.readFileSync(file);
  return { bytes: buf.length, kib: kib(buf.length), gzipKiB: kib(zlib.gzipSync(buf, { level: 9 }).length), modified: fs.statSync(file).mtime.toISOString() };
}

/** Bytes of each bundle by where they come from (a node_modules package, or our src/), from an esbuild metafile of a production-equivalent build. */
async function composition(): Promise<Record<string, Record<string, number>>> {
  const esbuild = await import('esbuild');
  const targets: Record<string, Record<string, unknown>> = {
    'dist/extension.js': { entryPoints: ['src/extension/extension.ts'], platform: 'node', format: 'cjs', target: 'node20', external: ['vscode'] },
    'dist/cli.js': { entryPoints: ['src/cli/main.ts'], platform: 'node', format: 'cjs', target: 'node20', external: ['vscode'] },
    'dist/webview/main.js': { entryPoints: ['src/webview/main.ts'], platform: 'browser', format: 'iife', target: 'es2022', loader: { '.css': 'css', '.ttf': 'empty', '.woff': 'empty', '.woff2': 'empty' } },
  };
  const out: Record<string, Record<string, number>> = {};
  for (const [name, opts] of Object.entries(targets)) {
    try {
      const r = await esbuild.build({ ...opts, bundle: true, minify: true, write: false, metafile: true, outdir: '/tmp/dlpo-bench-meta', absWorkingDir: ROOT, logLevel: 'silent', legalComments: 'none' });
      const by: Record<string, number> = {};
      for (const o of Object.values(r.metafile.outputs)) {
        for (const [input, info] of Object.entries(o.inputs)) {
          const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input);
          const key = m ? m[1] : input.startsWith('src/') ? `src/${input.split('/')[1]}` : 'other';
          by[key] = (by[key] ?? 0) + info.bytesInOutput;
        }
      }
      out[name] = Object.fromEntries(Object.entries(by).sort((a, b) => b[1] - a[1]).map(([k, v]) => [k, kib(v)]));
    } catch (e) {
      out[name] = { [`build failed: ${(e as Error).message.split('\n')[0]}`]: 0 };
    }
  }
  return out;
}

/** The .vsix's uncompressed contents by top folder (unzip -l). */
function vsixContents(file: string): Record<string, number> | null {
  if (!fs.existsSync(file)) return null;
  const r = spawnSync('unzip', ['-l', file], { encoding: 'utf8' });
  if (r.status !== 0) return null;
  const by: Record<string, number> = {};
  for (const line of r.stdout.split('\n')) {
    const m = /^\s*(\d+)\s+\S+\s+\S+\s+(extension\/.+)$/.exec(line);
    if (!m) continue;
    const parts = m[2].split('/');
    const key = parts.length > 3 ? parts.slice(0, 3).join('/') : parts.slice(0, 2).join('/');
    by[key] = (by[key] ?? 0) + Number(m[1]);
  }
  return Object.fromEntries(Object.entries(by).sort((a, b) => b[1] - a[1]).map(([k, v]) => [k, kib(v)]));
}

function runNode(args: string[], timeoutMs: number): { ok: boolean; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, args, { cwd: ROOT, encoding: 'utf8', timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024 });
  return { ok: r.status === 0, stdout: r.stdout ?? '', stderr: (r.stderr ?? '') + (r.error ? String(r.error) : '') };
}

function lastJson(stdout: string): Record<string, unknown> | null {
  const line = stdout.trim().split('\n').reverse().find((l) => l.startsWith('{'));
  return line ? (JSON.parse(line) as Record<string, unknown>) : null;
}

async function main(): Promise<void> {
  const startedAt = new Date();
  const machine = machineInfo();
  console.log('extension: bundles, .vsix, activation (proxy), memory during a 500-step run (proxy), panel replay');
  console.log(machineLine(machine));

  // --- build and package
  let build: { ran: boolean; ok: boolean; seconds: number; error?: string } = { ran: false, ok: true, seconds: 0 };
  if (!skipBuild) {
    const t0 = Date.now();
    const r = spawnSync('npm', ['run', 'package'], { cwd: ROOT, encoding: 'utf8', timeout: 240_000, maxBuffer: 64 * 1024 * 1024 });
    build = { ran: true, ok: r.status === 0, seconds: round2((Date.now() - t0) / 1000) };
    if (!build.ok) build.error = `${r.stderr ?? ''}${r.stdout ?? ''}`.trim().split('\n').slice(-15).join('\n');
    console.log(`npm run package: ${build.ok ? 'ok' : 'FAILED'} in ${build.seconds} s${build.ok ? '' : ` — measuring the dist/ files already there\n${build.error}`}`);
  }
  const dist = path.join(ROOT, 'dist');
  const files: Record<string, ReturnType<typeof sizeOf>> = {
    'dist/extension.js': sizeOf(path.join(dist, 'extension.js')),
    'dist/cli.js': sizeOf(path.join(dist, 'cli.js')),
  };
  const webview = path.join(dist, 'webview');
  if (fs.existsSync(webview)) {
    for (const f of fs.readdirSync(webview).filter((f) => f.endsWith('.js') || f.endsWith('.css')).sort()) files[`dist/webview/${f}`] = sizeOf(path.join(webview, f));
  }
  files['dist/dlpo-prompt-optimizer.vsix'] = sizeOf(path.join(dist, 'dlpo-prompt-optimizer.vsix'));
  const vsixFile = files['dist/dlpo-prompt-optimizer.vsix'];
  if (build.ran && !build.ok && vsixFile) console.log(`note: the packaging failed, so the .vsix measured is an older one (written ${vsixFile.modified})`);
  printTable(
    'Bundle and package sizes (production build)',
    ['file', 'KiB', 'gzip KiB'],
    Object.entries(files).map(([f, s]) => [f, s ? s.kib.toFixed(1) : 'missing', s ? s.gzipKiB.toFixed(1) : '-']),
  );

  const parts = await composition();
  for (const [name, by] of Object.entries(parts)) {
    printTable(`What ${name} is made of (minified KiB by source)`, ['source', 'KiB'], Object.entries(by).slice(0, 8).map(([k, v]) => [k, v.toFixed(1)]));
  }
  const vsix = vsixContents(path.join(dist, 'dlpo-prompt-optimizer.vsix'));
  if (vsix) printTable('What the .vsix holds (uncompressed KiB by folder)', ['folder', 'KiB'], Object.entries(vsix).slice(0, 10).map(([k, v]) => [k, v.toFixed(1)]));

  // --- activation proxy
  const act = runNode(['--expose-gc', path.join(__dirname, 'lib', 'activationProxy.js'), path.join(dist, 'extension.js')], 60_000);
  const activation = lastJson(act.stdout) ?? { error: act.stderr.trim().split('\n').slice(-5).join('\n') };
  printTable(
    'Activation PROXY (plain Node, stub vscode module; not the real extension host)',
    ['figure', 'value'],
    Object.entries(activation).map(([k, v]) => [k, typeof v === 'number' ? v.toFixed(2) : String(v)]),
  );

  // --- memory during a long simulator run (proxy)
  const mem = runNode(['--expose-gc', '--import', 'tsx', path.join(__dirname, 'lib', 'memoryRun.ts'), String(MEMORY_STEPS)], 300_000);
  const memory = lastJson(mem.stdout) ?? { error: mem.stderr.trim().split('\n').slice(-5).join('\n') };
  printTable(
    `Memory during a ${MEMORY_STEPS}-step offline simulator run (PROXY: runner in plain Node, MiB)`,
    ['figure', 'value'],
    Object.entries(memory).filter(([, v]) => typeof v !== 'object').map(([k, v]) => [k, typeof v === 'number' ? v.toFixed(2) : String(v)]),
  );

  // --- panel replay (the panel helper's script)
  let panel: unknown = null;
  let panelNote = '';
  const panelScript = path.join(__dirname, 'panel-replay.mjs');
  if (skipPanel) panelNote = 'skipped (--skip-panel)';
  else if (!fs.existsSync(panelScript)) panelNote = 'bench/panel-replay.mjs does not exist yet';
  else {
    const r = runNode([panelScript], 240_000);
    if (r.stdout) console.log(`\n${r.stdout.trim()}`);
    if (!r.ok) panelNote = `panel-replay failed: ${r.stderr.trim().split('\n').slice(-5).join(' | ')}`;
    const out = path.join(__dirname, 'results', 'panel-replay.json');
    if (fs.existsSync(out)) panel = JSON.parse(fs.readFileSync(out, 'utf8'));
  }
  if (panelNote) console.log(`panel replay: ${panelNote}`);

  const file = writeResult('extension', machine, startedAt, {
    build,
    files,
    bundleComposition: parts,
    vsixContents: vsix,
    activationProxy: { method: 'require(dist/extension.js) + activate() in plain Node with a stub vscode module', ...activation },
    memoryProxy: { method: `runner + offline simulator, ${MEMORY_STEPS} steps, in plain Node`, ...memory },
    extensionHost: 'not measured: the e2e harness (test/e2e) does not time activation or sample the extension host’s memory',
    panelReplay: panel ?? panelNote,
  });
  console.log(`\nresults: ${path.relative(process.cwd(), file)}`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
