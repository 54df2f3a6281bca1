@echo off
rem HTTP.sys URL ACLs, SSL certificate bindings, IP listen list and firewall ports (httpcfg, Windows XP SP2 / Server 2003).
rem Written by bindc.  Run it from an elevated command prompt; running it again is harmless.
setlocal EnableExtensions DisableDelayedExpansion
net session >nul 2>&1 || (echo bindc: run this script as an administrator, from an elevated command prompt.& exit /b 1)
rem httpcfg takes a SID, not an account name: translate the name on this machine.
set "BINDC_ACL_1=DEVBOX\alice"
set "BINDC_SID_1="
for /f "usebackq delims=" %%S in (`powershell -NoProfile -NonInteractive -Command "(New-Object System.Security.Principal.NTAccount $env:BINDC_ACL_1).Translate([System.Security.Principal.SecurityIdentifier]).Value"`) do set "BINDC_SID_1=%%S"
if not defined BINDC_SID_1 (echo bindc: the account "%BINDC_ACL_1%" is unknown on this machine: check acl= or defaults.acl; nothing was changed.& exit /b 1)
echo [1/2] URL ACL http://devbox.lan:8080/
httpcfg delete urlacl /u http://devbox.lan:8080/ >nul 2>&1
httpcfg set urlacl /u http://devbox.lan:8080/ /a D:(A;;GX;;;%BINDC_SID_1%)
if errorlevel 1 goto bindc_failed
echo [2/2] firewall port TCP 8080
netsh firewall delete portopening protocol=TCP port=8080 >nul 2>&1
netsh firewall add portopening protocol=TCP port=8080 name="bindc TCP 8080"
if errorlevel 1 goto bindc_failed
echo bindc: done.
exit /b 0
:bindc_failed
echo bindc: that step failed, so the script stopped there; the steps before it stay applied. Fix the cause and run it again, or run httpcfg-revert.cmd to undo them.
exit /b 1
