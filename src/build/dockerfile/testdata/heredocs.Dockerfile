# syntax=docker/dockerfile:1
FROM alpine
RUN <<EOF
apk add curl
echo "$HOME"
EOF
RUN <<-"EOT" sh -x
		indented with tabs
	EOT
RUN 3<<first cat /dev/fd/3 && cat <<'second'
1
first
2
second
COPY --chmod=755 <<script.sh <<EOF /usr/local/bin/
#!/bin/sh
echo ${GREETING:-hi}
script.sh
plain $VAR
EOF
ADD <<"quoted" /q.txt
$NOT_EXPANDED
quoted
RUN << spaced cat
since BuildKit 0.22 a blank may follow <<
spaced
COPY <<- "tabbed" /tabbed.txt
	body
	tabbed
RUN ["sh", "-c", "cat <<EOF"]
CMD cat <<EOF
ONBUILD RUN <<EOF
echo later
EOF
