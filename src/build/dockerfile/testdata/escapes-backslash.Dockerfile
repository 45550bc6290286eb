# A path ending in an escaped escape ends the line; a lone escape continues it.
FROM scratch
ENV WIN=c:\\ NEXT=1
ENV A=x\\ \
    B=2
ENV Q="say \"hi\"" S='it''s' T=a\ b\	c U=\$HOME V="\$HOME" W="a\b"
LABEL "key with space"="v" 'k2'=v2 k3="multi\
line"
RUN echo "a \\ b" \
  && printf '%s\n' 'x \" y'
WORKDIR c:\\dir\\
