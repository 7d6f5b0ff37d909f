#!/usr/bin/env node
// Bundles the three programs of DLPO Prompt Optimizer:
//   src/extension/extension.ts -> dist/extension.js   (VS Code extension host: node, cjs, `vscode` external)
//   src/webview/main.ts        -> dist/webview/main.js (the panel: browser, iife) + src/webview/*.css
//   src/webview/experiment/main.ts -> dist/webview/experiment.js (+ experiment.css): the experiment panel
//   src/cli/main.ts            -> dist/cli.js          (the `dlpo` CLI: node, cjs, shebang)
// An entry whose source does not exist yet is skipped (and says so), so the build
// works while the project is being assembled.
//
// Usage: node esbuild.mjs [--production] [--watch]
//   --production  minify, no source maps (what `npm run package` ships)
//   --watch       rebuild on change; logs "[watch] build started/finished" and
//                 "✘ [ERROR] …" lines in the shape of VS Code's esbuild problem matcher
import * as esbuild from 'esbuild';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.dirname(fileURLToPath(import.meta.url));
const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');
const rel = (p) => path.relative(root, p);

/** Prints build start/end and errors in a problem-matcher friendly shape. */
const problemMatcher = (name) => ({
  name: 'problem-matcher',
  setup(build) {
    build.onStart(() => {
      if (watch) console.log(`[watch] build started (${name})`);
    });
    build.onEnd((result) => {
      for (const { text, location } of result.errors) {
        console.error(`✘ [ERROR] ${text}`);
        if (location) console.error(`    ${location.file}:${location.line}:${location.column}:`);
      }
      if (watch) console.log(`[watch] build finished (${name})`);
    });
  },
});

/** Copies src/webview/*.css next to the webview bundle after each build. */
const copyWebviewCss = {
  name: 'copy-webview-css',
  setup(build) {
    build.onEnd(() => {
      const dir = path.join(root, 'src', 'webview');
      if (!fs.existsSync(dir)) return;
      const out = path.join(root, 'dist', 'webview');
      fs.mkdirSync(out, { recursive: true });
      for (const f of fs.readdirSync(dir).filter((f) => f.endsWith('.css'))) {
        fs.copyFileSync(path.join(dir, f), path.join(out, f));
      }
    });
  },
};

const common = {
  bundle: true,
  minify: production,
  sourcemap: production ? false : 'linked',
  sourcesContent: false,
  logLevel: 'silent',
  legalComments: 'none',
};

const entries = [
  {
    name: 'extension',
    entry: 'src/extension/extension.ts',
    options: { ...common, platform: 'node', format: 'cjs', target: 'node20', external: ['vscode'], outfile: 'dist/extension.js' },
  },
  {
    name: 'webview',
    entry: 'src/webview/main.ts',
    options: {
      ...common,
      platform: 'browser',
      format: 'iife',
      target: 'es2022',
      outfile: 'dist/webview/main.js',
      loader: { '.css': 'css', '.ttf': 'file', '.woff': 'file', '.woff2': 'file' },
      plugins: [copyWebviewCss],
    },
  },
  {
    name: 'experiment-webview',
    entry: 'src/webview/experiment/main.ts',
    options: {
      ...common,
      platform: 'browser',
      format: 'iife',
      target: 'es2022',
      outfile: 'dist/webview/experiment.js',
      loader: { '.css': 'css' },
    },
  },
  {
    name: 'cli',
    entry: 'src/cli/main.ts',
    options: {
      ...common,
      platform: 'node',
      format: 'cjs',
      target: 'node20',
      outfile: 'dist/cli.js',
      banner: { js: '#!/usr/bin/env node' },
      // Nothing under src/cli may need it; keep it out even if a stray import appears.
      external: ['vscode'],
    },
  },
];

const t0 = Date.now();
let failed = false;
const contexts = [];
for (const { name, entry, options } of entries) {
  const abs = path.join(root, entry);
  if (!fs.existsSync(abs)) {
    console.log(`skipped ${name}: ${entry} does not exist yet`);
    continue;
  }
  const plugins = [...(options.plugins ?? []), problemMatcher(name)];
  const config = { ...options, entryPoints: [abs], outfile: path.join(root, options.outfile), plugins, absWorkingDir: root };
  if (watch) {
    const ctx = await esbuild.context(config);
    await ctx.watch();
    contexts.push(ctx);
    continue;
  }
  try {
    await esbuild.build(config);
    console.log(`built ${name}: ${entry} -> ${options.outfile}`);
  } catch {
    failed = true; // the problem matcher already printed the errors
    console.error(`failed ${name}: ${entry}`);
  }
}
if (!watch) {
  if (fs.existsSync(path.join(root, 'dist', 'cli.js'))) fs.chmodSync(path.join(root, 'dist', 'cli.js'), 0o755);
  console.log(`${failed ? 'build failed' : 'build done'} in ${Date.now() - t0} ms${production ? ' (production)' : ''}`);
  process.exit(failed ? 1 : 0);
} else {
  console.log(`watching ${contexts.length} bundle(s); Ctrl-C to stop`);
}
