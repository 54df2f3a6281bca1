@echo off
rem Undoes netsh.cmd: deletes its HTTP.sys records and firewall rules (netsh, Windows Vista and later).
rem Written by bindc.  Run it from an elevated command prompt; running it again is harmless.
setlocal EnableExtensions DisableDelayedExpansion
fltmc >nul 2>&1 || (echo bindc: run this script as an administrator, from an elevated command prompt.& exit /b 1)
echo bindc: these bindings need no HTTP.sys settings on this platform.
exit /b 0
:bindc_failed
echo bindc: that step failed, so the script stopped there; the steps before it stay applied. Fix the cause and run it again.
exit /b 1
