# Shared by the scripts in submit/: where the project is, the JVM flags Spark 4 needs on Java 17 outside
# spark-submit, and building the application jar and the Spark classpath when missing or stale.
# shellcheck shell=bash

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# SLR_JAR: another application jar to run (an earlier release's, for submit/loss-benchmark --baseline-jar).
JAR="${SLR_JAR:-$ROOT/target/spark-loss-report.jar}"
CLASSPATH_FILE="$ROOT/target/classpath.txt"

SPARK_JVM_FLAGS=(
  --add-opens=java.base/java.lang=ALL-UNNAMED --add-opens=java.base/java.lang.invoke=ALL-UNNAMED
  --add-opens=java.base/java.lang.reflect=ALL-UNNAMED --add-opens=java.base/java.io=ALL-UNNAMED
  --add-opens=java.base/java.net=ALL-UNNAMED --add-opens=java.base/java.nio=ALL-UNNAMED
  --add-opens=java.base/java.util=ALL-UNNAMED --add-opens=java.base/java.util.concurrent=ALL-UNNAMED
  --add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED --add-opens=java.base/sun.nio.ch=ALL-UNNAMED
  --add-opens=java.base/sun.nio.cs=ALL-UNNAMED --add-opens=java.base/sun.security.action=ALL-UNNAMED
  --add-opens=java.base/sun.util.calendar=ALL-UNNAMED -Djdk.reflect.useDirectMethodHandle=false
)

# Builds the jar when it is missing or older than pom.xml or any source file.
ensure_jar() {
  if [[ -n "${SLR_JAR:-}" ]]; then
    [[ -f "$SLR_JAR" ]] || { echo "error: SLR_JAR '$SLR_JAR' is not a file" >&2; exit 1; }
    return
  fi
  if [[ ! -f "$JAR" ]] || [[ -n "$(find "$ROOT/pom.xml" "$ROOT/src/main" -newer "$JAR" -type f -print -quit)" ]]; then
    echo "building the application jar (mvn package)..." >&2
    (cd "$ROOT" && mvn -q -B -ntp -DskipTests package) >&2 || { echo "error: the build failed" >&2; exit 1; }
    touch "$BENCH_STAMP" # package compiled the benchmarks too (with the tests)
  fi
}

# The benchmarks (src/bench/java) compile with the tests into target/test-classes, not into the jar.
BENCH_CLASSES="$ROOT/target/test-classes"
BENCH_STAMP="$ROOT/target/bench-classes.stamp"

# Compiles the benchmarks (mvn test-compile) when never built or older than pom.xml or any main or bench source.
ensure_bench_classes() {
  if [[ ! -f "$BENCH_STAMP" || ! -f "$BENCH_CLASSES/org/sparklossreport/bench/LossBenchmark.class" ]] \
      || [[ -n "$(find "$ROOT/pom.xml" "$ROOT/src/main" "$ROOT/src/bench" -newer "$BENCH_STAMP" -type f -print -quit)" ]]; then
    echo "building the benchmarks (mvn test-compile)..." >&2
    (cd "$ROOT" && mvn -q -B -ntp test-compile) >&2 || { echo "error: the build failed" >&2; exit 1; }
    touch "$BENCH_STAMP"
  fi
}

# Writes the Maven-resolved Spark classpath (compile + provided scopes) when missing or older than the pom.
ensure_classpath() {
  if [[ ! -f "$CLASSPATH_FILE" ]] || [[ "$ROOT/pom.xml" -nt "$CLASSPATH_FILE" ]]; then
    echo "resolving the Spark classpath (mvn dependency:build-classpath)..." >&2
    (cd "$ROOT" && mvn -q -B -ntp dependency:build-classpath -DincludeScope=compile \
        -Dmdep.outputFile="$CLASSPATH_FILE") >&2 || { echo "error: could not resolve the classpath" >&2; exit 1; }
    touch "$CLASSPATH_FILE" # the plugin leaves an unchanged file as it was: older than the pom, resolved again on every run
  fi
}

# A SPARK_HOME assembled from the Maven-resolved jars (submit/local-cluster): jars/, RELEASE, bin/, conf/.
LOCAL_SPARK_HOME="$ROOT/target/local-spark"

# Writes stdin to $1 (mode $2) through a temporary file and a rename, so readers never see half of it.
write_file() {
  local tmp
  tmp="$(mktemp "$1.XXXXXX")"
  cat > "$tmp"
  chmod "${2:-644}" "$tmp"
  mv -f "$tmp" "$1"
}

# Assembles $LOCAL_SPARK_HOME: jars/ holds (symbolic links to) every jar of the Maven-resolved classpath,
# provided scope included; RELEASE marks it as a binary distribution (without it, and without
# SPARK_SCALA_VERSION, workers cannot build executor command lines); bin/spark-class and bin/spark-submit
# run Spark's own launcher as Spark's scripts do; conf/spark-env.sh keeps everything on 127.0.0.1.
# jars/ is rebuilt when the classpath changed; bin/ and conf/ are generated each time (edits are lost).
ensure_spark_home() {
  ensure_classpath
  local home="$LOCAL_SPARK_HOME" version
  mkdir -p "$home/bin" "$home/conf"
  if [[ ! -d "$home/jars" ]] || ! cmp -s "$CLASSPATH_FILE" "$home/.classpath"; then
    echo "assembling SPARK_HOME in $home (jars of the Maven-resolved classpath)..." >&2
    local tmp jar entries
    tmp="$(mktemp -d "$home/jars.tmp-XXXXXX")"
    IFS=":" read -r -a entries < "$CLASSPATH_FILE" || true  # no final newline: read says 1
    for jar in "${entries[@]}"; do
      [[ "$jar" == *.jar && -f "$jar" ]] && ln -s "$jar" "$tmp/$(basename "$jar")"
    done
    rm -rf "$home/jars"
    mv "$tmp" "$home/jars"
    cp "$CLASSPATH_FILE" "$home/.classpath"
  fi
  version="$(basename "$(ls "$home"/jars/spark-core_*.jar)" .jar)"
  version="${version#spark-core_*-}"
  printf 'Spark %s (Scala 2.13) assembled from the Maven-resolved jars by submit/local-cluster\n' \
    "$version" | write_file "$home/RELEASE"
  write_file "$home/conf/spark-env.sh" <<'SH'
# Generated by submit/local-cluster (rewritten on each start). Read by bin/spark-class.
# One machine: every daemon, executor and driver binds to the loopback address.
export SPARK_LOCAL_IP="${SPARK_LOCAL_IP:-127.0.0.1}"
export SPARK_SCALA_VERSION="${SPARK_SCALA_VERSION:-2.13}"
SH
  write_file "$home/bin/spark-class" 755 <<'SH'
#!/usr/bin/env bash
# Generated by submit/local-cluster. What Spark's bin/spark-class does: Spark's launcher
# (org.apache.spark.launcher.Main) builds the java command line for a Spark class (classpath from
# $SPARK_HOME/jars and conf/, the --add-opens flags, --driver-memory, --driver-java-options,
# spark-defaults.conf ...), which is then run in place of this script.
set -eo pipefail
SPARK_HOME="$(cd "$(dirname "$0")/.." && pwd)"
export SPARK_HOME
if [[ -f "${SPARK_CONF_DIR:-$SPARK_HOME/conf}/spark-env.sh" ]]; then
  set -a; . "${SPARK_CONF_DIR:-$SPARK_HOME/conf}/spark-env.sh"; set +a
fi
export SPARK_SCALA_VERSION="${SPARK_SCALA_VERSION:-2.13}"
RUNNER="${JAVA_HOME:+$JAVA_HOME/bin/}java"

build_command() {
  # shellcheck disable=SC2086  # SPARK_LAUNCHER_OPTS holds several options, as in Spark's script
  "$RUNNER" -Xmx128m $SPARK_LAUNCHER_OPTS -cp "$SPARK_HOME/jars/*" org.apache.spark.launcher.Main "$@"
  printf '%d\0' $?
}
# The launcher prints a line holding a NUL, then the command, one NUL-terminated argument at a time.
CMD=() DELIM=$'\n' STARTED=false
while IFS= read -d "$DELIM" -r ARG; do
  if $STARTED; then
    CMD+=("$ARG")
  elif [[ -z "$ARG" ]]; then
    DELIM='' STARTED=true
  else
    echo "$ARG"
  fi
done < <(build_command "$@")
LAST=$((${#CMD[@]} - 1))
if ((LAST < 0)) || ! [[ "${CMD[$LAST]}" =~ ^[0-9]+$ ]]; then
  echo "error: Spark's launcher failed: ${CMD[*]}" >&2
  exit 1
fi
((CMD[LAST] == 0)) || exit "${CMD[$LAST]}"
exec "${CMD[@]:0:$LAST}"
SH
  write_file "$home/bin/spark-submit" 755 <<'SH'
#!/usr/bin/env bash
# Generated by submit/local-cluster: spark-submit on the Maven-resolved Spark (see bin/spark-class).
exec "$(dirname "$0")/spark-class" org.apache.spark.deploy.SparkSubmit "$@"
SH
}

# --- Class-data sharing (CDS) ------------------------------------------------------------------------
# A JVM starts faster from an archive of the classes an earlier run of the same classpath loaded, parsed
# and verified (JDK application class-data sharing, Java 17: -XX:SharedArchiveFile). The archive is made
# from the class list such a run records (-XX:DumpLoadedClassList) by a JVM of its own (-Xshare:dump) after
# the run has exited, so making it can never change the run's result or exit code. The JVM's own dump at
# exit (-XX:ArchiveClassesAtExit) is not used: on 17.0.15 it crashed (SIGSEGV) at the end of a demo run.
#
# Files, in CDS_DIR (SLR_CDS_DIR, default target/cds), per archive NAME-JAVAVERSION-KEY.jsa: the archive,
# .ok (its last successful check; touched by every run that uses it), .log (the dump's output), .failed (a
# dump that failed: later runs go without, until it is deleted). KEY hashes the Java runtime and every
# classpath entry in order with its size and modification time: a rebuilt jar gives another archive.
# SLR_CDS=off turns it all off. Every decision that matters to the user is one line on stderr, "cds: ...".

CDS_DIR="${SLR_CDS_DIR:-$ROOT/target/cds}"
CDS_KEEP=3  # archives kept per NAME, the most recently used; older ones are deleted when one is made

cds_log() {
  echo "cds: $*" >&2
}

# The home of the java the scripts run (JAVA_HOME's, else the one on PATH).
cds_java_home() {
  local java
  java="$(command -v "${JAVA_HOME:+$JAVA_HOME/bin/}java")" || return 1
  dirname "$(dirname "$(readlink -f "$java")")"
}

# 16 hex digits of a SHA-256 over the Java runtime (its version, libjvm and base archive with their size
# and modification time) and the classpath $1 (the string, then each entry with its size and mtime; an
# entry DIR/* stands for the jars in DIR, as java reads it).
cds_key() {
  local home entry entries=()
  home="$(cds_java_home)"
  while IFS= read -r -d ':' entry; do
    if [[ "$entry" == */\* ]]; then
      entries+=("${entry%/\*}"/*.jar)
    else
      entries+=("$entry")
    fi
  done <<< "$1:"
  {
    grep -h '^JAVA_RUNTIME_VERSION=' "$home/release" 2>/dev/null || echo "$home"
    stat -L -c '%n %s %Y' "$home/lib/server/libjvm.so" "$home/lib/server/classes.jsa" 2>/dev/null || true
    echo "$1"
    stat -L -c '%n %s %Y' -- "${entries[@]}" 2>/dev/null || true  # a missing entry: in the string only
  } | sha256sum | cut -c1-16
}

# The archive's path for name $1 and classpath $2.
cds_archive() {
  local version
  version="$(sed -n 's/^JAVA_VERSION="\(.*\)"/\1/p' "$(cds_java_home)/release" 2>/dev/null)"
  echo "$CDS_DIR/$1-${version:-java}-$(cds_key "$2").jsa"
}

# True when files can be created in $CDS_DIR (made when missing). Tries, since access(2) says yes to root.
cds_dir_writable() {
  local probe
  mkdir -p "$CDS_DIR" 2>/dev/null || return 1
  probe="$(mktemp "$CDS_DIR/.probe.XXXXXX" 2>/dev/null)" || return 1
  rm -f "$probe"
}

# Checks archive $1 for classpath $2 with JVM flags $3...: maps it as a run would (-Xshare:on fails where
# -Xshare:auto silently goes without) and verifies its checksums. Prints the JVM's reason when unusable.
cds_check() {
  local archive="$1" cp="$2" out
  shift 2
  if out="$("$(cds_java_bin)" -Xshare:on -XX:+VerifySharedSpaces -XX:SharedArchiveFile="$archive" "$@" \
      -cp "$cp" -version 2>&1)"; then
    return 0
  fi
  # the JVM says "An error has occurred while processing the shared archive file." and then the reason
  out="$(grep -v -e '^An error has occurred' -e '^Error occurred during' -e '^Picked up' -e '^$' <<< "$out" | head -n1)"
  echo "${out:-java -Xshare:on could not start from it}"
  return 1
}

cds_java_bin() {
  echo "${JAVA_HOME:+$JAVA_HOME/bin/}java"
}

# Decides how a JVM about to run classpath $2 (archive name $1, JVM flags $3...) uses class-data sharing.
# Sets CDS_FLAGS (for that JVM's command line), CDS_RECORD (the class list it records when an archive is to
# be made after it, else empty) and CDS_ARCHIVE. Prints at most one "cds:" line; never fails.
cds_prepare() {
  local name="$1" cp="$2" reason
  shift 2
  CDS_FLAGS=() CDS_RECORD="" CDS_ARCHIVE="" CDS_REMAKE=""
  [[ "${SLR_CDS:-auto}" == off ]] && return 0
  CDS_ARCHIVE="$(cds_archive "$name" "$cp")" || { CDS_ARCHIVE=""; return 0; }
  if [[ -f "$CDS_ARCHIVE" ]]; then
    if [[ -f "$CDS_ARCHIVE.ok" && ! "$CDS_ARCHIVE" -nt "$CDS_ARCHIVE.ok" ]] \
        || reason="$(cds_check "$CDS_ARCHIVE" "$cp" "$@")"; then
      touch "$CDS_ARCHIVE.ok" 2>/dev/null || true  # a read-only directory: checked again next time
      CDS_FLAGS=(-XX:SharedArchiveFile="$CDS_ARCHIVE" -Xshare:auto)
      return 0
    fi
    if ! rm -f "$CDS_ARCHIVE" "$CDS_ARCHIVE.ok" 2>/dev/null || ! cds_dir_writable; then
      cds_log "the class-data archive $CDS_ARCHIVE is unusable ($reason) and its directory is read-only: running without it"
      return 0
    fi
    CDS_REMAKE="$reason"
  elif ! cds_dir_writable; then
    cds_log "no class-data archive for this classpath and $CDS_DIR is not writable: running without one (set SLR_CDS_DIR to a writable directory, or SLR_CDS=off)"
    return 0
  elif [[ -f "$CDS_ARCHIVE.failed" ]]; then
    cds_log "making $CDS_ARCHIVE failed before (see $CDS_ARCHIVE.log): running without it; delete $CDS_ARCHIVE.failed to try again"
    return 0
  fi
  if ! cds_lock "$CDS_ARCHIVE"; then
    cds_log "another run is making $CDS_ARCHIVE: this run goes without it"
    return 0
  fi
  CDS_RECORD="$(mktemp "$CDS_ARCHIVE.classlist.XXXXXX")"
  CDS_FLAGS=(-XX:DumpLoadedClassList="$CDS_RECORD")
}

# Takes the lock on making archive $1 (a directory, made atomically); one older than 30 minutes was left
# by a run that died, and is taken over.
cds_lock() {
  if [[ -d "$1.making" && -n "$(find "$1.making" -maxdepth 0 -mmin +30 2>/dev/null)" ]]; then
    rmdir "$1.making" 2>/dev/null || true
  fi
  mkdir "$1.making" 2>/dev/null
}

# After the run that recorded $CDS_RECORD exited with code $3: makes the archive from its class list when it
# succeeded (classpath $2, name $1, JVM flags $4...). Prints one "cds:" line; never fails.
cds_finish() {
  local name="$1" cp="$2" code="$3"
  shift 3
  [[ -n "$CDS_RECORD" ]] || return 0
  if ((code == 0)) && [[ -s "$CDS_RECORD" ]]; then
    cds_make "$CDS_ARCHIVE" "$CDS_RECORD" "$cp" "$@"
    cds_prune "$name"
  fi
  rm -f "$CDS_RECORD"
  rmdir "$CDS_ARCHIVE.making" 2>/dev/null || true
}

# Makes archive $1 from class list $2 for classpath $3 (JVM flags $4...): dumps to a temporary name, checks
# it, renames it into place (so that concurrent runs see a whole archive or none). Prints one "cds:" line.
cds_make() {
  local archive="$1" list="$2" cp="$3" tmp start=$SECONDS how
  shift 3
  tmp="$archive.tmp-$$"
  how="made the class-data archive"
  [[ -n "${CDS_REMAKE:-}" ]] && how="the class-data archive was unusable ($CDS_REMAKE): made it again,"
  # A lambda proxy of an interface the archive cannot hold (a class file older than Java 6, as the shaded
  # picocli's) crashed 17.0.15's dump: keep the proxies of the JDK's and Scala's interfaces only; if the
  # dump still fails, try once more without any.
  cds_filter_lambdas "$list" > "$tmp.classlist"
  if cds_dump "$tmp" "$cp" "$tmp.classlist" "$@" > "$archive.log" 2>&1 \
      || { grep -v '^@lambda-proxy' "$list" > "$tmp.classlist" \
           && cds_dump "$tmp" "$cp" "$tmp.classlist" "$@" >> "$archive.log" 2>&1; }; then
    rm -f "$tmp.classlist"
    mv -f "$tmp" "$archive"
    touch "$archive.ok"
    cds_log "$how $archive ($(du -m "$archive" | cut -f1) MB, $((SECONDS - start)) s); later runs start from it"
  else
    rm -f "$tmp" "$tmp.classlist"
    touch "$archive.failed"
    cds_log "could not make the class-data archive $archive (see $archive.log): this run's result stands; later runs go without it"
  fi
}

# The class list $1 with only the lambda proxies whose interface is the JDK's or Scala's.
cds_filter_lambdas() {
  awk '$1 != "@lambda-proxy" { print; next }
       { t = $4; sub(/.*\)L/, "", t); if (t ~ /^(java|javax|jdk|sun|scala)\//) print }' "$1"
}

# One dump of archive $1 for classpath $2 from class list $3 (JVM flags $4...), and its check.
cds_dump() {
  local archive="$1" cp="$2" list="$3"
  shift 3
  "$(cds_java_bin)" -Xmx2g -Xshare:dump -XX:+VerifySharedSpaces -XX:SharedClassListFile="$list" \
    -XX:SharedArchiveFile="$archive" -XX:ErrorFile="$CDS_DIR/hs_err_%p.log" "$@" -cp "$cp" \
    && cds_check "$archive" "$cp" "$@"
}

# Deletes the archives of name $1 beyond the CDS_KEEP most recently used (by their .ok file).
cds_prune() {
  local ok
  while read -r ok; do
    rm -f "${ok%.ok}" "$ok" "${ok%.ok}.log"
  done < <(ls -t "$CDS_DIR/$1"-*.jsa.ok 2>/dev/null | tail -n +$((CDS_KEEP + 1)))
}

# Runs command $@ as a child (not exec: something must happen after it), passing on TERM, INT and HUP,
# and sets RUN_CODE to its exit code.
run_child() {
  local pid
  "$@" <&0 &
  pid=$!
  trap 'kill -TERM "$pid" 2>/dev/null' TERM INT HUP
  while wait "$pid"; RUN_CODE=$?; kill -0 "$pid" 2>/dev/null; do :; done
  trap - TERM INT HUP
}
