import { z } from 'zod';

/**
 * promptfoo's test case as it appears in a config or a test file, checked at the boundary.
 * Only what DLPO reads is typed; other keys pass through so that what cannot run here can
 * be named (see `refusals.ts`) instead of being dropped unseen.
 */

export const AssertionSchema = z
  .object({
    type: z.string(),
    value: z.unknown().optional(),
    threshold: z.number().optional(),
    weight: z.number().min(0).optional(),
    metric: z.string().optional(),
  })
  .passthrough();

export type PromptfooAssertion = z.infer<typeof AssertionSchema>;

export const TestCaseSchema = z
  .object({
    description: z.string().optional(),
    vars: z.union([z.record(z.string(), z.unknown()), z.string(), z.array(z.string())]).optional(),
    assert: z.array(AssertionSchema).optional(),
    threshold: z.number().optional(),
    options: z.record(z.string(), z.unknown()).optional(),
    metadata: z.record(z.string(), z.unknown()).optional(),
  })
  .passthrough();

export type RawTestCase = z.infer<typeof TestCaseSchema>;

/** Where a test came from, for error messages: the file and its 1-based position there. */
export interface TestOrigin {
  file: string;
  record: number;
}

/** A test after loading: `defaultTest` merged in, vars read and expanded, ready to score. */
export interface PromptfooTest {
  description: string;
  vars: Record<string, unknown>;
  assert: PromptfooAssertion[];
  threshold?: number;
  origin: TestOrigin;
}

/** `description` or promptfoo's own fallback name, for messages that name a test. */
export function testName(test: { description?: string }, origin: TestOrigin): string {
  return test.description ? `"${test.description}"` : `test ${origin.record}`;
}
