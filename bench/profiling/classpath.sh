#!/bin/sh
# Prints a classpath for the profiling drivers and the benchmark made of THIS checkout's classes
# (build first: mvn -B -q -pl bench -am package -DskipTests) and the external dependencies:
# never the hubgate jars that some other build may have installed in ~/.m2.
set -e
root=$(cd "$(dirname "$0")/../.." && pwd)
deps=$(mktemp)
# With -am every module writes the file in turn; bench, built last, has the full set. The compile
# phase lets the reactor resolve the sibling modules (common, ...) to their target/classes.
(cd "$root" && mvn -B -q -Dstyle.color=never -pl bench -am compile dependency:build-classpath -Dmdep.outputFile="$deps" >/dev/null)
external=$(tr ':' '\n' < "$deps" | grep -v '/io/hubgate/' | paste -sd: -)
rm -f "$deps"
echo "$root/bench/target/classes:$root/server/target/classes:$root/emulator/target/classes:$root/common/target/classes:$root/proto/target/classes:$external"
