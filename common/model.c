/* model.c - life cycle of pages, documents and Dublin Core records. */
#include "config.h"
#include "tl_core.h"

#include <stdlib.h>
#include <string.h>

tl_page_t *
tl_page_new(void)
{
    tl_page_t *p = calloc(1, sizeof *p);

    if (p)
        p->mean_conf = -1.0f;
    return p;
}

void
tl_page_free(tl_page_t *p)
{
    size_t i;

    if (!p)
        return;
    free(p->source);
    free(p->abs_path);
    free(p->format);
    free(p->text);
    free(p->hocr);
    for (i = 0; i < p->n_words; i++)
        free(p->words[i].text);
    free(p->words);
    for (i = 0; i < p->n_tables; i++)
        tl_table_clear(&p->tables[i]);
    free(p->tables);
    free(p->image);
    free(p->image_mime);
    free(p);
}

void
tl_table_clear(tl_table_t *t)
{
    size_t i;

    if (!t)
        return;
    free(t->title);
    free(t->unit);
    free(t->notes);
    free(t->style);
    for (i = 0; i < t->n_cells; i++)
        free(t->cells[i].text);
    free(t->cells);
    for (i = 0; i < t->n_records; i++) {
        free(t->records[i].row);
        free(t->records[i].column);
        free(t->records[i].value);
        free(t->records[i].unit);
    }
    free(t->records);
    memset(t, 0, sizeof *t);
}

void
tl_dc_clear(tl_dc_t *dc)
{
    size_t i;

    free(dc->title);
    free(dc->creator);
    free(dc->date);
    free(dc->type);
    free(dc->identifier);
    free(dc->language);
    free(dc->description);
    free(dc->publisher);
    free(dc->format);
    free(dc->source);
    free(dc->rights);
    free(dc->coverage);
    for (i = 0; i < dc->n_subject; i++)
        free(dc->subject[i]);
    free(dc->subject);
    memset(dc, 0, sizeof *dc);
}

tl_status_t
tl_dc_set(char **field, const char *value)
{
    char *copy = NULL;

    if (value && !(copy = strdup(value)))
        return TL_ERR_NOMEM;
    free(*field);
    *field = copy;
    return TL_OK;
}

tl_doc_t *
tl_doc_new(void)
{
    return calloc(1, sizeof(tl_doc_t));
}

void
tl_doc_free(tl_doc_t *d)
{
    size_t i;

    if (!d)
        return;
    free(d->id);
    free(d->cls);
    free(d->box);
    tl_dc_clear(&d->dc);
    for (i = 0; i < d->n_pages; i++)
        tl_page_free(d->pages[i]);
    free(d->pages);
    for (i = 0; i < d->n_files; i++) {
        free(d->files[i].name);
        free(d->files[i].data);
    }
    free(d->files);
    free(d);
}

tl_status_t
tl_doc_add_page(tl_doc_t *d, tl_page_t *p)
{
    if (!d || !p)
        return TL_ERR_ARG;
    if (d->n_pages == d->cap_pages) {
        size_t cap = d->cap_pages ? d->cap_pages * 2 : 8;
        tl_page_t **np = realloc(d->pages, cap * sizeof *np);
        if (!np)
            return TL_ERR_NOMEM;
        d->pages = np;
        d->cap_pages = cap;
    }
    d->pages[d->n_pages++] = p;
    return TL_OK;
}

static int
safe_rel_name(const char *name)
{
    const char *s = name;

    if (!name || !*name || *name == '/')
        return 0;
    while (*s) {
        const char *e = strchr(s, '/');
        size_t n = e ? (size_t)(e - s) : strlen(s);
        if (n == 0 || (n == 1 && s[0] == '.') || (n == 2 && s[0] == '.' && s[1] == '.'))
            return 0;
        s += n;
        if (*s == '/')
            s++;
        else
            break;
    }
    return name[strlen(name) - 1] != '/';
}

tl_status_t
tl_doc_attach(tl_doc_t *d, const char *name, const void *data, size_t len)
{
    unsigned char *copy;
    size_t i;

    if (!d || !safe_rel_name(name) || (!data && len))
        return TL_ERR_ARG;
    copy = malloc(len ? len : 1);
    if (!copy)
        return TL_ERR_NOMEM;
    if (len)
        memcpy(copy, data, len);
    for (i = 0; i < d->n_files; i++)
        if (!strcmp(d->files[i].name, name)) {
            free(d->files[i].data);
            d->files[i].data = copy;
            d->files[i].len = len;
            return TL_OK;
        }
    {
        tl_attach_t *nf = realloc(d->files, (d->n_files + 1) * sizeof *nf);
        char *nm = strdup(name);
        if (!nf || !nm) {
            free(nm);
            free(copy);
            if (nf)
                d->files = nf;
            return TL_ERR_NOMEM;
        }
        d->files = nf;
        d->files[d->n_files].name = nm;
        d->files[d->n_files].data = copy;
        d->files[d->n_files].len = len;
        d->n_files++;
    }
    return TL_OK;
}

static const struct {
    const char *slug, *name;
} classes[] = {
    {"quyet-dinh", "Quyết định"},
    {"chi-thi", "Chỉ thị"},
    {"cong-van", "Công văn"},
    {"bao-cao", "Báo cáo"},
    {"bieu-so-lieu", "Biểu số liệu"},
    {"bai-viet", "Bài viết"},
    {"khac", "Khác"},
};

const char *
tl_class_name(const char *slug)
{
    size_t i;

    for (i = 0; slug && i < sizeof classes / sizeof classes[0]; i++)
        if (!strcmp(classes[i].slug, slug))
            return classes[i].name;
    return "Khác";
}
