// Runs the extension-host mocha suites (out/extension-host/*.test.js, built by
// scripts/build-tests.mjs) inside the real VS Code extension host of code-server.
//   'vsix': the extension is installed from its .vsix exactly as shipped; the tests ride
//           in a test-only companion extension (package.json without "main") that is
//           opened as the extensionDevelopmentPath, so the installed copy is the one tested.
//   'dev':  the repository itself is the extensionDevelopmentPath (dist/extension.js),
//           the development loop's path.
import fs from 'node:fs';
import path from 'node:path';
import { newWorkbenchPage, openWorkbench } from './browser.mjs';
import { createProfile, installVsix, startCodeServer, workbenchUrl } from './codeServer.mjs';
import { REPO } from './env.mjs';
import { stopGroup } from './processes.mjs';
import { readJson, withTimeout, writeFile } from './util.mjs';

function companionExtension(dir, testsOut) {
  fs.rmSync(dir, { recursive: true, force: true });
  writeFile(path.join(dir, 'package.json'), {
    name: 'dlpo-e2e-tests-host', publisher: 'dlpo-e2e', version: '0.0.0',
    description: 'Carries the extension-host tests; contributes nothing, has no main.',
    engines: { vscode: '^1.100.0' },
  });
  fs.cpSync(testsOut, path.join(dir, 'out'), { recursive: true });
  return { devPath: dir, testsDir: path.join(dir, 'out') };
}

/**
 * @returns {Promise<{code:number, report:object, consoleFile:string}>}
 */
export async function runInHostSuite({ env, browser, mode, vsix, testsOut, runDir, workspace, screenshotsDir, grep, timeoutMs = 180_000 }) {
  const root = path.join(runDir, `in-host-${mode}`);
  const profile = createProfile(path.join(root, 'profile'));
  const reportFile = path.join(root, 'report.json');
  const extensionVersion = readJson(path.join(REPO, 'package.json')).version;
  let devPath, testsDir, expectExtensionUnder;
  if (mode === 'vsix') {
    installVsix(env, profile, vsix);
    ({ devPath, testsDir } = companionExtension(path.join(root, 'companion'), testsOut));
    expectExtensionUnder = profile.extensionsDir;
  } else {
    devPath = REPO;
    testsDir = path.join(root, 'tests');
    fs.cpSync(testsOut, testsDir, { recursive: true });
    expectExtensionUnder = REPO;
  }
  writeFile(path.join(testsDir, 'runner-config.json'), {
    mocha: env.mocha, report: reportFile, mode, expectExtensionUnder, expectVersion: extensionVersion,
    ...(grep ? { grep } : {}),
  });

  const server = await startCodeServer(env, profile, { name: `code-server(in-host ${mode})`, folder: workspace });
  const { page, context, consoleLines, automationExit } = await newWorkbenchPage(browser);
  const consoleFile = path.join(root, 'page-console.log');
  try {
    await openWorkbench(page, workbenchUrl(server, { developmentPath: devPath, testsPath: path.join(testsDir, 'index.js') }));
    const code = await withTimeout(automationExit, timeoutMs, `the extension host to finish the ${mode} test run (codeAutomationExit)`);
    await page.screenshot({ path: path.join(screenshotsDir, `in-host-${mode}.png`) }).catch(() => {});
    if (!fs.existsSync(reportFile)) throw new Error(`exit code ${code} but no report at ${reportFile}; page console: ${consoleFile}`);
    return { code, report: readJson(reportFile), consoleFile };
  } finally {
    fs.writeFileSync(consoleFile, consoleLines.join('\n') + '\n');
    await context.close().catch(() => {});
    await stopGroup(server.proc);
  }
}
