import type { MethodOptions, PresetName, TechniqueOptions } from './runConfig';
import { MethodOptionsSchema, TechniqueOptionsSchema } from './runConfig';

export interface Preset {
  name: PresetName;
  label: string;
  description: string;
  techniques: Partial<TechniqueOptions>;
  method: Partial<MethodOptions>;
}

const REFERENCE_METHOD: Partial<MethodOptions> = {
  gradientAggregation: 'single',
  formatInstructionInTraining: false,
  formatSeparator: 'none',
  enforceInCode: false,
  pastFeedbackAlways: true,
  tsaInitialScore: 'zero',
  regularizeNeedsMemory: true,
  repairUpdateReply: false,
  contrastiveKeepDuplicates: true,
  updateLayout: 'prompt-last',
  blockOrder: 'contrastive-first',
  acceptUnchanged: true,
  lrDecayFirstStep: 'lr',
  dropoutEmptyBlock: true,
};

/** The paper's named configurations (method.md, "Presets we offer"). */
export const PRESETS: Record<PresetName, Preset> = {
  best: {
    name: 'best',
    label: 'Best practice (recommended)',
    description: 'TLRD + TSA + TCL + TRegu: the paper’s best practice.',
    techniques: { lrDecay: 5, tsa: true, contrastive: true, regularize: true },
    method: {},
  },
  robust: {
    name: 'robust',
    label: 'Robust',
    description: 'TLR (R = 1) + TDO (p = 0.5): the paper’s low-variance setting.',
    techniques: { lr: 1, dropout: 0.5 },
    method: {},
  },
  textgrad: {
    name: 'textgrad',
    label: 'TextGrad baseline',
    description: 'The plain TextGrad loop with no technique.',
    techniques: {},
    method: {},
  },
  reference: {
    name: 'reference',
    label: 'Reference implementation',
    description: 'Reproduces sfasfaffa/DLPO’s behaviour, quirks included, for parity.',
    techniques: { lrDecay: 5, tsa: true, contrastive: true, regularize: true, momentum: 3 },
    method: REFERENCE_METHOD,
  },
  all: {
    name: 'all',
    label: 'All seven techniques',
    description: 'TLR/TLRD, TDO, TMnt, TCL, TRegu and TSA together.',
    techniques: { lrDecay: 5, dropout: 0.2, momentum: 3, contrastive: true, regularize: true, tsa: true },
    method: {},
  },
  custom: {
    name: 'custom',
    label: 'Custom…',
    description: 'Only the techniques you switch on.',
    techniques: {},
    method: {},
  },
};

/** Technique and method options of a preset with explicit overrides on top. */
export function resolvePreset(
  name: PresetName,
  overrides: { techniques?: Partial<TechniqueOptions>; method?: Partial<MethodOptions> } = {},
): { techniques: TechniqueOptions; method: MethodOptions } {
  const preset = PRESETS[name];
  return {
    techniques: TechniqueOptionsSchema.parse({ ...preset.techniques, ...overrides.techniques }),
    method: MethodOptionsSchema.parse({ ...preset.method, ...overrides.method }),
  };
}

export const TECHNIQUE_NAMES = ['tlr', 'tlrd', 'tdo', 'tmnt', 'tcl', 'tregu', 'tsa'] as const;
export type TechniqueName = (typeof TECHNIQUE_NAMES)[number];

/** The names of the techniques a set of options turns on, for chips and reports. */
export function enabledTechniques(t: TechniqueOptions): TechniqueName[] {
  const on: TechniqueName[] = [];
  if (t.lr > 0) on.push('tlr');
  if (t.lrDecay > 0) on.push('tlrd');
  if (t.dropout > 0) on.push('tdo');
  if (t.momentum > 0) on.push('tmnt');
  if (t.contrastive) on.push('tcl');
  if (t.regularize) on.push('tregu');
  if (t.tsa) on.push('tsa');
  return on;
}
