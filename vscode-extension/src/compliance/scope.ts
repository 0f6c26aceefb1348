// Which cached compliance answers a refresh of a tree node makes stale.

import { type ContainerNode, serverOf } from '../tree/model.js';

/** What a refresh of a container makes the compliance cache look up again. */
export function complianceScope(node: ContainerNode) {
  const server = serverOf(node)!.url;
  switch (node.type) {
    case 'server':
      return { server };
    case 'feed':
      return { server, feed: node.feed.name };
    case 'package':
      return { server, feed: node.parent.feed.name, group: node.group, name: node.name };
    case 'version':
      return {
        server,
        feed: node.parent.parent.feed.name,
        group: node.parent.group,
        name: node.parent.name,
        version: node.version,
      };
  }
}
