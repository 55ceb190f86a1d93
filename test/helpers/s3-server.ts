import S3rver from 's3rver';
import { tempDir } from './media-fixtures.js';

export interface TestS3 {
  endpoint: string;
  bucket: string;
  stop: () => Promise<void>;
}

/** A real S3-protocol server (s3rver) on a random loopback port, storing into a temp dir. */
export async function startTestS3(bucket = 'photogram-test'): Promise<TestS3> {
  const { dir, cleanup } = await tempDir('photogram-s3-');
  const server = new S3rver({
    address: '127.0.0.1',
    port: 0,
    directory: dir,
    silent: true,
    configureBuckets: [{ name: bucket }],
  });
  const { address, port } = await server.run();
  return {
    endpoint: `http://${address}:${port}`,
    bucket,
    stop: async () => {
      await server.close();
      await cleanup();
    },
  };
}
