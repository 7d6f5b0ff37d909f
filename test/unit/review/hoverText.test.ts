import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { marked } from 'marked';
import { HOVER_TEXT_MAX, hiddenCharMarkers, hoverText } from '../../../src/core/review/hoverText';

// VS Code renders hover Markdown with marked (GFM on); rendering here with the same
// library shows what the user would get, not only what the escaping function returns.
const render = (md: string) => marked.parse(md, { gfm: true, breaks: false, async: false }) as string;

/** The visible text of rendered HTML: tags dropped, the few entities marked emits decoded. */
function visible(html: string): string {
  return html
    .replace(/<br>\n?/g, '\n')
    .replace(/<[^>]*>/g, '')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&')
    .trim();
}

/** Whitespace as a browser shows it: runs collapsed, lines trimmed, empty lines gone. */
const squash = (t: string) =>
  t
    .split('\n')
    .map((l) => l.replace(/[ \t]+/g, ' ').trim())
    .filter((l) => l !== '')
    .join('\n');

describe('hover text (model text in editor hovers)', () => {
  it('shows bidi controls and zero-width characters as markers', () => {
    assert.equal(hiddenCharMarkers('report\u202Egnp.exe'), 'report⟨U+202E⟩gnp.exe');
    assert.equal(hiddenCharMarkers('a\u200Bb\u200Dc\uFEFFd\u2066e'), 'a⟨U+200B⟩b⟨U+200D⟩c⟨U+FEFF⟩d⟨U+2066⟩e');
    assert.equal(hiddenCharMarkers('line\r\nnext\ttab'), 'line\nnext\ttab');
  });

  it('renders HTML, links, emphasis and headings as the literal text', () => {
    const hostile = [
      '<script>alert(1)</script> and <img src=x onerror=alert(2)>',
      'See https://evil.example/x?a=1 or www.evil.example or mail bob@evil.example',
      '[click](command:workbench.action.terminal.new) ![i](https://x/y.png) <https://auto.link>',
      '# Heading\n- list item\n1. numbered\n> quote\n---\n| a | b |',
      '**bold** _it_ ~~gone~~ `code` &lt;tag&gt; &amp;',
      '$(alert) {{var}} \\ back\\slash',
    ];
    for (const text of hostile) {
      const html = render(hoverText(text));
      assert.doesNotMatch(html, /<(a|img|script|h\d|li|ul|ol|blockquote|hr|table|strong|em|del|code)\b/, `${text} → ${html}`);
      assert.equal(visible(html), text, `the user reads exactly what the model wrote: ${html}`);
    }
  });

  it('keeps any text inert and readable (property)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 80 }), (text) => {
        const html = render(hoverText(text));
        assert.doesNotMatch(html, /<(?!\/?(p|br)>)/, html);
        assert.equal(squash(visible(html)), squash(hiddenCharMarkers(text)), html);
        // No raw bidi or zero-width character reaches the page.
        assert.doesNotMatch(html, /[\u202A-\u202E\u2066-\u2069\u200B-\u200F\uFEFF]/);
      }),
      { numRuns: 300 },
    );
  });

  it('keeps Markdown-shaped text inert and readable (property)', () => {
    const piece = fc.constantFrom(...'<>[]()!*_`~#-+=|\\&:/@. \n\t'.split(''), 'http://', 'www.', '1. ', '    ', 'a', 'b@c.d', '&amp;', '<br>', '$(x)');
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 30 }), (pieces) => {
        const text = pieces.join('');
        const html = render(hoverText(text));
        assert.doesNotMatch(html, /<(?!\/?(p|br)>)/, html);
        assert.equal(squash(visible(html)), squash(text), html);
      }),
      { numRuns: 500 },
    );
  });

  it('cuts a very long line, saying how much it left out', () => {
    const long = 'x'.repeat(200_000);
    const md = hoverText(long);
    assert.ok(md.length < HOVER_TEXT_MAX + 80);
    assert.match(md, /… \(198,800 more characters\)$/);
  });
});
