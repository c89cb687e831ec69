#!/usr/bin/env bash
# Checks that every .nix file of the repository (tracked, or new and not ignored) parses, with
# `nix-instantiate --parse` (Debian: nix-bin). Syntax only: nothing is evaluated or built,
# since there is no nixpkgs here. Names each file that does not parse, with Nix's error.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v nix-instantiate >/dev/null 2>&1; then
  echo "check-nix: nix-instantiate not found (Debian: apt-get install nix-bin)" >&2
  exit 1
fi

files=()
while IFS= read -r -d '' file; do
  files+=("$file")
done < <(git ls-files -z --cached --others --exclude-standard -- '*.nix')

if [ ${#files[@]} -eq 0 ]; then
  echo "check-nix: no .nix files found" >&2
  exit 1
fi

failed=()
for file in "${files[@]}"; do
  # Nix warns about its own setup (no nixbld group) on standard error; only the status counts.
  if ! errors=$(nix-instantiate --parse "$file" 2>&1 >/dev/null); then
    printf 'check-nix: %s does not parse:\n%s\n' "$file" "$(grep -v '^warning: ' <<<"$errors")" >&2
    failed+=("$file")
  fi
done

if [ ${#failed[@]} -gt 0 ]; then
  echo "check-nix: ${#failed[@]} of ${#files[@]} .nix files do not parse: ${failed[*]}" >&2
  exit 1
fi
echo "check-nix: all ${#files[@]} .nix files parse (${files[*]})"
