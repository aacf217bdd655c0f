/**
 * Builds a chain's step tree from parent_span_id links, in O(n) and without recursion, so hostile
 * input cannot hang or overflow the stack: steps whose parent never arrived become roots (marked
 * missing_parent), and each cycle in the links is cut at one step (marked cycle). Arrival order does
 * not matter — a step that came before its parent still attaches to it.
 */

export interface TreeInput {
  span_id: string | null;
  parent_span_id: string | null;
}

export interface StepTree {
  roots: number[];
  children: number[][];
  missingParent: Set<number>;
  cycle: Set<number>;
  maxDepth: number;
}

export function buildTree(steps: readonly TreeInput[]): StepTree {
  const n = steps.length;
  // A span's first step is the one its children hang under.
  const bySpan = new Map<string, number>();
  for (let i = 0; i < n; i++) {
    const s = steps[i].span_id;
    if (s !== null && !bySpan.has(s)) bySpan.set(s, i);
  }
  const parent = new Int32Array(n).fill(-1);
  const missingParent = new Set<number>();
  const cycle = new Set<number>();
  for (let i = 0; i < n; i++) {
    const p = steps[i].parent_span_id;
    if (p === null) continue;
    const j = bySpan.get(p);
    if (j === undefined) missingParent.add(i);
    else if (j === i) cycle.add(i);
    else parent[i] = j;
  }
  // Walk up from every step; meeting a step of the current walk again means a cycle: cut it there.
  const state = new Uint8Array(n); // 0 unseen, 1 on the current walk, 2 done
  const walk: number[] = [];
  for (let i = 0; i < n; i++) {
    let j = i;
    while (j !== -1 && state[j] === 0) {
      state[j] = 1;
      walk.push(j);
      j = parent[j];
    }
    if (j !== -1 && state[j] === 1) {
      parent[j] = -1;
      cycle.add(j);
    }
    for (const k of walk) state[k] = 2;
    walk.length = 0;
  }
  const children: number[][] = Array.from({ length: n }, () => []);
  const roots: number[] = [];
  for (let i = 0; i < n; i++) {
    if (parent[i] === -1) roots.push(i);
    else children[parent[i]].push(i);
  }
  return { roots, children, missingParent, cycle, maxDepth: depthOf(roots, children) };
}

function depthOf(roots: number[], children: number[][]): number {
  let max = 0;
  let level = roots;
  while (level.length > 0) {
    max++;
    const next: number[] = [];
    for (const i of level) for (const c of children[i]) next.push(c);
    level = next;
  }
  return max;
}

/**
 * Serializes the tree as a JSON array of nodes with `children`, iteratively (JSON.stringify of a
 * 100,000-deep tree overflows the stack). `node(i)` gives a step's own fields as a JSON object text.
 */
export function treeJson(tree: StepTree, node: (i: number) => string): string {
  const parts: string[] = ['['];
  const stack: { i: number; next: number }[] = [];
  const open = (i: number) => {
    const own = node(i);
    parts.push(own.slice(0, -1), own.length > 2 ? ',"children":[' : '"children":[');
    stack.push({ i, next: 0 });
  };
  tree.roots.forEach((r, k) => {
    if (k > 0) parts.push(',');
    open(r);
    while (stack.length > 0) {
      const top = stack[stack.length - 1];
      const kids = tree.children[top.i];
      if (top.next < kids.length) {
        if (top.next > 0) parts.push(',');
        open(kids[top.next++]);
      } else {
        parts.push(']}');
        stack.pop();
      }
    }
  });
  parts.push(']');
  return parts.join('');
}
