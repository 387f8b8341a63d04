import { Supervisor } from '../../supervisors/supervisor.ts';

export interface TreeNode {
  id: string;
  type: 'supervisor' | 'worker';
  status: string;
  restarts: number;
  lastFailure?: string;
  children?: TreeNode[];
}

/** The supervision tree as plain data: each child's status and restarts, supervisors with their children. */
export function describeTree(supervisor: Supervisor): TreeNode[] {
  return supervisor.whichChildren().map((info) => {
    const handle = supervisor.child(info.id);
    return {
      id: info.id,
      type: info.type,
      status: info.status,
      restarts: info.restarts,
      ...(info.lastFailure === undefined ? {} : { lastFailure: info.lastFailure }),
      ...(handle instanceof Supervisor ? { children: describeTree(handle) } : {}),
    };
  });
}

/** Every node below the root, depth first. */
export function flatten(nodes: TreeNode[]): TreeNode[] {
  return nodes.flatMap((node) => [node, ...flatten(node.children ?? [])]);
}

export function totalRestarts(supervisor: Supervisor): number {
  return flatten(describeTree(supervisor)).reduce((sum, node) => sum + node.restarts, 0);
}
