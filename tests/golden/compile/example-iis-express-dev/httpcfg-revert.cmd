@echo off
rem Undoes httpcfg.cmd: deletes its HTTP.sys records and firewall ports (httpcfg, Windows XP SP2 / Server 2003).
rem Written by bindc.  Run it from an elevated command prompt; running it again is harmless.
setlocal EnableExtensions DisableDelayedExpansion
net session >nul 2>&1 || (echo bindc: run this script as an administrator, from an elevated command prompt.& exit /b 1)
echo [1/2] remove firewall port TCP 8080
netsh firewall delete portopening protocol=TCP port=8080 >nul 2>&1
echo [2/2] remove URL ACL http://devbox.lan:8080/
httpcfg delete urlacl /u http://devbox.lan:8080/ >nul 2>&1
echo bindc: done.
exit /b 0
:bindc_failed
echo bindc: that step failed, so the script stopped there; the steps before it stay applied. Fix the cause and run it again.
exit /b 1
