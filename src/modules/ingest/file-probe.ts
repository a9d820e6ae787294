import { isUtf8 } from 'node:buffer';
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';

/** One pass over a file before importing it: identity (sha256), size, BOM, and whether it is valid UTF-8. */
export type FileProbe = {
  size: number;
  sha256: string;
  bom: 'utf-8' | 'utf-16le' | 'utf-16be' | null;
  validUtf8: boolean;
  /** Byte offset of the first invalid UTF-8 sequence (when not valid). */
  firstInvalidUtf8At: number | null;
  /** The first bytes, for sniffing the format and delimiter. */
  head: Buffer;
};

const HEAD_BYTES = 64 * 1024;

export async function probeFile(path: string): Promise<FileProbe> {
  const info = await stat(path);
  const hash = createHash('sha256');
  const headParts: Buffer[] = [];
  let headLen = 0;
  let offset = 0;
  let carry = Buffer.alloc(0);
  let validUtf8 = true;
  let firstInvalid: number | null = null;
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 }) as AsyncIterable<Buffer>) {
    hash.update(chunk);
    if (headLen < HEAD_BYTES) {
      headParts.push(chunk.subarray(0, HEAD_BYTES - headLen));
      headLen += Math.min(chunk.length, HEAD_BYTES - headLen);
    }
    if (validUtf8) {
      // Check up to the last complete sequence; the tail (at most 3 bytes) joins the next chunk.
      const buf = carry.length ? Buffer.concat([carry, chunk]) : chunk;
      const cut = completeUtf8Prefix(buf);
      if (!isUtf8(buf.subarray(0, cut))) {
        validUtf8 = false;
        firstInvalid = offset - carry.length + firstInvalidOffset(buf.subarray(0, cut));
      }
      carry = Buffer.from(buf.subarray(cut));
    }
    offset += chunk.length;
  }
  if (validUtf8 && carry.length > 0) {
    validUtf8 = false;
    firstInvalid = offset - carry.length;
  }
  const head = Buffer.concat(headParts);
  return { size: info.size, sha256: hash.digest('hex'), bom: bomOf(head), validUtf8, firstInvalidUtf8At: firstInvalid, head };
}

export function bomOf(b: Buffer): FileProbe['bom'] {
  if (b.length >= 3 && b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf) return 'utf-8';
  if (b.length >= 2 && b[0] === 0xff && b[1] === 0xfe) return 'utf-16le';
  if (b.length >= 2 && b[0] === 0xfe && b[1] === 0xff) return 'utf-16be';
  return null;
}

// Length of the buffer without a trailing, possibly incomplete multi-byte sequence.
function completeUtf8Prefix(b: Buffer): number {
  const n = b.length;
  for (let back = 1; back <= Math.min(3, n); back++) {
    const c = b[n - back]!;
    if ((c & 0xc0) === 0x80) continue; // continuation byte: keep looking for the lead byte
    const need = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc0 ? 2 : 1;
    return need > back ? n - back : n;
  }
  return n;
}

function firstInvalidOffset(b: Buffer): number {
  // Slow path, runs once per file: binary search for the shortest invalid prefix.
  let lo = 0;
  let hi = b.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (isUtf8(b.subarray(0, completeUtf8Prefix(b.subarray(0, mid + 1))))) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
