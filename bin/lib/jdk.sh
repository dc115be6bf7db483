# Sourced by bin/* scripts: selects a JDK that can build and run Keelson and exports JAVA_HOME.
#
# Order: $JAVA_HOME when it is new enough, else the newest JDK under /usr/lib/jvm that is new
# enough, else a clear error. Keelson compiles with --release 25 (FFM is final since 22, and the
# code uses JDK 25 language and library features), so 25 is the floor.
KEELSON_MIN_JDK=25

keelson_jdk_feature() { # prints the feature version of the JDK at $1, or nothing
  local rel="$1/release" v=""
  if [ -r "$rel" ]; then
    v=$(sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$rel")
  elif [ -x "$1/bin/java" ]; then
    v=$("$1/bin/java" -version 2>&1 | sed -n '1s/.*version "\([0-9]*\).*/\1/p')
  fi
  if [ -x "$1/bin/javac" ]; then echo "$v"; fi
}

keelson_select_jdk() {
  local v best="" bestv=0 d seen=""
  if [ -n "${JAVA_HOME:-}" ]; then
    v=$(keelson_jdk_feature "$JAVA_HOME")
    if [ -n "$v" ] && [ "$v" -ge "$KEELSON_MIN_JDK" ]; then export JAVA_HOME; return 0; fi
    seen="JAVA_HOME=$JAVA_HOME (${v:-not a JDK})"
  fi
  for d in /usr/lib/jvm/*/; do
    d=${d%/}
    [ -L "$d" ] && continue
    v=$(keelson_jdk_feature "$d")
    [ -n "$v" ] || continue
    seen="$seen${seen:+, }$d ($v)"
    if [ "$v" -ge "$KEELSON_MIN_JDK" ] && [ "$v" -gt "$bestv" ]; then best=$d; bestv=$v; fi
  done
  if [ -z "$best" ]; then
    echo "keelson: needs a JDK $KEELSON_MIN_JDK or newer, found none (${seen:-no JDK under /usr/lib/jvm})." >&2
    echo "keelson: install one, e.g. 'apt-get install temurin-25-jdk' (Adoptium) or openjdk-25-jdk, or set JAVA_HOME." >&2
    return 1
  fi
  export JAVA_HOME="$best"
}
