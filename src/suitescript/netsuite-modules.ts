/**
 * The parts of NetSuite's N/* modules the two scripts use, typed as the subset used (as the adapters of this package
 * type their clients). The entry points hand in the real modules, and the compiler checks them against these types
 * through @hitc/netsuite-types; the tests hand in in-memory fakes. Governance costs are NetSuite's (see README).
 */
import type { Type as NsFileType } from 'N/file';
import type { Column as NsSearchColumn, Sort as NsSearchSort } from 'N/search';
import type { Sort as NsSftpSort } from 'N/sftp';
import type { TaskStatus as NsTaskStatus, TaskType as NsTaskType } from 'N/task';

/** A SuiteScript error as thrown by N/* calls: `name` is the error code (`FTP_FILE_ALREADY_EXISTS`, ...). */
export interface SuiteScriptErrorLike {
  readonly name?: unknown;
  readonly message?: unknown;
}

// ---- N/task ----

/** A scheduled script task (N/task ScheduledScriptTask). `submit` costs 20 units. */
export interface ScheduledScriptTask {
  scriptId: string | number;
  deploymentId: string | number;
  params: Record<string, unknown>;
  submit(): string;
}

/** An asynchronous search export (N/task SearchTask). `submit` costs 100 units; `addInboundDependency` none. */
export interface SearchTask {
  savedSearchId: number | string;
  filePath: string;
  addInboundDependency(dependency: ScheduledScriptTask): void;
  submit(): string;
}

/** The subset of N/task used. `checkStatus` costs no units. */
export interface TaskModule {
  readonly TaskType: { readonly SEARCH: NsTaskType.SEARCH; readonly SCHEDULED_SCRIPT: NsTaskType.SCHEDULED_SCRIPT };
  readonly TaskStatus: {
    readonly PENDING: NsTaskStatus;
    readonly PROCESSING: NsTaskStatus;
    readonly COMPLETE: NsTaskStatus;
    readonly FAILED: NsTaskStatus;
  };
  create(options: { taskType: NsTaskType.SEARCH }): SearchTask;
  create(options: {
    taskType: NsTaskType.SCHEDULED_SCRIPT;
    scriptId?: string;
    deploymentId?: string;
    params?: Record<string, unknown>;
  }): ScheduledScriptTask;
  checkStatus(options: { taskId: string }): { readonly status: string | null };
}

// ---- N/file ----

/** One line handed to a `lines.iterator().each` callback. */
export interface FileLine {
  readonly value: string;
}

/** A File Cabinet file (N/file File). `save` costs 20 units; reading lines costs none. */
export interface NsFile {
  readonly id: number;
  name: string;
  folder: number;
  readonly size: number;
  readonly path: string;
  save(): number;
  getContents(): string;
  appendLine(options: { value: string }): NsFile;
  readonly lines: { iterator(): { each(callback: (line: FileLine) => boolean): void } };
}

/** The subset of N/file used. `load` costs 10 units, `delete` 20. */
export interface FileModule {
  readonly Type: { readonly CSV: NsFileType; readonly JSON: NsFileType };
  create(options: { name: string; fileType: NsFileType; contents?: string; folder?: number }): NsFile;
  load(options: { id: number | string }): NsFile;
  delete(options: { id: number | string }): void;
}

// ---- N/search ----

/** One search result row. */
export interface SearchResult {
  readonly id: string;
  getValue(column: string): unknown;
}

/** The subset of N/search used: an ad-hoc search over files. `getRange` costs 10 units. */
export interface SearchModule {
  readonly Sort: { readonly ASC: NsSearchSort };
  createColumn(options: { name: string; sort?: NsSearchSort }): NsSearchColumn;
  create(options: { type: string; filters: unknown[]; columns: Array<string | NsSearchColumn> }): {
    run(): { getRange(options: { start: number; end: number }): ReadonlyArray<SearchResult> };
  };
}

// ---- N/sftp ----

/** One entry of a remote listing. */
export interface RemoteEntry {
  readonly directory: boolean;
  readonly name: string;
}

/** An SFTP connection (N/sftp Connection). `upload` costs 100 units, `list` and `move` 10. */
export interface SftpConnection {
  upload(options: { file: NsFile; filename?: string; directory?: string; replaceExisting?: boolean }): void;
  move(options: { from: string; to: string }): void;
  list(options: { path: string; sort: NsSftpSort }): ReadonlyArray<RemoteEntry>;
}

/** How the script authenticates: a password GUID, a key id (Setup > Company > Keys), or an API secret's script id. */
export type SftpCredential =
  | { readonly passwordGuid: string }
  | { readonly keyId: string }
  | { readonly secret: string };

/** The options of `sftp.createConnection` this package passes. */
export type SftpConnectOptions = {
  url: string;
  hostKey: string;
  username: string;
  port: number;
  directory: string;
  hostKeyType?: 'dsa' | 'ecdsa' | 'rsa';
} & ({ passwordGuid: string } | { keyId: string } | { secret: string });

/** The subset of N/sftp used. `createConnection` costs no units. */
export interface SftpModule {
  readonly Sort: { readonly NAME: NsSftpSort };
  createConnection(options: SftpConnectOptions): SftpConnection;
}

// ---- N/runtime and N/log ----

/** The running script (N/runtime Script). */
export interface RuntimeScript {
  readonly id: string;
  readonly deploymentId: string;
  getParameter(options: { name: string }): unknown;
  getRemainingUsage(): number;
}

/** The subset of N/runtime used. */
export interface RuntimeModule {
  getCurrentScript(): RuntimeScript;
}

/** The subset of N/log used (the execution log of the script deployment). */
export interface LogModule {
  debug(options: { title: string; details?: unknown }): void;
  audit(options: { title: string; details?: unknown }): void;
  error(options: { title: string; details?: unknown }): void;
}

/** The code of a thrown SuiteScript error (`FTP_FILE_ALREADY_EXISTS`), or `UNEXPECTED_ERROR`. */
export const errorCode = (error: unknown): string => {
  const name = typeof error === 'object' && error !== null ? (error as SuiteScriptErrorLike).name : undefined;
  return typeof name === 'string' && name !== '' ? name : 'UNEXPECTED_ERROR';
};

/** A one-line description of a thrown value for the execution log: `CODE: message`. */
export const describeError = (error: unknown): string => {
  if (typeof error === 'object' && error !== null) {
    const message = (error as SuiteScriptErrorLike).message;
    return `${errorCode(error)}: ${typeof message === 'string' ? message : String(message)}`;
  }
  return `UNEXPECTED_ERROR: ${String(error)}`;
};
