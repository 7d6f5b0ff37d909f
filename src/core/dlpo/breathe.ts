/**
 * Lets the event loop run between the CPU-heavy phases of a step (segmenting, diffing and
 * cutting a large prompt each take up to about half a second at the size limit), so a
 * Stop, a Ctrl-C or a SIGTERM is seen between phases, and stops the step if it was.
 */
export async function breathe(signal: AbortSignal): Promise<void> {
  await new Promise<void>((resolve) => setImmediate(resolve));
  if (signal.aborted) throw signal.reason instanceof Error ? signal.reason : new Error('aborted');
}
