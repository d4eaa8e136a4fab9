# syntax=docker/dockerfile:1
# campushub: one static binary in a distroless image, run as a non-root user.
#
#   docker build -t campushub .
#   docker run -p 8080:8080 campushub            # SQLite in the /data volume

FROM golang:1.26.8-alpine3.22 AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN --mount=type=cache,target=/go/pkg/mod go mod download
COPY . .
# timetzdata embeds the zone database, so TIMEZONE works without OS files.
RUN --mount=type=cache,target=/go/pkg/mod --mount=type=cache,target=/root/.cache/go-build \
    CGO_ENABLED=0 go build -trimpath -tags timetzdata -ldflags="-s -w" -o /out/campushub ./cmd/campushub \
 && mkdir -p /out/data

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/campushub /usr/local/bin/campushub
COPY --from=build --chown=65532:65532 /out/data /data
WORKDIR /data
ENV HTTP_ADDR=:8080 \
    DATABASE_URL=sqlite:/data/campushub.db
USER 65532:65532
EXPOSE 8080
VOLUME ["/data"]
HEALTHCHECK --interval=10s --timeout=5s --start-period=20s --retries=3 \
    CMD ["/usr/local/bin/campushub", "healthcheck"]
ENTRYPOINT ["/usr/local/bin/campushub"]
CMD ["serve"]
