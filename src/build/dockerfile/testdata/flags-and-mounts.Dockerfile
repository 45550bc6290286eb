FROM --platform=$BUILDPLATFORM golang:1.22 AS build
RUN --mount=type=cache,target=/root/.cache/go-build,id=gocache,sharing=locked \
    --mount=type=bind,source=.,dst=/src,rw \
    --mount=type=secret,id=token,env=TOKEN,required \
    --mount=type=ssh,mode=0600,uid=1000,gid=1000 \
    --mount=type=tmpfs,destination=/tmp,size=64m \
    --mount=type=cache,target=/var/cache/apt,ro=false,from=build,source=/cache,mode=0755 \
    --network=none --security=insecure \
    go build -o /out/app ./cmd
FROM build AS test
RUN --mount=from=build,target=/b,readonly go test ./...
FROM scratch
COPY --from=build --chown=1000:1000 --chmod=0755 --link --exclude=*.md --exclude=docs/ /out/app /app
COPY --parents=true ./a/./b/*.txt /dst/
ADD --checksum=sha256:24454f830cdb571e2c4ad15481119c43b3cafd48dd869a9b2945d1036d1dc68d --keep-git-dir=false --link=false https://example.com/a.tar.gz /
ADD --chown="user name" --chmod=644 "quoted src" /dst
ENTRYPOINT ["/app"]
