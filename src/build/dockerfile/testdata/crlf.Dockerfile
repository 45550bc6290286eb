FROM alpine
RUN echo one \
  two
# comment
ENV A=1 \
    B="x y"
COPY <<EOF /f.txt
line one
line two
EOF
LABEL k=v
