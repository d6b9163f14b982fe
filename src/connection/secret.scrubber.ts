import { inspect } from 'node:util';

const MASK = '********';

/** Removes a password (raw or URL-encoded) from text bound for a log or an error. */
export function scrubSecret(text: string, secret: string | undefined): string {
  if (!secret) return text;
  return text.split(secret).join(MASK).split(encodeURIComponent(secret)).join(MASK);
}

/** Whether a password (raw or URL-encoded) shows anywhere a user could see of `error`: message, stack, own properties, causes. */
export function mentionsSecret(error: unknown, secret: string | undefined): boolean {
  if (!secret) return false;
  const text = `${error instanceof Error ? error.stack : ''}\n${inspect(error, { depth: 8 })}`;
  return text.includes(secret) || text.includes(encodeURIComponent(secret));
}
