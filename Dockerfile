# syntax=docker/dockerfile:1
# The hubgate gateway's image: built from this repository in a Maven stage, run from the packaged
# distribution (server/target/hubgate: bin/hubgate + lib/) on a JRE, as a non-root user.
#   docker build -t hubgate:0.1.0 .
#   docker run --rm -p 50051:50051 -e HUBGATE_BIND=0.0.0.0 -e HUBGATE_TLS_CERT=… hubgate:0.1.0 --help
# Checked offline by deploy/validate (mvn verify): parsed and linted with BuildKit's own Dockerfile
# parser and linter, every COPY --from=build source present after mvn package. Never built here:
# this repository's CI has no container engine (README, Kubernetes).

FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY . .
# The gateway and what it needs only; the tests ran in CI before any image is built.
RUN mvn -B -q -pl server -am package -DskipTests

FROM eclipse-temurin:17-jre AS runtime
# A fixed numeric id, so that Kubernetes' runAsNonRoot can check it (deploy/kubernetes runs as 10001).
RUN groupadd --system --gid 10001 hubgate \
    && useradd --system --uid 10001 --gid 10001 --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin hubgate
COPY --from=build /src/server/target/hubgate/lib/ /opt/hubgate/lib/
COPY --from=build /src/server/target/hubgate/bin/ /opt/hubgate/bin/
USER 10001:10001
# 50051: gRPC API (TLS off loopback); 8081: plaintext gRPC health for probes (HUBGATE_HEALTH_PORT);
# 9464: Prometheus metrics (HUBGATE_METRICS_PORT).
EXPOSE 50051 8081 9464
ENTRYPOINT ["/opt/hubgate/bin/hubgate"]
