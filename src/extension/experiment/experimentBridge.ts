import * as path from 'node:path';
import { collectResults, readResults, resultsMarkdown, type ExperimentResults } from '../../core/experiment/experimentResults';
import { tableToCsv } from '../../core/experiment/exportTable';
import { parseExperimentWebviewMessage, type ExperimentHostToWebview, type ExportFormat } from '../../shared/experimentProtocol';

/** What the bridge needs from VS Code (a fake in tests). */
export interface ExperimentBridgeHost {
  post(message: ExperimentHostToWebview): void;
  openRun(runDir: string): Promise<void>;
  /** Asks where to save; undefined when the user cancels. */
  save(defaultPath: string, format: ExportFormat, content: string): Promise<string | undefined>;
  stop(): void;
  /** Continues the experiment in this folder (DLPO: Resume Experiment). */
  resume(): void;
  isRunning(): boolean;
  /** The live results, when this window runs the experiment. */
  latest(): ExperimentResults | null;
  warn(message: string): void;
}

/** The file content of each export format. */
export function exportContent(results: ExperimentResults, format: ExportFormat): { content: string; fileName: string } {
  switch (format) {
    case 'csv':
      return { content: tableToCsv(results.rows), fileName: 'results.csv' };
    case 'json':
      return { content: `${JSON.stringify(results, null, 2)}\n`, fileName: 'results.json' };
    case 'markdown':
      return { content: resultsMarkdown(results), fileName: 'results.md' };
  }
}

/**
 * The host side of the experiment panel without `vscode`: validates each webview message
 * and answers it. A run key from the page only ever selects one of the experiment's own
 * planned runs, never an arbitrary path.
 */
export class ExperimentBridge {
  constructor(
    readonly experimentDir: string,
    private readonly host: ExperimentBridgeHost,
  ) {}

  /** The results to show: live ones, else read from the folder (journals first, results.json as fallback). */
  results(): ExperimentResults | null {
    const live = this.host.latest();
    if (live) return live;
    try {
      return collectResults(this.experimentDir);
    } catch (e) {
      this.host.warn(`Could not read the experiment in ${this.experimentDir}: ${e instanceof Error ? e.message : String(e)}`);
      return readResults(this.experimentDir);
    }
  }

  pushResults(): void {
    const results = this.results();
    if (results) this.host.post({ type: 'results', results, running: this.host.isRunning() });
  }

  async receive(data: unknown): Promise<void> {
    const parsed = parseExperimentWebviewMessage(data);
    if (!parsed.ok) {
      this.host.warn(`Experiment panel: ignored a malformed message (${parsed.error}).`);
      return;
    }
    const m = parsed.message;
    switch (m.type) {
      case 'ready':
        this.pushResults();
        return;
      case 'openRun': {
        const run = this.results()?.runs.find((r) => r.key === m.key);
        if (!run) {
          this.host.warn(`Experiment panel: no run "${m.key}" in this experiment.`);
          return;
        }
        await this.host.openRun(path.resolve(this.experimentDir, run.runDir));
        return;
      }
      case 'export': {
        const results = this.results();
        if (!results) return;
        const { content, fileName } = exportContent(results, m.format);
        await this.host.save(path.join(this.experimentDir, fileName), m.format, content);
        return;
      }
      case 'stop':
        this.host.stop();
        return;
      case 'resume':
        if (!this.host.isRunning()) this.host.resume();
        return;
      case 'log':
        this.host.warn(`Experiment panel: ${m.message}`);
        return;
      default: {
        const never: never = m;
        return never;
      }
    }
  }
}
