/**
 * A metric that cannot be built as asked: unknown name, missing option, invalid regex or
 * schema. Raised when the task is set up, never while scoring, so a run fails before it
 * spends anything.
 */
export class MetricConfigError extends Error {
  override readonly name = 'MetricConfigError';
}
