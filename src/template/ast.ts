// Parse tree of a Go text/template, shaped like Go's text/template/parse nodes. `nodeString`
// prints a node the way Go's Node.String() does, because execution errors quote it:
// `executing "x" at <index .Alerts 5>: ...`.

/** The source a node came from: error positions are computed against it. */
export interface SourceInfo {
  /** Name of the top-level template being parsed (Go's ParseName): a file's base name, or "". */
  readonly parseName: string;
  readonly text: string;
}

interface Base {
  /** UTF-16 offset in `source.text`. */
  readonly pos: number;
  readonly source: SourceInfo;
}

export interface TextNode extends Base {
  readonly kind: 'text';
  readonly text: string;
}
export interface ActionNode extends Base {
  readonly kind: 'action';
  readonly pipe: PipeNode;
}
export interface ListNode extends Base {
  readonly kind: 'list';
  readonly nodes: Node[];
}
export interface BranchNode extends Base {
  readonly kind: 'if' | 'range' | 'with';
  readonly pipe: PipeNode;
  readonly list: ListNode;
  readonly elseList: ListNode | undefined;
}
export interface TemplateNode extends Base {
  readonly kind: 'template';
  readonly name: string;
  readonly pipe: PipeNode | undefined;
}
export interface BreakNode extends Base {
  readonly kind: 'break' | 'continue';
}
/** Only seen while parsing: `{{end}}` and `{{else}}` close the list being parsed. */
export interface EndOrElseNode extends Base {
  readonly kind: 'end' | 'else';
}

export interface PipeNode extends Base {
  readonly kind: 'pipe';
  readonly isAssign: boolean;
  readonly decl: VariableNode[];
  readonly cmds: CommandNode[];
}
export interface CommandNode extends Base {
  readonly kind: 'command';
  readonly args: ArgNode[];
}
export interface FieldNode extends Base {
  readonly kind: 'field';
  readonly ident: readonly string[];
}
export interface VariableNode extends Base {
  readonly kind: 'variable';
  /** `$x.A.B` → ['$x', 'A', 'B']. */
  readonly ident: readonly string[];
}
export interface ChainNode extends Base {
  readonly kind: 'chain';
  readonly node: ArgNode;
  readonly field: readonly string[];
}
export interface IdentifierNode extends Base {
  readonly kind: 'identifier';
  readonly ident: string;
}
export interface DotNode extends Base {
  readonly kind: 'dot';
}
export interface NilNode extends Base {
  readonly kind: 'nil';
}
export interface BoolNode extends Base {
  readonly kind: 'bool';
  readonly value: boolean;
}
export interface StringNode extends Base {
  readonly kind: 'string';
  /** As written, with quotes. */
  readonly quoted: string;
  readonly text: string;
}
export interface NumberNode extends Base {
  readonly kind: 'number';
  readonly text: string;
  readonly isInt: boolean;
  readonly isUint: boolean;
  readonly isFloat: boolean;
  readonly int: number;
  readonly float: number;
}

export type ArgNode =
  | FieldNode
  | VariableNode
  | ChainNode
  | IdentifierNode
  | DotNode
  | NilNode
  | BoolNode
  | StringNode
  | NumberNode
  | PipeNode;

export type Node = TextNode | ActionNode | ListNode | BranchNode | TemplateNode | BreakNode;

export type AnyNode = Node | EndOrElseNode | ArgNode | CommandNode;

/** Go's Node.String() for a node. */
export function nodeString(n: AnyNode): string {
  switch (n.kind) {
    case 'text':
      return n.text;
    case 'action':
      return `{{${nodeString(n.pipe)}}}`;
    case 'list':
      return n.nodes.map(nodeString).join('');
    case 'if':
    case 'range':
    case 'with': {
      const elsePart = n.elseList ? `{{else}}${nodeString(n.elseList)}` : '';
      return `{{${n.kind} ${nodeString(n.pipe)}}}${nodeString(n.list)}${elsePart}{{end}}`;
    }
    case 'template':
      return n.pipe
        ? `{{template ${JSON.stringify(n.name)} ${nodeString(n.pipe)}}}`
        : `{{template ${JSON.stringify(n.name)}}}`;
    case 'break':
      return '{{break}}';
    case 'continue':
      return '{{continue}}';
    case 'end':
      return '{{end}}';
    case 'else':
      return '{{else}}';
    case 'pipe': {
      const decl = n.decl.length > 0 ? n.decl.map(nodeString).join(', ') + ' := ' : '';
      return decl + n.cmds.map(nodeString).join(' | ');
    }
    case 'command':
      return n.args.map((a) => (a.kind === 'pipe' ? `(${nodeString(a)})` : nodeString(a))).join(' ');
    case 'field':
      return n.ident.map((i) => '.' + i).join('');
    case 'variable':
      return n.ident.join('.');
    case 'chain': {
      const base = n.node.kind === 'pipe' ? `(${nodeString(n.node)})` : nodeString(n.node);
      return base + n.field.map((f) => '.' + f).join('');
    }
    case 'identifier':
      return n.ident;
    case 'dot':
      return '.';
    case 'nil':
      return 'nil';
    case 'bool':
      return n.value ? 'true' : 'false';
    case 'string':
      return n.quoted;
    case 'number':
      return n.text;
  }
}

/** A parsed template body, under the name it is invoked by. */
export interface Tree {
  readonly name: string;
  readonly root: ListNode;
  readonly source: SourceInfo;
}

/** Whether a tree holds nothing but whitespace text (Go's parse.IsEmptyTree). */
export function isEmptyTree(n: Node): boolean {
  switch (n.kind) {
    case 'list':
      return n.nodes.every(isEmptyTree);
    case 'text':
      return n.text.trim() === '';
    default:
      return false;
  }
}
