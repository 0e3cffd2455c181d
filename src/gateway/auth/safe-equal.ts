// Constant-time comparison of secrets: both sides are hashed first, so neither the content nor the
// length of the stored secret leaks through timing (spec §8.2, REF-BUG 5).

import { createHash, timingSafeEqual } from 'node:crypto';

function digest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}

export function safeEqualSecret(provided: string, expected: string): boolean {
  return timingSafeEqual(digest(provided), digest(expected));
}
