// A read-only zip reader for PyTorch checkpoints (torch.save's default container since 1.6).
//
// Why not a package: fflate's unzipSync does no bounds or size checks (an entry whose sizes were
// corrupted comes back silently short, a corrupt zip64 entry count loops for billions of
// iterations) and never checks CRC-32, so a flipped byte in tensor data loads as a silently wrong
// tensor; yauzl validates but is callback-only, and torch.load is synchronous. PyTorch writes
// stored (uncompressed) entries, so the reader is small; deflated entries (a checkpoint re-zipped
// by another tool) go through node:zlib.
//
// Every field is validated against the file size before use, and every entry's CRC-32 is
// checked, so corruption is reported instead of producing wrong tensors.
import { inflateRawSync } from "node:zlib";
import { RuntimeError } from "../errors.js";
import { crc32, type ByteSource } from "./bytes.js";

export interface ZipEntry {
  name: string;
  flags: number;
  method: number;
  crc: number;
  compSize: number;
  size: number;
  localOffset: number;
}

const u16 = (b: Uint8Array, o: number) => b[o] | (b[o + 1] << 8);
const u32 = (b: Uint8Array, o: number) => (b[o] | (b[o + 1] << 8) | (b[o + 2] << 16) | (b[o + 3] << 24)) >>> 0;
function u64(b: Uint8Array, o: number, what: string): number {
  const v = u32(b, o) + u32(b, o + 4) * 4294967296;
  if (!Number.isSafeInteger(v)) throw new RuntimeError(`${what}: 64-bit field out of range (corrupt zip archive)`);
  return v;
}

const SIG_LOCAL = 0x04034b50;
const SIG_CENTRAL = 0x02014b50;
const SIG_EOCD = 0x06054b50;
const SIG_EOCD64 = 0x06064b50;
const SIG_LOC64 = 0x07064b50;
/** deflate cannot expand data by more than ~1032:1; a larger claimed size is a corrupt header */
const MAX_INFLATE_RATIO = 1032;

const utf8 = new TextDecoder("utf-8", { fatal: true });

export class ZipReader {
  readonly entries = new Map<string, ZipEntry>();
  /** entry names in central-directory order */
  readonly names: string[] = [];
  private cdStart = 0;

  constructor(
    private readonly src: ByteSource,
    private readonly what: string,
  ) {
    const fail = (why: string): never => {
      throw new RuntimeError(`PytorchStreamReader failed reading zip archive: ${why} (${what} is truncated or corrupt)`);
    };
    const len = src.length;
    if (len < 22) fail("not a ZIP archive");
    const tailLen = Math.min(len, 22 + 65535);
    const tail = src.read(len - tailLen, tailLen);
    let e = -1;
    for (let p = tailLen - 22; p >= 0; p--) {
      if (u32(tail, p) === SIG_EOCD && p + 22 + u16(tail, p + 20) <= tailLen) {
        e = p;
        break;
      }
    }
    if (e < 0) fail("failed finding central directory");
    const eocdPos = len - tailLen + e;
    let count = u16(tail, e + 10);
    let cdSize = u32(tail, e + 12);
    let cdOffset = u32(tail, e + 16);
    let cdLimit = eocdPos; // the central directory must end before this
    if (u16(tail, e + 4) !== 0 && u16(tail, e + 4) !== 0xffff) fail("multi-disk archives are not supported");
    const locPos = eocdPos - 20;
    if (locPos >= 0 && u32(src.read(locPos, 4), 0) === SIG_LOC64) {
      const loc = src.read(locPos, 20);
      const recPos = u64(loc, 8, what);
      if (recPos + 56 > locPos) fail("invalid zip64 end of central directory locator");
      const rec = src.read(recPos, 56);
      if (u32(rec, 0) !== SIG_EOCD64) fail("invalid zip64 end of central directory record");
      count = u64(rec, 32, what);
      cdSize = u64(rec, 40, what);
      cdOffset = u64(rec, 48, what);
      cdLimit = recPos;
    } else if (count === 0xffff || cdSize === 0xffffffff || cdOffset === 0xffffffff) {
      fail("zip64 archive without a zip64 end of central directory");
    }
    if (cdOffset + cdSize > cdLimit) fail("central directory lies outside the file");
    if (count * 46 > cdSize) fail(`central directory of ${cdSize} bytes cannot hold ${count} entries`);
    this.cdStart = cdOffset;
    const cd = src.read(cdOffset, cdSize);
    let p = 0;
    for (let i = 0; i < count; i++) {
      if (p + 46 > cdSize || u32(cd, p) !== SIG_CENTRAL) fail(`invalid central directory entry ${i}`);
      const nameLen = u16(cd, p + 28);
      const extraLen = u16(cd, p + 30);
      const commentLen = u16(cd, p + 32);
      const end = p + 46 + nameLen + extraLen + commentLen;
      if (end > cdSize) fail(`central directory entry ${i} runs past the directory`);
      let name: string;
      try {
        name = utf8.decode(cd.subarray(p + 46, p + 46 + nameLen));
      } catch {
        name = fail(`central directory entry ${i} has an invalid file name`);
      }
      const ent: ZipEntry = {
        name,
        flags: u16(cd, p + 8),
        method: u16(cd, p + 10),
        crc: u32(cd, p + 16),
        compSize: u32(cd, p + 20),
        size: u32(cd, p + 24),
        localOffset: u32(cd, p + 42),
      };
      // zip64 extended information: present fields follow in this fixed order
      let x = p + 46 + nameLen;
      const xEnd = x + extraLen;
      while (x + 4 <= xEnd) {
        const id = u16(cd, x);
        const sz = u16(cd, x + 2);
        if (x + 4 + sz > xEnd) fail(`central directory entry ${name} has a malformed extra field`);
        if (id === 0x0001) {
          let q = x + 4;
          const take = (): number => {
            if (q + 8 > x + 4 + sz) fail(`central directory entry ${name} has a short zip64 extra field`);
            const v = u64(cd, q, what);
            q += 8;
            return v;
          };
          if (ent.size === 0xffffffff) ent.size = take();
          if (ent.compSize === 0xffffffff) ent.compSize = take();
          if (ent.localOffset === 0xffffffff) ent.localOffset = take();
        }
        x += 4 + sz;
      }
      if (this.entries.has(name)) fail(`duplicate entry ${name}`);
      this.entries.set(name, ent);
      this.names.push(name);
      p = end;
    }
  }

  has(name: string): boolean {
    return this.entries.has(name);
  }

  /** The uncompressed bytes of one entry, CRC-checked. */
  read(name: string): Uint8Array {
    const ent = this.entries.get(name);
    if (!ent) throw new RuntimeError(`PytorchStreamReader failed locating file ${name}: file not found`);
    const fail = (why: string): never => {
      throw new RuntimeError(`PytorchStreamReader failed reading file ${name}: ${why} (${this.what} is truncated or corrupt)`);
    };
    if (ent.flags & 1) fail("encrypted entries are not supported");
    if (ent.localOffset + 30 > this.cdStart) fail("local header lies outside the file");
    const lh = this.src.read(ent.localOffset, 30);
    if (u32(lh, 0) !== SIG_LOCAL) fail("invalid local header signature");
    const nameLen = u16(lh, 26);
    const dataStart = ent.localOffset + 30 + nameLen + u16(lh, 28);
    if (dataStart + ent.compSize > this.cdStart) fail(`entry data (${ent.compSize} bytes at offset ${dataStart}) runs past the end of the archive data`);
    const localName = this.src.read(ent.localOffset + 30, nameLen);
    const centralName = new TextEncoder().encode(name);
    if (localName.length !== centralName.length || localName.some((b, i) => b !== centralName[i])) fail("local header names a different file");
    const comp = this.src.read(dataStart, ent.compSize);
    let data: Uint8Array;
    if (ent.method === 0) {
      if (ent.compSize !== ent.size) fail(`stored entry has compressed size ${ent.compSize} but size ${ent.size}`);
      data = comp;
    } else if (ent.method === 8) {
      if (ent.size > ent.compSize * MAX_INFLATE_RATIO + 1024) fail(`claimed size ${ent.size} is impossible for ${ent.compSize} deflated bytes`);
      try {
        data = new Uint8Array(inflateRawSync(comp, { maxOutputLength: Math.max(ent.size, 1) }));
      } catch (err) {
        return fail(`decompression failed (${(err as Error).message})`);
      }
      if (data.length !== ent.size) fail(`decompressed to ${data.length} bytes, expected ${ent.size}`);
    } else {
      return fail(`unsupported compression method ${ent.method}`);
    }
    if (crc32(data) !== ent.crc) fail("CRC-32 check failed");
    return data;
  }
}
