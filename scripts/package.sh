#!/usr/bin/env bash
# Builds the hook's two deployable artifacts into dist/ (docs/hook.md says how each is registered):
#   dist/rcfge-hook-<arch>.zip        the Lambda (provided.al2023, `bootstrap` at the zip root), for
#                                     the Lambda hook (AWS::CloudFormation::LambdaHook);
#   dist/rcfge-config-enforcer.zip    the schema handler package of the registered hook
#                                     Rcfge::Config::Enforcer, laid out as `cfn submit` builds it.
# Usage: scripts/package.sh [arm64|x86_64]   (default arm64; amd64 means x86_64)
# Zips are reproducible: fixed timestamps, no extra attributes, sorted entries.
set -euo pipefail

die() {
	echo "package.sh: $*" >&2
	exit 2
}

arch=${1:-arm64}
case $arch in
arm64) goarch=arm64 ;;
x86_64 | amd64) arch=x86_64 goarch=amd64 ;;
*) die "architecture must be arm64 or x86_64, not $arch" ;;
esac
# zip, unzip and jq come from Debian's packages when missing (a fresh machine may lack them).
need=()
for tool in zip unzip jq; do command -v "$tool" >/dev/null || need+=("$tool"); done
if ((${#need[@]})); then
	command -v apt-get >/dev/null || die "${need[*]} required; install them with your package manager"
	sudo=""
	[[ $(id -u) == 0 ]] || sudo=sudo
	$sudo apt-get update -qq && $sudo apt-get install -y -qq "${need[@]}" >/dev/null || die "could not install ${need[*]}"
fi

cd "$(dirname "$0")/.."
dist=dist
stamp=2000-01-01T00:00:00Z
# lambda.norpc drops the legacy go1.x RPC mode (net/rpc, gob, templates): about 6 MB.
build() { # build GOARCH OUT
	CGO_ENABLED=0 GOOS=linux GOARCH=$1 go build -tags lambda.norpc -trimpath -ldflags='-s -w -buildid=' -o "$2" ./hook/cmd/bootstrap
	touch -d "$stamp" "$2"
}
mkdir -p "$dist"

# 1. The Lambda zip.
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/lambda"
build "$goarch" "$work/lambda/bootstrap"
lambda_zip=$dist/rcfge-hook-$arch.zip
rm -f "$lambda_zip"
(cd "$work/lambda" && zip -q -X "$OLDPWD/$lambda_zip" bootstrap)

# 2. The schema handler package. The registry runs Go handlers on x86_64, so its bootstrap is
# built for amd64 whatever the Lambda's architecture.
pkg=$work/package
mkdir -p "$pkg/bin" "$pkg/inputs"
if [[ $goarch == amd64 ]]; then
	cp -p "$work/lambda/bootstrap" "$pkg/bin/bootstrap"
else
	build amd64 "$pkg/bin/bootstrap"
fi
(cd "$pkg/bin" && zip -q -X ../handler.zip bootstrap)
rm -rf "$pkg/bin"
cp .rpdk-config "$pkg/.rpdk-config"
cp rcfge-config-enforcer.json "$pkg/schema.json"
jq '{typeName, definitions} + .typeConfiguration' rcfge-config-enforcer.json >"$pkg/configuration-schema.json"
cp inputs/*.json "$pkg/inputs/"
jq -n --arg v "$(git describe --always --dirty --tags 2>/dev/null || echo unknown)" \
	'{"cli-version": "rcfge scripts/package.sh", "plugin-name": "go", "rcfge-version": $v}' >"$pkg/.cfn_metadata.json"
find "$pkg" -exec touch -d "$stamp" {} +
handler_zip=$dist/rcfge-config-enforcer.zip
rm -f "$handler_zip"
# Stored, not deflated, as `cfn submit` writes it.
(cd "$pkg" && find . -type f | sed 's|^\./||' | LC_ALL=C sort | zip -q -X -0 "$OLDPWD/$handler_zip" -@)

size() { stat -c %s "$1"; }
echo "$lambda_zip: $(size "$lambda_zip") bytes (bootstrap $(size "$work/lambda/bootstrap") bytes, linux/$goarch)"
echo "$handler_zip: $(size "$handler_zip") bytes"
unzip -l "$handler_zip" | sed 's/^/  /'
