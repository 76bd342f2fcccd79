# Sourced by the project's scripts: selects a JDK >= 21 (the build and services need it).
# Order: an already-suitable JAVA_HOME, then the newest JDK found under /usr/lib/jvm.
java_major() { "$1/bin/java" -version 2>&1 | sed -n 's/.*version "\([0-9]*\).*/\1/p' | head -1; }
if [ -z "${JAVA_HOME:-}" ] || [ "$(java_major "$JAVA_HOME")" -lt 21 ] 2>/dev/null; then
  for candidate in $(ls -d /usr/lib/jvm/*/ 2>/dev/null | sort -rV); do
    m=$(java_major "${candidate%/}")
    if [ -n "$m" ] && [ "$m" -ge 21 ]; then export JAVA_HOME="${candidate%/}"; break; fi
  done
fi
if [ -z "${JAVA_HOME:-}" ] || [ "$(java_major "$JAVA_HOME")" -lt 21 ] 2>/dev/null; then
  echo "error: no JDK 21+ found; install one (e.g. Temurin 25) and set JAVA_HOME" >&2
  return 1 2>/dev/null || exit 1
fi
export PATH="$JAVA_HOME/bin:$PATH"
