# sagebox as a container: built with the project's own scripts, run from a slim Debian with only the runtime
# libraries, as a non-root user.
FROM debian:bookworm-slim AS build
WORKDIR /src
COPY scripts/setup scripts/setup
RUN scripts/setup --build && rm -rf /var/lib/apt/lists/*
COPY . .
RUN rm -rf build \
 && cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release -DSAGEBOX_TESTS=OFF \
 && cmake --build build --target sagebox \
 && strip build/sagebox

FROM debian:bookworm-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends libsqlite3-0 libpcre2-8-0 libssl3 \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --uid 10001 --home-dir /data --shell /usr/sbin/nologin sagebox \
 && mkdir -p /data && chown sagebox:sagebox /data
COPY --from=build /src/build/sagebox /usr/local/bin/sagebox
USER sagebox
VOLUME /data
EXPOSE 8080
# bash's /dev/tcp is enough to ask the health path; no HTTP client in the image.
HEALTHCHECK --interval=5s --timeout=3s --start-period=2s --retries=3 \
  CMD ["bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/8080 && printf 'GET /_sagebox/health HTTP/1.0\\r\\n\\r\\n' >&3 && grep -q '\"status\":\"ok\"' <&3"]
ENTRYPOINT ["/usr/local/bin/sagebox", "--host", "0.0.0.0", "--port", "8080", "--db", "/data/sagebox.db"]
