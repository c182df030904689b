import { gunzipSync, gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { storedMember } from '../../../src/metrics/stored-member.js';

describe('storedMember', () => {
  // 65,535 is the largest stored block: the sizes around it take one, two and several blocks.
  it.each([0, 1, 1000, 65_535, 65_536, 200_000])('holds %i bytes that any gzip reader reads back', (size) => {
    const bytes = Buffer.from(Array.from({ length: size }, (_, i) => (i * 7) % 251));
    const member = storedMember(bytes);
    expect(gunzipSync(member).equals(bytes)).toBe(true);
    expect(member[10]! & 0b110).toBe(0); // BTYPE 00: stored, not compressed
  });

  it('reads as one stream between compressed members', () => {
    const parts = ['# HELP a x\n', 'a{b="c"} 1\n', 'é ünïcode\n'].map((text) => Buffer.from(text));
    const body = Buffer.concat([gzipSync(parts[0]!), storedMember(parts[1]!), gzipSync(parts[2]!)]);
    expect(gunzipSync(body).toString()).toBe(parts.join(''));
  });
});
