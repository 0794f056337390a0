/**
 * HC_uploadCSV_InventoryItems, the logic: delivers every finished CSV of the export folder to the OMS inbox on SFTP,
 * oldest first, then moves it to the archive folder.
 *
 * Exactly once, in order:
 * - A CSV is finished when its task marker's SearchTask is COMPLETE (`task.checkStatus`), or when it has no marker
 *   at all (dropped by hand). PENDING or PROCESSING stops the run there: a newer snapshot must never reach the OMS
 *   before an older one, or stock would go back in time. FAILED moves the CSV and its marker to the error folder.
 * - Each file is uploaded under `<name>.part` (which the OMS never reads) and then renamed to its final name, so the
 *   OMS never sees a half-written file. Before uploading, the script lists the inbox and the folders the OMS moves
 *   read files to (`archive`, `error`): a final name found there was delivered by a run that stopped before it could
 *   archive, so the file is only archived now. Uploads refuse to replace an existing name by default; only our own
 *   temporary name is replaced (a leftover of an interrupted upload).
 * - An export over the part size (100,000,000 bytes by default, N/sftp's limit) is split on record boundaries into
 *   `<name>-part001.csv`, ... each with the header; the split is deterministic, so a rerun skips the parts already
 *   delivered. Nothing is ever truncated. The file is read with `lines.iterator()`, never `getContents()` (10 MB).
 * - The first failure (connection, upload, rename) stops the run with the file kept for the next run, and the
 *   reason logged. When the remaining governance cannot cover one more file, the script resubmits itself (a
 *   ScheduledScriptTask on its own deployment) and stops cleanly between files.
 * - Its one deployment is NOTSCHEDULED, and NetSuite never runs two tasks of one deployment at once: two uploads
 *   never race on the same file.
 */
import {
  EXPORT_COLUMN_KEYS,
  exportHeaderFields,
  NETSUITE_EXPORT_COLUMNS,
  NETSUITE_EXPORT_HEADER_LINE,
  resolveExportHeader,
} from '../domain/netsuite-export-contract.ts';
import {
  isFinishedCsvName,
  parseMarkerName,
  partFileName,
  quoteCount,
  temporaryName,
  utf8Length,
} from './export-names.ts';
import { describeError, errorCode } from './netsuite-modules.ts';
import type {
  FileModule,
  LogModule,
  NsFile,
  RuntimeModule,
  SearchModule,
  SftpConnection,
  SftpModule,
  TaskModule,
} from './netsuite-modules.ts';
import { readUploadSettings, type UploadSettings } from './parameters.ts';
import type { TaskMarker } from './generate-inventory-csv.ts';

/** The N/* modules the upload uses. */
export interface UploadModules {
  readonly task: TaskModule;
  readonly file: FileModule;
  readonly search: SearchModule;
  readonly sftp: SftpModule;
  readonly runtime: RuntimeModule;
  readonly log: LogModule;
}

/** What one run did, for the log and the tests. */
export interface UploadReport {
  /** Remote final names written by this run, in order. */
  readonly delivered: ReadonlyArray<string>;
  /** File Cabinet names moved to the archive folder. */
  readonly archived: ReadonlyArray<string>;
  /** File Cabinet names moved to the error folder, with why. */
  readonly rejected: ReadonlyArray<{ readonly name: string; readonly reason: string }>;
  /** Why the run stopped before the end of the list (a file not finished, a failure, low governance), if it did. */
  readonly stopped: { readonly name: string; readonly reason: string; readonly failure: boolean } | undefined;
  /** Whether the script resubmitted itself to continue. */
  readonly rescheduled: boolean;
  /** Configuration problems: nothing was done. */
  readonly configurationProblems: ReadonlyArray<string>;
}

/** Governance units (NetSuite's published costs). */
export const UNITS = {
  fileLoad: 10,
  fileSave: 20,
  searchRange: 10,
  sftpUpload: 100,
  sftpMove: 10,
  sftpList: 10,
  scheduledSubmit: 20,
} as const;

// One whole file: load CSV and marker, upload, rename, archive both; and the resubmit must always stay affordable.
const FILE_UNITS = 2 * UNITS.fileLoad + UNITS.sftpUpload + UNITS.sftpMove + 2 * UNITS.fileSave;
const PART_UNITS = UNITS.sftpUpload + UNITS.sftpMove;
const SAFETY_UNITS = 30;

/** One File Cabinet entry of the export folder. */
export interface CabinetEntry {
  readonly id: string;
  readonly name: string;
}

/** One CSV to deliver, with what proves it finished. */
export type UploadItem =
  | { readonly kind: 'task'; readonly csv: CabinetEntry; readonly marker: CabinetEntry }
  | { readonly kind: 'manual'; readonly csv: CabinetEntry }
  | {
      readonly kind: 'pending';
      readonly csv: CabinetEntry | undefined;
      readonly marker: CabinetEntry;
      readonly csvName: string;
    }
  | { readonly kind: 'exporting'; readonly marker: CabinetEntry; readonly csvName: string };

/**
 * The work of one run, in the listing's order (oldest first): each CSV with its marker; a task marker whose CSV does
 * not exist yet is an export still running (it blocks newer files like a PROCESSING one); temporary names are ignored.
 */
export const planUploads = (entries: ReadonlyArray<CabinetEntry>): ReadonlyArray<UploadItem> => {
  const markers = new Map<string, { pending?: CabinetEntry; task?: CabinetEntry }>();
  for (const entry of entries) {
    const marker = parseMarkerName(entry.name);
    if (marker === undefined) continue;
    const found = markers.get(marker.csvName) ?? {};
    found[marker.kind] = entry;
    markers.set(marker.csvName, found);
  }
  const csvNames = new Set(entries.filter((e) => isFinishedCsvName(e.name)).map((e) => e.name));
  const items: UploadItem[] = [];
  for (const entry of entries) {
    if (isFinishedCsvName(entry.name)) {
      const found = markers.get(entry.name);
      if (found?.task !== undefined) items.push({ kind: 'task', csv: entry, marker: found.task });
      else if (found?.pending !== undefined)
        items.push({ kind: 'pending', csv: entry, marker: found.pending, csvName: entry.name });
      else items.push({ kind: 'manual', csv: entry });
      continue;
    }
    const marker = parseMarkerName(entry.name);
    if (marker === undefined || csvNames.has(marker.csvName)) continue;
    const found = markers.get(marker.csvName)!;
    // One item per CSV name: the task marker wins over the pending one.
    if (marker.kind === 'task') items.push({ kind: 'exporting', marker: entry, csvName: marker.csvName });
    else if (found.task === undefined)
      items.push({ kind: 'pending', csv: undefined, marker: entry, csvName: marker.csvName });
  }
  return items;
};

/** The files of the export folder, oldest first, then by name (one search: 10 units, at most 1,000 files a run). */
export const listExportFolder = (search: SearchModule, folderId: number): ReadonlyArray<CabinetEntry> =>
  search
    .create({
      type: 'file',
      filters: [['folder', 'anyof', folderId]],
      columns: [
        search.createColumn({ name: 'created', sort: search.Sort.ASC }),
        search.createColumn({ name: 'name', sort: search.Sort.ASC }),
      ],
    })
    .run()
    .getRange({ start: 0, end: 1000 })
    .map((result) => ({ id: result.id, name: String(result.getValue('name')) }));

/** Thrown inside a run to stop it; carries the report's `stopped`. */
class Stop {
  readonly name: string;
  readonly reason: string;
  readonly failure: boolean;
  constructor(name: string, reason: string, failure: boolean) {
    this.name = name;
    this.reason = reason;
    this.failure = failure;
  }
}

/** Runs one upload pass over the export folder with the deployment's parameters. */
export const runInventoryUpload = (modules: UploadModules): UploadReport => {
  const { task, file, search, sftp, runtime, log } = modules;
  const script = runtime.getCurrentScript();
  const checked = readUploadSettings(script);
  if (!checked.ok) {
    log.error({
      title: 'Inventory upload not started',
      details: `the deployment's parameters are not usable: ${checked.problems.join('; ')}`,
    });
    return {
      delivered: [],
      archived: [],
      rejected: [],
      stopped: undefined,
      rescheduled: false,
      configurationProblems: checked.problems,
    };
  }
  const settings: UploadSettings = checked.value;
  const delivered: string[] = [];
  const archived: string[] = [];
  const rejected: Array<{ name: string; reason: string }> = [];
  let rescheduled = false;

  let connection: SftpConnection | undefined;
  const remoteNames = new Set<string>();
  const connect = (forName: string): SftpConnection => {
    if (connection !== undefined) return connection;
    try {
      const c = sftp.createConnection({
        url: settings.host,
        port: settings.port,
        username: settings.username,
        hostKey: settings.hostKey,
        directory: settings.remoteDirectory,
        ...(settings.hostKeyType === undefined ? {} : { hostKeyType: settings.hostKeyType }),
        ...settings.credential,
      });
      for (const entry of c.list({ path: '.', sort: sftp.Sort.NAME }))
        if (!entry.directory) remoteNames.add(entry.name);
      for (const directory of settings.deliveredDirectories) {
        try {
          for (const entry of c.list({ path: directory, sort: sftp.Sort.NAME }))
            if (!entry.directory) remoteNames.add(entry.name);
        } catch (error) {
          // A folder the OMS has not created yet holds nothing.
          if (errorCode(error) !== 'FTP_INVALID_DIRECTORY') throw error;
        }
      }
      connection = c;
      return c;
    } catch (error) {
      throw new Stop(
        forName,
        `SFTP ${settings.username}@${settings.host}:${settings.port}${settings.remoteDirectory} unavailable: ${describeError(error)}`,
        true,
      );
    }
  };

  // Upload under the temporary name, then rename: the OMS only ever sees whole files. A final name already on the
  // server (inbox or the OMS's archive/error) was delivered before: never again.
  const deliver = (content: NsFile, finalName: string, sourceName: string): void => {
    const c = connect(sourceName);
    if (remoteNames.has(finalName)) {
      log.audit({
        title: 'Already delivered',
        details: `${finalName} is on the SFTP server already (a previous run stopped before archiving); not uploaded again`,
      });
      return;
    }
    const temporary = temporaryName(finalName);
    try {
      c.upload({ file: content, filename: temporary, replaceExisting: true });
      c.move({ from: temporary, to: finalName });
    } catch (error) {
      throw new Stop(sourceName, `upload of ${finalName} failed: ${describeError(error)}`, true);
    }
    remoteNames.add(finalName);
    delivered.push(finalName);
    log.audit({ title: 'Delivered', details: `${finalName} (${content.size} bytes) to ${settings.remoteDirectory}` });
  };

  const ensureUnits = (needed: number, name: string): void => {
    if (script.getRemainingUsage() >= needed + UNITS.scheduledSubmit + SAFETY_UNITS) return;
    try {
      task
        .create({ taskType: task.TaskType.SCHEDULED_SCRIPT, scriptId: script.id, deploymentId: script.deploymentId })
        .submit();
      rescheduled = true;
      throw new Stop(
        name,
        `governance low (${script.getRemainingUsage()} units left): resubmitted ${script.deploymentId} to continue from ${name}`,
        false,
      );
    } catch (error) {
      if (error instanceof Stop) throw error;
      throw new Stop(
        name,
        `governance low and the resubmit failed (${describeError(error)}); the next run continues from ${name}`,
        true,
      );
    }
  };

  const moveTo = (entry: NsFile, folderId: number): void => {
    entry.folder = folderId;
    entry.save();
  };

  const reject = (csv: NsFile | undefined, marker: NsFile | undefined, name: string, reason: string): void => {
    if (csv !== undefined) moveTo(csv, settings.errorFolderId);
    if (marker !== undefined) moveTo(marker, settings.errorFolderId);
    rejected.push({ name, reason });
    log.error({ title: 'Export moved to the error folder', details: `${name}: ${reason}` });
  };

  // The header (the first non-blank line, as the OMS reads it), the number of lines up to it, and whether a data
  // line follows; no governance, no 10 MB limit.
  const firstLines = (csv: NsFile): { header: string; headerLines: number; hasRows: boolean } => {
    let header: string | undefined;
    let headerLines = 0;
    let hasRows = false;
    csv.lines.iterator().each((line) => {
      if (header === undefined) {
        headerLines++;
        if (line.value.trim() !== '') header = line.value.replace(/\r$/, '');
        return true;
      }
      if (line.value.trim() === '') return true;
      hasRows = true;
      return false;
    });
    return { header: header ?? '', headerLines, hasRows };
  };

  // What keeps the OMS from reading a header, by the contract's one rule; empty when it reads it.
  const headerProblems = (header: string): ReadonlyArray<string> => {
    const fields = exportHeaderFields(header);
    if (fields === undefined) return EXPORT_COLUMN_KEYS.map((key) => NETSUITE_EXPORT_COLUMNS[key]);
    const resolved = resolveExportHeader(fields);
    return resolved.ok ? [] : resolved.problems;
  };

  // Streams the rows into parts of at most maxPartBytes (header and a final line break included), cut only between
  // records (a quoted field may span lines); parts already delivered are counted but not built.
  const deliverInParts = (csv: NsFile, header: string, headerLines: number): void => {
    connect(csv.name);
    const headerBytes = utf8Length(header) + 1;
    let index = 0;
    let part: NsFile | undefined;
    let partName = '';
    let partBytes = 0;
    let rowsInPart = 0;
    let record: string[] = [];
    let recordBytes = 0;
    let quotes = 0;
    const flush = (): void => {
      if (rowsInPart === 0) return;
      if (part !== undefined) {
        ensureUnits(PART_UNITS + 2 * UNITS.fileSave, csv.name);
        deliver(part, partName, csv.name);
      } else
        log.audit({
          title: 'Already delivered',
          details: `${partName} is on the SFTP server already; not uploaded again`,
        });
      part = undefined;
      rowsInPart = 0;
    };
    const addRecord = (): void => {
      if (rowsInPart > 0 && partBytes + recordBytes > settings.maxPartBytes) flush();
      if (rowsInPart === 0) {
        index++;
        partName = partFileName(csv.name, index);
        partBytes = headerBytes + 1;
        part = remoteNames.has(partName)
          ? undefined
          : file.create({ name: partName, fileType: file.Type.CSV, contents: header });
      }
      if (partBytes + recordBytes > settings.maxPartBytes) {
        throw new Stop(
          csv.name,
          `a record of ${recordBytes} bytes does not fit a part of ${settings.maxPartBytes} bytes with the header; raise the largest upload`,
          true,
        );
      }
      for (const value of record) part?.appendLine({ value });
      partBytes += recordBytes;
      rowsInPart++;
      record = [];
      recordBytes = 0;
      quotes = 0;
    };
    let failure: Stop | undefined;
    let skipped = 0;
    csv.lines.iterator().each((line) => {
      if (skipped < headerLines) {
        skipped++;
        return true;
      }
      const value = line.value;
      if (record.length === 0 && value.trim() === '') return true;
      record.push(value);
      recordBytes += utf8Length(value) + 1;
      quotes += quoteCount(value);
      if (quotes % 2 === 1) return true;
      try {
        addRecord();
        return true;
      } catch (error) {
        failure = error instanceof Stop ? error : new Stop(csv.name, describeError(error), true);
        return false;
      }
    });
    if (failure !== undefined) throw failure;
    // An unterminated quoted record at the end goes as it is: the OMS reports it, nothing is dropped.
    if (record.length > 0) addRecord();
    flush();
  };

  let stopped: UploadReport['stopped'];
  try {
    ensureUnits(UNITS.searchRange + FILE_UNITS + 3 * UNITS.sftpList, '(listing)');
    const items = planUploads(listExportFolder(search, settings.exportFolderId));
    if (items.length === 0)
      log.audit({ title: 'Nothing to upload', details: `the export folder ${settings.exportFolderId} holds no CSV` });
    for (const item of items) {
      if (item.kind === 'exporting')
        throw new Stop(item.csvName, `its SearchTask is still running (no file yet); newer files wait for it`, false);
      if (item.kind === 'pending') {
        throw new Stop(
          item.csvName,
          `${item.marker.name} has no SearchTask id yet: the export is being submitted, or its script failed between submit and marker; delete ${item.marker.name} to release the file`,
          false,
        );
      }
      ensureUnits(FILE_UNITS + (connection === undefined ? 3 * UNITS.sftpList : 0), item.csv.name);
      let marker: NsFile | undefined;
      if (item.kind === 'task') {
        marker = file.load({ id: item.marker.id });
        let taskMarker: TaskMarker;
        try {
          taskMarker = JSON.parse(marker.getContents()) as TaskMarker;
        } catch (error) {
          reject(
            file.load({ id: item.csv.id }),
            marker,
            item.csv.name,
            `its marker ${item.marker.name} is not readable (${describeError(error)})`,
          );
          continue;
        }
        const status = task.checkStatus({ taskId: taskMarker.taskId }).status;
        if (status === task.TaskStatus.FAILED) {
          reject(
            file.load({ id: item.csv.id }),
            marker,
            item.csv.name,
            `its SearchTask ${taskMarker.taskId} FAILED; the file may be incomplete`,
          );
          continue;
        }
        if (status !== task.TaskStatus.COMPLETE)
          throw new Stop(
            item.csv.name,
            `its SearchTask ${taskMarker.taskId} is ${status}; this file and newer ones wait (the chain runs the upload again when the export completes)`,
            false,
          );
      }
      const csv = file.load({ id: item.csv.id });
      const { header, headerLines, hasRows } = firstLines(csv);
      const problems = headerProblems(header);
      if (problems.length > 0) {
        reject(
          csv,
          marker,
          csv.name,
          `its header '${header.slice(0, 200)}' lacks ${problems.join(', ')} (the contract is ${NETSUITE_EXPORT_HEADER_LINE}, each name once); fix the saved search's column labels`,
        );
        continue;
      }
      if (!hasRows)
        log.audit({
          title: 'Empty export',
          details: `${csv.name} has a header and no rows: archived, not uploaded (the OMS would hold it back)`,
        });
      else if (csv.size <= settings.maxPartBytes) deliver(csv, csv.name, csv.name);
      else {
        log.audit({
          title: 'Large export split',
          details: `${csv.name} is ${csv.size} bytes, over ${settings.maxPartBytes}: uploaded in parts, each with the header`,
        });
        deliverInParts(csv, header, headerLines);
      }
      moveTo(csv, settings.archiveFolderId);
      if (marker !== undefined) moveTo(marker, settings.archiveFolderId);
      archived.push(csv.name);
    }
  } catch (error) {
    if (!(error instanceof Stop)) throw error;
    stopped = { name: error.name, reason: error.reason, failure: error.failure };
    if (error.failure)
      log.error({
        title: 'Inventory upload stopped: file kept for the next run',
        details: `${error.name}: ${error.reason}`,
      });
    else log.audit({ title: 'Inventory upload paused', details: `${error.name}: ${error.reason}` });
  }
  log.audit({
    title: 'Inventory upload done',
    details: `delivered ${delivered.length}, archived ${archived.length}, rejected ${rejected.length}${rescheduled ? ', resubmitted to continue' : ''}`,
  });
  return { delivered, archived, rejected, stopped, rescheduled, configurationProblems: [] };
};
