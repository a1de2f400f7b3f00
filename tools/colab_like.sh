#!/usr/bin/env bash
# Run every chapter as a reader outside this checkout does (Colab, or a clone they do not install from):
# the package built as a wheel and installed (not editable) into a fresh virtual environment, each .ipynb
# copied alone into an empty folder and executed there with nbmake at GEOMEM_SCALE (default ci).
#   bash tools/colab_like.sh            # the shipped records, read from the installed package
#   bash tools/colab_like.sh scratch    # GEOMEM_RESULTS=none: every chapter computes what it shows
# Extra arguments go to pytest (e.g. notebooks/01_in_context_path_star.ipynb to run one chapter).
set -euo pipefail
cd "$(dirname "$0")/.."
mode=${1:-shipped}; shift || true
case "$mode" in shipped|scratch) ;; *) echo "mode must be 'shipped' or 'scratch', got '$mode'" >&2; exit 2;; esac
work=${COLAB_LIKE_DIR:-$(mktemp -d)}
venv=$work/venv
if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q torch==2.13.0  # the CPU build, as make does; Colab brings its own CUDA torch
  "$venv/bin/pip" install -q ipykernel nbmake pytest pytest-xdist
fi
rm -rf "$work/wheel" && "$venv/bin/pip" wheel -q --no-deps -w "$work/wheel" .
rm -rf build  # setuptools' build folder, left in the checkout
"$venv/bin/pip" install -q --force-reinstall --no-deps "$work"/wheel/geomem_nb-*.whl
"$venv/bin/pip" install -q "$(ls "$work"/wheel/geomem_nb-*.whl)"  # its dependencies, as pip resolves them
chapters=$work/chapters-$mode
rm -rf "$chapters" && mkdir -p "$chapters"
notebooks=("$@")
if [ ${#notebooks[@]} -eq 0 ]; then
  # By measured time at ci: pytest-xdist hands each worker two chapters in turn (1st, 3rd / 2nd, 4th),
  # then one more to whichever finishes one, so these orders give the two workers nearly equal work.
  # From scratch, the chapters that read no record (04, 06) run exactly as with the records: left out.
  order=(08 01 05 07 04 03 02 09 06)
  [ "$mode" = scratch ] && order=(05 08 01 07 09 03 02)
  for n in "${order[@]}"; do notebooks+=(notebooks/"$n"_*.ipynb); done
fi
cp "${notebooks[@]}" "$chapters/"
export GEOMEM_SCALE=${GEOMEM_SCALE:-ci} GEOMEM_PROGRESS=0 OMP_NUM_THREADS=1
[ "$mode" = scratch ] && export GEOMEM_RESULTS=none || unset GEOMEM_RESULTS
cd "$chapters"  # no checkout around: the package must find everything it needs itself
"$venv/bin/python" -c "import geomem_nb.results as r; print('geomem_nb from', r.__file__); print(r.records_note())"
files=(); for nb in "${notebooks[@]}"; do files+=("./$(basename "$nb")"); done
"$venv/bin/pytest" -q -p no:cacheprovider -n "${COLAB_LIKE_WORKERS:-2}" --nbmake --nbmake-timeout=1800 \
  --durations=0 "${files[@]}"
