import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runDlpo } from './cliHarness';

/**
 * Every way the user's files can be wrong gives exit code 2 and a message that names the
 * problem (and the line, where there is one), from both `dlpo inspect` and `dlpo eval`.
 * These never reach a model: the offline simulator is configured and nothing is called.
 */
describe('bad inputs: dlpo inspect and dlpo eval exit 2 with a clear message', function () {
  this.timeout(30_000);
  let dir: string;
  const write = (name: string, content: string | Buffer) => {
    fs.writeFileSync(path.join(dir, name), content);
    return name;
  };

  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dlpo-bad-'));
    write('ok.prompt.md', '---\ndescription: ok\n---\n\nAnswer the question. Think step by step.\n');
    write('data.jsonl', '{"question":"1+1?","answer":"2"}\n{"question":"2+2?","answer":"4"}\n{"question":"3+3?","answer":"6"}\n');
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  const evalArgs = (prompt: string, data = 'data.jsonl') => ['eval', prompt, '--data', data, '--simulator', '--quiet'];

  it('empty prompt body', async () => {
    write('empty.prompt.md', '---\ndescription: nothing yet\n---\n\n   \n');
    for (const argv of [['inspect', 'empty.prompt.md'], evalArgs('empty.prompt.md')]) {
      const r = await runDlpo(argv, { cwd: dir });
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, /empty\.prompt\.md:4: the prompt body \(after the front matter\) is empty/);
    }
  });

  it('a prompt over the 1 MB DLPO optimizes is refused before any call, with the way out', async () => {
    write('huge.prompt.md', `---\ndescription: big\n---\n\n${'Answer the question carefully. '.repeat(35_000)}\n`);
    for (const argv of [['inspect', 'huge.prompt.md'], evalArgs('huge.prompt.md'), ['run', 'huge.prompt.md', '--data', 'data.jsonl', '--simulator', '--quiet']]) {
      const r = await runDlpo(argv, { cwd: dir });
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, /huge\.prompt\.md:5: the prompt is 1085 KB, over the 1000 KB DLPO optimizes; optimize a part of it \(mark it with <!-- dlpo:begin --> \/ <!-- dlpo:end -->, or select it\)/);
    }
    assert.ok(!fs.existsSync(path.join(dir, '.dlpo')), 'no run folder was made');
  });

  it('unparseable prompt file: reason and line', async () => {
    write('broken.prompt.md', '---\ndescription: x\ntools: [a, b\n---\nBody');
    const r = await runDlpo(['inspect', 'broken.prompt.md', '--json'], { cwd: dir });
    assert.equal(r.code, 2);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /broken\.prompt\.md:3: invalid YAML front matter/);
  });

  it('unknown template variable', async () => {
    write('vars.prompt.md', 'Solve this: {{problem}}\n');
    const r = await runDlpo(evalArgs('vars.prompt.md'), { cwd: dir });
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /data\.jsonl: the prompt reads "problem" but row \S+ has no field "problem" \(fields: question, answer\)/);
  });

  it('malformed JSONL line: the error names the line', async () => {
    write('bad.jsonl', '{"question":"a","answer":"1"}\n{"question":"b","answer":"2"}\n{"question": "c", "answer": 3\n');
    const r = await runDlpo(evalArgs('ok.prompt.md', 'bad.jsonl'), { cwd: dir });
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /bad\.jsonl line 3: not valid JSON/);
  });

  it('CSV with a missing column', async () => {
    write('short.csv', 'question,answer\nq1,1\nq2\nq3,3\n');
    let r = await runDlpo(evalArgs('ok.prompt.md', 'short.csv'), { cwd: dir });
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /short\.csv line 3: this row has 1 cells, unlike the header; a column is missing/);
    write('nogold.csv', 'question,notes\nq1,a\nq2,b\nq3,c\n');
    r = await runDlpo(evalArgs('ok.prompt.md', 'nogold.csv'), { cwd: dir });
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /cannot tell which field is the gold answer .*fields are: question, notes.*--gold-field/);
  });

  it('binary files (NUL bytes, invalid UTF-8)', async () => {
    write('image.prompt.md', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00]));
    write('latin1.txt', Buffer.from([0x63, 0x61, 0x66, 0xe9, 0x0a]));
    write('blob.jsonl', Buffer.from([0x7b, 0x00, 0x7d]));
    for (const argv of [['inspect', 'image.prompt.md'], ['inspect', 'latin1.txt'], evalArgs('image.prompt.md'), evalArgs('ok.prompt.md', 'blob.jsonl')]) {
      const r = await runDlpo(argv, { cwd: dir });
      assert.equal(r.code, 2, `${argv.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, /binary file|not valid UTF-8/);
    }
  });

  it('a 50 MB file is refused before it is read', async () => {
    // A sparse file: 60 MB by size, no real disk use; reading it whole would show up as slow and big.
    for (const name of ['huge.prompt.md', 'huge.jsonl']) {
      const fd = fs.openSync(path.join(dir, name), 'w');
      fs.ftruncateSync(fd, 60 * 1024 * 1024);
      fs.closeSync(fd);
    }
    for (const argv of [['inspect', 'huge.prompt.md'], evalArgs('huge.prompt.md'), evalArgs('ok.prompt.md', 'huge.jsonl')]) {
      const r = await runDlpo(argv, { cwd: dir });
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, /is 60\.0 MB, over the 50\.0 MB limit/);
    }
  });

  it('missing files, empty dataset, split larger than the data, unknown metric', async () => {
    let r = await runDlpo(['inspect', 'nope.prompt.md'], { cwd: dir });
    assert.equal(r.code, 2);
    assert.match(r.stderr, /prompt file not found: .*nope\.prompt\.md/);
    r = await runDlpo(evalArgs('ok.prompt.md', 'missing.jsonl'), { cwd: dir });
    assert.equal(r.code, 2);
    assert.match(r.stderr, /dataset not found: .*missing\.jsonl/);
    write('empty.jsonl', '\n\n');
    r = await runDlpo(evalArgs('ok.prompt.md', 'empty.jsonl'), { cwd: dir });
    assert.equal(r.code, 2);
    assert.match(r.stderr, /the dataset is empty/);
    r = await runDlpo([...evalArgs('ok.prompt.md'), '--train-size', '50'], { cwd: dir });
    assert.equal(r.code, 2);
    assert.match(r.stderr, /dataset has 3; lower the sizes/);
    r = await runDlpo([...evalArgs('ok.prompt.md'), '--metric', 'accuracy'], { cwd: dir });
    assert.equal(r.code, 2);
    assert.match(r.stderr, /unknown metric "accuracy"; choose one of: numeric/);
    r = await runDlpo([...evalArgs('ok.prompt.md'), '--split', 'dev'], { cwd: dir });
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--split must be test, val, train or all/);
    r = await runDlpo([...evalArgs('ok.prompt.md'), '--min-accuracy', '1.5'], { cwd: dir });
    assert.equal(r.code, 2);
    r = await runDlpo([...evalArgs('ok.prompt.md'), '--input-field', 'prompt'], { cwd: dir });
    assert.equal(r.code, 2);
    assert.match(r.stderr, /has no input field "prompt"; fields are: question, answer\. Fix --input-field/);
    r = await runDlpo(['eval', 'ok.prompt.md', '--simulator'], { cwd: dir });
    assert.equal(r.code, 2);
    assert.match(r.stderr, /Missing --data/);
  });
});
