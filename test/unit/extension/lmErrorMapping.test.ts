import { strict as assert } from 'node:assert';
import { lmErrorToLlmError, parseLmSelector, systemAsUserText, SYSTEM_NOTE } from '../../../src/extension/providers/lmErrorMapping';

describe('VS Code LM API error mapping', () => {
  it('maps NoPermissions to consent with a clear message', () => {
    const e = lmErrorToLlmError('NoPermissions', 'denied', 'copilot/gpt-4o');
    assert.equal(e.kind, 'consent');
    assert.match(e.message, /Allow/);
    assert.equal(e.details.retryable, false);
  });

  it('maps Blocked to rate-limit (retryable) or content-filter by its message', () => {
    const rl = lmErrorToLlmError('Blocked', 'Request was blocked due to too many requests', 'm');
    assert.equal(rl.kind, 'rate-limit');
    assert.equal(rl.details.retryable, true);
    assert.ok((rl.details.retryAfterMs ?? 0) > 0);
    assert.equal(lmErrorToLlmError('Blocked', 'Response got filtered by content policy', 'm').kind, 'content-filter');
  });

  it('maps NotFound to not-found and anything else to a retryable server error', () => {
    assert.equal(lmErrorToLlmError('NotFound', '', 'm').kind, 'not-found');
    const other = lmErrorToLlmError('Unknown', 'boom', 'm');
    assert.equal(other.kind, 'server');
    assert.equal(other.details.retryable, true);
  });

  it('parses model selectors and marks the system prompt sent as a user message', () => {
    assert.deepEqual(parseLmSelector('copilot/gpt-4o'), { vendor: 'copilot', family: 'gpt-4o' });
    assert.deepEqual(parseLmSelector('gpt-4o-mini'), { family: 'gpt-4o-mini' });
    assert.deepEqual(parseLmSelector('id:abc'), { id: 'abc' });
    assert.deepEqual(parseLmSelector(''), {});
    assert.ok(systemAsUserText('Be brief.').startsWith(SYSTEM_NOTE));
    assert.ok(systemAsUserText('Be brief.').endsWith('Be brief.'));
  });
});
