import type { ModelSpec } from '../config/runConfig';

/**
 * Where a model is reached may change when a run is resumed: a local server moved to
 * another port, the key now lives in another variable, the endpoint is a different
 * provider. These fields are left out of the checkpoint's config hash (checkpoint.ts), so
 * a resume can change them; the resumed session's `run-start` lists each change
 * (`changed`), and a different *model* also gets a warning, because scores after the
 * change come from another model. Sampling (temperature, maxTokens) shapes the
 * trajectory and stays as configured.
 */
export const ENDPOINT_FIELDS = ['provider', 'model', 'baseUrl', 'apiKeyEnv', 'azureEndpoint', 'azureApiVersion'] as const;

export type EndpointChange = Partial<Pick<ModelSpec, (typeof ENDPOINT_FIELDS)[number]>>;

export interface ResumeModels {
  forward?: EndpointChange;
  backward?: EndpointChange;
}

export interface AppliedResumeModels {
  forward: ModelSpec;
  backward: ModelSpec;
  /** One line per changed field, e.g. `forward.baseUrl: http://…:4101/v1 → http://…:4102/v1`. */
  changes: string[];
  /** One sentence per role whose model changed. */
  modelWarnings: string[];
}

function applyOne(saved: ModelSpec, given: EndpointChange | undefined): ModelSpec {
  if (!given) return saved;
  // A different provider starts from a clean endpoint: the old base URL or Azure endpoint means nothing to it.
  const base: ModelSpec =
    given.provider !== undefined && given.provider !== saved.provider
      ? { provider: given.provider, model: saved.model, temperature: saved.temperature, ...(saved.maxTokens !== undefined ? { maxTokens: saved.maxTokens } : {}) }
      : { ...saved };
  for (const field of ENDPOINT_FIELDS) {
    const value = given[field];
    if (value !== undefined) (base as Record<string, unknown>)[field] = value;
  }
  return base;
}

/** The saved run's model specs with the resume's endpoint changes applied, and what changed. */
export function applyResumeModels(saved: { forward: ModelSpec; backward: ModelSpec }, given: ResumeModels | undefined): AppliedResumeModels {
  const out: AppliedResumeModels = { forward: saved.forward, backward: saved.backward, changes: [], modelWarnings: [] };
  for (const role of ['forward', 'backward'] as const) {
    const before = saved[role];
    const after = applyOne(before, given?.[role]);
    out[role] = after;
    for (const field of ENDPOINT_FIELDS) {
      if (before[field] !== after[field]) out.changes.push(`${role}.${field}: ${before[field] ?? '(none)'} → ${after[field] ?? '(none)'}`);
    }
    if (before.model !== after.model || (before.provider === 'simulator') !== (after.provider === 'simulator')) {
      out.modelWarnings.push(
        `The ${role} model changed from ${before.model} to ${after.model} on resume: results after this point come from a different model and are not comparable with those before it.`,
      );
    }
  }
  return out;
}
