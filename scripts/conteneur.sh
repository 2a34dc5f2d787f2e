#!/usr/bin/env bash
# Builds the image of the Dockerfile, starts it on the deliberations of this
# repository, waits for GET /pret, prices a family, stops it (docs/exploitation.md).
#
#   scripts/conteneur.sh            docker or podman, whichever runs here
#
# Where docker.io is out of reach (a machine that only reaches Debian's packages), the
# images are made here: a Debian base by debootstrap (localhost/debian-base:bookworm,
# with gcc for the build stage), and the build stage given this machine's Rust
# toolchain (~/.rustup, ~/.cargo) as volumes. Where no container runtime can start a
# container (a sandbox without the rights crun needs), the image is still built, and
# its file system is started with chroot as the image's user: the binary, its
# libraries and the user of the image are what is checked, not the runtime.
set -euo pipefail
cd "$(dirname "$0")/.."

engine=""
for candidate in docker podman; do
  if command -v "$candidate" >/dev/null 2>&1 && "$candidate" info >/dev/null 2>&1; then
    engine=$candidate
    break
  fi
done
if [ -z "$engine" ]; then
  echo "aucun moteur de conteneurs ne fonctionne ici (docker, podman) : apt-get install podman" >&2
  exit 2
fi
echo "moteur : $engine"

build_args=()
if ! timeout 10 "$engine" pull -q docker.io/library/debian:bookworm-slim >/dev/null 2>&1; then
  echo "docker.io injoignable : images de base construites ici (debootstrap)"
  if ! "$engine" image exists localhost/debian-base:bookworm 2>/dev/null; then
    command -v debootstrap >/dev/null || { echo "debootstrap manque : apt-get install debootstrap" >&2; exit 2; }
    root=$(mktemp -d)
    debootstrap --variant=minbase --include=gcc,libc6-dev bookworm "$root/rootfs" http://deb.debian.org/debian >/dev/null
    tar -C "$root/rootfs" -c . | "$engine" import - localhost/debian-base:bookworm >/dev/null
    rm -rf "$root"
  fi
  build_args=(--build-arg RUST_IMAGE=localhost/debian-base:bookworm
              --build-arg BASE_IMAGE=localhost/debian-base:bookworm
              -v "$HOME/.rustup:/usr/local/rustup" -v "$HOME/.cargo:/usr/local/cargo")
  [ "$engine" = podman ] && build_args+=(--isolation chroot)
fi
# podman keeps HEALTHCHECK only in the docker image format.
if [ "$engine" = podman ]; then
  build_args+=(--format docker)
fi

start=$(date +%s)
"$engine" build "${build_args[@]}" -t localhost/tarif:essai . >/tmp/tarif-conteneur-build.log 2>&1 ||
  { tail -30 /tmp/tarif-conteneur-build.log; exit 1; }
echo "image construite en $(( $(date +%s) - start )) s : $("$engine" image inspect localhost/tarif:essai --format '{{.Size}}') octets"
"$engine" image inspect localhost/tarif:essai --format 'utilisateur : {{.Config.User}} ; commande : {{.Config.Entrypoint}}'
echo "vérification de santé : $("$engine" image inspect localhost/tarif:essai | tr '\n' ' ' | tr -s ' ' | grep -o '"Healthcheck": { "Test": \[[^]]*\]' | head -1)"
health="exec 3<>/dev/tcp/127.0.0.1/8080 && printf 'GET /pret HTTP/1.0\r\n\r\n' >&3 && head -n 1 <&3 | grep -q ' 200 '"

port=18080
family='{ "date": "2025-10-15", "quotient_caf": 612, "résidence": "hors_commune", "rang": 3 }'
check() {
  for _ in $(seq 1 100); do
    curl -sf "http://127.0.0.1:$port/pret" >/dev/null 2>&1 && break
    sleep 0.2
  done
  echo "GET /pret : $(curl -s "http://127.0.0.1:$port/pret")"
  echo "POST …/tarifs : $(curl -s -X POST "http://127.0.0.1:$port/v1/deliberations/exempleville-cantine/tarifs?justification=non" -d "$family")"
}

if "$engine" run -d --name tarif-essai --rm -p "$port:8080" \
     -v "$PWD/deliberations:/deliberations:ro" localhost/tarif:essai >/dev/null 2>/tmp/tarif-conteneur-run.log; then
  check
  "$engine" stop -t 15 tarif-essai >/dev/null
  echo "conteneur démarré et arrêté (SIGTERM)"
else
  echo "le moteur ne peut pas démarrer de conteneur ici : $(tail -1 /tmp/tarif-conteneur-run.log)"
  echo "système de fichiers de l'image démarré par chroot, en utilisateur 10001"
  mount=$("$engine" image mount localhost/tarif:essai)
  mkdir -p "$mount/deliberations"
  mount --bind "$PWD/deliberations" "$mount/deliberations"
  chroot --userspec=10001:10001 "$mount" tarif serve /deliberations --adresse "127.0.0.1:$port" --journal aucun >/dev/null &
  server=$!
  check
  # The image's health check, run inside it (its port 8080 here is $port).
  chroot --userspec=10001:10001 "$mount" bash -c "${health//8080/$port}" &&
    echo "vérification de santé de l'image : réussie"
  kill -TERM "$server"
  wait "$server" && echo "arrêté par SIGTERM"
  umount "$mount/deliberations"
  "$engine" image unmount localhost/tarif:essai >/dev/null
fi
