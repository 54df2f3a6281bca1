@echo off
rem Undoes netsh.cmd: removes the HTTP.sys records and firewall rules it added and puts back what it replaced (netsh, Windows Vista and later).
rem Written by bindc.  Run it from an elevated command prompt; running it again is harmless.
rem It removes only what netsh.cmd added (the files in netsh-saved\ beside it say which) and puts back
rem what that replaced.  A record changed since stops it before any change, unless it runs as
rem `netsh-revert.cmd /replace`.
setlocal EnableExtensions DisableDelayedExpansion
cd /d "%SystemRoot%"
set "BINDC_REPLACE="
:bindc_args
if "%~1"=="" goto bindc_args_done
if /i "%~1"=="/replace" (set "BINDC_REPLACE=1" & shift & goto bindc_args)
echo bindc: usage: "%~nx0" [/replace]
exit /b 2
:bindc_args_done
fltmc >nul 2>&1
if errorlevel 1 (echo bindc: run this script as an administrator, from an elevated command prompt.& exit /b 1)
set "BINDC_DIR=%~dp0netsh-saved"
if not exist "%BINDC_DIR%\" mkdir "%BINDC_DIR%"
if not exist "%BINDC_DIR%\" (echo bindc: cannot make the folder "%BINDC_DIR%", where this script keeps what it changes; nothing was changed.& exit /b 1)
set "BINDC_CUR=%BINDC_DIR%\shown.tmp"
set "BINDC_CONFLICTS="
set "BINDC_UNREADABLE="
set "BINDC_RESTART="
echo bindc: looking at the 1 records this script changes, before it changes any.
rem URL ACL http://localhost:80/
netsh http show urlacl url=http://localhost:80/ >"%BINDC_CUR%" 2>&1
call :bindc_read "%BINDC_CUR%"
set "BINDC_S_1=gone"
call :bindc_has "http://localhost:80/"
if defined BINDC_HAS set "BINDC_S_1=other"
if "%BINDC_S_1%"=="other" (call :bindc_ours urlacl-http_3a_2f_2flocalhost_3a80_2f & if defined BINDC_OURS set "BINDC_S_1=ours")
if not exist "%BINDC_DIR%\urlacl-http_3a_2f_2flocalhost_3a80_2f.added.txt" if not "%BINDC_S_1%"=="gone" set "BINDC_S_1=notours"
if not exist "%BINDC_DIR%\urlacl-http_3a_2f_2flocalhost_3a80_2f.added.txt" if not exist "%BINDC_DIR%\urlacl-http_3a_2f_2flocalhost_3a80_2f.replaced.txt" set "BINDC_S_1=notours"
if "%BINDC_S_1%"=="other" (set "BINDC_CONFLICTS=1" & echo bindc: URL ACL http://localhost:80/ has changed since netsh.cmd set it; netsh shows:& type "%BINDC_CUR%")
if defined BINDC_UNREADABLE (echo bindc: nothing was changed.& exit /b 1)
if defined BINDC_CONFLICTS if not defined BINDC_REPLACE (echo bindc: nothing was changed.  Run "%~nx0" /replace to remove them all the same: what is there now is kept in "%BINDC_DIR%" first.& exit /b 1)
if "%BINDC_S_1%"=="other" (netsh http show urlacl url=http://localhost:80/ >"%BINDC_DIR%\urlacl-http_3a_2f_2flocalhost_3a80_2f.removed.txt" 2>&1)
echo [1/1] remove URL ACL http://localhost:80/
if "%BINDC_S_1%"=="notours" (echo        not added by netsh.cmd: left alone& goto bindc_1)
if "%BINDC_S_1%"=="gone" goto bindc_back_1
netsh http delete urlacl url=http://localhost:80/
if errorlevel 1 goto bindc_failed
:bindc_back_1
if exist "%BINDC_DIR%\urlacl-http_3a_2f_2flocalhost_3a80_2f.added.txt" del "%BINDC_DIR%\urlacl-http_3a_2f_2flocalhost_3a80_2f.added.txt"
if not exist "%BINDC_DIR%\urlacl-http_3a_2f_2flocalhost_3a80_2f.replaced.txt" goto bindc_1
echo        putting back what netsh.cmd replaced, kept in "%BINDC_DIR%\urlacl-http_3a_2f_2flocalhost_3a80_2f.replaced.txt"
call :bindc_read "%BINDC_DIR%\urlacl-http_3a_2f_2flocalhost_3a80_2f.replaced.txt"
netsh http add urlacl url=http://localhost:80/ sddl="%BINDC_R_SDDL%"
if errorlevel 1 goto bindc_failed
del "%BINDC_DIR%\urlacl-http_3a_2f_2flocalhost_3a80_2f.replaced.txt"
:bindc_1
if exist "%BINDC_CUR%" del "%BINDC_CUR%"
rd "%BINDC_DIR%" >nul 2>&1
if not defined BINDC_RESTART goto bindc_done
echo bindc: the IP listen list changed, and HTTP.sys reads it only when it starts.  Restart it:
echo        net stop http /y   stops HTTP.sys and the services that use it, IIS among them;
echo        net start w3svc    starts IIS again; start the other services it stopped as well,
echo        or restart Windows.
:bindc_done
echo bindc: done.
exit /b 0
:bindc_failed
echo bindc: that step failed, so the script stopped there; the steps before it stay applied. Fix the cause and run it again.
exit /b 1
:bindc_read
rem What a netsh command showed, read by its values (its words are in the language of Windows): BINDC_SIG
rem is the last word of every line, between #; BINDC_R_SDDL the one that starts with D:(,
rem BINDC_R_APPID the first {GUID}, BINDC_R_HASH the value before it.
set "BINDC_SIG=#"
set "BINDC_R_SDDL="
set "BINDC_R_APPID="
set "BINDC_R_HASH="
set "BINDC_PREV="
if not exist %1 exit /b 0
for /f "usebackq tokens=1-26" %%a in (%1) do (
  set "BINDC_V=%%a"
  if not "%%b"=="" set "BINDC_V=%%b"
  if not "%%c"=="" set "BINDC_V=%%c"
  if not "%%d"=="" set "BINDC_V=%%d"
  if not "%%e"=="" set "BINDC_V=%%e"
  if not "%%f"=="" set "BINDC_V=%%f"
  if not "%%g"=="" set "BINDC_V=%%g"
  if not "%%h"=="" set "BINDC_V=%%h"
  if not "%%i"=="" set "BINDC_V=%%i"
  if not "%%j"=="" set "BINDC_V=%%j"
  if not "%%k"=="" set "BINDC_V=%%k"
  if not "%%l"=="" set "BINDC_V=%%l"
  if not "%%m"=="" set "BINDC_V=%%m"
  if not "%%n"=="" set "BINDC_V=%%n"
  if not "%%o"=="" set "BINDC_V=%%o"
  if not "%%p"=="" set "BINDC_V=%%p"
  if not "%%q"=="" set "BINDC_V=%%q"
  if not "%%r"=="" set "BINDC_V=%%r"
  if not "%%s"=="" set "BINDC_V=%%s"
  if not "%%t"=="" set "BINDC_V=%%t"
  if not "%%u"=="" set "BINDC_V=%%u"
  if not "%%v"=="" set "BINDC_V=%%v"
  if not "%%w"=="" set "BINDC_V=%%w"
  if not "%%x"=="" set "BINDC_V=%%x"
  if not "%%y"=="" set "BINDC_V=%%y"
  if not "%%z"=="" set "BINDC_V=%%z"
  call :bindc_value
)
exit /b 0
:bindc_value
set "BINDC_V=%BINDC_V:"=%"
if "%BINDC_V:~0,3%"=="D:(" set "BINDC_R_SDDL=%BINDC_V%"
if not defined BINDC_R_APPID if "%BINDC_V:~0,1%"=="{" (set "BINDC_R_APPID=%BINDC_V%" & set "BINDC_R_HASH=%BINDC_PREV%")
set "BINDC_SIG=%BINDC_SIG%%BINDC_V%#"
set "BINDC_PREV=%BINDC_V%"
exit /b 0
:bindc_has
rem BINDC_HAS is 1 when every argument is one of the values in BINDC_SIG (compared without case).
set "BINDC_HAS=1"
call :bindc_has1 %1
if not "%~2"=="" call :bindc_has1 %2
if not "%~3"=="" call :bindc_has1 %3
exit /b 0
:bindc_has1
call set "BINDC_T=%%BINDC_SIG:#%~1#=%%"
call set "BINDC_U=%%BINDC_SIG%%"
if "%BINDC_T%"=="%BINDC_U%" set "BINDC_HAS="
exit /b 0
:bindc_ours
rem BINDC_OURS is 1 when the record shows as it did right after netsh.cmd set it.
set "BINDC_OURS="
if not exist "%BINDC_DIR%\%~1.added.txt" exit /b 0
set "BINDC_NOW=%BINDC_SIG%"
call :bindc_read "%BINDC_DIR%\%~1.added.txt"
if "%BINDC_SIG%"=="%BINDC_NOW%" set "BINDC_OURS=1"
exit /b 0
