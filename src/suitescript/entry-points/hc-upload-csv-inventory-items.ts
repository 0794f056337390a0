/**
 * @NApiVersion 2.1
 * @NScriptType ScheduledScript
 * @NModuleScope SameAccount
 */
// HC_uploadCSV_InventoryItems: the thin edge that hands NetSuite's modules to the upload logic.
import * as file from 'N/file';
import * as log from 'N/log';
import * as runtime from 'N/runtime';
import * as search from 'N/search';
import * as sftp from 'N/sftp';
import * as task from 'N/task';
import type { EntryPoints } from 'N/types';
import { runInventoryUpload, type UploadModules } from '../upload-inventory-csv.ts';

const modules: UploadModules = { task, file, search, sftp, runtime, log };

/**
 * One upload pass. A pass stopped by a failure (SFTP down, a bad deployment) fails after logging, so the deployment's
 * status shows it and NetSuite mails the owner; the files stay for the next run.
 */
const execute: EntryPoints.Scheduled.execute = () => {
  const report = runInventoryUpload(modules);
  if (report.configurationProblems.length > 0)
    throw new Error(`inventory upload not started: ${report.configurationProblems.join('; ')}`);
  if (report.stopped?.failure === true)
    throw new Error(`inventory upload stopped at ${report.stopped.name}: ${report.stopped.reason}`);
};

export default { execute };
