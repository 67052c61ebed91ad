# Sourced by ./mvnw, ./switchboard and .ci/run: exports JAVA_HOME pointing at a JDK >= 21.
# The machine's default java may be 17 (Helidon 4 needs 21), so look around before giving up.
# Order: $JAVA_HOME, the java on PATH, then the usual install folders (newest first).
__sb_java_major() { # prints the major version of the java binary in $1, or nothing
  "$1" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = \([0-9]*\).*/\1/p' | head -n 1
}
__sb_find_jdk() {
  local candidate major
  for candidate in ${JAVA_HOME:+"$JAVA_HOME"} \
      "$(dirname "$(dirname "$(readlink -f "$(command -v java 2>/dev/null || echo /nonexistent)")")")" \
      $(ls -1d /usr/lib/jvm/* /usr/java/* /opt/java/* "$HOME"/.sdkman/candidates/java/* "$HOME"/.jdks/* 2>/dev/null | sort -rV); do
    [ -x "$candidate/bin/java" ] && [ -x "$candidate/bin/javac" ] || continue
    major=$(__sb_java_major "$candidate/bin/java")
    if [ -n "$major" ] && [ "$major" -ge 21 ]; then
      echo "$candidate"; return 0
    fi
  done
  return 1
}
if __sb_jdk=$(__sb_find_jdk); then
  export JAVA_HOME="$__sb_jdk"
else
  echo "switchboard: no JDK 21 or newer found (looked at JAVA_HOME, PATH, /usr/lib/jvm, /usr/java, /opt/java, ~/.sdkman, ~/.jdks)." >&2
  echo "switchboard: install one, e.g. 'apt-get install -y openjdk-21-jdk-headless' (Debian/Ubuntu) or Temurin 21+, or set JAVA_HOME." >&2
  exit 1
fi
unset __sb_jdk
