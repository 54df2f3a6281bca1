@echo off
rem HTTP.sys URL ACLs, SSL certificate bindings, IP listen list and firewall rules (netsh, Windows Vista and later).
rem Written by bindc.  Run it from an elevated command prompt; running it again is harmless.
setlocal EnableExtensions DisableDelayedExpansion
fltmc >nul 2>&1 || (echo bindc: run this script as an administrator, from an elevated command prompt.& exit /b 1)
rem The thumbprint of this certificate differs on every machine: find it by its friendly name.
set "BINDC_CERT_NAME_1=IIS Express Development Certificate"
set "BINDC_THUMBPRINT_1="
for /f "usebackq delims=" %%T in (`powershell -NoProfile -NonInteractive -Command "Get-ChildItem -Path Cert:\LocalMachine\My | Where-Object { $_.HasPrivateKey -and $_.FriendlyName -eq $env:BINDC_CERT_NAME_1 } | Sort-Object -Property NotAfter -Descending | Select-Object -First 1 -ExpandProperty Thumbprint"`) do set "BINDC_THUMBPRINT_1=%%T"
if not defined BINDC_THUMBPRINT_1 (echo bindc: no certificate with a private key and the friendly name "%BINDC_CERT_NAME_1%" is in LocalMachine\My; nothing was changed.& exit /b 1)
echo [1/6] URL ACL http://localhost:80/
netsh http delete urlacl url=http://localhost:80/ >nul 2>&1
netsh http add urlacl url=http://localhost:80/ sddl=D:(A;;GX;;;WD)
if errorlevel 1 goto bindc_failed
echo [2/6] URL ACL http://localhost:81/
netsh http delete urlacl url=http://localhost:81/ >nul 2>&1
netsh http add urlacl url=http://localhost:81/ sddl=D:(A;;GX;;;WD)
if errorlevel 1 goto bindc_failed
echo [3/6] URL ACL http://localhost:82/
netsh http delete urlacl url=http://localhost:82/ >nul 2>&1
netsh http add urlacl url=http://localhost:82/ sddl=D:(A;;GX;;;WD)
if errorlevel 1 goto bindc_failed
echo [4/6] URL ACL http://localhost:83/
netsh http delete urlacl url=http://localhost:83/ >nul 2>&1
netsh http add urlacl url=http://localhost:83/ sddl=D:(A;;GX;;;WD)
if errorlevel 1 goto bindc_failed
echo [5/6] URL ACL https://localhost:443/
netsh http delete urlacl url=https://localhost:443/ >nul 2>&1
netsh http add urlacl url=https://localhost:443/ sddl=D:(A;;GX;;;WD)
if errorlevel 1 goto bindc_failed
echo [6/6] SSL certificate binding ipport=0.0.0.0:443
netsh http delete sslcert ipport=0.0.0.0:443 >nul 2>&1
netsh http add sslcert ipport=0.0.0.0:443 certhash=%BINDC_THUMBPRINT_1% appid={214124cd-d05b-4309-9af9-9caa44b2b74a} certstorename=My
if errorlevel 1 goto bindc_failed
echo bindc: done.
exit /b 0
:bindc_failed
echo bindc: that step failed, so the script stopped there; the steps before it stay applied. Fix the cause and run it again, or run netsh-revert.cmd to undo them.
exit /b 1
