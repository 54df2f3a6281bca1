@echo off
rem HTTP.sys URL ACLs, SSL certificate bindings, IP listen list and firewall ports (httpcfg, Windows XP SP2 / Server 2003).
rem Written by bindc.  Run it from an elevated command prompt; running it again is harmless.
setlocal EnableExtensions DisableDelayedExpansion
net session >nul 2>&1 || (echo bindc: run this script as an administrator, from an elevated command prompt.& exit /b 1)
rem The thumbprint of this certificate differs on every machine: find it by its friendly name.
set "BINDC_CERT_NAME_1=IIS Express Development Certificate"
set "BINDC_THUMBPRINT_1="
for /f "usebackq delims=" %%T in (`powershell -NoProfile -NonInteractive -Command "Get-ChildItem -Path Cert:\LocalMachine\My | Where-Object { $_.HasPrivateKey -and $_.FriendlyName -eq $env:BINDC_CERT_NAME_1 } | Sort-Object -Property NotAfter -Descending | Select-Object -First 1 -ExpandProperty Thumbprint"`) do set "BINDC_THUMBPRINT_1=%%T"
if not defined BINDC_THUMBPRINT_1 (echo bindc: no certificate with a private key and the friendly name "%BINDC_CERT_NAME_1%" is in LocalMachine\My; nothing was changed.& exit /b 1)
echo [1/6] URL ACL http://localhost:80/
httpcfg delete urlacl /u http://localhost:80/ >nul 2>&1
httpcfg set urlacl /u http://localhost:80/ /a D:(A;;GX;;;WD)
if errorlevel 1 goto bindc_failed
echo [2/6] URL ACL http://localhost:81/
httpcfg delete urlacl /u http://localhost:81/ >nul 2>&1
httpcfg set urlacl /u http://localhost:81/ /a D:(A;;GX;;;WD)
if errorlevel 1 goto bindc_failed
echo [3/6] URL ACL http://localhost:82/
httpcfg delete urlacl /u http://localhost:82/ >nul 2>&1
httpcfg set urlacl /u http://localhost:82/ /a D:(A;;GX;;;WD)
if errorlevel 1 goto bindc_failed
echo [4/6] URL ACL http://localhost:83/
httpcfg delete urlacl /u http://localhost:83/ >nul 2>&1
httpcfg set urlacl /u http://localhost:83/ /a D:(A;;GX;;;WD)
if errorlevel 1 goto bindc_failed
echo [5/6] URL ACL https://localhost:443/
httpcfg delete urlacl /u https://localhost:443/ >nul 2>&1
httpcfg set urlacl /u https://localhost:443/ /a D:(A;;GX;;;WD)
if errorlevel 1 goto bindc_failed
echo [6/6] SSL certificate binding 0.0.0.0:443
httpcfg delete ssl /i 0.0.0.0:443 >nul 2>&1
httpcfg set ssl /i 0.0.0.0:443 /h %BINDC_THUMBPRINT_1% /g "{214124cd-d05b-4309-9af9-9caa44b2b74a}"
if errorlevel 1 goto bindc_failed
echo bindc: done.
exit /b 0
:bindc_failed
echo bindc: that step failed, so the script stopped there; the steps before it stay applied. Fix the cause and run it again, or run httpcfg-revert.cmd to undo them.
exit /b 1
