FROM busybox
CMD ["echo", "exec form"]
CMD [ "spaced" , "out" ]   
CMD ['single', 'quotes']
CMD ["c:\windows\system32\tasklist.exe"]
CMD ["c:\\windows\\system32\\tasklist.exe"]
CMD ["unterminated"
CMD ["trailing"] junk is ignored
CMD []
ENTRYPOINT [ "/bin/sh", "-c", "echo $HOME" ]
ENTRYPOINT exec top -b
RUN ["/bin/bash", "-c", "echo hi"]
RUN [not json at all
SHELL ["/bin/bash", "-o", "pipefail", "-c"]
VOLUME ["/a", "/b c"]
VOLUME /x /y
COPY ["src file", "dst dir/"]
COPY a b /c/
HEALTHCHECK --interval=30s --timeout=5s --start-period=1m --start-interval=2s --retries=5 CMD ["curl", "-f", "http://localhost/"]
HEALTHCHECK CMD curl -f http://localhost/ || exit 1
HEALTHCHECK NONE
