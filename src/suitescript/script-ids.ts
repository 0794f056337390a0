/**
 * The ids of the two script records, their deployments and their parameters: the SuiteScripts read them, and
 * suitecloud/src/Objects/*.xml declares them (a test checks that both agree). Script parameter ids are account-wide,
 * so each script's parameters carry their own prefix.
 */

/** HC_generateCSV_InventoryItems: the script record and its daily SCHEDULED deployment. */
export const EXPORT_SCRIPT_ID = 'customscript_hc_generate_inventory_csv';
export const EXPORT_DEPLOYMENT_ID = 'customdeploy_hc_generate_inventory_csv';

/** HC_uploadCSV_InventoryItems: the script record and its one NOTSCHEDULED deployment (the chain target). */
export const UPLOAD_SCRIPT_ID = 'customscript_hc_upload_inventory_csv';
export const UPLOAD_DEPLOYMENT_ID = 'customdeploy_hc_upload_inventory_csv';

/** The export script's parameters. */
export const EXPORT_PARAMETERS = {
  savedSearchId: 'custscript_hc_invexp_saved_search',
  folderId: 'custscript_hc_invexp_folder',
  filePrefix: 'custscript_hc_invexp_file_prefix',
} as const;

/** The upload script's parameters. */
export const UPLOAD_PARAMETERS = {
  exportFolderId: 'custscript_hc_invup_export_folder',
  archiveFolderId: 'custscript_hc_invup_archive_folder',
  errorFolderId: 'custscript_hc_invup_error_folder',
  host: 'custscript_hc_invup_host',
  port: 'custscript_hc_invup_port',
  username: 'custscript_hc_invup_user',
  hostKey: 'custscript_hc_invup_host_key',
  hostKeyType: 'custscript_hc_invup_host_key_type',
  passwordGuid: 'custscript_hc_invup_password_guid',
  keyId: 'custscript_hc_invup_key_id',
  secret: 'custscript_hc_invup_secret',
  remoteDirectory: 'custscript_hc_invup_remote_dir',
  deliveredDirectories: 'custscript_hc_invup_done_dirs',
  maxPartBytes: 'custscript_hc_invup_max_part_bytes',
} as const;
