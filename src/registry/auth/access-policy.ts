/**
 * Who may do what: access rules per account and repository pattern, anonymous pull, and the
 * intersection of what a client asks for with what it may have (Docker's token rule: actions
 * that are not allowed are dropped from the grant, never an error).
 */
import type { Action } from '../routes/index.js';
import { ACTIONS, type Scope } from './scope.js';

export interface AccessRule {
  /** An account name, or "*" for every account that logged in. */
  account: string;
  /**
   * Repository name pattern: `*` stands for any run of characters (slashes included) and
   * `${account}` for the account's own name, so `${account}/*` is a personal namespace.
   */
  repository?: string;
  actions?: Action[];
  /** Listing every repository (`GET /v2/_catalog`, scope `registry:catalog:*`). */
  catalog?: boolean;
}

interface CompiledRule {
  account: string;
  pattern?: (account: string) => RegExp;
  actions: Action[];
  catalog: boolean;
}

function compilePattern(pattern: string): (account: string) => RegExp {
  const escape = (s: string): string => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&');
  return (account) => {
    const parts = pattern.split('${account}').map((p) => p.split('*').map(escape).join('.*'));
    return new RegExp(`^${parts.join(escape(account))}$`);
  };
}

export class AccessPolicy {
  readonly #rules: CompiledRule[] | undefined;
  readonly #anonymousPull: boolean;

  /** Without rules every account may do everything; anonymous clients may pull only when allowed. */
  constructor(rules: AccessRule[] | undefined, anonymousPull: boolean) {
    this.#anonymousPull = anonymousPull;
    this.#rules = rules?.map((r) => ({
      account: r.account,
      pattern: r.repository !== undefined ? compilePattern(r.repository) : undefined,
      actions: r.actions ?? [],
      catalog: r.catalog === true,
    }));
  }

  #matching(account: string): CompiledRule[] {
    return (this.#rules ?? []).filter((r) => r.account === '*' || r.account === account);
  }

  /** What `account` (undefined: anonymous) may do in repository `name`. */
  repositoryActions(account: string | undefined, name: string): Set<Action> {
    const out = new Set<Action>();
    if (account === undefined) {
      if (this.#anonymousPull) out.add('pull');
      return out;
    }
    if (this.#rules === undefined) return new Set(ACTIONS);
    for (const r of this.#matching(account)) {
      if (r.pattern?.(account).test(name)) for (const a of r.actions) out.add(a);
    }
    if (this.#anonymousPull) out.add('pull');
    return out;
  }

  mayListCatalog(account: string | undefined): boolean {
    if (account === undefined) return false;
    if (this.#rules === undefined) return true;
    return this.#matching(account).some((r) => r.catalog);
  }

  /** The part of each asked scope that is allowed; scopes with nothing allowed are left out. */
  grant(account: string | undefined, asked: Scope[]): Scope[] {
    const out: Scope[] = [];
    for (const s of asked) {
      if (s.type === 'registry') {
        if (this.mayListCatalog(account)) out.push({ type: 'registry', name: 'catalog', actions: ['*'] });
        continue;
      }
      const allowed = this.repositoryActions(account, s.name);
      const actions = s.actions.includes('*') ? [...allowed] : s.actions.filter((a) => allowed.has(a as Action));
      if (actions.length > 0) out.push({ type: 'repository', name: s.name, actions: ACTIONS.filter((a) => actions.includes(a)) });
    }
    return out;
  }
}
