# Cross-compiles for linux/arm64 on a Debian amd64 host with Debian's g++-aarch64-linux-gnu, against the arm64 -dev
# packages installed through multiarch (dpkg --add-architecture arm64), which put their libraries under
# /usr/lib/aarch64-linux-gnu beside the host's: no sysroot is needed. scripts/docker-test uses it for the arm64 image.
#   cmake -S . -B build/cross-arm64 -G Ninja -DCMAKE_TOOLCHAIN_FILE=cmake/toolchains/aarch64-linux-gnu.cmake
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR aarch64)
set(CMAKE_CXX_COMPILER aarch64-linux-gnu-g++)
set(CMAKE_LIBRARY_ARCHITECTURE aarch64-linux-gnu)
# pkg-config (PCRE2) would otherwise answer with the host's amd64 libraries.
set(ENV{PKG_CONFIG_LIBDIR} /usr/lib/aarch64-linux-gnu/pkgconfig:/usr/share/pkgconfig)
# Tools run on the host; libraries, headers and CMake packages must be the target's.
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
