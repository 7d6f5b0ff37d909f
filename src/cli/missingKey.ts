import type { ModelSpec } from '../core/config/runConfig';
import type { RunEventOf } from '../core/run/events';

/**
 * A keyless endpoint (`openai-compatible` with no key in the environment: local servers
 * usually need none) that answers 401 asks for a key, but the provider's message says it
 * "rejected the API key", and the user goes looking for a key that was never sent. The
 * CLI knows no key was set, so it says that instead, with the flag that supplies one.
 */

export interface KeylessModel {
  model: string;
  /** The variable that was looked at, e.g. OPENAI_API_KEY. */
  envName: string;
}

/** The HTTP models of a run that go without a key. */
export function keylessModels(
  config: { forward: Pick<ModelSpec, 'provider' | 'model' | 'apiKeyEnv'>; backward: Pick<ModelSpec, 'provider' | 'model' | 'apiKeyEnv'> },
  apiKeys: { forward?: string; backward?: string },
): KeylessModel[] {
  const out: KeylessModel[] = [];
  for (const role of ['forward', 'backward'] as const) {
    const spec = config[role];
    if (spec.provider === 'openai-compatible' && !apiKeys[role]) out.push({ model: spec.model, envName: spec.apiKeyEnv ?? 'OPENAI_API_KEY' });
  }
  return out;
}

const REJECTED = / rejected the API key \(401\)\..*$/s;

/** `message` with a 401 of a keyless model said as what it is: no key is set. */
export function explainMissingKey(message: string, keyless: readonly KeylessModel[]): string {
  const m = REJECTED.exec(message);
  if (!m) return message;
  const label = message.slice(0, m.index);
  const which = keyless.find((k) => label.includes(k.model));
  if (!which) return message;
  return `${label} asks for an API key (401), but no key is set (the environment variable ${which.envName} is empty). ${missingKeyAction(which)}`;
}

export function missingKeyAction(k: KeylessModel): string {
  return `Put the key in an environment variable and pass --api-key-env NAME, or set ${k.envName}; keys are never read from flags.`;
}

/** An `auth` error event as the user should read it (see explainMissingKey). */
export function withMissingKeyExplained(e: RunEventOf<'error'>, keyless: readonly KeylessModel[]): RunEventOf<'error'> {
  const message = explainMissingKey(e.message, keyless);
  if (message === e.message) return e;
  // The action is already in the message.
  const { action: _action, ...rest } = e;
  return { ...rest, message };
}
