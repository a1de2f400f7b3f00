"""Tree-star graphs (C20) and Mamba (C21), read from chapter 8's sweep and its decisive run."""
from __future__ import annotations

from .. import controls
from ..studies import trees_and_mamba
from ..stats import above, at_chance
from .base import Get, Verdict, far_above, judge, not_run, rule
from .grading import beyond
from .what_else import _learned_worst, _seeds, _spreads

DECISIVE_C20_C21 = f"cpu/{trees_and_mamba.RECORD}"


def _decisive_c20_c21(get: Get) -> tuple[dict, str, dict] | None:
    """Chapter 8's decisive C20/C21 record."""
    return _spreads(get, DECISIVE_C20_C21, lambda rec: f"cpu, seeds {', '.join(map(str, rec['seeds']))}")


def _tree_line(sp: dict, where: str, tree: str) -> str:
    hop = sp.get("tree/first-token/test_hardest_token")
    return (f"{where}, {tree}: leaf split {sp['tree/leaf/test_exact_match']}, first-token split "
            f"{sp['tree/first-token/test_exact_match']} ({f'first hop {hop}, ' if hop else ''}train "
            f"exact match {sp['tree/first-token/train_exact_match']}), chance 1/num_leaves {sp['tree/chance'].mean:.2g}")


@rule(headline=lambda get: _c20_headline(get))
def c20(get: Get) -> Verdict:
    """Judged on the decisive tree-star (enough training subtrees for the first-token split) where it
    is recorded, with chapter 8's T(37,5) as context; else on chapter 8's tree."""
    got, decisive = _seeds(get), _decisive_c20_c21(get)
    if not got and not decisive:
        return not_run("the multi-seed sweep of chapter 8")
    evidence = []
    if got:
        evidence.append(_tree_line(got[0], got[1], got[2]["graph"].get("tree", "tree-star")))
    if decisive:
        evidence.insert(0, _tree_line(decisive[0], decisive[1] + " (decisive run)", decisive[2]["graph"]["tree"]))
    sp = (decisive or got)[0]
    leaf, first, chance = sp["tree/leaf/test_exact_match"], sp["tree/first-token/test_exact_match"], sp["tree/chance"]
    learned = {k: _learned_worst(sp, f"tree/{k}/") for k in ("leaf", "first-token")}
    split = {k: "holds" if above(x, chance) else "differs" if learned[k] else "under-trained"
             for k, x in (("leaf", leaf), ("first-token", first))}
    # which split is harder is judged only while both are above chance
    order = (beyond(above(leaf, first), above(first, leaf), False) if set(split.values()) == {"holds"} else "missing")
    tree = (decisive or got)[2]["graph"].get("tree", "tree-star")
    said = {"holds": "the first-token split is the harder one, as the paper says",
            "differs": "the first-token split is the easier one, the reverse of the paper",
            "open": "neither split is harder beyond the spread", "missing": "which is harder is not judged"}
    reason = (f"On {tree} (cpu, {leaf.n} seeds" + (", the depth chosen so that the first-token split can be learned"
                                                  if decisive else "") + f") the leaf split reaches {leaf.mean:.2f} "
              f"± {leaf.sd:.2f} and the first-token split {first.mean:.2f} ± {first.sd:.2f} (chance {chance.mean:.2g}): "
              + said[order])
    context = got and decisive and got[0]["tree/first-token/test_exact_match"]
    if context is not None and context is not False and not above(context, got[0]["tree/chance"]):
        reason += f"; on the deeper {got[2]['graph'].get('tree')} the first-token split stays at chance ({context.mean:.2f})"
    return judge(list(split.values()) + [order], reason, evidence, "chance 1/num_leaves",
                 excludes=("the paper's ordering: the leaf split above the first-token split" if order == "differs"
                           else f"both splits above chance (the split at chance: at most mean + 2 sd)"),
                 decide="tree-stars with enough training subtrees for the first-token split to be learnable, 3 seeds or more")


def _c20_headline(get: Get) -> str:
    got, decisive = _seeds(get), _decisive_c20_c21(get)
    sp, rec = (decisive or got)[0], (decisive or got)[2]
    return (f"first-token split {sp['tree/first-token/test_exact_match'].mean:.2f}, leaf split "
            f"{sp['tree/leaf/test_exact_match'].mean:.2f} on {rec['graph'].get('tree', 'the tree-star')}")


def _mamba_spreads(get: Get) -> tuple[dict, list, str] | None:
    """({'mamba/<objective>/<model>': Spread}, evidence, Mamba's budget): chapter 8's sweep, its full
    paths replaced by the decisive run's (Mamba at the budget it needs) where that is recorded."""
    got, decisive = _seeds(get), _decisive_c20_c21(get)
    if not got and not decisive:
        return None
    sp, evidence, budget = {}, [], "twice the GPT's steps"
    if got:
        sp.update({k: v for k, v in got[0].items() if k.startswith("mamba/")})
        evidence.append(f"{got[1]} (Mamba twice the GPT's steps): " + "; ".join(
            f"{n}: GPT {sp[f'mamba/{n}/gpt']}, Mamba {sp[f'mamba/{n}/mamba']}" for n in ("full paths", "first hop", "edges only")))
    if decisive:
        d, where, rec = decisive
        g = rec["graph"]
        budget = (f"its own learning rate ({g['mamba_lr']:g}, the GPT's {g['lr']:g}) and {g['mamba_steps'] // g['steps']} "
                  f"times the GPT's steps ({g['mamba_steps']:,})")
        sp.update({k: v for k, v in d.items() if k.startswith("mamba/full paths/")})
        evidence.insert(0, f"{where}, {g['graph']} (decisive run: Mamba {budget}): full paths GPT "
                        f"{d['mamba/full paths/gpt']}, Mamba {d['mamba/full paths/mamba']} (train exact match "
                        f"{d['mamba/full paths/mamba_train_exact_match']})")
    return sp, evidence, budget


@rule(headline=lambda get: _c21_headline(get))
def c21(get: Get) -> Verdict:
    """"All Transformer findings carry over to Mamba": Mamba far above chance wherever the GPT is (the
    same pattern), its edge-only geometry strong; matching the GPT's numbers is shown beside. Full paths
    are read from the decisive run (Mamba at the budget it needs) where it is recorded."""
    got = _mamba_spreads(get)
    if not got:
        return not_run("the multi-seed sweep of chapter 8")
    sp, evidence, budget = got
    chance = (_seeds(get) or _decisive_c20_c21(get))[0]["chance"].mean
    low = lambda x: x.mean - x.sd  # noqa: E731  (far above chance beyond the spread)
    objectives = [n for n in ("full paths", "first hop", "edges only") if f"mamba/{n}/gpt" in sp]
    names = [n for n in objectives if far_above(low(sp[f"mamba/{n}/gpt"]), chance)]
    carried = [n for n in names if far_above(low(sp[f"mamba/{n}/mamba"]), chance)]
    lost = [n for n in names if n not in carried]
    behind = [n for n in names if above(sp[f"mamba/{n}/gpt"], sp[f"mamba/{n}/mamba"])]
    edges = sp.get("mamba/edges only/mamba")
    strong = edges is not None and edges.mean >= 0.9
    parts = {n: "holds" if n in carried else "differs" if at_chance(sp[f"mamba/{n}/mamba"], chance) else "under-trained"
             for n in names}
    if "edges only" in parts:  # one number: the edge-only objective is Mamba's edge-only geometry
        parts["edges only"] = "partly" if parts["edges only"] == "holds" and not strong else parts["edges only"]
    else:
        parts["edge-only geometry"] = "missing" if edges is None else "holds" if strong else "differs"
    where = (_decisive_c20_c21(get) or _seeds(get))[2]["graph"]["graph"]
    reason = (f"On {where} (cpu, {edges.n if edges else 3} seeds) Mamba is far above chance where the GPT is on "
              f"{', '.join(carried) or 'no objective'}" + "".join(f"; not on {n} ({sp[f'mamba/{n}/mamba'].mean:.2f})" for n in lost)
              + "; its edge-only geometry is " + ("not recorded" if edges is None else "strong" if strong else "not strong")
              + f"; for full paths Mamba had {budget}")
    detail = [f"beside: the GPT above Mamba beyond the spread on {', '.join(behind) or 'nothing'}"]
    return judge(list(parts.values()), reason, evidence, "the GPT on the same graph and objectives",
                 excludes="Mamba above 3x chance (mean + sd) on " + ", ".join(n for n, o in parts.items() if o == "differs"),
                 decide="Mamba with the budget it needs, 3 seeds or more", detail=detail)


def _c21_headline(get: Get) -> str:
    sp, _, _ = _mamba_spreads(get)
    m = sp.get("mamba/full paths/mamba")
    return f"Mamba full paths {m.mean:.2f} held-out exact match, with its own lr and more steps" if m else ""
