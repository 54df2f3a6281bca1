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
echo [1/7] URL ACL http://localhost:80/
netsh http delete urlacl url=http://localhost:80/ >nul 2>&1
netsh http add urlacl url=http://localhost:80/ sddl=D:(A;;GX;;;WD)
if errorlevel 1 goto bindc_failed
echo [2/7] URL ACL http://devbox:8080/
netsh http delete urlacl url=http://devbox:8080/ >nul 2>&1
netsh http add urlacl url=http://devbox:8080/ sddl=D:(A;;GX;;;WD)
if errorlevel 1 goto bindc_failed
echo [3/7] URL ACL https://localhost:443/
netsh http delete urlacl url=https://localhost:443/ >nul 2>&1
netsh http add urlacl url=https://localhost:443/ sddl=D:(A;;GX;;;WD)
if errorlevel 1 goto bindc_failed
echo [4/7] SSL certificate binding ipport=0.0.0.0:443
netsh http delete sslcert ipport=0.0.0.0:443 >nul 2>&1
netsh http add sslcert ipport=0.0.0.0:443 certhash=%BINDC_THUMBPRINT_1% appid={214124cd-d05b-4309-9af9-9caa44b2b74a} certstorename=My
if errorlevel 1 goto bindc_failed
echo [5/7] SSL certificate binding ipport=0.0.0.0:44500
netsh http delete sslcert ipport=0.0.0.0:44500 >nul 2>&1
netsh http add sslcert ipport=0.0.0.0:44500 certhash=%BINDC_THUMBPRINT_1% appid={214124cd-d05b-4309-9af9-9caa44b2b74a} certstorename=My
if errorlevel 1 goto bindc_failed
echo [6/7] SSL certificate binding ipport=0.0.0.0:44300, replacing the platform's certificate
netsh http delete sslcert ipport=0.0.0.0:44300 >nul 2>&1
netsh http add sslcert ipport=0.0.0.0:44300 certhash=3A1B9F0077C24E6D0A115B2C8D3E4F5061728394 appid={4dc3e181-e14b-4a21-b022-59fc669b0914} certstorename=My
if errorlevel 1 goto bindc_failed
echo [7/7] firewall rule bindc TCP 8080
netsh advfirewall firewall delete rule name="bindc TCP 8080" >nul 2>&1
netsh advfirewall firewall add rule name="bindc TCP 8080" dir=in action=allow protocol=TCP localport=8080
if errorlevel 1 goto bindc_failed
echo bindc: done.
exit /b 0
:bindc_failed
echo bindc: that step failed, so the script stopped there; the steps before it stay applied. Fix the cause and run it again, or run netsh-revert.cmd to undo them.
exit /b 1
