#!/usr/bin/env bash
# Builds the swarmwatch agent and collector images WITHOUT pulling anything (no registry is reachable
# on the test machines): FROM scratch, with a Java runtime made by jlink from this machine's JDK
# holding only the modules the jar needs (jdeps), the shared libraries that runtime needs copied
# from this machine (ldd), the packaged jar and the JVM options file. Same layout, user, ports,
# environment and healthcheck as deploy/agent.Dockerfile and deploy/collector.Dockerfile, which are
# what users with a registry build.
#
#   scripts/build-images.sh            # needs agent/target/swarmwatch-agent.jar and
#                                      # collector/target/swarmwatch-collector.jar (mvn package)
#
#   SWARMWATCH_IMAGE_TAG   tag of both images (default: dev) -> swarmwatch/agent:TAG,
#                          swarmwatch/collector:TAG
#   DOCKER_HOST            the Engine to build in (default socket otherwise)
#
# Prints one line per image: name, size. Facts behind the choices: RATIONALE.md ("Images").
set -euo pipefail
cd "$(dirname "$0")/.."

TAG=${SWARMWATCH_IMAGE_TAG:-dev}
say() { echo "build-images: $*" >&2; }
die() { echo "build-images: ERROR: $*" >&2; exit 1; }
docker_cli() { if [ -x /usr/bin/docker ]; then /usr/bin/docker "$@"; else command docker "$@"; fi; }

for tool in jlink jdeps jar ldd ldconfig; do
  command -v "$tool" >/dev/null 2>&1 || die "'$tool' is missing (Debian: apt-get install openjdk-17-jdk-headless)"
done
jdk_major=$(jlink --version | cut -d. -f1)
[ "$jdk_major" -ge 17 ] || die "jlink is from JDK $jdk_major; JDK 17 or newer is needed"
# The healthcheck's HTTP client: busybox-static's wget, a 1 MiB static binary (no libc needed).
if [ ! -x /bin/busybox ] || [[ "$(ldd /bin/busybox 2>&1 || true)" != *"not a dynamic executable"* ]]; then
  die "/bin/busybox is missing or not static (Debian: apt-get install busybox-static)"
fi

# Native code of modules the jars pull in (java.desktop, through java.beans) that nothing here
# loads: AWT, fonts, images, sound. Excluding them also spares copying X11 and font libraries.
EXCLUDE='**/libawt*.so,**/libfontmanager.so,**/libjavajpeg.so,**/libjsound.so,**/liblcms.so,**/libmlib_image.so,**/libsplashscreen.so,**/libjawt.so'

ctx_root=$(mktemp -d "${TMPDIR:-/tmp}/swarmwatch-images.XXXXXX")
trap 'rm -rf "$ctx_root"' EXIT

# Copies every library a binary needs (and the loader) into the rootfs, at the host's path.
copy_libs() {
  local rootfs=$1; shift
  local lib
  for lib in $(LD_LIBRARY_PATH="$rootfs/opt/java/lib:$rootfs/opt/java/lib/server" ldd "$@" 2>/dev/null \
      | awk '$2 == "=>" && $3 ~ /^\// { print $3 } $1 ~ /^\/.*ld-linux/ { print $1 }' \
      | grep -v "^$rootfs" | sort -u); do
    mkdir -p "$rootfs$(dirname "$lib")"
    cp -L "$lib" "$rootfs$lib"
  done
}

AGENT_JAR=agent/target/swarmwatch-agent.jar
COLLECTOR_JAR=collector/target/swarmwatch-collector.jar
for jar in "$AGENT_JAR" "$COLLECTOR_JAR"; do
  [ -f "$jar" ] || die "$jar is missing: run 'mvn -B -o package -DskipTests -pl agent,collector -am' first"
done

# One runtime for both images: jdeps and jlink are the slow part of this script (tens of seconds
# each on a busy 2-core machine), and the two jars need nearly the same modules. Added to what
# jdeps finds: jdk.crypto.ec (TLS with EC keys to a collector or an Engine over TCP) and
# jdk.naming.dns (gRPC's DNS resolver looks up SRV/TXT records through JNDI when it can).
runtime="$ctx_root/runtime"
modules=$(jdeps -q --multi-release 17 --ignore-missing-deps --print-module-deps "$AGENT_JAR" "$COLLECTOR_JAR")
modules="$modules,jdk.crypto.ec,jdk.naming.dns"
say "jlink $modules"
jlink --add-modules "$modules" --strip-debug --no-man-pages --no-header-files \
  --compress=2 --exclude-files="$EXCLUDE" --output "$runtime/opt/java"
# Debian's JDK links lib/security/cacerts to /etc/ssl/certs/java/cacerts; jlink copies the link.
if [ -L "$runtime/opt/java/lib/security/cacerts" ]; then
  target=$(readlink -f "$runtime/opt/java/lib/security/cacerts")
  rm -f "$runtime/opt/java/lib/security/cacerts"
  if [ -f "$target" ]; then cp "$target" "$runtime/opt/java/lib/security/cacerts"; fi
fi
# JNA (the agent's Engine socket, OSHI) unpacks libjnidispatch.so from the jar at run time; it
# needs libc like the JVM does.
mkdir -p "$ctx_root/jna"
(cd "$ctx_root/jna" && jar xf "$OLDPWD/$AGENT_JAR" com/sun/jna/linux-x86-64/libjnidispatch.so)
[ -f "$ctx_root/jna/com/sun/jna/linux-x86-64/libjnidispatch.so" ] \
  || die "no JNA native library for linux-x86-64 in $AGENT_JAR"
# shellcheck disable=SC2046
copy_libs "$runtime" "$runtime/opt/java/bin/java" $(find "$runtime/opt/java/lib" -name '*.so') \
  $(find "$ctx_root/jna" -name '*.so')
# dlopen()ed by name (JNA: "c"; older code: pthread, dl, rt), so ldd cannot see them.
for l in libc.so.6 libdl.so.2 libpthread.so.0 librt.so.1; do
  p=$(ldconfig -p | awk -v l="$l" '$1 == l && /x86-64/ { print $NF; exit }')
  if [ -n "$p" ] && [ ! -e "$runtime$p" ]; then
    mkdir -p "$runtime$(dirname "$p")"
    cp -L "$p" "$runtime$p"
  fi
done
say "runtime: $(du -sh "$runtime" | cut -f1) ($(find "$runtime" -name '*.so*' -path '*/lib/x86_64-linux-gnu/*' -printf '%f ' ))"

build() {
  local name=$1 jar=$2 user=$3 env_lines=$4 port=$5 health_url=$6
  local ctx="$ctx_root/$name" rootfs="$ctx_root/$name/rootfs" data_dir
  mkdir -p "$rootfs/opt/swarmwatch" "$rootfs/etc" "$rootfs/usr/local/bin" "$rootfs/tmp"
  cp -a "$runtime/." "$rootfs/"
  local launch="\"-jar\", \"/opt/swarmwatch/swarmwatch-$name.jar\""
  if [ "$name" = agent ]; then
    # Unpacked classes instead of the jar: the JVM keeps a jar's central directory on the heap
    # (~2.6 MiB for the agent's 24,000 entries). JNA's native library is then in there too, and
    # the options file points jna.boot.library.path at it (JNA would unpack it to /tmp and load
    # it from there, which fails on a noexec tmpfs, what a swarm tmpfs mount is).
    mkdir -p "$rootfs/opt/swarmwatch/app"
    (cd "$rootfs/opt/swarmwatch/app" && jar xf "$OLDPWD/$jar" && rm -rf META-INF/versions META-INF/MANIFEST.MF)
    launch='"-cp", "/opt/swarmwatch/app", "io.swarmwatch.agent.AgentMain"'
    # Log checkpoints live here; a new named volume mounted here starts with this ownership.
    data_dir=/var/lib/swarmwatch-agent
  fi
  [ "$name" = agent ] || cp "$jar" "$rootfs/opt/swarmwatch/swarmwatch-$name.jar"
  cp "deploy/jvm/$name.options" "$rootfs/opt/swarmwatch/jvm.options"
  cp /bin/busybox "$rootfs/usr/local/bin/wget"   # busybox runs the applet named by argv[0]
  printf 'root:x:0:0:root:/:/sbin/nologin\nswarmwatch:x:65532:65532:swarmwatch:/tmp:/sbin/nologin\n' >"$rootfs/etc/passwd"
  printf 'root:x:0:\nswarmwatch:x:65532:\n' >"$rootfs/etc/group"
  chmod 1777 "$rootfs/tmp"
  if [ "$name" = collector ]; then
    # Owned by the image's user: a new named volume mounted here starts with this ownership.
    data_dir=/var/lib/swarmwatch
  fi
  # `COPY` makes every file root-owned whatever the build context says (chown in rootfs/ is
  # lost), so the data directory is made by a COPY --chown of its own (an empty directory).
  mkdir -p "$ctx/data"

  cat >"$ctx/Dockerfile" <<EOF
FROM scratch
COPY rootfs/ /
COPY --chown=65532:65532 data/ $data_dir/
ENV MALLOC_ARENA_MAX=2 $env_lines
USER $user
${port:+EXPOSE $port}
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \\
  CMD ["/usr/local/bin/wget", "-q", "-O", "/dev/null", "$health_url"]
ENTRYPOINT ["/opt/java/bin/java", "@/opt/swarmwatch/jvm.options", $launch]
EOF
  DOCKER_BUILDKIT=0 docker_cli build -q -t "swarmwatch/$name:$TAG" \
    --label "org.opencontainers.image.title=swarmwatch $name" "$ctx" >/dev/null \
    || die "docker build of swarmwatch/$name:$TAG failed"
  echo "swarmwatch/$name:$TAG $(docker_cli image inspect -f '{{.Size}}' "swarmwatch/$name:$TAG" | awk '{ printf "%.1fMB", $1 / 1e6 }')"
}

build agent "$AGENT_JAR" 65532:65532 \
  'SWARMWATCH_HEALTH_PORT=8081 SWARMWATCH_SPOOL_DIR=/var/lib/swarmwatch-agent' '' http://127.0.0.1:8081/healthz
build collector "$COLLECTOR_JAR" 65532:65532 \
  'SWARMWATCH_DATA_DIR=/var/lib/swarmwatch' '8080 7070' http://127.0.0.1:8080/healthz
