#!/usr/bin/env bash
# Reads Maven's batch-mode output on stdin and prints what the ./tributary launcher is doing, one short line a
# step, instead of a silent minute: dependencies being resolved (a count, every DOWNLOADS_PER_LINE artifacts),
# each module being built ([n/N]), how many sources it compiles, and every error. Elapsed seconds lead each line.
# Usage: mvn -B ... 2>&1 | dist/src/dev/maven-progress.sh
set -uo pipefail

DOWNLOADS_PER_LINE=25
start=$SECONDS
downloads=0
module=""

say() {
  printf 'tributary: %4ss  %s\n' "$((SECONDS - start))" "$1"
}

while IFS= read -r line; do
  case "$line" in
    "[INFO] Downloading from "*)
      downloads=$((downloads + 1))
      if [ "$downloads" -eq 1 ]; then
        say "resolving dependencies (downloading into ~/.m2 the first time)"
      elif [ $((downloads % DOWNLOADS_PER_LINE)) -eq 0 ]; then
        say "resolving dependencies: $downloads artifacts downloaded"
      fi
      ;;
    "[INFO] Building "*"["*"/"*"]")
      # "[INFO] Building Tributary configuration 0.1.0-SNAPSHOT      [2/9]"
      counter="${line##*[}"
      counter="${counter%]}"
      module="${line#\[INFO\] Building }"
      module="${module%[*}"
      module="${module%"${module##*[![:space:]]}"}"
      module="${module% *}"
      say "[$counter] building $module"
      ;;
    "[INFO] Compiling "*" source file"*" to target/test-classes")
      n="${line#\[INFO\] Compiling }"
      say "        compiling ${n%% *} test sources"
      ;;
    "[INFO] Compiling "*" source file"*)
      n="${line#\[INFO\] Compiling }"
      say "        compiling ${n%% *} sources"
      ;;
    "[INFO] BUILD SUCCESS")
      if [ "$downloads" -gt 0 ]; then
        say "built ($downloads artifacts downloaded)"
      else
        say "built"
      fi
      ;;
    "[ERROR]"*|"[INFO] BUILD FAILURE")
      printf '%s\n' "$line"
      ;;
  esac
done
