#!/bin/sh
# Runs the Discord emulator as its own process on 127.0.0.1. It prints the ATTACHE_DISCORD_*
# environment an Attache server needs, then READY, and serves until killed. Standard output
# carries nothing else (the build's output goes to standard error).
# Usage: bench/discord/emulator.sh [--channels 6] [--create 5/5s] [--fault STATUS_503@MESSAGE_CREATE:0.02] ...
# All options: see the Javadoc of io.attache.store.discord.emulator.DiscordEmulatorMain.
set -eu
cd "$(dirname "$0")/../.."
MAIN=target/test-classes/io/attache/store/discord/emulator/DiscordEmulatorMain.class
if [ ! -f "$MAIN" ] || [ -n "$(find src pom.xml -newer "$MAIN" -type f | head -n 1)" ]; then
  { mvn -q -o test-compile 2>/dev/null || mvn -q test-compile; } >&2
fi
if [ ! -f target/bench-classpath.txt ] || [ pom.xml -nt target/bench-classpath.txt ]; then
  { mvn -q -o dependency:build-classpath -Dmdep.outputFile=target/bench-classpath.txt 2>/dev/null \
    || mvn -q dependency:build-classpath -Dmdep.outputFile=target/bench-classpath.txt; } >&2
fi
exec java -Xmx2g -cp "target/test-classes:target/classes:$(cat target/bench-classpath.txt)" \
  io.attache.store.discord.emulator.DiscordEmulatorMain "$@"
