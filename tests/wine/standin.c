/* Stand-ins for the Windows programs the HTTP.sys scripts run, for
 * tests/scripts/test_http_sys_scripts.sh, which runs the scripts under
 * Wine's cmd.exe.  One source, built once per program with
 * x86_64-w64-mingw32-gcc -DSTANDIN_<NAME> (netsh, httpcfg, fltmc, net,
 * powershell, wmic).  They keep one HTTP.sys state in the file that
 * BINDC_FAKE_STATE names (a Windows path), a record a line:
 *
 *   iplisten|ADDR
 *   urlacl|URL|SDDL
 *   ssl|ipport|KEY|HASH|{APPID}|STORE|CHECKMODE|FRESHNESS|TIMEOUT|FLAGS|DISABLEBITS[|CTLID|CTLSTORE]
 *                                                          (hostnameport, ccs alike)
 *   fw|NAME|DIR|ACTION|PROTOCOL|LOCALPORT|LOCALIP|ENABLE   (Vista and later: advfirewall; ENABLE yes|no)
 *   port|PORT|PROTOCOL|NAME|MODE                           (Windows XP: netsh firewall; MODE ENABLE|DISABLE)
 *   cert|STORE|THUMBPRINT|HASKEY|FRIENDLY NAME             (read only: powershell)
 *   account|NAME|SID                                       (read only: user=, wmic)
 *
 * and answer add/delete/show (netsh; `set rule` for advfirewall),
 * set/delete/query (httpcfg) as the real programs do: their text (English, or German labels and words with
 * BINDC_FAKE_LANG=de, as a German Windows localises them), and their errors
 * with the real codes and messages: 183 when the record exists, 2 when it
 * does not, 87 for a bad parameter, 1332 for an unknown account; netsh
 * exits 1 on an error, httpcfg with the code.  fltmc and `net session`
 * succeed unless BINDC_FAKE_NOT_ADMIN is set.  Every run is appended to
 * BINDC_FAKE_LOG when set.
 *
 * An SSL binding's settings are HTTP.sys's: CHECKMODE is DefaultCertCheckMode
 * (1 no revocation check, 2 cached client certificates only, 4 freshness
 * time on, 0x10000 no usage check), FLAGS DefaultFlags' low bits (1 DS
 * mapper, 2 negotiate client certificate, 4 no raw filter, 8 reject), and
 * DISABLEBITS the switches netsh shows as Set / Not Set: 1 disablehttp2,
 * 2 disablequic, 4 disabletls13, 8 disablelegacytls, 16 disableocspstapling,
 * 32 disabletls12, 64 enabletokenbinding, 128 logextendedevents,
 * 256 enablesessionticket.  CTLID and CTLSTORE are there only when one is
 * set (empty for the other).  `netsh http show sslcert` prints them in the
 * order and words of Windows Server 2022's netsh (tests/golden/import/inputs/
 * sslcert-*.txt: English and German), `netsh http add sslcert` takes every
 * parameter Microsoft documents for it, and `httpcfg query ssl` prints its
 * ten lines. */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAXREC 512
#define MAXF 13

static char *rec[MAXREC][MAXF];
static int nrec;
static int german;

static void die_usage(const char *msg) { printf("%s\n", msg); exit(1); }

static char *dup(const char *s)
{
    char *r = malloc(strlen(s) + 1);
    strcpy(r, s);
    return r;
}

static int ieq(const char *a, const char *b)
{
    for (; *a && *b; a++, b++) if (tolower((unsigned char)*a) != tolower((unsigned char)*b)) return 0;
    return !*a && !*b;
}

static void load(void)
{
    const char *path = getenv("BINDC_FAKE_STATE");
    if (!path) die_usage("BINDC_FAKE_STATE is not set");
    FILE *f = fopen(path, "r");
    if (!f) return;
    char line[4096];
    while (fgets(line, sizeof line, f) && nrec < MAXREC) {
        line[strcspn(line, "\r\n")] = 0;
        if (!*line) continue;
        int n = 0;
        char *p = line;
        for (;;) {
            char *bar = strchr(p, '|');
            if (bar) *bar = 0;
            rec[nrec][n++] = dup(p);
            if (!bar || n == MAXF) break;
            p = bar + 1;
        }
        for (; n < MAXF; n++) rec[nrec][n] = NULL;
        nrec++;
    }
    fclose(f);
}

static void save(void)
{
    FILE *f = fopen(getenv("BINDC_FAKE_STATE"), "w");
    if (!f) { printf("cannot write the state\n"); exit(1); }
    for (int i = 0; i < nrec; i++) {
        if (!rec[i][0]) continue;
        for (int j = 0; j < MAXF && rec[i][j]; j++) fprintf(f, "%s%s", j ? "|" : "", rec[i][j]);
        fputc('\n', f);
    }
    fclose(f);
}

static int find(const char *kind, int field, const char *value)
{
    for (int i = 0; i < nrec; i++)
        if (rec[i][0] && strcmp(rec[i][0], kind) == 0 && rec[i][field] && ieq(rec[i][field], value)) return i;
    return -1;
}

static int find2(const char *kind, const char *f1, const char *f2)
{
    for (int i = 0; i < nrec; i++)
        if (rec[i][0] && strcmp(rec[i][0], kind) == 0 && ieq(rec[i][1], f1) && ieq(rec[i][2], f2)) return i;
    return -1;
}

static void add(const char *f0, ...)
{
    va_list ap;
    va_start(ap, f0);
    rec[nrec][0] = dup(f0);
    int n = 1;
    for (const char *s; n < MAXF && (s = va_arg(ap, const char *));) rec[nrec][n++] = dup(s);
    va_end(ap);
    nrec++;
}

static void drop(int i) { rec[i][0] = NULL; }

/* `tag=value` among the arguments (case-insensitive tag), or NULL. */
static const char *arg(int argc, char **argv, int from, const char *tag)
{
    size_t n = strlen(tag);
    for (int i = from; i < argc; i++)
        if (strlen(argv[i]) > n && argv[i][n] == '=' && strncasecmp(argv[i], tag, n) == 0) return argv[i] + n + 1;
    return NULL;
}

/* `/x value` (httpcfg). */
static const char *opt(int argc, char **argv, int from, const char *flag)
{
    for (int i = from; i + 1 < argc; i++) if (ieq(argv[i], flag)) return argv[i + 1];
    return NULL;
}

static const char *T(const char *en, const char *de) { return german ? de : en; }

static void log_run(int argc, char **argv)
{
    const char *path = getenv("BINDC_FAKE_LOG");
    if (!path) return;
    FILE *f = fopen(path, "a");
    if (!f) return;
    for (int i = 0; i < argc; i++) fprintf(f, "%s%s", i ? " " : "", argv[i]);
    fputc('\n', f);
    fclose(f);
}

static int is_hex40(const char *s)
{
    if (strlen(s) != 40) return 0;
    for (; *s; s++) if (!isxdigit((unsigned char)*s)) return 0;
    return 1;
}

static int is_guid(const char *s)
{
    return strlen(s) == 38 && s[0] == '{' && s[37] == '}' && s[9] == '-' && s[14] == '-' && s[19] == '-' && s[24] == '-';
}

static char *lower(const char *s)
{
    char *r = dup(s);
    for (char *p = r; *p; p++) *p = (char)tolower((unsigned char)*p);
    return r;
}

/* ---- netsh --------------------------------------------------------------- */

static int netsh_error(const char *what, int code)
{
    const char *msg = code == 183 ? T("Cannot create a file when that file already exists.", "Eine Datei kann nicht erstellt werden, wenn sie bereits vorhanden ist.")
                    : code == 2 ? T("The system cannot find the file specified.", "Das System kann die angegebene Datei nicht finden.")
                    : code == 1332 ? T("No mapping between account names and security IDs was done.", "Keine Zuordnung von Kontennamen und Sicherheitskennungen wurde ausgefuehrt.")
                    : T("The parameter is incorrect.", "Falscher Parameter.");
    printf("%s %s, %s: %d\n%s\n\n", what, T("failed", "fehlgeschlagen"), T("Error", "Fehler"), code, msg);
    return 1;
}

static const char *account_of_sid(const char *sid)
{
    if (strcmp(sid, "WD") == 0) return T("\\Everyone", "\\Jeder");
    for (int i = 0; i < nrec; i++)
        if (rec[i][0] && strcmp(rec[i][0], "account") == 0 && strcmp(rec[i][2], sid) == 0) return rec[i][1];
    return sid;
}

static const char *sid_of_account(const char *name)
{
    for (int i = 0; i < nrec; i++) {
        if (!rec[i][0] || strcmp(rec[i][0], "account") != 0) continue;
        const char *full = rec[i][1], *bs = strchr(full, '\\');
        if (ieq(full, name) || (bs && ieq(bs + 1, name))) return rec[i][2];
    }
    return NULL;
}

/* A grantee as Windows keeps it: a reservation made for S-1-5-20 shows as
 * D:(A;;GX;;;NS) (ConvertSecurityDescriptorToStringSecurityDescriptor). */
static const char *sddl_as_kept(const char *sddl)
{
    static const char *const alias[][2] = { { "S-1-1-0", "WD" }, { "S-1-5-11", "AU" }, { "S-1-5-18", "SY" }, { "S-1-5-19", "LS" },
                                            { "S-1-5-20", "NS" }, { "S-1-5-32-544", "BA" }, { "S-1-5-32-545", "BU" } };
    for (size_t k = 0; k < sizeof alias / sizeof alias[0]; k++) {
        char full[64];
        snprintf(full, sizeof full, "D:(A;;GX;;;%s)", alias[k][0]);
        if (ieq(sddl, full)) {
            static char out[64];
            snprintf(out, sizeof out, "D:(A;;GX;;;%s)", alias[k][1]);
            return out;
        }
    }
    return sddl;
}

static void show_urlacl_record(int i)
{
    const char *sddl = rec[i][2];
    printf("    %-24s: %s\n", T("Reserved URL", "Reservierte URL"), rec[i][1]);
    /* D:(A;;GX;;;WHO) -> the account */
    const char *who = strrchr(sddl, ';');
    char sid[128] = "";
    if (who) { snprintf(sid, sizeof sid, "%s", who + 1); sid[strcspn(sid, ")")] = 0; }
    printf("        %s: %s\n", T("User", "Benutzer"), account_of_sid(sid));
    printf("            %s: %s\n", T("Listen", "Abhoeren"), T("Yes", "Ja"));
    printf("            %s: %s\n", T("Delegate", "Delegieren"), T("No", "Nein"));
    printf("            SDDL: %s\n\n", sddl);
}

static const char *ssl_label(const char *kind)
{
    if (strcmp(kind, "hostnameport") == 0) return T("Hostname:port", "Hostname:Port");
    if (strcmp(kind, "ccs") == 0) return T("Central Certificate Store", "Zentraler Zertifikatspeicher");
    return T("IP:port", "IP:Port");
}

/* A CTL field: missing or empty is none, which netsh and httpcfg print as (null). */
static const char *ctl(char **r, int i) { return r[i] && *r[i] ? r[i] : "(null)"; }

/* The Set / Not Set switches in the order netsh prints them, with their
 * DISABLEBITS bit and the German words (\x81 is CP850's u-umlaut). */
static const struct { unsigned bit; const char *en, *de; } ssl_shown_switch[] = {
    { 1, "Disable HTTP2", "HTTP2 deaktivieren" },
    { 2, "Disable QUIC", "QUIC deaktivieren" },
    { 32, "Disable TLS1.2", "TLS1.2 deaktivieren" },
    { 4, "Disable TLS1.3", "TLS1.3 deaktivieren" },
    { 16, "Disable OCSP Stapling", "OCSP-Stapling deaktivieren" },
    { 64, "Enable Token Binding", "Tokenbindung aktivieren" },
    { 128, "Log Extended Events", "Erweiterte Ereignisse protokollieren" },
    { 8, "Disable Legacy TLS Versions", "Legacy-TLS-Versionen deaktivieren" },
    { 256, "Enable Session Ticket", "Sitzungsticket aktivieren" },
};

static void show_ssl_record(int i)
{
    char **r = rec[i];
    int ccs = strcmp(r[1], "ccs") == 0;
    unsigned long mode = strtoul(r[6], NULL, 10), flags = strtoul(r[9], NULL, 10), bits = strtoul(r[10], NULL, 10);
    const char *en = T("Enabled", "Aktiviert"), *dis = T("Disabled", "Deaktiviert");
    const char *set = T("Set", "Festgelegt"), *notset = T("Not Set", "Nicht festgelegt");
#define LINE(en_, de_, value) printf("    %-28s : %s\n", T(en_, de_), value)
    printf("    %-28s : %s\n", ssl_label(r[1]), r[2]);
    /* A central-certificate-store binding has no certificate of its own:
     * netsh prints every field of the record all the same. */
    LINE("Certificate Hash", "Zertifikathash", ccs ? "" : lower(r[3]));
    LINE("Application ID", "Anwendungs-ID", lower(r[4]));
    LINE("Certificate Store Name", "Zertifikatspeichername", ccs ? "(null)" : r[5]);
    LINE("Verify Client Certificate Revocation", "Clientzertifikatsperrung \x81" "berpr\x81" "fen", mode & 1 ? dis : en);
    LINE("Verify Revocation Using Cached Client Certificate Only",
         "Sperrung nur mit zwischengespeichertem Clientzertifikat \x81" "berpr\x81" "fen", mode & 2 ? en : dis);
    LINE("Usage Check", "Verwendungs\x81" "berpr\x81" "fung", mode & 0x10000 ? dis : en);
    LINE("Revocation Freshness Time", "Sperrungsaktualit\x84" "tszeit", r[7]);
    LINE("URL Retrieval Timeout", "URL-Abruftimeout", r[8]);
    LINE("Ctl Identifier", "Ctl-Bezeichner", ctl(r, 11));
    LINE("Ctl Store Name", "Ctl-Speichername", ctl(r, 12));
    LINE("DS Mapper Usage", "DS-Zuordnungsverwendung", flags & 1 ? en : dis);
    LINE("Negotiate Client Certificate", "Clientzertifikat aushandeln", flags & 2 ? en : dis);
    LINE("Reject Connections", "Verbindungen ablehnen", flags & 8 ? en : dis);
    for (size_t k = 0; k < sizeof ssl_shown_switch / sizeof ssl_shown_switch[0]; k++)
        LINE(ssl_shown_switch[k].en, ssl_shown_switch[k].de, bits & ssl_shown_switch[k].bit ? set : notset);
#undef LINE
    /* HTTP/2 settings no netsh parameter sets: what every binding shows. */
    printf("    %s\n        %-24s : 0\n        %-24s : 1048576\n", T("Extended Properties:", "Erweiterte Eigenschaften:"),
           "PropertyId", T("Receive Window", "Empfangsfenster"));
    if (!german)
        printf("    Extended Properties:\n        %-24s : 1\n        %-24s : 2796202\n        %-24s : 4294967295\n",
               "PropertyId", "Max Settings Per Frame", "Max Settings Per Minute");
    printf("\n");
}

static void show_fw_rule(int i)
{
    char **r = rec[i];
    printf("\n%-38s%s\n", T("Rule Name:", "Regelname:"), r[1]);
    printf("----------------------------------------------------------------------\n");
    printf("%-38s%s\n", T("Enabled:", "Aktiviert:"), r[7] && ieq(r[7], "no") ? T("No", "Nein") : T("Yes", "Ja"));
    printf("%-38s%s\n", T("Direction:", "Richtung:"), ieq(r[2], "in") ? T("In", "Eingehend") : T("Out", "Ausgehend"));
    printf("%-38s%s\n", T("Profiles:", "Profile:"), T("Domain,Private,Public", "Domaene,Privat,Oeffentlich"));
    printf("%-38s\n", T("Grouping:", "Gruppierung:"));
    printf("%-38s%s\n", T("LocalIP:", "LokaleIP:"), *r[6] ? r[6] : T("Any", "Beliebig"));
    printf("%-38s%s\n", T("RemoteIP:", "RemoteIP:"), T("Any", "Beliebig"));
    printf("%-38s%s\n", T("Protocol:", "Protokoll:"), r[4]);
    printf("%-38s%s\n", T("LocalPort:", "LokalerPort:"), r[5]);
    printf("%-38s%s\n", T("RemotePort:", "RemotePort:"), T("Any", "Beliebig"));
    printf("%-38s%s\n", T("Edge traversal:", "Edgeausnahme:"), T("No", "Nein"));
    printf("%-38s%s\n", T("Action:", "Aktion:"), ieq(r[3], "allow") ? T("Allow", "Zulassen") : T("Block", "Blockieren"));
}

/* netsh http add sslcert's enable|disable parameters: the bit each sets in
 * which field of the state, and the word that sets it (three are on by
 * default, and `disable` turns them off). */
static const struct { const char *tag; int field; unsigned long bit; const char *sets_bit; } ssl_switch[] = {
    { "verifyclientcertrevocation", 6, 1, "disable" },
    { "verifyrevocationwithcachedclientcertonly", 6, 2, "enable" },
    { "usagecheck", 6, 0x10000, "disable" },
    { "dsmapperusage", 9, 1, "enable" },
    { "clientcertnegotiation", 9, 2, "enable" },
    { "reject", 9, 8, "enable" },
    { "disablehttp2", 10, 1, "enable" },
    { "disablequic", 10, 2, "enable" },
    { "disabletls13", 10, 4, "enable" },
    { "disablelegacytls", 10, 8, "enable" },
    { "disableocspstapling", 10, 16, "enable" },
    { "disabletls12", 10, 32, "enable" },
    { "enabletokenbinding", 10, 64, "enable" },
    { "logextendedevents", 10, 128, "enable" },
    { "enablesessionticket", 10, 256, "enable" },
};

/* Every argument from the fifth on is a parameter netsh http add sslcert
 * takes (a script that misspells one fails here as it would on Windows). */
static int ssl_args_known(int argc, char **argv)
{
    static const char *const plain[] = { "ipport", "hostnameport", "ccs", "certhash", "appid", "certstorename",
                                         "revocationfreshnesstime", "urlretrievaltimeout", "sslctlidentifier", "sslctlstorename" };
    for (int i = 4; i < argc; i++) {
        const char *eq = strchr(argv[i], '=');
        if (!eq) return 0;
        size_t n = (size_t)(eq - argv[i]);
        int known = 0;
        for (size_t k = 0; k < sizeof plain / sizeof plain[0] && !known; k++)
            known = strlen(plain[k]) == n && strncasecmp(argv[i], plain[k], n) == 0;
        for (size_t k = 0; k < sizeof ssl_switch / sizeof ssl_switch[0] && !known; k++)
            known = strlen(ssl_switch[k].tag) == n && strncasecmp(argv[i], ssl_switch[k].tag, n) == 0;
        if (!known) return 0;
    }
    return 1;
}

static int is_number(const char *s)
{
    if (!*s) return 0;
    for (; *s; s++) if (!isdigit((unsigned char)*s)) return 0;
    return 1;
}

static int netsh_http(int argc, char **argv)
{
    if (argc < 4) die_usage("usage");
    const char *verb = argv[2], *obj = argv[3];
    if (ieq(obj, "urlacl")) {
        const char *url = arg(argc, argv, 4, "url");
        if (!url) return netsh_error(T("Url reservation", "URL-Reservierung"), 87);
        int at = find("urlacl", 1, url);
        if (ieq(verb, "show")) {
            printf("\n%s\n-----------------\n\n", T("URL Reservations:", "URL-Reservierungen:"));
            if (at >= 0) show_urlacl_record(at);
            return 0;
        }
        if (ieq(verb, "delete")) {
            if (at < 0) return netsh_error(T("Url reservation delete", "Loeschen der URL-Reservierung"), 2);
            drop(at);
            save();
            printf("\n%s\n\n", T("URL reservation successfully deleted", "Die URL-Reservierung wurde erfolgreich geloescht."));
            return 0;
        }
        if (ieq(verb, "add")) {
            const char *user = arg(argc, argv, 4, "user"), *sddl = arg(argc, argv, 4, "sddl");
            char buf[512];
            if (user) {
                const char *sid = sid_of_account(user);
                if (!sid) return netsh_error(T("Url reservation add", "Hinzufuegen der URL-Reservierung"), 1332);
                snprintf(buf, sizeof buf, "D:(A;;GX;;;%s)", sid);
                sddl = buf;
            }
            if (!sddl || strncmp(sddl, "D:(", 3) != 0) return netsh_error(T("Url reservation add", "Hinzufuegen der URL-Reservierung"), 87);
            if (at >= 0) return netsh_error(T("Url reservation add", "Hinzufuegen der URL-Reservierung"), 183);
            add("urlacl", url, sddl_as_kept(sddl), NULL);
            save();
            printf("\n%s\n\n", T("URL reservation successfully added", "Die URL-Reservierung wurde erfolgreich hinzugefuegt."));
            return 0;
        }
    } else if (ieq(obj, "sslcert")) {
        const char *kind = NULL, *key = NULL;
        static const char *const kinds[] = { "ipport", "hostnameport", "ccs" };
        for (int k = 0; k < 3 && !key; k++) if ((key = arg(argc, argv, 4, kinds[k]))) kind = kinds[k];
        if (!key) return netsh_error(T("SSL Certificate", "SSL-Zertifikat"), 87);
        int at = find2("ssl", kind, key);
        if (ieq(verb, "show")) {
            printf("\n%s\n-------------------------\n\n", T("SSL Certificate bindings:", "SSL-Zertifikatbindungen:"));
            if (at < 0) {
                printf("%s\n\n", T("The system cannot find the file specified.", "Das System kann die angegebene Datei nicht finden."));
                return 1;
            }
            show_ssl_record(at);
            return 0;
        }
        if (ieq(verb, "delete")) {
            if (at < 0) return netsh_error(T("SSL Certificate deletion", "Loeschen des SSL-Zertifikats"), 2);
            drop(at);
            save();
            printf("\n%s\n\n", T("SSL Certificate successfully deleted", "Das SSL-Zertifikat wurde erfolgreich geloescht."));
            return 0;
        }
        if (ieq(verb, "add")) {
            const char *hash = arg(argc, argv, 4, "certhash"), *appid = arg(argc, argv, 4, "appid");
            const char *store = arg(argc, argv, 4, "certstorename");
            const char *ctlid = arg(argc, argv, 4, "sslctlidentifier"), *ctlstore = arg(argc, argv, 4, "sslctlstorename");
            const char *fresh = arg(argc, argv, 4, "revocationfreshnesstime"), *timeout = arg(argc, argv, 4, "urlretrievaltimeout");
            int ccs = strcmp(kind, "ccs") == 0;
            if ((!ccs && (!hash || !is_hex40(hash))) || !appid || !is_guid(appid) || !ssl_args_known(argc, argv) ||
                (fresh && !is_number(fresh)) || (timeout && !is_number(timeout)))
                return netsh_error(T("SSL Certificate add", "Hinzufuegen des SSL-Zertifikats"), 87);
            if (at >= 0) return netsh_error(T("SSL Certificate add", "Hinzufuegen des SSL-Zertifikats"), 183);
            unsigned long field[11] = { 0 };
            for (size_t k = 0; k < sizeof ssl_switch / sizeof ssl_switch[0]; k++) {
                const char *v = arg(argc, argv, 4, ssl_switch[k].tag);
                if (!v) continue;
                if (!ieq(v, "enable") && !ieq(v, "disable")) return netsh_error(T("SSL Certificate add", "Hinzufuegen des SSL-Zertifikats"), 87);
                if (ieq(v, ssl_switch[k].sets_bit)) field[ssl_switch[k].field] |= ssl_switch[k].bit;
            }
            char m[16], f[16], b[16];
            snprintf(m, sizeof m, "%lu", field[6]);
            snprintf(f, sizeof f, "%lu", field[9]);
            snprintf(b, sizeof b, "%lu", field[10]);
            const char *st = ccs ? "-" : (store ? store : "(null)"), *fr = fresh ? fresh : "0", *to = timeout ? timeout : "0";
            if (ctlid || ctlstore) add("ssl", kind, key, ccs ? "-" : hash, appid, st, m, fr, to, f, b, ctlid ? ctlid : "", ctlstore ? ctlstore : "", NULL);
            else add("ssl", kind, key, ccs ? "-" : hash, appid, st, m, fr, to, f, b, NULL);
            save();
            printf("\n%s\n\n", T("SSL Certificate successfully added", "Das SSL-Zertifikat wurde erfolgreich hinzugefuegt."));
            return 0;
        }
    } else if (ieq(obj, "iplisten")) {
        if (ieq(verb, "show")) {
            printf("\n%s\n-------------------------------------------\n\n", T("IP addresses present in the IP listen list:", "IP-Adressen in der IP-Abhoerliste:"));
            for (int i = 0; i < nrec; i++) if (rec[i][0] && strcmp(rec[i][0], "iplisten") == 0) printf("    %s\n", rec[i][1]);
            printf("\n");
            return 0;
        }
        const char *ip = arg(argc, argv, 4, "ipaddress");
        if (!ip) return netsh_error("IP listen", 87);
        int at = find("iplisten", 1, ip);
        if (ieq(verb, "add")) {
            if (at >= 0) return netsh_error(T("IP address add", "Hinzufuegen der IP-Adresse"), 183);
            add("iplisten", ip, NULL);
            save();
            printf("\n%s\n\n", T("IP address successfully added", "Die IP-Adresse wurde erfolgreich hinzugefuegt."));
            return 0;
        }
        if (ieq(verb, "delete")) {
            if (at < 0) return netsh_error(T("IP address delete", "Loeschen der IP-Adresse"), 2);
            drop(at);
            save();
            printf("\n%s\n\n", T("IP address successfully deleted", "Die IP-Adresse wurde erfolgreich geloescht."));
            return 0;
        }
    }
    die_usage("The following command was not found.");
    return 1;
}

static int netsh_advfirewall(int argc, char **argv)
{
    if (argc < 5 || !ieq(argv[2], "firewall") || !ieq(argv[4], "rule")) die_usage("The following command was not found.");
    const char *verb = argv[3], *name = arg(argc, argv, 5, "name");
    if (!name) die_usage(T("A specified value is not valid.", "Ein angegebener Wert ist ungueltig."));
    int n = 0;
    for (int i = 0; i < nrec; i++) n += rec[i][0] && strcmp(rec[i][0], "fw") == 0 && ieq(rec[i][1], name);
    if (ieq(verb, "show") || ieq(verb, "delete")) {
        if (!n) {
            printf("%s\n", T("No rules match the specified criteria.", "Keine Regeln entsprechen den angegebenen Kriterien."));
            return 1;
        }
        for (int i = 0; i < nrec; i++) {
            if (!rec[i][0] || strcmp(rec[i][0], "fw") != 0 || !ieq(rec[i][1], name)) continue;
            if (ieq(verb, "show")) show_fw_rule(i);
            else drop(i);
        }
        if (ieq(verb, "delete")) { save(); printf("\n%s %d %s\n", T("Deleted", "Geloescht:"), n, T("rule(s).", "Regel(n).")); }
        printf("Ok.\n\n");
        return 0;
    }
    if (ieq(verb, "add")) {
        const char *dir = arg(argc, argv, 5, "dir"), *action = arg(argc, argv, 5, "action");
        const char *proto = arg(argc, argv, 5, "protocol"), *lport = arg(argc, argv, 5, "localport");
        const char *lip = arg(argc, argv, 5, "localip"), *enable = arg(argc, argv, 5, "enable");
        if (!dir || !action) die_usage(T("A specified value is not valid.", "Ein angegebener Wert ist ungueltig."));
        char ip[128] = "";
        if (lip) snprintf(ip, sizeof ip, "%s/%s", lip, strchr(lip, ':') ? "128" : "32");
        add("fw", name, dir, action, proto ? proto : "Any", lport ? lport : "Any", ip, enable ? lower(enable) : "yes", NULL);
        save();
        printf("Ok.\n\n");
        return 0;
    }
    if (ieq(verb, "set")) {
        /* set rule name=X new [name=Y] [enable=yes|no]: every rule named X */
        int at_new = 0;
        for (int i = 5; i < argc; i++) if (ieq(argv[i], "new")) at_new = i;
        if (!at_new) die_usage(T("A specified value is not valid.", "Ein angegebener Wert ist ungueltig."));
        const char *nname = arg(argc, argv, at_new + 1, "name"), *enable = arg(argc, argv, at_new + 1, "enable");
        if (!n) {
            printf("%s\n", T("No rules match the specified criteria.", "Keine Regeln entsprechen den angegebenen Kriterien."));
            return 1;
        }
        for (int i = 0; i < nrec; i++) {
            if (!rec[i][0] || strcmp(rec[i][0], "fw") != 0 || !ieq(rec[i][1], name)) continue;
            if (nname) rec[i][1] = dup(nname);
            if (enable) rec[i][7] = lower(enable);
        }
        save();
        printf("\n%s %d %s\n\nOk.\n\n", T("Updated", "Aktualisiert:"), n, T("rule(s).", "Regel(n)."));
        return 0;
    }
    die_usage("The following command was not found.");
    return 1;
}

static int netsh_firewall(int argc, char **argv)
{
    if (argc < 4 || !ieq(argv[3], "portopening")) die_usage("The following command was not found.");
    const char *verb = argv[2];
    if (ieq(verb, "show")) {
        printf("\n%s\n%-7s%-10s%-9s%s\n-------------------------------------------------------------------\n",
               T("Port configuration for Domain profile:", "Portkonfiguration fuer Domaenenprofil:"), "Port", T("Protocol", "Protokoll"),
               T("Mode", "Modus"), "Name");
        for (int i = 0; i < nrec; i++)
            if (rec[i][0] && strcmp(rec[i][0], "port") == 0)
                printf("%-7s%-10s%-9s%s\n", rec[i][1], rec[i][2],
                       rec[i][4] && ieq(rec[i][4], "DISABLE") ? T("Disable", "Deaktivieren") : T("Enable", "Aktivieren"), rec[i][3]);
        printf("\n");
        return 0;
    }
    const char *proto = arg(argc, argv, 4, "protocol"), *port = arg(argc, argv, 4, "port"), *name = arg(argc, argv, 4, "name");
    if (!proto || !port) { printf("%s\n", T("The parameter is incorrect.", "Falscher Parameter.")); return 1; }
    int at = find2("port", port, proto);
    if (ieq(verb, "delete")) {
        if (at < 0) { printf("%s\n", T("The system cannot find the file specified.", "Das System kann die angegebene Datei nicht finden.")); return 1; }
        drop(at);
        save();
        printf("Ok.\n");
        return 0;
    }
    if (ieq(verb, "add")) {
        if (!name) { printf("%s\n", T("The parameter is incorrect.", "Falscher Parameter.")); return 1; }
        const char *mode = arg(argc, argv, 4, "mode");
        if (at >= 0) drop(at);    /* Windows XP's firewall keeps one opening per port and protocol */
        add("port", port, proto, name, mode && ieq(mode, "DISABLE") ? "DISABLE" : "ENABLE", NULL);
        save();
        printf("Ok.\n");
        return 0;
    }
    die_usage("The following command was not found.");
    return 1;
}

/* ---- httpcfg ------------------------------------------------------------------ */

static int httpcfg_done(const char *what, int code)
{
    printf("%s completed with %d.\n", what, code);
    return code;
}

static int httpcfg(int argc, char **argv)
{
    if (argc < 3) die_usage("usage: httpcfg ACTION STORE [OPTIONS]");
    const char *verb = argv[1], *obj = argv[2];
    int set = ieq(verb, "set"), del = ieq(verb, "delete"), query = ieq(verb, "query");
    const char *cfg = set ? "HttpSetServiceConfiguration" : del ? "HttpDeleteServiceConfiguration" : "HttpQueryServiceConfiguration";
    if (ieq(obj, "ssl")) {
        const char *key = opt(argc, argv, 3, "/i");
        if (!key) return httpcfg_done(cfg, 87);
        int at = find2("ssl", "ipport", key);
        if (query) {
            if (at < 0) return httpcfg_done(cfg, 2);
            char **r = rec[at];
            printf("    %-24s: %s\n    %-24s: %s\n    %-24s: %s\n    %-24s: %s\n", "IP", r[2], "Hash", lower(r[3]), "Guid", lower(r[4]), "CertStoreName", r[5]);
            printf("    %-24s: %s\n    %-24s: %s\n    %-24s: %s\n", "CertCheckMode", r[6], "RevocationFreshnessTime", r[7], "UrlRetrievalTimeout", r[8]);
            printf("    %-24s: %s\n    %-24s: %s\n    %-24s: %s\n", "SslCtlIdentifier", ctl(r, 11), "SslCtlStoreName", ctl(r, 12), "Flags", r[9]);
            printf("------------------------------------------------------------------------------\n");
            return 0;
        }
        if (del) {
            if (at < 0) return httpcfg_done(cfg, 2);
            drop(at);
            save();
            return httpcfg_done(cfg, 0);
        }
        if (set) {
            const char *hash = opt(argc, argv, 3, "/h"), *guid = opt(argc, argv, 3, "/g"), *store = opt(argc, argv, 3, "/c");
            const char *m = opt(argc, argv, 3, "/m"), *r = opt(argc, argv, 3, "/r"), *x = opt(argc, argv, 3, "/x"), *f = opt(argc, argv, 3, "/f");
            const char *t = opt(argc, argv, 3, "/t"), *n = opt(argc, argv, 3, "/n");
            if (!hash || !is_hex40(hash) || !guid || !is_guid(guid) || (m && !is_number(m)) || (r && !is_number(r)) ||
                (x && !is_number(x)) || (f && !is_number(f)))
                return httpcfg_done(cfg, 87);
            if (at >= 0) return httpcfg_done(cfg, 183);
            const char *st = store ? store : "(null)", *mm = m ? m : "0", *rr = r ? r : "0", *xx = x ? x : "0", *ff = f ? f : "0";
            if (t || n) add("ssl", "ipport", key, hash, guid, st, mm, rr, xx, ff, "0", t ? t : "", n ? n : "", NULL);
            else add("ssl", "ipport", key, hash, guid, st, mm, rr, xx, ff, "0", NULL);
            save();
            return httpcfg_done(cfg, 0);
        }
    } else if (ieq(obj, "urlacl")) {
        const char *url = opt(argc, argv, 3, "/u");
        if (query) {
            for (int i = 0; i < nrec; i++) {
                if (!rec[i][0] || strcmp(rec[i][0], "urlacl") != 0 || (url && !ieq(rec[i][1], url))) continue;
                printf("    URL : %s\n    ACL : %s\n------------------------------------------------------------------------------\n", rec[i][1], rec[i][2]);
            }
            return 0;
        }
        if (!url) return httpcfg_done(cfg, 87);
        int at = find("urlacl", 1, url);
        if (del) {
            if (at < 0) return httpcfg_done(cfg, 2);
            drop(at);
            save();
            return httpcfg_done(cfg, 0);
        }
        if (set) {
            const char *acl = opt(argc, argv, 3, "/a");
            if (!acl || strncmp(acl, "D:(", 3) != 0) return httpcfg_done(cfg, 87);
            if (at >= 0) return httpcfg_done(cfg, 183);
            add("urlacl", url, sddl_as_kept(acl), NULL);
            save();
            return httpcfg_done(cfg, 0);
        }
    } else if (ieq(obj, "iplisten")) {
        if (query) {
            for (int i = 0; i < nrec; i++)
                if (rec[i][0] && strcmp(rec[i][0], "iplisten") == 0)
                    printf("    IP      : %s\n------------------------------------------------------------------------------\n", rec[i][1]);
            return 0;
        }
        const char *ip = opt(argc, argv, 3, "/i");
        if (!ip) return httpcfg_done(cfg, 87);
        int at = find("iplisten", 1, ip);
        if (del) {
            if (at < 0) return httpcfg_done(cfg, 2);
            drop(at);
            save();
            return httpcfg_done(cfg, 0);
        }
        if (set) {
            if (at >= 0) return httpcfg_done(cfg, 183);
            add("iplisten", ip, NULL);
            save();
            return httpcfg_done(cfg, 0);
        }
    }
    die_usage("usage: httpcfg ACTION STORE [OPTIONS]");
    return 1;
}

/* ---- the look-ups ------------------------------------------------------------------ */

/* The fixed commands the scripts give PowerShell: the certificates of
 * `Cert:\LocalMachine\STORE` with a private key and the friendly name in
 * $env:BINDC_CERT_NAME_<n>, every one, or the SID of the account named in
 * $env:VAR (NTAccount.Translate; nothing on stdout when it is unknown). */
static int powershell(int argc, char **argv)
{
    char cmd[8192] = "";
    for (int i = 1; i < argc; i++) { strncat(cmd, argv[i], sizeof cmd - strlen(cmd) - 2); strcat(cmd, " "); }
    const char *st = strstr(cmd, "Cert:\\LocalMachine\\"), *env = strstr(cmd, "$env:");
    if (!env || (!st && !strstr(cmd, "NTAccount"))) { fprintf(stderr, "powershell stand-in: unknown command\n"); return 1; }
    char store[64], var[64];
    sscanf(env + 5, "%63[A-Za-z0-9_]", var);
    const char *name = getenv(var);
    if (!name) return 0;
    if (!st) {
        const char *sid = sid_of_account(name);
        if (sid) printf("%s\n", sid);
        else fprintf(stderr, "Exception calling \"Translate\": \"Some or all identity references could not be translated.\"\n");
        return 0;
    }
    sscanf(st + 19, "%63[A-Za-z]", store);
    for (int i = 0; i < nrec; i++)
        if (rec[i][0] && strcmp(rec[i][0], "cert") == 0 && ieq(rec[i][1], store) && strcmp(rec[i][3], "1") == 0 &&
            strcmp(rec[i][4], name) == 0)
            printf("%s\n", rec[i][2]);
    return 0;
}

/* `wmic path Win32_Account where "Caption='X' or Name='X'" get SID /value`,
 * X with WQL's `\\` and `\'`. */
static int wmic(int argc, char **argv)
{
    char cmd[8192] = "";
    for (int i = 1; i < argc; i++) { strncat(cmd, argv[i], sizeof cmd - strlen(cmd) - 2); strcat(cmd, " "); }
    const char *p = strstr(cmd, "Caption='");
    if (!p) { printf("Error: Command line not supported\n"); return 1; }
    char name[2048];
    size_t n = 0;
    for (p += 9; *p && *p != '\'' && n + 1 < sizeof name; p++) {
        if (*p == '\\' && (p[1] == '\\' || p[1] == '\'')) p++;
        name[n++] = *p;
    }
    name[n] = 0;
    for (int i = 0; i < nrec; i++) {
        if (!rec[i][0] || strcmp(rec[i][0], "account") != 0) continue;
        const char *full = rec[i][1], *bs = strchr(full, '\\');
        if (ieq(full, name) || (bs && ieq(bs + 1, name))) {
            printf("\r\r\nSID=%s\r\r\n\r\r\n", rec[i][2]);
            return 0;
        }
    }
    fprintf(stderr, "No Instance(s) Available.\n");
    return 0;
}

int main(int argc, char **argv)
{
    german = getenv("BINDC_FAKE_LANG") && strcmp(getenv("BINDC_FAKE_LANG"), "de") == 0;
    log_run(argc, argv);
#if defined STANDIN_FLTMC || defined STANDIN_NET
    if (getenv("BINDC_FAKE_NOT_ADMIN")) {
        printf("%s\n", T("Access is denied.", "Zugriff verweigert."));
        return 5;
    }
#ifdef STANDIN_NET
    if (argc < 2 || !ieq(argv[1], "session")) die_usage("net stand-in: only `net session`");
    printf("%s\n", T("There are no entries in the list.", "Es sind keine Eintraege in der Liste."));
#endif
    return 0;
#else
    load();
#if defined STANDIN_NETSH
    if (argc >= 2 && ieq(argv[1], "http")) return netsh_http(argc, argv);
    if (argc >= 2 && ieq(argv[1], "advfirewall")) return netsh_advfirewall(argc, argv);
    if (argc >= 2 && ieq(argv[1], "firewall")) return netsh_firewall(argc, argv);
    die_usage("The following command was not found.");
    return 1;
#elif defined STANDIN_HTTPCFG
    return httpcfg(argc, argv);
#elif defined STANDIN_POWERSHELL
    return powershell(argc, argv);
#elif defined STANDIN_WMIC
    return wmic(argc, argv);
#else
#error "build with -DSTANDIN_<NAME>"
#endif
#endif
}
