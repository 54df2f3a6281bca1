@echo off
rem Undoes httpcfg.cmd: deletes its HTTP.sys records and firewall ports (httpcfg, Windows XP SP2 / Server 2003).
rem Written by bindc.  Run it from an elevated command prompt; running it again is harmless.
setlocal EnableExtensions DisableDelayedExpansion
net session >nul 2>&1 || (echo bindc: run this script as an administrator, from an elevated command prompt.& exit /b 1)
echo [1/6] remove SSL certificate binding 0.0.0.0:443
httpcfg delete ssl /i 0.0.0.0:443 >nul 2>&1
echo [2/6] remove URL ACL https://localhost:443/
httpcfg delete urlacl /u https://localhost:443/ >nul 2>&1
echo [3/6] remove URL ACL http://localhost:83/
httpcfg delete urlacl /u http://localhost:83/ >nul 2>&1
echo [4/6] remove URL ACL http://localhost:82/
httpcfg delete urlacl /u http://localhost:82/ >nul 2>&1
echo [5/6] remove URL ACL http://localhost:81/
httpcfg delete urlacl /u http://localhost:81/ >nul 2>&1
echo [6/6] remove URL ACL http://localhost:80/
httpcfg delete urlacl /u http://localhost:80/ >nul 2>&1
echo bindc: done.
exit /b 0
:bindc_failed
echo bindc: that step failed, so the script stopped there; the steps before it stay applied. Fix the cause and run it again.
exit /b 1
