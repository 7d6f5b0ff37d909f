import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * The files a promptfoo `file://` reference names, with the glob syntax promptfoo's
 * references use: `*`, `?`, `[abc]`, `{a,b}` and `**` (any number of folders). A path
 * without glob characters names itself (whether or not it exists; the reader reports a
 * missing file). Matches are sorted, so tests keep a stable order. Node 20 has no
 * `fs.glob`, hence this small walker; it stops after `MAX_VISITED` entries so a `**`
 * at the root of a large tree cannot hang a run.
 */

const MAGIC = /[*?[{]/;
const MAX_VISITED = 50_000;

function segmentRegex(pattern: string): string {
  let out = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '*') out += '[^/]*';
    else if (c === '?') out += '[^/]';
    else if (c === '[') {
      const close = pattern.indexOf(']', i + 1);
      if (close < 0) out += '\\[';
      else {
        out += `[${pattern.slice(i + 1, close).replace(/^!/, '^').replace(/\\/g, '\\\\')}]`;
        i = close;
      }
    } else if (c === '{') {
      const close = pattern.indexOf('}', i + 1);
      if (close < 0) out += '\\{';
      else {
        out += `(?:${pattern
          .slice(i + 1, close)
          .split(',')
          .map((alt) => segmentRegex(alt))
          .join('|')})`;
        i = close;
      }
    } else out += c.replace(/[.+^$()|\\\]}]/g, '\\$&');
  }
  return out;
}

/** The regular expression for a relative, `/`-separated glob. */
export function globRegex(pattern: string): RegExp {
  const parts = pattern.split('/').filter((p) => p !== '');
  let source = '';
  parts.forEach((part, i) => {
    const last = i === parts.length - 1;
    if (part === '**') source += last ? '.*' : '(?:[^/]+/)*';
    else source += segmentRegex(part) + (last ? '' : '/');
  });
  return new RegExp(`^${source}$`);
}

export function globFiles(pattern: string, baseDir: string): string[] {
  const absolute = path.resolve(baseDir, pattern);
  if (!MAGIC.test(absolute)) return [absolute];
  const segments = absolute.split(path.sep);
  const firstMagic = segments.findIndex((s) => MAGIC.test(s));
  const root = segments.slice(0, firstMagic).join(path.sep) || path.sep;
  const re = globRegex(segments.slice(firstMagic).join('/'));
  const deep = segments.slice(firstMagic).includes('**');
  const maxDepth = deep ? Infinity : segments.length - firstMagic;
  const found: string[] = [];
  let visited = 0;
  const walk = (dir: string, rel: string, depth: number) => {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
      if (++visited > MAX_VISITED) return;
      const childRel = rel ? `${rel}/${e.name}` : e.name;
      const child = path.join(dir, e.name);
      if (e.isDirectory()) {
        if (depth + 1 < maxDepth && e.name !== 'node_modules' && !e.name.startsWith('.')) walk(child, childRel, depth + 1);
      } else if (re.test(childRel)) found.push(child);
    }
  };
  walk(root, '', 0);
  return found.sort();
}
