# Finding a JDK that can run Peregrine. Sourced by bin/peregrine and the bench scripts.
#
# peregrine_find_java prints the path of a `java` executable of version $PEREGRINE_MIN_JAVA (25)
# or newer and returns 0, or prints nothing and returns 1. Candidates, in order:
#   1. $JAVA_HOME
#   2. `java` on the PATH
#   3. the usual install folders: /usr/lib/jvm, /usr/java, /opt, /usr/local, ~/.sdkman, ~/.jdks,
#      ~/.gradle/jdks, and /Library/Java/JavaVirtualMachines on macOS (newest version first).

PEREGRINE_MIN_JAVA=${PEREGRINE_MIN_JAVA:-25}

# The feature version (e.g. 25) of the JDK in home directory $1, or nothing.
peregrine_java_major() {
  local home=$1 version=""
  [ -x "$home/bin/java" ] || return 1
  if [ -f "$home/release" ]; then
    # JAVA_VERSION="25.0.1" (or "1.8.0_402" for the old scheme, which is too old anyway)
    version=$(sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$home/release")
  fi
  if [ -z "$version" ]; then
    version=$("$home/bin/java" -XshowSettings:properties -version 2>&1 \
      | sed -n 's/^ *java\.specification\.version = \([0-9]*\).*/\1/p')
  fi
  [ -n "$version" ] && printf '%s\n' "$version"
}

peregrine_find_java() {
  local candidates=() home major
  [ -n "${JAVA_HOME:-}" ] && candidates+=("$JAVA_HOME")
  if command -v java >/dev/null 2>&1; then
    candidates+=("$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")")
  fi
  local dir
  for dir in /usr/lib/jvm/* /usr/java/* /opt/java/* /opt/*jdk* /usr/local/*jdk* \
             "$HOME"/.sdkman/candidates/java/* "$HOME"/.jdks/* "$HOME"/.gradle/jdks/* \
             /Library/Java/JavaVirtualMachines/*/Contents/Home; do
    [ -d "$dir" ] && candidates+=("$dir")
  done
  # The first two keep their order; install folders are tried newest first.
  local best="" best_major=0
  for home in "${candidates[@]}"; do
    major=$(peregrine_java_major "$home") || continue
    [ -n "$major" ] && [ "$major" -ge "$PEREGRINE_MIN_JAVA" ] || continue
    if [ "$home" = "${JAVA_HOME:-}" ] || [ "$home/bin/java" -ef "$(command -v java 2>/dev/null)" ]; then
      printf '%s\n' "$home/bin/java"
      return 0
    fi
    if [ "$major" -gt "$best_major" ]; then
      best="$home" best_major=$major
    fi
  done
  [ -n "$best" ] || return 1
  printf '%s\n' "$best/bin/java"
}

peregrine_no_java_message() {
  cat >&2 <<MSG
peregrine: no JDK $PEREGRINE_MIN_JAVA or newer found.
  Looked at \$JAVA_HOME, 'java' on the PATH, /usr/lib/jvm, /opt, /usr/local, ~/.sdkman and ~/.jdks.
  Install one, for example:
    Debian/Ubuntu:  apt-get install openjdk-25-jdk   (or Temurin 25 from adoptium.net)
    SDKMAN:         sdk install java 25-tem
    macOS:          brew install openjdk@25
  or point JAVA_HOME at an existing JDK $PEREGRINE_MIN_JAVA+.
MSG
}
