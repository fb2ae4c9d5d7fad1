# Shared by the scripts in submit/: where the project is, the JVM flags Spark 4 needs on Java 17 outside
# spark-submit, and building the application jar and the Spark classpath when missing or stale.
# shellcheck shell=bash

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
JAR="$ROOT/target/spark-loss-report.jar"
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
  if [[ ! -f "$JAR" ]] || [[ -n "$(find "$ROOT/pom.xml" "$ROOT/src/main" -newer "$JAR" -type f -print -quit)" ]]; then
    echo "building the application jar (mvn package)..." >&2
    (cd "$ROOT" && mvn -q -B -ntp -DskipTests package) >&2 || { echo "error: the build failed" >&2; exit 1; }
  fi
}

# Writes the Maven-resolved Spark classpath (compile + provided scopes) when missing or older than the pom.
ensure_classpath() {
  if [[ ! -f "$CLASSPATH_FILE" ]] || [[ "$ROOT/pom.xml" -nt "$CLASSPATH_FILE" ]]; then
    echo "resolving the Spark classpath (mvn dependency:build-classpath)..." >&2
    (cd "$ROOT" && mvn -q -B -ntp dependency:build-classpath -Dmdep.includeScope=compile \
        -Dmdep.outputFile="$CLASSPATH_FILE") >&2 || { echo "error: could not resolve the classpath" >&2; exit 1; }
  fi
}
