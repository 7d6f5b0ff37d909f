import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { version } from '../../../package.json';

const root = path.resolve(__dirname, '..', '..', '..');

/** Runs the CLI's entry from source in a child process, as `dlpo` would run. */
function dlpo(args: string[]) {
  const r = spawnSync(process.execPath, ['-r', 'tsx/cjs', path.join(root, 'src', 'cli', 'main.ts'), ...args], {
    cwd: root,
    encoding: 'utf8',
    timeout: 30_000,
    env: { ...process.env, OPENAI_API_KEY: '' },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('dlpo process: exit codes and streams', () => {
  it('--version prints the version on stdout and exits 0', () => {
    const r = dlpo(['--version']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.trim(), version);
  });

  it('--help exits 0; no arguments prints help and exits 2', () => {
    assert.equal(dlpo(['--help']).code, 0);
    const bare = dlpo([]);
    assert.equal(bare.code, 2);
    assert.match(bare.stdout, /Usage: dlpo <command>/);
  });

  it('an unknown command exits 2 with the message on stderr', () => {
    const r = dlpo(['no-such-command']);
    assert.equal(r.code, 2);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /unknown command/);
  });
});

describe('dlpo process: Ctrl-C', () => {
  it('SIGINT aborts the command signal and the process exits 130', async () => {
    const { spawn } = await import('node:child_process');
    const child = spawn(process.execPath, ['-r', 'tsx/cjs', path.join(__dirname, 'fixtures', 'interruptibleCli.ts'), 'wait'], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    const killer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    try {
      await new Promise<void>((resolve, reject) => {
        child.stderr.on('data', (c) => {
          stderr += c;
          if (stderr.includes('ready')) resolve();
        });
        child.on('exit', () => reject(new Error(`exited before ready: ${stderr}`)));
      });
      child.kill('SIGINT');
      assert.equal(await exited, 130);
      assert.match(stderr, /stopping/);
      assert.match(stderr, /command saw the abort/);
    } finally {
      clearTimeout(killer);
      child.kill('SIGKILL');
    }
  });
});
