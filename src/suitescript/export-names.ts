/**
 * File names of the export, pure and deterministic: the same instant always gives the same name, names sort in
 * time order, and no name holds a space, a colon or a path separator (safe in the File Cabinet, on SFTP and in the
 * OMS importer's name rules).
 */

const pad = (n: number, width: number): string => String(n).padStart(width, '0');

/** The instant as compact ISO-8601 UTC, to the second: `20261122T010000Z`. */
export const exportTimestamp = (at: Date): string =>
  `${pad(at.getUTCFullYear(), 4)}${pad(at.getUTCMonth() + 1, 2)}${pad(at.getUTCDate(), 2)}T${pad(at.getUTCHours(), 2)}${pad(at.getUTCMinutes(), 2)}${pad(at.getUTCSeconds(), 2)}Z`;

/** Whether a file-name prefix is safe: 1 to 40 letters, digits, '_' or '-', starting with a letter or digit. */
export const isSafePrefix = (prefix: string): boolean => /^[A-Za-z0-9][A-Za-z0-9_-]{0,39}$/.test(prefix);

/** The export's CSV name: `inventory-20261122T010000Z.csv`. */
export const exportFileName = (prefix: string, at: Date): string => `${prefix}-${exportTimestamp(at)}.csv`;

/** The marker the export script leaves while it submits the SearchTask (it has no task id yet). */
export const pendingMarkerName = (csvName: string): string => `${csvName}.pending.json`;

/** The marker that names the SearchTask writing `csvName`. */
export const taskMarkerName = (csvName: string): string => `${csvName}.task.json`;

/** What a marker is for: its CSV and its kind, or undefined when the name is not a marker. */
export const parseMarkerName = (
  name: string,
): { readonly csvName: string; readonly kind: 'pending' | 'task' } | undefined => {
  const match = /^(.+\.csv)\.(pending|task)\.json$/i.exec(name);
  return match === null
    ? undefined
    : { csvName: match[1]!, kind: match[2]!.toLowerCase() === 'pending' ? 'pending' : 'task' };
};

/** The name of part `index` (1-based) of a split export: `inventory-20261122T010000Z-part001.csv`. */
export const partFileName = (csvName: string, index: number): string =>
  csvName.replace(/(\.csv)?$/i, `-part${pad(index, 3)}.csv`);

/**
 * The name a file is uploaded under before it is renamed to `finalName`. The OMS importer never reads a `*.part`
 * name, so a half-written upload is never imported.
 */
export const temporaryName = (finalName: string): string => `${finalName}.part`;

/** Whether a File Cabinet or remote name is a finished CSV (a `.csv`, not a temporary or hidden name). */
export const isFinishedCsvName = (name: string): boolean => /\.csv$/i.test(name) && !/^[.~]/.test(name);

/** The UTF-8 length of a string in bytes (SuiteScript has no TextEncoder to ask). */
export const utf8Length = (text: string): number => {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) bytes += 1;
    else if (c < 0x800) bytes += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      bytes += 4;
      i++;
    } else bytes += 3;
  }
  return bytes;
};

/** The number of `"` in a line: a CSV record continues onto the next line while its running count is odd. */
export const quoteCount = (line: string): number => {
  let count = 0;
  for (let i = line.indexOf('"'); i !== -1; i = line.indexOf('"', i + 1)) count++;
  return count;
};
