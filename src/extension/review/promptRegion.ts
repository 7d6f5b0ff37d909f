import * as fs from 'node:fs';
import * as path from 'node:path';
import type * as vscode from 'vscode';
import type { RegionOption } from '../../core/prompt/promptDocument';
import { locateRegion, type PromptRegion } from '../../core/review/regionText';
import { trackRange, type OffsetRange } from '../../core/review/trackRange';
import type { RunSession } from '../run/runSession';

export type { PromptRegion } from '../../core/review/regionText';

/**
 * Where a run's optimizable region is in its prompt file, found the way the run found
 * it: re-parsed each time for the whole body or a named section, and for a run on an
 * editor selection, tracked through the user's edits like a marker (the offsets the run
 * started with go stale as soon as anything before them changes).
 */
export class RunRegion {
  private selection: OffsetRange | undefined;

  constructor(
    readonly fileName: string,
    private readonly option?: RegionOption,
  ) {
    if (option && 'start' in option) this.selection = { start: option.start, end: option.end };
  }

  /** The run's region option from its `config.json`, when the run folder has one. */
  static forSession(session: RunSession): RunRegion {
    const fileName = path.basename(session.documentUri.fsPath);
    let option: RegionOption | undefined;
    try {
      const config = JSON.parse(fs.readFileSync(path.join(session.runDir, 'config.json'), 'utf8')) as { region?: unknown };
      const r = config.region as { section?: unknown; start?: unknown; end?: unknown } | undefined;
      if (r && typeof r.section === 'string') option = { section: r.section };
      else if (r && typeof r.start === 'number' && typeof r.end === 'number') option = { start: r.start, end: r.end };
    } catch {
      // No readable config (a run folder being written, or a test's session): the whole body.
    }
    return new RunRegion(fileName, option);
  }

  /** Whether the region is a tracked selection (written as a whole so the tracking stays exact). */
  get isSelection(): boolean {
    return this.selection !== undefined;
  }

  locate(documentText: string): PromptRegion | null {
    return locateRegion(documentText, this.fileName, this.selection ?? this.option);
  }

  track(changes: readonly vscode.TextDocumentContentChangeEvent[]): void {
    if (!this.selection) return;
    this.selection = trackRange(
      this.selection,
      changes.map((c) => ({ offset: c.rangeOffset, length: c.rangeLength, insertedLength: c.text.length })),
    );
  }
}
