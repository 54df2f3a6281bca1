@echo off
rem HTTP.sys URL ACLs, SSL certificate bindings, IP listen list and firewall rules (netsh, Windows Vista and later).
rem Written by bindc.  Run it from an elevated command prompt; running it again is harmless.
setlocal EnableExtensions DisableDelayedExpansion
fltmc >nul 2>&1 || (echo bindc: run this script as an administrator, from an elevated command prompt.& exit /b 1)
echo bindc: these bindings need no HTTP.sys settings on this platform.
exit /b 0
:bindc_failed
echo bindc: that step failed, so the script stopped there; the steps before it stay applied. Fix the cause and run it again, or run netsh-revert.cmd to undo them.
exit /b 1
