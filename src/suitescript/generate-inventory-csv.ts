/**
 * HC_generateCSV_InventoryItems, the logic: starts the inventory saved search as an asynchronous SearchTask that
 * writes `inventory-<UTC timestamp>.csv` into the export folder, and chains the upload script to the task's
 * completion (SearchTask inbound dependency on the upload script's NOTSCHEDULED deployment). The scheduled script
 * itself spends about 170 of its 10,000 units and seconds of its hour, whatever the number of rows: the search runs
 * in NetSuite's task queue, not in the script.
 *
 * Markers in the export folder tell the upload script which CSVs are finished:
 * - `<csv>.pending.json` is saved before the task is submitted (its path also gives the folder's File Cabinet path,
 *   which SearchTask.filePath needs); while it is the only marker, the CSV is never uploaded;
 * - `<csv>.task.json` holds the SearchTask id; the upload script asks `task.checkStatus` before it touches the CSV.
 */
import { exportFileName, pendingMarkerName, taskMarkerName } from './export-names.ts';
import { describeError, errorCode } from './netsuite-modules.ts';
import type { FileModule, LogModule, RuntimeModule, TaskModule } from './netsuite-modules.ts';
import { readExportSettings } from './parameters.ts';
import { UPLOAD_DEPLOYMENT_ID, UPLOAD_SCRIPT_ID } from './script-ids.ts';

/** The N/* modules the export uses. */
export interface ExportModules {
  readonly task: TaskModule;
  readonly file: FileModule;
  readonly runtime: RuntimeModule;
  readonly log: LogModule;
}

/** What one run did. */
export type ExportOutcome =
  | {
      readonly _tag: 'ExportSubmitted';
      readonly taskId: string;
      readonly csvName: string;
      readonly filePath: string;
      /** False when the upload could not be chained (its deployment was busy or misconfigured): see `warnings`. */
      readonly chained: boolean;
      readonly warnings: ReadonlyArray<string>;
    }
  | { readonly _tag: 'ExportNotStarted'; readonly reason: string };

/** The content of a task marker. */
export interface TaskMarker {
  readonly taskId: string;
  readonly csvName: string;
  readonly savedSearchId: string;
  readonly requestedAt: string;
  readonly chained: boolean;
}

// Errors of SearchTask.submit() that concern only the dependency: the export can still run unchained.
const DEPENDENCY_BUSY = ['ASYNC_SEARCH_DEPENDENCY_SS_ALREADY_SUBMITTED'];
const DEPENDENCY_MISCONFIGURED = [
  'ASYNC_SEARCH_DEPENDENCY_SS_INCORRECT_STATUS',
  'ASYNC_SEARCH_DEPLOYMENT_FOR_DEPENDENCY',
];

const folderOf = (path: string): string => {
  const cut = path.lastIndexOf('/');
  return cut === -1 ? '' : path.slice(0, cut);
};

/** Runs one export: submits the SearchTask for the saved search of the deployment's parameters, at instant `now`. */
export const runInventoryExport = (modules: ExportModules, now: Date): ExportOutcome => {
  const { task, file, runtime, log } = modules;
  const settings = readExportSettings(runtime.getCurrentScript());
  if (!settings.ok) {
    const reason = `the deployment's parameters are not usable: ${settings.problems.join('; ')}`;
    log.error({ title: 'Inventory export not started', details: reason });
    return { _tag: 'ExportNotStarted', reason };
  }
  const { savedSearchId, folderId, filePrefix } = settings.value;
  const csvName = exportFileName(filePrefix, now);
  const requestedAt = now.toISOString();

  // 1. The pending marker: the upload script leaves the CSV alone while only this marker exists.
  let pendingId: number;
  let filePath: string;
  try {
    pendingId = file
      .create({
        name: pendingMarkerName(csvName),
        fileType: file.Type.JSON,
        contents: JSON.stringify({ csvName, savedSearchId, requestedAt }),
        folder: folderId,
      })
      .save();
    filePath = `${folderOf(file.load({ id: pendingId }).path)}/${csvName}`;
  } catch (error) {
    const reason = `cannot write into the export folder ${folderId}: ${describeError(error)}`;
    log.error({ title: 'Inventory export not started', details: reason });
    return { _tag: 'ExportNotStarted', reason };
  }

  // 2. The SearchTask, with the upload chained to its completion.
  const searchTask = (withUpload: boolean) => {
    const t = task.create({ taskType: task.TaskType.SEARCH });
    t.savedSearchId = savedSearchId;
    t.filePath = filePath;
    if (withUpload)
      t.addInboundDependency(
        task.create({
          taskType: task.TaskType.SCHEDULED_SCRIPT,
          scriptId: UPLOAD_SCRIPT_ID,
          deploymentId: UPLOAD_DEPLOYMENT_ID,
        }),
      );
    return t;
  };
  const warnings: string[] = [];
  let taskId: string;
  let chained = true;
  try {
    try {
      taskId = searchTask(true).submit();
    } catch (error) {
      const code = errorCode(error);
      if (DEPENDENCY_BUSY.includes(code)) {
        warnings.push(
          `the upload (${UPLOAD_DEPLOYMENT_ID}) is already queued or running, so it cannot be chained to this export (${code}); run it again after the export completes, or wait for the next export's chain`,
        );
      } else if (DEPENDENCY_MISCONFIGURED.includes(code)) {
        warnings.push(
          `the upload deployment ${UPLOAD_DEPLOYMENT_ID} cannot be chained (${describeError(error)}): it must exist, be deployed and have the status Not Scheduled`,
        );
      } else throw error;
      chained = false;
      taskId = searchTask(false).submit();
    }
  } catch (error) {
    const reason = `SearchTask for saved search ${savedSearchId} not submitted: ${describeError(error)}`;
    log.error({ title: 'Inventory export not started', details: reason });
    try {
      file.delete({ id: pendingId });
    } catch (cleanup) {
      log.error({
        title: 'Pending marker left behind',
        details: `${pendingMarkerName(csvName)}: ${describeError(cleanup)}; delete it by hand`,
      });
    }
    return { _tag: 'ExportNotStarted', reason };
  }

  // 3. The task marker, then the pending marker goes. Should this fail, the pending marker stays and the upload
  // script holds the CSV back (and says so) rather than upload a file it cannot prove finished.
  try {
    const marker: TaskMarker = { taskId, csvName, savedSearchId, requestedAt, chained };
    file
      .create({
        name: taskMarkerName(csvName),
        fileType: file.Type.JSON,
        contents: JSON.stringify(marker),
        folder: folderId,
      })
      .save();
    file.delete({ id: pendingId });
  } catch (error) {
    warnings.push(
      `the task marker for ${csvName} (task ${taskId}) was not saved: ${describeError(error)}; the upload holds the CSV back until ${pendingMarkerName(csvName)} is deleted by hand`,
    );
  }
  for (const warning of warnings) log.error({ title: 'Inventory export: attention needed', details: warning });
  log.audit({
    title: 'Inventory export submitted',
    details: `task ${taskId} writes ${filePath} from saved search ${savedSearchId}${chained ? '; the upload runs when it completes' : ''}`,
  });
  return { _tag: 'ExportSubmitted', taskId, csvName, filePath, chained, warnings };
};
