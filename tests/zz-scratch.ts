import { jsonLineLogger, redactingLogger } from '../src/worker/worker-log.ts';
const out: string[] = [];
const log = redactingLogger(['shpat_secret_token'], jsonLineLogger((l) => out.push(l)));
let deep: unknown = 'Authorization: shpat_secret_token';
for (let i = 0; i < 10; i++) deep = { level: deep };
log('error', 'x', { response: deep });
log('error', 'y', { ['shpat_secret_token']: 1 });
const m = new Map([['t', 'shpat_secret_token']]);
log('error', 'z', { m, buf: Buffer.from('shpat_secret_token') , err: Object.assign(new Error('boom'), { cause: 'shpat_secret_token' })});
class Resp { toJSON() { return { token: 'shpat_secret_token' }; } }
log('error', 'w', { r: new Resp() });
console.log(out.join(''));
