import type { Example } from '../../../src/core/data/example';

export function ex(gold: string, input = 'q'): Example {
  return { id: 't', input, gold, vars: { input, gold } };
}
