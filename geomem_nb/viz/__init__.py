"""Figures, in one style. Every function draws on a given (or new) axes and returns it. By kind:
``curves`` (measurements over training), ``comparisons`` (numbers side by side: bars, grids, spreads over
seeds, cost ratios), ``embeddings`` (graphs and embeddings), ``table`` (run summaries as tables);
``style`` holds the one style (``setup``, and ``panels`` for every new figure) and what the others share."""
from .comparisons import (bars, cost_ratios, first_hop_shares, seed_bars, seed_spread, steps_per_length,
                          value_grid, weights_vs_context)
from .curves import (curves, curves_by_graph, distinguish, first_hop_dynamics, memorization_vs_geometry,
                     path_length_map, per_position, race, run_metrics, saved_curves, seed_curves)
from .embeddings import (arm_heatmap, arm_projection, draw_embedding, draw_path_star, embedding_evolution, joint_pca,
                         node2vec_dynamics, similarity_heatmaps, spectral_bars)
from .style import CHANCE_STYLE, panels, setup
from .table import Table, table

__all__ = ["CHANCE_STYLE", "Table", "arm_heatmap", "arm_projection", "bars", "cost_ratios", "curves",
           "curves_by_graph", "distinguish",
           "draw_embedding", "draw_path_star", "embedding_evolution", "first_hop_dynamics", "first_hop_shares",
           "joint_pca", "memorization_vs_geometry", "node2vec_dynamics", "panels", "path_length_map", "per_position", "race",
           "run_metrics", "saved_curves", "seed_bars", "seed_curves", "seed_spread", "setup",
           "similarity_heatmaps", "spectral_bars", "steps_per_length", "table", "value_grid", "weights_vs_context"]
