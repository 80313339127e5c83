import { Kind, type FragmentDefinitionNode, type GraphQLResolveInfo, type SelectionSetNode } from 'graphql';

/**
 * Dotted paths of the fields selected below the current field, through fragments
 * (e.g. "edges.node.order.lines.product"). Lets a list load, in one query, exactly the
 * relations the client asked for.
 */
export function selectedPaths(info: GraphQLResolveInfo): Set<string> {
  const paths = new Set<string>();
  const walk = (set: SelectionSetNode | undefined, prefix: string, depth: number) => {
    if (!set || depth > 12) return;
    for (const selection of set.selections) {
      if (selection.kind === Kind.FIELD) {
        const path = prefix ? `${prefix}.${selection.name.value}` : selection.name.value;
        paths.add(path);
        walk(selection.selectionSet, path, depth + 1);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        walk(selection.selectionSet, prefix, depth + 1);
      } else {
        const fragment: FragmentDefinitionNode | undefined = info.fragments[selection.name.value];
        walk(fragment?.selectionSet, prefix, depth + 1);
      }
    }
  };
  for (const node of info.fieldNodes) walk(node.selectionSet, '', 0);
  return paths;
}
