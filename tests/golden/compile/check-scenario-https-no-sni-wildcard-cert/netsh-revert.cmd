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
set "BINDC_INEXACT="
rem SSL certificate binding ipport=0.0.0.0:443
netsh http show sslcert ipport=0.0.0.0:443 >"%BINDC_CUR%" 2>&1
call :bindc_read "%BINDC_CUR%"
set "BINDC_S_1=gone"
call :bindc_has "0.0.0.0:443"
if defined BINDC_HAS set "BINDC_S_1=other"
if "%BINDC_S_1%"=="other" (call :bindc_ours sslcert-ipport-0.0.0.0_3a443 & if defined BINDC_OURS set "BINDC_S_1=ours")
if not exist "%BINDC_DIR%\sslcert-ipport-0.0.0.0_3a443.added.txt" if not "%BINDC_S_1%"=="gone" set "BINDC_S_1=notours"
if not exist "%BINDC_DIR%\sslcert-ipport-0.0.0.0_3a443.added.txt" if not exist "%BINDC_DIR%\sslcert-ipport-0.0.0.0_3a443.replaced.txt" set "BINDC_S_1=notours"
if "%BINDC_S_1%"=="other" (set "BINDC_CONFLICTS=1" & echo bindc: SSL certificate binding ipport=0.0.0.0:443 has changed since netsh.cmd set it; netsh shows:& type "%BINDC_CUR%")
if defined BINDC_UNREADABLE (echo bindc: nothing was changed.& exit /b 1)
if defined BINDC_CONFLICTS if not defined BINDC_REPLACE (echo bindc: nothing was changed.  Run "%~nx0" /replace to remove them all the same: what is there now is kept in "%BINDC_DIR%" first.& exit /b 1)
if "%BINDC_S_1%"=="other" (netsh http show sslcert ipport=0.0.0.0:443 >"%BINDC_DIR%\sslcert-ipport-0.0.0.0_3a443.removed.txt" 2>&1)
echo [1/1] remove SSL certificate binding ipport=0.0.0.0:443
if "%BINDC_S_1%"=="notours" (echo        not added by netsh.cmd: left alone& goto bindc_1)
if "%BINDC_S_1%"=="gone" goto bindc_back_1
netsh http delete sslcert ipport=0.0.0.0:443
if errorlevel 1 goto bindc_failed
:bindc_back_1
if exist "%BINDC_DIR%\sslcert-ipport-0.0.0.0_3a443.added.txt" del "%BINDC_DIR%\sslcert-ipport-0.0.0.0_3a443.added.txt"
if not exist "%BINDC_DIR%\sslcert-ipport-0.0.0.0_3a443.replaced.txt" goto bindc_1
echo        putting back what netsh.cmd replaced, kept in "%BINDC_DIR%\sslcert-ipport-0.0.0.0_3a443.replaced.txt"
call :bindc_put_ssl "ipport=0.0.0.0:443" "%BINDC_DIR%\sslcert-ipport-0.0.0.0_3a443.replaced.txt"
if errorlevel 1 goto bindc_failed
:bindc_1
if exist "%BINDC_CUR%" del "%BINDC_CUR%"
rd "%BINDC_DIR%" >nul 2>&1
if not defined BINDC_RESTART goto bindc_done
echo bindc: the IP listen list changed, and HTTP.sys reads it only when it starts.  Restart it:
echo        net stop http /y   stops HTTP.sys and the services that use it, IIS among them;
echo        net start w3svc    starts IIS again; start the other services it stopped as well,
echo        or restart Windows.
:bindc_done
if defined BINDC_INEXACT (echo bindc: done, but not every record is back exactly as it was: what netsh showed of it is kept in "%BINDC_DIR%".& exit /b 1)
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
:bindc_values
rem What netsh showed of an SSL binding in the file %1, read by place, as its words are in the language of Windows:
rem BINDC_%2_N is the value of the Nth line after the appid's (what follows the line's first colon), BINDC_%2_FORM
rem what precedes those colons (alike for two bindings shown in one language by one version of Windows), BINDC_%2_ALL
rem every value; BINDC_%2_BAD is set when they cannot all be given back: no appid, a double quote, no number
rem where netsh shows a count (its lines are not where bindc reads them).  Settings past the 20 bindc knows
rem (a newer Windows) are in BINDC_%2_ALL: the revert compares them after it puts a binding back.
set "BINDC_P=%~2"
set "BINDC_AT="
set "BINDC_BAD="
set "BINDC_FORM=#"
set "BINDC_ALL=#"
for /l %%n in (1,1,20) do set "BINDC_%~2_%%n="
if not exist %1 goto bindc_values_done
for /f "usebackq tokens=1* delims=:" %%a in (%1) do (
  set "BINDC_K=%%a"
  set "BINDC_V=#%%b"
  call :bindc_setting
)
:bindc_values_done
if not defined BINDC_AT set "BINDC_BAD=1"
set "BINDC_%~2_BAD=%BINDC_BAD%"
set "BINDC_%~2_FORM=%BINDC_FORM%"
set "BINDC_%~2_ALL=%BINDC_ALL%"
exit /b 0
:bindc_setting
rem One line of :bindc_values, # and what follows its first colon in BINDC_V: a double quote is taken out (and noted),
rem then the blank netsh puts after the colon.  The lines count from the appid's, the first value that starts with {.
set "BINDC_T=%BINDC_V:"=%"
set "BINDC_U=%BINDC_V:"='%"
if not "%BINDC_T%"=="%BINDC_U%" set "BINDC_BAD=1"
set "BINDC_V=%BINDC_T:~1%"
if "%BINDC_T:~0,2%"=="# " set "BINDC_V=%BINDC_T:~2%"
if defined BINDC_AT goto bindc_setting_after
if "%BINDC_T:~0,3%"=="# {" set "BINDC_AT=0"
exit /b 0
:bindc_setting_after
set /a BINDC_AT+=1
set "BINDC_%BINDC_P%_%BINDC_AT%=%BINDC_V%"
set "BINDC_FORM=%BINDC_FORM%%BINDC_K%#"
set "BINDC_ALL=%BINDC_ALL%%BINDC_V%#"
if "%BINDC_AT%"=="5" call :bindc_count
if "%BINDC_AT%"=="6" call :bindc_count
exit /b 0
:bindc_count
rem BINDC_BAD unless BINDC_V is a number: with its digits taken out, # is left.
set "BINDC_T=#%BINDC_V%"
set "BINDC_T=%BINDC_T:0=%"
set "BINDC_T=%BINDC_T:1=%"
set "BINDC_T=%BINDC_T:2=%"
set "BINDC_T=%BINDC_T:3=%"
set "BINDC_T=%BINDC_T:4=%"
set "BINDC_T=%BINDC_T:5=%"
set "BINDC_T=%BINDC_T:6=%"
set "BINDC_T=%BINDC_T:7=%"
set "BINDC_T=%BINDC_T:8=%"
set "BINDC_T=%BINDC_T:9=%"
if not "%BINDC_T%"=="#" set "BINDC_BAD=1"
if "%BINDC_V%"=="" set "BINDC_BAD=1"
exit /b 0
:bindc_ssl_args
rem BINDC_A_N: the value of the Nth line of BINDC_WAS_* as netsh's add command takes it back; nothing when there is none.
rem A name is given in quotes (set without them, so that the quotes are part of it).
set "BINDC_A_1="
if defined BINDC_WAS_1 if not "%BINDC_WAS_1%"=="(null)" set BINDC_A_1=certstorename="%BINDC_WAS_1%"
set "BINDC_A_5="
if defined BINDC_WAS_5 if not "%BINDC_WAS_5%"=="0" set "BINDC_A_5=revocationfreshnesstime=%BINDC_WAS_5%"
set "BINDC_A_6="
if defined BINDC_WAS_6 if not "%BINDC_WAS_6%"=="0" set "BINDC_A_6=urlretrievaltimeout=%BINDC_WAS_6%"
set "BINDC_A_7="
if defined BINDC_WAS_7 if not "%BINDC_WAS_7%"=="(null)" set BINDC_A_7=sslctlidentifier="%BINDC_WAS_7%"
set "BINDC_A_8="
if defined BINDC_WAS_8 if not "%BINDC_WAS_8%"=="(null)" set BINDC_A_8=sslctlstorename="%BINDC_WAS_8%"
exit /b 0
:bindc_switches
rem BINDC_SW: the switches of the lines of BINDC_WAS_* that read otherwise than in BINDC_NOW_*, the same binding with
rem netsh's defaults: their words are in the language of Windows, so a line tells only whether the setting is the default.
set "BINDC_SW="
if not "%BINDC_WAS_2%"=="%BINDC_NOW_2%" set "BINDC_SW=%BINDC_SW% verifyclientcertrevocation=disable"
if not "%BINDC_WAS_3%"=="%BINDC_NOW_3%" set "BINDC_SW=%BINDC_SW% verifyrevocationwithcachedclientcertonly=enable"
if not "%BINDC_WAS_4%"=="%BINDC_NOW_4%" set "BINDC_SW=%BINDC_SW% usagecheck=disable"
if not "%BINDC_WAS_9%"=="%BINDC_NOW_9%" set "BINDC_SW=%BINDC_SW% dsmapperusage=enable"
if not "%BINDC_WAS_10%"=="%BINDC_NOW_10%" set "BINDC_SW=%BINDC_SW% clientcertnegotiation=enable"
if not "%BINDC_WAS_11%"=="%BINDC_NOW_11%" set "BINDC_SW=%BINDC_SW% reject=enable"
if not "%BINDC_WAS_12%"=="%BINDC_NOW_12%" set "BINDC_SW=%BINDC_SW% disablehttp2=enable"
if not "%BINDC_WAS_13%"=="%BINDC_NOW_13%" set "BINDC_SW=%BINDC_SW% disablequic=enable"
if not "%BINDC_WAS_14%"=="%BINDC_NOW_14%" set "BINDC_SW=%BINDC_SW% disabletls12=enable"
if not "%BINDC_WAS_15%"=="%BINDC_NOW_15%" set "BINDC_SW=%BINDC_SW% disabletls13=enable"
if not "%BINDC_WAS_16%"=="%BINDC_NOW_16%" set "BINDC_SW=%BINDC_SW% disableocspstapling=enable"
if not "%BINDC_WAS_17%"=="%BINDC_NOW_17%" set "BINDC_SW=%BINDC_SW% enabletokenbinding=enable"
if not "%BINDC_WAS_18%"=="%BINDC_NOW_18%" set "BINDC_SW=%BINDC_SW% logextendedevents=enable"
if not "%BINDC_WAS_19%"=="%BINDC_NOW_19%" set "BINDC_SW=%BINDC_SW% disablelegacytls=enable"
if not "%BINDC_WAS_20%"=="%BINDC_NOW_20%" set "BINDC_SW=%BINDC_SW% enablesessionticket=enable"
exit /b 0
:bindc_put_ssl
rem Puts back the SSL binding %1 as the file %2 shows it, with every setting; the file stays when a setting cannot be given back.
call :bindc_read %2
call :bindc_values %2 WAS
call :bindc_ssl_args
netsh http add sslcert %~1 certhash="%BINDC_R_HASH%" appid="%BINDC_R_APPID%" %BINDC_A_1% %BINDC_A_5% %BINDC_A_6% %BINDC_A_7% %BINDC_A_8%
if errorlevel 1 exit /b 1
netsh http show sslcert %~1 >"%BINDC_CUR%" 2>&1
call :bindc_values "%BINDC_CUR%" NOW
if not "%BINDC_WAS_FORM%"=="%BINDC_NOW_FORM%" (echo        netsh now shows SSL bindings in other words than when it showed this one, another language or version of Windows: it is back with its certificate, appid and values, but not the settings netsh shows in words; set them by hand as "%~2" says.& set "BINDC_INEXACT=1" & exit /b 0)
call :bindc_switches
if not defined BINDC_SW goto bindc_put_ssl_all
echo        and again with what netsh shows of its settings in words:%BINDC_SW%
netsh http delete sslcert %~1
if errorlevel 1 exit /b 1
netsh http add sslcert %~1 certhash="%BINDC_R_HASH%" appid="%BINDC_R_APPID%" %BINDC_A_1% %BINDC_A_5% %BINDC_A_6% %BINDC_A_7% %BINDC_A_8% %BINDC_SW%
if errorlevel 1 exit /b 1
netsh http show sslcert %~1 >"%BINDC_CUR%" 2>&1
call :bindc_values "%BINDC_CUR%" NOW
:bindc_put_ssl_all
if not "%BINDC_WAS_ALL%"=="%BINDC_NOW_ALL%" (echo        it is back, but netsh shows it otherwise than "%~2" does, in a setting no parameter of netsh sets: set that by hand as the file says.& set "BINDC_INEXACT=1" & exit /b 0)
del %2
exit /b 0
