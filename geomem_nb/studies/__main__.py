"""``python -m geomem_nb.studies``: the list of studies, each with what it studies and its command."""
import sys

STUDIES = {  # module -> (chapter, what it studies); the ones with a command line of their own
    "learning_order": ("2", "which path tokens are learned first, over seeds and lrs"),
    "tiny_graph_seeds": ("5", "every model on every tiny graph, over seeds"),
    "geometry_lasts": ("5", "whether the tiny graphs' geometry lasts at ten times the budget"),
    "knob_table": ("7", "what tips the bilinear network's memory: initialization, weight decay, lr, dropout"),
    "what_else_matters": ("8", "edge directions, pause tokens, staged training, trees and Mamba, over seeds"),
    "edges_pauses_phases": ("8", "the follow-up runs of the edge, pause and two-phase claims"),
    "trees_and_mamba": ("8", "the follow-up runs of the tree-star splits and Mamba"),
    "path_length_map": ("9", "the map over path length, degree and epochs, and its run groups"),
}


def main() -> int:
    print("The book's multi-run studies: each runs many trainings and writes one record.\n")
    for name, (chapter, what) in STUDIES.items():
        print(f"  {name:<20} chapter {chapter}: {what}")
    print("\nEach has its own help, with examples:  python -m geomem_nb.studies.NAME --help")
    print("example:  python -m geomem_nb.studies.learning_order --preset ci --seeds 0 --out outputs/ci/order")
    return 0


if __name__ == "__main__":
    sys.exit(main())
