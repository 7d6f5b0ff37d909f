import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { locateRegion } from '../../../src/core/review/regionText';
import { trackRange } from '../../../src/core/review/trackRange';

describe('locateRegion', () => {
  it('finds the body after the front matter, without surrounding whitespace', () => {
    const text = '---\nname: math\nmodel: gpt\n---\n\nSolve it. Show work.\n\n';
    const r = locateRegion(text, 'math.prompt.md');
    assert.ok(r);
    assert.equal(r.text, 'Solve it. Show work.');
    assert.equal(text.slice(r.start, r.end), r.text);
  });

  it('works in LF coordinates on a CRLF file and maps offsets back', () => {
    const text = '---\r\nname: x\r\n---\r\nLine one.\r\nLine two.\r\n';
    const r = locateRegion(text, 'x.prompt.md');
    assert.ok(r);
    assert.equal(r.text, 'Line one.\nLine two.');
    const at = r.text.indexOf('two');
    assert.equal(text.slice(r.toDocumentOffset(at), r.toDocumentOffset(at) + 3), 'two');
    assert.equal(r.toDocumentOffset(r.text.length), r.end);
  });

  it('returns null when the document no longer parses (unclosed front matter)', () => {
    assert.equal(locateRegion('---\nname: x\nSolve it.', 'x.prompt.md'), null);
  });

  it('honours the run’s region option', () => {
    const text = '# Intro\nHello there.\n\n# Rules\nBe brief. Be exact.\n';
    const r = locateRegion(text, 'x.md', { section: 'Rules' });
    assert.equal(r?.text, 'Be brief. Be exact.');
  });
});

describe('trackRange', () => {
  it('shifts with edits before it, ignores edits after it, and grows with edits inside', () => {
    assert.deepEqual(trackRange({ start: 10, end: 20 }, [{ offset: 2, length: 0, insertedLength: 5 }]), { start: 15, end: 25 });
    assert.deepEqual(trackRange({ start: 10, end: 20 }, [{ offset: 20, length: 0, insertedLength: 5 }]), { start: 10, end: 20 });
    assert.deepEqual(trackRange({ start: 10, end: 20 }, [{ offset: 10, length: 0, insertedLength: 5 }]), { start: 15, end: 25 });
    assert.deepEqual(trackRange({ start: 10, end: 20 }, [{ offset: 12, length: 3, insertedLength: 1 }]), { start: 10, end: 18 });
    assert.deepEqual(trackRange({ start: 10, end: 20 }, [{ offset: 10, length: 10, insertedLength: 4 }]), { start: 10, end: 14 });
  });

  it('keeps pointing at the same text when the edits are outside it', () => {
    fc.assert(
      fc.property(
        fc.string({ minLength: 1, maxLength: 20 }),
        fc.string({ maxLength: 20 }),
        fc.string({ maxLength: 20 }),
        fc.array(fc.tuple(fc.boolean(), fc.nat(), fc.nat({ max: 5 }), fc.string({ maxLength: 6 })), { maxLength: 6 }),
        (region, pre, post, edits) => {
          let before = pre;
          let after = post;
          let range = { start: pre.length, end: pre.length + region.length };
          for (const [inPre, at, len, ins] of edits) {
            const side = inPre ? before : after;
            const offset = Math.min(at, side.length);
            const length = Math.min(len, side.length - offset);
            const next = side.slice(0, offset) + ins + side.slice(offset + length);
            const docOffset = inPre ? offset : before.length + region.length + offset;
            range = trackRange(range, [{ offset: docOffset, length, insertedLength: ins.length }]);
            if (inPre) before = next;
            else after = next;
          }
          assert.equal((before + region + after).slice(range.start, range.end), region);
        },
      ),
      { numRuns: 300 },
    );
  });
});
