#!/usr/bin/env bash
# Executes the notebooks headlessly with the Java kernel (rapaio-jupyter-kernel) and Debian's Jupyter.
#
#   notebooks/run.sh                      every notebooks/*.ipynb
#   notebooks/run.sh lake-tables.ipynb    only the ones named
#   notebooks/run.sh --kernel-only        only write the kernelspec (for an interactive Jupyter)
#
# Fails when a cell raises an error, and when an executed notebook has no chart (no image/png output).
# Executed copies land in notebooks/target/executed/. Inputs come from TRIBUTARY_LAKE,
# TRIBUTARY_BOOTSTRAP, TRIBUTARY_REGISTRY and TRIBUTARY_TOPIC; the defaults are the quickstart's
# (./tributary quickstart --keep-running): its lake in .local/quickstart/lake, 127.0.0.1:9092, :8081, events.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
target=$here/target
classpath_file=$target/notebook.classpath
jupyter=${JUPYTER:-/usr/bin/jupyter}
kernel_name=tributary-java

# Debian's Jupyter runs under Debian's python3; another jupyter on PATH may lack nbclient.
if [ ! -x "$jupyter" ]; then
  echo "run.sh: $jupyter not found. Install Debian's Jupyter:" >&2
  echo "  apt-get install --no-install-recommends jupyter-nbconvert python3-nbclient python3-ipykernel jupyter-notebook" >&2
  exit 2
fi
if [ ! -s "$classpath_file" ]; then
  echo "run.sh: $classpath_file is missing. Build the module first:" >&2
  echo "  mvn -pl notebooks -am install -DskipTests" >&2
  exit 2
fi
# The quickstart's lake, wherever this is run from (the notebooks' own default is relative to notebooks/).
export TRIBUTARY_LAKE=${TRIBUTARY_LAKE:-file://$(cd "$here/.." && pwd)/.local/quickstart/lake}

java_bin=${JAVA_HOME:+$JAVA_HOME/bin/}java
java_bin=$(command -v "$java_bin") || { echo "run.sh: java not found" >&2; exit 2; }

# 1. The kernelspec, written by hand: the kernel's own installer writes under ~/.local whatever $HOME is.
kernel_dir=$target/jupyter/kernels/$kernel_name
mkdir -p "$kernel_dir"
launcher_classes=$target/classes
if [ ! -f "$launcher_classes/io/tributary/notebooks/KernelLauncher.class" ]; then
  echo "run.sh: $launcher_classes has no KernelLauncher. Build the module first:" >&2
  echo "  mvn -pl notebooks -am install -DskipTests" >&2
  exit 2
fi
/usr/bin/python3 - "$kernel_dir/kernel.json" "$java_bin" "$classpath_file" "$here/kernel" "$launcher_classes" \
    "$(dirname "$here")/conf/jvm.options" <<'PY'
import json, os, sys
out, java, classpath_file, config_dir, launcher_classes, jvm_options = sys.argv[1:]
classpath = open(classpath_file).read().strip()
extra_opts = os.environ.get("NOTEBOOKS_KERNEL_OPTS", "").split()
argv = [java, "-Xmx1536m", "-Djava.awt.headless=true",
        # A notebook is a short run on small data: the C1 compiler alone and the serial collector took half
        # the CPU time of the defaults here (2 cores); NOTEBOOKS_KERNEL_OPTS=-XX:TieredStopAtLevel=4 undoes it.
        "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
        # Spark and Hudi on Java 17: the one JVM-options file (a java @argfile) every Tributary JVM reads
        "@" + jvm_options,
        # Hudi sizes objects with (its copy of) JOL, which prints two warnings into the first cell that
        # uses Hudi when it cannot attach to its own JVM; it falls back to estimates either way.
        "-Djol.skipDynamicAttach=true", "-Djol.skipHotspotSAAttach=true",
        # Logging: warnings only, to the kernel's stderr (see the comments in kernel/)
        "-Djava.util.logging.config.file=" + config_dir + "/logging.properties",
        "-Dlog4j2.configurationFile=" + config_dir + "/log4j2.xml",
        ] + extra_opts + [  # last, so that they override the above
        # target/classes first: KernelLauncher (the kernel's MainApp without its start-up race) and LoopThread,
        # which replaces the kernel's own (a thread that could exit before it started: see its javadoc)
        "-cp", launcher_classes + ":" + classpath, "io.tributary.notebooks.KernelLauncher", "{connection_file}"]
spec = {"argv": argv, "display_name": "Java (Tributary: Spark, Hudi, XChart)", "language": "java",
        "interrupt_mode": "message",
        # The notebook's code is compiled by JShell against RJK_CLASSPATH; -cp loads the same jars.
        "env": {"RJK_CLASSPATH": classpath, "RJK_TIMEOUT_MILLIS": "-1",
                # Spark in local mode: no search for a non-loopback address (and no warning about it).
                "SPARK_LOCAL_IP": "127.0.0.1"}}
with open(out, "w") as f:
    json.dump(spec, f, indent=1)
PY
export JUPYTER_PATH=$target/jupyter${JUPYTER_PATH:+:$JUPYTER_PATH}
if [ "${1:-}" = "--kernel-only" ]; then
  echo "Kernel '$kernel_name' written to $kernel_dir. Open the notebooks with:"
  echo "  JUPYTER_PATH=$target/jupyter $jupyter notebook $here"
  exit 0
fi

# 2. Execute each notebook; nbconvert exits non-zero on the first cell error.
#
# The kernel's known start-up races are worked around (KernelLauncher, and this module's LoopThread); a start
# that still does not answer within startup_timeout is retried, as a safety net. Cell errors are not retried.
startup_timeout=60
attempts=3
notebooks=()
if [ $# -gt 0 ]; then
  for n in "$@"; do notebooks+=("$here/$(basename "$n")"); done
else
  notebooks=("$here"/*.ipynb)
fi
executed=$target/executed
mkdir -p "$executed"
failed=0
for nb in "${notebooks[@]}"; do
  name=$(basename "$nb")
  [ -f "$nb" ] || { echo "run.sh: no notebook $nb" >&2; exit 2; }
  rm -f "$executed/$name"
  echo "== $name"
  start=$(date +%s)
  log=$target/nbconvert-${name%.ipynb}.log
  ok=0
  for attempt in $(seq 1 $attempts); do
    set +e
    "$jupyter" nbconvert --to notebook --execute "$nb" --output-dir "$executed" \
        --ExecutePreprocessor.kernel_name="$kernel_name" \
        --ExecutePreprocessor.timeout=600 --ExecutePreprocessor.startup_timeout=$startup_timeout 2>&1 | tee "$log"
    status=${PIPESTATUS[0]}
    set -e
    if [ "$status" -eq 0 ]; then ok=1; break; fi
    if grep -q -E "Kernel didn't respond|Kernel died before replying" "$log" && [ "$attempt" -lt $attempts ]; then
      echo "run.sh: the kernel did not answer within ${startup_timeout} s (start $attempt of $attempts); starting another" >&2
      continue
    fi
    break
  done
  if [ $ok -eq 0 ]; then
    echo "FAILED: $name (see the error above; nbconvert's output is in $log)" >&2
    failed=1
    continue
  fi
  # 3. The executed notebook must carry at least one chart.
  charts=$(/usr/bin/python3 -c '
import json, sys
nb = json.load(open(sys.argv[1]))
print(sum(1 for c in nb["cells"] if c["cell_type"] == "code"
          for o in c.get("outputs", []) if "image/png" in o.get("data", {})))' "$executed/$name")
  echo "   executed in $(( $(date +%s) - start )) s (kernel starts: $attempt), $charts chart(s) (image/png): $executed/$name"
  if [ "$charts" -lt 1 ]; then
    echo "FAILED: $name has no image/png output" >&2
    failed=1
  fi
done
exit $failed
