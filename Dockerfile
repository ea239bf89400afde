# keygate's container image: build with `make image` (docker build -t keygate .).
#
# Stage 1 builds keygate with the Swift standard library and Foundation linked statically, so
# the runtime stage needs only the three libraries keygate links: libgit2, Hyperscan and PCRE2.
# A test (ContainerImageTests) checks that RUNTIME_PACKAGES is exactly what the release binary
# needs beyond the base image.
FROM swift:6.1-bookworm AS build
WORKDIR /src
COPY . .
RUN scripts/install-deps.sh \
 && swift build -c release --static-swift-stdlib \
 && install -m 0755 .build/release/keygate /usr/local/bin/keygate

FROM debian:bookworm-slim
ARG RUNTIME_PACKAGES="libgit2-1.5 libhyperscan5 libpcre2-8-0"
RUN apt-get update \
 && apt-get install -y --no-install-recommends $RUNTIME_PACKAGES \
 && rm -rf /var/lib/apt/lists/*
COPY --from=build /usr/local/bin/keygate /usr/local/bin/keygate
# Not root. Run with `--user "$(id -u)"` when the mounted repository belongs to another user:
# git (and libgit2) refuse repositories owned by someone else.
RUN useradd --create-home --uid 10001 keygate
USER keygate
WORKDIR /work
ENTRYPOINT ["keygate"]
CMD ["--help"]
