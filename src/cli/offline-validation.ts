import { AppError } from '../api/errors.js';
import { receiveDefinition, validationAnswer } from '../api/definitions.js';
import { loadConfig } from '../config.js';
import { formatWorkflowRef } from '../dag/workflow-ref.js';
import { loadPlugins, pluginSources } from '../plugins/loader.js';
import type { ValidationWire } from './api-client.js';
import { CliError } from './cli-error.js';
import { locate, type DefinitionFile } from './definition-file.js';
import { exitCodeOfHttp } from './exit-codes.js';

/** A file validated here, and the workflow references that could not be checked without the store. */
export interface OfflineValidation {
  answer: ValidationWire;
  unchecked: string[];
}

/**
 * Validates a definition file with no Weft running: the same checks as
 * `POST /workflows/validate` (the pure validator, the input's JSON Schema, the
 * plugins of `WEFT_PLUGINS`/`WEFT_PLUGIN_DIR` loaded here) except that
 * workflow references are taken as existing, and listed as not checked.
 * @throws CliError like the API's answer would make it (parse error, or every problem at its path and line).
 */
export async function validateOffline(file: DefinitionFile): Promise<OfflineValidation> {
  const plugins = await loadPlugins(pluginSources(loadConfig()));
  const unchecked = new Set<string>();
  const assumeStored = async (name: string, version?: number) => {
    unchecked.add(formatWorkflowRef(name, version));
    return true;
  };
  try {
    const { definition, warnings } = await receiveDefinition(file.text, assumeStored, plugins);
    return { answer: validationAnswer(definition, warnings), unchecked: [...unchecked] };
  } catch (err) {
    if (!(err instanceof AppError)) throw err;
    throw locate(new CliError(err.code, err.message, exitCodeOfHttp(err.status), err.details ?? null), file);
  }
}
