import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { readSettings } from '../../src/cli/settings-file.ts';

const settings = suite('readSettings');

settings(
  'the embedded defaults, a file, an unreadable file, a bad key, and a missing secret of a needed section only',
  () => {
    const dir = mkdtempSync(join(tmpdir(), 'oms-settings-file-'));
    try {
      const defaults = readSettings(undefined, ['store']);
      assert.ok(defaults._tag === 'Right' && defaults.right.inventoryStore.kind === 'sqlite');
      const missing = readSettings(join(dir, 'none.json'), ['store']);
      assert.ok(
        missing._tag === 'Left' && missing.left.startsWith(`cannot read the config file ${join(dir, 'none.json')}`),
      );
      writeFileSync(join(dir, 'bad.json'), JSON.stringify({ bogus: 1 }));
      const bad = readSettings(join(dir, 'bad.json'), ['store']);
      assert.ok(bad._tag === 'Left' && bad.left.startsWith('invalid configuration:\n  ') && bad.left.includes('bogus'));
      writeFileSync(join(dir, 'shop.json'), JSON.stringify({ shopify: { shop: 'x.myshopify.com' } }));
      const saved = process.env.SHOPIFY_ACCESS_TOKEN;
      delete process.env.SHOPIFY_ACCESS_TOKEN;
      try {
        assert.is(readSettings(join(dir, 'shop.json'), ['store'])._tag, 'Right', 'not needed: no token asked for');
        const needed = readSettings(join(dir, 'shop.json'), ['store', 'shopify']);
        assert.ok(needed._tag === 'Left' && needed.left.includes('SHOPIFY_ACCESS_TOKEN'));
      } finally {
        if (saved !== undefined) process.env.SHOPIFY_ACCESS_TOKEN = saved;
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
);

settings.run();
