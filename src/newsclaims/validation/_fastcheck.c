/* The two hottest yes/no checks of validation, in C (optional: pip builds it when it finds a C compiler).

   keys_unique(data, value)
       Level 1: the JSON text `data`, which orjson parsed into `value`, has no duplicate key. orjson
       keeps the last of duplicate keys silently, so keys are counted twice: in `value`, and as the
       ':' outside string literals of `data` (one per key in valid JSON). They are equal exactly when
       no key was dropped. The Python twin is validate.python_keys_unique.

   spans_and_links_ok(annotation, file_stem, source_ids, text)
       Levels 3 and 4 for a schema-valid annotation, except text_sha256 (hashlib does it): the
       answer of checks.python_spans_and_links_ok, which is the reference.

   Both answer True only when the exact Python checks would find nothing. False sends the file to
   those checks, which say why. Neither raises for anything in the data: a type the schema should
   have ruled out, an offset written 6.0 or one that does not fit, is a False. Each costs a third to
   a half of the instructions of its Python twin; together the twins were a third of those of
   `newsclaims validate` (docs/benchmarks.md, "Where the time goes"). tests/test_validate.py checks
   that C, Python and the exact checks agree. Edit this file, then reinstall (pip install -e .). */

#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#if defined(__SSE2__) || defined(_M_X64)
#include <emmintrin.h>
#endif

/* --- keys_unique ------------------------------------------------------------------------------- */

#define MAX_DEPTH 2048 /* orjson refuses more than 1024 levels: deeper is not a value it made */

/* Keys of every object in a parsed JSON tree; -1 when it is deeper than MAX_DEPTH. */
static Py_ssize_t count_keys(PyObject *node, int depth)
{
    Py_ssize_t total = 0;
    if (depth > MAX_DEPTH)
        return -1;
    if (PyDict_CheckExact(node)) {
        PyObject *key, *child;
        Py_ssize_t pos = 0;
        total = PyDict_GET_SIZE(node);
        while (PyDict_Next(node, &pos, &key, &child)) {
            if (PyDict_CheckExact(child) || PyList_CheckExact(child)) {
                Py_ssize_t below = count_keys(child, depth + 1);
                if (below < 0)
                    return -1;
                total += below;
            }
        }
    }
    else if (PyList_CheckExact(node)) {
        for (Py_ssize_t i = 0; i < PyList_GET_SIZE(node); i++) {
            PyObject *child = PyList_GET_ITEM(node, i);
            if (PyDict_CheckExact(child) || PyList_CheckExact(child)) {
                Py_ssize_t below = count_keys(child, depth + 1);
                if (below < 0)
                    return -1;
                total += below;
            }
        }
    }
    return total;
}

/* ':' outside string literals of a JSON text, 64 bytes at a time, as bit masks (one bit per byte):
   a string runs from a '"' that no backslash escapes to the next one, so the running XOR of the
   unescaped quotes marks the bytes inside strings. */

/* Bits of the bytes equal to '"', '\\' and ':' in 64 bytes. */
static void block_masks(const unsigned char *p, uint64_t *quotes, uint64_t *backslashes, uint64_t *colons)
{
#if defined(__SSE2__) || defined(_M_X64)
    const __m128i quote = _mm_set1_epi8('"'), backslash = _mm_set1_epi8('\\'), colon = _mm_set1_epi8(':');
    uint64_t q = 0, b = 0, c = 0;
    for (int i = 0; i < 4; i++) {
        __m128i chunk = _mm_loadu_si128((const __m128i *)(p + 16 * i));
        q |= (uint64_t)(uint16_t)_mm_movemask_epi8(_mm_cmpeq_epi8(chunk, quote)) << (16 * i);
        b |= (uint64_t)(uint16_t)_mm_movemask_epi8(_mm_cmpeq_epi8(chunk, backslash)) << (16 * i);
        c |= (uint64_t)(uint16_t)_mm_movemask_epi8(_mm_cmpeq_epi8(chunk, colon)) << (16 * i);
    }
    *quotes = q, *backslashes = b, *colons = c;
#else
    uint64_t q = 0, b = 0, c = 0;
    for (int i = 0; i < 64; i++) {
        q |= (uint64_t)(p[i] == '"') << i;
        b |= (uint64_t)(p[i] == '\\') << i;
        c |= (uint64_t)(p[i] == ':') << i;
    }
    *quotes = q, *backslashes = b, *colons = c;
#endif
}

static int ones(uint64_t x)
{
#if defined(__GNUC__) || defined(__clang__)
    return __builtin_popcountll(x);
#else
    int n = 0;
    for (; x; x &= x - 1)
        n++;
    return n;
#endif
}

static int lowest_one(uint64_t x) /* x != 0 */
{
#if defined(__GNUC__) || defined(__clang__)
    return __builtin_ctzll(x);
#else
    int n = 0;
    for (; !(x & 1); x >>= 1)
        n++;
    return n;
#endif
}

static Py_ssize_t count_key_colons(const char *s, Py_ssize_t n)
{
    Py_ssize_t colons = 0;
    uint64_t inside = 0;          /* all ones when the previous block ended inside a string */
    int escaped_next = 0;         /* the previous block ended on a backslash that escapes this block's first byte */
    unsigned char tail[64];
    for (Py_ssize_t at = 0; at < n; at += 64) {
        const unsigned char *p = (const unsigned char *)s + at;
        if (n - at < 64) { /* the last bytes, padded with spaces */
            memset(tail, ' ', sizeof tail);
            memcpy(tail, p, (size_t)(n - at));
            p = tail;
        }
        uint64_t quotes, backslashes, colon_bits;
        block_masks(p, &quotes, &backslashes, &colon_bits);
        /* A backslash escapes the byte after it, unless it is escaped itself. Rare: one at a time. */
        uint64_t escaped = escaped_next ? 1 : 0;
        escaped_next = 0;
        for (uint64_t rest = backslashes & ~escaped; rest; ) {
            int bit = lowest_one(rest);
            if (bit == 63) {
                escaped_next = 1;
                break;
            }
            escaped |= (uint64_t)1 << (bit + 1);
            if (bit == 62)
                break;
            rest &= ~(((uint64_t)1 << (bit + 2)) - 1); /* the next backslash that is not the escaped byte */
        }
        uint64_t strings = quotes & ~escaped;
        strings ^= strings << 1;
        strings ^= strings << 2;
        strings ^= strings << 4;
        strings ^= strings << 8;
        strings ^= strings << 16;
        strings ^= strings << 32;
        strings ^= inside;
        colons += ones(colon_bits & ~strings);
        inside = (uint64_t)0 - (strings >> 63); /* all ones when the last byte is inside a string */
    }
    return colons;
}

static PyObject *keys_unique(PyObject *module, PyObject *const *args, Py_ssize_t nargs)
{
    (void)module;
    if (nargs != 2 || !PyBytes_Check(args[0])) {
        PyErr_SetString(PyExc_TypeError, "keys_unique(data: bytes, value)");
        return NULL;
    }
    Py_ssize_t keys = count_keys(args[1], 0);
    if (keys < 0)
        Py_RETURN_FALSE;
    return PyBool_FromLong(keys == count_key_colons(PyBytes_AS_STRING(args[0]), PyBytes_GET_SIZE(args[0])));
}

/* --- spans_and_links_ok ------------------------------------------------------------------------ */

/* The keys looked up, as str objects. orjson makes one str object per key name and reuses it for every
   file (its key cache); a dict lookup with that very object skips comparing strings, five times
   cheaper. So learn_keys swaps each of these for the object the current file uses. */
static PyObject *K_doc_id, *K_entities, *K_mentions, *K_id, *K_start, *K_end, *K_text, *K_claims, *K_attribution,
    *K_cue, *K_source_span, *K_hedge_cues, *K_hedged, *K_about, *K_mode, *K_source_id, *K_metadata,
    *K_author_source_ids, *K_publisher_source_id;

static struct {
    PyObject **key;
    const char *name;
    Py_hash_t hash;
} KEYS[] = {
    {&K_doc_id, "doc_id", 0}, {&K_entities, "entities", 0}, {&K_mentions, "mentions", 0}, {&K_id, "id", 0},
    {&K_start, "start", 0}, {&K_end, "end", 0}, {&K_text, "text", 0}, {&K_claims, "claims", 0},
    {&K_attribution, "attribution", 0}, {&K_cue, "cue", 0}, {&K_source_span, "source_span", 0},
    {&K_hedge_cues, "hedge_cues", 0}, {&K_hedged, "hedged", 0}, {&K_about, "about", 0}, {&K_mode, "mode", 0},
    {&K_source_id, "source_id", 0}, {&K_metadata, "metadata", 0}, {&K_author_source_ids, "author_source_ids", 0},
    {&K_publisher_source_id, "publisher_source_id", 0},
};
#define N_KEYS (sizeof(KEYS) / sizeof(KEYS[0]))

/* Swaps each key that d holds as another object equal to it for that object (see KEYS). */
static void learn_keys(PyObject *d)
{
    PyObject *key, *value;
    Py_ssize_t pos = 0;
    if (!PyDict_CheckExact(d))
        return;
    while (PyDict_Next(d, &pos, &key, &value)) {
        if (!PyUnicode_CheckExact(key))
            continue;
        Py_hash_t hash = PyObject_Hash(key); /* cached in the str */
        for (size_t i = 0; i < N_KEYS; i++) {
            if (KEYS[i].hash == hash && *KEYS[i].key != key && PyUnicode_Compare(*KEYS[i].key, key) == 0) {
                Py_INCREF(key);
                Py_SETREF(*KEYS[i].key, key);
            }
        }
    }
    PyErr_Clear(); /* an unhashable key cannot be: keys are str */
}

/* d[key], borrowed; NULL (and no exception) when d is not a dict or has no such key. */
static PyObject *get(PyObject *d, PyObject *key)
{
    if (!PyDict_CheckExact(d))
        return NULL;
    PyObject *value = PyDict_GetItemWithError(d, key);
    if (value == NULL)
        PyErr_Clear();
    return value;
}

/* d[key] when it is a list, else NULL. */
static PyObject *get_list(PyObject *d, PyObject *key)
{
    PyObject *value = get(d, key);
    return value != NULL && PyList_CheckExact(value) ? value : NULL;
}

#define SAME(A, B)                                                                                             \
    for (Py_ssize_t i = 0; i < length; i++)                                                                \
        if (((const A *)a)[i] != ((const B *)b)[i])                                                        \
            return 0;                                                                                      \
    return 1;

/* The code points of two strings of `length` code points and different kinds (bytes per code point). */
static int same_code_points(int a_kind, const void *a, int b_kind, const void *b, Py_ssize_t length)
{
    switch (a_kind * 8 + b_kind) {
    case PyUnicode_2BYTE_KIND * 8 + PyUnicode_1BYTE_KIND: SAME(Py_UCS2, Py_UCS1)
    case PyUnicode_4BYTE_KIND * 8 + PyUnicode_1BYTE_KIND: SAME(Py_UCS4, Py_UCS1)
    case PyUnicode_4BYTE_KIND * 8 + PyUnicode_2BYTE_KIND: SAME(Py_UCS4, Py_UCS2)
    case PyUnicode_1BYTE_KIND * 8 + PyUnicode_2BYTE_KIND: SAME(Py_UCS1, Py_UCS2)
    case PyUnicode_1BYTE_KIND * 8 + PyUnicode_4BYTE_KIND: SAME(Py_UCS1, Py_UCS4)
    case PyUnicode_2BYTE_KIND * 8 + PyUnicode_4BYTE_KIND: SAME(Py_UCS2, Py_UCS4)
    default: return 0;
    }
}

/* A span is right when start < end <= len(text), both are ints, its quote equals text[start:end], and
   the quote has no whitespace at either edge (str.isspace, as in checks.check_content). The schema
   has made offsets >= 0 and quotes non-empty; they are checked again here, at no cost. */
static int span_ok(PyObject *span, PyObject *text, Py_ssize_t *start_out, Py_ssize_t *end_out)
{
    PyObject *start_obj = get(span, K_start), *end_obj = get(span, K_end), *quote = get(span, K_text);
    if (start_obj == NULL || end_obj == NULL || quote == NULL || !PyLong_CheckExact(start_obj) ||
        !PyLong_CheckExact(end_obj) || !PyUnicode_Check(quote))
        return 0;
    Py_ssize_t start = PyLong_AsSsize_t(start_obj), end = PyLong_AsSsize_t(end_obj);
    if ((start == -1 || end == -1) && PyErr_Occurred()) {
        PyErr_Clear();
        return 0;
    }
    Py_ssize_t length = PyUnicode_GET_LENGTH(quote);
    if (start < 0 || length == 0 || end - start != length || end > PyUnicode_GET_LENGTH(text))
        return 0;
    int text_kind = PyUnicode_KIND(text), quote_kind = PyUnicode_KIND(quote);
    const void *text_data = PyUnicode_DATA(text), *quote_data = PyUnicode_DATA(quote);
    if (text_kind == quote_kind) {
        if (memcmp((const char *)text_data + start * text_kind, quote_data, (size_t)(length * quote_kind)) != 0)
            return 0;
    }
    else if (!same_code_points(text_kind, (const char *)text_data + start * text_kind, quote_kind, quote_data, length)) {
        return 0; /* a stretch of text may need fewer bytes per code point than the whole text */
    }
    if (Py_UNICODE_ISSPACE(PyUnicode_READ(quote_kind, quote_data, 0)) ||
        Py_UNICODE_ISSPACE(PyUnicode_READ(quote_kind, quote_data, length - 1)))
        return 0;
    if (start_out != NULL) {
        *start_out = start;
        *end_out = end;
    }
    return 1;
}

/* span_ok for a span or None (NULL: the key was missing). */
static int nullable_span_ok(PyObject *span, PyObject *text)
{
    return span == Py_None || (span != NULL && span_ok(span, text, NULL, NULL));
}

/* Only exact str are hashed or compared: no Python code (a __hash__ or __eq__) can run during a check
   and change the lists it walks. */

/* 1 when item is a str in the set, else 0. */
static int in_set(PyObject *set, PyObject *item)
{
    if (!PyUnicode_CheckExact(item))
        return 0;
    int found = PySet_Contains(set, item);
    if (found < 0) {
        PyErr_Clear();
        return 0;
    }
    return found;
}

/* Adds owner["id"] to the set; 0 when it is missing or not a str. */
static int add_id(PyObject *set, PyObject *owner)
{
    PyObject *id = get(owner, K_id);
    if (id == NULL || !PyUnicode_CheckExact(id) || PySet_Add(set, id) < 0) {
        PyErr_Clear();
        return 0;
    }
    return 1;
}

typedef struct {
    Py_ssize_t start, end;
} Stretch;

/* The checks of one annotation; ids and entity_ids are empty sets, stretches has room for `room` mentions. */
static int annotation_ok(PyObject *annotation, PyObject *file_stem, PyObject *source_ids, PyObject *text,
                         PyObject *ids, PyObject *entity_ids, Stretch *stretches, Py_ssize_t room)
{
    PyObject *entities = get_list(annotation, K_entities), *claims = get_list(annotation, K_claims);
    if (entities == NULL || claims == NULL)
        return 0;
    if (file_stem != Py_None) {
        PyObject *doc_id = get(annotation, K_doc_id);
        if (doc_id == NULL || !PyUnicode_CheckExact(doc_id) || PyUnicode_Compare(file_stem, doc_id) != 0) {
            PyErr_Clear();
            return 0;
        }
    }
    Py_ssize_t count = PyList_GET_SIZE(entities) + PyList_GET_SIZE(claims), mentions = 0;
    for (Py_ssize_t e = 0; e < PyList_GET_SIZE(entities); e++) {
        PyObject *entity = PyList_GET_ITEM(entities, e), *list = get_list(entity, K_mentions);
        if (list == NULL || !add_id(entity_ids, entity) || !add_id(ids, entity))
            return 0;
        for (Py_ssize_t m = 0; m < PyList_GET_SIZE(list); m++) {
            PyObject *mention = PyList_GET_ITEM(list, m);
            if (mentions == room || !span_ok(mention, text, &stretches[mentions].start, &stretches[mentions].end) || !add_id(ids, mention))
                return 0;
            mentions++;
        }
    }
    count += mentions;
    /* Two mentions of one stretch of text: equal neighbours once sorted. The mentions of an entity come
       in reading order, so an insertion sort has little to move (and no call per comparison). */
    for (Py_ssize_t m = 1; m < mentions; m++) {
        Stretch moved = stretches[m];
        Py_ssize_t to = m;
        for (; to > 0 && (stretches[to - 1].start > moved.start ||
                          (stretches[to - 1].start == moved.start && stretches[to - 1].end > moved.end)); to--)
            stretches[to] = stretches[to - 1];
        stretches[to] = moved;
    }
    for (Py_ssize_t m = 1; m < mentions; m++)
        if (stretches[m].start == stretches[m - 1].start && stretches[m].end == stretches[m - 1].end)
            return 0;

    for (Py_ssize_t c = 0; c < PyList_GET_SIZE(claims); c++) {
        PyObject *claim = PyList_GET_ITEM(claims, c), *attribution = get(claim, K_attribution);
        PyObject *hedge_cues = get_list(claim, K_hedge_cues), *about = get_list(claim, K_about);
        PyObject *hedged = get(claim, K_hedged), *source_id = get(claim, K_source_id);
        PyObject *mode = attribution != NULL ? get(attribution, K_mode) : NULL;
        PyObject *cue = attribution != NULL ? get(attribution, K_cue) : NULL;
        if (attribution == NULL || hedge_cues == NULL || about == NULL || (hedged != Py_True && hedged != Py_False) ||
            source_id == NULL || !PyUnicode_Check(source_id) || mode == NULL || !PyUnicode_Check(mode) || cue == NULL)
            return 0;
        if (!add_id(ids, claim) || !span_ok(claim, text, NULL, NULL) || !nullable_span_ok(cue, text) ||
            !nullable_span_ok(get(attribution, K_source_span), text))
            return 0;
        for (Py_ssize_t h = 0; h < PyList_GET_SIZE(hedge_cues); h++)
            if (!span_ok(PyList_GET_ITEM(hedge_cues, h), text, NULL, NULL))
                return 0;
        for (Py_ssize_t a = 0; a < PyList_GET_SIZE(about); a++)
            if (!in_set(entity_ids, PyList_GET_ITEM(about, a)))
                return 0;
        if ((hedged == Py_True) != (PyList_GET_SIZE(hedge_cues) > 0))
            return 0;
        int authorial = PyUnicode_CompareWithASCIIString(mode, "authorial") == 0;
        int by_author = PyUnicode_CompareWithASCIIString(source_id, "author") == 0;
        if (authorial != by_author || (authorial && cue != Py_None))
            return 0;
        if (source_ids != Py_None && !in_set(source_ids, source_id))
            return 0;
    }
    if (PySet_GET_SIZE(ids) != count) /* an id used twice */
        return 0;

    if (source_ids != Py_None) {
        PyObject *metadata = get(annotation, K_metadata);
        PyObject *authors = metadata != NULL ? get_list(metadata, K_author_source_ids) : NULL;
        PyObject *publisher = metadata != NULL ? get(metadata, K_publisher_source_id) : NULL;
        if (authors == NULL || publisher == NULL || (publisher != Py_None && !in_set(source_ids, publisher)))
            return 0;
        for (Py_ssize_t a = 0; a < PyList_GET_SIZE(authors); a++)
            if (!in_set(source_ids, PyList_GET_ITEM(authors, a)))
                return 0;
    }
    return 1;
}

/* Mentions in the annotation, to size the stretch array; -1 when the structure is not the schema's. */
static Py_ssize_t count_mentions(PyObject *annotation)
{
    PyObject *entities = get_list(annotation, K_entities);
    Py_ssize_t total = 0;
    if (entities == NULL)
        return -1;
    for (Py_ssize_t e = 0; e < PyList_GET_SIZE(entities); e++) {
        PyObject *list = get_list(PyList_GET_ITEM(entities, e), K_mentions);
        if (list == NULL)
            return -1;
        total += PyList_GET_SIZE(list);
    }
    return total;
}

/* learn_keys on one object of each kind the checks look into. */
static void learn_the_keys_of(PyObject *annotation)
{
    learn_keys(annotation);
    PyObject *entities = get_list(annotation, K_entities), *claims = get_list(annotation, K_claims);
    PyObject *metadata = get(annotation, K_metadata);
    if (metadata != NULL)
        learn_keys(metadata);
    if (entities != NULL && PyList_GET_SIZE(entities) > 0) {
        PyObject *entity = PyList_GET_ITEM(entities, 0), *mentions = get_list(entity, K_mentions);
        learn_keys(entity);
        if (mentions != NULL && PyList_GET_SIZE(mentions) > 0)
            learn_keys(PyList_GET_ITEM(mentions, 0));
    }
    if (claims != NULL && PyList_GET_SIZE(claims) > 0) {
        PyObject *claim = PyList_GET_ITEM(claims, 0), *attribution = get(claim, K_attribution);
        learn_keys(claim);
        if (attribution != NULL)
            learn_keys(attribution);
    }
}

static PyObject *spans_and_links_ok(PyObject *module, PyObject *const *args, Py_ssize_t nargs)
{
    (void)module;
    if (nargs != 4 || !PyUnicode_Check(args[3]) || (args[1] != Py_None && !PyUnicode_CheckExact(args[1])) ||
        (args[2] != Py_None && !PyAnySet_Check(args[2]))) {
        PyErr_SetString(PyExc_TypeError, "spans_and_links_ok(annotation: dict, file_stem: str | None, source_ids: set | None, text: str)");
        return NULL;
    }
    learn_the_keys_of(args[0]);
    Py_ssize_t mentions = count_mentions(args[0]);
    if (mentions < 0)
        Py_RETURN_FALSE;
    Stretch *stretches = PyMem_Malloc(sizeof(Stretch) * (size_t)(mentions + 1));
    PyObject *ids = PySet_New(NULL), *entity_ids = PySet_New(NULL);
    if (stretches == NULL || ids == NULL || entity_ids == NULL) {
        PyMem_Free(stretches);
        Py_XDECREF(ids);
        Py_XDECREF(entity_ids);
        return PyErr_NoMemory();
    }
    int ok = annotation_ok(args[0], args[1], args[2], args[3], ids, entity_ids, stretches, mentions);
    PyMem_Free(stretches);
    Py_DECREF(ids);
    Py_DECREF(entity_ids);
    return PyBool_FromLong(ok);
}

/* --- module ------------------------------------------------------------------------------------ */

static PyMethodDef methods[] = {
    {"keys_unique", (PyCFunction)(void (*)(void))keys_unique, METH_FASTCALL,
     "keys_unique(data, value) -> bool: the JSON text data, parsed into value, has no duplicate key."},
    {"spans_and_links_ok", (PyCFunction)(void (*)(void))spans_and_links_ok, METH_FASTCALL,
     "spans_and_links_ok(annotation, file_stem, source_ids, text) -> bool: checks.python_spans_and_links_ok, in C."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module_def = {PyModuleDef_HEAD_INIT, "_fastcheck", NULL, -1, methods};

PyMODINIT_FUNC PyInit__fastcheck(void)
{
    for (size_t i = 0; i < N_KEYS; i++) {
        if (*KEYS[i].key == NULL && (*KEYS[i].key = PyUnicode_InternFromString(KEYS[i].name)) == NULL)
            return NULL;
        if ((KEYS[i].hash = PyObject_Hash(*KEYS[i].key)) == -1)
            return NULL;
    }
    return PyModule_Create(&module_def);
}
