/**
 * promptfoo `javascript` assertions that check what DLPO's `exact` and `exact-ci` metrics
 * check: the text after the last `Answer:` (or the whole reply), first line only, with
 * emphasis, quotes and a final full stop stripped, equal to the gold (`exact-ci`: after
 * NFKC, lower case and single spaces). Kept in step with `metrics/answerText.ts` and
 * `metrics/exact.ts` by `test/unit/promptfoo/exportConfig.test.ts`, which runs both on
 * the same replies.
 */
const ANSWER_PART_JS = `const clean = (s) => { let t = String(s).trim(); const nl = t.indexOf('\\n'); if (nl >= 0) t = t.slice(0, nl).trim();
  for (let i = 0; i < 3; i++) { const b = t; t = t.replace(/^(\\*\\*|__|\\*|_|\`|"|'|“|”)+/, '').replace(/(\\*\\*|__|\\*|_|\`|"|'|“|”)+$/, ''); t = t.replace(/[.。]\\s*$/, '').trim(); if (t === b) break; }
  return t; };
const marks = [...String(output).matchAll(/\\banswer(?:\\s+is)?\\s*[:：]/gi)];
const last = marks.length ? marks[marks.length - 1] : null;
const got = last ? clean(String(output).slice(last.index + last[0].length)) : String(output).trim();
const gold = clean(context.vars.gold);`;

export const EXACT_JS = `${ANSWER_PART_JS}
const pass = got === gold;
return { pass, score: pass ? 1 : 0, reason: pass ? 'correct: ' + got : 'expected "' + gold + '", got "' + got + '"' };`;

export const EXACT_CI_JS = `${ANSWER_PART_JS}
const fold = (s) => s.normalize('NFKC').toLowerCase().replace(/\\s+/g, ' ').trim();
const pass = fold(got) === fold(gold);
return { pass, score: pass ? 1 : 0, reason: pass ? 'correct: ' + got : 'expected "' + gold + '", got "' + got + '"' };`;
