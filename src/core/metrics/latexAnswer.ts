/**
 * MATH answers: extracting the last `\boxed{}` and deciding whether two LaTeX answers
 * are the same. The normalisation follows the MATH authors' `is_equiv`/`strip_string`
 * (Hendrycks et al., 2021), which every MATH evaluation since builds on, plus a few
 * additions listed in `normalizeLatexAnswer`.
 */

import { makeExact, exactEquals, type ExactNumber } from './numberParsing';

/** Only the last boxes matter; bounding how many are scanned keeps `\boxed{\boxed{…` floods linear. */
const MAX_BOXES_SCANNED = 64;

/** Contents of every `\boxed{…}` / `\fbox{…}` (balanced braces), and `\boxed 5`, in order (at most the last 64). */
export function boxedContents(text: string): string[] {
  const out: string[] = [];
  const matches = [...text.matchAll(/\\(?:boxed|fbox)\s*(\{|\s+)/g)].slice(-MAX_BOXES_SCANNED);
  for (const m of matches) {
    const start = (m.index ?? 0) + m[0].length;
    if (m[1] === '{') {
      let depth = 1;
      let i = start;
      for (; i < text.length && depth > 0; i++) {
        const c = text[i];
        if (c === '\\' && i + 1 < text.length) {
          i++; // `\{` and `\}` are literal braces, not grouping
          continue;
        }
        if (c === '{') depth++;
        else if (c === '}') depth--;
      }
      if (depth === 0) out.push(text.slice(start, i - 1));
    } else {
      const token = /^[^\s$]+/.exec(text.slice(start));
      if (token) out.push(token[0]);
    }
  }
  return out;
}

export function lastBoxed(text: string): string | undefined {
  return boxedContents(text).at(-1);
}

/** Replaces `\cmd{X}` (balanced) by `X`. */
function unwrapCommand(s: string, command: string): string {
  const marker = `\\${command}{`;
  for (let guard = 0; guard < 100; guard++) {
    const at = s.indexOf(marker);
    if (at < 0) break;
    let depth = 1;
    let i = at + marker.length;
    for (; i < s.length && depth > 0; i++) {
      if (s[i] === '{') depth++;
      else if (s[i] === '}') depth--;
    }
    if (depth !== 0) break;
    s = s.slice(0, at) + s.slice(at + marker.length, i - 1) + s.slice(i);
  }
  return s;
}

/** `\frac12` → `\frac{1}{2}`, `\frac1{b}` → `\frac{1}{b}` (MATH's `_fix_fracs`). */
function fixFracs(s: string): string {
  const parts = s.split('\\frac');
  let out = parts[0];
  for (const part of parts.slice(1)) {
    out += '\\frac';
    if (part.startsWith('{') || part.length < 2) {
      out += part;
      continue;
    }
    const a = part[0];
    const b = part[1];
    if (b === '{') out += `{${a}}${part.slice(1)}`;
    else out += `{${a}}{${b}}${part.slice(2)}`;
  }
  return out;
}

/** `\sqrt3` → `\sqrt{3}` (MATH's `_fix_sqrt`). */
function fixSqrt(s: string): string {
  return s.replace(/\\sqrt(?!\{)(\w)/g, '\\sqrt{$1}');
}

/** `3/4` (two integers and nothing else) → `\frac{3}{4}` (MATH's `_fix_a_slash_b`). */
function fixSlash(s: string): string {
  const m = /^(-?\d+)\/(\d+)$/.exec(s);
  return m ? `\\frac{${m[1]}}{${m[2]}}` : s;
}

/** `5\text{ cm}` → `5` (MATH's `_remove_right_units`). */
function removeRightUnits(s: string): string {
  const at = s.indexOf('\\text{ ');
  return at > 0 ? s.slice(0, at) : s;
}

/**
 * Normalises a LaTeX answer so that equivalent spellings compare equal. From MATH's
 * `strip_string`: drop `\left`/`\right`, `\!`, degrees, `\$`, `\%`, right-hand units;
 * `tfrac`/`dfrac` → `frac`; `\frac12` → `\frac{1}{2}`; `a/b` → `\frac{a}{b}`; `0.5` →
 * `\frac{1}{2}`; `x = 5` → `5`; spaces removed. Added here: `\text{}`, `\textbf{}`,
 * `\mathrm{}`, `\mbox{}` unwrapped, `\displaystyle` and `\,`/`\;` spacing dropped, the
 * `°` sign, `{,}` thousands and a trailing full stop.
 */
export function normalizeLatexAnswer(answer: string): string {
  let s = answer.replace(/\n/g, '').trim();
  s = s.replace(/\\!/g, '');
  s = s.replace(/\\\\/g, '\\');
  s = s.replace(/tfrac/g, 'frac').replace(/dfrac/g, 'frac');
  s = s.replace(/\\left/g, '').replace(/\\right/g, '');
  s = s.replace(/\^\{\\circ\}/g, '').replace(/\^\\circ/g, '').replace(/°/g, '');
  s = s.replace(/\\\$/g, '').replace(/\$/g, '');
  s = removeRightUnits(s);
  s = s.replace(/\\%/g, '').replace(/%/g, '');
  s = s.replace(/\\displaystyle/g, '').replace(/\\[,;:> ]/g, '').replace(/~/g, '');
  for (const cmd of ['text', 'textbf', 'mathrm', 'mbox', 'mathbf']) s = unwrapCommand(s, cmd);
  s = s.replace(/\{,\}/g, ',');
  s = s.replace(/ \./g, ' 0.').replace(/\{\./g, '{0.');
  if (s.length === 0) return s;
  if (s.startsWith('.')) s = `0${s}`;
  const eq = s.split('=');
  if (eq.length === 2 && eq[0].trim().length <= 2) s = eq[1];
  s = fixSqrt(s);
  s = s.replace(/ /g, '');
  s = fixFracs(s);
  s = s.replace(/\.$/, '');
  if (s === '0.5') s = '\\frac{1}{2}';
  s = fixSlash(s);
  // Thousands separators in plain integers: `1,000` → `1000`; tuples like `1,2` stay.
  if (/^-?\d{1,3}(,\d{3})+(\.\d+)?$/.test(s)) s = s.replace(/,/g, '');
  return s;
}

/** A plain number, `\frac{a}{b}`, `-\frac{a}{b}` or `a/b` as an exact value; else undefined. */
export function latexNumberValue(normalized: string): ExactNumber | undefined {
  let s = normalized;
  let sign = 1n;
  if (s.startsWith('-')) {
    sign = -1n;
    s = s.slice(1);
  }
  const frac = /^\\frac\{(-?\d+)\}\{(\d+)\}$/.exec(s);
  if (frac) return BigInt(frac[2]) === 0n ? undefined : makeExact(sign * BigInt(frac[1]), BigInt(frac[2]));
  const dec = /^(\d*)(?:\.(\d*))?$/.exec(s);
  if (dec && (dec[1] || dec[2])) {
    const frac2 = dec[2] ?? '';
    return makeExact(sign * BigInt((dec[1] || '0') + frac2), 10n ** BigInt(frac2.length));
  }
  return undefined;
}

/** Whether two LaTeX answers are equivalent after normalisation (string or exact value). */
export function latexAnswersEqual(a: string, b: string): boolean {
  const na = normalizeLatexAnswer(a);
  const nb = normalizeLatexAnswer(b);
  if (na === nb) return true;
  // Braces are not significant in the final comparison either (the reference drops them all).
  if (na.replace(/[{}]/g, '') === nb.replace(/[{}]/g, '') && !/\\frac/.test(na + nb)) return true;
  const va = latexNumberValue(na);
  const vb = latexNumberValue(nb);
  return va !== undefined && vb !== undefined && exactEquals(va, vb);
}
