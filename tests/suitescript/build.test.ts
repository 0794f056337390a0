// The SDF project as NetSuite gets it: the built AMD files (evaluated with a stub `define` and run against the
// fakes) and the XML objects (well-formed, and consistent with the scripts' ids and parameters).
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runInNewContext } from 'node:vm';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { buildSuiteScripts, SUITESCRIPT_CABINET_DIR, SUITESCRIPT_ENTRIES } from '../../scripts/build-suitescript.ts';
import {
  EXPORT_DEPLOYMENT_ID,
  EXPORT_PARAMETERS,
  EXPORT_SCRIPT_ID,
  UPLOAD_DEPLOYMENT_ID,
  UPLOAD_PARAMETERS,
  UPLOAD_SCRIPT_ID,
} from '../../src/suitescript/script-ids.ts';
import type { FakeModules } from './fakes/netsuite.ts';
import { EXPORT_FOLDER, INBOX, world } from './world.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
const objects = join(root, 'suitecloud/src/Objects');
let out = '';
const built = new Map<string, string>();

/** Evaluates an AMD file with a stub `define`, resolving N/* to the given modules; returns its deps and exports. */
const evaluate = (
  code: string,
  modules: FakeModules,
): { deps: string[]; exports: { execute: (context: unknown) => void } } => {
  let captured: { deps: string[]; exports: { execute: (context: unknown) => void } } | undefined;
  const define = (deps: string[], factory: (...args: unknown[]) => { execute: (context: unknown) => void }) => {
    const byName: Record<string, unknown> = {
      'N/task': modules.task,
      'N/file': modules.file,
      'N/search': modules.search,
      'N/sftp': modules.sftp,
      'N/runtime': modules.runtime,
      'N/log': modules.log,
    };
    captured = { deps, exports: factory(...deps.map((d) => byName[d])) };
  };
  runInNewContext(code, { define, Date, JSON, String, Number, Error });
  if (captured === undefined) throw new Error('the file never called define');
  return captured;
};

const build = suite('npm run build:suitescript');
build.before(async () => {
  out = mkdtempSync(join(tmpdir(), 'oms-suitescript-build-'));
  for (const path of await buildSuiteScripts(out)) built.set(path.slice(out.length + 1), readFileSync(path, 'utf8'));
});
build.after(() => rmSync(out, { recursive: true, force: true }));

build('each script is one AMD module headed by the NetSuite JSDoc tags, depending on N/* modules only', () => {
  assert.equal([...built.keys()].sort(), ['HC_generateCSV_InventoryItems.js', 'HC_uploadCSV_InventoryItems.js']);
  for (const [name, code] of built) {
    assert.match(code, /^\/\*\*[\s\S]*?@NApiVersion 2\.1[\s\S]*?@NScriptType ScheduledScript[\s\S]*?\*\//, name);
    const define = /\ndefine\(\[([^\]]*)\]/.exec(code);
    assert.ok(define, `${name} calls define`);
    for (const dep of define![1]!.split(',').map((d) => d.trim().replace(/'/g, '')))
      assert.match(dep, /^N\/[a-z]+$/, `${name}: ${dep}`);
    assert.not.match(code, /\bimport\b|\brequire\(|\bexports\./, `${name} has no ESM or CommonJS left`);
    assert.not.match(code, /fp-ts|io-ts/, `${name} inlines nothing beyond the contract from the domain`);
  }
});

build(
  'the built export script runs in NetSuite shape: define(deps, factory) -> { execute }, and execute submits the SearchTask',
  () => {
    const ns = world();
    const code = built.get('HC_generateCSV_InventoryItems.js')!;
    ns.run(EXPORT_DEPLOYMENT_ID, (modules) => {
      const { deps, exports } = evaluate(code, modules);
      assert.equal([...deps].sort(), ['N/file', 'N/log', 'N/runtime', 'N/task']);
      assert.equal(Object.keys(exports), ['execute']);
      exports.execute({ type: 'SCHEDULED' });
    });
    assert.is(ns.lastTask('search')!.status, 'PENDING');
    assert.equal(
      ns.lastTask('search')!.dependents.map((d) => d.deploymentId),
      [UPLOAD_DEPLOYMENT_ID],
    );
  },
);

build('the built upload script delivers, and fails the run (so NetSuite shows it) when SFTP is down', () => {
  const ns = world();
  ns.putFile(
    EXPORT_FOLDER,
    'inventory-20261122T010000Z.csv',
    'Item,externalFacilityId,availableQty,idValue\nSKU-1,101,1,1\n',
  );
  const code = built.get('HC_uploadCSV_InventoryItems.js')!;
  ns.sftpDown = true;
  assert.throws(
    () => ns.run(UPLOAD_DEPLOYMENT_ID, (modules) => evaluate(code, modules).exports.execute({})),
    /SFTP .* unavailable/,
  );
  ns.sftpDown = false;
  ns.run(UPLOAD_DEPLOYMENT_ID, (modules) => evaluate(code, modules).exports.execute({}));
  assert.equal([...ns.remoteDir(INBOX).keys()], ['inventory-20261122T010000Z.csv']);
});

build.run();

const xml = suite('SDF objects');
const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  isArray: (name) => ['scriptcustomfield', 'scriptdeployment'].includes(name),
});
const object = (file: string) => {
  const text = readFileSync(join(objects, file), 'utf8');
  assert.is(XMLValidator.validate(text), true, file);
  return parser.parse(text).scheduledscript;
};

xml(
  'every XML file of the project is well-formed; manifest and deploy.xml name the built files and the objects',
  () => {
    for (const file of ['manifest.xml', 'deploy.xml', ...readdirSync(objects).map((f) => `Objects/${f}`)]) {
      assert.is(XMLValidator.validate(readFileSync(join(root, 'suitecloud/src', file), 'utf8')), true, file);
    }
    const deploy = readFileSync(join(root, 'suitecloud/src/deploy.xml'), 'utf8');
    assert.match(deploy, new RegExp(`~/FileCabinet${SUITESCRIPT_CABINET_DIR}/\\*`));
    assert.match(deploy, /~\/Objects\/\*/);
    assert.match(
      readFileSync(join(root, 'suitecloud/src/manifest.xml'), 'utf8'),
      /<feature required="true">SERVERSIDESCRIPTING<\/feature>/,
    );
  },
);

xml('the script records point at the built files and declare exactly the parameters the scripts read', () => {
  const cases = [
    {
      file: `${EXPORT_SCRIPT_ID}.xml`,
      id: EXPORT_SCRIPT_ID,
      output: SUITESCRIPT_ENTRIES[0]!.output,
      parameters: Object.values(EXPORT_PARAMETERS),
      name: 'HC_generateCSV_InventoryItems',
    },
    {
      file: `${UPLOAD_SCRIPT_ID}.xml`,
      id: UPLOAD_SCRIPT_ID,
      output: SUITESCRIPT_ENTRIES[1]!.output,
      parameters: Object.values(UPLOAD_PARAMETERS),
      name: 'HC_uploadCSV_InventoryItems',
    },
  ];
  for (const c of cases) {
    const script = object(c.file);
    assert.is(script['@scriptid'], c.id);
    assert.is(script.name, c.name);
    assert.is(script.scriptfile, `[${SUITESCRIPT_CABINET_DIR}/${c.output}]`);
    const declared = script.scriptcustomfields.scriptcustomfield.map((f: Record<string, string>) => f['@scriptid']);
    assert.equal([...declared].sort(), [...c.parameters].sort(), c.file);
    for (const id of declared) assert.ok(id.length <= 40 && id.startsWith('custscript_'), id);
  }
});

xml(
  'deployments: the export runs daily (SCHEDULED); the upload has one NOTSCHEDULED deployment, the chain target',
  () => {
    const exportDeployments = object(`${EXPORT_SCRIPT_ID}.xml`).scriptdeployments.scriptdeployment;
    assert.equal(
      exportDeployments.map((d: Record<string, string>) => [d['@scriptid'], d.status]),
      [[EXPORT_DEPLOYMENT_ID, 'SCHEDULED']],
    );
    assert.is(exportDeployments[0].recurrence.daily.everyxdays, 1);
    const uploadDeployments = object(`${UPLOAD_SCRIPT_ID}.xml`).scriptdeployments.scriptdeployment;
    assert.equal(
      uploadDeployments.map((d: Record<string, string>) => [d['@scriptid'], d.status]),
      [[UPLOAD_DEPLOYMENT_ID, 'NOTSCHEDULED']],
    );
  },
);

xml.run();
