/**
 * @NApiVersion 2.1
 * @NScriptType ScheduledScript
 * @NModuleScope SameAccount
 */
// HC_generateCSV_InventoryItems: the thin edge that hands NetSuite's modules to the export logic.
import * as file from 'N/file';
import * as log from 'N/log';
import * as runtime from 'N/runtime';
import * as task from 'N/task';
import type { EntryPoints } from 'N/types';
import { runInventoryExport, type ExportModules } from '../generate-inventory-csv.ts';

const modules: ExportModules = { task, file, runtime, log };

/** One export run. A run that could not start fails, so the deployment's status shows it and NetSuite mails the owner. */
const execute: EntryPoints.Scheduled.execute = () => {
  const outcome = runInventoryExport(modules, new Date());
  if (outcome._tag === 'ExportNotStarted') throw new Error(outcome.reason);
};

export default { execute };
