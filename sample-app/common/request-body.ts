import { BadRequestException } from '@nestjs/common';

/**
 * The few shape checks a JSON body needs before it reaches a repository.
 * Column types (UUID format, INT8 range, arrays, JSON) are checked by the
 * repository itself, which answers with a `ValidationError` (HTTP 400).
 */
export function requireObject(body: unknown): Record<string, unknown> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new BadRequestException('The request body must be a JSON object');
  }
  return body as Record<string, unknown>;
}

export function requireString(body: Record<string, unknown>, field: string): string {
  const value = body[field];
  if (typeof value !== 'string' || value.trim() === '') throw new BadRequestException(`"${field}" must be a non-empty string`);
  return value;
}

export function requirePositiveInteger(body: Record<string, unknown>, field: string): number {
  const value = body[field];
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value <= 0) {
    throw new BadRequestException(`"${field}" must be a positive integer`);
  }
  return value;
}
