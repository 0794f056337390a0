import { ssh2SftpClient, type SftpClient } from '../../src/adapters/sftp/sftp-file-store.ts';
import type { SshServer } from './sshd.ts';

/**
 * A factory of real SFTP clients whose downloads drop every session of `server` once `atBytes` have arrived (once),
 * so that a drop always lands mid-transfer however fast the machine is. `droppedAfter()` tells how much had arrived.
 */
export const droppingSftpClient = (
  server: SshServer,
  atBytes: number,
): { createClient: () => SftpClient; droppedAfter: () => number } => {
  let dropAt: number | undefined = atBytes;
  let droppedAfter = 0;
  const createClient = (): SftpClient => {
    const client = ssh2SftpClient();
    const fastGet = client.fastGet.bind(client);
    client.fastGet = (remote, local, options) =>
      fastGet(remote, local, {
        ...options,
        step: (transferred) => {
          if (dropAt !== undefined && transferred >= dropAt) {
            dropAt = undefined;
            droppedAfter = transferred;
            void server.dropConnections();
          }
        },
      });
    return client;
  };
  return { createClient, droppedAfter: () => droppedAfter };
};
