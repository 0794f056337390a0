import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import {
  EXPORT_DEPLOYMENT_ID,
  EXPORT_PARAMETERS,
  EXPORT_SCRIPT_ID,
  UPLOAD_DEPLOYMENT_ID,
  UPLOAD_PARAMETERS,
  UPLOAD_SCRIPT_ID,
} from '../../src/suitescript/script-ids.ts';

const ids = suite('script ids');

// NetSuite ids: lowercase letters, digits and _, the record type's prefix, at most 40 characters.
const NETSUITE_ID = /^[a-z0-9_]{1,40}$/;

ids('script records and deployments carry the prefixes NetSuite requires', () => {
  for (const id of [EXPORT_SCRIPT_ID, UPLOAD_SCRIPT_ID])
    assert.ok(id.startsWith('customscript_') && NETSUITE_ID.test(id), id);
  for (const id of [EXPORT_DEPLOYMENT_ID, UPLOAD_DEPLOYMENT_ID])
    assert.ok(id.startsWith('customdeploy_') && NETSUITE_ID.test(id), id);
  assert.is.not(EXPORT_SCRIPT_ID, UPLOAD_SCRIPT_ID);
  assert.is.not(EXPORT_DEPLOYMENT_ID, UPLOAD_DEPLOYMENT_ID);
});

ids("parameter ids are account-wide: each script's carry its own prefix, and no id is used twice", () => {
  const exportIds = Object.values(EXPORT_PARAMETERS);
  const uploadIds = Object.values(UPLOAD_PARAMETERS);
  for (const id of exportIds) assert.ok(id.startsWith('custscript_hc_invexp_') && NETSUITE_ID.test(id), id);
  for (const id of uploadIds) assert.ok(id.startsWith('custscript_hc_invup_') && NETSUITE_ID.test(id), id);
  const all = [...exportIds, ...uploadIds];
  assert.is(new Set(all).size, all.length);
});

ids.run();
