import { mkdtemp, rm } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listeningLine, serveCommand } from '../../../src/cli/commands/serve.js';
import type { SvmModel } from '../../../src/ml/model.js';
import { saveModelFile } from '../../../src/node/model-file.js';
import { startServer } from '../../../src/server/node/serve.js';
import { mnistPng, tinyModel } from '../fixtures.js';
import { formWith } from '../helpers.js';

let model: SvmModel;
let dir: string;
let modelFile: string;
beforeAll(async () => {
  model = tinyModel();
  dir = await mkdtemp(path.join(tmpdir(), 'serve-'));
  modelFile = path.join(dir, 'model.json.gz');
  await saveModelFile(model, modelFile);
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('startServer', () => {
  it('serves the app over HTTP with the worker pool, then closes', async () => {
    const server = await startServer({
      port: 0,
      host: '127.0.0.1',
      threads: 1,
      modelPath: modelFile,
      env: {},
      log: () => undefined,
    });
    try {
      expect(server.url).toBe(`http://127.0.0.1:${server.port}`);
      expect(await (await fetch(`${server.url}/healthz`)).json()).toEqual({ status: 'ok' });
      await server.pool.whenReady();
      expect((await fetch(`${server.url}/readyz`)).status).toBe(200);
      const res = await fetch(`${server.url}/api`, {
        method: 'POST',
        body: formWith([{ name: 'images_test_0.png', bytes: mnistPng(0).png }]),
      });
      expect(Object.keys(await res.json())).toEqual(['images_test_0.png']);
    } finally {
      await server.close();
    }
    await expect(fetch(`${server.url}/healthz`)).rejects.toThrow();
  });

  it('reads limits from the environment it is given', async () => {
    const server = await startServer({
      port: 0,
      host: '127.0.0.1',
      threads: 1,
      modelSource: { kind: 'value', model, sha256: null },
      env: { MAX_FILES: '1' },
      log: () => undefined,
    });
    try {
      await server.pool.whenReady();
      const two = formWith([
        { name: 'a.png', bytes: mnistPng(0).png },
        { name: 'b.png', bytes: mnistPng(1).png },
      ]);
      expect((await fetch(`${server.url}/api`, { method: 'POST', body: two })).status).toBe(413);
    } finally {
      await server.close();
    }
  });

  it('lets an in-flight request finish during graceful shutdown, and refuses new connections', async () => {
    const server = await startServer({
      port: 0,
      host: '127.0.0.1',
      threads: 1,
      modelPath: modelFile,
      env: {},
      log: () => undefined,
    });
    await server.pool.whenReady();
    const png = mnistPng(2).png;
    // Expect: 100-continue makes the server say when it has taken the request (Node answers 100 as it hands the
    // request to the app), so close() below surely comes while it is in flight; the body follows in two halves.
    const req = request(`${server.url}/v1/predict`, {
      method: 'POST',
      headers: { 'content-type': 'image/png', 'content-length': String(png.length), expect: '100-continue' },
    });
    const taken = new Promise<void>((resolve) => req.once('continue', () => resolve()));
    req.flushHeaders();
    const response = new Promise<{ status: number; body: string }>((resolve, reject) => {
      req.on('response', (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      });
      req.on('error', reject);
    });
    await taken;
    req.write(png.subarray(0, 20));
    const closed = server.close();
    await expect(fetch(`${server.url}/healthz`)).rejects.toThrow();
    req.end(png.subarray(20));
    const { status, body } = await response;
    expect(status).toBe(200);
    expect(JSON.parse(body).predictions).toHaveLength(1);
    await closed;
  });
});

describe('serveCommand', () => {
  it('runs until SIGTERM and exits 0', async () => {
    const err: string[] = [];
    let modelReady: () => void = () => undefined;
    const ready = new Promise<void>((resolve) => (modelReady = resolve));
    const io = {
      stdout: () => undefined,
      stderr: (t: string) => {
        err.push(t);
        if (t.startsWith('model ready')) modelReady();
      },
    };
    const running = serveCommand.run(
      ['--port', '0', '--host', '127.0.0.1', '--threads', '1', '--model', modelFile],
      io,
    );
    await ready;
    const url = /listening on (\S+)/.exec(err.join(''))![1]!;
    expect((await fetch(`${url}/readyz`)).status).toBe(200);
    process.emit('SIGTERM');
    expect(await running).toBe(0);
    expect(err.join('')).toMatch(/SIGTERM: shutting down\nstopped in \d+ ms/);
  });

  it("exits 1 with the loader's message when the model file is missing", async () => {
    const err: string[] = [];
    const io = { stdout: () => undefined, stderr: (t: string) => err.push(t) };
    const code = await serveCommand.run(
      ['--port', '0', '--host', '127.0.0.1', '--threads', '1', '--model', path.join(dir, 'missing.json')],
      io,
    );
    expect(code).toBe(1);
    expect(err.join('')).toMatch(/cannot load the model: model file .*missing\.json does not exist/);
  });

  it('says what it listens on: every interface for a wildcard host, else the one address', () => {
    expect(listeningLine('0.0.0.0', 5000, 'http://127.0.0.1:5000')).toBe(
      'listening on every interface (0.0.0.0), port 5000: http://127.0.0.1:5000 from this machine',
    );
    expect(listeningLine('::', 5301, 'http://127.0.0.1:5301')).toBe(
      'listening on every interface (::), port 5301: http://127.0.0.1:5301 from this machine',
    );
    expect(listeningLine('127.0.0.1', 5000, 'http://127.0.0.1:5000')).toBe('listening on http://127.0.0.1:5000');
  });

  it('prints help and rejects unknown flags', async () => {
    const out: string[] = [];
    expect(await serveCommand.run(['--help'], { stdout: (t) => out.push(t), stderr: () => undefined })).toBe(0);
    expect(out.join('')).toContain('--threads');
    await expect(
      serveCommand.run(['--workers', '2'], { stdout: () => undefined, stderr: () => undefined }),
    ).rejects.toThrow(/unknown option/);
  });
});
