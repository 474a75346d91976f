#!/usr/bin/env bash
# Print the path of a Python 3.10 interpreter: $PYTHON, python3.10 on PATH, or pyenv's.
# Rasa 3.6 runs on Python 3.8-3.10 only; this project pins 3.10.
set -u
is310() { "$1" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 10))' 2>/dev/null; }
candidates=()
[ -n "${PYTHON:-}" ] && candidates+=("$PYTHON")
command -v python3.10 >/dev/null 2>&1 && candidates+=("$(command -v python3.10)")
for root in "${PYENV_ROOT:-}" "$HOME/.pyenv"; do
  [ -n "$root" ] || continue
  for dir in $(ls -d "$root"/versions/3.10.* 2>/dev/null | sort -V -r); do
    candidates+=("$dir/bin/python3.10")
  done
done
if [ -n "${PYTHON:-}" ] && ! is310 "$PYTHON"; then
  echo "warning: \$PYTHON=$PYTHON is not a Python 3.10 interpreter; looking for another." >&2
fi
for py in "${candidates[@]}"; do
  if [ -x "$py" ] || command -v "$py" >/dev/null 2>&1; then
    if is310 "$py"; then echo "$py"; exit 0; fi
  fi
done
cat >&2 <<'MSG'
error: Python 3.10 is required (Rasa 3.6 supports Python 3.8-3.10; this project pins 3.10).
Install it, then run make again, e.g.:
  pyenv install 3.10.13          # with pyenv
  apt-get install python3.10-venv  # on a distribution that packages 3.10
or point PYTHON at one: make PYTHON=/path/to/python3.10 run
MSG
exit 1
