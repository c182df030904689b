import { crc32 } from 'node:zlib';

/** Deflate's largest stored block (RFC 1951 §3.2.4: LEN is 16 bits). */
const MAX_STORED = 0xffff;

/**
 * A gzip member (RFC 1952) holding `bytes` in stored, uncompressed deflate
 * blocks: it costs one CRC and one copy, where compressing costs a zlib
 * set-up and a pass over the bytes, and any gzip reader reads it like any
 * other member.
 */
export function storedMember(bytes: Buffer): Buffer {
  const blocks = Math.max(1, Math.ceil(bytes.length / MAX_STORED));
  const out = Buffer.allocUnsafe(10 + blocks * 5 + bytes.length + 8);
  // ID1 ID2, CM = deflate, no flags, no mtime, no extra flags, OS unknown.
  out.set([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff], 0);
  let at = 10;
  for (let block = 0; block < blocks; block++) {
    const chunk = bytes.subarray(block * MAX_STORED, (block + 1) * MAX_STORED);
    out[at] = block === blocks - 1 ? 1 : 0; // BFINAL on the last; BTYPE 00 (stored)
    out.writeUInt16LE(chunk.length, at + 1);
    out.writeUInt16LE(~chunk.length & 0xffff, at + 3);
    out.set(chunk, at + 5);
    at += 5 + chunk.length;
  }
  out.writeUInt32LE(crc32(bytes), at);
  out.writeUInt32LE(bytes.length % 2 ** 32, at + 4);
  return out;
}
