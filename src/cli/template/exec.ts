import { FUNCS, truthy, type TemplateFunc } from './funcs.js';
import { GoMap, GoPointer, GoStruct } from './go-value.js';
import { TemplateError } from './lexer.js';
import { operandText, type Node, type Operand, type Pipeline } from './parse.js';
import { actionString } from './print.js';

const BREAK = Symbol('break');
const CONTINUE = Symbol('continue');

/** Variable scopes: a stack of frames, innermost last; `$` is the root data. */
class Scope {
  readonly #frames: Array<Map<string, unknown>>;
  constructor(root: unknown) {
    this.#frames = [new Map([['', root]])];
  }
  push(): void { this.#frames.push(new Map()); }
  pop(): void { this.#frames.pop(); }
  declare(name: string, v: unknown): void { this.#frames[this.#frames.length - 1]!.set(name, v); }
  assign(name: string, v: unknown): void {
    for (let k = this.#frames.length - 1; k >= 0; k--) {
      if (this.#frames[k]!.has(name)) { this.#frames[k]!.set(name, v); return; }
    }
    throw new TemplateError(`undefined variable: $${name}`, 'execute');
  }
  get(name: string): unknown {
    for (let k = this.#frames.length - 1; k >= 0; k--) {
      const f = this.#frames[k]!;
      if (f.has(name)) return f.get(name);
    }
    throw new TemplateError(`undefined variable: $${name}`, 'execute');
  }
}

/**
 * What a field that is not there renders as: Go's `<no value>` (`zero`), or an error worded as
 * for a map (`map`, docker inspect's missingkey=error) or for a struct (`field`, the listings).
 */
export type MissingKey = 'zero' | 'map' | 'field';

/** Renders parsed nodes against `data`. @throws {TemplateError} on evaluation errors. */
export function execute(nodes: Node[], data: unknown, funcs: Readonly<Record<string, TemplateFunc>> = FUNCS, missingKey: MissingKey = 'zero'): string {
  const out: string[] = [];
  const scope = new Scope(data);

  const field = (base: unknown, names: string[], args: unknown[] = []): unknown => {
    let cur = base;
    for (let k = 0; k < names.length; k++) {
      const name = names[k]!;
      if (cur instanceof GoStruct) {
        const r = cur.lookup(name);
        if (!r.found) throw new TemplateError(`can't evaluate field ${name} in type ${cur.pointer ? '*' : ''}${cur.typeName}`, 'execute');
        cur = r.value;
        if (cur === null && k < names.length - 1) throw new TemplateError(`nil pointer evaluating .${names[k + 1]!}`, 'execute');
        continue;
      }
      if (cur instanceof GoMap) {
        // a missing key is Go's invalid value: printed as <no value>, false in if
        cur = cur.entries.get(name);
        continue;
      }
      if (cur instanceof GoPointer) throw new TemplateError(`can't evaluate field ${name} in type pointer`, 'execute');
      if (cur === null || cur === undefined) {
        if (cur === null) throw new TemplateError(`nil pointer evaluating .${name}`, 'execute');
        return undefined;
      }
      if (typeof cur !== 'object') throw new TemplateError(`can't evaluate field ${name} in type ${typeof cur}`, 'execute');
      if (missingKey !== 'zero' && !(name in (cur as object))) {
        throw new TemplateError(missingKey === 'map' ? `map has no entry for key "${name}"` : `can't evaluate field ${name}`, 'execute');
      }
      const v = (cur as Record<string, unknown>)[name];
      // a function-valued field is a method: call it, with the command's arguments when last
      cur = typeof v === 'function' ? (v as TemplateFunc).apply(cur, k === names.length - 1 ? args : []) : v;
    }
    return cur;
  };

  /**
   * Runs `f`, placing an error that does not yet say where it happened at `op`, as Go reports
   * it; `call` is the function call being made, whose errors Go words `error calling <name>`.
   */
  const at = <T>(op: Operand, f: () => T, call?: { name: string; node: string }): T => {
    try {
      return f();
    } catch (err) {
      if (!(err instanceof TemplateError) || err.located || !op.at) throw err;
      const reason = call ? `error calling ${call.name}: ${err.reason}` : err.reason;
      throw new TemplateError(reason, 'execute', { ...op.at, node: call ? call.node : operandText(op) });
    }
  };

  const operand = (op: Operand, dot: unknown): unknown => {
    switch (op.kind) {
      case 'literal': return op.value;
      case 'field': return at(op, () => field(dot, op.fields));
      case 'variable': return at(op, () => field(scope.get(op.name), op.fields));
      case 'group': return field(pipeline(op.pipe, dot), op.fields);
      case 'ident': {
        const fn = funcs[op.name];
        if (!fn) throw new TemplateError(`function "${op.name}" not defined`, 'execute');
        return fn();
      }
    }
  };

  const command = (ops: Operand[], dot: unknown, piped: unknown[]): unknown => {
    const [head, ...rest] = ops;
    if (!head) throw new TemplateError('empty command', 'execute');
    const args = (): unknown[] => [...rest.map((o) => operand(o, dot)), ...piped];
    if (head.kind === 'ident') {
      const fn = funcs[head.name];
      if (!fn) throw new TemplateError(`function "${head.name}" not defined`, 'execute');
      // and/or short-circuit in Go; evaluating eagerly differs only for erroring operands
      const values = args();
      return at(head, () => fn(...values), { name: head.name, node: [head, ...rest].map(operandText).join(' ') });
    }
    if ((head.kind === 'field' || head.kind === 'variable') && (rest.length || piped.length)) {
      const base = head.kind === 'field' ? dot : scope.get(head.name);
      const values = args();
      return at(head, () => field(base, head.fields, values));
    }
    if (rest.length) throw new TemplateError(`can't give argument to non-function`, 'execute');
    return operand(head, dot);
  };

  const pipeline = (p: Pipeline, dot: unknown): unknown => {
    let value: unknown;
    p.commands.forEach((ops, k) => { value = command(ops, dot, k === 0 ? [] : [value]); });
    if (p.decl.length === 1) {
      if (p.assign) scope.assign(p.decl[0]!, value);
      else scope.declare(p.decl[0]!, value);
    }
    return value;
  };

  const run = (list: Node[], dot: unknown): typeof BREAK | typeof CONTINUE | undefined => {
    for (const node of list) {
      switch (node.kind) {
        case 'text': out.push(node.text); break;
        case 'action': {
          const v = pipeline(node.pipe, dot);
          if (!node.pipe.decl.length) out.push(actionString(v));
          break;
        }
        case 'break': return BREAK;
        case 'continue': return CONTINUE;
        case 'if': case 'with': {
          scope.push();
          try {
            const v = pipeline(node.pipe, dot);
            const r = truthy(v)
              ? run(node.body, node.kind === 'with' ? v : dot)
              : run(node.otherwise, dot);
            if (r) return r;
          } finally { scope.pop(); }
          break;
        }
        case 'range': {
          scope.push();
          try {
            const vars = node.pipe.decl;
            const v = pipeline({ ...node.pipe, decl: [] }, dot);
            const entries: Array<[unknown, unknown]> = Array.isArray(v) ? v.map((x, k) => [k, x])
              : v instanceof GoMap ? v.sortedKeys().map((k) => [k, v.entries.get(k)])
              : v instanceof GoStruct || v instanceof GoPointer ? rangeError(v)
              : typeof v === 'number' ? Array.from({ length: v }, (_, k) => [k, k])
              : v && typeof v === 'object' ? Object.keys(v).sort().map((k) => [k, (v as Record<string, unknown>)[k]])
              : [];
            if (!entries.length) { run(node.otherwise, dot); break; }
            for (const [key, item] of entries) {
              if (vars.length === 1) scope.declare(vars[0]!, item);
              if (vars.length === 2) { scope.declare(vars[0]!, key); scope.declare(vars[1]!, item); }
              if (run(node.body, item) === BREAK) break;
            }
          } finally { scope.pop(); }
          break;
        }
      }
    }
    return undefined;
  };

  run(nodes, data);
  return out.join('');
}

function rangeError(v: GoStruct | GoPointer): never {
  throw new TemplateError(`range can't iterate over ${v instanceof GoStruct ? `{${v.typeName}}` : 'pointer'}`, 'execute');
}
