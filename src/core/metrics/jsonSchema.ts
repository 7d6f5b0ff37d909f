import { z } from 'zod';
import type { Metric } from './metric';
import { brief } from './answerText';
import { defineMetric } from './defineMetric';
import { MetricConfigError } from './errors';

/**
 * The JSON value in a reply: the whole reply, else a fenced ```json block, else the span
 * from the first `{`/`[` to the last `}`/`]`. Undefined when none of them parses.
 */
export function extractJson(output: string): { value: unknown } | undefined {
  const candidates: string[] = [output.trim()];
  // indexOf rather than a lazy regex: many unclosed fences must not make this quadratic.
  const open = output.indexOf('```');
  if (open >= 0) {
    const bodyStart = output.indexOf('\n', open);
    const close = bodyStart >= 0 ? output.indexOf('```', bodyStart) : -1;
    if (close > bodyStart) candidates.push(output.slice(bodyStart + 1, close));
  }
  const first = output.search(/[{[]/);
  const last = Math.max(output.lastIndexOf('}'), output.lastIndexOf(']'));
  if (first >= 0 && last > first) candidates.push(output.slice(first, last + 1));
  for (const c of candidates) {
    try {
      return { value: JSON.parse(c) };
    } catch {
      // try the next candidate
    }
  }
  return undefined;
}

/** The reply's JSON validates against a JSON Schema (compiled with zod 4's `z.fromJSONSchema`). */
export function jsonSchemaMetric(options: { schema?: unknown }): Metric {
  if (options.schema === undefined || options.schema === null || (typeof options.schema !== 'object' && typeof options.schema !== 'boolean')) {
    throw new MetricConfigError('json-schema metric needs a JSON Schema: use --metric json-schema:path/to/schema.json');
  }
  let validator: z.ZodType;
  try {
    validator = z.fromJSONSchema(options.schema as Parameters<typeof z.fromJSONSchema>[0]);
  } catch (e) {
    throw new MetricConfigError(`json-schema metric: the schema could not be compiled: ${(e as Error).message}`);
  }
  return defineMetric({
    name: 'json-schema',
    description: 'The output is JSON that validates against the given JSON Schema',
    formatInstruction: 'Reply with JSON only, matching the required schema.',
    score(output) {
      const json = extractJson(output);
      if (!json) return { score: 0, reason: 'no JSON found in the output' };
      const result = validator.safeParse(json.value);
      if (result.success) return { score: 1, reason: 'valid JSON for the schema' };
      const issue = result.error.issues[0];
      const path = issue.path.length ? issue.path.join('.') : '(root)';
      return { score: 0, reason: `schema violation at ${path}: ${brief(issue.message, 60)}` };
    },
  });
}
