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
cli() { "$PY" -m geomem_nb "$@"; }

runs() {
    cli in-weights --preset cpu --overwrite --out results/cpu/in-weights
    cli in-weights --preset cpu --freeze-embeddings --overwrite --out results/cpu/in-weights-frozen
    cli in-weights --preset cpu --model mamba --steps 3000 --overwrite --out results/cpu/in-weights-mamba
    for objective in forward hardest-token reverse teacherless; do
        cli in-context --degree 2 --path-length 6 --num-labels 20 --objective "$objective" --preset cpu --overwrite \
            --out "results/cpu/in-context-$objective"
    done
}

tiny() {
    for graph in star grid cycle irregular; do
        for model in transformer nn associative associative-fast node2vec; do
            cli tiny --preset cpu --graph "$graph" --model "$model" --overwrite --out "results/cpu/tiny-$graph-$model"
        done
        for model in transformer nn node2vec; do
            cli tiny --preset cpu --graph "$graph" --model "$model" --self-edges --overwrite --out "results/cpu/tiny-$graph-$model-self-edges"
        done
        cli tiny --preset cpu --graph "$graph" --model transformer --forward-only --overwrite \
            --out "results/cpu/tiny-$graph-transformer-forward-only"
    done
}

sweeps() {
    "$PY" -m geomem_nb.learning_order --preset cpu --seeds 0 1 2 --out results/cpu/02_learning_order
}

chapters() {
    for chapter in 03_hardest_token 04_path_star_geometry 07_why_geometry 08_what_else_matters; do
        (cd notebooks && GEOMEM_SAVE_RESULTS=1 "../$PY" "$chapter.py")
    done
}

for group in "${@:-runs tiny sweeps chapters}"; do
    for g in $group; do "$g"; done
done
