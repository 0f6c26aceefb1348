// A local stand-in for the three GitHub REST endpoints the sticky pull-request comment uses, on
// 127.0.0.1: list an issue's comments, create one, update one. It records every request and can be told
// to answer 403 (a read-only token).

import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeComment {
  id: number;
  body: string;
}

export interface FakeGitHub {
  url: string;
  comments: Map<number, FakeComment[]>;
  requests: { method: string; path: string; authorization?: string }[];
  /** Answer 403 to writes, as GitHub does for a read-only GITHUB_TOKEN. */
  readOnly: boolean;
  close(): Promise<void>;
}

async function readJson(req: IncomingMessage): Promise<{ body?: string }> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return chunks.length === 0 ? {} : JSON.parse(Buffer.concat(chunks).toString('utf8'));
}

export async function startFakeGitHub(repository: string): Promise<FakeGitHub> {
  let nextId = 1000;
  const fake: FakeGitHub = {
    url: '',
    comments: new Map(),
    requests: [],
    readOnly: false,
    close: async () => {},
  };
  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    fake.requests.push({
      method: req.method ?? '',
      path: url.pathname,
      authorization: req.headers.authorization,
    });
    const send = (status: number, value: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(value));
    };
    const list = /^\/repos\/([^/]+\/[^/]+)\/issues\/(\d+)\/comments$/.exec(url.pathname);
    const update = /^\/repos\/([^/]+\/[^/]+)\/issues\/comments\/(\d+)$/.exec(url.pathname);
    if (req.headers.authorization !== 'Bearer fake-gh-token')
      return send(401, { message: 'Bad credentials' });
    if ((list?.[1] ?? update?.[1]) !== repository) return send(404, { message: 'Not Found' });
    if (req.method !== 'GET' && fake.readOnly) {
      await readJson(req);
      return send(403, { message: 'Resource not accessible by integration' });
    }
    if (list && req.method === 'GET') {
      const all = fake.comments.get(Number(list[2])) ?? [];
      const page = Number(url.searchParams.get('page') ?? '1');
      const size = Number(url.searchParams.get('per_page') ?? '30');
      return send(200, all.slice((page - 1) * size, page * size));
    }
    if (list && req.method === 'POST') {
      const { body = '' } = await readJson(req);
      const comment = { id: nextId++, body };
      fake.comments.set(Number(list[2]), [...(fake.comments.get(Number(list[2])) ?? []), comment]);
      return send(201, comment);
    }
    if (update && req.method === 'PATCH') {
      const { body = '' } = await readJson(req);
      for (const comments of fake.comments.values()) {
        const comment = comments.find((c) => c.id === Number(update[2]));
        if (comment) {
          comment.body = body;
          return send(200, comment);
        }
      }
      return send(404, { message: 'Not Found' });
    }
    return send(404, { message: 'Not Found' });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  fake.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  fake.close = () => new Promise((resolve) => server.close(() => resolve()));
  return fake;
}
