// Parser for Go's text/template language, following Go's text/template/parse: the same
// grammar, variable scoping, `define`/`block` handling and error texts, so a template that Go
// rejects is rejected here with the same words.

import {
  isEmptyTree,
  nodeString,
  type ArgNode,
  type BranchNode,
  type CommandNode,
  type EndOrElseNode,
  type ListNode,
  type Node,
  type NumberNode,
  type PipeNode,
  type SourceInfo,
  type Tree,
  type VariableNode,
} from './ast.js';
import { lineAndColumn, TemplateError } from './errors.js';
import { lex, tokenString, type Token, type TokenType } from './lexer.js';
import { parseGoFloat, parseGoInt, parseGoUint, StrconvError, unquote, unquoteCharLiteral } from './strconv.js';

export interface ParseOptions {
  /** Name of the top-level template (a file's base name, or "" for inline text). */
  readonly name: string;
  /** Whether a function of this name exists; calls to unknown functions fail at parse time as in Go. */
  readonly hasFunction: (name: string) => boolean;
}

function isEndOrElse(n: Node | EndOrElseNode): n is EndOrElseNode {
  return n.kind === 'end' || n.kind === 'else';
}

class ParseFailure extends Error {
  constructor(
    message: string,
    readonly pos: number,
  ) {
    super(message);
  }
}

class Parser {
  private i = 0;
  private lastPos = 0;
  private vars: string[] = ['$'];
  private rangeDepth = 0;
  private actionLine = 0;

  constructor(
    private readonly tokens: readonly Token[],
    private readonly source: SourceInfo,
    private readonly hasFunction: (name: string) => boolean,
    private readonly treeSet: Map<string, Tree>,
  ) {}

  // --- token stream -------------------------------------------------------------------

  private next(): Token {
    const t = this.tokens[Math.min(this.i, this.tokens.length - 1)]!;
    this.i++;
    this.lastPos = t.pos;
    return t;
  }
  private backup(n = 1): void {
    this.i -= n;
  }
  private peek(): Token {
    return this.tokens[Math.min(this.i, this.tokens.length - 1)]!;
  }
  private nextNonSpace(): Token {
    for (;;) {
      const t = this.next();
      if (t.type !== 'space') return t;
    }
  }
  private peekNonSpace(): Token {
    const t = this.nextNonSpace();
    this.backup();
    return t;
  }

  private errorf(message: string, pos = this.lastPos): never {
    throw new ParseFailure(message, pos);
  }
  private expect(type: TokenType, context: string): Token {
    const t = this.nextNonSpace();
    if (t.type !== type) this.unexpected(t, context);
    return t;
  }
  private expectOneOf(a: TokenType, b: TokenType, context: string): Token {
    const t = this.nextNonSpace();
    if (t.type !== a && t.type !== b) this.unexpected(t, context);
    return t;
  }
  private unexpected(t: Token, context: string): never {
    if (t.type === 'error') {
      let extra = '';
      const line = lineAndColumn(this.source.text, t.pos).line;
      if (this.actionLine !== 0 && this.actionLine !== line) {
        extra = ` in action started at ${this.source.parseName}:${this.actionLine}`;
        if (t.val.endsWith(' action')) extra = extra.slice(' in action'.length);
      }
      this.errorf(`${t.val}${extra}`, t.pos);
    }
    this.errorf(`unexpected ${tokenString(t)} in ${context}`, t.pos);
  }

  // --- node builders --------------------------------------------------------------------

  private list(pos: number): ListNode {
    return { kind: 'list', pos, source: this.source, nodes: [] };
  }

  /** Records a tree; `pos` (where its name was written) locates a duplicate definition. */
  private add(name: string, root: ListNode, pos: number): void {
    const existing = this.treeSet.get(name);
    if (existing === undefined || isEmptyTree(existing.root)) {
      this.treeSet.set(name, { name, root, source: this.source });
      return;
    }
    if (!isEmptyTree(root)) this.errorf(`template: multiple definition of template ${JSON.stringify(name)}`, pos);
  }

  // --- grammar --------------------------------------------------------------------------

  /** Top level: text and actions until EOF, with `define` allowed. */
  parseTop(): void {
    const root = this.list(this.peek().pos);
    while (this.peek().type !== 'eof') {
      if (this.peek().type === 'leftDelim') {
        const mark = this.i;
        this.next();
        if (this.nextNonSpace().type === 'define') {
          this.parseDefinition();
          continue;
        }
        this.i = mark;
      }
      const n = this.textOrAction();
      if (isEndOrElse(n)) this.errorf(`unexpected ${nodeString(n)}`, n.pos);
      root.nodes.push(n);
    }
    this.add(this.source.parseName, root, 0);
  }

  private parseDefinition(): void {
    const context = 'define clause';
    const nameToken = this.expectOneOf('string', 'rawString', context);
    const name = this.unquoteOrFail(nameToken);
    this.expect('rightDelim', context);
    this.parseBody(name, context, nameToken.pos);
  }

  /** A define/block body up to {{end}}, parsed as its own tree: fresh variables, no enclosing range. */
  private parseBody(name: string, context: string, namePos: number): void {
    const saved = { vars: this.vars, rangeDepth: this.rangeDepth };
    this.vars = ['$'];
    this.rangeDepth = 0;
    const { list, end } = this.itemList();
    if (end.kind !== 'end') this.errorf(`unexpected ${nodeString(end)} in ${context}`, end.pos);
    this.add(name, list, namePos);
    this.vars = saved.vars;
    this.rangeDepth = saved.rangeDepth;
  }

  /** textOrAction* up to {{end}} or {{else}}, which is returned separately. */
  private itemList(): { list: ListNode; end: EndOrElseNode } {
    const list = this.list(this.peekNonSpace().pos);
    while (this.peekNonSpace().type !== 'eof') {
      const n = this.textOrAction();
      if (isEndOrElse(n)) return { list, end: n };
      list.nodes.push(n);
    }
    this.errorf('unexpected EOF', this.peekNonSpace().pos);
  }

  private textOrAction(): Node | EndOrElseNode {
    const t = this.nextNonSpace();
    switch (t.type) {
      case 'text':
        return { kind: 'text', pos: t.pos, source: this.source, text: t.val };
      case 'leftDelim': {
        const savedLine = this.actionLine;
        this.actionLine = lineAndColumn(this.source.text, t.pos).line;
        try {
          return this.action();
        } finally {
          this.actionLine = savedLine;
        }
      }
      default:
        this.unexpected(t, 'input');
    }
  }

  private action(): Node | EndOrElseNode {
    const t = this.nextNonSpace();
    switch (t.type) {
      case 'block':
        return this.blockControl();
      case 'break':
      case 'continue':
        return this.breakControl(t);
      case 'else':
        return this.elseControl(t);
      case 'end':
        this.expect('rightDelim', 'end');
        return { kind: 'end', pos: t.pos, source: this.source };
      case 'if':
      case 'range':
      case 'with':
        return this.branch(t.type);
      case 'template':
        return this.templateControl();
    }
    this.backup();
    const pos = this.peek().pos;
    return { kind: 'action', pos, source: this.source, pipe: this.pipeline('command', 'rightDelim') };
  }

  private breakControl(t: Token): Node {
    const next = this.nextNonSpace();
    if (next.type !== 'rightDelim') this.unexpected(next, `{{${t.type}}}`);
    if (this.rangeDepth === 0) this.errorf(`{{${t.type}}} outside {{range}}`, t.pos);
    return { kind: t.type as 'break' | 'continue', pos: t.pos, source: this.source };
  }

  private elseControl(keyword: Token): EndOrElseNode {
    const peek = this.peekNonSpace();
    // `{{else if …}}` / `{{else with …}}`: leave the keyword for the enclosing control.
    if (peek.type !== 'if' && peek.type !== 'with') this.expect('rightDelim', 'else');
    return { kind: 'else', pos: keyword.pos, source: this.source };
  }

  private branch(kind: 'if' | 'range' | 'with'): BranchNode {
    const mark = this.vars.length;
    try {
      const pipe = this.pipeline(kind, 'rightDelim');
      if (kind === 'range') this.rangeDepth++;
      const { list, end } = this.itemList();
      if (kind === 'range') this.rangeDepth--;
      let elseList: ListNode | undefined;
      if (end.kind === 'else') {
        const chained = this.peek().type;
        if ((kind === 'if' && chained === 'if') || (kind === 'with' && chained === 'with')) {
          // {{else if x}} is {{else}}{{if x}}…{{end}}{{end}} with the inner {{end}} shared.
          this.next();
          elseList = this.list(end.pos);
          elseList.nodes.push(this.branch(kind));
        } else {
          const rest = this.itemList();
          if (rest.end.kind !== 'end') this.errorf(`expected end; found ${nodeString(rest.end)}`, rest.end.pos);
          elseList = rest.list;
        }
      }
      return { kind, pos: pipe.pos, source: this.source, pipe, list, elseList };
    } finally {
      this.vars.length = mark;
    }
  }

  private templateControl(): Node {
    const context = 'template clause';
    const t = this.nextNonSpace();
    const name = this.templateName(t, context);
    let pipe: PipeNode | undefined;
    if (this.nextNonSpace().type !== 'rightDelim') {
      this.backup();
      pipe = this.pipeline(context, 'rightDelim');
    }
    return { kind: 'template', pos: t.pos, source: this.source, name, pipe };
  }

  private blockControl(): Node {
    const context = 'block clause';
    const t = this.nextNonSpace();
    const name = this.templateName(t, context);
    const pipe = this.pipeline(context, 'rightDelim');
    this.parseBody(name, context, t.pos);
    return { kind: 'template', pos: t.pos, source: this.source, name, pipe };
  }

  private templateName(t: Token, context: string): string {
    if (t.type === 'string' || t.type === 'rawString') return this.unquoteOrFail(t);
    this.unexpected(t, context);
  }

  private unquoteOrFail(t: Token): string {
    try {
      return unquote(t.val);
    } catch (e) {
      this.errorf((e as Error).message, t.pos);
    }
  }

  /** declarations? command ('|' command)*, ending at `end` (a right delimiter or paren). */
  private pipeline(context: string, end: 'rightDelim' | 'rightParen'): PipeNode {
    const start = this.peekNonSpace();
    const pipe: PipeNode = { kind: 'pipe', pos: start.pos, source: this.source, isAssign: false, decl: [], cmds: [] };
    let isAssign = false;
    decls: for (;;) {
      const mark = this.i;
      const v = this.nextNonSpace();
      if (v.type !== 'variable') {
        this.i = mark;
        break;
      }
      const next = this.peekNonSpace();
      if (next.type === 'assign' || next.type === 'declare') {
        isAssign = next.type === 'assign';
        this.nextNonSpace();
        pipe.decl.push(this.variableNode(v.pos, v.val));
        this.vars.push(v.val);
      } else if (next.type === 'char' && next.val === ',') {
        this.nextNonSpace();
        pipe.decl.push(this.variableNode(v.pos, v.val));
        this.vars.push(v.val);
        if (context === 'range' && pipe.decl.length < 2) {
          const p = this.peekNonSpace().type;
          if (p === 'variable' || p === 'rightDelim' || p === 'rightParen') continue decls;
          this.errorf('range can only initialize variables');
        }
        this.errorf(`too many declarations in ${context}`);
      } else {
        // `$x foo` or `$x.F`: the variable is an operand, not a declaration.
        this.i = mark;
      }
      break;
    }
    const result: PipeNode = { ...pipe, isAssign };
    for (;;) {
      const t = this.nextNonSpace();
      switch (t.type) {
        case end:
          this.checkPipeline(result, context);
          return result;
        case 'bool':
        case 'charConstant':
        case 'complex':
        case 'dot':
        case 'field':
        case 'identifier':
        case 'number':
        case 'nil':
        case 'rawString':
        case 'string':
        case 'variable':
        case 'leftParen':
          this.backup();
          result.cmds.push(this.command());
          break;
        default:
          this.unexpected(t, context);
      }
    }
  }

  private checkPipeline(pipe: PipeNode, context: string): void {
    if (pipe.cmds.length === 0) this.errorf(`missing value for ${context}`);
    pipe.cmds.slice(1).forEach((c, i) => {
      const k = c.args[0]!.kind;
      if (k === 'bool' || k === 'dot' || k === 'nil' || k === 'number' || k === 'string') {
        this.errorf(`non executable command in pipeline stage ${i + 2}`, c.pos);
      }
    });
  }

  private command(): CommandNode {
    const cmd: CommandNode = { kind: 'command', pos: this.peekNonSpace().pos, source: this.source, args: [] };
    for (;;) {
      this.peekNonSpace();
      const operand = this.operand();
      if (operand) cmd.args.push(operand);
      const t = this.next();
      if (t.type === 'space') continue;
      if (t.type === 'rightDelim' || t.type === 'rightParen') this.backup();
      else if (t.type !== 'pipe') this.unexpected(t, 'operand');
      break;
    }
    if (cmd.args.length === 0) this.errorf('empty command');
    return cmd;
  }

  private operand(): ArgNode | undefined {
    const node = this.term();
    if (node === undefined) return undefined;
    if (this.peek().type !== 'field') return node;
    const chainPos = this.peek().pos;
    const fields: string[] = [];
    while (this.peek().type === 'field') fields.push(this.next().val.slice(1));
    switch (node.kind) {
      case 'field':
        return { kind: 'field', pos: chainPos, source: this.source, ident: [...node.ident, ...fields] };
      case 'variable':
        return { kind: 'variable', pos: chainPos, source: this.source, ident: [...node.ident, ...fields] };
      case 'bool':
      case 'string':
      case 'number':
      case 'nil':
      case 'dot':
        this.errorf(`unexpected . after term ${JSON.stringify(nodeString(node))}`);
      // falls through (errorf never returns)
      default:
        return { kind: 'chain', pos: chainPos, source: this.source, node, field: fields };
    }
  }

  private term(): ArgNode | undefined {
    const t = this.nextNonSpace();
    switch (t.type) {
      case 'identifier':
        if (!this.hasFunction(t.val)) this.errorf(`function ${JSON.stringify(t.val)} not defined`, t.pos);
        return { kind: 'identifier', pos: t.pos, source: this.source, ident: t.val };
      case 'dot':
        return { kind: 'dot', pos: t.pos, source: this.source };
      case 'nil':
        return { kind: 'nil', pos: t.pos, source: this.source };
      case 'variable':
        return this.useVar(t);
      case 'field':
        return { kind: 'field', pos: t.pos, source: this.source, ident: [t.val.slice(1)] };
      case 'bool':
        return { kind: 'bool', pos: t.pos, source: this.source, value: t.val === 'true' };
      case 'charConstant':
      case 'complex':
      case 'number':
        return this.number(t);
      case 'leftParen':
        return this.pipeline('parenthesized pipeline', 'rightParen');
      case 'string':
      case 'rawString':
        return { kind: 'string', pos: t.pos, source: this.source, quoted: t.val, text: this.unquoteOrFail(t) };
    }
    this.backup();
    return undefined;
  }

  private variableNode(pos: number, name: string): VariableNode {
    return { kind: 'variable', pos, source: this.source, ident: name.split('.') };
  }

  private useVar(t: Token): VariableNode {
    const v = this.variableNode(t.pos, t.val);
    if (!this.vars.includes(v.ident[0]!)) this.errorf(`undefined variable ${JSON.stringify(v.ident[0])}`, t.pos);
    return v;
  }

  // Go's parse.newNumber: which of int, uint and float the literal can be.
  private number(t: Token): NumberNode {
    const base = { kind: 'number' as const, pos: t.pos, source: this.source, text: t.val };
    if (t.type === 'charConstant') {
      let r: number;
      try {
        r = unquoteCharLiteral(t.val);
      } catch (e) {
        this.errorf((e as Error).message, t.pos);
      }
      return { ...base, isInt: true, isUint: true, isFloat: true, int: r, float: r };
    }
    if (t.type === 'complex' || t.val.endsWith('i')) {
      this.errorf(`complex number ${JSON.stringify(t.val)} is not supported`, t.pos);
    }
    let isInt = false;
    let isUint = false;
    let isFloat = false;
    let int = 0;
    let float = 0;
    try {
      int = parseGoUint(t.val);
      isUint = true;
    } catch (e) {
      if (!(e instanceof StrconvError)) throw e;
    }
    try {
      int = parseGoInt(t.val);
      isInt = true;
    } catch (e) {
      if (!(e instanceof StrconvError)) throw e;
    }
    if (isInt || isUint) {
      isFloat = true;
      float = int;
    } else {
      try {
        float = parseGoFloat(t.val);
        if (!/[.eEpP]/.test(t.val)) this.errorf(`integer overflow: ${JSON.stringify(t.val)}`, t.pos);
        isFloat = true;
        if (Number.isInteger(float) && Math.abs(float) < 2 ** 63) {
          isInt = true;
          int = float;
        }
        if (Number.isInteger(float) && float >= 0 && float < 2 ** 64) isUint = true;
      } catch (e) {
        if (!(e instanceof StrconvError)) throw e;
      }
    }
    if (!isInt && !isUint && !isFloat) this.errorf(`illegal number syntax: ${JSON.stringify(t.val)}`, t.pos);
    return { ...base, isInt, isUint, isFloat, int, float };
  }
}

/**
 * Parses template text into its trees: the top-level one under `options.name` plus one per
 * `define`/`block`. Throws TemplateError (code template_parse) with Go's wording and the
 * position as `template: name:line:column: message`.
 */
export function parseTemplate(text: string, options: ParseOptions): Map<string, Tree> {
  const source: SourceInfo = { parseName: options.name, text };
  const tokens = lex(text, {
    breakIsKeyword: !options.hasFunction('break'),
    continueIsKeyword: !options.hasFunction('continue'),
  });
  const treeSet = new Map<string, Tree>();
  try {
    new Parser(tokens, source, options.hasFunction, treeSet).parseTop();
  } catch (e) {
    if (!(e instanceof ParseFailure)) throw e;
    const { line, column } = lineAndColumn(text, e.pos);
    throw new TemplateError('template_parse', `template: ${options.name}:${line}:${column}: ${e.message}`, {
      templateName: options.name,
      line,
      column,
    });
  }
  return treeSet;
}
