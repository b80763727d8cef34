#!/usr/bin/env bash
# Publish rcfge to S3, each object with a SHA-256 checksum that S3 verifies on upload and that is
# checked again after it, plus a manifest. Run it as the pipeline role (names.pipelineRoleName):
# the bucket policies deny every other principal writes.
#
#   scripts/publish.sh [templates] [artifacts]     (default: templates; `make publish` runs that)
#
# templates  The restricted templates of TEMPLATES_DIR (<Type>.json, and accounts/<id>/<Type>.json
#            overrides) to s3://BUCKET/PREFIX/, after `rcfge schemas lint` passed on them, in
#            the compact form `rcfge schemas compact` writes (no descriptions or provider
#            metadata: the hook never reads them).
#            Templates in S3 that are no longer in TEMPLATES_DIR are deleted: a type whose
#            template was removed is no longer approved (versioning keeps the old object).
#            PREFIX/manifest.json lists every key with its SHA-256, size and the git commit.
# artifacts  What the stacks deploy, to the regional artifacts bucket
#            <ARTIFACTS_BUCKET_PREFIX>-<ACCOUNT>-<region> of each region in REGIONS, under
#            <kind>/<VERSION>/: the stacksets/*.yaml templates, the hook's Lambda zip and
#            schema handler package (`make package`), and the svcref job zip built here. Prints
#            the stack parameters (MemberTemplateUrl, HookCodeKey, ...) to use.
#
# Environment (defaults in brackets; bucket and prefix come from scp/rcfge.yaml's names block):
#   BUCKET [<templatesBucketName>-<ACCOUNT>: the admin account's own bucket, whose name no other
#   account can register first]  PREFIX [templatesPrefix]  TEMPLATES_DIR [schemas] (paths are
#   relative to the repository root)
#   RCFGE [bin/rcfge]  ENDPOINT_URL [] (an S3-compatible endpoint)  DRY_RUN [] (1: print only)
#   REGIONS [] (artifacts: space or comma separated, the admin stack's HomeRegion first)
#   ACCOUNT [the caller's account]
#   ARTIFACTS_BUCKET_PREFIX [rcfge-artifacts]  LAMBDA_ARCH [arm64]  VERSION [git describe]
#   ALLOW_DIRTY [] (1: publish artifacts from a modified work tree)
#   DIST [dist] (where the job zip is built)  HOOK_ZIP [dist/rcfge-hook-<arch>.zip]
#   HANDLER_PACKAGE [dist/rcfge-config-enforcer.zip]
set -euo pipefail

cd "$(dirname "$0")/.."

die() {
	echo "publish: $*" >&2
	exit 1
}

# name reads one key of the names block of scp/rcfge.yaml, the single source of truth.
name() {
	local v
	v=$(sed -n "s/^  $1:[[:space:]]*\([^[:space:]#]*\).*/\1/p" scp/rcfge.yaml)
	[[ -n $v ]] || die "scp/rcfge.yaml has no names.$1"
	printf '%s' "$v"
}

command -v aws >/dev/null || die "the aws CLI is required"
aws_s3=(aws)
[[ -n ${ENDPOINT_URL:-} ]] && aws_s3+=(--endpoint-url "$ENDPOINT_URL")

run() {
	if [[ -n ${DRY_RUN:-} ]]; then
		printf 'dry run:'
		printf ' %q' "$@"
		printf '\n'
	else
		"$@"
	fi
}

# sha256_b64 prints a file's SHA-256 the way S3 reports ChecksumSHA256.
sha256_b64() {
	openssl dgst -sha256 -binary "$1" | base64
}

# upload copies a file with a SHA-256 checksum and checks what S3 stored against it.
upload() {
	local file=$1 bucket=$2 key=$3 content_type=$4 want got
	want=$(sha256_b64 "$file")
	run "${aws_s3[@]}" s3 cp --only-show-errors --checksum-algorithm SHA256 \
		--content-type "$content_type" "$file" "s3://$bucket/$key"
	[[ -n ${DRY_RUN:-} ]] && return 0
	got=$("${aws_s3[@]}" s3api head-object --bucket "$bucket" --key "$key" --checksum-mode ENABLED \
		--query ChecksumSHA256 --output text)
	[[ $got == "$want" ]] || die "s3://$bucket/$key: S3 holds SHA-256 $got, the file has $want"
	echo "published s3://$bucket/$key sha256:$want"
}

git_commit() {
	git rev-parse HEAD 2>/dev/null || echo unknown
}

# manifest_entry prints one JSON object of the manifest's files list.
manifest_entry() {
	local file=$1 key=$2
	printf '    {"key": "%s", "sha256": "%s", "size": %d}' \
		"$key" "$(sha256sum "$file" | cut -d' ' -f1)" "$(wc -c <"$file")"
}

publish_templates() {
	local bucket=${BUCKET:-} prefix=${PREFIX:-$(name templatesPrefix)}
	if [[ -z $bucket ]]; then
		local account=${ACCOUNT:-}
		if [[ -z $account ]]; then
			account=$(aws sts get-caller-identity --query Account --output text) || die "cannot tell the account; set ACCOUNT or BUCKET"
		fi
		bucket=$(name templatesBucketName)-$account
	fi
	local dir=${TEMPLATES_DIR:-schemas} rcfge=${RCFGE:-bin/rcfge}
	prefix=${prefix%/}
	[[ -d $dir ]] || die "templates folder $dir does not exist"
	[[ -x $rcfge ]] || die "$rcfge is not built (make build)"

	local files=() f rel
	shopt -s nullglob
	for f in "$dir"/*.json "$dir"/accounts/*/*.json; do
		rel=${f#"$dir"/}
		if [[ $rel =~ ^(accounts/[0-9]{12}/)?[A-Za-z0-9]+-[A-Za-z0-9]+-[A-Za-z0-9]+\.json$ ]]; then
			files+=("$rel")
		else
			die "$f is not named <Service>-<Provider>-<Type>.json (or accounts/<12-digit id>/...)"
		fi
	done
	shopt -u nullglob
	((${#files[@]})) || die "no templates in $dir"

	# Never publish what the linter rejects: the hook would load it into every account.
	"$rcfge" schemas lint "$dir" >&2 || die "rcfge schemas lint $dir failed; nothing published"

	local work
	work=$(mktemp -d)
	trap 'rm -rf "$work"' RETURN
	# What is published is the compact form: the hook never reads descriptions and provider
	# metadata, and pays for every byte of them on each cold type. The repository keeps them.
	"$rcfge" schemas compact "$dir" --out "$work/templates" >&2 || die "rcfge schemas compact $dir failed; nothing published"
	local published=$work/templates
	for rel in "${files[@]}"; do
		[[ -f $published/$rel ]] || die "rcfge schemas compact wrote no $rel; nothing published"
	done
	{
		printf '{\n  "publishedAt": "%s",\n  "gitCommit": "%s",\n  "bucket": "%s",\n  "prefix": "%s",\n  "files": [\n' \
			"$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$(git_commit)" "$bucket" "$prefix"
		local sep=""
		for rel in "${files[@]}"; do
			printf '%s' "$sep"
			manifest_entry "$published/$rel" "$prefix/$rel"
			sep=$',\n'
		done
		printf '\n  ]\n}\n'
	} >"$work/manifest.json"

	for rel in "${files[@]}"; do
		upload "$published/$rel" "$bucket" "$prefix/$rel" application/json
	done

	# Withdraw the approvals that are gone locally.
	local remote key keep
	remote=$("${aws_s3[@]}" s3api list-objects-v2 --bucket "$bucket" --prefix "$prefix/" \
		--query 'Contents[].Key' --output text) || die "cannot list s3://$bucket/$prefix/"
	for key in $remote; do
		[[ $key == None || $key == "$prefix/manifest.json" ]] && continue
		keep=""
		for rel in "${files[@]}"; do
			[[ $key == "$prefix/$rel" ]] && keep=1 && break
		done
		if [[ -z $keep ]]; then
			run "${aws_s3[@]}" s3 rm --only-show-errors "s3://$bucket/$key"
			echo "withdrew s3://$bucket/$key (no longer in $dir)"
		fi
	done

	upload "$work/manifest.json" "$bucket" "$prefix/manifest.json" application/json
}

publish_artifacts() {
	local regions=${REGIONS:-} arch=${LAMBDA_ARCH:-arm64} bucket_prefix=${ARTIFACTS_BUCKET_PREFIX:-rcfge-artifacts}
	regions=${regions//,/ }
	[[ -n ${regions// /} ]] || die "REGIONS is required for artifacts (e.g. REGIONS='eu-west-1 us-east-1')"
	local goarch
	case $arch in
	arm64) goarch=arm64 ;;
	x86_64 | amd64) arch=x86_64 goarch=amd64 ;;
	*) die "LAMBDA_ARCH must be arm64 or x86_64, not $arch" ;;
	esac
	local version=${VERSION:-$(git describe --always --dirty --tags 2>/dev/null || true)}
	[[ -n $version ]] || die "VERSION is required outside a git work tree"
	[[ $version == *-dirty && -z ${ALLOW_DIRTY:-} ]] &&
		die "the work tree has changes; commit them (or set ALLOW_DIRTY=1 for a test publish)"
	[[ $version =~ ^[A-Za-z0-9._-]+$ ]] || die "VERSION $version must be a plain key segment"
	local account=${ACCOUNT:-}
	if [[ -z $account ]]; then
		account=$(aws sts get-caller-identity --query Account --output text) || die "cannot tell the account; set ACCOUNT"
	fi

	local hook_zip=${HOOK_ZIP:-dist/rcfge-hook-$arch.zip} handler_zip=${HANDLER_PACKAGE:-dist/rcfge-config-enforcer.zip}
	[[ -f $hook_zip ]] || die "$hook_zip is missing: run make package LAMBDA_ARCH=$arch"
	[[ -f $handler_zip ]] || die "$handler_zip is missing: run make package"

	# The svcref job: bootstrap plus a static linux rcfge, zipped without timestamps.
	local dist=${DIST:-dist}
	local job_dir=$dist/svcref-job job_zip=$dist/rcfge-svcref-job-$arch.zip
	rm -rf "$job_dir" "$job_zip"
	mkdir -p "$job_dir/bin"
	CGO_ENABLED=0 GOOS=linux GOARCH=$goarch go build -trimpath -ldflags='-s -w' -o "$job_dir/bin/rcfge" ./tools/rcfge
	install -m 0755 stacksets/svcref-job/bootstrap "$job_dir/bootstrap"
	touch -d 2000-01-01T00:00:00Z "$job_dir/bootstrap" "$job_dir/bin" "$job_dir/bin/rcfge"
	(cd "$job_dir" && zip -q -X -r "../${job_zip##*/}" bootstrap bin)

	local region bucket t
	for region in $regions; do
		bucket="$bucket_prefix-$account-$region"
		for t in stacksets/*.yaml; do
			upload "$t" "$bucket" "stacksets/$version/${t#stacksets/}" application/x-yaml
		done
		upload "$hook_zip" "$bucket" "hook/$version/${hook_zip##*/}" application/zip
		upload "$handler_zip" "$bucket" "hook/$version/${handler_zip##*/}" application/zip
		upload "$job_zip" "$bucket" "svcref-job/$version/${job_zip##*/}" application/zip
	done

	local first=${regions%% *}
	first=${first## }
	cat <<EOF
Parameters for this release ($version):
  MemberTemplateUrl=https://$bucket_prefix-$account-$first.s3.$first.amazonaws.com/stacksets/$version/member.yaml
  HookCodeKey=hook/$version/${hook_zip##*/}
  SchemaHandlerPackageKey=hook/$version/${handler_zip##*/}
  JobCodeKey=svcref-job/$version/${job_zip##*/}
  HookArchitecture=$arch
EOF
}

targets=("$@")
((${#targets[@]})) || targets=(templates)
for target in "${targets[@]}"; do
	case $target in
	templates) publish_templates ;;
	artifacts) publish_artifacts ;;
	*) die "unknown target $target (templates or artifacts)" ;;
	esac
done
