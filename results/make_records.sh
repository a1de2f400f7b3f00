#!/usr/bin/env bash
# Regenerates every results/cpu record from a clean checkout (make records): the CLI runs the claims
# page reads, the chapters' records (their notebooks executed at the cpu preset with
# GEOMEM_SAVE_RESULTS=1) and the multi-seed sweeps the book loads. With no argument, every group is one
# job through the launcher (python -m geomem_nb.launch records; see the end of this file), two at a time,
# one thread each: the records' own times add up to about 19 hours of one core (see README), so under ten
# hours on two idle cores.
# One group can be run alone: bash results/make_records.sh runs|in_context|tiny|chapters|learning_order|
# variant_seeds|path_length_map|path_length_knobs|first_hop|decisive_c17_c19|decisive_c20_c21|knobs_width512|
# long_path|clock|reach|geometry_lasts.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PY:-.venv/bin/python}
export GEOMEM_SCALE=cpu GEOMEM_PROGRESS=0 MPLBACKEND=Agg
if ! git diff --quiet HEAD -- . ':(exclude)results'; then
    echo "make records: commit first, so that every record names a clean commit" >&2
    exit 1
fi
cli() { local sub=$1; shift; "$PY" -m geomem_nb "$sub" --overwrite "$@"; }  # records replace records

runs() {
    cli in-weights --preset cpu --out results/cpu/in-weights
    cli in-weights --preset cpu --freeze-embeddings --out results/cpu/in-weights-frozen
    cli in-weights --preset cpu --model mamba --steps 3000 --out results/cpu/in-weights-mamba
    in_context
}

# Chapter 01's runs (and C2's teacherless contrast), all on G(2,5) with the cpu preset's recipe (experiments.in_context).
in_context() {
    for objective in forward reverse; do
        cli in-context --degree 2 --path-length 5 --objective "$objective" --preset cpu \
            --out "results/cpu/in-context-$objective"
    done
    cli in-context --degree 2 --path-length 5 --objective teacherless --preset cpu --steps 3000 --eval-every 50 \
        --eval-examples 500 --out results/cpu/in-context-teacherless
    # presets.in_context_control("cpu"): the forward run as a warm start, then twice its steps on the first hop
    cli in-context --degree 2 --path-length 5 --objective hardest-token --preset cpu --warm-start-steps 1500 \
        --steps 3000 --out results/cpu/in-context-hardest-token
}

tiny() {
    for graph in star grid cycle irregular; do
        for model in transformer nn associative associative-fast node2vec mamba; do
            cli tiny --preset cpu --graph "$graph" --model "$model" --out "results/cpu/tiny-$graph-$model"
        done
        for model in transformer nn node2vec; do
            cli tiny --preset cpu --graph "$graph" --model "$model" --self-edges --out "results/cpu/tiny-$graph-$model-self-edges"
        done
        cli tiny --preset cpu --graph "$graph" --model transformer --forward-only \
            --out "results/cpu/tiny-$graph-transformer-forward-only"
    done
    # Chapter 05's numbers: every model, graph and variant above over seeds (mean ± sd), plus Mamba,
    # the old position init and the narrow cycle network (C13).
    "$PY" -m geomem_nb.studies.tiny_graph_seeds --preset cpu --out results/cpu/05_tiny_seeds
}

learning_order() {
    "$PY" -m geomem_nb.studies.learning_order --preset cpu --seeds 0 1 2 --out results/cpu/02_learning_order
}

variant_seeds() {
    "$PY" -m geomem_nb.studies.what_else_matters --preset cpu --seeds 0 1 2 --out results/cpu/08_what_else_matters_seeds
}

# Chapter 09: the sweep skips runs already in its folder, so each half first removes its own runs.
path_length_map() {
    "$PY" -m geomem_nb.studies.path_length_map --preset cpu --clear --workers "$WORKERS" --out results/cpu/09_path_length
}

path_length_knobs() {
    "$PY" -m geomem_nb.studies.path_length_map --preset cpu --knobs --clear --workers "$WORKERS" --out results/cpu/09_path_length
}

# Chapter 09's first-hop diagnosis: the frontier cells of the map run again, recording it.
first_hop() {
    "$PY" -m geomem_nb.studies.path_length_map --preset cpu --first-hop --clear --workers "$WORKERS" --out results/cpu/09_first_hop
}

chapters() {
    for chapter in 03_hardest_token 04_path_star_geometry 07_why_geometry 08_what_else_matters; do
        (cd notebooks && GEOMEM_SAVE_RESULTS=1 "../$PY" "$chapter.py")
    done
}

decisive_c17_c19() {  # chapter 08's decisive runs for C17-C19 (about 15 minutes on one thread)
    "$PY" -m geomem_nb.studies.edges_pauses_phases --preset cpu --seeds 0 1 2 --out results/cpu/08_decisive_c17_c19
}

# Chapter 08's decisive runs for C20/C21 (tree-stars with enough training subtrees; Mamba at
# its own lr and budget; seeds 1-3, not the probed seed 0) and chapter 07's knob table at the authors'
# width 512 and 10,000 steps (the seven rows C12 compares).
decisive_c20_c21() {
    "$PY" -m geomem_nb.studies.trees_and_mamba --preset cpu --seeds 1 2 3 --out results/cpu/08_decisive_c20_c21
}

knobs_width512() {
    "$PY" -m geomem_nb.studies.knob_table --preset cpu --width 512 --steps 10000 --seeds 7 0 1 --c12-rows \
        --out results/cpu/07_knobs_width512
}

# Chapter 09's long-path study: one knob at a time against the recipe at l = 7, two seeds (path_length_map.FRONTIER_CELLS).
long_path() {
    "$PY" -m geomem_nb.studies.path_length_map --preset cpu --frontier --clear --workers "$WORKERS" --out results/cpu/09_long_path
}

# Chapter 09's clock test (path_length_map.CLOCK_CELLS): the cost curve at other lr x weight decay, each run stopped
# at held-out 0.5 and checkpointed under outputs/checkpoints/09_clock, so a cut-off run resumes (no --clear:
# the runs already finished are kept; delete the folder to start over).
clock() {
    "$PY" -m geomem_nb.studies.path_length_map --preset cpu --clock --workers "$WORKERS" --out results/cpu/09_clock
}

# Chapter 09's reach (path_length_map.REACH_CELLS): l = 9, 10, 8, 7 with the clock test's cheapest setting on one schedule, two fresh seeds,
# each stopped at held-out 0.5 and checkpointed under outputs/checkpoints/09_reach, so a cut-off run resumes.
reach() {
    "$PY" -m geomem_nb.studies.path_length_map --preset cpu --reach --workers "$WORKERS" --out results/cpu/09_reach
}

# Chapter 05's geometry over a longer budget: every model on every tiny graph at ten times its budget, two
# seeds (geomem_nb.studies.geometry_lasts; about half an hour on one core).
geometry_lasts() {
    "$PY" -m geomem_nb.studies.geometry_lasts --preset cpu --out results/cpu/05_geometry_lasts
}

WORKERS=${WORKERS:-2}
if [ $# -gt 0 ] && [[ $1 != --* ]]; then
    for g in "$@"; do "$g"; done
    exit 0
fi
# With no group (or only launcher flags, e.g. --launcher slurm --partition P): every group is one job sent
# through geomem_nb.launch (submitit), two at a time on this machine (--workers), one thread each (two processes of two
# threads on two cores run at a fraction of the speed); each group logs to results/make_records.<group>.log.
# A group starts once the records it reads are made: the chapters read chapter 02's cpu runs and in-context
# control (runs), chapter 05's seeds (tiny), chapter 07's wide knob table and chapter 08's seed sweep and
# decisive runs (chapter_records.NEEDS); those go first, so that the chapters start early.
export OMP_NUM_THREADS=1 WORKERS=1 PY
exec "$PY" -m geomem_nb.launch records \
    --after chapters=runs,tiny,variant_seeds,decisive_c17_c19,decisive_c20_c21,knobs_width512 "$@" -- \
    runs tiny variant_seeds decisive_c17_c19 decisive_c20_c21 knobs_width512 chapters learning_order \
    path_length_map path_length_knobs first_hop long_path clock reach geometry_lasts
