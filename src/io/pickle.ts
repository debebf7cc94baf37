// A data-only pickle virtual machine: enough of Python's pickle format to read what torch.save
// writes (protocols 0-5 as far as plain data goes), with no way to run code.
//
// Python's unpickler imports any `module.name` a pickle mentions and calls it; that is how a
// malicious checkpoint runs code. Here GLOBAL/STACK_GLOBAL go through `hooks.findClass`, which
// returns only values from an allow-list (tensor rebuild functions, storage types, ...) and
// refuses everything else; REDUCE/NEWOBJ/BUILD only apply those allow-listed JS functions.
//
// Python values map to JS as: int -> number (bigint beyond 2^53), float -> number, str -> string,
// bytes -> Uint8Array, None -> null, bool -> boolean, list/tuple -> array, dict -> plain object
// (str and int keys; int keys become their decimal string, as JS object keys always are),
// set/frozenset -> Set.
import { RuntimeError } from "../errors.js";

/** An allow-listed Python callable or class, as the VM sees it. */
export class PyGlobal {
  constructor(
    readonly qualname: string,
    readonly impl: {
      call?: (args: unknown[]) => unknown;
      newobj?: (args: unknown[]) => unknown;
    },
  ) {}
}

export interface UnpickleHooks {
  /** The allow-listed value for `module.name`; throws for anything else. */
  findClass(module: string, name: string): unknown;
  persistentLoad(pid: unknown): unknown;
  /** Apply BUILD's `state` to `obj`; false when `obj` does not accept state. */
  build(obj: unknown, state: unknown): boolean;
}

const dicts = new WeakSet<object>();
/** A fresh Python dict (a plain object the VM will accept SETITEM on). */
export function newDict(): Record<string, unknown> {
  const d: Record<string, unknown> = {};
  dicts.add(d);
  return d;
}
export function isDict(x: unknown): x is Record<string, unknown> {
  return typeof x === "object" && x !== null && dicts.has(x);
}

export function dictKey(k: unknown, what: string): string {
  if (typeof k === "string") return k;
  if ((typeof k === "number" && Number.isFinite(k)) || typeof k === "bigint") return String(k);
  throw new RuntimeError(`${what}: dict keys of type ${pyTypeName(k)} are not supported (only str and int keys)`);
}

export function setItem(d: Record<string, unknown>, k: unknown, v: unknown, what: string): void {
  const key = dictKey(k, what);
  // defineProperty, not assignment: a "__proto__" key must stay data, not replace the prototype
  Object.defineProperty(d, key, { value: v, writable: true, enumerable: true, configurable: true });
}

export function pyTypeName(x: unknown): string {
  if (x === null) return "NoneType";
  if (typeof x === "string") return "str";
  if (typeof x === "boolean") return "bool";
  if (typeof x === "bigint") return "int";
  if (typeof x === "number") return Number.isInteger(x) ? "int" : "float";
  if (x instanceof Uint8Array) return "bytes";
  if (Array.isArray(x)) return "tuple";
  if (x instanceof Set) return "set";
  if (isDict(x)) return "dict";
  if (x instanceof PyGlobal) return x.qualname;
  return (x as object)?.constructor?.name ?? typeof x;
}

/** `s` with anything but printable ASCII escaped, for error messages about corrupt input. */
export function printable(s: string): string {
  return s.replace(/[^\x20-\x7e]/g, (c) => {
    const n = c.charCodeAt(0);
    return n < 0x100 ? `\\x${n.toString(16).padStart(2, "0")}` : `\\u${n.toString(16).padStart(4, "0")}`;
  });
}

const utf8 = new TextDecoder("utf-8", { fatal: true });
const latin1 = new TextDecoder("latin1");

/** Python's raw-unicode-escape decoding (protocol 0's UNICODE): latin-1 text in which only
 * \uXXXX and \UXXXXXXXX are escapes (pickle writes backslashes themselves as \u005c). */
function rawUnicodeEscape(s: string, fail: (why: string) => never): string {
  let out = "";
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === "\\" && (s[i + 1] === "u" || s[i + 1] === "U")) {
      const len = s[i + 1] === "u" ? 4 : 8;
      const hex = s.slice(i + 2, i + 2 + len);
      if (hex.length !== len || !/^[0-9a-fA-F]+$/.test(hex)) fail("invalid \\u escape in a protocol 0 string");
      const cp = parseInt(hex, 16);
      if (cp > 0x10ffff) fail("invalid code point in a protocol 0 string");
      out += String.fromCodePoint(cp);
      i += 1 + len;
    } else out += c;
  }
  return out;
}

export interface UnpickleResult {
  value: unknown;
  /** offset just past the STOP opcode (legacy checkpoints hold several pickles in a row) */
  end: number;
}

/** Runs the pickle program that starts at `start` in `data` until its STOP. */
export function unpickle(data: Uint8Array, start: number, hooks: UnpickleHooks, what: string): UnpickleResult {
  let pos = start;
  const n = data.length;
  let stack: unknown[] = [];
  const metastack: unknown[][] = [];
  const memo = new Map<number, unknown>();
  const dv = new DataView(data.buffer, data.byteOffset, data.byteLength);

  let at = start; // offset of the opcode being run, for error messages
  const fail = (why: string): never => {
    throw new RuntimeError(`${what}: ${why} (at pickle byte ${at - start})`);
  };
  const need = (k: number): void => {
    if (pos + k > n) fail("pickle data was truncated");
  };
  const u8 = () => (need(1), data[pos++]);
  const u16 = () => (need(2), (pos += 2), dv.getUint16(pos - 2, true));
  const i32 = () => (need(4), (pos += 4), dv.getInt32(pos - 4, true));
  const u32 = () => (need(4), (pos += 4), dv.getUint32(pos - 4, true));
  const u64 = (): number => {
    need(8);
    const v = dv.getUint32(pos, true) + dv.getUint32(pos + 4, true) * 4294967296;
    pos += 8;
    if (v > n) fail("pickle length field exceeds the data");
    return v;
  };
  const bytes = (k: number): Uint8Array => {
    need(k);
    pos += k;
    return data.subarray(pos - k, pos);
  };
  const line = (): string => {
    const nl = data.indexOf(10, pos);
    if (nl < 0) fail("pickle data was truncated");
    const s = latin1.decode(data.subarray(pos, nl));
    pos = nl + 1;
    return s;
  };
  const str = (b: Uint8Array): string => {
    try {
      return utf8.decode(b);
    } catch {
      return fail("invalid UTF-8 in a pickled string");
    }
  };
  const pop = (): unknown => {
    if (stack.length === 0) fail("pickle stack underflow (corrupt data)");
    return stack.pop();
  };
  const top = (): unknown => {
    if (stack.length === 0) fail("pickle stack underflow (corrupt data)");
    return stack[stack.length - 1];
  };
  const popMark = (): unknown[] => {
    if (metastack.length === 0) fail("pickle MARK not found (corrupt data)");
    const items = stack;
    stack = metastack.pop()!;
    return items;
  };
  const intFromBytes = (b: Uint8Array): number | bigint => {
    if (b.length === 0) return 0;
    let v = 0n;
    for (let i = b.length - 1; i >= 0; i--) v = (v << 8n) | BigInt(b[i]);
    if (b[b.length - 1] & 0x80) v -= 1n << BigInt(8 * b.length);
    return v >= -9007199254740991n && v <= 9007199254740991n ? Number(v) : v;
  };
  const intFromText = (s: string): number | bigint => {
    const t = s.endsWith("L") ? s.slice(0, -1) : s;
    if (!/^[+-]?\d+$/.test(t)) fail(`invalid integer literal ${JSON.stringify(s)} in pickle`);
    const v = BigInt(t);
    return v >= -9007199254740991n && v <= 9007199254740991n ? Number(v) : v;
  };
  const memoKey = (k: number | bigint): number => (typeof k === "number" ? k : fail("invalid memo key"));
  const get = (k: number): unknown => {
    if (!memo.has(k)) fail(`pickle memo key ${k} is missing (corrupt data)`);
    return memo.get(k);
  };
  const appendTo = (list: unknown, items: unknown[]): void => {
    if (list instanceof Set) {
      for (const x of items) list.add(x);
      return;
    }
    if (!Array.isArray(list)) return fail(`cannot append to a ${pyTypeName(list)}`);
    for (const x of items) list.push(x);
  };
  const setItems = (d: unknown, items: unknown[]): void => {
    if (!isDict(d)) return fail(`cannot set items on a ${pyTypeName(d)}`);
    if (items.length % 2 !== 0) fail("odd number of items for SETITEMS (corrupt data)");
    for (let i = 0; i < items.length; i += 2) setItem(d, items[i], items[i + 1], what);
  };
  const callGlobal = (fn: unknown, args: unknown, how: "call" | "newobj"): unknown => {
    if (!Array.isArray(args)) fail(`pickle REDUCE arguments must be a tuple, got ${pyTypeName(args)}`);
    const impl = fn instanceof PyGlobal ? fn.impl[how] : undefined;
    if (!impl) fail(`refusing to ${how === "call" ? "call" : "instantiate"} ${fn instanceof PyGlobal ? fn.qualname : pyTypeName(fn)} (not an allowed pickle callable)`);
    return impl!(args as unknown[]);
  };
  const global = (module: string, name: string): unknown => hooks.findClass(module, name);

  for (;;) {
    at = pos;
    const op = u8();
    switch (op) {
      case 0x80: // PROTO
        if (u8() > 5) fail("unsupported pickle protocol");
        break;
      case 0x95: // FRAME: only a length prefix for buffered reads
        u64();
        break;
      case 0x2e: { // STOP
        const value = pop();
        return { value, end: pos };
      }
      case 0x28: // MARK
        metastack.push(stack);
        stack = [];
        break;
      case 0x30: pop(); break; // POP
      case 0x31: popMark(); break; // POP_MARK
      case 0x32: stack.push(top()); break; // DUP
      case 0x4e: stack.push(null); break; // NONE
      case 0x88: stack.push(true); break; // NEWTRUE
      case 0x89: stack.push(false); break; // NEWFALSE
      case 0x49: { // INT (text; "00"/"01" are protocol 0's bools)
        const s = line();
        stack.push(s === "00" ? false : s === "01" ? true : intFromText(s));
        break;
      }
      case 0x4a: stack.push(i32()); break; // BININT
      case 0x4b: stack.push(u8()); break; // BININT1
      case 0x4d: stack.push(u16()); break; // BININT2
      case 0x4c: stack.push(intFromText(line())); break; // LONG (text)
      case 0x8a: stack.push(intFromBytes(bytes(u8()))); break; // LONG1
      case 0x8b: { // LONG4
        const k = i32();
        if (k < 0) fail("negative LONG4 length");
        stack.push(intFromBytes(bytes(k)));
        break;
      }
      case 0x46: { // FLOAT (text, Python repr)
        const s = line().trim();
        const v = s === "inf" ? Infinity : s === "-inf" ? -Infinity : s === "nan" ? NaN : Number(s);
        if (Number.isNaN(v) && s !== "nan") fail(`invalid float literal ${JSON.stringify(s)} in pickle`);
        stack.push(v);
        break;
      }
      case 0x47: // BINFLOAT (big-endian double)
        need(8);
        stack.push(dv.getFloat64(pos, false));
        pos += 8;
        break;
      case 0x58: stack.push(str(bytes(u32()))); break; // BINUNICODE
      case 0x8c: stack.push(str(bytes(u8()))); break; // SHORT_BINUNICODE
      case 0x8d: stack.push(str(bytes(u64()))); break; // BINUNICODE8
      case 0x56: stack.push(rawUnicodeEscape(line(), fail)); break; // UNICODE (protocol 0 str)
      case 0x54: { // BINSTRING (Python 2 str)
        const k = i32();
        if (k < 0) fail("negative BINSTRING length");
        stack.push(str(bytes(k)));
        break;
      }
      case 0x55: stack.push(str(bytes(u8()))); break; // SHORT_BINSTRING
      case 0x42: stack.push(new Uint8Array(bytes(u32()))); break; // BINBYTES
      case 0x43: stack.push(new Uint8Array(bytes(u8()))); break; // SHORT_BINBYTES
      case 0x8e: stack.push(new Uint8Array(bytes(u64()))); break; // BINBYTES8
      case 0x96: stack.push(new Uint8Array(bytes(u64()))); break; // BYTEARRAY8
      case 0x5d: stack.push([]); break; // EMPTY_LIST
      case 0x29: stack.push([]); break; // EMPTY_TUPLE
      case 0x7d: stack.push(newDict()); break; // EMPTY_DICT
      case 0x8f: stack.push(new Set()); break; // EMPTY_SET
      case 0x6c: // LIST
      case 0x74: { // TUPLE (popMark first: it replaces `stack`)
        const items = popMark();
        stack.push(items);
        break;
      }
      case 0x85: stack.push([pop()]); break; // TUPLE1
      case 0x86: { // TUPLE2
        const b = pop();
        stack.push([pop(), b]);
        break;
      }
      case 0x87: { // TUPLE3
        const c = pop();
        const b = pop();
        stack.push([pop(), b, c]);
        break;
      }
      case 0x64: { // DICT
        const items = popMark();
        const d = newDict();
        setItems(d, items);
        stack.push(d);
        break;
      }
      case 0x91: { // FROZENSET
        const items = popMark();
        stack.push(new Set(items));
        break;
      }
      case 0x61: { // APPEND
        const v = pop();
        appendTo(top(), [v]);
        break;
      }
      case 0x65: { // APPENDS
        const items = popMark();
        appendTo(top(), items);
        break;
      }
      case 0x90: { // ADDITEMS
        const items = popMark();
        const s = top();
        if (!(s instanceof Set)) fail(`cannot add items to a ${pyTypeName(s)}`);
        appendTo(s, items);
        break;
      }
      case 0x73: { // SETITEM
        const v = pop();
        const k = pop();
        setItems(top(), [k, v]);
        break;
      }
      case 0x75: { // SETITEMS
        const items = popMark();
        setItems(top(), items);
        break;
      }
      case 0x63: { // GLOBAL "module\nname\n"
        const module = line();
        stack.push(global(module, line()));
        break;
      }
      case 0x93: { // STACK_GLOBAL
        const name = pop();
        const module = pop();
        if (typeof module !== "string" || typeof name !== "string") fail("STACK_GLOBAL needs two strings");
        stack.push(global(module as string, name as string));
        break;
      }
      case 0x52: { // REDUCE
        const args = pop();
        stack.push(callGlobal(pop(), args, "call"));
        break;
      }
      case 0x81: { // NEWOBJ
        const args = pop();
        stack.push(callGlobal(pop(), args, "newobj"));
        break;
      }
      case 0x92: { // NEWOBJ_EX
        const kwargs = pop();
        const args = pop();
        if (!isDict(kwargs) || Object.keys(kwargs).length > 0) fail("NEWOBJ_EX with keyword arguments is not supported");
        stack.push(callGlobal(pop(), args, "newobj"));
        break;
      }
      case 0x62: { // BUILD
        const state = pop();
        const obj = top();
        if (!hooks.build(obj, state)) fail(`refusing to set the state of a ${pyTypeName(obj)} object (BUILD)`);
        break;
      }
      case 0x50: stack.push(hooks.persistentLoad(line())); break; // PERSID
      case 0x51: stack.push(hooks.persistentLoad(pop())); break; // BINPERSID
      case 0x70: memo.set(memoKey(intFromText(line())), top()); break; // PUT
      case 0x71: memo.set(u8(), top()); break; // BINPUT
      case 0x72: memo.set(u32(), top()); break; // LONG_BINPUT
      case 0x94: memo.set(memo.size, top()); break; // MEMOIZE
      case 0x67: stack.push(get(memoKey(intFromText(line())))); break; // GET
      case 0x68: stack.push(get(u8())); break; // BINGET
      case 0x6a: stack.push(get(u32())); break; // LONG_BINGET
      default:
        fail(`unsupported pickle opcode 0x${op.toString(16).padStart(2, "0")} ('${printable(String.fromCharCode(op))}')` +
          (op === 0x69 || op === 0x6f ? " (INST/OBJ build arbitrary objects and are never run)" : ""));
    }
  }
}
