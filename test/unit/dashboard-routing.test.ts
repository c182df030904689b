import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dashboard } from '../../src/api/dashboard.js';

let dir: string;
let url: string;
let server: ReturnType<ReturnType<typeof express>['listen']>;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'weft-dashboard-'));
  writeFileSync(join(dir, 'index.html'), '<!doctype html><p>app</p>');
  writeFileSync(join(dir, 'robots.txt'), 'User-agent: *');
  // Files a build could hold at the API's paths: the dashboard must never answer them.
  for (const path of ['api/v1', 'health', 'metrics']) mkdirSync(join(dir, path), { recursive: true });
  writeFileSync(join(dir, 'api', 'v1', 'runs'), 'shadow');
  writeFileSync(join(dir, 'metrics', 'index.html'), 'shadow');
  const app = express();
  app.use(dashboard(dir));
  app.use((req, res) => res.status(418).json({ reached: req.path }));
  server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => {
  server.close();
  rmSync(dir, { recursive: true, force: true });
});

const get = (path: string) => fetch(url + path, { headers: { accept: 'text/html' } });

describe('the dashboard in front of the API', () => {
  it('passes API and probe paths on untouched, even where a file of that name exists', async () => {
    for (const path of ['/api/v1/runs', '/metrics', '/metrics/index.html', '/health']) {
      const res = await get(path);
      expect(res.status, path).toBe(418);
      expect(res.headers.get('content-security-policy'), path).toBeNull();
      expect(await res.json()).toEqual({ reached: path });
    }
  });

  it('serves its files and its deep links with the CSP', async () => {
    const file = await get('/robots.txt');
    expect(await file.text()).toBe('User-agent: *');
    const deep = await get('/runs/abc');
    expect(await deep.text()).toContain('<p>app</p>');
    expect(deep.headers.get('content-security-policy')).toContain("default-src 'none'");
  });
});
