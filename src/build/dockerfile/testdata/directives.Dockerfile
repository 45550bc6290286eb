#SYNTAX = docker/dockerfile:1.7
	#  Check=skip=JSONArgsRecommended;error=true
# escape=\
# This comment ends the directives
# escape=`
FROM alpine
# syntax=ignored/now
ENV A=b\
  C=d
