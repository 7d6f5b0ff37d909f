import { MetricConfigError } from '../metrics/errors';
import { PromptParseError } from '../prompt/promptParseError';
import { TemplateError } from '../prompt/templateVariables';
import { DatasetError } from './datasetError';
import { InputFileError } from './inputFile';

/**
 * Errors that mean "the user's input is wrong" (a file, a dataset, a prompt, a metric
 * option), so a shell should report the message and exit 2 rather than treat them as a
 * crash. Every other error is a failure.
 */
export function isBadInputError(e: unknown): e is DatasetError | InputFileError | MetricConfigError | PromptParseError | TemplateError {
  return e instanceof DatasetError || e instanceof InputFileError || e instanceof MetricConfigError || e instanceof PromptParseError || e instanceof TemplateError;
}
