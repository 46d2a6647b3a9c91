/* fixtures.h - pages the tests draw themselves with Leptonica's built-in
 * bitmap font, scaled up to the size of 12-point print at 300 dpi. */
#ifndef TL_FIXTURES_H
#define TL_FIXTURES_H

#include <leptonica/allheaders.h>

/* Pages are drawn at 100 dpi, where the bitmap font has the size of print,
 * then blown up 3 times to an A4 page at 300 dpi. */
static inline PIX *
fixture_canvas(L_BMF **bmf)
{
    *bmf = bmfCreate(NULL, 8);
    return *bmf ? pixCreate(827, 1169, 1) : NULL;
}

/* Frees @bmf and turns *@small into the finished page; NULL on failure. */
static inline PIX *
fixture_finish(L_BMF *bmf, PIX *small)
{
    PIX *big = small ? pixExpandBinaryReplicate(small, 3, 3) : NULL;

    bmfDestroy(&bmf);
    pixDestroy(&small);
    if (big)
        pixSetResolution(big, 300, 300);
    return big;
}

/* Returns a new 1-bpp page (2480x3508, 300 dpi) with @lines of ASCII text
 * starting near the top-left; NULL on failure.  Caller pixDestroy()s it. */
static inline PIX *
fixture_text_page(const char *const *lines, int n)
{
    L_BMF *bmf;
    PIX *small = fixture_canvas(&bmf);
    int i;

    for (i = 0; small && i < n; i++)
        pixSetTextline(small, bmf, lines[i], 1, 60, 80 + i * 34, NULL, NULL);
    return fixture_finish(bmf, small);
}

/* A blank sheet with a little dust on it. */
static inline PIX *
fixture_blank_page(void)
{
    PIX *p = pixCreate(2480, 3508, 1);
    int i;

    if (!p)
        return NULL;
    for (i = 0; i < 40; i++)
        pixSetPixel(p, 300 + (i * 397) % 1900, 400 + (i * 761) % 2700, 1);
    pixSetResolution(p, 300, 300);
    return p;
}

/* A page with the two-block header of an administrative document, the
 * blocks close together the way they often are printed, then a centred
 * type name and a body.  Caller pixDestroy()s it. */
static inline PIX *
fixture_header_page(void)
{
    static const char *const left[] = {"GENERAL OFFICE OF", "STATISTICS", "No: 123/QD-TCTK"};
    static const char *const right[] = {"CONG HOA XA HOI", "Doc lap - Tu do",
                                        "Hanoi, 15 December 2023"};
    static const char *const body[] = {
        "The planning department shall prepare the annual",
        "statistical yearbook and publish it in the library.",
        "Provinces report their figures before the deadline.",
    };
    L_BMF *bmf;
    PIX *small = fixture_canvas(&bmf);
    l_int32 wmax = 0, wi, i;

    if (!small)
        return fixture_finish(bmf, small);
    for (i = 0; i < 3; i++) {
        pixSetTextline(small, bmf, left[i], 1, 60, 80 + i * 34, &wi, NULL);
        if (wi > wmax)
            wmax = wi;
    }
    /* The right block starts a couple of spaces after the widest left line. */
    for (i = 0; i < 3; i++)
        pixSetTextline(small, bmf, right[i], 1, 60 + wmax + 14, 80 + i * 34, NULL, NULL);
    pixSetTextline(small, bmf, "DECISION", 1, 370, 220, NULL, NULL);
    for (i = 0; i < 3; i++)
        pixSetTextline(small, bmf, body[i], 1, 60, 280 + i * 34, NULL, NULL);
    return fixture_finish(bmf, small);
}

static const char *const fixture_lines[] = {
    "GENERAL STATISTICS OFFICE",
    "Monthly report on population and labour",
    "The population survey counted 96208984 persons",
    "in the census year, with labour force growth",
    "across every province of the country.",
    "Statistics are released on the fifteenth day.",
};
#define FIXTURE_N_LINES 6

#endif
