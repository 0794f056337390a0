// A real OpenSSH server for the SFTP tests: `/usr/sbin/sshd` in the foreground on a free loopback port, with a fresh
// host key and client key in a temp dir, serving SFTP (internal-sftp) to the user running the tests (root in CI).
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** The path of the OpenSSH daemon (Debian package `openssh-server`). */
export const SSHD = '/usr/sbin/sshd';

/** A running sshd and what a client needs to log in to it. */
export interface SshServer {
  readonly host: string;
  readonly port: number;
  readonly username: string;
  /** The client's private key (OpenSSH format, no passphrase). */
  readonly privateKey: string;
  /** The server's host key fingerprint as `ssh-keygen -lf` prints it: `SHA256:<base64 without padding>`. */
  readonly hostKeySha256: string;
  /** The server's public host key, the line of its `.pub` file (`ssh-ed25519 AAAA... comment`). */
  readonly hostPublicKey: string;
  /** A fresh, empty folder on this machine, reachable over SFTP at the same absolute path. */
  readonly root: string;
  /** Kills the processes serving the open sessions (the connections drop); the server keeps accepting new ones. */
  readonly dropConnections: () => Promise<void>;
  /** Stops the server and deletes its temp dir (the root folder included). */
  readonly stop: () => Promise<void>;
}

const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address !== null ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });

const accepts = (host: string, port: number): Promise<boolean> =>
  new Promise((resolve) => {
    const socket = connect({ host, port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

// The processes descending from `pid`, deepest last, from /proc (Linux).
const descendants = (pid: number): ReadonlyArray<number> => {
  const parents = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      // The command name may hold spaces and parentheses: the parent pid follows the last ')'.
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      parents.set(Number(entry), ppid);
    } catch {
      // the process ended while we looked
    }
  }
  const found: number[] = [];
  const visit = (parent: number) => {
    for (const [child, ppid] of parents) {
      if (ppid === parent) {
        found.push(child);
        visit(child);
      }
    }
  };
  visit(pid);
  return found;
};

const exited = (child: ChildProcess): Promise<void> =>
  child.exitCode !== null || child.signalCode !== null
    ? Promise.resolve()
    : new Promise((resolve) => child.once('exit', () => resolve()));

/** Starts sshd on 127.0.0.1 and resolves once its port accepts connections. */
export const startSshd = async (): Promise<SshServer> => {
  if (!existsSync(SSHD)) throw new Error(`${SSHD} is missing: install the openssh-server package (.ci/run does)`);
  const dir = mkdtempSync(join(tmpdir(), 'oms-inventory-sync-sshd-'));
  const root = join(dir, 'files');
  mkdirSync(root);
  // sshd refuses to start without its privilege separation dir.
  mkdirSync('/run/sshd', { recursive: true, mode: 0o755 });
  const hostKey = join(dir, 'host_ed25519');
  const clientKey = join(dir, 'client_ed25519');
  await run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'oms-inventory-sync test host', '-f', hostKey]);
  await run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'oms-inventory-sync test client', '-f', clientKey]);
  writeFileSync(join(dir, 'authorized_keys'), readFileSync(`${clientKey}.pub`), { mode: 0o600 });
  const { stdout } = await run('ssh-keygen', ['-l', '-E', 'sha256', '-f', `${hostKey}.pub`]);
  const hostKeySha256 = /SHA256:[A-Za-z0-9+/]+/.exec(stdout)?.[0];
  if (hostKeySha256 === undefined) throw new Error(`ssh-keygen -lf printed no SHA256 fingerprint: ${stdout}`);

  const host = '127.0.0.1';
  const port = await freePort();
  const config = join(dir, 'sshd_config');
  writeFileSync(
    config,
    [
      `ListenAddress ${host}:${port}`,
      `HostKey ${hostKey}`,
      `PidFile ${join(dir, 'sshd.pid')}`,
      `AuthorizedKeysFile ${join(dir, 'authorized_keys')}`,
      'StrictModes no',
      'PubkeyAuthentication yes',
      'PasswordAuthentication no',
      'KbdInteractiveAuthentication no',
      'PermitRootLogin prohibit-password',
      'UsePAM no',
      'Subsystem sftp internal-sftp',
      'LogLevel ERROR',
      '',
    ].join('\n'),
  );

  const daemon = spawn(SSHD, ['-D', '-e', '-f', config], { stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  daemon.on('error', (error) => {
    log += String(error);
  });
  daemon.stderr?.on('data', (chunk: Buffer) => {
    log += chunk.toString();
  });
  const deadline = Date.now() + 10_000;
  while (!(await accepts(host, port))) {
    if (daemon.exitCode !== null || Date.now() > deadline) {
      daemon.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
      throw new Error(`sshd did not start on ${host}:${port}: ${log}`);
    }
    await sleep(20);
  }

  const dropConnections = async () => {
    const pids = descendants(daemon.pid ?? -1);
    for (const pid of pids) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // gone already
      }
    }
  };
  return {
    host,
    port,
    username: userInfo().username,
    privateKey: readFileSync(clientKey, 'utf8'),
    hostKeySha256,
    hostPublicKey: readFileSync(`${hostKey}.pub`, 'utf8').trim(),
    root,
    dropConnections,
    stop: async () => {
      await dropConnections();
      daemon.kill('SIGTERM');
      await exited(daemon);
      rmSync(dir, { recursive: true, force: true });
    },
  };
};
