/**
 * In-memory fakes of the N/* modules the SuiteScripts use, enforcing what NetSuite enforces where it matters:
 * governance units per call (SSS_USAGE_LIMIT_EXCEEDED past the script's 10,000), SearchTasks that complete later
 * (PENDING -> PROCESSING -> COMPLETE | FAILED) and then queue their dependent scheduled script, dependent
 * deployments that must be NOTSCHEDULED, one unfinished task per deployment, getContents' 10 MB cap, N/sftp's
 * 100,000,000-byte cap, uploads that refuse to replace an existing name, and SFTP outages. Test code, never shipped.
 */
import type { UploadModules } from '../../../src/suitescript/upload-inventory-csv.ts';
import type {
  FileModule,
  LogModule,
  NsFile,
  RuntimeModule,
  SearchModule,
  SearchResult,
  SftpConnectOptions,
  SftpConnection,
  SftpModule,
  TaskModule,
} from '../../../src/suitescript/netsuite-modules.ts';

/** A thrown SuiteScript error. */
export class FakeSuiteScriptError extends Error {
  constructor(name: string, message: string) {
    super(message);
    this.name = name;
  }
}
const fail = (name: string, message: string): never => {
  throw new FakeSuiteScriptError(name, message);
};

export const SCRIPT_UNITS = 10_000;
export const CONTENTS_LIMIT = 10 * 1024 * 1024;
export const SFTP_LIMIT = 100_000_000;

const bytesOf = (text: string): number => Buffer.byteLength(text, 'utf8');

/** One stored File Cabinet file. */
interface StoredFile {
  id: number;
  name: string;
  folder: number;
  contents: string;
  created: number;
}

/** One remote SFTP file. */
export interface RemoteFile {
  readonly contents: string;
  readonly at: number;
}

/** A saved search: the CSV text a SearchTask writes for it (header and rows). */
export type SavedSearch = () => string;

type Status = 'PENDING' | 'PROCESSING' | 'COMPLETE' | 'FAILED';

interface FakeTask {
  readonly id: string;
  readonly kind: 'search' | 'scheduled';
  status: Status;
  readonly savedSearchId?: string;
  readonly filePath?: string;
  readonly scriptId?: string;
  readonly deploymentId?: string;
  readonly dependents: ReadonlyArray<{ scriptId: string; deploymentId: string }>;
}

interface Deployment {
  readonly scriptId: string;
  readonly deploymentId: string;
  readonly status: 'SCHEDULED' | 'NOTSCHEDULED';
  parameters: Record<string, unknown>;
}

/** One execution log line. */
export interface LogLine {
  readonly level: 'debug' | 'audit' | 'error';
  readonly title: string;
  readonly details: string;
}

/** The fake account: File Cabinet, task queue, SFTP server, script deployments, execution log. */
export class FakeNetSuite {
  readonly files = new Map<number, StoredFile>();
  readonly folders = new Map<number, string>();
  readonly savedSearches = new Map<string, SavedSearch>();
  readonly tasks: FakeTask[] = [];
  readonly deployments = new Map<string, Deployment>();
  readonly remote = new Map<string, Map<string, RemoteFile>>();
  readonly log: LogLine[] = [];
  readonly uploads: string[] = [];
  sftpHost = 'sftp.oms.example';
  sftpHostKey = 'AAAAC3NzaC1lZDI1NTE5AAAAIFakeHostKey';
  sftpUser = 'hotwax';
  /** While true, every SFTP call fails as an unreachable server would. */
  sftpDown = false;
  /** Uploads allowed before the server goes down (undefined: no limit). */
  sftpUploadsBeforeOutage: number | undefined;
  private nextId = 100;
  private clock = 0;

  constructor() {
    this.remote.set(`/home/${this.sftpUser}/netsuite/inventoryitem/csv`, new Map());
  }

  /** Adds a File Cabinet folder with its path. */
  folder(id: number, path: string): number {
    this.folders.set(id, path);
    return id;
  }

  /** Declares a script deployment and its parameters. */
  deploy(
    scriptId: string,
    deploymentId: string,
    status: Deployment['status'],
    parameters: Record<string, unknown>,
  ): void {
    this.deployments.set(deploymentId, { scriptId, deploymentId, status, parameters });
  }

  /** Puts a file into the File Cabinet directly (an export dropped by hand). */
  putFile(folder: number, name: string, contents: string): number {
    const id = this.nextId++;
    this.files.set(id, { id, name, folder, contents, created: this.clock++ });
    return id;
  }

  /** The names of the files of a folder, oldest first. */
  namesIn(folder: number): string[] {
    return [...this.files.values()]
      .filter((f) => f.folder === folder)
      .sort((a, b) => a.created - b.created)
      .map((f) => f.name);
  }

  /** The remote directory's files (the OMS inbox by default). */
  remoteDir(path = `/home/${this.sftpUser}/netsuite/inventoryitem/csv`): Map<string, RemoteFile> {
    let dir = this.remote.get(path);
    if (dir === undefined) {
      dir = new Map();
      this.remote.set(path, dir);
    }
    return dir;
  }

  /** Advances a SearchTask: PENDING -> PROCESSING -> COMPLETE (writing its CSV, queueing its dependents) or FAILED. */
  advance(taskId: string, to: Status): void {
    const t = this.tasks.find((x) => x.id === taskId);
    if (t === undefined) throw new Error(`no task ${taskId}`);
    const allowed: Record<Status, ReadonlyArray<Status>> = {
      PENDING: ['PROCESSING'],
      PROCESSING: ['COMPLETE', 'FAILED'],
      COMPLETE: [],
      FAILED: [],
    };
    if (!allowed[t.status].includes(to))
      throw new Error(`task ${taskId}: ${t.status} -> ${to} is not a NetSuite transition`);
    t.status = to;
    if (t.kind !== 'search') return;
    if (to === 'PROCESSING' || to === 'COMPLETE' || to === 'FAILED') {
      const csv = to === 'FAILED' ? 'Item,externalFacilityId\nSKU-1,1' : this.savedSearches.get(t.savedSearchId!)!();
      const cut = t.filePath!.lastIndexOf('/');
      const folderPath = t.filePath!.slice(0, cut);
      const name = t.filePath!.slice(cut + 1);
      const folder = [...this.folders].find(([, p]) => p === folderPath)?.[0];
      if (folder === undefined) throw new Error(`no folder ${folderPath}`);
      // While PROCESSING the file holds what is written so far: a half-written export.
      const existing = [...this.files.values()].find((f) => f.folder === folder && f.name === name);
      const contents = to === 'PROCESSING' ? csv.slice(0, Math.floor(csv.length / 2)) : csv;
      if (existing === undefined) this.putFile(folder, name, contents);
      else existing.contents = contents;
    }
    // Dependents run when the search task is done (NetSuite's SuiteCloud Processors queue them).
    if (to === 'COMPLETE') for (const d of t.dependents) this.queue(d.scriptId, d.deploymentId);
  }

  /** Completes a SearchTask the way NetSuite does: PENDING -> PROCESSING -> COMPLETE. */
  complete(taskId: string): void {
    this.advance(taskId, 'PROCESSING');
    this.advance(taskId, 'COMPLETE');
  }

  /** Scheduled tasks waiting to run. */
  queued(): FakeTask[] {
    return this.tasks.filter((t) => t.kind === 'scheduled' && t.status === 'PENDING');
  }

  /** The last task submitted of a kind. */
  lastTask(kind: 'search' | 'scheduled'): FakeTask | undefined {
    return this.tasks.filter((t) => t.kind === kind).at(-1);
  }

  private queue(scriptId: string, deploymentId: string): FakeTask {
    const deployment = this.deployments.get(deploymentId);
    if (deployment === undefined || deployment.scriptId !== scriptId)
      fail('FAILED_TO_SUBMIT_JOB_REQUEST_1', `no deployment ${deploymentId} of ${scriptId}`);
    if (this.tasks.some((t) => t.kind === 'scheduled' && t.deploymentId === deploymentId && t.status === 'PENDING')) {
      fail('FAILED_TO_SUBMIT_JOB_REQUEST_1', `${deploymentId} already has a queued task`);
    }
    const t: FakeTask = {
      id: `SCHEDSCRIPT_${this.nextId++}`,
      kind: 'scheduled',
      status: 'PENDING',
      scriptId,
      deploymentId,
      dependents: [],
    };
    this.tasks.push(t);
    return t;
  }

  /**
   * Runs one queued scheduled task (the oldest) with `run`, as NetSuite's processor would: a fresh script with
   * 10,000 units (or `units`), its deployment's parameters, status PROCESSING then COMPLETE (FAILED if it throws).
   */
  runQueued<A>(run: (modules: FakeModules) => A, units = SCRIPT_UNITS): A {
    const t = this.queued()[0];
    if (t === undefined) throw new Error('nothing queued');
    t.status = 'PROCESSING';
    try {
      const result = run(this.modules(t.scriptId!, t.deploymentId!, units));
      t.status = 'COMPLETE';
      return result;
    } catch (error) {
      t.status = 'FAILED';
      throw error;
    }
  }

  /** Runs a script of a deployment directly (its schedule fired, or Save and Execute). */
  run<A>(deploymentId: string, run: (modules: FakeModules) => A, units = SCRIPT_UNITS): A {
    const deployment = this.deployments.get(deploymentId)!;
    const t: FakeTask = {
      id: `SCHEDSCRIPT_${this.nextId++}`,
      kind: 'scheduled',
      status: 'PROCESSING',
      scriptId: deployment.scriptId,
      deploymentId,
      dependents: [],
    };
    this.tasks.push(t);
    try {
      const result = run(this.modules(deployment.scriptId, deploymentId, units));
      t.status = 'COMPLETE';
      return result;
    } catch (error) {
      t.status = 'FAILED';
      throw error;
    }
  }

  /** The N/* modules of one script execution with `units` of governance. */
  modules(scriptId: string, deploymentId: string, units = SCRIPT_UNITS): FakeModules {
    const account = this;
    let remaining = units;
    const use = (cost: number, what: string): void => {
      if (remaining - cost < 0)
        fail(
          'SSS_USAGE_LIMIT_EXCEEDED',
          `Script Execution Usage Limit Exceeded (${what} needs ${cost}, ${remaining} left)`,
        );
      remaining -= cost;
    };
    const deployment = this.deployments.get(deploymentId)!;

    const fileObject = (
      stored: StoredFile | undefined,
      draft?: { name: string; contents: string; folder: number | undefined },
    ): NsFile => {
      // Appended lines are kept as pieces and joined on demand: a 100 MB part is built without quadratic copying.
      let pieces: string[] = [stored?.contents ?? draft!.contents];
      let bytes = bytesOf(pieces[0]!);
      let endsWithNewline = pieces[0] === '' || pieces[0]!.endsWith('\n');
      const contentsNow = (): string => {
        if (pieces.length > 1) pieces = [pieces.join('')];
        return pieces[0]!;
      };
      let name = stored?.name ?? draft!.name;
      let folder = stored?.folder ?? draft!.folder ?? 0;
      let id = stored?.id ?? 0;
      const self: NsFile = {
        get id() {
          return id;
        },
        get name() {
          return name;
        },
        set name(value: string) {
          name = value;
        },
        get folder() {
          return folder;
        },
        set folder(value: number) {
          folder = value;
        },
        get size() {
          return bytes;
        },
        get path() {
          const folderPath = account.folders.get(folder);
          if (folderPath === undefined) return fail('INVALID_KEY_OR_REF', `no folder ${folder}`);
          return `${folderPath}/${name}`;
        },
        save() {
          use(20, 'File.save');
          if (!account.folders.has(folder))
            fail(folder === 0 ? 'SSS_MISSING_REQD_ARGUMENT' : 'INVALID_KEY_OR_REF', `folder ${folder}`);
          if (id === 0) {
            if ([...account.files.values()].some((f) => f.folder === folder && f.name === name))
              fail('FAKE_NAME_TAKEN', `the fake refuses to guess overwrite rules: ${name}`);
            id = account.putFile(folder, name, contentsNow());
          } else {
            const f = account.files.get(id)!;
            f.name = name;
            f.folder = folder;
            f.contents = contentsNow();
          }
          return id;
        },
        getContents() {
          if (bytes > CONTENTS_LIMIT)
            fail(
              'SSS_FILE_CONTENT_SIZE_EXCEEDED',
              'The file content you are attempting to access exceeds the maximum allowed size of 10 MB.',
            );
          return contentsNow();
        },
        appendLine({ value }) {
          const piece = endsWithNewline ? value : `\n${value}`;
          pieces.push(piece);
          bytes += bytesOf(piece);
          endsWithNewline = false;
          return self;
        },
        lines: {
          iterator: () => ({
            each(callback) {
              const contents = contentsNow();
              let start = 0;
              while (start < contents.length) {
                let end = contents.indexOf('\n', start);
                if (end === -1) end = contents.length;
                const value = contents.slice(start, end).replace(/\r$/, '');
                if (value.length > CONTENTS_LIMIT) fail('SSS_FILE_CONTENT_SIZE_EXCEEDED', 'a line over 10 MB');
                if (!callback({ value })) return;
                start = end + 1;
              }
            },
          }),
        },
      };
      return self;
    };

    const file: FileModule = {
      Type: { CSV: 'CSV' as never, JSON: 'JSON' as never },
      create: ({ name, contents, folder }) => {
        if (bytesOf(contents ?? '') > CONTENTS_LIMIT)
          fail('SSS_FILE_CONTENT_SIZE_EXCEEDED', 'file.create content over 10 MB');
        return fileObject(undefined, { name, contents: contents ?? '', folder });
      },
      load: ({ id }) => {
        use(10, 'file.load');
        const stored = account.files.get(Number(id));
        if (stored === undefined) return fail('RCRD_DSNT_EXIST', `That record does not exist: file ${id}`);
        return fileObject(stored);
      },
      delete: ({ id }) => {
        use(20, 'file.delete');
        if (!account.files.delete(Number(id))) fail('RCRD_DSNT_EXIST', `file ${id}`);
      },
    };

    const search: SearchModule = {
      Sort: { ASC: 'ASC' as never },
      createColumn: (options) => options as never,
      create: ({ type, filters }) => ({
        run: () => ({
          getRange: ({ start, end }): ReadonlyArray<SearchResult> => {
            use(10, 'ResultSet.getRange');
            if (type !== 'file') throw new Error(`the fake searches files only, not ${type}`);
            const [[field, operator, value]] = filters as [[string, string, number]];
            if (field !== 'folder' || operator !== 'anyof') throw new Error('the fake filters files by folder only');
            return [...account.files.values()]
              .filter((f) => f.folder === Number(value))
              .sort((a, b) => a.created - b.created || a.name.localeCompare(b.name))
              .slice(start, end)
              .map((f) => ({
                id: String(f.id),
                getValue: (column: string) =>
                  column === 'name' ? f.name : column === 'created' ? String(f.created) : undefined,
              }));
          },
        }),
      }),
    };

    const task: TaskModule = {
      TaskType: { SEARCH: 'SEARCH' as never, SCHEDULED_SCRIPT: 'SCHEDULED_SCRIPT' as never },
      TaskStatus: {
        PENDING: 'PENDING' as never,
        PROCESSING: 'PROCESSING' as never,
        COMPLETE: 'COMPLETE' as never,
        FAILED: 'FAILED' as never,
      },
      create: ((options: {
        taskType: string;
        scriptId?: string;
        deploymentId?: string;
        params?: Record<string, unknown>;
      }) => {
        if (options.taskType === 'SEARCH') {
          const dependents: Array<{ scriptId: string; deploymentId: string }> = [];
          const searchTask = {
            savedSearchId: '' as number | string,
            filePath: '',
            addInboundDependency(dependency: { scriptId: string | number; deploymentId: string | number }) {
              dependents.push({ scriptId: String(dependency.scriptId), deploymentId: String(dependency.deploymentId) });
            },
            submit() {
              use(100, 'SearchTask.submit');
              if (!account.savedSearches.has(String(searchTask.savedSearchId)))
                fail('SSS_INVALID_SRCH_ID', `no saved search ${searchTask.savedSearchId}`);
              for (const d of dependents) {
                const target = account.deployments.get(d.deploymentId);
                if (target === undefined)
                  fail('ASYNC_SEARCH_DEPLOYMENT_FOR_DEPENDENCY', `no deployment ${d.deploymentId}`);
                if (target!.status !== 'NOTSCHEDULED')
                  fail('ASYNC_SEARCH_DEPENDENCY_SS_INCORRECT_STATUS', `${d.deploymentId} is not Not Scheduled`);
                if (
                  account.tasks.some(
                    (t) => t.deploymentId === d.deploymentId && (t.status === 'PENDING' || t.status === 'PROCESSING'),
                  )
                ) {
                  fail(
                    'ASYNC_SEARCH_DEPENDENCY_SS_ALREADY_SUBMITTED',
                    `${d.deploymentId} is already submitted and not complete`,
                  );
                }
              }
              const t: FakeTask = {
                id: `SEARCHTASK_${account.nextId++}`,
                kind: 'search',
                status: 'PENDING',
                savedSearchId: String(searchTask.savedSearchId),
                filePath: searchTask.filePath,
                dependents: [...dependents],
              };
              account.tasks.push(t);
              return t.id;
            },
          };
          return searchTask;
        }
        const scheduled = {
          scriptId: options.scriptId ?? '',
          deploymentId: options.deploymentId ?? '',
          params: options.params ?? {},
          submit() {
            use(20, 'ScheduledScriptTask.submit');
            return account.queue(String(scheduled.scriptId), String(scheduled.deploymentId)).id;
          },
        };
        return scheduled;
      }) as TaskModule['create'],
      checkStatus: ({ taskId }) => {
        const t = account.tasks.find((x) => x.id === taskId);
        if (t === undefined) return fail('SSS_INVALID_TASK_ID', `no task ${taskId}`);
        return { status: t.status };
      },
    };

    const sftp: SftpModule = {
      Sort: { NAME: 'NAME' as never },
      createConnection: (options: SftpConnectOptions): SftpConnection => {
        if (account.sftpDown) fail('FTP_CANNOT_ESTABLISH_CONNECTION', `${options.url}: connection refused`);
        if (options.url !== account.sftpHost) fail('FTP_UNKNOWN_HOST', options.url);
        if (options.hostKey !== account.sftpHostKey) fail('FTP_INCORRECT_HOST_KEY', 'the host key does not match');
        if (options.username !== account.sftpUser) fail('FTP_INVALID_LOGIN', 'authentication failed');
        const base = options.directory;
        const resolve = (path: string): { dir: Map<string, RemoteFile>; name: string } => {
          const parts = path.split('/');
          const name = parts.pop()!;
          const dirPath = [base, ...parts].join('/');
          const dir = account.remote.get(dirPath);
          if (dir === undefined) return fail('FTP_INVALID_DIRECTORY', `${dirPath} does not exist`);
          return { dir, name };
        };
        const up = (): void => {
          if (account.sftpDown) fail('FTP_TRANSFER_FAILED', 'connection lost');
        };
        return {
          upload: ({ file: f, filename, replaceExisting }) => {
            use(100, 'Connection.upload');
            up();
            if (account.sftpUploadsBeforeOutage !== undefined && account.sftpUploadsBeforeOutage-- <= 0) {
              account.sftpDown = true;
              fail('FTP_TRANSFER_FAILED', 'connection reset during the transfer');
            }
            if (f.size > SFTP_LIMIT) fail('FTP_MAXIMUM_FILE_SIZE_EXCEEDED', `${f.size} bytes is over the 100 MB limit`);
            const { dir, name } = resolve(filename ?? f.name);
            if (dir.has(name) && replaceExisting !== true) fail('FTP_FILE_ALREADY_EXISTS', `${name} already exists`);
            const contents = f.size <= CONTENTS_LIMIT ? f.getContents() : collect(f);
            dir.set(name, { contents, at: account.clock++ });
            account.uploads.push(name);
          },
          move: ({ from, to }) => {
            use(10, 'Connection.move');
            up();
            const source = resolve(from);
            const target = resolve(to);
            const moved = source.dir.get(source.name);
            if (moved === undefined || target.dir.has(target.name)) fail('FTP_INVALID_MOVE', `${from} -> ${to}`);
            source.dir.delete(source.name);
            target.dir.set(target.name, moved!);
          },
          list: ({ path }) => {
            use(10, 'Connection.list');
            up();
            const dir = account.remote.get(path === '.' ? base : `${base}/${path}`);
            if (dir === undefined) return fail('FTP_INVALID_DIRECTORY', `${path} does not exist`);
            return [...dir.keys()].sort().map((name) => ({ directory: false, name }));
          },
        };
      },
    };

    const runtime: RuntimeModule = {
      getCurrentScript: () => ({
        id: scriptId,
        deploymentId,
        getParameter: ({ name }) => deployment.parameters[name] ?? null,
        getRemainingUsage: () => remaining,
      }),
    };

    const logAt =
      (level: LogLine['level']) =>
      ({ title, details }: { title: string; details?: unknown }): void => {
        account.log.push({ level, title, details: typeof details === 'string' ? details : JSON.stringify(details) });
      };
    const log: LogModule = { debug: logAt('debug'), audit: logAt('audit'), error: logAt('error') };

    return { task, file, search, sftp, runtime, log, remainingUsage: () => remaining };
  }
}

// The server side of an upload reads the whole file; the fake streams it through lines, as NetSuite would.
const collect = (f: NsFile): string => {
  const lines: string[] = [];
  f.lines.iterator().each(({ value }) => {
    lines.push(value);
    return true;
  });
  return lines.join('\n');
};

/** The modules of one fake script execution. */
export interface FakeModules extends UploadModules {
  readonly remainingUsage: () => number;
}
