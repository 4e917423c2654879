# Shared by the scripts in scripts/: find the JDK, build when needed, run the CLI.
# Sourced, not executed.

GLASSBOX_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
SERVER_JAR="$GLASSBOX_ROOT/server/target/glassbox-server.jar"
JVM_ARGS=(--add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED)

die() { echo "$(basename "$0"): $*" >&2; exit 1; }

# Prints the major version of the JDK at $1, or nothing.
jdk_major() {
  [ -x "$1/bin/javac" ] || return 0
  "$1/bin/java" -XshowSettings:properties -version 2>&1 \
    | sed -n 's/^ *java\.specification\.version = //p' | head -n1
}

# Sets JAVA_HOME to a JDK that can build and run Glassbox (release 25: the Vector API and
# the language level the code uses), or stops with one line saying what to install.
find_jdk() {
  local candidate major
  for candidate in "${JAVA_HOME:-}" /usr/lib/jvm/*25* /usr/lib/jvm/*-2[6-9]* ; do
    [ -n "$candidate" ] && [ -d "$candidate" ] || continue
    major="$(jdk_major "$candidate")"
    if [ -n "$major" ] && [ "$major" -ge 25 ]; then
      export JAVA_HOME="$candidate"
      export PATH="$JAVA_HOME/bin:$PATH"
      return 0
    fi
  done
  die "no JDK 25 found (JAVA_HOME='${JAVA_HOME:-}'); install one, e.g. Temurin 25, and set JAVA_HOME to it"
}

find_maven() {
  command -v mvn >/dev/null 2>&1 || die "Maven 3.8+ is needed (e.g. 'apt-get install maven')"
  # Maven's own Guava warns about sun.misc.Unsafe on JDK 25; the warning is noise for users.
  export MAVEN_OPTS="${MAVEN_OPTS:-} --sun-misc-unsafe-memory-access=allow"
}

# True when any source, resource, web file or pom is newer than the server jar.
build_is_stale() {
  [ -f "$SERVER_JAR" ] || return 0
  [ -n "$(find "$GLASSBOX_ROOT" -path "$GLASSBOX_ROOT/.git" -prune -o \
      \( -path '*/src/*' -o -name pom.xml -o -path "$GLASSBOX_ROOT/web/*" -o -path "$GLASSBOX_ROOT/prompts/*" \) \
      -type f -newer "$SERVER_JAR" -print -quit)" ]
}

# Builds the jars (no tests) when the sources changed, with one progress line.
build_if_needed() {
  find_jdk
  if build_is_stale; then
    find_maven
    echo "Building Glassbox (sources changed; the first build downloads dependencies)..." >&2
    local log; log="$(mktemp)"
    if ! (cd "$GLASSBOX_ROOT" && mvn -B -q -DskipTests -Denforcer.skip=false package) >"$log" 2>&1; then
      cat "$log" >&2; rm -f "$log"
      die "build failed (output above)"
    fi
    rm -f "$log"
  fi
}

# Runs the Glassbox CLI (server/ jar) with the given arguments.
run_cli() {
  exec "$JAVA_HOME/bin/java" "${JVM_ARGS[@]}" ${GLASSBOX_JAVA_OPTS:-} -jar "$SERVER_JAR" "$@"
}

# For scripts whose feature is not built yet: say so and fail.
not_built_yet() {
  die "'$1' is not built yet (see the open issues); nothing was done"
}
