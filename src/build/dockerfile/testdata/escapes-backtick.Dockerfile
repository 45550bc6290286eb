# escape=`

FROM microsoft/nanoserver
COPY testfile.txt c:\
RUN dir c:\
ENV P=c:\Program` Files Q="a`"b" R=`$NOTVAR
RUN powershell -command `
    Write-Host hello `
    # a comment inside the continuation
    ; Write-Host world
LABEL multi=one`
two
