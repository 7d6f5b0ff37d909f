// The mocha runner that runs inside a real VS Code extension host.
//
// VS Code loads this module (compiled to out/extension-host/index.js by
// scripts/build-tests.mjs) as `extensionTestsPath` and calls run(). It is the usual
// @vscode/test-electron runner shape, so the same suite runs in code-server here
// (test/e2e/run.mjs passes the path in the workbench's `payload` URL parameter) and in
// a downloaded desktop VS Code wherever that is possible. When run() settles the
// extension host exits with 0 (resolved) or 1 (rejected); the web workbench then calls
// window.codeAutomationExit(code), which the e2e driver waits for.
//
// Options come from runner-config.json next to this file (written by the driver);
// without it, mocha is required normally and the report goes next to this file.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { z } from 'zod';
import type MochaType from 'mocha';
import { publishTestEnv } from './testEnv';

const RunnerConfig = z.object({
  /** Absolute path of the mocha package to load (the e2e cache's copy); default: require('mocha'). */
  mocha: z.string().optional(),
  /** Where to write the JSON report. */
  report: z.string().optional(),
  /** Only run tests whose full title matches this regular expression. */
  grep: z.string().optional(),
  timeoutMs: z.number().int().positive().default(30_000),
  mode: z.enum(['vsix', 'dev', 'unknown']).default('unknown'),
  expectExtensionUnder: z.string().optional(),
  expectVersion: z.string().optional(),
});
type RunnerConfig = z.infer<typeof RunnerConfig>;

interface TestRecord { title: string; file?: string; duration?: number }
interface FailureRecord extends TestRecord { error: string }

export interface ExtensionHostReport {
  startedAt: string;
  finishedAt?: string;
  host: { vscodeVersion: string; appName: string; pid: number; node: string };
  mode: RunnerConfig['mode'];
  files: string[];
  stats?: { tests: number; passes: number; failures: number; pending: number; duration?: number };
  passes: TestRecord[];
  failures: FailureRecord[];
  pending: TestRecord[];
}

function readConfig(): RunnerConfig {
  const file = path.join(__dirname, 'runner-config.json');
  if (!fs.existsSync(file)) return RunnerConfig.parse({});
  return RunnerConfig.parse(JSON.parse(fs.readFileSync(file, 'utf8')));
}

function loadMocha(config: RunnerConfig): typeof MochaType {
  // A computed specifier keeps esbuild from bundling mocha: it must be a real
  // package on disk (mocha loads its reporters and UIs by path).
  const specifier = config.mocha ?? 'mocha';
  return require(specifier) as typeof MochaType;
}

function relativeFile(file: string | undefined): string | undefined {
  return file ? path.basename(file) : undefined;
}

export function run(): Promise<void> {
  const config = readConfig();
  publishTestEnv({ mode: config.mode, expectExtensionUnder: config.expectExtensionUnder, expectVersion: config.expectVersion });
  // Loaded lazily so a test file can import `vscode` only inside the host.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const vscode = require('vscode') as typeof import('vscode');
  const Mocha = loadMocha(config);
  const mocha = new Mocha({ ui: 'bdd', color: false, reporter: 'spec', timeout: config.timeoutMs });
  if (config.grep) mocha.grep(new RegExp(config.grep));

  const files = fs.readdirSync(__dirname).filter((f) => f.endsWith('.test.js')).sort();
  for (const f of files) mocha.addFile(path.join(__dirname, f));

  const reportFile = config.report ?? path.join(__dirname, 'report.json');
  const report: ExtensionHostReport = {
    startedAt: new Date().toISOString(),
    host: { vscodeVersion: vscode.version, appName: vscode.env.appName, pid: process.pid, node: process.version },
    mode: config.mode,
    files,
    passes: [],
    failures: [],
    pending: [],
  };
  const writeReport = (): void => {
    fs.mkdirSync(path.dirname(reportFile), { recursive: true });
    fs.writeFileSync(reportFile, JSON.stringify(report, null, 2) + '\n');
  };

  return new Promise<void>((resolve, reject) => {
    if (files.length === 0) {
      report.finishedAt = new Date().toISOString();
      writeReport();
      reject(new Error(`no *.test.js files next to ${__filename}`));
      return;
    }
    let runner: MochaType.Runner;
    try {
      runner = mocha.run((failures) => {
        report.finishedAt = new Date().toISOString();
        const s = runner.stats;
        report.stats = {
          tests: report.passes.length + report.failures.length + report.pending.length,
          passes: report.passes.length,
          failures: report.failures.length,
          pending: report.pending.length,
          duration: s?.duration,
        };
        writeReport();
        // A run in which nothing passed proves nothing: treat it as a failure.
        if (failures > 0) reject(new Error(`${failures} extension-host test(s) failed`));
        else if (report.passes.length === 0) reject(new Error('no extension-host test passed (none ran?)'));
        else resolve();
      });
    } catch (err) {
      // A test file that throws while loading ends up here.
      report.failures.push({ title: '(loading test files)', error: String((err as Error)?.stack ?? err) });
      report.finishedAt = new Date().toISOString();
      writeReport();
      reject(err);
      return;
    }
    runner.on('pass', (t) => report.passes.push({ title: t.fullTitle(), file: relativeFile(t.file), duration: t.duration }));
    runner.on('fail', (t, err) => report.failures.push({
      title: t.fullTitle(), file: relativeFile(t.file), error: String((err as Error)?.stack ?? err),
    }));
    runner.on('pending', (t) => report.pending.push({ title: t.fullTitle(), file: relativeFile(t.file) }));
  });
}
