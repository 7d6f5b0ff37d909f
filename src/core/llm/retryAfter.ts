/**
 * How long a server asked us to wait, from `retry-after-ms` (OpenAI, Azure) or
 * `Retry-After` (RFC 9110: delay-seconds or an HTTP-date). Undefined when absent or
 * unparseable, so the caller falls back to its own backoff.
 */
export function parseRetryAfterMs(
  get: (name: string) => string | null | undefined,
  now: number = Date.now(),
): number | undefined {
  const ms = get('retry-after-ms');
  if (ms != null && ms.trim() !== '') {
    const n = Number(ms);
    if (Number.isFinite(n) && n >= 0) return n;
  }
  const ra = get('retry-after');
  if (ra == null || ra.trim() === '') return undefined;
  const trimmed = ra.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Number(trimmed) * 1000;
  // An HTTP-date names a month; without one, Date.parse would read "-4" as a year.
  if (!/[a-z]{3}/i.test(trimmed)) return undefined;
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now);
}
