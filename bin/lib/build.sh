# Shared by bin/peregrine and the bench scripts: whether a built jar is out of date.
# Source it, then: peregrine_stale ROOT JAR [JAR...] returns 0 (stale) when a jar is missing or any
# source under src/main or any pom.xml in ROOT is newer than one of them, 1 when all are current.

peregrine_stale() {
  local root=$1 jar
  shift
  for jar in "$@"; do
    [ -f "$jar" ] || return 0
    [ -z "$(find "$root" -path "$root/.git" -prune -o -path '*/target' -prune -o \
            \( -path '*/src/main/*' -o -name pom.xml \) -type f -newer "$jar" -print -quit)" ] || return 0
  done
  return 1
}
