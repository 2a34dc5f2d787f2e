# tarif serve in a container: docs/exploitation.md.
#   docker build -t tarif .
#   docker run --rm -p 8080:8080 -v "$PWD/deliberations:/deliberations:ro" tarif

# The images, replaceable where docker.io is out of reach (scripts/conteneur.sh).
ARG RUST_IMAGE=docker.io/library/rust:1.95-slim-bookworm
ARG BASE_IMAGE=docker.io/library/debian:bookworm-slim

# The release binary, built with the locked dependencies (pest's stack guard needs the
# C compiler of this image).
FROM ${RUST_IMAGE} AS build
# Where the official Rust image keeps its toolchain (said again for a local base).
ENV RUSTUP_HOME=/usr/local/rustup CARGO_HOME=/usr/local/cargo PATH=/usr/local/cargo/bin:$PATH
WORKDIR /src
COPY . .
RUN cargo build --release --locked --bin tarif

# The service: Debian slim, the binary, a user without privileges.
FROM ${BASE_IMAGE}
RUN useradd --system --uid 10001 --no-create-home --shell /usr/sbin/nologin tarif \
    && mkdir /deliberations
COPY --from=build /src/target/release/tarif /usr/local/bin/tarif
USER tarif
# The deliberations, mounted read-only; batches are spooled to TMPDIR.
VOLUME /deliberations
ENV TMPDIR=/tmp
EXPOSE 8080
# Ready when every deliberation has been read (GET /pret); bash's /dev/tcp, no curl.
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
    CMD ["bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/8080 && printf 'GET /pret HTTP/1.0\\r\\n\\r\\n' >&3 && head -n 1 <&3 | grep -q ' 200 '"]
ENTRYPOINT ["tarif", "serve", "/deliberations", "--adresse", "0.0.0.0:8080", "--journal", "json"]
