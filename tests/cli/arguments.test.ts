import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import {
  commandHelp,
  parseCommandArguments,
  textFlag,
  usageLine,
  wholeNumber,
  type CommandSpec,
} from '../../src/cli/arguments.ts';

const spec: CommandSpec = {
  summary: 'Reads things.',
  positionals: ['sku|productId'],
  flags: {
    'facility-group': { value: 'ID', help: 'the group' },
    limit: { value: 'N', help: 'at most N' },
    json: { help: 'as JSON' },
  },
  required: ['facility-group'],
};
const parse = (...argv: string[]) => parseCommandArguments('explain', spec, argv);

const args = suite('parseCommandArguments');

args('flags with a space or an equals sign, switches and positionals', () => {
  for (const argv of [
    ['SKU-1', '--facility-group', 'WEB', '--limit', '3', '--json'],
    ['--facility-group=WEB', 'SKU-1', '--limit=3', '--json'],
  ]) {
    const out = parse(...argv);
    assert.equal(out, {
      _tag: 'parsed',
      args: { values: { 'facility-group': 'WEB', limit: '3', json: true }, positionals: ['SKU-1'] },
    });
  }
});

args('an unknown flag, a missing value, a value on a switch, a repeated flag: usage errors naming them', () => {
  const message = (o: ReturnType<typeof parse>) => (o._tag === 'usage-error' ? o.message : `not an error: ${o._tag}`);
  assert.is(
    message(parse('SKU-1', '--facility-group', 'WEB', '--sampel', '1')),
    'explain: unknown flag --sampel (its flags: --facility-group, --limit, --json)',
  );
  assert.is(
    message(parse('SKU-1', '--facility-group')),
    'explain: --facility-group needs a value (--facility-group ID)',
  );
  assert.is(
    message(parse('SKU-1', '--facility-group', '--json')),
    'explain: --facility-group needs a value (--facility-group ID)',
  );
  assert.is(message(parse('SKU-1', '--facility-group', 'W', '--json=yes')), 'explain: --json takes no value');
  assert.is(
    message(parse('SKU-1', '--facility-group', 'W', '--facility-group', 'X')),
    'explain: --facility-group is given twice',
  );
  assert.is(message(parse('--facility-group', 'W')), 'explain: needs <sku|productId>');
  assert.is(
    message(parse('SKU-1', 'SKU-2', '--facility-group', 'W')),
    "explain: unexpected argument 'SKU-2' (it takes <sku|productId>)",
  );
  assert.is(message(parse('SKU-1')), 'explain: needs --facility-group ID');
});

args('--help wins over everything else, and a lone - is a positional', () => {
  assert.equal(parse('--sampel', '--help'), { _tag: 'help' });
  assert.equal(parse('-h'), { _tag: 'help' });
  const out = parse('-', '--facility-group', 'W');
  assert.ok(out._tag === 'parsed' && out.args.positionals[0] === '-');
});

args('usage line and help', () => {
  assert.is(
    usageLine('explain', spec),
    'oms-inventory-sync explain <sku|productId> --facility-group ID [--limit N] [--json]',
  );
  const help = commandHelp('explain', spec);
  assert.ok(help.startsWith('Usage: oms-inventory-sync explain <sku|productId> --facility-group ID'), help);
  assert.match(help, /Reads things\./);
  assert.match(help, /--limit N\s+at most N/);
});

args('wholeNumber and textFlag', () => {
  const parsed = { values: { limit: '7', bad: '1.5', zero: '0', name: 'x' }, positionals: [] };
  assert.equal(wholeNumber(parsed, 'limit', 20, 1), { ok: true, value: 7 });
  assert.equal(wholeNumber(parsed, 'absent', 20, 1), { ok: true, value: 20 });
  assert.equal(wholeNumber(parsed, 'bad', 20, 1), {
    ok: false,
    message: '--bad must be a whole number from 1, got "1.5"',
  });
  assert.equal(wholeNumber(parsed, 'zero', 20, 1).ok, false);
  assert.equal(wholeNumber(parsed, 'zero', 20, 0), { ok: true, value: 0 });
  assert.is(textFlag(parsed, 'name'), 'x');
  assert.is(textFlag(parsed, 'absent'), undefined);
});

args.run();
