#!/usr/bin/env bash
# One GPU session (H100/H200): the speed benchmark, then the headline reproductions with the fastest
# training loop it found, then the in-context runs. Each step has its own time limit, so one failure
# leaves the others' results. Writes under results/ (or under $RESULTS_DIR when set):
#   benchmarks/gpu_speed.json, in-weights-g5000-5/, in-context-g{2,10,20}-5-{forward,reverse}/
#   and, when G10000_10_SECONDS > 0, in-weights-g10000-10/ (first, with the benchmark's flags).
# Usage, from the repository root (a 0 skips that stage):
#   bash benchmarks/paper_scale.sh [G5000_SECONDS IN_CONTEXT_G2_SECONDS IN_CONTEXT_OTHER_SECONDS G10000_10_SECONDS]
set -u
export PYTHONUNBUFFERED=1 GEOMEM_PROGRESS=0 PYTHONPATH=".${PYTHONPATH:+:$PYTHONPATH}"
PY=${PYTHON:-python3}
R=${RESULTS_DIR:-results}
nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader || true
$PY -c "import torch; print('torch', torch.__version__)"
timeout 300 $PY benchmarks/gpu_speed.py --out "$R/benchmarks/gpu_speed.json"
# The fastest picked loop at batch 2048 trains the reproduction.
FLAGS=$($PY -c "
import json, sys
b = json.load(open(sys.argv[1]))['best']
print(' '.join(['--attention', b['attention']] + ['--compile'] * b['compile'] + ['--cuda-graphs'] * b['cuda_graphs']
               + ['--buckets'] * b.get('buckets', False)))
" "$R/benchmarks/gpu_speed.json" 2>/dev/null || echo "--compile")
echo "reproduction flags: $FLAGS"
if [ "${4:-0}" != 0 ]; then
  timeout $(( ${4} + 120 )) $PY -m geomem_nb reproduce in-weights-g10000-10 --time-budget "$4" $FLAGS --overwrite --out "$R/in-weights-g10000-10"
fi
[ "${1:-60}" != 0 ] && timeout 200 $PY -m geomem_nb reproduce in-weights-g5000-5 --time-budget "${1:-60}" $FLAGS --overwrite --out "$R/in-weights-g5000-5"
for d in 2 10 20; do
  for obj in forward reverse; do
    s=${3:-25}; [ "$d" = 2 ] && s=${2:-60}
    [ "$s" = 0 ] && continue
    timeout $((s + 60)) $PY -m geomem_nb reproduce "in-context-g$d-5-$obj" --time-budget "$s" --overwrite --out "$R/in-context-g$d-5-$obj"
  done
done
