// @ts-check
/* The layout of search.json and its shards that these modules read. generator/site/search.py writes
   it and has the same constant (FORMAT_VERSION): tests/site/test_search_js.py checks they are equal.
   A cached script may meet a newer index or the reverse: it reads no layout but its own. */

export const FORMAT_VERSION = 3;
