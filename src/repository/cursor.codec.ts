/**
 * The text of a page cursor: base64url of the JSON `{"v":…,"f":…,"k":[…]}`,
 * written and read in plain JavaScript when it is ASCII and its values are
 * plain numbers, booleans and strings without escapes (UUIDs, numbers, dates,
 * timestamps, most text), and through `JSON` and `Buffer` otherwise. Both ways
 * read every string handed back as a cursor alike; a test holds them to that.
 *
 * Why not always `JSON` and `Buffer`: measured in the request loop, right
 * after a socket read, `JSON.parse` and a `Buffer` base64 call cost 4–7 µs
 * each (about 1 µs in a tight loop) — their native code is cold there —
 * while a JavaScript loop hashing the same text cost 0.6 µs. Every
 * `findPage` after the first page reads one cursor and writes one.
 */

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
/** Each base64url character's 6 bits, or -1. */
const SEXTETS = new Int8Array(128).fill(-1);
for (let index = 0; index < ALPHABET.length; index++) SEXTETS[ALPHABET.charCodeAt(index)] = index;
const ALPHABET_CODES = Array.from(ALPHABET, (character) => character.charCodeAt(0));

/** A value as it travels in a cursor: JSON-safe and exact. */
export type CursorValue = string | number | boolean;

/** What a cursor holds. */
export interface CursorContent {
  readonly v: unknown;
  readonly f: unknown;
  readonly k: unknown;
}

/**
 * The start of every cursor of one query: base64url of `{"v":…,"f":"…","k":[`
 * and the spaces JSON allows after `[` to make it a whole number of 3-byte
 * groups, so that it is base64url on its own and the values' base64url
 * follows it directly. The whole cursor stays base64url of one JSON text.
 * Written once per fingerprint; checking a cursor's start is then a string
 * comparison, and only the values are decoded.
 */
export function cursorPrefix(version: number, fingerprint: string): string {
  let json = `{"v":${version},"f":${jsonString(fingerprint)},"k":[`;
  while (byteLength(json) % 3 !== 0) json += ' ';
  return toBase64Url(json);
}

/** The cursor for these sort values, after the query's `cursorPrefix`. */
export function encodeCursor(prefix: string, values: readonly CursorValue[]): string {
  let json = '';
  for (let index = 0; index < values.length; index++) {
    const value = values[index]!;
    if (index > 0) json += ',';
    json += typeof value === 'string' ? jsonString(value) : typeof value === 'number' && !Number.isFinite(value) ? JSON.stringify(value) : String(value);
  }
  return prefix + toBase64Url(`${json}]}`);
}

/**
 * What the cursor holds, or `undefined` when it is not base64url of JSON.
 * A cursor that starts with `prefix` (the query's own) has only its values
 * decoded; any other, or one whose values are not plain, is read by
 * `Buffer` and `JSON.parse`, so both ways read every string alike.
 */
export function decodeCursor(cursor: string, prefix: string, version: number, fingerprint: string): CursorContent | undefined {
  if (cursor.startsWith(prefix)) {
    const bytes = decodeAscii(cursor, prefix.length);
    const k = bytes === undefined ? undefined : parsePlainValues(bytes);
    if (k !== undefined) return { v: version, f: fingerprint, k };
  }
  try {
    const parsed: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    return typeof parsed === 'object' && parsed !== null ? (parsed as CursorContent) : { v: undefined, f: undefined, k: undefined };
  } catch {
    return undefined;
  }
}

function byteLength(text: string): number {
  for (let index = 0; index < text.length; index++) if (text.charCodeAt(index) > 0x7f) return Buffer.byteLength(text);
  return text.length;
}

/** A string as JSON: as it is between quotes when it is printable ASCII without `"` or `\`, as JSON.stringify writes it. */
function jsonString(text: string): string {
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    if (code < 0x20 || code > 0x7e || code === 0x22 || code === 0x5c) return JSON.stringify(text);
  }
  return `"${text}"`;
}

/** base64url without padding, as `Buffer#toString('base64url')` writes it; non-ASCII text goes through Buffer (UTF-8). */
export function toBase64Url(text: string): string {
  const out: number[] = [];
  let index = 0;
  for (; index + 2 < text.length; index += 3) {
    const a = text.charCodeAt(index);
    const b = text.charCodeAt(index + 1);
    const c = text.charCodeAt(index + 2);
    if ((a | b | c) > 0x7f) return Buffer.from(text).toString('base64url');
    const bits = (a << 16) | (b << 8) | c;
    out.push(ALPHABET_CODES[bits >> 18]!, ALPHABET_CODES[(bits >> 12) & 63]!, ALPHABET_CODES[(bits >> 6) & 63]!, ALPHABET_CODES[bits & 63]!);
  }
  const rest = text.length - index;
  if (rest > 0) {
    const a = text.charCodeAt(index);
    const b = rest === 2 ? text.charCodeAt(index + 1) : 0;
    if ((a | b) > 0x7f) return Buffer.from(text).toString('base64url');
    const bits = (a << 16) | (b << 8);
    out.push(ALPHABET_CODES[bits >> 18]!, ALPHABET_CODES[(bits >> 12) & 63]!);
    if (rest === 2) out.push(ALPHABET_CODES[(bits >> 6) & 63]!);
  }
  return fromCodes(out, 0, out.length);
}

/** Character codes as one string, made a chunk at a time so a long value cannot overflow the stack with arguments. */
function fromCodes(codes: number[], start: number, end: number): string {
  // One call for a short run: concatenating piece by piece would make a rope to flatten later.
  if (end - start <= CODES_PER_CALL) return String.fromCharCode.apply(null, start === 0 && end === codes.length ? codes : codes.slice(start, end));
  let text = '';
  for (let from = start; from < end; from += CODES_PER_CALL) text += String.fromCharCode.apply(null, codes.slice(from, Math.min(end, from + CODES_PER_CALL)));
  return text;
}
const CODES_PER_CALL = 4096;

/**
 * Decodes `encoded` from `from` on, canonical unpadded base64url of ASCII,
 * into a plain array of bytes (making strings from one is a fast path,
 * unlike from a typed array), or `undefined` for anything else (other
 * characters, padding, a non-ASCII byte), which the caller leaves to Buffer.
 */
function decodeAscii(encoded: string, from: number): number[] | undefined {
  const length = encoded.length - from;
  if (length % 4 === 1) return undefined;
  const bytes: number[] = [];
  for (let index = from; index < encoded.length; index += 4) {
    const left = encoded.length - index;
    const a = sextet(encoded, index);
    const b = sextet(encoded, index + 1);
    const c = left > 2 ? sextet(encoded, index + 2) : 0;
    const d = left > 3 ? sextet(encoded, index + 3) : 0;
    if ((a | b | c | d) < 0) return undefined;
    const bits = (a << 18) | (b << 12) | (c << 6) | d;
    if (bits & 0x808080) {
      // A byte at or above 0x80 — unless it is one of the bits a short last group leaves over, which are not bytes.
      if (bits & 0x800000 || (left > 2 && bits & 0x8000) || (left > 3 && bits & 0x80)) return undefined;
    }
    bytes.push(bits >> 16);
    if (left > 2) bytes.push((bits >> 8) & 0xff);
    if (left > 3) bytes.push(bits & 0xff);
  }
  return bytes;
}

function sextet(text: string, index: number): number {
  const code = text.charCodeAt(index);
  return code < 128 ? SEXTETS[code]! : -1;
}

/**
 * The values part's bytes as `encodeCursor` writes it when every
 * string is plain: `…]}` after the prefix, with safe integers, `true`,
 * `false` and strings without escapes, comma-separated. Anything else
 * returns `undefined` and is left to `JSON.parse`, so this never accepts
 * what `JSON.parse` would refuse or reads a value differently.
 */
function parsePlainValues(bytes: number[]): CursorValue[] | undefined {
  const count = bytes.length;
  const at = (index: number): number => (index < count ? bytes[index]! : -1);
  const values: CursorValue[] = [];
  let index = 0;
  if (at(index) !== 0x5d /* ] */) {
    for (;;) {
      const code = at(index);
      if (code === 0x22 /* " */) {
        const start = index + 1;
        for (index = start; at(index) !== 0x22; index++) {
          const inside = at(index);
          // A backslash or a control character (or the end) is JSON.parse's business.
          if (inside === 0x5c || inside < 0x20) return undefined;
        }
        values.push(fromCodes(bytes, start, index));
        index++;
      } else if (code === 0x74 /* t */ && at(index + 1) === 0x72 && at(index + 2) === 0x75 && at(index + 3) === 0x65) {
        values.push(true);
        index += 4;
      } else if (code === 0x66 /* f */ && at(index + 1) === 0x61 && at(index + 2) === 0x6c && at(index + 3) === 0x73 && at(index + 4) === 0x65) {
        values.push(false);
        index += 5;
      } else {
        // A JSON integer, -?(0|[1-9][0-9]*), of at most 15 digits (so exact); fractions, exponents and more digits are JSON.parse's business.
        const negative = code === 0x2d /* - */;
        if (negative) index++;
        const first = index;
        let value = 0;
        for (let digit = at(index); digit >= 0x30 && digit <= 0x39; digit = at(++index)) value = value * 10 + (digit - 0x30);
        const digits = index - first;
        if (digits === 0 || digits > 15 || (digits > 1 && at(first) === 0x30)) return undefined;
        const next = at(index);
        if (next === 0x2e /* . */ || next === 0x65 /* e */ || next === 0x45 /* E */) return undefined;
        values.push(negative ? -value : value);
      }
      if (at(index) !== 0x2c /* , */) break;
      index++;
    }
    if (at(index) !== 0x5d) return undefined;
  }
  return index + 2 === count && at(index + 1) === 0x7d /* } */ ? values : undefined;
}
