#!/usr/bin/env bash
# Reproduces docs/benchmarks.md: builds tftpnano natively (AOT, as a field tool would ship), installs
# the peers if needed, and runs the benchmark. Takes about half an hour on two cores.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v atftp >/dev/null && command -v in.tftpd >/dev/null && [ -x tests/peers/.local/usr/sbin/atftpd ] || bash tests/peers/install.sh
dotnet publish src/TftpNano.Cli -c Release -r linux-x64 -p:PublishAot=true -o artifacts/aot >/dev/null
export TFTPNANO_BENCH_COMMAND="bash bench/run.sh $*"
dotnet run -c Release --project bench/TftpNano.Bench -- --tftpnano artifacts/aot/tftpnano --out docs/benchmarks.md "$@"
