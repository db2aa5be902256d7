#!/usr/bin/env bash
# Seeds the scenario target's corpus (fuzz/corpus/scenario/, not committed)
# with the bundled scenarios and the small seeds under fuzz/seeds/. The
# small ones run to the end within the budget, so the fuzzer reaches the
# models and the exporters rather than only the budget. Safe to run again:
# files are named by content.
set -euo pipefail
cd "$(dirname "$0")"
mkdir -p corpus/scenario
for f in ../scenarios/*.toml seeds/*.toml; do
  cp "$f" "corpus/scenario/$(sha1sum "$f" | cut -c1-40)"
done
echo "corpus/scenario: $(ls corpus/scenario | wc -l) files"
