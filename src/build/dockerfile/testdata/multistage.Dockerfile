ARG GO_VERSION=1.22
ARG HTTP_PROXY
FROM golang:${GO_VERSION} AS Builder
ARG GO_VERSION
ARG TARGETOS TARGETARCH
RUN GOOS=$TARGETOS GOARCH=$TARGETARCH go build -o /bin/app .
FROM alpine:3 as runtime.v2
MAINTAINER Jane Doe <jane@example.com>
COPY --from=builder /bin/app /usr/local/bin/app
COPY --from=0 /etc/passwd /etc/passwd
ONBUILD COPY . /app/src
ONBUILD RUN make -C /app/src
FROM runtime.v2
EXPOSE 80/tcp 53/udp 8000-8010
