/** Prompt documents: parse, inspect variables, and write back only the body. */
export { parsePromptDocument, type ParseOptions } from './parsePromptDocument';
export { replaceBody } from './replaceBody';
export { PromptParseError } from './promptParseError';
export type { PromptDocument, PromptFormat, PromptRegion, RegionOption, TextRange } from './promptDocument';
export { detectPromptFormat } from './promptFormat';
export { bindVariables, checkVariables, findVariables, renderTemplate, TemplateError, variableNames, type TemplateVariable } from './templateVariables';
