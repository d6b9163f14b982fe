/** A UTF-16 surrogate without its pair (with the `u` flag a proper pair is one code point and does not match). */
export const LONE_SURROGATE = /\p{Cs}/u;

/**
 * Serialises a value for a JSONB column, refusing what `JSON.stringify` would
 * silently change or throw on: `undefined`, functions and symbols (dropped),
 * `NaN`/`Infinity` (become `null`), BigInt and cycles (throw mid-query), class
 * instances such as `Date` or `Map` (would not read back as the same value),
 * NUL characters (PostgreSQL's JSONB refuses them), unpaired UTF-16 surrogates
 * (UTF-8 cannot encode them) and `__proto__` keys (they turn into prototypes
 * when the document is later merged with `Object.assign`).
 *
 * `fail` throws; it receives the problem with a JSON path such as `$.tags[2]`.
 */
export function encodeJson(value: unknown, fail: (problem: string) => never): string {
  checkJson(value, '$', new Set(), fail);
  return JSON.stringify(value);
}

function checkJson(value: unknown, path: string, ancestors: Set<object>, fail: (problem: string) => never): void {
  switch (typeof value) {
    case 'boolean':
      return;
    case 'string':
      if (value.includes('\u0000')) fail(`${path} contains a NUL character, which JSONB cannot store`);
      if (LONE_SURROGATE.test(value)) fail(`${path} contains an unpaired UTF-16 surrogate, which UTF-8 cannot encode`);
      return;
    case 'number':
      if (!Number.isFinite(value)) fail(`${path} is ${value}, which JSON cannot represent`);
      return;
    case 'bigint':
      fail(`${path} is a BigInt, which JSON cannot represent; store it as a string`);
    case 'object':
      if (value === null) return;
      break;
    default:
      fail(`${path} is ${typeof value}, which JSON cannot represent`);
  }
  if (ancestors.has(value)) fail(`${path} is circular: it contains itself`);
  ancestors.add(value);
  if (Array.isArray(value)) {
    for (let index = 0; index < value.length; index++) {
      if (!Object.hasOwn(value, index)) fail(`${path}[${index}] is a hole in the array`);
      checkJson(value[index], `${path}[${index}]`, ancestors, fail);
    }
  } else {
    const prototype: unknown = Object.getPrototypeOf(value);
    if (prototype !== Object.prototype && prototype !== null) {
      fail(`${path} is a ${constructorName(value)}, not a plain object or array: it would not read back as the same value`);
    }
    if (Object.getOwnPropertySymbols(value).length > 0) fail(`${path} has symbol keys, which JSON cannot represent`);
    const record = value as Record<string, unknown>;
    for (const key of Object.keys(record)) {
      if (key === '__proto__') fail(`${path} has a "__proto__" key, which is refused as a prototype-pollution risk`);
      if (LONE_SURROGATE.test(key)) fail(`${path} has a key with an unpaired UTF-16 surrogate, which UTF-8 cannot encode`);
      checkJson(record[key], `${path}.${key}`, ancestors, fail);
    }
  }
  ancestors.delete(value);
}

function constructorName(value: object): string {
  const name: unknown = (value as { constructor?: { name?: unknown } }).constructor?.name;
  return typeof name === 'string' && name !== '' ? name : 'non-plain object';
}
