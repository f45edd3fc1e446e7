#!/usr/bin/env bash
# Builds the fanmail JVM image as an OCI tarball without a Docker daemon and without a registry:
#   deploy/build-image.sh                  -> target/fanmail-image.tar, then deploy/check-image.sh
#
# Jib (Maven profile `image`) assembles the image. Its base is `scratch`; the Java runtime comes
# from this machine's JDK: jlink makes a JRE of the modules fanmail needs, and the C libraries it
# links against (glibc, zlib, ...) are copied next to it, with an /etc/passwd naming user 185.
# So the image needs nothing from a registry, at the price that its runtime and glibc are this
# machine's (rebuild to patch them). With registry access, prefer a maintained base:
#   IMAGE_BASE=eclipse-temurin:17-jre deploy/build-image.sh   (its java is /opt/java/openjdk too)
# or deploy/Dockerfile.jvm with Docker.
#
# Environment: IMAGE_BASE (default scratch), IMAGE_NAME (default fanmail:<version>),
# SKIP_PACKAGE=1 to reuse an existing target/quarkus-app, JAVA_HOME (a JDK 17+ with jmods/).
set -euo pipefail
cd "$(dirname "$0")/.."

IMAGE_BASE=${IMAGE_BASE:-scratch}
RUNTIME=target/image-runtime
TAR=target/fanmail-image.tar
# The JDK modules that classes in target/quarkus-app refer to (a scan of their constant pools;
# jdeps cannot resolve the modular jars there), less jdk.compiler (annotation-processing code
# that never runs in fanmail), plus providers loaded by name: jdk.crypto.ec (TLS), jdk.charsets
# (mail in legacy charsets), jdk.localedata, jdk.naming.dns, jdk.net, jdk.zipfs.
# deploy/smoke-image.sh starts the result; a missing module shows up there as NoClassDefFoundError.
MODULES=java.base,java.compiler,java.desktop,java.instrument,java.logging,java.management,\
java.naming,java.net.http,java.rmi,java.scripting,java.security.jgss,java.security.sasl,java.sql,\
java.transaction.xa,java.xml,jdk.charsets,jdk.crypto.ec,jdk.localedata,jdk.management,\
jdk.naming.dns,jdk.net,jdk.unsupported,jdk.zipfs

log() { printf '== %s\n' "$*"; }

if [ "${SKIP_PACKAGE:-0}" != 1 ] || [ ! -f target/quarkus-app/quarkus-run.jar ]; then
  log "packaging the JVM build (target/quarkus-app)"
  ./mvnw -B -q package -DskipTests
fi

rm -rf "$RUNTIME"
mkdir -p "$RUNTIME"
if [ "$IMAGE_BASE" = scratch ]; then
  jdk=${JAVA_HOME:-$(dirname "$(dirname "$(readlink -f "$(command -v javac)")")")}
  [ -d "$jdk/jmods" ] || { echo "no jmods in $jdk: set JAVA_HOME to a full JDK 17+" >&2; exit 1; }
  log "jlink: a Java runtime from $jdk"
  "$jdk/bin/jlink" --module-path "$jdk/jmods" --add-modules "$MODULES" \
    --include-locales=en --strip-debug --no-man-pages --no-header-files --compress=2 \
    --output "$RUNTIME/opt/java/openjdk"
  java_dir="$RUNTIME/opt/java/openjdk"
  # CA certificates for outbound STARTTLS: some distributions' JDKs link them from /etc.
  rm -f "$java_dir/lib/security/cacerts"
  if [ -e "$jdk/lib/security/cacerts" ]; then
    cp -L "$jdk/lib/security/cacerts" "$java_dir/lib/security/cacerts"
  fi

  log "copying the shared libraries the runtime links against"
  # Everything java and its libraries need, except the AWT/sound/font stack (headless server).
  mapfile -t objects < <(find "$java_dir/bin" "$java_dir/lib" -type f \
    \( -perm -u+x -o -name '*.so' \) \
    ! -name 'libawt_xawt.so' ! -name 'libsplashscreen.so' ! -name 'libjsound.so' \
    ! -name 'libfontmanager.so' ! -name 'libjawt.so' ! -name 'liblcms.so' \
    ! -name 'libjavajpeg.so' ! -name 'libmlib_image.so' ! -name 'libawt_headless.so' \
    ! -name 'libawt.so')
  for lib in $(ldd "${objects[@]}" 2>/dev/null | grep -o '/[^ ]*\.so[^ ]*' | sort -u); do
    case "$lib" in "$PWD"/*|*/opt/java/openjdk/*) continue ;; esac
    [ -e "$lib" ] && cp -L --parents "$lib" "$RUNTIME/"
  done
  # glibc loads libgcc_s at run time (thread cancellation, unwinding).
  for extra in $(ldconfig -p 2>/dev/null | awk '/libgcc_s.so.1 .*x86-64|libgcc_s.so.1 .*AArch64/ {print $NF}' | head -1); do
    cp -L --parents "$extra" "$RUNTIME/"
  done

  mkdir -p "$RUNTIME/etc" "$RUNTIME/tmp"
  printf 'root:x:0:0:root:/root:/sbin/nologin\nfanmail:x:185:0:fanmail:/deployments:/sbin/nologin\n' \
    > "$RUNTIME/etc/passwd"
  printf 'root:x:0:\n' > "$RUNTIME/etc/group"
  printf 'passwd: files\ngroup: files\nhosts: files dns\n' > "$RUNTIME/etc/nsswitch.conf"
else
  log "base image $IMAGE_BASE (from its registry): no runtime of our own"
fi

log "jib:buildTar -> $TAR"
./mvnw -B -q -Pimage jib:buildTar -Dimage.base="$IMAGE_BASE" \
  ${IMAGE_NAME:+-Dimage.name="$IMAGE_NAME"} -Djib.console=plain

ls -l "$TAR"
deploy/check-image.sh "$TAR"
