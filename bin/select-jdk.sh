# Sourced by ./mvnw, ./limbic and the bench/CI scripts: makes JAVA_HOME point at a JDK 25+.
# Order: JAVA_HOME if it is 25+, else /usr/lib/jvm/temurin-25-jdk-amd64, else stop with what to install.
limbic_java_major() {
  # prints the feature version of "$1/bin/java" (e.g. 25), or nothing
  [ -x "$1/bin/java" ] || return 0
  "$1/bin/java" -XshowSettings:properties -version 2>&1 \
    | sed -n 's/^ *java\.specification\.version = \([0-9][0-9]*\).*/\1/p' | head -n 1
}
limbic_select_jdk() {
  local major
  if [ -n "${JAVA_HOME:-}" ]; then
    major=$(limbic_java_major "$JAVA_HOME")
    if [ -n "$major" ] && [ "$major" -ge 25 ]; then export JAVA_HOME; return 0; fi
  fi
  for candidate in /usr/lib/jvm/temurin-25-jdk-amd64 /usr/lib/jvm/temurin-25-jdk /usr/lib/jvm/java-25-openjdk-amd64; do
    major=$(limbic_java_major "$candidate")
    if [ -n "$major" ] && [ "$major" -ge 25 ]; then export JAVA_HOME="$candidate"; return 0; fi
  done
  echo "limbic: JDK 25 or newer is required (JAVA_HOME=${JAVA_HOME:-unset} is not one, and /usr/lib/jvm/temurin-25-jdk-amd64 is missing)." >&2
  echo "limbic: install Temurin 25 (e.g. 'apt-get install temurin-25-jdk' from the Adoptium repository) or set JAVA_HOME to a JDK 25." >&2
  return 1
}
limbic_select_jdk || exit 1
