"""The what-else-matters chapter's tables: each variant's cell (the live seed, then the seed sweep's
mean ± sd), the control column, and the rows of the edge-direction, pause-token, staged, tree-star and
Mamba tables, for the seed sweep and the follow-up runs. Every row is in reader words: no record keys,
no claim statuses (a comparison says only whether it is beyond the spread)."""
from __future__ import annotations

from . import controls, stats
from .studies import what_else_matters, what_else_readings
from .studies import edges_pauses_phases as dc
from .prose import num

LEARNED = {"edge_recovery": controls.LEARNED, "train_exact_match": controls.LEARNED}  # a control's targets
STAGED_LEARNED = {"edge_phase_edge_recovery": controls.LEARNED, "train_exact_match": controls.LEARNED}
TREE_LEARNED = {"train_exact_match": controls.LEARNED}
C17_WORDS = {"as in the sweep": "as in the seed sweep", "lower lr": "a third of the learning rate",
             "no leaf echo": "target starts at the leaf's parent"}


class Cells:
    """The live seed's measurements beside the seed sweep's spreads, as table cells."""

    def __init__(self, one: dict, spreads: dict | None):
        self.one, self.spreads = one, spreads

    def __call__(self, key: str) -> str:
        value = num(self.one[key])
        return f"{value} | {self.spreads[key].short()}" if self.spreads and key in self.spreads else value


def learned(source: dict, prefix: str, bars: dict) -> str:
    """The control column: 'yes', or what the run fell short of (its failure is then no evidence)."""
    return "; ".join(controls.shortfalls(what_else_readings.control(source, prefix, bars), bars)) or "yes"


def seeds_note(seed: int, sweep: dict | None, sweep_preset: str, preset: str) -> str:
    if not sweep:
        return f"each cell: seed {seed} (no seed sweep recorded)"
    other = f"the {sweep_preset} " if sweep_preset != preset else "the "
    return f"each cell: seed {seed} | mean ± sd over {other}seed sweep's seeds {', '.join(map(str, sweep['seeds']))}"


def regime(base) -> str:
    """The chapter's regime line, from the base config every variant changes one setting of."""
    n, t = base.net, base.train
    return (f"G({base.degree},{base.path_length}); a GPT of {n.layers} layers, width {n.width}, {n.heads} heads; "
            f"{t.steps:,} steps, batch {t.batch_size}, peak lr {t.lr:g} with warm-up and cosine decay, weight decay "
            f"{t.weight_decay:g}; {base.pause_tokens} pause token; edges and paths interleaved; seed {t.seed} "
            "(how each setting differs from the paper's: the deviations page).")


def followup_lines(rec: dict) -> list[str]:
    """How each follow-up run of C17-C19 differs from the paper's, in the book's words."""
    return [line.replace("the 'no leaf echo' run asks", "one run asks") for line in dc.regime_lines(rec)]


def direction_rows(cell: Cells, pairs) -> dict:
    return {f"edges {e}, paths {p}": {
        "held-out exact match": cell(f"directions/{e}/{p}/test_exact_match"),
        "train exact match": cell(f"directions/{e}/{p}/train_exact_match"),
        "edge recovery": cell(f"directions/{e}/{p}/edge_recovery"),
        "learned what it could": learned(cell.one, f"directions/{e}/{p}/", LEARNED)} for e, p in pairs}


def c17_rows(D: dict) -> dict:
    return {C17_WORDS[v]: {"held-out exact match": D[f"c17/{v}/test_exact_match"].short(),
                           "train exact match": D[f"c17/{v}/train_exact_match"].short(),
                           "edge recovery": D[f"c17/{v}/edge_recovery"].short(), "lr": f"{D[f'c17/{v}/lr'].mean:g}",
                           "learned what it could": learned(D, f"c17/{v}/", LEARNED)} for v in dc.C17_VARIANTS}


def c17_positions(D: dict) -> dict:
    """Per target position, teacher-forced and greedy: the follow-up run as in the seed sweep."""
    return {f"{kind}, position {j}{' (leaf copy)' if j == 0 else ''}": D[f"c17/as in the sweep/{key}/{j}"]
            for kind, key in (("teacher-forced", "forced"), ("greedy", "greedy"))
            for j in range(len(dc.positions(D, "as in the sweep")))}


def pause_rows(cell: Cells) -> dict:
    return {k: {"held-out exact match": cell(f"pauses/{k}/test_exact_match")} for k in what_else_matters.PAUSES}


def frontier_pause_rows(cell: Cells, D: dict, level: float) -> dict:
    return {k: {"seed sweep's endpoint (replaced)": cell(f"pauses/{k}/test_exact_match"),
                "frontier cell: final": D[f"c18/{k}/test_exact_match"].short(),
                f"steps to {level:g}": D[f"c18/{k}/steps_to_level"].short("{:.0f}"),
                "steps saved vs none (paired)": dc.paired(D, "steps_to_level", k, True).short("{:+.0f}") if k else "—",
                "area under the curve": D[f"c18/{k}/held_out_auc"].short(),
                "area gained vs none (paired)": dc.paired(D, "held_out_auc", k).short("{:+.3f}") if k else "—",
                "train exact match": D[f"c18/{k}/train_exact_match"].short()} for k in dc.PAUSES}


def staged_rows(cell: Cells, staged: dict) -> dict:
    rows = {f"staged {name} (path lr {r.config['lr']:g})": {
        "held-out peak": cell(f"staged/{name}/peak"), "held-out final": cell(f"staged/{name}/final"),
        "edge recovery after the edge phase": cell(f"staged/{name}/edge_phase_edge_recovery"),
        "train exact match": cell(f"staged/{name}/train_exact_match"),
        "learned what it could": learned(cell.one, f"staged/{name}/", STAGED_LEARNED)} for name, r in staged.items()}
    rows["mixed"] = {"held-out final": cell("mixed/test_exact_match")}
    return rows


def c19_rows(cell: Cells, staged: dict, D: dict) -> dict:
    rows = {f"seed sweep: staged {name} (replaced)": {
        "held-out peak": cell(f"staged/{name}/peak"), "held-out final": cell(f"staged/{name}/final"),
        "path lr": f"{r.config['lr']:g}"} for name, r in staged.items()}
    rows["follow-up: the paper's rates"] = {
        "held-out peak": D["c19/peak"].short(), "held-out final": D["c19/final"].short(),
        "path lr": f"{D['c19/path_lr'].mean:g}", "train exact match": D["c19/train_exact_match"].short(),
        "edge recovery after phase 1": D["c19/edge_phase_edge_recovery"].short(),
        "edge recovery, lowest in phase 2": D["c19/edge_recovery_min"].short(),
        "edge recovery, final": D["c19/edge_recovery_final"].short()}
    return rows


def tree_rows(cell: Cells) -> dict:
    return {s: {"held-out exact match": cell(f"tree/{s}/test_exact_match"), "first hop": cell(f"tree/{s}/test_hardest_token"),
                "train exact match": cell(f"tree/{s}/train_exact_match"),
                "learned what it could": learned(cell.one, f"tree/{s}/", TREE_LEARNED)} for s in what_else_matters.SPLITS}


def tree_sources(sweep: dict | None, decisive: dict, D8: dict) -> list:
    """The two trees to compare: (tree, run, seeds, spreads) for the seed sweep's and the follow-up's."""
    grid_tree = sweep["graph"]["tree"] if sweep and sweep.get("graph") else "the seed sweep's tree"
    return [(grid_tree, "seed sweep", sweep and sweep["seeds"], sweep and sweep["spreads"]),
            (decisive["graph"]["tree"], "follow-up", decisive["seeds"], D8)]


def mamba_arms(spreads: dict | None, D8: dict, g: dict) -> dict:
    """Full paths, four arms: the GPT and Mamba of the seed sweep and of the follow-up -> (spreads, model)."""
    return {"GPT, seed sweep": (spreads, "gpt"), "Mamba, seed sweep (2x steps, the GPT's lr)": (spreads, "mamba"),
            f"GPT, follow-up ({g['steps']} steps, lr {g['lr']:g})": (D8, "gpt"),
            f"Mamba, follow-up ({g['mamba_steps']} steps, lr {g['mamba_lr']:g})": (D8, "mamba")}


def tree_comparison_rows(found: list) -> list[dict]:
    """The seed sweep's tree beside the follow-up one: ``found`` holds (tree, run, seeds, spreads)."""
    return [{"tree": t, "run": run, "split": s, "seeds": ", ".join(map(str, seeds or [])),
             "held-out exact match": stats.cell(sp, f"tree/{s}/test_exact_match"),
             "first hop": stats.cell(sp, f"tree/{s}/test_hardest_token"),
             "train exact match": stats.cell(sp, f"tree/{s}/train_exact_match"),
             "learned what it could": learned(sp, f"tree/{s}/", TREE_LEARNED),
             "chance": num(sp["tree/chance"].mean, 3)} for (t, run, seeds, sp) in found if sp for s in what_else_matters.SPLITS]


MAMBA_MEASURES = {"test_exact_match": "held-out exact match", "test_hardest_token": "first hop, held-out",
                  "leaf_first_hop_diagonal_accuracy": "leaf/first-hop diagonal"}


def mamba_rows(cell: Cells, mamba: dict) -> dict:
    return {name: {"measure": MAMBA_MEASURES[key], "GPT": cell(f"mamba/{name}/gpt"), "Mamba": cell(f"mamba/{name}/mamba"),
                   "GPT steps": mamba[("gpt", name)].metrics["steps"], "Mamba steps": mamba[("mamba", name)].metrics["steps"]}
            for name, (_, key) in what_else_matters.MAMBA_OBJECTIVES.items()}


def comparison_words(label: str) -> str:
    """'C21 GPT > Mamba, full paths' as 'GPT above Mamba, full paths (C21)'."""
    cid, _, rest = label.partition(" ")
    return f"{rest.replace(' > ', ' above ').replace(' < ', ' below ')} ({cid})"


def comparison_rows(spreads: dict) -> list[dict]:
    """Each comparison of the seed sweep and whether it is beyond the spread of its seeds."""
    return [{"comparison, in the seed sweep": comparison_words(label),
             "beyond the spread": "cannot be read (a split not above chance)" if holds is None else "yes" if holds else "no"}
            for label, holds in what_else_readings.beyond_spread(spreads).items()]


def record(base, chance: float, one: dict, pairs, staged_names: dict, runs: dict, trees: dict, tree_chance: float,
           seeds_record: str | None) -> dict:
    """The chapter's record: the live seed's numbers, by variant."""
    return {
        "graph": f"G({base.degree},{base.path_length})", "steps": base.steps, "chance": chance, "seed": base.seed,
        "directions": {f"{e}/{p}": one[f"directions/{e}/{p}/test_exact_match"] for e, p in pairs},
        "pauses": {str(k): one[f"pauses/{k}/test_exact_match"] for k in what_else_matters.PAUSES},
        "staged_peak": {n: one[f"staged/{k}/peak"] for n, k in zip(staged_names, runs["staged"])},
        "staged_final": {n: one[f"staged/{k}/final"] for n, k in zip(staged_names, runs["staged"])},
        "mixed_final": one["mixed/test_exact_match"],
        "tree": f"T({trees['leaf'].config['degree']},{trees['leaf'].config['path_length']})",
        "tree_chance": tree_chance, "trees": {s: one[f"tree/{s}/test_exact_match"] for s in what_else_matters.SPLITS},
        "mamba": {n: {m: one[f"mamba/{n}/{m}"] for m in ("gpt", "mamba")} for n in what_else_matters.MAMBA_OBJECTIVES},
        "measurements": one, "seeds_record": seeds_record}
