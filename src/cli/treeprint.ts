/**
 * ASCII trees as amtool prints them: a `.` root line, then `├── ` / `└── ` per node, and per
 * ancestor level either a link column or four spaces. Pure.
 *
 * The reference is the amtool 0.25 the oracle tests run (Debian's build), which links
 * github.com/xlab/treeprint at a009c39 (2018): its link column is `│`, two NO-BREAK SPACEs
 * (U+00A0) and a space, and a value spanning lines is printed as is. (Upstream release binaries
 * use treeprint 1.1, whose link column has three plain spaces.)
 */

/** A node to print: its text and its children in order. */
export interface TreeNode {
  readonly value: string;
  readonly children: readonly TreeNode[];
}

const LINK = '│\u00a0\u00a0 ';
const BLANK = '    ';
const MID = '├── ';
const END = '└── ';

/** The tree under a `.` root, one line per node, each line ending in a newline. */
export function formatTree(roots: readonly TreeNode[]): string {
  let out = '.\n';
  const visit = (nodes: readonly TreeNode[], prefix: string): void => {
    nodes.forEach((node, i) => {
      const last = i === nodes.length - 1;
      out += prefix + (last ? END : MID) + node.value + '\n';
      visit(node.children, prefix + (last ? BLANK : LINK));
    });
  };
  visit(roots, '');
  return out;
}
