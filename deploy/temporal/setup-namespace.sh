#!/bin/sh
# One-shot `temporal-setup` service (temporalio/admin-tools image), run once the server accepts connections:
#   1. waits until the cluster reports healthy,
#   2. creates the namespace Herald uses (the plain temporalio/server image creates none),
#   3. registers Herald's custom search attributes (src/workflows/search-attributes.ts) in that namespace.
# Idempotent: existing namespaces and attributes are left alone. Herald's API and worker start after it succeeds.
set -eu

: "${TEMPORAL_ADDRESS:=temporal:7233}"
: "${TEMPORAL_NAMESPACE:=default}"
: "${TEMPORAL_NAMESPACE_RETENTION:=7d}"
ns=$TEMPORAL_NAMESPACE

# Use the server's IPv4 address: the CLI may otherwise try an IPv6 address the server does not listen on.
host=${TEMPORAL_ADDRESS%:*}
port=${TEMPORAL_ADDRESS##*:}
ip=$(getent ahosts "$host" 2>/dev/null | awk '/STREAM/ && $1 ~ /^[0-9.]+$/ { print $1; exit }')
addr="${ip:-$host}:$port"
echo "Temporal at $addr ($TEMPORAL_ADDRESS), namespace $ns"

# retry N CMD...: run CMD until it succeeds, at most N times, 3 s apart.
retry() {
  tries=$1
  shift
  n=0
  until "$@"; do
    n=$((n + 1))
    if [ "$n" -ge "$tries" ]; then
      echo "giving up after $tries attempts: $*" >&2
      return 1
    fi
    sleep 3
  done
}

retry 60 temporal operator cluster health --address "$addr"

if temporal operator namespace describe --address "$addr" --namespace "$ns" >/dev/null 2>&1; then
  echo "namespace $ns exists"
else
  echo "creating namespace $ns (retention $TEMPORAL_NAMESPACE_RETENTION)"
  retry 10 temporal operator namespace create --address "$addr" --namespace "$ns" --retention "$TEMPORAL_NAMESPACE_RETENTION"
fi

# name:type, as declared in src/workflows/search-attributes.ts.
attributes="PostId:Keyword UserId:Keyword Platform:Keyword AccountId:Keyword PublishStatus:Keyword PublishStatusSince:Datetime"

has_attribute() {
  temporal operator search-attribute list --address "$addr" --namespace "$ns" | grep -qw "$1"
}

for pair in $attributes; do
  name=${pair%%:*}
  type=${pair#*:}
  if has_attribute "$name"; then
    echo "search attribute $name exists"
  else
    echo "creating search attribute $name ($type)"
    # A namespace created a moment ago can take a few seconds to reach every service: retry.
    retry 20 temporal operator search-attribute create --address "$addr" --namespace "$ns" --name "$name" --type "$type"
  fi
done

for pair in $attributes; do
  retry 20 has_attribute "${pair%%:*}"
done
echo "Temporal namespace $ns is ready for Herald"
