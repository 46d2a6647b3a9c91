/* dcxml.c - a Dublin Core record as oai_dc XML (libxml2's xmlTextWriter),
 * shared by the OAI-PMH door of the viewer and the packages' dc.xml. */
#include "config.h"
#include "tl_core.h"

#include <libxml/xmlwriter.h>
#include <stdlib.h>
#include <string.h>

#define NS_OAI_DC "http://www.openarchives.org/OAI/2.0/oai_dc/"
#define NS_DC     "http://purl.org/dc/elements/1.1/"
#define NS_XSI    "http://www.w3.org/2001/XMLSchema-instance"
#define SCHEMA_LOC NS_OAI_DC " http://www.openarchives.org/OAI/2.0/oai_dc.xsd"

/* Writes <dc:@name>@value</dc:@name>; skips NULL and empty values.  XML 1.0
 * cannot carry most control characters, so they are dropped here rather
 * than making the whole record unreadable. */
static int
write_elem(xmlTextWriterPtr w, const char *name, const char *value)
{
    char *clean, *o;
    const unsigned char *s;
    int rc;

    if (!value || !*value)
        return 0;
    if (!(clean = malloc(strlen(value) + 1)))
        return -1;
    for (s = (const unsigned char *)value, o = clean; *s; s++)
        if (*s >= 0x20 || *s == '\t' || *s == '\n' || *s == '\r')
            *o++ = (char)*s;
    *o = '\0';
    rc = xmlTextWriterWriteElementNS(w, BAD_CAST "dc", BAD_CAST name, NULL, BAD_CAST clean);
    free(clean);
    return rc < 0 ? -1 : 0;
}

/*!
 * tl_dc_to_oai_dc()
 *
 *      Input:  dc          the record; NULL fields are left out
 *              standalone  nonzero: a whole XML document (declaration first,
 *                          for a package's dc.xml); zero: the <oai_dc:dc>
 *                          element alone, to embed (OAI-PMH <metadata>)
 *              out         receives the malloc'ed UTF-8 text (caller frees)
 *              len         receives its length in bytes; may be NULL
 *      Return: TL_OK; TL_ERR_ARG for a missing @dc or @out; TL_ERR_FORMAT
 *              when a field is not valid UTF-8; TL_ERR_NOMEM
 *
 *  Notes:
 *      (1) The element follows the oai_dc schema: the namespaces of oai_dc
 *          and dc, xsi:schemaLocation, then the fifteen elements that are
 *          set, in the order of the Dublin Core element set (subjects one
 *          element each).  Special characters are escaped by libxml2.
 */
tl_status_t
tl_dc_to_oai_dc(const tl_dc_t *dc, int standalone, char **out, size_t *len)
{
    xmlBufferPtr buf = NULL;
    xmlTextWriterPtr w = NULL;
    const char *f[16];
    tl_status_t st = TL_ERR_NOMEM;
    size_t i, n = 0;
    int bad = 0;

    if (out)
        *out = NULL;
    if (len)
        *len = 0;
    if (!dc || !out)
        return TL_ERR_ARG;
    f[n++] = dc->title;
    f[n++] = dc->creator;
    f[n++] = dc->description;
    f[n++] = dc->publisher;
    f[n++] = dc->date;
    f[n++] = dc->type;
    f[n++] = dc->format;
    f[n++] = dc->identifier;
    f[n++] = dc->source;
    f[n++] = dc->language;
    f[n++] = dc->coverage;
    f[n++] = dc->rights;
    for (i = 0; i < n; i++)
        if (f[i] && !tl_text_valid_utf8(f[i], strlen(f[i])))
            return TL_ERR_FORMAT;
    for (i = 0; i < dc->n_subject; i++)
        if (dc->subject[i] && !tl_text_valid_utf8(dc->subject[i], strlen(dc->subject[i])))
            return TL_ERR_FORMAT;

    if (!(buf = xmlBufferCreate()) || !(w = xmlNewTextWriterMemory(buf, 0)))
        goto out;
    xmlTextWriterSetIndent(w, standalone);
    if (standalone)
        bad |= xmlTextWriterStartDocument(w, "1.0", "UTF-8", NULL) < 0;
    bad |= xmlTextWriterStartElementNS(w, BAD_CAST "oai_dc", BAD_CAST "dc",
                                       BAD_CAST NS_OAI_DC) < 0;
    bad |= xmlTextWriterWriteAttributeNS(w, BAD_CAST "xmlns", BAD_CAST "dc", NULL,
                                         BAD_CAST NS_DC) < 0;
    bad |= xmlTextWriterWriteAttributeNS(w, BAD_CAST "xmlns", BAD_CAST "xsi", NULL,
                                         BAD_CAST NS_XSI) < 0;
    bad |= xmlTextWriterWriteAttributeNS(w, BAD_CAST "xsi", BAD_CAST "schemaLocation", NULL,
                                         BAD_CAST SCHEMA_LOC) < 0;
    bad |= write_elem(w, "title", dc->title);
    bad |= write_elem(w, "creator", dc->creator);
    for (i = 0; i < dc->n_subject; i++)
        bad |= write_elem(w, "subject", dc->subject[i]);
    bad |= write_elem(w, "description", dc->description);
    bad |= write_elem(w, "publisher", dc->publisher);
    bad |= write_elem(w, "date", dc->date);
    bad |= write_elem(w, "type", dc->type);
    bad |= write_elem(w, "format", dc->format);
    bad |= write_elem(w, "identifier", dc->identifier);
    bad |= write_elem(w, "source", dc->source);
    bad |= write_elem(w, "language", dc->language);
    bad |= write_elem(w, "coverage", dc->coverage);
    bad |= write_elem(w, "rights", dc->rights);
    bad |= xmlTextWriterEndElement(w) < 0;
    if (standalone)
        bad |= xmlTextWriterEndDocument(w) < 0;
    xmlFreeTextWriter(w); /* flushes into buf */
    w = NULL;
    if (bad)
        goto out;
    if (!(*out = strdup((const char *)xmlBufferContent(buf))))
        goto out;
    if (len)
        *len = strlen(*out);
    st = TL_OK;
out:
    if (w)
        xmlFreeTextWriter(w);
    if (buf)
        xmlBufferFree(buf);
    return st;
}
