import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { resolveStoreLocation } from '../../src/feedback/open-store.js';

type Service = Record<string, unknown> & { environment?: Record<string, string>; profiles?: string[] };
const compose = parse(readFileSync(new URL('../../docker-compose.yml', import.meta.url), 'utf8')) as {
  services: Record<string, Service>;
  volumes?: Record<string, unknown>;
};
const { app, 'app-postgres': appPg, postgres } = compose.services;

describe('docker-compose.yml postgres profile', () => {
  it('puts the app variant and the database in the postgres profile only (plain `up` starts neither)', () => {
    expect(appPg?.profiles).toEqual(['postgres']);
    expect(postgres?.profiles).toEqual(['postgres']);
    expect(app?.profiles).toBeUndefined();
  });

  it('points DATABASE_URL at the postgres service with its user, password and database', () => {
    const location = resolveStoreLocation(undefined, appPg?.environment ?? {});
    expect(location.kind).toBe('postgres');
    const url = new URL((location as { url: string }).url);
    const env = postgres?.environment ?? {};
    expect([url.hostname, url.port, url.username, url.password, url.pathname]).toEqual([
      'postgres',
      '5432',
      env['POSTGRES_USER'],
      env['POSTGRES_PASSWORD'],
      `/${env['POSTGRES_DB']}`,
    ]);
    expect(appPg?.['depends_on']).toEqual({ postgres: { condition: 'service_healthy' } });
  });

  it('keeps the app variant as hardened as `app`, with the same settings but the store', () => {
    for (const key of [
      'read_only',
      'cap_drop',
      'security_opt',
      'healthcheck',
      'deploy',
      'image',
      'stop_grace_period',
    ]) {
      expect(appPg?.[key], key).toEqual(app?.[key]);
    }
    const { DATABASE_URL: _url, ADMIN_TOKEN: _token, ...rest } = appPg?.environment ?? {};
    expect(rest).toEqual(app?.environment);
  });

  it('keeps the database in a named volume', () => {
    expect(postgres?.['volumes']).toEqual(['postgres-data:/var/lib/postgresql/data']);
    expect(compose.volumes).toHaveProperty('postgres-data');
  });
});
