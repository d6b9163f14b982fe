const MASK = '********';

/** Removes a password (raw or URL-encoded) from text bound for a log or an error. */
export function scrubSecret(text: string, secret: string | undefined): string {
  if (!secret) return text;
  return text.split(secret).join(MASK).split(encodeURIComponent(secret)).join(MASK);
}
