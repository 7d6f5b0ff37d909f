import type * as vscode from 'vscode';
import type { PresetName } from '../core/config/runConfig';

/** What Optimize Prompt asked last time for one prompt file, offered first next time. */
export interface LastChoices {
  dataSource?: string;
  metric?: string;
  preset?: PresetName;
}

/**
 * Typed wrapper over the workspace's Memento: no raw keys outside this file.
 */
export class WorkspaceState {
  private static readonly choicesKey = 'dlpo.lastChoices';
  private static readonly offeredKey = 'dlpo.interruptedRunsOffered';

  constructor(private readonly memento: vscode.Memento) {}

  lastChoices(promptFile: string): LastChoices {
    const all = this.memento.get<Record<string, LastChoices>>(WorkspaceState.choicesKey, {});
    return all[promptFile] ?? {};
  }

  async updateLastChoices(promptFile: string, choices: LastChoices): Promise<void> {
    const all = { ...this.memento.get<Record<string, LastChoices>>(WorkspaceState.choicesKey, {}) };
    all[promptFile] = { ...all[promptFile], ...choices };
    await this.memento.update(WorkspaceState.choicesKey, all);
  }

  /** Interrupted runs already offered for resume (each is offered once). */
  interruptedRunsOffered(): string[] {
    return this.memento.get<string[]>(WorkspaceState.offeredKey, []);
  }

  async markInterruptedRunOffered(runId: string): Promise<void> {
    const offered = new Set(this.interruptedRunsOffered());
    offered.add(runId);
    // Bounded: only the latest entries matter.
    await this.memento.update(WorkspaceState.offeredKey, [...offered].slice(-200));
  }
}
