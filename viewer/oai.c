/* oai.c - the OAI-PMH 2.0 door at /oai: the six verbs, oai_dc records
 * (common/dcxml.c), sets by class ("class:bao-cao") and by box
 * ("box:box-01"), resumption tokens, and the protocol's own errors.
 * Restricted documents are not in the repository at all. */
#include "config.h"
#include "viewer-private.h"

#include <libxml/xmlwriter.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define ID_PREFIX   "oai:tulieu:"
#define ADMIN_EMAIL "admin@tulieu.invalid"

static enum MHD_Result
collect_get(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
    (void)kind;
    _tl_viewer_oai_args_add(cls, key, strlen(key), value, value ? strlen(value) : 0);
    return MHD_YES;
}

/* Short names for what parse.c reads. */
static const char *
arg(const _tl_viewer_oai_args_t *a, const char *key)
{
    return _tl_viewer_oai_arg(a, key);
}

static int
date_granularity(const char *s)
{
    return _tl_viewer_oai_date_granularity(s);
}

/* ---- the answer ------------------------------------------------------------------ */

typedef struct {
    xmlBufferPtr buf;
    xmlTextWriterPtr w;
    const _tl_viewer_req_t *r;
    const _tl_viewer_oai_args_t *args;
} oai_t;

static void
base_url(const _tl_viewer_req_t *r, tl_buf_t *b)
{
    const char *host = MHD_lookup_connection_value(r->c, MHD_HEADER_KIND, MHD_HTTP_HEADER_HOST);
    const char *p;

    tl_buf_adds(b, "http://");
    /* a Host header is the client's word: keep only what a host holds */
    for (p = host ? host : "localhost"; *p && (size_t)(p - host) < 255; p++)
        if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
            strchr(".-:[]", *p))
            tl_buf_add(b, p, 1);
    tl_buf_adds(b, "/oai");
}

static void
now_iso(char out[32])
{
    time_t t = time(NULL);
    struct tm tm;

    gmtime_r(&t, &tm);
    strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static void
el(oai_t *o, const char *name, const char *text)
{
    xmlTextWriterWriteElement(o->w, BAD_CAST name, BAD_CAST text);
}

/* Opens <OAI-PMH>, <responseDate> and <request> (with the arguments unless
 * @bare, as the protocol asks for badVerb and badArgument). */
static int
oai_open(oai_t *o, const _tl_viewer_req_t *r, const _tl_viewer_oai_args_t *a, int bare)
{
    char now[32];
    tl_buf_t url;
    size_t i;

    o->r = r;
    o->args = a;
    if (!(o->buf = xmlBufferCreate()) || !(o->w = xmlNewTextWriterMemory(o->buf, 0)))
        return -1;
    now_iso(now);
    tl_buf_init(&url);
    base_url(r, &url);
    xmlTextWriterStartDocument(o->w, "1.0", "UTF-8", NULL);
    xmlTextWriterStartElement(o->w, BAD_CAST "OAI-PMH");
    xmlTextWriterWriteAttribute(o->w, BAD_CAST "xmlns",
                                BAD_CAST "http://www.openarchives.org/OAI/2.0/");
    xmlTextWriterWriteAttribute(o->w, BAD_CAST "xmlns:xsi",
                                BAD_CAST "http://www.w3.org/2001/XMLSchema-instance");
    xmlTextWriterWriteAttribute(o->w, BAD_CAST "xsi:schemaLocation",
                                BAD_CAST "http://www.openarchives.org/OAI/2.0/ "
                                         "http://www.openarchives.org/OAI/2.0/OAI-PMH.xsd");
    el(o, "responseDate", now);
    xmlTextWriterStartElement(o->w, BAD_CAST "request");
    for (i = 0; !bare && i < a->n; i++)
        xmlTextWriterWriteAttribute(o->w, BAD_CAST a->key[i], BAD_CAST a->val[i]);
    xmlTextWriterWriteString(o->w, BAD_CAST (url.data ? url.data : ""));
    xmlTextWriterEndElement(o->w);
    tl_buf_free(&url);
    return 0;
}

static enum MHD_Result
oai_send(oai_t *o)
{
    char *body = NULL;

    if (o->w) {
        xmlTextWriterEndDocument(o->w);
        xmlFreeTextWriter(o->w);
        o->w = NULL;
        body = strdup((const char *)xmlBufferContent(o->buf));
    }
    if (o->buf)
        xmlBufferFree(o->buf);
    return _tl_viewer_send(o->r, MHD_HTTP_OK, body, (size_t)-1, "text/xml; charset=utf-8");
}

static enum MHD_Result
oai_error(const _tl_viewer_req_t *r, const _tl_viewer_oai_args_t *a, const char *code,
          const char *msg)
{
    oai_t o;
    int bare = !strcmp(code, "badVerb") || !strcmp(code, "badArgument");

    memset(&o, 0, sizeof o);
    o.r = r;
    if (oai_open(&o, r, a, bare) == 0) {
        xmlTextWriterStartElement(o.w, BAD_CAST "error");
        xmlTextWriterWriteAttribute(o.w, BAD_CAST "code", BAD_CAST code);
        xmlTextWriterWriteString(o.w, BAD_CAST msg);
        xmlTextWriterEndElement(o.w);
    }
    return oai_send(&o);
}

/* Only the arguments named in @allowed (space separated, each one "key"),
 * none repeated; @required all present. */
static int
args_ok(const _tl_viewer_oai_args_t *a, const char *allowed, const char *const *required)
{
    size_t i;

    if (a->too_many || a->repeated)
        return 0;
    for (i = 0; i < a->n; i++) {
        char pat[64];
        snprintf(pat, sizeof pat, " %s ", a->key[i]);
        if (!strstr(allowed, pat))
            return 0;
    }
    for (; required && *required; required++)
        if (!arg(a, *required))
            return 0;
    return 1;
}

static void
write_header(oai_t *o, const _tl_viewer_entry_t *e)
{
    tl_buf_t b;

    tl_buf_init(&b);
    xmlTextWriterStartElement(o->w, BAD_CAST "header");
    tl_buf_addf(&b, ID_PREFIX "%s", e->id);
    el(o, "identifier", b.data ? b.data : "");
    el(o, "datestamp", e->stamp);
    tl_buf_free(&b);
    tl_buf_init(&b);
    tl_buf_addf(&b, "class:%s", e->cls);
    el(o, "setSpec", b.data ? b.data : "");
    tl_buf_free(&b);
    if (e->box[0]) {
        tl_buf_init(&b);
        _tl_viewer_oai_box_spec(&b, e->box);
        el(o, "setSpec", b.data ? b.data : "");
        tl_buf_free(&b);
    }
    xmlTextWriterEndElement(o->w);
}

static int
write_record(oai_t *o, const _tl_viewer_entry_t *e)
{
    json_t *doc = _tl_viewer_doc_json(o->r->v, e->id);
    char *xml = NULL;
    tl_dc_t dc;
    int rc = -1;

    memset(&dc, 0, sizeof dc);
    if (doc && _tl_viewer_dc_from_json(json_object_get(doc, "dc"), &dc) == TL_OK) {
        /* a record without its type or identifier would be thin: fill
         * them from what the library knows */
        if (!dc.type)
            tl_dc_set(&dc.type, tl_class_name(e->cls));
        if (tl_dc_to_oai_dc(&dc, 0, &xml, NULL) == TL_OK) {
            xmlTextWriterStartElement(o->w, BAD_CAST "record");
            write_header(o, e);
            xmlTextWriterStartElement(o->w, BAD_CAST "metadata");
            xmlTextWriterWriteRaw(o->w, BAD_CAST xml);
            xmlTextWriterEndElement(o->w);
            xmlTextWriterEndElement(o->w);
            rc = 0;
        }
    }
    free(xml);
    tl_dc_clear(&dc);
    json_decref(doc);
    return rc;
}

static enum MHD_Result
verb_identify(const _tl_viewer_req_t *r, const _tl_viewer_oai_args_t *a)
{
    char earliest[32];
    tl_buf_t url;
    oai_t o;

    if (!args_ok(a, " verb ", NULL))
        return oai_error(r, a, "badArgument", "Identify takes no arguments");
    _tl_viewer_catalog_earliest(r->v, earliest);
    memset(&o, 0, sizeof o);
    o.r = r;
    if (oai_open(&o, r, a, 0) == 0) {
        tl_buf_init(&url);
        base_url(r, &url);
        xmlTextWriterStartElement(o.w, BAD_CAST "Identify");
        el(&o, "repositoryName", "Thư viện điện tử tulieu");
        el(&o, "baseURL", url.data ? url.data : "");
        el(&o, "protocolVersion", "2.0");
        el(&o, "adminEmail", ADMIN_EMAIL);
        el(&o, "earliestDatestamp", earliest);
        el(&o, "deletedRecord", "no");
        el(&o, "granularity", "YYYY-MM-DDThh:mm:ssZ");
        xmlTextWriterEndElement(o.w);
        tl_buf_free(&url);
    }
    return oai_send(&o);
}

/* The identifier's document id, when it names a published document. */
static int
lookup_identifier(const _tl_viewer_req_t *r, const char *ident, _tl_viewer_entry_t *e)
{
    const char *id;

    if (strncmp(ident, ID_PREFIX, strlen(ID_PREFIX)) != 0)
        return 0;
    id = ident + strlen(ID_PREFIX);
    return _tl_viewer_valid_id(id) && _tl_viewer_catalog_get(r->v, id, e) == TL_OK &&
           !_tl_viewer_is_restricted(r->v, id);
}

static enum MHD_Result
verb_formats(const _tl_viewer_req_t *r, const _tl_viewer_oai_args_t *a)
{
    const char *ident = arg(a, "identifier");
    _tl_viewer_entry_t e;
    oai_t o;

    if (!args_ok(a, " verb identifier ", NULL))
        return oai_error(r, a, "badArgument", "ListMetadataFormats takes only identifier");
    if (ident && !lookup_identifier(r, ident, &e))
        return oai_error(r, a, "idDoesNotExist", "No such item in this repository");
    memset(&o, 0, sizeof o);
    o.r = r;
    if (oai_open(&o, r, a, 0) == 0) {
        xmlTextWriterStartElement(o.w, BAD_CAST "ListMetadataFormats");
        xmlTextWriterStartElement(o.w, BAD_CAST "metadataFormat");
        el(&o, "metadataPrefix", "oai_dc");
        el(&o, "schema", "http://www.openarchives.org/OAI/2.0/oai_dc.xsd");
        el(&o, "metadataNamespace", "http://www.openarchives.org/OAI/2.0/oai_dc/");
        xmlTextWriterEndElement(o.w);
        xmlTextWriterEndElement(o.w);
    }
    return oai_send(&o);
}

static enum MHD_Result
verb_sets(const _tl_viewer_req_t *r, const _tl_viewer_oai_args_t *a)
{
    char **cls = NULL, **box = NULL;
    size_t n_cls = 0, n_box = 0, i;
    tl_buf_t b;
    oai_t o;

    if (!args_ok(a, " verb resumptionToken ", NULL))
        return oai_error(r, a, "badArgument", "ListSets takes only resumptionToken");
    if (arg(a, "resumptionToken"))
        return oai_error(r, a, "badResumptionToken", "ListSets is never split");
    if (_tl_viewer_catalog_sets(r->v, &cls, &n_cls, &box, &n_box) != TL_OK)
        return _tl_viewer_send(r, MHD_HTTP_SERVICE_UNAVAILABLE, NULL, 0, NULL);
    if (n_cls + n_box == 0)
        return oai_error(r, a, "noSetHierarchy", "The repository holds no sets yet");
    memset(&o, 0, sizeof o);
    o.r = r;
    if (oai_open(&o, r, a, 0) == 0) {
        xmlTextWriterStartElement(o.w, BAD_CAST "ListSets");
        for (i = 0; i < n_cls; i++) {
            tl_buf_init(&b);
            tl_buf_addf(&b, "class:%s", cls[i]);
            xmlTextWriterStartElement(o.w, BAD_CAST "set");
            el(&o, "setSpec", b.data ? b.data : "");
            el(&o, "setName", tl_class_name(cls[i]));
            xmlTextWriterEndElement(o.w);
            tl_buf_free(&b);
        }
        for (i = 0; i < n_box; i++) {
            tl_buf_init(&b);
            _tl_viewer_oai_box_spec(&b, box[i]);
            xmlTextWriterStartElement(o.w, BAD_CAST "set");
            el(&o, "setSpec", b.data ? b.data : "");
            tl_buf_free(&b);
            tl_buf_init(&b);
            tl_buf_addf(&b, "Hộp %s", box[i]);
            el(&o, "setName", b.data ? b.data : "");
            xmlTextWriterEndElement(o.w);
            tl_buf_free(&b);
        }
        xmlTextWriterEndElement(o.w);
    }
    _tl_viewer_strv_free(cls, n_cls);
    _tl_viewer_strv_free(box, n_box);
    return oai_send(&o);
}

static enum MHD_Result
verb_list(const _tl_viewer_req_t *r, const _tl_viewer_oai_args_t *a, int records)
{
    static const char *const need_prefix[] = {"metadataPrefix", NULL};
    const char *token = arg(a, "resumptionToken"), *prefix = arg(a, "metadataPrefix");
    _tl_viewer_entry_t *ents = NULL;
    char *cls = NULL, *box = NULL;
    _tl_viewer_oai_listing_t l;
    size_t n = 0, i;
    int more = 0, fg = 0, ug = 0;
    enum MHD_Result ret;
    oai_t o;

    memset(&l, 0, sizeof l);
    if (token) {
        if (!args_ok(a, " verb resumptionToken ", NULL))
            return oai_error(r, a, "badArgument", "resumptionToken is an exclusive argument");
        if (_tl_viewer_oai_parse_token(token, records, &l) != 0)
            return oai_error(r, a, "badResumptionToken", "This resumption token is not valid");
    } else {
        if (!args_ok(a, " verb metadataPrefix from until set ", need_prefix))
            return oai_error(r, a, "badArgument",
                             "Expected metadataPrefix and optional from, until, set");
        if (arg(a, "from") && !(fg = date_granularity(arg(a, "from"))))
            return oai_error(r, a, "badArgument", "from is not a UTC date or datetime");
        if (arg(a, "until") && !(ug = date_granularity(arg(a, "until"))))
            return oai_error(r, a, "badArgument", "until is not a UTC date or datetime");
        if (fg && ug && (fg != ug || strcmp(arg(a, "from"), arg(a, "until")) > 0))
            return oai_error(r, a, "badArgument",
                             "from and until differ in granularity or are in the wrong order");
        if (strcmp(prefix, "oai_dc") != 0)
            return oai_error(r, a, "cannotDisseminateFormat", "Only oai_dc is offered");
        l.records = records;
        l.from = arg(a, "from") ? strdup(arg(a, "from")) : NULL;
        l.until = arg(a, "until") ? strdup(arg(a, "until")) : NULL;
        l.set = arg(a, "set") ? strdup(arg(a, "set")) : NULL;
    }
    if (l.set) {
        if (!strncmp(l.set, "class:", 6) && _tl_viewer_valid_id(l.set + 6))
            cls = l.set + 6;
        else if (!strncmp(l.set, "box:", 4) && (box = _tl_viewer_oai_box_from_spec(l.set + 4)))
            ;
        else {
            _tl_viewer_oai_listing_clear(&l);
            return oai_error(r, a, "noRecordsMatch", "No such set in this repository");
        }
    }
    if (!(ents = calloc(r->v->oai_batch, sizeof *ents)) ||
        _tl_viewer_catalog_list(r->v, l.after, l.from, l.until, cls, box, ents,
                                r->v->oai_batch, &n, &more) != TL_OK) {
        free(ents);
        free(box);
        _tl_viewer_oai_listing_clear(&l);
        return _tl_viewer_send(r, MHD_HTTP_SERVICE_UNAVAILABLE, NULL, 0, NULL);
    }
    free(box);
    if (n == 0) {
        free(ents);
        _tl_viewer_oai_listing_clear(&l);
        if (token)
            return oai_error(r, a, "badResumptionToken", "This resumption token has expired");
        return oai_error(r, a, "noRecordsMatch", "No records match the arguments");
    }
    memset(&o, 0, sizeof o);
    o.r = r;
    if (oai_open(&o, r, a, 0) == 0) {
        xmlTextWriterStartElement(o.w, BAD_CAST (records ? "ListRecords" : "ListIdentifiers"));
        for (i = 0; i < n; i++) {
            if (records)
                write_record(&o, &ents[i]);
            else
                write_header(&o, &ents[i]);
        }
        if (more) {
            char *t;
            l.after = ents[n - 1].seq;
            t = _tl_viewer_oai_make_token(&l);
            el(&o, "resumptionToken", t ? t : "");
            free(t);
        } else if (token) {
            el(&o, "resumptionToken", ""); /* the list is complete */
        }
        xmlTextWriterEndElement(o.w);
    }
    free(ents);
    _tl_viewer_oai_listing_clear(&l);
    ret = oai_send(&o);
    return ret;
}

static enum MHD_Result
verb_get_record(const _tl_viewer_req_t *r, const _tl_viewer_oai_args_t *a)
{
    static const char *const need[] = {"identifier", "metadataPrefix", NULL};
    _tl_viewer_entry_t e;
    oai_t o;

    if (!args_ok(a, " verb identifier metadataPrefix ", need))
        return oai_error(r, a, "badArgument", "GetRecord needs identifier and metadataPrefix");
    if (!lookup_identifier(r, arg(a, "identifier"), &e))
        return oai_error(r, a, "idDoesNotExist", "No such item in this repository");
    if (strcmp(arg(a, "metadataPrefix"), "oai_dc") != 0)
        return oai_error(r, a, "cannotDisseminateFormat", "Only oai_dc is offered");
    memset(&o, 0, sizeof o);
    o.r = r;
    if (oai_open(&o, r, a, 0) == 0) {
        xmlTextWriterStartElement(o.w, BAD_CAST "GetRecord");
        write_record(&o, &e);
        xmlTextWriterEndElement(o.w);
    }
    return oai_send(&o);
}

enum MHD_Result
_tl_viewer_serve_oai(const _tl_viewer_req_t *r)
{
    _tl_viewer_oai_args_t a;
    const char *verb;
    enum MHD_Result ret;
    size_t i, n_verbs;

    memset(&a, 0, sizeof a);
    if (r->form)
        _tl_viewer_oai_collect_form(&a, r->form);
    else
        MHD_get_connection_values(r->c, MHD_GET_ARGUMENT_KIND, collect_get, &a);
    /* libxml2 refuses attribute values that are not UTF-8 */
    for (i = 0; i < a.n; i++)
        if (!tl_text_valid_utf8(a.val[i], strlen(a.val[i])) ||
            !tl_text_valid_utf8(a.key[i], strlen(a.key[i]))) {
            _tl_viewer_oai_args_free(&a);
            a.too_many = 1;
            break;
        }
    verb = arg(&a, "verb");
    for (i = 0, n_verbs = 0; i < a.n; i++)
        n_verbs += !strcmp(a.key[i], "verb");
    if (a.too_many)
        ret = oai_error(r, &a, "badArgument", "Too many or malformed arguments");
    else if (!verb || n_verbs > 1)
        ret = oai_error(r, &a, "badVerb", verb ? "The verb is repeated" : "No verb given");
    else if (!strcmp(verb, "Identify"))
        ret = verb_identify(r, &a);
    else if (!strcmp(verb, "ListMetadataFormats"))
        ret = verb_formats(r, &a);
    else if (!strcmp(verb, "ListSets"))
        ret = verb_sets(r, &a);
    else if (!strcmp(verb, "ListIdentifiers"))
        ret = verb_list(r, &a, 0);
    else if (!strcmp(verb, "ListRecords"))
        ret = verb_list(r, &a, 1);
    else if (!strcmp(verb, "GetRecord"))
        ret = verb_get_record(r, &a);
    else
        ret = oai_error(r, &a, "badVerb", "Unknown verb");
    _tl_viewer_oai_args_free(&a);
    return ret;
}
