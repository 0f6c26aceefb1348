// Whether a block is worth deflating. Bytes that are already compressed or encrypted (media, archives, keys,
// model weights) cost deflate as much CPU as text (35 ms per MiB at level 6 here, against 85 for text) and
// save nothing: zlib ends up emitting them as stored blocks anyway. Such a block is written at level 0, which
// is still part of the same valid deflate stream and is what zlib would have produced, without the search.
//
// The look is cheap and errs towards deflating: three 8 KiB pieces (start, middle, end) of a block of at least
// 64 KiB. A piece whose bytes are not near-uniform (entropy under 7.5 bits a byte: text, code, most binaries)
// means deflate at once. Otherwise each piece is deflated at level 1, primed with the 32 KiB before it (the
// block's dictionary for the first), so data that repeats within deflate's window still counts as
// compressible; only when every piece saves under 1 % is the block stored. The answer depends only on the
// block's bytes and its dictionary, so the package stays deterministic.

import { promisify } from 'node:util';
import * as zlib from 'node:zlib';

const deflateRaw = promisify(zlib.deflateRaw) as (buf: Buffer, options: zlib.ZlibOptions) => Promise<Buffer>;

const PIECE = 8 * 1024;
const WINDOW = 32 * 1024;
/** Smaller blocks are deflated without a look: the look would cost about what it could save. */
export const SAMPLED_BLOCK_MIN = 64 * 1024;
/** A piece that deflate shrinks by less than this share counts as incompressible. */
const MIN_SAVING = 0.01;
/** Below this many bits a byte, Huffman coding alone saves several percent. */
const NEAR_UNIFORM_BITS = 7.5;

/** True unless sampling shows the block would shrink by under 1 %; see the file comment. */
export async function worthDeflating(block: Buffer, dictionary?: Buffer): Promise<boolean> {
  if (block.length < SAMPLED_BLOCK_MIN) return true;
  const starts = [0, (block.length - PIECE) >>> 1, block.length - PIECE];
  const pieces = starts.map((start) => block.subarray(start, start + PIECE));
  if (pieces.some((piece) => entropyBits(piece) < NEAR_UNIFORM_BITS)) return true;
  for (let i = 0; i < pieces.length; i++) {
    const start = starts[i]!;
    const before = start === 0 ? dictionary : block.subarray(Math.max(0, start - WINDOW), start);
    const out = await deflateRaw(pieces[i]!, {
      level: 1,
      ...(before && before.length > 0 ? { dictionary: before } : {}),
    });
    if (out.length < pieces[i]!.length * (1 - MIN_SAVING)) return true;
  }
  return false;
}

/** Shannon entropy of the bytes, in bits per byte (0–8). */
export function entropyBits(bytes: Uint8Array): number {
  const counts = new Uint32Array(256);
  for (let i = 0; i < bytes.length; i++) counts[bytes[i]!]!++;
  let bits = 0;
  for (let b = 0; b < 256; b++) {
    const c = counts[b]!;
    if (c === 0) continue;
    const p = c / bytes.length;
    bits -= p * Math.log2(p);
  }
  return bits;
}
