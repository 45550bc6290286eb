/**
 * Token scopes as the Docker token flow writes them: `repository:<name>:<actions>` and
 * `registry:catalog:*`. A scope is what a challenge asks for, what a token request lists, and
 * what a token grants; parsing is strict because scopes come from unauthenticated clients.
 */
import type { Access, Action } from '../routes/index.js';
import { isRepositoryName } from '../names.js';

/** One resource and the actions on it ("*" is kept as asked; the policy expands it). */
export interface Scope {
  type: 'repository' | 'registry';
  name: string;
  actions: string[];
}

export const ACTIONS: readonly Action[] = ['pull', 'push', 'delete'];

/** A scope string is short; anything longer is not a client speaking the protocol. */
const MAX_SCOPE_LENGTH = 512;
const ACTION_RE = /^(?:[a-z]+|\*)$/;

/**
 * Parses one scope, or undefined when it is not one. The name sits between the first colon and
 * the last (a name never holds a colon, but a resource type may carry a class: `repository(plugin)`).
 */
export function parseScope(s: string): Scope | undefined {
  if (s.length > MAX_SCOPE_LENGTH) return undefined;
  const first = s.indexOf(':');
  const last = s.lastIndexOf(':');
  if (first <= 0 || last === first) return undefined;
  const rawType = s.slice(0, first);
  const name = s.slice(first + 1, last);
  const actions = s.slice(last + 1).split(',').filter((a) => a !== '');
  if (actions.length === 0 || !actions.every((a) => ACTION_RE.test(a))) return undefined;
  const type = /^repository(?:\([a-z0-9]+\))?$/.test(rawType) ? 'repository' : rawType === 'registry' ? 'registry' : undefined;
  if (type === 'repository' && !isRepositoryName(name)) return undefined;
  if (type === 'registry' && name !== 'catalog') return undefined;
  if (type === undefined) return undefined;
  return { type, name, actions: [...new Set(actions)] };
}

export function formatScope(scope: Scope): string {
  return `${scope.type}:${scope.name}:${scope.actions.join(',')}`;
}

/** The scope a request needs, for a challenge; none for `/v2/`, which only needs a valid login. */
export function scopeForAccess(access: Access): Scope | undefined {
  if (access.type === 'repository') return { type: 'repository', name: access.name, actions: [...access.actions] };
  if (access.type === 'catalog') return { type: 'registry', name: 'catalog', actions: ['*'] };
  return undefined;
}
