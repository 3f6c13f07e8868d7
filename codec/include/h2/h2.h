/* h2.h — the whole public codec API in one include. */
#ifndef H2_H2_H
#define H2_H2_H
#include "h2/cursor.h"
#include "h2/error.h"
#include "h2/frame.h"
#include "h2/hpack.h"
#include "h2/huffman.h"
#endif
