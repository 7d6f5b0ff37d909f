import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runDlpo } from './cliHarness';

interface InspectJson {
  format: string;
  frontMatter: unknown;
  body: string;
  bodyRange: { start: number; end: number };
  regions: { kind: string; name?: string; start: number; end: number; optimizable: boolean }[];
  variables: { name: string; raw: string; syntax: string; start: number; end: number }[];
  sentences: { text: string; kind: string; editable: boolean; start: number; end: number }[];
  eol: string;
  bom: boolean;
}

describe('dlpo inspect --json', function () {
  this.timeout(30_000);
  let dir: string;
  before(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dlpo-inspect-'))));
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  /** The documented convention: offsets into the UTF-8 text with the BOM kept as one character. */
  const fileText = (name: string) => new TextDecoder('utf-8', { ignoreBOM: true }).decode(fs.readFileSync(path.join(dir, name)));

  it('a Copilot prompt file with BOM and CRLF: offsets count the BOM, slices match', async () => {
    const content = '\uFEFF---\r\ndescription: "Solve it"\r\ntools: [codebase]\r\n---\r\n\r\n# Math\r\n\r\nSolve ${input:question:the problem}. Show the steps.\r\n- Check units.\r\n';
    fs.writeFileSync(path.join(dir, 'solve.prompt.md'), content, 'utf8');
    const r = await runDlpo(['inspect', 'solve.prompt.md', '--json'], { cwd: dir });
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout) as InspectJson;
    const text = fileText('solve.prompt.md');
    assert.equal(text.charCodeAt(0), 0xfeff);
    assert.equal(out.format, 'prompt.md');
    assert.deepEqual(out.frontMatter, { description: 'Solve it', tools: ['codebase'] });
    assert.equal(text.slice(out.bodyRange.start, out.bodyRange.end), out.body);
    assert.equal(out.body, '# Math\r\n\r\nSolve ${input:question:the problem}. Show the steps.\r\n- Check units.');
    assert.deepEqual([out.eol, out.bom], ['crlf', true]);
    assert.deepEqual(out.variables.map((v) => [v.name, v.syntax, text.slice(v.start, v.end)]), [['question', 'copilot-input', '${input:question:the problem}']]);
    assert.deepEqual(out.sentences.map((s) => s.kind), ['heading', 'sentence', 'sentence', 'list-item']);
    for (const s of out.sentences) assert.equal(text.slice(s.start, s.end), s.text);
    assert.deepEqual(out.regions.map((g) => [g.kind, g.optimizable]), [['front-matter', false], ['body', true]]);
  });

  it('units with their kinds: a whole file wrapped in a ````prompt fence, front matter inside, template lines and a table', async () => {
    const content = '````prompt\n\n---\nmode: agent\n---\n# Review\n\nCheck the code, e.g. Types. Step 1. Read it.\n\n{% if strict %}\n1. Fail on warnings\n   and on notes.\n{% endif %}\n\n| level | action |\n|---|---|\n| warn | fix |\n````\n';
    fs.writeFileSync(path.join(dir, 'wrapped.prompt.md'), content, 'utf8');
    const r = await runDlpo(['inspect', 'wrapped.prompt.md', '--json'], { cwd: dir });
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout) as InspectJson;
    assert.deepEqual(out.frontMatter, { mode: 'agent' });
    assert.ok(out.body.startsWith('# Review') && out.body.endsWith('| warn | fix |'), out.body);
    assert.deepEqual(
      out.sentences.map((u) => [u.kind, u.editable, u.text]),
      [
        ['heading', true, '# Review'],
        ['sentence', true, 'Check the code, e.g. Types.'],
        ['sentence', true, 'Step 1. Read it.'],
        ['template', false, '{% if strict %}'],
        ['list-item', true, '1. Fail on warnings\n   and on notes.'],
        ['template', false, '{% endif %}'],
        ['table', true, '| level | action |\n|---|---|\n| warn | fix |'],
      ],
    );
    for (const u of out.sentences) assert.equal(content.slice(u.start, u.end), u.text);
    assert.deepEqual(out.regions.map((g) => g.kind), ['wrapper', 'wrapper', 'front-matter', 'body']);
  });

  it('a .prompty: the system section; --section user picks the other one', async () => {
    fs.writeFileSync(path.join(dir, 'chat.prompty'), '---\nname: Chat\ninputs:\n  question:\n    type: string\n---\nsystem:\nYou are helpful.\n\nuser:\n{{inputs.question}}\n');
    const sys = JSON.parse((await runDlpo(['inspect', 'chat.prompty', '--json'], { cwd: dir })).stdout) as InspectJson;
    assert.equal(sys.body, 'You are helpful.');
    assert.deepEqual(sys.regions.filter((g) => g.kind === 'role-section').map((g) => [g.name, g.optimizable]), [['system', true], ['user', false]]);
    const user = await runDlpo(['inspect', 'chat.prompty', '--json', '--section', 'user'], { cwd: dir });
    const u = JSON.parse(user.stdout) as InspectJson;
    assert.equal(u.body, '{{inputs.question}}');
    assert.equal(u.variables[0].syntax, 'prompty-inputs');
    const bad = await runDlpo(['inspect', 'chat.prompty', '--section', 'tool'], { cwd: dir });
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /chat\.prompty:7: no section "tool" in this file; sections are: system, user/);
  });

  it('--start/--end select a region; a human summary without --json', async () => {
    fs.writeFileSync(path.join(dir, 'p.txt'), 'Keep. Change me. Keep too.');
    const r = await runDlpo(['inspect', 'p.txt', '--start', '6', '--end', '16', '--json'], { cwd: dir });
    assert.equal((JSON.parse(r.stdout) as InspectJson).body, 'Change me.');
    const human = await runDlpo(['inspect', 'p.txt'], { cwd: dir });
    assert.equal(human.code, 0);
    assert.match(human.stdout, /p\.txt: text, LF line endings/);
    assert.match(human.stdout, /--- body ---\nKeep\. Change me\. Keep too\.\n--- end ---/);
    const usage = await runDlpo(['inspect', 'p.txt', '--start', '3'], { cwd: dir });
    assert.equal(usage.code, 2);
    assert.match(usage.stderr, /--start and --end go together/);
  });
});
