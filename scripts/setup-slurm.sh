#!/usr/bin/env bash
# Installs Slurm and munge (slurmctld, slurmd, slurm-client, munge) with apt-get, for the test
# that runs sweeps on a real single-node Slurm cluster (Tests/SuanliTests/SlurmClusterTests.swift,
# through scripts/slurm/start.sh). Nothing is configured or started here: no service is enabled,
# and the test starts its own private daemons. Idempotent: does nothing when every program is there.
# Not root: installs nothing, says the Slurm test will be skipped, and succeeds.
set -euo pipefail

PACKAGES=(slurmctld slurmd slurm-client munge)
PROGRAMS=(slurmctld slurmd sbatch squeue sinfo scancel munged)

say() { echo "setup-slurm: $*" >&2; }

have() { command -v "$1" >/dev/null 2>&1 || [ -x "/usr/sbin/$1" ] || [ -x "/sbin/$1" ]; }

missing() {
    local p out=()
    for p in "${PROGRAMS[@]}"; do have "$p" || out+=("$p"); done
    echo "${out[*]:-}"
}

absent="$(missing)"
if [ -z "$absent" ]; then
    exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
    say "Slurm is not installed ($absent missing) and this is not root: nothing installed;" \
        "the Slurm cluster test will be skipped (as root: scripts/setup-slurm.sh)"
    exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
    say "Slurm is not installed ($absent missing) and there is no apt-get: install ${PACKAGES[*]}" \
        "with your package manager, or the Slurm cluster test will be skipped"
    exit 0
fi

APT=(apt-get -o DPkg::Lock::Timeout=600)
export DEBIAN_FRONTEND=noninteractive

# A package is installable when apt knows a candidate version for it; refresh the lists only if not.
installable() {
    local p candidate
    for p in "${PACKAGES[@]}"; do
        candidate="$(apt-cache policy "$p" 2>/dev/null | awk '/Candidate:/ { print $2 }')"
        [ -n "$candidate" ] && [ "$candidate" != "(none)" ] || return 1
    done
}
if ! installable; then
    say "refreshing the package lists (apt-get update)"
    "${APT[@]}" update -qq
fi

say "installing ${PACKAGES[*]} with apt-get ($absent missing)"
LOG="$(mktemp)"
trap 'rm -f "$LOG"' EXIT
"${APT[@]}" install -y -qq --no-install-recommends "${PACKAGES[@]}" >"$LOG" 2>&1 \
    || { cat "$LOG" >&2; say "apt-get install failed"; exit 1; }

absent="$(missing)"
if [ -n "$absent" ]; then
    say "still missing after installing: $absent"
    exit 1
fi
say "Slurm ready (slurm-client $(dpkg-query -W -f='${Version}' slurm-client 2>/dev/null || echo '?'))"
