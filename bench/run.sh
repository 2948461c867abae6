#!/usr/bin/env bash
# Reproduces docs/benchmarks.md: builds tftpnano natively (AOT, as a field tool would ship), installs
# the peers if needed, and runs the benchmark. Takes about three quarters of an hour on two cores.
# With --fleet, rewrites only the fleet table of docs/benchmarks.md (N clients at once against each
# server; --quick: N = 50 only).
# With --crypto, reproduces docs/verification-cost.md instead (SHA-256 and RSA; about a minute).
# With --device [--compare REVISION], reproduces docs/device-costs.md: the device's work in IL
# instructions in nanoCLR, with the kit at ../shared/nanoframework-sdk (a few minutes).
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "${1:-}" = "--device" ]; then
    export TFTPNANO_BENCH_COMMAND="bash bench/run.sh $*"
    exec dotnet run -c Release --project bench/TftpNano.Bench -- "$@" --out docs/device-costs.md
fi
if [ "${1:-}" = "--crypto" ]; then
    export TFTPNANO_BENCH_COMMAND="bash bench/run.sh --crypto"
    exec dotnet run -c Release --project bench/TftpNano.Bench -- --crypto --out docs/verification-cost.md
fi
command -v atftp >/dev/null && command -v in.tftpd >/dev/null && [ -x tests/peers/.local/usr/sbin/atftpd ] || bash tests/peers/install.sh
dotnet publish src/TftpNano.Cli -c Release -r linux-x64 -p:PublishAot=true -o artifacts/aot >/dev/null
export TFTPNANO_BENCH_COMMAND="bash bench/run.sh $*"
dotnet run -c Release --project bench/TftpNano.Bench -- --tftpnano artifacts/aot/tftpnano --out docs/benchmarks.md "$@"
