import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createRunDir, newRunId, promptExtension, runPaths } from '../../../src/core/run/runDir';

describe('run directory', () => {
  it('names runs by UTC start time plus a random suffix', () => {
    assert.equal(newRunId(new Date(Date.UTC(2026, 10, 23, 18, 15, 0)), 'ab12'), '20261123-181500-ab12');
    assert.match(newRunId(), /^\d{8}-\d{6}-[0-9a-f]{4}$/);
  });

  it('keeps the prompt file extension for best/final prompts', () => {
    assert.equal(promptExtension('examples/gsm8k.prompt.md'), 'md');
    assert.equal(promptExtension('a.prompty'), 'prompty');
    assert.equal(promptExtension('noext'), 'txt');
    const p = runPaths('/r', 'x/gsm8k.prompt.md');
    assert.equal(p.bestPrompt, path.join('/r', 'best.prompt.md'));
    assert.equal(p.finalPrompt, path.join('/r', 'final.prompt.md'));
  });

  it('creates distinct directories for runs started in the same second', () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'dlpo-runs-'));
    try {
      const now = new Date();
      const a = createRunDir(root, now);
      const b = createRunDir(root, now);
      assert.notEqual(a.dir, b.dir);
      assert.ok(fs.statSync(a.dir).isDirectory() && fs.statSync(b.dir).isDirectory());
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });
});
