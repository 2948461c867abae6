#!/usr/bin/env bash
# tools/pack.sh OUTDIR: builds the core (src/TftpNano/TftpNano.nfproj) in Release with the nanoFramework
# kit and writes OUTDIR/TftpNano.<version>.nupkg, the package nanoFramework applications reference.
#   version       src/TftpNano/Properties/AssemblyInfo.cs, AssemblyInformationalVersion (the .pe's own)
#   dependencies  src/TftpNano/packages.config: the nanoFramework packages the core is built against
#   repository    the clone's origin, when it is a URL, and HEAD
# The kit is found where NANOFRAMEWORK_SDK points, else at ../shared/nanoframework-sdk beside the
# repository. Needs the .NET SDK (dotnet pack writes the package from the nuspec).
set -euo pipefail
[ $# -eq 1 ] || { echo "usage: tools/pack.sh OUTDIR" >&2; exit 2; }
repo=$(cd "$(dirname "$0")/.." && pwd)
kit=${NANOFRAMEWORK_SDK:-$repo/../shared/nanoframework-sdk}
[ -x "$kit/bin/nf-build" ] || { echo "pack.sh: no nanoFramework kit at $kit; set NANOFRAMEWORK_SDK" >&2; exit 2; }
mkdir -p "$1"
out=$(cd "$1" && pwd)
core=$repo/src/TftpNano

version=$(sed -n 's/^\[assembly: AssemblyInformationalVersion("\([^"]*\)")\]/\1/p' "$core/Properties/AssemblyInfo.cs")
[ -n "$version" ] || { echo "pack.sh: no AssemblyInformationalVersion in $core/Properties/AssemblyInfo.cs" >&2; exit 1; }

# nf-build writes bin/, obj/ and packages/ beside the project: build a copy of the sources.
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/src"
cp -r "$core" "$work/src/TftpNano"
rm -rf "$work/src/TftpNano/bin" "$work/src/TftpNano/obj"
"$kit/bin/nf-build" -c Release "$work/src/TftpNano/TftpNano.nfproj" >"$work/build.log" 2>&1 || { cat "$work/build.log" >&2; exit 1; }
if grep -q ": warning \|: error " "$work/build.log"; then
  grep ": warning \|: error " "$work/build.log" >&2
  echo "pack.sh: the core must build without warnings" >&2
  exit 1
fi
cp "$repo/README.md" "$work/src/TftpNano/README.md"

dependencies=$(sed -n 's:.*<package id="\([^"]*\)" version="\([^"]*\)".*:      <dependency id="\1" version="\2" />:p' "$core/packages.config")
# NuGet keeps a repository element only with a URL: a clone whose origin is a local path, or that has
# none, names no repository rather than an invented one.
url=$(git -C "$repo" remote get-url origin 2>/dev/null || true)
case $url in https://* | http://* | ssh://* | git@*) ;; *) url= ;; esac
repository=
if [ -n "$url" ]; then
  repository="<repository type=\"git\" url=\"$url\" commit=\"$(git -C "$repo" rev-parse HEAD)\" />"
fi

export version dependencies repository
awk '{
  if (index($0, "$dependencies$")) { print ENVIRON["dependencies"]; next }
  gsub(/\$version\$/, ENVIRON["version"]); gsub(/\$repository\$/, ENVIRON["repository"]); print
}' "$core/TftpNano.nuspec" >"$work/src/TftpNano/TftpNano.nuspec"

# dotnet pack writes a package from a nuspec through a project; this one compiles nothing.
mkdir "$work/pack"
cat >"$work/pack/pack.csproj" <<PROJECT
<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup>
    <TargetFramework>net10.0</TargetFramework>
    <EnableDefaultItems>false</EnableDefaultItems>
    <IncludeBuildOutput>false</IncludeBuildOutput>
    <NuspecFile>../src/TftpNano/TftpNano.nuspec</NuspecFile>
    <NuspecBasePath>../src/TftpNano</NuspecBasePath>
  </PropertyGroup>
</Project>
PROJECT
dotnet pack "$work/pack/pack.csproj" -o "$out" --nologo -v:quiet >"$work/pack.log" 2>&1 || { cat "$work/pack.log" >&2; exit 1; }
[ -f "$out/TftpNano.$version.nupkg" ] || { cat "$work/pack.log" >&2; echo "pack.sh: no $out/TftpNano.$version.nupkg" >&2; exit 1; }
echo "$out/TftpNano.$version.nupkg"
