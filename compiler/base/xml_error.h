/* libxml2's errors and positions, for the readers that parse XML with it
 * (the importer's applicationhost.config, the iis target's --merge file).
 *
 * libxml2 reports through a context's structured handler, so nothing is
 * printed: the first error is the one worth showing, kept here.  It gives
 * a 1-based line and a column in characters; spans want byte offsets. */
#ifndef BIND_XML_ERROR_H
#define BIND_XML_ERROR_H

#include <libxml/parser.h>
#include <libxml/xmlerror.h>
#include <libxml/xmlversion.h>

#include "arena.h"

/* libxml2 2.12 made the structured handler's error const. */
#if LIBXML_VERSION >= 21200
typedef const xmlError *bind_xml_error_ptr;
#else
typedef xmlError *bind_xml_error_ptr;
#endif

/* The first error of a parse (warnings are not kept). */
typedef struct bind_xml_error {
    bool have;
    int code, line, col;
    const char *message;            /* without its trailing line break; in the arena */
} bind_xml_error;

/* Keeps e in *k when it is the parse's first error. */
void bind_xml_error_keep(bind_xml_error *k, bind_arena *a, bind_xml_error_ptr e);

/* The byte offset in text of libxml2's 1-based line and column
 * (characters; the first line's start past a UTF-8 BOM, which libxml2
 * skips). */
size_t bind_xml_offset(const char *text, size_t len, int line, int col);

/* The parser's byte offset in its input (UTF-8, read unconverted). */
static inline size_t bind_xml_parser_offset(xmlParserCtxtPtr c)
{
    return (size_t)c->input->consumed + (size_t)(c->input->cur - c->input->base);
}

#endif
