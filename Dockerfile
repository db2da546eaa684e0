# sagebox as a container: built with the project's own scripts, run from a slim Debian with only the runtime
# libraries, as a non-root user. No "# syntax=" line: that would fetch a frontend image from a registry.
# RUNTIME_BASE: scripts/docker-test builds the linux/arm64 image's `runtime` stage on an arm64 base of its own (no
# registry there) and adds the binary it cross-compiled; `docker build .` needs nothing but this file.
ARG RUNTIME_BASE=debian:bookworm-slim

# The runtime stage comes first: building it alone (--target runtime) builds no other stage, even with the classic
# builder, so the arm64 image never compiles under emulation.
FROM ${RUNTIME_BASE} AS runtime
# apt-get only when the base lacks the libraries: scripts/docker-test's arm64 base has them (it reads this list) and
# no apt, which spares it apt-get under emulation.
RUN libraries="libstdc++6 libsqlite3-0 libpcre2-8-0 libssl3" \
 && if ! dpkg-query -W $libraries >/dev/null 2>&1; then \
      apt-get update \
      && apt-get install -y --no-install-recommends $libraries \
      && rm -rf /var/lib/apt/lists/* /var/cache/apt/* /var/log/apt /var/log/dpkg.log; \
    fi \
 && useradd --system --uid 10001 --home-dir /data --shell /usr/sbin/nologin sagebox \
 && mkdir -p /data && chown sagebox:sagebox /data
USER sagebox
VOLUME /data
EXPOSE 8080
# bash's /dev/tcp is enough to ask the health path; the image carries no HTTP client. A one-second interval because
# compose suites wait on service_healthy, and the first probe only runs after one interval.
HEALTHCHECK --interval=1s --timeout=2s --start-period=10s --retries=3 \
  CMD ["bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/8080 && printf 'GET /_sagebox/health HTTP/1.0\\r\\n\\r\\n' >&3 && grep -q '\"status\":\"ok\"' <&3"]
# The server is PID 1 and handles SIGTERM itself: open connections are closed and it exits at once.
ENTRYPOINT ["/usr/local/bin/sagebox", "--host", "0.0.0.0", "--port", "8080", "--db", "/data/sagebox.db"]

FROM debian:bookworm-slim AS build
WORKDIR /src
COPY scripts/setup scripts/setup
RUN scripts/setup --build && rm -rf /var/lib/apt/lists/*
# Only what the binary is built from, so editing tests or docs does not rebuild it.
COPY CMakeLists.txt ./
COPY cmake cmake
COPY schemas schemas
COPY include include
COPY src src
RUN cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release -DSAGEBOX_TESTS=OFF \
 && cmake --build build --target sagebox \
 && strip build/sagebox

FROM runtime
COPY --from=build /src/build/sagebox /usr/local/bin/sagebox
