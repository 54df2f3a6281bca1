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
echo [1/2] SSL certificate binding ipport=0.0.0.0:44299
netsh http delete sslcert ipport=0.0.0.0:44299 >nul 2>&1
netsh http add sslcert ipport=0.0.0.0:44299 certhash=%BINDC_THUMBPRINT_1% appid={214124cd-d05b-4309-9af9-9caa44b2b74a} certstorename=My
if errorlevel 1 goto bindc_failed
echo [2/2] SSL certificate binding ipport=0.0.0.0:44400
netsh http delete sslcert ipport=0.0.0.0:44400 >nul 2>&1
netsh http add sslcert ipport=0.0.0.0:44400 certhash=%BINDC_THUMBPRINT_1% appid={214124cd-d05b-4309-9af9-9caa44b2b74a} certstorename=My
if errorlevel 1 goto bindc_failed
echo bindc: done.
exit /b 0
:bindc_failed
echo bindc: that step failed, so the script stopped there; the steps before it stay applied. Fix the cause and run it again, or run netsh-revert.cmd to undo them.
exit /b 1
