/**
 * Removes secrets from text that came from elsewhere (server error bodies, causes)
 * before it reaches a message, a log or a journal. OpenAI's own 401 body quotes a
 * masked key ("sk-abc***xyz"), so key-shaped tokens go too, not only the exact key.
 */
const KEY_SHAPED = /\b(sk|pk|rk)-[A-Za-z0-9_*\-.]{6,}/g;
const BEARER = /\bBearer\s+[A-Za-z0-9_*\-.=]{6,}/gi;

export function redactSecrets(text: string, secrets: readonly (string | undefined)[] = []): string {
  let out = text;
  for (const s of secrets) {
    if (s && s.length >= 4) out = out.split(s).join('[redacted]');
  }
  return out.replace(KEY_SHAPED, '[redacted]').replace(BEARER, 'Bearer [redacted]');
}
