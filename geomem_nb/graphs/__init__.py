"""Graphs of the paper, one kind per module; every name is importable from here.

* ``stars``: the path-star G(d, l) and the tree-star T(d, l), stored as root->leaf paths with a
  seeded 75/25 train/held-out split;
* ``tiny_graphs``: small undirected graphs (star, grid, cycle, path, irregular, networkx) and
  ``tiny_graph``, which builds one by name;
* ``edges``: what they share: directed edge lists from a stored orientation, connected components.
"""
from .edges import DIRECTIONS, connected_components, orient
from .stars import (TRAIN_FRACTION, TREE_STAR_MAX_NODES, TREE_STAR_SPLITS, PathStar, TreeStar, check_tree_star,
                    held_out_count, path_star, train_count, tree_star)
from .tiny_graphs import (TINY_GRAPHS, TINY_SPECS, TinyGraph, cycle, from_edges, from_networkx, grid, irregular, path,
                          tiny_graph, tiny_path_star)

__all__ = ["DIRECTIONS", "TINY_GRAPHS", "TINY_SPECS", "TRAIN_FRACTION", "TREE_STAR_MAX_NODES", "TREE_STAR_SPLITS", "PathStar",
           "TinyGraph", "TreeStar", "check_tree_star", "connected_components", "cycle", "from_edges",
           "from_networkx", "grid", "held_out_count", "irregular", "orient", "path", "path_star", "tiny_graph",
           "tiny_path_star", "train_count", "tree_star"]
