@echo off
rem Undoes netsh.cmd: deletes its HTTP.sys records and firewall rules (netsh, Windows Vista and later).
rem Written by bindc.  Run it from an elevated command prompt; running it again is harmless.
setlocal EnableExtensions DisableDelayedExpansion
fltmc >nul 2>&1 || (echo bindc: run this script as an administrator, from an elevated command prompt.& exit /b 1)
echo [1/6] remove SSL certificate binding ipport=0.0.0.0:443
netsh http delete sslcert ipport=0.0.0.0:443 >nul 2>&1
echo [2/6] remove URL ACL https://localhost:443/
netsh http delete urlacl url=https://localhost:443/ >nul 2>&1
echo [3/6] remove URL ACL http://localhost:83/
netsh http delete urlacl url=http://localhost:83/ >nul 2>&1
echo [4/6] remove URL ACL http://localhost:82/
netsh http delete urlacl url=http://localhost:82/ >nul 2>&1
echo [5/6] remove URL ACL http://localhost:81/
netsh http delete urlacl url=http://localhost:81/ >nul 2>&1
echo [6/6] remove URL ACL http://localhost:80/
netsh http delete urlacl url=http://localhost:80/ >nul 2>&1
echo bindc: done.
exit /b 0
:bindc_failed
echo bindc: that step failed, so the script stopped there; the steps before it stay applied. Fix the cause and run it again.
exit /b 1
