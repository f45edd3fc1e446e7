#!/usr/bin/env bash
# Coverage-guided fuzzing of the parsers that see hostile bytes (src/test/java/org/fanmail/fuzz).
#
#   bench/fuzz.sh [seconds-per-target] [Class#method ...]
#
# Runs each @FuzzTest with JAZZER_FUZZ=1 for the given time (default 60 s), one JVM per target
# (Jazzer fuzzes one test per JVM), instrumenting only org.fanmail.**. The duration is passed as
# libFuzzer's -max_total_time through the JUnit configuration parameters jazzer.internal.arg.N,
# which Jazzer appends after the @FuzzTest(maxDuration) it derives from the annotation, so they
# win. Jazzer's generated corpus goes to .cifuzz-corpus/ (not checked in); a crashing input is
# written to src/test/resources/org/fanmail/fuzz/<Class>Inputs/<method>/crash-*, where plain
# ./mvnw test then replays it. Logs and the summary table go to bench/out/fuzz/.
set -uo pipefail
cd "$(dirname "$0")/.."
secs="${1:-60}"
shift || true
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  targets=(
    CommandLineDecoderFuzzTest#framing
    DataReaderFuzzTest#dataSection
    ChunkReaderFuzzTest#chunks
    PathArgumentFuzzTest#pathArgument
    EmailAddressFuzzTest#parse
    MessageHeadersFuzzTest#headerSection
    MessageHeadersFuzzTest#bounds
    HeaderDecoratorFuzzTest#decorate
    DmarcCopyFuzzTest#copy
    BounceParserFuzzTest#parse
  )
fi
out=bench/out/fuzz
mkdir -p "$out"
./mvnw -B -q test-compile -Dspotless.check.skip=true >/dev/null || exit 1
summary="$out/summary.md"
{
  echo "| target | seconds | executions | exec/s | cov | ft | corpus | result |"
  echo "| --- | --- | --- | --- | --- | --- | --- | --- |"
} >"$summary"
status=0
for t in "${targets[@]}"; do
  log="$out/${t//#/_}.log"
  echo "== $t (${secs}s)"
  JAZZER_FUZZ=1 JAZZER_INSTRUMENTATION_INCLUDES='org.fanmail.**' \
    ./mvnw -B test -Dspotless.check.skip=true -Dsurefire.failIfNoSpecifiedTests=false \
    -Dtest="$t" -Djazzer.internal.arg.0=fuzz -Djazzer.internal.arg.1="-max_total_time=$secs" \
    >"$log" 2>&1
  rc=$?
  # libFuzzer's last status line: "#N  DONE|pulse|NEW cov: C ft: F corp: K/… exec/s: E …"
  last=$(grep -aE '^#[0-9]+' "$log" | tail -1)
  execs=$(grep -aoE 'Done [0-9]+ runs' "$log" | tail -1 | grep -oE '[0-9]+')
  [ -z "$execs" ] && execs=$(echo "$last" | grep -oE '^#[0-9]+' | tr -d '#')
  took=$(grep -aoE 'runs in [0-9]+ second' "$log" | tail -1 | grep -oE '[0-9]+')
  cov=$(echo "$last" | grep -oE 'cov: [0-9]+' | grep -oE '[0-9]+')
  ft=$(echo "$last" | grep -oE 'ft: [0-9]+' | grep -oE '[0-9]+')
  corp=$(echo "$last" | grep -oE 'corp: [0-9]+' | grep -oE '[0-9]+')
  rate=$(echo "$last" | grep -oE 'exec/s: [0-9]+' | grep -oE '[0-9]+')
  result=ok
  if [ $rc -ne 0 ]; then
    result="FINDING (see $log)"
    status=1
  fi
  echo "| $t | ${took:-$secs} | ${execs:-?} | ${rate:-?} | ${cov:-?} | ${ft:-?} | ${corp:-?} | $result |" \
    | tee -a "$summary"
done
echo
cat "$summary"
exit $status
