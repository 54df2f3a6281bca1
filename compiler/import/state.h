/* --state FILE: a machine's HTTP.sys as captures of netsh show it, read
 * into the model's machine state (model/machine_state.h).
 *
 * A file holds one capture or several: `netsh http show urlacl`, `show
 * sslcert` (text or json=enable), `show iplisten`, and `netsh int
 * ipv4|ipv6 show excludedportrange protocol=tcp`.  Several are told apart
 * by the line that names each command (what the capture line of
 * `bindc explain E0501` echoes before each, or a cmd.exe prompt copied
 * with it: `C:\>netsh http show sslcert`), else by the headers netsh
 * prints (English and German); each part is read by the import's readers
 * (import/netsh_show.c) in their --state mode.
 *
 * What cannot be read is said, pointing into the file: a file that holds
 * no capture is E0501 (an error: the checks would take the machine for an
 * empty one); a capture cut short, a garbled line, labels of an unknown
 * language, or a part that is not what its command line says are W0502,
 * and only what is certain is used. */
#ifndef BIND_IMPORT_STATE_H
#define BIND_IMPORT_STATE_H

#include "base/source.h"
#include "diag/diag.h"
#include "model/machine_state.h"

/* Reads one file of captures into st.  raw (a malloc'ed buffer of len + 1
 * bytes) is taken over; its text (as UTF-8) becomes a source of `sources`
 * named path (real_path, when given, for the language server), and the
 * diagnostics go to diags, pointing into it.  False when it holds no
 * capture bindc reads (E0501).  The signature is check/compile.h's
 * bind_state_reader_fn. */
bool bind_state_read(bind_machine_state *st, bind_sources *sources, bind_diag_bag *diags, const char *path,
                     const char *real_path, char *raw, size_t len);

/* The cmd.exe line that captures everything --state reads into state.txt,
 * run as administrator (for a .cmd file, %c becomes %%c).  Each command
 * is redirected on its own, not the whole `for`: Wine's cmd.exe, which
 * the suite runs it under (test_state_capture.sh), drops a redirection
 * of a parenthesised block. */
extern const char bind_state_capture_line[];

#endif
