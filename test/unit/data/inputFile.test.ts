import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { decodeUtf8Strict, InputFileError, readTextFile } from '../../../src/core/data/inputFile';

describe('readTextFile', () => {
  let dir: string;
  before(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dlpo-input-'))));
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  const problem = async (p: Promise<unknown>, kind: string, pattern: RegExp) =>
    assert.rejects(p, (e: unknown) => e instanceof InputFileError && e.problem === kind && pattern.test(e.message));

  it('refuses a file over the limit without reading it', async () => {
    const file = path.join(dir, 'big.jsonl');
    const fd = fs.openSync(file, 'w');
    fs.ftruncateSync(fd, 51 * 1024 * 1024);
    fs.closeSync(fd);
    const original = fs.promises.readFile;
    let reads = 0;
    (fs.promises as { readFile: unknown }).readFile = (...args: Parameters<typeof original>) => {
      reads++;
      return original(...args);
    };
    try {
      await problem(readTextFile(file, { what: 'dataset' }), 'too-large', /dataset .*big\.jsonl is 51\.0 MB, over the 50\.0 MB limit/);
      assert.equal(reads, 0);
      // The same reader does read a small file, so the counter would have seen it.
      fs.writeFileSync(path.join(dir, 'small.txt'), 'hi');
      assert.equal(await readTextFile(path.join(dir, 'small.txt')), 'hi');
      assert.equal(reads, 1);
    } finally {
      (fs.promises as { readFile: unknown }).readFile = original;
    }
  });

  it('missing, directory, binary, invalid UTF-8; the BOM is kept', async () => {
    await problem(readTextFile(path.join(dir, 'nope.md'), { what: 'prompt file' }), 'missing', /prompt file not found/);
    await problem(readTextFile(dir), 'not-a-file', /not a regular file/);
    fs.writeFileSync(path.join(dir, 'nul.md'), Buffer.from('ab\0cd'));
    await problem(readTextFile(path.join(dir, 'nul.md')), 'binary', /NUL byte at offset 2/);
    fs.writeFileSync(path.join(dir, 'latin1.md'), Buffer.from([0x63, 0x61, 0x66, 0xe9]));
    await problem(readTextFile(path.join(dir, 'latin1.md')), 'binary', /not valid UTF-8/);
    assert.equal(decodeUtf8Strict(Buffer.from('\uFEFFx', 'utf8'), 'f'), '\uFEFFx');
  });
});
