import type { ExperimentConfig, ExperimentSpec } from './experimentSpec';
import { ExperimentConfigSchema, seedList } from './experimentSpec';

/** One run of an experiment: a configuration and a seed. */
export interface PlannedRun {
  config: ExperimentConfig;
  seed: number;
  /** Folder name under the experiment directory: stable, so resume finds finished runs. */
  key: string;
}

/**
 * Expands the spec into configurations: each listed configuration merged over `base`,
 * then multiplied by the grid's cartesian product (names get `key=value` suffixes).
 */
export function expandConfigs(spec: ExperimentSpec): ExperimentConfig[] {
  const merged = spec.configs.map((c) =>
    ExperimentConfigSchema.parse({
      ...spec.base,
      ...c,
      techniques: { ...spec.base.techniques, ...c.techniques },
      method: { ...spec.base.method, ...c.method },
    }),
  );
  if (!spec.grid || Object.keys(spec.grid).length === 0) return merged;
  const axes = Object.entries(spec.grid);
  let combos: [string, unknown][][] = [[]];
  for (const [path, values] of axes) combos = combos.flatMap((combo) => values.map((v) => [...combo, [path, v] as [string, unknown]]));
  return merged.flatMap((c) =>
    combos.map((combo) => {
      const copy: Record<string, unknown> = structuredClone(c);
      for (const [path, value] of combo) setPath(copy, path, value);
      copy.name = `${c.name} ${combo.map(([p, v]) => `${p.split('.').pop()}=${v}`).join(' ')}`;
      return ExperimentConfigSchema.parse(copy);
    }),
  );
}

export function planRuns(spec: ExperimentSpec): PlannedRun[] {
  const configs = expandConfigs(spec);
  const names = new Set<string>();
  for (const c of configs) {
    if (names.has(c.name)) throw new Error(`Two configurations are named "${c.name}": give each a unique name.`);
    names.add(c.name);
  }
  return configs.flatMap((config) => seedList(spec.seeds).map((seed) => ({ config, seed, key: `${slug(config.name)}__seed-${seed}` })));
}

function setPath(target: Record<string, unknown>, path: string, value: unknown): void {
  const parts = path.split('.');
  let node = target;
  for (const p of parts.slice(0, -1)) {
    if (typeof node[p] !== 'object' || node[p] === null) node[p] = {};
    node = node[p] as Record<string, unknown>;
  }
  node[parts[parts.length - 1]] = value;
}

export function slug(name: string): string {
  return name.trim().replace(/[^\w.+\-=]+/g, '_');
}
