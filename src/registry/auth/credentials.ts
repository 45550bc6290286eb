/**
 * Reading the Authorization header. It comes from anyone, so it is bounded and parsed strictly:
 * a header that is too long, in another scheme or not decodable is "no valid credentials",
 * never an exception that escapes as a 500.
 */
import type { IncomingMessage } from 'node:http';

/** Far more than a real token or user:password needs; longer headers are refused unread. */
export const MAX_AUTHORIZATION_LENGTH = 16 * 1024;

export type Credentials =
  | { scheme: 'none' }
  | { scheme: 'basic'; user: string; password: string }
  | { scheme: 'bearer'; token: string }
  | { scheme: 'invalid'; why: string };

export function readCredentials(req: IncomingMessage): Credentials {
  return parseAuthorization(req.headers.authorization);
}

export function parseAuthorization(h: string | undefined): Credentials {
  if (h === undefined || h === '') return { scheme: 'none' };
  if (h.length > MAX_AUTHORIZATION_LENGTH) return { scheme: 'invalid', why: 'authorization header too large' };
  const m = /^([A-Za-z]+) +(\S+) *$/.exec(h);
  if (!m) return { scheme: 'invalid', why: 'malformed authorization header' };
  const scheme = m[1]!.toLowerCase();
  const value = m[2]!;
  if (scheme === 'bearer') return { scheme: 'bearer', token: value };
  if (scheme !== 'basic') return { scheme: 'invalid', why: `unsupported authorization scheme ${JSON.stringify(m[1]!.slice(0, 20))}` };
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(value) || value.length % 4 !== 0) return { scheme: 'invalid', why: 'malformed basic credentials' };
  const decoded = Buffer.from(value, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon <= 0) return { scheme: 'invalid', why: 'malformed basic credentials' };
  return { scheme: 'basic', user: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}
