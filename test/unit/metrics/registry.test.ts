import { strict as assert } from 'node:assert';
import { MetricConfigError } from '../../../src/core/metrics/errors';
import { createMetric, defaultMetricFor, METRIC_NAMES } from '../../../src/core/metrics/registry';
import { ex } from './helpers';

describe('metric registry', () => {
  it('builds every registered metric that needs no option', () => {
    for (const name of METRIC_NAMES) {
      if (name === 'json-schema' || name === 'judge') continue;
      const m = createMetric(name);
      assert.equal(m.name, name);
      assert.ok(m.description.length > 0);
    }
  });
  it('unknown names list the choices', () => {
    assert.throws(() => createMetric('accuracy'), (e: unknown) => e instanceof MetricConfigError && /numeric, lenient/.test(e.message));
  });
  it('defaultMetricFor infers from the gold answers', () => {
    assert.equal(defaultMetricFor({ examples: [ex('42'), ex('1,600')] }), 'numeric');
    assert.equal(defaultMetricFor({ examples: [ex('(A)'), ex('(C)')] }), 'choice');
    assert.equal(defaultMetricFor({ examples: [ex('\\boxed{5}')] }), 'boxed');
    assert.equal(defaultMetricFor({ examples: [ex('Yes'), ex('No')] }), 'exact-ci');
    assert.equal(defaultMetricFor({ examples: [ex('42'), ex('forty')] }), 'exact-ci');
    assert.equal(defaultMetricFor({ train: [ex('(A)')], val: [ex('(B)')], test: [] }), 'choice');
  });
});
