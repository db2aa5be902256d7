#!/usr/bin/env bash
# Writes scenario.dict, the libFuzzer dictionary of the scenario target:
# every key, table header, keyword and example value that
# scenarios/README.md quotes in backticks, plus TOML punctuation. Run it
# again after the README gains keys.
set -euo pipefail
cd "$(dirname "$0")"
{
  echo "# libFuzzer dictionary for the scenario target, written by make_dict.sh"
  echo "# from the keys and values scenarios/README.md quotes. Do not edit."
  grep -o '`[^`]*`' ../scenarios/README.md | sed 's/^`//; s/`$//' |
    grep -v '^$' | grep -v '^-' |
    while IFS= read -r token; do
      # Keys written as `a`, `b` in one cell are separate entries.
      printf '%s\n' "$token"
      case "$token" in *", "*) printf '%s\n' "$token" | tr -d '{}[]' | sed 's/, /\n/g' ;; esac
    done |
    sed 's/^ *//; s/ *$//' | grep -v '^$' | LC_ALL=C grep -v '[^ -~]' | LC_ALL=C sort -u |
    sed 's/\\/\\\\/g; s/"/\\"/g; s/^/"/; s/$/"/'
  for p in ' = ' '"' "'" '"""' '[' ']' '[[' ']]' '{ ' ' }' ', ' '# ' '.' '+'; do
    printf '"%s"\n' "$(printf '%s' "$p" | sed 's/\\/\\\\/g; s/"/\\"/g')"
  done
  echo '"\x0a"'
} > scenario.dict
echo "wrote $(grep -c '^"' scenario.dict) entries to fuzz/scenario.dict"
