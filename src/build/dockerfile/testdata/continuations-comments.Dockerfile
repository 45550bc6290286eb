  # leading whitespace before comments and instructions is ignored
    FROM debian:bookworm
RUN apt-get update \
# a comment line inside the continuation is dropped
    && apt-get install -y \
        curl \

        git \
    # indented comment, also dropped
        && rm -rf /var/lib/apt/lists/*
RUN echo 'we are running some # of cool things'
RUN echo "\
     hello\
     world"
ENV A=1 \
    B=2   
run echo lower-case keyword \  
  trailing blanks after the escape
