/**
 * Export to promptfoo, as the extension uses it. The config is built in core
 * (`src/core/promptfoo/exportConfig.ts`) so the CLI's `dlpo eval --export-promptfoo`
 * writes the same file from the same messages.
 */
export { buildPromptfooConfig, exportTests, messagesJson, type PromptfooExport, type PromptfooExportInput, type PromptfooExportTest } from '../../core/promptfoo/exportConfig';
