import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ExperimentResults } from '../../core/experiment/experimentResults';
import type { ExperimentHostToWebview } from '../../shared/experimentProtocol';

/**
 * An experiment this window is running: its folder, its Stop, the latest results and a
 * stream of panel messages (results after each run, progress per step).
 */
export class LiveExperiment implements vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<ExperimentHostToWebview>();
  readonly onMessage = this.emitter.event;
  readonly controller = new AbortController();
  latest: ExperimentResults | null = null;
  running = true;

  constructor(readonly experimentDir: string) {}

  publish(message: ExperimentHostToWebview): void {
    if (message.type === 'results') this.latest = message.results as ExperimentResults;
    this.emitter.fire(message);
  }

  stop(): void {
    this.controller.abort();
  }

  dispose(): void {
    this.emitter.dispose();
  }
}

/** Live experiments by folder, so a panel opened later still gets progress and Stop. */
export class LiveExperiments implements vscode.Disposable {
  private readonly byDir = new Map<string, LiveExperiment>();

  get(dir: string): LiveExperiment | undefined {
    return this.byDir.get(path.resolve(dir));
  }

  start(dir: string): LiveExperiment {
    const live = new LiveExperiment(path.resolve(dir));
    this.byDir.set(live.experimentDir, live);
    return live;
  }

  end(live: LiveExperiment): void {
    live.running = false;
    if (this.byDir.get(live.experimentDir) === live) this.byDir.delete(live.experimentDir);
  }

  dispose(): void {
    for (const live of this.byDir.values()) {
      live.stop();
      live.dispose();
    }
    this.byDir.clear();
  }
}
