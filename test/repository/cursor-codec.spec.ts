import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { cursorPrefix, decodeCursor, encodeCursor, toBase64Url, type CursorValue } from '../../src/repository/cursor.codec.js';

/**
 * The cursor codec's JavaScript paths must agree with JSON + Buffer (how
 * every cursor was read before them): a cursor it writes is base64url of a
 * JSON text holding the values, and any string handed back as a cursor —
 * forged, truncated, mangled, or written before the prefix existed — reads
 * exactly as JSON + Buffer read it.
 */

/** How a cursor was written with JSON and Buffer alone, before the prefix. */
const referenceEncode = (version: number, fingerprint: string, values: readonly CursorValue[]) =>
  Buffer.from(JSON.stringify({ v: version, f: fingerprint, k: values })).toString('base64url');

function referenceDecode(cursor: string): unknown {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    return typeof parsed === 'object' && parsed !== null ? parsed : { v: undefined, f: undefined, k: undefined };
  } catch {
    return undefined;
  }
}

/** A small deterministic generator (mulberry32), so a failure names a seed that reproduces it. */
function generator(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const CHARACTER_POOLS = [
  'abcdef0123456789-',
  ' !#$%&()*+,./:;<=>?@[]^_`{|}~',
  '"\\',
  '\u0000\u0001\u001f\n\t\u007f',
  'éßø€中文',
  '\u{1F600}\u{10FFFF}',
  '\ud800\udfff',
];

function randomString(random: () => number, maxLength: number): string {
  const length = Math.floor(random() * maxLength);
  let text = '';
  for (let index = 0; index < length; index++) {
    const pool = CHARACTER_POOLS[random() < 0.7 ? 0 : Math.floor(random() * CHARACTER_POOLS.length)]!;
    text += [...pool][Math.floor(random() * [...pool].length)]!;
  }
  return text;
}

const NUMBERS = [0, -0, 1, -1, 42, 2 ** 31 - 1, -(2 ** 31), 2 ** 53 - 1, -(2 ** 53 - 1), 2 ** 53 + 2, 1e21, 1.5, -0.25, 5e-324, Number.MAX_VALUE];

function randomValue(random: () => number): CursorValue {
  const choice = random();
  if (choice < 0.1) return random() < 0.5;
  if (choice < 0.3) return NUMBERS[Math.floor(random() * NUMBERS.length)]!;
  if (choice < 0.45) return Math.floor((random() - 0.5) * 2 ** 40);
  if (choice < 0.6) return crypto.randomUUID();
  return randomString(random, 30);
}

describe('cursor codec', () => {
  it('writes base64url of one JSON text holding the version, fingerprint and values, for every kind of value', () => {
    const random = generator(1);
    for (let round = 0; round < 3000; round++) {
      const fingerprint = random() < 0.9 ? Math.floor(random() * 2 ** 53).toString(36) : randomString(random, 12);
      const values = Array.from({ length: Math.floor(random() * 4) }, () => randomValue(random));
      const version = random() < 0.9 ? 1 : Math.floor(random() * 100);
      const prefix = cursorPrefix(version, fingerprint);
      assert.equal(prefix.length % 4, 0, `round ${round}: the prefix is whole base64 groups`);
      const cursor = encodeCursor(prefix, values);
      assert.match(cursor, /^[A-Za-z0-9_-]*$/);
      assert.deepEqual(referenceDecode(cursor), JSON.parse(JSON.stringify({ v: version, f: fingerprint, k: values })), `round ${round}: ${JSON.stringify(values)}`);
      assert.deepEqual(decodeCursor(cursor, prefix, version, fingerprint), referenceDecode(cursor), `round ${round}: read back`);
    }
  });

  it('reads forged, truncated, mangled and pre-prefix cursors exactly as JSON + Buffer do', () => {
    const random = generator(3);
    const prefix = cursorPrefix(1, 'abc123');
    const read = (cursor: string) => decodeCursor(cursor, prefix, 1, 'abc123');
    const afterPrefix = (valuesPart: string) => prefix + toBase64Url(valuesPart);
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_+/=. é';
    const forged = [
      '',
      'e30',
      Buffer.from('{"v":1,"f":"x","k":[01]}').toString('base64url'),
      Buffer.from('{"v":1,"f":"x","k":[1.0]}').toString('base64url'),
      Buffer.from('{"v":1,"f":"x","k":[1e2]}').toString('base64url'),
      Buffer.from('{"v":1,"f":"x","k":[-]}').toString('base64url'),
      Buffer.from('{"v":1,"f":"x","k":[9007199254740993]}').toString('base64url'),
      Buffer.from('{"v":1,"f":"x","k":[]}').toString('base64url'),
      Buffer.from('{"v":1,"f":"x","k":[1,]}').toString('base64url'),
      Buffer.from('{"v":1,"f":"x","k":[true,false,null]}').toString('base64url'),
      Buffer.from('{"v":1,"f":"x","k":[tru]}').toString('base64url'),
      Buffer.from('{"v":1,"f":"x","k":[1]} ').toString('base64url'),
      Buffer.from('{"v":1,"f":"x","k":[1]}}').toString('base64url'),
      Buffer.from('{"v":1,"f":"x","k":["a\tb"]}').toString('base64url'),
      Buffer.from('{"v":1,"f":"x","k":["a\\u0041"]}').toString('base64url'),
      Buffer.from('{"v":1,"v":2,"f":"x","k":[1]}').toString('base64url'),
      Buffer.from('[1,2,3]').toString('base64url'),
      Buffer.from('"text"').toString('base64url'),
      Buffer.from('{"v":1,"f":"x","k":[1]}').toString('base64'),
      referenceEncode(1, 'abc123', [42, 'e5077967-8996-4f9b-853d-56aac38980fa']),
      ...['01]}', '1.0]}', '1e2]}', '-]}', '9007199254740993]}', ']}', '1,]}', 'true,false]}', 'null]}', 'tru]}', '1]} ', '1]}}', '1]', '1', '"a\tb"]}', '"a\\u0041"]}', '"é"]}'].map(afterPrefix),
      `${prefix}=`,
      `${prefix}A`,
      prefix,
    ];
    for (const cursor of forged) assert.deepEqual(read(cursor), referenceDecode(cursor), `forged ${JSON.stringify(cursor)}`);
    for (let round = 0; round < 5000; round++) {
      const genuine = encodeCursor(prefix, Array.from({ length: 1 + Math.floor(random() * 3) }, () => randomValue(random)));
      let cursor = genuine;
      const mutation = random();
      if (mutation < 0.3) cursor = cursor.slice(0, Math.floor(random() * cursor.length));
      else if (mutation < 0.7) {
        const at = Math.floor(random() * cursor.length);
        cursor = cursor.slice(0, at) + alphabet[Math.floor(random() * alphabet.length)]! + cursor.slice(at + 1);
      } else cursor = Array.from({ length: Math.floor(random() * 40) }, () => alphabet[Math.floor(random() * alphabet.length)]!).join('');
      assert.deepEqual(read(cursor), referenceDecode(cursor), `round ${round}: ${JSON.stringify(cursor)}`);
    }
  });

  it('writes and reads long values (more characters than one call takes as arguments)', () => {
    const prefix = cursorPrefix(1, 'long');
    for (const length of [4095, 4096, 4097, 12_289, 45_000, 300_000]) {
      const value = 'x-'.repeat(length / 2 + 1).slice(0, length);
      const cursor = encodeCursor(prefix, [value, 7]);
      assert.equal(cursor, prefix + Buffer.from(`"${value}",7]}`).toString('base64url'), `length ${length}`);
      assert.deepEqual(decodeCursor(cursor, prefix, 1, 'long'), { v: 1, f: 'long', k: [value, 7] }, `length ${length}`);
    }
  });

  it('reads its own plain cursors without JSON.parse or Buffer (the point of the JavaScript path)', () => {
    const prefix = cursorPrefix(1, 'k3j4h5');
    const cursor = encodeCursor(prefix, [-42, 'e5077967-8996-4f9b-853d-56aac38980fa', true, '2026-11-24 03:40:36.123456+00', 'plain text']);
    const withoutPrefix = referenceEncode(1, 'k3j4h5', [1]);
    const parse = JSON.parse;
    const from = Buffer.from;
    let nativeCalls = 0;
    JSON.parse = (...args: Parameters<typeof parse>) => (nativeCalls++, parse(...args));
    Buffer.from = ((...args: Parameters<typeof from>) => (nativeCalls++, from(...args))) as typeof Buffer.from;
    try {
      assert.deepEqual(decodeCursor(cursor, prefix, 1, 'k3j4h5'), { v: 1, f: 'k3j4h5', k: [-42, 'e5077967-8996-4f9b-853d-56aac38980fa', true, '2026-11-24 03:40:36.123456+00', 'plain text'] });
      assert.equal(nativeCalls, 0);
      decodeCursor(withoutPrefix, prefix, 1, 'k3j4h5');
      assert.equal(nativeCalls, 2, 'a cursor without the prefix is read by Buffer and JSON.parse');
    } finally {
      JSON.parse = parse;
      Buffer.from = from;
    }
  });

  it('base64url: writes what Buffer writes; after the prefix, any text reads as Buffer + JSON.parse read it', () => {
    const random = generator(4);
    const prefix = cursorPrefix(1, 'q1w2');
    for (let round = 0; round < 4000; round++) {
      const text = randomString(random, 50);
      assert.equal(toBase64Url(text), Buffer.from(text).toString('base64url'));
      // The values part: random text, or well-formed values with random text spliced in.
      const values = JSON.stringify(Array.from({ length: 1 + Math.floor(random() * 3) }, () => randomValue(random))).slice(1) + '}';
      const at = Math.floor(random() * values.length);
      const part = random() < 0.3 ? text : random() < 0.5 ? values : values.slice(0, at) + text.slice(0, 2) + values.slice(at);
      const cursor = prefix + toBase64Url(part);
      assert.deepEqual(decodeCursor(cursor, prefix, 1, 'q1w2'), referenceDecode(cursor), `round ${round}: ${JSON.stringify(part)}`);
    }
  });
});
