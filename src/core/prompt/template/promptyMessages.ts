import { randomBytes } from 'node:crypto';
import type { ChatMessage, ChatRole } from '../../llm/chatModel';
import { TemplateError } from '../templateVariables';

/**
 * Prompty's chat parser, as its runtime runs it (microsoft/prompty, runtime/typescript/
 * packages/core/src/parsers/prompty.ts and core/pipeline.ts `prepare`): the template is
 * rendered as a whole, then split at role lines (`system:`, `user:`, `assistant:`,
 * `developer:`, optionally `#`-prefixed or with `[name=…]` attributes) into messages in
 * order. Text before the first role line is a system message. Each message's content
 * loses its leading and trailing newlines, nothing else.
 *
 * Strict mode (Prompty's default; `template.format.strict: false` turns it off): the
 * file's own role lines are tagged with a per-render nonce before rendering, so a role
 * line that only appears *after* rendering (from a dataset value, or a loop printing
 * `{{ item.role }}:`) is refused instead of silently starting a new message.
 */

const ROLE_LINE = /^\s*#?\s*(assistant|developer|system|user)(\[\w+\s*=\s*[^\]]*\])?\s*:\s*$/i;
const NONCE_ATTR = /nonce\s*=\s*"?([0-9a-f]+)"?/;

/** Whether the front matter leaves strict mode on (the default). */
export function promptyStrict(frontMatter: unknown): boolean {
  const t = frontMatter && typeof frontMatter === 'object' ? (frontMatter as Record<string, unknown>).template : undefined;
  const format = t && typeof t === 'object' ? (t as Record<string, unknown>).format : undefined;
  return !(format && typeof format === 'object' && (format as Record<string, unknown>).strict === false);
}

/** Tags every role line of the unrendered template with `nonce`, as Prompty's `preRender` does. */
export function tagRoleLines(template: string, nonce: string): string {
  return template
    .split('\n')
    .map((line) => {
      const m = ROLE_LINE.exec(line.trim());
      return m ? `${m[1].toLowerCase()}[nonce="${nonce}"]:\n` : line;
    })
    .join('\n');
}

function trimNewlines(s: string): string {
  let start = 0;
  let end = s.length;
  while (start < end && s[start] === '\n') start++;
  while (end > start && s[end - 1] === '\n') end--;
  return s.slice(start, end);
}

/** Our chat roles: Prompty's `developer` is the newer name for the system role. */
function chatRole(role: string): ChatRole {
  return role === 'user' || role === 'assistant' ? role : 'system';
}

/** Splits rendered Prompty text into messages; with `nonce`, every role line must carry it. */
export function splitRoleMessages(rendered: string, nonce?: string): ChatMessage[] {
  const messages: ChatMessage[] = [];
  let role = 'system';
  let buffer: string[] = [];
  let fromRoleLine = false;
  let lineNonce: string | undefined;
  const flush = () => {
    if (buffer.length === 0) return;
    if (nonce !== undefined && fromRoleLine && lineNonce !== nonce) {
      throw new TemplateError(
        `a role line ("${role}:") appeared only after rendering, from a dataset value or a template loop; Prompty refuses that in strict mode (set template: { format: { strict: false } } in the front matter to allow it)`,
      );
    }
    messages.push({ role: chatRole(role), content: trimNewlines(buffer.join('\n')) });
    buffer = [];
  };
  for (const line of rendered.split('\n')) {
    const m = ROLE_LINE.exec(line.trim());
    if (!m) {
      buffer.push(line);
      continue;
    }
    flush();
    role = m[1].toLowerCase();
    lineNonce = m[2] ? NONCE_ATTR.exec(m[2])?.[1] : undefined;
    fromRoleLine = true;
  }
  flush();
  return messages;
}

/** Prompty's `prepare`: render the instructions (strictly, unless turned off) and split them into messages. */
export function promptyMessages(instructions: string, frontMatter: unknown, render: (template: string) => string): ChatMessage[] {
  const template = instructions.replace(/\r\n?/g, '\n').trim();
  if (!promptyStrict(frontMatter)) return splitRoleMessages(render(template));
  const nonce = randomBytes(8).toString('hex');
  return splitRoleMessages(render(tagRoleLines(template, nonce)), nonce);
}
