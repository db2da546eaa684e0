# sagebox as a container: built with the project's own scripts, run from a slim Debian with only the runtime
# libraries, as a non-root user. No "# syntax=" line: that would fetch a frontend image from a registry.
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

FROM debian:bookworm-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends libsqlite3-0 libpcre2-8-0 libssl3 \
 && rm -rf /var/lib/apt/lists/* /var/cache/apt/* /var/log/apt /var/log/dpkg.log \
 && useradd --system --uid 10001 --home-dir /data --shell /usr/sbin/nologin sagebox \
 && mkdir -p /data && chown sagebox:sagebox /data
COPY --from=build /src/build/sagebox /usr/local/bin/sagebox
USER sagebox
VOLUME /data
EXPOSE 8080
# bash's /dev/tcp is enough to ask the health path; the image carries no HTTP client. A one-second interval because
# compose suites wait on service_healthy, and the first probe only runs after one interval.
HEALTHCHECK --interval=1s --timeout=2s --start-period=10s --retries=3 \
  CMD ["bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/8080 && printf 'GET /_sagebox/health HTTP/1.0\\r\\n\\r\\n' >&3 && grep -q '\"status\":\"ok\"' <&3"]
# The server is PID 1 and handles SIGTERM itself: open connections are closed and it exits at once.
ENTRYPOINT ["/usr/local/bin/sagebox", "--host", "0.0.0.0", "--port", "8080", "--db", "/data/sagebox.db"]
