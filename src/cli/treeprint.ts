/**
 * ASCII trees as amtool prints them (it uses github.com/xlab/treeprint 1.1): a `.` root line,
 * then `├── ` / `└── ` per node, `│   ` or four spaces per ancestor level. Pure.
 */

/** A node to print: its text and its children in order. */
export interface TreeNode {
  readonly value: string;
  readonly children: readonly TreeNode[];
}

const LINK = '│   ';
const BLANK = '    ';
const MID = '├── ';
const END = '└── ';

/**
 * The tree under a `.` root, one line per node, each line ending in a newline. A value spanning
 * several lines continues under its own edge, with the ancestors' links drawn alongside.
 */
export function formatTree(roots: readonly TreeNode[]): string {
  let out = '.\n';
  const visit = (nodes: readonly TreeNode[], prefix: string): void => {
    nodes.forEach((node, i) => {
      const last = i === nodes.length - 1;
      const lines = node.value.split('\n');
      out += prefix + (last ? END : MID) + lines[0] + '\n';
      // treeprint pads continuation lines with the link column of this node and its ancestors.
      for (const more of lines.slice(1)) out += prefix + (last ? BLANK : LINK) + more + '\n';
      visit(node.children, prefix + (last ? BLANK : LINK));
    });
  };
  visit(roots, '');
  return out;
}
