#!/usr/bin/env bash
# One GPU session (H100/H200): the headline in-weights reproductions and the speed benchmark.
# Writes results/<experiment>/{metrics.json,graph.json} and results/benchmarks/gpu_speed.json.
# Usage, from the repository root:  bash benchmarks/paper_scale.sh [G5000_SECONDS G10000_6_SECONDS G10000_10_SECONDS]
set -u
export PYTHONUNBUFFERED=1 GEOMEM_PROGRESS=0 PYTHONPATH=".${PYTHONPATH:+:$PYTHONPATH}"
PY=${PYTHON:-python3}
nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader || true
$PY -c "import torch; print('torch', torch.__version__)"
$PY -m geomem_nb reproduce in-weights-g5000-5 ${1:+--time-budget $1}
$PY benchmarks/gpu_speed.py
$PY -m geomem_nb reproduce in-weights-g10000-6 ${2:+--time-budget $2}
$PY -m geomem_nb reproduce in-weights-g10000-10 ${3:+--time-budget $3}
