import { headingSections, roleSections, scanMarkers, type Section } from './documentSections';
import { readFrontMatter } from './frontMatter';
import type { PromptDocument, PromptRegion, RegionKind, RegionOption, TextRange } from './promptDocument';
import { detectPromptFormat, requiresValidFrontMatter } from './promptFormat';
import { lineAt, PromptParseError } from './promptParseError';
import { describePrompts, splitPrompts } from './multiPrompt';
import { findVariables } from './templateVariables';

export interface ParseOptions {
  /** Optimize only this part: a role section / heading by name, or explicit offsets into `text`. */
  region?: RegionOption;
}

function dominantEol(text: string): '\n' | '\r\n' {
  let crlf = 0;
  let lf = 0;
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) {
    if (i > 0 && text.charCodeAt(i - 1) === 13) crlf++;
    else lf++;
  }
  return crlf > lf ? '\r\n' : '\n';
}

/**
 * The largest prompt body a run takes. The edit model handles it in about a second per
 * step on a loaded 2-core machine (bench/prompt-edits.ts), so Stop stays responsive; a
 * larger body is refused before any call, with the way out (optimize a part).
 */
export const MAX_PROMPT_CHARS = 1_000_000;

/** Front matter at `from`, or after blank lines there (non-strict then: `---` may be a rule). */
function frontMatterAfterBlankLines(text: string, from: number, strict: boolean, fileName: string) {
  const at = readFrontMatter(text, from, strict, fileName);
  if (at) return at;
  const blank = /^(?:[ \t]*\r?\n)+/.exec(text.slice(from, from + 200));
  return blank ? readFrontMatter(text, from + blank[0].length, false, fileName) : undefined;
}

const WRAPPER_OPEN = /^[ \t]*(?:\r?\n)*( {0,3})(`{3,}|~{3,})[ \t]*(?:prompt|prompty|markdown|md)[ \t]*\r?\n/i;

/** A fence with a prompt/markdown info string around the whole file: its inside and its two lines. */
function wrapperFence(text: string, from: number): { inner: TextRange; fences: TextRange[] } | undefined {
  const open = WRAPPER_OPEN.exec(text.slice(from, from + 400));
  if (!open) return undefined;
  const innerStart = from + open[0].length;
  const fence = open[2];
  const close = new RegExp(`(?:^|\\n)[ ]{0,3}${fence[0] === '`' ? '`' : '~'}{${fence.length},}[ \\t]*\\s*$`).exec(text.slice(innerStart));
  if (!close) return undefined;
  const closeStart = innerStart + close.index + (close[0].startsWith('\n') ? 1 : 0);
  return {
    inner: { start: innerStart, end: closeStart },
    fences: [
      { start: from + open[0].length - open[0].trimStart().length, end: innerStart },
      { start: closeStart, end: text.length },
    ],
  };
}

/** The range without surrounding whitespace. */
function trimRange(text: string, r: TextRange): TextRange {
  let { start, end } = r;
  while (start < end && /\s/.test(text[start])) start++;
  while (end > start && /\s/.test(text[end - 1])) end--;
  return { start, end };
}

/**
 * Parses a prompt file. The optimizable body is, in order of precedence: the `region`
 * option (a Prompty role section or markdown heading by name, or explicit offsets), a
 * `<!-- dlpo:begin -->` … `<!-- dlpo:end -->` marked region, a `.prompty`'s `system:`
 * section, or everything after the front matter. Surrounding whitespace stays outside
 * the body. Everything outside the body is never touched by `replaceBody`.
 *
 * Throws `PromptParseError` (reason + 1-based line) for broken front matter, unbalanced
 * markers, an unknown section, a bad selection, or an empty body.
 */
export function parsePromptDocument(text: string, fileName: string, options: ParseOptions = {}): PromptDocument {
  const format = detectPromptFormat(fileName);
  const hasBom = text.charCodeAt(0) === 0xfeff;
  const regions: PromptRegion[] = [];
  // A file pasted from a chat or a README is often wrapped whole in a ````prompt fence: the
  // prompt is what the fence holds, and the fence lines are never part of the body.
  const wrapper = format === 'text' ? undefined : wrapperFence(text, hasBom ? 1 : 0);
  if (wrapper) for (const r of wrapper.fences) regions.push({ kind: 'wrapper', ...r, optimizable: false });
  const inner: TextRange = wrapper?.inner ?? { start: hasBom ? 1 : 0, end: text.length };
  const fm = format === 'text' ? undefined : frontMatterAfterBlankLines(text, inner.start, requiresValidFrontMatter(format), fileName);
  const content: TextRange = { start: fm ? fm.range.end : inner.start, end: inner.end };
  if (fm) regions.push({ kind: 'front-matter', start: fm.range.start, end: fm.range.end, optimizable: false });

  const roles = format === 'prompty' ? roleSections(text, content) : [];
  for (const r of roles) regions.push({ kind: 'role-section', name: r.name, start: r.start, end: r.end, optimizable: false });

  const markers = scanMarkers(text, content);
  let marked: TextRange | undefined;
  if (markers.begins.length || markers.ends.length) {
    if (markers.begins.length !== 1 || markers.ends.length !== 1) {
      const extra = markers.begins.length > 1 ? markers.begins[1] : markers.ends.length > 1 ? markers.ends[1] : (markers.begins[0] ?? markers.ends[0]);
      const what =
        markers.begins.length === 0
          ? 'a <!-- dlpo:end --> marker without <!-- dlpo:begin -->'
          : markers.ends.length === 0
            ? 'a <!-- dlpo:begin --> marker that is never closed with <!-- dlpo:end -->'
            : 'more than one dlpo:begin/dlpo:end pair; mark exactly one region';
      throw new PromptParseError(what, lineAt(text, extra.start), fileName);
    }
    if (markers.ends[0].start < markers.begins[0].end) {
      throw new PromptParseError('<!-- dlpo:end --> comes before <!-- dlpo:begin -->', lineAt(text, markers.ends[0].start), fileName);
    }
    marked = { start: markers.begins[0].end, end: markers.ends[0].start };
    regions.push({ kind: 'marked', start: marked.start, end: marked.end, optimizable: false });
  }

  let chosen: TextRange;
  let bodySource: RegionKind;
  let sectionName: string | undefined;
  const region = options.region;
  // A promptfoo multi-prompt .txt file: one of its prompts is the whole prompt, and it must be chosen.
  const prompts = format === 'text' ? splitPrompts(text, content) : [];
  let sendRange: TextRange | undefined;
  if (region && 'prompt' in region) {
    if (prompts.length < 2) {
      throw new PromptParseError(`--prompt ${region.prompt} picks one prompt of a multi-prompt .txt file (prompts separated by "---" lines), and this file holds one prompt`, lineAt(text, content.start), fileName);
    }
    if (!Number.isInteger(region.prompt) || region.prompt < 1 || region.prompt > prompts.length) {
      throw new PromptParseError(`there is no prompt ${region.prompt}; this file holds ${prompts.length} (${describePrompts(text, prompts)})`, lineAt(text, content.start), fileName);
    }
    chosen = sendRange = prompts[region.prompt - 1];
    bodySource = 'prompt';
    regions.push({ kind: 'prompt', name: String(region.prompt), start: chosen.start, end: chosen.end, optimizable: false });
  } else if (prompts.length > 1 && !(region && 'start' in region)) {
    throw new PromptParseError(
      `this file holds ${prompts.length} prompts separated by "---" lines (promptfoo's multi-prompt format): ${describePrompts(text, prompts)}; choose one with --prompt N`,
      lineAt(text, content.start),
      fileName,
    );
  } else if (region && 'start' in region) {
    const { start, end } = region;
    if (!Number.isInteger(start) || !Number.isInteger(end) || start < 0 || end > text.length || start >= end) {
      throw new PromptParseError(`the selection ${start}..${end} is not a non-empty range inside the file (0..${text.length})`, lineAt(text, Math.max(0, Math.min(start, text.length))), fileName);
    }
    if (start < content.start) {
      throw new PromptParseError('the selection overlaps the front matter; select text in the prompt body', lineAt(text, start), fileName);
    }
    chosen = { start, end };
    bodySource = 'selection';
    regions.push({ kind: 'selection', start, end, optimizable: false });
  } else if (region && 'section' in region) {
    const wanted = region.section.trim().toLowerCase();
    const sections: Section[] = roles.length ? roles : headingSections(text, content);
    const hit = sections.find((s) => s.name.toLowerCase() === wanted);
    if (!hit) {
      const names = sections.map((s) => s.name);
      throw new PromptParseError(
        `no section "${region.section}" in this file${names.length ? `; sections are: ${names.join(', ')}` : ' (it has no role sections or headings)'}`,
        lineAt(text, content.start),
        fileName,
      );
    }
    chosen = { start: hit.start, end: hit.end };
    bodySource = roles.length ? 'role-section' : 'heading-section';
    sectionName = hit.name;
    if (!roles.length) regions.push({ kind: 'heading-section', name: hit.name, start: hit.start, end: hit.end, optimizable: false });
  } else if (marked) {
    chosen = marked;
    bodySource = 'marked';
  } else if (roles.length) {
    const system = roles.find((r) => r.name === 'system');
    if (!system) {
      throw new PromptParseError(
        `this .prompty has no system: section (it has ${roles.map((r) => r.name).join(', ')}); choose one with --section`,
        lineAt(text, content.start),
        fileName,
      );
    }
    chosen = { start: system.start, end: system.end };
    bodySource = 'role-section';
    sectionName = 'system';
  } else {
    chosen = content;
    bodySource = 'body';
  }

  const bodyRange = trimRange(text, chosen);
  if (bodyRange.start === bodyRange.end) {
    const where =
      bodySource === 'body' ? 'the prompt body (after the front matter)' : bodySource === 'prompt' ? 'the chosen prompt' : bodySource === 'marked' ? 'the marked dlpo region' : sectionName ? `the "${sectionName}" section` : 'the selection';
    throw new PromptParseError(`${where} is empty; write the prompt text there first`, lineAt(text, chosen.start), fileName);
  }
  for (const r of regions) {
    if (r.start === chosen.start && r.end === chosen.end) r.optimizable = true;
  }
  if (!regions.some((r) => r.optimizable)) regions.push({ kind: 'body', start: chosen.start, end: chosen.end, optimizable: true });
  const body = text.slice(bodyRange.start, bodyRange.end);
  if (body.length > MAX_PROMPT_CHARS) {
    throw new PromptParseError(
      `the prompt is ${(body.length / 1000).toFixed(0)} KB, over the ${MAX_PROMPT_CHARS / 1000} KB DLPO optimizes; optimize a part of it (mark it with <!-- dlpo:begin --> / <!-- dlpo:end -->, or select it)`,
      lineAt(text, bodyRange.start),
      fileName,
    );
  }
  return {
    fileName,
    format,
    text,
    hasBom,
    eol: dominantEol(text),
    frontMatter: fm ? fm.data : null,
    frontMatterRange: fm?.range,
    body,
    bodyRange,
    bodySource,
    regions,
    variables: findVariables(body, bodyRange.start),
    ...(sendRange ? { sendRange, prompts } : {}),
    ...(options.region ? { region: options.region } : {}),
  };
}
