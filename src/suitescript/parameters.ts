/**
 * The script parameters of the two scripts, read from the running deployment and validated: every problem is
 * named at once, so an administrator fixes the deployment in one go.
 */
import { isSafePrefix } from './export-names.ts';
import type { RuntimeScript, SftpCredential } from './netsuite-modules.ts';
import { EXPORT_PARAMETERS, UPLOAD_PARAMETERS } from './script-ids.ts';

/** A validated value, or every problem found. */
export type Checked<A> =
  | { readonly ok: true; readonly value: A }
  | { readonly ok: false; readonly problems: ReadonlyArray<string> };

/** N/sftp refuses files above 100 MB; 100,000,000 bytes is the conservative (decimal) reading of that limit. */
export const SFTP_MAX_FILE_BYTES = 100_000_000;

/** The smallest part size accepted: a part must hold the header and at least one row (a NetSuite line is < 10 MB). */
export const MIN_PART_BYTES = 1024;

/** The export script's settings. */
export interface ExportSettings {
  readonly savedSearchId: string;
  readonly folderId: number;
  readonly filePrefix: string;
}

/** The upload script's settings. */
export interface UploadSettings {
  readonly exportFolderId: number;
  readonly archiveFolderId: number;
  readonly errorFolderId: number;
  readonly host: string;
  readonly port: number;
  readonly username: string;
  readonly hostKey: string;
  readonly hostKeyType: 'dsa' | 'ecdsa' | 'rsa' | undefined;
  readonly credential:
    | SftpCredential
    | ({ readonly keyId: string } & ({ readonly passwordGuid: string } | { readonly secret: string }));
  /** The OMS inbox, absolute: `/home/{user}/netsuite/inventoryitem/csv` unless set. */
  readonly remoteDirectory: string;
  /** Folders (relative to the inbox) where the OMS moves what it has read; a name there counts as delivered. */
  readonly deliveredDirectories: ReadonlyArray<string>;
  readonly maxPartBytes: number;
}

/** The default OMS inbox for an SFTP user. */
export const defaultRemoteDirectory = (username: string): string => `/home/${username}/netsuite/inventoryitem/csv`;

const text = (script: RuntimeScript, name: string): string => {
  const value = script.getParameter({ name });
  return value === null || value === undefined ? '' : String(value).trim();
};

const integer = (script: RuntimeScript, name: string, label: string, problems: string[], fallback?: number): number => {
  const raw = text(script, name);
  if (raw === '') {
    if (fallback === undefined) problems.push(`${label} (${name}) is required`);
    return fallback ?? 0;
  }
  const value = Number(raw);
  if (!Number.isSafeInteger(value) || value <= 0)
    problems.push(`${label} (${name}) must be a positive whole number, got '${raw}'`);
  return value;
};

const required = (script: RuntimeScript, name: string, label: string, problems: string[]): string => {
  const value = text(script, name);
  if (value === '') problems.push(`${label} (${name}) is required`);
  return value;
};

/** The export script's settings from its deployment's parameters. */
export const readExportSettings = (script: RuntimeScript): Checked<ExportSettings> => {
  const problems: string[] = [];
  const savedSearchId = required(script, EXPORT_PARAMETERS.savedSearchId, 'Saved search', problems);
  const folderId = integer(script, EXPORT_PARAMETERS.folderId, 'Export folder', problems);
  const filePrefix = text(script, EXPORT_PARAMETERS.filePrefix) || 'inventory';
  if (!isSafePrefix(filePrefix))
    problems.push(
      `File name prefix (${EXPORT_PARAMETERS.filePrefix}) must be 1-40 letters, digits, '_' or '-', got '${filePrefix}'`,
    );
  return problems.length > 0 ? { ok: false, problems } : { ok: true, value: { savedSearchId, folderId, filePrefix } };
};

/** The upload script's settings from its deployment's parameters. */
export const readUploadSettings = (script: RuntimeScript): Checked<UploadSettings> => {
  const p = UPLOAD_PARAMETERS;
  const problems: string[] = [];
  const exportFolderId = integer(script, p.exportFolderId, 'Export folder', problems);
  const archiveFolderId = integer(script, p.archiveFolderId, 'Archive folder', problems);
  const errorFolderId = integer(script, p.errorFolderId, 'Error folder', problems);
  if (exportFolderId === archiveFolderId || exportFolderId === errorFolderId)
    problems.push('the archive and error folders must differ from the export folder');
  const host = required(script, p.host, 'SFTP host', problems);
  const port = integer(script, p.port, 'SFTP port', problems, 22);
  if (port > 65535) problems.push(`SFTP port (${p.port}) must be at most 65535, got ${port}`);
  const username = required(script, p.username, 'SFTP user', problems);
  if (/[/\\\s]/.test(username)) problems.push(`SFTP user (${p.username}) must not contain '/', '\\' or spaces`);
  const hostKey = required(script, p.hostKey, 'SFTP host key', problems);
  const hostKeyTypeText = text(script, p.hostKeyType).toLowerCase();
  const hostKeyType =
    hostKeyTypeText === 'dsa' || hostKeyTypeText === 'ecdsa' || hostKeyTypeText === 'rsa' ? hostKeyTypeText : undefined;
  if (hostKeyTypeText !== '' && hostKeyType === undefined)
    problems.push(`SFTP host key type (${p.hostKeyType}) must be rsa, ecdsa or dsa, got '${hostKeyTypeText}'`);
  const passwordGuid = text(script, p.passwordGuid);
  const keyId = text(script, p.keyId);
  const secret = text(script, p.secret);
  let credential: UploadSettings['credential'] = { passwordGuid };
  if (passwordGuid !== '' && secret !== '')
    problems.push(
      `set the password GUID (${p.passwordGuid}) or the secret (${p.secret}), not both (N/sftp refuses the pair)`,
    );
  else if (keyId !== '' && passwordGuid !== '') credential = { keyId, passwordGuid };
  else if (keyId !== '' && secret !== '') credential = { keyId, secret };
  else if (keyId !== '') credential = { keyId };
  else if (secret !== '') credential = { secret };
  else if (passwordGuid === '')
    problems.push(
      `no SFTP credential: set the key id (${p.keyId}), the password GUID (${p.passwordGuid}) or the secret (${p.secret})`,
    );
  const remoteDirectory = text(script, p.remoteDirectory) || defaultRemoteDirectory(username);
  if (!remoteDirectory.startsWith('/') || /(^|\/)\.\.?(\/|$)/.test(remoteDirectory))
    problems.push(
      `Remote directory (${p.remoteDirectory}) must be an absolute path without '.' or '..', got '${remoteDirectory}'`,
    );
  const deliveredText = text(script, p.deliveredDirectories);
  const deliveredDirectories = (deliveredText === '' ? 'archive,error' : deliveredText === '-' ? '' : deliveredText)
    .split(',')
    .map((d) => d.trim())
    .filter((d) => d !== '');
  for (const d of deliveredDirectories)
    if (d.startsWith('/') || /(^|\/)\.\.?(\/|$)/.test(d))
      problems.push(`Delivered directories (${p.deliveredDirectories}): '${d}' must be relative to the inbox`);
  const maxPartBytes = integer(script, p.maxPartBytes, 'Largest upload', problems, SFTP_MAX_FILE_BYTES);
  if (maxPartBytes > SFTP_MAX_FILE_BYTES || maxPartBytes < MIN_PART_BYTES)
    problems.push(
      `Largest upload (${p.maxPartBytes}) must be between ${MIN_PART_BYTES} and ${SFTP_MAX_FILE_BYTES} bytes, got ${maxPartBytes}`,
    );
  return problems.length > 0
    ? { ok: false, problems }
    : {
        ok: true,
        value: {
          exportFolderId,
          archiveFolderId,
          errorFolderId,
          host,
          port,
          username,
          hostKey,
          hostKeyType,
          credential,
          remoteDirectory,
          deliveredDirectories,
          maxPartBytes,
        },
      };
};
