@echo off
rem Undoes httpcfg.cmd: deletes its HTTP.sys records and firewall ports (httpcfg, Windows XP SP2 / Server 2003).
rem Written by bindc.  Run it from an elevated command prompt; running it again is harmless.
setlocal EnableExtensions DisableDelayedExpansion
net session >nul 2>&1 || (echo bindc: run this script as an administrator, from an elevated command prompt.& exit /b 1)
echo [1/5] remove IP listen address 0.0.0.0
httpcfg delete iplisten /i 0.0.0.0 >nul 2>&1
echo [2/5] remove IP listen address 10.0.0.5
httpcfg delete iplisten /i 10.0.0.5 >nul 2>&1
echo [3/5] remove IP listen address [::]
httpcfg delete iplisten /i [::] >nul 2>&1
echo [4/5] remove IP listen address [2001:db8::1]
httpcfg delete iplisten /i [2001:db8::1] >nul 2>&1
echo [5/5] remove IP listen address [::1]
httpcfg delete iplisten /i [::1] >nul 2>&1
echo bindc: done.
exit /b 0
:bindc_failed
echo bindc: that step failed, so the script stopped there; the steps before it stay applied. Fix the cause and run it again.
exit /b 1
