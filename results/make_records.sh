#!/usr/bin/env bash
# Regenerates every results/cpu record from a clean checkout (make records): the CLI runs the claims
# page reads, the chapters' records (their notebooks executed at the cpu preset with
# GEOMEM_SAVE_RESULTS=1) and the multi-seed sweeps the book loads. Hours on two cores; one group can
# be run alone: bash results/make_records.sh runs|chapters|sweeps|tiny.
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
    for objective in forward reverse; do
        cli in-context --degree 2 --path-length 6 --num-labels 20 --objective "$objective" --preset cpu \
            --out "results/cpu/in-context-$objective"
    done
    cli in-context --degree 2 --path-length 6 --objective teacherless --preset cpu --steps 3000 --eval-every 50 \
        --eval-examples 500 --out results/cpu/in-context-teacherless
    # presets.in_context_control("cpu"): the forward run as a warm start, then twice its steps on the first hop
    cli in-context --degree 2 --path-length 6 --objective hardest-token --preset cpu --warm-start-steps 1200 \
        --steps 2400 --out results/cpu/in-context-hardest-token
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
    "$PY" -m geomem_nb.tiny_seeds --preset cpu --out results/cpu/05_tiny_seeds
}

sweeps() {
    "$PY" -m geomem_nb.learning_order --preset cpu --seeds 0 1 2 --out results/cpu/02_learning_order
    "$PY" -m geomem_nb.variants --preset cpu --seeds 0 1 2 --out results/cpu/08_what_else_matters_seeds
    rm -rf results/cpu/09_path_length  # the sweep skips runs already there: regenerate them all
    "$PY" -m geomem_nb.sweep --preset cpu --out results/cpu/09_path_length
    "$PY" -m geomem_nb.sweep --preset cpu --knobs --out results/cpu/09_path_length
}

chapters() {
    for chapter in 03_hardest_token 04_path_star_geometry 07_why_geometry 08_what_else_matters; do
        (cd notebooks && GEOMEM_SAVE_RESULTS=1 "../$PY" "$chapter.py")
    done
}

for group in "${@:-runs tiny sweeps chapters}"; do
    for g in $group; do "$g"; done
done
