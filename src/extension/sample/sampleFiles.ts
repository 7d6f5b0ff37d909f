/**
 * The sample workspace's files: a prompt with room to improve, real GSM8K rows, and a
 * `dlpo.config.yaml` for the offline simulator. No `vscode` import (unit-tested).
 */
export const SAMPLE_PROMPT_FILE = 'math.prompt.md';
export const SAMPLE_DATA_FILE = 'gsm8k-sample.jsonl';
export const SAMPLE_CONFIG_FILE = 'dlpo.config.yaml';
export const SAMPLE_ROWS = 40;

export const SAMPLE_PROMPT = `---
description: 'Solve a grade-school math word problem'
---

You will answer a math word problem. Think step by step.
`;

/** `schemaLocation`: where the installed extension's schema is (a file URI), for the Red Hat YAML extension. */
export function sampleConfigYaml(schemaLocation: string): string {
  return `# yaml-language-server: $schema=${schemaLocation}
#
# DLPO settings for this folder. They override the dlpo.* VS Code settings; the choices
# you make when you run "DLPO: Optimize Prompt" override them. With the Red Hat YAML
# extension the line above gives completion and validation here; dlpo.config.json gets
# them without any extension.
#
# This sample runs on the offline simulator: no key, no network, no cost. Its scores show
# how the optimizer behaves, not how a real model would score. Run "DLPO: Select Models"
# (or delete the forward/backward entries) to use a real model.
data:
  source: ${SAMPLE_DATA_FILE}   # ${SAMPLE_ROWS} real GSM8K training rows
  trainSize: 15
  valSize: 10
  testSize: 15
forward:
  provider: simulator
  model: simulator
backward:
  provider: simulator
  model: simulator
  # Paced so the critiques and the rewrite can be read as they stream, as with a real
  # model (the simulator would finish the whole run in a second or two). Raise it, or
  # delete the line, for full speed.
  streamCharsPerSecond: 600
batchSize: 5
seed: 1001
budget:
  maxCalls: 2000
`;
}

/** The first `count` non-empty JSONL rows of a benchmark file, each checked to parse. */
export function firstJsonlRows(text: string, count: number): string {
  const rows: string[] = [];
  for (const line of text.split('\n')) {
    if (rows.length >= count) break;
    const t = line.trim();
    if (!t) continue;
    JSON.parse(t);
    rows.push(t);
  }
  return `${rows.join('\n')}\n`;
}
