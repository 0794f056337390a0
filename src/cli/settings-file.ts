/**
 * The configuration a command runs on: the settings file (`--config FILE`, JSON) or the embedded defaults, and the
 * environment, asking only for the secrets of the sections the command needs. Shared by every command.
 */
import { readFileSync } from 'node:fs';
import { type Either, isLeft, left, right } from 'fp-ts/lib/Either.js';
import { type Config, type ConfigSection, loadConfig } from '../composition/config.ts';

/** The configuration, or what is wrong with it as a sentence (never a secret's value). */
export const readSettings = (file: string | undefined, needs: ReadonlyArray<ConfigSection>): Either<string, Config> => {
  const settings = readSettingsFile(file);
  if (isLeft(settings)) return settings;
  const config = loadConfig(settings.right, process.env, needs);
  return isLeft(config) ? left(`invalid configuration:\n  ${config.left.problems.join('\n  ')}`) : right(config.right);
};

/** The settings file's JSON as it is (undefined without a file: the embedded defaults), or why it cannot be read. */
export const readSettingsFile = (file: string | undefined): Either<string, unknown> => {
  try {
    return right(file === undefined ? undefined : JSON.parse(readFileSync(file, 'utf8')));
  } catch (error) {
    return left(`cannot read the config file ${file}: ${error instanceof Error ? error.message : String(error)}`);
  }
};
