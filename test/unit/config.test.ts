import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';

describe('config', () => {
  it('has working defaults', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({ WEFT_PORT: 8080, WEFT_DATA_DIR: '.weft', WEFT_TEMPORAL_PORT: 7233, WEFT_TEMPORAL_UI_PORT: 8233 });
    expect(config.DATABASE_URL).toBeUndefined();
  });

  it('fails fast naming every bad setting', () => {
    expect(() => loadConfig({ WEFT_PORT: 'eighty', WEFT_BOOTSTRAP_ADMIN_KEY: 'short' })).toThrow(ConfigError);
    try {
      loadConfig({ WEFT_PORT: 'eighty', WEFT_BOOTSTRAP_ADMIN_KEY: 'short' });
    } catch (err) {
      expect((err as Error).message).toMatch(/WEFT_PORT/);
      expect((err as Error).message).toMatch(/WEFT_BOOTSTRAP_ADMIN_KEY/);
    }
  });

  it('treats empty strings as unset', () => {
    const config = loadConfig({ DATABASE_URL: '', WEFT_BOOTSTRAP_ADMIN_KEY: '  ' });
    expect(config.DATABASE_URL).toBeUndefined();
    expect(config.WEFT_BOOTSTRAP_ADMIN_KEY).toBeUndefined();
  });
});
