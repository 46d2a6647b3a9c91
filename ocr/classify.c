/* classify.c - the fallback classifier: a multinomial naive Bayes over
 * diacritic-folded word unigrams and bigrams, with a small built-in model.
 *
 * The model is a table of weighted words (pseudo-counts per class) written
 * by hand from the vocabulary of each kind of paper.  A model trained from
 * labelled folders would replace the table, not the scoring. */
#include "config.h"
#include "describe.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const slugs[TL_N_CLS] = {
    "quyet-dinh", "chi-thi", "cong-van", "bao-cao", "bieu-so-lieu", "bai-viet", "khac",
};

const char *
_tl_cls_slug(int c)
{
    return c >= 0 && c < TL_N_CLS ? slugs[c] : "khac";
}

/* Pseudo-counts, columns in the enum's order:
 *                     QĐ   CT   CV   BC  biểu bài khác */
static const struct {
    const char *feat;
    float w[TL_N_CLS];
} model[] = {
    {"quyet dinh",       {9,   1,   1,   1,   0,   1,   1}},
    {"can cu",           {6,   2,   1,   1,   0,   1,   1}},
    {"dieu 1",           {6,   0,   0,   0,   0,   0,   1}},
    {"dieu 2",           {5,   0,   0,   0,   0,   0,   1}},
    {"dieu 3",           {5,   0,   0,   0,   0,   0,   1}},
    {"hieu luc",         {4,   1,   0,   0,   0,   0,   1}},
    {"thi hanh",         {4,   1,   0,   0,   0,   0,   1}},
    {"ban hanh",         {3,   2,   1,   1,   0,   1,   1}},
    {"phe duyet",        {3,   0,   1,   1,   0,   1,   1}},
    {"bo nhiem",         {4,   0,   0,   0,   0,   0,   0}},
    {"chi thi",          {1,   9,   1,   1,   0,   1,   1}},
    {"yeu cau",          {1,   5,   2,   1,   0,   1,   1}},
    {"nghiem tuc",       {1,   4,   1,   0,   0,   0,   0}},
    {"khan truong",      {0,   3,   1,   0,   0,   0,   0}},
    {"tang cuong",       {1,   4,   1,   1,   0,   1,   1}},
    {"chan chinh",       {0,   4,   0,   0,   0,   0,   0}},
    {"chi dao",          {1,   4,   1,   1,   0,   1,   1}},
    {"kinh gui",         {0,   0,   9,   2,   0,   0,   2}},
    {"v/v",              {0,   0,   9,   0,   0,   0,   1}},
    {"de nghi",          {0,   1,   5,   1,   0,   0,   1}},
    {"tra loi",          {0,   0,   4,   0,   0,   0,   0}},
    {"trang trong",      {0,   0,   4,   0,   0,   0,   1}},
    {"cong van",         {1,   1,   5,   1,   0,   0,   1}},
    {"bao cao",          {1,   1,   1,   9,   0,   1,   1}},
    {"tinh hinh",        {1,   1,   1,   5,   0,   2,   1}},
    {"ket qua",          {1,   1,   1,   4,   0,   2,   1}},
    {"so voi",           {0,   0,   0,   5,   1,   2,   0}},
    {"cung ky",          {0,   0,   0,   5,   1,   1,   0}},
    {"uoc tinh",         {0,   0,   0,   4,   1,   1,   0}},
    {"nam truoc",        {0,   0,   0,   4,   1,   1,   0}},
    {"dau nam",          {0,   0,   0,   3,   0,   1,   0}},
    {"don vi",           {0,   0,   0,   1,   6,   0,   1}},
    {"vi tinh",          {0,   0,   0,   1,   6,   0,   0}},
    {"phan theo",        {0,   0,   0,   1,   6,   1,   0}},
    {"so bo",            {0,   0,   0,   1,   6,   0,   0}},
    {"tong so",          {0,   0,   0,   1,   4,   1,   1}},
    {"nghin nguoi",      {0,   0,   0,   1,   5,   1,   0}},
    {"nghin",            {0,   0,   0,   1,   3,   1,   0}},
    {"ghi chu",          {0,   0,   0,   0,   4,   0,   1}},
    {"trieu dong",       {0,   0,   0,   2,   4,   1,   0}},
    {"ty dong",          {0,   0,   0,   2,   4,   1,   0}},
    {"bai viet",         {0,   0,   0,   0,   0,   6,   1}},
    {"tac gia",          {0,   0,   0,   0,   0,   5,   1}},
    {"chung ta",         {0,   0,   0,   0,   0,   5,   1}},
    {"nghien cuu",       {1,   1,   1,   1,   0,   4,   1}},
    {"kinh nghiem",      {0,   0,   0,   1,   0,   4,   1}},
    {"tap chi",          {0,   0,   0,   0,   0,   5,   1}},
    {"cuoc song",        {0,   0,   0,   0,   0,   4,   1}},
    {"tham khao",        {0,   0,   0,   0,   0,   4,   1}},
    {"thong bao",        {1,   1,   2,   1,   0,   0,   5}},
    {"ke hoach",         {2,   1,   1,   1,   0,   1,   3}},
    {"to trinh",         {0,   0,   1,   0,   0,   0,   5}},
    {"bien ban",         {0,   0,   0,   0,   0,   0,   5}},
    {"giay moi",         {0,   0,   1,   0,   0,   0,   5}},
    {"danh sach",        {1,   0,   1,   1,   1,   0,   4}},
    {"hop dong",         {0,   0,   0,   0,   0,   0,   4}},
};

#define N_FEAT (sizeof model / sizeof model[0])
#define MAX_PER_FEATURE 3
#define SMOOTH 0.5

static int
feat_index(const char *f)
{
    size_t i;

    for (i = 0; i < N_FEAT; i++)
        if (model[i].feat[0] == f[0] && !strcmp(model[i].feat, f))
            return (int)i;
    return -1;
}

/* A folded word: letters, digits and the slash of "v/v". */
static size_t
next_word(const char *s, size_t i, size_t *start, size_t *len)
{
    while (s[i] && !((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9')))
        i++;
    *start = i;
    while ((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') ||
           (s[i] == '/' && s[i + 1] >= 'a' && s[i + 1] <= 'z'))
        i++;
    *len = i - *start;
    return i;
}

int
_tl_nb_classify(const char *fold, double post[TL_N_CLS])
{
    int counts[N_FEAT] = {0};
    double total[TL_N_CLS] = {0}, lp[TL_N_CLS], max = -1e300, sum = 0;
    size_t i = 0, ps = 0, pl = 0, st, ln;
    int c, hits = 0;

    for (c = 0; c < TL_N_CLS; c++)
        post[c] = 1.0 / TL_N_CLS;
    if (!fold)
        return 0;
    for (;;) {
        char w[48], bi[96];
        int k;
        i = next_word(fold, i, &st, &ln);
        if (!ln)
            break;
        if (ln < sizeof w) {
            memcpy(w, fold + st, ln);
            w[ln] = '\0';
            if ((k = feat_index(w)) >= 0)
                counts[k]++;
            if (pl && pl < sizeof w) {
                snprintf(bi, sizeof bi, "%.*s %s", (int)pl, fold + ps, w);
                if ((k = feat_index(bi)) >= 0)
                    counts[k]++;
            }
        }
        ps = st;
        pl = ln;
    }
    for (i = 0; i < N_FEAT; i++)
        for (c = 0; c < TL_N_CLS; c++)
            total[c] += model[i].w[c];
    for (c = 0; c < TL_N_CLS; c++)
        lp[c] = 0;
    for (i = 0; i < N_FEAT; i++) {
        int n = counts[i] > MAX_PER_FEATURE ? MAX_PER_FEATURE : counts[i];
        if (!n)
            continue;
        hits++;
        for (c = 0; c < TL_N_CLS; c++)
            lp[c] += n * log((model[i].w[c] + SMOOTH) / (total[c] + SMOOTH * N_FEAT));
    }
    for (c = 0; c < TL_N_CLS; c++)
        if (lp[c] > max)
            max = lp[c];
    for (c = 0; c < TL_N_CLS; c++)
        sum += (post[c] = exp(lp[c] - max));
    for (c = 0; c < TL_N_CLS; c++)
        post[c] /= sum;
    return hits;
}
