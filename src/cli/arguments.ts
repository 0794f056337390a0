/**
 * The command line's arguments, strictly: every command names its flags and positionals, and anything else is a
 * usage error that names the flag and lists the command's flags. `--flag value` and `--flag=value` both work;
 * `<command> --help` is that command's help and nothing else.
 */
import { parseArgs } from 'node:util';

/** A flag of a command: a value (`--limit N`) or a switch (`--json`). */
export interface FlagSpec {
  readonly value?: string;
  readonly help: string;
}

/** A command's arguments: its flags and its positionals (`<sku|productId>`, `FILE|-`), all required. */
export interface CommandSpec {
  readonly summary: string;
  readonly positionals?: ReadonlyArray<string>;
  readonly flags: Readonly<Record<string, FlagSpec>>;
  /** Flags a run cannot do without (`--facility-group` of hard-sync). */
  readonly required?: ReadonlyArray<string>;
}

/** What a command was given: its flags' values (a switch is `true`) and its positionals in order. */
export interface ParsedArguments {
  readonly values: Readonly<Record<string, string | true>>;
  readonly positionals: ReadonlyArray<string>;
}

export type ParseOutcome =
  | { readonly _tag: 'parsed'; readonly args: ParsedArguments }
  | { readonly _tag: 'help' }
  | { readonly _tag: 'usage-error'; readonly message: string };

/** The flags every command that reads the settings takes. */
export const CONFIG_FLAG: Readonly<Record<string, FlagSpec>> = {
  config: { value: 'FILE', help: 'settings (JSON); without it, the embedded defaults' },
};
export const JSON_FLAG: Readonly<Record<string, FlagSpec>> = { json: { help: 'the report (or the error) as JSON' } };

/** The command's usage line: `oms-inventory-sync verify --facility-group ID [--sample N] [--config FILE] [--json]`. */
export const usageLine = (name: string, spec: CommandSpec): string => {
  const required = new Set(spec.required ?? []);
  const flag = (f: string) => {
    const s = spec.flags[f];
    return `--${f}${s?.value === undefined ? '' : ` ${s.value}`}`;
  };
  const flags = Object.keys(spec.flags).map((f) => (required.has(f) ? flag(f) : `[${flag(f)}]`));
  return ['oms-inventory-sync', name, ...(spec.positionals ?? []).map((p) => `<${p}>`), ...flags].join(' ');
};

/** `<command> --help`: the usage line, what the command does, and each flag. */
export const commandHelp = (name: string, spec: CommandSpec): string => {
  const flags = Object.entries(spec.flags).map(
    ([f, s]) => `  ${`--${f}${s.value === undefined ? '' : ` ${s.value}`}`.padEnd(24)}${s.help}`,
  );
  return [
    `Usage: ${usageLine(name, spec)}`,
    '',
    spec.summary,
    ...(flags.length > 0 ? ['', 'Options:', ...flags] : []),
  ].join('\n');
};

const known = (spec: CommandSpec): string => {
  const names = Object.keys(spec.flags).map((f) => `--${f}`);
  return names.length === 0 ? 'it takes no flags' : `its flags: ${names.join(', ')}`;
};

/** Parses a command's arguments against its spec; never throws. */
export const parseCommandArguments = (name: string, spec: CommandSpec, argv: ReadonlyArray<string>): ParseOutcome => {
  if (argv.includes('--help') || argv.includes('-h')) return { _tag: 'help' };
  const options = Object.fromEntries(
    Object.entries(spec.flags).map(([f, s]) => [f, { type: s.value === undefined ? 'boolean' : 'string' }] as const),
  );
  const { tokens } = parseArgs({ args: [...argv], options, allowPositionals: true, strict: false, tokens: true });
  const values: Record<string, string | true> = {};
  const positionals: string[] = [];
  const problem = (message: string): ParseOutcome => ({ _tag: 'usage-error', message: `${name}: ${message}` });
  for (const token of tokens) {
    if (token.kind === 'option-terminator') continue;
    if (token.kind === 'positional') {
      positionals.push(token.value);
      continue;
    }
    const flag = spec.flags[token.name];
    if (flag === undefined) return problem(`unknown flag ${token.rawName} (${known(spec)})`);
    if (flag.value === undefined) {
      if (token.value !== undefined) return problem(`${token.rawName} takes no value`);
      values[token.name] = true;
      continue;
    }
    // `--limit --json` is a missing value, not a limit of "--json".
    if (token.value === undefined || (!token.inlineValue && token.value.startsWith('-') && token.value !== '-'))
      return problem(`${token.rawName} needs a value (${token.rawName} ${flag.value})`);
    if (token.name in values) return problem(`${token.rawName} is given twice`);
    values[token.name] = token.value;
  }
  const wanted = spec.positionals ?? [];
  if (positionals.length > wanted.length)
    return problem(
      wanted.length === 0
        ? `unexpected argument '${positionals[wanted.length]}' (it takes none)`
        : `unexpected argument '${positionals[wanted.length]}' (it takes ${wanted.map((p) => `<${p}>`).join(' ')})`,
    );
  if (positionals.length < wanted.length) return problem(`needs <${wanted[positionals.length]}>`);
  for (const f of spec.required ?? [])
    if (!(f in values)) return problem(`needs --${f} ${spec.flags[f]?.value ?? ''}`.trimEnd());
  return { _tag: 'parsed', args: { values, positionals } };
};

/** A flag's value as a whole number at least `min`, or what is wrong with it. */
export const wholeNumber = (
  args: ParsedArguments,
  flag: string,
  fallback: number,
  min: number,
): { readonly ok: true; readonly value: number } | { readonly ok: false; readonly message: string } => {
  const given = args.values[flag];
  if (given === undefined) return { ok: true, value: fallback };
  const text = String(given);
  return /^\d+$/.test(text) && Number(text) >= min && Number.isSafeInteger(Number(text))
    ? { ok: true, value: Number(text) }
    : { ok: false, message: `--${flag} must be a whole number from ${min}, got "${text}"` };
};

/** A flag's text value, if given. */
export const textFlag = (args: ParsedArguments, flag: string): string | undefined => {
  const v = args.values[flag];
  return typeof v === 'string' ? v : undefined;
};
