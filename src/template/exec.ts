// Executes parsed templates with Go's text/template semantics (Go 1.19 plus `else with`):
// field and method lookup, typed function arguments, variables, range/with/if, break and
// continue, and error messages worded like Go's. Execution only reaches what the data exposes
// (struct fields and methods declared in values.ts, map entries) — never JS prototypes — and
// is bounded by a template nesting depth and an output size cap.

import {
  nodeString,
  type ActionNode,
  type AnyNode,
  type ArgNode,
  type BranchNode,
  type ChainNode,
  type CommandNode,
  type FieldNode,
  type IdentifierNode,
  type Node,
  type NumberNode,
  type PipeNode,
  type TemplateNode,
  type Tree,
  type VariableNode,
} from './ast.js';
import { lineAndColumn, TemplateError } from './errors.js';
import { evalArgsString, printable, sprint } from './fmt.js';
import {
  assignable,
  canBeNil,
  FuncCallError,
  GoFloat,
  GoMap,
  GoNamed,
  GoSlice,
  GoStruct,
  isTrue,
  kindOf,
  typeOf,
  zeroOf,
  type CallEnv,
  type GoFuncSpec,
  type GoMethod,
  type GoType,
  type GoValue,
} from './values.js';

/** A function callable from templates; `shortCircuit` marks Go's lazily evaluated and/or. */
export interface TemplateFunc extends GoFuncSpec {
  readonly shortCircuit?: 'and' | 'or';
}

/** Hooks html/template escaping into execution (see html.ts). */
export interface ActionEscaper {
  /** Static template text: what to write (HTML comments dropped); advances the context. */
  text(text: string): string;
  /**
   * How to print an action at the current context: whether to leave out the pipeline's last
   * command (a predefined escaper merged into the escaping), and the escaping to apply.
   * Throws EscapeError for what Go's html/template refuses.
   */
  plan(pipe: PipeNode): { cut: 'none' | 'last' | 'lastArgs'; apply: (value: GoValue) => string };
}

/** What html/template rejects; reported as `html/template:<where>: <description>`. */
export class EscapeError extends Error {}

export interface ExecOptions {
  readonly templates: ReadonlyMap<string, Tree>;
  readonly funcs: ReadonlyMap<string, TemplateFunc>;
  readonly nowMs: number;
  readonly escaper?: ActionEscaper;
  readonly maxOutputBytes?: number;
}

/** Nested {{template}} calls allowed (Go allows 100000; JS stacks are smaller). */
export const MAX_EXEC_DEPTH = 1000;
/** Output size cap when the caller sets none. */
export const DEFAULT_MAX_OUTPUT_BYTES = 16 * 1024 * 1024;

const MISSING = Symbol('missing');
type Final = GoValue | typeof MISSING;

class BreakSignal {}
class ContinueSignal {}
const BREAK = new BreakSignal();
const CONTINUE = new ContinueSignal();

interface Callable {
  readonly spec: GoFuncSpec | GoMethod;
  readonly receiver?: GoValue;
  readonly shortCircuit?: 'and' | 'or';
}

class State {
  private node: AnyNode | undefined;
  private vars: { name: string; value: GoValue }[];
  private readonly env: CallEnv;
  private out: string[] = [];
  private outLength = 0;
  private readonly maxOutput: number;

  constructor(
    private readonly opts: ExecOptions,
    private tmplName: string,
    dot: GoValue,
    private depth = 0,
  ) {
    this.vars = [{ name: '$', value: dot }];
    this.env = { nowMs: opts.nowMs };
    this.maxOutput = opts.maxOutputBytes ?? DEFAULT_MAX_OUTPUT_BYTES;
  }

  output(): string {
    return this.out.join('');
  }

  // --- errors ---------------------------------------------------------------------------

  at(node: AnyNode): void {
    this.node = node;
  }

  errorf(message: string): never {
    const name = this.tmplName;
    if (this.node === undefined) throw this.failure(`template: ${name}: ${message}`, undefined);
    const where = this.location(this.node);
    throw this.failure(
      `template: ${where.text}: executing ${JSON.stringify(name)} at <${nodeString(this.node)}>: ${message}`,
      where,
    );
  }

  location(node: AnyNode): { text: string; name: string; line: number; column: number } {
    const { line, column } = lineAndColumn(node.source.text, node.pos);
    const name = node.source.parseName;
    return { text: `${name}:${line}:${column}`, name, line, column };
  }

  private failure(message: string, where: { name: string; line: number; column: number } | undefined): TemplateError {
    return new TemplateError('template_exec', message, {
      templateName: where?.name ?? this.tmplName,
      line: where?.line ?? 0,
      column: where?.column ?? 0,
    });
  }

  private write(s: string): void {
    if (s === '') return;
    this.outLength += s.length;
    if (this.outLength > this.maxOutput) {
      this.errorf(`output exceeds the limit of ${this.maxOutput} bytes`);
    }
    this.out.push(s);
  }

  // --- variables ------------------------------------------------------------------------

  private mark(): number {
    return this.vars.length;
  }
  private pop(mark: number): void {
    this.vars.length = mark;
  }
  private push(name: string, value: GoValue): void {
    this.vars.push({ name, value });
  }
  private setVar(name: string, value: GoValue): void {
    for (let i = this.vars.length - 1; i >= 0; i--) {
      if (this.vars[i]!.name === name) {
        this.vars[i]!.value = value;
        return;
      }
    }
    this.errorf(`undefined variable: ${name}`);
  }
  private setTopVar(n: number, value: GoValue): void {
    this.vars[this.vars.length - n]!.value = value;
  }
  private varValue(name: string): GoValue {
    for (let i = this.vars.length - 1; i >= 0; i--) {
      if (this.vars[i]!.name === name) return this.vars[i]!.value;
    }
    this.errorf(`undefined variable: ${name}`);
  }

  // --- walking --------------------------------------------------------------------------

  walk(dot: GoValue, node: Node): void {
    this.at(node);
    switch (node.kind) {
      case 'action':
        this.walkAction(dot, node);
        return;
      case 'if':
      case 'with':
        this.walkIfOrWith(dot, node);
        return;
      case 'list':
        for (const n of node.nodes) this.walk(dot, n);
        return;
      case 'range':
        this.walkRange(dot, node);
        return;
      case 'template':
        this.walkTemplate(dot, node);
        return;
      case 'text':
        this.write(this.opts.escaper ? this.escaping(node, () => this.opts.escaper!.text(node.text)) : node.text);
        return;
      case 'break':
        throw BREAK;
      case 'continue':
        throw CONTINUE;
    }
  }

  // Runs an escaper step, reporting what html/template refuses at `node` as Go words it: with
  // the action's position, or only the template's name for malformed HTML in text.
  private escaping<T>(node: AnyNode, step: () => T): T {
    try {
      return step();
    } catch (e) {
      if (!(e instanceof EscapeError)) throw e;
      const where = this.location(node);
      const prefix = node.kind !== 'text' ? `html/template:${where.text}:` : this.tmplName ? `html/template:${this.tmplName}:` : 'html/template:';
      throw new TemplateError('template_exec', `${prefix} ${e.message}`, {
        templateName: where.name,
        line: where.line,
        column: where.column,
      });
    }
  }

  private walkAction(dot: GoValue, node: ActionNode): void {
    const escaper = this.opts.escaper;
    // Declarations print nothing (and html/template leaves them alone).
    if (escaper === undefined || node.pipe.decl.length > 0) {
      const val = this.evalPipeline(dot, node.pipe);
      if (node.pipe.decl.length === 0) this.printValue(node, val);
      return;
    }
    const plan = this.escaping(node, () => escaper.plan(node.pipe));
    let val: GoValue;
    if (plan.cut === 'none') {
      val = this.evalPipeline(dot, node.pipe);
    } else if (plan.cut === 'last') {
      val = this.evalPipeline(dot, { ...node.pipe, cmds: node.pipe.cmds.slice(0, -1) });
    } else {
      // {{html .A .B}}: Go rewrites it to {{_eval_args_ .A .B | html}}.
      const args = node.pipe.cmds[0]!.args.slice(1).map((a) => printable(this.evalArg(dot, undefined, a)));
      val = evalArgsString(args);
    }
    this.at(node);
    if (typeOf(val).kind === 'func') this.errorf(`can't print ${nodeString(node)} of type ${typeOf(val).name}`);
    this.write(plan.apply(printable(val)));
  }

  private walkIfOrWith(dot: GoValue, node: BranchNode): void {
    const mark = this.mark();
    try {
      const val = this.evalPipeline(dot, node.pipe);
      const { truth, ok } = isTrue(val);
      if (!ok) this.errorf(`if/with can't use ${sprint([val])}`);
      if (truth) {
        this.walk(node.kind === 'with' ? val : dot, node.list);
      } else if (node.elseList) {
        this.walk(dot, node.elseList);
      }
    } finally {
      this.pop(mark);
    }
  }

  private walkRange(dot: GoValue, r: BranchNode): void {
    this.at(r);
    const outer = this.mark();
    try {
      const val = this.evalPipeline(dot, r.pipe);
      const mark = this.mark();
      const decl = r.pipe.decl;
      const oneIteration = (index: GoValue, elem: GoValue): void => {
        if (decl.length > 0) {
          if (r.pipe.isAssign) this.setVar(decl[0]!.ident[0]!, decl.length > 1 ? index : elem);
          else this.setTopVar(1, elem);
        }
        if (decl.length > 1) {
          if (r.pipe.isAssign) this.setVar(decl[1]!.ident[0]!, elem);
          else this.setTopVar(2, index);
        }
        try {
          this.walk(elem, r.list);
        } catch (e) {
          if (e !== CONTINUE) throw e;
        } finally {
          this.pop(mark);
        }
      };
      try {
        if (val instanceof GoSlice) {
          if (val.items.length > 0) {
            val.items.forEach((item, i) => oneIteration(i, item));
            return;
          }
        } else if (val instanceof GoMap) {
          if (val.entries.size > 0) {
            for (const key of [...val.entries.keys()].sort(compareBytes)) oneIteration(key, val.entries.get(key));
            return;
          }
        } else if (val !== undefined && val !== null) {
          this.errorf(`range can't iterate over ${sprint([val])}`);
        }
      } catch (e) {
        if (e === BREAK) return;
        throw e;
      }
      if (r.elseList) this.walk(dot, r.elseList);
    } finally {
      this.pop(outer);
    }
  }

  private walkTemplate(dot: GoValue, t: TemplateNode): void {
    this.at(t);
    const tree = this.opts.templates.get(t.name);
    if (tree === undefined) this.errorf(`template ${JSON.stringify(t.name)} not defined`);
    if (this.depth >= MAX_EXEC_DEPTH) this.errorf(`exceeded maximum template depth (${MAX_EXEC_DEPTH})`);
    const newDot = t.pipe ? this.evalPipeline(dot, t.pipe) : undefined;
    // No dynamic scoping: the callee sees only $ = its dot.
    const saved = { vars: this.vars, name: this.tmplName };
    this.vars = [{ name: '$', value: newDot }];
    this.tmplName = tree.name;
    this.depth++;
    try {
      this.walk(newDot, tree.root);
    } finally {
      this.depth--;
      this.vars = saved.vars;
      this.tmplName = saved.name;
    }
  }

  // --- evaluation -----------------------------------------------------------------------

  private evalPipeline(dot: GoValue, pipe: PipeNode): GoValue {
    this.at(pipe);
    let value: Final = MISSING;
    for (const cmd of pipe.cmds) value = this.evalCommand(dot, cmd, value);
    const result = value === MISSING ? undefined : value;
    for (const v of pipe.decl) {
      if (pipe.isAssign) this.setVar(v.ident[0]!, result);
      else this.push(v.ident[0]!, result);
    }
    return result;
  }

  private notAFunction(args: readonly ArgNode[] | undefined, final: Final): void {
    if ((args !== undefined && args.length > 1) || final !== MISSING) {
      this.errorf(`can't give argument to non-function ${nodeString(args![0]!)}`);
    }
  }

  private evalCommand(dot: GoValue, cmd: CommandNode, final: Final): GoValue {
    const first = cmd.args[0]!;
    switch (first.kind) {
      case 'field':
        return this.evalFieldNode(dot, first, cmd.args, final);
      case 'chain':
        return this.evalChainNode(dot, first, cmd.args, final);
      case 'identifier':
        return this.evalFunction(dot, first, cmd, cmd.args, final);
      case 'pipe':
        this.notAFunction(cmd.args, final);
        return this.evalPipeline(dot, first);
      case 'variable':
        return this.evalVariableNode(dot, first, cmd.args, final);
    }
    this.at(first);
    this.notAFunction(cmd.args, final);
    switch (first.kind) {
      case 'bool':
        return first.value;
      case 'dot':
        return dot;
      case 'nil':
        this.errorf('nil is not a command');
      // falls through (errorf never returns)
      case 'number':
        return this.idealConstant(first);
      case 'string':
        return first.text;
    }
  }

  /** A number literal with no type context: float if written like one, else int. */
  private idealConstant(n: NumberNode): GoValue {
    this.at(n);
    const hexInt = /^[+-]?0[xX]/.test(n.text) && !/[pP]/.test(n.text);
    const runeInt = n.text.startsWith("'");
    if (n.isFloat && !hexInt && !runeInt && /[.eEpP]/.test(n.text)) return new GoFloat(n.float);
    if (n.isInt) return n.int;
    if (n.isUint) this.errorf(`${n.text} overflows int`);
    return undefined;
  }

  private evalFieldNode(dot: GoValue, field: FieldNode, args: readonly ArgNode[] | undefined, final: Final): GoValue {
    this.at(field);
    return this.evalFieldChain(dot, dot, field, field.ident, args, final);
  }

  private evalChainNode(dot: GoValue, chain: ChainNode, args: readonly ArgNode[] | undefined, final: Final): GoValue {
    this.at(chain);
    if (chain.node.kind === 'nil') this.errorf(`indirection through explicit nil in ${nodeString(chain)}`);
    const pipe = this.evalArg(dot, undefined, chain.node);
    return this.evalFieldChain(dot, pipe, chain, chain.field, args, final);
  }

  private evalVariableNode(dot: GoValue, v: VariableNode, args: readonly ArgNode[] | undefined, final: Final): GoValue {
    this.at(v);
    const value = this.varValue(v.ident[0]!);
    if (v.ident.length === 1) {
      this.notAFunction(args, final);
      return value;
    }
    return this.evalFieldChain(dot, value, v, v.ident.slice(1), args, final);
  }

  private evalFieldChain(
    dot: GoValue,
    receiver: GoValue,
    node: AnyNode,
    ident: readonly string[],
    args: readonly ArgNode[] | undefined,
    final: Final,
  ): GoValue {
    const n = ident.length;
    for (let i = 0; i < n - 1; i++) receiver = this.evalField(dot, ident[i]!, node, undefined, MISSING, receiver);
    return this.evalField(dot, ident[n - 1]!, node, args, final, receiver);
  }

  private evalFunction(
    dot: GoValue,
    node: IdentifierNode,
    cmd: AnyNode,
    args: readonly ArgNode[] | undefined,
    final: Final,
  ): GoValue {
    this.at(node);
    const fn = this.opts.funcs.get(node.ident);
    if (fn === undefined) this.errorf(`${JSON.stringify(node.ident)} is not a defined function`);
    return this.evalCall(dot, { spec: fn, shortCircuit: fn.shortCircuit }, cmd, node.ident, args, final);
  }

  private evalField(
    dot: GoValue,
    fieldName: string,
    node: AnyNode,
    args: readonly ArgNode[] | undefined,
    final: Final,
    receiver: GoValue,
  ): GoValue {
    if (receiver === undefined) return undefined; // missing data reads as "<no value>", not an error
    if (receiver === null) this.errorf(`nil pointer evaluating interface {}.${fieldName}`);
    const type = typeOf(receiver);
    const method = type.methods?.get(fieldName);
    if (method !== undefined) {
      const numIn = (args === undefined ? 0 : args.length - 1) + (final !== MISSING ? 1 : 0);
      // Go checks the argument count first, then that the method returns one value (or one and an error).
      if (method.results !== undefined && numIn === method.params.length) {
        this.errorf(`can't call method/function ${JSON.stringify(fieldName)} with ${method.results} results`);
      }
      return this.evalCall(dot, { spec: method, receiver }, node, fieldName, args, final);
    }
    const hasArgs = (args !== undefined && args.length > 1) || final !== MISSING;
    if (receiver instanceof GoStruct && receiver.fields.has(fieldName)) {
      if (hasArgs) this.errorf(`${fieldName} has arguments but cannot be invoked as function`);
      return receiver.fields.get(fieldName);
    }
    if (receiver instanceof GoMap) {
      if (hasArgs) this.errorf(`${fieldName} is not a method but has arguments`);
      if (receiver.entries.has(fieldName)) return receiver.entries.get(fieldName);
      // Alertmanager executes with missingkey=zero: a missing label reads as "". The zero of
      // interface{} is nil, which the pipeline unwraps to "no value".
      const zero = zeroOf(type.elem ?? typeOf(null));
      return zero === null ? undefined : zero;
    }
    this.errorf(`can't evaluate field ${fieldName} in type ${type.name}`);
  }

  private evalCall(
    dot: GoValue,
    fn: Callable,
    node: AnyNode,
    name: string,
    argNodes: readonly ArgNode[] | undefined,
    final: Final,
  ): GoValue {
    const args = argNodes ? argNodes.slice(1) : [];
    const { params, variadic } = fn.spec;
    const numIn = args.length + (final !== MISSING ? 1 : 0);
    let numFixed = args.length;
    if (variadic) {
      numFixed = params.length;
      if (numIn < numFixed) {
        this.errorf(`wrong number of args for ${name}: want at least ${params.length} got ${args.length}`);
      }
    } else if (numIn !== params.length) {
      this.errorf(`wrong number of args for ${name}: want ${params.length} got ${numIn}`);
    }

    // and/or evaluate their arguments lazily and return the deciding one.
    if (fn.shortCircuit) {
      const argType = params[0]!;
      let v: GoValue = undefined;
      for (const arg of args) {
        v = this.evalArg(dot, argType, arg);
        if (isTrue(v).truth === (fn.shortCircuit === 'or')) return v;
      }
      if (final !== MISSING) v = this.validateType(final, argType);
      return v;
    }

    const argv: GoValue[] = [];
    let i = 0;
    for (; i < numFixed && i < args.length; i++) argv.push(this.evalArg(dot, params[i]!, args[i]!));
    if (variadic) for (; i < args.length; i++) argv.push(this.evalArg(dot, variadic, args[i]!));
    if (final !== MISSING) {
      let t: GoType;
      if (variadic) t = numIn - 1 < numFixed ? params[numIn - 1]! : variadic;
      else t = params[params.length - 1]!;
      argv.push(this.validateType(final, t));
    }
    try {
      return fn.receiver !== undefined
        ? (fn.spec as GoMethod).impl(argv, this.env, fn.receiver)
        : fn.spec.impl(argv, this.env);
    } catch (e) {
      if (!(e instanceof FuncCallError)) throw e;
      this.at(node);
      this.errorf(`error calling ${name}: ${e.message}`);
    }
  }

  /** Checks a value against a parameter type, as Go's validateType; `undefined` type accepts anything. */
  private validateType(value: GoValue, typ: GoType | undefined): GoValue {
    if (typ === undefined || typ.kind === 'reflect') return value;
    if (value === undefined || value === null) {
      if (typ.kind === 'interface') return null;
      if (canBeNil(typ)) return zeroOf(typ);
      this.errorf(`invalid value; expected ${typ.name}`);
    }
    if (!assignable(value, typ)) this.errorf(`wrong type for value; expected ${typ.name}; got ${typeOf(value).name}`);
    return value;
  }

  private evalArg(dot: GoValue, typ: GoType | undefined, n: ArgNode): GoValue {
    this.at(n);
    switch (n.kind) {
      case 'dot':
        return this.validateType(dot, typ);
      case 'nil':
        if (typ === undefined) return undefined;
        if (canBeNil(typ)) return typ.kind === 'reflect' ? undefined : zeroOf(typ);
        this.errorf(`cannot assign nil to ${typ.name}`);
      // falls through (errorf never returns)
      case 'field':
        return this.validateType(this.evalFieldNode(dot, n, [n], MISSING), typ);
      case 'variable':
        return this.validateType(this.evalVariableNode(dot, n, undefined, MISSING), typ);
      case 'pipe':
        return this.validateType(this.evalPipeline(dot, n), typ);
      case 'identifier':
        return this.validateType(this.evalFunction(dot, n, n, undefined, MISSING), typ);
      case 'chain':
        return this.validateType(this.evalChainNode(dot, n, undefined, MISSING), typ);
    }
    if (typ === undefined || typ.kind === 'interface' || typ.kind === 'reflect') return this.evalEmptyInterface(dot, n);
    switch (typ.kind) {
      case 'bool':
        if (n.kind === 'bool') return n.value;
        this.errorf(`expected bool; found ${nodeString(n)}`);
      // falls through (errorf never returns)
      case 'float64':
        if (n.kind === 'number' && n.isFloat) return new GoFloat(n.float);
        this.errorf(`expected float; found ${nodeString(n)}`);
      // falls through (errorf never returns)
      case 'int':
        if (n.kind === 'number' && n.isInt) return typ.named ? new GoNamed(typ, n.int) : n.int;
        this.errorf(`expected integer; found ${nodeString(n)}`);
      // falls through (errorf never returns)
      case 'string':
        if (n.kind === 'string') return typ.named ? new GoNamed(typ, n.text) : n.text;
        this.errorf(`expected string; found ${nodeString(n)}`);
    }
    this.errorf(`can't handle ${nodeString(n)} for arg of type ${typ.name}`);
  }

  private evalEmptyInterface(dot: GoValue, n: ArgNode): GoValue {
    this.at(n);
    switch (n.kind) {
      case 'bool':
        return n.value;
      case 'dot':
        return dot;
      case 'field':
        return this.evalFieldNode(dot, n, undefined, MISSING);
      case 'identifier':
        return this.evalFunction(dot, n, n, undefined, MISSING);
      case 'number':
        return this.idealConstant(n);
      case 'string':
        return n.text;
      case 'variable':
        return this.evalVariableNode(dot, n, undefined, MISSING);
      case 'pipe':
        return this.evalPipeline(dot, n);
      case 'chain':
        return this.evalChainNode(dot, n, undefined, MISSING);
    }
    this.errorf(`can't handle assignment of ${nodeString(n)} to empty interface argument`);
  }

  private printValue(node: ActionNode, v: GoValue): void {
    this.at(node);
    if (v === undefined) {
      this.write('<no value>');
      return;
    }
    if (kindOf(v) === 'func') this.errorf(`can't print ${nodeString(node)} of type ${typeOf(v).name}`);
    this.write(typeof v === 'string' ? v : sprint([printable(v)]));
  }
}

function compareBytes(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Executes the template `tree` (named `name`) with `dot` as data; returns the output.
 * Throws TemplateError (code template_exec) worded like Go's execution errors.
 */
export function executeTree(tree: Tree, dot: GoValue, opts: ExecOptions): string {
  const state = new State(opts, tree.name, dot);
  try {
    state.walk(dot, tree.root);
  } catch (e) {
    if (e === BREAK || e === CONTINUE) throw new Error('break/continue escaped its range');
    if (e instanceof RangeError && /call stack/i.test(e.message)) {
      throw new TemplateError('template_exec', `template: ${tree.name}: execution nests too deeply`, {
        templateName: tree.name,
        line: 0,
        column: 0,
        cause: e,
      });
    }
    throw e;
  }
  return state.output();
}
