import type { ChatMessage } from '../llm/chatModel';
import type { Metric } from '../metrics/metric';
import type { ForwardFormat } from './benchmarks';
import type { DatasetSplits, Example } from './example';

/**
 * A dataset bound to a metric and a way of turning (prompt, example) into the
 * forward model's messages. The trainer needs nothing else about the data.
 */
export interface Task extends DatasetSplits {
  /** `gsm8k`, `bbh/object_counting`, or the dataset file's path. */
  id: string;
  description: string;
  metric: Metric;
  /** How a plain input is put in the user message (`Question: ` for the math sets); `raw` when absent. */
  forwardFormat?: ForwardFormat;
  /**
   * Messages for the forward model. A prompt without template variables is the system
   * message and the example's input the user message; a prompt with variables is
   * rendered per example. `includeFormatInstruction` appends the metric's answer-format
   * instruction (the reference does so only at evaluation).
   */
  forwardMessages(promptText: string, example: Example, options: ForwardOptions): ChatMessage[];
}

/** How the answer-format instruction joins the user message: after a blank line, or glued on as the reference does at evaluation. */
export type FormatSeparator = 'blank-line' | 'none';

export interface ForwardOptions {
  includeFormatInstruction: boolean;
  /** Default `blank-line`. */
  formatSeparator?: FormatSeparator;
}
