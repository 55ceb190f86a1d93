import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { createConnection } from 'mysql2/promise';

export interface BenchDatabase {
  url: string;
  drop(): Promise<void>;
}

/**
 * Where a benchmark run's data lives: a new SQLite file in the run's temp dir, or a new MySQL
 * database on the server named by `--database-url`, created here and dropped afterwards.
 */
export async function freshBenchDatabase(
  tempDir: string,
  serverUrl: string | undefined,
): Promise<BenchDatabase> {
  if (!serverUrl || serverUrl.startsWith('sqlite:')) {
    if (serverUrl)
      throw new Error(
        '--database-url sqlite:… only works with --no-seed (runs use a fresh temp file)',
      );
    return { url: `sqlite:${path.join(tempDir, 'bench.db')}`, drop: async () => undefined };
  }
  const name = `photogram_bench_${randomBytes(4).toString('hex')}`;
  const admin = new URL(serverUrl.replace(/^mariadb:/, 'mysql:'));
  admin.pathname = '/';
  const connection = await createConnection({ uri: admin.toString() });
  await connection.query(`create database \`${name}\` character set utf8mb4 collate utf8mb4_bin`);
  await connection.end();
  const url = new URL(admin);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const c = await createConnection({ uri: admin.toString() });
      await c.query(`drop database if exists \`${name}\``);
      await c.end();
    },
  };
}
