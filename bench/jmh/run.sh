#!/usr/bin/env bash
# JMH micro-benchmarks: AES-256-GCM segments (JDK provider vs Bouncy Castle's pure-Java engine),
# range math, and the chunk pipeline without I/O. Usage: bench/jmh/run.sh [JMH options], e.g.
#   bench/jmh/run.sh CryptoBench -f 1 -wi 3 -i 5
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
mvn -q -B -f "$here/../../pom.xml" install -DskipTests
mvn -q -B -f "$here/pom.xml" package
exec java -jar "$here/target/attache-jmh.jar" "$@"
