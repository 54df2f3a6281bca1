@echo off
rem Undoes httpcfg.cmd: deletes its HTTP.sys records and firewall ports (httpcfg, Windows XP SP2 / Server 2003).
rem Written by bindc.  Run it from an elevated command prompt; running it again is harmless.
setlocal EnableExtensions DisableDelayedExpansion
net session >nul 2>&1 || (echo bindc: run this script as an administrator, from an elevated command prompt.& exit /b 1)
rem The thumbprint of this certificate differs on every machine: find it by its friendly name.
set "BINDC_CERT_NAME_1=IIS Express Development Certificate"
set "BINDC_THUMBPRINT_1="
for /f "usebackq delims=" %%T in (`powershell -NoProfile -NonInteractive -Command "Get-ChildItem -Path Cert:\LocalMachine\My | Where-Object { $_.HasPrivateKey -and $_.FriendlyName -eq $env:BINDC_CERT_NAME_1 } | Sort-Object -Property NotAfter -Descending | Select-Object -First 1 -ExpandProperty Thumbprint"`) do set "BINDC_THUMBPRINT_1=%%T"
if not defined BINDC_THUMBPRINT_1 (echo bindc: no certificate with a private key and the friendly name "%BINDC_CERT_NAME_1%" is in LocalMachine\My; nothing was changed.& exit /b 1)
echo [1/7] remove firewall port TCP 8080
netsh firewall delete portopening protocol=TCP port=8080 >nul 2>&1
echo [2/7] remove SSL certificate binding 0.0.0.0:44300, restoring the platform's certificate
httpcfg delete ssl /i 0.0.0.0:44300 >nul 2>&1
httpcfg set ssl /i 0.0.0.0:44300 /h %BINDC_THUMBPRINT_1% /g "{214124cd-d05b-4309-9af9-9caa44b2b74a}"
if errorlevel 1 goto bindc_failed
echo [3/7] remove SSL certificate binding 0.0.0.0:44500
httpcfg delete ssl /i 0.0.0.0:44500 >nul 2>&1
echo [4/7] remove SSL certificate binding 0.0.0.0:443
httpcfg delete ssl /i 0.0.0.0:443 >nul 2>&1
echo [5/7] remove URL ACL https://localhost:443/
httpcfg delete urlacl /u https://localhost:443/ >nul 2>&1
echo [6/7] remove URL ACL http://devbox:8080/
httpcfg delete urlacl /u http://devbox:8080/ >nul 2>&1
echo [7/7] remove URL ACL http://localhost:80/
httpcfg delete urlacl /u http://localhost:80/ >nul 2>&1
echo bindc: done.
exit /b 0
:bindc_failed
echo bindc: that step failed, so the script stopped there; the steps before it stay applied. Fix the cause and run it again.
exit /b 1
