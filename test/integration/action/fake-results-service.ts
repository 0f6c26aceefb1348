// A stand-in for the runner's artifact service (Twirp CreateArtifact/FinalizeArtifact plus the signed blob
// URL it hands out), enough for @actions/artifact to upload one artifact and get its id.

import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeResultsService {
  url: string;
  /** ACTIONS_RUNTIME_TOKEN: an unsigned JWT with the Actions.Results scope the client reads its ids from. */
  token: string;
  artifacts: { name: string; bytes: number }[];
  close(): Promise<void>;
}

export async function startFakeResultsService(): Promise<FakeResultsService> {
  const artifacts: FakeResultsService['artifacts'] = [];
  const blobs = new Map<string, number>();
  let pending = '';
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const url = new URL(req.url ?? '/', 'http://x');
      const json = (value: unknown) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify(value));
      };
      if (url.pathname.endsWith('/CreateArtifact')) {
        pending = (JSON.parse(body.toString()) as { name: string }).name;
        return json({ ok: true, signedUploadUrl: `${base}/blob/${encodeURIComponent(pending)}?sig=fake` });
      }
      if (url.pathname.startsWith('/blob/')) {
        // Azure block blob protocol: blocks, then the block list that commits them.
        if (url.searchParams.get('comp') === 'block')
          blobs.set(url.pathname, (blobs.get(url.pathname) ?? 0) + body.length);
        else if (url.searchParams.get('comp') !== 'blocklist') blobs.set(url.pathname, body.length);
        res.writeHead(201, {
          etag: '"1"',
          'last-modified': new Date().toUTCString(),
          'x-ms-request-id': 'fake',
        });
        return res.end();
      }
      if (url.pathname.endsWith('/FinalizeArtifact')) {
        artifacts.push({ name: pending, bytes: blobs.get(`/blob/${encodeURIComponent(pending)}`) ?? 0 });
        return json({ ok: true, artifactId: String(4000 + artifacts.length) });
      }
      res.writeHead(404);
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
  return {
    url: `${base}/`,
    token: `${b64({ alg: 'none', typ: 'JWT' })}.${b64({ scp: 'Actions.ExampleScope Actions.Results:run-backend-1:job-backend-1' })}.sig`,
    artifacts,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
