# keygate's container images: build both with `make image`.
#   keygate:latest  the runtime stage: keygate and the libraries it links, nothing else.
#   keygate:git     the same plus git, for CI jobs that clone other repositories themselves
#                   (the organisation-wide audit in ci-examples/gitlab/org-audit.gitlab-ci.yml)
#                   or that need git in the job container (GitHub Actions' checkout).
#
# Stage 1 builds keygate with the Swift standard library and Foundation linked statically, so
# the runtime stage needs only the libraries keygate links: libgit2, Hyperscan, PCRE2,
# libarchive, and libcurl (URLSession, for --verify) with ca-certificates.
# A test (ContainerImageTests) checks that RUNTIME_PACKAGES is exactly what the release binary
# needs beyond the base image.
FROM swift:6.1-bookworm AS build
WORKDIR /src
COPY . .
RUN scripts/install-deps.sh \
 && swift build -c release --static-swift-stdlib \
 && install -m 0755 .build/release/keygate /usr/local/bin/keygate

FROM debian:bookworm-slim AS runtime
ARG RUNTIME_PACKAGES="ca-certificates libarchive13 libcurl4 libgit2-1.5 libhyperscan5 libpcre2-8-0"
RUN apt-get update \
 && apt-get install -y --no-install-recommends $RUNTIME_PACKAGES \
 && rm -rf /var/lib/apt/lists/*
COPY --from=build /usr/local/bin/keygate /usr/local/bin/keygate
# Not root. keygate reads a mounted repository whoever owns it; run with `--user "$(id -u)"` so
# that the reports it writes into the mounted folder belong to you.
RUN useradd --create-home --uid 10001 keygate
USER keygate
WORKDIR /work
ENTRYPOINT ["keygate"]
CMD ["--help"]

FROM runtime AS git
USER root
RUN apt-get update \
 && apt-get install -y --no-install-recommends git ca-certificates \
 && rm -rf /var/lib/apt/lists/*
USER keygate

# `docker build .` without --target builds the runtime image.
FROM runtime
