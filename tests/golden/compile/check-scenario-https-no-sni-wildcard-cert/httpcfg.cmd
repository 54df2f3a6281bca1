@echo off
rem HTTP.sys URL ACLs, SSL certificate bindings, IP listen list and firewall ports (httpcfg, Windows XP SP2 / Server 2003).
rem Written by bindc.  Run it from an elevated command prompt; running it again is harmless.
setlocal EnableExtensions DisableDelayedExpansion
net session >nul 2>&1 || (echo bindc: run this script as an administrator, from an elevated command prompt.& exit /b 1)
echo [1/1] SSL certificate binding 0.0.0.0:443
httpcfg delete ssl /i 0.0.0.0:443 >nul 2>&1
httpcfg set ssl /i 0.0.0.0:443 /h 3A1B9F0077C24E6D0A115B2C8D3E4F5061728394 /g "{4dc3e181-e14b-4a21-b022-59fc669b0914}"
if errorlevel 1 goto bindc_failed
echo bindc: done.
exit /b 0
:bindc_failed
echo bindc: that step failed, so the script stopped there; the steps before it stay applied. Fix the cause and run it again, or run httpcfg-revert.cmd to undo them.
exit /b 1
