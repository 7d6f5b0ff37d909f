import * as path from 'node:path';
import { isBadInputError } from '../../core/data/badInput';
import { readTextFile } from '../../core/data/inputFile';
import { parsePromptDocument } from '../../core/prompt/parsePromptDocument';
import type { PromptDocument, RegionOption } from '../../core/prompt/promptDocument';
import { segmentSentences } from '../../core/prompt/sentences';
import { documentInputs, type DocumentInput } from '../../core/prompt/template/documentInputs';
import { numberOption, parseCommandArgs, stringOption } from '../args';
import { EXIT, UsageError, type CliCommand } from '../command';

const OPTIONS = {
  json: { type: 'boolean' },
  section: { type: 'string' },
  prompt: { type: 'string' },
  start: { type: 'string' },
  end: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

const USAGE = `Usage: dlpo inspect <prompt-file> [--json] [--section NAME | --start N --end N | --prompt N]

Shows how DLPO reads a prompt file: its format, front matter, the optimizable body and
where it is, the marked regions and role sections, template variables and the sentence
units DLPO edits. Nothing is written.

Formats: .prompt.md (GitHub Copilot prompt file), .prompty, .instructions.md, .chatmode.md,
.md, .txt. The body is the text after the front matter, or a .prompty's system: section,
or the text between <!-- dlpo:begin --> and <!-- dlpo:end -->, or what the options select.

Options:
  --json           print {format, frontMatter, body, bodyRange, regions, variables, template,
                   inputs, sentences}; inputs are every input of the whole file (all role
                   sections; loop iterables and the roots of dotted names included);
                   sentences are the units DLPO edits, each with its kind and whether
                   it is editable (front matter, comments, template lines never are)
  --section NAME   optimize one .prompty role section (system, user, assistant) or one
                   markdown heading's section
  --start N --end N  optimize the text between these UTF-16 offsets (an editor selection)
  --prompt N       choose prompt N of a promptfoo multi-prompt .txt file ("---" lines)

Offsets are UTF-16 code units into the file decoded as UTF-8, counting a leading BOM as
one character, so text.slice(bodyRange.start, bodyRange.end) === body.
Exit codes: 0 ok, 2 the file is missing, binary, over 50 MB, or cannot be parsed.`;

/** The JSON `dlpo inspect --json` prints; also what the extension shows. */
export function inspectJson(doc: PromptDocument) {
  return {
    format: doc.format,
    frontMatter: doc.frontMatter,
    body: doc.body,
    bodyRange: { start: doc.bodyRange.start, end: doc.bodyRange.end },
    regions: doc.regions.map((r) => ({ kind: r.kind, ...(r.name !== undefined ? { name: r.name } : {}), start: r.start, end: r.end, optimizable: r.optimizable })),
    variables: doc.variables.map((v) => ({ name: v.name, raw: v.raw, syntax: v.syntax, start: v.start, end: v.end, ...(v.placeholder !== undefined ? { placeholder: v.placeholder } : {}) })),
    sentences: segmentSentences(doc.body).map((s) => ({ text: s.text, kind: s.kind, editable: s.editable, start: s.start + doc.bodyRange.start, end: s.end + doc.bodyRange.start })),
    ...inputsJson(doc),
    eol: doc.eol === '\r\n' ? 'crlf' : 'lf',
    bom: doc.hasBom,
  };
}

/** The template engine and every input of the file (all of what is sent, not only the body). */
function inputsJson(doc: PromptDocument) {
  const found = documentInputs(doc);
  return { template: found.engine, inputs: found.inputs, ...(found.problem ? { templateProblem: found.problem } : {}) };
}

function describeInput(i: DocumentInput): string {
  const notes: string[] = [];
  if (i.loop) notes.push('list');
  if (!i.used) notes.push('declared, not used');
  else if (!i.required) notes.push(i.default !== undefined ? 'has a default' : 'optional');
  const deeper = i.paths.filter((p) => p !== i.name);
  return `${i.name}${deeper.length ? ` (${deeper.join(', ')})` : ''}${notes.length ? ` [${notes.join(', ')}]` : ''}`;
}

function regionOption(values: Record<string, unknown>): RegionOption | undefined {
  const section = stringOption(values.section);
  const prompt = numberOption(values.prompt, 'prompt', { integer: true, min: 1 });
  if (prompt !== undefined && (section !== undefined || values.start !== undefined)) throw new UsageError('--prompt, --section and --start/--end each choose the body; use one.');
  if (prompt !== undefined) return { prompt };
  const start = numberOption(values.start, 'start', { integer: true, min: 0 });
  const end = numberOption(values.end, 'end', { integer: true, min: 0 });
  if (section !== undefined && (start !== undefined || end !== undefined)) throw new UsageError('--section and --start/--end choose the body in two ways; use one.');
  if ((start === undefined) !== (end === undefined)) throw new UsageError('--start and --end go together.');
  if (section !== undefined) return { section };
  if (start !== undefined && end !== undefined) return { start, end };
  return undefined;
}

function humanSummary(doc: PromptDocument, data: ReturnType<typeof inspectJson>): string {
  const lines: string[] = [];
  lines.push(`${doc.fileName}: ${doc.format}${doc.hasBom ? ', UTF-8 BOM' : ''}, ${data.eol.toUpperCase()} line endings`);
  lines.push(`front matter: ${doc.frontMatter === null ? 'none' : Object.keys(doc.frontMatter as object).join(', ') || '(empty)'}`);
  lines.push(`body: ${doc.bodySource}, offsets ${doc.bodyRange.start}..${doc.bodyRange.end}, ${doc.body.length} characters, ${data.sentences.length} units (${data.sentences.filter((u) => u.editable).length} editable)`);
  const names = [...new Set(doc.variables.map((v) => v.raw))];
  const inputs = data.inputs.map(describeInput);
  lines.push(`template: ${data.template}; inputs: ${inputs.length ? inputs.join('; ') : 'none'}${data.templateProblem ? ` (${data.templateProblem})` : ''}`);
  const sentAs = data.inputs.some((i) => i.used) ? 'the file reads inputs, so each example fills them' : 'none (the prompt is sent as the system message; the example is the user message)';
  lines.push(`variables in the body: ${names.length ? names.join(', ') : sentAs}`);
  for (const r of data.regions) lines.push(`region: ${r.kind}${r.name ? ` "${r.name}"` : ''} ${r.start}..${r.end}${r.optimizable ? ' (optimized)' : ''}`);
  lines.push('', '--- body ---', doc.body, '--- end ---');
  return `${lines.join('\n')}\n`;
}

export const inspectCommand: CliCommand = {
  name: 'inspect',
  summary: 'Show how a prompt file is parsed: front matter, body, regions, variables, sentences',
  usage: USAGE,
  async run(argv, io) {
    const { values, positionals } = parseCommandArgs(argv, OPTIONS, { command: 'inspect', allowPositionals: true });
    if (positionals.length !== 1) throw new UsageError(`dlpo inspect takes one prompt file, got ${positionals.length}. ${positionals.length ? '' : 'Example: dlpo inspect prompts/math.prompt.md'}`.trim());
    const file = path.resolve(io.cwd, positionals[0]);
    const region = regionOption(values);
    let doc: PromptDocument;
    try {
      const text = await readTextFile(file, { what: 'prompt file' });
      doc = parsePromptDocument(text, positionals[0], { region });
    } catch (e) {
      if (isBadInputError(e)) {
        io.stderr.write(`dlpo inspect: ${e.message}\n`);
        return EXIT.usage;
      }
      throw e;
    }
    const data = inspectJson(doc);
    io.stdout.write(values.json ? `${JSON.stringify(data, null, 2)}\n` : humanSummary(doc, data));
    return EXIT.ok;
  },
};
