#!/bin/sh
# Sustained upload throughput of the Discord chunk store against the emulator.
# Usage: bench/discord/run.sh [--channels 1,3,6] [--chunk-bytes 10485760] [--windows 6] [--limit 5/5s]
# See bench/discord/README.md for what it measures and how to read it.
set -eu
cd "$(dirname "$0")/../.."

# Build the test classes when they are missing or older than a source file.
if [ ! -f target/test-classes/io/attache/store/discord/UploadThroughputBench.class ] \
   || [ -n "$(find src pom.xml -newer target/test-classes/io/attache/store/discord/UploadThroughputBench.class -type f | head -n 1)" ]; then
  mvn -q -o test-compile 2>/dev/null || mvn -q test-compile
fi
if [ ! -f target/bench-classpath.txt ] || [ pom.xml -nt target/bench-classpath.txt ]; then
  mvn -q -o dependency:build-classpath -Dmdep.outputFile=target/bench-classpath.txt 2>/dev/null \
    || mvn -q dependency:build-classpath -Dmdep.outputFile=target/bench-classpath.txt
fi

exec java -Xmx2g -XX:+UseG1GC \
  -cp "target/test-classes:target/classes:$(cat target/bench-classpath.txt)" \
  io.attache.store.discord.UploadThroughputBench "$@"
