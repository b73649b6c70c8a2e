/* The resolver's loose bound in C: an upper bound on `compare_names` for each of a query's
 * blocking candidates (features/matching/prefilter.py holds the bound and its proof).
 *
 * Why hand-written: it runs for every party never seen before, over the snapshot's word and
 * name records (features/matching/vocab.py); in Python and numpy it cost ~0.25 ms a query, mostly
 * interpreter and per-call overhead on arrays of a few dozen items. No library computes this
 * bound of our own scoring function. */
#include "_buffers.h"
#include <math.h>

#define QUERY_ROOM 32 /* the most query words `configure` may allow (rules.MAX_QUERY_WORDS) */
#define WEIGHT_ROOM 64 /* the longest weight table `configure` takes */
#define MAX_WORD 384 /* rigour's MAX_NAME_LENGTH: longer words are not bounded here */

/* Vocabulary flags, as in features/matching/vocab.py. */
#define F_DIGITS 1
#define F_ROMAN 2
#define F_SUFFIXED 4
#define F_VOWELLESS 8
#define F_NAMED 16
#define F_GENERIC 32
#define F_NONASCII 64
/* A name record's bits, as in features/matching/vocab.py. */
#define N_NUMBERED 2
#define N_ANY_NONASCII 8
#define N_JOINED_NAMED 16
#define N_PERSON 32
#define W_HEADER 6 /* a word record: uint16 length, uint16 skeleton length, flags, count of name ids */
#define N_HEADER 4

/* Optimal string alignment distance (Levenshtein plus adjacent swaps), both under MAX_WORD, or
   any number above `most` once it is sure to exceed it: the least of two consecutive rows never
   falls from one pair of rows to the next, nor the distance below the length difference. */
static int osa(const char *a, int la, const char *b, int lb, int most) {
    if (most < 0 || la - lb > most || lb - la > most) return most + 1;
    int rows[3][MAX_WORD + 1];
    int *two = rows[0], *prev = rows[1], *cur = rows[2];
    int prev_least = 0;
    for (int j = 0; j <= lb; j++) prev[j] = j;
    for (int i = 1; i <= la; i++) {
        cur[0] = i;
        int least = i;
        for (int j = 1; j <= lb; j++) {
            int cost = a[i - 1] != b[j - 1];
            int v = prev[j - 1] + cost;
            if (prev[j] + 1 < v) v = prev[j] + 1;
            if (cur[j - 1] + 1 < v) v = cur[j - 1] + 1;
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] && two[j - 2] + 1 < v) v = two[j - 2] + 1;
            cur[j] = v;
            if (v < least) least = v;
        }
        if (least > most && prev_least > most) return most + 1;
        prev_least = least;
        int *t = two; two = prev; prev = cur; cur = t;
    }
    return prev[lb];
}

/* The same distance, bit-parallel (Hyyro 2003, as rapidfuzz computes OSA), for a pattern `a` of
   1 to 64 letters whose match masks `pm` are precomputed (`fill_masks`): a dozen operations on
   64-bit words per letter of `b`, where the table above fills |a| x |b| cells. */
static int osa_bits(const uint64_t *pm, int la, const char *b, int lb) {
    uint64_t vp = ~(uint64_t)0, vn = 0, d0 = 0, pm_old = 0, last = (uint64_t)1 << (la - 1);
    int dist = la;
    for (int j = 0; j < lb; j++) {
        uint64_t pm_j = pm[(unsigned char)b[j]];
        uint64_t swapped = (((~d0) & pm_j) << 1) & pm_old;
        d0 = (((pm_j & vp) + vp) ^ vp) | pm_j | vn | swapped;
        uint64_t hp = vn | ~(d0 | vp), hn = d0 & vp;
        dist += (hp & last) != 0;
        dist -= (hn & last) != 0;
        hp = (hp << 1) | 1;
        hn <<= 1;
        vp = hn | ~(d0 | hp);
        vn = hp & d0;
        pm_old = pm_j;
    }
    return dist;
}

#define MASKED_WORD 64 /* the longest pattern `osa_bits` takes */
typedef uint64_t Masks[256];

/* Bit i of pm[c] set where a[i] is c; a of 1 to MASKED_WORD letters. */
static void fill_masks(uint64_t *pm, const char *a, int la) {
    memset(pm, 0, sizeof(Masks));
    for (int i = 0; i < la; i++) pm[(unsigned char)a[i]] |= (uint64_t)1 << i;
}

/* `osa(a, b, most)`, bit-parallel when `a`'s masks are given. */
static int distance(const char *a, int la, const uint64_t *pm, const char *b, int lb, int most) {
    if (most < 0 || la - lb > most || lb - la > most) return most + 1;
    return pm ? osa_bits(pm, la, b, lb) : osa(a, la, b, lb, most);
}

static int is_vowel(char c) { return c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u'; }

/* Whether `longer` without its vowels is `shorter`. */
static int consonants_of(const char *shorter, int ls, const char *longer, int ll) {
    int k = 0;
    for (int i = 0; i < ll; i++) {
        if (is_vowel(longer[i])) continue;
        if (k >= ls || longer[i] != shorter[k]) return 0;
        k++;
    }
    return k == ls;
}

static int has_vowel(const char *word, int len) {
    for (int i = 0; i < len; i++)
        if (is_vowel(word[i])) return 1;
    return 0;
}

typedef struct {
    const char *word, *skel;
    int len, skel_len;
    int suffixed, vowelless, ascii;
    const uint8_t *ids; /* coded name ids, sorted uint32 */
    Py_ssize_t nids;
    const uint64_t *word_pm, *skel_pm; /* their masks (`fill_masks`), or NULL: empty, too long or not ASCII */
} QWord;

static uint32_t id_at(const uint8_t *ids, Py_ssize_t i) {
    uint32_t v;
    memcpy(&v, ids + 4 * i, 4);
    return v;
}

/* Whether two sorted lists of coded name ids share one. */
static int meet(const uint8_t *a, Py_ssize_t na, const uint8_t *b, Py_ssize_t nb) {
    Py_ssize_t i = 0, j = 0;
    while (i < na && j < nb) {
        uint32_t x = id_at(a, i), y = id_at(b, j);
        if (x == y) return 1;
        if (x < y) i++; else j++;
    }
    return 0;
}

/* Every number of the bound, from features/matching/rules.py (`C_RULES`), set once by `configure`
   when features/matching/prefilter.py is imported: none is written here. */
typedef struct {
    double typo, floor, named_sim, generic, one_sided, different_numbers, conflict, extra, person_extra, epsilon;
    double initial_sim, prefix_sim, consonants_sim;
    int abridged_length, max_query_words, weight_cap;
    double weights[WEIGHT_ROOM]; /* a word's weight by its length, up to weight_cap (`rules.length_weight`) */
} Rules;

static Rules RULES;
static int configured = 0;

/* The bound `s` of one query word and one listed word (see name_prefilter's docstring). */
/* `need`: a similarity below which the exact value does not matter, only that it is below. */
static double word_bound(const QWord *q, const char *b, int lb, const char *sb, int lsb, int flags,
                         const uint8_t *ids, Py_ssize_t nids, double need, const Rules *p) {
    if (!q->ascii || (flags & F_NONASCII) || q->len >= MAX_WORD || lb >= MAX_WORD || q->skel_len >= MAX_WORD || lsb >= MAX_WORD)
        return 1.0;
    if (q->suffixed && (flags & F_SUFFIXED)) return 1.0; /* stems are compared: not bounded */
    int longest = q->len;
    if (lb > longest) longest = lb;
    if (q->skel_len > longest) longest = q->skel_len;
    if (lsb > longest) longest = lsb;
    int most = (int)((1.0 - need) * longest / p->typo) + 1; /* a distance above leaves s below `need` */
    int ds = distance(q->skel, q->skel_len, q->skel_pm, sb, lsb, most);
    int dw = distance(q->word, q->len, q->word_pm, b, lb, (ds <= most ? ds : most + 1) - 1); /* only if below ds */
    int d = dw < ds ? dw : ds;
    if (d > most) d = most + 1;
    double s = 1.0 - p->typo * d / longest;
    int query_shorter = q->len <= lb;
    int ls = query_shorter ? q->len : lb;
    const char *shorter = query_shorter ? q->word : b, *longer = query_shorter ? b : q->word;
    int ll = query_shorter ? lb : q->len;
    if (ls == 1 && s < p->initial_sim) s = p->initial_sim;
    if (ls >= p->abridged_length) {
        if (s < p->prefix_sim && memcmp(longer, shorter, ls) == 0) s = p->prefix_sim;
        int vowelless = query_shorter ? q->vowelless : (flags & F_VOWELLESS) != 0;
        /* names.spelling_rule: the longer's consonants as written, or (if it has vowels) its skeleton's */
        const char *long_sk = query_shorter ? sb : q->skel;
        int lls = query_shorter ? lsb : q->skel_len;
        if (s < p->consonants_sim && vowelless && (consonants_of(shorter, ls, longer, ll) ||
                                                   (has_vowel(longer, ll) && consonants_of(shorter, ls, long_sk, lls))))
            s = p->consonants_sim;
    }
    if (s < p->named_sim && meet(q->ids, q->nids, ids, nids)) s = p->named_sim;
    return s;
}

/* Whether name `name`'s record, its words' records and the end of its skeleton line lie within
   the snapshot's arrays, as the bound reads them: a damaged snapshot is refused, not read past. */
static int check_name(int32_t name, const int32_t *records, Py_ssize_t nrecords, const int64_t *offsets, Py_ssize_t nnames,
                      const uint8_t *words, Py_ssize_t nbytes, const int64_t *word_offsets, Py_ssize_t nwords,
                      const int64_t *line_offsets, Py_ssize_t nlines) {
    if (name < 0 || name >= nnames || name >= nlines) return 0;
    int64_t start = offsets[name], end = offsets[name + 1];
    if (start < 0 || end > nrecords || end - start < N_HEADER || records[start] != end - start - N_HEADER) return 0;
    if (records[start + 2] < 0 || records[start + 2] > line_offsets[name + 1] - line_offsets[name]) return 0;
    for (int64_t k = start + N_HEADER; k < end; k++) {
        int32_t id = records[k];
        if (id < 0 || id >= nwords) return 0;
        int64_t from = word_offsets[id], to = word_offsets[id + 1];
        if (from < 0 || to > nbytes || to - from < W_HEADER) return 0;
        const uint8_t *w = words + from;
        if (!(w[4] & F_NONASCII) && W_HEADER + (w[0] | w[1] << 8) + (w[2] | w[3] << 8) + 4 * w[5] != to - from) return 0;
    }
    return 1;
}

static int descending(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x < y) - (x > y);
}

/* One name's share of the bound when at most `most` of its `n` pairable words can pair (a pair
   is one word of each name, so at most as many as the other name has pairable words): the
   `most` largest of their s_k·w_k, returned, and the weight of the others, which are left
   whatever the pairing (at least all but the `most` heaviest), added to `*left`. */
static double paired_share(double *sw, double *w, Py_ssize_t n, Py_ssize_t most, double *left) {
    double covered = 0.0;
    if (n > most) {
        qsort(sw, n, sizeof(double), descending);
        qsort(w, n, sizeof(double), descending);
        for (Py_ssize_t k = most; k < n; k++) *left += w[k];
        n = most;
    }
    for (Py_ssize_t k = 0; k < n; k++) covered += sw[k];
    return covered;
}

/* Per call: each distinct listed word's bounds with the query words, in an open-addressed table. */
typedef struct {
    int32_t *ids;
    double *sims; /* nq per slot */
    Py_ssize_t mask;
} Memo;

PyDoc_STRVAR(bound_doc,
"bound(names, vocab, query, threshold) -> list[float]\n\n"
"An upper bound on `compare_names` of the query with each name (see features/matching/prefilter.py):\n"
"inf where not bounded (names of numbers alone; names of another word count whose words already\n"
"bound it at `threshold` or more), and -1 - bound for a name of another word count, whose words\n"
"run together may be a given name, whose bound is below `threshold` (itself at most `named_sim`):\n"
"it would reach `named_sim` were the query's words run together the same given name.");

static PyObject *bound(PyObject *self, PyObject *args) {
    PyObject *o_names, *vocab, *query;
    double threshold;
    if (!PyArg_ParseTuple(args, "OO!O!d", &o_names, &PyTuple_Type, &vocab, &PyTuple_Type, &query, &threshold))
        return NULL;
    if (!configured) { PyErr_SetString(PyExc_RuntimeError, "_prefilter: configure() first"); return NULL; }
    Buf b[7];
    memset(b, 0, sizeof b);
    PyObject *result = NULL;
    Memo memo = {0};
    double *query_best = NULL, *pairable = NULL;
    Masks *masks = NULL;
    QWord qw[QUERY_ROOM];
    const Rules p = RULES;
    /* vocab: name records, their offsets, word records, their offsets, the name skeleton lines,
       their offsets (features/matching/vocab.py) */
    if (PyTuple_GET_SIZE(vocab) != 6) { PyErr_SetString(PyExc_ValueError, "vocab: 6 arrays"); return NULL; }
    /* query: words, skeletons, flags (as the vocabulary's), coded name ids, weight_person,
       weight_company, joined, joined_skeleton, joined_vowelless, joined_suffixed, numbers (the
       query's, left out of its words: distinct) */
    if (PyTuple_GET_SIZE(query) != 11) { PyErr_SetString(PyExc_ValueError, "query: 11 items"); return NULL; }
    static const Py_ssize_t sizes[6] = {4, 8, 1, 8, 1, 8};
    static const char *what[6] = {"name_records", "name_offsets", "word_records", "word_offsets", "skeleton_lines",
                                  "skeleton_offsets"};
    for (int i = 0; i < 6; i++)
        if (get_buffer(PyTuple_GET_ITEM(vocab, i), &b[i], sizes[i], what[i])) goto done;
    if (get_buffer(o_names, &b[6], 4, "names")) goto done;
    const int32_t *name_records = b[0].view.buf, *names = b[6].view.buf;
    const int64_t *name_offsets = b[1].view.buf, *word_offsets = b[3].view.buf, *line_offsets = b[5].view.buf;
    const uint8_t *word_records = b[2].view.buf;
    const char *lines = b[4].view.buf;
    Py_ssize_t n = b[6].view.len / 4;

    PyObject *q_words = PyTuple_GET_ITEM(query, 0), *q_skels = PyTuple_GET_ITEM(query, 1);
    PyObject *q_flags = PyTuple_GET_ITEM(query, 2), *q_ids = PyTuple_GET_ITEM(query, 3);
    PyObject *q_wp = PyTuple_GET_ITEM(query, 4), *q_wc = PyTuple_GET_ITEM(query, 5);
    if (!PyList_Check(q_words) || !PyList_Check(q_skels) || !PyList_Check(q_wp) || !PyList_Check(q_wc) ||
        !PyList_Check(q_flags) || !PyList_Check(q_ids)) {
        PyErr_SetString(PyExc_TypeError, "query: lists expected");
        goto done;
    }
    Py_ssize_t nq = PyList_GET_SIZE(q_words);
    if (nq < 1 || nq > p.max_query_words || PyList_GET_SIZE(q_skels) != nq || PyList_GET_SIZE(q_wp) != nq ||
        PyList_GET_SIZE(q_wc) != nq || PyList_GET_SIZE(q_flags) != nq || PyList_GET_SIZE(q_ids) != nq) {
        PyErr_Format(PyExc_ValueError, "query: 1 to %d words, one of each item per word", p.max_query_words);
        goto done;
    }
    double q_wp_v[QUERY_ROOM], q_wc_v[QUERY_ROOM];
    for (Py_ssize_t i = 0; i < nq; i++) {
        Py_ssize_t len, skel_len;
        const char *w = PyUnicode_AsUTF8AndSize(PyList_GET_ITEM(q_words, i), &len);
        const char *s = w ? PyUnicode_AsUTF8AndSize(PyList_GET_ITEM(q_skels, i), &skel_len) : NULL;
        if (!s) goto done;
        qw[i].word = w; qw[i].len = (int)(len < MAX_WORD ? len : MAX_WORD);
        qw[i].skel = s; qw[i].skel_len = (int)(skel_len < MAX_WORD ? skel_len : MAX_WORD);
        qw[i].ascii = PyUnicode_IS_ASCII(PyList_GET_ITEM(q_words, i)) && PyUnicode_IS_ASCII(PyList_GET_ITEM(q_skels, i));
        long flags = PyLong_AsLong(PyList_GET_ITEM(q_flags, i));
        if (flags == -1 && PyErr_Occurred()) goto done;
        qw[i].suffixed = (flags & F_SUFFIXED) != 0;
        qw[i].vowelless = (flags & F_VOWELLESS) != 0;
        PyObject *ids = PyList_GET_ITEM(q_ids, i);
        if (!PyBytes_Check(ids) || PyBytes_GET_SIZE(ids) % 4) {
            PyErr_SetString(PyExc_TypeError, "query: name ids as bytes of uint32");
            goto done;
        }
        qw[i].ids = (const uint8_t *)PyBytes_AS_STRING(ids);
        qw[i].nids = PyBytes_GET_SIZE(ids) / 4;
        q_wp_v[i] = PyFloat_AsDouble(PyList_GET_ITEM(q_wp, i));
        q_wc_v[i] = PyFloat_AsDouble(PyList_GET_ITEM(q_wc, i));
    }
    if (PyErr_Occurred()) goto done;
    PyObject *q_numbers = PyTuple_GET_ITEM(query, 10);
    if (!PyList_Check(q_numbers) || PyList_GET_SIZE(q_numbers) > p.max_query_words) {
        PyErr_Format(PyExc_ValueError, "query: a list of at most %d numbers", p.max_query_words);
        goto done;
    }
    Py_ssize_t nnumbers = PyList_GET_SIZE(q_numbers), number_len[QUERY_ROOM];
    const char *numbers[QUERY_ROOM];
    for (Py_ssize_t i = 0; i < nnumbers; i++)
        if (!(numbers[i] = PyUnicode_AsUTF8AndSize(PyList_GET_ITEM(q_numbers, i), &number_len[i]))) goto done;
    uint64_t all_numbers = nnumbers ? (~(uint64_t)0 >> (64 - nnumbers)) : 0;
    Py_ssize_t jlen, jslen;
    QWord qj = {0};
    qj.word = PyUnicode_AsUTF8AndSize(PyTuple_GET_ITEM(query, 6), &jlen);
    qj.skel = qj.word ? PyUnicode_AsUTF8AndSize(PyTuple_GET_ITEM(query, 7), &jslen) : NULL;
    if (!qj.skel) goto done;
    qj.ascii = PyUnicode_IS_ASCII(PyTuple_GET_ITEM(query, 6)) && PyUnicode_IS_ASCII(PyTuple_GET_ITEM(query, 7));
    qj.len = (int)(jlen < MAX_WORD ? jlen : MAX_WORD);
    qj.skel_len = (int)(jslen < MAX_WORD ? jslen : MAX_WORD);
    qj.vowelless = PyObject_IsTrue(PyTuple_GET_ITEM(query, 8));
    qj.suffixed = PyObject_IsTrue(PyTuple_GET_ITEM(query, 9));
    if (PyErr_Occurred()) goto done;
    masks = PyMem_Malloc(sizeof(Masks) * 2 * (nq + 1));
    if (!masks) { PyErr_NoMemory(); goto done; }
    for (Py_ssize_t i = 0; i <= nq; i++) {
        QWord *q = i < nq ? &qw[i] : &qj;
        int ascii = q->ascii; /* else not bounded: no distance is taken */
        q->word_pm = ascii && q->len >= 1 && q->len <= MASKED_WORD ? masks[2 * i] : NULL;
        q->skel_pm = ascii && q->skel_len >= 1 && q->skel_len <= MASKED_WORD ? masks[2 * i + 1] : NULL;
        if (q->word_pm) fill_masks(masks[2 * i], q->word, q->len);
        if (q->skel_pm) fill_masks(masks[2 * i + 1], q->skel, q->skel_len);
    }
    char joined[MAX_WORD];

    Py_ssize_t total = 0, longest_name = 0;
    for (Py_ssize_t c = 0; c < n; c++) {
        if (!check_name(names[c], name_records, b[0].view.len / 4, name_offsets, b[1].view.len / 8 - 1, word_records,
                        b[2].view.len, word_offsets, b[3].view.len / 8 - 1, line_offsets, b[5].view.len / 8 - 1)) {
            PyErr_Format(PyExc_ValueError, "snapshot: the records of name %d are out of range", names[c]);
            goto done;
        }
        total += name_records[name_offsets[names[c]]];
        if (name_records[name_offsets[names[c]]] > longest_name) longest_name = name_records[name_offsets[names[c]]];
    }
    Py_ssize_t slots = 16;
    while (slots < 2 * total) slots <<= 1;
    memo.ids = PyMem_Malloc(sizeof(int32_t) * slots);
    memo.sims = PyMem_Malloc(sizeof(double) * slots * nq);
    query_best = PyMem_Malloc(sizeof(double) * nq);
    /* s_k·w_k and w_k of each pairable word: a listed name's, then the query's */
    Py_ssize_t room = longest_name + nq;
    pairable = PyMem_Malloc(sizeof(double) * 2 * room);
    if (!memo.ids || !memo.sims || !query_best || !pairable) { PyErr_NoMemory(); goto done; }
    memset(memo.ids, 0xff, sizeof(int32_t) * slots); /* -1: empty */
    memo.mask = slots - 1;

    result = PyList_New(n);
    if (!result) goto done;
    for (Py_ssize_t c = 0; c < n; c++) {
        const int32_t *record = name_records + name_offsets[names[c]];
        int32_t count = record[0], bits = record[3];
        int person = (bits & N_PERSON) != 0;
        /* compare_names's numbers: digits, and in a name not a person's Roman numerals too */
        int number_flags = person ? F_DIGITS : F_DIGITS | F_ROMAN;
        uint64_t seen = 0;
        int listed_numbers = 0, unmatched = 0;
        for (int32_t k = 0; (bits & N_NUMBERED) && k < count; k++) {
            const uint8_t *word = word_records + word_offsets[record[N_HEADER + k]];
            if (!(word[4] & number_flags)) continue;
            int lw = word[0] | word[1] << 8;
            Py_ssize_t j = 0;
            while (j < nnumbers && !(number_len[j] == lw && memcmp(numbers[j], word + W_HEADER, lw) == 0)) j++;
            listed_numbers = 1;
            if (j < nnumbers) seen |= (uint64_t)1 << j; else unmatched = 1;
        }
        int same_numbers = !unmatched && seen == all_numbers;
        /* names.number_factor: numbers on one side only, or on both and different */
        double value, factor = same_numbers ? 1.0 : (nnumbers && listed_numbers ? p.different_numbers : p.one_sided);
        double bar = threshold / factor; /* what the words' bound must reach */
        Py_ssize_t kept = 0; /* the listed name's words, its numbers left out */
        {
            const double *q_weight = person ? q_wp_v : q_wc_v;
            double listed_left = 0.0, query_left = 0.0;
            double *sw = pairable, *w = pairable + room; /* listed words from 0, the query's from count */
            Py_ssize_t n_listed = 0, n_query = 0;
            int all_vowelless = 1, last_suffixed = 0; /* of the words kept */
            for (Py_ssize_t i = 0; i < nq; i++) query_best[i] = 0.0;
            for (int32_t k = 0; k < count; k++) {
                int32_t id = record[N_HEADER + k];
                const uint8_t *word = word_records + word_offsets[id];
                int lw = word[0] | word[1] << 8, flags = word[4];
                if (flags & number_flags) continue;
                kept++;
                all_vowelless &= (flags & F_VOWELLESS) != 0;
                last_suffixed = (flags & F_SUFFIXED) != 0;
                Py_ssize_t slot = ((uint32_t)id * 2654435761u) & memo.mask;
                while (memo.ids[slot] != -1 && memo.ids[slot] != id) slot = (slot + 1) & memo.mask;
                double *sims = memo.sims + slot * nq;
                if (memo.ids[slot] == -1) {
                    memo.ids[slot] = id;
                    int ls = word[2] | word[3] << 8;
                    const char *w = (const char *)word + W_HEADER, *s = w + lw;
                    const uint8_t *ids = (const uint8_t *)s + ls;
                    for (Py_ssize_t i = 0; i < nq; i++)
                        sims[i] = word_bound(&qw[i], w, lw, s, ls, flags, ids, word[5], p.floor, &p);
                }
                double best = 0.0;
                for (Py_ssize_t i = 0; i < nq; i++) {
                    if (sims[i] > best) best = sims[i];
                    if (sims[i] > query_best[i]) query_best[i] = sims[i];
                }
                double weight = p.weights[lw < p.weight_cap ? lw : p.weight_cap] * ((flags & F_GENERIC) && !person ? p.generic : 1.0);
                if (best >= p.floor) {
                    sw[n_listed] = best * weight;
                    w[n_listed++] = weight;
                } else {
                    listed_left += weight;
                }
            }
            for (Py_ssize_t i = 0; i < nq; i++) {
                if (query_best[i] >= p.floor) {
                    sw[count + n_query] = query_best[i] * q_weight[i];
                    w[count + n_query++] = q_weight[i];
                } else {
                    query_left += q_weight[i];
                }
            }
            Py_ssize_t most = n_listed < n_query ? n_listed : n_query;
            double covered = paired_share(sw, w, n_listed, most, &listed_left) +
                             paired_share(sw + count, w + count, n_query, most, &query_left);
            double cost = (listed_left > 0 && query_left > 0) ? p.conflict : (person ? p.person_extra : p.extra);
            double denominator = covered + cost * (listed_left + query_left);
            value = denominator > 0 ? covered / denominator : 0.0;
            /* whether the kept words run together may be a given name rigour knows: the record
               says so of all its words, so of these only when none was left out */
            int named = kept < count || (bits & N_JOINED_NAMED);
            if (kept == 0 || (kept != nq && value >= bar)) {
                value = Py_HUGE_VAL; /* numbers alone, compared as they are; or passes whatever the run-together form */
            } else if (kept != nq) { /* run together, bounded as one word (but given names) */
                int lb = 0, ascii = qj.ascii && !(bits & N_ANY_NONASCII);
                for (int32_t k = 0; ascii && k < count; k++) {
                    const uint8_t *word = word_records + word_offsets[record[N_HEADER + k]];
                    int lw = word[0] | word[1] << 8;
                    if (word[4] & number_flags) continue;
                    if (lb + lw >= MAX_WORD) { ascii = 0; break; }
                    memcpy(joined + lb, word + W_HEADER, lw);
                    lb += lw;
                }
                double s = 1.0; /* not bounded: beyond ASCII or what rigour compares */
                if (ascii && record[2] < MAX_WORD) {
                    int flags = (all_vowelless ? F_VOWELLESS : 0) | (last_suffixed ? F_SUFFIXED : 0);
                    const char *skeleton = lines + line_offsets[names[c] + 1] - record[2];
                    s = word_bound(&qj, joined, lb, skeleton, record[2], flags, NULL, 0, bar, &p);
                }
                if (factor < 1.0 && named && s < p.named_sim) s = p.named_sim; /* not settled by the caller */
                if (s > value) value = s;
                value += p.epsilon;
                if (factor == 1.0 && value < bar && bar <= p.named_sim && named)
                    value = -1.0 - value; /* see the docstring */
            } else {
                value += p.epsilon;
            }
            if (value > 0 && value < Py_HUGE_VAL) value *= factor;
        }
        PyObject *v = PyFloat_FromDouble(value);
        if (!v) { Py_CLEAR(result); goto done; }
        PyList_SET_ITEM(result, c, v);
    }
done:
    release(b, 7);
    PyMem_Free(memo.ids);
    PyMem_Free(memo.sims);
    PyMem_Free(query_best);
    PyMem_Free(pairable);
    PyMem_Free(masks);
    return result;
}

PyDoc_STRVAR(distance_doc,
"distance(a, b, most, bit_parallel) -> int\n\n"
"The optimal-string-alignment distance of two ASCII words as the bound takes it: exact up to\n"
"`most`, any number above past it; bit-parallel (a of 1 to 64 letters) or by the table.");

static PyObject *py_distance(PyObject *self, PyObject *args) {
    const char *a, *b;
    Py_ssize_t la, lb;
    int most, bit_parallel;
    if (!PyArg_ParseTuple(args, "s#s#ip", &a, &la, &b, &lb, &most, &bit_parallel)) return NULL;
    if (la >= MAX_WORD || lb >= MAX_WORD || (bit_parallel && (la < 1 || la > MASKED_WORD))) {
        PyErr_SetString(PyExc_ValueError, "words too long for this distance");
        return NULL;
    }
    Masks pm;
    if (bit_parallel) fill_masks(pm, a, (int)la);
    return PyLong_FromLong(distance(a, (int)la, bit_parallel ? pm : NULL, b, (int)lb, most));
}

/* The names of the numbers `configure` reads, in the order of `Rules`. */
static const char *DOUBLES[] = {"typo", "floor", "named_sim", "generic", "one_sided", "different_numbers", "conflict",
                                "extra", "person_extra", "epsilon", "initial_sim", "prefix_sim", "consonants_sim"};
static const char *INTS[] = {"abridged_length", "max_query_words"};
#define N_DOUBLES (sizeof DOUBLES / sizeof *DOUBLES)
#define N_INTS (sizeof INTS / sizeof *INTS)

static double *double_field(Rules *r, size_t i) {
    double *fields[N_DOUBLES] = {&r->typo, &r->floor, &r->named_sim, &r->generic, &r->one_sided,
                                 &r->different_numbers, &r->conflict, &r->extra, &r->person_extra, &r->epsilon, &r->initial_sim, &r->prefix_sim,
                                 &r->consonants_sim};
    return fields[i];
}

static int *int_field(Rules *r, size_t i) {
    int *fields[N_INTS] = {&r->abridged_length, &r->max_query_words};
    return fields[i];
}

PyDoc_STRVAR(configure_doc,
"configure(rules: dict) -> None\n\n"
"Set every number of the bound from `features.matching.rules.C_RULES`; each key must be there,\n"
"and no other.");

static PyObject *configure(PyObject *self, PyObject *rules) {
    if (!PyDict_Check(rules) || PyDict_GET_SIZE(rules) != (Py_ssize_t)(N_DOUBLES + N_INTS + 1)) {
        PyErr_Format(PyExc_ValueError, "rules: a dict of %d items", (int)(N_DOUBLES + N_INTS + 1));
        return NULL;
    }
    Rules r;
    memset(&r, 0, sizeof r);
    for (size_t i = 0; i < N_DOUBLES; i++) {
        PyObject *v = PyDict_GetItemString(rules, DOUBLES[i]);
        if (!v) return PyErr_Format(PyExc_KeyError, "rules: no %s", DOUBLES[i]);
        *double_field(&r, i) = PyFloat_AsDouble(v);
        if (PyErr_Occurred()) return NULL;
    }
    for (size_t i = 0; i < N_INTS; i++) {
        PyObject *v = PyDict_GetItemString(rules, INTS[i]);
        if (!v) return PyErr_Format(PyExc_KeyError, "rules: no %s", INTS[i]);
        *int_field(&r, i) = (int)PyLong_AsLong(v);
        if (PyErr_Occurred()) return NULL;
    }
    if (r.max_query_words < 1 || r.max_query_words > QUERY_ROOM)
        return PyErr_Format(PyExc_ValueError, "rules: max_query_words from 1 to %d", QUERY_ROOM);
    PyObject *weights = PyDict_GetItemString(rules, "weights");
    if (!weights || !PyTuple_Check(weights) || PyTuple_GET_SIZE(weights) < 1 || PyTuple_GET_SIZE(weights) > WEIGHT_ROOM)
        return PyErr_Format(PyExc_ValueError, "rules: weights, a tuple of 1 to %d floats", WEIGHT_ROOM);
    r.weight_cap = (int)PyTuple_GET_SIZE(weights) - 1;
    for (int i = 0; i <= r.weight_cap; i++) {
        r.weights[i] = PyFloat_AsDouble(PyTuple_GET_ITEM(weights, i));
        if (PyErr_Occurred()) return NULL;
    }
    RULES = r;
    configured = 1;
    Py_RETURN_NONE;
}

PyDoc_STRVAR(rules_doc, "rules() -> dict\n\nThe numbers the bound computes with, as `configure` set them.");

static PyObject *rules(PyObject *self, PyObject *unused) {
    if (!configured) { PyErr_SetString(PyExc_RuntimeError, "_prefilter: configure() first"); return NULL; }
    PyObject *out = PyDict_New(), *weights = PyTuple_New(RULES.weight_cap + 1);
    if (!out || !weights) goto fail;
    for (size_t i = 0; i < N_DOUBLES; i++) {
        PyObject *v = PyFloat_FromDouble(*double_field(&RULES, i));
        if (!v || PyDict_SetItemString(out, DOUBLES[i], v)) { Py_XDECREF(v); goto fail; }
        Py_DECREF(v);
    }
    for (size_t i = 0; i < N_INTS; i++) {
        PyObject *v = PyLong_FromLong(*int_field(&RULES, i));
        if (!v || PyDict_SetItemString(out, INTS[i], v)) { Py_XDECREF(v); goto fail; }
        Py_DECREF(v);
    }
    for (int i = 0; i <= RULES.weight_cap; i++) {
        PyObject *v = PyFloat_FromDouble(RULES.weights[i]);
        if (!v) goto fail;
        PyTuple_SET_ITEM(weights, i, v);
    }
    if (PyDict_SetItemString(out, "weights", weights)) goto fail;
    Py_DECREF(weights);
    return out;
fail:
    Py_XDECREF(out);
    Py_XDECREF(weights);
    return NULL;
}

static PyMethodDef methods[] = {
    {"configure", configure, METH_O, configure_doc},
    {"rules", rules, METH_NOARGS, rules_doc},
    {"bound", bound, METH_VARARGS, bound_doc},
    {"distance", py_distance, METH_VARARGS, distance_doc},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "_prefilter", NULL, -1, methods};

PyMODINIT_FUNC PyInit__prefilter(void) { return PyModule_Create(&module); }
