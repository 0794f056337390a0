// A fake NetSuite account set up for the two inventory scripts, shared by the SuiteScript tests.
import { NETSUITE_EXPORT_HEADER_LINE } from '../../src/domain/netsuite-export-contract.ts';
import { runInventoryExport } from '../../src/suitescript/generate-inventory-csv.ts';
import {
  EXPORT_DEPLOYMENT_ID,
  EXPORT_PARAMETERS,
  EXPORT_SCRIPT_ID,
  UPLOAD_DEPLOYMENT_ID,
  UPLOAD_PARAMETERS,
  UPLOAD_SCRIPT_ID,
} from '../../src/suitescript/script-ids.ts';
import { runInventoryUpload } from '../../src/suitescript/upload-inventory-csv.ts';
import { FakeNetSuite } from './fakes/netsuite.ts';

export const EXPORT_FOLDER = 11;
export const ARCHIVE_FOLDER = 12;
export const ERROR_FOLDER = 13;
export const SAVED_SEARCH = 'customsearch_hc_inventory_export';
export const INBOX = '/home/hotwax/netsuite/inventoryitem/csv';

/** The rows the fake saved search returns. */
export const SEARCH_ROWS = [
  'SKU-0001-BLUE-M,101,17,100001',
  '"SKU-0002, ""Red"" L",101,1234,100002',
  'SKU-0003,102,3.5,100003',
];

/** A fake account with the folders, the saved search and both deployments configured. */
export const world = (uploadParameters: Record<string, unknown> = {}): FakeNetSuite => {
  const ns = new FakeNetSuite();
  ns.folder(EXPORT_FOLDER, 'HotWax/Inventory Export');
  ns.folder(ARCHIVE_FOLDER, 'HotWax/Inventory Export/Archive');
  ns.folder(ERROR_FOLDER, 'HotWax/Inventory Export/Error');
  ns.savedSearches.set(SAVED_SEARCH, () => `${NETSUITE_EXPORT_HEADER_LINE}\n${SEARCH_ROWS.join('\n')}\n`);
  ns.deploy(EXPORT_SCRIPT_ID, EXPORT_DEPLOYMENT_ID, 'SCHEDULED', {
    [EXPORT_PARAMETERS.savedSearchId]: SAVED_SEARCH,
    [EXPORT_PARAMETERS.folderId]: EXPORT_FOLDER,
  });
  ns.deploy(UPLOAD_SCRIPT_ID, UPLOAD_DEPLOYMENT_ID, 'NOTSCHEDULED', {
    [UPLOAD_PARAMETERS.exportFolderId]: EXPORT_FOLDER,
    [UPLOAD_PARAMETERS.archiveFolderId]: ARCHIVE_FOLDER,
    [UPLOAD_PARAMETERS.errorFolderId]: ERROR_FOLDER,
    [UPLOAD_PARAMETERS.host]: ns.sftpHost,
    [UPLOAD_PARAMETERS.username]: ns.sftpUser,
    [UPLOAD_PARAMETERS.hostKey]: ns.sftpHostKey,
    [UPLOAD_PARAMETERS.keyId]: 'custkey_hc_oms_sftp',
    ...uploadParameters,
  });
  return ns;
};

/** The daily deployment fires at `at`. */
export const runExport = (ns: FakeNetSuite, at = new Date('2026-11-22T01:00:00Z')) =>
  ns.run(EXPORT_DEPLOYMENT_ID, (m) => runInventoryExport(m, at));

/** The queued upload task (the chain, or a resubmit) runs. */
export const runQueuedUpload = (ns: FakeNetSuite, units?: number) => ns.runQueued((m) => runInventoryUpload(m), units);

/** An administrator runs the upload deployment by hand (Save and Execute). */
export const runUploadNow = (ns: FakeNetSuite, units?: number) =>
  ns.run(UPLOAD_DEPLOYMENT_ID, (m) => runInventoryUpload(m), units);
